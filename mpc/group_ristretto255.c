/* mpc/group_ristretto255.c -- MPC_RISTRETTO255: a thin wrapper of zk/group
 * (libdecaf), which already provides constant-time scalars and points,
 * strict RFC 9496 decoding and the MSM.
 */
#include "mpc/group.h"
#include "mpc/group_impl.h"
#include "util/ct.h"
#include "zk/group.h"
#include "zk/dblenc.h"
#include "zk/hint.h"
#include "zk/msm.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* msm passes an mpc_scalar array to zk_msm as a zk_scalar array. */
_Static_assert(sizeof(mpc_scalar) == sizeof(zk_scalar), "mpc_scalar stride != zk_scalar");
_Static_assert(ZK_SCALAR_BYTES == MPC_SCALAR_BYTES, "scalar size");

static void r_scalar_zero(const mpc_group *g, mpc_scalar *out)
{
    (void)g;
    memset(out, 0, sizeof *out);
    zk_scalar_zero(&out->r);
}

static void r_scalar_one(const mpc_group *g, mpc_scalar *out)
{
    (void)g;
    memset(out, 0, sizeof *out);
    zk_scalar_one(&out->r);
}

static void r_scalar_from_u64(const mpc_group *g, mpc_scalar *out, uint64_t v)
{
    (void)g;
    memset(out, 0, sizeof *out);
    zk_scalar_from_u64(&out->r, v);
}

static int r_scalar_decode(const mpc_group *g, mpc_scalar *out, const uint8_t *in)
{
    (void)g;
    return zk_scalar_decode(&out->r, in);
}

static void r_scalar_encode(const mpc_group *g, uint8_t *out, const mpc_scalar *s)
{
    (void)g;
    zk_scalar_encode(out, &s->r);
}

/* libdecaf's decoder wants a non-NULL pointer even for no bytes (in may
 * be NULL when len is 0). */
static void r_scalar_reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in,
                            size_t len)
{
    static const uint8_t nothing[1] = { 0 };
    (void)g;
    zk_scalar_reduce(&out->r, len > 0 ? in : nothing, len);
}

/* zk_scalar_random (512 bits reduced mod L), retried while zero.  Like
 * zk_scalar_random_nonzero, but only the accept bit is made public (for
 * the constant-time checker): the scalar itself is never branched on. */
static void r_scalar_random(const mpc_group *g, mpc_scalar *out, sh_rng *rng)
{
    (void)g;
    for (;;) {
        zk_scalar_random(&out->r, rng);
        int zero = zk_scalar_is_zero(&out->r);
        sh_ct_declassify(&zero, sizeof zero);
        if (!zero)
            return;
    }
}

static void r_scalar_add(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    zk_scalar_add(&out->r, &a->r, &b->r);
}

static void r_scalar_sub(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    zk_scalar_sub(&out->r, &a->r, &b->r);
}

static void r_scalar_mul(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    zk_scalar_mul(&out->r, &a->r, &b->r);
}

static void r_scalar_neg(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    (void)g;
    zk_scalar_neg(&out->r, &a->r);
}

static int r_scalar_invert(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    (void)g;
    return zk_scalar_invert(&out->r, &a->r);   /* out is zero for a zero a */
}

static int r_scalar_eq(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b)
{
    (void)g;
    return zk_scalar_eq(&a->r, &b->r);
}

static int r_scalar_is_zero(const mpc_group *g, const mpc_scalar *a)
{
    (void)g;
    return zk_scalar_is_zero(&a->r);
}

/* ---- elements --------------------------------------------------------- */

static void r_elem_identity(const mpc_group *g, mpc_elem *out)
{
    (void)g;
    zk_point_identity(&out->u.r);
    out->inf = 0;
}

static void r_elem_base(const mpc_group *g, mpc_elem *out)
{
    (void)g;
    zk_point_base(&out->u.r);
    out->inf = 0;
}

