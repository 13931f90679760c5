/* tests/test_mpc_secp_msm.c -- mpc/secp_msm.c's GLV split, and its
 * multi-scalar multiplication against libsecp256k1 used one product at a
 * time
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

/* n, big-endian (SEC2 2.4.1); lambda, the cube root of unity mod n with
 * lambda G = (beta x, y) (the GLV paper's example 4, as libsecp256k1 uses
 * it). */
static const char *N_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
static const char *LAMBDA_HEX = "5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72";

static void random_bytes(uint8_t *b, size_t n)
{
    sh_rng_bytes(rng, b, n);
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
    tu_be_reduce(want, s, N_HEX);
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
        tu_be_reduce(r, s[i], N_HEX);
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
        tu_be_sub(s[1], n_, s[0]);
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
