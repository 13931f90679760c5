/* tests/test_zk_dblenc.c -- zk/dblenc.c's double-and-encode against
 * libdecaf's doubling and encoder.
 *
 * Every byte of every encoding must be zk_point_encode's, for points in
 * every representative a computation leaves them in: decoded (z = 1),
 * sums, scalar multiples, the identity (which takes the slow path) and
 * the torsion translates of one element, in blocks of every length
 * around the block size. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/dblenc.h"
#include "zk/hint.h"
#include "zk/group.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(2515);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(dblenc, .init = setup, .fini = teardown);

static void check(const zk_point *q, size_t n)
{
    uint8_t *enc = malloc(32 * n + 1), want[32];
    zk_point *dbl = malloc(n * sizeof *dbl + 1), w;
    cr_assert(enc != NULL && dbl != NULL);
    zk_points_double_encode(enc, dbl, q, n);
    for (size_t i = 0; i < n; i++) {
        zk_point_dbl(&w, &q[i]);
        zk_point_encode(want, &w);
        cr_assert_arr_eq(enc + 32 * i, want, 32, "encoding %zu of %zu differs", i, n);
        cr_assert(zk_point_eq(&dbl[i], &w), "double %zu differs", i);
    }
    free(enc);
    free(dbl);
}

Test(dblenc, random_points_in_blocks_of_every_size)
{
    enum { N = 200 };
    zk_point *q = malloc(N * sizeof *q);
    cr_assert(q != NULL);
    tu_random_points(rng, q, N);
    for (size_t i = 0; i + 1 < N; i += 2)
        zk_point_add(&q[i], &q[i], &q[i + 1]);      /* projective */
    static const size_t sizes[] = { 0, 1, 2, 63, 64, 65, 128, 129, N };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        check(q, sizes[k]);
    free(q);
}

Test(dblenc, decoded_points_and_the_base)
{
    zk_point q[40];
    uint8_t b[32];
    tu_random_points(rng, q, 40);
    for (size_t i = 0; i < 40; i++) {
        zk_point_encode(b, &q[i]);
        cr_assert_eq(zk_point_decode(&q[i], b), 0);
    }
    zk_point_base(&q[0]);
    check(q, 40);
}

/* The identity (alone and amid others: the slow path must not disturb the
 * block's shared inversion) and a point of order 2 away from it. */
Test(dblenc, identity_and_small_order_representatives)
{
    zk_point q[10];
    tu_random_points(rng, q, 10);
    zk_point_identity(&q[0]);
    zk_point_identity(&q[5]);
    check(q, 1);
    check(q, 10);
    /* (0, -1): the identity's other representative */
    zk_point id;
    zk_point_identity(&id);
    tu_torsion_translate(&q[3], &id, 1);
    check(q, 10);
}

/* (x, y), (-x, -y), (i y, i x) with -t, and (-i y, -i x) with -t: the
 * four representatives of one element, which double to the same element
 * and so to the same encoding. */
Test(dblenc, torsion_translates)
{
    zk_point q[4 * 8];
    tu_random_points(rng, q, 8);
    for (size_t k = 0; k < 8; k++)
        for (int r = 1; r < 4; r++) {
            tu_torsion_translate(&q[8 * r + k], &q[k], r);
            cr_assert(decaf_255_point_valid(&q[8 * r + k].v));
        }
    check(q, 32);
}

/* zk_points_mul_base_publish: the products, encodings and hints of the
 * plain computations, for random scalars, 0, 1 and -1, in blocks around
 * the block size; and the hints decode. */
