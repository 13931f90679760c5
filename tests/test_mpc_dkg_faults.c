/* tests/test_mpc_dkg_faults.c -- the DKG with faulty parties: each kind of
 * fault (wrong share to one party, bad commitment, bad proof of
 * possession, equivocation, silence, false complaint, a withheld share,
 * answered or not) with one and with t-1 faulty dealers.  Exactly the
 * faulty parties are blamed, for the right reason, every honest party
 * delivers the same group key and qualified set, and the honest shares
 * combine to the secret of the group key. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/dkg.h"
#include "helpers/dkg_harness.h"

TestSuite(dkg_faults, .timeout = 600);

typedef enum fault_kind {
    F_BAD_SHARE,
    F_BAD_COMMIT,
    F_BAD_POP,
    F_EQUIVOCATE,
    F_SILENT,
    F_FALSE_COMPLAINT,
    F_WITHHOLD_ANSWERED,
    F_WITHHOLD_UNANSWERED,
    F_BAD_DEAL_SIG,
    F_UNSIGNED_EQUIVOCATION,
    F_FAKE_ECHO,
    F_BAD_DEAL_SIG_NO_ANSWER,
    F_UNSIGNED_EQUIVOCATION_NO_ANSWER,
    F_KINDS
} fault_kind;

static const char *const fault_name[F_KINDS] = {
    "bad share", "bad commitment", "bad pop", "equivocation", "silence",
    "false complaint", "withheld share (answered)", "withheld share (unanswered)",
    "bad DEAL signature", "equivocation with an unsigned second DEAL", "fake echo",
    "bad DEAL signature, no answer", "equivocation with an unsigned second DEAL, no answer",
};

static const mpc_dkg_reason fault_reason[F_KINDS] = {
    MPC_DKG_BLAME_BAD_SHARE, MPC_DKG_BLAME_BAD_SHARE, MPC_DKG_BLAME_BAD_DEAL,
    MPC_DKG_BLAME_EQUIVOCATION, MPC_DKG_BLAME_NO_ANSWER, MPC_DKG_BLAME_FALSE_CLAIM,
    0, MPC_DKG_BLAME_NO_ANSWER,
    /* DEAL signatures are checked only when they become evidence: a dealer
     * that signs badly but deals consistently is no worse than an honest
     * one; a second DEAL it did not sign proves nothing (its receivers
     * count as not having one and get their shares revealed); a member
     * echoing a pair its dealer never signed counts as echoing nil. */
    0, 0, 0,
    /* Consistent DEALs need no answer, whatever their signatures (the
     * badly signed copies are not treated as missing); the receivers of an
     * unsigned second DEAL are claimants, and a dealer that leaves them
     * unanswered is excluded. */
    0, MPC_DKG_BLAME_NO_ANSWER,
};

static void set_fault(dkg_h *h, uint32_t p, fault_kind f, uint32_t victim)
{
    mpc_dkg_faults *x = &h->faults[p];
    h->faulty[p] = 1;
    switch (f) {
    case F_BAD_SHARE: x->bad_share_to = victim; break;
    case F_BAD_COMMIT: x->bad_commitment = 1; break;
    case F_BAD_POP: x->bad_pop = 1; break;
    case F_EQUIVOCATE: x->equivocate = 1; break;
    case F_SILENT: x->silent = 1; break;
    case F_FALSE_COMPLAINT: x->false_complaint_against = victim; break;
    case F_WITHHOLD_ANSWERED: x->withhold_share_from = victim; break;
    case F_WITHHOLD_UNANSWERED:
        x->withhold_share_from = victim;
        x->no_answer = 1;
        break;
    case F_BAD_DEAL_SIG: x->bad_deal_sig = 1; break;
    case F_UNSIGNED_EQUIVOCATION:
        x->equivocate = 1;
        x->bad_deal_sig = 1;
        break;
    case F_FAKE_ECHO: x->fake_echo_for = victim; break;
    case F_BAD_DEAL_SIG_NO_ANSWER:
        x->bad_deal_sig = 1;
        x->no_answer = 1;
        break;
    case F_UNSIGNED_EQUIVOCATION_NO_ANSWER:
        x->equivocate = 1;
        x->bad_deal_sig = 1;
        x->no_answer = 1;
        break;
    default: break;
    }
}

