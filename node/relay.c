/* node/relay.c -- the relay's lifecycle: init, start, signals, reload,
 * periodic work, shutdown.  See relay.h. */
#define _XOPEN_SOURCE 700   /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "node/relay.h"
#include "node/relay_impl.h"

#define CONTACT_FILE "contact"
#define PID_FILE "relay.pid"
#define DB_DIR "db"

static int setup_bootstrap(relay *r);
static int path_join(char *out, size_t n, const char *dir, const char *name)
{
    int w = snprintf(out, n, "%s/%s", dir, name);
    return w > 0 && (size_t)w < n ? 0 : SH_ERR_OVERSIZE;
}

/* ---- logging ----------------------------------------------------------------- */

typedef struct log_ctx {
    FILE *f;
    node_log_format fmt;
} log_ctx;

static log_ctx g_logctx;   /* the one sink of this process (a daemon) */

static void log_sink(void *ctx, sh_log_level level, const char *module, const char *msg)
{
    log_ctx *c = ctx;
    FILE *f = c->f != NULL ? c->f : stderr;
    int journal = c->fmt == NODE_LOG_SYSTEMD ||
                  (c->fmt == NODE_LOG_AUTO && getenv("JOURNAL_STREAM") != NULL && c->f == NULL);
    if (journal) {
        /* sd-daemon(3) priorities: err 3, warning 4, notice 5, info 6, debug 7 */
        static const int prio[] = { 7, 6, 5, 4, 3 };
        fprintf(f, "<%d>%s: %s\n", prio[level <= SH_LOG_ERR ? level : SH_LOG_ERR], module, msg);
    } else {
        char ts[32];
        struct timespec now;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &now);
        gmtime_r(&now.tv_sec, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(f, "%s.%03ldZ %-6s %s: %s\n", ts, now.tv_nsec / 1000000,
                sh_log_level_name(level), module, msg);
    }
    fflush(f);
}

static int log_open(relay *r, const node_config *c, char *err, size_t n)
{
    FILE *f = NULL;
    if (c->log_file[0] != '\0') {
        int fd = open(c->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
            sh_errf(err, n, "cannot open log file %s: %s", c->log_file, strerror(errno));
            if (fd >= 0)
                close(fd);
            return SH_ERR_IO;
        }
    }
    if (r->logf != NULL)
        fclose(r->logf);
    r->logf = f;
    g_logctx.f = f;
    g_logctx.fmt = c->log_format;
    r->log.level = c->log_level;
    r->log.sink = log_sink;
    r->log.sink_ctx = &g_logctx;
    return 0;
}

/* ---- keys ----------------------------------------------------------------------- */

/* The passphrase from a file or an environment variable, in sodium_malloc
 * memory (freed by the caller with sodium_free).  `what` names the
 * setting in the error ("keys.passphrase_env", "--passphrase-env"). */
static int read_passphrase(const char *file, const char *env, const char *what,
                           char **pass, size_t *plen, char *err, size_t n)
{
    if (file != NULL && file[0] != '\0')
        return node_passphrase_read_file(file, pass, plen, err, n);
    const char *e = getenv(env);
    if (e == NULL || *e == '\0') {
        sh_errf(err, n, "environment variable %s (%s) is not set or empty: the passphrase is "
                "needed to seal the keys at init and to open them at every start", env, what);
        return SH_ERR_STATE;
    }
    *plen = strlen(e);
    if ((*pass = sodium_malloc(*plen + 1)) == NULL)
        return SH_ERR_NOMEM;
    memcpy(*pass, e, *plen + 1);
    return 0;
}

