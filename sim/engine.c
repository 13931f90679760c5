/* sim/engine.c -- the simulator's discrete-event engine (see engine.h).
 *
 * Hot path: a calendar queue of 32-byte events (sim/evq.c), refcounted payload
 * blocks from a slab pool (size classes, LIFO free lists: no malloc/free per
 * message), a recycled timer-slot table, and per-node driver contexts packed
 * into two cache lines (128-byte aligned: the driver, the instance and the
 * busy time in the first, the per-event counters in the second; rare counters
 * live in a separate cold array).  The engine pointer is not stored per node:
 * it sits in a header element just before nodes[0] (found from drv.self).
 * While an event is processed, the node state of the next ones is prefetched.
 * Nothing here depends on pointer values, wall-clock time or allocation
 * order.  The types are in sim/engine_impl.h; external inputs, faults and
 * inspection are in sim/engine_control.c.
 */
#include "sim/engine_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
/* ---- payloads ------------------------------------------------------------ */



static void pool_free_all(ppool *p)
{
    for (pchunk *c = p->chunks, *nx; c != NULL; c = nx) {
        nx = c->next;
        UNPOISON(c, PAY_CHUNK);
        free(c);
    }
    memset(p, 0, sizeof *p);
}

static void *pool_get(ppool *p, unsigned c)
{
    size_t sz = class_bytes(c);
    pfree *f = p->free[c];
    if (f != NULL) {
        UNPOISON(f, sz);
        p->free[c] = f->next;
        return f;
    }
    if (p->bump[c] == NULL || (size_t)(p->end[c] - p->bump[c]) < sz) {
        /* a new chunk; the first 64 bytes link it, blocks follow */
        pchunk *k = aligned_alloc(64, PAY_CHUNK);
        if (k == NULL)
            return NULL;
        k->next = p->chunks;
        p->chunks = k;
        p->bytes += PAY_CHUNK;
        p->bump[c] = (uint8_t *)k + 64;
        p->end[c] = (uint8_t *)k + PAY_CHUNK;
        POISON(p->bump[c], PAY_CHUNK - 64);
    }
    void *b = p->bump[c];
    p->bump[c] += sz;
    UNPOISON(b, sz);
    return b;
}

spay *sim_eng_pay_new(sim_engine *e, const uint8_t *src, size_t len)
{
    size_t bytes = sizeof(spay) + (len ? len : 1);
    spay *b = bytes <= PAY_MAX_POOLED ? pool_get(&e->pool, pay_class(bytes)) : malloc(bytes);
    if (b == NULL)
        return NULL;
    b->refs = 1;
    b->len = (uint32_t)len;
    if (len > 0)
        memcpy(b->data, src, len);
    return b;
}


/* ---- the event queue (sim/evq.c), ordered by (time, key) ------------------- */


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
    sim_engine *e = eng_of(n);
    cold_of(e, n)->st.misuse++;
    e->tot.misuse++;
    return code;
}

static inline int in_handler(const enode *n)
{
    return eng_of(n)->cur == n;
}

/* One copy of payload b from n to `to` through the network model. */
static int net_send(sim_engine *e, enode *n, uint32_t to, spay *b)
{
    uint64_t depart = e->t0 + e->charged, arrive;
    n->sent++;
    n->bytes_sent += b->len;
    e->tot.sent++;
    e->tot.bytes_sent += b->len;
    if (e->cfg.net != NULL) {
        if (sim_net_route(e->cfg.net, n->drv.self, to, depart, b->len, &arrive) != 0) {
            cold_of(e, n)->st.lost++;
            e->tot.lost++;
            return 0;
        }
    } else {
        arrive = depart + e->cfg.latency_ns;
    }
    int rc = sim_eng_heap_push(e, arrive, EV_MSG, to, n->drv.self, (uint64_t)(uintptr_t)b);
    if (rc == 0)
        b->refs++;
    return rc;
}

static int op_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (to >= e->cfg.n_nodes || to == n->drv.self || (msg == NULL && len > 0))
        return refuse(n, SH_ERR_ARG);
    if (len > e->cfg.max_msg)
        return refuse(n, SH_ERR_OVERSIZE);
    spay *b = sim_eng_pay_new(e, msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = net_send(e, n, to, b);
    sim_eng_pay_release(e, b);
    return rc;
}

static int op_broadcast(void *ctx, const uint8_t *msg, size_t len)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (msg == NULL && len > 0)
        return refuse(n, SH_ERR_ARG);
    if (len > e->cfg.max_msg)
        return refuse(n, SH_ERR_OVERSIZE);
    spay *b = sim_eng_pay_new(e, msg, len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = 0;
    for (uint32_t p = 0; rc == 0 && p < e->cfg.n_nodes; p++)
        if (p != n->drv.self)
            rc = net_send(e, n, p, b);
    sim_eng_pay_release(e, b);
    return rc;
}

