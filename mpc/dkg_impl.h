/* mpc/dkg_impl.h -- internal: the state of a DKG instance and the functions
 * shared by mpc/dkg.c (the state machine), mpc/dkg_judge.c (the decision)
 * and mpc/dkg_crypto.c (proofs, share encryption, deal checks).
 * Not part of the public interface: include mpc/dkg.h. */
#ifndef SHROUD_MPC_DKG_IMPL_H
#define SHROUD_MPC_DKG_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/dkg.h"
#include "mpc/dkg_msg.h"
#include "zk/group.h"

#define DKG_MOD "dkg"

/* Stages: the round this party is in. */
enum {
    ST_INIT = 0,
    ST_DEAL = 1,      /* DEAL sent, collecting DEALs */
    ST_SHARE = 2,     /* SHAREs sent, collecting SHAREs */
    ST_VIEW = 3,      /* VIEW sent, collecting VIEWs */
    ST_ANSWER = 4,    /* waiting for ANSWERs */
    ST_DONE = 5,
    ST_ABORTED = 6
};

#define TAG_RTO 100

/* An echo pair seen for a dealer while judging. */
typedef struct dkg_pair {
    const uint8_t *h, *sig;
} dkg_pair;

/* What a party holds from (or about) one peer. */
typedef struct dkg_peer {
    /* round 1: the first DEAL received, its echo pair, and its check */
    uint8_t *r1;
    size_t r1_len;
    mpc_dkg_echo r1_echo;
    int r1_sig;               /* r1_echo's signature: 0 not checked, 1 valid, -1
                               * invalid.  Checked only where it must convince a
                               * third party (docs/dkg.md, "Which signatures are
                               * checked"): the honest run checks none. */
    int r1_state;             /* 0 none, 1 valid, -1 invalid (its signature
                               * checked only if it becomes evidence), 2 valid
                               * but for the proof of possession (checked with
                               * the others' and the shares when round 3
                               * starts; usable until then: dkg_r1_usable) */
    zk_elem *E;               /* valid DEAL: the encryption key (aligned alloc) */
    mpc_elem *C;              /* valid dealer DEAL: t_c commitments, C_0 first */
    mpc_dkg_echo r1_alt;      /* a second, different, validly signed DEAL hash received */
    uint8_t pop[MPC_DKG_POP_MAX];   /* r1_state 2: the proof still to check */
    uint8_t c0[MPC_ELEM_MAX_BYTES]; /* r1_state 2: enc(C_0) as received */
    uint8_t pop_hint[MPC_HINT_MAX_BYTES];   /* r1_state 2: R's hint, if has_pop_hint */
    int has_pop_hint;
    /* round 2: the SHARE this dealer sent us */
    uint8_t *r2;
    size_t r2_len;
    mpc_dkg_msg r2m;
    /* round 3 and 4 */
    uint8_t *r3;
    size_t r3_len;
    mpc_dkg_msg r3m;
    uint8_t *r4;
    size_t r4_len;
    mpc_dkg_msg r4m;
    /* CONFIRM */
    int has_confirm;
    uint8_t confirm[MPC_DKG_HASH_BYTES];
} dkg_peer;

/* A message we sent, kept for resending: one copy for all the peers it
 * went to (a broadcast is one buffer and one digest, not one per peer). */
typedef struct dkg_blob {
    size_t refs;              /* dkg_out entries still waiting for an ACK */
    size_t len;
    uint8_t digest[MPC_DKG_HASH_BYTES];   /* what its ACK carries */
    uint8_t data[];
} dkg_blob;

/* One message in flight to one peer, resent until acknowledged. */
typedef struct dkg_out {
    sh_peer_id to;
    dkg_blob *blob;           /* NULL once acknowledged */
} dkg_out;

/* Drop one reference (an ACK, or the instance freed); NULL-safe. */
void dkg_blob_release(dkg_blob *b);

/* Secrets, in one wiped block (zk_aligned_alloc). */
typedef struct dkg_secrets {
    zk_scalar e;              /* encryption key: clamp(x25519) mod L */
    uint8_t x25519[32];       /* its X25519 form, for the pairwise keys */
    mpc_scalar old_share;
    mpc_scalar share;         /* the result */
    uint8_t sk[MPC_DKG_IDENTITY_SK_BYTES];   /* the identity key (a copy) */
} dkg_secrets;

