/* mpc/dkg_deal.c -- round 1 of the DKG (docs/dkg.md, "Rounds"): building
 * our DEAL (every point it publishes computed, encoded and hinted in one
 * block), recording anyone's (their proofs of possession wait for round
 * 3), the pending proofs as the arrays a batch takes, and their check on
 * their own (round 3's fallback, mpc/dkg_rounds.c).  The state machine
 * that calls these is mpc/dkg.c. */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "zk/dblenc.h"

int dkg_build_deal(mpc_dkg *k, const mpc_scalar *poly, uint8_t **out, size_t *len,
                   mpc_elem *keep_C)
{
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_DEAL;
    const size_t eb = k->eb, hb = k->lim.hint_bytes, kh = MPC_DKG_KEY_HINT_BYTES;
    const int fresh_E = !k->E_ready;
    const int E_in = fresh_E && mpc_group_id_of(k->g) == MPC_RISTRETTO255;
    const int pop = poly != NULL && k->mode == MPC_DKG_FRESH;
    const uint32_t nc = poly != NULL ? k->t : 0;
    /* the block: [E] C_0 .. C_{t-1} [R]; na >= 1 keeps the allocations
     * meaningful when it is empty (a non-dealer outside ristretto255) */
    const size_t n = (size_t)E_in + nc + (size_t)pop, c_at = (size_t)E_in, na = n + 1;
    mpc_scalar *sc = mpc_scalars_alloc(na);
    mpc_elem *pt = mpc_elems_alloc(na);
    uint8_t *enc = malloc(na * eb), *hints = malloc(na * MPC_HINT_MAX_BYTES);
    int rc = sc == NULL || pt == NULL || enc == NULL || hints == NULL ? SH_ERR_NOMEM : 0;
    if (rc == 0 && E_in)
        sc[0].r = k->sec->e;
    for (uint32_t i = 0; i < nc && rc == 0; i++)
        sc[c_at + i] = poly[i];
    if (rc == 0 && pop)
        dkg_pop_nonce(k, &sc[n - 1], k->d->self, &poly[0]);
    if (rc == 0)
        rc = mpc_elems_mul_base_publish(k->g, pt, enc, hb > 0 ? hints : NULL, sc, n);
    if (rc == 0 && E_in) {
        k->E_self->p = pt[0].u.r;
        memcpy(k->E_self->enc, enc, 32);
        memcpy(k->E_hint, hints, kh);
    } else if (rc == 0 && fresh_E)
        rc = zk_points_mul_base_publish(&k->E_self->p, k->E_self->enc, k->E_hint, &k->sec->e, 1);
    k->E_ready |= rc == 0;
    const mpc_elem *C = pt + c_at;
    uint8_t *Cenc = enc + c_at * eb, *Chint = hints + c_at * hb;
    if (rc == 0 && poly != NULL && k->faults.bad_commitment) {
        mpc_elem B;
        uint32_t j = k->t - 1;
        mpc_elem_base(k->g, &B);
        mpc_elem_add(k->g, &pt[c_at + j], &pt[c_at + j], &B);
        (void)mpc_elem_encode(k->g, Cenc + j * eb, &pt[c_at + j]);
        rc = mpc_elems_hints(k->g, Chint + j * hb, &pt[c_at + j], Cenc + j * eb, 1);
    }

    memcpy(m.E, k->E_self->enc, 32);
    if (rc == 0 && poly != NULL) {
        /* in refresh C_0, the identity, is not sent */
        m.has_commit = 1;
        m.n_commit = k->t_c;
        m.commit = Cenc + (size_t)(k->t - k->t_c) * eb;
        if (pop) {
            m.pop_len = eb + MPC_SCALAR_BYTES;
            dkg_pop_respond(k, m.pop, k->d->self, m.commit, &poly[0], &sc[n - 1],
                            enc + (n - 1) * eb);
            if (k->faults.bad_pop)
                m.pop[m.pop_len - 1] ^= 1;
        }
    }
    /* Decompression hints for the receivers, each of which decodes E, the
     * t commitments and R of every DEAL (docs/dkg.md). */
    if (rc == 0) {
        m.hints_len = mpc_dkg_deal_hints_len(&m, hb);
        if ((m.hints = malloc(m.hints_len)) == NULL)
            rc = SH_ERR_NOMEM;
    }
    if (rc == 0) {
        memcpy(m.hints, k->E_hint, kh);
        if (m.has_commit && hb > 0)
            memcpy(m.hints + kh, Chint + (size_t)(k->t - k->t_c) * hb, (size_t)k->t_c * hb);
        if (m.pop_len > 0 && hb > 0)   /* R's hint is the last */
            memcpy(m.hints + m.hints_len - hb, hints + (n - 1) * hb, hb);
        rc = dkg_encode_own(k, &m, out, len);
    }
    if (rc == 0 && keep_C != NULL && poly != NULL)
        memcpy(keep_C, C, (size_t)k->t * sizeof *C);
    mpc_scalars_free(sc, na);
    mpc_elems_free(pt, na);
    free(enc);
    free(hints);
    free(m.hints);
    return rc;
}

