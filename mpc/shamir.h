/* mpc/shamir.h -- Shamir secret sharing, Lagrange interpolation and Feldman
 * verifiable secret sharing over any mpc_group.
 *
 * A sharing of a secret s with threshold t is a polynomial
 * f(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1} with a_0 = s; party i holds the
 * share f(id_i) for a nonzero identifier id_i.  Any t shares determine s;
 * t-1 reveal nothing.  Parties of a committee of n are numbered 1..n, and
 * their identifiers are the scalars 1..n (RFC 9591 does the same).
 *
 * The Feldman commitment to f is C_j = a_j * B (j < t), so anyone can check
 * a share: f(x) * B == sum_j x^j C_j.
 *
 * Secret inputs (coefficients, shares, secrets) are handled in constant time;
 * identifiers, commitments and Lagrange coefficients are public.  Callers own
 * all arrays; nothing here keeps a pointer after returning.
 */
#ifndef SHROUD_MPC_SHAMIR_H
#define SHROUD_MPC_SHAMIR_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/group.h"

/* The largest committee and threshold anything in mpc/ accepts. */
#define MPC_MAX_PARTIES 1024

/* coeffs[0..t) random; coeffs[0] = *secret when secret is not NULL.
 * SH_ERR_RANGE unless 1 <= t <= MPC_MAX_PARTIES. */
int mpc_poly_random(const mpc_group *g, mpc_scalar *coeffs, uint32_t t,
                    const mpc_scalar *secret, sh_rng *rng) SH_WUR;
/* out = f(x) for f with coefficients coeffs[0..t) (Horner; constant time). */
void mpc_poly_eval(const mpc_group *g, mpc_scalar *out, const mpc_scalar *coeffs,
                   uint32_t t, const mpc_scalar *x);

/* Split *secret into shares[0..n) = f(1..n) with a fresh random f of degree
 * t-1.  When commitments is not NULL it receives the t Feldman commitments.
 * SH_ERR_RANGE unless 1 <= t <= n <= MPC_MAX_PARTIES; SH_ERR_NOMEM. */
int mpc_shamir_split(const mpc_group *g, mpc_scalar *shares, mpc_elem *commitments,
                     const mpc_scalar *secret, uint32_t t, uint32_t n,
                     sh_rng *rng) SH_WUR;

/* Lagrange coefficients for the k distinct nonzero identifiers ids[0..k),
 * evaluated at *x (at 0 when x is NULL): out[i] = prod_{j != i}
 * (x - id_j) / (id_i - id_j).  One inversion in all.  SH_ERR_ARG for a
 * zero or repeated identifier or k = 0; SH_ERR_NOMEM. */
int mpc_lagrange_coeffs(const mpc_group *g, mpc_scalar *out, const mpc_scalar *ids,
                        size_t k, const mpc_scalar *x) SH_WUR;
/* The coefficient of ids[i] alone (same errors). */
int mpc_lagrange_coeff(const mpc_group *g, mpc_scalar *out, const mpc_scalar *ids,
                       size_t k, size_t i, const mpc_scalar *x) SH_WUR;

/* secret = f(0) from k shares shares[i] = f(ids[i]).  With k >= t shares of
 * a degree t-1 sharing this is the secret; fewer give a meaningless value
 * (Shamir cannot tell).  Errors as mpc_lagrange_coeffs. */
int mpc_shamir_combine(const mpc_group *g, mpc_scalar *secret, const mpc_scalar *ids,
                       const mpc_scalar *shares, size_t k) SH_WUR;

/* Feldman commitments C[j] = coeffs[j] * B for j < t (constant time). */
void mpc_feldman_commit(const mpc_group *g, mpc_elem *C, const mpc_scalar *coeffs,
                        uint32_t t);
/* out = f(x) * B = sum_j x^j C[j], from the public commitments alone (the
 * verification key of the party with identifier x; the group key for x = 0
 * is C[0]).  SH_ERR_NOMEM. */
int mpc_feldman_eval(const mpc_group *g, mpc_elem *out, const mpc_elem *C, uint32_t t,
                     const mpc_scalar *x) SH_WUR;
/* out[j] = f(j + 1) * B for j < n: the verification keys of the holders
 * with identifiers 1..n (n <= MPC_SMALL_X_MAX) at once, cheaper than n
 * mpc_feldman_eval (ristretto255 evaluates f(1..t) and steps on by forward
 * differences, t - 1 additions per key; Ed25519 converts C to libdecaf
 * once).  out must not overlap C.  SH_ERR_ARG, SH_ERR_RANGE, SH_ERR_NOMEM. */
int mpc_feldman_eval_ids(const mpc_group *g, mpc_elem *out, const mpc_elem *C, uint32_t t,
                         uint32_t n) SH_WUR;
/* 0 if share * B == f(x) * B, SH_ERR_VERIFY otherwise. */
int mpc_feldman_verify(const mpc_group *g, const mpc_elem *C, uint32_t t,
                       const mpc_scalar *x, const mpc_scalar *share) SH_WUR;
/* Check m shares at the same identifier x against m commitment vectors at
 * once (the DKG: one share from each dealer): commitments C[k][0..t) for
 * dealer k, share shares[k].  One multi-scalar multiplication with random
 * 128-bit weights from rng (for an identifier up to MPC_SMALL_X_MAX each
 * polynomial is evaluated by Horner's rule first, in Ed25519 when its
 * commitments carry their libdecaf points).  0 if all are valid; SH_ERR_VERIFY otherwise,
 * with *bad (if not NULL) set to the first invalid k (found by checking
 * each alone).  SH_ERR_NOMEM. */
int mpc_feldman_verify_batch(const mpc_group *g, const mpc_elem *const *C, uint32_t t,
                             size_t m, const mpc_scalar *x, const mpc_scalar *shares,
                             sh_rng *rng, size_t *bad) SH_WUR;
/* The same batch, and in the same check further public terms that must
 * sum to the identity: sum_i xs[i]*xp[i] + xb*B == 0 for i < nx (other
 * proofs' batched equations, each already weighted by its caller's own
 * random scalars; xb NULL: no base-point term).  In ristretto255 and
 * Ed25519 the terms join the shares' MSM and xb the constant-time product
 * by B that the shares need anyway, which saves a second MSM's doublings
 * and set-up when the terms need a batch of their own (the DKG's proofs
 * of possession).  0 if the shares and the terms hold; SH_ERR_VERIFY if
 * either fails, without saying which (check them apart to tell).  m = 0
 * checks the terms alone.  SH_ERR_ARG, SH_ERR_RANGE, SH_ERR_NOMEM. */
int mpc_feldman_verify_batch_with(const mpc_group *g, const mpc_elem *const *C, uint32_t t,
                                  size_t m, const mpc_scalar *x, const mpc_scalar *shares,
                                  sh_rng *rng, const mpc_scalar *xs, const mpc_elem *xp,
                                  size_t nx, const mpc_scalar *xb) SH_WUR;

#endif
