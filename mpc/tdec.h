/* mpc/tdec.h -- threshold ElGamal decryption on ristretto255.
 *
 * A committee of n parties (identifiers 1..n) holds a Shamir sharing, of
 * threshold t, of the session secret x: party i holds x_i = f(i), and
 * everybody knows the group key Y = x*B and the verification keys
 * X_i = x_i*B (from the DKG's Feldman commitments).  A batch is N ElGamal
 * ciphertexts of the same width w (zk/elgamal.h), i.e. M = N*w components
 * (C1_m, C2_m), component j of ciphertext k at m = k*w + j.
 *
 *   partial decryption  party i publishes D_im = x_i*C1_m for every m and
 *                       ONE DLEQ proof for the whole batch (below);
 *   verification        anyone checks a party's batch against X_i: two
 *                       MSMs and a DLEQ check; the DLEQ checks of several
 *                       parties share one MSM (zk_dleq_batch_verify);
 *   combination         M_m = C2_m - sum_{l in S} lambda_l D_lm for any set
 *                       S of t parties with valid partials (Lagrange at 0);
 *   blame               a party whose proof fails is named; which of its
 *                       partials are wrong is found by interpolating, from
 *                       t valid parties, the partials it should have sent.
 *
 * The proof (docs/threshold-decryption.md is the byte-exact spec).  The
 * transcript absorbs the group key, the caller's context and the batch's
 * wire bytes (the prefix, shared by every party), then the party's
 * identifier and all its partials; 128-bit weights e_m (e_0 = 1) are then
 * derived from it, and the party proves with the DLEQ of zk/dleq.h
 * (docs/proofs.md) that log_B X_i = log_H Y_i for
 *     H = sum_m e_m C1_m,    Y_i = sum_m e_m D_im.
 * If some D_im != x_i*C1_m, this statement is false except with
 * probability 2^-128 over the weights, which are fixed only after every
 * partial is: one 96-byte proof covers any number of components, and
 * verification costs two MSMs of M short scalars per party.
 *
 * Secrets: x_i lives in an mpc_tdec_secret, used only through
 * zk_point_mul and zk_dleq_prove (constant time in x_i); it is never
 * copied elsewhere, serialized or logged, and mpc_tdec_secret_wipe erases
 * it.  Everything else here (keys, ciphertexts, partials, proofs, outputs)
 * is public and handled in variable time.
 *
 * Sans-IO: no clocks, sockets, threads or globals; randomness comes in as
 * an sh_rng (the prover's hedged nonces, the verifier's batch weights).
 * Errors: 0 or a negative SH_ERR_* code.
 */
#ifndef SHROUD_MPC_TDEC_H
#define SHROUD_MPC_TDEC_H

#include <stddef.h>
#include <stdint.h>

#include "mpc/group.h"
#include "mpc/shamir.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/rng.h"
#include "zk/dleq.h"
#include "zk/elgamal.h"
#include "zk/group.h"
#include "zk/transcript.h"

#define MPC_TDEC_DOMAIN "shroud-tdec-v1"      /* transcript domain */
#define MPC_TDEC_MAX_COMPONENTS ((size_t)1 << 20)   /* N*w of one batch */
#define MPC_TDEC_MAX_CONTEXT 1024                  /* bytes of context */

/* Wire format: msgpack [version, type, fields...] (docs/msgpack.md).  The
 * threshold-decryption and beacon messages share a version and number
 * their types together. */
#define MPC_TDEC_MSG_VERSION 1
#define MPC_TDEC_MSG_PARTIALS 1      /* mpc/tdec.h */
#define MPC_BEACON_MSG_SHARE 2       /* mpc/beacon.h */
#define MPC_BEACON_MSG_PROOF 3       /* mpc/beacon.h */

/* ---- keys ------------------------------------------------------------------ */

/* The committee's public keys.  Plain data owned by the caller; fill it
 * with one of the init functions and release it with mpc_tdec_pub_clear. */
typedef struct mpc_tdec_pub {
    uint32_t t, n;        /* threshold and committee size */
    zk_elem Y;            /* group key x*B */
    zk_elem *X;           /* X[i-1] = x_i*B, verification key of party i */
    mpc_group *g;         /* ristretto255 (Lagrange coefficients) */
} mpc_tdec_pub;

