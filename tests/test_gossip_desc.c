/* tests/test_gossip_desc.c -- signed descriptors and announcements
 * (gossip/descriptor.h): sign, encode, decode, verify with both providers,
 * every rejection, and identical sizes in the full and fast modes. */
#include <criterion/criterion.h>
#include <string.h>
#include <sodium.h>

#include "gossip/descriptor.h"
#include "gossip/gossip.h"
#include "util/mp.h"

#define NOW 1700000000ULL

static void keys(const gossip_crypto *c, uint8_t pk[32], uint8_t sk[64], uint8_t b)
{
    uint8_t seed[32];
    memset(seed, b, sizeof seed);
    cr_assert_eq(sodium_init() >= 0, 1);
    cr_assert_eq(gossip_crypto_keypair(c, pk, sk, seed), 0);
}

static gossip_desc sample(const uint8_t pk[32])
{
    gossip_desc d;
    memset(&d, 0, sizeof d);
    memcpy(d.identity, pk, 32);
    memset(d.transport, 0x11, sizeof d.transport);
    d.onion[0] = 0x02;
    memset(d.onion + 1, 0x22, 32);
    d.n_addrs = 2;
    d.addrs[0].family = GOSSIP_AF_INET;
    d.addrs[0].ip[0] = 192; d.addrs[0].ip[1] = 0; d.addrs[0].ip[2] = 2; d.addrs[0].ip[3] = 7;
    d.addrs[0].port = 9735;
    d.addrs[1].family = GOSSIP_AF_INET6;
    d.addrs[1].ip[0] = 0x20; d.addrs[1].ip[1] = 0x01; d.addrs[1].ip[2] = 0x0d; d.addrs[1].ip[3] = 0xb8;
    d.addrs[1].ip[15] = 1;
    d.addrs[1].port = 443;
    d.capacity = 1000;
    d.epoch = 42;
    d.issued = NOW;
    d.expires = NOW + 3600;
    return d;
}

static sh_buf encode_signed(const gossip_crypto *c, gossip_desc *d, const uint8_t sk[64])
{
    cr_assert_eq(gossip_desc_sign(d, c, sk), 0);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_desc_encode(d, &b), 0);
    return b;
}

static void roundtrip(const gossip_crypto *c)
{
    uint8_t pk[32], sk[64];
    keys(c, pk, sk, 1);
    gossip_desc d = sample(pk);
    sh_buf b = encode_signed(c, &d, sk);
    cr_assert_leq(b.len, GOSSIP_DESC_MAX_BYTES);
    gossip_desc e;
    gossip_desc_err why;
    cr_assert_eq(gossip_desc_decode(&e, b.data, b.len, &why), 0);
    cr_assert_eq(why, GOSSIP_DESC_OK);
    cr_assert_eq(memcmp(&d, &e, sizeof d), 0);
    cr_assert_eq(gossip_desc_check(&e, c, NOW + 10), GOSSIP_DESC_OK);
    sh_buf again;
    sh_buf_init(&again);
    cr_assert_eq(gossip_desc_encode(&e, &again), 0);
    cr_assert_eq(again.len, b.len);
    cr_assert_eq(memcmp(again.data, b.data, b.len), 0);
    sh_buf_free(&again);
    sh_buf_free(&b);
}

Test(gossip_desc, roundtrip_full) { roundtrip(&gossip_crypto_full); }
Test(gossip_desc, roundtrip_fast) { roundtrip(&gossip_crypto_fast); }

