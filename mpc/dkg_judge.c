/* mpc/dkg_judge.c -- the decision of the DKG (docs/dkg.md, "Decision"):
 * a deterministic function of the VIEWs and ANSWERs this party holds,
 * giving the qualified set, the blame with its evidence, the aggregate
 * commitments, this party's share and the outcome hash. */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/mp.h"

#define OUTCOME_DOMAIN "shroud-dkg-outcome-v1"

void dkg_blame_clear(dkg_blame *b)
{
    for (uint32_t i = 0; i < b->n_ev; i++)
        free(b->ev[i]);
    memset(b, 0, sizeof *b);
}

/* Blame peer p for `reason` unless it already has a reason of higher
 * precedence (a lower number).  The evidence byte strings are copied. */
static int blame(mpc_dkg *k, sh_peer_id p, mpc_dkg_reason reason, uint32_t n,
                 const uint8_t *const *ev, const size_t *ev_len)
{
    dkg_blame *b = &k->blame[p];
    if (b->reason != 0 && b->reason <= reason)
        return 0;
    dkg_blame_clear(b);
    b->party = p;
    b->reason = reason;
    for (uint32_t i = 0; i < n && i < 4; i++) {
        b->ev[i] = malloc(ev_len[i] ? ev_len[i] : 1);
        if (b->ev[i] == NULL)
            return SH_ERR_NOMEM;
        memcpy(b->ev[i], ev[i], ev_len[i]);
        b->ev_len[i] = ev_len[i];
        b->n_ev = i + 1;
    }
    return 0;
}

static int blame1(mpc_dkg *k, sh_peer_id p, mpc_dkg_reason reason, const uint8_t *ev,
                  size_t len)
{
    return blame(k, p, reason, 1, &ev, &len);
}

uint32_t dkg_claimants(const mpc_dkg *k, uint32_t dealer, uint8_t *claim)
{
    uint32_t n = 0;
    memset(claim, 0, k->n_peers);
    for (sh_peer_id p = 0; p < k->n_peers; p++) {
        const dkg_peer *q = &k->peer[p];
        if (q->r3 == NULL || p == k->dealer_peer[dealer])
            continue;
        int c = !q->r3m.view[dealer].present;
        for (uint32_t j = 0; j < q->r3m.n_claims; j++)
            c |= q->r3m.claims[j].kind == MPC_DKG_CLAIM_MISSING &&
                 q->r3m.claims[j].dealer == dealer;
        if (c) {
            claim[p] = 1;
            n++;
        }
    }
    return n;
}

/* ---- the decision's working state ------------------------------------------ */

typedef struct judge {
    mpc_dkg *k;
    uint8_t *uh;               /* per dealer: 32-byte unique DEAL hash */
    const uint8_t **uh_sig;    /* per dealer: a valid signature of it */
    uint8_t *has_uh;
    const uint8_t **body;      /* per dealer: a DEAL with that hash */
    size_t *body_len;
    uint8_t *body_ok;
    mpc_elem **C;              /* per dealer with a valid body */
    zk_elem *E;                /* per dealer with a valid body */
    uint8_t *claim;            /* per peer, scratch */
} judge;

static void note_body(judge *J, uint32_t i, const uint8_t *p, size_t len, const uint8_t *h)
{
    if (J->body[i] == NULL && J->has_uh[i] && memcmp(h, J->uh + 32 * (size_t)i, 32) == 0) {
        J->body[i] = p;
        J->body_len[i] = len;
    }
}

/* Step A: every signed DEAL hash of dealer i in the common data; two
 * different ones are an equivocation. */
