/* sim/faults.c -- crashes, restarts, partitions, churn, byzantine sets. */
#include "sim/faults.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct fault_ev {
    sim_faults *owner;
    const sim_fault *f;
    int leave;                /* churn: 1 leave process, 0 join process */
} fault_ev;

struct sim_faults {
    const sim_scenario *sc;
    sim_engine *e;
    sim_net *net;
    sh_rng *rng;
    fault_ev *evs;            /* one per scheduled script entry / churn process */
    size_t n_evs;
    uint32_t *scratch;        /* relay ids */
    sim_fault_stats st;
};

static sh_rng *stream(const uint8_t seed[SH_RNG_SEEDBYTES], const char *label)
{
    uint8_t s[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(s, seed, label, 0);
    sh_rng *r = sh_rng_chacha_new(s);
    sodium_memzero(s, sizeof s);
    return r;
}

/* k = round(fraction * n), clamped to [0, avail]. */
static uint32_t count_of(double fraction, uint32_t n, uint32_t avail)
{
    double k = floor(fraction * n + 0.5);
    return k > avail ? avail : (uint32_t)k;
}

/* Move k random elements of ids[0..n) to the front (partial Fisher-Yates). */
static void pick(sh_rng *rng, uint32_t *ids, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < k && i < n; i++) {
        uint32_t j = i + (uint32_t)sh_rng_uniform(rng, n - i);
        uint32_t t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
    }
}

int sim_faults_byzantine(const sim_scenario *sc, uint8_t *byz, const char **names,
                         uint32_t *n_names)
{
    *n_names = 0;
    memset(byz, 0, sc->relays);
    int any = 0;
    for (size_t i = 0; i < sc->n_faults; i++)
        any |= sc->faults[i].type == SIM_FAULT_BYZANTINE;
    if (!any)
        return 0;
    sh_rng *rng = stream(sc->seed, "byzantine");
    uint32_t *ids = malloc((size_t)sc->relays * sizeof *ids);
    if (rng == NULL || ids == NULL) {
        sh_rng_free(rng);
        free(ids);
        return SH_ERR_NOMEM;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sc->n_faults; i++) {
        const sim_fault *f = &sc->faults[i];
        if (f->type != SIM_FAULT_BYZANTINE)
            continue;
        uint32_t k = 0;
        while (k < *n_names && strcmp(names[k], f->behaviour) != 0)
            k++;
        if (k == *n_names) {
            if (k == SIM_MAX_BEHAVIOURS) {
                rc = SH_ERR_RANGE;
                break;
            }
            names[(*n_names)++] = f->behaviour;
        }
        if (f->nodes != NULL) {
            for (uint32_t j = 0; j < f->n_nodes; j++)
                if (byz[f->nodes[j]] == 0)
                    byz[f->nodes[j]] = (uint8_t)(k + 1);
            continue;
        }
        uint32_t n = 0;
        for (uint32_t j = 0; j < sc->relays; j++)
            if (byz[j] == 0)
                ids[n++] = j;
        uint32_t want = count_of(f->fraction, sc->relays, n);
        pick(rng, ids, n, want);
        for (uint32_t j = 0; j < want; j++)
            byz[ids[j]] = (uint8_t)(k + 1);
    }
    sh_rng_free(rng);
    free(ids);
    return rc;
}

/* ---- script events ---------------------------------------------------------- */

static void note(sim_faults *F, int rc)
{
    if (rc != 0)
        F->st.failed++;
}

