/* sim/engine_impl.h -- the engine's internal types, shared by
 * sim/engine.c (queue, driver, lifecycle, running) and sim/engine_control.c
 * (external inputs, faults, inspection).  Not a public interface. */
#ifndef SHROUD_SIM_ENGINE_IMPL_H
#define SHROUD_SIM_ENGINE_IMPL_H

#include <stdlib.h>
#include "sim/engine.h"
#include "sim/evq.h"
#include "sim/net.h"


#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PREFETCH(p) __builtin_prefetch((p), 0, 3)
#define PREFETCHW(p) __builtin_prefetch((p), 1, 3)

enum { EV_START = 0, EV_MSG = 1, EV_TIMER = 2, EV_REQUEST = 3, EV_CTRL = 4 };
enum { TS_FREE = 0, TS_PENDING = 1, TS_CANCELLED = 2 };

typedef sim_ev sev;

/* Message bytes shared by every queued copy. */
typedef struct spay {
    uint32_t refs;
    uint32_t len;
    uint8_t data[];
} spay;

typedef struct tslot {
    uint64_t tag;
    uint32_t gen;        /* high half of the timer id */
    uint32_t node;       /* owner; next free slot while TS_FREE */
    uint32_t inc;        /* owner's incarnation */
    uint32_t state;
} tslot;

typedef struct cslot {
    sim_ctrl_fn fn;
    void *arg;           /* next free slot index (as uintptr) while free */
} cslot;

/* A node: two cache lines, 128-byte aligned.  `up` and `inc` and the
 * counters an event bumps share the second line; sim_node_stats is
 * assembled from these and the cold array on demand. */
typedef struct enode {
    /* line 1: what every event reads */
    sh_driver drv;       /* drv.ctx == this enode, drv.self == its index */
    sh_proto proto;
    uint64_t busy_until; /* CPU model: end of the last handler's charge */
    /* line 2: per-event state and counters */
    uint32_t inc;        /* instances created so far; current is inc - 1 */
    uint32_t up;
    uint64_t sent, bytes_sent, received, bytes_received, timers_fired, results, cpu_ns;
} enode;

_Static_assert(sizeof(enode) == 128, "enode must be two cache lines");

/* Rarely bumped per-node counters (and the sim_node_stats snapshot). */
typedef struct ncold {
    sim_node_stats st;   /* lost, dropped_down, rejects, handler_errors, misuse live here */
} ncold;

/* Payload slab pool: blocks of (class + 1) * 16 bytes up to 512, then 1, 2,
 * 4, 8 KiB; bigger payloads are malloc'ed. */
#define PAY_SMALL 32
#define PAY_CLASSES (PAY_SMALL + 4)
#define PAY_MAX_POOLED 8192u
#define PAY_CHUNK ((size_t)64 << 10)

typedef struct pfree { struct pfree *next; } pfree;
typedef struct pchunk { struct pchunk *next; } pchunk;

typedef struct ppool {
    pfree *free[PAY_CLASSES];
    uint8_t *bump[PAY_CLASSES], *end[PAY_CLASSES];
    pchunk *chunks;
    size_t bytes;        /* chunk bytes held */
} ppool;

struct sim_engine {
    sim_engine_cfg cfg;
    enode *nodes;        /* nodes[-1] is the header: its drv.ctx is the engine */
    enode *node_block;   /* the allocation (header first) */
    ncold *cold;
    uint32_t n_up;
    sim_evq q;
    uint64_t seq;
    uint64_t now;
    tslot *timers;
    uint32_t n_timers, cap_timers, free_timer;   /* free list head, UINT32_MAX: none */
    cslot *ctrls;
    uint32_t n_ctrls, cap_ctrls, free_ctrl;
    enode *cur;          /* node whose handler runs, or NULL */
    uint64_t t0;         /* start of the running handler */
    uint64_t charged;    /* CPU charged so far in it */
    int stepping;        /* inside step (handlers and control callbacks) */
    sh_log plog;         /* prefixing logger handed to protocols */
    ppool pool;
    sim_engine_totals tot;
};

static inline sim_engine *eng_of(const enode *n)
{
    return (sim_engine *)(n - n->drv.self - 1)->drv.ctx;
}

static inline ncold *cold_of(sim_engine *e, const enode *n)
{
    return &e->cold[n->drv.self];
}

/* A payload block holding a copy of src[0..len), refcount 1; NULL when out
 * of memory. */
spay *sim_eng_pay_new(sim_engine *e, const uint8_t *src, size_t len);
/* (Re)create node n's protocol instance, its start queued at `at`. */
int sim_eng_node_create(sim_engine *e, enode *n, uint64_t at);
/* Free node n's instance (its pending timers and inputs are then ignored). */
void sim_eng_node_free_instance(sim_engine *e, enode *n);

/* ---- hot-path helpers, inline in both files ---- */

/* The payload size class of a block of `bytes`, and its size. */
static inline unsigned pay_class(size_t bytes)
{
    if (bytes <= 16 * PAY_SMALL)
        return (unsigned)((bytes + 15) >> 4) - 1;
    unsigned lg = 64u - (unsigned)__builtin_clzll((unsigned long long)bytes - 1);  /* ceil log2 */
    return PAY_SMALL + lg - 10;
}

static inline size_t class_bytes(unsigned c)
{
    return c < PAY_SMALL ? ((size_t)c + 1) << 4 : (size_t)1 << (c - PAY_SMALL + 10);
}

/* Drop one reference to a payload block; it returns to its pool at zero. */
static inline void sim_eng_pay_release(sim_engine *e, spay *b)
{
    if (b == NULL || --b->refs != 0)
        return;
    size_t bytes = sizeof(spay) + (b->len ? b->len : 1);
    if (bytes > PAY_MAX_POOLED) {
        free(b);
        return;
    }
    unsigned c = pay_class(bytes);
    pfree *f = (pfree *)(void *)b;
    f->next = e->pool.free[c];
    e->pool.free[c] = f;
    POISON((uint8_t *)f + sizeof *f, class_bytes(c) - sizeof *f);
}

/* Queue an event of `type`, stamped with the next sequence number. */
static inline int sim_eng_heap_push(sim_engine *e, uint64_t time, unsigned type, uint32_t node,
                     uint32_t aux, uint64_t ref)
{
    sev v = { time, (e->seq << 3) | type, ref, node, aux };
    int rc = sim_evq_push(&e->q, &v);
    if (rc != 0)
        return rc;
    e->seq++;
    if (e->q.count > e->tot.peak_pending)
        e->tot.peak_pending = e->q.count;
    return 0;
}

#endif
