/* zk/shuffle.c -- batches, generators, the shuffle itself and the helpers
 * shared by the prover and the verifier.  docs/shuffle-proof.md is the
 * specification. */
#include "zk/shuffle.h"
#include "zk/shuffle_impl.h"
#include "zk/hint.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* ---- helpers ----------------------------------------------------------------- */

void zksh_prf_scalar(zk_scalar *out, const uint8_t key[32], uint8_t label, uint64_t index)
{
    static const uint8_t zeros[64];
    uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
    uint8_t block[64];
    nonce[0] = label;
    crypto_stream_chacha20_ietf_xor_ic(block, zeros, sizeof block, nonce, (uint32_t)index, key);
    zk_scalar_reduce(out, block, sizeof block);
    sodium_memzero(block, sizeof block);
}

typedef struct range_job {
    zksh_range_fn fn;
    void *ctx;
    size_t n, tasks;
} range_job;

static void range_task(void *arg, size_t t)
{
    range_job *j = arg;
    size_t lo = j->n * t / j->tasks, hi = j->n * (t + 1) / j->tasks;
    if (lo < hi)
        j->fn(j->ctx, lo, hi);
}

/* Tasks per thread of zksh_parallel: the pool hands tasks out as threads
 * become free, so a thread slowed down by a neighbour on a shared core
 * leaves its remaining ranges to the others. */
#define ZKSH_TASKS_PER_THREAD 8

int zksh_parallel(sh_pool *pool, size_t n, zksh_range_fn fn, void *ctx)
{
    size_t threads = sh_pool_threads(pool);
    size_t tasks = threads > 1 ? threads * ZKSH_TASKS_PER_THREAD : 1;
    if (tasks > n)
        tasks = n;
    if (tasks <= 1) {
        if (n > 0)
            fn(ctx, 0, n);
        return SH_OK;
    }
    range_job job = { fn, ctx, n, tasks };
    return sh_pool_run(pool, tasks, range_task, &job);
}

void zksh_statement(zk_transcript *t, const zk_shuffle_gens *g, const zk_elem *pk,
                    const zk_shuffle_ctx *ctx, const zk_shuffle_batch *in,
                    const zk_shuffle_batch *out)
{
    size_t bytes = in->n * in->w * 2 * ZK_POINT_BYTES;
    zk_transcript_init(t, ZK_SHUFFLE_DOMAIN);
    zk_transcript_append(t, "generators", g->seed, ZK_SHUFFLE_SEED_BYTES);
    zk_transcript_append_u64(t, "n", in->n);
    zk_transcript_append_u64(t, "width", in->w);
    zk_transcript_append_u64(t, "epoch", ctx->epoch);
    zk_transcript_append_u64(t, "round", ctx->round);
    zk_transcript_append_u64(t, "shuffler", ctx->shuffler);
    zk_transcript_append(t, "pk", pk->enc, ZK_POINT_BYTES);
    zk_transcript_append(t, "input", in->enc, bytes);
    zk_transcript_append(t, "output", out->enc, bytes);
}

int zksh_challenges(zk_scalar *e, size_t n, const uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES])
{
    static const uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
    enum { CHUNK = 4096 };   /* challenges per keystream call */
    uint8_t *buf = malloc(16 * CHUNK);
    if (buf == NULL)
        return SH_ERR_NOMEM;
    for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
        size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        /* keystream bytes [16 i0, 16 (i0 + m)): block counter 16 i0 / 64 */
        memset(buf, 0, 16 * m);
        crypto_stream_chacha20_ietf_xor_ic(buf, buf, 16 * m, nonce, (uint32_t)(i0 / 4), h);
        for (size_t i = 0; i < m; i++)
            zk_scalar_reduce(&e[i0 + i], buf + 16 * i, 16);
    }
    free(buf);
    return SH_OK;
}

/* ---- batches ----------------------------------------------------------------- */

static int check_dims(size_t n, size_t w)
{
    if (n == 0 || w == 0)
        return SH_ERR_RANGE;
    if (n > ZK_SHUFFLE_MAX_N || w > ZK_ELGAMAL_MAX_WIDTH || n * w > ZK_SHUFFLE_MAX_COMPONENTS)
        return SH_ERR_OVERSIZE;
    return SH_OK;
}

