/* sim/proto_rumor.c -- the rumour protocol (see proto_rumor.h) and its
 * simulator descriptor. */
#include "sim/proto_rumor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define VER 1
#define T_RUMOR 'R'
#define T_PING 'P'
#define T_PONG 'Q'
#define TAG_UPKEEP 1
#define TAG_SUSPECT 2

struct sim_rumor {
    const sh_driver *d;
    sim_rumor_cfg cfg;
    uint32_t *view;
    uint32_t n_view;
    uint64_t base;            /* window start (multiple of 64) */
    uint64_t *seen;           /* window / 64 words, ring indexed by (id / 64) */
    sh_timer_id upkeep_timer, suspect_timer;
    uint32_t ping_peer, ping_nonce;
    int ping_out;
    uint8_t *buf;             /* rumor_bytes scratch, allocated on first use */
    /* view and seen words follow in the same allocation (locality) */
};

/* The scratch buffer for building and forwarding rumours. */
static int need_buf(sim_rumor *r)
{
    if (r->buf == NULL)
        r->buf = malloc(r->cfg.rumor_bytes);
    return r->buf ? 0 : SH_ERR_NOMEM;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* A random peer id other than self. */
static uint32_t random_peer(sim_rumor *r)
{
    uint32_t n = r->d->n_peers;
    uint32_t p = (uint32_t)sh_rng_uniform(r->d->rng, n - 1);
    return p >= r->d->self ? p + 1 : p;
}

static int in_view(const sim_rumor *r, uint32_t p)
{
    for (uint32_t i = 0; i < r->n_view; i++)
        if (r->view[i] == p)
            return 1;
    return 0;
}

/* A random peer not self and not in the view (falls back to any peer
 * after a few tries, for tiny networks). */
static uint32_t fresh_peer(sim_rumor *r)
{
    uint32_t p = random_peer(r);
    for (int i = 0; i < 8 && in_view(r, p); i++)
        p = random_peer(r);
    return p;
}

/* ---- seen window ------------------------------------------------------------ */

/* 1 if id was seen (or is older than the window), else marks it and 0. */
static int seen_mark(sim_rumor *r, uint64_t id)
{
    uint32_t words = r->cfg.window / 64;
    if (id < r->base)
        return 1;
    uint64_t top = r->base + r->cfg.window;
    if (id >= top) {
        /* slide: clear the words that leave the window */
        uint64_t nbase = (id / 64 + 1) * 64 - r->cfg.window;
        for (uint64_t w = r->base / 64; w < nbase / 64 && w < r->base / 64 + words; w++)
            r->seen[w % words] = 0;
        if (nbase / 64 >= r->base / 64 + words)
            memset(r->seen, 0, words * sizeof *r->seen);
        r->base = nbase;
    }
    uint64_t *w = &r->seen[(id / 64) % words];
    uint64_t bit = (uint64_t)1 << (id % 64);
    if (*w & bit)
        return 1;
    *w |= bit;
    return 0;
}

/* ---- dissemination ---------------------------------------------------------- */

/* Push r->buf (a RUMOR with hops already set) to k distinct view members
 * (all if the view is smaller), skipping `except`. */
static int push(sim_rumor *r, uint32_t k, uint32_t except)
{
    uint32_t idx[SIM_RUMOR_MAX_VIEW];
    uint32_t m = 0;
    for (uint32_t i = 0; i < r->n_view; i++)
        if (r->view[i] != except)
            idx[m++] = r->view[i];
    for (uint32_t i = 0; i < k && m > 0; i++) {
        uint32_t j = (uint32_t)sh_rng_uniform(r->d->rng, m);
        uint32_t p = idx[j];
        idx[j] = idx[--m];
        int rc = sh_drv_send(r->d, p, r->buf, r->cfg.rumor_bytes);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Flooders send to random nodes anywhere, not just their view. */
static int flood(sim_rumor *r, uint32_t except)
{
    uint32_t k = r->cfg.fanout * r->cfg.flood_factor;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t p = random_peer(r);
        if (p == except)
            continue;
        int rc = sh_drv_send(r->d, p, r->buf, r->cfg.rumor_bytes);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int learned(sim_rumor *r, uint64_t id, uint32_t hops)
{
    uint8_t res[12];
    put64(res, id);
    put32(res + 8, hops);
    return sh_drv_deliver(r->d, SIM_RUMOR_RES_LEARNED, res, sizeof res);
}

static int on_rumor(sim_rumor *r, sh_peer_id from, const uint8_t *m, size_t len)
{
    if (len != r->cfg.rumor_bytes)
        return sh_drv_reject(r->d, from, SH_ERR_LENGTH, "rumor: wrong length");
    uint64_t id = get64(m + 2);
    uint32_t origin = get32(m + 10);
    uint32_t hops = (uint32_t)m[14] << 8 | m[15];
    if (origin >= r->d->n_peers)
        return sh_drv_reject(r->d, from, SH_ERR_RANGE, "rumor: bad origin");
    if (seen_mark(r, id))
        return 0;                      /* duplicate: benign, not a rejection */
    if (sim_crypto_verify(r->cfg.crypto, r->d, origin, m + 2, 12, m + 16) != 0) {
        /* unmark: a forgery must not stop the genuine rumour */
        r->seen[(id / 64) % (r->cfg.window / 64)] &= ~((uint64_t)1 << (id % 64));
        return sh_drv_reject(r->d, from, SH_ERR_VERIFY, "rumor: bad signature");
    }
    int rc = learned(r, id, hops + 1u);
    if (rc != 0 || (r->cfg.behaviour != SIM_RUMOR_HONEST &&
                    r->cfg.behaviour != SIM_RUMOR_FLOOD))
        return rc;
    if ((rc = need_buf(r)) != 0)
        return rc;
    memcpy(r->buf, m, len);
    uint32_t h = hops < 0xffff ? hops + 1 : 0xffff;
    r->buf[14] = (uint8_t)(h >> 8);
    r->buf[15] = (uint8_t)h;
    if (r->cfg.behaviour == SIM_RUMOR_FLOOD)
        return flood(r, from);
    return push(r, r->cfg.fanout, from);
}

static int on_broadcast(sim_rumor *r, const uint8_t *data, size_t len)
{
    if (len != 8)
        return SH_ERR_LENGTH;
    uint64_t id = get64(data);
    if (seen_mark(r, id))
        return 0;
    if (need_buf(r) != 0)
        return SH_ERR_NOMEM;
    memset(r->buf, 0, r->cfg.rumor_bytes);
    r->buf[0] = T_RUMOR;
    r->buf[1] = VER;
    put64(r->buf + 2, id);
    put32(r->buf + 10, r->d->self);
    int rc = sim_crypto_sign(r->cfg.crypto, r->d, r->d->self, r->buf + 2, 12, r->buf + 16);
    if (rc == 0)
        rc = learned(r, id, 0);
    if (rc == 0)
        rc = r->cfg.behaviour == SIM_RUMOR_FLOOD ? flood(r, SH_PEER_NONE)
                                                  : push(r, r->cfg.fanout, SH_PEER_NONE);
    return rc;
}

/* ---- membership upkeep ------------------------------------------------------- */

static int arm_upkeep(sim_rumor *r, uint64_t delay)
{
    return sh_drv_timer_set(r->d, delay, TAG_UPKEEP, &r->upkeep_timer);
}

static int on_upkeep(sim_rumor *r)
{
    int rc = arm_upkeep(r, r->cfg.upkeep_ns);
    if (rc != 0 || r->ping_out)
        return rc;                     /* the previous ping is still pending */
    uint8_t m[6] = { T_PING, VER };
    r->ping_peer = r->view[sh_rng_uniform(r->d->rng, r->n_view)];
    r->ping_nonce = (uint32_t)sh_rng_u64(r->d->rng);
    put32(m + 2, r->ping_nonce);
    r->ping_out = 1;
    rc = sh_drv_send(r->d, r->ping_peer, m, sizeof m);
    if (rc == 0)
        rc = sh_drv_timer_set(r->d, r->cfg.suspect_ns, TAG_SUSPECT, &r->suspect_timer);
    return rc;
}

static void replace_peer(sim_rumor *r, uint32_t old, uint32_t nw)
{
    for (uint32_t i = 0; i < r->n_view; i++)
        if (r->view[i] == old) {
            r->view[i] = nw;
            return;
        }
}

static int on_suspect(sim_rumor *r)
{
    if (!r->ping_out)
        return 0;
    r->ping_out = 0;
    uint8_t res[4];
    put32(res, r->ping_peer);
    replace_peer(r, r->ping_peer, fresh_peer(r));
    return sh_drv_deliver(r->d, SIM_RUMOR_RES_SUSPECT, res, sizeof res);
}

static int on_ping(sim_rumor *r, sh_peer_id from, const uint8_t *m, size_t len)
{
    if (len != 6)
        return sh_drv_reject(r->d, from, SH_ERR_LENGTH, "rumor: bad ping");
    uint8_t out[7 + 4 * SIM_RUMOR_MAX_ADVERTISE];
    out[0] = T_PONG;
    out[1] = VER;
    memcpy(out + 2, m + 2, 4);
    uint32_t k = r->cfg.advertise;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t p = r->view[sh_rng_uniform(r->d->rng, r->n_view)];
        if (r->cfg.behaviour == SIM_RUMOR_LIAR && r->cfg.byzantine != NULL) {
            /* advertise byzantine nodes only (bounded search) */
            for (int t = 0; t < 64; t++) {
                uint32_t q = (uint32_t)sh_rng_uniform(r->d->rng, r->d->n_peers);
                if (r->cfg.byzantine[q]) {
                    p = q;
                    break;
                }
            }
        }
        put32(out + 7 + 4 * i, p);
    }
    out[6] = (uint8_t)k;
    return sh_drv_send(r->d, from, out, 7 + 4 * (size_t)k);
}

static int on_pong(sim_rumor *r, sh_peer_id from, const uint8_t *m, size_t len)
{
    if (len < 7 || len != 7 + 4 * (size_t)m[6] || m[6] > SIM_RUMOR_MAX_ADVERTISE)
        return sh_drv_reject(r->d, from, SH_ERR_LENGTH, "rumor: bad pong");
    if (!r->ping_out || from != r->ping_peer || get32(m + 2) != r->ping_nonce)
        return 0;                      /* late or duplicate: benign */
    r->ping_out = 0;
    sh_drv_timer_cancel(r->d, r->suspect_timer);
    r->suspect_timer = SH_TIMER_NONE;
    for (uint32_t i = 0; i < m[6]; i++) {
        uint32_t p = get32(m + 7 + 4 * i);
        if (p >= r->d->n_peers)
            return sh_drv_reject(r->d, from, SH_ERR_RANGE, "rumor: bad peer id");
        if (p == r->d->self || in_view(r, p))
            continue;
        uint32_t j = (uint32_t)sh_rng_uniform(r->d->rng, r->n_view);
        if (r->view[j] != from)
            r->view[j] = p;
        break;
    }
    return 0;
}

/* ---- sh_proto_ops ---------------------------------------------------------- */

static int rumor_start(void *self)
{
    sim_rumor *r = self;
    if (r->cfg.upkeep_ns == 0)
        return 0;
    return arm_upkeep(r, sh_rng_uniform(r->d->rng, r->cfg.upkeep_ns));
}

static int rumor_message(void *self, sh_peer_id from, const uint8_t *m, size_t len)
{
    sim_rumor *r = self;
    if (len < 2 || m[1] != VER)
        return sh_drv_reject(r->d, from, SH_ERR_VERSION, "rumor: bad header");
    switch (m[0]) {
    case T_RUMOR: return on_rumor(r, from, m, len);
    case T_PING: return on_ping(r, from, m, len);
    case T_PONG: return on_pong(r, from, m, len);
    default: return sh_drv_reject(r->d, from, SH_ERR_TYPE, "rumor: bad type");
    }
}

static int rumor_timer(void *self, sh_timer_id id, uint64_t tag)
{
    sim_rumor *r = self;
    if (tag == TAG_UPKEEP && id == r->upkeep_timer)
        return on_upkeep(r);
    if (tag == TAG_SUSPECT && id == r->suspect_timer)
        return on_suspect(r);
    return 0;                          /* stale */
}

static int rumor_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    if (kind != SIM_RUMOR_REQ_BROADCAST)
        return SH_ERR_ARG;
    return on_broadcast(self, data, len);
}

static void rumor_free(void *self)
{
    sim_rumor *r = self;
    if (r == NULL)
        return;
    free(r->buf);
    free(r);
}

const sh_proto_ops sim_rumor_ops = {
    .name = "rumor",
    .start = rumor_start,
    .on_message = rumor_message,
    .on_timer = rumor_timer,
    .on_request = rumor_request,
    .free = rumor_free,
};

int sim_rumor_new(const sim_rumor_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->n_peers < 2 || d->self >= d->n_peers ||
        cfg->fanout == 0 || cfg->view_size == 0 || cfg->view_size > SIM_RUMOR_MAX_VIEW ||
        cfg->rumor_bytes < SIM_RUMOR_HEADER || cfg->rumor_bytes > SIM_RUMOR_MAX_BYTES ||
        (cfg->upkeep_ns > 0 && cfg->suspect_ns == 0) ||
        cfg->advertise > SIM_RUMOR_MAX_ADVERTISE || cfg->window < 64 ||
        cfg->window % 64 != 0 || cfg->flood_factor == 0 || cfg->crypto == NULL ||
        cfg->behaviour > SIM_RUMOR_LIAR)
        return SH_ERR_ARG;
    uint32_t n_view = cfg->view_size < d->n_peers - 1 ? cfg->view_size : d->n_peers - 1;
    size_t words = cfg->window / 64;
    size_t vbytes = ((size_t)n_view * sizeof(uint32_t) + 7) & ~(size_t)7;
    sim_rumor *r = calloc(1, sizeof *r + vbytes + words * sizeof(uint64_t));
    if (r == NULL)
        return SH_ERR_NOMEM;
    r->d = d;
    r->cfg = *cfg;
    r->n_view = n_view;
    r->seen = (uint64_t *)(void *)(r + 1);
    r->view = (uint32_t *)(void *)((uint8_t *)r->seen + words * sizeof(uint64_t));
    /* distinct random peers: fill the view one entry at a time, checking
     * only the entries already filled */
    for (uint32_t i = 0; i < r->n_view; i++) {
        uint32_t p;
        int dup;
        do {
            p = random_peer(r);
            dup = 0;
            for (uint32_t j = 0; j < i; j++)
                dup |= r->view[j] == p;
        } while (dup);
        r->view[i] = p;
    }
    out->ops = &sim_rumor_ops;
    out->self = r;
    return 0;
}

size_t sim_rumor_view(const sim_rumor *r, uint32_t *out, size_t cap)
{
    if (r == NULL)
        return 0;
    for (uint32_t i = 0; i < r->n_view && i < cap; i++)
        out[i] = r->view[i];
    return r->n_view;
}

/* ---- the simulator descriptor ------------------------------------------------- */

typedef struct rumor_desc_cfg {
    sim_rumor_cfg base;
    sim_proto_env env;
    uint8_t code[256];        /* behaviour index (1-based) -> SIM_RUMOR_* */
} rumor_desc_cfg;

static const char *const rumor_keys[] = {
    "fanout", "view_size", "rumor_bytes", "upkeep_ms", "suspect_ms",
    "advertise", "window", "flood_factor", NULL,
};

static int rumor_parse(const json_t *params, const sim_proto_env *env, void **cfg,
                       char *err, size_t errlen)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)params, key, val) {
        int ok = 0;
        for (size_t i = 0; rumor_keys[i] != NULL; i++)
            ok |= strcmp(key, rumor_keys[i]) == 0;
        if (!ok) {
            snprintf(err, errlen, "protocol.params: unknown field '%s' for protocol rumor", key);
            return SH_ERR_FORMAT;
        }
    }
    rumor_desc_cfg *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SH_ERR_NOMEM;
    uint64_t fanout = 4, view = 8, bytes = 256, adv = 0, window = 1024, flood_f = 8;
    uint64_t upkeep = 1000 * 1000000ULL, suspect = 3000 * 1000000ULL;
    int rc = sim_param_uint(params, "protocol.params", "fanout", 1, SIM_RUMOR_MAX_VIEW, &fanout, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, "protocol.params", "view_size", 1, SIM_RUMOR_MAX_VIEW, &view, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, "protocol.params", "rumor_bytes", SIM_RUMOR_HEADER, SIM_RUMOR_MAX_BYTES, &bytes, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, "protocol.params", "advertise", 0, SIM_RUMOR_MAX_ADVERTISE, &adv, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, "protocol.params", "window", 64, 1u << 20, &window, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, "protocol.params", "flood_factor", 1, 1000, &flood_f, err, errlen);
    if (rc == 0) rc = sim_param_ms(params, "protocol.params", "upkeep_ms", 3.6e6, &upkeep, err, errlen);
    if (rc == 0) rc = sim_param_ms(params, "protocol.params", "suspect_ms", 3.6e6, &suspect, err, errlen);
    if (rc == 0 && window % 64 != 0) {
        snprintf(err, errlen, "protocol.params.window: %llu is not a multiple of 64",
                 (unsigned long long)window);
        rc = SH_ERR_RANGE;
    }
    if (rc == 0 && upkeep > 0 && suspect == 0) {
        snprintf(err, errlen, "protocol.params.suspect_ms: must be > 0 when upkeep_ms > 0");
        rc = SH_ERR_RANGE;
    }
    for (uint32_t b = 0; rc == 0 && b < env->n_behaviours && b < 255; b++) {
        const char *nm = env->behaviours[b];
        if (strcmp(nm, "silent") == 0) c->code[b + 1] = SIM_RUMOR_SILENT;
        else if (strcmp(nm, "flood") == 0) c->code[b + 1] = SIM_RUMOR_FLOOD;
        else if (strcmp(nm, "liar") == 0) c->code[b + 1] = SIM_RUMOR_LIAR;
        else {
            snprintf(err, errlen, "faults: behaviour '%s' is unknown to protocol rumor "
                     "(silent, flood, liar)", nm);
            rc = SH_ERR_RANGE;
        }
    }
    if (rc != 0) {
        free(c);
        return rc;
    }
    c->base = (sim_rumor_cfg){ (uint32_t)fanout, (uint32_t)view, (uint32_t)bytes, upkeep,
                               suspect, (uint32_t)adv, (uint32_t)window, (uint32_t)flood_f,
                               env->crypto, SIM_RUMOR_HONEST, env->byzantine };
    c->env = *env;
    *cfg = c;
    return 0;
}

