/* tests/test_sim_gossip.c -- the gossip layer as a simulator protocol
 * (sim/proto_gossip.c): deterministic outputs for one seed, every relay
 * reached, a partition longer than every timeout heals, parameter errors
 * name the field, byzantine liars and flooders (sim/proto_gossip_byz.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/registry.h"
#include "helpers/testutil.h"
#include "sim/run.h"
#include "sim/scenario.h"

#define SCEN(relays, dur, params, extra) \
    "{\"name\": \"g\", \"seed\": 3, \"relays\": " relays ", \"duration_s\": " dur "," \
    " \"network\": {\"jitter\": \"exponential\", \"jitter_ms\": 2, \"loss\": 0.001}," \
    " \"protocol\": {\"name\": \"gossip\", \"params\": " params "}," extra \
    " \"metrics\": {\"sample_interval_s\": 1, \"connectivity_interval_s\": 2}}"

static sim_scenario *load(const char *text)
{
    char err[512] = "";
    sim_scenario *s = NULL;
    int rc = sim_scenario_load_string(text, strlen(text), &s, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    return s;
}

static void run_into(const char *text, uint64_t seed, const char *dir)
{
    char err[512] = "";
    sim_scenario *s = load(text);
    sim_scenario_set_seed(s, seed);
    sim_run *r;
    cr_assert_eq(sim_run_new(s, NULL, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run_all(r), 0);
    cr_assert_eq(sim_run_write(r, dir, err, sizeof err), 0, "%s", err);
    sim_run_free(r);
    sim_scenario_free(s);
}

static json_t *summary(const char *dir)
{
    char p[512];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    cr_assert_not_null(j, "%s: %s", p, je.text);
    return j;
}

static double jget(json_t *j, const char *sec, const char *key, const char *stat)
{
    json_t *v = json_object_get(json_object_get(j, sec), key);
    if (stat != NULL)
        v = json_object_get(v, stat);
    cr_assert_not_null(v, "%s.%s.%s missing", sec, key, stat ? stat : "");
    return json_number_value(v);
}

static const char *const outputs[] = {
    "summary.json", "timeseries.csv", "connectivity.csv", "dissemination.csv",
    "curve.csv", "per_node.csv",
};

Test(sim_gossip, registered)
{
    const sim_proto_desc *d = sim_registry_find("gossip");
    cr_assert_not_null(d);
    cr_assert_not_null(d->neighbours);
    cr_assert_not_null(d->broadcast_request);
}

Test(sim_gossip, same_seed_identical_other_seed_differs_all_reached)
{
    const char *text = SCEN("150", "30", "{}",
        " \"workload\": {\"broadcast_per_s\": 1, \"start_s\": 8, \"stop_s\": 26},");
    char tmpl[] = "/tmp/shroud-simg-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    char d1[300], d2[300], d3[300];
    snprintf(d1, sizeof d1, "%s/a", tmpl);
    snprintf(d2, sizeof d2, "%s/b", tmpl);
    snprintf(d3, sizeof d3, "%s/c", tmpl);
    run_into(text, 21, d1);
    run_into(text, 21, d2);
    run_into(text, 22, d3);
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        cr_assert(tu_same_file(d1, d2, outputs[i]), "%s differs between equal seeds", outputs[i]);
    cr_assert(!tu_same_file(d1, d3, "summary.json"));
    cr_assert(!tu_same_file(d1, d3, "dissemination.csv"));

    json_t *j = summary(d1);
    cr_assert_eq(jget(j, "dissemination", "broadcasts_tracked", NULL), 19);
    /* every broadcast reached every relay (150 relays, 1.5 log2 N = 10.8) */
    cr_assert_eq(jget(j, "dissemination", "final_fraction", "mean"), 1.0);
    cr_assert_eq(jget(j, "dissemination", "hops_to_100", "count"), 19);
    cr_assert_eq(jget(j, "dissemination", "hops_to_99", "count"), 19);
    cr_assert_leq(jget(j, "dissemination", "hops_to_100", "max"), 40);
    cr_assert_eq(jget(j, "connectivity", "final_largest_component_fraction", NULL), 1.0);
    cr_assert_eq(jget(j, "engine", "handler_errors", NULL), 0);
    cr_assert_eq(jget(j, "engine", "driver_misuse", NULL), 0);
    cr_assert_eq(json_object_size(json_object_get(j, "rejects")), 0);
    json_decref(j);
    tu_rm_rf(tmpl);
}

