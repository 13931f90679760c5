/* tests/test_mpc_group_ed25519.c -- MPC_ED25519 against libsodium itself
 * (scalar and point operations, crypto_sign keys and signatures) and the
 * adversarial encodings its decoder must refuse: the eight small-order
 * points, their non-canonical encodings, mixed-order points P + T, and
 * y >= p; and the decompression hints (P / 8), whatever hint comes with
 * which encoding. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "mpc/group.h"
#include "testutil.h"
#include "zk/group.h"

#define ROUNDS 100

static sh_rng *rng;
static mpc_group *g;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(41);
    g = mpc_group_new(MPC_ED25519, rng);
    cr_assert_not_null(g);
}

static void teardown(void)
{
    mpc_group_free(g);
    sh_rng_free(rng);
}

TestSuite(mpc_ed25519, .init = setup, .fini = teardown);

static const uint8_t IDENTITY[32] = { 1 };

static void random_scalar(mpc_scalar *s, uint8_t enc[32])
{
    mpc_scalar_random(g, s, rng);
    mpc_scalar_encode(g, enc, s);
}

static void random_point(mpc_elem *p, uint8_t enc[32])
{
    mpc_scalar s;
    mpc_scalar_random(g, &s, rng);
    mpc_elem_mul_base(g, p, &s);
    cr_assert_eq(mpc_elem_encode(g, enc, p), 0);
}

Test(mpc_ed25519, base_point_is_rfc8032)
{
    mpc_elem b;
    uint8_t enc[32], want[32], one[32] = { 1 };
    mpc_elem_base(g, &b);
    cr_assert_eq(mpc_elem_encode(g, enc, &b), 0);
    cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(want, one), 0);
    cr_assert_arr_eq(enc, want, 32);
    tu_hex(want, 32, "5866666666666666666666666666666666666666666666666666666666666666");
    cr_assert_arr_eq(enc, want, 32);
}

Test(mpc_ed25519, scalar_ops_match_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b, r;
        uint8_t ea[32], eb[32], got[32], want[32], wide[64];
        random_scalar(&a, ea);
        random_scalar(&b, eb);
        mpc_scalar_add(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ed25519_scalar_add(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);
        mpc_scalar_sub(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ed25519_scalar_sub(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);
        mpc_scalar_mul(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ed25519_scalar_mul(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);
        cr_assert_eq(mpc_scalar_invert(g, &r, &a), 0);
        mpc_scalar_encode(g, got, &r);
        cr_assert_eq(crypto_core_ed25519_scalar_invert(want, ea), 0);
        cr_assert_arr_eq(got, want, 32);
        sh_rng_bytes(rng, wide, sizeof wide);
        cr_assert_eq(mpc_scalar_reduce(g, &r, wide, 64), 0);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ed25519_scalar_reduce(want, wide);
        cr_assert_arr_eq(got, want, 32);
        /* and it agrees with ristretto255's scalar field (same L) */
        cr_assert_eq(crypto_core_ristretto255_scalar_invert(want, ea), 0);
        cr_assert_eq(mpc_scalar_invert(g, &r, &a), 0);
        mpc_scalar_encode(g, got, &r);
        cr_assert_arr_eq(got, want, 32);
    }
}

/* The libsodium behaviour the backend relies on, checked directly. */
Test(mpc_ed25519, libsodium_behaviour_relied_on)
{
    uint8_t zero[32] = { 0 }, out[32], p[32];
    mpc_elem e;
    random_point(&e, p);
    cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(out, zero), -1);
    cr_assert_eq(crypto_scalarmult_ed25519_noclamp(out, zero, p), -1);
    uint8_t one[32] = { 1 };
    cr_assert_eq(crypto_scalarmult_ed25519_noclamp(out, one, IDENTITY), -1);
    cr_assert_eq(crypto_core_ed25519_scalar_invert(out, zero), -1);
    cr_assert_eq(crypto_core_ed25519_is_valid_point(IDENTITY), 0);
    /* add/sub take the identity */
    cr_assert_eq(crypto_core_ed25519_add(out, p, IDENTITY), 0);
    cr_assert_arr_eq(out, p, 32);
    cr_assert_eq(crypto_core_ed25519_sub(out, p, p), 0);
    cr_assert_arr_eq(out, IDENTITY, 32);
}

