/* mpc/group.h -- one interface over the three prime-order groups of mpc/.
 *
 * Threshold cryptography in shroud runs over three groups:
 *
 *   MPC_RISTRETTO255  ristretto255 (RFC 9496) through zk/group (libdecaf):
 *                     the session key, threshold decryption, the beacon,
 *                     FROST(ristretto255, SHA-512).
 *   MPC_ED25519       the prime-order subgroup of edwards25519 through
 *                     libsodium: FROST(Ed25519, SHA-512), vault keys whose
 *                     signatures pass crypto_sign_verify_detached.
 *   MPC_SECP256K1     secp256k1 through libsecp256k1's public API only:
 *                     FROST(secp256k1, SHA-256) and the BIP340 variant.
 *
 * Shamir sharing, Feldman commitments, the DKG, refresh and resharing are
 * written once against this interface.
 *
 * Representation.  mpc_scalar and mpc_elem are plain values (copy them with
 * `=`).  Their content depends on the group; only the functions below look
 * inside.  Both types are 32-byte aligned (they may hold libdecaf values):
 * heap arrays come from mpc_scalars_alloc / mpc_elems_alloc.
 *
 * Encodings (the ones RFC 9591 uses for each group):
 *   scalars   32 bytes; little-endian for ristretto255 and Ed25519,
 *             big-endian for secp256k1; always canonical (< the order).
 *   elements  ristretto255: 32 bytes (RFC 9496); Ed25519: 32 bytes
 *             (RFC 8032 compressed); secp256k1: 33 bytes (SEC1 compressed).
 *
 * Identity.  Decoding refuses the identity (SH_ERR_IDENTITY) in every group:
 * RFC 9591 forbids it in public keys, commitments and signatures, and so do
 * we in Feldman commitments and shares' verification keys.  Arithmetic may
 * still produce it (a sum of inverse points, a zero scalar) and handles it
 * correctly; mpc_elem_encode writes it as all-zero bytes and returns
 * SH_ERR_IDENTITY so callers that must not emit it can tell.
 *
 * Constant time.  Scalar arithmetic (except mpc_scalar_invert_vartime),
 * mpc_elem_mul and mpc_elem_mul_base run in time independent of the scalar
 * values: use them for secrets.  Everything ending in _vartime takes public
 * inputs only.  (For secp256k1, mpc_elem_mul_vartime is
 * secp256k1_ec_pubkey_tweak_mul, variable time; mpc_elem_mul goes through
 * secp256k1_ecdh, constant time.  Its product is then turned back into a
 * secp256k1_pubkey by secp256k1_ec_pubkey_parse, which is variable time in
 * the product's coordinates: the scalar is protected, the product only as
 * much as a public value -- fine for partial decryptions and commitments,
 * not for a Diffie-Hellman secret.  The public API has no constant-time
 * route from coordinates to a pubkey.)
 *
 * Errors: 0 or a negative SH_ERR_* code.  Passing a scalar or element of
 * one group to the functions of another is a bug and is not detected.
 */
#ifndef SHROUD_MPC_GROUP_H
#define SHROUD_MPC_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include <secp256k1.h>
#include "util/err.h"
#include "util/rng.h"
#include "zk/group.h"

typedef enum mpc_group_id {
    MPC_RISTRETTO255 = 1,
    MPC_ED25519 = 2,
    MPC_SECP256K1 = 3
} mpc_group_id;

#define MPC_SCALAR_BYTES 32
#define MPC_ELEM_MAX_BYTES 33      /* the largest element encoding (secp256k1) */
#define MPC_HINT_MAX_BYTES 64      /* the largest decompression hint (Ed25519's) */

/* An element of Z/q for the group's prime order q. */
typedef union mpc_scalar {
    zk_scalar r;                   /* ristretto255 */
    uint8_t b[MPC_SCALAR_BYTES];   /* Ed25519 (LE) and secp256k1 (BE), canonical */
} mpc_scalar;

