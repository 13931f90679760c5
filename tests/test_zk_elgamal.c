/* tests/test_zk_elgamal.c -- ElGamal vectors, their wire format, and the
 * proof of knowledge of the randomness bound to a context (zk/elgamal.h). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/elgamal.h"
#include "zk/transcript.h"
#include "testutil.h"

static sh_rng *rng;
static zk_scalar sk;
static zk_point pk;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(7);
    zk_elgamal_keygen(&sk, &pk, rng);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(elgamal, .init = setup, .fini = teardown);

static void random_points(zk_point *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t h[64];
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&p[i], h);
    }
}

/* Serialize into a fresh buffer (freed by the caller). */
static uint8_t *ser(const zk_elgamal_ct *ct, size_t w, size_t *len)
{
    *len = zk_elgamal_ct_size(w);
    uint8_t *b = malloc(*len);
    cr_assert_not_null(b);
    cr_assert_eq(zk_elgamal_ct_encode(b, *len, ct, w), 0);
    return b;
}

static int ct_equal(const zk_elgamal_ct *a, const zk_elgamal_ct *b, size_t w)
{
    for (size_t j = 0; j < w; j++)
        if (!zk_point_eq(&a[j].c1, &b[j].c1) || !zk_point_eq(&a[j].c2, &b[j].c2))
            return 0;
    return 1;
}

/* ---- keys and arithmetic ------------------------------------------------ */

Test(elgamal, keygen)
{
    zk_point q;
    cr_assert_not(zk_scalar_is_zero(&sk));
    zk_point_mul_base(&q, &sk);
    cr_assert(zk_point_eq(&q, &pk));
}

Test(elgamal, encrypt_decrypt_widths)
{
    size_t widths[] = { 1, 2, 3, 7, 50 };
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
        size_t w = widths[k];
        zk_point m[50], d[50];
        zk_elgamal_ct ct[50];
        zk_scalar r[50];
        zk_point q;
        random_points(m, w);
        cr_assert_eq(zk_elgamal_encrypt(ct, r, &pk, m, w, rng), 0);
        cr_assert_eq(zk_elgamal_decrypt(d, &sk, ct, w), 0);
        for (size_t j = 0; j < w; j++) {
            cr_assert(zk_point_eq(&m[j], &d[j]), "w %zu comp %zu", w, j);
            /* The returned randomness is the one used: C1 = rB, C2 = M + r pk. */
            zk_point_mul_base(&q, &r[j]);
            cr_assert(zk_point_eq(&q, &ct[j].c1));
            zk_point_mul(&q, &pk, &r[j]);
            zk_point_add(&q, &q, &m[j]);
            cr_assert(zk_point_eq(&q, &ct[j].c2));
            /* Independent randomness per component. */
            if (j > 0)
                cr_assert_not(zk_scalar_eq(&r[j], &r[j - 1]));
        }
        /* Without r the ciphertext still decrypts; fresh randomness
         * changes every point. */
        zk_elgamal_ct ct2[50];
        cr_assert_eq(zk_elgamal_encrypt(ct2, NULL, &pk, m, w, rng), 0);
        cr_assert_eq(zk_elgamal_decrypt(d, &sk, ct2, w), 0);
        for (size_t j = 0; j < w; j++) {
            cr_assert(zk_point_eq(&m[j], &d[j]));
            cr_assert_not(zk_point_eq(&ct[j].c1, &ct2[j].c1));
            cr_assert_not(zk_point_eq(&ct[j].c2, &ct2[j].c2));
        }
    }
}

Test(elgamal, reencrypt)
{
    zk_point m[4], d[4], q;
    zk_elgamal_ct ct[4], re[4];
    zk_scalar r2[4];
    random_points(m, 4);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 4, rng), 0);
    cr_assert_eq(zk_elgamal_reencrypt(re, r2, &pk, ct, 4, rng), 0);

    size_t la, lb;
    uint8_t *ba = ser(ct, 4, &la), *bb = ser(re, 4, &lb);
    cr_assert_eq(la, lb);
    for (size_t j = 0; j < 4; j++) {
        /* Every point changes... */
        cr_assert_neq(memcmp(ba + 2 + 64 * j, bb + 2 + 64 * j, 32), 0);
        cr_assert_neq(memcmp(ba + 2 + 64 * j + 32, bb + 2 + 64 * j + 32, 32), 0);
        /* ...by exactly (r'B, r'pk). */
        zk_point_mul_base(&q, &r2[j]);
        zk_point_add(&q, &q, &ct[j].c1);
        cr_assert(zk_point_eq(&q, &re[j].c1));
        zk_point_mul(&q, &pk, &r2[j]);
        zk_point_add(&q, &q, &ct[j].c2);
        cr_assert(zk_point_eq(&q, &re[j].c2));
    }
    free(ba);
    free(bb);
    cr_assert_eq(zk_elgamal_decrypt(d, &sk, re, 4), 0);
    for (size_t j = 0; j < 4; j++)
        cr_assert(zk_point_eq(&m[j], &d[j]));

    /* In place, repeatedly. */
    for (int k = 0; k < 5; k++)
        cr_assert_eq(zk_elgamal_reencrypt(re, NULL, &pk, re, 4, rng), 0);
    cr_assert_not(ct_equal(re, ct, 4));
    cr_assert_eq(zk_elgamal_decrypt(d, &sk, re, 4), 0);
    for (size_t j = 0; j < 4; j++)
        cr_assert(zk_point_eq(&m[j], &d[j]));
}

