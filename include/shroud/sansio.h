/* include/shroud/sansio.h -- the sans-IO protocol interface.
 *
 * Every network protocol of shroud (DKG, beacon, gossip, batch agreement,
 * shuffle cascade, ...) is a state machine that performs no I/O of its own.
 * It is driven from outside through sh_proto_ops (inputs) and acts on the
 * world only through the sh_driver it was given at creation (outputs).  The
 * relay daemon (ZeroMQ + libevent) and the simulator (event queue + network
 * model) are two drivers of the very same state machines.  docs/sansio.md
 * explains the contract in full; the rules in brief:
 *
 *  - Peers are compact driver-assigned ids in [0, n_peers): for committee
 *    protocols id i is the i-th member of the committee (Shamir index i+1);
 *    the driver maps ids to identity keys (sh_drv_peer_key) and transport
 *    addresses.  A message handed to on_message really came from `from`
 *    (the transport authenticates it); its content is untrusted.
 *  - The network is unreliable: messages may be lost, delayed, reordered
 *    or duplicated.  Send never reports delivery.
 *  - Re-entrancy: a driver never calls into a protocol from inside a driver
 *    call.  Sends, timers and results are queued; a protocol may call any
 *    sh_drv_* function from any handler.  Handlers of one instance never run
 *    concurrently.
 *  - Ownership: the driver copies outgoing bytes before sh_drv_send /
 *    sh_drv_broadcast / sh_drv_deliver return; incoming bytes are valid only
 *    for the duration of the handler call.
 *  - Errors: a malformed or invalid message from a peer is reported with
 *    sh_drv_reject (a fixed reason string the daemon counts in metrics) and
 *    the handler returns 0; a negative return means a local failure (out of
 *    memory, a broken invariant), never a peer's fault.
 *  - Determinism: given the same constructor arguments, the same inputs in
 *    the same order with the same clock readings, the same RNG stream and
 *    the same driver return values, a protocol makes exactly the same
 *    driver calls.  No globals, threads, clocks, sockets or other RNGs.
 */
#ifndef SHROUD_SANSIO_H
#define SHROUD_SANSIO_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/log.h"
#include "util/rng.h"

/* A peer: an index into the instance's peer set [0, n_peers). */
typedef uint32_t sh_peer_id;
/* "No peer": the local node when it is not a member of the peer set, or a
 * rejected input that cannot be attributed to a peer. */
#define SH_PEER_NONE UINT32_MAX

/* A timer: issued by the driver, never 0, never reused by the same driver. */
typedef uint64_t sh_timer_id;
#define SH_TIMER_NONE 0

/* A peer's long-term identity key (Ed25519 public key in the daemon). */
#define SH_PEER_KEY_BYTES 32

/* ---- outputs: what a protocol may ask of its driver ----------------------
 *
 * Drivers implement these; protocols call them only through the sh_drv_*
 * functions below, which validate arguments first.  `ctx` is sh_driver.ctx.
 * Ops marked optional may be NULL.
 */
typedef struct sh_driver_ops {
    /* Queue a copy of msg[0..len) for peer `to`.  SH_ERR_ARG for an unknown
     * peer or self, SH_ERR_OVERSIZE above the transport's frame limit,
     * SH_ERR_STATE outside a handler, SH_ERR_NOMEM. */
    int (*send)(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len);
    /* Optional: send to every peer but self, in increasing id order.  NULL:
     * sh_drv_broadcast loops over send. */
    int (*broadcast)(void *ctx, const uint8_t *msg, size_t len);
    /* Arm a one-shot timer firing no earlier than now() + delay_ns; on_timer
     * receives *out and `tag` back.  SH_ERR_RANGE if the deadline
     * overflows, SH_ERR_STATE outside a handler, SH_ERR_NOMEM. */
    int (*timer_set)(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out);
    /* Disarm a timer.  After it returns the timer never fires, even if its
     * deadline has passed.  A no-op for SH_TIMER_NONE and for fired,
     * cancelled, unknown or other instances' timers. */
    void (*timer_cancel)(void *ctx, sh_timer_id id);
    /* Hand a result to the local application (kind is protocol-defined).
     * The application must not call back into the instance from here. */
    int (*deliver)(void *ctx, uint32_t kind, const uint8_t *data, size_t len);
    /* Count a rejected peer input.  `reason` is a string literal
     * ("dkg: bad share proof"): drivers may keep the pointer and use it as
     * a metrics label.  `code` is a negative sh_err. */
    void (*reject)(void *ctx, sh_peer_id from, int code, const char *reason);
    /* Monotonic nanoseconds (simulated time in the simulator).  Within a
     * handler it includes the CPU time charged so far. */
    uint64_t (*now)(void *ctx);
    /* Optional: nanoseconds since the UNIX epoch on the same time base, for
     * schedules all nodes agree on (epoch boundaries).  NULL: now(). */
    uint64_t (*wall)(void *ctx);
    /* Optional: account `ns` of simulated CPU time to this node (the
     * simulator's CPU model).  NULL: ignored (real drivers). */
    void (*charge)(void *ctx, uint64_t ns);
    /* Optional: the identity key of a peer.  NULL: SH_ERR_STATE. */
    int (*peer_key)(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES]);
} sh_driver_ops;

