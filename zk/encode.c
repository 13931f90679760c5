/* zk/encode.c -- bytes <-> ristretto255 points by try-and-increment.
 * The layout and its rationale are in zk/encode.h and docs/elgamal.md. */
#include "zk/encode.h"

#include <string.h>
#include <sodium.h>

size_t zk_encode_width(size_t len)
{
    if (len > ZK_ENCODE_MAX_BYTES)
        return 0;
    return (len + ZK_ENCODE_PREFIX_BYTES + ZK_ENCODE_CHUNK_BYTES - 1) / ZK_ENCODE_CHUNK_BYTES;
}

size_t zk_encode_capacity(size_t width)
{
    if (width == 0)
        return 0;
    return width * ZK_ENCODE_CHUNK_BYTES - ZK_ENCODE_PREFIX_BYTES;
}

/* The 32-byte candidate for chunk c and counter t (0..255).  Its field
 * element is < 2^249, so it is always canonical and even; whether it is a
 * group element is what the counter searches for. */
static void candidate(uint8_t b[ZK_POINT_BYTES], const uint8_t c[ZK_ENCODE_CHUNK_BYTES],
                      unsigned t)
{
    b[0] = (uint8_t)((t & 0x7fu) << 1);
    memcpy(b + 1, c, ZK_ENCODE_CHUNK_BYTES);
    b[31] = (uint8_t)(t >> 7);
}

int zk_encode_chunk(zk_point *out, const uint8_t chunk[ZK_ENCODE_CHUNK_BYTES])
{
    uint8_t b[ZK_POINT_BYTES];
    /* The loop exits at the first valid counter: this is the one place the
     * encoding's timing depends on the (secret) chunk; see encode.h. */
    for (unsigned t = 0; t < ZK_ENCODE_MAX_TRIES; t++) {
        candidate(b, chunk, t);
        if (zk_point_decode(out, b) == SH_OK) {
            sodium_memzero(b, sizeof b);
            return SH_OK;
        }
    }
    sodium_memzero(b, sizeof b);
    zk_point_identity(out);
    return SH_ERR_INTERNAL;
}

int zk_decode_chunk(uint8_t chunk[ZK_ENCODE_CHUNK_BYTES], const zk_point *p)
{
    uint8_t b[ZK_POINT_BYTES], c[ZK_POINT_BYTES];
    zk_point tmp;
    int rc = SH_OK;

    zk_point_encode(b, p);
    /* Bit 0 of b[0] is always clear in a canonical encoding; b[31] carries
     * the counter's top bit and must be 0 or 1. */
    if (b[31] > 1) {
        rc = SH_ERR_NONCANONICAL;
        goto out;
    }
    unsigned t = (unsigned)(b[0] >> 1) | ((unsigned)b[31] << 7);
    /* Injectivity: the encoder stops at the first valid counter, so every
     * smaller counter must fail for this to be the encoder's output. */
    for (unsigned u = 0; u < t; u++) {
        candidate(c, b + 1, u);
        if (zk_point_decode(&tmp, c) == SH_OK) {
            rc = SH_ERR_NONCANONICAL;
            goto out;
        }
    }
    memcpy(chunk, b + 1, ZK_ENCODE_CHUNK_BYTES);
out:
    if (rc != SH_OK)
        memset(chunk, 0, ZK_ENCODE_CHUNK_BYTES);
    sodium_memzero(b, sizeof b);
    sodium_memzero(c, sizeof c);
    zk_point_wipe(&tmp);
    return rc;
}

int zk_encode_bytes(zk_point *out, size_t width, const uint8_t *msg, size_t len)
{
    if (out == NULL || (msg == NULL && len > 0))
        return SH_ERR_ARG;
    if (len > ZK_ENCODE_MAX_BYTES)
        return SH_ERR_OVERSIZE;
    if (width != zk_encode_width(len))
        return SH_ERR_ARG;

    uint8_t chunk[ZK_ENCODE_CHUNK_BYTES];
    int rc = SH_OK;
    /* Position k of the frame F = u16le(len) || msg || zero padding. */
    for (size_t j = 0; j < width; j++) {
        for (size_t i = 0; i < ZK_ENCODE_CHUNK_BYTES; i++) {
            size_t k = j * ZK_ENCODE_CHUNK_BYTES + i;
            if (k == 0)
                chunk[i] = (uint8_t)(len & 0xff);
            else if (k == 1)
                chunk[i] = (uint8_t)(len >> 8);
            else if (k - ZK_ENCODE_PREFIX_BYTES < len)
                chunk[i] = msg[k - ZK_ENCODE_PREFIX_BYTES];
            else
                chunk[i] = 0;
        }
        rc = zk_encode_chunk(&out[j], chunk);
        if (rc != SH_OK)
            break;
    }
    sodium_memzero(chunk, sizeof chunk);
    if (rc != SH_OK)
        sodium_memzero(out, width * sizeof *out);
    return rc;
}

int zk_decode_bytes(uint8_t *out, size_t out_cap, size_t *out_len,
                    const zk_point *p, size_t width)
{
    if (out_len == NULL || p == NULL || (out == NULL && out_cap > 0))
        return SH_ERR_ARG;
    *out_len = 0;
    if (width == 0)
        return SH_ERR_LENGTH;
    if (width > ZK_ENCODE_MAX_WIDTH)
        return SH_ERR_OVERSIZE;

    uint8_t chunk[ZK_ENCODE_CHUNK_BYTES];
    size_t len = 0;
    int rc = zk_decode_chunk(chunk, &p[0]);
    if (rc != SH_OK)
        goto out;
    len = (size_t)chunk[0] | ((size_t)chunk[1] << 8);
    size_t need = zk_encode_width(len);
    if (need > width) {
        rc = SH_ERR_TRUNCATED;
        goto out;
    }
    if (need < width) {
        rc = SH_ERR_TRAILING;
        goto out;
    }
    if (len > out_cap) {
        rc = SH_ERR_OVERSIZE;
        goto out;
    }
    for (size_t j = 0; j < width; j++) {
        if (j > 0 && (rc = zk_decode_chunk(chunk, &p[j])) != SH_OK)
            goto out;
        for (size_t i = 0; i < ZK_ENCODE_CHUNK_BYTES; i++) {
            size_t k = j * ZK_ENCODE_CHUNK_BYTES + i;
            if (k < ZK_ENCODE_PREFIX_BYTES)
                continue;
            if (k - ZK_ENCODE_PREFIX_BYTES < len) {
                out[k - ZK_ENCODE_PREFIX_BYTES] = chunk[i];
            } else if (chunk[i] != 0) {
                rc = SH_ERR_NONCANONICAL;
                goto out;
            }
        }
    }
    *out_len = len;
out:
    sodium_memzero(chunk, sizeof chunk);
    if (rc != SH_OK && out_cap > 0)
        sodium_memzero(out, out_cap);
    return rc;
}
