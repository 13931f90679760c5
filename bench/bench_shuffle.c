/* bench/bench_shuffle.c -- `shroud bench shuffle`: the verifiable shuffle
 * (zk/shuffle.h), per ciphertext, against variable-base scalarmul.
 *
 * The baseline of a configuration's ratios is the fastest of scalarmul
 * samples taken beside its timed calls (base_samples).
 * Figures (per = "ciphertext"), for N = 1000, 10000, 100000 at width 1 and
 * N = 10000 at width 7, each with 1 thread and with all cores:
 *   shuffle          zk_shuffle (permute and re-encrypt)
 *   shuffle_prove    zk_shuffle_prove
 *   shuffle_verify   decoding the output batch from its wire bytes (with
 *                    the proof's hints: zk_shuffle_output_decode) and
 *                    zk_shuffle_verify (the generators are built once per
 *                    batch size and shared by a cascade: shuffle_gens)
 *   shuffle_gens     zk_shuffle_gens_init, per generator
 * and the proof size ("bytes") and the peak resident memory of the process
 * after the N = 100000 width-1 runs ("peak_memory", bytes).
 * Multi-threaded figures use the wall clock ("clock":"wall"); with
 * --elapsed (wall clock for the 1-thread runs too) they also carry
 * "speedup", the 1-thread time over theirs.
 * Environment: SHROUD_BENCH_SHUFFLE_N=100000 (or a comma-separated list)
 * runs only those batch sizes; SHROUD_BENCH_SHUFFLE_THREADS=T uses T
 * threads for the multi-threaded runs instead of all cores;
 * SHROUD_BENCH_SHUFFLE_REPEAT=R (1 to 20, default 1) times prove and verify
 * R times each and reports the fastest, as the baseline beside them is the
 * fastest of three runs (one call at N = 100000 lasts seconds, long enough
 * for a neighbour's burst to land in it). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "zk/shuffle.h"
#include "util/pool.h"

typedef struct mul_arg {
    zk_point p;
    zk_scalar s;
} mul_arg;

static void do_scalarmul(void *arg)
{
    mul_arg *a = arg;
    zk_point_mul(&a->p, &a->p, &a->s);
}

#define BASE_SAMPLE_NS 20000000.0   /* one baseline sample: about 20 ms */
#define BASE_SAMPLES 3              /* samples beside each timed call */

/* The baseline beside a timed call: BASE_SAMPLES samples of about 20 ms,
 * folded into *best (ns per scalarmul; 0 = none yet).  Samples taken
 * seconds apart, beside the calls they are compared with, see the same
 * machine those calls saw, where one measurement before a configuration
 * of several minutes may not. */
static void base_samples(const bench_ctx *c, mul_arg *a, double estimate_ns, double *best)
{
    uint64_t iters = (uint64_t)(BASE_SAMPLE_NS / (estimate_ns > 1000 ? estimate_ns : 1000)) + 1;
    for (int k = 0; k < BASE_SAMPLES; k++) {
        double per = bench_sample(c, do_scalarmul, a, iters);
        if (*best == 0 || per < *best)
            *best = per;
    }
}

/* single[0..1]: the 1-thread prove and verify times (ns per ciphertext),
 * written by the 1-thread run and read by the multi-threaded one, which
 * then reports "speedup" when both used the wall clock (--elapsed). */
