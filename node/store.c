/* node/store.c -- RocksDB storage of a relay: open/close, batches, reads,
 * iteration and metrics (store.h); the replay-tag column families are in
 * store_replay.c. */
#include "node/store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rocksdb/c.h>
#include "util/fs.h"

static const char *const cf_names[NODE_CF_COUNT] = {
    "meta", "identity", "peers", "shares", "vaults", "transcripts",
};

#define CF_REPLAY 0xffu           /* the cf byte of a replay op in a batch */
#define CF_BAD 0x100u             /* an out-of-range node_cf, refused */
#define OP_PUT 1u
#define OP_DEL 2u

/* A batch records each op as this header (in memory only, so in native
 * layout, copied with memcpy) followed by the key and the value. */
typedef struct op_hdr {
    uint64_t epoch;    /* of a CF_REPLAY op */
    uint32_t klen, vlen;
    uint8_t op, cf;
} op_hdr;

struct node_batch {
    sh_buf ops;
    size_t count;
    int poisoned;
};

const char *node_cf_name(node_cf cf)
{
    return ((unsigned)cf < NODE_CF_COUNT) ? cf_names[cf] : NULL;
}

const char *node_store_path(const node_store *s)
{
    return s != NULL ? s->path : NULL;
}

/* "replay.<decimal>" with no sign, no leading zero (except "0") and no
 * overflow: one name per epoch, so that a CF cannot be opened twice under
 * two spellings. */
static int parse_replay_name(const char *name, uint64_t *epoch)
{
    size_t plen = strlen(REPLAY_PREFIX);
    if (strncmp(name, REPLAY_PREFIX, plen) != 0)
        return -1;
    const char *d = name + plen;
    size_t n = strlen(d);
    if (n == 0 || n > 20 || (n > 1 && d[0] == '0'))
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        uint64_t digit = (uint64_t)(d[i] - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *epoch = v;
    return 0;
}

/* ---- open / close ----------------------------------------------------------- */

static int ensure_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0700) == 0) {
        (void)sh_fsync_parent(path);   /* best effort: the new entry made durable */
        return 0;
    }
    int e = errno;
    struct stat st;
    if (e == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        sh_errf(err, errlen, "store: %s exists and is not a directory", path);
        return SH_ERR_IO;
    }
    sh_errf(err, errlen, "store: cannot create directory %s: %s", path, strerror(e));
    return SH_ERR_IO;
}

static int db_exists(const char *path, int *exists, char *err, size_t errlen)
{
    size_t n = strlen(path) + sizeof "/CURRENT";
    char *cur = malloc(n);
    if (cur == NULL)
        return SH_ERR_NOMEM;
    snprintf(cur, n, "%s/CURRENT", path);
    struct stat st;
    int rc = 0;
    if (lstat(cur, &st) == 0)
        *exists = 1;
    else if (errno == ENOENT)
        *exists = 0;
    else {
        sh_errf(err, errlen, "store: cannot stat %s: %s", cur, strerror(errno));
        rc = SH_ERR_IO;
    }
    free(cur);
    return rc;
}

static rocksdb_options_t *make_options(void)
{
    rocksdb_options_t *o = rocksdb_options_create();
    if (o == NULL)
        return NULL;
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_create_missing_column_families(o, 1);
    /* Refuse to run on a database with detected corruption rather than
     * serve (or build on) damaged state. */
    rocksdb_options_set_paranoid_checks(o, 1);
    /* Flush every CF together, so SST files never hold one half of a
     * multi-CF batch without the other, even if the WAL were lost. */
    rocksdb_options_set_atomic_flush(o, 1);
    /* Replay the WAL up to the first damaged record: after a crash only a
     * write whose commit had not returned can be torn. */
    rocksdb_options_set_wal_recovery_mode(o, rocksdb_point_in_time_recovery);
    /* A relay's state is small; bound memtables and RocksDB's info log. */
    rocksdb_options_set_write_buffer_size(o, (size_t)4 << 20);
    rocksdb_options_set_db_write_buffer_size(o, (size_t)64 << 20);
    rocksdb_options_set_keep_log_file_num(o, 4);
    rocksdb_options_set_max_log_file_size(o, (size_t)4 << 20);
    return o;
}

/* The CF list of an existing database, checked: every name must be
 * "default", a fixed CF or a replay CF. */