Test(gossip_desc, full_and_fast_have_identical_sizes)
{
    uint8_t pk1[32], sk1[64], pk2[32], sk2[64];
    keys(&gossip_crypto_full, pk1, sk1, 3);
    keys(&gossip_crypto_fast, pk2, sk2, 3);
    gossip_desc a = sample(pk1), b = sample(pk2);
    sh_buf x = encode_signed(&gossip_crypto_full, &a, sk1);
    sh_buf y = encode_signed(&gossip_crypto_fast, &b, sk2);
    cr_assert_eq(x.len, y.len);
    cr_assert_eq(gossip_crypto_full.verify_ns, gossip_crypto_fast.verify_ns);
    cr_assert_eq(gossip_crypto_full.sign_ns, gossip_crypto_fast.sign_ns);
    /* a full signature does not pass the fast check and vice versa */
    cr_assert_eq(gossip_desc_check(&a, &gossip_crypto_fast, NOW), GOSSIP_DESC_BAD_SIG);
    cr_assert_eq(gossip_desc_check(&b, &gossip_crypto_full, NOW), GOSSIP_DESC_BAD_SIG);
    gossip_ann p = { .seq = 7, .issued = NOW, .payload = (const uint8_t *)"hello", .payload_len = 5 };
    gossip_ann q = p;
    memcpy(p.origin, pk1, 32);
    memcpy(q.origin, pk2, 32);
    cr_assert_eq(gossip_ann_sign(&p, &gossip_crypto_full, sk1), 0);
    cr_assert_eq(gossip_ann_sign(&q, &gossip_crypto_fast, sk2), 0);
    sh_buf u, v;
    sh_buf_init(&u);
    sh_buf_init(&v);
    cr_assert_eq(gossip_ann_encode(&p, &u), 0);
    cr_assert_eq(gossip_ann_encode(&q, &v), 0);
    cr_assert_eq(u.len, v.len);
    sh_buf_free(&u);
    sh_buf_free(&v);
    sh_buf_free(&x);
    sh_buf_free(&y);
}

static gossip_desc_err check_bytes(const gossip_crypto *c, const uint8_t *p, size_t n, uint64_t now)
{
    gossip_desc d;
    gossip_desc_err why = GOSSIP_DESC_OK;
    if (gossip_desc_decode(&d, p, n, &why) != 0) {
        cr_assert_neq(why, GOSSIP_DESC_OK);
        return why;
    }
    return gossip_desc_check(&d, c, now);
}

