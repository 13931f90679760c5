/* mpc/dkg_send.c -- the DKG's delivery: every signed message is kept, one
 * buffer for all its destinations, and resent every rto_ns until each
 * destination acknowledges it or the retransmission window (six rounds)
 * ends (docs/dkg.md, "Network assumptions"). */
#include "mpc/dkg_impl.h"

#include <stdlib.h>
#include <string.h>

#define RETRANSMIT_ROUNDS 6      /* retransmission stops at t0 + 6 rounds */

static int arm_rto(mpc_dkg *k)
{
    if (k->rto_timer != SH_TIMER_NONE || k->stopped)
        return 0;
    uint64_t now = sh_drv_now(k->d);
    if (now >= k->t0 + RETRANSMIT_ROUNDS * k->round_ns)
        return 0;
    return sh_drv_timer_set(k->d, k->rto_ns, TAG_RTO, &k->rto_timer);
}

void dkg_blob_release(dkg_blob *b)
{
    if (b != NULL && --b->refs == 0)
        free(b);
}

static int queue_one(mpc_dkg *k, sh_peer_id to, dkg_blob *b)
{
    if (k->n_out == k->cap_out) {
        size_t ncap = k->cap_out ? 2 * k->cap_out : 64;
        dkg_out *v = realloc(k->out, ncap * sizeof *v);
        if (v == NULL)
            return SH_ERR_NOMEM;
        k->out = v;
        k->cap_out = ncap;
    }
    dkg_out *o = &k->out[k->n_out++];
    o->to = to;
    o->blob = b;
    b->refs++;
    return sh_drv_send(k->d, to, b->data, b->len);
}

int dkg_send(mpc_dkg *k, sh_peer_id to, const uint8_t *data, size_t len)
{
    if (len < MPC_DKG_SIG_TAIL)
        return SH_ERR_INTERNAL;             /* every message we send is signed */
    dkg_blob *b = malloc(sizeof *b + len);
    if (b == NULL)
        return SH_ERR_NOMEM;
    b->refs = 1;                            /* ours until the loop below is done */
    b->len = len;
    memcpy(b->data, data, len);
    uint8_t h[MPC_DKG_HASH_BYTES];
    mpc_dkg_hash(h, data, len - MPC_DKG_SIG_TAIL);
    mpc_dkg_ack_digest(b->digest, h, data + len - MPC_DKG_SIG_BYTES);
    int rc = 0;
    if (to != SH_PEER_NONE) {
        rc = queue_one(k, to, b);
    } else {
        for (sh_peer_id p = 0; p < k->n_peers && rc == 0; p++)
            if (p != k->d->self && dkg_is_member(k, p))
                rc = queue_one(k, p, b);
    }
    dkg_blob_release(b);
    return rc == 0 ? arm_rto(k) : rc;
}

int dkg_send_ack(mpc_dkg *k, sh_peer_id to, const mpc_dkg_msg *m)
{
    mpc_dkg_msg a;
    memset(&a, 0, sizeof a);
    a.type = MPC_DKG_MSG_ACK;
    mpc_dkg_ack_digest(a.digest, m->h, m->sig);
    uint8_t *p;
    size_t n;
    int rc = dkg_encode_own(k, &a, &p, &n);
    if (rc == 0) {
        rc = sh_drv_send(k->d, to, p, n);
        free(p);
    }
    return rc;
}

int dkg_on_ack(mpc_dkg *k, sh_peer_id from, const mpc_dkg_msg *m)
{
    for (size_t i = 0; i < k->n_out; i++) {
        dkg_out *o = &k->out[i];
        if (o->to == from && o->blob != NULL && memcmp(o->blob->digest, m->digest, 32) == 0) {
            dkg_blob_release(o->blob);
            o->blob = NULL;
        }
    }
    return 0;
}

int dkg_resend(mpc_dkg *k)
{
    int rc = 0, pending = 0;
    for (size_t i = 0; i < k->n_out && rc == 0; i++) {
        const dkg_blob *b = k->out[i].blob;
        if (b == NULL)
            continue;
        pending = 1;
        rc = sh_drv_send(k->d, k->out[i].to, b->data, b->len);
    }
    return rc == 0 && pending ? arm_rto(k) : rc;
}
