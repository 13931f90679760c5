/* mixnet/tlv.c -- BigSize and shroud's hop-payload TLV stream (tlv.h,
 * docs/onion.md). */
#include "mixnet/tlv.h"

#include <string.h>

size_t mix_bigsize_len(uint64_t v)
{
    if (v < 0xfd)
        return 1;
    if (v <= 0xffff)
        return 3;
    if (v <= 0xffffffffu)
        return 5;
    return 9;
}

static void put_be(uint8_t *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *in, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | in[i];
    return v;
}

size_t mix_bigsize_encode(uint8_t out[MIX_BIGSIZE_MAX_BYTES], uint64_t v)
{
    size_t n = mix_bigsize_len(v);
    switch (n) {
    case 1:
        out[0] = (uint8_t)v;
        return 1;
    case 3:
        out[0] = 0xfd;
        break;
    case 5:
        out[0] = 0xfe;
        break;
    default:
        out[0] = 0xff;
        break;
    }
    put_be(out + 1, v, n - 1);
    return n;
}

int mix_bigsize_decode(const uint8_t *in, size_t len, uint64_t *v, size_t *used)
{
    if (len < 1)
        return SH_ERR_TRUNCATED;
    size_t n;
    uint64_t min;
    switch (in[0]) {
    case 0xfd:
        n = 2;
        min = 0xfd;
        break;
    case 0xfe:
        n = 4;
        min = 0x10000;
        break;
    case 0xff:
        n = 8;
        min = 0x100000000ull;
        break;
    default:
        *v = in[0];
        *used = 1;
        return 0;
    }
    if (len < 1 + n)
        return SH_ERR_TRUNCATED;
    uint64_t x = get_be(in + 1, n);
    if (x < min)
        return SH_ERR_NONCANONICAL;
    *v = x;
    *used = 1 + n;
    return 0;
}

/* ---- hop payload ---------------------------------------------------------- */

static int payload_valid(const mix_hop_payload *p)
{
    if (p == NULL)
        return 0;
    if (p->is_final != 0 && p->is_final != 1)
        return 0;
    if (p->is_final && p->data_len > MIX_FINAL_PAYLOAD_MAX)
        return 0;
    if (p->is_final && p->data == NULL && p->data_len > 0)
        return 0;
    return 1;
}

static size_t record_len(uint64_t type, size_t vlen)
{
    return mix_bigsize_len(type) + mix_bigsize_len(vlen) + vlen;
}

size_t mix_hop_payload_encoded_len(const mix_hop_payload *p)
{
    if (!payload_valid(p))
        return 0;
    size_t n = record_len(MIX_TLV_EPOCH, 8) + record_len(MIX_TLV_DELAY, 4);
    if (p->is_final)
        n += record_len(MIX_TLV_FINAL_PAYLOAD, p->data_len);
    else
        n += record_len(MIX_TLV_NEXT_HOP, MIX_HOP_ID_BYTES);
    return n;
}

static size_t put_record(uint8_t *out, uint64_t type, const uint8_t *v, size_t vlen)
{
    size_t o = mix_bigsize_encode(out, type);
    o += mix_bigsize_encode(out + o, vlen);
    if (vlen > 0)
        memcpy(out + o, v, vlen);
    return o + vlen;
}

int mix_hop_payload_encode(uint8_t *out, size_t cap, size_t *out_len,
                           const mix_hop_payload *p)
{
    if (out_len != NULL)
        *out_len = 0;
    if (out == NULL || out_len == NULL || !payload_valid(p))
        return SH_ERR_ARG;
    size_t need = mix_hop_payload_encoded_len(p);
    if (need > cap)
        return SH_ERR_LENGTH;
    uint8_t e[8], d[4];
    put_be(e, p->epoch, 8);
    put_be(d, p->delay_ms, 4);
    size_t o = put_record(out, MIX_TLV_EPOCH, e, 8);
    o += put_record(out + o, MIX_TLV_DELAY, d, 4);
    if (p->is_final)
        o += put_record(out + o, MIX_TLV_FINAL_PAYLOAD, p->data, p->data_len);
    else
        o += put_record(out + o, MIX_TLV_NEXT_HOP, p->next_hop, MIX_HOP_ID_BYTES);
    *out_len = o;
    return 0;
}

