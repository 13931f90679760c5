/* node/relay_net.c -- the daemon as a sans-IO driver: the gossip instance's
 * sends, timers, results and rejections mapped onto the transport, libevent
 * timers and the store; and the node messages (HELLO, DESC, SYNC) that let
 * relays learn each other's transport keys and addresses.  docs/node.md
 * describes the rules; the comments here say why. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "node/relay_impl.h"

uint64_t relay_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t relay_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int relay_endpoint(const gossip_desc *d, char *out, size_t n)
{
    const gossip_addr *a = &d->addrs[0];
    char ip[INET6_ADDRSTRLEN];
    if (inet_ntop(a->family == GOSSIP_AF_INET ? AF_INET : AF_INET6, a->ip, ip, sizeof ip) == NULL)
        return SH_ERR_FORMAT;
    int w = a->family == GOSSIP_AF_INET ? snprintf(out, n, "tcp://%s:%u", ip, a->port)
                                        : snprintf(out, n, "tcp://[%s]:%u", ip, a->port);
    return w > 0 && (size_t)w < n ? 0 : SH_ERR_OVERSIZE;
}

void relay_count_reject(relay *r, const char *reason)
{
    /* reasons are literals: the pointer is the label */
    for (size_t i = 0; i < r->n_rej; i++)
        if (r->rej[i].reason == reason || strcmp(r->rej[i].reason, reason) == 0) {
            r->rej[i].n++;
            return;
        }
    if (r->n_rej < RELAY_MAX_REASONS) {
        r->rej[r->n_rej].reason = reason;
        r->rej[r->n_rej++].n = 1;
    }
    sh_log_msg(&r->log, SH_LOG_DEBUG, "node", "rejected: %s", reason);
}

static relay_boot *boot_by_id(relay *r, sh_peer_id id)
{
    for (uint32_t i = 0; i < r->n_boot; i++)
        if (r->boot[i].id == id)
            return &r->boot[i];
    return NULL;
}

static relay_boot *boot_by_transport(relay *r, const uint8_t key[32])
{
    for (uint32_t i = 0; i < r->n_boot; i++)
        if (memcmp(r->boot[i].transport, key, 32) == 0)
            return &r->boot[i];
    return NULL;
}

/* ---- sending --------------------------------------------------------------- */

/* Send an encoded node message to a relay we know (registry or bootstrap).
 * 1 if the relay is unknown, 0 otherwise (queued or dropped: the network
 * is unreliable by contract). */
static int send_raw(relay *r, sh_peer_id to, const uint8_t *msg, size_t len)
{
    char ep[96];
    const uint8_t *key;
    node_peer *p = node_registry_get(r->reg, to);
    relay_boot *b = NULL;
    if (p != NULL) {
        if (relay_endpoint(&p->desc, ep, sizeof ep) != 0)
            return 1;
        key = p->desc.transport;
        p->msgs_out++;
    } else if ((b = boot_by_id(r, to)) != NULL) {
        memcpy(ep, b->endpoint, sizeof ep);
        key = b->transport;
    } else {
        return 1;
    }
    int rc = node_transport_send(r->tp, key, ep, msg, len);
    if (rc != 0) {
        r->send_dropped++;
        if (p != NULL)
            p->dropped++;
        return 0;
    }
    if (len >= NODE_WIRE_HEADER && msg[1] < NODE_MSG_COUNT)
        r->out_by_type[msg[1]]++;
    return 0;
}

static int send_node_msg(relay *r, sh_peer_id to, uint8_t type, const uint8_t *body, size_t len)
{
    sh_buf_reset(&r->tx);
    int rc = node_wire_encode(&r->tx, type, body, len);
    if (rc != 0)
        return rc;
    if (send_raw(r, to, r->tx.data, r->tx.len) == 1)
        r->send_unknown++;
    return 0;
}

/* Hold a message for a relay whose descriptor we have not seen yet (a
 * SHUFFLE or FORWARD_JOIN can name it before its flood reaches us) and
 * ask the neighbours which relays they know. */
