/* tests/test_mpc_group_elem.c -- mpc/group elements, the laws every group
 * must obey, run on all three: group laws, identity handling (arithmetic,
 * encoding, decoding), encode/decode round trips, random-byte decoding,
 * the MSM, and the arrays.  Scalars are in test_mpc_group.c; the
 * group-specific cross-checks and adversarial encodings in
 * test_mpc_group_{ristretto255,ed25519,secp256k1}.c. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "mpc/group.h"
#include "testutil.h"
#include "group_fixture.h"

#define ROUNDS 100


static sh_rng *rng;
static mpc_group *groups[TU_NGROUPS];

static void setup(void)
{
    tu_groups_new(&rng, groups, 32);
}

static void teardown(void)
{
    tu_groups_free(rng, groups);
}

TestSuite(mpc_group_elem, .init = setup, .fini = teardown);

/* ---- elements ----------------------------------------------------------- */

static void random_elem(const mpc_group *g, mpc_elem *e)
{
    mpc_scalar s;
    mpc_scalar_random(g, &s, rng);
    mpc_elem_mul_base(g, e, &s);
}

static void assert_identity_encoding(const mpc_group *g, const mpc_elem *e)
{
    uint8_t enc[MPC_ELEM_MAX_BYTES];
    memset(enc, 0xaa, sizeof enc);
    cr_assert(mpc_elem_is_identity(g, e), "%s: not the identity", mpc_group_name(g));
    cr_assert_eq(mpc_elem_encode(g, enc, e), SH_ERR_IDENTITY);
    cr_assert(sodium_is_zero(enc, mpc_group_elem_bytes(g)));
}

Test(mpc_group_elem, identity_everywhere)
{
    FOR_EACH_GROUP(g) {
        mpc_elem id, p, q, r;
        mpc_scalar zero, s;
        uint8_t enc[MPC_ELEM_MAX_BYTES];
        mpc_elem_identity(g, &id);
        assert_identity_encoding(g, &id);
        /* its encoding (zeros) does not decode */
        memset(enc, 0, sizeof enc);
        cr_assert_eq(mpc_elem_decode(g, &r, enc), SH_ERR_IDENTITY);
        cr_assert(mpc_elem_is_identity(g, &r));
        random_elem(g, &p);
        cr_assert(!mpc_elem_is_identity(g, &p));
        cr_assert(!mpc_elem_eq(g, &p, &id));
        cr_assert(!mpc_elem_eq(g, &id, &p));
        cr_assert(mpc_elem_eq(g, &id, &id));
        /* P + O = O + P = P, P - O = P, O - P = -P, -O = O */
        mpc_elem_add(g, &r, &p, &id);
        cr_assert(mpc_elem_eq(g, &r, &p));
        mpc_elem_add(g, &r, &id, &p);
        cr_assert(mpc_elem_eq(g, &r, &p));
        mpc_elem_sub(g, &r, &p, &id);
        cr_assert(mpc_elem_eq(g, &r, &p));
        mpc_elem_sub(g, &r, &id, &p);
        mpc_elem_neg(g, &q, &p);
        cr_assert(mpc_elem_eq(g, &r, &q));
        mpc_elem_neg(g, &r, &id);
        assert_identity_encoding(g, &r);
        mpc_elem_add(g, &r, &id, &id);
        assert_identity_encoding(g, &r);
        /* P + (-P) = P - P = O */
        mpc_elem_add(g, &r, &p, &q);
        assert_identity_encoding(g, &r);
        mpc_elem_sub(g, &r, &p, &p);
        assert_identity_encoding(g, &r);
        /* 0 * P = s * O = 0 * O = 0 * B = O, in all three multiplications */
        mpc_scalar_zero(g, &zero);
        mpc_scalar_random(g, &s, rng);
        mpc_elem_mul(g, &r, &p, &zero);
        assert_identity_encoding(g, &r);
        mpc_elem_mul(g, &r, &id, &s);
        assert_identity_encoding(g, &r);
        mpc_elem_mul(g, &r, &id, &zero);
        assert_identity_encoding(g, &r);
        mpc_elem_mul_vartime(g, &r, &p, &zero);
        assert_identity_encoding(g, &r);
        mpc_elem_mul_vartime(g, &r, &id, &s);
        assert_identity_encoding(g, &r);
        mpc_elem_mul_base(g, &r, &zero);
        assert_identity_encoding(g, &r);
        /* and the identity computed in different ways is one element */
        mpc_elem_mul_base(g, &q, &zero);
        mpc_elem_sub(g, &r, &p, &p);
        cr_assert(mpc_elem_eq(g, &q, &r));
        cr_assert(mpc_elem_eq(g, &q, &id));
    }
}

