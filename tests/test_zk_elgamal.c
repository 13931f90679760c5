/* tests/test_zk_elgamal.c -- ElGamal vectors, re-encryption and the
 * ciphertext wire format (zk/elgamal.h); the proof of knowledge is tested in
 * test_zk_elgamal_pok.c. */
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
        tu_random_points(rng, m, w);
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
    tu_random_points(rng, m, 4);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 4, rng), 0);
    cr_assert_eq(zk_elgamal_reencrypt(re, r2, &pk, ct, 4, rng), 0);

    size_t la, lb;
    uint8_t *ba = tu_ct_encode(ct, 4, &la), *bb = tu_ct_encode(re, 4, &lb);
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
    cr_assert_not(tu_ct_equal(re, ct, 4));
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
    tu_random_points(rng, m, 7);
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
        uint8_t *b = tu_ct_encode(ct, w, &blen);
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
    tu_random_points(rng, m, 2);
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
        tu_random_points(rng, m, w);
        cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, w, rng), 0);
        uint8_t *b = tu_ct_encode(ct, w, &blen);
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
        cr_assert(tu_ct_equal(ct, back, w));
        size_t blen2;
        uint8_t *b2 = tu_ct_encode(back, w, &blen2);
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
    tu_random_points(rng, m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 3, rng), 0);
    uint8_t *b = tu_ct_encode(ct, 3, &blen);
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
    tu_random_points(rng, m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, NULL, &pk, m, 3, rng), 0);
    uint8_t *b = tu_ct_encode(ct, 3, &blen);
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
