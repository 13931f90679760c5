/* tests/test_mpc_shamir.c -- Shamir sharing, Lagrange interpolation and
 * Feldman VSS (mpc/shamir.h) over the three groups: split/combine round
 * trips for many (t, n), every t-subset recovers and t-1 shares do not,
 * interpolation at 0 and at a point, identifier errors, Feldman single and
 * batch verification against every tampered share and commitment. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "mpc/shamir.h"
#include "testutil.h"

static sh_rng *rng;
static mpc_group *groups[3];
static const mpc_group_id group_ids[3] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(11);
    for (int i = 0; i < 3; i++) {
        groups[i] = mpc_group_new(group_ids[i], rng);
        cr_assert_not_null(groups[i]);
    }
}

static void teardown(void)
{
    for (int i = 0; i < 3; i++)
        mpc_group_free(groups[i]);
    sh_rng_free(rng);
}

TestSuite(shamir, .init = setup, .fini = teardown, .timeout = 300);

#define FOR_EACH_GROUP(g) \
    for (int gi_ = 0; gi_ < 3; gi_++) \
        for (const mpc_group *g = groups[gi_]; g != NULL; g = NULL)

static void ids_1_to_n(const mpc_group *g, mpc_scalar *ids, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        mpc_scalar_from_u64(g, &ids[i], (uint64_t)i + 1);
}

/* Combine the shares at positions idx[0..k) (0-based: id = idx + 1). */
static void combine_subset(const mpc_group *g, mpc_scalar *out, const mpc_scalar *shares,
                           const uint32_t *idx, size_t k)
{
    mpc_scalar *ids = mpc_scalars_alloc(k), *sub = mpc_scalars_alloc(k);
    cr_assert(ids != NULL && sub != NULL);
    for (size_t i = 0; i < k; i++) {
        mpc_scalar_from_u64(g, &ids[i], (uint64_t)idx[i] + 1);
        sub[i] = shares[idx[i]];
    }
    cr_assert_eq(mpc_shamir_combine(g, out, ids, sub, k), 0);
    mpc_scalars_free(ids, k);
    mpc_scalars_free(sub, k);
}

/* A random k-subset of [0, n) into idx (partial Fisher-Yates). */
static void random_subset(uint32_t *idx, uint32_t k, uint32_t n)
{
    uint32_t perm[128];
    cr_assert_leq(n, 128);
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)sh_rng_uniform(rng, n - i);
        uint32_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
        idx[i] = perm[i];
    }
}

Test(shamir, split_combine_round_trips)
{
    static const uint32_t tn[][2] = {
        { 1, 1 }, { 1, 2 }, { 1, 5 }, { 2, 2 }, { 2, 3 }, { 3, 5 }, { 4, 7 },
        { 5, 5 }, { 7, 10 }, { 10, 10 }, { 17, 40 }, { 34, 100 }, { 67, 100 },
        { 100, 100 }, { 1, 100 },
    };
    FOR_EACH_GROUP(g) {
        for (size_t c = 0; c < sizeof tn / sizeof tn[0]; c++) {
            uint32_t t = tn[c][0], n = tn[c][1];
            mpc_scalar secret, got;
            mpc_scalar *sh = mpc_scalars_alloc(n);
            mpc_elem *C = mpc_elems_alloc(t);
            cr_assert(sh != NULL && C != NULL);
            mpc_scalar_random(g, &secret, rng);
            cr_assert_eq(mpc_shamir_split(g, sh, C, &secret, t, n, rng), 0);
            /* all n, the first t, the last t and random t-subsets */
            uint32_t idx[100];
            for (uint32_t i = 0; i < n; i++)
                idx[i] = i;
            combine_subset(g, &got, sh, idx, n);
            cr_assert(mpc_scalar_eq(g, &got, &secret), "%s t=%u n=%u all", mpc_group_name(g), t, n);
            combine_subset(g, &got, sh, idx, t);
            cr_assert(mpc_scalar_eq(g, &got, &secret));
            combine_subset(g, &got, sh, idx + (n - t), t);
            cr_assert(mpc_scalar_eq(g, &got, &secret));
            for (int r = 0; r < 3; r++) {
                random_subset(idx, t, n);
                combine_subset(g, &got, sh, idx, t);
                cr_assert(mpc_scalar_eq(g, &got, &secret), "%s t=%u n=%u subset",
                          mpc_group_name(g), t, n);
                if (t > 1) {
                    /* t-1 shares: a different value (except with
                     * probability 1/q) */
                    combine_subset(g, &got, sh, idx, t - 1);
                    cr_assert(!mpc_scalar_eq(g, &got, &secret));
                }
            }
            /* the commitments: C_0 = secret * B, and every share checks */
            mpc_elem Y;
            mpc_elem_mul_base(g, &Y, &secret);
            cr_assert(mpc_elem_eq(g, &C[0], &Y));
            for (uint32_t i = 0; i < n; i += (n > 20 ? 11 : 1)) {
                mpc_scalar x;
                mpc_scalar_from_u64(g, &x, (uint64_t)i + 1);
                cr_assert_eq(mpc_feldman_verify(g, C, t, &x, &sh[i]), 0);
            }
            mpc_scalars_free(sh, n);
            mpc_elems_free(C, t);
        }
    }
}

