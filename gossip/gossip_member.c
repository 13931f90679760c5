/* gossip/gossip_member.c -- membership (HyParView), failure detection of
 * active neighbours, and partition healing (docs/gossip.md, "Membership",
 * "Failure detection", "Partitions"). */
#include "gossip/gossip_impl.h"

#include <string.h>

/* ---- views ----------------------------------------------------------------- */

g_active *g_find_active(gossip *g, sh_peer_id p)
{
    for (uint32_t i = 0; i < g->n_active; i++)
        if (g->active[i].peer == p)
            return &g->active[i];
    return NULL;
}

static int is_anchor(const gossip *g, sh_peer_id p)
{
    for (uint32_t i = 0; i < g->cfg.n_anchors; i++)
        if (g->cfg.anchors[i] == p)
            return 1;
    return 0;
}

static g_pending *find_pending(gossip *g, sh_peer_id p, int kind)
{
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING; i++)
        if (g->pend[i].kind != P_FREE && g->pend[i].peer == p &&
            (kind == P_FREE || g->pend[i].kind == kind))
            return &g->pend[i];
    return NULL;
}

static g_pending *pend_alloc(gossip *g, int kind, sh_peer_id p)
{
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING; i++) {
        g_pending *q = &g->pend[i];
        if (q->kind == P_FREE) {
            memset(q, 0, sizeof *q);
            q->kind = (uint8_t)kind;
            q->peer = p;
            q->deadline = sh_drv_now(g->d) + g->cfg.request_ticks * g->cfg.tick_ns;
            return q;
        }
    }
    return NULL;
}

static uint32_t count_pending(const gossip *g, int kind)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING; i++)
        if (g->pend[i].kind == kind)
            c++;
    return c;
}

/* Peers not to pick from the passive view: active or already asked. */
static int skip_busy(void *arg, sh_peer_id p)
{
    gossip *g = arg;
    return g_find_active(g, p) != NULL || find_pending(g, p, P_FREE) != NULL;
}

static int active_group_full(gossip *g, uint32_t group)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < g->n_active; i++)
        if (g->active[i].group == group)
            c++;
    return c >= g->cfg.max_active_per_group;
}

static int send_simple(gossip *g, sh_peer_id to, uint32_t type, int flag)
{
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.flag = flag != 0;
    return g_send(g, to, &m);
}

/* Remove active[idx].  reason: GOSSIP_DOWN_*.  A failed neighbour is
 * remembered; any other goes back to the passive view. */
static int drop_active(gossip *g, uint32_t idx, int reason)
{
    g_active a = g->active[idx];
    g->active[idx] = g->active[--g->n_active];
    g_tree_neighbor_down(g, a.peer);
    if (reason == GOSSIP_DOWN_FAILED) {
        gossip_pt_mark_failed(&g->pt, a.peer, a.group, g->d->rng);
    } else {
        int rc = gossip_pt_insert_known(&g->pt, a.peer, a.group, g_now_s(g), g->d->rng);
        if (rc != 0)
            return rc;
    }
    return g_event_peer(g, GOSSIP_EV_NEIGHBOR_DOWN, a.peer, reason);
}

/* Make room in a full active view: drop a random neighbour that is not an
 * anchor, telling it.  SH_ERR_STATE if every neighbour is an anchor. */
static int evict_random(gossip *g)
{
    uint32_t cand = 0;
    for (uint32_t i = 0; i < g->n_active; i++)
        if (!is_anchor(g, g->active[i].peer))
            cand++;
    if (cand == 0)
        return SH_ERR_STATE;
    uint64_t k = sh_rng_uniform(g->d->rng, cand);
    for (uint32_t i = 0; i < g->n_active; i++) {
        if (is_anchor(g, g->active[i].peer))
            continue;
        if (k-- == 0) {
            sh_peer_id p = g->active[i].peer;
            int rc = send_simple(g, p, GOSSIP_MSG_DISCONNECT, 0);
            if (rc == 0)
                rc = drop_active(g, i, GOSSIP_DOWN_EVICTED);
            return rc;
        }
    }
    return SH_ERR_INTERNAL;
}

/* Add p to the active view (evicting if full).  1 if added, 0 if it was
 * already there or no room could be made. */
