/* tests/test_mpc_group_secp256k1.c -- MPC_SECP256K1 against libsecp256k1
 * used directly (pubkey_create, tweak_mul, combine, negate, serialize, the
 * seckey functions, BIP340 signatures) and the encodings its decoder must
 * refuse: other SEC1 prefixes, x >= p, x with no point. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "mpc/group.h"
#include "testutil.h"

#define ROUNDS 100

static sh_rng *rng;
static mpc_group *g;
static secp256k1_context *ctx;   /* our own, independent of the group's */

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(51);
    g = mpc_group_new(MPC_SECP256K1, rng);
    cr_assert_not_null(g);
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    secp256k1_context_destroy(ctx);
    mpc_group_free(g);
    sh_rng_free(rng);
}

TestSuite(mpc_secp256k1, .init = setup, .fini = teardown);

/* p = 2^256 - 2^32 - 977, big-endian */
static const char *P_HEX = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
/* G, SEC2 2.4.1 */
static const char *G_HEX = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

static void random_scalar(mpc_scalar *s, uint8_t enc[32])
{
    mpc_scalar_random(g, s, rng);
    mpc_scalar_encode(g, enc, s);
}

static void serialize(uint8_t out[33], const secp256k1_pubkey *pk)
{
    size_t len = 33;
    cr_assert(secp256k1_ec_pubkey_serialize(ctx, out, &len, pk, SECP256K1_EC_COMPRESSED));
    cr_assert_eq(len, 33);
}

static void encode(uint8_t out[33], const mpc_elem *e)
{
    cr_assert_eq(mpc_elem_encode(g, out, e), 0);
}

Test(mpc_secp256k1, base_is_sec2_generator)
{
    mpc_elem b;
    uint8_t enc[33], want[33];
    mpc_elem_base(g, &b);
    encode(enc, &b);
    tu_hex(want, 33, G_HEX);
    cr_assert_arr_eq(enc, want, 33);
    cr_assert_not_null(mpc_group_secp256k1_ctx(g));
}

Test(mpc_secp256k1, scalar_ops_match_seckey_functions)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b, r;
        uint8_t ea[32], eb[32], got[32], want[32];
        random_scalar(&a, ea);
        random_scalar(&b, eb);
        mpc_scalar_add(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        memcpy(want, ea, 32);
        cr_assert(secp256k1_ec_seckey_tweak_add(ctx, want, eb));
        cr_assert_arr_eq(got, want, 32);
        mpc_scalar_mul(g, &r, &a, &b);
        mpc_scalar_encode(g, got, &r);
        memcpy(want, ea, 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, want, eb));
        cr_assert_arr_eq(got, want, 32);
        mpc_scalar_neg(g, &r, &a);
        mpc_scalar_encode(g, got, &r);
        memcpy(want, ea, 32);
        cr_assert(secp256k1_ec_seckey_negate(ctx, want));
        cr_assert_arr_eq(got, want, 32);
    }
}

/* What the seckey functions do with zero, which the backend works around
 * (the header promises only "some unspecified value" on failure, and the
 * backend relies on nothing but the return value). */
Test(mpc_secp256k1, seckey_functions_refuse_zero)
{
    uint8_t zero[32] = { 0 }, one[32] = { [31] = 1 }, x[32], minus_one[32];
    memcpy(x, zero, 32);
    cr_assert_eq(secp256k1_ec_seckey_negate(ctx, x), 0);
    memcpy(x, zero, 32);
    cr_assert_eq(secp256k1_ec_seckey_tweak_add(ctx, x, one), 0);
    memcpy(x, one, 32);
    cr_assert_eq(secp256k1_ec_seckey_tweak_mul(ctx, x, zero), 0);
    memcpy(minus_one, one, 32);
    cr_assert(secp256k1_ec_seckey_negate(ctx, minus_one));
    memcpy(x, one, 32);
    cr_assert_eq(secp256k1_ec_seckey_tweak_add(ctx, x, minus_one), 0);   /* sum 0 */
    secp256k1_pubkey pk;
    cr_assert_eq(secp256k1_ec_pubkey_create(ctx, &pk, zero), 0);
}

