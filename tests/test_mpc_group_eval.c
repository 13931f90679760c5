/* tests/test_mpc_group_eval.c -- the bulk element operations of mpc/group.h
 * and the Feldman evaluations built on them, in all three groups, against
 * plain arithmetic: mpc_elem_poly_eval_small against an MSM with the powers
 * x^j (each group has its own fast path: Horner on libdecaf, Horner with
 * tweak_mul and combine, one conversion to libdecaf for many points),
 * mpc_elem_sum against repeated mpc_elem_add (including both sides of the
 * Ed25519 libsodium/libdecaf threshold and sums that cancel), and
 * mpc_feldman_eval_ids against mpc_feldman_eval one identifier at a time
 * (ristretto255's forward differences on both sides of n = t + 1). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "mpc/group.h"
#include "mpc/shamir.h"
#include "testutil.h"
#include "group_fixture.h"

#define TMAX 40

static sh_rng *rng;
static mpc_group *groups[TU_NGROUPS];

static void setup(void)
{
    tu_groups_new(&rng, groups, 33);
}

static void teardown(void)
{
    tu_groups_free(rng, groups);
}

TestSuite(mpc_group_eval, .init = setup, .fini = teardown, .timeout = 300);

static void random_elem(const mpc_group *g, mpc_elem *e)
{
    mpc_scalar s;
    mpc_scalar_random(g, &s, rng);
    mpc_elem_mul_base(g, e, &s);
}

/* sum_j x^j C[j] the slow way: an MSM with the full powers. */
static void eval_by_msm(const mpc_group *g, mpc_elem *out, const mpc_elem *C, uint32_t t,
                        uint32_t x)
{
    mpc_scalar pw[TMAX], xs;
    cr_assert_leq(t, TMAX);
    mpc_scalar_from_u64(g, &xs, x);
    for (uint32_t j = 0; j < t; j++) {
        if (j == 0)
            mpc_scalar_one(g, &pw[0]);
        else
            mpc_scalar_mul(g, &pw[j], &pw[j - 1], &xs);
    }
    cr_assert_eq(mpc_elem_msm_vartime(g, out, pw, C, t), 0);
}

static void assert_same(const mpc_group *g, const mpc_elem *got, const mpc_elem *want,
                        const char *what, uint32_t t, uint32_t x)
{
    cr_assert(mpc_elem_eq(g, got, want), "%s: %s differs at t = %u, x = %u",
              mpc_group_name(g), what, (unsigned)t, (unsigned)x);
    /* equal elements must also encode alike (Ed25519 results come back
     * from libdecaf as encodings) */
    uint8_t a[MPC_ELEM_MAX_BYTES], b[MPC_ELEM_MAX_BYTES];
    int ra = mpc_elem_encode(g, a, got), rb = mpc_elem_encode(g, b, want);
    cr_assert_eq(ra, rb);
    cr_assert(memcmp(a, b, mpc_group_elem_bytes(g)) == 0);
}

Test(mpc_group_eval, poly_eval_small_matches_msm)
{
    static const uint32_t ts[] = { 1, 2, 3, 7, 33, TMAX };
    static const uint32_t xs[] = { 1, 2, 3, 5, 64, 255, 256, 1000, MPC_SMALL_X_MAX };
    const size_t nx = sizeof xs / sizeof xs[0];
    FOR_EACH_GROUP(g) {
        mpc_elem C[TMAX], out[sizeof xs / sizeof xs[0]], want;
        for (size_t ti = 0; ti < sizeof ts / sizeof ts[0]; ti++) {
            const uint32_t t = ts[ti];
            for (uint32_t j = 0; j < t; j++)
                random_elem(g, &C[j]);
            if (t > 2)
                mpc_elem_identity(g, &C[1]);   /* an identity coefficient */
            /* all at once (Ed25519 scales the coefficients when nx >= t),
             * then each alone (it scales the result instead) */
            cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, t, xs, nx), 0);
            for (size_t i = 0; i < nx; i++) {
                eval_by_msm(g, &want, C, t, xs[i]);
                assert_same(g, &out[i], &want, "batch", t, xs[i]);
                mpc_elem one;
                cr_assert_eq(mpc_elem_poly_eval_small(g, &one, C, t, &xs[i], 1), 0);
                assert_same(g, &one, &want, "single", t, xs[i]);
            }
        }
    }
}

