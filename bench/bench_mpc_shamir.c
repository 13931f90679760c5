/* bench/bench_mpc_shamir.c -- the group baselines and Shamir sharing. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include "mpc/shamir.h"

typedef struct shamir_args {
    const mpc_group *g;
    mpc_scalar secret, out;
    mpc_scalar shares[5];
    mpc_scalar ids[3];
    mpc_scalar sub[3];
    mpc_elem p;
    sh_rng *rng;
} shamir_args;

static void do_mul_base(void *arg)
{
    shamir_args *a = arg;
    mpc_elem_mul_base(a->g, &a->p, &a->secret);
}

static void do_split(void *arg)
{
    shamir_args *a = arg;
    if (mpc_shamir_split(a->g, a->shares, NULL, &a->secret, 3, 5, a->rng) != 0)
        abort();
}

static void do_combine(void *arg)
{
    shamir_args *a = arg;
    if (mpc_shamir_combine(a->g, &a->out, a->ids, a->sub, 3) != 0)
        abort();
}

void bench_mpc_shamir(bench_ctx *ctx, const struct mpc_group *g, sh_rng *rng, int shamir)
{
    shamir_args *a = zk_aligned_alloc(1, sizeof *a);
    if (a == NULL) {
        bench_report(ctx, "scalarmul_base", 0, 0, "op", "\"error\":\"out of memory\"");
        return;
    }
    a->g = g;
    a->rng = rng;
    char extra[96];
    mpc_scalar_random(g, &a->secret, rng);

    snprintf(extra, sizeof extra, "\"suite\":\"%s\"", mpc_group_name(g));
    /* Each group's figures are compared with its own fixed-base product. */
    ctx->baseline_fn = NULL;
    double base = bench_time(ctx, do_mul_base, a);
    bench_set_baseline(ctx, "scalarmul_base", base);
    bench_report(ctx, "scalarmul_base", 1, base, "op", extra);
    if (!shamir)
        goto out;

    if (mpc_shamir_split(g, a->shares, NULL, &a->secret, 3, 5, rng) != 0)
        abort();
    /* Parties 1, 3 and 5: a subset that is not a prefix. */
    for (int i = 0; i < 3; i++) {
        mpc_scalar_from_u64(g, &a->ids[i], (uint64_t)(2 * i + 1));
        a->sub[i] = a->shares[2 * i];
    }
    snprintf(extra, sizeof extra, "\"suite\":\"%s\",\"t\":3", mpc_group_name(g));
    bench_report(ctx, "shamir_split", 5, bench_time(ctx, do_split, a), "op", extra);
    bench_report(ctx, "shamir_combine", 5, bench_time(ctx, do_combine, a), "op", extra);
out:
    sodium_memzero(a, sizeof *a);
    free(a);
}
