/* gossip/gossip_plumtree.c -- dissemination (Plumtree): eager push along a
 * tree, lazy IHAVE, GRAFT on timeout, PRUNE on duplicates, a flood over
 * the first flood_hops hops; the seen-id cache, the payload cache, and the
 * checks of descriptors and announcements (docs/gossip.md,
 * "Dissemination"). */
#include "gossip/gossip_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- caches ---------------------------------------------------------------- */

int g_tree_init(gossip *g)
{
    g->seen_id = calloc(g->cfg.seen_slots, sizeof *g->seen_id);
    g->seen_exp = calloc(g->cfg.seen_slots, sizeof *g->seen_exp);
    g->cache = calloc(g->cfg.payload_cache, sizeof *g->cache);
    g->missing = calloc(g->cfg.missing_max, sizeof *g->missing);
    if (g->seen_id == NULL || g->seen_exp == NULL || g->cache == NULL || g->missing == NULL)
        return SH_ERR_NOMEM;
    return 0;
}

void g_tree_free(gossip *g)
{
    if (g->cache != NULL)
        for (uint32_t i = 0; i < g->cfg.payload_cache; i++)
            free(g->cache[i].bytes);
    free(g->cache);
    free(g->seen_id);
    free(g->seen_exp);
    free(g->missing);
    g->cache = NULL;
    g->seen_id = NULL;
    g->seen_exp = NULL;
    g->missing = NULL;
}

size_t g_tree_memory(const gossip *g)
{
    size_t m = g->cfg.seen_slots * (sizeof *g->seen_id + sizeof *g->seen_exp) +
               g->cfg.payload_cache * sizeof *g->cache +
               g->cfg.missing_max * sizeof *g->missing;
    for (uint32_t i = 0; i < g->cfg.payload_cache; i++)
        if (g->cache[i].bytes != NULL)
            m += g->cache[i].len;
    return m;
}

static uint64_t id64(const uint8_t id[GOSSIP_ID_BYTES])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)id[i] << (8 * i);
    return v;
}

/* The seen cache: open addressing on the first 8 bytes of the id (a hash
 * already), linear probing.  seen_exp[i] is the expiry in seconds + 1 (0:
 * never used).  Expired slots stay as tombstones until a rebuild. */
static int seen_has(const gossip *g, uint64_t k, uint32_t now)
{
    uint32_t mask = g->cfg.seen_slots - 1;
    for (uint32_t i = 0, s = (uint32_t)k & mask; i < g->cfg.seen_slots; i++, s = (s + 1) & mask) {
        if (g->seen_exp[s] == 0)
            return 0;
        if (g->seen_id[s] == k && g->seen_exp[s] > now + 1)
            return 1;
    }
    return 0;
}

/* Drop expired entries; if more than half the slots are still live, drop
 * the ones closest to expiry as well (counted). */
static void seen_rebuild(gossip *g, uint32_t now)
{
    uint32_t n = g->cfg.seen_slots, live = 0, mask = n - 1;
    uint32_t cut = 0;
    for (;;) {
        live = 0;
        for (uint32_t i = 0; i < n; i++)
            if (g->seen_exp[i] > now + 1 + cut)
                live++;
        if (live <= n / 2)
            break;
        cut += 1 + g->cfg.seen_ttl_s / 8;
    }
    uint64_t *ids = g->seen_id;
    uint32_t *exp = g->seen_exp;
    uint64_t *nid = calloc(n, sizeof *nid);
    uint32_t *nexp = calloc(n, sizeof *nexp);
    if (nid == NULL || nexp == NULL) {      /* keep the old table: still correct */
        free(nid);
        free(nexp);
        return;
    }
    g->seen_used = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (exp[i] <= now + 1)
            continue;
        if (exp[i] <= now + 1 + cut) {
            g->c.dropped_seen++;
            continue;
        }
        uint32_t s = (uint32_t)ids[i] & mask;
        while (nexp[s] != 0)
            s = (s + 1) & mask;
        nid[s] = ids[i];
        nexp[s] = exp[i];
        g->seen_used++;
    }
    free(ids);
    free(exp);
    g->seen_id = nid;
    g->seen_exp = nexp;
}

