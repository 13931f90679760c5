/* mpc/dkg_setup.c -- creating and freeing a DKG instance, and the
 * accessors of its outcome (mpc/dkg.h). */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* out[i] = list[i] (or i when list is NULL); map[peer] = index.  SH_ERR_ARG
 * unless the list is a set of distinct peers below n_peers. */
static int build_map(sh_peer_id *out, uint32_t *map, const sh_peer_id *list, uint32_t n,
                     uint32_t n_peers)
{
    if (list == NULL && n != n_peers)
        return SH_ERR_ARG;
    for (uint32_t i = 0; i < n; i++) {
        sh_peer_id p = list != NULL ? list[i] : i;
        if (p >= n_peers || map[p] != UINT32_MAX)
            return SH_ERR_ARG;
        out[i] = p;
        map[p] = i;
    }
    return 0;
}

/* 0 if share*B equals the old verification key at identifier id. */
static int check_old_share(const mpc_dkg *k, const mpc_elem *C, uint32_t t, uint32_t id,
                           const mpc_scalar *share)
{
    mpc_scalar x;
    mpc_scalar_from_u64(k->g, &x, id);
    int rc = mpc_feldman_verify(k->g, C, t, &x, share);
    return rc == SH_ERR_VERIFY ? SH_ERR_ARG : rc;
}

static int setup(mpc_dkg *k, const mpc_dkg_cfg *cfg, sh_peer_id self)
{
    const uint32_t np = k->n_peers;
    int rc;
    k->pk = calloc(np, sizeof *k->pk);
    k->dealer_of = malloc(np * sizeof *k->dealer_of);
    k->holder_of = malloc(np * sizeof *k->holder_of);
    k->holder_peer = calloc(k->n_holders, sizeof *k->holder_peer);
    k->dealer_peer = calloc(k->n_dealers, sizeof *k->dealer_peer);
    k->sec = zk_aligned_alloc(1, sizeof *k->sec);
    k->E_self = zk_aligned_alloc(1, sizeof *k->E_self);
    k->pair_key = calloc(np, sizeof *k->pair_key);
    k->pair_key_ok = calloc(np, 1);
    k->pair_u = calloc(np, sizeof *k->pair_u);
    k->pair_u_ok = calloc(np, 1);
    k->got = mpc_scalars_alloc(k->n_dealers);
    k->got_ok = calloc(k->n_dealers, 1);
    k->required = calloc(k->n_dealers, 1);
    k->qual = calloc(k->n_dealers, 1);
    k->peer = calloc(np, sizeof *k->peer);
    k->blame = calloc(np, sizeof *k->blame);
    if (k->pk == NULL || k->dealer_of == NULL || k->holder_of == NULL ||
        k->holder_peer == NULL || k->dealer_peer == NULL || k->sec == NULL ||
        k->E_self == NULL || k->pair_key == NULL || k->pair_key_ok == NULL ||
        k->pair_u == NULL || k->pair_u_ok == NULL ||
        k->got == NULL || k->got_ok == NULL || k->required == NULL ||
        k->qual == NULL || k->peer == NULL || k->blame == NULL)
        return SH_ERR_NOMEM;
    memset(k->sec, 0, sizeof *k->sec);
    /* The identity key sits with the other secrets in this wiped block, not
     * in a sodium_malloc region of its own: guard pages and mlock cost
     * about ten system calls per instance, 5-7% of an honest (5, 3) run. */
    k->sk = k->sec->sk;
    if (cfg->identity_sk != NULL)
        memcpy(k->sk, cfg->identity_sk, MPC_DKG_IDENTITY_SK_BYTES);
    for (uint32_t p = 0; p < np; p++)
        k->dealer_of[p] = k->holder_of[p] = UINT32_MAX;
    if ((rc = build_map(k->holder_peer, k->holder_of, cfg->holders, k->n_holders, np)) != 0)
        return rc;
    if (k->mode == MPC_DKG_RESHARE)
        rc = build_map(k->dealer_peer, k->dealer_of, cfg->dealers, k->n_dealers, np);
    else
        rc = build_map(k->dealer_peer, k->dealer_of, k->holder_peer, k->n_dealers, np);
    if (rc != 0)
        return rc;
    /* self == SH_PEER_NONE: a verifier (mpc_dkg_blame_check), not a party */
    if (self != SH_PEER_NONE && !dkg_is_member(k, self))
        return SH_ERR_ARG;
    if (dkg_is_dealer(k, self)) {
        k->poly = mpc_scalars_alloc(k->t);
        if (k->poly == NULL)
            return SH_ERR_NOMEM;
        if (k->faults.equivocate && (k->poly2 = mpc_scalars_alloc(k->t)) == NULL)
            return SH_ERR_NOMEM;
    }
    if (k->mode == MPC_DKG_FRESH)
        return 0;

    /* REFRESH and RESHARE: the old sharing */
    uint32_t to = k->mode == MPC_DKG_REFRESH ? k->t : k->t_old;
    if (cfg->old_commit == NULL)
        return SH_ERR_ARG;
    k->old_commit = mpc_elems_alloc(to);
    if (k->old_commit == NULL)
        return SH_ERR_NOMEM;
    memcpy(k->old_commit, cfg->old_commit, to * sizeof *k->old_commit);
    /* old holders: the holders in REFRESH, the dealers in RESHARE */
    uint32_t old_idx = self == SH_PEER_NONE ? UINT32_MAX
                     : k->mode == MPC_DKG_REFRESH ? k->holder_of[self] : k->dealer_of[self];
    if (old_idx != UINT32_MAX) {
        if (cfg->old_share == NULL)
            return SH_ERR_ARG;
        k->sec->old_share = *cfg->old_share;
        k->has_old_share = 1;
        if ((rc = check_old_share(k, k->old_commit, to, old_idx + 1, cfg->old_share)) != 0)
            return rc;
    }
    if (k->mode == MPC_DKG_RESHARE) {
        k->Y_old = mpc_elems_alloc(k->n_dealers);
        if (k->Y_old == NULL)
            return SH_ERR_NOMEM;
        for (uint32_t i = 0; i < k->n_dealers; i++) {
            mpc_scalar x;
            mpc_scalar_from_u64(k->g, &x, (uint64_t)i + 1);
            if ((rc = mpc_feldman_eval(k->g, &k->Y_old[i], k->old_commit, k->t_old, &x)) != 0)
                return rc;
        }
    }
    return 0;
}

