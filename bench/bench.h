/* bench/bench.h -- the `shroud bench` framework (like `openssl speed`).
 *
 * Each figure is printed either as an aligned human line or, with --json,
 * as one JSON object a line:
 *   {"bench":"zk","name":"msm","n":10000,"ns":6123.4,"per":"point","clock":"cpu",
 *    "baseline":"scalarmul","ratio":0.101, ...extra fields}
 * "ratio" is ns divided by the suite's baseline figure measured earlier in
 * the same run, so that figures stay comparable on a noisy shared machine.
 */
#ifndef SHROUD_BENCH_H
#define SHROUD_BENCH_H

#include <stdint.h>
#include <stdio.h>

typedef struct bench_ctx {
    int json;
    FILE *out;
    const char *suite;
    double min_seconds;       /* minimum measuring time per figure */
    int elapsed;              /* 1: wall-clock time; 0: process CPU time */
    const char *baseline;     /* name of the baseline figure, once measured */
    double baseline_ns;
    /* The baseline operation itself, so that a figure can be timed paired
     * with it (bench_time_vs_baseline); arg is heap memory owned by the
     * suite, freed when the suite ends. */
    void (*baseline_fn)(void *arg);
    void *baseline_arg;
} bench_ctx;

/* The clock of ctx: process CPU time by default (like `openssl speed`,
 * which also counts CPU time unless given -elapsed), so that time the
 * process spends descheduled on a shared machine is not counted; wall-clock
 * time with --elapsed (for multi-threaded figures). */
uint64_t bench_now_ns(const bench_ctx *ctx);
/* One sample: fn(arg) called iters times in a row; ns per call. */
double bench_sample(const bench_ctx *ctx, void (*fn)(void *arg), void *arg, uint64_t iters);
/* Time fn(arg) repeatedly, doubling the count until at least min_seconds
 * have passed; returns nanoseconds per call (the best of 3 such runs). */
double bench_time(const bench_ctx *ctx, void (*fn)(void *arg), void *arg);
/* Time two functions that will be compared with each other: short samples
 * (min_seconds / 50 each, at least one call), alternating between the two
 * until each has been measured for 10 x min_seconds (at least 5 rounds),
 * keeping the fastest sample of each, so that both get the same chance of
 * an undisturbed sample on a shared machine instead of a slow spell skewing
 * their ratio.  Returns ns per call of each in *a_ns and *b_ns. */
void bench_time_pair(const bench_ctx *ctx, void (*fa)(void *), void *arg_a,
                     void (*fb)(void *), void *arg_b, double *a_ns, double *b_ns);
/* Time fn paired with the suite's baseline operation (bench_time_pair):
 * *ns for fn, *base_ns for the baseline measured alongside.  Without a
 * baseline operation, *base_ns is the suite's stored baseline figure. */
void bench_time_vs_baseline(const bench_ctx *ctx, void (*fn)(void *), void *arg,
                            double *ns, double *base_ns);
/* Print one figure whose ratio is taken against base_ns, a measurement of
 * the baseline paired with this figure, rather than the suite's first one. */
void bench_report_paired(const bench_ctx *ctx, const char *name, uint64_t n, double ns,
                         const char *per, double base_ns, const char *extra);
/* Print one figure.  extra is NULL or a fragment of JSON members such as
 * "\"bytes\":200" appended to the object (and shown in human output). */
void bench_report(const bench_ctx *ctx, const char *name, uint64_t n, double ns,
                  const char *per, const char *extra);
/* Report a figure and make it the suite's baseline. */
void bench_report_baseline(bench_ctx *ctx, const char *name, uint64_t n, double ns,
                           const char *per);

/* Make `name`, measured at ns, the baseline of the figures that follow
 * (suites with one baseline per group, such as mpc). */
void bench_set_baseline(bench_ctx *ctx, const char *name, double ns);

/* Suites, each printing its figures. */
int bench_suite_zk(bench_ctx *ctx);
int bench_suite_shuffle(bench_ctx *ctx);
int bench_suite_mpc(bench_ctx *ctx);
int bench_suite_mixnet(bench_ctx *ctx);
int bench_suite_node(bench_ctx *ctx);
int bench_suite_sim(bench_ctx *ctx);

/* The engine benchmark's set-up (also `shroud sim bench`): `relays` nodes
 * running sim/proto_ping.h (one PING a simulated second each) on the
 * default network model, seed 1.  Both are freed by the caller, also on
 * failure (either may be NULL then). */
struct sim_net;
struct sim_engine;
int bench_sim_ping_new(uint32_t relays, struct sim_net **net, struct sim_engine **e);

/* Parts of the zk suite, one file each. */
void bench_zk_group(bench_ctx *ctx);
void bench_zk_msm(bench_ctx *ctx);
void bench_zk_proofs(bench_ctx *ctx);
void bench_zk_elgamal(bench_ctx *ctx);

/* Parts of the mpc suite.  Figures carry "suite" (the group or FROST
 * ciphersuite) and "t"; each group's figures are compared with that group's
 * scalarmul_base, which bench_mpc_shamir measures first. */
struct mpc_group;
struct sh_rng;
/* The group's baseline, then (when shamir is nonzero) the Shamir figures. */
void bench_mpc_shamir(bench_ctx *ctx, const struct mpc_group *g, struct sh_rng *rng, int shamir);
void bench_mpc_dkg(bench_ctx *ctx, const struct mpc_group *g, struct sh_rng *rng);
void bench_mpc_frost(bench_ctx *ctx, const struct mpc_group *g, struct sh_rng *rng);
void bench_mpc_tdec(bench_ctx *ctx, struct sh_rng *rng);

#endif
