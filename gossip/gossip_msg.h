/* gossip/gossip_msg.h -- the gossip protocol's messages as a struct, with
 * the strict decoder and the encoder of docs/gossip.md ("Messages").
 *
 * The state machine (gossip.c and friends) is the main user; the header is
 * public so that tools speaking the same wire format -- the simulator's
 * byzantine relays (sim/proto_gossip_byz.c), tests, fuzzers -- build and
 * read messages through the one codec instead of a copy of it. */
#ifndef SHROUD_GOSSIP_MSG_H
#define SHROUD_GOSSIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gossip/gossip.h"
#include "util/buf.h"

typedef struct gossip_msg {
    uint32_t type;                    /* GOSSIP_MSG_* */
    sh_peer_id peer;                  /* FORWARD_JOIN: joiner; SHUFFLE: origin */
    uint32_t ttl;                     /* FORWARD_JOIN, SHUFFLE */
    uint32_t nonce;                   /* SHUFFLE(_REPLY), PING, PONG */
    bool flag;                        /* NEIGHBOR: high; NEIGHBOR_REPLY:
                                       * accepted; PONG: we are in its view */
    uint32_t kind, hops;              /* GOSSIP; IHAVE: hops */
    const uint8_t *payload;           /* GOSSIP, into the input */
    size_t payload_len;
    uint8_t id[GOSSIP_ID_BYTES];      /* IHAVE, GRAFT */
    sh_peer_id peers[GOSSIP_MAX_SHUFFLE];
    uint32_t n_peers;                 /* SHUFFLE(_REPLY) */
} gossip_msg;

/* Strict decode of b[0..len); on failure *why is the reason to reject
 * with.  m->payload points into b. */
int gossip_msg_decode(gossip_msg *m, const uint8_t *b, size_t len, gossip_rej *why) SH_WUR;

/* Append m's encoding to out (callers clear it first).  SH_ERR_ARG for a
 * bad type or too many peers; SH_ERR_OVERSIZE past out's size limit. */
int gossip_msg_encode(const gossip_msg *m, sh_buf *out) SH_WUR;

#endif
