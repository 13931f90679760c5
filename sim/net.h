/* sim/net.h -- the simulator's network model.
 *
 * Turns every message copy into an arrival time, or drops it:
 *
 *   depart'  = max(depart, uplink free time of the sender)      (FIFO queue)
 *   done     = depart' + (len + overhead) * 8 / bandwidth       (serialisation)
 *   arrive   = done + latency[region(from)][region(to)] + jitter
 *
 * The sender's uplink is busy until `done`, so a message waits behind the
 * earlier ones of the same node.  Loss is independent per copy; a copy
 * between nodes in different partition groups is dropped while a partition
 * is active.  Nodes are placed in regions from weights, in fixed
 * proportion, in an order shuffled by the seed (stream "net-place").
 * Jitter and loss draw from ChaCha20 on sh_rng_derive_seed(seed, "net", 0),
 * in the order copies are routed, which the engine makes deterministic.
 *
 * The default matrix (sim_net_default_regions) has six world regions with
 * one-way latencies taken as half of published inter-region round-trip
 * times (see net.c for the source).
 */
#ifndef SHROUD_SIM_NET_H
#define SHROUD_SIM_NET_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/rng.h"

#define SIM_NET_MAX_REGIONS 64
#define SIM_NET_MAX_BPS 10000000000ULL   /* 10 Gbit/s */

typedef struct sim_net sim_net;

typedef enum sim_jitter_dist {
    SIM_JITTER_NONE = 0,
    SIM_JITTER_UNIFORM,        /* uniform [0, jitter_ns) */
    SIM_JITTER_EXPONENTIAL,    /* exponential with mean jitter_ns */
    SIM_JITTER_LOGNORMAL       /* lognormal with median jitter_ns, sigma */
} sim_jitter_dist;

typedef struct sim_net_cfg {
    uint32_t n_regions;                     /* 1..SIM_NET_MAX_REGIONS */
    const char *const *region_names;        /* n_regions names (borrowed) */
    const uint64_t *latency_ns;             /* n_regions^2 one-way, row = from */
    const double *region_weights;           /* n_regions weights >= 0; NULL: equal */
    sim_jitter_dist jitter;
    uint64_t jitter_ns;
    double jitter_sigma;                    /* lognormal only */
    uint64_t bandwidth_bps;                 /* per-node uplink, <= SIM_NET_MAX_BPS; 0: infinite */
    uint32_t overhead_bytes;                /* framing added to each copy */
    double loss;                            /* in [0, 1] */
} sim_net_cfg;

/* The built-in world: names, and the one-way latency matrix in ns. */
uint32_t sim_net_default_regions(const char *const **names,
                                 const uint64_t **latency_ns);

/* SH_ERR_ARG for a bad config (no regions, weights all zero, loss outside
 * [0, 1]), SH_ERR_NOMEM. */
int sim_net_new(const sim_net_cfg *cfg, uint32_t n_nodes,
                const uint8_t seed[SH_RNG_SEEDBYTES], sim_net **out) SH_WUR;
void sim_net_free(sim_net *n);

/* Route one copy sent at `depart`: 0 with *arrive set, or 1 if the network
 * dropped it (loss or partition).  Advances the sender's uplink either way
 * (a lost packet was still transmitted). */
int sim_net_route(sim_net *n, uint32_t from, uint32_t to, uint64_t depart,
                  size_t len, uint64_t *arrive);

/* Partitions: every node is in group 0 until set; while active, copies
 * between different groups are dropped. */
void sim_net_set_group(sim_net *n, uint32_t node, uint32_t group);
void sim_net_set_partitioned(sim_net *n, int active);
int sim_net_partitioned(const sim_net *n);
/* Whether a copy from -> to would cross an active partition. */
int sim_net_blocked(const sim_net *n, uint32_t from, uint32_t to);

uint32_t sim_net_region_of(const sim_net *n, uint32_t node);
uint32_t sim_net_region_count(const sim_net *n);
const char *sim_net_region_name(const sim_net *n, uint32_t region);
/* The smallest one-way latency of the matrix (the lookahead of a future
 * parallel engine). */
uint64_t sim_net_min_latency(const sim_net *n);
/* A node's uplink is drained at this time (for tests). */
uint64_t sim_net_uplink_free(const sim_net *n, uint32_t node);
size_t sim_net_memory(const sim_net *n);
/* A performance hint: warm the caches for copies sent by `node` soon
 * (its uplink state and region).  No effect on results. */
void sim_net_prefetch(const sim_net *n, uint32_t node);

#endif
