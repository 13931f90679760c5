/* tests/test_zk_group.c -- ristretto255 on libdecaf: known-answer vectors
 * (RFC 9496 appendix A, RFC 9380 appendix K.3) and a cross-check of every
 * operation against libsodium's independent ristretto255 implementation. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/group.h"
#include "testutil.h"

#define ROUNDS 300

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(2);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(group, .init = setup, .fini = teardown);

static void random_point(zk_point *p, uint8_t enc[32])
{
    uint8_t h[64];
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(p, h);
    zk_point_encode(enc, p);
}

static void random_scalar(zk_scalar *s, uint8_t enc[32])
{
    zk_scalar_random(s, rng);
    zk_scalar_encode(enc, s);
}

Test(group, rfc9496_multiples_of_generator)
{
    json_t *v = tu_load_vectors("rfc9496-ristretto255.json");
    json_t *m = json_object_get(v, "multiples_of_generator");
    cr_assert_eq(json_array_size(m), 16);
    zk_point acc, base;
    zk_point_identity(&acc);
    zk_point_base(&base);
    for (size_t i = 0; i < 16; i++) {
        uint8_t want[32], got[32];
        tu_hex(want, 32, json_string_value(json_array_get(m, i)));
        zk_point_encode(got, &acc);
        cr_assert_arr_eq(got, want, 32, "multiple %zu of the generator", i);
        /* and through scalar multiplication, and a decode round trip */
        zk_scalar s;
        zk_point q, d;
        zk_scalar_from_u64(&s, i);
        zk_point_mul_base(&q, &s);
        cr_assert(zk_point_eq(&q, &acc));
        zk_point_mul(&q, &base, &s);
        cr_assert(zk_point_eq(&q, &acc));
        cr_assert_eq(zk_point_decode(&d, want), 0);
        cr_assert(zk_point_eq(&d, &acc));
        zk_point_add(&acc, &acc, &base);
    }
    json_decref(v);
}

/* After any failed decode the element is the identity, both halves. */
static void assert_identity_elem(const zk_elem *e)
{
    cr_assert(zk_point_is_identity(&e->p));
    cr_assert(sodium_is_zero(e->enc, 32));
}

Test(group, rfc9496_invalid_encodings_rejected)
{
    json_t *v = tu_load_vectors("rfc9496-ristretto255.json");
    json_t *inv = json_object_get(v, "invalid_encodings");
    const char *kind;
    json_t *list;
    size_t count = 0;
    json_object_foreach(inv, kind, list) {
        for (size_t i = 0; i < json_array_size(list); i++) {
            uint8_t enc[32];
            zk_point p;
            tu_hex(enc, 32, json_string_value(json_array_get(list, i)));
            cr_assert_eq(zk_point_decode(&p, enc), SH_ERR_POINT, "%s #%zu accepted", kind, i);
            cr_assert_eq(zk_point_decode_nonidentity(&p, enc), SH_ERR_POINT);
            cr_assert_eq(crypto_core_ristretto255_is_valid_point(enc), 0);
            /* zk_elem decodes with the same error and stays consistent */
            zk_elem e;
            cr_assert_eq(zk_elem_decode(&e, enc), SH_ERR_POINT);
            assert_identity_elem(&e);
            cr_assert_eq(zk_elem_decode_nonidentity(&e, enc), SH_ERR_POINT);
            assert_identity_elem(&e);
            count++;
        }
    }
    cr_assert_eq(count, 29);
    json_decref(v);
}

Test(group, rfc9496_from_uniform_bytes)
{
    json_t *v = tu_load_vectors("rfc9496-ristretto255.json");
    json_t *list = json_object_get(v, "from_uniform_bytes");
    cr_assert_eq(json_array_size(list), 11);
    for (size_t i = 0; i < json_array_size(list); i++) {
        uint8_t in[64], want[32], got[32], sod[32];
        zk_point p;
        tu_hex(in, 64, json_string_value(json_array_get(json_array_get(list, i), 0)));
        tu_hex(want, 32, json_string_value(json_array_get(json_array_get(list, i), 1)));
        zk_point_from_hash(&p, in);
        zk_point_encode(got, &p);
        cr_assert_arr_eq(got, want, 32, "vector %zu", i);
        crypto_core_ristretto255_from_hash(sod, in);
        cr_assert_arr_eq(sod, want, 32);
    }
    json_decref(v);
}

