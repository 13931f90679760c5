/* tests/test_mpc_secp_msm.c -- mpc/secp_fe.h's field arithmetic against an
 * independent byte-wise model, and mpc/secp_msm.c's multi-scalar
 * multiplication against libsecp256k1 used one product at a time
 * (ec_pubkey_tweak_mul, then ec_pubkey_combine): random sums of 1 to 70
 * terms, and the cases a Straus pass with the GLV split can get wrong --
 * zero scalars, scalars at and above the group order, lambda and its
 * neighbours, repeated points (the addition turns into a doubling),
 * opposite points (it turns into infinity), sums that cancel, extra
 * points only -- and mpc_secp_poly_eval_small (Horner at small
 * identifiers) against the powers x^j as scalars, one tweak_mul each,
 * with results and intermediate sums at infinity. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>

#include "mpc/secp_fe.h"
#include "mpc/secp_msm.h"
#include "util/err.h"
#include "util/rng.h"
#include "testutil.h"

static sh_rng *rng;
static secp256k1_context *ctx;
static secp256k1_pubkey G;
static mpc_secp_gtab *gtab;

static void setup(void)
{
    /* the generator, SEC2 2.4.1 */
    uint8_t g[33];
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(77);
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    cr_assert_not_null(ctx);
    tu_hex(g, 33, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    cr_assert(secp256k1_ec_pubkey_parse(ctx, &G, g, sizeof g));
    gtab = mpc_secp_gtab_new(ctx, &G);
    cr_assert_not_null(gtab);
}

static void teardown(void)
{
    mpc_secp_gtab_free(gtab);
    secp256k1_context_destroy(ctx);
    sh_rng_free(rng);
}

TestSuite(mpc_secp_msm, .init = setup, .fini = teardown);

/* p and n, big-endian (SEC2 2.4.1); lambda, the cube root of unity mod n
 * with lambda G = (beta x, y) (the GLV paper's example 4, as libsecp256k1
 * uses it). */
static const char *P_HEX = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
static const char *N_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
static const char *LAMBDA_HEX = "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72";

/* ---- the model: 32 big-endian bytes, schoolbook, reduced by subtracting p */

static int be_cmp(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32);
}

static void be_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = a[i] - b[i] - borrow;
        borrow = d < 0;
        r[i] = (uint8_t)d;
    }
}

/* a mod m for a below 2^256 and m above 2^255: at most one subtraction. */
static void be_reduce(uint8_t r[32], const uint8_t a[32], const char *m_hex)
{
    uint8_t m[32];
    tu_hex(m, 32, m_hex);
    memcpy(r, a, 32);
    if (be_cmp(r, m) >= 0)
        be_sub(r, r, m);
}

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
    be_reduce(r, x, P_HEX);
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
    be_reduce(be, raw, P_HEX);
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
        be_sub(r, p, a);
}

Test(mpc_secp_msm, field_matches_the_model)
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
Test(mpc_secp_msm, field_lazy_magnitudes)
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

Test(mpc_secp_msm, field_largest_weak_limbs)
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

/* The GLV split: |k1|, |k2| < 2^128 and k1 + k2 lambda = s (mod n), checked
 * with libsecp256k1's scalar functions, on random scalars, the edges, and
 * c lambda (k1 about 0, k2 = c up to 2^127) and c lambda + d. */
static void check_split(const uint8_t s[32])
{
    uint64_t m1[3], m2[3];
    int neg1, neg2;
    mpc_secp_glv_split(s, m1, &neg1, m2, &neg2);
    cr_assert_eq(m1[2], 0, "|k1| >= 2^128");
    cr_assert_eq(m2[2], 0, "|k2| >= 2^128");
    uint8_t k1[32] = { 0 }, k2[32] = { 0 }, lam[32], sum[32], want[32];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 8; j++) {
            k1[31 - 8 * i - j] = (uint8_t)(m1[i] >> (8 * j));
            k2[31 - 8 * i - j] = (uint8_t)(m2[i] >> (8 * j));
        }
    if (neg1 && !sodium_is_zero(k1, 32))
        cr_assert(secp256k1_ec_seckey_negate(ctx, k1));
    if (neg2 && !sodium_is_zero(k2, 32))
        cr_assert(secp256k1_ec_seckey_negate(ctx, k2));
    tu_hex(lam, 32, LAMBDA_HEX);
    /* sum = k2 lambda + k1, each step skipped where a zero would be refused */
    memset(sum, 0, 32);
    if (!sodium_is_zero(k2, 32)) {
        memcpy(sum, k2, 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, sum, lam));
    }
    if (sodium_is_zero(sum, 32)) {
        memcpy(sum, k1, 32);
    } else if (!sodium_is_zero(k1, 32) && !secp256k1_ec_seckey_tweak_add(ctx, sum, k1)) {
        memset(sum, 0, 32);              /* the sum is n: zero */
    }
    be_reduce(want, s, N_HEX);
    cr_assert_arr_eq(sum, want, 32, "k1 + k2 lambda != s (mod n)");
}

