/* tests/helpers/dkg_harness.c -- see dkg_harness.h. */
#include "helpers/dkg_harness.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sodium.h>

uint64_t dkg_h_bit(uint32_t i)
{
    return (uint64_t)1 << i;
}

/* ---- the driver wrapper: everything goes to the loop, except peer keys --- */

static int w_send(void *ctx, sh_peer_id to, const uint8_t *msg, size_t len)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->send(w->inner->ctx, to, msg, len);
}

static int w_broadcast(void *ctx, const uint8_t *msg, size_t len)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->broadcast(w->inner->ctx, msg, len);
}

static int w_timer_set(void *ctx, uint64_t delay, uint64_t tag, sh_timer_id *out)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->timer_set(w->inner->ctx, delay, tag, out);
}

static void w_timer_cancel(void *ctx, sh_timer_id id)
{
    const dkg_h_wrap *w = ctx;
    w->inner->ops->timer_cancel(w->inner->ctx, id);
}

static int w_deliver(void *ctx, uint32_t kind, const uint8_t *data, size_t len)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->deliver(w->inner->ctx, kind, data, len);
}

static void w_reject(void *ctx, sh_peer_id from, int code, const char *reason)
{
    const dkg_h_wrap *w = ctx;
    w->inner->ops->reject(w->inner->ctx, from, code, reason);
}

static uint64_t w_now(void *ctx)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->now(w->inner->ctx);
}

static uint64_t w_wall(void *ctx)
{
    const dkg_h_wrap *w = ctx;
    return w->inner->ops->wall(w->inner->ctx);
}

static void w_charge(void *ctx, uint64_t ns)
{
    const dkg_h_wrap *w = ctx;
    w->inner->ops->charge(w->inner->ctx, ns);
}

static int w_peer_key(void *ctx, sh_peer_id peer, uint8_t out[SH_PEER_KEY_BYTES])
{
    const dkg_h_wrap *w = ctx;
    if (peer >= w->h->n)
        return SH_ERR_ARG;
    memcpy(out, w->h->pk[peer], 32);
    return 0;
}

static const sh_driver_ops wrap_ops = {
    .send = w_send,
    .broadcast = w_broadcast,
    .timer_set = w_timer_set,
    .timer_cancel = w_timer_cancel,
    .deliver = w_deliver,
    .reject = w_reject,
    .now = w_now,
    .wall = w_wall,
    .charge = w_charge,
    .peer_key = w_peer_key,
};

static int factory(void *arg, uint32_t node, const sh_driver *drv, sh_proto *out)
{
    dkg_h *h = arg;
    dkg_h_wrap *w = &h->wrap[node];
    w->inner = drv;
    w->h = h;
    w->d = *drv;
    w->d.ops = &wrap_ops;
    w->d.ctx = w;
    mpc_dkg_cfg c = h->cfg;
    c.identity_sk = h->sk[node];
    c.old_share = h->old_share[node];
    c.faults = h->faulty[node] ? &h->faults[node] : NULL;
    return mpc_dkg_new(&c, &w->d, out);
}

void dkg_h_init(dkg_h *h, mpc_group_id gid, uint32_t n, uint32_t t, uint8_t seed_byte)
{
    cr_assert(sodium_init() >= 0);
    cr_assert_leq(n, DKG_H_MAX);
    memset(h, 0, sizeof *h);
    uint8_t seed[32];
    memset(seed, seed_byte, sizeof seed);
    sh_rng *r = sh_rng_chacha_new(seed);
    h->g = mpc_group_new(gid, r);
    sh_rng_free(r);
    cr_assert_not_null(h->g);
    h->n = n;
    h->cfg.group = h->g;
    h->cfg.mode = MPC_DKG_FRESH;
    memset(h->cfg.sid, 0x5a, sizeof h->cfg.sid);
    h->cfg.sid[0] = seed_byte;
    h->cfg.n_holders = n;
    h->cfg.t = t;
    h->cfg.round_ns = 50000000;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t s[32];
        sh_rng_derive_seed(s, seed, "identity", i);
        crypto_sign_seed_keypair(h->pk[i], h->sk[i], s);
        mpc_dkg_faults_none(&h->faults[i]);
    }
    h->lcfg.n_nodes = n;
    memcpy(h->lcfg.seed, seed, sizeof seed);
    h->lcfg.latency_ns = 1000000;
    h->lcfg.log_level = SH_LOG_INFO;
    h->lcfg.keep_trace = 1;
}

void dkg_h_start(dkg_h *h)
{
    h->lcfg.n_nodes = h->n;
    h->lcfg.factory = factory;
    h->lcfg.factory_arg = h;
    cr_assert_eq(sim_loop_new(&h->lcfg, &h->l), 0);
}

void dkg_h_run(dkg_h *h)
{
    if (h->l == NULL)
        dkg_h_start(h);
    cr_assert_eq(sim_loop_run(h->l, UINT64_MAX, 50000000), 0);
    cr_assert_eq(sim_loop_pending(h->l), 0);
}

void dkg_h_free(dkg_h *h)
{
    sim_loop_free(h->l);
    h->l = NULL;
    mpc_group_free(h->g);
    sodium_memzero(h->share, sizeof h->share);
}

mpc_dkg *dkg_h_node(const dkg_h *h, uint32_t i)
{
    return sim_loop_proto(h->l, i);
}