Test(group, rfc9380_expand_message_xmd_sha512)
{
    json_t *v = tu_load_vectors("rfc9380-expand-message-xmd-sha512.json");
    const char *dst = json_string_value(json_object_get(v, "dst"));
    json_t *list = json_object_get(v, "vectors");
    cr_assert_eq(json_array_size(list), 4);
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *t = json_array_get(list, i);
        const char *msg = json_string_value(json_object_get(t, "msg"));
        size_t n = (size_t)json_integer_value(json_object_get(t, "len_in_bytes"));
        uint8_t want[128], got[128];
        tu_hex(want, n, json_string_value(json_object_get(t, "uniform_bytes")));
        cr_assert_eq(zk_expand_message_xmd_sha512(got, n, dst, (const uint8_t *)msg,
                                                  strlen(msg)), 0);
        cr_assert_arr_eq(got, want, n, "vector %zu", i);
    }
    json_decref(v);
}

Test(group, expand_message_rejects_bad_lengths)
{
    uint8_t out[64];
    char longdst[300];
    memset(longdst, 'a', sizeof longdst - 1);
    longdst[sizeof longdst - 1] = '\0';
    cr_assert_eq(zk_expand_message_xmd_sha512(out, 0, "x", NULL, 0), SH_ERR_ARG);
    cr_assert_eq(zk_expand_message_xmd_sha512(out, 64, longdst, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(zk_expand_message_xmd_sha512(NULL, 256 * 64, "x", NULL, 0), SH_ERR_ARG);
}

Test(group, scalar_ops_match_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        zk_scalar a, b, r;
        uint8_t ea[32], eb[32], got[32], want[32];
        random_scalar(&a, ea);
        random_scalar(&b, eb);

        zk_scalar_add(&r, &a, &b);
        zk_scalar_encode(got, &r);
        crypto_core_ristretto255_scalar_add(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);

        zk_scalar_sub(&r, &a, &b);
        zk_scalar_encode(got, &r);
        crypto_core_ristretto255_scalar_sub(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);

        zk_scalar_mul(&r, &a, &b);
        zk_scalar_encode(got, &r);
        crypto_core_ristretto255_scalar_mul(want, ea, eb);
        cr_assert_arr_eq(got, want, 32);

        zk_scalar_neg(&r, &a);
        zk_scalar_encode(got, &r);
        crypto_core_ristretto255_scalar_negate(want, ea);
        cr_assert_arr_eq(got, want, 32);

        cr_assert_eq(zk_scalar_invert(&r, &a), 0);
        zk_scalar_encode(got, &r);
        cr_assert_eq(crypto_core_ristretto255_scalar_invert(want, ea), 0);
        cr_assert_arr_eq(got, want, 32);

        uint8_t wide[64];
        sh_rng_bytes(rng, wide, sizeof wide);
        zk_scalar_reduce(&r, wide, sizeof wide);
        zk_scalar_encode(got, &r);
        crypto_core_ristretto255_scalar_reduce(want, wide);
        cr_assert_arr_eq(got, want, 32);

        /* decode of a canonical encoding round-trips */
        zk_scalar d;
        cr_assert_eq(zk_scalar_decode(&d, ea), 0);
        cr_assert(zk_scalar_eq(&d, &a));
    }
}

Test(group, scalar_decode_rejects_noncanonical)
{
    zk_scalar s, one, lm1;
    uint8_t b[32];

    memcpy(b, tu_L, 32);                       /* L itself */
    cr_assert_eq(zk_scalar_decode(&s, b), SH_ERR_NONCANONICAL);
    b[0]++;                                       /* L + 1 */
    cr_assert_eq(zk_scalar_decode(&s, b), SH_ERR_NONCANONICAL);
    memset(b, 0xff, 32);                          /* 2^256 - 1 */
    cr_assert_eq(zk_scalar_decode(&s, b), SH_ERR_NONCANONICAL);
    memset(b, 0, 32);
    b[31] = 0x80;                                 /* top bit set */
    cr_assert_eq(zk_scalar_decode(&s, b), SH_ERR_NONCANONICAL);
    b[31] = 0x20;                                 /* 2^253 > L */
    cr_assert_eq(zk_scalar_decode(&s, b), SH_ERR_NONCANONICAL);

    memcpy(b, tu_L, 32);
    b[0]--;                                       /* L - 1 is fine */
    cr_assert_eq(zk_scalar_decode(&lm1, b), 0);
    zk_scalar_one(&one);
    zk_scalar_add(&s, &lm1, &one);
    cr_assert(zk_scalar_is_zero(&s));
    memset(b, 0, 32);
    cr_assert_eq(zk_scalar_decode(&s, b), 0);     /* zero is fine */
    cr_assert(zk_scalar_is_zero(&s));
    /* every single-bit scalar up to 2^252 is canonical */
    for (int bit = 0; bit < 253; bit++) {
        memset(b, 0, 32);
        b[bit / 8] = (uint8_t)(1u << (bit % 8));
        cr_assert_eq(zk_scalar_decode(&s, b), 0, "bit %d", bit);
    }
}

Test(group, scalar_invert_zero_fails)
{
    zk_scalar z, r;
    zk_scalar_zero(&z);
    cr_assert_eq(zk_scalar_invert(&r, &z), SH_ERR_ZERO);
    cr_assert(zk_scalar_is_zero(&r));
}

Test(group, scalar_cmov_and_u64)
{
    zk_scalar a, b, r, c;
    zk_scalar_from_u64(&a, 7);
    zk_scalar_from_u64(&b, UINT64_MAX);
    zk_scalar_cmov(&r, &a, &b, 0);
    cr_assert(zk_scalar_eq(&r, &a));
    zk_scalar_cmov(&r, &a, &b, 1);
    cr_assert(zk_scalar_eq(&r, &b));
    uint8_t e[32] = { 0 };
    memset(e, 0xff, 8);
    cr_assert_eq(zk_scalar_decode(&c, e), 0);
    cr_assert(zk_scalar_eq(&c, &b));
}

Test(group, point_ops_match_libsodium)
{
    for (int i = 0; i < ROUNDS; i++) {
        zk_point p, q, r;
        zk_scalar s;
        uint8_t ep[32], eq[32], es[32], got[32], want[32];
        random_point(&p, ep);
        random_point(&q, eq);
        random_scalar(&s, es);

        cr_assert_eq(crypto_core_ristretto255_is_valid_point(ep), 1);

        zk_point_add(&r, &p, &q);
        zk_point_encode(got, &r);
        cr_assert_eq(crypto_core_ristretto255_add(want, ep, eq), 0);
        cr_assert_arr_eq(got, want, 32);

        zk_point_sub(&r, &p, &q);
        zk_point_encode(got, &r);
        cr_assert_eq(crypto_core_ristretto255_sub(want, ep, eq), 0);
        cr_assert_arr_eq(got, want, 32);

        zk_point_dbl(&r, &p);
        zk_point_encode(got, &r);
        cr_assert_eq(crypto_core_ristretto255_add(want, ep, ep), 0);
        cr_assert_arr_eq(got, want, 32);

        zk_point_mul(&r, &p, &s);
        zk_point_encode(got, &r);
        cr_assert_eq(crypto_scalarmult_ristretto255(want, es, ep), 0);
        cr_assert_arr_eq(got, want, 32);

        zk_point_mul_base(&r, &s);
        zk_point_encode(got, &r);
        cr_assert_eq(crypto_scalarmult_ristretto255_base(want, es), 0);
        cr_assert_arr_eq(got, want, 32);

        /* negation: p + (-p) = identity */
        zk_point_neg(&r, &p);
        zk_point_add(&r, &r, &p);
        cr_assert(zk_point_is_identity(&r));

        /* a*B + b*P (vartime) equals the sum of two constant-time products */
        zk_scalar a;
        zk_point t1, t2;
        random_scalar(&a, got);
        zk_point_double_mul_base_vartime(&r, &a, &p, &s);
        zk_point_mul_base(&t1, &a);
        zk_point_mul(&t2, &p, &s);
        zk_point_add(&t1, &t1, &t2);
        cr_assert(zk_point_eq(&r, &t1));

        /* decode round trip */
        zk_point d;
        cr_assert_eq(zk_point_decode(&d, ep), 0);
        cr_assert(zk_point_eq(&d, &p));

        uint8_t h[64];
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&r, h);
        zk_point_encode(got, &r);
        crypto_core_ristretto255_from_hash(want, h);
        cr_assert_arr_eq(got, want, 32);
    }
}

