/* tests/test_util_log.c -- levels, sinks, truncation, the stdio sink. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "util/log.h"
#include "util/err.h"

typedef struct capture {
    int calls;
    sh_log_level level;
    char module[64];
    char msg[SH_LOG_MSG_MAX + 16];
} capture;

static void capture_sink(void *ctx, sh_log_level level, const char *module,
                         const char *msg)
{
    capture *c = ctx;
    c->calls++;
    c->level = level;
    snprintf(c->module, sizeof c->module, "%s", module);
    snprintf(c->msg, sizeof c->msg, "%s", msg);
}

Test(log, formats_and_delivers)
{
    capture c = { 0 };
    sh_log lg = { SH_LOG_DEBUG, capture_sink, &c };
    sh_log_msg(&lg, SH_LOG_NOTICE, "dkg", "round %d of %s", 3, "epoch-7");
    cr_assert_eq(c.calls, 1);
    cr_assert_eq(c.level, SH_LOG_NOTICE);
    cr_assert_str_eq(c.module, "dkg");
    cr_assert_str_eq(c.msg, "round 3 of epoch-7");
    sh_log_msg(&lg, SH_LOG_INFO, NULL, "x");
    cr_assert_str_eq(c.module, "");
}

Test(log, level_filtering)
{
    capture c = { 0 };
    sh_log lg = { SH_LOG_WARN, capture_sink, &c };
    sh_log_msg(&lg, SH_LOG_DEBUG, "m", "d");
    sh_log_msg(&lg, SH_LOG_INFO, "m", "i");
    sh_log_msg(&lg, SH_LOG_NOTICE, "m", "n");
    cr_assert_eq(c.calls, 0);
    sh_log_msg(&lg, SH_LOG_WARN, "m", "w");
    cr_assert_eq(c.calls, 1);
    cr_assert_str_eq(c.msg, "w");
    sh_log_msg(&lg, SH_LOG_ERR, "m", "e");
    cr_assert_eq(c.calls, 2);
    cr_assert_eq(c.level, SH_LOG_ERR);
    lg.level = SH_LOG_DEBUG;
    sh_log_msg(&lg, SH_LOG_DEBUG, "m", "d");
    cr_assert_eq(c.calls, 3);
}

Test(log, null_sink_and_null_log_discard)
{
    sh_log lg = { SH_LOG_DEBUG, NULL, NULL };
    sh_log_msg(&lg, SH_LOG_ERR, "m", "dropped %d", 1);
    sh_log_msg(NULL, SH_LOG_ERR, "m", "dropped %d", 2);
}

Test(log, long_messages_are_cut_and_marked)
{
    capture c = { 0 };
    sh_log lg = { SH_LOG_DEBUG, capture_sink, &c };
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sh_log_msg(&lg, SH_LOG_INFO, "m", "%s", big);
    size_t n = strlen(c.msg);
    cr_assert_eq(n, SH_LOG_MSG_MAX - 1);
    cr_assert_str_eq(c.msg + n - 3, "...");
    cr_assert_eq(c.msg[n - 4], 'x');
    /* A message of exactly the maximum length is delivered whole. */
    big[SH_LOG_MSG_MAX - 1] = '\0';
    sh_log_msg(&lg, SH_LOG_INFO, "m", "%s", big);
    cr_assert_eq(strlen(c.msg), SH_LOG_MSG_MAX - 1);
    cr_assert_eq(c.msg[SH_LOG_MSG_MAX - 2], 'x');
    /* One more byte and it is cut. */
    big[SH_LOG_MSG_MAX - 1] = 'x';
    big[SH_LOG_MSG_MAX] = '\0';
    sh_log_msg(&lg, SH_LOG_INFO, "m", "%s", big);
    cr_assert_str_eq(c.msg + SH_LOG_MSG_MAX - 4, "...");
}

Test(log, control_characters_are_neutralised)
{
    capture c = { 0 };
    sh_log lg = { SH_LOG_DEBUG, capture_sink, &c };
    sh_log_msg(&lg, SH_LOG_WARN, "peer", "name=%s", "evil\nERR forged: line\x1b[31m\x7f");
    cr_assert_str_eq(c.msg, "name=evil?ERR forged: line?[31m?");
    /* UTF-8 passes through untouched */
    sh_log_msg(&lg, SH_LOG_WARN, "peer", "caf\xc3\xa9");
    cr_assert_str_eq(c.msg, "caf\xc3\xa9");
}

Test(log, level_names_and_parsing)
{
    static const char *names[] = { "debug", "info", "notice", "warn", "err" };
    for (int i = SH_LOG_DEBUG; i <= SH_LOG_ERR; i++) {
        sh_log_level lv = SH_LOG_ERR;
        cr_assert_str_eq(sh_log_level_name((sh_log_level)i), names[i]);
        cr_assert_eq(sh_log_level_parse(names[i], &lv), 0);
        cr_assert_eq(lv, (sh_log_level)i);
    }
    sh_log_level lv = SH_LOG_INFO;
    cr_assert_eq(sh_log_level_parse("WARN", &lv), 0);
    cr_assert_eq(lv, SH_LOG_WARN);
    cr_assert_eq(sh_log_level_parse("warning", &lv), 0);
    cr_assert_eq(lv, SH_LOG_WARN);
    cr_assert_eq(sh_log_level_parse("Error", &lv), 0);
    cr_assert_eq(lv, SH_LOG_ERR);
    lv = SH_LOG_INFO;
    static const char *bad[] = { "", "verbose", "debugx", "debu", " info", "info ", "5" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(sh_log_level_parse(bad[i], &lv), SH_ERR_FORMAT, "accepted '%s'", bad[i]);
    cr_assert_eq(sh_log_level_parse(NULL, &lv), SH_ERR_FORMAT);
    cr_assert_eq(lv, SH_LOG_INFO, "failed parse leaves the output alone");
    cr_assert_str_eq(sh_log_level_name((sh_log_level)99), "?");
}

/* Run the stdio sink into a temporary file and return what it wrote. */
static void stdio_line(sh_log_level level, const char *module, const char *msg,
                       char *out, size_t cap)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    sh_log lg = { SH_LOG_DEBUG, sh_log_sink_stdio, f };
    sh_log_msg(&lg, level, module, "%s", msg);
    rewind(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
}

Test(log, stdio_sink_plain_and_journal)
{
    char line[256];
    unsetenv("JOURNAL_STREAM");
    stdio_line(SH_LOG_WARN, "gossip", "peer table full", line, sizeof line);
    cr_assert_str_eq(line, "WARN gossip: peer table full\n");
    stdio_line(SH_LOG_INFO, "", "started", line, sizeof line);
    cr_assert_str_eq(line, "INFO started\n");

    setenv("JOURNAL_STREAM", "8:12345", 1);
    static const char *want[] = {
        "<7>DEBUG m: x\n", "<6>INFO m: x\n", "<5>NOTICE m: x\n",
        "<4>WARN m: x\n", "<3>ERR m: x\n"
    };
    for (int i = SH_LOG_DEBUG; i <= SH_LOG_ERR; i++) {
        stdio_line((sh_log_level)i, "m", "x", line, sizeof line);
        cr_assert_str_eq(line, want[i]);
    }
    unsetenv("JOURNAL_STREAM");
    stdio_line(SH_LOG_ERR, "m", "x", line, sizeof line);
    cr_assert_str_eq(line, "ERR m: x\n");
}