/* One blame entry. */
typedef struct dkg_blame {
    sh_peer_id party;
    mpc_dkg_reason reason;
    /* evidence: byte strings (owned copies), docs/dkg.md "Blame" */
    uint32_t n_ev;
    uint8_t *ev[4];
    size_t ev_len[4];
} dkg_blame;

struct mpc_dkg {
    const sh_driver *d;
    const mpc_group *g;
    mpc_dkg_mode mode;
    uint8_t sid[MPC_DKG_SID_BYTES];
    uint8_t *sk;              /* = sec->sk */
    uint8_t (*pk)[32];        /* peer identity keys, from the driver at start */
    uint32_t n_peers, n_dealers, n_holders, t, t_old;
    uint32_t t_c;             /* commitments per deal as decoded: t (t-1 in REFRESH) */
    sh_peer_id *dealer_peer, *holder_peer;
    uint32_t *dealer_of, *holder_of;   /* per peer: index or UINT32_MAX */
    mpc_elem *old_commit;     /* REFRESH: t, RESHARE: t_old */
    mpc_elem *Y_old;          /* RESHARE: per dealer, the old verification key */
    size_t eb;                /* element bytes */
    mpc_dkg_limits lim;
    uint64_t round_ns, rto_ns;
    uint32_t erase_quorum;
    mpc_dkg_faults faults;
    int faulty;
    uint32_t joint_fallbacks; /* round-3 joint checks that failed (tests read it) */

    dkg_secrets *sec;
    mpc_scalar *poly;         /* our dealing: t coefficients (dealers) */
    mpc_scalar *poly2;        /* faults.equivocate: the second polynomial */
    uint8_t *deal2;           /* faults.equivocate: the second DEAL */
    size_t deal2_len;
    mpc_scalar *got;          /* per dealer: the share we received, if got_ok */
    uint8_t *got_ok;
    zk_elem *E_self;          /* E = e B, set by the first build_deal (E_ready) */
    uint8_t E_hint[MPC_DKG_KEY_HINT_BYTES];
    int E_ready;
    /* per peer: the pairwise secret X(K), K = e*E_p = e_p*E_self (docs/dkg.md,
     * "Share encryption"), computed once (in round 2 by a dealer, or when
     * opening a share) and wiped with e */
    uint8_t (*pair_key)[32];
    uint8_t *pair_key_ok;
    /* per peer: X(E_p) (public), computed for every DEAL held at the
     * first pairwise key that needs it, in one block */
    uint8_t (*pair_u)[32];
    uint8_t *pair_u_ok;
    int has_old_share, share_exported;

    dkg_peer *peer;
    dkg_out *out;
    size_t n_out, cap_out;

    uint8_t *required;        /* per dealer: must answer in round 4 */
    int stage, stopped;
    uint64_t t0;
    sh_timer_id round_timer, rto_timer;

    /* the outcome */
    uint8_t *qual;            /* per dealer: 1 if qualified */
    mpc_elem *A;              /* t aggregate commitments */
    uint8_t *A_enc;           /* their encodings (t * eb bytes), made once */
    uint8_t outcome[MPC_DKG_HASH_BYTES];
    dkg_blame *blame;         /* per peer: reason 0 if not blamed */
    uint32_t n_confirm;
    int erasable;
};

/* ---- mpc/dkg_deal.c ------------------------------------------------------- */

/* Build our DEAL for polynomial `poly` (NULL for a non-dealer); keep_C, if
 * not NULL, receives the t commitments it carries.  The first call also
 * computes E_self from the secret e.  Every point a DEAL publishes (E, the
 * commitments, the pop's R) is computed, encoded and hinted in one block
 * (mpc_elems_mul_base_publish), E with the others in ristretto255 and
 * apart in the other groups (E is a ristretto255 point in every group). */
int dkg_build_deal(mpc_dkg *k, const mpc_scalar *poly, uint8_t **out, size_t *len,
                   mpc_elem *keep_C) SH_WUR;

