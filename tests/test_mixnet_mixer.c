/* tests/test_mixnet_mixer.c -- the relay mixer on sim/loop: each packet is
 * held for its delay, the release order is that of arrival + delay (a
 * random permutation of the arrival order: Kendall tau near 0), a full
 * queue drops and counts, replays are dropped, a packet for an erased
 * onion key is rejected, any tampered frame byte is rejected with a
 * reason, and malformed frames are named. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
#include "mixnet/frame.h"
#include "mixnet/mixer.h"
#include "mixnet/onion_process.h"
#include "mixnet/path.h"
#include "sim/loop.h"
#include "testutil.h"

/* Node 0 injects, node 1 is the mixer, node 2 is a sink that peels what
 * it receives and delivers (kind SINK_RES) u32 index || u64 time. */
#define N_NODES 3
#define MIXER 1
#define SINK 2
#define SINK_RES 77
#define LAT_NS 1000u
#define PLEN MIX_ONION_PACKET_STD
#define EPOCH 5

static sh_rng *rng;
static mix_onion_ctx *ctx;
static uint8_t ids[N_NODES][SH_PEER_KEY_BYTES];
static uint8_t sk[N_NODES][32], pk[N_NODES][33];
static mix_keyring *kr;
static mix_replay rp;
static mix_mixer_cfg mcfg;

/* ---- the sink: peel with node 2's key, deliver the index ---------------- */

typedef struct sink { const sh_driver *d; } sink;

static int sink_start(void *self) { (void)self; return 0; }

static int sink_msg(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    sink *s = self;
    (void)from;
    uint64_t epoch;
    const uint8_t *p;
    size_t plen;
    cr_assert_eq(mix_frame_decode(msg, len, &epoch, &p, &plen, NULL), 0);
    uint8_t next[PLEN], pay[MIX_ONION_PAYLOAD_CAP(PLEN - 66)];
    mix_onion_peeled o = { .next_packet = next, .payload = pay, .payload_cap = sizeof pay };
    cr_assert_eq(mix_onion_peel(ctx, sk[SINK], p, plen, NULL, 0, &o), 0);
    mix_hop_payload hp;
    cr_assert_eq(mix_hop_payload_decode(&hp, pay, o.payload_len, NULL), 0);
    cr_assert(hp.is_final);
    cr_assert_eq(hp.data_len, 4);
    return sh_drv_deliver(s->d, SINK_RES, hp.data, 4);
}

static void sink_free(void *self) { free(self); }

static const sh_proto_ops sink_ops = {
    .name = "sink", .start = sink_start, .on_message = sink_msg, .free = sink_free,
};

static int factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    (void)arg;
    if (node == MIXER)
        return mix_mixer_new(&mcfg, d, out);
    sink *s = calloc(1, sizeof *s);
    s->d = d;
    out->ops = &sink_ops;
    out->self = s;
    return 0;
}

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(5151);
    ctx = mix_onion_ctx_new(rng);
    for (int i = 0; i < N_NODES; i++) {
        memset(ids[i], 0xa0 + i, SH_PEER_KEY_BYTES);
        cr_assert_eq(mix_onion_keygen(ctx, sk[i], pk[i], rng), 0);
    }
    kr = mix_keyring_new();
    cr_assert_not_null(kr);
    cr_assert_eq(mix_keyring_install(kr, ctx, EPOCH, sk[MIXER], NULL), 0);
    cr_assert_eq(mix_replay_mem_new(&rp, 2, 100000, rng), 0);
    mcfg = (mix_mixer_cfg){ .keyring = kr, .replay = &rp, .packet_len = PLEN,
                            .queue_max = 4096, .max_delay_ms = 60000,
                            .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])ids };
}

static void teardown(void)
{
    mix_replay_free(&rp);
    mix_keyring_free(kr);
    mix_onion_ctx_free(ctx);
    sh_rng_free(rng);
}

TestSuite(mixnet_mixer, .init = setup, .fini = teardown);

static sim_loop *loop_new(void)
{
    sim_loop_cfg c = { .n_nodes = N_NODES, .latency_ns = LAT_NS, .keep_trace = 1,
                       .factory = factory,
                       .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])ids };
    memset(c.seed, 9, sizeof c.seed);
    sim_loop *l;
    cr_assert_eq(sim_loop_new(&c, &l), 0);
    cr_assert_eq(sim_loop_run(l, 0, 100), 0);       /* starts */
    return l;
}

