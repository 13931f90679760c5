/* zk/schnorr.h -- Schnorr proof of knowledge of a discrete logarithm.
 *
 * Statement: X = x * G for a public generator G (NULL means the standard
 * base point B) and public X; the prover knows x.  Statements are zk_elem
 * (zk/group.h): decoded once by the caller, they carry their encodings,
 * which is what the transcript absorbs (never re-encoded here).
 * Proof (64 bytes, fixed): R (32-byte point encoding) || s (32-byte scalar),
 * with R = k*G, c = challenge, s = k + c*x; the verifier checks s*G == R + c*X.
 *
 * Fiat-Shamir: the caller passes a transcript into which it has already
 * appended whatever the proof must be bound to (protocol domain, context,
 * the statement's surroundings).  Prove and verify then append, in order,
 *   "G" (G->enc, only when G != NULL), "X" (X->enc), "R" (the 32 bytes of R)
 * and draw the challenge c with label "c".  The transcript is updated in
 * place (so proofs can be chained).  docs/proofs.md is the byte-exact spec.
 *
 * The nonce k is hedged (docs/proofs.md, "Nonces"): it is derived from a
 * fork of the transcript holding the statement, the secret x and 32 bytes
 * of the rng, so that a broken or repeating rng cannot leak x.
 *
 * The proof says nothing useful when G is the identity; callers use real
 * generators.  R = identity is accepted by the verifier: it is a group
 * element like any other, soundness does not depend on it, and an honest
 * prover produces it only with probability 2^-252.
 */
#ifndef SHROUD_ZK_SCHNORR_H
#define SHROUD_ZK_SCHNORR_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"
#include "zk/transcript.h"

#define ZK_SCHNORR_PROOF_BYTES 64

/* A decoded proof. */
typedef struct zk_schnorr_proof {
    zk_point R;
    zk_scalar s;
} zk_schnorr_proof;

/* x is secret: the prover is constant time in x and the nonce.  Returns 0
 * (SH_ERR_ARG for NULL arguments).  The result does not depend on whether
 * X really is x*G: a wrong x just gives a proof that does not verify. */
int zk_schnorr_prove(uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                     const zk_elem *G, const zk_elem *X, const zk_scalar *x,
                     sh_rng *rng) SH_WUR;
/* 0 if valid; SH_ERR_POINT/SH_ERR_NONCANONICAL for a malformed proof,
 * SH_ERR_VERIFY for a well-formed proof that does not verify.  On a
 * malformed proof the transcript is left untouched; after SH_ERR_VERIFY it
 * has absorbed the proof like after success. */
int zk_schnorr_verify(const uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                      const zk_elem *G, const zk_elem *X) SH_WUR;

/* Batch verification of n proofs, proof i with its own transcript t[i],
 * generator G[i] (G == NULL, or G[i] == NULL, means the base point) and
 * statement X[i]: random linear combination with independent 128-bit
 * weights from rng (the verifier's own randomness, never the prover's),
 * checked with ONE zk_msm.  Generators that are all equal, and statements
 * X that are all equal, are merged into one MSM term each (equality of the
 * encodings, which for canonical encodings is equality of the points; an
 * explicit base point merges with NULL).
 *
 * Returns 0 only if every proof is valid, except with probability at most
 * 2^-128 over the weights (docs/proofs.md).  n == 0 returns 0.  Otherwise:
 *   SH_ERR_POINT / SH_ERR_NONCANONICAL  proof *bad_index is malformed (the
 *                                       first malformed one: proofs are all
 *                                       decoded before any arithmetic);
 *   SH_ERR_VERIFY                       some proof does not verify; if
 *                                       bad_index != NULL every proof is then
 *                                       checked alone (zk_schnorr_verify's
 *                                       equation, no transcript replay) and
 *                                       *bad_index is the first invalid one;
 *   SH_ERR_NOMEM, SH_ERR_ARG            *bad_index = n.
 * bad_index may be NULL (then a failed batch costs nothing more).  After a
 * failure the transcripts are in an unspecified state; after success each
 * t[i] is exactly as zk_schnorr_verify would have left it. */
int zk_schnorr_batch_verify(const uint8_t (*proofs)[ZK_SCHNORR_PROOF_BYTES],
                            zk_transcript *t, const zk_elem *const *G,
                            const zk_elem *X, size_t n, sh_rng *rng,
                            size_t *bad_index) SH_WUR;

/* Strict fixed-size serialization: decode gives SH_ERR_POINT when R is not
 * a canonical point encoding, SH_ERR_NONCANONICAL when s is not a canonical
 * scalar (R is checked first); encode(decode(b)) == b for every accepted b. */
int zk_schnorr_proof_decode(zk_schnorr_proof *out,
                            const uint8_t in[ZK_SCHNORR_PROOF_BYTES]) SH_WUR;
void zk_schnorr_proof_encode(uint8_t out[ZK_SCHNORR_PROOF_BYTES],
                             const zk_schnorr_proof *p);

/* ---- shared by the proof modules (zk/schnorr.c, zk/dleq.c) ------------- */

/* The hedged nonce of docs/proofs.md: fork t (which must already hold the
 * whole statement), append "nonce-secret" = the witness encodings
 * x[0..nx), then "nonce-rng" = 32 bytes from rng, draw 64 challenge bytes
 * under "nonce" and reduce them mod L; repeat with fresh rng bytes in the
 * (probability 2^-252) case of a zero nonce.  t itself is not modified;
 * every copy of the secret is wiped.  Constant time in x. */
void zk_proof_nonce(zk_scalar *k, const zk_transcript *t, const zk_scalar *x,
                    size_t nx, sh_rng *rng);

/* n independent batch weights, each uniform in [0, 2^128), from rng
 * (16 little-endian bytes each, consumed in order, drawn in one rng call). */
void zk_proof_batch_weights(zk_scalar *w, size_t n, sh_rng *rng);
/* The verification equation shared by both proofs: 0 if s*P - c*Q == R,
 * SH_ERR_VERIFY otherwise (SH_ERR_NOMEM if the MSM cannot allocate).  All
 * inputs public (variable time).  P == NULL is the base point, which takes
 * libdecaf's double-base multiplication with its precomputed table;
 * otherwise a 2-point MSM. */
int zk_proof_check(const zk_point *P, const zk_point *Q, const zk_point *R,
                   const zk_scalar *s, const zk_scalar *c) SH_WUR;

#endif
