/* tests/test_node_prom.c -- the parts of the operator interface that need
 * no server: the Prometheus text writer (node/prom.h), process statistics
 * (node/procstat.h), the control API's counters as metrics and its token
 * files (node/control.h; the server itself is in test_node_control.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "node/control.h"
#include "node/procstat.h"
#include "node/prom.h"

/* The buffer as a NUL-terminated string (the writer appends no NUL). */
static const char *text(sh_buf *b)
{
    cr_assert_eq(sh_buf_append_u8(b, 0), 0);
    b->len--;
    return (const char *)b->data;
}

Test(prom, family_lines_and_help_escaping)
{
    sh_buf b = { 0 };
    cr_assert_eq(node_prom_family(&b, "shroud_peers", "gauge", "Peers in the views."), 0);
    cr_assert_eq(node_prom_family(&b, "a:b_c", "counter", "back\\slash\nnew \"quoted\""), 0);
    cr_assert_eq(node_prom_family(&b, "h", "histogram", NULL), 0);
    cr_assert_str_eq(text(&b),
                     "# HELP shroud_peers Peers in the views.\n"
                     "# TYPE shroud_peers gauge\n"
                     "# HELP a:b_c back\\\\slash\\nnew \"quoted\"\n"
                     "# TYPE a:b_c counter\n"
                     "# TYPE h histogram\n");
    sh_buf_free(&b);
}