#define FAIL(code, text)          \
    do {                          \
        if (why != NULL)          \
            *why = (text);        \
        rc = (code);              \
        goto fail;                \
    } while (0)

int mix_hop_payload_decode(mix_hop_payload *p, const uint8_t *in, size_t len,
                           const char **why)
{
    int rc;
    int have_epoch = 0, have_delay = 0, have_next = 0, have_final = 0;
    int have_prev = 0;
    uint64_t prev = 0;
    size_t off = 0;

    if (p == NULL || (in == NULL && len > 0)) {
        if (why != NULL)
            *why = "tlv: bad arguments";
        return SH_ERR_ARG;
    }
    memset(p, 0, sizeof *p);
    if (len > MIX_HOP_PAYLOAD_MAX)
        FAIL(SH_ERR_OVERSIZE, "tlv: hop payload too long");

    while (off < len) {
        uint64_t type, vlen;
        size_t used;
        rc = mix_bigsize_decode(in + off, len - off, &type, &used);
        if (rc == SH_ERR_NONCANONICAL)
            FAIL(rc, "tlv: non-minimal type");
        if (rc != 0)
            FAIL(SH_ERR_TRUNCATED, "tlv: truncated type");
        off += used;
        rc = mix_bigsize_decode(in + off, len - off, &vlen, &used);
        if (rc == SH_ERR_NONCANONICAL)
            FAIL(rc, "tlv: non-minimal length");
        if (rc != 0)
            FAIL(SH_ERR_TRUNCATED, "tlv: truncated length");
        off += used;
        if (have_prev && type == prev)
            FAIL(SH_ERR_FORMAT, "tlv: duplicate type");
        if (have_prev && type < prev)
            FAIL(SH_ERR_FORMAT, "tlv: types not increasing");
        have_prev = 1;
        prev = type;
        if (vlen > MIX_FINAL_PAYLOAD_MAX)
            FAIL(SH_ERR_OVERSIZE, "tlv: record too long");
        if (vlen > len - off)
            FAIL(SH_ERR_TRUNCATED, "tlv: truncated value");
        const uint8_t *v = in + off;
        off += (size_t)vlen;

        switch (type) {
        case MIX_TLV_EPOCH:
            if (vlen != 8)
                FAIL(SH_ERR_LENGTH, "tlv: epoch is not 8 bytes");
            p->epoch = get_be(v, 8);
            have_epoch = 1;
            break;
        case MIX_TLV_DELAY:
            if (vlen != 4)
                FAIL(SH_ERR_LENGTH, "tlv: delay is not 4 bytes");
            p->delay_ms = (uint32_t)get_be(v, 4);
            have_delay = 1;
            break;
        case MIX_TLV_NEXT_HOP:
            if (vlen != MIX_HOP_ID_BYTES)
                FAIL(SH_ERR_LENGTH, "tlv: next_hop is not 32 bytes");
            memcpy(p->next_hop, v, MIX_HOP_ID_BYTES);
            have_next = 1;
            break;
        case MIX_TLV_FINAL_PAYLOAD:
            p->data = v;
            p->data_len = (size_t)vlen;
            have_final = 1;
            break;
        default:
            if ((type & 1) == 0)
                FAIL(SH_ERR_TYPE, "tlv: unknown even type");
            break;   /* unknown odd type: skipped */
        }
    }
    if (!have_epoch)
        FAIL(SH_ERR_FORMAT, "tlv: epoch missing");
    if (!have_delay)
        FAIL(SH_ERR_FORMAT, "tlv: delay missing");
    if (have_next && have_final)
        FAIL(SH_ERR_FORMAT, "tlv: both next_hop and final_payload");
    if (!have_next && !have_final)
        FAIL(SH_ERR_FORMAT, "tlv: neither next_hop nor final_payload");
    p->is_final = have_final;
    return 0;
fail:
    memset(p, 0, sizeof *p);
    return rc;
}