/* Broadcasts injected in [from_s, to_s): their smallest final fraction
 * (dissemination.csv), and how many. */
static double min_fraction(const char *dir, double from_s, double to_s, int *count)
{
    char p[512];
    snprintf(p, sizeof p, "%s/dissemination.csv", dir);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    char line[1024];
    double mn = 2;
    *count = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));   /* header */
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned id, origin, pop, learned;
        double t, frac;
        cr_assert_eq(sscanf(line, "%u,%u,%lf,%u,%u,%lf", &id, &origin, &t, &pop, &learned,
                            &frac), 6, "%s", line);
        if (t >= from_s && t < to_s) {
            (*count)++;
            if (frac < mn)
                mn = frac;
        }
    }
    fclose(f);
    return mn;
}

Test(sim_gossip, partition_longer_than_every_timeout_heals)
{
    /* cut at 10 s, healed at 45 s (fail_ticks 6 s, retry 5 s, 35 s cut) */
    const char *text = SCEN("120", "70", "{}",
        " \"workload\": {\"broadcast_per_s\": 1, \"start_s\": 6},"
        " \"faults\": [{\"type\": \"partition\", \"at_s\": 10, \"groups\": [0.5, 0.5]},"
        "              {\"type\": \"heal\", \"at_s\": 45}],");
    char tmpl[] = "/tmp/shroud-simg-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    run_into(text, 5, tmpl);
    json_t *j = summary(tmpl);
    cr_assert_lt(jget(j, "connectivity", "min_largest_component_fraction", NULL), 0.6);
    cr_assert_eq(jget(j, "connectivity", "final_largest_component_fraction", NULL), 1.0);
    cr_assert_eq(jget(j, "connectivity", "final_components", NULL), 1);
    json_decref(j);
    int n;
    cr_assert_eq(min_fraction(tmpl, 6, 9, &n), 1.0);          /* before */
    cr_assert_gt(n, 0);
    cr_assert_leq(min_fraction(tmpl, 15, 44, &n), 0.6);       /* during: one side */
    cr_assert_gt(n, 0);
    cr_assert_eq(min_fraction(tmpl, 50, 70, &n), 1.0);        /* after: everyone */
    cr_assert_gt(n, 0);
    tu_rm_rf(tmpl);
}

static void expect_error(const char *text, const char *needle)
{
    char err[512] = "";
    sim_scenario *s = load(text);
    sim_run *r = NULL;
    int rc = sim_run_new(s, NULL, &r, err, sizeof err);
    cr_assert_lt(rc, 0, "%s accepted", text);
    cr_assert_null(r);
    cr_assert(strstr(err, needle) != NULL, "'%s' does not mention '%s'", err, needle);
    sim_scenario_free(s);
}

Test(sim_gossip, params_errors_name_the_field)
{
    expect_error(SCEN("50", "5", "{\"fanout\": 3}", ""), "unknown field 'fanout'");
    expect_error(SCEN("50", "5", "{\"active_max\": 99}", ""), "protocol.params.active_max");
    expect_error(SCEN("50", "5", "{\"suspect_ticks\": 6, \"fail_ticks\": 6}", ""),
                 "protocol.params.fail_ticks");
    expect_error(SCEN("50", "5", "{\"seen_slots\": 100}", ""), "protocol.params.seen_slots");
    expect_error(SCEN("50", "5", "{\"tick_ms\": 0}", ""), "protocol.params.tick_ms");
    expect_error(SCEN("50", "5", "{\"payload_bytes\": 4}", ""),
                 "protocol.params.payload_bytes");
    expect_error(SCEN("50", "5", "{}", " \"faults\": [{\"type\": \"byzantine\","
                      " \"fraction\": 0.1, \"behaviour\": \"silent\"}],"),
                 "behaviour 'silent' is unknown to protocol gossip");
}

