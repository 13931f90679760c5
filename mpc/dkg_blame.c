/* mpc/dkg_blame.c -- blame evidence: reading it from an instance and
 * checking it as a third party (docs/dkg.md, "Decision" and "Results").
 * The checks are those of the decision, on the evidence alone. */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

int mpc_dkg_blame_evidence(const mpc_dkg *k, size_t i, size_t j, const uint8_t **p,
                           size_t *len)
{
    if (k == NULL || p == NULL || len == NULL)
        return SH_ERR_ARG;
    for (uint32_t q = 0; k->blame != NULL && q < k->n_peers; q++) {
        const dkg_blame *b = &k->blame[q];
        if (b->reason == 0 || i-- != 0)
            continue;
        if (j >= b->n_ev)
            return SH_ERR_RANGE;
        *p = b->ev[j];
        *len = b->ev_len[j];
        return 0;
    }
    return SH_ERR_RANGE;
}

/* A signed DEAL of `party` that is invalid proves BAD_DEAL. */
static int deal_is_bad(const mpc_dkg *k, sh_peer_id party, const uint8_t *r1, size_t len)
{
    mpc_dkg_msg m;
    if (dkg_embedded_decode(k, &m, r1, len, MPC_DKG_MSG_DEAL, party) != 0)
        return SH_ERR_VERIFY;
    int rc = dkg_deal_check(k, &m, NULL, NULL);
    mpc_dkg_msg_clear(&m);
    if (rc == SH_ERR_NOMEM)
        return rc;
    return rc != 0 ? 0 : SH_ERR_VERIFY;
}

/* A complaint by peer `holder` about dealer `dealer`: 1 if it is right
 * (the dealer cheated), 0 if it is false, SH_ERR_VERIFY if it proves
 * neither (malformed, or about an equivocating deal). */
