/* sim/proto_gossip_byz.c -- byzantine gossip relays (see proto_gossip_byz.h). */
#include "sim/proto_gossip_byz.h"

#include <stdlib.h>
#include <string.h>

#include "gossip/gossip_msg.h"

/* The wrapper's own tick; the gossip instance's tags are small (a tick
 * tag and GRAFT slots from 0x100), so they never collide with it. */
#define GBYZ_TAG 0x62797a0000000000ULL
#define GBYZ_FORGED_MAX 512      /* forged payload bytes at most */

typedef struct gbyz {
    const sim_gbyz_env *env;
    sim_gbyz_kind kind;
    const sh_driver *outer;       /* the simulator's driver for this node */
    sh_driver inner;              /* what the gossip instance sees */
    sh_proto g;                   /* the real gossip instance */
    uint8_t pk[GOSSIP_PK_BYTES];
    uint64_t tick_ns;
    sh_timer_id timer;
    uint64_t seq;                 /* forged announcements so far */
    sh_buf tx, ann;               /* scratch */
} gbyz;

sim_gbyz_kind sim_gbyz_parse(const char *name)
{
    if (strcmp(name, "liar") == 0)
        return SIM_GBYZ_LIAR;
    if (strcmp(name, "flood") == 0)
        return SIM_GBYZ_FLOOD;
    return SIM_GBYZ_HONEST;
}

static int honest(const gbyz *w, sh_peer_id p)
{
    return p < w->env->n_nodes && w->env->byzantine[p] == 0;
}

/* ---- the liar's rewriting ------------------------------------------------------ */

/* Up to GOSSIP_MAX_SHUFFLE distinct liars into m->peers. */
static void fill_liars(gbyz *w, gossip_msg *m)
{
    const sim_gbyz_env *e = w->env;
    uint32_t want = e->n_liars < GOSSIP_MAX_SHUFFLE ? e->n_liars : GOSSIP_MAX_SHUFFLE;
    m->n_peers = 0;
    for (uint32_t tries = 0; m->n_peers < want && tries < 8 * GOSSIP_MAX_SHUFFLE; tries++) {
        sh_peer_id p = e->liars[sh_rng_uniform(w->outer->rng, e->n_liars)];
        int dup = 0;
        for (uint32_t j = 0; j < m->n_peers; j++)
            dup |= m->peers[j] == p;
        if (!dup)
            m->peers[m->n_peers++] = p;
    }
}

/* What a liar sends to an honest relay instead of msg: 0 with w->tx
 * holding the rewritten message, or 1 to send msg unchanged. */
static int liar_rewrite(gbyz *w, const uint8_t *msg, size_t len)
{
    gossip_msg m;
    gossip_rej why;
    if (gossip_msg_decode(&m, msg, len, &why) != 0)
        return 1;                  /* not ours to judge: the instance's bug */
    switch (m.type) {
    case GOSSIP_MSG_SHUFFLE:
    case GOSSIP_MSG_SHUFFLE_REPLY:
        if (w->env->n_liars == 0)
            return 1;
        fill_liars(w, &m);
        break;
    case GOSSIP_MSG_FORWARD_JOIN:
        if (w->env->n_liars == 0)
            return 1;
        m.peer = w->env->liars[sh_rng_uniform(w->outer->rng, w->env->n_liars)];
        if (m.peer == w->inner.self)
            return 1;              /* naming ourselves is the truth anyway */
        break;
    case GOSSIP_MSG_NEIGHBOR:
        if (m.flag)
            return 1;
        m.flag = true;             /* "my view is empty": may force an eviction */
        break;
    case GOSSIP_MSG_GOSSIP:
    case GOSSIP_MSG_IHAVE:
        /* Censorship, disguised: a PING instead keeps the link looking
         * alive, so the victim's failure detector has nothing to notice
         * (its PONG reaches the instance as a late answer, ignored). */
        memset(&m, 0, sizeof m);
        m.type = GOSSIP_MSG_PING;
        m.nonce = (uint32_t)sh_rng_uniform(w->outer->rng, UINT32_MAX) + 1;
        break;
    default:
        return 1;
    }
    sh_buf_reset(&w->tx);
    return gossip_msg_encode(&m, &w->tx);
}

