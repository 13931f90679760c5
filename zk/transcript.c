/* zk/transcript.c -- length-framed SHA-512 Fiat-Shamir transcript.
 * The incremental SHA-512 state stands for the byte string T of the spec;
 * a challenge finalises a copy of the state so that T can keep growing. */
#include "zk/transcript.h"

#include <string.h>

static void put_u32(zk_transcript *t, size_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    crypto_hash_sha512_update(&t->st, b, sizeof b);
}

static void put_frame(zk_transcript *t, const uint8_t *data, size_t len)
{
    put_u32(t, len);
    crypto_hash_sha512_update(&t->st, data, len);
}

static void put_label(zk_transcript *t, const char *s)
{
    put_frame(t, (const uint8_t *)s, strlen(s));
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
    zk_transcript_append_begin(t, label, len);
    crypto_hash_sha512_update(&t->st, data, len);
}

void zk_transcript_append_begin(zk_transcript *t, const char *label, size_t len)
{
    static const uint8_t op = 0x01;
    crypto_hash_sha512_update(&t->st, &op, 1);
    put_label(t, label);
    put_u32(t, len);
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
    static const uint8_t op = 0x02;
    crypto_hash_sha512_update(&t->st, &op, 1);
    put_label(t, label);
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