Test(mpc_group_elem, element_group_laws)
{
    FOR_EACH_GROUP(g) {
        mpc_elem base;
        mpc_elem_base(g, &base);
        for (int i = 0; i < 30; i++) {
            mpc_scalar a, b, c, one, qm1;
            mpc_elem pa, pb, x, y, z;
            mpc_scalar_random(g, &a, rng);
            mpc_scalar_random(g, &b, rng);
            mpc_scalar_one(g, &one);
            mpc_scalar_neg(g, &qm1, &one);
            mpc_elem_mul_base(g, &pa, &a);
            mpc_elem_mul_base(g, &pb, &b);
            /* mul_base = mul(B) = mul_vartime(B) */
            mpc_elem_mul(g, &x, &base, &a);
            cr_assert(mpc_elem_eq(g, &x, &pa), "%s: mul_base != mul(B)", mpc_group_name(g));
            mpc_elem_mul_vartime(g, &x, &base, &a);
            cr_assert(mpc_elem_eq(g, &x, &pa));
            /* aB + bB = (a + b)B, aB - bB = (a - b)B */
            mpc_scalar_add(g, &c, &a, &b);
            mpc_elem_mul_base(g, &x, &c);
            mpc_elem_add(g, &y, &pa, &pb);
            cr_assert(mpc_elem_eq(g, &x, &y));
            mpc_elem_add(g, &y, &pb, &pa);
            cr_assert(mpc_elem_eq(g, &x, &y));
            mpc_scalar_sub(g, &c, &a, &b);
            mpc_elem_mul_base(g, &x, &c);
            mpc_elem_sub(g, &y, &pa, &pb);
            cr_assert(mpc_elem_eq(g, &x, &y));
            /* b(aB) = (ab)B, by mul and mul_vartime */
            mpc_scalar_mul(g, &c, &a, &b);
            mpc_elem_mul_base(g, &x, &c);
            mpc_elem_mul(g, &y, &pa, &b);
            cr_assert(mpc_elem_eq(g, &x, &y));
            mpc_elem_mul_vartime(g, &z, &pa, &b);
            cr_assert(mpc_elem_eq(g, &x, &z));
            /* 1P = P, (q-1)P = -P, -(-P) = P, 2P = P + P */
            mpc_elem_mul(g, &x, &pa, &one);
            cr_assert(mpc_elem_eq(g, &x, &pa));
            mpc_elem_mul(g, &x, &pa, &qm1);
            mpc_elem_neg(g, &y, &pa);
            cr_assert(mpc_elem_eq(g, &x, &y));
            mpc_elem_mul_vartime(g, &x, &pa, &qm1);
            cr_assert(mpc_elem_eq(g, &x, &y));
            mpc_elem_neg(g, &y, &y);
            cr_assert(mpc_elem_eq(g, &y, &pa));
            mpc_scalar two;
            mpc_scalar_from_u64(g, &two, 2);
            mpc_elem_mul(g, &x, &pa, &two);
            mpc_elem_add(g, &y, &pa, &pa);
            cr_assert(mpc_elem_eq(g, &x, &y));
            /* associativity: (P + Q) + R = P + (Q + R) */
            mpc_elem pc;
            random_elem(g, &pc);
            mpc_elem_add(g, &x, &pa, &pb);
            mpc_elem_add(g, &x, &x, &pc);
            mpc_elem_add(g, &y, &pb, &pc);
            mpc_elem_add(g, &y, &pa, &y);
            cr_assert(mpc_elem_eq(g, &x, &y));
            /* aliasing: out = in */
            x = pa;
            mpc_elem_add(g, &x, &x, &x);
            mpc_elem_mul(g, &y, &pa, &two);
            cr_assert(mpc_elem_eq(g, &x, &y));
            x = pa;
            mpc_elem_mul(g, &x, &x, &b);
            mpc_elem_mul_vartime(g, &y, &pa, &b);
            cr_assert(mpc_elem_eq(g, &x, &y));
            x = pa;
            mpc_elem_neg(g, &x, &x);
            mpc_elem_add(g, &x, &x, &pa);
            assert_identity_encoding(g, &x);
        }
    }
}

