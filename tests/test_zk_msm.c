/* tests/test_zk_msm.c -- multi-scalar multiplication against independent
 * references: the naive sum of constant-time scalar multiplications, and,
 * for very large n, linearity: with P_i = a_i B for known a_i, the MSM must
 * equal (sum s_i a_i) B computed with one fixed-base multiplication.
 *
 * Every algorithm is checked, not only the one zk_msm picks: Straus, the
 * planned Pippenger, and Pippenger with each fixed window width, on edge
 * scalars whose signed digits sit on the recoding boundaries.  Inputs come
 * from seeded deterministic generators, so a failure reproduces. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/msm.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(0x6d736d);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(msm, .init = setup, .fini = teardown);

/* L - 1 little endian: the scalar -1. */
static const uint8_t L_MINUS_1[32] = {
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
};

/* Point arrays must honour libdecaf's 32-byte alignment (UBSan checks). */
static zk_point *points_new(size_t n)
{
    zk_point *p = aligned_alloc(_Alignof(zk_point), (n ? n : 1) * sizeof(zk_point));
    cr_assert_not_null(p);
    return p;
}

static zk_scalar *scalars_new(size_t n)
{
    zk_scalar *s = malloc((n ? n : 1) * sizeof(zk_scalar));
    cr_assert_not_null(s);
    return s;
}

static void random_point(zk_point *p)
{
    uint8_t h[ZK_HASH_BYTES];
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(p, h);
}

/* A uniformly random scalar below 2^bits (bits <= 252, so it is < L). */
static void random_short_scalar(zk_scalar *s, unsigned bits)
{
    uint8_t b[32] = { 0 };
    sh_rng_bytes(rng, b, (bits + 7) / 8);
    if (bits % 8 != 0)
        b[bits / 8] &= (uint8_t)((1u << (bits % 8)) - 1);
    cr_assert_eq(zk_scalar_decode(s, b), 0);
}

static void scalar_from_bytes(zk_scalar *s, const uint8_t b[32])
{
    cr_assert_eq(zk_scalar_decode(s, b), 0, "test scalar not canonical");
}

static void scalar_pow2(zk_scalar *s, unsigned k)
{
    uint8_t b[32] = { 0 };
    b[k / 8] = (uint8_t)(1u << (k % 8));
    scalar_from_bytes(s, b);
}

static void assert_point_eq(const zk_point *got, const zk_point *want, const char *what,
                            size_t n)
{
    uint8_t g[32], w[32];
    zk_point_encode(g, got);
    zk_point_encode(w, want);
    cr_assert_arr_eq(g, w, 32, "%s differs from the reference at n = %zu", what, n);
}

/* Every algorithm on (s, p, n) against want. */
static void check_all_algorithms(const zk_scalar *s, const zk_point *p, size_t n,
                                 const zk_point *want, int every_window)
{
    zk_point got;
    cr_assert_eq(zk_msm(&got, s, p, n), 0);
    assert_point_eq(&got, want, "zk_msm", n);
    cr_assert_eq(zk_msm_straus(&got, s, p, n), 0);
    assert_point_eq(&got, want, "straus", n);
    cr_assert_eq(zk_msm_pippenger(&got, s, p, n, 0), 0);
    assert_point_eq(&got, want, "pippenger (planned windows)", n);
    if (every_window) {
        for (unsigned c = 1; c <= ZK_MSM_MAX_WINDOW; c++) {
            cr_assert_eq(zk_msm_pippenger(&got, s, p, n, c), 0);
            uint8_t g[32], w[32];
            zk_point_encode(g, &got);
            zk_point_encode(w, want);
            cr_assert_arr_eq(g, w, 32, "pippenger window %u differs at n = %zu", c, n);
        }
    }
}

static void check_against_naive(const zk_scalar *s, const zk_point *p, size_t n,
                                int every_window)
{
    zk_point want;
    zk_msm_naive(&want, s, p, n);
    check_all_algorithms(s, p, n, &want, every_window);
}

/* ---- the sweep: every n from 0 to 300 ---------------------------------- */