Test(mpc_ed25519, points_match_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b;
        mpc_elem pa, pb, r;
        uint8_t ea[32], eb[32], qa[32], qb[32], got[32], want[32];
        random_scalar(&a, ea);
        random_scalar(&b, eb);
        mpc_elem_mul_base(g, &pa, &a);
        mpc_elem_mul_base(g, &pb, &b);
        cr_assert_eq(mpc_elem_encode(g, qa, &pa), 0);
        cr_assert_eq(mpc_elem_encode(g, qb, &pb), 0);
        cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(want, ea), 0);
        cr_assert_arr_eq(qa, want, 32);
        mpc_elem_add(g, &r, &pa, &pb);
        cr_assert_eq(mpc_elem_encode(g, got, &r), 0);
        cr_assert_eq(crypto_core_ed25519_add(want, qa, qb), 0);
        cr_assert_arr_eq(got, want, 32);
        mpc_elem_sub(g, &r, &pa, &pb);
        cr_assert_eq(mpc_elem_encode(g, got, &r), 0);
        cr_assert_eq(crypto_core_ed25519_sub(want, qa, qb), 0);
        cr_assert_arr_eq(got, want, 32);
        mpc_elem_mul(g, &r, &pa, &b);
        cr_assert_eq(mpc_elem_encode(g, got, &r), 0);
        cr_assert_eq(crypto_scalarmult_ed25519_noclamp(want, eb, qa), 0);
        cr_assert_arr_eq(got, want, 32);
        cr_assert(crypto_core_ed25519_is_valid_point(got));
    }
}

/* The Ed25519 public key of crypto_sign is (clamped SHA-512(seed)[0..32])
 * * B; the clamped value is below 2^255 but not always below L, so it goes
 * through reduce. */
Test(mpc_ed25519, sign_keypair_is_mul_base_of_clamped_secret)
{
    for (int i = 0; i < 50; i++) {
        uint8_t seed[32], pk[32], sk[64], h[64], enc[32];
        sh_rng_bytes(rng, seed, sizeof seed);
        cr_assert_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
        crypto_hash_sha512(h, seed, sizeof seed);
        h[0] &= 248;
        h[31] &= 127;
        h[31] |= 64;
        mpc_scalar s;
        mpc_elem a, d;
        cr_assert_eq(mpc_scalar_reduce(g, &s, h, 32), 0);
        mpc_elem_mul_base(g, &a, &s);
        cr_assert_eq(mpc_elem_encode(g, enc, &a), 0);
        cr_assert_arr_eq(enc, pk, 32);
        cr_assert_eq(mpc_elem_decode(g, &d, pk), 0);
        cr_assert(mpc_elem_eq(g, &d, &a));
    }
}

/* A crypto_sign signature (R, S) satisfies S*B = R + k*A with
 * k = SHA-512(R || A || M) mod L, in our arithmetic; and a signature made
 * with our arithmetic passes crypto_sign_verify_detached. */
