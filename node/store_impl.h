/* node/store_impl.h -- what store.c and store_replay.c share: the store's
 * layout and the replay column-family table.
 * Private to node/store*.c. */
#ifndef SHROUD_NODE_STORE_IMPL_H
#define SHROUD_NODE_STORE_IMPL_H

#include "node/store.h"

#include <rocksdb/c.h>

#define REPLAY_PREFIX "replay."

typedef struct replay_cf {
    uint64_t epoch;
    rocksdb_column_family_handle_t *h;
} replay_cf;

struct node_store {
    rocksdb_t *db;
    rocksdb_options_t *opts;
    rocksdb_writeoptions_t *wsync;
    rocksdb_readoptions_t *ropts;
    rocksdb_column_family_handle_t *dflt;
    rocksdb_column_family_handle_t *cf[NODE_CF_COUNT];
    replay_cf replay[NODE_STORE_MAX_REPLAY_EPOCHS];   /* sorted by epoch */
    size_t n_replay;
    char *path;
    uint64_t commits, commit_errors;
};

/* The index of epoch in s->replay, or where it would go; *found is set. */
size_t node_store_replay_find(const node_store *s, uint64_t epoch, int *found);
/* Record handle h as epoch's CF (SH_ERR_INTERNAL if present or full). */
int node_store_replay_insert(node_store *s, uint64_t epoch, rocksdb_column_family_handle_t *h);
/* The handle of epoch's replay CF: 0 (*h set), 1 absent when !create,
 * or an error (explained in err when err is not NULL). */
int node_store_replay_cf(node_store *s, uint64_t epoch, int create,
                         rocksdb_column_family_handle_t **h, char *err, size_t errlen);
/* Look key up in CF h: 0 found (value appended to out if out is not
 * NULL), 1 absent, SH_ERR_IO. */
int node_store_lookup(node_store *s, rocksdb_column_family_handle_t *h, const uint8_t *key,
                      size_t klen, sh_buf *out);

#endif