Test(dblenc, mul_base_publish_matches_the_plain_computations)
{
    enum { N = 70 };
    zk_scalar *s = malloc(N * sizeof *s);
    zk_point *out = malloc(N * sizeof *out), w, back;
    uint8_t *enc = malloc(32 * N), *hints = malloc(32 * N), want[32];
    cr_assert(s != NULL && out != NULL && enc != NULL && hints != NULL);
    for (size_t i = 0; i < N; i++)
        zk_scalar_random(&s[i], rng);
    zk_scalar_zero(&s[0]);
    zk_scalar_one(&s[1]);
    zk_scalar_neg(&s[2], &s[1]);
    static const size_t sizes[] = { 0, 1, 3, 64, 65, N };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        memset(enc, 0xaa, 32 * N);
        cr_assert_eq(zk_points_mul_base_publish(out, enc, k & 1 ? hints : NULL, s, n), SH_OK);
        for (size_t i = 0; i < n; i++) {
            zk_point_mul_base(&w, &s[i]);
            zk_point_encode(want, &w);
            cr_assert(zk_point_eq(&out[i], &w), "product %zu of %zu differs", i, n);
            cr_assert_arr_eq(enc + 32 * i, want, 32, "encoding %zu of %zu differs", i, n);
            if (!(k & 1) || i == 0)
                continue;   /* the identity's hint is of no use: it is never sent */
            int ok = 0;
            cr_assert_eq(zk_point_decode_hinted(&back, enc + 32 * i, hints + 32 * i, &ok), SH_OK);
            cr_assert(ok, "hint %zu of %zu is not taken", i, n);
            cr_assert(zk_point_eq(&back, &w));
        }
    }
    free(s);
    free(out);
    free(enc);
    free(hints);
}

/* n >= 14 points for the encoders' tests: random ones, every third a
 * projective sum, a decoded one (z = 1) at 4, the base at 6, the identity
 * at 7 and its other torsion representative at 8, and p[10]'s three other
 * representatives at 11..13. */
static void special_points(zk_point *p, size_t n)
{
    uint8_t enc[32];
    zk_point t;
    tu_random_points(rng, p, n);
    for (size_t i = 0; i + 1 < n; i += 3)
        zk_point_add(&p[i], &p[i], &p[i + 1]);      /* projective */
    zk_point_encode(enc, &p[5]);
    cr_assert_eq(zk_point_decode(&p[4], enc), SH_OK);  /* z = 1 */
    zk_point_base(&p[6]);
    zk_point_identity(&p[7]);
    zk_point_identity(&t);
    tu_torsion_translate(&p[8], &t, 1);              /* the identity's other one */
    for (int r = 1; r < 4; r++)                      /* p[10]'s other representatives */
        tu_torsion_translate(&p[10 + r], &p[10], r);
}

/* zk_points_x25519_u: libdecaf's X25519 encoding, byte for byte, for
 * random points (projective sums too), decoded points, the base, torsion
 * translates and the identity (libdecaf's path), in blocks of every size
 * around the block size. */
Test(dblenc, x25519_u_matches_libdecaf)
{
    enum { N = 140 };
    zk_point *p = malloc(N * sizeof *p);
    uint8_t *out = malloc(32 * N), want[32];
    cr_assert(p != NULL && out != NULL);
    special_points(p, N);
    static const size_t sizes[] = { 0, 1, 10, 64, 65, 129, N };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        zk_points_x25519_u(out, p, n);
        for (size_t i = 0; i < n; i++) {
            decaf_255_point_mul_by_ratio_and_encode_like_x25519(want, &p[i].v);
            cr_assert_arr_eq(out + 32 * i, want, 32, "point %zu of %zu differs", i, n);
        }
    }
    free(p);
    free(out);
}

/* zk_points_to_ed25519: libdecaf's EdDSA encoding (zk_point_to_ed25519),
 * byte for byte, on the same kinds of points as above plus points decoded
 * from Ed25519 encodings (zk_point_from_ed25519, whose z is not 1), in
 * blocks of every size around the block size. */
Test(dblenc, to_ed25519_matches_libdecaf)
{
    enum { N = 140 };
    zk_point *p = malloc(N * sizeof *p);
    uint8_t *out = malloc(32 * N), want[32], enc[32];
    cr_assert(p != NULL && out != NULL);
    special_points(p, N);
    for (size_t i = 20; i < 30; i++) {               /* from Ed25519 encodings */
        zk_point_to_ed25519(enc, &p[i + 30]);
        cr_assert_eq(zk_point_from_ed25519(&p[i], enc), SH_OK);
    }
    static const size_t sizes[] = { 0, 1, 10, 64, 65, 129, N };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        zk_points_to_ed25519(out, p, n);
        for (size_t i = 0; i < n; i++) {
            zk_point_to_ed25519(want, &p[i]);
            cr_assert_arr_eq(out + 32 * i, want, 32, "point %zu of %zu differs", i, n);
        }
    }
    free(p);
    free(out);
}

