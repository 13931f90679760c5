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
 * computed by 2w separate MSMs with the 128-bit e_j. */
#include "zk/shuffle.h"
#include "zk/shuffle_impl.h"
#include "zk/msm.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct verifier {
    size_t n, w, m, base;
    const uint8_t *proof;
    zk_point *pts;          /* m points, layout below */
    zk_scalar *sc;          /* m scalars */
    zk_scalar *e, *kB, *kE, *rho;
    zk_scalar kF[2 * ZK_ELGAMAL_MAX_WIDTH];
    zk_scalar kA, kC, kD, v, vinv, rC, rD, prod_e;
    const zk_scalar *rF;    /* 2w weights */
    size_t tasks;
    int *rc;
    size_t *bad;
} verifier;

/* Layout of pts / sc:
 *   [0, n) u_j   [n, 2n) h_k   [2n, 3n) c_{k+1}   [3n, 4n) B'_k
 *   [4n, 4n + 2wn) out_{k,l,p} (the flat array of the output batch)
 *   base = 4n + 2wn: A', C', D', F'_lp (2w), F_lp (2w), B, pk */
#define V_A(V) ((V)->base)
#define V_C(V) ((V)->base + 1)
#define V_D(V) ((V)->base + 2)
#define V_FP(V, i) ((V)->base + 3 + (i))
#define V_F(V, i) ((V)->base + 3 + 2 * (V)->w + (i))
#define V_G(V) ((V)->base + 3 + 4 * (V)->w)
#define V_PK(V) ((V)->base + 4 + 4 * (V)->w)

/* Where point idx of the proof goes (u, c_hat, A', B', C', D', F'). */
static size_t point_slot(const verifier *V, size_t idx)
{
    size_t n = V->n;
    if (idx < n)
        return idx;
    if (idx < 2 * n)
        return 2 * n + (idx - n);
    if (idx == 2 * n)
        return V_A(V);
    if (idx < 3 * n + 1)
        return 3 * n + (idx - 2 * n - 1);
    if (idx == 3 * n + 1)
        return V_C(V);
    if (idx == 3 * n + 2)
        return V_D(V);
    return V_FP(V, idx - (3 * n + 3));
}

