/* tests/test_node_control_hostile.c -- the control API (node/control.h)
 * against hostile clients (garbage, oversize and stalled requests) and the
 * client's errors (refused connections, timeouts, hostile servers, bad
 * arguments). */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_server.h"

TestSuite(control, .init = cs_ignore_sigpipe, .timeout = 120);

/* ---- hostile clients ------------------------------------------------------------ */

static void still_serving(uint16_t port)
{
    sh_buf b = { 0 };
    cr_assert_eq(cs_get(port, TOKEN, "/status", &b), 200);
    sh_buf_free(&b);
}

/* A hostile request gets an error status or a hang-up, never a 200 (the
 * big ones carry a valid token, so an unenforced limit would give 200),
 * and the server keeps serving. */
static void refused(uint16_t port, const char *req, size_t len, const char *what)
{
    static char resp[16384];
    int st = cs_raw(port, req, len, resp, sizeof resp);
    cr_assert(st == 0 || st >= 400, "%s: got %d", what, st);
    still_serving(port);
}

Test(control, garbage_and_oversize_requests)
{
    struct cs_server s = { 0 };
    cs_start(&s, NULL);
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
    cs_stop(&s);
}

Test(control, stalled_clients_are_dropped)
{
    struct cs_server s = { 0 };
    node_control_cfg cfg = { .host = "127.0.0.1", .token = TOKEN, .status = cs_status_cb,
                             .timeout_ms = 300 };
    cs_start(&s, &cfg);
    /* a partial request, then silence: the server must hang up */
    int fds[4];
    double t0 = cs_now_s();
    for (int i = 0; i < 4; i++) {
        fds[i] = cs_tcp_connect(s.port);
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
    double el = cs_now_s() - t0;
    cr_assert_lt(el, 4.0, "dropped after the 300 ms timeout, not the 5 s recv limit (%.2f)",
                 el);
    still_serving(s.port);
    cs_stop(&s);
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
    double t0 = cs_now_s();
    cr_assert_eq(node_control_get("127.0.0.1", port, TOKEN, "/status", 300, &b, &status, err,
                                  sizeof err), SH_ERR_IO);
    double el = cs_now_s() - t0;
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
