/* tests/test_mpc_group.c -- mpc/group scalars and instances, the laws
 * every group must obey, run on all three: ring laws and edge values
 * checked against an independent schoolbook big-integer model, canonical
 * decoding, reduction, random sampling, batch inversion.  Elements are in
 * test_mpc_group_elem.c; the group-specific cross-checks against the
 * underlying libraries in test_mpc_group_{ristretto255,ed25519,secp256k1}.c. */
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
    tu_groups_new(&rng, groups, 31);
}

static void teardown(void)
{
    tu_groups_free(rng, groups);
}

TestSuite(mpc_group, .init = setup, .fini = teardown);

/* ---- an independent model: schoolbook big integers, big-endian bytes ---- */

/* The group orders, big-endian.  L = 2^252 + 27742317777372353535851937790883648493
 * (RFC 8032, RFC 9496); n from SEC2 2.4.1. */
static const uint8_t ORDER_L[32] = {
    0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x14, 0xde, 0xf9, 0xde, 0xa2, 0xf7, 0x9c, 0xd6, 0x58, 0x12, 0x63, 0x1a, 0x5c, 0xf5, 0xd3, 0xed
};
static const uint8_t ORDER_N[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};

static const uint8_t *order_be(const mpc_group *g)
{
    return mpc_group_id_of(g) == MPC_SECP256K1 ? ORDER_N : ORDER_L;
}

static int little_endian(const mpc_group *g)
{
    return mpc_group_id_of(g) != MPC_SECP256K1;
}

/* Group byte order <-> big-endian (reverses for the little-endian groups). */
static void to_group(const mpc_group *g, uint8_t *out, const uint8_t *be, size_t len)
{
    uint8_t t[64];
    cr_assert_leq(len, sizeof t);
    for (size_t i = 0; i < len; i++)
        t[i] = little_endian(g) ? be[len - 1 - i] : be[i];
    memcpy(out, t, len);
}
#define from_group to_group   /* an involution */

/* out (32 bytes BE) = in[0..len) (BE) mod q, by binary long division:
 * r < q < 2^256 throughout, r = 2r + bit needs 33 bytes. */
static void bn_mod(uint8_t out[32], const uint8_t *in, size_t len, const uint8_t q[32])
{
    uint8_t r[33] = { 0 }, qq[33] = { 0 };
    memcpy(qq + 1, q, 32);
    for (size_t i = 0; i < 8 * len; i++) {
        unsigned bit = (in[i / 8] >> (7 - i % 8)) & 1;
        unsigned carry = bit;
        for (int j = 32; j >= 0; j--) {
            unsigned v = ((unsigned)r[j] << 1) | carry;
            r[j] = (uint8_t)v;
            carry = v >> 8;
        }
        if (memcmp(r, qq, 33) >= 0) {          /* r -= q */
            int borrow = 0;
            for (int j = 32; j >= 0; j--) {
                int d = r[j] - qq[j] - borrow;
                borrow = d < 0;
                r[j] = (uint8_t)(d + (borrow << 8));
            }
        }
    }
    cr_assert_eq(r[0], 0);
    memcpy(out, r + 1, 32);
}

/* out (64 bytes BE) = a * b (32 bytes BE each). */
static void bn_mul(uint8_t out[64], const uint8_t a[32], const uint8_t b[32])
{
    uint32_t acc[64] = { 0 };
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++)
            acc[63 - (31 - i) - (31 - j)] += (uint32_t)a[i] * b[j];
    uint32_t carry = 0;
    for (int k = 63; k >= 0; k--) {
        uint32_t v = acc[k] + carry;
        out[k] = (uint8_t)v;
        carry = v >> 8;
    }
}

/* out (33 bytes BE) = a + b. */
static void bn_add(uint8_t out[33], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned v = (unsigned)a[i] + b[i] + carry;
        out[i + 1] = (uint8_t)v;
        carry = v >> 8;
    }
    out[0] = (uint8_t)carry;
}

/* The scalar's value, big-endian. */
static void scalar_be(const mpc_group *g, uint8_t out[32], const mpc_scalar *s)
{
    uint8_t enc[32];
    mpc_scalar_encode(g, enc, s);
    from_group(g, out, enc, 32);
}

