/* mpc/dkg_crypto.c -- the cryptography of the DKG (docs/dkg.md,
 * "Cryptography"): the proof of possession (a Schnorr proof over any
 * mpc_group), share encryption under a ristretto255 ECDH key, the DLEQ
 * proof of a complaint, and the content check of a DEAL. */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "zk/dleq.h"
#include "zk/hint.h"
#include "zk/msm.h"
#include "zk/transcript.h"

#define POP_DOMAIN "shroud-dkg-pop-v1"
#define SHARE_DOMAIN "shroud-dkg-share-v1"         /* 19 bytes */
#define COMPLAINT_DOMAIN "shroud-dkg-complaint-v1"

/* ---- proof of possession ------------------------------------------------ */

/* The statement: the session, the group, the dealer and, unless c0 is
 * NULL (the nonce's transcript), X = enc(C_0). */
static void pop_statement(const mpc_dkg *k, zk_transcript *t, uint32_t dealer,
                          const uint8_t *c0, size_t eb)
{
    zk_transcript_init(t, POP_DOMAIN);
    zk_transcript_append_u64(t, "group", (uint64_t)mpc_group_id_of(k->g));
    zk_transcript_append(t, "sid", k->sid, MPC_DKG_SID_BYTES);
    zk_transcript_append_u64(t, "dealer", dealer);
    if (c0 != NULL)
        zk_transcript_append(t, "X", c0, eb);
}

static void challenge(const mpc_group *g, zk_transcript *t, const char *label, mpc_scalar *c)
{
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    zk_transcript_challenge_bytes(t, label, h);
    /* 64 bytes reduce in every group (mpc_scalar_reduce takes up to 64) */
    if (mpc_scalar_reduce(g, c, h, sizeof h) != 0)
        mpc_scalar_zero(g, c);
    sodium_memzero(h, sizeof h);
}

void dkg_pop_nonce(const mpc_dkg *k, mpc_scalar *nonce, uint32_t dealer, const mpc_scalar *a0)
{
    const mpc_group *g = k->g;
    uint8_t buf[MPC_SCALAR_BYTES];
    zk_transcript t, f;
    int zero;
    /* The hedged nonce of docs/proofs.md: the statement (but C_0, which
     * a0 determines and which is computed with R), the secret and fresh
     * randomness. */
    pop_statement(k, &t, dealer, NULL, 0);
    do {
        f = t;
        mpc_scalar_encode(g, buf, a0);
        zk_transcript_append(&f, "nonce-secret", buf, sizeof buf);
        sh_rng_bytes(k->d->rng, buf, sizeof buf);
        zk_transcript_append(&f, "nonce-rng", buf, sizeof buf);
        challenge(g, &f, "nonce", nonce);
        zero = mpc_scalar_is_zero(g, nonce);
        sh_ct_declassify(&zero, sizeof zero);
    } while (zero);
    zk_transcript_wipe(&f);
    zk_transcript_wipe(&t);
    sodium_memzero(buf, sizeof buf);
}

void dkg_pop_respond(const mpc_dkg *k, uint8_t *pop, uint32_t dealer, const uint8_t *c0,
                     const mpc_scalar *a0, const mpc_scalar *nonce, const uint8_t *encR)
{
    const mpc_group *g = k->g;
    zk_transcript t;
    mpc_scalar c, s;
    pop_statement(k, &t, dealer, c0, k->eb);
    memmove(pop, encR, k->eb);
    zk_transcript_append(&t, "R", pop, k->eb);
    challenge(g, &t, "c", &c);
    mpc_scalar_mul(g, &s, &c, a0);
    mpc_scalar_add(g, &s, &s, nonce);
    mpc_scalar_encode(g, pop + k->eb, &s);
    sh_ct_declassify(pop + k->eb, MPC_SCALAR_BYTES);  /* the proof's s: published */
    mpc_scalar_wipe(&s);
    zk_transcript_wipe(&t);
}

/* The challenge c of a proof of possession, from its statement and R. */
static void pop_challenge(const mpc_dkg *k, mpc_scalar *c, const uint8_t *pop, uint32_t dealer,
                          const uint8_t *c0)
{
    zk_transcript t;
    pop_statement(k, &t, dealer, c0, k->eb);
    zk_transcript_append(&t, "R", pop, k->eb);
    challenge(k->g, &t, "c", c);
}

