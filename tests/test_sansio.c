/* tests/test_sansio.c -- the sans-IO interface and the test loop driver.
 *
 * Suites: `api` checks the sh_drv_* / sh_proto_* wrappers against a fake
 * driver; `loop` checks the driver contract (timer order, cancel, misuse,
 * re-entrancy, CPU charge, crash, stop) with a probe protocol whose local
 * requests run test code inside a handler.  tests/test_sansio_echo.c runs
 * the example protocol on the loop.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shroud/sansio.h"
#include "sim/loop.h"

#define MS 1000000ULL

static sim_loop_cfg base_cfg(uint32_t n, uint8_t seed_byte)
{
    sim_loop_cfg c;
    memset(&c, 0, sizeof c);
    c.n_nodes = n;
    memset(c.seed, seed_byte, sizeof c.seed);
    c.latency_ns = 1 * MS;
    c.log_level = SH_LOG_DEBUG;
    c.keep_trace = 1;
    return c;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ======================================================================
 * api: the wrappers, against a fake driver that records what reaches it
 * ====================================================================== */

typedef struct fake {
    int sends;
    sh_peer_id sent_to[8];
    int cancels;
    int rejects;
    int last_code;
    const char *last_reason;
    int zero_timer;          /* timer_set "succeeds" with id 0 (a driver bug) */
    char logged[128];
} fake;

static int fake_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    fake *f = ctx;
    (void)msg;
    (void)len;
    if (f->sends < 8)
        f->sent_to[f->sends] = to;
    f->sends++;
    return 0;
}

static int fake_timer_set(void *ctx, uint64_t delay, uint64_t tag, sh_timer_id *out)
{
    fake *f = ctx;
    (void)delay;
    *out = f->zero_timer ? 0 : tag + 1;
    return 0;
}

static void fake_cancel(void *ctx, sh_timer_id id)
{
    (void)id;
    ((fake *)ctx)->cancels++;
}

static void fake_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    fake *f = ctx;
    (void)from;
    f->rejects++;
    f->last_code = code;
    f->last_reason = reason;
}

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return 42;
}

static void fake_sink(void *ctx, sh_log_level level, const char *module, const char *msg)
{
    fake *f = ctx;
    snprintf(f->logged, sizeof f->logged, "%d %s %s", (int)level, module, msg);
}

/* Only the mandatory ops: every optional one is NULL. */
static const sh_driver_ops fake_ops = {
    .send = fake_send,
    .timer_set = fake_timer_set,
    .timer_cancel = fake_cancel,
    .reject = fake_reject,
    .now = fake_now,
};

Test(api, helpers_validate_before_reaching_the_driver)
{
    fake f = { 0 };
    sh_driver d = { &fake_ops, &f, NULL, NULL, 1, 4 };
    uint8_t b[4] = { 1, 2, 3, 4 };
    cr_assert_eq(sh_drv_send(&d, 4, b, 4), SH_ERR_ARG);
    cr_assert_eq(sh_drv_send(&d, 1, b, 4), SH_ERR_ARG, "send to self");
    cr_assert_eq(sh_drv_send(&d, SH_PEER_NONE, b, 4), SH_ERR_ARG);
    cr_assert_eq(sh_drv_send(&d, 2, NULL, 4), SH_ERR_ARG);
    cr_assert_eq(sh_drv_send(NULL, 2, b, 4), SH_ERR_ARG);
    cr_assert_eq(f.sends, 0, "invalid sends must not reach the driver");
    cr_assert_eq(sh_drv_send(&d, 2, NULL, 0), 0, "an empty message is allowed");
    cr_assert_eq(sh_drv_send(&d, 3, b, 4), 0);
    cr_assert_eq(f.sends, 2);

    sh_timer_id t = 99;
    cr_assert_eq(sh_drv_timer_set(&d, 5, 0, NULL), SH_ERR_ARG);
    cr_assert_eq(sh_drv_timer_set(&d, 5, 6, &t), 0);
    cr_assert_eq(t, 7);
    f.zero_timer = 1;
    cr_assert_eq(sh_drv_timer_set(&d, 5, 6, &t), SH_ERR_INTERNAL, "timer id 0 is a driver bug");
    cr_assert_eq(t, SH_TIMER_NONE);
    sh_drv_timer_cancel(&d, SH_TIMER_NONE);
    cr_assert_eq(f.cancels, 0, "cancelling SH_TIMER_NONE never reaches the driver");
    sh_drv_timer_cancel(&d, 7);
    cr_assert_eq(f.cancels, 1);

    cr_assert_eq(sh_drv_deliver(&d, 1, b, 4), SH_ERR_ARG, "no deliver op");
    cr_assert_eq(sh_drv_reject(&d, 2, SH_ERR_TYPE, "x: y"), 0);
    cr_assert_eq(f.last_code, SH_ERR_TYPE);
    cr_assert_str_eq(f.last_reason, "x: y");
    cr_assert_eq(sh_drv_reject(&d, 2, 0, NULL), 0);
    cr_assert_eq(f.last_code, SH_ERR_INTERNAL, "a rejection always carries an error");
    cr_assert_str_eq(f.last_reason, "unspecified");
    cr_assert_eq(f.rejects, 2);
}