static int pair_seen(judge *J, uint32_t i, const uint8_t *h, const uint8_t *sig)
{
    mpc_dkg *k = J->k;
    uint8_t *uh = J->uh + 32 * (size_t)i;
    if (!J->has_uh[i]) {
        memcpy(uh, h, 32);
        J->uh_sig[i] = sig;
        J->has_uh[i] = 1;
        return 0;
    }
    if (memcmp(uh, h, 32) == 0)
        return 0;
    /* The evidence: both pairs.  Both are validly signed: a pair from a
     * claim or an ANSWER was checked on receipt, and echo entries can only
     * disagree with something about a dealer whose entries mattered, so
     * they were all checked when round 3 ended (dkg_settle_echoes); the
     * unchecked entries of the other dealers all carry one hash, and such
     * a dealer's ANSWER is not taken into account (it has no claimants). */
    const uint8_t *ev[4] = { uh, J->uh_sig[i], h, sig };
    size_t len[4] = { 32, 64, 32, 64 };
    return blame(k, k->dealer_peer[i], MPC_DKG_BLAME_EQUIVOCATION, 4, ev, len);
}

static int collect_pairs(judge *J, uint32_t i)
{
    mpc_dkg *k = J->k;
    sh_peer_id D = k->dealer_peer[i];
    mpc_dkg_msg e;
    int rc = 0;
    for (sh_peer_id p = 0; p < k->n_peers && rc == 0; p++) {
        const dkg_peer *q = &k->peer[p];
        if (q->r3 == NULL)
            continue;
        const mpc_dkg_msg *v = &q->r3m;
        if (v->view[i].present)
            rc = pair_seen(J, i, v->view[i].h, v->view[i].sig);
        for (uint32_t j = 0; j < v->n_claims && rc == 0; j++) {
            const mpc_dkg_claim *c = &v->claims[j];
            if (c->dealer != i)
                continue;
            if (c->kind == MPC_DKG_CLAIM_EQUIVOCATION)
                rc = pair_seen(J, i, c->other.h, c->other.sig);
            if (c->kind == MPC_DKG_CLAIM_BAD_SHARE || c->kind == MPC_DKG_CLAIM_BAD_DEAL) {
                if ((rc = mpc_dkg_msg_decode(&e, c->r1, c->r1_len, &k->lim)) != 0)
                    return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
                rc = pair_seen(J, i, e.h, e.sig);
                mpc_dkg_msg_clear(&e);
            }
            if (rc == 0 && c->kind == MPC_DKG_CLAIM_BAD_SHARE) {
                if ((rc = mpc_dkg_msg_decode(&e, c->r2, c->r2_len, &k->lim)) != 0)
                    return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
                rc = pair_seen(J, i, e.deal.h, e.deal.sig);
                mpc_dkg_msg_clear(&e);
            }
        }
    }
    /* an ANSWER counts only from a dealer with claimants: another one may
     * have reached some members before they decided and others after */
    const dkg_peer *dq = &k->peer[D];
    if (rc == 0 && dq->r4 != NULL && k->required[i]) {
        if ((rc = mpc_dkg_msg_decode(&e, dq->r4m.r1, dq->r4m.r1_len, &k->lim)) != 0)
            return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
        rc = pair_seen(J, i, e.h, e.sig);
        mpc_dkg_msg_clear(&e);
    }
    return rc;
}

