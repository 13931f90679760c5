/* tests/helpers/proto_echo.c -- reliable broadcast, written sans-IO.
 *
 * Read this file as the worked example of docs/sansio.md: all state lives
 * in struct proto_echo, every effect goes through the sh_drv_* calls, peer
 * input is checked completely before use and rejected with a reason, and
 * randomness comes only from the driver's RNG.
 */
#include "helpers/proto_echo.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define MOD "echo"
#define DIGEST_BYTES 16

/* One broadcast this node started. */
typedef struct echo_out {
    uint8_t nonce[PROTO_ECHO_NONCE_BYTES];
    uint8_t *msg;              /* the encoded DATA, kept for retransmission */
    size_t msg_len;
    uint8_t *acked;            /* per peer id: 1 once acknowledged */
    uint32_t n_acked;
    sh_timer_id timer;         /* armed retransmission timer, or NONE */
    uint32_t retries;
    uint64_t rto;
    int done;                  /* DONE or FAILED delivered */
} echo_out;

/* One DATA accepted from a peer: its seq and a digest of its content, to
 * tell a retransmission (same digest) from equivocation (another one). */
typedef struct echo_seen {
    uint32_t seq;
    uint8_t digest[DIGEST_BYTES];
} echo_seen;

typedef struct echo_inbox {
    echo_seen *v;
    size_t n, cap;
} echo_inbox;

struct proto_echo {
    const sh_driver *d;
    proto_echo_cfg cfg;
    echo_out *out;             /* indexed by seq */
    size_t n_out, cap_out;
    echo_inbox *in;            /* indexed by peer id */
    uint32_t n_expected;       /* acks needed: every peer but self */
    int stopped;
};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t proto_echo_encode_data(uint8_t *out, size_t cap, uint32_t seq,
                              const uint8_t nonce[PROTO_ECHO_NONCE_BYTES],
                              const uint8_t *payload, size_t plen)
{
    if (plen > 0xffff || cap < PROTO_ECHO_DATA_HEADER + plen)
        return 0;
    out[0] = PROTO_ECHO_VERSION;
    out[1] = PROTO_ECHO_MSG_DATA;
    put_be32(out + 2, seq);
    memcpy(out + 6, nonce, PROTO_ECHO_NONCE_BYTES);
    out[14] = (uint8_t)(plen >> 8);
    out[15] = (uint8_t)plen;
    if (plen > 0)
        memcpy(out + PROTO_ECHO_DATA_HEADER, payload, plen);
    return PROTO_ECHO_DATA_HEADER + plen;
}

size_t proto_echo_encode_ack(uint8_t *out, size_t cap, uint32_t seq,
                             const uint8_t nonce[PROTO_ECHO_NONCE_BYTES])
{
    if (cap < PROTO_ECHO_ACK_BYTES)
        return 0;
    out[0] = PROTO_ECHO_VERSION;
    out[1] = PROTO_ECHO_MSG_ACK;
    put_be32(out + 2, seq);
    memcpy(out + 6, nonce, PROTO_ECHO_NONCE_BYTES);
    return PROTO_ECHO_ACK_BYTES;
}

/* Results carry the seq (and origin) as big-endian words. */
static int deliver_seq(proto_echo *e, uint32_t kind, uint32_t seq)
{
    uint8_t b[4];
    put_be32(b, seq);
    return sh_drv_deliver(e->d, kind, b, sizeof b);
}

/* Arm the retransmission timer of broadcast `seq`; the tag is the seq, so
 * the handler finds the entry without a search. */
static int arm(proto_echo *e, uint32_t seq)
{
    echo_out *o = &e->out[seq];
    uint64_t delay = o->rto;
    if (e->cfg.rto_jitter_ns > 0)
        delay += sh_rng_uniform(e->d->rng, e->cfg.rto_jitter_ns);
    return sh_drv_timer_set(e->d, delay, seq, &o->timer);
}

static int finish(proto_echo *e, uint32_t seq, uint32_t kind)
{
    echo_out *o = &e->out[seq];
    sh_drv_timer_cancel(e->d, o->timer);
    o->timer = SH_TIMER_NONE;
    o->done = 1;
    return deliver_seq(e, kind, seq);
}

/* ---- handlers ------------------------------------------------------------ */

static int echo_start(void *self)
{
    proto_echo *e = self;
    sh_drv_log(e->d, SH_LOG_INFO, MOD, "started as peer %u of %u",
               (unsigned)e->d->self, (unsigned)e->d->n_peers);
    return 0;
}

