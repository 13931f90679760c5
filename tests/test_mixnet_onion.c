/* tests/test_mixnet_onion.c -- onion packets: random round trips with 1..20
 * hops at the standard and the large size, the blinding against
 * libsecp256k1's own tweak_mul, tampered packets (every bit flipped at the
 * first and at a forwarding hop, each field, the associated data, the key,
 * the length), payload lengths at every boundary, the relay path (replay,
 * a key rotated out after the grace period, the largest final payload at
 * both sizes).  (The mixer's release order under load: test_mixnet_mixer.c.) */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>

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
    rng = tu_rng(4040);
    ctx = mix_onion_ctx_new(rng);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    mix_onion_ctx_free(ctx);
    sh_rng_free(rng);
}

TestSuite(mixnet_onion, .init = setup, .fini = teardown);

typedef struct route {
    size_t n;
    uint8_t sk[MIX_ONION_MAX_HOPS][32];
    uint8_t pk[MIX_ONION_MAX_HOPS][33];
    uint8_t *pl[MIX_ONION_MAX_HOPS];
    mix_onion_hop hops[MIX_ONION_MAX_HOPS];
} route;

/* n hops with random keys and random payloads that fill up to the routing
 * size r (at most). */
static void route_make(route *rt, size_t n, size_t r)
{
    rt->n = n;
    size_t share = r / n - 32 - 3;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(mix_onion_keygen(ctx, rt->sk[i], rt->pk[i], rng), 0);
        size_t len = 1 + (size_t)sh_rng_uniform(rng, share);
        rt->pl[i] = malloc(len);
        sh_rng_bytes(rng, rt->pl[i], len);
        rt->hops[i] = (mix_onion_hop){ rt->pk[i], rt->pl[i], len };
    }
}

static void route_free(route *rt)
{
    for (size_t i = 0; i < rt->n; i++)
        free(rt->pl[i]);
}

static void round_trip(size_t n, size_t r)
{
    size_t plen = MIX_ONION_PACKET_BYTES(r);
    uint8_t *pkt = malloc(plen), *next = malloc(plen), *pay = malloc(MIX_ONION_PAYLOAD_CAP(r));
    uint8_t session[32], ad[32];
    route rt;
    route_make(&rt, n, r);
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    sh_rng_bytes(rng, ad, sizeof ad);
    cr_assert_eq(mix_onion_create(ctx, pkt, plen, session, rt.hops, n, ad, sizeof ad, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        mix_onion_peeled p = { .next_packet = next, .payload = pay,
                               .payload_cap = MIX_ONION_PAYLOAD_CAP(r) };
        cr_assert_eq(mix_onion_peel(ctx, rt.sk[i], pkt, plen, ad, sizeof ad, &p), 0,
                     "n=%zu r=%zu hop %zu", n, r, i);
        cr_assert_eq(p.payload_len, rt.hops[i].payload_len);
        cr_assert(memcmp(pay, rt.pl[i], p.payload_len) == 0);
        cr_assert_eq(p.final, i + 1 == n);
        if (!p.final)
            memcpy(pkt, next, plen);
    }
    route_free(&rt);
    free(pkt);
    free(next);
    free(pay);
}

Test(mixnet_onion, round_trips_standard)
{
    for (size_t n = 1; n <= 20; n++)
        round_trip(n, MIX_ONION_ROUTING_STD);
}

Test(mixnet_onion, round_trips_large)
{
    for (size_t n = 1; n <= 20; n++)
        round_trip(n, MIX_ONION_ROUTING_LARGE);
}

Test(mixnet_onion, round_trips_other_sizes)
{
    round_trip(3, MIX_ONION_ROUTING_MIN);
    round_trip(5, 4096);
    round_trip(2, MIX_ONION_ROUTING_MAX);
}

Test(mixnet_onion, single_hop_full_payload)
{
    /* One hop using the whole routing info: 3-byte prefix + 1265 + 32. */
    uint8_t sk[32], pk[33], session[32], pl[1265], pkt[MIX_ONION_PACKET_STD],
        next[MIX_ONION_PACKET_STD], pay[MIX_ONION_PAYLOAD_CAP(1300)];
    cr_assert_eq(mix_onion_keygen(ctx, sk, pk, rng), 0);
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    sh_rng_bytes(rng, pl, sizeof pl);
    mix_onion_hop h = { pk, pl, sizeof pl };
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, &h, 1, NULL, 0, NULL), 0);
    mix_onion_peeled p = { next, pay, sizeof pay, 0, 0, { 0 } };
    cr_assert_eq(mix_onion_peel(ctx, sk, pkt, sizeof pkt, NULL, 0, &p), 0);
    cr_assert_eq(p.payload_len, sizeof pl);
    cr_assert(p.final);
    h.payload_len = sizeof pl + 1;          /* one byte too many */
    uint8_t big[1266];
    h.payload = big;
    memset(big, 1, sizeof big);
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, &h, 1, NULL, 0, NULL),
                 SH_ERR_OVERSIZE);
    cr_assert(sodium_is_zero(pkt, sizeof pkt));
}

