/* zk/shuffle.h -- verifiable re-encryption shuffles of ElGamal batches.
 *
 * A shuffler takes a batch of N width-w ElGamal ciphertexts under a public
 * key pk (zk/elgamal.h), permutes it with a secret uniform permutation and
 * re-encrypts every component, and proves that it did so with the proof of
 * a shuffle of Terelius and Wikstrom ("Proofs of restricted shuffles",
 * Africacrypt 2010) in the form Verificatum uses, over ristretto255, for
 * any width in one proof.  docs/shuffle-proof.md is the normative
 * specification (statement, generators, transcript, byte encoding) and
 * this header only summarises it.
 *
 * Convention: the secret permutation pi sends input j to output pi(j):
 *     out[pi(j)]_l = in[j]_l + (s_{j,l} B, s_{j,l} pk)      (l < w)
 *
 * Batches hold every point twice, decoded and as its canonical encoding
 * (the transcript absorbs the encodings, the arithmetic uses the points),
 * so that no point is ever decoded or encoded twice.
 *
 * Threads: every function taking an sh_pool (util/pool.h) splits its work
 * over it; NULL runs on the calling thread.  Proof bytes and verdicts are
 * identical for every pool and thread count.
 *
 * Constant time: the permutation and the re-encryption randomness are
 * secret.  Products with secret scalars use constant-time code (fixed-base
 * tables, a constant-time Straus); see docs/shuffle-proof.md, "Side
 * channels", for what is not constant time (memory addresses indexed by the
 * permutation).  Verification works on public data only.
 */
#ifndef SHROUD_ZK_SHUFFLE_H
#define SHROUD_ZK_SHUFFLE_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"
#include "zk/elgamal.h"
#include "util/pool.h"
#include "util/rng.h"

#define ZK_SHUFFLE_DOMAIN "shroud-shuffle-v1"
#define ZK_SHUFFLE_GENS_DST "shroud-shuffle-generators-v1"
#define ZK_SHUFFLE_SEED_BYTES 32
/* Limits: N <= 2^22 ciphertexts, N*w <= 2^24 components. */
#define ZK_SHUFFLE_MAX_N ((size_t)1 << 22)
#define ZK_SHUFFLE_MAX_COMPONENTS ((size_t)1 << 24)
/* Batch wire format header: u32le(N) || u16le(w). */
#define ZK_SHUFFLE_BATCH_HEADER 6

/* ---- batches --------------------------------------------------------------- */

/* N ciphertexts of width w.  ct[i*w + l] is component l of ciphertext i;
 * enc holds 64 bytes per component in the same order, enc(C1) || enc(C2).
 * Arrays from zk_shuffle_batch_alloc; never fill p and enc inconsistently. */
typedef struct zk_shuffle_batch {
    size_t n, w;
    zk_elgamal_ct *ct;
    uint8_t *enc;
} zk_shuffle_batch;

/* Allocate room for n ciphertexts of width w (contents undefined).
 * SH_ERR_RANGE for n == 0 or w == 0, SH_ERR_OVERSIZE above the limits,
 * SH_ERR_NOMEM. */
int zk_shuffle_batch_alloc(zk_shuffle_batch *b, size_t n, size_t w) SH_WUR;
/* NULL-safe on a zeroed batch; leaves b zeroed. */
void zk_shuffle_batch_free(zk_shuffle_batch *b);
/* Fill b (allocated for n, w) from n*w computed components: encodes each
 * point once. */
void zk_shuffle_batch_set(zk_shuffle_batch *b, const zk_elgamal_ct *ct, sh_pool *pool);
/* Wire format: u32le(N) || u16le(w) || the N*w components (64 bytes each,
 * enc(C1) || enc(C2)), ciphertext-major.  Size: 6 + 64*N*w. */
size_t zk_shuffle_batch_size(size_t n, size_t w);
/* out_len must be exactly zk_shuffle_batch_size (SH_ERR_ARG). */
int zk_shuffle_batch_encode(uint8_t *out, size_t out_len, const zk_shuffle_batch *b) SH_WUR;
/* Strict decoding into a fresh batch (b must be zeroed or freed):
 *   SH_ERR_TRUNCATED   shorter than the header or than 6 + 64*N*w
 *   SH_ERR_TRAILING    longer than that
 *   SH_ERR_RANGE       N == 0 or w == 0 (empty batch)
 *   SH_ERR_OVERSIZE    above the limits
 *   SH_ERR_NONCANONICAL, SH_ERR_POINT   a bad point (as zk_elgamal_point_decode);
 *                      *bad (if not NULL) is then the component index i*w+l
 *   SH_ERR_NOMEM
 * On error b is left zeroed. */
