/* zk/dblenc.c -- encoding doubled points (zk/dblenc.h).
 *
 * After the inverse square root, the steps are libdecaf 1.0's encoder
 * (its deisogenize for cofactor 8 on the twisted curve, with rotation and
 * sign choices read from the low bits of public values), so the bytes are
 * zk_point_encode's: the tests compare them on every kind of input.  The
 * root's sign does not matter: -isr negates the intermediate values iden,
 * inum and s together, and the sign choices undo it (the final s is taken
 * non-negative). */
#include "zk/dblenc.h"

#include <stdlib.h>
#include <string.h>

#include "util/ct.h"
#include "zk/fe.h"
#include "zk/hint.h"

extern const uint64_t DECAF_255_RISTRETTO_FACTOR[];
extern const uint64_t P25519_SQRT_MINUS_ONE[];

#define DBLENC_BLOCK 64
#define TWICE_A_MINUS_D 243332u     /* |2 (a - d)| = 2 (1 + 121665) */
#define D_PLUS_ONE 121666u          /* libdecaf's TWISTED_D + 1 */

static void fe_neg_if(uint64_t *a, int neg)
{
    if (neg)
        fe_neg(a, a);
}

/* libdecaf's deisogenize of p given isr = +-1 / sqrt((a - d) (Z^2 - Y^2)
 * (X Y)^2): the encoding of p. */
static void encode_with_isr(uint8_t out[ZK_POINT_BYTES], const struct decaf_255_point_s *p,
                            const uint64_t *isr)
{
    const uint64_t *X = p->x->limb, *Y = p->y->limb, *Z = p->z->limb, *T = p->t->limb;
    uint64_t t1[5], t2[5], t3[5], t4[5], t5[5], num[5], fac[5];
    fe_add(t1, Z, Y);
    fe_sub(t2, Z, Y);
    gf_25519_mul(num, t1, t2);                   /* Z^2 - Y^2 */
    gf_25519_mul(t3, X, Y);                      /* den */
    gf_25519_mul(t1, t3, isr);
    gf_25519_mul(t2, t1, DECAF_255_RISTRETTO_FACTOR);    /* iden */
    gf_25519_mul(t1, num, isr);                  /* inum */

    /* altxy = iden inum i T^2 (d + 1): rotate if negative */
    gf_25519_mul(t3, t1, t2);
    gf_25519_mul(t4, t3, P25519_SQRT_MINUS_ONE);
    gf_25519_mul(t3, t4, T);
    gf_25519_mul(t4, t3, T);
    gf_25519_mulw_unsigned(t3, t4, D_PLUS_ONE);
    int rotate = fe_is_negative(t3);
    if (rotate) {
        fe_copy(t3, t1);
        fe_copy(t1, t2);
        fe_copy(t2, t3);
        gf_25519_mul(fac, X, P25519_SQRT_MINUS_ONE);
    } else {
        fe_copy(fac, Y);
    }

    gf_25519_mul(t5, P25519_SQRT_MINUS_ONE, DECAF_255_RISTRETTO_FACTOR);   /* imi */
    gf_25519_mul(t3, t5, t2);                    /* iden imi */
    gf_25519_mul(t2, t5, t1);
    gf_25519_mul(t4, t2, T);                     /* altx */
    int negx = fe_is_negative(t4);
    fe_neg_if(t1, negx ^ rotate);
    gf_25519_mul(t2, t1, Z);
    fe_add(t2, t2, FE_ONE);
    fe_weak_reduce(t2);
    gf_25519_mul(t4, t2, fac);                   /* inv_el_sum */
    gf_25519_mul(t1, t4, t3);                    /* s */
    fe_neg_if(t1, fe_is_negative(t1));
    fe_pack(out, t1);
}

