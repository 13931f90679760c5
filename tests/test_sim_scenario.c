/* tests/test_sim_scenario.c -- scenarios end to end: JSON errors named by
 * member, byte-identical outputs for one seed, faults (crash, restart,
 * partition/heal, churn rates, byzantine), and the CLI writing its files. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/testutil.h"
#include "sim/run.h"
#include "sim/scenario.h"

#define BASE \
    "{\"name\": \"t\", \"seed\": 5, \"relays\": 150, \"duration_s\": 20,"     \
    " \"protocol\": {\"name\": \"rumor\", \"params\": {\"fanout\": 5, \"view_size\": 12}},"  \
    " \"workload\": {\"broadcast_per_s\": 2, \"start_s\": 1},"               \
    " \"metrics\": {\"sample_interval_s\": 1, \"connectivity_interval_s\": 2}%s}"

static sim_scenario *load(const char *extra, char *err, size_t errlen, int *rc)
{
    char text[4096];
    snprintf(text, sizeof text, BASE, extra);
    sim_scenario *s = NULL;
    *rc = sim_scenario_load_string(text, strlen(text), &s, err, errlen);
    return s;
}

static void expect_error(const char *text, int code, const char *needle)
{
    char err[512] = "";
    sim_scenario *s = NULL;
    int rc = sim_scenario_load_string(text, strlen(text), &s, err, sizeof err);
    cr_assert_eq(rc, code, "%s -> %d (%s)", text, rc, err);
    cr_assert_null(s);
    cr_assert(strstr(err, needle) != NULL, "'%s' does not mention '%s'", err, needle);
}

Test(sim_scenario, errors_name_the_member)
{
    expect_error("{\"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"}}", SH_ERR_FORMAT, "relays");
    expect_error("{\"relays\": \"many\", \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"}}",
                 SH_ERR_TYPE, "relays");
    expect_error("{\"relays\": 1, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"}}",
                 SH_ERR_RANGE, "relays");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"network\": {\"loss\": 1.5}}", SH_ERR_RANGE, "network.loss");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"network\": {\"los\": 0.5}}", SH_ERR_FORMAT, "network.los");
    expect_error("{\"relays\": 10, \"duration_s\": 5}", SH_ERR_FORMAT, "protocol");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"faults\": [{\"type\": \"heal\", \"at_s\": 1}, {\"type\": \"crash\", \"at_s\": 9,"
                 " \"fraction\": 0.1}]}", SH_ERR_RANGE, "faults[1].at_s");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"faults\": [{\"type\": \"explode\", \"at_s\": 1}]}", SH_ERR_RANGE, "faults[0].type");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"fidelity\": \"medium\"}", SH_ERR_RANGE, "fidelity");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"},"
                 " \"regions\": {\"names\": [\"a\", \"b\"], \"latency_ms\": [[1, 2], [3]]}}",
                 SH_ERR_LENGTH, "regions.latency_ms[1]");
    expect_error("{\"relays\": 10, \"duration_s\": 5, \"protocol\": {\"name\": \"rumor\"} ",
                 SH_ERR_FORMAT, "scenario");

    /* protocol params are checked when the run is built */
    char err[512] = "";
    int rc;
    sim_scenario *s = load(", \"faults\": []", err, sizeof err, &rc);
    cr_assert_eq(rc, 0, "%s", err);
    json_object_set_new(s->protocol_params, "fanout", json_integer(0));
    sim_run *r = NULL;
    rc = sim_run_new(s, NULL, &r, err, sizeof err);
    cr_assert_eq(rc, SH_ERR_RANGE);
    cr_assert(strstr(err, "protocol.params.fanout") != NULL, "%s", err);
    json_object_set_new(s->protocol_params, "fanout", json_integer(3));
    json_object_set_new(s->protocol_params, "fanot", json_integer(3));
    rc = sim_run_new(s, NULL, &r, err, sizeof err);
    cr_assert(rc != 0 && strstr(err, "fanot") != NULL, "%s", err);
    free(s->protocol);
    s->protocol = strdup("nope");
    rc = sim_run_new(s, NULL, &r, err, sizeof err);
    cr_assert(rc != 0 && strstr(err, "protocol.name") != NULL, "%s", err);
    sim_scenario_free(s);
}