static void seen_add(gossip *g, uint64_t k, uint32_t now)
{
    if (g->seen_used + 1 > g->cfg.seen_slots * 3 / 4)
        seen_rebuild(g, now);
    uint32_t mask = g->cfg.seen_slots - 1;
    uint32_t s = (uint32_t)k & mask;
    for (uint32_t i = 0; i < g->cfg.seen_slots; i++, s = (s + 1) & mask) {
        if (g->seen_exp[s] == 0) {
            g->seen_used++;
            break;
        }
        if (g->seen_exp[s] <= now + 1)
            break;                 /* reuse a tombstone */
    }
    g->seen_id[s] = k;
    g->seen_exp[s] = now + g->cfg.seen_ttl_s + 1;
}

static g_payload *cache_find(gossip *g, const uint8_t id[GOSSIP_ID_BYTES])
{
    for (uint32_t i = 0; i < g->cfg.payload_cache; i++)
        if (g->cache[i].bytes != NULL && memcmp(g->cache[i].id, id, GOSSIP_ID_BYTES) == 0)
            return &g->cache[i];
    return NULL;
}

static int cache_put(gossip *g, const uint8_t id[GOSSIP_ID_BYTES], uint32_t kind,
                     uint32_t hops, sh_peer_id from, const uint8_t *p, size_t len)
{
    g_payload *c = &g->cache[g->cache_next];
    uint8_t *b = malloc(len ? len : 1);
    if (b == NULL)
        return SH_ERR_NOMEM;
    free(c->bytes);
    memcpy(b, p, len);
    memcpy(c->id, id, GOSSIP_ID_BYTES);
    c->bytes = b;
    c->len = (uint32_t)len;
    c->kind = (uint8_t)kind;
    c->hops = hops;
    c->from = from;
    c->at_s = g_now_s(g);
    g->cache_next = (g->cache_next + 1) % g->cfg.payload_cache;
    return 0;
}

static g_missing *missing_find(gossip *g, const uint8_t id[GOSSIP_ID_BYTES], uint32_t *slot)
{
    for (uint32_t i = 0; i < g->cfg.missing_max; i++)
        if (g->missing[i].used && memcmp(g->missing[i].id, id, GOSSIP_ID_BYTES) == 0) {
            if (slot != NULL)
                *slot = i;
            return &g->missing[i];
        }
    return NULL;
}

static void missing_clear(gossip *g, g_missing *m)
{
    sh_drv_timer_cancel(g->d, m->timer);
    memset(m, 0, sizeof *m);
}

/* ---- tree ------------------------------------------------------------------ */

void g_tree_neighbor_up(gossip *g, g_active *a)
{
    (void)g;
    a->eager = 1;
    a->catch_up = 1;
}

/* A new link catches up: each end announces the payloads it still caches
 * (younger than max_age_s) by IHAVE, so a relay that (re)joined while a
 * broadcast was in flight, or whose only copy was lost on its only link,
 * GRAFTs what it missed.  Done at the tick after the link came up, when
 * both ends hold it (an IHAVE racing the NEIGHBOR_REPLY would come from a
 * stranger).  Costs at most payload_cache small messages per new link. */
int g_tree_tick(gossip *g)
{
    uint32_t now = g_now_s(g);
    int rc = 0;
    for (uint32_t i = 0; i < g->n_active && rc == 0; i++) {
        g_active *a = &g->active[i];
        if (!a->catch_up)
            continue;
        a->catch_up = 0;
        for (uint32_t k = 0; k < g->cfg.payload_cache && rc == 0; k++) {
            const g_payload *c = &g->cache[k];
            if (c->bytes == NULL || c->from == a->peer || now - c->at_s >= g->cfg.max_age_s)
                continue;
            gossip_msg ih;
            memset(&ih, 0, sizeof ih);
            ih.type = GOSSIP_MSG_IHAVE;
            memcpy(ih.id, c->id, GOSSIP_ID_BYTES);
            ih.hops = GOSSIP_HOPS_CATCH_UP;   /* old news: no tree rewiring */
            rc = g_send(g, a->peer, &ih);
        }
    }
    return rc;
}

void g_tree_neighbor_down(gossip *g, sh_peer_id p)
{
    for (uint32_t i = 0; i < g->cfg.missing_max; i++) {
        g_missing *m = &g->missing[i];
        if (!m->used)
            continue;
        for (uint32_t k = 0; k < m->n_from;) {
            if (m->from[k] == p)
                m->from[k] = m->from[--m->n_from];
            else
                k++;
        }
    }
}