int zk_shuffle_batch_alloc(zk_shuffle_batch *b, size_t n, size_t w)
{
    if (b == NULL)
        return SH_ERR_ARG;
    memset(b, 0, sizeof *b);
    int rc = check_dims(n, w);
    if (rc != 0)
        return rc;
    b->ct = zk_aligned_alloc(n * w, sizeof *b->ct);
    b->enc = malloc(n * w * 2 * ZK_POINT_BYTES);
    if (b->ct == NULL || b->enc == NULL) {
        zk_shuffle_batch_free(b);
        return SH_ERR_NOMEM;
    }
    b->n = n;
    b->w = w;
    return SH_OK;
}

void zk_shuffle_batch_free(zk_shuffle_batch *b)
{
    if (b == NULL)
        return;
    free(b->ct);
    free(b->enc);
    memset(b, 0, sizeof *b);
}

typedef struct set_job {
    zk_shuffle_batch *b;
    const zk_elgamal_ct *ct;
} set_job;

static void set_range(void *arg, size_t lo, size_t hi)
{
    set_job *j = arg;
    for (size_t i = lo; i < hi; i++) {
        j->b->ct[i] = j->ct[i];
        zk_point_encode(j->b->enc + 64 * i, &j->ct[i].c1);
        zk_point_encode(j->b->enc + 64 * i + 32, &j->ct[i].c2);
    }
}

void zk_shuffle_batch_set(zk_shuffle_batch *b, const zk_elgamal_ct *ct, sh_pool *pool)
{
    set_job j = { b, ct };
    if (zksh_parallel(pool, b->n * b->w, set_range, &j) != 0)
        set_range(&j, 0, b->n * b->w);
}

size_t zk_shuffle_batch_size(size_t n, size_t w)
{
    return ZK_SHUFFLE_BATCH_HEADER + n * w * 2 * ZK_POINT_BYTES;
}

int zk_shuffle_batch_encode(uint8_t *out, size_t out_len, const zk_shuffle_batch *b)
{
    if (out == NULL || b == NULL || b->enc == NULL || check_dims(b->n, b->w) != 0
        || out_len != zk_shuffle_batch_size(b->n, b->w))
        return SH_ERR_ARG;
    uint32_t n = (uint32_t)b->n;
    out[0] = (uint8_t)n;
    out[1] = (uint8_t)(n >> 8);
    out[2] = (uint8_t)(n >> 16);
    out[3] = (uint8_t)(n >> 24);
    out[4] = (uint8_t)b->w;
    out[5] = (uint8_t)(b->w >> 8);
    memcpy(out + ZK_SHUFFLE_BATCH_HEADER, b->enc, b->n * b->w * 2 * ZK_POINT_BYTES);
    return SH_OK;
}

typedef struct decode_job {
    zk_shuffle_batch *b;
    const uint8_t *hints;   /* one per point, in the batch's order, or NULL */
    int *rc;            /* per task: first error ... */
    size_t *bad;        /* ... and its component */
    size_t tasks;
} decode_job;

static void decode_task(void *arg, size_t t)
{
    decode_job *j = arg;
    size_t m = j->b->n * j->b->w;
    size_t lo = m * t / j->tasks, hi = m * (t + 1) / j->tasks;
    j->rc[t] = 0;
    for (size_t i = lo; i < hi; i++) {
        int rc;
        if (j->hints != NULL) {
            rc = zk_point_decode_hinted(&j->b->ct[i].c1, j->b->enc + 64 * i, j->hints + 64 * i,
                                        NULL);
            if (rc == 0)
                rc = zk_point_decode_hinted(&j->b->ct[i].c2, j->b->enc + 64 * i + 32,
                                            j->hints + 64 * i + 32, NULL);
        } else {
            rc = zk_elgamal_point_decode(&j->b->ct[i].c1, j->b->enc + 64 * i);
            if (rc == 0)
                rc = zk_elgamal_point_decode(&j->b->ct[i].c2, j->b->enc + 64 * i + 32);
        }
        if (rc != 0) {
            j->rc[t] = rc;
            j->bad[t] = i;
            return;
        }
    }
}

