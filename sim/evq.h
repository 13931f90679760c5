/* sim/evq.h -- the engine's event queue: a calendar queue with exact
 * (time, key) order.  Internal to sim/engine.c (exposed for its tests).
 *
 * Simulated events are mostly near the present (link latencies, timeouts
 * of seconds), so a single heap over everything pays a cache miss per level
 * for nothing.  Instead time is cut into buckets of 2^SIM_EVQ_SHIFT ns
 * (~1 ms); a ring of SIM_EVQ_BUCKETS buckets covers the next ~16 s:
 *
 *   - bucket of the present and anything before it: a small 4-ary heap
 *     ("active"), ordered by (time, key);
 *   - buckets within the ring's horizon: unsorted arrays, appended to in
 *     O(1) and heapified when the present reaches them;
 *   - later events: an overflow 4-ary heap, moved into the ring as the
 *     horizon advances.
 *
 * Pops come out in exactly the (time, key) order of one global heap: keys
 * are unique, so the order is total and independent of the structure.
 */
#ifndef SHROUD_SIM_EVQ_H
#define SHROUD_SIM_EVQ_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define SIM_EVQ_SHIFT 20            /* bucket width 2^20 ns = 1.05 ms */
#define SIM_EVQ_BUCKETS 16384u      /* horizon ~17.2 s */

/* One event, 32 bytes; key = seq << 3 | type is unique per queue. */
typedef struct sim_ev {
    uint64_t time;
    uint64_t key;
    uint64_t ref;
    uint32_t node;
    uint32_t aux;
} sim_ev;

typedef struct sim_evheap {
    sim_ev *a;
    size_t n, cap;
} sim_evheap;

typedef struct sim_evq {
    sim_evheap active;              /* buckets <= cur */
    sim_evheap *ring;               /* SIM_EVQ_BUCKETS unsorted arrays */
    sim_evheap over;                /* beyond the horizon */
    uint64_t cur;                   /* absolute bucket of the active heap */
    size_t in_ring;
    size_t count;
} sim_evq;

int sim_evq_init(sim_evq *q) SH_WUR;
void sim_evq_destroy(sim_evq *q);
int sim_evq_push(sim_evq *q, const sim_ev *v) SH_WUR;
/* The smallest event (NULL if empty); may reorganise buckets. */
const sim_ev *sim_evq_peek(sim_evq *q);
/* Remove and return the smallest event; the queue must not be empty. */
sim_ev sim_evq_pop(sim_evq *q);
/* Time of the smallest event without reorganising (UINT64_MAX if empty). */
uint64_t sim_evq_min_time(const sim_evq *q);
/* Call fn on every queued event (any order). */
void sim_evq_each(const sim_evq *q, void (*fn)(const sim_ev *v, void *arg), void *arg);
size_t sim_evq_memory(const sim_evq *q);

#endif
