/* tests/test_mpc_dkg_wire.c -- the DKG's messages and network behaviour:
 * codec round trips and strictness, malformed or forged input (truncated,
 * wrong version, wrong type, bad signature, oversize, wrong session,
 * sender mismatch, garbage) rejected with a reason while the run goes on,
 * random loss with jitter (reordering), duplicated messages, and a run
 * reproducible from its seed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/dkg.h"
#include "mpc/dkg_msg.h"
#include "mpc/dkg_impl.h"
#include "helpers/dkg_harness.h"

#define MS 1000000ULL

TestSuite(dkg_wire, .timeout = 600);

static mpc_dkg_limits limits(size_t eb, uint32_t n, uint32_t t)
{
    mpc_dkg_limits l = { .elem_bytes = eb, .n_peers = n, .n_dealers = n, .n_holders = n,
                         .max_commit = t };
    return l;
}

/* encode, decode, encode again: the same bytes */
static void round_trip(mpc_dkg_msg *m, const uint8_t *sk, const mpc_dkg_limits *lim)
{
    sh_buf a, b;
    sh_buf_init(&a);
    sh_buf_init(&b);
    cr_assert_eq(mpc_dkg_msg_encode(&a, m, lim->elem_bytes, sk), 0);
    cr_assert_leq(a.len, mpc_dkg_msg_max_len(m->type, lim));
    mpc_dkg_msg d;
    cr_assert_eq(mpc_dkg_msg_decode(&d, a.data, a.len, lim), 0);
    cr_assert_eq(d.type, m->type);
    cr_assert_eq(d.from, m->from);
    if (m->type != MPC_DKG_MSG_ACK) {
        cr_assert(memcmp(d.h, m->h, 32) == 0);
        if (mpc_dkg_msg_signed(&d)) {
            cr_assert_eq(mpc_dkg_sig_verify(sk + 32, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        } else {
            /* unsigned: 64 zero bytes, and nothing else is accepted there */
            cr_assert(sodium_is_zero(d.sig, sizeof d.sig));
            a.data[a.len - 1] ^= 1;
            mpc_dkg_msg e;
            cr_assert_eq(mpc_dkg_msg_decode(&e, a.data, a.len, lim), SH_ERR_FORMAT);
            a.data[a.len - 1] ^= 1;
        }
    }
    cr_assert_eq(mpc_dkg_msg_encode(&b, &d, lim->elem_bytes, NULL), 0);
    cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    /* every strict prefix is refused */
    for (size_t cut = 0; cut < a.len; cut += 1 + a.len / 40) {
        mpc_dkg_msg e;
        cr_assert_neq(mpc_dkg_msg_decode(&e, a.data, cut, lim), 0);
    }
    mpc_dkg_msg_clear(&d);
    sh_buf_free(&a);
    sh_buf_free(&b);
}

/* A DEAL from peer `from` with three commitments of eb bytes each in commit
 * (filled) and a proof of possession. */
static void deal_init(mpc_dkg_msg *m, uint32_t from, uint8_t *commit, size_t eb)
{
    memset(m, 0, sizeof *m);
    m->type = MPC_DKG_MSG_DEAL;
    m->from = from;
    memset(m->sid, 7, 32);
    memset(m->E, 1, 32);
    memset(commit, 2, 3 * eb);
    m->has_commit = 1;
    m->n_commit = 3;
    m->commit = commit;
    m->pop_len = eb + 32;
}

/* The DEAL's decompression hints: exactly E's, each commitment's and R's
 * (only E's in a group without hints, or from a non-dealer); round trip,
 * where each accessor points, and every other length refused. */
Test(dkg_wire, deal_hints)
{
    cr_assert(sodium_init() >= 0);
    uint8_t pk[32], sk[64], commit[3 * 32], hints[6 * 32];
    crypto_sign_keypair(pk, sk);
    mpc_dkg_limits lim = limits(32, 5, 3);
    lim.hint_bytes = 32;
    mpc_dkg_msg m;
    deal_init(&m, 1, commit, 32);
    for (size_t i = 0; i < sizeof hints; i++)
        hints[i] = (uint8_t)(i / 32);
    m.hints = hints;
    m.hints_len = 5 * 32;
    cr_assert_eq(mpc_dkg_deal_hints_len(&m, 32), 5 * 32);
    round_trip(&m, sk, &lim);

    sh_buf a;
    sh_buf_init(&a);
    mpc_dkg_msg d;
    cr_assert_eq(mpc_dkg_msg_encode(&a, &m, 32, sk), 0);
    cr_assert_eq(mpc_dkg_msg_decode(&d, a.data, a.len, &lim), 0);
    cr_assert_eq(mpc_dkg_deal_hint_E(&d)[0], 0);
    for (uint32_t i = 0; i < 3; i++)
        cr_assert_eq(mpc_dkg_deal_hint_commit(&d, 32, i)[31], 1 + i);
    cr_assert_eq(mpc_dkg_deal_hint_R(&d, 32)[0], 4);
    mpc_dkg_msg_clear(&d);
    /* one hint short, one too many */
    for (size_t len = 4 * 32; len <= 6 * 32; len += 2 * 32) {
        m.hints_len = len;
        cr_assert_eq(mpc_dkg_msg_encode(&a, &m, 32, sk), 0);
        cr_assert_neq(mpc_dkg_msg_decode(&d, a.data, a.len, &lim), 0, "%zu bytes", len);
    }
    /* a group without hints: E's alone */
    mpc_dkg_limits none = limits(32, 5, 3);
    m.hints_len = 5 * 32;
    cr_assert_eq(mpc_dkg_msg_encode(&a, &m, 32, sk), 0);
    cr_assert_neq(mpc_dkg_msg_decode(&d, a.data, a.len, &none), 0);
    m.hints_len = 32;
    round_trip(&m, sk, &none);
    cr_assert_null(mpc_dkg_deal_hint_R(&m, 0));
    cr_assert_null(mpc_dkg_deal_hint_commit(&m, 0, 0));
    /* a non-dealer: E's alone */
    m.has_commit = 0;
    m.pop_len = 0;
    round_trip(&m, sk, &lim);
    cr_assert_null(mpc_dkg_deal_hint_R(&m, 32));
    m.hints_len = 2 * 32;
    cr_assert_eq(mpc_dkg_msg_encode(&a, &m, 32, sk), 0);
    cr_assert_neq(mpc_dkg_msg_decode(&d, a.data, a.len, &lim), 0);
    /* no pop (refresh): E's and the commitments' */
    m.has_commit = 1;
    m.hints_len = 4 * 32;
    round_trip(&m, sk, &lim);
    cr_assert_null(mpc_dkg_deal_hint_R(&m, 32));
    /* nil */
    m.hints = NULL;
    m.hints_len = 0;
    round_trip(&m, sk, &lim);
    cr_assert_null(mpc_dkg_deal_hint_E(&m));
    cr_assert_null(mpc_dkg_deal_hint_commit(&m, 32, 0));
    sh_buf_free(&a);
}

Test(dkg_wire, codec_round_trips)
{
    cr_assert(sodium_init() >= 0);
    uint8_t pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    mpc_dkg_limits lim = limits(33, 5, 3);      /* secp256k1: hints are y */
    lim.hint_bytes = 32;
    mpc_dkg_msg m;
    uint8_t commit[3 * 33], hints[5 * 32], r1[200], r2[300];

    deal_init(&m, 4, commit, 33);
    round_trip(&m, sk, &lim);
    memset(hints, 9, sizeof hints);
    m.hints = hints;
    m.hints_len = sizeof hints;
    round_trip(&m, sk, &lim);
    m.hints = NULL;
    m.hints_len = 0;
    m.has_commit = 0;
    m.pop_len = 0;
    round_trip(&m, sk, &lim);

    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_SHARE;
    m.to = 2;
    m.leaf = 1;
    m.n_path = mpc_dkg_merkle_depth(lim.n_holders);
    cr_assert_eq(m.n_path, 3);
    memset(m.path, 5, sizeof m.path);
    round_trip(&m, sk, &lim);
    {
        /* a path of another length, a leaf index out of range: refused */
        sh_buf b;
        sh_buf_init(&b);
        mpc_dkg_msg d;
        for (uint32_t np = 0; np <= 4; np++) {
            m.n_path = np;
            cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
            cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim) == 0, np == 3, "path %u", np);
            if (np == 3)
                mpc_dkg_msg_clear(&d);
        }
        m.n_path = 3;
        m.leaf = 5;
        cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_RANGE);
        m.leaf = 4;
        cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        mpc_dkg_msg_clear(&d);
        /* more holders than a path can serve: refused, not overrun */
        mpc_dkg_limits big = lim;
        big.n_holders = MPC_MAX_PARTIES + 1;
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &big), SH_ERR_RANGE);
        sh_buf_free(&b);
    }

    mpc_dkg_echo view[5];
    mpc_dkg_claim claims[4];
    memset(view, 0, sizeof view);
    memset(claims, 0, sizeof claims);
    view[1].present = 1;
    view[4].present = 1;
    memset(r1, 3, sizeof r1);
    memset(r2, 4, sizeof r2);
    claims[0] = (mpc_dkg_claim){ .kind = MPC_DKG_CLAIM_MISSING, .dealer = 0 };
    claims[1] = (mpc_dkg_claim){ .kind = MPC_DKG_CLAIM_BAD_SHARE, .dealer = 1, .r1 = r1,
                                 .r1_len = sizeof r1, .r2 = r2, .r2_len = sizeof r2 };
    claims[2] = (mpc_dkg_claim){ .kind = MPC_DKG_CLAIM_BAD_DEAL, .dealer = 2, .r1 = r1,
                                 .r1_len = 10 };
    claims[3] = (mpc_dkg_claim){ .kind = MPC_DKG_CLAIM_EQUIVOCATION, .dealer = 2 };
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_VIEW;
    m.n_view = 5;
    m.view = view;
    m.n_claims = 4;
    m.claims = claims;
    round_trip(&m, sk, &lim);
    cr_assert(mpc_dkg_msg_signed(&m));
    /* a VIEW without claims is signed only if it has a nil entry */
    m.n_claims = 0;
    cr_assert(mpc_dkg_msg_signed(&m));
    round_trip(&m, sk, &lim);
    for (int i = 0; i < 5; i++)
        view[i].present = 1;
    cr_assert(!mpc_dkg_msg_signed(&m));
    round_trip(&m, sk, &lim);
    m.n_claims = 4;

    /* claims out of order are refused */
    sh_buf b;
    sh_buf_init(&b);
    mpc_dkg_claim swapped[2] = { claims[2], claims[0] };
    m.n_claims = 2;
    m.claims = swapped;
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
    mpc_dkg_msg d;
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_FORMAT);
    /* a view of the wrong length is refused */
    m.n_claims = 0;
    m.n_view = 4;
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_LENGTH);

    uint32_t idx[2] = { 0, 3 };
    uint8_t shares[64] = { 0 };
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_ANSWER;
    m.r1 = r1;
    m.r1_len = sizeof r1;
    m.n_reveal = 2;
    m.reveal_idx = idx;
    m.reveal_share = shares;
    round_trip(&m, sk, &lim);
    idx[1] = 0;   /* not increasing */
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_FORMAT);

    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_CONFIRM;
    round_trip(&m, sk, &lim);
    cr_assert(!mpc_dkg_msg_signed(&m));
    m.type = MPC_DKG_MSG_ACK;
    round_trip(&m, sk, &lim);

    /* a peer id out of range, a wrong version */
    m.type = MPC_DKG_MSG_CONFIRM;
    m.from = 5;
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_RANGE);
    m.from = 0;
    cr_assert_eq(mpc_dkg_msg_encode(&b, &m, 33, sk), 0);
    b.data[1] = MPC_DKG_VERSION + 1;
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_VERSION);
    b.data[1] = MPC_DKG_VERSION - 1;           /* the retired version 1 */
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_VERSION);
    b.data[1] = MPC_DKG_VERSION;
    b.data[2] = 17;
    cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), SH_ERR_TYPE);
    sh_buf_free(&b);
}

