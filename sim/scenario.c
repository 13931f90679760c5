/* sim/scenario.c -- scenario JSON: parsing, validation, defaults. */
#include "sim/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/registry.h"
#include "util/json.h"

#define MS 1e6
#define S 1e9
#define MAX_S 1e7                 /* ~115 days of simulated time */

typedef struct pctx {
    char *err;
    size_t errlen;
} pctx;

static int fail(pctx *p, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(pctx *p, int rc, const char *fmt, ...)
{
    if (p->err != NULL && p->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Refuse members not in `allowed` (NULL-terminated). */
static int check_keys(pctx *p, const json_t *obj, const char *prefix,
                      const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        int ok = 0;
        for (size_t i = 0; allowed[i] != NULL; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok)
            return fail(p, SH_ERR_FORMAT, "%s%s%s: unknown member", prefix,
                        *prefix ? "." : "", key);
    }
    return 0;
}

/* Optional number in seconds or milliseconds -> ns. */
static int get_time(pctx *p, const json_t *obj, const char *prefix, const char *name,
                    double unit, double max, uint64_t *ns)
{
    double v = 0;
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sim_param_number(obj, prefix, name, 0, max, &v, p->err, p->errlen);
    if (rc == 0)
        *ns = (uint64_t)llround(v * unit);
    return rc;
}

static int get_str(pctx *p, const json_t *obj, const char *prefix, const char *name,
                   char **out)
{
    const char *s;
    char tmp[256];
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sh_json_get_string(obj, name, &s, tmp, sizeof tmp);
    if (rc != 0) {
        sim_param_error(p->err, p->errlen, prefix, tmp);
        return rc;
    }
    char *c = strdup(s);
    if (c == NULL)
        return SH_ERR_NOMEM;
    free(*out);
    *out = c;
    return 0;
}

static int get_bool(pctx *p, const json_t *obj, const char *prefix, const char *name,
                    int *out)
{
    bool b;
    char tmp[256];
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sh_json_get_bool(obj, name, &b, tmp, sizeof tmp);
    if (rc != 0) {
        sim_param_error(p->err, p->errlen, prefix, tmp);
        return rc;
    }
    *out = b;
    return 0;
}

/* An optional object member (NULL when absent). */
static int get_obj(pctx *p, const json_t *obj, const char *prefix, const char *name,
                   json_t **out)
{
    char tmp[256];
    *out = NULL;
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sh_json_get_object(obj, name, out, tmp, sizeof tmp);
    if (rc != 0)
        sim_param_error(p->err, p->errlen, prefix, tmp);
    return rc;
}

static int get_arr(pctx *p, const json_t *obj, const char *prefix, const char *name,
                   size_t min, size_t max, json_t **out)
{
    char tmp[256];
    *out = NULL;
    if (!sh_json_has(obj, name))
        return 0;
    int rc = sh_json_get_array(obj, name, min, max, out, tmp, sizeof tmp);
    if (rc != 0)
        sim_param_error(p->err, p->errlen, prefix, tmp);
    return rc;
}

/* An array of numbers in [min, max]. */
static int number_array(pctx *p, const json_t *a, const char *path, double min,
                        double max, double *out)
{
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_number(v))
            return fail(p, SH_ERR_TYPE, "%s[%zu]: expected a number", path, i);
        double x = json_number_value(v);
        if (!(x >= min && x <= max))
            return fail(p, SH_ERR_RANGE, "%s[%zu]: %.17g is outside [%.17g, %.17g]",
                        path, i, x, min, max);
        out[i] = x;
    }
    return 0;
}

/* ---- sections ------------------------------------------------------------ */

static int parse_seed(pctx *p, sim_scenario *s, const json_t *root)
{
    if (!sh_json_has(root, "seed")) {
        sim_scenario_set_seed(s, 1);
        return 0;
    }
    json_t *v = json_object_get(root, "seed");
    if (json_is_integer(v)) {
        uint64_t n;
        char tmp[256];
        int rc = sh_json_get_uint(root, "seed", 0, INT64_MAX, &n, tmp, sizeof tmp);
        if (rc != 0) {
            sim_param_error(p->err, p->errlen, "", tmp);
            return rc;
        }
        sim_scenario_set_seed(s, n);
        return 0;
    }
    if (json_is_string(v)) {
        char tmp[256];
        int rc = sh_json_get_hex(root, "seed", s->seed, sizeof s->seed, tmp, sizeof tmp);
        if (rc != 0)
            return fail(p, rc, "seed: expected an integer or 64 hex digits");
        s->seed_is_number = 0;
        return 0;
    }
    return fail(p, SH_ERR_TYPE, "seed: expected an integer or 64 hex digits");
}