/* What a protocol instance is bound to for its whole life.  Owned by the
 * driver, which keeps it valid and unchanged until the instance is freed;
 * the protocol keeps the pointer it was given at creation. */
typedef struct sh_driver {
    const sh_driver_ops *ops;
    void *ctx;
    sh_rng *rng;          /* the instance's only source of randomness */
    const sh_log *log;    /* may be NULL: logging discarded */
    sh_peer_id self;      /* own id, or SH_PEER_NONE if not in the set */
    uint32_t n_peers;     /* size of the peer set, self included */
} sh_driver;

/* Protocol-side calls.  Each validates its arguments (SH_ERR_ARG) before
 * reaching the driver, so drivers see only well-formed requests. */
int sh_drv_send(const sh_driver *d, sh_peer_id to, const uint8_t *msg,
                size_t len) SH_WUR;
/* If the driver has no broadcast op, sends in id order and stops at the
 * first error (earlier peers then already have their copy). */
int sh_drv_broadcast(const sh_driver *d, const uint8_t *msg, size_t len) SH_WUR;
/* *out is SH_TIMER_NONE on failure. */
int sh_drv_timer_set(const sh_driver *d, uint64_t delay_ns, uint64_t tag,
                     sh_timer_id *out) SH_WUR;
void sh_drv_timer_cancel(const sh_driver *d, sh_timer_id id);
int sh_drv_deliver(const sh_driver *d, uint32_t kind, const uint8_t *data,
                   size_t len) SH_WUR;
/* Report a rejected input and return 0, so a handler can end with
 * `return sh_drv_reject(d, from, SH_ERR_TRUNCATED, "echo: short data");`.
 * A non-negative code is reported as SH_ERR_INTERNAL, a NULL reason as
 * "unspecified". */
int sh_drv_reject(const sh_driver *d, sh_peer_id from, int code,
                  const char *reason);
uint64_t sh_drv_now(const sh_driver *d);
uint64_t sh_drv_wall(const sh_driver *d);
void sh_drv_charge(const sh_driver *d, uint64_t ns);
int sh_drv_peer_key(const sh_driver *d, sh_peer_id peer,
                    uint8_t out[SH_PEER_KEY_BYTES]) SH_WUR;
/* Log through d->log (discarded when NULL). */
void sh_drv_log(const sh_driver *d, sh_log_level level, const char *module,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- inputs: how a driver feeds a protocol -------------------------------
 *
 * Each protocol exports one const sh_proto_ops table and a constructor of
 * its own, `int X_new(const X_cfg *cfg, const sh_driver *d, sh_proto *out)`,
 * which may read d->rng, the clock and log, but makes no other driver call
 * (effects start in `start`).  Handlers return 0, or a negative sh_err for
 * a local failure after which the instance is still consistent.
 */
typedef struct sh_proto_ops {
    const char *name;   /* short module tag, e.g. "dkg" */
    /* First input, exactly once, before any other. */
    int (*start)(void *self);
    /* A message from peer `from` (!= self, < n_peers); msg is read-only
     * and valid only during the call. */
    int (*on_message)(void *self, sh_peer_id from, const uint8_t *msg, size_t len);
    /* A timer set by this instance fired (optional if it sets none). */
    int (*on_timer)(void *self, sh_timer_id id, uint64_t tag);
    /* A request from the local application (optional).  Bad requests are
     * the caller's error and are returned, not rejected. */
    int (*on_request)(void *self, uint32_t kind, const uint8_t *data, size_t len);
    /* Graceful shutdown (optional): may send final messages and cancel
     * timers.  No input follows except free. */
    void (*stop)(void *self);
    /* Release everything; must not call the driver (the simulator frees
     * crashed nodes without stop).  Pending timers die with the instance. */
    void (*free)(void *self);
} sh_proto_ops;

/* A protocol instance as the driver holds it. */
typedef struct sh_proto {
    const sh_proto_ops *ops;
    void *self;
} sh_proto;

/* Driver-side calls.  They check arguments and optional handlers: a NULL
 * on_request gives SH_ERR_ARG, a NULL on_timer SH_ERR_STATE (a timer the
 * instance could not have set), a NULL stop is a no-op. */
int sh_proto_start(const sh_proto *p) SH_WUR;
int sh_proto_message(const sh_proto *p, sh_peer_id from, const uint8_t *msg,
                     size_t len) SH_WUR;
int sh_proto_timer(const sh_proto *p, sh_timer_id id, uint64_t tag) SH_WUR;
int sh_proto_request(const sh_proto *p, uint32_t kind, const uint8_t *data,
                     size_t len) SH_WUR;
void sh_proto_stop(const sh_proto *p);
/* Frees the instance and clears *p; NULL-safe and idempotent. */
void sh_proto_free(sh_proto *p);

#endif