static int kek_from_config(const node_config *c, const uint8_t *blob, size_t blen,
                           node_kek **out, char *err, size_t n)
{
    if (c->key_file[0] != '\0')
        return node_kek_from_keyfile(out, c->key_file, err, n);
    node_keyblob_hdr h;
    int rc = node_keyblob_parse(blob, blen, &h, err, n);
    if (rc != 0)
        return rc;
    char *pass = NULL;
    size_t plen = 0;
    if ((rc = read_passphrase(c->passphrase_file, c->passphrase_env, "keys.passphrase_env",
                              &pass, &plen, err, n)) != 0)
        return rc;
    rc = node_kek_from_passphrase(out, pass, plen, h.salt, h.opslimit, (size_t)h.memlimit,
                                  err, n);
    sodium_free(pass);
    return rc;
}

static int unlock_keys(relay *r, char *err, size_t n)
{
    static const uint8_t key[] = "keys";
    sh_buf blob;
    sh_buf_init(&blob);
    int rc = node_store_get(r->store, NODE_CF_IDENTITY, key, sizeof key - 1, &blob);
    if (rc == 1) {
        sh_errf(err, n, "no keys in %s/%s: was this directory made by `shroud relay init`?",
             r->cfg.data_dir, DB_DIR);
        rc = SH_ERR_STATE;
    } else if (rc != 0) {
        sh_errf(err, n, "cannot read the keys: %s", sh_err_str(rc));
    }
    node_kek *kek = NULL;
    if (rc == 0)
        rc = kek_from_config(&r->cfg, blob.data, blob.len, &kek, err, n);
    if (rc == 0)
        rc = node_keys_open(blob.data, blob.len, kek, &r->keys, err, n);
    node_kek_free(kek);
    sh_buf_free(&blob);
    return rc;
}

/* ---- periodic work ------------------------------------------------------------------ */

static void on_refresh(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    relay *r = arg;
    if (relay_issue_descriptor(r, 1) != 0)
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot re-issue our descriptor");
}

static void arm_epoch(relay *r)
{
    uint64_t now = relay_wall_ns() / 1000000000ULL, es = r->cfg.epoch_s;
    struct timeval tv = { .tv_sec = (time_t)(es - now % es), .tv_usec = 0 };
    event_add(r->ev_epoch, &tv);
}

static void on_epoch(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    relay *r = arg;
    uint64_t e = relay_wall_ns() / 1000000000ULL / r->cfg.epoch_s;
    if (e != r->epoch) {
        r->epoch = e;
        sh_log_msg(&r->log, SH_LOG_NOTICE, "node", "epoch %llu", (unsigned long long)e);
        /* Replay tags are kept for the current and the previous epoch
         * (the onion-key grace period); older ones go whole. */
        uint64_t eps[64];
        size_t ne = node_store_replay_epochs(r->store, eps, 64);
        mix_replay rp;
        if (ne > 0 && node_store_replay(r->store, &rp) == 0) {
            for (size_t i = 0; i < ne && i < 64; i++)
                if (eps[i] + 1 < e && mix_replay_drop_epoch(&rp, eps[i]) != 0)
                    r->store_errors++;
            mix_replay_free(&rp);
        }
        if (relay_issue_descriptor(r, 1) != 0)
            sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot re-issue our descriptor");
    }
    arm_epoch(r);
}

static void on_sync(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    relay *r = arg;
    relay_send_sync(r);
    /* Say so when the relay stays alone: an unreachable or mistyped
     * bootstrap is otherwise silent.  At most once a minute. */
    sh_peer_id act[1];
    uint64_t now = relay_mono_ns();
    if (gossip_active_view(r->gossip.self, act, 1) == 0 &&
        now - r->start_ns > 30ULL * 1000000000ULL &&
        (r->lonely_logged_ns == 0 || now - r->lonely_logged_ns > 60ULL * 1000000000ULL)) {
        r->lonely_logged_ns = now;
        sh_log_msg(&r->log, SH_LOG_WARN, "node",
                   "no gossip neighbours yet (%zu relays known, %u bootstrap): check the "
                   "bootstrap lines (identity, transport key, address) and the firewall",
                   node_registry_count(r->reg), r->n_boot);
    }
}

static void on_announce(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    relay *r = arg;
    if (relay_issue_descriptor(r, 1) != 0)
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot issue our descriptor");
}

