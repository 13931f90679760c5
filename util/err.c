/* util/err.c -- text for error codes. */
#include <stdarg.h>
#include <stdio.h>

#include "util/err.h"

const char *sh_err_str(int code)
{
    switch ((sh_err)code) {
    case SH_OK: return "success";
    case SH_ERR_NOMEM: return "out of memory";
    case SH_ERR_ARG: return "invalid argument";
    case SH_ERR_TRUNCATED: return "input is truncated";
    case SH_ERR_TRAILING: return "trailing bytes after the value";
    case SH_ERR_TYPE: return "wrong type";
    case SH_ERR_OVERSIZE: return "value exceeds its size limit";
    case SH_ERR_NONCANONICAL: return "encoding is not canonical";
    case SH_ERR_POINT: return "bytes do not encode a group element";
    case SH_ERR_IDENTITY: return "identity element not allowed here";
    case SH_ERR_ZERO: return "zero scalar not allowed here";
    case SH_ERR_VERIFY: return "verification failed";
    case SH_ERR_RANGE: return "value out of range";
    case SH_ERR_FORMAT: return "malformed input text";
    case SH_ERR_IO: return "I/O error";
    case SH_ERR_STATE: return "operation not allowed in this state";
    case SH_ERR_VERSION: return "unsupported version";
    case SH_ERR_LENGTH: return "wrong length";
    case SH_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

void sh_errf(char *err, size_t n, const char *fmt, ...)
{
    if (err == NULL || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}
