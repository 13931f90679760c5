/* sim/engine.c -- the simulator's discrete-event engine (see engine.h).
 *
 * Hot path: a calendar queue of 32-byte events (sim/evq.c), refcounted payload blocks,
 * a recycled timer-slot table, and per-node driver contexts.  Nothing here
 * depends on pointer values, wall-clock time or allocation order.
 */
#include "sim/engine.h"
#include "sim/evq.h"
#include "sim/net.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

enum { EV_START = 0, EV_MSG = 1, EV_TIMER = 2, EV_REQUEST = 3, EV_CTRL = 4 };
enum { TS_FREE = 0, TS_PENDING = 1, TS_CANCELLED = 2 };

typedef sim_ev sev;

/* Message bytes shared by every queued copy. */
typedef struct spay {
    uint32_t refs;
    uint32_t len;
    uint8_t data[];
} spay;

typedef struct tslot {
    uint64_t tag;
    uint32_t gen;        /* high half of the timer id */
    uint32_t node;       /* owner; next free slot while TS_FREE */
    uint32_t inc;        /* owner's incarnation */
    uint32_t state;
} tslot;

typedef struct cslot {
    sim_ctrl_fn fn;
    void *arg;           /* next free slot index (as uintptr) while free */
} cslot;

typedef struct enode {
    sh_driver drv;       /* drv.ctx == this enode */
    sh_proto proto;
    sim_engine *eng;
    uint64_t busy_until; /* CPU model: end of the last handler's charge */
    uint32_t id;
    uint32_t inc;        /* instances created so far; current is inc - 1 */
    uint32_t up;
    sim_node_stats st;
} enode;

struct sim_engine {
    sim_engine_cfg cfg;
    enode *nodes;
    uint32_t n_up;
    sim_evq q;
    uint64_t seq;
    uint64_t now;
    tslot *timers;
    uint32_t n_timers, cap_timers, free_timer;   /* free list head, UINT32_MAX: none */
    cslot *ctrls;
    uint32_t n_ctrls, cap_ctrls, free_ctrl;
    enode *cur;          /* node whose handler runs, or NULL */
    uint64_t t0;         /* start of the running handler */
    uint64_t charged;    /* CPU charged so far in it */
    int stepping;        /* inside step (handlers and control callbacks) */
    sh_log plog;         /* prefixing logger handed to protocols */
    sim_engine_totals tot;
};

/* ---- payloads ------------------------------------------------------------ */

static spay *pay_new(const uint8_t *p, size_t len)
{
    spay *b = malloc(sizeof *b + (len ? len : 1));
    if (b == NULL)
        return NULL;
    b->refs = 1;
    b->len = (uint32_t)len;
    if (len > 0)
        memcpy(b->data, p, len);
    return b;
}

static void pay_release(spay *b)
{
    if (b != NULL && --b->refs == 0)
        free(b);
}

/* ---- the event queue (sim/evq.c), ordered by (time, key) ------------------- */

/* Queue an event of `type`, stamped with the next sequence number. */
static int heap_push(sim_engine *e, uint64_t time, unsigned type, uint32_t node,
                     uint32_t aux, uint64_t ref)
{
    sev v = { time, (e->seq << 3) | type, ref, node, aux };
    int rc = sim_evq_push(&e->q, &v);
    if (rc != 0)
        return rc;
    e->seq++;
    if (e->q.count > e->tot.peak_pending)
        e->tot.peak_pending = e->q.count;
    return 0;
}

/* ---- timer and control slots ------------------------------------------------ */

static int timer_alloc(sim_engine *e, uint32_t *slot)
{
    if (e->free_timer != UINT32_MAX) {
        *slot = e->free_timer;
        e->free_timer = e->timers[*slot].node;
        return 0;
    }
    if (e->n_timers == e->cap_timers) {
        if (e->cap_timers >= UINT32_MAX / 2)
            return SH_ERR_NOMEM;
        uint32_t ncap = e->cap_timers ? e->cap_timers * 2 : 1024;
        tslot *t = realloc(e->timers, (size_t)ncap * sizeof *t);
        if (t == NULL)
            return SH_ERR_NOMEM;
        e->timers = t;
        e->cap_timers = ncap;
    }
    *slot = e->n_timers++;
    e->timers[*slot].gen = 0;
    return 0;
}