static int in_committee(const dkg_h *h, uint32_t p)
{
    const mpc_dkg_cfg *c = &h->cfg;
    for (uint32_t j = 0; j < c->n_holders; j++)
        if ((c->holders ? c->holders[j] : j) == p)
            return 1;
    for (uint32_t j = 0; j < c->n_dealers; j++)
        if ((c->dealers ? c->dealers[j] : j) == p)
            return 1;
    return 0;
}

mpc_dkg_reason dkg_h_reason(const dkg_h *h, uint32_t node, uint32_t p)
{
    mpc_dkg *k = dkg_h_node(h, node);
    for (size_t r = 0; r < mpc_dkg_blame_count(k); r++) {
        sh_peer_id q;
        mpc_dkg_reason why;
        cr_assert_eq(mpc_dkg_blame_get(k, r, &q, &why), 0);
        if (q == p)
            return why;
    }
    return 0;
}

static int is_holder(const dkg_h *h, uint32_t p)
{
    const mpc_dkg_cfg *c = &h->cfg;
    for (uint32_t j = 0; j < c->n_holders; j++)
        if ((c->holders ? c->holders[j] : j) == p)
            return 1;
    return 0;
}

void dkg_h_check_done(dkg_h *h, uint64_t bad_dealers, uint64_t bad_peers, mpc_elem *Y)
{
    uint32_t nd = h->cfg.mode == MPC_DKG_RESHARE ? h->cfg.n_dealers : h->cfg.n_holders;
    int first = 1;
    uint8_t out0[32];
    mpc_elem Y0;
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->faulty[i] || !in_committee(h, i))
            continue;
        mpc_dkg *k = dkg_h_node(h, i);
        cr_assert_not_null(k);
        cr_assert_eq(mpc_dkg_get_state(k), MPC_DKG_DONE, "node %u not done (state %d)", i,
                     mpc_dkg_get_state(k));
        mpc_elem Yi;
        uint8_t oi[32];
        uint32_t q[DKG_H_MAX];
        cr_assert_eq(mpc_dkg_group_key(k, &Yi), 0);
        cr_assert_eq(mpc_dkg_outcome_hash(k, oi), 0);
        size_t nq = mpc_dkg_qualified(k, q, DKG_H_MAX);
        uint64_t qset = 0;
        for (size_t r = 0; r < nq; r++)
            qset |= dkg_h_bit(q[r]);
        uint64_t all = nd == 64 ? ~(uint64_t)0 : dkg_h_bit(nd) - 1;
        cr_assert_eq(qset, all & ~bad_dealers, "node %u: qualified %llx, expected %llx", i,
                     (unsigned long long)qset, (unsigned long long)(all & ~bad_dealers));
        uint64_t bset = 0;
        for (size_t r = 0; r < mpc_dkg_blame_count(k); r++) {
            sh_peer_id p;
            mpc_dkg_reason why;
            cr_assert_eq(mpc_dkg_blame_get(k, r, &p, &why), 0);
            bset |= dkg_h_bit(p);
        }
        cr_assert_eq(bset, bad_peers, "node %u: blamed %llx, expected %llx", i,
                     (unsigned long long)bset, (unsigned long long)bad_peers);
        if (first) {
            Y0 = Yi;
            memcpy(out0, oi, 32);
            first = 0;
        } else {
            cr_assert(mpc_elem_eq(h->g, &Yi, &Y0), "node %u: another group key", i);
            cr_assert(memcmp(oi, out0, 32) == 0, "node %u: another outcome", i);
        }
        if (is_holder(h, i)) {
            cr_assert_eq(mpc_dkg_share_export(k, &h->share[i]), 0);
            h->has_share[i] = 1;
            cr_assert_eq(mpc_dkg_share_export(k, &h->share[i]), SH_ERR_STATE, "export once");
            /* and it matches the verification share */
            uint32_t j = 0;
            while ((h->cfg.holders ? h->cfg.holders[j] : j) != i)
                j++;
            mpc_elem vs, sB;
            cr_assert_eq(mpc_dkg_verification_share(k, j, &vs), 0);
            mpc_elem_mul_base(h->g, &sB, &h->share[i]);
            cr_assert(mpc_elem_eq(h->g, &vs, &sB));
        }
    }
    cr_assert(!first, "no honest node");
    if (Y != NULL)
        *Y = Y0;
}

void dkg_h_check_combine(const dkg_h *h, const uint32_t *holders, size_t k,
                         const mpc_elem *Y, int expect_equal)
{
    mpc_scalar ids[DKG_H_MAX], sh[DKG_H_MAX], secret;
    for (size_t r = 0; r < k; r++) {
        uint32_t p = holders[r], j = 0;
        cr_assert(h->has_share[p], "no share for peer %u", p);
        while ((h->cfg.holders ? h->cfg.holders[j] : j) != p)
            j++;
        mpc_scalar_from_u64(h->g, &ids[r], (uint64_t)j + 1);
        sh[r] = h->share[p];
    }
    cr_assert_eq(mpc_shamir_combine(h->g, &secret, ids, sh, k), 0);
    mpc_elem S;
    mpc_elem_mul_base(h->g, &S, &secret);
    cr_assert_eq(mpc_elem_eq(h->g, &S, Y), expect_equal);
    mpc_scalar_wipe(&secret);
}

void dkg_h_check_healthy(const dkg_h *h)
{
    for (uint32_t i = 0; i < h->n; i++) {
        if (h->faulty[i])
            continue;
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(h->l, i, &st), 0);
        cr_assert_eq(st.handler_errors, 0, "node %u: handler error %d", i,
                     st.last_handler_error);
        cr_assert_eq(st.misuse, 0, "node %u misused its driver", i);
    }
}
