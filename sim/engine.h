/* sim/engine.h -- the simulator's discrete-event engine.
 *
 * Drives N protocol instances ("nodes", "relays") through the sans-IO
 * interface (include/shroud/sansio.h), unchanged, exactly as the relay
 * daemon does, on simulated time.  It is the big, fast sibling of
 * sim/loop.{h,c} (which stays the small test driver with a text trace).
 *
 * Events.  A calendar queue (sim/evq.h: ~1 ms buckets, a small heap for
 * the present, an overflow heap for the far future) of compact 32-byte
 * events ordered by (time, seq), where seq is the insertion order: ties are broken
 * deterministically and a run is a pure function of the configuration,
 * the seed and the calls made on the engine.  Message bytes live in
 * refcounted payload blocks (one block per broadcast, shared by all its
 * copies) taken from a slab pool of size classes (no malloc per message).  Timer ids are (generation << 32 | slot + 1) over a recycled
 * slot table, so memory stays proportional to the timers pending, not to
 * the timers ever set; an id is reused only after 2^32 reuses of a slot.
 *
 * Randomness.  Node i's protocol RNG is ChaCha20 on
 * sh_rng_derive_seed(seed, "node", i) (the sim/loop convention; a restarted
 * node gets sh_rng_derive_seed(seed, "node-restart", i << 32 | k) for its
 * k-th restart, so the stream of a new incarnation is fresh but fixed).
 * The network model owns its own streams (sim/net.h).
 *
 * CPU model (docs/sansio.md): sh_drv_charge advances the node's clock
 * within the handler; sends and timers made after a charge depart that much
 * later; an input arriving while the node is busy waits (requeued at the
 * end of the busy time, behind inputs already waiting).
 *
 * Up and down.  A node that is down drops every input addressed to it
 * (counted as `dropped_down`); a crash frees the instance without stop, and
 * its pending timers never fire (they carry the node's incarnation).  A
 * restart creates a new instance through the factory and queues its start
 * at the current time.  Messages already in flight when a node crashes are
 * still delivered if it is up again when they arrive.
 *
 * Control events.  sim_engine_at schedules an engine-level callback (fault
 * script, metric sampling, workload injection) on the same queue, so it is
 * ordered with protocol events by (time, seq) too.
 *
 * Re-entrancy: engine functions that run handlers (run, step) refuse to be
 * called from a callback (SH_ERR_STATE); the others (request, at, crash,
 * restart, stop, inspection) may be called from control callbacks, but not
 * from inside a protocol handler's driver call.
 */
#ifndef SHROUD_SIM_ENGINE_H
#define SHROUD_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define SIM_ENGINE_DEFAULT_MAX_MSG ((size_t)1 << 20)
#define SIM_NS_PER_S 1000000000ULL
#define SIM_NS_PER_MS 1000000ULL

typedef struct sim_engine sim_engine;
typedef struct sim_net sim_net;          /* sim/net.h */

/* Create node `node`'s instance bound to drv (valid until the engine frees
 * the instance).  Called for every node at sim_engine_new and again on each
 * restart (`incarnation` counts from 0). */
typedef int (*sim_factory_fn)(void *arg, uint32_t node, uint32_t incarnation,
                              const sh_driver *drv, sh_proto *out);
/* Observers: called after the engine has accounted the effect.  They must
 * not run handlers (sim_engine_run/step) but may call the queueing
 * functions. */
typedef void (*sim_deliver_fn)(void *arg, uint32_t node, uint64_t time,
                               uint32_t kind, const uint8_t *data, size_t len);
typedef void (*sim_reject_fn)(void *arg, uint32_t node, uint32_t from,
                              int code, const char *reason);
/* A control event (sim_engine_at). */
typedef void (*sim_ctrl_fn)(sim_engine *e, void *arg, uint64_t now);
/* Optional per-message hook for the metrics: every copy a node sends,
 * before the network decides its fate. */
typedef void (*sim_send_fn)(void *arg, uint32_t from, uint32_t to, size_t len);

typedef struct sim_engine_cfg {
    uint32_t n_nodes;                  /* at least 1, below 2^31 */
    uint8_t seed[SH_RNG_SEEDBYTES];
    /* The network model (borrowed, must outlive the engine).  NULL: every
     * copy arrives after exactly latency_ns, no loss, infinite bandwidth. */
    sim_net *net;
    uint64_t latency_ns;               /* used only without a net */
    size_t max_msg;                    /* frame limit; 0: the default */
    uint64_t wall_origin_ns;           /* wall() = wall_origin_ns + now() */
    /* Nodes created and started at time 0; the others start down and can
     * be brought up with sim_engine_restart (churn joins).  NULL: all. */
    const uint8_t *initially_up;
    sim_factory_fn factory;            /* required */
    void *factory_arg;
    sim_deliver_fn on_deliver;         /* optional */
    void *on_deliver_arg;
    sim_reject_fn on_reject;           /* optional */
    void *on_reject_arg;
    /* Optional: protocol logs go here, prefixed by node and time. */
    const sh_log *log;
    /* Optional identity keys of the nodes (what sh_drv_peer_key answers);
     * must outlive the engine.  NULL: a fixed function of the seed. */
    const uint8_t (*peer_keys)[SH_PEER_KEY_BYTES];
} sim_engine_cfg;

