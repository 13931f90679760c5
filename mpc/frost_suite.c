/* mpc/frost_suite.c -- the FROST ciphersuites: the table, H1..H5 (RFC 9591
 * section 6, and the BIP340 variant of docs/frost.md), the key as each
 * suite signs with it (even-Y and BIP341 tweak for the variant). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_int.h"

static const frost_suite suites[] = {
    { MPC_FROST_RISTRETTO255, MPC_RISTRETTO255, "FROST(ristretto255, SHA-512)",
      "FROST-RISTRETTO255-SHA512-v1", 0, 64, 64 },
    { MPC_FROST_ED25519, MPC_ED25519, "FROST(Ed25519, SHA-512)",
      "FROST-ED25519-SHA512-v1", 0, 64, 64 },
    { MPC_FROST_SECP256K1, MPC_SECP256K1, "FROST(secp256k1, SHA-256)",
      "FROST-secp256k1-SHA256-v1", 1, 32, 65 },
    { MPC_FROST_SECP256K1_TR, MPC_SECP256K1, "FROST(secp256k1, SHA-256, BIP340)",
      "FROST-secp256k1-SHA256-TR-v1", 1, 32, 64 },
};

static const char *const labels[6] = { "", "rho", "chal", "nonce", "msg", "com" };

/* expand_message_xmd output for hash_to_field to one scalar mod the
 * secp256k1 order: L = ceil((ceil(log2(n)) + 128) / 8) = 48. */
#define XMD_LEN 48

const frost_suite *frost_suite_get(mpc_frost_suite_id id)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

const char *mpc_frost_suite_name(mpc_frost_suite_id id)
{
    const frost_suite *s = frost_suite_get(id);
    return s == NULL ? NULL : s->name;
}

const char *mpc_frost_context_string(mpc_frost_suite_id id)
{
    const frost_suite *s = frost_suite_get(id);
    return s == NULL ? NULL : s->context;
}

mpc_frost_suite_id mpc_frost_suite_by_name(const char *name)
{
    if (name == NULL)
        return 0;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(suites[i].name, name) == 0)
            return suites[i].id;
    return 0;
}

mpc_frost_ctx *mpc_frost_ctx_new(mpc_frost_suite_id id, sh_rng *rng)
{
    const frost_suite *s = frost_suite_get(id);
    if (s == NULL)
        return NULL;
    mpc_frost_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    ctx->suite = s;
    ctx->g = mpc_group_new(s->group, rng);
    if (ctx->g == NULL) {
        free(ctx);
        return NULL;
    }
    ctx->secp = mpc_group_secp256k1_ctx(ctx->g);
    ctx->ne = mpc_group_elem_bytes(ctx->g);
    for (int k = FROST_H1; k <= FROST_H5; k++)
        frost_hash_init(&ctx->start[k], s, k);
    /* Inverses of 1..MPC_MAX_PARTIES-1 (identifier differences), so that
     * Lagrange coefficients need no inversion while signing. */
    ctx->inv_small = mpc_scalars_alloc(MPC_MAX_PARTIES);
    if (ctx->inv_small == NULL)
        goto fail;
    mpc_scalar_zero(ctx->g, &ctx->inv_small[0]);
    for (uint32_t k = 1; k < MPC_MAX_PARTIES; k++)
        mpc_scalar_from_u64(ctx->g, &ctx->inv_small[k], k);
    if (mpc_scalar_batch_invert_vartime(ctx->g, ctx->inv_small + 1, ctx->inv_small + 1,
                                        MPC_MAX_PARTIES - 1) != 0)
        goto fail;
    return ctx;
fail:
    mpc_frost_ctx_free(ctx);
    return NULL;
}

void mpc_frost_ctx_free(mpc_frost_ctx *ctx)
{
    if (ctx == NULL)
        return;
    mpc_scalars_free(ctx->inv_small, MPC_MAX_PARTIES);
    mpc_group_free(ctx->g);
    free(ctx);
}

mpc_frost_suite_id mpc_frost_suite_of(const mpc_frost_ctx *ctx)
{
    return ctx->suite->id;
}

const mpc_group *mpc_frost_group(const mpc_frost_ctx *ctx)
{
    return ctx->g;
}

size_t mpc_frost_sig_bytes(const mpc_frost_ctx *ctx)
{
    return ctx->suite->sig_bytes;
}

/* ---- hashing ------------------------------------------------------------ */

void frost_tagged_hash(uint8_t out[32], const char *tag, const uint8_t *msg, size_t len)
{
    crypto_hash_sha256_state st;
    uint8_t th[32];
    crypto_hash_sha256(th, (const uint8_t *)tag, strlen(tag));
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, th, sizeof th);
    crypto_hash_sha256_update(&st, th, sizeof th);
    crypto_hash_sha256_update(&st, msg, len);
    crypto_hash_sha256_final(&st, out);
}

/* H1..H3 of the secp256k1 suites use expand_message_xmd (RFC 9380
 * section 5.3.1); the others are plain hashes of a prefix and the input. */
