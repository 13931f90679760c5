/* tests/helpers/control_server.c -- see control_server.h. */
#include "control_server.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "node/prom.h"

/* ---- the server thread -------------------------------------------------------- */

json_t *cs_status_doc(void)
{
    return json_pack("{s:s, s:s, s:I, s:{s:i, s:i, s:i}, s:[i, i]}", "identity",
                     "ab01", "nickname", "relay-\xc3\xa9", "epoch", (json_int_t)7, "peers",
                     "known", 3, "active", 2, "passive", 1, "listen", 1, 2);
}

int cs_status_cb(void *arg, json_t **out)
{
    struct cb_state *st = arg;
    atomic_fetch_add(&st->status_calls, 1);
    if (st->fail_status)
        return SH_ERR_STATE;
    if (st->null_status)
        return 0;
    *out = cs_status_doc();
    return *out != NULL ? 0 : SH_ERR_NOMEM;
}

const char cs_metrics_head[] = "# HELP shroud_up Always 1.\n"
                                   "# TYPE shroud_up gauge\n"
                                   "shroud_up 1\n";

int cs_metrics_cb(void *arg, sh_buf *out)
{
    struct cb_state *st = arg;
    atomic_fetch_add(&st->metrics_calls, 1);
    int rc = sh_buf_append_str(out, cs_metrics_head);
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
    struct cs_server *s = arg;
    event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Start a server; cfg may be NULL for the defaults (both endpoints). */
void cs_start(struct cs_server *s, const node_control_cfg *cfg_in)
{
    /* the st fields must be set by the caller before; keep them */
    s->base = event_base_new();
    cr_assert_not_null(s->base);
    node_control_cfg cfg = { .host = "127.0.0.1", .port = 0, .token = TOKEN,
                             .status = cs_status_cb, .metrics = cs_metrics_cb };
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
void cs_halt(struct cs_server *s)
{
    cr_assert_eq(write(s->pipefd[1], "x", 1), 1);
    cr_assert_eq(pthread_join(s->th, NULL), 0);
}

void cs_free(struct cs_server *s)
{
    event_free(s->stop_ev);
    node_control_free(s->ctl);
    event_base_free(s->base);
    close(s->pipefd[0]);
    close(s->pipefd[1]);
}

void cs_stop(struct cs_server *s)
{
    cs_halt(s);
    cs_free(s);
}

/* GET through the real client; returns the HTTP status, body into *b. */
int cs_get(uint16_t port, const char *token, const char *path, sh_buf *b)
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

int cs_tcp_connect(uint16_t port)
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
int cs_raw(uint16_t port, const void *req, size_t len, char *resp, size_t cap)
{
    int fd = cs_tcp_connect(port);
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

int cs_raw_str(uint16_t port, const char *req, char *resp, size_t cap)
{
    return cs_raw(port, req, strlen(req), resp, cap);
}

/* Case-insensitive search for a header line "name: value" in a reply. */
int cs_has_header(const char *resp, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = resp; (p = strstr(p, "\r\n")) != NULL; p += 2)
        if (strncasecmp(p + 2, line, n) == 0)
            return 1;
    return 0;
}

double cs_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void cs_ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}
