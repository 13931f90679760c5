/* tests/helpers/gossip_harness.h -- N gossip nodes on sim/loop for the
 * gossip tests: keys, configs with contacts, address groups, a partition
 * filter, and overlay measurements. */
#ifndef SHROUD_TESTS_GOSSIP_HARNESS_H
#define SHROUD_TESTS_GOSSIP_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "gossip/gossip.h"
#include "sim/loop.h"

#define GH_MS 1000000ULL
#define GH_S 1000000000ULL

typedef struct gh {
    sim_loop *l;
    uint32_t n;
    gossip_cfg base;              /* every node's config, before per-node fields */
    uint8_t (*pk)[SH_PEER_KEY_BYTES];
    uint8_t (*sk)[GOSSIP_SK_BYTES];
    uint32_t *group;              /* address group of each node */
    uint8_t *side;                /* partition side of each node */
    int cut;                      /* drop messages between sides */
    uint8_t *down;                /* crashed */
} gh;

/* Build n nodes (keys from `seed`, crypto provider c), node i > 0 joining
 * through a pseudo-random earlier node; base may tweak the defaults through
 * the callback (NULL: defaults). */
gh *gh_new(uint32_t n, uint8_t seed, const gossip_crypto *c, int keep_trace,
           void (*tweak)(gossip_cfg *cfg, uint32_t node, void *arg), void *arg);
void gh_free(gh *h);
void gh_run(gh *h, uint64_t for_ns);
gossip *gh_node(gh *h, uint32_t i);
void gh_crash(gh *h, uint32_t i);
/* Largest connected component of the live nodes' active views (edges
 * taken as undirected). */
uint32_t gh_largest_component(gh *h);
/* Live nodes whose active view names a crashed node or a node of the other
 * side (when the cut is on). */
uint32_t gh_bad_edges(gh *h);
/* Announce `payload` from node `from` now; returns the message id. */
void gh_announce(gh *h, uint32_t from, const char *payload, uint8_t id[GOSSIP_ID_BYTES]);
/* How many live nodes delivered id (exactly once each is asserted), the
 * largest hop count, and the latest delivery time. */
uint32_t gh_reached(gh *h, const uint8_t id[GOSSIP_ID_BYTES], uint32_t *max_hops,
                    uint64_t *last_time);
/* The hop count within which `frac` of the n live nodes learned id
 * (UINT32_MAX if fewer did). */
uint32_t gh_hops_quantile(gh *h, const uint8_t id[GOSSIP_ID_BYTES], double frac);
/* Sum of a counter over live nodes. */
void gh_counters_sum(gh *h, gossip_counters *sum);
/* A signed descriptor of node i, issued now (wall seconds). */
void gh_descriptor(gh *h, uint32_t i, uint64_t issued, uint64_t expires, sh_buf *out);

#endif