Test(shamir, every_t_subset_recovers_small_n)
{
    FOR_EACH_GROUP(g) {
        for (uint32_t n = 1; n <= 6; n++) {
            for (uint32_t t = 1; t <= n; t++) {
                mpc_scalar secret, got, sh[6];
                mpc_scalar_random(g, &secret, rng);
                cr_assert_eq(mpc_shamir_split(g, sh, NULL, &secret, t, n, rng), 0);
                /* every subset of size t (recovers) and t-1 (does not) */
                for (uint32_t mask = 1; mask < (1u << n); mask++) {
                    uint32_t idx[6], k = 0;
                    for (uint32_t i = 0; i < n; i++)
                        if (mask >> i & 1)
                            idx[k++] = i;
                    if (k == t) {
                        combine_subset(g, &got, sh, idx, k);
                        cr_assert(mpc_scalar_eq(g, &got, &secret));
                    } else if (k + 1 == t) {
                        combine_subset(g, &got, sh, idx, k);
                        cr_assert(!mpc_scalar_eq(g, &got, &secret));
                    }
                }
            }
        }
    }
}

Test(shamir, split_of_zero_and_of_a_given_secret)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar zero, got, sh[5];
        mpc_elem C[3];
        mpc_scalar_zero(g, &zero);
        cr_assert_eq(mpc_shamir_split(g, sh, C, &zero, 3, 5, rng), 0);
        uint32_t idx[3] = { 4, 0, 2 };
        combine_subset(g, &got, sh, idx, 3);
        cr_assert(mpc_scalar_is_zero(g, &got));
        cr_assert(mpc_elem_is_identity(g, &C[0]), "a sharing of zero commits C_0 = identity");
        cr_assert(!mpc_scalar_is_zero(g, &sh[0]), "but its shares are random");
    }
}

Test(shamir, range_and_argument_errors)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar s, sh[4], c[4];
        mpc_scalar_one(g, &s);
        cr_assert_eq(mpc_shamir_split(g, sh, NULL, &s, 0, 3, rng), SH_ERR_RANGE);
        cr_assert_eq(mpc_shamir_split(g, sh, NULL, &s, 4, 3, rng), SH_ERR_RANGE);
        cr_assert_eq(mpc_shamir_split(g, sh, NULL, &s, 2, MPC_MAX_PARTIES + 1, rng),
                     SH_ERR_RANGE);
        cr_assert_eq(mpc_shamir_split(g, sh, NULL, NULL, 2, 3, rng), SH_ERR_ARG);
        cr_assert_eq(mpc_poly_random(g, c, 0, NULL, rng), SH_ERR_RANGE);
        cr_assert_eq(mpc_poly_random(g, c, MPC_MAX_PARTIES + 1, NULL, rng), SH_ERR_RANGE);
        cr_assert_eq(mpc_poly_random(g, c, 4, &s, rng), 0);
        cr_assert(mpc_scalar_eq(g, &c[0], &s));
    }
}

Test(shamir, poly_eval_is_horner)
{
    FOR_EACH_GROUP(g) {
        /* f(x) = 3 + 5x + 7x^2 at x = 10 is 753 */
        mpc_scalar c[3], x, y, want;
        mpc_scalar_from_u64(g, &c[0], 3);
        mpc_scalar_from_u64(g, &c[1], 5);
        mpc_scalar_from_u64(g, &c[2], 7);
        mpc_scalar_from_u64(g, &x, 10);
        mpc_scalar_from_u64(g, &want, 753);
        mpc_poly_eval(g, &y, c, 3, &x);
        cr_assert(mpc_scalar_eq(g, &y, &want));
        mpc_poly_eval(g, &y, c, 0, &x);
        cr_assert(mpc_scalar_is_zero(g, &y));
    }
}