/* Forward a new payload: GOSSIP to eager neighbours, IHAVE to lazy ones.
 * Within flood_hops of the origin, GOSSIP to every neighbour: one tree
 * shared by all origins is deep from most of them (a path between two
 * nodes climbs to their common ancestor and down again), so the first hops
 * are a flood and the copy enters the tree at many points at once. */
static int forward(gossip *g, sh_peer_id from, const uint8_t id[GOSSIP_ID_BYTES],
                   uint32_t kind, uint32_t hops, const uint8_t *p, size_t len)
{
    gossip_msg push, ihave;
    memset(&push, 0, sizeof push);
    push.type = GOSSIP_MSG_GOSSIP;
    push.kind = kind;
    push.hops = hops < UINT32_MAX ? hops + 1 : hops;   /* saturating: peers' counts */
    push.payload = p;
    push.payload_len = len;
    memset(&ihave, 0, sizeof ihave);
    ihave.type = GOSSIP_MSG_IHAVE;
    memcpy(ihave.id, id, GOSSIP_ID_BYTES);
    ihave.hops = push.hops;
    int flood = hops < g->cfg.flood_hops;
    int rc = 0;
    for (uint32_t i = 0; i < g->n_active && rc == 0; i++) {
        g_active *a = &g->active[i];
        if (a->peer == from)
            continue;
        rc = g_send(g, a->peer, a->eager || flood ? &push : &ihave);
    }
    return rc;
}

/* First sight of a checked payload: remember, deliver, forward. */
static int accept(gossip *g, sh_peer_id from, const uint8_t id[GOSSIP_ID_BYTES],
                  uint32_t kind, uint32_t hops, const uint8_t *p, size_t len)
{
    seen_add(g, id64(id), g_now_s(g));
    g_missing *m = missing_find(g, id, NULL);
    if (m != NULL)
        missing_clear(g, m);
    int rc = cache_put(g, id, kind, hops, from, p, len);
    if (rc != 0)
        return rc;
    g->c.delivered[kind]++;
    uint32_t ev = kind == GOSSIP_KIND_DESCRIPTOR ? GOSSIP_EV_DESCRIPTOR : GOSSIP_EV_ANNOUNCE;
    if (g->cfg.event_mask & (1u << ev)) {
        uint8_t *b = malloc(GOSSIP_ID_BYTES + 4 + len);
        if (b == NULL)
            return SH_ERR_NOMEM;
        memcpy(b, id, GOSSIP_ID_BYTES);
        b[16] = (uint8_t)(hops >> 24);
        b[17] = (uint8_t)(hops >> 16);
        b[18] = (uint8_t)(hops >> 8);
        b[19] = (uint8_t)hops;
        memcpy(b + 20, p, len);
        rc = sh_drv_deliver(g->d, ev, b, GOSSIP_ID_BYTES + 4 + len);
        free(b);
        if (rc != 0)
            return rc;
    }
    return forward(g, from, id, kind, hops, p, len);
}

static const gossip_rej DESC_REJ[GOSSIP_DESC_ERR_COUNT] = {
    [GOSSIP_DESC_OK] = GOSSIP_REJ_MALFORMED,
    [GOSSIP_DESC_OVERSIZE] = GOSSIP_REJ_OVERSIZE,
    [GOSSIP_DESC_MALFORMED] = GOSSIP_REJ_BAD_DESC,
    [GOSSIP_DESC_BAD_ADDR] = GOSSIP_REJ_BAD_ADDR,
    [GOSSIP_DESC_BAD_KEY] = GOSSIP_REJ_BAD_KEY,
    [GOSSIP_DESC_BAD_TIMES] = GOSSIP_REJ_BAD_TIMES,
    [GOSSIP_DESC_EXPIRED] = GOSSIP_REJ_EXPIRED,
    [GOSSIP_DESC_FUTURE] = GOSSIP_REJ_FUTURE,
    [GOSSIP_DESC_BAD_SIG] = GOSSIP_REJ_BAD_SIG,
    [GOSSIP_DESC_ANN_MALFORMED] = GOSSIP_REJ_BAD_ANN,
};

