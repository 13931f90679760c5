/* tests/test_sansio_echo.c -- the example protocol (tests/helpers/proto_echo,
 * reliable broadcast with retransmission timers) among N nodes on the test
 * loop: delivery, targeted and random loss, unreachable and crashed peers,
 * stop, CPU charge, forged, malformed and random input rejected with a
 * reason, and reproducibility of the whole trace from the seed.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shroud/sansio.h"
#include "helpers/proto_echo.h"
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

static void run_all(sim_loop *l)
{
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 10000000), 0);
    cr_assert_eq(sim_loop_pending(l), 0);
}

/* ======================================================================
 * echo: the example protocol among N nodes
 * ====================================================================== */

static proto_echo_cfg echo_cfg(void)
{
    proto_echo_cfg e = { .rto_ns = 10 * MS, .max_retries = 5 };
    return e;
}

static int echo_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    (void)node;
    return proto_echo_new(arg, d, out);
}

static sim_loop *echo_loop(sim_loop_cfg *c, proto_echo_cfg *e)
{
    c->factory = echo_factory;
    c->factory_arg = e;
    sim_loop *l = NULL;
    cr_assert_eq(sim_loop_new(c, &l), 0);
    return l;
}

static void bcast(sim_loop *l, uint32_t node, uint64_t at, const char *payload)
{
    cr_assert_eq(sim_loop_request(l, node, at, PROTO_ECHO_REQ_BCAST,
                                     (const uint8_t *)payload, strlen(payload)), 0);
}

/* RECV results at `node` for (origin, seq); the last one's time in *t. */
static size_t count_recv(const sim_loop *l, uint32_t node, uint32_t origin, uint32_t seq,
                         const char *payload, uint64_t *t)
{
    size_t c = 0;
    for (size_t i = 0; i < sim_loop_result_count(l); i++) {
        const sim_loop_result *r = sim_loop_result_at(l, i);
        if (r->node != node || r->kind != PROTO_ECHO_RES_RECV)
            continue;
        cr_assert_geq(r->len, 8);
        if (be32(r->data) != origin || be32(r->data + 4) != seq)
            continue;
        if (payload != NULL)
            cr_assert(r->len == 8 + strlen(payload) &&
                      memcmp(r->data + 8, payload, r->len - 8) == 0, "payload mismatch");
        if (t != NULL)
            *t = r->time;
        c++;
    }
    return c;
}

/* Time of the single result of `kind` at `node`. */
static uint64_t time_of(const sim_loop *l, uint32_t node, uint32_t kind)
{
    cr_assert_eq(sim_loop_count_results(l, node, kind), 1);
    for (size_t i = 0; i < sim_loop_result_count(l); i++) {
        const sim_loop_result *r = sim_loop_result_at(l, i);
        if (r->node == node && r->kind == kind)
            return r->time;
    }
    return 0;
}

static void assert_healthy(const sim_loop *l, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(l, i, &st), 0);
        cr_assert_eq(st.handler_errors, 0, "node %u: handler error %d", i,
                     st.last_handler_error);
        cr_assert_eq(st.misuse, 0, "node %u misused its driver", i);
    }
}

Test(echo, broadcast_reaches_every_peer_once)
{
    sim_loop_cfg c = base_cfg(5, 1);
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 0, 0, "hello");
    run_all(l);
    for (uint32_t i = 1; i < 5; i++) {
        uint64_t t = 0;
        cr_assert_eq(count_recv(l, i, 0, 0, "hello", &t), 1);
        cr_assert_eq(t, 1 * MS);
    }
    cr_assert_eq(sim_loop_count_results(l, 0, PROTO_ECHO_RES_RECV), 0);
    cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_DONE), 2 * MS);
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, PROTO_ECHO_RES_FAILED), 0);
    cr_assert_eq(proto_echo_outstanding(sim_loop_proto(l, 0)), 0);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.sent, 4);
    cr_assert_eq(st.timers_set, 1);
    cr_assert_eq(st.timers_cancelled, 1, "completion disarms the retransmission timer");
    cr_assert_eq(st.timers_fired, 0);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_eq(sim_loop_stats_get(l, i, &st), 0);
        cr_assert_eq(st.rejects, 0);
    }
    assert_healthy(l, 5);
    sim_loop_free(l);
}

Test(echo, everyone_broadcasts_concurrently)
{
    const uint32_t n = 6, k = 3;
    sim_loop_cfg c = base_cfg(n, 2);
    c.jitter_ns = 2 * MS;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < k; j++)
            bcast(l, i, j * 100000 + i, "m");
    run_all(l);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t o = 0; o < n; o++)
            for (uint32_t s = 0; s < k; s++)
                cr_assert_eq(count_recv(l, i, o, s, "m", NULL), i == o ? 0 : 1);
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, PROTO_ECHO_RES_DONE), n * k);
    assert_healthy(l, n);
    sim_loop_free(l);
}

