/* sim/proto_gossip_byz.h -- byzantine relays for the simulator's gossip
 * protocol: the attackers of the fault script's "byzantine" entries.
 *
 * A byzantine relay runs the real gossip state machine (so it joins, keeps
 * links, answers pings and looks like any relay) behind a driver of its
 * own that rewrites or adds traffic.  gossip/ itself has no attack code:
 * everything malicious lives here, in the simulator.
 *
 *  - "liar" (an eclipse attacker, colluding with every other liar): its
 *    SHUFFLE and SHUFFLE_REPLY messages to honest relays name only liars
 *    (GOSSIP_MAX_SHUFFLE of them), FORWARD_JOINs it passes on name a liar
 *    instead of the joiner, its NEIGHBOR requests always claim high
 *    priority (which may force an eviction), and it keeps up to
 *    `byz_active_max` neighbours (default GOSSIP_MAX_ACTIVE, so it never
 *    refuses a link).  It censors: no GOSSIP or IHAVE reaches an honest
 *    relay from it (a PING goes instead, so the link does not fall silent
 *    and the victim's failure detector notices nothing).  What stops it: the peer table's per-source and
 *    per-prefix caps, test-before-evict, the active view's per-prefix cap
 *    and the forced-eviction budget (docs/gossip.md, "Eclipse defences");
 *    the scenario's `eclipse_rate` measures how far it gets.
 *  - "flood": an otherwise honest member that every tick also sends
 *    `flood_per_tick` announcements with forged signatures, alternately to
 *    a random neighbour and a random relay.  Honest relays pay a signature
 *    check for each (charged CPU) until their rate limits drop the rest;
 *    rejects are counted by reason.
 *
 * Messages between byzantine relays are not rewritten (colluders talk
 * honestly to each other).
 */
#ifndef SHROUD_SIM_PROTO_GOSSIP_BYZ_H
#define SHROUD_SIM_PROTO_GOSSIP_BYZ_H

#include <stddef.h>
#include <stdint.h>

#include "gossip/gossip.h"

typedef enum sim_gbyz_kind {
    SIM_GBYZ_HONEST = 0,
    SIM_GBYZ_LIAR,
    SIM_GBYZ_FLOOD,
} sim_gbyz_kind;

/* What every byzantine node of a run shares (owned by the protocol's
 * config; pointers stay valid while nodes live). */
typedef struct sim_gbyz_env {
    uint32_t n_nodes;
    const uint8_t *byzantine;     /* per node: nonzero for any byzantine relay */
    const uint32_t *liars;        /* ids of the liars */
    uint32_t n_liars;
    uint32_t flood_per_tick;      /* "flood": forged announcements per tick */
    uint32_t payload_bytes;       /* size of a forged announcement's payload */
} sim_gbyz_env;

/* The behaviour a fault-script name selects, SIM_GBYZ_HONEST if unknown. */
sim_gbyz_kind sim_gbyz_parse(const char *name);

/* Create node `d->self`'s byzantine instance of `kind` (LIAR or FLOOD):
 * the real gossip instance with configuration cfg (copied; the caller
 * adjusts it for the behaviour beforehand), driven through an intercepting
 * driver.  pk is the node's identity public key (a flooder signs as
 * itself, badly). */
int sim_gbyz_new(const sim_gbyz_env *env, sim_gbyz_kind kind, const gossip_cfg *cfg,
                 const uint8_t pk[GOSSIP_PK_BYTES], const sh_driver *d,
                 sh_proto *out) SH_WUR;

/* The active view of a byzantine instance (as gossip_active_view). */
size_t sim_gbyz_active_view(const void *self, sh_peer_id *out, size_t cap);

#endif