void zk_points_double_encode(uint8_t *enc, zk_point *dbl, const zk_point *q, size_t n)
{
    uint64_t num[DBLENC_BLOCK][5], den[DBLENC_BLOCK][5], pre[DBLENC_BLOCK][5];
    uint64_t a[5], b[5], c[5], isr[5];
    unsigned char slow[DBLENC_BLOCK];
    for (size_t b0 = 0; b0 < n; b0 += DBLENC_BLOCK) {
        size_t m = n - b0 < DBLENC_BLOCK ? n - b0 : DBLENC_BLOCK;
        for (size_t i = 0; i < m; i++) {
            const struct decaf_255_point_s *Q = &q[b0 + i].v;
            zk_point_dbl(&dbl[b0 + i], &q[b0 + i]);
            const struct decaf_255_point_s *P = &dbl[b0 + i].v;
            /* num = 2 Z_Q^2 + X_Q^2 - Y_Q^2 */
            gf_25519_sqr(a, Q->z->limb);
            fe_add(a, a, a);
            gf_25519_sqr(b, Q->x->limb);
            fe_add(a, a, b);
            gf_25519_sqr(b, Q->y->limb);
            fe_sub(num[i], a, b);
            fe_weak_reduce(num[i]);
            /* den = 2 (d - a) Z_Q T_Q T_P Z_P^2 (the sign of isr is free) */
            gf_25519_mul(a, Q->z->limb, Q->t->limb);
            gf_25519_mul(b, a, P->t->limb);
            gf_25519_sqr(c, P->z->limb);
            gf_25519_mul(a, b, c);
            gf_25519_mulw_unsigned(den[i], a, TWICE_A_MINUS_D);
            slow[i] = fe_eq(den[i], FE_ZERO);
            if (slow[i])
                fe_copy(den[i], FE_ONE);     /* keeps the batch invertible */
        }
        fe_batch_invert(den, (const uint64_t(*)[5])den, m, pre);
        for (size_t i = 0; i < m; i++) {
            if (slow[i]) {
                zk_point_encode(enc + 32 * (b0 + i), &dbl[b0 + i]);
                continue;
            }
            gf_25519_mul(isr, num[i], den[i]);
            encode_with_isr(enc + 32 * (b0 + i), &dbl[b0 + i].v, isr);
        }
    }
}

/* libdecaf's X25519 encoding of a point p on its internal curve is
 * -(Y/X)^2 for (X : Y : Z : T) = 2 p (the isogeny to Curve25519 written in
 * those coordinates): one inversion, which a block shares.  A zero X
 * (only the identity's representatives) goes to libdecaf. */
void zk_points_x25519_u(uint8_t *out, const zk_point *p, size_t n)
{
    uint64_t x[DBLENC_BLOCK][5], pre[DBLENC_BLOCK][5], r[5], u[5];
    zk_point d[DBLENC_BLOCK];
    unsigned char slow[DBLENC_BLOCK];
    for (size_t b0 = 0; b0 < n; b0 += DBLENC_BLOCK) {
        size_t m = n - b0 < DBLENC_BLOCK ? n - b0 : DBLENC_BLOCK;
        for (size_t i = 0; i < m; i++) {
            zk_point_dbl(&d[i], &p[b0 + i]);
            fe_copy(x[i], d[i].v.x->limb);
            slow[i] = fe_eq(x[i], FE_ZERO);
            if (slow[i])
                fe_copy(x[i], FE_ONE);       /* keeps the batch invertible */
        }
        fe_batch_invert(x, (const uint64_t(*)[5])x, m, pre);
        for (size_t i = 0; i < m; i++) {
            if (slow[i]) {
                decaf_255_point_mul_by_ratio_and_encode_like_x25519(out + 32 * (b0 + i),
                                                                    &p[b0 + i].v);
                continue;
            }
            gf_25519_mul(r, d[i].v.y->limb, x[i]);
            gf_25519_sqr(u, r);
            fe_neg(u, u);
            fe_pack(out + 32 * (b0 + i), u);
        }
    }
}

/* libdecaf 1.0's mul_by_ratio_and_encode_like_eddsa for a double q = 2p
 * (its cofactor-8 step), up to the inversion: the EdDSA point is
 * (xn / z, yn / z) with, on the internal curve,
 *     xn = i F (-2 X Y) (Y^2 - X^2),  yn = (X^2 + Y^2) (2 Z^2 - Y^2 + X^2),
 *     z  = (Y^2 - X^2) (2 Z^2 - Y^2 + X^2),
 * F its RISTRETTO_FACTOR and i = sqrt(-1) (the 4-isogeny to edwards25519). */
