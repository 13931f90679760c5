/* gossip/peertable.c -- the bounded peer table (see peertable.h). */
#include "gossip/peertable.h"

#include <stdlib.h>
#include <string.h>

int gossip_pt_init(gossip_pt *pt, const gossip_pt_cfg *cfg, sh_peer_id self)
{
    if (pt == NULL || cfg == NULL || cfg->capacity == 0 || cfg->max_per_source == 0 ||
        cfg->max_per_group == 0 || cfg->capacity > (1u << 20) || cfg->remember > (1u << 20))
        return SH_ERR_ARG;
    memset(pt, 0, sizeof *pt);
    pt->cfg = *cfg;
    pt->self = self;
    pt->live = calloc(cfg->capacity + GOSSIP_PT_MAX_ANCHORS, sizeof *pt->live);
    pt->mem = cfg->remember ? calloc(cfg->remember, sizeof *pt->mem) : NULL;
    if (pt->live == NULL || (cfg->remember && pt->mem == NULL)) {
        gossip_pt_free(pt);
        return SH_ERR_NOMEM;
    }
    return 0;
}

void gossip_pt_free(gossip_pt *pt)
{
    if (pt == NULL)
        return;
    free(pt->live);
    free(pt->mem);
    pt->live = pt->mem = NULL;
    pt->n_live = pt->n_mem = pt->n_anchors = 0;
}

size_t gossip_pt_memory(const gossip_pt *pt)
{
    return (pt->cfg.capacity + GOSSIP_PT_MAX_ANCHORS + pt->cfg.remember) *
           sizeof(gossip_pt_entry);
}

gossip_pt_entry *gossip_pt_find(gossip_pt *pt, sh_peer_id peer)
{
    for (uint32_t i = 0; i < pt->n_live; i++)
        if (pt->live[i].peer == peer)
            return &pt->live[i];
    return NULL;
}

gossip_pt_entry *gossip_pt_find_remembered(gossip_pt *pt, sh_peer_id peer)
{
    for (uint32_t i = 0; i < pt->n_mem; i++)
        if (pt->mem[i].peer == peer)
            return &pt->mem[i];
    return NULL;
}

static void drop_live(gossip_pt *pt, gossip_pt_entry *e)
{
    if (e->flags & GOSSIP_PT_ANCHOR)
        pt->n_anchors--;
    *e = pt->live[--pt->n_live];
}

static void drop_mem(gossip_pt *pt, gossip_pt_entry *e)
{
    *e = pt->mem[--pt->n_mem];
}

static int full(const gossip_pt *pt)
{
    return pt->n_live - pt->n_anchors >= pt->cfg.capacity;
}

/* Append to the remembered list, replacing a random entry when full. */
static void remember(gossip_pt *pt, sh_peer_id peer, uint32_t group, sh_rng *rng)
{
    if (pt->cfg.remember == 0)
        return;
    gossip_pt_entry *e = gossip_pt_find_remembered(pt, peer);
    if (e != NULL) {
        if (e->fails < UINT8_MAX)
            e->fails++;
        return;
    }
    if (pt->n_mem < pt->cfg.remember)
        e = &pt->mem[pt->n_mem++];
    else
        e = &pt->mem[sh_rng_uniform(rng, pt->n_mem)];
    memset(e, 0, sizeof *e);
    e->peer = peer;
    e->group = group;
    e->source = pt->self;
    e->fails = 1;
    pt->st.remembered++;
}

int gossip_pt_add_anchor(gossip_pt *pt, sh_peer_id peer, uint32_t group)
{
    if (peer == pt->self || peer == SH_PEER_NONE)
        return SH_ERR_ARG;
    gossip_pt_entry *e = gossip_pt_find(pt, peer);
    if (e != NULL) {
        if (!(e->flags & GOSSIP_PT_ANCHOR)) {
            if (pt->n_anchors >= GOSSIP_PT_MAX_ANCHORS)
                return SH_ERR_RANGE;
            e->flags |= GOSSIP_PT_ANCHOR;
            pt->n_anchors++;
        }
        return 0;
    }
    if (pt->n_anchors >= GOSSIP_PT_MAX_ANCHORS)
        return SH_ERR_RANGE;
    e = gossip_pt_find_remembered(pt, peer);
    if (e != NULL)
        drop_mem(pt, e);
    e = &pt->live[pt->n_live++];
    memset(e, 0, sizeof *e);
    e->peer = peer;
    e->group = group;
    e->source = pt->self;
    e->flags = GOSSIP_PT_ANCHOR;
    pt->n_anchors++;
    return 0;
}