int zk_shuffle_batch_decode(zk_shuffle_batch *b, const uint8_t *in, size_t len,
                            size_t *bad, sh_pool *pool) SH_WUR;
/* The same, for the output batch of a shuffle whose proof is at hand: the
 * proof's decompression hints for the output save the inverse square
 * root of each point (zk/hint.h; about 7 of the 8 microseconds).  The
 * result, and every error, is exactly zk_shuffle_batch_decode's, whatever
 * the proof holds; a proof of the wrong length is not used. */
int zk_shuffle_output_decode(zk_shuffle_batch *b, const uint8_t *in, size_t len,
                             const uint8_t *proof, size_t proof_len, size_t *bad,
                             sh_pool *pool) SH_WUR;

/* ---- generators -------------------------------------------------------------- */

/* The independent generators h_0..h_{N-1} of the permutation commitment:
 * h_i = MAP(first 32 bytes of SHA-512(DST || seed || u64le(i))) with MAP the
 * ristretto255 Elligator map of RFC 9496 section 4.3.4 (one half of its
 * one-way map); see docs/shuffle-proof.md for why one MAP suffices.  Built
 * once per seed and size, then shared by every shuffle of a cascade. */
typedef struct zk_shuffle_gens {
    size_t n;
    uint8_t seed[ZK_SHUFFLE_SEED_BYTES];
    zk_point *h;
} zk_shuffle_gens;

/* SH_ERR_RANGE for n == 0, SH_ERR_OVERSIZE above the limit, SH_ERR_NOMEM. */
int zk_shuffle_gens_init(zk_shuffle_gens *g, const uint8_t seed[ZK_SHUFFLE_SEED_BYTES],
                         size_t n, sh_pool *pool) SH_WUR;
void zk_shuffle_gens_free(zk_shuffle_gens *g);

/* ---- the statement's context ------------------------------------------------ */

/* Bound into every challenge: which epoch, mixing round and shuffler (its
 * position in the cascade) the proof is for. */
typedef struct zk_shuffle_ctx {
    uint64_t epoch;
    uint64_t round;
    uint64_t shuffler;
} zk_shuffle_ctx;

/* ---- shuffling --------------------------------------------------------------- */

/* The shuffler's secret: perm[j] = pi(j), s[j*w + l] = s_{j,l}.  Wiped by
 * zk_shuffle_secret_free. */
typedef struct zk_shuffle_secret {
    size_t n, w;
    uint32_t *perm;
    zk_scalar *s;
} zk_shuffle_secret;

void zk_shuffle_secret_free(zk_shuffle_secret *sec);

/* A uniform permutation of [0, n) (Fisher-Yates with sh_rng_uniform, no
 * modulo bias) into perm[0..n).  n < 2^32. */
void zk_shuffle_permutation(uint32_t *perm, size_t n, sh_rng *rng);

/* Shuffle in into out (allocated here; out must be zeroed) under pk, with a
 * fresh permutation and randomness from rng, kept in *sec (allocated here,
 * zeroed first) for the proof.  SH_ERR_IDENTITY if pk is the identity,
 * SH_ERR_ARG for NULL pointers or an empty batch, SH_ERR_NOMEM. */
int zk_shuffle(zk_shuffle_batch *out, zk_shuffle_secret *sec, const zk_elem *pk,
               const zk_shuffle_batch *in, sh_rng *rng, sh_pool *pool) SH_WUR;

/* ---- the proof ------------------------------------------------------------------ */

/* 32 * (8N + 5w + 9 + 2wN) bytes: the proof proper, 32 * (5N + 3w + 6),
 *   u[N] c_hat[N] A' B'[N] C' D' F'[w](C1,C2) | k_A k_B[N] k_C k_D k_E[N] k_F[w]
 * then the decompression hints (zk/hint.h) of its 3N + 3 + 2w points and of
 * the output batch's 2wN points, which the verifier uses to decode faster
 * and which never change its verdict. */
