/* mpc/frost.c -- FROST (RFC 9591): signing packages, binding factors, the
 * group commitment, the challenge, sign(), verification, a trusted dealer.
 * The signer object is in frost_signer.c, the coordinator in
 * frost_session.c, the hashes and keys in frost_suite.c. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "mpc/frost_int.h"
#include "util/ct.h"

/* ---- arrays ---------------------------------------------------------------- */

mpc_frost_key_package *mpc_frost_key_packages_alloc(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(mpc_frost_key_package))
        return NULL;
    mpc_frost_key_package *kp = zk_aligned_alloc(n, sizeof(mpc_frost_key_package));
    if (kp != NULL)
        memset(kp, 0, n * sizeof *kp);
    return kp;
}

void mpc_frost_key_packages_free(mpc_frost_key_package *kp, size_t n)
{
    if (kp == NULL)
        return;
    sodium_memzero(kp, n * sizeof *kp);
    free(kp);
}

mpc_frost_commitment *mpc_frost_commitments_alloc(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(mpc_frost_commitment))
        return NULL;
    mpc_frost_commitment *c = zk_aligned_alloc(n, sizeof(mpc_frost_commitment));
    if (c != NULL)
        memset(c, 0, n * sizeof *c);
    return c;
}

void mpc_frost_commitments_free(mpc_frost_commitment *c, size_t n)
{
    if (c == NULL)
        return;
    memset(c, 0, n * sizeof *c);
    free(c);
}

/* ---- commitments and packages ------------------------------------------------- */

