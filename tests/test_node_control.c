/* tests/test_node_control.c -- the HTTP control API (node/control.h): the
 * server runs on its own event_base in a second thread, the test thread
 * talks to it with node_control_get and with a raw TCP client. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include "node/control.h"
#include "node/prom.h"
#include "util/json.h"

#define TOKEN "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978"
#define TIMEOUT_MS 5000
/* Raw requests: "GET /status" RQ AUTH "\r\n" */
#define RQ " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
#define AUTH "Authorization: Bearer " TOKEN "\r\n"

/* ---- the server thread -------------------------------------------------------- */

struct cb_state {
    int fail_status;        /* status callback returns an error */
    int null_status;        /* status callback "succeeds" with no document */
    int fail_metrics;       /* metrics callback appends, then fails */
    node_control *ctl;      /* for the metrics page's own counters */
    atomic_int status_calls, metrics_calls;
};

struct server {
    struct event_base *base;
    node_control *ctl;
    struct event *stop_ev;
    int pipefd[2];
    pthread_t th;
    uint16_t port;
    struct cb_state st;
};

static json_t *status_doc(void)
{
    return json_pack("{s:s, s:s, s:I, s:{s:i, s:i, s:i}, s:[i, i]}", "identity",
                     "ab01", "nickname", "relay-\xc3\xa9", "epoch", (json_int_t)7, "peers",
                     "known", 3, "active", 2, "passive", 1, "listen", 1, 2);
}

static int status_cb(void *arg, json_t **out)
{
    struct cb_state *st = arg;
    atomic_fetch_add(&st->status_calls, 1);
    if (st->fail_status)
        return SH_ERR_STATE;
    if (st->null_status)
        return 0;
    *out = status_doc();
    return *out != NULL ? 0 : SH_ERR_NOMEM;
}

static const char metrics_head[] = "# HELP shroud_up Always 1.\n"
                                   "# TYPE shroud_up gauge\n"
                                   "shroud_up 1\n";

static int metrics_cb(void *arg, sh_buf *out)
{
    struct cb_state *st = arg;
    atomic_fetch_add(&st->metrics_calls, 1);
    int rc = sh_buf_append_str(out, metrics_head);
    if (rc != 0)
        return rc;
    if (st->fail_metrics)
        return SH_ERR_IO;   /* after appending: the partial page must not leak */
    node_control_stats s;
    node_control_stats_get(st->ctl, &s);
    return node_control_stats_write_prom(out, &s);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    event_base_loopbreak(arg);
}

static void *loop_main(void *arg)
{
    struct server *s = arg;
    event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Start a server; cfg may be NULL for the defaults (both endpoints). */
static void server_start(struct server *s, const node_control_cfg *cfg_in)
{
    /* the st fields must be set by the caller before; keep them */
    s->base = event_base_new();
    cr_assert_not_null(s->base);
    node_control_cfg cfg = { .host = "127.0.0.1", .port = 0, .token = TOKEN,
                             .status = status_cb, .metrics = metrics_cb };
    if (cfg_in != NULL)
        cfg = *cfg_in;
    cfg.arg = &s->st;
    char err[256] = "";
    cr_assert_eq(node_control_new(&s->ctl, s->base, &cfg, err, sizeof err), 0, "%s", err);
    s->st.ctl = s->ctl;
    s->port = node_control_port(s->ctl);
    cr_assert_neq(s->port, 0);
    cr_assert_eq(pipe(s->pipefd), 0);
    s->stop_ev = event_new(s->base, s->pipefd[0], EV_READ, on_stop, s->base);
    cr_assert_not_null(s->stop_ev);
    cr_assert_eq(event_add(s->stop_ev, NULL), 0);
    cr_assert_eq(pthread_create(&s->th, NULL, loop_main, s), 0);
}

/* Stop the loop thread; the control object stays readable. */
static void server_halt(struct server *s)
{
    cr_assert_eq(write(s->pipefd[1], "x", 1), 1);
    cr_assert_eq(pthread_join(s->th, NULL), 0);
}

static void server_free(struct server *s)
{
    event_free(s->stop_ev);
    node_control_free(s->ctl);
    event_base_free(s->base);
    close(s->pipefd[0]);
    close(s->pipefd[1]);
}

static void server_stop(struct server *s)
{
    server_halt(s);
    server_free(s);
}

/* GET through the real client; returns the HTTP status, body into *b. */
static int get(uint16_t port, const char *token, const char *path, sh_buf *b)
{
    int status = -1;
    char err[256] = "";
    sh_buf_reset(b);
    int rc = node_control_get("127.0.0.1", port, token, path, TIMEOUT_MS, b, &status, err,
                              sizeof err);
    cr_assert_eq(rc, 0, "GET %s: %s", path, err);
    return status;
}

/* ---- a raw TCP client ------------------------------------------------------ */

static int tcp_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0, "%s", strerror(errno));
    struct timeval tv = { .tv_sec = 5 };
    cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    return fd;
}