Test(mpc_secp_msm, glv_split_bounds_and_identity)
{
    uint8_t s[32], lam[32], c[32];
    tu_hex(lam, 32, LAMBDA_HEX);
    for (int it = 0; it < 20000; it++) {
        random_bytes(s, 32);
        check_split(s);
    }
    static const char *hex[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0",
        "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72",
    };
    for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++) {
        tu_hex(s, 32, hex[i]);
        check_split(s);
    }
    for (int it = 0; it < 2000; it++) {
        /* c lambda with c up to 2^127, then plus a small d */
        memset(c, 0, 32);
        random_bytes(c + 16, 16);
        c[16] &= 0x7f;
        if (sodium_is_zero(c, 32))
            continue;
        memcpy(s, lam, 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, s, c));
        check_split(s);
        uint8_t d[32] = { 0 };
        d[31] = (uint8_t)(1 + it % 200);
        if (secp256k1_ec_seckey_tweak_add(ctx, s, d))
            check_split(s);
    }
}

/* ---- the MSM ----------------------------------------------------------- */

static void random_point(secp256k1_pubkey *P)
{
    uint8_t k[32];
    do
        random_bytes(k, 32);
    while (!secp256k1_ec_seckey_verify(ctx, k));
    cr_assert(secp256k1_ec_pubkey_create(ctx, P, k));
}

/* sum s_i P_i + sum Q_j, one tweak_mul per term; returns 0 for infinity */
static int reference(secp256k1_pubkey *out, const uint8_t (*s)[32], const secp256k1_pubkey *P,
                     size_t n, const secp256k1_pubkey *Q, size_t m)
{
    secp256k1_pubkey *t = malloc((n + m + 1) * sizeof *t);
    const secp256k1_pubkey **pp = malloc((n + m + 1) * sizeof *pp);
    size_t k = 0;
    cr_assert(t != NULL && pp != NULL);
    for (size_t i = 0; i < n; i++) {
        uint8_t r[32];
        be_reduce(r, s[i], N_HEX);
        if (sodium_is_zero(r, 32))
            continue;
        t[k] = P[i];
        cr_assert(secp256k1_ec_pubkey_tweak_mul(ctx, &t[k], r));
        pp[k] = &t[k];
        k++;
    }
    for (size_t j = 0; j < m; j++) {
        t[k] = Q[j];
        pp[k] = &t[k];
        k++;
    }
    int r = k > 0 && secp256k1_ec_pubkey_combine(ctx, out, pp, k);
    free(t);
    free(pp);
    return r;
}

/* g G + the sum through mpc_secp_msm_base_vartime and the reference (G
 * as one more term), and mpc_secp_msm_eq_vartime against the right sum,
 * the sum plus G, and G when the sum is infinity. */
