/* mpc/frost_signer.c -- the FROST signer: a key package and its live
 * nonces in guarded memory, and the rule that a nonce signs at most once.
 *
 * Nonce life cycle (docs/frost.md, "Nonces"):
 *   round1   a free slot receives (d, e) and the encodings of (D, E) under
 *            a fresh handle: handles count up from 1 and are never reused;
 *   round2   only a live handle signs, only a package holding our identifier
 *            with exactly that (D, E), and the slot is wiped as soon as the
 *            share exists, before it is returned;
 *   discard  wipes a slot unused.
 * Nothing here serializes nonces: they never leave the signer's memory, so
 * a restart cannot bring one back.
 */
#include <string.h>
#include <sodium.h>

#include "mpc/frost_int.h"
#include "util/ct.h"

typedef struct frost_nonce {
    mpc_scalar d, e;                          /* hiding, binding: secret */
    uint8_t enc[2][MPC_ELEM_MAX_BYTES];       /* encodings of D, E */
    uint64_t handle;                          /* 0: free slot */
} frost_nonce;

struct mpc_frost_signer {
    mpc_frost_key_package kp;
    frost_nonce nonces[MPC_FROST_MAX_NONCES];
    frost_key key;                            /* prepared for key_tweak */
    mpc_frost_tweak key_tweak;
    const mpc_frost_ctx *ctx;
    uint64_t last_handle;
    size_t live;
};

/* sodium_malloc places the block at the end of a page: a size that is a
 * multiple of 64 keeps it 64-byte aligned (mpc_scalar needs 32). */
#define SIGNER_BYTES ((sizeof(struct mpc_frost_signer) + 63) & ~(size_t)63)

int mpc_frost_signer_new(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                         mpc_frost_signer **out)
{
    mpc_frost_signer *s;
    mpc_elem Y;
    int rc;
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (ctx == NULL || kp == NULL)
        return SH_ERR_ARG;
    if (kp->id == 0 || kp->id > MPC_MAX_PARTIES || kp->min_signers == 0
        || kp->min_signers > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    mpc_elem_mul_base(ctx->g, &Y, &kp->share);
    sh_ct_declassify(&Y, sizeof Y);               /* the (public) verifying share */
    if (!mpc_elem_eq(ctx->g, &Y, &kp->verifying_share))
        return SH_ERR_VERIFY;
    if ((s = sodium_malloc(SIGNER_BYTES)) == NULL)
        return SH_ERR_NOMEM;
    memset(s, 0, SIGNER_BYTES);
    s->ctx = ctx;
    s->kp = *kp;
    if ((rc = frost_key_prepare(ctx, &s->key, &kp->group_key, NULL)) != 0) {
        mpc_frost_signer_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void mpc_frost_signer_free(mpc_frost_signer *s)
{
    if (s == NULL)
        return;
    sodium_memzero(s, SIGNER_BYTES);
    sodium_free(s);
}

size_t mpc_frost_signer_live_nonces(const mpc_frost_signer *s)
{
    return s == NULL ? 0 : s->live;
}

static frost_nonce *find_handle(mpc_frost_signer *s, uint64_t handle)
{
    if (handle == 0)
        return NULL;
    for (size_t i = 0; i < MPC_FROST_MAX_NONCES; i++)
        if (s->nonces[i].handle == handle)
            return &s->nonces[i];
    return NULL;
}

static void wipe_slot(mpc_frost_signer *s, frost_nonce *n)
{
    sodium_memzero(n, sizeof *n);
    s->live--;
}

int mpc_frost_round1(mpc_frost_signer *s, sh_rng *rng, mpc_frost_commitment *out,
                     uint64_t *handle)
{
    const mpc_group *g;
    frost_nonce *slot = NULL;
    uint8_t rnd[2][MPC_FROST_RANDOM_BYTES];
    mpc_elem D, E;
    int rc;

    if (s == NULL || rng == NULL || out == NULL || handle == NULL)
        return SH_ERR_ARG;
    *handle = 0;
    g = s->ctx->g;
    for (size_t i = 0; i < MPC_FROST_MAX_NONCES && slot == NULL; i++)
        if (s->nonces[i].handle == 0)
            slot = &s->nonces[i];
    if (slot == NULL)
        return SH_ERR_STATE;                      /* too many live nonces */
    for (;;) {
        int zero;
        sh_rng_bytes(rng, rnd, sizeof rnd);
        mpc_frost_nonce_generate(s->ctx, &slot->d, rnd[0], &s->kp.share);
        mpc_frost_nonce_generate(s->ctx, &slot->e, rnd[1], &s->kp.share);
        zero = mpc_scalar_is_zero(g, &slot->d) | mpc_scalar_is_zero(g, &slot->e);
        sh_ct_declassify(&zero, sizeof zero);
        if (!zero)
            break;                                /* a zero nonce: probability 2^-250 */
    }
    sodium_memzero(rnd, sizeof rnd);
    mpc_elem_mul_base(g, &D, &slot->d);
    mpc_elem_mul_base(g, &E, &slot->e);
    sh_ct_declassify(&D, sizeof D);               /* the commitment is published */
    sh_ct_declassify(&E, sizeof E);
    if ((rc = mpc_frost_commitment_set(s->ctx, out, s->kp.id, &D, &E)) != 0) {
        sodium_memzero(slot, sizeof *slot);
        return rc;
    }
    memcpy(slot->enc, out->enc, sizeof slot->enc);
    slot->handle = ++s->last_handle;
    s->live++;
    *handle = slot->handle;
    return 0;
}

int mpc_frost_nonce_discard(mpc_frost_signer *s, uint64_t handle)
{
    frost_nonce *n;
    if (s == NULL)
        return SH_ERR_ARG;
    if ((n = find_handle(s, handle)) == NULL)
        return SH_ERR_STATE;
    wipe_slot(s, n);
    return 0;
}

int mpc_frost_round2(mpc_frost_signer *s, uint64_t handle,
                     const mpc_frost_signing_package *pkg, mpc_frost_share *out)
{
    const mpc_frost_ctx *ctx;
    frost_nonce *n;
    mpc_scalar z;
    size_t own;
    int rc;

    if (s == NULL || pkg == NULL || out == NULL)
        return SH_ERR_ARG;
    ctx = s->ctx;
    if ((n = find_handle(s, handle)) == NULL)
        return SH_ERR_STATE;                      /* used, discarded or never issued */
    if ((rc = frost_package_check(ctx, pkg, s->kp.min_signers, MPC_MAX_PARTIES)) != 0)
        return rc;
    /* Our identifier, with exactly the commitment of this nonce. */
    own = frost_find_id(pkg, s->kp.id);
    if (own == pkg->n
        || memcmp(pkg->commitments[own].enc, n->enc, sizeof n->enc) != 0)
        return SH_ERR_VERIFY;
    if (memcmp(&pkg->tweak, &s->key_tweak, sizeof pkg->tweak) != 0) {
        frost_key k;                              /* another tweak: prepare, cache */
        if ((rc = frost_key_prepare(ctx, &k, &s->kp.group_key, &pkg->tweak)) != 0)
            return rc;
        s->key = k;
        s->key_tweak = pkg->tweak;
    }
    if ((rc = frost_sign_core(ctx, &s->key, &s->kp.share, s->kp.id, &n->d, &n->e, pkg, &z)) != 0)
        return rc;                                /* nothing was released: keep the nonce */
    wipe_slot(s, n);
    sh_ct_declassify(&z, sizeof z);               /* the signature share is published */
    out->z = z;
    out->id = s->kp.id;
    mpc_scalar_wipe(&z);
    return 0;
}