static void scalar_from_be(const mpc_group *g, mpc_scalar *s, const uint8_t be[32])
{
    uint8_t enc[32];
    to_group(g, enc, be, 32);
    cr_assert_eq(mpc_scalar_decode(g, s, enc), 0);
}

static void assert_scalar_is(const mpc_group *g, const mpc_scalar *s, const uint8_t be[32],
                             const char *what)
{
    uint8_t got[32];
    scalar_be(g, got, s);
    cr_assert_arr_eq(got, be, 32, "%s: %s", mpc_group_name(g), what);
}

/* q - k for small k, big-endian. */
static void order_minus(const mpc_group *g, uint8_t out[32], unsigned k)
{
    memcpy(out, order_be(g), 32);
    unsigned borrow = k;
    for (int i = 31; i >= 0 && borrow; i--) {
        int d = out[i] - (int)(borrow & 0xff);
        borrow >>= 8;
        if (d < 0) {
            d += 256;
            borrow += 1;
        }
        out[i] = (uint8_t)d;
    }
}

Test(mpc_group, bignum_model_agrees_with_python)
{
    /* The model itself, against values computed independently with Python
     * (hex((2**512 - 1) % q)): a check on the checker. */
    uint8_t ff[64], got[32], want[32];
    memset(ff, 0xff, sizeof ff);
    bn_mod(got, ff, 64, ORDER_L);
    tu_hex(want, 32, "0399411b7c309a3dceec73d217f5be65d00e1ba768859347a40611e3449c0f00");
    cr_assert_arr_eq(got, want, 32);
    bn_mod(got, ff, 64, ORDER_N);
    tu_hex(want, 32, "9d671cd581c69bc5e697f5e45bcd07c6741496c20e7cf878896cf21467d7d13f");
    cr_assert_arr_eq(got, want, 32);
    /* and the little-endian L of the shared helpers */
    uint8_t le[32];
    for (int i = 0; i < 32; i++)
        le[i] = ORDER_L[31 - i];
    cr_assert_arr_eq(le, tu_L, 32);
}

/* ---- instances ---------------------------------------------------------- */

Test(mpc_group, names_ids_and_sizes)
{
    static const char *names[] = { "ristretto255", "ed25519", "secp256k1" };
    static const size_t sizes[] = { 32, 32, 33 };
    for (size_t i = 0; i < TU_NGROUPS; i++) {
        cr_assert_eq(mpc_group_id_of(groups[i]), tu_group_ids[i]);
        cr_assert_str_eq(mpc_group_name(groups[i]), names[i]);
        cr_assert_eq(mpc_group_id_by_name(names[i]), tu_group_ids[i]);
        cr_assert_eq(mpc_group_elem_bytes(groups[i]), sizes[i]);
        cr_assert_leq(sizes[i], MPC_ELEM_MAX_BYTES);
        cr_assert_eq(mpc_group_secp256k1_ctx(groups[i]) != NULL, tu_group_ids[i] == MPC_SECP256K1);
    }
    cr_assert_eq(mpc_group_id_by_name("Ed25519"), 0);
    cr_assert_eq(mpc_group_id_by_name(""), 0);
    cr_assert_eq(mpc_group_id_by_name(NULL), 0);
    cr_assert_null(mpc_group_new((mpc_group_id)0, NULL));
    cr_assert_null(mpc_group_new((mpc_group_id)4, NULL));
    mpc_group_free(NULL);
    /* NULL rng is allowed */
    for (size_t i = 0; i < TU_NGROUPS; i++) {
        mpc_group *g = mpc_group_new(tu_group_ids[i], NULL);
        cr_assert_not_null(g);
        mpc_group_free(g);
    }
}

/* ---- scalars ------------------------------------------------------------ */

