/* mpc/dkg.h -- Pedersen distributed key generation, proactive refresh and
 * resharing, as one sans-IO state machine (include/shroud/sansio.h) over
 * any mpc_group.
 *
 * docs/dkg.md is the specification: rounds, the wire format byte by byte,
 * the decision rule, the network assumptions and the blame format.  In
 * brief, for dealers D (who share a secret) and holders J (who end up with
 * shares):
 *
 *   round 1  DEAL     every party broadcasts a signed message with its
 *                     per-session encryption key E = e*B (ristretto255);
 *                     dealers add Feldman commitments and, in a fresh DKG,
 *                     a proof of possession of their secret.
 *   round 2  SHARE    every dealer sends every holder its share, encrypted
 *                     (XChaCha20-Poly1305 under a key from e_D*E_J), bound
 *                     to the hash of the dealer's own DEAL.
 *   round 3  VIEW     every party broadcasts what it holds: for each dealer
 *                     the signed hash of its DEAL (the echo: two different
 *                     signed hashes are a proof of equivocation), and its
 *                     claims: a verifiable complaint about a bad share
 *                     (revealing e_J*E_D with a DLEQ proof), an invalid
 *                     deal, an equivocation, or a missing share.
 *   round 4  ANSWER   only if some party holds no DEAL or no share from
 *                     dealer D: D broadcasts its DEAL again and reveals
 *                     those holders' shares.
 *   decision          a deterministic function of the round-3 and round-4
 *                     messages: the qualified set Q, the group key, the
 *                     aggregate commitments, and the blame.
 *   CONFIRM           every holder broadcasts the hash of its outcome; in
 *                     refresh and reshare the old shares may be erased once
 *                     erase_quorum holders confirmed the same outcome.
 *
 * Modes: MPC_DKG_FRESH (each dealer shares a random secret; group key =
 * sum of the qualified dealers' C_0), MPC_DKG_REFRESH (each holder deals a
 * sharing of zero; new share = old share + the zero shares; the key is
 * unchanged), MPC_DKG_RESHARE (each old holder i deals a sharing of its old
 * share s_i, checked against Y_i = s_i*B from the old commitments; new
 * share = sum_{i in Q} lambda_i f_i(j); the key is unchanged).
 *
 * Secrets (the copy of the identity key, the encryption key, the
 * polynomial, the old and new shares) live in the instance's heap blocks
 * and are wiped (sodium_memzero) when they are freed.  The
 * new share leaves the instance only through mpc_dkg_share_export, which
 * copies it into caller memory and wipes the instance's copy; it never
 * appears in a delivered result, a log line or a message (except as a
 * round-4 reveal, which the protocol makes public by design).
 */
#ifndef SHROUD_MPC_DKG_H
#define SHROUD_MPC_DKG_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"
#include "mpc/group.h"
#include "mpc/shamir.h"

#define MPC_DKG_SID_BYTES 32
#define MPC_DKG_IDENTITY_SK_BYTES 64   /* libsodium Ed25519 secret key */

typedef enum mpc_dkg_mode {
    MPC_DKG_FRESH = 1,
    MPC_DKG_REFRESH = 2,
    MPC_DKG_RESHARE = 3
} mpc_dkg_mode;

/* Result kinds (sh_drv_deliver); docs/dkg.md gives the encodings. */
#define MPC_DKG_RES_DONE 1        /* the public outcome (and blame, if any) */
#define MPC_DKG_RES_ABORT 2       /* the blame */
#define MPC_DKG_RES_CONFIRMED 3   /* erase_quorum holders confirmed: 32-byte outcome hash */

/* The envelope version of DONE and ABORT results.  5: DONE no longer lists
 * the verification shares (the commitments determine them); until 4 the
 * results carried the wire version (MPC_DKG_VERSION). */
#define MPC_DKG_RESULT_VERSION 5