/* Every blame entry of node `node` convinces a third party (except silence,
 * which cannot), and no longer does once any evidence byte is changed or
 * when pinned on another party. */
static void check_evidence(dkg_h *h, uint32_t node)
{
    mpc_dkg *k = dkg_h_node(h, node);
    mpc_dkg_cfg c = h->cfg;
    c.identity_sk = NULL;
    for (size_t i = 0; i < mpc_dkg_blame_count(k); i++) {
        sh_peer_id p;
        mpc_dkg_reason why;
        cr_assert_eq(mpc_dkg_blame_get(k, i, &p, &why), 0);
        const uint8_t *ev[4];
        uint8_t *copy[4];
        size_t len[4], n = 0;
        while (n < 4 && mpc_dkg_blame_evidence(k, i, n, &ev[n], &len[n]) == 0)
            n++;
        int rc = mpc_dkg_blame_check(&c, h->n, (const uint8_t(*)[32])h->pk, p, why, ev, len, n);
        if (why == MPC_DKG_BLAME_NO_ANSWER) {
            cr_assert_eq(rc, SH_ERR_STATE);
            continue;
        }
        cr_assert_eq(rc, 0, "peer %u reason %d: evidence rejected (%d)", p, why, rc);
        sh_peer_id other = (p + 1) % h->n;
        cr_assert_neq(mpc_dkg_blame_check(&c, h->n, (const uint8_t(*)[32])h->pk, other, why,
                                          ev, len, n), 0);
        for (size_t j = 0; j < n; j++) {
            copy[j] = malloc(len[j]);
            memcpy(copy[j], ev[j], len[j]);
        }
        for (size_t j = 0; j < n; j++) {
            for (size_t b = 0; b < len[j]; b += 1 + len[j] / 7) {
                copy[j][b] ^= 0x10;
                cr_assert_neq(mpc_dkg_blame_check(&c, h->n, (const uint8_t(*)[32])h->pk, p, why,
                                                  (const uint8_t *const *)copy, len, n), 0,
                              "reason %d: item %zu byte %zu changed, still accepted", why, j, b);
                copy[j][b] ^= 0x10;
            }
        }
        for (size_t j = 0; j < n; j++)
            free(copy[j]);
    }
}

/* n parties, threshold t, the parties in `bad` (bit set) faulty with fault
 * f; the victim is the honest party 0.  Checks the outcome. */
static void fault_run(mpc_group_id gid, uint32_t n, uint32_t t, uint64_t bad, fault_kind f,
                      uint8_t seed)
{
    dkg_h h;
    dkg_h_init(&h, gid, n, t, seed);
    for (uint32_t p = 0; p < n; p++)
        if (bad & dkg_h_bit(p))
            set_fault(&h, p, f, 0);
    dkg_h_run(&h);
    uint64_t blamed = fault_reason[f] != 0 ? bad : 0;
    mpc_elem Y;
    dkg_h_check_done(&h, blamed, blamed, &Y);
    dkg_h_check_healthy(&h);
    uint32_t honest[DKG_H_MAX], nh = 0;
    for (uint32_t p = 0; p < n; p++)
        if (!(bad & dkg_h_bit(p)))
            honest[nh++] = p;
    for (uint32_t p = 0; p < n; p++)
        if (blamed & dkg_h_bit(p))
            cr_assert_eq(dkg_h_reason(&h, 0, p), fault_reason[f], "%s: peer %u blamed for %d",
                         fault_name[f], p, dkg_h_reason(&h, 0, p));
    cr_assert_geq(nh, t);
    for (uint32_t i = 0; i < nh; i++)
        check_evidence(&h, honest[i]);
    dkg_h_check_combine(&h, honest, t, &Y, 1);
    dkg_h_check_combine(&h, honest + (nh - t), t, &Y, 1);
    if (t > 1)
        dkg_h_check_combine(&h, honest, t - 1, &Y, 0);
    for (uint32_t p = 0; p < n; p++)
        if (!h.faulty[p])
            cr_assert_eq(sim_loop_count_results(h.l, p, MPC_DKG_RES_DONE), 1);
    dkg_h_free(&h);
}

