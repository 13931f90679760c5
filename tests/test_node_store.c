/* tests/test_node_store.c -- node/store: persistence across reopen, column
 * families kept apart, atomic batches (a poisoned batch writes nothing),
 * lookups, iteration order, size limits, the directory lock, the replay
 * backend (per-epoch CFs, drop, no resurrection after reopen), and damaged
 * or foreign databases refused with an error rather than a crash. */
#include <criterion/criterion.h>
#include "testutil.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rocksdb/c.h>
#include <sodium.h>

#include "node/store.h"

static char tmp[64];
static char dbp[128];
static char err[512];

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    strcpy(tmp, "/tmp/shroud-store-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(dbp, sizeof dbp, "%s/db", tmp);
    err[0] = '\0';
}

static void teardown(void)
{
    tu_rm_rf(tmp);
}

TestSuite(node_store, .init = setup, .fini = teardown);

static node_store *open_ok(void)
{
    node_store *s = NULL;
    int rc = node_store_open(&s, dbp, err, sizeof err);
    cr_assert_eq(rc, 0, "open: %d %s", rc, err);
    cr_assert_not_null(s);
    return s;
}

static const uint8_t *K(const char *s)
{
    return (const uint8_t *)s;
}

/* get must find key with exactly value v (NULL: must be absent). */
static void expect(node_store *s, node_cf cf, const char *k, const char *v)
{
    sh_buf b;
    sh_buf_init(&b);
    int rc = node_store_get(s, cf, K(k), strlen(k), &b);
    if (v == NULL) {
        cr_assert_eq(rc, 1, "cf %d key %s: expected absent, got %d", cf, k, rc);
        cr_assert_eq(b.len, 0);
    } else {
        cr_assert_eq(rc, 0, "cf %d key %s: expected present, got %d", cf, k, rc);
        cr_assert_eq(b.len, strlen(v));
        cr_assert(b.len == 0 || memcmp(b.data, v, b.len) == 0);
    }
    sh_buf_free(&b);
}

Test(node_store, destroy_removes_the_database_and_its_directory)
{
    node_store *s = open_ok();
    cr_assert_eq(node_store_put1(s, NODE_CF_PEERS, K("k"), 1, K("v"), 1), 0);
    mix_replay rp;
    cr_assert_eq(node_store_replay(s, &rp), 0);
    uint8_t tag[MIX_REPLAY_TAG_BYTES] = { 1 };
    cr_assert_eq(mix_replay_seen_or_add(&rp, 5, tag), 0);
    mix_replay_free(&rp);
    node_store_free(s);
    cr_assert_eq(node_store_destroy(dbp, err, sizeof err), 0, "%s", err);
    cr_assert_neq(access(dbp, F_OK), 0, "the database directory is gone");
    cr_assert_eq(node_store_destroy(dbp, err, sizeof err), 0, "nothing to remove is fine");
    s = open_ok();   /* a fresh, empty database can be made again */
    expect(s, NODE_CF_PEERS, "k", NULL);
    node_store_free(s);
}

