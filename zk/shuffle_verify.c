/* zk/shuffle_verify.c -- the verifier of the shuffle proof, every equation
 * in one random linear combination (docs/shuffle-proof.md, "Verification"
 * and "Batched verification").
 *
 * The equations, for v the challenge (X = 0 each):
 *   E_A      v A + A' - k_A B - sum_k kE_k h_k,        A = sum_j e_j u_j
 *   E_B,k    v c_{k+1} + B'_k - kB_k B - kE_k c_k,      c_0 = h_0
 *   E_C      v C + C' - k_C B,                          C = sum u_j - sum h_k
 *   E_D      v D + D' - k_D B,                          D = c_N - (prod e_j) h_0
 *   E_F,l,p  v F_lp + F'_lp + kF_l Q_p - sum_k kE_k out_{k,l,p}
 *            with F_lp = sum_j e_j in_{j,l,p}, Q_0 = B, Q_1 = pk
 * combined with weights v^-1 (E_A), rho_C v^-1 (E_C), rho_k (E_B,k),
 * rho_D (E_D), rho_lp (E_F,l,p), the rho random 128-bit values drawn from
 * the whole proof.  The weights are chosen so that the commitments u_j and
 * B'_k keep ~128-bit scalars (the MSM charges by bit length), the chain
 * points c_k appear once with their two coefficients merged, and F_lp are
 * computed by 2w separate MSMs with the 128-bit e_j.
 *
 * Cost: every point is decoded once (the output batch by its decoder, the
 * proof's points here, straight into one array in proof order), with the
 * proof's decompression hints (zk/hint.h: no inverse square root), and
 * never re-encoded (the transcript absorbs the received bytes).  The MSMs read
 * the points in place (zk_msm_spans: the proof's points, the generators,
 * the output batch; a strided span for each component of the input batch),
 * so nothing is copied or gathered.  The one big MSM is most of the time;
 * without the hints, decoding would take as long again. */
#include "zk/shuffle.h"
#include "zk/shuffle_impl.h"
#include "zk/hint.h"
#include "zk/msm.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* A batch's components read as one array of 2wN points (c1, c2, c1, ...). */
_Static_assert(sizeof(zk_elgamal_ct) == 2 * sizeof(zk_point),
               "zk_elgamal_ct must be two zk_points without padding");

typedef struct verifier {
    size_t n, w;
    const uint8_t *proof;
    const zk_point *h;      /* the generators h_k (g->h) */
    const zk_point *outp;   /* the output batch as 2wN points */
    const zk_point *inp;    /* the input batch as 2wN points */
    zk_point *pp;           /* the proof's 3N + 3 + 2w points, in proof order */
    zk_point *kp;           /* 2w + 2 constants: F_lp (2w), B, pk */
    zk_scalar *ks;          /* their 2w + 2 scalars */
    zk_scalar *tail;        /* 2 + 2w scalars of C', D', F'_lp */
    zk_scalar *nrF;         /* 2w: -rho_lp */
    zk_scalar *kF;          /* w responses k_F,l */
    zk_scalar *sc_u, *sc_h, *sc_c, *sc_out;      /* N, N, N, 2wN scalars */
    zk_scalar *e, *kB, *kE, *rho;
    zk_scalar kA, kC, kD, v, vinv, nvinv, rC, rD, prod_e, sA;
    const zk_scalar *rF;    /* 2w weights */
    size_t tasks;
    int *rc;
    size_t *bad;
} verifier;

/* The proof's points, in proof order (docs/shuffle-proof.md, "Byte
 * encoding"): u_j at [0, N), c_hat_{k+1} at [N, 2N), A' at 2N, B'_k at
 * [2N + 1, 3N + 1), C', D' at 3N + 1, 3N + 2, F'_lp at 3N + 3 + i.
 * The constants kp: F_lp at [0, 2w), B at 2w, pk at 2w + 1. */
