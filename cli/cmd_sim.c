/* cli/cmd_sim.c -- `shroud sim`: run a simulation scenario.
 *
 *   shroud sim SCENARIO.json [--seed N] [--out DIR] [--quiet]
 *   shroud sim --protocols
 *   shroud sim bench [--relays N] [--seconds S] [--rate R] [--fanout K]
 *                    [--fidelity fast|full] [--connectivity]
 *                    [--only engine|rumor] [--json]
 *
 * Writes summary.json, CSV time series and SVG plots into DIR (default
 * sim-out/<scenario name>).  On a terminal, a progress bar on stderr shows
 * simulated time, events per second and the ETA; the wall clock is read
 * here only, never by the simulator, and nothing measured from it enters
 * the output files.  `bench` reports two labelled figures, events per
 * CPU-second: "engine_events", the engine's own throughput with the minimal
 * ping protocol (sim/proto_ping.h: one timer and two small messages per node
 * and second on the default network model, no metrics), and "rumor_events",
 * the built-in rumour protocol with membership upkeep, one broadcast per
 * second (by default) and the metrics on.  Each figure is printed as a human
 * block followed by a JSON line like `shroud bench`'s
 * ({"bench":"sim","name":"engine_events","n":RELAYS,"ns":NS_PER_EVENT,...});
 * --json prints the JSON lines only, --only runs one of the two. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "bench.h"
#include "cli.h"
#include "sim/engine.h"
#include "sim/net.h"
#include "sim/registry.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "util/json.h"

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_maxrss / 1024.0;     /* Linux: KiB */
}