/* ---- the inner driver ------------------------------------------------------------ */

static int d_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    gbyz *w = ctx;
    if (w->kind != SIM_GBYZ_LIAR || !honest(w, to))
        return sh_drv_send(w->outer, to, msg, len);
    int rc = liar_rewrite(w, msg, len);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return sh_drv_send(w->outer, to, msg, len);
    return sh_drv_send(w->outer, to, w->tx.data, w->tx.len);
}

static int d_timer_set(void *ctx, uint64_t delay_ns, uint64_t tag, sh_timer_id *out)
{
    gbyz *w = ctx;
    return sh_drv_timer_set(w->outer, delay_ns, tag, out);
}

static void d_timer_cancel(void *ctx, sh_timer_id id)
{
    gbyz *w = ctx;
    sh_drv_timer_cancel(w->outer, id);
}

static int d_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    gbyz *w = ctx;
    return sh_drv_deliver(w->outer, kind, data, len);
}

static void d_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    gbyz *w = ctx;
    (void)sh_drv_reject(w->outer, from, code, reason);
}

static uint64_t d_now(void *ctx)
{
    gbyz *w = ctx;
    return sh_drv_now(w->outer);
}

static uint64_t d_wall(void *ctx)
{
    gbyz *w = ctx;
    return sh_drv_wall(w->outer);
}

static void d_charge(void *ctx, uint64_t ns)
{
    gbyz *w = ctx;
    sh_drv_charge(w->outer, ns);
}

static int d_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    gbyz *w = ctx;
    return sh_drv_peer_key(w->outer, peer, out);
}

static const sh_driver_ops inner_ops = {
    .send = d_send,
    .broadcast = NULL,             /* sh_drv_broadcast loops over d_send */
    .timer_set = d_timer_set,
    .timer_cancel = d_timer_cancel,
    .deliver = d_deliver,
    .reject = d_reject,
    .now = d_now,
    .wall = d_wall,
    .charge = d_charge,
    .peer_key = d_peer_key,
};

/* ---- the flooder ------------------------------------------------------------------ */

/* One announcement signed as ourselves with a random (forged) signature,
 * pushed as if it had travelled one hop. */
static int flood_one(gbyz *w, sh_peer_id to)
{
    uint8_t payload[GBYZ_FORGED_MAX];
    uint32_t plen = w->env->payload_bytes < GBYZ_FORGED_MAX ? w->env->payload_bytes
                                                           : GBYZ_FORGED_MAX;
    gossip_ann a;
    memset(&a, 0, sizeof a);
    memcpy(a.origin, w->pk, GOSSIP_PK_BYTES);
    a.seq = ++w->seq;
    a.issued = sh_drv_wall(w->outer) / 1000000000ULL;
    sh_rng_bytes(w->outer->rng, payload, plen);
    a.payload = payload;
    a.payload_len = plen;
    sh_rng_bytes(w->outer->rng, a.sig, sizeof a.sig);
    sh_buf_reset(&w->ann);
    sh_buf_reset(&w->tx);
    int rc = gossip_ann_encode(&a, &w->ann);
    if (rc == 0)
        rc = gossip_encode_push(&w->tx, GOSSIP_KIND_ANNOUNCE, 1, w->ann.data, w->ann.len);
    if (rc == 0)
        rc = sh_drv_send(w->outer, to, w->tx.data, w->tx.len);
    return rc;
}