static void eddsa_fraction(uint64_t *xn, uint64_t *yn, uint64_t *z, const zk_point *q)
{
    const uint64_t *X = q->v.x->limb, *Y = q->v.y->limb, *Z = q->v.z->limb;
    uint64_t x2[5], y2[5], u[5], s[5], m2xy[5], d[5], t[5], a[5];
    gf_25519_sqr(x2, X);
    gf_25519_sqr(y2, Y);
    fe_add(u, x2, y2);
    fe_weak_reduce(u);                          /* X^2 + Y^2 */
    fe_add(s, Y, X);
    fe_weak_reduce(s);
    gf_25519_sqr(a, s);
    fe_sub(m2xy, u, a);
    fe_weak_reduce(m2xy);                       /* -2 X Y */
    fe_sub(d, y2, x2);
    fe_weak_reduce(d);                          /* Y^2 - X^2 */
    gf_25519_sqr(a, Z);
    fe_add(t, a, a);
    fe_weak_reduce(t);
    fe_sub(t, t, d);
    fe_weak_reduce(t);                          /* 2 Z^2 - Y^2 + X^2 */
    gf_25519_mul(a, m2xy, d);
    gf_25519_mul(s, a, DECAF_255_RISTRETTO_FACTOR);
    gf_25519_mul(xn, s, P25519_SQRT_MINUS_ONE);
    gf_25519_mul(yn, u, t);
    gf_25519_mul(z, d, t);
}

/* The EdDSA points of 4 p[i] (libdecaf's mul_by_ratio_and_encode_like_eddsa
 * before its packing), the block sharing one inversion: xy + 64 i gets
 * their affine x and y, canonical, 32 bytes each little endian, and enc +
 * 32 i (either may be NULL) the RFC 8032 encoding. */
static void to_ed25519_block(uint8_t *enc, uint8_t *xy, const zk_point *p, size_t n)
{
    uint64_t z[DBLENC_BLOCK][5], pre[DBLENC_BLOCK][5], xn[DBLENC_BLOCK][5], yn[DBLENC_BLOCK][5];
    uint64_t x[5], y[5];
    unsigned char slow[DBLENC_BLOCK];
    for (size_t b0 = 0; b0 < n; b0 += DBLENC_BLOCK) {
        size_t m = n - b0 < DBLENC_BLOCK ? n - b0 : DBLENC_BLOCK;
        for (size_t i = 0; i < m; i++) {
            zk_point q;
            zk_point_dbl(&q, &p[b0 + i]);
            eddsa_fraction(xn[i], yn[i], z[i], &q);
            slow[i] = fe_eq(z[i], FE_ZERO);
            if (slow[i])
                fe_copy(z[i], FE_ONE);       /* keeps the batch invertible */
        }
        fe_batch_invert(z, (const uint64_t(*)[5])z, m, pre);
        for (size_t i = 0; i < m; i++) {
            if (slow[i]) {
                /* 4 p has x = 0 (the identity or the point of order 2,
                 * y = +-1), or, off the fast path, libdecaf decides */
                uint8_t e[32];
                zk_point_to_ed25519(e, &p[b0 + i]);
                if (enc != NULL)
                    memcpy(enc + 32 * (b0 + i), e, 32);
                if (xy != NULL) {
                    memset(xy + 64 * (b0 + i), 0, 32);
                    memcpy(xy + 64 * (b0 + i) + 32, e, 32);
                    xy[64 * (b0 + i) + 63] &= 0x7f;
                }
                continue;
            }
            gf_25519_mul(x, xn[i], z[i]);
            gf_25519_mul(y, yn[i], z[i]);
            if (enc != NULL) {
                uint8_t *o = enc + 32 * (b0 + i);
                fe_pack(o, y);
                o[31] |= (uint8_t)(fe_is_negative(x) << 7);
            }
            if (xy != NULL) {
                fe_pack(xy + 64 * (b0 + i), x);
                fe_pack(xy + 64 * (b0 + i) + 32, y);
            }
        }
    }
}

void zk_points_to_ed25519(uint8_t *out, const zk_point *p, size_t n)
{
    to_ed25519_block(out, NULL, p, n);
}

void zk_points_to_ed25519_xy(uint8_t *enc, uint8_t *xy, const zk_point *p, size_t n)
{
    to_ed25519_block(enc, xy, p, n);
}

/* RFC 8032's d = -121665 / 121666 mod p, little endian. */
static const uint8_t ED25519_D[32] = {
    0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
    0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
};

