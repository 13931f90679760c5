/* mixnet/replay.h -- replay protection: a tag for every peeled packet,
 * remembered per onion-key epoch.
 *
 * The tag of a packet is HMAC-SHA256(key = "replay", ss) of its shared
 * secret (mixnet/onion.h): the same packet always gives the same tag, and
 * nobody but the sender and this relay can compute it.  A relay keeps the
 * tags of every epoch whose onion key it still holds; when a key is erased
 * (mixnet/keyring.h) its epoch's tags are dropped too, since a packet for
 * that key can no longer be peeled.
 *
 * The store is an interface: the relay daemon backs it with RocksDB (a
 * column family per epoch, dropped with the key), the tests and the
 * simulator with the bounded in-memory store below.  Implementations must
 * be deterministic (sans-IO rules: no clock, no global state).
 */
#ifndef SHROUD_MIXNET_REPLAY_H
#define SHROUD_MIXNET_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/rng.h"

#define MIX_REPLAY_TAG_BYTES 32

typedef struct mix_replay_ops {
    /* Look tag up under epoch and remember it if new: 0 the tag was new
     * (now stored), 1 it was seen before (a replay), negative on failure
     * (SH_ERR_OVERSIZE: the store is full and refuses new tags; the packet
     * must then be dropped, never forwarded unchecked). */
    int (*seen_or_add)(void *self, uint64_t epoch, const uint8_t tag[MIX_REPLAY_TAG_BYTES]);
    /* Forget every tag of epoch (0 also when there was none). */
    int (*drop_epoch)(void *self, uint64_t epoch);
    /* Release the store (may be NULL). */
    void (*destroy)(void *self);
} mix_replay_ops;

typedef struct mix_replay {
    const mix_replay_ops *ops;
    void *self;
} mix_replay;

int mix_replay_seen_or_add(mix_replay *r, uint64_t epoch,
                           const uint8_t tag[MIX_REPLAY_TAG_BYTES]) SH_WUR;
int mix_replay_drop_epoch(mix_replay *r, uint64_t epoch) SH_WUR;
/* Releases the store and clears *r; NULL-safe and idempotent. */
void mix_replay_free(mix_replay *r);

/* ---- the in-memory store --------------------------------------------------
 *
 * Footprint fixed at creation: max_epochs tables, each with room for
 * per_epoch tags (open addressing at load <= 1/2: 2*per_epoch rounded up
 * to a power of two, 32 bytes a slot, plus a bitmap), allocated up front;
 * mix_replay_mem_footprint() gives the bytes.  Nothing is allocated later.
 *
 * Policy when full: REFUSAL, never eviction.  A tag beyond per_epoch for an
 * epoch, or a tag for a new epoch when all max_epochs tables are in use,
 * gets SH_ERR_OVERSIZE and is counted in `refused`; the relay drops the
 * packet.  (Evicting would let an evicted packet be replayed.)  Size it for
 * the epoch's expected traffic: max_epochs = 2 covers the current key and
 * the previous one during the grace period.
 *
 * Bucket indices are SipHash-2-4 (crypto_shorthash) of the tag under a key
 * drawn from rng at creation, so that a sender who knows its packets' tags
 * cannot aim them at one bucket.
 */
typedef struct mix_replay_stats {
    uint64_t added;          /* new tags stored */
    uint64_t replays;        /* seen_or_add calls that found the tag: drops */
    uint64_t refused;        /* tags refused because a table was full */
    uint64_t dropped_epochs; /* drop_epoch calls that freed a table */
    uint64_t entries;        /* tags held now */
    uint64_t epochs;         /* tables in use now */
} mix_replay_stats;

#define MIX_REPLAY_MEM_MAX_EPOCHS 16
#define MIX_REPLAY_MEM_MAX_PER_EPOCH (1u << 24)

/* SH_ERR_ARG for max_epochs outside 1..MIX_REPLAY_MEM_MAX_EPOCHS or
 * per_epoch outside 1..MIX_REPLAY_MEM_MAX_PER_EPOCH; SH_ERR_NOMEM. */
int mix_replay_mem_new(mix_replay *out, size_t max_epochs, size_t per_epoch,
                       sh_rng *rng) SH_WUR;
/* Bytes a store with these parameters allocates (0 for invalid ones). */
size_t mix_replay_mem_footprint(size_t max_epochs, size_t per_epoch);
/* Counters of an in-memory store; SH_ERR_ARG if r is another kind. */
int mix_replay_mem_stats(const mix_replay *r, mix_replay_stats *st) SH_WUR;

#endif