Test(api, optional_driver_ops_have_documented_defaults)
{
    fake f = { 0 };
    sh_log log = { SH_LOG_INFO, fake_sink, &f };
    sh_driver d = { &fake_ops, &f, NULL, &log, 1, 4 };
    uint8_t b[2] = { 9, 9 };
    /* broadcast falls back to send, in id order, skipping self */
    cr_assert_eq(sh_drv_broadcast(&d, b, 2), 0);
    cr_assert_eq(f.sends, 3);
    cr_assert_eq(f.sent_to[0], 0);
    cr_assert_eq(f.sent_to[1], 2);
    cr_assert_eq(f.sent_to[2], 3);
    cr_assert_eq(sh_drv_broadcast(&d, NULL, 2), SH_ERR_ARG);
    /* a node outside the set broadcasts to all of it */
    d.self = SH_PEER_NONE;
    cr_assert_eq(sh_drv_broadcast(&d, b, 2), 0);
    cr_assert_eq(f.sends, 7);
    d.self = 1;

    cr_assert_eq(sh_drv_now(&d), 42);
    cr_assert_eq(sh_drv_wall(&d), 42, "wall falls back to now");
    sh_drv_charge(&d, 1000);   /* no charge op: ignored */
    uint8_t key[SH_PEER_KEY_BYTES];
    cr_assert_eq(sh_drv_peer_key(&d, 0, key), SH_ERR_STATE);
    cr_assert_eq(sh_drv_peer_key(&d, 4, key), SH_ERR_ARG);

    sh_drv_log(&d, SH_LOG_DEBUG, "t", "dropped %d", 1);
    cr_assert_str_eq(f.logged, "", "below the level: dropped");
    sh_drv_log(&d, SH_LOG_WARN, "t", "kept %d", 2);
    cr_assert_str_eq(f.logged, "3 t kept 2");
    d.log = NULL;
    sh_drv_log(&d, SH_LOG_ERR, "t", "nowhere");   /* must not crash */
}

static int minimal_started;
static int minimal_start(void *self)
{
    (void)self;
    minimal_started++;
    return 0;
}
static int minimal_msg(void *self, sh_peer_id from, const uint8_t *m, size_t len)
{
    (void)self;
    (void)from;
    (void)m;
    return (int)len == 3 ? SH_ERR_NOMEM : 0;
}
static int minimal_freed;
static void minimal_free(void *self)
{
    (void)self;
    minimal_freed++;
}

