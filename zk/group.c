/* zk/group.c -- ristretto255 scalars and points on libdecaf.
 *
 * libdecaf's decaf_255 is the Ristretto encoding of Curve25519 and agrees
 * byte for byte with libsodium's ristretto255 (the tests cross-check every
 * operation).  We use libdecaf rather than libsodium because it exposes the
 * point arithmetic itself (addition on unencoded points), which the MSM and
 * the shuffle need; libsodium only offers encoded-in, encoded-out calls.
 */
#include "zk/group.h"
#include "util/ct.h"

#include <decaf/ed255.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static int decaf_ok(decaf_error_t e)
{
    return decaf_successful(e) == DECAF_TRUE;
}

/* The success bit of an operation on possibly secret data (decoding a
 * stored share, inverting a secret).  That one bit is the function's return
 * value, public by contract; the outputs were already selected without a
 * branch, so only the bit is declassified for the constant-time checker. */
static int public_ok(decaf_error_t e)
{
    int ok = decaf_ok(e);
    sh_ct_declassify(&ok, sizeof ok);
    return ok;
}

/* ---- scalars ---------------------------------------------------------- */

void zk_scalar_zero(zk_scalar *out)
{
    decaf_255_scalar_copy(&out->v, decaf_255_scalar_zero);
}

void zk_scalar_one(zk_scalar *out)
{
    decaf_255_scalar_copy(&out->v, decaf_255_scalar_one);
}

void zk_scalar_from_u64(zk_scalar *out, uint64_t v)
{
    decaf_255_scalar_set_unsigned(&out->v, v);
}

/* libdecaf keeps a scalar as its canonical value in little-endian words
 * (decaf_255_scalar_encode writes byte j of limb i as byte i*W + j), and
 * its decoders spend one or more Montgomery multiplications on reducing:
 * decaf_255_scalar_decode multiplies by one even when the input is already
 * canonical, decaf_255_scalar_decode_long several times.  A value known to
 * be below L is therefore stored straight into the limbs, and 64-byte
 * reductions go through libsodium's (a single Barrett-style pass, about a
 * quarter of decode_long's time).  tests/test_zk_scalar.c cross-checks both
 * against libdecaf's own decoders and libsodium on random and edge values. */
_Static_assert(DECAF_255_SCALAR_LIMBS * sizeof(decaf_word_t) == ZK_SCALAR_BYTES,
               "libdecaf's scalar limbs hold exactly 32 bytes");

static void scalar_load(zk_scalar *out, const uint8_t in[ZK_SCALAR_BYTES])
{
    for (unsigned i = 0; i < DECAF_255_SCALAR_LIMBS; i++) {
        decaf_word_t w = 0;
        for (unsigned j = sizeof(decaf_word_t); j-- > 0;)
            w = (w << 8) | in[i * sizeof(decaf_word_t) + j];
        out->v.limb[i] = w;
    }
}

/* 1 if the 32 little-endian bytes are below L, else 0; branch-free (the
 * bytes may be a secret share). */
static unsigned scalar_is_canonical(const uint8_t in[ZK_SCALAR_BYTES])
{
    static const uint8_t L[ZK_SCALAR_BYTES] = {
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
        0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10
    };
    unsigned borrow = 0;    /* of in - L, from the low byte up */
    for (unsigned i = 0; i < ZK_SCALAR_BYTES; i++)
        borrow = ((unsigned)in[i] - L[i] - borrow) >> 8 & 1;
    return borrow;
}

int zk_scalar_decode(zk_scalar *out, const uint8_t in[ZK_SCALAR_BYTES])
{
    unsigned ok = scalar_is_canonical(in);
    scalar_load(out, in);
    /* zero on failure, selected without a branch */
    decaf_255_scalar_cond_sel(&out->v, decaf_255_scalar_zero, &out->v,
                              (decaf_word_t)0 - (decaf_word_t)ok);
    int pub = (int)ok;
    sh_ct_declassify(&pub, sizeof pub);
    return pub ? SH_OK : SH_ERR_NONCANONICAL;
}

void zk_scalar_encode(uint8_t out[ZK_SCALAR_BYTES], const zk_scalar *s)
{
    decaf_255_scalar_encode(out, &s->v);
}

