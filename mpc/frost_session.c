/* mpc/frost_session.c -- the FROST coordinator: everything about a signing
 * package that does not depend on the shares, then aggregation.
 *
 * Share verification: the shares are first checked all at once, by
 * verifying the signature they sum to (for every share,
 * z_i B = D_i + rho_i E_i + c lambda_i Y_i; summed over the signers this
 * is z B = R + c P, the signature equation).  A wrong share makes the sum
 * wrong, so one verification accepts a correct set.  Only when it fails is
 * every share checked alone (RFC 9591 verify_signature_share), which names
 * each wrong signer.  (Two colluding signers could offset errors so that
 * the sum is still right: the signature is then valid, and nobody needs
 * to be blamed for it.)
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_int.h"

struct mpc_frost_session {
    frost_key key;
    mpc_elem R;                         /* even Y for TR */
    mpc_scalar c;
    const mpc_frost_ctx *ctx;
    mpc_frost_commitment *cm;           /* copy of the package's commitments */
    mpc_scalar *rho;                    /* [n] */
    mpc_elem *Y;                        /* [n] verifying shares of the signers */
    uint8_t *msg;
    size_t msg_len, n, rlen;
    uint8_t renc[MPC_ELEM_MAX_BYTES];
    int r_neg;
};

void mpc_frost_session_free(mpc_frost_session *s)
{
    if (s == NULL)
        return;
    mpc_frost_commitments_free(s->cm, s->n);
    mpc_scalars_free(s->rho, s->n);
    mpc_elems_free(s->Y, s->n);
    free(s->msg);
    free(s);
}