Test(shamir, lagrange_at_zero_and_at_a_point)
{
    FOR_EACH_GROUP(g) {
        const uint32_t t = 5;
        mpc_scalar coeffs[5], ids[5], ys[5], lam[5], x, fx, got, term, one1;
        cr_assert_eq(mpc_poly_random(g, coeffs, t, NULL, rng), 0);
        /* identifiers not 1..t: 3, 9, 4, 100, 17 */
        static const uint64_t idv[5] = { 3, 9, 4, 100, 17 };
        for (uint32_t i = 0; i < t; i++) {
            mpc_scalar_from_u64(g, &ids[i], idv[i]);
            mpc_poly_eval(g, &ys[i], coeffs, t, &ids[i]);
        }
        /* at 0: the sum of lambda_i y_i is f(0) and the coefficients sum to 1 */
        cr_assert_eq(mpc_lagrange_coeffs(g, lam, ids, t, NULL), 0);
        mpc_scalar_zero(g, &got);
        mpc_scalar_zero(g, &one1);
        for (uint32_t i = 0; i < t; i++) {
            mpc_scalar_mul(g, &term, &lam[i], &ys[i]);
            mpc_scalar_add(g, &got, &got, &term);
            mpc_scalar_add(g, &one1, &one1, &lam[i]);
        }
        cr_assert(mpc_scalar_eq(g, &got, &coeffs[0]));
        mpc_scalar_one(g, &term);
        cr_assert(mpc_scalar_eq(g, &one1, &term));
        /* one at a time agrees */
        for (uint32_t i = 0; i < t; i++) {
            mpc_scalar l1;
            cr_assert_eq(mpc_lagrange_coeff(g, &l1, ids, t, i, NULL), 0);
            cr_assert(mpc_scalar_eq(g, &l1, &lam[i]));
        }
        /* at a random x: f(x) */
        mpc_scalar_random(g, &x, rng);
        mpc_poly_eval(g, &fx, coeffs, t, &x);
        cr_assert_eq(mpc_lagrange_coeffs(g, lam, ids, t, &x), 0);
        mpc_scalar_zero(g, &got);
        for (uint32_t i = 0; i < t; i++) {
            mpc_scalar l1;
            mpc_scalar_mul(g, &term, &lam[i], &ys[i]);
            mpc_scalar_add(g, &got, &got, &term);
            cr_assert_eq(mpc_lagrange_coeff(g, &l1, ids, t, i, &x), 0);
            cr_assert(mpc_scalar_eq(g, &l1, &lam[i]));
        }
        cr_assert(mpc_scalar_eq(g, &got, &fx));
        /* at x equal to an identifier: the indicator vector */
        cr_assert_eq(mpc_lagrange_coeffs(g, lam, ids, t, &ids[2]), 0);
        for (uint32_t i = 0; i < t; i++) {
            if (i == 2) {
                mpc_scalar_one(g, &term);
                cr_assert(mpc_scalar_eq(g, &lam[i], &term));
            } else {
                cr_assert(mpc_scalar_is_zero(g, &lam[i]));
            }
        }
        /* k = 1: the constant */
        cr_assert_eq(mpc_lagrange_coeffs(g, lam, ids, 1, NULL), 0);
        mpc_scalar_one(g, &term);
        cr_assert(mpc_scalar_eq(g, &lam[0], &term));
    }
}

Test(shamir, zero_and_duplicate_identifiers_are_refused)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar ids[4], sh[4], out[4], s;
        ids_1_to_n(g, ids, 4);
        for (int i = 0; i < 4; i++)
            mpc_scalar_random(g, &sh[i], rng);
        cr_assert_eq(mpc_shamir_combine(g, &s, ids, sh, 4), 0);
        cr_assert_eq(mpc_lagrange_coeffs(g, out, ids, 0, NULL), SH_ERR_ARG);
        cr_assert_eq(mpc_shamir_combine(g, &s, ids, sh, 0), SH_ERR_ARG);
        mpc_scalar_zero(g, &ids[2]);
        cr_assert_eq(mpc_lagrange_coeffs(g, out, ids, 4, NULL), SH_ERR_ARG);
        cr_assert_eq(mpc_lagrange_coeff(g, out, ids, 4, 0, NULL), SH_ERR_ARG);
        cr_assert_eq(mpc_shamir_combine(g, &s, ids, sh, 4), SH_ERR_ARG);
        ids_1_to_n(g, ids, 4);
        ids[3] = ids[0];
        cr_assert_eq(mpc_lagrange_coeffs(g, out, ids, 4, NULL), SH_ERR_ARG);
        cr_assert_eq(mpc_lagrange_coeff(g, out, ids, 4, 1, NULL), SH_ERR_ARG);
        cr_assert_eq(mpc_shamir_combine(g, &s, ids, sh, 4), SH_ERR_ARG);
        ids_1_to_n(g, ids, 4);
        cr_assert_eq(mpc_lagrange_coeff(g, out, ids, 4, 4, NULL), SH_ERR_ARG);
    }
}

