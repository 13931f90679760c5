/* sim/run.c -- a simulation run from a scenario (see run.h). */
#include "sim/run.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>

#include "sim/crypto.h"
#include "sim/faults.h"
#include "util/json.h"

struct sim_run {
    const sim_scenario *sc;
    const sim_proto_desc *desc;
    void *pcfg;
    sim_crypto *crypto;
    sim_net *net;
    sim_engine *eng;
    sim_faults *faults;
    sim_metrics *met;
    uint8_t *byz;
    const char *bnames[SIM_MAX_BEHAVIOURS];
    uint32_t n_bnames;
    uint8_t *up0;
    sh_rng *work;
    uint64_t next_id;          /* next broadcast id */
    uint64_t last_conn;        /* time of the last connectivity sample */
    int finished;
    int failed;                /* an internal error in a control event */
};

/* ---- engine callbacks ----------------------------------------------------------- */

static int factory(void *arg, uint32_t node, uint32_t inc, const sh_driver *drv, sh_proto *out)
{
    sim_run *r = arg;
    return r->desc->create(r->pcfg, node, inc, drv, out);
}

static void on_deliver(void *arg, uint32_t node, uint64_t time, uint32_t kind,
                       const uint8_t *data, size_t len)
{
    sim_run *r = arg;
    sim_obs obs;
    memset(&obs, 0, sizeof obs);
    r->desc->observe(r->pcfg, kind, data, len, &obs);
    if (obs.type != SIM_OBS_NONE)
        sim_metrics_observe(r->met, r->eng, node, time, &obs);
}

static void on_reject(void *arg, uint32_t node, uint32_t from, int code, const char *reason)
{
    (void)node;
    (void)from;
    (void)code;
    sim_run *r = arg;
    sim_metrics_reject(r->met, reason);
}

/* ---- workload and sampling --------------------------------------------------------- */

static int honest(const sim_run *r, uint32_t i)
{
    return r->byz[i] == 0;
}

static void on_broadcast(sim_engine *e, void *arg, uint64_t now)
{
    sim_run *r = arg;
    const sim_scenario *sc = r->sc;
    uint32_t n = sc->relays, origin = UINT32_MAX, pop = 0;
    for (uint32_t i = 0; i < n; i++)
        pop += (uint32_t)(sim_engine_is_up(e, i) && honest(r, i));
    if (pop > 0) {
        for (int t = 0; t < 64 && origin == UINT32_MAX; t++) {
            uint32_t c = (uint32_t)sh_rng_uniform(r->work, n);
            if (sim_engine_is_up(e, c) && honest(r, c))
                origin = c;
        }
        if (origin == UINT32_MAX) {        /* few up: the k-th honest up relay */
            uint64_t k = sh_rng_uniform(r->work, pop);
            for (uint32_t i = 0; i < n && origin == UINT32_MAX; i++)
                if (sim_engine_is_up(e, i) && honest(r, i) && k-- == 0)
                    origin = i;
        }
    }
    if (origin != UINT32_MAX) {
        uint64_t id = r->next_id++;
        uint8_t buf[256];
        size_t len = 0;
        uint32_t kind = 0;
        int rc = r->desc->broadcast_request(r->pcfg, id, &kind, buf, sizeof buf, &len);
        if (rc == 0 && id <= sc->max_tracked)
            rc = sim_metrics_track(r->met, id, origin, now, pop);
        if (rc == 0)
            rc = sim_engine_request(e, origin, now, kind, buf, len);
        if (rc != 0)
            r->failed = rc;
    }
    uint64_t period = (uint64_t)llround(1e9 / sc->broadcast_per_s);
    uint64_t next = now + (period ? period : 1);
    if (next <= sc->broadcast_stop_ns && next < sc->duration_ns &&
        sim_engine_at(e, next, on_broadcast, r) != 0)
        r->failed = SH_ERR_NOMEM;
}

static void on_sample(sim_engine *e, void *arg, uint64_t now)
{
    sim_run *r = arg;
    const sim_scenario *sc = r->sc;
    int last = now >= sc->duration_ns;
    int conn = sc->connectivity_ns > 0 &&
               (last || now >= r->last_conn + sc->connectivity_ns);
    if (conn)
        r->last_conn = now;
    int rc = sim_metrics_sample(r->met, e, now, r->desc, conn);
    if (rc != 0)
        r->failed = rc;
    if (!last) {
        uint64_t next = now + sc->sample_ns;
        if (next > sc->duration_ns)
            next = sc->duration_ns;
        if (sim_engine_at(e, next, on_sample, r) != 0)
            r->failed = SH_ERR_NOMEM;
    }
}