static void hold(relay *r, sh_peer_id to, const uint8_t *msg, size_t len)
{
    if (r->n_pend == RELAY_MAX_PENDING || len > sizeof r->pend[0].msg) {
        r->send_unknown++;
        return;
    }
    relay_pending *q = &r->pend[r->n_pend++];
    q->to = to;
    q->deadline_ns = relay_mono_ns() + RELAY_PENDING_NS;
    q->len = len;
    memcpy(q->msg, msg, len);
    relay_send_sync(r);
}

static void flush_pending(relay *r, sh_peer_id id)
{
    uint64_t now = relay_mono_ns();
    for (size_t i = 0; i < r->n_pend;) {
        relay_pending *q = &r->pend[i];
        if (q->to == id) {
            (void)send_raw(r, id, q->msg, q->len);
        } else if (q->deadline_ns <= now) {
            r->pending_expired++;
        } else {
            i++;
            continue;
        }
        *q = r->pend[--r->n_pend];
    }
}

/* ---- the driver ------------------------------------------------------------- */

static int drv_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    relay *r = ctx;
    sh_buf_reset(&r->tx);
    int rc = node_wire_encode(&r->tx, NODE_MSG_GOSSIP, msg, len);
    if (rc != 0)
        return rc == SH_ERR_ARG ? SH_ERR_OVERSIZE : rc;
    if (send_raw(r, to, r->tx.data, r->tx.len) == 1)
        hold(r, to, r->tx.data, r->tx.len);
    return 0;
}

static void timer_unlink(relay *r, relay_timer *t)
{
    if (t->prev != NULL)
        t->prev->next = t->next;
    else
        r->timers = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
    event_free(t->ev);
    free(t);
    r->n_timers--;
}

static void on_proto_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    relay_timer *t = arg;
    relay *r = t->r;
    sh_timer_id id = t->id;
    uint64_t tag = t->tag;
    timer_unlink(r, t);
    if (r->stopping)
        return;
    int rc = sh_proto_timer(&r->gossip, id, tag);
    if (rc != 0)
        sh_log_msg(&r->log, SH_LOG_WARN, "node", "gossip timer: %s", sh_err_str(rc));
    relay_after_gossip(r);
}

static int drv_timer_set(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out)
{
    relay *r = ctx;
    relay_timer *t = calloc(1, sizeof *t);
    if (t == NULL)
        return SH_ERR_NOMEM;
    t->r = r;
    t->id = ++r->next_timer;
    t->tag = tag;
    t->ev = evtimer_new(r->base, on_proto_timer, t);
    struct timeval tv = { .tv_sec = (time_t)(delay_ns / 1000000000ULL),
                          .tv_usec = (suseconds_t)(delay_ns % 1000000000ULL / 1000) };
    if (t->ev == NULL || evtimer_add(t->ev, &tv) != 0) {
        if (t->ev != NULL)
            event_free(t->ev);
        free(t);
        return SH_ERR_NOMEM;
    }
    t->next = r->timers;
    if (r->timers != NULL)
        r->timers->prev = t;
    r->timers = t;
    r->n_timers++;
    *out = t->id;
    return 0;
}

static void drv_timer_cancel(void *ctx, sh_timer_id id)
{
    relay *r = ctx;
    for (relay_timer *t = r->timers; t != NULL; t = t->next)
        if (t->id == id) {
            timer_unlink(r, t);
            return;
        }
}

void relay_timers_free(relay *r)
{
    while (r->timers != NULL)
        timer_unlink(r, r->timers);
}

static int store_peer(relay *r, const node_peer *p)
{
    uint8_t v[1 + 8 + GOSSIP_DESC_MAX_BYTES];
    uint64_t heard = relay_wall_ns() / 1000000000ULL;
    v[0] = 1;
    for (int i = 0; i < 8; i++)
        v[1 + i] = (uint8_t)(heard >> (56 - 8 * i));
    memcpy(v + 9, p->wire, p->wire_len);
    int rc = node_store_put1(r->store, NODE_CF_PEERS, p->desc.identity, 32, v, 9 + p->wire_len);
    if (rc != 0) {
        r->store_errors++;
        sh_log_msg(&r->log, SH_LOG_ERR, "node", "cannot store a peer: %s", sh_err_str(rc));
    }
    return rc;
}

