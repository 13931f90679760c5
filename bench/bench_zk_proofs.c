/* bench/bench_zk_proofs.c -- Schnorr and DLEQ proofs: prove, verify, and
 * batch verify (per proof at n = 1000).
 *
 * Inputs are prepared outside the timed region.  The verify figures include
 * decoding the proof bytes (real work for a verifier) and copying a fresh
 * per-proof transcript; the statements (X, and H, Y for DLEQ) are given as
 * zk_elem, already decoded with their encodings, as a verifier holds them,
 * in the single and the batch figures alike, so that the two compare
 * fairly.  Every statement is distinct (n different
 * provers), so the batch verifier cannot merge MSM terms except the common
 * base point.  The batch figures also state their ratio to the single
 * verification measured just before ("vs_ratio"): the acceptance target of
 * issue 2 is schnorr_batch_verify <= 0.3 x schnorr_verify.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zk/dleq.h"
#include "zk/schnorr.h"

#define BATCH_N 1000

typedef struct proof_args {
    sh_rng *rng;
    zk_transcript base;          /* domain and context, before the proof */
    zk_transcript t[BATCH_N];    /* per-proof transcripts, reset each run */
    zk_scalar x[BATCH_N];
    zk_elem H[BATCH_N], X[BATCH_N], Y[BATCH_N];
    uint8_t sp[BATCH_N][ZK_SCHNORR_PROOF_BYTES];
    uint8_t dp[BATCH_N][ZK_DLEQ_PROOF_BYTES];
    size_t next;                 /* which proof the single figures use */
    int failures;                /* must stay 0: a benchmark of failures is meaningless */
} proof_args;

static void do_schnorr_prove(void *arg)
{
    proof_args *a = arg;
    zk_transcript t = a->base;
    uint8_t proof[ZK_SCHNORR_PROOF_BYTES];
    size_t i = a->next++ % BATCH_N;
    a->failures += zk_schnorr_prove(proof, &t, NULL, &a->X[i], &a->x[i], a->rng) != 0;
}

static void do_schnorr_verify(void *arg)
{
    proof_args *a = arg;
    zk_transcript t = a->base;
    size_t i = a->next++ % BATCH_N;
    a->failures += zk_schnorr_verify(a->sp[i], &t, NULL, &a->X[i]) != 0;
}

static void do_schnorr_batch(void *arg)
{
    proof_args *a = arg;
    for (size_t i = 0; i < BATCH_N; i++)
        a->t[i] = a->base;
    a->failures += zk_schnorr_batch_verify((const uint8_t(*)[ZK_SCHNORR_PROOF_BYTES])a->sp,
                                           a->t, NULL, a->X, BATCH_N, a->rng, NULL) != 0;
}

static void do_dleq_prove(void *arg)
{
    proof_args *a = arg;
    zk_transcript t = a->base;
    uint8_t proof[ZK_DLEQ_PROOF_BYTES];
    size_t i = a->next++ % BATCH_N;
    a->failures += zk_dleq_prove(proof, &t, NULL, &a->H[i], &a->X[i], &a->Y[i], &a->x[i],
                                 a->rng) != 0;
}

static void do_dleq_verify(void *arg)
{
    proof_args *a = arg;
    zk_transcript t = a->base;
    size_t i = a->next++ % BATCH_N;
    a->failures += zk_dleq_verify(a->dp[i], &t, NULL, &a->H[i], &a->X[i], &a->Y[i]) != 0;
}

static void do_dleq_batch(void *arg)
{
    proof_args *a = arg;
    for (size_t i = 0; i < BATCH_N; i++)
        a->t[i] = a->base;
    a->failures += zk_dleq_batch_verify((const uint8_t(*)[ZK_DLEQ_PROOF_BYTES])a->dp, a->t,
                                        NULL, a->H, a->X, a->Y, BATCH_N, a->rng, NULL) != 0;
}

static int prepare(proof_args *a)
{
    zk_transcript_init(&a->base, "shroud-bench-proofs-v1");
    zk_transcript_append_u64(&a->base, "epoch", 1);
    for (size_t i = 0; i < BATCH_N; i++) {
        uint8_t h[ZK_HASH_BYTES];
        zk_transcript t;
        zk_point P;
        sh_rng_bytes(a->rng, h, sizeof h);
        zk_point_from_hash(&P, h);
        zk_elem_set(&a->H[i], &P);
        zk_scalar_random_nonzero(&a->x[i], a->rng);
        zk_point_mul_base(&P, &a->x[i]);
        zk_elem_set(&a->X[i], &P);
        zk_point_mul(&P, &a->H[i].p, &a->x[i]);
        zk_elem_set(&a->Y[i], &P);
        t = a->base;
        if (zk_schnorr_prove(a->sp[i], &t, NULL, &a->X[i], &a->x[i], a->rng) != 0)
            return -1;
        t = a->base;
        if (zk_dleq_prove(a->dp[i], &t, NULL, &a->H[i], &a->X[i], &a->Y[i], &a->x[i],
                          a->rng) != 0)
            return -1;
    }
    return 0;
}

static void report_pair(bench_ctx *ctx, proof_args *a, const char *prove_name,
                        void (*prove)(void *), const char *verify_name,
                        void (*verify)(void *), const char *batch_name,
                        void (*batch)(void *))
{
    char extra[128];
    bench_report(ctx, prove_name, 1, bench_time(ctx, prove, a), "proof", NULL);
    /* single and batch are compared: time them interleaved */
    double single = 0, whole = 0;
    bench_time_pair(ctx, verify, a, batch, a, &single, &whole);
    bench_report(ctx, verify_name, 1, single, "proof", NULL);
    double per = whole / BATCH_N;
    snprintf(extra, sizeof extra, "\"vs\":\"%s\",\"vs_ratio\":%.4f", verify_name,
             single > 0 ? per / single : 0.0);
    bench_report(ctx, batch_name, BATCH_N, per, "proof", extra);
}

void bench_zk_proofs(bench_ctx *ctx)
{
    /* Holds points: 32-byte alignment, which calloc does not promise. */
    proof_args *a = zk_aligned_alloc(1, sizeof *a);
    if (a == NULL)
        return;
    memset(a, 0, sizeof *a);
    a->rng = sh_rng_os_new();
    if (a->rng == NULL || prepare(a) != 0) {
        fprintf(ctx->out, "bench_zk_proofs: preparing the inputs failed\n");
        free(a);
        return;
    }
    report_pair(ctx, a, "schnorr_prove", do_schnorr_prove, "schnorr_verify",
                do_schnorr_verify, "schnorr_batch_verify", do_schnorr_batch);
    report_pair(ctx, a, "dleq_prove", do_dleq_prove, "dleq_verify", do_dleq_verify,
                "dleq_batch_verify", do_dleq_batch);
    if (a->failures != 0)
        fprintf(ctx->out, "bench_zk_proofs: %d operations FAILED: figures invalid\n",
                a->failures);
    sh_rng_free(a->rng);
    free(a);
}
