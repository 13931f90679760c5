/* tests/test_sim_engine.c -- the simulator engine: event order and
 * tie-breaking, timers, the CPU model, crash/restart, the example echo
 * protocol and the rumour protocol on the engine, and reproducibility. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/proto_echo.h"
#include "sim/crypto.h"
#include "sim/engine.h"
#include "sim/net.h"
#include "sim/proto_ping.h"
#include "sim/proto_rumor.h"

#define MS 1000000ULL

/* ---- control events: (time, insertion) order ------------------------------- */

typedef struct order_log {
    int seen[16];
    int n;
} order_log;

typedef struct order_arg {
    order_log *log;
    int id;
} order_arg;

static void order_cb(sim_engine *e, void *arg, uint64_t now)
{
    (void)e;
    (void)now;
    order_arg *a = arg;
    a->log->seen[a->log->n++] = a->id;
}

/* A protocol that does nothing: enough to build an engine. */
typedef struct idle { int x; } idle;
static int idle_start(void *s) { (void)s; return 0; }
static int idle_msg(void *s, sh_peer_id f, const uint8_t *m, size_t l)
{ (void)s; (void)f; (void)m; (void)l; return 0; }
static void idle_free(void *s) { free(s); }
static const sh_proto_ops idle_ops = { .name = "idle", .start = idle_start,
                                       .on_message = idle_msg, .free = idle_free };
static int idle_factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *d, sh_proto *out)
{
    (void)arg; (void)node; (void)inc; (void)d;
    out->ops = &idle_ops;
    out->self = calloc(1, sizeof(idle));
    return out->self ? 0 : SH_ERR_NOMEM;
}

Test(sim_engine, ties_break_by_insertion_order)
{
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = 2;
    c.factory = idle_factory;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    order_log log = { { 0 }, 0 };
    uint64_t times[6] = { 5, 3, 5, 1, 3, 0 };
    order_arg args[6];
    for (int i = 0; i < 6; i++) {
        args[i] = (order_arg){ &log, i };
        cr_assert_eq(sim_engine_at(e, times[i] * MS, order_cb, &args[i]), 0);
    }
    cr_assert_eq(sim_engine_run(e, UINT64_MAX, 1000), 0);
    int want[6] = { 5, 3, 1, 4, 0, 2 };
    cr_assert_eq(log.n, 6);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(log.seen[i], want[i], "position %d: %d", i, log.seen[i]);
    cr_assert_eq(sim_engine_now(e), 5 * MS);
    cr_assert_eq(sim_engine_at(e, 1 * MS, order_cb, &args[0]), SH_ERR_RANGE);
    sim_engine_free(e);
}

/* ---- a probe protocol: timers, charges, message arrival times ---------------- */

typedef struct probe {
    const sh_driver *d;
    sh_timer_id cancel_me;
} probe;

typedef struct probe_rec {
    uint32_t node, kind;
    uint64_t time;
    uint64_t val;
} probe_rec;

typedef struct probe_log {
    probe_rec r[256];
    int n;
    int creates;
    uint32_t last_inc;
} probe_log;

static int probe_start(void *s)
{
    probe *p = s;
    sh_timer_id id;
    if (p->d->self != 0)
        return 0;
    /* equal deadlines fire in the order they were set; one is cancelled */
    for (uint64_t tag = 1; tag <= 3; tag++) {
        int rc = sh_drv_timer_set(p->d, 10 * MS, tag, &id);
        if (rc != 0)
            return rc;
        if (tag == 2)
            p->cancel_me = id;
    }
    sh_drv_timer_cancel(p->d, p->cancel_me);
    return sh_drv_timer_set(p->d, 50 * MS, 9, &id);
}

static int probe_msg(void *s, sh_peer_id from, const uint8_t *m, size_t l)
{
    probe *p = s;
    (void)m;
    uint8_t v[8] = { (uint8_t)from, (uint8_t)l };
    sh_drv_charge(p->d, 4 * MS);          /* a 4 ms handler */
    return sh_drv_deliver(p->d, 1, v, sizeof v);
}