static int list_existing(node_store *s, char ***names, size_t *n, char *err, size_t errlen)
{
    char *e = NULL;
    *names = rocksdb_list_column_families(s->opts, s->path, n, &e);
    if (e != NULL) {
        sh_errf(err, errlen, "store: cannot open %s: %s", s->path, e);
        rocksdb_free(e);
        if (*names != NULL)
            rocksdb_list_column_families_destroy(*names, *n);
        *names = NULL;
        return SH_ERR_IO;
    }
    for (size_t i = 0; i < *n; i++) {
        const char *nm = (*names)[i];
        uint64_t ep;
        int known = strcmp(nm, "default") == 0 || parse_replay_name(nm, &ep) == 0;
        for (size_t c = 0; c < NODE_CF_COUNT && !known; c++)
            known = strcmp(nm, cf_names[c]) == 0;
        if (!known) {
            sh_errf(err, errlen, "store: %s holds an unknown column family \"%s\" "
                   "(not written by this version of shroud)", s->path, nm);
            rocksdb_list_column_families_destroy(*names, *n);
            *names = NULL;
            return SH_ERR_FORMAT;
        }
    }
    return 0;
}

static int open_db(node_store *s, char *err, size_t errlen)
{
    int exists = 0;
    int rc = db_exists(s->path, &exists, err, errlen);
    if (rc != 0)
        return rc;
    char **listed = NULL;
    size_t n_listed = 0;
    if (exists && (rc = list_existing(s, &listed, &n_listed, err, errlen)) != 0)
        return rc;

    /* default + the fixed CFs + the replay CFs found */
    size_t cap = 1 + NODE_CF_COUNT + n_listed;
    const char **names = calloc(cap, sizeof *names);
    const rocksdb_options_t **opts = calloc(cap, sizeof *opts);
    rocksdb_column_family_handle_t **hs = calloc(cap, sizeof *hs);
    uint64_t *epochs = calloc(cap, sizeof *epochs);
    if (names == NULL || opts == NULL || hs == NULL || epochs == NULL) {
        rc = SH_ERR_NOMEM;
        sh_errf(err, errlen, "store: out of memory");
        goto out;
    }
    size_t n = 0;
    names[n++] = "default";
    for (size_t c = 0; c < NODE_CF_COUNT; c++)
        names[n++] = cf_names[c];
    size_t n_replay = 0;
    for (size_t i = 0; i < n_listed; i++) {
        uint64_t ep;
        if (parse_replay_name(listed[i], &ep) == 0) {
            epochs[n_replay++] = ep;
            names[n++] = listed[i];
        }
    }
    if (n_replay > NODE_STORE_MAX_REPLAY_EPOCHS) {
        sh_errf(err, errlen, "store: %s holds %zu replay column families (limit %d)",
               s->path, n_replay, NODE_STORE_MAX_REPLAY_EPOCHS);
        rc = SH_ERR_OVERSIZE;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        opts[i] = s->opts;

    char *e = NULL;
    s->db = rocksdb_open_column_families(s->opts, s->path, (int)n, names, opts, hs, &e);
    if (e != NULL || s->db == NULL) {
        const char *msg = e != NULL ? e : "unknown error";
        /* RocksDB words it "While lock file: <dir>/LOCK: Resource
         * temporarily unavailable" (another process) or "lock hold by
         * current process, ... lock file: <dir>/LOCK: ..." (this one). */
        int locked = strstr(msg, "/LOCK") != NULL;
        sh_errf(err, errlen, "store: cannot open %s: %s%s", s->path, msg,
               locked ? " (is another relay using this data directory?)" : "");
        rocksdb_free(e);
        if (s->db != NULL) {
            rocksdb_close(s->db);
            s->db = NULL;
        }
        rc = SH_ERR_IO;
        goto out;
    }
    s->dflt = hs[0];
    for (size_t c = 0; c < NODE_CF_COUNT; c++)
        s->cf[c] = hs[1 + c];
    for (size_t i = 0; i < n_replay; i++) {
        rc = node_store_replay_insert(s, epochs[i], hs[1 + NODE_CF_COUNT + i]);
        if (rc != 0) {   /* cannot happen: list names are unique */
            sh_errf(err, errlen, "store: duplicate replay column family in %s", s->path);
            for (size_t j = i; j < n_replay; j++)
                rocksdb_column_family_handle_destroy(hs[1 + NODE_CF_COUNT + j]);
            goto out;
        }
    }
    rc = 0;
out:
    free(names);
    free(opts);
    free(hs);
    free(epochs);
    if (listed != NULL)
        rocksdb_list_column_families_destroy(listed, n_listed);
    return rc;
}

int node_store_open(node_store **out, const char *path, char *err, size_t errlen)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (path == NULL || path[0] == '\0') {
        sh_errf(err, errlen, "store: no database path given");
        return SH_ERR_ARG;
    }
    int rc = ensure_dir(path, err, errlen);
    if (rc != 0)
        return rc;
    node_store *s = calloc(1, sizeof *s);
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        free(s);
        sh_errf(err, errlen, "store: out of memory");
        return SH_ERR_NOMEM;
    }
    s->opts = make_options();
    s->wsync = rocksdb_writeoptions_create();
    s->ropts = rocksdb_readoptions_create();
    if (s->opts == NULL || s->wsync == NULL || s->ropts == NULL) {
        node_store_free(s);
        sh_errf(err, errlen, "store: out of memory");
        return SH_ERR_NOMEM;
    }
    rocksdb_writeoptions_set_sync(s->wsync, 1);
    rocksdb_readoptions_set_verify_checksums(s->ropts, 1);
    rc = open_db(s, err, errlen);
    if (rc != 0) {
        node_store_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int node_store_destroy(const char *path, char *err, size_t errlen)
{
    if (path == NULL)
        return SH_ERR_ARG;
    if (access(path, F_OK) != 0)
        return 0;
    rocksdb_options_t *o = rocksdb_options_create();
    if (o == NULL)
        return SH_ERR_NOMEM;
    char *e = NULL;
    rocksdb_destroy_db(o, path, &e);
    rocksdb_options_destroy(o);
    if (e != NULL) {
        sh_errf(err, errlen, "store: cannot remove %s: %s", path, e);
        rocksdb_free(e);
        return SH_ERR_IO;
    }
    if (rmdir(path) != 0 && errno != ENOENT) {
        sh_errf(err, errlen, "store: cannot remove %s: %s", path, strerror(errno));
        return SH_ERR_IO;
    }
    return 0;
}

void node_store_free(node_store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_replay; i++)
        rocksdb_column_family_handle_destroy(s->replay[i].h);
    for (size_t c = 0; c < NODE_CF_COUNT; c++)
        if (s->cf[c] != NULL)
            rocksdb_column_family_handle_destroy(s->cf[c]);
    if (s->dflt != NULL)
        rocksdb_column_family_handle_destroy(s->dflt);
    if (s->db != NULL)
        rocksdb_close(s->db);
    if (s->ropts != NULL)
        rocksdb_readoptions_destroy(s->ropts);
    if (s->wsync != NULL)
        rocksdb_writeoptions_destroy(s->wsync);
    if (s->opts != NULL)
        rocksdb_options_destroy(s->opts);
    free(s->path);
    free(s);
}