Test(gossip_desc, rejections)
{
    const gossip_crypto *c = &gossip_crypto_full;
    uint8_t pk[32], sk[64];
    keys(c, pk, sk, 5);
    gossip_desc d = sample(pk);
    sh_buf b = encode_signed(c, &d, sk);

    /* bad signature: any flipped bit of the body or the signature */
    for (size_t i = 0; i < b.len; i += 7) {
        uint8_t t[GOSSIP_DESC_MAX_BYTES];
        memcpy(t, b.data, b.len);
        t[i] ^= 0x01;
        gossip_desc_err e = check_bytes(c, t, b.len, NOW);
        cr_assert_neq(e, GOSSIP_DESC_OK, "flip at %zu accepted", i);
    }
    uint8_t t[GOSSIP_DESC_MAX_BYTES + 8];
    memcpy(t, b.data, b.len);
    t[b.len - 1] ^= 0x80;
    cr_assert_eq(check_bytes(c, t, b.len, NOW), GOSSIP_DESC_BAD_SIG);

    /* expired, from the future */
    cr_assert_eq(check_bytes(c, b.data, b.len, NOW + 3600), GOSSIP_DESC_EXPIRED);
    cr_assert_eq(check_bytes(c, b.data, b.len, NOW - GOSSIP_DESC_MAX_SKEW_S - 1),
                 GOSSIP_DESC_FUTURE);
    cr_assert_eq(check_bytes(c, b.data, b.len, NOW - GOSSIP_DESC_MAX_SKEW_S), GOSSIP_DESC_OK);

    /* oversize: checked before parsing */
    uint8_t big[GOSSIP_DESC_MAX_BYTES + 1];
    memset(big, 0x90, sizeof big);
    cr_assert_eq(check_bytes(c, big, sizeof big, NOW), GOSSIP_DESC_OVERSIZE);

    /* truncated, trailing */
    cr_assert_eq(check_bytes(c, b.data, b.len - 1, NOW), GOSSIP_DESC_MALFORMED);
    memcpy(t, b.data, b.len);
    t[b.len] = 0;
    cr_assert_eq(check_bytes(c, t, b.len + 1, NOW), GOSSIP_DESC_MALFORMED);

    /* field errors, each re-signed so only the field is wrong */
    gossip_desc x;
    x = d; x.onion[0] = 0x04;
    cr_assert_eq(gossip_desc_sign(&x, c, sk), SH_ERR_ARG);
    cr_assert_eq(gossip_desc_check_fields(&x), GOSSIP_DESC_BAD_KEY);
    sh_buf e;
    sh_buf_init(&e);
    cr_assert_eq(gossip_desc_encode(&x, &e), 0);
    cr_assert_eq(check_bytes(c, e.data, e.len, NOW), GOSSIP_DESC_BAD_KEY);
    sh_buf_reset(&e);
    x = d; x.expires = x.issued;
    cr_assert_eq(gossip_desc_encode(&x, &e), 0);
    cr_assert_eq(check_bytes(c, e.data, e.len, NOW), GOSSIP_DESC_BAD_TIMES);
    sh_buf_reset(&e);
    x = d; x.expires = x.issued + GOSSIP_DESC_MAX_LIFETIME_S + 1;
    cr_assert_eq(gossip_desc_encode(&x, &e), 0);
    cr_assert_eq(check_bytes(c, e.data, e.len, NOW), GOSSIP_DESC_BAD_TIMES);
    sh_buf_reset(&e);
    x = d; x.addrs[1].port = 0;
    cr_assert_eq(gossip_desc_encode(&x, &e), SH_ERR_ARG);
    x = d; x.n_addrs = 0;
    cr_assert_eq(gossip_desc_encode(&x, &e), 0);
    cr_assert_eq(check_bytes(c, e.data, e.len, NOW), GOSSIP_DESC_BAD_ADDR);
    sh_buf_reset(&e);

    /* hand-made: address of the wrong length for its family, bad family */
    sh_mp_writer w;
    for (int variant = 0; variant < 3; variant++) {
        sh_mp_writer_init(&w, &e);
        sh_mp_put_array(&w, 10);
        sh_mp_put_uint(&w, 1);
        sh_mp_put_bin(&w, d.identity, 32);
        sh_mp_put_bin(&w, d.transport, 32);
        sh_mp_put_bin(&w, d.onion, 33);
        sh_mp_put_array(&w, 1);
        sh_mp_put_array(&w, 3);
        sh_mp_put_uint(&w, variant == 1 ? 5 : 4);
        uint8_t ip[16] = { 10, 0, 0, 1 };
        sh_mp_put_bin(&w, ip, variant == 0 ? 16 : 4);
        sh_mp_put_uint(&w, variant == 2 ? 0 : 80);
        sh_mp_put_uint(&w, 1);
        sh_mp_put_uint(&w, 1);
        sh_mp_put_uint(&w, NOW);
        sh_mp_put_uint(&w, NOW + 10);
        sh_mp_put_bin(&w, d.sig, 64);
        cr_assert_eq(sh_mp_writer_finish(&w), 0);
        cr_assert_eq(check_bytes(c, e.data, e.len, NOW), GOSSIP_DESC_BAD_ADDR, "variant %d", variant);
        sh_buf_reset(&e);
    }
    /* wrong version */
    memcpy(t, b.data, b.len);
    cr_assert_eq(t[1], 0x01);
    t[1] = 0x02;
    cr_assert_eq(check_bytes(c, t, b.len, NOW), GOSSIP_DESC_MALFORMED);
    sh_buf_free(&e);
    sh_buf_free(&b);
}