/* Why a party is blamed (in order of precedence: one reason per party). */
typedef enum mpc_dkg_reason {
    MPC_DKG_BLAME_EQUIVOCATION = 1,   /* two signed DEAL hashes */
    MPC_DKG_BLAME_BAD_DEAL = 2,       /* a signed DEAL that is invalid */
    MPC_DKG_BLAME_BAD_SHARE = 3,      /* a valid complaint */
    MPC_DKG_BLAME_NO_ANSWER = 4,      /* claims of a missing deal/share, unanswered */
    MPC_DKG_BLAME_FALSE_CLAIM = 5     /* a signed complaint or claim that is false */
} mpc_dkg_reason;

/* Byzantine behaviour, for tests and the simulator's faulty nodes: an
 * honest party leaves cfg.faults NULL.  Each field is a bit set or peer id
 * as documented; the faulty party still follows the protocol otherwise. */
typedef struct mpc_dkg_faults {
    uint32_t bad_share_to;        /* holder peer id whose share is off by one, or SH_PEER_NONE */
    int bad_commitment;           /* C_1 (C_0 if t == 1) moved by B: no share verifies */
    int bad_pop;                  /* the proof of possession's s plus one (FRESH) */
    int equivocate;               /* a second polynomial: its DEAL and shares go to odd peer ids */
    int silent;                   /* send nothing at all */
    uint32_t false_complaint_against; /* dealer peer id to accuse of a bad share, or SH_PEER_NONE */
    uint32_t withhold_share_from; /* holder peer id that gets no SHARE (answered in round 4), or SH_PEER_NONE */
    int no_answer;                /* never send round 4 */
    int bad_deal_sig;             /* odd peer ids get a DEAL (with equivocate, the
                                   * second) whose signature does not verify */
    uint32_t fake_echo_for;       /* dealer peer id whose echo in our VIEW is a random
                                   * hash with a random signature, or SH_PEER_NONE */
} mpc_dkg_faults;

typedef struct mpc_dkg_cfg {
    const mpc_group *group;       /* kept (not copied): outlives the instance */
    mpc_dkg_mode mode;
    /* The session: unique per (epoch, committees, purpose, attempt), chosen
     * by the caller, e.g. a hash of those.  Bound into every signature,
     * transcript and key derivation. */
    uint8_t sid[MPC_DKG_SID_BYTES];
    /* This party's identity key (copied); its public half must be what
     * sh_drv_peer_key returns for d->self. */
    const uint8_t *identity_sk;
    /* The holders: n_holders parties with threshold t; holder j has Shamir
     * identifier j + 1 and is peer holders[j] (NULL: peer j, which needs
     * n_holders == n_peers). */
    uint32_t n_holders, t;
    const sh_peer_id *holders;
    /* RESHARE only: the old committee, n_dealers parties with threshold
     * t_old; dealer i (old identifier i + 1) is peer dealers[i] (NULL: peer
     * i).  FRESH and REFRESH: the dealers are the holders (leave these 0 /
     * NULL). */
    uint32_t n_dealers, t_old;
    const sh_peer_id *dealers;
    /* REFRESH and RESHARE: the old aggregate Feldman commitments (t, resp.
     * t_old elements; old_commit[0] is the group key), and this party's old
     * share if it is an old holder (copied; NULL otherwise). */
    const mpc_elem *old_commit;
    const mpc_scalar *old_share;
    uint64_t round_ns;            /* length of each round, > 0 */
    uint64_t rto_ns;              /* retransmission interval; 0: round_ns / 8 */
    uint32_t erase_quorum;        /* matching CONFIRMs for MPC_DKG_RES_CONFIRMED; 0: n_holders */
    const mpc_dkg_faults *faults; /* NULL for an honest party (copied) */
} mpc_dkg_cfg;

typedef struct mpc_dkg mpc_dkg;

extern const sh_proto_ops mpc_dkg_ops;