/* A descriptor that passed its checks: remember it.  Returns the registry
 * outcome (NODE_REG_*) or a negative error. */
static int learn(relay *r, const gossip_desc *d, const uint8_t *wire, size_t len)
{
    if (memcmp(d->identity, r->keys->identity_pk, 32) == 0)
        return NODE_REG_OLD;
    node_peer *p = NULL;
    int rc = node_registry_put(r->reg, d, wire, len, &p);
    switch (rc) {
    case NODE_REG_NEW:
    case NODE_REG_UPDATED:
        r->descs_learned++;
        (void)store_peer(r, p);
        flush_pending(r, p->id);
        if (rc == NODE_REG_NEW) {
            char hex[17];
            sodium_bin2hex(hex, sizeof hex, d->identity, 8);
            sh_log_msg(&r->log, SH_LOG_INFO, "node", "learned relay %s (peer %u), %zu known",
                       hex, p->id, node_registry_count(r->reg));
        }
        break;
    case NODE_REG_COLLISION:
        r->collisions++;
        relay_count_reject(r, "node: peer id collision");
        break;
    case NODE_REG_TRANSPORT_TAKEN:
        relay_count_reject(r, "node: transport key taken");
        break;
    case NODE_REG_FULL:
        relay_count_reject(r, "node: registry full");
        break;
    default:
        break;
    }
    return rc;
}

static int drv_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    relay *r = ctx;
    switch (kind) {
    case GOSSIP_EV_DESCRIPTOR: {
        if (len < GOSSIP_ID_BYTES + 4)
            return 0;
        uint32_t hops = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 |
                        (uint32_t)data[18] << 8 | data[19];
        gossip_desc d;
        gossip_desc_err why;
        const uint8_t *w = data + GOSSIP_ID_BYTES + 4;
        size_t wl = len - GOSSIP_ID_BYTES - 4;
        if (gossip_desc_decode(&d, w, wl, &why) != 0)
            return 0;                 /* gossip checked it: cannot happen */
        double age = (double)(relay_wall_ns() / 1000000000ULL) - (double)d.issued;
        node_prom_hist_observe(&r->lat_hist, age < 0 ? 0 : age);
        node_prom_hist_observe(&r->hops_hist, (double)hops);
        (void)learn(r, &d, w, wl);
        return 0;
    }
    case GOSSIP_EV_NEIGHBOR_UP:
        if (!r->had_neighbor) {
            /* Our first neighbour: the overlay can now carry our descriptor
             * (at start it had nobody to go to).  Flood it a little later,
             * once the join's random walks have given us a few more. */
            r->had_neighbor = 1;
            struct timeval tv = { .tv_sec = (time_t)(2 * r->cfg.tick_ms / 1000),
                                  .tv_usec = (suseconds_t)(2 * r->cfg.tick_ms % 1000) * 1000 };
            event_add(r->ev_announce, &tv);
        }
        r->active_dirty = 1;
        return 0;
    case GOSSIP_EV_NEIGHBOR_DOWN:
        r->active_dirty = 1;
        return 0;
    default:
        return 0;
    }
}

static void drv_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    (void)from;
    (void)code;
    relay_count_reject(ctx, reason);
}

static uint64_t drv_now(void *ctx)
{
    (void)ctx;
    return relay_mono_ns();
}

static uint64_t drv_wall(void *ctx)
{
    (void)ctx;
    return relay_wall_ns();
}

static int drv_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    relay *r = ctx;
    if (peer == r->self) {
        memcpy(out, r->keys->identity_pk, 32);
        return 0;
    }
    node_peer *p = node_registry_get(r->reg, peer);
    if (p != NULL) {
        memcpy(out, p->desc.identity, 32);
        return 0;
    }
    relay_boot *b = boot_by_id(r, peer);
    if (b != NULL) {
        memcpy(out, b->identity, 32);
        return 0;
    }
    return SH_ERR_STATE;
}

const sh_driver_ops relay_driver_ops = {
    .send = drv_send,
    .timer_set = drv_timer_set,
    .timer_cancel = drv_timer_cancel,
    .deliver = drv_deliver,
    .reject = drv_reject,
    .now = drv_now,
    .wall = drv_wall,
    .peer_key = drv_peer_key,
};