/* One faulty dealer, then t-1 (spread over the ids). */
static void both_counts(mpc_group_id gid, uint32_t n, uint32_t t, fault_kind f, uint8_t seed)
{
    fault_run(gid, n, t, dkg_h_bit(2), f, seed);
    uint64_t bad = 0;
    for (uint32_t i = 0, p = 1; i < t - 1; i++, p += 2)
        bad |= dkg_h_bit(p % n == 0 ? 1 : p % n);
    fault_run(gid, n, t, bad, f, (uint8_t)(seed + 1));
}

#define FAULT_TESTS(kind)                                              \
    Test(dkg_faults, kind##_5_3) { both_counts(MPC_RISTRETTO255, 5, 3, kind, 10); } \
    Test(dkg_faults, kind##_7_4) { both_counts(MPC_RISTRETTO255, 7, 4, kind, 20); }

FAULT_TESTS(F_BAD_SHARE)
FAULT_TESTS(F_BAD_COMMIT)
FAULT_TESTS(F_BAD_POP)
FAULT_TESTS(F_EQUIVOCATE)
FAULT_TESTS(F_SILENT)
FAULT_TESTS(F_FALSE_COMPLAINT)
FAULT_TESTS(F_WITHHOLD_ANSWERED)
FAULT_TESTS(F_WITHHOLD_UNANSWERED)
FAULT_TESTS(F_BAD_DEAL_SIG)
FAULT_TESTS(F_UNSIGNED_EQUIVOCATION)
FAULT_TESTS(F_FAKE_ECHO)
FAULT_TESTS(F_BAD_DEAL_SIG_NO_ANSWER)
FAULT_TESTS(F_UNSIGNED_EQUIVOCATION_NO_ANSWER)

Test(dkg_faults, other_groups)
{
    static const mpc_group_id gids[2] = { MPC_ED25519, MPC_SECP256K1 };
    for (int g = 0; g < 2; g++)
        for (int f = 0; f < F_KINDS; f++)
            fault_run(gids[g], 4, 2, dkg_h_bit(3), (fault_kind)f, (uint8_t)(40 + f));
}

Test(dkg_faults, mixed_faults_at_once)
{
    /* (7,4): three faulty dealers, each with a different fault */
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 7, 4, 60);
    set_fault(&h, 1, F_EQUIVOCATE, 0);
    set_fault(&h, 3, F_BAD_SHARE, 4);
    set_fault(&h, 6, F_SILENT, 0);
    dkg_h_run(&h);
    uint64_t bad = dkg_h_bit(1) | dkg_h_bit(3) | dkg_h_bit(6);
    mpc_elem Y;
    dkg_h_check_done(&h, bad, bad, &Y);
    dkg_h_check_healthy(&h);
    cr_assert_eq(dkg_h_reason(&h, 0, 1), MPC_DKG_BLAME_EQUIVOCATION);
    cr_assert_eq(dkg_h_reason(&h, 0, 3), MPC_DKG_BLAME_BAD_SHARE);
    cr_assert_eq(dkg_h_reason(&h, 0, 6), MPC_DKG_BLAME_NO_ANSWER);
    uint32_t honest[4] = { 0, 2, 4, 5 };
    dkg_h_check_combine(&h, honest, 4, &Y, 1);
    dkg_h_free(&h);
}

Test(dkg_faults, too_many_faulty_dealers_abort_with_the_same_blame)
{
    /* (4,3) with two silent parties: only two dealers qualify, fewer than t */
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 4, 3, 70);
    set_fault(&h, 1, F_SILENT, 0);
    set_fault(&h, 2, F_BAD_POP, 0);
    dkg_h_run(&h);
    dkg_h_check_healthy(&h);
    for (uint32_t p = 0; p < 4; p += 3) {
        mpc_dkg *k = dkg_h_node(&h, p);
        cr_assert_eq(mpc_dkg_get_state(k), MPC_DKG_ABORTED);
        cr_assert_eq(mpc_dkg_blame_count(k), 2);
        cr_assert_eq(dkg_h_reason(&h, p, 1), MPC_DKG_BLAME_NO_ANSWER);
        cr_assert_eq(dkg_h_reason(&h, p, 2), MPC_DKG_BLAME_BAD_DEAL);
        cr_assert_eq(sim_loop_count_results(h.l, p, MPC_DKG_RES_ABORT), 1);
        cr_assert_eq(sim_loop_count_results(h.l, p, MPC_DKG_RES_DONE), 0);
        mpc_scalar s;
        cr_assert_eq(mpc_dkg_share_export(k, &s), SH_ERR_STATE);
    }
    /* both honest parties delivered byte-identical abort results */
    const sim_loop_result *a = NULL, *b = NULL;
    for (size_t i = 0; i < sim_loop_result_count(h.l); i++) {
        const sim_loop_result *r = sim_loop_result_at(h.l, i);
        if (r->kind != MPC_DKG_RES_ABORT)
            continue;
        if (r->node == 0)
            a = r;
        if (r->node == 3)
            b = r;
    }
    cr_assert(a != NULL && b != NULL);
    cr_assert(a->len == b->len && memcmp(a->data, b->data, a->len) == 0);
    dkg_h_free(&h);
}

