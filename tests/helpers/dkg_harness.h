/* tests/helpers/dkg_harness.h -- runs mpc/dkg among N nodes on the
 * deterministic sim_loop, with real Ed25519 identity keys (a thin
 * driver wrapper answers sh_drv_peer_key), and checks the outcome:
 * agreement of the honest nodes, the blamed set, and that the shares
 * combine to the secret of the group key. */
#ifndef SHROUD_TESTS_DKG_HARNESS_H
#define SHROUD_TESTS_DKG_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/dkg.h"
#include "sim/loop.h"

#define DKG_H_MAX 64

typedef struct dkg_h_wrap {
    sh_driver d;
    const sh_driver *inner;
    struct dkg_h *h;
} dkg_h_wrap;

typedef struct dkg_h {
    /* set before dkg_h_start */
    mpc_group *g;
    uint32_t n;                         /* nodes = peers */
    mpc_dkg_cfg cfg;                    /* common part (sid, mode, committees, ...) */
    mpc_dkg_faults faults[DKG_H_MAX];
    int faulty[DKG_H_MAX];              /* 1: faults[i] applies */
    mpc_scalar *old_share[DKG_H_MAX];   /* per peer, NULL if none */
    sim_loop_cfg lcfg;               /* seed, latency, loss, filter ... */
    /* identity keys */
    uint8_t sk[DKG_H_MAX][64];
    uint8_t pk[DKG_H_MAX][32];
    /* the run */
    dkg_h_wrap wrap[DKG_H_MAX];
    sim_loop *l;
    /* collected after the run */
    mpc_scalar share[DKG_H_MAX];        /* indexed by peer */
    int has_share[DKG_H_MAX];
} dkg_h;

/* Fill h with defaults: n nodes, FRESH, n_holders = n, threshold t, the
 * group gid, round 50 ms, latency 1 ms, seed from seed_byte. */
void dkg_h_init(dkg_h *h, mpc_group_id gid, uint32_t n, uint32_t t, uint8_t seed_byte);
/* Build the loop (every node's instance; its start is queued). */
void dkg_h_start(dkg_h *h);
/* Build the loop if not yet done, and run it until quiet. */
void dkg_h_run(dkg_h *h);
/* The reason node `node` blames peer p for (0 if it does not). */
mpc_dkg_reason dkg_h_reason(const dkg_h *h, uint32_t node, uint32_t p);
void dkg_h_free(dkg_h *h);

mpc_dkg *dkg_h_node(const dkg_h *h, uint32_t i);
/* Every honest node (faulty[i] == 0) that is a holder or dealer: DONE,
 * with the same group key, qualified set and outcome hash; the qualified
 * set equals the dealers not in `bad` (a bit set of dealer indices), and
 * each honest node blames exactly the peers in bad_peers (bit set). The
 * group key is written to *Y.  Exports the honest holders' shares. */
void dkg_h_check_done(dkg_h *h, uint64_t bad_dealers, uint64_t bad_peers, mpc_elem *Y);
/* Shares of the holders listed (peer ids) combine to y with y*B == Y. */
void dkg_h_check_combine(const dkg_h *h, const uint32_t *holders, size_t k,
                         const mpc_elem *Y, int expect_equal);
/* The honest nodes' handler errors and misuse are zero. */
void dkg_h_check_healthy(const dkg_h *h);

/* Peer ids 0..n-1 as a holder list helper. */
uint64_t dkg_h_bit(uint32_t i);

#endif