Test(mixnet_onion, blinding_matches_tweak_mul)
{
    route rt;
    uint8_t session[32], pkt[MIX_ONION_PACKET_STD], next[MIX_ONION_PACKET_STD],
        pay[MIX_ONION_PAYLOAD_CAP(1300)];
    route_make(&rt, 4, MIX_ONION_ROUTING_STD);
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, rt.hops, 4, NULL, 0, NULL), 0);
    secp256k1_context *sc = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    for (size_t i = 0; i + 1 < 4; i++) {
        mix_onion_peeled p = { next, pay, sizeof pay, 0, 0, { 0 } };
        cr_assert_eq(mix_onion_peel(ctx, rt.sk[i], pkt, sizeof pkt, NULL, 0, &p), 0);
        /* ss = SHA256(compressed(sk * E)), b = SHA256(E || ss), E' = b * E */
        secp256k1_pubkey E, S;
        uint8_t Senc[33], ss[32], b[32], want[33];
        size_t len = 33;
        cr_assert(secp256k1_ec_pubkey_parse(sc, &E, pkt + 1, 33));
        S = E;
        cr_assert(secp256k1_ec_pubkey_tweak_mul(sc, &S, rt.sk[i]));
        cr_assert(secp256k1_ec_pubkey_serialize(sc, Senc, &len, &S, SECP256K1_EC_COMPRESSED));
        crypto_hash_sha256(ss, Senc, 33);
        uint8_t cat[65];
        memcpy(cat, pkt + 1, 33);
        memcpy(cat + 33, ss, 32);
        crypto_hash_sha256(b, cat, sizeof cat);
        cr_assert(secp256k1_ec_pubkey_tweak_mul(sc, &E, b));
        len = 33;
        cr_assert(secp256k1_ec_pubkey_serialize(sc, want, &len, &E, SECP256K1_EC_COMPRESSED));
        cr_assert(memcmp(want, next + 1, 33) == 0, "hop %zu", i);
        memcpy(pkt, next, sizeof pkt);
    }
    secp256k1_context_destroy(sc);
    route_free(&rt);
}

/* ---- tampering ---------------------------------------------------------- */

typedef struct fixture {
    route rt;
    uint8_t ad[32];
    uint8_t pkt[MIX_ONION_PACKET_STD], next[MIX_ONION_PACKET_STD];
    uint8_t pay[MIX_ONION_PAYLOAD_CAP(1300)];
} fixture;

static void fixture_make(fixture *f)
{
    uint8_t session[32];
    route_make(&f->rt, 3, MIX_ONION_ROUTING_STD);
    sh_rng_bytes(rng, f->ad, sizeof f->ad);
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    cr_assert_eq(mix_onion_create(ctx, f->pkt, sizeof f->pkt, session, f->rt.hops, 3, f->ad,
                                  sizeof f->ad, NULL), 0);
}

static int peel1(fixture *f, const uint8_t *pkt, size_t len, const uint8_t *ad, size_t ad_len,
                 const uint8_t *sk)
{
    mix_onion_peeled p = { f->next, f->pay, sizeof f->pay, 0, 0, { 0 } };
    int rc = mix_onion_peel(ctx, sk, pkt, len, ad, ad_len, &p);
    if (rc != 0) {
        cr_assert_eq(p.payload_len, 0);
        cr_assert(sodium_is_zero(f->next, sizeof f->next));
    }
    return rc;
}

