/* tests/test_zk_scalar.c -- the scalar fast paths of zk/group.c against
 * independent references.
 *
 * zk_scalar_decode stores a canonical value straight into libdecaf's limbs,
 * zk_scalar_reduce goes through libsodium's reduction, zk_scalar_mul and
 * zk_scalar_acc multiply integers and reduce lazily.  Each is checked
 * against libdecaf's own decoders (decaf_255_scalar_decode,
 * decaf_255_scalar_decode_long, decaf_255_scalar_mul) and libsodium's
 * scalar arithmetic, on random values and on the edges where a carry, a
 * borrow or the fold of the accumulator happens. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/group.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(31);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(scalar, .init = setup, .fini = teardown);

/* libdecaf's decoding of the same 32 bytes, as the reference */
static int decaf_decode(uint8_t out[32], const uint8_t in[32])
{
    decaf_255_scalar_t s;
    decaf_error_t e = decaf_255_scalar_decode(s, in);
    decaf_255_scalar_encode(out, s);
    return e == DECAF_SUCCESS ? 0 : -1;
}

static void check_decode(const uint8_t b[32])
{
    zk_scalar s;
    uint8_t got[32], want[32];
    int rc = zk_scalar_decode(&s, b);
    int ref = decaf_decode(want, b);
    cr_assert_eq(rc == 0, ref == 0, "verdicts differ");
    zk_scalar_encode(got, &s);
    if (ref == 0) {
        cr_assert_arr_eq(got, b, 32);
        cr_assert_arr_eq(got, want, 32);
    } else {
        cr_assert_eq(rc, SH_ERR_NONCANONICAL);
        cr_assert(zk_scalar_is_zero(&s), "a refused scalar is zero");
    }
}

/* L + d for small signed d, little-endian */
static void l_plus(uint8_t out[32], int d)
{
    int carry = d;
    for (int i = 0; i < 32; i++) {
        int v = tu_L[i] + carry;
        out[i] = (uint8_t)(v & 0xff);
        carry = v >> 8;      /* arithmetic: -1 when borrowing */
    }
}

Test(scalar, decode_agrees_with_libdecaf_near_L_and_on_random_bytes)
{
    uint8_t b[32];
    for (int d = -300; d <= 300; d++) {
        l_plus(b, d);
        check_decode(b);
    }
    /* every byte position of L - 1 and L + 1 flipped up and down by one */
    for (int i = 0; i < 32; i++)
        for (int d = -1; d <= 1; d += 2) {
            l_plus(b, -1);
            b[i] = (uint8_t)(b[i] + d);
            check_decode(b);
            l_plus(b, 1);
            b[i] = (uint8_t)(b[i] + d);
            check_decode(b);
        }
    for (int r = 0; r < 3000; r++) {
        sh_rng_bytes(rng, b, sizeof b);
        b[31] &= (uint8_t)(r % 3 == 0 ? 0xff : r % 3 == 1 ? 0x1f : 0x0f);
        check_decode(b);
    }
}

Test(scalar, reduce_agrees_with_libdecaf_at_every_length)
{
    uint8_t in[100], got[32], want[32];
    for (size_t len = 0; len <= sizeof in; len++) {
        for (int r = 0; r < 20; r++) {
            sh_rng_bytes(rng, in, sizeof in);
            if (r == 0)
                memset(in, 0xff, sizeof in);   /* the largest value of each length */
            if (r == 1)
                memset(in, 0, sizeof in);
            zk_scalar s;
            decaf_255_scalar_t ref;
            zk_scalar_reduce(&s, in, len);
            decaf_255_scalar_decode_long(ref, in, len);
            zk_scalar_encode(got, &s);
            decaf_255_scalar_encode(want, ref);
            cr_assert_arr_eq(got, want, 32, "length %zu", len);
        }
    }
}

