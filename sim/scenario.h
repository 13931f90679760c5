/* sim/scenario.h -- scenarios as JSON files (format: scenarios/README.md).
 *
 * sim_scenario_load reads and validates a whole scenario with jansson
 * (through util/json): unknown members are refused, every number is range
 * checked, and an error message names the offending member by its dotted
 * path ("network.loss: 1.5 is outside [0, 1]", "faults[2].at_s: ...").
 * Missing optional members take the documented defaults.  The protocol's
 * own "params" object is kept as JSON and parsed by the protocol's
 * descriptor (sim/registry.h) when the run is built.
 */
#ifndef SHROUD_SIM_SCENARIO_H
#define SHROUD_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "util/err.h"
#include "util/rng.h"
#include "sim/crypto.h"
#include "sim/net.h"

#define SIM_MAX_RELAYS 10000000u
#define SIM_MAX_GROUPS 64

typedef enum sim_fault_type {
    SIM_FAULT_CRASH = 0,   /* crash (or, graceful, leave) a fraction or list of up relays */
    SIM_FAULT_RESTART,     /* bring back a fraction or list of down relays */
    SIM_FAULT_PARTITION,   /* split the relays into groups of given sizes */
    SIM_FAULT_HEAL,        /* end the partition */
    SIM_FAULT_CHURN,       /* Poisson joins and leaves between from and until */
    SIM_FAULT_BYZANTINE    /* a fixed set of relays runs a named behaviour */
} sim_fault_type;

typedef struct sim_fault {
    sim_fault_type type;
    uint64_t at_ns;          /* churn: start */
    uint64_t until_ns;       /* churn only: end (UINT64_MAX: end of run) */
    double fraction;         /* crash, byzantine: of all relays; restart: of the down ones */
    uint32_t *nodes;         /* explicit relay ids instead of fraction (NULL: fraction) */
    uint32_t n_nodes;
    int graceful;            /* crash: stop (leave) instead of crash */
    double *groups;          /* partition: relative group sizes */
    uint32_t n_groups;
    double join_per_s;       /* churn */
    double leave_per_s;
    char *behaviour;         /* byzantine */
} sim_fault;

typedef struct sim_scenario {
    char *name;
    char *description;
    uint8_t seed[SH_RNG_SEEDBYTES];
    uint64_t seed_number;    /* when given as an integer (or --seed) */
    int seed_is_number;
    uint32_t relays;
    double online_at_start;  /* fraction up at time 0 (the rest can join by churn) */
    uint64_t duration_ns;
    sim_fidelity fidelity;

    /* regions and network */
    uint32_t n_regions;
    char **region_names;
    uint64_t *latency_ns;    /* n_regions^2 */
    double *region_weights;  /* n_regions */
    sim_jitter_dist jitter;
    uint64_t jitter_ns;
    double jitter_sigma;
    uint64_t bandwidth_bps;
    uint32_t overhead_bytes;
    double loss;
    size_t max_message_bytes;

    /* protocol */
    char *protocol;
    json_t *protocol_params; /* a reference we own (an empty object by default) */

    /* workload */
    double broadcast_per_s;  /* 0: none */
    uint64_t broadcast_start_ns;
    uint64_t broadcast_stop_ns;
    uint32_t max_tracked;

    sim_fault *faults;
    size_t n_faults;

    /* metrics */
    uint64_t sample_ns;
    uint64_t connectivity_ns; /* 0: never */
    uint64_t curve_bin_ns;
    uint32_t curve_bins;
    int plots;
    int per_node_csv;
} sim_scenario;

/* Parse a scenario.  On error *out is NULL and err holds a message naming
 * the member; SH_ERR_IO, SH_ERR_FORMAT (bad JSON, unknown or missing
 * member), SH_ERR_TYPE, SH_ERR_RANGE, SH_ERR_LENGTH, SH_ERR_NOMEM. */
int sim_scenario_load_file(const char *path, sim_scenario **out, char *err,
                           size_t errlen) SH_WUR;
int sim_scenario_load_string(const char *text, size_t len, sim_scenario **out,
                             char *err, size_t errlen) SH_WUR;
int sim_scenario_from_json(const json_t *root, sim_scenario **out, char *err,
                           size_t errlen) SH_WUR;
void sim_scenario_free(sim_scenario *s);

/* The --seed override: seed bytes = u64le(n) followed by zeros, the same
 * bytes an integer "seed": n gives. */
void sim_scenario_set_seed(sim_scenario *s, uint64_t n);
/* Lower-case hex of the 32 seed bytes into out[65]. */
void sim_scenario_seed_hex(const sim_scenario *s, char out[65]);

#endif