static int parse_regions(pctx *p, sim_scenario *s, const json_t *root, const json_t *net)
{
    static const char *const keys[] = { "names", "latency_ms", "weights", NULL };
    json_t *reg, *names = NULL, *lat = NULL, *w = NULL;
    int rc = get_obj(p, root, "", "regions", &reg);
    if (rc != 0)
        return rc;
    if (reg != NULL) {
        if ((rc = check_keys(p, reg, "regions", keys)) != 0 ||
            (rc = get_arr(p, reg, "regions", "names", 1, SIM_NET_MAX_REGIONS, &names)) != 0 ||
            (rc = get_arr(p, reg, "regions", "latency_ms", 1, SIM_NET_MAX_REGIONS, &lat)) != 0 ||
            (rc = get_arr(p, reg, "regions", "weights", 1, SIM_NET_MAX_REGIONS, &w)) != 0)
            return rc;
    }
    int fixed = sh_json_has(net, "latency_ms");
    if (fixed && reg != NULL)
        return fail(p, SH_ERR_FORMAT, "network.latency_ms: not allowed together with regions");
    if ((lat != NULL) != (names != NULL))
        return fail(p, SH_ERR_FORMAT, "regions.%s: missing (names and latency_ms go together)",
                    lat ? "names" : "latency_ms");
    const char *const *dn;
    const uint64_t *dl;
    uint32_t nr = sim_net_default_regions(&dn, &dl);
    if (fixed)
        nr = 1;
    else if (names != NULL)
        nr = (uint32_t)json_array_size(names);
    s->n_regions = nr;
    s->region_names = calloc(nr, sizeof *s->region_names);
    s->latency_ns = calloc((size_t)nr * nr, sizeof *s->latency_ns);
    s->region_weights = calloc(nr, sizeof *s->region_weights);
    if (!s->region_names || !s->latency_ns || !s->region_weights)
        return SH_ERR_NOMEM;
    if (fixed) {
        uint64_t ns = 0;
        if ((rc = get_time(p, net, "network", "latency_ms", MS, 1e6, &ns)) != 0)
            return rc;
        s->region_names[0] = strdup("all");
        s->latency_ns[0] = ns;
    } else if (names != NULL) {
        if (json_array_size(lat) != nr)
            return fail(p, SH_ERR_LENGTH, "regions.latency_ms: %zu rows for %u regions",
                        json_array_size(lat), nr);
        for (uint32_t i = 0; i < nr; i++) {
            json_t *nm = json_array_get(names, i), *row = json_array_get(lat, i);
            if (!json_is_string(nm))
                return fail(p, SH_ERR_TYPE, "regions.names[%u]: expected a string", i);
            s->region_names[i] = strdup(json_string_value(nm));
            if (!json_is_array(row) || json_array_size(row) != nr)
                return fail(p, SH_ERR_LENGTH, "regions.latency_ms[%u]: expected an array of %u numbers", i, nr);
            double v[SIM_NET_MAX_REGIONS];
            char path[64];
            snprintf(path, sizeof path, "regions.latency_ms[%u]", i);
            if ((rc = number_array(p, row, path, 0, 1e6, v)) != 0)
                return rc;
            for (uint32_t j = 0; j < nr; j++)
                s->latency_ns[(size_t)i * nr + j] = (uint64_t)llround(v[j] * MS);
        }
    } else {
        for (uint32_t i = 0; i < nr; i++)
            s->region_names[i] = strdup(dn[i]);
        memcpy(s->latency_ns, dl, (size_t)nr * nr * sizeof *dl);
    }
    for (uint32_t i = 0; i < nr; i++) {
        if (s->region_names[i] == NULL)
            return SH_ERR_NOMEM;
        s->region_weights[i] = 1.0;
    }
    if (w != NULL) {
        if (json_array_size(w) != nr)
            return fail(p, SH_ERR_LENGTH, "regions.weights: %zu weights for %u regions",
                        json_array_size(w), nr);
        if ((rc = number_array(p, w, "regions.weights", 0, 1e9, s->region_weights)) != 0)
            return rc;
        double sum = 0;
        for (uint32_t i = 0; i < nr; i++)
            sum += s->region_weights[i];
        if (!(sum > 0))
            return fail(p, SH_ERR_RANGE, "regions.weights: all zero");
    }
    return 0;
}

