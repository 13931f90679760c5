/* tests/test_mixnet_tlv.c -- BigSize and shroud's hop-payload TLV: round
 * trips, the byte layout of docs/onion.md, and the strict parser
 * (truncated, duplicate, unsorted, unknown even/odd, oversize, wrong fixed
 * lengths, non-minimal BigSize, missing or conflicting records). */
#include <criterion/criterion.h>
#include <string.h>

#include "mixnet/tlv.h"
#include "testutil.h"

TestSuite(mixnet_tlv);

Test(mixnet_tlv, bigsize_bolt1)
{
    /* BOLT 1's BigSize examples */
    static const struct { uint64_t v; const char *hex; } ok[] = {
        { 0, "00" }, { 252, "fc" }, { 253, "fd00fd" }, { 65535, "fdffff" },
        { 65536, "fe00010000" }, { 4294967295u, "feffffffff" },
        { 4294967296ull, "ff0000000100000000" }, { UINT64_MAX, "ffffffffffffffffff" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint8_t want[9], got[9];
        size_t n = strlen(ok[i].hex) / 2, used;
        uint64_t v;
        tu_hex(want, n, ok[i].hex);
        cr_assert_eq(mix_bigsize_encode(got, ok[i].v), n);
        cr_assert(memcmp(got, want, n) == 0);
        cr_assert_eq(mix_bigsize_len(ok[i].v), n);
        cr_assert_eq(mix_bigsize_decode(want, n, &v, &used), 0);
        cr_assert_eq(v, ok[i].v);
        cr_assert_eq(used, n);
        cr_assert_eq(mix_bigsize_decode(want, n - 1, &v, &used), SH_ERR_TRUNCATED);
    }
    static const char *noncanon[] = { "fd00fc", "fe0000ffff", "ff00000000ffffffff" };
    for (size_t i = 0; i < 3; i++) {
        uint8_t b[9];
        size_t n = strlen(noncanon[i]) / 2, used;
        uint64_t v;
        tu_hex(b, n, noncanon[i]);
        cr_assert_eq(mix_bigsize_decode(b, n, &v, &used), SH_ERR_NONCANONICAL);
    }
}

static const uint8_t ID[32] = { 0xaa, 0xbb, 0xcc, [31] = 0x11 };

Test(mixnet_tlv, layout_forward)
{
    mix_hop_payload p = { .epoch = 0x0102030405060708ull, .delay_ms = 1500, .is_final = 0 };
    memcpy(p.next_hop, ID, 32);
    uint8_t out[128], want[128];
    size_t n;
    cr_assert_eq(mix_hop_payload_encode(out, sizeof out, &n, &p), 0);
    cr_assert_eq(n, 10 + 6 + 34);
    cr_assert_eq(mix_hop_payload_encoded_len(&p), n);
    /* docs/onion.md, example 1 */
    tu_hex(want, n, "02080102030405060708" "0404000005dc"
                    "0620aabbcc0000000000000000000000000000000000000000000000000000000011");
    cr_assert(memcmp(out, want, n) == 0);
    mix_hop_payload q;
    const char *why = NULL;
    cr_assert_eq(mix_hop_payload_decode(&q, out, n, &why), 0);
    cr_assert_eq(q.epoch, p.epoch);
    cr_assert_eq(q.delay_ms, 1500);
    cr_assert_eq(q.is_final, 0);
    cr_assert(memcmp(q.next_hop, ID, 32) == 0);
    cr_assert_eq(mix_hop_payload_encode(out, n - 1, &n, &p), SH_ERR_LENGTH);
}

Test(mixnet_tlv, layout_final)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    mix_hop_payload p = { .epoch = 7, .delay_ms = 0, .is_final = 1, .data = data,
                          .data_len = sizeof data };
    uint8_t out[400];
    size_t n;
    cr_assert_eq(mix_hop_payload_encode(out, sizeof out, &n, &p), 0);
    cr_assert_eq(n, 10 + 6 + 1 + 3 + 300);
    uint8_t head[20];
    tu_hex(head, 20, "020800000000000000070404000000000" "8fd012c");
    cr_assert(memcmp(out, head, 20) == 0);
    mix_hop_payload q;
    cr_assert_eq(mix_hop_payload_decode(&q, out, n, NULL), 0);
    cr_assert_eq(q.is_final, 1);
    cr_assert_eq(q.data_len, 300);
    cr_assert_eq(q.data, out + 20);
    /* an empty final payload is allowed */
    p.data_len = 0;
    cr_assert_eq(mix_hop_payload_encode(out, sizeof out, &n, &p), 0);
    cr_assert_eq(mix_hop_payload_decode(&q, out, n, NULL), 0);
    cr_assert_eq(q.data_len, 0);
    cr_assert(q.is_final);
}

static void expect(const char *hex, int code, const char *why_want)
{
    uint8_t b[256];
    size_t n = strlen(hex) / 2;
    tu_hex(b, n, hex);
    mix_hop_payload q;
    const char *why = NULL;
    int rc = mix_hop_payload_decode(&q, b, n, &why);
    cr_assert_eq(rc, code, "%s: rc %d (%s)", hex, rc, why ? why : "-");
    if (why_want != NULL)
        cr_assert_str_eq(why, why_want, "%s", hex);
    if (rc != 0) {
        cr_assert_eq(q.data, NULL);
        cr_assert_eq(q.epoch, 0);
    }
}

