/* node/transport.c -- see transport.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <zmq.h>
#include <event2/event.h>

#include "node/transport.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define MAX_CONNECTIONS 1024

typedef struct conn {
    uint8_t key[NODE_TRANSPORT_KEY_BYTES];
    void *sock;
    uint64_t last_ns;
} conn;

/* A watched ZeroMQ socket: its ZMQ_FD in the loop and its drain function. */
typedef struct watch {
    node_transport *t;
    void *sock;
    struct event *ev;
    void (*drain)(node_transport *t);
} watch;

struct node_transport {
    struct event_base *base;
    node_transport_cfg cfg;
    node_transport_cb cb;
    void *ctx;
    void *router, *zap, *mon;
    watch w_router, w_zap, w_mon;
    struct event *idle_ev;
    uint8_t *pk, *sk;               /* sk in sodium_malloc memory */
    uint8_t *hello;
    size_t hello_len;
    conn *conns;
    size_t n_conns;
    char mon_ep[64];
    node_transport_stats st;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- draining ------------------------------------------------------------ */

static int has_input(void *sock)
{
    int ev = 0;
    size_t sz = sizeof ev;
    if (zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &sz) != 0)
        return 0;
    return (ev & ZMQ_POLLIN) != 0;
}

/* Discard the remaining frames of a multi-part message. */
static void skip_rest(void *sock)
{
    int more = 1;
    size_t sz = sizeof more;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        int rc = zmq_msg_recv(&m, sock, ZMQ_DONTWAIT);
        zmq_msg_close(&m);
        if (rc < 0)
            break;
    }
}

static void refused(node_transport *t, const char *why)
{
    if (t->cb.on_refused != NULL)
        t->cb.on_refused(t->cb.arg, why);
}

/* The User-Id the ZAP handler stamped: the client's key in hex. */
static int sender_key(zmq_msg_t *m, uint8_t key[NODE_TRANSPORT_KEY_BYTES])
{
    const char *uid = zmq_msg_gets(m, "User-Id");
    size_t bin = 0;
    if (uid == NULL || strlen(uid) != 2 * NODE_TRANSPORT_KEY_BYTES)
        return -1;
    if (sodium_hex2bin(key, NODE_TRANSPORT_KEY_BYTES, uid, strlen(uid), NULL, &bin,
                       NULL) != 0 || bin != NODE_TRANSPORT_KEY_BYTES)
        return -1;
    return 0;
}

