/* sim/loop.c -- deterministic in-memory sans-IO driver.
 *
 * One binary heap of inputs keyed by (time, seq); one timer table indexed
 * by timer id; per-node driver contexts.  Nothing here depends on pointer
 * values, wall-clock time or allocation order, which is what makes the
 * trace reproducible.
 */
#include "sim/loop.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

enum ev_type { EV_START, EV_MSG, EV_TIMER, EV_REQUEST, EV_STOP };
enum timer_state { TS_PENDING, TS_DONE };

typedef struct ev {
    uint64_t time;
    uint64_t seq;
    uint32_t node;           /* whose input this is */
    uint32_t from;           /* EV_MSG: sender */
    uint32_t kind;           /* EV_REQUEST */
    enum ev_type type;
    sh_timer_id timer;       /* EV_TIMER */
    uint64_t tag;            /* EV_TIMER */
    uint8_t *data;           /* EV_MSG, EV_REQUEST: owned copy */
    size_t len;
} ev;

typedef struct timer_slot {
    uint32_t owner;
    enum timer_state state;
} timer_slot;

typedef struct reject_ctr {
    const char *reason;
    uint64_t count;
} reject_ctr;

typedef struct lnode {
    sim_loop *loop;
    uint32_t id;
    sh_driver drv;
    sh_proto proto;
    sh_rng *rng;
    sh_log log;
    int up;                  /* instance alive and taking inputs */
    uint64_t busy_until;     /* CPU model: end of the last handler's charge */
    uint64_t t0;             /* start time of the running handler */
    uint64_t charged;        /* charged so far in the running handler */
    sim_loop_stats st;
    reject_ctr *rej;
    size_t n_rej, cap_rej;
} lnode;

typedef struct result_rec {
    sim_loop_result pub;
    uint8_t *owned;
} result_rec;

struct sim_loop {
    sim_loop_cfg cfg;
    lnode *nodes;
    sh_rng *net;
    ev *heap;
    size_t n_heap, cap_heap;
    uint64_t seq;
    uint64_t now;
    timer_slot *timers;      /* timer id k lives at timers[k - 1] */
    size_t n_timers, cap_timers;
    lnode *cur;              /* node whose handler is running, or NULL */
    int busy;                /* inside a step or the factory */
    char *trace;
    size_t trace_len, trace_cap;
    int trace_oom;
    result_rec *res;
    size_t n_res, cap_res;
};

/* ---- growable arrays ---------------------------------------------------- */

/* Make room for one more element of `size` bytes in *arr. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, ncap * size);
    if (p == NULL)
        return SH_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* A private copy of len bytes (a valid pointer even when len is 0). */
static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    if (c != NULL && len > 0)
        memcpy(c, p, len);
    return c;
}

/* ---- trace --------------------------------------------------------------- */

static uint64_t node_clock(const lnode *n)
{
    return n->loop->cur == n ? n->t0 + n->charged : n->loop->now;
}

static void tr(sim_loop *l, const lnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append one line "t=<ns> n<id> <text>\n" to the trace. */
static void tr(sim_loop *l, const lnode *n, const char *fmt, ...)
{
    if (!l->cfg.keep_trace || l->trace_oom)
        return;
    char line[512];
    int k = snprintf(line, sizeof line, "t=%" PRIu64 " n%" PRIu32 " ",
                     n ? node_clock(n) : l->now, n ? n->id : UINT32_MAX);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + k, sizeof line - (size_t)k - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)k + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;       /* long log lines are cut, deterministically */
    line[len++] = '\n';
    while (l->trace_len + len + 1 > l->trace_cap) {
        size_t ncap = l->trace_cap ? l->trace_cap * 2 : 4096;
        char *p = realloc(l->trace, ncap);
        if (p == NULL) {
            l->trace_oom = 1;
            return;
        }
        l->trace = p;
        l->trace_cap = ncap;
    }
    memcpy(l->trace + l->trace_len, line, len);
    l->trace_len += len;
    l->trace[l->trace_len] = '\0';
}

/* 8-byte BLAKE2b digest in hex: identifies message bytes in the trace.
 * Only computed when there is a trace (it was 3% of a 64-party DKG's
 * figure in `shroud bench mpc`, which keeps none). */