/* Step B: the body of each dealer's DEAL, and its check. */
static int find_body(judge *J, uint32_t i)
{
    mpc_dkg *k = J->k;
    const dkg_peer *dq = &k->peer[k->dealer_peer[i]];
    if (!J->has_uh[i])
        return 0;
    /* our own copy, unless it is invalid and not validly signed (as
     * evidence of BAD_DEAL it must be signed; another copy with the same
     * hash, from the ANSWER or a claim, is) */
    if (dq->r1 != NULL && (dq->r1_state == 1 || dkg_deal_signed(k, k->dealer_peer[i])))
        note_body(J, i, dq->r1, dq->r1_len, dq->r1_echo.h);
    uint8_t h[32];
    if (dq->r4 != NULL && k->required[i]) {
        mpc_dkg_hash(h, dq->r4m.r1, dq->r4m.r1_len - MPC_DKG_SIG_TAIL);
        note_body(J, i, dq->r4m.r1, dq->r4m.r1_len, h);
    }
    for (sh_peer_id p = 0; p < k->n_peers && J->body[i] == NULL; p++) {
        const dkg_peer *q = &k->peer[p];
        for (uint32_t j = 0; q->r3 != NULL && j < q->r3m.n_claims; j++) {
            const mpc_dkg_claim *c = &q->r3m.claims[j];
            if (c->dealer == i && c->r1 != NULL) {
                mpc_dkg_hash(h, c->r1, c->r1_len - MPC_DKG_SIG_TAIL);
                note_body(J, i, c->r1, c->r1_len, h);
            }
        }
    }
    if (J->body[i] == NULL)
        return 0;
    J->C[i] = mpc_elems_alloc(k->t);
    if (J->C[i] == NULL)
        return SH_ERR_NOMEM;
    int rc;
    if (J->body[i] == dq->r1 && (dq->r1_state == 1 || dq->r1_state == -1)) {
        /* our own copy, checked on receipt by the same dkg_deal_check */
        rc = dq->r1_state == 1 ? 0 : SH_ERR_VERIFY;
        if (rc == 0) {
            J->E[i] = *dq->E;
            memcpy(J->C[i], dq->C, (size_t)k->t * sizeof *dq->C);
        }
    } else {
        mpc_dkg_msg e;
        if ((rc = mpc_dkg_msg_decode(&e, J->body[i], J->body_len[i], &k->lim)) != 0)
            return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
        rc = dkg_deal_check(k, &e, &J->E[i], J->C[i]);
        mpc_dkg_msg_clear(&e);
    }
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc == 0) {
        J->body_ok[i] = 1;
        return 0;
    }
    return blame1(k, k->dealer_peer[i], MPC_DKG_BLAME_BAD_DEAL, J->body[i], J->body_len[i]);
}

static int excluded(const judge *J, uint32_t i)
{
    mpc_dkg_reason r = J->k->blame[J->k->dealer_peer[i]].reason;
    return r == MPC_DKG_BLAME_EQUIVOCATION || r == MPC_DKG_BLAME_BAD_DEAL;
}

/* Step C: one BAD_SHARE complaint by peer p about dealer i. */
static int judge_complaint(judge *J, sh_peer_id p, const mpc_dkg_claim *c)
{
    mpc_dkg *k = J->k;
    uint32_t i = c->dealer;
    sh_peer_id D = k->dealer_peer[i];
    const dkg_peer *q = &k->peer[p];
    mpc_dkg_msg r2;
    int rc = mpc_dkg_msg_decode(&r2, c->r2, c->r2_len, &k->lim);
    if (rc != 0)
        return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
    const uint8_t *ev[4] = { c->r1, c->r2, c->K, c->dleq };
    size_t evl[4] = { c->r1_len, c->r2_len, 32, MPC_DKG_DLEQ_BYTES };
    int dealer_bad = 0, claim_false = 0;
    zk_elem Eto, K;
    uint8_t sb[MPC_SCALAR_BYTES];
    mpc_scalar s, x;
    if (zk_elem_decode_nonidentity(&Eto, r2.E_to) != 0) {
        dealer_bad = 1;     /* a share sealed to no key at all */
    } else if (zk_elem_decode_nonidentity(&K, c->K) != 0 ||
               dkg_complaint_verify(k, c->dleq, D, p, &J->E[i], &Eto, &K) != 0) {
        claim_false = 1;
    } else {
        uint8_t xk[32];
        dkg_pair_secret_of(xk, &K);
        if (dkg_share_open(k, sb, r2.ct, xk, D, p, J->E[i].enc, r2.E_to) != 0 ||
            mpc_scalar_decode(k->g, &s, sb) != 0) {
            dealer_bad = 1;
        } else {
            mpc_scalar_from_u64(k->g, &x, (uint64_t)k->holder_of[p] + 1);
            rc = mpc_feldman_verify(k->g, J->C[i], k->t, &x, &s);
            if (rc == SH_ERR_VERIFY)
                dealer_bad = 1;
            else if (rc == 0)
                claim_false = 1;
            mpc_scalar_wipe(&s);
        }
        sodium_memzero(sb, sizeof sb);
    }
    mpc_dkg_msg_clear(&r2);
    if (rc != 0 && rc != SH_ERR_VERIFY)
        return rc;
    if (dealer_bad)
        return blame(k, D, MPC_DKG_BLAME_BAD_SHARE, 4, ev, evl);
    if (claim_false)
        return blame1(k, p, MPC_DKG_BLAME_FALSE_CLAIM, q->r3, q->r3_len);
    return 0;
}