static int flood_tick(gbyz *w)
{
    sh_peer_id nb[GOSSIP_MAX_ACTIVE];
    size_t k = gossip_active_view(w->g.self, nb, GOSSIP_MAX_ACTIVE);
    if (k > GOSSIP_MAX_ACTIVE)
        k = GOSSIP_MAX_ACTIVE;
    uint32_t n = w->env->n_nodes;
    for (uint32_t i = 0; i < w->env->flood_per_tick; i++) {
        sh_peer_id to;
        if ((i & 1) == 0 && k > 0) {
            to = nb[sh_rng_uniform(w->outer->rng, k)];
        } else {
            to = (sh_peer_id)sh_rng_uniform(w->outer->rng, n - 1);
            if (to >= w->inner.self)
                to++;              /* anyone but ourselves */
        }
        int rc = flood_one(w, to);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- the protocol ------------------------------------------------------------------ */

static int w_start(void *self)
{
    gbyz *w = self;
    int rc = sh_proto_start(&w->g);
    if (rc == 0 && w->kind == SIM_GBYZ_FLOOD && w->env->flood_per_tick > 0) {
        /* a random phase, like the instance's own tick */
        uint64_t first = 1 + sh_rng_uniform(w->outer->rng, w->tick_ns);
        rc = sh_drv_timer_set(w->outer, first, GBYZ_TAG, &w->timer);
    }
    return rc;
}

static int w_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    gbyz *w = self;
    return sh_proto_message(&w->g, from, msg, len);
}

static int w_timer(void *self, sh_timer_id id, uint64_t tag)
{
    gbyz *w = self;
    if (tag != GBYZ_TAG)
        return sh_proto_timer(&w->g, id, tag);
    w->timer = SH_TIMER_NONE;
    int rc = flood_tick(w);
    if (rc == 0)
        rc = sh_drv_timer_set(w->outer, w->tick_ns, GBYZ_TAG, &w->timer);
    return rc;
}

static int w_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    gbyz *w = self;
    return sh_proto_request(&w->g, kind, data, len);
}

static void w_stop(void *self)
{
    gbyz *w = self;
    sh_drv_timer_cancel(w->outer, w->timer);
    w->timer = SH_TIMER_NONE;
    sh_proto_stop(&w->g);
}

static void w_free(void *self)
{
    gbyz *w = self;
    if (w == NULL)
        return;
    sh_proto_free(&w->g);
    sh_buf_free(&w->tx);
    sh_buf_free(&w->ann);
    free(w);
}

static const sh_proto_ops gbyz_ops = {
    .name = "gossip-byzantine",
    .start = w_start,
    .on_message = w_message,
    .on_timer = w_timer,
    .on_request = w_request,
    .stop = w_stop,
    .free = w_free,
};

int sim_gbyz_new(const sim_gbyz_env *env, sim_gbyz_kind kind, const gossip_cfg *cfg,
                 const uint8_t pk[GOSSIP_PK_BYTES], const sh_driver *d, sh_proto *out)
{
    if (env == NULL || cfg == NULL || pk == NULL || d == NULL || out == NULL ||
        (kind != SIM_GBYZ_LIAR && kind != SIM_GBYZ_FLOOD) || env->n_nodes < 2 ||
        (env->n_liars > 0 && env->liars == NULL) || env->byzantine == NULL)
        return SH_ERR_ARG;
    gbyz *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SH_ERR_NOMEM;
    w->env = env;
    w->kind = kind;
    w->outer = d;
    w->inner = *d;
    w->inner.ops = &inner_ops;
    w->inner.ctx = w;
    memcpy(w->pk, pk, GOSSIP_PK_BYTES);
    w->tick_ns = cfg->tick_ns;
    sh_buf_init(&w->tx);
    sh_buf_init(&w->ann);
    int rc = gossip_new(cfg, &w->inner, &w->g);
    if (rc != 0) {
        w_free(w);
        return rc;
    }
    out->ops = &gbyz_ops;
    out->self = w;
    return 0;
}

size_t sim_gbyz_active_view(const void *self, sh_peer_id *out, size_t cap)
{
    const gbyz *w = self;
    return gossip_active_view(w->g.self, out, cap);
}