/* zk_shuffle_batch_decode, with the output hints of proof when it has the
 * length of a proof for this batch's N and w. */
static int batch_decode(zk_shuffle_batch *b, const uint8_t *in, size_t len,
                        const uint8_t *proof, size_t proof_len, size_t *bad, sh_pool *pool)
{
    if (b == NULL || (in == NULL && len > 0))
        return SH_ERR_ARG;
    memset(b, 0, sizeof *b);
    if (len < ZK_SHUFFLE_BATCH_HEADER)
        return SH_ERR_TRUNCATED;
    size_t n = (size_t)in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 | (size_t)in[3] << 24;
    size_t w = (size_t)in[4] | (size_t)in[5] << 8;
    int rc = check_dims(n, w);
    if (rc != 0)
        return rc;
    size_t need = zk_shuffle_batch_size(n, w);
    if (len < need)
        return SH_ERR_TRUNCATED;
    if (len > need)
        return SH_ERR_TRAILING;
    if ((rc = zk_shuffle_batch_alloc(b, n, w)) != 0)
        return rc;
    memcpy(b->enc, in + ZK_SHUFFLE_BATCH_HEADER, need - ZK_SHUFFLE_BATCH_HEADER);

    size_t tasks = sh_pool_threads(pool);
    if (tasks > n * w)
        tasks = n * w;
    int *rcs = calloc(tasks, sizeof *rcs);
    size_t *bads = calloc(tasks, sizeof *bads);
    if (rcs == NULL || bads == NULL) {
        rc = SH_ERR_NOMEM;
    } else {
        const uint8_t *hints = NULL;
        if (proof != NULL && proof_len == zk_shuffle_proof_size(n, w))
            hints = proof + 32 * ZKSH_OFF_HO(n, w);
        decode_job j = { b, hints, rcs, bads, tasks };
        rc = sh_pool_run(pool, tasks, decode_task, &j);
        /* the first bad component in order, whichever thread found it */
        for (size_t t = 0; t < tasks && rc == 0; t++) {
            if (rcs[t] != 0) {
                rc = rcs[t];
                if (bad != NULL)
                    *bad = bads[t];
            }
        }
    }
    free(rcs);
    free(bads);
    if (rc != 0)
        zk_shuffle_batch_free(b);
    return rc;
}

int zk_shuffle_batch_decode(zk_shuffle_batch *b, const uint8_t *in, size_t len,
                            size_t *bad, sh_pool *pool)
{
    return batch_decode(b, in, len, NULL, 0, bad, pool);
}

int zk_shuffle_output_decode(zk_shuffle_batch *b, const uint8_t *in, size_t len,
                             const uint8_t *proof, size_t proof_len, size_t *bad, sh_pool *pool)
{
    return batch_decode(b, in, len, proof, proof_len, bad, pool);
}

/* ---- generators -------------------------------------------------------------- */

typedef struct gens_job {
    zk_shuffle_gens *g;
} gens_job;

static void gens_range(void *arg, size_t lo, size_t hi)
{
    gens_job *j = arg;
    static const char dst[] = ZK_SHUFFLE_GENS_DST;
    for (size_t i = lo; i < hi; i++) {
        crypto_hash_sha512_state st;
        uint8_t idx[8], h[64];
        for (unsigned k = 0; k < 8; k++)
            idx[k] = (uint8_t)((uint64_t)i >> (8 * k));
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, (const uint8_t *)dst, sizeof dst - 1);
        crypto_hash_sha512_update(&st, j->g->seed, ZK_SHUFFLE_SEED_BYTES);
        crypto_hash_sha512_update(&st, idx, sizeof idx);
        crypto_hash_sha512_final(&st, h);
        decaf_255_point_from_hash_nonuniform(&j->g->h[i].v, h);
    }
}