Test(mpc_group_elem, element_encode_decode_round_trip)
{
    FOR_EACH_GROUP(g) {
        size_t nb = mpc_group_elem_bytes(g);
        for (int i = 0; i < ROUNDS; i++) {
            mpc_elem p, d;
            uint8_t enc[MPC_ELEM_MAX_BYTES], enc2[MPC_ELEM_MAX_BYTES];
            random_elem(g, &p);
            cr_assert_eq(mpc_elem_encode(g, enc, &p), 0);
            cr_assert(!sodium_is_zero(enc, nb));
            cr_assert_eq(mpc_elem_decode(g, &d, enc), 0);
            cr_assert(mpc_elem_eq(g, &d, &p));
            cr_assert_eq(mpc_elem_encode(g, enc2, &d), 0);
            cr_assert_arr_eq(enc, enc2, nb);
            /* -P decodes to the negation */
            mpc_elem_neg(g, &p, &p);
            cr_assert_eq(mpc_elem_encode(g, enc, &p), 0);
            cr_assert_eq(mpc_elem_decode(g, &d, enc), 0);
            cr_assert(mpc_elem_eq(g, &d, &p));
        }
        /* the base point round-trips */
        mpc_elem b, d;
        uint8_t enc[MPC_ELEM_MAX_BYTES];
        mpc_elem_base(g, &b);
        cr_assert_eq(mpc_elem_encode(g, enc, &b), 0);
        cr_assert_eq(mpc_elem_decode(g, &d, enc), 0);
        cr_assert(mpc_elem_eq(g, &d, &b));
    }
}

/* Random bytes: most are rejected, and whatever is accepted is a
 * prime-order element: (q - 1)P + P = O, and P is not the identity. */
Test(mpc_group_elem, element_decode_random_bytes)
{
    FOR_EACH_GROUP(g) {
        size_t nb = mpc_group_elem_bytes(g);
        int accepted = 0;
        for (int i = 0; i < 300; i++) {
            uint8_t enc[MPC_ELEM_MAX_BYTES];
            mpc_elem p, x;
            sh_rng_bytes(rng, enc, nb);
            if (mpc_group_id_of(g) == MPC_SECP256K1)
                enc[0] = (uint8_t)(2 + (enc[0] & 1));     /* a valid prefix */
            int rc = mpc_elem_decode(g, &p, enc);
            if (rc != 0) {
                cr_assert_eq(rc, SH_ERR_POINT);
                cr_assert(mpc_elem_is_identity(g, &p), "failed decode must leave the identity");
                continue;
            }
            accepted++;
            mpc_scalar one, qm1;
            mpc_scalar_one(g, &one);
            mpc_scalar_neg(g, &qm1, &one);
            mpc_elem_mul_vartime(g, &x, &p, &qm1);
            mpc_elem_add(g, &x, &x, &p);
            cr_assert(mpc_elem_is_identity(g, &x));
            uint8_t back[MPC_ELEM_MAX_BYTES];
            cr_assert_eq(mpc_elem_encode(g, back, &p), 0);
            cr_assert_arr_eq(back, enc, nb);
        }
        /* Ed25519 accepts about 1/16 of random strings (half are on the
         * curve, 1/8 of those in the prime-order subgroup), ristretto255
         * about 1/8, secp256k1 (with a valid prefix) about half. */
        cr_assert_gt(accepted, 3, "%s accepted %d", mpc_group_name(g), accepted);
        cr_assert_lt(accepted, 250);
    }
}

/* msm against the sum of single products, for n = 0..20 (Straus in the
 * zk_msm-backed groups) and 33, 70, 150 (Pippenger), with zero scalars and
 * identity points mixed in, and with terms that cancel. */
