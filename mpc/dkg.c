/* mpc/dkg.c -- the DKG state machine: configuration, the four rounds,
 * and the accessors.  Our DEAL and the recording of anyone's live in
 * mpc/dkg_deal.c, sending and retransmission in mpc/dkg_send.c,
 * the decision in mpc/dkg_judge.c,
 * the cryptography in mpc/dkg_crypto.c, the wire format in mpc/dkg_msg.c;
 * docs/dkg.md is the specification. */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "util/mp.h"

#define MAX_STAGE_DEADLINE 4     /* rounds with a deadline: DEAL..ANSWER */

void mpc_dkg_faults_none(mpc_dkg_faults *f)
{
    memset(f, 0, sizeof *f);
    f->bad_share_to = SH_PEER_NONE;
    f->false_complaint_against = SH_PEER_NONE;
    f->withhold_share_from = SH_PEER_NONE;
    f->fake_echo_for = SH_PEER_NONE;
}

/* ---- round timers ------------------------------------------------------------ */

static int arm_round(mpc_dkg *k)
{
    sh_drv_timer_cancel(k->d, k->round_timer);
    k->round_timer = SH_TIMER_NONE;
    if (k->stage < ST_DEAL || k->stage > MAX_STAGE_DEADLINE)
        return 0;
    uint64_t deadline = k->t0 + (uint64_t)k->stage * k->round_ns;
    uint64_t now = sh_drv_now(k->d);
    return sh_drv_timer_set(k->d, deadline > now ? deadline - now : 0, (uint64_t)k->stage,
                            &k->round_timer);
}

static int advance(mpc_dkg *k);

/* ---- round 1: DEAL ------------------------------------------------------------ */

static int send_shares(mpc_dkg *k);

/* Round 1 ends (every DEAL is in, or the deadline passed): send the shares.
 * The proofs of possession received so far wait for round 3, where they
 * join the shares' check (dkg_build_view). */
static int end_deal(mpc_dkg *k)
{
    k->stage = ST_SHARE;
    int rc = send_shares(k);
    return rc == 0 ? arm_round(k) : rc;
}

static int dkg_start(void *self)
{
    mpc_dkg *k = self;
    const sh_driver *d = k->d;
    int rc;
    for (sh_peer_id p = 0; p < k->n_peers; p++)
        if ((rc = sh_drv_peer_key(d, p, k->pk[p])) != 0)
            return rc;
    uint8_t pk[32];
    crypto_sign_ed25519_sk_to_pk(pk, k->sk);
    if (sodium_memcmp(pk, k->pk[d->self], 32) != 0)
        return SH_ERR_ARG;
    k->t0 = sh_drv_now(d);
    k->stage = ST_DEAL;
    if (k->faults.silent)
        return 0;

    /* The encryption key e = clamp(x) mod L for a random 32-byte X25519
     * key x, so that X25519(x, X(E_p)) is X(e E_p) (docs/dkg.md, "Share
     * encryption").  The clamped value is a multiple of 8 in [2^254,
     * 2^255): never a multiple of L, so e is never 0. */
    uint8_t c[32];
    sh_rng_bytes(d->rng, k->sec->x25519, sizeof k->sec->x25519);
    memcpy(c, k->sec->x25519, sizeof c);
    c[0] &= 248;
    c[31] &= 127;
    c[31] |= 64;
    zk_scalar_reduce(&k->sec->e, c, sizeof c);
    sodium_memzero(c, sizeof c);
    /* E = e B is computed with our DEAL's other points (build_deal) */
    uint32_t di = k->dealer_of[d->self];
    if (di != UINT32_MAX) {
        mpc_scalar zero;
        mpc_scalar_zero(k->g, &zero);
        const mpc_scalar *secret = k->mode == MPC_DKG_FRESH ? NULL
                                 : k->mode == MPC_DKG_REFRESH ? &zero : &k->sec->old_share;
        if ((rc = mpc_poly_random(k->g, k->poly, k->t, secret, d->rng)) != 0)
            return rc;
        if (k->faults.equivocate &&
            (rc = mpc_poly_random(k->g, k->poly2, k->t, secret, d->rng)) != 0)
            return rc;
    }
    uint8_t *m1 = NULL, *m2 = NULL;
    size_t l1 = 0, l2 = 0;
    mpc_dkg_msg dm;
    /* Our DEAL is taken as built, unless fault injection corrupted its
     * bytes after the fact (then it is checked like anyone's). */
    mpc_elem *own_C = di != UINT32_MAX ? mpc_elems_alloc(k->t) : NULL;
    if (di != UINT32_MAX && own_C == NULL)
        return SH_ERR_NOMEM;
    rc = dkg_build_deal(k, di != UINT32_MAX ? k->poly : NULL, &m1, &l1, own_C);
    if (rc == 0 && k->faults.equivocate && di != UINT32_MAX)
        rc = dkg_build_deal(k, k->poly2, &m2, &l2, NULL);
    if (rc == 0 && k->faults.bad_deal_sig && m2 == NULL) {
        /* odd peers get our DEAL with a signature that does not verify */
        if ((m2 = malloc(l1)) == NULL)
            rc = SH_ERR_NOMEM;
        else
            memcpy(m2, m1, l2 = l1);
    }
    if (rc == 0 && k->faults.bad_deal_sig && m2 != NULL)
        m2[l2 - 1] ^= 1;
    if (rc == 0 && (rc = mpc_dkg_msg_decode(&dm, m1, l1, &k->lim)) == 0) {
        rc = dkg_take_deal(k, d->self, m1, l1, &dm, !k->faults.bad_pop, own_C);
        mpc_dkg_msg_clear(&dm);
    }
    mpc_elems_free(own_C, k->t);
    if (rc == 0 && m2 == NULL)
        rc = dkg_send(k, SH_PEER_NONE, m1, l1);     /* one buffer for all */
    for (sh_peer_id p = 0; p < k->n_peers && rc == 0 && m2 != NULL; p++)
        if (p != d->self && dkg_is_member(k, p))
            rc = (p & 1) ? dkg_send(k, p, m2, l2) : dkg_send(k, p, m1, l1);
    free(m1);
    k->deal2 = m2;
    k->deal2_len = l2;
    if (rc == 0)
        rc = arm_round(k);
    return rc == 0 ? advance(k) : rc;
}

