/* tests/helpers/mixnet_net.c -- see mixnet_net.h. */
#include "mixnet_net.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "testutil.h"

static int mtn_factory(void *arg, uint32_t node, const sh_driver *d, sh_proto *out)
{
    mtn_net *n = arg;
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

static int mtn_filter(void *arg, uint64_t time, uint32_t from, uint32_t to,
                      const uint8_t *msg, size_t len)
{
    mtn_net *n = arg;
    (void)time;
    (void)to;
    (void)msg;
    if (n->frame_len[from] != 0 && n->frame_len[from] != len)
        n->sizes_differ = 1;
    n->frame_len[from] = len;
    return 0;
}

void mtn_init(mtn_net *n, uint32_t n_wallets, uint64_t seed)
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

void mtn_start(mtn_net *n, uint64_t seed)
{
    sim_loop_cfg c = { .n_nodes = n->n_nodes, .latency_ns = 5000000, .jitter_ns = 1000000,
                       .factory = mtn_factory, .factory_arg = n,
                       .filter = mtn_filter, .filter_arg = n,
                       .peer_keys = (const uint8_t (*)[SH_PEER_KEY_BYTES])n->ids };
    memset(c.seed, 0, sizeof c.seed);
    memcpy(c.seed, &seed, sizeof seed);
    cr_assert_eq(sim_loop_new(&c, &n->l), 0);
}

void mtn_free(mtn_net *n)
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
void mtn_quiesce(mtn_net *n, uint64_t t)
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

void mtn_no_rejects(mtn_net *n)
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
