/* gossip/gossip.c -- the gossip state machine: configuration, lifecycle,
 * the periodic tick, message dispatch, counters and accessors.
 * Membership lives in gossip_member.c, dissemination in gossip_plumtree.c,
 * the wire format in gossip_msg.c; docs/gossip.md is the specification. */
#include "gossip/gossip_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static const char *const REJ_REASONS[GOSSIP_REJ_COUNT] = {
    [GOSSIP_REJ_MALFORMED] = "gossip: malformed message",
    [GOSSIP_REJ_VERSION] = "gossip: unsupported version",
    [GOSSIP_REJ_TYPE] = "gossip: unknown message type",
    [GOSSIP_REJ_OVERSIZE] = "gossip: oversize",
    [GOSSIP_REJ_BAD_PEER] = "gossip: bad peer id",
    [GOSSIP_REJ_BAD_DESC] = "gossip: malformed descriptor",
    [GOSSIP_REJ_BAD_ADDR] = "gossip: bad address",
    [GOSSIP_REJ_BAD_KEY] = "gossip: bad onion key",
    [GOSSIP_REJ_BAD_TIMES] = "gossip: bad lifetime",
    [GOSSIP_REJ_EXPIRED] = "gossip: expired descriptor",
    [GOSSIP_REJ_FUTURE] = "gossip: descriptor from the future",
    [GOSSIP_REJ_BAD_SIG] = "gossip: bad signature",
    [GOSSIP_REJ_BAD_ANN] = "gossip: malformed announcement",
    [GOSSIP_REJ_STALE] = "gossip: stale message",
    [GOSSIP_REJ_KIND] = "gossip: unknown payload kind",
    [GOSSIP_REJ_RATE] = "gossip: rate limit",
    [GOSSIP_REJ_UNSOLICITED] = "gossip: unsolicited reply",
};

const char *gossip_reject_reason(gossip_rej r)
{
    if ((unsigned)r >= GOSSIP_REJ_COUNT)
        return "gossip: unknown";
    return REJ_REASONS[r];
}

void gossip_cfg_default(gossip_cfg *cfg, uint32_t n_peers)
{
    memset(cfg, 0, sizeof *cfg);
    uint32_t lg = 1;
    while (lg < 32 && ((uint64_t)1 << lg) < n_peers)
        lg++;
    uint32_t act = (lg + 1) / 2 + 2;
    if (act < 4)
        act = 4;
    if (act > 10)
        act = 10;
    cfg->crypto = &gossip_crypto_full;
    cfg->active_max = act;
    cfg->passive_max = 6 * act;
    cfg->remember_max = 8;
    cfg->arwl = 6;
    cfg->prwl = 3;
    cfg->shuffle_active = 3;
    cfg->shuffle_passive = 4;
    cfg->shuffle_ttl = 4;
    cfg->max_per_source = 8;
    cfg->max_per_group = 4;
    cfg->max_active_per_group = 2;
    cfg->tick_ns = 1000000000ULL;
    cfg->suspect_ticks = 3;
    cfg->fail_ticks = 6;
    cfg->request_ticks = 3;
    cfg->shuffle_ticks = 10;
    cfg->retry_ticks = 5;
    cfg->graft_ns = 300000000ULL;
    cfg->seen_slots = 256;
    cfg->seen_ttl_s = 60;
    cfg->max_age_s = 30;
    cfg->payload_cache = 8;
    cfg->missing_max = 16;
    cfg->rate_per_tick = 200;
    cfg->flood_hops = 3;
    cfg->event_mask = GOSSIP_EV_ALL;
}