/* ---- signals ------------------------------------------------------------------------- */

static void stop_relay(relay *r)
{
    if (r->stopping)
        return;
    sh_log_msg(&r->log, SH_LOG_NOTICE, "node", "shutting down");
    if (r->gossip_started) {
        relay_save_active(r);
        sh_proto_stop(&r->gossip);   /* DISCONNECT to the neighbours */
    }
    r->stopping = 1;
    event_base_loopbreak(r->base);
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    relay *r = arg;
    sh_log_msg(&r->log, SH_LOG_NOTICE, "node", "signal %d", (int)sig);
    stop_relay(r);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    relay *r = arg;
    node_config nc;
    char err[512];
    if (node_config_load(&nc, r->cfg.path, err, sizeof err) != 0 ||
        node_config_reload_check(&r->cfg, &nc, err, sizeof err) != 0) {
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "reload refused, keeping the running "
                   "configuration: %s", err);
        return;
    }
    if (log_open(r, &nc, err, sizeof err) != 0) {
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "reload: %s", err);
        return;
    }
    int redo_desc = nc.capacity != r->cfg.capacity;
    r->cfg = nc;
    r->reloads++;
    sh_log_msg(&r->log, SH_LOG_NOTICE, "node", "configuration reloaded from %s", nc.path);
    if (redo_desc && relay_issue_descriptor(r, 1) != 0)
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot re-issue our descriptor");
}

/* ---- start ------------------------------------------------------------------------------ */

/* The eclipse defences cap neighbours per address group (a /16).  On
 * loopback every relay shares one address, so grouping would cap a local
 * testnet at two neighbours per relay: loopback relays are each their own
 * group (docs/node.md). */
static uint32_t group_of(void *arg, sh_peer_id peer)
{
    relay *r = arg;
    node_peer *p = node_registry_get(r->reg, peer);
    if (p == NULL)
        return peer;
    const gossip_addr *a = &p->desc.addrs[0];
    static const uint8_t v6_loop[16] = { [15] = 1 };
    if ((a->family == GOSSIP_AF_INET && a->ip[0] == 127) ||
        (a->family == GOSSIP_AF_INET6 && memcmp(a->ip, v6_loop, 16) == 0))
        return peer;
    return gossip_addr_group(a);
}

static int setup_bootstrap(relay *r)
{
    for (uint32_t i = 0; i < r->cfg.n_bootstrap; i++) {
        const node_bootstrap *b = &r->cfg.bootstrap[i];
        if (memcmp(b->identity, r->keys->identity_pk, 32) == 0)
            continue;   /* the first relay of a network may list itself */
        relay_boot *e = &r->boot[r->n_boot++];
        e->id = node_peer_id(b->identity);
        memcpy(e->identity, b->identity, 32);
        memcpy(e->transport, b->transport, 32);
        char ep[sizeof e->endpoint];
        snprintf(ep, sizeof ep, "tcp://%s", b->addr.text);   /* "[v6]:port" already bracketed */
        memcpy(e->endpoint, ep, sizeof ep);
    }
    return 0;
}