void zk_scalar_reduce(zk_scalar *out, const uint8_t *in, size_t len)
{
    uint8_t buf[crypto_core_ristretto255_NONREDUCEDSCALARBYTES] = { 0 };
    _Static_assert(sizeof buf == 2 * ZK_SCALAR_BYTES, "libsodium reduces 64 bytes");
    if (len < ZK_SCALAR_BYTES) {
        /* below 2^248 < L: already reduced */
        memcpy(buf, in, len);
        scalar_load(out, buf);
    } else if (len <= sizeof buf) {
        memcpy(buf, in, len);
        crypto_core_ristretto255_scalar_reduce(buf, buf);
        scalar_load(out, buf);
    } else {
        decaf_255_scalar_decode_long(&out->v, in, len);
    }
    sodium_memzero(buf, sizeof buf);
}

/* Products of canonical scalars are below L^2 < 2^506, so 64 of them fit
 * in the 512 bits libsodium reduces. */
#define ACC_MAX_TERMS 64

/* out = a mod L, as 32 bytes */
static void acc_reduce_bytes(uint8_t out[ZK_SCALAR_BYTES], const zk_scalar_acc *a)
{
    uint8_t b[crypto_core_ristretto255_NONREDUCEDSCALARBYTES];
    for (unsigned k = 0; k < 8; k++)
        for (unsigned j = 0; j < 8; j++)
            b[8 * k + j] = (uint8_t)(a->w[k] >> (8 * j));
    crypto_core_ristretto255_scalar_reduce(out, b);
    sodium_memzero(b, sizeof b);
}

void zk_scalar_acc_init(zk_scalar_acc *a)
{
    memset(a, 0, sizeof *a);
}

void zk_scalar_acc_muladd(zk_scalar_acc *a, const zk_scalar *x, const zk_scalar *y)
{
    uint64_t u[4], v[4];
    if (a->terms == ACC_MAX_TERMS) {
        /* fold: the sum so far, reduced, counts as one term */
        zk_scalar r;
        zk_scalar_acc_reduce(&r, a);
        memset(a->w, 0, sizeof a->w);
        zk_scalar_words(a->w, &r);
        a->terms = 1;
        zk_scalar_wipe(&r);
    }
    zk_scalar_words(u, x);
    zk_scalar_words(v, y);
    /* schoolbook, each row added into the sum and its carry carried to
     * the top (no early exit: the values may be secret) */
    for (unsigned i = 0; i < 4; i++) {
        unsigned __int128 c = 0;
        for (unsigned j = 0; j < 4; j++) {
            c += (unsigned __int128)u[i] * v[j] + a->w[i + j];
            a->w[i + j] = (uint64_t)c;
            c >>= 64;
        }
        for (unsigned k = i + 4; k < 8; k++) {
            c += a->w[k];
            a->w[k] = (uint64_t)c;
            c >>= 64;
        }
    }
    a->terms++;
    sodium_memzero(u, sizeof u);
    sodium_memzero(v, sizeof v);
}

void zk_scalar_acc_reduce(zk_scalar *out, const zk_scalar_acc *a)
{
    uint8_t r[ZK_SCALAR_BYTES];
    acc_reduce_bytes(r, a);
    scalar_load(out, r);
    sodium_memzero(r, sizeof r);
}

void zk_scalar_acc_wipe(zk_scalar_acc *a)
{
    sodium_memzero(a, sizeof *a);
}

void zk_scalar_words(uint64_t out[4], const zk_scalar *s)
{
    for (unsigned k = 0; k < 4; k++)
        out[k] = 0;
    for (unsigned i = 0; i < DECAF_255_SCALAR_LIMBS; i++)
        out[i * sizeof(decaf_word_t) / 8] |= (uint64_t)s->v.limb[i]
                                             << (8 * (i * sizeof(decaf_word_t) % 8));
}

void zk_scalar_random(zk_scalar *out, sh_rng *rng)
{
    /* 512 random bits reduced mod L: statistically uniform (bias < 2^-259). */
    uint8_t buf[64];
    sh_rng_bytes(rng, buf, sizeof buf);
    zk_scalar_reduce(out, buf, sizeof buf);
    sodium_memzero(buf, sizeof buf);
}

void zk_scalar_random_nonzero(zk_scalar *out, sh_rng *rng)
{
    do {
        zk_scalar_random(out, rng);
    } while (zk_scalar_is_zero(out));
}

void zk_scalar_add(zk_scalar *out, const zk_scalar *a, const zk_scalar *b)
{
    decaf_255_scalar_add(&out->v, &a->v, &b->v);
}