static void append_live(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                        sh_peer_id source, uint32_t last_ok)
{
    gossip_pt_entry *e = &pt->live[pt->n_live++];
    memset(e, 0, sizeof *e);
    e->peer = peer;
    e->group = group;
    e->source = source;
    e->last_ok_s = last_ok;
    pt->st.added++;
}

/* A random live entry that may be evicted (not an anchor, not probing),
 * or NULL. */
static gossip_pt_entry *pick_victim(gossip_pt *pt, sh_rng *rng)
{
    uint32_t eligible = 0;
    for (uint32_t i = 0; i < pt->n_live; i++)
        if (!(pt->live[i].flags & (GOSSIP_PT_ANCHOR | GOSSIP_PT_PROBING)))
            eligible++;
    if (eligible == 0)
        return NULL;
    uint64_t k = sh_rng_uniform(rng, eligible);
    for (uint32_t i = 0; i < pt->n_live; i++) {
        if (pt->live[i].flags & (GOSSIP_PT_ANCHOR | GOSSIP_PT_PROBING))
            continue;
        if (k-- == 0)
            return &pt->live[i];
    }
    return NULL;
}

gossip_pt_res gossip_pt_offer(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                              sh_peer_id source, uint32_t now_s, sh_rng *rng,
                              sh_peer_id *victim)
{
    if (victim != NULL)
        *victim = SH_PEER_NONE;
    if (peer == pt->self || peer == SH_PEER_NONE) {
        pt->st.rej_self++;
        return GOSSIP_PT_REJ_SELF;
    }
    if (gossip_pt_find(pt, peer) != NULL || gossip_pt_find_remembered(pt, peer) != NULL)
        return GOSSIP_PT_PRESENT;
    uint32_t by_source = 0, by_group = 0;
    for (uint32_t i = 0; i < pt->n_live; i++) {
        const gossip_pt_entry *e = &pt->live[i];
        if (e->flags & GOSSIP_PT_ANCHOR)
            continue;
        if (e->source == source && source != pt->self)
            by_source++;
        if (e->group == group)
            by_group++;
    }
    if (by_source >= pt->cfg.max_per_source) {
        pt->st.rej_source++;
        return GOSSIP_PT_REJ_SOURCE;
    }
    if (by_group >= pt->cfg.max_per_group) {
        pt->st.rej_group++;
        return GOSSIP_PT_REJ_GROUP;
    }
    if (!full(pt)) {
        append_live(pt, peer, group, source, 0);
        return GOSSIP_PT_ADDED;
    }
    gossip_pt_entry *v = pick_victim(pt, rng);
    if (v == NULL || (v->last_ok_s != 0 && now_s - v->last_ok_s < pt->cfg.fresh_s)) {
        pt->st.rej_full++;
        return GOSSIP_PT_REJ_FULL;
    }
    if (v->fails > 0) {         /* already failed a contact: no probe needed */
        pt->st.evicted++;
        sh_peer_id vp = v->peer;
        uint32_t vg = v->group;
        drop_live(pt, v);
        remember(pt, vp, vg, rng);
        append_live(pt, peer, group, source, 0);
        return GOSSIP_PT_ADDED;
    }
    if (victim == NULL) {
        pt->st.rej_full++;
        return GOSSIP_PT_REJ_FULL;
    }
    v->flags |= GOSSIP_PT_PROBING;
    *victim = v->peer;
    pt->st.probes++;
    return GOSSIP_PT_PROBE;
}