Test(mpc_group_elem, msm_matches_sum_of_products)
{
    static const size_t big[] = { 33, 70, 150 };
    FOR_EACH_GROUP(g) {
        for (size_t k = 0; k <= 20 + sizeof big / sizeof big[0]; k++) {
            size_t n = k <= 20 ? k : big[k - 21];
            mpc_scalar *s = mpc_scalars_alloc(n + 1);
            mpc_elem *p = mpc_elems_alloc(n + 1);
            cr_assert_not_null(s);
            cr_assert_not_null(p);
            mpc_elem want, got, t;
            mpc_elem_identity(g, &want);
            for (size_t i = 0; i < n; i++) {
                mpc_scalar_random(g, &s[i], rng);
                random_elem(g, &p[i]);
                if (i % 7 == 2)
                    mpc_scalar_zero(g, &s[i]);
                if (i % 5 == 4)
                    mpc_elem_identity(g, &p[i]);
                if (i % 6 == 5)
                    mpc_scalar_from_u64(g, &s[i], i);
                mpc_elem_mul(g, &t, &p[i], &s[i]);
                mpc_elem_add(g, &want, &want, &t);
            }
            cr_assert_eq(mpc_elem_msm_vartime(g, &got, s, p, n), 0);
            cr_assert(mpc_elem_eq(g, &got, &want), "%s: msm n=%zu", mpc_group_name(g), n);
            if (n == 0)
                assert_identity_encoding(g, &got);
            /* add a term that cancels the whole sum: -1 * (sum) */
            mpc_scalar_one(g, &s[n]);
            mpc_scalar_neg(g, &s[n], &s[n]);
            p[n] = want;
            cr_assert_eq(mpc_elem_msm_vartime(g, &got, s, p, n + 1), 0);
            assert_identity_encoding(g, &got);
            mpc_scalars_free(s, n + 1);
            mpc_elems_free(p, n + 1);
        }
        /* n = 0 with NULL arrays; NULL out */
        mpc_elem got;
        random_elem(g, &got);
        cr_assert_eq(mpc_elem_msm_vartime(g, &got, NULL, NULL, 0), 0);
        assert_identity_encoding(g, &got);
        cr_assert_eq(mpc_elem_msm_vartime(g, NULL, NULL, NULL, 0), SH_ERR_ARG);
        cr_assert_eq(mpc_elem_msm_vartime(g, &got, NULL, NULL, 1), SH_ERR_ARG);
    }
}

/* The same input twice: P, P, -P, ... (libsecp256k1's combine must cope
 * with doublings and cancellation in the middle of the sum). */
Test(mpc_group_elem, msm_repeated_and_cancelling_terms)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar s[4];
        mpc_elem p[4], want, got, x;
        random_elem(g, &x);
        mpc_scalar_random(g, &s[0], rng);
        s[1] = s[0];
        mpc_scalar_neg(g, &s[2], &s[0]);
        mpc_scalar_from_u64(g, &s[3], 3);
        for (int i = 0; i < 4; i++)
            p[i] = x;
        /* s0 + s0 - s0 + 3 = s0 + 3 */
        mpc_scalar t, three;
        mpc_scalar_from_u64(g, &three, 3);
        mpc_scalar_add(g, &t, &s[0], &three);
        mpc_elem_mul(g, &want, &x, &t);
        cr_assert_eq(mpc_elem_msm_vartime(g, &got, s, p, 4), 0);
        cr_assert(mpc_elem_eq(g, &got, &want));
        /* P, -P first: partial sum at infinity, then more terms */
        mpc_scalar_neg(g, &s[1], &s[0]);
        mpc_scalar_from_u64(g, &s[2], 0);
        mpc_elem_mul(g, &want, &x, &three);
        cr_assert_eq(mpc_elem_msm_vartime(g, &got, s, p, 4), 0);
        cr_assert(mpc_elem_eq(g, &got, &want));
    }
}

/* Sums with the base point among the terms (secp256k1 pairs it with
 * another term in one ecdsa_recover): the base alone, with one point, with
 * a point whose term cancels it, with a zero scalar on the partner, with a
 * partner at infinity, with the base twice and with the base as the
 * partner's negation; each against the sum of single products. */
