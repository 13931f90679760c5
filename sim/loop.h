/* sim/loop.h -- a deterministic in-memory sans-IO driver (the seed of the simulator).
 *
 * Runs N protocol instances ("nodes") in one thread on simulated time.  A
 * single queue holds every pending input (start, message arrival, timer
 * firing, local request, stop), ordered by (time, sequence number), where
 * the sequence number is the order of insertion; so the run is a pure
 * function of the configuration, the seed and the calls the test makes.
 *
 * The network model is deliberately small: fixed latency plus uniform
 * jitter, independent loss, and a test-supplied filter that may drop any
 * message (partitions, targeted loss).  Randomness comes from one seed:
 * node i's protocol RNG is ChaCha20 on sh_rng_derive_seed(seed, "node", i);
 * the network's (jitter, loss) on sh_rng_derive_seed(seed, "net", 0).
 *
 * CPU model (what the simulator will do): sh_drv_charge(d, ns) advances
 * the node's own clock within the current handler; effects made after a
 * charge depart that much later, and the node does not start its next
 * input before the end of its charged time (inputs arriving while it is
 * busy wait, in arrival order).
 *
 * Every event and effect is appended to a text trace (when cfg.keep_trace)
 * with message bytes summarised by length and a BLAKE2b digest: two runs
 * are identical iff their traces are byte-identical.
 *
 * Misuse of the driver by a protocol (bad peer, a call outside a handler,
 * oversize message) is refused with the error of include/shroud/sansio.h
 * and counted in sim_loop_stats.misuse.  The loop's own functions may
 * not be called from inside a callback that runs during a step (factory,
 * on_deliver, filter), except sim_loop_request and sim_loop_inject,
 * which only queue; otherwise they return SH_ERR_STATE.
 */
#ifndef SHROUD_SIM_LOOP_H
#define SHROUD_SIM_LOOP_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define SIM_LOOP_DEFAULT_MAX_MSG ((size_t)1 << 20)

typedef struct sim_loop sim_loop;

/* Create node `node`'s protocol instance bound to `drv` (valid until the
 * loop frees the instance).  Called once per node by sim_loop_new. */
typedef int (*sim_loop_factory_fn)(void *arg, uint32_t node,
                                      const sh_driver *drv, sh_proto *out);
/* Return nonzero to drop this copy of a message (counted as lost). */
typedef int (*sim_loop_filter_fn)(void *arg, uint64_t time, uint32_t from,
                                     uint32_t to, const uint8_t *msg, size_t len);
/* Called for every result a protocol delivers, after it is recorded. */
typedef void (*sim_loop_deliver_fn)(void *arg, uint32_t node, uint64_t time,
                                       uint32_t kind, const uint8_t *data,
                                       size_t len);

typedef struct sim_loop_cfg {
    uint32_t n_nodes;                  /* at least 1 */
    uint8_t seed[SH_RNG_SEEDBYTES];
    uint64_t latency_ns;               /* one-way delay of every message */
    uint64_t jitter_ns;                /* plus uniform [0, jitter_ns) */
    double loss;                       /* drop probability in [0, 1] */
    size_t max_msg;                    /* frame limit; 0: the default */
    sh_log_level log_level;            /* protocol logs at or above go to the trace */
    uint64_t wall_origin_ns;           /* wall() = wall_origin_ns + now() */
    int keep_trace;
    sim_loop_factory_fn factory;    /* required */
    void *factory_arg;
    sim_loop_filter_fn filter;      /* optional */
    void *filter_arg;
    sim_loop_deliver_fn on_deliver; /* optional */
    void *on_deliver_arg;
    /* Optional: node i's identity key (what sh_drv_peer_key answers), e.g.
     * real Ed25519 public keys for protocols that check signatures; the
     * array must outlive the loop.  NULL: a fixed function of the seed,
     * not a real key. */
    const uint8_t (*peer_keys)[SH_PEER_KEY_BYTES];
} sim_loop_cfg;

typedef struct sim_loop_stats {
    uint64_t sent;              /* message copies queued by this node */
    uint64_t lost;              /* ... of which the network dropped */
    uint64_t received;          /* messages handed to on_message */
    uint64_t undeliverable;     /* inputs dropped because the node was down */
    uint64_t timers_set;
    uint64_t timers_fired;
    uint64_t timers_cancelled;  /* cancels that disarmed a live timer */
    uint64_t results;           /* sh_drv_deliver calls */
    uint64_t rejects;           /* sh_drv_reject calls */
    int last_reject_code;
    const char *last_reject_reason;
    uint64_t handler_errors;    /* handlers returning < 0 */
    int last_handler_error;
    uint64_t misuse;            /* driver calls refused */
    uint64_t cpu_ns;            /* total charged */
} sim_loop_stats;