/* A group element. */
typedef struct mpc_elem {
    union {
        zk_point r;                /* ristretto255 */
        struct {
            uint8_t ed[32];        /* Ed25519: the canonical encoding */
            zk_point ed_q;         /* and, if ed_cached, the libdecaf point */
        };                         /* whose EdDSA encoding is ed (P / 4) */
        secp256k1_pubkey k;        /* secp256k1, unless inf */
    } u;
    uint8_t inf;                   /* secp256k1: the point at infinity */
    uint8_t ed_cached;             /* Ed25519: u.ed_q is set (public elements only) */
} mpc_elem;

typedef struct mpc_group mpc_group;

/* A group instance (holds the libsecp256k1 context for MPC_SECP256K1).
 * rng, when not NULL, seeds libsecp256k1's side-channel blinding; it is
 * only used during the call.  NULL for an unknown id or out of memory.
 * An instance is immutable after creation and may be shared by any number
 * of protocol instances (but not used from two threads at once). */
mpc_group *mpc_group_new(mpc_group_id id, sh_rng *rng);
void mpc_group_free(mpc_group *g);            /* NULL-safe */

mpc_group_id mpc_group_id_of(const mpc_group *g);
/* "ristretto255", "ed25519", "secp256k1" */
const char *mpc_group_name(const mpc_group *g);
/* The id for one of those names; 0 if none. */
mpc_group_id mpc_group_id_by_name(const char *name);
/* Encoded element size: 32, 32 or 33. */
size_t mpc_group_elem_bytes(const mpc_group *g);
/* The libsecp256k1 context (MPC_SECP256K1 only, NULL otherwise): for
 * callers that need the library's own functions, e.g. schnorrsig_verify. */
const secp256k1_context *mpc_group_secp256k1_ctx(const mpc_group *g);

/* ---- scalars ------------------------------------------------------------ */

void mpc_scalar_zero(const mpc_group *g, mpc_scalar *out);
void mpc_scalar_one(const mpc_group *g, mpc_scalar *out);
void mpc_scalar_from_u64(const mpc_group *g, mpc_scalar *out, uint64_t v);
/* Canonical decoding of MPC_SCALAR_BYTES bytes: SH_ERR_NONCANONICAL unless
 * the value is below the order.  Zero is accepted. */
int mpc_scalar_decode(const mpc_group *g, mpc_scalar *out, const uint8_t *in) SH_WUR;
void mpc_scalar_encode(const mpc_group *g, uint8_t *out, const mpc_scalar *s);
/* The integer in[0..len) (in the group's byte order) modulo the order; any
 * len from 0 to 64.  SH_ERR_ARG above 64. */
int mpc_scalar_reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in,
                      size_t len) SH_WUR;
/* Uniform over the nonzero scalars. */
void mpc_scalar_random(const mpc_group *g, mpc_scalar *out, sh_rng *rng);
void mpc_scalar_add(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b);
void mpc_scalar_sub(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b);
void mpc_scalar_mul(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b);
void mpc_scalar_neg(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a);
/* Constant-time inverse; SH_ERR_ZERO (out zero) for a zero scalar. */
int mpc_scalar_invert(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a) SH_WUR;
/* The inverse of a PUBLIC scalar in variable time (binary extended
 * Euclid, a few microseconds instead of a constant-time exponentiation);
 * SH_ERR_ZERO (out zero) for zero. */
int mpc_scalar_invert_vartime(const mpc_group *g, mpc_scalar *out,
                              const mpc_scalar *a) SH_WUR;
/* Inverses of n PUBLIC scalars at the price of about one inversion
 * (Montgomery's trick); in and out may be the same array.  SH_ERR_ZERO if
 * any is zero (out then unspecified), SH_ERR_NOMEM. */
int mpc_scalar_batch_invert_vartime(const mpc_group *g, mpc_scalar *out,
                                    const mpc_scalar *in, size_t n) SH_WUR;
