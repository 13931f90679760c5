/* tests/test_mixnet_cover.c -- cover traffic: the Poisson processes emit
 * at their configured rates on simulated time, real packets take payload
 * slots (the on-wire rate does not change with real traffic), every frame
 * a wallet sends has the same size whatever its class, relays process
 * cover exactly like real packets, and the final-payload codec is strict. */
#include <criterion/criterion.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
#include "mixnet/frame.h"
#include "mixnet/mixer.h"
#include "mixnet/path.h"
#include "sim/loop.h"
#include "testutil.h"

#include "mixnet_net.h"

static void within(double got, double mean, const char *what)
{
    /* Poisson: sd = sqrt(mean); 4.5 sd. */
    cr_assert(fabs(got - mean) < 4.5 * sqrt(mean), "%s: %f, expected %f", what, got, mean);
}

Test(mixnet_cover, rates_on_sim_time_and_equal_sizes)
{
    const double T = 40.0, LP = 10.0, LL = 3.0, LD = 2.0;
    mtn_net n;
    memset(&n, 0, sizeof n);
    mtn_init(&n, 1, 61);
    n.wallet_cover.rate_payload = LP;
    n.wallet_cover.rate_loop = LL;
    n.wallet_cover.rate_drop = LD;
    mtn_start(&n, 61);
    /* Twenty real messages during the run. */
    for (uint32_t k = 0; k < 20; k++) {
        uint8_t req[32 + 33 + 8];
        memcpy(req, n.ids[DEST], 32);
        memcpy(req + 32, n.pk[DEST], 33);
        memcpy(req + 65, "realmsg", 8);
        cr_assert_eq(sim_loop_request(n.l, W0, 1000000000ull * (k + 1), MIX_CLIENT_REQ_SEND,
                                      req, sizeof req), 0);
    }
    mtn_quiesce(&n, (uint64_t)(T * 1e9));
    mtn_no_rejects(&n);
    mix_cover_stats cs;
    mix_cover_stats_get(mix_client_cover(sim_loop_proto(n.l, W0)), &cs);
    within((double)cs.payload_events, LP * T, "payload events");
    within((double)cs.loop_sent, LL * T, "loops");
    within((double)(cs.drop_sent - (cs.payload_events - cs.real_sent)), LD * T, "drops");
    cr_assert_eq(cs.real_sent, 20);
    cr_assert_eq(cs.loop_returned, cs.loop_sent);
    sim_loop_stats ws;
    cr_assert_eq(sim_loop_stats_get(n.l, W0, &ws), 0);
    /* Everything sent is payload slots + loops + drops: real traffic did
     * not add packets. */
    cr_assert_eq(ws.sent, cs.payload_events + cs.loop_sent + (cs.drop_sent
                 - (cs.payload_events - cs.real_sent)));
    cr_assert(!n.sizes_differ, "frames of every class have one size");
    cr_assert_eq(n.frame_len[W0], mix_frame_encoded_len(EPOCH, PLEN));
    /* Relays handled cover and real alike: all accepted and passed on. */
    uint64_t accepted = 0, out = 0;
    for (uint32_t r = 0; r <= DEST; r++) {
        mix_mixer_stats ms;
        mix_mixer_stats_get(sim_loop_proto(n.l, r), &ms);
        accepted += ms.accepted;
        out += ms.forwarded + ms.delivered + ms.cover_dropped + ms.loops_foreign;
        cr_assert_eq(ms.rejected, 0);
    }
    cr_assert_eq(accepted, out);
    cr_assert_eq(accepted, 4 * ws.sent - cs.loop_sent);   /* loops end at the wallet */
    cr_assert_eq(sim_loop_count_results(n.l, DEST, MIX_RES_PAYLOAD), 20);
    mtn_free(&n);
}

Test(mixnet_cover, relay_cover_rates)
{
    const double T = 30.0;
    mtn_net n;
    memset(&n, 0, sizeof n);
    mtn_init(&n, 0, 62);
    n.relay_cover_on = 1;
    n.relay_cover.rate_loop = 1.0;
    n.relay_cover.rate_drop = 0.5;
    mtn_start(&n, 62);
    mtn_quiesce(&n, (uint64_t)(T * 1e9));
    mtn_no_rejects(&n);
    uint64_t loops = 0, drops = 0;
    for (uint32_t r = 0; r < NR; r++) {
        mix_cover_stats cs;
        mix_cover_stats_get(mix_mixer_cover(sim_loop_proto(n.l, r)), &cs);
        cr_assert_eq(cs.loop_returned, cs.loop_sent);
        cr_assert_eq(cs.payload_events, 0);
        loops += cs.loop_sent;
        drops += cs.drop_sent;
    }
    within((double)loops, NR * 1.0 * T, "relay loops");
    within((double)drops, NR * 0.5 * T, "relay drops");
    cr_assert(!n.sizes_differ);
    mtn_free(&n);
}

Test(mixnet_cover, bad_configs_and_requests)
{
    mtn_net n;
    memset(&n, 0, sizeof n);
    mtn_init(&n, 1, 63);
    mix_client_cfg c = { .cover = n.wallet_cover, .loop_sk = n.sk[W0] };
    c.cover.rate_loop = -1;
    sh_proto p;
    sh_driver d = { 0 };
    d.rng = tu_rng(1);
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = NAN;
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = 1;                       /* needs self keys */
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    c.cover.rate_loop = 0;
    c.cover.payload_len = 5;
    cr_assert_eq(mix_client_new(&c, &d, &p), SH_ERR_ARG);
    sh_rng_free(d.rng);
    mtn_free(&n);
}

Test(mixnet_cover, final_payload_codec)
{
    uint8_t buf[64], cls;
    const uint8_t *body;
    size_t bl;
    cr_assert_eq(mix_final_encode(buf, sizeof buf, MIX_FINAL_REAL, (const uint8_t *)"abc", 3), 0);
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), 0);
    cr_assert_eq(cls, MIX_FINAL_REAL);
    cr_assert_eq(bl, 3);
    cr_assert(memcmp(body, "abc", 3) == 0);
    buf[40] = 1;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_NONCANONICAL);
    buf[40] = 0;
    buf[0] = 3;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_TYPE);
    buf[0] = MIX_FINAL_LOOP;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_LENGTH);
    buf[0] = 0;
    buf[2] = 62;
    cr_assert_eq(mix_final_decode(buf, sizeof buf, &cls, &body, &bl), SH_ERR_TRUNCATED);
    cr_assert_eq(mix_final_decode(buf, 2, &cls, &body, &bl), SH_ERR_TRUNCATED);
    cr_assert_eq(mix_final_encode(buf, sizeof buf, MIX_FINAL_REAL, buf, 62), SH_ERR_OVERSIZE);
    cr_assert_eq(mix_final_encode(buf, sizeof buf, 9, NULL, 0), SH_ERR_ARG);
}