static const char *const outputs[] = {
    "summary.json", "timeseries.csv", "connectivity.csv", "dissemination.csv",
    "curve.csv", "per_node.csv", "dissemination.svg", "overhead.svg", "connectivity.svg",
};

static void run_into(const char *extra, uint64_t seed, const char *dir)
{
    char err[512] = "";
    int rc;
    sim_scenario *s = load(extra, err, sizeof err, &rc);
    cr_assert_eq(rc, 0, "%s", err);
    sim_scenario_set_seed(s, seed);
    sim_run *r;
    cr_assert_eq(sim_run_new(s, NULL, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run_all(r), 0);
    cr_assert_eq(sim_run_write(r, dir, err, sizeof err), 0, "%s", err);
    sim_run_free(r);
    sim_scenario_free(s);
}

Test(sim_scenario, same_seed_identical_files_other_seed_differs)
{
    char tmpl[] = "/tmp/shroud-sim-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    char d1[300], d2[300], d3[300];
    snprintf(d1, sizeof d1, "%s/a", tmpl);
    snprintf(d2, sizeof d2, "%s/b", tmpl);
    snprintf(d3, sizeof d3, "%s/c", tmpl);
    const char *faults = ", \"network\": {\"loss\": 0.01}, \"faults\": ["
                         "{\"type\": \"crash\", \"at_s\": 8, \"fraction\": 0.3},"
                         "{\"type\": \"restart\", \"at_s\": 14},"
                         "{\"type\": \"churn\", \"join_per_s\": 1, \"leave_per_s\": 1}]";
    run_into(faults, 11, d1);
    run_into(faults, 11, d2);
    run_into(faults, 12, d3);
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        cr_assert(tu_same_file(d1, d2, outputs[i]), "%s differs between equal seeds", outputs[i]);
    cr_assert(!tu_same_file(d1, d3, "summary.json"));
    cr_assert(!tu_same_file(d1, d3, "timeseries.csv"));
    tu_rm_rf(tmpl);
}

static json_t *run_summary_adv(const char *extra, int advertise)
{
    char err[512] = "";
    int rc;
    sim_scenario *s = load(extra, err, sizeof err, &rc);
    cr_assert_eq(rc, 0, "%s", err);
    if (advertise > 0)
        json_object_set_new(s->protocol_params, "advertise", json_integer(advertise));
    sim_run *r;
    cr_assert_eq(sim_run_new(s, NULL, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run_all(r), 0);
    json_t *j = sim_run_summary(r);
    cr_assert_not_null(j);
    sim_run_free(r);
    sim_scenario_free(s);
    return j;
}

static json_t *run_summary(const char *extra)
{
    return run_summary_adv(extra, 0);
}

static int64_t jint(json_t *j, const char *sec, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(j, sec), key));
}

static double jnum(json_t *j, const char *sec, const char *key, const char *stat)
{
    json_t *v = json_object_get(json_object_get(j, sec), key);
    if (stat != NULL)
        v = json_object_get(v, stat);
    return json_number_value(v);
}

Test(sim_scenario, crash_and_restart)
{
    json_t *j = run_summary(", \"faults\": [{\"type\": \"crash\", \"at_s\": 5, \"fraction\": 0.3}]");
    cr_assert_eq(jint(j, "faults", "crashes"), 45);
    cr_assert_eq(json_integer_value(json_object_get(j, "relays_up_at_end")), 105);
    cr_assert_gt(jint(j, "network", "dropped_at_down_relays"), 0);
    json_decref(j);
    j = run_summary(", \"faults\": [{\"type\": \"crash\", \"at_s\": 5, \"nodes\": [1, 2, 3]},"
                    "{\"type\": \"restart\", \"at_s\": 6, \"nodes\": [2]}]");
    cr_assert_eq(jint(j, "faults", "crashes"), 3);
    cr_assert_eq(jint(j, "faults", "restarts"), 1);
    cr_assert_eq(json_integer_value(json_object_get(j, "relays_up_at_end")), 148);
    json_decref(j);
}