/* ---- round 2: SHARE ------------------------------------------------------------ */

static int send_shares(mpc_dkg *k)
{
    uint32_t di = k->dealer_of[k->d->self];
    const dkg_peer *me = &k->peer[k->d->self];
    if (di == UINT32_MAX || k->faults.silent || me->r1 == NULL)
        return 0;
    mpc_dkg_echo echo2;
    memset(&echo2, 0, sizeof echo2);
    if (k->faults.equivocate && k->deal2 != NULL) {
        /* the hash and signature of the second deal */
        mpc_dkg_msg dm;
        int rc = mpc_dkg_msg_decode(&dm, k->deal2, k->deal2_len, &k->lim);
        if (rc != 0)
            return rc;
        echo2.present = 1;
        memcpy(echo2.h, dm.h, 32);
        memcpy(echo2.sig, dm.sig, 64);
        mpc_dkg_msg_clear(&dm);
    }
    /* All our SHAREs are built first, then signed together: one signature
     * over the root of a Merkle tree of their leaves, holder j's at index
     * j (an empty leaf of zeros for a holder that gets none), and each
     * SHARE carries the path to the root (docs/dkg.md, "Signatures"). */
    const uint32_t depth = mpc_dkg_merkle_depth(k->n_holders), L = (uint32_t)1 << depth;
    mpc_dkg_msg *ms = calloc(k->n_holders, sizeof *ms);
    uint8_t (*node)[MPC_DKG_HASH_BYTES] = calloc(2 * (size_t)L, MPC_DKG_HASH_BYTES);
    uint8_t *sent = calloc(k->n_holders, 1);
    if (ms == NULL || node == NULL || sent == NULL) {
        free(ms);
        free(node);
        free(sent);
        return SH_ERR_NOMEM;
    }
    mpc_scalar x, s, one;
    mpc_scalar_one(k->g, &one);
    uint8_t sb[MPC_SCALAR_BYTES];
    int rc = 0, any = 0;
    for (uint32_t j = 0; j < k->n_holders && rc == 0; j++) {
        sh_peer_id to = k->holder_peer[j];
        int alt = k->faults.equivocate && (to & 1);
        mpc_scalar_from_u64(k->g, &x, (uint64_t)j + 1);
        mpc_poly_eval(k->g, &s, alt ? k->poly2 : k->poly, k->t, &x);
        if (to == k->d->self) {
            k->got[di] = s;
            k->got_ok[di] = 1;
            continue;
        }
        if (!dkg_r1_usable(&k->peer[to]) || to == k->faults.withhold_share_from)
            continue;   /* no key to encrypt to: the holder will claim its share */
        if (to == k->faults.bad_share_to)
            mpc_scalar_add(k->g, &s, &s, &one);
        mpc_dkg_msg *m = &ms[j];
        m->type = MPC_DKG_MSG_SHARE;
        memcpy(m->sid, k->sid, MPC_DKG_SID_BYTES);
        m->from = k->d->self;
        m->to = to;
        memcpy(m->E_to, k->peer[to].E->enc, 32);
        m->deal = alt ? echo2 : me->r1_echo;
        mpc_scalar_encode(k->g, sb, &s);
        const uint8_t *K;
        if ((rc = dkg_pair_key(k, to, &K)) != 0)
            break;
        dkg_share_seal(k, m->ct, sb, K, k->d->self, to, k->E_self->enc, m->E_to);
        mpc_dkg_share_leaf(node[L + j], m);
        sent[j] = 1;
        any = 1;
    }
    mpc_scalar_wipe(&s);
    sodium_memzero(sb, sizeof sb);
    for (uint32_t i = L; rc == 0 && i-- > 1;)
        mpc_dkg_merkle_node(node[i], node[2 * i], node[2 * i + 1]);
    uint8_t sig[MPC_DKG_SIG_BYTES];
    if (rc == 0 && any)
        mpc_dkg_sign(sig, k->sk, k->sid, MPC_DKG_MSG_SHARE, node[1]);
    sh_buf b;
    sh_buf_init(&b);
    for (uint32_t j = 0; j < k->n_holders && rc == 0; j++) {
        if (!sent[j])
            continue;
        mpc_dkg_msg *m = &ms[j];
        m->leaf = j;
        m->n_path = depth;
        for (uint32_t l = 0; l < depth; l++)
            memcpy(m->path[l], node[((L + j) >> l) ^ 1], MPC_DKG_HASH_BYTES);
        memcpy(m->sig, sig, sizeof sig);
        if ((rc = mpc_dkg_msg_encode(&b, m, k->eb, NULL)) == 0)
            rc = dkg_send(k, m->to, b.data, b.len);
    }
    sh_buf_free(&b);
    free(ms);
    free(node);
    free(sent);
    return rc;
}

