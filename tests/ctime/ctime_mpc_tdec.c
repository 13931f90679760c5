/* tests/ctime/ctime_mpc_tdec.c -- constant-time check of a party's secret
 * share in threshold decryption and in the beacon (see ctime_zk.c for the
 * method): the share is poisoned before the party's secret is set up, so
 * its verification key, its partial decryptions with their proof and its
 * beacon share are all tracked.  What the protocol publishes is
 * declassified by the library where it is published. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/beacon.h"
#include "mpc/tdec.h"
#include "util/ct.h"
#include "util/rng.h"
#include "ctime.h"

#define T 2
#define N 3
#define COUNT 2
#define W 2

int main(void)
{
    static const uint8_t seed[SH_RNG_SEEDBYTES] = { 0x7d };
    CHECK(sodium_init() >= 0);
    sh_rng *rng = sh_rng_chacha_new(seed);
    mpc_group *g = mpc_group_new(MPC_RISTRETTO255, rng);
    CHECK(rng != NULL && g != NULL);
    mpc_scalar *shares = mpc_scalars_alloc(N), secret;
    mpc_elem *C = mpc_elems_alloc(T);
    zk_elgamal_ct *ct = zk_aligned_alloc(COUNT * W, sizeof *ct);
    zk_point *m = zk_points_alloc(COUNT * W);
    CHECK(shares != NULL && C != NULL && ct != NULL && m != NULL);
    mpc_scalar_random(g, &secret, rng);
    CHECK(mpc_shamir_split(g, shares, C, &secret, T, N, rng) == 0);
    mpc_tdec_pub pk;
    CHECK(mpc_tdec_pub_init_feldman(&pk, C, T, N) == 0);
    for (size_t k = 0; k < COUNT * W; k++) {
        zk_scalar r;
        zk_scalar_random(&r, rng);
        zk_point_mul_base(&m[k], &r);
    }
    CHECK(zk_elgamal_encrypt(ct, NULL, &pk.Y.p, m, COUNT * W, rng) == 0);
    mpc_tdec_batch b;
    CHECK(mpc_tdec_batch_init(&b, &pk, (const uint8_t *)"ctime", 5, ct, COUNT, W) == 0);

    mpc_tdec_secret sk;
    mpc_tdec_partials *p = mpc_tdec_partials_new(COUNT, W);
    CHECK(p != NULL);
    sh_ct_poison(&shares[0], sizeof shares[0]);
    CHECK(mpc_tdec_secret_init(&sk, 1, &shares[0].r) == 0);
    CHECK(mpc_tdec_partial(p, &b, &sk, rng) == 0);
    const mpc_tdec_partials *pp[1] = { p };
    int status[1];
    CHECK(mpc_tdec_verify(&pk, &b, pp, 1, rng, status) == 0);

    mpc_beacon_ctx bc;
    CHECK(mpc_beacon_ctx_init(&bc, &pk.Y, (const uint8_t *)"epoch 7", 7) == 0);
    mpc_beacon_share bs;
    CHECK(mpc_beacon_share_make(&bs, &bc, &sk, rng) == 0);

    mpc_tdec_secret_wipe(&sk);
    mpc_tdec_partials_free(p);
    mpc_tdec_batch_clear(&b);
    mpc_tdec_pub_clear(&pk);
    free(ct);
    zk_points_free(m, COUNT * W);
    mpc_elems_free(C, T);
    mpc_scalars_free(shares, N);
    mpc_group_free(g);
    sh_rng_free(rng);
    puts("ctime_mpc_tdec: ok");
    return 0;
}