int dkg_pop_batch_terms(const mpc_dkg *k, const uint8_t *const *pop, const uint32_t *dealer,
                        const mpc_elem *const *C0, const uint8_t *const *c0,
                        const uint8_t *const *rhint, size_t n, mpc_scalar *sc, mpc_elem *pt,
                        mpc_scalar *xb)
{
    const mpc_group *g = k->g;
    mpc_scalar sB, z, s, c;
    uint8_t zb[16];
    int rc = 0;
    mpc_scalar_zero(g, &sB);
    /* Every R hinted: decoded as one block (in Ed25519 one inversion for
     * all), into the even slots of pt via a scratch array. */
    const size_t hb = mpc_group_hint_bytes(g);
    int block = n > 1 && rhint != NULL && hb > 0;
    for (size_t i = 0; i < n && block; i++)
        block = rhint[i] != NULL;
    if (block) {
        uint8_t *re = malloc(n * k->eb), *rh = malloc(n * hb);
        mpc_elem *R = mpc_elems_alloc(n);
        rc = re == NULL || rh == NULL || R == NULL ? SH_ERR_NOMEM : 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            memcpy(re + i * k->eb, pop[i], k->eb);
            memcpy(rh + i * hb, rhint[i], hb);
        }
        if (rc == 0 && (rc = mpc_elems_decode_hinted(g, R, re, rh, n)) != 0)
            rc = rc == SH_ERR_NOMEM ? rc : SH_ERR_VERIFY;     /* decoding refused */
        for (size_t i = 0; i < n && rc == 0; i++)
            pt[2 * i] = R[i];
        free(re);
        free(rh);
        mpc_elems_free(R, n);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!block && (rc = mpc_elem_decode_hinted(g, &pt[2 * i], pop[i],
                                                   rhint != NULL ? rhint[i] : NULL)) != 0) {
            rc = rc == SH_ERR_NOMEM ? rc : SH_ERR_VERIFY;     /* decoding refused */
            break;
        }
        if (mpc_scalar_decode(g, &s, pop[i] + k->eb) != 0 ||
            mpc_elem_is_identity(g, &pt[2 * i]) ||
            mpc_elem_is_identity(g, C0[i])) {
            rc = SH_ERR_VERIFY;
            break;
        }
        pop_challenge(k, &c, pop[i], dealer[i], c0[i]);
        sh_rng_bytes(k->d->rng, zb, sizeof zb);
        if (mpc_scalar_reduce(g, &z, zb, sizeof zb) != 0) {   /* < 2^128: cannot fail */
            rc = SH_ERR_INTERNAL;
            break;
        }
        mpc_scalar_mul(g, &s, &s, &z);
        mpc_scalar_add(g, &sB, &sB, &s);
        mpc_scalar_neg(g, &sc[2 * i], &z);                /* -z_i R_i */
        mpc_scalar_mul(g, &sc[2 * i + 1], &sc[2 * i], &c); /* -z_i c_i C0_i */
        pt[2 * i + 1] = *C0[i];
    }
    if (rc == 0)
        *xb = sB;
    return rc;
}

/* The terms of dkg_pop_batch_terms and B in one mpc_elem_msm_vartime of
 * 2n + 1 terms.  In secp256k1 the base-point term goes through the group's table
 * of G (mpc/secp_msm.c): against one ecdsa_recover check per proof, in
 * instructions, 0.87 for 4 proofs and 0.72 for 63 (the decompression of
 * each R is about a tenth of a check).  In Ed25519, where R's subgroup
 * check would cost as much as a proof without its hint, the batch is also
 * the cheaper way with hints. */