static int add_active(gossip *g, sh_peer_id p)
{
    if (p == g->d->self || p >= g->n || g_find_active(g, p) != NULL)
        return 0;
    if (g->n_active >= g->cfg.active_max) {
        int rc = evict_random(g);
        if (rc == SH_ERR_STATE)
            return 0;
        if (rc != 0)
            return rc;
    }
    g_active *a = &g->active[g->n_active++];
    memset(a, 0, sizeof *a);
    a->peer = p;
    a->group = g_group(g, p);
    a->last_heard = sh_drv_now(g->d);
    a->tokens = (uint16_t)g->cfg.rate_per_tick;
    (void)gossip_pt_remove(&g->pt, p);
    gossip_pt_entry *r = gossip_pt_find_remembered(&g->pt, p);
    if (r != NULL)
        *r = g->pt.mem[--g->pt.n_mem];
    g_tree_neighbor_up(g, a);
    int rc = g_event_peer(g, GOSSIP_EV_NEIGHBOR_UP, p, 0);
    return rc == 0 ? 1 : rc;
}

/* May we take p in now, evicting someone if needed (high priority)? */
static int may_accept(gossip *g, sh_peer_id p, int high)
{
    if (active_group_full(g, g_group(g, p)))
        return 0;
    if (g->n_active < g->cfg.active_max)
        return 1;
    if (!high || g->forced_left == 0)
        return 0;
    g->forced_left--;
    return 1;
}

static int ask_neighbor(gossip *g, sh_peer_id p, int high)
{
    if (find_pending(g, p, P_NEIGHBOR) != NULL || g_find_active(g, p) != NULL)
        return 0;
    g_pending *q = pend_alloc(g, P_NEIGHBOR, p);
    if (q == NULL)
        return 0;
    q->high = (uint8_t)(high != 0);
    return send_simple(g, p, GOSSIP_MSG_NEIGHBOR, high);
}

static int send_join(gossip *g)
{
    uint32_t n = g->cfg.n_contacts ? g->cfg.n_contacts : g->cfg.n_anchors;
    if (n == 0 || count_pending(g, P_JOIN) > 0)
        return 0;
    const sh_peer_id *list = g->cfg.n_contacts ? g->cfg.contacts : g->cfg.anchors;
    sh_peer_id p = list[g->next_contact++ % n];
    if (pend_alloc(g, P_JOIN, p) == NULL)
        return 0;
    return send_simple(g, p, GOSSIP_MSG_JOIN, 0);
}

int g_member_start(gossip *g)
{
    uint32_t now = g_now_s(g);
    for (uint32_t i = 0; i < g->cfg.n_contacts; i++)
        (void)gossip_pt_offer(&g->pt, g->cfg.contacts[i], g_group(g, g->cfg.contacts[i]),
                              g->d->self, now, g->d->rng, NULL);
    return send_join(g);
}

int g_heard(gossip *g, sh_peer_id from)
{
    g_active *a = g_find_active(g, from);
    if (a == NULL) {
        (void)gossip_pt_mark_ok(&g->pt, from, g_now_s(g));
        return 0;
    }
    a->last_heard = sh_drv_now(g->d);
    if (!a->suspected)
        return 0;
    a->suspected = 0;
    g->c.refutations++;
    return g_event_peer(g, GOSSIP_EV_REFUTE, from, 0);
}

/* ---- handlers ---------------------------------------------------------------- */

int g_on_join(gossip *g, sh_peer_id from)
{
    if (g_find_active(g, from) != NULL)           /* a retransmitted JOIN */
        return send_simple(g, from, GOSSIP_MSG_NEIGHBOR_REPLY, 1);
    /* A contact whose view is full (and whose budget of forced evictions
     * is spent) does not take the joiner itself, but still starts the
     * random walks that find it neighbours elsewhere. */
    int rc = 0;
    if (may_accept(g, from, 1))
        rc = add_active(g, from);
    if (rc < 0)
        return rc;
    rc = send_simple(g, from, GOSSIP_MSG_NEIGHBOR_REPLY, rc == 1);
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_FORWARD_JOIN;
    m.peer = from;
    m.ttl = g->cfg.arwl;
    for (uint32_t i = 0; i < g->n_active && rc == 0; i++)
        if (g->active[i].peer != from)
            rc = g_send(g, g->active[i].peer, &m);
    return rc;
}

/* A random active neighbour other than a and b, or SH_PEER_NONE. */
static sh_peer_id random_active_except(gossip *g, sh_peer_id a, sh_peer_id b)
{
    uint32_t cand = 0;
    for (uint32_t i = 0; i < g->n_active; i++)
        if (g->active[i].peer != a && g->active[i].peer != b)
            cand++;
    if (cand == 0)
        return SH_PEER_NONE;
    uint64_t k = sh_rng_uniform(g->d->rng, cand);
    for (uint32_t i = 0; i < g->n_active; i++)
        if (g->active[i].peer != a && g->active[i].peer != b && k-- == 0)
            return g->active[i].peer;
    return SH_PEER_NONE;
}