static int cfg_valid(const gossip_cfg *c, const sh_driver *d)
{
    if (c->crypto == NULL || c->active_max < 2 || c->active_max > GOSSIP_MAX_ACTIVE ||
        c->passive_max == 0 || c->arwl > GOSSIP_MAX_TTL || c->prwl > c->arwl ||
        c->shuffle_ttl > GOSSIP_MAX_TTL ||
        c->shuffle_active + c->shuffle_passive + 1 > GOSSIP_MAX_SHUFFLE ||
        c->max_per_source == 0 || c->max_per_group == 0 || c->max_active_per_group == 0 ||
        c->tick_ns == 0 || c->tick_ns > UINT64_MAX / 64 || c->suspect_ticks == 0 ||
        c->fail_ticks <= c->suspect_ticks || c->request_ticks == 0 ||
        c->shuffle_ticks == 0 || c->retry_ticks == 0 || c->graft_ns == 0 ||
        c->seen_slots < 16 || (c->seen_slots & (c->seen_slots - 1)) != 0 ||
        c->seen_slots > (1u << 20) || c->seen_ttl_s == 0 || c->max_age_s == 0 ||
        c->max_age_s >= c->seen_ttl_s || c->payload_cache == 0 ||
        c->payload_cache > 1024 || c->missing_max == 0 || c->missing_max > 1024 ||
        c->rate_per_tick == 0 || c->rate_per_tick > UINT16_MAX / 4 ||
        c->flood_hops > GOSSIP_MAX_FLOOD_HOPS ||
        c->n_contacts > GOSSIP_MAX_CONTACTS || c->n_anchors > GOSSIP_PT_MAX_ANCHORS)
        return 0;
    if (d->self == SH_PEER_NONE || d->self >= d->n_peers)
        return 0;
    for (uint32_t i = 0; i < c->n_contacts; i++)
        if (c->contacts[i] >= d->n_peers || c->contacts[i] == d->self)
            return 0;
    for (uint32_t i = 0; i < c->n_anchors; i++)
        if (c->anchors[i] >= d->n_peers || c->anchors[i] == d->self)
            return 0;
    return 1;
}

/* ---- helpers shared by the other files ----------------------------------- */

uint32_t g_now_s(const gossip *g)
{
    return (uint32_t)(sh_drv_now(g->d) / 1000000000ULL);
}

uint32_t g_group(const gossip *g, sh_peer_id p)
{
    return g->cfg.group_of != NULL ? g->cfg.group_of(g->cfg.group_arg, p) : p;
}

uint32_t g_nonce(gossip *g)
{
    uint32_t v;
    do
        v = (uint32_t)sh_rng_u64(g->d->rng);
    while (v == 0);
    return v;
}

int g_send(gossip *g, sh_peer_id to, const gossip_msg *m)
{
    sh_buf_reset(&g->tx);
    int rc = gossip_msg_encode(m, &g->tx);
    if (rc != 0)
        return rc;
    rc = sh_drv_send(g->d, to, g->tx.data, g->tx.len);
    if (rc == SH_ERR_ARG || rc == SH_ERR_OVERSIZE)
        return rc;              /* our bug: reported */
    g->c.msgs_out[m->type]++;
    g->c.bytes_out[m->type] += g->tx.len;
    return rc;
}

int g_event_peer(gossip *g, uint32_t kind, sh_peer_id p, int reason)
{
    if (!(g->cfg.event_mask & (1u << kind)))
        return 0;
    uint8_t b[5] = { (uint8_t)(p >> 24), (uint8_t)(p >> 16), (uint8_t)(p >> 8),
                     (uint8_t)p, (uint8_t)reason };
    return sh_drv_deliver(g->d, kind, b, reason > 0 ? 5 : 4);
}

int g_reject(gossip *g, sh_peer_id from, int code, gossip_rej why)
{
    if ((unsigned)why >= GOSSIP_REJ_COUNT)
        why = GOSSIP_REJ_MALFORMED;
    g->c.rejects[why]++;
    return sh_drv_reject(g->d, from, code, REJ_REASONS[why]);
}

void gossip_msg_id(uint8_t id[GOSSIP_ID_BYTES], const uint8_t *payload, size_t len)
{
    static const uint8_t key[] = "shroud-gossip-id";
    crypto_generichash(id, GOSSIP_ID_BYTES, payload, len, key, sizeof key - 1);
}

/* ---- lifecycle ----------------------------------------------------------- */