Test(mixnet_onion, every_byte_flipped_is_rejected)
{
    fixture f;
    fixture_make(&f);
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, f.rt.sk[0]), 0);
    for (size_t i = 0; i < sizeof f.pkt; i++) {
        uint8_t bit = (uint8_t)(1u << (i % 8));
        f.pkt[i] ^= bit;
        int rc = peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, f.rt.sk[0]);
        f.pkt[i] ^= bit;
        if (i == 0)
            cr_assert_eq(rc, SH_ERR_VERSION);
        else if (i < 34)
            cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_VERIFY, "byte %zu rc %d", i, rc);
        else
            cr_assert_eq(rc, SH_ERR_VERIFY, "byte %zu rc %d", i, rc);
    }
    route_free(&f.rt);
}

/* The replay tag is the packet's HMAC (its last 32 bytes): the same for a
 * replayed copy, another for another packet, and never set when the
 * packet is refused. */
Test(mixnet_onion, replay_tag_is_the_verified_hmac)
{
    fixture f, g;
    fixture_make(&f);
    fixture_make(&g);
    uint8_t t1[MIX_ONION_TAG_BYTES], t2[MIX_ONION_TAG_BYTES];
    for (int k = 0; k < 2; k++) {
        mix_onion_peeled p = { f.next, f.pay, sizeof f.pay, 0, 0, { 0 } };
        cr_assert_eq(mix_onion_peel(ctx, f.rt.sk[0], f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, &p),
                     0);
        cr_assert_arr_eq(p.tag, f.pkt + sizeof f.pkt - 32, 32);
        memcpy(k ? t2 : t1, p.tag, sizeof t1);
    }
    cr_assert_arr_eq(t1, t2, sizeof t1, "a replay has another tag");
    mix_onion_peeled q = { g.next, g.pay, sizeof g.pay, 0, 0, { 0 } };
    cr_assert_eq(mix_onion_peel(ctx, g.rt.sk[0], g.pkt, sizeof g.pkt, g.ad, sizeof g.ad, &q), 0);
    cr_assert(memcmp(q.tag, t1, sizeof t1) != 0, "two packets share a tag");
    /* a refused packet (wrong associated data) leaves no tag */
    mix_onion_peeled r = { f.next, f.pay, sizeof f.pay, 0, 0, { 0 } };
    memset(r.tag, 0xaa, sizeof r.tag);
    cr_assert_eq(mix_onion_peel(ctx, f.rt.sk[0], f.pkt, sizeof f.pkt, f.ad, 1, &r), SH_ERR_VERIFY);
    cr_assert(sodium_is_zero(r.tag, sizeof r.tag));
    route_free(&f.rt);
    route_free(&g.rt);
}

