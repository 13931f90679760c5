/* sim/metrics.c -- dissemination, overhead, suspicions, connectivity;
 * CSV, SVG and summary.json sections. */
#include "sim/metrics.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/svg.h"
#include "util/buf.h"

#define NB_CAP 1024           /* neighbours read per relay */
#define HOP_BINS 64           /* hop histogram per broadcast; the last bin is ">= 63" */

typedef struct track {
    uint64_t t0;
    uint32_t origin;
    uint32_t population;
    uint32_t count;           /* honest relays that learned it */
    uint64_t t_at[3];         /* ns after t0 to 50/99/100 %, UINT64_MAX: never */
    uint32_t h_at[3];         /* hops of the learner that crossed the threshold */
    uint32_t max_hops;
    uint64_t *bits;           /* learners */
    uint32_t hop_hist[HOP_BINS]; /* learners by hop count */
} track;

typedef struct srow {
    uint64_t t, events, sent, bytes, lost, received, dropped_down;
    uint64_t suspicions, false_suspicions;
    uint32_t up;
} srow;

typedef struct crow {
    uint64_t t;
    uint32_t up, largest, components, honest_up, eclipsed;
    uint32_t majority;        /* honest relays with more than half byzantine neighbours */
    uint64_t links, byz_links; /* honest relays' neighbour slots, held by byzantine ones */
} crow;

typedef struct named {
    const char *name;
    uint64_t count;
} named;

struct sim_metrics {
    sim_metrics_cfg cfg;
    track *tr;
    uint32_t n_tr;
    double *curve;            /* sum over broadcasts of learned fraction per bin */
    srow *rows;
    size_t n_rows, cap_rows;
    crow *crows;
    size_t n_crows, cap_crows;
    uint64_t suspicions, false_suspicions, learned_untracked;
    named *rej, *ctr;
    size_t n_rej, n_ctr, cap_rej, cap_ctr;
    uint32_t *uf;             /* union-find parents */
    uint32_t *ufsize;
    uint32_t *nb;
};

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, ncap * size);
    if (p == NULL)
        return SH_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

int sim_metrics_new(const sim_metrics_cfg *cfg, sim_metrics **out)
{
    *out = NULL;
    if (cfg == NULL || cfg->n_nodes == 0 || cfg->curve_bins == 0 || cfg->curve_bin_ns == 0)
        return SH_ERR_ARG;
    sim_metrics *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SH_ERR_NOMEM;
    m->cfg = *cfg;
    m->tr = calloc(cfg->max_tracked ? cfg->max_tracked : 1, sizeof *m->tr);
    m->curve = calloc(cfg->curve_bins, sizeof *m->curve);
    m->uf = malloc((size_t)cfg->n_nodes * sizeof *m->uf);
    m->ufsize = malloc((size_t)cfg->n_nodes * sizeof *m->ufsize);
    m->nb = malloc(NB_CAP * sizeof *m->nb);
    if (!m->tr || !m->curve || !m->uf || !m->ufsize || !m->nb) {
        sim_metrics_free(m);
        return SH_ERR_NOMEM;
    }
    *out = m;
    return 0;
}

void sim_metrics_free(sim_metrics *m)
{
    if (m == NULL)
        return;
    for (uint32_t i = 0; m->tr != NULL && i < m->n_tr; i++)
        free(m->tr[i].bits);
    free(m->tr);
    free(m->curve);
    free(m->rows);
    free(m->crows);
    free(m->rej);
    free(m->ctr);
    free(m->uf);
    free(m->ufsize);
    free(m->nb);
    free(m);
}

int sim_metrics_track(sim_metrics *m, uint64_t msg_id, uint32_t origin, uint64_t time,
                      uint32_t population)
{
    if (m->n_tr >= m->cfg.max_tracked || msg_id != (uint64_t)m->n_tr + 1)
        return SH_ERR_RANGE;
    track *t = &m->tr[m->n_tr];
    t->bits = calloc((m->cfg.n_nodes + 63) / 64, sizeof *t->bits);
    if (t->bits == NULL)
        return SH_ERR_NOMEM;
    t->t0 = time;
    t->origin = origin;
    t->population = population;
    for (int k = 0; k < 3; k++)
        t->t_at[k] = UINT64_MAX;
    m->n_tr++;
    return 0;
}