static int probe_timer(void *s, sh_timer_id id, uint64_t tag)
{
    probe *p = s;
    (void)id;
    uint8_t v[8] = { (uint8_t)tag };
    if (tag == 9) {
        /* two messages to node 1 at once: the second waits for the CPU */
        uint8_t m[100] = { 0 };
        int rc = sh_drv_send(p->d, 1, m, sizeof m);
        if (rc == 0)
            rc = sh_drv_send(p->d, 1, m, 10);
        if (rc != 0)
            return rc;
    }
    return sh_drv_deliver(p->d, 2, v, sizeof v);
}

static void probe_free(void *s) { free(s); }

static const sh_proto_ops probe_ops = { .name = "probe", .start = probe_start,
                                        .on_message = probe_msg, .on_timer = probe_timer,
                                        .free = probe_free };

static int probe_factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *d, sh_proto *out)
{
    (void)node;
    probe_log *log = arg;
    log->creates++;
    log->last_inc = inc;
    probe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SH_ERR_NOMEM;
    p->d = d;
    out->ops = &probe_ops;
    out->self = p;
    return 0;
}

static void probe_deliver(void *arg, uint32_t node, uint64_t time, uint32_t kind,
                          const uint8_t *data, size_t len)
{
    probe_log *log = arg;
    (void)len;
    log->r[log->n++] = (probe_rec){ node, kind, time, data[0] };
}

static sim_engine *probe_engine(probe_log *log)
{
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = 3;
    c.latency_ns = 20 * MS;
    c.factory = probe_factory;
    c.factory_arg = log;
    c.on_deliver = probe_deliver;
    c.on_deliver_arg = log;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    return e;
}

Test(sim_engine, timers_cancel_and_cpu_model)
{
    probe_log log;
    memset(&log, 0, sizeof log);
    sim_engine *e = probe_engine(&log);
    cr_assert_eq(sim_engine_run(e, UINT64_MAX, 1000), 0);
    /* timers 1 and 3 at 10 ms (2 cancelled), 9 at 50 ms */
    cr_assert_eq(log.n, 5);
    cr_assert(log.r[0].kind == 2 && log.r[0].val == 1 && log.r[0].time == 10 * MS);
    cr_assert(log.r[1].kind == 2 && log.r[1].val == 3 && log.r[1].time == 10 * MS);
    cr_assert(log.r[2].kind == 2 && log.r[2].val == 9 && log.r[2].time == 50 * MS);
    /* both messages arrive at 70 ms; the second waits for the first's 4 ms */
    cr_assert_eq(log.r[3].node, 1);
    cr_assert_eq(log.r[3].time, 74 * MS);
    cr_assert_eq(log.r[4].time, 78 * MS);
    cr_assert_eq(sim_engine_get_totals(e)->timers_cancelled, 1);
    cr_assert_eq(sim_engine_get_totals(e)->requeued_busy, 1);
    cr_assert_eq(sim_engine_node_stats(e, 1)->cpu_ns, 8 * MS);
    sim_engine_free(e);
}

static void crash_cb(sim_engine *e, void *arg, uint64_t now)
{
    (void)now;
    uint32_t *node = arg;
    cr_assert_eq(sim_engine_crash(e, *node), 0);
    cr_assert_eq(sim_engine_crash(e, *node), SH_ERR_STATE);
}

static void restart_cb(sim_engine *e, void *arg, uint64_t now)
{
    (void)now;
    uint32_t *node = arg;
    cr_assert_eq(sim_engine_restart(e, *node), 0);
}

