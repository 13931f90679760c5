/* tests/test_util_sha256.c -- SHA-256 and HMAC-SHA256 through libcrypto
 * (util/sha256.h): known answers, agreement with libsodium on every
 * length and split, argument errors. */
#include <criterion/criterion.h>
#include <string.h>
#include <sodium.h>
#include "util/hex.h"
#include "util/sha256.h"

static sh_sha256 *h;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    cr_assert_not_null(h = sh_sha256_new());
}

static void teardown(void)
{
    sh_sha256_free(h);
}

TestSuite(sha256, .init = setup, .fini = teardown);

static void want_hex(const uint8_t got[32], const char *hex, const char *what)
{
    uint8_t want[32];
    cr_assert_eq(sh_hex_decode_exact_str(want, sizeof want, hex), 0);
    cr_assert_arr_eq(got, want, 32, "%s differs", what);
}

/* FIPS 180-2 appendix B.1 and B.2, and the empty message. */
Test(sha256, known_answers)
{
    uint8_t out[32];
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_assert_eq(sh_sha256_2(h, out, (const uint8_t *)"abc", 3, NULL, 0), 0);
    want_hex(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
    cr_assert_eq(sh_sha256_2(h, out, (const uint8_t *)two, 20, (const uint8_t *)two + 20,
                             strlen(two) - 20), 0);
    want_hex(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "B.2");
    cr_assert_eq(sh_sha256_2(h, out, NULL, 0, NULL, 0), 0);
    want_hex(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
}

/* RFC 4231 test cases 1, 2 and 6 (a key longer than the block). */
Test(sha256, hmac_known_answers)
{
    uint8_t out[32], key[131];
    memset(key, 0x0b, 20);
    cr_assert_eq(sh_hmac_sha256_2(h, out, key, 20, (const uint8_t *)"Hi ", 3,
                                  (const uint8_t *)"There", 5), 0);
    want_hex(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "case 1");
    const char *d2 = "what do ya want for nothing?";
    cr_assert_eq(sh_hmac_sha256_2(h, out, (const uint8_t *)"Jefe", 4, (const uint8_t *)d2,
                                  strlen(d2), NULL, 0), 0);
    want_hex(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "case 2");
    const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    memset(key, 0xaa, sizeof key);
    cr_assert_eq(sh_hmac_sha256_2(h, out, key, sizeof key, (const uint8_t *)d6, strlen(d6),
                                  NULL, 0), 0);
    want_hex(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", "case 6");
}

/* Every length up to a few blocks past 1300 (the onion's HMAC input),
 * split at several points, against libsodium; HMAC keys of every length
 * around the block size. */
Test(sha256, agrees_with_libsodium)
{
    static uint8_t msg[1400];
    randombytes_buf(msg, sizeof msg);
    for (size_t len = 0; len <= sizeof msg; len += (len < 200 ? 1 : 37)) {
        uint8_t want[32], got[32];
        crypto_hash_sha256(want, msg, len);
        size_t cuts[] = { 0, len / 3, len / 2, len };
        for (size_t c = 0; c < 4; c++) {
            size_t a = cuts[c];
            cr_assert_eq(sh_sha256_2(h, got, msg, a, msg + a, len - a), 0);
            cr_assert_arr_eq(got, want, 32, "sha256 length %zu split %zu", len, a);
        }
        uint8_t key[140];
        size_t klen = len % sizeof key;
        randombytes_buf(key, sizeof key);
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, key, klen);
        crypto_auth_hmacsha256_update(&st, msg, len);
        crypto_auth_hmacsha256_final(&st, want);
        for (size_t c = 0; c < 4; c++) {
            size_t a = cuts[c];
            cr_assert_eq(sh_hmac_sha256_2(h, got, key, klen, msg, a, msg + a, len - a), 0);
            cr_assert_arr_eq(got, want, 32, "hmac length %zu key %zu split %zu", len, klen, a);
        }
    }
}

/* A context is reusable after each call: no state carries over. */
Test(sha256, calls_are_independent)
{
    uint8_t a[32], b[32];
    cr_assert_eq(sh_sha256_2(h, a, (const uint8_t *)"x", 1, NULL, 0), 0);
    cr_assert_eq(sh_hmac_sha256_2(h, b, (const uint8_t *)"k", 1, (const uint8_t *)"y", 1,
                                  NULL, 0), 0);
    cr_assert_eq(sh_sha256_2(h, b, (const uint8_t *)"x", 1, NULL, 0), 0);
    cr_assert_arr_eq(a, b, 32);
    cr_assert_eq(sh_hmac_sha256_2(h, a, (const uint8_t *)"k", 1, (const uint8_t *)"y", 1,
                                  NULL, 0), 0);
    cr_assert_eq(sh_hmac_sha256_2(h, b, (const uint8_t *)"k", 1, (const uint8_t *)"y", 1,
                                  NULL, 0), 0);
    cr_assert_arr_eq(a, b, 32);
}

Test(sha256, bad_arguments)
{
    uint8_t out[32];
    cr_assert_eq(sh_sha256_2(NULL, out, NULL, 0, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sh_sha256_2(h, NULL, NULL, 0, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sh_sha256_2(h, out, NULL, 1, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sh_sha256_2(h, out, out, 1, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(sh_hmac_sha256_2(h, out, NULL, 0, out, 1, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sh_hmac_sha256_2(h, out, out, 1, NULL, 2, NULL, 0), SH_ERR_ARG);
    cr_assert_eq(sh_hmac_sha256_2(NULL, out, out, 1, NULL, 0, NULL, 0), SH_ERR_ARG);
    sh_sha256_free(NULL);
}