static int pop_batch_group(const mpc_dkg *k, const uint8_t *const *pop, const uint32_t *dealer,
                           const mpc_elem *const *C0, const uint8_t *const *c0,
                           const uint8_t *const *rhint, size_t n)
{
    const mpc_group *g = k->g;
    mpc_scalar *sc = mpc_scalars_alloc(2 * n + 1);
    mpc_elem *pt = mpc_elems_alloc(2 * n + 1);
    int rc = sc == NULL || pt == NULL ? SH_ERR_NOMEM : 0;
    if (rc == 0 && (rc = dkg_pop_batch_terms(k, pop, dealer, C0, c0, rhint, n, sc, pt,
                                             &sc[2 * n])) == 0)
        mpc_elem_base(g, &pt[2 * n]);
    if (rc == 0) {
        mpc_elem sum;
        if ((rc = mpc_elem_msm_vartime(g, &sum, sc, pt, 2 * n + 1)) == 0 &&
            !mpc_elem_is_identity(g, &sum))
            rc = SH_ERR_VERIFY;
    }
    mpc_scalars_free(sc, 2 * n + 1);
    mpc_elems_free(pt, 2 * n + 1);
    return rc;
}

int dkg_pop_batch_verify(const mpc_dkg *k, const uint8_t *const *pop, const uint32_t *dealer,
                         const mpc_elem *const *C0, const uint8_t *const *c0,
                         const uint8_t *const *rhint, size_t n)
{
    if (n == 0)
        return 0;
    if (n > 1)
        return pop_batch_group(k, pop, dealer, C0, c0, rhint, n);
    for (size_t i = 0; i < n; i++)
        if (dkg_pop_verify(k, pop[i], dealer[i], C0[i]) != 0)
            return SH_ERR_VERIFY;
    return 0;
}

int dkg_pop_verify(const mpc_dkg *k, const uint8_t *pop, uint32_t dealer, const mpc_elem *C0)
{
    const mpc_group *g = k->g;
    uint8_t c0[MPC_ELEM_MAX_BYTES], r[MPC_ELEM_MAX_BYTES];
    zk_transcript t;
    mpc_scalar sc[2], c;
    mpc_elem pt[2], R;

    int rc = mpc_scalar_decode(g, &sc[0], pop + k->eb);
    if (rc != 0)
        return rc;
    if (mpc_elem_encode(g, c0, C0) != 0)
        return SH_ERR_IDENTITY;
    pop_statement(k, &t, dealer, c0, k->eb);
    zk_transcript_append(&t, "R", pop, k->eb);
    challenge(g, &t, "c", &c);
    /* R' = s*B - c*C0 must encode to the R of the proof (an identity R'
     * encodes as zero bytes with an error: rejected). */
    mpc_scalar_neg(g, &sc[1], &c);
    if (mpc_group_id_of(g) == MPC_RISTRETTO255) {
        mpc_elem_identity(g, &R);
        zk_point_double_mul_base_vartime(&R.u.r, &sc[0].r, &C0->u.r, &sc[1].r);
    } else {
        mpc_elem_base(g, &pt[0]);
        pt[1] = *C0;
        if ((rc = mpc_elem_msm_vartime(g, &R, sc, pt, 2)) != 0)
            return rc;
    }
    if (mpc_elem_encode(g, r, &R) != 0)
        return SH_ERR_VERIFY;
    return sodium_memcmp(r, pop, k->eb) == 0 ? 0 : SH_ERR_VERIFY;
}

/* ---- share encryption ----------------------------------------------------- */

/* ad = SHARE_DOMAIN || sid || u32be(from) || u32be(to); the key is
 * BLAKE2b-256 keyed by X(K) (dkg_pair_secret_of) over ad || E_from || E_to. */
#define AD_BYTES (19 + MPC_DKG_SID_BYTES + 8)

static void share_key(const mpc_dkg *k, uint8_t key[32], uint8_t ad[AD_BYTES],
                      const uint8_t kb[32], uint32_t from, uint32_t to,
                      const uint8_t E_from[32], const uint8_t E_to[32])
{
    crypto_generichash_state st;
    memcpy(ad, SHARE_DOMAIN, 19);
    memcpy(ad + 19, k->sid, MPC_DKG_SID_BYTES);
    for (int i = 0; i < 4; i++) {
        ad[19 + MPC_DKG_SID_BYTES + i] = (uint8_t)(from >> (24 - 8 * i));
        ad[19 + MPC_DKG_SID_BYTES + 4 + i] = (uint8_t)(to >> (24 - 8 * i));
    }
    crypto_generichash_init(&st, kb, 32, 32);
    crypto_generichash_update(&st, ad, AD_BYTES);
    crypto_generichash_update(&st, E_from, 32);
    crypto_generichash_update(&st, E_to, 32);
    crypto_generichash_final(&st, key, 32);
    sodium_memzero(&st, sizeof st);
}

