/* gossip/peertable.h -- the bounded, eclipse-resistant table of known peers.
 *
 * The table is the passive view of the membership protocol (HyParView)
 * plus its defences against eclipse attacks (docs/gossip.md, "Eclipse
 * defences"):
 *
 *  - bounded: at most cfg.capacity live entries, whatever peers send;
 *  - per source: at most cfg.max_per_source entries learned from one peer
 *    (the authenticated sender of the SHUFFLE / FORWARD_JOIN that named
 *    them), so one peer cannot fill the table with its sybils;
 *  - per address group: at most cfg.max_per_group entries in one address
 *    group (an IPv4 /16 or IPv6 /32, gossip_addr_group), so an attacker
 *    needs addresses in many networks;
 *  - test-before-evict: a new entry displaces an old one only if the old
 *    one fails a liveness probe (gossip_pt_offer returns
 *    GOSSIP_PT_PROBE; the caller probes and reports with
 *    gossip_pt_probe_done); an old entry confirmed alive within
 *    cfg.fresh_s is kept without a probe, one already known to have
 *    failed is replaced at once;
 *  - anchors: configured peers, never evicted, exempt from the caps;
 *  - remembered peers: peers that failed (crashed, or unreachable behind
 *    a partition) move to a small separate list of cfg.remember entries
 *    (random replacement when full) instead of being forgotten, so the
 *    caller can retry them periodically and a partitioned side can rejoin
 *    however long the partition lasted.
 *
 * A plain data structure: no driver, no clock (times are passed in, in
 * seconds), randomness from the sh_rng passed in.  Memory: (capacity +
 * remember) * sizeof(gossip_pt_entry) (20 bytes) plus the struct.
 */
#ifndef SHROUD_GOSSIP_PEERTABLE_H
#define SHROUD_GOSSIP_PEERTABLE_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define GOSSIP_PT_MAX_ANCHORS 8
#define GOSSIP_PT_ANCHOR 0x01      /* configured anchor: never evicted */
#define GOSSIP_PT_PROBING 0x02     /* a test-before-evict probe is running */

typedef struct gossip_pt_entry {
    sh_peer_id peer;
    uint32_t group;                /* address group (gossip_addr_group) */
    sh_peer_id source;             /* who told us; self for own knowledge */
    uint32_t last_ok_s;            /* last sign of life (seconds), 0: never */
    uint8_t flags;
    uint8_t fails;                 /* failed contacts since last sign of life */
    uint16_t reserved;
} gossip_pt_entry;

typedef struct gossip_pt_cfg {
    uint32_t capacity;             /* live entries, >= 1 */
    uint32_t remember;             /* failed entries kept for retries */
    uint32_t max_per_source;       /* >= 1 */
    uint32_t max_per_group;        /* >= 1 */
    uint32_t fresh_s;              /* confirmed this recently: not probed */
} gossip_pt_cfg;

typedef struct gossip_pt_stats {
    uint64_t added;                /* new live entries */
    uint64_t rej_self;             /* offers of ourselves */
    uint64_t rej_source;           /* per-source cap */
    uint64_t rej_group;            /* per-group cap */
    uint64_t rej_full;             /* full, victim fresh or no probe possible */
    uint64_t probes;               /* test-before-evict probes started */
    uint64_t evicted;              /* entries displaced by a newcomer */
    uint64_t kept;                 /* probes answered: newcomer dropped */
    uint64_t remembered;           /* entries moved to the remembered list */
    uint64_t revived;              /* remembered entries back to live */
} gossip_pt_stats;

typedef struct gossip_pt {
    gossip_pt_cfg cfg;
    sh_peer_id self;
    gossip_pt_entry *live;         /* [0, n_live), room for capacity + anchors */
    uint32_t n_live;
    uint32_t n_anchors;            /* anchors among the live entries */
    gossip_pt_entry *mem;          /* remembered, [0, n_mem) */
    uint32_t n_mem;
    gossip_pt_stats st;
} gossip_pt;

typedef enum gossip_pt_res {
    GOSSIP_PT_ADDED = 0,           /* now a live entry */
    GOSSIP_PT_PRESENT,             /* already live or remembered: unchanged */
    GOSSIP_PT_PROBE,               /* full: probe *victim, then probe_done */
    GOSSIP_PT_REJ_SELF,
    GOSSIP_PT_REJ_SOURCE,
    GOSSIP_PT_REJ_GROUP,
    GOSSIP_PT_REJ_FULL
} gossip_pt_res;