Test(group, decode_agrees_with_libsodium_on_random_bytes)
{
    int valid = 0;
    for (int i = 0; i < 4000; i++) {
        uint8_t b[32];
        zk_point p;
        sh_rng_bytes(rng, b, sizeof b);
        if (i % 2 == 0) {       /* half the time: look like a canonical encoding */
            b[0] &= 0xfe;
            b[31] &= 0x7f;
        }
        int ours = zk_point_decode(&p, b) == 0;
        if (b[31] & 0x80) {
            /* A set top bit makes the field element >= 2^255 > p: RFC 9496
             * says reject.  libsodium 1.0.18 masks that bit off instead and
             * accepts, so only our verdict is checked here. */
            cr_assert(!ours, "accepted an encoding with the top bit set");
            continue;
        }
        int theirs = crypto_core_ristretto255_is_valid_point(b) == 1;
        cr_assert_eq(ours, theirs, "disagreement on input %d", i);
        if (ours) {
            uint8_t again[32];
            zk_point_encode(again, &p);
            cr_assert_arr_eq(again, b, 32);
            valid++;
        }
    }
    cr_assert_gt(valid, 100);   /* the test exercised both outcomes */
}

Test(group, identity_handling)
{
    uint8_t zero[32] = { 0 };
    zk_point p;
    cr_assert_eq(zk_point_decode(&p, zero), 0);
    cr_assert(zk_point_is_identity(&p));
    cr_assert_eq(zk_point_decode_nonidentity(&p, zero), SH_ERR_IDENTITY);
    zk_scalar s;
    zk_scalar_zero(&s);
    zk_point_mul_base(&p, &s);
    cr_assert(zk_point_is_identity(&p));
}