Test(msm, every_n_from_0_to_300_against_naive)
{
    enum { POOL = 512, MAXN = 300 };
    zk_point *pool = points_new(POOL), *p = points_new(MAXN);
    zk_scalar *s = scalars_new(MAXN);
    for (size_t i = 0; i < POOL; i++)
        random_point(&pool[i]);
    for (size_t n = 0; n <= MAXN; n++) {
        /* Fresh scalars; points drawn from the pool at a random start
         * with a random odd stride, hence distinct within one MSM. */
        size_t start = sh_rng_uniform(rng, POOL), stride = 2 * sh_rng_uniform(rng, POOL / 2) + 1;
        for (size_t i = 0; i < n; i++) {
            zk_scalar_random(&s[i], rng);
            p[i] = pool[(start + i * stride) % POOL];
        }
        check_against_naive(s, p, n, 0);
    }
    free(pool);
    free(p);
    free(s);
}

/* ---- every Pippenger window width ---------------------------------------- */

Test(msm, every_window_width_random)
{
    const size_t sizes[] = { 1, 2, 3, 17, 64 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        zk_point *p = points_new(n);
        zk_scalar *s = scalars_new(n);
        for (size_t i = 0; i < n; i++) {
            random_point(&p[i]);
            zk_scalar_random(&s[i], rng);
        }
        check_against_naive(s, p, n, 1);
        free(p);
        free(s);
    }
}

/* ---- edge scalars ----------------------------------------------------- */

/* Fills s (room for at least 700) with edge scalars; returns how many. */
static size_t edge_scalars(zk_scalar *s)
{
    size_t m = 0;
    uint8_t b[32];

    zk_scalar_zero(&s[m++]);
    zk_scalar_one(&s[m++]);
    zk_scalar_from_u64(&s[m++], 2);
    zk_scalar_from_u64(&s[m++], 3);
    zk_scalar_from_u64(&s[m++], UINT64_MAX);
    scalar_from_bytes(&s[m++], L_MINUS_1);                    /* -1 */
    zk_scalar_sub(&s[m], &s[m - 1], &s[1]);                    /* -2 = L - 2 */
    m++;
    zk_scalar_neg(&s[m], &s[3]);                               /* -3 */
    m++;
    zk_scalar_neg(&s[m], &s[4]);                               /* -(2^64 - 1) */
    m++;
    /* (L - 1) / 2 and (L + 1) / 2 = 1/2 */
    cr_assert_eq(zk_scalar_invert(&s[m], &s[2]), 0);
    m++;
    zk_scalar_sub(&s[m], &s[m - 1], &s[1]);
    m++;
    /* 2^k and 2^k - 1 for every k: single bits at every window position,
     * and runs of ones that carry through every signed digit. */
    for (unsigned k = 0; k <= 252; k++) {
        scalar_pow2(&s[m], k);
        m++;
        if (k > 0) {
            zk_scalar_sub(&s[m], &s[m - 1], &s[1]);
            m++;
        }
    }
    /* Byte patterns: 0x7f/0x80/0x81 put every 8-bit digit at or next to
     * the boundary 2^(c-1) between positive and negative digits. */
    const uint8_t pats[] = { 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x01, 0x55, 0xaa };
    for (size_t k = 0; k < sizeof pats; k++) {
        memset(b, pats[k], 32);
        b[31] = (uint8_t)(pats[k] & 0x0f);
        scalar_from_bytes(&s[m++], b);
    }
    /* For every width c, every c-bit window equal to 2^(c-1) - 1, 2^(c-1),
     * 2^(c-1) + 1 or 2^c - 1 (bits above 251 cleared, so below L). */
    for (unsigned c = 1; c <= ZK_MSM_MAX_WINDOW; c++) {
        uint32_t vals[4] = { (1u << (c - 1)) - 1, 1u << (c - 1), (1u << (c - 1)) + 1,
                             (1u << c) - 1 };
        for (size_t v = 0; v < 4; v++) {
            if (vals[v] == 0 || vals[v] >= (1u << c))
                continue;
            memset(b, 0, 32);
            for (unsigned bit = 0; bit < 252; bit++)
                if ((vals[v] >> (bit % c)) & 1)
                    b[bit / 8] |= (uint8_t)(1u << (bit % 8));
            scalar_from_bytes(&s[m++], b);
        }
    }
    cr_assert_leq(m, 700);
    return m;
}