Test(api, proto_wrappers_handle_optional_handlers)
{
    static const sh_proto_ops ops = { .name = "min", .start = minimal_start,
                                      .on_message = minimal_msg, .free = minimal_free };
    int dummy;
    sh_proto p = { &ops, &dummy };
    uint8_t b[3] = { 0 };
    cr_assert_eq(sh_proto_start(&p), 0);
    cr_assert_eq(minimal_started, 1);
    cr_assert_eq(sh_proto_message(&p, 0, b, 2), 0);
    cr_assert_eq(sh_proto_message(&p, 0, b, 3), SH_ERR_NOMEM, "handler errors pass through");
    cr_assert_eq(sh_proto_message(&p, 0, NULL, 3), SH_ERR_ARG);
    cr_assert_eq(sh_proto_timer(&p, 1, 0), SH_ERR_STATE, "no on_timer: it set no timer");
    cr_assert_eq(sh_proto_timer(&p, SH_TIMER_NONE, 0), SH_ERR_ARG);
    cr_assert_eq(sh_proto_request(&p, 1, b, 1), SH_ERR_ARG, "no on_request");
    sh_proto_stop(&p);   /* no stop: no-op */
    sh_proto_free(&p);
    cr_assert_eq(minimal_freed, 1);
    cr_assert_null(p.self);
    sh_proto_free(&p);
    sh_proto_free(NULL);
    cr_assert_eq(minimal_freed, 1, "free is idempotent");
    cr_assert_eq(sh_proto_start(&p), SH_ERR_ARG, "a freed instance takes no input");
}

/* ======================================================================
 * loop: the driver contract, with a probe protocol
 * ====================================================================== */

#define RES_MSG 100      /* data: u32be from | bytes */
#define RES_TIMER 101    /* data: u64 id | u64 tag (native order) */
#define HOOK_TIMER 0xffff0001u

typedef struct probe {
    const sh_driver *d;
} probe;

/* Test code that runs inside a probe handler: for each local request, and
 * with kind HOOK_TIMER (data: the tag) before each timer result. */
typedef void (*probe_hook_fn)(const sh_driver *d, uint32_t kind, const uint8_t *data,
                              size_t len);
static probe_hook_fn hook;
static int stop_calls;
static int ctor_misbehave;   /* make the probe's constructor try a send */
static int ctor_send_rc;

static int probe_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    probe *p = self;
    uint8_t *b = malloc(4 + len);
    cr_assert_not_null(b);
    b[0] = (uint8_t)(from >> 24);
    b[1] = (uint8_t)(from >> 16);
    b[2] = (uint8_t)(from >> 8);
    b[3] = (uint8_t)from;
    if (len)
        memcpy(b + 4, msg, len);
    int rc = sh_drv_deliver(p->d, RES_MSG, b, 4 + len);
    free(b);
    return rc;
}

static int probe_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    probe *p = self;
    if (hook)
        hook(p->d, HOOK_TIMER, (const uint8_t *)&tag, sizeof tag);
    uint64_t v[2] = { id, tag };
    return sh_drv_deliver(p->d, RES_TIMER, (const uint8_t *)v, sizeof v);
}

static int probe_on_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    probe *p = self;
    if (hook)
        hook(p->d, kind, data, len);
    return 0;
}

static void probe_stop(void *self)
{
    (void)self;
    stop_calls++;
}

static void probe_free(void *self)
{
    free(self);
}

static const sh_proto_ops probe_ops = {
    .name = "probe",
    .on_message = probe_on_message,
    .on_timer = probe_on_timer,
    .on_request = probe_on_request,
    .stop = probe_stop,
    .free = probe_free,
};

static int probe_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    (void)arg;
    (void)node;
    probe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SH_ERR_NOMEM;
    p->d = d;
    /* Effects are not allowed before start: the loop must refuse this. */
    if (ctor_misbehave)
        ctor_send_rc = sh_drv_send(d, (d->self + 1) % d->n_peers, (const uint8_t *)"x", 1);
    *out = (sh_proto){ &probe_ops, p };
    return 0;
}

static sim_loop *probe_loop(sim_loop_cfg *c)
{
    c->factory = probe_factory;
    sim_loop *l = NULL;
    cr_assert_eq(sim_loop_new(c, &l), 0);
    return l;
}