Test(sim_engine, crashed_nodes_get_nothing_and_restart_recreates)
{
    probe_log log;
    memset(&log, 0, sizeof log);
    sim_engine *e = probe_engine(&log);
    uint32_t n0 = 0, n1 = 1;
    /* node 0 crashes at 5 ms: its timers (10 ms, 50 ms) must never fire */
    cr_assert_eq(sim_engine_at(e, 5 * MS, crash_cb, &n0), 0);
    cr_assert_eq(sim_engine_inject(e, 2, 1, 30 * MS, (const uint8_t *)"x", 1), 0);
    cr_assert_eq(sim_engine_at(e, 20 * MS, crash_cb, &n1), 0);   /* 1 down at 30 ms */
    cr_assert_eq(sim_engine_at(e, 40 * MS, restart_cb, &n1), 0);
    cr_assert_eq(sim_engine_inject(e, 2, 1, 45 * MS, (const uint8_t *)"yy", 2), 0);
    cr_assert_eq(sim_engine_run(e, UINT64_MAX, 1000), 0);
    cr_assert_eq(log.n, 1, "only the message after the restart: %d", log.n);
    cr_assert_eq(log.r[0].node, 1);
    cr_assert_eq(log.r[0].time, 49 * MS);
    cr_assert_eq(log.creates, 4);
    cr_assert_eq(log.last_inc, 1);
    cr_assert_eq(sim_engine_node_stats(e, 1)->dropped_down, 1);
    cr_assert_eq(sim_engine_node_stats(e, 0)->timers_fired, 0);
    cr_assert_eq(sim_engine_up_count(e), 2);
    cr_assert_null(sim_engine_proto(e, 0));
    sim_engine_free(e);
}

/* ---- the example protocol: reliable broadcast over the engine --------------- */

static int echo_factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *d, sh_proto *out)
{
    (void)node; (void)inc;
    return proto_echo_new(arg, d, out);
}

static void count_deliver(void *arg, uint32_t node, uint64_t time, uint32_t kind,
                          const uint8_t *data, size_t len)
{
    (void)node; (void)time; (void)data; (void)len;
    size_t *c = arg;
    c[kind]++;
}

Test(sim_engine, echo_protocol_runs_unchanged)
{
    proto_echo_cfg ec = { .rto_ns = 50 * MS, .max_retries = 5, .verify_cost_ns = 1000 };
    size_t counts[8] = { 0 };
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = 20;
    c.latency_ns = 10 * MS;
    c.factory = echo_factory;
    c.factory_arg = &ec;
    c.on_deliver = count_deliver;
    c.on_deliver_arg = counts;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    cr_assert_eq(sim_engine_request(e, 3, 0, PROTO_ECHO_REQ_BCAST, (const uint8_t *)"hi", 2), 0);
    cr_assert_eq(sim_engine_run(e, UINT64_MAX, 100000), 0);
    cr_assert_eq(counts[PROTO_ECHO_RES_RECV], 19);
    cr_assert_eq(counts[PROTO_ECHO_RES_DONE], 1);
    cr_assert_eq(sim_engine_get_totals(e)->misuse, 0);
    sim_engine_free(e);
}

/* ---- rumour on the engine: spreads, and reproducibly ----------------------------- */

typedef struct rumor_env {
    sim_rumor_cfg cfg;
    size_t learned;
    uint64_t digest;
} rumor_env;

static int rumor_factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *d, sh_proto *out)
{
    (void)node; (void)inc;
    rumor_env *r = arg;
    return sim_rumor_new(&r->cfg, d, out);
}

static void rumor_deliver(void *arg, uint32_t node, uint64_t time, uint32_t kind,
                          const uint8_t *data, size_t len)
{
    (void)data; (void)len;
    rumor_env *r = arg;
    if (kind == SIM_RUMOR_RES_LEARNED)
        r->learned++;
    r->digest = (r->digest ^ (time + node * 0x9e3779b97f4a7c15ULL + kind)) * 0x100000001b3ULL;
}