void dkg_pair_secret_of(uint8_t out[32], const zk_elem *K)
{
    decaf_255_point_mul_by_ratio_and_encode_like_x25519(out, &K->p.v);
}

/* Each key encrypts one message (it is unique to the session, the pair and
 * both keys), so the nonce is fixed. */
static const uint8_t zero_nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];

void dkg_share_seal(const mpc_dkg *k, uint8_t ct[MPC_DKG_CT_BYTES],
                    const uint8_t share[MPC_SCALAR_BYTES], const uint8_t K[32],
                    uint32_t from, uint32_t to, const uint8_t E_from[32],
                    const uint8_t E_to[32])
{
    uint8_t key[32], ad[AD_BYTES];
    share_key(k, key, ad, K, from, to, E_from, E_to);
    crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, share, MPC_SCALAR_BYTES, ad,
                                               sizeof ad, NULL, zero_nonce, key);
    sodium_memzero(key, sizeof key);
    sh_ct_declassify(ct, MPC_DKG_CT_BYTES);   /* the ciphertext: sent in the SHARE */
}

int dkg_share_open(const mpc_dkg *k, uint8_t share[MPC_SCALAR_BYTES],
                   const uint8_t ct[MPC_DKG_CT_BYTES], const uint8_t K[32], uint32_t from,
                   uint32_t to, const uint8_t E_from[32], const uint8_t E_to[32])
{
    uint8_t key[32], ad[AD_BYTES];
    share_key(k, key, ad, K, from, to, E_from, E_to);
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(share, NULL, NULL, ct,
                                                        MPC_DKG_CT_BYTES, ad, sizeof ad,
                                                        zero_nonce, key);
    sodium_memzero(key, sizeof key);
    /* public: a holder whose share does not open complains about it */
    sh_ct_declassify(&rc, sizeof rc);
    return rc == 0 ? 0 : SH_ERR_VERIFY;
}

/* ---- complaints ------------------------------------------------------------ */

static void complaint_transcript(const mpc_dkg *k, zk_transcript *t, uint32_t from,
                                 uint32_t to)
{
    zk_transcript_init(t, COMPLAINT_DOMAIN);
    zk_transcript_append(t, "sid", k->sid, MPC_DKG_SID_BYTES);
    zk_transcript_append_u64(t, "dealer", from);
    zk_transcript_append_u64(t, "holder", to);
}

void dkg_complaint_prove(const mpc_dkg *k, uint8_t proof[MPC_DKG_DLEQ_BYTES],
                         uint32_t from, uint32_t to, const zk_elem *E_from,
                         const zk_elem *E_to, const zk_elem *K, const zk_scalar *e)
{
    zk_transcript t;
    complaint_transcript(k, &t, from, to);
    if (zk_dleq_prove(proof, &t, NULL, E_from, E_to, K, e, k->d->rng) != 0)
        memset(proof, 0, MPC_DKG_DLEQ_BYTES);   /* unreachable: arguments are set */
    zk_transcript_wipe(&t);
}

int dkg_complaint_verify(const mpc_dkg *k, const uint8_t proof[MPC_DKG_DLEQ_BYTES],
                         uint32_t from, uint32_t to, const zk_elem *E_from,
                         const zk_elem *E_to, const zk_elem *K)
{
    zk_transcript t;
    complaint_transcript(k, &t, from, to);
    return zk_dleq_verify(proof, &t, NULL, E_from, E_to, K);
}

/* ---- deals ----------------------------------------------------------------- */

static int deal_check(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E, mpc_elem *C,
                      int pop);

int dkg_deal_check(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E, mpc_elem *C)
{
    return deal_check(k, m, E, C, 1);
}

int dkg_deal_check_nopop(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E, mpc_elem *C)
{
    return deal_check(k, m, E, C, 0);
}

