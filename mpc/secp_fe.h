/* mpc/secp_fe.h -- arithmetic modulo p = 2^256 - 2^32 - 977, the field of
 * secp256k1, for mpc/secp_msm.c (internal to mpc/).
 *
 * Why our own: libsecp256k1 compiles its field and group code as static
 * functions of one translation unit and exports no multi-scalar
 * multiplication, so a FROST group commitment over 66 signers cost 66
 * separate tweak_muls (docs/design-notes.md, "secp256k1 MSM").  This is the
 * minimum needed for a variable-time MSM on PUBLIC points and scalars;
 * everything secret still goes through libsecp256k1.
 *
 * An element is five 52-bit limbs in 64-bit words (value = sum n[i]
 * 2^(52 i)), so that additions need no carries and products accumulate in
 * 128 bits without carry chains.  Reduction uses 2^256 = 2^32 + 977
 * (mod p).
 *
 * Magnitudes.  Additions, subtractions and negations do not reduce: they
 * work limb by limb and let the limbs grow, as libsecp256k1's field does.
 * An element of magnitude m has every limb below m 2^53.  Products and
 * squares take inputs of magnitude at most SFE_MUL_MAG and return
 * magnitude 1; an addition returns the sum of its inputs' magnitudes; a
 * subtraction or negation of an element of magnitude at most m adds a
 * multiple of p whose limbs all reach m 2^53 (sfe_bias) and returns the
 * other input's magnitude plus 2 m.  The callers (mpc/secp_msm.c) keep the
 * count in comments; with SHROUD_VERIFY defined (the sanitizer and fuzz
 * builds) every element carries its magnitude, and every operation checks
 * its inputs' bounds and that the limbs really lie below them, and aborts
 * otherwise.  sfe_normalize gives the unique value below p, which
 * sfe_is_zero and sfe_eq compare.  The arithmetic has no secret-dependent
 * branches, but the callers branch on results: public values only.
 */
#ifndef SHROUD_MPC_SECP_FE_H
#define SHROUD_MPC_SECP_FE_H

#include <stdint.h>
#ifdef SHROUD_VERIFY
#include <stdio.h>
#include <stdlib.h>
#endif

typedef unsigned __int128 sfe_u128;

typedef struct sfe {
    uint64_t n[5];
#ifdef SHROUD_VERIFY
    int mag;
#endif
} sfe;

#define SFE_M52 ((UINT64_C(1) << 52) - 1)
#define SFE_M48 ((UINT64_C(1) << 48) - 1)
#define SFE_K UINT64_C(0x1000003D1)          /* 2^256 mod p */
#define SFE_R UINT64_C(0x1000003D10)         /* 2^260 mod p */
#define SFE_P0 UINT64_C(0xFFFFEFFFFFC2F)     /* p's limb 0; limbs 1-3 are 2^52-1, limb 4 2^48-1 */
#define SFE_MUL_MAG 16                       /* largest input magnitude of a product */
#define SFE_CMP_MAG 512                      /* largest input magnitude of a comparison (limbs below 2^62) */

#ifdef SHROUD_VERIFY
/* Every limb of a below a->mag 2^53, and the magnitude within max. */
static inline void sfe_verify(const sfe *a, int max)
{
    if (a->mag < 1 || a->mag > max) {
        fprintf(stderr, "secp_fe: magnitude %d outside [1, %d]\n", a->mag, max);
        abort();
    }
    for (int i = 0; i < 5; i++)
        if (a->n[i] >> 53 >= (uint64_t)a->mag) {
            fprintf(stderr, "secp_fe: limb %d above magnitude %d\n", i, a->mag);
            abort();
        }
}
#define SFE_CHECK(a, max) sfe_verify((a), (max))
#define SFE_SET_MAG(r, m) ((r)->mag = (m))
#define SFE_MAG(a) ((a)->mag)
#else
#define SFE_CHECK(a, max) ((void)0)
#define SFE_SET_MAG(r, m) ((void)0)
#define SFE_MAG(a) 0
#endif