static void timer_release(sim_engine *e, uint32_t slot)
{
    tslot *s = &e->timers[slot];
    s->state = TS_FREE;
    s->gen++;                   /* the old id can never match again */
    s->node = e->free_timer;
    e->free_timer = slot;
}

/* ---- the driver ops (ctx is the enode) ------------------------------------ */

static int refuse(enode *n, int code)
{
    n->st.misuse++;
    n->eng->tot.misuse++;
    return code;
}

static inline int in_handler(const enode *n)
{
    return n->eng->cur == n;
}

/* One copy of payload b from n to `to` through the network model. */
static int net_send(sim_engine *e, enode *n, uint32_t to, spay *b)
{
    uint64_t depart = e->t0 + e->charged, arrive;
    n->st.sent++;
    n->st.bytes_sent += b->len;
    e->tot.sent++;
    e->tot.bytes_sent += b->len;
    if (e->cfg.net != NULL) {
        if (sim_net_route(e->cfg.net, n->id, to, depart, b->len, &arrive) != 0) {
            n->st.lost++;
            e->tot.lost++;
            return 0;
        }
    } else {
        arrive = depart + e->cfg.latency_ns;
    }
    int rc = heap_push(e, arrive, EV_MSG, to, n->id, (uint64_t)(uintptr_t)b);
    if (rc == 0)
        b->refs++;
    return rc;
}

static int op_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (to >= e->cfg.n_nodes || to == n->id || (msg == NULL && len > 0))
        return refuse(n, SH_ERR_ARG);
    if (len > e->cfg.max_msg)
        return refuse(n, SH_ERR_OVERSIZE);
    spay *b = pay_new(msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = net_send(e, n, to, b);
    pay_release(b);
    return rc;
}

static int op_broadcast(void *ctx, const uint8_t *msg, size_t len)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (msg == NULL && len > 0)
        return refuse(n, SH_ERR_ARG);
    if (len > e->cfg.max_msg)
        return refuse(n, SH_ERR_OVERSIZE);
    spay *b = pay_new(msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = 0;
    for (uint32_t p = 0; rc == 0 && p < e->cfg.n_nodes; p++)
        if (p != n->id)
            rc = net_send(e, n, p, b);
    pay_release(b);
    return rc;
}

static int op_timer_set(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    *out = SH_TIMER_NONE;
    uint64_t base = e->t0 + e->charged;
    if (delay_ns > UINT64_MAX - base)
        return refuse(n, SH_ERR_RANGE);
    uint32_t slot;
    int rc = timer_alloc(e, &slot);
    if (rc != 0)
        return rc;
    tslot *s = &e->timers[slot];
    sh_timer_id id = ((uint64_t)s->gen << 32) | ((uint64_t)slot + 1);
    rc = heap_push(e, base + delay_ns, EV_TIMER, n->id, 0, id);
    if (rc != 0) {
        timer_release(e, slot);
        return rc;
    }
    s->tag = tag;
    s->node = n->id;
    s->inc = n->inc;
    s->state = TS_PENDING;
    e->tot.timers_set++;
    *out = id;
    return 0;
}

static void op_timer_cancel(void *ctx, sh_timer_id id)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n)) {
        (void)refuse(n, SH_ERR_STATE);
        return;
    }
    uint64_t slot = (id & 0xffffffffu);
    if (slot == 0 || slot > e->n_timers)
        return;
    tslot *s = &e->timers[slot - 1];
    /* Unknown, foreign, fired or cancelled: a no-op by contract. */
    if (s->gen != (uint32_t)(id >> 32) || s->state != TS_PENDING ||
        s->node != n->id || s->inc != n->inc)
        return;
    s->state = TS_CANCELLED;    /* its queued firing is skipped when reached */
    e->tot.timers_cancelled++;
}