Test(mpc_group_eval, poly_eval_small_reaching_the_identity)
{
    FOR_EACH_GROUP(g) {
        /* f = P - X P: zero at X = 1; and C = (2P, P, -P) at x = 2 gives
         * 2P + 2P - 4P; intermediate sums at infinity (secp256k1) too */
        mpc_elem C[3], out[2], P, twoP;
        random_elem(g, &P);
        mpc_elem_add(g, &twoP, &P, &P);
        C[0] = P;
        mpc_elem_neg(g, &C[1], &P);
        const uint32_t one = 1, two = 2;
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, &one, 1), 0);
        cr_assert(mpc_elem_is_identity(g, &out[0]), "%s", mpc_group_name(g));
        C[0] = twoP;
        C[1] = P;
        mpc_elem_neg(g, &C[2], &P);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 3, &two, 1), 0);
        cr_assert(mpc_elem_is_identity(g, &out[0]), "%s", mpc_group_name(g));
        /* every coefficient the identity */
        for (int j = 0; j < 3; j++)
            mpc_elem_identity(g, &C[j]);
        const uint32_t both[2] = { 1, 7 };
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 3, both, 2), 0);
        cr_assert(mpc_elem_is_identity(g, &out[0]) && mpc_elem_is_identity(g, &out[1]));
        /* t = 0: identities, whatever C */
        random_elem(g, &out[0]);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, NULL, 0, both, 1), 0);
        cr_assert(mpc_elem_is_identity(g, &out[0]));
    }
}

Test(mpc_group_eval, poly_eval_small_argument_errors)
{
    FOR_EACH_GROUP(g) {
        mpc_elem C[2], out[2];
        random_elem(g, &C[0]);
        random_elem(g, &C[1]);
        const uint32_t zero = 0, big = MPC_SMALL_X_MAX + 1, ok = 3;
        const uint32_t mixed[2] = { 3, 0 };
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, &zero, 1), SH_ERR_RANGE);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, &big, 1), SH_ERR_RANGE);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, mixed, 2), SH_ERR_RANGE);
        cr_assert_eq(mpc_elem_poly_eval_small(g, NULL, C, 2, &ok, 1), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, NULL, 2, &ok, 1), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, NULL, 1), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_poly_eval_small(g, out, C, 2, NULL, 0), 0);
    }
}