/* ---- forged and malformed input during a run ------------------------------------ */

Test(dkg_wire, malformed_messages_are_rejected_and_the_run_completes)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 30);
    dkg_h_start(&h);
    mpc_dkg_limits lim = limits(32, 5, 3);
    lim.hint_bytes = mpc_group_hint_bytes(h.g);

    /* a well-formed DEAL "from" peer 1, correctly signed (we know its key) */
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_DEAL;
    m.from = 1;
    memcpy(m.sid, h.cfg.sid, 32);
    mpc_elem B;
    mpc_elem_base(h.g, &B);
    (void)mpc_elem_encode(h.g, m.E, &B);
    uint8_t commit[3 * 32];
    for (int i = 0; i < 3; i++)
        (void)mpc_elem_encode(h.g, commit + 32 * i, &B);
    m.has_commit = 1;
    m.n_commit = 3;
    m.commit = commit;
    m.pop_len = 64;
    sh_buf good;
    sh_buf_init(&good);
    cr_assert_eq(mpc_dkg_msg_encode(&good, &m, 32, h.sk[1]), 0);

    uint8_t buf[4096];
    size_t n = good.len;
    uint64_t at = MS / 2;   /* before the real DEALs arrive */
    /* truncated */
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, good.data, n - 10), 0);
    /* wrong version, wrong type */
    memcpy(buf, good.data, n);
    buf[1] = 9;
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, buf, n), 0);
    buf[1] = MPC_DKG_VERSION;
    buf[2] = 42;
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, buf, n), 0);
    /* A DEAL's signature is not checked on receipt (docs/dkg.md, "Which
     * signatures are checked"): this forged one, its signature broken, is
     * kept as peer 1's DEAL (and reported invalid: its proof of possession
     * is zeros).  A second, different DEAL is checked, because two signed
     * ones would prove an equivocation: the next forgery, also with a
     * broken signature, is refused, and peer 1's real DEAL, arriving later,
     * is kept as the second hash.  Peer 0 then finds the first unsigned,
     * echoes nil for peer 1 and gets its share revealed: nobody is blamed. */
    memcpy(buf, good.data, n);
    buf[n - 1] ^= 1;
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, buf, n), 0);
    sh_buf forged2;
    sh_buf_init(&forged2);
    m.pop_len = 0;
    cr_assert_eq(mpc_dkg_msg_encode(&forged2, &m, 32, h.sk[1]), 0);
    m.pop_len = 64;
    forged2.data[forged2.len - 1] ^= 1;
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, forged2.data, forged2.len), 0);
    sh_buf_free(&forged2);
    /* oversize: a DEAL header followed by far more than a DEAL may hold */
    size_t big = mpc_dkg_msg_max_len(MPC_DKG_MSG_DEAL, &lim) + 100;
    cr_assert_lt(big, sizeof buf);
    memset(buf, 0, sizeof buf);
    memcpy(buf, good.data, 3);
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, buf, big), 0);
    /* wrong session (correctly signed) */
    sh_buf other;
    sh_buf_init(&other);
    m.sid[5] ^= 1;
    cr_assert_eq(mpc_dkg_msg_encode(&other, &m, 32, h.sk[1]), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, other.data, other.len), 0);
    m.sid[5] ^= 1;
    /* sent by 2 but claiming to be from 1 */
    cr_assert_eq(sim_loop_inject(h.l, 2, 0, at, good.data, n), 0);
    /* garbage */
    memset(buf, 0xc1, 64);
    cr_assert_eq(sim_loop_inject(h.l, 3, 0, at, buf, 64), 0);
    /* a SHARE for someone else */
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_SHARE;
    m.from = 1;
    m.to = 3;
    m.leaf = 3;
    m.n_path = mpc_dkg_merkle_depth(5);
    memcpy(m.sid, h.cfg.sid, 32);
    cr_assert_eq(mpc_dkg_msg_encode(&other, &m, 32, h.sk[1]), 0);
    cr_assert_eq(sim_loop_inject(h.l, 1, 0, at, other.data, other.len), 0);
    /* an ACK of nothing: harmless, not a rejection */
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_ACK;
    m.from = 4;
    memcpy(m.sid, h.cfg.sid, 32);
    cr_assert_eq(mpc_dkg_msg_encode(&other, &m, 32, NULL), 0);
    cr_assert_eq(sim_loop_inject(h.l, 4, 0, at, other.data, other.len), 0);

    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    dkg_h_check_healthy(&h);
    static const char *const reasons[] = {
        "dkg: truncated message", "dkg: unknown version", "dkg: unknown message type",
        "dkg: bad signature", "dkg: oversize message", "dkg: wrong session",
        "dkg: sender mismatch", "dkg: malformed message", "dkg: share for another party",
        "dkg: invalid deal", "dkg: equivocating deal",
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        cr_assert_eq(sim_loop_reject_count(h.l, 0, reasons[i]), 1, "%s", reasons[i]);
    sim_loop_stats st;
    cr_assert_eq(sim_loop_stats_get(h.l, 0, &st), 0);
    cr_assert_eq(st.rejects, sizeof reasons / sizeof reasons[0]);
    uint32_t all[5] = { 0, 1, 2, 3, 4 };
    dkg_h_check_combine(&h, all, 3, &Y, 1);
    sh_buf_free(&good);
    sh_buf_free(&other);
    dkg_h_free(&h);
}