static void offer(gossip *g, sh_peer_id p, sh_peer_id source);

int g_on_forward_join(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    sh_peer_id n = m->peer;
    if (n == g->d->self || g_find_active(g, n) != NULL)
        return 0;
    if (m->ttl == 0 || g->n_active <= 1)
        return ask_neighbor(g, n, 1);
    if (m->ttl == g->cfg.prwl)
        offer(g, n, from);
    sh_peer_id next = random_active_except(g, from, n);
    if (next == SH_PEER_NONE)
        return ask_neighbor(g, n, 1);
    gossip_msg f = *m;
    f.ttl = m->ttl - 1;
    return g_send(g, next, &f);
}

int g_on_neighbor(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    if (g_find_active(g, from) != NULL)
        return send_simple(g, from, GOSSIP_MSG_NEIGHBOR_REPLY, 1);
    if (!may_accept(g, from, m->flag))
        return send_simple(g, from, GOSSIP_MSG_NEIGHBOR_REPLY, 0);
    int rc = add_active(g, from);
    if (rc < 0)
        return rc;
    return send_simple(g, from, GOSSIP_MSG_NEIGHBOR_REPLY, rc == 1);
}

int g_on_neighbor_reply(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    g_pending *q = find_pending(g, from, P_NEIGHBOR);
    if (q == NULL)
        q = find_pending(g, from, P_JOIN);
    if (q == NULL) {
        if (g_find_active(g, from) != NULL)
            return 0;                              /* a duplicated reply */
        return g_reject(g, from, SH_ERR_STATE, GOSSIP_REJ_UNSOLICITED);
    }
    int was_join = q->kind == P_JOIN;
    q->kind = P_FREE;
    if (!m->flag)
        return 0;                  /* refused: the next tick asks another */
    if (active_group_full(g, g_group(g, from)) && g_find_active(g, from) == NULL)
        return send_simple(g, from, GOSSIP_MSG_DISCONNECT, 0);
    int rc = add_active(g, from);
    if (rc < 0)
        return rc;
    if (rc == 0 && g_find_active(g, from) == NULL)
        return send_simple(g, from, GOSSIP_MSG_DISCONNECT, 0);
    if (was_join)
        g->c.joins_done++;
    return 0;
}

int g_on_disconnect(gossip *g, sh_peer_id from)
{
    for (uint32_t i = 0; i < g->n_active; i++)
        if (g->active[i].peer == from)
            return drop_active(g, i, GOSSIP_DOWN_DISCONNECT);
    return 0;
}

/* Offer a peer named by `source` to the peer table; a full table starts a
 * test-before-evict probe of a victim when a pending slot is free. */
static void offer(gossip *g, sh_peer_id p, sh_peer_id source)
{
    if (p == g->d->self || g_find_active(g, p) != NULL)
        return;
    g_pending *q = NULL;
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING; i++)
        if (g->pend[i].kind == P_FREE)
            q = &g->pend[i];
    uint32_t grp = g_group(g, p);
    sh_peer_id victim = SH_PEER_NONE;
    gossip_pt_res r = gossip_pt_offer(&g->pt, p, grp, source, g_now_s(g), g->d->rng,
                                      q != NULL ? &victim : NULL);
    if (r != GOSSIP_PT_PROBE)
        return;
    q = pend_alloc(g, P_PROBE, victim);
    q->nonce = g_nonce(g);
    q->cand = p;
    q->cand_group = grp;
    q->cand_source = source;
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_PING;
    m.nonce = q->nonce;
    if (g_send(g, victim, &m) != 0)
        q->deadline = 0;           /* resolved as dead at the next tick */
}

static void integrate(gossip *g, const gossip_msg *m, sh_peer_id source)
{
    for (uint32_t i = 0; i < m->n_peers; i++)
        offer(g, m->peers[i], source);
}