Test(mpc_ed25519, signatures_interoperate_with_crypto_sign)
{
    for (int i = 0; i < 30; i++) {
        uint8_t seed[32], pk[32], sk[64], sig[64], msg[40], h[64];
        sh_rng_bytes(rng, seed, sizeof seed);
        sh_rng_bytes(rng, msg, sizeof msg);
        cr_assert_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
        cr_assert_eq(crypto_sign_detached(sig, NULL, msg, sizeof msg, sk), 0);

        mpc_elem R, A, lhs, rhs;
        mpc_scalar S, k;
        cr_assert_eq(mpc_elem_decode(g, &R, sig), 0);
        cr_assert_eq(mpc_elem_decode(g, &A, pk), 0);
        cr_assert_eq(mpc_scalar_decode(g, &S, sig + 32), 0);
        crypto_hash_sha512_state st;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, sig, 32);
        crypto_hash_sha512_update(&st, pk, 32);
        crypto_hash_sha512_update(&st, msg, sizeof msg);
        crypto_hash_sha512_final(&st, h);
        cr_assert_eq(mpc_scalar_reduce(g, &k, h, 64), 0);
        mpc_elem_mul_base(g, &lhs, &S);
        mpc_elem_mul_vartime(g, &rhs, &A, &k);
        mpc_elem_add(g, &rhs, &rhs, &R);
        cr_assert(mpc_elem_eq(g, &lhs, &rhs));

        /* our own signature: x = reduce(clamped h), r random, S = r + k x */
        uint8_t hs[64], enc[32], own[64];
        crypto_hash_sha512(hs, seed, 32);
        hs[0] &= 248;
        hs[31] &= 127;
        hs[31] |= 64;
        mpc_scalar x, r;
        cr_assert_eq(mpc_scalar_reduce(g, &x, hs, 32), 0);
        mpc_scalar_random(g, &r, rng);
        mpc_elem_mul_base(g, &R, &r);
        cr_assert_eq(mpc_elem_encode(g, own, &R), 0);
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, own, 32);
        crypto_hash_sha512_update(&st, pk, 32);
        crypto_hash_sha512_update(&st, msg, sizeof msg);
        crypto_hash_sha512_final(&st, h);
        cr_assert_eq(mpc_scalar_reduce(g, &k, h, 64), 0);
        mpc_scalar_mul(g, &S, &k, &x);
        mpc_scalar_add(g, &S, &S, &r);
        mpc_scalar_encode(g, enc, &S);
        memcpy(own + 32, enc, 32);
        cr_assert_eq(crypto_sign_verify_detached(own, msg, sizeof msg, pk), 0);
        own[40] ^= 1;
        cr_assert_neq(crypto_sign_verify_detached(own, msg, sizeof msg, pk), 0);
    }
}

/* ---- adversarial decoding --------------------------------------------------- */

/* The eight points of order dividing 8, canonical encodings: the identity,
 * (0, -1) of order 2, (+-sqrt(-1), 0) of order 4, and four of order 8
 * (the list libsodium and others blacklist; checked below by computing
 * 8T = O with crypto_core_ed25519_add, which does not check the
 * subgroup). */
static const char *SMALL_ORDER[8] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

static unsigned torsion_order(const uint8_t t[32])
{
    uint8_t acc[32];
    memcpy(acc, t, 32);
    for (unsigned k = 1; k <= 8; k++) {
        if (memcmp(acc, IDENTITY, 32) == 0)
            return k;
        cr_assert_eq(crypto_core_ed25519_add(acc, acc, t), 0);
    }
    return 0;
}

Test(mpc_ed25519, small_order_points_rejected)
{
    static const unsigned orders[8] = { 1, 2, 4, 4, 8, 8, 8, 8 };
    for (int i = 0; i < 8; i++) {
        uint8_t t[32];
        mpc_elem e;
        tu_hex(t, 32, SMALL_ORDER[i]);
        cr_assert_eq(torsion_order(t), orders[i], "point %d has order %u", i, torsion_order(t));
        int rc = mpc_elem_decode(g, &e, t);
        /* the identity, and the all-zero bytes that encode() writes for it,
         * are SH_ERR_IDENTITY; every other small-order point SH_ERR_POINT */
        int want = (i == 0 || i == 2) ? SH_ERR_IDENTITY : SH_ERR_POINT;
        cr_assert_eq(rc, want, "small-order point %d: %d", i, rc);
        cr_assert(mpc_elem_is_identity(g, &e));
    }
}