/* (16,9) with `nbad` faulty dealers at the odd ids, every kind of fault. */
static void sixteen(uint32_t nbad)
{
    static const fault_kind kinds[8] = { F_BAD_SHARE, F_BAD_COMMIT, F_BAD_POP, F_EQUIVOCATE,
                                         F_SILENT, F_FALSE_COMPLAINT, F_WITHHOLD_UNANSWERED,
                                         F_BAD_SHARE };
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 16, 9, 80);
    h.lcfg.keep_trace = 0;
    uint64_t bad = 0;
    for (uint32_t i = 0; i < nbad; i++) {
        set_fault(&h, 2 * i + 1, kinds[i], 2 * i);
        bad |= dkg_h_bit(2 * i + 1);
    }
    dkg_h_run(&h);
    dkg_h_check_healthy(&h);
    for (uint32_t i = 0; i < nbad; i++)
        cr_assert_eq(dkg_h_reason(&h, 4, 2 * i + 1), fault_reason[kinds[i]]);
    check_evidence(&h, 4);
    if (16 - nbad >= 9) {
        mpc_elem Y;
        dkg_h_check_done(&h, bad, bad, &Y);
        uint32_t honest[16], nh = 0;
        for (uint32_t p = 0; p < 16; p++)
            if (!(bad & dkg_h_bit(p)))
                honest[nh++] = p;
        dkg_h_check_combine(&h, honest, 9, &Y, 1);
        dkg_h_check_combine(&h, honest + (nh - 9), 9, &Y, 1);
    } else {
        /* fewer than t honest dealers: every honest party aborts, blaming
         * exactly the faulty ones, with byte-identical results */
        const sim_loop_result *first = NULL;
        for (size_t i = 0; i < sim_loop_result_count(h.l); i++) {
            const sim_loop_result *r = sim_loop_result_at(h.l, i);
            cr_assert_neq(r->kind, MPC_DKG_RES_DONE);
            if (r->kind != MPC_DKG_RES_ABORT || h.faulty[r->node])
                continue;
            if (first == NULL)
                first = r;
            cr_assert(r->len == first->len && memcmp(r->data, first->data, r->len) == 0);
        }
        for (uint32_t p = 0; p < 16; p += 2) {
            mpc_dkg *k = dkg_h_node(&h, p);
            cr_assert_eq(mpc_dkg_get_state(k), MPC_DKG_ABORTED);
            cr_assert_eq(mpc_dkg_blame_count(k), nbad);
        }
    }
    dkg_h_free(&h);
}

Test(dkg_faults, sixteen_parties_seven_faulty) { sixteen(7); }
Test(dkg_faults, sixteen_parties_eight_faulty_abort) { sixteen(8); }

/* The proofs of possession are checked in round 3, in the shares' MSM, so
 * a dealer whose proof is bad still receives its shares as a holder in
 * round 2: nobody has to reveal them in round 4.  Its DEAL is excluded
 * (BAD_DEAL) by everyone, itself included, every node ends DONE with the
 * same outcome, the run waits for no deadline, each honest node sends
 * exactly the messages of an honest run (no ANSWER), and the faulty
 * holder's share matches its verification share. */
