/* zk/edwards.c -- Niels form and mixed addition on libdecaf's points.
 *
 * libdecaf 1.0's ristretto255 points are (x, y, z, t) on its internal
 * twisted Edwards curve, each coordinate a gf_25519_s whose first five
 * words are 51-bit limbs.  Its point_add is, with A..H the usual names:
 *   A = (y1 - x1)(y2 - x2)   B = (y1 + x1)(y2 + x2)   C = 2 d' t1 t2
 *   D = 2 z1 z2              E = B - A   H = B + A   F = D + C   G = D - C
 *   x3 = G E   y3 = F H   z3 = F G   t3 = H E
 * (d' = 121665 as libdecaf's curve is set up: its EFF_D with NEG_D).  With
 * z2 = 1 and (y2 - x2, y2 + x2, 2 d' t2) stored, D costs an addition and
 * C one multiplication: seven in all.  The tests check every result
 * against libdecaf's own addition, on random, identity and doubling inputs.
 *
 * Limb bounds: libdecaf's multiplication accepts limbs far above 2^51
 * (GF_HEADROOM 933 on 64-bit targets); our sums and differences of its
 * outputs stay below 2^55, and a difference adds 4p so no limb goes
 * negative, as libdecaf's own gf_sub_nr does. */
#include "zk/edwards.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "zk/fe.h"

#define EDW_2D 243330u    /* 2 d' */

static void niels_set_affine(zk_niels *n, const uint64_t *x, const uint64_t *y,
                             const uint64_t *t)
{
    fe_sub(n->ymx.limb, y, x);
    fe_weak_reduce(n->ymx.limb);
    fe_add(n->ypx.limb, y, x);
    fe_weak_reduce(n->ypx.limb);
    gf_25519_mulw_unsigned(n->t2d.limb, t, EDW_2D);
}

int zk_niels_from_points(zk_niels *out, const zk_point *pts, size_t n, size_t stride)
{
    if (stride == 0)
        stride = 1;
    size_t proj = 0;
    for (size_t i = 0; i < n; i++) {
        const struct decaf_255_point_s *p = &pts[i * stride].v;
        if (fe_is_one(p->z->limb))
            niels_set_affine(&out[i], p->x->limb, p->y->limb, p->t->limb);
        else
            proj++;
    }
    if (proj == 0)
        return SH_OK;

    /* Their z inverted together (Montgomery's trick: one inversion). */
    uint64_t (*zi)[5] = malloc(proj * sizeof *zi);
    uint64_t (*pre)[5] = malloc(proj * sizeof *pre);
    size_t *idx = malloc(proj * sizeof *idx);
    if (zi == NULL || pre == NULL || idx == NULL) {
        free(zi);
        free(pre);
        free(idx);
        return SH_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct decaf_255_point_s *p = &pts[i * stride].v;
        if (fe_is_one(p->z->limb))
            continue;
        idx[m] = i;
        fe_copy(zi[m++], p->z->limb);
    }
    fe_batch_invert(zi, (const uint64_t(*)[5])zi, proj, pre);
    uint64_t x[5], y[5], t[5];
    for (size_t k = 0; k < proj; k++) {
        const struct decaf_255_point_s *p = &pts[idx[k] * stride].v;
        gf_25519_mul(x, p->x->limb, zi[k]);
        gf_25519_mul(y, p->y->limb, zi[k]);
        gf_25519_mul(t, x, y);
        niels_set_affine(&out[idx[k]], x, y, t);
    }
    free(zi);
    free(pre);
    free(idx);
    return SH_OK;
}

void zk_point_add_niels(zk_point *pt, const zk_niels *q, int negative)
{
    struct decaf_255_point_s *p = &pt->v;
    /* -q is (y + x, y - x, -2 d' t): the first two swap, C changes sign. */
    const uint64_t *qm = negative ? q->ypx.limb : q->ymx.limb;
    const uint64_t *qp = negative ? q->ymx.limb : q->ypx.limb;
    uint64_t s[5], a[5], b[5], c[5], d[5], e[5], f[5], g[5], h[5];
    fe_sub(s, p->y->limb, p->x->limb);
    gf_25519_mul(a, s, qm);                       /* A */
    fe_add(s, p->y->limb, p->x->limb);
    gf_25519_mul(b, s, qp);                       /* B */
    gf_25519_mul(c, p->t->limb, q->t2d.limb);     /* C, or -C */
    fe_add(d, p->z->limb, p->z->limb);            /* D */
    fe_sub(e, b, a);
    fe_add(h, b, a);
    if (negative) {
        fe_sub(f, d, c);
        fe_add(g, d, c);
    } else {
        fe_add(f, d, c);
        fe_sub(g, d, c);
    }
    gf_25519_mul(p->x->limb, g, e);
    gf_25519_mul(p->y->limb, f, h);
    gf_25519_mul(p->z->limb, f, g);
    gf_25519_mul(p->t->limb, h, e);
}