static int uses_xmd(const frost_hash *h)
{
    return h->suite->sha256 && h->kind <= FROST_H3
           && !(h->suite->id == MPC_FROST_SECP256K1_TR && h->kind == FROST_H2);
}

void frost_hash_init(frost_hash *h, const frost_suite *s, int kind)
{
    const char *ctx = s->context;
    const char *lab = labels[kind];
    h->suite = s;
    h->kind = kind;
    if (!s->sha256) {
        crypto_hash_sha512_init(&h->st.s512);
        if (s->id == MPC_FROST_ED25519 && kind == FROST_H2)
            return;                              /* H2 = SHA-512(m): RFC 8032 */
        crypto_hash_sha512_update(&h->st.s512, (const uint8_t *)ctx, strlen(ctx));
        crypto_hash_sha512_update(&h->st.s512, (const uint8_t *)lab, strlen(lab));
        return;
    }
    crypto_hash_sha256_init(&h->st.s256);
    if (s->id == MPC_FROST_SECP256K1_TR && kind == FROST_H2) {
        uint8_t th[32];
        static const char tag[] = "BIP0340/challenge";
        crypto_hash_sha256(th, (const uint8_t *)tag, sizeof tag - 1);
        crypto_hash_sha256_update(&h->st.s256, th, sizeof th);
        crypto_hash_sha256_update(&h->st.s256, th, sizeof th);
        return;
    }
    if (uses_xmd(h)) {
        static const uint8_t z_pad[64];          /* Z_pad = I2OSP(0, s_in_bytes) */
        crypto_hash_sha256_update(&h->st.s256, z_pad, sizeof z_pad);
        return;
    }
    crypto_hash_sha256_update(&h->st.s256, (const uint8_t *)ctx, strlen(ctx));
    crypto_hash_sha256_update(&h->st.s256, (const uint8_t *)lab, strlen(lab));
}

void frost_hash_start(frost_hash *h, const mpc_frost_ctx *ctx, int kind)
{
    *h = ctx->start[kind];
}

void frost_hash_update(frost_hash *h, const void *p, size_t n)
{
    if (h->suite->sha256)
        crypto_hash_sha256_update(&h->st.s256, p, n);
    else
        crypto_hash_sha512_update(&h->st.s512, p, n);
}

static void reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in, size_t len)
{
    if (mpc_scalar_reduce(g, out, in, len) != 0)
        sodium_misuse();                         /* len <= 64 always */
}

/* DST_prime = contextString || label || I2OSP(len, 1) into out (at most
 * 255 + 1 bytes); returns its length. */
static size_t xmd_dst(uint8_t out[256], const frost_suite *s, int kind)
{
    size_t lc = strlen(s->context), ll = strlen(labels[kind]);
    memcpy(out, s->context, lc);
    memcpy(out + lc, labels[kind], ll);
    out[lc + ll] = (uint8_t)(lc + ll);
    return lc + ll + 1;
}

void frost_hash_scalar(frost_hash *h, const mpc_group *g, mpc_scalar *out)
{
    if (!h->suite->sha256) {
        uint8_t d[64];
        crypto_hash_sha512_final(&h->st.s512, d);
        reduce(g, out, d, sizeof d);             /* little endian mod L */
        sodium_memzero(d, sizeof d);
        sodium_memzero(h, sizeof *h);
        return;
    }
    if (!uses_xmd(h)) {                          /* TR H2: tagged hash mod n */
        uint8_t d[32];
        crypto_hash_sha256_final(&h->st.s256, d);
        reduce(g, out, d, sizeof d);
        sodium_memzero(h, sizeof *h);
        return;
    }
    /* expand_message_xmd(msg, DST, 48), then OS2IP mod n (hash_to_field). */
    /* msg_prime ends with I2OSP(48, 2) || I2OSP(0, 1) || DST_prime; then
     * b_i = H((b_0 xor b_(i-1)) || I2OSP(i, 1) || DST_prime), b_1 from b_0. */
    uint8_t tail[3 + 256], blk[32 + 1 + 256], b0[32], bi[32] = { 0 }, u[XMD_LEN + 16];
    size_t dl = xmd_dst(tail + 3, h->suite, h->kind);
    tail[0] = 0;
    tail[1] = XMD_LEN;
    tail[2] = 0;
    crypto_hash_sha256_update(&h->st.s256, tail, 3 + dl);
    crypto_hash_sha256_final(&h->st.s256, b0);
    memcpy(blk + 33, tail + 3, dl);
    for (uint8_t i = 1; i <= 2; i++) {
        for (size_t k = 0; k < 32; k++)
            blk[k] = (uint8_t)(b0[k] ^ bi[k]);    /* b_1 uses b_0 alone */
        blk[32] = i;
        crypto_hash_sha256(bi, blk, 33 + dl);
        memcpy(u + 32 * (i - 1), bi, 32);
    }
    sodium_memzero(blk, sizeof blk);
    reduce(g, out, u, XMD_LEN);                  /* big endian mod n */
    sodium_memzero(u, sizeof u);
    sodium_memzero(b0, sizeof b0);
    sodium_memzero(bi, sizeof bi);
    sodium_memzero(h, sizeof *h);
}

