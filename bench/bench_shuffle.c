/* bench/bench_shuffle.c -- `shroud bench shuffle`: the verifiable shuffle
 * (zk/shuffle.h), per ciphertext, against variable-base scalarmul.
 *
 * Figures (per = "ciphertext"), for N = 1000, 10000, 100000 at width 1 and
 * N = 10000 at width 7, each with 1 thread and with all cores:
 *   shuffle          zk_shuffle (permute and re-encrypt)
 *   shuffle_prove    zk_shuffle_prove
 *   shuffle_verify   decoding the output batch from its wire bytes and
 *                    zk_shuffle_verify (the generators are built once per
 *                    batch size and shared by a cascade: shuffle_gens)
 *   shuffle_gens     zk_shuffle_gens_init, per generator
 * and the proof size ("bytes") and the peak resident memory of the process
 * after the N = 100000 width-1 runs ("peak_memory", bytes).
 * Multi-threaded figures use the wall clock ("clock":"wall"). */
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

static double run_config(bench_ctx *base, size_t n, size_t w, unsigned threads,
                         const zk_elem *pk, sh_rng *rng, double scalarmul_ns)
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
    char extra[160];
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

    uint64_t t0 = bench_now_ns(&c);
    if (zk_shuffle_gens_init(&g, seed, n, pool) != 0)
        goto done;
    uint64_t t1 = bench_now_ns(&c);
    if (zk_shuffle(&out, &sec, pk, &in, rng, pool) != 0)
        goto done;
    uint64_t t2 = bench_now_ns(&c);
    if (zk_shuffle_prove(proof, plen, &g, pk, &cx, &in, &out, &sec, rng, pool) != 0)
        goto done;
    uint64_t t3 = bench_now_ns(&c);
    if (zk_shuffle_batch_encode(wire, wlen, &out) != 0)
        goto done;
    uint64_t t4 = bench_now_ns(&c);
    if (zk_shuffle_batch_decode(&dec, wire, wlen, NULL, pool) != 0
        || zk_shuffle_verify(proof, plen, &g, pk, &cx, &in, &dec, pool, NULL) != 0)
        goto done;
    uint64_t t5 = bench_now_ns(&c);
    ok = 1;

    double dn = (double)n;
    snprintf(extra, sizeof extra, "\"width\":%zu,\"threads\":%u", w, threads);
    bench_report_paired(&c, "shuffle_gens", n, (double)(t1 - t0) / dn, "generator",
                        scalarmul_ns, extra);
    bench_report_paired(&c, "shuffle", n, (double)(t2 - t1) / dn, "ciphertext",
                        scalarmul_ns, extra);
    bench_report_paired(&c, "shuffle_prove", n, (double)(t3 - t2) / dn, "ciphertext",
                        scalarmul_ns, extra);
    bench_report_paired(&c, "shuffle_verify", n, (double)(t5 - t4) / dn, "ciphertext",
                        scalarmul_ns, extra);
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
    const struct { size_t n, w; } cfg[] = { { 1000, 1 }, { 10000, 1 }, { 100000, 1 },
                                           { 10000, 7 } };
    int rc = 0;
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        /* the baseline again, next to each configuration (noisy machines) */
        smul = bench_time(ctx, do_scalarmul, a);
        rc |= (int)run_config(ctx, cfg[i].n, cfg[i].w, 1, &pk, rng, smul);
        if (cores > 1)
            rc |= (int)run_config(ctx, cfg[i].n, cfg[i].w, cores, &pk, rng, smul);
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
