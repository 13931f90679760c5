/* zk/msm.h -- multi-scalar multiplication for PUBLIC inputs.
 *
 * zk_msm computes sum_i scalars[i] * points[i].  It is variable time (the
 * work depends on the scalar digits) and must only be used on public data:
 * proof verification, batch checks, commitments to public values.
 * Straus (interleaved wNAF) for small n, Pippenger (signed-digit bucket
 * method, windows planned from n and the scalars' bit lengths) for large n.
 * The cost follows the scalars' actual lengths: zero scalars cost nothing,
 * and a 128-bit scalar costs about half of a full one (batch verification
 * relies on that).  n = 0 gives the identity.
 */
#ifndef SHROUD_ZK_MSM_H
#define SHROUD_ZK_MSM_H

#include <stddef.h>
#include "zk/group.h"
#include "util/pool.h"

/* Widest Pippenger window (bits); digits are then int16 and buckets 2^14. */
#define ZK_MSM_MAX_WINDOW 15

/* Returns SH_ERR_NOMEM if scratch space cannot be allocated, SH_ERR_ARG for
 * a NULL out (or NULL arrays with n > 0), else 0.  out may alias an input.
 * Like any zk_point array, points must be aligned for zk_point (32 bytes,
 * libdecaf's field alignment): malloc only promises 16, so allocate point
 * arrays with aligned_alloc(_Alignof(zk_point), ...). */
int zk_msm(zk_point *out, const zk_scalar *scalars, const zk_point *points,
           size_t n) SH_WUR;

/* The reference: sum of n independent scalar multiplications.  Slow; for
 * tests and as a fallback. */
void zk_msm_naive(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                  size_t n);

/* The two algorithms zk_msm chooses between, forced (for tests and
 * benchmarks; same result and errors as zk_msm).  window is the Pippenger
 * window width in bits, 1..ZK_MSM_MAX_WINDOW for equal fixed windows, or 0
 * for the windows zk_msm would plan (SH_ERR_ARG above the maximum). */
int zk_msm_straus(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                  size_t n) SH_WUR;
int zk_msm_pippenger(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                     size_t n, unsigned window) SH_WUR;

/* zk_msm split over a thread pool (util/pool.h): the points are cut into
 * consecutive chunks, one zk_msm per chunk on the pool, and the partial sums
 * are added in chunk order.  The result is the same group element for any
 * pool and thread count (NULL pool: exactly zk_msm).  Same errors as
 * zk_msm. */
int zk_msm_pool(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                size_t n, sh_pool *pool) SH_WUR;

/* One run of terms for zk_msm_spans: scalars[i] * points[i * stride] for
 * i < n, stride counted in points (0 is taken as 1).  A strided span reads
 * one component out of an interleaved array (e.g. the C1 halves of a batch
 * of ciphertexts) without copying it. */
typedef struct zk_msm_span {
    const zk_scalar *scalars;
    const zk_point *points;
    size_t n;
    size_t stride;
} zk_msm_span;

/* The sum over all spans, as one multi-scalar multiplication: the same
 * group element as zk_msm over the concatenation of the spans, planned
 * (algorithm, windows) from all nspans spans together, so that callers
 * whose terms live in several arrays need not copy them into one.  Same
 * errors as zk_msm (SH_ERR_ARG also for NULL spans with nspans > 0, or a
 * span with n > 0 and NULL arrays); nspans = 0 gives the identity. */
int zk_msm_spans(zk_point *out, const zk_msm_span *spans, size_t nspans) SH_WUR;

/* zk_msm_spans split over a thread pool as zk_msm_pool splits zk_msm: the
 * concatenated terms are cut into consecutive chunks, one zk_msm_spans per
 * chunk, partial sums added in chunk order (NULL pool: zk_msm_spans). */
int zk_msm_spans_pool(zk_point *out, const zk_msm_span *spans, size_t nspans,
                      sh_pool *pool) SH_WUR;

#endif