Test(elgamal, wrong_key)
{
    zk_scalar sk2;
    zk_point pk2, m[7], d[7];
    zk_elgamal_ct ct[7];
    zk_elgamal_keygen(&sk2, &pk2, rng);
    random_points(m, 7);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 7, rng), 0);
    cr_assert_eq(zk_elgamal_decrypt(d, &sk2, ct, 7), 0);
    for (size_t j = 0; j < 7; j++)
        cr_assert_not(zk_point_eq(&m[j], &d[j]));

    /* Bytes: decryption with the wrong key fails to decode. */
    uint8_t msg[200], out[208];
    size_t len = 5;
    sh_rng_bytes(rng, msg, sizeof msg);
    cr_assert_eq(zk_elgamal_encrypt_bytes(ct, 7, NULL, &pk, msg, 200, rng), 0);
    cr_assert_neq(zk_elgamal_decrypt_bytes(out, sizeof out, &len, &sk2, ct, 7), 0);
    cr_assert_eq(len, 0);
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &len, &sk, ct, 7), 0);
    cr_assert_eq(len, 200);
    cr_assert_eq(memcmp(out, msg, 200), 0);
}

Test(elgamal, bytes_roundtrip)
{
    size_t lens[] = { 0, 1, 28, 29, 58, 59, 200, 1000, 4000 };
    static uint8_t msg[4000], out[4000 + 30];
    zk_elgamal_ct *ct = zk_aligned_alloc(zk_encode_width(4000), sizeof *ct);
    cr_assert_not_null(ct);
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t len = lens[k], w = zk_encode_width(len), got = 0;
        sh_rng_bytes(rng, msg, len);
        cr_assert_eq(zk_elgamal_encrypt_bytes(ct, w, NULL, &pk, msg, len, rng), 0);
        cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &got, &sk, ct, w), 0);
        cr_assert_eq(got, len);
        cr_assert(len == 0 || memcmp(out, msg, len) == 0);
        /* Through the wire format too. */
        size_t blen, w2;
        uint8_t *b = ser(ct, w, &blen);
        cr_assert_eq(zk_elgamal_ct_decode(ct, w, &w2, b, blen), 0);
        cr_assert_eq(w2, w);
        cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &got, &sk, ct, w), 0);
        cr_assert_eq(got, len);
        free(b);
    }
    free(ct);
}

Test(elgamal, argument_errors)
{
    zk_point m[2], d[2], id;
    zk_elgamal_ct ct[2];
    uint8_t msg[40] = { 0 }, out[60];
    size_t len;
    random_points(m, 2);
    zk_point_identity(&id);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 0, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, NULL, m, 1, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 1, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &id, m, 1, rng), SH_ERR_IDENTITY);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 2, rng), 0);
    cr_assert_eq(zk_elgamal_reencrypt(ct, NULL, &id, ct, 2, rng), SH_ERR_IDENTITY);
    cr_assert_eq(zk_elgamal_reencrypt(ct, NULL, &pk, ct, 0, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_decrypt(d, &sk, ct, 0), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_decrypt(NULL, &sk, ct, 1), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_encrypt_bytes(ct, 1, NULL, &pk, msg, 40, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_encrypt_bytes(ct, 2, NULL, &pk, msg, 40, rng), 0);
    cr_assert_eq(zk_elgamal_encrypt_bytes(ct, 2, NULL, &pk, msg, 70000, rng), SH_ERR_OVERSIZE);
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &len, &sk, ct, 0), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, 39, &len, &sk, ct, 2), SH_ERR_OVERSIZE);
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, 40, &len, &sk, ct, 2), 0);
    cr_assert_eq(len, 40);
    /* A prefix of the components is not a valid ciphertext of the bytes. */
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &len, &sk, ct, 1),
                 SH_ERR_TRUNCATED);
}

/* ---- wire format -------------------------------------------------------- */