static void bump(named **arr, size_t *n, size_t *cap, const char *name, uint64_t d)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].name, name) == 0) {
            (*arr)[i].count += d;
            return;
        }
    if (grow((void **)arr, cap, *n, sizeof **arr) == 0)
        (*arr)[(*n)++] = (named){ name, d };
}

void sim_metrics_reject(sim_metrics *m, const char *reason)
{
    bump(&m->rej, &m->n_rej, &m->cap_rej, reason, 1);
}

static void learned(sim_metrics *m, uint32_t node, uint64_t time, uint64_t id, uint32_t hops)
{
    if (id == 0 || id > m->n_tr) {
        m->learned_untracked++;
        return;
    }
    if (m->cfg.byzantine != NULL && m->cfg.byzantine[node])
        return;
    track *t = &m->tr[id - 1];
    uint64_t bit = (uint64_t)1 << (node % 64);
    if (t->bits[node / 64] & bit)
        return;                       /* a restarted relay learning it again */
    t->bits[node / 64] |= bit;
    t->count++;
    if (hops > t->max_hops)
        t->max_hops = hops;
    t->hop_hist[hops < HOP_BINS ? hops : HOP_BINS - 1]++;
    uint64_t dt = time >= t->t0 ? time - t->t0 : 0;
    static const double thr[3] = { 0.5, 0.99, 1.0 };
    for (int k = 0; k < 3; k++)
        if (t->t_at[k] == UINT64_MAX && t->population > 0 &&
            t->count >= (uint32_t)ceil(thr[k] * t->population)) {
            t->t_at[k] = dt;
            t->h_at[k] = hops;
        }
    uint64_t b = dt / m->cfg.curve_bin_ns;
    if (b < m->cfg.curve_bins && t->population > 0 && t->count <= t->population)
        m->curve[b] += 1.0 / t->population;
}

void sim_metrics_observe(sim_metrics *m, const sim_engine *e, uint32_t node,
                         uint64_t time, const sim_obs *obs)
{
    switch (obs->type) {
    case SIM_OBS_LEARNED:
        learned(m, node, time, obs->msg_id, obs->hops);
        break;
    case SIM_OBS_SUSPECT:
        m->suspicions++;
        if (sim_engine_is_up(e, obs->peer))
            m->false_suspicions++;
        break;
    case SIM_OBS_COUNTER:
        if (obs->counter != NULL)
            bump(&m->ctr, &m->n_ctr, &m->cap_ctr, obs->counter, obs->delta);
        break;
    default:
        break;
    }
}

/* ---- sampling ------------------------------------------------------------------ */