int mpc_frost_commitment_set(const mpc_frost_ctx *ctx, mpc_frost_commitment *c,
                             uint32_t id, const mpc_elem *hiding, const mpc_elem *binding)
{
    int rc;
    if (ctx == NULL || c == NULL || hiding == NULL || binding == NULL)
        return SH_ERR_ARG;
    if (id == 0)
        return SH_ERR_ZERO;
    if (id > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    memset(c->enc, 0, sizeof c->enc);
    if ((rc = mpc_elem_encode(ctx->g, c->enc[0], hiding)) != 0
        || (rc = mpc_elem_encode(ctx->g, c->enc[1], binding)) != 0)
        return rc;
    c->hiding = *hiding;
    c->binding = *binding;
    c->id = id;
    return 0;
}

int frost_package_check(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                        uint32_t min_signers, uint32_t max_id)
{
    if (ctx == NULL || pkg == NULL || (pkg->n > 0 && pkg->commitments == NULL)
        || (pkg->msg_len > 0 && pkg->msg == NULL))
        return SH_ERR_ARG;
    const mpc_frost_tweak *tw = &pkg->tweak;
    if (ctx->suite->id != MPC_FROST_SECP256K1_TR) {
        if (tw->taproot != 0 || tw->has_merkle_root != 0)
            return SH_ERR_ARG;
    } else if (tw->taproot > 1 || tw->has_merkle_root > 1
               || (tw->has_merkle_root && !tw->taproot)) {
        return SH_ERR_ARG;
    }
    if (pkg->msg_len > MPC_FROST_MAX_MSG_BYTES)
        return SH_ERR_OVERSIZE;
    if (pkg->n == 0 || pkg->n > MPC_MAX_PARTIES || pkg->n < min_signers)
        return SH_ERR_RANGE;
    for (size_t i = 0; i < pkg->n; i++) {
        uint32_t id = pkg->commitments[i].id;
        if (id == 0)
            return SH_ERR_ZERO;
        if (id > max_id || id > MPC_MAX_PARTIES)
            return SH_ERR_RANGE;
        if (i > 0 && id == pkg->commitments[i - 1].id)
            return SH_ERR_FORMAT;
        if (i > 0 && id < pkg->commitments[i - 1].id)
            return SH_ERR_NONCANONICAL;
    }
    return 0;
}

int mpc_frost_package_check(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                            uint32_t min_signers)
{
    return frost_package_check(ctx, pkg, min_signers, MPC_MAX_PARTIES);
}

size_t frost_find_id(const mpc_frost_signing_package *pkg, uint32_t id)
{
    size_t lo = 0, hi = pkg->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pkg->commitments[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pkg->n && pkg->commitments[lo].id == id ? lo : pkg->n;
}

/* ---- binding factors --------------------------------------------------------- */

/* H4(msg) and H5(encode_group_commitment_list(commitments)). */
static void msg_and_list_hashes(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                                uint8_t h4[64], uint8_t h5[64])
{
    const frost_suite *s = ctx->suite;
    frost_hash h;
    frost_hash_start(&h, ctx, FROST_H4);
    frost_hash_update(&h, pkg->msg, pkg->msg_len);
    frost_hash_bytes(&h, h4);
    frost_hash_start(&h, ctx, FROST_H5);
    for (size_t i = 0; i < pkg->n; i++) {
        uint8_t id[MPC_SCALAR_BYTES];
        frost_id_encode(s, id, pkg->commitments[i].id);
        frost_hash_update(&h, id, sizeof id);
        frost_hash_update(&h, pkg->commitments[i].enc[0], ctx->ne);
        frost_hash_update(&h, pkg->commitments[i].enc[1], ctx->ne);
    }
    frost_hash_bytes(&h, h5);
}

int frost_binding_factors(const mpc_frost_ctx *ctx, const frost_key *k,
                          const mpc_frost_signing_package *pkg, mpc_scalar *rho)
{
    const frost_suite *s = ctx->suite;
    uint8_t h4[64], h5[64];
    frost_hash pre;
    msg_and_list_hashes(ctx, pkg, h4, h5);
    /* The prefix is common to every signer: hash it once, copy the state. */
    frost_hash_start(&pre, ctx, FROST_H1);
    frost_hash_update(&pre, k->enc, k->enc_len);
    frost_hash_update(&pre, h4, s->hash_bytes);
    frost_hash_update(&pre, h5, s->hash_bytes);
    for (size_t i = 0; i < pkg->n; i++) {
        frost_hash h = pre;
        uint8_t id[MPC_SCALAR_BYTES];
        frost_id_encode(s, id, pkg->commitments[i].id);
        frost_hash_update(&h, id, sizeof id);
        frost_hash_scalar(&h, ctx->g, &rho[i]);
    }
    sodium_memzero(&pre, sizeof pre);
    return 0;
}

int mpc_frost_binding_factor_input(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                                   const mpc_frost_signing_package *pkg, size_t index,
                                   uint8_t *out, size_t cap, size_t *len)
{
    frost_key k;
    uint8_t h4[64], h5[64];
    int rc;
    if (group_key == NULL || out == NULL || len == NULL)
        return SH_ERR_ARG;
    if ((rc = frost_package_check(ctx, pkg, 0, MPC_MAX_PARTIES)) != 0)
        return rc;
    if (index >= pkg->n)
        return SH_ERR_ARG;
    if ((rc = frost_key_prepare(ctx, &k, group_key, &pkg->tweak)) != 0)
        return rc;
    size_t hb = ctx->suite->hash_bytes;
    size_t need = k.enc_len + 2 * hb + MPC_SCALAR_BYTES;
    if (cap < need)
        return SH_ERR_LENGTH;
    msg_and_list_hashes(ctx, pkg, h4, h5);
    memcpy(out, k.enc, k.enc_len);
    memcpy(out + k.enc_len, h4, hb);
    memcpy(out + k.enc_len + hb, h5, hb);
    frost_id_encode(ctx->suite, out + k.enc_len + 2 * hb, pkg->commitments[index].id);
    *len = need;
    return 0;
}

int mpc_frost_binding_factors(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                              const mpc_frost_signing_package *pkg, mpc_scalar *rho)
{
    frost_key k;
    int rc;
    if (group_key == NULL || rho == NULL)
        return SH_ERR_ARG;
    if ((rc = frost_package_check(ctx, pkg, 0, MPC_MAX_PARTIES)) != 0)
        return rc;
    if ((rc = frost_key_prepare(ctx, &k, group_key, &pkg->tweak)) != 0)
        return rc;
    return frost_binding_factors(ctx, &k, pkg, rho);
}

/* ---- group commitment and challenge ---------------------------------------------- */

int frost_group_commitment(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                           const mpc_scalar *rho, size_t own, const mpc_scalar *own_k,
                           mpc_elem *R)
{
    const mpc_group *g = ctx->g;
    if (ctx->secp != NULL)
        return frost_secp_group_commitment(ctx, pkg, rho, own, own_k, R);

    /* One MSM over the binding terms rho_j E_j and the hiding terms D_j
     * (scalar 1: a single addition each in zk_msm, where a separate
     * mpc_elem_add would cost Ed25519 a decoding and an encoding). */
    size_t n = pkg->n, m = 0;
    mpc_scalar *s = mpc_scalars_alloc(2 * n);
    mpc_elem *p = mpc_elems_alloc(2 * n);
    int rc = SH_ERR_NOMEM;
    if (s == NULL || p == NULL)
        goto done;
    for (size_t j = 0; j < n; j++) {
        if (j == own)
            continue;
        s[m] = rho[j];
        p[m++] = pkg->commitments[j].binding;
        mpc_scalar_one(g, &s[m]);
        p[m++] = pkg->commitments[j].hiding;
    }
    if ((rc = mpc_elem_msm_vartime(g, R, s, p, m)) != 0)
        goto done;
    if (own < n) {
        mpc_elem T;
        mpc_elem_mul_base(g, &T, own_k);          /* constant time: own_k is secret */
        sh_ct_declassify(&T, sizeof T);           /* = D_i + rho_i E_i, published terms */
        mpc_elem_add(g, R, R, &T);
        memset(&T, 0, sizeof T);
    }
    rc = mpc_elem_is_identity(g, R) ? SH_ERR_IDENTITY : 0;
done:
    mpc_scalars_free(s, 2 * n);
    mpc_elems_free(p, 2 * n);
    return rc;
}

int frost_challenge(const mpc_frost_ctx *ctx, const frost_key *k, mpc_elem *R,
                    const uint8_t *msg, size_t msg_len, mpc_scalar *c,
                    uint8_t *Renc, size_t *rlen, int *r_neg)
{
    uint8_t enc[MPC_ELEM_MAX_BYTES];
    frost_hash h;
    int rc;
    if ((rc = mpc_elem_encode(ctx->g, enc, R)) != 0)
        return rc;
    *r_neg = 0;
    if (ctx->suite->id == MPC_FROST_SECP256K1_TR) {
        if (enc[0] == 0x03) {                     /* odd Y: sign with -R */
            mpc_elem_neg(ctx->g, R, R);
            *r_neg = 1;
        }
        memcpy(Renc, enc + 1, 32);
        *rlen = 32;
    } else {
        memcpy(Renc, enc, ctx->ne);
        *rlen = ctx->ne;
    }
    frost_hash_start(&h, ctx, FROST_H2);
    frost_hash_update(&h, Renc, *rlen);
    frost_hash_update(&h, k->enc, k->enc_len);
    frost_hash_update(&h, msg, msg_len);
    frost_hash_scalar(&h, ctx->g, c);
    return 0;
}

int frost_check_final(const mpc_frost_ctx *ctx, const frost_key *k, const mpc_elem *R,
                      const mpc_scalar *c, const mpc_scalar *z, const uint8_t *sig,
                      const uint8_t *msg, size_t msg_len)
{
    const mpc_group *g = ctx->g;
    switch (ctx->suite->id) {
    case MPC_FROST_ED25519:
        /* The verifier of the chain: RFC 8032 as libsodium implements it. */
        return crypto_sign_verify_detached(sig, msg, msg_len, k->enc) == 0 ? 0 : SH_ERR_VERIFY;
    case MPC_FROST_SECP256K1_TR: {
        secp256k1_xonly_pubkey xq;
        if (!secp256k1_xonly_pubkey_parse(ctx->secp, &xq, k->enc))
            return SH_ERR_VERIFY;
        return secp256k1_schnorrsig_verify(ctx->secp, sig, msg, msg_len, &xq) ? 0
                                                                             : SH_ERR_VERIFY;
    }
    case MPC_FROST_SECP256K1:
        return frost_secp_check(ctx, R, c, &k->Q, z);
    default: {
        /* z*B - c*Q == R */
        mpc_scalar s[2];
        mpc_elem p[2], T;
        int rc;
        s[0] = *z;
        mpc_scalar_neg(g, &s[1], c);
        mpc_elem_base(g, &p[0]);
        p[1] = k->Q;
        if ((rc = mpc_elem_msm_vartime(g, &T, s, p, 2)) != 0)
            return rc;
        return mpc_elem_eq(g, &T, R) ? 0 : SH_ERR_VERIFY;
    }
    }
}

/* ---- sign ---------------------------------------------------------------------- */

void frost_lagrange_at(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                       size_t i, mpc_scalar *out)
{
    const mpc_group *g = ctx->g;
    uint32_t xi = pkg->commitments[i].id;
    mpc_scalar t;
    int neg = 0;
    mpc_scalar_one(g, out);
    for (size_t j = 0; j < pkg->n; j++) {
        uint32_t xj = pkg->commitments[j].id;
        if (j == i)
            continue;
        /* x_j / (x_j - x_i); identifiers are distinct and below MPC_MAX_PARTIES + 1 */
        mpc_scalar_from_u64(g, &t, xj);
        mpc_scalar_mul(g, out, out, &t);
        if (xj > xi) {
            mpc_scalar_mul(g, out, out, &ctx->inv_small[xj - xi]);
        } else {
            mpc_scalar_mul(g, out, out, &ctx->inv_small[xi - xj]);
            neg ^= 1;
        }
    }
    if (neg)
        mpc_scalar_neg(g, out, out);
}

int frost_sign_core(const mpc_frost_ctx *ctx, const frost_key *k, const mpc_scalar *share,
                    uint32_t id, const mpc_scalar *d, const mpc_scalar *e,
                    const mpc_frost_signing_package *pkg, mpc_scalar *z)
{
    const mpc_group *g = ctx->g;
    size_t own = frost_find_id(pkg, id);
    mpc_scalar *rho, kk, neg, s, lc, c;
    mpc_elem R;
    uint8_t renc[MPC_ELEM_MAX_BYTES];
    size_t rlen;
    int r_neg, rc;

    if (own == pkg->n)
        return SH_ERR_VERIFY;                     /* our commitment is not in it */
    if ((rho = mpc_scalars_alloc(pkg->n)) == NULL)
        return SH_ERR_NOMEM;
    if ((rc = frost_binding_factors(ctx, k, pkg, rho)) != 0)
        goto done;
    /* kk = d + rho_i e: our own terms of R, as one base multiplication. */
    mpc_scalar_mul(g, &kk, &rho[own], e);
    mpc_scalar_add(g, &kk, &kk, d);
    if ((rc = frost_group_commitment(ctx, pkg, rho, own, &kk, &R)) != 0)
        goto done;
    if ((rc = frost_challenge(ctx, k, &R, pkg->msg, pkg->msg_len, &c, renc, &rlen, &r_neg)) != 0)
        goto done;
    frost_lagrange_at(ctx, pkg, own, &lc);
    mpc_scalar_neg(g, &neg, &kk);
    mpc_scalar_cmov(&kk, &kk, &neg, r_neg);       /* R had odd Y: -k */
    mpc_scalar_mul(g, &lc, &lc, &c);              /* public: lambda_i * c */
    if (k->negate_share)
        mpc_scalar_neg(g, &lc, &lc);
    mpc_scalar_mul(g, &s, share, &lc);
    mpc_scalar_add(g, z, &kk, &s);
    rc = 0;
done:
    mpc_scalar_wipe(&kk);
    mpc_scalar_wipe(&neg);
    mpc_scalar_wipe(&s);
    mpc_scalars_free(rho, pkg->n);
    return rc;
}

int mpc_frost_sign_with_nonces(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                               const mpc_scalar *hiding, const mpc_scalar *binding,
                               const mpc_frost_signing_package *pkg, mpc_scalar *z)
{
    frost_key k;
    int rc;
    if (kp == NULL || hiding == NULL || binding == NULL || z == NULL)
        return SH_ERR_ARG;
    if ((rc = frost_package_check(ctx, pkg, kp->min_signers, MPC_MAX_PARTIES)) != 0)
        return rc;
    if ((rc = frost_key_prepare(ctx, &k, &kp->group_key, &pkg->tweak)) != 0)
        return rc;
    return frost_sign_core(ctx, &k, &kp->share, kp->id, hiding, binding, pkg, z);
}

/* ---- verification ------------------------------------------------------------------ */

int mpc_frost_verify(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                     const mpc_frost_tweak *tweak, const uint8_t *msg, size_t msg_len,
                     const uint8_t *sig, size_t sig_len)
{
    frost_key k;
    mpc_elem R;
    mpc_scalar z, c;
    uint8_t renc[MPC_ELEM_MAX_BYTES];
    size_t rlen, ne;
    int rc, r_neg;
    if (ctx == NULL || group_key == NULL || sig == NULL || (msg == NULL && msg_len > 0))
        return SH_ERR_ARG;
    if ((rc = frost_key_prepare(ctx, &k, group_key, tweak)) != 0)
        return rc;
    if (sig_len != ctx->suite->sig_bytes)
        return SH_ERR_LENGTH;
    if (ctx->suite->id == MPC_FROST_ED25519 || ctx->suite->id == MPC_FROST_SECP256K1_TR)
        return frost_check_final(ctx, &k, NULL, NULL, NULL, sig, msg, msg_len);
    ne = ctx->ne;
    if ((rc = mpc_elem_decode(ctx->g, &R, sig)) != 0
        || (rc = mpc_scalar_decode(ctx->g, &z, sig + ne)) != 0)
        return rc;
    if ((rc = frost_challenge(ctx, &k, &R, msg, msg_len, &c, renc, &rlen, &r_neg)) != 0)
        return rc;
    return frost_check_final(ctx, &k, &R, &c, &z, sig, msg, msg_len);
}

/* ---- trusted dealer ----------------------------------------------------------------- */

int mpc_frost_keygen_dealer(const mpc_frost_ctx *ctx, uint32_t t, uint32_t n,
                            const mpc_scalar *secret, sh_rng *rng,
                            mpc_frost_key_package *kps, mpc_frost_public_package *pub)
{
    const mpc_group *g;
    mpc_scalar s, *shares = NULL;
    mpc_elem *C = NULL;
    int rc;
    if (ctx == NULL || rng == NULL || kps == NULL
        || (pub != NULL && pub->verifying_shares == NULL))
        return SH_ERR_ARG;
    if (t < 1 || t > n || n > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    g = ctx->g;
    if (secret != NULL) {
        if (mpc_scalar_is_zero(g, secret))
            return SH_ERR_ZERO;
        s = *secret;
    } else {
        mpc_scalar_random(g, &s, rng);
    }
    shares = mpc_scalars_alloc(n);
    C = mpc_elems_alloc(t);
    rc = SH_ERR_NOMEM;
    if (shares == NULL || C == NULL)
        goto done;
    if ((rc = mpc_shamir_split(g, shares, C, &s, t, n, rng)) != 0)
        goto done;
    for (uint32_t i = 0; i < n; i++) {
        mpc_frost_key_package *kp = &kps[i];
        kp->share = shares[i];
        mpc_elem_mul_base(g, &kp->verifying_share, &shares[i]);
        kp->group_key = C[0];
        kp->id = i + 1;
        kp->min_signers = t;
        if (pub != NULL)
            pub->verifying_shares[i] = kp->verifying_share;
    }
    if (pub != NULL) {
        pub->group_key = C[0];
        pub->n = n;
        pub->min_signers = t;
    }
    rc = 0;
done:
    mpc_scalar_wipe(&s);
    mpc_scalars_free(shares, n);
    mpc_elems_free(C, t);
    return rc;
}