/* Record a DEAL (ours or a peer's; the transport authenticated its sender,
 * its signature is not checked here) from peer p.  own is 1 only for the
 * DEAL we built ourselves, untampered; own_C then holds the t commitments
 * it carries (NULL for a non-dealer). */
int dkg_take_deal(mpc_dkg *k, sh_peer_id p, const uint8_t *msg, size_t len,
                  const mpc_dkg_msg *m, int own, const mpc_elem *own_C) SH_WUR;

/* The proofs of possession still pending (r1_state 2), as the parallel
 * arrays dkg_pop_batch_terms takes: n of them, in peer order. */
typedef struct dkg_pending_pops {
    size_t n;
    const uint8_t **pop, **c0, **rhint;   /* rhint[i] NULL: no hint for R */
    const mpc_elem **C0;
    uint32_t *who;                        /* the dealers' peer ids */
} dkg_pending_pops;
/* 0 (with *pp to free by dkg_pending_pops_free), or SH_ERR_NOMEM. */
int dkg_pending_pops_get(const mpc_dkg *k, dkg_pending_pops *pp) SH_WUR;
void dkg_pending_pops_free(dkg_pending_pops *pp);

/* Check the pending proofs of possession on their own, all in one batch
 * (one by one only if the batch fails, to find the bad ones): round 3's
 * fallback when its joint check fails, and a non-holder's round 3. */
int dkg_check_pops(mpc_dkg *k) SH_WUR;

/* A DEAL we encrypt to and take a share from: valid, or valid but for its
 * proof of possession, which round 3 settles before any share is used. */
static inline int dkg_r1_usable(const dkg_peer *q)
{
    return q->r1_state == 1 || q->r1_state == 2;
}

/* ---- mpc/dkg_crypto.c ----------------------------------------------------- */

/* Proof of possession of a0 for C0 = a0*B (FRESH), bound to the session,
 * the group and the dealer: pop = enc(R) || enc(s), in two steps so that
 * R = nonce*B is computed with the DEAL's other points: dkg_pop_nonce
 * draws the hedged nonce (never 0), then dkg_pop_respond writes pop from
 * R's encoding encR.  c0 is enc(C0), as the DEAL carries it. */
void dkg_pop_nonce(const mpc_dkg *k, mpc_scalar *nonce, uint32_t dealer, const mpc_scalar *a0);
void dkg_pop_respond(const mpc_dkg *k, uint8_t *pop, uint32_t dealer, const uint8_t *c0,
                     const mpc_scalar *a0, const mpc_scalar *nonce, const uint8_t *encR);
int dkg_pop_verify(const mpc_dkg *k, const uint8_t *pop, uint32_t dealer,
                   const mpc_elem *C0) SH_WUR;
/* 0 if all n proofs verify (one random-weight MSM, which fails with
 * probability 2^-128 if any proof is bad); SH_ERR_VERIFY if some proof
 * does not (check them one by one to tell which); SH_ERR_NOMEM.  c0[i] is
 * enc(C0[i]) (the bytes of the DEAL, so not encoded again); rhint[i] the
 * hint of proof i's R as the DEAL carried it, or NULL (rhint itself may
 * be NULL: no hints). */
int dkg_pop_batch_verify(const mpc_dkg *k, const uint8_t *const *pop, const uint32_t *dealer,
                         const mpc_elem *const *C0, const uint8_t *const *c0,
                         const uint8_t *const *rhint, size_t n) SH_WUR;
/* The batch's equation as 2n public terms sc[i]*pt[i] and a coefficient
 * *xb of the base point B, which sum to the identity iff (but with
 * probability 2^-128) all n proofs verify: with random 128-bit z_i,
 * sum_i z_i (s_i B - c_i C0_i - R_i) = 0, each R_i
 * decoding (with its hint) to a non-identity element (an identity R never
 * verifies alone either: every group decodes canonical encodings only, so
 * R'_i == R_i as points is the byte comparison dkg_pop_verify makes).
 * For an MSM of the caller's (mpc_feldman_verify_batch_with).
 * SH_ERR_VERIFY if a proof is malformed (s not canonical, R not a
 * non-identity element, C0 the identity); SH_ERR_NOMEM (no verdict). */