Test(mpc_secp256k1, points_match_libsecp256k1)
{
    for (int i = 0; i < ROUNDS; i++) {
        mpc_scalar a, b;
        mpc_elem pa, pb, r, v;
        uint8_t ea[32], eb[32], got[33], want[33];
        secp256k1_pubkey ka, kb, kr;
        random_scalar(&a, ea);
        random_scalar(&b, eb);
        /* mul_base = pubkey_create */
        mpc_elem_mul_base(g, &pa, &a);
        mpc_elem_mul_base(g, &pb, &b);
        cr_assert(secp256k1_ec_pubkey_create(ctx, &ka, ea));
        cr_assert(secp256k1_ec_pubkey_create(ctx, &kb, eb));
        encode(got, &pa);
        serialize(want, &ka);
        cr_assert_arr_eq(got, want, 33);
        /* add = combine */
        mpc_elem_add(g, &r, &pa, &pb);
        const secp256k1_pubkey *ins[2] = { &ka, &kb };
        cr_assert(secp256k1_ec_pubkey_combine(ctx, &kr, ins, 2));
        encode(got, &r);
        serialize(want, &kr);
        cr_assert_arr_eq(got, want, 33);
        /* neg = negate */
        mpc_elem_neg(g, &r, &pa);
        kr = ka;
        cr_assert(secp256k1_ec_pubkey_negate(ctx, &kr));
        encode(got, &r);
        serialize(want, &kr);
        cr_assert_arr_eq(got, want, 33);
        /* mul (ECDH, constant time) = mul_vartime = tweak_mul */
        mpc_elem_mul(g, &r, &pa, &b);
        mpc_elem_mul_vartime(g, &v, &pa, &b);
        kr = ka;
        cr_assert(secp256k1_ec_pubkey_tweak_mul(ctx, &kr, eb));
        serialize(want, &kr);
        encode(got, &r);
        cr_assert_arr_eq(got, want, 33);
        encode(got, &v);
        cr_assert_arr_eq(got, want, 33);
        /* decode = pubkey_parse */
        mpc_elem d;
        cr_assert_eq(mpc_elem_decode(g, &d, want), 0);
        cr_assert(mpc_elem_eq(g, &d, &r));
    }
}

/* The context randomization changes the blinding, never a result. */
Test(mpc_secp256k1, randomized_and_plain_contexts_agree)
{
    mpc_group *plain = mpc_group_new(MPC_SECP256K1, NULL);
    sh_rng *other = tu_rng(99);
    mpc_group *blinded = mpc_group_new(MPC_SECP256K1, other);
    cr_assert_not_null(plain);
    cr_assert_not_null(blinded);
    for (int i = 0; i < 20; i++) {
        mpc_scalar s;
        mpc_elem a, b, c;
        uint8_t ea[33], eb[33], ec[33];
        mpc_scalar_random(g, &s, rng);
        mpc_elem_mul_base(g, &a, &s);
        mpc_elem_mul_base(plain, &b, &s);
        mpc_elem_mul_base(blinded, &c, &s);
        encode(ea, &a);
        cr_assert_eq(mpc_elem_encode(plain, eb, &b), 0);
        cr_assert_eq(mpc_elem_encode(blinded, ec, &c), 0);
        cr_assert_arr_eq(ea, eb, 33);
        cr_assert_arr_eq(ea, ec, 33);
    }
    mpc_group_free(plain);
    mpc_group_free(blinded);
    sh_rng_free(other);
}

/* Sums that reach infinity in the middle or at the end, through the one
 * combine call of msm and through add. */