static void run_all(sim_loop *l)
{
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 10000000), 0);
    cr_assert_eq(sim_loop_pending(l), 0);
}

/* The i-th RES_TIMER result overall: its tag and time. */
static void timer_result(const sim_loop *l, size_t i, uint64_t *tag, uint64_t *time)
{
    size_t seen = 0;
    for (size_t k = 0; k < sim_loop_result_count(l); k++) {
        const sim_loop_result *r = sim_loop_result_at(l, k);
        if (r->kind != RES_TIMER)
            continue;
        if (seen++ == i) {
            uint64_t v[2];
            memcpy(v, r->data, sizeof v);
            *tag = v[1];
            *time = r->time;
            return;
        }
    }
    cr_assert_fail("timer result %zu missing", i);
}

static sh_timer_id ids[8];

static void hook_order(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    if (kind != 1)
        return;
    static const uint64_t delay[4] = { 30, 10, 20, 10 };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(sh_drv_timer_set(d, delay[i], (uint64_t)i + 1, &ids[i]), 0);
}

Test(loop, timers_fire_by_deadline_then_by_order_set)
{
    hook = hook_order;
    sim_loop_cfg c = base_cfg(2, 1);
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 1000, 1, NULL, 0), 0);
    run_all(l);
    for (int i = 0; i < 4; i++) {
        cr_assert_neq(ids[i], SH_TIMER_NONE);
        for (int j = 0; j < i; j++)
            cr_assert_neq(ids[i], ids[j], "timer ids are unique");
    }
    static const uint64_t want_tag[4] = { 2, 4, 3, 1 };
    static const uint64_t want_time[4] = { 1010, 1010, 1020, 1030 };
    for (size_t i = 0; i < 4; i++) {
        uint64_t tag, t;
        timer_result(l, i, &tag, &t);
        cr_assert_eq(tag, want_tag[i], "firing %zu: tag %lu", i, (unsigned long)tag);
        cr_assert_eq(t, want_time[i]);
    }
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.timers_set, 4);
    cr_assert_eq(st.timers_fired, 4);
    sim_loop_free(l);
}

static void hook_cancel(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)len;
    sh_timer_id t;
    switch (kind) {
    case 1:   /* A, B, C; cancel B (twice), and ids that are not ours */
        cr_assert_eq(sh_drv_timer_set(d, 10, 1, &ids[0]), 0);
        cr_assert_eq(sh_drv_timer_set(d, 20, 2, &ids[1]), 0);
        cr_assert_eq(sh_drv_timer_set(d, 30, 3, &ids[2]), 0);
        sh_drv_timer_cancel(d, ids[1]);
        sh_drv_timer_cancel(d, ids[1]);
        sh_drv_timer_cancel(d, SH_TIMER_NONE);
        sh_drv_timer_cancel(d, 123456);
        break;
    case 2:   /* A has fired: cancelling it is a no-op */
        sh_drv_timer_cancel(d, ids[0]);
        break;
    case 3:   /* X and Y due at the same instant; X's handler cancels Y */
        cr_assert_eq(sh_drv_timer_set(d, 10, 7, &ids[3]), 0);
        cr_assert_eq(sh_drv_timer_set(d, 10, 8, &ids[4]), 0);
        break;
    case 4:   /* another node's timer: not ours to cancel */
        sh_drv_timer_cancel(d, ids[5]);
        break;
    case 5:
        cr_assert_eq(sh_drv_timer_set(d, 50, 9, &ids[5]), 0);
        break;
    case HOOK_TIMER: {
        uint64_t tag;
        memcpy(&tag, data, sizeof tag);
        if (tag == 7) {
            sh_drv_timer_cancel(d, ids[4]);
            /* a timer set from a timer handler works */
            cr_assert_eq(sh_drv_timer_set(d, 0, 10, &t), 0);
        }
        break;
    }
    default:
        break;
    }
}

