/* sim/proto_gossip.c -- the gossip layer as a simulator protocol (see
 * proto_gossip.h). */
#include "sim/proto_gossip.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "gossip/gossip.h"
#include "sim/faults.h"
#include "sim/proto_gossip_byz.h"
#include "util/json.h"

#define PFX "protocol.params"

typedef struct gsim_cfg {
    gossip_cfg base;              /* every node's config before per-node fields */
    sim_proto_env env;
    uint32_t contacts;            /* contacts per node (earlier nodes) */
    uint32_t address_groups;      /* synthetic /16 prefixes */
    uint32_t payload_bytes;       /* broadcast payload */
    uint64_t mix;                 /* from the seed: contacts and groups */
    /* byzantine relays (sim/proto_gossip_byz.h) */
    uint8_t kind_of[SIM_MAX_BEHAVIOURS + 1]; /* env.byzantine code -> sim_gbyz_kind */
    uint32_t byz_active_max;      /* a liar's active view */
    uint32_t byz_groups;          /* 0: byzantine addresses spread like the
                                   * honest ones; k: within k /16 prefixes */
    uint32_t *liars;
    sim_gbyz_env byz;
} gsim_cfg;

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
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

/* A synthetic IPv4 address per node: its /16 is one of address_groups
 * prefixes, drawn from the seed; the group is gossip_addr_group's value
 * (0xffff0000 | a.b). */
static uint32_t group_of(void *arg, sh_peer_id p)
{
    const gsim_cfg *c = arg;
    uint64_t h = splitmix(c->mix ^ ((uint64_t)p << 1 | 1));
    if (c->byz_groups > 0 && p < c->env.n_nodes && c->env.byzantine != NULL &&
        c->env.byzantine[p] != 0) {
        /* the attacker's few prefixes: the j-th is drawn from the seed */
        uint64_t j = h % c->byz_groups;
        return 0xffff0000u | (uint32_t)(splitmix(c->mix ^ 0x62797aULL << 40 ^ j) % 65536);
    }
    return 0xffff0000u | (uint32_t)(h % c->address_groups);
}

/* ---- parse ---------------------------------------------------------------------- */

typedef struct ufield {
    const char *name;
    uint64_t min, max;
    size_t off;                   /* offset of a uint32_t in gossip_cfg */
} ufield;

#define UF(n, lo, hi) { #n, lo, hi, offsetof(gossip_cfg, n) }

static const ufield ufields[] = {
    UF(active_max, 2, GOSSIP_MAX_ACTIVE),
    UF(passive_max, 1, 65536),
    UF(remember_max, 0, 4096),
    UF(arwl, 0, 32),
    UF(prwl, 0, 32),
    UF(shuffle_active, 0, GOSSIP_MAX_SHUFFLE - 1),
    UF(shuffle_passive, 0, GOSSIP_MAX_SHUFFLE - 1),
    UF(shuffle_ttl, 0, 32),
    UF(max_per_source, 1, 65536),
    UF(max_per_group, 1, 65536),
    UF(max_active_per_group, 1, GOSSIP_MAX_ACTIVE),
    UF(suspect_ticks, 1, 100000),
    UF(fail_ticks, 2, 100000),
    UF(request_ticks, 1, 100000),
    UF(shuffle_ticks, 1, 100000),
    UF(retry_ticks, 1, 100000),
    UF(seen_slots, 16, 1u << 20),
    UF(seen_ttl_s, 1, 86400),
    UF(max_age_s, 1, 86400),
    UF(payload_cache, 1, 1024),
    UF(missing_max, 1, 1024),
    UF(rate_per_tick, 1, UINT16_MAX / 4),
    UF(flood_hops, 0, GOSSIP_MAX_FLOOD_HOPS),
};

static const char *const extra_keys[] = {
    "tick_ms", "graft_ms", "contacts", "address_groups", "payload_bytes",
    "flood_per_tick", "byz_active_max", "byzantine_address_groups", NULL,
};