Test(node_store, creates_private_dir_and_reopen_keeps_data)
{
    node_store *s = open_ok();
    struct stat st;
    cr_assert_eq(stat(dbp, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700, "mode %o", st.st_mode & 0777);
    cr_assert_str_eq(node_store_path(s), dbp);
    for (int c = 0; c < NODE_CF_COUNT; c++) {
        char v[32];
        snprintf(v, sizeof v, "value-%s", node_cf_name((node_cf)c));
        cr_assert_eq(node_store_put1(s, (node_cf)c, K("k"), 1, K(v), strlen(v)), 0);
    }
    node_store_free(s);
    s = open_ok();
    for (int c = 0; c < NODE_CF_COUNT; c++) {
        char v[32];
        snprintf(v, sizeof v, "value-%s", node_cf_name((node_cf)c));
        expect(s, (node_cf)c, "k", v);
    }
    cr_assert_eq(node_store_delete1(s, NODE_CF_META, K("k"), 1), 0);
    node_store_free(s);
    s = open_ok();
    expect(s, NODE_CF_META, "k", NULL);
    expect(s, NODE_CF_PEERS, "k", "value-peers");
    node_store_free(s);
    node_store_free(NULL);
}

Test(node_store, missing_parent_is_a_clear_error)
{
    char p[512];
    node_store *s = (node_store *)1;
    snprintf(p, sizeof p, "%s/no/such/db", tmp);
    cr_assert_eq(node_store_open(&s, p, err, sizeof err), SH_ERR_IO);
    cr_assert_null(s);
    cr_assert(strstr(err, p) != NULL, "%s", err);
    cr_assert(strstr(err, "No such file") != NULL, "%s", err);
    cr_assert_eq(node_store_open(&s, "", err, sizeof err), SH_ERR_ARG);
    cr_assert_eq(node_store_open(NULL, dbp, err, sizeof err), SH_ERR_ARG);
}

Test(node_store, column_families_are_separate)
{
    node_store *s = open_ok();
    cr_assert_str_eq(node_cf_name(NODE_CF_TRANSCRIPTS), "transcripts");
    cr_assert_null(node_cf_name(NODE_CF_COUNT));
    cr_assert_eq(node_store_put1(s, NODE_CF_SHARES, K("same"), 4, K("shares"), 6), 0);
    cr_assert_eq(node_store_put1(s, NODE_CF_VAULTS, K("same"), 4, K("vaults"), 6), 0);
    expect(s, NODE_CF_SHARES, "same", "shares");
    expect(s, NODE_CF_VAULTS, "same", "vaults");
    for (int c = 0; c < NODE_CF_COUNT; c++)
        if (c != NODE_CF_SHARES && c != NODE_CF_VAULTS)
            expect(s, (node_cf)c, "same", NULL);
    cr_assert_eq(node_store_delete1(s, NODE_CF_SHARES, K("same"), 4), 0);
    expect(s, NODE_CF_SHARES, "same", NULL);
    expect(s, NODE_CF_VAULTS, "same", "vaults");
    node_store_free(s);
}

Test(node_store, batch_is_atomic_and_ordered)
{
    node_store *s = open_ok();
    node_batch *b = node_batch_new();
    cr_assert_not_null(b);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("a"), 1, K("1"), 1), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_PEERS, K("b"), 1, K("2"), 1), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_PEERS, K("gone"), 4, K("x"), 1), 0);
    cr_assert_eq(node_batch_delete(b, NODE_CF_PEERS, K("gone"), 4), 0);  /* order kept */
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("empty"), 5, NULL, 0), 0);
    cr_assert_eq(node_batch_count(b), 5);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), 0, "%s", err);
    expect(s, NODE_CF_META, "a", "1");
    expect(s, NODE_CF_PEERS, "b", "2");
    expect(s, NODE_CF_PEERS, "gone", NULL);
    expect(s, NODE_CF_META, "empty", "");

    /* One refused op poisons the batch: the valid ops before and after it
     * are not written either. */
    node_batch_clear(b);
    cr_assert_eq(node_batch_count(b), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("a"), 1, K("changed"), 7), 0);
    cr_assert_eq(node_batch_delete(b, NODE_CF_PEERS, K("b"), 1), 0);
    cr_assert(!node_batch_poisoned(b));
    cr_assert_eq(node_batch_put(b, NODE_CF_COUNT, K("c"), 1, K("3"), 1), SH_ERR_ARG);
    cr_assert(node_batch_poisoned(b));
    /* no other out-of-range value slips through (255 is the internal
     * marker of replay ops) */
    cr_assert_eq(node_batch_put(b, (node_cf)255, K("c"), 1, K("3"), 1), SH_ERR_ARG);
    cr_assert_eq(node_batch_delete(b, (node_cf)-1, K("c"), 1), SH_ERR_ARG);
    cr_assert_eq(node_batch_put(b, NODE_CF_SHARES, K("d"), 1, K("4"), 1), 0);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "nothing was written") != NULL, "%s", err);
    expect(s, NODE_CF_META, "a", "1");
    expect(s, NODE_CF_PEERS, "b", "2");
    expect(s, NODE_CF_SHARES, "d", NULL);

    /* the same with an oversize key, a NULL key and a NULL value */
    uint8_t big[NODE_STORE_MAX_KEY + 1];
    memset(big, 'k', sizeof big);
    node_batch_clear(b);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("a"), 1, K("x"), 1), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, big, sizeof big, K("x"), 1), SH_ERR_OVERSIZE);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), SH_ERR_STATE);
    node_batch_clear(b);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("a"), 1, K("x"), 1), 0);
    cr_assert_eq(node_batch_delete(b, NODE_CF_META, NULL, 3), SH_ERR_ARG);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), SH_ERR_STATE);
    node_batch_clear(b);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("a"), 1, K("x"), 1), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("z"), 1, NULL, 5), SH_ERR_ARG);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), SH_ERR_STATE);
    expect(s, NODE_CF_META, "a", "1");

    node_store_stats st;
    cr_assert_eq(node_store_stats_get(s, &st), 0);
    cr_assert_eq(st.commits, 1);
    cr_assert_eq(st.commit_errors, 4);
    /* an empty batch commits trivially */
    node_batch_clear(b);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), 0);
    node_batch_free(b);
    node_batch_free(NULL);
    cr_assert_eq(node_batch_count(NULL), 0);
    node_store_free(s);
}