/* ---- affine EdDSA coordinates ------------------------------------------- */

#include "zk/fe.h"

/* Internal points equal as projective points (not only as ristretto255
 * elements): X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1. */
static int same_point(const zk_point *a, const zk_point *b)
{
    uint64_t l[5], r[5];
    gf_25519_mul(l, a->v.x->limb, b->v.z->limb);
    gf_25519_mul(r, b->v.x->limb, a->v.z->limb);
    if (!fe_eq(l, r))
        return 0;
    gf_25519_mul(l, a->v.y->limb, b->v.z->limb);
    gf_25519_mul(r, b->v.y->limb, a->v.z->limb);
    return fe_eq(l, r);
}

/* zk_points_to_ed25519_xy writes zk_point_to_ed25519's encodings and the
 * coordinates they encode; zk_point_from_ed25519_xy of those coordinates
 * (and of points with every torsion component, by libsodium's addition)
 * is exactly the point zk_point_from_ed25519 decodes; coordinates that
 * are not canonical or not on the curve are refused. */
Test(dblenc, ed25519_affine_coordinates)
{
    static const char *SMALL[8] = {
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    };
    enum { N = 70 };
    zk_point *p = malloc(N * sizeof *p);
    uint8_t *enc = malloc(32 * N), *xy = malloc(64 * N), want[32];
    cr_assert(p != NULL && enc != NULL && xy != NULL);
    tu_random_points(rng, p, N);
    zk_point_identity(&p[3]);
    zk_points_to_ed25519_xy(enc, xy, p, N);
    for (size_t i = 0; i < N; i++) {
        zk_point_to_ed25519(want, &p[i]);
        cr_assert_arr_eq(enc + 32 * i, want, 32, "encoding %zu", i);
        uint8_t c[64];
        cr_assert_eq(tu_ed25519_coords(c, want), 0);
        cr_assert_arr_eq(xy + 64 * i, c, 64, "coordinates %zu", i);
    }
    zk_points_to_ed25519_xy(NULL, xy, p, 2);          /* either output alone */
    zk_points_to_ed25519_xy(enc, NULL, p, 2);
    /* from the coordinates: the point the encoding decodes to, for these
     * and for each plus every small-order point */
    for (size_t i = 0; i < N; i += (i < 8 ? 1 : 9)) {
        for (int s = -1; s < 8; s++) {
            uint8_t e[32], c[64], t[32];
            memcpy(e, enc + 32 * i, 32);
            if (s >= 0) {
                tu_hex(t, 32, SMALL[s]);
                if (crypto_core_ed25519_add(e, enc + 32 * i, t) != 0)
                    continue;                          /* libsodium refuses some */
            }
            cr_assert_eq(tu_ed25519_coords(c, e), 0);
            zk_point a, b;
            int ra = zk_point_from_ed25519(&a, e), rb = zk_point_from_ed25519_xy(&b, c);
            cr_assert_eq(rb, ra, "point %zu + T%d", i, s);
            cr_assert(same_point(&a, &b), "point %zu + T%d: another point", i, s);
        }
    }
    /* refused: x + p and y + p (not canonical), y off by one (off the
     * curve), bit 255 of x set */
    uint8_t c[64];
    memcpy(c, xy + 64 * 5, 64);
    zk_point b;
    c[32] ^= 1;
    cr_assert_eq(zk_point_from_ed25519_xy(&b, c), SH_ERR_POINT);
    memcpy(c, xy + 64 * 5, 64);
    c[31] |= 0x80;
    cr_assert_eq(zk_point_from_ed25519_xy(&b, c), SH_ERR_POINT);
    static const uint8_t P[32] = {
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    };
    memset(c, 0, 64);
    memcpy(c, P, 32);                     /* x = p, y = 0: x would be 0 */
    c[32] = 1;                            /* (p, 1): the identity, not canonical */
    cr_assert_eq(zk_point_from_ed25519_xy(&b, c), SH_ERR_POINT);
    memset(c, 0, 64);
    c[32] = 1;                            /* (0, 1): the identity */
    cr_assert_eq(zk_point_from_ed25519_xy(&b, c), SH_OK);
    cr_assert(zk_point_is_identity(&b));
    free(p);
    free(enc);
    free(xy);
}