static void check_base(const uint8_t g[32], const uint8_t (*s)[32], const secp256k1_pubkey *P,
                       size_t n, const secp256k1_pubkey *Q, size_t m, const char *what)
{
    uint8_t (*s2)[32] = malloc((n + 1) * 32);
    secp256k1_pubkey *P2 = malloc((n + 1) * sizeof *P2), a, b, off;
    static const uint8_t one[32] = { [31] = 1 };
    cr_assert(s2 != NULL && P2 != NULL);
    if (n > 0) {                         /* s and P may be NULL when n is 0 */
        memcpy(s2, s, n * 32);
        memcpy(P2, P, n * sizeof *P2);
    }
    memcpy(s2[n], g, 32);
    P2[n] = G;
    int ra = mpc_secp_msm_base_vartime(ctx, &a, gtab, g, s, P, n, Q, m);
    int rb = reference(&b, (const uint8_t (*)[32])s2, P2, n + 1, Q, m);
    cr_assert_eq(ra, rb, "%s + g G (n %zu, m %zu): infinity differs", what, n, m);
    if (rb == 1) {
        cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &a, &b), 0,
                     "%s + g G (n %zu, m %zu): sum differs", what, n, m);
        cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &b, gtab, g, s, P, n, Q, m), 1,
                     "%s + g G (n %zu, m %zu): not equal to its sum", what, n, m);
        off = b;
        if (secp256k1_ec_pubkey_tweak_add(ctx, &off, one))
            cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &off, gtab, g, s, P, n, Q, m), 0,
                         "%s + g G (n %zu, m %zu): equal to the sum plus G", what, n, m);
        off = b;                         /* the same x, the other y */
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &off));
        cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &off, gtab, g, s, P, n, Q, m), 0,
                     "%s + g G (n %zu, m %zu): equal to minus the sum", what, n, m);
    } else {
        cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &G, gtab, g, s, P, n, Q, m), 0,
                     "%s + g G (n %zu, m %zu): infinity equal to G", what, n, m);
    }
    free(s2);
    free(P2);
}

static void check(const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                  const secp256k1_pubkey *Q, size_t m, const char *what)
{
    secp256k1_pubkey a, b;
    int ra = mpc_secp_msm_vartime(ctx, &a, s, P, n, Q, m);
    int rb = reference(&b, s, P, n, Q, m);
    cr_assert_eq(ra, rb, "%s (n %zu, m %zu): infinity differs", what, n, m);
    if (ra == 1)
        cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &a, &b), 0, "%s (n %zu, m %zu): sum differs",
                     what, n, m);
    /* the same terms plus the first scalar (or 1) times G */
    static const uint8_t one[32] = { [31] = 1 };
    check_base(n > 0 ? s[0] : one, s, P, n, Q, m, what);
}

/* G's table: every odd and even multiple up to 300 and their negatives
 * (n - k) alone, which read each entry of both halves' tables; g G against
 * P = G with -g (infinity, and the comparison refuses it) and with g (a
 * doubling met inside the pass); a zero g. */
Test(mpc_secp_msm, base_point_table)
{
    uint8_t g[32], ng[32];
    secp256k1_pubkey want, got, P[1];
    uint8_t s[1][32];
    for (int k = 1; k <= 300; k++) {
        memset(g, 0, 32);
        g[31] = (uint8_t)k;
        g[30] = (uint8_t)(k >> 8);
        cr_assert(secp256k1_ec_pubkey_create(ctx, &want, g));
        cr_assert_eq(mpc_secp_msm_base_vartime(ctx, &got, gtab, g, NULL, NULL, 0, NULL, 0), 1);
        cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &got, &want), 0, "%d G", k);
        cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &want, gtab, g, NULL, NULL, 0, NULL, 0), 1);
        memcpy(ng, g, 32);
        cr_assert(secp256k1_ec_seckey_negate(ctx, ng));
        check_base(ng, NULL, NULL, 0, NULL, 0, "(n - k) G");
        P[0] = G;
        check_base(g, (const uint8_t (*)[32])&ng, P, 1, NULL, 0, "g G - g G");
        memcpy(s[0], g, 32);
        check_base(g, (const uint8_t (*)[32])s, P, 1, NULL, 0, "g G + g G");
    }
    /* a sum at infinity is equal to no point: G - G against G, -G and a
     * random point (the accumulator's coordinates are stale there) */
    memset(g, 0, 32);
    g[31] = 1;
    secp256k1_pubkey negG = G, other;
    cr_assert(secp256k1_ec_pubkey_negate(ctx, &negG));
    random_point(&other);
    cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &G, gtab, g, NULL, NULL, 0, &negG, 1), 0);
    cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &negG, gtab, g, NULL, NULL, 0, &negG, 1), 0);
    cr_assert_eq(mpc_secp_msm_eq_vartime(ctx, &other, gtab, g, NULL, NULL, 0, &negG, 1), 0);
    cr_assert_eq(mpc_secp_msm_base_vartime(ctx, &got, gtab, g, NULL, NULL, 0, &negG, 1), 0);
    memset(g, 0, 32);
    cr_assert_eq(mpc_secp_msm_base_vartime(ctx, &got, gtab, g, NULL, NULL, 0, NULL, 0), 0);
    cr_assert_eq(mpc_secp_msm_base_vartime(ctx, &got, NULL, g, NULL, NULL, 0, NULL, 0),
                 SH_ERR_INTERNAL, "a G term without G's table");
    for (int it = 0; it < 200; it++) {
        random_bytes(g, 32);
        check_base(g, NULL, NULL, 0, NULL, 0, "random g G");
    }
}