#define P_U(V) ((V)->pp)
#define P_C(V) ((V)->pp + (V)->n)
#define P_A(V) ((V)->pp + 2 * (V)->n)
#define P_B(V) ((V)->pp + 2 * (V)->n + 1)
#define P_TAIL(V) ((V)->pp + 3 * (V)->n + 1)      /* C', D', F'_lp */
#define K_G(V) (2 * (V)->w)
#define K_PK(V) (2 * (V)->w + 1)

static void decode_task(void *arg, size_t t)
{
    verifier *V = arg;
    size_t np = ZKSH_PROOF_POINTS(V->n, V->w);
    size_t lo = np * t / V->tasks, hi = np * (t + 1) / V->tasks;
    const uint8_t *hints = V->proof + 32 * ZKSH_OFF_HP(V->n, V->w);
    V->rc[t] = 0;
    for (size_t i = lo; i < hi; i++) {
        int rc = zk_point_decode_hinted(&V->pp[i], V->proof + 32 * i, hints + 32 * i, NULL);
        if (rc != 0) {
            V->rc[t] = rc;
            V->bad[t] = i;
            return;
        }
    }
}

/* Per-element coefficients for k in [lo, hi). */
static void coef_range(void *arg, size_t lo, size_t hi)
{
    verifier *V = arg;
    const size_t n = V->n, w2 = 2 * V->w;
    zk_scalar t, u;
    for (size_t k = lo; k < hi; k++) {
        /* u_k: e_k + rho_C */
        zk_scalar_add(&V->sc_u[k], &V->e[k], &V->rC);
        /* h_k: -(v^-1 kE_k + rho_C) */
        zk_scalar_mul(&t, &V->nvinv, &V->kE[k]);
        zk_scalar_sub(&V->sc_h[k], &t, &V->rC);
        /* c_{k+1}: rho_k v - rho_{k+1} kE_{k+1}   (last: (rho_{n-1} + rho_D) v) */
        if (k + 1 < n) {
            zk_scalar_mul(&t, &V->rho[k], &V->v);
            zk_scalar_mul(&u, &V->rho[k + 1], &V->kE[k + 1]);
            zk_scalar_sub(&V->sc_c[k], &t, &u);
        } else {
            zk_scalar_add(&t, &V->rho[k], &V->rD);
            zk_scalar_mul(&V->sc_c[k], &t, &V->v);
        }
        /* B'_k: rho_k (read from rho directly) */
        /* out_{k,l,p}: -rho_lp kE_k */
        for (size_t i = 0; i < w2; i++)
            zk_scalar_mul(&V->sc_out[w2 * k + i], &V->nrF[i], &V->kE[k]);
    }
}

static void fail(zk_shuffle_report *r, zk_shuffle_check c, size_t index)
{
    if (r != NULL) {
        r->check = c;
        r->index = index;
    }
}

static zk_msm_span span(const zk_scalar *s, const zk_point *p, size_t n, size_t stride)
{
    zk_msm_span sp = { s, p, n, stride };
    return sp;
}

/* sum over the spans is the identity? */
static int spans_zero(const zk_msm_span *sp, size_t nsp, sh_pool *pool, int *zero)
{
    zk_point s;
    int rc = zk_msm_spans_pool(&s, sp, nsp, pool);
    if (rc == 0)
        *zero = zk_point_is_identity(&s);
    return rc;
}

/* Check each equation on its own; the first failing one goes to r.  The
 * scalar arrays are reused as scratch (the combination has failed). */