static int on_share(mpc_dkg *k, sh_peer_id from, const uint8_t *msg, size_t len,
                    mpc_dkg_msg *m)
{
    if (!dkg_is_dealer(k, from))
        return sh_drv_reject(k->d, from, SH_ERR_STATE, "dkg: share from a non-dealer");
    if (m->to != k->d->self || !dkg_is_holder(k, k->d->self) ||
        m->leaf != k->holder_of[k->d->self])
        return sh_drv_reject(k->d, from, SH_ERR_ARG, "dkg: share for another party");
    dkg_peer *q = &k->peer[from];
    if (q->r2 != NULL) {
        if (q->r2_len == len && memcmp(q->r2, msg, len) == 0)
            return 0;
        return sh_drv_reject(k->d, from, SH_ERR_VERIFY, "dkg: conflicting share");
    }
    if (k->stage > ST_SHARE)
        return 0;   /* too late to matter: our view is out */
    q->r2 = malloc(len);
    if (q->r2 == NULL)
        return SH_ERR_NOMEM;
    memcpy(q->r2, msg, len);
    q->r2_len = len;
    q->r2m = *m;        /* SHARE owns no heap arrays */
    memset(m, 0, sizeof *m);
    return 0;
}

/* ---- rounds 3 and 4 ------------------------------------------------------------ */

/* Keep a VIEW or ANSWER: the bytes (owned) and their decoding, which points
 * into them. */
static int keep(mpc_dkg *k, uint8_t **slot, size_t *slot_len, mpc_dkg_msg *dm,
                uint8_t *bytes, size_t len)
{
    int rc = mpc_dkg_msg_decode(dm, bytes, len, &k->lim);
    if (rc != 0) {
        free(bytes);
        return rc == SH_ERR_NOMEM ? rc : SH_ERR_INTERNAL;
    }
    *slot = bytes;
    *slot_len = len;
    return 0;
}

/* Keep a received VIEW or ANSWER, already decoded from msg: the bytes are
 * copied and the decoding moved into the slot, its pointers into msg
 * rebased onto the copy (so it is not decoded a second time); *m is left
 * empty. */