static void run_rumor(uint8_t seed_byte, uint64_t *digest, size_t *learned, uint64_t *events)
{
    rumor_env env;
    memset(&env, 0, sizeof env);
    uint8_t seed[SH_RNG_SEEDBYTES];
    memset(seed, seed_byte, sizeof seed);
    sim_crypto *cr;
    cr_assert_eq(sim_crypto_new(SIM_FIDELITY_FAST, 500, seed, NULL, &cr), 0);
    env.cfg = (sim_rumor_cfg){ .fanout = 5, .view_size = 10, .rumor_bytes = 200,
                               .upkeep_ns = 1000 * MS, .suspect_ns = 3000 * MS,
                               .advertise = 2, .window = 128, .flood_factor = 2,
                               .crypto = cr };
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = 500;
    memcpy(c.seed, seed, sizeof seed);
    c.latency_ns = 30 * MS;
    c.factory = rumor_factory;
    c.factory_arg = &env;
    c.on_deliver = rumor_deliver;
    c.on_deliver_arg = &env;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    uint8_t id[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    cr_assert_eq(sim_engine_request(e, 7, 100 * MS, SIM_RUMOR_REQ_BROADCAST, id, 8), 0);
    cr_assert_eq(sim_engine_run(e, 5000 * MS, 10000000), 0);
    *digest = env.digest;
    *learned = env.learned;
    *events = sim_engine_get_totals(e)->events;
    sim_engine_free(e);
    sim_crypto_free(cr);
}

Test(sim_engine, rumor_spreads_and_is_reproducible)
{
    uint64_t d1, d2, d3, e1, e2, e3;
    size_t l1, l2, l3;
    run_rumor(1, &d1, &l1, &e1);
    run_rumor(1, &d2, &l2, &e2);
    run_rumor(2, &d3, &l3, &e3);
    cr_assert_geq(l1, 480, "learned by %zu of 500", l1);
    cr_assert_eq(d1, d2);
    cr_assert_eq(l1, l2);
    cr_assert_eq(e1, e2);
    cr_assert_neq(d1, d3);
}

Test(sim_engine, full_fidelity_signatures_verify_and_cost_the_same)
{
    uint8_t seed[SH_RNG_SEEDBYTES] = { 9 };
    sim_crypto *full, *fast;
    cr_assert_eq(sim_crypto_new(SIM_FIDELITY_FULL, 4, seed, NULL, &full), 0);
    cr_assert_eq(sim_crypto_new(SIM_FIDELITY_FAST, 4, seed, NULL, &fast), 0);
    uint8_t sig[SIM_SIG_BYTES];
    const uint8_t msg[5] = "hello";
    for (int m = 0; m < 2; m++) {
        sim_crypto *c = m ? full : fast;
        cr_assert_eq(sim_crypto_sign(c, NULL, 2, msg, 5, sig), 0);
        cr_assert_eq(sim_crypto_verify(c, NULL, 2, msg, 5, sig), 0);
        cr_assert_eq(sim_crypto_verify(c, NULL, 1, msg, 5, sig), SH_ERR_VERIFY);
        sig[0] ^= 1;
        cr_assert_eq(sim_crypto_verify(c, NULL, 2, msg, 5, sig), SH_ERR_VERIFY);
    }
    sim_crypto_free(full);
    sim_crypto_free(fast);
}

/* ---- the calendar queue pops in exact (time, key) order ----------------------- */

#include "sim/evq.h"

Test(sim_engine, calendar_queue_matches_total_order)
{
    sim_evq q;
    cr_assert_eq(sim_evq_init(&q), 0);
    uint64_t x = 88172645463325252ULL, key = 0, now = 0;
    sim_ev last = { 0, 0, 0, 0, 0 };
    size_t pushed = 0, popped = 0;
    for (int round = 0; round < 20000; round++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int pushes = (int)(x % 4);
        for (int k = 0; k < pushes; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            uint64_t dt;
            switch (x % 5) {
            case 0: dt = 0; break;                          /* ties with now */
            case 1: dt = x % 1000; break;                   /* same bucket */
            case 2: dt = x % (200 * MS); break;             /* in the ring */
            case 3: dt = 3000 * MS + x % (1000 * MS); break;
            default: dt = 20000 * MS + x % (60000 * MS);    /* beyond the horizon */
            }
            sim_ev v = { now + dt, key++ << 3, 0, 0, 0 };
            cr_assert_eq(sim_evq_push(&q, &v), 0);
            pushed++;
        }
        if (x % 3 != 0 && q.count > 0) {
            uint64_t mt = sim_evq_min_time(&q);
            const sim_ev *top = sim_evq_peek(&q);
            cr_assert_eq(top->time, mt);
            sim_ev v = sim_evq_pop(&q);
            cr_assert(v.time > last.time || (v.time == last.time && v.key > last.key) ||
                      popped == 0, "out of order at %zu", popped);
            last = v;
            now = v.time;
            popped++;
        }
    }
    while (q.count > 0) {
        sim_ev v = sim_evq_pop(&q);
        cr_assert(v.time > last.time || (v.time == last.time && v.key > last.key));
        last = v;
        popped++;
    }
    cr_assert_eq(popped, pushed);
    cr_assert_null(sim_evq_peek(&q));
    sim_evq_destroy(&q);
}

/* ---- payload slab pool: every size class, the malloc'ed sizes, reuse -------- */

typedef struct checker {
    uint64_t got, bad, bytes;
} checker;

static checker g_check;

static uint8_t pattern(size_t len, size_t i)
{
    return (uint8_t)(len * 31u + i * 7u + 1u);
}

static int check_msg(void *s, sh_peer_id f, const uint8_t *m, size_t l)
{
    (void)s;
    (void)f;
    g_check.got++;
    g_check.bytes += l;
    for (size_t i = 0; i < l; i++)
        if (m[i] != pattern(l, i)) {
            g_check.bad++;
            break;
        }
    return 0;
}

static int check_req(void *s, uint32_t kind, const uint8_t *d, size_t l)
{
    (void)kind;
    return check_msg(s, 0, d, l);
}

static const sh_proto_ops check_ops = { .name = "check", .start = idle_start,
                                        .on_message = check_msg,
                                        .on_request = check_req, .free = idle_free };

static int check_factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *d,
                         sh_proto *out)
{
    (void)arg; (void)node; (void)inc; (void)d;
    out->ops = &check_ops;
    out->self = calloc(1, sizeof(idle));
    return out->self ? 0 : SH_ERR_NOMEM;
}

