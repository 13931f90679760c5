/* bench/bench_zk_group.c -- group operations; sets the scalarmul baseline. */
#include "bench.h"

#include <stdlib.h>
#include "zk/group.h"

typedef struct group_args {
    zk_point p, q;
    zk_scalar s;
    uint8_t enc[ZK_POINT_BYTES];
} group_args;

static void do_scalarmul(void *arg)
{
    group_args *a = arg;
    zk_point_mul(&a->p, &a->p, &a->s);
}

static void do_scalarmul_base(void *arg)
{
    group_args *a = arg;
    zk_point_mul_base(&a->p, &a->s);
}

static void do_point_add(void *arg)
{
    group_args *a = arg;
    zk_point_add(&a->p, &a->p, &a->q);
}

static void do_point_encode(void *arg)
{
    group_args *a = arg;
    uint8_t b[ZK_POINT_BYTES];
    zk_point_encode(b, &a->p);
    a->s.v.limb[0] ^= b[0];
}

static void do_point_decode(void *arg)
{
    group_args *a = arg;
    if (zk_point_decode(&a->p, a->enc) != 0)
        a->s.v.limb[0] ^= 1;    /* never happens; keeps the result used */
}

void bench_zk_group(bench_ctx *ctx)
{
    /* Heap, and handed to ctx: later parts of the suite time their figures
     * paired with the baseline (bench_suite_zk frees it). */
    group_args *a = zk_aligned_alloc(1, sizeof *a);
    sh_rng *rng = sh_rng_os_new();
    if (a == NULL || rng == NULL) {
        free(a);
        bench_report(ctx, "scalarmul", 0, 0, "op", "\"error\":\"setup failed\"");
        return;
    }
    zk_scalar_random(&a->s, rng);
    zk_point_mul_base(&a->p, &a->s);
    zk_point_dbl(&a->q, &a->p);
    zk_point_encode(a->enc, &a->q);
    ctx->baseline_fn = do_scalarmul;
    ctx->baseline_arg = a;

    bench_report_baseline(ctx, "scalarmul", 1, bench_time(ctx, do_scalarmul, a), "op");
    bench_report(ctx, "scalarmul_base", 1, bench_time(ctx, do_scalarmul_base, a), "op", NULL);
    bench_report(ctx, "point_add", 1, bench_time(ctx, do_point_add, a), "op", NULL);
    bench_report(ctx, "point_encode", 1, bench_time(ctx, do_point_encode, a), "op", NULL);
    bench_report(ctx, "point_decode", 1, bench_time(ctx, do_point_decode, a), "op", NULL);
}