static int desc_err_code(gossip_desc_err e)
{
    switch (e) {
    case GOSSIP_DESC_OVERSIZE: return SH_ERR_OVERSIZE;
    case GOSSIP_DESC_BAD_SIG: return SH_ERR_VERIFY;
    case GOSSIP_DESC_EXPIRED:
    case GOSSIP_DESC_FUTURE:
    case GOSSIP_DESC_BAD_TIMES: return SH_ERR_RANGE;
    default: return SH_ERR_FORMAT;
    }
}

/* Check a payload of `kind`: GOSSIP_DESC_OK or the failure.  Charges the
 * signature verification (both providers). */
static gossip_desc_err check_payload(gossip *g, uint32_t kind, const uint8_t *p, size_t len,
                                     int *stale)
{
    uint64_t now_s = sh_drv_wall(g->d) / 1000000000ULL;
    gossip_desc_err why = GOSSIP_DESC_OK;
    uint64_t issued;
    *stale = 0;
    if (kind == GOSSIP_KIND_DESCRIPTOR) {
        gossip_desc d;
        if (gossip_desc_decode(&d, p, len, &why) != 0)
            return why;
        sh_drv_charge(g->d, g->cfg.crypto->verify_ns);
        why = gossip_desc_check(&d, g->cfg.crypto, now_s);
        issued = d.issued;
    } else {
        gossip_ann a;
        if (gossip_ann_decode(&a, p, len, &why) != 0)
            return why;
        sh_drv_charge(g->d, g->cfg.crypto->verify_ns);
        why = gossip_ann_check(&a, g->cfg.crypto, now_s);
        issued = a.issued;
    }
    if (why == GOSSIP_DESC_OK && issued + g->cfg.max_age_s < now_s)
        *stale = 1;
    return why;
}

/* ---- handlers ---------------------------------------------------------------- */

static int send_prune(gossip *g, sh_peer_id to)
{
    gossip_msg pr;
    memset(&pr, 0, sizeof pr);
    pr.type = GOSSIP_MSG_PRUNE;
    return g_send(g, to, &pr);
}

/* A copy of a payload we hold came on the eager link a (not flooded).
 * Plumtree prunes the link as a redundant tree edge.  Here it is kept when
 * the hop counts show it is a shortcut: one end's path is at least
 * GOSSIP_SWAP_THRESHOLD hops shorter through the other.  The end with the
 * longer path adopts the link as the way the payload came (and prunes the
 * link it first came by, as the IHAVE optimisation does); the end with the
 * shorter path sees from the copy's hop count that the sender is behind it
 * by that much plus the two links, and keeps the link instead of pruning
 * it, so the two ends do not undo each other.  Without this, the first
 * broadcast (every link still eager: a flood, pruned down to that origin's
 * first-arrival tree, which follows latency, not hops) leaves a deep tree
 * that only IHAVEs rewire, and the next broadcast crosses it end to end
 * (22 hops to 99 % at 10,000 relays, seed 2, instead of 17). */
static int on_duplicate(gossip *g, g_active *a, const uint8_t id[GOSSIP_ID_BYTES],
                        uint32_t hops)
{
    g_payload *c = cache_find(g, id);
    /* Differences, never sums: hop counts come from peers and a forged one
     * near 2^32 must not wrap into a shortcut. */
    if (c != NULL && hops < c->hops && c->hops - hops >= GOSSIP_SWAP_THRESHOLD) {
        g_active *old = g_find_active(g, c->from);
        c->from = a->peer;
        c->hops = hops;
        if (old == NULL || old == a || !old->eager)
            return 0;
        old->eager = 0;
        return send_prune(g, old->peer);
    }
    /* The sender is GOSSIP_SWAP_THRESHOLD + 2 hops behind us: through us
     * its path is that much shorter, so it adopts the link (unless our copy
     * to it was flooded; keeping the shortcut still helps the next
     * broadcasts: measured, 17 vs 18 hops max at 10,000 relays). */
    if (c != NULL && hops > c->hops && hops - c->hops >= 2 + GOSSIP_SWAP_THRESHOLD)
        return 0;
    a->eager = 0;                  /* a redundant tree edge */
    return send_prune(g, a->peer);
}