Test(loop, cancel_semantics)
{
    hook = hook_cancel;
    sim_loop_cfg c = base_cfg(2, 1);
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    cr_assert_eq(sim_loop_request(l, 0, 100, 2, NULL, 0), 0);
    cr_assert_eq(sim_loop_request(l, 0, 200, 3, NULL, 0), 0);
    cr_assert_eq(sim_loop_request(l, 1, 300, 5, NULL, 0), 0);
    cr_assert_eq(sim_loop_request(l, 0, 310, 4, NULL, 0), 0);
    run_all(l);
    uint64_t tags[5], times[5];
    for (size_t i = 0; i < 5; i++)
        timer_result(l, i, &tags[i], &times[i]);
    cr_assert_eq(tags[0], 1);
    cr_assert_eq(tags[1], 3, "B was cancelled");
    cr_assert_eq(tags[2], 7);
    cr_assert_eq(tags[3], 10, "Y, due at the same instant as X, never fires once cancelled");
    cr_assert_eq(times[3], 210, "a zero delay fires at the same instant, after what is queued");
    cr_assert_eq(tags[4], 9, "node 0 cannot cancel node 1's timer");
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, RES_TIMER), 5);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.timers_cancelled, 2, "only B and Y were live when cancelled");
    cr_assert_eq(st.misuse, 0, "cancelling a dead or unknown timer is not misuse");
    sim_loop_free(l);
}

static int codes[16];

static void hook_misuse(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    if (kind != 1)
        return;
    uint8_t big[65] = { 0 };
    sh_timer_id t;
    uint8_t key[SH_PEER_KEY_BYTES];
    codes[0] = sh_drv_send(d, 3, big, 1);
    codes[1] = sh_drv_send(d, d->self, big, 1);
    codes[2] = sh_drv_send(d, SH_PEER_NONE, big, 1);
    codes[3] = sh_drv_send(d, 1, NULL, 5);
    codes[4] = sh_drv_send(d, 1, big, sizeof big);          /* over max_msg */
    codes[5] = sh_drv_broadcast(d, big, sizeof big);
    codes[6] = sh_drv_timer_set(d, 1, 0, NULL);
    codes[7] = sh_drv_timer_set(d, UINT64_MAX, 0, &t);     /* deadline overflows */
    codes[8] = sh_drv_deliver(d, 1, NULL, 3);
    /* the driver itself refuses, even when the helpers are bypassed */
    codes[9] = d->ops->send(d->ctx, 3, big, 1);
    codes[10] = d->ops->send(d->ctx, d->self, big, 1);
    codes[11] = sh_drv_peer_key(d, 3, key);
    codes[12] = sh_drv_send(d, 1, big, 64);                 /* at the limit: fine */
    codes[13] = sh_drv_peer_key(d, 2, key);
}

Test(loop, driver_refuses_misuse)
{
    hook = hook_misuse;
    ctor_misbehave = 1;
    sim_loop_cfg c = base_cfg(3, 1);
    c.max_msg = 64;
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(ctor_send_rc, SH_ERR_STATE, "no effects from a constructor");
    /* at t > 0, so that a delay of UINT64_MAX overflows the deadline */
    cr_assert_eq(sim_loop_request(l, 0, 5, 1, NULL, 0), 0);
    run_all(l);
    static const int want[14] = { SH_ERR_ARG, SH_ERR_ARG, SH_ERR_ARG, SH_ERR_ARG,
                                  SH_ERR_OVERSIZE, SH_ERR_OVERSIZE, SH_ERR_ARG,
                                  SH_ERR_RANGE, SH_ERR_ARG, SH_ERR_ARG, SH_ERR_ARG,
                                  SH_ERR_ARG, 0, 0 };
    for (int i = 0; i < 14; i++)
        cr_assert_eq(codes[i], want[i], "call %d: got %d, want %d", i, codes[i], want[i]);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    /* constructor send + the five calls that reached the driver */
    cr_assert_eq(st.misuse, 6);
    cr_assert_eq(st.sent, 1, "only the valid send went out");
    cr_assert_eq(sim_loop_count_results(l, 1, RES_MSG), 1);

    /* Test code calling a node's driver directly is outside any handler. */
    const sh_driver *d = sim_loop_driver(l, 0);
    sh_timer_id t;
    cr_assert_eq(sh_drv_send(d, 1, (const uint8_t *)"x", 1), SH_ERR_STATE);
    cr_assert_eq(sh_drv_timer_set(d, 1, 1, &t), SH_ERR_STATE);
    cr_assert_eq(sh_drv_deliver(d, 1, NULL, 0), SH_ERR_STATE);
    sh_drv_timer_cancel(d, 1);
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.misuse, 10);
    cr_assert_eq(sim_loop_pending(l), 0, "refused calls queued nothing");
    sim_loop_free(l);
}

