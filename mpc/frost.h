/* mpc/frost.h -- FROST threshold Schnorr signatures (RFC 9591).
 *
 * Ciphersuites (docs/frost.md is normative for everything below):
 *
 *   MPC_FROST_RISTRETTO255  FROST(ristretto255, SHA-512)   "FROST-RISTRETTO255-SHA512-v1"
 *   MPC_FROST_ED25519       FROST(Ed25519, SHA-512)        "FROST-ED25519-SHA512-v1"
 *                           signatures pass crypto_sign_verify_detached
 *   MPC_FROST_SECP256K1     FROST(secp256k1, SHA-256)      "FROST-secp256k1-SHA256-v1"
 *   MPC_FROST_SECP256K1_TR  the BIP340 variant             "FROST-secp256k1-SHA256-TR-v1"
 *                           64-byte signatures that pass secp256k1_schnorrsig_verify
 *                           under the x-only (optionally BIP341-tweaked) group key
 *
 * Participants are numbered 1..n (n <= MPC_MAX_PARTIES); participant i's
 * RFC 9591 identifier is the scalar i.
 *
 * The flow (a coordinator, RFC 9591 section 5):
 *   round 1   every signer: mpc_frost_round1 -> commitment (sent to the
 *             coordinator) and a nonce handle (kept);
 *   package   the coordinator: a signing package = the message and the
 *             commitments of the chosen signers, sorted by identifier;
 *   round 2   every chosen signer: mpc_frost_round2(handle, package) -> a
 *             signature share; the nonce is wiped and can never sign again;
 *   aggregate the coordinator: mpc_frost_aggregate -> the signature, or the
 *             identifiers of the signers whose shares are wrong.
 * A coordinator may prepare the aggregation (binding factors, group
 * commitment, challenge) as soon as it has built the package, while it
 * waits for shares: mpc_frost_session_new, then mpc_frost_session_aggregate.
 *
 * Everything here is sans-IO: no clock, no I/O, randomness only from the
 * sh_rng passed in.  Secret shares and nonces are handled in constant
 * time; everything else (identifiers, commitments, binding factors,
 * challenges, signature shares) is public.
 *
 * Errors (0 or a negative SH_ERR_*), for the checks every function makes on
 * a signing package (and on decoding one, mpc/frost_msg):
 *   SH_ERR_ZERO          an identifier 0
 *   SH_ERR_RANGE         an identifier above MPC_MAX_PARTIES (or, where a
 *                        public key package is given, above its n); fewer
 *                        commitments than the threshold, or none
 *   SH_ERR_NONCANONICAL  commitments not in ascending identifier order
 *   SH_ERR_FORMAT        the same identifier twice
 *   SH_ERR_OVERSIZE      a message above MPC_FROST_MAX_MSG_BYTES
 *   SH_ERR_ARG           NULL pointers, a tweak given for a suite other
 *                        than MPC_FROST_SECP256K1_TR (caller bugs)
 *   SH_ERR_IDENTITY      the group commitment is the identity
 *   SH_ERR_NOMEM
 */
#ifndef SHROUD_MPC_FROST_H
#define SHROUD_MPC_FROST_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/group.h"
#include "mpc/shamir.h"
#include "util/err.h"
#include "util/rng.h"

typedef enum mpc_frost_suite_id {
    MPC_FROST_RISTRETTO255 = 1,
    MPC_FROST_ED25519 = 2,
    MPC_FROST_SECP256K1 = 3,
    MPC_FROST_SECP256K1_TR = 4
} mpc_frost_suite_id;

#define MPC_FROST_MAX_SIG_BYTES 65          /* secp256k1: R (33) || z (32) */
#define MPC_FROST_MAX_MSG_BYTES (1u << 20)  /* largest message signed */
#define MPC_FROST_MAX_NONCES 64             /* live nonces per signer */
#define MPC_FROST_RANDOM_BYTES 32           /* randomness per nonce */

/* ---- ciphersuites ------------------------------------------------------- */

typedef struct mpc_frost_ctx mpc_frost_ctx;

/* A ciphersuite instance (owns its mpc_group; rng as for mpc_group_new).
 * NULL for an unknown id or out of memory.  Immutable after creation. */
