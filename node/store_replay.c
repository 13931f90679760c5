/* node/store_replay.c -- the relay's replay tags in RocksDB: one column
 * family "replay.<epoch>" per onion-key epoch, so that dropping an epoch
 * is one drop_column_family instead of a scan (store.h, docs/storage.md). */
#include "node/store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- replay CF table ------------------------------------------------------- */

size_t node_store_replay_find(const node_store *s, uint64_t epoch, int *found)
{
    size_t lo = 0, hi = s->n_replay;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->replay[mid].epoch < epoch)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < s->n_replay && s->replay[lo].epoch == epoch;
    return lo;
}

int node_store_replay_insert(node_store *s, uint64_t epoch, rocksdb_column_family_handle_t *h)
{
    int found;
    size_t i = node_store_replay_find(s, epoch, &found);
    if (found || s->n_replay >= NODE_STORE_MAX_REPLAY_EPOCHS)
        return SH_ERR_INTERNAL;
    memmove(&s->replay[i + 1], &s->replay[i], (s->n_replay - i) * sizeof s->replay[0]);
    s->replay[i].epoch = epoch;
    s->replay[i].h = h;
    s->n_replay++;
    return 0;
}

/* The handle of epoch's replay CF, created if create is set. */
int node_store_replay_cf(node_store *s, uint64_t epoch, int create,
                         rocksdb_column_family_handle_t **h, char *err, size_t errlen)
{
    int found;
    size_t i = node_store_replay_find(s, epoch, &found);
    if (found) {
        *h = s->replay[i].h;
        return 0;
    }
    *h = NULL;
    if (!create)
        return 1;
    if (s->n_replay >= NODE_STORE_MAX_REPLAY_EPOCHS) {
        sh_errf(err, errlen, "store: %zu replay epochs are open already (limit %d); "
               "refusing epoch %" PRIu64, s->n_replay, NODE_STORE_MAX_REPLAY_EPOCHS, epoch);
        return SH_ERR_OVERSIZE;
    }
    char name[sizeof REPLAY_PREFIX + 21];
    snprintf(name, sizeof name, REPLAY_PREFIX "%" PRIu64, epoch);
    char *e = NULL;
    rocksdb_column_family_handle_t *nh = rocksdb_create_column_family(s->db, s->opts, name, &e);
    if (e != NULL) {
        sh_errf(err, errlen, "store: cannot create column family %s in %s: %s", name, s->path, e);
        rocksdb_free(e);
        if (nh != NULL)
            rocksdb_column_family_handle_destroy(nh);
        return SH_ERR_IO;
    }
    if (nh == NULL) {
        sh_errf(err, errlen, "store: cannot create column family %s: out of memory", name);
        return SH_ERR_NOMEM;
    }
    int rc = node_store_replay_insert(s, epoch, nh);
    if (rc != 0) {
        rocksdb_column_family_handle_destroy(nh);
        return rc;
    }
    *h = nh;
    return 0;
}

/* ---- replay backend --------------------------------------------------------- */

static int replay_seen_or_add(void *self, uint64_t epoch, const uint8_t tag[MIX_REPLAY_TAG_BYTES])
{
    node_store *s = self;
    rocksdb_column_family_handle_t *h;
    int rc = node_store_replay_cf(s, epoch, 1, &h, NULL, 0);
    if (rc != 0)
        return rc;
    rc = node_store_lookup(s, h, tag, MIX_REPLAY_TAG_BYTES, NULL);
    if (rc == 0)
        return 1;    /* seen before: a replay */
    if (rc < 0)
        return rc;
    char *e = NULL;
    rocksdb_put_cf(s->db, s->wsync, h, (const char *)tag, MIX_REPLAY_TAG_BYTES, "", 0, &e);
    if (e != NULL) {
        rocksdb_free(e);
        return SH_ERR_IO;
    }
    return 0;
}

static int replay_drop_epoch(void *self, uint64_t epoch)
{
    node_store *s = self;
    int found;
    size_t i = node_store_replay_find(s, epoch, &found);
    if (!found)
        return 0;
    char *e = NULL;
    rocksdb_drop_column_family(s->db, s->replay[i].h, &e);
    if (e != NULL) {
        rocksdb_free(e);
        return SH_ERR_IO;
    }
    rocksdb_column_family_handle_destroy(s->replay[i].h);
    memmove(&s->replay[i], &s->replay[i + 1], (s->n_replay - i - 1) * sizeof s->replay[0]);
    s->n_replay--;
    return 0;
}

static const mix_replay_ops store_replay_ops = {
    .seen_or_add = replay_seen_or_add,
    .drop_epoch = replay_drop_epoch,
    .destroy = NULL,   /* the store belongs to the daemon, not the mixnet */
};

int node_store_replay(node_store *s, mix_replay *out)
{
    if (s == NULL || out == NULL)
        return SH_ERR_ARG;
    out->ops = &store_replay_ops;
    out->self = s;
    return 0;
}

size_t node_store_replay_epochs(node_store *s, uint64_t *out, size_t cap)
{
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < s->n_replay && i < cap && out != NULL; i++)
        out[i] = s->replay[i].epoch;
    return s->n_replay;
}
