/* node/wire.h -- the daemon's own message layer between relays.
 *
 * Every message a relay sends over the transport (node/transport.h) is
 *
 *   version:u8 (= 1) | type:u8 | body
 *
 *   type 1 HELLO   body = the sender's signed descriptor (gossip/descriptor.h),
 *                  the first message of every new connection: it binds the
 *                  authenticated transport key to an identity;
 *   type 2 GOSSIP  body = a gossip protocol message (gossip/gossip.h);
 *   type 3 DESC    body = a signed descriptor of any relay (answers to
 *                  SYNC, and the known relays given to a newcomer);
 *   type 4 SYNC    body = n:u16 | n ids:u32, strictly increasing -- "these
 *                  are the relays I know": the receiver answers with DESC
 *                  messages for relays missing from the list.
 *
 * Integers are big-endian.  docs/node.md has the byte layouts and the rules
 * for each message.  Decoding is strict: exact sizes, limits per type,
 * sorted unique ids; every refusal has one fixed reason string.
 */
#ifndef SHROUD_NODE_WIRE_H
#define SHROUD_NODE_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"

#define NODE_WIRE_VERSION 1
#define NODE_WIRE_HEADER 2
#define NODE_WIRE_MAX_SYNC_IDS 4096

enum {
    NODE_MSG_HELLO = 1,
    NODE_MSG_GOSSIP = 2,
    NODE_MSG_DESC = 3,
    NODE_MSG_SYNC = 4,
    NODE_MSG_COUNT = 5        /* index 0: undecodable */
};

/* Decoded view of a message; body points into the input. */
typedef struct node_wire_msg {
    uint8_t type;
    const uint8_t *body;
    size_t body_len;
    uint32_t n_ids;           /* SYNC */
} node_wire_msg;

/* Strict decode.  On failure returns a negative sh_err and sets *why to a
 * fixed reason: "node: malformed message", "node: unsupported version",
 * "node: unknown message type", "node: oversize", "node: malformed sync". */
int node_wire_decode(node_wire_msg *m, const uint8_t *msg, size_t len,
                     const char **why) SH_WUR;
/* The i-th id of a decoded SYNC (i < n_ids). */
uint32_t node_wire_sync_id(const node_wire_msg *m, uint32_t i);
/* Does a decoded SYNC list id?  (Binary search: the ids are sorted.) */
int node_wire_sync_has(const node_wire_msg *m, uint32_t id);

/* Append version | type | body to out (reset first by the caller). */
int node_wire_encode(sh_buf *out, uint8_t type, const uint8_t *body, size_t len) SH_WUR;
/* A SYNC of ids[0..n) (sorted, unique, n <= NODE_WIRE_MAX_SYNC_IDS). */
int node_wire_encode_sync(sh_buf *out, const uint32_t *ids, uint32_t n) SH_WUR;

/* The name of a type for metrics labels ("hello", ...; "invalid"). */
const char *node_wire_type_name(unsigned type);

#endif