static int op_timer_set(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
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
    rc = sim_eng_heap_push(e, base + delay_ns, EV_TIMER, n->drv.self, 0, id);
    if (rc != 0) {
        timer_release(e, slot);
        return rc;
    }
    s->tag = tag;
    s->node = n->drv.self;
    s->inc = n->inc;
    s->state = TS_PENDING;
    e->tot.timers_set++;
    *out = id;
    return 0;
}

static void op_timer_cancel(void *ctx, sh_timer_id id)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
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
        s->node != n->drv.self || s->inc != n->inc)
        return;
    s->state = TS_CANCELLED;    /* its queued firing is skipped when reached */
    e->tot.timers_cancelled++;
}

static int op_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
    if (!in_handler(n))
        return refuse(n, SH_ERR_STATE);
    if (data == NULL && len > 0)
        return refuse(n, SH_ERR_ARG);
    n->results++;
    e->tot.results++;
    if (e->cfg.on_deliver != NULL)
        e->cfg.on_deliver(e->cfg.on_deliver_arg, n->drv.self, e->t0 + e->charged,
                          kind, data, len);
    return 0;
}

static void op_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    enode *n = ctx;
    sim_engine *e = eng_of(n);
    if (!in_handler(n)) {
        (void)refuse(n, SH_ERR_STATE);
        return;
    }
    cold_of(e, n)->st.rejects++;
    e->tot.rejects++;
    if (e->cfg.on_reject != NULL)
        e->cfg.on_reject(e->cfg.on_reject_arg, n->drv.self, from, code,
                         reason ? reason : "unspecified");
}

static uint64_t node_clock(const enode *n)
{
    const sim_engine *e = eng_of(n);
    return e->cur == n ? e->t0 + e->charged : e->now;
}

static uint64_t op_now(void *ctx)
{
    return node_clock(ctx);
}

static uint64_t op_wall(void *ctx)
{
    enode *n = ctx;
    return eng_of(n)->cfg.wall_origin_ns + node_clock(n);
}

static void op_charge(void *ctx, uint64_t ns)
{
    enode *n = ctx;
    if (!in_handler(n)) {
        (void)refuse(n, SH_ERR_STATE);
        return;
    }
    eng_of(n)->charged += ns;
    n->cpu_ns += ns;
}

static int op_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    enode *n = ctx;
    const sim_engine *e = eng_of(n);
    if (peer >= e->cfg.n_nodes)
        return refuse(n, SH_ERR_ARG);
    if (e->cfg.peer_keys != NULL)
        memcpy(out, e->cfg.peer_keys[peer], SH_PEER_KEY_BYTES);
    else
        sh_rng_derive_seed(out, e->cfg.seed, "peer-key", peer);
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
             e->cur ? e->cur->drv.self : UINT32_MAX, msg);
    if (out->sink != NULL)
        out->sink(out->sink_ctx, level, module, line);
}

/* ---- lifecycle ------------------------------------------------------------ */

void sim_eng_node_free_instance(sim_engine *e, enode *n)
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
int sim_eng_node_create(sim_engine *e, enode *n, uint64_t at)
{
    uint8_t seed[SH_RNG_SEEDBYTES];
    uint32_t inc = n->inc;
    if (inc == 0)
        sh_rng_derive_seed(seed, e->cfg.seed, "node", n->drv.self);
    else
        sh_rng_derive_seed(seed, e->cfg.seed, "node-restart",
                           (uint64_t)n->drv.self << 32 | inc);
    n->drv.rng = sh_rng_chacha_new(seed);
    sodium_memzero(seed, sizeof seed);
    if (n->drv.rng == NULL)
        return SH_ERR_NOMEM;
    n->inc++;
    int rc = e->cfg.factory(e->cfg.factory_arg, n->drv.self, inc, &n->drv, &n->proto);
    if (rc == 0 && (n->proto.ops == NULL || n->proto.self == NULL))
        rc = SH_ERR_ARG;
    if (rc == 0)
        rc = sim_eng_heap_push(e, at, EV_START, n->drv.self, inc, 0);
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
    unsigned type = v->key & 7;
    if (type == EV_MSG || type == EV_REQUEST)
        sim_eng_pay_release(arg, (spay *)(uintptr_t)v->ref);
}