/* ---- batches ---------------------------------------------------------------- */

node_batch *node_batch_new(void)
{
    node_batch *b = calloc(1, sizeof *b);
    if (b != NULL)
        sh_buf_init_max(&b->ops, NODE_BATCH_MAX_BYTES);
    return b;
}

void node_batch_free(node_batch *b)
{
    if (b == NULL)
        return;
    sh_buf_free(&b->ops);
    free(b);
}

size_t node_batch_count(const node_batch *b)
{
    return b != NULL ? b->count : 0;
}

int node_batch_poisoned(const node_batch *b)
{
    return b != NULL && b->poisoned;
}

void node_batch_clear(node_batch *b)
{
    if (b == NULL)
        return;
    sh_buf_reset(&b->ops);
    b->count = 0;
    b->poisoned = 0;
}

static int check_key(const uint8_t *key, size_t klen)
{
    if (key == NULL || klen == 0)
        return SH_ERR_ARG;
    return klen > NODE_STORE_MAX_KEY ? SH_ERR_OVERSIZE : 0;
}

static int check_val(const uint8_t *val, size_t vlen)
{
    if (val == NULL && vlen != 0)
        return SH_ERR_ARG;
    return vlen > NODE_STORE_MAX_VALUE ? SH_ERR_OVERSIZE : 0;
}

/* A node_cf as the cf byte of an op; CF_BAD if out of range, so that
 * no caller value can pass for CF_REPLAY. */
static unsigned cf_byte(node_cf cf)
{
    return (unsigned)cf < NODE_CF_COUNT ? (unsigned)cf : CF_BAD;
}