/* The small integer v (below 2^52), magnitude 1. */
static inline void sfe_set_int(sfe *r, uint64_t v)
{
    r->n[0] = v;
    r->n[1] = r->n[2] = r->n[3] = r->n[4] = 0;
    SFE_SET_MAG(r, 1);
}

/* Back to magnitude 1 from limbs below 2^62: what lies above bit 256 is
 * folded into limb 0 as a multiple of 2^256 mod p, and every limb's
 * carry moves up one limb, all at once (no ripple: limbs 1-3 end below
 * 2^52 + 2^10, limb 0 below 2^52 + 2^47, limb 4 below 2^48 + 2^10). */
static inline void sfe_weak(sfe *r)
{
    uint64_t t4 = r->n[4] >> 48;
    uint64_t c0 = r->n[0] >> 52, c1 = r->n[1] >> 52, c2 = r->n[2] >> 52, c3 = r->n[3] >> 52;
    SFE_CHECK(r, 512);
    r->n[0] = (r->n[0] & SFE_M52) + t4 * SFE_K;
    r->n[1] = (r->n[1] & SFE_M52) + c0;
    r->n[2] = (r->n[2] & SFE_M52) + c1;
    r->n[3] = (r->n[3] & SFE_M52) + c2;
    r->n[4] = (r->n[4] & SFE_M48) + c3;
    SFE_SET_MAG(r, 1);
}

/* The same with the carries rippling up: limbs 0-3 end below 2^52 and
 * limb 4 below 2^48 + 2^11 (for sfe_normalize). */
static inline void sfe_tidy(sfe *r)
{
    uint64_t t = r->n[4] >> 48;
    r->n[4] &= SFE_M48;
    r->n[0] += t * SFE_K;
    r->n[1] += r->n[0] >> 52;
    r->n[0] &= SFE_M52;
    r->n[2] += r->n[1] >> 52;
    r->n[1] &= SFE_M52;
    r->n[3] += r->n[2] >> 52;
    r->n[2] &= SFE_M52;
    r->n[4] += r->n[3] >> 52;
    r->n[3] &= SFE_M52;
}

/* r = a + b, magnitude mag(a) + mag(b). */
static inline void sfe_add(sfe *r, const sfe *a, const sfe *b)
{
    SFE_CHECK(a, 256);
    SFE_CHECK(b, 256);
#ifdef SHROUD_VERIFY
    int m = a->mag + b->mag;
#endif
    for (int i = 0; i < 5; i++)
        r->n[i] = a->n[i] + b->n[i];
    SFE_SET_MAG(r, m);
}

/* r = k a for a small k (k mag(a) at most 256), magnitude k mag(a). */
static inline void sfe_mul_int(sfe *r, const sfe *a, int k)
{
    SFE_CHECK(a, 256 / k);
#ifdef SHROUD_VERIFY
    int m = a->mag * k;
#endif
    for (int i = 0; i < 5; i++)
        r->n[i] = a->n[i] * (uint64_t)k;
    SFE_SET_MAG(r, m);
}

/* A multiple of p (64 m p) whose limbs all lie in [m 2^53, 2 m 2^53):
 * 64 m p's limbs [2^52 - 64 m K, 2^52 - 1, 2^52 - 1, 2^52 - 1, 64 m 2^48
 * - 1] with 2 m taken from each limb above and given to the one below as
 * m 2^53.  So bias - b has no negative limb for b of magnitude m. */
static inline void sfe_bias(uint64_t b[5], int m)
{
    const uint64_t mm = (uint64_t)m, l = mm << 53;
    b[0] = (UINT64_C(1) << 52) - 64 * mm * SFE_K + l;
    b[1] = b[2] = b[3] = SFE_M52 + l - 2 * mm;
    b[4] = (64 * mm << 48) - 1 - 2 * mm;
}

/* r = a - b for b of magnitude at most m (m at most 64): a + 64 m p - b,
 * magnitude mag(a) + 2 m. */
static inline void sfe_sub(sfe *r, const sfe *a, const sfe *b, int m)
{
    uint64_t bias[5];
    SFE_CHECK(a, 256);
    SFE_CHECK(b, m);
#ifdef SHROUD_VERIFY
    int mr = a->mag + 2 * m;
#endif
    sfe_bias(bias, m);
    for (int i = 0; i < 5; i++)
        r->n[i] = a->n[i] + bias[i] - b->n[i];
    SFE_SET_MAG(r, mr);
}

