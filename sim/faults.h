/* sim/faults.h -- the fault script of a scenario, played on the engine.
 *
 * Every fault of sim_scenario.faults becomes control events on the engine
 * queue (sim_engine_at), so faults are ordered with protocol events by
 * (time, seq) and a run stays a pure function of the seed:
 *
 *   crash      at at_s, crash (or, graceful, stop) `fraction` of all relays,
 *              chosen uniformly among those up, or the listed ones;
 *   restart    at at_s, bring back `fraction` of the relays that are down
 *              (default all), or the listed ones: new instances;
 *   partition  at at_s, shuffle the relays into groups of the given
 *              relative sizes; copies between groups are dropped;
 *   heal       at at_s, end the partition;
 *   churn      between from_s and until_s, leaves (graceful stops of a
 *              random up relay) and joins (restarts of a random down relay)
 *              as two Poisson processes of the given rates;
 *   byzantine  from the start, `fraction` of the relays (or the listed
 *              ones) run the named behaviour, which the protocol's factory
 *              interprets (sim/registry.h).
 *
 * Random choices draw from ChaCha20 on sh_rng_derive_seed(seed, "faults", 0)
 * (byzantine sets from "byzantine"), in event order.
 */
#ifndef SHROUD_SIM_FAULTS_H
#define SHROUD_SIM_FAULTS_H

#include <stdint.h>
#include "sim/engine.h"
#include "sim/net.h"
#include "sim/scenario.h"

typedef struct sim_faults sim_faults;

typedef struct sim_fault_stats {
    uint64_t crashes, leaves, restarts, joins, partitions, heals;
    uint64_t failed;          /* engine refusals (e.g. out of memory) */
} sim_fault_stats;

/* Choose the byzantine relays: byz[i] = 0 (honest) or k, the k-th distinct
 * behaviour name (names[k-1], borrowed from sc).  A relay named by two
 * byzantine faults keeps the first.  names must hold SIM_MAX_BEHAVIOURS. */
#define SIM_MAX_BEHAVIOURS 16
int sim_faults_byzantine(const sim_scenario *sc, uint8_t *byz,
                         const char **names, uint32_t *n_names) SH_WUR;

/* Schedule the script (byzantine entries excepted) on e.  The engine and
 * net must outlive the returned object. */
int sim_faults_new(const sim_scenario *sc, sim_engine *e, sim_net *net,
                   sim_faults **out) SH_WUR;
void sim_faults_free(sim_faults *f);
const sim_fault_stats *sim_faults_stats(const sim_faults *f);

#endif