/* ---- building ---------------------------------------------------------------------- */

void sim_run_free(sim_run *r)
{
    if (r == NULL)
        return;
    sim_engine_free(r->eng);      /* frees instances before their config */
    if (r->pcfg != NULL)
        r->desc->free_cfg(r->pcfg);
    sim_faults_free(r->faults);
    sim_metrics_free(r->met);
    sim_net_free(r->net);
    sim_crypto_free(r->crypto);
    sh_rng_free(r->work);
    free(r->byz);
    free(r->up0);
    free(r);
}

static sh_rng *stream(const uint8_t seed[SH_RNG_SEEDBYTES], const char *label)
{
    uint8_t s[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(s, seed, label, 0);
    sh_rng *g = sh_rng_chacha_new(s);
    sodium_memzero(s, sizeof s);
    return g;
}

/* Which relays are up at time 0: round(online_at_start * relays) of them. */
static int choose_online(sim_run *r)
{
    uint32_t n = r->sc->relays;
    uint32_t k = (uint32_t)floor(r->sc->online_at_start * n + 0.5);
    memset(r->up0, k == n, n);
    if (k == n)
        return 0;
    uint32_t *ids = malloc((size_t)n * sizeof *ids);
    sh_rng *g = stream(r->sc->seed, "online");
    if (ids == NULL || g == NULL) {
        free(ids);
        sh_rng_free(g);
        return SH_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++)
        ids[i] = i;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)sh_rng_uniform(g, n - i);
        uint32_t t = ids[i]; ids[i] = ids[j]; ids[j] = t;
        r->up0[ids[i]] = 1;
    }
    free(ids);
    sh_rng_free(g);
    return 0;
}

