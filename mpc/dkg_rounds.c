/* mpc/dkg_rounds.c -- rounds 3 and 4 of the DKG: checking the shares
 * received (one batched MSM) and building the VIEW with its claims, the
 * complete check of received VIEWs and ANSWERs, and building an ANSWER.
 * docs/dkg.md, "Round 3" and "Round 4". */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "zk/dblenc.h"

int dkg_is_holder(const mpc_dkg *k, sh_peer_id p)
{
    return p < k->n_peers && k->holder_of[p] != UINT32_MAX;
}

int dkg_is_dealer(const mpc_dkg *k, sh_peer_id p)
{
    return p < k->n_peers && k->dealer_of[p] != UINT32_MAX;
}

int dkg_is_member(const mpc_dkg *k, sh_peer_id p)
{
    return dkg_is_holder(k, p) || dkg_is_dealer(k, p);
}

int dkg_pair_ok(const mpc_dkg *k, sh_peer_id p, const uint8_t *h, const uint8_t *sig)
{
    const dkg_peer *q = &k->peer[p];
    /* r1_alt is checked on receipt, r1_echo only once it has been needed */
    const mpc_dkg_echo *known[2] = { q->r1_sig == 1 ? &q->r1_echo : NULL, &q->r1_alt };
    for (int i = 0; i < 2; i++)
        if (known[i] != NULL && known[i]->present &&
            memcmp(known[i]->h, h, MPC_DKG_HASH_BYTES) == 0 &&
            memcmp(known[i]->sig, sig, MPC_DKG_SIG_BYTES) == 0)
            return 0;
    return mpc_dkg_sig_verify(k->pk[p], k->sid, MPC_DKG_MSG_DEAL, h, sig);
}

int dkg_deal_signed(mpc_dkg *k, sh_peer_id p)
{
    dkg_peer *q = &k->peer[p];
    if (q->r1 == NULL)
        return 0;
    if (q->r1_sig == 0)
        q->r1_sig = mpc_dkg_sig_verify(k->pk[p], k->sid, MPC_DKG_MSG_DEAL, q->r1_echo.h,
                                       q->r1_echo.sig) == 0 ? 1 : -1;
    return q->r1_sig == 1;
}

/* X(E_q) for p and every other peer whose valid DEAL we hold, together
 * (zk_points_x25519_u: one inversion): a dealer needs them all at once in
 * round 2, a holder in round 3. */
static int pair_u_fill(mpc_dkg *k, sh_peer_id p)
{
    sh_peer_id *who = malloc((size_t)k->n_peers * sizeof *who);
    zk_point *E = zk_points_alloc(k->n_peers);
    uint8_t (*u)[32] = malloc((size_t)k->n_peers * sizeof *u);
    int rc = who == NULL || E == NULL || u == NULL ? SH_ERR_NOMEM : 0;
    size_t n = 0;
    for (sh_peer_id q = 0; q < k->n_peers && rc == 0; q++)
        if (q == p || (!k->pair_u_ok[q] && q != k->d->self && k->peer[q].E != NULL &&
                       dkg_r1_usable(&k->peer[q]))) {
            E[n] = k->peer[q].E->p;
            who[n++] = q;
        }
    if (rc == 0)
        zk_points_x25519_u(u[0], E, n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        memcpy(k->pair_u[who[i]], u[i], 32);
        k->pair_u_ok[who[i]] = 1;
    }
    free(who);
    zk_points_free(E, k->n_peers);
    free(u);
    return rc;
}

int dkg_pair_key(mpc_dkg *k, sh_peer_id p, const uint8_t **key)
{
    if (!k->pair_key_ok[p]) {
        int rc;
        if (k->peer[p].E == NULL)
            return SH_ERR_INTERNAL;             /* no DEAL: no key to pair with */
        if (!k->pair_u_ok[p] && (rc = pair_u_fill(k, p)) != 0)
            return rc;
        rc = crypto_scalarmult(k->pair_key[p], k->sec->x25519, k->pair_u[p]);
        /* X25519 refuses only an all-zero result, which for our key means
         * a small-order X(E_p): a fact about the public E_p. */
        sh_ct_declassify(&rc, sizeof rc);
        if (rc != 0)
            return SH_ERR_INTERNAL;             /* X(E_p) of small order: impossible */
        k->pair_key_ok[p] = 1;
    }
    *key = k->pair_key[p];
    return 0;
}

