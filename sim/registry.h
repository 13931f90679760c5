/* sim/registry.h -- the protocols a scenario can name: the plug-in point.
 *
 * A scenario's "protocol": {"name": N, "params": {...}} selects the
 * sim_proto_desc named N.  A descriptor tells the simulator how to
 *
 *   - parse the "params" object into the protocol's config (validating every
 *     field and naming it in errors, like the rest of the scenario);
 *   - create node i's instance through the protocol's ordinary constructor
 *     (X_new(cfg, driver, out)), honest or byzantine (env->byzantine[i]
 *     names a behaviour the protocol interprets);
 *   - turn a result the protocol delivers (sh_drv_deliver) into a metric
 *     observation: "node learned message id X after h hops", "node
 *     suspects peer P is down", a named counter;
 *   - list a live node's current neighbours (its overlay links), for
 *     connectivity and eclipse metrics;
 *   - build the local request that makes a node originate a tracked
 *     broadcast with id X (the scenario's workload).
 *
 * The protocol code itself stays sans-IO and knows nothing of the
 * simulator; the descriptor is a thin adapter living next to it (for the
 * built-in rumour protocol: sim/proto_rumor.c).  Adding a protocol: write
 * its descriptor, add one line to the table in sim/registry.c (see
 * docs/researcher-guide.md, "Adding a protocol").  Tests may also hand a
 * descriptor directly to sim_run_new (sim/run.h) without registering it.
 */
#ifndef SHROUD_SIM_REGISTRY_H
#define SHROUD_SIM_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "shroud/sansio.h"
#include "sim/crypto.h"

/* What the simulator tells a protocol's parser about the run.  Every
 * pointer stays valid until the config is freed. */
typedef struct sim_proto_env {
    uint32_t n_nodes;
    /* Per node: 0 honest, k > 0 byzantine with behaviour behaviours[k-1]. */
    const uint8_t *byzantine;
    const char *const *behaviours;
    uint32_t n_behaviours;
    const sim_crypto *crypto;   /* the fidelity mode's provider */
    uint8_t seed[SH_RNG_SEEDBYTES];
} sim_proto_env;

typedef enum sim_obs_type {
    SIM_OBS_NONE = 0,       /* not a metric event */
    SIM_OBS_LEARNED,        /* the node learned tracked message msg_id after hops hops */
    SIM_OBS_SUSPECT,        /* the node now suspects `peer` is down */
    SIM_OBS_COUNTER         /* add delta to the counter named `counter` */
} sim_obs_type;

typedef struct sim_obs {
    sim_obs_type type;
    uint64_t msg_id;
    uint32_t hops;
    uint32_t peer;
    const char *counter;    /* a string literal (kept as a label) */
    uint64_t delta;
} sim_obs;

typedef struct sim_proto_desc {
    const char *name;       /* what the scenario's protocol.name says */
    const char *summary;    /* one line for `shroud sim --protocols` */
    /* params: the scenario's protocol.params object (an empty object when
     * absent).  On error write a message naming the field
     * ("protocol.params.fanout: ...") and return a negative SH_ERR_*. */
    int (*parse)(const json_t *params, const sim_proto_env *env, void **cfg,
                 char *err, size_t errlen);
    void (*free_cfg)(void *cfg);
    /* Create node's instance (incarnation 0 at start, k at the k-th
     * restart).  Reads env->byzantine[node] kept in cfg. */
    int (*create)(void *cfg, uint32_t node, uint32_t incarnation,
                  const sh_driver *d, sh_proto *out);
    /* Classify a delivered result; *obs is zeroed beforehand. */
    void (*observe)(void *cfg, uint32_t kind, const uint8_t *data, size_t len,
                    sim_obs *obs);
    /* Optional: node's current neighbours into out[0..cap), returns how
     * many it has (may exceed cap: only cap are written).  behaviour is the
     * node's env->byzantine code (0: honest), which tells what `self` is
     * when a protocol builds byzantine nodes differently. */
    size_t (*neighbours)(const void *self, uint8_t behaviour, uint32_t *out, size_t cap);
    /* Optional: the request making a node originate tracked broadcast
     * msg_id: *kind and buf[0..*len).  NULL: no broadcast workload. */
    int (*broadcast_request)(void *cfg, uint64_t msg_id, uint32_t *kind,
                             uint8_t *buf, size_t cap, size_t *len);
} sim_proto_desc;

/* Helpers for descriptor parsers: an optional member `name` of obj,
 * left untouched when absent; on error the message names the full path
 * "<prefix>.<name>: ...".  _ms reads milliseconds (integer or real, in
 * [0, max_ms]) into nanoseconds. */
int sim_param_uint(const json_t *obj, const char *prefix, const char *name,
                   uint64_t min, uint64_t max, uint64_t *v, char *err,
                   size_t errlen) SH_WUR;
int sim_param_ms(const json_t *obj, const char *prefix, const char *name,
                 double max_ms, uint64_t *ns, char *err, size_t errlen) SH_WUR;
int sim_param_number(const json_t *obj, const char *prefix, const char *name,
                     double min, double max, double *v, char *err,
                     size_t errlen) SH_WUR;
/* Rewrite a util/json message "member 'x': why" as "<prefix>.x: why". */
void sim_param_error(char *err, size_t errlen, const char *prefix,
                     const char *json_msg);

/* The descriptor named `name`, NULL if none. */
const sim_proto_desc *sim_registry_find(const char *name);
/* The i-th registered descriptor (i from 0), NULL past the end. */
const sim_proto_desc *sim_registry_at(size_t i);

#endif