/* Per-node counters.  Everything is counted per message copy. */
typedef struct sim_node_stats {
    uint64_t sent;              /* copies queued by this node */
    uint64_t bytes_sent;
    uint64_t lost;              /* ... dropped by the network (loss, partition) */
    uint64_t received;          /* messages handed to on_message */
    uint64_t bytes_received;
    uint64_t dropped_down;      /* inputs dropped because the node was down */
    uint64_t timers_fired;
    uint64_t results;           /* sh_drv_deliver calls */
    uint64_t rejects;           /* sh_drv_reject calls */
    uint64_t handler_errors;    /* handlers returning < 0 */
    uint64_t misuse;            /* driver calls refused */
    uint64_t cpu_ns;            /* total charged */
} sim_node_stats;

/* Engine-wide totals. */
typedef struct sim_engine_totals {
    uint64_t events;            /* events taken off the queue */
    uint64_t handlers;          /* protocol handlers run */
    uint64_t requeued_busy;     /* inputs that waited for a busy CPU */
    uint64_t sent, bytes_sent, lost, received, bytes_received, dropped_down;
    uint64_t timers_set, timers_fired, timers_cancelled;
    uint64_t results, rejects, handler_errors, misuse;
    uint64_t crashes, restarts, stops;
    size_t peak_pending;        /* largest queue size seen */
} sim_engine_totals;

/* Build the engine, create the initially-up nodes through the factory and
 * queue their starts at time 0 in node order.  SH_ERR_ARG for a bad
 * config; a factory error is returned as is. */
int sim_engine_new(const sim_engine_cfg *cfg, sim_engine **out) SH_WUR;
/* Free every live instance (without stop), then the engine.  NULL-safe. */
void sim_engine_free(sim_engine *e);

/* Process the next event: 1 if one was taken, 0 if the queue is empty,
 * negative on an engine error (handler errors are counted, not returned). */
int sim_engine_step(sim_engine *e) SH_WUR;
/* Process events due at or before until_ns, at most max_events of them:
 * 0 when the queue is empty or the next event is later than until_ns,
 * 1 when max_events were processed and more are due (call again). */
int sim_engine_run(sim_engine *e, uint64_t until_ns, uint64_t max_events) SH_WUR;
/* The time of the last event processed (never decreases). */
uint64_t sim_engine_now(const sim_engine *e);
/* Time of the next queued event, UINT64_MAX if none. */
uint64_t sim_engine_next_time(const sim_engine *e);
size_t sim_engine_pending(const sim_engine *e);
uint32_t sim_engine_nodes(const sim_engine *e);

/* Queue a local request for `node` at `at` (>= now); bytes copied. */
int sim_engine_request(sim_engine *e, uint32_t node, uint64_t at, uint32_t kind,
                       const uint8_t *data, size_t len) SH_WUR;
/* Queue raw bytes as if `from` had sent them, arriving at `at` (>= now),
 * bypassing the network: forged input for tests and byzantine scripts. */
int sim_engine_inject(sim_engine *e, uint32_t from, uint32_t to, uint64_t at,
                      const uint8_t *msg, size_t len) SH_WUR;
/* Schedule fn(e, arg, at) at `at` (>= now). */
int sim_engine_at(sim_engine *e, uint64_t at, sim_ctrl_fn fn, void *arg) SH_WUR;

/* Crash `node` now (free without stop).  SH_ERR_STATE if already down. */
int sim_engine_crash(sim_engine *e, uint32_t node) SH_WUR;
/* Graceful leave now: stop, then free.  SH_ERR_STATE if already down. */
int sim_engine_stop(sim_engine *e, uint32_t node) SH_WUR;
/* Bring a down node up now: a new instance from the factory, its start
 * queued at the current time.  SH_ERR_STATE if it is up. */
int sim_engine_restart(sim_engine *e, uint32_t node) SH_WUR;
int sim_engine_is_up(const sim_engine *e, uint32_t node);
uint32_t sim_engine_up_count(const sim_engine *e);

/* The node's instance (sh_proto.self), NULL while it is down. */
void *sim_engine_proto(const sim_engine *e, uint32_t node);
/* The node's counters as of this call (a snapshot the engine refreshes on
 * each call; valid until the engine is freed). */
const sim_node_stats *sim_engine_node_stats(const sim_engine *e, uint32_t node);
const sim_engine_totals *sim_engine_get_totals(const sim_engine *e);
/* Bytes of memory the engine holds for its queue, timers and nodes
 * (an estimate for reports). */
size_t sim_engine_memory(const sim_engine *e);

#endif
