/* node/control.c -- the local HTTP control API on libevent's evhttp (see
 * control.h). */
#include "node/control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <sodium.h>

#include "node/prom.h"
#include "util/fs.h"
#include "util/hex.h"
#include "util/json.h"

#define CTYPE_JSON "application/json; charset=utf-8"
#define CTYPE_METRICS "text/plain; version=0.0.4; charset=utf-8"
#define CTYPE_TEXT "text/plain; charset=utf-8"

struct node_control {
    struct evhttp *http;
    uint16_t port;
    uint8_t key[NODE_CONTROL_TOKEN_BYTES];   /* the decoded token */
    node_control_status_fn status;
    node_control_metrics_fn metrics;
    void *arg;
    /* Atomic so that another thread (a test, a watchdog) may read them
     * while the loop runs; relaxed ordering is enough for counters. */
    _Atomic uint64_t requests, status_ok, metrics_ok, unauthorized, not_found,
        method_not_allowed, errors;
};

static void bump(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* ---- request handling ---------------------------------------------------- */

/* Send code with body[0..len) as ctype.  evhttp_send_reply moves the
 * bytes out of the evbuffer, so the buffer is ours to free after.  The
 * length is always stated; a HEAD reply states it and sends no body
 * (libevent 2.1 would send one). */
static void reply(struct evhttp_request *req, int code, const char *reason,
                  const char *ctype, const void *body, size_t len)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    int head = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
    char clen[24];
    snprintf(clen, sizeof clen, "%zu", len);
    struct evbuffer *b = evbuffer_new();
    if (b == NULL || (!head && evbuffer_add(b, body, len) != 0) ||
        evhttp_add_header(h, "Content-Type", ctype) != 0 ||
        evhttp_add_header(h, "Content-Length", clen) != 0) {
        if (b != NULL)
            evbuffer_free(b);
        /* Out of memory: libevent's own minimal error page. */
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    evhttp_send_reply(req, code, reason, b);
    evbuffer_free(b);
}

static void reply_text(struct evhttp_request *req, int code, const char *reason,
                       const char *text)
{
    reply(req, code, reason, CTYPE_TEXT, text, strlen(text));
}

/* 1 if the request carries exactly one "Authorization: Bearer TOKEN"
 * whose token decodes to the configured 32 bytes.  The scheme is
 * case-insensitive (RFC 7235); the comparison of the bytes is constant
 * time.  The token's length is public (always 64), so checking it first
 * leaks nothing. */
static int authorized(const node_control *c, struct evhttp_request *req)
{
    const struct evkeyvalq *hdrs = evhttp_request_get_input_headers(req);
    const char *value = NULL;
    int seen = 0;
    const struct evkeyval *kv;
    /* Two Authorization headers are ambiguous (a proxy and the server
     * might pick different ones): refuse rather than choose. */
    for (kv = hdrs->tqh_first; kv != NULL; kv = kv->next.tqe_next) {
        if (evutil_ascii_strcasecmp(kv->key, "Authorization") == 0) {
            value = kv->value;
            seen++;
        }
    }
    if (seen != 1 || evutil_ascii_strncasecmp(value, "Bearer ", 7) != 0)
        return 0;
    const char *tok = value + 7;
    while (*tok == ' ')
        tok++;
    size_t len = strlen(tok);
    while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
        len--;
    if (len != NODE_CONTROL_TOKEN_HEX)
        return 0;
    uint8_t got[NODE_CONTROL_TOKEN_BYTES];
    int ok = sh_hex_decode_exact(got, sizeof got, tok, len) == 0 &&
             crypto_verify_32(got, c->key) == 0;
    sodium_memzero(got, sizeof got);
    return ok;
}

static void serve_status(node_control *c, struct evhttp_request *req)
{
    json_t *doc = NULL;
    sh_buf text;
    sh_buf_init(&text);
    int rc = c->status(c->arg, &doc);
    if (rc == 0 && doc == NULL)
        rc = SH_ERR_INTERNAL;
    if (rc == 0)
        rc = sh_json_dump(doc, &text);
    json_decref(doc);
    if (rc != 0) {
        bump(&c->errors);
        reply_text(req, HTTP_INTERNAL, "Internal Server Error", "status unavailable\n");
    } else {
        bump(&c->status_ok);
        reply(req, HTTP_OK, "OK", CTYPE_JSON, text.data, text.len);
    }
    sh_buf_free(&text);
}

static void serve_metrics(node_control *c, struct evhttp_request *req)
{
    sh_buf text;
    sh_buf_init(&text);
    int rc = c->metrics(c->arg, &text);
    if (rc != 0) {
        bump(&c->errors);
        reply_text(req, HTTP_INTERNAL, "Internal Server Error", "metrics unavailable\n");
    } else {
        bump(&c->metrics_ok);
        reply(req, HTTP_OK, "OK", CTYPE_METRICS, text.data, text.len);
    }
    sh_buf_free(&text);
}

static void handle(struct evhttp_request *req, void *arg)
{
    node_control *c = arg;
    bump(&c->requests);
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    /* Status and metrics change every second and must never be served
     * from a cache; nosniff keeps browsers from reinterpreting them. */
    if (evhttp_add_header(out, "Cache-Control", "no-store") != 0 ||
        evhttp_add_header(out, "X-Content-Type-Options", "nosniff") != 0) {
        bump(&c->errors);
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    if (!authorized(c, req)) {
        bump(&c->unauthorized);
        if (evhttp_add_header(out, "WWW-Authenticate", "Bearer realm=\"shroud\"") != 0) {
            evhttp_send_error(req, HTTP_INTERNAL, NULL);
            return;
        }
        reply_text(req, 401, "Unauthorized", "unauthorized\n");
        return;
    }
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    int is_status = path != NULL && strcmp(path, "/status") == 0 && c->status != NULL;
    int is_metrics = path != NULL && strcmp(path, "/metrics") == 0 && c->metrics != NULL;
    if (!is_status && !is_metrics) {
        bump(&c->not_found);
        reply_text(req, HTTP_NOTFOUND, "Not Found", "not found\n");
        return;
    }
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        bump(&c->method_not_allowed);
        if (evhttp_add_header(out, "Allow", "GET, HEAD") != 0) {
            evhttp_send_error(req, HTTP_INTERNAL, NULL);
            return;
        }
        reply_text(req, HTTP_BADMETHOD, "Method Not Allowed", "method not allowed\n");
        return;
    }
    if (is_status)
        serve_status(c, req);
    else
        serve_metrics(c, req);
}

/* ---- server set-up ----------------------------------------------------------- */

/* Parse host as a numeric loopback address into ss. */
static int loopback_addr(const char *host, struct sockaddr_storage *ss, socklen_t *sl,
                         char *err, size_t errlen)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        if ((ntohl(s4->sin_addr.s_addr) >> 24) == 127) {
            s4->sin_family = AF_INET;
            *sl = sizeof *s4;
            return 0;
        }
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
            s6->sin6_family = AF_INET6;
            *sl = sizeof *s6;
            return 0;
        }
    } else {
        sh_errf(err, errlen, "control API host '%s' is not a numeric IP address; "
               "use 127.0.0.1 or ::1", host);
        return SH_ERR_ARG;
    }
    sh_errf(err, errlen, "control API host %s is not a loopback address: the control "
           "API must not be reachable from the network; use 127.0.0.1 (any of "
           "127.0.0.0/8) or ::1", host);
    return SH_ERR_ARG;
}