Test(elgamal, serialization_roundtrip)
{
    size_t widths[] = { 1, 2, 7, 100 };
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
        size_t w = widths[k], blen, w2 = 0;
        zk_point m[100];
        zk_elgamal_ct ct[100], back[100];
        random_points(m, w);
        cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, w, rng), 0);
        uint8_t *b = ser(ct, w, &blen);
        cr_assert_eq(blen, 2 + 64 * w);
        cr_assert_eq(b[0], (uint8_t)w);
        cr_assert_eq(b[1], (uint8_t)(w >> 8));
        /* Layout: C1_j then C2_j. */
        for (size_t j = 0; j < w; j++) {
            uint8_t e[32];
            zk_point_encode(e, &ct[j].c1);
            cr_assert_eq(memcmp(b + 2 + 64 * j, e, 32), 0);
            zk_point_encode(e, &ct[j].c2);
            cr_assert_eq(memcmp(b + 2 + 64 * j + 32, e, 32), 0);
        }
        cr_assert_eq(zk_elgamal_ct_decode_width(&w2, b, blen), 0);
        cr_assert_eq(w2, w);
        cr_assert_eq(zk_elgamal_ct_decode(back, w, &w2, b, blen), 0);
        cr_assert_eq(w2, w);
        cr_assert(ct_equal(ct, back, w));
        size_t blen2;
        uint8_t *b2 = ser(back, w, &blen2);
        cr_assert_eq(memcmp(b, b2, blen), 0);
        free(b);
        free(b2);
    }
}

Test(elgamal, encode_arguments)
{
    zk_elgamal_ct ct[1];
    uint8_t b[66];
    zk_point_identity(&ct[0].c1);
    zk_point_identity(&ct[0].c2);
    cr_assert_eq(zk_elgamal_ct_encode(b, 65, ct, 1), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_ct_encode(b, 67, ct, 1), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_ct_encode(b, 2, ct, 0), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_ct_encode(b, 66, ct, 1), 0);
    cr_assert_eq(zk_elgamal_ct_size(ZK_ELGAMAL_MAX_WIDTH), 2 + 64 * 2185);
}

Test(elgamal, decode_truncated_and_trailing)
{
    zk_point m[3];
    zk_elgamal_ct ct[3], back[3];
    size_t blen, w;
    random_points(m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 3, rng), 0);
    uint8_t *b = ser(ct, 3, &blen);
    uint8_t *big = malloc(blen + 64);
    cr_assert_not_null(big);
    memcpy(big, b, blen);
    memset(big + blen, 0, 64);
    /* Every proper prefix is truncated. */
    for (size_t len = 0; len < blen; len++) {
        cr_assert_eq(zk_elgamal_ct_decode(back, 3, &w, b, len), SH_ERR_TRUNCATED, "len %zu", len);
        cr_assert_eq(w, 0);
        cr_assert_eq(zk_elgamal_ct_decode_width(&w, b, len), SH_ERR_TRUNCATED);
    }
    /* Every extension is trailing, even by a whole (valid) component. */
    for (size_t extra = 1; extra <= 64; extra++)
        cr_assert_eq(zk_elgamal_ct_decode(back, 4, &w, big, blen + extra), SH_ERR_TRAILING);
    cr_assert_eq(zk_elgamal_ct_decode(back, 3, &w, NULL, 0), SH_ERR_TRUNCATED);
    free(b);
    free(big);
}

Test(elgamal, decode_bad_width)
{
    size_t w = 99;
    zk_elgamal_ct back[1];
    uint8_t b[2 + 64] = { 0 };
    /* Width 0, with or without bytes after it. */
    cr_assert_eq(zk_elgamal_ct_decode(back, 1, &w, b, 2), SH_ERR_RANGE);
    cr_assert_eq(w, 0);
    cr_assert_eq(zk_elgamal_ct_decode(back, 1, &w, b, 66), SH_ERR_RANGE);
    /* Above the maximum: checked before the length. */
    b[0] = (uint8_t)((ZK_ELGAMAL_MAX_WIDTH + 1) & 0xff);
    b[1] = (uint8_t)((ZK_ELGAMAL_MAX_WIDTH + 1) >> 8);
    cr_assert_eq(zk_elgamal_ct_decode(back, 1, &w, b, 66), SH_ERR_OVERSIZE);
    b[0] = b[1] = 0xff;
    cr_assert_eq(zk_elgamal_ct_decode(back, 1, &w, b, 66), SH_ERR_OVERSIZE);
    cr_assert_eq(zk_elgamal_ct_decode_width(&w, b, 66), SH_ERR_OVERSIZE);
    /* The maximum itself is fine as far as the header goes. */
    b[0] = (uint8_t)(ZK_ELGAMAL_MAX_WIDTH & 0xff);
    b[1] = (uint8_t)(ZK_ELGAMAL_MAX_WIDTH >> 8);
    cr_assert_eq(zk_elgamal_ct_decode_width(&w, b, 66), SH_ERR_TRUNCATED);
    cr_assert_eq(zk_elgamal_ct_decode_width(&w, b, zk_elgamal_ct_size(ZK_ELGAMAL_MAX_WIDTH)),
                 0);
    cr_assert_eq(w, ZK_ELGAMAL_MAX_WIDTH);
    /* Wider than the caller's capacity (the identity points are valid). */
    uint8_t two[2 + 128] = { 2, 0 };
    zk_elgamal_ct back2[2];
    cr_assert_eq(zk_elgamal_ct_decode(back2, 1, &w, two, sizeof two), SH_ERR_OVERSIZE);
    cr_assert_eq(zk_elgamal_ct_decode(back2, 2, &w, two, sizeof two), 0);
    cr_assert_eq(w, 2);
    cr_assert(zk_point_is_identity(&back2[1].c2));
}