Test(mpc_group, scalar_arithmetic_matches_bignum_model)
{
    FOR_EACH_GROUP(g) {
        const uint8_t *q = order_be(g);
        for (int i = 0; i < ROUNDS; i++) {
            mpc_scalar a, b, r;
            uint8_t ab[32], bb[32], want[32], wide[64], sum[33];
            mpc_scalar_random(g, &a, rng);
            mpc_scalar_random(g, &b, rng);
            scalar_be(g, ab, &a);
            scalar_be(g, bb, &b);

            mpc_scalar_add(g, &r, &a, &b);
            bn_add(sum, ab, bb);
            bn_mod(want, sum, 33, q);
            assert_scalar_is(g, &r, want, "add");

            mpc_scalar_mul(g, &r, &a, &b);
            bn_mul(wide, ab, bb);
            bn_mod(want, wide, 64, q);
            assert_scalar_is(g, &r, want, "mul");

            /* a - b: (a + (q - b)) mod q */
            uint8_t qb[33], nb[32];
            int borrow = 0;
            for (int j = 31; j >= 0; j--) {
                int d = q[j] - bb[j] - borrow;
                borrow = d < 0;
                nb[j] = (uint8_t)(d + (borrow << 8));
            }
            mpc_scalar_neg(g, &r, &b);
            assert_scalar_is(g, &r, nb, "neg");
            bn_add(qb, ab, nb);
            bn_mod(want, qb, 33, q);
            mpc_scalar_sub(g, &r, &a, &b);
            assert_scalar_is(g, &r, want, "sub");
        }
    }
}

Test(mpc_group, scalar_ring_laws)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar zero, one;
        mpc_scalar_zero(g, &zero);
        mpc_scalar_one(g, &one);
        for (int i = 0; i < ROUNDS; i++) {
            mpc_scalar a, b, c, x, y, inv;
            mpc_scalar_random(g, &a, rng);
            mpc_scalar_random(g, &b, rng);
            mpc_scalar_random(g, &c, rng);
            cr_assert(!mpc_scalar_is_zero(g, &a));
            /* commutativity, associativity */
            mpc_scalar_add(g, &x, &a, &b);
            mpc_scalar_add(g, &y, &b, &a);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            mpc_scalar_mul(g, &x, &a, &b);
            mpc_scalar_mul(g, &y, &b, &a);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            mpc_scalar_add(g, &x, &a, &b);
            mpc_scalar_add(g, &x, &x, &c);
            mpc_scalar_add(g, &y, &b, &c);
            mpc_scalar_add(g, &y, &a, &y);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            mpc_scalar_mul(g, &x, &a, &b);
            mpc_scalar_mul(g, &x, &x, &c);
            mpc_scalar_mul(g, &y, &b, &c);
            mpc_scalar_mul(g, &y, &a, &y);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            /* distributivity: a(b + c) = ab + ac */
            mpc_scalar_add(g, &x, &b, &c);
            mpc_scalar_mul(g, &x, &a, &x);
            mpc_scalar t;
            mpc_scalar_mul(g, &y, &a, &b);
            mpc_scalar_mul(g, &t, &a, &c);
            mpc_scalar_add(g, &y, &y, &t);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            /* a - b = a + (-b); (a - b) + b = a; -(-a) = a; a - a = 0 */
            mpc_scalar_sub(g, &x, &a, &b);
            mpc_scalar_neg(g, &y, &b);
            mpc_scalar_add(g, &y, &a, &y);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            mpc_scalar_add(g, &x, &x, &b);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_neg(g, &x, &a);
            mpc_scalar_neg(g, &x, &x);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_sub(g, &x, &a, &a);
            cr_assert(mpc_scalar_is_zero(g, &x));
            /* identities */
            mpc_scalar_add(g, &x, &a, &zero);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_add(g, &x, &zero, &a);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_sub(g, &x, &a, &zero);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_sub(g, &x, &zero, &a);
            mpc_scalar_neg(g, &y, &a);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            mpc_scalar_mul(g, &x, &a, &one);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            mpc_scalar_mul(g, &x, &a, &zero);
            cr_assert(mpc_scalar_is_zero(g, &x));
            mpc_scalar_mul(g, &x, &zero, &a);
            cr_assert(mpc_scalar_is_zero(g, &x));
            /* inverses */
            cr_assert_eq(mpc_scalar_invert(g, &inv, &a), 0);
            mpc_scalar_mul(g, &x, &a, &inv);
            cr_assert(mpc_scalar_eq(g, &x, &one), "%s: a * inv(a) != 1", mpc_group_name(g));
            cr_assert_eq(mpc_scalar_invert(g, &x, &inv), 0);
            cr_assert(mpc_scalar_eq(g, &x, &a));
            /* aliasing: out = in */
            x = a;
            mpc_scalar_mul(g, &x, &x, &x);
            mpc_scalar_mul(g, &y, &a, &a);
            cr_assert(mpc_scalar_eq(g, &x, &y));
            x = a;
            cr_assert_eq(mpc_scalar_invert(g, &x, &x), 0);
            cr_assert(mpc_scalar_eq(g, &x, &inv));
            x = a;
            mpc_scalar_sub(g, &x, &x, &x);
            cr_assert(mpc_scalar_is_zero(g, &x));
        }
    }
}