static void gossip_free(void *self)
{
    gossip *g = self;
    if (g == NULL)
        return;
    g_tree_free(g);
    gossip_pt_free(&g->pt);
    sh_buf_free(&g->tx);
    sodium_memzero(g->cfg.identity_sk, sizeof g->cfg.identity_sk);
    free(g);
}

int gossip_new(const gossip_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (cfg == NULL || d == NULL || out == NULL || d->rng == NULL || !cfg_valid(cfg, d))
        return SH_ERR_ARG;
    gossip *g = calloc(1, sizeof *g);
    if (g == NULL)
        return SH_ERR_NOMEM;
    g->d = d;
    g->cfg = *cfg;
    g->n = d->n_peers;
    memcpy(g->pk, cfg->identity_sk + 32, sizeof g->pk);
    sh_buf_init_max(&g->tx, GOSSIP_MSG_MAX_BYTES);
    gossip_pt_cfg pc = {
        .capacity = cfg->passive_max, .remember = cfg->remember_max,
        .max_per_source = cfg->max_per_source, .max_per_group = cfg->max_per_group,
        .fresh_s = (uint32_t)((cfg->tick_ns * cfg->shuffle_ticks) / 1000000000ULL) + 1,
    };
    int rc = gossip_pt_init(&g->pt, &pc, d->self);
    if (rc == 0)
        rc = g_tree_init(g);
    for (uint32_t i = 0; i < cfg->n_anchors && rc == 0; i++)
        rc = gossip_pt_add_anchor(&g->pt, cfg->anchors[i], g_group(g, cfg->anchors[i]));
    if (rc != 0) {
        gossip_free(g);
        return rc;
    }
    g->shuffle_phase = (uint32_t)sh_rng_uniform(d->rng, cfg->shuffle_ticks);
    g->retry_phase = (uint32_t)sh_rng_uniform(d->rng, cfg->retry_ticks);
    g->stranger_tokens = (uint16_t)(cfg->rate_per_tick * 4);
    g->forced_left = 2;
    out->ops = &gossip_ops;
    out->self = g;
    return 0;
}

static int arm_tick(gossip *g, uint64_t delay)
{
    return sh_drv_timer_set(g->d, delay, TAG_TICK, &g->tick_timer);
}

static int gossip_start(void *self)
{
    gossip *g = self;
    int rc = g_member_start(g);
    if (rc == 0)
        rc = arm_tick(g, 1 + sh_rng_uniform(g->d->rng, g->cfg.tick_ns));
    return rc;
}

static void gossip_stop(void *self)
{
    gossip *g = self;
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_DISCONNECT;
    for (uint32_t i = 0; i < g->n_active; i++) {
        int rc = g_send(g, g->active[i].peer, &m);   /* best effort */
        (void)rc;
    }
    g->n_active = 0;
    sh_drv_timer_cancel(g->d, g->tick_timer);
    g->tick_timer = SH_TIMER_NONE;
    g->stopped = 1;
}

/* ---- inputs -------------------------------------------------------------- */

static int gossip_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    gossip *g = self;
    if (g->stopped)
        return 0;
    if (tag == TAG_TICK) {
        if (id != g->tick_timer)
            return 0;
        g->tick_timer = SH_TIMER_NONE;
        g->tick_no++;
        g->forced_left = 2;
        g->stranger_tokens = (uint16_t)(g->cfg.rate_per_tick * 4);
        for (uint32_t i = 0; i < g->n_active; i++)
            g->active[i].tokens = (uint16_t)g->cfg.rate_per_tick;
        int rc = arm_tick(g, g->cfg.tick_ns);
        if (rc == 0)
            rc = g_member_tick(g);
        if (rc == 0)
            rc = g_tree_tick(g);
        return rc;
    }
    if (tag >= TAG_GRAFT_BASE && tag - TAG_GRAFT_BASE < g->cfg.missing_max)
        return g_graft_timer(g, (uint32_t)(tag - TAG_GRAFT_BASE), id);
    return 0;
}

/* Per-sender budget: active neighbours have their own, everyone else
 * shares one.  0 if the message may be processed. */