static int known_key(const char *k)
{
    for (size_t i = 0; i < sizeof ufields / sizeof ufields[0]; i++)
        if (strcmp(k, ufields[i].name) == 0)
            return 1;
    for (size_t i = 0; extra_keys[i] != NULL; i++)
        if (strcmp(k, extra_keys[i]) == 0)
            return 1;
    return 0;
}

static int fail(char *err, size_t errlen, const char *field, const char *why)
{
    snprintf(err, errlen, PFX ".%s: %s", field, why);
    return SH_ERR_RANGE;
}

static int gsim_parse(const json_t *params, const sim_proto_env *env, void **cfg,
                      char *err, size_t errlen)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)params, key, val) {
        if (!known_key(key)) {
            snprintf(err, errlen, PFX ": unknown field '%s' for protocol gossip", key);
            return SH_ERR_FORMAT;
        }
    }
    for (uint32_t b = 0; b < env->n_behaviours; b++) {
        if (sim_gbyz_parse(env->behaviours[b]) == SIM_GBYZ_HONEST) {
            snprintf(err, errlen, "faults: behaviour '%s' is unknown to protocol gossip "
                     "(liar, flood)", env->behaviours[b]);
            return SH_ERR_RANGE;
        }
    }
    if (env->n_nodes < 2) {
        snprintf(err, errlen, "relays: protocol gossip needs at least 2");
        return SH_ERR_RANGE;
    }
    gsim_cfg *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SH_ERR_NOMEM;
    gossip_cfg *g = &c->base;
    gossip_cfg_default(g, env->n_nodes);
    g->crypto = sim_crypto_mode(env->crypto) == SIM_FIDELITY_FULL ? &gossip_crypto_full
                                                                   : &gossip_crypto_fast;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof ufields / sizeof ufields[0]; i++) {
        uint32_t *p = (uint32_t *)(void *)((uint8_t *)g + ufields[i].off);
        uint64_t v = *p;
        rc = sim_param_uint(params, PFX, ufields[i].name, ufields[i].min, ufields[i].max,
                            &v, err, errlen);
        *p = (uint32_t)v;
    }
    uint64_t tick = g->tick_ns, graft = g->graft_ns;
    uint64_t contacts = 3, groups = 65536, pbytes = 64;
    uint64_t flood = 20, byz_active = GOSSIP_MAX_ACTIVE, byz_groups = 0;
    if (rc == 0) rc = sim_param_ms(params, PFX, "tick_ms", 3.6e6, &tick, err, errlen);
    if (rc == 0) rc = sim_param_ms(params, PFX, "graft_ms", 3.6e6, &graft, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "contacts", 0, GOSSIP_MAX_CONTACTS,
                                     &contacts, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "address_groups", 1, 65536, &groups,
                                     err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "payload_bytes", SIM_GOSSIP_MIN_PAYLOAD,
                                     SIM_GOSSIP_MAX_PAYLOAD, &pbytes, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "flood_per_tick", 0, 10000, &flood,
                                     err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "byz_active_max", 2, GOSSIP_MAX_ACTIVE,
                                     &byz_active, err, errlen);
    if (rc == 0) rc = sim_param_uint(params, PFX, "byzantine_address_groups", 0, 65536,
                                     &byz_groups, err, errlen);
    /* the cross-field rules of gossip_new, named */
    if (rc == 0 && tick == 0)
        rc = fail(err, errlen, "tick_ms", "must be > 0");
    if (rc == 0 && graft == 0)
        rc = fail(err, errlen, "graft_ms", "must be > 0");
    if (rc == 0 && g->prwl > g->arwl)
        rc = fail(err, errlen, "prwl", "must be <= arwl");
    if (rc == 0 && g->shuffle_active + g->shuffle_passive + 1 > GOSSIP_MAX_SHUFFLE)
        rc = fail(err, errlen, "shuffle_passive", "shuffle_active + shuffle_passive + 1 "
                  "must be <= 16");
    if (rc == 0 && g->fail_ticks <= g->suspect_ticks)
        rc = fail(err, errlen, "fail_ticks", "must be > suspect_ticks");
    if (rc == 0 && (g->seen_slots & (g->seen_slots - 1)) != 0)
        rc = fail(err, errlen, "seen_slots", "must be a power of two");
    if (rc == 0 && g->max_age_s >= g->seen_ttl_s)
        rc = fail(err, errlen, "max_age_s", "must be < seen_ttl_s");
    if (rc != 0) {
        free(c);
        return rc;
    }
    g->tick_ns = tick;
    g->graft_ns = graft;
    g->event_mask = GOSSIP_EV_ALL;
    g->group_of = group_of;
    g->group_arg = c;
    c->env = *env;
    c->contacts = (uint32_t)contacts;
    c->address_groups = (uint32_t)groups;
    c->payload_bytes = (uint32_t)pbytes;
    c->byz_active_max = (uint32_t)byz_active;
    c->byz_groups = (uint32_t)byz_groups;
    uint32_t n_liars = 0;
    for (uint32_t b = 0; b < env->n_behaviours && b < SIM_MAX_BEHAVIOURS; b++)
        c->kind_of[b + 1] = (uint8_t)sim_gbyz_parse(env->behaviours[b]);
    for (uint32_t i = 0; env->byzantine != NULL && i < env->n_nodes; i++)
        n_liars += c->kind_of[env->byzantine[i]] == SIM_GBYZ_LIAR;
    if (n_liars > 0) {
        c->liars = malloc(n_liars * sizeof *c->liars);
        if (c->liars == NULL) {
            free(c);
            return SH_ERR_NOMEM;
        }
        n_liars = 0;
        for (uint32_t i = 0; i < env->n_nodes; i++)
            if (c->kind_of[env->byzantine[i]] == SIM_GBYZ_LIAR)
                c->liars[n_liars++] = i;
    }
    c->byz = (sim_gbyz_env){ .n_nodes = env->n_nodes, .byzantine = env->byzantine,
                             .liars = c->liars, .n_liars = n_liars,
                             .flood_per_tick = (uint32_t)flood,
                             .payload_bytes = (uint32_t)pbytes };
    uint8_t s[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(s, env->seed, "gossip-topology", 0);
    for (int i = 0; i < 8; i++)
        c->mix = c->mix << 8 | s[i];
    sodium_memzero(s, sizeof s);
    *cfg = c;
    return 0;
}

