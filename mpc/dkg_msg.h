/* mpc/dkg_msg.h -- the wire format of the DKG (docs/dkg.md, "Messages").
 *
 * Every message is a strict msgpack array (docs/msgpack.md)
 *     [2, type, sid, from, fields..., sig]
 * where sid is the 32-byte session id, from the sender's peer id and sig an
 * Ed25519 signature (64 bytes, always the last element, so always the last
 * 66 bytes: c4 40 and the signature) over
 *     "shroud-dkg-sig-v1" || sid || u8(type) || h,
 *     h = BLAKE2b-256(the message bytes without their last 66 bytes).
 * ACK has no sig.  A CONFIRM, and a VIEW without claims or nil entries,
 * carry 64 zero bytes in its place: they can never be evidence, so they
 * are not signed (mpc_dkg_msg_signed), and an all-zero signature never
 * verifies.  Signing h rather than the bytes lets a (h, sig) pair of a
 * DEAL travel alone as an echo and as evidence.
 * SHAREs are the exception: a dealer signs all of its SHAREs at once, as
 * the root of a Merkle tree over their leaf hashes (one per holder), and
 * each SHARE carries its leaf index and the path to that root; its
 * signature is over the root (mpc_dkg_signed_hash).
 *
 * Decoding checks the size limit of the type before parsing, then every
 * field's type, length and range against mpc_dkg_limits; it does not check
 * signatures (the caller has the keys) or group elements (the caller has
 * the group).  Decoded messages may point into the input bytes (noted per
 * field) and own heap arrays freed by mpc_dkg_msg_clear.
 */
#ifndef SHROUD_MPC_DKG_MSG_H
#define SHROUD_MPC_DKG_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"
#include "util/err.h"
#include "mpc/group.h"

#define MPC_DKG_VERSION 5                   /* 5: Ed25519 hints are the coordinates of P/8 (64 bytes); 4: CONFIRMs and claim-free VIEWs unsigned; 3: DEAL hints for E, the commitments and R (Ed25519 too); 2: SHAREs signed together, X25519 share keys, ACK of (h, sig) */

#define MPC_DKG_MSG_DEAL 1
#define MPC_DKG_MSG_SHARE 2
#define MPC_DKG_MSG_VIEW 3
#define MPC_DKG_MSG_ANSWER 4
#define MPC_DKG_MSG_CONFIRM 5
#define MPC_DKG_MSG_ACK 6

#define MPC_DKG_CLAIM_MISSING 1
#define MPC_DKG_CLAIM_BAD_SHARE 2
#define MPC_DKG_CLAIM_BAD_DEAL 3
#define MPC_DKG_CLAIM_EQUIVOCATION 4

#define MPC_DKG_HASH_BYTES 32
#define MPC_DKG_SIG_BYTES 64
#define MPC_DKG_SIG_TAIL 66                 /* c4 40 + the signature */
#define MPC_DKG_KEY_BYTES 32                /* ristretto255 encodings: E, K */
#define MPC_DKG_KEY_HINT_BYTES 32           /* E's decompression hint (zk/hint.h) */
#define MPC_DKG_CT_BYTES 48                 /* 32-byte share + 16-byte tag */
#define MPC_DKG_DLEQ_BYTES 96
#define MPC_DKG_POP_MAX (MPC_ELEM_MAX_BYTES + MPC_SCALAR_BYTES)
#define MPC_DKG_SIG_INPUT_BYTES (17 + 32 + 1 + 32)
#define MPC_DKG_MERKLE_MAX 10               /* path length for MPC_MAX_PARTIES holders */

/* What a receiver knows before decoding: sizes and counts of the session. */
typedef struct mpc_dkg_limits {
    size_t elem_bytes;          /* mpc_group_elem_bytes */
    uint32_t n_peers;           /* from < n_peers */
    uint32_t n_dealers;         /* VIEW: exactly this many echo entries */
    uint32_t n_holders;         /* ANSWER reveals, SHARE leaf: holder index < n_holders
                                 * (at most MPC_MAX_PARTIES: a SHARE's path is at most
                                 * MPC_DKG_MERKLE_MAX long; more is SH_ERR_RANGE) */
    uint32_t max_commit;        /* DEAL: at most this many commitments */
    size_t hint_bytes;          /* mpc_group_hint_bytes (0: a DEAL's hints are E's only) */
} mpc_dkg_limits;