/* From the DKG's Feldman commitments C[0..t) (ristretto255 elements):
 * Y = C[0], X_i = mpc_feldman_eval(C, i) for i = 1..n.
 *   SH_ERR_RANGE     unless 1 <= t <= n <= MPC_MAX_PARTIES
 *   SH_ERR_IDENTITY  Y or some X_i is the identity
 *   SH_ERR_NOMEM
 * On error *pk is cleared (safe to clear again). */
int mpc_tdec_pub_init_feldman(mpc_tdec_pub *pk, const mpc_elem *C, uint32_t t,
                              uint32_t n) SH_WUR;
/* From explicit keys Y and X[0..n) (copied).  The caller vouches that they
 * come from one sharing of threshold t (e.g. a completed DKG); nothing
 * checks that X lies on a polynomial of degree t-1 through Y.  Errors as
 * above. */
int mpc_tdec_pub_init(mpc_tdec_pub *pk, uint32_t t, uint32_t n, const zk_elem *Y,
                      const zk_elem *X) SH_WUR;
/* Frees what init allocated; NULL-safe; *pk is then all zero. */
void mpc_tdec_pub_clear(mpc_tdec_pub *pk);

/* One party's secret: its identifier, its share x_i and X_i = x_i*B. */
typedef struct mpc_tdec_secret {
    uint32_t id;
    zk_scalar x;          /* secret */
    zk_elem X;            /* x*B */
} mpc_tdec_secret;

/* Copies *x (e.g. &share.r of an mpc_scalar) and computes X (constant
 * time).  SH_ERR_RANGE unless 1 <= id <= MPC_MAX_PARTIES, SH_ERR_ZERO for
 * x = 0 (*sk is then wiped).  The caller compares sk->X with its
 * published verification key if it wants to catch a corrupted share. */
int mpc_tdec_secret_init(mpc_tdec_secret *sk, uint32_t id, const zk_scalar *x) SH_WUR;
void mpc_tdec_secret_wipe(mpc_tdec_secret *sk);

/* ---- the batch ------------------------------------------------------------- */

/* N ciphertexts of width w, decoded, with the prefix of every proof
 * transcript (group key, context, the batch's wire bytes) hashed once.
 * Component m = k*w + j is ciphertext k's j-th (C1, C2).  One heap block;
 * release with mpc_tdec_batch_clear. */
typedef struct mpc_tdec_batch {
    size_t n, w;          /* N and w; N*w components */
    zk_point *c1, *c2;    /* the components' C1 and C2 */
    uint8_t *c1enc;       /* enc(C1_m) at 32*m */
    zk_transcript prefix; /* docs/threshold-decryption.md, "Transcript" */
} mpc_tdec_batch;

/* From decoded ciphertexts ct[0..n*w) (ciphertext k at ct + k*w), which
 * are encoded once for the transcript.  ctx: the caller's context (epoch,
 * round, ...), ctx_len <= MPC_TDEC_MAX_CONTEXT.
 *   SH_ERR_ARG       NULL pointers, n or w zero, w > ZK_ELGAMAL_MAX_WIDTH,
 *                    ctx_len above the limit
 *   SH_ERR_OVERSIZE  n*w > MPC_TDEC_MAX_COMPONENTS
 *   SH_ERR_NOMEM
 * On error *b is cleared. */
int mpc_tdec_batch_init(mpc_tdec_batch *b, const mpc_tdec_pub *pk, const uint8_t *ctx,
                        size_t ctx_len, const zk_elgamal_ct *ct, size_t n, size_t w) SH_WUR;
/* From wire bytes: ciphertext k is wire[k][0..wire_len[k]) in the format
 * of docs/elgamal.md; all must have the same width, at most max_w.  The
 * errors of zk_elgamal_ct_decode (with cap = max_w) for the first bad
 * ciphertext, SH_ERR_LENGTH for a width other than the first one's, and
 * the errors of mpc_tdec_batch_init; *bad (if not NULL) is then the index
 * of the offending ciphertext (n for errors not tied to one). */
int mpc_tdec_batch_init_wire(mpc_tdec_batch *b, const mpc_tdec_pub *pk,
                             const uint8_t *ctx, size_t ctx_len,
                             const uint8_t *const *wire, const size_t *wire_len,
                             size_t n, size_t max_w, size_t *bad) SH_WUR;