Test(node_store, get_missing_and_limits)
{
    node_store *s = open_ok();
    sh_buf out;
    sh_buf_init(&out);
    cr_assert_eq(sh_buf_append(&out, "keep", 4), 0);
    cr_assert_eq(node_store_get(s, NODE_CF_META, K("nope"), 4, &out), 1);
    cr_assert_eq(out.len, 4);   /* untouched */
    /* found: appended after what was there */
    cr_assert_eq(node_store_put1(s, NODE_CF_META, K("yes"), 3, K("val"), 3), 0);
    cr_assert_eq(node_store_get(s, NODE_CF_META, K("yes"), 3, &out), 0);
    cr_assert_eq(out.len, 7);
    cr_assert_eq(memcmp(out.data, "keepval", 7), 0);
    sh_buf_free(&out);
    /* a buffer whose limit is too small: refused, unchanged */
    sh_buf small;
    sh_buf_init_max(&small, 2);
    cr_assert_eq(node_store_get(s, NODE_CF_META, K("yes"), 3, &small), SH_ERR_OVERSIZE);
    cr_assert_eq(small.len, 0);
    sh_buf_free(&small);

    /* keys: 1..1024 bytes */
    uint8_t *big = calloc(1, NODE_STORE_MAX_VALUE + 1);
    cr_assert_not_null(big);
    memset(big, 0xab, NODE_STORE_MAX_KEY + 1);
    cr_assert_eq(node_store_put1(s, NODE_CF_META, big, NODE_STORE_MAX_KEY + 1, K("v"), 1),
                 SH_ERR_OVERSIZE);
    cr_assert_eq(node_store_put1(s, NODE_CF_META, big, NODE_STORE_MAX_KEY, K("v"), 1), 0);
    sh_buf_init(&out);
    cr_assert_eq(node_store_get(s, NODE_CF_META, big, NODE_STORE_MAX_KEY, &out), 0);
    cr_assert_eq(node_store_get(s, NODE_CF_META, big, NODE_STORE_MAX_KEY + 1, &out),
                 SH_ERR_OVERSIZE);
    cr_assert_eq(node_store_get(s, NODE_CF_META, NULL, 1, &out), SH_ERR_ARG);
    cr_assert_eq(node_store_get(s, NODE_CF_META, K("x"), 0, &out), SH_ERR_ARG);
    cr_assert_eq(node_store_get(s, NODE_CF_COUNT, K("x"), 1, &out), SH_ERR_ARG);
    cr_assert_eq(node_store_get(s, (node_cf)-1, K("x"), 1, &out), SH_ERR_ARG);
    cr_assert_eq(node_store_put1(s, NODE_CF_META, K(""), 0, K("v"), 1), SH_ERR_ARG);
    sh_buf_free(&out);
    /* values: up to 16 MiB */
    cr_assert_eq(node_store_put1(s, NODE_CF_VAULTS, K("big"), 3, big, NODE_STORE_MAX_VALUE + 1),
                 SH_ERR_OVERSIZE);
    expect(s, NODE_CF_VAULTS, "big", NULL);
    memset(big, 0x5a, (size_t)1 << 20);
    cr_assert_eq(node_store_put1(s, NODE_CF_VAULTS, K("big"), 3, big, (size_t)1 << 20), 0);
    sh_buf_init(&out);
    cr_assert_eq(node_store_get(s, NODE_CF_VAULTS, K("big"), 3, &out), 0);
    cr_assert_eq(out.len, (size_t)1 << 20);
    cr_assert_eq(memcmp(out.data, big, out.len), 0);
    sh_buf_free(&out);
    free(big);
    node_store_free(s);
}

