/* mpc/secp_msm.c -- Straus multi-scalar multiplication on secp256k1 for
 * public inputs (see secp_msm.h).
 *
 * Curve y^2 = x^3 + 7 over mpc/secp_fe.h's field; the group has prime
 * order, so no point but infinity has y = 0 and the only special cases of
 * an addition are P + P and P + (-P).  The accumulator is Jacobian
 * (x = X/Z^2, y = Y/Z^3) with an explicit infinity flag; table entries are
 * affine.  Formulas: doubling "dbl-2009-l" and mixed addition
 * "madd-2007-bl" of the Explicit-Formulas Database for a = 0, full
 * Jacobian addition "add-2007-bl" for the tables and Horner's rule.
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

static void jac_dbl(jac *r, const jac *a)
{
    sfe A, B, C, D, E, F, t;
    if (a->inf) {
        r->inf = 1;
        return;
    }
    sfe_sqr(&A, &a->x);
    sfe_sqr(&B, &a->y);
    sfe_sqr(&C, &B);
    sfe_add(&t, &a->x, &B);
    sfe_sqr(&t, &t);
    sfe_sub(&t, &t, &A);
    sfe_sub(&t, &t, &C);
    sfe_dbl(&D, &t);                     /* D = 2((X+B)^2 - A - C) */
    sfe_dbl(&E, &A);
    sfe_add(&E, &E, &A);                 /* E = 3A */
    sfe_sqr(&F, &E);
    sfe_mul(&r->z, &a->y, &a->z);
    sfe_dbl(&r->z, &r->z);               /* Z3 = 2YZ (before Y is overwritten) */
    sfe_dbl(&t, &D);
    sfe_sub(&r->x, &F, &t);              /* X3 = F - 2D */
    sfe_sub(&t, &D, &r->x);
    sfe_mul(&t, &E, &t);
    sfe_dbl(&C, &C);
    sfe_dbl(&C, &C);
    sfe_dbl(&C, &C);
    sfe_sub(&r->y, &t, &C);              /* Y3 = E(D - X3) - 8C */
    r->inf = 0;
}

/* r = a + b for affine b; r may alias a. */
static void jac_add_aff(jac *r, const jac *a, const aff *b)
{
    sfe z1z1, u2, s2, h, hh, i, j, rr, v, t;
    if (a->inf) {
        r->x = b->x;
        r->y = b->y;
        r->z = (sfe){ { 1, 0, 0, 0, 0 } };
        r->inf = 0;
        return;
    }
    sfe_sqr(&z1z1, &a->z);
    sfe_mul(&u2, &b->x, &z1z1);
    sfe_mul(&s2, &b->y, &a->z);
    sfe_mul(&s2, &s2, &z1z1);
    sfe_sub(&h, &u2, &a->x);
    sfe_sub(&rr, &s2, &a->y);
    if (sfe_is_zero(&h)) {
        if (sfe_is_zero(&rr)) {          /* a == b */
            jac d = { b->x, b->y, { { 1, 0, 0, 0, 0 } }, 0 };
            jac_dbl(r, &d);
        } else {                         /* a == -b */
            r->inf = 1;
        }
        return;
    }
    sfe_dbl(&rr, &rr);                   /* r = 2(S2 - Y1) */
    sfe_sqr(&hh, &h);
    sfe_dbl(&i, &hh);
    sfe_dbl(&i, &i);                     /* I = 4 HH */
    sfe_mul(&j, &h, &i);
    sfe_mul(&v, &a->x, &i);
    /* Z3 = (Z1 + H)^2 - Z1Z1 - HH, before Z1 is overwritten */
    sfe_add(&t, &a->z, &h);
    sfe_sqr(&t, &t);
    sfe_sub(&t, &t, &z1z1);
    sfe_sub(&r->z, &t, &hh);
    sfe_mul(&t, &a->y, &j);
    sfe_dbl(&t, &t);                     /* 2 Y1 J */
    sfe_sqr(&r->x, &rr);
    sfe_sub(&r->x, &r->x, &j);
    sfe_sub(&r->x, &r->x, &v);
    sfe_sub(&r->x, &r->x, &v);           /* X3 = r^2 - J - 2V */
    sfe_sub(&v, &v, &r->x);
    sfe_mul(&v, &rr, &v);
    sfe_sub(&r->y, &v, &t);              /* Y3 = r(V - X3) - 2 Y1 J */
    r->inf = 0;
}

