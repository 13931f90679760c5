/* tests/test_node_control.c -- the HTTP control API (node/control.h): the
 * endpoints, authentication, routing and failures, creation.  Hostile
 * clients and the client's own errors are in test_node_control_hostile.c;
 * the server thread and the raw client in helpers/control_server.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control_server.h"
#include "node/prom.h"

TestSuite(control, .init = cs_ignore_sigpipe, .timeout = 120);

/* ---- the endpoints ---------------------------------------------------------- */

Test(control, status_returns_the_callback_document)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(cs_get(s.port, TOKEN, "/status", &b), 200);
    json_t *want = cs_status_doc(), *got = json_loadb((const char *)b.data, b.len, 0, NULL);
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
    cr_assert_eq(cs_get(s.port, TOKEN, "/status?verbose=1", &b), 200);
    sh_buf_free(&b);
    cs_stop(&s);
    cr_assert_eq(atomic_load(&s.st.status_calls), 2);
}

Test(control, metrics_returns_the_callback_text)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(cs_get(s.port, TOKEN, "/status", &b), 200);
    cr_assert_eq(cs_get(s.port, "bad", "/status", &b), 401);
    cr_assert_eq(cs_get(s.port, TOKEN, "/metrics", &b), 200);
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
             "shroud_control_requests_total{outcome=\"error\"} 0\n", cs_metrics_head);
    cr_assert_str_eq((const char *)b.data, want);
    sh_buf_free(&b);
    cs_stop(&s);
}

Test(control, response_headers)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
    char resp[8192];
    cr_assert_eq(cs_raw_str(s.port, "GET /status" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    cr_assert(cs_has_header(resp, "Content-Type: application/json; charset=utf-8\r\n"), "%s", resp);
    cr_assert(cs_has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);
    cr_assert(cs_has_header(resp, "X-Content-Type-Options: nosniff\r\n"), "%s", resp);
    cr_assert_not_null(strstr(resp, "\r\n\r\n{"), "a JSON body follows");

    cr_assert_eq(cs_raw_str(s.port, "GET /metrics" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    cr_assert(cs_has_header(resp, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              "%s", resp);
    cr_assert(cs_has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);

    cr_assert_eq(cs_raw_str(s.port, "GET /status" RQ "\r\n", resp, sizeof resp), 401);
    cr_assert(cs_has_header(resp, "WWW-Authenticate: Bearer"), "%s", resp);
    cr_assert(cs_has_header(resp, "Cache-Control: no-store\r\n"), "%s", resp);
    cr_assert_null(strstr(resp, "relay-"), "no status leaks into a 401");

    /* HEAD: headers with the length, no body */
    cr_assert_eq(cs_raw_str(s.port, "HEAD /status" RQ AUTH "\r\n", resp, sizeof resp),
                 200);
    const char *end = strstr(resp, "\r\n\r\n");
    cr_assert_not_null(end);
    cr_assert_str_eq(end, "\r\n\r\n", "no body after HEAD: %s", resp);
    char clen[64];
    json_t *doc = cs_status_doc();
    sh_buf canon = { 0 };
    cr_assert_eq(sh_json_dump(doc, &canon), 0);
    snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", canon.len);
    cr_assert(cs_has_header(resp, clen), "the GET length: %s", resp);
    json_decref(doc);
    sh_buf_free(&canon);
    cs_stop(&s);
}

/* ---- authentication -------------------------------------------------------- */

Test(control, bad_tokens_are_401)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    char tok[NODE_CONTROL_TOKEN_HEX + 8];
    /* each position of the token matters: flip the first, a middle, the
     * last digit */
    static const size_t flips[] = { 0, 31, 63 };
    for (size_t i = 0; i < 3; i++) {
        strcpy(tok, TOKEN);
        tok[flips[i]] = tok[flips[i]] == '0' ? '1' : '0';
        cr_assert_eq(cs_get(s.port, tok, "/status", &b), 401);
    }
    cr_assert_eq(cs_get(s.port, NULL, "/status", &b), 401, "no Authorization header");
    cr_assert_eq(cs_get(s.port, "", "/status", &b), 401, "empty token");
    strcpy(tok, TOKEN);
    tok[63] = '\0';
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 401, "63 digits");
    strcpy(tok, TOKEN "0");
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 401, "65 digits");
    strcpy(tok, TOKEN "00");
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 401, "66 digits");
    strcpy(tok, TOKEN);
    tok[10] = 'g';
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 401, "not hex");
    cr_assert_eq(cs_get(s.port, TOKEN " x", "/status", &b), 401, "trailing junk");
    /* no token: nothing is revealed about paths or methods either */
    cr_assert_eq(cs_get(s.port, NULL, "/nonexistent", &b), 401);
    cr_assert_eq(cs_get(s.port, NULL, "/metrics", &b), 401);
    /* hex digits in either case name the same bytes */
    strcpy(tok, TOKEN);
    for (char *p = tok; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 200);
    sh_buf_free(&b);
    cs_stop(&s);
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
    struct cs_server s = { 0 };
    node_control_cfg cfg = { .host = "127.0.0.1", .token = tok, .status = cs_status_cb };
    cs_start(&s, &cfg);
    sh_buf b = { 0 };
    cr_assert_eq(cs_get(s.port, tok, "/status", &b), 200);
    cr_assert_eq(cs_get(s.port, TOKEN, "/status", &b), 401);
    cr_assert_eq(cs_get(s.port, tok, "/metrics", &b), 404, "no metrics callback");
    sh_buf_free(&b);
    cs_stop(&s);
    unlink(path);
    rmdir(dir);
}

