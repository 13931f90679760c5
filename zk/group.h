/* zk/group.h -- the ristretto255 group (RFC 9496) on libdecaf.
 *
 * zk_scalar is an element of Z/L (L = 2^252 + 27742317777372353535851937790883648493),
 * zk_point an element of the prime-order ristretto255 group.  Encodings are
 * the canonical 32-byte ones of RFC 9496 and are byte-identical to
 * libsodium's crypto_core_ristretto255_* and crypto_scalarmult_ristretto255*.
 *
 * Constant time: every function here runs in time independent of secret
 * scalar and point values, except those whose names end in _vartime, which
 * take public inputs only.  Decoding rejects (with a distinct error) every
 * non-canonical or invalid encoding.
 */
#ifndef SHROUD_ZK_GROUP_H
#define SHROUD_ZK_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include <decaf/point_255.h>
#include "util/err.h"
#include "util/rng.h"

#define ZK_SCALAR_BYTES 32
#define ZK_POINT_BYTES 32
#define ZK_HASH_BYTES 64   /* input of zk_point_from_hash: uniform bytes */

typedef struct zk_scalar { struct decaf_255_scalar_s v; } zk_scalar;
typedef struct zk_point { struct decaf_255_point_s v; } zk_point;

/* ---- scalars ---- */
void zk_scalar_zero(zk_scalar *out);
void zk_scalar_one(zk_scalar *out);
void zk_scalar_from_u64(zk_scalar *out, uint64_t v);
/* Canonical decoding: SH_ERR_NONCANONICAL unless the 32 bytes are the
 * little-endian encoding of a value < L. */
int zk_scalar_decode(zk_scalar *out, const uint8_t in[ZK_SCALAR_BYTES]) SH_WUR;
void zk_scalar_encode(uint8_t out[ZK_SCALAR_BYTES], const zk_scalar *s);
/* Reduce len little-endian bytes modulo L (any length, e.g. 64 bytes of hash). */
void zk_scalar_reduce(zk_scalar *out, const uint8_t *in, size_t len);
/* The canonical value of s as four little-endian 64-bit words (what
 * zk_scalar_encode writes, without the bytes: for the MSM's digits). */
void zk_scalar_words(uint64_t out[4], const zk_scalar *s);
/* A sum of products of scalars, reduced modulo L only when read ("lazy
 * reduction"): a batch verifier adding up n weighted responses pays n
 * integer products and about n/64 reductions instead of n modular
 * multiplications.  Constant time. */
typedef struct zk_scalar_acc {
    uint64_t w[8];       /* the unreduced sum, little-endian words */
    unsigned terms;      /* products in w since the last reduction */
} zk_scalar_acc;
void zk_scalar_acc_init(zk_scalar_acc *a);
/* a += x * y */
void zk_scalar_acc_muladd(zk_scalar_acc *a, const zk_scalar *x, const zk_scalar *y);
/* out = a mod L (a is unchanged) */
void zk_scalar_acc_reduce(zk_scalar *out, const zk_scalar_acc *a);
void zk_scalar_acc_wipe(zk_scalar_acc *a);
void zk_scalar_random(zk_scalar *out, sh_rng *rng);
/* A random scalar that is not zero (for nonces and secrets). */
void zk_scalar_random_nonzero(zk_scalar *out, sh_rng *rng);
void zk_scalar_add(zk_scalar *out, const zk_scalar *a, const zk_scalar *b);
void zk_scalar_sub(zk_scalar *out, const zk_scalar *a, const zk_scalar *b);
void zk_scalar_mul(zk_scalar *out, const zk_scalar *a, const zk_scalar *b);
void zk_scalar_neg(zk_scalar *out, const zk_scalar *a);
/* SH_ERR_ZERO when a is zero (out is then zero). */
int zk_scalar_invert(zk_scalar *out, const zk_scalar *a) SH_WUR;
/* 1 if equal, 0 otherwise (constant time). */
int zk_scalar_eq(const zk_scalar *a, const zk_scalar *b);
int zk_scalar_is_zero(const zk_scalar *a);
/* Constant-time select: out = flag ? b : a (flag is 0 or 1). */
void zk_scalar_cmov(zk_scalar *out, const zk_scalar *a, const zk_scalar *b, int flag);
void zk_scalar_wipe(zk_scalar *s);
/* Hash to scalar: expand_message_xmd(SHA-512) of RFC 9380 to 64 bytes with
 * the given domain-separation tag (at most 255 bytes; longer aborts via
 * sodium_misuse()), reduced modulo L. */
