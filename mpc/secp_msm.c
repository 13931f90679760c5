/* mpc/secp_msm.c -- Straus multi-scalar multiplication on secp256k1 for
 * public inputs (see secp_msm.h).
 *
 * Curve y^2 = x^3 + 7 over mpc/secp_fe.h's field; the group has prime
 * order, so no point but infinity has y = 0 and the only special cases of
 * an addition are P + P and P + (-P).  The accumulator is Jacobian
 * (x = X/Z^2, y = Y/Z^3) with an explicit infinity flag; table entries are
 * affine, on the curve itself (G's table) or on an isomorphic curve
 * (odd_multiples_globalz).  Formulas, as libsecp256k1's group code: the
 * doubling with z3 = y1 z1 and a field halving (3M + 4S), the mixed
 * addition with the negations folded into h^2 (8M + 3S), and the same
 * addition for two Jacobian points (Horner's rule).  The field reduces
 * lazily: the magnitude of every intermediate is counted in comments and
 * checked under SHROUD_VERIFY (mpc/secp_fe.h).
 *
 * Each scalar is split by the GLV endomorphism (Gallant, Lambert and
 * Vanstone, CRYPTO 2001): lambda P = (beta x, y) for the cube roots of
 * unity lambda mod n and beta mod p, and k = k1 + k2 lambda (mod n) with
 * |k1|, |k2| below 2^128, so the shared doublings run over at most 130
 * bits instead of 257 and lambda P's table is P's with x times beta.  The split
 * rounds k b2 / n and -k b1 / n for the short lattice basis (a1, b1),
 * (a2, b2) of {(x, y): x + y lambda = 0 mod n}, as 384-bit fixed-point
 * products.  The constants are public facts (lambda, beta and the basis
 * are the ones libsecp256k1 and the GLV literature use); the identities
 * lambda^3 = 1, beta^3 = 1, lambda G = (beta x, y), a + b lambda = 0 were
 * checked with Python integers, and tests/test_mpc_secp_msm.c checks the
 * split through mpc_secp_glv_split: k1 + k2 lambda = k and |k1|, |k2| <
 * 2^128 on random and boundary scalars.
 */
#include "mpc/secp_msm.h"
#include "mpc/secp_fe.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define W 5                              /* NAF width */
#define TAB (1 << (W - 2))               /* odd multiples 1P, 3P, ..., 15P */
#define HALF_BITS 130                    /* |k1|, |k2| < 2^128, with room */
#define DIGITS (HALF_BITS + 1)


/* n, and the split's constants, little-endian 64-bit words: g1 =
 * round(2^384 b2 / n), g2 = round(2^384 (-b1) / n), a1 = b2, -b1, a2. */
static const uint64_t GLV_N[4] = { UINT64_C(0xbfd25e8cd0364141), UINT64_C(0xbaaedce6af48a03b),
                                   UINT64_C(0xfffffffffffffffe), UINT64_C(0xffffffffffffffff) };
static const uint64_t GLV_G1[4] = { UINT64_C(0xe893209a45dbb031), UINT64_C(0x3daa8a1471e8ca7f),
                                    UINT64_C(0xe86c90e49284eb15), UINT64_C(0x3086d221a7d46bcd) };
static const uint64_t GLV_G2[4] = { UINT64_C(0x1571b4ae8ac47f71), UINT64_C(0x221208ac9df506c6),
                                    UINT64_C(0x6f547fa90abfe4c4), UINT64_C(0xe4437ed6010e8828) };
static const uint64_t GLV_A1[3] = { UINT64_C(0xe86c90e49284eb15), UINT64_C(0x3086d221a7d46bcd), 0 };
static const uint64_t GLV_MB1[3] = { UINT64_C(0x6f547fa90abfe4c3), UINT64_C(0xe4437ed6010e8828), 0 };
static const uint64_t GLV_A2[3] = { UINT64_C(0x57c1108d9d44cfd8), UINT64_C(0x14ca50f7a8e2f3f6), 1 };
/* beta, big-endian */
static const uint8_t GLV_BETA[32] = {
    0x7a, 0xe9, 0x6a, 0x2b, 0x65, 0x7c, 0x07, 0x10, 0x6e, 0x64, 0x47, 0x9e, 0xac, 0x34, 0x34, 0xe9,
    0x9c, 0xf0, 0x49, 0x75, 0x12, 0xf5, 0x89, 0x95, 0xc1, 0x39, 0x6c, 0x28, 0x71, 0x95, 0x01, 0xee
};

