/* tests/test_zk_edwards.c -- zk/edwards.c's Niels form and mixed addition
 * against libdecaf's own point addition.
 *
 * The mixed addition re-derives libdecaf's point_add with z2 = 1 on
 * libdecaf's field multiplication; a wrong sign, a swapped coordinate or a
 * missing bias shows up as a sum that differs from zk_point_add's.  Inputs
 * cover both ways a point reaches the MSM: decoded from bytes (z = 1, the
 * cheap path) and computed (arbitrary z, the batch inversion), the
 * identity, doubling (P + P), cancellation (P - P), and long chains of
 * additions into one accumulator, as a Pippenger bucket sees. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/edwards.h"
#include "zk/group.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(4242);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(edwards, .init = setup, .fini = teardown);

/* A random point with z = 1 (decoded from its encoding). */
static void affine_point(zk_point *p)
{
    zk_point q;
    uint8_t b[ZK_POINT_BYTES];
    tu_random_points(rng, &q, 1);
    zk_point_encode(b, &q);
    cr_assert_eq(zk_point_decode(p, b), 0);
}

/* A random point with (almost surely) z != 1: a sum of two points. */
static void projective_point(zk_point *p)
{
    zk_point q[2];
    tu_random_points(rng, q, 2);
    zk_point_add(p, &q[0], &q[1]);
}

/* got and want are the same point, checked through every coordinate:
 * libdecaf's equality reads only x and y, so the encodings (which read z
 * and t too) are compared, and so is a further addition (which reads all
 * four). */
static void check_same(const zk_point *got, const zk_point *want)
{
    uint8_t a[ZK_POINT_BYTES], b[ZK_POINT_BYTES];
    cr_assert(zk_point_eq(got, want), "the sums differ");
    zk_point_encode(a, got);
    zk_point_encode(b, want);
    cr_assert_arr_eq(a, b, ZK_POINT_BYTES, "the encodings differ");
    zk_point r, g2, w2;
    zk_point_base(&r);
    zk_point_add(&g2, got, &r);
    zk_point_add(&w2, want, &r);
    zk_point_encode(a, &g2);
    zk_point_encode(b, &w2);
    cr_assert_arr_eq(a, b, ZK_POINT_BYTES, "a further addition differs");
}

/* acc + sign * q by the mixed addition, and by the cached one, equals it
 * by libdecaf's. */
static void check_add(const zk_point *acc, const zk_point *q, int negative)
{
    zk_niels n;
    zk_cached c;
    zk_point got = *acc, got2 = *acc, want;
    cr_assert_eq(zk_niels_from_points(&n, q, 1, 1), 0);
    zk_point_add_niels(&got, &n, negative);
    zk_cached_from_points(&c, q, 1);
    zk_point_add_cached(&got2, &c, negative);
    if (negative)
        zk_point_sub(&want, acc, q);
    else
        zk_point_add(&want, acc, q);
    check_same(&got, &want);
    check_same(&got2, &want);
}

Test(edwards, sums_match_libdecaf_for_affine_and_projective_points)
{
    for (int i = 0; i < 200; i++) {
        zk_point a, b;
        if (i % 2)
            affine_point(&a);
        else
            projective_point(&a);
        if (i % 4 < 2)
            affine_point(&b);
        else
            projective_point(&b);
        check_add(&a, &b, 0);
        check_add(&a, &b, 1);
    }
}

Test(edwards, identity_doubling_and_cancellation)
{
    zk_point id, p, q, two, got;
    zk_niels n;
    zk_point_identity(&id);
    affine_point(&p);
    projective_point(&q);
    /* identity on either side */
    check_add(&id, &p, 0);
    check_add(&id, &q, 1);
    check_add(&p, &id, 0);
    check_add(&q, &id, 1);
    check_add(&id, &id, 0);
    /* P + P is the doubling */
    for (int k = 0; k < 2; k++) {
        const zk_point *x = k ? &q : &p;
        cr_assert_eq(zk_niels_from_points(&n, x, 1, 1), 0);
        got = *x;
        zk_point_add_niels(&got, &n, 0);
        zk_point_dbl(&two, x);
        check_same(&got, &two);
        /* P - P is the identity */
        got = *x;
        zk_point_add_niels(&got, &n, 1);
        cr_assert(zk_point_is_identity(&got), "P - P is not the identity");
    }
    /* the base point, and -P through the Niels form of P */
    zk_point_base(&p);
    check_add(&q, &p, 0);
    check_add(&q, &p, 1);
}

/* A bucket receives thousands of mixed additions in a row: the limbs must
 * stay within libdecaf's bounds all along, and the result stay exact. */
Test(edwards, long_chains_stay_exact)
{
    enum { N = 3000 };
    zk_point *pts = malloc(N * sizeof *pts);
    zk_niels *nl = malloc(N * sizeof *nl);
    cr_assert(pts != NULL && nl != NULL);
    for (size_t i = 0; i < N; i++) {
        if (i % 3 == 0)
            projective_point(&pts[i]);
        else
            affine_point(&pts[i]);
    }
    cr_assert_eq(zk_niels_from_points(nl, pts, N, 1), 0);
    zk_point got, want;
    zk_point_identity(&got);
    zk_point_identity(&want);
    for (size_t i = 0; i < N; i++) {
        int neg = (i * 7) % 5 == 0;
        zk_point_add_niels(&got, &nl[i], neg);
        if (neg)
            zk_point_sub(&want, &want, &pts[i]);
        else
            zk_point_add(&want, &want, &pts[i]);
    }
    check_same(&got, &want);
    free(pts);
    free(nl);
}

/* Strided input, affine and projective points interleaved (the batch
 * inversion must put each normalised point back at its own index). */