/* The frame of a 2-hop packet: the mixer (delay) then the sink (index). */
static size_t make_frame(uint8_t *out, size_t cap, uint64_t epoch, uint32_t delay_ms,
                         uint32_t index)
{
    uint8_t pkt[PLEN], body[4] = { (uint8_t)(index >> 24), (uint8_t)(index >> 16),
                                   (uint8_t)(index >> 8), (uint8_t)index };
    mix_route_hop h[2] = { { ids[MIXER], pk[MIXER], delay_ms }, { ids[SINK], pk[SINK], 0 } };
    cr_assert_eq(mix_route_build(ctx, rng, epoch, h, 2, body, 4, pkt, PLEN), 0);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(mix_frame_encode(&b, epoch, pkt, PLEN), 0);
    cr_assert(b.len <= cap);
    memcpy(out, b.data, b.len);
    size_t n = b.len;
    sh_buf_free(&b);
    return n;
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static mix_mixer_stats stats(sim_loop *l)
{
    mix_mixer_stats st;
    mix_mixer_stats_get(sim_loop_proto(l, MIXER), &st);
    return st;
}

Test(mixnet_mixer, holds_each_packet_for_its_delay)
{
    sim_loop *l = loop_new();
    static const uint32_t delays[] = { 0, 1, 250, 1000, 37, 5000 };
    const size_t n = sizeof delays / sizeof delays[0];
    uint8_t f[PLEN + 32];
    for (size_t i = 0; i < n; i++) {
        size_t fl = make_frame(f, sizeof f, EPOCH, delays[i], (uint32_t)i);
        cr_assert_eq(sim_loop_inject(l, 0, MIXER, 1000000 * (uint64_t)i, f, fl), 0);
    }
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100000), 0);
    cr_assert_eq(sim_loop_count_results(l, SINK, SINK_RES), n);
    for (size_t k = 0; k < sim_loop_result_count(l); k++) {
        const sim_loop_result *r = sim_loop_result_at(l, k);
        uint32_t i = be32(r->data);
        uint64_t expect = 1000000 * (uint64_t)i + (uint64_t)delays[i] * 1000000 + LAT_NS;
        cr_assert_eq(r->time, expect, "packet %u: at %llu, expected %llu", i,
                     (unsigned long long)r->time, (unsigned long long)expect);
    }
    mix_mixer_stats st = stats(l);
    cr_assert_eq(st.accepted, n);
    cr_assert_eq(st.forwarded, n);
    cr_assert_eq(st.held, 0);
    cr_assert_eq(st.rejected, 0);
    sim_loop_free(l);
}

Test(mixnet_mixer, delay_is_capped)
{
    mcfg.max_delay_ms = 100;
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32];
    size_t fl = make_frame(f, sizeof f, EPOCH, 99999, 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, f, fl), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    cr_assert_eq(sim_loop_result_at(l, 0)->time, 100 * 1000000ull + LAT_NS);
    cr_assert_eq(stats(l).delay_capped, 1);
    sim_loop_free(l);
}

/* A burst of n packets (arrivals 10 us apart) with exponential delays of
 * mean 500 ms: the output is sorted by arrival + delay, and as a
 * permutation of the arrival order it is uncorrelated with it. */
Test(mixnet_mixer, release_order_is_arrival_plus_delay)
{
    enum { N = 400 };
    sim_loop *l = loop_new();
    static uint64_t due[N];
    uint8_t f[PLEN + 32];
    for (uint32_t i = 0; i < N; i++) {
        uint32_t d = mix_delay_sample(rng, 500.0, 60000);
        size_t fl = make_frame(f, sizeof f, EPOCH, d, i);
        uint64_t at = 10000 * (uint64_t)i;
        due[i] = at + (uint64_t)d * 1000000;
        cr_assert_eq(sim_loop_inject(l, 0, MIXER, at, f, fl), 0);
    }
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100000), 0);
    cr_assert_eq(sim_loop_result_count(l), N);
    static uint32_t out[N];
    for (size_t k = 0; k < N; k++)
        out[k] = be32(sim_loop_result_at(l, k)->data);
    /* Sorted by due time (ties: arrival order, the order timers were set). */
    for (size_t k = 1; k < N; k++)
        cr_assert(due[out[k - 1]] < due[out[k]]
                  || (due[out[k - 1]] == due[out[k]] && out[k - 1] < out[k]));
    /* Kendall tau between arrival index and release position. */
    long conc = 0, disc = 0;
    for (size_t a = 0; a < N; a++)
        for (size_t b = a + 1; b < N; b++) {
            if (out[a] < out[b])
                conc++;
            else
                disc++;
        }
    double tau = (double)(conc - disc) / (double)(conc + disc);
    /* Under independence sd(tau) = sqrt(2(2n+5) / (9n(n-1))) = 0.034. */
    cr_assert(tau > -0.12 && tau < 0.12, "tau = %f", tau);
    /* And the order really changed. */
    size_t moved = 0;
    for (size_t k = 0; k < N; k++)
        moved += out[k] != k;
    cr_assert(moved > N * 9 / 10, "moved %zu", moved);
    sim_loop_free(l);
}