int zk_shuffle_gens_init(zk_shuffle_gens *g, const uint8_t seed[ZK_SHUFFLE_SEED_BYTES],
                         size_t n, sh_pool *pool)
{
    if (g == NULL || seed == NULL)
        return SH_ERR_ARG;
    memset(g, 0, sizeof *g);
    if (n == 0)
        return SH_ERR_RANGE;
    if (n > ZK_SHUFFLE_MAX_N)
        return SH_ERR_OVERSIZE;
    g->h = zk_points_alloc(n);
    if (g->h == NULL)
        return SH_ERR_NOMEM;
    g->n = n;
    memcpy(g->seed, seed, ZK_SHUFFLE_SEED_BYTES);
    gens_job j = { g };
    int rc = zksh_parallel(pool, n, gens_range, &j);
    if (rc != 0)
        zk_shuffle_gens_free(g);
    return rc;
}

void zk_shuffle_gens_free(zk_shuffle_gens *g)
{
    if (g == NULL)
        return;
    free(g->h);
    memset(g, 0, sizeof *g);
}

/* ---- shuffling ----------------------------------------------------------------- */

void zk_shuffle_secret_free(zk_shuffle_secret *sec)
{
    if (sec == NULL)
        return;
    if (sec->perm != NULL) {
        sodium_memzero(sec->perm, sec->n * sizeof *sec->perm);
        free(sec->perm);
    }
    if (sec->s != NULL) {
        sodium_memzero(sec->s, sec->n * sec->w * sizeof *sec->s);
        free(sec->s);
    }
    memset(sec, 0, sizeof *sec);
}

void zk_shuffle_permutation(uint32_t *perm, size_t n, sh_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    /* Fisher-Yates: position i takes a uniform element of [0, i]. */
    for (size_t i = n; i-- > 1;) {
        size_t k = (size_t)sh_rng_uniform(rng, (uint64_t)i + 1);
        uint32_t t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
    }
}

/* From this many components on, zk_shuffle builds the prover's
 * constant-time fixed-base tables of B and pk (zksh_fb: ~0.17 of a
 * scalar multiplication a product, against ~0.34 for libdecaf's comb, for
 * about 30 multiplications' worth of set-up each); below, libdecaf's. */
#define SHUFFLE_FB_MIN 64

typedef struct shuffle_job {
    zk_shuffle_batch *out;
    const zk_shuffle_batch *in;
    const zk_shuffle_secret *sec;
    const zk_point_table *pkt;
    zksh_fb *bt, *pkft;       /* or NULL: libdecaf's tables */
    uint8_t key[32];
} shuffle_job;

static void shuffle_range(void *arg, size_t lo, size_t hi)
{
    shuffle_job *j = arg;
    const size_t w = j->in->w;
    zk_point t;
    for (size_t i = lo; i < hi; i++) {
        size_t o = (size_t)j->sec->perm[i] * w;
        for (size_t l = 0; l < w; l++) {
            const zk_scalar *s = &j->sec->s[i * w + l];
            zk_elgamal_ct *c = &j->out->ct[o + l];
            if (j->bt != NULL)
                zksh_fb_mul(&t, j->bt, s);
            else
                zk_point_mul_base(&t, s);
            zk_point_add(&c->c1, &j->in->ct[i * w + l].c1, &t);
            if (j->pkft != NULL)
                zksh_fb_mul(&t, j->pkft, s);
            else
                zk_point_table_mul(&t, j->pkt, s);
            zk_point_add(&c->c2, &j->in->ct[i * w + l].c2, &t);
            zk_point_encode(j->out->enc + 64 * (o + l), &c->c1);
            zk_point_encode(j->out->enc + 64 * (o + l) + 32, &c->c2);
        }
    }
    zk_point_wipe(&t);
}

typedef struct sgen_job {
    zk_scalar *s;
    const uint8_t *key;
} sgen_job;

static void sgen_range(void *arg, size_t lo, size_t hi)
{
    sgen_job *j = arg;
    for (size_t i = lo; i < hi; i++)
        zksh_prf_scalar(&j->s[i], j->key, ZKSH_PRF_S, i);
}

