/* tests/test_mpc_dkg_refresh.c -- proactive refresh and resharing with
 * mpc/dkg: the group key never changes, the new shares combine to the old
 * secret, old and new shares do not combine with each other, resharing
 * works between overlapping and disjoint committees of other sizes and
 * thresholds, faulty old holders are excluded, and the old shares become
 * erasable only once the new holders have confirmed. */
#include <criterion/criterion.h>
#include <string.h>

#include "mpc/dkg.h"
#include "mpc/dkg_msg.h"
#include "helpers/dkg_harness.h"
#include "testutil.h"

TestSuite(dkg_refresh, .timeout = 600);

/* An old sharing: from a fresh DKG among n parties (peers 0..n-1). */
typedef struct old_sharing {
    uint32_t n, t;
    mpc_elem Y;
    mpc_elem C[DKG_H_MAX];
    mpc_scalar share[DKG_H_MAX];
} old_sharing;

static void fresh_dkg(old_sharing *o, mpc_group_id gid, uint32_t n, uint32_t t, uint8_t seed)
{
    dkg_h h;
    dkg_h_init(&h, gid, n, t, seed);
    dkg_h_run(&h);
    dkg_h_check_done(&h, 0, 0, &o->Y);
    cr_assert_eq(mpc_dkg_commitments(dkg_h_node(&h, 0), o->C, t), 0);
    o->n = n;
    o->t = t;
    memcpy(o->share, h.share, sizeof o->share);
    dkg_h_free(&h);
}

/* An old sharing of a known secret from a trusted dealer (for resharing). */
static void dealt(old_sharing *o, mpc_group *g, uint32_t n, uint32_t t, mpc_scalar *secret,
                  sh_rng *rng)
{
    mpc_scalar_random(g, secret, rng);
    cr_assert_eq(mpc_shamir_split(g, o->share, o->C, secret, t, n, rng), 0);
    mpc_elem_mul_base(g, &o->Y, secret);
    o->n = n;
    o->t = t;
}

/* shares[i] at identifier ids[i] combine to a y with y*B == Y ? */
static int combines(const mpc_group *g, const uint64_t *ids, const mpc_scalar *sh, size_t k,
                    const mpc_elem *Y)
{
    mpc_scalar x[DKG_H_MAX], y;
    for (size_t i = 0; i < k; i++)
        mpc_scalar_from_u64(g, &x[i], ids[i]);
    cr_assert_eq(mpc_shamir_combine(g, &y, x, sh, k), 0);
    mpc_elem S;
    mpc_elem_mul_base(g, &S, &y);
    return mpc_elem_eq(g, &S, Y);
}

static void refresh_run(mpc_group_id gid, uint8_t seed)
{
    old_sharing o;
    fresh_dkg(&o, gid, 5, 3, seed);

    dkg_h h;
    dkg_h_init(&h, gid, 5, 3, (uint8_t)(seed + 100));
    h.cfg.mode = MPC_DKG_REFRESH;
    /* elements of one group instance work with another of the same group */
    h.cfg.old_commit = o.C;
    for (uint32_t p = 0; p < 5; p++)
        h.old_share[p] = &o.share[p];
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, 0, 0, &Y);
    dkg_h_check_healthy(&h);
    cr_assert(mpc_elem_eq(h.g, &Y, &o.Y), "refresh keeps the key");

    mpc_elem C2[3];
    cr_assert_eq(mpc_dkg_commitments(dkg_h_node(&h, 0), C2, 3), 0);
    cr_assert(mpc_elem_eq(h.g, &C2[0], &o.C[0]));
    cr_assert(!mpc_elem_eq(h.g, &C2[1], &o.C[1]), "the sharing is new");

    static const uint64_t ids[3] = { 1, 3, 5 };
    mpc_scalar s[3];
    /* new with new, old with old: the secret */
    s[0] = h.share[0], s[1] = h.share[2], s[2] = h.share[4];
    cr_assert(combines(h.g, ids, s, 3, &Y));
    s[0] = o.share[0], s[1] = o.share[2], s[2] = o.share[4];
    cr_assert(combines(h.g, ids, s, 3, &Y), "until erased the old shares still work");
    /* mixed: never */
    for (int mask = 1; mask < 7; mask++) {
        s[0] = mask & 1 ? h.share[0] : o.share[0];
        s[1] = mask & 2 ? h.share[2] : o.share[2];
        s[2] = mask & 4 ? h.share[4] : o.share[4];
        cr_assert(!combines(h.g, ids, s, 3, &Y), "old and new shares mixed (mask %d)", mask);
    }
    for (uint32_t p = 0; p < 5; p++) {
        cr_assert(mpc_dkg_old_share_erasable(dkg_h_node(&h, p)));
        cr_assert(!mpc_scalar_eq(h.g, &h.share[p], &o.share[p]));
    }
    dkg_h_free(&h);
}