Test(mpc_group, scalar_edge_values)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar zero, one, qm1, two, x, y;
        uint8_t be[32];
        mpc_scalar_zero(g, &zero);
        mpc_scalar_one(g, &one);
        mpc_scalar_from_u64(g, &two, 2);
        order_minus(g, be, 1);
        scalar_from_be(g, &qm1, be);

        /* 0 and 1 and from_u64 */
        memset(be, 0, 32);
        assert_scalar_is(g, &zero, be, "zero");
        be[31] = 1;
        assert_scalar_is(g, &one, be, "one");
        mpc_scalar_from_u64(g, &x, UINT64_MAX);
        memset(be, 0, 24);
        memset(be + 24, 0xff, 8);
        assert_scalar_is(g, &x, be, "from_u64(max)");
        mpc_scalar_from_u64(g, &x, 0x0102030405060708u);
        memset(be, 0, 32);
        for (int i = 0; i < 8; i++)
            be[24 + i] = (uint8_t)(i + 1);
        assert_scalar_is(g, &x, be, "from_u64");
        mpc_scalar_from_u64(g, &x, 0);
        cr_assert(mpc_scalar_is_zero(g, &x));
        mpc_scalar_from_u64(g, &x, 1);
        cr_assert(mpc_scalar_eq(g, &x, &one));

        /* q - 1 = -1 */
        mpc_scalar_neg(g, &x, &one);
        cr_assert(mpc_scalar_eq(g, &x, &qm1));
        mpc_scalar_add(g, &x, &qm1, &one);
        cr_assert(mpc_scalar_is_zero(g, &x));
        mpc_scalar_add(g, &x, &qm1, &qm1);        /* -2 */
        mpc_scalar_neg(g, &y, &two);
        cr_assert(mpc_scalar_eq(g, &x, &y));
        mpc_scalar_mul(g, &x, &qm1, &qm1);        /* (-1)^2 = 1 */
        cr_assert(mpc_scalar_eq(g, &x, &one));
        cr_assert_eq(mpc_scalar_invert(g, &x, &qm1), 0);
        cr_assert(mpc_scalar_eq(g, &x, &qm1));
        cr_assert_eq(mpc_scalar_invert(g, &x, &one), 0);
        cr_assert(mpc_scalar_eq(g, &x, &one));
        mpc_scalar_sub(g, &x, &zero, &one);
        cr_assert(mpc_scalar_eq(g, &x, &qm1));
        mpc_scalar_sub(g, &x, &one, &qm1);        /* 1 - (-1) = 2 */
        cr_assert(mpc_scalar_eq(g, &x, &two));
        /* 1/2 * 2 = 1 */
        cr_assert_eq(mpc_scalar_invert(g, &x, &two), 0);
        mpc_scalar_mul(g, &x, &x, &two);
        cr_assert(mpc_scalar_eq(g, &x, &one));

        /* zero everywhere */
        mpc_scalar_neg(g, &x, &zero);
        cr_assert(mpc_scalar_is_zero(g, &x));
        mpc_scalar_add(g, &x, &zero, &zero);
        cr_assert(mpc_scalar_is_zero(g, &x));
        mpc_scalar_sub(g, &x, &zero, &zero);
        cr_assert(mpc_scalar_is_zero(g, &x));
        mpc_scalar_mul(g, &x, &zero, &zero);
        cr_assert(mpc_scalar_is_zero(g, &x));
        x = one;
        cr_assert_eq(mpc_scalar_invert(g, &x, &zero), SH_ERR_ZERO);
        cr_assert(mpc_scalar_is_zero(g, &x), "%s: invert(0) must leave zero", mpc_group_name(g));

        /* eq, is_zero, cmov, wipe */
        cr_assert(mpc_scalar_eq(g, &one, &one));
        cr_assert(!mpc_scalar_eq(g, &one, &two));
        cr_assert(!mpc_scalar_is_zero(g, &one));
        mpc_scalar_cmov(&x, &one, &two, 0);
        cr_assert(mpc_scalar_eq(g, &x, &one));
        mpc_scalar_cmov(&x, &one, &two, 1);
        cr_assert(mpc_scalar_eq(g, &x, &two));
        x = one;
        mpc_scalar_cmov(&x, &x, &two, 1);          /* aliasing */
        cr_assert(mpc_scalar_eq(g, &x, &two));
        mpc_scalar_wipe(&x);
        cr_assert(mpc_scalar_is_zero(g, &x));
    }
}