/* Byte strings that are not point encodings, with the class expected. */
static void bad_points(uint8_t bad[][32], int *want, size_t *n)
{
    size_t k = 0;
    /* p = 2^255 - 19 and p + 2 (even, >= p), and 2^255 - 2 (the largest
     * even value under 2^255): the field element is not canonical. */
    memset(bad[k], 0xff, 32); bad[k][0] = 0xed; bad[k][31] = 0x7f; want[k++] = SH_ERR_NONCANONICAL;
    memset(bad[k], 0xff, 32); bad[k][0] = 0xef; bad[k][31] = 0x7f; want[k++] = SH_ERR_NONCANONICAL;
    memset(bad[k], 0xff, 32); bad[k][0] = 0xfe; bad[k][31] = 0x7f; want[k++] = SH_ERR_NONCANONICAL;
    /* The top bit set on an otherwise valid encoding (the base point). */
    zk_point B;
    zk_point_base(&B);
    zk_point_encode(bad[k], &B); bad[k][31] |= 0x80; want[k++] = SH_ERR_NONCANONICAL;
    /* The top bit set on zero. */
    memset(bad[k], 0, 32); bad[k][31] = 0x80; want[k++] = SH_ERR_NONCANONICAL;
    /* A negative (odd) s: 1. */
    memset(bad[k], 0, 32); bad[k][0] = 1; want[k++] = SH_ERR_POINT;
    /* The base point's encoding with the low bit flipped (odd: negative). */
    zk_point_encode(bad[k], &B); bad[k][0] ^= 1; want[k++] = SH_ERR_POINT;
    /* An even canonical s that is not a point: search from 2 upwards. */
    uint8_t s[32] = { 0 };
    zk_point q;
    for (s[0] = 2;; s[0] += 2)
        if (zk_point_decode(&q, s) != 0)
            break;
    memcpy(bad[k], s, 32); want[k++] = SH_ERR_POINT;
    /* All 0xff with the top bit clear is >= p... covered; a mid-range
     * invalid value from the RFC 9496 list of bad encodings: */
    tu_hex(bad[k], 32, "0100000000000000000000000000000000000000000000000000000000000000");
    want[k++] = SH_ERR_POINT;
    tu_hex(bad[k], 32, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    want[k++] = SH_ERR_NONCANONICAL;
    tu_hex(bad[k], 32, "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371");
    want[k++] = SH_ERR_POINT;
    *n = k;
}

Test(elgamal, decode_invalid_points)
{
    uint8_t bad[16][32];
    int want[16];
    size_t nbad;
    bad_points(bad, want, &nbad);

    zk_point m[3], p;
    zk_elgamal_ct ct[3], back[3];
    size_t blen, w;
    random_points(m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 3, rng), 0);
    uint8_t *b = ser(ct, 3, &blen);
    for (size_t i = 0; i < nbad; i++) {
        cr_assert_eq(zk_elgamal_point_decode(&p, bad[i]), want[i], "bad point %zu", i);
        /* In each of the 6 point positions of the ciphertext. */
        for (size_t pos = 0; pos < 6; pos++) {
            uint8_t save[32];
            uint8_t *at = b + 2 + 32 * pos;
            memcpy(save, at, 32);
            memcpy(at, bad[i], 32);
            cr_assert_eq(zk_elgamal_ct_decode(back, 3, &w, b, blen), want[i],
                         "bad point %zu at %zu", i, pos);
            cr_assert_eq(w, 0);
            for (size_t j = 0; j < 3; j++)
                cr_assert(zk_point_is_identity(&back[j].c1) &&
                          zk_point_is_identity(&back[j].c2));
            memcpy(at, save, 32);
        }
    }
    cr_assert_eq(zk_elgamal_ct_decode(back, 3, &w, b, blen), 0);
    free(b);
}

Test(elgamal, decode_random_bytes)
{
    /* Random 32-byte strings: about 1/16 of them are valid points (the top
     * bit and the sign each halve, and 1/4 of the non-negative canonical
     * field elements are encodings), the rest fail with one of the two
     * classes; encoding an accepted one gives back the same bytes. */
    int ok = 0;
    for (int i = 0; i < 2000; i++) {
        uint8_t b[32], e[32];
        zk_point p;
        sh_rng_bytes(rng, b, sizeof b);
        int rc = zk_elgamal_point_decode(&p, b);
        cr_assert(rc == 0 || rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL);
        if ((b[31] & 0x80) != 0)
            cr_assert_eq(rc, SH_ERR_NONCANONICAL);
        if (rc == 0) {
            ok++;
            zk_point_encode(e, &p);
            cr_assert_eq(memcmp(b, e, 32), 0);
        }
    }
    cr_assert(ok > 80 && ok < 180, "%d valid", ok);
}

/* ---- determinism -------------------------------------------------------- */