int mpc_frost_session_new(const mpc_frost_ctx *ctx, const mpc_frost_public_package *pub,
                          const mpc_frost_signing_package *pkg, mpc_frost_session **out)
{
    mpc_frost_session *s;
    mpc_frost_signing_package own;
    int rc;
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (ctx == NULL || pub == NULL || pkg == NULL || pub->verifying_shares == NULL)
        return SH_ERR_ARG;
    if ((rc = frost_package_check(ctx, pkg, pub->min_signers, pub->n)) != 0)
        return rc;
    if ((s = zk_aligned_alloc(1, sizeof *s)) == NULL)
        return SH_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->ctx = ctx;
    s->n = pkg->n;
    s->cm = mpc_frost_commitments_alloc(pkg->n);
    s->rho = mpc_scalars_alloc(pkg->n);
    s->Y = mpc_elems_alloc(pkg->n);
    s->msg = malloc(pkg->msg_len + 1);
    rc = SH_ERR_NOMEM;
    if (s->cm == NULL || s->rho == NULL || s->Y == NULL || s->msg == NULL)
        goto fail;
    memcpy(s->cm, pkg->commitments, pkg->n * sizeof *s->cm);
    if (pkg->msg_len > 0)
        memcpy(s->msg, pkg->msg, pkg->msg_len);
    s->msg_len = pkg->msg_len;
    for (size_t i = 0; i < pkg->n; i++)
        s->Y[i] = pub->verifying_shares[s->cm[i].id - 1];
    own = *pkg;
    own.commitments = s->cm;
    own.msg = s->msg;
    if ((rc = frost_key_prepare(ctx, &s->key, &pub->group_key, &pkg->tweak)) != 0
        || (rc = frost_binding_factors(ctx, &s->key, &own, s->rho)) != 0
        || (rc = frost_group_commitment(ctx, &own, s->rho, SIZE_MAX, NULL, &s->R)) != 0
        || (rc = frost_challenge(ctx, &s->key, &s->R, s->msg, s->msg_len, &s->c, s->renc,
                                 &s->rlen, &s->r_neg)) != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    mpc_frost_session_free(s);
    return rc;
}

/* RFC 9591 verify_signature_share for position i with coefficient lambda:
 * z_i B == (D_i + rho_i E_i) + c lambda_i Y_i (for TR with the signs of
 * R's and the key's normalisation). */
static int verify_at(const mpc_frost_session *s, size_t i, const mpc_scalar *lambda,
                     const mpc_scalar *z)
{
    const mpc_group *g = s->ctx->g;
    mpc_elem T, U, W;
    mpc_scalar k;
    mpc_elem_mul_vartime(g, &T, &s->cm[i].binding, &s->rho[i]);
    mpc_elem_add(g, &T, &T, &s->cm[i].hiding);
    if (s->r_neg)
        mpc_elem_neg(g, &T, &T);
    mpc_scalar_mul(g, &k, &s->c, lambda);
    if (s->key.negate_share)
        mpc_scalar_neg(g, &k, &k);
    mpc_elem_mul_vartime(g, &U, &s->Y[i], &k);
    mpc_elem_add(g, &T, &T, &U);
    mpc_elem_mul_base(g, &W, z);
    return mpc_elem_eq(g, &T, &W) ? 0 : SH_ERR_VERIFY;
}

static int lagrange_all(const mpc_frost_session *s, mpc_scalar *lam)
{
    mpc_scalar *ids = mpc_scalars_alloc(s->n);
    int rc;
    if (ids == NULL)
        return SH_ERR_NOMEM;
    for (size_t j = 0; j < s->n; j++)
        mpc_scalar_from_u64(s->ctx->g, &ids[j], s->cm[j].id);
    rc = mpc_lagrange_coeffs(s->ctx->g, lam, ids, s->n, NULL);
    mpc_scalars_free(ids, s->n);
    return rc;
}

static size_t session_find(const mpc_frost_session *s, uint32_t id)
{
    mpc_frost_signing_package p = { .commitments = s->cm, .n = s->n };
    return frost_find_id(&p, id);
}

int mpc_frost_session_verify_share(const mpc_frost_session *s, const mpc_frost_share *share)
{
    mpc_scalar *lam;
    size_t i;
    int rc;
    if (s == NULL || share == NULL)
        return SH_ERR_ARG;
    if ((i = session_find(s, share->id)) == s->n)
        return SH_ERR_VERIFY;
    if ((lam = mpc_scalars_alloc(s->n)) == NULL)
        return SH_ERR_NOMEM;
    if ((rc = lagrange_all(s, lam)) == 0)
        rc = verify_at(s, i, &lam[i], &share->z);
    mpc_scalars_free(lam, s->n);
    return rc;
}

int mpc_frost_session_aggregate(const mpc_frost_session *s, const mpc_frost_share *shares,
                                size_t n_shares, uint8_t *sig, size_t sig_cap,
                                size_t *sig_len, uint32_t *bad, size_t *n_bad)
{
    const mpc_group *g;
    const mpc_frost_share **at = NULL;     /* at[i]: the share of position i */
    mpc_scalar z, t, *lam = NULL;
    size_t sb;
    int rc;

    if (s == NULL || (shares == NULL && n_shares > 0) || sig == NULL || sig_len == NULL
        || bad == NULL || n_bad == NULL)
        return SH_ERR_ARG;
    *n_bad = 0;
    *sig_len = 0;
    g = s->ctx->g;
    sb = s->ctx->suite->sig_bytes;
    if (sig_cap < sb || n_shares != s->n)
        return SH_ERR_LENGTH;
    if ((at = calloc(s->n, sizeof *at)) == NULL)
        return SH_ERR_NOMEM;
    for (size_t k = 0; k < n_shares; k++) {
        size_t i = session_find(s, shares[k].id);
        rc = i == s->n ? SH_ERR_LENGTH : at[i] != NULL ? SH_ERR_FORMAT : 0;
        if (rc != 0)
            goto done;
        at[i] = &shares[k];
    }
    /* z = sum z_i (+ c * tweak for a tweaked TR key). */
    mpc_scalar_zero(g, &z);
    for (size_t i = 0; i < s->n; i++)
        mpc_scalar_add(g, &z, &z, &at[i]->z);
    if (s->key.has_tweak) {
        mpc_scalar_mul(g, &t, &s->c, &s->key.tweak);
        mpc_scalar_add(g, &z, &z, &t);
    }
    memcpy(sig, s->renc, s->rlen);
    mpc_scalar_encode(g, sig + s->rlen, &z);
    rc = frost_check_final(s->ctx, &s->key, &s->R, &s->c, &z, sig, s->msg, s->msg_len);
    if (rc == 0) {
        *sig_len = sb;
        goto done;
    }
    /* Something is wrong: check every share alone and name the culprits. */
    sodium_memzero(sig, sb);
    if ((lam = mpc_scalars_alloc(s->n)) == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    if ((rc = lagrange_all(s, lam)) != 0)
        goto done;
    for (size_t i = 0; i < s->n; i++)
        if (verify_at(s, i, &lam[i], &at[i]->z) != 0)
            bad[(*n_bad)++] = s->cm[i].id;
    rc = *n_bad > 0 ? SH_ERR_VERIFY : SH_ERR_INTERNAL;
done:
    mpc_scalars_free(lam, s->n);
    free(at);
    return rc;
}

int mpc_frost_aggregate(const mpc_frost_ctx *ctx, const mpc_frost_public_package *pub,
                        const mpc_frost_signing_package *pkg,
                        const mpc_frost_share *shares, size_t n_shares,
                        uint8_t *sig, size_t sig_cap, size_t *sig_len,
                        uint32_t *bad, size_t *n_bad)
{
    mpc_frost_session *s;
    int rc;
    if (n_bad != NULL)
        *n_bad = 0;
    if (sig_len != NULL)
        *sig_len = 0;
    if ((rc = mpc_frost_session_new(ctx, pub, pkg, &s)) != 0)
        return rc;
    rc = mpc_frost_session_aggregate(s, shares, n_shares, sig, sig_cap, sig_len, bad, n_bad);
    mpc_frost_session_free(s);
    return rc;
}