Test(dkg_refresh, refresh_keeps_the_key_ristretto255) { refresh_run(MPC_RISTRETTO255, 1); }
Test(dkg_refresh, refresh_keeps_the_key_ed25519) { refresh_run(MPC_ED25519, 2); }
Test(dkg_refresh, refresh_keeps_the_key_secp256k1) { refresh_run(MPC_SECP256K1, 3); }

Test(dkg_refresh, refresh_with_faulty_holders)
{
    old_sharing o;
    fresh_dkg(&o, MPC_RISTRETTO255, 7, 4, 4);
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 7, 4, 5);
    h.cfg.mode = MPC_DKG_REFRESH;
    h.cfg.old_commit = o.C;
    for (uint32_t p = 0; p < 7; p++)
        h.old_share[p] = &o.share[p];
    h.faulty[1] = 1;
    h.faults[1].bad_share_to = 0;
    h.faulty[3] = 1;
    h.faults[3].equivocate = 1;
    h.faulty[5] = 1;
    h.faults[5].bad_commitment = 1;
    dkg_h_run(&h);
    uint64_t bad = dkg_h_bit(1) | dkg_h_bit(3) | dkg_h_bit(5);
    mpc_elem Y;
    dkg_h_check_done(&h, bad, bad, &Y);
    dkg_h_check_healthy(&h);
    cr_assert(mpc_elem_eq(h.g, &Y, &o.Y));
    uint32_t honest[4] = { 0, 2, 4, 6 };
    dkg_h_check_combine(&h, honest, 4, &Y, 1);
    dkg_h_free(&h);
}

/* ---- erase after confirm ----------------------------------------------------- */

static int drop_confirms_from_4(void *arg, uint64_t time, uint32_t from, uint32_t to,
                                const uint8_t *msg, size_t len)
{
    (void)arg;
    (void)time;
    (void)to;
    /* [version, 5 (CONFIRM), ...] in a fixarray */
    return from == 4 && len > 3 && msg[1] == MPC_DKG_VERSION && msg[2] == 5;
}

Test(dkg_refresh, old_shares_erasable_only_after_confirmations)
{
    old_sharing o;
    fresh_dkg(&o, MPC_RISTRETTO255, 5, 3, 6);
    for (int quorum = 0; quorum <= 4; quorum += 4) {
        dkg_h h;
        dkg_h_init(&h, MPC_RISTRETTO255, 5, 3, 7);
        h.cfg.mode = MPC_DKG_REFRESH;
        h.cfg.old_commit = o.C;
        h.cfg.erase_quorum = (uint32_t)quorum;   /* 0: all five holders */
        for (uint32_t p = 0; p < 5; p++)
            h.old_share[p] = &o.share[p];
        h.lcfg.filter = drop_confirms_from_4;
        dkg_h_start(&h);
        /* at the moment node 0 decides, nobody else has confirmed yet */
        while (mpc_dkg_get_state(dkg_h_node(&h, 0)) != MPC_DKG_DONE)
            cr_assert_eq(sim_loop_step(h.l), 1);
        cr_assert(!mpc_dkg_old_share_erasable(dkg_h_node(&h, 0)));
        dkg_h_run(&h);
        mpc_elem Y;
        dkg_h_check_done(&h, 0, 0, &Y);
        cr_assert(mpc_elem_eq(h.g, &Y, &o.Y));
        for (uint32_t p = 0; p < 4; p++) {
            int want = quorum == 4;
            cr_assert_eq(mpc_dkg_old_share_erasable(dkg_h_node(&h, p)), want,
                         "quorum %d node %u", quorum, p);
            cr_assert_eq(sim_loop_count_results(h.l, p, MPC_DKG_RES_CONFIRMED),
                         (size_t)want);
        }
        /* node 4 heard everyone */
        cr_assert(mpc_dkg_old_share_erasable(dkg_h_node(&h, 4)));
        /* the old sharing is intact while not erasable */
        static const uint64_t ids[3] = { 2, 3, 4 };
        mpc_scalar s[3] = { o.share[1], o.share[2], o.share[3] };
        cr_assert(combines(h.g, ids, s, 3, &o.Y));
        dkg_h_free(&h);
    }
}