static int op_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (data == NULL && len > 0)
        return refuse(n, SH_ERR_ARG);
    n->st.results++;
    e->tot.results++;
    if (e->cfg.on_deliver != NULL)
        e->cfg.on_deliver(e->cfg.on_deliver_arg, n->id, e->t0 + e->charged,
                          kind, data, len);
    return 0;
}

static void op_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    enode *n = ctx;
    sim_engine *e = n->eng;
    if (!in_handler(n)) {
        (void)refuse(n, SH_ERR_STATE);
        return;
    }
    n->st.rejects++;
    e->tot.rejects++;
    if (e->cfg.on_reject != NULL)
        e->cfg.on_reject(e->cfg.on_reject_arg, n->id, from, code,
                         reason ? reason : "unspecified");
}

static uint64_t node_clock(const enode *n)
{
    return in_handler(n) ? n->eng->t0 + n->eng->charged : n->eng->now;
}

static uint64_t op_now(void *ctx)
{
    return node_clock(ctx);
}

static uint64_t op_wall(void *ctx)
{
    enode *n = ctx;
    return n->eng->cfg.wall_origin_ns + node_clock(n);
}

static void op_charge(void *ctx, uint64_t ns)
{
    enode *n = ctx;
    if (!in_handler(n)) {
        (void)refuse(n, SH_ERR_STATE);
        return;
    }
    n->eng->charged += ns;
    n->st.cpu_ns += ns;
}

static int op_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    enode *n = ctx;
    if (peer >= n->eng->cfg.n_nodes)
        return refuse(n, SH_ERR_ARG);
    if (n->eng->cfg.peer_keys != NULL)
        memcpy(out, n->eng->cfg.peer_keys[peer], SH_PEER_KEY_BYTES);
    else
        sh_rng_derive_seed(out, n->eng->cfg.seed, "peer-key", peer);
    return 0;
}