/* RFC 9496 decoding; the identity's encoding is the all-zero string, so
 * the zero bytes mpc_elem_encode writes for it come back SH_ERR_IDENTITY.
 * On any error out is the identity (zk_point_decode's guarantee). */
static int r_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in)
{
    (void)g;
    out->inf = 0;
    return zk_point_decode_nonidentity(&out->u.r, in);
}

/* r_elem_decode with the inverse square root from the hint when it checks
 * (zk/hint.h): every failure is SH_ERR_POINT, then the identity, as there. */
static int r_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                                const uint8_t *hint)
{
    (void)g;
    out->inf = 0;
    if (zk_point_decode_hinted(&out->u.r, in, hint, NULL) != SH_OK)
        return SH_ERR_POINT;
    return zk_point_is_identity(&out->u.r) ? SH_ERR_IDENTITY : SH_OK;
}

static int r_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e,
                         const uint8_t *enc, size_t n)
{
    (void)g;
    zk_point *pts = zk_points_alloc(n);     /* zk_point_hints reads an array */
    if (pts == NULL)
        return SH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        pts[i] = e[i].u.r;
    zk_point_hints(hints, pts, enc, n);
    free(pts);
    return SH_OK;
}

/* The identity encodes to zero bytes and no other element does: test the
 * output instead of the point (cheaper, and no branch on the point). */
static int r_elem_encode(const mpc_group *g, uint8_t *out, const mpc_elem *e)
{
    (void)g;
    zk_point_encode(out, &e->u.r);
    return sodium_is_zero(out, ZK_POINT_BYTES) ? SH_ERR_IDENTITY : SH_OK;
}

static void r_elem_add(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    (void)g;
    zk_point_add(&out->u.r, &a->u.r, &b->u.r);
    out->inf = 0;
}

static void r_elem_sub(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    (void)g;
    zk_point_sub(&out->u.r, &a->u.r, &b->u.r);
    out->inf = 0;
}

static void r_elem_neg(const mpc_group *g, mpc_elem *out, const mpc_elem *a)
{
    (void)g;
    zk_point_neg(&out->u.r, &a->u.r);
    out->inf = 0;
}

static int r_elem_eq(const mpc_group *g, const mpc_elem *a, const mpc_elem *b)
{
    (void)g;
    return zk_point_eq(&a->u.r, &b->u.r);
}

static int r_elem_is_identity(const mpc_group *g, const mpc_elem *a)
{
    (void)g;
    return zk_point_is_identity(&a->u.r);
}

static void r_elem_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *s)
{
    (void)g;
    zk_point_mul_base(&out->u.r, &s->r);
    out->inf = 0;
}

static int r_elems_mul_base_publish(const mpc_group *g, mpc_elem *out, uint8_t *enc,
                                    uint8_t *hints, const mpc_scalar *s, size_t n)
{
    (void)g;
    /* zk_points_mul_base_publish reads and writes arrays of its own types */
    zk_scalar *sc = zk_aligned_alloc(n, sizeof *sc);
    zk_point *pts = zk_points_alloc(n);
    int rc = sc == NULL || pts == NULL ? SH_ERR_NOMEM : SH_OK;
    for (size_t i = 0; i < n && rc == SH_OK; i++)
        sc[i] = s[i].r;
    if (rc == SH_OK)
        rc = zk_points_mul_base_publish(pts, enc, hints, sc, n);
    for (size_t i = 0; i < n && rc == SH_OK; i++) {
        out[i].u.r = pts[i];
        out[i].inf = 0;
    }
    if (sc != NULL)
        sodium_memzero(sc, n * sizeof *sc);
    free(sc);
    zk_points_free(pts, n);
    return rc;
}

static void r_elem_mul(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                       const mpc_scalar *s)
{
    (void)g;
    zk_point_mul(&out->u.r, &p->u.r, &s->r);
    out->inf = 0;
}

/* s * P as 0 * B + s * P through libdecaf's variable-time double
 * multiplication (public inputs only). */