static sim_loop *cur_loop;
static uint64_t seen_received = 99;
static size_t seen_results = 99;

static void hook_queue(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    if (kind != 1)
        return;
    cr_assert_eq(sh_drv_send(d, 1, (const uint8_t *)"hi", 2), 0);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(cur_loop, 1, &st), 0);
    seen_received = st.received;
    seen_results = sim_loop_result_count(cur_loop);
}

Test(loop, sends_are_queued_never_recursive)
{
    hook = hook_queue;
    sim_loop_cfg c = base_cfg(2, 1);
    c.latency_ns = 0;   /* even with zero latency, delivery waits its turn */
    sim_loop *l = probe_loop(&c);
    cur_loop = l;
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    run_all(l);
    cr_assert_eq(seen_received, 0, "the peer ran inside the sender's handler");
    cr_assert_eq(seen_results, 0);
    cr_assert_eq(sim_loop_result_count(l), 1);
    const sim_loop_result *r = sim_loop_result_at(l, 0);
    cr_assert_eq(r->node, 1);
    cr_assert_eq(r->kind, RES_MSG);
    cr_assert_eq(r->len, 6);
    cr_assert_eq(be32(r->data), 0, "from node 0");
    cr_assert_eq(memcmp(r->data + 4, "hi", 2), 0);
    cr_assert_null(sim_loop_result_at(l, 1));
    sim_loop_free(l);
}


static int reentry_rc[4] = { 1, 1, 1, 1 };
static int reentry_calls;

/* arg points at the slot holding the loop (unknown until it is built). */
static void deliver_reenter(void *arg, uint32_t node, uint64_t time, uint32_t kind,
                            const uint8_t *data, size_t len)
{
    sim_loop *l = *(sim_loop **)arg;
    (void)node;
    (void)data;
    (void)len;
    if (kind != RES_MSG || reentry_calls++ > 0)
        return;
    reentry_rc[0] = sim_loop_step(l);
    reentry_rc[1] = sim_loop_run(l, UINT64_MAX, 10);
    reentry_rc[2] = sim_loop_crash(l, 0);
    /* queueing is allowed: it is how an application reacts to a result */
    reentry_rc[3] = sim_loop_request(l, 1, time, 1, NULL, 0);
}

static void hook_ping(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    if (kind == 1)
        cr_assert_eq(sh_drv_send(d, (d->self + 1) % 2, (const uint8_t *)"p", 1), 0);
}

Test(loop, loop_refuses_reentry_from_callbacks)
{
    static sim_loop *slot;
    hook = hook_ping;
    sim_loop_cfg c = base_cfg(2, 1);
    c.factory = probe_factory;
    c.on_deliver = deliver_reenter;
    c.on_deliver_arg = &slot;
    cr_assert_eq(sim_loop_new(&c, &slot), 0);
    cr_assert_eq(sim_loop_request(slot, 0, 0, 1, NULL, 0), 0);
    run_all(slot);
    cr_assert_eq(reentry_rc[0], SH_ERR_STATE);
    cr_assert_eq(reentry_rc[1], SH_ERR_STATE);
    cr_assert_eq(reentry_rc[2], SH_ERR_STATE);
    cr_assert_eq(reentry_rc[3], 0);
    cr_assert_eq(sim_loop_count_results(slot, 1, RES_MSG), 1);
    cr_assert_eq(sim_loop_count_results(slot, 0, RES_MSG), 1,
                 "the request queued from the callback ran afterwards");
    cr_assert_not_null(sim_loop_proto(slot, 0), "the refused crash did nothing");
    sim_loop_free(slot);
}

