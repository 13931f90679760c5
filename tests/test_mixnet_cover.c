/* tests/test_mixnet_cover.c -- cover traffic: the Poisson processes emit
 * at their configured rates on simulated time, real packets take payload
 * slots (the on-wire rate does not change with real traffic), every frame
 * a wallet sends has the same size whatever its class, relays process
 * cover exactly like real packets, and the final-payload codec is strict. */
#include <criterion/criterion.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
#include "mixnet/frame.h"
#include "mixnet/mixer.h"
#include "mixnet/path.h"
#include "sim/loop.h"
#include "testutil.h"

/* ---- a small network on sim/loop: NR relays (mixers) in NL layers, one
 * destination (a mixer outside the layers) and NW wallets (mix_client). */
#define NL 3
#define NR 9
#define DEST NR
#define W0 (NR + 1)
#define MAX_NODES 16
#define EPOCH 9
#define PLEN MIX_ONION_PACKET_STD
#define PAYLOAD_LEN 900

typedef struct net {
    uint32_t n_nodes, n_wallets;
    uint8_t ids[MAX_NODES][SH_PEER_KEY_BYTES];
    uint8_t sk[MAX_NODES][32], pk[MAX_NODES][33];
    mix_keyring *kr[MAX_NODES];
    mix_replay rp[MAX_NODES];
    mix_topology *topo;
    mix_cover_cfg relay_cover, wallet_cover;
    int relay_cover_on;
    sim_loop *l;
    mix_onion_ctx *ctx;
    size_t frame_len[MAX_NODES];   /* the length of every frame a node sent (0: none) */
    int sizes_differ;
} net;


static int net_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    net *n = arg;
    if (node <= DEST) {
        mix_mixer_cfg c = { .keyring = n->kr[node], .replay = &n->rp[node],
                            .packet_len = PLEN, .queue_max = 10000, .max_delay_ms = 2000,
                            .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])n->ids };
        if (node < NR && n->relay_cover_on) {
            c.cover_enabled = 1;
            c.cover = n->relay_cover;
            c.cover.self_id = n->ids[node];
            c.cover.self_onion_pk = n->pk[node];
        }
        return mix_mixer_new(&c, d, out);
    }
    mix_client_cfg c = { .cover = n->wallet_cover, .loop_sk = n->sk[node],
                         .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])n->ids };
    c.cover.self_id = n->ids[node];
    c.cover.self_onion_pk = n->pk[node];
    return mix_client_new(&c, d, out);
}

static int net_filter(void *arg, uint64_t time, uint32_t from, uint32_t to,
                      const uint8_t *msg, size_t len)
{
    net *n = arg;
    (void)time;
    (void)to;
    (void)msg;
    if (n->frame_len[from] != 0 && n->frame_len[from] != len)
        n->sizes_differ = 1;
    n->frame_len[from] = len;
    return 0;
}

static void net_init(net *n, uint32_t n_wallets, uint64_t seed)
{
    cr_assert(sodium_init() >= 0);
    sh_rng *rng = tu_rng(seed);
    n->ctx = mix_onion_ctx_new(rng);
    cr_assert_not_null(n->ctx);
    n->n_wallets = n_wallets;
    n->n_nodes = W0 + n_wallets;
    cr_assert(n->n_nodes <= MAX_NODES);
    mix_relay_info ri[NR];
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        sh_rng_bytes(rng, n->ids[i], SH_PEER_KEY_BYTES);
        cr_assert_eq(mix_onion_keygen(n->ctx, n->sk[i], n->pk[i], rng), 0);
        if (i <= DEST) {
            n->kr[i] = mix_keyring_new();
            cr_assert_eq(mix_keyring_install(n->kr[i], n->ctx, EPOCH, n->sk[i], NULL), 0);
            cr_assert_eq(mix_replay_mem_new(&n->rp[i], 2, 50000, rng), 0);
        }
        if (i < NR) {
            memcpy(ri[i].id, n->ids[i], 32);
            memcpy(ri[i].onion_pk, n->pk[i], 33);
            ri[i].capacity = 1 + i % 3;
        }
    }
    uint8_t beacon[32];
    sh_rng_bytes(rng, beacon, sizeof beacon);
    cr_assert_eq(mix_topology_new(&n->topo, ri, NR, NL, beacon, sizeof beacon), 0);
    mix_cover_cfg base = { .mean_delay_ms = 50, .max_delay_ms = 2000, .packet_len = PLEN,
                           .payload_len = PAYLOAD_LEN, .epoch = EPOCH, .topo = n->topo };
    n->relay_cover = base;
    n->wallet_cover = base;
    sh_rng_free(rng);
}