typedef struct aff {
    sfe x, y;
} aff;

typedef struct jac {
    sfe x, y, z;
    int inf;
} jac;

/* Magnitudes (mpc/secp_fe.h): a jac's x and y are at most JAC_MAG and its
 * z at most 1.  An aff's x and y are at most JAC_MAG too (a table's 2P
 * comes out of a doubling with 3 and 4); table entries are 1, and 2 for a
 * negated y.  Every formula below takes and returns these, with the count
 * in its comments. */
#define JAC_MAG 4

/* (x, y) as a Jacobian point with z = 1. */
static void jac_set_aff(jac *r, const aff *a)
{
    r->x = a->x;
    r->y = a->y;
    sfe_set_int(&r->z, 1);
    r->inf = 0;
}

/* r = 2a; r may alias a.  The result has z = y1 z1, half the usual 2 y1
 * z1, which the halving of L absorbs: L = 3/2 x1^2, S = y1^2, T = -x1 S,
 * x3 = L^2 + 2T, y3 = -(L (x3 + T) + S^2) (libsecp256k1's doubling; 3
 * multiplications, 4 squarings). */
static void jac_dbl(jac *r, const jac *a)
{
    sfe l, s, t;
    if (a->inf) {
        r->inf = 1;
        return;
    }
    sfe_mul(&r->z, &a->z, &a->y);        /* 1 (a->y is read before r->y is written) */
    sfe_sqr(&s, &a->y);                  /* 1 */
    sfe_sqr(&l, &a->x);                  /* 1 */
    sfe_mul_int(&l, &l, 3);              /* 3 */
    sfe_half(&l, &l);                    /* 2 */
    sfe_negate(&t, &s, 1);               /* 2 */
    sfe_mul(&t, &t, &a->x);              /* 1 */
    sfe_sqr(&r->x, &l);                  /* 1 */
    sfe_add(&r->x, &r->x, &t);           /* 2 */
    sfe_add(&r->x, &r->x, &t);           /* 3 */
    sfe_sqr(&s, &s);                     /* 1 */
    sfe_add(&t, &t, &r->x);              /* 4 */
    sfe_mul(&r->y, &t, &l);              /* 1 */
    sfe_add(&r->y, &r->y, &s);           /* 2 */
    sfe_negate(&r->y, &r->y, 2);         /* 4 */
    r->inf = 0;
}

/* r = a + b for affine b (x and y of magnitude at most JAC_MAG); r may
 * alias a.  Returns 0, or 1 for the special cases (a or the sum at
 * infinity, or a doubling), where *hz is left alone; otherwise, if hz is
 * not NULL, *hz gets z3 / z1 (h below, magnitude 2 JAC_MAG + 1).  With u1
 * = x1, u2 = x2 z1^2, s1 = y1, s2 = y2 z1^3, h = u2 - u1 and i = s1 - s2
 * (the usual r, negated): x3 = i^2 - h^3 - 2 u1 h^2, y3 = i (x3 - u1 h^2)
 * - s1 h^3 and z3 = z1 h, with the negations folded into h^2 as in
 * libsecp256k1's addition: 8 multiplications, 3 squarings. */