static void gsim_free_cfg(void *cfg)
{
    gsim_cfg *c = cfg;
    if (c != NULL)
        free(c->liars);
    free(c);
}

/* ---- create ------------------------------------------------------------------------ */

static int gsim_create(void *cfg, uint32_t node, uint32_t incarnation, const sh_driver *d,
                       sh_proto *out)
{
    (void)incarnation;             /* a restarted relay keeps its identity */
    gsim_cfg *c = cfg;
    gossip_cfg g = c->base;
    uint8_t seed[SH_RNG_SEEDBYTES], pk[GOSSIP_PK_BYTES];
    sh_rng_derive_seed(seed, c->env.seed, "gossip-identity", node);
    int rc = gossip_crypto_keypair(g.crypto, pk, g.identity_sk, seed);
    sodium_memzero(seed, sizeof seed);
    if (rc != 0)
        return rc;
    /* up to `contacts` distinct pseudo-random earlier nodes */
    uint32_t want = c->contacts < node ? c->contacts : node;
    uint64_t h = c->mix ^ ((uint64_t)node << 32);
    for (uint32_t k = 0; g.n_contacts < want && k < 64 * want; k++) {
        h = splitmix(h);
        uint32_t p = (uint32_t)(h % node);
        int dup = 0;
        for (uint32_t j = 0; j < g.n_contacts; j++)
            dup |= g.contacts[j] == p;
        if (!dup)
            g.contacts[g.n_contacts++] = p;
    }
    sim_gbyz_kind kind = c->env.byzantine != NULL ? (sim_gbyz_kind)c->kind_of[c->env.byzantine[node]]
                                                  : SIM_GBYZ_HONEST;
    if (kind == SIM_GBYZ_LIAR) {
        /* never refuse a link: every honest slot taken is one for the attack */
        g.active_max = c->byz_active_max;
        g.max_active_per_group = c->byz_active_max;
    }
    if (kind == SIM_GBYZ_HONEST)
        rc = gossip_new(&g, d, out);
    else
        rc = sim_gbyz_new(&c->byz, kind, &g, pk, d, out);
    sodium_memzero(g.identity_sk, sizeof g.identity_sk);
    return rc;
}