/* ---- incoming ----------------------------------------------------------------- */

static int bucket_take(double *tokens, uint64_t *last_ns, double rate, uint64_t now)
{
    double burst = 2 * rate;
    if (*last_ns == 0) {
        *tokens = burst;
    } else {
        *tokens += (double)(now - *last_ns) * 1e-9 * rate;
        if (*tokens > burst)
            *tokens = burst;
    }
    *last_ns = now;
    if (*tokens < 1)
        return 0;
    *tokens -= 1;
    return 1;
}

int relay_admit(void *arg, const uint8_t key[32])
{
    relay *r = arg;
    if (node_registry_by_transport(r->reg, key) != NULL || boot_by_transport(r, key) != NULL)
        return 1;
    return bucket_take(&r->unknown_tokens, &r->unknown_ns, r->cfg.unknown_rate, relay_mono_ns());
}

void relay_on_refused(void *arg, const char *reason)
{
    relay_count_reject(arg, reason);
}

/* The known relays a peer lacks: those not in `have` (sorted ids), at most
 * RELAY_WELCOME_DESCS, starting at a random place so repeated SYNCs cover
 * everything. */
static void send_missing(relay *r, sh_peer_id to, const node_wire_msg *have)
{
    size_t n = node_registry_count(r->reg), sent = 0;
    if (n == 0)
        return;
    size_t start = (size_t)sh_rng_uniform(r->rng, n);
    for (size_t k = 0; k < n && sent < RELAY_WELCOME_DESCS; k++) {
        node_peer *p = node_registry_at(r->reg, (start + k) % n);
        if (p->id == to)
            continue;
        int known = have != NULL && node_wire_sync_has(have, p->id);
        if (!known && send_node_msg(r, to, NODE_MSG_DESC, p->wire, p->wire_len) == 0)
            sent++;
    }
    /* and ourselves, if the peer does not list us */
    if (have != NULL && !node_wire_sync_has(have, r->self))
        (void)send_node_msg(r, to, NODE_MSG_DESC, r->desc_wire, r->desc_len);
}

static void on_descriptor(relay *r, const uint8_t key[32], const node_wire_msg *m)
{
    gossip_desc d;
    gossip_desc_err why;
    if (gossip_desc_decode(&d, m->body, m->body_len, &why) != 0) {
        relay_count_reject(r, gossip_desc_reason(why));
        return;
    }
    why = gossip_desc_check(&d, &gossip_crypto_full, relay_wall_ns() / 1000000000ULL);
    if (why != GOSSIP_DESC_OK) {
        relay_count_reject(r, gossip_desc_reason(why));
        return;
    }
    if (m->type == NODE_MSG_HELLO && memcmp(d.transport, key, 32) != 0) {
        /* A HELLO binds the authenticated key to an identity: it must be
         * the sender's own descriptor. */
        relay_count_reject(r, "node: hello key mismatch");
        return;
    }
    int rc = learn(r, &d, m->body, m->body_len);
    if (m->type == NODE_MSG_HELLO && rc == NODE_REG_NEW && r->gossip_started) {
        /* A newcomer: tell it whom we know, and spread its descriptor if
         * it is fresh enough to be flooded (gossip refuses stale ones). */
        send_missing(r, node_peer_id(d.identity), NULL);
        if (sh_proto_request(&r->gossip, GOSSIP_REQ_DESCRIPTOR, m->body, m->body_len) != 0)
            sh_log_msg(&r->log, SH_LOG_DEBUG, "node", "a newcomer's descriptor is too old to flood");
        relay_after_gossip(r);
    }
}