void zk_scalar_sub(zk_scalar *out, const zk_scalar *a, const zk_scalar *b)
{
    decaf_255_scalar_sub(&out->v, &a->v, &b->v);
}

void zk_scalar_mul(zk_scalar *out, const zk_scalar *a, const zk_scalar *b)
{
    /* An integer product and libsodium's reduction: about two thirds of
     * decaf_255_scalar_mul's time (two Montgomery multiplications). */
    zk_scalar_acc acc;
    zk_scalar_acc_init(&acc);
    zk_scalar_acc_muladd(&acc, a, b);
    zk_scalar_acc_reduce(out, &acc);
    zk_scalar_acc_wipe(&acc);
}

void zk_scalar_neg(zk_scalar *out, const zk_scalar *a)
{
    decaf_255_scalar_sub(&out->v, decaf_255_scalar_zero, &a->v);
}

int zk_scalar_invert(zk_scalar *out, const zk_scalar *a)
{
    /* libdecaf returns 0 as the "inverse" of 0, so out needs no fixing. */
    decaf_error_t e = decaf_255_scalar_invert(&out->v, &a->v);
    return public_ok(e) ? SH_OK : SH_ERR_ZERO;
}

int zk_scalar_eq(const zk_scalar *a, const zk_scalar *b)
{
    return decaf_255_scalar_eq(&a->v, &b->v) == DECAF_TRUE;
}

int zk_scalar_is_zero(const zk_scalar *a)
{
    return decaf_255_scalar_eq(&a->v, decaf_255_scalar_zero) == DECAF_TRUE;
}

void zk_scalar_cmov(zk_scalar *out, const zk_scalar *a, const zk_scalar *b, int flag)
{
    decaf_word_t mask = (decaf_word_t)0 - (decaf_word_t)(flag & 1);
    decaf_255_scalar_cond_sel(&out->v, &a->v, &b->v, mask);
}

void zk_scalar_wipe(zk_scalar *s)
{
    sodium_memzero(s, sizeof *s);
}

void zk_scalar_hash(zk_scalar *out, const char *dst, const uint8_t *msg, size_t len)
{
    uint8_t wide[64];
    /* Fails only for a tag longer than 255 bytes; tags are constants of
     * the code, so that is a programming error, treated like libsodium's. */
    if (zk_expand_message_xmd_sha512(wide, sizeof wide, dst, msg, len) != 0)
        sodium_misuse();
    zk_scalar_reduce(out, wide, sizeof wide);
    sodium_memzero(wide, sizeof wide);
}

/* ---- points ------------------------------------------------------------ */

void zk_point_identity(zk_point *out)
{
    decaf_255_point_copy(&out->v, decaf_255_point_identity);
}

void zk_point_base(zk_point *out)
{
    decaf_255_point_copy(&out->v, decaf_255_point_base);
}

int zk_point_decode(zk_point *out, const uint8_t in[ZK_POINT_BYTES])
{
    decaf_error_t e = decaf_255_point_decode(&out->v, in, DECAF_TRUE);
    /* the identity on failure, selected without a branch */
    decaf_255_point_cond_sel(&out->v, decaf_255_point_identity, &out->v, decaf_successful(e));
    return public_ok(e) ? SH_OK : SH_ERR_POINT;
}

int zk_point_decode_nonidentity(zk_point *out, const uint8_t in[ZK_POINT_BYTES])
{
    int rc = zk_point_decode(out, in);
    if (rc != SH_OK)
        return rc;
    if (zk_point_is_identity(out))
        return SH_ERR_IDENTITY;
    return SH_OK;
}

int zk_point_from_ed25519(zk_point *out, const uint8_t in[ZK_POINT_BYTES])
{
    /* libdecaf refuses the two points with x = 0, (0, 1) and (0, -1),
     * though both are on the curve: the identity and the point of order 2,
     * whose doubles are the identity. */
    static const uint8_t y1[ZK_POINT_BYTES] = { 0x01 };
    static const uint8_t ym1[ZK_POINT_BYTES] = {
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
    };
    if (memcmp(in, y1, sizeof y1) == 0 || memcmp(in, ym1, sizeof ym1) == 0) {
        zk_point_identity(out);
        return SH_OK;
    }
    decaf_error_t e = decaf_255_point_decode_like_eddsa_and_mul_by_ratio(&out->v, in);
    if (!public_ok(e)) {
        zk_point_identity(out);
        return SH_ERR_POINT;
    }
    return SH_OK;
}