static int parse_network(pctx *p, sim_scenario *s, const json_t *net)
{
    static const char *const keys[] = { "latency_ms", "jitter", "jitter_ms", "jitter_sigma",
                                        "bandwidth_mbps", "overhead_bytes", "loss",
                                        "max_message_bytes", NULL };
    int rc;
    if ((rc = check_keys(p, net, "network", keys)) != 0)
        return rc;
    char *jit = NULL;
    if ((rc = get_str(p, net, "network", "jitter", &jit)) != 0)
        return rc;
    if (jit != NULL) {
        if (strcmp(jit, "none") == 0) s->jitter = SIM_JITTER_NONE;
        else if (strcmp(jit, "uniform") == 0) s->jitter = SIM_JITTER_UNIFORM;
        else if (strcmp(jit, "exponential") == 0) s->jitter = SIM_JITTER_EXPONENTIAL;
        else if (strcmp(jit, "lognormal") == 0) s->jitter = SIM_JITTER_LOGNORMAL;
        else rc = fail(p, SH_ERR_RANGE, "network.jitter: '%s' is not one of none, uniform, "
                       "exponential, lognormal", jit);
        free(jit);
        if (rc != 0)
            return rc;
    }
    double mbps = (double)s->bandwidth_bps / 1e6;
    uint64_t ov = s->overhead_bytes, mx = s->max_message_bytes;
    if ((rc = get_time(p, net, "network", "jitter_ms", MS, 1e6, &s->jitter_ns)) != 0 ||
        (rc = sim_param_number(net, "network", "jitter_sigma", 0, 10, &s->jitter_sigma,
                               p->err, p->errlen)) != 0 ||
        (rc = sim_param_number(net, "network", "bandwidth_mbps", 0, 10000, &mbps,
                               p->err, p->errlen)) != 0 ||
        (rc = sim_param_uint(net, "network", "overhead_bytes", 0, 65536, &ov,
                             p->err, p->errlen)) != 0 ||
        (rc = sim_param_number(net, "network", "loss", 0, 1, &s->loss, p->err, p->errlen)) != 0 ||
        (rc = sim_param_uint(net, "network", "max_message_bytes", 64, 1u << 30, &mx,
                             p->err, p->errlen)) != 0)
        return rc;
    s->bandwidth_bps = (uint64_t)llround(mbps * 1e6);
    s->overhead_bytes = (uint32_t)ov;
    s->max_message_bytes = (size_t)mx;
    return 0;
}

static int node_list(pctx *p, const json_t *f, const char *prefix, sim_fault *out,
                     uint32_t relays)
{
    json_t *a;
    int rc = get_arr(p, f, prefix, "nodes", 0, relays, &a);
    if (rc != 0 || a == NULL)
        return rc;
    out->n_nodes = (uint32_t)json_array_size(a);
    out->nodes = calloc(out->n_nodes ? out->n_nodes : 1, sizeof *out->nodes);
    if (out->nodes == NULL)
        return SH_ERR_NOMEM;
    for (uint32_t i = 0; i < out->n_nodes; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) >= (json_int_t)relays)
            return fail(p, SH_ERR_RANGE, "%s.nodes[%u]: expected a relay id in [0, %u)",
                        prefix, i, relays);
        out->nodes[i] = (uint32_t)json_integer_value(v);
    }
    return 0;
}

