/* fuzz/fuzz_onion_peel.c -- the onion packet and hop-payload parsers on
 * arbitrary bytes.  The first byte chooses the target:
 *   0  mix_onion_peel on data[1..] as a packet (any length) with a fixed
 *      node key: never crashes, rejects (the HMAC cannot match by chance),
 *      and leaves the outputs zeroed;
 *   1  mix_onion_hop_split on data[1..] as decrypted routing info: a
 *      success lies within bounds;
 *   2  mix_hop_payload_decode on data[1..]: a success re-encodes to a
 *      stream that decodes to the same values, and its reason is NULL;
 *      a failure gives a "tlv: " reason;
 *   3  the whole path: data[1..] split into up to 4 hop payloads, built
 *      into a 1366-byte packet with fixed keys, peeled hop by hop and
 *      compared; each hop payload then goes through the TLV parser.
 * Properties violated abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mixnet/onion.h"
#include "mixnet/tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mix_onion_ctx *ctx;
static uint8_t node_sk[4][32], node_pk[4][33];

static void init(void)
{
    if (ctx != NULL)
        return;
    if (sodium_init() < 0 || (ctx = mix_onion_ctx_new(NULL)) == NULL)
        abort();
    for (int i = 0; i < 4; i++) {
        memset(node_sk[i], 0x41 + i, 32);
        if (mix_onion_pubkey(ctx, node_pk[i], node_sk[i]) != 0)
            abort();
    }
}

static void fuzz_peel(const uint8_t *d, size_t n)
{
    static uint8_t next[MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX)];
    static uint8_t pay[MIX_ONION_PAYLOAD_CAP(MIX_ONION_ROUTING_MAX)];
    if (n > sizeof next)
        return;
    mix_onion_peeled p = { next, pay, sizeof pay, 0, 0, { 0 } };
    int rc = mix_onion_peel(ctx, node_sk[0], d, n, NULL, 0, &p);
    if (rc == 0 || p.payload_len != 0 || p.final != 0)
        abort();
}

static void fuzz_split(const uint8_t *d, size_t n)
{
    size_t pre, L;
    if (mix_onion_hop_split(d, n, &pre, &L) == 0 && (L == 0 || pre + L + 32 > n))
        abort();
}

static void fuzz_tlv(const uint8_t *d, size_t n)
{
    mix_hop_payload p, q;
    const char *why = NULL;
    int rc = mix_hop_payload_decode(&p, d, n, &why);
    if (rc != 0) {
        if (why == NULL || strncmp(why, "tlv: ", 5) != 0)
            abort();
        return;
    }
    size_t len = mix_hop_payload_encoded_len(&p), got;
    uint8_t *enc = malloc(len ? len : 1);
    if (enc == NULL)
        return;
    if (len == 0 || len > n || mix_hop_payload_encode(enc, len, &got, &p) != 0 || got != len)
        abort();
    if (mix_hop_payload_decode(&q, enc, len, NULL) != 0 || q.epoch != p.epoch
        || q.delay_ms != p.delay_ms || q.is_final != p.is_final
        || memcmp(q.next_hop, p.next_hop, 32) != 0 || q.data_len != p.data_len
        || (p.data_len > 0 && memcmp(q.data, p.data, p.data_len) != 0))
        abort();
    free(enc);
}

static void fuzz_path(const uint8_t *d, size_t n)
{
    static uint8_t pkt[MIX_ONION_PACKET_STD], next[MIX_ONION_PACKET_STD];
    static uint8_t pay[MIX_ONION_PAYLOAD_CAP(MIX_ONION_ROUTING_STD)];
    mix_onion_hop hops[4];
    uint8_t session[32];
    size_t k = 0, off = 0;
    if (n < 1)
        return;
    size_t nh = 1 + d[0] % 4;
    off = 1;
    for (k = 0; k < nh; k++) {
        size_t left = n - off, want = left / (nh - k);
        if (want == 0)
            return;
        hops[k] = (mix_onion_hop){ node_pk[k], d + off, want };
        off += want;
    }
    memset(session, 0x99, sizeof session);
    int rc = mix_onion_create(ctx, pkt, sizeof pkt, session, hops, nh, d, n > 8 ? 8 : n, NULL);
    if (rc == SH_ERR_OVERSIZE)
        return;
    if (rc != 0)
        abort();
    for (k = 0; k < nh; k++) {
        mix_onion_peeled p = { next, pay, sizeof pay, 0, 0, { 0 } };
        if (mix_onion_peel(ctx, node_sk[k], pkt, sizeof pkt, d, n > 8 ? 8 : n, &p) != 0)
            abort();
        if (p.payload_len != hops[k].payload_len
            || memcmp(pay, hops[k].payload, p.payload_len) != 0
            || p.final != (k + 1 == nh))
            abort();
        fuzz_tlv(pay, p.payload_len);
        memcpy(pkt, next, sizeof pkt);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0:
        fuzz_peel(data + 1, size - 1);
        break;
    case 1:
        fuzz_split(data + 1, size - 1);
        break;
    case 2:
        fuzz_tlv(data + 1, size - 1);
        break;
    default:
        fuzz_path(data + 1, size - 1);
        break;
    }
    return 0;
}
