/* tests/test_mpc_dkg_evidence.c -- the DKG's decision when DEAL signatures
 * are checked only as evidence (docs/dkg.md, "Echoes", "Decision"):
 * messages forged with a dealer's own key (the test holds every identity
 * key) and injected at chosen times, then every honest node's outcome and
 * every blame's evidence, checked as a third party would. */
#include <criterion/criterion.h>
#include <string.h>
#include <sodium.h>

#include "mpc/dkg.h"
#include "mpc/dkg_msg.h"
#include "mpc/dkg_impl.h"
#include "helpers/dkg_harness.h"

#define MS 1000000ULL

TestSuite(dkg_evidence, .timeout = 600);

/* A validly signed DEAL of peer `from` that is not the one it dealt (three
 * copies of the base point as commitments, a junk proof of possession
 * varied by salt): *hh and *sig are its echo pair. */
static void forge_deal(dkg_h *h, uint32_t from, sh_buf *out, uint8_t hh[32], uint8_t sig[64],
                       uint8_t salt)
{
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_DEAL;
    m.from = from;
    memcpy(m.sid, h->cfg.sid, 32);
    mpc_elem B;
    mpc_elem_base(h->g, &B);
    cr_assert_eq(mpc_elem_encode(h->g, m.E, &B), 0);
    uint8_t commit[3 * 32];
    for (int i = 0; i < 3; i++)
        cr_assert_eq(mpc_elem_encode(h->g, commit + 32 * i, &B), 0);
    m.has_commit = 1;
    m.n_commit = 3;
    m.commit = commit;
    m.pop_len = 64;
    m.pop[0] = salt;
    cr_assert_eq(mpc_dkg_msg_encode(out, &m, 32, h->sk[from]), 0);
    memcpy(hh, m.h, 32);
    memcpy(sig, m.sig, 64);
}

/* Every blame entry of every honest node, except NO_ANSWER, convinces a
 * third party. */
static void evidence_checks_everywhere(dkg_h *h)
{
    mpc_dkg_cfg c = h->cfg;
    c.identity_sk = NULL;
    for (uint32_t node = 0; node < h->n; node++) {
        if (h->faulty[node])
            continue;
        mpc_dkg *k = dkg_h_node(h, node);
        for (size_t i = 0; i < mpc_dkg_blame_count(k); i++) {
            sh_peer_id p;
            mpc_dkg_reason why;
            cr_assert_eq(mpc_dkg_blame_get(k, i, &p, &why), 0);
            const uint8_t *ev[4];
            size_t len[4], n = 0;
            while (n < 4 && mpc_dkg_blame_evidence(k, i, n, &ev[n], &len[n]) == 0)
                n++;
            if (why == MPC_DKG_BLAME_NO_ANSWER)
                continue;
            cr_assert_gt(n, 0, "node %u: blame of %u (reason %d) without evidence", node, p, why);
            cr_assert_eq(mpc_dkg_blame_check(&c, h->n, (const uint8_t(*)[32])h->pk, p, why, ev,
                                             len, n), 0,
                         "node %u: blame of %u (reason %d): evidence rejected", node, p, why);
        }
    }
}

/* Dealer 1 signed two DEALs; the first time the judge meets dealer 1's
 * second hash is in a claim (the lowest VIEW echoes nil for 1 and claims
 * the equivocation), not in an echo entry: the blame still carries both
 * signed pairs. */
Test(dkg_evidence, equivocation_first_seen_in_a_claim_carries_both_pairs)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 77);
    h.faults[0].silent = 1;
    h.faulty[0] = 1;
    h.faulty[1] = 1;                 /* signs a second DEAL (the test does, with its key) */
    dkg_h_start(&h);
    sh_buf x;
    sh_buf_init(&x);
    uint8_t hx[32], sx[64];
    forge_deal(&h, 1, &x, hx, sx, 1);
    mpc_dkg_msg v;
    memset(&v, 0, sizeof v);
    v.type = MPC_DKG_MSG_VIEW;
    v.from = 0;
    memcpy(v.sid, h.cfg.sid, 32);
    mpc_dkg_echo ve[5];
    memset(ve, 0, sizeof ve);
    v.n_view = 5;
    v.view = ve;
    mpc_dkg_claim c;
    memset(&c, 0, sizeof c);
    c.kind = MPC_DKG_CLAIM_EQUIVOCATION;
    c.dealer = 1;
    c.other.present = 1;
    memcpy(c.other.h, hx, 32);
    memcpy(c.other.sig, sx, 64);
    v.n_claims = 1;
    v.claims = &c;
    sh_buf vb;
    sh_buf_init(&vb);
    cr_assert_eq(mpc_dkg_msg_encode(&vb, &v, 32, h.sk[0]), 0);
    for (uint32_t p = 1; p < 5; p++)
        cr_assert_eq(sim_loop_inject(h.l, 0, p, 5 * MS, vb.data, vb.len), 0);
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, dkg_h_bit(0) | dkg_h_bit(1), dkg_h_bit(0) | dkg_h_bit(1), &Y);
    for (uint32_t node = 2; node < 5; node++)
        cr_assert_eq(dkg_h_reason(&h, node, 1), MPC_DKG_BLAME_EQUIVOCATION);
    evidence_checks_everywhere(&h);
    sh_buf_free(&x);
    sh_buf_free(&vb);
    dkg_h_free(&h);
}

/* Dealer 2 sends odd peers a second, badly signed DEAL and shares of a
 * second polynomial; peer 1 also receives a validly signed DEAL of 2
 * (a third one) early, so it claims an equivocation, finds the DEAL it
 * holds unsigned, echoes nil and must drop the share it decrypted from it
 * for the one dealer 2 reveals: its final share matches its verification
 * share and combines. */