static void drain_router(node_transport *t)
{
    for (int k = 0; k < NODE_TRANSPORT_BURST; k++) {
        if (!has_input(t->router))
            return;
        zmq_msg_t rid, body;
        zmq_msg_init(&rid);
        if (zmq_msg_recv(&rid, t->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&rid);
            return;
        }
        zmq_msg_close(&rid);
        int more = 0;
        size_t sz = sizeof more;
        if (zmq_getsockopt(t->router, ZMQ_RCVMORE, &more, &sz) != 0 || !more) {
            t->st.bad_framing++;
            refused(t, "transport: bad framing");
            continue;
        }
        zmq_msg_init(&body);
        if (zmq_msg_recv(&body, t->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&body);
            return;
        }
        if (zmq_getsockopt(t->router, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
            skip_rest(t->router);
            zmq_msg_close(&body);
            t->st.bad_framing++;
            refused(t, "transport: bad framing");
            continue;
        }
        size_t len = zmq_msg_size(&body);
        uint8_t key[NODE_TRANSPORT_KEY_BYTES];
        if (len == 0) {
            t->st.bad_framing++;
            refused(t, "transport: bad framing");
        } else if (len > t->cfg.max_message) {
            t->st.oversize_in++;
            refused(t, "transport: oversize");
        } else if (sender_key(&body, key) != 0) {
            /* Cannot happen with the ZAP handler in place; never deliver
             * a message whose sender is not proven. */
            t->st.handshake_failed++;
            refused(t, "transport: handshake failed");
        } else {
            t->st.msgs_in++;
            t->st.bytes_in += len;
            t->cb.on_message(t->cb.arg, key, zmq_msg_data(&body), len);
        }
        zmq_msg_close(&body);
    }
    /* More may be waiting: come back after the loop's other events. */
    event_active(t->w_router.ev, EV_READ, 0);
}

/* RFC 27 (ZAP): request = version, request id, domain, address, identity,
 * mechanism, credentials...; reply = version, request id, status code,
 * status text, user id, metadata. */
static void zap_reply(void *sock, const zmq_msg_t *reqid, const char *code,
                      const char *text, const char *uid)
{
    zmq_msg_t id;
    zmq_msg_init(&id);
    zmq_msg_copy(&id, (zmq_msg_t *)reqid);
    zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
    zmq_msg_send(&id, sock, ZMQ_SNDMORE);
    zmq_msg_close(&id);
    zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(sock, uid, strlen(uid), ZMQ_SNDMORE);
    zmq_send(sock, "", 0, 0);
}

static void drain_zap(node_transport *t)
{
    for (int k = 0; k < NODE_TRANSPORT_BURST; k++) {
        if (!has_input(t->zap))
            return;
        zmq_msg_t f[7];
        int n = 0, more = 1;
        while (more && n < 7) {
            zmq_msg_init(&f[n]);
            if (zmq_msg_recv(&f[n], t->zap, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&f[n]);
                break;
            }
            n++;
            size_t sz = sizeof more;
            if (zmq_getsockopt(t->zap, ZMQ_RCVMORE, &more, &sz) != 0)
                more = 0;
        }
        if (more)
            skip_rest(t->zap);
        if (n >= 2) {
            char uid[2 * NODE_TRANSPORT_KEY_BYTES + 1] = "";
            int ok = n == 7 && zmq_msg_size(&f[5]) == 5 &&
                     memcmp(zmq_msg_data(&f[5]), "CURVE", 5) == 0 &&
                     zmq_msg_size(&f[6]) == NODE_TRANSPORT_KEY_BYTES;
            if (ok) {
                const uint8_t *key = zmq_msg_data(&f[6]);
                ok = t->cb.admit == NULL || t->cb.admit(t->cb.arg, key);
                if (!ok) {
                    t->st.not_admitted++;
                    refused(t, "transport: not admitted");
                }
                sodium_bin2hex(uid, sizeof uid, key, NODE_TRANSPORT_KEY_BYTES);
            }
            if (ok)
                zap_reply(t->zap, &f[1], "200", "OK", uid);
            else
                zap_reply(t->zap, &f[1], "400", "refused", "");
        }
        for (int i = 0; i < n; i++)
            zmq_msg_close(&f[i]);
    }
    event_active(t->w_zap.ev, EV_READ, 0);
}

static void drain_mon(node_transport *t)
{
    for (int k = 0; k < NODE_TRANSPORT_BURST; k++) {
        if (!has_input(t->mon))
            return;
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, t->mon, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        uint16_t event = 0;
        if (zmq_msg_size(&m) >= 2)
            memcpy(&event, zmq_msg_data(&m), 2);   /* host order, by the API */
        zmq_msg_close(&m);
        skip_rest(t->mon);
        switch (event) {
        case ZMQ_EVENT_ACCEPTED: t->st.accepted++; break;
        case ZMQ_EVENT_DISCONNECTED: t->st.disconnected++; break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            t->st.handshake_failed++;
            refused(t, "transport: handshake failed");
            break;
        default: break;
        }
    }
    event_active(t->w_mon.ev, EV_READ, 0);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    watch *w = arg;
    w->drain(w->t);
}

static int watch_start(node_transport *t, watch *w, void *sock,
                       void (*drain)(node_transport *))
{
    int fd = -1;
    size_t sz = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &sz) != 0)
        return SH_ERR_IO;
    w->t = t;
    w->sock = sock;
    w->drain = drain;
    w->ev = event_new(t->base, fd, EV_READ | EV_PERSIST, on_readable, w);
    if (w->ev == NULL || event_add(w->ev, NULL) != 0)
        return SH_ERR_NOMEM;
    /* Input may already be pending, and the edge for it is gone. */
    event_active(w->ev, EV_READ, 0);
    return 0;
}

/* ---- outgoing connections ------------------------------------------------- */

static void conn_close(node_transport *t, size_t i)
{
    zmq_setsockopt(t->conns[i].sock, ZMQ_LINGER, &t->cfg.linger_ms, sizeof t->cfg.linger_ms);
    zmq_close(t->conns[i].sock);
    t->conns[i] = t->conns[--t->n_conns];
    t->st.connections = t->n_conns;
}

static void on_idle(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    node_transport *t = arg;
    uint64_t now = mono_ns(), idle = (uint64_t)t->cfg.idle_timeout_s * 1000000000ULL;
    for (size_t i = 0; i < t->n_conns;) {
        if (now - t->conns[i].last_ns >= idle) {
            conn_close(t, i);
            t->st.closed_idle++;
        } else {
            i++;
        }
    }
}

static conn *conn_find(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES])
{
    for (size_t i = 0; i < t->n_conns; i++)
        if (memcmp(t->conns[i].key, key, NODE_TRANSPORT_KEY_BYTES) == 0)
            return &t->conns[i];
    return NULL;
}

static int sockopt_int(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v);
}

