/* zk/dleq.h -- Chaum-Pedersen proof of discrete-logarithm equality.
 *
 * Statement: X = x*G and Y = x*H for public G (NULL means the standard base
 * point B), H, X, Y, given as zk_elem (zk/group.h: decoded once, carrying
 * the encodings the transcript absorbs); the prover knows x.  Used for threshold decryption
 * (verification share X = x*B, partial decryption Y = x*C1 with H = C1) and
 * for the epoch beacon (a DDH evaluation Y = x*H(epoch)).
 *
 * Proof (96 bytes, fixed): R1 || R2 || s, with R1 = k*G, R2 = k*H (32-byte
 * point encodings), c the challenge and s = k + c*x (32-byte scalar).  The
 * verifier checks s*G == R1 + c*X and s*H == R2 + c*Y.  This form (rather
 * than the shorter (c, s)) is what makes batch verification possible.
 *
 * Fiat-Shamir: the caller appends its domain and context to the transcript
 * first; prove and verify then append, in order,
 *   "G" (only when G != NULL), "H", "X", "Y" (the elements' enc), "R1", "R2"
 * and draw the challenge with label "c".  docs/proofs.md is the byte-exact
 * spec, including the hedged nonce derivation (as for zk/schnorr.h).
 *
 * The statement says nothing about x when H (or G) is the identity; the
 * verifier does not refuse it (the statement is still true), callers that
 * need a generator check it.  R1 or R2 equal to the identity are accepted,
 * for the reason given in zk/schnorr.h.
 */
#ifndef SHROUD_ZK_DLEQ_H
#define SHROUD_ZK_DLEQ_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"
#include "zk/transcript.h"

#define ZK_DLEQ_PROOF_BYTES 96

typedef struct zk_dleq_proof {
    zk_point R1, R2;
    zk_scalar s;
} zk_dleq_proof;

/* x is secret: constant time in x and the nonce.  0, or SH_ERR_ARG. */
int zk_dleq_prove(uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                  const zk_elem *G, const zk_elem *H, const zk_elem *X,
                  const zk_elem *Y, const zk_scalar *x, sh_rng *rng) SH_WUR;

/* 0 if valid; SH_ERR_POINT / SH_ERR_NONCANONICAL for a malformed proof
 * (transcript then untouched), SH_ERR_VERIFY for a well-formed proof that
 * does not verify. */
int zk_dleq_verify(const uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                   const zk_elem *G, const zk_elem *H, const zk_elem *X,
                   const zk_elem *Y) SH_WUR;

/* Batch verification of n proofs; proof i has transcript t[i], generator
 * G[i] (G == NULL or G[i] == NULL: the base point) and statement H[i], X[i],
 * Y[i].  Both equations of every proof get their own independent 128-bit
 * weight from rng, and everything is checked with ONE zk_msm; a role (G, H,
 * X or Y) whose elements are all equal (equal encodings) is merged into a
 * single MSM term (a beacon: same H; one member's partial decryptions: same
 * G and X).
 * Returns and bad_index exactly as zk_schnorr_batch_verify: 0 only if every
 * proof is valid except with probability at most 2^-128. */
int zk_dleq_batch_verify(const uint8_t (*proofs)[ZK_DLEQ_PROOF_BYTES],
                         zk_transcript *t, const zk_elem *const *G,
                         const zk_elem *H, const zk_elem *X, const zk_elem *Y,
                         size_t n, sh_rng *rng, size_t *bad_index) SH_WUR;

/* Strict fixed-size serialization: SH_ERR_POINT if R1 or R2 is not a
 * canonical point encoding (checked in that order, before s),
 * SH_ERR_NONCANONICAL if s is not canonical; encode(decode(b)) == b. */
int zk_dleq_proof_decode(zk_dleq_proof *out, const uint8_t in[ZK_DLEQ_PROOF_BYTES]) SH_WUR;
void zk_dleq_proof_encode(uint8_t out[ZK_DLEQ_PROOF_BYTES], const zk_dleq_proof *p);

#endif