Test(mpc_group_elem, msm_with_the_base_point)
{
    FOR_EACH_GROUP(g) {
        for (int c = 0; c < 9; c++) {
            mpc_scalar s[4];
            mpc_elem p[4], want, got, t;
            size_t n = c == 0 ? 1 : c < 7 ? 2 : 4;
            mpc_elem_base(g, &p[0]);
            for (size_t i = 0; i < 4; i++) {
                mpc_scalar_random(g, &s[i], rng);
                if (i > 0)
                    random_elem(g, &p[i]);
            }
            if (c == 2) {             /* a G + b (-(a/b) G) = 0 */
                mpc_scalar bi, r;
                cr_assert_eq(mpc_scalar_invert(g, &bi, &s[1]), 0);
                mpc_scalar_mul(g, &r, &s[0], &bi);
                mpc_scalar_neg(g, &r, &r);
                mpc_elem_mul_base(g, &p[1], &r);
            }
            if (c == 3)
                mpc_scalar_zero(g, &s[1]);
            if (c == 4)
                mpc_elem_identity(g, &p[1]);
            if (c == 5)
                mpc_elem_base(g, &p[1]);          /* G twice */
            if (c == 6)
                mpc_elem_neg(g, &p[1], &p[0]);    /* -G */
            if (c == 7) {                         /* the base last */
                mpc_elem_base(g, &p[3]);
                random_elem(g, &p[0]);
            }
            if (c == 8)
                mpc_scalar_zero(g, &s[0]);        /* zero on the base */
            mpc_elem_identity(g, &want);
            for (size_t i = 0; i < n; i++) {
                mpc_elem_mul(g, &t, &p[i], &s[i]);
                mpc_elem_add(g, &want, &want, &t);
            }
            cr_assert_eq(mpc_elem_msm_vartime(g, &got, s, p, n), 0);
            cr_assert(mpc_elem_eq(g, &got, &want), "%s: case %d", mpc_group_name(g), c);
            if (c == 2)
                assert_identity_encoding(g, &got);
        }
    }
}

/* mpc_elems_mul_base_publish: in every group the products, encodings and
 * hints of mpc_elem_mul_base, mpc_elem_encode and mpc_elems_hints, the
 * zero scalar (the identity, zero bytes) included; the hints decode. */
Test(mpc_group_elem, mul_base_publish_matches_the_plain_computations)
{
    enum { N = 6 };
    FOR_EACH_GROUP(g) {
        const size_t b = mpc_group_elem_bytes(g), h = mpc_group_hint_bytes(g);
        mpc_scalar s[N];
        mpc_elem out[N], want, back;
        uint8_t enc[N * MPC_ELEM_MAX_BYTES], hints[N * MPC_HINT_MAX_BYTES], we[MPC_ELEM_MAX_BYTES],
            wh[MPC_HINT_MAX_BYTES];
        for (size_t i = 0; i < N; i++)
            mpc_scalar_random(g, &s[i], rng);
        mpc_scalar_zero(g, &s[2]);
        mpc_scalar_one(g, &s[3]);
        for (size_t n = 0; n <= N; n++) {
            memset(enc, 0xaa, sizeof enc);
            cr_assert_eq(mpc_elems_mul_base_publish(g, out, enc, hints, s, n), 0);
            for (size_t i = 0; i < n; i++) {
                mpc_elem_mul_base(g, &want, &s[i]);
                cr_assert(mpc_elem_eq(g, &out[i], &want), "%s: product %zu", mpc_group_name(g), i);
                (void)mpc_elem_encode(g, we, &want);
                cr_assert_arr_eq(enc + b * i, we, b, "%s: encoding %zu", mpc_group_name(g), i);
                if (i == 2 || h == 0)
                    continue;
                cr_assert_eq(mpc_elems_hints(g, wh, &want, we, 1), 0);
                cr_assert_arr_eq(hints + h * i, wh, h, "%s: hint %zu", mpc_group_name(g), i);
                cr_assert_eq(mpc_elem_decode_hinted(g, &back, enc + b * i, hints + h * i), 0);
                cr_assert(mpc_elem_eq(g, &back, &want));
            }
            if (n > 2)
                assert_identity_encoding(g, &out[2]);
        }
    }
}

/* mpc_elems_decode_hinted: in every group a block of published elements
 * decodes to them with their hints, with a spoilt hint (which only costs
 * speed), without hints, and in blocks of 1 and of all; an encoding that
 * does not decode makes the block fail with mpc_elem_decode's error. */