typedef struct collect {
    char keys[16][8];
    size_t klen[16];
    size_t n;
    size_t stop_at;
} collect;

static int collect_cb(void *arg, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    collect *c = arg;
    cr_assert(kl <= 8 && c->n < 16);
    cr_assert_eq(vl, 1);
    cr_assert_eq(v[0], (uint8_t)kl);   /* the value written with it */
    memcpy(c->keys[c->n], k, kl);
    c->klen[c->n] = kl;
    c->n++;
    return c->n == c->stop_at ? 42 : 0;
}

Test(node_store, iteration_in_byte_order)
{
    node_store *s = open_ok();
    /* inserted out of order; includes a prefix, NUL and 0xff bytes */
    static const struct { const char *k; size_t n; } ks[] = {
        { "b", 1 }, { "a\0", 2 }, { "\xff", 1 }, { "ab", 2 }, { "a", 1 },
        { "\x00\x01", 2 }, { "aa\xff", 3 },
    };
    static const struct { const char *k; size_t n; } want[] = {
        { "\x00\x01", 2 }, { "a", 1 }, { "a\0", 2 }, { "aa\xff", 3 }, { "ab", 2 },
        { "b", 1 }, { "\xff", 1 },
    };
    for (size_t i = 0; i < 7; i++) {
        uint8_t v = (uint8_t)ks[i].n;
        cr_assert_eq(node_store_put1(s, NODE_CF_PEERS, K(ks[i].k), ks[i].n, &v, 1), 0);
    }
    /* another CF's entries are not visited */
    cr_assert_eq(node_store_put1(s, NODE_CF_SHARES, K("0"), 1, K("z"), 1), 0);
    collect c;
    memset(&c, 0, sizeof c);
    cr_assert_eq(node_store_iterate(s, NODE_CF_PEERS, collect_cb, &c), 0);
    cr_assert_eq(c.n, 7);
    for (size_t i = 0; i < 7; i++) {
        cr_assert_eq(c.klen[i], want[i].n, "entry %zu", i);
        cr_assert_eq(memcmp(c.keys[i], want[i].k, want[i].n), 0, "entry %zu", i);
    }
    /* the callback's non-zero value stops the walk and is returned */
    memset(&c, 0, sizeof c);
    c.stop_at = 3;
    cr_assert_eq(node_store_iterate(s, NODE_CF_PEERS, collect_cb, &c), 42);
    cr_assert_eq(c.n, 3);
    memset(&c, 0, sizeof c);
    cr_assert_eq(node_store_iterate(s, NODE_CF_TRANSCRIPTS, collect_cb, &c), 0);
    cr_assert_eq(c.n, 0);
    cr_assert_eq(node_store_iterate(s, NODE_CF_COUNT, collect_cb, &c), SH_ERR_ARG);
    cr_assert_eq(node_store_iterate(s, NODE_CF_META, NULL, &c), SH_ERR_ARG);
    node_store_free(s);
}

