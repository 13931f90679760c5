/* mixnet/tlv.h -- BigSize integers (BOLT 1) and shroud's hop payload, a TLV
 * stream carried inside each hop payload of an onion packet (mixnet/onion.h).
 *
 * docs/onion.md documents the encoding byte by byte.  In brief, a TLV
 * stream is a sequence of records  type:BigSize  length:BigSize  value,
 * with strictly increasing types; shroud's hop payload knows four types:
 *
 *    2  epoch          u64 big-endian, exactly 8 bytes       required
 *    4  delay          u32 big-endian milliseconds, 4 bytes  required
 *    6  next_hop       32-byte relay identity key            forward hops
 *    8  final_payload  application bytes (0..65535)          the last hop
 *
 * Exactly one of next_hop and final_payload is present.  Unknown odd types
 * are skipped ("it's ok to be odd"), unknown even types are refused.
 *
 * Decoding is strict and names what is wrong through *why (a fixed string
 * literal "tlv: ...", usable as a metrics label), with the codes:
 *   SH_ERR_TRUNCATED     the input ends inside a record
 *   SH_ERR_NONCANONICAL  a BigSize not in its shortest form
 *   SH_ERR_FORMAT        duplicate or decreasing types, a required record
 *                        missing, both next_hop and final_payload, or
 *                        neither
 *   SH_ERR_TYPE          an unknown even type
 *   SH_ERR_LENGTH        a fixed-size record with the wrong length
 *   SH_ERR_OVERSIZE      a record or the whole stream above its limit
 * All functions are pure (no allocation, no state).
 */
#ifndef SHROUD_MIXNET_TLV_H
#define SHROUD_MIXNET_TLV_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* ---- BigSize (BOLT 1): 1, 3, 5 or 9 bytes, big-endian, minimal --------- */

#define MIX_BIGSIZE_MAX_BYTES 9

/* Bytes needed to encode v: 1 (< 0xfd), 3 (<= 0xffff), 5 (<= 0xffffffff)
 * or 9. */
size_t mix_bigsize_len(uint64_t v);
/* Write the minimal encoding of v to out; returns its length. */
size_t mix_bigsize_encode(uint8_t out[MIX_BIGSIZE_MAX_BYTES], uint64_t v);
/* Read a BigSize from in[0..len): *v and *used on success;
 * SH_ERR_TRUNCATED, or SH_ERR_NONCANONICAL for a non-minimal form. */
int mix_bigsize_decode(const uint8_t *in, size_t len, uint64_t *v,
                       size_t *used) SH_WUR;

/* ---- shroud's hop payload ------------------------------------------------ */

#define MIX_TLV_EPOCH 2
#define MIX_TLV_DELAY 4
#define MIX_TLV_NEXT_HOP 6
#define MIX_TLV_FINAL_PAYLOAD 8

#define MIX_HOP_ID_BYTES 32             /* a relay's identity key */
#define MIX_FINAL_PAYLOAD_MAX 65535     /* value limit of final_payload */
#define MIX_HOP_PAYLOAD_MAX 65600       /* limit of a whole hop payload */

typedef struct mix_hop_payload {
    uint64_t epoch;                     /* the onion-key epoch */
    uint32_t delay_ms;                  /* how long this hop holds the packet */
    int is_final;                       /* 1: deliver `data`; 0: forward to next_hop */
    uint8_t next_hop[MIX_HOP_ID_BYTES]; /* forward hops only (zero otherwise) */
    const uint8_t *data;                /* final hop: the application payload; */
    size_t data_len;                    /*   on decode, points into the input */
} mix_hop_payload;

/* Encoded size of p (0 if p is invalid: data_len above the limit, or
 * is_final with data NULL and data_len > 0). */
size_t mix_hop_payload_encoded_len(const mix_hop_payload *p);
/* Encode p into out[0..cap); *out_len receives the length.  SH_ERR_ARG for
 * an invalid p, SH_ERR_LENGTH if cap is too small. */
int mix_hop_payload_encode(uint8_t *out, size_t cap, size_t *out_len,
                           const mix_hop_payload *p) SH_WUR;
/* Strict decoding of in[0..len) (see the header comment); why may be NULL
 * and is set on every failure.  p->data points into in. */
int mix_hop_payload_decode(mix_hop_payload *p, const uint8_t *in, size_t len,
                           const char **why) SH_WUR;

#endif