/* Steps B (claims of bad deals) and C (complaints). */
static int judge_claims(judge *J)
{
    mpc_dkg *k = J->k;
    int rc = 0;
    for (sh_peer_id p = 0; p < k->n_peers && rc == 0; p++) {
        const dkg_peer *q = &k->peer[p];
        for (uint32_t j = 0; q->r3 != NULL && j < q->r3m.n_claims && rc == 0; j++) {
            const mpc_dkg_claim *c = &q->r3m.claims[j];
            if (c->kind == MPC_DKG_CLAIM_BAD_DEAL && !excluded(J, c->dealer) && J->body_ok[c->dealer])
                rc = blame1(k, p, MPC_DKG_BLAME_FALSE_CLAIM, q->r3, q->r3_len);
        }
    }
    for (sh_peer_id p = 0; p < k->n_peers && rc == 0; p++) {
        const dkg_peer *q = &k->peer[p];
        for (uint32_t j = 0; q->r3 != NULL && j < q->r3m.n_claims && rc == 0; j++) {
            const mpc_dkg_claim *c = &q->r3m.claims[j];
            if (c->kind == MPC_DKG_CLAIM_BAD_SHARE && !excluded(J, c->dealer) &&
                J->body_ok[c->dealer])
                rc = judge_complaint(J, p, c);
        }
    }
    return rc;
}

/* Step D: dealers with claimants must have answered with the deal and a
 * correct share for every claiming holder. */
static int judge_answers(judge *J, uint32_t i)
{
    mpc_dkg *k = J->k;
    sh_peer_id D = k->dealer_peer[i];
    if (k->blame[D].reason != 0 && k->blame[D].reason != MPC_DKG_BLAME_FALSE_CLAIM)
        return 0;
    if (dkg_claimants(k, i, J->claim) == 0)
        return 0;
    const dkg_peer *dq = &k->peer[D];
    int ok = dq->r4 != NULL && J->body_ok[i];
    for (sh_peer_id p = 0; p < k->n_peers && ok; p++) {
        if (!J->claim[p] || !dkg_is_holder(k, p))
            continue;
        uint32_t j = k->holder_of[p], r;
        for (r = 0; r < dq->r4m.n_reveal && dq->r4m.reveal_idx[r] != j; r++)
            ;
        mpc_scalar s, x;
        ok = r < dq->r4m.n_reveal &&
             mpc_scalar_decode(k->g, &s, dq->r4m.reveal_share + 32 * (size_t)r) == 0;
        if (ok) {
            mpc_scalar_from_u64(k->g, &x, (uint64_t)j + 1);
            int rc = mpc_feldman_verify(k->g, J->C[i], k->t, &x, &s);
            if (rc != 0 && rc != SH_ERR_VERIFY)
                return rc;
            ok = rc == 0;
        }
    }
    if (ok)
        return 0;
    const uint8_t *ev[2];
    size_t evl[2];
    uint32_t n = 0;
    for (sh_peer_id p = 0; p < k->n_peers && n == 0; p++)
        if (J->claim[p]) {
            ev[n] = k->peer[p].r3;
            evl[n++] = k->peer[p].r3_len;
        }
    if (dq->r4 != NULL) {
        ev[n] = dq->r4;
        evl[n++] = dq->r4_len;
    }
    return blame(k, D, MPC_DKG_BLAME_NO_ANSWER, n, ev, evl);
}

