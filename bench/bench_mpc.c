/* bench/bench_mpc.c -- `shroud bench mpc`: threshold cryptography.
 *
 * For each group: its fixed-base scalar multiplication (the baseline of
 * that group's figures), Shamir sharing, FROST signing for its
 * ciphersuites and the DKG (ristretto255 for the session key, the other
 * two for vault keys); on ristretto255 also threshold decryption. */
#include "bench.h"

#include <stdio.h>
#include "mpc/group.h"

int bench_suite_mpc(bench_ctx *ctx)
{
    static const mpc_group_id ids[] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };
    ctx->suite = "mpc";
    sh_rng *rng = sh_rng_os_new();
    if (rng == NULL) {
        fputs("shroud bench mpc: cannot open the system RNG\n", stderr);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        mpc_group *g = mpc_group_new(ids[i], rng);
        if (g == NULL) {
            fprintf(stderr, "shroud bench mpc: cannot set up group %d\n", (int)ids[i]);
            rc = -1;
            continue;
        }
        bench_mpc_shamir(ctx, g, rng);
        bench_mpc_frost(ctx, g, rng);
        if (ids[i] == MPC_RISTRETTO255)
            bench_mpc_tdec(ctx, rng);
        bench_mpc_dkg(ctx, g, rng);
        mpc_group_free(g);
    }
    ctx->baseline = NULL;
    sh_rng_free(rng);
    return rc;
}