static int diagnose(verifier *V, sh_pool *pool, zk_shuffle_report *r)
{
    const size_t n = V->n, w = V->w;
    int rc, zero;
    zk_scalar one, c[4];
    zk_point p[4], s;
    zk_msm_span sp[4];
    zk_scalar_one(&one);
    /* E_A: v sum e_j u_j + A' - k_A B - sum kE_k h_k */
    for (size_t k = 0; k < n; k++) {
        zk_scalar_mul(&V->sc_u[k], &V->v, &V->e[k]);
        zk_scalar_neg(&V->sc_h[k], &V->kE[k]);
    }
    zk_scalar_neg(&c[0], &V->kA);
    sp[0] = span(V->sc_u, P_U(V), n, 1);
    sp[1] = span(V->sc_h, V->h, n, 1);
    sp[2] = span(&one, P_A(V), 1, 1);
    sp[3] = span(&c[0], &V->kp[K_G(V)], 1, 1);
    if ((rc = spans_zero(sp, 4, pool, &zero)) != 0)
        return rc;
    if (!zero) {
        fail(r, ZK_SHUFFLE_CHECK_A, 0);
        return SH_ERR_VERIFY;
    }
    /* E_B,k: v c_{k+1} + B'_k - kB_k B - kE_k c_k   (c_0 = h_0) */
    for (size_t k = 0; k < n; k++) {
        p[0] = P_C(V)[k];
        p[1] = P_B(V)[k];
        p[2] = V->kp[K_G(V)];
        p[3] = k == 0 ? V->h[0] : P_C(V)[k - 1];
        c[0] = V->v;
        c[1] = one;
        zk_scalar_neg(&c[2], &V->kB[k]);
        zk_scalar_neg(&c[3], &V->kE[k]);
        if ((rc = zk_msm(&s, c, p, 4)) != 0)
            return rc;
        if (!zk_point_is_identity(&s)) {
            fail(r, ZK_SHUFFLE_CHECK_B, k);
            return SH_ERR_VERIFY;
        }
    }
    /* E_C: v (sum u_j - sum h_k) + C' - k_C B */
    zk_scalar_neg(&c[1], &V->v);
    for (size_t k = 0; k < n; k++) {
        V->sc_u[k] = V->v;
        V->sc_h[k] = c[1];
    }
    zk_scalar_neg(&c[0], &V->kC);
    sp[0] = span(V->sc_u, P_U(V), n, 1);
    sp[1] = span(V->sc_h, V->h, n, 1);
    sp[2] = span(&one, P_TAIL(V), 1, 1);
    sp[3] = span(&c[0], &V->kp[K_G(V)], 1, 1);
    if ((rc = spans_zero(sp, 4, pool, &zero)) != 0)
        return rc;
    if (!zero) {
        fail(r, ZK_SHUFFLE_CHECK_C, 0);
        return SH_ERR_VERIFY;
    }
    /* E_D: v (c_N - (prod e_j) h_0) + D' - k_D B */
    p[0] = P_C(V)[n - 1];
    p[1] = V->h[0];
    p[2] = P_TAIL(V)[1];
    p[3] = V->kp[K_G(V)];
    c[0] = V->v;
    zk_scalar_mul(&c[1], &V->v, &V->prod_e);
    zk_scalar_neg(&c[1], &c[1]);
    c[2] = one;
    zk_scalar_neg(&c[3], &V->kD);
    if ((rc = zk_msm(&s, c, p, 4)) != 0)
        return rc;
    if (!zk_point_is_identity(&s)) {
        fail(r, ZK_SHUFFLE_CHECK_D, 0);
        return SH_ERR_VERIFY;
    }
    /* E_F,l,p: v F_lp + F'_lp + kF_l Q_p - sum_k kE_k out_{k,l,p} */
    for (size_t k = 0; k < n; k++)
        zk_scalar_neg(&V->sc_h[k], &V->kE[k]);
    for (size_t i = 0; i < 2 * w; i++) {
        c[0] = V->v;
        c[1] = V->kF[i / 2];
        sp[0] = span(V->sc_h, V->outp + i, n, 2 * w);
        sp[1] = span(&c[0], &V->kp[i], 1, 1);
        sp[2] = span(&one, P_TAIL(V) + 2 + i, 1, 1);
        sp[3] = span(&c[1], &V->kp[(i & 1) ? K_PK(V) : K_G(V)], 1, 1);
        if ((rc = spans_zero(sp, 4, pool, &zero)) != 0)
            return rc;
        if (!zero) {
            fail(r, ZK_SHUFFLE_CHECK_F, i / 2);
            return SH_ERR_VERIFY;
        }
    }
    fail(r, ZK_SHUFFLE_CHECK_BATCH, 0);
    return SH_ERR_INTERNAL;
}