static int on_data(proto_echo *e, sh_peer_id from, const uint8_t *msg, size_t len)
{
    const sh_driver *d = e->d;
    if (len < PROTO_ECHO_DATA_HEADER)
        return sh_drv_reject(d, from, SH_ERR_TRUNCATED, "echo: truncated data");
    uint32_t seq = get_be32(msg + 2);
    const uint8_t *nonce = msg + 6;
    size_t plen = (size_t)msg[14] << 8 | msg[15];
    /* Size limits before anything else looks at the payload. */
    if (plen > PROTO_ECHO_MAX_PAYLOAD)
        return sh_drv_reject(d, from, SH_ERR_OVERSIZE, "echo: payload too large");
    if (len < PROTO_ECHO_DATA_HEADER + plen)
        return sh_drv_reject(d, from, SH_ERR_TRUNCATED, "echo: truncated data");
    if (len > PROTO_ECHO_DATA_HEADER + plen)
        return sh_drv_reject(d, from, SH_ERR_TRAILING, "echo: trailing bytes");

    /* A real protocol would verify a signature here; the simulator must
     * see its cost whether or not the check is really performed. */
    sh_drv_charge(d, e->cfg.verify_cost_ns);

    uint8_t digest[DIGEST_BYTES];
    crypto_generichash(digest, sizeof digest, nonce, len - 6, NULL, 0);
    echo_inbox *box = &e->in[from];
    int dup = 0;
    for (size_t i = 0; i < box->n; i++) {
        if (box->v[i].seq != seq)
            continue;
        if (memcmp(box->v[i].digest, digest, sizeof digest) != 0)
            return sh_drv_reject(d, from, SH_ERR_VERIFY, "echo: equivocating data");
        dup = 1;   /* our ACK was lost: acknowledge again, deliver once */
        break;
    }
    if (!dup) {
        if (box->n >= PROTO_ECHO_MAX_SEEN)
            return sh_drv_reject(d, from, SH_ERR_RANGE, "echo: too many messages from peer");
        if (box->n == box->cap) {
            size_t ncap = box->cap ? 2 * box->cap : 8;
            echo_seen *v = realloc(box->v, ncap * sizeof *v);
            if (v == NULL)
                return SH_ERR_NOMEM;
            box->v = v;
            box->cap = ncap;
        }
        uint8_t *res = malloc(8 + plen);
        if (res == NULL)
            return SH_ERR_NOMEM;
        box->v[box->n].seq = seq;
        memcpy(box->v[box->n].digest, digest, sizeof digest);
        box->n++;
        put_be32(res, from);
        put_be32(res + 4, seq);
        memcpy(res + 8, msg + PROTO_ECHO_DATA_HEADER, plen);
        int rc = sh_drv_deliver(d, PROTO_ECHO_RES_RECV, res, 8 + plen);
        free(res);   /* the driver has copied it */
        if (rc != 0)
            return rc;
    }
    uint8_t ack[PROTO_ECHO_ACK_BYTES];
    size_t alen = proto_echo_encode_ack(ack, sizeof ack, seq, nonce);
    return sh_drv_send(d, from, ack, alen);
}

static int on_ack(proto_echo *e, sh_peer_id from, const uint8_t *msg, size_t len)
{
    const sh_driver *d = e->d;
    if (len < PROTO_ECHO_ACK_BYTES)
        return sh_drv_reject(d, from, SH_ERR_TRUNCATED, "echo: truncated ack");
    if (len > PROTO_ECHO_ACK_BYTES)
        return sh_drv_reject(d, from, SH_ERR_TRAILING, "echo: trailing bytes");
    uint32_t seq = get_be32(msg + 2);
    if (seq >= e->n_out)
        return sh_drv_reject(d, from, SH_ERR_RANGE, "echo: ack for unsent seq");
    echo_out *o = &e->out[seq];
    if (memcmp(o->nonce, msg + 6, PROTO_ECHO_NONCE_BYTES) != 0)
        return sh_drv_reject(d, from, SH_ERR_VERIFY, "echo: ack nonce mismatch");
    /* Late or repeated ACKs are what retransmission produces: not faults. */
    if (o->done || o->acked[from])
        return 0;
    o->acked[from] = 1;
    if (++o->n_acked == e->n_expected)
        return finish(e, seq, PROTO_ECHO_RES_DONE);
    return 0;
}

static int echo_on_message(void *self, sh_peer_id from, const uint8_t *msg, size_t len)
{
    proto_echo *e = self;
    if (from >= e->d->n_peers || from == e->d->self)
        return SH_ERR_ARG;   /* the driver broke its contract, not the peer */
    if (len < 2)
        return sh_drv_reject(e->d, from, SH_ERR_TRUNCATED, "echo: truncated header");
    if (msg[0] != PROTO_ECHO_VERSION)
        return sh_drv_reject(e->d, from, SH_ERR_VERSION, "echo: unknown version");
    switch (msg[1]) {
    case PROTO_ECHO_MSG_DATA:
        return on_data(e, from, msg, len);
    case PROTO_ECHO_MSG_ACK:
        return on_ack(e, from, msg, len);
    default:
        return sh_drv_reject(e->d, from, SH_ERR_TYPE, "echo: unknown message type");
    }
}