static void net_start(net *n, uint64_t seed)
{
    sim_loop_cfg c = { .n_nodes = n->n_nodes, .latency_ns = 5000000, .jitter_ns = 1000000,
                       .factory = net_factory, .factory_arg = n,
                       .filter = net_filter, .filter_arg = n,
                       .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])n->ids };
    memset(c.seed, 0, sizeof c.seed);
    memcpy(c.seed, &seed, sizeof seed);
    cr_assert_eq(sim_loop_new(&c, &n->l), 0);
}

static void net_free(net *n)
{
    sim_loop_free(n->l);
    for (uint32_t i = 0; i <= DEST; i++) {
        mix_replay_free(&n->rp[i]);
        mix_keyring_free(n->kr[i]);
    }
    mix_topology_free(n->topo);
    mix_onion_ctx_free(n->ctx);
}

/* Queue cover-off requests for every node at time t, then run until quiet. */
static void net_quiesce(net *n, uint64_t t)
{
    cr_assert_eq(sim_loop_run(n->l, t, 10000000), 0);
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        if (i == DEST)
            continue;
        uint32_t kind = i < NR ? MIX_MIXER_REQ_COVER_OFF : MIX_CLIENT_REQ_COVER_OFF;
        if (i < NR && !n->relay_cover_on)
            continue;
        cr_assert_eq(sim_loop_request(n->l, i, t, kind, NULL, 0), 0);
    }
    cr_assert_eq(sim_loop_run(n->l, UINT64_MAX, 10000000), 0);
    cr_assert_eq(sim_loop_pending(n->l), 0);
}

static void net_no_rejects(net *n)
{
    for (uint32_t i = 0; i < n->n_nodes; i++) {
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(n->l, i, &st), 0);
        cr_assert_eq(st.rejects, 0, "node %u rejected: %s", i,
                     st.last_reject_reason ? st.last_reject_reason : "");
        cr_assert_eq(st.handler_errors, 0, "node %u error %d", i, st.last_handler_error);
        cr_assert_eq(st.misuse, 0);
    }
}

static void within(double got, double mean, const char *what)
{
    /* Poisson: sd = sqrt(mean); 4.5 sd. */
    cr_assert(fabs(got - mean) < 4.5 * sqrt(mean), "%s: %f, expected %f", what, got, mean);
}

Test(mixnet_cover, rates_on_sim_time_and_equal_sizes)
{
    const double T = 40.0, LP = 10.0, LL = 3.0, LD = 2.0;
    net n;
    memset(&n, 0, sizeof n);
    net_init(&n, 1, 61);
    n.wallet_cover.rate_payload = LP;
    n.wallet_cover.rate_loop = LL;
    n.wallet_cover.rate_drop = LD;
    net_start(&n, 61);
    /* Twenty real messages during the run. */
    for (uint32_t k = 0; k < 20; k++) {
        uint8_t req[32 + 33 + 8];
        memcpy(req, n.ids[DEST], 32);
        memcpy(req + 32, n.pk[DEST], 33);
        memcpy(req + 65, "realmsg", 8);
        cr_assert_eq(sim_loop_request(n.l, W0, 1000000000ull * (k + 1), MIX_CLIENT_REQ_SEND,
                                      req, sizeof req), 0);
    }
    net_quiesce(&n, (uint64_t)(T * 1e9));
    net_no_rejects(&n);
    mix_cover_stats cs;
    mix_cover_stats_get(mix_client_cover(sim_loop_proto(n.l, W0)), &cs);
    within((double)cs.payload_events, LP * T, "payload events");
    within((double)cs.loop_sent, LL * T, "loops");
    within((double)(cs.drop_sent - (cs.payload_events - cs.real_sent)), LD * T, "drops");
    cr_assert_eq(cs.real_sent, 20);
    cr_assert_eq(cs.loop_returned, cs.loop_sent);
    sim_loop_stats ws;
    cr_assert_eq(sim_loop_stats_get(n.l, W0, &ws), 0);
    /* Everything sent is payload slots + loops + drops: real traffic did
     * not add packets. */
    cr_assert_eq(ws.sent, cs.payload_events + cs.loop_sent + (cs.drop_sent
                 - (cs.payload_events - cs.real_sent)));
    cr_assert(!n.sizes_differ, "frames of every class have one size");
    cr_assert_eq(n.frame_len[W0], mix_frame_encoded_len(EPOCH, PLEN));
    /* Relays handled cover and real alike: all accepted and passed on. */
    uint64_t accepted = 0, out = 0;
    for (uint32_t r = 0; r <= DEST; r++) {
        mix_mixer_stats ms;
        mix_mixer_stats_get(sim_loop_proto(n.l, r), &ms);
        accepted += ms.accepted;
        out += ms.forwarded + ms.delivered + ms.cover_dropped + ms.loops_foreign;
        cr_assert_eq(ms.rejected, 0);
    }
    cr_assert_eq(accepted, out);
    cr_assert_eq(accepted, 4 * ws.sent - cs.loop_sent);   /* loops end at the wallet */
    cr_assert_eq(sim_loop_count_results(n.l, DEST, MIX_RES_PAYLOAD), 20);
    net_free(&n);
}

