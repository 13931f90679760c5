/* sim/evq.c -- calendar event queue (see evq.h). */
#include "sim/evq.h"

#include <stdlib.h>
#include <string.h>

static inline int less(const sim_ev *a, const sim_ev *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static int reserve(sim_evheap *h)
{
    if (h->n < h->cap)
        return 0;
    size_t ncap = h->cap ? h->cap * 2 : 8;
    sim_ev *a = realloc(h->a, ncap * sizeof *a);
    if (a == NULL)
        return SH_ERR_NOMEM;
    h->a = a;
    h->cap = ncap;
    return 0;
}

static void sift_up(sim_ev *a, size_t i, sim_ev v)
{
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!less(&v, &a[p]))
            break;
        a[i] = a[p];
        i = p;
    }
    a[i] = v;
}

static void sift_down(sim_ev *a, size_t n, size_t i, sim_ev v)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t m = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (less(&a[k], &a[m]))
                m = k;
        if (!less(&a[m], &v))
            break;
        a[i] = a[m];
        i = m;
    }
    a[i] = v;
}

static int heap_push(sim_evheap *h, const sim_ev *v)
{
    if (reserve(h) != 0)
        return SH_ERR_NOMEM;
    sift_up(h->a, h->n++, *v);
    return 0;
}

static sim_ev heap_pop(sim_evheap *h)
{
    sim_ev top = h->a[0];
    sim_ev last = h->a[--h->n];
    if (h->n > 0)
        sift_down(h->a, h->n, 0, last);
    return top;
}

static void heapify(sim_evheap *h)
{
    if (h->n < 2)
        return;
    for (size_t i = (h->n - 2) / 4 + 1; i-- > 0;)
        sift_down(h->a, h->n, i, h->a[i]);
}

int sim_evq_init(sim_evq *q)
{
    memset(q, 0, sizeof *q);
    q->ring = calloc(SIM_EVQ_BUCKETS, sizeof *q->ring);
    return q->ring ? 0 : SH_ERR_NOMEM;
}

void sim_evq_destroy(sim_evq *q)
{
    if (q->ring != NULL)
        for (size_t i = 0; i < SIM_EVQ_BUCKETS; i++)
            free(q->ring[i].a);
    free(q->ring);
    free(q->active.a);
    free(q->over.a);
    memset(q, 0, sizeof *q);
}

/* Place v by its bucket relative to the present. */
static int place(sim_evq *q, const sim_ev *v)
{
    uint64_t b = v->time >> SIM_EVQ_SHIFT;
    if (b <= q->cur)
        return heap_push(&q->active, v);
    if (b - q->cur < SIM_EVQ_BUCKETS) {
        sim_evheap *r = &q->ring[b & (SIM_EVQ_BUCKETS - 1)];
        if (reserve(r) != 0)
            return SH_ERR_NOMEM;
        r->a[r->n++] = *v;
        q->in_ring++;
        return 0;
    }
    return heap_push(&q->over, v);
}

int sim_evq_push(sim_evq *q, const sim_ev *v)
{
    int rc = place(q, v);
    if (rc == 0)
        q->count++;
    return rc;
}

/* Make the active heap hold the smallest event, if there is one. */
static void advance(sim_evq *q)
{
    while (q->active.n == 0 && (q->in_ring > 0 || q->over.n > 0)) {
        if (q->in_ring == 0) {
            /* jump straight to the overflow's first bucket */
            q->cur = (q->over.a[0].time >> SIM_EVQ_SHIFT) - 1;
        }
        q->cur++;
        /* the horizon moved: pull in overflow events now within it; a
         * failure to grow a bucket leaves them in the overflow heap, which
         * is still correct (only slower) because we re-check below */
        while (q->over.n > 0 &&
               (q->over.a[0].time >> SIM_EVQ_SHIFT) - q->cur < SIM_EVQ_BUCKETS) {
            sim_ev v = q->over.a[0];
            uint64_t b = v.time >> SIM_EVQ_SHIFT;
            sim_evheap *r = b <= q->cur ? &q->active : &q->ring[b & (SIM_EVQ_BUCKETS - 1)];
            if (reserve(r) != 0)
                break;
            (void)heap_pop(&q->over);
            if (r == &q->active) {
                sift_up(r->a, r->n++, v);
            } else {
                r->a[r->n++] = v;
                q->in_ring++;
            }
        }
        sim_evheap *r = &q->ring[q->cur & (SIM_EVQ_BUCKETS - 1)];
        if (r->n > 0) {
            sim_evheap t = q->active;   /* empty: swap storage */
            q->in_ring -= r->n;
            q->active = *r;
            *r = t;
            r->n = 0;
            heapify(&q->active);
        }
        /* an overflow event that could not be moved is the minimum only
         * if nothing else is left; take it directly */
        if (q->active.n == 0 && q->in_ring == 0 && q->over.n > 0 &&
            (q->over.a[0].time >> SIM_EVQ_SHIFT) <= q->cur) {
            sim_ev v = heap_pop(&q->over);
            if (heap_push(&q->active, &v) != 0) {
                (void)heap_push(&q->over, &v);   /* cannot fail: slot free */
                return;
            }
        }
    }
}

const sim_ev *sim_evq_peek(sim_evq *q)
{
    if (q->count == 0)
        return NULL;
    advance(q);
    if (q->active.n == 0)
        return q->over.n ? &q->over.a[0] : NULL;
    /* an un-movable overflow event can only be later than the active min */
    return &q->active.a[0];
}

sim_ev sim_evq_pop(sim_evq *q)
{
    advance(q);
    q->count--;
    if (q->active.n == 0)
        return heap_pop(&q->over);
    return heap_pop(&q->active);
}

uint64_t sim_evq_min_time(const sim_evq *q)
{
    if (q->count == 0)
        return UINT64_MAX;
    if (q->active.n > 0)
        return q->active.a[0].time;
    uint64_t best = q->over.n ? q->over.a[0].time : UINT64_MAX;
    for (uint64_t b = q->cur + 1; q->in_ring > 0 && b < q->cur + SIM_EVQ_BUCKETS; b++) {
        const sim_evheap *r = &q->ring[b & (SIM_EVQ_BUCKETS - 1)];
        if (r->n == 0)
            continue;
        for (size_t i = 0; i < r->n; i++)
            if (r->a[i].time < best)
                best = r->a[i].time;
        break;
    }
    return best;
}

void sim_evq_each(const sim_evq *q, void (*fn)(const sim_ev *v, void *arg), void *arg)
{
    for (size_t i = 0; i < q->active.n; i++)
        fn(&q->active.a[i], arg);
    for (size_t i = 0; i < q->over.n; i++)
        fn(&q->over.a[i], arg);
    for (size_t b = 0; q->ring != NULL && b < SIM_EVQ_BUCKETS; b++)
        for (size_t i = 0; i < q->ring[b].n; i++)
            fn(&q->ring[b].a[i], arg);
}

size_t sim_evq_memory(const sim_evq *q)
{
    size_t m = SIM_EVQ_BUCKETS * sizeof *q->ring +
               (q->active.cap + q->over.cap) * sizeof(sim_ev);
    for (size_t b = 0; q->ring != NULL && b < SIM_EVQ_BUCKETS; b++)
        m += q->ring[b].cap * sizeof(sim_ev);
    return m;
}
