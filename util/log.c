/* util/log.c -- leveled logging into an injectable sink. */
#include "util/log.h"

#include <stdlib.h>
#include <string.h>
#include "util/err.h"

void sh_log_vmsg(const sh_log *log, sh_log_level level, const char *module,
                 const char *fmt, va_list ap)
{
    /* Filter first: a disabled debug line must cost no formatting. */
    if (log == NULL || log->sink == NULL || fmt == NULL || level < log->level)
        return;
    char msg[SH_LOG_MSG_MAX];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    if (n < 0) {
        /* An encoding error leaves msg unspecified; say so instead. */
        strcpy(msg, "(unformattable log message)");
    } else if ((size_t)n >= sizeof msg) {
        /* vsnprintf has already cut and terminated; mark the cut so a
         * reader does not take the fragment for the whole message. */
        memcpy(msg + sizeof msg - 4, "...", 4);
    }
    for (char *p = msg; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            *p = '?';
    }
    log->sink(log->sink_ctx, level, module != NULL ? module : "", msg);
}

void sh_log_msg(const sh_log *log, sh_log_level level, const char *module,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sh_log_vmsg(log, level, module, fmt, ap);
    va_end(ap);
}

static const char *const level_names[] = { "debug", "info", "notice", "warn", "err" };
static const char *const level_upper[] = { "DEBUG", "INFO", "NOTICE", "WARN", "ERR" };
/* syslog(3) priorities, which systemd-journald reads from "<N>" prefixes. */
static const int level_syslog[] = { 7, 6, 5, 4, 3 };

static int level_valid(sh_log_level level)
{
    return (int)level >= (int)SH_LOG_DEBUG && (int)level <= (int)SH_LOG_ERR;
}

const char *sh_log_level_name(sh_log_level level)
{
    return level_valid(level) ? level_names[level] : "?";
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        if (ca != *b)
            return 0;
    }
    return *a == '\0' && *b == '\0';
}

int sh_log_level_parse(const char *s, sh_log_level *out)
{
    if (s == NULL || out == NULL)
        return SH_ERR_FORMAT;
    for (int i = SH_LOG_DEBUG; i <= SH_LOG_ERR; i++) {
        if (ascii_ieq(s, level_names[i])) {
            *out = (sh_log_level)i;
            return 0;
        }
    }
    if (ascii_ieq(s, "warning")) {
        *out = SH_LOG_WARN;
        return 0;
    }
    if (ascii_ieq(s, "error")) {
        *out = SH_LOG_ERR;
        return 0;
    }
    return SH_ERR_FORMAT;
}

void sh_log_sink_stdio(void *sink_ctx, sh_log_level level, const char *module,
                       const char *msg)
{
    FILE *f = sink_ctx != NULL ? (FILE *)sink_ctx : stderr;
    int lv = level_valid(level) ? (int)level : (int)SH_LOG_ERR;
    /* Under systemd, stderr is a journal stream; the "<N>" prefix gives
     * each line its priority there instead of a blanket "info". */
    const char *js = getenv("JOURNAL_STREAM");
    char prio[8] = "";
    if (js != NULL && js[0] != '\0')
        snprintf(prio, sizeof prio, "<%d>", level_syslog[lv]);
    if (module == NULL)
        module = "";
    if (msg == NULL)
        msg = "";
    /* One fprintf per line: stdio locks the stream for the call, so lines
     * from concurrent threads do not interleave. */
    if (module[0] != '\0')
        fprintf(f, "%s%s %s: %s\n", prio, level_upper[lv], module, msg);
    else
        fprintf(f, "%s%s %s\n", prio, level_upper[lv], msg);
    fflush(f);
}