#define EPOCH "02080000000000000005"
#define DELAY "040400000064"
#define FINAL "080103"
#define NEXT "0620" "1111111111111111111111111111111111111111111111111111111111111111"

Test(mixnet_tlv, strict_parser)
{
    expect(EPOCH DELAY FINAL, 0, NULL);
    expect(EPOCH DELAY NEXT, 0, NULL);
    /* unknown odd types are skipped, wherever they are in the order */
    expect("0100" EPOCH DELAY "0501ff" FINAL "fd01010100", 0, NULL);
    /* unknown even type */
    expect(EPOCH DELAY FINAL "0a00", SH_ERR_TYPE, "tlv: unknown even type");
    expect("00" "00" EPOCH DELAY FINAL, SH_ERR_TYPE, "tlv: unknown even type");
    /* duplicate and unsorted */
    expect(EPOCH EPOCH DELAY FINAL, SH_ERR_FORMAT, "tlv: duplicate type");
    expect(DELAY EPOCH FINAL, SH_ERR_FORMAT, "tlv: types not increasing");
    expect(EPOCH DELAY FINAL "0501ff" "0301ff", SH_ERR_FORMAT, "tlv: types not increasing");
    /* missing / conflicting */
    expect(DELAY FINAL, SH_ERR_FORMAT, "tlv: epoch missing");
    expect(EPOCH FINAL, SH_ERR_FORMAT, "tlv: delay missing");
    expect(EPOCH DELAY, SH_ERR_FORMAT, "tlv: neither next_hop nor final_payload");
    expect(EPOCH DELAY NEXT FINAL, SH_ERR_FORMAT, "tlv: both next_hop and final_payload");
    expect("", SH_ERR_FORMAT, "tlv: epoch missing");
    /* wrong fixed lengths */
    expect("0207000000000000000" "5" DELAY FINAL, SH_ERR_LENGTH, "tlv: epoch is not 8 bytes");
    expect(EPOCH "0405000000006400" FINAL, SH_ERR_LENGTH, "tlv: delay is not 4 bytes");
    expect(EPOCH DELAY "061f" "11111111111111111111111111111111111111111111111111111111111111",
           SH_ERR_LENGTH, "tlv: next_hop is not 32 bytes");
    /* non-minimal BigSize */
    expect("fd0002" "08" "0000000000000005" DELAY FINAL, SH_ERR_NONCANONICAL,
           "tlv: non-minimal type");
    expect("02" "fd0008" "0000000000000005" DELAY FINAL, SH_ERR_NONCANONICAL,
           "tlv: non-minimal length");
    /* oversize: a record length above the limit (the input ends long
     * before, but the limit is checked first) */
    expect(EPOCH DELAY "08fe00010000", SH_ERR_OVERSIZE, "tlv: record too long");
    expect(EPOCH DELAY "08ff0000000100000000", SH_ERR_OVERSIZE, "tlv: record too long");
    /* truncated */
    expect(EPOCH DELAY "0805aabb", SH_ERR_TRUNCATED, "tlv: truncated value");
    expect(EPOCH DELAY "08", SH_ERR_TRUNCATED, "tlv: truncated length");
    expect(EPOCH DELAY "08fd01", SH_ERR_TRUNCATED, "tlv: truncated length");
    expect(EPOCH DELAY "fd", SH_ERR_TRUNCATED, "tlv: truncated type");
}

Test(mixnet_tlv, every_truncation_fails)
{
    mix_hop_payload p = { .epoch = 99, .delay_ms = 5, .is_final = 0 };
    memcpy(p.next_hop, ID, 32);
    uint8_t out[64];
    size_t n;
    cr_assert_eq(mix_hop_payload_encode(out, sizeof out, &n, &p), 0);
    for (size_t k = 0; k < n; k++) {
        mix_hop_payload q;
        cr_assert_neq(mix_hop_payload_decode(&q, out, k, NULL), 0, "prefix %zu", k);
    }
}

Test(mixnet_tlv, whole_payload_oversize_and_args)
{
    static uint8_t big[MIX_HOP_PAYLOAD_MAX + 1];
    mix_hop_payload q;
    const char *why = NULL;
    cr_assert_eq(mix_hop_payload_decode(&q, big, sizeof big, &why), SH_ERR_OVERSIZE);
    cr_assert_str_eq(why, "tlv: hop payload too long");
    mix_hop_payload p = { .epoch = 1, .is_final = 1, .data = big,
                          .data_len = MIX_FINAL_PAYLOAD_MAX + 1 };
    size_t n;
    cr_assert_eq(mix_hop_payload_encoded_len(&p), 0);
    cr_assert_eq(mix_hop_payload_encode(big, sizeof big, &n, &p), SH_ERR_ARG);
    p.data_len = MIX_FINAL_PAYLOAD_MAX;
    static uint8_t out[MIX_HOP_PAYLOAD_MAX];
    cr_assert_eq(mix_hop_payload_encode(out, sizeof out, &n, &p), 0);
    cr_assert_eq(mix_hop_payload_decode(&q, out, n, NULL), 0);
    cr_assert_eq(q.data_len, MIX_FINAL_PAYLOAD_MAX);
}