Test(mpc_group_eval, sum_matches_repeated_addition)
{
    /* 5 and 6 straddle Ed25519's switch from libsodium to libdecaf */
    static const size_t ns[] = { 1, 2, 5, 6, 7, 40, 130 };
    FOR_EACH_GROUP(g) {
        mpc_elem E[130], want, got;
        const mpc_elem *pp[130];
        for (size_t c = 0; c < sizeof ns / sizeof ns[0]; c++) {
            const size_t n = ns[c];
            mpc_elem_identity(g, &want);
            for (size_t i = 0; i < n; i++) {
                random_elem(g, &E[i]);
                if (i % 9 == 4)
                    mpc_elem_identity(g, &E[i]);
                if (i % 11 == 10)
                    E[i] = E[i - 1];           /* a repeated term */
                pp[n - 1 - i] = &E[i];         /* any order */
                mpc_elem_add(g, &want, &want, &E[i]);
            }
            cr_assert_eq(mpc_elem_sum(g, &got, pp, n), 0);
            assert_same(g, &got, &want, "sum", (uint32_t)n, 0);
        }
        /* sums that cancel, below and above the threshold */
        for (size_t n = 2; n <= 12; n += 10) {
            for (size_t i = 0; i < n / 2; i++) {
                random_elem(g, &E[2 * i]);
                mpc_elem_neg(g, &E[2 * i + 1], &E[2 * i]);
            }
            for (size_t i = 0; i < n; i++)
                pp[i] = &E[i];
            cr_assert_eq(mpc_elem_sum(g, &got, pp, n), 0);
            cr_assert(mpc_elem_is_identity(g, &got), "%s: n = %zu", mpc_group_name(g), n);
        }
        /* only identities; nothing at all */
        for (size_t i = 0; i < 8; i++) {
            mpc_elem_identity(g, &E[i]);
            pp[i] = &E[i];
        }
        random_elem(g, &got);
        cr_assert_eq(mpc_elem_sum(g, &got, pp, 8), 0);
        cr_assert(mpc_elem_is_identity(g, &got));
        random_elem(g, &got);
        cr_assert_eq(mpc_elem_sum(g, &got, NULL, 0), 0);
        cr_assert(mpc_elem_is_identity(g, &got));
        /* errors */
        pp[3] = NULL;
        cr_assert_eq(mpc_elem_sum(g, &got, pp, 8), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_sum(g, NULL, pp, 2), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_sum(g, &got, NULL, 2), SH_ERR_ARG);
    }
}

Test(mpc_group_eval, feldman_eval_ids_matches_one_at_a_time)
{
    /* (t, n): n <= t + 1 evaluates directly everywhere; n > t + 1 takes
     * ristretto255's forward differences */
    static const uint32_t cases[][2] = { { 1, 1 }, { 1, 6 }, { 3, 3 }, { 3, 4 }, { 3, 5 },
                                         { 2, 9 }, { 5, 20 }, { 9, 16 }, { 33, 40 } };
    FOR_EACH_GROUP(g) {
        mpc_elem C[TMAX], V[TMAX], want;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const uint32_t t = cases[c][0], n = cases[c][1];
            for (uint32_t j = 0; j < t; j++)
                random_elem(g, &C[j]);
            cr_assert_eq(mpc_feldman_eval_ids(g, V, C, t, n), 0);
            for (uint32_t j = 0; j < n; j++) {
                mpc_scalar x;
                mpc_scalar_from_u64(g, &x, (uint64_t)j + 1);
                cr_assert_eq(mpc_feldman_eval(g, &want, C, t, &x), 0);
                assert_same(g, &V[j], &want, "eval_ids", t, j + 1);
            }
        }
        /* shares of a known polynomial: the keys are s_j B */
        mpc_scalar secret, sh[12];
        mpc_elem K[5];
        mpc_scalar_random(g, &secret, rng);
        cr_assert_eq(mpc_shamir_split(g, sh, K, &secret, 5, 12, rng), 0);
        cr_assert_eq(mpc_feldman_eval_ids(g, V, K, 5, 12), 0);
        for (uint32_t j = 0; j < 12; j++) {
            mpc_elem_mul_base(g, &want, &sh[j]);
            assert_same(g, &V[j], &want, "verification key", 5, j + 1);
        }
        cr_assert_eq(mpc_feldman_eval_ids(g, V, K, 5, 0), 0);
        cr_assert_eq(mpc_feldman_eval_ids(g, V, K, 5, MPC_SMALL_X_MAX + 1), SH_ERR_RANGE);
        cr_assert_eq(mpc_feldman_eval_ids(g, NULL, K, 5, 3), SH_ERR_ARG);
        cr_assert_eq(mpc_feldman_eval_ids(g, V, NULL, 5, 3), SH_ERR_ARG);
    }
}