static uint64_t now_seen[3];

static void hook_charge(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    sh_timer_id t;
    if (kind == 1) {
        sh_drv_charge(d, 5000);
        now_seen[0] = sh_drv_now(d);
        cr_assert_eq(sh_drv_send(d, 1, (const uint8_t *)"c", 1), 0);
        cr_assert_eq(sh_drv_timer_set(d, 100, 1, &t), 0);
    } else if (kind == 2) {
        now_seen[1] = sh_drv_now(d);
        now_seen[2] = sh_drv_wall(d);
    }
}

Test(loop, charged_cpu_time_delays_effects_and_inputs)
{
    hook = hook_charge;
    sim_loop_cfg c = base_cfg(2, 1);
    c.latency_ns = 1000;
    c.wall_origin_ns = 1700000000ULL * 1000000000ULL;
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    cr_assert_eq(sim_loop_request(l, 0, 10, 2, NULL, 0), 0);
    run_all(l);
    cr_assert_eq(now_seen[0], 5000, "now() includes the charge");
    cr_assert_eq(now_seen[1], 5000, "an input arriving while busy waits for the CPU");
    cr_assert_eq(now_seen[2], c.wall_origin_ns + 5000);
    const sim_loop_result *r = NULL;
    for (size_t i = 0; i < sim_loop_result_count(l); i++) {
        r = sim_loop_result_at(l, i);
        if (r->kind == RES_MSG)
            cr_assert_eq(r->time, 6000, "departs after the charge, plus latency");
        else
            cr_assert_eq(r->time, 5100, "timer delay counts from the charged clock");
    }
    cr_assert_eq(sim_loop_result_count(l), 2);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.cpu_ns, 5000);
    sim_loop_free(l);
}

static void hook_timer_and_send(const sh_driver *d, uint32_t kind, const uint8_t *data,
                                size_t len)
{
    (void)data;
    (void)len;
    sh_timer_id t;
    if (kind == 1) {
        cr_assert_eq(sh_drv_timer_set(d, 100, 1, &t), 0);
        cr_assert_eq(sh_drv_send(d, 2, (const uint8_t *)"s", 1), 0);
    }
}

Test(loop, crashed_node_gets_nothing_and_its_timers_die)
{
    hook = hook_timer_and_send;
    sim_loop_cfg c = base_cfg(3, 1);
    c.latency_ns = 10;
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    cr_assert_eq(sim_loop_run(l, 50, 1000), 0);
    cr_assert_eq(sim_loop_crash(l, 0), 0);
    cr_assert_eq(sim_loop_crash(l, 0), SH_ERR_STATE);
    cr_assert_eq(sim_loop_crash(l, 3), SH_ERR_ARG);
    cr_assert_null(sim_loop_proto(l, 0));
    cr_assert_eq(sim_loop_inject(l, 1, 0, 60, (const uint8_t *)"z", 1), 0);
    cr_assert_eq(sim_loop_request(l, 0, 70, 1, NULL, 0), 0);
    run_all(l);
    cr_assert_eq(sim_loop_count_results(l, 0, RES_TIMER), 0);
    cr_assert_eq(sim_loop_count_results(l, 2, RES_MSG), 1, "sent before the crash");
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.undeliverable, 2);
    cr_assert_eq(st.timers_fired, 0);
    sim_loop_free(l);
}