Test(gossip_desc, announcements)
{
    const gossip_crypto *c = &gossip_crypto_full;
    uint8_t pk[32], sk[64];
    keys(c, pk, sk, 9);
    uint8_t pay[GOSSIP_ANN_MAX_PAYLOAD + 1];
    memset(pay, 0xab, sizeof pay);
    gossip_ann a = { .seq = 1, .issued = NOW, .payload = pay, .payload_len = GOSSIP_ANN_MAX_PAYLOAD };
    memcpy(a.origin, pk, 32);
    cr_assert_eq(gossip_ann_sign(&a, c, sk), 0);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_ann_encode(&a, &b), 0);
    cr_assert_leq(b.len, GOSSIP_ANN_MAX_BYTES);
    gossip_ann r;
    gossip_desc_err why;
    cr_assert_eq(gossip_ann_decode(&r, b.data, b.len, &why), 0);
    cr_assert_eq(gossip_ann_check(&r, c, NOW), GOSSIP_DESC_OK);
    cr_assert_eq(gossip_ann_check(&r, c, NOW - GOSSIP_DESC_MAX_SKEW_S - 1), GOSSIP_DESC_FUTURE);
    r.seq++;
    cr_assert_eq(gossip_ann_check(&r, c, NOW), GOSSIP_DESC_BAD_SIG);
    cr_assert_neq(gossip_ann_decode(&r, b.data, b.len - 1, &why), 0);
    cr_assert_eq(why, GOSSIP_DESC_ANN_MALFORMED);
    /* payload one byte too long */
    a.payload_len = GOSSIP_ANN_MAX_PAYLOAD + 1;
    cr_assert_eq(gossip_ann_sign(&a, c, sk), SH_ERR_ARG);
    sh_buf_reset(&b);
    cr_assert_eq(gossip_ann_encode(&a, &b), 0);
    cr_assert_neq(gossip_ann_decode(&r, b.data, b.len, &why), 0);
    cr_assert_eq(why, GOSSIP_DESC_OVERSIZE);
    sh_buf_free(&b);
}

Test(gossip_desc, address_groups)
{
    gossip_addr a = { .family = GOSSIP_AF_INET, .ip = { 10, 1, 2, 3 }, .port = 1 };
    gossip_addr b = { .family = GOSSIP_AF_INET, .ip = { 10, 1, 200, 3 }, .port = 1 };
    gossip_addr c = { .family = GOSSIP_AF_INET, .ip = { 10, 2, 2, 3 }, .port = 1 };
    gossip_addr d = { .family = GOSSIP_AF_INET6, .ip = { 0x20, 1, 0xd, 0xb8, 9 }, .port = 1 };
    gossip_addr e = { .family = GOSSIP_AF_INET6, .ip = { 0x20, 1, 0xd, 0xb8, 7 }, .port = 1 };
    cr_assert_eq(gossip_addr_group(&a), gossip_addr_group(&b));
    cr_assert_neq(gossip_addr_group(&a), gossip_addr_group(&c));
    cr_assert_eq(gossip_addr_group(&d), gossip_addr_group(&e));
    cr_assert_neq(gossip_addr_group(&a), gossip_addr_group(&d));
    cr_assert_eq(gossip_addr_group(&a), 0xffff0a01u);
}

Test(gossip_desc, message_codec)
{
    /* every message type round-trips; another version and unknown types fail */
    uint8_t payload[40];
    memset(payload, 7, sizeof payload);
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(gossip_encode_push(&b, GOSSIP_KIND_ANNOUNCE, 3, payload, sizeof payload), 0);
    cr_assert_eq(b.data[0], 0x95);
    cr_assert_eq(b.data[1], 0x01);
    cr_assert_eq(b.data[2], 0x0a);
    cr_assert_eq(b.data[3], 0x02);
    cr_assert_eq(b.data[4], 0x03);
    cr_assert_eq(b.data[5], 0xc4);
    cr_assert_eq(b.data[6], 40);
    cr_assert_eq(b.len, 7 + 40);
    sh_buf_free(&b);
    cr_assert_str_eq(gossip_reject_reason(GOSSIP_REJ_BAD_SIG), "gossip: bad signature");
    cr_assert_str_eq(gossip_desc_reason(GOSSIP_DESC_EXPIRED), "gossip: expired descriptor");
}
