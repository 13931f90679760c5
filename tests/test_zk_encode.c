/* tests/test_zk_encode.c -- the byte <-> point encoding of zk/encode.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "zk/encode.h"

static sh_rng *seeded(uint8_t tag)
{
    uint8_t seed[SH_RNG_SEEDBYTES] = { 0 };
    seed[0] = tag;
    sh_rng *rng = sh_rng_chacha_new(seed);
    cr_assert_not_null(rng);
    return rng;
}

/* The candidate string of the documented layout (zk/encode.h). */
static void layout(uint8_t b[32], const uint8_t c[30], unsigned t)
{
    b[0] = (uint8_t)((t & 0x7f) << 1);
    memcpy(b + 1, c, 30);
    b[31] = (uint8_t)(t >> 7);
}

/* Round trip one message and check every structural property. */
static void roundtrip(const uint8_t *msg, size_t len)
{
    size_t w = zk_encode_width(len);
    cr_assert_eq(w, (len + 2 + 29) / 30, "width of %zu", len);
    zk_point *p = zk_points_alloc(w);
    uint8_t *out = malloc(zk_encode_capacity(w) + 1);
    cr_assert(p != NULL && out != NULL);
    cr_assert_eq(zk_encode_bytes(p, w, msg, len), 0, "encode %zu", len);

    /* Byte level: b[1..30] are the frame bytes, b[0] even, b[31] <= 1. */
    for (size_t j = 0; j < w; j++) {
        uint8_t b[32];
        zk_point_encode(b, &p[j]);
        cr_assert_eq(b[0] & 1, 0);
        cr_assert_leq(b[31], 1);
        for (size_t i = 0; i < 30; i++) {
            size_t k = 30 * j + i;
            uint8_t want = k == 0 ? (uint8_t)len : k == 1 ? (uint8_t)(len >> 8)
                         : k - 2 < len ? msg[k - 2] : 0;
            cr_assert_eq(b[1 + i], want, "len %zu point %zu byte %zu", len, j, i);
        }
    }

    size_t got = 12345;
    cr_assert_eq(zk_decode_bytes(out, zk_encode_capacity(w), &got, p, w), 0, "decode %zu", len);
    cr_assert_eq(got, len);
    cr_assert(len == 0 || memcmp(out, msg, len) == 0, "content of %zu", len);

    /* Decoding into a buffer of exactly len bytes works too. */
    cr_assert_eq(zk_decode_bytes(out, len, &got, p, w), 0);
    cr_assert_eq(got, len);
    free(p);
    free(out);
}

Test(zk_encode, width_and_capacity)
{
    cr_assert_eq(zk_encode_width(0), 1);
    cr_assert_eq(zk_encode_width(28), 1);
    cr_assert_eq(zk_encode_width(29), 2);
    cr_assert_eq(zk_encode_width(58), 2);
    cr_assert_eq(zk_encode_width(59), 3);
    cr_assert_eq(zk_encode_width(200), 7);
    cr_assert_eq(zk_encode_width(65535), ZK_ENCODE_MAX_WIDTH);
    cr_assert_eq(zk_encode_width(65536), 0);
    cr_assert_eq(zk_encode_capacity(0), 0);
    cr_assert_eq(zk_encode_capacity(1), 28);
    cr_assert_eq(zk_encode_capacity(7), 208);
    cr_assert_geq(zk_encode_capacity(ZK_ENCODE_MAX_WIDTH), ZK_ENCODE_MAX_BYTES);
}

Test(zk_encode, roundtrip_every_length_0_to_1000)
{
    sh_rng *rng = seeded(1);
    uint8_t msg[1000];
    for (size_t len = 0; len <= 1000; len++) {
        sh_rng_bytes(rng, msg, len);
        roundtrip(msg, len);
    }
    sh_rng_free(rng);
}

Test(zk_encode, roundtrip_special_contents)
{
    uint8_t msg[300];
    /* All zero, all 0xff: the extremes of the chunk bytes. */
    memset(msg, 0, sizeof msg);
    for (size_t len = 0; len <= sizeof msg; len += 13)
        roundtrip(msg, len);
    memset(msg, 0xff, sizeof msg);
    for (size_t len = 0; len <= sizeof msg; len += 13)
        roundtrip(msg, len);
}

Test(zk_encode, roundtrip_long)
{
    sh_rng *rng = seeded(2);
    static uint8_t msg[ZK_ENCODE_MAX_BYTES];
    sh_rng_bytes(rng, msg, sizeof msg);
    size_t lens[] = { 1001, 4096, 30 * 1000 - 2, 30 * 1000 - 1, 65534, 65535 };
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        roundtrip(msg, lens[i]);
    sh_rng_free(rng);
}