Test(mixnet_onion, tampered_fields)
{
    fixture f;
    fixture_make(&f);
    uint8_t t[MIX_ONION_PACKET_STD];

    memcpy(t, f.pkt, sizeof t);
    t[0] = 1;
    cr_assert_eq(peel1(&f, t, sizeof t, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_VERSION);
    cr_assert_str_eq(mix_onion_reason(SH_ERR_VERSION), "onion: unknown version");

    memcpy(t, f.pkt, sizeof t);
    t[1] = 0x04;                            /* not a compressed prefix */
    cr_assert_eq(peel1(&f, t, sizeof t, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_POINT);

    memcpy(t, f.pkt, sizeof t);
    t[1] ^= 1;                              /* the other point with this x */
    cr_assert_eq(peel1(&f, t, sizeof t, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_VERIFY);

    memcpy(t, f.pkt, sizeof t);
    t[34 + 700] ^= 0x80;                    /* routing info */
    cr_assert_eq(peel1(&f, t, sizeof t, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_VERIFY);
    cr_assert_str_eq(mix_onion_reason(SH_ERR_VERIFY), "onion: bad hmac");

    memcpy(t, f.pkt, sizeof t);
    t[sizeof t - 1] ^= 1;                   /* HMAC */
    cr_assert_eq(peel1(&f, t, sizeof t, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_VERIFY);

    uint8_t ad2[32];
    memcpy(ad2, f.ad, sizeof ad2);
    ad2[5] ^= 1;                            /* associated data */
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, ad2, sizeof ad2, f.rt.sk[0]), SH_ERR_VERIFY);
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad - 1, f.rt.sk[0]),
                 SH_ERR_VERIFY);
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, NULL, 0, f.rt.sk[0]), SH_ERR_VERIFY);

    /* another hop's key */
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, f.rt.sk[1]), SH_ERR_VERIFY);
    /* truncated / extended */
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt - 1, f.ad, sizeof f.ad, f.rt.sk[0]),
                 SH_ERR_VERIFY);
    cr_assert_eq(peel1(&f, f.pkt, 100, f.ad, sizeof f.ad, f.rt.sk[0]), SH_ERR_LENGTH);

    /* an invalid node key */
    uint8_t zero[32] = { 0 };
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, zero), SH_ERR_ARG);

    /* a too small payload buffer */
    mix_onion_peeled p = { f.next, f.pay, 1, 0, 0, { 0 } };
    cr_assert_eq(mix_onion_peel(ctx, f.rt.sk[0], f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, &p),
                 f.rt.hops[0].payload_len > 1 ? SH_ERR_OVERSIZE : 0);
    route_free(&f.rt);
}

Test(mixnet_onion, forwarded_packet_tampered)
{
    fixture f;
    fixture_make(&f);
    uint8_t hop1[MIX_ONION_PACKET_STD];
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, f.rt.sk[0]), 0);
    memcpy(hop1, f.next, sizeof hop1);
    for (size_t i = 0; i < sizeof hop1; i += 97) {
        hop1[i] ^= 0x10;
        cr_assert_neq(peel1(&f, hop1, sizeof hop1, f.ad, sizeof f.ad, f.rt.sk[1]), 0);
        hop1[i] ^= 0x10;
    }
    cr_assert_eq(peel1(&f, hop1, sizeof hop1, f.ad, sizeof f.ad, f.rt.sk[1]), 0);
    route_free(&f.rt);
}

Test(mixnet_onion, create_arguments)
{
    uint8_t sk[32], pk[33], session[32], pkt[MIX_ONION_PACKET_STD], pl[4] = { 1, 2, 3, 4 };
    size_t bad = 99;
    cr_assert_eq(mix_onion_keygen(ctx, sk, pk, rng), 0);
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    mix_onion_hop h[2] = { { pk, pl, 4 }, { pk, pl, 4 } };
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, h, 0, NULL, 0, NULL), SH_ERR_ARG);
    cr_assert_eq(mix_onion_create(ctx, pkt, 100, session, h, 1, NULL, 0, NULL), SH_ERR_LENGTH);
    h[1].payload_len = 0;
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, h, 2, NULL, 0, &bad), SH_ERR_ARG);
    cr_assert_eq(bad, 1);
    h[1].payload_len = 4;
    uint8_t notpt[33];
    memset(notpt, 0xff, sizeof notpt);
    notpt[0] = 0x02;
    h[1].pubkey = notpt;
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, h, 2, NULL, 0, &bad), SH_ERR_POINT);
    cr_assert_eq(bad, 1);
    h[1].pubkey = pk;
    uint8_t zero[32] = { 0 };
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, zero, h, 2, NULL, 0, NULL), SH_ERR_ARG);
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, h, 2, NULL, 0, NULL), 0);
    /* the same inputs give the same packet (no hidden randomness) */
    uint8_t pkt2[MIX_ONION_PACKET_STD];
    cr_assert_eq(mix_onion_create(ctx, pkt2, sizeof pkt2, session, h, 2, NULL, 0, NULL), 0);
    cr_assert(memcmp(pkt, pkt2, sizeof pkt) == 0);
}

