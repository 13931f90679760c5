/* tests/test_mixnet_replay.c -- the in-memory replay store (bounded,
 * refusal when full, per-epoch drop, counters), the onion keyring
 * (rotation, grace period, erasure), and mix_onion_process end to end:
 * a route of relays, replays dropped and counted, packets for an expired
 * key refused, epoch and final-flag mismatches. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/keyring.h"
#include "mixnet/onion.h"
#include "mixnet/onion_process.h"
#include "mixnet/replay.h"
#include "mixnet/tlv.h"
#include "testutil.h"

static sh_rng *rng;
static mix_onion_ctx *ctx;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(777);
    ctx = mix_onion_ctx_new(rng);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    mix_onion_ctx_free(ctx);
    sh_rng_free(rng);
}

TestSuite(mixnet_replay, .init = setup, .fini = teardown);

static void stats(const mix_replay *r, mix_replay_stats *st)
{
    cr_assert_eq(mix_replay_mem_stats(r, st), 0);
}

Test(mixnet_replay, mem_store_basics)
{
    mix_replay r;
    mix_replay_stats st;
    uint8_t t[40][32];
    cr_assert_eq(mix_replay_mem_new(&r, 2, 16, rng), 0);
    for (size_t i = 0; i < 40; i++)
        sh_rng_bytes(rng, t[i], 32);
    for (size_t i = 0; i < 16; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[i]), 0);
    for (size_t i = 0; i < 16; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[i]), 1);
    /* full for epoch 5: refusal, not eviction; old tags still caught */
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[16]), SH_ERR_OVERSIZE);
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[0]), 1);
    /* the same tag in another epoch is new */
    cr_assert_eq(mix_replay_seen_or_add(&r, 6, t[0]), 0);
    /* a third epoch: no table left */
    cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[1]), SH_ERR_OVERSIZE);
    stats(&r, &st);
    cr_assert_eq(st.added, 17);
    cr_assert_eq(st.replays, 17);
    cr_assert_eq(st.refused, 2);
    cr_assert_eq(st.entries, 17);
    cr_assert_eq(st.epochs, 2);
    /* drop epoch 5: its tags are forgotten and its table is reusable */
    cr_assert_eq(mix_replay_drop_epoch(&r, 5), 0);
    cr_assert_eq(mix_replay_drop_epoch(&r, 5), 0);          /* idempotent */
    cr_assert_eq(mix_replay_seen_or_add(&r, 7, t[1]), 0);
    cr_assert_eq(mix_replay_seen_or_add(&r, 5, t[3]), SH_ERR_OVERSIZE);
    cr_assert_eq(mix_replay_seen_or_add(&r, 6, t[0]), 1);
    stats(&r, &st);
    cr_assert_eq(st.dropped_epochs, 1);
    cr_assert_eq(st.entries, 2);
    cr_assert_eq(st.epochs, 2);
    mix_replay_free(&r);
    mix_replay_free(&r);
    cr_assert_null(r.ops);
}

Test(mixnet_replay, mem_store_bounds)
{
    mix_replay r;
    cr_assert_eq(mix_replay_mem_new(&r, 0, 16, rng), SH_ERR_ARG);
    cr_assert_eq(mix_replay_mem_new(&r, 2, 0, rng), SH_ERR_ARG);
    cr_assert_eq(mix_replay_mem_new(&r, MIX_REPLAY_MEM_MAX_EPOCHS + 1, 16, rng), SH_ERR_ARG);
    cr_assert_eq(mix_replay_mem_new(&r, 2, 16, NULL), SH_ERR_ARG);
    /* 2 tables x 32 slots x 32 bytes + bitmap + the struct */
    size_t fp = mix_replay_mem_footprint(2, 16);
    cr_assert(fp >= 2 * 32 * 32 + 8 && fp < 2 * 32 * 32 + 8 + 4096);
    cr_assert_eq(mix_replay_mem_footprint(2, 0), 0);
    /* many random tags up to capacity: all new, then all replays */
    cr_assert_eq(mix_replay_mem_new(&r, 1, 5000, rng), 0);
    uint8_t (*t)[32] = malloc(5000 * 32);
    for (size_t i = 0; i < 5000; i++) {
        sh_rng_bytes(rng, t[i], 32);
        cr_assert_eq(mix_replay_seen_or_add(&r, 1, t[i]), 0);
    }
    for (size_t i = 0; i < 5000; i++)
        cr_assert_eq(mix_replay_seen_or_add(&r, 1, t[i]), 1);
    free(t);
    mix_replay_stats st;
    stats(&r, &st);
    cr_assert_eq(st.entries, 5000);
    cr_assert_eq(st.replays, 5000);
    mix_replay_free(&r);
}