/* P + T for a prime-order P and each nonzero torsion point T: on the curve
 * but outside the prime-order subgroup. */
Test(mpc_ed25519, mixed_order_points_rejected)
{
    for (int round = 0; round < 10; round++) {
        mpc_elem p, e;
        uint8_t enc[32];
        random_point(&p, enc);
        for (int i = 1; i < 8; i++) {
            uint8_t t[32], m[32];
            tu_hex(t, 32, SMALL_ORDER[i]);
            cr_assert_eq(crypto_core_ed25519_add(m, enc, t), 0);
            cr_assert_eq(mpc_elem_decode(g, &e, m), SH_ERR_POINT, "P + T%d accepted", i);
            cr_assert(mpc_elem_is_identity(g, &e));
        }
        cr_assert_eq(mpc_elem_decode(g, &e, enc), 0);
    }
}

/* Non-canonical encodings: y = p + k (k = 0..18) with either sign bit, and
 * x = 0 with the sign bit set.  Several are aliases of curve points (y = k
 * on the curve), which a decoder that reduced y mod p would take.  None of
 * those points lies in the prime-order subgroup (no prime-order point has
 * y < 19), so for Ed25519 the subgroup check would catch them too; the
 * test pins the rejection whichever check does it. */
Test(mpc_ed25519, noncanonical_encodings_rejected)
{
    int aliases = 0, prime_order = 0;
    for (unsigned k = 0; k < 19; k++) {
        for (unsigned sign = 0; sign < 2; sign++) {
            uint8_t nc[32], c[32];
            mpc_elem e;
            /* p + k = 2^255 - 19 + k, little-endian, plus the sign bit */
            memset(nc, 0xff, 32);
            nc[0] = (uint8_t)(0xed + k);
            nc[31] = (uint8_t)(0x7f | (sign << 7));
            cr_assert_eq(mpc_elem_decode(g, &e, nc), SH_ERR_POINT, "y = p + %u, sign %u", k, sign);
            cr_assert_eq(crypto_core_ed25519_is_valid_point(nc), 0);
            memset(c, 0, 32);
            c[0] = (uint8_t)k;
            c[31] = (uint8_t)(sign << 7);
            uint8_t sum[32];
            if (crypto_core_ed25519_add(sum, c, IDENTITY) == 0)   /* on the curve */
                aliases++;
            prime_order += crypto_core_ed25519_is_valid_point(c);
        }
    }
    cr_assert_gt(aliases, 0, "no y < 19 is on the curve: the test would be vacuous");
    cr_assert_eq(prime_order, 0);   /* the fact stated above */
    /* x = 0 with the sign bit set: "-0" for the identity and for (0, -1) */
    uint8_t nz[32] = { 1 };
    nz[31] = 0x80;
    mpc_elem e;
    cr_assert_eq(mpc_elem_decode(g, &e, nz), SH_ERR_POINT);
    uint8_t m1[32];
    memset(m1, 0xff, 32);
    m1[0] = 0xec;
    cr_assert_eq(mpc_elem_decode(g, &e, m1), SH_ERR_POINT);   /* sign bit set */
}

/* Off-curve: y for which (y^2 - 1) / (d y^2 + 1) is not a square.  About
 * half of all y; pick some by asking libsodium's decoder and check that the
 * same bytes with either sign fail ours. */
Test(mpc_ed25519, off_curve_rejected)
{
    int seen = 0;
    for (int i = 0; i < 200 && seen < 20; i++) {
        uint8_t y[32];
        sh_rng_bytes(rng, y, 32);
        y[31] &= 0x3f;             /* canonical */
        uint8_t sq[32];
        /* crypto_core_ed25519_add fails exactly for off-curve inputs */
        if (crypto_core_ed25519_add(sq, y, IDENTITY) == 0)
            continue;
        seen++;
        mpc_elem e;
        cr_assert_eq(mpc_elem_decode(g, &e, y), SH_ERR_POINT);
        y[31] |= 0x80;
        cr_assert_eq(mpc_elem_decode(g, &e, y), SH_ERR_POINT);
    }
    cr_assert_geq(seen, 10);
}