static int jac_add_aff(jac *r, const jac *a, const aff *b, sfe *hz)
{
    sfe z12, u2, s2, h, i, h2, h3, t;
    if (a->inf) {
        jac_set_aff(r, b);
        return 1;
    }
    sfe_sqr(&z12, &a->z);                /* 1 */
    sfe_mul(&u2, &b->x, &z12);           /* 1 */
    sfe_mul(&s2, &b->y, &z12);
    sfe_mul(&s2, &s2, &a->z);            /* 1 */
    sfe_negate(&h, &a->x, JAC_MAG);
    sfe_add(&h, &h, &u2);                /* h = u2 - u1: 2 JAC_MAG + 1 */
    sfe_negate(&i, &s2, 1);
    sfe_add(&i, &i, &a->y);              /* i = s1 - s2: 2 + JAC_MAG */
    if (sfe_is_zero(&h)) {
        if (sfe_is_zero(&i)) {           /* a == b */
            jac d;
            jac_set_aff(&d, b);
            jac_dbl(r, &d);
        } else {                         /* a == -b */
            r->inf = 1;
        }
        return 1;
    }
    if (hz != NULL)
        *hz = h;
    sfe_sqr(&h2, &h);                    /* 1 */
    sfe_mul(&r->z, &a->z, &h);           /* 1 */
    sfe_negate(&h2, &h2, 1);             /* -h^2: 2 */
    sfe_mul(&h3, &h2, &h);               /* -h^3: 1 */
    sfe_mul(&t, &a->x, &h2);             /* -u1 h^2: 1 */
    sfe_mul(&h2, &h3, &a->y);            /* -h^3 s1: 1 (h2 reused) */
    sfe_sqr(&r->x, &i);                  /* 1 */
    sfe_add(&r->x, &r->x, &h3);          /* 2 */
    sfe_add(&r->x, &r->x, &t);           /* 3 */
    sfe_add(&r->x, &r->x, &t);           /* x3 = i^2 - h^3 - 2 u1 h^2: 4 */
    sfe_add(&t, &t, &r->x);              /* x3 - u1 h^2: 5 */
    sfe_mul(&r->y, &t, &i);              /* 1 */
    sfe_add(&r->y, &r->y, &h2);          /* 2 */
    r->inf = 0;
    return 0;
}

/* r = a + b for any Jacobian a, b (infinity, equal and opposite points
 * included); r may alias either (every read of a and b comes before the
 * first write to r).  The same formulas with u1 = x1 z2^2 and s1 = y1
 * z2^3: 12 multiplications, 4 squarings. */
static void jac_add(jac *r, const jac *a, const jac *b)
{
    if (a->inf) {
        *r = *b;
        return;
    }
    if (b->inf) {
        *r = *a;
        return;
    }
    sfe z12, z22, u1, u2, s1, s2, h, i, h2, h3, t;
    sfe_sqr(&z22, &b->z);
    sfe_sqr(&z12, &a->z);
    sfe_mul(&u1, &a->x, &z22);           /* 1 */
    sfe_mul(&u2, &b->x, &z12);           /* 1 */
    sfe_mul(&s1, &a->y, &z22);
    sfe_mul(&s1, &s1, &b->z);            /* 1 */
    sfe_mul(&s2, &b->y, &z12);
    sfe_mul(&s2, &s2, &a->z);            /* 1 */
    sfe_negate(&h, &u1, 1);
    sfe_add(&h, &h, &u2);                /* 3 */
    sfe_negate(&i, &s2, 1);
    sfe_add(&i, &i, &s1);                /* 3 */
    if (sfe_is_zero(&h)) {
        if (sfe_is_zero(&i))
            jac_dbl(r, a);
        else
            r->inf = 1;
        return;
    }
    sfe_mul(&t, &h, &b->z);
    sfe_mul(&h2, &h, &h);
    sfe_mul(&r->z, &a->z, &t);           /* z3 = z1 z2 h: 1 */
    sfe_negate(&h2, &h2, 1);             /* 2 */
    sfe_mul(&h3, &h2, &h);               /* 1 */
    sfe_mul(&t, &u1, &h2);               /* 1 */
    sfe_mul(&h2, &h3, &s1);              /* 1 */
    sfe_sqr(&r->x, &i);
    sfe_add(&r->x, &r->x, &h3);
    sfe_add(&r->x, &r->x, &t);
    sfe_add(&r->x, &r->x, &t);           /* 4 */
    sfe_add(&t, &t, &r->x);              /* 5 */
    sfe_mul(&r->y, &t, &i);
    sfe_add(&r->y, &r->y, &h2);          /* 2 */
    r->inf = 0;
}

/* Width-w NAF (w at most 8) of the nonnegative k (three words, below 2^HALF_BITS):
 * digits[i] odd in [-(2^(w-1) - 1), 2^(w-1) - 1] or 0, sum digits[i] 2^i
 * = k, negated throughout when neg.  Returns the number of digits up to
 * the highest nonzero one (0 for k = 0). */
