/* mixnet/path.h -- the stratified topology of an epoch, path selection,
 * and building a packet along a path (docs/mixnet.md, "Paths").
 *
 * Topology.  The epoch's relays are split into L layers; every relay is in
 * exactly one layer.  The assignment is either given by the caller (the
 * epoch descriptor's) or derived deterministically from the epoch beacon:
 * relays sorted by BLAKE2b-256("shroud-mix-layer" || beacon || id), ties
 * broken by id, and dealt round-robin (rank r -> layer r mod L), so every
 * party computes the same layers and no relay can choose its own.
 *
 * Paths.  A path is one relay per layer, in layer order 0..L-1, each drawn
 * with probability proportional to its advertised capacity (cumulative
 * sums and sh_rng_uniform: no modulo bias).  A zero-capacity relay is
 * never chosen.  No relay appears twice in a path: a relay is in one
 * layer, and a relay to avoid (the sender itself, or the destination) is
 * excluded from every layer.  A layer with no eligible capacity is an
 * error (SH_ERR_STATE), never a silently shorter path.
 *
 * Everything here is pure (no driver, no clock); randomness is the
 * caller's sh_rng.
 */
#ifndef SHROUD_MIXNET_PATH_H
#define SHROUD_MIXNET_PATH_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "mixnet/onion.h"
#include "mixnet/tlv.h"
#include "util/err.h"
#include "util/rng.h"

#define MIX_PATH_MAX_LAYERS 16
#define MIX_PATH_MAX_RELAYS 100000
/* Capacities are bounded so that any sum of them fits in 64 bits. */
#define MIX_PATH_CAPACITY_MAX ((uint64_t)1 << 40)

/* A relay as the epoch descriptor advertises it. */
typedef struct mix_relay_info {
    uint8_t id[MIX_HOP_ID_BYTES];               /* identity key */
    uint8_t onion_pk[MIX_ONION_PUBKEY_BYTES];   /* this epoch's onion key */
    uint64_t capacity;                          /* advertised; 0: never chosen */
} mix_relay_info;

typedef struct mix_topology mix_topology;

/* A topology of n relays (copied) in n_layers layers, derived from the
 * beacon as above.  SH_ERR_ARG: n_layers outside 1..MIX_PATH_MAX_LAYERS,
 * n outside 1..MIX_PATH_MAX_RELAYS, a duplicate id, NULL arguments;
 * SH_ERR_RANGE: a capacity above MIX_PATH_CAPACITY_MAX; SH_ERR_NOMEM. */
int mix_topology_new(mix_topology **out, const mix_relay_info *relays, size_t n,
                     size_t n_layers, const uint8_t *beacon, size_t beacon_len) SH_WUR;
/* The same with the assignment given: layer_of[i] < n_layers for relay i. */
int mix_topology_new_assigned(mix_topology **out, const mix_relay_info *relays,
                              size_t n, size_t n_layers, const uint32_t *layer_of) SH_WUR;
void mix_topology_free(mix_topology *t);        /* NULL-safe */

size_t mix_topology_layers(const mix_topology *t);
size_t mix_topology_relays(const mix_topology *t);
/* Relay i (in the caller's original order), NULL when out of range. */
const mix_relay_info *mix_topology_relay(const mix_topology *t, size_t i);
/* The layer of relay i (UINT32_MAX when out of range). */
uint32_t mix_topology_layer_of(const mix_topology *t, size_t i);
/* The index of the relay with this id, or SIZE_MAX. */
size_t mix_topology_find(const mix_topology *t, const uint8_t id[MIX_HOP_ID_BYTES]);

/* Draw a path: out[l] is the index of the relay of layer l, for every
 * layer (out has mix_topology_layers(t) entries).  avoid[0..n_avoid) are
 * ids never chosen (the sender itself, the destination; avoid may be NULL
 * when n_avoid is 0).  SH_ERR_STATE: a layer has no eligible relay with
 * nonzero capacity. */
int mix_path_select(const mix_topology *t, sh_rng *rng,
                    const uint8_t (*avoid)[MIX_HOP_ID_BYTES], size_t n_avoid,
                    size_t *out) SH_WUR;

/* An exponentially distributed delay with the given mean (milliseconds),
 * rounded down and capped at cap_ms: what a sender draws for every hop
 * (Loopix); the sum of such delays is what makes a hop's output order
 * independent of its input order. */
uint32_t mix_delay_sample(sh_rng *rng, double mean_ms, uint32_t cap_ms);

/* One hop of a route to build: where the packet goes, the key that peels
 * it there and how long that hop holds it. */
typedef struct mix_route_hop {
    const uint8_t *id;          /* MIX_HOP_ID_BYTES */
    const uint8_t *onion_pk;    /* MIX_ONION_PUBKEY_BYTES */
    uint32_t delay_ms;
} mix_route_hop;

/* Build a packet_len-byte packet along hops[0..n) (hops[0] receives it
 * first, hops[n-1] is the destination, which gets final[0..final_len)):
 * hop i's payload is the TLV {epoch, delay_ms, next_hop = hops[i+1].id},
 * the last hop's {epoch, delay_ms, final_payload}.  A fresh session key
 * is drawn from rng.  No associated data.  Errors of mix_onion_create and
 * mix_hop_payload_encode; SH_ERR_ARG for NULL arguments or n = 0. */
int mix_route_build(mix_onion_ctx *ctx, sh_rng *rng, uint64_t epoch,
                    const mix_route_hop *hops, size_t n, const uint8_t *final,
                    size_t final_len, uint8_t *packet, size_t packet_len) SH_WUR;

/* ---- peer lookup: identity key -> driver peer id ------------------------ */

typedef struct mix_peer_map {
    uint8_t (*keys)[SH_PEER_KEY_BYTES];  /* sorted */
    sh_peer_id *ids;
    size_t n;
} mix_peer_map;

/* Build the map from keys[0..n) (keys[i] is peer i).  SH_ERR_NOMEM. */
int mix_peer_map_init(mix_peer_map *m, const uint8_t (*keys)[SH_PEER_KEY_BYTES],
                      size_t n) SH_WUR;
/* Build it by asking the driver for every peer's key (from a handler). */
int mix_peer_map_from_driver(mix_peer_map *m, const sh_driver *d) SH_WUR;
/* The peer id of key, or SH_PEER_NONE. */
sh_peer_id mix_peer_map_find(const mix_peer_map *m, const uint8_t key[SH_PEER_KEY_BYTES]);
void mix_peer_map_free(mix_peer_map *m);

#endif
