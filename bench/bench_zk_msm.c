/* bench/bench_zk_msm.c -- placeholder until the module lands. */
#include "bench.h"

void bench_zk_msm(bench_ctx *ctx)
{
    (void)ctx;
}
