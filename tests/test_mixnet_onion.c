/* tests/test_mixnet_onion.c -- onion packets: random round trips with 1..20
 * hops at the standard and the large size, the blinding against
 * libsecp256k1's own tweak_mul, and tampered packets (every byte flipped,
 * each field, the associated data, the key, the length). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>

#include "mixnet/onion.h"
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