/* Create an instance bound to d.  SH_ERR_ARG for an inconsistent config
 * (thresholds out of range, a peer list that is not a set of distinct
 * peers below d->n_peers, a missing old share or commitment, an old share
 * that does not match the old commitments, ...); SH_ERR_NOMEM. */
int mpc_dkg_new(const mpc_dkg_cfg *cfg, const sh_driver *d, sh_proto *out) SH_WUR;
/* A fault-free cfg.faults value: every peer field SH_PEER_NONE. */
void mpc_dkg_faults_none(mpc_dkg_faults *f);

typedef enum mpc_dkg_state {
    MPC_DKG_RUNNING = 0,
    MPC_DKG_DONE = 1,
    MPC_DKG_ABORTED = 2
} mpc_dkg_state;

mpc_dkg_state mpc_dkg_get_state(const mpc_dkg *k);

/* After DONE: the group public key, the qualified dealers (indices into the
 * dealer list, increasing; returns their number, writing at most cap), the
 * t aggregate commitments (the next refresh's or reshare's old_commit), the
 * verification share f(j+1)*B of holder j (computed from the commitments
 * at each call: SH_ERR_NOMEM possible), and the 32-byte outcome hash every
 * holder confirms.  SH_ERR_STATE before DONE. */
int mpc_dkg_group_key(const mpc_dkg *k, mpc_elem *out) SH_WUR;
size_t mpc_dkg_qualified(const mpc_dkg *k, uint32_t *out, size_t cap);
int mpc_dkg_commitments(const mpc_dkg *k, mpc_elem *out, uint32_t t) SH_WUR;
int mpc_dkg_verification_share(const mpc_dkg *k, uint32_t holder, mpc_elem *out) SH_WUR;
int mpc_dkg_outcome_hash(const mpc_dkg *k, uint8_t out[32]) SH_WUR;

/* After DONE, for a holder: copy the new share into *out and wipe the
 * instance's copy (so it can be called once).  SH_ERR_STATE before DONE,
 * for a non-holder, or after a first export. */
int mpc_dkg_share_export(mpc_dkg *k, mpc_scalar *out) SH_WUR;

/* REFRESH/RESHARE: 1 once erase_quorum holders have confirmed the outcome
 * this party computed (its old share may then be erased), else 0.  Until
 * then both the old and the new sharing are usable. */
int mpc_dkg_old_share_erasable(const mpc_dkg *k);

/* The blame after DONE or ABORTED: one entry per blamed party, in
 * increasing peer order.  mpc_dkg_blame_get: SH_ERR_RANGE past the end. */
size_t mpc_dkg_blame_count(const mpc_dkg *k);
int mpc_dkg_blame_get(const mpc_dkg *k, size_t i, sh_peer_id *party,
                      mpc_dkg_reason *reason) SH_WUR;
/* Evidence item j of blame entry i (pointers into the instance, valid until
 * it is freed): SH_ERR_RANGE past the end.  The number of items is found by
 * calling with increasing j. */
int mpc_dkg_blame_evidence(const mpc_dkg *k, size_t i, size_t j, const uint8_t **p,
                           size_t *len) SH_WUR;

/* Check a blame entry as a third party: cfg is the session's configuration
 * (identity_sk, old_share and faults are not used and may be NULL),
 * keys[0..n_peers) the members' Ed25519 identity keys, and the entry as
 * delivered (party, reason, evidence items).  0 if the evidence proves that
 * `party` misbehaved for `reason`; SH_ERR_VERIFY if it does not (or is
 * malformed); SH_ERR_STATE for MPC_DKG_BLAME_NO_ANSWER, which no evidence
 * can prove; SH_ERR_ARG, SH_ERR_NOMEM. */
int mpc_dkg_blame_check(const mpc_dkg_cfg *cfg, uint32_t n_peers, const uint8_t (*keys)[32],
                        sh_peer_id party, mpc_dkg_reason reason,
                        const uint8_t *const *ev, const size_t *ev_len, size_t n_ev) SH_WUR;

#endif