Test(mpc_secp256k1, infinity_in_sums)
{
    mpc_scalar a, na;
    mpc_elem pa, pna, r;
    uint8_t ea[32];
    random_scalar(&a, ea);
    mpc_scalar_neg(g, &na, &a);
    mpc_elem_mul_base(g, &pa, &a);
    mpc_elem_mul_base(g, &pna, &na);
    mpc_elem_add(g, &r, &pa, &pna);
    cr_assert(mpc_elem_is_identity(g, &r));
    /* combine itself refuses an infinite sum */
    secp256k1_pubkey k1, k2, kr;
    cr_assert(secp256k1_ec_pubkey_create(ctx, &k1, ea));
    k2 = k1;
    cr_assert(secp256k1_ec_pubkey_negate(ctx, &k2));
    const secp256k1_pubkey *ins[2] = { &k1, &k2 };
    cr_assert_eq(secp256k1_ec_pubkey_combine(ctx, &kr, ins, 2), 0);
    /* msm: a*G + (-a)*G + 0*G = O */
    mpc_scalar s[3];
    mpc_elem p[3];
    mpc_elem_base(g, &p[0]);
    p[1] = p[0];
    p[2] = p[0];
    s[0] = a;
    s[1] = na;
    mpc_scalar_zero(g, &s[2]);
    cr_assert_eq(mpc_elem_msm_vartime(g, &r, s, p, 3), 0);
    cr_assert(mpc_elem_is_identity(g, &r));
    /* a*G + (-a)*G + 1*G = G */
    mpc_scalar_one(g, &s[2]);
    cr_assert_eq(mpc_elem_msm_vartime(g, &r, s, p, 3), 0);
    cr_assert(mpc_elem_eq(g, &r, &p[0]));
}

/* BIP340: a libsecp256k1 signature satisfies s*G = R + e*P in our
 * arithmetic (R, P the even-y lifts of r and the x-only key, e the
 * challenge hash reduced mod n), and one made with our arithmetic passes
 * secp256k1_schnorrsig_verify. */
Test(mpc_secp256k1, bip340_signatures_interoperate)
{
    static const unsigned char TAG[] = "BIP0340/challenge";
    for (int i = 0; i < 30; i++) {
        uint8_t sk[32], msg[32], sig[64], px[32], buf[96], h[32], enc[33];
        mpc_scalar d;
        random_scalar(&d, sk);
        sh_rng_bytes(rng, msg, 32);
        secp256k1_keypair kp;
        secp256k1_xonly_pubkey xpk;
        cr_assert(secp256k1_keypair_create(ctx, &kp, sk));
        cr_assert(secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &kp));
        cr_assert(secp256k1_xonly_pubkey_serialize(ctx, px, &xpk));
        cr_assert(secp256k1_schnorrsig_sign32(ctx, sig, msg, &kp, NULL));

        mpc_elem R, P, lhs, rhs;
        mpc_scalar s, e;
        enc[0] = 0x02;
        memcpy(enc + 1, sig, 32);
        cr_assert_eq(mpc_elem_decode(g, &R, enc), 0);
        memcpy(enc + 1, px, 32);
        cr_assert_eq(mpc_elem_decode(g, &P, enc), 0);
        cr_assert_eq(mpc_scalar_decode(g, &s, sig + 32), 0);
        memcpy(buf, sig, 32);
        memcpy(buf + 32, px, 32);
        memcpy(buf + 64, msg, 32);
        cr_assert(secp256k1_tagged_sha256(ctx, h, TAG, sizeof TAG - 1, buf, 96));
        cr_assert_eq(mpc_scalar_reduce(g, &e, h, 32), 0);
        mpc_elem_mul_base(g, &lhs, &s);
        mpc_elem_mul_vartime(g, &rhs, &P, &e);
        mpc_elem_add(g, &rhs, &rhs, &R);
        cr_assert(mpc_elem_eq(g, &lhs, &rhs));

        /* our own: d' = d or -d (even-y key), k' likewise, s = k' + e d' */
        mpc_elem D, K;
        mpc_scalar k;
        mpc_elem_mul_base(g, &D, &d);
        encode(enc, &D);
        if (enc[0] == 0x03)
            mpc_scalar_neg(g, &d, &d);
        cr_assert_arr_eq(enc + 1, px, 32);
        mpc_scalar_random(g, &k, rng);
        mpc_elem_mul_base(g, &K, &k);
        encode(enc, &K);
        if (enc[0] == 0x03)
            mpc_scalar_neg(g, &k, &k);
        uint8_t own[64];
        memcpy(own, enc + 1, 32);
        memcpy(buf, own, 32);
        cr_assert(secp256k1_tagged_sha256(ctx, h, TAG, sizeof TAG - 1, buf, 96));
        cr_assert_eq(mpc_scalar_reduce(g, &e, h, 32), 0);
        mpc_scalar_mul(g, &s, &e, &d);
        mpc_scalar_add(g, &s, &s, &k);
        mpc_scalar_encode(g, own + 32, &s);
        cr_assert(secp256k1_schnorrsig_verify(ctx, own, msg, 32, &xpk));
        own[50] ^= 4;
        cr_assert_eq(secp256k1_schnorrsig_verify(ctx, own, msg, 32, &xpk), 0);
    }
}