Test(msm, edge_scalars_each_alone)
{
    zk_scalar *s = scalars_new(700);
    size_t m = edge_scalars(s);
    zk_point p, want;
    random_point(&p);
    for (size_t i = 0; i < m; i++) {
        zk_point_mul(&want, &p, &s[i]);
        check_all_algorithms(&s[i], &p, 1, &want, 0);
    }
    free(s);
}

Test(msm, edge_scalars_together_every_window)
{
    zk_scalar *s = scalars_new(700);
    size_t m = edge_scalars(s);
    zk_point *p = points_new(m);
    for (size_t i = 0; i < m; i++)
        random_point(&p[i]);
    check_against_naive(s, p, m, 1);
    free(s);
    free(p);
}

/* All edge scalars on one repeated point: the result is (sum s_i) P. */
Test(msm, edge_scalars_on_one_repeated_point)
{
    zk_scalar *s = scalars_new(700);
    size_t m = edge_scalars(s);
    zk_point *p = points_new(m);
    zk_point base, want;
    zk_scalar sum;
    random_point(&base);
    zk_scalar_zero(&sum);
    for (size_t i = 0; i < m; i++) {
        p[i] = base;
        zk_scalar_add(&sum, &sum, &s[i]);
    }
    zk_point_mul(&want, &base, &sum);
    check_all_algorithms(s, p, m, &want, 1);
    free(s);
    free(p);
}

/* ---- special points and scalars ---------------------------------------- */

Test(msm, empty_and_all_zero_scalars_give_identity)
{
    zk_point id, got;
    zk_point_identity(&id);
    /* n = 0 with no arrays at all. */
    cr_assert_eq(zk_msm(&got, NULL, NULL, 0), 0);
    cr_assert(zk_point_eq(&got, &id));
    cr_assert_eq(zk_msm_straus(&got, NULL, NULL, 0), 0);
    cr_assert(zk_point_eq(&got, &id));
    cr_assert_eq(zk_msm_pippenger(&got, NULL, NULL, 0, 0), 0);
    cr_assert(zk_point_eq(&got, &id));

    const size_t sizes[] = { 1, 10, 1000 };
    for (size_t k = 0; k < 3; k++) {
        size_t n = sizes[k];
        zk_point *p = points_new(n);
        zk_scalar *s = scalars_new(n);
        for (size_t i = 0; i < n; i++) {
            random_point(&p[i]);
            zk_scalar_zero(&s[i]);
        }
        check_all_algorithms(s, p, n, &id, n <= 10);
        free(p);
        free(s);
    }
}

Test(msm, identity_points_and_zero_scalars_mixed)
{
    enum { N = 400 };
    zk_point *p = points_new(N);
    zk_scalar *s = scalars_new(N);
    for (size_t i = 0; i < N; i++) {
        if (i % 3 == 0)
            zk_point_identity(&p[i]);
        else
            random_point(&p[i]);
        if (i % 5 == 0)
            zk_scalar_zero(&s[i]);
        else
            zk_scalar_random(&s[i], rng);
    }
    check_against_naive(s, p, N, 0);
    /* Only identity points: identity whatever the scalars. */
    zk_point id;
    zk_point_identity(&id);
    for (size_t i = 0; i < N; i++)
        zk_point_identity(&p[i]);
    check_all_algorithms(s, p, N, &id, 0);
    free(p);
    free(s);
}

Test(msm, repeated_points_and_cancellation)
{
    enum { N = 600 };
    zk_point *p = points_new(N);
    zk_scalar *s = scalars_new(N);
    zk_point q[3], id;
    zk_point_identity(&id);
    for (size_t k = 0; k < 3; k++)
        random_point(&q[k]);
    /* Three points repeated many times, random scalars. */
    for (size_t i = 0; i < N; i++) {
        p[i] = q[i % 3];
        zk_scalar_random(&s[i], rng);
    }
    check_against_naive(s, p, N, 0);
    /* Pairs that cancel: s*P + (-s)*P and s*P + s*(-P). */
    for (size_t i = 0; i + 1 < N; i += 2) {
        random_point(&p[i]);
        zk_scalar_random(&s[i], rng);
        if (i % 4 == 0) {
            p[i + 1] = p[i];
            zk_scalar_neg(&s[i + 1], &s[i]);
        } else {
            zk_point_neg(&p[i + 1], &p[i]);
            s[i + 1] = s[i];
        }
    }
    check_all_algorithms(s, p, N, &id, 0);
    free(p);
    free(s);
}