static int keep_decoded(uint8_t **slot, size_t *slot_len, mpc_dkg_msg *dm, mpc_dkg_msg *m,
                        const uint8_t *msg, size_t len)
{
    uint8_t *bytes = malloc(len ? len : 1);
    if (bytes == NULL)
        return SH_ERR_NOMEM;
    memcpy(bytes, msg, len);
    for (uint32_t i = 0; i < m->n_claims; i++) {
        mpc_dkg_claim *c = &m->claims[i];
        if (c->r1 != NULL)
            c->r1 = bytes + (c->r1 - msg);
        if (c->r2 != NULL)
            c->r2 = bytes + (c->r2 - msg);
    }
    if (m->r1 != NULL)
        m->r1 = bytes + (m->r1 - msg);
    *dm = *m;
    memset(m, 0, sizeof *m);
    *slot = bytes;
    *slot_len = len;
    return 0;
}

static int enter_view(mpc_dkg *k)
{
    k->stage = ST_VIEW;
    uint8_t *p;
    size_t n;
    dkg_peer *me = &k->peer[k->d->self];
    int rc = dkg_build_view(k, &p, &n);
    if (rc == 0)
        rc = dkg_send(k, SH_PEER_NONE, p, n);
    if (rc == 0)
        rc = keep(k, &me->r3, &me->r3_len, &me->r3m, p, n);
    else
        free(p);
    return rc == 0 ? arm_round(k) : rc;
}

static int send_confirm(mpc_dkg *k);

static int decide(mpc_dkg *k)
{
    sh_drv_timer_cancel(k->d, k->round_timer);
    k->round_timer = SH_TIMER_NONE;
    int rc = dkg_decide(k);
    if (rc == 0 && k->stage == ST_DONE)
        rc = send_confirm(k);
    return rc;
}

static int enter_answer(mpc_dkg *k)
{
    k->stage = ST_ANSWER;
    uint8_t *claim = calloc(k->n_peers, 1);
    if (claim == NULL)
        return SH_ERR_NOMEM;
    int rc = dkg_settle_echoes(k), any = 0;
    for (uint32_t i = 0; i < k->n_dealers && rc == 0; i++) {
        k->required[i] = dkg_claimants(k, i, claim) > 0;
        any |= k->required[i];
        if (!k->required[i] || k->dealer_peer[i] != k->d->self || k->faults.no_answer ||
            k->peer[k->d->self].r1 == NULL)
            continue;
        uint8_t *p;
        size_t n;
        dkg_peer *me = &k->peer[k->d->self];
        if ((rc = dkg_build_answer(k, claim, &p, &n)) != 0)
            break;
        rc = dkg_send(k, SH_PEER_NONE, p, n);
        if (rc == 0)
            rc = keep(k, &me->r4, &me->r4_len, &me->r4m, p, n);
        else
            free(p);
    }
    free(claim);
    if (rc != 0)
        return rc;
    return any ? arm_round(k) : decide(k);
}

/* Move on as far as the messages we hold allow. */
static int advance(mpc_dkg *k)
{
    int rc = 0;
    for (;;) {
        int ready = 1;
        switch (k->stage) {
        case ST_DEAL:
            for (sh_peer_id p = 0; p < k->n_peers && ready; p++)
                ready = k->peer[p].r1 != NULL || !dkg_is_member(k, p);
            if (!ready)
                return 0;
            if ((rc = end_deal(k)) != 0)
                return rc;
            break;
        case ST_SHARE:
            for (uint32_t i = 0; i < k->n_dealers && ready && dkg_is_holder(k, k->d->self); i++) {
                const dkg_peer *q = &k->peer[k->dealer_peer[i]];
                ready = k->dealer_peer[i] == k->d->self || !dkg_r1_usable(q) || q->r2 != NULL;
            }
            if (!ready)
                return 0;
            if ((rc = enter_view(k)) != 0)
                return rc;
            break;
        case ST_VIEW:
            for (sh_peer_id p = 0; p < k->n_peers && ready; p++)
                ready = k->peer[p].r3 != NULL || !dkg_is_member(k, p);
            if (!ready)
                return 0;
            if ((rc = enter_answer(k)) != 0)
                return rc;
            break;
        case ST_ANSWER:
            for (uint32_t i = 0; i < k->n_dealers && ready; i++)
                ready = !k->required[i] || k->peer[k->dealer_peer[i]].r4 != NULL;
            if (!ready)
                return 0;
            return decide(k);
        default:
            return 0;
        }
    }
}