Test(elgamal, deterministic_with_seeded_rng)
{
    uint8_t msg[200];
    memset(msg, 0x42, sizeof msg);
    const uint8_t ctx[] = "epoch 17";
    uint8_t b[3][2 + 64 * 7], proof[3][64];
    for (int k = 0; k < 3; k++) {
        sh_rng *r = tu_rng(k < 2 ? 100 : 101);
        zk_elgamal_ct ct[7];
        cr_assert_eq(zk_elgamal_encrypt_bytes_pok(ct, 7, proof[k], &pk, msg, 200, ctx,
                                                  sizeof ctx - 1, r), 0);
        cr_assert_eq(zk_elgamal_ct_encode(b[k], sizeof b[k], ct, 7), 0);
        cr_assert_eq(zk_elgamal_reencrypt(ct, NULL, &pk, ct, 7, r), 0);
        sh_rng_free(r);
    }
    cr_assert_eq(memcmp(b[0], b[1], sizeof b[0]), 0);
    cr_assert_eq(memcmp(proof[0], proof[1], 64), 0);
    cr_assert_neq(memcmp(b[0], b[2], sizeof b[0]), 0);
    cr_assert_neq(memcmp(proof[0], proof[2], 64), 0);
}

/* ---- proof of knowledge ------------------------------------------------- */

#define CTX ((const uint8_t *)"epoch-00000042")
#define CTXLEN 14

typedef struct sub {
    zk_elgamal_ct ct[10];
    size_t w;
    uint8_t proof[64];
} sub;

static void make_sub(sub *s, size_t len)
{
    uint8_t msg[300];
    sh_rng_bytes(rng, msg, len);
    s->w = zk_encode_width(len);
    cr_assert_leq(s->w, 10);
    cr_assert_eq(zk_elgamal_encrypt_bytes_pok(s->ct, s->w, s->proof, &pk, msg, len,
                                              CTX, CTXLEN, rng), 0);
}

Test(elgamal, pok_honest)
{
    size_t lens[] = { 0, 28, 29, 200, 250 };
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        sub s;
        make_sub(&s, lens[k]);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w, CTX, CTXLEN), 0);
    }
    /* An empty context is a context like any other. */
    zk_point m[2];
    zk_elgamal_ct ct[2];
    zk_scalar r[2];
    uint8_t proof[64];
    random_points(m, 2);
    cr_assert_eq(zk_elgamal_encrypt(ct, r, &pk, m, 2, rng), 0);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 2, NULL, 0, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, NULL, 0), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, (const uint8_t *)"", 0), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, (const uint8_t *)"\0", 1), SH_ERR_VERIFY);
}

Test(elgamal, pok_rejects_tampered_ciphertext)
{
    sub s;
    make_sub(&s, 200);          /* width 7 */
    zk_point B;
    zk_point_base(&B);
    for (size_t j = 0; j < s.w; j++) {
        zk_elgamal_ct t[10];
        /* C1 changed. */
        memcpy(t, s.ct, sizeof t);
        zk_point_add(&t[j].c1, &t[j].c1, &B);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
        /* C2 only changed (the plaintext mauled, the randomness kept). */
        memcpy(t, s.ct, sizeof t);
        zk_point_add(&t[j].c2, &t[j].c2, &B);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
        /* Both changed consistently: a re-encryption of one component. */
        memcpy(t, s.ct, sizeof t);
        cr_assert_eq(zk_elgamal_reencrypt(&t[j], NULL, &pk, &t[j], 1, rng), 0);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    }
    /* Components swapped, dropped, or one appended. */
    zk_elgamal_ct t[10];
    memcpy(t, s.ct, sizeof t);
    t[0] = s.ct[1];
    t[1] = s.ct[0];
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w - 1, CTX, CTXLEN), SH_ERR_VERIFY);
    memcpy(t, s.ct, sizeof t);
    t[s.w] = s.ct[0];
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w + 1, CTX, CTXLEN), SH_ERR_VERIFY);
    /* The whole ciphertext re-encrypted (what a relay could do). */
    memcpy(t, s.ct, sizeof t);
    cr_assert_eq(zk_elgamal_reencrypt(t, NULL, &pk, t, s.w, rng), 0);
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* Untouched it still verifies. */
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w, CTX, CTXLEN), 0);
}

Test(elgamal, pok_rejects_other_context_key_and_ciphertext)
{
    sub a, b;
    make_sub(&a, 200);
    make_sub(&b, 200);
    /* Another context: a different epoch, a prefix, an extension. */
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, (const uint8_t *)"epoch-00000043",
                                   CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, CTX, CTXLEN - 1), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, NULL, 0), SH_ERR_VERIFY);
    /* Another public key. */
    zk_scalar sk2;
    zk_point pk2;
    zk_elgamal_keygen(&sk2, &pk2, rng);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk2, a.ct, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* A proof from another ciphertext, and proofs swapped. */
    cr_assert_eq(zk_elgamal_verify(b.proof, &pk, a.ct, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, b.ct, b.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* A ciphertext mixing components of a and b. */
    zk_elgamal_ct mix[10];
    memcpy(mix, a.ct, sizeof mix);
    mix[3] = b.ct[3];
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, mix, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, CTX, CTXLEN), 0);
    cr_assert_eq(zk_elgamal_verify(b.proof, &pk, b.ct, b.w, CTX, CTXLEN), 0);
}