static void digest_hex(const sim_loop *l, char out[17], const uint8_t *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t h[8];
    if (!l->cfg.keep_trace) {
        out[0] = '\0';
        return;
    }
    crypto_generichash(h, sizeof h, p, len, NULL, 0);
    for (size_t i = 0; i < sizeof h; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[16] = '\0';
}

static void log_sink(void *ctx, sh_log_level level, const char *module, const char *msg)
{
    lnode *n = ctx;
    tr(n->loop, n, "log %s %s: %s", sh_log_level_name(level), module, msg);
}

/* ---- event heap, ordered by (time, seq) --------------------------------- */

static int ev_less(const ev *a, const ev *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Insert e (stamped with the next sequence number).  On failure e.data is
 * NOT freed: the caller still owns it. */
static int heap_push(sim_loop *l, ev e)
{
    if (grow((void **)&l->heap, &l->cap_heap, l->n_heap, sizeof *l->heap) != 0)
        return SH_ERR_NOMEM;
    e.seq = l->seq++;
    size_t i = l->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ev_less(&e, &l->heap[parent]))
            break;
        l->heap[i] = l->heap[parent];
        i = parent;
    }
    l->heap[i] = e;
    return 0;
}

static ev heap_pop(sim_loop *l)
{
    ev top = l->heap[0];
    ev last = l->heap[--l->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= l->n_heap)
            break;
        if (c + 1 < l->n_heap && ev_less(&l->heap[c + 1], &l->heap[c]))
            c++;
        if (!ev_less(&l->heap[c], &last))
            break;
        l->heap[i] = l->heap[c];
        i = c;
    }
    if (l->n_heap > 0)
        l->heap[i] = last;
    return top;
}

/* Queue an input carrying a copy of data. */
static int queue_input(sim_loop *l, ev e, const uint8_t *data, size_t len)
{
    e.data = NULL;
    e.len = len;
    if (e.type == EV_MSG || e.type == EV_REQUEST) {
        e.data = dup_bytes(data, len);
        if (e.data == NULL)
            return SH_ERR_NOMEM;
    }
    int rc = heap_push(l, e);
    if (rc != 0)
        free(e.data);
    return rc;
}

/* ---- the driver ops (ctx is the lnode) ---------------------------------- */

/* Effects are allowed only while the node's own handler runs: the
 * constructor, free and test code calling the driver directly are misuse. */
static int refuse(lnode *n, const char *op, int code)
{
    n->st.misuse++;
    tr(n->loop, n, "misuse %s: %s", op, sh_err_str(code));
    return code;
}

static int in_handler(const lnode *n)
{
    return n->loop->cur == n;
}

/* One copy through the network model: filter, loss, latency, jitter. */
static int net_send(lnode *n, uint32_t to, const uint8_t *msg, size_t len)
{
    sim_loop *l = n->loop;
    uint64_t depart = n->t0 + n->charged;
    char h[17];
    digest_hex(l, h, msg, len);
    n->st.sent++;
    if ((l->cfg.filter != NULL &&
         l->cfg.filter(l->cfg.filter_arg, depart, n->id, to, msg, len)) ||
        (l->cfg.loss > 0 && sh_rng_double(l->net) < l->cfg.loss)) {
        n->st.lost++;
        tr(l, n, "send to=%" PRIu32 " len=%zu h=%s lost", to, len, h);
        return 0;
    }
    uint64_t arrive = depart + l->cfg.latency_ns;
    if (l->cfg.jitter_ns > 0)
        arrive += sh_rng_uniform(l->net, l->cfg.jitter_ns);
    ev e = { .time = arrive, .node = to, .from = n->id, .type = EV_MSG };
    int rc = queue_input(l, e, msg, len);
    if (rc != 0)
        return rc;
    tr(l, n, "send to=%" PRIu32 " len=%zu h=%s arrive=%" PRIu64, to, len, h, arrive);
    return 0;
}

static int op_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    lnode *n = ctx;
    if (!in_handler(n))
        return refuse(n, "send", SH_ERR_STATE);
    if (to >= n->loop->cfg.n_nodes || to == n->id || (msg == NULL && len > 0))
        return refuse(n, "send", SH_ERR_ARG);
    if (len > n->loop->cfg.max_msg)
        return refuse(n, "send", SH_ERR_OVERSIZE);
    return net_send(n, to, msg, len);
}

