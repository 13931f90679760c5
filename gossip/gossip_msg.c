/* gossip/gossip_msg.c -- the wire format of the gossip protocol: strict
 * msgpack [1, type, fields...] (docs/gossip.md, "Messages"). */
#include "gossip/gossip_impl.h"

#include <string.h>

#include "util/mp.h"

static size_t max_size(uint64_t type)
{
    return type == GOSSIP_MSG_GOSSIP ? GOSSIP_MSG_MAX_BYTES : GOSSIP_SMALL_MAX_BYTES;
}

static int get_u32(sh_mp_arr *a, uint32_t max, uint32_t *out)
{
    uint64_t v;
    int rc = sh_mp_get_uint(a, 0, max, &v);
    if (rc == 0)
        *out = (uint32_t)v;
    return rc;
}

static int get_peers(sh_mp_arr *a, gossip_msg *m)
{
    sh_mp_arr l;
    int rc = sh_mp_get_array(a, 0, GOSSIP_MAX_SHUFFLE, &l);
    if (rc != 0)
        return rc;
    m->n_peers = (uint32_t)l.n;
    for (uint32_t i = 0; i < m->n_peers && rc == 0; i++)
        rc = get_u32(&l, UINT32_MAX - 1, &m->peers[i]);
    return rc;
}

static gossip_rej why_of(int rc)
{
    switch (rc) {
    case SH_ERR_OVERSIZE: return GOSSIP_REJ_OVERSIZE;
    case SH_ERR_VERSION: return GOSSIP_REJ_VERSION;
    default: return GOSSIP_REJ_MALFORMED;
    }
}

int gossip_msg_decode(gossip_msg *m, const uint8_t *b, size_t len, gossip_rej *why)
{
    gossip_rej dummy;
    if (why == NULL)
        why = &dummy;
    memset(m, 0, sizeof *m);
    uint64_t version, type;
    int rc = sh_mp_peek_envelope(b, len, &version, &type);
    if (rc != 0) {
        *why = why_of(rc);
        return rc;
    }
    if (version != GOSSIP_VERSION) {
        *why = GOSSIP_REJ_VERSION;
        return SH_ERR_VERSION;
    }
    if (type == 0 || type >= GOSSIP_MSG_COUNT) {
        *why = GOSSIP_REJ_TYPE;
        return SH_ERR_RANGE;
    }
    if (len > max_size(type)) {
        *why = GOSSIP_REJ_OVERSIZE;
        return SH_ERR_OVERSIZE;
    }
    static const uint8_t nfields[GOSSIP_MSG_COUNT] = {
        [GOSSIP_MSG_JOIN] = 0, [GOSSIP_MSG_FORWARD_JOIN] = 2,
        [GOSSIP_MSG_NEIGHBOR] = 1, [GOSSIP_MSG_NEIGHBOR_REPLY] = 1,
        [GOSSIP_MSG_DISCONNECT] = 0, [GOSSIP_MSG_SHUFFLE] = 4,
        [GOSSIP_MSG_SHUFFLE_REPLY] = 2, [GOSSIP_MSG_PING] = 1,
        [GOSSIP_MSG_PONG] = 2, [GOSSIP_MSG_GOSSIP] = 3,
        [GOSSIP_MSG_IHAVE] = 2, [GOSSIP_MSG_GRAFT] = 1, [GOSSIP_MSG_PRUNE] = 0,
    };
    sh_mp_reader r;
    sh_mp_arr f;
    rc = sh_mp_reader_init(&r, b, len, max_size(type));
    if (rc != 0) {
        *why = why_of(rc);
        return rc;
    }
    rc = sh_mp_read_envelope(&r, GOSSIP_VERSION, &type, nfields[type], nfields[type], &f);
    m->type = (uint32_t)type;
    if (rc == 0) {
        switch (type) {
        case GOSSIP_MSG_FORWARD_JOIN:
            rc = get_u32(&f, UINT32_MAX - 1, &m->peer);
            if (rc == 0)
                rc = get_u32(&f, GOSSIP_MAX_TTL, &m->ttl);
            break;
        case GOSSIP_MSG_NEIGHBOR:
        case GOSSIP_MSG_NEIGHBOR_REPLY:
            rc = sh_mp_get_bool(&f, &m->flag);
            break;
        case GOSSIP_MSG_SHUFFLE:
            rc = get_u32(&f, UINT32_MAX - 1, &m->peer);
            if (rc == 0)
                rc = get_u32(&f, GOSSIP_MAX_TTL, &m->ttl);
            if (rc == 0)
                rc = get_u32(&f, UINT32_MAX, &m->nonce);
            if (rc == 0)
                rc = get_peers(&f, m);
            break;
        case GOSSIP_MSG_SHUFFLE_REPLY:
            rc = get_u32(&f, UINT32_MAX, &m->nonce);
            if (rc == 0)
                rc = get_peers(&f, m);
            break;
        case GOSSIP_MSG_PING:
            rc = get_u32(&f, UINT32_MAX, &m->nonce);
            break;
        case GOSSIP_MSG_PONG:
            rc = get_u32(&f, UINT32_MAX, &m->nonce);
            if (rc == 0)
                rc = sh_mp_get_bool(&f, &m->flag);
            break;
        case GOSSIP_MSG_GOSSIP:
            rc = get_u32(&f, 255, &m->kind);
            if (rc == 0)
                rc = get_u32(&f, UINT32_MAX, &m->hops);
            if (rc == 0)
                rc = sh_mp_get_bin(&f, GOSSIP_ANN_MAX_BYTES, &m->payload, &m->payload_len);
            break;
        case GOSSIP_MSG_IHAVE:
            rc = sh_mp_get_bin_exact(&f, m->id, GOSSIP_ID_BYTES);
            if (rc == 0)
                rc = get_u32(&f, UINT32_MAX, &m->hops);
            break;
        case GOSSIP_MSG_GRAFT:
            rc = sh_mp_get_bin_exact(&f, m->id, GOSSIP_ID_BYTES);
            break;
        default:
            break;
        }
    }
    if (rc == 0)
        rc = sh_mp_arr_done(&f);
    sh_mp_reader_free(&r);
    if (rc != 0) {
        m->payload = NULL;
        m->payload_len = 0;
        *why = why_of(rc);
    }
    return rc;
}