Test(mixnet_onion, hop_split_strict)
{
    uint8_t plain[300];
    size_t pre, L;
    memset(plain, 0, sizeof plain);
    plain[0] = 10;
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), 0);
    cr_assert_eq(pre, 1);
    cr_assert_eq(L, 10);
    plain[0] = 0;                               /* zero length */
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), SH_ERR_LENGTH);
    plain[0] = 0xfd; plain[1] = 0x00; plain[2] = 0x10;   /* non-minimal 16 */
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), SH_ERR_NONCANONICAL);
    plain[0] = 0xfd; plain[1] = 0x01; plain[2] = 0x0a;   /* 3 + 266 + 32 = 301 > 300 */
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), SH_ERR_LENGTH);
    plain[2] = 0x09;                                     /* 3 + 265 + 32 = 300: fits */
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), 0);
    cr_assert_eq(pre, 3);
    cr_assert_eq(L, 265);
    plain[0] = 0xff;                                     /* huge */
    memset(plain + 1, 0xff, 8);
    cr_assert_eq(mix_onion_hop_split(plain, sizeof plain, &pre, &L), SH_ERR_LENGTH);
}

/* ---- every bit ------------------------------------------------------------ */

static void every_bit(fixture *f, const uint8_t *pkt, const uint8_t *sk)
{
    uint8_t t[MIX_ONION_PACKET_STD];
    memcpy(t, pkt, sizeof t);
    for (size_t i = 0; i < sizeof t; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            t[i] ^= (uint8_t)(1u << bit);
            int rc = peel1(f, t, sizeof t, f->ad, sizeof f->ad, sk);
            t[i] ^= (uint8_t)(1u << bit);
            if (i == 0)
                cr_assert_eq(rc, SH_ERR_VERSION);
            else if (i < 34)
                cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_VERIFY, "byte %zu bit %u rc %d",
                          i, bit, rc);
            else
                cr_assert_eq(rc, SH_ERR_VERIFY, "byte %zu bit %u rc %d", i, bit, rc);
        }
    }
}

Test(mixnet_onion, every_bit_flipped_is_rejected_at_each_hop, .timeout = 120)
{
    fixture f;
    uint8_t hop1[MIX_ONION_PACKET_STD];
    fixture_make(&f);
    every_bit(&f, f.pkt, f.rt.sk[0]);
    cr_assert_eq(peel1(&f, f.pkt, sizeof f.pkt, f.ad, sizeof f.ad, f.rt.sk[0]), 0);
    memcpy(hop1, f.next, sizeof hop1);
    every_bit(&f, hop1, f.rt.sk[1]);            /* a forwarded packet, too */
    cr_assert_eq(peel1(&f, hop1, sizeof hop1, f.ad, sizeof f.ad, f.rt.sk[1]), 0);
    route_free(&f.rt);
}

/* ---- payload-length boundaries -------------------------------------------- */

/* Build n hops with payload lengths lens[] at routing size r; 0 or the
 * create error.  On success peel every hop and check its payload. */
static int lengths_trip(size_t r, size_t n, const size_t *lens)
{
    size_t plen = MIX_ONION_PACKET_BYTES(r);
    uint8_t *pkt = malloc(plen), *next = malloc(plen), *pay = malloc(MIX_ONION_PAYLOAD_CAP(r));
    uint8_t session[32];
    route rt;
    rt.n = n;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(mix_onion_keygen(ctx, rt.sk[i], rt.pk[i], rng), 0);
        rt.pl[i] = malloc(lens[i]);
        sh_rng_bytes(rng, rt.pl[i], lens[i]);
        rt.hops[i] = (mix_onion_hop){ rt.pk[i], rt.pl[i], lens[i] };
    }
    cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
    int rc = mix_onion_create(ctx, pkt, plen, session, rt.hops, n, NULL, 0, NULL);
    if (rc != 0)
        cr_assert(sodium_is_zero(pkt, plen));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        mix_onion_peeled p = { next, pay, MIX_ONION_PAYLOAD_CAP(r), 0, 0, { 0 } };
        cr_assert_eq(mix_onion_peel(ctx, rt.sk[i], pkt, plen, NULL, 0, &p), 0, "r %zu hop %zu", r, i);
        cr_assert_eq(p.payload_len, lens[i]);
        cr_assert(memcmp(pay, rt.pl[i], lens[i]) == 0);
        cr_assert_eq(p.final, i + 1 == n);
        if (p.final)
            cr_assert(sodium_is_zero(next, plen));
        memcpy(pkt, next, plen);
    }
    route_free(&rt);
    free(pkt);
    free(next);
    free(pay);
    return rc;
}

