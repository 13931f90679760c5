/* node/store.h -- a relay's persistent state in RocksDB.
 *
 * One RocksDB database per relay, with a column family (CF) per kind of
 * state (docs/storage.md lists what each holds and the key layouts):
 *
 *   "meta"         counters, schema version, what the daemon bookkeeps
 *   "identity"     the sealed key blob ("keys") and the public keys ("public")
 *   "peers"        relay descriptors learned through gossip
 *   "shares"       threshold key shares (encrypted by their owner module)
 *   "vaults"       vault state
 *   "transcripts"  round transcripts kept as evidence
 *   "replay.<e>"   the replay tags of onion-key epoch e (decimal), one CF
 *                  per epoch so that an expired epoch is dropped at once
 *
 * Write discipline: every state change is ONE node_batch committed with
 * node_store_commit, which writes a single RocksDB WriteBatch with sync=true
 * (the write-ahead log is fsynced before it returns).  A batch is atomic
 * across column families: after a crash (SIGKILL, power loss) either all of
 * its writes are present or none, and once commit has returned 0 the batch
 * survives.  The relay acts on a change (sends a message, acknowledges a
 * share) only after its commit returned 0.  tests/test_node_store_crash.c
 * kills a writer at random points to check this.
 *
 * The database is opened with create_if_missing, create_missing_column_
 * families, paranoid_checks, atomic_flush and point-in-time WAL recovery
 * (a torn WAL tail can only hold a write whose commit never returned).
 * RocksDB's LOCK file makes a second open of the same directory fail, in
 * this process or another, so two relays never share a database.
 *
 * Sizes: keys are 1..NODE_STORE_MAX_KEY bytes (SH_ERR_ARG for an empty or
 * NULL key, SH_ERR_OVERSIZE beyond), values 0..NODE_STORE_MAX_VALUE bytes.
 *
 * Not thread-safe: one thread at a time (the daemon is single-threaded).
 * RocksDB's own background threads are internal to it.
 */
#ifndef SHROUD_NODE_STORE_H
#define SHROUD_NODE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"
#include "mixnet/replay.h"

#define NODE_STORE_MAX_KEY 1024
#define NODE_STORE_MAX_VALUE ((size_t)16 << 20)   /* 16 MiB */
/* Bytes of keys and values one batch may carry (its ops are copied). */
#define NODE_BATCH_MAX_BYTES ((size_t)64 << 20)
/* Replay CFs held at once; a tag for one more epoch is refused with
 * SH_ERR_OVERSIZE (the mixnet drops the packet), as the in-memory store
 * does.  The keyring keeps two epochs live, so this is never reached
 * unless epochs are not dropped. */
#define NODE_STORE_MAX_REPLAY_EPOCHS 64

typedef enum node_cf {
    NODE_CF_META = 0,
    NODE_CF_IDENTITY,
    NODE_CF_PEERS,
    NODE_CF_SHARES,
    NODE_CF_VAULTS,
    NODE_CF_TRANSCRIPTS,
    NODE_CF_COUNT
} node_cf;

/* The CF's name ("meta", ...); NULL for a value out of range. */
const char *node_cf_name(node_cf cf);

typedef struct node_store node_store;

/* Open (creating if needed) the database in directory path.  A missing
 * directory is created with mode 0700 (its parent must exist); missing
 * fixed CFs are created; existing "replay.<epoch>" CFs are reopened.  An
 * existing database holding a CF of any other name is refused (it was not
 * written by this version).  On failure *out is NULL and err holds e.g.
 * "store: cannot open /x/db: <rocksdb message>" (plus a hint when the
 * directory is locked by another relay).  SH_ERR_ARG for NULL arguments,
 * SH_ERR_IO for OS and RocksDB failures, SH_ERR_FORMAT for an unknown CF,
 * SH_ERR_OVERSIZE for more than NODE_STORE_MAX_REPLAY_EPOCHS replay CFs,
 * SH_ERR_NOMEM. */
int node_store_open(node_store **out, const char *path, char *err, size_t errlen) SH_WUR;
/* Close the database and release everything; NULL-safe. */
void node_store_free(node_store *s);
/* Delete a closed database and its directory (rocksdb_destroy_db, then
 * rmdir): for undoing a relay directory that was never completed.  0 also
 * when there was nothing. */
int node_store_destroy(const char *path, char *err, size_t errlen) SH_WUR;
/* The directory given to node_store_open. */
const char *node_store_path(const node_store *s);

/* ---- batches -----------------------------------------------------------
 *
 * A batch records puts and deletes in memory (its buffer is wiped when
 * freed) and applies nothing until node_store_commit.  An op that is
 * refused (bad CF, NULL or oversize key/value, batch too large) returns
 * its error AND poisons the batch: its commit is then refused as a whole
 * with SH_ERR_STATE, so a half-built change can never be written by a
 * caller that ignored one failed op. */