/* r = -a for a of magnitude at most m, magnitude 2 m. */
static inline void sfe_negate(sfe *r, const sfe *a, int m)
{
    uint64_t bias[5];
    SFE_CHECK(a, m);
    sfe_bias(bias, m);
    for (int i = 0; i < 5; i++)
        r->n[i] = bias[i] - a->n[i];
    SFE_SET_MAG(r, 2 * m);
}

/* r = a / 2: a + p if a is odd (the value's parity is limb 0's, every
 * other limb having an even weight), then every limb halved, its low bit
 * moving down as 2^51 into the limb below.  Magnitude mag(a) / 2 + 1 for
 * mag(a) at most 64. */
static inline void sfe_half(sfe *r, const sfe *a)
{
    SFE_CHECK(a, 64);
#ifdef SHROUD_VERIFY
    int m = a->mag / 2 + 1;
#endif
    const uint64_t odd = -(a->n[0] & 1);
    uint64_t t0 = a->n[0] + (SFE_P0 & odd), t1 = a->n[1] + (SFE_M52 & odd);
    uint64_t t2 = a->n[2] + (SFE_M52 & odd), t3 = a->n[3] + (SFE_M52 & odd);
    uint64_t t4 = a->n[4] + (SFE_M48 & odd);
    r->n[0] = (t0 >> 1) + ((t1 & 1) << 51);
    r->n[1] = (t1 >> 1) + ((t2 & 1) << 51);
    r->n[2] = (t2 >> 1) + ((t3 & 1) << 51);
    r->n[3] = (t3 >> 1) + ((t4 & 1) << 51);
    r->n[4] = t4 >> 1;
    SFE_SET_MAG(r, m);
}

/* The product's columns col_k (weight 2^(52 k)) are reduced as they are
 * formed: a column k >= 5 folds into column k - 5 multiplied by R = 2^260
 * mod p.  d carries the high columns (8, then 4, 5, 6, 7, 8 again) and c
 * the low ones, each split at bit 52.  Bounds, for inputs of magnitude at
 * most 16 (limbs below 2^57; a square's doubled limbs give the same
 * column bounds): a product is below 2^114, a column below 5 2^114 <
 * 2^116.4, so d stays below 2^117 and c below 2^116; the d that reaches
 * weight 2^416 is below 2^63.1 and fits the 64-bit cast; limbs 0-3 come
 * out below 2^52 and limb 4 below 2^52 + 2^49.  So magnitude 1 without
 * sfe_weak.  (At 2^58 the cast would overflow: hence SFE_MUL_MAG.) */
#define SFE_REDUCE(r, col0, col1, col2, col3, col4, col5, col6, col7, col8)        \
    do {                                                                          \
        sfe_u128 d_ = (col3) + (sfe_u128)((uint64_t)(col8) & SFE_M52) * SFE_R;   \
        uint64_t h8_ = (uint64_t)((col8) >> 52), t3_, t4_;                        \
        t3_ = (uint64_t)d_ & SFE_M52;                                             \
        d_ >>= 52;                                                                \
        d_ += (col4) + (sfe_u128)h8_ * SFE_R;                                     \
        t4_ = (uint64_t)d_ & SFE_M52;                                             \
        d_ >>= 52;                       /* weight 2^260, as column 5 */          \
        d_ += (col5);                                                             \
        sfe_u128 c_ = (col0) + (sfe_u128)((uint64_t)d_ & SFE_M52) * SFE_R;       \
        d_ >>= 52;                                                                \
        (r)->n[0] = (uint64_t)c_ & SFE_M52;                                       \
        c_ >>= 52;                                                                \
        d_ += (col6);                                                             \
        c_ += (col1) + (sfe_u128)((uint64_t)d_ & SFE_M52) * SFE_R;               \
        d_ >>= 52;                                                                \
        (r)->n[1] = (uint64_t)c_ & SFE_M52;                                       \
        c_ >>= 52;                                                                \
        d_ += (col7);                                                             \
        c_ += (col2) + (sfe_u128)((uint64_t)d_ & SFE_M52) * SFE_R;               \
        d_ >>= 52;                       /* weight 2^416, as column 8 */          \
        (r)->n[2] = (uint64_t)c_ & SFE_M52;                                       \
        c_ >>= 52;                                                                \
        c_ += t3_ + (sfe_u128)(uint64_t)d_ * SFE_R;                               \
        (r)->n[3] = (uint64_t)c_ & SFE_M52;                                       \
        c_ >>= 52;                                                                \
        (r)->n[4] = t4_ + (uint64_t)c_;                                           \
    } while (0)