Test(mpc_secp_msm, random_sums)
{
    for (size_t n = 1; n <= 70; n += (n < 10 ? 1 : 7)) {
        uint8_t (*s)[32] = malloc(n * 32);
        secp256k1_pubkey *P = malloc(n * sizeof *P), Q[3];
        cr_assert(s != NULL && P != NULL);
        for (int it = 0; it < (n < 10 ? 30 : 4); it++) {
            size_t m = (size_t)it % 4;
            for (size_t i = 0; i < n; i++) {
                random_point(&P[i]);
                random_bytes(s[i], 32);
            }
            for (size_t j = 0; j < m; j++)
                random_point(&Q[j]);
            check((const uint8_t (*)[32])s, P, n, Q, m, "random");
        }
        free(s);
        free(P);
    }
}

/* Scalars that sit on the edges of the split and of the NAF. */
Test(mpc_secp_msm, edge_scalars)
{
    static const char *hex[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002",
        "000000000000000000000000000000000000000000000000000000000000001f",
        "0000000000000000000000000000000100000000000000000000000000000000",   /* 2^128 */
        "00000000000000000000000000000000ffffffffffffffffffffffffffffffff",
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0",   /* (n-1)/2 */
        "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",   /* n - 1 */
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",   /* n */
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",   /* n + 1 */
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72",   /* lambda */
        "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd71",
        "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd73",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "5555555555555555555555555555555555555555555555555555555555555555",
        "8000000000000000000000000000000000000000000000000000000000000000",
    };
    const size_t ne = sizeof hex / sizeof hex[0];
    uint8_t s[3][32];
    secp256k1_pubkey P[3];
    for (size_t i = 0; i < ne; i++) {
        tu_hex(s[0], 32, hex[i]);
        random_point(&P[0]);
        check((const uint8_t (*)[32])s, P, 1, NULL, 0, hex[i]);
        /* next to a random term, and next to a copy of itself */
        for (size_t j = 0; j < ne; j++) {
            tu_hex(s[1], 32, hex[j]);
            random_point(&P[1]);
            check((const uint8_t (*)[32])s, P, 2, NULL, 0, "edge pair");
            P[1] = P[0];
            check((const uint8_t (*)[32])s, P, 2, NULL, 0, "edge pair, same point");
        }
    }
    /* lambda + k: the split gives k1 = k and k2 = 1 */
    uint8_t lam[32];
    tu_hex(lam, 32, LAMBDA_HEX);
    for (int k = 1; k < 40; k++) {
        memcpy(s[0], lam, 32);
        s[0][31] = (uint8_t)(s[0][31] + k);
        random_point(&P[0]);
        check((const uint8_t (*)[32])s, P, 1, NULL, 0, "lambda + k");
    }
    /* c lambda for c up to 2^127 (k1 about 0, k2 = c large), next to a
     * term whose point is lambda P with scalar c: both meet as a doubling
     * inside the pass (lambda P + lambda P) */
    for (int it = 0; it < 40; it++) {
        uint8_t c[32] = { 0 };
        random_bytes(c + 16, 16);
        c[16] &= 0x7f;
        c[31] |= 1;
        memcpy(s[0], lam, 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, s[0], c));
        random_point(&P[0]);
        check((const uint8_t (*)[32])s, P, 1, NULL, 0, "c lambda");
        /* P[1] = lambda P[0], computed by libsecp256k1 */
        P[1] = P[0];
        cr_assert(secp256k1_ec_pubkey_tweak_mul(ctx, &P[1], lam));
        memcpy(s[1], c, 32);
        check((const uint8_t (*)[32])s, P, 2, NULL, 0, "c lambda P + c (lambda P)");
        /* and minus it: the sum cancels */
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &P[1]));
        secp256k1_pubkey out;
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, (const uint8_t (*)[32])s, P, 2, NULL, 0), 0);
    }
}