/* ---- the outcome -------------------------------------------------------------- */

static void put_blame(const mpc_dkg *k, sh_mp_writer *w)
{
    size_t n = mpc_dkg_blame_count(k);
    sh_mp_put_array(w, n);
    for (sh_peer_id p = 0; p < k->n_peers; p++) {
        const dkg_blame *b = &k->blame[p];
        if (b->reason == 0)
            continue;
        sh_mp_put_array(w, 3);
        sh_mp_put_uint(w, p);
        sh_mp_put_uint(w, b->reason);
        sh_mp_put_array(w, b->n_ev);
        for (uint32_t i = 0; i < b->n_ev; i++)
            sh_mp_put_bin(w, b->ev[i], b->ev_len[i]);
    }
}

/* Deliver MPC_DKG_RES_DONE or MPC_DKG_RES_ABORT (docs/dkg.md, "Results"). */
static int deliver(mpc_dkg *k, int done)
{
    sh_buf b;
    sh_mp_writer w;
    sh_buf_init(&b);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_envelope(&w, MPC_DKG_RESULT_VERSION, done ? MPC_DKG_RES_DONE : MPC_DKG_RES_ABORT,
                       done ? 6 : 3);
    sh_mp_put_uint(&w, (uint64_t)mpc_group_id_of(k->g));
    sh_mp_put_bin(&w, k->sid, MPC_DKG_SID_BYTES);
    if (done) {
        sh_mp_put_array(&w, mpc_dkg_qualified(k, NULL, 0));
        for (uint32_t i = 0; i < k->n_dealers; i++)
            if (k->qual[i])
                sh_mp_put_uint(&w, i);
        /* The commitments determine every verification share (V_j =
         * sum_k (j+1)^k A_k, mpc_feldman_eval_ids): the result does not
         * repeat them, whose encodings cost an inverse square root each,
         * n of them per party. */
        sh_mp_put_array(&w, k->t);
        for (uint32_t j = 0; j < k->t; j++)
            sh_mp_put_bin(&w, k->A_enc + (size_t)j * k->eb, k->eb);
        sh_mp_put_bin(&w, k->outcome, MPC_DKG_HASH_BYTES);
    }
    put_blame(k, &w);
    int rc = sh_mp_writer_finish(&w);
    if (rc == 0)
        rc = sh_drv_deliver(k->d, done ? MPC_DKG_RES_DONE : MPC_DKG_RES_ABORT, b.data, b.len);
    sh_buf_free(&b);
    return rc;
}

static void outcome_hash(mpc_dkg *k)
{
    crypto_generichash_state st;
    uint8_t b[8];
    uint32_t gid = (uint32_t)mpc_group_id_of(k->g);
    crypto_generichash_init(&st, NULL, 0, MPC_DKG_HASH_BYTES);
    crypto_generichash_update(&st, (const uint8_t *)OUTCOME_DOMAIN, strlen(OUTCOME_DOMAIN));
    crypto_generichash_update(&st, k->sid, MPC_DKG_SID_BYTES);
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(gid >> (24 - 8 * i));
        b[4 + i] = (uint8_t)(k->n_dealers >> (24 - 8 * i));
    }
    crypto_generichash_update(&st, b, 8);
    for (uint32_t i = 0; i < k->n_dealers; i += 8) {
        uint8_t byte = 0;
        for (uint32_t j = 0; j < 8 && i + j < k->n_dealers; j++)
            byte |= (uint8_t)(k->qual[i + j] << j);
        crypto_generichash_update(&st, &byte, 1);
    }
    crypto_generichash_update(&st, k->A_enc, (size_t)k->t * k->eb);
    crypto_generichash_final(&st, k->outcome, MPC_DKG_HASH_BYTES);
}