static int start_gossip(relay *r)
{
    gossip_cfg *g = &r->gcfg;
    gossip_cfg_default(g, 1000);
    g->crypto = &gossip_crypto_full;
    memcpy(g->identity_sk, r->keys->identity_sk, GOSSIP_SK_BYTES);
    g->tick_ns = (uint64_t)r->cfg.tick_ms * 1000000ULL;
    g->graft_ns = g->tick_ns * 3 / 10;
    if (r->cfg.active_view)
        g->active_max = r->cfg.active_view;
    if (r->cfg.passive_view)
        g->passive_max = r->cfg.passive_view;
    else
        g->passive_max = 6 * g->active_max;
    g->group_of = group_of;
    g->group_arg = r;
    /* Contacts: the bootstrap relays, then the neighbours we had. */
    for (uint32_t i = 0; i < r->n_boot && g->n_contacts < GOSSIP_MAX_CONTACTS; i++)
        g->contacts[g->n_contacts++] = r->boot[i].id;
    sh_peer_id prev[GOSSIP_MAX_ACTIVE];
    size_t np = relay_load_active(r, prev, GOSSIP_MAX_ACTIVE);
    for (size_t i = 0; i < np && g->n_contacts < GOSSIP_MAX_CONTACTS; i++) {
        int dup = 0;
        for (uint32_t k = 0; k < g->n_contacts; k++)
            dup |= g->contacts[k] == prev[i];
        if (!dup)
            g->contacts[g->n_contacts++] = prev[i];
    }
    for (uint32_t i = 0; i < r->n_boot && g->n_anchors < GOSSIP_PT_MAX_ANCHORS; i++)
        g->anchors[g->n_anchors++] = r->boot[i].id;

    r->drv.ops = &relay_driver_ops;
    r->drv.ctx = r;
    r->drv.rng = r->rng;
    r->drv.log = &r->log;
    r->drv.self = r->self;
    r->drv.n_peers = UINT32_MAX;
    int rc = gossip_new(g, &r->drv, &r->gossip);
    sodium_memzero(g->identity_sk, sizeof g->identity_sk);
    if (rc != 0)
        return rc;
    r->gossip_started = 1;
    rc = sh_proto_start(&r->gossip);
    relay_after_gossip(r);
    return rc;
}

static int write_pid(relay *r)
{
    if (path_join(r->pid_path, sizeof r->pid_path, r->cfg.data_dir, PID_FILE) != 0)
        return SH_ERR_OVERSIZE;
    FILE *f = fopen(r->pid_path, "w");
    if (f == NULL)
        return SH_ERR_IO;
    fprintf(f, "%ld\n", (long)getpid());
    return fclose(f) == 0 ? 0 : SH_ERR_IO;
}

static struct event *add_periodic(relay *r, event_callback_fn fn, uint64_t ms)
{
    struct event *ev = event_new(r->base, -1, EV_PERSIST, fn, r);
    struct timeval tv = { .tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000 };
    if (ev != NULL && event_add(ev, &tv) != 0) {
        event_free(ev);
        return NULL;
    }
    return ev;
}