Test(sim_engine, payload_pool_all_sizes_intact_and_reused)
{
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = 3;
    c.factory = check_factory;
    c.latency_ns = 1 * MS;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    static uint8_t buf[20000];
    /* sizes around every class boundary, the pooled maximum and beyond */
    size_t sizes[] = { 0, 1, 7, 8, 9, 23, 24, 25, 100, 503, 504, 505, 1000, 1016, 1017,
                       2040, 2041, 4088, 4089, 8184, 8185, 9000, 20000 };
    size_t ns = sizeof sizes / sizeof sizes[0];
    uint64_t want = 0, want_bytes = 0, last_bytes = 0;
    memset(&g_check, 0, sizeof g_check);
    for (int round = 0; round < 50; round++) {
        uint64_t at = sim_engine_now(e) + 1 * MS;
        for (size_t k = 0; k < ns; k++) {
            size_t l = sizes[(k + (size_t)round) % ns];
            for (size_t i = 0; i < l; i++)
                buf[i] = pattern(l, i);
            /* several copies in flight at once, some sharing a time */
            cr_assert_eq(sim_engine_inject(e, 0, 1, at + k % 3, buf, l), 0);
            cr_assert_eq(sim_engine_inject(e, 2, 1, at + k % 5, buf, l), 0);
            cr_assert_eq(sim_engine_request(e, 2, at + k % 2, 7, buf, l), 0);
            want += 3;
            want_bytes += 3 * l;
            if (round == 49)
                last_bytes += 3 * l;
        }
        /* leave some in the queue at the end: the engine frees them */
        if (round < 49)
            cr_assert_eq(sim_engine_run(e, UINT64_MAX, UINT64_MAX), 0);
    }
    cr_assert_eq(g_check.bad, 0);
    /* everything but the last round's copies arrived, byte-exact */
    cr_assert_eq(g_check.got, want - 3 * ns);
    cr_assert_eq(g_check.bytes, want_bytes - last_bytes);
    cr_assert_eq(sim_engine_pending(e), 3 * ns);
    cr_assert_eq(sim_engine_node_stats(e, 1)->received, sim_engine_get_totals(e)->received);
    sim_engine_free(e);
}