/* Scalar decoding is strict: L, L + 1, and the encodings with high bits
 * that libsodium's own functions would silently reduce or mask. */
Test(mpc_ed25519, scalar_decode_strict)
{
    uint8_t s[32];
    mpc_scalar d;
    memcpy(s, tu_L, 32);
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    s[0]++;
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    memcpy(s, tu_L, 32);
    s[0]--;
    cr_assert_eq(mpc_scalar_decode(g, &d, s), 0);
    memset(s, 0, 32);
    s[31] = 0x80;              /* 2^255 */
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    s[31] = 0x20;              /* 2^253 */
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    s[31] = 0x0f;              /* below 2^252 < L */
    cr_assert_eq(mpc_scalar_decode(g, &d, s), 0);
}

Test(mpc_ed25519, mul_of_small_and_large_scalars)
{
    /* s in {1, 2, L-1, L-2} and random points: checks the top-bit handling
     * of the scalar path (libsodium clears bit 255, never set for s < L) */
    mpc_elem p, r, want;
    uint8_t enc[32];
    random_point(&p, enc);
    mpc_scalar s, one;
    mpc_scalar_one(g, &one);
    mpc_scalar_neg(g, &s, &one);              /* L - 1 */
    mpc_elem_mul(g, &r, &p, &s);
    mpc_elem_neg(g, &want, &p);
    cr_assert(mpc_elem_eq(g, &r, &want));
    mpc_elem_mul_base(g, &r, &s);
    mpc_elem_base(g, &want);
    mpc_elem_neg(g, &want, &want);
    cr_assert(mpc_elem_eq(g, &r, &want));
}

/* ---- decompression hints (the coordinates of P / 8) -------------------- */

/* 8P by three libsodium doublings, which check nothing about the subgroup. */
static void times8(uint8_t out[32], const uint8_t p[32])
{
    cr_assert_eq(crypto_core_ed25519_add(out, p, p), 0);
    cr_assert_eq(crypto_core_ed25519_add(out, out, out), 0);
    cr_assert_eq(crypto_core_ed25519_add(out, out, out), 0);
}

/* The fact the hinted decoder rests on: libdecaf's EdDSA decoding followed
 * by its EdDSA encoding maps any point on the curve, torsion included, to
 * exactly 8 times itself. */
Test(mpc_ed25519, libdecaf_round_trip_is_times_eight)
{
    for (int round = 0; round < 20; round++) {
        mpc_elem p;
        uint8_t enc[32];
        random_point(&p, enc);
        for (int i = 0; i < 8; i++) {
            uint8_t t[32], m[32], want[32], got[32];
            zk_point z;
            tu_hex(t, 32, SMALL_ORDER[i]);
            cr_assert_eq(crypto_core_ed25519_add(m, enc, t), 0);
            times8(want, m);
            cr_assert_eq(zk_point_from_ed25519(&z, m), SH_OK);
            zk_point_to_ed25519(got, &z);
            cr_assert_eq(memcmp(got, want, 32), 0, "round %d, torsion %d", round, i);
        }
    }
}

/* The RFC 8032 encoding of the point with coordinates xy. */
static void coords_to_enc(uint8_t enc[32], const uint8_t xy[64])
{
    memcpy(enc, xy + 32, 32);
    enc[31] |= (uint8_t)((xy[0] & 1) << 7);
}

/* The coordinates of the point encoded by enc (which must encode one). */
static void enc_to_coords(uint8_t xy[64], const uint8_t enc[32])
{
    cr_assert_eq(tu_ed25519_coords(xy, enc), 0);
}

/* What mpc_elems_hints gives: the coordinates of H in the subgroup with
 * 8H = P; the identity gets zero bytes. */