Test(mixnet_mixer, full_queue_drops_newcomers_and_counts)
{
    mcfg.queue_max = 4;
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32];
    for (uint32_t i = 0; i < 10; i++) {
        size_t fl = make_frame(f, sizeof f, EPOCH, 1000, i);
        cr_assert_eq(sim_loop_inject(l, 0, MIXER, 1000 * (uint64_t)i, f, fl), 0);
    }
    cr_assert_eq(sim_loop_run(l, 500000000, 100000), 0);
    mix_mixer_stats st = stats(l);
    cr_assert_eq(st.held, 4);
    cr_assert_eq(st.dropped_full, 6);
    cr_assert_eq(st.rejected, 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100000), 0);
    st = stats(l);
    cr_assert_eq(st.forwarded, 4);
    cr_assert_eq(st.held_max, 4);
    /* The first four were kept (tail drop: held packets are never evicted). */
    for (size_t k = 0; k < 4; k++)
        cr_assert_eq(be32(sim_loop_result_at(l, k)->data), k);
    /* Room again once released. */
    size_t fl = make_frame(f, sizeof f, EPOCH, 0, 99);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, sim_loop_now(l), f, fl), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100000), 0);
    cr_assert_eq(stats(l).forwarded, 5);
    sim_loop_free(l);
}

Test(mixnet_mixer, replay_is_dropped)
{
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32];
    size_t fl = make_frame(f, sizeof f, EPOCH, 10, 1);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, f, fl), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 5000, f, fl), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 50000000, f, fl), 0);  /* after release */
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    mix_mixer_stats st = stats(l);
    cr_assert_eq(st.forwarded, 1);
    cr_assert_eq(st.replays, 2);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "onion: replayed packet"), 2);
    cr_assert_eq(sim_loop_count_results(l, SINK, SINK_RES), 1);
    sim_loop_free(l);
}

Test(mixnet_mixer, expired_onion_key_is_rejected)
{
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32], g[PLEN + 32];
    size_t fl = make_frame(f, sizeof f, EPOCH, 0, 1);
    size_t gl = make_frame(g, sizeof g, EPOCH, 0, 2);
    uint8_t npk[33];
    /* Rotation: the old key still works during the grace period ... */
    cr_assert_eq(mix_onion_rotate(kr, &rp, ctx, EPOCH + 1, rng, npk), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, f, fl), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    cr_assert_eq(stats(l).forwarded, 1);
    /* ... and not after it ends: the key is erased. */
    cr_assert_eq(mix_onion_end_grace(kr, &rp), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, sim_loop_now(l), g, gl), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    mix_mixer_stats st = stats(l);
    cr_assert_eq(st.forwarded, 1);
    cr_assert_eq(st.rejected_onion, 1);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "onion: no key for epoch"), 1);
    sim_loop_free(l);
}

Test(mixnet_mixer, every_tampered_frame_byte_is_rejected)
{
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32];
    size_t fl = make_frame(f, sizeof f, EPOCH, 0, 1);
    uint64_t t = 0;
    for (size_t i = 0; i < fl; i++) {
        f[i] ^= 0x01;
        cr_assert_eq(sim_loop_inject(l, 0, MIXER, t, f, fl), 0);
        f[i] ^= 0x01;
        t += 1000;
    }
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 100000), 0);
    sim_loop_stats ss;
    cr_assert_eq(sim_loop_stats_get(l, MIXER, &ss), 0);
    cr_assert_eq(ss.rejects, fl);
    cr_assert_eq(ss.handler_errors, 0);
    mix_mixer_stats st = stats(l);
    cr_assert_eq(st.accepted, 0);
    cr_assert_eq(st.forwarded, 0);
    cr_assert_eq(st.rejected, fl);
    cr_assert(sim_loop_reject_count(l, MIXER, "onion: bad hmac") >= PLEN - 34);
    cr_assert_eq(sim_loop_count_results(l, SINK, SINK_RES), 0);
    /* The untouched frame still goes through. */
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, sim_loop_now(l), f, fl), 0);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    cr_assert_eq(sim_loop_count_results(l, SINK, SINK_RES), 1);
    sim_loop_free(l);
}