void zk_point_to_ed25519(uint8_t out[ZK_POINT_BYTES], const zk_point *p)
{
    decaf_255_point_mul_by_ratio_and_encode_like_eddsa(out, &p->v);
}

void zk_point_encode(uint8_t out[ZK_POINT_BYTES], const zk_point *p)
{
    decaf_255_point_encode(out, &p->v);
}

void zk_point_add(zk_point *out, const zk_point *a, const zk_point *b)
{
    decaf_255_point_add(&out->v, &a->v, &b->v);
}

void zk_point_sub(zk_point *out, const zk_point *a, const zk_point *b)
{
    decaf_255_point_sub(&out->v, &a->v, &b->v);
}

void zk_point_neg(zk_point *out, const zk_point *a)
{
    decaf_255_point_negate(&out->v, &a->v);
}

void zk_point_dbl(zk_point *out, const zk_point *a)
{
    decaf_255_point_double(&out->v, &a->v);
}

int zk_point_eq(const zk_point *a, const zk_point *b)
{
    return decaf_255_point_eq(&a->v, &b->v) == DECAF_TRUE;
}

int zk_point_is_identity(const zk_point *a)
{
    return decaf_255_point_eq(&a->v, decaf_255_point_identity) == DECAF_TRUE;
}

void zk_point_mul(zk_point *out, const zk_point *p, const zk_scalar *s)
{
    decaf_255_point_scalarmul(&out->v, &p->v, &s->v);
}

void zk_point_mul_base(zk_point *out, const zk_scalar *s)
{
    decaf_255_precomputed_scalarmul(&out->v, decaf_255_precomputed_base, &s->v);
}

void zk_point_double_mul_base_vartime(zk_point *out, const zk_scalar *a,
                                      const zk_point *p, const zk_scalar *b)
{
    decaf_255_base_double_scalarmul_non_secret(&out->v, &a->v, &p->v, &b->v);
}

void zk_point_from_hash(zk_point *out, const uint8_t in[ZK_HASH_BYTES])
{
    decaf_255_point_from_hash_uniform(&out->v, in);
}

void zk_point_hash(zk_point *out, const char *dst, const uint8_t *msg, size_t len)
{
    uint8_t uniform[ZK_HASH_BYTES];
    if (zk_expand_message_xmd_sha512(uniform, sizeof uniform, dst, msg, len) != 0)
        sodium_misuse();   /* tag longer than 255 bytes: a programming error */
    decaf_255_point_from_hash_uniform(&out->v, uniform);
}

void zk_point_wipe(zk_point *p)
{
    sodium_memzero(p, sizeof *p);
}

/* ---- public elements ---------------------------------------------------- */

/* enc(B), RFC 9496 appendix A.1 (the first non-identity multiple). */
static const uint8_t BASE_ENC[ZK_POINT_BYTES] = {
    0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
    0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76
};

static int elem_finish(zk_elem *e, const uint8_t in[ZK_POINT_BYTES], int rc)
{
    /* On error the point is already the identity, whose encoding is the
     * all-zero string; keep the two halves in agreement either way. */
    if (rc == SH_OK)
        memmove(e->enc, in, ZK_POINT_BYTES);
    else
        memset(e->enc, 0, ZK_POINT_BYTES);
    return rc;
}

int zk_elem_decode(zk_elem *e, const uint8_t in[ZK_POINT_BYTES])
{
    return elem_finish(e, in, zk_point_decode(&e->p, in));
}

int zk_elem_decode_nonidentity(zk_elem *e, const uint8_t in[ZK_POINT_BYTES])
{
    /* SH_ERR_IDENTITY leaves p the identity, as every error does. */
    return elem_finish(e, in, zk_point_decode_nonidentity(&e->p, in));
}

void zk_elem_set(zk_elem *e, const zk_point *p)
{
    if (p != &e->p)
        e->p = *p;
    zk_point_encode(e->enc, &e->p);
}

void zk_elem_base(zk_elem *e)
{
    zk_point_base(&e->p);
    memcpy(e->enc, BASE_ENC, ZK_POINT_BYTES);
}

int zk_elem_eq(const zk_elem *a, const zk_elem *b)
{
    return sodium_memcmp(a->enc, b->enc, ZK_POINT_BYTES) == 0;
}