int dkg_take_deal(mpc_dkg *k, sh_peer_id p, const uint8_t *msg, size_t len,
                  const mpc_dkg_msg *m, int own, const mpc_elem *own_C)
{
    dkg_peer *q = &k->peer[p];
    if (q->r1 != NULL) {
        if (sodium_memcmp(q->r1_echo.h, m->h, MPC_DKG_HASH_BYTES) != 0 && !q->r1_alt.present) {
            /* A second DEAL is evidence only if p signed both: this one is
             * checked now, the first when the claim is made. */
            if (mpc_dkg_sig_verify(k->pk[p], k->sid, MPC_DKG_MSG_DEAL, m->h, m->sig) != 0)
                return sh_drv_reject(k->d, p, SH_ERR_VERIFY, "dkg: bad signature");
            q->r1_alt.present = 1;
            memcpy(q->r1_alt.h, m->h, MPC_DKG_HASH_BYTES);
            memcpy(q->r1_alt.sig, m->sig, MPC_DKG_SIG_BYTES);
            return sh_drv_reject(k->d, p, SH_ERR_VERIFY, "dkg: equivocating deal");
        }
        return 0;   /* a retransmission */
    }
    q->r1 = malloc(len);
    if (q->r1 == NULL)
        return SH_ERR_NOMEM;
    memcpy(q->r1, msg, len);
    q->r1_len = len;
    q->r1_echo.present = 1;
    memcpy(q->r1_echo.h, m->h, MPC_DKG_HASH_BYTES);
    memcpy(q->r1_echo.sig, m->sig, MPC_DKG_SIG_BYTES);
    q->r1_sig = own ? 1 : 0;
    q->E = zk_aligned_alloc(1, sizeof *q->E);
    q->C = dkg_is_dealer(k, p) ? mpc_elems_alloc(k->t) : NULL;
    if (q->E == NULL || (dkg_is_dealer(k, p) && q->C == NULL))
        return SH_ERR_NOMEM;
    int rc, defer = 0;
    if (own) {
        /* Our own DEAL: decoding its points and verifying its proof would
         * only redo the computations that produced the bytes. */
        if (q->C != NULL && own_C == NULL)
            return SH_ERR_INTERNAL;
        *q->E = *k->E_self;
        if (q->C != NULL)
            memcpy(q->C, own_C, (size_t)k->t * sizeof *q->C);
        rc = q->C != NULL ? dkg_deal_check_own(k, q->C) : 0;
    } else {
        /* While round 1 collects, the proofs of possession wait to be
         * checked together, with the shares, when round 3 starts. */
        defer = k->mode == MPC_DKG_FRESH && k->stage == ST_DEAL && p != k->d->self;
        rc = defer ? dkg_deal_check_nopop(k, m, q->E, q->C) : dkg_deal_check(k, m, q->E, q->C);
    }
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc == 0 && defer) {
        memcpy(q->pop, m->pop, m->pop_len);
        const uint8_t *rh = mpc_dkg_deal_hint_R(m, k->lim.hint_bytes);
        if ((q->has_pop_hint = rh != NULL))
            memcpy(q->pop_hint, rh, k->lim.hint_bytes);
        memcpy(q->c0, m->commit, k->eb);   /* FRESH: C_0 is the first commitment */
        q->r1_state = 2;
        return 0;
    }
    q->r1_state = rc == 0 ? 1 : -1;
    if (rc != 0 && p != k->d->self)
        return sh_drv_reject(k->d, p, rc, "dkg: invalid deal");
    return 0;
}

int dkg_pending_pops_get(const mpc_dkg *k, dkg_pending_pops *pp)
{
    memset(pp, 0, sizeof *pp);
    size_t n = 0;
    for (sh_peer_id p = 0; p < k->n_peers; p++)
        n += k->peer[p].r1_state == 2;
    const size_t cap = n ? n : 1;
    pp->pop = calloc(cap, sizeof *pp->pop);
    pp->c0 = calloc(cap, sizeof *pp->c0);
    pp->rhint = calloc(cap, sizeof *pp->rhint);
    pp->C0 = calloc(cap, sizeof *pp->C0);
    pp->who = calloc(cap, sizeof *pp->who);
    if (pp->pop == NULL || pp->c0 == NULL || pp->rhint == NULL || pp->C0 == NULL ||
        pp->who == NULL) {
        dkg_pending_pops_free(pp);
        return SH_ERR_NOMEM;
    }
    for (sh_peer_id p = 0; p < k->n_peers; p++) {
        const dkg_peer *q = &k->peer[p];
        if (q->r1_state != 2)
            continue;
        pp->pop[pp->n] = q->pop;
        pp->C0[pp->n] = &q->C[0];
        pp->c0[pp->n] = q->c0;
        pp->rhint[pp->n] = q->has_pop_hint ? q->pop_hint : NULL;
        pp->who[pp->n++] = p;
    }
    return 0;
}

void dkg_pending_pops_free(dkg_pending_pops *pp)
{
    free(pp->pop);
    free(pp->c0);
    free(pp->rhint);
    free(pp->C0);
    free(pp->who);
    memset(pp, 0, sizeof *pp);
}

int dkg_check_pops(mpc_dkg *k)
{
    dkg_pending_pops pp;
    int rc = dkg_pending_pops_get(k, &pp);
    if (rc != 0)
        return rc;
    const size_t n = pp.n;
    rc = dkg_pop_batch_verify(k, pp.pop, pp.who, pp.C0, pp.c0, pp.rhint, n);
    if (rc == 0)
        for (size_t i = 0; i < n; i++)
            k->peer[pp.who[i]].r1_state = 1;
    else if (rc == SH_ERR_VERIFY)
        rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        dkg_peer *q = &k->peer[pp.who[i]];
        if (q->r1_state != 2)
            continue;
        int r1 = dkg_pop_verify(k, q->pop, pp.who[i], &q->C[0]);
        if (r1 == SH_ERR_NOMEM) {   /* no verdict: never a reason to reject */
            rc = r1;
            break;
        }
        q->r1_state = r1 == 0 ? 1 : -1;
        if (r1 != 0)
            rc = sh_drv_reject(k->d, pp.who[i], r1, "dkg: invalid deal");
    }
    dkg_pending_pops_free(&pp);
    return rc;
}