static int echo_on_timer(void *self, sh_timer_id id, uint64_t tag)
{
    proto_echo *e = self;
    if (tag >= e->n_out)
        return SH_ERR_INTERNAL;   /* we never set such a tag */
    uint32_t seq = (uint32_t)tag;
    echo_out *o = &e->out[seq];
    if (o->done || o->timer != id)
        return 0;                 /* stale: superseded or finished */
    o->timer = SH_TIMER_NONE;
    if (o->retries >= e->cfg.max_retries) {
        sh_drv_log(e->d, SH_LOG_WARN, MOD, "seq %u: %u of %u peers never acknowledged",
                   (unsigned)seq, (unsigned)(e->n_expected - o->n_acked),
                   (unsigned)e->n_expected);
        return finish(e, seq, PROTO_ECHO_RES_FAILED);
    }
    o->retries++;
    if (o->rto <= UINT64_MAX / 2)
        o->rto *= 2;
    uint32_t resent = 0;
    for (sh_peer_id p = 0; p < e->d->n_peers; p++) {
        if (p == e->d->self || o->acked[p])
            continue;
        int rc = sh_drv_send(e->d, p, o->msg, o->msg_len);
        if (rc != 0)
            return rc;
        resent++;
    }
    sh_drv_log(e->d, SH_LOG_DEBUG, MOD, "seq %u: retransmission %u to %u peers",
               (unsigned)seq, (unsigned)o->retries, (unsigned)resent);
    return arm(e, seq);
}

static int echo_on_request(void *self, uint32_t kind, const uint8_t *data, size_t len)
{
    proto_echo *e = self;
    if (kind != PROTO_ECHO_REQ_BCAST)
        return SH_ERR_ARG;
    if (e->stopped)
        return SH_ERR_STATE;
    if (len > PROTO_ECHO_MAX_PAYLOAD)
        return SH_ERR_OVERSIZE;
    if (e->n_out >= UINT32_MAX)
        return SH_ERR_RANGE;
    if (e->n_out == e->cap_out) {
        size_t ncap = e->cap_out ? 2 * e->cap_out : 8;
        echo_out *v = realloc(e->out, ncap * sizeof *v);
        if (v == NULL)
            return SH_ERR_NOMEM;
        e->out = v;
        e->cap_out = ncap;
    }
    uint32_t seq = (uint32_t)e->n_out;
    echo_out *o = &e->out[seq];
    memset(o, 0, sizeof *o);
    o->msg_len = PROTO_ECHO_DATA_HEADER + len;
    o->msg = malloc(o->msg_len);
    o->acked = calloc(e->d->n_peers, 1);
    if (o->msg == NULL || o->acked == NULL) {
        free(o->msg);
        free(o->acked);
        return SH_ERR_NOMEM;
    }
    e->n_out++;
    sh_rng_bytes(e->d->rng, o->nonce, sizeof o->nonce);
    (void)proto_echo_encode_data(o->msg, o->msg_len, seq, o->nonce, data, len);
    o->rto = e->cfg.rto_ns;
    if (e->n_expected == 0)
        return finish(e, seq, PROTO_ECHO_RES_DONE);
    int rc = sh_drv_broadcast(e->d, o->msg, o->msg_len);
    if (rc == 0)
        rc = arm(e, seq);
    if (rc != 0)
        o->done = 1;   /* the caller hears of the failure; nothing is pending */
    return rc;
}

static void echo_stop(void *self)
{
    proto_echo *e = self;
    for (size_t i = 0; i < e->n_out; i++) {
        sh_drv_timer_cancel(e->d, e->out[i].timer);
        e->out[i].timer = SH_TIMER_NONE;
    }
    e->stopped = 1;
}

static void echo_free(void *self)
{
    proto_echo *e = self;
    for (size_t i = 0; i < e->n_out; i++) {
        free(e->out[i].msg);
        free(e->out[i].acked);
    }
    for (uint32_t p = 0; p < e->d->n_peers; p++)
        free(e->in[p].v);
    free(e->out);
    free(e->in);
    free(e);
}

const sh_proto_ops proto_echo_ops = {
    .name = MOD,
    .start = echo_start,
    .on_message = echo_on_message,
    .on_timer = echo_on_timer,
    .on_request = echo_on_request,
    .stop = echo_stop,
    .free = echo_free,
};

int proto_echo_new(const proto_echo_cfg *cfg, const sh_driver *d, sh_proto *out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    out->ops = NULL;
    out->self = NULL;
    if (cfg == NULL || d == NULL || d->ops == NULL || d->rng == NULL ||
        cfg->rto_ns == 0 || d->n_peers == 0)
        return SH_ERR_ARG;
    proto_echo *e = calloc(1, sizeof *e);
    if (e == NULL)
        return SH_ERR_NOMEM;
    e->in = calloc(d->n_peers, sizeof *e->in);
    if (e->in == NULL) {
        free(e);
        return SH_ERR_NOMEM;
    }
    e->d = d;
    e->cfg = *cfg;
    e->n_expected = d->n_peers - (d->self < d->n_peers ? 1 : 0);
    out->ops = &proto_echo_ops;
    out->self = e;
    return 0;
}

size_t proto_echo_outstanding(const proto_echo *e)
{
    size_t c = 0;
    for (size_t i = 0; e != NULL && i < e->n_out; i++)
        if (!e->out[i].done)
            c++;
    return c;
}