/* This holder's share of dealer i: received in round 2 or revealed in
 * round 4.  SH_ERR_STATE if it has neither. */
static int share_from(const mpc_dkg *k, uint32_t i, mpc_scalar *s)
{
    if (k->got_ok[i]) {
        *s = k->got[i];
        return 0;
    }
    const dkg_peer *dq = &k->peer[k->dealer_peer[i]];
    uint32_t j = k->holder_of[k->d->self];
    for (uint32_t r = 0; k->required[i] && dq->r4 != NULL && r < dq->r4m.n_reveal; r++)
        if (dq->r4m.reveal_idx[r] == j)
            return mpc_scalar_decode(k->g, s, dq->r4m.reveal_share + 32 * (size_t)r);
    return SH_ERR_STATE;
}

/* Aggregate commitments, own share, verification shares, outcome hash. */
static int finish(mpc_dkg *k, judge *J, uint32_t nq)
{
    const mpc_group *g = k->g;
    int rc = 0;
    k->A = mpc_elems_alloc(k->t);
    k->A_enc = malloc((size_t)k->t * k->eb);
    mpc_scalar *ids = mpc_scalars_alloc(nq), *lam = mpc_scalars_alloc(nq);
    mpc_elem *pt = mpc_elems_alloc(nq);
    const mpc_elem **pp = calloc(nq ? nq : 1, sizeof *pp);
    uint32_t *qi = calloc(nq, sizeof *qi);
    if (k->A == NULL || k->A_enc == NULL || ids == NULL || lam == NULL || pt == NULL ||
        pp == NULL || qi == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < k->n_dealers; i++)
        if (k->qual[i]) {
            qi[n] = i;
            mpc_scalar_from_u64(g, &ids[n], (uint64_t)i + 1);
            mpc_scalar_one(g, &lam[n++]);
        }
    if (k->mode == MPC_DKG_RESHARE && (rc = mpc_lagrange_coeffs(g, lam, ids, nq, NULL)) != 0)
        goto done;
    for (uint32_t c = 0; c < k->t; c++) {
        if (k->mode == MPC_DKG_RESHARE) {
            for (uint32_t r = 0; r < nq; r++)
                pt[r] = J->C[qi[r]][c];
            if ((rc = mpc_elem_msm_vartime(g, &k->A[c], lam, pt, nq)) != 0)
                goto done;
        } else {
            /* every lambda is 1: a plain sum */
            for (uint32_t r = 0; r < nq; r++)
                pp[r] = &J->C[qi[r]][c];
            if ((rc = mpc_elem_sum(g, &k->A[c], pp, nq)) != 0)
                goto done;
        }
        if (k->mode == MPC_DKG_REFRESH)
            mpc_elem_add(g, &k->A[c], &k->A[c], &k->old_commit[c]);
    }
    if (k->mode != MPC_DKG_FRESH && !mpc_elem_eq(g, &k->A[0], &k->old_commit[0])) {
        rc = SH_ERR_INTERNAL;   /* the checks on C_0 make this impossible */
        goto done;
    }
    for (uint32_t c = 0; c < k->t; c++)
        (void)mpc_elem_encode(g, k->A_enc + (size_t)c * k->eb, &k->A[c]);
    if (dkg_is_holder(k, k->d->self)) {
        mpc_scalar acc, s;
        if (k->mode == MPC_DKG_REFRESH)
            acc = k->sec->old_share;
        else
            mpc_scalar_zero(g, &acc);
        int have = 1;
        for (uint32_t r = 0; r < nq && have; r++) {
            have = share_from(k, qi[r], &s) == 0;
            mpc_scalar_mul(g, &s, &s, &lam[r]);
            mpc_scalar_add(g, &acc, &acc, &s);
        }
        k->sec->share = acc;
        /* A holder without every share (only a faulty one) exports nothing. */
        k->share_exported = !have;
        mpc_scalar_wipe(&acc);
        mpc_scalar_wipe(&s);
    }
    outcome_hash(k);
done:
    mpc_scalars_free(ids, nq);
    mpc_scalars_free(lam, nq);
    mpc_elems_free(pt, nq);
    free(pp);
    free(qi);
    return rc;
}

