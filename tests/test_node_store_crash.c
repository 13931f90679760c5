/* tests/test_node_store_crash.c -- the crash test of issue 7: a writer
 * process is killed with SIGKILL at random moments while it commits state
 * changes, over and over; after every kill the database must reopen, hold
 * every change the writer acknowledged, and be consistent: each change is
 * one batch over several column families, and either all of a batch is
 * there or none of it.
 *
 * Change i (i = 1, 2, ...) is one node_batch:
 *   meta        "counter" = u64be(i)
 *   peers       u64be(i) = record(i)            (a few KiB, varied length)
 *   peers       delete u64be(i - KEEP)          (only KEEP records remain)
 *   vaults      u64be(i % 7) = u64be(i)         (overwrites)
 *   replay.<i/10>  tag(i)
 * and before change i with i % 10 == 0 the writer drops replay epoch
 * i/10 - 2 (a separate operation, as the daemon does on key expiry).
 * After committing i the writer writes i to a pipe: that is the
 * acknowledgement.  The parent kills the writer after a random delay
 * (deterministic seed), sometimes while it is still opening (recovering)
 * the database.
 *
 * Neither parent nor checker keeps RocksDB open across a fork: the
 * writer and the checker are both fresh children of a parent that never
 * starts RocksDB's threads, so no child inherits a lock held by a thread
 * that does not exist in it.
 *
 * What SIGKILL cannot show: data the kernel has accepted survives a
 * process kill even without fsync, so this test proves atomicity and
 * "acknowledged => present" for process crashes; durability across power
 * loss rests on sync=true (store.h), which it cannot observe. */
#include <criterion/criterion.h>
#include "testutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "node/store.h"
#include "util/rng.h"

#define CYCLES 60          /* kill-reopen cycles */
#define KEEP 3             /* peer records kept */
#define OPENED UINT64_MAX  /* the writer's "database open" signal */

static char tmp[64];
static char dbp[128];

