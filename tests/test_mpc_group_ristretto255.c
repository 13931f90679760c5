/* tests/test_mpc_group_ristretto255.c -- MPC_RISTRETTO255 against zk/group
 * used directly and against libsodium's independent ristretto255, plus the
 * RFC 9496 vectors (generator multiples, invalid encodings). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "mpc/group.h"
#include "zk/group.h"
#include "zk/msm.h"
#include "testutil.h"

#define ROUNDS 100

static sh_rng *rng;
static mpc_group *g;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(61);
    g = mpc_group_new(MPC_RISTRETTO255, rng);
    cr_assert_not_null(g);
}

static void teardown(void)
{
    mpc_group_free(g);
    sh_rng_free(rng);
}

TestSuite(mpc_ristretto255, .init = setup, .fini = teardown);

/* mpc scalar <-> zk scalar through the encoding (not through the union,
 * so that the two representations are compared, not assumed equal). */
static void to_zk(zk_scalar *z, const mpc_scalar *s)
{
    uint8_t enc[32];
    mpc_scalar_encode(g, enc, s);
    cr_assert_eq(zk_scalar_decode(z, enc), 0);
}

static void assert_same_point(const mpc_elem *e, const zk_point *p)
{
    uint8_t a[32], b[32];
    int rc = mpc_elem_encode(g, a, e);
    zk_point_encode(b, p);
    cr_assert_arr_eq(a, b, 32);
    cr_assert_eq(rc, zk_point_is_identity(p) ? SH_ERR_IDENTITY : 0);
}

Test(mpc_ristretto255, scalars_match_zk_and_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b, r;
        zk_scalar za, zb, zr;
        uint8_t ea[32], eb[32], got[32], want[32], wide[64];
        mpc_scalar_random(g, &a, rng);
        mpc_scalar_random(g, &b, rng);
        to_zk(&za, &a);
        to_zk(&zb, &b);
        mpc_scalar_encode(g, ea, &a);
        mpc_scalar_encode(g, eb, &b);

        mpc_scalar_mul(g, &r, &a, &b);
        zk_scalar_mul(&zr, &za, &zb);
        mpc_scalar_encode(g, got, &r);
        zk_scalar_encode(want, &zr);
        cr_assert_arr_eq(got, want, 32);
        crypto_core_ristretto255_scalar_mul(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);

        mpc_scalar_sub(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ristretto255_scalar_sub(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);

        cr_assert_eq(mpc_scalar_invert(g, &r, &a), 0);
        mpc_scalar_encode(g, got, &r);
        cr_assert_eq(crypto_core_ristretto255_scalar_invert(want, ea), 0);
        cr_assert_arr_eq(got, want, 32);

        sh_rng_bytes(rng, wide, sizeof wide);
        cr_assert_eq(mpc_scalar_reduce(g, &r, wide, 64), 0);
        mpc_scalar_encode(g, got, &r);
        crypto_core_ristretto255_scalar_reduce(want, wide);
        cr_assert_arr_eq(got, want, 32);
        zk_scalar_reduce(&zr, wide, 40);
        cr_assert_eq(mpc_scalar_reduce(g, &r, wide, 40), 0);
        mpc_scalar_encode(g, got, &r);
        zk_scalar_encode(want, &zr);
        cr_assert_arr_eq(got, want, 32);
    }
}

Test(mpc_ristretto255, points_match_zk_and_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b;
        zk_scalar za, zb;
        mpc_elem pa, pb, r;
        zk_point qa, qb, q;
        uint8_t eb[32], enc_a[32], got[32], want[32];
        mpc_scalar_random(g, &a, rng);
        mpc_scalar_random(g, &b, rng);
        to_zk(&za, &a);
        to_zk(&zb, &b);
        mpc_scalar_encode(g, eb, &b);

        mpc_elem_mul_base(g, &pa, &a);
        zk_point_mul_base(&qa, &za);
        assert_same_point(&pa, &qa);
        mpc_elem_mul_base(g, &pb, &b);
        zk_point_mul_base(&qb, &zb);

        mpc_elem_add(g, &r, &pa, &pb);
        zk_point_add(&q, &qa, &qb);
        assert_same_point(&r, &q);
        mpc_elem_sub(g, &r, &pa, &pb);
        zk_point_sub(&q, &qa, &qb);
        assert_same_point(&r, &q);
        mpc_elem_neg(g, &r, &pa);
        zk_point_neg(&q, &qa);
        assert_same_point(&r, &q);

        mpc_elem_mul(g, &r, &pa, &b);
        zk_point_mul(&q, &qa, &zb);
        assert_same_point(&r, &q);
        mpc_elem_mul_vartime(g, &r, &pa, &b);
        assert_same_point(&r, &q);
        /* and libsodium's ristretto255 */
        cr_assert_eq(mpc_elem_encode(g, enc_a, &pa), 0);
        cr_assert_eq(crypto_scalarmult_ristretto255(want, eb, enc_a), 0);
        cr_assert_eq(mpc_elem_encode(g, got, &r), 0);
        cr_assert_arr_eq(got, want, 32);
    }
}