Test(prom, family_refusals_leave_buffer_alone)
{
    sh_buf b = { 0 };
    cr_assert_eq(sh_buf_append_str(&b, "keep\n"), 0);
    cr_assert_eq(node_prom_family(&b, "x", "summary", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "x", "Gauge", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "x", NULL, "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "1x", "gauge", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "x y", "gauge", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "", "gauge", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, NULL, "gauge", "s"), SH_ERR_ARG);
    /* a newline in a name would forge a line of its own */
    cr_assert_eq(node_prom_family(&b, "x\nevil 1", "gauge", "s"), SH_ERR_ARG);
    cr_assert_eq(node_prom_family(&b, "x", "gauge", "bad \xff utf8"), SH_ERR_FORMAT);
    cr_assert_eq(node_prom_family(NULL, "x", "gauge", "s"), SH_ERR_ARG);
    cr_assert_str_eq(text(&b), "keep\n");
    sh_buf_free(&b);
}

Test(prom, samples_with_labels_and_escaping)
{
    sh_buf b = { 0 };
    const char *const l1[] = { "view", "active" };
    const char *const l2[] = { "a", "q\"uo\\te\nnl", "_b2", "" };
    const char *const l3[] = { "nick", "caf\xc3\xa9 \xf0\x9f\x90\x99" };   /* UTF-8 kept */
    cr_assert_eq(node_prom_sample_u64(&b, "shroud_peers", l1, 1, 5), 0);
    cr_assert_eq(node_prom_sample_u64(&b, "m", NULL, 0, UINT64_MAX), 0);
    cr_assert_eq(node_prom_sample_u64(&b, "m", l2, 2, 0), 0);
    cr_assert_eq(node_prom_sample_f64(&b, "m", l3, 1, 0.25), 0);
    cr_assert_str_eq(text(&b),
                     "shroud_peers{view=\"active\"} 5\n"
                     "m 18446744073709551615\n"
                     "m{a=\"q\\\"uo\\\\te\\nnl\",_b2=\"\"} 0\n"
                     "m{nick=\"caf\xc3\xa9 \xf0\x9f\x90\x99\"} 0.25\n");
    sh_buf_free(&b);
}

Test(prom, float_spellings)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        { 0.0, "0" }, { -0.0, "-0" }, { 1.0, "1" }, { 0.1, "0.1" }, { -2.5, "-2.5" },
        { 1e300, "1e+300" }, { 123456789.0, "123456789" },
        { 1.0 / 3.0, "0.3333333333333333" }, { 10, "10" }, { 100, "100" },
        { 1e16, "10000000000000000" }, { 1e17, "1e+17" }, { 2.5e17, "2.5e+17" },
        { 1e-4, "0.0001" }, { 1e-5, "1e-05" }, { 1234.5, "1234.5" },
        { 9007199254740993.0, "9007199254740992" }, { -1e-300, "-1e-300" }, { 5e-324, "5e-324" }, { 0.1 + 0.2, "0.30000000000000004" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sh_buf b = { 0 };
        cr_assert_eq(node_prom_sample_f64(&b, "x", NULL, 0, cases[i].v), 0);
        char want[64];
        snprintf(want, sizeof want, "x %s\n", cases[i].want);
        cr_assert_str_eq(text(&b), want, "value %d", (int)i);
        /* and it reads back exactly */
        cr_assert_eq(strtod((const char *)b.data + 2, NULL), cases[i].v);
        sh_buf_free(&b);
    }
    sh_buf b = { 0 };
    cr_assert_eq(node_prom_sample_f64(&b, "x", NULL, 0, NAN), 0);
    cr_assert_eq(node_prom_sample_f64(&b, "x", NULL, 0, INFINITY), 0);
    cr_assert_eq(node_prom_sample_f64(&b, "x", NULL, 0, -INFINITY), 0);
    cr_assert_str_eq(text(&b), "x NaN\nx +Inf\nx -Inf\n");
    sh_buf_free(&b);
}

Test(prom, sample_refusals)
{
    sh_buf b = { 0 };
    cr_assert_eq(sh_buf_append_str(&b, "keep\n"), 0);
    const char *const colon_key[] = { "a:b", "v" };
    const char *const digit_key[] = { "1a", "v" };
    const char *const empty_key[] = { "", "v" };
    const char *const reserved[] = { "__name__", "v" };
    const char *const dup[] = { "a", "1", "b", "2", "a", "3" };
    const char *const null_val[] = { "a", NULL };
    const char *const null_key[] = { NULL, "v" };
    const char *const injected[] = { "a\"} 1\nevil{b", "v" };
    const char *const bad_utf8[] = { "a", "\xc0\xaf" };            /* overlong '/' */
    const char *const surrogate[] = { "a", "\xed\xa0\x80" };       /* U+D800 */
    const char *const too_high[] = { "a", "\xf4\x90\x80\x80" };    /* U+110000 */
    const char *const cut[] = { "a", "\xe2\x82" };                  /* truncated */
    cr_assert_eq(node_prom_sample_u64(&b, "m", colon_key, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", digit_key, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", empty_key, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", reserved, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", dup, 3, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", dup, 2, 1), 0, "first two are distinct");
    cr_assert_eq(node_prom_sample_u64(&b, "m", null_val, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", null_key, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", injected, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m", NULL, 1, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_f64(&b, "m", bad_utf8, 1, 1), SH_ERR_FORMAT);
    cr_assert_eq(node_prom_sample_f64(&b, "m", surrogate, 1, 1), SH_ERR_FORMAT);
    cr_assert_eq(node_prom_sample_f64(&b, "m", too_high, 1, 1), SH_ERR_FORMAT);
    cr_assert_eq(node_prom_sample_f64(&b, "m", cut, 1, 1), SH_ERR_FORMAT);
    cr_assert_eq(node_prom_sample_u64(&b, "m-x", NULL, 0, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_sample_u64(&b, "m{a=\"b\"}", NULL, 0, 1), SH_ERR_ARG);
    cr_assert_str_eq(text(&b), "keep\nm{a=\"1\",b=\"2\"} 1\n");
    sh_buf_free(&b);
}

Test(prom, full_buffer_is_all_or_nothing)
{
    sh_buf b;
    sh_buf_init_max(&b, 20);
    cr_assert_eq(sh_buf_append_str(&b, "0123456789"), 0);
    const char *const l[] = { "key", "a fairly long value" };
    cr_assert_eq(node_prom_sample_u64(&b, "metric", l, 1, 7), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 10);
    cr_assert_eq(node_prom_family(&b, "metric", "gauge", "help text"), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 10);
    node_prom_hist h;
    cr_assert_eq(node_prom_hist_init(&h, NULL, 0), 0);
    cr_assert_eq(node_prom_hist_write(&b, "h", NULL, 0, &h), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 10);
    cr_assert_eq(node_prom_sample_u64(&b, "m", NULL, 0, 7), 0, "a short line fits");
    cr_assert_eq(b.len, 14);
    sh_buf_free(&b);
}

Test(prom, histogram_cumulative_buckets)
{
    static const double bounds[] = { 0.005, 0.1, 1, 2.5 };
    node_prom_hist h;
    cr_assert_eq(node_prom_hist_init(&h, bounds, 4), 0);
    static const double obs[] = { 0.001, 0.005, 0.05, 0.1, 0.5, 3, 100, INFINITY, NAN, -1 };
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
        node_prom_hist_observe(&h, obs[i]);
    /* per bucket: <=0.005: 0.001 0.005 -1; <=0.1: 0.05 0.1; <=1: 0.5;
     * <=2.5: none; above: 3 100 +Inf.  NaN ignored. */
    cr_assert_eq(h.count, 9);
    cr_assert_eq(h.counts[0], 3);
    cr_assert_eq(h.counts[4], 3);
    sh_buf b = { 0 };
    const char *const l[] = { "op", "verify" };
    cr_assert_eq(node_prom_family(&b, "shroud_op_seconds", "histogram", "Op time."), 0);
    cr_assert_eq(node_prom_hist_write(&b, "shroud_op_seconds", l, 1, &h), 0);
    cr_assert_str_eq(text(&b),
                     "# HELP shroud_op_seconds Op time.\n"
                     "# TYPE shroud_op_seconds histogram\n"
                     "shroud_op_seconds_bucket{op=\"verify\",le=\"0.005\"} 3\n"
                     "shroud_op_seconds_bucket{op=\"verify\",le=\"0.1\"} 5\n"
                     "shroud_op_seconds_bucket{op=\"verify\",le=\"1\"} 6\n"
                     "shroud_op_seconds_bucket{op=\"verify\",le=\"2.5\"} 6\n"
                     "shroud_op_seconds_bucket{op=\"verify\",le=\"+Inf\"} 9\n"
                     "shroud_op_seconds_sum{op=\"verify\"} +Inf\n"
                     "shroud_op_seconds_count{op=\"verify\"} 9\n");
    sh_buf_free(&b);
}

Test(prom, histogram_without_labels_or_bounds)
{
    node_prom_hist h;
    static const double one[] = { 10 };
    cr_assert_eq(node_prom_hist_init(&h, one, 1), 0);
    node_prom_hist_observe(&h, 2);
    node_prom_hist_observe(&h, 0.5);
    node_prom_hist_observe(&h, 11);
    sh_buf b = { 0 };
    cr_assert_eq(node_prom_hist_write(&b, "lat", NULL, 0, &h), 0);
    cr_assert_str_eq(text(&b),
                     "lat_bucket{le=\"10\"} 2\n"
                     "lat_bucket{le=\"+Inf\"} 3\n"
                     "lat_sum 13.5\n"
                     "lat_count 3\n");
    sh_buf_free(&b);

    cr_assert_eq(node_prom_hist_init(&h, NULL, 0), 0);
    sh_buf_init(&b);
    cr_assert_eq(node_prom_hist_write(&b, "e", NULL, 0, &h), 0);
    cr_assert_str_eq(text(&b), "e_bucket{le=\"+Inf\"} 0\ne_sum 0\ne_count 0\n");
    sh_buf_free(&b);
}

Test(prom, histogram_refusals)
{
    node_prom_hist h;
    static const double dup[] = { 1, 1 };
    static const double down[] = { 2, 1 };
    static const double inf[] = { 1, INFINITY };
    static const double nan[] = { NAN };
    double many[NODE_PROM_MAX_BUCKETS + 1];
    for (size_t i = 0; i < NODE_PROM_MAX_BUCKETS + 1; i++)
        many[i] = (double)i;
    cr_assert_eq(node_prom_hist_init(&h, dup, 2), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, down, 2), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, inf, 2), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, nan, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, many, NODE_PROM_MAX_BUCKETS + 1), SH_ERR_ARG);
    cr_assert_eq(node_prom_hist_init(&h, many, NODE_PROM_MAX_BUCKETS), 0);
    cr_assert_eq(node_prom_hist_init(NULL, many, 1), SH_ERR_ARG);

    sh_buf b = { 0 };
    cr_assert_eq(node_prom_hist_init(&h, many, 3), 0);
    node_prom_hist_observe(&h, 1);
    const char *const le[] = { "le", "1" };
    cr_assert_eq(node_prom_hist_write(&b, "h", le, 1, &h), SH_ERR_ARG, "le is ours");
    cr_assert_eq(node_prom_hist_write(&b, "h h", NULL, 0, &h), SH_ERR_ARG);
    /* a corrupted struct is refused rather than written */
    node_prom_hist bad = h;
    bad.count++;
    cr_assert_eq(node_prom_hist_write(&b, "h", NULL, 0, &bad), SH_ERR_STATE);
    bad = h;
    bad.n = NODE_PROM_MAX_BUCKETS + 1;
    cr_assert_eq(node_prom_hist_write(&b, "h", NULL, 0, &bad), SH_ERR_STATE);
    node_prom_hist_observe(&bad, 1);   /* must not write out of bounds */
    bad = h;
    bad.bounds[1] = bad.bounds[0];
    cr_assert_eq(node_prom_hist_write(&b, "h", NULL, 0, &bad), SH_ERR_STATE);
    bad = h;
    bad.counts[0] = UINT64_MAX;
    bad.count = 0;
    cr_assert_eq(node_prom_hist_write(&b, "h", NULL, 0, &bad), SH_ERR_STATE);
    cr_assert_eq(b.len, 0);
    sh_buf_free(&b);
}

/* The control API's counters as one family (node/control.h). */
Test(prom, control_stats_family)
{
    node_control_stats st = { .requests = 21, .status_ok = 1, .metrics_ok = 2,
                              .unauthorized = 3, .not_found = 4, .method_not_allowed = 5,
                              .errors = 6 };
    sh_buf b = { 0 };
    cr_assert_eq(node_control_stats_write_prom(&b, &st), 0);
    cr_assert_eq(sh_buf_append_u8(&b, 0), 0);
    cr_assert_str_eq((const char *)b.data,
                     "# HELP shroud_control_requests_total Control API requests by outcome.\n"
                     "# TYPE shroud_control_requests_total counter\n"
                     "shroud_control_requests_total{outcome=\"status\"} 1\n"
                     "shroud_control_requests_total{outcome=\"metrics\"} 2\n"
                     "shroud_control_requests_total{outcome=\"unauthorized\"} 3\n"
                     "shroud_control_requests_total{outcome=\"not_found\"} 4\n"
                     "shroud_control_requests_total{outcome=\"method_not_allowed\"} 5\n"
                     "shroud_control_requests_total{outcome=\"error\"} 6\n");
    sh_buf_free(&b);
    sh_buf small;
    sh_buf_init_max(&small, 100);
    cr_assert_eq(node_control_stats_write_prom(&small, &st), SH_ERR_OVERSIZE);
    cr_assert_eq(small.len, 0);
    sh_buf_free(&small);
}

/* ---- process statistics ---------------------------------------------------- */

Test(procstat, plausible_values)
{
    node_procstat ps;
    cr_assert_eq(node_procstat_read(&ps), 0);
    cr_assert_gt(ps.rss_bytes, 0);
    cr_assert_geq(ps.vm_bytes, ps.rss_bytes);
    cr_assert_geq(ps.max_rss_bytes, ps.rss_bytes);
    cr_assert_geq(ps.open_fds, 3, "stdin, stdout, stderr at least");
    cr_assert_geq(ps.max_fds, ps.open_fds);
    cr_assert_geq(ps.cpu_user_s, 0);
    cr_assert_geq(ps.cpu_system_s, 0);
    cr_assert_eq(node_procstat_read(NULL), SH_ERR_ARG);
}

Test(procstat, tracks_descriptors_memory_and_cpu)
{
    node_procstat a, b;
    cr_assert_eq(node_procstat_read(&a), 0);
    int fds[8];
    for (int i = 0; i < 8; i++)
        cr_assert_geq(fds[i] = open("/dev/null", O_RDONLY), 0);
    cr_assert_eq(node_procstat_read(&b), 0);
    cr_assert_eq(b.open_fds, a.open_fds + 8);
    for (int i = 0; i < 8; i++)
        close(fds[i]);
    cr_assert_eq(node_procstat_read(&b), 0);
    cr_assert_eq(b.open_fds, a.open_fds);

    /* touch 64 MiB: resident memory and its peak must grow by most of it */
    size_t n = (size_t)64 << 20;
    volatile unsigned char *p = malloc(n);
    cr_assert_not_null(p);
    for (size_t i = 0; i < n; i += 4096)
        p[i] = 1;
    cr_assert_eq(node_procstat_read(&b), 0);
    cr_assert_gt(b.rss_bytes, a.rss_bytes + ((size_t)48 << 20));
    cr_assert_geq(b.max_rss_bytes, b.rss_bytes);
    free((void *)p);

    /* burn some CPU: user time moves forward */
    volatile double x = 0;
    double start = b.cpu_user_s + b.cpu_system_s;
    node_procstat c;
    do {
        for (int i = 0; i < 1000000; i++)
            x += i * 0.5;
        cr_assert_eq(node_procstat_read(&c), 0);
    } while (c.cpu_user_s + c.cpu_system_s < start + 0.05);
    cr_assert_geq(c.cpu_user_s, b.cpu_user_s);
    cr_assert_geq(x, 0);
}

Test(procstat, prometheus_families)
{
    node_procstat ps = { .cpu_user_s = 1.5, .cpu_system_s = 0.25, .rss_bytes = 4096,
                         .vm_bytes = 8192, .max_rss_bytes = 5000, .open_fds = 7,
                         .max_fds = 1024 };
    sh_buf b = { 0 };
    cr_assert_eq(node_procstat_write_prom(&b, &ps), 0);
    const char *t = text(&b);
    cr_assert_not_null(strstr(t, "# TYPE shroud_process_cpu_seconds_total counter\n"
                                 "shroud_process_cpu_seconds_total{mode=\"user\"} 1.5\n"
                                 "shroud_process_cpu_seconds_total{mode=\"system\"} 0.25\n"));
    cr_assert_not_null(strstr(t, "\nshroud_process_resident_memory_bytes 4096\n"));
    cr_assert_not_null(strstr(t, "\nshroud_process_resident_memory_max_bytes 5000\n"));
    cr_assert_not_null(strstr(t, "\nshroud_process_virtual_memory_bytes 8192\n"));
    cr_assert_not_null(strstr(t, "\nshroud_process_open_fds 7\n"));
    cr_assert_not_null(strstr(t, "# TYPE shroud_process_max_fds gauge\n"
                                 "shroud_process_max_fds 1024\n"));
    sh_buf_free(&b);

    sh_buf small;
    sh_buf_init_max(&small, 300);
    cr_assert_eq(node_procstat_write_prom(&small, &ps), SH_ERR_OVERSIZE);
    cr_assert_eq(small.len, 0, "nothing left behind");
    sh_buf_free(&small);
}

/* ---- token files --------------------------------------------------------------- */

#define TOKEN "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978"

/* A fresh scratch directory per test (Criterion forks each test). */
static void scratch(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/shroud-ctl-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void write_file(const char *path, const char *content, mode_t mode)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fputs(content, f) >= 0, 1);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(chmod(path, mode), 0);
}

Test(token, token_file_roundtrip)
{
    char dir[64], path[128], path2[128], err[512] = "";
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/control.token", dir);
    snprintf(path2, sizeof path2, "%s/other.token", dir);
    umask(0);   /* a permissive umask must not widen the mode */
    cr_assert_eq(node_control_token_create(path, err, sizeof err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    cr_assert_eq(st.st_size, NODE_CONTROL_TOKEN_HEX + 1);

    char tok[NODE_CONTROL_TOKEN_HEX + 1], tok2[NODE_CONTROL_TOKEN_HEX + 1];
    cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), 0, "%s", err);
    cr_assert_eq(strlen(tok), NODE_CONTROL_TOKEN_HEX);
    cr_assert_eq(strspn(tok, "0123456789abcdef"), NODE_CONTROL_TOKEN_HEX, "lowercase hex");
    /* the file is exactly the token and a newline */
    FILE *f = fopen(path, "r");
    char raw_text[128] = "", want[80];
    cr_assert_eq(fread(raw_text, 1, sizeof raw_text - 1, f), NODE_CONTROL_TOKEN_HEX + 1);
    fclose(f);
    snprintf(want, sizeof want, "%s\n", tok);
    cr_assert_str_eq(raw_text, want);

    /* two tokens are independent random values */
    cr_assert_eq(node_control_token_create(path2, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_control_token_load(path2, tok2, err, sizeof err), 0, "%s", err);
    cr_assert_str_neq(tok, tok2);

    /* never overwritten */
    cr_assert_eq(node_control_token_create(path, err, sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, "already exists"), "%s", err);
    cr_assert_eq(node_control_token_load(path, tok2, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(tok, tok2, "the first token is intact");

    /* no directory to create it in */
    snprintf(path2, sizeof path2, "%s/missing/x.token", dir);
    cr_assert_eq(node_control_token_create(path2, err, sizeof err), SH_ERR_IO);
    cr_assert_eq(node_control_token_create(NULL, err, sizeof err), SH_ERR_ARG);
    unlink(path);
    snprintf(path2, sizeof path2, "%s/other.token", dir);
    unlink(path2);
    rmdir(dir);
}

Test(token, token_file_permissions_refused)
{
    char dir[64], path[128], err[512] = "";
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t", dir);
    char tok[NODE_CONTROL_TOKEN_HEX + 1];
    static const mode_t bad[] = { 0644, 0640, 0604, 0660, 0601, 0610, 0666, 0777 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(path, TOKEN "\n", bad[i]);
        memset(tok, 'Z', sizeof tok);
        cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), SH_ERR_IO, "%o",
                     (unsigned)bad[i]);
        char mode[16];
        snprintf(mode, sizeof mode, "%04o", (unsigned)bad[i]);
        cr_assert_not_null(strstr(err, mode), "the message names the mode: %s", err);
        cr_assert_not_null(strstr(err, "chmod 600"), "and the fix: %s", err);
        cr_assert_eq(tok[0], '\0', "nothing returned");
    }
    static const mode_t good[] = { 0600, 0400 };
    for (size_t i = 0; i < 2; i++) {
        write_file(path, TOKEN "\n", good[i]);
        cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), 0, "%s", err);
        cr_assert_str_eq(tok, TOKEN);
    }
    unlink(path);
    /* a directory, a missing file */
    cr_assert_eq(chmod(dir, 0700), 0);
    cr_assert_eq(node_control_token_load(dir, tok, err, sizeof err), SH_ERR_IO);
    cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, "No such file"), "%s", err);
    cr_assert_eq(node_control_token_load(NULL, tok, err, sizeof err), SH_ERR_ARG);
    rmdir(dir);
}

