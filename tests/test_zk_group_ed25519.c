/* tests/test_zk_group_ed25519.c -- zk_point_from_ed25519 and
 * zk_point_to_ed25519 (zk/group.h), the bridge that lets edwards25519
 * points use libdecaf's arithmetic, checked against libsodium's
 * independent Ed25519 implementation: the round trip through the cofactor
 * and 8^-1, sums, the base points of the two encodings, torsion, and
 * bytes that encode no point. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/group.h"
#include "testutil.h"

#define ROUNDS 200

static sh_rng *rng;
static zk_scalar inv8, zero;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(11);
    zk_scalar_zero(&zero);
    /* 8^-1 mod L, computed here rather than copied: 8 * inv8 = 1 */
    zk_scalar eight;
    zk_scalar_from_u64(&eight, 8);
    cr_assert_eq(zk_scalar_invert(&inv8, &eight), 0);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(ed25519_bridge, .init = setup, .fini = teardown);

/* A random point of the prime-order subgroup, by libsodium: k*B. */
static void random_ed(uint8_t enc[32], uint8_t k[32])
{
    crypto_core_ed25519_scalar_random(k);
    cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(enc, k), 0);
}

/* The Ed25519 encoding of inv8 * X: what msm code encodes for a sum X of
 * converted points. */
static void back(uint8_t enc[32], const zk_point *x)
{
    zk_point y;
    zk_point_double_mul_base_vartime(&y, &zero, x, &inv8);
    zk_point_to_ed25519(enc, &y);
}

Test(ed25519_bridge, round_trip_is_the_identity_after_inv8)
{
    for (int i = 0; i < ROUNDS; i++) {
        uint8_t P[32], k[32], got[32];
        zk_point q;
        random_ed(P, k);
        cr_assert_eq(zk_point_from_ed25519(&q, P), 0);
        back(got, &q);
        cr_assert_arr_eq(got, P, 32, "round %d", i);
        /* without inv8 the round trip is the cofactor: 8P */
        uint8_t eight[32] = { 8 }, P8[32];
        cr_assert_eq(crypto_scalarmult_ed25519_noclamp(P8, eight, P), 0);
        zk_point_to_ed25519(got, &q);
        cr_assert_arr_eq(got, P8, 32);
    }
}

Test(ed25519_bridge, products_and_sums_match_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        uint8_t P[32], Q[32], a[32], b[32], s[32], want[32], got[32], tmp[32];
        zk_point p, q, r;
        zk_scalar zs;
        random_ed(P, a);
        random_ed(Q, b);
        cr_assert_eq(zk_point_from_ed25519(&p, P), 0);
        cr_assert_eq(zk_point_from_ed25519(&q, Q), 0);
        /* P + Q and P - Q */
        cr_assert_eq(crypto_core_ed25519_add(want, P, Q), 0);
        zk_point_add(&r, &p, &q);
        back(got, &r);
        cr_assert_arr_eq(got, want, 32);
        cr_assert_eq(crypto_core_ed25519_sub(want, P, Q), 0);
        zk_point_sub(&r, &p, &q);
        back(got, &r);
        cr_assert_arr_eq(got, want, 32);
        /* s*P for a random s, and s*P + Q */
        crypto_core_ed25519_scalar_random(s);
        cr_assert_eq(crypto_scalarmult_ed25519_noclamp(tmp, s, P), 0);
        cr_assert_eq(zk_scalar_decode(&zs, s), 0);
        zk_point_double_mul_base_vartime(&r, &zero, &p, &zs);
        back(got, &r);
        cr_assert_arr_eq(got, tmp, 32);
        cr_assert_eq(crypto_core_ed25519_add(want, tmp, Q), 0);
        zk_point_add(&r, &r, &q);
        back(got, &r);
        cr_assert_arr_eq(got, want, 32);
    }
}

/* libdecaf's base point and Ed25519's are one point: from(B_ed) = 2 B. */
Test(ed25519_bridge, base_points_correspond)
{
    uint8_t one[32] = { 1 }, Bed[32], got[32];
    zk_point b, b2, q;
    cr_assert_eq(crypto_scalarmult_ed25519_base_noclamp(Bed, one), 0);
    cr_assert_eq(zk_point_from_ed25519(&q, Bed), 0);
    zk_point_base(&b);
    zk_point_dbl(&b2, &b);
    cr_assert(zk_point_eq(&q, &b2));
    back(got, &q);
    cr_assert_arr_eq(got, Bed, 32);
}

/* The eight small-order points (libsodium refuses them all) convert to the
 * identity, and P + T to the same point as P: the torsion part is
 * forgotten, which is why elements must be checked for the subgroup before
 * they use this bridge. */
Test(ed25519_bridge, torsion_is_forgotten)
{
    /* Order 1, 2, 4 (two), 8 (four): RFC 8032 encodings. */
    static const uint8_t small[8][32] = {
        { 0x01 },
        { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 0xff, 0xff, 0x7f },
        { 0x00 },
        { 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          0, 0, 0, 0x80 },
        { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10,
          0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77,
          0x92, 0xac, 0x03, 0x7a },
        { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10,
          0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77,
          0x92, 0xac, 0x03, 0xfa },
        { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef,
          0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88,
          0x6d, 0x53, 0xfc, 0x05 },
        { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef,
          0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88,
          0x6d, 0x53, 0xfc, 0x85 },
    };
    uint8_t P[32], k[32], PT[32];
    zk_point p, q;
    random_ed(P, k);
    cr_assert_eq(zk_point_from_ed25519(&p, P), 0);
    for (int i = 0; i < 8; i++) {
        cr_assert(!crypto_core_ed25519_is_valid_point(small[i]), "small-order point %d", i);
        cr_assert_eq(zk_point_from_ed25519(&q, small[i]), 0, "point %d", i);
        cr_assert(zk_point_is_identity(&q), "point %d", i);
        if (i == 0)
            continue;
        /* P + T: a valid curve point outside the subgroup */
        cr_assert_eq(crypto_core_ed25519_add(PT, P, small[i]), 0);
        cr_assert(!crypto_core_ed25519_is_valid_point(PT));
        cr_assert_eq(zk_point_from_ed25519(&q, PT), 0);
        cr_assert(zk_point_eq(&q, &p), "P + T%d", i);
    }
}

/* y = 2 (and 7, 8) gives x^2 = (y^2 - 1) / (d y^2 + 1), a non-square mod
 * 2^255 - 19 (computed with Python's pow): no curve point has that y. */
Test(ed25519_bridge, bytes_without_a_point_are_refused)
{
    static const uint8_t ys[] = { 2, 7, 8 };
    for (size_t i = 0; i < sizeof ys; i++) {
        for (int sign = 0; sign < 2; sign++) {
            uint8_t enc[32] = { 0 };
            zk_point q;
            enc[0] = ys[i];
            enc[31] = (uint8_t)(sign << 7);
            cr_assert_eq(zk_point_from_ed25519(&q, enc), SH_ERR_POINT, "y = %u", ys[i]);
            cr_assert(zk_point_is_identity(&q));
            cr_assert_eq(crypto_core_ed25519_is_valid_point(enc), 0);
        }
    }
    /* a square y for contrast: y = 3 decodes (to a point libsodium refuses
     * only if it is outside the subgroup, which decoding does not check) */
    uint8_t enc[32] = { 3 };
    zk_point q;
    cr_assert_eq(zk_point_from_ed25519(&q, enc), 0);
}
