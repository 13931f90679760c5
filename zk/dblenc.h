/* zk/dblenc.h -- encoding doubled points without an inverse square root
 * (internal to zk/).
 *
 * A ristretto255 encoding costs one inverse square root per point (about
 * 255 field squarings, as much as a decoding).  For a point that is the
 * double of a known point the root is a rational function of the known
 * point's coordinates: on libdecaf's internal curve (a = -1, d = 121665),
 * P = 2Q has (a - d)(1 - y_P^2) = (2 (a - d) x_Q y_Q / (2 - a x_Q^2 -
 * y_Q^2))^2, so the inverse square root libdecaf's encoder takes is
 *     (2 Z_Q^2 + X_Q^2 - Y_Q^2) / (2 (a - d) Z_Q T_Q T_P Z_P^2)
 * in projective coordinates, and a block of them shares one inversion.
 * (The same idea as the Decaf paper's and curve25519-dalek's batched
 * double-and-encode.)  A prover that needs the encoding of P computes
 * Q = P / 2 instead (halving its scalars) and calls this.
 *
 * For public points only: nothing here is constant time.
 */
#ifndef SHROUD_ZK_DBLENC_H
#define SHROUD_ZK_DBLENC_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "zk/group.h"

/* For i < n: dbl[i] = 2 q[i] and enc + 32 i = zk_point_encode(dbl[i]),
 * about a tenth of zk_point_encode's cost each for blocks of 64.  dbl must
 * not overlap q.  A q[i]
 * or 2 q[i] with a zero coordinate (the identity and its torsion
 * translates) goes through zk_point_encode. */
void zk_points_double_encode(uint8_t *enc, zk_point *dbl, const zk_point *q, size_t n);

/* For i < n: out + 32 i = the X25519 encoding of p[i] (the u-coordinate
 * of 4 P, P any edwards25519 representative; libdecaf's
 * decaf_255_point_mul_by_ratio_and_encode_like_x25519), the block sharing
 * one inversion.  Public points only. */
void zk_points_x25519_u(uint8_t *out, const zk_point *p, size_t n);

/* For i < n: out + 32 i = zk_point_to_ed25519(p[i]) (libdecaf's
 * decaf_255_point_mul_by_ratio_and_encode_like_eddsa: the RFC 8032
 * encoding of 4 P), the block sharing one inversion instead of one each.
 * Public points only. */
void zk_points_to_ed25519(uint8_t *out, const zk_point *p, size_t n);
/* The same, writing (either may be NULL) the encodings to enc + 32 i and
 * the affine coordinates of the EdDSA points to xy + 64 i: x then y,
 * canonical, 32 bytes each, little endian. */
void zk_points_to_ed25519_xy(uint8_t *enc, uint8_t *xy, const zk_point *p, size_t n);

/* zk_point_from_ed25519 for the point given by its affine coordinates
 * (x then y, 32 bytes each, little endian, canonical: as
 * zk_points_to_ed25519_xy writes them), without the square root of a
 * decompression: the same point (libdecaf's 4-isogeny onto its internal
 * curve), SH_ERR_POINT if the coordinates are not canonical or not on
 * edwards25519.  Any curve point (torsion included); x = 0 gives the
 * identity, as zk_point_from_ed25519 does.  Public points only. */
int zk_point_from_ed25519_xy(zk_point *out, const uint8_t xy[64]) SH_WUR;

/* What a party publishes: for i < n, out[i] = s[i] B, enc + 32 i its
 * encoding and, if hints is not NULL, hints + 32 i its decompression hint
 * (zk/hint.h).  The products are constant time in the secret s[i]; each
 * result is then declassified (the caller is about to publish it) and
 * the block is encoded and hinted with two inversions in all, not an
 * inverse square root and an inversion per point: (s[i] / 2) B is
 * computed and doubled by zk_points_double_encode.  SH_OK, or
 * SH_ERR_NOMEM. */
int zk_points_mul_base_publish(zk_point *out, uint8_t *enc, uint8_t *hints, const zk_scalar *s,
                               size_t n) SH_WUR;

#endif /* SHROUD_ZK_DBLENC_H */