static int naf(int8_t digits[DIGITS], const uint64_t k3[3], int neg, int w)
{
    const uint64_t k[4] = { k3[0], k3[1], k3[2], 0 };
    int carry = 0, len = 0;
    memset(digits, 0, DIGITS);
    for (int bit = 0; bit < HALF_BITS;) {
        unsigned b = (unsigned)(k[bit / 64] >> (bit % 64)) & 1u;
        if (b == (unsigned)carry) {
            bit++;
            continue;
        }
        int now = HALF_BITS - bit < w ? HALF_BITS - bit : w;
        /* the next `now` bits, from bit on (they may straddle two words) */
        uint64_t word = k[bit / 64] >> (bit % 64);
        if (bit % 64 != 0)
            word |= k[bit / 64 + 1] << (64 - bit % 64);
        int d = (int)(word & ((UINT64_C(1) << now) - 1)) + carry;
        carry = (d >> (w - 1)) & 1;
        d -= carry << w;
        digits[bit] = (int8_t)(neg ? -d : d);
        len = bit + 1;
        bit += now;
    }
    if (carry) {
        digits[HALF_BITS] = (int8_t)(neg ? -1 : 1);
        len = HALF_BITS + 1;
    }
    return len;
}

/* out = low three words of x * y (x and y three words each). */
static void mul_lo3(uint64_t out[3], const uint64_t x[3], const uint64_t y[3])
{
    uint64_t t[3] = { 0, 0, 0 };
    for (int i = 0; i < 3; i++) {
        sfe_u128 c = 0;
        for (int j = 0; i + j < 3; j++) {
            c += (sfe_u128)x[i] * y[j] + t[i + j];
            t[i + j] = (uint64_t)c;
            c >>= 64;
        }
    }
    memcpy(out, t, sizeof t);
}

/* a - b modulo 2^192 */
static void sub3(uint64_t r[3], const uint64_t a[3], const uint64_t b[3])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t x = a[i], y = b[i];
        r[i] = x - y - borrow;
        borrow = (x < y) | ((x == y) & borrow);
    }
}

/* round(k g / 2^384) for k, g below 2^256: bits 384-511 of k g + 2^383. */
static void mul_shift384(uint64_t out[3], const uint64_t k[4], const uint64_t g[4])
{
    uint64_t t[8] = { 0 };
    for (int i = 0; i < 4; i++) {
        sfe_u128 c = 0;
        for (int j = 0; j < 4; j++) {
            c += (sfe_u128)k[i] * g[j] + t[i + j];
            t[i + j] = (uint64_t)c;
            c >>= 64;
        }
        t[i + 4] = (uint64_t)c;
    }
    sfe_u128 c = (sfe_u128)t[5] + (UINT64_C(1) << 63);
    c = (c >> 64) + t[6];
    out[0] = (uint64_t)c;
    c = (c >> 64) + t[7];
    out[1] = (uint64_t)c;
    out[2] = 0;
}

/* Splits the big-endian s (any value below 2^256) into k1 + k2 lambda
 * (mod n): magnitudes in m1, m2 (three words) and signs in neg1, neg2. */
void mpc_secp_glv_split(const uint8_t s[32], uint64_t m1[3], int *neg1, uint64_t m2[3], int *neg2)
{
    uint64_t k[4], c1[3], c2[3], t[3], u[3];
    for (int i = 0; i < 4; i++) {
        k[i] = 0;
        for (int j = 0; j < 8; j++)
            k[i] = (k[i] << 8) | s[(3 - i) * 8 + j];
    }
    /* k mod n: one subtraction, as 2^256 < 2n */
    int ge = 1;
    for (int i = 3; i >= 0; i--)
        if (k[i] != GLV_N[i]) {
            ge = k[i] > GLV_N[i];
            break;
        }
    if (ge) {
        uint64_t borrow = 0;
        for (int i = 0; i < 4; i++) {
            uint64_t x = k[i], y = GLV_N[i];
            k[i] = x - y - borrow;
            borrow = (x < y) | ((x == y) & borrow);
        }
    }
    mul_shift384(c1, k, GLV_G1);
    mul_shift384(c2, k, GLV_G2);
    /* k1 = k - c1 a1 - c2 a2, k2 = c1 (-b1) - c2 a1, exact integers below
     * 2^129 in magnitude, so computed modulo 2^192 */
    mul_lo3(t, c1, GLV_A1);
    sub3(m1, k, t);
    mul_lo3(t, c2, GLV_A2);
    sub3(m1, m1, t);
    mul_lo3(t, c1, GLV_MB1);
    mul_lo3(u, c2, GLV_A1);
    sub3(m2, t, u);
    static const uint64_t zero[3] = { 0, 0, 0 };
    if ((*neg1 = (int)(m1[2] >> 63)) != 0)
        sub3(m1, zero, m1);
    if ((*neg2 = (int)(m2[2] >> 63)) != 0)
        sub3(m2, zero, m2);
}