static int drop_first_type_from;
static uint32_t drop_from, drop_to;
static uint8_t drop_type;

static int filter_drop_first(void *arg, uint64_t time, uint32_t from, uint32_t to,
                             const uint8_t *msg, size_t len)
{
    (void)arg;
    (void)time;
    if (drop_first_type_from == 0 && from == drop_from && to == drop_to && len >= 2 &&
        msg[1] == drop_type) {
        drop_first_type_from = 1;
        return 1;
    }
    return 0;
}

Test(echo, lost_data_is_retransmitted_to_that_peer_only)
{
    drop_from = 0, drop_to = 2, drop_type = PROTO_ECHO_MSG_DATA;
    sim_loop_cfg c = base_cfg(5, 3);
    c.filter = filter_drop_first;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 0, 0, "again");
    run_all(l);
    uint64_t t = 0;
    cr_assert_eq(count_recv(l, 2, 0, 0, "again", &t), 1);
    cr_assert_eq(t, 11 * MS, "after one timeout");
    cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_DONE), 12 * MS);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.sent, 5, "four copies, then one retransmission");
    cr_assert_eq(st.lost, 1);
    size_t len;
    const char *tr = sim_loop_trace(l, &len);
    cr_assert_not_null(strstr(tr, "log debug echo: seq 0: retransmission 1 to 1 peers"));
    assert_healthy(l, 5);
    sim_loop_free(l);
}

Test(echo, lost_ack_gives_a_duplicate_but_one_delivery)
{
    drop_from = 2, drop_to = 0, drop_type = PROTO_ECHO_MSG_ACK;
    sim_loop_cfg c = base_cfg(5, 3);
    c.filter = filter_drop_first;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 0, 0, "once");
    run_all(l);
    cr_assert_eq(count_recv(l, 2, 0, 0, "once", NULL), 1);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 2, &st), 0);
    cr_assert_eq(st.received, 2, "the DATA came twice");
    cr_assert_eq(st.sent, 2, "and was acknowledged twice");
    cr_assert_eq(st.rejects, 0, "a retransmission is not equivocation");
    cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_DONE), 12 * MS);
    assert_healthy(l, 5);
    sim_loop_free(l);
}

Test(echo, random_loss_is_recovered_by_retransmission)
{
    const uint32_t n = 8, k = 2;
    sim_loop_cfg c = base_cfg(n, 4);
    c.loss = 0.3;
    c.jitter_ns = MS / 2;
    c.keep_trace = 0;
    proto_echo_cfg e = { .rto_ns = 5 * MS, .rto_jitter_ns = 2 * MS, .max_retries = 30 };
    sim_loop *l = echo_loop(&c, &e);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < k; j++)
            bcast(l, i, j * MS + i * 1000, "lossy");
    run_all(l);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t o = 0; o < n; o++)
            for (uint32_t s = 0; s < k; s++)
                cr_assert_eq(count_recv(l, i, o, s, "lossy", NULL), i == o ? 0 : 1);
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, PROTO_ECHO_RES_DONE), n * k);
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, PROTO_ECHO_RES_FAILED), 0);
    uint64_t lost = 0, fired = 0;
    for (uint32_t i = 0; i < n; i++) {
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(l, i, &st), 0);
        lost += st.lost;
        fired += st.timers_fired;
    }
    cr_assert_gt(lost, 0);
    cr_assert_gt(fired, 0, "recovery went through the timers");
    assert_healthy(l, n);
    sim_loop_free(l);
}

static int filter_isolate_3(void *arg, uint64_t time, uint32_t from, uint32_t to,
                            const uint8_t *msg, size_t len)
{
    (void)arg;
    (void)time;
    (void)msg;
    (void)len;
    return from == 3 || to == 3;
}

Test(echo, unreachable_peer_fails_after_max_retries)
{
    sim_loop_cfg c = base_cfg(4, 5);
    c.filter = filter_isolate_3;
    proto_echo_cfg e = echo_cfg();
    e.max_retries = 3;
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 0, 0, "x");
    run_all(l);
    /* timeouts back off: 10 + 20 + 40 + 80 ms */
    cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_FAILED), 150 * MS);
    cr_assert_eq(sim_loop_count_results(l, 0, PROTO_ECHO_RES_DONE), 0);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.sent, 3 + 3, "retransmissions go to node 3 only");
    cr_assert_eq(st.timers_fired, 4);
    cr_assert_eq(proto_echo_outstanding(sim_loop_proto(l, 0)), 0);
    const char *tr = sim_loop_trace(l, NULL);
    cr_assert_not_null(strstr(tr, "log warn echo: seq 0: 1 of 3 peers never acknowledged"));
    assert_healthy(l, 4);
    sim_loop_free(l);
}