Test(mixnet_replay, keyring_rotation_and_erasure)
{
    mix_keyring *kr = mix_keyring_new();
    uint8_t pk5[33], pk6[33], pk7[33], pk[33];
    uint64_t erased = 0;
    cr_assert_not_null(kr);
    cr_assert_eq(mix_keyring_current(kr), MIX_EPOCH_NONE);
    cr_assert_null(mix_keyring_key(kr, 5));
    cr_assert_eq(mix_keyring_generate(kr, ctx, 5, rng, pk5, &erased), 0);
    cr_assert_eq(erased, MIX_EPOCH_NONE);
    const uint8_t *k5 = mix_keyring_key(kr, 5);
    cr_assert_not_null(k5);
    cr_assert_eq(mix_onion_pubkey(ctx, pk, k5), 0);
    cr_assert(memcmp(pk, pk5, 33) == 0);
    /* epochs only go forward */
    cr_assert_eq(mix_keyring_generate(kr, ctx, 5, rng, pk, &erased), SH_ERR_RANGE);
    cr_assert_eq(mix_keyring_generate(kr, ctx, 4, rng, pk, &erased), SH_ERR_RANGE);
    uint8_t zero[32] = { 0 };
    cr_assert_eq(mix_keyring_install(kr, ctx, 9, zero, &erased), SH_ERR_ARG);
    cr_assert_eq(mix_keyring_current(kr), 5);
    /* rotate to 6: 5 is kept for the grace period */
    cr_assert_eq(mix_keyring_generate(kr, ctx, 6, rng, pk6, &erased), 0);
    cr_assert_eq(erased, MIX_EPOCH_NONE);
    cr_assert_eq(mix_keyring_current(kr), 6);
    cr_assert_eq(mix_keyring_previous(kr), 5);
    cr_assert_eq(mix_keyring_key(kr, 5), k5);
    cr_assert(!sodium_is_zero(k5, 32));
    /* end of grace: 5 is erased in place */
    mix_keyring_end_grace(kr, &erased);
    cr_assert_eq(erased, 5);
    cr_assert_null(mix_keyring_key(kr, 5));
    cr_assert(sodium_is_zero(k5, 32));
    cr_assert_eq(mix_keyring_previous(kr), MIX_EPOCH_NONE);
    mix_keyring_end_grace(kr, &erased);
    cr_assert_eq(erased, MIX_EPOCH_NONE);
    /* rotating twice without ending the grace period erases the oldest */
    const uint8_t *k6 = mix_keyring_key(kr, 6);
    cr_assert_eq(mix_keyring_generate(kr, ctx, 7, rng, pk7, &erased), 0);
    cr_assert_eq(erased, MIX_EPOCH_NONE);
    cr_assert_eq(mix_keyring_generate(kr, ctx, 9, rng, pk, &erased), 0);
    cr_assert_eq(erased, 6);
    cr_assert_null(mix_keyring_key(kr, 6));
    cr_assert_not_null(mix_keyring_key(kr, 7));
    cr_assert_not_null(mix_keyring_key(kr, 9));
    (void)k6;
    mix_keyring_free(kr);
    mix_keyring_free(NULL);
}

/* ---- end to end -------------------------------------------------------------- */

#define N 3
typedef struct relay {
    mix_keyring *kr;
    mix_replay rp;
    uint8_t id[32];
    uint8_t pk[33];
} relay;

typedef struct net {
    relay r[N];
    uint64_t epoch;
} net;

static void net_new(net *n, uint64_t epoch)
{
    n->epoch = epoch;
    for (size_t i = 0; i < N; i++) {
        n->r[i].kr = mix_keyring_new();
        cr_assert_not_null(n->r[i].kr);
        cr_assert_eq(mix_replay_mem_new(&n->r[i].rp, 2, 64, rng), 0);
        cr_assert_eq(mix_onion_rotate(n->r[i].kr, &n->r[i].rp, ctx, epoch, rng, n->r[i].pk), 0);
        sh_rng_bytes(rng, n->r[i].id, 32);
    }
}