Test(sim_scenario, partition_blocks_then_heals)
{
    /* broadcasts during the partition reach about half the relays */
    json_t *j = run_summary(", \"faults\": [{\"type\": \"partition\", \"at_s\": 0, \"groups\": [1, 1]}]");
    double mx = jnum(j, "dissemination", "final_fraction", "max");
    cr_assert(mx <= 0.55, "max fraction %f under a permanent partition", mx);
    cr_assert_lt(jnum(j, "connectivity", "final_largest_component_fraction", NULL), 0.6);
    json_decref(j);
    j = run_summary(", \"faults\": [{\"type\": \"partition\", \"at_s\": 0, \"groups\": [1, 1]},"
                    "{\"type\": \"heal\", \"at_s\": 2}]");
    double p50 = jnum(j, "dissemination", "final_fraction", "p50");
    cr_assert(p50 > 0.8, "median fraction %f after healing", p50);
    cr_assert_eq(jint(j, "faults", "heals"), 1);
    json_decref(j);
}

Test(sim_scenario, churn_rates)
{
    /* 20 s at 3 joins/s and 3 leaves/s: about 60 of each (Poisson sd ~8) */
    json_t *j = run_summary(", \"online_at_start\": 0.8, \"faults\": [{\"type\": \"churn\","
                            " \"join_per_s\": 3, \"leave_per_s\": 3}]");
    int64_t joins = jint(j, "faults", "joins"), leaves = jint(j, "faults", "leaves");
    cr_assert(joins >= 30 && joins <= 90, "joins %lld", (long long)joins);
    cr_assert(leaves >= 30 && leaves <= 90, "leaves %lld", (long long)leaves);
    json_decref(j);
}

Test(sim_scenario, byzantine_liars_eclipse_some)
{
    json_t *j = run_summary_adv(", \"faults\": [{\"type\": \"byzantine\", \"fraction\": 0.3,"
                                " \"behaviour\": \"liar\"}]", 4);
    cr_assert_eq(json_integer_value(json_object_get(j, "byzantine_relays")), 45);
    cr_assert_gt(jnum(j, "connectivity", "max_eclipse_rate", NULL), 0.0);
    json_decref(j);
    char err[512];
    int rc;
    sim_scenario *s = load(", \"faults\": [{\"type\": \"byzantine\", \"fraction\": 0.1,"
                           " \"behaviour\": \"teleport\"}]", err, sizeof err, &rc);
    cr_assert_eq(rc, 0);
    sim_run *r;
    cr_assert_neq(sim_run_new(s, NULL, &r, err, sizeof err), 0);
    cr_assert(strstr(err, "teleport") != NULL, "%s", err);
    sim_scenario_free(s);
}

Test(sim_scenario, cli_writes_the_files)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(n, 0);
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    cr_assert_not_null(slash);
    strcpy(slash + 1, "shroud");
    if (access(exe, X_OK) != 0)
        cr_skip_test("shroud executable not built next to the tests");
    char tmpl[] = "/tmp/shroud-sim-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "'%s' sim '%s/scenarios/quick.json' --seed 3 --out '%s/out' "
             "--quiet", exe, SHROUD_SOURCE_DIR, tmpl);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/out/%s", tmpl, outputs[i]);
        cr_assert_eq(access(p, R_OK), 0, "missing %s", p);
    }
    snprintf(cmd, sizeof cmd, "'%s' sim /nonexistent.json --quiet 2>/dev/null", exe);
    cr_assert_eq(WEXITSTATUS(system(cmd)), 2);
    tu_rm_rf(tmpl);
}