int zk_shuffle_verify(const uint8_t *proof, size_t proof_len, const zk_shuffle_gens *g,
                      const zk_elem *pk, const zk_shuffle_ctx *ctx,
                      const zk_shuffle_batch *in, const zk_shuffle_batch *out,
                      sh_pool *pool, zk_shuffle_report *report)
{
    fail(report, ZK_SHUFFLE_CHECK_STATEMENT, 0);
    if (g == NULL || pk == NULL || ctx == NULL || in == NULL || out == NULL
        || (proof == NULL && proof_len > 0))
        return SH_ERR_ARG;
    if (in->n == 0 || in->w == 0 || out->n == 0 || out->w == 0)
        return SH_ERR_RANGE;
    if (in->n != out->n || in->w != out->w || g->n != in->n)
        return SH_ERR_LENGTH;
    if (in->w > ZK_ELGAMAL_MAX_WIDTH || in->n > ZK_SHUFFLE_MAX_N
        || in->n * in->w > ZK_SHUFFLE_MAX_COMPONENTS)
        return SH_ERR_OVERSIZE;
    if (in->ct == NULL || in->enc == NULL || out->ct == NULL || out->enc == NULL
        || g->h == NULL)
        return SH_ERR_ARG;
    if (zk_point_is_identity(&pk->p))
        return SH_ERR_IDENTITY;
    const size_t n = in->n, w = in->w;
    const size_t size = zk_shuffle_proof_size(n, w);
    fail(report, ZK_SHUFFLE_CHECK_PROOF_LENGTH, 0);
    if (proof_len < size)
        return SH_ERR_TRUNCATED;
    if (proof_len > size)
        return SH_ERR_TRAILING;

    verifier VV, *V = &VV;
    memset(V, 0, sizeof *V);
    V->n = n;
    V->w = w;
    V->proof = proof;
    V->h = g->h;
    /* zk_elgamal_ct is two zk_points (c1, c2): a batch is 2wN points. */
    V->outp = (const zk_point *)out->ct;
    V->inp = (const zk_point *)in->ct;
    V->tasks = sh_pool_threads(pool);
    int rc = SH_ERR_NOMEM;
    zk_transcript t;
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    const size_t np = 3 * n + 3 + 2 * w, s0 = np;

    V->pp = zk_points_alloc(np);
    V->kp = zk_points_alloc(2 * w + 2);
    /* ks (2w + 2), tail (2w + 2), nrF (2w), kF (w) */
    V->ks = zk_aligned_alloc(7 * w + 4, sizeof(zk_scalar));
    /* one block for sc_u, sc_h, sc_c (N each) and sc_out (2wN) */
    V->sc_u = zk_aligned_alloc((3 + 2 * w) * n, sizeof(zk_scalar));
    V->e = zk_aligned_alloc(n, sizeof(zk_scalar));
    V->kB = zk_aligned_alloc(n, sizeof(zk_scalar));
    V->kE = zk_aligned_alloc(n, sizeof(zk_scalar));
    V->rho = zk_aligned_alloc(n + 2 + 2 * w, sizeof(zk_scalar));
    V->rc = calloc(V->tasks, sizeof *V->rc);
    V->bad = calloc(V->tasks, sizeof *V->bad);
    if (V->pp == NULL || V->kp == NULL || V->ks == NULL || V->sc_u == NULL || V->e == NULL || V->kB == NULL || V->kE == NULL
        || V->rho == NULL || V->rc == NULL || V->bad == NULL)
        goto out;
    V->tail = V->ks + 2 * w + 2;
    V->nrF = V->tail + 2 * w + 2;
    V->kF = V->nrF + 2 * w;
    V->sc_h = V->sc_u + n;
    V->sc_c = V->sc_u + 2 * n;
    V->sc_out = V->sc_u + 3 * n;

    /* Decode the proof: its points once each, in proof order, then the
     * scalars (canonical).  The batches' points were decoded with them. */
    if ((rc = sh_pool_run(pool, V->tasks, decode_task, V)) != 0)
        goto out;
    for (size_t i = 0; i < V->tasks; i++) {
        if (V->rc[i] != 0) {
            rc = V->rc[i];
            fail(report, ZK_SHUFFLE_CHECK_PROOF_POINT, V->bad[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < 2 * n + 3 + w; i++) {
        zk_scalar *dst;
        if (i == 0)
            dst = &V->kA;
        else if (i <= n)
            dst = &V->kB[i - 1];
        else if (i == n + 1)
            dst = &V->kC;
        else if (i == n + 2)
            dst = &V->kD;
        else if (i < 2 * n + 3)
            dst = &V->kE[i - n - 3];
        else
            dst = &V->kF[i - 2 * n - 3];
        if ((rc = zk_scalar_decode(dst, proof + 32 * (s0 + i))) != 0) {
            fail(report, ZK_SHUFFLE_CHECK_PROOF_SCALAR, i);
            goto out;
        }
    }
    zk_point_base(&V->kp[K_G(V)]);
    V->kp[K_PK(V)] = pk->p;

    /* The transcript, as the prover built it: it absorbs the received
     * bytes, nothing is re-encoded. */
    zksh_statement(&t, g, pk, ctx, in, out);
    zk_transcript_append(&t, "u", proof, 32 * n);
    zk_transcript_challenge_bytes(&t, "e", h);
    if ((rc = zksh_challenges(V->e, n, h)) != 0)
        goto out;
    zk_transcript_append(&t, "c-hat", proof + 32 * n, 32 * n);
    zk_transcript_append(&t, "A'", proof + 32 * (2 * n), 32);
    zk_transcript_append(&t, "B'", proof + 32 * (2 * n + 1), 32 * n);
    zk_transcript_append(&t, "C'", proof + 32 * (3 * n + 1), 32);
    zk_transcript_append(&t, "D'", proof + 32 * (3 * n + 2), 32);
    zk_transcript_append(&t, "F'", proof + 32 * (3 * n + 3), 64 * w);
    zk_transcript_challenge_scalar(&t, "v", &V->v);
    if (zk_scalar_invert(&V->vinv, &V->v) != 0) {
        rc = SH_ERR_VERIFY;
        fail(report, ZK_SHUFFLE_CHECK_CHALLENGE, 0);
        goto out;
    }
    zk_scalar_neg(&V->nvinv, &V->vinv);
    /* The verifier's batching weights: not part of the proof; derived from
     * all of it (after the responses), so that the verdict is reproducible. */
    zk_transcript_append(&t, "responses", proof + 32 * s0, 32 * (2 * n + 3 + w));
    zk_transcript_challenge_bytes(&t, "batch-weights", h);
    if ((rc = zksh_challenges(V->rho, n + 2 + 2 * w, h)) != 0)
        goto out;
    V->rC = V->rho[n];
    V->rD = V->rho[n + 1];
    V->rF = &V->rho[n + 2];
    for (size_t i = 0; i < 2 * w; i++)
        zk_scalar_neg(&V->nrF[i], &V->rF[i]);

    /* F_lp = sum_j e_j in_{j,l,p}: 128-bit scalars, one MSM each, reading
     * component (l, p) of the input batch in place (stride 2w). */
    for (size_t i = 0; i < 2 * w; i++) {
        zk_msm_span f = span(V->e, V->inp + i, n, 2 * w);
        if ((rc = zk_msm_spans_pool(&V->kp[i], &f, 1, pool)) != 0)
            goto out;
    }

    /* Coefficients. */
    if ((rc = zksh_parallel(pool, n, coef_range, V)) != 0)
        goto out;
    {
        zk_scalar a, b, gsum, pksum;
        zk_scalar_one(&V->prod_e);
        zk_scalar_zero(&gsum);
        for (size_t k = 0; k < n; k++) {
            zk_scalar_mul(&V->prod_e, &V->prod_e, &V->e[k]);
            zk_scalar_mul(&a, &V->rho[k], &V->kB[k]);
            zk_scalar_add(&gsum, &gsum, &a);
        }
        /* h_0 also stands for c_0 (E_B,0) and in E_D */
        zk_scalar_mul(&a, &V->rho[0], &V->kE[0]);
        zk_scalar_mul(&b, &V->rD, &V->v);
        zk_scalar_mul(&b, &b, &V->prod_e);
        zk_scalar_add(&a, &a, &b);
        zk_scalar_sub(&V->sc_h[0], &V->sc_h[0], &a);
        V->sA = V->vinv;
        zk_scalar_mul(&V->tail[0], &V->rC, &V->vinv);     /* C' */
        V->tail[1] = V->rD;                                /* D' */
        for (size_t i = 0; i < 2 * w; i++) {
            V->tail[2 + i] = V->rF[i];                     /* F'_lp */
            zk_scalar_mul(&V->ks[i], &V->rF[i], &V->v);    /* F_lp */
        }
        /* B: -v^-1 k_A - sum rho_k kB_k - rho_C v^-1 k_C - rho_D k_D + sum rho_l0 kF_l */
        zk_scalar_mul(&a, &V->vinv, &V->kA);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_mul(&a, &V->tail[0], &V->kC);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_mul(&a, &V->rD, &V->kD);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_neg(&gsum, &gsum);
        zk_scalar_zero(&pksum);
        for (size_t l = 0; l < w; l++) {
            zk_scalar_mul(&a, &V->rF[2 * l], &V->kF[l]);
            zk_scalar_add(&gsum, &gsum, &a);
            zk_scalar_mul(&a, &V->rF[2 * l + 1], &V->kF[l]);
            zk_scalar_add(&pksum, &pksum, &a);
        }
        V->ks[K_G(V)] = gsum;
        V->ks[K_PK(V)] = pksum;
    }

    /* The combination: one MSM over the proof's points, the generators, the
     * output batch (all in place) and the constants. */
    zk_msm_span all[] = {
        span(V->sc_u, P_U(V), n, 1),
        span(V->sc_c, P_C(V), n, 1),
        span(&V->sA, P_A(V), 1, 1),
        span(V->rho, P_B(V), n, 1),
        span(V->tail, P_TAIL(V), 2 + 2 * w, 1),
        span(V->sc_h, V->h, n, 1),
        span(V->sc_out, V->outp, 2 * w * n, 1),
        span(V->ks, V->kp, 2 * w + 2, 1),
    };
    int zero = 0;
    if ((rc = spans_zero(all, sizeof all / sizeof all[0], pool, &zero)) != 0)
        goto out;
    if (zero) {
        rc = SH_OK;
        fail(report, ZK_SHUFFLE_OK, 0);
        goto out;
    }
    rc = SH_ERR_VERIFY;
    fail(report, ZK_SHUFFLE_CHECK_BATCH, 0);
    if (report != NULL) {
        int r2 = diagnose(V, pool, report);
        if (r2 != SH_ERR_VERIFY)
            rc = r2;
    }

out:
    free(V->pp);
    free(V->kp);
    free(V->ks);
    free(V->sc_u);
    free(V->e);
    free(V->kB);
    free(V->kE);
    free(V->rho);
    free(V->rc);
    free(V->bad);
    return rc;
}

int zk_shuffle_verify_cascade(const uint8_t *const *proofs, const size_t *proof_lens,
                              size_t k, const zk_shuffle_gens *g, const zk_elem *pk,
                              const zk_shuffle_ctx *ctx, const zk_shuffle_batch *batches,
                              sh_pool *pool, size_t *bad)
{
    if (bad != NULL)
        *bad = 0;
    if (proofs == NULL || proof_lens == NULL || ctx == NULL || batches == NULL)
        return SH_ERR_ARG;
    if (k == 0)
        return SH_ERR_RANGE;
    for (size_t i = 0; i < k; i++) {
        int rc = zk_shuffle_verify(proofs[i], proof_lens[i], g, pk, &ctx[i], &batches[i],
                                   &batches[i + 1], pool, NULL);
        if (rc != 0) {
            if (bad != NULL)
                *bad = i;
            return rc;
        }
    }
    if (bad != NULL)
        *bad = k;
    return SH_OK;
}