void sim_engine_free(sim_engine *e)
{
    if (e == NULL)
        return;
    if (e->nodes != NULL)
        for (uint32_t i = 0; i < e->cfg.n_nodes; i++)
            sim_eng_node_free_instance(e, &e->nodes[i]);
    if (e->q.ring != NULL)
        sim_evq_each(&e->q, release_payload, e);
    sim_evq_destroy(&e->q);
    pool_free_all(&e->pool);
    free(e->node_block);
    free(e->cold);
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
    size_t nb = ((size_t)cfg->n_nodes + 1) * sizeof(enode);
    e->node_block = aligned_alloc(128, nb);
    e->cold = calloc(cfg->n_nodes, sizeof *e->cold);
    int rc = (e->node_block == NULL || e->cold == NULL) ? SH_ERR_NOMEM : 0;
    if (rc == 0) {
        memset(e->node_block, 0, nb);
        e->node_block[0].drv.ctx = e;        /* the header: see eng_of */
        e->nodes = e->node_block + 1;
    }
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++) {
        enode *n = &e->nodes[i];
        n->drv = (sh_driver){ &engine_ops, n, NULL, cfg->log ? &e->plog : NULL,
                              i, cfg->n_nodes };
    }
    for (uint32_t i = 0; rc == 0 && i < cfg->n_nodes; i++)
        if (cfg->initially_up == NULL || cfg->initially_up[i])
            rc = sim_eng_node_create(e, &e->nodes[i], 0);
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
        n->received++;
        n->bytes_received += b->len;
        e->tot.received++;
        e->tot.bytes_received += b->len;
        rc = sh_proto_message(&n->proto, v->aux, b->data, b->len);
        break;
    case EV_TIMER: {
        uint32_t slot = (uint32_t)(v->ref & 0xffffffffu) - 1;
        uint64_t tag = e->timers[slot].tag;
        timer_release(e, slot);   /* fired: a cancel from now on is a no-op */
        n->timers_fired++;
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
        cold_of(e, n)->st.handler_errors++;
        e->tot.handler_errors++;
    }
    e->cur = NULL;
    if (e->t0 + e->charged > n->busy_until)
        n->busy_until = e->t0 + e->charged;
}

/* Warm the caches for the next events while this one runs: the node of
 * the next event (both lines), its instance, RNG, payload or timer slot and
 * uplink; and the first line of the nodes of the next event's possible
 * successors (the children of the active heap's root). */
static inline void prefetch_next(sim_engine *e)
{
    const sim_evheap *h = &e->q.active;
    if (h->n == 0)
        return;
    const sev *v = &h->a[0];
    unsigned type = v->key & 7;
    if (type == EV_CTRL)
        return;
    const enode *n = &e->nodes[v->node];
    PREFETCHW(n);
    PREFETCHW((const uint8_t *)n + 64);
    if (type == EV_MSG || type == EV_REQUEST)
        PREFETCHW((const void *)(uintptr_t)v->ref);
    else if (type == EV_TIMER)
        PREFETCHW(&e->timers[(uint32_t)(v->ref & 0xffffffffu) - 1]);
    if (n->proto.self != NULL)
        PREFETCHW(n->proto.self);
    if (n->drv.rng != NULL)
        PREFETCH(n->drv.rng);
    if (e->cfg.net != NULL)
        sim_net_prefetch(e->cfg.net, v->node);
    size_t end = h->n < 5 ? h->n : 5;
    for (size_t i = 1; i < end; i++)
        PREFETCHW(&e->nodes[h->a[i].node]);
}

/* Process one popped event (the queue was not empty). */
static int step_event(sim_engine *e)
{
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
    prefetch_next(e);
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
        cold_of(e, n)->st.dropped_down++;
        e->tot.dropped_down++;
        sim_eng_pay_release(e, (spay *)(uintptr_t)v.ref);
        e->stepping = 0;
        return 1;
    }
    if (v.time < n->busy_until) {
        /* The CPU is busy: wait for it, behind inputs already waiting.
         * Cannot fail: the slot just popped is free. */
        e->tot.requeued_busy++;
        int rc = sim_eng_heap_push(e, n->busy_until, type, v.node, v.aux, v.ref);
        e->stepping = 0;
        return rc == 0 ? 1 : rc;
    }
    dispatch(e, n, &v);
    if (type == EV_MSG || type == EV_REQUEST)
        sim_eng_pay_release(e, (spay *)(uintptr_t)v.ref);
    e->stepping = 0;
    return 1;
}

int sim_engine_step(sim_engine *e)
{
    if (e == NULL)
        return SH_ERR_ARG;
    if (e->stepping)
        return SH_ERR_STATE;
    if (e->q.count == 0)
        return 0;
    return step_event(e);
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
        int rc = step_event(e);
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