Test(mpc_ed25519, hint_is_an_eighth)
{
    mpc_elem p[4];
    uint8_t enc[4][32], hint[4][64], h[32], h8[32], xy[64];
    for (int i = 0; i < 3; i++)
        random_point(&p[i], enc[i]);
    mpc_elem_identity(g, &p[3]);
    memset(enc[3], 0, 32);
    cr_assert_eq(mpc_group_hint_bytes(g), 64);
    cr_assert_eq(mpc_elems_hints(g, &hint[0][0], p, &enc[0][0], 4), 0);
    for (int i = 0; i < 3; i++) {
        coords_to_enc(h, hint[i]);
        cr_assert(crypto_core_ed25519_is_valid_point(h));
        enc_to_coords(xy, h);
        cr_assert_eq(memcmp(xy, hint[i], 64), 0, "point %d: not H's coordinates", i);
        times8(h8, h);
        cr_assert_eq(memcmp(h8, enc[i], 32), 0, "point %d", i);
    }
    cr_assert(sodium_is_zero(hint[3], 64));
}

/* decode_hinted(enc, hint) returns what decode(enc) returns, the same
 * error or the same element. */
static void agree(const uint8_t enc[32], const uint8_t hint[64], const char *what)
{
    mpc_elem a, b;
    int ra = mpc_elem_decode(g, &a, enc);
    int rb = mpc_elem_decode_hinted(g, &b, enc, hint);
    cr_assert_eq(rb, ra, "%s: hinted %d, plain %d", what, rb, ra);
    cr_assert(mpc_elem_eq(g, &a, &b), "%s: different elements", what);
    if (ra != 0)
        return;
    /* and the hinted element computes like the plain one (its cache) */
    mpc_scalar s;
    mpc_elem x, y;
    mpc_scalar_random(g, &s, rng);
    mpc_elem_mul_vartime(g, &x, &a, &s);
    mpc_elem_mul_vartime(g, &y, &b, &s);
    cr_assert(mpc_elem_eq(g, &x, &y), "%s: products differ", what);
    mpc_elem_add(g, &x, &a, &x);
    mpc_elem_add(g, &y, &b, &y);
    cr_assert(mpc_elem_eq(g, &x, &y), "%s: sums differ", what);
}

/* Every encoding the other tests refuse or accept, against every kind of
 * hint: the right one, the right one plus torsion (also an eighth of P),
 * another point's, P itself, zeros (off the curve), the identity, random
 * bytes, x not canonical, a small-order point, the right x with another y
 * (off the curve), and for P + T the hint of P (whose round trip gives P,
 * not P + T). */
