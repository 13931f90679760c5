/* zk/hint.c -- decompression hints (zk/hint.h).
 *
 * libdecaf 1.0 decodes s (canonical, even) into its internal coordinates
 * as follows, all mod p, with its constants RISTRETTO_FACTOR (F) and
 * sqrt(-1):
 *   den = 1 + s^2   ynum = 1 - s^2   num = den^2 + 486660 s^2
 *   isr = 1 / sqrt(num den^2)                    (fails if not a square)
 *   y = isr den ynum     x = 2 s isr^2 den num, negated if 2 s isr den F
 *   is negative;  reject if y = 0 or x y F is negative;
 *   the point is (sqrt(-1) x, y, 1, sqrt(-1) x y).
 * zk_point_decode_hinted runs the same steps with the hint in place of
 * isr, after checking hint^2 num den^2 = 1.  Either root will do: -isr
 * gives (-x, -y), the same group element (the two differ by the 2-torsion
 * point, which ristretto255 identifies), and passes the same checks.  So
 * a hint that passes its check yields the element libdecaf's decoder
 * yields, and is accepted exactly when libdecaf accepts; a hint that
 * fails hands over to libdecaf's decoder.
 *
 * The hint from coordinates: y above is the affine y of the decoded
 * representative, so isr = y / (den ynum).  The representative a point
 * was computed in differs from the decoded one by a 4-torsion point, so
 * its affine y is, up to sign, the decoded y or sqrt(-1)-multiples of
 * its x; each candidate is checked (a squaring and a multiplication), and
 * libdecaf's inverse square root is the last resort.  With one inversion
 * per block of points (Montgomery's trick over z den ynum), a hint costs
 * about a dozen multiplications. */
#include "zk/hint.h"

#include <string.h>

#include "util/err.h"
#include "zk/elgamal.h"
#include "zk/fe.h"

extern const uint64_t DECAF_255_RISTRETTO_FACTOR[];
extern const uint64_t P25519_SQRT_MINUS_ONE[];

#define HINT_BLOCK 64
#define NUM_S2 486660u       /* 4 (121665): libdecaf's -4 TWISTED_D */

/* From s: den = 1 + s^2, ynum = 1 - s^2, num = den^2 + 486660 s^2 and
 * sq = num den^2, the value whose inverse square root the decoder takes. */
static void decode_terms(uint64_t *den, uint64_t *ynum, uint64_t *num, uint64_t *sq,
                         const uint64_t *s)
{
    uint64_t s2[5], a[5], d2[5];
    gf_25519_sqr(s2, s);
    fe_add(den, FE_ONE, s2);
    fe_weak_reduce(den);
    fe_sub(ynum, FE_ONE, s2);
    fe_weak_reduce(ynum);
    gf_25519_mulw_unsigned(a, s2, NUM_S2);
    gf_25519_sqr(d2, den);
    fe_add(num, d2, a);
    fe_weak_reduce(num);
    gf_25519_mul(sq, num, d2);
}

/* Does h^2 sq = 1? */
static int isr_checks(const uint64_t *h, const uint64_t *sq)
{
    uint64_t h2[5], c[5];
    gf_25519_sqr(h2, h);
    gf_25519_mul(c, h2, sq);
    return fe_eq(c, FE_ONE);
}

int zk_point_decode_hinted(zk_point *out, const uint8_t enc[ZK_POINT_BYTES],
                           const uint8_t hint[ZK_HINT_BYTES], int *hint_ok)
{
    if (hint_ok != NULL)
        *hint_ok = 0;
    if (out == NULL || enc == NULL || hint == NULL)
        return SH_ERR_ARG;
    /* Every way to fail goes through libdecaf's decoder, which names it:
     * here s >= p or the top bit set (s does not pack back to enc) and s
     * odd (RFC 9496's negative). */
    uint64_t s[5], den[5], ynum[5], sq[5], isr[5], num[5], t1[5], t2[5], x[5], y[5];
    uint8_t back[ZK_POINT_BYTES];
    fe_unpack(s, enc);
    fe_pack(back, s);
    if (memcmp(back, enc, ZK_POINT_BYTES) != 0 || (enc[0] & 1))
        return zk_elgamal_point_decode(out, enc);
    decode_terms(den, ynum, num, sq, s);
    fe_unpack(isr, hint);
    if (!isr_checks(isr, sq))
        return zk_elgamal_point_decode(out, enc);

    gf_25519_mul(t1, isr, den);                  /* isr den */
    gf_25519_mul(y, t1, ynum);                   /* y = isr den ynum */
    gf_25519_mul(t2, t1, s);
    fe_add(t2, t2, t2);                          /* 2 s isr den */
    fe_weak_reduce(t2);
    gf_25519_mul(t1, t2, isr);
    gf_25519_mul(x, t1, num);                    /* 2 s isr^2 den num */
    gf_25519_mul(t1, t2, DECAF_255_RISTRETTO_FACTOR);
    if (fe_is_negative(t1))
        fe_neg(x, x);
    if (fe_eq(y, FE_ZERO))
        return zk_elgamal_point_decode(out, enc);
    gf_25519_mul(t1, x, y);
    gf_25519_mul(t2, t1, DECAF_255_RISTRETTO_FACTOR);
    if (fe_is_negative(t2))
        return zk_elgamal_point_decode(out, enc);

    struct decaf_255_point_s *p = &out->v;
    memset(p, 0, sizeof *p);
    gf_25519_mul(p->x->limb, x, P25519_SQRT_MINUS_ONE);
    fe_copy(p->y->limb, y);
    fe_copy(p->z->limb, FE_ONE);
    gf_25519_mul(p->t->limb, p->x->limb, y);
    if (hint_ok != NULL)
        *hint_ok = 1;
    return SH_OK;
}

