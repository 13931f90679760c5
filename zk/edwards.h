/* zk/edwards.h -- mixed point addition for the MSM, and Horner's rule for
 * small x (internal to zk/; zk_points_horner in zk/group.h is the public
 * entry).
 *
 * libdecaf's public API adds two points in extended coordinates (nine
 * field multiplications and a multiplication by a word).  A Pippenger
 * bucket addition can do with seven when the added point is first brought
 * to "Niels" form (y - x, y + x, 2 d t with z = 1), which libdecaf does
 * internally for its own tables but does not export.  This module builds
 * that form and that addition on libdecaf's own field multiplication
 * (gf_25519_mul and friends, which its static library links but its
 * headers do not declare): the formulas are libdecaf's point_add with
 * z2 = 1, acting on libdecaf's own points, so nothing here is a new
 * primitive, only a cheaper path through libdecaf's.
 *
 * For public data only: nothing here is constant time.
 */
#ifndef SHROUD_ZK_EDWARDS_H
#define SHROUD_ZK_EDWARDS_H

#include <stddef.h>
#include <stdint.h>

#include "zk/group.h"

/* A field element as libdecaf's 64-bit p25519 code holds it: five limbs of
 * 51 bits (with headroom), little-endian. */
typedef struct zk_fe {
    uint64_t limb[5];
} zk_fe;

/* A point in Niels form: y - x, y + x and 2 d t of its affine coordinates
 * (libdecaf's internal curve).  120 bytes against 256 for a zk_point. */
typedef struct zk_niels {
    zk_fe ymx, ypx, t2d;
} zk_niels;

/* out[i] = the Niels form of pts[i * stride] for i < n (stride in points,
 * at least 1).  Points decoded from bytes are already affine (z = 1) and
 * cost one word multiplication; the others are normalised together with
 * one inversion (about seven multiplications each).  0, or SH_ERR_NOMEM. */
int zk_niels_from_points(zk_niels *out, const zk_point *pts, size_t n, size_t stride)
    __attribute__((warn_unused_result));

/* A point cached for repeated additions without normalising it first:
 * y - x, y + x, 2 d t and 2 z (libdecaf's "pniels"). */
typedef struct zk_cached {
    zk_fe ymx, ypx, t2d, z2;
} zk_cached;
/* out[i] = the cached form of pts[i] for i < n: no inversion, one word
 * multiplication each. */
void zk_cached_from_points(zk_cached *out, const zk_point *pts, size_t n);
/* p += q or p -= q: zk_point_add / zk_point_sub with q's point, in eight
 * multiplications. */
void zk_point_add_cached(zk_point *p, const zk_cached *q, int negative);

/* p += q (negative == 0) or p -= q (negative != 0): the same point as
 * zk_point_add / zk_point_sub with q's point, in seven multiplications.
 * p's coordinates may be any libdecaf output (reduced or weakly reduced). */
void zk_point_add_niels(zk_point *p, const zk_niels *q, int negative);

/* p = 2 p, the point zk_point_dbl gives, in four squarings and four
 * multiplications, or three if want_t is 0: then p's t is left stale, and
 * p may only be doubled again (with want_t set at the last doubling before
 * anything else reads p). */
void zk_point_dbl_chain(zk_point *p, int want_t);

/* out = C[0] + v C[1] + v^2 C[2] + ... + v^(t-1) C[t-1] by Horner's rule,
 * the same point as t - 1 steps of (zk_point_dbl and zk_point_add by the
 * bits of v, then zk_point_add of the next coefficient) but cheaper: v in
 * non-adjacent form (fewer additions), doublings that skip t when the next
 * operation is another doubling (three multiplications and four squarings
 * instead of four and four), the running multiple added in a cached form
 * (eight multiplications instead of nine and a word multiplication), and
 * the coefficients added in Niels form (seven).  C[0..t) are in Niels form
 * (zk_niels_from_points); t >= 1, 1 <= v < 2^31. */
void zk_edwards_horner(zk_point *out, const zk_niels *C, uint32_t t, uint32_t v);

#endif /* SHROUD_ZK_EDWARDS_H */