/* ---- observe ------------------------------------------------------------------------ */

static void counter(sim_obs *obs, const char *name)
{
    obs->type = SIM_OBS_COUNTER;
    obs->counter = name;
    obs->delta = 1;
}

static void gsim_observe(void *cfg, uint32_t kind, const uint8_t *data, size_t len,
                         sim_obs *obs)
{
    (void)cfg;
    switch (kind) {
    case GOSSIP_EV_ANNOUNCE: {
        gossip_ann a;
        gossip_desc_err why;
        if (len < GOSSIP_ID_BYTES + 4 ||
            gossip_ann_decode(&a, data + GOSSIP_ID_BYTES + 4, len - GOSSIP_ID_BYTES - 4,
                              &why) != 0 ||
            a.payload_len < SIM_GOSSIP_MIN_PAYLOAD ||
            memcmp(a.payload, SIM_GOSSIP_TAG, 4) != 0) {
            counter(obs, "gossip.foreign_announcements");
            return;
        }
        obs->type = SIM_OBS_LEARNED;
        obs->msg_id = (uint64_t)get32(a.payload + 4) << 32 | get32(a.payload + 8);
        obs->hops = get32(data + GOSSIP_ID_BYTES);
        return;
    }
    case GOSSIP_EV_DESCRIPTOR:
        counter(obs, "gossip.descriptors_learned");
        return;
    case GOSSIP_EV_SUSPECT:
        if (len >= 4) {
            obs->type = SIM_OBS_SUSPECT;
            obs->peer = get32(data);
        }
        return;
    case GOSSIP_EV_REFUTE:
        counter(obs, "gossip.refutations");
        return;
    case GOSSIP_EV_NEIGHBOR_UP:
        counter(obs, "gossip.neighbor_up");
        return;
    case GOSSIP_EV_NEIGHBOR_DOWN:
        switch (len >= 5 ? data[4] : 0) {
        case GOSSIP_DOWN_FAILED: counter(obs, "gossip.neighbor_down_failed"); break;
        case GOSSIP_DOWN_DISCONNECT: counter(obs, "gossip.neighbor_down_disconnect"); break;
        case GOSSIP_DOWN_EVICTED: counter(obs, "gossip.neighbor_down_evicted"); break;
        case GOSSIP_DOWN_NOT_MUTUAL: counter(obs, "gossip.neighbor_down_not_mutual"); break;
        default: counter(obs, "gossip.neighbor_down_other"); break;
        }
        return;
    default:
        return;
    }
}

static size_t gsim_neighbours(const void *self, uint8_t behaviour, uint32_t *out, size_t cap)
{
    /* byzantine nodes are wrappers (sim_gbyz_new), honest ones gossip itself */
    return behaviour != 0 ? sim_gbyz_active_view(self, out, cap)
                          : gossip_active_view(self, out, cap);
}

static int gsim_bcast_req(void *cfg, uint64_t msg_id, uint32_t *kind, uint8_t *buf,
                          size_t cap, size_t *len)
{
    const gsim_cfg *c = cfg;
    if (cap < c->payload_bytes)
        return SH_ERR_OVERSIZE;
    memset(buf, 0, c->payload_bytes);
    memcpy(buf, SIM_GOSSIP_TAG, 4);
    put32(buf + 4, (uint32_t)(msg_id >> 32));
    put32(buf + 8, (uint32_t)msg_id);
    *kind = GOSSIP_REQ_ANNOUNCE;
    *len = c->payload_bytes;
    return 0;
}

const sim_proto_desc sim_proto_gossip_desc = {
    .name = "gossip",
    .summary = "HyParView membership + Plumtree dissemination + failure detection (gossip/)",
    .parse = gsim_parse,
    .free_cfg = gsim_free_cfg,
    .create = gsim_create,
    .observe = gsim_observe,
    .neighbours = gsim_neighbours,
    .broadcast_request = gsim_bcast_req,
};