Test(elgamal, pok_rejects_wrong_witness_and_bad_bytes)
{
    zk_point m[3];
    zk_elgamal_ct ct[3];
    zk_scalar r[3];
    uint8_t proof[64], bad[64];
    random_points(m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, r, &pk, m, 3, rng), 0);
    /* A prover who does not know one r_j. */
    zk_scalar_random(&r[1], rng);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 3, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 3, CTX, CTXLEN), SH_ERR_VERIFY);
    /* Knowing sk instead of r is no help either (proof with r = sk). */
    r[0] = r[1] = r[2] = sk;
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 3, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 3, CTX, CTXLEN), SH_ERR_VERIFY);

    sub s;
    make_sub(&s, 100);
    /* Every single bit flip is rejected, with the right class. */
    for (size_t bit = 0; bit < 512; bit++) {
        memcpy(bad, s.proof, 64);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN);
        cr_assert(rc == SH_ERR_VERIFY || rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL,
                  "bit %zu: %d", bit, rc);
        if (bit == 255 || bit == 0)            /* R's top bit / sign bit */
            cr_assert_eq(rc, SH_ERR_POINT);
        if (bit == 511)                         /* s >= 2^255 > L */
            cr_assert_eq(rc, SH_ERR_NONCANONICAL);
    }
    /* s replaced by L (not canonical). */
    memcpy(bad, s.proof, 64);
    tu_hex(bad + 32, 32, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    cr_assert_eq(zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN), SH_ERR_NONCANONICAL);
    memset(bad, 0, 64);
    cr_assert_eq(zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
}

Test(elgamal, pok_rejects_identity_c1_and_bad_args)
{
    /* C1 = identity means r = 0 and M in clear: refused before the proof
     * (a "proof" with r = 0 would otherwise be trivial). */
    zk_point m[2];
    zk_elgamal_ct ct[2];
    zk_scalar r[2];
    uint8_t proof[64];
    random_points(m, 2);
    zk_scalar_zero(&r[0]);
    zk_scalar_from_u64(&r[1], 5);
    zk_point_identity(&ct[0].c1);
    ct[0].c2 = m[0];
    zk_point_mul_base(&ct[1].c1, &r[1]);
    zk_point_mul(&ct[1].c2, &pk, &r[1]);
    zk_point_add(&ct[1].c2, &ct[1].c2, &m[1]);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 2, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, CTX, CTXLEN), SH_ERR_IDENTITY);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 0, CTX, CTXLEN), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 1, NULL, 3), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_verify(NULL, &pk, ct, 1, CTX, CTXLEN), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, NULL, 2, CTX, CTXLEN, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 0, CTX, CTXLEN, rng), SH_ERR_ARG);
}

Test(elgamal, pok_wide)
{
    /* A width above the stack scratch (8): the heap path. */
    static uint8_t msg[1000];
    size_t w = zk_encode_width(sizeof msg);
    zk_elgamal_ct *ct = zk_aligned_alloc(w, sizeof *ct);
    uint8_t proof[64];
    cr_assert_not_null(ct);
    sh_rng_bytes(rng, msg, sizeof msg);
    cr_assert_eq(zk_elgamal_encrypt_bytes_pok(ct, w, proof, &pk, msg, sizeof msg, CTX,
                                              CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, w, CTX, CTXLEN), 0);
    zk_point_dbl(&ct[w - 1].c2, &ct[w - 1].c2);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, w, CTX, CTXLEN), SH_ERR_VERIFY);
    free(ct);
}

Test(elgamal, pok_verify_wire)
{
    sub s;
    make_sub(&s, 200);
    size_t blen, w = 99;
    uint8_t *b = ser(s.ct, s.w, &blen);
    zk_elgamal_ct back[10];
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w), 0);
    cr_assert_eq(w, s.w);
    cr_assert(ct_equal(back, s.ct, s.w));

    /* Decoding errors come first, with the decoder's classes. */
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen - 1, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_TRUNCATED);
    cr_assert_eq(w, 0);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 6, &w),
                 SH_ERR_OVERSIZE);
    b[2 + 64 + 31] |= 0x80;
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_NONCANONICAL);
    b[2 + 64 + 31] &= 0x7f;
    /* A C2 replaced by another valid point. */
    uint8_t save[32];
    memcpy(save, b + 2 + 64 * 4 + 32, 32);
    zk_point B;
    zk_point_base(&B);
    zk_point_encode(b + 2 + 64 * 4 + 32, &B);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(w, 0);
    memcpy(b + 2 + 64 * 4 + 32, save, 32);
    /* A C1 replaced by the identity. */
    memcpy(save, b + 2 + 64 * 2, 32);
    memset(b + 2 + 64 * 2, 0, 32);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_IDENTITY);
    memcpy(b + 2 + 64 * 2, save, 32);
    /* Other context, other key. */
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN - 2, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &B, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w), 0);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, NULL),
                 SH_ERR_ARG);
    free(b);
}