static int batch_add(node_batch *b, unsigned op, unsigned cf, uint64_t epoch,
                     const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
    if (b == NULL)
        return SH_ERR_ARG;
    int rc = cf == CF_BAD ? SH_ERR_ARG : check_key(key, klen);
    if (rc == 0)
        rc = check_val(val, vlen);
    if (rc == 0) {
        uint8_t *p;   /* sh_buf_extend leaves the buffer unchanged on failure */
        rc = sh_buf_extend(&b->ops, sizeof(op_hdr) + klen + vlen, &p);
        if (rc == 0) {
            op_hdr h = { epoch, (uint32_t)klen, (uint32_t)vlen, (uint8_t)op, (uint8_t)cf };
            memcpy(p, &h, sizeof h);
            memcpy(p + sizeof h, key, klen);
            if (vlen != 0)
                memcpy(p + sizeof h + klen, val, vlen);
            b->count++;
        }
    }
    if (rc != 0)
        b->poisoned = 1;
    return rc;
}

int node_batch_put(node_batch *b, node_cf cf, const uint8_t *key, size_t klen,
                   const uint8_t *val, size_t vlen)
{
    return batch_add(b, OP_PUT, cf_byte(cf), 0, key, klen, val, vlen);
}

int node_batch_delete(node_batch *b, node_cf cf, const uint8_t *key, size_t klen)
{
    return batch_add(b, OP_DEL, cf_byte(cf), 0, key, klen, NULL, 0);
}

int node_batch_replay_put(node_batch *b, uint64_t epoch, const uint8_t tag[MIX_REPLAY_TAG_BYTES])
{
    return batch_add(b, OP_PUT, CF_REPLAY, epoch, tag, tag != NULL ? MIX_REPLAY_TAG_BYTES : 0,
                     NULL, 0);
}

/* The op at *off of b's buffer: header, then key and value at *key. */
static op_hdr op_at(const node_batch *b, size_t *off, const char **key)
{
    op_hdr h;
    memcpy(&h, b->ops.data + *off, sizeof h);
    *key = (const char *)b->ops.data + *off + sizeof h;
    *off += sizeof h + h.klen + h.vlen;
    return h;
}

int node_store_commit(node_store *s, node_batch *b, char *err, size_t errlen)
{
    if (s == NULL || b == NULL) {
        sh_errf(err, errlen, "store: commit without a store or a batch");
        return SH_ERR_ARG;
    }
    if (b->poisoned) {
        s->commit_errors++;
        sh_errf(err, errlen, "store: the batch has a refused operation; nothing was written");
        return SH_ERR_STATE;
    }
    if (b->count == 0)
        return 0;
    /* Replay CFs first: creating one is its own MANIFEST write, and an
     * empty CF left by a failed commit is harmless. */
    int rc = 0;
    for (size_t off = 0; off < b->ops.len;) {
        const char *k;
        op_hdr o = op_at(b, &off, &k);
        rocksdb_column_family_handle_t *h;
        if (o.cf == CF_REPLAY && (rc = node_store_replay_cf(s, o.epoch, 1, &h, err, errlen)) != 0) {
            s->commit_errors++;
            return rc;
        }
    }
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    if (wb == NULL) {
        s->commit_errors++;
        sh_errf(err, errlen, "store: out of memory");
        return SH_ERR_NOMEM;
    }
    for (size_t off = 0; off < b->ops.len;) {
        const char *k;
        op_hdr o = op_at(b, &off, &k);
        rocksdb_column_family_handle_t *h = NULL;
        if (o.cf == CF_REPLAY)
            rc = node_store_replay_cf(s, o.epoch, 0, &h, err, errlen);
        else
            h = s->cf[o.cf];
        if (rc != 0 || h == NULL) {
            rocksdb_writebatch_destroy(wb);
            s->commit_errors++;
            return SH_ERR_INTERNAL;
        }
        if (o.op == OP_PUT)
            rocksdb_writebatch_put_cf(wb, h, k, o.klen, k + o.klen, o.vlen);
        else
            rocksdb_writebatch_delete_cf(wb, h, k, o.klen);
    }
    char *e = NULL;
    rocksdb_write(s->db, s->wsync, wb, &e);
    rocksdb_writebatch_destroy(wb);
    if (e != NULL) {
        sh_errf(err, errlen, "store: write to %s failed: %s", s->path, e);
        rocksdb_free(e);
        s->commit_errors++;
        return SH_ERR_IO;
    }
    s->commits++;
    return 0;
}