/* The hint of one point from 1 / (z den ynum): the candidates for the
 * decoded y, then libdecaf's inverse square root.  h is left even. */
static void hint_one(uint8_t out[ZK_HINT_BYTES], const zk_point *pt, const uint64_t *inv,
                     const uint64_t *sq)
{
    const struct decaf_255_point_s *p = &pt->v;
    uint64_t h[5], ix[5];
    int found = 0;
    if (inv != NULL) {
        gf_25519_mul(h, p->y->limb, inv);
        found = isr_checks(h, sq);
        if (!found) {
            gf_25519_mul(h, p->x->limb, inv);
            found = isr_checks(h, sq);
        }
        if (!found) {
            gf_25519_mul(ix, p->x->limb, P25519_SQRT_MINUS_ONE);
            gf_25519_mul(h, ix, inv);
            found = isr_checks(h, sq);
        }
    }
    if (!found && !gf_25519_isr(h, sq)) {
        memset(out, 0, ZK_HINT_BYTES);     /* not a point's encoding: no hint */
        return;
    }
    if (fe_is_negative(h))
        fe_neg(h, h);
    fe_pack(out, h);
}

void zk_point_hints(uint8_t *hints, const zk_point *pts, const uint8_t *enc, size_t n)
{
    uint64_t sq[HINT_BLOCK][5], q[HINT_BLOCK][5], pre[HINT_BLOCK][5];
    uint64_t den[5], ynum[5], num[5], s[5], tmp[5];
    unsigned char none[HINT_BLOCK];
    for (size_t b = 0; b < n; b += HINT_BLOCK) {
        size_t m = n - b < HINT_BLOCK ? n - b : HINT_BLOCK;
        /* q[i] = z_i den_i ynum_i, then 1 / q[i] in place */
        for (size_t i = 0; i < m; i++) {
            fe_unpack(s, enc + 32 * (b + i));
            decode_terms(den, ynum, num, sq[i], s);
            gf_25519_mul(tmp, den, ynum);
            gf_25519_mul(q[i], tmp, pts[b + i].v.z->limb);
            /* zero only for s^2 = +-1, no point's encoding: no shortcut */
            none[i] = (unsigned char)fe_eq(q[i], FE_ZERO);
            if (none[i])
                fe_copy(q[i], FE_ONE);   /* keeps the batch invertible */
        }
        fe_batch_invert(q, (const uint64_t(*)[5])q, m, pre);
        for (size_t i = 0; i < m; i++)
            hint_one(hints + 32 * (b + i), &pts[b + i], none[i] ? NULL : q[i], sq[i]);
    }
}

int zk_elem_decode_nonidentity_hinted(zk_elem *e, const uint8_t in[ZK_POINT_BYTES],
                                      const uint8_t *hint)
{
    if (hint == NULL)
        return zk_elem_decode_nonidentity(e, in);
    /* zk_point_decode_hinted accepts what zk_point_decode accepts (the
     * identity included); it names a non-canonical s apart, which
     * zk_point_decode counts as SH_ERR_POINT like any other failure. */
    int rc = zk_point_decode_hinted(&e->p, in, hint, NULL);
    if (rc == SH_OK && zk_point_is_identity(&e->p))
        rc = SH_ERR_IDENTITY;
    else if (rc != SH_OK)
        rc = rc == SH_ERR_ARG ? rc : SH_ERR_POINT;
    if (rc == SH_OK) {
        memmove(e->enc, in, ZK_POINT_BYTES);
    } else {
        zk_point_identity(&e->p);
        memset(e->enc, 0, ZK_POINT_BYTES);
    }
    return rc;
}
