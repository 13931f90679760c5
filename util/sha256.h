/* util/sha256.h -- SHA-256 and HMAC-SHA256 over bulk data, through OpenSSL's
 * libcrypto.
 *
 * Why not libsodium's: its SHA-256 is portable C (about 200 ns a 64-byte
 * block on the project's machines), while libcrypto uses the CPU's SHA
 * extensions or AVX2 (about 50 ns).  BOLT 4 hashes each packet's whole
 * routing information with HMAC-SHA256, which made hashing the largest
 * non-elliptic-curve cost of peeling an onion (docs/design-notes.md,
 * "SHA-256 through libcrypto").  libcrypto's per-call set-up (a few
 * hundred ns) exceeds the saving on inputs of a block or two, so short
 * hashes with precomputed states stay in libsodium.
 *
 * An sh_sha256 holds libcrypto contexts and is not thread-safe: one per
 * thread or per protocol instance.  Nothing secret outlives a call: the
 * digest context is reset (libcrypto clears it) and each HMAC runs in a
 * context of its own, cleared when freed.  Errors: 0, or SH_ERR_NOMEM /
 * SH_ERR_INTERNAL when libcrypto fails (out of memory).
 */
#ifndef SHROUD_UTIL_SHA256_H
#define SHROUD_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define SH_SHA256_BYTES 32

typedef struct sh_sha256 sh_sha256;

/* NULL if libcrypto cannot provide SHA-256 or HMAC, or out of memory. */
sh_sha256 *sh_sha256_new(void);
void sh_sha256_free(sh_sha256 *h);            /* NULL-safe */

/* out = SHA256(a || b); b may be NULL when blen is 0. */
SH_WUR int sh_sha256_2(sh_sha256 *h, uint8_t out[SH_SHA256_BYTES], const uint8_t *a,
                       size_t alen, const uint8_t *b, size_t blen);

/* out = HMAC-SHA256(key, a || b) (RFC 2104); b may be NULL when blen is 0. */
SH_WUR int sh_hmac_sha256_2(sh_sha256 *h, uint8_t out[SH_SHA256_BYTES], const uint8_t *key,
                            size_t klen, const uint8_t *a, size_t alen, const uint8_t *b,
                            size_t blen);

#endif