int sim_run_new(const sim_scenario *sc, const sim_proto_desc *proto, sim_run **out,
                char *err, size_t errlen)
{
    *out = NULL;
    if (sc == NULL)
        return SH_ERR_ARG;
    if (proto == NULL)
        proto = sim_registry_find(sc->protocol);
    if (proto == NULL) {
        sh_errf(err, errlen, "protocol.name: unknown protocol '%s'", sc->protocol);
        return SH_ERR_RANGE;
    }
    if (sc->broadcast_per_s > 0 && proto->broadcast_request == NULL) {
        sh_errf(err, errlen, "workload.broadcast_per_s: protocol %s has no broadcast",
               proto->name);
        return SH_ERR_RANGE;
    }
    sim_run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return SH_ERR_NOMEM;
    r->sc = sc;
    r->desc = proto;
    r->next_id = 1;
    r->byz = calloc(sc->relays, 1);
    r->up0 = calloc(sc->relays, 1);
    r->work = stream(sc->seed, "workload");
    int rc = (r->byz && r->up0 && r->work) ? 0 : SH_ERR_NOMEM;
    if (rc == 0 && (rc = sim_faults_byzantine(sc, r->byz, r->bnames, &r->n_bnames)) != 0)
        sh_errf(err, errlen, "faults: at most %d distinct byzantine behaviours", SIM_MAX_BEHAVIOURS);
    if (rc == 0)
        rc = choose_online(r);
    if (rc == 0 && (rc = sim_crypto_new(sc->fidelity, sc->relays, sc->seed, NULL,
                                        &r->crypto)) != 0)
        sh_errf(err, errlen, "cannot create the crypto provider: %s", sh_err_str(rc));
    if (rc == 0) {
        sim_proto_env env = { sc->relays, r->byz, r->bnames, r->n_bnames, r->crypto, { 0 } };
        memcpy(env.seed, sc->seed, sizeof env.seed);
        rc = proto->parse(sc->protocol_params, &env, &r->pcfg, err, errlen);
    }
    if (rc == 0) {
        sim_net_cfg nc = { sc->n_regions, (const char *const *)sc->region_names,
                           sc->latency_ns, sc->region_weights, sc->jitter, sc->jitter_ns,
                           sc->jitter_sigma, sc->bandwidth_bps, sc->overhead_bytes, sc->loss };
        if ((rc = sim_net_new(&nc, sc->relays, sc->seed, &r->net)) != 0)
            sh_errf(err, errlen, "network: invalid model (%s)", sh_err_str(rc));
    }
    if (rc == 0) {
        sim_metrics_cfg mc = { sc->relays, r->byz, sc->max_tracked, sc->curve_bin_ns,
                               sc->curve_bins, sc->duration_ns, r->net };
        rc = sim_metrics_new(&mc, &r->met);
    }
    if (rc == 0) {
        sim_engine_cfg ec;
        memset(&ec, 0, sizeof ec);
        ec.n_nodes = sc->relays;
        memcpy(ec.seed, sc->seed, sizeof ec.seed);
        ec.net = r->net;
        ec.max_msg = sc->max_message_bytes;
        ec.initially_up = r->up0;
        ec.factory = factory;
        ec.factory_arg = r;
        ec.on_deliver = on_deliver;
        ec.on_deliver_arg = r;
        ec.on_reject = on_reject;
        ec.on_reject_arg = r;
        ec.peer_keys = sim_crypto_public_keys(r->crypto);
        if ((rc = sim_engine_new(&ec, &r->eng)) != 0)
            sh_errf(err, errlen, "cannot create relays: %s", sh_err_str(rc));
    }
    if (rc == 0)
        rc = sim_faults_new(sc, r->eng, r->net, &r->faults);
    if (rc == 0 && sc->broadcast_per_s > 0 && sc->broadcast_start_ns < sc->duration_ns &&
        sc->broadcast_start_ns <= sc->broadcast_stop_ns)
        rc = sim_engine_at(r->eng, sc->broadcast_start_ns, on_broadcast, r);
    if (rc == 0)
        rc = sim_engine_at(r->eng, sc->sample_ns < sc->duration_ns ? sc->sample_ns
                                                                   : sc->duration_ns,
                           on_sample, r);
    if (rc != 0) {
        if (err != NULL && err[0] == '\0')
            sh_errf(err, errlen, "%s", sh_err_str(rc));
        sim_run_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- running --------------------------------------------------------------------- */

int sim_run_advance(sim_run *r, uint64_t max_events, int *done)
{
    *done = r->finished;
    if (r->finished)
        return 0;
    int rc = sim_engine_run(r->eng, r->sc->duration_ns, max_events);
    if (rc < 0)
        return rc;
    if (r->failed)
        return r->failed;
    if (rc == 0)
        r->finished = *done = 1;
    return 0;
}

int sim_run_all(sim_run *r)
{
    int done = 0;
    while (!done) {
        int rc = sim_run_advance(r, 1u << 20, &done);
        if (rc != 0)
            return rc;
    }
    return 0;
}

uint64_t sim_run_now(const sim_run *r)
{
    return r->finished ? r->sc->duration_ns : sim_engine_now(r->eng);
}

uint64_t sim_run_duration(const sim_run *r)
{
    return r->sc->duration_ns;
}

sim_engine *sim_run_engine(sim_run *r)
{
    return r->eng;
}

sim_net *sim_run_net(sim_run *r)
{
    return r->net;
}

const sim_metrics *sim_run_metrics(const sim_run *r)
{
    return r->met;
}

size_t sim_run_memory(const sim_run *r)
{
    return sim_engine_memory(r->eng) + sim_net_memory(r->net);
}

/* ---- output ------------------------------------------------------------------------ */

static int jset(json_t *o, const char *k, json_t *v)
{
    return json_object_set_new(o, k, v) == 0 ? 0 : SH_ERR_NOMEM;
}

static json_t *ju(uint64_t v)
{
    return json_integer((json_int_t)v);
}

json_t *sim_run_summary(sim_run *r)
{
    const sim_scenario *sc = r->sc;
    const sim_engine_totals *t = sim_engine_get_totals(r->eng);
    const sim_fault_stats *fs = sim_faults_stats(r->faults);
    char seed[65];
    sim_scenario_seed_hex(sc, seed);
    json_t *root = json_object(), *eng = json_object(), *net = json_object(),
           *flt = json_object(), *wl = json_object(), *reg = json_array();
    int rc = (root && eng && net && flt && wl && reg) ? 0 : SH_ERR_NOMEM;
    if (rc == 0) {
        rc |= jset(root, "scenario", json_string(sc->name));
        rc |= jset(root, "seed", json_string(seed));
        if (sc->seed_is_number)
            rc |= jset(root, "seed_number", ju(sc->seed_number));
        rc |= jset(root, "relays", ju(sc->relays));
        rc |= jset(root, "duration_s", json_real((double)sc->duration_ns / 1e9));
        rc |= jset(root, "fidelity", json_string(sc->fidelity == SIM_FIDELITY_FULL ? "full" : "fast"));
        rc |= jset(root, "protocol", json_string(r->desc->name));
        rc |= jset(root, "relays_up_at_end", ju(sim_engine_up_count(r->eng)));
        rc |= jset(root, "byzantine_relays", ju(0));
        uint32_t nbyz = 0;
        for (uint32_t i = 0; i < sc->relays; i++)
            nbyz += r->byz[i] != 0;
        rc |= jset(root, "byzantine_relays", ju(nbyz));
        for (uint32_t g = 0; g < sim_net_region_count(r->net); g++) {
            uint32_t c = 0;
            for (uint32_t i = 0; i < sc->relays; i++)
                c += sim_net_region_of(r->net, i) == g;
            json_t *o = json_pack("{s:s, s:I}", "name", sim_net_region_name(r->net, g),
                                  "relays", (json_int_t)c);
            rc |= (o == NULL || json_array_append_new(reg, o) != 0);
        }
        rc |= jset(eng, "events", ju(t->events));
        rc |= jset(eng, "handlers", ju(t->handlers));
        rc |= jset(eng, "requeued_busy_cpu", ju(t->requeued_busy));
        rc |= jset(eng, "peak_pending_events", ju(t->peak_pending));
        rc |= jset(eng, "timers_set", ju(t->timers_set));
        rc |= jset(eng, "timers_fired", ju(t->timers_fired));
        rc |= jset(eng, "timers_cancelled", ju(t->timers_cancelled));
        rc |= jset(eng, "results", ju(t->results));
        rc |= jset(eng, "rejects", ju(t->rejects));
        rc |= jset(eng, "handler_errors", ju(t->handler_errors));
        rc |= jset(eng, "driver_misuse", ju(t->misuse));
        rc |= jset(net, "messages_sent", ju(t->sent));
        rc |= jset(net, "bytes_sent", ju(t->bytes_sent));
        rc |= jset(net, "messages_lost", ju(t->lost));
        rc |= jset(net, "messages_received", ju(t->received));
        rc |= jset(net, "bytes_received", ju(t->bytes_received));
        rc |= jset(net, "dropped_at_down_relays", ju(t->dropped_down));
        rc |= jset(flt, "crashes", ju(fs->crashes));
        rc |= jset(flt, "leaves", ju(fs->leaves));
        rc |= jset(flt, "restarts", ju(fs->restarts));
        rc |= jset(flt, "joins", ju(fs->joins));
        rc |= jset(flt, "partitions", ju(fs->partitions));
        rc |= jset(flt, "heals", ju(fs->heals));
        rc |= jset(wl, "broadcasts", ju(r->next_id - 1));
        rc |= jset(root, "regions", reg);
        reg = NULL;
        rc |= jset(root, "engine", eng);
        eng = NULL;
        rc |= jset(root, "network", net);
        net = NULL;
        rc |= jset(root, "faults", flt);
        flt = NULL;
        rc |= jset(root, "workload", wl);
        wl = NULL;
    }
    if (rc == 0)
        rc = sim_metrics_summary(r->met, r->eng, root);
    json_decref(eng);
    json_decref(net);
    json_decref(flt);
    json_decref(wl);
    json_decref(reg);
    if (rc != 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* mkdir -p */
static int make_dir(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return SH_ERR_ARG;
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return SH_ERR_IO;
        p[i] = c;
    }
    return 0;
}

int sim_run_write(sim_run *r, const char *dir, char *err, size_t errlen)
{
    if (make_dir(dir) != 0) {
        sh_errf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return SH_ERR_IO;
    }
    json_t *sum = sim_run_summary(r);
    if (sum == NULL) {
        sh_errf(err, errlen, "out of memory");
        return SH_ERR_NOMEM;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    int rc = sh_json_write_file(path, sum, 0644, err, errlen);
    json_decref(sum);
    if (rc == 0)
        rc = sim_metrics_write(r->met, r->eng, r->net, dir, r->sc->plots,
                               r->sc->per_node_csv, err, errlen);
    return rc;
}
