/* bench/bench_zk_elgamal.c -- placeholder until the module lands. */
#include "bench.h"

void bench_zk_elgamal(bench_ctx *ctx)
{
    (void)ctx;
}
