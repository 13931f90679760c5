/* zk/msm.h -- multi-scalar multiplication for PUBLIC inputs.
 *
 * zk_msm computes sum_i scalars[i] * points[i].  It is variable time (the
 * work depends on the scalar digits) and must only be used on public data:
 * proof verification, batch checks, commitments to public values.
 * Straus (interleaved windows) for small n, Pippenger (bucket method with a
 * window chosen from n) for large n.  n = 0 gives the identity.
 */
#ifndef SHROUD_ZK_MSM_H
#define SHROUD_ZK_MSM_H

#include <stddef.h>
#include "zk/group.h"

/* Returns SH_ERR_NOMEM if scratch space cannot be allocated, else 0. */
int zk_msm(zk_point *out, const zk_scalar *scalars, const zk_point *points,
           size_t n) SH_WUR;

/* The reference: sum of n independent scalar multiplications.  Slow; for
 * tests and as a fallback. */
void zk_msm_naive(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                  size_t n);

#endif