Test(mpc_group, scalar_encode_decode)
{
    FOR_EACH_GROUP(g) {
        uint8_t enc[32], enc2[32], be[32];
        mpc_scalar s, d;
        for (int i = 0; i < ROUNDS; i++) {
            mpc_scalar_random(g, &s, rng);
            mpc_scalar_encode(g, enc, &s);
            cr_assert_eq(mpc_scalar_decode(g, &d, enc), 0);
            cr_assert(mpc_scalar_eq(g, &d, &s));
            mpc_scalar_encode(g, enc2, &d);
            cr_assert_arr_eq(enc, enc2, 32);
        }
        /* 0 and q - 1 are canonical */
        memset(enc, 0, 32);
        cr_assert_eq(mpc_scalar_decode(g, &d, enc), 0);
        cr_assert(mpc_scalar_is_zero(g, &d));
        order_minus(g, be, 1);
        to_group(g, enc, be, 32);
        cr_assert_eq(mpc_scalar_decode(g, &d, enc), 0);
        /* q, q + 1, q + 2^k, 2^256 - 1 are not; out is zero afterwards */
        const uint8_t *q = order_be(g);
        uint8_t bad[6][32];
        memcpy(bad[0], q, 32);
        memcpy(bad[1], q, 32);
        bad[1][31]++;                             /* no carry: q ends in ...ed / ...41 */
        memset(bad[2], 0xff, 32);
        memcpy(bad[3], q, 32);
        bad[3][0] |= 0x80;                        /* q with the top bit set */
        memset(bad[4], 0xff, 32);
        bad[4][0] = q[0];                         /* just above q */
        memcpy(bad[5], q, 32);
        bad[5][15] ^= 0x01;                       /* q + 2^128 or q - 2^128: see below */
        for (int k = 0; k < 6; k++) {
            int above = memcmp(bad[k], q, 32) >= 0;
            to_group(g, enc, bad[k], 32);
            mpc_scalar_one(g, &d);
            int rc = mpc_scalar_decode(g, &d, enc);
            if (above) {
                cr_assert_eq(rc, SH_ERR_NONCANONICAL, "%s: bad #%d accepted", mpc_group_name(g), k);
                cr_assert(mpc_scalar_is_zero(g, &d));
            } else {
                cr_assert_eq(rc, 0);
            }
        }
    }
}

/* reduce against the model, for the edge values the contract names and
 * for random inputs of every length 0..64. */