int zk_shuffle(zk_shuffle_batch *out, zk_shuffle_secret *sec, const zk_elem *pk,
               const zk_shuffle_batch *in, sh_rng *rng, sh_pool *pool)
{
    if (out == NULL || sec == NULL || pk == NULL || in == NULL || rng == NULL
        || in->ct == NULL || in->enc == NULL)
        return SH_ERR_ARG;
    memset(out, 0, sizeof *out);
    memset(sec, 0, sizeof *sec);
    if (check_dims(in->n, in->w) != 0)
        return SH_ERR_ARG;
    if (zk_point_is_identity(&pk->p))
        return SH_ERR_IDENTITY;
    int rc = zk_shuffle_batch_alloc(out, in->n, in->w);
    if (rc != 0)
        return rc;
    sec->n = in->n;
    sec->w = in->w;
    sec->perm = malloc(in->n * sizeof *sec->perm);
    sec->s = zk_aligned_alloc(in->n * in->w, sizeof *sec->s);
    shuffle_job j = { out, in, sec, NULL, NULL, NULL, { 0 } };
    int fb = in->n * in->w >= SHUFFLE_FB_MIN;
    if (fb) {
        zk_point b;
        zk_point_base(&b);
        j.bt = zksh_fb_new(&b);
        j.pkft = zksh_fb_new(&pk->p);
    } else {
        j.pkt = zk_point_table_new(&pk->p);
    }
    int tables_ok = fb ? j.bt != NULL && j.pkft != NULL : j.pkt != NULL;
    if (sec->perm == NULL || sec->s == NULL || !tables_ok) {
        rc = SH_ERR_NOMEM;
        goto fail;
    }
    /* All randomness is drawn before the work is split: the permutation
     * from rng, the re-encryption scalars from a key drawn from rng. */
    zk_shuffle_permutation(sec->perm, in->n, rng);
    sh_rng_bytes(rng, j.key, sizeof j.key);
    sgen_job sj = { sec->s, j.key };
    if ((rc = zksh_parallel(pool, in->n * in->w, sgen_range, &sj)) != 0
        || (rc = zksh_parallel(pool, in->n, shuffle_range, &j)) != 0)
        goto fail;
    zk_point_table_free((zk_point_table *)j.pkt);
    zksh_fb_free(j.bt);
    zksh_fb_free(j.pkft);
    sodium_memzero(j.key, sizeof j.key);
    return SH_OK;
fail:
    zk_point_table_free((zk_point_table *)j.pkt);
    zksh_fb_free(j.bt);
    zksh_fb_free(j.pkft);
    sodium_memzero(j.key, sizeof j.key);
    zk_shuffle_batch_free(out);
    zk_shuffle_secret_free(sec);
    return rc;
}

/* ---- sizes and names ------------------------------------------------------------ */

size_t zk_shuffle_proof_size(size_t n, size_t w)
{
    return 32 * ZKSH_PROOF_UNITS(n, w);
}

const char *zk_shuffle_check_name(zk_shuffle_check c)
{
    switch (c) {
    case ZK_SHUFFLE_OK: return "ok";
    case ZK_SHUFFLE_CHECK_STATEMENT: return "statement (sizes, widths, generators, key)";
    case ZK_SHUFFLE_CHECK_PROOF_LENGTH: return "proof length";
    case ZK_SHUFFLE_CHECK_PROOF_POINT: return "proof encoding (a point)";
    case ZK_SHUFFLE_CHECK_PROOF_SCALAR: return "proof encoding (a scalar)";
    case ZK_SHUFFLE_CHECK_CHALLENGE: return "challenge v is zero";
    case ZK_SHUFFLE_CHECK_A: return "A (opening of the permutation commitment)";
    case ZK_SHUFFLE_CHECK_B: return "B (chain of committed products)";
    case ZK_SHUFFLE_CHECK_C: return "C (sum of the permutation commitment)";
    case ZK_SHUFFLE_CHECK_D: return "D (product of the challenges)";
    case ZK_SHUFFLE_CHECK_F: return "F (re-encryption of the batch)";
    case ZK_SHUFFLE_CHECK_BATCH: return "batched equation (internal error)";
    }
    return "unknown";
}