static void be64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t rd64(const uint8_t p[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static size_t record_len(uint64_t i)
{
    return 512 + (size_t)((i * 7919) % 8192);
}

static void record(uint8_t *out, uint64_t i)
{
    size_t n = record_len(i);
    for (size_t j = 0; j < n; j++)
        out[j] = (uint8_t)(i * 31 + j * 7 + (j >> 8));
}

static void tag_of(uint8_t t[MIX_REPLAY_TAG_BYTES], uint64_t i)
{
    uint8_t b[8];
    be64(b, i);
    crypto_generichash(t, MIX_REPLAY_TAG_BYTES, b, 8, NULL, 0);
}

static int write_u64(int fd, uint64_t v)
{
    return write(fd, &v, sizeof v) == (ssize_t)sizeof v ? 0 : -1;
}

/* ---- the writer (a child; never returns) ---------------------------------- */

static int change(node_store *s, node_batch *b, mix_replay *r, uint64_t i)
{
    static uint8_t rec[512 + 8192];
    uint8_t k[8], v[8], t[MIX_REPLAY_TAG_BYTES];
    if (i % 10 == 0 && i / 10 >= 2 && mix_replay_drop_epoch(r, i / 10 - 2) != 0)
        return -1;
    node_batch_clear(b);
    be64(v, i);
    int rc = node_batch_put(b, NODE_CF_META, (const uint8_t *)"counter", 7, v, 8);
    be64(k, i);
    record(rec, i);
    if (rc == 0)
        rc = node_batch_put(b, NODE_CF_PEERS, k, 8, rec, record_len(i));
    if (rc == 0 && i > KEEP) {
        be64(k, i - KEEP);
        rc = node_batch_delete(b, NODE_CF_PEERS, k, 8);
    }
    be64(k, i % 7);
    if (rc == 0)
        rc = node_batch_put(b, NODE_CF_VAULTS, k, 8, v, 8);
    tag_of(t, i);
    if (rc == 0)
        rc = node_batch_replay_put(b, i / 10, t);
    if (rc == 0)
        rc = node_store_commit(s, b, NULL, 0);
    return rc;
}

static void writer(int fd)
{
    node_store *s = NULL;
    char err[512];
    if (node_store_open(&s, dbp, err, sizeof err) != 0) {
        fprintf(stderr, "writer: %s\n", err);
        _exit(2);
    }
    if (write_u64(fd, OPENED) != 0)
        _exit(3);
    sh_buf b;
    sh_buf_init(&b);
    uint64_t i = 0;
    int rc = node_store_get(s, NODE_CF_META, (const uint8_t *)"counter", 7, &b);
    if (rc == 0 && b.len == 8)
        i = rd64(b.data);
    else if (rc != 1)
        _exit(4);
    sh_buf_free(&b);
    node_batch *batch = node_batch_new();
    mix_replay r;
    if (batch == NULL || node_store_replay(s, &r) != 0)
        _exit(5);
    for (int n = 0; n < 100000; n++) {
        i++;
        if (change(s, batch, &r, i) != 0)
            _exit(6);
        if (write_u64(fd, i) != 0)   /* the acknowledgement */
            _exit(7);
    }
    _exit(0);   /* not reached in practice: killed first */
}

/* ---- the checker (a child: exit 0 if consistent, else a message) --------- */

static char why[512];

__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return -1;
}

typedef struct peers_seen {
    uint64_t keys[64];
    size_t n;
    int damaged;
} peers_seen;

static int peers_cb(void *arg, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    peers_seen *p = arg;
    static uint8_t rec[512 + 8192];
    if (kl != 8 || p->n >= 64)
        return p->damaged = 1;
    uint64_t i = rd64(k);
    record(rec, i);
    if (vl != record_len(i) || memcmp(v, rec, vl) != 0)
        return p->damaged = 1;
    p->keys[p->n++] = i;
    return 0;
}

/* lo: the counter the database must have reached at least (what was
 * acknowledged, or seen by the previous check); the writer may have
 * committed one more change without acknowledging it.  *seen: the
 * counter found. */
static int check(uint64_t lo_counter, uint64_t *seen)
{
    node_store *s = NULL;
    char err[512];
    if (node_store_open(&s, dbp, err, sizeof err) != 0)
        return bad("reopen failed: %s", err);
    int rc = -1;
    sh_buf b;
    sh_buf_init(&b);
    uint64_t c = 0;
    int g = node_store_get(s, NODE_CF_META, (const uint8_t *)"counter", 7, &b);
    if (g == 0 && b.len == 8)
        c = rd64(b.data);
    else if (g != 1) {
        bad("counter unreadable (%d)", g);
        goto out;
    }
    /* nothing acknowledged lost; at most the one unacknowledged change */
    if (c < lo_counter || c > lo_counter + 1) {
        bad("counter %llu, but at least %llu was acknowledged or seen before", (unsigned long long)c,
            (unsigned long long)lo_counter);
        goto out;
    }
    *seen = c;
    /* peers: exactly the records (c-KEEP, c], each intact */
    peers_seen p;
    memset(&p, 0, sizeof p);
    if (node_store_iterate(s, NODE_CF_PEERS, peers_cb, &p) != 0 || p.damaged) {
        bad("peer records damaged at counter %llu", (unsigned long long)c);
        goto out;
    }
    uint64_t lo = c > KEEP ? c - KEEP + 1 : 1;
    if (p.n != (c >= lo ? c - lo + 1 : 0)) {
        bad("%zu peer records at counter %llu", p.n, (unsigned long long)c);
        goto out;
    }
    for (size_t j = 0; j < p.n; j++)
        if (p.keys[j] != lo + j) {
            bad("peer record %llu at counter %llu", (unsigned long long)p.keys[j],
                (unsigned long long)c);
            goto out;
        }
    /* vaults: residue r holds the newest i <= c with i % 7 == r */
    for (uint64_t r = 0; r < 7; r++) {
        uint8_t k[8];
        be64(k, r);
        sh_buf_reset(&b);
        g = node_store_get(s, NODE_CF_VAULTS, k, 8, &b);
        uint64_t d = (c % 7 + 7 - r) % 7;
        uint64_t want = c >= d + 1 ? c - d : 0;
        uint64_t got = g == 0 && b.len == 8 ? rd64(b.data) : 0;
        if ((want == 0) != (g == 1) || got != want) {
            bad("vault %llu holds %llu, expected %llu at counter %llu", (unsigned long long)r,
                (unsigned long long)got, (unsigned long long)want, (unsigned long long)c);
            goto out;
        }
    }
    /* replay epochs: e = c/10 present; e-1 present unless its drop (before
     * change c+1) already ran; nothing older; e+1 only as the empty CF of
     * the unacknowledged change c+1 */
    uint64_t ep[16];
    size_t ne = node_store_replay_epochs(s, ep, 16);
    uint64_t e = c / 10;
    int has_e = 0, has_prev = 0;
    for (size_t j = 0; j < ne && j < 16; j++) {
        if (ep[j] == e)
            has_e = 1;
        else if (e >= 1 && ep[j] == e - 1)
            has_prev = 1;
        else if (!(ep[j] == e + 1 && (c + 1) % 10 == 0)) {
            bad("replay epoch %llu present at counter %llu", (unsigned long long)ep[j],
                (unsigned long long)c);
            goto out;
        }
    }
    if (ne > 16 || (c >= 1 && !has_e) || (e >= 1 && !has_prev && (c + 1) % 10 != 0)) {
        bad("replay epochs wrong at counter %llu (%zu open)", (unsigned long long)c, ne);
        goto out;
    }
    /* every tag of a change still in a kept epoch is there */
    mix_replay r;
    if (node_store_replay(s, &r) != 0)
        goto out;
    for (uint64_t i = c > 25 ? c - 25 : 1; i <= c; i++) {
        int kept = i / 10 == e || (i / 10 + 1 == e && has_prev);
        uint8_t t[MIX_REPLAY_TAG_BYTES];
        tag_of(t, i);
        if (kept && mix_replay_seen_or_add(&r, i / 10, t) != 1) {
            bad("replay tag of change %llu lost at counter %llu", (unsigned long long)i,
                (unsigned long long)c);
            goto out;
        }
    }
    rc = 0;
out:
    sh_buf_free(&b);
    node_store_free(s);
    return rc;
}

/* ---- the parent ------------------------------------------------------------ */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

typedef struct acks {
    uint8_t part[8];
    size_t have;
    uint64_t max;
    int opened;
} acks;

/* Read what is available (or wait up to timeout_ms); -1 at end of file. */
static int pump(int fd, acks *a, int timeout_ms)
{
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    int pr = poll(&pf, 1, timeout_ms);
    if (pr <= 0)
        return 0;
    uint8_t buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0)
        return -1;
    for (ssize_t j = 0; j < n; j++) {
        a->part[a->have++] = buf[j];
        if (a->have == 8) {
            uint64_t v;
            memcpy(&v, a->part, 8);
            a->have = 0;
            if (v == OPENED)
                a->opened = 1;
            else if (v > a->max)
                a->max = v;
        }
    }
    return 0;
}