static void wipe_dealing(mpc_dkg *k)
{
    if (k->poly != NULL)
        for (uint32_t i = 0; i < k->t; i++)
            mpc_scalar_wipe(&k->poly[i]);
    if (k->poly2 != NULL)
        for (uint32_t i = 0; i < k->t; i++)
            mpc_scalar_wipe(&k->poly2[i]);
    for (uint32_t i = 0; i < k->n_dealers; i++)
        mpc_scalar_wipe(&k->got[i]);
    mpc_scalar_wipe(&k->sec->old_share);
    zk_scalar_wipe(&k->sec->e);
    sodium_memzero(k->sec->x25519, sizeof k->sec->x25519);
    dkg_pair_keys_wipe(k);
}

int dkg_decide(mpc_dkg *k)
{
    const uint32_t nd = k->n_dealers;
    judge J;
    memset(&J, 0, sizeof J);
    J.k = k;
    J.uh = calloc(nd, 32);
    J.uh_sig = calloc(nd, sizeof *J.uh_sig);
    J.has_uh = calloc(nd, 1);
    J.body = calloc(nd, sizeof *J.body);
    J.body_len = calloc(nd, sizeof *J.body_len);
    J.body_ok = calloc(nd, 1);
    J.C = calloc(nd, sizeof *J.C);
    J.E = zk_aligned_alloc(nd, sizeof *J.E);
    J.claim = calloc(k->n_peers, 1);
    int rc = 0;
    if (J.uh == NULL || J.uh_sig == NULL || J.has_uh == NULL || J.body == NULL || J.body_len == NULL ||
        J.body_ok == NULL || J.C == NULL || J.E == NULL || J.claim == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < nd && rc == 0; i++)
        rc = collect_pairs(&J, i);
    for (uint32_t i = 0; i < nd && rc == 0; i++)
        if (!excluded(&J, i))
            rc = find_body(&J, i);
    if (rc == 0)
        rc = judge_claims(&J);
    for (uint32_t i = 0; i < nd && rc == 0; i++)
        rc = judge_answers(&J, i);
    if (rc != 0)
        goto done;

    uint32_t nq = 0;
    for (uint32_t i = 0; i < nd; i++) {
        /* qualified: never blamed, with a valid deal everyone holds */
        k->qual[i] = k->blame[k->dealer_peer[i]].reason == 0 && J.body_ok[i];
        nq += k->qual[i];
        if (!k->qual[i] && k->blame[k->dealer_peer[i]].reason == 0)
            rc = blame(k, k->dealer_peer[i], MPC_DKG_BLAME_NO_ANSWER, 0, NULL, NULL);
    }
    uint32_t need = k->mode == MPC_DKG_RESHARE ? k->t_old : k->t;
    if (rc == 0 && nq >= need)
        rc = finish(k, &J, nq);
    if (rc != 0)
        goto done;
    k->stage = nq >= need ? ST_DONE : ST_ABORTED;
    wipe_dealing(k);
    sh_drv_log(k->d, nq >= need ? SH_LOG_INFO : SH_LOG_WARN, DKG_MOD,
               "%s: %u of %u dealers qualified, %zu blamed",
               nq >= need ? "done" : "aborted", (unsigned)nq, (unsigned)nd,
               mpc_dkg_blame_count(k));
    rc = deliver(k, k->stage == ST_DONE);
done:
    for (uint32_t i = 0; J.C != NULL && i < nd; i++)
        mpc_elems_free(J.C[i], k->t);
    free(J.uh);
    free(J.uh_sig);
    free(J.has_uh);
    free(J.body);
    free(J.body_len);
    free(J.body_ok);
    free(J.C);
    free(J.E);
    free(J.claim);
    return rc;
}