static int pubkey_to_aff(const secp256k1_context *ctx, aff *r, const secp256k1_pubkey *pk)
{
    uint8_t b[65];
    size_t len = sizeof b;
    if (!secp256k1_ec_pubkey_serialize(ctx, b, &len, pk, SECP256K1_EC_UNCOMPRESSED))
        return -1;
    sfe_from_be(&r->x, b + 1);
    sfe_from_be(&r->y, b + 33);
    return 0;
}

/* The affine point back into a pubkey.  The parser checks it is on the
 * curve: an arithmetic error shows up as a failure here (SH_ERR_INTERNAL),
 * not as a wrong point passed on. */
static int aff_to_pubkey(const secp256k1_context *ctx, secp256k1_pubkey *out, const aff *r)
{
    uint8_t b[65];
    b[0] = 0x04;
    sfe_to_be(b + 1, &r->x);
    sfe_to_be(b + 33, &r->y);
    return secp256k1_ec_pubkey_parse(ctx, out, b, sizeof b) ? 0 : SH_ERR_INTERNAL;
}

/* Every entry of J made affine with one inversion (Montgomery's trick):
 * the prefix products of the z, one inverse, then back down. */
static void batch_affine(aff *out, const jac *J, size_t n, sfe *scratch)
{
    sfe acc, inv, zi, zi2;
    sfe_set_int(&acc, 1);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        sfe_mul(&acc, &acc, &J[i].z);
    }
    sfe_inv(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        sfe_mul(&zi, &inv, &scratch[i]);     /* 1/z_i */
        sfe_mul(&inv, &inv, &J[i].z);
        sfe_sqr(&zi2, &zi);
        sfe_mul(&out[i].x, &J[i].x, &zi2);
        sfe_mul(&zi2, &zi2, &zi);
        sfe_mul(&out[i].y, &J[i].y, &zi2);
    }
}

/* The odd multiples P, 3P, ..., (2 ts - 1) P of each of the n affine
 * points P[i], into tab[i ts ...], all sharing one Jacobian z, *zg,
 * without an inversion ("effective affine", as libsecp256k1's ecmult
 * builds its tables).  Points with one z = Z are, as (x, y), affine points
 * of the isomorphic curve y^2 = x^3 + 7 Z^6, where the mixed addition's
 * formulas (which never use the curve's constant) hold unchanged; an
 * accumulator on that curve with z' stands for the point with z' Z on
 * ours.
 *
 * For each P: D = 2P is computed from P given the z of the previous
 * table's last entry (so that every entry's z is the one before it times
 * a known ratio); then P, rescaled to D's z, and D are affine on the curve
 * of D's z, and the multiples follow by mixed additions of D, each giving
 * its ratio h.  A last pass from the end brings every entry to the final
 * z by the product of the ratios after it.  ratio[] has n ts entries.
 * Returns 0, or SH_ERR_INTERNAL if an addition met a special case, which
 * for points of prime order other than infinity cannot happen (kP = +-2P
 * for k <= 2 ts - 1 < n). */