static double run_config(bench_ctx *base, size_t n, size_t w, unsigned threads,
                         unsigned repeat, const zk_elem *pk, sh_rng *rng, mul_arg *ma,
                         double scalarmul_estimate, double single[2])
{
    bench_ctx c = *base;
    if (threads > 1)
        c.elapsed = 1;
    sh_pool *pool = threads > 1 ? sh_pool_new(threads) : NULL;
    zk_shuffle_batch in = { 0 }, out = { 0 }, dec = { 0 };
    zk_shuffle_secret sec = { 0 };
    zk_shuffle_gens g = { 0 };
    zk_shuffle_ctx cx = { 1, 1, 0 };
    uint8_t seed[32] = { 1 }, *proof = NULL, *wire = NULL;
    char extra[160], extra_p[512], extra_v[512];
    size_t plen = zk_shuffle_proof_size(n, w), wlen = zk_shuffle_batch_size(n, w);
    int ok = 0;

    /* Input: random points as ciphertext components (the cost of the
     * shuffle does not depend on what they encrypt). */
    if (zk_shuffle_batch_alloc(&in, n, w) != 0)
        goto done;
    {
        zk_elgamal_ct *ct = zk_aligned_alloc(n * w, sizeof *ct);
        if (ct == NULL)
            goto done;
        for (size_t i = 0; i < n * w; i++) {
            uint8_t h[64];
            sh_rng_bytes(rng, h, sizeof h);
            zk_point_from_hash(&ct[i].c1, h);
            zk_point_dbl(&ct[i].c2, &ct[i].c1);
            zk_point_add(&ct[i].c2, &ct[i].c2, &pk->p);
        }
        zk_shuffle_batch_set(&in, ct, pool);
        free(ct);
    }
    proof = malloc(plen);
    wire = malloc(wlen);
    if (proof == NULL || wire == NULL)
        goto done;

    /* scalarmul_estimate sizes the baseline samples; the ratios use the
     * fastest sample taken beside this configuration's calls. */
    double base_ns = 0;
    base_samples(&c, ma, scalarmul_estimate, &base_ns);
    uint64_t t0 = bench_now_ns(&c);
    if (zk_shuffle_gens_init(&g, seed, n, pool) != 0)
        goto done;
    uint64_t t1 = bench_now_ns(&c);
    if (zk_shuffle(&out, &sec, pk, &in, rng, pool) != 0)
        goto done;
    uint64_t t2 = bench_now_ns(&c);
    if (zk_shuffle_batch_encode(wire, wlen, &out) != 0)
        goto done;
    uint64_t prove_t = UINT64_MAX, verify_t = UINT64_MAX;
    for (unsigned r = 0; r < repeat; r++) {
        /* each round proves the same statement: fresh nonces, an equally
         * valid proof */
        base_samples(&c, ma, scalarmul_estimate, &base_ns);
        uint64_t a0 = bench_now_ns(&c);
        if (zk_shuffle_prove(proof, plen, &g, pk, &cx, &in, &out, &sec, rng, pool) != 0)
            goto done;
        uint64_t a1 = bench_now_ns(&c);
        zk_shuffle_batch_free(&dec);
        base_samples(&c, ma, scalarmul_estimate, &base_ns);
        uint64_t a2 = bench_now_ns(&c);
        if (zk_shuffle_output_decode(&dec, wire, wlen, proof, plen, NULL, pool) != 0
            || zk_shuffle_verify(proof, plen, &g, pk, &cx, &in, &dec, pool, NULL) != 0)
            goto done;
        uint64_t a3 = bench_now_ns(&c);
        if (a1 - a0 < prove_t)
            prove_t = a1 - a0;
        if (a3 - a2 < verify_t)
            verify_t = a3 - a2;
    }
    base_samples(&c, ma, scalarmul_estimate, &base_ns);
    ok = 1;

    double dn = (double)n;
    snprintf(extra, sizeof extra, "\"width\":%zu,\"threads\":%u", w, threads);
    bench_report_paired(&c, "shuffle_gens", n, (double)(t1 - t0) / dn, "generator",
                        base_ns, extra);
    bench_report_paired(&c, "shuffle", n, (double)(t2 - t1) / dn, "ciphertext",
                        base_ns, extra);
    double prove_ns = (double)prove_t / dn, verify_ns = (double)verify_t / dn;
    snprintf(extra_p, sizeof extra_p, "%s", extra);
    snprintf(extra_v, sizeof extra_v, "%s", extra);
    if (threads == 1) {
        single[0] = prove_ns;
        single[1] = verify_ns;
    } else if (base->elapsed && single[0] > 0 && single[1] > 0) {
        snprintf(extra_p, sizeof extra_p, "%s,\"speedup\":%.2f", extra, single[0] / prove_ns);
        snprintf(extra_v, sizeof extra_v, "%s,\"speedup\":%.2f", extra, single[1] / verify_ns);
    }
    bench_report_paired(&c, "shuffle_prove", n, prove_ns, "ciphertext", base_ns, extra_p);
    bench_report_paired(&c, "shuffle_verify", n, verify_ns, "ciphertext", base_ns,
                        extra_v);
    if (threads == 1) {
        snprintf(extra, sizeof extra, "\"width\":%zu,\"threads\":%u,\"bytes\":%zu", w,
                 threads, plen);
        bench_report(&c, "shuffle_proof_size", n, 0, "proof", extra);
    }
done:
    if (!ok)
        bench_report(&c, "shuffle", n, 0, "ciphertext", "\"error\":\"failed\"");
    free(proof);
    free(wire);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
    zk_shuffle_batch_free(&dec);
    zk_shuffle_secret_free(&sec);
    zk_shuffle_gens_free(&g);
    sh_pool_free(pool);
    return ok ? 0 : -1;
}