Test(zk_encode, encoder_arguments)
{
    zk_point p[3];
    uint8_t msg[40] = { 0 };
    cr_assert_eq(zk_encode_bytes(p, 1, msg, 29), SH_ERR_ARG);   /* needs 2 */
    cr_assert_eq(zk_encode_bytes(p, 3, msg, 29), SH_ERR_ARG);
    cr_assert_eq(zk_encode_bytes(p, 0, msg, 0), SH_ERR_ARG);
    cr_assert_eq(zk_encode_bytes(NULL, 1, msg, 1), SH_ERR_ARG);
    cr_assert_eq(zk_encode_bytes(p, 1, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(zk_encode_bytes(p, 1, NULL, 0), 0);            /* empty message */
    cr_assert_eq(zk_encode_bytes(p, ZK_ENCODE_MAX_WIDTH, msg, 65536), SH_ERR_OVERSIZE);
}

Test(zk_encode, deterministic_and_injective)
{
    /* The encoding has no randomness; distinct messages (even differing
     * only in length) give distinct vectors. */
    uint8_t a[20] = { 0 }, b1[32], b2[32];
    zk_point p1, p2;
    cr_assert_eq(zk_encode_bytes(&p1, 1, a, 5), 0);
    cr_assert_eq(zk_encode_bytes(&p2, 1, a, 5), 0);
    cr_assert(zk_point_eq(&p1, &p2));
    cr_assert_eq(zk_encode_bytes(&p2, 1, a, 6), 0);
    cr_assert_not(zk_point_eq(&p1, &p2));
    a[4] = 1;
    cr_assert_eq(zk_encode_bytes(&p2, 1, a, 5), 0);
    cr_assert_not(zk_point_eq(&p1, &p2));
    zk_point_encode(b1, &p1);
    zk_point_encode(b2, &p2);
    cr_assert_neq(memcmp(b1, b2, 32), 0);
}

Test(zk_encode, try_rate_is_about_one_quarter)
{
    /* About 1/4 of the candidates are group elements (2^252 elements among
     * 2^254 canonical non-negative s): expected ~4 tries.  This also checks
     * that encode picks the smallest working counter. */
    sh_rng *rng = seeded(3);
    size_t tries = 0, n = 2000, maxt = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c[30], b[32];
        zk_point p, q;
        sh_rng_bytes(rng, c, sizeof c);
        cr_assert_eq(zk_encode_chunk(&p, c), 0);
        unsigned t = 0;
        for (;; t++) {
            cr_assert_lt(t, 256);
            layout(b, c, t);
            if (zk_point_decode(&q, b) == 0)
                break;
        }
        cr_assert(zk_point_eq(&p, &q), "encoder did not take the first counter");
        tries += t + 1;
        if (t > maxt)
            maxt = t;
    }
    double mean = (double)tries / (double)n;
    cr_assert(mean > 3.5 && mean < 4.5, "mean tries %f", mean);
    cr_assert_lt(maxt, 64);
    sh_rng_free(rng);
}

Test(zk_encode, decode_rejects_non_minimal_counter)
{
    /* Find chunks for which two counters t1 < t2 both give points: the
     * point of t2 decodes to the same chunk but is not the encoder's. */
    sh_rng *rng = seeded(4);
    int found = 0;
    for (int i = 0; i < 50 && found < 10; i++) {
        uint8_t c[30], b[32], out[30];
        zk_point p;
        sh_rng_bytes(rng, c, sizeof c);
        unsigned first = 256;
        for (unsigned t = 0; t < 256; t++) {
            layout(b, c, t);
            if (zk_point_decode(&p, b) != 0)
                continue;
            if (first == 256) {
                first = t;
                cr_assert_eq(zk_decode_chunk(out, &p), 0);
                cr_assert_eq(memcmp(out, c, 30), 0);
            } else {
                memset(out, 0xaa, sizeof out);
                cr_assert_eq(zk_decode_chunk(out, &p), SH_ERR_NONCANONICAL, "t=%u", t);
                for (size_t k = 0; k < 30; k++)
                    cr_assert_eq(out[k], 0);   /* wiped on error */
                found++;
                /* Counters >= 128 put 1 in b[31]; make sure one is seen. */
                if (t < 128)
                    continue;
                break;
            }
        }
    }
    cr_assert_geq(found, 10);
    sh_rng_free(rng);
}

Test(zk_encode, decode_rejects_random_points)
{
    /* A uniformly random point has b[31] <= 1 with probability 1/64 only,
     * and then still needs a minimal counter and a consistent length. */
    sh_rng *rng = seeded(5);
    int noncanonical = 0;
    for (int i = 0; i < 500; i++) {
        uint8_t h[64], out[28];
        size_t len = 99;
        zk_point p;
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&p, h);
        int rc = zk_decode_bytes(out, sizeof out, &len, &p, 1);
        cr_assert_neq(rc, 0);
        cr_assert_eq(len, 0);
        if (rc == SH_ERR_NONCANONICAL)
            noncanonical++;
    }
    cr_assert_geq(noncanonical, 480);
    sh_rng_free(rng);
}