/* Byzantine relays (sim/proto_gossip_byz.c): 10% liars colluding to take
 * over honest views, 5% flooders of forged announcements.  Spread over
 * the address space the liars get far more than their share of honest
 * links; confined to one /16 prefix the per-prefix caps of the active view
 * keep them to a minority everywhere.  Either way the honest overlay stays
 * connected, broadcasts get through the censorship, and every forged
 * signature is rejected and counted. */
#define BYZ_SCEN(groups) \
    SCEN("300", "40", "{\"byzantine_address_groups\": " groups "}", \
         " \"workload\": {\"broadcast_per_s\": 1, \"start_s\": 10}," \
         " \"faults\": [{\"type\": \"byzantine\", \"fraction\": 0.1, \"behaviour\": \"liar\"}," \
         "              {\"type\": \"byzantine\", \"fraction\": 0.05, \"behaviour\": \"flood\"}],")

static json_t *run_summary(const char *text, uint64_t seed)
{
    char tmpl[] = "/tmp/shroud-simg-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    run_into(text, seed, tmpl);
    json_t *j = summary(tmpl);
    tu_rm_rf(tmpl);
    return j;
}

static void expect_honest_network_works(json_t *j)
{
    cr_assert_eq(json_integer_value(json_object_get(j, "byzantine_relays")), 45);
    cr_assert_eq(jget(j, "connectivity", "min_largest_component_fraction", NULL), 1.0);
    cr_assert_geq(jget(j, "dissemination", "final_fraction", "p50"), 0.98);
    cr_assert_gt(jget(j, "rejects", "gossip: bad signature", NULL), 1000);
}

Test(sim_gossip, liars_take_links_unless_confined_to_a_prefix)
{
    json_t *spread = run_summary(BYZ_SCEN("0"), 1);
    json_t *one = run_summary(BYZ_SCEN("1"), 1);
    expect_honest_network_works(spread);
    expect_honest_network_works(one);
    /* 15% byzantine relays (the flooders keep links honestly) */
    double link_spread = jget(spread, "connectivity", "final_byzantine_link_fraction", NULL);
    double maj_spread = jget(spread, "connectivity", "final_majority_byzantine_rate", NULL);
    double maj_one = jget(one, "connectivity", "final_majority_byzantine_rate", NULL);
    cr_assert_gt(link_spread, 0.25, "the liars' lies gained nothing: %f", link_spread);
    cr_assert_gt(maj_spread, 0.1);
    cr_assert_lt(maj_one, 0.05);
    cr_assert_lt(maj_one, maj_spread / 4);
    cr_assert_leq(jget(one, "connectivity", "max_eclipse_rate", NULL), 0.02);
    json_decref(spread);
    json_decref(one);
}

Test(sim_gossip, byzantine_behaviours_are_named)
{
    expect_error(SCEN("50", "5", "{}", " \"faults\": [{\"type\": \"byzantine\","
                      " \"fraction\": 0.1, \"behaviour\": \"liar\"},"
                      " {\"type\": \"byzantine\", \"fraction\": 0.1, \"behaviour\": \"sybil\"}],"),
                 "behaviour 'sybil' is unknown to protocol gossip (liar, flood)");
    expect_error(SCEN("50", "5", "{\"byz_active_max\": 1}", ""),
                 "protocol.params.byz_active_max");
    expect_error(SCEN("50", "5", "{\"flood_per_tick\": -1}", ""),
                 "protocol.params.flood_per_tick");
}