/* 1 if n is one of the comma-separated decimal numbers of list. */
static int size_listed(const char *list, size_t n)
{
    while (*list != '\0') {
        char *end;
        unsigned long long v = strtoull(list, &end, 10);
        if (end == list)
            return 0;
        if (v == n)
            return 1;
        list = *end == ',' ? end + 1 : end;
    }
    return 0;
}

int bench_suite_shuffle(bench_ctx *ctx)
{
    ctx->suite = "shuffle";
    mul_arg *a = zk_aligned_alloc(1, sizeof *a);
    sh_rng *rng = sh_rng_os_new();
    if (a == NULL || rng == NULL) {
        free(a);
        return -1;
    }
    zk_scalar_random(&a->s, rng);
    zk_point_mul_base(&a->p, &a->s);
    double smul = bench_time(ctx, do_scalarmul, a);
    bench_report_baseline(ctx, "scalarmul", 1, smul, "op");

    zk_scalar sk;
    zk_point p;
    zk_elem pk;
    zk_elgamal_keygen(&sk, &p, rng);
    zk_elem_set(&pk, &p);
    zk_scalar_wipe(&sk);

    unsigned cores = sh_pool_cores();
    /* SHROUD_BENCH_SHUFFLE_N=N[,N...] limits the run to those batch sizes
     * (SHROUD_BENCH_SHUFFLE_THREADS=T: T threads instead of all cores). */
    const char *only = getenv("SHROUD_BENCH_SHUFFLE_N");
    const char *tenv = getenv("SHROUD_BENCH_SHUFFLE_THREADS");
    if (tenv != NULL && atoi(tenv) >= 1 && atoi(tenv) <= 64)
        cores = (unsigned)atoi(tenv);
    const char *renv = getenv("SHROUD_BENCH_SHUFFLE_REPEAT");
    unsigned repeat = 1;
    if (renv != NULL && atoi(renv) >= 1 && atoi(renv) <= 20)
        repeat = (unsigned)atoi(renv);
    const struct { size_t n, w; } cfg[] = { { 1000, 1 }, { 10000, 1 }, { 100000, 1 },
                                           { 10000, 7 } };
    int rc = 0;
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        if (only != NULL && !size_listed(only, cfg[i].n))
            continue;
        /* the baseline's estimate again, next to each configuration (each
         * run also samples it beside every timed call) */
        smul = bench_time(ctx, do_scalarmul, a);
        double single[2] = { 0, 0 };
        rc |= (int)run_config(ctx, cfg[i].n, cfg[i].w, 1, repeat, &pk, rng, a, smul, single);
        if (cores > 1)
            rc |= (int)run_config(ctx, cfg[i].n, cfg[i].w, cores, repeat, &pk, rng, a, smul, single);
        if (cfg[i].n == 100000 && cfg[i].w == 1) {
            struct rusage ru;
            char extra[96];
            getrusage(RUSAGE_SELF, &ru);
            snprintf(extra, sizeof extra, "\"width\":1,\"bytes\":%llu",
                     (unsigned long long)ru.ru_maxrss * 1024ULL);
            bench_report(ctx, "peak_memory", cfg[i].n, 0, "process", extra);
        }
    }
    free(a);
    return rc;
}