Test(node_store, second_open_is_refused)
{
    /* The other process is forked before this one starts RocksDB's
     * threads, then told to try once the database is open. */
    int go[2], res[2];
    cr_assert_eq(pipe(go), 0);
    cr_assert_eq(pipe(res), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        char c;
        close(go[1]);
        close(res[0]);
        if (read(go[0], &c, 1) != 1)
            _exit(3);
        node_store *s2 = NULL;
        char e2[512] = "";
        int rc = node_store_open(&s2, dbp, e2, sizeof e2);
        if (rc == 0)
            node_store_free(s2);
        ssize_t w = write(res[1], e2, strlen(e2) + 1);
        _exit(rc == SH_ERR_IO && w > 0 ? 0 : 1);
    }
    close(go[0]);
    close(res[1]);
    node_store *s = open_ok();
    /* in this process */
    node_store *s2 = (node_store *)1;
    cr_assert_eq(node_store_open(&s2, dbp, err, sizeof err), SH_ERR_IO);
    cr_assert_null(s2);
    cr_assert(strstr(err, dbp) != NULL && strstr(err, "another relay") != NULL, "%s", err);
    /* in another process */
    cr_assert_eq(write(go[1], "g", 1), 1);
    char msg[512] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof msg - 1 && (r = read(res[0], msg + got, sizeof msg - 1 - got)) > 0)
        got += (size_t)r;
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", msg);
    cr_assert(strstr(msg, "LOCK") != NULL && strstr(msg, "another relay") != NULL, "%s", msg);
    close(go[1]);
    close(res[0]);
    /* the first handle still works, and after closing it the path opens */
    cr_assert_eq(node_store_put1(s, NODE_CF_META, K("k"), 1, K("v"), 1), 0);
    node_store_free(s);
    s = open_ok();
    expect(s, NODE_CF_META, "k", "v");
    node_store_free(s);
}

static void tag_of(uint8_t t[MIX_REPLAY_TAG_BYTES], unsigned i)
{
    crypto_generichash(t, MIX_REPLAY_TAG_BYTES, (const uint8_t *)&i, sizeof i, NULL, 0);
}