static void put_peers(sh_mp_writer *w, const gossip_msg *m)
{
    sh_mp_put_array(w, m->n_peers);
    for (uint32_t i = 0; i < m->n_peers; i++)
        sh_mp_put_uint(w, m->peers[i]);
}

int gossip_msg_encode(const gossip_msg *m, sh_buf *out)
{
    if (m->type == 0 || m->type >= GOSSIP_MSG_COUNT || m->n_peers > GOSSIP_MAX_SHUFFLE)
        return SH_ERR_ARG;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    switch (m->type) {
    case GOSSIP_MSG_JOIN:
    case GOSSIP_MSG_DISCONNECT:
    case GOSSIP_MSG_PRUNE:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 0);
        break;
    case GOSSIP_MSG_FORWARD_JOIN:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 2);
        sh_mp_put_uint(&w, m->peer);
        sh_mp_put_uint(&w, m->ttl);
        break;
    case GOSSIP_MSG_NEIGHBOR:
    case GOSSIP_MSG_NEIGHBOR_REPLY:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 1);
        sh_mp_put_bool(&w, m->flag);
        break;
    case GOSSIP_MSG_SHUFFLE:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 4);
        sh_mp_put_uint(&w, m->peer);
        sh_mp_put_uint(&w, m->ttl);
        sh_mp_put_uint(&w, m->nonce);
        put_peers(&w, m);
        break;
    case GOSSIP_MSG_SHUFFLE_REPLY:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 2);
        sh_mp_put_uint(&w, m->nonce);
        put_peers(&w, m);
        break;
    case GOSSIP_MSG_PING:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 1);
        sh_mp_put_uint(&w, m->nonce);
        break;
    case GOSSIP_MSG_PONG:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 2);
        sh_mp_put_uint(&w, m->nonce);
        sh_mp_put_bool(&w, m->flag);
        break;
    case GOSSIP_MSG_GOSSIP:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 3);
        sh_mp_put_uint(&w, m->kind);
        sh_mp_put_uint(&w, m->hops);
        sh_mp_put_bin(&w, m->payload, m->payload_len);
        break;
    case GOSSIP_MSG_IHAVE:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 2);
        sh_mp_put_bin(&w, m->id, GOSSIP_ID_BYTES);
        sh_mp_put_uint(&w, m->hops);
        break;
    case GOSSIP_MSG_GRAFT:
        sh_mp_put_envelope(&w, GOSSIP_VERSION, m->type, 1);
        sh_mp_put_bin(&w, m->id, GOSSIP_ID_BYTES);
        break;
    default:
        return SH_ERR_ARG;
    }
    return sh_mp_writer_finish(&w);
}

int gossip_encode_push(sh_buf *out, uint32_t kind, uint32_t hops,
                       const uint8_t *payload, size_t len)
{
    if (out == NULL || (payload == NULL && len > 0) || kind > 255)
        return SH_ERR_ARG;
    gossip_msg m;
    memset(&m, 0, sizeof m);
    m.type = GOSSIP_MSG_GOSSIP;
    m.kind = kind;
    m.hops = hops;
    m.payload = payload;
    m.payload_len = len;
    return gossip_msg_encode(&m, out);
}