int g_on_gossip(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    if (m->kind != GOSSIP_KIND_DESCRIPTOR && m->kind != GOSSIP_KIND_ANNOUNCE)
        return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_KIND);
    uint8_t id[GOSSIP_ID_BYTES];
    gossip_msg_id(id, m->payload, m->payload_len);
    g_active *a = g_find_active(g, from);
    /* hops <= flood_hops: the sender was within the flood and pushed to
     * every neighbour, eager or not, so the copy says nothing about the
     * tree: a duplicate is no sign of a redundant tree edge and must not
     * prune one (the edge may be the only eager path for other origins),
     * and a first copy that came over a lazy link must tell the sender
     * (below). */
    int flooded = m->hops <= g->cfg.flood_hops;
    if (seen_has(g, id64(id), g_now_s(g))) {
        g->c.duplicates++;
        if (a != NULL && a->eager && !flooded)
            return on_duplicate(g, a, id, m->hops);
        return 0;
    }
    int stale;
    gossip_desc_err why = check_payload(g, m->kind, m->payload, m->payload_len, &stale);
    if (why != GOSSIP_DESC_OK)
        return g_reject(g, from, desc_err_code(why), DESC_REJ[why]);
    if (stale)
        return g_reject(g, from, SH_ERR_RANGE, GOSSIP_REJ_STALE);
    if (a != NULL && !a->eager) {
        /* It delivered first: a tree edge.  A flooded copy comes over
         * lazy links too, so its sender may hold this one lazy: a GRAFT
         * without an id (as the tree optimisation sends) makes the edge
         * eager at both ends.  Otherwise the sender would only announce
         * later broadcasts to us and we would GRAFT for them after
         * graft_ns (measured at 10,000 relays: 1.8 times as many relays
         * got a broadcast only through a timed-out GRAFT). */
        a->eager = 1;
        if (flooded) {
            gossip_msg x;
            memset(&x, 0, sizeof x);
            x.type = GOSSIP_MSG_GRAFT;
            int rc = g_send(g, from, &x);
            if (rc != 0)
                return rc;
        }
    }
    return accept(g, from, id, m->kind, m->hops, m->payload, m->payload_len);
}

static const uint8_t NO_ID[GOSSIP_ID_BYTES];

/* Tree optimisation (Plumtree section 3.8): a lazy neighbour announces a
 * message we hold with a path shorter by GOSSIP_OPT_THRESHOLD hops than the
 * one it reached us by: make that link eager (a GRAFT with the all-zero id
 * asks for no payload) and prune the eager link it came through. */
static int optimise(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    g_payload *c = cache_find(g, m->id);
    /* (c->hops - m->hops, not m->hops + threshold: a forged hop count near
     * 2^32 must not wrap into a "shorter path"; a catch-up IHAVE carries
     * GOSSIP_HOPS_CATCH_UP, which is never shorter.) */
    if (c == NULL || c->from == SH_PEER_NONE || c->from == from ||
        c->hops < m->hops || c->hops - m->hops < GOSSIP_OPT_THRESHOLD)
        return 0;
    g_active *a = g_find_active(g, from), *old = g_find_active(g, c->from);
    if (a == NULL || old == NULL)
        return 0;
    a->eager = 1;
    old->eager = 0;
    c->from = from;
    c->hops = m->hops;
    gossip_msg x;
    memset(&x, 0, sizeof x);
    x.type = GOSSIP_MSG_GRAFT;
    int rc = g_send(g, from, &x);
    if (rc == 0) {
        x.type = GOSSIP_MSG_PRUNE;
        rc = g_send(g, old->peer, &x);
    }
    return rc;
}

int g_on_ihave(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    if (seen_has(g, id64(m->id), g_now_s(g)))
        return optimise(g, from, m);
    uint32_t slot;
    g_missing *x = missing_find(g, m->id, &slot);
    if (x != NULL) {
        for (uint32_t k = 0; k < x->n_from; k++)
            if (x->from[k] == from)
                return 0;
        if (x->n_from < GOSSIP_MAX_ANNOUNCERS)
            x->from[x->n_from++] = from;
        return 0;
    }
    for (slot = 0; slot < g->cfg.missing_max; slot++)
        if (!g->missing[slot].used)
            break;
    if (slot == g->cfg.missing_max)
        return 0;                  /* too many awaited: the eager path or a
                                    * later IHAVE will bring it */
    x = &g->missing[slot];
    memset(x, 0, sizeof *x);
    memcpy(x->id, m->id, GOSSIP_ID_BYTES);
    x->from[0] = from;
    x->n_from = 1;
    x->used = 1;
    return sh_drv_timer_set(g->d, g->cfg.graft_ns, TAG_GRAFT_BASE + slot, &x->timer);
}