/* Equal points with equal scalars meet as a doubling inside the pass;
 * opposite ones cancel to infinity, alone or against the extra points. */
Test(mpc_secp_msm, doublings_and_cancellations)
{
    uint8_t s[4][32];
    secp256k1_pubkey P[4], Q[2], sum;
    for (int it = 0; it < 40; it++) {
        random_point(&P[0]);
        random_bytes(s[0], 32);
        /* P + P */
        P[1] = P[0];
        memcpy(s[1], s[0], 32);
        check((const uint8_t (*)[32])s, P, 2, NULL, 0, "s P + s P");
        /* P + (-P) = infinity */
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &P[1]));
        secp256k1_pubkey out;
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, (const uint8_t (*)[32])s, P, 2, NULL, 0), 0);
        check((const uint8_t (*)[32])s, P, 2, NULL, 0, "s P - s P");
        /* sum s_i P_i + Q with Q = -(the sum): infinity through the extras */
        random_point(&P[1]);
        random_bytes(s[1], 32);
        cr_assert(reference(&sum, (const uint8_t (*)[32])s, P, 2, NULL, 0));
        Q[0] = sum;
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &Q[0]));
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, (const uint8_t (*)[32])s, P, 2, Q, 1), 0);
        /* ... and the sum itself as an extra: a doubling at the very end */
        Q[0] = sum;
        check((const uint8_t (*)[32])s, P, 2, Q, 1, "sum + sum");
        /* extras only, and extras that cancel */
        random_point(&Q[0]);
        Q[1] = Q[0];
        check(NULL, NULL, 0, Q, 2, "Q + Q");
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &Q[1]));
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, NULL, NULL, 0, Q, 2), 0);
        /* all scalars zero */
        memset(s, 0, sizeof s);
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, (const uint8_t (*)[32])s, P, 3, NULL, 0), 0);
        /* s G + (n - s) G: the terms cancel inside the pass */
        uint8_t n_[32];
        tu_hex(n_, 32, N_HEX);
        random_bytes(s[0], 32);
        s[0][0] = 0x7f;
        be_sub(s[1], n_, s[0]);
        P[1] = P[0];
        cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, (const uint8_t (*)[32])s, P, 2, NULL, 0), 0);
    }
    secp256k1_pubkey out;
    cr_assert_eq(mpc_secp_msm_vartime(ctx, &out, NULL, NULL, 0, NULL, 0), 0, "empty sum");
}

/* ---- Horner at small identifiers ----------------------------------------- */

/* sum_j x^j C_j with the powers as scalars (libsecp256k1's seckey_tweak_mul
 * modulo n) and one tweak_mul per term. */
static int poly_reference(secp256k1_pubkey *out, const secp256k1_pubkey *C, uint32_t t,
                          uint32_t x)
{
    uint8_t (*s)[32] = malloc(t * 32), xb[32] = { 0 };
    cr_assert_not_null(s);
    xb[28] = (uint8_t)(x >> 24);
    xb[29] = (uint8_t)(x >> 16);
    xb[30] = (uint8_t)(x >> 8);
    xb[31] = (uint8_t)x;
    memset(s[0], 0, 32);
    s[0][31] = 1;
    for (uint32_t j = 1; j < t; j++) {
        memcpy(s[j], s[j - 1], 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, s[j], xb));
    }
    int r = reference(out, (const uint8_t (*)[32])s, C, t, NULL, 0);
    free(s);
    return r;
}

Test(mpc_secp_msm, poly_eval_small_matches_products)
{
    static const uint32_t xs[] = { 1, 2, 3, 5, 16, 17, 64, 65, 255, 1000, 0xfffe, 0xffff, 2, 1 };
    const size_t nx = sizeof xs / sizeof xs[0];
    secp256k1_pubkey C[40], out[sizeof xs / sizeof xs[0]], want;
    int inf[sizeof xs / sizeof xs[0]];
    for (uint32_t t = 1; t <= 40; t += (t < 6 ? 1 : 11)) {
        for (uint32_t j = 0; j < t; j++)
            random_point(&C[j]);
        cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, C, NULL, t, xs, nx), 0);
        for (size_t i = 0; i < nx; i++) {
            cr_assert_eq(poly_reference(&want, C, t, xs[i]), 1);
            cr_assert_eq(inf[i], 0);
            cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[i], &want), 0,
                         "t %u, x %u: evaluation differs", t, xs[i]);
        }
    }
}