void dkg_pair_keys_wipe(mpc_dkg *k)
{
    sodium_memzero(k->pair_key, (size_t)k->n_peers * sizeof *k->pair_key);
    memset(k->pair_key_ok, 0, k->n_peers);
}

/* ---- round 3: our view ---------------------------------------------------- */

enum { SH_NONE = 0, SH_MISSING, SH_BAD, SH_EQUIV, SH_CAND };

/* Decrypt and decode the share dealer i sent us: SH_CAND with *s set,
 * SH_MISSING, SH_EQUIV or SH_BAD. */
static int open_share(mpc_dkg *k, uint32_t i, mpc_scalar *s)
{
    const dkg_peer *q = &k->peer[k->dealer_peer[i]];
    sh_peer_id D = k->dealer_peer[i];
    if (q->r2 == NULL)
        return SH_MISSING;
    /* A SHARE naming another DEAL than ours is an equivocation if D signed
     * that one (a pair that is not signed would make our claim, and so our
     * VIEW, invalid: then the share is as good as missing).  One naming
     * ours needs no check until we complain about it. */
    if (memcmp(q->r2m.deal.h, q->r1_echo.h, MPC_DKG_HASH_BYTES) != 0)
        return dkg_pair_ok(k, D, q->r2m.deal.h, q->r2m.deal.sig) == 0 ? SH_EQUIV : SH_MISSING;
    /* encrypted to a key that is not ours: unusable, so we claim it */
    if (memcmp(q->r2m.E_to, k->E_self->enc, 32) != 0)
        return SH_MISSING;
    uint8_t b[MPC_SCALAR_BYTES];
    const uint8_t *K;
    if (dkg_pair_key(k, D, &K) != 0)
        return SH_MISSING;
    int st = SH_BAD;
    if (dkg_share_open(k, b, q->r2m.ct, K, D, k->d->self, q->E->enc,
                       k->E_self->enc) == 0) {
        int rc = mpc_scalar_decode(k->g, s, b);
        /* public: a share that is no canonical scalar is complained about */
        sh_ct_declassify(&rc, sizeof rc);
        if (rc == 0)
            st = SH_CAND;
    }
    sodium_memzero(b, sizeof b);
    return st;
}

/* Drop the share of dealer i decrypted in round 2: the DEAL it was checked
 * against counts as never received, so the share D reveals in round 4
 * (we are its claimant) is the one to use. */
static void forget_share(mpc_dkg *k, uint32_t i)
{
    if (k->got_ok[i]) {
        mpc_scalar_wipe(&k->got[i]);
        k->got_ok[i] = 0;
    }
}

/* The complaint about dealer i's share. */
static void make_complaint(mpc_dkg *k, mpc_dkg_claim *c, uint32_t i)
{
    sh_peer_id D = k->dealer_peer[i];
    const dkg_peer *q = &k->peer[D];
    /* K = e E_D as a ristretto255 point, for the claim and its proof (the
     * share key came from X25519; the judge derives it again from K) */
    zk_point Kp;
    zk_elem Kel;
    zk_point_mul(&Kp, &q->E->p, &k->sec->e);
    zk_elem_set(&Kel, &Kp);
    c->kind = MPC_DKG_CLAIM_BAD_SHARE;
    c->dealer = i;
    c->r1 = q->r1;
    c->r1_len = q->r1_len;
    c->r2 = q->r2;
    c->r2_len = q->r2_len;
    memcpy(c->K, Kel.enc, sizeof c->K);
    dkg_complaint_prove(k, c->dleq, D, k->d->self, q->E, k->E_self, &Kel, &k->sec->e);
}

/* The proofs of possession still pending (r1_state 2) as the terms of
 * their batch (dkg_pop_batch_terms): *nx terms in *xs, *xp (allocated;
 * none if no proof is pending) and B's coefficient *xb.  SH_ERR_VERIFY if
 * one is malformed. */