/* ---- resharing ------------------------------------------------------------------ */

/* Reshare an (n, t) sharing held by peers old[0..n) to an (n2, t2) committee
 * new[0..n2) among np peers; `bad_old` (bit set of peers) are faulty old
 * holders (silent, or sending a bad share to new[0]). */
static void reshare_run(mpc_group_id gid, uint32_t np, const sh_peer_id *old, uint32_t n,
                        uint32_t t, const sh_peer_id *nw, uint32_t n2, uint32_t t2,
                        uint64_t bad_old, uint8_t seed)
{
    dkg_h h;
    dkg_h_init(&h, gid, np, t2, seed);
    sh_rng *rng = tu_rng(seed);
    old_sharing o;
    mpc_scalar secret;
    dealt(&o, h.g, n, t, &secret, rng);
    sh_rng_free(rng);
    h.cfg.mode = MPC_DKG_RESHARE;
    h.cfg.n_dealers = n;
    h.cfg.t_old = t;
    h.cfg.dealers = old;
    h.cfg.n_holders = n2;
    h.cfg.holders = nw;
    h.cfg.old_commit = o.C;
    uint64_t bad_dealers = 0;
    int which = 0;
    for (uint32_t i = 0; i < n; i++) {
        h.old_share[old[i]] = &o.share[i];
        if (bad_old & dkg_h_bit(old[i])) {
            bad_dealers |= dkg_h_bit(i);
            h.faulty[old[i]] = 1;
            if (which++ & 1)
                h.faults[old[i]].silent = 1;
            else
                h.faults[old[i]].bad_share_to = nw[0];
        }
    }
    dkg_h_run(&h);
    mpc_elem Y;
    dkg_h_check_done(&h, bad_dealers, bad_old, &Y);
    dkg_h_check_healthy(&h);
    cr_assert(mpc_elem_eq(h.g, &Y, &o.Y), "resharing keeps the key");

    /* the honest new holders' shares: any t2 combine to the old secret,
     * t2-1 do not */
    uint64_t ids[DKG_H_MAX];
    mpc_scalar s[DKG_H_MAX], x[DKG_H_MAX], y;
    uint32_t m = 0, faulty_new = 0;   /* silent new holders */
    for (uint32_t j = 0; j < n2; j++) {
        if (h.faulty[nw[j]]) {
            faulty_new += h.faults[nw[j]].silent;
            continue;
        }
        ids[m] = j + 1;
        mpc_scalar_from_u64(h.g, &x[m], ids[m]);
        s[m++] = h.share[nw[j]];
    }
    cr_assert_geq(m, t2);
    cr_assert(combines(h.g, ids, s, t2, &Y));
    cr_assert(combines(h.g, ids + (m - t2), s + (m - t2), t2, &Y));
    cr_assert_eq(mpc_shamir_combine(h.g, &y, x, s, m), 0);
    cr_assert(mpc_scalar_eq(h.g, &y, &secret));
    if (t2 > 1)
        cr_assert(!combines(h.g, ids, s, t2 - 1, &Y));
    /* an old share in place of a new one: not the secret */
    s[0] = o.share[0];
    cr_assert(!combines(h.g, ids, s, t2, &Y), "old and new shares do not combine");
    /* the old holders may erase once every new holder confirmed (the
     * default quorum: so never while a new holder is faulty and silent) */
    for (uint32_t i = 0; i < n; i++)
        if (!h.faulty[old[i]])
            cr_assert_eq(mpc_dkg_old_share_erasable(dkg_h_node(&h, old[i])),
                         faulty_new == 0);
    dkg_h_free(&h);
}

