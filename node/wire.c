/* node/wire.c -- see wire.h. */
#include <string.h>

#include "node/wire.h"
#include "gossip/descriptor.h"

/* Largest body per type: a descriptor, a gossip message (gossip/
 * gossip_impl.h: 768 bytes), a full SYNC. */
static size_t body_max(uint8_t type)
{
    switch (type) {
    case NODE_MSG_HELLO:
    case NODE_MSG_DESC: return GOSSIP_DESC_MAX_BYTES;
    case NODE_MSG_GOSSIP: return 768;
    case NODE_MSG_SYNC: return 2 + 4 * (size_t)NODE_WIRE_MAX_SYNC_IDS;
    default: return 0;
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int node_wire_decode(node_wire_msg *m, const uint8_t *msg, size_t len, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    if (m == NULL || (msg == NULL && len > 0)) {
        *why = "node: malformed message";
        return SH_ERR_ARG;
    }
    memset(m, 0, sizeof *m);
    if (len < NODE_WIRE_HEADER + 1) {
        *why = "node: malformed message";
        return SH_ERR_TRUNCATED;
    }
    if (msg[0] != NODE_WIRE_VERSION) {
        *why = "node: unsupported version";
        return SH_ERR_VERSION;
    }
    uint8_t type = msg[1];
    if (type == 0 || type >= NODE_MSG_COUNT) {
        *why = "node: unknown message type";
        return SH_ERR_FORMAT;
    }
    size_t blen = len - NODE_WIRE_HEADER;
    if (blen > body_max(type)) {
        *why = "node: oversize";
        return SH_ERR_OVERSIZE;
    }
    m->type = type;
    m->body = msg + NODE_WIRE_HEADER;
    m->body_len = blen;
    if (type == NODE_MSG_SYNC) {
        uint32_t n = blen >= 2 ? (uint32_t)m->body[0] << 8 | m->body[1] : 0;
        if (blen < 2 || blen != 2 + 4 * (size_t)n || n > NODE_WIRE_MAX_SYNC_IDS) {
            *why = "node: malformed sync";
            return SH_ERR_LENGTH;
        }
        for (uint32_t i = 1; i < n; i++)
            if (be32(m->body + 2 + 4 * i) <= be32(m->body + 2 + 4 * (i - 1))) {
                *why = "node: malformed sync";
                return SH_ERR_NONCANONICAL;
            }
        m->n_ids = n;
    }
    return 0;
}

uint32_t node_wire_sync_id(const node_wire_msg *m, uint32_t i)
{
    return be32(m->body + 2 + 4 * (size_t)i);
}

int node_wire_sync_has(const node_wire_msg *m, uint32_t id)
{
    uint32_t lo = 0, hi = m->n_ids;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, v = node_wire_sync_id(m, mid);
        if (v == id)
            return 1;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int node_wire_encode(sh_buf *out, uint8_t type, const uint8_t *body, size_t len)
{
    if (out == NULL || type == 0 || type >= NODE_MSG_COUNT || len == 0 || body == NULL ||
        len > body_max(type))
        return SH_ERR_ARG;
    int rc = sh_buf_append_u8(out, NODE_WIRE_VERSION);
    if (rc == 0)
        rc = sh_buf_append_u8(out, type);
    if (rc == 0)
        rc = sh_buf_append(out, body, len);
    return rc;
}

int node_wire_encode_sync(sh_buf *out, const uint32_t *ids, uint32_t n)
{
    if (out == NULL || (ids == NULL && n > 0) || n > NODE_WIRE_MAX_SYNC_IDS)
        return SH_ERR_ARG;
    for (uint32_t i = 1; i < n; i++)
        if (ids[i] <= ids[i - 1])
            return SH_ERR_ARG;
    int rc = sh_buf_append_u8(out, NODE_WIRE_VERSION);
    if (rc == 0)
        rc = sh_buf_append_u8(out, NODE_MSG_SYNC);
    if (rc == 0)
        rc = sh_buf_append_u16be(out, (uint16_t)n);
    for (uint32_t i = 0; i < n && rc == 0; i++)
        rc = sh_buf_append_u32be(out, ids[i]);
    return rc;
}

const char *node_wire_type_name(unsigned type)
{
    static const char *const names[NODE_MSG_COUNT] = {
        "invalid", "hello", "gossip", "desc", "sync"
    };
    return type < NODE_MSG_COUNT ? names[type] : "invalid";
}
