/* mpc/beacon.h -- the epoch beacon: a threshold DDH evaluation with DLEQ
 * proofs, on the shares of the threshold-decryption key (mpc/tdec.h).
 *
 * For an input e (the epoch's, chosen by the caller) and the group key Y:
 *     P = hash_to_group("shroud-beacon-v1-point", enc(Y) || e)
 *     V = x*P                       (x the group secret, Y = x*B)
 *     value = the first 32 bytes of a transcript challenge over Y, e, V.
 * Party i contributes B_i = x_i*P with a DLEQ proof (log_B X_i = log_P B_i);
 * any t valid contributions give V = sum_i lambda_i B_i (Lagrange at 0).
 *
 *   unique        V is determined by Y and e alone, whichever t parties
 *                 contribute, and so is the value;
 *   unpredictable without t shares, V is a DDH value nobody can compute;
 *   verifiable    the beacon proof is the k >= 1 contributions used, each
 *                 with its party's verification key X_i and DLEQ proof.  A
 *                 verifier holding ONLY Y and e checks every DLEQ proof,
 *                 checks sum lambda_i X_i = Y and recomputes
 *                 V = sum lambda_i B_i.  Each valid proof makes
 *                 B_i = log_B(X_i)*P, so V = (sum lambda_i log_B X_i)*P =
 *                 log_B(Y)*P: no forged keys or shares can give another V.
 *                 The verifier needs neither t nor n nor the commitments.
 *
 * docs/threshold-decryption.md ("The epoch beacon") is the byte-exact
 * spec: transcripts, the value, the two message formats.
 *
 * Secrets: as in mpc/tdec.h (mpc_tdec_secret; zk_point_mul and
 * zk_dleq_prove only).  Sans-IO.  Errors: 0 or a negative SH_ERR_*.
 */
#ifndef SHROUD_MPC_BEACON_H
#define SHROUD_MPC_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "mpc/tdec.h"

#define MPC_BEACON_DOMAIN "shroud-beacon-v1"          /* transcript domain */
#define MPC_BEACON_POINT_DST "shroud-beacon-v1-point" /* hash-to-group tag */
#define MPC_BEACON_BYTES 32                           /* the beacon value */
#define MPC_BEACON_MAX_INPUT 1024                     /* bytes of input e */

/* Everything derived from (Y, e) once per epoch: P and the transcript
 * prefix shared by every share proof and by the value.  Plain data. */
typedef struct mpc_beacon_ctx {
    zk_elem Y;
    zk_elem P;
    zk_transcript prefix;
} mpc_beacon_ctx;

/* SH_ERR_ARG for NULL pointers or len > MPC_BEACON_MAX_INPUT. */
int mpc_beacon_ctx_init(mpc_beacon_ctx *c, const zk_elem *Y, const uint8_t *input,
                        size_t len) SH_WUR;

/* One party's contribution: what an MPC_BEACON_MSG_SHARE message carries. */
typedef struct mpc_beacon_share {
    uint32_t id;
    zk_elem B;                              /* x_i*P */
    uint8_t proof[ZK_DLEQ_PROOF_BYTES];
} mpc_beacon_share;

/* The beacon of an epoch. */
typedef struct mpc_beacon {
    uint8_t value[MPC_BEACON_BYTES];
    zk_elem V;                              /* x*P */
} mpc_beacon;

/* Party sk's contribution (constant time in sk->x).  SH_ERR_ARG. */
int mpc_beacon_share_make(mpc_beacon_share *out, const mpc_beacon_ctx *c,
                          const mpc_tdec_secret *sk, sh_rng *rng) SH_WUR;

/* Check s[0..k) (k different parties) against pk's verification keys;
 * status[i] as in mpc_tdec_verify (SH_ERR_RANGE unknown party,
 * SH_ERR_POINT / SH_ERR_NONCANONICAL malformed proof, SH_ERR_VERIFY).
 * One zk_dleq_batch_verify with rng (NULL: one by one), each checked alone
 * if it fails.  0 if all are valid, SH_ERR_VERIFY if some status is not
 * 0, SH_ERR_ARG (NULL pointers, a repeated party), SH_ERR_NOMEM. */
int mpc_beacon_verify_shares(const mpc_tdec_pub *pk, const mpc_beacon_ctx *c,
                             const mpc_beacon_share *s, size_t k, sh_rng *rng,
                             int *status) SH_WUR;