static int deal_check(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E, mpc_elem *C,
                      int pop)
{
    zk_elem e_tmp;
    int rc = zk_elem_decode_nonidentity_hinted(E != NULL ? E : &e_tmp, m->E, mpc_dkg_deal_hint_E(m));
    if (rc != 0)
        return rc;
    uint32_t di = k->dealer_of[m->from];
    if (di == UINT32_MAX)
        return m->has_commit || m->pop_len > 0 ? SH_ERR_FORMAT : 0;
    if (!m->has_commit || m->n_commit != k->t_c)
        return SH_ERR_LENGTH;
    if ((k->mode == MPC_DKG_FRESH) != (m->pop_len > 0))
        return SH_ERR_FORMAT;
    mpc_elem *c = C != NULL ? C : mpc_elems_alloc(k->t);
    if (c == NULL)
        return SH_ERR_NOMEM;
    uint32_t off = k->t - k->t_c;     /* 1 in REFRESH: C_0 is the identity */
    if (off == 1)
        mpc_elem_identity(k->g, &c[0]);
    /* with the dealer's hints when it sent them: the same result, faster
     * (the commitments' hints are consecutive, so they go as one block) */
    rc = mpc_elems_decode_hinted(k->g, &c[off], m->commit,
                                 mpc_dkg_deal_hint_commit(m, k->lim.hint_bytes, 0), k->t_c);
    if (rc == 0 && k->mode == MPC_DKG_FRESH && pop)
        rc = dkg_pop_verify(k, m->pop, m->from, &c[0]);
    if (rc == 0 && k->mode == MPC_DKG_RESHARE && !mpc_elem_eq(k->g, &c[0], &k->Y_old[di]))
        rc = SH_ERR_VERIFY;
    if (C == NULL)
        mpc_elems_free(c, k->t);
    return rc;
}

int dkg_deal_check_own(const mpc_dkg *k, const mpc_elem *C)
{
    uint32_t di = k->dealer_of[k->d->self];
    if (di == UINT32_MAX)
        return 0;
    /* What decoding would refuse: an identity commitment (C_0 is the
     * identity by construction in REFRESH, and not on the wire). */
    for (uint32_t i = k->t - k->t_c; i < k->t; i++)
        if (mpc_elem_is_identity(k->g, &C[i]))
            return SH_ERR_IDENTITY;
    if (k->mode == MPC_DKG_RESHARE && !mpc_elem_eq(k->g, &C[0], &k->Y_old[di]))
        return SH_ERR_VERIFY;
    return 0;
}

/* ---- embedded messages ----------------------------------------------------- */

int dkg_embedded_decode(const mpc_dkg *k, mpc_dkg_msg *m, const uint8_t *p, size_t len,
                        uint32_t type, sh_peer_id from)
{
    int rc = mpc_dkg_msg_decode(m, p, len, &k->lim);
    if (rc != 0)
        return rc;
    if (m->type != type || m->from != from)
        rc = SH_ERR_FORMAT;
    else if (sodium_memcmp(m->sid, k->sid, MPC_DKG_SID_BYTES) != 0)
        rc = SH_ERR_VERIFY;
    else if (type == MPC_DKG_MSG_SHARE &&
             (m->to >= k->n_peers || m->leaf != k->holder_of[m->to]))
        rc = SH_ERR_FORMAT;             /* a SHARE's leaf is its holder's index */
    else
        rc = mpc_dkg_sig_verify(k->pk[from], k->sid, type, mpc_dkg_signed_hash(m), m->sig);
    if (rc != 0)
        mpc_dkg_msg_clear(m);
    return rc;
}

int dkg_encode_own(const mpc_dkg *k, mpc_dkg_msg *m, uint8_t **out, size_t *len)
{
    sh_buf b;
    sh_buf_init(&b);
    memcpy(m->sid, k->sid, MPC_DKG_SID_BYTES);
    m->from = k->d->self;
    int rc = mpc_dkg_msg_encode(&b, m, k->eb, k->sk);
    if (rc == 0) {
        *out = malloc(b.len);
        if (*out == NULL)
            rc = SH_ERR_NOMEM;
        else {
            memcpy(*out, b.data, b.len);
            *len = b.len;
        }
    }
    sh_buf_free(&b);
    return rc;
}