int dkg_pop_batch_terms(const mpc_dkg *k, const uint8_t *const *pop, const uint32_t *dealer,
                        const mpc_elem *const *C0, const uint8_t *const *c0,
                        const uint8_t *const *rhint, size_t n, mpc_scalar *sc,
                        mpc_elem *pt, mpc_scalar *xb) SH_WUR;

/* Encrypt / decrypt the share of holder peer `to` from dealer peer `from`
 * under K = e_from * E_to = e_to * E_from, given as its encoding encR(K). */
void dkg_share_seal(const mpc_dkg *k, uint8_t ct[MPC_DKG_CT_BYTES],
                    const uint8_t share[MPC_SCALAR_BYTES], const uint8_t K[32],
                    uint32_t from, uint32_t to, const uint8_t E_from[32],
                    const uint8_t E_to[32]);
/* X(K): the RFC 7748 encoding of the u-coordinate of 4K on Curve25519
 * (libdecaf's point_mul_by_ratio_and_encode_like_x25519), the input of the
 * share key for the pair key K (docs/dkg.md, "Share encryption"). */
void dkg_pair_secret_of(uint8_t out[32], const zk_elem *K);
int dkg_share_open(const mpc_dkg *k, uint8_t share[MPC_SCALAR_BYTES],
                   const uint8_t ct[MPC_DKG_CT_BYTES], const uint8_t K[32], uint32_t from,
                   uint32_t to, const uint8_t E_from[32], const uint8_t E_to[32]) SH_WUR;

/* The complaint proof: log_B(E_to) = log_{E_from}(K), by the recipient. */
void dkg_complaint_prove(const mpc_dkg *k, uint8_t proof[MPC_DKG_DLEQ_BYTES],
                         uint32_t from, uint32_t to, const zk_elem *E_from,
                         const zk_elem *E_to, const zk_elem *K, const zk_scalar *e);
int dkg_complaint_verify(const mpc_dkg *k, const uint8_t proof[MPC_DKG_DLEQ_BYTES],
                         uint32_t from, uint32_t to, const zk_elem *E_from,
                         const zk_elem *E_to, const zk_elem *K) SH_WUR;

/* Check the content of a DEAL from peer `from` (not its signature):
 * 0 and, when not NULL, *E and C[0..t) (the full vector, C_0 = identity in
 * REFRESH) set; SH_ERR_* for an invalid deal. */
int dkg_deal_check(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E, mpc_elem *C) SH_WUR;
/* The same without verifying the proof of possession (the caller does,
 * with dkg_pop_verify or dkg_pop_batch_verify, before using the DEAL). */
int dkg_deal_check_nopop(const mpc_dkg *k, const mpc_dkg_msg *m, zk_elem *E,
                         mpc_elem *C) SH_WUR;

/* The part of dkg_deal_check that is not implied when the DEAL is our own,
 * built from commitments C[0..t) we computed and E_self (its encodings
 * and proof made from them): no identity among the encoded commitments,
 * and in RESHARE C_0 = Y_old.  0 or the error dkg_deal_check would give. */
int dkg_deal_check_own(const mpc_dkg *k, const mpc_elem *C) SH_WUR;

/* Decode and signature-check a message embedded as evidence: it must be of
 * `type`, for this session, from peer `from` with a valid signature. */
int dkg_embedded_decode(const mpc_dkg *k, mpc_dkg_msg *m, const uint8_t *p, size_t len,
                        uint32_t type, sh_peer_id from) SH_WUR;

/* Encode m, signed with our key, into a fresh heap copy. */
int dkg_encode_own(const mpc_dkg *k, mpc_dkg_msg *m, uint8_t **out, size_t *len) SH_WUR;

/* ---- mpc/dkg_rounds.c ----------------------------------------------------- */

int dkg_is_holder(const mpc_dkg *k, sh_peer_id p);
int dkg_is_dealer(const mpc_dkg *k, sh_peer_id p);
/* A dealer or a holder: the parties of the protocol among the peers. */
int dkg_is_member(const mpc_dkg *k, sh_peer_id p);
/* Round 3: check the shares received (one batched MSM), build our signed
 * VIEW with its claims.  Sets got[] / got_ok[]. */