/* ---- the engine benchmark protocol ------------------------------------------ */

static sim_engine *ping_engine(uint32_t n, sim_net **net)
{
    const char *const *names;
    const uint64_t *lat;
    uint32_t nr = sim_net_default_regions(&names, &lat);
    sim_net_cfg nc = { nr, names, lat, NULL, SIM_JITTER_EXPONENTIAL, 2 * MS, 0.5,
                       100000000ULL, 60, 0.0 };
    uint8_t seed[SH_RNG_SEEDBYTES] = { 9 };
    cr_assert_eq(sim_net_new(&nc, n, seed, net), 0);
    static sim_ping_cfg pc = { 1000 * MS, 64 };
    sim_engine_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = n;
    memcpy(c.seed, seed, sizeof seed);
    c.net = *net;
    c.factory = sim_ping_factory;
    c.factory_arg = &pc;
    sim_engine *e;
    cr_assert_eq(sim_engine_new(&c, &e), 0);
    return e;
}

Test(sim_engine, ping_protocol_three_events_per_node_second_reproducible)
{
    uint32_t n = 500;
    sim_net *na, *nb;
    sim_engine *a = ping_engine(n, &na), *b = ping_engine(n, &nb);
    cr_assert_eq(sim_engine_run(a, 10000 * MS, UINT64_MAX), 0);
    /* the same run in small slices, through step as well */
    while (sim_engine_next_time(b) <= 10000 * MS) {
        int rc = sim_engine_run(b, 10000 * MS, 997);
        cr_assert_geq(rc, 0);
        if (rc == 1 && sim_engine_next_time(b) <= 10000 * MS)
            cr_assert_eq(sim_engine_step(b), 1);
    }
    const sim_engine_totals *ta = sim_engine_get_totals(a), *tb = sim_engine_get_totals(b);
    cr_assert_eq(ta->events, tb->events);
    cr_assert_eq(ta->received, tb->received);
    cr_assert_eq(sim_engine_now(a), sim_engine_now(b));
    /* ~10 timers and ~20 messages per node, a start each */
    cr_assert_geq(ta->events, 29ull * n);
    cr_assert_leq(ta->events, 31ull * n + 1);
    uint64_t pings = 0, pongs = 0, back = 0;
    for (uint32_t i = 0; i < n; i++) {
        const sim_ping_stats *sa = sim_ping_stats_of(sim_engine_proto(a, i));
        const sim_ping_stats *sb = sim_ping_stats_of(sim_engine_proto(b, i));
        cr_assert_eq(memcmp(sa, sb, sizeof *sa), 0);
        const sim_node_stats *na_s = sim_engine_node_stats(a, i);
        const sim_node_stats *nb_s = sim_engine_node_stats(b, i);
        cr_assert_eq(memcmp(na_s, nb_s, sizeof *na_s), 0);
        cr_assert_eq(na_s->sent, sa->pings_sent + sa->pongs_sent);
        cr_assert_eq(na_s->bytes_sent, 64 * na_s->sent);
        pings += sa->pings_sent;
        pongs += sa->pongs_sent;
        back += sa->pongs_received;
    }
    cr_assert_eq(pings, ta->timers_fired);
    cr_assert_leq(pongs, pings);
    cr_assert_leq(back, pongs);
    cr_assert_geq(back + 2 * n / 5, pings);    /* only the last ~0.3 s in flight */
    cr_assert_eq(ta->rejects, 0);
    sim_engine_free(a);
    sim_engine_free(b);
    sim_net_free(na);
    sim_net_free(nb);
}
