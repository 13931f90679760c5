/* tests/test_zk_transcript.c -- the transcript matches its byte-level
 * specification (docs/transcript.md): every challenge is checked against
 * SHA-512 of the byte string T assembled here by hand. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/transcript.h"
#include "testutil.h"


Test(transcript, matches_specification)
{
    cr_assert(sodium_init() >= 0);
    zk_transcript t;
    tu_bytes T = { .n = 0 };

    zk_transcript_init(&t, "shroud-test");
    tu_put_str(&T, "shroud-transcript-v1");
    tu_put_str(&T, "shroud-test");

    const uint8_t data[] = { 1, 2, 3, 4, 5 };
    zk_transcript_append(&t, "data", data, sizeof data);
    tu_put(&T, "\x01", 1);
    tu_put_str(&T, "data");
    tu_put_frame(&T, data, sizeof data);

    zk_transcript_append_u64(&t, "epoch", 0x0102030405060708ull);
    const uint8_t u64le[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    tu_put(&T, "\x01", 1);
    tu_put_str(&T, "epoch");
    tu_put_frame(&T, u64le, 8);

    zk_point P;
    uint8_t penc[32];
    zk_point_base(&P);
    zk_point_encode(penc, &P);
    zk_transcript_append_point(&t, "B", &P);
    tu_put(&T, "\x01", 1);
    tu_put_str(&T, "B");
    tu_put_frame(&T, penc, 32);

    uint8_t c[64], want[64];
    zk_transcript_challenge_bytes(&t, "c1", c);
    tu_put(&T, "\x02", 1);
    tu_put_str(&T, "c1");
    crypto_hash_sha512(want, T.d, T.n);
    cr_assert_arr_eq(c, want, 64);
    tu_put(&T, c, 64);

    /* a second challenge depends on the first */
    zk_scalar cs, ws;
    zk_transcript_challenge_scalar(&t, "c2", &cs);
    tu_put(&T, "\x02", 1);
    tu_put_str(&T, "c2");
    crypto_hash_sha512(want, T.d, T.n);
    zk_scalar_reduce(&ws, want, 64);
    cr_assert(zk_scalar_eq(&cs, &ws));
    tu_put(&T, want, 64);

    /* streamed append equals one-shot append */
    zk_point pts[3];
    for (int i = 0; i < 3; i++) {
        zk_scalar k;
        zk_scalar_from_u64(&k, (uint64_t)i + 2);
        zk_point_mul_base(&pts[i], &k);
    }
    zk_transcript u = t;
    zk_transcript_append_points(&t, "pts", pts, 3);
    zk_transcript_append_begin(&u, "pts", 96);
    tu_put(&T, "\x01", 1);
    tu_put_str(&T, "pts");
    uint8_t all[96];
    for (int i = 0; i < 3; i++)
        zk_point_encode(all + 32 * i, &pts[i]);
    tu_put_frame(&T, all, 96);
    zk_transcript_stream(&u, all, 50);
    zk_transcript_stream(&u, all + 50, 46);
    uint8_t c3[64], c3u[64];
    zk_transcript_challenge_bytes(&t, "c3", c3);
    zk_transcript_challenge_bytes(&u, "c3", c3u);
    tu_put(&T, "\x02", 1);
    tu_put_str(&T, "c3");
    crypto_hash_sha512(want, T.d, T.n);
    cr_assert_arr_eq(c3, want, 64);
    cr_assert_arr_eq(c3u, want, 64);
}

Test(transcript, framing_prevents_ambiguity)
{
    /* ("ab","c") and ("a","bc") must give different challenges, and so must
     * the same data under different labels or domains. */
    zk_transcript a, b, c, d;
    uint8_t ca[64], cb[64], cc[64], cd[64];
    zk_transcript_init(&a, "dom");
    zk_transcript_append(&a, "ab", (const uint8_t *)"c", 1);
    zk_transcript_init(&b, "dom");
    zk_transcript_append(&b, "a", (const uint8_t *)"bc", 2);
    zk_transcript_init(&c, "dom2");
    zk_transcript_append(&c, "ab", (const uint8_t *)"c", 1);
    zk_transcript_init(&d, "dom");
    zk_transcript_append(&d, "ab", (const uint8_t *)"c", 1);
    zk_transcript_challenge_bytes(&a, "x", ca);
    zk_transcript_challenge_bytes(&b, "x", cb);
    zk_transcript_challenge_bytes(&c, "x", cc);
    zk_transcript_challenge_bytes(&d, "y", cd);
    cr_assert(memcmp(ca, cb, 64) != 0);
    cr_assert(memcmp(ca, cc, 64) != 0);
    cr_assert(memcmp(ca, cd, 64) != 0);
}

Test(transcript, copies_fork_independently)
{
    zk_transcript a, b;
    uint8_t c1[64], c2[64], c3[64];
    zk_transcript_init(&a, "fork");
    b = a;
    zk_transcript_challenge_bytes(&a, "c", c1);
    zk_transcript_challenge_bytes(&b, "c", c2);
    cr_assert_arr_eq(c1, c2, 64);
    zk_transcript_challenge_bytes(&a, "c", c3);   /* same label again: new value */
    cr_assert(memcmp(c1, c3, 64) != 0);
    zk_transcript_wipe(&a);
}

/* zk/transcript.c frames short appends in a buffer and absorbs long ones in
 * pieces: both paths, and their boundaries (data of 0 bytes with a NULL
 * pointer, data filling the buffer exactly and by one byte more, labels
 * too long for it, a long challenge label), give the bytes of the spec. */
Test(transcript, every_framing_path_matches_specification)
{
    cr_assert(sodium_init() >= 0);
    static const size_t lens[] = { 0, 1, 32, 140, 146, 147, 148, 160, 161, 1000 };
    static const size_t llens[] = { 1, 5, 140, 155, 156, 200 };
    uint8_t data[1000];
    char label[201];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    for (size_t a = 0; a < sizeof llens / sizeof llens[0]; a++) {
        memset(label, 'a' + (int)a, llens[a]);
        label[llens[a]] = '\0';
        for (size_t b = 0; b < sizeof lens / sizeof lens[0]; b++) {
            zk_transcript t;
            tu_bytes T = { .n = 0 };
            zk_transcript_init(&t, label);
            tu_put_str(&T, "shroud-transcript-v1");
            tu_put_str(&T, label);
            zk_transcript_append(&t, label, lens[b] == 0 ? NULL : data, lens[b]);
            tu_put(&T, "\x01", 1);
            tu_put_str(&T, label);
            tu_put_frame(&T, data, lens[b]);
            zk_transcript_append_begin(&t, label, lens[b]);
            zk_transcript_stream(&t, data, lens[b]);
            tu_put(&T, "\x01", 1);
            tu_put_str(&T, label);
            tu_put_frame(&T, data, lens[b]);
            uint8_t c[64], want[64];
            zk_transcript_challenge_bytes(&t, label, c);
            tu_put(&T, "\x02", 1);
            tu_put_str(&T, label);
            crypto_hash_sha512(want, T.d, T.n);
            cr_assert_arr_eq(c, want, 64, "label %zu bytes, data %zu bytes", llens[a], lens[b]);
        }
    }
}
