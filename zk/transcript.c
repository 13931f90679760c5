/* zk/transcript.c -- length-framed SHA-512 Fiat-Shamir transcript.
 * The incremental SHA-512 state stands for the byte string T of the spec;
 * a challenge finalises a copy of the state so that T can keep growing. */
#include "zk/transcript.h"

#include <string.h>

/* Framing is built in a small buffer and absorbed with one update call:
 * libsodium's update has a fixed cost per call, which for the short
 * appends of a proof (a one-letter label, 32 bytes) was a third of the
 * hashing. */
#define FRAME_MAX 160

static size_t put_u32(uint8_t *b, size_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
    return 4;
}

/* op (if nonzero), then u32le(|label|) || label: written into b when it
 * fits there with reserve more bytes (returns its length, for the caller
 * to absorb with what follows), otherwise absorbed at once (returns 0). */
static size_t head(zk_transcript *t, uint8_t *b, uint8_t op, const char *label, size_t reserve)
{
    size_t ll = strlen(label), k = 0;
    if (op != 0)
        b[k++] = op;
    k += put_u32(b + k, ll);
    if (k + ll + reserve <= FRAME_MAX) {
        memcpy(b + k, label, ll);
        return k + ll;
    }
    crypto_hash_sha512_update(&t->st, b, k);    /* a long label: in pieces */
    crypto_hash_sha512_update(&t->st, (const uint8_t *)label, ll);
    return 0;
}

static void put_label(zk_transcript *t, const char *s)
{
    uint8_t b[FRAME_MAX];
    size_t k = head(t, b, 0, s, 0);
    crypto_hash_sha512_update(&t->st, b, k);
}

void zk_transcript_init(zk_transcript *t, const char *domain)
{
    crypto_hash_sha512_init(&t->st);
    put_label(t, "shroud-transcript-v1");
    put_label(t, domain);
}

void zk_transcript_append(zk_transcript *t, const char *label,
                          const uint8_t *data, size_t len)
{
    uint8_t b[FRAME_MAX];
    int inline_data = len <= FRAME_MAX - 9;     /* 9: op, two u32 */
    size_t k = head(t, b, 0x01, label, inline_data ? 4 + len : 4);
    k += put_u32(b + k, len);
    if (!inline_data || k + len > FRAME_MAX) {
        crypto_hash_sha512_update(&t->st, b, k);
        crypto_hash_sha512_update(&t->st, data, len);
        return;
    }
    if (len > 0)    /* data may be NULL for an empty append */
        memcpy(b + k, data, len);
    crypto_hash_sha512_update(&t->st, b, k + len);
    sodium_memzero(b, k + len);    /* the data may be secret (a nonce's inputs) */
}

void zk_transcript_append_begin(zk_transcript *t, const char *label, size_t len)
{
    uint8_t b[FRAME_MAX];
    size_t k = head(t, b, 0x01, label, 4);
    k += put_u32(b + k, len);
    crypto_hash_sha512_update(&t->st, b, k);
}

void zk_transcript_stream(zk_transcript *t, const uint8_t *data, size_t len)
{
    crypto_hash_sha512_update(&t->st, data, len);
}

void zk_transcript_append_u64(zk_transcript *t, const char *label, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    zk_transcript_append(t, label, b, sizeof b);
}

void zk_transcript_append_scalar(zk_transcript *t, const char *label, const zk_scalar *s)
{
    uint8_t b[ZK_SCALAR_BYTES];
    zk_scalar_encode(b, s);
    zk_transcript_append(t, label, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

void zk_transcript_append_point(zk_transcript *t, const char *label, const zk_point *p)
{
    uint8_t b[ZK_POINT_BYTES];
    zk_point_encode(b, p);
    zk_transcript_append(t, label, b, sizeof b);
}

void zk_transcript_append_points(zk_transcript *t, const char *label,
                                 const zk_point *p, size_t n)
{
    uint8_t b[ZK_POINT_BYTES];
    zk_transcript_append_begin(t, label, n * ZK_POINT_BYTES);
    for (size_t i = 0; i < n; i++) {
        zk_point_encode(b, &p[i]);
        crypto_hash_sha512_update(&t->st, b, sizeof b);
    }
}

void zk_transcript_challenge_bytes(zk_transcript *t, const char *label,
                                   uint8_t out[ZK_TRANSCRIPT_CHALLENGE_BYTES])
{
    uint8_t b[FRAME_MAX];
    size_t k = head(t, b, 0x02, label, 0);
    crypto_hash_sha512_update(&t->st, b, k);
    crypto_hash_sha512_state copy = t->st;
    crypto_hash_sha512_final(&copy, out);
    crypto_hash_sha512_update(&t->st, out, ZK_TRANSCRIPT_CHALLENGE_BYTES);
}

void zk_transcript_challenge_scalar(zk_transcript *t, const char *label, zk_scalar *out)
{
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    zk_transcript_challenge_bytes(t, label, h);
    zk_scalar_reduce(out, h, sizeof h);
}

void zk_transcript_wipe(zk_transcript *t)
{
    sodium_memzero(t, sizeof *t);
}