Test(mpc_group, scalar_reduce_matches_model)
{
    FOR_EACH_GROUP(g) {
        const uint8_t *q = order_be(g);
        uint8_t in_be[64], in[64], want[32];
        mpc_scalar r;

        /* q as 32, 33 and 64 bytes -> 0; q + 1 -> 1 */
        for (size_t len = 32; len <= 64; len += 1) {
            memset(in_be, 0, 64);
            memcpy(in_be + len - 32, q, 32);
            to_group(g, in, in_be, len);
            cr_assert_eq(mpc_scalar_reduce(g, &r, in, len), 0);
            cr_assert(mpc_scalar_is_zero(g, &r), "%s: q as %zu bytes", mpc_group_name(g), len);
            in_be[len - 1]++;
            to_group(g, in, in_be, len);
            cr_assert_eq(mpc_scalar_reduce(g, &r, in, len), 0);
            memset(want, 0, 32);
            want[31] = 1;
            assert_scalar_is(g, &r, want, "q + 1");
        }
        /* 2^256 (33 bytes) and 2^512 - 1 (64 bytes) */
        memset(in_be, 0, 64);
        in_be[0] = 1;
        bn_mod(want, in_be, 33, q);
        to_group(g, in, in_be, 33);
        cr_assert_eq(mpc_scalar_reduce(g, &r, in, 33), 0);
        assert_scalar_is(g, &r, want, "2^256");
        memset(in_be, 0xff, 64);
        bn_mod(want, in_be, 64, q);
        cr_assert_eq(mpc_scalar_reduce(g, &r, in_be, 64), 0);
        assert_scalar_is(g, &r, want, "2^512 - 1");
        /* 2^256 - 1 (32 bytes), above q in both groups */
        bn_mod(want, in_be, 32, q);
        cr_assert_eq(mpc_scalar_reduce(g, &r, in_be, 32), 0);
        assert_scalar_is(g, &r, want, "2^256 - 1");
        /* nothing: zero */
        cr_assert_eq(mpc_scalar_reduce(g, &r, NULL, 0), 0);
        cr_assert(mpc_scalar_is_zero(g, &r));
        /* random inputs of every length; aliasing of in and out is not
         * part of the contract (in is bytes) */
        for (size_t len = 0; len <= 64; len++) {
            for (int k = 0; k < 4; k++) {
                sh_rng_bytes(rng, in_be, len);
                if (k == 1 && len > 0)
                    memset(in_be, 0xff, len);
                bn_mod(want, in_be, len, q);
                to_group(g, in, in_be, len);
                cr_assert_eq(mpc_scalar_reduce(g, &r, in, len), 0);
                assert_scalar_is(g, &r, want, "random reduce");
            }
        }
        /* a canonical encoding reduces to itself */
        mpc_scalar s;
        uint8_t enc[32];
        mpc_scalar_random(g, &s, rng);
        mpc_scalar_encode(g, enc, &s);
        cr_assert_eq(mpc_scalar_reduce(g, &r, enc, 32), 0);
        cr_assert(mpc_scalar_eq(g, &r, &s));
        /* too long */
        uint8_t big[65] = { 0 };
        cr_assert_eq(mpc_scalar_reduce(g, &r, big, 65), SH_ERR_ARG);
    }
}

Test(mpc_group, scalar_random_is_nonzero_canonical_and_deterministic)
{
    FOR_EACH_GROUP(g) {
        sh_rng *r1 = tu_rng(77), *r2 = tu_rng(77);
        mpc_scalar prev;
        mpc_scalar_zero(g, &prev);
        for (int i = 0; i < 200; i++) {
            mpc_scalar a, b, d;
            uint8_t enc[32];
            mpc_scalar_random(g, &a, r1);
            mpc_scalar_random(g, &b, r2);
            cr_assert(mpc_scalar_eq(g, &a, &b));
            cr_assert(!mpc_scalar_is_zero(g, &a));
            cr_assert(!mpc_scalar_eq(g, &a, &prev));
            mpc_scalar_encode(g, enc, &a);
            cr_assert_eq(mpc_scalar_decode(g, &d, enc), 0);
            prev = a;
        }
        sh_rng_free(r1);
        sh_rng_free(r2);
    }
}

/* The top bits of random scalars are spread out (a crude check that the
 * rejection sampling does not truncate the range): over 400 draws the top
 * bit of (the value's) 252nd/255th bit is seen both set and clear. */