Test(node_store, replay_epochs_drop_and_reopen)
{
    node_store *s = open_ok();
    mix_replay r;
    cr_assert_eq(node_store_replay(s, &r), 0);
    uint8_t t[8][MIX_REPLAY_TAG_BYTES];
    for (unsigned i = 0; i < 8; i++)
        tag_of(t[i], i);
    uint64_t ep[8];
    cr_assert_eq(node_store_replay_epochs(s, ep, 8), 0);
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[i]), 0);
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[i]), 1);
    /* the same tags in other epochs are new: epochs are independent */
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[0]), 0);
    cr_assert_eq(mix_replay_seen_or_add(&r, UINT64_MAX, t[0]), 0);
    cr_assert_eq(mix_replay_seen_or_add(&r, 0, t[1]), 0);
    cr_assert_eq(node_store_replay_epochs(s, ep, 8), 4);
    cr_assert_eq(ep[0], 0);
    cr_assert_eq(ep[1], 5);
    cr_assert_eq(ep[2], 7);
    cr_assert_eq(ep[3], UINT64_MAX);
    cr_assert_eq(node_store_replay_epochs(s, ep, 2), 4);   /* count beyond cap */
    /* a tag recorded by a batch is seen too */
    node_batch *b = node_batch_new();
    cr_assert_eq(node_batch_replay_put(b, 9, t[5]), 0);
    cr_assert_eq(node_batch_put(b, NODE_CF_META, K("m"), 1, K("9"), 1), 0);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), 0, "%s", err);
    node_batch_free(b);
    cr_assert_eq(mix_replay_seen_or_add(&r, 9, t[5]), 1);
    /* mix_replay_free leaves the store open */
    mix_replay_free(&r);
    cr_assert_null(r.ops);
    node_store_free(s);

    s = open_ok();   /* the CFs and their tags come back */
    cr_assert_eq(node_store_replay_epochs(s, ep, 8), 5);
    cr_assert_eq(ep[3], 9);
    cr_assert_eq(node_store_replay(s, &r), 0);
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[i]), 1);
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[0]), 1);
    /* drop epoch 7: only that epoch goes */
    cr_assert_eq(mix_replay_drop_epoch(&r, 7), 0);
    cr_assert_eq(mix_replay_drop_epoch(&r, 7), 0);      /* again: nothing to drop */
    cr_assert_eq(mix_replay_drop_epoch(&r, 1234), 0);   /* never existed */
    cr_assert_eq(node_store_replay_epochs(s, ep, 8), 4);
    cr_assert_eq(ep[0], 0);
    cr_assert_eq(ep[1], 5);
    cr_assert_eq(ep[2], 9);
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[0]), 1);
    cr_assert_eq(mix_replay_seen_or_add(&r, UINT64_MAX, t[0]), 1);
    node_store_free(s);

    s = open_ok();   /* the drop is not undone by a reopen */
    cr_assert_eq(node_store_replay_epochs(s, ep, 8), 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_neq(ep[i], 7);
    cr_assert_eq(node_store_replay(s, &r), 0);
    /* a new epoch 7 starts empty */
    cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[0]), 0);
    cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[1]), 0);
    node_store_stats st;
    cr_assert_eq(node_store_stats_get(s, &st), 0);
    cr_assert_eq(st.replay_epochs, 5);
    node_store_free(s);
    cr_assert_eq(node_store_replay(NULL, &r), SH_ERR_ARG);
}

Test(node_store, replay_epoch_limit)
{
    node_store *s = open_ok();
    mix_replay r;
    cr_assert_eq(node_store_replay(s, &r), 0);
    uint8_t t[MIX_REPLAY_TAG_BYTES];
    tag_of(t, 1);
    for (uint64_t e = 0; e < NODE_STORE_MAX_REPLAY_EPOCHS; e++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 1000 + e, t), 0);
    /* one epoch too many: refused, as the in-memory store does */
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t), SH_ERR_OVERSIZE);
    node_batch *b = node_batch_new();
    cr_assert_eq(node_batch_replay_put(b, 6, t), 0);
    cr_assert_eq(node_store_commit(s, b, err, sizeof err), SH_ERR_OVERSIZE);
    cr_assert(strstr(err, "replay epochs") != NULL, "%s", err);
    node_batch_free(b);
    /* existing epochs still work; dropping one makes room */
    cr_assert_eq(mix_replay_seen_or_add(&r, 1000, t), 1);
    cr_assert_eq(mix_replay_drop_epoch(&r, 1000), 0);
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t), 0);
    node_store_free(s);
}

static void open_fails(const char *why_substring)
{
    node_store *s = (node_store *)1;
    int rc = node_store_open(&s, dbp, err, sizeof err);
    cr_assert_lt(rc, 0, "open should fail");
    cr_assert_null(s);
    cr_assert(strstr(err, why_substring) != NULL, "message: %s", err);
}

static void write_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0, "%s", path);
    cr_assert_eq(write(fd, p, n), (ssize_t)n);
    close(fd);
}

