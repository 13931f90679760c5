/* tests/test_gossip_peertable.c -- the bounded peer table: caps per source
 * and per address group, test-before-evict, anchors, remembered peers. */
#include <criterion/criterion.h>
#include <string.h>

#include "gossip/peertable.h"
#include "util/rng.h"

static sh_rng *rng(void)
{
    uint8_t seed[SH_RNG_SEEDBYTES] = { 42 };
    sh_rng *r = sh_rng_chacha_new(seed);
    cr_assert_not_null(r);
    return r;
}

static gossip_pt table(uint32_t cap)
{
    gossip_pt_cfg c = { .capacity = cap, .remember = 4, .max_per_source = 3,
                        .max_per_group = 2, .fresh_s = 10 };
    gossip_pt pt;
    cr_assert_eq(gossip_pt_init(&pt, &c, 0), 0);
    return pt;
}

Test(gossip_peertable, caps_per_source_and_group)
{
    sh_rng *r = rng();
    gossip_pt pt = table(16);
    cr_assert_eq(gossip_pt_offer(&pt, 0, 1, 5, 0, r, NULL), GOSSIP_PT_REJ_SELF);
    /* source 5 may add three entries, in distinct groups */
    cr_assert_eq(gossip_pt_offer(&pt, 10, 100, 5, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(gossip_pt_offer(&pt, 11, 101, 5, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(gossip_pt_offer(&pt, 12, 102, 5, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(gossip_pt_offer(&pt, 13, 103, 5, 0, r, NULL), GOSSIP_PT_REJ_SOURCE);
    cr_assert_eq(gossip_pt_offer(&pt, 10, 100, 6, 0, r, NULL), GOSSIP_PT_PRESENT);
    /* group 100 takes one more, then no more */
    cr_assert_eq(gossip_pt_offer(&pt, 14, 100, 6, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(gossip_pt_offer(&pt, 15, 100, 7, 0, r, NULL), GOSSIP_PT_REJ_GROUP);
    /* own knowledge is exempt from the source cap, not from the group cap */
    for (uint32_t i = 0; i < 5; i++)
        cr_assert_eq(gossip_pt_offer(&pt, 20 + i, 200 + i, 0, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(pt.st.rej_source, 1);
    cr_assert_eq(pt.st.rej_group, 1);
    cr_assert_eq(pt.n_live, 9);
    gossip_pt_free(&pt);
    sh_rng_free(r);
}

Test(gossip_peertable, test_before_evict)
{
    sh_rng *r = rng();
    gossip_pt pt = table(4);
    for (uint32_t i = 1; i <= 4; i++)
        cr_assert_eq(gossip_pt_offer(&pt, i, i, i, 0, r, NULL), GOSSIP_PT_ADDED);
    /* full: a newcomer makes the table probe a victim */
    sh_peer_id victim;
    cr_assert_eq(gossip_pt_offer(&pt, 9, 9, 9, 100, r, &victim), GOSSIP_PT_PROBE);
    cr_assert(victim >= 1 && victim <= 4);
    /* the victim answers: it stays, the newcomer is dropped */
    cr_assert_eq(gossip_pt_probe_done(&pt, victim, 1, 9, 9, 9, 100, r), GOSSIP_PT_REJ_FULL);
    cr_assert_not_null(gossip_pt_find(&pt, victim));
    cr_assert_null(gossip_pt_find(&pt, 9));
    /* a freshly confirmed entry is not even probed; a dead one is replaced */
    sh_peer_id v2;
    gossip_pt_res res;
    int dead_done = 0;
    for (int k = 0; k < 20 && !dead_done; k++) {
        res = gossip_pt_offer(&pt, 9, 9, 9, 101, r, &v2);
        if (res == GOSSIP_PT_REJ_FULL)
            continue;               /* picked the fresh victim */
        cr_assert_eq(res, GOSSIP_PT_PROBE);
        cr_assert_neq(v2, victim);
        cr_assert_eq(gossip_pt_probe_done(&pt, v2, 0, 9, 9, 9, 101, r), GOSSIP_PT_ADDED);
        cr_assert_null(gossip_pt_find(&pt, v2));
        cr_assert_not_null(gossip_pt_find_remembered(&pt, v2));
        cr_assert_not_null(gossip_pt_find(&pt, 9));
        dead_done = 1;
    }
    cr_assert(dead_done);
    cr_assert_eq(pt.n_live, 4);
    gossip_pt_free(&pt);
    sh_rng_free(r);
}

Test(gossip_peertable, anchors_are_never_evicted)
{
    sh_rng *r = rng();
    gossip_pt pt = table(2);
    cr_assert_eq(gossip_pt_add_anchor(&pt, 7, 7), 0);
    cr_assert_eq(gossip_pt_add_anchor(&pt, 0, 7), SH_ERR_ARG);
    cr_assert_eq(gossip_pt_offer(&pt, 1, 1, 1, 0, r, NULL), GOSSIP_PT_ADDED);
    cr_assert_eq(gossip_pt_offer(&pt, 2, 2, 2, 0, r, NULL), GOSSIP_PT_ADDED);
    for (uint32_t i = 10; i < 60; i++) {
        sh_peer_id v;
        if (gossip_pt_offer(&pt, i, i, i, 0, r, &v) == GOSSIP_PT_PROBE) {
            cr_assert_neq(v, 7);
            (void)gossip_pt_probe_done(&pt, v, 0, i, i, i, 0, r);
        }
        cr_assert_eq(gossip_pt_insert_known(&pt, 100 + i, 100 + i, 0, r), 0);
    }
    cr_assert_not_null(gossip_pt_find(&pt, 7));
    gossip_pt_mark_failed(&pt, 7, 7, r);
    cr_assert_not_null(gossip_pt_find(&pt, 7));
    cr_assert_eq(gossip_pt_remove(&pt, 7), 0);
    cr_assert_eq(pt.n_live, 3);
    gossip_pt_free(&pt);
    sh_rng_free(r);
}

Test(gossip_peertable, failed_peers_are_remembered_and_revived)
{
    sh_rng *r = rng();
    gossip_pt pt = table(8);
    for (uint32_t i = 1; i <= 6; i++)
        cr_assert_eq(gossip_pt_offer(&pt, i, i, 0, 0, r, NULL), GOSSIP_PT_ADDED);
    for (uint32_t i = 1; i <= 6; i++)
        gossip_pt_mark_failed(&pt, i, i, r);
    cr_assert_eq(pt.n_live, 0);
    cr_assert_eq(pt.n_mem, 4);       /* bounded, random replacement */
    uint32_t g;
    sh_peer_id p = gossip_pt_pick_remembered(&pt, r, &g);
    cr_assert(p >= 1 && p <= 6 && g == p);
    cr_assert_eq(gossip_pt_insert_known(&pt, p, g, 5, r), 0);
    cr_assert_null(gossip_pt_find_remembered(&pt, p));
    cr_assert_not_null(gossip_pt_find(&pt, p));
    cr_assert_eq(pt.st.revived, 1);
    /* a remembered peer offered by gossip stays remembered (not trusted) */
    sh_peer_id q = pt.mem[0].peer;
    cr_assert_eq(gossip_pt_offer(&pt, q, q, 3, 0, r, NULL), GOSSIP_PT_PRESENT);
    cr_assert_lt(gossip_pt_memory(&pt), 1024);
    gossip_pt_free(&pt);
    sh_rng_free(r);
}