Test(loop, stop_is_graceful_and_final)
{
    hook = hook_timer_and_send;
    stop_calls = 0;
    sim_loop_cfg c = base_cfg(3, 1);
    c.latency_ns = 10;
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    cr_assert_eq(sim_loop_stop(l, 0, 50), 0);
    cr_assert_eq(sim_loop_request(l, 0, 60, 1, NULL, 0), 0);
    run_all(l);
    cr_assert_eq(stop_calls, 1);
    cr_assert_null(sim_loop_proto(l, 0));
    cr_assert_eq(sim_loop_count_results(l, 0, RES_TIMER), 0);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.undeliverable, 1);
    cr_assert_eq(sim_loop_stop(l, 0, 10), SH_ERR_RANGE, "in the past");
    sim_loop_free(l);
}

static int failing_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    (void)arg;
    (void)d;
    (void)out;
    return node == 1 ? SH_ERR_NOMEM : probe_factory(NULL, node, d, out);
}

Test(loop, bad_configuration_and_calls_are_refused)
{
    hook = NULL;
    sim_loop *l = (sim_loop *)&l;
    sim_loop_cfg c = base_cfg(0, 1);
    c.factory = probe_factory;
    cr_assert_eq(sim_loop_new(&c, &l), SH_ERR_ARG);
    cr_assert_null(l);
    c.n_nodes = 2;
    c.loss = 1.5;
    cr_assert_eq(sim_loop_new(&c, &l), SH_ERR_ARG);
    c.loss = 0;
    c.factory = NULL;
    cr_assert_eq(sim_loop_new(&c, &l), SH_ERR_ARG);
    c.factory = failing_factory;
    cr_assert_eq(sim_loop_new(&c, &l), SH_ERR_NOMEM, "the factory's error is returned");
    cr_assert_null(l);

    c.max_msg = 8;
    l = probe_loop(&c);
    uint8_t b[9] = { 0 };
    cr_assert_eq(sim_loop_request(l, 2, 0, 1, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 3), SH_ERR_ARG);
    cr_assert_eq(sim_loop_inject(l, 0, 0, 0, b, 1), SH_ERR_ARG, "from itself");
    cr_assert_eq(sim_loop_inject(l, 0, 2, 0, b, 1), SH_ERR_ARG);
    cr_assert_eq(sim_loop_inject(l, 0, 1, 0, b, 9), SH_ERR_OVERSIZE);
    cr_assert_eq(sim_loop_inject(l, 0, 1, 500, NULL, 0), 0, "empty messages exist");
    run_all(l);
    cr_assert_eq(sim_loop_now(l), 500);
    cr_assert_eq(sim_loop_request(l, 0, 499, 1, NULL, 0), SH_ERR_RANGE);
    cr_assert_eq(sim_loop_count_results(l, 1, RES_MSG), 1);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 2, &st), SH_ERR_ARG);
    cr_assert_null(sim_loop_driver(l, 2));
    cr_assert_null(sim_loop_proto(l, 2));
    cr_assert_eq(sim_loop_step(NULL), SH_ERR_ARG);
    cr_assert_eq(sim_loop_step(l), 0, "empty queue");
    sim_loop_free(l);
    sim_loop_free(NULL);
}

static void hook_forever(const sh_driver *d, uint32_t kind, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    sh_timer_id t;
    if (kind == 1 || kind == HOOK_TIMER)
        cr_assert_eq(sh_drv_timer_set(d, 1, 0, &t), 0);
}

Test(loop, run_has_an_event_budget_and_a_horizon)
{
    hook = hook_forever;
    sim_loop_cfg c = base_cfg(1, 1);
    c.keep_trace = 0;
    sim_loop *l = probe_loop(&c);
    cr_assert_eq(sim_loop_request(l, 0, 0, 1, NULL, 0), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100), SH_ERR_RANGE);
    cr_assert_eq(sim_loop_run(l, 1000, 100000), 0);
    cr_assert_eq(sim_loop_now(l), 1000);
    cr_assert_eq(sim_loop_pending(l), 1, "the next firing is beyond the horizon");
    size_t len = 99;
    cr_assert_str_eq(sim_loop_trace(l, &len), "");
    cr_assert_eq(len, 0);
    sim_loop_free(l);
}
