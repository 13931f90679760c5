/* gossip/gossip.h -- relay membership and dissemination, one sans-IO state
 * machine (include/shroud/sansio.h).
 *
 * docs/gossip.md is the specification: messages byte by byte, timers,
 * parameters and their defaults, the eclipse defences, the fidelity modes.
 * In brief:
 *
 *  - Membership: HyParView.  A small symmetric active view (the overlay:
 *    the peers we exchange broadcasts and heartbeats with) and a larger
 *    passive view (gossip/peertable.h: bounded, per-source and per-prefix
 *    caps, test-before-evict, anchors, remembered failed peers).  JOIN
 *    through a contact, FORWARD_JOIN random walks, NEIGHBOR requests with
 *    a priority, DISCONNECT, periodic SHUFFLE random walks.
 *  - Dissemination: Plumtree.  Eager push along a spanning tree carved out
 *    of the active view by PRUNE on duplicates, lazy IHAVE to the other
 *    active neighbours, GRAFT when an IHAVE'd message does not arrive in
 *    time (which also repairs the tree).  The first flood_hops hops from
 *    the origin push to every neighbour (a flood), so a broadcast enters
 *    the tree shared by all origins at many points at once instead of
 *    crossing it from one end.  Payloads are signed descriptors
 *    (gossip/descriptor.h) and signed announcements; each is checked
 *    (size, format, times, signature through the configured provider,
 *    whose CPU cost is charged) before it is delivered or forwarded.
 *  - Failure detection: every active neighbour is heard from at least
 *    every tick (the lower id pings when a link is silent); silent for
 *    suspect_ticks: suspected (and pinged by both ends); silent for
 *    fail_ticks: failed, removed, remembered, replaced from the passive
 *    view.  A suspected neighbour that speaks again is cleared (a refuted
 *    suspicion).
 *  - Partition healing: remembered (failed) peers and anchors are retried
 *    every retry_ticks whatever the state of the views; one that answers
 *    is brought back into the active view with a high-priority NEIGHBOR,
 *    so two sides separated for longer than every timeout merge again.
 *
 * Peer ids: the driver's peer set is the relay registry, and gossip
 * messages name peers by their sh_peer_id (u32), which must therefore
 * mean the same relay on every node (true of the simulator; the daemon
 * numbers relays by registry order).
 */
#ifndef SHROUD_GOSSIP_GOSSIP_H
#define SHROUD_GOSSIP_GOSSIP_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "gossip/crypto.h"
#include "gossip/descriptor.h"
#include "gossip/peertable.h"

#define GOSSIP_VERSION 1
#define GOSSIP_ID_BYTES 16            /* message id: BLAKE2b-128 of the payload */
#define GOSSIP_MAX_CONTACTS 8
#define GOSSIP_MAX_ACTIVE 32
#define GOSSIP_MAX_SHUFFLE 16         /* peers in one SHUFFLE / SHUFFLE_REPLY */
#define GOSSIP_MAX_FLOOD_HOPS 8       /* bound of gossip_cfg.flood_hops: a
                                       * flood that deep already reaches every
                                       * relay of 10^7 with 10 neighbours */

/* Message types (docs/gossip.md, "Messages"). */
enum {
    GOSSIP_MSG_JOIN = 1,
    GOSSIP_MSG_FORWARD_JOIN = 2,
    GOSSIP_MSG_NEIGHBOR = 3,
    GOSSIP_MSG_NEIGHBOR_REPLY = 4,
    GOSSIP_MSG_DISCONNECT = 5,
    GOSSIP_MSG_SHUFFLE = 6,
    GOSSIP_MSG_SHUFFLE_REPLY = 7,
    GOSSIP_MSG_PING = 8,
    GOSSIP_MSG_PONG = 9,
    GOSSIP_MSG_GOSSIP = 10,
    GOSSIP_MSG_IHAVE = 11,
    GOSSIP_MSG_GRAFT = 12,
    GOSSIP_MSG_PRUNE = 13,
    GOSSIP_MSG_COUNT = 14             /* index 0 counts undecodable input */
};

/* Payload kinds inside GOSSIP. */
#define GOSSIP_KIND_DESCRIPTOR 1
#define GOSSIP_KIND_ANNOUNCE 2

/* Local requests (sh_proto_request). */
#define GOSSIP_REQ_DESCRIPTOR 1   /* data: a signed encoded descriptor to flood */
#define GOSSIP_REQ_ANNOUNCE 2     /* data: payload (<= GOSSIP_ANN_MAX_PAYLOAD),
                                   * signed here with the identity key */

