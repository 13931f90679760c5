/* util/err.h -- error codes shared by every module.
 *
 * Functions return 0 on success and a negative SH_ERR_* code on failure
 * (libsodium style: test with `!= 0`).  Codes are specific enough that a
 * caller can tell a user *what* was wrong with an input ("scalar encoding is
 * not canonical", "trailing bytes after message") without a second channel.
 */
#ifndef SHROUD_UTIL_ERR_H
#define SHROUD_UTIL_ERR_H

#define SH_WUR __attribute__((warn_unused_result))

typedef enum sh_err {
    SH_OK = 0,
    SH_ERR_NOMEM = -1,          /* allocation failed */
    SH_ERR_ARG = -2,            /* invalid argument from the caller (a bug) */
    SH_ERR_TRUNCATED = -3,      /* input ended early */
    SH_ERR_TRAILING = -4,       /* bytes left over after a complete value */
    SH_ERR_TYPE = -5,           /* wrong msgpack/JSON type */
    SH_ERR_OVERSIZE = -6,       /* a field or message exceeds its limit */
    SH_ERR_NONCANONICAL = -7,   /* an encoding that is not the canonical one */
    SH_ERR_POINT = -8,          /* bytes that encode no group element */
    SH_ERR_IDENTITY = -9,       /* the identity element where it is forbidden */
    SH_ERR_ZERO = -10,          /* a zero scalar where it is forbidden */
    SH_ERR_VERIFY = -11,        /* a proof or signature does not verify */
    SH_ERR_RANGE = -12,         /* a number out of its allowed range */
    SH_ERR_FORMAT = -13,        /* malformed text (hex, JSON, ...) */
    SH_ERR_IO = -14,            /* a file or OS call failed */
    SH_ERR_STATE = -15,         /* operation not valid in the current state */
    SH_ERR_VERSION = -16,       /* unsupported format version */
    SH_ERR_LENGTH = -17,        /* a length that does not match what is needed */
    SH_ERR_INTERNAL = -18       /* an invariant broke: report a bug */
} sh_err;

/* Human-readable text for an error code; never NULL. */
const char *sh_err_str(int code);

#include <stddef.h>
/* Format a message into err[0..n) for a caller's `char *err, size_t n`
 * out-parameter (always NUL-terminated, cut if too long); a no-op when err
 * is NULL or n is 0. */
void sh_errf(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