static int op_broadcast(void *ctx, const uint8_t *msg, size_t len)
{
    lnode *n = ctx;
    if (!in_handler(n))
        return refuse(n, "broadcast", SH_ERR_STATE);
    if (msg == NULL && len > 0)
        return refuse(n, "broadcast", SH_ERR_ARG);
    if (len > n->loop->cfg.max_msg)
        return refuse(n, "broadcast", SH_ERR_OVERSIZE);
    tr(n->loop, n, "broadcast len=%zu", len);
    for (uint32_t p = 0; p < n->loop->cfg.n_nodes; p++) {
        if (p == n->id)
            continue;
        int rc = net_send(n, p, msg, len);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int op_timer_set(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out)
{
    lnode *n = ctx;
    sim_loop *l = n->loop;
    if (!in_handler(n))
        return refuse(n, "timer_set", SH_ERR_STATE);
    if (out == NULL)
        return refuse(n, "timer_set", SH_ERR_ARG);
    *out = SH_TIMER_NONE;
    uint64_t base = n->t0 + n->charged;
    if (delay_ns > UINT64_MAX - base)
        return refuse(n, "timer_set", SH_ERR_RANGE);
    if (grow((void **)&l->timers, &l->cap_timers, l->n_timers, sizeof *l->timers) != 0)
        return SH_ERR_NOMEM;
    sh_timer_id id = (sh_timer_id)l->n_timers + 1;
    ev e = { .time = base + delay_ns, .node = n->id, .type = EV_TIMER,
             .timer = id, .tag = tag };
    int rc = heap_push(l, e);
    if (rc != 0)
        return rc;
    l->timers[l->n_timers++] = (timer_slot){ n->id, TS_PENDING };
    n->st.timers_set++;
    *out = id;
    tr(l, n, "timer set id=%" PRIu64 " tag=%" PRIu64 " at=%" PRIu64, id, tag, e.time);
    return 0;
}

static void op_timer_cancel(void *ctx, sh_timer_id id)
{
    lnode *n = ctx;
    sim_loop *l = n->loop;
    if (!in_handler(n)) {
        (void)refuse(n, "timer_cancel", SH_ERR_STATE);
        return;
    }
    /* Unknown, foreign, fired or already cancelled: a no-op by contract. */
    if (id == SH_TIMER_NONE || id > l->n_timers)
        return;
    timer_slot *s = &l->timers[id - 1];
    if (s->owner != n->id || s->state != TS_PENDING)
        return;
    s->state = TS_DONE;   /* the queued firing is skipped when reached */
    n->st.timers_cancelled++;
    tr(l, n, "timer cancel id=%" PRIu64, id);
}

static int op_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    lnode *n = ctx;
    sim_loop *l = n->loop;
    if (!in_handler(n))
        return refuse(n, "deliver", SH_ERR_STATE);
    if (data == NULL && len > 0)
        return refuse(n, "deliver", SH_ERR_ARG);
    if (grow((void **)&l->res, &l->cap_res, l->n_res, sizeof *l->res) != 0)
        return SH_ERR_NOMEM;
    uint8_t *copy = dup_bytes(data, len);
    if (copy == NULL)
        return SH_ERR_NOMEM;
    uint64_t t = node_clock(n);
    l->res[l->n_res++] = (result_rec){ { n->id, t, kind, copy, len }, copy };
    n->st.results++;
    char h[17];
    digest_hex(l, h, data, len);
    tr(l, n, "result kind=%" PRIu32 " len=%zu h=%s", kind, len, h);
    if (l->cfg.on_deliver != NULL)
        l->cfg.on_deliver(l->cfg.on_deliver_arg, n->id, t, kind, copy, len);
    return 0;
}

static void op_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    lnode *n = ctx;
    if (!in_handler(n)) {
        (void)refuse(n, "reject", SH_ERR_STATE);
        return;
    }
    if (reason == NULL)
        reason = "unspecified";
    n->st.rejects++;
    n->st.last_reject_code = code;
    n->st.last_reject_reason = reason;
    tr(n->loop, n, "reject from=%" PRIu32 " code=%d reason=%s", from, code, reason);
    for (size_t i = 0; i < n->n_rej; i++) {
        if (strcmp(n->rej[i].reason, reason) == 0) {
            n->rej[i].count++;
            return;
        }
    }
    /* Out of memory only loses the per-reason breakdown, not the total. */
    if (grow((void **)&n->rej, &n->cap_rej, n->n_rej, sizeof *n->rej) == 0)
        n->rej[n->n_rej++] = (reject_ctr){ reason, 1 };
}