mpc_frost_ctx *mpc_frost_ctx_new(mpc_frost_suite_id id, sh_rng *rng);
void mpc_frost_ctx_free(mpc_frost_ctx *ctx);               /* NULL-safe */

mpc_frost_suite_id mpc_frost_suite_of(const mpc_frost_ctx *ctx);
const mpc_group *mpc_frost_group(const mpc_frost_ctx *ctx);
/* "FROST(ristretto255, SHA-512)", ..., "FROST(secp256k1, SHA-256, BIP340)";
 * NULL for an unknown id. */
const char *mpc_frost_suite_name(mpc_frost_suite_id id);
/* The context string, e.g. "FROST-ED25519-SHA512-v1"; NULL if unknown. */
const char *mpc_frost_context_string(mpc_frost_suite_id id);
/* The suite whose RFC 9591 name (the "name" of a test-vector file's config)
 * is `name`; 0 if none. */
mpc_frost_suite_id mpc_frost_suite_by_name(const char *name);
/* Signature size: 64, 64, 65, 64. */
size_t mpc_frost_sig_bytes(const mpc_frost_ctx *ctx);

/* ---- keys ---------------------------------------------------------------- */

/* What participant `id` holds.  `share` is secret. */
typedef struct mpc_frost_key_package {
    mpc_scalar share;              /* s_i = f(i) */
    mpc_elem verifying_share;      /* Y_i = s_i * B */
    mpc_elem group_key;            /* P = f(0) * B */
    uint32_t id;                   /* 1..MPC_MAX_PARTIES */
    uint32_t min_signers;          /* t */
} mpc_frost_key_package;

/* What everybody may know: the group key and every verifying share.
 * verifying_shares[i - 1] belongs to participant i (1 <= i <= n); the
 * array is the caller's (mpc_elems_alloc). */
typedef struct mpc_frost_public_package {
    mpc_elem group_key;
    mpc_elem *verifying_shares;
    uint32_t n;
    uint32_t min_signers;
} mpc_frost_public_package;

/* 32-byte aligned, zeroed arrays of key packages; free wipes (NULL-safe). */
mpc_frost_key_package *mpc_frost_key_packages_alloc(size_t n);
void mpc_frost_key_packages_free(mpc_frost_key_package *kp, size_t n);

/* A trusted dealer (tests, demos, importing an existing key): shares a
 * secret (a random one when secret is NULL) with threshold t among n
 * participants.  kps[0..n) receive the key packages; pub, when not NULL,
 * the public package (pub->verifying_shares must hold n elements).  The
 * DKG (mpc/dkg) is how a committee gets keys without a dealer.
 * SH_ERR_RANGE unless 1 <= t <= n <= MPC_MAX_PARTIES; SH_ERR_ZERO for a
 * zero secret; SH_ERR_NOMEM. */
int mpc_frost_keygen_dealer(const mpc_frost_ctx *ctx, uint32_t t, uint32_t n,
                            const mpc_scalar *secret, sh_rng *rng,
                            mpc_frost_key_package *kps,
                            mpc_frost_public_package *pub) SH_WUR;

/* ---- BIP340 variant: the key that signatures verify under --------------- */

/* MPC_FROST_SECP256K1_TR signs under the x-only key x(Q) where
 *   P' = P with even Y (the BIP340 lift of x(P)),
 *   Q  = P'                  when taproot is 0,
 *   Q  = P' + t*G            when taproot is 1, with the BIP341 tweak
 *        t = tagged_hash("TapTweak", x(P) || merkle_root) (merkle_root
 *        omitted when has_merkle_root is 0: a key-path-only output, BIP86).
 * All-zero for every other suite. */
typedef struct mpc_frost_tweak {
    uint8_t taproot;               /* 0 or 1 */
    uint8_t has_merkle_root;       /* 0 or 1; 1 needs taproot = 1 */
    uint8_t merkle_root[32];
} mpc_frost_tweak;

/* The 32-byte x-only key x(Q) (TR only: SH_ERR_ARG otherwise) and, if
 * parity is not NULL, Q's Y parity (BIP341's output_key_parity).
 * SH_ERR_RANGE if the tweak is not below the order (probability 2^-128),
 * SH_ERR_IDENTITY if Q is the identity. */