static int odd_multiples_globalz(aff *tab, sfe *ratio, const aff *P, size_t n, int ts, sfe *zg)
{
    sfe zrun, z2, z3;
    size_t e = 0;
    sfe_set_int(&zrun, 1);
    for (size_t i = 0; i < n; i++) {
        jac p, d, a;
        aff d_aff;
        if (i == 0) {
            jac_set_aff(&p, &P[i]);
        } else {                         /* P with z = zrun */
            sfe_sqr(&z2, &zrun);
            sfe_mul(&z3, &z2, &zrun);
            sfe_mul(&p.x, &P[i].x, &z2);
            sfe_mul(&p.y, &P[i].y, &z3);
            p.z = zrun;
            p.inf = 0;
        }
        jac_dbl(&d, &p);                 /* d.z = p.y p.z */
        d_aff.x = d.x;
        d_aff.y = d.y;
        /* P on D's curve: p rescaled by d.z / p.z = p.y */
        sfe_sqr(&z2, &p.y);
        sfe_mul(&z3, &z2, &p.y);
        sfe_mul(&a.x, &p.x, &z2);
        sfe_mul(&a.y, &p.y, &z3);
        sfe_set_int(&a.z, 1);
        a.inf = 0;
        tab[e].x = a.x;
        tab[e].y = a.y;
        ratio[e++] = p.y;                /* unused for the very first entry */
        zrun = d.z;
        for (int k = 1; k < ts; k++, e++) {
            if (jac_add_aff(&a, &a, &d_aff, &ratio[e]) != 0)
                return SH_ERR_INTERNAL;
            tab[e].x = a.x;
            tab[e].y = a.y;
            sfe_mul(&zrun, &zrun, &ratio[e]);
        }
    }
    /* the last entry has z = zrun already; entry e - 1 needs the ratios
     * of every entry after it */
    sfe f;
    sfe_weak(&tab[e - 1].x);
    sfe_weak(&tab[e - 1].y);
    f = ratio[e - 1];
    for (size_t k = e - 1; k-- > 0;) {
        sfe_sqr(&z2, &f);
        sfe_mul(&z3, &z2, &f);
        sfe_mul(&tab[k].x, &tab[k].x, &z2);
        sfe_mul(&tab[k].y, &tab[k].y, &z3);
        sfe_mul(&f, &f, &ratio[k]);
    }
    *zg = zrun;
    return 0;
}

/* ---- the base point's table ----------------------------------------------- */

#define GW 8                             /* NAF width for G */
#define GTAB (1 << (GW - 2))             /* G, 3G, ..., 127G */

struct mpc_secp_gtab {
    aff g[GTAB];                         /* affine on the curve itself */
    aff lg[GTAB];                        /* lambda times each: (beta x, y) */
};

mpc_secp_gtab *mpc_secp_gtab_new(const secp256k1_context *ctx, const secp256k1_pubkey *G)
{
    mpc_secp_gtab *t = malloc(sizeof *t);
    sfe ratio[GTAB], zg, zi, zi2, zi3, beta;
    aff g;
    if (t == NULL)
        return NULL;
    if (pubkey_to_aff(ctx, &g, G) != 0 || odd_multiples_globalz(t->g, ratio, &g, 1, GTAB, &zg) != 0) {
        free(t);
        return NULL;
    }
    /* one z for all: one inversion makes them affine */
    sfe_inv(&zi, &zg);
    sfe_sqr(&zi2, &zi);
    sfe_mul(&zi3, &zi2, &zi);
    sfe_from_be(&beta, GLV_BETA);
    for (int k = 0; k < GTAB; k++) {
        sfe_mul(&t->g[k].x, &t->g[k].x, &zi2);
        sfe_mul(&t->g[k].y, &t->g[k].y, &zi3);
        sfe_mul(&t->lg[k].x, &t->g[k].x, &beta);
        t->lg[k].y = t->g[k].y;
    }
    return t;
}

void mpc_secp_gtab_free(mpc_secp_gtab *t)
{
    free(t);                             /* public points only */
}

/* ---- the multi-scalar multiplication --------------------------------------- */

/* *acc = g G + sum s_i P_i + sum Q_j in Jacobian coordinates of the curve
 * itself (g NULL: no G term; gt is then not read).  Returns 0, or
 * SH_ERR_NOMEM / SH_ERR_INTERNAL. */