Test(echo, stop_cancels_pending_retransmissions)
{
    sim_loop_cfg c = base_cfg(4, 5);
    c.filter = filter_isolate_3;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 0, 0, "x");
    cr_assert_eq(sim_loop_stop(l, 0, 5 * MS), 0);
    run_all(l);
    cr_assert_eq(sim_loop_count_results(l, 0, PROTO_ECHO_RES_FAILED), 0);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.timers_cancelled, 1);
    cr_assert_eq(st.timers_fired, 0);
    cr_assert_eq(sim_loop_now(l), 5 * MS, "nothing ran after the stop");
    assert_healthy(l, 4);
    sim_loop_free(l);
}

Test(echo, crashed_peer_makes_the_broadcast_fail)
{
    sim_loop_cfg c = base_cfg(3, 6);
    proto_echo_cfg e = echo_cfg();
    e.max_retries = 2;
    sim_loop *l = echo_loop(&c, &e);
    cr_assert_eq(sim_loop_crash(l, 2), 0);
    bcast(l, 0, 0, "x");
    run_all(l);
    cr_assert_eq(count_recv(l, 1, 0, 0, "x", NULL), 1);
    cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_FAILED), 70 * MS);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 2, &st), 0);
    cr_assert_eq(st.undeliverable, 3);
    sim_loop_free(l);
}

Test(echo, cpu_charge_delays_completion)
{
    static const uint64_t cost[2] = { 0, 3 * MS };
    for (int i = 0; i < 2; i++) {
        sim_loop_cfg c = base_cfg(2, 7);
        proto_echo_cfg e = echo_cfg();
        e.verify_cost_ns = cost[i];
        sim_loop *l = echo_loop(&c, &e);
        bcast(l, 0, 0, "x");
        run_all(l);
        cr_assert_eq(time_of(l, 0, PROTO_ECHO_RES_DONE), 2 * MS + cost[i]);
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(l, 1, &st), 0);
        cr_assert_eq(st.cpu_ns, cost[i]);
        sim_loop_free(l);
    }
}

Test(echo, bad_local_requests_are_the_callers_error)
{
    sim_loop_cfg c = base_cfg(2, 8);
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    uint8_t big[PROTO_ECHO_MAX_PAYLOAD + 1] = { 0 };
    cr_assert_eq(sim_loop_request(l, 0, 0, PROTO_ECHO_REQ_BCAST, big, sizeof big), 0);
    cr_assert_eq(sim_loop_request(l, 0, 1, 77, NULL, 0), 0);
    run_all(l);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.handler_errors, 2);
    cr_assert_eq(st.last_handler_error, SH_ERR_ARG);
    cr_assert_eq(st.sent, 0);
    cr_assert_eq(st.rejects, 0, "local errors are not peer rejections");
    const char *tr = sim_loop_trace(l, NULL);
    cr_assert_not_null(strstr(tr, "error -6 "), "oversize payload reported");
    sim_loop_free(l);
}

typedef struct bad_case {
    uint8_t b[48];
    size_t len;
    int code;
    const char *reason;
} bad_case;