Test(mpc_group, scalar_random_covers_range)
{
    FOR_EACH_GROUP(g) {
        int top_set = 0, top_clear = 0;
        int bit = mpc_group_id_of(g) == MPC_SECP256K1 ? 255 : 251;
        for (int i = 0; i < 400; i++) {
            mpc_scalar a;
            uint8_t be[32];
            mpc_scalar_random(g, &a, rng);
            scalar_be(g, be, &a);
            if ((be[31 - bit / 8] >> (bit % 8)) & 1)
                top_set++;
            else
                top_clear++;
        }
        cr_assert_gt(top_set, 100, "%s", mpc_group_name(g));
        cr_assert_gt(top_clear, 100, "%s", mpc_group_name(g));
    }
}

Test(mpc_group, batch_invert_matches_single_inverts)
{
    FOR_EACH_GROUP(g) {
        for (size_t n = 0; n <= 20; n++) {
            mpc_scalar *in = mpc_scalars_alloc(n), *out = mpc_scalars_alloc(n);
            cr_assert(n == 0 || (in != NULL && out != NULL));
            for (size_t i = 0; i < n; i++) {
                if (i % 5 == 3)
                    mpc_scalar_from_u64(g, &in[i], i + 1);   /* small ones too */
                else
                    mpc_scalar_random(g, &in[i], rng);
            }
            cr_assert_eq(mpc_scalar_batch_invert_vartime(g, out, in, n), 0);
            for (size_t i = 0; i < n; i++) {
                mpc_scalar want;
                cr_assert_eq(mpc_scalar_invert(g, &want, &in[i]), 0);
                cr_assert(mpc_scalar_eq(g, &out[i], &want), "%s n=%zu i=%zu",
                          mpc_group_name(g), n, i);
            }
            /* in place */
            cr_assert_eq(mpc_scalar_batch_invert_vartime(g, in, in, n), 0);
            for (size_t i = 0; i < n; i++)
                cr_assert(mpc_scalar_eq(g, &in[i], &out[i]));
            /* a zero anywhere */
            if (n > 0) {
                mpc_scalar_zero(g, &in[n / 2]);
                cr_assert_eq(mpc_scalar_batch_invert_vartime(g, out, in, n), SH_ERR_ZERO);
                mpc_scalar_zero(g, &in[0]);
                cr_assert_eq(mpc_scalar_batch_invert_vartime(g, out, in, n), SH_ERR_ZERO);
            }
            mpc_scalars_free(in, n);
            mpc_scalars_free(out, n);
        }
    }
}

/* The variable-time inversion (binary extended Euclid) against the
 * constant-time one, on random values and on the values where the
 * algorithm's loops behave differently: 1, 2, powers of two, q-1, q-2. */
Test(mpc_group, invert_vartime_matches_constant_time_invert)
{
    FOR_EACH_GROUP(g) {
        mpc_scalar a, x, y, one, prod;
        mpc_scalar_one(g, &one);
        for (int i = 0; i < 300; i++) {
            if (i < 64) {
                mpc_scalar_from_u64(g, &a, (uint64_t)1 << i);
            } else if (i < 68) {
                uint8_t be[32];
                order_minus(g, be, (unsigned)(i - 63));   /* q-1 .. q-4 */
                scalar_from_be(g, &a, be);
            } else {
                mpc_scalar_random(g, &a, rng);
            }
            cr_assert_eq(mpc_scalar_invert_vartime(g, &x, &a), 0);
            cr_assert_eq(mpc_scalar_invert(g, &y, &a), 0);
            cr_assert(mpc_scalar_eq(g, &x, &y), "%s: inverse %d differs", mpc_group_name(g), i);
            mpc_scalar_mul(g, &prod, &a, &x);
            cr_assert(mpc_scalar_eq(g, &prod, &one));
        }
        mpc_scalar_zero(g, &a);
        cr_assert_eq(mpc_scalar_invert_vartime(g, &x, &a), SH_ERR_ZERO);
        cr_assert(mpc_scalar_is_zero(g, &x));
    }
}