static int complaint_right(const mpc_dkg *k, sh_peer_id dealer, sh_peer_id holder,
                           const uint8_t *r1, size_t r1_len, const uint8_t *r2, size_t r2_len,
                           const uint8_t K_enc[32], const uint8_t dleq[MPC_DKG_DLEQ_BYTES])
{
    if (!dkg_is_dealer(k, dealer) || !dkg_is_holder(k, holder))
        return SH_ERR_VERIFY;
    mpc_dkg_msg d1, d2;
    if (dkg_embedded_decode(k, &d1, r1, r1_len, MPC_DKG_MSG_DEAL, dealer) != 0)
        return SH_ERR_VERIFY;
    if (dkg_embedded_decode(k, &d2, r2, r2_len, MPC_DKG_MSG_SHARE, dealer) != 0) {
        mpc_dkg_msg_clear(&d1);
        return SH_ERR_VERIFY;
    }
    int rc = SH_ERR_VERIFY;
    zk_elem *E = zk_aligned_alloc(3, sizeof *E);   /* E_D, E_J, K */
    mpc_elem *C = mpc_elems_alloc(k->t);
    if (E == NULL || C == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    if (d2.to != holder || memcmp(d2.deal.h, d1.h, MPC_DKG_HASH_BYTES) != 0 ||
        mpc_dkg_sig_verify(k->pk[dealer], k->sid, MPC_DKG_MSG_DEAL, d2.deal.h, d2.deal.sig) != 0)
        goto done;
    int dc = dkg_deal_check(k, &d1, &E[0], C);
    if (dc != 0) {
        rc = dc == SH_ERR_NOMEM ? dc : SH_ERR_VERIFY;
        goto done;
    }
    if (zk_elem_decode_nonidentity(&E[1], d2.E_to) != 0) {
        rc = 1;
        goto done;
    }
    if (zk_elem_decode_nonidentity(&E[2], K_enc) != 0 ||
        dkg_complaint_verify(k, dleq, dealer, holder, &E[0], &E[1], &E[2]) != 0) {
        rc = 0;
        goto done;
    }
    uint8_t sb[MPC_SCALAR_BYTES];
    mpc_scalar s, x;
    uint8_t xk[32];
    dkg_pair_secret_of(xk, &E[2]);
    if (dkg_share_open(k, sb, d2.ct, xk, dealer, holder, E[0].enc, d2.E_to) != 0 ||
        mpc_scalar_decode(k->g, &s, sb) != 0) {
        rc = 1;
    } else {
        mpc_scalar_from_u64(k->g, &x, (uint64_t)k->holder_of[holder] + 1);
        int v = mpc_feldman_verify(k->g, C, k->t, &x, &s);
        rc = v == 0 ? 0 : v == SH_ERR_VERIFY ? 1 : v;
        mpc_scalar_wipe(&s);
    }
    sodium_memzero(sb, sizeof sb);
done:
    free(E);
    mpc_elems_free(C, k->t);
    mpc_dkg_msg_clear(&d1);
    mpc_dkg_msg_clear(&d2);
    return rc;
}

/* A signed VIEW of `party` containing a claim proven false. */
static int view_has_false_claim(const mpc_dkg *k, sh_peer_id party, const uint8_t *v,
                                size_t len)
{
    mpc_dkg_msg m;
    if (dkg_embedded_decode(k, &m, v, len, MPC_DKG_MSG_VIEW, party) != 0)
        return SH_ERR_VERIFY;
    int rc = SH_ERR_VERIFY;
    for (uint32_t i = 0; i < m.n_claims && rc == SH_ERR_VERIFY; i++) {
        const mpc_dkg_claim *c = &m.claims[i];
        sh_peer_id D = k->dealer_peer[c->dealer];
        if (c->kind == MPC_DKG_CLAIM_BAD_DEAL) {
            mpc_dkg_msg d;
            if (dkg_embedded_decode(k, &d, c->r1, c->r1_len, MPC_DKG_MSG_DEAL, D) == 0) {
                int dc = dkg_deal_check(k, &d, NULL, NULL);
                mpc_dkg_msg_clear(&d);
                rc = dc == 0 ? 0 : dc == SH_ERR_NOMEM ? dc : SH_ERR_VERIFY;
            }
        } else if (c->kind == MPC_DKG_CLAIM_BAD_SHARE) {
            int r = complaint_right(k, D, party, c->r1, c->r1_len, c->r2, c->r2_len, c->K,
                                    c->dleq);
            rc = r == 0 ? 0 : r == SH_ERR_NOMEM ? r : SH_ERR_VERIFY;
        }
    }
    mpc_dkg_msg_clear(&m);
    return rc;
}

int mpc_dkg_blame_check(const mpc_dkg_cfg *cfg, uint32_t n_peers, const uint8_t (*keys)[32],
                        sh_peer_id party, mpc_dkg_reason reason,
                        const uint8_t *const *ev, const size_t *ev_len, size_t n_ev)
{
    if (reason == MPC_DKG_BLAME_NO_ANSWER)
        return SH_ERR_STATE;
    if (ev == NULL || ev_len == NULL || party >= n_peers)
        return SH_ERR_ARG;
    mpc_dkg *k;
    int rc = dkg_verifier_new(cfg, n_peers, keys, &k);
    if (rc != 0)
        return rc;
    rc = SH_ERR_VERIFY;
    switch (reason) {
    case MPC_DKG_BLAME_EQUIVOCATION:
        if (n_ev == 4 && ev_len[0] == 32 && ev_len[1] == 64 && ev_len[2] == 32 &&
            ev_len[3] == 64 && memcmp(ev[0], ev[2], 32) != 0 &&
            mpc_dkg_sig_verify(keys[party], cfg->sid, MPC_DKG_MSG_DEAL, ev[0], ev[1]) == 0 &&
            mpc_dkg_sig_verify(keys[party], cfg->sid, MPC_DKG_MSG_DEAL, ev[2], ev[3]) == 0)
            rc = 0;
        break;
    case MPC_DKG_BLAME_BAD_DEAL:
        if (n_ev == 1 && dkg_is_dealer(k, party))
            rc = deal_is_bad(k, party, ev[0], ev_len[0]);
        break;
    case MPC_DKG_BLAME_BAD_SHARE:
        if (n_ev == 4 && ev_len[2] == 32 && ev_len[3] == MPC_DKG_DLEQ_BYTES) {
            mpc_dkg_msg d2;
            /* the holder is the SHARE's addressee */
            if (dkg_embedded_decode(k, &d2, ev[1], ev_len[1], MPC_DKG_MSG_SHARE, party) == 0) {
                sh_peer_id to = d2.to;
                mpc_dkg_msg_clear(&d2);
                int r = complaint_right(k, party, to, ev[0], ev_len[0], ev[1], ev_len[1],
                                        ev[2], ev[3]);
                rc = r == 1 ? 0 : r == SH_ERR_NOMEM ? r : SH_ERR_VERIFY;
            }
        }
        break;
    case MPC_DKG_BLAME_FALSE_CLAIM:
        if (n_ev == 1)
            rc = view_has_false_claim(k, party, ev[0], ev_len[0]);
        break;
    default:
        rc = SH_ERR_ARG;
        break;
    }
    dkg_free(k);
    return rc;
}
