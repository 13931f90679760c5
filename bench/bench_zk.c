/* bench/bench_zk.c -- `shroud bench zk`: the zero-knowledge toolkit. */
#include "bench.h"

#include <stdlib.h>

int bench_suite_zk(bench_ctx *ctx)
{
    ctx->suite = "zk";
    bench_zk_group(ctx);     /* measures the scalarmul baseline first */
    bench_zk_msm(ctx);
    bench_zk_proofs(ctx);
    bench_zk_elgamal(ctx);
    free(ctx->baseline_arg);
    ctx->baseline_arg = NULL;
    ctx->baseline_fn = NULL;
    return 0;
}