/* One echo entry: a signed DEAL hash (present = 0: nil, "I hold no DEAL"). */
typedef struct mpc_dkg_echo {
    uint8_t present;
    uint8_t h[MPC_DKG_HASH_BYTES];
    uint8_t sig[MPC_DKG_SIG_BYTES];
} mpc_dkg_echo;

typedef struct mpc_dkg_claim {
    uint32_t kind;              /* MPC_DKG_CLAIM_* */
    uint32_t dealer;            /* dealer index */
    const uint8_t *r1;          /* BAD_SHARE, BAD_DEAL: the dealer's DEAL (into the input) */
    size_t r1_len;
    const uint8_t *r2;          /* BAD_SHARE: the dealer's SHARE to the claimant (into the input) */
    size_t r2_len;
    uint8_t K[MPC_DKG_KEY_BYTES];       /* BAD_SHARE: e_J * E_D */
    uint8_t dleq[MPC_DKG_DLEQ_BYTES];   /* BAD_SHARE: log_B E_J = log_{E_D} K */
    mpc_dkg_echo other;         /* EQUIVOCATION: a second signed DEAL hash */
} mpc_dkg_claim;

typedef struct mpc_dkg_msg {
    uint32_t type;
    uint8_t sid[32];
    uint32_t from;
    uint8_t h[MPC_DKG_HASH_BYTES];      /* decode: hash of the signed prefix */
    uint8_t sig[MPC_DKG_SIG_BYTES];
    /* DEAL */
    uint8_t E[MPC_DKG_KEY_BYTES];
    int has_commit;
    uint32_t n_commit;
    uint8_t *commit;            /* n_commit * elem_bytes (owned) */
    size_t pop_len;             /* 0: nil */
    uint8_t pop[MPC_DKG_POP_MAX];
    uint8_t *hints;             /* decompression hints (owned), NULL/0: nil; else */
    size_t hints_len;           /* E's (32 bytes), each commitment's and the pop's R's
                                 * (hint_bytes each): mpc_dkg_deal_hint_* */
    /* SHARE */
    uint32_t to;
    uint8_t E_to[MPC_DKG_KEY_BYTES];
    mpc_dkg_echo deal;          /* the dealer's own signed DEAL hash (present) */
    uint8_t ct[MPC_DKG_CT_BYTES];
    uint32_t leaf;              /* the holder index: its place in the dealer's tree */
    uint32_t n_path;            /* mpc_dkg_merkle_depth(n_holders) */
    uint8_t path[MPC_DKG_MERKLE_MAX][MPC_DKG_HASH_BYTES];   /* siblings, leaf level first */
    uint8_t root[MPC_DKG_HASH_BYTES];   /* decode (and signed encode): what sig signs */
    /* VIEW */
    uint32_t n_view;
    mpc_dkg_echo *view;         /* owned */
    uint32_t n_claims;
    mpc_dkg_claim *claims;      /* owned (their r1/r2 point into the input) */
    /* ANSWER */
    const uint8_t *r1;          /* into the input */
    size_t r1_len;
    uint32_t n_reveal;
    uint32_t *reveal_idx;       /* owned, strictly increasing holder indices */
    uint8_t *reveal_share;      /* owned, n_reveal * 32 (scalar encodings) */
    /* CONFIRM: the outcome hash; ACK: the BLAKE2b-256 of the acknowledged message */
    uint8_t digest[MPC_DKG_HASH_BYTES];
} mpc_dkg_msg;

/* A DEAL's hints, or NULL when it carries none (hb = the group's
 * hint_bytes): E's, commitment i's (i < n_commit), the pop's R's (only
 * with a pop; NULL when hb is 0). */
const uint8_t *mpc_dkg_deal_hint_E(const mpc_dkg_msg *m);
const uint8_t *mpc_dkg_deal_hint_commit(const mpc_dkg_msg *m, size_t hb, uint32_t i);
const uint8_t *mpc_dkg_deal_hint_R(const mpc_dkg_msg *m, size_t hb);
/* The length of a DEAL's hints when present. */
size_t mpc_dkg_deal_hints_len(const mpc_dkg_msg *m, size_t hb);

/* The largest accepted encoding of a message of `type` (0 for an unknown type). */
size_t mpc_dkg_msg_max_len(uint32_t type, const mpc_dkg_limits *lim);