/* Short scalars (as in batch verification) mixed with full ones, and
 * every bit length class on its own. */
Test(msm, short_scalars_mixed_with_long)
{
    enum { N = 500 };
    const unsigned lens[] = { 1, 2, 7, 8, 9, 64, 127, 128, 129, 200, 251, 252 };
    zk_point *p = points_new(N);
    zk_scalar *s = scalars_new(N);
    for (size_t i = 0; i < N; i++)
        random_point(&p[i]);
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        for (size_t i = 0; i < N; i++) {
            if (i % 2 == 0)
                random_short_scalar(&s[i], lens[k]);
            else
                zk_scalar_random(&s[i], rng);
        }
        check_against_naive(s, p, N, 0);
        for (size_t i = 0; i < 150; i++)
            random_short_scalar(&s[i], lens[k]);
        check_against_naive(s, p, 150, 0);
    }
    /* One long scalar among many short ones, and the reverse. */
    for (size_t i = 0; i < N; i++)
        random_short_scalar(&s[i], 128);
    scalar_from_bytes(&s[N / 2], L_MINUS_1);
    check_against_naive(s, p, N, 0);
    for (size_t i = 0; i < N; i++)
        zk_scalar_random(&s[i], rng);
    zk_scalar_one(&s[7]);
    check_against_naive(s, p, N, 0);
    free(p);
    free(s);
}

Test(msm, output_may_alias_an_input_point)
{
    enum { N = 50 };
    zk_point *p = points_new(N);
    zk_scalar *s = scalars_new(N);
    zk_point want;
    for (size_t i = 0; i < N; i++) {
        random_point(&p[i]);
        zk_scalar_random(&s[i], rng);
    }
    zk_msm_naive(&want, s, p, N);
    cr_assert_eq(zk_msm(&p[0], s, p, N), 0);
    assert_point_eq(&p[0], &want, "zk_msm into points[0]", N);
    free(p);
    free(s);
}