static int pending_pop_terms(mpc_dkg *k, mpc_scalar **xs, mpc_elem **xp, size_t *nx,
                             mpc_scalar *xb)
{
    *xs = NULL;
    *xp = NULL;
    *nx = 0;
    dkg_pending_pops pp;
    int rc = dkg_pending_pops_get(k, &pp);
    if (rc != 0 || pp.n == 0) {
        dkg_pending_pops_free(&pp);
        return rc;
    }
    const size_t n = pp.n;
    *xs = mpc_scalars_alloc(2 * n);
    *xp = mpc_elems_alloc(2 * n);
    if (*xs == NULL || *xp == NULL)
        rc = SH_ERR_NOMEM;
    else
        rc = dkg_pop_batch_terms(k, pp.pop, pp.who, pp.C0, pp.c0, pp.rhint, n, *xs, *xp, xb);
    dkg_pending_pops_free(&pp);
    if (rc == 0) {
        *nx = 2 * n;
    } else {
        mpc_scalars_free(*xs, 2 * n);
        mpc_elems_free(*xp, 2 * n);
        *xs = NULL;
        *xp = NULL;
    }
    return rc;
}

/* Verify the candidate shares (st[i] == SH_CAND) and settle the pending
 * proofs of possession, all with one MSM: the proofs' batched equation
 * joins the shares' (mpc_feldman_verify_batch_with), which in an honest
 * run saves the doublings of a second MSM.  Only if that check fails are
 * the proofs checked apart (dkg_check_pops: a failing DEAL becomes
 * invalid, and its share is dropped, as if never decrypted) and the
 * remaining shares batched again, each checked alone if that fails too;
 * the bad ones are marked SH_BAD. */
static int verify_candidates(mpc_dkg *k, uint8_t *st, mpc_scalar *cand)
{
    uint32_t m = 0;
    const uint32_t nd = k->n_dealers ? k->n_dealers : 1;
    const mpc_elem **C = calloc(nd, sizeof *C);
    uint32_t *idx = calloc(nd, sizeof *idx);
    mpc_scalar *sh = mpc_scalars_alloc(nd);
    mpc_scalar *xs = NULL;
    mpc_elem *xp = NULL;
    size_t nx = 0;
    int rc = 0;
    if (C == NULL || idx == NULL || sh == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < k->n_dealers; i++)
        if (st[i] == SH_CAND) {
            C[m] = k->peer[k->dealer_peer[i]].C;
            sh[m] = cand[i];
            idx[m++] = i;
        }
    mpc_scalar x;
    mpc_scalar_from_u64(k->g, &x, (uint64_t)k->holder_of[k->d->self] + 1);
    mpc_scalar xb;
    rc = pending_pop_terms(k, &xs, &xp, &nx, &xb);
    if (rc == 0)
        rc = mpc_feldman_verify_batch_with(k->g, C, k->t, m, &x, sh, k->d->rng, xs, xp, nx,
                                           nx > 0 ? &xb : NULL);
    if (rc == 0) {
        for (sh_peer_id p = 0; p < k->n_peers; p++)
            if (k->peer[p].r1_state == 2)
                k->peer[p].r1_state = 1;
        goto done;
    }
    if (rc != SH_ERR_VERIFY)
        goto done;
    /* Someone cheated: the proofs apart, then the shares of the DEALs
     * that stay valid. */
    k->joint_fallbacks++;
    if ((rc = dkg_check_pops(k)) != 0)
        goto done;
    /* A DEAL whose proof failed is invalid as if checked on receipt: no
     * share of it counts, and no claim but BAD_DEAL is made about it (a
     * MISSING or BAD_SHARE claim would send everyone to round 4, or publish
     * a pairwise key, for a dealer excluded anyway). */
    for (uint32_t i = 0; i < k->n_dealers; i++)
        if (k->peer[k->dealer_peer[i]].r1_state == -1)
            st[i] = SH_NONE;
    uint32_t kept = 0;
    for (uint32_t j = 0; j < m; j++) {
        if (k->peer[k->dealer_peer[idx[j]]].r1_state != 1)
            continue;
        C[kept] = C[j];
        sh[kept] = sh[j];
        idx[kept++] = idx[j];
    }
    m = kept;
    rc = mpc_feldman_verify_batch(k->g, C, k->t, m, &x, sh, k->d->rng, NULL);
    if (rc == SH_ERR_VERIFY) {
        rc = 0;
        for (uint32_t j = 0; j < m && rc == 0; j++) {
            int r1 = mpc_feldman_verify(k->g, C[j], k->t, &x, &sh[j]);
            if (r1 == SH_ERR_VERIFY)
                st[idx[j]] = SH_BAD;
            else
                rc = r1;
        }
    }
done:
    free(C);
    free(idx);
    mpc_scalars_free(sh, nd);
    mpc_scalars_free(xs, nx);
    mpc_elems_free(xp, nx);
    return rc;
}

