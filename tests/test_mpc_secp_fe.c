/* tests/test_mpc_secp_fe.c -- mpc/secp_fe.h's field arithmetic modulo the
 * secp256k1 prime against an independent byte-wise model: products,
 * squares, sums, differences, negations, halvings, inversions and
 * comparisons, on random values, edge values and the largest limbs every
 * magnitude admits (mpc/secp_fe.h, "Magnitudes"). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/secp_fe.h"
#include "util/rng.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(77);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(mpc_secp_fe, .init = setup, .fini = teardown);

/* p, big-endian (SEC2 2.4.1) */
static const char *P_HEX = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

/* ---- the model: 32 big-endian bytes, schoolbook, reduced by subtracting p */

/* t (64 little-endian byte positions, each holding any value below 2^24)
 * mod p: carried, the top half folded down with 2^256 = 2^32 + 977 until
 * it fits, then one subtraction. */
static void model_fold(uint8_t r[32], uint32_t t[64])
{
    for (int round = 0; round < 3; round++) {
        uint64_t c = 0;
        for (int k = 0; k < 64; k++) {
            c += t[k];
            t[k] = (uint32_t)(c & 0xff);
            c >>= 8;
        }
        /* hi * (2^32 + 977): hi's byte k goes to bytes k + 4 and k (times 977) */
        uint32_t hi[32];
        for (int k = 0; k < 32; k++) {
            hi[k] = t[32 + k];
            t[32 + k] = 0;
        }
        for (int k = 0; k < 32; k++) {
            t[k + 4] += hi[k];
            t[k] += hi[k] * 977u;
        }
    }
    uint64_t c = 0;
    for (int k = 0; k < 64; k++) {
        c += t[k];
        t[k] = (uint32_t)(c & 0xff);
        c >>= 8;
    }
    for (int k = 32; k < 64; k++)
        cr_assert_eq(t[k], 0, "model: value not folded");
    uint8_t x[32];
    for (int k = 0; k < 32; k++)
        x[31 - k] = (uint8_t)t[k];
    tu_be_reduce(r, x, P_HEX);
}

/* a b mod p: the 64-byte schoolbook product, folded. */
static void model_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint32_t t[64] = { 0 };      /* little-endian bytes with carries */
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++)
            t[i + j] += (uint32_t)a[31 - i] * b[31 - j];
    model_fold(r, t);
}

/* The value of any limbs (each below 2^64), sum n[i] 2^(52 i) mod p, by
 * bytes: limb i starts at bit 52 i, byte 6.5 i, so odd limbs are shifted
 * by 4 bits first. */
static void model_of(uint8_t r[32], const sfe *a)
{
    uint32_t t[64] = { 0 };
    for (int i = 0; i < 5; i++) {
        sfe_u128 v = (sfe_u128)a->n[i] << (i % 2 ? 4 : 0);
        int at = (52 * i) / 8;
        for (int k = 0; k < 9; k++)
            t[at + k] += (uint32_t)((uint64_t)(v >> (8 * k)) & 0xff);
    }
    model_fold(r, t);
}

static void random_bytes(uint8_t *b, size_t n)
{
    sh_rng_bytes(rng, b, n);
}

/* A field element with the largest limbs the weak form allows, or a
 * random one, or an edge value below 2^256. */
static void some_fe(sfe *a, uint8_t be[32], int kind)
{
    static const char *edges[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e",   /* p - 1 */
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",   /* p */
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30",   /* p + 1 */
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0000000000000000000000000000000000000000000000000000000100000000",
    };
    uint8_t raw[32];
    if (kind < 7) {
        tu_hex(raw, 32, edges[kind]);
    } else {
        random_bytes(raw, 32);
    }
    sfe_from_be(a, raw);
    tu_be_reduce(be, raw, P_HEX);
}

/* got equals the model's value, and has magnitude at most mag (every limb
 * below mag 2^53); the value is read independently of sfe_normalize. */
static void check_fe_mag(const sfe *a, const uint8_t want[32], int mag, const char *what)
{
    uint8_t got[32], model[32];
    model_of(model, a);
    cr_assert(memcmp(model, want, 32) == 0, "%s differs from the model", what);
    sfe_to_be(got, a);
    cr_assert(memcmp(got, want, 32) == 0, "%s: sfe_to_be differs from the model", what);
    for (int i = 0; i < 5; i++)
        cr_assert_lt(a->n[i] >> 53, (uint64_t)mag, "%s: limb %d above magnitude %d", what, i,
                     mag);
}

static void check_fe(const sfe *a, const uint8_t want[32], const char *what)
{
    check_fe_mag(a, want, 1, what);
}

/* be = (a + b) mod p, (a - b) mod p, through the model. */
static void model_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint32_t t[64] = { 0 };
    for (int k = 0; k < 32; k++)
        t[k] = (uint32_t)a[31 - k] + b[31 - k];
    model_fold(r, t);
}