size_t zk_shuffle_proof_size(size_t n, size_t w);

/* Prove that out is a shuffle of in under pk with the secret sec, bound to
 * ctx and to the generators g (g->n must be in->n).  proof_len must be
 * zk_shuffle_proof_size(n, w).  rng hedges the prover's randomness (which
 * is otherwise derived from the statement).  Errors: SH_ERR_ARG (NULL,
 * sizes that do not match), SH_ERR_NOMEM, SH_ERR_INTERNAL (a zero
 * challenge: probability 2^-252). */
int zk_shuffle_prove(uint8_t *proof, size_t proof_len, const zk_shuffle_gens *g,
                     const zk_elem *pk, const zk_shuffle_ctx *ctx,
                     const zk_shuffle_batch *in, const zk_shuffle_batch *out,
                     const zk_shuffle_secret *sec, sh_rng *rng, sh_pool *pool) SH_WUR;

/* Which check of the verifier failed (for diagnostics and the CLI). */
typedef enum zk_shuffle_check {
    ZK_SHUFFLE_OK = 0,
    ZK_SHUFFLE_CHECK_STATEMENT,    /* sizes, widths, generators, pk */
    ZK_SHUFFLE_CHECK_PROOF_LENGTH,
    ZK_SHUFFLE_CHECK_PROOF_POINT,  /* index: which point of the proof */
    ZK_SHUFFLE_CHECK_PROOF_SCALAR, /* index: which scalar of the proof */
    ZK_SHUFFLE_CHECK_CHALLENGE,    /* v == 0 */
    ZK_SHUFFLE_CHECK_A,            /* permutation commitment opening */
    ZK_SHUFFLE_CHECK_B,            /* chain equation, index k */
    ZK_SHUFFLE_CHECK_C,            /* sum of the commitments */
    ZK_SHUFFLE_CHECK_D,            /* product of the challenges */
    ZK_SHUFFLE_CHECK_F,            /* re-encryption, index = component l */
    ZK_SHUFFLE_CHECK_BATCH         /* the batched equation failed and no
                                      single check did: report a bug */
} zk_shuffle_check;

typedef struct zk_shuffle_report {
    zk_shuffle_check check;
    size_t index;
} zk_shuffle_report;

/* A short English name of the check ("A (permutation commitment)", ...). */
const char *zk_shuffle_check_name(zk_shuffle_check c);

/* Verify proof for the statement (g, pk, ctx, in, out).  0 if valid.
 *   SH_ERR_RANGE        empty batches
 *   SH_ERR_LENGTH       in and out differ in N or w, or g->n != N
 *   SH_ERR_IDENTITY     pk is the identity
 *   SH_ERR_TRUNCATED, SH_ERR_TRAILING   proof_len is not the proof size
 *   SH_ERR_POINT, SH_ERR_NONCANONICAL   a malformed point or scalar
 *   SH_ERR_VERIFY       a well-formed proof that does not verify
 *   SH_ERR_ARG, SH_ERR_NOMEM
 * Every equation is checked at once, as one random linear combination (one
 * multi-scalar multiplication plus 2w short ones); the weights are derived
 * from the whole proof.  If report is not NULL it says which check failed:
 * on SH_ERR_VERIFY each equation is then checked on its own (slow) to name
 * the first failing one. */
int zk_shuffle_verify(const uint8_t *proof, size_t proof_len, const zk_shuffle_gens *g,
                      const zk_elem *pk, const zk_shuffle_ctx *ctx,
                      const zk_shuffle_batch *in, const zk_shuffle_batch *out,
                      sh_pool *pool, zk_shuffle_report *report) SH_WUR;

/* A cascade: batches[0..k] and proofs[0..k) where proof t shows that
 * batches[t+1] is a shuffle of batches[t], with context ctx[t].  0 if every
 * proof verifies; otherwise the error of the first that does not, with
 * *bad = its index (if bad is not NULL; k on success). SH_ERR_RANGE for k == 0. */
int zk_shuffle_verify_cascade(const uint8_t *const *proofs, const size_t *proof_lens,
                              size_t k, const zk_shuffle_gens *g, const zk_elem *pk,
                              const zk_shuffle_ctx *ctx, const zk_shuffle_batch *batches,
                              sh_pool *pool, size_t *bad) SH_WUR;

#endif
