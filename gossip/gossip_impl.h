/* gossip/gossip_impl.h -- internals shared by gossip.c (lifecycle, tick,
 * dispatch, accessors), gossip_member.c (HyParView, failure detection,
 * healing), gossip_plumtree.c (dissemination) and gossip_msg.c (wire). */
#ifndef SHROUD_GOSSIP_IMPL_H
#define SHROUD_GOSSIP_IMPL_H

#include <stdbool.h>
#include "gossip/gossip.h"
#include "gossip/gossip_msg.h"
#include "util/buf.h"

#define MOD "gossip"
#define GOSSIP_MAX_TTL 32             /* FORWARD_JOIN / SHUFFLE walks */
#define GOSSIP_MSG_MAX_BYTES 768      /* GOSSIP (largest message) */
#define GOSSIP_SMALL_MAX_BYTES 128    /* every other type */
#define GOSSIP_MAX_PENDING 8          /* outstanding requests and probes */
#define GOSSIP_MAX_ANNOUNCERS 3       /* IHAVE senders kept per missing id */
#define GOSSIP_OPT_THRESHOLD 3        /* hop gain that rewires the tree (IHAVE) */
#define GOSSIP_HOPS_CATCH_UP UINT32_MAX /* IHAVE hops of a catch-up on a new link */
#define GOSSIP_SWAP_THRESHOLD 2       /* ... (a duplicate on an eager link) */

#define TAG_TICK 1
#define TAG_GRAFT_BASE 0x100

/* ---- wire: gossip/gossip_msg.h ---------------------------------------- */

/* ---- state ------------------------------------------------------------- */

typedef struct g_active {
    sh_peer_id peer;
    uint32_t group;
    uint64_t last_heard;              /* ns */
    uint32_t ping_nonce;              /* last PING sent, 0: none */
    uint8_t eager;                    /* Plumtree: eager (1) or lazy (0) */
    uint8_t catch_up;                 /* new link: IHAVE our recent payloads at the next tick */
    uint8_t suspected;
    uint16_t tokens;                  /* rate limit: messages left this tick */
} g_active;

enum { P_FREE = 0, P_JOIN, P_NEIGHBOR, P_PROBE, P_RETRY };

typedef struct g_pending {
    uint8_t kind;                     /* P_* */
    uint8_t high;                     /* NEIGHBOR priority */
    sh_peer_id peer;
    uint32_t nonce;                   /* PING nonce (PROBE, RETRY) */
    uint64_t deadline;                /* ns */
    sh_peer_id cand;                  /* PROBE: the newcomer ... */
    uint32_t cand_group;
    sh_peer_id cand_source;
    uint32_t retry_group;             /* RETRY: the remembered peer's group */
} g_pending;

typedef struct g_payload {
    uint8_t id[GOSSIP_ID_BYTES];
    uint8_t kind;
    uint32_t hops;
    sh_peer_id from;                  /* who delivered it first */
    uint32_t at_s;                    /* when (g_now_s) */
    uint32_t len;
    uint8_t *bytes;                   /* NULL: free slot */
} g_payload;

typedef struct g_missing {
    uint8_t id[GOSSIP_ID_BYTES];
    sh_peer_id from[GOSSIP_MAX_ANNOUNCERS];
    uint8_t n_from;
    uint8_t used;
    sh_timer_id timer;
} g_missing;

struct gossip {
    const sh_driver *d;
    gossip_cfg cfg;
    uint8_t pk[GOSSIP_PK_BYTES];      /* our identity public key */
    uint32_t n;                       /* peers in the set */

    g_active active[GOSSIP_MAX_ACTIVE];
    uint32_t n_active;
    gossip_pt pt;                     /* passive view + remembered + anchors */
    g_pending pend[GOSSIP_MAX_PENDING];
    uint32_t shuffle_nonce;           /* outstanding SHUFFLE, 0: none */
    uint32_t next_contact;
    uint32_t forced_left;             /* forced evictions left this tick */
    uint16_t stranger_tokens;         /* rate limit for non-neighbours */

    uint64_t tick_no;
    uint32_t shuffle_phase, retry_phase;
    sh_timer_id tick_timer;
    uint64_t ann_seq;

    /* Plumtree */
    uint64_t *seen_id;                /* seen_slots: first 8 bytes of ids */
    uint32_t *seen_exp;               /* expiry (s, +1); 0: never used */
    uint32_t seen_used;               /* slots with seen_exp != 0 */
    g_payload *cache;                 /* ring of payload_cache */
    uint32_t cache_next;
    g_missing *missing;               /* missing_max */

    sh_buf tx;                        /* scratch for encoding */
    int stopped;
    gossip_counters c;
};

/* gossip.c */
uint32_t g_now_s(const gossip *g);
uint32_t g_group(const gossip *g, sh_peer_id p);
int g_send(gossip *g, sh_peer_id to, const gossip_msg *m) SH_WUR;
int g_event_peer(gossip *g, uint32_t kind, sh_peer_id p, int reason) SH_WUR;
int g_reject(gossip *g, sh_peer_id from, int code, gossip_rej why);
uint32_t g_nonce(gossip *g);

/* gossip_member.c */
g_active *g_find_active(gossip *g, sh_peer_id p);
int g_member_start(gossip *g) SH_WUR;
int g_member_tick(gossip *g) SH_WUR;
/* Called for every accepted message, before dispatch. */
int g_heard(gossip *g, sh_peer_id from) SH_WUR;
int g_on_join(gossip *g, sh_peer_id from) SH_WUR;
int g_on_forward_join(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_neighbor(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_neighbor_reply(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_disconnect(gossip *g, sh_peer_id from) SH_WUR;
int g_on_shuffle(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_shuffle_reply(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_ping(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_pong(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;

/* gossip_plumtree.c */
int g_tree_init(gossip *g) SH_WUR;
void g_tree_free(gossip *g);
void g_tree_neighbor_up(gossip *g, g_active *a);
void g_tree_neighbor_down(gossip *g, sh_peer_id p);
/* Once per tick: IHAVE the cached payloads to links that came up since. */
int g_tree_tick(gossip *g) SH_WUR;
int g_on_gossip(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_ihave(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_graft(gossip *g, sh_peer_id from, const gossip_msg *m) SH_WUR;
int g_on_prune(gossip *g, sh_peer_id from) SH_WUR;
int g_graft_timer(gossip *g, uint32_t slot, sh_timer_id id) SH_WUR;
/* Local publication (hops 0): data already encoded and checked. */
int g_publish(gossip *g, uint32_t kind, const uint8_t *payload, size_t len) SH_WUR;
int g_req_descriptor(gossip *g, const uint8_t *data, size_t len) SH_WUR;
int g_req_announce(gossip *g, const uint8_t *data, size_t len) SH_WUR;
size_t g_tree_memory(const gossip *g);

#endif