/* The encoder's point for a hand-made chunk (used to forge frames). */
static zk_point chunk_point(const uint8_t c[30])
{
    zk_point p;
    cr_assert_eq(zk_encode_chunk(&p, c), 0);
    return p;
}

Test(zk_encode, decode_rejects_bad_frames)
{
    uint8_t c[30], out[200];
    size_t len;
    zk_point v[4];
    for (size_t i = 0; i < 4; i++)
        zk_point_identity(&v[i]);

    /* Empty vector and oversize width. */
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 0), SH_ERR_LENGTH);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, ZK_ENCODE_MAX_WIDTH + 1),
                 SH_ERR_OVERSIZE);

    /* Length prefix beyond the capacity of one point (29 needs 2). */
    memset(c, 0, sizeof c);
    c[0] = 29;
    v[0] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 1), SH_ERR_TRUNCATED);
    c[0] = 0xff;
    c[1] = 0xff;
    v[0] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 1), SH_ERR_TRUNCATED);

    /* Length prefix needing fewer points than given. */
    memset(c, 0, sizeof c);
    c[0] = 28;
    v[0] = chunk_point(c);
    memset(c, 0, sizeof c);
    v[1] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 1), 0);
    cr_assert_eq(len, 28);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), SH_ERR_TRAILING);

    /* Nonzero padding in the first point and in the last point. */
    memset(c, 0, sizeof c);
    c[0] = 5;
    v[0] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 1), 0);
    for (size_t i = 7; i < 30; i++) {
        c[i] = 1;
        v[0] = chunk_point(c);
        cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 1), SH_ERR_NONCANONICAL,
                     "padding byte %zu", i);
        c[i] = 0;
    }
    memset(c, 0, sizeof c);
    c[0] = 40;                       /* 42 frame bytes: 2 points, 18 padding */
    v[0] = chunk_point(c);
    memset(c, 0, sizeof c);
    v[1] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), 0);
    cr_assert_eq(len, 40);
    c[29] = 0x80;
    v[1] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), SH_ERR_NONCANONICAL);
    c[29] = 0;
    c[11] = 1;                       /* frame byte 41: the last message byte */
    v[1] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), 0);
    c[12] = 1;                       /* frame byte 42: the first padding byte */
    v[1] = chunk_point(c);
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), SH_ERR_NONCANONICAL);

    /* A bad later point: b[31] > 1. */
    uint8_t h[64] = { 0 };
    zk_point r;
    uint8_t b[32];
    for (h[0] = 0;; h[0]++) {
        zk_point_from_hash(&r, h);
        zk_point_encode(b, &r);
        if (b[31] > 1)
            break;
    }
    v[1] = r;
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, v, 2), SH_ERR_NONCANONICAL);
}

Test(zk_encode, decode_output_buffer)
{
    uint8_t msg[100], out[100];
    size_t len = 7;
    zk_point v[4];
    memset(msg, 0x5a, sizeof msg);
    cr_assert_eq(zk_encode_bytes(v, 4, msg, 100), 0);
    memset(out, 0x11, sizeof out);
    cr_assert_eq(zk_decode_bytes(out, 99, &len, v, 4), SH_ERR_OVERSIZE);
    cr_assert_eq(len, 0);
    for (size_t i = 0; i < 99; i++)
        cr_assert_eq(out[i], 0, "not wiped at %zu", i);
    cr_assert_eq(zk_decode_bytes(NULL, 0, &len, v, 4), SH_ERR_OVERSIZE);
    cr_assert_eq(zk_decode_bytes(out, 100, NULL, v, 4), SH_ERR_ARG);
    cr_assert_eq(zk_decode_bytes(out, 100, &len, NULL, 4), SH_ERR_ARG);
    /* The empty message decodes with no buffer at all. */
    cr_assert_eq(zk_encode_bytes(v, 1, NULL, 0), 0);
    cr_assert_eq(zk_decode_bytes(NULL, 0, &len, v, 1), 0);
    cr_assert_eq(len, 0);
}

Test(zk_encode, identity_is_the_all_zero_chunk)
{
    /* A chunk of zeros with counter 0 is the all-zero string, which is the
     * identity's encoding: a legitimate encoder output (the empty message,
     * or 30 zero frame bytes at a chunk boundary). */
    uint8_t c[30] = { 0 }, out[30];
    zk_point p;
    cr_assert_eq(zk_encode_chunk(&p, c), 0);
    cr_assert(zk_point_is_identity(&p));
    cr_assert_eq(zk_decode_chunk(out, &p), 0);
    zk_point v;
    size_t len = 9;
    cr_assert_eq(zk_encode_bytes(&v, 1, NULL, 0), 0);
    cr_assert(zk_point_is_identity(&v));
    cr_assert_eq(zk_decode_bytes(out, sizeof out, &len, &v, 1), 0);
    cr_assert_eq(len, 0);
}