Test(mixnet_cover, relay_cover_rates)
{
    const double T = 30.0;
    net n;
    memset(&n, 0, sizeof n);
    net_init(&n, 0, 62);
    n.relay_cover_on = 1;
    n.relay_cover.rate_loop = 1.0;
    n.relay_cover.rate_drop = 0.5;
    net_start(&n, 62);
    net_quiesce(&n, (uint64_t)(T * 1e9));
    net_no_rejects(&n);
    uint64_t loops = 0, drops = 0;
    for (uint32_t r = 0; r < NR; r++) {
        mix_cover_stats cs;
        mix_cover_stats_get(mix_mixer_cover(sim_loop_proto(n.l, r)), &cs);
        cr_assert_eq(cs.loop_returned, cs.loop_sent);
        cr_assert_eq(cs.payload_events, 0);
        loops += cs.loop_sent;
        drops += cs.drop_sent;
    }
    within((double)loops, NR * 1.0 * T, "relay loops");
    within((double)drops, NR * 0.5 * T, "relay drops");
    cr_assert(!n.sizes_differ);
    net_free(&n);
}

Test(mixnet_cover, bad_configs_and_requests)
{
    net n;
    memset(&n, 0, sizeof n);
    net_init(&n, 1, 63);
    mix_client_cfg c = { .cover = n.wallet_cover, .loop_sk = n.sk[W0] };
    c.cover.rate_loop = -1;
    sh_proto p;
    sh_driver d = { 0 };
    d.rng = tu_rng(1);
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = NAN;
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = 1;                       /* needs self keys */
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = 0;
    c.cover.payload_len = 5;
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    sh_rng_free(d.rng);
    net_free(&n);
}

Test(mixnet_cover, final_payload_codec)
{
    uint8_t buf[64], cls;
    const uint8_t *body;
    size_t bl;
    cr_assert_eq(mix_final_encode(buf, sizeof buf, MIX_FINAL_REAL, (const uint8_t *)"abc", 3), 0);
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), 0);
    cr_assert_eq(cls, MIX_FINAL_REAL);
    cr_assert_eq(bl, 3);
    cr_assert(memcmp(body, "abc", 3) == 0);
    buf[40] = 1;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_NONCANONICAL);
    buf[40] = 0;
    buf[0] = 3;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_TYPE);
    buf[0] = MIX_FINAL_LOOP;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_LENGTH);
    buf[0] = 0;
    buf[2] = 62;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_TRUNCATED);
    cr_assert_eq(mix_final_decode(buf, 2, &cls, &body, &bl), SH_ERR_TRUNCATED);
    cr_assert_eq(mix_final_encode(buf, sizeof buf, MIX_FINAL_REAL, buf, 62), SH_ERR_OVERSIZE);
    cr_assert_eq(mix_final_encode(buf, sizeof buf, 9, NULL, 0), SH_ERR_ARG);
}