Test(edwards, strided_mixed_batches_convert_in_place)
{
    enum { N = 97, STRIDE = 3 };
    zk_point *pts = malloc(N * STRIDE * sizeof *pts);
    zk_niels *nl = malloc(N * sizeof *nl);
    cr_assert(pts != NULL && nl != NULL);
    for (size_t i = 0; i < N * STRIDE; i++) {
        if ((i / STRIDE) % 4 == 1 || (i / STRIDE) % 7 == 0)
            projective_point(&pts[i]);
        else
            affine_point(&pts[i]);
    }
    cr_assert_eq(zk_niels_from_points(nl, pts, N, STRIDE), 0);
    zk_point acc;
    projective_point(&acc);
    for (size_t i = 0; i < N; i++) {
        zk_point got = acc, want;
        zk_point_add_niels(&got, &nl[i], 0);
        zk_point_add(&want, &acc, &pts[i * STRIDE]);
        check_same(&got, &want);
    }
    /* stride 0 is taken as 1; n = 0 writes nothing */
    zk_niels one;
    cr_assert_eq(zk_niels_from_points(&one, pts, 1, 0), 0);
    cr_assert_eq(zk_niels_from_points(nl, pts, 0, 1), 0);
    free(pts);
    free(nl);
}

/* Horner's rule by the plain way: zk_point_dbl and zk_point_add by the
 * bits of v, then the next coefficient. */
static void horner_plain(zk_point *out, const zk_point *C, uint32_t t, uint32_t v)
{
    int top = 31;
    while (!(v >> top & 1))
        top--;
    zk_point acc = C[t - 1], mult;
    for (uint32_t k = t - 1; k-- > 0;) {
        mult = acc;
        for (int b = top - 1; b >= 0; b--) {
            zk_point_dbl(&acc, &acc);
            if (v >> b & 1)
                zk_point_add(&acc, &acc, &mult);
        }
        zk_point_add(&acc, &acc, &C[k]);
    }
    *out = acc;
}

static void check_horner(const zk_point *C, uint32_t t, uint32_t v)
{
    zk_niels *n = malloc(t * sizeof *n);
    cr_assert_not_null(n);
    cr_assert_eq(zk_niels_from_points(n, C, t, 1), 0);
    zk_point got, want;
    zk_edwards_horner(&got, n, t, v);
    horner_plain(&want, C, t, v);
    check_same(&got, &want);
    free(n);
}

/* c[i] affine, projective or the identity, by i mod 3. */
static void mixed_points(zk_point *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i % 3 == 0)
            affine_point(&c[i]);
        else if (i % 3 == 1)
            projective_point(&c[i]);
        else
            zk_point_identity(&c[i]);
    }
}

/* Every v up to 300 (every non-adjacent form shape: runs of ones, a top
 * digit that carries, v = 1) and some large ones, for 1 to 12 affine,
 * projective and identity coefficients. */
Test(edwards, horner_matches_doublings_and_additions)
{
    zk_point C[12];
    for (uint32_t t = 1; t <= 12; t++) {
        mixed_points(C, t);
        for (uint32_t v = 1; v <= (t <= 3 ? 300u : 40u); v++)
            check_horner(C, t, v);
        static const uint32_t big[] = { 0x7fff, 0x8000, 0xffff, 0x10000, 0x5555, 0xaaaa,
                                        0x7fffffff, 0x40000001 };
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
            check_horner(C, t, big[i]);
    }
}

/* Results at the identity along the way: C = (-vP, P) gives v P - v P = 0
 * at the end, and an all-identity polynomial stays the identity. */
Test(edwards, horner_through_the_identity)
{
    zk_point C[3], P, vP;
    for (uint32_t v = 1; v <= 70; v++) {
        affine_point(&P);
        zk_scalar s;
        zk_scalar_from_u64(&s, v);
        zk_point_mul(&vP, &P, &s);
        zk_point_neg(&C[0], &vP);
        C[1] = P;
        check_horner(C, 2, v);
        zk_point got;
        zk_niels n[2];
        cr_assert_eq(zk_niels_from_points(n, C, 2, 1), 0);
        zk_edwards_horner(&got, n, 2, v);
        cr_assert(zk_point_is_identity(&got), "v = %u", v);
        zk_point_identity(&C[0]);
        zk_point_identity(&C[1]);
        zk_point_identity(&C[2]);
        check_horner(C, 3, v);
    }
}

/* zk_points_horner_polys: m polynomials at one x are zk_points_horner on
 * each, for affine, projective and identity coefficients mixed. */
Test(edwards, horner_polys_match_one_at_a_time)
{
    enum { M = 6, T = 7 };
    zk_point C[M * T], got[M], want;
    mixed_points(C, M * T);
    static const uint32_t xs[] = { 1, 2, 13, 0xffff };
    for (uint32_t t = 1; t <= T; t += 3)
        for (size_t xi = 0; xi < sizeof xs / sizeof xs[0]; xi++) {
            /* the m polynomials of t coefficients laid out at stride t */
            zk_point P[M * T];
            for (size_t k = 0; k < M; k++)
                for (uint32_t j = 0; j < t; j++)
                    P[k * t + j] = C[k * T + j];
            cr_assert_eq(zk_points_horner_polys(got, P, M, t, xs[xi]), 0);
            for (size_t k = 0; k < M; k++) {
                cr_assert_eq(zk_points_horner(&want, &P[k * t], t, &xs[xi], 1), 0);
                check_same(&got[k], &want);
            }
        }
    cr_assert_eq(zk_points_horner_polys(got, C, 0, 3, 5), 0);
    cr_assert_eq(zk_points_horner_polys(got, C, 2, 0, 5), SH_ERR_ARG);
    cr_assert_eq(zk_points_horner_polys(got, C, 2, 3, 0), SH_ERR_ARG);
}