int g_on_shuffle(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    if (m->peer == g->d->self)
        return 0;                  /* our own walk came back */
    if (m->ttl > 0 && g->n_active > 1) {
        sh_peer_id next = random_active_except(g, from, m->peer);
        if (next != SH_PEER_NONE) {
            gossip_msg f = *m;
            f.ttl = m->ttl - 1;
            return g_send(g, next, &f);
        }
    }
    gossip_msg r;
    memset(&r, 0, sizeof r);
    r.type = GOSSIP_MSG_SHUFFLE_REPLY;
    r.nonce = m->nonce;
    r.n_peers = (uint32_t)gossip_pt_sample(&g->pt, g->d->rng, r.peers,
                                           m->n_peers ? m->n_peers : 1, NULL, NULL);
    int rc = g_send(g, m->peer, &r);
    integrate(g, m, from);
    offer(g, m->peer, from);
    return rc;
}

int g_on_shuffle_reply(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    if (g->shuffle_nonce == 0 || m->nonce != g->shuffle_nonce)
        return g_reject(g, from, SH_ERR_STATE, GOSSIP_REJ_UNSOLICITED);
    g->shuffle_nonce = 0;
    integrate(g, m, from);
    return 0;
}

int g_on_ping(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    gossip_msg r;
    memset(&r, 0, sizeof r);
    r.type = GOSSIP_MSG_PONG;
    r.nonce = m->nonce;
    r.flag = g_find_active(g, from) != NULL;
    return g_send(g, from, &r);
}

int g_on_pong(gossip *g, sh_peer_id from, const gossip_msg *m)
{
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING; i++) {
        g_pending *q = &g->pend[i];
        if (q->peer != from || q->nonce != m->nonce || m->nonce == 0)
            continue;
        uint32_t now = g_now_s(g);
        if (q->kind == P_PROBE) {
            q->kind = P_FREE;
            (void)gossip_pt_probe_done(&g->pt, from, 1, q->cand, q->cand_group,
                                       q->cand_source, now, g->d->rng);
            return 0;
        }
        if (q->kind == P_RETRY) {
            /* A remembered peer is back (a crash recovered, a partition
             * healed): make it a neighbour again, even if that means
             * dropping one, so separated overlays merge. */
            q->kind = P_FREE;
            g->c.revivals++;
            int rc = gossip_pt_insert_known(&g->pt, from, q->retry_group, now, g->d->rng);
            if (rc == 0 && !m->flag)
                rc = ask_neighbor(g, from, 1);
            return rc;
        }
    }
    for (uint32_t i = 0; i < g->n_active; i++) {
        g_active *a = &g->active[i];
        if (a->peer != from || a->ping_nonce != m->nonce || m->nonce == 0)
            continue;
        a->ping_nonce = 0;
        if (!m->flag)              /* it does not hold us: not a link */
            return drop_active(g, i, GOSSIP_DOWN_NOT_MUTUAL);
        return 0;
    }
    return 0;                      /* a late answer */
}

/* ---- the tick ----------------------------------------------------------------- */

static int heartbeats(gossip *g)
{
    uint64_t now = sh_drv_now(g->d);
    uint64_t tick = g->cfg.tick_ns;
    for (uint32_t i = 0; i < g->n_active;) {
        g_active *a = &g->active[i];
        uint64_t silent = now - a->last_heard;
        int rc = 0;
        if (silent >= g->cfg.fail_ticks * tick) {
            g->c.failures++;
            rc = drop_active(g, i, GOSSIP_DOWN_FAILED);
            if (rc != 0)
                return rc;
            continue;              /* active[i] is another neighbour now */
        }
        int ping = 0;
        if (silent >= g->cfg.suspect_ticks * tick) {
            if (!a->suspected) {
                a->suspected = 1;
                g->c.suspicions++;
                rc = g_event_peer(g, GOSSIP_EV_SUSPECT, a->peer, 0);
            }
            ping = 1;
        } else if (silent >= tick / 2 && g->d->self < a->peer) {
            ping = 1;              /* the lower id keeps the link alive */
        }
        if (rc == 0 && ping) {
            gossip_msg m;
            memset(&m, 0, sizeof m);
            m.type = GOSSIP_MSG_PING;
            m.nonce = a->ping_nonce = g_nonce(g);
            rc = g_send(g, a->peer, &m);
        }
        if (rc != 0)
            return rc;
        i++;
    }
    return 0;
}

