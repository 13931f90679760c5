/* sim/proto_gossip.h -- the simulator descriptor of the real gossip layer
 * (gossip/gossip.h: HyParView membership, Plumtree dissemination, failure
 * detection), so scenarios can name protocol "gossip".
 *
 * The adapter is thin; gossip/ itself knows nothing of the simulator:
 *
 *  - params: every numeric field of gossip_cfg (defaults from
 *    gossip_cfg_default for the scenario's relay count; times in _ms / _s),
 *    plus the adapter's own `contacts`, `address_groups` and
 *    `payload_bytes` (scenarios/README.md lists them).  Errors name the
 *    field ("protocol.params.fail_ticks: ...").
 *  - each node: crypto provider by fidelity (full: gossip_crypto_full,
 *    fast: gossip_crypto_fast); identity key from gossip_crypto_keypair
 *    over sh_rng_derive_seed(seed, "gossip-identity", node); contacts: up
 *    to `contacts` distinct pseudo-random earlier nodes (node 0 has none);
 *    address groups: a synthetic IPv4 /16 per node drawn from the seed
 *    among `address_groups` prefixes (the simulator's regions are not
 *    visible to a protocol's parser).
 *  - the broadcast workload: GOSSIP_REQ_ANNOUNCE with payload
 *    "SIMB" | msg_id:u64 (big-endian) | zero padding to payload_bytes;
 *    GOSSIP_EV_ANNOUNCE carrying such a payload becomes LEARNED(msg_id,
 *    hops).  GOSSIP_EV_SUSPECT becomes SUSPECT(peer); NEIGHBOR_UP / _DOWN
 *    (by reason), REFUTE, DESCRIPTOR and foreign announcements become
 *    counters "gossip.*".
 *  - neighbours: gossip_active_view (of the wrapped instance for a
 *    byzantine node).
 *  - byzantine behaviours "liar" and "flood" (sim/proto_gossip_byz.h):
 *    the real instance behind a rewriting driver; params `byz_active_max`,
 *    `byzantine_address_groups`, `flood_per_tick`.  Other names are refused.
 */
#ifndef SHROUD_SIM_PROTO_GOSSIP_H
#define SHROUD_SIM_PROTO_GOSSIP_H

#include "sim/registry.h"

#define SIM_GOSSIP_TAG "SIMB"
#define SIM_GOSSIP_MIN_PAYLOAD 12     /* tag + msg_id */
#define SIM_GOSSIP_MAX_PAYLOAD 256    /* the run's request buffer */

extern const sim_proto_desc sim_proto_gossip_desc;

#endif