/* C_0 + x C_1 = infinity at one x only, between finite results; the
 * doubling inside Horner (C_1 = C_0, x = 1 gives 2 C_0) */
Test(mpc_secp_msm, poly_eval_small_infinity_and_doubling)
{
    uint8_t k[32] = { 0 };
    secp256k1_pubkey C[2], out[3], want;
    int inf[3];
    const uint32_t xs[3] = { 6, 7, 8 };
    random_point(&C[1]);
    /* C_0 = -7 C_1 */
    C[0] = C[1];
    k[31] = 7;
    cr_assert(secp256k1_ec_pubkey_tweak_mul(ctx, &C[0], k));
    cr_assert(secp256k1_ec_pubkey_negate(ctx, &C[0]));
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, C, NULL, 2, xs, 3), 0);
    cr_assert_eq(inf[0], 0);
    cr_assert_eq(inf[1], 1, "C_0 + 7 C_1 is infinity");
    cr_assert_eq(inf[2], 0);
    cr_assert_eq(poly_reference(&want, C, 2, 6), 1);
    cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[0], &want), 0);
    cr_assert_eq(poly_reference(&want, C, 2, 8), 1);
    cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[2], &want), 0);
    /* C_0 = C_1, x = 1: the last addition is a doubling */
    const uint32_t one = 1;
    C[0] = C[1];
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, C, NULL, 2, &one, 1), 0);
    cr_assert_eq(inf[0], 0);
    cr_assert_eq(poly_reference(&want, C, 2, 1), 1);
    cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[0], &want), 0);
    /* three coefficients where the middle sum is infinity and the last
     * step starts from it: C_2 x^2 + C_1 x = O at x = 3, then + C_0 */
    secp256k1_pubkey D[3];
    random_point(&D[2]);
    random_point(&D[0]);
    D[1] = D[2];
    k[31] = 3;
    cr_assert(secp256k1_ec_pubkey_tweak_mul(ctx, &D[1], k));
    cr_assert(secp256k1_ec_pubkey_negate(ctx, &D[1]));   /* C_1 = -3 C_2 */
    const uint32_t three = 3;
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, D, NULL, 3, &three, 1), 0);
    cr_assert_eq(inf[0], 0);
    cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[0], &D[0]), 0, "9 C_2 - 9 C_2 + C_0");
    /* coefficients at infinity: C_0 (a refresh), the leading one, all */
    secp256k1_pubkey F[3];
    int f_inf[3] = { 1, 0, 0 };
    random_point(&F[1]);
    random_point(&F[2]);
    const uint32_t five = 5;
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, F, f_inf, 3, &five, 1), 0);
    cr_assert_eq(inf[0], 0);
    {   /* 5 F_1 + 25 F_2 */
        uint8_t s5[2][32] = { { 0 }, { 0 } };
        s5[0][31] = 5;
        s5[1][31] = 25;
        cr_assert_eq(reference(&want, (const uint8_t (*)[32])s5, &F[1], 2, NULL, 0), 1);
        cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[0], &want), 0, "C_0 at infinity");
    }
    f_inf[0] = 0;
    f_inf[2] = 1;
    random_point(&F[0]);
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, F, f_inf, 3, &five, 1), 0);
    cr_assert_eq(inf[0], 0);
    {   /* F_0 + 5 F_1 */
        uint8_t s5[2][32] = { { 0 }, { 0 } };
        s5[0][31] = 1;
        s5[1][31] = 5;
        cr_assert_eq(reference(&want, (const uint8_t (*)[32])s5, F, 2, NULL, 0), 1);
        cr_assert_eq(secp256k1_ec_pubkey_cmp(ctx, &out[0], &want), 0, "leading at infinity");
    }
    int all_inf[3] = { 1, 1, 1 };
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, F, all_inf, 3, &five, 1), 0);
    cr_assert_eq(inf[0], 1, "every coefficient at infinity");
    /* arguments */
    const uint32_t zero = 0;
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, C, NULL, 2, &zero, 1), SH_ERR_INTERNAL);
    cr_assert_eq(mpc_secp_poly_eval_small(ctx, out, inf, C, NULL, 0, xs, 1), SH_ERR_INTERNAL);
}