/* r = a + b for any Jacobian a, b (infinity, equal and opposite points
 * included); r may alias either (every read of a and b comes before the
 * first write to r). */
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
    sfe z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    sfe_sqr(&z1z1, &a->z);
    sfe_sqr(&z2z2, &b->z);
    sfe_mul(&u1, &a->x, &z2z2);
    sfe_mul(&u2, &b->x, &z1z1);
    sfe_mul(&s1, &a->y, &b->z);
    sfe_mul(&s1, &s1, &z2z2);
    sfe_mul(&s2, &b->y, &a->z);
    sfe_mul(&s2, &s2, &z1z1);
    sfe_sub(&h, &u2, &u1);
    sfe_sub(&rr, &s2, &s1);
    if (sfe_is_zero(&h)) {
        if (sfe_is_zero(&rr))
            jac_dbl(r, a);
        else
            r->inf = 1;
        return;
    }
    sfe_dbl(&i, &h);
    sfe_sqr(&i, &i);                     /* I = (2H)^2 */
    sfe_mul(&j, &h, &i);
    sfe_dbl(&rr, &rr);                   /* r = 2(S2 - S1) */
    sfe_mul(&v, &u1, &i);
    sfe_add(&t, &a->z, &b->z);
    sfe_sqr(&t, &t);
    sfe_sub(&t, &t, &z1z1);
    sfe_sub(&t, &t, &z2z2);
    sfe_mul(&r->z, &t, &h);              /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
    sfe_sqr(&r->x, &rr);
    sfe_sub(&r->x, &r->x, &j);
    sfe_sub(&r->x, &r->x, &v);
    sfe_sub(&r->x, &r->x, &v);           /* X3 = r^2 - J - 2V */
    sfe_mul(&t, &s1, &j);
    sfe_dbl(&t, &t);
    sfe_sub(&v, &v, &r->x);
    sfe_mul(&v, &rr, &v);
    sfe_sub(&r->y, &v, &t);              /* Y3 = r(V - X3) - 2 S1 J */
    r->inf = 0;
}

/* Width-W NAF of the nonnegative k (three words, below 2^HALF_BITS):
 * digits[i] odd in [-(2^(W-1) - 1), 2^(W-1) - 1] or 0, sum digits[i] 2^i
 * = k, negated throughout when neg.  Returns the number of digits up to
 * the highest nonzero one (0 for k = 0). */
static int naf(int8_t digits[DIGITS], const uint64_t k3[3], int neg)
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
        int now = HALF_BITS - bit < W ? HALF_BITS - bit : W;
        /* the next `now` bits, from bit on (they may straddle two words) */
        uint64_t word = k[bit / 64] >> (bit % 64);
        if (bit % 64 != 0)
            word |= k[bit / 64 + 1] << (64 - bit % 64);
        int d = (int)(word & ((UINT64_C(1) << now) - 1)) + carry;
        carry = (d >> (W - 1)) & 1;
        d -= carry << W;
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
    sfe acc = { { 1, 0, 0, 0, 0 } }, inv, zi, zi2;
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