static int curve_client(node_transport *t, void *s, const uint8_t *server)
{
    int64_t max = (int64_t)t->cfg.max_message;
    if (sockopt_int(s, ZMQ_SNDHWM, (int)t->cfg.queue_max) != 0 ||
        sockopt_int(s, ZMQ_LINGER, t->cfg.linger_ms) != 0 ||
        sockopt_int(s, ZMQ_IPV6, 1) != 0 ||
        sockopt_int(s, ZMQ_RECONNECT_IVL, 200) != 0 ||
        sockopt_int(s, ZMQ_RECONNECT_IVL_MAX, 10000) != 0 ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server, 32) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, t->pk, 32) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, t->sk, 32) != 0)
        return SH_ERR_IO;
    return 0;
}

static conn *conn_open(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES],
                       const char *endpoint)
{
    if (t->n_conns == MAX_CONNECTIONS) {
        size_t lru = 0;                 /* make room: the least recently used */
        for (size_t i = 1; i < t->n_conns; i++)
            if (t->conns[i].last_ns < t->conns[lru].last_ns)
                lru = i;
        conn_close(t, lru);
    }
    void *s = zmq_socket(t->ctx, ZMQ_DEALER);
    if (s == NULL)
        return NULL;
    if (curve_client(t, s, key) != 0 || zmq_connect(s, endpoint) != 0) {
        int zero = 0;
        zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
        zmq_close(s);
        return NULL;
    }
    conn *c = &t->conns[t->n_conns++];
    memcpy(c->key, key, NODE_TRANSPORT_KEY_BYTES);
    c->sock = s;
    c->last_ns = mono_ns();
    t->st.opened++;
    t->st.connections = t->n_conns;
    if (t->hello_len > 0 && zmq_send(s, t->hello, t->hello_len, ZMQ_DONTWAIT) >= 0) {
        t->st.msgs_out++;
        t->st.bytes_out += t->hello_len;
    }
    return c;
}

int node_transport_send(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES],
                        const char *endpoint, const uint8_t *msg, size_t len)
{
    if (t == NULL || key == NULL || endpoint == NULL || msg == NULL || len == 0)
        return SH_ERR_ARG;
    if (len > t->cfg.max_message)
        return SH_ERR_OVERSIZE;
    conn *c = conn_find(t, key);
    if (c == NULL && (c = conn_open(t, key, endpoint)) == NULL)
        return SH_ERR_IO;
    c->last_ns = mono_ns();
    if (zmq_send(c->sock, msg, len, ZMQ_DONTWAIT) < 0) {
        t->st.dropped_full++;
        return SH_ERR_RANGE;
    }
    t->st.msgs_out++;
    t->st.bytes_out += len;
    return 0;
}

void node_transport_close(node_transport *t, const uint8_t key[NODE_TRANSPORT_KEY_BYTES])
{
    conn *c = conn_find(t, key);
    if (c != NULL)
        conn_close(t, (size_t)(c - t->conns));
}

int node_transport_set_hello(node_transport *t, const uint8_t *msg, size_t len)
{
    if (t == NULL || (msg == NULL && len > 0) || len > t->cfg.max_message)
        return SH_ERR_ARG;
    uint8_t *h = malloc(len ? len : 1);
    if (h == NULL)
        return SH_ERR_NOMEM;
    if (len)
        memcpy(h, msg, len);
    free(t->hello);
    t->hello = h;
    t->hello_len = len;
    return 0;
}

/* ---- lifecycle ------------------------------------------------------------- */

