/* tests/test_gossip_byzantine.c -- a byzantine node sends garbage, badly
 * signed, expired and oversize descriptors, floods, forged replies and
 * sybil-filled shuffles: every input is rejected with its reason and
 * counted, and the honest nodes keep working. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers/gossip_harness.h"
#include "util/mp.h"

#define BYZ 0u

static uint64_t rej(gh *h, uint32_t node, const char *reason)
{
    return sim_loop_reject_count(h->l, node, reason);
}

static void inject(gh *h, uint32_t to, const uint8_t *m, size_t len)
{
    cr_assert_eq(sim_loop_inject(h->l, BYZ, to, sim_loop_now(h->l), m, len), 0);
}

static void inject_push(gh *h, uint32_t to, uint32_t kind, const uint8_t *p, size_t len)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_encode_push(&b, kind, 1, p, len), 0);
    inject(h, to, b.data, b.len);
    sh_buf_free(&b);
}

Test(gossip_byzantine, bad_input_is_rejected_and_counted)
{
    const uint32_t n = 48;
    gh *h = gh_new(n, 11, &gossip_crypto_full, 0, NULL, NULL);
    gh_run(h, 20 * GH_S);
    uint64_t now_s = 1700000000ULL + sim_loop_now(h->l) / GH_S;
    const uint32_t v = 5;   /* the victim */

    /* garbage, unknown type, another version */
    static const uint8_t junk[] = { 0xc1, 0x00 };
    inject(h, v, junk, sizeof junk);
    static const uint8_t type99[] = { 0x92, 0x01, 0x63 };
    inject(h, v, type99, sizeof type99);
    static const uint8_t v2[] = { 0x92, 0x02, 0x01 };
    inject(h, v, v2, sizeof v2);
    /* a SHUFFLE naming a peer outside the set */
    static const uint8_t badpeer[] = { 0x96, 0x01, 0x06, 0xce, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x90 };
    inject(h, v, badpeer, sizeof badpeer);
    gh_run(h, 1 * GH_S);
    cr_assert_eq(rej(h, v, "gossip: malformed message"), 1);
    cr_assert_eq(rej(h, v, "gossip: unknown message type"), 1);
    cr_assert_eq(rej(h, v, "gossip: unsupported version"), 1);
    cr_assert_eq(rej(h, v, "gossip: bad peer id"), 1);

    /* badly signed, expired, from the future, oversize descriptors */
    sh_buf d;
    sh_buf_init(&d);
    gh_descriptor(h, BYZ, now_s, now_s + 3600, &d);
    d.data[d.len - 1] ^= 1;
    inject_push(h, v, GOSSIP_KIND_DESCRIPTOR, d.data, d.len);
    sh_buf_reset(&d);
    gh_descriptor(h, BYZ, now_s - 7200, now_s - 10, &d);
    inject_push(h, v, GOSSIP_KIND_DESCRIPTOR, d.data, d.len);
    sh_buf_reset(&d);
    gh_descriptor(h, BYZ, now_s + 3600, now_s + 7200, &d);
    inject_push(h, v, GOSSIP_KIND_DESCRIPTOR, d.data, d.len);
    sh_buf_reset(&d);
    gh_descriptor(h, BYZ, now_s - 600, now_s + 3600, &d);     /* valid, stale */
    inject_push(h, v, GOSSIP_KIND_DESCRIPTOR, d.data, d.len);
    uint8_t big[GOSSIP_DESC_MAX_BYTES + 1];
    memset(big, 0, sizeof big);
    inject_push(h, v, GOSSIP_KIND_DESCRIPTOR, big, sizeof big);
    inject_push(h, v, 77, big, 10);
    gh_run(h, 1 * GH_S);
    cr_assert_eq(rej(h, v, "gossip: bad signature"), 1);
    cr_assert_eq(rej(h, v, "gossip: expired descriptor"), 1);
    cr_assert_eq(rej(h, v, "gossip: descriptor from the future"), 1);
    cr_assert_eq(rej(h, v, "gossip: stale message"), 1);
    cr_assert_eq(rej(h, v, "gossip: oversize"), 1);
    cr_assert_eq(rej(h, v, "gossip: unknown payload kind"), 1);

    /* a GOSSIP frame over the message limit */
    uint8_t huge[800];
    memset(huge, 0, sizeof huge);
    inject_push(h, v, GOSSIP_KIND_ANNOUNCE, huge, 700);
    /* forged replies */
    static const uint8_t reply[] = { 0x93, 0x01, 0x04, 0xc3 };
    inject(h, v, reply, sizeof reply);
    static const uint8_t sreply[] = { 0x94, 0x01, 0x07, 0x2a, 0x90 };
    inject(h, v, sreply, sizeof sreply);
    gh_run(h, 1 * GH_S);
    cr_assert_eq(rej(h, v, "gossip: oversize"), 2);
    cr_assert_eq(rej(h, v, "gossip: unsolicited reply"), 2);

    /* a flood: the rate limit cuts it off */
    for (int i = 0; i < 3000; i++)
        inject(h, v, junk, sizeof junk);
    gh_run(h, 1 * GH_S);
    cr_assert_gt(rej(h, v, "gossip: rate limit"), 0);

    /* a SHUFFLE full of sybils: per-source and per-group caps hold */
    gossip_counters before, after;
    gossip_counters_get(gh_node(h, v), &before);
    for (int round = 0; round < 4; round++) {
        sh_buf s;
        sh_buf_init(&s);
        sh_mp_writer w;
        sh_mp_writer_init(&w, &s);
        sh_mp_put_envelope(&w, 1, GOSSIP_MSG_SHUFFLE, 4);
        sh_mp_put_uint(&w, BYZ);
        sh_mp_put_uint(&w, 0);
        sh_mp_put_uint(&w, 1234);
        sh_mp_put_array(&w, 16);
        for (int k = 0; k < 16; k++)
            sh_mp_put_uint(&w, (uint32_t)(20 + (round * 16 + k) % 28));
        cr_assert_eq(sh_mp_writer_finish(&w), 0);
        inject(h, v, s.data, s.len);
        sh_buf_free(&s);
    }
    gh_run(h, 2 * GH_S);
    gossip_counters_get(gh_node(h, v), &after);
    cr_assert_gt(after.table.rej_source + after.table.rej_group,
                 before.table.rej_source + before.table.rej_group);

    /* honest nodes are unharmed: a new broadcast reaches everyone */
    uint8_t id[GOSSIP_ID_BYTES];
    gh_announce(h, 9, "still fine", id);
    gh_run(h, 5 * GH_S);
    cr_assert_eq(gh_reached(h, id, NULL, NULL), n);
    cr_assert_eq(gh_largest_component(h), n);
    sh_buf_free(&d);
    gh_free(h);
}