static void net_free(net *n)
{
    for (size_t i = 0; i < N; i++) {
        mix_keyring_free(n->r[i].kr);
        mix_replay_free(&n->r[i].rp);
    }
}

/* A packet through relays 0..N-1 for `epoch` (pubkeys of that epoch given),
 * final payload "tx"; tlv_epoch and final_at let tests lie. */
static void build(const net *n, uint8_t pk[N][33], uint64_t tlv_epoch, size_t final_at,
                  uint8_t pkt[MIX_ONION_PACKET_STD])
{
    uint8_t enc[N][128], session[32];
    mix_onion_hop hops[N];
    static const uint8_t tx[] = "tx: pay bob 5";
    for (size_t i = 0; i < N; i++) {
        mix_hop_payload p = { .epoch = tlv_epoch, .delay_ms = (uint32_t)(100 * i) };
        if (i == final_at) {
            p.is_final = 1;
            p.data = tx;
            p.data_len = sizeof tx;
        } else {
            memcpy(p.next_hop, n->r[(i + 1) % N].id, 32);
        }
        size_t len;
        cr_assert_eq(mix_hop_payload_encode(enc[i], sizeof enc[i], &len, &p), 0);
        hops[i] = (mix_onion_hop){ pk[i], enc[i], len };
    }
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    cr_assert_eq(mix_onion_create(ctx, pkt, MIX_ONION_PACKET_STD, session, hops, N, NULL, 0,
                                  NULL), 0);
}

typedef struct bufs {
    uint8_t next[MIX_ONION_PACKET_STD];
    uint8_t pay[MIX_ONION_PAYLOAD_CAP(1300)];
} bufs;

static int process(net *n, size_t i, uint64_t epoch, const uint8_t *pkt, bufs *b,
                   mix_onion_result *res)
{
    memset(res, 0, sizeof *res);
    res->peeled.next_packet = b->next;
    res->peeled.payload = b->pay;
    res->peeled.payload_cap = sizeof b->pay;
    return mix_onion_process(ctx, n->r[i].kr, &n->r[i].rp, epoch, pkt, MIX_ONION_PACKET_STD,
                             NULL, 0, res);
}

static void pubkeys(const net *n, uint8_t pk[N][33])
{
    for (size_t i = 0; i < N; i++)
        memcpy(pk[i], n->r[i].pk, 33);
}

Test(mixnet_replay, process_route_and_replay)
{
    net n;
    uint8_t pk[N][33], pkt[MIX_ONION_PACKET_STD], cur[MIX_ONION_PACKET_STD];
    bufs b;
    mix_onion_result res;
    net_new(&n, 10);
    pubkeys(&n, pk);
    build(&n, pk, 10, N - 1, pkt);
    memcpy(cur, pkt, sizeof cur);
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(process(&n, i, 10, cur, &b, &res), 0, "hop %zu: %s", i, res.reason);
        cr_assert_eq(res.hop.delay_ms, 100 * i);
        cr_assert_eq(res.hop.epoch, 10);
        if (i + 1 < N) {
            cr_assert(!res.hop.is_final);
            cr_assert(memcmp(res.hop.next_hop, n.r[i + 1].id, 32) == 0);
            /* the same packet again at the same relay: replay */
            uint8_t again[MIX_ONION_PACKET_STD];
            memcpy(again, cur, sizeof again);
            memcpy(cur, b.next, sizeof cur);
            bufs b2;
            mix_onion_result r2;
            cr_assert_eq(process(&n, i, 10, again, &b2, &r2), MIX_ERR_REPLAY);
            cr_assert_str_eq(r2.reason, "onion: replayed packet");
            cr_assert(r2.peer_fault);
        } else {
            cr_assert(res.hop.is_final);
            cr_assert_str_eq((const char *)res.hop.data, "tx: pay bob 5");
        }
    }
    mix_replay_stats st;
    stats(&n.r[0].rp, &st);
    cr_assert_eq(st.added, 1);
    cr_assert_eq(st.replays, 1);
    /* a tampered packet is not remembered (nothing stored before the HMAC) */
    pkt[500] ^= 1;
    cr_assert_eq(process(&n, 0, 10, pkt, &b, &res), SH_ERR_VERIFY);
    cr_assert_str_eq(res.reason, "onion: bad hmac");
    cr_assert(res.peer_fault);
    stats(&n.r[0].rp, &st);
    cr_assert_eq(st.added, 1);
    net_free(&n);
}