static size_t hop_size(size_t L)
{
    return mix_bigsize_len(L) + L + MIX_ONION_HMAC_BYTES;
}

Test(mixnet_onion, payload_length_boundaries, .timeout = 120)
{
    static const size_t rs[] = { MIX_ONION_ROUTING_MIN, MIX_ONION_ROUTING_STD,
                                 MIX_ONION_ROUTING_LARGE };
    for (size_t z = 0; z < sizeof rs / sizeof rs[0]; z++) {
        size_t r = rs[z], lens[MIX_ONION_MAX_HOPS + 1];
        /* one byte, alone and on the longest route */
        lens[0] = 1;
        cr_assert_eq(lengths_trip(r, 1, lens), 0);
        size_t most = r / hop_size(1) < MIX_ONION_MAX_HOPS ? r / hop_size(1) : MIX_ONION_MAX_HOPS;
        for (size_t i = 0; i < MIX_ONION_MAX_HOPS; i++)
            lens[i] = 1;
        cr_assert_eq(lengths_trip(r, most, lens), 0, "r %zu hops %zu", r, most);
        /* the largest single hop payload: prefix + L + 32 = r exactly */
        size_t L = r - 32 - 1;
        while (hop_size(L) > r)
            L--;
        lens[0] = L;
        cr_assert_eq(hop_size(L), r, "r %zu", r);
        cr_assert_eq(lengths_trip(r, 1, lens), 0, "r %zu L %zu", r, L);
        lens[0] = L + 1;                        /* one more */
        cr_assert_eq(lengths_trip(r, 1, lens), SH_ERR_OVERSIZE);
        /* around the BigSize step 252 | 253 (1 | 3 prefix bytes) */
        for (size_t l = 251; l <= 254 && hop_size(l) <= r; l++) {
            lens[0] = l;
            cr_assert_eq(lengths_trip(r, 1, lens), 0);
        }
        /* five hops filling the routing info exactly, then one byte over */
        size_t each = (r / 5) - 32 - 3, used = 0;
        for (size_t i = 0; i < 4; i++) {
            lens[i] = each - i;
            used += hop_size(lens[i]);
        }
        size_t rem = r - used;
        lens[4] = 0;
        for (size_t k = 1; k <= 9; k += 2)         /* BigSize of 1, 3, 5 or 9 bytes */
            if (rem > 32 + k && hop_size(rem - 32 - k) == rem)
                lens[4] = rem - 32 - k;
        cr_assert_neq(lens[4], 0);
        cr_assert_eq(used + hop_size(lens[4]), r, "r %zu", r);
        cr_assert_eq(lengths_trip(r, 5, lens), 0, "r %zu exactly full", r);
        lens[4]++;
        cr_assert_eq(lengths_trip(r, 5, lens), SH_ERR_OVERSIZE);
        lens[4]--;
        lens[0]++;
        cr_assert_eq(lengths_trip(r, 5, lens), SH_ERR_OVERSIZE);
    }
    /* more hops than allowed */
    uint8_t pk[33], session[32], one = 1, pkt[MIX_ONION_PACKET_STD];
    mix_onion_hop many[MIX_ONION_MAX_HOPS + 1];
    cr_assert_eq(mix_onion_keygen(ctx, session, pk, rng), 0);
    for (size_t i = 0; i <= MIX_ONION_MAX_HOPS; i++)
        many[i] = (mix_onion_hop){ pk, &one, 1 };
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, many, MIX_ONION_MAX_HOPS + 1,
                                  NULL, 0, NULL), SH_ERR_ARG);
    cr_assert_eq(mix_onion_create(ctx, pkt, sizeof pkt, session, many, MIX_ONION_MAX_HOPS,
                                  NULL, 0, NULL), 0);
}

/* ---- the relay path: replay, rotation, the largest final payload ---------- */

/* One relay (epoch `ep`) as the only hop; the final TLV payload fills the
 * routing size r exactly when fill is set. */
