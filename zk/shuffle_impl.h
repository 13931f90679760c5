/* zk/shuffle_impl.h -- internals shared by zk/shuffle*.c (not installed). */
#ifndef SHROUD_ZK_SHUFFLE_IMPL_H
#define SHROUD_ZK_SHUFFLE_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include "zk/shuffle.h"
#include "zk/transcript.h"

/* The parts of the proof, in 32-byte units (docs/shuffle-proof.md, "Byte
 * encoding"): the proof's points from 0 (ZKSH_PROOF_POINTS of them), its
 * scalars from ZKSH_OFF_S, the hints of its points from ZKSH_OFF_HP (in
 * the same order) and the hints of the output batch's 2wN points from
 * ZKSH_OFF_HO (in the batch's order), to ZKSH_PROOF_UNITS. */
#define ZKSH_PROOF_POINTS(n, w) (3 * (n) + 3 + 2 * (w))
#define ZKSH_OFF_S(n, w) ZKSH_PROOF_POINTS(n, w)
#define ZKSH_OFF_HP(n, w) (5 * (n) + 3 * (w) + 6)
#define ZKSH_OFF_HO(n, w) (ZKSH_OFF_HP(n, w) + ZKSH_PROOF_POINTS(n, w))
#define ZKSH_PROOF_UNITS(n, w) (ZKSH_OFF_HO(n, w) + 2 * (w) * (n))

/* Labels of the prover's derived randomness (zksh_prf_scalar). */
enum {
    ZKSH_PRF_S = 1,        /* re-encryption randomness s_{j,l} */
    ZKSH_PRF_R = 2,        /* commitment randomness r_j */
    ZKSH_PRF_B = 3,        /* chain randomness b_k */
    ZKSH_PRF_X = 4,        /* G-part x_k of B'_k */
    ZKSH_PRF_W = 5,        /* omega'_k (masks of e'_k) */
    ZKSH_PRF_F = 6,        /* omega_F,l */
    ZKSH_PRF_ACD = 7       /* omega_A, omega_C, omega_D (indices 0, 1, 2) */
};

/* A scalar derived from key: ChaCha20-IETF block `index` (< 2^32) under
 * key with nonce (label, 0, ..., 0), 64 bytes reduced mod L. */
void zksh_prf_scalar(zk_scalar *out, const uint8_t key[32], uint8_t label, uint64_t index);

/* Parallel for over [0, n) in contiguous ranges: fn(ctx, lo, hi). */
typedef void (*zksh_range_fn)(void *ctx, size_t lo, size_t hi);
int zksh_parallel(sh_pool *pool, size_t n, zksh_range_fn fn, void *ctx) SH_WUR;

/* The statement part of the transcript (docs/shuffle-proof.md, "Transcript"). */
void zksh_statement(zk_transcript *t, const zk_shuffle_gens *g, const zk_elem *pk,
                    const zk_shuffle_ctx *ctx, const zk_shuffle_batch *in,
                    const zk_shuffle_batch *out);

/* e_0..e_{n-1} (128-bit) from the 64 challenge bytes h. */
int zksh_challenges(zk_scalar *e, size_t n, const uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES]) SH_WUR;

/* Constant-time multi-scalar multiplication for SECRET scalars and public
 * points: digits holds 64 bytes per scalar, its signed digits (zksh_recode);
 * point i is pts[i * stride].  Split over the pool in fixed chunks whose
 * sums are added in order. */
void zksh_recode(int8_t d[64], const zk_scalar *s);
int zksh_ct_msm(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                size_t n, sh_pool *pool) SH_WUR;

/* Constant-time fixed-base products s * P for SECRET s and a public P:
 * per-digit-position tables of P (208 KB), about 25% cheaper than
 * zk_point_table_mul.  zksh_fb_new returns NULL when out of memory;
 * zksh_fb_free is NULL-safe. */
typedef struct zksh_fb zksh_fb;
zksh_fb *zksh_fb_new(const zk_point *p);
void zksh_fb_free(zksh_fb *t);
void zksh_fb_mul(zk_point *out, const zksh_fb *t, const zk_scalar *s);

#endif