static void model_neg(uint8_t r[32], const uint8_t a[32])
{
    uint8_t p[32];
    tu_hex(p, 32, P_HEX);
    if (sodium_is_zero(a, 32))
        memset(r, 0, 32);
    else
        tu_be_sub(r, p, a);
}

Test(mpc_secp_fe, field_matches_the_model)
{
    for (int it = 0; it < 3000; it++) {
        sfe a, b, r, s;
        uint8_t ea[32], eb[32], want[32], t[32];
        some_fe(&a, ea, it % 23);
        some_fe(&b, eb, (it / 23) % 29);
        /* untidy limbs: a + p added limb by limb, without carries, keeps
         * the value and puts limbs in [2^52, 2^53) */
        if (it % 3 == 0) {
            static const uint64_t p_limbs[5] = { SFE_P0, SFE_M52, SFE_M52, SFE_M52, SFE_M48 };
            sfe_normalize(&a);
            for (int i = 0; i < 5; i++)
                a.n[i] += p_limbs[i];
        }
        sfe_mul(&r, &a, &b);
        model_mul(want, ea, eb);
        check_fe(&r, want, "mul");
        sfe_sqr(&r, &a);
        model_mul(want, ea, ea);
        check_fe(&r, want, "sqr");
        sfe_add(&r, &a, &b);
        sfe_sub(&s, &r, &b, 1);
        check_fe_mag(&s, ea, 4, "(a + b) - b");
        sfe_sub(&r, &a, &b, 1);
        sfe_add(&s, &r, &b);
        check_fe_mag(&s, ea, 4, "(a - b) + b");
        sfe_negate(&r, &a, 1);
        sfe_add(&s, &r, &a);
        memset(t, 0, 32);
        check_fe_mag(&s, t, 3, "-a + a");
        cr_assert(sfe_is_zero(&s));
        cr_assert_eq(sfe_eq(&a, &b, 1), memcmp(ea, eb, 32) == 0);
        sfe_half(&r, &a);
        sfe_add(&s, &r, &r);
        check_fe_mag(&s, ea, 2, "a / 2 + a / 2");
        sfe_mul_int(&r, &a, 3);
        model_add(want, ea, ea);
        model_add(want, want, ea);
        check_fe_mag(&r, want, 3, "3 a");
        if (!sodium_is_zero(ea, 32)) {
            sfe_inv(&r, &a);
            sfe_mul(&s, &r, &a);
            t[31] = 1;
            check_fe(&s, t, "a / a");
        } else {
            sfe_inv(&r, &a);
            cr_assert(sfe_is_zero(&r), "1/0 is 0");
        }
    }
}

/* Every limb m 2^53 - 1: the largest element of magnitude m. */
static void max_limbs(sfe *a, int m)
{
    for (int i = 0; i < 5; i++)
        a->n[i] = (uint64_t)m * (UINT64_C(1) << 53) - 1;
#ifdef SHROUD_VERIFY
    a->mag = m;
#endif
}

/* Random limbs below m 2^53, one of them (limb 4 included) sometimes at
 * its maximum. */
static void random_limbs(sfe *a, int m)
{
    for (int i = 0; i < 5; i++) {
        uint64_t v;
        sh_rng_bytes(rng, &v, sizeof v);
        a->n[i] = v % ((uint64_t)m << 53);
    }
    uint8_t coin;
    sh_rng_bytes(rng, &coin, 1);
    if (coin & 1)
        a->n[(coin >> 5) % 5] = ((uint64_t)m << 53) - 1;
#ifdef SHROUD_VERIFY
    a->mag = m;
#endif
}

/* The bounds mpc/secp_fe.h states for its magnitudes, at their edges:
 * products of magnitude-16 inputs (the largest a product takes), sums,
 * differences and negations against the bias of every magnitude up to 16,
 * then the largest each other operation admits: a subtraction with m = 64
 * from a minuend of 128, halving at 64, comparisons and sfe_weak at 512
 * (limbs below 2^62), each against the model's value and the stated
 * output magnitude. */