static const sh_driver_ops engine_ops = {
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

/* Protocol logs: "t=<s> n<id> msg" to the configured logger. */
static void log_sink(void *ctx, sh_log_level level, const char *module, const char *msg)
{
    sim_engine *e = ctx;
    const sh_log *out = e->cfg.log;
    char line[SH_LOG_MSG_MAX];
    uint64_t t = e->cur ? e->t0 + e->charged : e->now;
    snprintf(line, sizeof line, "t=%" PRIu64 ".%09" PRIu64 " n%" PRIu32 " %s",
             (uint64_t)(t / SIM_NS_PER_S), (uint64_t)(t % SIM_NS_PER_S),
             e->cur ? e->cur->id : UINT32_MAX, msg);
    if (out->sink != NULL)
        out->sink(out->sink_ctx, level, module, line);
}

/* ---- lifecycle ------------------------------------------------------------ */

static void node_free_instance(sim_engine *e, enode *n)
{
    sh_proto_free(&n->proto);
    sh_rng_free(n->drv.rng);
    n->drv.rng = NULL;
    if (n->up) {
        n->up = 0;
        e->n_up--;
    }
}

/* Create the next incarnation of n and queue its start at `at`. */
static int node_create(sim_engine *e, enode *n, uint64_t at)
{
    uint8_t seed[SH_RNG_SEEDBYTES];
    uint32_t inc = n->inc;
    if (inc == 0)
        sh_rng_derive_seed(seed, e->cfg.seed, "node", n->id);
    else
        sh_rng_derive_seed(seed, e->cfg.seed, "node-restart",
                           (uint64_t)n->id << 32 | inc);
    n->drv.rng = sh_rng_chacha_new(seed);
    sodium_memzero(seed, sizeof seed);
    if (n->drv.rng == NULL)
        return SH_ERR_NOMEM;
    n->inc++;
    int rc = e->cfg.factory(e->cfg.factory_arg, n->id, inc, &n->drv, &n->proto);
    if (rc == 0 && (n->proto.ops == NULL || n->proto.self == NULL))
        rc = SH_ERR_ARG;
    if (rc == 0)
        rc = heap_push(e, at, EV_START, n->id, inc, 0);
    if (rc != 0) {
        sh_proto_free(&n->proto);
        sh_rng_free(n->drv.rng);
        n->drv.rng = NULL;
        return rc;
    }
    n->up = 1;
    n->busy_until = at;
    e->n_up++;
    return 0;
}

static void release_payload(const sev *v, void *arg)
{
    (void)arg;
    unsigned type = v->key & 7;
    if (type == EV_MSG || type == EV_REQUEST)
        pay_release((spay *)(uintptr_t)v->ref);
}

void sim_engine_free(sim_engine *e)
{
    if (e == NULL)
        return;
    if (e->nodes != NULL)
        for (uint32_t i = 0; i < e->cfg.n_nodes; i++)
            node_free_instance(e, &e->nodes[i]);
    if (e->q.ring != NULL)
        sim_evq_each(&e->q, release_payload, NULL);
    sim_evq_destroy(&e->q);
    free(e->nodes);
    free(e->timers);
    free(e->ctrls);
    free(e);
}

int sim_engine_new(const sim_engine_cfg *cfg, sim_engine **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (cfg == NULL || cfg->n_nodes == 0 || cfg->n_nodes >= (1u << 31) ||
        cfg->factory == NULL)
        return SH_ERR_ARG;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    sim_engine *e = calloc(1, sizeof *e);
    if (e == NULL)
        return SH_ERR_NOMEM;
    e->cfg = *cfg;
    if (e->cfg.max_msg == 0)
        e->cfg.max_msg = SIM_ENGINE_DEFAULT_MAX_MSG;
    if (e->cfg.max_msg > UINT32_MAX)
        e->cfg.max_msg = UINT32_MAX;
    e->free_timer = UINT32_MAX;
    e->free_ctrl = UINT32_MAX;
    if (sim_evq_init(&e->q) != 0) {
        free(e);
        return SH_ERR_NOMEM;
    }
    e->plog = (sh_log){ cfg->log ? cfg->log->level : SH_LOG_ERR, log_sink, e };
    e->nodes = calloc(cfg->n_nodes, sizeof *e->nodes);
    int rc = e->nodes == NULL ? SH_ERR_NOMEM : 0;
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++) {
        enode *n = &e->nodes[i];
        n->eng = e;
        n->id = i;
        n->drv = (sh_driver){ &engine_ops, n, NULL, cfg->log ? &e->plog : NULL,
                              i, cfg->n_nodes };
    }
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++)
        if (cfg->initially_up == NULL || cfg->initially_up[i])
            rc = node_create(e, &e->nodes[i], 0);
    if (rc != 0) {
        sim_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

/* ---- running --------------------------------------------------------------- */

static void dispatch(sim_engine *e, enode *n, const sev *v)
{
    int rc = 0;
    spay *b;
    e->cur = n;
    e->t0 = v->time;
    e->charged = 0;
    e->tot.handlers++;
    switch (v->key & 7) {
    case EV_START:
        rc = sh_proto_start(&n->proto);
        break;
    case EV_MSG:
        b = (spay *)(uintptr_t)v->ref;
        n->st.received++;
        n->st.bytes_received += b->len;
        e->tot.received++;
        e->tot.bytes_received += b->len;
        rc = sh_proto_message(&n->proto, v->aux, b->data, b->len);
        break;
    case EV_TIMER: {
        uint32_t slot = (uint32_t)(v->ref & 0xffffffffu) - 1;
        uint64_t tag = e->timers[slot].tag;
        timer_release(e, slot);   /* fired: a cancel from now on is a no-op */
        n->st.timers_fired++;
        e->tot.timers_fired++;
        rc = sh_proto_timer(&n->proto, v->ref, tag);
        break;
    }
    case EV_REQUEST:
        b = (spay *)(uintptr_t)v->ref;
        rc = sh_proto_request(&n->proto, v->aux, b->data, b->len);
        break;
    }
    if (rc < 0) {
        n->st.handler_errors++;
        e->tot.handler_errors++;
    }
    e->cur = NULL;
    if (e->t0 + e->charged > n->busy_until)
        n->busy_until = e->t0 + e->charged;
}

int sim_engine_step(sim_engine *e)
{
    if (e == NULL)
        return SH_ERR_ARG;
    if (e->stepping)
        return SH_ERR_STATE;
    if (e->q.count == 0)
        return 0;
    sev v = sim_evq_pop(&e->q);
    unsigned type = v.key & 7;
    if (v.time > e->now)
        e->now = v.time;
    e->tot.events++;
    e->stepping = 1;
    if (type == EV_CTRL) {
        cslot c = e->ctrls[v.ref];
        e->ctrls[v.ref].fn = NULL;
        e->ctrls[v.ref].arg = (void *)(uintptr_t)e->free_ctrl;
        e->free_ctrl = (uint32_t)v.ref;
        c.fn(e, c.arg, v.time);
        e->stepping = 0;
        return 1;
    }
    enode *n = &e->nodes[v.node];
    int live = n->up;
    if (type == EV_TIMER) {
        uint32_t slot = (uint32_t)(v.ref & 0xffffffffu) - 1;
        tslot *s = &e->timers[slot];
        if (s->state != TS_PENDING || s->inc != n->inc || !live) {
            timer_release(e, slot);   /* cancelled, or its instance is gone */
            e->stepping = 0;
            return 1;
        }
    } else if (type == EV_START) {
        live = live && v.aux + 1 == n->inc;
        if (!live) {
            e->stepping = 0;
            return 1;
        }
    } else if (!live) {
        n->st.dropped_down++;
        e->tot.dropped_down++;
        pay_release((spay *)(uintptr_t)v.ref);
        e->stepping = 0;
        return 1;
    }
    if (v.time < n->busy_until) {
        /* The CPU is busy: wait for it, behind inputs already waiting.
         * Cannot fail: the slot just popped is free. */
        e->tot.requeued_busy++;
        int rc = heap_push(e, n->busy_until, type, v.node, v.aux, v.ref);
        e->stepping = 0;
        return rc == 0 ? 1 : rc;
    }
    dispatch(e, n, &v);
    if (type == EV_MSG || type == EV_REQUEST)
        pay_release((spay *)(uintptr_t)v.ref);
    e->stepping = 0;
    return 1;
}

int sim_engine_run(sim_engine *e, uint64_t until_ns, uint64_t max_events)
{
    if (e == NULL)
        return SH_ERR_ARG;
    if (e->stepping)
        return SH_ERR_STATE;
    for (uint64_t done = 0;; done++) {
        const sev *top = sim_evq_peek(&e->q);
        if (top == NULL || top->time > until_ns)
            break;
        if (done == max_events)
            return 1;
        int rc = sim_engine_step(e);
        if (rc < 0)
            return rc;
    }
    return 0;
}

uint64_t sim_engine_now(const sim_engine *e)
{
    return e ? e->now : 0;
}

uint64_t sim_engine_next_time(const sim_engine *e)
{
    return e == NULL ? UINT64_MAX : sim_evq_min_time(&e->q);
}

size_t sim_engine_pending(const sim_engine *e)
{
    return e ? e->q.count : 0;
}

uint32_t sim_engine_nodes(const sim_engine *e)
{
    return e ? e->cfg.n_nodes : 0;
}

/* ---- external inputs and control ----------------------------------------------- */

int sim_engine_request(sim_engine *e, uint32_t node, uint64_t at, uint32_t kind,
                       const uint8_t *data, size_t len)
{
    if (e == NULL || node >= e->cfg.n_nodes || (data == NULL && len > 0) ||
        len > UINT32_MAX)
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    spay *b = pay_new(data, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = heap_push(e, at, EV_REQUEST, node, kind, (uint64_t)(uintptr_t)b);
    if (rc != 0)
        pay_release(b);
    return rc;
}

int sim_engine_inject(sim_engine *e, uint32_t from, uint32_t to, uint64_t at,
                      const uint8_t *msg, size_t len)
{
    if (e == NULL || from >= e->cfg.n_nodes || to >= e->cfg.n_nodes ||
        from == to || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    if (len > e->cfg.max_msg)
        return SH_ERR_OVERSIZE;
    spay *b = pay_new(msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = heap_push(e, at, EV_MSG, to, from, (uint64_t)(uintptr_t)b);
    if (rc != 0)
        pay_release(b);
    return rc;
}

int sim_engine_at(sim_engine *e, uint64_t at, sim_ctrl_fn fn, void *arg)
{
    if (e == NULL || fn == NULL)
        return SH_ERR_ARG;
    if (e->cur != NULL)
        return SH_ERR_STATE;
    if (at < e->now)
        return SH_ERR_RANGE;
    uint32_t slot;
    if (e->free_ctrl != UINT32_MAX) {
        slot = e->free_ctrl;
        e->free_ctrl = (uint32_t)(uintptr_t)e->ctrls[slot].arg;
    } else {
        if (e->n_ctrls == e->cap_ctrls) {
            uint32_t ncap = e->cap_ctrls ? e->cap_ctrls * 2 : 64;
            cslot *c = realloc(e->ctrls, (size_t)ncap * sizeof *c);
            if (c == NULL)
                return SH_ERR_NOMEM;
            e->ctrls = c;
            e->cap_ctrls = ncap;
        }
        slot = e->n_ctrls++;
    }
    int rc = heap_push(e, at, EV_CTRL, 0, 0, slot);
    if (rc != 0) {
        e->ctrls[slot].arg = (void *)(uintptr_t)e->free_ctrl;
        e->free_ctrl = slot;
        return rc;
    }
    e->ctrls[slot] = (cslot){ fn, arg };
    return 0;
}

int sim_engine_crash(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    if (e->cur != NULL || !e->nodes[node].up)
        return SH_ERR_STATE;
    node_free_instance(e, &e->nodes[node]);
    e->tot.crashes++;
    return 0;
}

int sim_engine_stop(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    enode *n = &e->nodes[node];
    if (e->cur != NULL || !n->up)
        return SH_ERR_STATE;
    /* stop runs like a handler at the current time (after any busy CPU). */
    e->cur = n;
    e->t0 = n->busy_until > e->now ? n->busy_until : e->now;
    e->charged = 0;
    sh_proto_stop(&n->proto);
    e->cur = NULL;
    node_free_instance(e, n);
    e->tot.stops++;
    return 0;
}

int sim_engine_restart(sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return SH_ERR_ARG;
    if (e->cur != NULL || e->nodes[node].up)
        return SH_ERR_STATE;
    int rc = node_create(e, &e->nodes[node], e->now);
    if (rc == 0)
        e->tot.restarts++;
    return rc;
}

int sim_engine_is_up(const sim_engine *e, uint32_t node)
{
    return e != NULL && node < e->cfg.n_nodes && e->nodes[node].up;
}

uint32_t sim_engine_up_count(const sim_engine *e)
{
    return e ? e->n_up : 0;
}

/* ---- inspection ---------------------------------------------------------------- */

void *sim_engine_proto(const sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes || !e->nodes[node].up)
        return NULL;
    return e->nodes[node].proto.self;
}

const sim_node_stats *sim_engine_node_stats(const sim_engine *e, uint32_t node)
{
    if (e == NULL || node >= e->cfg.n_nodes)
        return NULL;
    return &e->nodes[node].st;
}

const sim_engine_totals *sim_engine_get_totals(const sim_engine *e)
{
    return e ? &e->tot : NULL;
}

size_t sim_engine_memory(const sim_engine *e)
{
    if (e == NULL)
        return 0;
    return sizeof *e + (size_t)e->cfg.n_nodes * sizeof *e->nodes +
           sim_evq_memory(&e->q) + (size_t)e->cap_timers * sizeof *e->timers +
           (size_t)e->cap_ctrls * sizeof *e->ctrls;
}