static void teardown(void)
{
    if (tmp[0] != '\0')
        tu_rm_rf(tmp);   /* also after a failed assertion */
}

Test(node_store_crash, sigkill_at_random_points, .fini = teardown, .timeout = 600)
{
    cr_assert(sodium_init() >= 0);
    strcpy(tmp, "/tmp/shroud-crash-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(dbp, sizeof dbp, "%s/db", tmp);
    uint8_t seed[SH_RNG_SEEDBYTES] = { 7 };
    sh_rng *rng = sh_rng_chacha_new(seed);
    cr_assert_not_null(rng);
    signal(SIGPIPE, SIG_IGN);

    /* base: the counter the last check found, where the next writer
     * starts; changes: acknowledged changes over all cycles */
    uint64_t base = 0, changes = 0, kills_before_open = 0, kills_mid_run = 0;
    uint64_t t0 = now_ms();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
        int pfd[2];
        cr_assert_eq(pipe(pfd), 0);
        pid_t pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            close(pfd[0]);
            writer(pfd[1]);
        }
        close(pfd[1]);
        acks a;
        memset(&a, 0, sizeof a);
        /* One kill in four lands at a random moment from the start, often
         * while the writer is still opening and recovering the database;
         * the others a random 0-40 ms into committing. */
        int early = sh_rng_uniform(rng, 4) == 0;
        uint64_t delay = early ? sh_rng_uniform(rng, 60) : sh_rng_uniform(rng, 41);
        uint64_t start = now_ms(), deadline = start + 30000;
        int eof = 0;
        while (!early && !a.opened && !eof && now_ms() < deadline)
            eof = pump(pfd[0], &a, 10) < 0;
        cr_assert(early || a.opened, "writer did not open the database in cycle %d", cycle);
        uint64_t kill_at = (early ? start : now_ms()) + delay;
        for (uint64_t t = now_ms(); !eof && t < kill_at; t = now_ms())
            eof = pump(pfd[0], &a, (int)(kill_at - t)) < 0;
        cr_assert(!eof, "writer died by itself in cycle %d", cycle);
        cr_assert_eq(kill(pid, SIGKILL), 0);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "writer failed (status %d) in cycle %d", status, cycle);
        /* what it acknowledged before dying counts too */
        while (pump(pfd[0], &a, 1000) == 0)
            ;
        close(pfd[0]);
        if (!a.opened)
            kills_before_open++;
        else
            kills_mid_run++;
        uint64_t acked = base;
        if (a.max > 0) {
            cr_assert_gt(a.max, base);
            changes += a.max - base;
            acked = a.max;
        }

        /* reopen and check, in a fresh child */
        int cfd[2];
        cr_assert_eq(pipe(cfd), 0);
        pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            close(cfd[0]);
            uint64_t seen = 0;
            int r = check(acked, &seen);
            ssize_t w = r == 0 ? write(cfd[1], &seen, sizeof seen)
                               : write(cfd[1], why, strlen(why) + 1);
            _exit(w <= 0 ? 2 : r == 0 ? 0 : 1);
        }
        close(cfd[1]);
        char msg[512] = "";
        size_t got = 0;
        ssize_t n;
        while (got < sizeof msg - 1 && (n = read(cfd[0], msg + got, sizeof msg - 1 - got)) > 0)
            got += (size_t)n;
        close(cfd[0]);
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "cycle %d (acknowledged %llu): %s", cycle, (unsigned long long)acked,
                  got > 0 ? msg : "checker crashed");
        cr_assert_eq(got, 8);
        memcpy(&base, msg, 8);
    }
    cr_log_info("crash test: %d kills (%llu before the database was open), %llu "
                "acknowledged changes, %llu ms", CYCLES, (unsigned long long)kills_before_open,
                (unsigned long long)changes, (unsigned long long)(now_ms() - t0));
    /* The kills must have been spread over many state changes. */
    cr_assert_geq(changes, 50, "only %llu changes", (unsigned long long)changes);
    cr_assert_geq(kills_mid_run, 30);
    sh_rng_free(rng);
}