int mpc_secp_msm_vartime(const secp256k1_context *ctx, secp256k1_pubkey *out,
                         const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                         const secp256k1_pubkey *Q, size_t m)
{
    /* each term is two: P_i with k1's digits, lambda P_i with k2's */
    if (n > SIZE_MAX / (2 * TAB * (sizeof(jac) + 2 * sizeof(aff) + sizeof(sfe) + DIGITS)))
        return SH_ERR_NOMEM;
    size_t v = 2 * n;
    int8_t *dig = malloc(v * DIGITS + 1);
    jac *tj = calloc(n * TAB + 1, sizeof *tj);
    aff *ta = malloc((v * TAB + 1) * sizeof *ta);
    sfe *scratch = malloc((n * TAB + 1) * sizeof *scratch);
    int rc = SH_ERR_NOMEM, top = 0;
    jac acc = { .inf = 1 };
    sfe beta;

    if (dig == NULL || tj == NULL || ta == NULL || scratch == NULL)
        goto done;
    sfe_from_be(&beta, GLV_BETA);
    /* tables of odd multiples, Jacobian, then affine all at once */
    for (size_t i = 0; i < n; i++) {
        uint64_t m1[3], m2[3];
        int neg1, neg2, len;
        mpc_secp_glv_split(s[i], m1, &neg1, m2, &neg2);
        /* the split bounds both halves by 2^128; a larger one would be a
         * bug in the split, which naf would truncate: refuse it loudly */
        if ((m1[2] | m2[2]) != 0) {
            rc = SH_ERR_INTERNAL;
            goto done;
        }
        if ((len = naf(dig + 2 * i * DIGITS, m1, neg1)) > top)
            top = len;
        if ((len = naf(dig + (2 * i + 1) * DIGITS, m2, neg2)) > top)
            top = len;
        aff p;
        jac p2, *t = tj + i * TAB;
        if (pubkey_to_aff(ctx, &p, &P[i]) != 0) {
            rc = SH_ERR_INTERNAL;
            goto done;
        }
        t[0] = (jac){ p.x, p.y, { { 1, 0, 0, 0, 0 } }, 0 };
        jac_dbl(&p2, &t[0]);
        for (int k = 1; k < TAB; k++)
            jac_add(&t[k], &t[k - 1], &p2);
    }
    batch_affine(ta, tj, n * TAB, scratch);
    /* ta holds P_i's table at i TAB; lambda P_i's goes at (n + i) TAB */
    for (size_t e = 0; e < n * TAB; e++) {
        sfe_mul(&ta[n * TAB + e].x, &ta[e].x, &beta);
        ta[n * TAB + e].y = ta[e].y;
    }

    for (int bit = top - 1; bit >= 0; bit--) {
        jac_dbl(&acc, &acc);
        for (size_t j = 0; j < v; j++) {
            int d = dig[j * DIGITS + bit];
            if (d == 0)
                continue;
            const aff *tab = ta + ((j & 1) ? n + j / 2 : j / 2) * TAB;
            if (d > 0) {
                jac_add_aff(&acc, &acc, &tab[(d - 1) / 2]);
            } else {
                aff e = tab[(-d - 1) / 2];
                sfe_neg(&e.y, &e.y);
                jac_add_aff(&acc, &acc, &e);
            }
        }
    }
    for (size_t j = 0; j < m; j++) {
        aff q;
        if (pubkey_to_aff(ctx, &q, &Q[j]) != 0) {
            rc = SH_ERR_INTERNAL;
            goto done;
        }
        jac_add_aff(&acc, &acc, &q);
    }
    if (acc.inf) {
        rc = 0;
        goto done;
    }
    aff r;
    batch_affine(&r, &acc, 1, scratch);
    rc = aff_to_pubkey(ctx, out, &r) == 0 ? 1 : SH_ERR_INTERNAL;
done:
    free(dig);
    free(tj);
    free(ta);
    free(scratch);
    return rc;
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
            acc = (jac){ c[t - 1].x, c[t - 1].y, { { 1, 0, 0, 0, 0 } }, 0 };
        /* acc = v acc + C_j, the product by double-and-add from v's top bit */
        for (uint32_t j = t - 1; j-- > 0;) {
            mult = acc;
            for (int b = top - 1; b >= 0; b--) {
                jac_dbl(&acc, &acc);
                if (v >> b & 1)
                    jac_add(&acc, &acc, &mult);
            }
            if (c_inf == NULL || !c_inf[j])
                jac_add_aff(&acc, &acc, &c[j]);
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
