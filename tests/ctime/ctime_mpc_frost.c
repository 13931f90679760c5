/* tests/ctime/ctime_mpc_frost.c -- constant-time check of FROST signing
 * (see ctime_zk.c for the method) in every ciphersuite: the signer's share
 * is poisoned before the signer is created, so everything derived from it
 * -- the nonces of round one, the signature share of round two -- is
 * tracked.  What the protocol publishes (commitments, signature shares,
 * verdicts) is declassified by the library at the point it is published. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost.h"
#include "util/ct.h"
#include "util/rng.h"
#include "ctime.h"

#define T 3   /* each signer has two others: secp256k1 takes the Straus path */
#define N 4

static void run(mpc_frost_suite_id id, sh_rng *rng)
{
    mpc_frost_ctx *ctx = mpc_frost_ctx_new(id, rng);
    CHECK(ctx != NULL);
    mpc_frost_key_package *kps = mpc_frost_key_packages_alloc(N);
    mpc_frost_public_package pub = { .verifying_shares = mpc_elems_alloc(N) };
    mpc_frost_commitment *com = mpc_frost_commitments_alloc(T);
    CHECK(kps != NULL && pub.verifying_shares != NULL && com != NULL);
    CHECK(mpc_frost_keygen_dealer(ctx, T, N, NULL, rng, kps, &pub) == 0);

    mpc_frost_signer *s[T];
    uint64_t h[T];
    for (int i = 0; i < T; i++) {
        sh_ct_poison(&kps[i].share, sizeof kps[i].share);
        CHECK(mpc_frost_signer_new(ctx, &kps[i], &s[i]) == 0);
        CHECK(mpc_frost_round1(s[i], rng, &com[i], &h[i]) == 0);
    }
    static const uint8_t msg[] = "constant time";
    mpc_frost_signing_package pkg = { .commitments = com, .n = T, .msg = msg,
                                      .msg_len = sizeof msg - 1 };
    if (id == MPC_FROST_SECP256K1_TR)
        pkg.tweak.taproot = 1;
    mpc_frost_share sh[T];
    for (int i = 0; i < T; i++)
        CHECK(mpc_frost_round2(s[i], h[i], &pkg, &sh[i]) == 0);

    uint8_t sig[MPC_FROST_MAX_SIG_BYTES];
    size_t sig_len, n_bad;
    uint32_t bad[T];
    CHECK(mpc_frost_aggregate(ctx, &pub, &pkg, sh, T, sig, sizeof sig, &sig_len, bad,
                              &n_bad) == 0);

    for (int i = 0; i < T; i++)
        mpc_frost_signer_free(s[i]);
    mpc_frost_commitments_free(com, T);
    mpc_elems_free(pub.verifying_shares, N);
    mpc_frost_key_packages_free(kps, N);
    mpc_frost_ctx_free(ctx);
}

int main(void)
{
    sh_rng *rng = ctime_rng(0x5f);
    run(MPC_FROST_RISTRETTO255, rng);
    run(MPC_FROST_ED25519, rng);
    run(MPC_FROST_SECP256K1, rng);
    run(MPC_FROST_SECP256K1_TR, rng);
    sh_rng_free(rng);
    puts("ctime_mpc_frost: ok");
    return 0;
}
