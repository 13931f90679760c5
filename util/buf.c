/* util/buf.c -- growable byte buffers that wipe what they release. */
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static size_t buf_limit(const sh_buf *b)
{
    return (b->max == 0 || b->max > SH_BUF_MAX) ? SH_BUF_MAX : b->max;
}

void sh_buf_init(sh_buf *b)
{
    sh_buf_init_max(b, 0);
}

void sh_buf_init_max(sh_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = (max == 0 || max > SH_BUF_MAX) ? SH_BUF_MAX : max;
}

void sh_buf_free(sh_buf *b)
{
    if (b == NULL)
        return;
    if (b->data != NULL) {
        sodium_memzero(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sh_buf_reset(sh_buf *b)
{
    if (b->data != NULL)
        sodium_memzero(b->data, b->len);
    b->len = 0;
}

int sh_buf_truncate(sh_buf *b, size_t new_len)
{
    if (new_len > b->len)
        return SH_ERR_ARG;
    if (new_len < b->len)
        sodium_memzero(b->data + new_len, b->len - new_len);
    b->len = new_len;
    return 0;
}

int sh_buf_reserve(sh_buf *b, size_t extra)
{
    size_t limit = buf_limit(b);
    /* len <= limit always holds, so limit - len cannot wrap; comparing
     * this way avoids computing len + extra, which could. */
    if (b->len > limit || extra > limit - b->len)
        return SH_ERR_OVERSIZE;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    /* Grow geometrically (amortised O(1) appends) but never past the
     * limit; the limit is at most 2^30 so doubling cannot overflow. */
    size_t ncap = b->cap < 64 ? 64 : b->cap;
    while (ncap < need)
        ncap *= 2;
    if (ncap > limit)
        ncap = limit;
    uint8_t *nd = malloc(ncap);
    if (nd == NULL)
        return SH_ERR_NOMEM;
    if (b->data != NULL) {
        memcpy(nd, b->data, b->len);
        sodium_memzero(b->data, b->cap);
        free(b->data);
    }
    b->data = nd;
    b->cap = ncap;
    return 0;
}

int sh_buf_append(sh_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p == NULL)
        return SH_ERR_ARG;
    int rc = sh_buf_reserve(b, n);
    if (rc != 0)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int sh_buf_append_u8(sh_buf *b, uint8_t v)
{
    return sh_buf_append(b, &v, 1);
}

int sh_buf_append_u16be(sh_buf *b, uint16_t v)
{
    uint8_t t[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    return sh_buf_append(b, t, sizeof t);
}

int sh_buf_append_u32be(sh_buf *b, uint32_t v)
{
    uint8_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = (uint8_t)(v >> (8 * (3 - i)));
    return sh_buf_append(b, t, sizeof t);
}

int sh_buf_append_u64be(sh_buf *b, uint64_t v)
{
    uint8_t t[8];
    for (int i = 0; i < 8; i++)
        t[i] = (uint8_t)(v >> (8 * (7 - i)));
    return sh_buf_append(b, t, sizeof t);
}

int sh_buf_append_u32le(sh_buf *b, uint32_t v)
{
    uint8_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = (uint8_t)(v >> (8 * i));
    return sh_buf_append(b, t, sizeof t);
}

int sh_buf_append_u64le(sh_buf *b, uint64_t v)
{
    uint8_t t[8];
    for (int i = 0; i < 8; i++)
        t[i] = (uint8_t)(v >> (8 * i));
    return sh_buf_append(b, t, sizeof t);
}

int sh_buf_append_str(sh_buf *b, const char *s)
{
    if (s == NULL)
        return SH_ERR_ARG;
    return sh_buf_append(b, s, strlen(s));
}

int sh_buf_extend(sh_buf *b, size_t n, uint8_t **out)
{
    int rc = sh_buf_reserve(b, n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memset(b->data + b->len, 0, n);
    if (out != NULL)
        *out = b->data == NULL ? NULL : b->data + b->len;
    b->len += n;
    return 0;
}