int dkg_build_view(mpc_dkg *k, uint8_t **out, size_t *len)
{
    const uint32_t nd = k->n_dealers;
    const int holder = dkg_is_holder(k, k->d->self);
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_VIEW;
    m.n_view = nd;
    m.view = calloc(nd ? nd : 1, sizeof *m.view);
    m.claims = calloc(nd ? 4 * (size_t)nd : 1, sizeof *m.claims);
    uint8_t *st = calloc(nd ? nd : 1, 1);
    mpc_scalar *cand = mpc_scalars_alloc(nd ? nd : 1);
    int rc = 0;
    if (m.view == NULL || m.claims == NULL || st == NULL || cand == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < nd; i++) {
        sh_peer_id D = k->dealer_peer[i];
        const dkg_peer *q = &k->peer[D];
        if (holder && D != k->d->self && dkg_r1_usable(q))
            st[i] = (uint8_t)open_share(k, i, &cand[i]);
    }
    if ((rc = holder ? verify_candidates(k, st, cand) : dkg_check_pops(k)) != 0)
        goto done;
    for (uint32_t i = 0; i < nd; i++) {
        if (st[i] == SH_CAND) {
            k->got[i] = cand[i];
            k->got_ok[i] = 1;
            if (k->dealer_peer[i] == k->faults.false_complaint_against)
                st[i] = SH_BAD;
        }
    }
    for (uint32_t i = 0; i < nd; i++) {
        sh_peer_id D = k->dealer_peer[i];
        const dkg_peer *q = &k->peer[D];
        if (q->r1 == NULL)
            continue;
        /* A claim about D makes D's DEAL (and its signature) evidence: it
         * is checked now, and a DEAL that D did not sign counts as never
         * received (a nil echo: D reveals our share in round 4).  Without
         * a claim the pair is echoed unchecked (docs/dkg.md). */
        int claims = st[i] == SH_BAD || st[i] == SH_EQUIV || q->r1_state == -1 ||
                     q->r1_alt.present;
        if ((claims || q->r1_sig != 0) && !dkg_deal_signed(k, D)) {
            st[i] = SH_NONE;
            forget_share(k, i);
            continue;
        }
        m.view[i] = q->r1_echo;
        if (D == k->faults.fake_echo_for) {
            sh_rng_bytes(k->d->rng, m.view[i].h, sizeof m.view[i].h);
            sh_rng_bytes(k->d->rng, m.view[i].sig, sizeof m.view[i].sig);
        }
        /* A complaint embeds the SHARE as evidence: its signature (not
         * checked on receipt) and the DEAL pair it names must hold, or the
         * share counts as missing. */
        if (st[i] == SH_BAD &&
            (mpc_dkg_sig_verify(k->pk[D], k->sid, MPC_DKG_MSG_SHARE, q->r2m.root, q->r2m.sig) != 0 ||
             dkg_pair_ok(k, D, q->r2m.deal.h, q->r2m.deal.sig) != 0))
            st[i] = SH_MISSING;
        mpc_dkg_claim *c = &m.claims[m.n_claims];
        if (st[i] == SH_MISSING) {
            c->kind = MPC_DKG_CLAIM_MISSING;
            c->dealer = i;
            c = &m.claims[++m.n_claims];
        }
        if (st[i] == SH_BAD) {
            make_complaint(k, c, i);
            c = &m.claims[++m.n_claims];
        }
        if (q->r1_state == -1) {
            c->kind = MPC_DKG_CLAIM_BAD_DEAL;
            c->dealer = i;
            c->r1 = q->r1;
            c->r1_len = q->r1_len;
            c = &m.claims[++m.n_claims];
        }
        if (q->r1_alt.present || st[i] == SH_EQUIV) {
            c->kind = MPC_DKG_CLAIM_EQUIVOCATION;
            c->dealer = i;
            c->other = q->r1_alt.present ? q->r1_alt : q->r2m.deal;
            m.n_claims++;
        }
    }
    rc = dkg_encode_own(k, &m, out, len);
done:
    free(m.view);
    free(m.claims);
    free(st);
    mpc_scalars_free(cand, nd ? nd : 1);
    return rc;
}