static int relay_start(relay *r, const char *config_path, char *err, size_t n)
{
    int rc = node_config_load(&r->cfg, config_path, err, n);
    if (rc != 0)
        return rc;
    if ((rc = log_open(r, &r->cfg, err, n)) != 0)
        return rc;
    if ((rc = node_path_check_private(r->cfg.data_dir, 1, err, n)) != 0)
        return rc;
    char db[PATH_MAX];
    if (path_join(db, sizeof db, r->cfg.data_dir, DB_DIR) != 0) {
        sh_errf(err, n, "data_dir is too long");
        return SH_ERR_OVERSIZE;
    }
    if ((rc = node_store_open(&r->store, db, err, n)) != 0)
        return rc;
    if ((rc = unlock_keys(r, err, n)) != 0)
        return rc;
    r->self = node_peer_id(r->keys->identity_pk);
    r->rng = sh_rng_os_new();
    sh_buf_init(&r->tx);
    static const double lat_b[] = { 1, 2, 5, 10, 20, 30, 60, 120, 300 };
    static const double hop_b[] = { 1, 2, 3, 4, 5, 6, 8, 10, 15, 20 };
    if (r->rng == NULL || node_registry_new(&r->reg) != 0 ||
        node_prom_hist_init(&r->lat_hist, lat_b, sizeof lat_b / sizeof *lat_b) != 0 ||
        node_prom_hist_init(&r->hops_hist, hop_b, sizeof hop_b / sizeof *hop_b) != 0) {
        sh_errf(err, n, "out of memory");
        return SH_ERR_NOMEM;
    }
    if ((rc = relay_load_peers(r)) != 0) {
        sh_errf(err, n, "cannot load the peer table: %s", sh_err_str(rc));
        return rc;
    }
    (void)setup_bootstrap(r);
    r->base = event_base_new();
    if (r->base == NULL) {
        sh_errf(err, n, "cannot create the event loop");
        return SH_ERR_NOMEM;
    }
    char ep[96];
    snprintf(ep, sizeof ep, "tcp://%s", r->cfg.listen.text);
    node_transport_cfg tc = {
        .listen = ep, .public_key = r->keys->transport_pk, .secret_key = r->keys->transport_sk,
        .max_message = r->cfg.max_message, .queue_max = r->cfg.queue_max,
        .idle_timeout_s = r->cfg.idle_timeout_s, .linger_ms = 500,
    };
    node_transport_cb cb = { .on_message = relay_on_message, .admit = relay_admit,
                             .on_refused = relay_on_refused, .arg = r };
    if ((rc = node_transport_new(&r->tp, r->base, &tc, &cb, err, n)) != 0)
        return rc;
    r->start_ns = relay_mono_ns();
    r->epoch = relay_wall_ns() / 1000000000ULL / r->cfg.epoch_s;
    if ((rc = relay_issue_descriptor(r, 0)) != 0) {
        sh_errf(err, n, "cannot sign our descriptor: %s", sh_err_str(rc));
        return rc;
    }
    if (r->cfg.control.port != 0) {
        char token[NODE_CONTROL_TOKEN_HEX + 1];
        if ((rc = node_control_token_load(r->cfg.token_file, token, err, n)) != 0)
            return rc;
        char h[64];
        if ((rc = node_addr_host(&r->cfg.control, h, sizeof h)) != 0)
            return rc;
        node_control_cfg cc = { .host = h, .port = r->cfg.control.port, .token = token,
                                .status = relay_status_json, .metrics = relay_metrics_text,
                                .arg = r };
        char cerr[512] = "";
        rc = node_control_new(&r->ctl, r->base, &cc, cerr, sizeof cerr);
        sodium_memzero(token, sizeof token);
        if (rc != 0) {
            sh_errf(err, n, "[control] listen = %s: %s", r->cfg.control.text, cerr);
            return rc;
        }
    }
    r->ev_term = evsignal_new(r->base, SIGTERM, on_stop_signal, r);
    r->ev_int = evsignal_new(r->base, SIGINT, on_stop_signal, r);
    r->ev_hup = evsignal_new(r->base, SIGHUP, on_hup, r);
    r->ev_epoch = evtimer_new(r->base, on_epoch, r);
    r->ev_announce = evtimer_new(r->base, on_announce, r);
    uint64_t refresh_ms = (uint64_t)r->cfg.descriptor_lifetime_s * 1000 / 4;
    r->ev_refresh = add_periodic(r, on_refresh, refresh_ms);
    r->ev_sync = add_periodic(r, on_sync, 10ULL * r->cfg.tick_ms);
    if (r->ev_term == NULL || r->ev_int == NULL || r->ev_hup == NULL || r->ev_epoch == NULL ||
        r->ev_announce == NULL || r->ev_refresh == NULL || r->ev_sync == NULL ||
        event_add(r->ev_term, NULL) != 0 || event_add(r->ev_int, NULL) != 0 ||
        event_add(r->ev_hup, NULL) != 0) {
        sh_errf(err, n, "cannot set up signals and timers");
        return SH_ERR_NOMEM;
    }
    arm_epoch(r);
    if ((rc = start_gossip(r)) != 0) {
        sh_errf(err, n, "cannot start gossip: %s", sh_err_str(rc));
        return rc;
    }
    if (write_pid(r) != 0)
        sh_log_msg(&r->log, SH_LOG_WARN, "node", "cannot write %s", r->pid_path);
    char id[17];
    sodium_bin2hex(id, sizeof id, r->keys->identity_pk, 8);
    sh_log_msg(&r->log, SH_LOG_NOTICE, "node",
               "relay %s (%s) listening on %s, %zu relays known, %u bootstrap",
               r->cfg.nickname, id, r->cfg.listen.text, node_registry_count(r->reg), r->n_boot);
    return 0;
}

