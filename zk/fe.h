/* zk/fe.h -- libdecaf's field arithmetic mod 2^255 - 19, as zk/edwards.c
 * and zk/hint.c use it (internal to zk/).
 *
 * libdecaf's static library links these functions but its headers do not
 * declare them (see CMakeLists.txt, which checks they link).  An element
 * is five 64-bit words holding 51-bit limbs with headroom, as libdecaf's
 * gf_25519_s.  For public values only: the callers branch on results
 * (fe_eq, fe_is_negative, fe_is_one).
 */
#ifndef SHROUD_ZK_FE_H
#define SHROUD_ZK_FE_H

#include <stdint.h>
#include <string.h>

/* libdecaf's field arithmetic, linked from its static library (hidden,
 * not declared in its headers; see CMakeLists.txt).  out must not alias
 * the inputs. */
extern void gf_25519_mul(uint64_t *restrict out, const uint64_t *a, const uint64_t *b);
extern void gf_25519_sqr(uint64_t *restrict out, const uint64_t *a);
extern void gf_25519_mulw_unsigned(uint64_t *restrict out, const uint64_t *a, uint32_t w);
extern uint64_t gf_25519_isr(uint64_t *a, const uint64_t *x);
extern void gf_25519_strong_reduce(uint64_t *a);
extern uint64_t gf_25519_eq(const uint64_t *a, const uint64_t *b);

#define LIMB_MASK ((UINT64_C(1) << 51) - 1)

static inline void fe_add(uint64_t *o, const uint64_t *a, const uint64_t *b)
{
    for (int i = 0; i < 5; i++)
        o[i] = a[i] + b[i];
}

/* a - b + 4p: limb 0 of 4p is 2^53 - 76, the others 2^53 - 4. */
static inline void fe_sub(uint64_t *o, const uint64_t *a, const uint64_t *b)
{
    o[0] = a[0] - b[0] + (UINT64_C(1) << 53) - 76;
    for (int i = 1; i < 5; i++)
        o[i] = a[i] - b[i] + (UINT64_C(1) << 53) - 4;
}

/* Limbs back to 51 bits plus a small carry (libdecaf's gf_weak_reduce). */
static inline void fe_weak_reduce(uint64_t *a)
{
    uint64_t top = a[4] >> 51;
    for (int i = 4; i > 0; i--)
        a[i] = (a[i] & LIMB_MASK) + (a[i - 1] >> 51);
    a[0] = (a[0] & LIMB_MASK) + top * 19;
}

static inline void fe_copy(uint64_t *o, const uint64_t *a)
{
    memcpy(o, a, 5 * sizeof *o);
}

static const uint64_t FE_ZERO[5] = { 0, 0, 0, 0, 0 };
static const uint64_t FE_ONE[5] = { 1, 0, 0, 0, 0 };

/* o = -a, weakly reduced (o may be a). */
static inline void fe_neg(uint64_t *o, const uint64_t *a)
{
    uint64_t t[5];
    fe_sub(t, FE_ZERO, a);
    fe_weak_reduce(t);
    fe_copy(o, t);
}

/* 1 / a for a != 0, as libdecaf inverts: isr(a^2)^2 a. */
static inline void fe_invert(uint64_t *o, const uint64_t *a)
{
    uint64_t sq[5], r[5];
    gf_25519_sqr(sq, a);
    (void)gf_25519_isr(r, sq);
    gf_25519_sqr(sq, r);
    gf_25519_mul(o, sq, a);
}

/* out[i] = 1 / in[i] for i < n, every in[i] nonzero, with one inversion
 * (Montgomery's trick); pre is scratch for n elements.  out may be in. */
static inline void fe_batch_invert(uint64_t (*out)[5], const uint64_t (*in)[5], size_t n,
                                   uint64_t (*pre)[5])
{
    uint64_t inv[5], t[5];
    if (n == 0)
        return;
    fe_copy(pre[0], in[0]);
    for (size_t i = 1; i < n; i++)
        gf_25519_mul(pre[i], pre[i - 1], in[i]);
    fe_invert(inv, pre[n - 1]);                 /* 1 / (in[0] ... in[n-1]) */
    for (size_t i = n; i-- > 1;) {
        gf_25519_mul(t, inv, in[i]);            /* 1 / (in[0] ... in[i-1]) */
        gf_25519_mul(out[i], inv, pre[i - 1]);
        fe_copy(inv, t);
    }
    fe_copy(out[0], inv);
}

/* Is z exactly the limbs of one (as libdecaf's decoder leaves it)? */
static inline int fe_is_one(const uint64_t *z)
{
    return z[0] == 1 && z[1] == 0 && z[2] == 0 && z[3] == 0 && z[4] == 0;
}

/* The element of the low 255 bits of b (little-endian; may be >= p). */
static inline void fe_unpack(uint64_t *o, const uint8_t b[32])
{
    uint64_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = 0;
        for (int k = 7; k >= 0; k--)
            w[i] = (w[i] << 8) | b[8 * i + k];
    }
    o[0] = w[0] & LIMB_MASK;
    o[1] = ((w[0] >> 51) | (w[1] << 13)) & LIMB_MASK;
    o[2] = ((w[1] >> 38) | (w[2] << 26)) & LIMB_MASK;
    o[3] = ((w[2] >> 25) | (w[3] << 39)) & LIMB_MASK;
    o[4] = (w[3] >> 12) & LIMB_MASK;
}

/* a reduced to its canonical limbs (value < p, each limb < 2^51). */
static inline void fe_canon(uint64_t *o, const uint64_t *a)
{
    fe_copy(o, a);
    gf_25519_strong_reduce(o);
}

/* The canonical 32 bytes of a. */
static inline void fe_pack(uint8_t b[32], const uint64_t *a)
{
    uint64_t c[5], w[4];
    fe_canon(c, a);
    w[0] = c[0] | (c[1] << 51);
    w[1] = (c[1] >> 13) | (c[2] << 38);
    w[2] = (c[2] >> 26) | (c[3] << 25);
    w[3] = (c[3] >> 39) | (c[4] << 12);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            b[8 * i + k] = (uint8_t)(w[i] >> (8 * k));
}

/* RFC 9496's IS_NEGATIVE: the low bit of the canonical value. */
static inline int fe_is_negative(const uint64_t *a)
{
    uint64_t c[5];
    fe_canon(c, a);
    return (int)(c[0] & 1);
}

static inline int fe_eq(const uint64_t *a, const uint64_t *b)
{
    return gf_25519_eq(a, b) != 0;
}

#endif /* SHROUD_ZK_FE_H */
