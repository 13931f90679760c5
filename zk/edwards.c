/* zk/edwards.c -- Niels form, mixed addition, doubling and Horner's rule on
 * libdecaf's points.
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
 * Limb bounds: libdecaf's x86_64 multiplication wants input limbs below
 * about 9 * 2^51 (its products are summed in 128 bits); our inputs are its
 * outputs (below 2^51 plus a little), their sums and differences, each
 * difference biased by 4p so that no limb goes negative (as libdecaf's own
 * gf_sub_nr), and at most about 6 * 2^51 (the doubling's f and the
 * additions' e, f, g, h). */
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

/* p = 2p: dbl-2008-hwcd for a = -1 (libdecaf's internal curve, as its
 * point_add above):
 *   A = x^2   B = y^2   C = 2 z^2   E = (x + y)^2 - A - B   G = B - A
 *   F = G - C   H = -(A + B)
 *   x3 = E F   y3 = G H   z3 = F G   t3 = E H
 * t3 only when want_t (a doubling followed by a doubling never reads t). */
static void edw_dbl(struct decaf_255_point_s *p, int want_t)
{
    uint64_t a[5], b[5], c[5], e[5], f[5], g[5], h[5], s[5];
    gf_25519_sqr(a, p->x->limb);
    gf_25519_sqr(b, p->y->limb);
    gf_25519_sqr(s, p->z->limb);
    fe_add(c, s, s);
    fe_add(s, p->x->limb, p->y->limb);
    gf_25519_sqr(e, s);
    fe_add(s, a, b);                    /* A + B, limbs below 2^53 */
    fe_sub(e, e, s);
    fe_weak_reduce(e);
    fe_sub(g, b, a);
    fe_weak_reduce(g);
    fe_sub(f, g, c);
    fe_sub(h, FE_ZERO, s);
    gf_25519_mul(p->x->limb, e, f);
    gf_25519_mul(p->y->limb, g, h);
    gf_25519_mul(p->z->limb, f, g);
    if (want_t)
        gf_25519_mul(p->t->limb, e, h);
}

/* A point cached for repeated additions: y - x, y + x, 2 d' t, 2 z. */
typedef struct edw_cached {
    uint64_t ymx[5], ypx[5], t2d[5], z2[5];
} edw_cached;

static void edw_cache(edw_cached *c, const struct decaf_255_point_s *p)
{
    fe_sub(c->ymx, p->y->limb, p->x->limb);
    fe_weak_reduce(c->ymx);
    fe_add(c->ypx, p->y->limb, p->x->limb);
    fe_weak_reduce(c->ypx);
    gf_25519_mulw_unsigned(c->t2d, p->t->limb, EDW_2D);
    fe_add(c->z2, p->z->limb, p->z->limb);
}

/* p += q or p -= q (libdecaf's point_add) for q given by y - x, y + x,
 * 2 d' t and 2 z, or z = 1 when z2 is NULL (the Niels form). */