static uint32_t uf_find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void connectivity(sim_metrics *m, const sim_engine *e, uint64_t time,
                         const sim_proto_desc *d, crow *c)
{
    uint32_t n = m->cfg.n_nodes;
    for (uint32_t i = 0; i < n; i++) {
        m->uf[i] = i;
        m->ufsize[i] = 1;
    }
    *c = (crow){ .t = time };
    for (uint32_t i = 0; i < n; i++) {
        const void *self = sim_engine_proto(e, i);
        if (self == NULL)
            continue;
        int honest = m->cfg.byzantine == NULL || !m->cfg.byzantine[i];
        c->up++;
        c->honest_up += (uint32_t)honest;
        size_t k = d->neighbours(self, m->cfg.byzantine != NULL ? m->cfg.byzantine[i] : 0,
                                 m->nb, NB_CAP);
        if (k > NB_CAP)
            k = NB_CAP;
        uint32_t byz = 0;
        for (size_t j = 0; j < k; j++) {
            uint32_t v = m->nb[j];
            if (v >= n)
                continue;
            if (m->cfg.byzantine != NULL && m->cfg.byzantine[v])
                byz++;
            if (!sim_engine_is_up(e, v) || sim_net_blocked(m->cfg.net, i, v))
                continue;
            uint32_t a = uf_find(m->uf, i), b = uf_find(m->uf, v);
            if (a == b)
                continue;
            if (m->ufsize[a] < m->ufsize[b] || (m->ufsize[a] == m->ufsize[b] && a > b)) {
                uint32_t t = a; a = b; b = t;
            }
            m->uf[b] = a;
            m->ufsize[a] += m->ufsize[b];
        }
        if (honest && k > 0 && byz == k)
            c->eclipsed++;
        if (honest && 2 * byz > k)
            c->majority++;
        if (honest) {
            c->links += k;
            c->byz_links += byz;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (sim_engine_proto(e, i) == NULL || uf_find(m->uf, i) != i)
            continue;
        c->components++;
        if (m->ufsize[i] > c->largest)
            c->largest = m->ufsize[i];
    }
}

int sim_metrics_sample(sim_metrics *m, const sim_engine *e, uint64_t time,
                       const sim_proto_desc *d, int with_conn)
{
    const sim_engine_totals *t = sim_engine_get_totals(e);
    if (grow((void **)&m->rows, &m->cap_rows, m->n_rows, sizeof *m->rows) != 0)
        return SH_ERR_NOMEM;
    m->rows[m->n_rows++] = (srow){ time, t->events, t->sent, t->bytes_sent, t->lost,
                                   t->received, t->dropped_down, m->suspicions,
                                   m->false_suspicions, sim_engine_up_count(e) };
    if (with_conn && d != NULL && d->neighbours != NULL) {
        if (grow((void **)&m->crows, &m->cap_crows, m->n_crows, sizeof *m->crows) != 0)
            return SH_ERR_NOMEM;
        connectivity(m, e, time, d, &m->crows[m->n_crows++]);
    }
    return 0;
}

/* ---- statistics ------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double sim_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double r = ceil(p / 100.0 * (double)n);
    size_t i = r < 1 ? 0 : (size_t)r - 1;
    return v[i < n ? i : n - 1];
}

/* Rounded to 6 decimals: stable, readable numbers. */
static json_t *jreal(double x)
{
    if (!isfinite(x))
        return json_null();
    return json_real(round(x * 1e6) / 1e6);
}

static int set(json_t *o, const char *k, json_t *v)
{
    return json_object_set_new(o, k, v) == 0 ? 0 : SH_ERR_NOMEM;
}

/* {count, mean, p50, p90, p99, max} of v[0..n) (sorted in place). */
static json_t *dist(double *v, size_t n)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    int rc = set(o, "count", json_integer((json_int_t)n));
    if (rc == 0) rc = set(o, "mean", n ? jreal(sum / (double)n) : json_null());
    if (rc == 0) rc = set(o, "p50", jreal(sim_percentile(v, n, 50)));
    if (rc == 0) rc = set(o, "p90", jreal(sim_percentile(v, n, 90)));
    if (rc == 0) rc = set(o, "p99", jreal(sim_percentile(v, n, 99)));
    if (rc == 0) rc = set(o, "max", n ? jreal(v[n - 1]) : json_null());
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int sim_metrics_summary(const sim_metrics *m, const sim_engine *e, json_t *root)
{
    uint32_t n = m->cfg.n_nodes;
    size_t cap = n > m->n_tr ? n : m->n_tr;
    double *v = malloc((cap ? cap : 1) * sizeof *v);
    json_t *pr = json_object(), *dis = json_object(), *mem = json_object(),
           *con = json_object(), *rej = json_object(), *ctr = json_object();
    int rc = (v && pr && dis && mem && con && rej && ctr) ? 0 : SH_ERR_NOMEM;
    double dur = (double)m->cfg.duration_ns / 1e9;
    /* per relay rates over the whole run */
    static const char *const pnames[] = { "messages_per_s", "bytes_per_s", "received_per_s",
                                          "cpu_ms" };
    for (int k = 0; rc == 0 && k < 4; k++) {
        for (uint32_t i = 0; i < n; i++) {
            const sim_node_stats *s = sim_engine_node_stats(e, i);
            double x = k == 0 ? (double)s->sent / dur : k == 1 ? (double)s->bytes_sent / dur
                     : k == 2 ? (double)s->received / dur : (double)s->cpu_ns / 1e6;
            v[i] = x;
        }
        rc = set(pr, pnames[k], dist(v, n));
    }
    /* dissemination */
    static const char *const tn[3] = { "time_to_50_s", "time_to_99_s", "time_to_100_s" };
    static const char *const hn[3] = { "rounds_to_50", "rounds_to_99", "rounds_to_100" };
    if (rc == 0) rc = set(dis, "broadcasts_tracked", json_integer(m->n_tr));
    for (int k = 0; rc == 0 && k < 3; k++) {
        size_t c = 0;
        for (uint32_t i = 0; i < m->n_tr; i++)
            if (m->tr[i].t_at[k] != UINT64_MAX)
                v[c++] = (double)m->tr[i].t_at[k] / 1e9;
        rc = set(dis, tn[k], dist(v, c));
        c = 0;
        for (uint32_t i = 0; rc == 0 && i < m->n_tr; i++)
            if (m->tr[i].t_at[k] != UINT64_MAX)
                v[c++] = m->tr[i].h_at[k];
        if (rc == 0) rc = set(dis, hn[k], dist(v, c));
    }
    /* hops_to_X: per broadcast, the least h such that honest relays that
     * learned it within h hops make X% of its population (a percentile of
     * the hop counts over the population; broadcasts that never reach X%
     * are left out, as for time_to_X) */
    static const char *const qn[3] = { "hops_to_50", "hops_to_99", "hops_to_100" };
    static const double qthr[3] = { 0.5, 0.99, 1.0 };
    for (int k = 0; rc == 0 && k < 3; k++) {
        size_t c = 0;
        for (uint32_t i = 0; i < m->n_tr; i++) {
            const track *t = &m->tr[i];
            uint32_t need = (uint32_t)ceil(qthr[k] * t->population), acc = 0;
            if (t->population == 0)
                continue;
            for (uint32_t h = 0; h < HOP_BINS; h++) {
                acc += t->hop_hist[h];
                if (acc >= need) {
                    v[c++] = h;
                    break;
                }
            }
        }
        rc = set(dis, qn[k], dist(v, c));
    }
    if (rc == 0) {
        for (uint32_t i = 0; i < m->n_tr; i++)
            v[i] = m->tr[i].population ? fmin(1.0, (double)m->tr[i].count / m->tr[i].population) : 0;
        rc = set(dis, "final_fraction", dist(v, m->n_tr));
    }
    /* membership */
    if (rc == 0) rc = set(mem, "suspicions", json_integer((json_int_t)m->suspicions));
    if (rc == 0) rc = set(mem, "false_suspicions", json_integer((json_int_t)m->false_suspicions));
    if (rc == 0) rc = set(mem, "false_suspicions_per_relay_per_s",
                          jreal((double)m->false_suspicions / n / dur));
    /* connectivity */
    if (rc == 0 && m->n_crows > 0) {
        const crow *last = &m->crows[m->n_crows - 1];
        double minf = 1, maxe = 0, maxm = 0, maxl = 0;
        for (size_t i = 0; i < m->n_crows; i++) {
            const crow *c = &m->crows[i];
            double f = c->up ? (double)c->largest / c->up : 0;
            double er = c->honest_up ? (double)c->eclipsed / c->honest_up : 0;
            double mr = c->honest_up ? (double)c->majority / c->honest_up : 0;
            double lf = c->links ? (double)c->byz_links / (double)c->links : 0;
            if (f < minf) minf = f;
            if (er > maxe) maxe = er;
            if (mr > maxm) maxm = mr;
            if (lf > maxl) maxl = lf;
        }
        rc = set(con, "samples", json_integer((json_int_t)m->n_crows));
        if (rc == 0) rc = set(con, "final_largest_component_fraction",
                              jreal(last->up ? (double)last->largest / last->up : 0));
        if (rc == 0) rc = set(con, "min_largest_component_fraction", jreal(minf));
        if (rc == 0) rc = set(con, "final_components", json_integer(last->components));
        if (rc == 0) rc = set(con, "final_eclipse_rate",
                              jreal(last->honest_up ? (double)last->eclipsed / last->honest_up : 0));
        if (rc == 0) rc = set(con, "max_eclipse_rate", jreal(maxe));
        if (rc == 0) rc = set(con, "final_majority_byzantine_rate",
                              jreal(last->honest_up ? (double)last->majority / last->honest_up : 0));
        if (rc == 0) rc = set(con, "max_majority_byzantine_rate", jreal(maxm));
        if (rc == 0) rc = set(con, "final_byzantine_link_fraction",
                              jreal(last->links ? (double)last->byz_links / (double)last->links : 0));
        if (rc == 0) rc = set(con, "max_byzantine_link_fraction", jreal(maxl));
    }
    for (size_t i = 0; rc == 0 && i < m->n_rej; i++)
        rc = set(rej, m->rej[i].name, json_integer((json_int_t)m->rej[i].count));
    for (size_t i = 0; rc == 0 && i < m->n_ctr; i++)
        rc = set(ctr, m->ctr[i].name, json_integer((json_int_t)m->ctr[i].count));
    free(v);
    if (rc == 0) {
        rc = set(root, "per_relay", pr);
        rc |= set(root, "dissemination", dis);
        rc |= set(root, "membership", mem);
        rc |= set(root, "connectivity", con);
        rc |= set(root, "rejects", rej);
        rc |= set(root, "counters", ctr);
        return rc ? SH_ERR_NOMEM : 0;
    }
    json_decref(pr); json_decref(dis); json_decref(mem);
    json_decref(con); json_decref(rej); json_decref(ctr);
    return rc;
}

/* ---- files ------------------------------------------------------------------------ */

int sim_write_file(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return SH_ERR_ARG;
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        return SH_ERR_IO;
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fflush(f) == 0;
    ok &= fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return SH_ERR_IO;
    }
    return 0;
}