/* ---- adversarial decoding --------------------------------------------------- */

Test(mpc_secp256k1, decode_refuses_other_prefixes)
{
    mpc_elem p, e;
    uint8_t enc[33];
    mpc_scalar s;
    mpc_scalar_random(g, &s, rng);
    mpc_elem_mul_base(g, &p, &s);
    encode(enc, &p);
    cr_assert_eq(mpc_elem_decode(g, &e, enc), 0);
    static const uint8_t prefixes[] = { 0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x12, 0x82, 0xff };
    for (size_t i = 0; i < sizeof prefixes; i++) {
        uint8_t bad[33];
        memcpy(bad, enc, 33);
        bad[0] = prefixes[i];
        cr_assert_eq(mpc_elem_decode(g, &e, bad), SH_ERR_POINT, "prefix %02x", prefixes[i]);
        cr_assert(mpc_elem_is_identity(g, &e));
    }
    /* the first 33 bytes of the uncompressed and hybrid encodings */
    secp256k1_pubkey pk;
    uint8_t full[65];
    size_t len = 65;
    cr_assert(secp256k1_ec_pubkey_parse(ctx, &pk, enc, 33));
    cr_assert(secp256k1_ec_pubkey_serialize(ctx, full, &len, &pk, SECP256K1_EC_UNCOMPRESSED));
    cr_assert_eq(mpc_elem_decode(g, &e, full), SH_ERR_POINT);
    full[0] = (uint8_t)(0x06 | (full[64] & 1));   /* hybrid */
    cr_assert_eq(mpc_elem_decode(g, &e, full), SH_ERR_POINT);
    /* a single zero byte (SEC1's infinity) padded with nonzero bytes */
    uint8_t inf[33] = { 0 };
    inf[32] = 1;
    cr_assert_eq(mpc_elem_decode(g, &e, inf), SH_ERR_POINT);
    memset(inf, 0, 33);
    cr_assert_eq(mpc_elem_decode(g, &e, inf), SH_ERR_IDENTITY);
    cr_assert(mpc_elem_is_identity(g, &e));
}

/* x = p, p + 1 (an alias of x = 1, which is on the curve), p + 5, 2^256 - 1,
 * and x values with no point: 0, 5, 7, 9 (x^3 + 7 is a non-residue mod p;
 * computed with Euler's criterion, pow(x^3 + 7, (p - 1) / 2, p) = p - 1).
 * x = 1, 2, 3 are on the curve and decode with either parity. */
