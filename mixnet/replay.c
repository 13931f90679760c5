/* mixnet/replay.c -- the replay-store interface and its bounded in-memory
 * implementation (replay.h). */
#include "mixnet/replay.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

int mix_replay_seen_or_add(mix_replay *r, uint64_t epoch,
                           const uint8_t tag[MIX_REPLAY_TAG_BYTES])
{
    if (r == NULL || r->ops == NULL || r->ops->seen_or_add == NULL || tag == NULL)
        return SH_ERR_ARG;
    return r->ops->seen_or_add(r->self, epoch, tag);
}

int mix_replay_drop_epoch(mix_replay *r, uint64_t epoch)
{
    if (r == NULL || r->ops == NULL || r->ops->drop_epoch == NULL)
        return SH_ERR_ARG;
    return r->ops->drop_epoch(r->self, epoch);
}

void mix_replay_free(mix_replay *r)
{
    if (r == NULL)
        return;
    if (r->ops != NULL && r->ops->destroy != NULL)
        r->ops->destroy(r->self);
    r->ops = NULL;
    r->self = NULL;
}

/* ---- in-memory store ------------------------------------------------------ */

typedef struct mem_table {
    int used;
    uint64_t epoch;
    size_t count;
} mem_table;

typedef struct mem_store {
    size_t max_epochs, per_epoch, slots;   /* slots per table, a power of two */
    mem_table tables[MIX_REPLAY_MEM_MAX_EPOCHS];
    uint8_t (*tags)[MIX_REPLAY_TAG_BYTES]; /* max_epochs * slots */
    uint8_t *occupied;                     /* bitmap, max_epochs * slots bits */
    uint8_t key[crypto_shorthash_KEYBYTES];
    mix_replay_stats st;
} mem_store;

static size_t slots_for(size_t per_epoch)
{
    size_t s = 1;
    while (s < 2 * per_epoch)
        s <<= 1;
    return s;
}

size_t mix_replay_mem_footprint(size_t max_epochs, size_t per_epoch)
{
    if (max_epochs < 1 || max_epochs > MIX_REPLAY_MEM_MAX_EPOCHS || per_epoch < 1
        || per_epoch > MIX_REPLAY_MEM_MAX_PER_EPOCH)
        return 0;
    size_t slots = slots_for(per_epoch);
    return sizeof(mem_store) + max_epochs * slots * MIX_REPLAY_TAG_BYTES
           + (max_epochs * slots + 7) / 8;
}

static int bit_get(const mem_store *m, size_t i)
{
    return (m->occupied[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(mem_store *m, size_t i)
{
    m->occupied[i >> 3] = (uint8_t)(m->occupied[i >> 3] | (1u << (i & 7)));
}

static size_t bucket(const mem_store *m, const uint8_t tag[MIX_REPLAY_TAG_BYTES])
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, tag, MIX_REPLAY_TAG_BYTES, m->key);
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v |= (uint64_t)h[i] << (8 * i);
    return (size_t)(v & (m->slots - 1));
}

static mem_table *find_table(mem_store *m, uint64_t epoch, size_t *idx)
{
    for (size_t t = 0; t < m->max_epochs; t++) {
        if (m->tables[t].used && m->tables[t].epoch == epoch) {
            *idx = t;
            return &m->tables[t];
        }
    }
    return NULL;
}

static int mem_seen_or_add(void *self, uint64_t epoch, const uint8_t tag[MIX_REPLAY_TAG_BYTES])
{
    mem_store *m = self;
    size_t t = 0;
    mem_table *tb = find_table(m, epoch, &t);
    if (tb == NULL) {
        for (t = 0; t < m->max_epochs && m->tables[t].used; t++)
            ;
        if (t == m->max_epochs) {
            m->st.refused++;
            return SH_ERR_OVERSIZE;
        }
        tb = &m->tables[t];
        tb->used = 1;
        tb->epoch = epoch;
        tb->count = 0;
        m->st.epochs++;
    }
    size_t base = t * m->slots, i = bucket(m, tag);
    /* Linear probing; load <= 1/2, so an empty slot is always found. */
    for (;;) {
        if (!bit_get(m, base + i))
            break;
        if (sodium_memcmp(m->tags[base + i], tag, MIX_REPLAY_TAG_BYTES) == 0) {
            m->st.replays++;
            return 1;
        }
        i = (i + 1) & (m->slots - 1);
    }
    if (tb->count >= m->per_epoch) {
        m->st.refused++;
        return SH_ERR_OVERSIZE;
    }
    memcpy(m->tags[base + i], tag, MIX_REPLAY_TAG_BYTES);
    bit_set(m, base + i);
    tb->count++;
    m->st.added++;
    m->st.entries++;
    return 0;
}

static int mem_drop_epoch(void *self, uint64_t epoch)
{
    mem_store *m = self;
    size_t t = 0;
    mem_table *tb = find_table(m, epoch, &t);
    if (tb == NULL)
        return 0;
    size_t base = t * m->slots;
    sodium_memzero(m->tags[base], m->slots * MIX_REPLAY_TAG_BYTES);
    for (size_t i = 0; i < m->slots; i++)
        m->occupied[(base + i) >> 3] &= (uint8_t)~(1u << ((base + i) & 7));
    m->st.entries -= tb->count;
    m->st.epochs--;
    m->st.dropped_epochs++;
    memset(tb, 0, sizeof *tb);
    return 0;
}

static void mem_destroy(void *self)
{
    mem_store *m = self;
    if (m == NULL)
        return;
    sodium_memzero(m->tags, m->max_epochs * m->slots * MIX_REPLAY_TAG_BYTES);
    free(m->tags);
    free(m->occupied);
    sodium_memzero(m, sizeof *m);
    free(m);
}

static const mix_replay_ops MEM_OPS = { mem_seen_or_add, mem_drop_epoch, mem_destroy };

int mix_replay_mem_new(mix_replay *out, size_t max_epochs, size_t per_epoch, sh_rng *rng)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (rng == NULL || mix_replay_mem_footprint(max_epochs, per_epoch) == 0)
        return SH_ERR_ARG;
    mem_store *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SH_ERR_NOMEM;
    m->max_epochs = max_epochs;
    m->per_epoch = per_epoch;
    m->slots = slots_for(per_epoch);
    m->tags = calloc(max_epochs * m->slots, MIX_REPLAY_TAG_BYTES);
    m->occupied = calloc((max_epochs * m->slots + 7) / 8, 1);
    if (m->tags == NULL || m->occupied == NULL) {
        free(m->tags);
        free(m->occupied);
        free(m);
        return SH_ERR_NOMEM;
    }
    sh_rng_bytes(rng, m->key, sizeof m->key);
    out->ops = &MEM_OPS;
    out->self = m;
    return 0;
}

int mix_replay_mem_stats(const mix_replay *r, mix_replay_stats *st)
{
    if (r == NULL || st == NULL || r->ops != &MEM_OPS || r->self == NULL)
        return SH_ERR_ARG;
    *st = ((const mem_store *)r->self)->st;
    return 0;
}