Test(msm, invalid_arguments_are_rejected)
{
    zk_point p, out;
    zk_scalar s;
    zk_point_base(&p);
    zk_scalar_one(&s);
    cr_assert_eq(zk_msm(NULL, &s, &p, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm(&out, NULL, &p, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm(&out, &s, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_straus(NULL, &s, &p, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_straus(&out, NULL, &p, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_pippenger(&out, &s, &p, 1, ZK_MSM_MAX_WINDOW + 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_pippenger(&out, &s, NULL, 1, 0), SH_ERR_ARG);
    cr_assert_eq(zk_msm_pippenger(&out, &s, &p, 1, ZK_MSM_MAX_WINDOW), 0);
    cr_assert(zk_point_eq(&out, &p));
}

/* ---- large n ------------------------------------------------------------ */

Test(msm, large_n_against_naive)
{
    const size_t sizes[] = { 1000, 5000 };
    for (size_t k = 0; k < 2; k++) {
        size_t n = sizes[k];
        zk_point *p = points_new(n);
        zk_scalar *s = scalars_new(n);
        for (size_t i = 0; i < n; i++) {
            random_point(&p[i]);
            zk_scalar_random(&s[i], rng);
        }
        zk_point want, got;
        zk_msm_naive(&want, s, p, n);
        cr_assert_eq(zk_msm(&got, s, p, n), 0);
        assert_point_eq(&got, &want, "zk_msm", n);
        cr_assert_eq(zk_msm_pippenger(&got, s, p, n, 0), 0);
        assert_point_eq(&got, &want, "pippenger (planned windows)", n);
        free(p);
        free(s);
    }
}

/* With P_i = a_i B, sum s_i P_i = (sum s_i a_i) B.  The a_i are sums of two
 * of POOL random known scalars, so the points cost one addition each; some
 * points repeat, which the bucket method must also get right. */
static void check_linearity(size_t n, int half_short)
{
    enum { POOL = 1024 };
    zk_scalar *q = scalars_new(POOL), *a = scalars_new(n), *s = scalars_new(n);
    zk_point *qp = points_new(POOL), *p = points_new(n);
    for (size_t k = 0; k < POOL; k++) {
        zk_scalar_random(&q[k], rng);
        zk_point_mul_base(&qp[k], &q[k]);
    }
    zk_scalar sum, t;
    zk_scalar_zero(&sum);
    for (size_t i = 0; i < n; i++) {
        size_t u = sh_rng_uniform(rng, POOL), v = sh_rng_uniform(rng, POOL);
        zk_scalar_add(&a[i], &q[u], &q[v]);
        zk_point_add(&p[i], &qp[u], &qp[v]);
        if (half_short && i % 2 == 0)
            random_short_scalar(&s[i], 128);
        else
            zk_scalar_random(&s[i], rng);
        zk_scalar_mul(&t, &s[i], &a[i]);
        zk_scalar_add(&sum, &sum, &t);
    }
    zk_point want, got;
    zk_point_mul_base(&want, &sum);
    cr_assert_eq(zk_msm(&got, s, p, n), 0);
    assert_point_eq(&got, &want, "zk_msm (linearity)", n);
    /* The check itself must be able to fail: perturb one scalar. */
    zk_scalar_add(&s[n / 3], &s[n / 3], &q[0]);
    cr_assert_eq(zk_msm(&got, s, p, n), 0);
    cr_assert(!zk_point_eq(&got, &want), "a perturbed MSM still matched at n = %zu", n);
    free(q);
    free(a);
    free(s);
    free(qp);
    free(p);
}

Test(msm, large_n_linearity)
{
    check_linearity(3000, 0);
    check_linearity(3000, 1);
    /* Planned windows of 12-13 bits. */
    check_linearity(20000, 0);
    check_linearity(20000, 1);
#ifdef NDEBUG
    /* Windows of 13-14 and 14-15 bits (Release only, to bound the
     * sanitizer build's time). */
    check_linearity(70000, 0);
    check_linearity(130000, 0);
#endif
}

/* ---- zk_msm_spans: several arrays, some strided, as one MSM ------------- */

/* Cuts the n terms (s, p) into random spans, empty ones included, and lays
 * each span's points out with a random stride (junk points in between):
 * zk_msm_spans and zk_msm_spans_pool (pool may be NULL) must give want. */
static void check_spans(const zk_scalar *s, const zk_point *p, size_t n, const zk_point *want,
                        sh_pool *pool)
{
    enum { MAXSPANS = 12, MAXSTRIDE = 3 };
    zk_msm_span spans[MAXSPANS];
    zk_point *lay = points_new(n * MAXSTRIDE + 1);
    zk_point junk;
    random_point(&junk);
    size_t nspans = 1 + sh_rng_uniform(rng, MAXSPANS), at = 0, used = 0;
    for (size_t k = 0; k < nspans; k++) {
        size_t len = k + 1 == nspans ? n - at : sh_rng_uniform(rng, n - at + 1);
        size_t stride = sh_rng_uniform(rng, MAXSTRIDE + 1);   /* 0 means 1 */
        size_t step = stride == 0 ? 1 : stride;
        zk_point *base = lay + used;
        for (size_t i = 0; i < len; i++) {
            for (size_t j = 0; j < step; j++)
                base[i * step + j] = junk;
            base[i * step] = p[at + i];
        }
        spans[k].scalars = s + at;
        spans[k].points = base;
        spans[k].n = len;
        spans[k].stride = stride;
        used += len * step;
        at += len;
    }
    zk_point got;
    cr_assert_eq(zk_msm_spans(&got, spans, nspans), 0);
    assert_point_eq(&got, want, "zk_msm_spans", n);
    cr_assert_eq(zk_msm_spans_pool(&got, spans, nspans, pool), 0);
    assert_point_eq(&got, want, "zk_msm_spans_pool", n);
    free(lay);
}

Test(msm, spans_every_n_from_0_to_300_against_naive)
{
    enum { POOL = 512, MAXN = 300 };
    zk_point *pool = points_new(POOL), *p = points_new(MAXN);
    zk_scalar *s = scalars_new(MAXN);
    for (size_t i = 0; i < POOL; i++)
        random_point(&pool[i]);
    for (size_t n = 0; n <= MAXN; n++) {
        size_t start = sh_rng_uniform(rng, POOL), stride = 2 * sh_rng_uniform(rng, POOL / 2) + 1;
        for (size_t i = 0; i < n; i++) {
            /* a mix of lengths, as in batch verification */
            if (i % 3 == 0)
                random_short_scalar(&s[i], 128);
            else
                zk_scalar_random(&s[i], rng);
            p[i] = pool[(start + i * stride) % POOL];
        }
        zk_point want;
        zk_msm_naive(&want, s, p, n);
        check_spans(s, p, n, &want, NULL);
    }
    free(pool);
    free(p);
    free(s);
}

Test(msm, spans_edge_scalars)
{
    zk_scalar *s = scalars_new(700);
    size_t m = edge_scalars(s);
    zk_point *p = points_new(m);
    for (size_t i = 0; i < m; i++)
        random_point(&p[i]);
    zk_point want;
    zk_msm_naive(&want, s, p, m);
    for (int rep = 0; rep < 4; rep++)
        check_spans(s, p, m, &want, NULL);
    /* each alone, in a span of its own */
    for (size_t i = 0; i < m; i++) {
        zk_point_mul(&want, &p[i], &s[i]);
        check_spans(&s[i], &p[i], 1, &want, NULL);
    }
    free(s);
    free(p);
}

Test(msm, spans_large_n_and_pool)
{
    /* Pippenger over many spans, and pool chunks (1024 terms and more)
     * that start and end inside spans. */
    const size_t n = 6000;
    zk_point *p = points_new(n);
    zk_scalar *s = scalars_new(n);
    for (size_t i = 0; i < n; i++) {
        random_point(&p[i]);
        if (i % 2 == 0)
            random_short_scalar(&s[i], 128);
        else
            zk_scalar_random(&s[i], rng);
    }
    zk_point want;
    cr_assert_eq(zk_msm(&want, s, p, n), 0);
    sh_pool *pool = sh_pool_new(3);
    cr_assert_not_null(pool);
    for (int rep = 0; rep < 3; rep++)
        check_spans(s, p, n, &want, pool);
    sh_pool_free(pool);
    free(p);
    free(s);
}

Test(msm, spans_zero_and_identity)
{
    zk_point p[3], out;
    zk_scalar s[3];
    for (int i = 0; i < 3; i++) {
        random_point(&p[i]);
        zk_scalar_zero(&s[i]);
    }
    zk_point_base(&out);
    cr_assert_eq(zk_msm_spans(&out, NULL, 0), 0);
    cr_assert(zk_point_is_identity(&out));
    zk_msm_span sp[2] = { { s, p, 3, 1 }, { NULL, NULL, 0, 0 } };
    zk_point_base(&out);
    cr_assert_eq(zk_msm_spans(&out, sp, 2), 0);
    cr_assert(zk_point_is_identity(&out));
    zk_point_base(&out);
    cr_assert_eq(zk_msm_spans_pool(&out, sp, 2, NULL), 0);
    cr_assert(zk_point_is_identity(&out));
}

Test(msm, spans_invalid_arguments_are_rejected)
{
    zk_point p, out;
    zk_scalar s;
    zk_point_base(&p);
    zk_scalar_one(&s);
    zk_msm_span ok = { &s, &p, 1, 0 }, no_s = { NULL, &p, 1, 0 }, no_p = { &s, NULL, 1, 0 };
    cr_assert_eq(zk_msm_spans(NULL, &ok, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans(&out, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans(&out, &no_s, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans(&out, &no_p, 1), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans_pool(NULL, &ok, 1, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans_pool(&out, &no_p, 1, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_msm_spans(&out, &ok, 1), 0);
    cr_assert(zk_point_eq(&out, &p));
}