static int parse_fault(pctx *p, sim_scenario *s, const json_t *f, size_t idx, sim_fault *out)
{
    static const char *const k_crash[] = { "type", "at_s", "fraction", "nodes", "graceful", NULL };
    static const char *const k_restart[] = { "type", "at_s", "fraction", "nodes", NULL };
    static const char *const k_part[] = { "type", "at_s", "groups", NULL };
    static const char *const k_heal[] = { "type", "at_s", NULL };
    static const char *const k_churn[] = { "type", "from_s", "until_s", "join_per_s",
                                           "leave_per_s", NULL };
    static const char *const k_byz[] = { "type", "fraction", "nodes", "behaviour", NULL };
    char prefix[32];
    snprintf(prefix, sizeof prefix, "faults[%zu]", idx);
    if (!json_is_object(f))
        return fail(p, SH_ERR_TYPE, "%s: expected an object", prefix);
    char *type = NULL;
    int rc = get_str(p, f, prefix, "type", &type);
    if (rc != 0)
        return rc;
    if (type == NULL)
        return fail(p, SH_ERR_FORMAT, "%s.type: missing", prefix);
    const char *const *keys = NULL;
    if (strcmp(type, "crash") == 0) { out->type = SIM_FAULT_CRASH; keys = k_crash; }
    else if (strcmp(type, "restart") == 0) { out->type = SIM_FAULT_RESTART; keys = k_restart; }
    else if (strcmp(type, "partition") == 0) { out->type = SIM_FAULT_PARTITION; keys = k_part; }
    else if (strcmp(type, "heal") == 0) { out->type = SIM_FAULT_HEAL; keys = k_heal; }
    else if (strcmp(type, "churn") == 0) { out->type = SIM_FAULT_CHURN; keys = k_churn; }
    else if (strcmp(type, "byzantine") == 0) { out->type = SIM_FAULT_BYZANTINE; keys = k_byz; }
    if (keys == NULL) {
        rc = fail(p, SH_ERR_RANGE, "%s.type: '%s' is not one of crash, restart, partition, "
                  "heal, churn, byzantine", prefix, type);
        free(type);
        return rc;
    }
    free(type);
    if ((rc = check_keys(p, f, prefix, keys)) != 0)
        return rc;
    double maxs = (double)s->duration_ns / S;
    out->fraction = out->type == SIM_FAULT_RESTART ? 1.0 : 0.0;
    out->until_ns = UINT64_MAX;
    switch (out->type) {
    case SIM_FAULT_CRASH:
    case SIM_FAULT_RESTART:
    case SIM_FAULT_BYZANTINE:
        if (out->type != SIM_FAULT_BYZANTINE &&
            (rc = get_time(p, f, prefix, "at_s", S, maxs, &out->at_ns)) != 0)
            return rc;
        if (out->type != SIM_FAULT_BYZANTINE && !sh_json_has(f, "at_s"))
            return fail(p, SH_ERR_FORMAT, "%s.at_s: missing", prefix);
        if ((rc = sim_param_number(f, prefix, "fraction", 0, 1, &out->fraction,
                                   p->err, p->errlen)) != 0 ||
            (rc = node_list(p, f, prefix, out, s->relays)) != 0)
            return rc;
        if (sh_json_has(f, "fraction") && out->nodes != NULL)
            return fail(p, SH_ERR_FORMAT, "%s: give fraction or nodes, not both", prefix);
        if (out->type != SIM_FAULT_RESTART && !sh_json_has(f, "fraction") && out->nodes == NULL)
            return fail(p, SH_ERR_FORMAT, "%s.fraction: missing (or give nodes)", prefix);
        if (out->type == SIM_FAULT_CRASH)
            rc = get_bool(p, f, prefix, "graceful", &out->graceful);
        if (rc == 0 && out->type == SIM_FAULT_BYZANTINE) {
            rc = get_str(p, f, prefix, "behaviour", &out->behaviour);
            if (rc == 0 && out->behaviour == NULL)
                rc = fail(p, SH_ERR_FORMAT, "%s.behaviour: missing", prefix);
        }
        return rc;
    case SIM_FAULT_PARTITION: {
        json_t *g;
        if ((rc = get_time(p, f, prefix, "at_s", S, maxs, &out->at_ns)) != 0 ||
            (rc = get_arr(p, f, prefix, "groups", 2, SIM_MAX_GROUPS, &g)) != 0)
            return rc;
        if (!sh_json_has(f, "at_s"))
            return fail(p, SH_ERR_FORMAT, "%s.at_s: missing", prefix);
        if (g == NULL)
            return fail(p, SH_ERR_FORMAT, "%s.groups: missing", prefix);
        out->n_groups = (uint32_t)json_array_size(g);
        out->groups = calloc(out->n_groups, sizeof *out->groups);
        if (out->groups == NULL)
            return SH_ERR_NOMEM;
        char path[48];
        snprintf(path, sizeof path, "%s.groups", prefix);
        if ((rc = number_array(p, g, path, 0, 1e9, out->groups)) != 0)
            return rc;
        double sum = 0;
        for (uint32_t i = 0; i < out->n_groups; i++)
            sum += out->groups[i];
        if (!(sum > 0))
            return fail(p, SH_ERR_RANGE, "%s.groups: all zero", path);
        return 0;
    }
    case SIM_FAULT_HEAL:
        if ((rc = get_time(p, f, prefix, "at_s", S, maxs, &out->at_ns)) != 0)
            return rc;
        if (!sh_json_has(f, "at_s"))
            return fail(p, SH_ERR_FORMAT, "%s.at_s: missing", prefix);
        return 0;
    case SIM_FAULT_CHURN:
        if ((rc = get_time(p, f, prefix, "from_s", S, maxs, &out->at_ns)) != 0 ||
            (rc = get_time(p, f, prefix, "until_s", S, maxs, &out->until_ns)) != 0 ||
            (rc = sim_param_number(f, prefix, "join_per_s", 0, 1e6, &out->join_per_s,
                                   p->err, p->errlen)) != 0 ||
            (rc = sim_param_number(f, prefix, "leave_per_s", 0, 1e6, &out->leave_per_s,
                                   p->err, p->errlen)) != 0)
            return rc;
        if (out->until_ns < out->at_ns)
            return fail(p, SH_ERR_RANGE, "%s.until_s: before from_s", prefix);
        return 0;
    }
    return SH_ERR_INTERNAL;
}