static void edw_add(struct decaf_255_point_s *p, const uint64_t *ymx, const uint64_t *ypx,
                    const uint64_t *t2d, const uint64_t *z2, int negative)
{
    /* -q is (y + x, y - x, -2 d' t): the first two swap, C changes sign. */
    const uint64_t *qm = negative ? ypx : ymx;
    const uint64_t *qp = negative ? ymx : ypx;
    uint64_t s[5], a[5], b[5], c[5], d[5], e[5], f[5], g[5], h[5];
    fe_sub(s, p->y->limb, p->x->limb);
    gf_25519_mul(a, s, qm);                       /* A */
    fe_add(s, p->y->limb, p->x->limb);
    gf_25519_mul(b, s, qp);                       /* B */
    gf_25519_mul(c, p->t->limb, t2d);             /* C, or -C */
    if (z2 != NULL)
        gf_25519_mul(d, p->z->limb, z2);          /* D */
    else
        fe_add(d, p->z->limb, p->z->limb);
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

void zk_edwards_horner(zk_point *out, const zk_niels *C, uint32_t t, uint32_t v)
{
    /* v's non-adjacent form, most significant digit first: naf[0] = 1 */
    int8_t naf[34];
    int nd = 0;
    for (uint64_t x = v; x != 0; x >>= 1) {
        int8_t d = 0;
        if (x & 1) {
            d = (x & 3) == 3 ? -1 : 1;
            x = d < 0 ? x + 1 : x - 1;
        }
        naf[nd++] = d;
    }
    for (int i = 0; i < nd / 2; i++) {
        int8_t tmp = naf[i];
        naf[i] = naf[nd - 1 - i];
        naf[nd - 1 - i] = tmp;
    }
    struct decaf_255_point_s *acc = &out->v;
    /* acc = C[t-1] */
    memcpy(acc, decaf_255_point_identity, sizeof *acc);
    zk_point_add_niels(out, &C[t - 1], 0);
    edw_cached m;
    for (uint32_t k = t - 1; k-- > 0;) {
        if (v > 1) {
            edw_cache(&m, acc);
            for (int i = 1; i < nd; i++) {
                /* t is needed by whatever follows a doubling but another
                 * doubling: an addition of m here, or of C[k] at the end */
                int next_dbl = naf[i] == 0 && i + 1 < nd;
                edw_dbl(acc, !next_dbl);
                if (naf[i] != 0)
                    edw_add(acc, m.ymx, m.ypx, m.t2d, m.z2, naf[i] < 0);
            }
        }
        zk_point_add_niels(out, &C[k], 0);
    }
}

int zk_points_horner(zk_point *out, const zk_point *C, uint32_t t, const uint32_t *xs,
                     size_t nx)
{
    if (t == 0 || (nx > 0 && (out == NULL || C == NULL || xs == NULL)))
        return SH_ERR_ARG;
    for (size_t i = 0; i < nx; i++)
        if (xs[i] == 0 || xs[i] > INT32_MAX)
            return SH_ERR_ARG;
    zk_niels *n = malloc((size_t)t * sizeof *n);
    if (n == NULL)
        return SH_ERR_NOMEM;
    int rc = zk_niels_from_points(n, C, t, 1);
    for (size_t i = 0; i < nx && rc == SH_OK; i++)
        zk_edwards_horner(&out[i], n, t, xs[i]);
    free(n);                       /* public points: nothing to wipe */
    return rc;
}

int zk_points_horner_polys(zk_point *out, const zk_point *C, size_t m, uint32_t t,
                           uint32_t x)
{
    if (t == 0 || x == 0 || x > INT32_MAX || (m > 0 && (out == NULL || C == NULL)))
        return SH_ERR_ARG;
    if (m > SIZE_MAX / sizeof(zk_niels) / t)
        return SH_ERR_NOMEM;
    zk_niels *n = malloc((m ? m : 1) * t * sizeof *n);
    if (n == NULL)
        return SH_ERR_NOMEM;
    int rc = zk_niels_from_points(n, C, m * t, 1);
    for (size_t k = 0; k < m && rc == SH_OK; k++)
        zk_edwards_horner(&out[k], n + k * t, t, x);
    free(n);                       /* public points: nothing to wipe */
    return rc;
}

void zk_point_dbl_chain(zk_point *p, int want_t)
{
    edw_dbl(&p->v, want_t);
}

void zk_cached_from_points(zk_cached *out, const zk_point *pts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        edw_cached c;
        edw_cache(&c, &pts[i].v);
        memcpy(out[i].ymx.limb, c.ymx, sizeof c.ymx);
        memcpy(out[i].ypx.limb, c.ypx, sizeof c.ypx);
        memcpy(out[i].t2d.limb, c.t2d, sizeof c.t2d);
        memcpy(out[i].z2.limb, c.z2, sizeof c.z2);
    }
}

void zk_point_add_cached(zk_point *pt, const zk_cached *q, int negative)
{
    edw_add(&pt->v, q->ymx.limb, q->ypx.limb, q->t2d.limb, q->z2.limb, negative);
}

void zk_point_add_niels(zk_point *pt, const zk_niels *q, int negative)
{
    edw_add(&pt->v, q->ymx.limb, q->ypx.limb, q->t2d.limb, NULL, negative);
}
