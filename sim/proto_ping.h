/* sim/proto_ping.h -- "ping": a minimal protocol for measuring the engine.
 *
 * It does almost no work per event, so events per CPU-second with it are
 * the engine's own figure (queue, dispatch, driver calls, network model,
 * payload handling, per-node RNG), not a protocol's.  Every node arms a
 * periodic timer (first firing at a random offset in [0, period)); on each
 * firing it re-arms the timer and sends a PING of msg_bytes to a random
 * peer; a PING is answered with a PONG of the same length; a PONG is
 * counted.  Three events per node and period: one timer, two messages.
 *
 * Wire format: 'p' (PING) or 'q' (PONG), then zero padding up to msg_bytes.
 *
 * It is not in the scenario registry (sim/registry.c): `shroud sim bench`
 * and the tests drive it through sim_engine directly.
 */
#ifndef SHROUD_SIM_PROTO_PING_H
#define SHROUD_SIM_PROTO_PING_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define SIM_PING_MAX_BYTES 4096

typedef struct sim_ping_cfg {
    uint64_t period_ns;       /* > 0 */
    uint32_t msg_bytes;       /* 1..SIM_PING_MAX_BYTES */
} sim_ping_cfg;

typedef struct sim_ping_stats {
    uint64_t pings_sent, pongs_sent, pongs_received;
} sim_ping_stats;

extern const sh_proto_ops sim_ping_ops;

/* SH_ERR_ARG for a config outside the ranges above or fewer than 2 peers. */
int sim_ping_new(const sim_ping_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;
/* The instance's counters (self is sh_proto.self). */
const sim_ping_stats *sim_ping_stats_of(const void *self);
/* A sim_factory_fn: arg is a const sim_ping_cfg *. */
int sim_ping_factory(void *arg, uint32_t node, uint32_t incarnation,
                     const sh_driver *d, sh_proto *out);

#endif