static void decode_task(void *arg, size_t t)
{
    verifier *V = arg;
    size_t np = 3 * V->n + 3 + 2 * V->w;
    size_t lo = np * t / V->tasks, hi = np * (t + 1) / V->tasks;
    V->rc[t] = 0;
    for (size_t i = lo; i < hi; i++) {
        int rc = zk_elgamal_point_decode(&V->pts[point_slot(V, i)], V->proof + 32 * i);
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
    const size_t n = V->n, w = V->w;
    zk_scalar t;
    for (size_t k = lo; k < hi; k++) {
        /* u_k: e_k + rho_C */
        zk_scalar_add(&V->sc[k], &V->e[k], &V->rC);
        /* h_k: -(v^-1 kE_k + rho_C) */
        zk_scalar_mul(&t, &V->vinv, &V->kE[k]);
        zk_scalar_add(&t, &t, &V->rC);
        zk_scalar_neg(&V->sc[n + k], &t);
        /* c_{k+1}: rho_k v - rho_{k+1} kE_{k+1}   (last: (rho_{n-1} + rho_D) v) */
        if (k + 1 < n) {
            zk_scalar u;
            zk_scalar_mul(&t, &V->rho[k], &V->v);
            zk_scalar_mul(&u, &V->rho[k + 1], &V->kE[k + 1]);
            zk_scalar_sub(&V->sc[2 * n + k], &t, &u);
        } else {
            zk_scalar_add(&t, &V->rho[k], &V->rD);
            zk_scalar_mul(&V->sc[2 * n + k], &t, &V->v);
        }
        /* B'_k: rho_k */
        V->sc[3 * n + k] = V->rho[k];
        /* out_{k,l,p}: -rho_lp kE_k */
        for (size_t i = 0; i < 2 * w; i++) {
            zk_scalar_mul(&t, &V->rF[i], &V->kE[k]);
            zk_scalar_neg(&V->sc[4 * n + 2 * w * k + i], &t);
        }
    }
}

static void fail(zk_shuffle_report *r, zk_shuffle_check c, size_t index)
{
    if (r != NULL) {
        r->check = c;
        r->index = index;
    }
}

/* sum of sc[i] pts[i] over the whole layout is the identity? */
static int msm_is_zero(verifier *V, sh_pool *pool, int *zero)
{
    zk_point s;
    int rc = zk_msm_pool(&s, V->sc, V->pts, V->m, pool);
    if (rc == 0)
        *zero = zk_point_is_identity(&s);
    return rc;
}

/* Check each equation on its own; the first failing one goes to r. */
static int diagnose(verifier *V, sh_pool *pool, zk_shuffle_report *r)
{
    const size_t n = V->n, w = V->w;
    int rc, zero;
    zk_scalar t;
    /* E_A */
    memset(V->sc, 0, V->m * sizeof *V->sc);
    for (size_t k = 0; k < n; k++) {
        zk_scalar_mul(&V->sc[k], &V->v, &V->e[k]);
        zk_scalar_neg(&V->sc[n + k], &V->kE[k]);
    }
    zk_scalar_one(&V->sc[V_A(V)]);
    zk_scalar_neg(&V->sc[V_G(V)], &V->kA);
    if ((rc = msm_is_zero(V, pool, &zero)) != 0)
        return rc;
    if (!zero) {
        fail(r, ZK_SHUFFLE_CHECK_A, 0);
        return SH_ERR_VERIFY;
    }
    /* E_B,k */
    for (size_t k = 0; k < n; k++) {
        zk_point p[4], s;
        zk_scalar c[4];
        p[0] = V->pts[2 * n + k];
        p[1] = V->pts[3 * n + k];
        zk_point_base(&p[2]);
        p[3] = k == 0 ? V->pts[n] : V->pts[2 * n + k - 1];
        c[0] = V->v;
        zk_scalar_one(&c[1]);
        zk_scalar_neg(&c[2], &V->kB[k]);
        zk_scalar_neg(&c[3], &V->kE[k]);
        if ((rc = zk_msm(&s, c, p, 4)) != 0)
            return rc;
        if (!zk_point_is_identity(&s)) {
            fail(r, ZK_SHUFFLE_CHECK_B, k);
            return SH_ERR_VERIFY;
        }
    }
    /* E_C */
    memset(V->sc, 0, V->m * sizeof *V->sc);
    zk_scalar_neg(&t, &V->v);
    for (size_t k = 0; k < n; k++) {
        V->sc[k] = V->v;
        V->sc[n + k] = t;
    }
    zk_scalar_one(&V->sc[V_C(V)]);
    zk_scalar_neg(&V->sc[V_G(V)], &V->kC);
    if ((rc = msm_is_zero(V, pool, &zero)) != 0)
        return rc;
    if (!zero) {
        fail(r, ZK_SHUFFLE_CHECK_C, 0);
        return SH_ERR_VERIFY;
    }
    /* E_D */
    memset(V->sc, 0, V->m * sizeof *V->sc);
    V->sc[2 * n + n - 1] = V->v;
    zk_scalar_mul(&t, &V->v, &V->prod_e);
    zk_scalar_neg(&V->sc[n], &t);
    zk_scalar_one(&V->sc[V_D(V)]);
    zk_scalar_neg(&V->sc[V_G(V)], &V->kD);
    if ((rc = msm_is_zero(V, pool, &zero)) != 0)
        return rc;
    if (!zero) {
        fail(r, ZK_SHUFFLE_CHECK_D, 0);
        return SH_ERR_VERIFY;
    }
    /* E_F,l,p */
    for (size_t i = 0; i < 2 * w; i++) {
        memset(V->sc, 0, V->m * sizeof *V->sc);
        for (size_t k = 0; k < n; k++)
            zk_scalar_neg(&V->sc[4 * n + 2 * w * k + i], &V->kE[k]);
        V->sc[V_F(V, i)] = V->v;
        zk_scalar_one(&V->sc[V_FP(V, i)]);
        V->sc[(i & 1) ? V_PK(V) : V_G(V)] = V->kF[i / 2];
        if ((rc = msm_is_zero(V, pool, &zero)) != 0)
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

    verifier V;
    memset(&V, 0, sizeof V);
    V.n = n;
    V.w = w;
    V.base = 4 * n + 2 * w * n;
    V.m = V.base + 5 + 4 * w;
    V.proof = proof;
    V.tasks = sh_pool_threads(pool);
    int rc = SH_ERR_NOMEM;
    zk_point *gather = NULL;
    zk_transcript t;
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    const size_t s0 = 3 * n + 3 + 2 * w;

    V.pts = zk_points_alloc(V.m);
    V.sc = zk_aligned_alloc(V.m, sizeof(zk_scalar));
    V.e = zk_aligned_alloc(n, sizeof(zk_scalar));
    V.kB = zk_aligned_alloc(n, sizeof(zk_scalar));
    V.kE = zk_aligned_alloc(n, sizeof(zk_scalar));
    V.rho = zk_aligned_alloc(n + 2 + 2 * w, sizeof(zk_scalar));
    V.rc = calloc(V.tasks, sizeof *V.rc);
    V.bad = calloc(V.tasks, sizeof *V.bad);
    gather = zk_points_alloc(n);
    if (V.pts == NULL || V.sc == NULL || V.e == NULL || V.kB == NULL || V.kE == NULL
        || V.rho == NULL || V.rc == NULL || V.bad == NULL || gather == NULL)
        goto out;

    /* Decode the proof: points straight into their MSM slots, then the
     * scalars (canonical). */
    if ((rc = sh_pool_run(pool, V.tasks, decode_task, &V)) != 0)
        goto out;
    for (size_t i = 0; i < V.tasks; i++) {
        if (V.rc[i] != 0) {
            rc = V.rc[i];
            fail(report, ZK_SHUFFLE_CHECK_PROOF_POINT, V.bad[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < 2 * n + 3 + w; i++) {
        zk_scalar *dst;
        if (i == 0)
            dst = &V.kA;
        else if (i <= n)
            dst = &V.kB[i - 1];
        else if (i == n + 1)
            dst = &V.kC;
        else if (i == n + 2)
            dst = &V.kD;
        else if (i < 2 * n + 3)
            dst = &V.kE[i - n - 3];
        else
            dst = &V.kF[i - 2 * n - 3];
        if ((rc = zk_scalar_decode(dst, proof + 32 * (s0 + i))) != 0) {
            fail(report, ZK_SHUFFLE_CHECK_PROOF_SCALAR, i);
            goto out;
        }
    }
    memcpy(&V.pts[4 * n], out->ct, 2 * w * n * sizeof(zk_point));
    memcpy(&V.pts[n], g->h, n * sizeof(zk_point));
    zk_point_base(&V.pts[V_G(&V)]);
    V.pts[V_PK(&V)] = pk->p;

    /* The transcript, as the prover built it. */
    zksh_statement(&t, g, pk, ctx, in, out);
    zk_transcript_append(&t, "u", proof, 32 * n);
    zk_transcript_challenge_bytes(&t, "e", h);
    if ((rc = zksh_challenges(V.e, n, h)) != 0)
        goto out;
    zk_transcript_append(&t, "c-hat", proof + 32 * n, 32 * n);
    zk_transcript_append(&t, "A'", proof + 32 * (2 * n), 32);
    zk_transcript_append(&t, "B'", proof + 32 * (2 * n + 1), 32 * n);
    zk_transcript_append(&t, "C'", proof + 32 * (3 * n + 1), 32);
    zk_transcript_append(&t, "D'", proof + 32 * (3 * n + 2), 32);
    zk_transcript_append(&t, "F'", proof + 32 * (3 * n + 3), 64 * w);
    zk_transcript_challenge_scalar(&t, "v", &V.v);
    if (zk_scalar_invert(&V.vinv, &V.v) != 0) {
        rc = SH_ERR_VERIFY;
        fail(report, ZK_SHUFFLE_CHECK_CHALLENGE, 0);
        goto out;
    }
    /* The verifier's batching weights: not part of the proof; derived from
     * all of it (after the responses), so that the verdict is reproducible. */
    zk_transcript_append(&t, "responses", proof + 32 * s0, 32 * (2 * n + 3 + w));
    zk_transcript_challenge_bytes(&t, "batch-weights", h);
    if ((rc = zksh_challenges(V.rho, n + 2 + 2 * w, h)) != 0)
        goto out;
    V.rC = V.rho[n];
    V.rD = V.rho[n + 1];
    V.rF = &V.rho[n + 2];

    /* F_lp = sum_j e_j in_{j,l,p}: 128-bit scalars, one MSM each. */
    for (size_t i = 0; i < 2 * w; i++) {
        const zk_point *src = (const zk_point *)in->ct + i;
        for (size_t j = 0; j < n; j++)
            gather[j] = src[2 * w * j];
        if ((rc = zk_msm_pool(&V.pts[V_F(&V, i)], V.e, gather, n, pool)) != 0)
            goto out;
    }
    zk_scalar_one(&V.prod_e);
    for (size_t j = 0; j < n; j++)
        zk_scalar_mul(&V.prod_e, &V.prod_e, &V.e[j]);

    /* Coefficients. */
    if ((rc = zksh_parallel(pool, n, coef_range, &V)) != 0)
        goto out;
    {
        zk_scalar a, b, gsum, pksum;
        /* h_0 also stands for c_0 (E_B,0) and in E_D */
        zk_scalar_mul(&a, &V.rho[0], &V.kE[0]);
        zk_scalar_mul(&b, &V.rD, &V.v);
        zk_scalar_mul(&b, &b, &V.prod_e);
        zk_scalar_add(&a, &a, &b);
        zk_scalar_sub(&V.sc[n], &V.sc[n], &a);
        V.sc[V_A(&V)] = V.vinv;
        zk_scalar_mul(&V.sc[V_C(&V)], &V.rC, &V.vinv);
        V.sc[V_D(&V)] = V.rD;
        for (size_t i = 0; i < 2 * w; i++) {
            V.sc[V_FP(&V, i)] = V.rF[i];
            zk_scalar_mul(&V.sc[V_F(&V, i)], &V.rF[i], &V.v);
        }
        /* B: -v^-1 k_A - sum rho_k kB_k - rho_C v^-1 k_C - rho_D k_D + sum rho_l0 kF_l */
        zk_scalar_zero(&gsum);
        for (size_t k = 0; k < n; k++) {
            zk_scalar_mul(&a, &V.rho[k], &V.kB[k]);
            zk_scalar_add(&gsum, &gsum, &a);
        }
        zk_scalar_mul(&a, &V.vinv, &V.kA);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_mul(&a, &V.sc[V_C(&V)], &V.kC);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_mul(&a, &V.rD, &V.kD);
        zk_scalar_add(&gsum, &gsum, &a);
        zk_scalar_neg(&gsum, &gsum);
        zk_scalar_zero(&pksum);
        for (size_t l = 0; l < w; l++) {
            zk_scalar_mul(&a, &V.rF[2 * l], &V.kF[l]);
            zk_scalar_add(&gsum, &gsum, &a);
            zk_scalar_mul(&a, &V.rF[2 * l + 1], &V.kF[l]);
            zk_scalar_add(&pksum, &pksum, &a);
        }
        V.sc[V_G(&V)] = gsum;
        V.sc[V_PK(&V)] = pksum;
    }

    int zero = 0;
    if ((rc = msm_is_zero(&V, pool, &zero)) != 0)
        goto out;
    if (zero) {
        rc = SH_OK;
        fail(report, ZK_SHUFFLE_OK, 0);
        goto out;
    }
    rc = SH_ERR_VERIFY;
    fail(report, ZK_SHUFFLE_CHECK_BATCH, 0);
    if (report != NULL) {
        int r2 = diagnose(&V, pool, report);
        if (r2 != SH_ERR_VERIFY)
            rc = r2;
    }

out:
    free(V.pts);
    free(V.sc);
    free(V.e);
    free(V.kB);
    free(V.kE);
    free(V.rho);
    free(V.rc);
    free(V.bad);
    free(gather);
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