void mpc_tdec_batch_clear(mpc_tdec_batch *b);

/* ---- partial decryptions --------------------------------------------------- */

/* One party's partial decryptions of a batch with their proof: what one
 * MPC_TDEC_MSG_PARTIALS message carries. */
typedef struct mpc_tdec_partials {
    uint32_t id;                        /* the party */
    size_t n, w;                        /* shape of the batch */
    zk_point *D;                        /* D_m, m < n*w */
    uint8_t *enc;                       /* enc(D_m) at 32*m */
    uint8_t proof[ZK_DLEQ_PROOF_BYTES];
} mpc_tdec_partials;

/* Room for n*w partials; NULL for a zero or oversize shape (n*w above
 * MPC_TDEC_MAX_COMPONENTS) or out of memory.  NULL-safe free. */
mpc_tdec_partials *mpc_tdec_partials_new(size_t n, size_t w);
void mpc_tdec_partials_free(mpc_tdec_partials *p);

/* Party sk's partial decryptions of batch b with the proof, into out
 * (shaped for b).  D_m = x*C1_m, each by constant-time zk_point_mul.
 * SH_ERR_ARG for NULL pointers or a shape other than b's; SH_ERR_NOMEM. */
int mpc_tdec_partial(mpc_tdec_partials *out, const mpc_tdec_batch *b,
                     const mpc_tdec_secret *sk, sh_rng *rng) SH_WUR;

/* Verify the partials p[0..k) of k different parties for batch b.
 * status[i] (k entries, required) receives 0 if p[i] is valid, else:
 *   SH_ERR_RANGE    p[i]->id is not in 1..pk->n (an unknown party)
 *   SH_ERR_LENGTH   p[i]'s shape is not b's
 *   SH_ERR_POINT, SH_ERR_NONCANONICAL   malformed proof bytes
 *   SH_ERR_VERIFY   the proof does not verify: some D is wrong, or the
 *                   proof is for other partials, another batch, another
 *                   context or another party
 * The DLEQ checks of all well-formed parties are done with one
 * zk_dleq_batch_verify (128-bit weights from rng, the verifier's own
 * randomness); if that fails, each is checked alone so that every invalid
 * party is named.  rng NULL: each is checked alone from the start.
 * Returns 0 when every p[i] is valid, SH_ERR_VERIFY when some status is
 * not 0, SH_ERR_ARG for NULL pointers or two p[i] of the same party,
 * SH_ERR_NOMEM. */
int mpc_tdec_verify(const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                    const mpc_tdec_partials *const *p, size_t k, sh_rng *rng,
                    int *status) SH_WUR;

/* M[0..n*w) = the plaintext points, from the partials p[0..pk->t) of t
 * different parties, which the caller has verified (p[t..k) are ignored):
 * M_m = C2_m - sum_l lambda_l D_lm with the Lagrange coefficients of
 * their identifiers at 0 (mpc_lagrange_coeffs).  The result does not
 * depend on which t valid parties are used, but the cost does: one MSM
 * of t-1 points per component, whose scalars are the coefficients (or
 * their negatives, whichever is shorter).  For t consecutive identifiers
 * they are small integers (3, -3, 1 for 1, 2, 3), and the combination
 * costs a few point additions per component instead of about one scalar
 * multiplication.
 *   SH_ERR_STATE  k < pk->t: fewer than t partials (wait for more)
 *   SH_ERR_ARG    NULL pointers, shapes other than b's, ids out of range
 *                 or repeated
 *   SH_ERR_NOMEM */
int mpc_tdec_combine(zk_point *M, const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                     const mpc_tdec_partials *const *p, size_t k) SH_WUR;

/* Verify p[0..k) (mpc_tdec_verify, status as there) and combine t valid
 * ones into M[0..n*w): the first run of t consecutive identifiers among
 * the valid ones if there is one (their Lagrange coefficients are small
 * integers, see mpc_tdec_combine), else the t smallest identifiers.  0 if
 * the batch is decrypted, even if some p[i] were invalid (their status
 * says which; see mpc_tdec_blame for their ciphertexts); SH_ERR_STATE if
 * fewer than t are valid (M untouched); SH_ERR_ARG, SH_ERR_NOMEM. */
