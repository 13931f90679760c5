/* mixnet/frame.h -- the transport frame that carries an onion packet from
 * one hop to the next: the msgpack array
 *
 *     [version = 1, type = 1 (packet), epoch: uint, packet: bin]
 *
 * (docs/onion.md "Epochs and keys", docs/mixnet.md "Frame").  The epoch is
 * in clear: it selects the onion key before any elliptic-curve work.  The
 * packet's length must be an allowed onion size (R + 66, R in
 * MIX_ONION_ROUTING_MIN..MAX); whether it is the size of this mix layer is
 * the mixer's check.
 *
 * Decoding follows util/mp.h strictly: size limit first (MIX_FRAME_MAX,
 * before a byte is parsed), exactly one canonical msgpack object, version,
 * type, field count, types and ranges.  Errors are 0 / negative SH_ERR_*
 * with a fixed "frame: ..." reason for sh_drv_reject.
 */
#ifndef SHROUD_MIXNET_FRAME_H
#define SHROUD_MIXNET_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "mixnet/onion.h"
#include "util/buf.h"
#include "util/err.h"

#define MIX_FRAME_VERSION 1
#define MIX_FRAME_TYPE_PACKET 1
/* Envelope (1) + version (1) + type (1) + epoch (<= 9) + bin32 header (5). */
#define MIX_FRAME_OVERHEAD_MAX 17
#define MIX_FRAME_MAX (MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX) + MIX_FRAME_OVERHEAD_MAX)
/* The largest epoch a frame may carry (MIX_EPOCH_NONE is reserved). */
#define MIX_FRAME_EPOCH_MAX (UINT64_MAX - 1)

/* Append the frame of packet[0..len) for epoch to out (which is not reset).
 * SH_ERR_ARG for a NULL packet, SH_ERR_LENGTH for a length that is not an
 * onion packet size, SH_ERR_RANGE for epoch > MIX_FRAME_EPOCH_MAX, and the
 * buffer's errors. */
int mix_frame_encode(sh_buf *out, uint64_t epoch, const uint8_t *packet,
                     size_t len) SH_WUR;

/* Exact encoded size of a frame (for preallocation). */
size_t mix_frame_encoded_len(uint64_t epoch, size_t len);

/* Decode msg[0..len).  On success *epoch, and *packet / *packet_len point
 * into msg.  On failure *why (if not NULL) is a fixed "frame: ..." text.
 * Codes: SH_ERR_OVERSIZE (above MIX_FRAME_MAX), util/mp's structural codes
 * (SH_ERR_TRUNCATED, SH_ERR_TRAILING, SH_ERR_NONCANONICAL, SH_ERR_TYPE,
 * SH_ERR_FORMAT), SH_ERR_VERSION, SH_ERR_TYPE for another frame type,
 * SH_ERR_LENGTH for a wrong field count or packet size, SH_ERR_RANGE for
 * the reserved epoch, SH_ERR_NOMEM. */
int mix_frame_decode(const uint8_t *msg, size_t len, uint64_t *epoch,
                     const uint8_t **packet, size_t *packet_len,
                     const char **why) SH_WUR;

#endif