static uint64_t op_now(void *ctx)
{
    return node_clock(ctx);
}

static uint64_t op_wall(void *ctx)
{
    lnode *n = ctx;
    return n->loop->cfg.wall_origin_ns + node_clock(n);
}

static void op_charge(void *ctx, uint64_t ns)
{
    lnode *n = ctx;
    if (!in_handler(n)) {
        (void)refuse(n, "charge", SH_ERR_STATE);
        return;
    }
    n->charged += ns;
    n->st.cpu_ns += ns;
    tr(n->loop, n, "charge ns=%" PRIu64, ns);
}

/* The configured keys, or test identities: a fixed function of the seed. */
static int op_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    lnode *n = ctx;
    if (peer >= n->loop->cfg.n_nodes)
        return refuse(n, "peer_key", SH_ERR_ARG);
    if (n->loop->cfg.peer_keys != NULL)
        memcpy(out, n->loop->cfg.peer_keys[peer], SH_PEER_KEY_BYTES);
    else
        sh_rng_derive_seed(out, n->loop->cfg.seed, "peer-key", peer);
    return 0;
}

static const sh_driver_ops loop_ops = {
    .send = op_send,
    .broadcast = op_broadcast,
    .timer_set = op_timer_set,
    .timer_cancel = op_timer_cancel,
    .deliver = op_deliver,
    .reject = op_reject,
    .now = op_now,
    .wall = op_wall,
    .charge = op_charge,
    .peer_key = op_peer_key,
};

/* ---- lifecycle ----------------------------------------------------------- */

static void node_down(lnode *n)
{
    sh_proto_free(&n->proto);
    n->up = 0;
}

void sim_loop_free(sim_loop *l)
{
    if (l == NULL)
        return;
    if (l->nodes != NULL) {
        for (uint32_t i = 0; i < l->cfg.n_nodes; i++) {
            lnode *n = &l->nodes[i];
            if (n->up)
                node_down(n);
            sh_rng_free(n->rng);
            free(n->rej);
        }
    }
    for (size_t i = 0; i < l->n_heap; i++)
        free(l->heap[i].data);
    for (size_t i = 0; i < l->n_res; i++)
        free(l->res[i].owned);
    sh_rng_free(l->net);
    free(l->nodes);
    free(l->heap);
    free(l->timers);
    free(l->trace);
    free(l->res);
    free(l);
}