int zk_point_from_ed25519_xy(zk_point *out, const uint8_t xy[64])
{
    uint64_t x[5], y[5], x2[5], y2[5], l[5], r[5], d[5], t[5], b[5], c[5], a[5];
    uint8_t chk[32];
    fe_unpack(x, xy);
    fe_unpack(y, xy + 32);
    fe_pack(chk, x);
    if (memcmp(chk, xy, 32) != 0)
        return SH_ERR_POINT;
    fe_pack(chk, y);
    if (memcmp(chk, xy + 32, 32) != 0)
        return SH_ERR_POINT;
    /* on edwards25519: -x^2 + y^2 = 1 + d x^2 y^2 */
    gf_25519_sqr(x2, x);
    gf_25519_sqr(y2, y);
    fe_sub(l, y2, x2);
    fe_weak_reduce(l);
    fe_unpack(d, ED25519_D);
    gf_25519_mul(t, x2, y2);
    gf_25519_mul(r, t, d);
    fe_add(r, r, FE_ONE);
    fe_weak_reduce(r);
    if (!fe_eq(l, r))
        return SH_ERR_POINT;
    /* x = 0: the identity and the point of order 2, which libdecaf's
     * decoder refuses and zk_point_from_ed25519 maps to the identity */
    if (fe_eq(x, FE_ZERO)) {
        zk_point_identity(out);
        return SH_OK;
    }
    /* libdecaf 1.0's decode_like_eddsa_and_mul_by_ratio after its root
     * (z = 1): the 4-isogeny onto its internal curve,
     *   X = 2xy (y^2 - x^2),  Y = (x^2 + y^2) c,  Z = (y^2 - x^2) c,
     *   T = (x^2 + y^2) 2xy,  c = F (-i) (2 - y^2 + x^2). */
    fe_add(d, x2, y2);
    fe_weak_reduce(d);                          /* x^2 + y^2 */
    fe_add(t, y, x);
    fe_weak_reduce(t);
    gf_25519_sqr(a, t);
    fe_sub(b, a, d);
    fe_weak_reduce(b);                          /* 2xy */
    fe_sub(t, y2, x2);
    fe_weak_reduce(t);                          /* y^2 - x^2 */
    fe_add(a, FE_ONE, FE_ONE);
    fe_sub(c, a, t);
    fe_weak_reduce(c);                          /* 2 - y^2 + x^2 */
    gf_25519_mul(a, c, P25519_SQRT_MINUS_ONE);
    fe_neg(a, a);                               /* c / i */
    gf_25519_mul(c, a, DECAF_255_RISTRETTO_FACTOR);
    gf_25519_mul(out->v.x->limb, b, t);
    gf_25519_mul(out->v.z->limb, t, c);
    gf_25519_mul(out->v.y->limb, d, c);
    gf_25519_mul(out->v.t->limb, d, b);
    return SH_OK;
}

/* (L + 1) / 2, the inverse of 2 mod L, little endian. */
static const uint8_t HALF[ZK_SCALAR_BYTES] = {
    0xf7, 0xe9, 0x7a, 0x2e, 0x8d, 0x31, 0x09, 0x2c, 0x6b, 0xce, 0x7b, 0x51, 0xef, 0x7c, 0x6f, 0x0a,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
};

int zk_points_mul_base_publish(zk_point *out, uint8_t *enc, uint8_t *hints, const zk_scalar *s,
                               size_t n)
{
    if (n == 0)
        return SH_OK;
    zk_point *q = zk_points_alloc(n);
    if (q == NULL)
        return SH_ERR_NOMEM;
    zk_scalar half, h;
    if (zk_scalar_decode(&half, HALF) != SH_OK)
        abort();                     /* a canonical constant */
    for (size_t i = 0; i < n; i++) {
        zk_scalar_mul(&h, &s[i], &half);
        zk_point_mul_base(&q[i], &h);
        /* s[i] B is about to be published, and q[i] is determined by it */
        sh_ct_declassify(&q[i], sizeof q[i]);
    }
    zk_scalar_wipe(&h);
    zk_points_double_encode(enc, out, q, n);
    zk_points_free(q, n);
    if (hints != NULL)
        zk_point_hints(hints, out, enc, n);
    return SH_OK;
}