gossip_pt_res gossip_pt_probe_done(gossip_pt *pt, sh_peer_id victim, int alive,
                                   sh_peer_id peer, uint32_t group,
                                   sh_peer_id source, uint32_t now_s, sh_rng *rng)
{
    gossip_pt_entry *v = gossip_pt_find(pt, victim);
    if (v != NULL)
        v->flags &= (uint8_t)~GOSSIP_PT_PROBING;
    if (alive) {
        if (v != NULL) {
            v->last_ok_s = now_s;
            v->fails = 0;
        }
        pt->st.kept++;
        pt->st.rej_full++;
        return GOSSIP_PT_REJ_FULL;
    }
    if (v != NULL && !(v->flags & GOSSIP_PT_ANCHOR)) {
        uint32_t vg = v->group;
        drop_live(pt, v);
        remember(pt, victim, vg, rng);
        pt->st.evicted++;
    }
    return gossip_pt_offer(pt, peer, group, source, now_s, rng, NULL);
}

int gossip_pt_insert_known(gossip_pt *pt, sh_peer_id peer, uint32_t group,
                           uint32_t now_s, sh_rng *rng)
{
    if (peer == pt->self || peer == SH_PEER_NONE)
        return SH_ERR_ARG;
    gossip_pt_entry *e = gossip_pt_find(pt, peer);
    if (e != NULL) {
        e->last_ok_s = now_s;
        e->fails = 0;
        return 0;
    }
    e = gossip_pt_find_remembered(pt, peer);
    if (e != NULL) {
        drop_mem(pt, e);
        pt->st.revived++;
    }
    if (full(pt)) {
        gossip_pt_entry *v = pick_victim(pt, rng);
        if (v == NULL)
            return 0;       /* every entry is an anchor or being probed */
        drop_live(pt, v);
        pt->st.evicted++;
    }
    append_live(pt, peer, group, pt->self, now_s);
    return 0;
}

int gossip_pt_mark_ok(gossip_pt *pt, sh_peer_id peer, uint32_t now_s)
{
    gossip_pt_entry *e = gossip_pt_find(pt, peer);
    if (e == NULL)
        return SH_ERR_STATE;
    e->last_ok_s = now_s;
    e->fails = 0;
    return 0;
}

void gossip_pt_mark_failed(gossip_pt *pt, sh_peer_id peer, uint32_t group, sh_rng *rng)
{
    gossip_pt_entry *e = gossip_pt_find(pt, peer);
    if (e != NULL) {
        if (e->flags & GOSSIP_PT_ANCHOR) {
            if (e->fails < UINT8_MAX)
                e->fails++;
            return;
        }
        group = e->group;
        drop_live(pt, e);
    }
    remember(pt, peer, group, rng);
}

int gossip_pt_remove(gossip_pt *pt, sh_peer_id peer)
{
    gossip_pt_entry *e = gossip_pt_find(pt, peer);
    if (e == NULL || (e->flags & GOSSIP_PT_ANCHOR))
        return 0;
    drop_live(pt, e);
    return 1;
}

sh_peer_id gossip_pt_pick(const gossip_pt *pt, sh_rng *rng, gossip_pt_skip_fn skip,
                          void *arg)
{
    sh_peer_id out;
    return gossip_pt_sample(pt, rng, &out, 1, skip, arg) == 1 ? out : SH_PEER_NONE;
}

sh_peer_id gossip_pt_pick_remembered(const gossip_pt *pt, sh_rng *rng, uint32_t *group)
{
    if (pt->n_mem == 0)
        return SH_PEER_NONE;
    const gossip_pt_entry *e = &pt->mem[sh_rng_uniform(rng, pt->n_mem)];
    if (group != NULL)
        *group = e->group;
    return e->peer;
}

size_t gossip_pt_sample(const gossip_pt *pt, sh_rng *rng, sh_peer_id *out, size_t k,
                        gossip_pt_skip_fn skip, void *arg)
{
    /* Selection sampling (Knuth's algorithm S) over the eligible entries:
     * one pass to count, one to pick; uniform, in table order. */
    size_t eligible = 0;
    for (uint32_t i = 0; i < pt->n_live; i++)
        if (skip == NULL || !skip(arg, pt->live[i].peer))
            eligible++;
    size_t got = 0;
    for (uint32_t i = 0; i < pt->n_live && got < k && eligible > 0; i++) {
        if (skip != NULL && skip(arg, pt->live[i].peer))
            continue;
        if (sh_rng_uniform(rng, eligible) < k - got)
            out[got++] = pt->live[i].peer;
        eligible--;
    }
    return got;
}