/* 1 if equal, 0 otherwise; constant time. */
int mpc_scalar_eq(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b);
int mpc_scalar_is_zero(const mpc_group *g, const mpc_scalar *a);
/* out = flag ? b : a, constant time (flag is 0 or 1). */
void mpc_scalar_cmov(mpc_scalar *out, const mpc_scalar *a, const mpc_scalar *b, int flag);
void mpc_scalar_wipe(mpc_scalar *s);

/* ---- elements ----------------------------------------------------------- */

void mpc_elem_identity(const mpc_group *g, mpc_elem *out);
/* The standard generator (RFC 9496 / RFC 8032 base point / SEC2 G). */
void mpc_elem_base(const mpc_group *g, mpc_elem *out);
/* Strict decoding of mpc_group_elem_bytes(g) bytes: SH_ERR_POINT for an
 * invalid or non-canonical encoding (and, for Ed25519, any point outside
 * the prime-order subgroup), SH_ERR_IDENTITY for the identity and for the
 * all-zero bytes mpc_elem_encode writes for it (for Ed25519 those are not
 * the identity's RFC 8032 encoding 01 00..00, which is refused too, but a
 * point of order 4).  On any error *out is the identity. */
int mpc_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in) SH_WUR;
/* Writes mpc_group_elem_bytes(g) bytes.  0, or SH_ERR_IDENTITY for the
 * identity (written as zero bytes). */
int mpc_elem_encode(const mpc_group *g, uint8_t *out, const mpc_elem *e);

/* Decompression hints: the size of an element's hint: for ristretto255
 * the inverse square root of its decoding (zk/hint.h, 32 bytes), for
 * secp256k1 the y coordinate (32), for Ed25519 the affine coordinates of
 * P / 8 (64: they spare the receiver the subgroup check and the square
 * root).  0 means no hints. */
size_t mpc_group_hint_bytes(const mpc_group *g);
/* hints + h i = the hint of e[i], whose encoding is enc + b i (h, b the
 * hint and element sizes), for i < n: public elements only.  Nothing when
 * the group has no hints.  0, or SH_ERR_NOMEM. */
int mpc_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e, const uint8_t *enc,
                    size_t n) SH_WUR;
/* mpc_elem_decode, faster when hint (mpc_group_hint_bytes(g) bytes, or
 * NULL) is in's hint; the result and the error are mpc_elem_decode's
 * whatever the hint. */
int mpc_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                           const uint8_t *hint) SH_WUR;
/* mpc_elem_decode_hinted for n consecutive encodings: out[i] from in + b i
 * with the hint hints + h i (b, h the element and hint sizes; hints NULL:
 * none).  0 if all decode; otherwise the error of the first that does not
 * (the other outputs are then unspecified).  Ed25519 shares one field
 * inversion among the block's hinted decodings. */
int mpc_elems_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                            const uint8_t *hints, size_t n) SH_WUR;
void mpc_elem_add(const mpc_group *g, mpc_elem *out, const mpc_elem *a, const mpc_elem *b);
void mpc_elem_sub(const mpc_group *g, mpc_elem *out, const mpc_elem *a, const mpc_elem *b);
void mpc_elem_neg(const mpc_group *g, mpc_elem *out, const mpc_elem *a);
/* 1 if equal, 0 otherwise. */
int mpc_elem_eq(const mpc_group *g, const mpc_elem *a, const mpc_elem *b);
int mpc_elem_is_identity(const mpc_group *g, const mpc_elem *a);
/* out = s * B, constant time in s. */
void mpc_elem_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *s);
/* What a party publishes: out[i] = s[i] * B for i < n, constant time in
 * the s[i]; each result is then declassified (the caller publishes it),
 * enc + b i receives its encoding (zero bytes for the identity) and, if
 * hints is not NULL and the group has hints, hints + h i its hint.  In
 * ristretto255 the block shares two inversions instead of an inverse
 * square root and an inversion per element (zk_points_mul_base_publish).
 * 0, or SH_ERR_NOMEM. */