void frost_hash_bytes(frost_hash *h, uint8_t *out)
{
    if (h->suite->sha256)
        crypto_hash_sha256_final(&h->st.s256, out);
    else
        crypto_hash_sha512_final(&h->st.s512, out);
    sodium_memzero(h, sizeof *h);
}

void frost_id_encode(const frost_suite *s, uint8_t out[MPC_SCALAR_BYTES], uint32_t id)
{
    memset(out, 0, MPC_SCALAR_BYTES);
    for (int k = 0; k < 4; k++) {
        uint8_t b = (uint8_t)(id >> (8 * k));
        if (s->group == MPC_SECP256K1)
            out[MPC_SCALAR_BYTES - 1 - k] = b;   /* big endian */
        else
            out[k] = b;                          /* little endian */
    }
}

void mpc_frost_nonce_generate(const mpc_frost_ctx *ctx, mpc_scalar *nonce,
                              const uint8_t random[MPC_FROST_RANDOM_BYTES],
                              const mpc_scalar *secret)
{
    frost_hash h;
    uint8_t enc[MPC_SCALAR_BYTES];
    mpc_scalar_encode(ctx->g, enc, secret);
    frost_hash_start(&h, ctx, FROST_H3);
    frost_hash_update(&h, random, MPC_FROST_RANDOM_BYTES);
    frost_hash_update(&h, enc, sizeof enc);
    frost_hash_scalar(&h, ctx->g, nonce);
    sodium_memzero(enc, sizeof enc);
}

/* ---- keys ------------------------------------------------------------------- */

static int tweak_is_zero(const mpc_frost_tweak *tw)
{
    return tw == NULL || (tw->taproot == 0 && tw->has_merkle_root == 0);
}

int frost_key_prepare(const mpc_frost_ctx *ctx, frost_key *k, const mpc_elem *P,
                      const mpc_frost_tweak *tw)
{
    const mpc_group *g = ctx->g;
    uint8_t enc[MPC_ELEM_MAX_BYTES];
    int rc;

    memset(k, 0, sizeof *k);
    k->P = *P;
    k->Q = *P;
    if ((rc = mpc_elem_encode(g, enc, P)) != 0)
        return rc;
    if (ctx->suite->id != MPC_FROST_SECP256K1_TR) {
        if (!tweak_is_zero(tw))
            return SH_ERR_ARG;
        memcpy(k->enc, enc, ctx->ne);
        k->enc_len = ctx->ne;
        return 0;
    }
    if (tw != NULL && (tw->taproot > 1 || tw->has_merkle_root > 1
                       || (tw->has_merkle_root && !tw->taproot)))
        return SH_ERR_ARG;

    /* P' = lift_x(x(P)): P with even Y. */
    int g1 = enc[0] == 0x03;
    if (g1)
        mpc_elem_neg(g, &k->Q, P);
    mpc_scalar_zero(g, &k->tweak);
    k->negate_share = g1;
    if (tw != NULL && tw->taproot) {
        /* BIP341 taproot_tweak_pubkey: t = TapTweak(x(P) || h), Q = P' + tG. */
        uint8_t in[64], th[32], qenc[MPC_ELEM_MAX_BYTES];
        mpc_elem T;
        memcpy(in, enc + 1, 32);
        if (tw->has_merkle_root)
            memcpy(in + 32, tw->merkle_root, 32);
        frost_tagged_hash(th, "TapTweak", in, tw->has_merkle_root ? 64 : 32);
        if (mpc_scalar_decode(g, &k->tweak, th) != 0)
            return SH_ERR_RANGE;
        mpc_elem_mul_base(g, &T, &k->tweak);
        mpc_elem_add(g, &k->Q, &k->Q, &T);
        if ((rc = mpc_elem_encode(g, qenc, &k->Q)) != 0)
            return rc;
        int g2 = qenc[0] == 0x03;
        k->q_parity = g2;
        if (g2) {
            mpc_elem_neg(g, &k->Q, &k->Q);
            mpc_scalar_neg(g, &k->tweak, &k->tweak);
        }
        k->negate_share = g1 ^ g2;
        k->has_tweak = 1;
    }
    if ((rc = mpc_elem_encode(g, enc, &k->Q)) != 0)
        return rc;
    memcpy(k->enc, enc + 1, 32);                 /* x(Q) */
    k->enc_len = 32;
    return 0;
}

int mpc_frost_output_key(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                         const mpc_frost_tweak *tweak, uint8_t xonly[32], int *parity)
{
    frost_key k;
    int rc;
    if (ctx == NULL || group_key == NULL || xonly == NULL)
        return SH_ERR_ARG;
    if (ctx->suite->id != MPC_FROST_SECP256K1_TR)
        return SH_ERR_ARG;
    if ((rc = frost_key_prepare(ctx, &k, group_key, tweak)) != 0)
        return rc;
    memcpy(xonly, k.enc, 32);
    if (parity != NULL)
        *parity = k.q_parity;
    return 0;
}