Test(mpc_group_elem, block_hinted_decode_matches_single_decodes)
{
    enum { N = 7 };
    FOR_EACH_GROUP(g) {
        const size_t b = mpc_group_elem_bytes(g), h = mpc_group_hint_bytes(g);
        mpc_scalar s[N];
        mpc_elem want[N], got[N];
        uint8_t enc[N * MPC_ELEM_MAX_BYTES], hints[N * MPC_HINT_MAX_BYTES];
        for (size_t i = 0; i < N; i++)
            mpc_scalar_random(g, &s[i], rng);
        cr_assert_eq(mpc_elems_mul_base_publish(g, want, enc, hints, s, N), 0);
        for (int spoil = 0; spoil < 2; spoil++) {
            if (spoil && h > 0)
                hints[h * 2] ^= 0x01;                      /* element 2's hint */
            const uint8_t *hs = h > 0 ? hints : NULL;
            cr_assert_eq(mpc_elems_decode_hinted(g, got, enc, hs, N), 0, "%s", mpc_group_name(g));
            for (size_t i = 0; i < N; i++)
                cr_assert(mpc_elem_eq(g, &got[i], &want[i]), "%s: element %zu (spoilt %d)",
                          mpc_group_name(g), i, spoil);
            for (size_t i = 0; i < N; i++) {
                cr_assert_eq(mpc_elems_decode_hinted(g, &got[i], enc + b * i,
                                                     hs != NULL ? hs + h * i : NULL, 1), 0);
                cr_assert(mpc_elem_eq(g, &got[i], &want[i]));
            }
        }
        cr_assert_eq(mpc_elems_decode_hinted(g, got, enc, NULL, N), 0);
        for (size_t i = 0; i < N; i++)
            cr_assert(mpc_elem_eq(g, &got[i], &want[i]));
        cr_assert_eq(mpc_elems_decode_hinted(g, got, enc, NULL, 0), 0);
        /* element 4 not an encoding */
        memset(enc + b * 4, 0xff, b);
        mpc_elem x;
        int plain = mpc_elem_decode(g, &x, enc + b * 4);
        cr_assert_neq(plain, 0);
        cr_assert_eq(mpc_elems_decode_hinted(g, got, enc, h > 0 ? hints : NULL, N), plain,
                     "%s", mpc_group_name(g));
    }
}

/* ---- arrays ------------------------------------------------------------- */

Test(mpc_group_elem, arrays_are_aligned_and_zeroed)
{
    for (size_t n = 0; n < 40; n += 13) {
        mpc_scalar *s = mpc_scalars_alloc(n);
        mpc_elem *e = mpc_elems_alloc(n);
        cr_assert_not_null(s);
        cr_assert_not_null(e);
        cr_assert_eq((uintptr_t)s % 32, 0);
        cr_assert_eq((uintptr_t)e % 32, 0);
        if (n > 0) {
            cr_assert(sodium_is_zero((const unsigned char *)s, n * sizeof *s));
            cr_assert(sodium_is_zero((const unsigned char *)e, n * sizeof *e));
        }
        mpc_scalars_free(s, n);
        mpc_elems_free(e, n);
    }
    cr_assert_null(mpc_scalars_alloc(SIZE_MAX / 2));
    cr_assert_null(mpc_elems_alloc(SIZE_MAX / 16));
    mpc_scalars_free(NULL, 5);
    mpc_elems_free(NULL, 5);
}

/* Elements built on the stack of any group can be stored in these arrays
 * and used from there (ristretto255 needs the 32-byte alignment). */
Test(mpc_group_elem, arrays_hold_working_elements)
{
    FOR_EACH_GROUP(g) {
        enum { N = 5 };
        mpc_elem *e = mpc_elems_alloc(N);
        mpc_scalar *s = mpc_scalars_alloc(N);
        cr_assert_not_null(e);
        cr_assert_not_null(s);
        for (int i = 0; i < N; i++) {
            mpc_scalar_random(g, &s[i], rng);
            mpc_elem_mul_base(g, &e[i], &s[i]);
        }
        mpc_elem x;
        mpc_elem_add(g, &x, &e[0], &e[1]);
        mpc_scalar t;
        mpc_scalar_add(g, &t, &s[0], &s[1]);
        mpc_elem y;
        mpc_elem_mul_base(g, &y, &t);
        cr_assert(mpc_elem_eq(g, &x, &y));
        mpc_elems_free(e, N);
        mpc_scalars_free(s, N);
    }
}