/* A non-blocking, close-on-exec listening socket on ss; the port bound
 * into *port. */
static int listen_on(const struct sockaddr_storage *ss, socklen_t sl, const char *host,
                     uint16_t want, evutil_socket_t *fd_out, uint16_t *port,
                     char *err, size_t errlen)
{
    const char *what = "socket";
    evutil_socket_t fd = socket(ss->ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        goto fail;
    what = "configure socket";
    /* Reuse the address so that a restarted relay can bind while the old
     * connections linger in TIME_WAIT. */
    if (evutil_make_socket_closeonexec(fd) != 0 || evutil_make_socket_nonblocking(fd) != 0 ||
        evutil_make_listen_socket_reuseable(fd) != 0)
        goto fail;
    what = "bind";
    struct sockaddr_storage bound = *ss;
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)&bound)->sin_port = htons(want);
    else
        ((struct sockaddr_in6 *)&bound)->sin6_port = htons(want);
    if (bind(fd, (const struct sockaddr *)&bound, sl) != 0)
        goto fail;
    what = "listen";
    if (listen(fd, 16) != 0)
        goto fail;
    what = "getsockname";
    socklen_t bl = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &bl) != 0)
        goto fail;
    *port = ntohs(ss->ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                           : ((struct sockaddr_in6 *)&bound)->sin6_port);
    *fd_out = fd;
    return 0;