Test(echo, forged_and_malformed_messages_are_rejected_with_a_reason)
{
    sim_loop_cfg c = base_cfg(4, 9);
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    bcast(l, 1, 0, "own");   /* gives node 1 a seq 0 with a secret nonce */

    static const uint8_t zero_nonce[8] = { 0 };
    bad_case cs[16];
    size_t n = 0;
    memset(cs, 0, sizeof cs);
    cs[n++] = (bad_case){ { 0 }, 0, SH_ERR_TRUNCATED, "echo: truncated header" };
    cs[n++] = (bad_case){ { 1 }, 1, SH_ERR_TRUNCATED, "echo: truncated header" };
    cs[n++] = (bad_case){ { 2, 1 }, 2, SH_ERR_VERSION, "echo: unknown version" };
    cs[n++] = (bad_case){ { 1, 9 }, 2, SH_ERR_TYPE, "echo: unknown message type" };
    cs[n++] = (bad_case){ { 1, 1, 0, 0, 0, 0 }, 10, SH_ERR_TRUNCATED, "echo: truncated data" };
    /* plen 5 with 3 bytes; plen 2 with 3 bytes; plen 2000 */
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_TRUNCATED, "echo: truncated data" };
    cs[n].len = proto_echo_encode_data(cs[n].b, sizeof cs[n].b, 1, zero_nonce,
                                       (const uint8_t *)"abcde", 5) - 2;
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_TRAILING, "echo: trailing bytes" };
    cs[n].len = proto_echo_encode_data(cs[n].b, sizeof cs[n].b, 1, zero_nonce,
                                       (const uint8_t *)"abc", 3);
    cs[n].b[15] = 2;
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_OVERSIZE, "echo: payload too large" };
    cs[n].len = proto_echo_encode_data(cs[n].b, sizeof cs[n].b, 1, zero_nonce, NULL, 0);
    cs[n].b[14] = 2000 >> 8;
    cs[n].b[15] = 2000 & 0xff;
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_TRUNCATED, "echo: truncated ack" };
    cs[n].len = proto_echo_encode_ack(cs[n].b, sizeof cs[n].b, 0, zero_nonce) - 1;
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_TRAILING, "echo: trailing bytes" };
    cs[n].len = proto_echo_encode_ack(cs[n].b, sizeof cs[n].b, 0, zero_nonce) + 1;
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_RANGE, "echo: ack for unsent seq" };
    cs[n].len = proto_echo_encode_ack(cs[n].b, sizeof cs[n].b, 5, zero_nonce);
    n++;
    cs[n] = (bad_case){ { 0 }, 0, SH_ERR_VERIFY, "echo: ack nonce mismatch" };
    cs[n].len = proto_echo_encode_ack(cs[n].b, sizeof cs[n].b, 0, zero_nonce);
    n++;

    /* one at a time from node 2, checking each rejection as it happens */
    for (size_t i = 0; i < n; i++) {
        uint64_t at = sim_loop_now(l) + 1000;
        cr_assert_eq(sim_loop_inject(l, 2, 1, at, cs[i].b, cs[i].len), 0);
        cr_assert_eq(sim_loop_run(l, at, 1000), 0);
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(l, 1, &st), 0);
        cr_assert_eq(st.rejects, i + 1, "case %zu (%s) not rejected", i, cs[i].reason);
        cr_assert_eq(st.last_reject_code, cs[i].code, "case %zu", i);
        cr_assert_str_eq(st.last_reject_reason, cs[i].reason);
    }
    cr_assert_eq(sim_loop_reject_count(l, 1, "echo: truncated header"), 2);
    cr_assert_eq(sim_loop_reject_count(l, 1, "echo: trailing bytes"), 2);
    cr_assert_eq(sim_loop_reject_count(l, 1, "echo: no such reason"), 0);

    /* equivocation: the same (origin, seq) with other content */
    uint8_t m[48];
    size_t ml = proto_echo_encode_data(m, sizeof m, 9, zero_nonce, (const uint8_t *)"a", 1);
    uint64_t at = sim_loop_now(l) + 1000;
    cr_assert_eq(sim_loop_inject(l, 2, 1, at, m, ml), 0);
    cr_assert_eq(sim_loop_inject(l, 2, 1, at + 1, m, ml), 0);   /* a retransmission */
    ml = proto_echo_encode_data(m, sizeof m, 9, zero_nonce, (const uint8_t *)"b", 1);
    cr_assert_eq(sim_loop_inject(l, 2, 1, at + 2, m, ml), 0);
    run_all(l);
    cr_assert_eq(sim_loop_reject_count(l, 1, "echo: equivocating data"), 1);
    cr_assert_eq(count_recv(l, 1, 2, 9, "a", NULL), 1, "delivered once, first version");

    /* the node still works both ways */
    bcast(l, 2, sim_loop_now(l), "legit");
    run_all(l);
    cr_assert_eq(count_recv(l, 1, 2, 0, "legit", NULL), 1);
    cr_assert_eq(sim_loop_count_results(l, 1, PROTO_ECHO_RES_DONE), 1);
    cr_assert_eq(sim_loop_count_results(l, 2, PROTO_ECHO_RES_DONE), 1);
    assert_healthy(l, 4);
    sim_loop_free(l);
}