void zk_scalar_hash(zk_scalar *out, const char *dst, const uint8_t *msg, size_t len);

/* ---- points ---- */
void zk_point_identity(zk_point *out);
void zk_point_base(zk_point *out);
/* Canonical decoding (RFC 9496 section 4.3.1): SH_ERR_POINT for bytes that
 * are not the canonical encoding of a group element.  The identity (all
 * zero bytes) is accepted; use zk_point_decode_nonidentity to refuse it. */
int zk_point_decode(zk_point *out, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;
int zk_point_decode_nonidentity(zk_point *out, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;
void zk_point_encode(uint8_t out[ZK_POINT_BYTES], const zk_point *p);
void zk_point_add(zk_point *out, const zk_point *a, const zk_point *b);
void zk_point_sub(zk_point *out, const zk_point *a, const zk_point *b);
void zk_point_neg(zk_point *out, const zk_point *a);
void zk_point_dbl(zk_point *out, const zk_point *a);
int zk_point_eq(const zk_point *a, const zk_point *b);
int zk_point_is_identity(const zk_point *a);
/* out = s * p, constant time in s and p (safe for secret scalars). */
void zk_point_mul(zk_point *out, const zk_point *p, const zk_scalar *s);
/* out = s * B for the standard base point, constant time, precomputed table. */
void zk_point_mul_base(zk_point *out, const zk_scalar *s);
/* out = a * B + b * P for PUBLIC a, b and P only (variable time). */
void zk_point_double_mul_base_vartime(zk_point *out, const zk_scalar *a,
                                      const zk_point *p, const zk_scalar *b);
/* The RFC 9496 one-way map of 64 uniform bytes (byte-identical to
 * libsodium's crypto_core_ristretto255_from_hash). */
void zk_point_from_hash(zk_point *out, const uint8_t in[ZK_HASH_BYTES]);
/* Hash to group: expand_message_xmd(SHA-512) of RFC 9380 to 64 bytes under
 * the tag dst, then the one-way map: the hash_to_ristretto255 suite
 * ristretto255_XMD:SHA-512_R255MAP_RO_ of RFC 9380 appendix B. */
void zk_point_hash(zk_point *out, const char *dst, const uint8_t *msg, size_t len);
void zk_point_wipe(zk_point *p);

/* Ed25519 (RFC 8032) encodings, so that edwards25519 points can use this
 * module's arithmetic (mpc/group_ed25519.c's bulk products).  libdecaf's
 * representation forgets the cofactor part of a point, so it converts with
 * multiplications: zk_point_from_ed25519 gives 2P for the point P that in
 * encodes (SH_ERR_POINT if in encodes no point), zk_point_to_ed25519
 * encodes 4X.  For P in the prime-order subgroup the round trip is the
 * cofactor 8, a bijection there, undone by multiplying by 8^-1 mod L in
 * between: zk_point_to_ed25519(inv8 * zk_point_from_ed25519(P)) = P.
 * Points outside that subgroup lose their torsion part: check membership
 * first (crypto_core_ed25519_is_valid_point).  Variable time: public
 * points only. */
int zk_point_from_ed25519(zk_point *out, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;
void zk_point_to_ed25519(uint8_t out[ZK_POINT_BYTES], const zk_point *p);

/* ---- fixed-base tables ---- */

/* A precomputed table of one point P for repeated constant-time products
 * s*P (libdecaf's fixed-base tables, the kind behind zk_point_mul_base).
 * Building one costs about one scalar multiplication; each product then
 * costs about a third of zk_point_mul.  Worth it from two products on.
 * Constant time in s (P itself is treated as public). */
typedef struct zk_point_table zk_point_table;
/* NULL on allocation failure (the caller may fall back to zk_point_mul). */
zk_point_table *zk_point_table_new(const zk_point *p);
void zk_point_table_mul(zk_point *out, const zk_point_table *t, const zk_scalar *s);
/* NULL-safe; wipes the table. */
void zk_point_table_free(zk_point_table *t);

/* ---- public elements: a point together with its encoding ---- */

/* A public group element together with its canonical encoding.  Statements
 * of proofs (public keys, commitments, ciphertext components, partial
 * decryptions) arrive as wire bytes, are decoded once and are then used
 * many times, both as points (arithmetic) and as bytes (transcripts); this
 * type carries both so that neither is recomputed: re-encoding a point
 * costs an inverse square root, as much as decoding it.
 *
 * Built only by zk_elem_decode (from received bytes: strict decoding,
 * keeps the bytes) or zk_elem_set (from a computed point: encodes once),
 * so that p and enc always agree; never fill the fields by hand.  Because
 * encodings are canonical, equal enc <=> equal p (compare with zk_elem_eq).
 * Holds public data only: nothing is wiped.  Like any struct holding a
 * zk_point, heap arrays of zk_elem come from zk_aligned_alloc. */
typedef struct zk_elem {
    zk_point p;
    uint8_t enc[ZK_POINT_BYTES];
} zk_elem;

/* Strict decoding of in, with exactly the errors of zk_point_decode /
 * zk_point_decode_nonidentity (SH_ERR_POINT, SH_ERR_IDENTITY).  On success
 * enc is a copy of in; on any error *e is the identity (p the identity, enc
 * all zero), still consistent.  in may alias e->enc. */
int zk_elem_decode(zk_elem *e, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;
int zk_elem_decode_nonidentity(zk_elem *e, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;
/* e = p with its encoding (one zk_point_encode).  p may be &e->p. */
void zk_elem_set(zk_elem *e, const zk_point *p);
/* The standard base point B (its encoding is a constant: no encode). */
void zk_elem_base(zk_elem *e);
/* 1 if a and b are the same group element, 0 otherwise: a constant-time
 * comparison of the encodings, far cheaper than zk_point_eq. */
int zk_elem_eq(const zk_elem *a, const zk_elem *b);

/* Arrays of points: libdecaf's field elements are 32-byte aligned, which
 * malloc does not promise, so every heap array of zk_point (or of a struct
 * containing one) comes from here.  NULL on overflow or allocation failure;
 * zk_points_free wipes the n points first (they may be secret) and is
 * NULL-safe. */
zk_point *zk_points_alloc(size_t n);
/* out[i] = C[0] + x C[1] + ... + x^(t-1) C[t-1] at x = xs[i], i < nx, by
 * Horner's rule with x's non-adjacent form (zk/edwards.c); for small
 * public x (1 <= x < 2^31) and public points.  out may alias C.  t >= 1.
 * 0, SH_ERR_ARG (t = 0, an x out of range), or SH_ERR_NOMEM. */
int zk_points_horner(zk_point *out, const zk_point *C, uint32_t t, const uint32_t *xs,
                     size_t nx) __attribute__((warn_unused_result));
/* m polynomials at one x: out[k] = sum_j x^j C[k t + j] for k < m, the
 * points of all m brought to Niels form together (one inversion for the
 * projective ones, instead of one per polynomial).  Same arguments and
 * errors as zk_points_horner otherwise. */
int zk_points_horner_polys(zk_point *out, const zk_point *C, size_t m, uint32_t t,
                           uint32_t x) __attribute__((warn_unused_result));
void zk_points_free(zk_point *p, size_t n);
/* The same for any element size (e.g. arrays of structs holding points). */
void *zk_aligned_alloc(size_t n, size_t size);

/* RFC 9380 section 5.3.1 expand_message_xmd with SHA-512.  out_len <= 255*64,
 * strlen(dst) <= 255.  Returns SH_ERR_ARG otherwise. */
int zk_expand_message_xmd_sha512(uint8_t *out, size_t out_len, const char *dst,
                                 const uint8_t *msg, size_t msg_len) SH_WUR;

#endif
