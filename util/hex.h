/* util/hex.h -- strict hexadecimal encoding.
 *
 * Encoding produces lowercase hex.  Decoding accepts upper- and lowercase
 * digits and nothing else: no whitespace, no separators, no "0x" prefix,
 * no odd length, no trailing characters.  Keys and hashes are exchanged in
 * hex (config files, JSON, the CLI), and a lenient decoder would let two
 * different strings name the same key, or a truncated paste pass silently.
 *
 * Errors:
 *   SH_ERR_FORMAT  odd length, or a character that is not a hex digit
 *                  (including NUL bytes within hex_len)
 *   SH_ERR_LENGTH  the decoded length does not fit out_cap, or (exact
 *                  variant) differs from the required length; also an
 *                  output buffer too small for encoding
 * Digits are validated without branching on their values, and the
 * conversion itself is libsodium's constant-time sodium_hex2bin /
 * sodium_bin2hex, so secrets may be decoded and encoded.
 */
#ifndef SHROUD_UTIL_HEX_H
#define SHROUD_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"

/* Characters needed to encode len bytes, excluding the NUL (2 * len). */
#define SH_HEX_LEN(len) (2 * (size_t)(len))

/* Write 2*len lowercase hex digits and a NUL to out; out_cap must be at
 * least 2*len + 1 (else SH_ERR_LENGTH, out untouched). */
int sh_hex_encode(char *out, size_t out_cap, const uint8_t *bin, size_t len) SH_WUR;
/* Append 2*len hex digits (no NUL) to a buffer. */
int sh_hex_encode_buf(sh_buf *out, const uint8_t *bin, size_t len) SH_WUR;

/* Decode hex[0..hex_len) into out[0..out_cap); *out_len receives
 * hex_len / 2.  On error *out_len is 0 and out holds nothing decoded
 * (the text is validated before anything is written). */
int sh_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len,
                  const char *hex, size_t hex_len) SH_WUR;
/* Decode exactly out_len bytes: hex_len must be exactly 2 * out_len. */
int sh_hex_decode_exact(uint8_t *out, size_t out_len,
                        const char *hex, size_t hex_len) SH_WUR;
/* Convenience for NUL-terminated strings. */
int sh_hex_decode_exact_str(uint8_t *out, size_t out_len, const char *hex) SH_WUR;

#endif