static void relay_free(relay *r)
{
    struct event *evs[] = { r->ev_term, r->ev_int, r->ev_hup, r->ev_refresh, r->ev_epoch,
                            r->ev_sync, r->ev_announce };
    for (size_t i = 0; i < sizeof evs / sizeof *evs; i++)
        if (evs[i] != NULL)
            event_free(evs[i]);
    node_control_free(r->ctl);
    sh_proto_free(&r->gossip);
    relay_timers_free(r);
    node_transport_free(r->tp);   /* flushes queued messages for linger_ms */
    node_registry_free(r->reg);
    node_store_free(r->store);
    node_keys_free(r->keys);
    sh_rng_free(r->rng);
    sh_buf_free(&r->tx);
    if (r->base != NULL)
        event_base_free(r->base);
    if (r->pid_path[0] != '\0')
        unlink(r->pid_path);
    if (r->logf != NULL)
        fclose(r->logf);
    g_logctx.f = NULL;
}

int node_relay_run(const char *config_path)
{
    relay *r = calloc(1, sizeof *r);
    if (r == NULL) {
        fputs("shroud relay: out of memory\n", stderr);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    char err[1024] = "";
    int rc = relay_start(r, config_path, err, sizeof err);
    if (rc != 0) {
        if (err[0] == '\0')
            snprintf(err, sizeof err, "%s", sh_err_str(rc));
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot start: %s", err);
        if (r->log.sink == NULL || r->logf != NULL)
            fprintf(stderr, "shroud relay: cannot start: %s\n", err);
        relay_free(r);
        free(r);
        return 1;
    }
    event_base_dispatch(r->base);
    sh_log_msg(&r->log, SH_LOG_NOTICE, "node", "stopped");
    int code = r->exit_code;
    relay_free(r);
    free(r);
    return code;
}

/* ---- init ------------------------------------------------------------------------------------ */

static int dir_usable(const char *dir, char *err, size_t n)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno != ENOENT) {
            sh_errf(err, n, "%s: %s", dir, strerror(errno));
            return SH_ERR_IO;
        }
        if (mkdir(dir, 0700) != 0) {
            sh_errf(err, n, "cannot create %s: %s", dir, strerror(errno));
            return SH_ERR_IO;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        sh_errf(err, n, "%s exists and is not a directory", dir);
        return SH_ERR_STATE;
    }
    char probe[PATH_MAX];
    const char *names[] = { "relay.ini", DB_DIR, "relay.key", "control.token" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (path_join(probe, sizeof probe, dir, names[i]) != 0)
            return SH_ERR_OVERSIZE;
        if (access(probe, F_OK) == 0) {
            sh_errf(err, n, "%s already holds a relay (%s exists); use another directory", dir,
                 names[i]);
            return SH_ERR_STATE;
        }
    }
    if (chmod(dir, 0700) != 0) {
        sh_errf(err, n, "cannot chmod 700 %s: %s", dir, strerror(errno));
        return SH_ERR_IO;
    }
    return 0;
}

static int init_kek(const node_relay_init_opts *o, const char *dir, node_kek **kek,
                    char *keyfile, size_t kfn, char *err, size_t n)
{
    int rc;
    keyfile[0] = '\0';
    if (o->passphrase_file == NULL && o->passphrase_env == NULL) {
        if ((rc = path_join(keyfile, kfn, dir, "relay.key")) != 0)
            return rc;
        if ((rc = node_keyfile_create(keyfile, err, n)) != 0)
            return rc;
        return node_kek_from_keyfile(kek, keyfile, err, n);
    }
    char *pass = NULL;
    size_t plen = 0;
    if ((rc = read_passphrase(o->passphrase_file, o->passphrase_env, "--passphrase-env",
                              &pass, &plen, err, n)) != 0)
        return rc;
    rc = node_kek_from_passphrase(kek, pass, plen, NULL,   /* NULL: a fresh salt */
                                  o->fast_kdf ? crypto_pwhash_OPSLIMIT_MIN
                                              : crypto_pwhash_OPSLIMIT_MODERATE,
                                  o->fast_kdf ? crypto_pwhash_MEMLIMIT_MIN
                                              : crypto_pwhash_MEMLIMIT_MODERATE,
                                  err, n);
    sodium_free(pass);
    return rc;
}