Test(shamir, feldman_eval_gives_the_verification_keys)
{
    FOR_EACH_GROUP(g) {
        const uint32_t t = 4, n = 9;
        mpc_scalar secret, sh[9], x;
        mpc_elem C[4], Y, want;
        mpc_scalar_random(g, &secret, rng);
        cr_assert_eq(mpc_shamir_split(g, sh, C, &secret, t, n, rng), 0);
        for (uint32_t i = 0; i < n; i++) {
            mpc_scalar_from_u64(g, &x, (uint64_t)i + 1);
            cr_assert_eq(mpc_feldman_eval(g, &Y, C, t, &x), 0);
            mpc_elem_mul_base(g, &want, &sh[i]);
            cr_assert(mpc_elem_eq(g, &Y, &want));
        }
        mpc_scalar_zero(g, &x);
        cr_assert_eq(mpc_feldman_eval(g, &Y, C, t, &x), 0);
        cr_assert(mpc_elem_eq(g, &Y, &C[0]), "at 0: the group key");
    }
}

Test(shamir, feldman_verify_rejects_every_tampering)
{
    FOR_EACH_GROUP(g) {
        const uint32_t t = 3, n = 5;
        mpc_scalar secret, sh[5], x, one, bad;
        mpc_elem C[3], B;
        mpc_scalar_one(g, &one);
        mpc_elem_base(g, &B);
        mpc_scalar_random(g, &secret, rng);
        cr_assert_eq(mpc_shamir_split(g, sh, C, &secret, t, n, rng), 0);
        for (uint32_t i = 0; i < n; i++) {
            mpc_scalar_from_u64(g, &x, (uint64_t)i + 1);
            cr_assert_eq(mpc_feldman_verify(g, C, t, &x, &sh[i]), 0);
            /* the share + 1 */
            mpc_scalar_add(g, &bad, &sh[i], &one);
            cr_assert_eq(mpc_feldman_verify(g, C, t, &x, &bad), SH_ERR_VERIFY);
            /* another party's share */
            cr_assert_eq(mpc_feldman_verify(g, C, t, &x, &sh[(i + 1) % n]), SH_ERR_VERIFY);
            /* every commitment moved by B */
            for (uint32_t j = 0; j < t; j++) {
                mpc_elem saved = C[j];
                mpc_elem_add(g, &C[j], &C[j], &B);
                cr_assert_eq(mpc_feldman_verify(g, C, t, &x, &sh[i]), SH_ERR_VERIFY);
                C[j] = saved;
            }
            /* fewer commitments (a lower degree claimed) */
            cr_assert_eq(mpc_feldman_verify(g, C, t - 1, &x, &sh[i]), SH_ERR_VERIFY);
        }
    }
}

/* m dealers' sharings (threshold t, n parties): C[k][0..t), shares at
 * party `at` (0-based) into s[k]. */
typedef struct batch {
    mpc_elem *C[40];
    mpc_scalar s[40];
} batch;

static void make_batch(const mpc_group *g, batch *b, size_t m, uint32_t t, uint32_t n,
                       uint32_t at)
{
    cr_assert_leq(m, 40);
    mpc_scalar *sh = mpc_scalars_alloc(n);
    cr_assert_not_null(sh);
    for (size_t k = 0; k < m; k++) {
        mpc_scalar secret;
        mpc_scalar_random(g, &secret, rng);
        b->C[k] = mpc_elems_alloc(t);
        cr_assert_not_null(b->C[k]);
        cr_assert_eq(mpc_shamir_split(g, sh, b->C[k], &secret, t, n, rng), 0);
        b->s[k] = sh[at];
    }
    mpc_scalars_free(sh, n);
}