/* Run the batch check and expect rc and, if rc != 0, the index bad. */
static void batch_expect(zk_elgamal_pok_item *it, size_t n, size_t ctxlen, int rc, size_t bad)
{
    size_t got = 12345;
    cr_assert_eq(zk_elgamal_batch_verify(it, n, &pk, CTX, ctxlen, rng, &got), rc);
    cr_assert_eq(got, rc == 0 ? n : bad, "bad index %zu, expected %zu", got, bad);
    if (rc != 0)
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(it[i].w, 0);
}

Test(elgamal, pok_batch)
{
    enum { N = 24 };
    static sub s[N];
    static uint8_t wire[N][2 + 64 * 10];
    static zk_elgamal_ct back[N][10];
    zk_elgamal_pok_item it[N];
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        make_sub(&s[i], 1 + 11 * i);    /* widths 1..9 */
        it[i].wire = wire[i];
        it[i].wire_len = zk_elgamal_ct_size(s[i].w);
        cr_assert_eq(zk_elgamal_ct_encode(wire[i], it[i].wire_len, s[i].ct, s[i].w), 0);
        it[i].proof = s[i].proof;
        it[i].ct = back[i];
        it[i].cap = 10;
        it[i].w = 77;
    }
    batch_expect(it, N, CTXLEN, 0, N);
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(it[i].w, s[i].w);
        cr_assert(ct_equal(back[i], s[i].ct, s[i].w));
    }
    cr_assert_eq(zk_elgamal_batch_verify(it, 0, &pk, CTX, CTXLEN, rng, &bad), 0);
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, NULL), 0);

    /* Wrong context for all. */
    batch_expect(it, N, CTXLEN - 1, SH_ERR_VERIFY, 0);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(it[i].w, 0);

    /* One C2 replaced by another point, found by index. */
    uint8_t save[32];
    zk_point B;
    zk_point_base(&B);
    memcpy(save, wire[13] + 2 + 32, 32);
    zk_point_encode(wire[13] + 2 + 32, &B);
    batch_expect(it, N, CTXLEN, SH_ERR_VERIFY, 13);
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, NULL), SH_ERR_VERIFY);
    memcpy(wire[13] + 2 + 32, save, 32);

    /* Two proofs swapped between submissions: both bad, first reported. */
    it[5].proof = s[9].proof;
    it[9].proof = s[5].proof;
    batch_expect(it, N, CTXLEN, SH_ERR_VERIFY, 5);
    it[5].proof = s[5].proof;
    it[9].proof = s[9].proof;

    /* A malformed proof, an identity C1, bad wire bytes, a NULL. */
    uint8_t mal[64];
    memcpy(mal, s[20].proof, 64);
    mal[31] |= 0x80;
    it[20].proof = mal;
    batch_expect(it, N, CTXLEN, SH_ERR_POINT, 20);
    it[20].proof = s[20].proof;
    memcpy(save, wire[2] + 2, 32);
    memset(wire[2] + 2, 0, 32);
    batch_expect(it, N, CTXLEN, SH_ERR_IDENTITY, 2);
    memcpy(wire[2] + 2, save, 32);
    it[4].wire_len++;
    batch_expect(it, N, CTXLEN, SH_ERR_TRAILING, 4);
    it[4].wire_len--;
    it[7].cap = 0;
    batch_expect(it, N, CTXLEN, SH_ERR_OVERSIZE, 7);
    it[7].cap = 10;
    it[8].ct = NULL;
    batch_expect(it, N, CTXLEN, SH_ERR_ARG, 8);
    it[8].ct = back[8];
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, &bad), 0);
}

/* ---- the worked example of docs/elgamal.md ------------------------------ */


static void hex_eq(const uint8_t *got, size_t n, const char *want_hex)
{
    uint8_t want[256];
    cr_assert_leq(n, sizeof want);
    tu_hex(want, n, want_hex);
    cr_assert_eq(memcmp(got, want, n), 0, "mismatch with %s", want_hex);
}

static void point_eq_hex(const zk_point *p, const char *want_hex)
{
    uint8_t b[32];
    zk_point_encode(b, p);
    hex_eq(b, 32, want_hex);
}

static void scalar_eq_hex(const zk_scalar *s, const char *want_hex)
{
    uint8_t b[32];
    zk_scalar_encode(b, s);
    hex_eq(b, 32, want_hex);
}