int mpc_tdec_decrypt(zk_point *M, const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                     const mpc_tdec_partials *const *p, size_t k, sh_rng *rng,
                     int *status) SH_WUR;

/* Which ciphertexts party `bad` decrypted wrongly.  From the verified
 * partials valid[0..t) of t other parties, the partials bad should have
 * sent are interpolated (D_bad,m = sum_l mu_l D_lm, Lagrange at bad's
 * identifier) and compared with what it sent: wrong[k] = 1 if some
 * component of ciphertext k differs, else 0 (b->n entries); *nwrong (if
 * not NULL) counts them.  nwrong = 0 for a party whose proof failed means
 * its partials are right and only its proof is not.  Anyone holding the
 * messages can recompute this: it is evidence, not an opinion.
 * SH_ERR_STATE with fewer than t valid, SH_ERR_ARG (shapes, ids: bad's id
 * among valid's), SH_ERR_NOMEM. */
int mpc_tdec_blame(uint8_t *wrong, size_t *nwrong, const mpc_tdec_pub *pk,
                   const mpc_tdec_batch *b, const mpc_tdec_partials *bad,
                   const mpc_tdec_partials *const *valid, size_t k) SH_WUR;

/* The plaintext bytes of ciphertext k of a combined batch M (zk/encode.h:
 * zk_decode_bytes on M + k*w, with its errors; out_cap =
 * zk_encode_capacity(b->w) always suffices).  SH_ERR_ARG for k >= b->n. */
int mpc_tdec_plaintext(uint8_t *out, size_t out_cap, size_t *out_len,
                       const mpc_tdec_batch *b, const zk_point *M, size_t k) SH_WUR;

/* ---- wire format (mpc/tdec_msg.c) ----------------------------------------- */

/* [1, MPC_TDEC_MSG_PARTIALS, id, n, w, bin(enc(D_0) || ... ), bin(proof)]
 * (docs/threshold-decryption.md).  The exact size for shape (n, w) and an
 * id up to MPC_MAX_PARTIES is at most mpc_tdec_partials_msg_max(n, w). */
size_t mpc_tdec_partials_msg_max(size_t n, size_t w);
/* Appends the message to out.  SH_ERR_ARG for an inconsistent p; the
 * errors of sh_mp_writer_finish. */
int mpc_tdec_partials_encode(sh_buf *out, const mpc_tdec_partials *p) SH_WUR;
/* Strict decoding into a fresh *out (free with mpc_tdec_partials_free),
 * for a batch of at most max_n ciphertexts of width at most max_w (the
 * receiver's limits; normally exactly its batch's shape).  Checked in
 * this order:
 *   SH_ERR_OVERSIZE  len > mpc_tdec_partials_msg_max(max_n, max_w) (with
 *                    n*w capped at MPC_TDEC_MAX_COMPONENTS), before any
 *                    parsing
 *   the errors of sh_mp_reader_init (SH_ERR_TRUNCATED, SH_ERR_TRAILING,
 *   SH_ERR_NONCANONICAL, SH_ERR_TYPE, SH_ERR_FORMAT, ...)
 *   SH_ERR_VERSION   version is not MPC_TDEC_MSG_VERSION
 *   SH_ERR_TYPE      type is not MPC_TDEC_MSG_PARTIALS
 *   SH_ERR_LENGTH    not exactly 5 fields
 *   id, n, w in turn: SH_ERR_TYPE (not a uint), SH_ERR_RANGE (id not in
 *                    1..MPC_MAX_PARTIES, n not in 1..max_n, w not in
 *                    1..max_w, n*w above MPC_TDEC_MAX_COMPONENTS)
 *   partials, proof in turn: SH_ERR_TYPE (not a bin), SH_ERR_LENGTH (not
 *                    32*n*w, not 96 bytes)
 *   SH_ERR_POINT     a partial that is not a canonical point encoding (the
 *                    identity is a valid partial: that of C1 = identity)
 *   SH_ERR_POINT, SH_ERR_NONCANONICAL   malformed proof (zk_dleq_proof_decode)
 *   SH_ERR_NOMEM
 * On error *out is NULL.  Valid bytes decode to a p that encodes to
 * exactly the same bytes. */
int mpc_tdec_partials_decode(mpc_tdec_partials **out, const uint8_t *msg, size_t len,
                             size_t max_n, size_t max_w) SH_WUR;

#endif