Test(mixnet_mixer, malformed_frames_are_named)
{
    sim_loop *l = loop_new();
    uint8_t f[PLEN + 32];
    size_t fl = make_frame(f, sizeof f, EPOCH, 0, 1);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, f, fl - 1), 0);          /* truncated */
    uint8_t junk[3] = { 0x93, 0x02, 0x01 };                               /* version 2 */
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, junk, sizeof junk), 0);
    /* A valid frame of another (allowed) packet size. */
    uint8_t big[MIX_ONION_PACKET_BYTES(2000)];
    memset(big, 0, sizeof big);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(mix_frame_encode(&b, EPOCH, big, sizeof big), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, b.data, b.len), 0);
    sh_buf_free(&b);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "frame: malformed envelope")
                 + sim_loop_reject_count(l, MIXER, "frame: malformed msgpack"), 1);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "frame: unknown version"), 1);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "mixer: wrong packet size"), 1);
    cr_assert_eq(stats(l).rejected_frame, 3);
    sim_loop_free(l);
}

Test(mixnet_mixer, unknown_next_hop_is_rejected)
{
    sim_loop *l = loop_new();
    uint8_t pkt[PLEN], body[4] = { 0 }, stranger[32];
    memset(stranger, 0x55, sizeof stranger);
    mix_route_hop h[2] = { { ids[MIXER], pk[MIXER], 0 }, { stranger, pk[SINK], 0 } };
    cr_assert_eq(mix_route_build(ctx, rng, EPOCH, h, 2, body, 4, pkt, PLEN), 0);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(mix_frame_encode(&b, EPOCH, pkt, PLEN), 0);
    cr_assert_eq(sim_loop_inject(l, 0, MIXER, 0, b.data, b.len), 0);
    sh_buf_free(&b);
    cr_assert_eq(sim_loop_run(l, UINT64_MAX, 1000), 0);
    cr_assert_eq(sim_loop_reject_count(l, MIXER, "mixer: unknown next hop"), 1);
    sim_loop_free(l);
}

Test(mixnet_mixer, frame_codec_is_strict)
{
    uint8_t pkt[PLEN];
    memset(pkt, 7, sizeof pkt);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(mix_frame_encode(&b, 1ull << 40, pkt, PLEN), 0);
    cr_assert_eq(b.len, mix_frame_encoded_len(1ull << 40, PLEN));
    uint64_t e;
    const uint8_t *p;
    size_t pl;
    const char *why;
    cr_assert_eq(mix_frame_decode(b.data, b.len, &e, &p, &pl, &why), 0);
    cr_assert_eq(e, 1ull << 40);
    cr_assert_eq(pl, PLEN);
    cr_assert(memcmp(p, pkt, PLEN) == 0);
    cr_assert_eq(mix_frame_decode(b.data, b.len - 1, &e, &p, &pl, &why), SH_ERR_TRUNCATED);
    cr_assert_eq(mix_frame_encode(&b, 0, pkt, 100), SH_ERR_LENGTH);
    cr_assert_eq(mix_frame_encode(&b, UINT64_MAX, pkt, PLEN), SH_ERR_RANGE);
    /* Trailing byte. */
    uint8_t *t = malloc(b.len + 1);
    memcpy(t, b.data, b.len);
    t[b.len] = 0;
    cr_assert_eq(mix_frame_decode(t, b.len + 1, &e, &p, &pl, &why), SH_ERR_TRAILING);
    /* Non-canonical epoch: 5 encoded as uint64 (0xcf) instead of a fixint. */
    sh_buf c;
    sh_buf_init(&c);
    cr_assert_eq(mix_frame_encode(&c, 5, pkt, PLEN), 0);
    size_t nl = c.len + 8;
    uint8_t *nc = malloc(nl);
    memcpy(nc, c.data, 3);
    nc[3] = 0xcf;
    memset(nc + 4, 0, 7);
    nc[11] = 5;
    memcpy(nc + 12, c.data + 4, c.len - 4);
    cr_assert_eq(mix_frame_decode(nc, nl, &e, &p, &pl, &why), SH_ERR_NONCANONICAL);
    cr_assert_eq(mix_frame_decode(nc, MIX_FRAME_MAX + 1, &e, &p, &pl, &why), SH_ERR_OVERSIZE);
    free(nc);
    free(t);
    sh_buf_free(&c);
    sh_buf_free(&b);
}