static int write_contact(const char *dir, const char *line, char *err, size_t n)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, dir, CONTACT_FILE) != 0)
        return SH_ERR_OVERSIZE;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        sh_errf(err, n, "cannot write %s: %s", path, strerror(errno));
        return SH_ERR_IO;
    }
    size_t len = strlen(line);
    int ok = write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        sh_errf(err, n, "cannot write %s", path);
        return SH_ERR_IO;
    }
    return 0;
}

/* Undo a failed init: remove what it created, so that the operator can
 * simply run it again with the mistake fixed. */
static void init_cleanup(const char *dir, int created_dir)
{
    static const char *const names[] = { "relay.ini.partial", "relay.ini", "relay.key",
                                         "control.token", CONTACT_FILE };
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (path_join(p, sizeof p, dir, names[i]) == 0)
            unlink(p);
    char err[256];
    if (path_join(p, sizeof p, dir, DB_DIR) == 0 && node_store_destroy(p, err, sizeof err) != 0)
        fprintf(stderr, "shroud relay init: %s\n", err);
    if (created_dir)
        rmdir(dir);
}

int node_relay_init(const node_relay_init_opts *o, FILE *out, char *err, size_t n)
{
    if (o == NULL || o->dir == NULL || (o->passphrase_file != NULL && o->passphrase_env != NULL)) {
        sh_errf(err, n, "relay init: a directory, and at most one passphrase source");
        return SH_ERR_ARG;
    }
    const char *listen = o->listen ? o->listen : "127.0.0.1:9001";
    node_addr la;
    if (node_addr_parse(&la, listen) != 0) {
        sh_errf(err, n, "--listen %s: expected IP:PORT with a numeric IPv4 or [IPv6] address "
                "and a port 1..65535", listen);
        return SH_ERR_FORMAT;
    }
    /* The passphrase file is written into relay.ini: make it absolute, so
     * that the relay finds it whatever its working directory. */
    char passfile[PATH_MAX];
    if (o->passphrase_file != NULL && realpath(o->passphrase_file, passfile) == NULL) {
        sh_errf(err, n, "--passphrase-file %s: %s", o->passphrase_file, strerror(errno));
        return SH_ERR_IO;
    }
    struct stat st0;
    int created_dir = lstat(o->dir, &st0) != 0;
    char dir[PATH_MAX];
    int rc = dir_usable(o->dir, err, n);
    if (rc != 0)
        return rc;
    if (realpath(o->dir, dir) == NULL) {
        sh_errf(err, n, "%s: %s", o->dir, strerror(errno));
        return SH_ERR_IO;
    }
    node_keys *keys = NULL;
    node_kek *kek = NULL;
    node_store *st = NULL;
    char keyfile[PATH_MAX] = "", path[PATH_MAX], partial[PATH_MAX], db[PATH_MAX];
    /* relay.ini first, under a temporary name: it checks every option
     * before anything else is made, and its final rename marks a complete
     * relay directory. */
    node_config_init ci = {
        .nickname = o->nickname ? o->nickname : "relay",
        .data_dir = ".",
        .listen = la.text,
        .control_listen = o->control ? o->control : "127.0.0.1:9101",
        .key_file = (o->passphrase_file || o->passphrase_env) ? NULL : "relay.key",
        .passphrase_file = o->passphrase_file ? passfile : NULL,
        .passphrase_env = o->passphrase_env,
        .bootstrap = o->bootstrap,
        .n_bootstrap = o->n_bootstrap,
        .tick_ms = o->tick_ms,
    };
    char cerr[512] = "";
    if ((rc = path_join(partial, sizeof partial, dir, "relay.ini.partial")) != 0 ||
        (rc = path_join(path, sizeof path, dir, "relay.ini")) != 0)
        goto done;
    if ((rc = node_config_write(partial, &ci, cerr, sizeof cerr)) != 0) {
        /* the writer names a line of the file it generated; say which
         * option that came from instead */
        const char *m = strstr(cerr, ".partial:");
        if (m != NULL) {
            m += strlen(".partial:");
            m += strspn(m, "0123456789");
            m += strspn(m, ": ");
        } else {
            m = cerr;
        }
        sh_errf(err, n, "invalid option: %s", m);
        goto done;
    }
    if ((rc = node_keys_generate(&keys)) != 0) {
        sh_errf(err, n, "cannot generate keys: %s", sh_err_str(rc));
        goto done;
    }
    if ((rc = init_kek(o, dir, &kek, keyfile, sizeof keyfile, err, n)) != 0)
        goto done;
    if ((rc = path_join(db, sizeof db, dir, DB_DIR)) != 0 ||
        (rc = node_store_open(&st, db, err, n)) != 0)
        goto done;
    if ((rc = node_store_save_keys(st, keys, kek)) != 0) {
        sh_errf(err, n, "cannot store the keys: %s", sh_err_str(rc));
        goto done;
    }
    char tok[PATH_MAX];
    if ((rc = path_join(tok, sizeof tok, dir, "control.token")) != 0 ||
        (rc = node_control_token_create(tok, err, n)) != 0)
        goto done;
    char idhex[65], tkhex[65], contact[256];
    sodium_bin2hex(idhex, sizeof idhex, keys->identity_pk, 32);
    sodium_bin2hex(tkhex, sizeof tkhex, keys->transport_pk, 32);
    snprintf(contact, sizeof contact, "%s %s %s", idhex, tkhex, la.text);
    if ((rc = write_contact(dir, contact, err, n)) != 0)
        goto done;
    if (rename(partial, path) != 0) {
        sh_errf(err, n, "cannot rename %s: %s", partial, strerror(errno));
        rc = SH_ERR_IO;
        goto done;
    }
    if (out != NULL)
        fprintf(out, "created relay in %s\n"
                     "  config:    %s/relay.ini\n"
                     "  identity:  %s\n"
                     "  transport: %s\n"
                     "other relays reach this one with (shroud relay contact prints it again):\n"
                     "  %s\n",
                dir, dir, idhex, tkhex, contact);
done:
    node_store_free(st);
    node_kek_free(kek);
    node_keys_free(keys);
    if (rc != 0)
        init_cleanup(dir, created_dir);
    return rc;
}

int node_relay_contact(const char *config_path, char *out, size_t n, char *err, size_t errlen)
{
    node_config c;
    int rc = node_config_load(&c, config_path, err, errlen);
    if (rc != 0)
        return rc;
    /* The keys come from the contact file written at init (public, and
     * readable while the relay runs and holds the store's lock); the
     * address from relay.ini as it is now, so that a changed listen or
     * advertise is reflected. */
    char path[PATH_MAX], line[512];
    if (path_join(path, sizeof path, c.data_dir, CONTACT_FILE) != 0)
        return SH_ERR_OVERSIZE;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        sh_errf(err, errlen, "cannot read %s (written by relay init): %s", path, strerror(errno));
        return SH_ERR_IO;
    }
    char *ok = fgets(line, (int)sizeof line, f);
    fclose(f);
    if (ok == NULL || strlen(line) < 129 || line[64] != ' ' || line[129] != ' ') {
        sh_errf(err, errlen, "%s is damaged", path);
        return SH_ERR_FORMAT;
    }
    line[129] = '\0';
    int w = snprintf(out, n, "%s %s", line, c.advertise[0].text);
    return w > 0 && (size_t)w < n ? 0 : SH_ERR_OVERSIZE;
}