Test(scalar, words_are_the_encoding)
{
    for (int r = 0; r < 500; r++) {
        zk_scalar s;
        uint8_t b[32];
        uint64_t w[4];
        zk_scalar_random(&s, rng);
        if (r == 0)
            zk_scalar_neg(&s, &(zk_scalar){ 0 });
        zk_scalar_encode(b, &s);
        zk_scalar_words(w, &s);
        for (int i = 0; i < 32; i++)
            cr_assert_eq((uint8_t)(w[i / 8] >> (8 * (i % 8))), b[i]);
    }
}

/* L - 1, the largest scalar: its products and sums carry the most */
static void scalar_lm1(zk_scalar *s)
{
    zk_scalar one;
    zk_scalar_zero(s);
    zk_scalar_one(&one);
    zk_scalar_sub(s, s, &one);
}

Test(scalar, mul_agrees_with_libsodium_and_libdecaf)
{
    for (int r = 0; r < 2000; r++) {
        zk_scalar a, b, p;
        uint8_t ea[32], eb[32], got[32], want[32];
        zk_scalar_random(&a, rng);
        zk_scalar_random(&b, rng);
        if (r % 4 == 1)
            scalar_lm1(&a);
        if (r % 4 == 2)
            scalar_lm1(&b);
        if (r % 8 == 3) {
            uint8_t z[16];
            sh_rng_bytes(rng, z, sizeof z);
            zk_scalar_reduce(&a, z, sizeof z);   /* a 128-bit weight */
        }
        zk_scalar_encode(ea, &a);
        zk_scalar_encode(eb, &b);
        zk_scalar_mul(&p, &a, &b);
        zk_scalar_encode(got, &p);
        crypto_core_ristretto255_scalar_mul(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);
        decaf_255_scalar_t ref;
        decaf_255_scalar_mul(ref, &a.v, &b.v);
        decaf_255_scalar_encode(want, ref);
        cr_assert_arr_eq(got, want, 32);
    }
    /* aliasing: out may be an input */
    zk_scalar a, b, c;
    zk_scalar_random(&a, rng);
    zk_scalar_random(&b, rng);
    zk_scalar_mul(&c, &a, &b);
    zk_scalar_mul(&a, &a, &b);
    cr_assert(zk_scalar_eq(&a, &c));
}

/* sum_{i<n} x_i y_i through the accumulator and through libsodium, for n
 * on both sides of every fold (the accumulator folds each 64 products) */
static void check_sum(size_t n, int extreme)
{
    zk_scalar_acc acc;
    uint8_t want[32] = { 0 }, got[32];
    zk_scalar_acc_init(&acc);
    for (size_t i = 0; i < n; i++) {
        zk_scalar x, y;
        uint8_t ex[32], ey[32], p[32];
        if (extreme) {
            scalar_lm1(&x);
            scalar_lm1(&y);
        } else {
            zk_scalar_random(&x, rng);
            zk_scalar_random(&y, rng);
        }
        zk_scalar_encode(ex, &x);
        zk_scalar_encode(ey, &y);
        crypto_core_ristretto255_scalar_mul(p, ex, ey);
        crypto_core_ristretto255_scalar_add(want, want, p);
        zk_scalar_acc_muladd(&acc, &x, &y);
    }
    zk_scalar s;
    zk_scalar_acc_reduce(&s, &acc);
    zk_scalar_encode(got, &s);
    cr_assert_arr_eq(got, want, 32, "n = %zu, extreme %d", n, extreme);
    /* reading does not consume: a second read and more terms still agree */
    zk_scalar_acc_reduce(&s, &acc);
    zk_scalar_encode(got, &s);
    cr_assert_arr_eq(got, want, 32);
    zk_scalar_acc_wipe(&acc);
}

Test(scalar, accumulator_agrees_with_libsodium_across_folds)
{
    static const size_t ns[] = { 0, 1, 2, 63, 64, 65, 66, 127, 128, 129, 200, 1000 };
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        check_sum(ns[k], 0);
        check_sum(ns[k], 1);
    }
}
