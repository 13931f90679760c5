/* tests/helpers/proto_echo.h -- an example sans-IO protocol for the tests.
 *
 * Reliable broadcast with acknowledgements and retransmission timers.  A
 * local request PROTO_ECHO_REQ_BCAST(payload) makes the node broadcast
 * DATA(seq, nonce, payload); every peer delivers the payload to its
 * application once and ACKs every copy it gets; the origin retransmits to
 * the peers that have not acknowledged after an exponentially backed-off
 * timeout (with random jitter from the driver's RNG), and reports DONE when
 * all have acknowledged or FAILED after max_retries retransmissions.
 *
 * Not part of the product: it exists to exercise every part of
 * include/shroud/sansio.h and to show how a protocol is written.
 *
 * Wire format (big-endian integers):
 *   DATA  = 0x01 | 0x01 | seq:u32 | nonce:8 | plen:u16 | payload[plen]
 *   ACK   = 0x01 | 0x02 | seq:u32 | nonce:8            (the DATA's nonce)
 * Rejected with a reason: short or long messages, another version or type,
 * a payload over PROTO_ECHO_MAX_PAYLOAD, an ACK for a seq never sent or
 * with the wrong nonce, a second DATA for the same (origin, seq) with
 * different content, more than PROTO_ECHO_MAX_SEEN messages from one peer.
 */
#ifndef SHROUD_TESTS_PROTO_ECHO_H
#define SHROUD_TESTS_PROTO_ECHO_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define PROTO_ECHO_VERSION 1
#define PROTO_ECHO_MSG_DATA 1
#define PROTO_ECHO_MSG_ACK 2
#define PROTO_ECHO_NONCE_BYTES 8
#define PROTO_ECHO_DATA_HEADER 16
#define PROTO_ECHO_ACK_BYTES 14
#define PROTO_ECHO_MAX_PAYLOAD 1024
#define PROTO_ECHO_MAX_SEEN 4096

/* Local request kinds. */
#define PROTO_ECHO_REQ_BCAST 1     /* data: the payload */

/* Result kinds. */
#define PROTO_ECHO_RES_RECV 1      /* u32 origin | u32 seq | payload */
#define PROTO_ECHO_RES_DONE 2      /* u32 seq: every peer acknowledged */
#define PROTO_ECHO_RES_FAILED 3    /* u32 seq: gave up after max_retries */

typedef struct proto_echo_cfg {
    uint64_t rto_ns;           /* first retransmission timeout, > 0 */
    uint64_t rto_jitter_ns;    /* plus uniform [0, jitter) from the RNG, each arm */
    uint32_t max_retries;      /* retransmission rounds before FAILED */
    uint64_t verify_cost_ns;   /* CPU charged per DATA checked (a stand-in
                                * for a signature verification) */
} proto_echo_cfg;

typedef struct proto_echo proto_echo;

extern const sh_proto_ops proto_echo_ops;

/* Create an instance bound to d (kept until free).  SH_ERR_ARG for a zero
 * rto or an empty peer set; SH_ERR_NOMEM. */
int proto_echo_new(const proto_echo_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;

/* Broadcasts this node started that are neither DONE nor FAILED. */
size_t proto_echo_outstanding(const proto_echo *e);

/* Encoders for tests that forge messages.  They return the encoded length,
 * or 0 if it does not fit in cap (the payload length is not checked against
 * PROTO_ECHO_MAX_PAYLOAD, so oversize messages can be built). */
size_t proto_echo_encode_data(uint8_t *out, size_t cap, uint32_t seq,
                              const uint8_t nonce[PROTO_ECHO_NONCE_BYTES],
                              const uint8_t *payload, size_t plen);
size_t proto_echo_encode_ack(uint8_t *out, size_t cap, uint32_t seq,
                             const uint8_t nonce[PROTO_ECHO_NONCE_BYTES]);

#endif