/* ---- confirmations --------------------------------------------------------------- */

static int count_confirms(mpc_dkg *k)
{
    if (k->stage != ST_DONE || k->erasable)
        return 0;
    uint32_t c = 0;
    for (uint32_t j = 0; j < k->n_holders; j++) {
        const dkg_peer *q = &k->peer[k->holder_peer[j]];
        c += q->has_confirm && memcmp(q->confirm, k->outcome, MPC_DKG_HASH_BYTES) == 0;
    }
    k->n_confirm = c;
    if (c < k->erase_quorum)
        return 0;
    k->erasable = 1;
    return sh_drv_deliver(k->d, MPC_DKG_RES_CONFIRMED, k->outcome, MPC_DKG_HASH_BYTES);
}

static int send_confirm(mpc_dkg *k)
{
    if (!dkg_is_holder(k, k->d->self))
        return count_confirms(k);
    mpc_dkg_msg m;
    memset(&m, 0, sizeof m);
    m.type = MPC_DKG_MSG_CONFIRM;
    memcpy(m.digest, k->outcome, MPC_DKG_HASH_BYTES);
    uint8_t *p;
    size_t n;
    int rc = dkg_encode_own(k, &m, &p, &n);
    if (rc != 0)
        return rc;
    rc = dkg_send(k, SH_PEER_NONE, p, n);
    free(p);
    dkg_peer *me = &k->peer[k->d->self];
    me->has_confirm = 1;
    memcpy(me->confirm, k->outcome, MPC_DKG_HASH_BYTES);
    return rc == 0 ? count_confirms(k) : rc;
}

/* ---- input handlers ----------------------------------------------------------------- */

static int on_view_or_answer(mpc_dkg *k, sh_peer_id from, const uint8_t *msg, size_t len,
                             mpc_dkg_msg *m)
{
    dkg_peer *q = &k->peer[from];
    int view = m->type == MPC_DKG_MSG_VIEW;
    uint8_t **slot = view ? &q->r3 : &q->r4;
    size_t *slot_len = view ? &q->r3_len : &q->r4_len;
    if (*slot != NULL) {
        if (*slot_len == len && memcmp(*slot, msg, len) == 0)
            return 0;
        return sh_drv_reject(k->d, from, SH_ERR_VERIFY,
                             view ? "dkg: conflicting view" : "dkg: conflicting answer");
    }
    /* the decision's inputs are fixed at the deadlines */
    if ((view && k->stage >= ST_ANSWER) || k->stage >= ST_DONE)
        return 0;
    int rc = view ? dkg_view_check(k, from, m) : dkg_answer_check(k, from, m);
    if (rc == SH_ERR_NOMEM)
        return rc;
    if (rc != 0)
        return sh_drv_reject(k->d, from, rc, view ? "dkg: invalid view" : "dkg: invalid answer");
    return keep_decoded(slot, slot_len, view ? &q->r3m : &q->r4m, m, msg, len);
}

static int on_confirm(mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m)
{
    if (!dkg_is_holder(k, from))
        return sh_drv_reject(k->d, from, SH_ERR_STATE, "dkg: confirm from a non-holder");
    dkg_peer *q = &k->peer[from];
    if (q->has_confirm)
        return memcmp(q->confirm, m->digest, 32) == 0
                   ? 0 : sh_drv_reject(k->d, from, SH_ERR_VERIFY, "dkg: conflicting confirm");
    q->has_confirm = 1;
    memcpy(q->confirm, m->digest, 32);
    return count_confirms(k);
}

static const char *decode_reason(int rc)
{
    switch (rc) {
    case SH_ERR_VERSION: return "dkg: unknown version";
    case SH_ERR_OVERSIZE: return "dkg: oversize message";
    case SH_ERR_TRUNCATED: return "dkg: truncated message";
    default: return "dkg: malformed message";
    }
}

/* Whether a received message's signature is checked on receipt.  The
 * transport authenticates the sender (include/shroud/sansio.h), so a
 * signature only matters where the message must convince a third party
 * (docs/dkg.md, "Which signatures are checked"): an ANSWER, and a VIEW
 * that can become evidence (one with a claim or without some dealer's
 * echo).  A DEAL's is checked when it becomes evidence (a claim, an
 * equivocation, echo entries that matter when round 3 ends), a SHARE's when the share is
 * complained about.  CONFIRMs and the other VIEWs are not signed at all
 * (mpc_dkg_msg_signed). */