/* Results (sh_drv_deliver kinds).  Integers are big-endian. */
#define GOSSIP_EV_DESCRIPTOR 1    /* id[16] | hops:u32 | descriptor bytes */
#define GOSSIP_EV_ANNOUNCE 2      /* id[16] | hops:u32 | announcement bytes */
#define GOSSIP_EV_NEIGHBOR_UP 3   /* peer:u32 */
#define GOSSIP_EV_NEIGHBOR_DOWN 4 /* peer:u32 | reason:u8 (GOSSIP_DOWN_*) */
#define GOSSIP_EV_SUSPECT 5       /* peer:u32: an active neighbour is silent */
#define GOSSIP_EV_REFUTE 6        /* peer:u32: a suspected neighbour spoke */
#define GOSSIP_EV_ALL 0x7eu       /* mask of every event kind (bit = kind) */

#define GOSSIP_DOWN_FAILED 1      /* failure detector */
#define GOSSIP_DOWN_DISCONNECT 2  /* the peer sent DISCONNECT */
#define GOSSIP_DOWN_EVICTED 3     /* we dropped it for another neighbour */
#define GOSSIP_DOWN_NOT_MUTUAL 4  /* it does not hold us in its active view */

/* Rejection reasons: the counters' index, and a fixed string each
 * (gossip_reject_reason). */
typedef enum gossip_rej {
    GOSSIP_REJ_MALFORMED = 0,     /* "gossip: malformed message" */
    GOSSIP_REJ_VERSION,           /* "gossip: unsupported version" */
    GOSSIP_REJ_TYPE,              /* "gossip: unknown message type" */
    GOSSIP_REJ_OVERSIZE,          /* "gossip: oversize" */
    GOSSIP_REJ_BAD_PEER,          /* "gossip: bad peer id" */
    GOSSIP_REJ_BAD_DESC,          /* "gossip: malformed descriptor" */
    GOSSIP_REJ_BAD_ADDR,          /* "gossip: bad address" */
    GOSSIP_REJ_BAD_KEY,           /* "gossip: bad onion key" */
    GOSSIP_REJ_BAD_TIMES,         /* "gossip: bad lifetime" */
    GOSSIP_REJ_EXPIRED,           /* "gossip: expired descriptor" */
    GOSSIP_REJ_FUTURE,            /* "gossip: descriptor from the future" */
    GOSSIP_REJ_BAD_SIG,           /* "gossip: bad signature" */
    GOSSIP_REJ_BAD_ANN,           /* "gossip: malformed announcement" */
    GOSSIP_REJ_STALE,             /* "gossip: stale message" */
    GOSSIP_REJ_KIND,              /* "gossip: unknown payload kind" */
    GOSSIP_REJ_RATE,              /* "gossip: rate limit" */
    GOSSIP_REJ_UNSOLICITED,       /* "gossip: unsolicited reply" */
    GOSSIP_REJ_COUNT
} gossip_rej;

const char *gossip_reject_reason(gossip_rej r);

/* The address group of a peer for the per-prefix caps (the daemon: the
 * /16 or /32 of the peer's transport address via gossip_addr_group; the
 * simulator: its topology).  NULL: every peer is its own group. */
typedef uint32_t (*gossip_group_fn)(void *arg, sh_peer_id peer);

