/* util/log.h -- leveled logging with an injectable sink.
 *
 * Library and protocol code never prints: it hands messages to an sh_log,
 * whose sink the driver chooses (stderr, a file, the simulator's trace, a
 * test's capture buffer).  Messages below the logger's level are dropped
 * before formatting.  Secrets must never be passed to a logger.
 *
 * A message is formatted into a bounded stack buffer of SH_LOG_MSG_MAX
 * bytes (NUL included); a longer message is cut and ends in "...".  Control
 * characters (bytes < 0x20 and 0x7f) are replaced by '?' before the sink
 * sees the text, so a peer-supplied string can neither forge extra log
 * lines nor smuggle terminal escapes.  Sinks therefore always receive one
 * line of at most SH_LOG_MSG_MAX - 1 bytes.
 */
#ifndef SHROUD_UTIL_LOG_H
#define SHROUD_UTIL_LOG_H

#include <stdarg.h>
#include <stdio.h>

#define SH_LOG_MSG_MAX 1024

typedef enum sh_log_level {
    SH_LOG_DEBUG = 0,
    SH_LOG_INFO = 1,
    SH_LOG_NOTICE = 2,
    SH_LOG_WARN = 3,
    SH_LOG_ERR = 4
} sh_log_level;

/* A sink receives one complete, formatted message (no trailing newline). */
typedef void (*sh_log_sink_fn)(void *sink_ctx, sh_log_level level,
                               const char *module, const char *msg);

typedef struct sh_log {
    sh_log_level level;      /* minimum level emitted */
    sh_log_sink_fn sink;     /* NULL: discard everything */
    void *sink_ctx;
} sh_log;

/* Log at a level; module is a short tag such as "zk" or "dkg" (NULL is
 * passed to the sink as ""). A NULL log, a NULL sink or a level below
 * log->level discards the message without formatting it. */
void sh_log_msg(const sh_log *log, sh_log_level level, const char *module,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void sh_log_vmsg(const sh_log *log, sh_log_level level, const char *module,
                 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Ready-made sink writing "LEVEL module: msg\n" to the FILE* in sink_ctx
 * (stderr when NULL); systemd-friendly "<N>" priority prefixes when the
 * environment variable JOURNAL_STREAM is set. */
void sh_log_sink_stdio(void *sink_ctx, sh_log_level level, const char *module,
                       const char *msg);
/* "debug", "info", "notice", "warn", "err" (what sh_log_level_parse
 * accepts); "?" for a value outside the enum. */
const char *sh_log_level_name(sh_log_level level);
/* Parse "debug", "info", "notice", "warn", "err" (ASCII case-insensitive;
 * "warning" and "error" are accepted as aliases); 0 or SH_ERR_FORMAT, in
 * which case *out is untouched. */
int sh_log_level_parse(const char *s, sh_log_level *out);

#endif