static void free_batch(batch *b, size_t m, uint32_t t)
{
    for (size_t k = 0; k < m; k++)
        mpc_elems_free(b->C[k], t);
}

Test(shamir, feldman_batch_accepts_good_and_names_each_bad_share)
{
    FOR_EACH_GROUP(g) {
        static const uint32_t cfg[][3] = { { 1, 1, 0 }, { 1, 3, 2 }, { 3, 5, 0 },
                                           { 7, 4, 6 }, { 16, 9, 3 }, { 24, 5, 23 } };
        for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
            size_t m = cfg[c][0];
            uint32_t t = cfg[c][1], n = t + 3, at = cfg[c][2] % n;
            batch b;
            make_batch(g, &b, m, t, n, at);
            mpc_scalar x, one;
            mpc_scalar_from_u64(g, &x, (uint64_t)at + 1);
            mpc_scalar_one(g, &one);
            size_t bad = 999;
            const mpc_elem *const *Cs = (const mpc_elem *const *)b.C;
            cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, &bad), 0);
            cr_assert_eq(bad, m);
            cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, NULL), 0);
            /* each single bad share is found and named */
            for (size_t k = 0; k < m; k += (m > 8 ? 13 : 1)) {
                mpc_scalar saved = b.s[k];
                mpc_scalar_add(g, &b.s[k], &b.s[k], &one);
                cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, &bad),
                             SH_ERR_VERIFY);
                cr_assert_eq(bad, k, "%s m=%zu: bad share %zu named %zu", mpc_group_name(g),
                             m, k, bad);
                cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, NULL),
                             SH_ERR_VERIFY);
                b.s[k] = saved;
            }
            /* each single bad commitment too */
            mpc_elem B;
            mpc_elem_base(g, &B);
            for (size_t k = 0; k < m; k += (m > 8 ? 7 : 1)) {
                for (uint32_t j = 0; j < t; j++) {
                    mpc_elem saved = b.C[k][j];
                    mpc_elem_add(g, &b.C[k][j], &b.C[k][j], &B);
                    cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, &bad),
                                 SH_ERR_VERIFY);
                    cr_assert_eq(bad, k);
                    b.C[k][j] = saved;
                }
            }
            /* two bad dealers whose errors would cancel in an unweighted sum */
            if (m >= 2) {
                mpc_scalar s0 = b.s[0], s1 = b.s[1];
                mpc_scalar_add(g, &b.s[0], &b.s[0], &one);
                mpc_scalar_sub(g, &b.s[1], &b.s[1], &one);
                cr_assert_eq(mpc_feldman_verify_batch(g, Cs, t, m, &x, b.s, rng, &bad),
                             SH_ERR_VERIFY);
                cr_assert_eq(bad, 0);
                b.s[0] = s0;
                b.s[1] = s1;
            }
            free_batch(&b, m, t);
        }
    }
}

/* Extra public terms checked in the same batch: random r_i and points
 * P_i with sum r_i P_i = 0 (the last term cancels the others) pass with
 * good shares (ristretto255's Horner path, Ed25519's general MSM,
 * secp256k1's single checks beside a separate sum) and with no share at
 * all; one term off by B, or a bad share beside good terms, fails; the
 * weights cannot be cancelled by a term that only offsets an unweighted
 * error. */