static void do_crash(sim_faults *F, const sim_fault *f)
{
    uint32_t n = sim_engine_nodes(F->e), up = 0;
    if (f->nodes != NULL) {
        for (uint32_t i = 0; i < f->n_nodes; i++) {
            uint32_t v = f->nodes[i];
            if (!sim_engine_is_up(F->e, v))
                continue;
            note(F, f->graceful ? sim_engine_stop(F->e, v) : sim_engine_crash(F->e, v));
            if (f->graceful) F->st.leaves++; else F->st.crashes++;
        }
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (sim_engine_is_up(F->e, i))
            F->scratch[up++] = i;
    uint32_t k = count_of(f->fraction, n, up);
    pick(F->rng, F->scratch, up, k);
    for (uint32_t i = 0; i < k; i++) {
        note(F, f->graceful ? sim_engine_stop(F->e, F->scratch[i])
                            : sim_engine_crash(F->e, F->scratch[i]));
        if (f->graceful) F->st.leaves++; else F->st.crashes++;
    }
}

static void do_restart(sim_faults *F, const sim_fault *f)
{
    uint32_t n = sim_engine_nodes(F->e), down = 0;
    if (f->nodes != NULL) {
        for (uint32_t i = 0; i < f->n_nodes; i++)
            if (!sim_engine_is_up(F->e, f->nodes[i])) {
                note(F, sim_engine_restart(F->e, f->nodes[i]));
                F->st.restarts++;
            }
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (!sim_engine_is_up(F->e, i))
            F->scratch[down++] = i;
    uint32_t k = count_of(f->fraction, down, down);
    pick(F->rng, F->scratch, down, k);
    for (uint32_t i = 0; i < k; i++) {
        note(F, sim_engine_restart(F->e, F->scratch[i]));
        F->st.restarts++;
    }
}

static void do_partition(sim_faults *F, const sim_fault *f)
{
    uint32_t n = sim_engine_nodes(F->e);
    for (uint32_t i = 0; i < n; i++)
        F->scratch[i] = i;
    pick(F->rng, F->scratch, n, n);
    double sum = 0, acc = 0;
    for (uint32_t g = 0; g < f->n_groups; g++)
        sum += f->groups[g];
    uint32_t start = 0;
    for (uint32_t g = 0; g < f->n_groups; g++) {
        acc += f->groups[g];
        uint32_t end = g + 1 == f->n_groups ? n : (uint32_t)floor(acc / sum * n + 0.5);
        for (uint32_t i = start; i < end && i < n; i++)
            sim_net_set_group(F->net, F->scratch[i], g);
        start = end;
    }
    sim_net_set_partitioned(F->net, 1);
    F->st.partitions++;
}

static uint64_t exp_delay(sh_rng *rng, double rate)
{
    double u = sh_rng_double(rng);
    double s = -log1p(-u) / rate;
    return s > 1e7 ? (uint64_t)1e16 : (uint64_t)llround(s * 1e9) + 1;
}

static void churn_step(sim_faults *F, fault_ev *ev)
{
    uint32_t n = sim_engine_nodes(F->e);
    int want_up = !ev->leave;       /* a join needs a down relay */
    /* a random relay in the wanted state: a few random probes, then a scan */
    uint32_t v = UINT32_MAX;
    for (int t = 0; t < 32 && v == UINT32_MAX; t++) {
        uint32_t c = (uint32_t)sh_rng_uniform(F->rng, n);
        if (sim_engine_is_up(F->e, c) != want_up)
            v = c;
    }
    if (v == UINT32_MAX) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (sim_engine_is_up(F->e, i) != want_up)
                F->scratch[m++] = i;
        if (m > 0)
            v = F->scratch[sh_rng_uniform(F->rng, m)];
    }
    if (v == UINT32_MAX)
        return;
    if (ev->leave) {
        note(F, sim_engine_stop(F->e, v));
        F->st.leaves++;
    } else {
        note(F, sim_engine_restart(F->e, v));
        F->st.joins++;
    }
}

static void on_fault(sim_engine *e, void *arg, uint64_t now)
{
    fault_ev *ev = arg;
    sim_faults *F = ev->owner;
    const sim_fault *f = ev->f;
    switch (f->type) {
    case SIM_FAULT_CRASH: do_crash(F, f); break;
    case SIM_FAULT_RESTART: do_restart(F, f); break;
    case SIM_FAULT_PARTITION: do_partition(F, f); break;
    case SIM_FAULT_HEAL:
        sim_net_set_partitioned(F->net, 0);
        F->st.heals++;
        break;
    case SIM_FAULT_CHURN: {
        churn_step(F, ev);
        double rate = ev->leave ? f->leave_per_s : f->join_per_s;
        uint64_t next = now + exp_delay(F->rng, rate);
        uint64_t until = f->until_ns < F->sc->duration_ns ? f->until_ns : F->sc->duration_ns;
        if (next <= until)
            note(F, sim_engine_at(e, next, on_fault, ev));
        break;
    }
    case SIM_FAULT_BYZANTINE:
        break;
    }
}

int sim_faults_new(const sim_scenario *sc, sim_engine *e, sim_net *net, sim_faults **out)
{
    *out = NULL;
    sim_faults *F = calloc(1, sizeof *F);
    if (F == NULL)
        return SH_ERR_NOMEM;
    F->sc = sc;
    F->e = e;
    F->net = net;
    F->rng = stream(sc->seed, "faults");
    F->evs = calloc(2 * sc->n_faults + 1, sizeof *F->evs);
    F->scratch = malloc((size_t)sc->relays * sizeof *F->scratch);
    int rc = (F->rng && F->evs && F->scratch) ? 0 : SH_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < sc->n_faults; i++) {
        const sim_fault *f = &sc->faults[i];
        if (f->type == SIM_FAULT_BYZANTINE)
            continue;
        if (f->type == SIM_FAULT_CHURN) {
            /* two processes; the first event of each is one exponential
             * delay after from_s */
            for (int leave = 1; leave >= 0 && rc == 0; leave--) {
                double rate = leave ? f->leave_per_s : f->join_per_s;
                if (!(rate > 0))
                    continue;
                fault_ev *ev = &F->evs[F->n_evs++];
                *ev = (fault_ev){ F, f, leave };
                uint64_t first = f->at_ns + exp_delay(F->rng, rate);
                uint64_t until = f->until_ns < sc->duration_ns ? f->until_ns : sc->duration_ns;
                if (first <= until)
                    rc = sim_engine_at(e, first, on_fault, ev);
            }
            continue;
        }
        fault_ev *ev = &F->evs[F->n_evs++];
        *ev = (fault_ev){ F, f, 0 };
        rc = sim_engine_at(e, f->at_ns, on_fault, ev);
    }
    if (rc != 0) {
        sim_faults_free(F);
        return rc;
    }
    *out = F;
    return 0;
}

void sim_faults_free(sim_faults *f)
{
    if (f == NULL)
        return;
    sh_rng_free(f->rng);
    free(f->evs);
    free(f->scratch);
    free(f);
}

const sim_fault_stats *sim_faults_stats(const sim_faults *f)
{
    return f ? &f->st : NULL;
}