static int msm_jac(const secp256k1_context *ctx, jac *acc, const mpc_secp_gtab *gt,
                   const uint8_t *g, const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                   const secp256k1_pubkey *Q, size_t m)
{
    /* each term is two: P_i with k1's digits, lambda P_i with k2's; G's
     * two come last */
    if (n > SIZE_MAX / (2 * TAB * (2 * sizeof(aff) + sizeof(sfe) + DIGITS)) - 2)
        return SH_ERR_NOMEM;
    size_t v = 2 * n;
    int8_t *dig = malloc((v + 2) * DIGITS);
    aff *pts = malloc((n + 1) * sizeof *pts);
    aff *ta = malloc((v * TAB + 1) * sizeof *ta);
    sfe *ratio = malloc((n * TAB + 1) * sizeof *ratio);
    int rc = SH_ERR_NOMEM, top = 0;
    sfe beta, zg, zg2, zg3;

    acc->inf = 1;
    if (dig == NULL || pts == NULL || ta == NULL || ratio == NULL)
        goto done;
    rc = SH_ERR_INTERNAL;
    sfe_from_be(&beta, GLV_BETA);
    sfe_set_int(&zg, 1);
    for (size_t i = 0; i < n + (g != NULL); i++) {
        uint64_t m1[3], m2[3];
        int neg1, neg2, len, w = i < n ? W : GW;
        mpc_secp_glv_split(i < n ? s[i] : g, m1, &neg1, m2, &neg2);
        /* the split bounds both halves by 2^128; a larger one would be a
         * bug in the split, which naf would truncate: refuse it loudly */
        if ((m1[2] | m2[2]) != 0)
            goto done;
        if ((len = naf(dig + 2 * i * DIGITS, m1, neg1, w)) > top)
            top = len;
        if ((len = naf(dig + (2 * i + 1) * DIGITS, m2, neg2, w)) > top)
            top = len;
        if (i < n && pubkey_to_aff(ctx, &pts[i], &P[i]) != 0)
            goto done;
    }
    /* P_i's table at i TAB, lambda P_i's at (n + i) TAB, all on the curve
     * of zg; G's entries are moved to it as they are used */
    if (n > 0 && odd_multiples_globalz(ta, ratio, pts, n, TAB, &zg) != 0)
        goto done;
    for (size_t e = 0; e < n * TAB; e++) {
        sfe_mul(&ta[n * TAB + e].x, &ta[e].x, &beta);
        ta[n * TAB + e].y = ta[e].y;
    }
    sfe_sqr(&zg2, &zg);
    sfe_mul(&zg3, &zg2, &zg);

    for (int bit = top - 1; bit >= 0; bit--) {
        jac_dbl(acc, acc);
        for (size_t j = 0; j < v + 2 * (g != NULL); j++) {
            int d = dig[j * DIGITS + bit];
            aff e;
            if (d == 0)
                continue;
            if (j < v) {
                e = ta[((j & 1) ? n + j / 2 : j / 2) * TAB + (d > 0 ? d - 1 : -d - 1) / 2];
            } else {
                e = ((j & 1) ? gt->lg : gt->g)[(d > 0 ? d - 1 : -d - 1) / 2];
                if (n > 0) {
                    sfe_mul(&e.x, &e.x, &zg2);
                    sfe_mul(&e.y, &e.y, &zg3);
                }
            }
            if (d < 0)
                sfe_negate(&e.y, &e.y, 1);
            (void)jac_add_aff(acc, acc, &e, NULL);
        }
    }
    if (!acc->inf)                       /* back to our curve */
        sfe_mul(&acc->z, &acc->z, &zg);
    for (size_t j = 0; j < m; j++) {
        aff q;
        if (pubkey_to_aff(ctx, &q, &Q[j]) != 0)
            goto done;
        (void)jac_add_aff(acc, acc, &q, NULL);
    }
    rc = 0;
done:
    free(dig);
    free(pts);
    free(ta);
    free(ratio);
    return rc;
}

int mpc_secp_msm_base_vartime(const secp256k1_context *ctx, secp256k1_pubkey *out,
                              const mpc_secp_gtab *gt, const uint8_t *g,
                              const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                              const secp256k1_pubkey *Q, size_t m)
{
    jac acc;
    aff r;
    sfe scratch;
    if (g != NULL && gt == NULL)
        return SH_ERR_INTERNAL;
    int rc = msm_jac(ctx, &acc, gt, g, s, P, n, Q, m);
    if (rc != 0)
        return rc;
    if (acc.inf)
        return 0;
    batch_affine(&r, &acc, 1, &scratch);
    return aff_to_pubkey(ctx, out, &r) == 0 ? 1 : SH_ERR_INTERNAL;
}