static const sh_peer_id peers[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

Test(dkg_refresh, reshare_overlapping_grow)
{
    /* (5,3) on peers 0..4 to (7,4) on peers 2..8 */
    reshare_run(MPC_RISTRETTO255, 9, peers, 5, 3, peers + 2, 7, 4, 0, 10);
}

Test(dkg_refresh, reshare_disjoint)
{
    /* (5,3) on peers 0..4 to (7,4) on 5..11, and to (3,2) on 5..7 */
    reshare_run(MPC_RISTRETTO255, 12, peers, 5, 3, peers + 5, 7, 4, 0, 11);
    reshare_run(MPC_RISTRETTO255, 8, peers, 5, 3, peers + 5, 3, 2, 0, 12);
}

Test(dkg_refresh, reshare_shrink_same_committee)
{
    /* (5,3) to (5,2) and (5,5) on the same peers */
    reshare_run(MPC_RISTRETTO255, 5, peers, 5, 3, peers, 5, 2, 0, 13);
    reshare_run(MPC_RISTRETTO255, 5, peers, 5, 3, peers, 5, 5, 0, 14);
}

Test(dkg_refresh, reshare_with_faulty_old_holders)
{
    /* t-1 = 2 faulty old holders: one sends a bad share, one is silent */
    reshare_run(MPC_RISTRETTO255, 9, peers, 5, 3, peers + 2, 7, 4,
                dkg_h_bit(1) | dkg_h_bit(3), 15);
    /* disjoint, with the faulty ones outside the new committee */
    reshare_run(MPC_RISTRETTO255, 10, peers, 5, 3, peers + 5, 5, 3,
                dkg_h_bit(0) | dkg_h_bit(4), 16);
}

Test(dkg_refresh, reshare_other_groups)
{
    reshare_run(MPC_ED25519, 6, peers, 4, 2, peers + 2, 4, 3, 0, 17);
    reshare_run(MPC_SECP256K1, 6, peers, 4, 2, peers + 2, 4, 3, dkg_h_bit(1), 18);
}

Test(dkg_refresh, chain_fresh_reshare_refresh)
{
    /* a fresh (4,3) key, reshared to (5,3) on peers 2..6, then refreshed */
    old_sharing a;
    fresh_dkg(&a, MPC_RISTRETTO255, 4, 3, 20);
    dkg_h h;
    dkg_h_init(&h, MPC_RISTRETTO255, 7, 3, 21);
    h.cfg.mode = MPC_DKG_RESHARE;
    h.cfg.n_dealers = 4;
    h.cfg.t_old = 3;
    h.cfg.dealers = peers;
    h.cfg.n_holders = 5;
    h.cfg.holders = peers + 2;
    h.cfg.old_commit = a.C;
    for (uint32_t i = 0; i < 4; i++)
        h.old_share[i] = &a.share[i];
    dkg_h_run(&h);
    old_sharing b;
    dkg_h_check_done(&h, 0, 0, &b.Y);
    cr_assert(mpc_elem_eq(h.g, &b.Y, &a.Y));
    cr_assert_eq(mpc_dkg_commitments(dkg_h_node(&h, 2), b.C, 3), 0);
    for (uint32_t j = 0; j < 5; j++)
        b.share[j] = h.share[2 + j];
    dkg_h_free(&h);

    dkg_h r;
    dkg_h_init(&r, MPC_RISTRETTO255, 5, 3, 22);
    r.cfg.mode = MPC_DKG_REFRESH;
    r.cfg.old_commit = b.C;
    for (uint32_t j = 0; j < 5; j++)
        r.old_share[j] = &b.share[j];
    dkg_h_run(&r);
    mpc_elem Y;
    dkg_h_check_done(&r, 0, 0, &Y);
    cr_assert(mpc_elem_eq(r.g, &Y, &a.Y), "the key survives the chain");
    uint32_t hs[3] = { 4, 0, 2 };
    dkg_h_check_combine(&r, hs, 3, &Y, 1);
    dkg_h_free(&r);
}
