/* mpc/frost_secp.c -- secp256k1 fast paths for FROST, on libsecp256k1's
 * public API only.
 *
 * Costs that shape this file (docs/frost.md, "Performance"): a variable-base
 * multiplication (ec_pubkey_tweak_mul) is the expensive operation; a sum of
 * any number of points (ec_pubkey_combine) costs one field inversion plus a
 * cheap addition per point; a base multiplication (ec_pubkey_create) about
 * two thirds of a variable-base one.  So:
 *   - the group commitment is one combine over every term, and a signer's
 *     own two terms D_i + rho_i E_i are one constant-time base
 *     multiplication (d_i + rho_i e_i) G;
 *   - z G == R + c P is checked with one double multiplication
 *     (mpc_elem_msm_vartime's ecdsa_recover pairing of the base point).
 * From two other signers on, the binding terms are one Straus pass of
 * mpc/secp_msm.c (Jacobian coordinates and the GLV split, our own: 0.9 of
 * the tweak_muls' cost at 2 terms, 0.75 at 3, half at 48 and more) with
 * the hiding terms and the own term added to it.  (A Straus pass built on combine alone, one combine
 * per bit, was tried first: its 257 inversions ate the gain.)
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_int.h"
#include "mpc/secp_msm.h"
#include "util/ct.h"

/* Small sums live on the stack; larger ones on the heap. */
#define STACK_TERMS 64

/* Other signers from which the binding terms go through one Straus pass
 * (mpc/secp_msm.c) instead of a tweak_mul each. */
#define FROST_SECP_MSM_MIN 2

/* own_k G, the signer's own term, by the constant-time base
 * multiplication; returns 0 when k = 0 (the identity). */
static int own_term(const secp256k1_context *sc, const mpc_frost_ctx *ctx,
                    const mpc_scalar *own_k, secp256k1_pubkey *out)
{
    uint8_t k32[32];
    int ok;
    mpc_scalar_encode(ctx->g, k32, own_k);
    ok = secp256k1_ec_pubkey_create(sc, out, k32);   /* constant time */
    sodium_memzero(k32, sizeof k32);
    sh_ct_declassify(&ok, sizeof ok);   /* fails only for k = 0 (the identity) */
    /* k B = D_i + rho_i E_i: computed from the secret nonces, but the
     * sum of published terms. */
    sh_ct_declassify(out, sizeof *out);
    return ok;
}

/* The group commitment as sum rho_j E_j (one Straus pass) plus the hiding
 * terms D_j and the own term as plain additions. */
static int straus(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                  const mpc_scalar *rho, size_t own, const mpc_scalar *own_k, mpc_elem *R)
{
    size_t n = pkg->n, m = 0, q = 0;
    uint8_t (*sc)[32] = malloc(n * sizeof *sc);
    secp256k1_pubkey *E = malloc(n * sizeof *E), *D = malloc((n + 1) * sizeof *D);
    int rc = SH_ERR_NOMEM;

    if (sc == NULL || E == NULL || D == NULL)
        goto done;
    for (size_t j = 0; j < n; j++) {
        const mpc_frost_commitment *cm = &pkg->commitments[j];
        if (j == own)
            continue;
        if (cm->hiding.inf || cm->binding.inf) {
            rc = SH_ERR_IDENTITY;
            goto done;
        }
        D[q++] = cm->hiding.u.k;
        mpc_scalar_encode(ctx->g, sc[m], &rho[j]);
        E[m++] = cm->binding.u.k;
    }
    if (own < n && own_term(ctx->secp, ctx, own_k, &D[q]))
        q++;
    int r = mpc_secp_msm_vartime(ctx->secp, &R->u.k, (const uint8_t (*)[32])sc, E, m, D, q);
    if (r < 0) {
        rc = r == -1 ? SH_ERR_NOMEM : SH_ERR_INTERNAL;
        goto done;
    }
    R->inf = r == 0;
    rc = r == 1 ? 0 : SH_ERR_IDENTITY;
done:
    free(sc);
    free(E);
    free(D);
    return rc;
}

int frost_secp_group_commitment(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                                const mpc_scalar *rho, size_t own, const mpc_scalar *own_k,
                                mpc_elem *R)
{
    const secp256k1_context *sc = ctx->secp;
    size_t n = pkg->n, m = 0, cap = 2 * n + 1;
    secp256k1_pubkey stack_pts[STACK_TERMS], *pts = stack_pts;
    const secp256k1_pubkey *stack_pp[STACK_TERMS], **pp = stack_pp;
    int rc = SH_ERR_NOMEM;

    memset(R, 0, sizeof *R);
    if (n - (own < n) >= FROST_SECP_MSM_MIN) {
        if ((rc = straus(ctx, pkg, rho, own, own_k, R)) != 0) {
            memset(R, 0, sizeof *R);
            R->inf = 1;
        }
        return rc;
    }
    if (cap > STACK_TERMS) {
        pts = malloc(cap * sizeof *pts);
        pp = malloc(cap * sizeof *pp);
        if (pts == NULL || pp == NULL)
            goto done;
    }
    for (size_t j = 0; j < n; j++) {
        const mpc_frost_commitment *cm = &pkg->commitments[j];
        uint8_t r32[32];
        if (j == own)
            continue;
        if (cm->hiding.inf || cm->binding.inf) {
            rc = SH_ERR_IDENTITY;
            goto done;
        }
        pts[m++] = cm->hiding.u.k;
        mpc_scalar_encode(ctx->g, r32, &rho[j]);
        pts[m] = cm->binding.u.k;
        /* Fails only for a zero binding factor, whose term is the identity. */
        if (secp256k1_ec_pubkey_tweak_mul(sc, &pts[m], r32))
            m++;
    }
    if (own < n && own_term(sc, ctx, own_k, &pts[m]))
        m++;
    for (size_t i = 0; i < m; i++)
        pp[i] = &pts[i];
    /* One inversion for the whole sum; 0 means the sum is the identity. */
    rc = m > 0 && secp256k1_ec_pubkey_combine(sc, &R->u.k, pp, m) ? 0 : SH_ERR_IDENTITY;
    if (rc != 0) {
        memset(R, 0, sizeof *R);
        R->inf = 1;
    }
done:
    if (pts != stack_pts)
        free(pts);
    if (pp != stack_pp)
        free(pp);
    return rc;
}

/* z G - c P == R with one double multiplication: mpc_elem_msm_vartime
 * pairs the base-point term with P in one ecdsa_recover. */
int frost_secp_check(const mpc_frost_ctx *ctx, const mpc_elem *R, const mpc_scalar *c,
                     const mpc_elem *P, const mpc_scalar *z)
{
    const mpc_group *g = ctx->g;
    mpc_scalar sc[2];
    mpc_elem pt[2], Q;

    if (mpc_elem_is_identity(g, R))
        return SH_ERR_VERIFY;
    sc[0] = *z;
    mpc_scalar_neg(g, &sc[1], c);
    mpc_elem_base(g, &pt[0]);
    pt[1] = *P;
    if (mpc_elem_msm_vartime(g, &Q, sc, pt, 2) != 0)
        return SH_ERR_VERIFY;
    return mpc_elem_eq(g, &Q, R) ? 0 : SH_ERR_VERIFY;
}
