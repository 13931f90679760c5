/* tests/helpers/mixnet_net.h -- a small mix network on sim/loop shared by
 * the mixnet tests (cover traffic, end to end). */
#ifndef SHROUD_TESTS_MIXNET_NET_H
#define SHROUD_TESTS_MIXNET_NET_H

#include <stddef.h>
#include <stdint.h>
#include "mixnet/cover.h"
#include "mixnet/frame.h"
#include "mixnet/mixer.h"
#include "mixnet/path.h"
#include "sim/loop.h"

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

typedef struct mtn_net {
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
} mtn_net;

/* Keys, keyrings, replay stores and the topology for n_wallets wallets. */
void mtn_init(mtn_net *n, uint32_t n_wallets, uint64_t seed);
/* The loop (every node's instance queued to start). */
void mtn_start(mtn_net *n, uint64_t seed);
void mtn_free(mtn_net *n);
/* Run to time t, switch every node's cover off, run until quiet. */
void mtn_quiesce(mtn_net *n, uint64_t t);
/* No node rejected a message, failed a handler or misused the driver. */
void mtn_no_rejects(mtn_net *n);

#endif