/* ---- end of round 3: the echoes ------------------------------------------------ */

/* Whether dealer i's echo entries must be checked: it has claimants, a
 * claim names it, or the entries name more than one DEAL hash.  Otherwise
 * every member that echoed i holds the same DEAL, and its signature can
 * never become evidence about i (an ANSWER would be needed for that, and
 * an honest dealer without claimants sends none). */
static int echoes_matter(const mpc_dkg *k, uint32_t i, uint8_t *claim)
{
    if (dkg_claimants(k, i, claim) > 0)
        return 1;
    const uint8_t *h0 = NULL;
    for (sh_peer_id p = 0; p < k->n_peers; p++) {
        const dkg_peer *q = &k->peer[p];
        if (q->r3 == NULL)
            continue;
        const mpc_dkg_msg *v = &q->r3m;
        for (uint32_t j = 0; j < v->n_claims; j++)
            if (v->claims[j].dealer == i)
                return 1;
        if (!v->view[i].present)
            continue;
        if (h0 == NULL)
            h0 = v->view[i].h;
        else if (memcmp(h0, v->view[i].h, MPC_DKG_HASH_BYTES) != 0)
            return 1;
    }
    return 0;
}

int dkg_settle_echoes(mpc_dkg *k)
{
    uint8_t *claim = calloc(k->n_peers, 1);
    int8_t *res = calloc(k->n_peers, 1);     /* per VIEW: 1 valid, -1 not */
    if (claim == NULL || res == NULL) {
        free(claim);
        free(res);
        return SH_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < k->n_dealers; i++) {
        if (!echoes_matter(k, i, claim))
            continue;
        sh_peer_id D = k->dealer_peer[i];
        memset(res, 0, k->n_peers);
        for (sh_peer_id p = 0; p < k->n_peers; p++) {
            dkg_peer *q = &k->peer[p];
            if (q->r3 == NULL || !q->r3m.view[i].present)
                continue;
            const mpc_dkg_echo *e = &q->r3m.view[i];
            /* the same pair in an earlier VIEW: its verdict (honest members
             * all echo the dealer's one pair, checked once) */
            for (sh_peer_id r = 0; r < p && res[p] == 0; r++)
                if (res[r] != 0 &&
                    memcmp(k->peer[r].r3m.view[i].h, e->h, MPC_DKG_HASH_BYTES) == 0 &&
                    memcmp(k->peer[r].r3m.view[i].sig, e->sig, MPC_DKG_SIG_BYTES) == 0)
                    res[p] = res[r];
            if (res[p] == 0) {
                const dkg_peer *dq = &k->peer[D];
                if (dq->r1 != NULL &&
                    memcmp(dq->r1_echo.h, e->h, MPC_DKG_HASH_BYTES) == 0 &&
                    memcmp(dq->r1_echo.sig, e->sig, MPC_DKG_SIG_BYTES) == 0)
                    res[p] = dkg_deal_signed(k, D) ? 1 : -1;   /* ours: remembered */
                else
                    res[p] = dkg_pair_ok(k, D, e->h, e->sig) == 0 ? 1 : -1;
            }
            if (res[p] == 1)
                continue;
            /* as if nil: p becomes D's claimant */
            q->r3m.view[i].present = 0;
            if (p == k->d->self)
                forget_share(k, i);
        }
    }
    free(claim);
    free(res);
    return 0;
}