int dkg_build_view(mpc_dkg *k, uint8_t **out, size_t *len) SH_WUR;
/* Check a received VIEW / ANSWER: every claim with the messages and
 * signatures it embeds, an ANSWER's DEAL; not the VIEW's echo entries
 * (dkg_settle_echoes).  0, or the error to reject it with. */
int dkg_view_check(const mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m) SH_WUR;
int dkg_answer_check(const mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m) SH_WUR;
/* Round 4: our DEAL again and the shares of the claimants among holders. */
int dkg_build_answer(mpc_dkg *k, const uint8_t *claim, uint8_t **out, size_t *len) SH_WUR;
/* 0 if (h, sig) is a valid DEAL signature of peer p (no new check for a
 * pair we hold and have checked). */
int dkg_pair_ok(const mpc_dkg *k, sh_peer_id p, const uint8_t *h, const uint8_t *sig) SH_WUR;
/* Whether the DEAL we hold from p is validly signed (checked on first
 * call, remembered in r1_sig); 0 if we hold none. */
int dkg_deal_signed(mpc_dkg *k, sh_peer_id p);
/* End of round 3, before the claimants are counted: for every dealer whose
 * echo entries can matter (it has claimants, a claim names it, or the
 * entries disagree), check every entry's signature and set the entries
 * that fail to nil in the kept VIEWs (our own included: then the share we
 * decrypted from that DEAL is dropped).  A deterministic function of the
 * VIEWs, so every honest member settles alike. */
int dkg_settle_echoes(mpc_dkg *k) SH_WUR;
/* The pairwise secret with peer p (whose DEAL is valid): X(e E_p), which
 * is X25519(x25519, X(E_p)), computed on first use (constant time in our
 * key) and kept until the dealing is wiped.  The first use also computes
 * X(E_q) of every other valid DEAL held, in one block.  0, or SH_ERR_INTERNAL if
 * X25519 refuses (it cannot for a valid E_p). */
int dkg_pair_key(mpc_dkg *k, sh_peer_id p, const uint8_t **key) SH_WUR;
/* Forget the pairwise keys (wiped). */
void dkg_pair_keys_wipe(mpc_dkg *k);

/* ---- mpc/dkg_judge.c ------------------------------------------------------ */

/* Which peers must a dealer answer in round 4?  claim[x] = 1 for every peer
 * x whose VIEW has no DEAL from `dealer` or claims a missing share from it.
 * Returns the number of claimants. */
uint32_t dkg_claimants(const mpc_dkg *k, uint32_t dealer, uint8_t *claim);
/* The decision: Q, blame, aggregate commitments, own share, outcome.  Sets
 * the stage to ST_DONE or ST_ABORTED and delivers the result. */
int dkg_decide(mpc_dkg *k) SH_WUR;
void dkg_blame_clear(dkg_blame *b);

/* ---- mpc/dkg_setup.c ------------------------------------------------------ */

void dkg_free(void *self);
/* An instance that is no party (no driver, no secrets): only for checking
 * evidence with the functions above.  Free with dkg_free. */
int dkg_verifier_new(const mpc_dkg_cfg *cfg, uint32_t n_peers, const uint8_t (*keys)[32],
                     mpc_dkg **out) SH_WUR;

/* ---- mpc/dkg_send.c ------------------------------------------------------- */

/* Send a signed message to `to`, or to every other member if to ==
 * SH_PEER_NONE, and keep it for resending until acknowledged. */
int dkg_send(mpc_dkg *k, sh_peer_id to, const uint8_t *data, size_t len) SH_WUR;
/* Acknowledge a received message m to `to` (its (h, sig) digest). */
int dkg_send_ack(mpc_dkg *k, sh_peer_id to, const mpc_dkg_msg *m) SH_WUR;
/* An ACK from `from`: forget what it acknowledges. */
int dkg_on_ack(mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m);
/* The retransmission timer fired: resend everything unacknowledged. */
int dkg_resend(mpc_dkg *k) SH_WUR;

#endif
