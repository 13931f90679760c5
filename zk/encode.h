/* zk/encode.h -- injective encoding of byte strings into ristretto255 points.
 *
 * A message of 0..ZK_ENCODE_MAX_BYTES bytes is framed as
 *     F = u16le(len) || msg
 * and F is cut into 30-byte chunks (the last one padded with zero bytes),
 * so the width (number of points) is w = ceil((len + 2) / 30).  Chunk c
 * (30 bytes) becomes the point whose canonical RFC 9496 encoding is
 *     b[0]     = (t & 0x7f) << 1      (bit 0 clear: a non-negative s)
 *     b[1..30] = c[0..29]
 *     b[31]    = t >> 7              (0 or 1)
 * for the smallest counter t in 0..255 for which b is a valid encoding.
 * The field element s that b encodes is below 2^249 < p, so b is always
 * canonical and non-negative; it is a valid encoding with probability
 * about 1/4 (there are ~2^252 group elements among ~2^254 such s), so
 * about 4 tries are expected and all 256 fail with probability ~2^-106.
 *
 * The decoder accepts exactly the encoder's image: a point is accepted only
 * if b[31] <= 1 and no smaller counter gives a valid encoding of the same
 * chunk; a vector only if the width matches the length prefix exactly and
 * every padding byte is zero.  Hence decode(encode(m)) = m and
 * encode(decode(P)) = P, and each message has exactly one point vector.
 * docs/elgamal.md is the byte-exact specification.
 *
 * Timing: the message is secret (a wallet's own transaction).  Copying and
 * framing are constant time, but try-and-increment is not: the time taken
 * reveals, to an observer of the encoding machine, the number of tries per
 * chunk.  Decoding runs on decrypted, public outputs and is variable time.
 */
#ifndef SHROUD_ZK_ENCODE_H
#define SHROUD_ZK_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"

#define ZK_ENCODE_CHUNK_BYTES 30      /* message bytes carried by one point */
#define ZK_ENCODE_PREFIX_BYTES 2      /* the u16le length prefix */
#define ZK_ENCODE_MAX_BYTES 65535     /* longest message (u16 prefix) */
#define ZK_ENCODE_MAX_WIDTH 2185      /* ceil((65535 + 2) / 30) */
#define ZK_ENCODE_MAX_TRIES 256       /* counters 0..255 */

/* Number of points for a message of len bytes: ceil((len + 2) / 30), or 0
 * when len > ZK_ENCODE_MAX_BYTES. */
size_t zk_encode_width(size_t len);

/* Longest message that fits in width points (30*width - 2), 0 for width 0.
 * A decode buffer of this size never yields SH_ERR_OVERSIZE. */
size_t zk_encode_capacity(size_t width);

/* One chunk to one point (try-and-increment, see above).  SH_ERR_INTERNAL
 * if no counter works (probability ~2^-106; never observed). */
int zk_encode_chunk(zk_point *out, const uint8_t chunk[ZK_ENCODE_CHUNK_BYTES]) SH_WUR;

/* One point back to its chunk.  SH_ERR_NONCANONICAL if the point is not the
 * encoder's output for any chunk (b[31] > 1, or a smaller counter would
 * have been chosen); chunk is then zeroed. */
int zk_decode_chunk(uint8_t chunk[ZK_ENCODE_CHUNK_BYTES], const zk_point *p) SH_WUR;

/* Encode msg (len bytes) into out[0..width).  width must equal
 * zk_encode_width(len): SH_ERR_OVERSIZE if len > ZK_ENCODE_MAX_BYTES,
 * SH_ERR_ARG for another width or NULL pointers.  On error out is wiped. */
int zk_encode_bytes(zk_point *out, size_t width, const uint8_t *msg, size_t len) SH_WUR;

/* Decode points p[0..width) into out (capacity out_cap), setting *out_len.
 * Errors, checked in this order:
 *   SH_ERR_LENGTH        width is 0 (no room for the length prefix)
 *   SH_ERR_OVERSIZE      width > ZK_ENCODE_MAX_WIDTH
 *   SH_ERR_NONCANONICAL  p[0] is not an output of the encoder
 *   SH_ERR_TRUNCATED     the length prefix needs more points than width
 *   SH_ERR_TRAILING      the length prefix needs fewer points than width
 *   SH_ERR_OVERSIZE      the message is longer than out_cap (the caller's
 *                        buffer; size it with zk_encode_capacity)
 *   SH_ERR_NONCANONICAL  a later point is not an output of the encoder, or
 *                        a padding byte is not zero
 * The length is checked before the other points so that a vector with a
 * wrong width costs one point decoding, not width of them.
 * On error *out_len is 0 and out[0..out_cap) is zeroed. */
int zk_decode_bytes(uint8_t *out, size_t out_cap, size_t *out_len,
                    const zk_point *p, size_t width) SH_WUR;

#endif