static int parse_workload(pctx *p, sim_scenario *s, const json_t *w)
{
    static const char *const keys[] = { "broadcast_per_s", "start_s", "stop_s",
                                        "max_tracked", NULL };
    uint64_t mt = s->max_tracked;
    double maxs = (double)s->duration_ns / S;
    int rc;
    if ((rc = check_keys(p, w, "workload", keys)) != 0 ||
        (rc = sim_param_number(w, "workload", "broadcast_per_s", 0, 1e6, &s->broadcast_per_s,
                               p->err, p->errlen)) != 0 ||
        (rc = get_time(p, w, "workload", "start_s", S, maxs, &s->broadcast_start_ns)) != 0 ||
        (rc = get_time(p, w, "workload", "stop_s", S, maxs, &s->broadcast_stop_ns)) != 0 ||
        (rc = sim_param_uint(w, "workload", "max_tracked", 0, 1000000, &mt,
                             p->err, p->errlen)) != 0)
        return rc;
    s->max_tracked = (uint32_t)mt;
    return 0;
}

static int parse_metrics(pctx *p, sim_scenario *s, const json_t *m)
{
    static const char *const keys[] = { "sample_interval_s", "connectivity_interval_s",
                                        "curve_bin_ms", "curve_bins", "plots",
                                        "per_node_csv", NULL };
    uint64_t bins = s->curve_bins;
    int rc;
    if ((rc = check_keys(p, m, "metrics", keys)) != 0 ||
        (rc = get_time(p, m, "metrics", "sample_interval_s", S, MAX_S, &s->sample_ns)) != 0 ||
        (rc = get_time(p, m, "metrics", "connectivity_interval_s", S, MAX_S,
                       &s->connectivity_ns)) != 0 ||
        (rc = get_time(p, m, "metrics", "curve_bin_ms", MS, 1e7, &s->curve_bin_ns)) != 0 ||
        (rc = sim_param_uint(m, "metrics", "curve_bins", 10, 100000, &bins,
                             p->err, p->errlen)) != 0 ||
        (rc = get_bool(p, m, "metrics", "plots", &s->plots)) != 0 ||
        (rc = get_bool(p, m, "metrics", "per_node_csv", &s->per_node_csv)) != 0)
        return rc;
    if (s->sample_ns == 0)
        return fail(p, SH_ERR_RANGE, "metrics.sample_interval_s: must be > 0");
    if (s->curve_bin_ns == 0)
        return fail(p, SH_ERR_RANGE, "metrics.curve_bin_ms: must be > 0");
    s->curve_bins = (uint32_t)bins;
    return 0;
}