Test(dkg_faults, bad_pop_holder_gets_its_shares_without_round_4)
{
    static const mpc_group_id gids[3] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };
    const uint32_t n = 5, t = 3;
    for (int g = 0; g < 3; g++) {
        dkg_h h;
        dkg_h_init(&h, gids[g], n, t, (uint8_t)(70 + g));
        set_fault(&h, 1, F_BAD_POP, 0);
        dkg_h_run(&h);
        mpc_elem Y;
        dkg_h_check_done(&h, dkg_h_bit(1), dkg_h_bit(1), &Y);
        dkg_h_check_healthy(&h);
        cr_assert_lt(sim_loop_now(h.l), 50000000ULL, "group %d: a deadline was needed", g);
        for (uint32_t i = 0; i < n; i++) {
            sim_loop_stats st;
            cr_assert_eq(sim_loop_stats_get(h.l, i, &st), 0);
            cr_assert_eq(sim_loop_count_results(h.l, i, MPC_DKG_RES_DONE), 1, "node %u", i);
            if (i != 1)
                cr_assert_eq(st.sent, 8 * (uint64_t)(n - 1), "node %u sent %llu", i,
                             (unsigned long long)st.sent);
        }
        /* the faulty holder agrees, and its share is right */
        mpc_dkg *k1 = dkg_h_node(&h, 1), *k0 = dkg_h_node(&h, 0);
        uint8_t o0[32], o1[32];
        cr_assert_eq(mpc_dkg_outcome_hash(k0, o0), 0);
        cr_assert_eq(mpc_dkg_outcome_hash(k1, o1), 0);
        cr_assert(memcmp(o0, o1, 32) == 0, "group %d: the faulty node decided otherwise", g);
        mpc_scalar s1;
        mpc_elem V1, sB;
        cr_assert_eq(mpc_dkg_share_export(k1, &s1), 0);
        cr_assert_eq(mpc_dkg_verification_share(k0, 1, &V1), 0);
        mpc_elem_mul_base(h.g, &sB, &s1);
        cr_assert(mpc_elem_eq(h.g, &sB, &V1), "group %d: the faulty holder's share", g);
        dkg_h_free(&h);
    }
}

/* A bad proof and a bad share in the same run: the joint check of round 3
 * fails, and checking them apart names both (the proof's dealer BAD_DEAL,
 * the share's BAD_SHARE), in every group. */
Test(dkg_faults, bad_pop_and_bad_share_together)
{
    static const mpc_group_id gids[3] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };
    for (int g = 0; g < 3; g++) {
        dkg_h h;
        dkg_h_init(&h, gids[g], 5, 3, (uint8_t)(80 + g));
        set_fault(&h, 1, F_BAD_POP, 0);
        set_fault(&h, 3, F_BAD_SHARE, 0);
        dkg_h_run(&h);
        uint64_t bad = dkg_h_bit(1) | dkg_h_bit(3);
        mpc_elem Y;
        dkg_h_check_done(&h, bad, bad, &Y);
        dkg_h_check_healthy(&h);
        for (uint32_t i = 0; i < 5; i++) {
            if (h.faulty[i])
                continue;
            cr_assert_eq(dkg_h_reason(&h, i, 1), MPC_DKG_BLAME_BAD_DEAL, "group %d node %u", g, i);
            cr_assert_eq(dkg_h_reason(&h, i, 3), MPC_DKG_BLAME_BAD_SHARE, "group %d node %u", g, i);
            check_evidence(&h, i);
        }
        uint32_t honest[3] = { 0, 2, 4 };
        dkg_h_check_combine(&h, honest, 3, &Y, 1);
        dkg_h_free(&h);
    }
}

/* A dealer whose proof of possession fails is excluded as if its DEAL had
 * been refused on receipt, whatever else it does: here it also withholds
 * holder 2's share and never answers.  Only the round-2 deadline is
 * waited for (holder 2 waits for that share); holder 2 makes no MISSING
 * claim about a dealer already excluded, so nobody waits for round 4's
 * deadline (at 200 ms) for an ANSWER that would not count anyway. */
Test(dkg_faults, a_bad_proof_dealer_draws_no_other_claim)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 96);
    set_fault(&h, 1, F_BAD_POP, 0);
    h.faults[1].withhold_share_from = 2;
    h.faults[1].no_answer = 1;
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, dkg_h_bit(1), dkg_h_bit(1), &Y);
    dkg_h_check_healthy(&h);
    for (uint32_t i = 0; i < 5; i++)
        if (!h.faulty[i])
            cr_assert_eq(dkg_h_reason(&h, i, 1), MPC_DKG_BLAME_BAD_DEAL, "node %u", i);
    cr_assert_lt(sim_loop_now(h.l), 150000000ULL, "round 4 was waited for: %llu ns",
                 (unsigned long long)sim_loop_now(h.l));
    dkg_h_free(&h);
}
