/* fuzz/fuzz_elgamal_decode.c -- the ElGamal wire decoder and the decoding
 * of point vectors back into bytes, on arbitrary input.
 *
 * The first byte picks a mode, the rest is the input:
 *   0  wire bytes into zk_elgamal_ct_decode (and decode_width, and the
 *      proof check of verify_wire with the first 64 bytes as a proof);
 *   1  32-byte blocks as point encodings into zk_decode_bytes;
 *   2  30-byte blocks as chunks, turned into points by the encoder, into
 *      zk_decode_bytes (reaches the length and padding checks, which
 *      random point encodings almost never do).
 * Properties: never crashes; only documented error codes; whatever decodes
 * re-encodes to exactly the input bytes (the decoders accept canonical
 * forms only), and the two classes of bad point bytes are told apart as
 * documented. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/elgamal.h"
#include "zk/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_POINTS 256     /* mode 1 and 2 vectors; enough to cover the logic */

static zk_elgamal_ct g_ct[ZK_ELGAMAL_MAX_WIDTH];
static uint8_t g_buf[2 + 64 * ZK_ELGAMAL_MAX_WIDTH];
static zk_point g_pts[MAX_POINTS];
static uint8_t g_msg[30 * MAX_POINTS];

/* The field element of b is canonical (< p = 2^255 - 19, top bit clear). */
static int fe_canonical(const uint8_t b[32])
{
    if (b[31] & 0x80)
        return 0;
    if (b[31] != 0x7f || b[0] < 0xed)
        return 1;
    for (size_t i = 1; i < 31; i++)
        if (b[i] != 0xff)
            return 1;
    return 0;
}

static void mode_wire(const uint8_t *in, size_t len)
{
    size_t w = 12345, w2 = 12345;
    int rc = zk_elgamal_ct_decode(g_ct, ZK_ELGAMAL_MAX_WIDTH, &w, in, len);
    int rw = zk_elgamal_ct_decode_width(&w2, in, len);
    if (rc == 0) {
        if (rw != 0 || w2 != w || w == 0 || len != zk_elgamal_ct_size(w))
            abort();
        if (zk_elgamal_ct_encode(g_buf, len, g_ct, w) != 0 || memcmp(g_buf, in, len) != 0)
            abort();
    } else {
        if (w != 0)
            abort();
        if (rc != SH_ERR_TRUNCATED && rc != SH_ERR_TRAILING && rc != SH_ERR_RANGE &&
            rc != SH_ERR_OVERSIZE && rc != SH_ERR_POINT && rc != SH_ERR_NONCANONICAL)
            abort();
        /* Header errors are the same in both; point errors only in full. */
        if (rw != 0 ? rw != rc : (rc != SH_ERR_POINT && rc != SH_ERR_NONCANONICAL))
            abort();
    }

    /* Each block's verdict and class, against libdecaf via zk_point_decode. */
    for (size_t off = 0; off + 32 <= len; off += 32) {
        zk_point p, q;
        int a = zk_elgamal_point_decode(&p, in + off);
        int b = zk_point_decode(&q, in + off);
        if ((a == 0) != (b == 0))
            abort();
        if (a != 0 && a != (fe_canonical(in + off) ? SH_ERR_POINT : SH_ERR_NONCANONICAL))
            abort();
    }

    /* verify_wire: the first 64 bytes as a proof over the rest, under a
     * fixed key.  Forging is infeasible, so it must fail, cleanly. */
    if (len >= 64 && len <= 64 + 2 + 64 * 16) {
        zk_point pk;
        zk_scalar one;
        zk_scalar_from_u64(&one, 7);
        zk_point_mul_base(&pk, &one);
        rc = zk_elgamal_verify_wire(in, &pk, in + 64, len - 64, (const uint8_t *)"fuzz", 4,
                                    g_ct, 16, &w);
        if (rc == 0 || w != 0)
            abort();
    }
}

/* Check a vector that zk_decode_bytes saw: on success the message must
 * encode back to the very same points. */
static void check_vector(size_t n, int rc, size_t len)
{
    if (rc == 0) {
        if (len > zk_encode_capacity(n) || zk_encode_width(len) != n)
            abort();
        static zk_point again[MAX_POINTS];
        if (zk_encode_bytes(again, n, g_msg, len) != 0)
            abort();
        for (size_t j = 0; j < n; j++)
            if (!zk_point_eq(&again[j], &g_pts[j]))
                abort();
    } else {
        if (len != 0)
            abort();
        if (rc != SH_ERR_LENGTH && rc != SH_ERR_NONCANONICAL && rc != SH_ERR_TRUNCATED &&
            rc != SH_ERR_TRAILING)
            abort();
    }
}

static void mode_points(const uint8_t *in, size_t size)
{
    size_t n = size / 32;
    if (n > MAX_POINTS)
        n = MAX_POINTS;
    for (size_t j = 0; j < n; j++)
        if (zk_point_decode(&g_pts[j], in + 32 * j) != 0)
            return;
    size_t len = 99;
    int rc = zk_decode_bytes(g_msg, sizeof g_msg, &len, g_pts, n);
    check_vector(n, rc, len);
    /* Each point alone: a chunk that decodes is the encoder's own. */
    for (size_t j = 0; j < n; j++) {
        uint8_t c[30], b[32];
        zk_point p;
        if (zk_decode_chunk(c, &g_pts[j]) != 0)
            continue;
        if (zk_encode_chunk(&p, c) != 0)
            abort();
        zk_point_encode(b, &p);
        if (memcmp(b, in + 32 * j, 32) != 0)
            abort();
    }
}

static void mode_chunks(const uint8_t *in, size_t size)
{
    size_t n = size / 30;
    if (n > MAX_POINTS)
        n = MAX_POINTS;
    for (size_t j = 0; j < n; j++)
        if (zk_encode_chunk(&g_pts[j], in + 30 * j) != 0)
            abort();
    size_t len = 99;
    int rc = zk_decode_bytes(g_msg, sizeof g_msg, &len, g_pts, n);
    check_vector(n, rc, len);
    if (n == 0)
        return;
    /* Independently: the frame is valid iff its prefix gives exactly n
     * points and every byte after the message is zero. */
    size_t flen = (size_t)in[0] | ((size_t)in[1] << 8);
    int valid = zk_encode_width(flen) == n;
    for (size_t k = 2 + flen; valid && k < 30 * n; k++)
        valid = in[k] == 0;
    if (valid != (rc == 0))
        abort();
    if (rc == 0 && memcmp(g_msg, in + 2, flen) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sodium_init() < 0)
        abort();
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        mode_wire(data + 1, size - 1);
        break;
    case 1:
        mode_points(data + 1, size - 1);
        break;
    default:
        mode_chunks(data + 1, size - 1);
        break;
    }
    return 0;
}
