/* tests/test_util_hex.c -- strict hex encoding and decoding. */
#include <criterion/criterion.h>
#include <string.h>
#include "util/hex.h"

Test(hex, encode_known)
{
    static const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
    char out[13];
    cr_assert_eq(sh_hex_encode(out, sizeof out, in, sizeof in), 0);
    cr_assert_str_eq(out, "00017f80abff");
    cr_assert_eq(sh_hex_encode(out, 1, in, 0), 0);
    cr_assert_str_eq(out, "");
    /* One byte short (no room for the NUL) */
    memset(out, 'Z', sizeof out);
    cr_assert_eq(sh_hex_encode(out, 12, in, sizeof in), SH_ERR_LENGTH);
    cr_assert_eq(out[0], 'Z', "output untouched on error");
    cr_assert_eq(sh_hex_encode(out, 0, in, 0), SH_ERR_LENGTH);
    cr_assert_eq(sh_hex_encode(out, sizeof out, in, SIZE_MAX), SH_ERR_LENGTH);
    cr_assert_eq(sh_hex_encode(out, sizeof out, NULL, 1), SH_ERR_ARG);

    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(sh_buf_append_str(&b, "k="), 0);
    cr_assert_eq(sh_hex_encode_buf(&b, in, sizeof in), 0);
    cr_assert_eq(b.len, 14);
    cr_assert_arr_eq(b.data, "k=00017f80abff", 14);
    sh_buf_free(&b);
}

Test(hex, round_trip_every_byte_and_length)
{
    uint8_t in[256], back[256];
    char txt[513];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)(255 - i);
    for (size_t n = 0; n <= 256; n++) {
        cr_assert_eq(sh_hex_encode(txt, sizeof txt, in, n), 0);
        cr_assert_eq(strlen(txt), 2 * n);
        size_t got = 99;
        cr_assert_eq(sh_hex_decode(back, sizeof back, &got, txt, 2 * n), 0);
        cr_assert_eq(got, n);
        cr_assert_arr_eq(back, in, n);
        cr_assert_eq(sh_hex_decode_exact(back, n, txt, 2 * n), 0);
        cr_assert_arr_eq(back, in, n);
        /* encode_buf agrees with encode */
        sh_buf b;
        sh_buf_init(&b);
        cr_assert_eq(sh_hex_encode_buf(&b, in, n), 0);
        cr_assert_eq(b.len, 2 * n);
        if (n > 0)
            cr_assert_arr_eq(b.data, txt, 2 * n);
        sh_buf_free(&b);
    }
}

Test(hex, upper_and_mixed_case)
{
    uint8_t out[4];
    cr_assert_eq(sh_hex_decode_exact_str(out, 4, "DEADbeef"), 0);
    static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef };
    cr_assert_arr_eq(out, want, 4);
    cr_assert_eq(sh_hex_decode_exact_str(out, 4, "AbCdEf09"), 0);
}

Test(hex, every_non_digit_byte_is_rejected_in_every_position)
{
    uint8_t out[3];
    size_t n;
    for (int c = 0; c < 256; c++) {
        int digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F');
        for (int pos = 0; pos < 6; pos++) {
            char txt[6];
            memcpy(txt, "a1b2c3", 6);
            txt[pos] = (char)c;
            int rc = sh_hex_decode(out, sizeof out, &n, txt, 6);
            if (digit) {
                cr_assert_eq(rc, 0);
            } else {
                cr_assert_eq(rc, SH_ERR_FORMAT, "byte 0x%02x at %d accepted", c, pos);
                cr_assert_eq(n, 0);
                cr_assert_eq(sh_hex_decode_exact(out, 3, txt, 6), SH_ERR_FORMAT);
            }
        }
    }
}

Test(hex, malformed_text)
{
    uint8_t out[8];
    size_t n;
    /* odd lengths */
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "abc", 3), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "a", 1), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode_exact(out, 1, "abc", 3), SH_ERR_FORMAT);
    /* separators libsodium could be told to ignore */
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "ab cd", 5), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "ab:cd:", 6), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "abcd\n", 5), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, " abcd ", 6), SH_ERR_FORMAT);
    /* prefix, trailing garbage, NUL inside the given length */
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "0xabcd", 6), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "abcdzz", 6), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode(out, sizeof out, &n, "ab\0d", 4), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode_exact_str(out, 2, "abcd\n"), SH_ERR_FORMAT);
    cr_assert_eq(sh_hex_decode_exact_str(out, 2, "abcdg"), SH_ERR_FORMAT);
    /* non-ASCII look-alikes */
    cr_assert_eq(sh_hex_decode_exact_str(out, 2, "ab\xef\xbc\xa1"), SH_ERR_FORMAT);
}

Test(hex, lengths)
{
    uint8_t out[8];
    size_t n = 5;
    memset(out, 0x55, sizeof out);
    cr_assert_eq(sh_hex_decode(out, 2, &n, "aabbcc", 6), SH_ERR_LENGTH);
    cr_assert_eq(n, 0);
    cr_assert_eq(sh_hex_decode(out, 3, &n, "aabbcc", 6), 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(sh_hex_decode(out, 8, &n, "", 0), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(sh_hex_decode(NULL, 0, &n, "", 0), 0);
    cr_assert_eq(sh_hex_decode(NULL, 0, &n, "aa", 2), SH_ERR_LENGTH);
    /* exact: one short, one long, empty */
    cr_assert_eq(sh_hex_decode_exact(out, 4, "aabbcc", 6), SH_ERR_LENGTH);
    cr_assert_eq(sh_hex_decode_exact(out, 2, "aabbcc", 6), SH_ERR_LENGTH);
    cr_assert_eq(sh_hex_decode_exact(out, 3, "aabbcc", 6), 0);
    cr_assert_eq(sh_hex_decode_exact_str(out, 1, ""), SH_ERR_LENGTH);
    cr_assert_eq(sh_hex_decode_exact_str(out, 0, ""), 0);
    /* arguments */
    cr_assert_eq(sh_hex_decode(out, 8, NULL, "aa", 2), SH_ERR_ARG);
    cr_assert_eq(sh_hex_decode(out, 8, &n, NULL, 2), SH_ERR_ARG);
    cr_assert_eq(sh_hex_decode_exact_str(out, 1, NULL), SH_ERR_ARG);
}