static void rumor_free_cfg(void *cfg)
{
    free(cfg);
}

static int rumor_create(void *cfg, uint32_t node, uint32_t incarnation,
                        const sh_driver *d, sh_proto *out)
{
    (void)incarnation;
    rumor_desc_cfg *c = cfg;
    sim_rumor_cfg rc = c->base;
    if (c->env.byzantine != NULL && node < c->env.n_nodes)
        rc.behaviour = c->code[c->env.byzantine[node]];
    return sim_rumor_new(&rc, d, out);
}

static void rumor_observe(void *cfg, uint32_t kind, const uint8_t *data, size_t len,
                          sim_obs *obs)
{
    (void)cfg;
    if (kind == SIM_RUMOR_RES_LEARNED && len == 12) {
        obs->type = SIM_OBS_LEARNED;
        obs->msg_id = get64(data);
        obs->hops = get32(data + 8);
    } else if (kind == SIM_RUMOR_RES_SUSPECT && len == 4) {
        obs->type = SIM_OBS_SUSPECT;
        obs->peer = get32(data);
    }
}

static size_t rumor_neighbours(const void *self, uint8_t behaviour, uint32_t *out, size_t cap)
{
    (void)behaviour;               /* every rumour node is a sim_rumor */
    return sim_rumor_view(self, out, cap);
}

static int rumor_bcast_req(void *cfg, uint64_t msg_id, uint32_t *kind, uint8_t *buf,
                           size_t cap, size_t *len)
{
    (void)cfg;
    if (cap < 8)
        return SH_ERR_OVERSIZE;
    put64(buf, msg_id);
    *kind = SIM_RUMOR_REQ_BROADCAST;
    *len = 8;
    return 0;
}

const sim_proto_desc sim_proto_rumor_desc = {
    .name = "rumor",
    .summary = "push gossip to k random view peers, with ping-based membership upkeep",
    .parse = rumor_parse,
    .free_cfg = rumor_free_cfg,
    .create = rumor_create,
    .observe = rumor_observe,
    .neighbours = rumor_neighbours,
    .broadcast_request = rumor_bcast_req,
};