/* ---- checking received views and answers ------------------------------------ */

static int check_claim(const mpc_dkg *k, sh_peer_id from, const mpc_dkg_claim *c)
{
    sh_peer_id D = k->dealer_peer[c->dealer];
    mpc_dkg_msg e;
    int rc;
    switch (c->kind) {
    case MPC_DKG_CLAIM_MISSING:
        return dkg_is_holder(k, from) && D != from ? 0 : SH_ERR_FORMAT;
    case MPC_DKG_CLAIM_BAD_SHARE: {
        if (!dkg_is_holder(k, from) || D == from)
            return SH_ERR_FORMAT;
        if ((rc = dkg_embedded_decode(k, &e, c->r1, c->r1_len, MPC_DKG_MSG_DEAL, D)) != 0)
            return rc;
        mpc_dkg_msg_clear(&e);
        if ((rc = dkg_embedded_decode(k, &e, c->r2, c->r2_len, MPC_DKG_MSG_SHARE, D)) != 0)
            return rc;
        if (e.to != from || (rc = dkg_pair_ok(k, D, e.deal.h, e.deal.sig)) != 0)
            rc = rc != 0 ? rc : SH_ERR_FORMAT;
        mpc_dkg_msg_clear(&e);
        if (rc != 0)
            return rc;
        zk_elem K;
        return zk_elem_decode_nonidentity(&K, c->K);
    }
    case MPC_DKG_CLAIM_BAD_DEAL:
        if ((rc = dkg_embedded_decode(k, &e, c->r1, c->r1_len, MPC_DKG_MSG_DEAL, D)) != 0)
            return rc;
        mpc_dkg_msg_clear(&e);
        return 0;
    default:
        return dkg_pair_ok(k, D, c->other.h, c->other.sig);
    }
}

int dkg_view_check(const mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m)
{
    int rc;
    if (m->n_view != k->n_dealers)
        return SH_ERR_LENGTH;
    /* The echo entries are not checked here: an entry whose signature
     * fails counts as nil, decided from all the VIEWs together
     * (dkg_settle_echoes). */
    for (uint32_t i = 0; i < m->n_claims; i++)
        if ((rc = check_claim(k, from, &m->claims[i])) != 0)
            return rc;
    return 0;
}

int dkg_answer_check(const mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m)
{
    if (!dkg_is_dealer(k, from))
        return SH_ERR_STATE;
    mpc_dkg_msg e;
    int rc = dkg_embedded_decode(k, &e, m->r1, m->r1_len, MPC_DKG_MSG_DEAL, from);
    if (rc == 0)
        mpc_dkg_msg_clear(&e);
    return rc;
}

/* ---- round 4: our answer ---------------------------------------------------- */

int dkg_build_answer(mpc_dkg *k, const uint8_t *claim, uint8_t **out, size_t *len)
{
    const dkg_peer *me = &k->peer[k->d->self];
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_ANSWER;
    m.r1 = me->r1;
    m.r1_len = me->r1_len;
    m.reveal_idx = calloc(k->n_holders, sizeof *m.reveal_idx);
    m.reveal_share = calloc(k->n_holders, 32);
    int rc = 0;
    if (m.reveal_idx == NULL || m.reveal_share == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    mpc_scalar x, s;
    for (uint32_t j = 0; j < k->n_holders; j++) {
        if (!claim[k->holder_peer[j]])
            continue;
        /* A share the protocol makes public: the claimant said it has none. */
        mpc_scalar_from_u64(k->g, &x, (uint64_t)j + 1);
        mpc_poly_eval(k->g, &s, k->poly, k->t, &x);
        m.reveal_idx[m.n_reveal] = j;
        mpc_scalar_encode(k->g, m.reveal_share + 32 * (size_t)m.n_reveal, &s);
        m.n_reveal++;
    }
    mpc_scalar_wipe(&s);
    rc = dkg_encode_own(k, &m, out, len);
done:
    free(m.reveal_idx);
    if (m.reveal_share != NULL) {
        sodium_memzero(m.reveal_share, (size_t)k->n_holders * 32);
        free(m.reveal_share);
    }
    return rc;
}