Test(mpc_group_eval, feldman_eval_small_and_large_identifiers_agree)
{
    /* mpc_feldman_eval takes the Horner path up to MPC_SMALL_X_MAX and the
     * MSM beyond: both must give f(x) B (secp256k1 scalars are big endian,
     * the others little endian: the small-identifier test reads both) */
    FOR_EACH_GROUP(g) {
        mpc_elem C[4], got, want;
        for (int j = 0; j < 4; j++)
            random_elem(g, &C[j]);
        static const uint64_t xs[] = { 1, 2, 255, 256, MPC_SMALL_X_MAX, MPC_SMALL_X_MAX + 1,
                                       1u << 24, 0x123456789abcull };
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
            mpc_scalar x, pw[4];
            mpc_scalar_from_u64(g, &x, xs[i]);
            cr_assert_eq(mpc_feldman_eval(g, &got, C, 4, &x), 0);
            mpc_scalar_one(g, &pw[0]);
            for (int j = 1; j < 4; j++)
                mpc_scalar_mul(g, &pw[j], &pw[j - 1], &x);
            cr_assert_eq(mpc_elem_msm_vartime(g, &want, pw, C, 4), 0);
            assert_same(g, &got, &want, "feldman_eval", 4, (uint32_t)xs[i]);
        }
    }
}

/* mpc_elem_polys_eval_small: m polynomials at one x give what one
 * mpc_elem_poly_eval_small each gives, whether the elements come from
 * constant-time products, from variable-time ones (Ed25519 caches their
 * libdecaf points, and only then shares the inversions) or both mixed, with
 * identity coefficients; m = 0 writes nothing; a bad x or out is refused. */
Test(mpc_group_eval, polys_eval_small_matches_one_at_a_time)
{
    enum { M = 9, T = 8 };
    static const uint32_t ms[] = { 1, 2, 5, M };
    static const uint32_t ts[] = { 1, 3, T };
    static const uint32_t xs[] = { 1, 7, 300, MPC_SMALL_X_MAX };
    FOR_EACH_GROUP(g) {
        mpc_elem C[M][T], out[M], want;
        const mpc_elem *pc[M];
        mpc_scalar one;
        mpc_scalar_one(g, &one);
        for (int kind = 0; kind < 3; kind++) {           /* plain, cached, mixed */
            for (size_t k = 0; k < M; k++) {
                for (uint32_t j = 0; j < T; j++) {
                    random_elem(g, &C[k][j]);
                    if (kind == 1 || (kind == 2 && (k + j) % 2 == 0))
                        mpc_elem_mul_vartime(g, &C[k][j], &C[k][j], &one);
                }
                pc[k] = C[k];
            }
            mpc_elem_identity(g, &C[1][1]);
            for (size_t mi = 0; mi < sizeof ms / sizeof ms[0]; mi++)
                for (size_t ti = 0; ti < sizeof ts / sizeof ts[0]; ti++)
                    for (size_t xi = 0; xi < sizeof xs / sizeof xs[0]; xi++) {
                        cr_assert_eq(mpc_elem_polys_eval_small(g, out, pc, ms[mi], ts[ti],
                                                               xs[xi]), 0);
                        for (size_t k = 0; k < ms[mi]; k++) {
                            cr_assert_eq(mpc_elem_poly_eval_small(g, &want, C[k], ts[ti],
                                                                  &xs[xi], 1), 0);
                            assert_same(g, &out[k], &want, "polys", ts[ti], xs[xi]);
                        }
                    }
        }
        random_elem(g, &out[0]);
        want = out[0];
        cr_assert_eq(mpc_elem_polys_eval_small(g, out, pc, 0, 3, 5), 0);
        cr_assert(mpc_elem_eq(g, &out[0], &want), "m = 0 wrote");
        cr_assert_eq(mpc_elem_polys_eval_small(g, out, pc, 2, 3, 0), SH_ERR_RANGE);
        cr_assert_eq(mpc_elem_polys_eval_small(g, out, pc, 2, 3, MPC_SMALL_X_MAX + 1),
                     SH_ERR_RANGE);
        cr_assert_eq(mpc_elem_polys_eval_small(g, NULL, pc, 2, 3, 5), SH_ERR_ARG);
    }
}