Test(mpc_ristretto255, msm_matches_zk_msm)
{
    enum { N = 40 };
    mpc_scalar *s = mpc_scalars_alloc(N);
    mpc_elem *p = mpc_elems_alloc(N);
    zk_scalar zs[N];
    zk_point *zp = zk_points_alloc(N);
    cr_assert(s && p && zp);
    for (int i = 0; i < N; i++) {
        mpc_scalar_random(g, &s[i], rng);
        mpc_scalar k;
        mpc_scalar_random(g, &k, rng);
        mpc_elem_mul_base(g, &p[i], &k);
        to_zk(&zs[i], &s[i]);
        zk_scalar kz;
        to_zk(&kz, &k);
        zk_point_mul_base(&zp[i], &kz);
    }
    mpc_elem r;
    zk_point q;
    for (size_t n = 0; n <= N; n += 7) {
        cr_assert_eq(mpc_elem_msm_vartime(g, &r, s, p, n), 0);
        cr_assert_eq(zk_msm(&q, zs, zp, n), 0);
        assert_same_point(&r, &q);
    }
    mpc_scalars_free(s, N);
    mpc_elems_free(p, N);
    zk_points_free(zp, N);
}

Test(mpc_ristretto255, rfc9496_generator_multiples)
{
    json_t *v = tu_load_vectors("rfc9496-ristretto255.json");
    json_t *m = json_object_get(v, "multiples_of_generator");
    cr_assert_eq(json_array_size(m), 16);
    mpc_elem acc, base;
    mpc_elem_identity(g, &acc);
    mpc_elem_base(g, &base);
    for (size_t i = 0; i < 16; i++) {
        uint8_t want[32], got[32];
        tu_hex(want, 32, json_string_value(json_array_get(m, i)));
        int rc = mpc_elem_encode(g, got, &acc);
        cr_assert_eq(rc, i == 0 ? SH_ERR_IDENTITY : 0);
        cr_assert_arr_eq(got, want, 32, "multiple %zu", i);
        mpc_scalar s;
        mpc_elem q, d;
        mpc_scalar_from_u64(g, &s, i);
        mpc_elem_mul_base(g, &q, &s);
        cr_assert(mpc_elem_eq(g, &q, &acc));
        /* the identity (multiple 0) is refused, the others decode */
        cr_assert_eq(mpc_elem_decode(g, &d, want), i == 0 ? SH_ERR_IDENTITY : 0);
        cr_assert(mpc_elem_eq(g, &d, &acc));
        mpc_elem_add(g, &acc, &acc, &base);
    }
    json_decref(v);
}

Test(mpc_ristretto255, rfc9496_invalid_encodings_rejected)
{
    json_t *v = tu_load_vectors("rfc9496-ristretto255.json");
    json_t *inv = json_object_get(v, "invalid_encodings");
    const char *kind;
    json_t *list;
    size_t count = 0;
    json_object_foreach(inv, kind, list) {
        for (size_t i = 0; i < json_array_size(list); i++) {
            uint8_t enc[32];
            mpc_elem e;
            tu_hex(enc, 32, json_string_value(json_array_get(list, i)));
            cr_assert_eq(mpc_elem_decode(g, &e, enc), SH_ERR_POINT, "%s #%zu", kind, i);
            cr_assert(mpc_elem_is_identity(g, &e));
            count++;
        }
    }
    cr_assert_eq(count, 29);
    json_decref(v);
}

Test(mpc_ristretto255, scalar_decode_strict)
{
    uint8_t s[32];
    mpc_scalar d;
    memcpy(s, tu_L, 32);
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    s[0]--;
    cr_assert_eq(mpc_scalar_decode(g, &d, s), 0);
    memset(s, 0xff, 32);
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    cr_assert(mpc_scalar_is_zero(g, &d));
}
