/* tests/test_mixnet_e2e.c -- end to end on sim/loop: 3 wallets and
 * 3 layers x 3 relays with relay cover traffic; every real message is
 * delivered to its destination exactly once, every loop (wallets' and
 * relays') returns to its sender, every drop cover packet is discarded at
 * its last hop, every frame on the wire has the same size, nothing is
 * rejected, and the run is reproducible from its seed. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
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

#define NW 3
#define MSGS 3

static void run_e2e(net *n, uint64_t seed)
{
    net_init(n, NW, seed);
    n->relay_cover_on = 1;
    n->relay_cover.rate_loop = 1.0;
    n->relay_cover.rate_drop = 1.0;
    n->wallet_cover.rate_payload = 10.0;
    n->wallet_cover.rate_loop = 2.0;
    n->wallet_cover.rate_drop = 2.0;
    net_start(n, seed);
    for (uint32_t w = 0; w < NW; w++)
        for (uint32_t k = 0; k < MSGS; k++) {
            uint8_t req[32 + 33 + 64];
            memcpy(req, n->ids[DEST], 32);
            memcpy(req + 32, n->pk[DEST], 33);
            int bl = snprintf((char *)req + 65, 64, "tx %u from wallet %u", k, w);
            cr_assert_eq(sim_loop_request(n->l, W0 + w, 100000000ull * (k + 1), MIX_CLIENT_REQ_SEND,
                                          req, 65 + (size_t)bl), 0);
        }
    net_quiesce(n, 8000000000ull);
}

Test(mixnet_e2e, real_messages_once_loops_return)
{
    net n;
    memset(&n, 0, sizeof n);
    run_e2e(&n, 21);
    net_no_rejects(&n);
    cr_assert(!n.sizes_differ, "every frame has the same size");

    /* Exactly once at the destination, each message. */
    cr_assert_eq(sim_loop_count_results(n.l, DEST, MIX_RES_PAYLOAD), NW * MSGS);
    cr_assert_eq(sim_loop_count_results(n.l, UINT32_MAX, MIX_RES_PAYLOAD), NW * MSGS);
    for (uint32_t w = 0; w < NW; w++)
        for (uint32_t k = 0; k < MSGS; k++) {
            char want[64];
            int wl = snprintf(want, sizeof want, "tx %u from wallet %u", k, w);
            size_t seen = 0;
            for (size_t i = 0; i < sim_loop_result_count(n.l); i++) {
                const sim_loop_result *r = sim_loop_result_at(n.l, i);
                if (r->kind == MIX_RES_PAYLOAD && r->len == (size_t)wl
                    && memcmp(r->data, want, (size_t)wl) == 0)
                    seen++;
            }
            cr_assert_eq(seen, 1, "%s", want);
        }

    /* Loops come back to their senders; drops end at their last hop. */
    uint64_t drops = 0, dropped = 0, loops = 0;
    for (uint32_t w = 0; w < NW; w++) {
        mix_cover_stats cs;
        mix_cover_stats_get(mix_client_cover(sim_loop_proto(n.l, W0 + w)), &cs);
        cr_assert_eq(cs.real_sent, MSGS);
        cr_assert(cs.loop_sent > 0);
        cr_assert_eq(cs.loop_returned, cs.loop_sent, "wallet %u", w);
        cr_assert(cs.rtt_max_ns > 0 && cs.rtt_sum_ns >= cs.loop_returned * 20000000ull);
        cr_assert_eq(cs.send_errors, 0);
        drops += cs.drop_sent;
        loops += cs.loop_returned;
    }
    for (uint32_t r = 0; r <= DEST; r++) {
        mix_mixer_stats ms;
        mix_mixer_stats_get(sim_loop_proto(n.l, r), &ms);
        cr_assert_eq(ms.held, 0);
        cr_assert_eq(ms.rejected, 0);
        cr_assert_eq(ms.dropped_full + ms.local_drops + ms.loops_foreign, 0);
        dropped += ms.cover_dropped;
        if (r < NR) {
            mix_cover_stats cs;
            mix_cover_stats_get(mix_mixer_cover(sim_loop_proto(n.l, r)), &cs);
            cr_assert(cs.loop_sent > 0);
            cr_assert_eq(cs.loop_returned, cs.loop_sent, "relay %u", r);
            cr_assert_eq(ms.loops_returned, cs.loop_returned);
            cr_assert_eq(cs.send_errors, 0);
            drops += cs.drop_sent;
            loops += cs.loop_returned;
        }
    }
    cr_assert_eq(dropped, drops);
    cr_assert_eq(sim_loop_count_results(n.l, UINT32_MAX, MIX_RES_LOOP_RTT), loops);
    net_free(&n);
}

Test(mixnet_e2e, reproducible_from_seed)
{
    net a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    run_e2e(&a, 33);
    run_e2e(&b, 33);
    cr_assert_eq(sim_loop_result_count(a.l), sim_loop_result_count(b.l));
    for (size_t i = 0; i < sim_loop_result_count(a.l); i++) {
        const sim_loop_result *x = sim_loop_result_at(a.l, i), *y = sim_loop_result_at(b.l, i);
        cr_assert_eq(x->node, y->node);
        cr_assert_eq(x->time, y->time);
        cr_assert_eq(x->len, y->len);
        cr_assert(memcmp(x->data, y->data, x->len) == 0);
    }
    net_free(&a);
    net_free(&b);
}
