/* zk/msm.c -- multi-scalar multiplication.  PLACEHOLDER: naive until the
 * Straus/Pippenger implementation lands. */
#include "zk/msm.h"

void zk_msm_naive(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                  size_t n)
{
    zk_point acc, t;
    zk_point_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        zk_point_mul(&t, &points[i], &scalars[i]);
        zk_point_add(&acc, &acc, &t);
    }
    *out = acc;
}

int zk_msm(zk_point *out, const zk_scalar *scalars, const zk_point *points, size_t n)
{
    zk_msm_naive(out, scalars, points, n);
    return 0;
}