#define SFE_MULW(a, b) ((sfe_u128)(a) * (b))

/* r may alias a or b. */
static inline void sfe_mul(sfe *r, const sfe *a, const sfe *b)
{
    SFE_CHECK(a, SFE_MUL_MAG);
    SFE_CHECK(b, SFE_MUL_MAG);
    const uint64_t x0 = a->n[0], x1 = a->n[1], x2 = a->n[2], x3 = a->n[3], x4 = a->n[4];
    const uint64_t y0 = b->n[0], y1 = b->n[1], y2 = b->n[2], y3 = b->n[3], y4 = b->n[4];
    SFE_REDUCE(r,
               SFE_MULW(x0, y0),
               SFE_MULW(x0, y1) + SFE_MULW(x1, y0),
               SFE_MULW(x0, y2) + SFE_MULW(x1, y1) + SFE_MULW(x2, y0),
               SFE_MULW(x0, y3) + SFE_MULW(x1, y2) + SFE_MULW(x2, y1) + SFE_MULW(x3, y0),
               SFE_MULW(x0, y4) + SFE_MULW(x1, y3) + SFE_MULW(x2, y2) + SFE_MULW(x3, y1)
                   + SFE_MULW(x4, y0),
               SFE_MULW(x1, y4) + SFE_MULW(x2, y3) + SFE_MULW(x3, y2) + SFE_MULW(x4, y1),
               SFE_MULW(x2, y4) + SFE_MULW(x3, y3) + SFE_MULW(x4, y2),
               SFE_MULW(x3, y4) + SFE_MULW(x4, y3),
               SFE_MULW(x4, y4));
    SFE_SET_MAG(r, 1);
}

static inline void sfe_sqr(sfe *r, const sfe *a)
{
    SFE_CHECK(a, SFE_MUL_MAG);
    const uint64_t x0 = a->n[0], x1 = a->n[1], x2 = a->n[2], x3 = a->n[3], x4 = a->n[4];
    const uint64_t x0d = 2 * x0, x1d = 2 * x1, x2d = 2 * x2, x3d = 2 * x3;
    SFE_REDUCE(r,
               SFE_MULW(x0, x0),
               SFE_MULW(x0d, x1),
               SFE_MULW(x0d, x2) + SFE_MULW(x1, x1),
               SFE_MULW(x0d, x3) + SFE_MULW(x1d, x2),
               SFE_MULW(x0d, x4) + SFE_MULW(x1d, x3) + SFE_MULW(x2, x2),
               SFE_MULW(x1d, x4) + SFE_MULW(x2d, x3),
               SFE_MULW(x2d, x4) + SFE_MULW(x3, x3),
               SFE_MULW(x3d, x4),
               SFE_MULW(x4, x4));
    SFE_SET_MAG(r, 1);
}

/* The value below p, with every limb below 2^52 (limb 4 below 2^48), for
 * magnitude at most SFE_CMP_MAG. */
static inline void sfe_normalize(sfe *r)
{
    SFE_CHECK(r, SFE_CMP_MAG);
    sfe_tidy(r);
    sfe_tidy(r);                         /* limb 4 is now below 2^48 (if
                                            the first pass left it at or
                                            above, the rest was tiny) */
    if (r->n[4] == SFE_M48 && (r->n[3] & r->n[2] & r->n[1]) == SFE_M52 && r->n[0] >= SFE_P0) {
        r->n[0] -= SFE_P0;
        r->n[1] = r->n[2] = r->n[3] = r->n[4] = 0;
    }
    SFE_SET_MAG(r, 1);
}

