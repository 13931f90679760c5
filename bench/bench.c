/* bench/bench.c -- timing and reporting for `shroud bench`. */
#include "bench.h"

#include <string.h>
#include <time.h>

uint64_t bench_now_ns(const bench_ctx *ctx)
{
    struct timespec ts;
    clock_gettime(ctx->elapsed ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_sample(const bench_ctx *ctx, void (*fn)(void *arg), void *arg, uint64_t iters)
{
    uint64_t t0 = bench_now_ns(ctx);
    for (uint64_t i = 0; i < iters; i++)
        fn(arg);
    return (double)(bench_now_ns(ctx) - t0) / (double)iters;
}

/* Double the call count until one sample lasts at least target_ns (or 2^30
 * calls); returns that count, and in *per the last sample's ns per call. */
static uint64_t time_doubling(const bench_ctx *ctx, void (*fn)(void *arg), void *arg,
                              double target_ns, double *per)
{
    uint64_t iters = 1;
    for (;;) {
        *per = bench_sample(ctx, fn, arg, iters);
        if (*per * (double)iters >= target_ns || iters >= (1u << 30))
            return iters;
        iters *= 2;
    }
}

/* One timed run: double the count until at least min_seconds pass. */
static double time_once(const bench_ctx *ctx, void (*fn)(void *arg), void *arg)
{
    double per;
    (void)time_doubling(ctx, fn, arg, ctx->min_seconds * 1e9, &per);
    return per;
}

double bench_time(const bench_ctx *ctx, void (*fn)(void *arg), void *arg)
{
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double per = time_once(ctx, fn, arg);
        if (rep == 0 || per < best)
            best = per;
    }
    return best;
}

/* Paired timing.  A long run averages over whatever the machine's
 * neighbours did meanwhile, and two runs of a few hundred milliseconds taken
 * one after the other rarely see the same neighbours.  Many short samples,
 * alternating between the two functions, keeping the fastest of each, give
 * both the same chance of an undisturbed sample: the minimum is the cost of
 * the code, and the ratio of the minima is stable where the ratio of two
 * long averages was not (onion_peel against ecdh spread from 2.09 to 2.52
 * over eleven runs of the five-round version this replaced). */
#define PAIR_SAMPLES_PER_RUN 50   /* a sample is min_seconds / this */
#define PAIR_RUNS 10              /* measuring time per function: this many min_seconds */
#define PAIR_MIN_ROUNDS 5
#define PAIR_MAX_ROUNDS 2000

void bench_time_pair(const bench_ctx *ctx, void (*fa)(void *), void *arg_a,
                     void (*fb)(void *), void *arg_b, double *a_ns, double *b_ns)
{
    const double sample_ns = ctx->min_seconds * 1e9 / PAIR_SAMPLES_PER_RUN;
    const double budget_ns = ctx->min_seconds * 1e9 * PAIR_RUNS;
    double a, b;
    uint64_t na = time_doubling(ctx, fa, arg_a, sample_ns, &a);
    uint64_t nb = time_doubling(ctx, fb, arg_b, sample_ns, &b);
    double spent_a = 0, spent_b = 0;
    for (int r = 0; r < PAIR_MAX_ROUNDS; r++) {
        if (r >= PAIR_MIN_ROUNDS && spent_a >= budget_ns && spent_b >= budget_ns)
            break;
        a = bench_sample(ctx, fa, arg_a, na);
        b = bench_sample(ctx, fb, arg_b, nb);
        spent_a += a * (double)na;
        spent_b += b * (double)nb;
        if (r == 0 || a < *a_ns)
            *a_ns = a;
        if (r == 0 || b < *b_ns)
            *b_ns = b;
    }
}

void bench_time_vs_baseline(const bench_ctx *ctx, void (*fn)(void *), void *arg,
                            double *ns, double *base_ns)
{
    if (ctx->baseline_fn == NULL) {
        *ns = bench_time(ctx, fn, arg);
        *base_ns = ctx->baseline_ns;
        return;
    }
    bench_time_pair(ctx, fn, arg, ctx->baseline_fn, ctx->baseline_arg, ns, base_ns);
}

void bench_report_paired(const bench_ctx *ctx, const char *name, uint64_t n, double ns,
                         const char *per, double base_ns, const char *extra)
{
    bench_ctx c = *ctx;
    c.baseline_ns = base_ns;
    bench_report(&c, name, n, ns, per, extra);
}

void bench_report(const bench_ctx *ctx, const char *name, uint64_t n, double ns,
                  const char *per, const char *extra)
{
    int has_ratio = ctx->baseline != NULL && ctx->baseline_ns > 0
                    && strcmp(ctx->baseline, name) != 0;
    if (ctx->json) {
        fprintf(ctx->out, "{\"bench\":\"%s\",\"name\":\"%s\",\"n\":%llu,\"ns\":%.1f,\"per\":\"%s\","
                "\"clock\":\"%s\"", ctx->suite, name, (unsigned long long)n, ns, per,
                ctx->elapsed ? "wall" : "cpu");
        if (has_ratio)
            fprintf(ctx->out, ",\"baseline\":\"%s\",\"ratio\":%.4f", ctx->baseline,
                    ns / ctx->baseline_ns);
        if (extra != NULL && extra[0] != '\0')
            fprintf(ctx->out, ",%s", extra);
        fputs("}\n", ctx->out);
    } else {
        fprintf(ctx->out, "%-24s n=%-8llu %14.1f ns/%-8s", name, (unsigned long long)n, ns, per);
        if (has_ratio)
            fprintf(ctx->out, "  %7.4f x %s", ns / ctx->baseline_ns, ctx->baseline);
        if (extra != NULL && extra[0] != '\0')
            fprintf(ctx->out, "  {%s}", extra);
        fputc('\n', ctx->out);
    }
    fflush(ctx->out);
}

void bench_set_baseline(bench_ctx *ctx, const char *name, double ns)
{
    ctx->baseline = name;
    ctx->baseline_ns = ns;
}

void bench_report_baseline(bench_ctx *ctx, const char *name, uint64_t n, double ns,
                           const char *per)
{
    ctx->baseline = name;
    ctx->baseline_ns = ns;
    bench_report(ctx, name, n, ns, per, NULL);
}