/* ---- the whole scenario ------------------------------------------------------- */

static int parse(pctx *p, sim_scenario *s, const json_t *root)
{
    static const char *const keys[] = { "name", "description", "seed", "relays",
                                        "online_at_start", "duration_s", "fidelity",
                                        "regions", "network", "protocol", "workload",
                                        "faults", "metrics", NULL };
    int rc;
    if (!json_is_object(root))
        return fail(p, SH_ERR_TYPE, "scenario: expected a JSON object");
    if ((rc = check_keys(p, root, "", keys)) != 0)
        return rc;
    /* defaults */
    s->online_at_start = 1.0;
    s->fidelity = SIM_FIDELITY_FAST;
    s->jitter = SIM_JITTER_EXPONENTIAL;
    s->jitter_ns = 2 * 1000000ULL;
    s->jitter_sigma = 0.5;
    s->bandwidth_bps = 100000000ULL;
    s->overhead_bytes = 60;
    s->max_message_bytes = 1u << 20;
    s->broadcast_stop_ns = UINT64_MAX;
    s->max_tracked = 1000;
    s->sample_ns = 1000000000ULL;
    s->curve_bin_ns = 10 * 1000000ULL;
    s->curve_bins = 1000;
    s->plots = 1;
    s->per_node_csv = 1;

    if ((rc = get_str(p, root, "", "name", &s->name)) != 0 ||
        (rc = get_str(p, root, "", "description", &s->description)) != 0 ||
        (rc = parse_seed(p, s, root)) != 0)
        return rc;
    if (s->name == NULL && (s->name = strdup("unnamed")) == NULL)
        return SH_ERR_NOMEM;
    uint64_t relays = 0;
    if (!sh_json_has(root, "relays"))
        return fail(p, SH_ERR_FORMAT, "relays: missing");
    if (!sh_json_has(root, "duration_s"))
        return fail(p, SH_ERR_FORMAT, "duration_s: missing");
    if ((rc = sim_param_uint(root, "", "relays", 2, SIM_MAX_RELAYS, &relays,
                             p->err, p->errlen)) != 0 ||
        (rc = get_time(p, root, "", "duration_s", S, MAX_S, &s->duration_ns)) != 0 ||
        (rc = sim_param_number(root, "", "online_at_start", 0, 1, &s->online_at_start,
                               p->err, p->errlen)) != 0)
        return rc;
    s->relays = (uint32_t)relays;
    if (s->duration_ns == 0)
        return fail(p, SH_ERR_RANGE, "duration_s: must be > 0");
    char *fid = NULL;
    if ((rc = get_str(p, root, "", "fidelity", &fid)) != 0)
        return rc;
    if (fid != NULL) {
        if (strcmp(fid, "fast") == 0) s->fidelity = SIM_FIDELITY_FAST;
        else if (strcmp(fid, "full") == 0) s->fidelity = SIM_FIDELITY_FULL;
        else rc = fail(p, SH_ERR_RANGE, "fidelity: '%s' is not one of fast, full", fid);
        free(fid);
        if (rc != 0)
            return rc;
    }
    json_t *net, *proto, *work, *met, *faults;
    if ((rc = get_obj(p, root, "", "network", &net)) != 0)
        return rc;
    json_t *empty = json_object();
    if (empty == NULL)
        return SH_ERR_NOMEM;
    rc = parse_regions(p, s, root, net ? net : empty);
    if (rc == 0)
        rc = parse_network(p, s, net ? net : empty);
    json_decref(empty);
    if (rc != 0)
        return rc;

    if ((rc = get_obj(p, root, "", "protocol", &proto)) != 0)
        return rc;
    if (proto == NULL)
        return fail(p, SH_ERR_FORMAT, "protocol: missing");
    static const char *const pkeys[] = { "name", "params", NULL };
    json_t *params;
    if ((rc = check_keys(p, proto, "protocol", pkeys)) != 0 ||
        (rc = get_str(p, proto, "protocol", "name", &s->protocol)) != 0 ||
        (rc = get_obj(p, proto, "protocol", "params", &params)) != 0)
        return rc;
    if (s->protocol == NULL)
        return fail(p, SH_ERR_FORMAT, "protocol.name: missing");
    s->protocol_params = params ? json_incref(params) : json_object();
    if (s->protocol_params == NULL)
        return SH_ERR_NOMEM;

    if ((rc = get_obj(p, root, "", "workload", &work)) != 0 ||
        (work != NULL && (rc = parse_workload(p, s, work)) != 0))
        return rc;
    if ((rc = get_obj(p, root, "", "metrics", &met)) != 0 ||
        (met != NULL && (rc = parse_metrics(p, s, met)) != 0))
        return rc;
    if ((rc = get_arr(p, root, "", "faults", 0, 10000, &faults)) != 0)
        return rc;
    if (faults != NULL && json_array_size(faults) > 0) {
        s->n_faults = json_array_size(faults);
        s->faults = calloc(s->n_faults, sizeof *s->faults);
        if (s->faults == NULL)
            return SH_ERR_NOMEM;
        for (size_t i = 0; i < s->n_faults; i++)
            if ((rc = parse_fault(p, s, json_array_get(faults, i), i, &s->faults[i])) != 0)
                return rc;
    }
    return 0;
}