fail:
    {
        int e = errno;
        sh_errf(err, errlen, "control API: %s on %s port %u failed: %s", what, host,
               (unsigned)want, strerror(e));
        if (fd >= 0)
            evutil_closesocket(fd);
    }
    return SH_ERR_IO;
}

int node_control_new(node_control **out, struct event_base *base,
                     const node_control_cfg *cfg, char *err, size_t errlen)
{
    if (out == NULL || base == NULL || cfg == NULL || cfg->host == NULL ||
        cfg->token == NULL) {
        sh_errf(err, errlen, "control API: missing argument");
        return SH_ERR_ARG;
    }
    *out = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    int rc = loopback_addr(cfg->host, &ss, &sl, err, errlen);
    if (rc != 0)
        return rc;
    node_control *c = calloc(1, sizeof *c);
    if (c == NULL) {
        sh_errf(err, errlen, "control API: out of memory");
        return SH_ERR_NOMEM;
    }
    if (strlen(cfg->token) != NODE_CONTROL_TOKEN_HEX ||
        sh_hex_decode_exact(c->key, sizeof c->key, cfg->token, NODE_CONTROL_TOKEN_HEX) != 0) {
        sh_errf(err, errlen, "control API: the token must be %d hex digits",
               NODE_CONTROL_TOKEN_HEX);
        node_control_free(c);
        return SH_ERR_ARG;
    }
    c->status = cfg->status;
    c->metrics = cfg->metrics;
    c->arg = cfg->arg;
    c->http = evhttp_new(base);
    if (c->http == NULL) {
        sh_errf(err, errlen, "control API: out of memory");
        node_control_free(c);
        return SH_ERR_NOMEM;
    }
    uint32_t ms = cfg->timeout_ms ? cfg->timeout_ms : NODE_CONTROL_DEFAULT_TIMEOUT_MS;
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
    evhttp_set_timeout_tv(c->http, &tv);
    evhttp_set_max_headers_size(c->http, NODE_CONTROL_MAX_HEADER_BYTES);
    evhttp_set_max_body_size(c->http, NODE_CONTROL_MAX_BODY_BYTES);
    /* Let every method libevent knows reach the handler, which answers 405
     * with an Allow header; evhttp's own refusal would be a 501. */
    evhttp_set_allowed_methods(c->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                        EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                        EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(c->http, handle, c);

    evutil_socket_t fd;
    rc = listen_on(&ss, sl, cfg->host, cfg->port, &fd, &c->port, err, errlen);
    if (rc != 0) {
        node_control_free(c);
        return rc;
    }
    if (evhttp_accept_socket_with_handle(c->http, fd) == NULL) {
        evutil_closesocket(fd);
        sh_errf(err, errlen, "control API: cannot watch the listening socket");
        node_control_free(c);
        return SH_ERR_NOMEM;
    }
    *out = c;
    return 0;
}

uint16_t node_control_port(const node_control *c)
{
    return c != NULL ? c->port : 0;
}

void node_control_free(node_control *c)
{
    if (c == NULL)
        return;
    if (c->http != NULL)
        evhttp_free(c->http);   /* closes the listener and all connections */
    sodium_memzero(c->key, sizeof c->key);
    free(c);
}

/* ---- statistics ------------------------------------------------------------- */

static uint64_t load(const _Atomic uint64_t *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

void node_control_stats_get(const node_control *c, node_control_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (c == NULL)
        return;
    out->requests = load(&c->requests);
    out->status_ok = load(&c->status_ok);
    out->metrics_ok = load(&c->metrics_ok);
    out->unauthorized = load(&c->unauthorized);
    out->not_found = load(&c->not_found);
    out->method_not_allowed = load(&c->method_not_allowed);
    out->errors = load(&c->errors);
}

int node_control_stats_write_prom(sh_buf *out, const node_control_stats *s)
{
    if (out == NULL || s == NULL)
        return SH_ERR_ARG;
    static const char name[] = "shroud_control_requests_total";
    const struct {
        const char *outcome;
        uint64_t v;
    } rows[] = {
        { "status", s->status_ok },           { "metrics", s->metrics_ok },
        { "unauthorized", s->unauthorized },  { "not_found", s->not_found },
        { "method_not_allowed", s->method_not_allowed }, { "error", s->errors },
    };
    size_t mark = out->len;
    int rc = node_prom_family(out, name, "counter",
                              "Control API requests by outcome.");
    for (size_t i = 0; rc == 0 && i < sizeof rows / sizeof rows[0]; i++) {
        const char *labels[] = { "outcome", rows[i].outcome };
        rc = node_prom_sample_u64(out, name, labels, 1, rows[i].v);
    }
    if (rc != 0 && out->len > mark) {
        int t = sh_buf_truncate(out, mark);
        (void)t;   /* mark <= len: cannot fail */
    }
    return rc;
}

/* ---- token files -------------------------------------------------------------- */

int node_control_token_create(const char *path, char *err, size_t errlen)
{
    if (path == NULL) {
        sh_errf(err, errlen, "control token: no path");
        return SH_ERR_ARG;
    }
    if (sodium_init() < 0) {
        sh_errf(err, errlen, "control token: libsodium failed to initialise");
        return SH_ERR_INTERNAL;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        sh_errf(err, errlen, "control token %s: %s%s", path,
               e == EEXIST ? "already exists (it is never overwritten; "
                             "remove it to make a new token): " : "",
               strerror(e));
        return SH_ERR_IO;
    }
    uint8_t raw[NODE_CONTROL_TOKEN_BYTES];
    char text[NODE_CONTROL_TOKEN_HEX + 2];
    randombytes_buf(raw, sizeof raw);
    int rc = sh_hex_encode(text, sizeof text, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    text[NODE_CONTROL_TOKEN_HEX] = '\n';
    text[NODE_CONTROL_TOKEN_HEX + 1] = '\0';
    const char *what = "encode";
    if (rc != 0)
        goto fail;
    /* The umask cannot widen 0600, but make the mode explicit anyway. */
    what = "chmod";
    if (fchmod(fd, 0600) != 0)
        goto fail;
    what = "write";
    size_t off = 0, n = NODE_CONTROL_TOKEN_HEX + 1;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    what = "fsync";
    if (fsync(fd) != 0)
        goto fail;
    sodium_memzero(text, sizeof text);
    what = "close";
    int cr = close(fd);
    fd = -1;
    if (cr != 0)
        goto fail;
    what = "fsync the directory of";
    if (sh_fsync_parent(path) != 0)
        goto fail;
    return 0;
fail:
    {
        int e = errno;
        sodium_memzero(text, sizeof text);
        if (fd >= 0)
            close(fd);
        /* Never leave a short or unsynced token behind: the next start
         * would refuse it, or worse, load a weaker one. */
        unlink(path);
        sh_errf(err, errlen, "control token %s: %s failed: %s", path, what, strerror(e));
    }
    return SH_ERR_IO;
}

int node_control_token_load(const char *path, char out[NODE_CONTROL_TOKEN_HEX + 1],
                            char *err, size_t errlen)
{
    if (path == NULL || out == NULL) {
        sh_errf(err, errlen, "control token: missing argument");
        return SH_ERR_ARG;
    }
    memset(out, 0, NODE_CONTROL_TOKEN_HEX + 1);
    /* Read one byte more than a valid file holds, to see a longer one. */
    char text[NODE_CONTROL_TOKEN_HEX + 2];
    size_t len = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    /* fstat the open descriptor, not the path: no window in which the
     * file could be swapped between the check and the read. */
    if (fd < 0 || fstat(fd, &st) != 0)
        goto fail_errno;
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        sh_errf(err, errlen, "control token %s: not a regular file", path);
        return SH_ERR_IO;
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        sh_errf(err, errlen, "control token %s has mode %04o, which lets other users "
               "read it; run: chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
        return SH_ERR_IO;
    }
    while (len < sizeof text) {
        ssize_t r = read(fd, text + len, sizeof text - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail_errno;
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    size_t digits = len > 0 && text[len - 1] == '\n' ? len - 1 : len;
    uint8_t raw[NODE_CONTROL_TOKEN_BYTES];
    int rc = 0;
    if (digits != NODE_CONTROL_TOKEN_HEX) {
        sh_errf(err, errlen, "control token %s: expected %d hex digits and a newline, "
               "found %s", path, NODE_CONTROL_TOKEN_HEX,
               digits > NODE_CONTROL_TOKEN_HEX ? "more" : "fewer");
        rc = SH_ERR_LENGTH;
    } else if (sh_hex_decode_exact(raw, sizeof raw, text, digits) != 0) {
        sh_errf(err, errlen, "control token %s: not hex digits", path);
        rc = SH_ERR_FORMAT;
    } else {
        memcpy(out, text, NODE_CONTROL_TOKEN_HEX);
    }
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(text, sizeof text);
    return rc;
fail_errno:
    {
        int e = errno;
        if (fd >= 0)
            close(fd);
        sodium_memzero(text, sizeof text);
        sh_errf(err, errlen, "control token %s: %s", path, strerror(e));
    }
    return SH_ERR_IO;
}

/* ---- the blocking client -------------------------------------------------------- */

struct get_ctx {
    struct event_base *base;
    sh_buf *body;
    int *status;
    int done;                      /* the request callback ran */
    int rc;
    int have_err;                  /* the error callback ran */
    enum evhttp_request_error why;
    int timed_out;                 /* our own deadline fired */
};

static void get_error(enum evhttp_request_error why, void *arg)
{
    struct get_ctx *g = arg;
    g->have_err = 1;
    g->why = why;
}

static void get_done(struct evhttp_request *req, void *arg)
{
    struct get_ctx *g = arg;
    g->done = 1;
    if (req == NULL || evhttp_request_get_response_code(req) == 0) {
        g->rc = SH_ERR_IO;
    } else {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(in), mark = g->body->len;
        uint8_t *p = NULL;
        g->rc = n > NODE_CONTROL_MAX_RESPONSE_BYTES ? SH_ERR_OVERSIZE
                                                    : sh_buf_extend(g->body, n, &p);
        if (g->rc == 0 && n > 0 && evbuffer_remove(in, p, n) != (int)n) {
            g->rc = SH_ERR_IO;
            int t = sh_buf_truncate(g->body, mark);
            (void)t;
        }
        if (g->rc == 0)
            *g->status = evhttp_request_get_response_code(req);
    }
    event_base_loopbreak(g->base);
}

static void get_deadline(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct get_ctx *g = arg;
    if (!g->done)
        g->timed_out = 1;
    event_base_loopbreak(g->base);
}

/* Printable ASCII only; spaces allowed or not. */
static int printable(const char *s, int allow_space)
{
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch >= 0x7f || (ch == ' ' && !allow_space))
            return 0;
    }
    return 1;
}

/* libevent reports a failed connect without its errno.  To name the cause
 * ("connection refused" is what an operator needs to see when no relay
 * runs), connect once more by hand, non-blocking, within timeout_ms. */
static int connect_errno(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd < 0)
        return errno;
    int e = 0;
    if (evutil_make_socket_nonblocking(fd) != 0) {
        e = errno;
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        e = errno;
        if (e == EINPROGRESS) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            socklen_t el = sizeof e;
            if (poll(&p, 1, timeout_ms) != 1)
                e = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
                e = errno;
        }
    }
    close(fd);
    return e;
}

/* A sentence for a failed exchange. */
static void explain(const struct get_ctx *g, const struct addrinfo *ai, const char *host,
                    uint16_t port, int timeout_ms, char *err, size_t errlen)
{
    const char *what = NULL;
    int e = 0;
    if (g->timed_out || (g->have_err && g->why == EVREQ_HTTP_TIMEOUT))
        what = "timed out";
    else if (g->rc == SH_ERR_OVERSIZE || (g->have_err && g->why == EVREQ_HTTP_DATA_TOO_LONG))
        what = "the response is too large";
    else if (g->have_err && g->why == EVREQ_HTTP_INVALID_HEADER)
        what = "the reply is not valid HTTP";
    else if (g->have_err)
        what = "the connection closed before a complete reply";
    else if ((e = connect_errno(ai, timeout_ms)) == 0)
        what = "the connection closed before a reply";
    if (what != NULL && strcmp(what, "timed out") == 0)
        sh_errf(err, errlen, "control API at %s port %u: timed out after %d ms", host,
               (unsigned)port, timeout_ms);
    else if (what != NULL)
        sh_errf(err, errlen, "control API at %s port %u: %s", host, (unsigned)port, what);
    else if (e == ECONNREFUSED)
        sh_errf(err, errlen, "control API at %s port %u: connection refused (is the relay "
               "running, with this control port?)", host, (unsigned)port);
    else
        sh_errf(err, errlen, "control API at %s port %u: cannot connect: %s", host,
               (unsigned)port, strerror(e));
}

int node_control_get(const char *host, uint16_t port, const char *token,
                     const char *path, int timeout_ms, sh_buf *body, int *status,
                     char *err, size_t errlen)
{
    if (host == NULL || path == NULL || body == NULL || status == NULL || port == 0 ||
        timeout_ms <= 0 || path[0] != '/' || !printable(path, 0) ||
        (token != NULL && (strlen(token) > 256 || !printable(token, 1)))) {
        sh_errf(err, errlen, "control client: invalid arguments");
        return SH_ERR_ARG;
    }
    *status = 0;
    /* Resolve here rather than in libevent: its blocking resolver's
     * failures surface only when the connection times out, unexplained. */
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *ai = NULL;
    char service[8], numeric[INET6_ADDRSTRLEN];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    int gr = getaddrinfo(host, service, &hints, &ai);
    if (gr != 0 || ai == NULL) {
        sh_errf(err, errlen, "control API: cannot resolve '%s': %s", host,
               gr != 0 ? gai_strerror(gr) : "no address");
        return SH_ERR_IO;
    }
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric, sizeof numeric, NULL, 0,
                    NI_NUMERICHOST) != 0) {
        freeaddrinfo(ai);
        sh_errf(err, errlen, "control API: cannot use the address of '%s'", host);
        return SH_ERR_IO;
    }
    struct get_ctx g = { .body = body, .status = status };
    struct evhttp_connection *conn = NULL;
    struct event *deadline = NULL;
    struct evhttp_request *req = NULL;
    int rc = SH_ERR_NOMEM;
    char authz[16 + 256], hostport[300];
    g.base = event_base_new();
    if (g.base == NULL)
        goto nomem;
    conn = evhttp_connection_base_new(g.base, NULL, numeric, port);
    deadline = evtimer_new(g.base, get_deadline, &g);
    req = evhttp_request_new(get_done, &g);
    if (conn == NULL || deadline == NULL || req == NULL)
        goto nomem;
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    evhttp_connection_set_timeout_tv(conn, &tv);
    evhttp_connection_set_retries(conn, 0);
    evhttp_connection_set_max_body_size(conn, (ev_ssize_t)NODE_CONTROL_MAX_RESPONSE_BYTES);
    evhttp_connection_set_max_headers_size(conn, 64 * 1024);
    evhttp_request_set_error_cb(req, get_error);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    snprintf(hostport, sizeof hostport, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host,
             (unsigned)port);
    if (evhttp_add_header(h, "Host", hostport) != 0 ||
        evhttp_add_header(h, "Connection", "close") != 0)
        goto nomem;
    if (token != NULL) {
        snprintf(authz, sizeof authz, "Bearer %s", token);
        int ar = evhttp_add_header(h, "Authorization", authz);
        sodium_memzero(authz, sizeof authz);
        if (ar != 0)
            goto nomem;
    }
    if (evtimer_add(deadline, &tv) != 0)
        goto nomem;
    /* From here the connection owns req (and frees it, even on failure). */
    int mr = evhttp_make_request(conn, req, EVHTTP_REQ_GET, path);
    req = NULL;
    if (mr != 0) {
        sh_errf(err, errlen, "control API at %s port %u: cannot send the request", host,
               (unsigned)port);
        rc = SH_ERR_IO;
        goto out;
    }
    event_base_dispatch(g.base);
    if (g.done && g.rc == 0) {
        rc = 0;
    } else {
        rc = g.done && g.rc != 0 ? g.rc : SH_ERR_IO;
        explain(&g, ai, host, port, timeout_ms, err, errlen);
    }
    goto out;
nomem:
    sh_errf(err, errlen, "control client: out of memory");
    rc = SH_ERR_NOMEM;
out:
    if (req != NULL)
        evhttp_request_free(req);
    if (deadline != NULL)
        event_free(deadline);
    if (conn != NULL)
        evhttp_connection_free(conn);   /* also frees a request still pending */
    if (g.base != NULL)
        event_base_free(g.base);
    freeaddrinfo(ai);
    return rc;
}