Test(mixnet_replay, process_rotation_grace_and_expiry)
{
    net n;
    uint8_t pk10[N][33], pk11[N][33], old[MIX_ONION_PACKET_STD], fresh[MIX_ONION_PACKET_STD];
    bufs b;
    mix_onion_result res;
    net_new(&n, 10);
    pubkeys(&n, pk10);
    build(&n, pk10, 10, N - 1, old);
    /* rotate relay 0 to epoch 11 */
    cr_assert_eq(mix_onion_rotate(n.r[0].kr, &n.r[0].rp, ctx, 11, rng, n.r[0].pk), 0);
    pubkeys(&n, pk11);
    build(&n, pk11, 11, N - 1, fresh);
    /* grace period: the old key still works, the new one too */
    cr_assert_eq(process(&n, 0, 10, old, &b, &res), 0, "%s", res.reason);
    cr_assert_eq(process(&n, 0, 11, fresh, &b, &res), 0, "%s", res.reason);
    /* a packet under the wrong epoch's key */
    cr_assert_eq(process(&n, 0, 11, old, &b, &res), SH_ERR_VERIFY);
    cr_assert_eq(process(&n, 0, 12, old, &b, &res), SH_ERR_STATE);
    cr_assert_str_eq(res.reason, "onion: no key for epoch");
    mix_replay_stats st;
    stats(&n.r[0].rp, &st);
    cr_assert_eq(st.epochs, 2);
    /* end of grace: key 10 erased, its tags dropped, its packets refused */
    const uint8_t *k10 = mix_keyring_key(n.r[0].kr, 10);
    cr_assert_eq(mix_onion_end_grace(n.r[0].kr, &n.r[0].rp), 0);
    cr_assert(sodium_is_zero(k10, 32));
    stats(&n.r[0].rp, &st);
    cr_assert_eq(st.epochs, 1);
    cr_assert_eq(st.entries, 1);
    cr_assert_eq(process(&n, 0, 10, old, &b, &res), SH_ERR_STATE);
    cr_assert(res.peer_fault);
    net_free(&n);
}

Test(mixnet_replay, process_mismatches)
{
    net n;
    uint8_t pk[N][33], pkt[MIX_ONION_PACKET_STD];
    bufs b;
    mix_onion_result res;
    net_new(&n, 20);
    pubkeys(&n, pk);
    build(&n, pk, 21, N - 1, pkt);                  /* TLV says 21, key is 20's */
    cr_assert_eq(process(&n, 0, 20, pkt, &b, &res), SH_ERR_VERIFY);
    cr_assert_str_eq(res.reason, "onion: epoch mismatch");
    build(&n, pk, 20, 0, pkt);                      /* final payload at hop 0 of 3 */
    cr_assert_eq(process(&n, 0, 20, pkt, &b, &res), SH_ERR_VERIFY);
    cr_assert_str_eq(res.reason, "onion: final flag mismatch");
    cr_assert(res.peer_fault);
    net_free(&n);
}

Test(mixnet_replay, process_store_full_is_local)
{
    net n;
    uint8_t pk[N][33], pkt[MIX_ONION_PACKET_STD];
    bufs b;
    mix_onion_result res;
    net_new(&n, 30);
    mix_replay_free(&n.r[0].rp);
    cr_assert_eq(mix_replay_mem_new(&n.r[0].rp, 1, 1, rng), 0);
    pubkeys(&n, pk);
    build(&n, pk, 30, N - 1, pkt);
    cr_assert_eq(process(&n, 0, 30, pkt, &b, &res), 0);
    build(&n, pk, 30, N - 1, pkt);
    cr_assert_eq(process(&n, 0, 30, pkt, &b, &res), SH_ERR_OVERSIZE);
    cr_assert_str_eq(res.reason, "onion: replay store full");
    cr_assert(!res.peer_fault);
    net_free(&n);
}