/* Decode msg[0..len): SH_ERR_VERSION, SH_ERR_TYPE (unknown type), the
 * errors of util/mp.h, SH_ERR_RANGE (an index out of range), SH_ERR_FORMAT
 * (a structural rule of docs/dkg.md, e.g. reveals not increasing),
 * SH_ERR_NOMEM.  On success call mpc_dkg_msg_clear. */
int mpc_dkg_msg_decode(mpc_dkg_msg *out, const uint8_t *msg, size_t len,
                       const mpc_dkg_limits *lim) SH_WUR;
void mpc_dkg_msg_clear(mpc_dkg_msg *m);

/* Append the encoding of m to out (which is reset first).  Signed types
 * (mpc_dkg_msg_signed) are signed with sk (64-byte libsodium Ed25519 key)
 * and unsigned ones get 64 zero bytes, unless sk is NULL, in which case
 * m->sig is written as is (for tests that forge messages, and
 * for SHAREs signed together); m->h receives the hash.  A SHARE is written
 * with m->leaf and m->path[0..n_path); with sk it is signed over the root
 * they give, which m->root receives.  SH_ERR_ARG for an unknown type, SH_ERR_NOMEM. */
int mpc_dkg_msg_encode(sh_buf *out, mpc_dkg_msg *m, size_t elem_bytes,
                       const uint8_t *sk) SH_WUR;

/* Is m (decoded, or filled for encoding) a signed message?  DEAL, SHARE
 * and ANSWER always; a VIEW exactly when it has a claim or a nil echo
 * entry (the VIEWs that can become evidence: docs/dkg.md, "Signatures");
 * CONFIRM and ACK never.  An unsigned CONFIRM or VIEW carries 64 zero
 * bytes as its sig, and decoding refuses anything else there. */
int mpc_dkg_msg_signed(const mpc_dkg_msg *m);

/* The signature over (sid, type, h), and its check against a 32-byte
 * Ed25519 public key: 0 or SH_ERR_VERIFY. */
void mpc_dkg_sign(uint8_t sig[MPC_DKG_SIG_BYTES], const uint8_t *sk, const uint8_t sid[32],
                  uint32_t type, const uint8_t h[MPC_DKG_HASH_BYTES]);
int mpc_dkg_sig_verify(const uint8_t pk[32], const uint8_t sid[32], uint32_t type,
                       const uint8_t h[MPC_DKG_HASH_BYTES],
                       const uint8_t sig[MPC_DKG_SIG_BYTES]) SH_WUR;
/* BLAKE2b-256 of p[0..len). */
void mpc_dkg_hash(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t *p, size_t len);

/* ---- the SHAREs' Merkle tree (docs/dkg.md, "Signatures") ---------------- */

/* The smallest d with 2^d >= n (0 for n <= 1): the path length. */
uint32_t mpc_dkg_merkle_depth(uint32_t n);
/* A SHARE's leaf: BLAKE2b-256("shroud-dkg-share-leaf-v1" || sid ||
 * u32be(from) || u32be(to) || E_to || deal.h || deal.sig || ct). */
void mpc_dkg_share_leaf(uint8_t out[MPC_DKG_HASH_BYTES], const mpc_dkg_msg *m);
/* An inner node: BLAKE2b-256("shroud-dkg-share-node-v1" || left || right). */
void mpc_dkg_merkle_node(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t left[MPC_DKG_HASH_BYTES],
                         const uint8_t right[MPC_DKG_HASH_BYTES]);
/* The root above `leaf` at index idx with the siblings path[0..depth). */
void mpc_dkg_merkle_fold(uint8_t root[MPC_DKG_HASH_BYTES], const uint8_t leaf[MPC_DKG_HASH_BYTES],
                         uint32_t idx, const uint8_t (*path)[MPC_DKG_HASH_BYTES], uint32_t depth);
/* What m's signature signs: the tree's root for a SHARE, h otherwise
 * (both set by decoding). */
const uint8_t *mpc_dkg_signed_hash(const mpc_dkg_msg *m);
/* What an ACK of a message carries: BLAKE2b-256(h || sig), h the message's
 * hash as signed and sig its signature (together they fix every byte of
 * it, and the receiver has both from decoding, so no second pass over
 * the message is needed). */
void mpc_dkg_ack_digest(uint8_t out[MPC_DKG_HASH_BYTES], const uint8_t h[MPC_DKG_HASH_BYTES],
                        const uint8_t sig[MPC_DKG_SIG_BYTES]);

#endif
