/* sim/metrics.h -- what a run measures, and the files it writes.
 *
 * Inputs: protocol observations (sim/registry.h: learned, suspect,
 * counter), rejections, tracked broadcasts, and periodic samples of the
 * engine (sim_metrics_sample, scheduled by sim/run.c).  Only honest relays
 * count as learners and as the population of dissemination percentages;
 * a broadcast's population is the honest relays up when it was injected.
 *
 * Outputs (sim_metrics_write): timeseries.csv, connectivity.csv,
 * dissemination.csv, curve.csv, per_node.csv (optional), the SVG plots,
 * and the metric sections of summary.json (sim_metrics_summary).  Every
 * number is printed with fixed precision and every list in a fixed order:
 * two runs with the same seed give byte-identical files.
 */
#ifndef SHROUD_SIM_METRICS_H
#define SHROUD_SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "sim/engine.h"
#include "sim/net.h"
#include "sim/registry.h"

typedef struct sim_metrics sim_metrics;

typedef struct sim_metrics_cfg {
    uint32_t n_nodes;
    const uint8_t *byzantine;     /* per node, nonzero: byzantine (may be NULL) */
    uint32_t max_tracked;
    uint64_t curve_bin_ns;
    uint32_t curve_bins;
    uint64_t duration_ns;
    const sim_net *net;           /* links blocked by a partition do not count (may be NULL) */
} sim_metrics_cfg;

int sim_metrics_new(const sim_metrics_cfg *cfg, sim_metrics **out) SH_WUR;
void sim_metrics_free(sim_metrics *m);

/* Start tracking broadcast msg_id (ids 1..max_tracked, in order) injected
 * at `time` by `origin`, over a population of `population` honest relays.
 * SH_ERR_RANGE if msg_id is not the next trackable id. */
int sim_metrics_track(sim_metrics *m, uint64_t msg_id, uint32_t origin,
                      uint64_t time, uint32_t population) SH_WUR;
void sim_metrics_observe(sim_metrics *m, const sim_engine *e, uint32_t node,
                         uint64_t time, const sim_obs *obs);
void sim_metrics_reject(sim_metrics *m, const char *reason);

/* Sample the engine at `time`; with connectivity, also the overlay: union-
 * find over the links from each up relay to its up neighbours (through
 * desc->neighbours, taken as undirected) that no active partition blocks.
 * An honest up relay is eclipsed when all its neighbours are byzantine. */
int sim_metrics_sample(sim_metrics *m, const sim_engine *e, uint64_t time,
                       const sim_proto_desc *desc, int connectivity) SH_WUR;

/* Add the metric sections to summary (an object). */
int sim_metrics_summary(const sim_metrics *m, const sim_engine *e, json_t *summary) SH_WUR;
/* Write the CSV files and (if plots) the SVGs into dir. */
int sim_metrics_write(const sim_metrics *m, const sim_engine *e, const sim_net *net,
                      const char *dir, int plots, int per_node, char *err,
                      size_t errlen) SH_WUR;

/* Write data[0..len) to path atomically (temporary file and rename). */
int sim_write_file(const char *path, const void *data, size_t len) SH_WUR;

/* Nearest-rank percentile (p in [0, 100]) of v[0..n), sorting v in place;
 * NAN when n == 0. */
double sim_percentile(double *v, size_t n, double p);

#endif