Test(mpc_ed25519, hinted_decode_agrees_whatever_the_hint)
{
    uint8_t encs[64][32];
    size_t ne = 0;
    mpc_elem p;
    uint8_t good[32], other[32], t[32];
    random_point(&p, good);
    random_point(&p, other);
    memcpy(encs[ne++], good, 32);
    memcpy(encs[ne++], other, 32);
    for (int i = 0; i < 8; i++) {
        tu_hex(encs[ne++], 32, SMALL_ORDER[i]);
        if (i == 0 || i == 2)
            continue;
        tu_hex(t, 32, SMALL_ORDER[i]);
        cr_assert_eq(crypto_core_ed25519_add(encs[ne++], good, t), 0);   /* P + T */
    }
    memset(encs[ne], 0xff, 32);                                           /* y = p + 1 */
    encs[ne++][0] = 0xee;
    for (int found = 0; found < 4;) {                                     /* off the curve */
        sh_rng_bytes(rng, encs[ne], 32);
        uint8_t sq[32];
        if (crypto_core_ed25519_add(sq, encs[ne], IDENTITY) != 0) {
            ne++;
            found++;
        }
    }
    mpc_elem pe;
    cr_assert_eq(mpc_elem_decode(g, &pe, good), 0);
    for (size_t i = 0; i < ne; i++) {
        uint8_t hints[10][64], he[32];
        mpc_elem e;
        int valid = mpc_elem_decode(g, &e, encs[i]) == 0;
        /* the right hint for P (also the hint tried on every P + T) */
        cr_assert_eq(mpc_elems_hints(g, hints[0], valid ? &e : &pe, valid ? encs[i] : good, 1), 0);
        tu_hex(t, 32, SMALL_ORDER[4]);
        coords_to_enc(he, hints[0]);
        cr_assert_eq(crypto_core_ed25519_add(he, he, t), 0);              /* + order 8 */
        enc_to_coords(hints[1], he);
        cr_assert_eq(mpc_elems_hints(g, hints[2], &pe, good, 1), 0);
        if (tu_ed25519_coords(hints[3], encs[i]) != 0)                    /* P's own */
            sh_rng_bytes(rng, hints[3], 64);
        memset(hints[4], 0, 64);
        enc_to_coords(hints[5], IDENTITY);
        sh_rng_bytes(rng, hints[6], 64);
        memcpy(hints[7], hints[0], 64);
        memset(hints[7], 0xff, 31);                                       /* not canonical */
        hints[7][31] = 0x7f;
        tu_hex(t, 32, SMALL_ORDER[5]);
        enc_to_coords(hints[8], t);
        memcpy(hints[9], hints[0], 64);
        hints[9][32] ^= 1;                                                /* off the curve */
        for (int h = 0; h < 10; h++) {
            char what[64];
            snprintf(what, sizeof what, "encoding %zu, hint %d", i, h);
            agree(encs[i], hints[h], what);
        }
        /* the same ten as one block (and behind a good element):
         * element by element what the single decodings give, or the
         * error of the first that fails */
        uint8_t benc[11][32], bh[11][64];
        memcpy(benc[0], good, 32);
        (void)!mpc_elems_hints(g, bh[0], &pe, good, 1);
        for (int h = 0; h < 10; h++) {
            memcpy(benc[h + 1], encs[i], 32);
            memcpy(bh[h + 1], hints[h], 64);
        }
        mpc_elem blk[11], one;
        int want = mpc_elem_decode(g, &one, encs[i]);
        cr_assert_eq(mpc_elems_decode_hinted(g, blk, benc[0], bh[0], 11), want, "block %zu", i);
        mpc_scalar sc;
        mpc_scalar_random(g, &sc, rng);
        for (int k = 0; k < 11 && want == 0; k++) {
            /* the same bytes, and the same cache: products agree */
            mpc_elem x, y;
            cr_assert(mpc_elem_eq(g, &blk[k], k == 0 ? &pe : &one), "block %zu, %d", i, k);
            mpc_elem_mul_vartime(g, &x, &blk[k], &sc);
            mpc_elem_mul_vartime(g, &y, k == 0 ? &pe : &one, &sc);
            cr_assert(mpc_elem_eq(g, &x, &y), "block %zu, %d: products differ", i, k);
        }
    }
}

/* ---- the libdecaf cache of public elements ------------------------------ */

/* A cached copy of p: a variable-time product by 1 comes out of libdecaf
 * with its point. */
static void cached_copy(mpc_elem *out, const mpc_elem *p)
{
    mpc_scalar one;
    mpc_scalar_one(g, &one);
    mpc_elem_mul_vartime(g, out, p, &one);
    cr_assert(mpc_elem_eq(g, out, p));
    cr_assert_eq(out->ed_cached, 1);
}

/* Products, sums, Horner evaluations, additions and subtractions give the
 * same bytes whether their inputs carry the cache, some of them or none,
 * and the same as libsodium's own arithmetic; results are used again as
 * inputs (a cache of a cache), and constant-time products never cache. */