int sim_scenario_from_json(const json_t *root, sim_scenario **out, char *err, size_t errlen)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    sim_scenario *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SH_ERR_NOMEM;
    pctx p = { err, errlen };
    int rc = parse(&p, s, root);
    if (rc != 0) {
        if (rc == SH_ERR_NOMEM)
            fail(&p, rc, "out of memory");
        sim_scenario_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int sim_scenario_load_string(const char *text, size_t len, sim_scenario **out,
                             char *err, size_t errlen)
{
    json_t *root;
    if (out != NULL)
        *out = NULL;
    int rc = sh_json_load_string(text, len, "scenario", &root, err, errlen);
    if (rc != 0)
        return rc;
    rc = sim_scenario_from_json(root, out, err, errlen);
    json_decref(root);
    return rc;
}

int sim_scenario_load_file(const char *path, sim_scenario **out, char *err, size_t errlen)
{
    json_t *root;
    if (out != NULL)
        *out = NULL;
    int rc = sh_json_load_file(path, &root, err, errlen);
    if (rc != 0)
        return rc;
    rc = sim_scenario_from_json(root, out, err, errlen);
    json_decref(root);
    return rc;
}

void sim_scenario_free(sim_scenario *s)
{
    if (s == NULL)
        return;
    free(s->name);
    free(s->description);
    if (s->region_names != NULL)
        for (uint32_t i = 0; i < s->n_regions; i++)
            free(s->region_names[i]);
    free(s->region_names);
    free(s->latency_ns);
    free(s->region_weights);
    free(s->protocol);
    json_decref(s->protocol_params);
    for (size_t i = 0; i < s->n_faults; i++) {
        free(s->faults[i].nodes);
        free(s->faults[i].groups);
        free(s->faults[i].behaviour);
    }
    free(s->faults);
    free(s);
}

void sim_scenario_set_seed(sim_scenario *s, uint64_t n)
{
    memset(s->seed, 0, sizeof s->seed);
    for (int i = 0; i < 8; i++)
        s->seed[i] = (uint8_t)(n >> (8 * i));
    s->seed_number = n;
    s->seed_is_number = 1;
}

void sim_scenario_seed_hex(const sim_scenario *s, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < SH_RNG_SEEDBYTES; i++) {
        out[2 * i] = hex[s->seed[i] >> 4];
        out[2 * i + 1] = hex[s->seed[i] & 15];
    }
    out[64] = '\0';
}