Test(mpc_secp256k1, decode_refuses_x_out_of_range_or_off_curve)
{
    uint8_t enc[33];
    mpc_elem e;
    for (int parity = 2; parity <= 3; parity++) {
        enc[0] = (uint8_t)parity;
        /* x = p + k */
        for (unsigned k = 0; k < 8; k++) {
            tu_hex(enc + 1, 32, P_HEX);
            enc[32] = (uint8_t)(enc[32] + k);      /* 0x2f + 7: no carry */
            cr_assert_eq(mpc_elem_decode(g, &e, enc), SH_ERR_POINT, "x = p + %u", k);
        }
        memset(enc + 1, 0xff, 32);
        cr_assert_eq(mpc_elem_decode(g, &e, enc), SH_ERR_POINT);
        static const uint8_t none[] = { 0, 5, 7, 9 };
        for (size_t i = 0; i < sizeof none; i++) {
            memset(enc + 1, 0, 32);
            enc[32] = none[i];
            cr_assert_eq(mpc_elem_decode(g, &e, enc), SH_ERR_POINT, "x = %u", none[i]);
        }
        static const uint8_t some[] = { 1, 2, 3 };
        for (size_t i = 0; i < sizeof some; i++) {
            memset(enc + 1, 0, 32);
            enc[32] = some[i];
            cr_assert_eq(mpc_elem_decode(g, &e, enc), 0, "x = %u", some[i]);
            uint8_t back[33];
            encode(back, &e);
            cr_assert_arr_eq(back, enc, 33);
        }
    }
}

/* mpc_elem_decode_hinted with y as the hint returns exactly what
 * mpc_elem_decode returns, for every hint: the right y, the other root
 * (wrong parity), y + p (not below p), y + 1, zero, random bytes -- on
 * valid encodings, on every refused encoding of the two tests above, and
 * on the identity. */
static void check_hinted(const uint8_t enc[33], const uint8_t hint[32])
{
    mpc_elem a, b;
    int ra = mpc_elem_decode(g, &a, enc);
    int rb = mpc_elem_decode_hinted(g, &b, enc, hint);
    cr_assert_eq(rb, ra, "hinted decode: %d, decode: %d", rb, ra);
    cr_assert_eq(mpc_elem_is_identity(g, &b), mpc_elem_is_identity(g, &a));
    if (ra == 0)
        cr_assert(mpc_elem_eq(g, &a, &b));
}

static void hint_variants(const uint8_t enc[33], const uint8_t y[32])
{
    uint8_t h[32], p[32];
    check_hinted(enc, y);
    /* p - y, the other root */
    tu_hex(p, 32, P_HEX);
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = p[i] - y[i] - borrow;
        borrow = d < 0;
        h[i] = (uint8_t)d;
    }
    check_hinted(enc, h);
    /* y + p: the same residue, not canonical (when it fits in 256 bits) */
    int carry = 0;
    for (int i = 31; i >= 0; i--) {
        int s = p[i] + y[i] + carry;
        carry = s >> 8;
        h[i] = (uint8_t)s;
    }
    if (!carry)
        check_hinted(enc, h);
    memcpy(h, y, 32);
    h[31] ^= 1;
    check_hinted(enc, h);
    h[31] ^= 3;
    check_hinted(enc, h);
    memset(h, 0, 32);
    check_hinted(enc, h);
    memset(h, 0xff, 32);
    check_hinted(enc, h);
    sh_rng_bytes(rng, h, 32);
    check_hinted(enc, h);
}