Test(group, scalar_mul_edge_scalars)
{
    zk_point p, r, want;
    uint8_t enc[32], b[32];
    zk_scalar s;
    random_point(&p, enc);
    memcpy(b, tu_L, 32);
    b[0]--;                                   /* L - 1 = -1 */
    cr_assert_eq(zk_scalar_decode(&s, b), 0);
    zk_point_mul(&r, &p, &s);
    zk_point_neg(&want, &p);
    cr_assert(zk_point_eq(&r, &want));
    zk_scalar_one(&s);
    zk_point_mul(&r, &p, &s);
    cr_assert(zk_point_eq(&r, &p));
    zk_scalar_zero(&s);
    zk_point_mul(&r, &p, &s);
    cr_assert(zk_point_is_identity(&r));
}

Test(group, hash_to_scalar_and_point_are_domain_separated)
{
    const uint8_t msg[] = "transaction";
    zk_scalar a, b, c;
    zk_scalar_hash(&a, "shroud-test-A", msg, sizeof msg - 1);
    zk_scalar_hash(&b, "shroud-test-A", msg, sizeof msg - 1);
    zk_scalar_hash(&c, "shroud-test-B", msg, sizeof msg - 1);
    cr_assert(zk_scalar_eq(&a, &b));
    cr_assert(!zk_scalar_eq(&a, &c));

    /* zk_scalar_hash is expand_message_xmd to 64 bytes then reduction */
    uint8_t wide[64];
    zk_scalar d;
    cr_assert_eq(zk_expand_message_xmd_sha512(wide, 64, "shroud-test-A", msg, sizeof msg - 1), 0);
    zk_scalar_reduce(&d, wide, 64);
    cr_assert(zk_scalar_eq(&a, &d));

    /* zk_point_hash is expand_message_xmd to 64 bytes then the RFC 9496 map */
    zk_point p, q, r;
    zk_point_hash(&p, "shroud-test-A", msg, sizeof msg - 1);
    zk_point_from_hash(&q, wide);
    cr_assert(zk_point_eq(&p, &q));
    zk_point_hash(&r, "shroud-test-B", msg, sizeof msg - 1);
    cr_assert(!zk_point_eq(&p, &r));
}

Test(group, random_scalars_differ_and_nonzero)
{
    zk_scalar a, b;
    zk_scalar_random_nonzero(&a, rng);
    zk_scalar_random_nonzero(&b, rng);
    cr_assert(!zk_scalar_is_zero(&a));
    cr_assert(!zk_scalar_eq(&a, &b));
    zk_scalar_wipe(&a);
    cr_assert(zk_scalar_is_zero(&a));
}

/* ---- zk_elem: a public element with its encoding ------------------------ */

Test(group, elem_decode_keeps_the_bytes)
{
    for (int i = 0; i < ROUNDS; i++) {
        zk_point p;
        uint8_t enc[32];
        zk_elem e;
        random_point(&p, enc);
        cr_assert_eq(zk_elem_decode(&e, enc), 0);
        cr_assert_arr_eq(e.enc, enc, 32);
        cr_assert(zk_point_eq(&e.p, &p));
        cr_assert_eq(zk_elem_decode_nonidentity(&e, enc), 0);
        cr_assert_arr_eq(e.enc, enc, 32);
        cr_assert(zk_point_eq(&e.p, &p));
        /* in may alias e->enc */
        cr_assert_eq(zk_elem_decode(&e, e.enc), 0);
        cr_assert_arr_eq(e.enc, enc, 32);
        cr_assert(zk_point_eq(&e.p, &p));
    }
    /* the identity: accepted by one decoder, refused by the other */
    uint8_t zero[32] = { 0 };
    zk_elem e;
    cr_assert_eq(zk_elem_decode(&e, zero), 0);
    assert_identity_elem(&e);
    cr_assert_eq(zk_elem_decode_nonidentity(&e, zero), SH_ERR_IDENTITY);
    assert_identity_elem(&e);
}

