/* bench/bench_zk_msm.c -- multi-scalar multiplication, per point.
 *
 * Figures: `msm` at n = 64, 1000, 10000, 100000 (random full-length
 * scalars), and `msm_half` at n = 2000 where half the scalars are 128-bit,
 * as in batch verification; its extra fields give the all-full MSM of the
 * same size measured in the same run and the ratio of the two, so the
 * saving from short scalars is visible.  Inputs are prepared once, outside
 * the timed calls, from a fixed seed (every run times the same inputs).
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#include "zk/msm.h"

#define MSM_BENCH_MAX 100000
#define MSM_HALF_N 2000
#define MSM_SHORT_BITS 128

typedef struct msm_args {
    const zk_scalar *s;
    const zk_point *p;
    size_t n;
    zk_point out;
    int failed;
} msm_args;

static void do_msm(void *arg)
{
    msm_args *a = arg;
    if (zk_msm(&a->out, a->s, a->p, a->n) != 0)
        a->failed = 1;
}

/* ns per point of zk_msm on the first n inputs, timed paired with the
 * scalarmul baseline (*base_ns).  One MSM of 10^5 points takes about half a
 * second, so the large sizes are timed with a shorter minimum (single
 * calls) to keep the suite's time bounded. */
static double time_msm(const bench_ctx *ctx, const zk_scalar *s, const zk_point *p, size_t n,
                       double *base_ns)
{
    bench_ctx c = *ctx;
    if (n >= 10000 && c.min_seconds > 0.1)
        c.min_seconds = 0.1;
    msm_args a = { .s = s, .p = p, .n = n, .failed = 0 };
    double ns;
    bench_time_vs_baseline(&c, do_msm, &a, &ns, base_ns);
    if (a.failed)
        return -1;
    return ns / (double)n;
}

void bench_zk_msm(bench_ctx *ctx)
{
    static const uint8_t seed[SH_RNG_SEEDBYTES] = { 'b', 'e', 'n', 'c', 'h', '-', 'm', 's', 'm' };
    static const size_t sizes[] = { 64, 1000, 10000, MSM_BENCH_MAX };
    sh_rng *rng = sh_rng_chacha_new(seed);
    zk_scalar *s = malloc(MSM_BENCH_MAX * sizeof *s);
    zk_scalar *half = malloc(MSM_HALF_N * sizeof *half);
    zk_point *p = zk_points_alloc(MSM_BENCH_MAX);
    if (rng == NULL || s == NULL || half == NULL || p == NULL) {
        bench_report(ctx, "msm", 0, 0, "point", "\"error\":\"out of memory\"");
        goto out;
    }

    /* Random scalars; points P_i = P_0 + i*D for random P_0 and D (one
     * addition each: the cost of an MSM does not depend on how the points
     * are related, only the preparation time does). */
    zk_scalar k;
    zk_point d;
    zk_scalar_random(&k, rng);
    zk_point_mul_base(&d, &k);
    zk_scalar_random(&k, rng);
    zk_point_mul_base(&p[0], &k);
    for (size_t i = 0; i < MSM_BENCH_MAX; i++) {
        zk_scalar_random(&s[i], rng);
        if (i > 0)
            zk_point_add(&p[i], &p[i - 1], &d);
    }
    for (size_t i = 0; i < MSM_HALF_N; i++) {
        if (i % 2 == 0) {
            uint8_t b[ZK_SCALAR_BYTES] = { 0 };
            sh_rng_bytes(rng, b, MSM_SHORT_BITS / 8);
            if (zk_scalar_decode(&half[i], b) != 0)   /* cannot fail: < 2^128 */
                zk_scalar_zero(&half[i]);
        } else {
            half[i] = s[i];
        }
    }

    for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
        double base;
        double ns = time_msm(ctx, s, p, sizes[j], &base);
        bench_report_paired(ctx, "msm", sizes[j], ns, "point", base,
                            ns < 0 ? "\"error\":\"zk_msm failed\"" : NULL);
    }

    double base_full, base_half;
    double full = time_msm(ctx, s, p, MSM_HALF_N, &base_full);
    double short_half = time_msm(ctx, half, p, MSM_HALF_N, &base_half);
    char extra[128];
    snprintf(extra, sizeof extra, "\"short_bits\":%d,\"full_ns\":%.1f,\"vs_full\":%.4f",
             MSM_SHORT_BITS, full, full > 0 ? short_half / full : 0.0);
    bench_report_paired(ctx, "msm_half", MSM_HALF_N, short_half, "point", base_half, extra);

out:
    free(s);
    free(half);
    free(p);
    sh_rng_free(rng);
}
