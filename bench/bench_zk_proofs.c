/* bench/bench_zk_proofs.c -- placeholder until the module lands. */
#include "bench.h"

void bench_zk_proofs(bench_ctx *ctx)
{
    (void)ctx;
}