/* The checks and the construction shared by a party and a verifier. */
static int dkg_create(const mpc_dkg_cfg *cfg, const sh_driver *d, uint32_t n_peers,
                      sh_peer_id self, mpc_dkg **out)
{
    if (cfg == NULL || cfg->group == NULL || n_peers == 0 || n_peers > 2 * MPC_MAX_PARTIES)
        return SH_ERR_ARG;
    if (cfg->mode != MPC_DKG_FRESH && cfg->mode != MPC_DKG_REFRESH &&
        cfg->mode != MPC_DKG_RESHARE)
        return SH_ERR_ARG;
    if (cfg->t < 1 || cfg->t > cfg->n_holders || cfg->n_holders > MPC_MAX_PARTIES)
        return SH_ERR_ARG;
    if (cfg->mode == MPC_DKG_RESHARE
            ? (cfg->t_old < 1 || cfg->t_old > cfg->n_dealers || cfg->n_dealers > MPC_MAX_PARTIES)
            : (cfg->n_dealers != 0 || cfg->dealers != NULL))
        return SH_ERR_ARG;
    if (cfg->erase_quorum > cfg->n_holders)
        return SH_ERR_ARG;

    mpc_dkg *k = calloc(1, sizeof *k);
    if (k == NULL)
        return SH_ERR_NOMEM;
    k->d = d;
    k->g = cfg->group;
    k->mode = cfg->mode;
    memcpy(k->sid, cfg->sid, MPC_DKG_SID_BYTES);
    k->n_peers = n_peers;
    k->n_holders = cfg->n_holders;
    k->t = cfg->t;
    k->n_dealers = cfg->mode == MPC_DKG_RESHARE ? cfg->n_dealers : cfg->n_holders;
    k->t_old = cfg->mode == MPC_DKG_RESHARE ? cfg->t_old : cfg->t;
    k->t_c = cfg->mode == MPC_DKG_REFRESH ? cfg->t - 1 : cfg->t;
    k->eb = mpc_group_elem_bytes(cfg->group);
    k->lim.elem_bytes = k->eb;
    k->lim.hint_bytes = mpc_group_hint_bytes(k->g);
    k->lim.n_peers = k->n_peers;
    k->lim.n_dealers = k->n_dealers;
    k->lim.n_holders = k->n_holders;
    k->lim.max_commit = k->t_c;
    k->round_ns = cfg->round_ns;
    k->rto_ns = cfg->rto_ns ? cfg->rto_ns : (cfg->round_ns / 8 ? cfg->round_ns / 8 : 1);
    k->erase_quorum = cfg->erase_quorum ? cfg->erase_quorum : cfg->n_holders;
    if (cfg->faults != NULL) {
        k->faults = *cfg->faults;
        k->faulty = 1;
    } else {
        mpc_dkg_faults_none(&k->faults);
    }
    int rc = setup(k, cfg, self);
    if (rc != 0) {
        dkg_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

int mpc_dkg_new(const mpc_dkg_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->ops == NULL || d->rng == NULL ||
        cfg->identity_sk == NULL || d->self >= d->n_peers || cfg->round_ns == 0)
        return SH_ERR_ARG;
    mpc_dkg *k;
    int rc = dkg_create(cfg, d, d->n_peers, d->self, &k);
    if (rc != 0)
        return rc;
    out->ops = &mpc_dkg_ops;
    out->self = k;
    return 0;
}

int dkg_verifier_new(const mpc_dkg_cfg *cfg, uint32_t n_peers, const uint8_t (*keys)[32],
                     mpc_dkg **out)
{
    if (keys == NULL || out == NULL)
        return SH_ERR_ARG;
    int rc = dkg_create(cfg, NULL, n_peers, SH_PEER_NONE, out);
    if (rc == 0)
        memcpy((*out)->pk, keys, (size_t)n_peers * 32);
    return rc;
}

static void peer_clear(mpc_dkg *k, dkg_peer *q)
{
    free(q->r1);
    free(q->r2);
    free(q->r3);
    free(q->r4);
    mpc_dkg_msg_clear(&q->r2m);
    mpc_dkg_msg_clear(&q->r3m);
    mpc_dkg_msg_clear(&q->r4m);
    free(q->E);
    mpc_elems_free(q->C, k->t);
}

void dkg_free(void *self)
{
    mpc_dkg *k = self;
    if (k == NULL)
        return;
    for (uint32_t p = 0; k->peer != NULL && p < k->n_peers; p++)
        peer_clear(k, &k->peer[p]);
    for (uint32_t p = 0; k->blame != NULL && p < k->n_peers; p++)
        dkg_blame_clear(&k->blame[p]);
    for (size_t i = 0; i < k->n_out; i++)
        dkg_blob_release(k->out[i].blob);
    free(k->out);
    free(k->peer);
    free(k->blame);
    if (k->sec != NULL) {
        sodium_memzero(k->sec, sizeof *k->sec);
        free(k->sec);
    }
    mpc_scalars_free(k->poly, k->t);
    mpc_scalars_free(k->poly2, k->t);
    mpc_scalars_free(k->got, k->n_dealers);
    free(k->deal2);
    free(k->E_self);
    if (k->pair_key != NULL) {
        sodium_memzero(k->pair_key, (size_t)k->n_peers * sizeof *k->pair_key);
        free(k->pair_key);
    }
    free(k->pair_key_ok);
    free(k->pair_u);
    free(k->pair_u_ok);
    free(k->got_ok);
    free(k->required);
    free(k->qual);
    free(k->pk);
    free(k->dealer_of);
    free(k->holder_of);
    free(k->dealer_peer);
    free(k->holder_peer);
    mpc_elems_free(k->old_commit, k->mode == MPC_DKG_REFRESH ? k->t : k->t_old);
    mpc_elems_free(k->Y_old, k->n_dealers);
    mpc_elems_free(k->A, k->t);
    free(k->A_enc);
    free(k);
}

/* ---- accessors ---------------------------------------------------------------- */

mpc_dkg_state mpc_dkg_get_state(const mpc_dkg *k)
{
    if (k == NULL)
        return MPC_DKG_RUNNING;
    return k->stage == ST_DONE ? MPC_DKG_DONE
         : k->stage == ST_ABORTED ? MPC_DKG_ABORTED : MPC_DKG_RUNNING;
}

int mpc_dkg_group_key(const mpc_dkg *k, mpc_elem *out)
{
    if (k == NULL || out == NULL)
        return SH_ERR_ARG;
    if (k->stage != ST_DONE)
        return SH_ERR_STATE;
    *out = k->A[0];
    return 0;
}

size_t mpc_dkg_qualified(const mpc_dkg *k, uint32_t *out, size_t cap)
{
    size_t n = 0;
    if (k == NULL || k->stage != ST_DONE)
        return 0;
    for (uint32_t i = 0; i < k->n_dealers; i++) {
        if (!k->qual[i])
            continue;
        if (out != NULL && n < cap)
            out[n] = i;
        n++;
    }
    return n;
}

int mpc_dkg_commitments(const mpc_dkg *k, mpc_elem *out, uint32_t t)
{
    if (k == NULL || out == NULL || t != k->t)
        return SH_ERR_ARG;
    if (k->stage != ST_DONE)
        return SH_ERR_STATE;
    memcpy(out, k->A, t * sizeof *out);
    return 0;
}

int mpc_dkg_verification_share(const mpc_dkg *k, uint32_t holder, mpc_elem *out)
{
    if (k == NULL || out == NULL || holder >= k->n_holders)
        return SH_ERR_ARG;
    if (k->stage != ST_DONE)
        return SH_ERR_STATE;
    /* computed on demand, from the commitments: most callers want a few */
    uint32_t id = holder + 1;
    return mpc_elem_poly_eval_small(k->g, out, k->A, k->t, &id, 1);
}

int mpc_dkg_outcome_hash(const mpc_dkg *k, uint8_t out[32])
{
    if (k == NULL || out == NULL)
        return SH_ERR_ARG;
    if (k->stage != ST_DONE)
        return SH_ERR_STATE;
    memcpy(out, k->outcome, 32);
    return 0;
}

int mpc_dkg_share_export(mpc_dkg *k, mpc_scalar *out)
{
    if (k == NULL || out == NULL)
        return SH_ERR_ARG;
    if (k->stage != ST_DONE || !dkg_is_holder(k, k->d->self) || k->share_exported)
        return SH_ERR_STATE;
    *out = k->sec->share;
    mpc_scalar_wipe(&k->sec->share);
    k->share_exported = 1;
    return 0;
}

int mpc_dkg_old_share_erasable(const mpc_dkg *k)
{
    return k != NULL && k->erasable;
}

size_t mpc_dkg_blame_count(const mpc_dkg *k)
{
    size_t n = 0;
    for (uint32_t p = 0; k != NULL && k->blame != NULL && p < k->n_peers; p++)
        n += k->blame[p].reason != 0;
    return n;
}

int mpc_dkg_blame_get(const mpc_dkg *k, size_t i, sh_peer_id *party, mpc_dkg_reason *reason)
{
    if (k == NULL)
        return SH_ERR_ARG;
    for (uint32_t p = 0; k->blame != NULL && p < k->n_peers; p++) {
        if (k->blame[p].reason == 0)
            continue;
        if (i-- == 0) {
            if (party != NULL)
                *party = p;
            if (reason != NULL)
                *reason = k->blame[p].reason;
            return 0;
        }
    }
    return SH_ERR_RANGE;
}