int mpc_frost_output_key(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                         const mpc_frost_tweak *tweak, uint8_t xonly[32],
                         int *parity) SH_WUR;

/* ---- commitments and signing packages ------------------------------------ */

/* A signer's round-one commitment.  Build with mpc_frost_round1,
 * mpc_frost_commitment_set or the decoder (never by hand): enc holds the
 * encodings of hiding and binding, which the binding factors hash. */
typedef struct mpc_frost_commitment {
    mpc_elem hiding;               /* D_i */
    mpc_elem binding;              /* E_i */
    uint8_t enc[2][MPC_ELEM_MAX_BYTES];
    uint32_t id;
} mpc_frost_commitment;

/* c = (id, D, E) with encodings.  SH_ERR_ZERO / SH_ERR_RANGE for the id,
 * SH_ERR_IDENTITY if D or E is the identity. */
int mpc_frost_commitment_set(const mpc_frost_ctx *ctx, mpc_frost_commitment *c,
                             uint32_t id, const mpc_elem *hiding,
                             const mpc_elem *binding) SH_WUR;
/* 32-byte aligned, zeroed arrays (NULL-safe free). */
mpc_frost_commitment *mpc_frost_commitments_alloc(size_t n);
void mpc_frost_commitments_free(mpc_frost_commitment *c, size_t n);

/* What the coordinator sends in round two.  The arrays are the caller's;
 * commitments are sorted by identifier, without repetition. */
typedef struct mpc_frost_signing_package {
    const mpc_frost_commitment *commitments;
    size_t n;
    const uint8_t *msg;
    size_t msg_len;
    mpc_frost_tweak tweak;         /* TR only; all zero otherwise */
} mpc_frost_signing_package;

/* The checks listed at the top of this file; min_signers 0 skips the
 * threshold check. */
int mpc_frost_package_check(const mpc_frost_ctx *ctx,
                            const mpc_frost_signing_package *pkg,
                            uint32_t min_signers) SH_WUR;

/* ---- signature shares ------------------------------------------------------ */

typedef struct mpc_frost_share {
    mpc_scalar z;
    uint32_t id;
} mpc_frost_share;

/* ---- the signer ------------------------------------------------------------ */

typedef struct mpc_frost_signer mpc_frost_signer;

/* A signer for key package kp (copied into sodium_malloc memory; ctx must
 * outlive the signer).  SH_ERR_VERIFY unless kp->share * B equals
 * kp->verifying_share; SH_ERR_RANGE for a bad id or threshold;
 * SH_ERR_NOMEM. */
int mpc_frost_signer_new(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                         mpc_frost_signer **out) SH_WUR;
/* Wipes every key and nonce.  NULL-safe. */
void mpc_frost_signer_free(mpc_frost_signer *s);

/* Round one: two fresh nonces (RFC 9591 nonce_generate: H3 of 32 bytes
 * from rng and the secret share), kept inside the signer under a new
 * handle (never reused by this signer), and their commitment.
 * SH_ERR_STATE when MPC_FROST_MAX_NONCES nonces are already live. */
int mpc_frost_round1(mpc_frost_signer *s, sh_rng *rng, mpc_frost_commitment *out,
                     uint64_t *handle) SH_WUR;

/* Round two: the signature share for pkg with the nonces of handle.
 * Checks the package (errors above; fewer than min_signers commitments is
 * SH_ERR_RANGE) and that it holds this signer's identifier with exactly
 * the commitment of handle (SH_ERR_VERIFY otherwise: the nonce is kept).
 * On success the nonce is wiped and forgotten: the same handle again, or
 * a handle never issued, is SH_ERR_STATE. */
int mpc_frost_round2(mpc_frost_signer *s, uint64_t handle,
                     const mpc_frost_signing_package *pkg, mpc_frost_share *out) SH_WUR;

/* Forget a nonce without signing (e.g. the coordinator gave up).
 * SH_ERR_STATE for an unknown handle. */
int mpc_frost_nonce_discard(mpc_frost_signer *s, uint64_t handle) SH_WUR;
/* Nonces currently live. */
size_t mpc_frost_signer_live_nonces(const mpc_frost_signer *s);

/* ---- the coordinator ------------------------------------------------------- */

typedef struct mpc_frost_session mpc_frost_session;