/* Verify s[0..k) (status as above), then combine the t valid shares of
 * the smallest identifiers into *out.  If proof is not NULL, the beacon
 * proof message (MPC_BEACON_MSG_PROOF) for those t shares is appended to
 * it.  0 on success even if some shares were invalid (status says which);
 * SH_ERR_STATE if fewer than t are valid; SH_ERR_ARG, SH_ERR_NOMEM, and
 * the errors of the msgpack writer. */
int mpc_beacon_combine(mpc_beacon *out, sh_buf *proof, const mpc_tdec_pub *pk,
                       const mpc_beacon_ctx *c, const mpc_beacon_share *s, size_t k,
                       sh_rng *rng, int *status) SH_WUR;

/* Verify a beacon proof message against c (Y and e) ALONE and output the
 * beacon.  max_shares bounds the contributions accepted (and with them
 * the message size, checked first); 0 means MPC_MAX_PARTIES.  rng: batch
 * weights for the DLEQ checks (NULL: one by one).  Errors:
 *   the errors of mpc_beacon_proof_decode (malformed message)
 *   SH_ERR_VERIFY   a DLEQ proof fails, sum lambda_i X_i != Y, or the
 *                   stated V is not sum lambda_i B_i
 *   SH_ERR_NOMEM, SH_ERR_ARG
 * On error *out is zeroed. */
int mpc_beacon_verify(mpc_beacon *out, const mpc_beacon_ctx *c, const uint8_t *msg,
                      size_t len, size_t max_shares, sh_rng *rng) SH_WUR;

/* ---- wire format ----------------------------------------------------------- */

/* [1, MPC_BEACON_MSG_SHARE, id, bin(enc(B_i)), bin(proof)]: 138 bytes at
 * most.  Encode appends to out (SH_ERR_ARG for an id out of range). */
#define MPC_BEACON_SHARE_MSG_MAX 138
int mpc_beacon_share_encode(sh_buf *out, const mpc_beacon_share *s) SH_WUR;
/* Strict decoding, in this order: SH_ERR_OVERSIZE (len above the
 * maximum), the reader's errors, SH_ERR_VERSION, SH_ERR_TYPE (message
 * type or field type), SH_ERR_LENGTH (field count, byte lengths),
 * SH_ERR_RANGE (id not in 1..MPC_MAX_PARTIES), SH_ERR_POINT /
 * SH_ERR_IDENTITY (B_i), SH_ERR_POINT / SH_ERR_NONCANONICAL (proof). */
int mpc_beacon_share_decode(mpc_beacon_share *out, const uint8_t *msg, size_t len) SH_WUR;

/* [1, MPC_BEACON_MSG_PROOF, bin(enc(V)), [[id, bin(enc(X_i)), bin(enc(B_i)),
 * bin(proof)], ...]] with 1..max_shares entries in strictly increasing id
 * order.  The largest message for k entries: */
size_t mpc_beacon_proof_msg_max(size_t k);
/* A decoded beacon proof: the stated V and k contributions with their
 * verification keys (arrays owned by the structure). */
typedef struct mpc_beacon_proof {
    zk_elem V;
    size_t k;
    zk_elem *X;                 /* X[0..k) */
    mpc_beacon_share *s;        /* s[0..k) */
} mpc_beacon_proof;
/* Strict decoding into *out (release with mpc_beacon_proof_clear), in
 * this order: SH_ERR_OVERSIZE (len > mpc_beacon_proof_msg_max(max_shares)),
 * the reader's errors, SH_ERR_VERSION, SH_ERR_TYPE, SH_ERR_LENGTH (field or
 * entry counts: 0 entries or more than max_shares, byte lengths),
 * SH_ERR_POINT / SH_ERR_IDENTITY (V), then per entry SH_ERR_RANGE (id),
 * SH_ERR_NONCANONICAL (ids not strictly increasing), SH_ERR_POINT /
 * SH_ERR_IDENTITY (X_i, B_i), SH_ERR_POINT / SH_ERR_NONCANONICAL (proof);
 * SH_ERR_NOMEM.  On error *out is empty. */
int mpc_beacon_proof_decode(mpc_beacon_proof *out, const uint8_t *msg, size_t len,
                            size_t max_shares) SH_WUR;
void mpc_beacon_proof_clear(mpc_beacon_proof *p);

#endif