int mpc_secp_msm_vartime(const secp256k1_context *ctx, secp256k1_pubkey *out,
                         const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                         const secp256k1_pubkey *Q, size_t m)
{
    return mpc_secp_msm_base_vartime(ctx, out, NULL, NULL, s, P, n, Q, m);
}

int mpc_secp_msm_eq_vartime(const secp256k1_context *ctx, const secp256k1_pubkey *R,
                            const mpc_secp_gtab *gt, const uint8_t *g,
                            const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                            const secp256k1_pubkey *Q, size_t m)
{
    jac acc;
    aff r;
    sfe z2, z3, t;
    if (g != NULL && gt == NULL)
        return SH_ERR_INTERNAL;
    int rc = msm_jac(ctx, &acc, gt, g, s, P, n, Q, m);
    if (rc != 0)
        return rc;
    if (acc.inf)                         /* R, a pubkey, is never infinity */
        return 0;
    if (pubkey_to_aff(ctx, &r, R) != 0)
        return SH_ERR_INTERNAL;
    /* (X, Y, Z) == (x, y) when X = x Z^2 and Y = y Z^3: no inversion */
    sfe_sqr(&z2, &acc.z);
    sfe_mul(&t, &r.x, &z2);
    if (!sfe_eq(&acc.x, &t, 1))
        return 0;
    sfe_mul(&z3, &z2, &acc.z);
    sfe_mul(&t, &r.y, &z3);
    return sfe_eq(&acc.y, &t, 1);
}

int mpc_secp_poly_eval_small(const secp256k1_context *ctx, secp256k1_pubkey *out, int *inf,
                             const secp256k1_pubkey *C, const int *c_inf, uint32_t t,
                             const uint32_t *xs, size_t nx)
{
    if (t == 0)
        return SH_ERR_INTERNAL;
    if (nx > SIZE_MAX / (sizeof(jac) + sizeof(aff) + sizeof(sfe)))
        return SH_ERR_NOMEM;
    aff *c = malloc((size_t)t * sizeof *c);      /* t < 2^32: fits */
    jac *res = calloc(nx + 1, sizeof *res);
    aff *ra = malloc((nx + 1) * sizeof *ra);
    sfe *scratch = malloc((nx + 1) * sizeof *scratch);
    int rc = SH_ERR_NOMEM;
    size_t live = 0;

    if (c == NULL || res == NULL || ra == NULL || scratch == NULL)
        goto done;
    rc = SH_ERR_INTERNAL;
    for (uint32_t j = 0; j < t; j++)
        if ((c_inf == NULL || !c_inf[j]) && pubkey_to_aff(ctx, &c[j], &C[j]) != 0)
            goto done;
    for (size_t i = 0; i < nx; i++) {
        uint32_t v = xs[i];
        int top = 31;
        jac acc = { .inf = 1 }, mult;
        if (v == 0)
            goto done;
        while (!(v >> top & 1))
            top--;
        if (c_inf == NULL || !c_inf[t - 1])
            jac_set_aff(&acc, &c[t - 1]);
        /* acc = v acc + C_j, the product by double-and-add from v's top bit */
        for (uint32_t j = t - 1; j-- > 0;) {
            mult = acc;
            for (int b = top - 1; b >= 0; b--) {
                jac_dbl(&acc, &acc);
                if (v >> b & 1)
                    jac_add(&acc, &acc, &mult);
            }
            if (c_inf == NULL || !c_inf[j])
                (void)jac_add_aff(&acc, &acc, &c[j], NULL);
        }
        inf[i] = acc.inf;
        if (!acc.inf)
            res[live++] = acc;
    }
    batch_affine(ra, res, live, scratch);
    size_t k = 0;
    for (size_t i = 0; i < nx; i++)
        if (!inf[i] && aff_to_pubkey(ctx, &out[i], &ra[k++]) != 0)
            goto done;
    rc = 0;
done:
    free(c);
    free(res);
    free(ra);
    free(scratch);
    return rc;
}
