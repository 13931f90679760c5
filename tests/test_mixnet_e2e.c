/* tests/test_mixnet_e2e.c -- end to end on sim/loop: 3 wallets and
 * 3 layers x 3 relays with relay cover traffic; every real message is
 * delivered to its destination exactly once, every loop (wallets' and
 * relays') returns to its sender, every drop cover packet is discarded at
 * its last hop, every frame on the wire has the same size, nothing is
 * rejected, and the run is reproducible from its seed. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
#include "mixnet/mixer.h"
#include "mixnet/path.h"
#include "sim/loop.h"
#include "testutil.h"

#include "mixnet_net.h"

#define NW 3
#define MSGS 3

static void run_e2e(mtn_net *n, uint64_t seed)
{
    mtn_init(n, NW, seed);
    n->relay_cover_on = 1;
    n->relay_cover.rate_loop = 1.0;
    n->relay_cover.rate_drop = 1.0;
    n->wallet_cover.rate_payload = 10.0;
    n->wallet_cover.rate_loop = 2.0;
    n->wallet_cover.rate_drop = 2.0;
    mtn_start(n, seed);
    for (uint32_t w = 0; w < NW; w++)
        for (uint32_t k = 0; k < MSGS; k++) {
            uint8_t req[32 + 33 + 64];
            memcpy(req, n->ids[DEST], 32);
            memcpy(req + 32, n->pk[DEST], 33);
            int bl = snprintf((char *)req + 65, 64, "tx %u from wallet %u", k, w);
            cr_assert_eq(sim_loop_request(n->l, W0 + w, 100000000ull * (k + 1), MIX_CLIENT_REQ_SEND,
                                          req, 65 + (size_t)bl), 0);
        }
    mtn_quiesce(n, 8000000000ull);
}

Test(mixnet_e2e, real_messages_once_loops_return)
{
    mtn_net n;
    memset(&n, 0, sizeof n);
    run_e2e(&n, 21);
    mtn_no_rejects(&n);
    cr_assert(!n.sizes_differ, "every frame has the same size");

    /* Exactly once at the destination, each message. */
    cr_assert_eq(sim_loop_count_results(n.l, DEST, MIX_RES_PAYLOAD), NW * MSGS);
    cr_assert_eq(sim_loop_count_results(n.l, UINT32_MAX, MIX_RES_PAYLOAD), NW * MSGS);
    for (uint32_t w = 0; w < NW; w++)
        for (uint32_t k = 0; k < MSGS; k++) {
            char want[64];
            int wl = snprintf(want, sizeof want, "tx %u from wallet %u", k, w);
            size_t seen = 0;
            for (size_t i = 0; i < sim_loop_result_count(n.l); i++) {
                const sim_loop_result *r = sim_loop_result_at(n.l, i);
                if (r->kind == MIX_RES_PAYLOAD && r->len == (size_t)wl
                    && memcmp(r->data, want, (size_t)wl) == 0)
                    seen++;
            }
            cr_assert_eq(seen, 1, "%s", want);
        }

    /* Loops come back to their senders; drops end at their last hop. */
    uint64_t drops = 0, dropped = 0, loops = 0;
    for (uint32_t w = 0; w < NW; w++) {
        mix_cover_stats cs;
        mix_cover_stats_get(mix_client_cover(sim_loop_proto(n.l, W0 + w)), &cs);
        cr_assert_eq(cs.real_sent, MSGS);
        cr_assert(cs.loop_sent > 0);
        cr_assert_eq(cs.loop_returned, cs.loop_sent, "wallet %u", w);
        cr_assert(cs.rtt_max_ns > 0 && cs.rtt_sum_ns >= cs.loop_returned * 20000000ull);
        cr_assert_eq(cs.send_errors, 0);
        drops += cs.drop_sent;
        loops += cs.loop_returned;
    }
    for (uint32_t r = 0; r <= DEST; r++) {
        mix_mixer_stats ms;
        mix_mixer_stats_get(sim_loop_proto(n.l, r), &ms);
        cr_assert_eq(ms.held, 0);
        cr_assert_eq(ms.rejected, 0);
        cr_assert_eq(ms.dropped_full + ms.local_drops + ms.loops_foreign, 0);
        dropped += ms.cover_dropped;
        if (r < NR) {
            mix_cover_stats cs;
            mix_cover_stats_get(mix_mixer_cover(sim_loop_proto(n.l, r)), &cs);
            cr_assert(cs.loop_sent > 0);
            cr_assert_eq(cs.loop_returned, cs.loop_sent, "relay %u", r);
            cr_assert_eq(ms.loops_returned, cs.loop_returned);
            cr_assert_eq(cs.send_errors, 0);
            drops += cs.drop_sent;
            loops += cs.loop_returned;
        }
    }
    cr_assert_eq(dropped, drops);
    cr_assert_eq(sim_loop_count_results(n.l, UINT32_MAX, MIX_RES_LOOP_RTT), loops);
    mtn_free(&n);
}

Test(mixnet_e2e, reproducible_from_seed)
{
    mtn_net a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    run_e2e(&a, 33);
    run_e2e(&b, 33);
    cr_assert_eq(sim_loop_result_count(a.l), sim_loop_result_count(b.l));
    for (size_t i = 0; i < sim_loop_result_count(a.l); i++) {
        const sim_loop_result *x = sim_loop_result_at(a.l, i), *y = sim_loop_result_at(b.l, i);
        cr_assert_eq(x->node, y->node);
        cr_assert_eq(x->time, y->time);
        cr_assert_eq(x->len, y->len);
        cr_assert(memcmp(x->data, y->data, x->len) == 0);
    }
    mtn_free(&a);
    mtn_free(&b);
}