Test(mpc_secp256k1, hinted_decode_matches_decode)
{
    cr_assert_eq(mpc_group_hint_bytes(g), 32);
    for (int it = 0; it < ROUNDS; it++) {
        mpc_scalar s;
        mpc_elem p;
        uint8_t enc[33], hint[32];
        mpc_scalar_random(g, &s, rng);
        mpc_elem_mul_base(g, &p, &s);
        encode(enc, &p);
        cr_assert_eq(mpc_elems_hints(g, hint, &p, enc, 1), 0);
        /* the hint is y, as libsecp256k1's uncompressed form has it */
        uint8_t full[65];
        size_t len = 65;
        cr_assert(secp256k1_ec_pubkey_serialize(ctx, full, &len, &p.u.k, SECP256K1_EC_UNCOMPRESSED));
        cr_assert_arr_eq(hint, full + 33, 32);
        hint_variants(enc, hint);
        /* refused encodings with a point's y as the hint */
        uint8_t bad[33];
        memcpy(bad, enc, 33);
        bad[0] ^= 0x06;                  /* 02 <-> 04, 03 <-> 05 */
        hint_variants(bad, hint);
        memcpy(bad, enc, 33);
        bad[32] ^= 1;                    /* another x: on the curve or not */
        hint_variants(bad, hint);
        memcpy(bad, enc, 33);
        memset(bad + 1, 0xff, 32);
        hint_variants(bad, hint);
    }
    /* x = p + 1 (an alias of x = 1) with x = 1's own y: refused as before */
    uint8_t enc[33], one[33] = { 0x02 }, hint[32];
    mpc_elem e;
    one[32] = 1;
    cr_assert_eq(mpc_elem_decode(g, &e, one), 0);
    cr_assert_eq(mpc_elems_hints(g, hint, &e, one, 1), 0);
    enc[0] = 0x02;
    tu_hex(enc + 1, 32, P_HEX);
    enc[32] = (uint8_t)(enc[32] + 1);
    hint_variants(enc, hint);
    /* the identity, and x values with no point */
    memset(enc, 0, 33);
    hint_variants(enc, hint);
    static const uint8_t none[] = { 0, 5, 7, 9 };
    for (size_t i = 0; i < sizeof none; i++) {
        memset(enc, 0, 33);
        enc[0] = 0x03;
        enc[32] = none[i];
        hint_variants(enc, hint);
    }
    /* the hint of infinity is zeros (no hint) */
    mpc_elem inf;
    uint8_t zero[33] = { 0 };
    mpc_elem_identity(g, &inf);
    memset(hint, 0xaa, 32);
    cr_assert_eq(mpc_elems_hints(g, hint, &inf, zero, 1), 0);
    for (int i = 0; i < 32; i++)
        cr_assert_eq(hint[i], 0);
}

Test(mpc_secp256k1, scalar_decode_strict)
{
    static const char *N_HEX = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    uint8_t s[32];
    mpc_scalar d;
    tu_hex(s, 32, N_HEX);
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    cr_assert_eq(secp256k1_ec_seckey_verify(ctx, s), 0);
    s[31]++;
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    s[31] = 0x40;                  /* n - 1 */
    cr_assert_eq(mpc_scalar_decode(g, &d, s), 0);
    cr_assert(secp256k1_ec_seckey_verify(ctx, s));
    /* p (a field element, not a scalar) is above n */
    tu_hex(s, 32, P_HEX);
    cr_assert_eq(mpc_scalar_decode(g, &d, s), SH_ERR_NONCANONICAL);
    /* byte order: 1 is 00..01 */
    mpc_scalar one;
    uint8_t enc[32] = { [31] = 1 };
    cr_assert_eq(mpc_scalar_decode(g, &d, enc), 0);
    mpc_scalar_one(g, &one);
    cr_assert(mpc_scalar_eq(g, &d, &one));
}

/* reduce(2^256) is the constant 2^256 - n the backend uses; reduce of a
 * 64-byte hash agrees with an independent route: hi * 2^256 + lo
 * evaluated with libsecp256k1's seckey functions. */
Test(mpc_secp256k1, reduce_cross_check)
{
    uint8_t in[33] = { 1 }, want[32], got[32];
    mpc_scalar r;
    cr_assert_eq(mpc_scalar_reduce(g, &r, in, 33), 0);
    mpc_scalar_encode(g, got, &r);
    tu_hex(want, 32, "000000000000000000000000000000014551231950b75fc4402da1732fc9bebf");
    cr_assert_arr_eq(got, want, 32);
    for (int i = 0; i < ROUNDS; i++) {
        uint8_t wide[64], hi[32], lo[32];
        sh_rng_bytes(rng, wide, 64);
        wide[0] &= 0x7f;           /* hi < n, lo < n: valid seckeys */
        wide[32] &= 0x7f;
        memcpy(hi, wide, 32);
        memcpy(lo, wide + 32, 32);
        cr_assert(secp256k1_ec_seckey_tweak_mul(ctx, hi, want));   /* hi * 2^256 */
        cr_assert(secp256k1_ec_seckey_tweak_add(ctx, hi, lo));
        cr_assert_eq(mpc_scalar_reduce(g, &r, wide, 64), 0);
        mpc_scalar_encode(g, got, &r);
        cr_assert_arr_eq(got, hi, 32);
    }
}