/* One result, as recorded in delivery order across all nodes. */
typedef struct sim_loop_result {
    uint32_t node;
    uint64_t time;              /* node clock at delivery (charges included) */
    uint32_t kind;
    const uint8_t *data;        /* owned by the loop */
    size_t len;
} sim_loop_result;

/* Build the loop, create every node through cfg->factory and queue each
 * node's start at time 0 in node order.  SH_ERR_ARG for a bad config; a
 * factory error is returned as is. */
int sim_loop_new(const sim_loop_cfg *cfg, sim_loop **out) SH_WUR;
/* Free every live instance (without stop), then the loop.  NULL-safe. */
void sim_loop_free(sim_loop *l);

/* Take the next entry off the queue and process it (dispatch it, drop it
 * for a node that is down, skip a cancelled timer, or requeue it behind a
 * busy CPU): 1 if an entry was taken, 0 if the queue is empty, negative on
 * a loop error.  Handler errors are counted, not returned. */
int sim_loop_step(sim_loop *l) SH_WUR;
/* Step while the next input is due at or before until_ns.  0 when the queue
 * is empty or the next input is later; SH_ERR_RANGE if max_events inputs
 * were processed first (a livelock guard). */
int sim_loop_run(sim_loop *l, uint64_t until_ns, uint64_t max_events) SH_WUR;
/* Current simulated time: that of the last input processed. */
uint64_t sim_loop_now(const sim_loop *l);
/* Number of queued inputs (cancelled timers included until reached). */
size_t sim_loop_pending(const sim_loop *l);

/* Queue a local request for `node` at time `at` (>= now).  The bytes are
 * copied.  SH_ERR_ARG for a bad node, SH_ERR_RANGE for a time in the past. */
int sim_loop_request(sim_loop *l, uint32_t node, uint64_t at, uint32_t kind,
                        const uint8_t *data, size_t len) SH_WUR;
/* Queue raw bytes as if `from` had sent them, arriving at `at` (>= now),
 * bypassing latency, loss and the filter: how tests forge peer messages. */
int sim_loop_inject(sim_loop *l, uint32_t from, uint32_t to, uint64_t at,
                       const uint8_t *msg, size_t len) SH_WUR;
/* Queue a graceful stop of `node` at `at`; later inputs for it are dropped. */
int sim_loop_stop(sim_loop *l, uint32_t node, uint64_t at) SH_WUR;
/* Crash `node` now: free its instance without stop; its timers die and
 * messages to it are dropped.  SH_ERR_STATE if it is already down. */
int sim_loop_crash(sim_loop *l, uint32_t node) SH_WUR;

/* The node's protocol instance (sh_proto.self), NULL once it is down. */
void *sim_loop_proto(const sim_loop *l, uint32_t node);
/* The node's driver; calling it from test code (outside a handler) is
 * misuse and returns SH_ERR_STATE. */
const sh_driver *sim_loop_driver(const sim_loop *l, uint32_t node);
int sim_loop_stats_get(const sim_loop *l, uint32_t node,
                          sim_loop_stats *out) SH_WUR;
/* How many times `node` rejected an input with this reason (strcmp). */
uint64_t sim_loop_reject_count(const sim_loop *l, uint32_t node,
                                  const char *reason);

size_t sim_loop_result_count(const sim_loop *l);
/* NULL when i is out of range.  The record may move when more results
 * arrive (read it before stepping again); its data stays valid until
 * sim_loop_free. */
const sim_loop_result *sim_loop_result_at(const sim_loop *l, size_t i);
/* Count of results of `kind` delivered by `node` (UINT32_MAX: any node). */
size_t sim_loop_count_results(const sim_loop *l, uint32_t node, uint32_t kind);

/* The trace so far, NUL-terminated: "" unless cfg.keep_trace, NULL if it
 * could not be kept (out of memory).  Valid until the next loop call that
 * can run a handler or log. */
const char *sim_loop_trace(const sim_loop *l, size_t *len);

#endif
