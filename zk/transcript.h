/* zk/transcript.h -- Fiat-Shamir transcripts.
 *
 * A transcript is conceptually a byte string T that only ever grows; every
 * challenge is SHA-512 of T so far.  docs/transcript.md specifies it byte by
 * byte; in short, with frame(x) = u32le(len(x)) || x:
 *
 *   init(domain):        T = frame("shroud-transcript-v1") || frame(domain)
 *   append(label, data): T = T || 0x01 || frame(label) || frame(data)
 *   challenge(label):    T = T || 0x02 || frame(label);  h = SHA-512(T);
 *                        T = T || h;  the challenge scalar is h mod L
 *
 * Labels and the domain are ASCII strings chosen by each protocol; every
 * value a verifier depends on must be appended before the challenge that
 * it influences.  The structure is plain data (no allocation) and may be
 * copied to fork a transcript.
 */
#ifndef SHROUD_ZK_TRANSCRIPT_H
#define SHROUD_ZK_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>
#include "zk/group.h"

#define ZK_TRANSCRIPT_CHALLENGE_BYTES 64

typedef struct zk_transcript {
    crypto_hash_sha512_state st;
} zk_transcript;

void zk_transcript_init(zk_transcript *t, const char *domain);
void zk_transcript_append(zk_transcript *t, const char *label,
                          const uint8_t *data, size_t len);
void zk_transcript_append_u64(zk_transcript *t, const char *label, uint64_t v);
void zk_transcript_append_scalar(zk_transcript *t, const char *label, const zk_scalar *s);
void zk_transcript_append_point(zk_transcript *t, const char *label, const zk_point *p);
/* Appends the concatenated 32-byte encodings of n points as ONE framed value
 * (length 32n). */
void zk_transcript_append_points(zk_transcript *t, const char *label,
                                 const zk_point *p, size_t n);
/* Start a framed value of total length len whose bytes are then streamed in
 * with zk_transcript_stream (exactly len bytes in all).  Equivalent to
 * zk_transcript_append with the concatenation. */
void zk_transcript_append_begin(zk_transcript *t, const char *label, size_t len);
void zk_transcript_stream(zk_transcript *t, const uint8_t *data, size_t len);

/* The 64 challenge bytes h (see above); the transcript absorbs them. */
void zk_transcript_challenge_bytes(zk_transcript *t, const char *label,
                                   uint8_t out[ZK_TRANSCRIPT_CHALLENGE_BYTES]);
void zk_transcript_challenge_scalar(zk_transcript *t, const char *label, zk_scalar *out);

void zk_transcript_wipe(zk_transcript *t);

#endif