typedef struct node_batch node_batch;

/* A new empty batch; NULL on allocation failure. */
node_batch *node_batch_new(void);
/* NULL-safe; wipes the recorded keys and values. */
void node_batch_free(node_batch *b);
int node_batch_put(node_batch *b, node_cf cf, const uint8_t *key, size_t klen,
                   const uint8_t *val, size_t vlen) SH_WUR;
int node_batch_delete(node_batch *b, node_cf cf, const uint8_t *key, size_t klen) SH_WUR;
/* Record replay tag `tag` of epoch in the same atomic write (CF
 * "replay.<epoch>", created at commit if missing; value empty). */
int node_batch_replay_put(node_batch *b, uint64_t epoch,
                          const uint8_t tag[MIX_REPLAY_TAG_BYTES]) SH_WUR;
/* Ops recorded (0 for NULL). */
size_t node_batch_count(const node_batch *b);
/* 1 if an op was refused and the batch can no longer be committed. */
int node_batch_poisoned(const node_batch *b);
/* Forget every op and clear the poison, for reuse. */
void node_batch_clear(node_batch *b);

/* Apply b atomically and durably: one WriteBatch, written with sync=true.
 * 0 means the change is on stable storage.  An empty batch commits
 * trivially.  SH_ERR_STATE for a poisoned batch (nothing is written),
 * SH_ERR_OVERSIZE when a replay epoch would exceed
 * NODE_STORE_MAX_REPLAY_EPOCHS, SH_ERR_IO with the RocksDB message in
 * err.  The batch is left as it was (free or clear it). */
int node_store_commit(node_store *s, node_batch *b, char *err, size_t errlen) SH_WUR;

/* Look key up in cf: 0 found (the value is appended to out), 1 not found,
 * negative on error (SH_ERR_ARG, SH_ERR_OVERSIZE if out's limit is too
 * small -- out unchanged, SH_ERR_IO). */
int node_store_get(node_store *s, node_cf cf, const uint8_t *key, size_t klen,
                   sh_buf *out) SH_WUR;

/* Call cb for every entry of cf in ascending byte order of keys.  cb
 * returns 0 to continue; a non-zero value stops the walk and is returned.
 * 0 after the last entry; SH_ERR_IO if RocksDB reports an error (a
 * checksum mismatch, for example). */
typedef int (*node_store_iter_fn)(void *arg, const uint8_t *key, size_t klen,
                                  const uint8_t *val, size_t vlen);
int node_store_iterate(node_store *s, node_cf cf, node_store_iter_fn cb, void *arg) SH_WUR;

/* One put / one delete as its own synced batch. */
int node_store_put1(node_store *s, node_cf cf, const uint8_t *k, size_t kl,
                    const uint8_t *v, size_t vl) SH_WUR;
int node_store_delete1(node_store *s, node_cf cf, const uint8_t *k, size_t kl) SH_WUR;

/* ---- replay tags ---------------------------------------------------------
 *
 * A mix_replay (mixnet/replay.h) backed by the store.  seen_or_add looks
 * the tag up in CF "replay.<epoch>" (creating the CF on first use) and,
 * if new, stores it with a synced put before returning 0, so a tag
 * reported new is never forgotten by a crash.  drop_epoch drops the whole
 * CF (rocksdb_drop_column_family, recorded in the MANIFEST): the epoch's
 * tags go at once and do not come back on reopen.  A new epoch beyond
 * NODE_STORE_MAX_REPLAY_EPOCHS is refused with SH_ERR_OVERSIZE.  The
 * mix_replay does not own the store: mix_replay_free leaves it open, and
 * the store must outlive it. */
int node_store_replay(node_store *s, mix_replay *out) SH_WUR;
/* Epochs that currently have a replay CF, ascending, into out[0..cap);
 * returns how many there are (which may exceed cap: only cap written). */
size_t node_store_replay_epochs(node_store *s, uint64_t *out, size_t cap);

/* ---- metrics ------------------------------------------------------------- */
typedef struct node_store_stats {
    uint64_t keys[NODE_CF_COUNT];       /* RocksDB's estimate of live keys */
    uint64_t sst_bytes[NODE_CF_COUNT];  /* total size of the CF's SST files */
    uint64_t mem_bytes[NODE_CF_COUNT];  /* its memtables */
    uint64_t replay_epochs;             /* replay CFs open */
    uint64_t replay_keys;               /* estimated tags over all of them */
    uint64_t commits;                   /* successful commits since open */
    uint64_t commit_errors;             /* commits refused or failed */
} node_store_stats;

/* Approximate sizes for metrics (estimates, cheap).  0, or SH_ERR_ARG. */
int node_store_stats_get(node_store *s, node_store_stats *st) SH_WUR;

#endif