int sim_loop_new(const sim_loop_cfg *cfg, sim_loop **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (cfg == NULL || cfg->n_nodes == 0 || cfg->n_nodes == UINT32_MAX ||
        cfg->factory == NULL || !(cfg->loss >= 0.0 && cfg->loss <= 1.0))
        return SH_ERR_ARG;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    sim_loop *l = calloc(1, sizeof *l);
    if (l == NULL)
        return SH_ERR_NOMEM;
    l->cfg = *cfg;
    if (l->cfg.max_msg == 0)
        l->cfg.max_msg = SIM_LOOP_DEFAULT_MAX_MSG;
    uint8_t seed[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(seed, cfg->seed, "net", 0);
    l->net = sh_rng_chacha_new(seed);
    l->nodes = calloc(cfg->n_nodes, sizeof *l->nodes);
    int rc = (l->net == NULL || l->nodes == NULL) ? SH_ERR_NOMEM : 0;
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++) {
        lnode *n = &l->nodes[i];
        n->loop = l;
        n->id = i;
        sh_rng_derive_seed(seed, cfg->seed, "node", i);
        n->rng = sh_rng_chacha_new(seed);
        if (n->rng == NULL)
            rc = SH_ERR_NOMEM;
        n->log = (sh_log){ cfg->log_level, log_sink, n };
        n->drv = (sh_driver){ &loop_ops, n, n->rng, &n->log, i, cfg->n_nodes };
    }
    sodium_memzero(seed, sizeof seed);
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++) {
        lnode *n = &l->nodes[i];
        l->busy = 1;
        rc = cfg->factory(cfg->factory_arg, i, &n->drv, &n->proto);
        l->busy = 0;
        if (rc == 0 && (n->proto.ops == NULL || n->proto.self == NULL))
            rc = SH_ERR_ARG;
        if (rc == 0)
            n->up = 1;
    }
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++) {
        ev e = { .time = 0, .node = i, .type = EV_START };
        rc = queue_input(l, e, NULL, 0);
    }
    if (rc != 0) {
        sim_loop_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

/* ---- running ------------------------------------------------------------- */

/* Hand one input to its node's handler with the CPU clock set up. */
static void dispatch(sim_loop *l, lnode *n, ev *e)
{
    char h[17];
    int rc = 0;
    n->t0 = e->time;
    n->charged = 0;
    l->cur = n;
    switch (e->type) {
    case EV_START:
        tr(l, n, "start %s", n->proto.ops->name ? n->proto.ops->name : "?");
        rc = sh_proto_start(&n->proto);
        break;
    case EV_MSG:
        digest_hex(l, h, e->data, e->len);
        tr(l, n, "recv from=%" PRIu32 " len=%zu h=%s", e->from, e->len, h);
        n->st.received++;
        rc = sh_proto_message(&n->proto, e->from, e->data, e->len);
        break;
    case EV_TIMER:
        l->timers[e->timer - 1].state = TS_DONE;
        n->st.timers_fired++;
        tr(l, n, "timer fire id=%" PRIu64 " tag=%" PRIu64, e->timer, e->tag);
        rc = sh_proto_timer(&n->proto, e->timer, e->tag);
        break;
    case EV_REQUEST:
        digest_hex(l, h, e->data, e->len);
        tr(l, n, "request kind=%" PRIu32 " len=%zu h=%s", e->kind, e->len, h);
        rc = sh_proto_request(&n->proto, e->kind, e->data, e->len);
        break;
    case EV_STOP:
        tr(l, n, "stop");
        sh_proto_stop(&n->proto);
        break;
    }
    if (rc < 0) {
        n->st.handler_errors++;
        n->st.last_handler_error = rc;
        tr(l, n, "error %d %s", rc, sh_err_str(rc));
    }
    l->cur = NULL;
    if (n->t0 + n->charged > n->busy_until)
        n->busy_until = n->t0 + n->charged;
    if (e->type == EV_STOP)
        node_down(n);   /* no input follows a stop except free */
}

int sim_loop_step(sim_loop *l)
{
    if (l == NULL)
        return SH_ERR_ARG;
    if (l->busy)
        return SH_ERR_STATE;
    if (l->n_heap == 0)
        return 0;
    ev e = heap_pop(l);
    lnode *n = &l->nodes[e.node];
    if (e.type == EV_TIMER && l->timers[e.timer - 1].state != TS_PENDING) {
        /* cancelled: nothing happens, not even the passing of time */
        return 1;
    }
    if (e.time > l->now)
        l->now = e.time;
    if (!n->up) {
        if (e.type == EV_MSG || e.type == EV_REQUEST) {
            n->st.undeliverable++;
            tr(l, n, "down: dropped input from=%" PRIu32 " len=%zu",
               e.type == EV_MSG ? e.from : SH_PEER_NONE, e.len);
        }
    } else if (e.time < n->busy_until) {
        /* The CPU is busy: wait for it, behind inputs already waiting. */
        e.time = n->busy_until;
        if (heap_push(l, e) == 0)
            return 1;   /* cannot fail: the slot just popped is free */
    } else {
        l->busy = 1;
        dispatch(l, n, &e);
        l->busy = 0;
    }
    free(e.data);
    return 1;
}

int sim_loop_run(sim_loop *l, uint64_t until_ns, uint64_t max_events)
{
    if (l == NULL)
        return SH_ERR_ARG;
    if (l->busy)
        return SH_ERR_STATE;
    for (uint64_t done = 0; l->n_heap > 0 && l->heap[0].time <= until_ns; done++) {
        if (done == max_events)
            return SH_ERR_RANGE;
        int rc = sim_loop_step(l);
        if (rc < 0)
            return rc;
    }
    return 0;
}

uint64_t sim_loop_now(const sim_loop *l)
{
    return l ? l->now : 0;
}

size_t sim_loop_pending(const sim_loop *l)
{
    return l ? l->n_heap : 0;
}

int sim_loop_request(sim_loop *l, uint32_t node, uint64_t at, uint32_t kind,
                        const uint8_t *data, size_t len)
{
    if (l == NULL || node >= l->cfg.n_nodes || (data == NULL && len > 0))
        return SH_ERR_ARG;
    if (at < l->now)
        return SH_ERR_RANGE;
    ev e = { .time = at, .node = node, .kind = kind, .type = EV_REQUEST };
    return queue_input(l, e, data, len);
}

int sim_loop_inject(sim_loop *l, uint32_t from, uint32_t to, uint64_t at,
                       const uint8_t *msg, size_t len)
{
    if (l == NULL || from >= l->cfg.n_nodes || to >= l->cfg.n_nodes || from == to ||
        (msg == NULL && len > 0))
        return SH_ERR_ARG;
    if (at < l->now)
        return SH_ERR_RANGE;
    if (len > l->cfg.max_msg)
        return SH_ERR_OVERSIZE;   /* the transport would never deliver it */
    ev e = { .time = at, .node = to, .from = from, .type = EV_MSG };
    return queue_input(l, e, msg, len);
}

int sim_loop_stop(sim_loop *l, uint32_t node, uint64_t at)
{
    if (l == NULL || node >= l->cfg.n_nodes)
        return SH_ERR_ARG;
    if (at < l->now)
        return SH_ERR_RANGE;
    ev e = { .time = at, .node = node, .type = EV_STOP };
    return queue_input(l, e, NULL, 0);
}

int sim_loop_crash(sim_loop *l, uint32_t node)
{
    if (l == NULL || node >= l->cfg.n_nodes)
        return SH_ERR_ARG;
    if (l->busy || !l->nodes[node].up)
        return SH_ERR_STATE;
    tr(l, &l->nodes[node], "crash");
    node_down(&l->nodes[node]);
    return 0;
}

/* ---- inspection ---------------------------------------------------------- */

void *sim_loop_proto(const sim_loop *l, uint32_t node)
{
    if (l == NULL || node >= l->cfg.n_nodes || !l->nodes[node].up)
        return NULL;
    return l->nodes[node].proto.self;
}

const sh_driver *sim_loop_driver(const sim_loop *l, uint32_t node)
{
    if (l == NULL || node >= l->cfg.n_nodes)
        return NULL;
    return &l->nodes[node].drv;
}

int sim_loop_stats_get(const sim_loop *l, uint32_t node, sim_loop_stats *out)
{
    if (l == NULL || out == NULL || node >= l->cfg.n_nodes)
        return SH_ERR_ARG;
    *out = l->nodes[node].st;
    return 0;
}

uint64_t sim_loop_reject_count(const sim_loop *l, uint32_t node, const char *reason)
{
    if (l == NULL || reason == NULL || node >= l->cfg.n_nodes)
        return 0;
    const lnode *n = &l->nodes[node];
    for (size_t i = 0; i < n->n_rej; i++)
        if (strcmp(n->rej[i].reason, reason) == 0)
            return n->rej[i].count;
    return 0;
}

size_t sim_loop_result_count(const sim_loop *l)
{
    return l ? l->n_res : 0;
}

const sim_loop_result *sim_loop_result_at(const sim_loop *l, size_t i)
{
    if (l == NULL || i >= l->n_res)
        return NULL;
    return &l->res[i].pub;
}

size_t sim_loop_count_results(const sim_loop *l, uint32_t node, uint32_t kind)
{
    size_t c = 0;
    for (size_t i = 0; l != NULL && i < l->n_res; i++)
        if ((node == UINT32_MAX || l->res[i].pub.node == node) && l->res[i].pub.kind == kind)
            c++;
    return c;
}

const char *sim_loop_trace(const sim_loop *l, size_t *len)
{
    if (len != NULL)
        *len = 0;
    if (l == NULL || l->trace_oom)
        return NULL;
    if (len != NULL)
        *len = l->trace_len;
    return l->trace ? l->trace : "";
}