static int expire_pending(gossip *g)
{
    uint64_t now = sh_drv_now(g->d);
    int rc = 0;
    for (uint32_t i = 0; i < GOSSIP_MAX_PENDING && rc == 0; i++) {
        g_pending *q = &g->pend[i];
        if (q->kind == P_FREE || q->deadline > now)
            continue;
        int kind = q->kind;
        q->kind = P_FREE;
        switch (kind) {
        case P_JOIN:
            rc = send_join(g);
            break;
        case P_NEIGHBOR:
            gossip_pt_mark_failed(&g->pt, q->peer, g_group(g, q->peer), g->d->rng);
            break;
        case P_PROBE:
            (void)gossip_pt_probe_done(&g->pt, q->peer, 0, q->cand, q->cand_group,
                                       q->cand_source, g_now_s(g), g->d->rng);
            break;
        case P_RETRY:
            gossip_pt_mark_failed(&g->pt, q->peer, q->retry_group, g->d->rng);
            break;
        default:
            break;
        }
    }
    return rc;
}

static int refill(gossip *g)
{
    int rc = 0;
    uint32_t want = g->cfg.active_max > g->n_active ? g->cfg.active_max - g->n_active : 0;
    uint32_t asked = count_pending(g, P_NEIGHBOR) + count_pending(g, P_JOIN);
    while (rc == 0 && asked < want && asked < 2) {
        sh_peer_id p = gossip_pt_pick(&g->pt, g->d->rng, skip_busy, g);
        if (p == SH_PEER_NONE)
            break;
        rc = ask_neighbor(g, p, g->n_active == 0);
        asked++;
    }
    if (rc == 0 && g->n_active == 0 && asked == 0)
        rc = send_join(g);         /* nobody left to ask: bootstrap again */
    return rc;
}

static int shuffle(gossip *g)
{
    if (g->n_active == 0)
        return 0;
    sh_peer_id to = g->active[sh_rng_uniform(g->d->rng, g->n_active)].peer;
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_SHUFFLE;
    m.peer = g->d->self;
    m.ttl = g->cfg.shuffle_ttl;
    m.nonce = g->shuffle_nonce = g_nonce(g);
    /* ka active neighbours (not the target) and kp passive entries */
    for (uint32_t i = 0; i < g->n_active && m.n_peers < g->cfg.shuffle_active; i++) {
        uint32_t j = (uint32_t)sh_rng_uniform(g->d->rng, g->n_active);
        sh_peer_id p = g->active[j].peer;
        int dup = p == to;
        for (uint32_t k = 0; k < m.n_peers && !dup; k++)
            dup = m.peers[k] == p;
        if (!dup)
            m.peers[m.n_peers++] = p;
    }
    m.n_peers += (uint32_t)gossip_pt_sample(&g->pt, g->d->rng, m.peers + m.n_peers,
                                            g->cfg.shuffle_passive, NULL, NULL);
    return g_send(g, to, &m);
}

/* Retry one remembered peer or one anchor that is not a neighbour, with a
 * PING; the answer (g_on_pong) brings it back. */
static int retry(gossip *g)
{
    sh_peer_id cand[GOSSIP_PT_MAX_ANCHORS + 1];
    uint32_t groups[GOSSIP_PT_MAX_ANCHORS + 1];
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->cfg.n_anchors; i++) {
        sh_peer_id a = g->cfg.anchors[i];
        if (g_find_active(g, a) == NULL && find_pending(g, a, P_FREE) == NULL) {
            groups[n] = g_group(g, a);
            cand[n++] = a;
        }
    }
    uint32_t grp;
    sh_peer_id r = gossip_pt_pick_remembered(&g->pt, g->d->rng, &grp);
    if (r != SH_PEER_NONE && g_find_active(g, r) == NULL &&
        find_pending(g, r, P_FREE) == NULL) {
        groups[n] = grp;
        cand[n++] = r;
    }
    if (n == 0)
        return 0;
    uint32_t k = (uint32_t)sh_rng_uniform(g->d->rng, n);
    g_pending *q = pend_alloc(g, P_RETRY, cand[k]);
    if (q == NULL)
        return 0;
    q->nonce = g_nonce(g);
    q->retry_group = groups[k];
    g->c.retries++;
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_PING;
    m.nonce = q->nonce;
    return g_send(g, cand[k], &m);
}

int g_member_tick(gossip *g)
{
    int rc = heartbeats(g);
    if (rc == 0)
        rc = expire_pending(g);
    if (rc == 0)
        rc = refill(g);
    if (rc == 0 && (g->tick_no + g->shuffle_phase) % g->cfg.shuffle_ticks == 0)
        rc = shuffle(g);
    if (rc == 0 && (g->tick_no + g->retry_phase) % g->cfg.retry_ticks == 0)
        rc = retry(g);
    return rc;
}
