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
 *     (ecdsa_recover computes u1 G + u2 X for a point X given by its x
 *     coordinate and parity): X = P gives c P - z G, compared with -R.
 * An interleaved (Straus) multi-scalar multiplication built on combine
 * alone (one combine per bit, acc + acc as the doubling, width-3 NAF
 * digits) was tried for large committees: at 66 terms it executes as many
 * instructions as 66 tweak_muls (its 257 inversions eat the gain), so
 * it is not used.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1_recovery.h>

#include "mpc/frost_int.h"
#include "util/ct.h"

/* Small sums live on the stack; larger ones on the heap. */
#define STACK_TERMS 64

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
    if (own < n) {
        uint8_t k32[32];
        int ok;
        mpc_scalar_encode(ctx->g, k32, own_k);
        ok = secp256k1_ec_pubkey_create(sc, &pts[m], k32);   /* constant time */
        sodium_memzero(k32, sizeof k32);
        sh_ct_declassify(&ok, sizeof ok);   /* fails only for k = 0 (the identity) */
        /* k B = D_i + rho_i E_i: computed from the secret nonces, but the
         * sum of published terms. */
        sh_ct_declassify(&pts[m], sizeof pts[m]);
        if (ok)
            m++;
    }
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

/* z G == R + c P by mpc/group alone (the rare fallback). */
static int check_generic(const mpc_frost_ctx *ctx, const mpc_elem *R, const mpc_scalar *c,
                         const mpc_elem *P, const mpc_scalar *z)
{
    mpc_elem L, T;
    mpc_elem_mul_base(ctx->g, &L, z);
    mpc_elem_mul_vartime(ctx->g, &T, P, c);
    mpc_elem_add(ctx->g, &T, &T, R);
    return mpc_elem_eq(ctx->g, &L, &T) ? 0 : SH_ERR_VERIFY;
}

int frost_secp_check(const mpc_frost_ctx *ctx, const mpc_elem *R, const mpc_scalar *c,
                     const mpc_elem *P, const mpc_scalar *z)
{
    const mpc_group *g = ctx->g;
    uint8_t penc[33], renc[33], qenc[33], sig[64], m32[32];
    mpc_scalar r, s, m;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey Q;
    size_t qlen = sizeof qenc;

    if (mpc_elem_encode(g, penc, P) != 0 || mpc_elem_encode(g, renc, R) != 0)
        return SH_ERR_VERIFY;
    /* ecdsa_recover with r = x(P), recovery id = parity of P, s = c r,
     * hash = z r gives Q = (s/r) P - (hash/r) G = c P - z G. */
    if (mpc_scalar_decode(g, &r, penc + 1) != 0 || mpc_scalar_is_zero(g, c))
        return check_generic(ctx, R, c, P, z);    /* x(P) >= n: probability 2^-128 */
    mpc_scalar_mul(g, &s, c, &r);
    mpc_scalar_mul(g, &m, z, &r);
    mpc_scalar_encode(g, sig, &r);
    mpc_scalar_encode(g, sig + 32, &s);
    mpc_scalar_encode(g, m32, &m);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx->secp, &rs, sig, penc[0] & 1))
        return check_generic(ctx, R, c, P, z);
    if (!secp256k1_ecdsa_recover(ctx->secp, &Q, &rs, m32))
        return SH_ERR_VERIFY;                     /* c P == z G, but R is not the identity */
    if (!secp256k1_ec_pubkey_serialize(ctx->secp, qenc, &qlen, &Q, SECP256K1_EC_COMPRESSED))
        return SH_ERR_VERIFY;
    renc[0] ^= 1;                                 /* -R: same x, other parity */
    return memcmp(qenc, renc, sizeof qenc) == 0 ? 0 : SH_ERR_VERIFY;
}