void relay_on_message(void *arg, const uint8_t key[32], const uint8_t *msg, size_t len)
{
    relay *r = arg;
    if (r->stopping)
        return;
    node_wire_msg m;
    const char *why;
    if (node_wire_decode(&m, msg, len, &why) != 0) {
        r->in_by_type[0]++;
        relay_count_reject(r, why);
        return;
    }
    node_peer *p = node_registry_by_transport(r->reg, key);
    r->in_by_type[m.type]++;
    if (p == NULL) {
        /* Not yet bound to an identity: only its HELLO may speak. */
        if (m.type == NODE_MSG_HELLO)
            on_descriptor(r, key, &m);
        else
            relay_count_reject(r, "node: unauthenticated message");
        return;
    }
    uint64_t now = relay_mono_ns();
    if (!bucket_take(&p->tokens, &p->tokens_ns, r->cfg.peer_rate, now)) {
        relay_count_reject(r, "node: rate limit");
        return;
    }
    p->last_heard_ns = now;
    p->msgs_in++;
    sh_peer_id from = p->id;
    switch (m.type) {
    case NODE_MSG_HELLO:
    case NODE_MSG_DESC:
        on_descriptor(r, key, &m);
        break;
    case NODE_MSG_GOSSIP:
        if (r->gossip_started) {
            int rc = sh_proto_message(&r->gossip, from, m.body, m.body_len);
            if (rc != 0)
                sh_log_msg(&r->log, SH_LOG_WARN, "node", "gossip: %s", sh_err_str(rc));
            relay_after_gossip(r);
        }
        break;
    case NODE_MSG_SYNC:
        send_missing(r, from, &m);
        break;
    default:
        break;
    }
}

/* ---- periodic work ------------------------------------------------------------ */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Ask one neighbour (or a bootstrap relay while we have none) for the
 * relays we are missing: pull anti-entropy, so a flood we missed (we were
 * down, or not yet connected) is made up for within a sync period. */
void relay_send_sync(relay *r)
{
    sh_peer_id act[GOSSIP_MAX_ACTIVE];
    size_t na = r->gossip_started ? gossip_active_view(r->gossip.self, act, GOSSIP_MAX_ACTIVE) : 0;
    if (na > GOSSIP_MAX_ACTIVE)
        na = GOSSIP_MAX_ACTIVE;
    sh_peer_id to;
    if (na > 0)
        to = act[sh_rng_uniform(r->rng, na)];
    else if (r->n_boot > 0)
        to = r->boot[sh_rng_uniform(r->rng, r->n_boot)].id;
    else if (node_registry_count(r->reg) > 0)
        to = node_registry_at(r->reg, sh_rng_uniform(r->rng, node_registry_count(r->reg)))->id;
    else
        return;
    size_t n = node_registry_count(r->reg);
    if (n + 1 > NODE_WIRE_MAX_SYNC_IDS)
        n = NODE_WIRE_MAX_SYNC_IDS - 1;   /* a sample: later syncs cover the rest */
    uint32_t *ids = malloc((n + 1) * sizeof *ids);
    if (ids == NULL)
        return;
    size_t total = node_registry_count(r->reg), start = total ? (size_t)sh_rng_uniform(r->rng, total) : 0;
    for (size_t i = 0; i < n; i++)
        ids[i] = node_registry_at(r->reg, (start + i) % total)->id;
    ids[n] = r->self;
    qsort(ids, n + 1, sizeof *ids, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n + 1; i++)
        if (u == 0 || ids[i] != ids[u - 1])
            ids[u++] = ids[i];
    sh_buf_reset(&r->tx);
    if (node_wire_encode_sync(&r->tx, ids, (uint32_t)u) == 0 &&
        send_raw(r, to, r->tx.data, r->tx.len) == 1)
        r->send_unknown++;
    free(ids);
}

