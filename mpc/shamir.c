/* mpc/shamir.c -- Shamir sharing, Lagrange interpolation and Feldman VSS
 * over any mpc_group (mpc/shamir.h is the contract).
 *
 * Secrets (coefficients, shares) only meet constant-time scalar arithmetic
 * and mpc_elem_mul_base; identifiers, Lagrange coefficients and commitments
 * are public and may take the variable-time paths (batch inversion, MSM).
 */
#include "mpc/shamir.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"

/* Batch weights: 128 bits each (docs/proofs.md explains why that is enough:
 * a bad batch passes with probability at most 2^-128). */
#define WEIGHT_BYTES 16

/* ---- polynomials -------------------------------------------------------- */

int mpc_poly_random(const mpc_group *g, mpc_scalar *coeffs, uint32_t t,
                    const mpc_scalar *secret, sh_rng *rng)
{
    if (t < 1 || t > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    if (g == NULL || coeffs == NULL || rng == NULL)
        return SH_ERR_ARG;
    for (uint32_t i = 0; i < t; i++)
        mpc_scalar_random(g, &coeffs[i], rng);
    if (secret != NULL)
        coeffs[0] = *secret;
    return 0;
}

void mpc_poly_eval(const mpc_group *g, mpc_scalar *out, const mpc_scalar *coeffs,
                   uint32_t t, const mpc_scalar *x)
{
    mpc_scalar acc;
    mpc_scalar_zero(g, &acc);
    /* Horner from the top coefficient: t multiplications and additions
     * whatever the values, so constant time in the coefficients. */
    for (uint32_t i = t; i-- > 0;) {
        mpc_scalar_mul(g, &acc, &acc, x);
        mpc_scalar_add(g, &acc, &acc, &coeffs[i]);
    }
    *out = acc;
    mpc_scalar_wipe(&acc);
}

int mpc_shamir_split(const mpc_group *g, mpc_scalar *shares, mpc_elem *commitments,
                     const mpc_scalar *secret, uint32_t t, uint32_t n, sh_rng *rng)
{
    if (t < 1 || t > n || n > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    if (g == NULL || shares == NULL || secret == NULL || rng == NULL)
        return SH_ERR_ARG;
    mpc_scalar *coeffs = mpc_scalars_alloc(t);
    if (coeffs == NULL)
        return SH_ERR_NOMEM;
    int rc = mpc_poly_random(g, coeffs, t, secret, rng);
    if (rc == 0) {
        mpc_scalar x;
        for (uint32_t i = 0; i < n; i++) {
            mpc_scalar_from_u64(g, &x, (uint64_t)i + 1);
            mpc_poly_eval(g, &shares[i], coeffs, t, &x);
        }
        if (commitments != NULL)
            mpc_feldman_commit(g, commitments, coeffs, t);
    }
    mpc_scalars_free(coeffs, t);
    return rc;
}

/* ---- Lagrange ----------------------------------------------------------- */

/* SH_ERR_ARG unless ids[0..k) are nonzero and pairwise distinct (public). */
static int check_ids(const mpc_group *g, const mpc_scalar *ids, size_t k)
{
    if (k == 0 || ids == NULL)
        return SH_ERR_ARG;
    for (size_t i = 0; i < k; i++) {
        if (mpc_scalar_is_zero(g, &ids[i]))
            return SH_ERR_ARG;
        for (size_t j = 0; j < i; j++)
            if (mpc_scalar_eq(g, &ids[i], &ids[j]))
                return SH_ERR_ARG;
    }
    return 0;
}

/* The numerator prod_{j != i} (x - id_j) for every i (prefix and suffix
 * products, so no division: x may equal an identifier), into num[0..k);
 * the denominators prod_{j != i} (id_i - id_j) into den[0..k) when i
 * ranges over [lo, hi) only (den indexed from lo). */
static void lagrange_parts(const mpc_group *g, mpc_scalar *num, mpc_scalar *den,
                           const mpc_scalar *ids, size_t k, const mpc_scalar *x,
                           size_t lo, size_t hi, mpc_scalar *diff)
{
    mpc_scalar zero, acc, d;
    mpc_scalar_zero(g, &zero);
    if (x == NULL)
        x = &zero;
    for (size_t j = 0; j < k; j++)
        mpc_scalar_sub(g, &diff[j], x, &ids[j]);
    /* num[i] = prefix(i) * suffix(i + 1) */
    mpc_scalar_one(g, &acc);
    for (size_t i = 0; i < k; i++) {
        if (i >= lo && i < hi)
            num[i - lo] = acc;
        mpc_scalar_mul(g, &acc, &acc, &diff[i]);
    }
    mpc_scalar_one(g, &acc);
    for (size_t i = k; i-- > 0;) {
        if (i >= lo && i < hi)
            mpc_scalar_mul(g, &num[i - lo], &num[i - lo], &acc);
        mpc_scalar_mul(g, &acc, &acc, &diff[i]);
    }
    for (size_t i = lo; i < hi; i++) {
        mpc_scalar_one(g, &den[i - lo]);
        for (size_t j = 0; j < k; j++) {
            if (j == i)
                continue;
            mpc_scalar_sub(g, &d, &ids[i], &ids[j]);
            mpc_scalar_mul(g, &den[i - lo], &den[i - lo], &d);
        }
    }
}

int mpc_lagrange_coeffs(const mpc_group *g, mpc_scalar *out, const mpc_scalar *ids,
                        size_t k, const mpc_scalar *x)
{
    if (g == NULL || out == NULL)
        return SH_ERR_ARG;
    int rc = check_ids(g, ids, k);
    if (rc != 0)
        return rc;
    if (k > SIZE_MAX / 2)
        return SH_ERR_NOMEM;
    mpc_scalar *tmp = mpc_scalars_alloc(2 * k);   /* den[0..k), diff[k..2k) */
    if (tmp == NULL)
        return SH_ERR_NOMEM;
    lagrange_parts(g, out, tmp, ids, k, x, 0, k, tmp + k);
    rc = mpc_scalar_batch_invert_vartime(g, tmp, tmp, k);
    if (rc == 0)
        for (size_t i = 0; i < k; i++)
            mpc_scalar_mul(g, &out[i], &out[i], &tmp[i]);
    mpc_scalars_free(tmp, 2 * k);
    /* Distinct ids make every denominator nonzero. */
    return rc == SH_ERR_ZERO ? SH_ERR_INTERNAL : rc;
}

int mpc_lagrange_coeff(const mpc_group *g, mpc_scalar *out, const mpc_scalar *ids,
                       size_t k, size_t i, const mpc_scalar *x)
{
    if (g == NULL || out == NULL || i >= k)
        return SH_ERR_ARG;
    int rc = check_ids(g, ids, k);
    if (rc != 0)
        return rc;
    mpc_scalar *diff = mpc_scalars_alloc(k);
    if (diff == NULL)
        return SH_ERR_NOMEM;
    mpc_scalar num, den;
    lagrange_parts(g, &num, &den, ids, k, x, i, i + 1, diff);
    mpc_scalars_free(diff, k);
    rc = mpc_scalar_batch_invert_vartime(g, &den, &den, 1);
    if (rc != 0)
        return rc == SH_ERR_ZERO ? SH_ERR_INTERNAL : rc;
    mpc_scalar_mul(g, out, &num, &den);
    return 0;
}

int mpc_shamir_combine(const mpc_group *g, mpc_scalar *secret, const mpc_scalar *ids,
                       const mpc_scalar *shares, size_t k)
{
    if (g == NULL || secret == NULL || shares == NULL)
        return SH_ERR_ARG;
    int rc = check_ids(g, ids, k);
    if (rc != 0)
        return rc;
    mpc_scalar *lambda = mpc_scalars_alloc(k);
    if (lambda == NULL)
        return SH_ERR_NOMEM;
    rc = mpc_lagrange_coeffs(g, lambda, ids, k, NULL);
    if (rc == 0) {
        mpc_scalar acc, term;
        mpc_scalar_zero(g, &acc);
        for (size_t i = 0; i < k; i++) {
            mpc_scalar_mul(g, &term, &lambda[i], &shares[i]);
            mpc_scalar_add(g, &acc, &acc, &term);
        }
        *secret = acc;
        mpc_scalar_wipe(&acc);
        mpc_scalar_wipe(&term);
    }
    mpc_scalars_free(lambda, k);
    return rc;
}

/* ---- Feldman ------------------------------------------------------------ */

void mpc_feldman_commit(const mpc_group *g, mpc_elem *C, const mpc_scalar *coeffs,
                        uint32_t t)
{
    for (uint32_t j = 0; j < t; j++)
        mpc_elem_mul_base(g, &C[j], &coeffs[j]);
}

/* pw[j] = x^j for j < t (public). */
static void powers(const mpc_group *g, mpc_scalar *pw, uint32_t t, const mpc_scalar *x)
{
    if (t == 0)
        return;
    mpc_scalar_one(g, &pw[0]);
    for (uint32_t j = 1; j < t; j++)
        mpc_scalar_mul(g, &pw[j], &pw[j - 1], x);
}

/* The identifiers Feldman commitments are evaluated at are small integers
 * (holder j has identifier j + 1): mpc_elem_poly_eval_small evaluates at
 * them by Horner's rule with multiplications by the small x, several times
 * cheaper than an MSM with the full-length powers x^j in every group. */

/* *v = x if x is public and in 1..MPC_SMALL_X_MAX; 0 otherwise. */
static int small_x(const mpc_group *g, const mpc_scalar *x, uint32_t *v)
{
    uint8_t b[MPC_SCALAR_BYTES];
    mpc_scalar_encode(g, b, x);
    if (mpc_group_id_of(g) == MPC_SECP256K1)   /* big endian (SEC 1): make it little */
        for (size_t i = 0; i < sizeof b / 2; i++) {
            uint8_t c = b[i];
            b[i] = b[sizeof b - 1 - i];
            b[sizeof b - 1 - i] = c;
        }
    for (size_t i = 2; i < sizeof b; i++)
        if (b[i] != 0)
            return 0;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    return *v > 0 && *v <= MPC_SMALL_X_MAX;
}

int mpc_feldman_eval(const mpc_group *g, mpc_elem *out, const mpc_elem *C, uint32_t t,
                     const mpc_scalar *x)
{
    if (g == NULL || out == NULL || (t > 0 && (C == NULL || x == NULL)))
        return SH_ERR_ARG;
    if (t > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    if (t == 0) {
        mpc_elem_identity(g, out);
        return 0;
    }
    uint32_t v;
    if (small_x(g, x, &v)) {
        mpc_elem r;                   /* out may overlap C */
        int rc = mpc_elem_poly_eval_small(g, &r, C, t, &v, 1);
        if (rc == 0)
            *out = r;
        return rc;
    }
    mpc_scalar *pw = mpc_scalars_alloc(t);
    if (pw == NULL)
        return SH_ERR_NOMEM;
    powers(g, pw, t, x);
    int rc = mpc_elem_msm_vartime(g, out, pw, C, t);
    mpc_scalars_free(pw, t);
    return rc;
}

int mpc_feldman_eval_ids(const mpc_group *g, mpc_elem *out, const mpc_elem *C, uint32_t t,
                         uint32_t n)
{
    if (g == NULL || (n > 0 && (out == NULL || (t > 0 && C == NULL))))
        return SH_ERR_ARG;
    if (t > MPC_MAX_PARTIES || n > MPC_SMALL_X_MAX)
        return SH_ERR_RANGE;
    if (n == 0)
        return 0;
    /* ristretto255, where an addition is ~1/250 of a multiplication, with
     * more holders than coefficients: f(1..t) by Horner, the rest by
     * forward differences (f has degree t - 1, so Delta^t f = 0). */
    const uint32_t direct = mpc_group_id_of(g) == MPC_RISTRETTO255 && t > 0 && n > t + 1 ? t : n;
    uint32_t *xs = malloc((size_t)direct * sizeof *xs);
    if (xs == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t j = 0; j < direct; j++)
        xs[j] = j + 1;
    int rc = mpc_elem_poly_eval_small(g, out, C, t, xs, direct);
    free(xs);
    if (rc != 0 || direct == n)
        return rc;
    mpc_elem *d = mpc_elems_alloc(t);
    if (d == NULL)
        return SH_ERR_NOMEM;
    /* d[i] = Delta^i f(1) */
    memcpy(d, out, (size_t)t * sizeof *d);
    for (uint32_t i = 1; i < t; i++)
        for (uint32_t r = t - 1; r >= i; r--)
            mpc_elem_sub(g, &d[r], &d[r], &d[r - 1]);
    /* step x from j to j + 1: Delta^i f(x+1) = Delta^i f(x) + Delta^(i+1) f(x) */
    for (uint32_t j = 1; j < n; j++) {
        for (uint32_t i = 0; i + 1 < t; i++)
            mpc_elem_add(g, &d[i], &d[i], &d[i + 1]);
        if (j >= t)
            out[j] = d[0];
    }
    mpc_elems_free(d, t);
    return 0;
}

int mpc_feldman_verify(const mpc_group *g, const mpc_elem *C, uint32_t t,
                       const mpc_scalar *x, const mpc_scalar *share)
{
    if (g == NULL || share == NULL)
        return SH_ERR_ARG;
    mpc_elem expect, got;
    int rc = mpc_feldman_eval(g, &expect, C, t, x);
    if (rc != 0)
        return rc;
    mpc_elem_mul_base(g, &got, share);   /* constant time: the share is secret */
    /* share*B is public: the holder's verification key, which the
     * commitments already determine (and for a bad share, a value of no
     * use).  Only the scalar must stay hidden. */
    sh_ct_declassify(&got, sizeof got);
    return mpc_elem_eq(g, &expect, &got) ? 0 : SH_ERR_VERIFY;
}

/* The weights' random bytes: 16, below 2^128 < q in either byte order, so
 * a weight needs no reduction. */
static int draw_weight(const mpc_group *g, mpc_scalar *w, sh_rng *rng)
{
    uint8_t wb[WEIGHT_BYTES];
    sh_rng_bytes(rng, wb, sizeof wb);
    int rc = mpc_scalar_reduce(g, w, wb, sizeof wb) != 0 ? SH_ERR_INTERNAL : 0;
    sodium_memzero(wb, sizeof wb);
    return rc;
}

/* sum_i sc[i] pt[i] (n terms, public) == (agg - xb) B, agg secret, xb
 * public or NULL (0): the right side in constant time.  The sides' values
 * are public (a combination of verification keys, and for a bad share a
 * value of no use); only agg must stay hidden. */
static int msm_equals_base(const mpc_group *g, const mpc_scalar *sc, const mpc_elem *pt,
                           size_t n, const mpc_scalar *agg, const mpc_scalar *xb)
{
    mpc_elem rhs, lhs;
    int rc = mpc_elem_msm_vartime(g, &rhs, sc, pt, n);
    if (rc != 0)
        return rc;
    mpc_scalar k = *agg;
    if (xb != NULL)
        mpc_scalar_sub(g, &k, &k, xb);
    mpc_elem_mul_base(g, &lhs, &k);
    mpc_scalar_wipe(&k);
    sh_ct_declassify(&lhs, sizeof lhs);
    return mpc_elem_eq(g, &lhs, &rhs) ? 0 : SH_ERR_VERIFY;
}

/* The batch for a small identifier v (small_x) in ristretto255: evaluate
 * each commitment polynomial at v by Horner's rule, D_k = f_k(v)*B as
 * committed, then check (sum_k w_k s_k) B = sum_k w_k D_k + sum_i xs_i xp_i
 * with one MSM of m + nx terms, the weights 128 bits long. */
static int batch_small(const mpc_group *g, const mpc_elem *const *C, uint32_t t, size_t m,
                       uint32_t v, const mpc_scalar *shares, sh_rng *rng,
                       const mpc_scalar *xs, const mpc_elem *xp, size_t nx,
                       const mpc_scalar *xb)
{
    mpc_scalar *w = mpc_scalars_alloc(m + nx);
    mpc_elem *D = mpc_elems_alloc(m + nx);
    if (w == NULL || D == NULL) {
        mpc_scalars_free(w, m + nx);
        mpc_elems_free(D, m + nx);
        return SH_ERR_NOMEM;
    }
    mpc_scalar agg, term;
    mpc_scalar_zero(g, &agg);
    int rc = mpc_elem_polys_eval_small(g, D, C, m, t, v);
    for (size_t k = 0; k < m && rc == 0; k++) {
        if ((rc = draw_weight(g, &w[k], rng)) != 0)
            break;
        mpc_scalar_mul(g, &term, &w[k], &shares[k]);
        mpc_scalar_add(g, &agg, &agg, &term);
    }
    if (nx > 0) {
        memcpy(w + m, xs, nx * sizeof *w);
        memcpy(D + m, xp, nx * sizeof *D);
    }
    if (rc == 0)
        rc = msm_equals_base(g, w, D, m + nx, &agg, xb);
    mpc_scalar_wipe(&agg);
    mpc_scalar_wipe(&term);
    mpc_scalars_free(w, m + nx);
    mpc_elems_free(D, m + nx);
    return rc;
}

/* The general batch: with random weights w_k the m equations
 * s_k B = sum_j x^j C_kj collapse into one,
 *     (sum_k w_k s_k) B = sum_{k,j} (w_k x^j) C_kj + sum_i xs_i xp_i,
 * whose right side is one MSM over public values; the left side involves
 * the shares, so it is a constant-time fixed-base product instead of an
 * MSM term. */
static int batch_general(const mpc_group *g, const mpc_elem *const *C, uint32_t t, size_t m,
                         const mpc_scalar *x, const mpc_scalar *shares, sh_rng *rng,
                         const mpc_scalar *xs, const mpc_elem *xp, size_t nx,
                         const mpc_scalar *xb)
{
    const size_t nt = m * t, ns = nt + nx;
    mpc_scalar *sc = mpc_scalars_alloc(ns + t + 1);
    mpc_elem *pt = mpc_elems_alloc(ns);
    if (sc == NULL || pt == NULL) {
        mpc_scalars_free(sc, ns + t + 1);
        mpc_elems_free(pt, ns);
        return SH_ERR_NOMEM;
    }
    mpc_scalar *pw = sc + ns, *w = sc + ns + t;
    powers(g, pw, t, x);
    mpc_scalar agg, term;
    int rc = 0;
    mpc_scalar_zero(g, &agg);
    for (size_t k = 0; k < m && rc == 0; k++) {
        if ((rc = draw_weight(g, w, rng)) != 0)
            break;
        mpc_scalar_mul(g, &term, w, &shares[k]);
        mpc_scalar_add(g, &agg, &agg, &term);
        for (uint32_t j = 0; j < t; j++) {
            mpc_scalar_mul(g, &sc[k * t + j], w, &pw[j]);
            pt[k * t + j] = C[k][j];
        }
    }
    if (nx > 0) {
        memcpy(sc + nt, xs, nx * sizeof *sc);
        memcpy(pt + nt, xp, nx * sizeof *pt);
    }
    if (rc == 0)
        rc = msm_equals_base(g, sc, pt, ns, &agg, xb);
    mpc_scalar_wipe(&agg);
    mpc_scalar_wipe(&term);
    mpc_scalars_free(sc, ns + t + 1);
    mpc_elems_free(pt, ns);
    return rc;
}

/* Ed25519: whether every C[k][j] carries its libdecaf point. */
static int ed_all_cached(const mpc_elem *const *C, size_t m, uint32_t t)
{
    for (size_t k = 0; k < m; k++)
        for (uint32_t j = 0; j < t; j++)
            if (!C[k][j].ed_cached)
                return 0;
    return 1;
}

/* sum_i xs[i] xp[i] + xb B == 0 (xb may be NULL), by one MSM. */
static int extra_terms_vanish(const mpc_group *g, const mpc_scalar *xs, const mpc_elem *xp,
                              size_t nx, const mpc_scalar *xb)
{
    const size_t n = nx + (xb != NULL);
    mpc_scalar *sc = mpc_scalars_alloc(n ? n : 1);
    mpc_elem *pt = mpc_elems_alloc(n ? n : 1);
    int rc = sc == NULL || pt == NULL ? SH_ERR_NOMEM : 0;
    if (rc == 0 && nx > 0) {
        memcpy(sc, xs, nx * sizeof *sc);
        memcpy(pt, xp, nx * sizeof *pt);
    }
    if (rc == 0 && xb != NULL) {
        sc[nx] = *xb;
        mpc_elem_base(g, &pt[nx]);
    }
    mpc_elem sum;
    if (rc == 0 && (rc = mpc_elem_msm_vartime(g, &sum, sc, pt, n)) == 0 &&
        !mpc_elem_is_identity(g, &sum))
        rc = SH_ERR_VERIFY;
    mpc_scalars_free(sc, n ? n : 1);
    mpc_elems_free(pt, n ? n : 1);
    return rc;
}

int mpc_feldman_verify_batch_with(const mpc_group *g, const mpc_elem *const *C, uint32_t t,
                                  size_t m, const mpc_scalar *x, const mpc_scalar *shares,
                                  sh_rng *rng, const mpc_scalar *xs, const mpc_elem *xp,
                                  size_t nx, const mpc_scalar *xb)
{
    if (g == NULL || (m > 0 && (C == NULL || x == NULL || shares == NULL || rng == NULL)) ||
        (nx > 0 && (xs == NULL || xp == NULL)))
        return SH_ERR_ARG;
    if (t < 1 || t > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    if (m > SIZE_MAX / t - 1 || nx > SIZE_MAX / 2 - m * t)
        return SH_ERR_NOMEM;
    uint32_t v;
    const int small = m > 0 && small_x(g, x, &v);
    /* A small identifier: Horner's rule per dealer, then an MSM of m terms
     * (secp256k1's in mpc/secp_msm.c's Jacobian coordinates: cheaper from
     * two shares on than one libsecp256k1 base multiplication per share).
     * Ed25519 takes this path when every commitment carries its libdecaf
     * point (decoded with a hint, or computed): the evaluations then
     * convert nothing and need no multiplication by 8^-1.  Otherwise the
     * general MSM converts each point once, as Horner's rule would, and
     * undoes the cofactor once in all rather than once per dealer. */
    if (small && (mpc_group_id_of(g) != MPC_ED25519 || ed_all_cached(C, m, t)))
        return batch_small(g, C, t, m, v, shares, rng, xs, xp, nx, xb);
    if (m == 0)      /* the extra terms alone */
        return nx > 0 || xb != NULL ? extra_terms_vanish(g, xs, xp, nx, xb) : 0;
    return batch_general(g, C, t, m, x, shares, rng, xs, xp, nx, xb);
}

int mpc_feldman_verify_batch(const mpc_group *g, const mpc_elem *const *C, uint32_t t,
                             size_t m, const mpc_scalar *x, const mpc_scalar *shares,
                             sh_rng *rng, size_t *bad)
{
    if (bad != NULL)
        *bad = m;
    int rc = mpc_feldman_verify_batch_with(g, C, t, m, x, shares, rng, NULL, NULL, 0, NULL);
    if (rc != SH_ERR_VERIFY || bad == NULL)
        return rc;
    /* Name the culprit: each share alone (a failed batch is the rare,
     * adversarial case, and then the cost is m single checks). */
    for (size_t k = 0; k < m; k++) {
        int r1 = mpc_feldman_verify(g, C[k], t, x, &shares[k]);
        if (r1 == SH_ERR_VERIFY) {
            *bad = k;
            return SH_ERR_VERIFY;
        }
        if (r1 != 0)
            return r1;
    }
    /* Every share checks alone but the batch failed: impossible unless the
     * arithmetic is broken. */
    return SH_ERR_INTERNAL;
}