Test(mpc_secp_fe, field_lazy_magnitudes)
{
    static const int mags[] = { 1, 2, 3, 4, 5, 8, 9, 16 };
    uint8_t zero[32] = { 0 };
    for (int it = 0; it < 400; it++) {
        for (size_t x = 0; x < sizeof mags / sizeof mags[0]; x++) {
            int ma = mags[x], mb = mags[(x + (size_t)it) % (sizeof mags / sizeof mags[0])];
            sfe a, b, r, s;
            uint8_t ea[32], eb[32], want[32], t[32];
            if (it == 0) {
                max_limbs(&a, ma);
                max_limbs(&b, mb);
            } else {
                random_limbs(&a, ma);
                random_limbs(&b, mb);
            }
            model_of(ea, &a);
            model_of(eb, &b);
            sfe_mul(&r, &a, &b);
            model_mul(want, ea, eb);
            check_fe(&r, want, "lazy mul");
            sfe_sqr(&r, &b);
            model_mul(want, eb, eb);
            check_fe(&r, want, "lazy sqr");
            sfe_sub(&r, &a, &b, mb);
            model_neg(t, eb);
            model_add(want, ea, t);
            check_fe_mag(&r, want, ma + 2 * mb, "lazy sub");
            sfe_negate(&r, &b, mb);
            check_fe_mag(&r, t, 2 * mb, "lazy negate");
            sfe_add(&r, &a, &b);
            model_add(want, ea, eb);
            check_fe_mag(&r, want, ma + mb, "lazy add");
            cr_assert_eq(sfe_is_zero(&r), memcmp(want, zero, 32) == 0);
            sfe_half(&r, &a);
            for (int i = 0; i < 5; i++)
                cr_assert_lt(r.n[i] >> 53, (uint64_t)(ma / 2 + 1), "half: limb %d too large", i);
            sfe_mul_int(&s, &r, 2);
            model_of(t, &s);
            cr_assert_arr_eq(t, ea, 32, "2 (a / 2) != a");
            /* a comparison at magnitude 32, and sfe_weak from limbs below 2^61 */
            sfe_mul_int(&s, &a, 32 / ma);
            model_of(t, &s);
            cr_assert_eq(sfe_is_zero(&s), sodium_is_zero(t, 32));
            sfe_mul_int(&s, &a, 256 / ma);
            model_of(want, &s);
            sfe_weak(&s);
            check_fe(&s, want, "weak");
        }
    }
    /* the largest inputs of the other operations */
    for (int it = 0; it < 400; it++) {
        sfe a, b, r, s2;
        uint8_t ea[32], eb[32], want[32], t[32];
        if (it == 0) {
            max_limbs(&a, 128);
            max_limbs(&b, 64);
        } else {
            random_limbs(&a, 128);
            random_limbs(&b, 64);
        }
        model_of(ea, &a);
        model_of(eb, &b);
        sfe_sub(&r, &a, &b, 64);
        model_neg(t, eb);
        model_add(want, ea, t);
        check_fe_mag(&r, want, 256, "sub with m = 64");
        sfe_negate(&r, &b, 64);
        check_fe_mag(&r, t, 128, "negate with m = 64");
        sfe_half(&r, &b);
        for (int i = 0; i < 5; i++)
            cr_assert_lt(r.n[i] >> 53, (uint64_t)33, "half of 64: limb %d too large", i);
        sfe_add(&s2, &r, &r);
        model_of(t, &s2);
        cr_assert_arr_eq(t, eb, 32, "2 (b / 2) != b at magnitude 64");
        if (it == 0)
            max_limbs(&a, 512);
        else
            random_limbs(&a, 512);
        model_of(ea, &a);
        cr_assert_eq(sfe_is_zero(&a), sodium_is_zero(ea, 32));
        sfe_to_be(t, &a);
        cr_assert_arr_eq(t, ea, 32, "normalize at magnitude 512");
        r = a;
        sfe_weak(&r);
        check_fe(&r, ea, "weak from magnitude 512");
    }
    /* the difference of equal elements of the largest magnitude is zero */
    sfe a, b, r;
    max_limbs(&a, 16);
    sfe_sub(&r, &a, &a, 16);
    cr_assert(sfe_is_zero(&r));
    cr_assert(sfe_eq(&a, &a, 16));
    b = a;
    b.n[2] -= 1;
    cr_assert(!sfe_eq(&a, &b, 16));
}

Test(mpc_secp_fe, field_largest_weak_limbs)
{
    /* every limb 2^53 - 1: the largest element of magnitude 1.  The
     * expected values were computed with Python integers:
     * v = sum (2^53 - 1) 2^(52 i), v mod p, v^2 mod p, 2 v mod p. */
    sfe a, r;
    uint8_t v[32], sq[32], dbl[32], got[32];
    max_limbs(&a, 1);
    tu_hex(v, 32, "0000000000010000000000001000000000000100000000000010002000007a1f");
    tu_hex(sq, 32, "00400000f44100050000131500006000016e5f000700041ab6fe88003a428401");
    tu_hex(dbl, 32, "000000000002000000000000200000000000020000000000002000400000f43e");
    sfe_to_be(got, &a);
    cr_assert_arr_eq(got, v, 32, "max-limb value");
    model_of(got, &a);
    cr_assert_arr_eq(got, v, 32, "max-limb value, model");
    sfe_mul(&r, &a, &a);
    check_fe(&r, sq, "max-limb product");
    sfe_sqr(&r, &a);
    check_fe(&r, sq, "max-limb square");
    sfe_add(&r, &a, &a);
    check_fe_mag(&r, dbl, 2, "max-limb double");
    sfe_sub(&r, &a, &a, 1);
    uint8_t zero[32] = { 0 };
    check_fe_mag(&r, zero, 3, "max-limb difference");
}