Test(mixnet_onion, relay_path_final_payload_replay_rotation, .timeout = 60)
{
    static const size_t rs[] = { MIX_ONION_ROUTING_STD, MIX_ONION_ROUTING_LARGE };
    for (size_t z = 0; z < 2; z++) {
        size_t r = rs[z], plen = MIX_ONION_PACKET_BYTES(r), enc_len;
        mix_keyring *kr = mix_keyring_new();
        mix_replay rp;
        uint8_t pk[33], session[32];
        uint8_t *pkt = malloc(plen), *next = malloc(plen), *pay = malloc(MIX_ONION_PAYLOAD_CAP(r));
        uint8_t *enc = malloc(r), *data = malloc(r);
        cr_assert_not_null(kr);
        cr_assert_eq(mix_replay_mem_new(&rp, 2, 16, rng), 0);
        cr_assert_eq(mix_onion_rotate(kr, &rp, ctx, 7, rng, pk), 0);
        /* the largest final_payload whose hop payload fits: grow until it
         * no longer does */
        mix_hop_payload h = { .epoch = 7, .delay_ms = 0, .is_final = 1, .data = data };
        sh_rng_bytes(rng, data, r);
        size_t best = 0;
        for (size_t d = r - 64; d < r; d++) {
            h.data_len = d;
            size_t e = mix_hop_payload_encoded_len(&h);
            if (hop_size(e) <= r)
                best = d;
        }
        h.data_len = best;
        cr_assert_eq(mix_hop_payload_encode(enc, r, &enc_len, &h), 0);
        mix_onion_hop hop = { pk, enc, enc_len };
        cr_assert_eq(mix_onion_keygen(ctx, session, NULL, rng), 0);
        cr_assert_eq(mix_onion_create(ctx, pkt, plen, session, &hop, 1, NULL, 0, NULL), 0);
        mix_onion_result res = { .peeled = { next, pay, MIX_ONION_PAYLOAD_CAP(r), 0, 0, { 0 } } };
        cr_assert_eq(mix_onion_process(ctx, kr, &rp, 7, pkt, plen, NULL, 0, &res), 0, "%s",
                     res.reason);
        cr_assert(res.hop.is_final);
        cr_assert_eq(res.hop.data_len, best);
        cr_assert(memcmp(res.hop.data, data, best) == 0);
        /* one byte more does not fit */
        h.data_len = best + 1;
        size_t e2 = mix_hop_payload_encoded_len(&h);
        cr_assert_gt(hop_size(e2), r);
        /* a replay is rejected, as the peer's fault */
        cr_assert_eq(mix_onion_process(ctx, kr, &rp, 7, pkt, plen, NULL, 0, &res), MIX_ERR_REPLAY);
        cr_assert_str_eq(res.reason, "onion: replayed packet");
        cr_assert(res.peer_fault);
        /* a fresh packet under key 7 still works during the grace period
         * after a rotation to 8, and is rejected once it ended */
        cr_assert_eq(mix_onion_create(ctx, pkt, plen, session, &hop, 1, NULL, 0, NULL), 0);
        uint8_t pk8[33];
        cr_assert_eq(mix_onion_rotate(kr, &rp, ctx, 8, rng, pk8), 0);
        uint8_t sess2[32];
        cr_assert_eq(mix_onion_keygen(ctx, sess2, NULL, rng), 0);
        cr_assert_eq(mix_onion_create(ctx, pkt, plen, sess2, &hop, 1, NULL, 0, NULL), 0);
        cr_assert_eq(mix_onion_process(ctx, kr, &rp, 7, pkt, plen, NULL, 0, &res), 0, "%s",
                     res.reason);
        cr_assert_eq(mix_onion_create(ctx, pkt, plen, session, &hop, 1, NULL, 0, NULL), 0);
        cr_assert_eq(mix_onion_end_grace(kr, &rp), 0);
        cr_assert_eq(mix_onion_process(ctx, kr, &rp, 7, pkt, plen, NULL, 0, &res), SH_ERR_STATE);
        cr_assert_str_eq(res.reason, "onion: no key for epoch");
        cr_assert(res.peer_fault);
        mix_replay_free(&rp);
        mix_keyring_free(kr);
        free(pkt);
        free(next);
        free(pay);
        free(enc);
        free(data);
    }
}
