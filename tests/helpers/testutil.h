/* tests/helpers/testutil.h -- small helpers shared by the test programs. */
#ifndef SHROUD_TESTUTIL_H
#define SHROUD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "zk/elgamal.h"

/* L, the order of ristretto255, little endian (for edge-case scalars). */
extern const uint8_t tu_L[32];

/* Decode hex into out (exactly out_len bytes) or abort the test. */
void tu_hex(uint8_t *out, size_t out_len, const char *hex);
/* 32-byte big-endian integers: r = a - b modulo 2^256, and r = a mod m
 * (m given in hex) for a below 2^256 and m above 2^255, at most one
 * subtraction: the independent model the secp256k1 field and MSM tests
 * check against. */
void tu_be_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void tu_be_reduce(uint8_t r[32], const uint8_t a[32], const char *m_hex);
/* Load tests/vectors/NAME (a JSON file) or abort the test. */
json_t *tu_load_vectors(const char *name);
/* A transcript byte string T built by hand, to check zk/transcript and the
 * proofs against the byte-level specification (docs/transcript.md). */
typedef struct tu_bytes {
    uint8_t d[4096];
    size_t n;
} tu_bytes;
void tu_put(tu_bytes *b, const void *p, size_t n);
/* u32le(n) || p */
void tu_put_frame(tu_bytes *b, const void *p, size_t n);
void tu_put_str(tu_bytes *b, const char *s);
/* 0x01 || frame(label) || frame(p) */
void tu_op_append(tu_bytes *b, const char *label, const void *p, size_t n);
/* 0x02 || frame(label); h = SHA-512(T); T || h */
void tu_op_challenge(tu_bytes *b, const char *label, uint8_t h[64]);

/* n random points (hash to group of rng output). */
void tu_random_points(struct sh_rng *rng, zk_point *p, size_t n);
/* *out = the representative r (0..3) of p's element in libdecaf's
 * coordinates: p, p + the 2-torsion point (-x, -y), and the two 4-torsion
 * translates (i y, i x, z, -t) and (-i y, -i x, z, -t), i = sqrt(-1).
 * All four are the same ristretto255 element. */
void tu_torsion_translate(zk_point *out, const zk_point *p, int r);
/* The affine coordinates x || y (32 bytes each, canonical, little endian)
 * of the edwards25519 point whose RFC 8032 encoding is enc (any curve
 * point, torsion included), by a plain decompression: 0, or -1 if enc
 * encodes no point (y >= p is read mod p). */
int tu_ed25519_coords(uint8_t xy[64], const uint8_t enc[32]);
/* The wire encoding of a ciphertext in a fresh buffer (freed by the caller). */
uint8_t *tu_ct_encode(const zk_elgamal_ct *ct, size_t w, size_t *len);
/* 1 if the two width-w ciphertexts are equal component by component. */
int tu_ct_equal(const zk_elgamal_ct *a, const zk_elgamal_ct *b, size_t w);

/* 1 if files d1/name and d2/name have the same bytes, 0 if they differ;
 * aborts the test if either cannot be read. */
int tu_same_file(const char *d1, const char *d2, const char *name);
/* Remove a file or a directory tree (like rm -rf; errors ignored). */
void tu_rm_rf(const char *path);

/* A deterministic generator for test inputs, seeded by a small integer. */
struct sh_rng *tu_rng(uint64_t seed);

#endif