/* ---- an unreliable network -------------------------------------------------------- */

Test(dkg_wire, loss_and_reordering_are_recovered)
{
    for (uint8_t seed = 40; seed < 43; seed++) {
        dkg_h h;
        dkg_h_init(&h, MPC_RISTRETTO255, 7, 4, seed);
        h.lcfg.loss = 0.2;
        h.lcfg.jitter_ns = 4 * MS;   /* later rounds often overtake earlier ones */
        h.lcfg.keep_trace = 0;
        dkg_h_run(&h);
        mpc_elem Y;
        dkg_h_check_done(&h, 0, 0, &Y);
        dkg_h_check_healthy(&h);
        uint32_t all[7] = { 6, 5, 4, 3, 2, 1, 0 };
        dkg_h_check_combine(&h, all, 4, &Y, 1);
        uint64_t lost = 0;
        for (uint32_t i = 0; i < 7; i++) {
            sim_loop_stats st;
            cr_assert_eq(sim_loop_stats_get(h.l, i, &st), 0);
            lost += st.lost;
            cr_assert_eq(st.rejects, 0, "node %u: %s", i, st.last_reject_reason);
        }
        cr_assert_gt(lost, 0);
        dkg_h_free(&h);
    }
}

/* Every message from 1 to 0 (and 0's own to 2) arrives three more times. */
static dkg_h *dup_h;