int g_graft_timer(gossip *g, uint32_t slot, sh_timer_id id)
{
    g_missing *x = &g->missing[slot];
    if (!x->used || x->timer != id)
        return 0;
    x->timer = SH_TIMER_NONE;
    if (seen_has(g, id64(x->id), g_now_s(g)) || x->n_from == 0) {
        memset(x, 0, sizeof *x);
        return 0;
    }
    sh_peer_id p = x->from[0];
    x->from[0] = x->from[--x->n_from];
    g_active *a = g_find_active(g, p);
    if (a != NULL)
        a->eager = 1;              /* repair the tree through p */
    gossip_msg gr;
    memset(&gr, 0, sizeof gr);
    gr.type = GOSSIP_MSG_GRAFT;
    memcpy(gr.id, x->id, GOSSIP_ID_BYTES);
    g->c.grafts++;
    int rc = g_send(g, p, &gr);
    if (rc == 0)
        rc = sh_drv_timer_set(g->d, g->cfg.graft_ns / 2 + 1, TAG_GRAFT_BASE + slot,
                              &x->timer);
    return rc;
}

int g_on_graft(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    g_active *a = g_find_active(g, from);
    if (a != NULL)
        a->eager = 1;
    if (memcmp(m->id, NO_ID, GOSSIP_ID_BYTES) == 0)
        return 0;                  /* a tree optimisation: no payload wanted */
    g_payload *c = cache_find(g, m->id);
    if (c == NULL)
        return 0;                  /* too old: the requester asks another */
    gossip_msg push;
    memset(&push, 0, sizeof push);
    push.type = GOSSIP_MSG_GOSSIP;
    push.kind = c->kind;
    push.hops = c->hops < UINT32_MAX ? c->hops + 1 : c->hops;
    push.payload = c->bytes;
    push.payload_len = c->len;
    return g_send(g, from, &push);
}

int g_on_prune(gossip *g, sh_peer_id from)
{
    g_active *a = g_find_active(g, from);
    if (a != NULL)
        a->eager = 0;
    return 0;
}

/* ---- local publication ---------------------------------------------------------- */

int g_publish(gossip *g, uint32_t kind, const uint8_t *payload, size_t len)
{
    uint8_t id[GOSSIP_ID_BYTES];
    gossip_msg_id(id, payload, len);
    if (seen_has(g, id64(id), g_now_s(g)))
        return 0;
    return accept(g, SH_PEER_NONE, id, kind, 0, payload, len);
}

int g_req_descriptor(gossip *g, const uint8_t *data, size_t len)
{
    int stale;
    gossip_desc_err why = check_payload(g, GOSSIP_KIND_DESCRIPTOR, data, len, &stale);
    if (why != GOSSIP_DESC_OK)
        return desc_err_code(why);
    if (stale)
        return SH_ERR_RANGE;
    return g_publish(g, GOSSIP_KIND_DESCRIPTOR, data, len);
}

int g_req_announce(gossip *g, const uint8_t *data, size_t len)
{
    if (len > GOSSIP_ANN_MAX_PAYLOAD)
        return SH_ERR_OVERSIZE;
    gossip_ann a;
    memset(&a, 0, sizeof a);
    memcpy(a.origin, g->pk, sizeof a.origin);
    a.seq = ++g->ann_seq;
    a.issued = sh_drv_wall(g->d) / 1000000000ULL;
    a.payload = data;
    a.payload_len = len;
    int rc = gossip_ann_sign(&a, g->cfg.crypto, g->cfg.identity_sk);
    sh_drv_charge(g->d, g->cfg.crypto->sign_ns);
    if (rc != 0)
        return rc;
    sh_buf b;
    sh_buf_init_max(&b, GOSSIP_ANN_MAX_BYTES);
    rc = gossip_ann_encode(&a, &b);
    if (rc == 0)
        rc = g_publish(g, GOSSIP_KIND_ANNOUNCE, b.data, b.len);
    sh_buf_free(&b);
    return rc;
}
