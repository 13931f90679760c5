/* sim/run.h -- one simulation run built from a scenario.
 *
 * Assembles the pieces: the protocol descriptor (sim/registry.h), the
 * crypto provider of the fidelity mode (sim/crypto.h), the network model
 * (sim/net.h), the engine (sim/engine.h), the fault script
 * (sim/faults.h), the broadcast workload and the metrics (sim/metrics.h).
 *
 * Workload: from workload.start_s, every 1 / broadcast_per_s seconds until
 * workload.stop_s (and strictly before the end), a random honest up relay (stream
 * "workload") originates broadcast id k = 1, 2, ...; the first max_tracked
 * are tracked by the metrics.  Samples are taken every
 * metrics.sample_interval_s from time 0, connectivity every
 * metrics.connectivity_interval_s, and once more at the end.
 *
 * The run processes every event due at or before duration_s.  Nothing of
 * the host (wall clock, thread count, addresses) enters the outputs.
 */
#ifndef SHROUD_SIM_RUN_H
#define SHROUD_SIM_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "sim/engine.h"
#include "sim/metrics.h"
#include "sim/net.h"
#include "sim/registry.h"
#include "sim/scenario.h"

typedef struct sim_run sim_run;

/* Build a run.  proto: the protocol to use, or NULL to look up
 * sc->protocol in the registry.  sc must outlive the run.  On error err
 * holds a message (for scenario problems, naming the member). */
int sim_run_new(const sim_scenario *sc, const sim_proto_desc *proto, sim_run **out,
                char *err, size_t errlen) SH_WUR;
void sim_run_free(sim_run *r);

/* Process at most max_events events; *done is set once the run reached
 * its duration (the final sample is then taken). */
int sim_run_advance(sim_run *r, uint64_t max_events, int *done) SH_WUR;
/* Run to the end. */
int sim_run_all(sim_run *r) SH_WUR;

/* Write summary.json, the CSVs and the plots into dir (created if
 * missing). */
int sim_run_write(sim_run *r, const char *dir, char *err, size_t errlen) SH_WUR;
/* The summary object (a new reference). */
json_t *sim_run_summary(sim_run *r);

uint64_t sim_run_now(const sim_run *r);
uint64_t sim_run_duration(const sim_run *r);
sim_engine *sim_run_engine(sim_run *r);
sim_net *sim_run_net(sim_run *r);
const sim_metrics *sim_run_metrics(const sim_run *r);
/* Approximate bytes held by the run (engine, net, metrics, protocols are
 * not included: use getrusage for the whole process). */
size_t sim_run_memory(const sim_run *r);

#endif