Test(control, authorization_header_forms)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
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
        cr_assert_eq(cs_raw_str(s.port, req, resp, sizeof resp), cases[i].want, "case %d: %s",
                     (int)i, resp);
    }
    /* a token in the query string is not a credential */
    cr_assert_eq(cs_raw_str(s.port, "GET /status?token=" TOKEN " HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n", resp, sizeof resp), 401);
    cs_stop(&s);
}

/* ---- routing, methods, failures ----------------------------------------- */

Test(control, unknown_paths_404_and_methods_405)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    static const char *const paths[] = { "/", "/status/", "/STATUS", "/statusx",
                                         "/metrics.json", "/status/../metrics",
                                         "/%73tatus", "//status", "/metrics%00" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        cr_assert_eq(cs_get(s.port, TOKEN, paths[i], &b), 404, "%s", paths[i]);
    sh_buf_free(&b);

    char resp[8192];
    static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
                                           "TRACE" };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        char req[512];
        snprintf(req, sizeof req, "%s /status" RQ AUTH "Content-Length: 0\r\n\r\n", methods[i]);
        cr_assert_eq(cs_raw_str(s.port, req, resp, sizeof resp), 405, "%s: %s", methods[i], resp);
        cr_assert(cs_has_header(resp, "Allow: GET, HEAD\r\n"), "%s", resp);
    }
    /* a POST with a body does not reach the callback either */
    cr_assert_eq(cs_raw_str(s.port, "POST /metrics" RQ AUTH "Content-Length: 5\r\n\r\n"
                                 "hello", resp, sizeof resp), 405);
    /* unknown path and wrong method: the path decides */
    cr_assert_eq(cs_raw_str(s.port, "POST /nope" RQ AUTH "Content-Length: 0\r\n\r\n",
                         resp, sizeof resp), 404);
    cs_stop(&s);
    cr_assert_eq(atomic_load(&s.st.status_calls), 0);
    cr_assert_eq(atomic_load(&s.st.metrics_calls), 0);
}

Test(control, failing_callbacks_are_500)
{
    struct cs_server s = { 0 };
    s.st.fail_status = 1;
    s.st.fail_metrics = 1;
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    cr_assert_eq(cs_get(s.port, TOKEN, "/status", &b), 500);
    cr_assert_eq(cs_get(s.port, TOKEN, "/metrics", &b), 500);
    cr_assert_eq(sh_buf_append_u8(&b, 0), 0);
    cr_assert_null(strstr((const char *)b.data, "shroud_up"), "partial page discarded");
    sh_buf_free(&b);
    cs_stop(&s);

    struct cs_server s2 = { 0 };
    s2.st.null_status = 1;
    cs_start(&s2, NULL);
    sh_buf_init(&b);
    cr_assert_eq(cs_get(s2.port, TOKEN, "/status", &b), 500, "success without a document");
    sh_buf_free(&b);
    cs_stop(&s2);
}

Test(control, counters_add_up)
{
    struct cs_server s = { 0 };
    s.st.fail_status = 1;
    cs_start(&s, NULL);
    sh_buf b = { 0 };
    char resp[4096];
    cr_assert_eq(cs_get(s.port, TOKEN, "/metrics", &b), 200);
    cr_assert_eq(cs_get(s.port, TOKEN, "/metrics", &b), 200);
    cr_assert_eq(cs_get(s.port, TOKEN, "/status", &b), 500);
    cr_assert_eq(cs_get(s.port, NULL, "/metrics", &b), 401);
    cr_assert_eq(cs_get(s.port, "00", "/metrics", &b), 401);
    cr_assert_eq(cs_get(s.port, TOKEN, "/x", &b), 404);
    cr_assert_eq(cs_raw_str(s.port, "DELETE /status" RQ AUTH "\r\n", resp, sizeof resp),
                 405);
    /* refused by libevent before the handler: not counted */
    cr_assert_eq(cs_raw_str(s.port, "\x01\x02\r\n\r\n", resp, sizeof resp) / 100 != 2, 1);
    sh_buf_free(&b);
    cs_halt(&s);
    node_control_stats st;
    node_control_stats_get(s.ctl, &st);
    cr_assert_eq(st.requests, 7);
    cr_assert_eq(st.metrics_ok, 2);
    cr_assert_eq(st.status_ok, 0);
    cr_assert_eq(st.errors, 1);
    cr_assert_eq(st.unauthorized, 2);
    cr_assert_eq(st.not_found, 1);
    cr_assert_eq(st.method_not_allowed, 1);
    cs_free(&s);

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
        node_control_cfg cfg = { .host = bad[i], .token = TOKEN, .status = cs_status_cb };
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