int relay_issue_descriptor(relay *r, int flood)
{
    uint64_t now_s = relay_wall_ns() / 1000000000ULL;
    gossip_desc *d = &r->desc;
    memset(d, 0, sizeof *d);
    memcpy(d->identity, r->keys->identity_pk, 32);
    memcpy(d->transport, r->keys->transport_pk, 32);
    memcpy(d->onion, r->keys->onion_pk, GOSSIP_ONION_KEY_BYTES);
    d->n_addrs = r->cfg.n_advertise;
    for (uint32_t i = 0; i < r->cfg.n_advertise; i++) {
        d->addrs[i].family = r->cfg.advertise[i].family == 6 ? GOSSIP_AF_INET6 : GOSSIP_AF_INET;
        memcpy(d->addrs[i].ip, r->cfg.advertise[i].ip, 16);
        d->addrs[i].port = r->cfg.advertise[i].port;
    }
    d->capacity = r->cfg.capacity;
    d->epoch = r->epoch;
    /* issued strictly increases, so a re-issue within the same second
     * still replaces the previous descriptor everywhere */
    d->issued = now_s > r->last_issued ? now_s : r->last_issued + 1;
    r->last_issued = d->issued;
    d->expires = d->issued + r->cfg.descriptor_lifetime_s;
    int rc = gossip_desc_sign(d, &gossip_crypto_full, r->keys->identity_sk);
    sh_buf b;
    sh_buf_init_max(&b, GOSSIP_DESC_MAX_BYTES);
    if (rc == 0)
        rc = gossip_desc_encode(d, &b);
    if (rc == 0) {
        memcpy(r->desc_wire, b.data, b.len);
        r->desc_len = b.len;
        sh_buf_reset(&r->tx);
        rc = node_wire_encode(&r->tx, NODE_MSG_HELLO, r->desc_wire, r->desc_len);
        if (rc == 0)
            rc = node_transport_set_hello(r->tp, r->tx.data, r->tx.len);
    }
    sh_buf_free(&b);
    if (rc == 0 && flood && r->gossip_started) {
        int frc = sh_proto_request(&r->gossip, GOSSIP_REQ_DESCRIPTOR, r->desc_wire, r->desc_len);
        if (frc != 0)
            sh_log_msg(&r->log, SH_LOG_WARN, "node", "cannot flood our descriptor: %s",
                       sh_err_str(frc));
        relay_after_gossip(r);
    }
    return rc;
}

/* ---- persistence of the membership ------------------------------------------- */

static int load_peer(void *arg, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
    relay *r = arg;
    gossip_desc d;
    gossip_desc_err why;
    if (klen != 32 || vlen < 10 || val[0] != 1 ||
        gossip_desc_decode(&d, val + 9, vlen - 9, &why) != 0 ||
        memcmp(d.identity, key, 32) != 0 ||
        gossip_desc_check(&d, &gossip_crypto_full, d.issued) != GOSSIP_DESC_OK) {
        sh_log_msg(&r->log, SH_LOG_WARN, "node", "ignoring a damaged peer record");
        return 0;
    }
    int rc = node_registry_put(r->reg, &d, val + 9, vlen - 9, NULL);
    return rc < 0 ? rc : 0;
}

int relay_load_peers(relay *r)
{
    return node_store_iterate(r->store, NODE_CF_PEERS, load_peer, r);
}

/* meta "active": the identities of the active view, so a restarted relay
 * rejoins through the neighbours it had. */
int relay_save_active(relay *r)
{
    sh_peer_id act[GOSSIP_MAX_ACTIVE];
    size_t na = gossip_active_view(r->gossip.self, act, GOSSIP_MAX_ACTIVE);
    if (na > GOSSIP_MAX_ACTIVE)
        na = GOSSIP_MAX_ACTIVE;
    uint8_t v[32 * GOSSIP_MAX_ACTIVE];
    size_t n = 0;
    for (size_t i = 0; i < na; i++) {
        node_peer *p = node_registry_get(r->reg, act[i]);
        if (p != NULL)
            memcpy(v + 32 * n++, p->desc.identity, 32);
    }
    static const uint8_t key[] = "active";
    int rc = node_store_put1(r->store, NODE_CF_META, key, sizeof key - 1, n ? v : (const uint8_t *)"", 32 * n);
    if (rc != 0)
        r->store_errors++;
    return rc;
}

size_t relay_load_active(relay *r, sh_peer_id *out, size_t cap)
{
    static const uint8_t key[] = "active";
    sh_buf b;
    sh_buf_init(&b);
    size_t n = 0;
    if (node_store_get(r->store, NODE_CF_META, key, sizeof key - 1, &b) == 0)
        for (size_t i = 0; i + 32 <= b.len && n < cap; i += 32) {
            sh_peer_id id = node_peer_id(b.data + i);
            if (node_registry_get(r->reg, id) != NULL && id != r->self)
                out[n++] = id;
        }
    sh_buf_free(&b);
    return n;
}

void relay_after_gossip(relay *r)
{
    if (r->active_dirty && r->gossip_started) {
        r->active_dirty = 0;
        relay_save_active(r);
    }
}