Test(node_store, garbage_instead_of_a_database)
{
    /* a regular file at the path */
    write_file(dbp, "garbage", 7);
    open_fails("not a directory");
    unlink(dbp);
    /* a directory with a garbage CURRENT */
    cr_assert_eq(mkdir(dbp, 0700), 0);
    char p[512];
    snprintf(p, sizeof p, "%s/CURRENT", dbp);
    write_file(p, "\x01\x02garbage-with-no-newline", 24);
    open_fails("store: cannot open");
    tu_rm_rf(dbp);

    /* a real database whose MANIFEST is then overwritten with garbage */
    node_store *s = open_ok();
    cr_assert_eq(node_store_put1(s, NODE_CF_META, K("k"), 1, K("v"), 1), 0);
    node_store_free(s);
    DIR *d = opendir(dbp);
    cr_assert_not_null(d);
    struct dirent *e;
    int n = 0;
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "MANIFEST-", 9) == 0) {
            snprintf(p, sizeof p, "%s/%s", dbp, e->d_name);
            write_file(p, junk, sizeof junk);
            n++;
        }
    }
    closedir(d);
    cr_assert_geq(n, 1);
    open_fails("store: cannot open");
}

Test(node_store, damaged_table_file_is_an_error)
{
    node_store *s = open_ok();
    for (unsigned i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "key%03u", i);
        cr_assert_eq(node_store_put1(s, NODE_CF_PEERS, K(k), strlen(k), K("value"), 5), 0);
    }
    node_store_free(s);
    /* Recovery at the next open writes the WAL's contents to table files. */
    s = open_ok();
    node_store_free(s);
    DIR *d = opendir(dbp);
    cr_assert_not_null(d);
    struct dirent *e;
    int n = 0;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".sst") == 0) {
            snprintf(p, sizeof p, "%s/%s", dbp, e->d_name);
            struct stat st;
            cr_assert_eq(stat(p, &st), 0);
            uint8_t *junk = malloc((size_t)st.st_size);
            cr_assert_not_null(junk);
            memset(junk, 0x41, (size_t)st.st_size);
            write_file(p, junk, (size_t)st.st_size);
            free(junk);
            n++;
        }
    }
    closedir(d);
    cr_assert_geq(n, 1);
    /* Either the open notices (paranoid checks read every table footer)
     * or the read does: never a crash, never the old value as if fine. */
    s = NULL;
    int rc = node_store_open(&s, dbp, err, sizeof err);
    if (rc == 0) {
        sh_buf b;
        sh_buf_init(&b);
        int g = node_store_get(s, NODE_CF_PEERS, K("key007"), 6, &b);
        cr_assert_eq(g, SH_ERR_IO, "get on a damaged table returned %d", g);
        sh_buf_free(&b);
        node_store_free(s);
    } else {
        cr_assert(strstr(err, "store: cannot open") != NULL, "%s", err);
        cr_assert(strstr(err, "orrupt") != NULL, "%s", err);
    }
}

/* A database made by something else, with a CF of the given name. */
static void make_foreign(const char *cf)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    char *e = NULL;
    rocksdb_t *db = rocksdb_open(o, dbp, &e);
    cr_assert_null(e, "%s", e);
    rocksdb_column_family_handle_t *h = rocksdb_create_column_family(db, o, cf, &e);
    cr_assert_null(e, "%s", e);
    rocksdb_column_family_handle_destroy(h);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
}

Test(node_store, foreign_column_family_is_refused)
{
    /* refused by name rather than opened half-way */
    static const char *const names[] = { "mystery", "replay.007", "replay.", "replay.-1",
                                         "replay.18446744073709551616", "replay.1x" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tu_rm_rf(dbp);
        make_foreign(names[i]);
        node_store *s = (node_store *)1;
        cr_assert_eq(node_store_open(&s, dbp, err, sizeof err), SH_ERR_FORMAT, "%s", names[i]);
        cr_assert_null(s);
        cr_assert(strstr(err, "unknown column family") != NULL, "%s", err);
        cr_assert(strstr(err, names[i]) != NULL, "%s", err);
    }
    /* the largest epoch is a valid name */
    tu_rm_rf(dbp);
    make_foreign("replay.18446744073709551615");
    node_store *s = open_ok();
    uint64_t ep[2];
    cr_assert_eq(node_store_replay_epochs(s, ep, 2), 1);
    cr_assert_eq(ep[0], UINT64_MAX);
    node_store_free(s);
}