static int bind_router(node_transport *t, char *err, size_t errlen)
{
    t->zap = zmq_socket(t->ctx, ZMQ_REP);
    if (t->zap == NULL || sockopt_int(t->zap, ZMQ_LINGER, 0) != 0 ||
        zmq_bind(t->zap, ZAP_ENDPOINT) != 0) {
        sh_errf(err, errlen, "transport: ZAP handler: %s%s", zmq_strerror(zmq_errno()), "");
        return SH_ERR_IO;
    }
    t->router = zmq_socket(t->ctx, ZMQ_ROUTER);
    if (t->router == NULL) {
        sh_errf(err, errlen, "transport: %s%s", zmq_strerror(zmq_errno()), "");
        return SH_ERR_IO;
    }
    int64_t max = (int64_t)(2 * t->cfg.max_message + 64);
    int one = 1;
    if (zmq_setsockopt(t->router, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        zmq_setsockopt(t->router, ZMQ_CURVE_SECRETKEY, t->sk, 32) != 0 ||
        zmq_setsockopt(t->router, ZMQ_ZAP_DOMAIN, "shroud", 6) != 0 ||
        zmq_setsockopt(t->router, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0 ||
        sockopt_int(t->router, ZMQ_RCVHWM, (int)t->cfg.queue_max * 4) != 0 ||
        sockopt_int(t->router, ZMQ_LINGER, 0) != 0 ||
        sockopt_int(t->router, ZMQ_IPV6, 1) != 0) {
        sh_errf(err, errlen, "transport: socket options: %s%s", zmq_strerror(zmq_errno()), "");
        return SH_ERR_IO;
    }
    snprintf(t->mon_ep, sizeof t->mon_ep, "inproc://shroud-monitor-%p", (void *)t);
    if (zmq_socket_monitor(t->router, t->mon_ep,
                           ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0 ||
        (t->mon = zmq_socket(t->ctx, ZMQ_PAIR)) == NULL ||
        sockopt_int(t->mon, ZMQ_LINGER, 0) != 0 ||
        zmq_connect(t->mon, t->mon_ep) != 0) {
        sh_errf(err, errlen, "transport: monitor: %s%s", zmq_strerror(zmq_errno()), "");
        return SH_ERR_IO;
    }
    if (zmq_bind(t->router, t->cfg.listen) != 0) {
        sh_errf(err, errlen, "transport: cannot listen on %s: %s", t->cfg.listen,
                zmq_strerror(zmq_errno()));
        return SH_ERR_IO;
    }
    return 0;
}

int node_transport_new(node_transport **out, struct event_base *base,
                       const node_transport_cfg *cfg, const node_transport_cb *cb,
                       char *err, size_t errlen)
{
    if (out == NULL || base == NULL || cfg == NULL || cb == NULL || cb->on_message == NULL ||
        cfg->listen == NULL || cfg->public_key == NULL || cfg->secret_key == NULL ||
        cfg->max_message == 0 || cfg->max_message > (1u << 30) || cfg->queue_max == 0 ||
        cfg->queue_max > (1u << 24) || cfg->idle_timeout_s == 0) {
        sh_errf(err, errlen, "transport: %s%s", "invalid configuration", "");
        return SH_ERR_ARG;
    }
    *out = NULL;
    node_transport *t = calloc(1, sizeof *t);
    if (t == NULL)
        return SH_ERR_NOMEM;
    t->base = base;
    t->cfg = *cfg;
    t->cb = *cb;
    t->pk = malloc(32);
    t->sk = sodium_malloc(32);
    t->conns = calloc(MAX_CONNECTIONS, sizeof *t->conns);
    int rc = SH_ERR_NOMEM;
    if (t->pk == NULL || t->sk == NULL || t->conns == NULL)
        goto fail;
    memcpy(t->pk, cfg->public_key, 32);
    memcpy(t->sk, cfg->secret_key, 32);
    t->ctx = zmq_ctx_new();
    if (t->ctx == NULL) {
        sh_errf(err, errlen, "transport: %s%s", zmq_strerror(zmq_errno()), "");
        rc = SH_ERR_IO;
        goto fail;
    }
    if ((rc = bind_router(t, err, errlen)) != 0)
        goto fail;
    rc = SH_ERR_NOMEM;
    if (watch_start(t, &t->w_zap, t->zap, drain_zap) != 0 ||
        watch_start(t, &t->w_mon, t->mon, drain_mon) != 0 ||
        watch_start(t, &t->w_router, t->router, drain_router) != 0)
        goto fail;
    uint32_t period = t->cfg.idle_timeout_s / 4 ? t->cfg.idle_timeout_s / 4 : 1;
    if (period > 10)
        period = 10;
    struct timeval tv = { .tv_sec = period, .tv_usec = 0 };
    t->idle_ev = event_new(base, -1, EV_PERSIST, on_idle, t);
    if (t->idle_ev == NULL || event_add(t->idle_ev, &tv) != 0)
        goto fail;
    *out = t;
    return 0;
fail:
    node_transport_free(t);
    return rc;
}

void node_transport_free(node_transport *t)
{
    if (t == NULL)
        return;
    watch *ws[] = { &t->w_router, &t->w_zap, &t->w_mon };
    for (size_t i = 0; i < 3; i++)
        if (ws[i]->ev != NULL)
            event_free(ws[i]->ev);
    if (t->idle_ev != NULL)
        event_free(t->idle_ev);
    while (t->n_conns > 0)
        conn_close(t, t->n_conns - 1);
    if (t->router != NULL) {
        zmq_socket_monitor(t->router, NULL, 0);
        zmq_close(t->router);
    }
    if (t->mon != NULL)
        zmq_close(t->mon);
    if (t->zap != NULL)
        zmq_close(t->zap);
    if (t->ctx != NULL)
        zmq_ctx_term(t->ctx);
    free(t->conns);
    free(t->pk);
    sodium_free(t->sk);
    free(t->hello);
    free(t);
}

void node_transport_stats_get(const node_transport *t, node_transport_stats *out)
{
    *out = t->st;
}

size_t node_transport_connections(const node_transport *t)
{
    return t->n_conns;
}