/* Send req[0..len) (errors ignored: the server may hang up first), read
 * until the server closes or 5 s pass.  The reply (NUL-terminated, cut to
 * cap) goes to resp; returns its HTTP status, or 0 for no reply at all. */
static int raw(uint16_t port, const void *req, size_t len, char *resp, size_t cap)
{
    int fd = tcp_connect(port);
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, (const char *)req + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    size_t got = 0;
    for (;;) {
        char tmp[4096];
        ssize_t r = recv(fd, tmp, sizeof tmp, 0);
        if (r <= 0)
            break;   /* closed, reset, or the 5 s timeout */
        size_t keep = (size_t)r < cap - 1 - got ? (size_t)r : cap - 1 - got;
        memcpy(resp + got, tmp, keep);
        got += keep;
    }
    resp[got] = '\0';
    close(fd);
    int status = 0;
    if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
        status = 0;
    return status;
}

static int raw_str(uint16_t port, const char *req, char *resp, size_t cap)
{
    return raw(port, req, strlen(req), resp, cap);
}

/* Case-insensitive search for a header line "name: value" in a reply. */
static int has_header(const char *resp, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = resp; (p = strstr(p, "\r\n")) != NULL; p += 2)
        if (strncasecmp(p + 2, line, n) == 0)
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

TestSuite(control, .init = ignore_sigpipe, .timeout = 120);

/* ---- the endpoints ---------------------------------------------------------- */

Test(control, status_returns_the_callback_document)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(get(s.port, TOKEN, "/status", &b), 200);
    json_t *want = status_doc(), *got = json_loadb((const char *)b.data, b.len, 0, NULL);
    cr_assert_not_null(got, "the body is JSON");
    cr_assert(json_equal(want, got));
    /* byte for byte the canonical dump */
    sh_buf canon = { 0 };
    cr_assert_eq(sh_json_dump(want, &canon), 0);
    cr_assert_eq(b.len, canon.len);
    cr_assert_arr_eq(b.data, canon.data, b.len);
    json_decref(want);
    json_decref(got);
    sh_buf_free(&canon);
    /* the query string is ignored */
    cr_assert_eq(get(s.port, TOKEN, "/status?verbose=1", &b), 200);
    sh_buf_free(&b);
    server_stop(&s);
    cr_assert_eq(atomic_load(&s.st.status_calls), 2);
}

Test(control, metrics_returns_the_callback_text)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(get(s.port, TOKEN, "/status", &b), 200);
    cr_assert_eq(get(s.port, "bad", "/status", &b), 401);
    cr_assert_eq(get(s.port, TOKEN, "/metrics", &b), 200);
    cr_assert_eq(sh_buf_append_u8(&b, 0), 0);
    /* the page counts the request that produced it */
    char want[1024];
    snprintf(want, sizeof want, "%s"
             "# HELP shroud_control_requests_total Control API requests by outcome.\n"
             "# TYPE shroud_control_requests_total counter\n"
             "shroud_control_requests_total{outcome=\"status\"} 1\n"
             "shroud_control_requests_total{outcome=\"metrics\"} 0\n"
             "shroud_control_requests_total{outcome=\"unauthorized\"} 1\n"
             "shroud_control_requests_total{outcome=\"not_found\"} 0\n"
             "shroud_control_requests_total{outcome=\"method_not_allowed\"} 0\n"
             "shroud_control_requests_total{outcome=\"error\"} 0\n", metrics_head);
    cr_assert_str_eq((const char *)b.data, want);
    sh_buf_free(&b);
    server_stop(&s);
}

