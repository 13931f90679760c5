/* tests/test_node_wire.c -- the node message layer (node/wire.h): strict
 * decoding with one reason per refusal, and round trips. */
#include <string.h>
#include <criterion/criterion.h>

#include "node/wire.h"

static const char *decode_why(const uint8_t *m, size_t n)
{
    node_wire_msg w;
    const char *why = NULL;
    if (node_wire_decode(&w, m, n, &why) == 0)
        return NULL;
    cr_assert_not_null(why);
    return why;
}

Test(node_wire, roundtrip_each_type)
{
    sh_buf b;
    sh_buf_init(&b);
    for (uint8_t t = NODE_MSG_HELLO; t <= NODE_MSG_GOSSIP; t++) {
        sh_buf_reset(&b);
        cr_assert_eq(node_wire_encode(&b, t, (const uint8_t *)"abc", 3), 0);
        node_wire_msg m;
        cr_assert_eq(node_wire_decode(&m, b.data, b.len, NULL), 0);
        cr_assert_eq(m.type, t);
        cr_assert_eq(m.body_len, 3);
        cr_assert_eq(memcmp(m.body, "abc", 3), 0);
    }
    uint32_t ids[] = { 1, 7, 0x80000000u, 0xfffffffeu };
    sh_buf_reset(&b);
    cr_assert_eq(node_wire_encode_sync(&b, ids, 4), 0);
    node_wire_msg m;
    cr_assert_eq(node_wire_decode(&m, b.data, b.len, NULL), 0);
    cr_assert_eq(m.n_ids, 4);
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(node_wire_sync_id(&m, i), ids[i]);
    sh_buf_reset(&b);
    cr_assert_eq(node_wire_encode_sync(&b, NULL, 0), 0);
    cr_assert_eq(node_wire_decode(&m, b.data, b.len, NULL), 0);
    cr_assert_eq(m.n_ids, 0);
    sh_buf_free(&b);
}

Test(node_wire, refusals_name_their_reason)
{
    cr_assert_str_eq(decode_why((const uint8_t *)"", 0), "node: malformed message");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x02", 2), "node: malformed message");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x02\x02x", 3), "node: unsupported version");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x00x", 3), "node: unknown message type");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x05x", 3), "node: unknown message type");
    uint8_t big[2 + 769] = { 1, NODE_MSG_GOSSIP };
    cr_assert_str_eq(decode_why(big, sizeof big), "node: oversize");
    cr_assert_null(decode_why(big, sizeof big - 1));
    uint8_t hello[2 + 513] = { 1, NODE_MSG_HELLO };
    cr_assert_str_eq(decode_why(hello, sizeof hello), "node: oversize");
    /* SYNC: count and length disagree, unsorted, duplicate */
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x04\x00", 3), "node: malformed sync");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x04\x00\x01\x00\x00\x00", 7),
                     "node: malformed sync");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x04\x00\x02\x00\x00\x00\x02\x00\x00\x00\x01", 12),
                     "node: malformed sync");
    cr_assert_str_eq(decode_why((const uint8_t *)"\x01\x04\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02", 12),
                     "node: malformed sync");
    cr_assert_null(decode_why((const uint8_t *)"\x01\x04\x00\x02\x00\x00\x00\x01\x00\x00\x00\x02", 12));
}

Test(node_wire, encoder_refuses_what_the_decoder_would)
{
    sh_buf b;
    sh_buf_init(&b);
    uint8_t body[800] = { 0 };
    cr_assert_eq(node_wire_encode(&b, 0, body, 1), SH_ERR_ARG);
    cr_assert_eq(node_wire_encode(&b, NODE_MSG_COUNT, body, 1), SH_ERR_ARG);
    cr_assert_eq(node_wire_encode(&b, NODE_MSG_GOSSIP, body, 0), SH_ERR_ARG);
    cr_assert_eq(node_wire_encode(&b, NODE_MSG_GOSSIP, body, 769), SH_ERR_ARG);
    cr_assert_eq(node_wire_encode(&b, NODE_MSG_DESC, body, 513), SH_ERR_ARG);
    uint32_t unsorted[] = { 5, 3 };
    cr_assert_eq(node_wire_encode_sync(&b, unsorted, 2), SH_ERR_ARG);
    cr_assert_eq(node_wire_encode_sync(&b, unsorted, NODE_WIRE_MAX_SYNC_IDS + 1), SH_ERR_ARG);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(node_wire_type_name(NODE_MSG_SYNC), "sync");
    cr_assert_str_eq(node_wire_type_name(99), "invalid");
    sh_buf_free(&b);
}
