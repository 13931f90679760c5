/* node/relay_impl.h -- the relay daemon's state, shared by relay.c
 * (lifecycle, signals, reload), relay_net.c (the sans-IO driver and the
 * node messages) and relay_status.c (/status and /metrics).  Not a public
 * header. */
#ifndef SHROUD_NODE_RELAY_IMPL_H
#define SHROUD_NODE_RELAY_IMPL_H

#include <stdio.h>
#include <stdint.h>
#include <event2/event.h>

#include "shroud/sansio.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/rng.h"
#include "gossip/gossip.h"
#include "node/config.h"
#include "node/control.h"
#include "node/keystore.h"
#include "node/prom.h"
#include "node/registry.h"
#include "node/store.h"
#include "node/transport.h"
#include "node/wire.h"

#define RELAY_MAX_PENDING 64         /* messages held for relays not yet known */
#define RELAY_PENDING_NS 10000000000ULL
#define RELAY_MAX_REASONS 64
#define RELAY_WELCOME_DESCS 32       /* descriptors given to a newcomer / per SYNC */

typedef struct relay relay;

typedef struct relay_timer {
    struct relay_timer *next, *prev;
    relay *r;
    sh_timer_id id;
    uint64_t tag;
    struct event *ev;
} relay_timer;

typedef struct relay_pending {
    sh_peer_id to;
    uint64_t deadline_ns;
    size_t len;
    uint8_t msg[NODE_WIRE_HEADER + 768];
} relay_pending;

typedef struct relay_boot {
    sh_peer_id id;
    uint8_t identity[32];
    uint8_t transport[32];
    char endpoint[96];
} relay_boot;

struct relay {
    node_config cfg;
    sh_log log;
    FILE *logf;                       /* NULL: stderr */
    struct event_base *base;
    node_store *store;
    node_keys *keys;
    node_registry *reg;
    node_transport *tp;
    node_control *ctl;
    sh_rng *rng;

    /* gossip, driven through drv */
    sh_driver drv;
    sh_proto gossip;
    gossip_cfg gcfg;
    int gossip_started;

    /* our descriptor */
    sh_peer_id self;
    gossip_desc desc;
    uint8_t desc_wire[GOSSIP_DESC_MAX_BYTES];
    size_t desc_len;
    uint64_t last_issued;

    relay_boot boot[NODE_CFG_MAX_BOOTSTRAP];
    uint32_t n_boot;

    relay_timer *timers;              /* armed protocol timers */
    size_t n_timers;
    sh_timer_id next_timer;

    relay_pending pend[RELAY_MAX_PENDING];
    size_t n_pend;

    double unknown_tokens;            /* admission of unknown keys */
    uint64_t unknown_ns;

    struct event *ev_term, *ev_int, *ev_hup, *ev_refresh, *ev_epoch, *ev_sync,
                 *ev_announce;

    /* counters */
    uint64_t in_by_type[NODE_MSG_COUNT], out_by_type[NODE_MSG_COUNT];
    uint64_t send_unknown, send_dropped, pending_expired, store_errors;
    uint64_t descs_learned, collisions, reloads;
    struct { const char *reason; uint64_t n; } rej[RELAY_MAX_REASONS];
    size_t n_rej;
    node_prom_hist lat_hist;          /* descriptor age on arrival, seconds */
    node_prom_hist hops_hist;

    uint64_t start_ns;                /* monotonic */
    uint64_t lonely_logged_ns;        /* last "no neighbours" warning */
    uint64_t epoch;
    int active_dirty;
    int had_neighbor;
    int stopping;
    int exit_code;
    sh_buf tx;
    char pid_path[4096];
};

/* relay_net.c */
extern const sh_driver_ops relay_driver_ops;
void relay_on_message(void *arg, const uint8_t key[32], const uint8_t *msg, size_t len);
int relay_admit(void *arg, const uint8_t key[32]);
void relay_on_refused(void *arg, const char *reason);
void relay_count_reject(relay *r, const char *reason);
/* Run after every call into the gossip instance: persists what changed. */
void relay_after_gossip(relay *r);
/* Issue a fresh descriptor (issued = now), persist nothing (it is derived
 * from the keys and the config), update the transport's HELLO and flood it
 * if flood is set. */
int relay_issue_descriptor(relay *r, int flood) SH_WUR;
void relay_send_sync(relay *r);
void relay_timers_free(relay *r);
uint64_t relay_mono_ns(void);
uint64_t relay_wall_ns(void);
int relay_endpoint(const gossip_desc *d, char *out, size_t n);
int relay_load_peers(relay *r) SH_WUR;
/* Failures are counted in store_errors and logged. */
int relay_save_active(relay *r);
size_t relay_load_active(relay *r, sh_peer_id *out, size_t cap);

/* relay_status.c */
int relay_status_json(void *arg, json_t **out);
int relay_metrics_text(void *arg, sh_buf *out);

#endif
