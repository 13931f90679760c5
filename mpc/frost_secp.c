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
 *   - z G == R + c P is checked with one Straus pass of mpc/secp_msm.c
 *     with the base point's precomputed table, compared without an
 *     inversion (frost_secp_check).
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
#include "mpc/group_impl.h"
#include "mpc/secp_msm.h"
#include "util/ct.h"

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

/* sum D + sum rho E with a tweak_mul per binding term and one combine
 * (one inversion) over everything: E is overwritten.  1, 0 for the
 * identity, or SH_ERR_NOMEM (as mpc_secp_msm_vartime). */
static int sum_by_tweak_mul(const secp256k1_context *sc, secp256k1_pubkey *out,
                            const uint8_t (*rho)[32], secp256k1_pubkey *E, size_t m,
                            const secp256k1_pubkey *D, size_t q)
{
    const secp256k1_pubkey **pp = malloc((m + q + 1) * sizeof *pp);
    size_t k = 0;
    if (pp == NULL)
        return SH_ERR_NOMEM;
    for (size_t j = 0; j < q; j++)
        pp[k++] = &D[j];
    for (size_t j = 0; j < m; j++)
        /* fails only for a zero binding factor, whose term is the identity */
        if (secp256k1_ec_pubkey_tweak_mul(sc, &E[j], rho[j]))
            pp[k++] = &E[j];
    int r = k > 0 && secp256k1_ec_pubkey_combine(sc, out, pp, k);
    free(pp);
    return r;
}

int frost_secp_group_commitment(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                                const mpc_scalar *rho, size_t own, const mpc_scalar *own_k,
                                mpc_elem *R)
{
    size_t n = pkg->n, m = 0, q = 0;
    uint8_t (*sc)[32] = malloc((n + 1) * sizeof *sc);
    secp256k1_pubkey *E = malloc((n + 1) * sizeof *E), *D = malloc((n + 1) * sizeof *D);
    int rc = SH_ERR_NOMEM, r;

    memset(R, 0, sizeof *R);
    R->inf = 1;
    if (sc == NULL || E == NULL || D == NULL)
        goto done;
    /* the hiding terms D_j, and the binding points E_j with rho_j */
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
    if (m >= FROST_SECP_MSM_MIN)
        r = mpc_secp_msm_vartime(ctx->secp, &R->u.k, (const uint8_t (*)[32])sc, E, m, D, q);
    else
        r = sum_by_tweak_mul(ctx->secp, &R->u.k, (const uint8_t (*)[32])sc, E, m, D, q);
    if (r < 0) {
        rc = r;
        goto done;
    }
    R->inf = r == 0;
    rc = r == 1 ? 0 : SH_ERR_IDENTITY;
done:
    if (rc != 0) {
        memset(R, 0, sizeof *R);
        R->inf = 1;
    }
    free(sc);
    free(E);
    free(D);
    return rc;
}

/* z G - c P == R as one Straus pass with G's table (mpc/secp_msm.c),
 * compared in Jacobian coordinates: no decompression, scalar inversion or
 * field inversion, which an ecdsa_recover pairing costs on top of the
 * same multiplication.  SH_ERR_VERIFY for a signature that does not
 * verify; SH_ERR_NOMEM (or SH_ERR_INTERNAL) passes through, so that an
 * aggregation out of memory is not mistaken for a bad share. */
int frost_secp_check(const mpc_frost_ctx *ctx, const mpc_elem *R, const mpc_scalar *c,
                     const mpc_elem *P, const mpc_scalar *z)
{
    const mpc_group *g = ctx->g;
    mpc_scalar negc;
    uint8_t zb[32], cb[1][32];

    if (mpc_elem_is_identity(g, R))
        return SH_ERR_VERIFY;
    mpc_scalar_neg(g, &negc, c);
    mpc_scalar_encode(g, zb, z);
    mpc_scalar_encode(g, cb[0], &negc);
    int r = mpc_secp_msm_eq_vartime(g->secp, &R->u.k, g->secp_gtab, zb,
                                    (const uint8_t (*)[32])cb, &P->u.k, P->inf ? 0 : 1, NULL, 0);
    if (r < 0)
        return r;
    return r == 1 ? 0 : SH_ERR_VERIFY;
}