static double cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void fmt_hms(char *out, size_t cap, double s)
{
    if (!(s >= 0) || s > 359999)
        snprintf(out, cap, "--:--");
    else if (s >= 3600)
        snprintf(out, cap, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
    else
        snprintf(out, cap, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void progress(sim_run *r, double t0, uint64_t ev0, double *last_t, uint64_t *last_ev,
                     int final)
{
    double now = wall_s();
    uint64_t ev = sim_engine_get_totals(sim_run_engine(r))->events;
    double sim = (double)sim_run_now(r) / 1e9, dur = (double)sim_run_duration(r) / 1e9;
    double dt = now - *last_t;
    double rate = dt > 0 ? (double)(ev - *last_ev) / dt : 0;
    if (final)
        rate = now > t0 ? (double)(ev - ev0) / (now - t0) : 0;
    double frac = dur > 0 ? sim / dur : 1;
    double eta = frac > 0 ? (now - t0) * (1 - frac) / frac : -1;
    char bar[31], e[32];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fmt_hms(e, sizeof e, final ? 0 : eta);
    fprintf(stderr, "\r[%s] %7.1f/%.1f s sim  %6.2fM ev/s  ETA %s   ", bar, sim, dur,
            rate / 1e6, e);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    *last_t = now;
    *last_ev = ev;
}

/* Run to the end, with a progress bar when show is set.  Returns the
 * wall time taken. */
static int run_loop(sim_run *r, int show, double *wall, uint64_t *events)
{
    double t0 = wall_s(), last_t = t0;
    uint64_t ev0 = sim_engine_get_totals(sim_run_engine(r))->events, last_ev = ev0;
    int done = 0;
    while (!done) {
        int rc = sim_run_advance(r, 1u << 18, &done);
        if (rc != 0)
            return rc;
        if (show && (done || wall_s() - last_t >= 0.25))
            progress(r, t0, ev0, &last_t, &last_ev, done);
    }
    *wall = wall_s() - t0;
    *events = sim_engine_get_totals(sim_run_engine(r))->events - ev0;
    return 0;
}

static int usage(void)
{
    fputs("usage: shroud sim SCENARIO.json [--seed N] [--out DIR] [--quiet]\n"
          "       shroud sim --protocols\n"
          "       shroud sim bench [--relays N] [--seconds S] [--rate R] [--fanout K]\n"
          "                        [--fidelity fast|full] [--connectivity]\n"
          "                        [--only engine|rumor] [--json]\n", stderr);
    return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* One labelled figure: a human line block or a JSON line (like `shroud bench`). */
static void bench_json(const char *name, const char *proto, uint64_t relays, uint64_t seconds,
                       uint64_t events, double cpu, double wall, double rss)
{
    double ns = events > 0 ? cpu * 1e9 / (double)events : 0;
    printf("{\"bench\":\"sim\",\"name\":\"%s\",\"n\":%" PRIu64 ",\"ns\":%.1f,\"per\":\"event\","
           "\"clock\":\"cpu\",\"protocol\":\"%s\",\"simulated_s\":%" PRIu64 ",\"events\":%" PRIu64
           ",\"cpu_s\":%.3f,\"wall_s\":%.3f,\"events_per_s\":%.0f,\"peak_rss_mib\":%.1f}\n",
           name, relays, ns, proto, seconds, events, cpu, wall,
           cpu > 0 ? (double)events / cpu : 0, rss);
    fflush(stdout);
}

/* The engine's own throughput: the minimal "ping" protocol (sim/proto_ping.h)
 * on the default network model (six regions, exponential jitter, 100 Mbit/s
 * uplinks), no metrics, no workload. */
static int bench_engine(uint64_t relays, uint64_t seconds, int json)
{
    if (relays < 2 || relays >= (1u << 31)) {
        fprintf(stderr, "shroud sim bench: --relays must be in [2, 2^31)\n");
        return 2;
    }
    double t0 = wall_s();
    sim_net *net;
    sim_engine *e;
    int rc = bench_sim_ping_new((uint32_t)relays, &net, &e);
    double setup = wall_s() - t0, c0 = cpu_s(), w0 = wall_s();
    uint64_t until = seconds * SIM_NS_PER_S;
    while (rc == 0 && (rc = sim_engine_run(e, until, 1u << 20)) == 1)
        rc = 0;
    double cpu = cpu_s() - c0, wall = wall_s() - w0;
    if (rc != 0) {
        fprintf(stderr, "shroud sim bench: engine run failed: %s\n", sh_err_str(rc));
    } else {
        const sim_engine_totals *t = sim_engine_get_totals(e);
        if (!json) {
            printf("sim bench: engine (minimal ping protocol), %" PRIu64 " relays, %" PRIu64
                   " simulated s, default network\n", relays, seconds);
            printf("  setup            %.2f s\n", setup);
            printf("  events           %" PRIu64 " (messages %" PRIu64 ", timers %" PRIu64 ")\n",
                   t->events, t->received, t->timers_fired);
            printf("  wall             %.2f s\n", wall);
            printf("  cpu              %.2f s (one thread)\n", cpu);
            printf("  engine events/s  %.3f M per CPU second (%.3f M per wall second)\n",
                   cpu > 0 ? (double)t->events / cpu / 1e6 : 0,
                   wall > 0 ? (double)t->events / wall / 1e6 : 0);
            printf("  peak queue       %zu events\n", t->peak_pending);
            printf("  peak RSS         %.1f MiB (process so far)\n", peak_rss_mb());
        }
        bench_json("engine_events", "ping", relays, seconds, t->events, cpu, wall, peak_rss_mb());
    }
    sim_engine_free(e);
    sim_net_free(net);
    return rc == 0 ? 0 : 1;
}

static int bench_rumor(uint64_t relays, uint64_t seconds, uint64_t fanout, double rate,
                       const char *fid, int conn, int json)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"name\": \"bench\", \"seed\": 1, \"relays\": %" PRIu64 ", \"duration_s\": %" PRIu64
             ", \"fidelity\": \"%s\", \"protocol\": {\"name\": \"rumor\", \"params\": "
             "{\"fanout\": %" PRIu64 ", \"upkeep_ms\": 1000, \"suspect_ms\": 3000}}, "
             "\"workload\": {\"broadcast_per_s\": %g, \"start_s\": 1}, "
             "\"metrics\": {\"sample_interval_s\": 10, \"connectivity_interval_s\": %d}}",
             relays, seconds, fid, fanout, rate, conn ? 60 : 0);
    char err[512] = "";
    sim_scenario *sc;
    int rc = sim_scenario_load_string(text, strlen(text), &sc, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "shroud sim bench: %s\n", err);
        return 2;
    }
    double t0 = wall_s();
    sim_run *r;
    rc = sim_run_new(sc, NULL, &r, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "shroud sim bench: %s\n", err);
        sim_scenario_free(sc);
        return 1;
    }
    double setup = wall_s() - t0, wall = 0, c0 = cpu_s();
    uint64_t events = 0;
    rc = run_loop(r, !json && isatty(2), &wall, &events);
    double cpu = cpu_s() - c0;
    if (rc != 0) {
        fprintf(stderr, "shroud sim bench: run failed: %s\n", sh_err_str(rc));
    } else {
        const sim_engine_totals *t = sim_engine_get_totals(sim_run_engine(r));
        if (!json) {
            printf("sim bench: rumor protocol with metrics, %" PRIu64 " relays, %" PRIu64
                   " simulated s, %s, fanout %" PRIu64 ", %g broadcasts/s\n",
                   relays, seconds, fid, fanout, rate);
            printf("  setup            %.2f s\n", setup);
            printf("  events           %" PRIu64 " (messages %" PRIu64 ", timers %" PRIu64 ")\n",
                   events, t->received, t->timers_fired);
            printf("  wall             %.2f s\n", wall);
            printf("  cpu              %.2f s (one thread)\n", cpu);
            printf("  rumor events/s   %.3f M per CPU second (%.3f M per wall second)\n",
                   cpu > 0 ? (double)events / cpu / 1e6 : 0,
                   wall > 0 ? (double)events / wall / 1e6 : 0);
            printf("  peak queue       %zu events\n", t->peak_pending);
            printf("  peak RSS         %.1f MiB (process so far)\n", peak_rss_mb());
        }
        bench_json("rumor_events", "rumor", relays, seconds, events, cpu, wall, peak_rss_mb());
    }
    sim_run_free(r);
    sim_scenario_free(sc);
    return rc == 0 ? 0 : 1;
}