static int duplicate(void *arg, uint64_t time, uint32_t from, uint32_t to, const uint8_t *msg,
                     size_t len)
{
    (void)arg;
    if ((from == 1 && to == 0) || (from == 0 && to == 2))
        for (uint64_t k = 1; k <= 3; k++)
            cr_assert_eq(sim_loop_inject(dup_h->l, from, to, time + k * 700000, msg, len), 0);
    return 0;
}

Test(dkg_wire, duplicates_are_harmless)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 50);
    dup_h = &h;
    h.lcfg.filter = duplicate;
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    dkg_h_check_healthy(&h);
    for (uint32_t i = 0; i < 5; i++) {
        sim_loop_stats st;
        cr_assert_eq(sim_loop_stats_get(h.l, i, &st), 0);
        cr_assert_eq(st.rejects, 0, "node %u: %s", i, st.last_reject_reason);
    }
    dkg_h_free(&h);
}

static int drop_deal_1_to_0(void *arg, uint64_t time, uint32_t from, uint32_t to,
                            const uint8_t *msg, size_t len)
{
    (void)arg;
    (void)time;
    return from == 1 && to == 0 && len > 3 && msg[2] == MPC_DKG_MSG_DEAL;
}

Test(dkg_wire, a_deal_that_never_arrives_is_answered)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 56);
    h.lcfg.filter = drop_deal_1_to_0;
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    dkg_h_check_healthy(&h);
    uint32_t hs[3] = { 0, 1, 2 };
    dkg_h_check_combine(&h, hs, 3, &Y, 1);
    /* node 0 waited for the round-1 deadline; without 1's key it could not
     * seal 1's share, so 1 waited for the round-2 deadline; both said so
     * in their views, and each revealed the other's share in round 4 */
    for (size_t i = 0; i < sim_loop_result_count(h.l); i++) {
        const sim_loop_result *r = sim_loop_result_at(h.l, i);
        if (r->kind != MPC_DKG_RES_DONE)
            continue;
        cr_assert_geq(r->time, 100 * MS);
        cr_assert_lt(r->time, 150 * MS);
    }
    cr_assert_eq(sim_loop_reject_count(h.l, 0, "dkg: invalid answer"), 0);
    dkg_h_free(&h);
}