static int one_op(node_store *s, unsigned op, node_cf cf, const uint8_t *k, size_t kl,
                  const uint8_t *v, size_t vl)
{
    if (s == NULL)
        return SH_ERR_ARG;
    node_batch *b = node_batch_new();
    if (b == NULL)
        return SH_ERR_NOMEM;
    int rc = batch_add(b, op, cf_byte(cf), 0, k, kl, v, vl);
    if (rc == 0)
        rc = node_store_commit(s, b, NULL, 0);
    node_batch_free(b);
    return rc;
}

int node_store_put1(node_store *s, node_cf cf, const uint8_t *k, size_t kl,
                    const uint8_t *v, size_t vl)
{
    return one_op(s, OP_PUT, cf, k, kl, v, vl);
}

int node_store_delete1(node_store *s, node_cf cf, const uint8_t *k, size_t kl)
{
    return one_op(s, OP_DEL, cf, k, kl, NULL, 0);
}

/* ---- reads ------------------------------------------------------------------ */

/* Look key up in CF h: 0 found (value appended to out if out is not
 * NULL), 1 absent, SH_ERR_IO.  A pinned slice rather than rocksdb_get_cf,
 * whose malloc'ed copy of an empty value (every replay tag's) may be NULL
 * and so indistinguishable from "absent" under some allocators. */
int node_store_lookup(node_store *s, rocksdb_column_family_handle_t *h, const uint8_t *key,
                      size_t klen, sh_buf *out)
{
    char *e = NULL;
    rocksdb_pinnableslice_t *v = rocksdb_get_pinned_cf(s->db, s->ropts, h, (const char *)key,
                                                       klen, &e);
    int rc = 0;
    if (e != NULL) {
        rocksdb_free(e);
        rc = SH_ERR_IO;
    } else if (v == NULL) {
        rc = 1;
    } else if (out != NULL) {
        size_t vlen = 0;
        const char *p = rocksdb_pinnableslice_value(v, &vlen);
        rc = vlen == 0 ? 0 : sh_buf_append(out, p, vlen);
    }
    if (v != NULL)
        rocksdb_pinnableslice_destroy(v);
    return rc;
}

int node_store_get(node_store *s, node_cf cf, const uint8_t *key, size_t klen, sh_buf *out)
{
    if (s == NULL || out == NULL || (unsigned)cf >= NODE_CF_COUNT)
        return SH_ERR_ARG;
    int rc = check_key(key, klen);
    return rc != 0 ? rc : node_store_lookup(s, s->cf[cf], key, klen, out);
}

int node_store_iterate(node_store *s, node_cf cf, node_store_iter_fn cb, void *arg)
{
    if (s == NULL || cb == NULL || (unsigned)cf >= NODE_CF_COUNT)
        return SH_ERR_ARG;
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, s->ropts, s->cf[cf]);
    if (it == NULL)
        return SH_ERR_NOMEM;
    int rc = 0;
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl);
        const char *v = rocksdb_iter_value(it, &vl);
        rc = cb(arg, (const uint8_t *)k, kl, (const uint8_t *)v, vl);
        if (rc != 0)
            break;
    }
    if (rc == 0) {
        char *e = NULL;
        rocksdb_iter_get_error(it, &e);
        if (e != NULL) {
            rocksdb_free(e);
            rc = SH_ERR_IO;
        }
    }
    rocksdb_iter_destroy(it);
    return rc;
}

/* ---- metrics ---------------------------------------------------------------- */

static uint64_t prop(node_store *s, rocksdb_column_family_handle_t *h, const char *name)
{
    uint64_t v = 0;
    if (rocksdb_property_int_cf(s->db, h, name, &v) != 0)
        return 0;
    return v;
}

int node_store_stats_get(node_store *s, node_store_stats *st)
{
    if (s == NULL || st == NULL)
        return SH_ERR_ARG;
    memset(st, 0, sizeof *st);
    for (size_t c = 0; c < NODE_CF_COUNT; c++) {
        st->keys[c] = prop(s, s->cf[c], "rocksdb.estimate-num-keys");
        st->sst_bytes[c] = prop(s, s->cf[c], "rocksdb.total-sst-files-size");
        st->mem_bytes[c] = prop(s, s->cf[c], "rocksdb.cur-size-all-mem-tables");
    }
    st->replay_epochs = s->n_replay;
    for (size_t i = 0; i < s->n_replay; i++)
        st->replay_keys += prop(s, s->replay[i].h, "rocksdb.estimate-num-keys");
    st->commits = s->commits;
    st->commit_errors = s->commit_errors;
    return 0;
}
