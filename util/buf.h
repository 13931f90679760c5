/* util/buf.h -- growable byte buffers.
 *
 * An sh_buf owns a heap block data[0..cap) of which data[0..len) is in use.
 * Buffers routinely hold serialized secrets (shares, keys, plaintexts), so
 * memory is never handed back to the allocator with its contents intact:
 * growth copies into a fresh block and wipes the old one (no realloc, which
 * could leave a stale copy behind), and sh_buf_free / sh_buf_reset wipe.
 *
 * Every buffer has a hard size limit: SH_BUF_MAX, or a smaller per-buffer
 * limit set with sh_buf_init_max (for example the largest message a decoder
 * will accept).  Growth past the limit fails with SH_ERR_OVERSIZE and leaves
 * the buffer unchanged; allocation failure gives SH_ERR_NOMEM, also leaving
 * it unchanged.  A zero-initialised sh_buf ({0}) is a valid empty buffer
 * with the default limit.
 */
#ifndef SHROUD_UTIL_BUF_H
#define SHROUD_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* 1 GiB: far beyond any message or file shroud handles, small enough that
 * size arithmetic never overflows. */
#define SH_BUF_MAX ((size_t)1 << 30)

typedef struct sh_buf {
    uint8_t *data;   /* NULL while cap == 0 */
    size_t len;      /* bytes in use */
    size_t cap;      /* bytes allocated */
    size_t max;      /* hard limit on len; 0 means SH_BUF_MAX */
} sh_buf;

/* An empty buffer with the default limit (allocates nothing). */
void sh_buf_init(sh_buf *b);
/* An empty buffer whose length may never exceed max (clamped to
 * SH_BUF_MAX; 0 means SH_BUF_MAX). */
void sh_buf_init_max(sh_buf *b, size_t max);
/* Wipe and release the storage; the buffer is empty and reusable after,
 * with its limit kept.  NULL is a no-op. */
void sh_buf_free(sh_buf *b);
/* Wipe the contents and set len to 0, keeping the storage for reuse. */
void sh_buf_reset(sh_buf *b);
/* Shrink to new_len (<= len), wiping the dropped tail; SH_ERR_ARG if
 * new_len > len. */
int sh_buf_truncate(sh_buf *b, size_t new_len) SH_WUR;

/* Make room for at least `extra` more bytes without changing len. */
int sh_buf_reserve(sh_buf *b, size_t extra) SH_WUR;
/* Append n bytes (p may be NULL only when n == 0). */
int sh_buf_append(sh_buf *b, const void *p, size_t n) SH_WUR;
int sh_buf_append_u8(sh_buf *b, uint8_t v) SH_WUR;
int sh_buf_append_u16be(sh_buf *b, uint16_t v) SH_WUR;
int sh_buf_append_u32be(sh_buf *b, uint32_t v) SH_WUR;
int sh_buf_append_u64be(sh_buf *b, uint64_t v) SH_WUR;
int sh_buf_append_u32le(sh_buf *b, uint32_t v) SH_WUR;
int sh_buf_append_u64le(sh_buf *b, uint64_t v) SH_WUR;
/* Append the bytes of a NUL-terminated string, without the NUL. */
int sh_buf_append_str(sh_buf *b, const char *s) SH_WUR;
/* Append n zero bytes and return a pointer to them in *out, for callers
 * that write in place (the pointer is valid until the next growth). */
int sh_buf_extend(sh_buf *b, size_t n, uint8_t **out) SH_WUR;

#endif