static void r_elem_mul_vartime(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                               const mpc_scalar *s)
{
    (void)g;
    zk_scalar zero;
    zk_scalar_zero(&zero);
    zk_point_double_mul_base_vartime(&out->u.r, &zero, &p->u.r, &s->r);
    out->inf = 0;
}

/* zk_msm wants a packed array of zk_point (mpc_elem has a larger stride),
 * so the points are copied into one; the scalars are used in place. */
static int r_elem_msm_vartime(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                              const mpc_elem *p, size_t n)
{
    (void)g;
    zk_point *pts = zk_points_alloc(n);
    if (pts == NULL)
        return SH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        pts[i] = p[i].u.r;
    zk_point r;
    int rc = zk_msm(&r, (const zk_scalar *)s, pts, n);
    free(pts);                     /* public points: nothing to wipe */
    if (rc != SH_OK)
        return rc;
    out->u.r = r;
    out->inf = 0;
    return SH_OK;
}

/* zk_points_horner wants packed points (mpc_elem has a larger stride):
 * the coefficients are copied in, the results out. */
static int r_elem_poly_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                                  uint32_t t, const uint32_t *xs, size_t nx)
{
    (void)g;
    zk_point *P = zk_points_alloc(t), *R = zk_points_alloc(nx ? nx : 1);
    int rc = P == NULL || R == NULL ? SH_ERR_NOMEM : SH_OK;
    for (uint32_t j = 0; j < t && rc == SH_OK; j++)
        P[j] = C[j].u.r;
    if (rc == SH_OK)
        rc = zk_points_horner(R, P, t, xs, nx);
    for (size_t i = 0; i < nx && rc == SH_OK; i++) {
        out[i].u.r = R[i];
        out[i].inf = 0;
    }
    free(P);                       /* public points: nothing to wipe */
    free(R);
    return rc;
}

static int r_elem_sum(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p, size_t n)
{
    (void)g;
    zk_point acc = p[0]->u.r;
    for (size_t i = 1; i < n; i++)
        zk_point_add(&acc, &acc, &p[i]->u.r);
    out->u.r = acc;
    out->inf = 0;
    return SH_OK;
}

const mpc_group_ops mpc_ristretto255_ops = {
    .id = MPC_RISTRETTO255,
    .name = "ristretto255",
    .elem_bytes = ZK_POINT_BYTES,
    .scalar_zero = r_scalar_zero,
    .scalar_one = r_scalar_one,
    .scalar_from_u64 = r_scalar_from_u64,
    .scalar_decode = r_scalar_decode,
    .scalar_encode = r_scalar_encode,
    .scalar_reduce = r_scalar_reduce,
    .scalar_random = r_scalar_random,
    .scalar_add = r_scalar_add,
    .scalar_sub = r_scalar_sub,
    .scalar_mul = r_scalar_mul,
    .scalar_neg = r_scalar_neg,
    .scalar_invert = r_scalar_invert,
    .scalar_eq = r_scalar_eq,
    .scalar_is_zero = r_scalar_is_zero,
    .elem_identity = r_elem_identity,
    .elem_base = r_elem_base,
    .elem_decode = r_elem_decode,
    .elem_encode = r_elem_encode,
    .elem_add = r_elem_add,
    .elem_sub = r_elem_sub,
    .elem_neg = r_elem_neg,
    .elem_eq = r_elem_eq,
    .elem_is_identity = r_elem_is_identity,
    .elem_mul_base = r_elem_mul_base,
    .elem_mul = r_elem_mul,
    .elem_mul_vartime = r_elem_mul_vartime,
    .elem_msm_vartime = r_elem_msm_vartime,
    .elem_poly_eval_small = r_elem_poly_eval_small,
    .elem_sum = r_elem_sum,
    .hint_bytes = ZK_HINT_BYTES,
    .elems_hints = r_elems_hints,
    .elem_decode_hinted = r_elem_decode_hinted,
    .elems_mul_base_publish = r_elems_mul_base_publish,
};