static int rate_ok(gossip *g, sh_peer_id from)
{
    g_active *a = g_find_active(g, from);
    uint16_t *t = a != NULL ? &a->tokens : &g->stranger_tokens;
    if (*t == 0)
        return 0;
    (*t)--;
    return 1;
}

static int gossip_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    gossip *g = self;
    if (g->stopped)
        return 0;
    if (!rate_ok(g, from)) {
        g->c.msgs_in[0]++;
        g->c.bytes_in[0] += len;
        return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_RATE);
    }
    gossip_msg m;
    gossip_rej why;
    int rc = gossip_msg_decode(&m, msg, len, &why);
    if (rc != 0) {
        g->c.msgs_in[0]++;
        g->c.bytes_in[0] += len;
        return g_reject(g, from, rc, why);
    }
    g->c.msgs_in[m.type]++;
    g->c.bytes_in[m.type] += len;
    if ((m.type == GOSSIP_MSG_FORWARD_JOIN || m.type == GOSSIP_MSG_SHUFFLE) &&
        m.peer >= g->n)
        return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_BAD_PEER);
    for (uint32_t i = 0; i < m.n_peers; i++)
        if (m.peers[i] >= g->n)
            return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_BAD_PEER);
    rc = g_heard(g, from);
    if (rc != 0)
        return rc;
    switch (m.type) {
    case GOSSIP_MSG_JOIN: return g_on_join(g, from);
    case GOSSIP_MSG_FORWARD_JOIN: return g_on_forward_join(g, from, &m);
    case GOSSIP_MSG_NEIGHBOR: return g_on_neighbor(g, from, &m);
    case GOSSIP_MSG_NEIGHBOR_REPLY: return g_on_neighbor_reply(g, from, &m);
    case GOSSIP_MSG_DISCONNECT: return g_on_disconnect(g, from);
    case GOSSIP_MSG_SHUFFLE: return g_on_shuffle(g, from, &m);
    case GOSSIP_MSG_SHUFFLE_REPLY: return g_on_shuffle_reply(g, from, &m);
    case GOSSIP_MSG_PING: return g_on_ping(g, from, &m);
    case GOSSIP_MSG_PONG: return g_on_pong(g, from, &m);
    case GOSSIP_MSG_GOSSIP: return g_on_gossip(g, from, &m);
    case GOSSIP_MSG_IHAVE: return g_on_ihave(g, from, &m);
    case GOSSIP_MSG_GRAFT: return g_on_graft(g, from, &m);
    case GOSSIP_MSG_PRUNE: return g_on_prune(g, from);
    default: return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_TYPE);
    }
}

static int gossip_on_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    gossip *g = self;
    if (g->stopped)
        return SH_ERR_STATE;
    if (data == NULL && len > 0)
        return SH_ERR_ARG;
    switch (kind) {
    case GOSSIP_REQ_DESCRIPTOR: return g_req_descriptor(g, data, len);
    case GOSSIP_REQ_ANNOUNCE: return g_req_announce(g, data, len);
    default: return SH_ERR_ARG;
    }
}

const sh_proto_ops gossip_ops = {
    .name = "gossip",
    .start = gossip_start,
    .on_message = gossip_on_message,
    .on_timer = gossip_on_timer,
    .on_request = gossip_on_request,
    .stop = gossip_stop,
    .free = gossip_free,
};

/* ---- accessors ----------------------------------------------------------- */

void gossip_counters_get(const gossip *g, gossip_counters *out)
{
    *out = g->c;
    out->table = g->pt.st;
}

size_t gossip_active_view(const gossip *g, sh_peer_id *out, size_t cap)
{
    for (uint32_t i = 0; i < g->n_active && i < cap; i++)
        out[i] = g->active[i].peer;
    return g->n_active;
}

size_t gossip_passive_size(const gossip *g)
{
    return g->pt.n_live;
}

size_t gossip_remembered_size(const gossip *g)
{
    return g->pt.n_mem;
}

size_t gossip_memory(const gossip *g)
{
    return sizeof *g + gossip_pt_memory(&g->pt) + g_tree_memory(g) + g->tx.cap;
}