/* ---- determinism --------------------------------------------------------------------- */

static char *trace_of(uint8_t seed)
{
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 4, 3, 60);
    memset(h.lcfg.seed, seed, sizeof h.lcfg.seed);
    h.lcfg.jitter_ns = 2 * MS;
    h.lcfg.loss = 0.1;
    dkg_h_run(&h);
    const char *t = sim_loop_trace(h.l, NULL);
    cr_assert_not_null(t);
    char *c = strdup(t);
    dkg_h_free(&h);
    return c;
}

Test(dkg_wire, runs_are_reproducible_from_the_seed)
{
    char *a = trace_of(1), *b = trace_of(1), *c = trace_of(2);
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    free(a);
    free(b);
    free(c);
}

/* A dealer's SHAREs signed together: every one of five SHAREs, with its
 * own path, verifies against the one signature; a changed path byte, a
 * changed leaf index, a changed ciphertext or another holder's path does
 * not.  Also the tree by hand for two leaves. */
Test(dkg_wire, shares_signed_together)
{
    cr_assert(sodium_init() >= 0);
    uint8_t pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    mpc_dkg_limits lim = limits(32, 5, 3);
    const uint32_t n = 5, depth = mpc_dkg_merkle_depth(n), L = 1u << depth;
    cr_assert_eq(depth, 3);
    cr_assert_eq(mpc_dkg_merkle_depth(1), 0);
    cr_assert_eq(mpc_dkg_merkle_depth(2), 1);
    cr_assert_eq(mpc_dkg_merkle_depth(1024), 10);
    mpc_dkg_msg m[5];
    uint8_t node[16][32];
    memset(node, 0, sizeof node);
    for (uint32_t j = 0; j < n; j++) {
        memset(&m[j], 0, sizeof m[j]);
        m[j].type = MPC_DKG_MSG_SHARE;
        m[j].from = 0;
        m[j].to = j;
        memset(m[j].sid, 7, 32);
        memset(m[j].E_to, (int)j, 32);
        m[j].deal.present = 1;
        memset(m[j].ct, (int)(40 + j), sizeof m[j].ct);
        mpc_dkg_share_leaf(node[L + j], &m[j]);
    }
    for (uint32_t i = L; i-- > 1;)
        mpc_dkg_merkle_node(node[i], node[2 * i], node[2 * i + 1]);
    uint8_t sig[64];
    mpc_dkg_sign(sig, sk, m[0].sid, MPC_DKG_MSG_SHARE, node[1]);
    sh_buf b;
    sh_buf_init(&b);
    for (uint32_t j = 0; j < n; j++) {
        m[j].leaf = j;
        m[j].n_path = depth;
        for (uint32_t l = 0; l < depth; l++)
            memcpy(m[j].path[l], node[((L + j) >> l) ^ 1], 32);
        memcpy(m[j].sig, sig, 64);
        cr_assert_eq(mpc_dkg_msg_encode(&b, &m[j], 32, NULL), 0);
        mpc_dkg_msg d;
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        cr_assert_arr_eq(d.root, node[1], 32);
        cr_assert_eq(mpc_dkg_sig_verify(pk, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        cr_assert_neq(memcmp(d.h, d.root, 32), 0, "h is the message's hash, not the root");
        mpc_dkg_msg_clear(&d);
        /* tampering anywhere the leaf or the path covers breaks it */
        mpc_dkg_msg t = m[j];
        t.path[depth - 1][0] ^= 1;
        cr_assert_eq(mpc_dkg_msg_encode(&b, &t, 32, NULL), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        cr_assert_neq(mpc_dkg_sig_verify(pk, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        mpc_dkg_msg_clear(&d);
        t = m[j];
        t.leaf = (j + 1) % n;
        cr_assert_eq(mpc_dkg_msg_encode(&b, &t, 32, NULL), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        cr_assert_neq(mpc_dkg_sig_verify(pk, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        mpc_dkg_msg_clear(&d);
        t = m[j];
        t.ct[0] ^= 1;
        cr_assert_eq(mpc_dkg_msg_encode(&b, &t, 32, NULL), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        cr_assert_neq(mpc_dkg_sig_verify(pk, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        mpc_dkg_msg_clear(&d);
        /* every field the leaf covers */
        for (int field = 0; field < 6; field++) {
            t = m[j];
            switch (field) {
            case 0: t.sid[3] ^= 1; break;
            case 1: t.from ^= 1; break;
            case 2: t.to ^= 1; break;
            case 3: t.E_to[5] ^= 1; break;
            case 4: t.deal.h[7] ^= 1; break;
            default: t.deal.sig[9] ^= 1; break;
            }
            uint8_t leaf[32], root[32];
            mpc_dkg_share_leaf(leaf, &t);
            mpc_dkg_merkle_fold(root, leaf, t.leaf, (const uint8_t(*)[32])t.path, depth);
            cr_assert_neq(mpc_dkg_sig_verify(pk, t.sid, MPC_DKG_MSG_SHARE, root, t.sig), 0,
                          "field %d", field);
        }
        t = m[j];
        memcpy(t.path, m[(j + 1) % n].path, sizeof t.path);
        cr_assert_eq(mpc_dkg_msg_encode(&b, &t, 32, NULL), 0);
        cr_assert_eq(mpc_dkg_msg_decode(&d, b.data, b.len, &lim), 0);
        cr_assert_neq(mpc_dkg_sig_verify(pk, d.sid, d.type, mpc_dkg_signed_hash(&d), d.sig), 0);
        mpc_dkg_msg_clear(&d);
    }
    sh_buf_free(&b);

    /* a leaf by hand: BLAKE2b-256("shroud-dkg-share-leaf-v1" || sid || u32be(from)
     * || u32be(to) || E_to || deal.h || deal.sig || ct) */
    {
        uint8_t lin[24 + 32 + 8 + 32 + 32 + 64 + 48], *q = lin, want_leaf[32];
        memcpy(q, "shroud-dkg-share-leaf-v1", 24);
        q += 24;
        memcpy(q, m[3].sid, 32);
        q += 32;
        uint8_t ids[8] = { 0, 0, 0, 0, 0, 0, 0, 3 };
        memcpy(q, ids, 8);
        q += 8;
        memcpy(q, m[3].E_to, 32);
        q += 32;
        memcpy(q, m[3].deal.h, 32);
        q += 32;
        memcpy(q, m[3].deal.sig, 64);
        q += 64;
        memcpy(q, m[3].ct, 48);
        crypto_generichash(want_leaf, 32, lin, sizeof lin, NULL, 0);
        cr_assert_arr_eq(node[L + 3], want_leaf, 32);
    }
    /* two leaves by hand: root = BLAKE2b-256("shroud-dkg-share-node-v1" || l0 || l1) */
    uint8_t in[24 + 64], want[32], got[32];
    memcpy(in, "shroud-dkg-share-node-v1", 24);
    memcpy(in + 24, node[L], 32);
    memcpy(in + 56, node[L + 1], 32);
    crypto_generichash(want, 32, in, sizeof in, NULL, 0);
    const uint8_t (*p1)[32] = (const uint8_t(*)[32])node[L + 1];
    mpc_dkg_merkle_fold(got, node[L], 0, p1, 1);
    cr_assert_arr_eq(got, want, 32);
}

/* The share key's input X(K) (docs/dkg.md, "Share encryption"): for the
 * ristretto255 base point it is the u-coordinate of 4 times edwards25519's
 * base point (computed here with libsodium alone), and X25519 with one
 * party's key on the other's X(E) gives X(e_a e_b B) from both sides. */
Test(dkg_wire, pair_secret_is_x25519_of_4k)
{
    cr_assert(sodium_init() >= 0);
    uint8_t four[32] = { 4 }, ed[32], u[32], x[32];
    cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(ed, four), 0);
    cr_assert_eq(crypto_sign_ed25519_pk_to_curve25519(u, ed), 0);
    zk_elem B;
    zk_point Bp;
    zk_point_base(&Bp);
    zk_elem_set(&B, &Bp);
    dkg_pair_secret_of(x, &B);
    cr_assert_arr_eq(x, u, 32, "X(B) is not u(4 G)");
    for (int trial = 0; trial < 20; trial++) {
        uint8_t sa[32], sb[32], ca[32], cb[32], ka[32], kb[32], kx[32], xa[32], xb[32];
        zk_scalar ea, eb;
        zk_point Ea, Eb, K;
        zk_elem Ea_el, Eb_el, K_el;
        randombytes_buf(sa, 32);
        randombytes_buf(sb, 32);
        memcpy(ca, sa, 32);
        memcpy(cb, sb, 32);
        ca[0] &= 248; ca[31] &= 127; ca[31] |= 64;
        cb[0] &= 248; cb[31] &= 127; cb[31] |= 64;
        zk_scalar_reduce(&ea, ca, 32);
        zk_scalar_reduce(&eb, cb, 32);
        zk_point_mul_base(&Ea, &ea);
        zk_point_mul_base(&Eb, &eb);
        zk_elem_set(&Ea_el, &Ea);
        zk_elem_set(&Eb_el, &Eb);
        dkg_pair_secret_of(xa, &Ea_el);
        dkg_pair_secret_of(xb, &Eb_el);
        cr_assert_eq(crypto_scalarmult(ka, sa, xb), 0);
        cr_assert_eq(crypto_scalarmult(kb, sb, xa), 0);
        zk_point_mul(&K, &Eb, &ea);
        zk_elem_set(&K_el, &K);
        dkg_pair_secret_of(kx, &K_el);
        cr_assert_arr_eq(ka, kb, 32);
        cr_assert_arr_eq(ka, kx, 32);
    }
}

/* The round-3 check of the shares and the proofs of possession together
 * (docs/dkg.md, "Batched proofs of possession") passes in an honest run in
 * every group, so no party falls back to checking them apart; a bad proof
 * makes every honest holder fall back exactly once (and still finish, as
 * test_mpc_dkg_faults.c checks). */
Test(dkg_wire, joint_round3_check_falls_back_only_when_someone_cheats)
{
    static const mpc_group_id gids[3] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };
    for (int g = 0; g < 3; g++) {
        for (int cheat = 0; cheat < 2; cheat++) {
            dkg_h h;
            dkg_h_init(&h, gids[g], 5, 3, (uint8_t)(90 + 2 * g + cheat));
            if (cheat) {
                mpc_dkg_faults_none(&h.faults[2]);
                h.faults[2].bad_pop = 1;
                h.faulty[2] = 1;
            }
            dkg_h_run(&h);
            mpc_elem Y;
            dkg_h_check_done(&h, cheat ? dkg_h_bit(2) : 0, cheat ? dkg_h_bit(2) : 0, &Y);
            for (uint32_t i = 0; i < 5; i++) {
                if (h.faulty[i])
                    continue;
                cr_assert_eq(dkg_h_node(&h, i)->joint_fallbacks, (uint32_t)cheat,
                             "group %d cheat %d node %u: %u fallbacks", g, cheat, i,
                             dkg_h_node(&h, i)->joint_fallbacks);
            }
            dkg_h_free(&h);
        }
    }
}