typedef struct gossip_cfg {
    const gossip_crypto *crypto;      /* &gossip_crypto_full or _fast */
    uint8_t identity_sk[GOSSIP_SK_BYTES]; /* signs our announcements */

    /* Membership (HyParView). */
    uint32_t active_max;              /* active view size, 2..GOSSIP_MAX_ACTIVE */
    uint32_t passive_max;             /* peer table capacity */
    uint32_t remember_max;            /* remembered failed peers */
    uint32_t arwl;                    /* FORWARD_JOIN walk length */
    uint32_t prwl;                    /* ... at which the walk adds to passive */
    uint32_t shuffle_active;          /* active peers in a SHUFFLE (ka) */
    uint32_t shuffle_passive;         /* passive peers in a SHUFFLE (kp) */
    uint32_t shuffle_ttl;             /* SHUFFLE walk length */
    sh_peer_id contacts[GOSSIP_MAX_CONTACTS]; /* bootstrap peers */
    uint32_t n_contacts;
    sh_peer_id anchors[GOSSIP_PT_MAX_ANCHORS]; /* never evicted, always retried */
    uint32_t n_anchors;

    /* Eclipse defences. */
    uint32_t max_per_source;          /* peer table entries per source */
    uint32_t max_per_group;           /* peer table entries per address group */
    uint32_t max_active_per_group;    /* active neighbours per address group */
    gossip_group_fn group_of;         /* may be NULL */
    void *group_arg;

    /* Timers.  Everything runs off one periodic tick of tick_ns (first
     * tick at a random offset), except GRAFT timers. */
    uint64_t tick_ns;                 /* heartbeat period */
    uint32_t suspect_ticks;           /* silence before suspicion */
    uint32_t fail_ticks;              /* silence before failure, > suspect */
    uint32_t request_ticks;           /* NEIGHBOR / JOIN / probe timeout */
    uint32_t shuffle_ticks;           /* SHUFFLE period */
    uint32_t retry_ticks;             /* retry of a remembered peer / anchor */
    uint64_t graft_ns;                /* IHAVE -> GRAFT timeout */

    /* Dissemination (Plumtree). */
    uint32_t seen_slots;              /* seen-id cache, a power of two */
    uint32_t seen_ttl_s;              /* ids kept this long */
    uint32_t max_age_s;               /* older payloads are stale (< seen_ttl_s) */
    uint32_t payload_cache;           /* payloads kept to answer GRAFT */
    uint32_t missing_max;             /* IHAVE'd ids awaited at once */
    uint32_t rate_per_tick;           /* messages accepted per peer per tick */
    uint32_t flood_hops;              /* a node that learned a payload within
                                       * fewer hops pushes it to every active
                                       * neighbour, not only the eager ones
                                       * (0: plain Plumtree; <= GOSSIP_MAX_FLOOD_HOPS) */

    uint32_t event_mask;              /* bit k set: deliver event kind k */
} gossip_cfg;

/* Defaults for a network of n_peers relays (docs/gossip.md, "Parameters"):
 * active view ceil(log2 n)/2 + 2 (clamped to 4..10), passive view 6x that,
 * ticks of 1 s, flood_hops 3, the fast provider unset (crypto =
 * &gossip_crypto_full).
 * identity_sk, contacts, anchors and group_of are left empty. */
void gossip_cfg_default(gossip_cfg *cfg, uint32_t n_peers);

typedef struct gossip gossip;

extern const sh_proto_ops gossip_ops;

/* Create a node's instance bound to d (kept until free).  SH_ERR_ARG for a
 * bad configuration (d->self must be a member; contacts and anchors valid
 * peer ids other than self).  The configuration is copied (the secret key
 * is wiped on free). */
int gossip_new(const gossip_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;

/* ---- what the simulator reads --------------------------------------------- */

typedef struct gossip_counters {
    uint64_t msgs_in[GOSSIP_MSG_COUNT];   /* by type; [0]: undecodable */
    uint64_t bytes_in[GOSSIP_MSG_COUNT];
    uint64_t msgs_out[GOSSIP_MSG_COUNT];
    uint64_t bytes_out[GOSSIP_MSG_COUNT];
    uint64_t rejects[GOSSIP_REJ_COUNT];
    uint64_t suspicions;                  /* neighbours suspected */
    uint64_t refutations;                 /* ... that spoke again */
    uint64_t failures;                    /* neighbours declared failed */
    uint64_t delivered[3];                /* [GOSSIP_KIND_*] first learned */
    uint64_t duplicates;                  /* GOSSIP copies already seen */
    uint64_t grafts;                      /* GRAFTs sent */
    uint64_t retries;                     /* remembered peers / anchors retried */
    uint64_t revivals;                    /* ... that answered */
    uint64_t joins_done;                  /* JOIN accepted by a contact */
    uint64_t dropped_seen;                /* seen ids evicted before their ttl */
    gossip_pt_stats table;                /* peer table */
} gossip_counters;

/* Copy out the counters. */
void gossip_counters_get(const gossip *g, gossip_counters *out);
/* The active view (the overlay's edges from this node) into out[0..cap);
 * returns its size (which may exceed cap). */
size_t gossip_active_view(const gossip *g, sh_peer_id *out, size_t cap);
/* Live entries of the peer table (passive view, anchors included) and
 * remembered entries. */
size_t gossip_passive_size(const gossip *g);
size_t gossip_remembered_size(const gossip *g);
/* Heap and struct bytes held by this instance (for the memory budget). */
size_t gossip_memory(const gossip *g);

/* Encode a protocol message (for tests and byzantine nodes): GOSSIP
 * carrying a payload of `kind` with `hops`. */
int gossip_encode_push(sh_buf *out, uint32_t kind, uint32_t hops,
                       const uint8_t *payload, size_t len) SH_WUR;

/* The message id of a payload: BLAKE2b-128. */
void gossip_msg_id(uint8_t id[GOSSIP_ID_BYTES], const uint8_t *payload, size_t len);

#endif