static int bput(sh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bput(sh_buf *b, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return SH_ERR_INTERNAL;
    return sh_buf_append(b, line, (size_t)n);
}

static int flush(sh_buf *b, const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = sim_write_file(path, b->data ? (const void *)b->data : "", b->len);
    if (rc != 0 && err != NULL)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    sh_buf_free(b);
    return rc;
}

static double secs(uint64_t ns)
{
    return (double)ns / 1e9;
}

int sim_metrics_write(const sim_metrics *m, const sim_engine *e, const sim_net *net,
                      const char *dir, int plots, int per_node, char *err, size_t errlen)
{
    sh_buf b;
    sh_buf_init(&b);
    int rc = 0;
    /* timeseries.csv: per interval since the previous sample */
    rc = bput(&b, "t_s,up,events,messages,bytes,lost,received,dropped_down,"
                  "messages_per_relay_per_s,bytes_per_relay_per_s,suspicions,false_suspicions\n");
    for (size_t i = 0; rc == 0 && i < m->n_rows; i++) {
        const srow *r = &m->rows[i];
        srow z = { 0 };
        const srow *p = i ? &m->rows[i - 1] : &z;
        double dt = secs(r->t - p->t);
        double per = (dt > 0 && r->up > 0) ? 1.0 / (dt * r->up) : 0;
        rc = bput(&b, "%.3f,%u,%llu,%llu,%llu,%llu,%llu,%llu,%.6f,%.3f,%llu,%llu\n",
                  secs(r->t), r->up, (unsigned long long)(r->events - p->events),
                  (unsigned long long)(r->sent - p->sent), (unsigned long long)(r->bytes - p->bytes),
                  (unsigned long long)(r->lost - p->lost),
                  (unsigned long long)(r->received - p->received),
                  (unsigned long long)(r->dropped_down - p->dropped_down),
                  (double)(r->sent - p->sent) * per, (double)(r->bytes - p->bytes) * per,
                  (unsigned long long)(r->suspicions - p->suspicions),
                  (unsigned long long)(r->false_suspicions - p->false_suspicions));
    }
    if (rc == 0 && (rc = flush(&b, dir, "timeseries.csv", err, errlen)) != 0)
        return rc;
    rc = bput(&b, "t_s,up,largest_component,largest_component_fraction,components,"
                  "honest_up,eclipsed,eclipse_rate,majority_byzantine,byzantine_link_fraction\n");
    for (size_t i = 0; rc == 0 && i < m->n_crows; i++) {
        const crow *c = &m->crows[i];
        rc = bput(&b, "%.3f,%u,%u,%.6f,%u,%u,%u,%.6f,%u,%.6f\n", secs(c->t), c->up,
                  c->largest, c->up ? (double)c->largest / c->up : 0.0, c->components,
                  c->honest_up, c->eclipsed,
                  c->honest_up ? (double)c->eclipsed / c->honest_up : 0.0, c->majority,
                  c->links ? (double)c->byz_links / (double)c->links : 0.0);
    }
    if (rc == 0 && (rc = flush(&b, dir, "connectivity.csv", err, errlen)) != 0)
        return rc;
    rc = bput(&b, "msg_id,origin,t_start_s,population,learned,final_fraction,"
                  "t50_s,t99_s,t100_s,rounds50,rounds99,rounds100,max_rounds\n");
    for (uint32_t i = 0; rc == 0 && i < m->n_tr; i++) {
        const track *t = &m->tr[i];
        char c[3][32], h[3][16];
        for (int k = 0; k < 3; k++) {
            if (t->t_at[k] == UINT64_MAX) {
                c[k][0] = h[k][0] = '\0';
            } else {
                snprintf(c[k], sizeof c[k], "%.6f", secs(t->t_at[k]));
                snprintf(h[k], sizeof h[k], "%u", t->h_at[k]);
            }
        }
        rc = bput(&b, "%u,%u,%.6f,%u,%u,%.6f,%s,%s,%s,%s,%s,%s,%u\n", i + 1, t->origin,
                  secs(t->t0), t->population, t->count,
                  t->population ? fmin(1.0, (double)t->count / t->population) : 0.0,
                  c[0], c[1], c[2], h[0], h[1], h[2], t->max_hops);
    }
    if (rc == 0 && (rc = flush(&b, dir, "dissemination.csv", err, errlen)) != 0)
        return rc;
    /* curve.csv: mean fraction of the population knowing, by time since injection */
    double *cx = malloc((size_t)m->cfg.curve_bins * sizeof *cx);
    double *cy = malloc((size_t)m->cfg.curve_bins * sizeof *cy);
    uint32_t ncurve = 0;
    if (cx == NULL || cy == NULL)
        rc = SH_ERR_NOMEM;
    if (rc == 0)
        rc = bput(&b, "t_since_broadcast_s,mean_fraction_knowing\n");
    double acc = 0;
    for (uint32_t k = 0; rc == 0 && m->n_tr > 0 && k < m->cfg.curve_bins; k++) {
        acc += m->curve[k];
        cx[k] = secs((uint64_t)(k + 1) * m->cfg.curve_bin_ns);
        cy[k] = acc / m->n_tr;
        ncurve = k + 1;
        rc = bput(&b, "%.6f,%.6f\n", cx[k], cy[k]);
    }
    if (rc == 0)
        rc = flush(&b, dir, "curve.csv", err, errlen);
    if (rc == 0 && per_node) {
        rc = bput(&b, "relay,region,up_at_end,sent,bytes_sent,lost,received,bytes_received,"
                      "dropped_down,timers_fired,results,rejects,handler_errors,cpu_ns\n");
        for (uint32_t i = 0; rc == 0 && i < m->cfg.n_nodes; i++) {
            const sim_node_stats *s = sim_engine_node_stats(e, i);
            rc = bput(&b, "%u,%s,%d,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n", i,
                      sim_net_region_name(net, sim_net_region_of(net, i)),
                      sim_engine_is_up(e, i), (unsigned long long)s->sent,
                      (unsigned long long)s->bytes_sent, (unsigned long long)s->lost,
                      (unsigned long long)s->received, (unsigned long long)s->bytes_received,
                      (unsigned long long)s->dropped_down, (unsigned long long)s->timers_fired,
                      (unsigned long long)s->results, (unsigned long long)s->rejects,
                      (unsigned long long)s->handler_errors, (unsigned long long)s->cpu_ns);
        }
        if (rc == 0)
            rc = flush(&b, dir, "per_node.csv", err, errlen);
    }
    if (rc == 0 && plots) {
        sim_svg_series s1 = { "mean over broadcasts", cx, cy, ncurve };
        sim_svg_plot p1 = { "Dissemination: relays knowing a new broadcast",
                            "seconds since broadcast", "fraction of relays", 0, 1 };
        rc = sim_svg_render(&b, &p1, &s1, 1);
        if (rc == 0)
            rc = flush(&b, dir, "dissemination.svg", err, errlen);
    }
    size_t nr = m->n_rows > m->n_crows ? m->n_rows : m->n_crows;
    double *x = malloc((nr ? nr : 1) * sizeof *x), *y1 = malloc((nr ? nr : 1) * sizeof *y1),
           *y2 = malloc((nr ? nr : 1) * sizeof *y2), *y3 = malloc((nr ? nr : 1) * sizeof *y3);
    if (rc == 0 && (!x || !y1 || !y2 || !y3))
        rc = SH_ERR_NOMEM;
    if (rc == 0 && plots) {
        for (size_t i = 0; i < m->n_rows; i++) {
            const srow *r = &m->rows[i];
            srow z = { 0 };
            const srow *p = i ? &m->rows[i - 1] : &z;
            double dt = secs(r->t - p->t);
            x[i] = secs(r->t);
            y1[i] = (dt > 0 && r->up) ? (double)(r->sent - p->sent) / dt / r->up : 0;
        }
        sim_svg_series s = { "messages sent per relay per second", x, y1, m->n_rows };
        sim_svg_plot p = { "Message overhead per relay", "simulated time (s)",
                           "messages / relay / s", 0, 0 };
        rc = sim_svg_render(&b, &p, &s, 1);
        if (rc == 0)
            rc = flush(&b, dir, "overhead.svg", err, errlen);
    }
    if (rc == 0 && plots) {
        uint32_t n = m->cfg.n_nodes;
        for (size_t i = 0; i < m->n_crows; i++) {
            const crow *c = &m->crows[i];
            x[i] = secs(c->t);
            y1[i] = c->up ? (double)c->largest / c->up : 0;
            y2[i] = (double)c->up / n;
            y3[i] = c->honest_up ? (double)c->eclipsed / c->honest_up : 0;
        }
        sim_svg_series s[3] = { { "largest component / up relays", x, y1, m->n_crows },
                                { "up relays / all relays", x, y2, m->n_crows },
                                { "eclipsed honest relays", x, y3, m->n_crows } };
        sim_svg_plot p = { "Overlay connectivity", "simulated time (s)", "fraction", 0, 1 };
        rc = sim_svg_render(&b, &p, s, 3);
        if (rc == 0)
            rc = flush(&b, dir, "connectivity.svg", err, errlen);
    }
    sh_buf_free(&b);
    free(cx); free(cy); free(x); free(y1); free(y2); free(y3);
    return rc;
}