/* ---- fixed-base tables ------------------------------------------------- */

struct zk_point_table {
    decaf_255_precomputed_s *tab;   /* libdecaf's opaque table, aligned */
};

zk_point_table *zk_point_table_new(const zk_point *p)
{
    size_t align = decaf_255_alignof_precomputed_s;
    size_t size = (decaf_255_sizeof_precomputed_s + align - 1) / align * align;
    zk_point_table *t = malloc(sizeof *t);
    if (t == NULL)
        return NULL;
    t->tab = aligned_alloc(align, size);
    if (t->tab == NULL) {
        free(t);
        return NULL;
    }
    decaf_255_precompute(t->tab, &p->v);
    return t;
}

void zk_point_table_mul(zk_point *out, const zk_point_table *t, const zk_scalar *s)
{
    decaf_255_precomputed_scalarmul(&out->v, t->tab, &s->v);
}

void zk_point_table_free(zk_point_table *t)
{
    if (t == NULL)
        return;
    decaf_255_precomputed_destroy(t->tab);   /* wipes it */
    free(t->tab);
    free(t);
}

void *zk_aligned_alloc(size_t n, size_t size)
{
    const size_t align = _Alignof(zk_point);
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = align;
    bytes = (bytes + align - 1) / align * align;   /* aligned_alloc wants a multiple */
    if (bytes < n * size)
        return NULL;
    return aligned_alloc(align, bytes);
}

zk_point *zk_points_alloc(size_t n)
{
    return zk_aligned_alloc(n, sizeof(zk_point));
}

void zk_points_free(zk_point *p, size_t n)
{
    if (p == NULL)
        return;
    sodium_memzero(p, n * sizeof *p);
    free(p);
}

/* ---- RFC 9380 expand_message_xmd (SHA-512: b_in_bytes 64, s_in_bytes 128) -- */

int zk_expand_message_xmd_sha512(uint8_t *out, size_t out_len, const char *dst,
                                 const uint8_t *msg, size_t msg_len)
{
    enum { B = 64, S = 128 };
    size_t dst_len = strlen(dst);
    size_t ell = (out_len + B - 1) / B;
    if (out_len == 0 || ell > 255 || out_len > 65535 || dst_len > 255)
        return SH_ERR_ARG;

    static const uint8_t z_pad[S] = { 0 };
    uint8_t l_i_b[2] = { (uint8_t)(out_len >> 8), (uint8_t)out_len };
    uint8_t dst_len_b = (uint8_t)dst_len;
    uint8_t b0[B], bi[B], tmp[B];
    crypto_hash_sha512_state st;

    /* b_0 = H(Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime) */
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, z_pad, S);
    crypto_hash_sha512_update(&st, msg, msg_len);
    crypto_hash_sha512_update(&st, l_i_b, 2);
    uint8_t zero = 0;
    crypto_hash_sha512_update(&st, &zero, 1);
    crypto_hash_sha512_update(&st, (const uint8_t *)dst, dst_len);
    crypto_hash_sha512_update(&st, &dst_len_b, 1);
    crypto_hash_sha512_final(&st, b0);

    /* b_1 = H(b_0 || I2OSP(1, 1) || DST_prime),
     * b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime) */
    for (size_t i = 1; i <= ell; i++) {
        uint8_t ib = (uint8_t)i;
        crypto_hash_sha512_init(&st);
        if (i == 1) {
            crypto_hash_sha512_update(&st, b0, B);
        } else {
            for (size_t j = 0; j < B; j++)
                tmp[j] = (uint8_t)(b0[j] ^ bi[j]);
            crypto_hash_sha512_update(&st, tmp, B);
        }
        crypto_hash_sha512_update(&st, &ib, 1);
        crypto_hash_sha512_update(&st, (const uint8_t *)dst, dst_len);
        crypto_hash_sha512_update(&st, &dst_len_b, 1);
        crypto_hash_sha512_final(&st, bi);
        size_t off = (i - 1) * B;
        size_t take = out_len - off < B ? out_len - off : B;
        memcpy(out + off, bi, take);
    }
    sodium_memzero(b0, sizeof b0);
    sodium_memzero(bi, sizeof bi);
    sodium_memzero(tmp, sizeof tmp);
    sodium_memzero(&st, sizeof st);
    return SH_OK;
}