static inline int sfe_is_zero(const sfe *a)
{
    sfe t = *a;
    sfe_normalize(&t);
    return (t.n[0] | t.n[1] | t.n[2] | t.n[3] | t.n[4]) == 0;
}

/* a == b, for a of magnitude at most 256, b of magnitude at most m, and
 * mag(a) + 2 m at most SFE_CMP_MAG. */
static inline int sfe_eq(const sfe *a, const sfe *b, int m)
{
    sfe d;
    sfe_sub(&d, a, b, m);
    return sfe_is_zero(&d);
}

/* Big-endian 32 bytes, any value below 2^256. */
static inline void sfe_from_be(sfe *r, const uint8_t in[32])
{
    uint64_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = 0;
        for (int j = 0; j < 8; j++)
            w[i] = (w[i] << 8) | in[(3 - i) * 8 + j];
    }
    r->n[0] = w[0] & SFE_M52;
    r->n[1] = (w[0] >> 52 | w[1] << 12) & SFE_M52;
    r->n[2] = (w[1] >> 40 | w[2] << 24) & SFE_M52;
    r->n[3] = (w[2] >> 28 | w[3] << 36) & SFE_M52;
    r->n[4] = w[3] >> 16;
    SFE_SET_MAG(r, 1);
}

/* The normalized value, big-endian. */
static inline void sfe_to_be(uint8_t out[32], const sfe *a)
{
    sfe t = *a;
    uint64_t w[4];
    sfe_normalize(&t);
    w[0] = t.n[0] | t.n[1] << 52;
    w[1] = t.n[1] >> 12 | t.n[2] << 40;
    w[2] = t.n[2] >> 24 | t.n[3] << 28;
    w[3] = t.n[3] >> 36 | t.n[4] << 16;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[(3 - i) * 8 + j] = (uint8_t)(w[i] >> (56 - 8 * j));
}

/* r = a^(2^k) */
static inline void sfe_sqr_n(sfe *r, const sfe *a, int k)
{
    *r = *a;
    while (k-- > 0)
        sfe_sqr(r, r);
}

/* 1/a = a^(p-2) (0 for 0).  p - 2 in binary is 223 ones, a zero, 22 ones,
 * then 0000101101; x_k below is a^(2^k - 1): 255 squarings and 15
 * multiplications. */
static inline void sfe_inv(sfe *r, const sfe *a)
{
    sfe x2, x3, x6, x9, x11, x22, x44, x88, x176, x220, x223, t;
    sfe_sqr(&x2, a);
    sfe_mul(&x2, &x2, a);
    sfe_sqr(&x3, &x2);
    sfe_mul(&x3, &x3, a);
    sfe_sqr_n(&x6, &x3, 3);
    sfe_mul(&x6, &x6, &x3);
    sfe_sqr_n(&x9, &x6, 3);
    sfe_mul(&x9, &x9, &x3);
    sfe_sqr_n(&x11, &x9, 2);
    sfe_mul(&x11, &x11, &x2);
    sfe_sqr_n(&x22, &x11, 11);
    sfe_mul(&x22, &x22, &x11);
    sfe_sqr_n(&x44, &x22, 22);
    sfe_mul(&x44, &x44, &x22);
    sfe_sqr_n(&x88, &x44, 44);
    sfe_mul(&x88, &x88, &x44);
    sfe_sqr_n(&x176, &x88, 88);
    sfe_mul(&x176, &x176, &x88);
    sfe_sqr_n(&x220, &x176, 44);
    sfe_mul(&x220, &x220, &x44);
    sfe_sqr_n(&x223, &x220, 3);
    sfe_mul(&x223, &x223, &x3);
    /* 223 ones, then 0 and 22 ones, then 0000 1 0 11 0 1 */
    sfe_sqr_n(&t, &x223, 23);
    sfe_mul(&t, &t, &x22);
    sfe_sqr_n(&t, &t, 5);
    sfe_mul(&t, &t, a);
    sfe_sqr_n(&t, &t, 3);
    sfe_mul(&t, &t, &x2);
    sfe_sqr_n(&t, &t, 2);
    sfe_mul(r, &t, a);
}

#endif