Test(echo, a_flooding_peer_is_bounded)
{
    sim_loop_cfg c = base_cfg(3, 10);
    c.keep_trace = 0;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    static const uint8_t nonce[8] = { 7 };
    uint8_t m[32];
    for (uint32_t s = 0; s <= PROTO_ECHO_MAX_SEEN; s++) {
        size_t ml = proto_echo_encode_data(m, sizeof m, s, nonce, (const uint8_t *)"f", 1);
        cr_assert_eq(sim_loop_inject(l, 2, 1, 1000 + s, m, ml), 0);
    }
    run_all(l);
    cr_assert_eq(sim_loop_reject_count(l, 1, "echo: too many messages from peer"), 1);
    cr_assert_eq(sim_loop_count_results(l, 1, PROTO_ECHO_RES_RECV), PROTO_ECHO_MAX_SEEN);
    /* node 2 never sent anything, so node 1's ACKs are rejected there */
    cr_assert_eq(sim_loop_reject_count(l, 2, "echo: ack for unsent seq"),
                 PROTO_ECHO_MAX_SEEN);
    assert_healthy(l, 3);
    sim_loop_free(l);
}

Test(echo, random_garbage_never_breaks_a_node)
{
    const uint32_t n = 4;
    sim_loop_cfg c = base_cfg(n, 11);
    c.keep_trace = 0;
    proto_echo_cfg e = echo_cfg();
    sim_loop *l = echo_loop(&c, &e);
    uint8_t seed[SH_RNG_SEEDBYTES] = { 42 };
    sh_rng *rng = sh_rng_chacha_new(seed);
    cr_assert_not_null(rng);
    const int total = 3000;
    for (int i = 0; i < total; i++) {
        uint8_t b[48];
        size_t len = (size_t)sh_rng_uniform(rng, sizeof b + 1);
        sh_rng_bytes(rng, b, len);
        if (i % 2 == 1 && len >= 2) {   /* half look like real DATA or ACK */
            b[0] = PROTO_ECHO_VERSION;
            b[1] = (uint8_t)(1 + sh_rng_uniform(rng, 2));
        }
        uint32_t from = 1 + (uint32_t)(i % 3);
        cr_assert_eq(sim_loop_inject(l, from, 0, (uint64_t)i * 10, b, len), 0);
    }
    sh_rng_free(rng);
    bcast(l, 0, 40000, "still alive");
    run_all(l);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(l, 0, &st), 0);
    cr_assert_eq(st.received, (uint64_t)total + (n - 1), "garbage plus the three ACKs");
    cr_assert_geq(st.rejects, (uint64_t)total * 9 / 10);
    cr_assert_eq(sim_loop_count_results(l, 0, PROTO_ECHO_RES_DONE), 1);
    for (uint32_t i = 1; i < n; i++)
        cr_assert_eq(count_recv(l, i, 0, 0, "still alive", NULL), 1);
    assert_healthy(l, n);
    sim_loop_free(l);
}

/* A busy scenario touching every feature; returns a copy of the trace. */
static char *scenario_trace(uint8_t seed_byte)
{
    const uint32_t n = 6;
    sim_loop_cfg c = base_cfg(n, seed_byte);
    c.loss = 0.2;
    c.jitter_ns = 300000;
    proto_echo_cfg e = { .rto_ns = 4 * MS, .rto_jitter_ns = MS, .max_retries = 20,
                         .verify_cost_ns = 50000 };
    sim_loop *l = echo_loop(&c, &e);
    for (uint32_t i = 0; i < n; i++) {
        bcast(l, i, i * 1000, "first");
        bcast(l, i, 3 * MS + i * 1000, "second");
    }
    cr_assert_eq(sim_loop_inject(l, 1, 0, 2 * MS, (const uint8_t *)"\x01\x07", 2), 0);
    run_all(l);
    cr_assert_eq(sim_loop_count_results(l, UINT32_MAX, PROTO_ECHO_RES_DONE), 2 * n);
    assert_healthy(l, n);
    size_t len = 0;
    const char *tr = sim_loop_trace(l, &len);
    cr_assert_not_null(tr);
    cr_assert_eq(strlen(tr), len);
    char *copy = strdup(tr);
    cr_assert_not_null(copy);
    sim_loop_free(l);
    return copy;
}

Test(echo, same_seed_same_trace_other_seed_differs)
{
    char *a = scenario_trace(7);
    char *b = scenario_trace(7);
    char *d = scenario_trace(8);
    cr_assert_str_eq(a, b, "two runs from one seed diverged");
    cr_assert_str_neq(a, d, "the seed had no effect");
    static const char *const must[] = { " start echo\n", " recv from=", " send to=",
                                        " lost\n", " timer fire ", " timer cancel ",
                                        " charge ns=50000\n", " result kind=",
                                        " reject from=1 code=-5 reason=echo: unknown message type\n",
                                        " log debug echo: seq " };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_assert_not_null(strstr(a, must[i]), "trace lacks \"%s\"", must[i]);
    free(a);
    free(b);
    free(d);
}