Test(mpc_ed25519, cached_and_uncached_inputs_agree)
{
    enum { N = 7 };
    mpc_elem P[N], Q[N], M[N], r[3];
    mpc_scalar s[N];
    uint8_t enc[32];
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++) {
            random_point(&P[i], enc);
            cr_assert_eq(P[i].ed_cached, 0);
            cached_copy(&Q[i], &P[i]);
            M[i] = (i & 1) ? Q[i] : P[i];
            mpc_scalar_random(g, &s[i], rng);
        }
        /* libsodium: sum of s_i P_i */
        uint8_t want[32], t[32];
        memcpy(want, IDENTITY, 32);
        for (int i = 0; i < N; i++) {
            cr_assert_eq(crypto_scalarmult_ed25519_noclamp(t, s[i].b, P[i].u.ed), 0);
            cr_assert_eq(crypto_core_ed25519_add(want, want, t), 0);
        }
        for (size_t n = 1; n <= N; n += N - 1) {   /* one term, and all */
            cr_assert_eq(mpc_elem_msm_vartime(g, &r[0], s, P, n), 0);
            cr_assert_eq(mpc_elem_msm_vartime(g, &r[1], s, Q, n), 0);
            cr_assert_eq(mpc_elem_msm_vartime(g, &r[2], s, M, n), 0);
            cr_assert(mpc_elem_eq(g, &r[0], &r[1]) && mpc_elem_eq(g, &r[0], &r[2]), "n = %zu", n);
        }
        cr_assert_eq(memcmp(r[1].u.ed, want, 32), 0);
        /* the result, cached, as an input again: 2S - S = S */
        mpc_elem two, back;
        mpc_elem_add(g, &two, &r[1], &r[1]);
        cr_assert_eq(two.ed_cached, 1);
        mpc_elem_sub(g, &back, &two, &r[1]);
        cr_assert(mpc_elem_eq(g, &back, &r[1]));
        cr_assert_eq(crypto_core_ed25519_add(t, want, want), 0);
        cr_assert_eq(memcmp(two.u.ed, t, 32), 0);
        mpc_elem_sub(g, &back, &r[1], &r[1]);
        cr_assert(mpc_elem_is_identity(g, &back));
        /* sums of 3 (libsodium's additions when uncached) and of 7 */
        const mpc_elem *pp[N], *pq[N], *pm[N];
        for (int i = 0; i < N; i++) {
            pp[i] = &P[i];
            pq[i] = &Q[i];
            pm[i] = &M[i];
        }
        for (size_t n = 3; n <= N; n += N - 3) {
            cr_assert_eq(mpc_elem_sum(g, &r[0], pp, n), 0);
            cr_assert_eq(mpc_elem_sum(g, &r[1], pq, n), 0);
            cr_assert_eq(mpc_elem_sum(g, &r[2], pm, n), 0);
            cr_assert(mpc_elem_eq(g, &r[0], &r[1]) && mpc_elem_eq(g, &r[0], &r[2]), "n = %zu", n);
        }
        /* Horner at 1..5 over 3 and 7 coefficients */
        uint32_t xs[5] = { 1, 2, 3, 4, 5 };
        mpc_elem ep[5], eq[5], em[5];
        for (uint32_t tt = 3; tt <= N; tt += N - 3) {
            cr_assert_eq(mpc_elem_poly_eval_small(g, ep, P, tt, xs, 5), 0);
            cr_assert_eq(mpc_elem_poly_eval_small(g, eq, Q, tt, xs, 5), 0);
            cr_assert_eq(mpc_elem_poly_eval_small(g, em, M, tt, xs, 5), 0);
            for (int i = 0; i < 5; i++)
                cr_assert(mpc_elem_eq(g, &ep[i], &eq[i]) && mpc_elem_eq(g, &ep[i], &em[i]));
        }
        /* a constant-time product of a cached point leaves no cache */
        mpc_elem_mul(g, &r[0], &Q[0], &s[0]);
        cr_assert_eq(r[0].ed_cached, 0);
        mpc_elem_mul_base(g, &r[0], &s[0]);
        cr_assert_eq(r[0].ed_cached, 0);
    }
}