Test(control, response_headers)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    char resp[8192];
    cr_assert_eq(raw_str(s.port, "GET /status" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    cr_assert(has_header(resp, "Content-Type: application/json; charset=utf-8\r\n"), "%s", resp);
    cr_assert(has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);
    cr_assert(has_header(resp, "X-Content-Type-Options: nosniff\r\n"), "%s", resp);
    cr_assert_not_null(strstr(resp, "\r\n\r\n{"), "a JSON body follows");

    cr_assert_eq(raw_str(s.port, "GET /metrics" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    cr_assert(has_header(resp, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              "%s", resp);
    cr_assert(has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);

    cr_assert_eq(raw_str(s.port, "GET /status" RQ "\r\n", resp, sizeof resp), 401);
    cr_assert(has_header(resp, "WWW-Authenticate: Bearer"), "%s", resp);
    cr_assert(has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);
    cr_assert_null(strstr(resp, "relay-"), "no status leaks into a 401");

    /* HEAD: headers with the length, no body */
    cr_assert_eq(raw_str(s.port, "HEAD /status" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    const char *end = strstr(resp, "\r\n\r\n");
    cr_assert_not_null(end);
    cr_assert_str_eq(end, "\r\n\r\n", "no body after HEAD: %s", resp);
    char clen[64];
    json_t *doc = status_doc();
    sh_buf canon = { 0 };
    cr_assert_eq(sh_json_dump(doc, &canon), 0);
    snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", canon.len);
    cr_assert(has_header(resp, clen), "the GET length: %s", resp);
    json_decref(doc);
    sh_buf_free(&canon);
    server_stop(&s);
}

/* ---- authentication -------------------------------------------------------- */

Test(control, bad_tokens_are_401)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    sh_buf b = { 0 };
    char tok[NODE_CONTROL_TOKEN_HEX + 8];
    /* each position of the token matters: flip the first, a middle, the
     * last digit */
    static const size_t flips[] = { 0, 31, 63 };
    for (size_t i = 0; i < 3; i++) {
        strcpy(tok, TOKEN);
        tok[flips[i]] = tok[flips[i]] == '0' ? '1' : '0';
        cr_assert_eq(get(s.port, tok, "/status", &b), 401);
    }
    cr_assert_eq(get(s.port, NULL, "/status", &b), 401, "no Authorization header");
    cr_assert_eq(get(s.port, "", "/status", &b), 401, "empty token");
    strcpy(tok, TOKEN);
    tok[63] = '\0';
    cr_assert_eq(get(s.port, tok, "/status", &b), 401, "63 digits");
    strcpy(tok, TOKEN "0");
    cr_assert_eq(get(s.port, tok, "/status", &b), 401, "65 digits");
    strcpy(tok, TOKEN "00");
    cr_assert_eq(get(s.port, tok, "/status", &b), 401, "66 digits");
    strcpy(tok, TOKEN);
    tok[10] = 'g';
    cr_assert_eq(get(s.port, tok, "/status", &b), 401, "not hex");
    cr_assert_eq(get(s.port, TOKEN " x", "/status", &b), 401, "trailing junk");
    /* no token: nothing is revealed about paths or methods either */
    cr_assert_eq(get(s.port, NULL, "/nonexistent", &b), 401);
    cr_assert_eq(get(s.port, NULL, "/metrics", &b), 401);
    /* hex digits in either case name the same bytes */
    strcpy(tok, TOKEN);
    for (char *p = tok; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    cr_assert_eq(get(s.port, tok, "/status", &b), 200);
    sh_buf_free(&b);
    server_stop(&s);
    cr_assert_eq(atomic_load(&s.st.status_calls), 1, "callbacks never ran for a 401");
    cr_assert_eq(atomic_load(&s.st.metrics_calls), 0);
}

/* The token-file round trip (its refusals are in test_node_prom.c), on a
 * server without a metrics callback. */
Test(control, token_file_serves)
{
    char dir[] = "/tmp/shroud-ctl-XXXXXX", path[64], tok[NODE_CONTROL_TOKEN_HEX + 1];
    char err[256] = "";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/control.token", dir);
    cr_assert_eq(node_control_token_create(path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_control_token_load(path, tok, err, sizeof err), 0, "%s", err);
    struct server s = { 0 };
    node_control_cfg cfg = { .host = "127.0.0.1", .token = tok, .status = status_cb };
    server_start(&s, &cfg);
    sh_buf b = { 0 };
    cr_assert_eq(get(s.port, tok, "/status", &b), 200);
    cr_assert_eq(get(s.port, TOKEN, "/status", &b), 401);
    cr_assert_eq(get(s.port, tok, "/metrics", &b), 404, "no metrics callback");
    sh_buf_free(&b);
    server_stop(&s);
    unlink(path);
    rmdir(dir);
}

Test(control, authorization_header_forms)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    char resp[8192];
    static const struct {
        const char *hdrs;
        int want;
    } cases[] = {
        { "Authorization: Basic dXNlcjpwYXNz\r\n", 401 },
        { "Authorization: Basic " TOKEN "\r\n", 401 },
        { "Authorization: Bearer\r\n", 401 },
        { "Authorization: Bearer \r\n", 401 },
        { "Authorization: " TOKEN "\r\n", 401 },
        { "Authorization: BearerX" TOKEN "\r\n", 401 },
        { "Authorization: Bearer " TOKEN "\r\nAuthorization: Bearer 00\r\n", 401 },
        { "Authorization: Bearer 00\r\nAuthorization: Bearer " TOKEN "\r\n", 401 },
        { "Authorization: Bearer " TOKEN "\r\nAuthorization: Bearer " TOKEN "\r\n", 401 },
        { "X-Authorization: Bearer " TOKEN "\r\n", 401 },
        { "Cookie: token=" TOKEN "\r\n", 401 },
        { "authorization: bearer " TOKEN "\r\n", 200 },
        { "AUTHORIZATION: BEARER   " TOKEN "\r\n", 200 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[1024];
        snprintf(req, sizeof req, "GET /status" RQ "%s\r\n", cases[i].hdrs);
        cr_assert_eq(raw_str(s.port, req, resp, sizeof resp), cases[i].want, "case %d: %s",
                     (int)i, resp);
    }
    /* a token in the query string is not a credential */
    cr_assert_eq(raw_str(s.port, "GET /status?token=" TOKEN " HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n", resp, sizeof resp), 401);
    server_stop(&s);
}

/* ---- routing, methods, failures ----------------------------------------- */

Test(control, unknown_paths_404_and_methods_405)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    sh_buf b = { 0 };
    static const char *const paths[] = { "/", "/status/", "/STATUS", "/statusx",
                                         "/metrics.json", "/status/../metrics",
                                         "/%73tatus", "//status", "/metrics%00" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        cr_assert_eq(get(s.port, TOKEN, paths[i], &b), 404, "%s", paths[i]);
    sh_buf_free(&b);

    char resp[8192];
    static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
                                           "TRACE" };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        char req[512];
        snprintf(req, sizeof req, "%s /status" RQ AUTH "Content-Length: 0\r\n\r\n", methods[i]);
        cr_assert_eq(raw_str(s.port, req, resp, sizeof resp), 405, "%s: %s", methods[i], resp);
        cr_assert(has_header(resp, "Allow: GET, HEAD\r\n"), "%s", resp);
    }
    /* a POST with a body does not reach the callback either */
    cr_assert_eq(raw_str(s.port, "POST /metrics" RQ AUTH "Content-Length: 5\r\n\r\n"
                                 "hello", resp, sizeof resp), 405);
    /* unknown path and wrong method: the path decides */
    cr_assert_eq(raw_str(s.port, "POST /nope" RQ AUTH "Content-Length: 0\r\n\r\n",
                         resp, sizeof resp), 404);
    server_stop(&s);
    cr_assert_eq(atomic_load(&s.st.status_calls), 0);
    cr_assert_eq(atomic_load(&s.st.metrics_calls), 0);
}

Test(control, failing_callbacks_are_500)
{
    struct server s = { 0 };
    s.st.fail_status = 1;
    s.st.fail_metrics = 1;
    server_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(get(s.port, TOKEN, "/status", &b), 500);
    cr_assert_eq(get(s.port, TOKEN, "/metrics", &b), 500);
    cr_assert_eq(sh_buf_append_u8(&b, 0), 0);
    cr_assert_null(strstr((const char *)b.data, "shroud_up"), "partial page discarded");
    sh_buf_free(&b);
    server_stop(&s);

    struct server s2 = { 0 };
    s2.st.null_status = 1;
    server_start(&s2, NULL);
    sh_buf_init(&b);
    cr_assert_eq(get(s2.port, TOKEN, "/status", &b), 500, "success without a document");
    sh_buf_free(&b);
    server_stop(&s2);
}

Test(control, counters_add_up)
{
    struct server s = { 0 };
    s.st.fail_status = 1;
    server_start(&s, NULL);
    sh_buf b = { 0 };
    char resp[4096];
    cr_assert_eq(get(s.port, TOKEN, "/metrics", &b), 200);
    cr_assert_eq(get(s.port, TOKEN, "/metrics", &b), 200);
    cr_assert_eq(get(s.port, TOKEN, "/status", &b), 500);
    cr_assert_eq(get(s.port, NULL, "/metrics", &b), 401);
    cr_assert_eq(get(s.port, "00", "/metrics", &b), 401);
    cr_assert_eq(get(s.port, TOKEN, "/x", &b), 404);
    cr_assert_eq(raw_str(s.port, "DELETE /status" RQ AUTH "\r\n", resp, sizeof resp),
                 405);
    /* refused by libevent before the handler: not counted */
    cr_assert_eq(raw_str(s.port, "\x01\x02\r\n\r\n", resp, sizeof resp) / 100 != 2, 1);
    sh_buf_free(&b);
    server_halt(&s);
    node_control_stats st;
    node_control_stats_get(s.ctl, &st);
    cr_assert_eq(st.requests, 7);
    cr_assert_eq(st.metrics_ok, 2);
    cr_assert_eq(st.status_ok, 0);
    cr_assert_eq(st.errors, 1);
    cr_assert_eq(st.unauthorized, 2);
    cr_assert_eq(st.not_found, 1);
    cr_assert_eq(st.method_not_allowed, 1);
    server_free(&s);

    node_control_stats z;
    memset(&z, 0xff, sizeof z);
    node_control_stats_get(NULL, &z);
    cr_assert_eq(z.requests, 0);
}

/* ---- creation ---------------------------------------------------------------- */

Test(control, non_loopback_hosts_refused)
{
    struct event_base *base = event_base_new();
    static const char *const bad[] = { "0.0.0.0", "10.0.0.1", "192.168.1.1", "128.0.0.1",
                                       "126.255.255.255", "::", "::ffff:127.0.0.1", "::2",
                                       "fe80::1", "localhost", "", "127.0.0.1 ", "127.1",
                                       "example.com" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        node_control_cfg cfg = { .host = bad[i], .token = TOKEN, .status = status_cb };
        node_control *c = (node_control *)&cfg;   /* must be reset to NULL */
        char err[256] = "";
        cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), SH_ERR_ARG, "%s",
                     bad[i]);
        cr_assert_null(c);
        cr_assert(strstr(err, "loopback") != NULL || strstr(err, "numeric") != NULL,
                  "%s: %s", bad[i], err);
    }
    char err[256] = "";
    node_control_cfg cfg = { .host = "0.0.0.0", .token = TOKEN };
    node_control *c = NULL;
    cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), SH_ERR_ARG);
    cr_assert_not_null(strstr(err, "0.0.0.0 is not a loopback address"), "%s", err);

    /* any address of 127/8 is loopback */
    cfg.host = "127.0.0.2";
    cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), 0, "%s", err);
    node_control_free(c);
    /* ::1 when the machine has IPv6 at all */
    cfg.host = "::1";
    int rc = node_control_new(&c, base, &cfg, err, sizeof err);
    cr_assert(rc == 0 || (rc == SH_ERR_IO && strstr(err, "bind") != NULL), "%s", err);
    node_control_free(c);
    node_control_free(NULL);
    event_base_free(base);
}

