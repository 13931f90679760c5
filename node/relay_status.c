/* node/relay_status.c -- the relay's /status document and /metrics text
 * (docs/control-api.md lists every field and metric). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <jansson.h>

#include "node/procstat.h"
#include "node/relay_impl.h"

static json_t *hexj(const uint8_t *p, size_t n)
{
    char h[2 * 64 + 1];
    sodium_bin2hex(h, sizeof h, p, n);
    return json_string(h);
}

int relay_status_json(void *arg, json_t **out)
{
    relay *r = arg;
    sh_peer_id act[GOSSIP_MAX_ACTIVE];
    size_t na = gossip_active_view(r->gossip.self, act, GOSSIP_MAX_ACTIVE);
    if (na > GOSSIP_MAX_ACTIVE)
        na = GOSSIP_MAX_ACTIVE;
    json_t *active = json_array();
    for (size_t i = 0; i < na; i++) {
        node_peer *p = node_registry_get(r->reg, act[i]);
        char ep[96] = "";
        json_t *e = json_object();
        json_object_set_new(e, "peer", json_integer(act[i]));
        if (p != NULL) {
            (void)relay_endpoint(&p->desc, ep, sizeof ep);
            json_object_set_new(e, "identity", hexj(p->desc.identity, 32));
            json_object_set_new(e, "address", json_string(ep));
        }
        json_array_append_new(active, e);
    }
    json_t *known = json_array();
    for (size_t i = 0; i < node_registry_count(r->reg); i++)
        json_array_append_new(known, hexj(node_registry_at(r->reg, i)->desc.identity, 32));
    node_transport_stats ts;
    node_transport_stats_get(r->tp, &ts);
    node_procstat ps;
    memset(&ps, 0, sizeof ps);
    if (node_procstat_read(&ps) != 0)
        memset(&ps, 0, sizeof ps);   /* reported as zeros */
    json_t *doc = json_pack(
        "{s:o, s:o, s:s, s:s, s:I, s:I, s:s, s:I,"
        " s:{s:I, s:I, s:I, s:I, s:o, s:o},"
        " s:{s:I, s:I, s:I, s:I},"
        " s:{s:I, s:f}}",
        "identity", hexj(r->keys->identity_pk, 32),
        "transport", hexj(r->keys->transport_pk, 32),
        "nickname", r->cfg.nickname,
        "version", SHROUD_VERSION,
        "epoch", (json_int_t)r->epoch,
        "uptime_s", (json_int_t)((relay_mono_ns() - r->start_ns) / 1000000000ULL),
        "listen", r->cfg.listen.text,
        "peer_id", (json_int_t)r->self,
        "peers",
          "known", (json_int_t)node_registry_count(r->reg),
          "active", (json_int_t)na,
          "passive", (json_int_t)gossip_passive_size(r->gossip.self),
          "remembered", (json_int_t)gossip_remembered_size(r->gossip.self),
          "active_view", active,
          "known_identities", known,
        "queues",
          "connections", (json_int_t)node_transport_connections(r->tp),
          "pending_unknown", (json_int_t)r->n_pend,
          "timers", (json_int_t)r->n_timers,
          "dropped", (json_int_t)(r->send_dropped + ts.dropped_full),
        "process",
          "rss_bytes", (json_int_t)ps.rss_bytes,
          "cpu_s", ps.cpu_user_s + ps.cpu_system_s);
    if (doc == NULL)
        return SH_ERR_NOMEM;
    *out = doc;
    return 0;
}

/* ---- /metrics ------------------------------------------------------------------ */

static int fam(sh_buf *o, const char *name, const char *type, const char *help)
{
    return node_prom_family(o, name, type, help);
}

static int one(sh_buf *o, const char *name, const char *type, const char *help, uint64_t v)
{
    int rc = fam(o, name, type, help);
    return rc ? rc : node_prom_sample_u64(o, name, NULL, 0, v);
}

static const char *const GOSSIP_TYPE_NAMES[GOSSIP_MSG_COUNT] = {
    "undecodable", "join", "forward_join", "neighbor", "neighbor_reply", "disconnect",
    "shuffle", "shuffle_reply", "ping", "pong", "gossip", "ihave", "graft", "prune"
};

static int by_type(sh_buf *o, const char *name, const char *help, const uint64_t *in,
                   const uint64_t *outv, unsigned n, const char *(*label)(unsigned))
{
    int rc = fam(o, name, "counter", help);
    for (unsigned t = 0; t < n && rc == 0; t++) {
        const char *l1[] = { "direction", "in", "type", label(t) };
        const char *l2[] = { "direction", "out", "type", label(t) };
        rc = node_prom_sample_u64(o, name, l1, 2, in[t]);
        if (rc == 0 && outv != NULL)
            rc = node_prom_sample_u64(o, name, l2, 2, outv[t]);
    }
    return rc;
}

static const char *gossip_type_name(unsigned t)
{
    return t < GOSSIP_MSG_COUNT ? GOSSIP_TYPE_NAMES[t] : "invalid";
}