Test(elgamal, worked_example)
{
    uint8_t seed[SH_RNG_SEEDBYTES], b[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)i;
    sh_rng *r = sh_rng_chacha_new(seed);
    cr_assert_not_null(r);
    zk_scalar esk;
    zk_point epk;
    zk_elgamal_keygen(&esk, &epk, r);
    scalar_eq_hex(&esk, "36e5b43419551a92c809a995a3d2c817a86ce8f5dd973b06fe9cb5a3f012870b");
    point_eq_hex(&epk, "4aceeb1d507e50957db46b6bcd374614b8ea080cbbc77ad060666bf5788c8121");

    const char *msg = "pay 0.5 to bc1qexample, fee 210 sat";
    size_t len = strlen(msg);
    cr_assert_eq(len, 35);
    cr_assert_eq(zk_encode_width(len), 2);
    zk_point m[2];
    cr_assert_eq(zk_encode_bytes(m, 2, (const uint8_t *)msg, len), 0);
    point_eq_hex(&m[0], "00230070617920302e3520746f20626331716578616d706c652c206665652000");
    point_eq_hex(&m[1], "1032313020736174000000000000000000000000000000000000000000000000");

    zk_elgamal_ct ct[2];
    zk_scalar rr[2];
    cr_assert_eq(zk_elgamal_encrypt(ct, rr, &epk, m, 2, r), 0);
    scalar_eq_hex(&rr[0], "6102398efee33b886f4bb7042b897d83db59b71a05aff76e9b633b87cade7d00");
    scalar_eq_hex(&rr[1], "69e5d557cb6094acfa586118e602e90aa6fe6cbabd4571eeb0d2f63b8c8a8f07");
    uint8_t wire[130];
    cr_assert_eq(zk_elgamal_ct_encode(wire, sizeof wire, ct, 2), 0);
    hex_eq(wire, 130,
           "0200"
           "a650b416be24664030732d88dde2b9141aac939c025ab18872347ad5aede0229"
           "929c539b2e9ae5a2da0b4caa20c2cfcd2100f4b4f2ad067532e59764ba45480e"
           "62e77e2727dd4a3807ea0c9ffcc2a832161944aa4ad7cb309e24954bf4da6b0c"
           "06e702208e45be3f674ff82859d0c5856cf46b09db30c8b291f8b810a3c0730d");

    /* The transcript, rebuilt by hand from the spec. */
    const uint8_t ctx[] = "epoch-42";
    zk_transcript t;
    uint8_t h[64], wide[32] = { 0 };
    zk_scalar e[2], x, ex;
    zk_transcript_init(&t, "shroud-elgamal-pok-v1");
    zk_transcript_append(&t, "context", ctx, 8);
    zk_point_encode(b, &epk);
    zk_transcript_append(&t, "pk", b, 32);
    zk_transcript_append(&t, "ciphertext", wire, sizeof wire);
    zk_transcript_challenge_bytes(&t, "e", h);
    hex_eq(h, 64, "7df3b0445bda81a59737be8cc36393bc31ababb801211e5557070197e36290f5"
                  "b68cca3f3641d6dc39a04ca4a3e8962a1e732076015c0700d538730ffdf45a22");
    memcpy(wide, h, 16);
    zk_scalar_reduce(&e[0], wide, 32);
    zk_transcript_challenge_bytes(&t, "e", h);
    hex_eq(h, 64, "f2fac8da515d1cec6bedb04b2da60ce2200499b4c49fe432f2ce2a2fc610fea0"
                  "aade1a751f5312e11eafa12d54ae44b8d6478bf9378be947f9016b4c3e135ab0");
    memcpy(wide, h, 16);
    zk_scalar_reduce(&e[1], wide, 32);
    zk_scalar_mul(&x, &e[0], &rr[0]);
    zk_scalar_mul(&ex, &e[1], &rr[1]);
    zk_scalar_add(&x, &x, &ex);
    scalar_eq_hex(&x, "c946a6b5180d764116baa161ee689c611e0b3364c4a3dc455b429a947a25e401");
    zk_point X;
    zk_point_mul_base(&X, &x);
    point_eq_hex(&X, "d284a09956104209f9296b7fed452c3fafd580d20fc320a037e56d44e8c30d0a");

    uint8_t proof[64];
    tu_hex(proof, 64, "1adff990f79f74113b9d5cd04451c9691e0ada6f9e4cf89cf51483a4a8514d40"
                      "edbcb3fbe03439f3db55cbcda06dcccedbca110dcf3c9b0e44ef12f1d444d905");
    zk_scalar c;
    zk_transcript_append_point(&t, "X", &X);
    zk_transcript_append(&t, "R", proof, 32);
    zk_transcript_challenge_scalar(&t, "c", &c);
    scalar_eq_hex(&c, "f1abc04ac33a686de6f218984da9fa84eb7e958f7be4905632490a366324aa01");

    cr_assert_eq(zk_elgamal_verify(proof, &epk, ct, 2, ctx, 8), 0);
    zk_elgamal_ct back[2];
    size_t w;
    cr_assert_eq(zk_elgamal_verify_wire(proof, &epk, wire, sizeof wire, ctx, 8, back, 2, &w), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &epk, ct, 2, (const uint8_t *)"epoch-43", 8),
                 SH_ERR_VERIFY);
    uint8_t out[64];
    size_t olen;
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &olen, &esk, back, 2), 0);
    cr_assert_eq(olen, len);
    cr_assert_eq(memcmp(out, msg, len), 0);
    sh_rng_free(r);
}