static int sig_needed(const mpc_dkg_msg *m)
{
    return (m->type == MPC_DKG_MSG_ANSWER || m->type == MPC_DKG_MSG_VIEW) && mpc_dkg_msg_signed(m);
}

static int dkg_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    mpc_dkg *k = self;
    const sh_driver *d = k->d;
    if (from >= k->n_peers || from == d->self)
        return SH_ERR_ARG;
    if (k->stopped || k->faults.silent || k->stage == ST_INIT)
        return 0;
    if (!dkg_is_member(k, from))
        return sh_drv_reject(d, from, SH_ERR_STATE, "dkg: not a member");
    uint64_t version, type;
    int rc = sh_mp_peek_envelope(msg, len, &version, &type);
    if (rc != 0)
        return sh_drv_reject(d, from, rc, decode_reason(rc));
    if (version != MPC_DKG_VERSION)
        return sh_drv_reject(d, from, SH_ERR_VERSION, "dkg: unknown version");
    if (type > UINT32_MAX || mpc_dkg_msg_max_len((uint32_t)type, &k->lim) == 0)
        return sh_drv_reject(d, from, SH_ERR_TYPE, "dkg: unknown message type");
    mpc_dkg_msg m;
    if ((rc = mpc_dkg_msg_decode(&m, msg, len, &k->lim)) != 0)
        return rc == SH_ERR_NOMEM ? rc : sh_drv_reject(d, from, rc, decode_reason(rc));
    if (sodium_memcmp(m.sid, k->sid, MPC_DKG_SID_BYTES) != 0)
        rc = sh_drv_reject(d, from, SH_ERR_VERIFY, "dkg: wrong session");
    else if (m.from != from)
        rc = sh_drv_reject(d, from, SH_ERR_VERIFY, "dkg: sender mismatch");
    else if (m.type == MPC_DKG_MSG_ACK)
        rc = dkg_on_ack(k, from, &m);
    else if (sig_needed(&m) &&
             mpc_dkg_sig_verify(k->pk[from], k->sid, m.type, mpc_dkg_signed_hash(&m), m.sig) != 0)
        rc = sh_drv_reject(d, from, SH_ERR_VERIFY, "dkg: bad signature");
    else if ((rc = dkg_send_ack(k, from, &m)) == 0) {
        switch (m.type) {
        case MPC_DKG_MSG_DEAL:
            if (k->stage < ST_VIEW || k->peer[from].r1 != NULL)
                rc = dkg_take_deal(k, from, msg, len, &m, 0, NULL);
            break;
        case MPC_DKG_MSG_SHARE:
            rc = on_share(k, from, msg, len, &m);
            break;
        case MPC_DKG_MSG_VIEW:
        case MPC_DKG_MSG_ANSWER:
            rc = on_view_or_answer(k, from, msg, len, &m);
            break;
        default:
            rc = on_confirm(k, from, &m);
            break;
        }
        if (rc == 0)
            rc = advance(k);
    }
    mpc_dkg_msg_clear(&m);
    return rc;
}

static int dkg_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    mpc_dkg *k = self;
    if (k->stopped)
        return 0;
    if (tag == TAG_RTO) {
        if (id != k->rto_timer)
            return 0;
        k->rto_timer = SH_TIMER_NONE;
        return dkg_resend(k);
    }
    if (id != k->round_timer || tag != (uint64_t)k->stage)
        return 0;
    k->round_timer = SH_TIMER_NONE;
    int rc;
    switch (k->stage) {
    case ST_DEAL:
        rc = end_deal(k);
        break;
    case ST_SHARE:
        rc = enter_view(k);
        break;
    case ST_VIEW:
        rc = enter_answer(k);
        break;
    case ST_ANSWER:
        rc = decide(k);
        break;
    default:
        rc = 0;
        break;
    }
    return rc == 0 ? advance(k) : rc;
}

static void dkg_stop(void *self)
{
    mpc_dkg *k = self;
    sh_drv_timer_cancel(k->d, k->round_timer);
    sh_drv_timer_cancel(k->d, k->rto_timer);
    k->round_timer = k->rto_timer = SH_TIMER_NONE;
    k->stopped = 1;
}

const sh_proto_ops mpc_dkg_ops = {
    .name = DKG_MOD,
    .start = dkg_start,
    .on_message = dkg_on_message,
    .on_timer = dkg_on_timer,
    .stop = dkg_stop,
    .free = dkg_free,
};