Test(shamir, feldman_batch_with_extra_terms)
{
    FOR_EACH_GROUP(g) {
        static const uint32_t cfg[][3] = { { 0, 3, 0 }, { 1, 1, 0 }, { 3, 5, 2 }, { 7, 4, 6 } };
        for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
            size_t m = cfg[c][0];
            uint32_t t = cfg[c][1], n = t + 3, at = cfg[c][2] % n;
            batch b;
            make_batch(g, &b, m, t, n, at);
            const mpc_elem *const *Cs = (const mpc_elem *const *)b.C;
            mpc_scalar one, xs[5];
            mpc_elem xp[5], B, acc;
            mpc_scalar_one(g, &one);
            mpc_elem_base(g, &B);
            mpc_elem_identity(g, &acc);
            /* four random terms r_i (e_i B), and a fifth: -1 times their
             * sum; or instead of it, xb = -sum r_i e_i on B */
            mpc_scalar xb, sum_re;
            mpc_scalar_zero(g, &sum_re);
            for (int i = 0; i < 4; i++) {
                mpc_scalar r, e, re;
                mpc_scalar_random(g, &r, rng);
                mpc_scalar_random(g, &e, rng);
                mpc_elem_mul_base(g, &xp[i], &e);
                xs[i] = r;
                mpc_elem term;
                cr_assert_eq(mpc_elem_msm_vartime(g, &term, &r, &xp[i], 1), 0);
                mpc_elem_add(g, &acc, &acc, &term);
                mpc_scalar_mul(g, &re, &r, &e);
                mpc_scalar_add(g, &sum_re, &sum_re, &re);
            }
            xp[4] = acc;
            mpc_scalar_neg(g, &xs[4], &one);
            mpc_scalar_neg(g, &xb, &sum_re);
            mpc_scalar x;
            mpc_scalar_from_u64(g, &x, (uint64_t)at + 1);
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 5, NULL), 0,
                         "%s m=%zu", mpc_group_name(g), m);
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 4, &xb), 0,
                         "%s m=%zu: with B's coefficient", mpc_group_name(g), m);
            mpc_scalar xb1;
            mpc_scalar_add(g, &xb1, &xb, &one);
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 4, &xb1),
                         SH_ERR_VERIFY, "%s m=%zu: B's coefficient off by one passed",
                         mpc_group_name(g), m);
            if (m > 0) {
                /* a share off by one that B's coefficient would make up for
                 * without the weights */
                mpc_scalar s0 = b.s[0], xbm;
                mpc_scalar_add(g, &b.s[0], &b.s[0], &one);
                mpc_scalar_sub(g, &xbm, &xb, &one);
                cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 4,
                                                           &xbm),
                             SH_ERR_VERIFY, "%s m=%zu", mpc_group_name(g), m);
                b.s[0] = s0;
            }
            /* a term moved by B */
            mpc_elem saved = xp[2];
            mpc_elem_add(g, &xp[2], &xp[2], &B);
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 5, NULL),
                         SH_ERR_VERIFY, "%s m=%zu: a bad term passed", mpc_group_name(g), m);
            xp[2] = saved;
            /* a bad share beside good terms, and one whose error the terms
             * would cancel if the shares were not weighted */
            if (m > 0) {
                mpc_scalar s0 = b.s[0];
                mpc_scalar_add(g, &b.s[0], &b.s[0], &one);
                cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs, xp, 5, NULL),
                             SH_ERR_VERIFY, "%s m=%zu: a bad share passed", mpc_group_name(g), m);
                mpc_elem xp2[6];
                mpc_scalar xs2[6];
                memcpy(xp2, xp, sizeof xp);
                memcpy(xs2, xs, sizeof xs);
                xp2[5] = B;          /* + 1*B: what the unweighted error needs */
                xs2[5] = one;
                cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &x, b.s, rng, xs2, xp2, 6, NULL),
                             SH_ERR_VERIFY, "%s m=%zu: the error was cancelled",
                             mpc_group_name(g), m);
                b.s[0] = s0;
            }
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, NULL, b.s, rng, xs, xp, 5, NULL),
                         m > 0 ? SH_ERR_ARG : 0);
            cr_assert_eq(mpc_feldman_verify_batch_with(g, Cs, t, m, &one, b.s, rng, NULL, xp, 5, NULL),
                         SH_ERR_ARG);
            free_batch(&b, m, t);
        }
    }
}

Test(shamir, feldman_batch_edge_cases)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar x;
        size_t bad = 7;
        mpc_scalar_one(g, &x);
        cr_assert_eq(mpc_feldman_verify_batch(g, NULL, 3, 0, &x, NULL, rng, &bad), 0);
        cr_assert_eq(bad, 0);
        batch b;
        make_batch(g, &b, 2, 3, 4, 0);
        const mpc_elem *const *Cs = (const mpc_elem *const *)b.C;
        cr_assert_eq(mpc_feldman_verify_batch(g, Cs, 0, 2, &x, b.s, rng, &bad), SH_ERR_RANGE);
        cr_assert_eq(mpc_feldman_verify_batch(g, Cs, 3, 2, &x, b.s, NULL, &bad), SH_ERR_ARG);
        /* a sharing of zero has C_0 = identity and still verifies */
        mpc_scalar zero, sh[4];
        mpc_scalar_zero(g, &zero);
        cr_assert_eq(mpc_shamir_split(g, sh, b.C[1], &zero, 3, 4, rng), 0);
        b.s[1] = sh[0];
        cr_assert_eq(mpc_feldman_verify_batch(g, Cs, 3, 2, &x, b.s, rng, &bad), 0);
        free_batch(&b, 2, 3);
    }
}
