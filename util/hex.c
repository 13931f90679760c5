/* util/hex.c -- strict hex on top of libsodium's constant-time codecs. */
#include "util/hex.h"

#include <string.h>
#include <sodium.h>

int sh_hex_encode(char *out, size_t out_cap, const uint8_t *bin, size_t len)
{
    if (out == NULL || (bin == NULL && len > 0))
        return SH_ERR_ARG;
    /* sodium_bin2hex aborts the process on a short buffer, and 2*len+1
     * must not wrap: check both before calling it. */
    if (len > (SIZE_MAX - 1) / 2 || out_cap < 2 * len + 1)
        return SH_ERR_LENGTH;
    if (len == 0) {
        out[0] = '\0';
        return 0;
    }
    sodium_bin2hex(out, out_cap, bin, len);
    return 0;
}

int sh_hex_encode_buf(sh_buf *out, const uint8_t *bin, size_t len)
{
    if (bin == NULL && len > 0)
        return SH_ERR_ARG;
    if (len > SH_BUF_MAX / 2)
        return SH_ERR_OVERSIZE;
    uint8_t *p;
    int rc = sh_buf_extend(out, 2 * len, &p);
    if (rc != 0)
        return rc;
    /* Table lookups indexed by nibbles would leak secrets through the
     * cache; compute each digit arithmetically, as sodium_bin2hex does
     * (it cannot be called here: it insists on writing a NUL). */
    for (size_t i = 0; i < len; i++) {
        unsigned int c = bin[i] & 0xf;
        unsigned int b = bin[i] >> 4;
        unsigned int x = (unsigned char)(87U + c + (((c - 10U) >> 8) & ~38U)) << 8
                       | (unsigned char)(87U + b + (((b - 10U) >> 8) & ~38U));
        p[2 * i] = (uint8_t)x;
        p[2 * i + 1] = (uint8_t)(x >> 8);
    }
    return 0;
}

/* 1 if every byte of hex[0..len) is a hex digit, else 0, without branching
 * on the characters (they may be digits of a secret key). */
static int all_hex_digits(const char *hex, size_t len)
{
    unsigned int bad = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned int c = (unsigned char)hex[i];
        unsigned int c_num = c ^ 48U;                    /* '0'..'9' -> 0..9 */
        unsigned int c_num0 = (c_num - 10U) >> 8;        /* nonzero iff < 10 */
        unsigned int c_alpha = (c & ~32U) - 55U;         /* 'a'/'A' -> 10 */
        unsigned int c_alpha0 = ((c_alpha - 10U) ^ (c_alpha - 16U)) >> 8;
        bad |= ((c_num0 | c_alpha0) & 1U) ^ 1U;
    }
    return bad == 0;
}

int sh_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                  const char *hex, size_t hex_len)
{
    if (out_len == NULL || (hex == NULL && hex_len > 0)
        || (out == NULL && out_cap > 0))
        return SH_ERR_ARG;
    *out_len = 0;
    if (hex_len % 2 != 0)
        return SH_ERR_FORMAT;
    if (!all_hex_digits(hex, hex_len))
        return SH_ERR_FORMAT;
    if (hex_len / 2 > out_cap)
        return SH_ERR_LENGTH;
    if (hex_len == 0)
        return 0;
    size_t got = 0;
    const char *end = NULL;
    /* ignore = NULL: no character is skipped.  The pre-checks make a
     * failure here impossible; it is still checked, and the end pointer
     * must sit exactly at hex + hex_len. */
    if (sodium_hex2bin(out, out_cap, hex, hex_len, NULL, &got, &end) != 0
        || got != hex_len / 2 || end != hex + hex_len) {
        sodium_memzero(out, out_cap);
        return SH_ERR_FORMAT;
    }
    *out_len = got;
    return 0;
}

int sh_hex_decode_exact(uint8_t *out, size_t out_len,
                        const char *hex, size_t hex_len)
{
    size_t got;
    if (hex == NULL && hex_len > 0)
        return SH_ERR_ARG;
    /* Report malformed text before a length mismatch: "not hex at all" is
     * the more useful message when both apply. */
    if (hex_len % 2 != 0 || !all_hex_digits(hex, hex_len))
        return SH_ERR_FORMAT;
    if (hex_len / 2 != out_len)
        return SH_ERR_LENGTH;
    return sh_hex_decode(out, out_len, &got, hex, hex_len);
}

int sh_hex_decode_exact_str(uint8_t *out, size_t out_len, const char *hex)
{
    if (hex == NULL)
        return SH_ERR_ARG;
    return sh_hex_decode_exact(out, out_len, hex, strlen(hex));
}
