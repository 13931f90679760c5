/* node/registry.h -- the relays a daemon knows, and their gossip peer ids.
 *
 * The gossip state machine names relays by a u32 sh_peer_id that must mean
 * the same relay on every node (gossip/gossip.h).  The simulator numbers
 * its nodes; a real network has no one to hand out numbers, so the daemon
 * derives a relay's id from its identity key:
 *
 *   id = LE32(BLAKE2b-32(key = "shroud-peer-id", identity)),
 *        0xfffffffe if that is 0xffffffff (SH_PEER_NONE)
 *
 * and runs gossip with n_peers = 0xffffffff.  Every node computes the same
 * id for a relay without coordination.  Two identities can collide (with
 * 10,000 relays the chance that some pair does is about 1%); the registry
 * then keeps the one whose identity key is smaller in byte order, on every
 * node alike, and refuses the other (node_registry_put returns
 * NODE_REG_COLLISION; the daemon logs it, and the refused relay fixes it by
 * creating a new identity).  docs/node.md discusses the choice.
 *
 * An entry holds what the transport needs to reach a relay (its CurveZMQ
 * key and address), the signed descriptor it was learned from, and the
 * bookkeeping the daemon keeps for it (last heard, rate-limit bucket).
 * Lookups by id and by transport key are hash-table lookups.  Not
 * thread-safe; the daemon is single-threaded.
 */
#ifndef SHROUD_NODE_REGISTRY_H
#define SHROUD_NODE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "shroud/sansio.h"
#include "gossip/descriptor.h"

#define NODE_REG_MAX 65536           /* relays remembered at most */

typedef struct node_peer {
    sh_peer_id id;
    gossip_desc desc;                /* the newest descriptor (issued) */
    uint8_t wire[GOSSIP_DESC_MAX_BYTES]; /* its signed encoding */
    size_t wire_len;
    uint64_t last_heard_ns;          /* monotonic; 0: never */
    double tokens;                   /* rate-limit bucket */
    uint64_t tokens_ns;              /* when the bucket was last filled */
    uint64_t msgs_in, msgs_out, dropped;
} node_peer;

typedef struct node_registry node_registry;

/* Outcome of node_registry_put. */
enum {
    NODE_REG_NEW = 0,        /* a relay we did not know */
    NODE_REG_UPDATED = 1,    /* a newer descriptor of a known relay */
    NODE_REG_OLD = 2,        /* not newer than what we hold: ignored */
    NODE_REG_COLLISION = 3,  /* its id belongs to a smaller identity: refused */
    NODE_REG_FULL = 4,       /* NODE_REG_MAX relays already: refused */
    NODE_REG_TRANSPORT_TAKEN = 5 /* another relay holds its transport key */
};

/* The peer id of an identity key. */
sh_peer_id node_peer_id(const uint8_t identity[GOSSIP_PK_BYTES]);

int node_registry_new(node_registry **out) SH_WUR;
void node_registry_free(node_registry *r);

/* Record a descriptor (already checked by the caller) and its wire bytes.
 * A descriptor replaces the held one only if it is newer (issued).  When a
 * relay changes its transport key the old key no longer finds it.  Returns
 * a NODE_REG_* outcome, or SH_ERR_NOMEM / SH_ERR_ARG.  *out (if non-NULL)
 * points at the entry for NEW, UPDATED and OLD, else NULL; the pointer is
 * valid until the next put or remove. */
int node_registry_put(node_registry *r, const gossip_desc *d, const uint8_t *wire,
                      size_t wire_len, node_peer **out) SH_WUR;
/* Forget a relay (no-op if unknown). */
void node_registry_remove(node_registry *r, sh_peer_id id);

node_peer *node_registry_get(node_registry *r, sh_peer_id id);
node_peer *node_registry_by_transport(node_registry *r, const uint8_t key[32]);
size_t node_registry_count(const node_registry *r);
/* The i-th entry in insertion-independent storage order, i < count, for
 * iteration (invalidated by put and remove). */
node_peer *node_registry_at(node_registry *r, size_t i);

#endif