/* Everything about pkg that does not depend on the shares: binding
 * factors, group commitment, challenge, Lagrange coefficients.  pub and
 * pkg are copied from (they need not outlive the session).  Package
 * errors as above (identifiers above pub->n: SH_ERR_RANGE). */
int mpc_frost_session_new(const mpc_frost_ctx *ctx, const mpc_frost_public_package *pub,
                          const mpc_frost_signing_package *pkg,
                          mpc_frost_session **out) SH_WUR;
void mpc_frost_session_free(mpc_frost_session *s);           /* NULL-safe */

/* The signature from one share per signer of the package, in any order.
 * The shares are checked together first (the signature they sum to is
 * verified); only if that fails is each share checked alone, and then
 * bad[0..*n_bad) receives the identifiers of the wrong ones in
 * ascending order (bad must hold as many entries as the package has
 * signers) and the result is SH_ERR_VERIFY.  SH_ERR_LENGTH if the shares
 * are not exactly one per signer of the package (SH_ERR_FORMAT for a
 * repeated identifier), SH_ERR_LENGTH if sig_cap is below the signature
 * size.  *sig_len receives the size. */
int mpc_frost_session_aggregate(const mpc_frost_session *s, const mpc_frost_share *shares,
                                size_t n_shares, uint8_t *sig, size_t sig_cap,
                                size_t *sig_len, uint32_t *bad, size_t *n_bad) SH_WUR;

/* session_new + session_aggregate + session_free. */
int mpc_frost_aggregate(const mpc_frost_ctx *ctx, const mpc_frost_public_package *pub,
                        const mpc_frost_signing_package *pkg,
                        const mpc_frost_share *shares, size_t n_shares,
                        uint8_t *sig, size_t sig_cap, size_t *sig_len,
                        uint32_t *bad, size_t *n_bad) SH_WUR;

/* RFC 9591 verify_signature_share for one share: 0 or SH_ERR_VERIFY. */
int mpc_frost_session_verify_share(const mpc_frost_session *s,
                                   const mpc_frost_share *share) SH_WUR;

/* ---- verification ------------------------------------------------------------ */

/* 0 if sig is a valid signature of msg under group_key (for TR: under the
 * output key of group_key and tweak, with the BIP340 rules), else
 * SH_ERR_VERIFY (SH_ERR_LENGTH for a wrong size, SH_ERR_POINT /
 * SH_ERR_NONCANONICAL for undecodable parts).  tweak may be NULL (no
 * tweak). */
int mpc_frost_verify(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                     const mpc_frost_tweak *tweak, const uint8_t *msg, size_t msg_len,
                     const uint8_t *sig, size_t sig_len) SH_WUR;

/* ---- the RFC 9591 functions, one by one (test vectors, tests) -------------- */

/* nonce_generate with the given randomness: H3(random || SerializeScalar(secret)). */
void mpc_frost_nonce_generate(const mpc_frost_ctx *ctx, mpc_scalar *nonce,
                              const uint8_t random[MPC_FROST_RANDOM_BYTES],
                              const mpc_scalar *secret);
/* The binding factor input ("rho_input") of the signer at position index
 * of the package: SerializeElement(group key) || H4(msg) ||
 * H5(encode_group_commitment_list) || SerializeScalar(identifier) (for TR
 * the group key part is the 32-byte x-only output key).  *len receives the
 * size; SH_ERR_LENGTH if cap is too small. */
int mpc_frost_binding_factor_input(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                                   const mpc_frost_signing_package *pkg, size_t index,
                                   uint8_t *out, size_t cap, size_t *len) SH_WUR;
/* rho[0..pkg->n) = H1(binding factor input of each signer). */
int mpc_frost_binding_factors(const mpc_frost_ctx *ctx, const mpc_elem *group_key,
                              const mpc_frost_signing_package *pkg, mpc_scalar *rho) SH_WUR;
/* RFC 9591 sign() with explicit nonces (no nonce bookkeeping: the caller
 * guarantees they are never used twice). */
int mpc_frost_sign_with_nonces(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                               const mpc_scalar *hiding, const mpc_scalar *binding,
                               const mpc_frost_signing_package *pkg, mpc_scalar *z) SH_WUR;

#endif
