/* bench/bench_sim.c -- `shroud bench sim`: the discrete-event simulator.
 *
 *  - sim_events (the baseline, per event): the engine alone, driving the
 *    minimal "ping" protocol (sim/proto_ping.h) on 100,000 relays over the
 *    default network model (six regions, exponential jitter, 100 Mbit/s
 *    uplinks) for 20 simulated seconds, no metrics; "events_per_s" is the
 *    throughput on one core.
 *  - sim_gossip_events (per event): the real gossip layer (gossip/) in fast
 *    fidelity with the simulator's metrics, 10,000 relays, 40 simulated
 *    seconds with one tracked broadcast per second from 20 s; its ratio to
 *    sim_events is what the protocol costs per event over the engine.
 *  - sim_memory (per relay): resident memory that the gossip run added,
 *    divided by its relays ("bytes_per_relay"): engine, network, gossip
 *    instances, metrics, queued events.
 *
 * CPU time (one thread).  Each figure is one run, not the best of several:
 * a run takes seconds, and the events it processes are the repetitions. */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "node/procstat.h"
#include "sim/engine.h"
#include "sim/net.h"
#include "sim/proto_ping.h"
#include "sim/run.h"
#include "sim/scenario.h"

#define ENGINE_RELAYS 100000u
#define ENGINE_SECONDS 20u
#define GOSSIP_RELAYS 10000u
#define GOSSIP_SECONDS 40u

static uint64_t rss_now(void)
{
    node_procstat ps;
    /* on failure the fields it could not read are 0: reported as such */
    return node_procstat_read(&ps) == SH_ERR_ARG ? 0 : ps.rss_bytes;
}

static const sim_ping_cfg PING = { SIM_NS_PER_S, 64 };

int bench_sim_ping_new(uint32_t relays, sim_net **net, sim_engine **e)
{
    const char *const *names;
    const uint64_t *lat;
    uint32_t nr = sim_net_default_regions(&names, &lat);
    sim_net_cfg nc = { nr, names, lat, NULL, SIM_JITTER_EXPONENTIAL, 2000000ULL, 0.5,
                       100000000ULL, 60, 0.0 };
    uint8_t seed[SH_RNG_SEEDBYTES] = { 1 };
    *net = NULL;
    *e = NULL;
    int rc = sim_net_new(&nc, relays, seed, net);
    if (rc == 0) {
        sim_engine_cfg ec;
        memset(&ec, 0, sizeof ec);
        ec.n_nodes = relays;
        memcpy(ec.seed, seed, sizeof ec.seed);
        ec.net = *net;
        ec.factory = sim_ping_factory;
        ec.factory_arg = (void *)&PING;
        rc = sim_engine_new(&ec, e);
    }
    return rc;
}

static int engine_run(const bench_ctx *ctx, uint64_t *events, double *ns)
{
    sim_net *net;
    sim_engine *e;
    int rc = bench_sim_ping_new(ENGINE_RELAYS, &net, &e);
    uint64_t t0 = bench_now_ns(ctx);
    while (rc == 0 && (rc = sim_engine_run(e, (uint64_t)ENGINE_SECONDS * SIM_NS_PER_S,
                                           1u << 20)) == 1)
        rc = 0;
    uint64_t t = bench_now_ns(ctx) - t0;
    if (rc == 0) {
        *events = sim_engine_get_totals(e)->events;
        *ns = *events > 0 ? (double)t / (double)*events : 0;
    }
    sim_engine_free(e);
    sim_net_free(net);
    return rc;
}

static int gossip_run(const bench_ctx *ctx, uint64_t *events, double *ns, uint64_t *rss_added)
{
    char text[768];
    snprintf(text, sizeof text,
             "{\"name\": \"bench-gossip\", \"seed\": 1, \"relays\": %u, \"duration_s\": %u,"
             " \"fidelity\": \"fast\", \"protocol\": {\"name\": \"gossip\", \"params\": {}},"
             " \"workload\": {\"broadcast_per_s\": 1, \"start_s\": 20},"
             " \"metrics\": {\"sample_interval_s\": 5, \"connectivity_interval_s\": 20,"
             " \"per_node_csv\": false}}", GOSSIP_RELAYS, GOSSIP_SECONDS);
    char err[512] = "";
    sim_scenario *sc = NULL;
    sim_run *r = NULL;
    uint64_t rss0 = rss_now();
    int rc = sim_scenario_load_string(text, strlen(text), &sc, err, sizeof err);
    if (rc == 0)
        rc = sim_run_new(sc, NULL, &r, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "shroud bench sim: %s\n", err);
        sim_scenario_free(sc);
        return rc;
    }
    uint64_t t0 = bench_now_ns(ctx);
    rc = sim_run_all(r);
    uint64_t t = bench_now_ns(ctx) - t0;
    if (rc == 0) {
        uint64_t rss1 = rss_now();
        *events = sim_engine_get_totals(sim_run_engine(r))->events;
        *ns = *events > 0 ? (double)t / (double)*events : 0;
        *rss_added = rss1 > rss0 ? rss1 - rss0 : 0;
    }
    sim_run_free(r);
    sim_scenario_free(sc);
    return rc;
}

int bench_suite_sim(bench_ctx *ctx)
{
    ctx->suite = "sim";
    char extra[160];
    uint64_t events = 0, rss = 0;
    double ns = 0;
    int rc = engine_run(ctx, &events, &ns);
    if (rc != 0) {
        fprintf(stderr, "shroud bench sim: engine run failed: %s\n", sh_err_str(rc));
        return rc;
    }
    snprintf(extra, sizeof extra,
             "\"events_per_s\":%.0f,\"events\":%" PRIu64 ",\"protocol\":\"ping\",\"simulated_s\":%u",
             ns > 0 ? 1e9 / ns : 0, events, ENGINE_SECONDS);
    bench_set_baseline(ctx, "sim_events", ns);
    bench_report(ctx, "sim_events", ENGINE_RELAYS, ns, "event", extra);
    rc = gossip_run(ctx, &events, &ns, &rss);
    if (rc != 0) {
        fprintf(stderr, "shroud bench sim: gossip run failed: %s\n", sh_err_str(rc));
        return rc;
    }
    snprintf(extra, sizeof extra,
             "\"events_per_s\":%.0f,\"events\":%" PRIu64 ",\"protocol\":\"gossip\","
             "\"fidelity\":\"fast\",\"simulated_s\":%u", ns > 0 ? 1e9 / ns : 0, events,
             GOSSIP_SECONDS);
    bench_report(ctx, "sim_gossip_events", GOSSIP_RELAYS, ns, "event", extra);
    snprintf(extra, sizeof extra, "\"bytes_per_relay\":%" PRIu64 ",\"rss_added_bytes\":%" PRIu64
             ",\"protocol\":\"gossip\",\"fidelity\":\"fast\"", rss / GOSSIP_RELAYS, rss);
    bench_set_baseline(ctx, NULL, 0);    /* a size, not a time: no ratio */
    bench_report(ctx, "sim_memory", GOSSIP_RELAYS, 0, "relay", extra);
    return 0;
}
