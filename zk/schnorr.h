/* zk/schnorr.h -- Schnorr proof of knowledge of a discrete logarithm.
 *
 * Statement: X = x * G for a public generator G (NULL means the standard
 * base point B) and public X; the prover knows x.
 * Proof (64 bytes, fixed): R (32-byte point encoding) || s (32-byte scalar),
 * with R = k*G, c = challenge, s = k + c*x; the verifier checks s*G == R + c*X.
 *
 * Fiat-Shamir: the caller passes a transcript into which it has already
 * appended whatever the proof must be bound to (protocol domain, context,
 * the statement's surroundings).  Prove and verify then append, in order,
 *   "G" (point, only when G != NULL), "X" (point), "R" (point)
 * and draw the challenge c with label "c".  The transcript is updated in
 * place (so proofs can be chained).  docs/proofs.md is the byte-exact spec.
 */
#ifndef SHROUD_ZK_SCHNORR_H
#define SHROUD_ZK_SCHNORR_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"
#include "zk/transcript.h"

#define ZK_SCHNORR_PROOF_BYTES 64

/* x is secret: the prover is constant time in x and the nonce. */
int zk_schnorr_prove(uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                     const zk_point *G, const zk_point *X, const zk_scalar *x,
                     sh_rng *rng) SH_WUR;
/* 0 if valid; SH_ERR_POINT/SH_ERR_NONCANONICAL for a malformed proof,
 * SH_ERR_VERIFY for a well-formed proof that does not verify. */
int zk_schnorr_verify(const uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                      const zk_point *G, const zk_point *X) SH_WUR;

/* Batch verification of n proofs (each with its own transcript t[i],
 * generator G[i] or NULL array meaning base everywhere, statement X[i]):
 * random linear combination with 128-bit weights from rng, one MSM.
 * Returns 0 only if every proof is valid (up to 2^-128 error).  On failure
 * the caller may fall back to zk_schnorr_verify on each to find the bad one;
 * zk_schnorr_batch_verify_find does that and reports the first bad index. */
int zk_schnorr_batch_verify(const uint8_t (*proofs)[ZK_SCHNORR_PROOF_BYTES],
                            zk_transcript *t, const zk_point *const *G,
                            const zk_point *X, size_t n, sh_rng *rng) SH_WUR;

#endif