int mpc_elems_mul_base_publish(const mpc_group *g, mpc_elem *out, uint8_t *enc, uint8_t *hints,
                               const mpc_scalar *s, size_t n) SH_WUR;
/* out = s * p, constant time in s (p public). */
void mpc_elem_mul(const mpc_group *g, mpc_elem *out, const mpc_elem *p, const mpc_scalar *s);
/* out = s * p for PUBLIC s and p. */
void mpc_elem_mul_vartime(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                          const mpc_scalar *s);
/* out = sum_i s[i] * p[i] for PUBLIC inputs, in variable time (zk_msm for
 * ristretto255; in secp256k1 mpc/secp_msm.c's Straus pass from three
 * terms, below that a tweak_mul per term, except that a base-point term
 * and one other share one ecdsa_recover).  The batch share check
 * (mpc_feldman_verify_batch) passes its random weights here: their timing
 * may leak, which is harmless once the check is done.  n = 0 gives the
 * identity.  SH_ERR_NOMEM, SH_ERR_INTERNAL (secp256k1: a result that fails
 * the library's curve check). */
int mpc_elem_msm_vartime(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                         const mpc_elem *p, size_t n) SH_WUR;

/* The largest identifier mpc_elem_poly_eval_small takes. */
#define MPC_SMALL_X_MAX 0xffffu

/* out[i] = sum_j xs[i]^j C[j] for i < nx: commitments to a polynomial of
 * t coefficients evaluated at small public identifiers (1 <= xs[i] <=
 * MPC_SMALL_X_MAX), e.g. the verification keys of holders 1..n.  Horner's
 * rule with multiplications by the small xs[i] instead of an MSM with
 * full-length powers: ristretto255 doubles and adds through libdecaf,
 * secp256k1 in mpc/secp_msm.c's Jacobian coordinates (one inversion for
 * all nx results), Ed25519 converts C to libdecaf once for all nx points.
 * Public inputs only (variable time).  out must not overlap C.  t = 0
 * gives identities.  SH_ERR_ARG, SH_ERR_RANGE (an xs[i] out of range),
 * SH_ERR_NOMEM, SH_ERR_INTERNAL (secp256k1: a result that fails the
 * library's curve check). */
int mpc_elem_poly_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                             uint32_t t, const uint32_t *xs, size_t nx) SH_WUR;

/* m polynomials at one small identifier x: out[k] = sum_j x^j C[k][j] for
 * k < m (t coefficients each), as m mpc_elem_poly_eval_small calls would
 * give, cheaper where a group shares work across them (Ed25519 with cached
 * elements: one inversion for all the conversions and one for all the
 * encodings).  Public inputs only.  out must not overlap any C[k].
 * SH_ERR_ARG, SH_ERR_RANGE (x out of range), SH_ERR_NOMEM. */
int mpc_elem_polys_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *const *C,
                              size_t m, uint32_t t, uint32_t x) SH_WUR;

/* out = sum of the n public elements *p[0..n) (n = 0: the identity).
 * Cheaper than n - 1 mpc_elem_add: secp256k1 sums with one combine (one
 * field inversion), Ed25519 through libdecaf.  SH_ERR_ARG, SH_ERR_NOMEM. */
int mpc_elem_sum(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p,
                 size_t n) SH_WUR;

/* ---- arrays ------------------------------------------------------------- */

/* 32-byte aligned, zeroed arrays; NULL on overflow or allocation failure.
 * The _free functions wipe the n entries and are NULL-safe. */
mpc_scalar *mpc_scalars_alloc(size_t n);
void mpc_scalars_free(mpc_scalar *s, size_t n);
mpc_elem *mpc_elems_alloc(size_t n);
void mpc_elems_free(mpc_elem *e, size_t n);

#endif
