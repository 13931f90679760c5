/* zk/hint.h -- decompression hints: decoding a ristretto255 point without
 * its inverse square root (used by zk/shuffle and, through mpc/group, by
 * the DKG's commitments).
 *
 * Decoding an encoding s costs one inverse square root (about 255 field
 * squarings); everything else is a dozen multiplications.  A verifier that
 * decodes hundreds of thousands of points (a shuffle proof and its output
 * batch) spends half of its time there.  The party that made the points
 * can save it that work: it knows each point in coordinates, and from them
 * the inverse square root follows with one multiplication (after one
 * inversion shared by the whole batch).  It sends that value along, the
 * *hint*; the verifier checks it with a squaring and a multiplication.
 *
 * The hint of s (docs/shuffle-proof.md, "Decompression hints"), with
 * u = 1 + s^2 and n = u^2 + 486660 s^2 over GF(2^255 - 19):
 *     h^2 * n * u^2 = 1,   h the non-negative (even) root, 32 bytes LE.
 * (n u^2 is -121666 times RFC 9496's v u2^2, so h is RFC 9496's inverse
 * square root divided by sqrt(-121666).)
 *
 * Hints never change a verdict: zk_point_decode_hinted accepts and rejects
 * exactly what zk_elgamal_point_decode does, whatever the hint; a wrong
 * hint only costs the inverse square root it was meant to save.
 *
 * For public data only: nothing here is constant time.
 */
#ifndef SHROUD_ZK_HINT_H
#define SHROUD_ZK_HINT_H

#include <stddef.h>
#include <stdint.h>

#include "zk/group.h"

#define ZK_HINT_BYTES 32

/* *out = the point encoded by enc (the identity allowed), as
 * zk_elgamal_point_decode: SH_OK, SH_ERR_NONCANONICAL (enc >= p or its top
 * bit set) or SH_ERR_POINT (no such point).  When hint is enc's hint the
 * inverse square root is skipped; otherwise it is computed.  *hint_ok (if
 * not NULL) says which happened.  out is the identity on error. */
int zk_point_decode_hinted(zk_point *out, const uint8_t enc[ZK_POINT_BYTES],
                           const uint8_t hint[ZK_HINT_BYTES], int *hint_ok)
    __attribute__((warn_unused_result));

/* zk_elem_decode_nonidentity, faster when hint is in's hint: the same
 * result and the same errors (SH_ERR_POINT, SH_ERR_IDENTITY) whatever the
 * hint; hint NULL decodes without one. */
int zk_elem_decode_nonidentity_hinted(zk_elem *e, const uint8_t in[ZK_POINT_BYTES],
                                      const uint8_t *hint) __attribute__((warn_unused_result));

/* hints + 32 i = the hint of enc + 32 i, the encoding of pts[i], for
 * i < n: one inversion per 64 points and about a dozen multiplications
 * each.  enc must be zk_point_encode(pts[i]) (a mismatch yields a hint
 * that fails its check, never a wrong point). */
void zk_point_hints(uint8_t *hints, const zk_point *pts, const uint8_t *enc, size_t n);

#endif /* SHROUD_ZK_HINT_H */