static int cmd_bench(int argc, char **argv)
{
    uint64_t relays = 100000, seconds = 60, fanout = 4;
    double rate = 1;
    const char *fid = "fast", *only = NULL;
    int conn = 0, json = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--connectivity") == 0) {
            conn = 1;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            json = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if ((strcmp(a, "--relays") == 0 && parse_u64(v, &relays) == 0) ||
            (strcmp(a, "--seconds") == 0 && parse_u64(v, &seconds) == 0) ||
            (strcmp(a, "--fanout") == 0 && parse_u64(v, &fanout) == 0))
            continue;
        if (strcmp(a, "--rate") == 0) {
            rate = atof(v);
            continue;
        }
        if (strcmp(a, "--fidelity") == 0) {
            fid = v;
            continue;
        }
        if (strcmp(a, "--only") == 0 && (strcmp(v, "engine") == 0 || strcmp(v, "rumor") == 0)) {
            only = v;
            continue;
        }
        return usage();
    }
    if (seconds > 1000000) {
        fprintf(stderr, "shroud sim bench: --seconds must be at most 1000000\n");
        return 2;
    }
    int rc = 0;
    if (only == NULL || strcmp(only, "engine") == 0)
        rc = bench_engine(relays, seconds, json);
    if (rc == 0 && (only == NULL || strcmp(only, "rumor") == 0))
        rc = bench_rumor(relays, seconds, fanout, rate, fid, conn, json);
    return rc;
}

int cli_cmd_sim(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    if (strcmp(argv[0], "--protocols") == 0) {
        for (size_t i = 0; sim_registry_at(i) != NULL; i++)
            printf("%-12s %s\n", sim_registry_at(i)->name, sim_registry_at(i)->summary);
        return 0;
    }
    if (strcmp(argv[0], "bench") == 0)
        return cmd_bench(argc - 1, argv + 1);
    const char *path = NULL, *out = NULL;
    uint64_t seed = 0;
    int have_seed = 0, quiet = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], &seed) != 0 || seed > INT64_MAX) {
                fprintf(stderr, "shroud sim: --seed: expected an integer in [0, 2^63)\n");
                return 2;
            }
            have_seed = 1;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (argv[i][0] == '-' || path != NULL) {
            return usage();
        } else {
            path = argv[i];
        }
    }
    if (path == NULL)
        return usage();
    char err[1024] = "";
    sim_scenario *sc;
    int rc = sim_scenario_load_file(path, &sc, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "shroud sim: %s: %s\n", path, err);
        return 2;
    }
    if (have_seed)
        sim_scenario_set_seed(sc, seed);
    char outbuf[4096];
    if (out == NULL) {
        snprintf(outbuf, sizeof outbuf, "sim-out/%s", sc->name);
        out = outbuf;
    }
    sim_run *r;
    rc = sim_run_new(sc, NULL, &r, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "shroud sim: %s: %s\n", path, err);
        sim_scenario_free(sc);
        return 2;
    }
    double wall = 0;
    uint64_t events = 0;
    rc = run_loop(r, !quiet && isatty(2), &wall, &events);
    if (rc != 0) {
        fprintf(stderr, "shroud sim: run failed: %s\n", sh_err_str(rc));
    } else if ((rc = sim_run_write(r, out, err, sizeof err)) != 0) {
        fprintf(stderr, "shroud sim: %s\n", err);
    } else if (!quiet) {
        json_t *s = sim_run_summary(r);
        json_t *d = s ? json_object_get(s, "dissemination") : NULL;
        json_t *t100 = d ? json_object_get(json_object_get(d, "time_to_99_s"), "p50") : NULL;
        printf("shroud sim: %s (seed %s%" PRIu64 "): %" PRIu64 " relays, %.1f simulated s, "
               "%" PRIu64 " events in %.2f s (%.2fM events/s), peak RSS %.0f MiB\n",
               sc->name, sc->seed_is_number ? "" : "hex, number ", sc->seed_number,
               (uint64_t)sc->relays, (double)sc->duration_ns / 1e9, events, wall,
               wall > 0 ? (double)events / wall / 1e6 : 0.0, peak_rss_mb());
        if (json_is_number(t100))
            printf("  median time for a broadcast to reach 99%% of relays: %.3f s\n",
                   json_number_value(t100));
        printf("  results in %s/ (summary.json, *.csv, *.svg)\n", out);
        json_decref(s);
    }
    sim_run_free(r);
    sim_scenario_free(sc);
    return rc == 0 ? 0 : 1;
}