int relay_metrics_text(void *arg, sh_buf *o)
{
    relay *r = arg;
    gossip_counters gc;
    gossip_counters_get(r->gossip.self, &gc);
    node_transport_stats ts;
    node_transport_stats_get(r->tp, &ts);
    node_procstat ps;
    memset(&ps, 0, sizeof ps);
    if (node_procstat_read(&ps) != 0)
        memset(&ps, 0, sizeof ps);   /* reported as zeros */
    sh_peer_id act[GOSSIP_MAX_ACTIVE];
    size_t na = gossip_active_view(r->gossip.self, act, GOSSIP_MAX_ACTIVE);

    int rc = by_type(o, "shroud_node_messages_total",
                     "Node-layer messages by direction and type.", r->in_by_type,
                     r->out_by_type, NODE_MSG_COUNT, node_wire_type_name);
    if (rc == 0)
        rc = by_type(o, "shroud_gossip_messages_total",
                     "Gossip protocol messages by direction and type.", gc.msgs_in,
                     gc.msgs_out, GOSSIP_MSG_COUNT, gossip_type_name);
    if (rc == 0)
        rc = fam(o, "shroud_rejects_total", "counter",
                 "Inputs refused, by reason (transport, node and gossip layers).");
    for (size_t i = 0; i < r->n_rej && rc == 0; i++) {
        const char *l[] = { "reason", r->rej[i].reason };
        rc = node_prom_sample_u64(o, "shroud_rejects_total", l, 1, r->rej[i].n);
    }
    if (rc == 0)
        rc = fam(o, "shroud_peers", "gauge", "Relays known, and the gossip views.");
    const char *lk[] = { "view", "known" }, *la[] = { "view", "active" },
               *lp[] = { "view", "passive" }, *lr[] = { "view", "remembered" };
    if (rc == 0)
        rc = node_prom_sample_u64(o, "shroud_peers", lk, 1, node_registry_count(r->reg));
    if (rc == 0)
        rc = node_prom_sample_u64(o, "shroud_peers", la, 1, na);
    if (rc == 0)
        rc = node_prom_sample_u64(o, "shroud_peers", lp, 1, gossip_passive_size(r->gossip.self));
    if (rc == 0)
        rc = node_prom_sample_u64(o, "shroud_peers", lr, 1,
                                  gossip_remembered_size(r->gossip.self));
    if (rc == 0)
        rc = fam(o, "shroud_gossip_descriptor_age_seconds", "histogram",
                 "Age of a descriptor when gossip first delivered it here.");
    if (rc == 0)
        rc = node_prom_hist_write(o, "shroud_gossip_descriptor_age_seconds", NULL, 0, &r->lat_hist);
    if (rc == 0)
        rc = fam(o, "shroud_gossip_descriptor_hops", "histogram",
                 "Hops a descriptor travelled before it reached this relay.");
    if (rc == 0)
        rc = node_prom_hist_write(o, "shroud_gossip_descriptor_hops", NULL, 0, &r->hops_hist);
    struct { const char *n, *t, *h; uint64_t v; } s[] = {
        { "shroud_gossip_suspicions_total", "counter", "Neighbours suspected.", gc.suspicions },
        { "shroud_gossip_failures_total", "counter", "Neighbours declared failed.", gc.failures },
        { "shroud_gossip_duplicates_total", "counter", "Gossip copies already seen.", gc.duplicates },
        { "shroud_gossip_grafts_total", "counter", "GRAFTs sent.", gc.grafts },
        { "shroud_transport_bytes_in_total", "counter", "Bytes received.", ts.bytes_in },
        { "shroud_transport_bytes_out_total", "counter", "Bytes sent.", ts.bytes_out },
        { "shroud_transport_connections", "gauge", "Outgoing connections open.", ts.connections },
        { "shroud_transport_accepted_total", "counter", "Incoming connections.", ts.accepted },
        { "shroud_transport_handshake_failures_total", "counter",
          "Connections that failed the CURVE handshake.", ts.handshake_failed },
        { "shroud_transport_dropped_total", "counter",
          "Messages dropped because a peer's queue was full.", ts.dropped_full },
        { "shroud_send_unknown_total", "counter",
          "Messages for relays whose address was not known.", r->send_unknown },
        { "shroud_pending_messages", "gauge", "Messages held for relays not yet known.", r->n_pend },
        { "shroud_store_errors_total", "counter", "Failed writes to the store.", r->store_errors },
        { "shroud_config_reloads_total", "counter", "Successful SIGHUP reloads.", r->reloads },
        { "shroud_epoch", "gauge", "Current epoch.", r->epoch },
        { "shroud_uptime_seconds", "gauge", "Seconds since start.",
          (relay_mono_ns() - r->start_ns) / 1000000000ULL },
    };
    for (size_t i = 0; i < sizeof s / sizeof *s && rc == 0; i++)
        rc = one(o, s[i].n, s[i].t, s[i].h, s[i].v);
    if (rc == 0)
        rc = node_procstat_write_prom(o, &ps);
    if (rc == 0 && r->ctl != NULL) {
        node_control_stats cs;
        node_control_stats_get(r->ctl, &cs);
        rc = node_control_stats_write_prom(o, &cs);
    }
    return rc;
}
