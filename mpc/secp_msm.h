/* mpc/secp_msm.h -- variable-time multi-scalar multiplication on secp256k1
 * for PUBLIC points and scalars (internal to mpc/).
 *
 * libsecp256k1's public API multiplies one point at a time
 * (ec_pubkey_tweak_mul); this computes sum s_i P_i + sum Q_j (and g G)
 * with one interleaved (Straus) pass: each scalar is split in two halves
 * of 128 bits (GLV), the 130 doublings are shared by all terms, each term
 * costs a table of 8 odd multiples (built without an inversion, all
 * tables sharing one z: libsecp256k1's "effective affine" tables) and
 * about 43 mixed additions (width-5 NAF); a g G term uses a table of 64
 * odd multiples made once per group and costs about 28 additions.  The
 * field arithmetic (mpc/secp_fe.h) reduces lazily, with magnitudes checked
 * under SHROUD_VERIFY.  It also evaluates committed polynomials at small
 * identifiers (Horner's rule) and compares a sum with a given point
 * without inverting (a signature check).  Points come in and go out as
 * libsecp256k1 pubkeys; a result is checked to be on the curve by
 * ec_pubkey_parse.  Timing depends on the scalars and the points: never
 * pass a secret.
 */
#ifndef SHROUD_MPC_SECP_MSM_H
#define SHROUD_MPC_SECP_MSM_H

#include <stddef.h>
#include <stdint.h>
#include <secp256k1.h>

/* *out = sum_{i<n} s_i P_i + sum_{j<m} Q_j, where s_i is 32 bytes
 * big-endian (any value below 2^256; reduced modulo the group order by the
 * arithmetic itself, as every multiple of the order is the identity).
 * Returns 1 with *out set, 0 when the sum is the point at infinity (*out
 * is then unspecified), SH_ERR_NOMEM, or SH_ERR_INTERNAL when a point does
 * not serialize or the result fails libsecp256k1's curve check (it means
 * a bug here).  ctx is only used to (de)serialize points. */
int mpc_secp_msm_vartime(const secp256k1_context *ctx, secp256k1_pubkey *out,
                         const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                         const secp256k1_pubkey *Q, size_t m)
    __attribute__((warn_unused_result));

/* The odd multiples G, 3G, ..., 127G of the base point and their lambda
 * images, affine: 10 KB, built once per group (about 64 additions and an
 * inversion), so that a term g G costs about 28 additions where a point of
 * its own costs a table and 43.  NULL when out of memory or G does not
 * serialize. */
typedef struct mpc_secp_gtab mpc_secp_gtab;
mpc_secp_gtab *mpc_secp_gtab_new(const secp256k1_context *ctx, const secp256k1_pubkey *G)
    __attribute__((warn_unused_result));
void mpc_secp_gtab_free(mpc_secp_gtab *t);                 /* NULL-safe */

/* mpc_secp_msm_vartime plus the term g G (g 32 bytes big-endian, or NULL
 * for none; gt, from mpc_secp_gtab_new, is required with g).  Same
 * returns. */
int mpc_secp_msm_base_vartime(const secp256k1_context *ctx, secp256k1_pubkey *out,
                              const mpc_secp_gtab *gt, const uint8_t *g,
                              const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                              const secp256k1_pubkey *Q, size_t m)
    __attribute__((warn_unused_result));

/* Whether g G + sum s_i P_i + sum Q_j == R: 1 if so, 0 if not (also when
 * the sum is infinity), SH_ERR_NOMEM or SH_ERR_INTERNAL.  The comparison
 * is made in Jacobian coordinates, without the inversion a result point
 * would cost: a signature check's double multiplication. */
int mpc_secp_msm_eq_vartime(const secp256k1_context *ctx, const secp256k1_pubkey *R,
                            const mpc_secp_gtab *gt, const uint8_t *g,
                            const uint8_t (*s)[32], const secp256k1_pubkey *P, size_t n,
                            const secp256k1_pubkey *Q, size_t m)
    __attribute__((warn_unused_result));

/* out[i] = sum_{j<t} xs[i]^j C[j] for i < nx, by Horner's rule in
 * Jacobian coordinates (a product by the small xs[i] is a few doublings
 * and additions), all results made affine with one inversion.  A
 * coefficient j with c_inf[j] set is the point at infinity (C[j] is then
 * not read; c_inf NULL: none is: a refresh's C_0 is).  inf[i] is
 * set to 1 when out[i] is the point at infinity (out[i] is then
 * unspecified), else 0.  Requires t >= 1 and every xs[i] >= 1.  Returns 0,
 * SH_ERR_NOMEM, or SH_ERR_INTERNAL for an argument out of range or a
 * result that fails the curve check (as mpc_secp_msm_vartime). */
int mpc_secp_poly_eval_small(const secp256k1_context *ctx, secp256k1_pubkey *out, int *inf,
                             const secp256k1_pubkey *C, const int *c_inf, uint32_t t,
                             const uint32_t *xs, size_t nx)
    __attribute__((warn_unused_result));

/* The GLV split of mpc_secp_msm_vartime, for the tests: s (big-endian,
 * below 2^256) = k1 + k2 lambda (mod n), |k1| = m1 and |k2| = m2 (three
 * little-endian 64-bit words), negative when *neg1 or *neg2. */
void mpc_secp_glv_split(const uint8_t s[32], uint64_t m1[3], int *neg1, uint64_t m2[3],
                        int *neg2);

#endif