Test(control, bad_config_refused)
{
    struct event_base *base = event_base_new();
    node_control *c = NULL;
    char err[256];
    static const char *const toks[] = { "", "0011", TOKEN "0",
        "g0112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978",
        "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a697 " };
    for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) {
        node_control_cfg cfg = { .host = "127.0.0.1", .token = toks[i] };
        cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), SH_ERR_ARG, "%d", (int)i);
        cr_assert_not_null(strstr(err, "token"), "%s", err);
    }
    node_control_cfg cfg = { .host = "127.0.0.1", .token = NULL };
    cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), SH_ERR_ARG);
    cfg.token = TOKEN;
    cr_assert_eq(node_control_new(&c, NULL, &cfg, err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(node_control_new(&c, base, NULL, err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(node_control_new(NULL, base, &cfg, NULL, 0), SH_ERR_ARG);

    /* a port in use: SH_ERR_IO naming bind */
    cr_assert_eq(node_control_new(&c, base, &cfg, err, sizeof err), 0, "%s", err);
    node_control *c2 = NULL;
    cfg.port = node_control_port(c);
    cr_assert_eq(node_control_new(&c2, base, &cfg, err, sizeof err), SH_ERR_IO);
    cr_assert_null(c2);
    cr_assert_not_null(strstr(err, "bind"), "%s", err);
    cr_assert_not_null(strstr(err, "in use"), "%s", err);
    node_control_free(c);
    cr_assert_eq(node_control_port(NULL), 0);
    event_base_free(base);
}

/* ---- hostile clients ------------------------------------------------------------ */

static void still_serving(uint16_t port)
{
    sh_buf b = { 0 };
    cr_assert_eq(get(port, TOKEN, "/status", &b), 200);
    sh_buf_free(&b);
}

/* A hostile request gets an error status or a hang-up, never a 200 (the
 * big ones carry a valid token, so an unenforced limit would give 200),
 * and the server keeps serving. */
static void refused(uint16_t port, const char *req, size_t len, const char *what)
{
    static char resp[16384];
    int st = raw(port, req, len, resp, sizeof resp);
    cr_assert(st == 0 || st >= 400, "%s: got %d", what, st);
    still_serving(port);
}

Test(control, garbage_and_oversize_requests)
{
    struct server s = { 0 };
    server_start(&s, NULL);
    static const char *const garbage[] = {
        "hello\r\n\r\n", "GET\r\n\r\n", "GET /status HTTP/9.9\r\n\r\n",
        "GET /status HTTP/1.1\r\nno colon here\r\n\r\n", "\r\n\r\n\r\n",
        "GET /status HTTP/1.1\r\nContent-Length: -5\r\n" AUTH "\r\n",
        "GET /status HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n" AUTH "\r\n",
    };
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        refused(s.port, garbage[i], strlen(garbage[i]), garbage[i]);
    refused(s.port, "\x00\x01\x02\x03\r\n\r\n", 8, "binary");

    size_t big = 256 * 1024;
    char *req = malloc(big + 512);
    cr_assert_not_null(req);
    int n = snprintf(req, 512, "GET /status HTTP/1.1\r\nHost: x\r\nX-Junk: ");
    memset(req + n, 'a', big);
    snprintf(req + n + big, 512, "\r\n" AUTH "\r\n");
    refused(s.port, req, strlen(req), "one header over the limit");

    size_t off = (size_t)snprintf(req, 512, "GET /status HTTP/1.1\r\n");
    while (off < big)
        off += (size_t)snprintf(req + off, 64, "X-%zu: y\r\n", off);
    snprintf(req + off, 512, AUTH "\r\n");
    refused(s.port, req, strlen(req), "many headers adding up over the limit");

    n = snprintf(req, 512, "GET /status?");
    memset(req + n, 'q', big);
    snprintf(req + n + big, 512, " HTTP/1.1\r\n" AUTH "\r\n");
    refused(s.port, req, strlen(req), "a request line over the limit");

    n = snprintf(req, 512, "GET /status" RQ AUTH "Content-Length: %zu\r\n\r\n", big);
    memset(req + n, 'b', big);
    refused(s.port, req, (size_t)n + big, "a body over the limit");
    free(req);
    server_stop(&s);
}

Test(control, stalled_clients_are_dropped)
{
    struct server s = { 0 };
    node_control_cfg cfg = { .host = "127.0.0.1", .token = TOKEN, .status = status_cb,
                             .timeout_ms = 300 };
    server_start(&s, &cfg);
    /* a partial request, then silence: the server must hang up */
    int fds[4];
    double t0 = now_s();
    for (int i = 0; i < 4; i++) {
        fds[i] = tcp_connect(s.port);
        if (i % 2 == 0)
            cr_assert_eq(send(fds[i], "GET /sta", 8, MSG_NOSIGNAL), 8);
    }
    /* the server is not blocked by them meanwhile */
    still_serving(s.port);
    for (int i = 0; i < 4; i++) {
        char c;
        ssize_t r = recv(fds[i], &c, 1, 0);
        cr_assert(r <= 0 || c == 'H', "closed (or an error reply), not left open");
        close(fds[i]);
    }
    double el = now_s() - t0;
    cr_assert_lt(el, 4.0, "dropped after the 300 ms timeout, not the 5 s recv limit (%.2f)",
                 el);
    still_serving(s.port);
    server_stop(&s);
}

/* ---- the client's errors ----------------------------------------------------------- */

/* A socket bound to an ephemeral loopback port, listening if asked. */
static int bound_socket(uint16_t *port, int do_listen)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert(!do_listen || listen(fd, 4) == 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

Test(control, client_connection_refused)
{
    uint16_t port;
    close(bound_socket(&port, 0));   /* bound, then released: nothing listens */
    sh_buf b = { 0 };
    int status = 77;
    char err[256] = "";
    cr_assert_eq(node_control_get("127.0.0.1", port, TOKEN, "/status", 2000, &b, &status, err,
                                  sizeof err), SH_ERR_IO);
    cr_assert_not_null(strstr(err, "connection refused"), "%s", err);
    cr_assert_eq(status, 0);
    cr_assert_eq(b.len, 0);
    sh_buf_free(&b);
}

Test(control, client_timeout)
{
    /* a listener that accepts in the kernel but never answers */
    uint16_t port;
    int fd = bound_socket(&port, 1);
    sh_buf b = { 0 };
    int status = 0;
    char err[256] = "";
    double t0 = now_s();
    cr_assert_eq(node_control_get("127.0.0.1", port, TOKEN, "/status", 300, &b, &status, err,
                                  sizeof err), SH_ERR_IO);
    double el = now_s() - t0;
    cr_assert_not_null(strstr(err, "timed out after 300 ms"), "%s", err);
    cr_assert_geq(el, 0.25);
    cr_assert_lt(el, 2.0);
    close(fd);
    sh_buf_free(&b);
}

/* A one-shot server thread that reads a request and answers `reply`. */
struct fake {
    int fd;
    const char *reply;
    size_t len;
};

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    int c = accept(f->fd, NULL, NULL);
    if (c >= 0) {
        char buf[4096];
        ssize_t r = recv(c, buf, sizeof buf, 0);
        (void)r;
        size_t off = 0;
        while (off < f->len) {
            ssize_t w = send(c, f->reply + off, f->len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        close(c);
    }
    return NULL;
}

static int fake_get(const char *reply, size_t len, sh_buf *b, int *status, char *err,
                    size_t errlen)
{
    struct fake f = { .reply = reply, .len = len };
    uint16_t port;
    f.fd = bound_socket(&port, 1);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, fake_main, &f), 0);
    int rc = node_control_get("127.0.0.1", port, TOKEN, "/status", 3000, b, status, err,
                              errlen);
    pthread_join(th, NULL);
    close(f.fd);
    return rc;
}

Test(control, client_against_hostile_servers)
{
    sh_buf b = { 0 };
    int status = 0;
    char err[256] = "";
    /* not HTTP */
    static const char junk[] = "SSH-2.0-OpenSSH\r\n\r\n";
    cr_assert_eq(fake_get(junk, sizeof junk - 1, &b, &status, err, sizeof err), SH_ERR_IO);
    cr_assert_eq(b.len, 0);
    cr_assert_gt(strlen(err), 0);
    /* closes without a word */
    cr_assert_eq(fake_get("", 0, &b, &status, err, sizeof err), SH_ERR_IO);
    /* promises more body than it sends */
    static const char short_body[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc";
    cr_assert_eq(fake_get(short_body, sizeof short_body - 1, &b, &status, err, sizeof err),
                 SH_ERR_IO, "%s", err);
    /* a well-formed reply is taken as is */
    static const char ok[] = "HTTP/1.1 418 Teapot\r\nContent-Length: 3\r\n\r\nabc";
    cr_assert_eq(fake_get(ok, sizeof ok - 1, &b, &status, err, sizeof err), 0, "%s", err);
    cr_assert_eq(status, 418);
    cr_assert_eq(b.len, 3);
    /* a body over the caller's limit: refused, buffer unchanged */
    sh_buf small;
    sh_buf_init_max(&small, 10);
    cr_assert_eq(sh_buf_append_str(&small, "12345678"), 0);
    cr_assert_eq(fake_get(ok, sizeof ok - 1, &small, &status, err, sizeof err),
                 SH_ERR_OVERSIZE, "%s", err);
    cr_assert_eq(small.len, 8);
    sh_buf_free(&small);
    sh_buf_free(&b);
}

Test(control, client_argument_checks)
{
    sh_buf b = { 0 };
    int status = 0;
    char err[256];
#define GET_ARGS(host, port, tok, path, ms) \
    node_control_get(host, port, tok, path, ms, &b, &status, err, sizeof err)
    cr_assert_eq(GET_ARGS("127.0.0.1", 1, TOKEN, "status", 100), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS("127.0.0.1", 1, TOKEN, "/st atus", 100), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS("127.0.0.1", 1, TOKEN, "/status\r\nX: y", 100), SH_ERR_ARG);
    /* header injection through the token */
    cr_assert_eq(GET_ARGS("127.0.0.1", 1, TOKEN "\r\nX-Evil: 1", "/status", 100), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS("127.0.0.1", 1, TOKEN, "/status", 0), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS("127.0.0.1", 0, TOKEN, "/status", 100), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS(NULL, 1, TOKEN, "/status", 100), SH_ERR_ARG);
    cr_assert_eq(GET_ARGS("no-such-host.invalid", 1, TOKEN, "/status", 2000), SH_ERR_IO);
    cr_assert_not_null(strstr(err, "cannot resolve"), "%s", err);
#undef GET_ARGS
    cr_assert_eq(node_control_get("127.0.0.1", 1, TOKEN, "/status", 100, NULL, &status, err,
                                  sizeof err), SH_ERR_ARG);
    cr_assert_eq(node_control_get("127.0.0.1", 1, TOKEN, "/status", 100, &b, NULL, err,
                                  sizeof err), SH_ERR_ARG);
    sh_buf_free(&b);
}