/* Allocate an empty table for peer `self`.  SH_ERR_ARG for a zero
 * capacity or cap, SH_ERR_NOMEM. */
int gossip_pt_init(gossip_pt *pt, const gossip_pt_cfg *cfg, sh_peer_id self) SH_WUR;
void gossip_pt_free(gossip_pt *pt);

/* Add a configured anchor (live, never evicted, exempt from the caps, not
 * counted against capacity).  SH_ERR_ARG for self, SH_ERR_RANGE beyond
 * GOSSIP_PT_MAX_ANCHORS; an anchor already present is not added twice. */
int gossip_pt_add_anchor(gossip_pt *pt, sh_peer_id peer, uint32_t group) SH_WUR;

/* Offer a peer learned from `source` (self: own knowledge, exempt from the
 * source cap).  With GOSSIP_PT_PROBE, *victim is the live peer to probe (it
 * is marked PROBING and is not offered as a victim again until
 * gossip_pt_probe_done); the newcomer is not stored: the caller keeps it. */
gossip_pt_res gossip_pt_offer(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                              sh_peer_id source, uint32_t now_s, sh_rng *rng,
                              sh_peer_id *victim);
/* The probe of victim ended.  alive: the victim stays (last_ok = now) and
 * the newcomer is dropped (returns GOSSIP_PT_REJ_FULL).  Otherwise the victim
 * moves to the remembered list and the newcomer is offered again (returns
 * gossip_pt_offer's result, normally GOSSIP_PT_ADDED). */
gossip_pt_res gossip_pt_probe_done(gossip_pt *pt, sh_peer_id victim, int alive,
                                   sh_peer_id peer, uint32_t group,
                                   sh_peer_id source, uint32_t now_s, sh_rng *rng);

/* Insert a peer we have first-hand knowledge of (a former active
 * neighbour, a peer that just answered): caps do not apply; if the table is
 * full a random non-anchor entry that is not being probed is dropped.  If
 * the peer was remembered it is revived.  Marks it alive at now_s. */
int gossip_pt_insert_known(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                           uint32_t now_s, sh_rng *rng) SH_WUR;
/* A sign of life: last_ok = now, fails = 0.  0, or SH_ERR_STATE if the
 * peer is not live in the table. */
int gossip_pt_mark_ok(gossip_pt *pt, sh_peer_id peer, uint32_t now_s);
/* The peer failed a contact.  A live non-anchor entry moves to the
 * remembered list; an anchor stays (fails counted); a peer that is not in
 * the table is added to the remembered list (a failed active neighbour).
 * A remembered entry gets its fails counted. */
void gossip_pt_mark_failed(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                           sh_rng *rng);
/* Remove a live non-anchor entry (it became an active neighbour); anchors
 * stay.  1 if removed. */
int gossip_pt_remove(gossip_pt *pt, sh_peer_id peer);

/* Lookups: the live entry or NULL; the remembered entry or NULL. */
gossip_pt_entry *gossip_pt_find(gossip_pt *pt, sh_peer_id peer);
gossip_pt_entry *gossip_pt_find_remembered(gossip_pt *pt, sh_peer_id peer);

/* A uniformly random live peer for which skip(arg, peer) is 0 (skip may be
 * NULL); SH_PEER_NONE if none. */
typedef int (*gossip_pt_skip_fn)(void *arg, sh_peer_id peer);
sh_peer_id gossip_pt_pick(const gossip_pt *pt, sh_rng *rng, gossip_pt_skip_fn skip,
                          void *arg);
/* A uniformly random remembered peer (SH_PEER_NONE if none) and its group. */
sh_peer_id gossip_pt_pick_remembered(const gossip_pt *pt, sh_rng *rng,
                                     uint32_t *group);
/* Up to k distinct random live peers for which skip is 0, into out.
 * Returns how many. */
size_t gossip_pt_sample(const gossip_pt *pt, sh_rng *rng, sh_peer_id *out, size_t k,
                        gossip_pt_skip_fn skip, void *arg);

/* Heap bytes held. */
size_t gossip_pt_memory(const gossip_pt *pt);

#endif
