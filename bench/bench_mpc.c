/* bench/bench_mpc.c -- `shroud bench mpc`: threshold cryptography.
 *
 * For each group: its fixed-base scalar multiplication (the baseline of
 * that group's figures), Shamir sharing, FROST signing for its
 * ciphersuites and the DKG (ristretto255 for the session key, the other
 * two for vault keys); on ristretto255 also threshold decryption.
 *
 * Environment, to measure a part alone (the whole suite takes minutes):
 * SHROUD_BENCH_MPC_GROUPS=secp256k1[,ed25519,ristretto255] and
 * SHROUD_BENCH_MPC_PARTS=frost[,dkg,shamir,tdec] (comma-separated; unset
 * or empty means all).  Each group's baseline is measured whatever the
 * parts. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpc/group.h"

/* Whether name is in the comma-separated list of the environment variable
 * var (an unset or empty variable lists everything). */
static int listed(const char *var, const char *name)
{
    const char *l = getenv(var);
    size_t n = strlen(name);
    if (l == NULL || *l == '\0')
        return 1;
    for (const char *p = l;;) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        if (e == NULL)
            return 0;
        p = e + 1;
    }
}

/* Every name in var's list is one of names[0..n); else an error naming
 * it. */
static int known(const char *var, const char *const *names, size_t n)
{
    const char *l = getenv(var);
    if (l == NULL)
        return 1;
    for (const char *p = l; *p != '\0';) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        int ok = 0;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strlen(names[i]) == len && strncmp(p, names[i], len) == 0;
        if (!ok) {
            fprintf(stderr, "shroud bench mpc: %s: unknown name '%.*s'\n", var, (int)len, p);
            return 0;
        }
        if (e == NULL)
            break;
        p = e + 1;
    }
    return 1;
}

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
    static const char *parts[] = { "shamir", "frost", "tdec", "dkg" };
    static const char *groups[] = { "ristretto255", "ed25519", "secp256k1" };
    if (!known("SHROUD_BENCH_MPC_PARTS", parts, 4) || !known("SHROUD_BENCH_MPC_GROUPS", groups, 3)) {
        sh_rng_free(rng);
        return -1;
    }
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        mpc_group *g = mpc_group_new(ids[i], rng);
        if (g == NULL) {
            fprintf(stderr, "shroud bench mpc: cannot set up group %d\n", (int)ids[i]);
            rc = -1;
            continue;
        }
        if (!listed("SHROUD_BENCH_MPC_GROUPS", mpc_group_name(g))) {
            mpc_group_free(g);
            continue;
        }
        bench_mpc_shamir(ctx, g, rng, listed("SHROUD_BENCH_MPC_PARTS", "shamir"));
        if (listed("SHROUD_BENCH_MPC_PARTS", "frost"))
            bench_mpc_frost(ctx, g, rng);
        if (ids[i] == MPC_RISTRETTO255 && listed("SHROUD_BENCH_MPC_PARTS", "tdec"))
            bench_mpc_tdec(ctx, rng);
        if (listed("SHROUD_BENCH_MPC_PARTS", "dkg"))
            bench_mpc_dkg(ctx, g, rng);
        mpc_group_free(g);
    }
    ctx->baseline = NULL;
    sh_rng_free(rng);
    return rc;
}