Test(dkg_evidence, a_share_from_an_unsigned_deal_is_dropped_for_the_revealed_one)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 78);
    h.faults[2].equivocate = 1;
    h.faults[2].bad_deal_sig = 1;
    h.faulty[2] = 1;
    dkg_h_start(&h);
    sh_buf x;
    sh_buf_init(&x);
    uint8_t hx[32], sx[64];
    forge_deal(&h, 2, &x, hx, sx, 3);
    cr_assert_eq(sim_loop_inject(h.l, 2, 1, 3 * MS / 2, x.data, x.len), 0);
    dkg_h_run(&h);
    cr_assert_eq(sim_loop_reject_count(h.l, 1, "dkg: equivocating deal"), 1);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    uint32_t honest[4] = { 0, 1, 3, 4 };
    dkg_h_check_combine(&h, honest, 3, &Y, 1);
    dkg_h_check_combine(&h, honest + 1, 3, &Y, 1);
    evidence_checks_everywhere(&h);
    sh_buf_free(&x);
    dkg_h_free(&h);
}

/* Dealer 2's DEAL is invalid (a bad proof of possession) and badly signed
 * towards odd peers: they echo nil (their copy cannot be evidence), the
 * others claim BAD_DEAL with a signed copy, and every honest node's
 * BAD_DEAL evidence is a signed DEAL. */
Test(dkg_evidence, bad_deal_evidence_is_signed_at_every_node)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 79);
    h.faults[2].bad_pop = 1;
    h.faults[2].bad_deal_sig = 1;
    h.faulty[2] = 1;
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, dkg_h_bit(2), dkg_h_bit(2), &Y);
    for (uint32_t node = 0; node < 5; node++)
        if (node != 2)
            cr_assert_eq(dkg_h_reason(&h, node, 2), MPC_DKG_BLAME_BAD_DEAL);
    evidence_checks_everywhere(&h);
    dkg_h_free(&h);
}

/* Nobody has claimants, so round 4 is skipped and each member decides as
 * soon as it holds every VIEW.  Dealer 1 (the test, with its key) sends an
 * ANSWER anyway, with a second signed DEAL, reaching nodes 0 and 2 before
 * they decide and nodes 3 and 4 after.  It must not matter: every honest
 * node ends with the same outcome and nobody is blamed. */
Test(dkg_evidence, an_unsolicited_answer_changes_nothing)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 80);
    h.faulty[1] = 1;
    dkg_h_start(&h);
    sh_buf x;
    sh_buf_init(&x);
    uint8_t hx[32], sx[64];
    forge_deal(&h, 1, &x, hx, sx, 5);
    mpc_dkg_msg a;
    memset(&a, 0, sizeof a);
    a.type = MPC_DKG_MSG_ANSWER;
    a.from = 1;
    memcpy(a.sid, h.cfg.sid, 32);
    a.r1 = x.data;
    a.r1_len = x.len;
    sh_buf ab;
    sh_buf_init(&ab);
    cr_assert_eq(mpc_dkg_msg_encode(&ab, &a, 32, h.sk[1]), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, MS / 2, ab.data, ab.len), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 2, MS / 2, ab.data, ab.len), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 3, 20 * MS, ab.data, ab.len), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 4, 20 * MS, ab.data, ab.len), 0);
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);      /* same outcome hash at 0, 2, 3, 4 */
    uint32_t honest[4] = { 0, 2, 3, 4 };
    dkg_h_check_combine(&h, honest, 3, &Y, 1);
    sh_buf_free(&x);
    sh_buf_free(&ab);
    dkg_h_free(&h);
}

/* A SHARE addressed to peer 0 but placed at another holder's leaf is
 * refused by peer 0 (the leaf index is part of what the dealer signs, so
 * a faithful copy of it can only sit at its holder's place). */
Test(dkg_evidence, a_share_at_another_leaf_is_refused)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 81);
    dkg_h_start(&h);
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_SHARE;
    m.from = 1;
    m.to = 0;
    m.leaf = 2;
    m.n_path = mpc_dkg_merkle_depth(5);
    memcpy(m.sid, h.cfg.sid, 32);
    m.deal.present = 1;
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 32, h.sk[1]), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, 3 * MS / 2, b.data, b.len), 0);
    dkg_h_run(&h);
    cr_assert_eq(sim_loop_reject_count(h.l, 0, "dkg: share for another party"), 1);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    sh_buf_free(&b);
    dkg_h_free(&h);
}

/* When a run ends, nothing of the session key remains: e, its X25519
 * form and every pairwise secret are zero at every node. */
Test(dkg_evidence, session_secrets_are_wiped_at_the_end)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 82);
    h.faults[3].bad_share_to = 0;           /* a complaint: K is computed too */
    h.faulty[3] = 1;
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, dkg_h_bit(3), dkg_h_bit(3), &Y);
    for (uint32_t node = 0; node < 5; node++) {
        mpc_dkg *k = dkg_h_node(&h, node);
        cr_assert(sodium_is_zero(k->sec->x25519, sizeof k->sec->x25519), "node %u", node);
        cr_assert(sodium_is_zero((const uint8_t *)&k->sec->e, sizeof k->sec->e), "node %u", node);
        cr_assert(sodium_is_zero((const uint8_t *)k->pair_key, (size_t)k->n_peers * 32),
                  "node %u", node);
    }
    dkg_h_free(&h);
}