Test(token, token_file_content_refused)
{
    char dir[64], path[128], err[512] = "";
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t", dir);
    char tok[NODE_CONTROL_TOKEN_HEX + 1];
    static const struct {
        const char *content;
        int want;
    } cases[] = {
        { TOKEN "\n", 0 },
        { TOKEN, 0 },                         /* the newline is optional */
        { "", SH_ERR_LENGTH },
        { "\n", SH_ERR_LENGTH },
        { "0011\n", SH_ERR_LENGTH },
        { TOKEN "\n\n", SH_ERR_LENGTH },
        { TOKEN "\r\n", SH_ERR_LENGTH },
        { TOKEN " ", SH_ERR_LENGTH },
        { TOKEN "0\n", SH_ERR_LENGTH },
        { " " TOKEN, SH_ERR_LENGTH },
        { "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a697\n", SH_ERR_LENGTH },
        { "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a697g\n", SH_ERR_FORMAT },
        { "0x112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978\n", SH_ERR_FORMAT },
        { "00112233445566778899aabbccddeeff 123456789abcdef0f1e2d3c4b5a6978\n", SH_ERR_FORMAT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(path, cases[i].content, 0600);
        cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), cases[i].want,
                     "case %d: %s", (int)i, err);
        if (cases[i].want == 0)
            cr_assert_str_eq(tok, TOKEN);
        else
            cr_assert_eq(tok[0], '\0');
    }
    /* a token with an embedded NUL is not a shorter token */
    FILE *f = fopen(path, "w");
    cr_assert_eq(fwrite(TOKEN, 1, 32, f), 32);
    cr_assert_eq(fputc('\0', f), 0);
    cr_assert_eq(fwrite(TOKEN, 1, 31, f), 31);
    fclose(f);
    cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), SH_ERR_FORMAT, "%s", err);
    unlink(path);
    rmdir(dir);
}