Test(group, elem_decode_rejects_like_point_decode)
{
    /* (The RFC 9496 invalid encodings are checked for zk_elem in
     * rfc9496_invalid_encodings_rejected.) */
    /* Random bytes, half of them shaped like canonical encodings: the same
     * verdict and error as zk_point_decode, the same point on success. */
    int valid = 0, invalid = 0;
    for (int i = 0; i < 4000; i++) {
        uint8_t b[32];
        zk_point p;
        zk_elem e;
        sh_rng_bytes(rng, b, sizeof b);
        if (i % 2 == 0) {
            b[0] &= 0xfe;
            b[31] &= 0x7f;
        }
        int want = zk_point_decode(&p, b);
        int got = zk_elem_decode(&e, b);
        cr_assert_eq(got, want, "input %d", i);
        cr_assert_eq(zk_elem_decode_nonidentity(&e, b), zk_point_decode_nonidentity(&p, b));
        if (got == 0) {
            cr_assert_arr_eq(e.enc, b, 32);
            cr_assert(zk_point_eq(&e.p, &p));
            valid++;
        } else {
            assert_identity_elem(&e);
            invalid++;
        }
    }
    cr_assert_gt(valid, 100);
    cr_assert_gt(invalid, 100);
}

Test(group, elem_set_encodes_and_base_is_consistent)
{
    for (int i = 0; i < ROUNDS; i++) {
        zk_point p;
        uint8_t enc[32];
        zk_elem e, d;
        random_point(&p, enc);
        zk_elem_set(&e, &p);
        cr_assert_arr_eq(e.enc, enc, 32);
        cr_assert(zk_point_eq(&e.p, &p));
        /* p may be &e->p */
        zk_elem_set(&e, &e.p);
        cr_assert_arr_eq(e.enc, enc, 32);
        /* set then decode of the bytes gives the same element */
        cr_assert_eq(zk_elem_decode(&d, e.enc), 0);
        cr_assert(zk_elem_eq(&d, &e));
        cr_assert(zk_point_eq(&d.p, &e.p));
    }
    /* the identity encodes as 32 zero bytes */
    zk_point id;
    zk_elem e;
    zk_point_identity(&id);
    zk_elem_set(&e, &id);
    assert_identity_elem(&e);

    /* zk_elem_base: the base point and its RFC 9496 encoding */
    zk_point B;
    uint8_t want[32];
    zk_elem b, bs;
    zk_point_base(&B);
    zk_elem_base(&b);
    cr_assert(zk_point_eq(&b.p, &B));
    zk_point_encode(want, &B);
    cr_assert_arr_eq(b.enc, want, 32);
    tu_hex(want, 32, "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
    cr_assert_arr_eq(b.enc, want, 32);
    zk_elem_set(&bs, &B);
    cr_assert(zk_elem_eq(&b, &bs));
}

Test(group, elem_eq_is_point_equality)
{
    zk_point p, q, r;
    uint8_t enc[32];
    zk_elem a, b, c;
    random_point(&p, enc);
    random_point(&q, enc);
    zk_elem_set(&a, &p);
    /* the same element reached two ways: p = (p + q) - q */
    zk_point_add(&r, &p, &q);
    zk_point_sub(&r, &r, &q);
    zk_elem_set(&b, &r);
    zk_elem_set(&c, &q);
    cr_assert(zk_elem_eq(&a, &b));
    cr_assert(zk_elem_eq(&a, &a));
    cr_assert(!zk_elem_eq(&a, &c));
    cr_assert_eq(zk_elem_eq(&a, &c), zk_point_eq(&a.p, &c.p));
}

Test(group, point_table_matches_scalarmul)
{
    zk_point p, a, b;
    uint8_t enc[32];
    random_point(&p, enc);
    zk_point_table *t = zk_point_table_new(&p);
    cr_assert_not_null(t);
    for (int i = 0; i < 50; i++) {
        zk_scalar s;
        random_scalar(&s, enc);
        if (i == 0)
            zk_scalar_zero(&s);
        if (i == 1)
            zk_scalar_one(&s);
        zk_point_table_mul(&a, t, &s);
        zk_point_mul(&b, &p, &s);
        cr_assert(zk_point_eq(&a, &b), "round %d", i);
    }
    zk_point_table_free(t);
    zk_point_table_free(NULL);
}
