/* tests/test_zk_shuffle.c -- the shuffle, its proof on honest inputs, the
 * wire format of batches, the generators, threads and cascades
 * (zk/shuffle.h).  Tamperings are in test_zk_shuffle_tamper.c. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/shuffle.h"
#include "zk/shuffle_impl.h"
#include "zk/msm.h"
#include "testutil.h"

static sh_rng *rng;
static zk_scalar sk;
static zk_elem pk;
static const zk_shuffle_ctx ctx = { 7, 3, 1 };
static const uint8_t seed[32] = "shroud test generators seed.....";
/* BLAKE2b-256 of the proof of Test(shuffle, proof_known_answer), whole and
 * without its hints (the proof proper predates the hints, unchanged). */
#define PROOF_KAT_300x2 "9b1ad918677c4f6245753a669f8710b9e696f18b6c78ad94f5027cf88e18388a"
#define PROOF_KAT_300x2_PROPER "63f3f65b53887bbb5c98e980fe9fa769bb6f298123a77d9a2daae8cf5d543d9d"

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(11);
    zk_point p;
    zk_elgamal_keygen(&sk, &p, rng);
    zk_elem_set(&pk, &p);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(shuffle, .init = setup, .fini = teardown);

/* A batch of n fresh encryptions of random messages m[n*w] (may be NULL). */
static void make_batch(zk_shuffle_batch *b, zk_point *m, size_t n, size_t w)
{
    cr_assert_eq(zk_shuffle_batch_alloc(b, n, w), 0);
    zk_point *msg = zk_points_alloc(n * w);
    zk_elgamal_ct *ct = zk_aligned_alloc(n * w, sizeof *ct);
    cr_assert(msg != NULL && ct != NULL);
    tu_random_points(rng, msg, n * w);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(zk_elgamal_encrypt(ct + i * w, NULL, &pk.p, msg + i * w, w, rng), 0);
    zk_shuffle_batch_set(b, ct, NULL);
    if (m != NULL)
        memcpy(m, msg, n * w * sizeof *msg);
    free(msg);
    free(ct);
}

static int cmp_enc(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* The decryptions of b, sorted encodings (n*w*32 bytes, caller frees). */
static uint8_t *decrypt_sorted(const zk_shuffle_batch *b)
{
    size_t m = b->n * b->w;
    uint8_t *out = malloc(32 * m);
    for (size_t i = 0; i < m; i++) {
        zk_point d;
        cr_assert_eq(zk_elgamal_decrypt(&d, &sk, &b->ct[i], 1), 0);
        zk_point_encode(out + 32 * i, &d);
    }
    qsort(out, m, 32, cmp_enc);
    return out;
}

static void roundtrip(size_t n, size_t w, sh_pool *pool)
{
    zk_shuffle_batch in, out;
    zk_shuffle_secret sec;
    zk_shuffle_gens g;
    make_batch(&in, NULL, n, w);
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, n, pool), 0);
    cr_assert_eq(zk_shuffle(&out, &sec, &pk, &in, rng, pool), 0);
    size_t len = zk_shuffle_proof_size(n, w);
    uint8_t *proof = malloc(len);
    cr_assert_eq(zk_shuffle_prove(proof, len, &g, &pk, &ctx, &in, &out, &sec, rng, pool), 0);
    zk_shuffle_report rep;
    int rc = zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &out, pool, &rep);
    cr_assert_eq(rc, 0, "n %zu w %zu: rc %d check %s index %zu", n, w, rc,
                 zk_shuffle_check_name(rep.check), rep.index);
    cr_assert_eq(rep.check, ZK_SHUFFLE_OK);
    /* The output decrypts to the same multiset of messages. */
    if (w == 1) {
        uint8_t *a = decrypt_sorted(&in), *b = decrypt_sorted(&out);
        cr_assert_eq(memcmp(a, b, 32 * n), 0);
        free(a);
        free(b);
    }
    free(proof);
    zk_shuffle_secret_free(&sec);
    zk_shuffle_gens_free(&g);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
}

Test(shuffle, honest_width1)
{
    size_t ns[] = { 1, 2, 3, 10, 1000 };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        roundtrip(ns[i], 1, NULL);
}

Test(shuffle, honest_width3)
{
    size_t ns[] = { 1, 2, 3, 10, 1000 };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        roundtrip(ns[i], 3, NULL);
}

Test(shuffle, honest_width7)
{
    size_t ns[] = { 1, 2, 3, 10, 1000 };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        roundtrip(ns[i], 7, NULL);
}

Test(shuffle, honest_threads)
{
    sh_pool *pool = sh_pool_new(3);
    cr_assert_not_null(pool);
    roundtrip(500, 2, pool);
    sh_pool_free(pool);
}

/* The width-w plaintexts move together: decrypting the output gives the
 * input's vectors, permuted. */
Test(shuffle, permutes_vectors)
{
    const size_t n = 20, w = 3;
    zk_shuffle_batch in, out;
    zk_shuffle_secret sec;
    zk_point m[60], d[3];
    make_batch(&in, m, n, w);
    cr_assert_eq(zk_shuffle(&out, &sec, &pk, &in, rng, NULL), 0);
    int moved = 0;
    for (size_t j = 0; j < n; j++) {
        size_t o = sec.perm[j];
        moved += o != j;
        cr_assert_eq(zk_elgamal_decrypt(d, &sk, &out.ct[o * w], w), 0);
        for (size_t l = 0; l < w; l++)
            cr_assert(zk_point_eq(&d[l], &m[j * w + l]));
        /* re-encrypted: no component is unchanged */
        cr_assert_neq(memcmp(out.enc + 64 * o * w, in.enc + 64 * j * w, 64), 0);
    }
    cr_assert_gt(moved, 0);
    zk_shuffle_secret_free(&sec);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
}

/* Chi-square smoke test of the permutation: where element 0..n-1 lands,
 * over many draws, for n = 5 (25 cells). */
Test(shuffle, permutation_uniform)
{
    enum { N = 5, DRAWS = 20000 };
    unsigned count[N][N] = { { 0 } };
    uint32_t perm[N];
    for (int d = 0; d < DRAWS; d++) {
        zk_shuffle_permutation(perm, N, rng);
        unsigned seen = 0;
        for (int i = 0; i < N; i++) {
            cr_assert_lt(perm[i], N);
            seen |= 1u << perm[i];
            count[i][perm[i]]++;
        }
        cr_assert_eq(seen, (1u << N) - 1);
    }
    double expect = (double)DRAWS / N, chi = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            chi += (count[i][j] - expect) * (count[i][j] - expect) / expect;
    /* 16 degrees of freedom (rows and columns fixed): p = 0.001 at 39.3 */
    cr_assert_lt(chi, 39.3, "chi-square %f", chi);
}

/* Same proof bytes and verdict for 1, 2 and 4 threads (same rng seed). */
Test(shuffle, threads_identical)
{
    const size_t n = 300, w = 2;
    uint8_t *proofs[3];
    zk_shuffle_batch outs[3];
    unsigned threads[3] = { 1, 2, 4 };
    size_t len = zk_shuffle_proof_size(n, w);
    zk_shuffle_batch in;
    make_batch(&in, NULL, n, w);
    for (int i = 0; i < 3; i++) {
        sh_pool *pool = sh_pool_new(threads[i]);
        sh_rng *r = tu_rng(99);
        zk_shuffle_gens g;
        zk_shuffle_secret sec;
        cr_assert_eq(zk_shuffle_gens_init(&g, seed, n, pool), 0);
        cr_assert_eq(zk_shuffle(&outs[i], &sec, &pk, &in, r, pool), 0);
        proofs[i] = malloc(len);
        cr_assert_eq(zk_shuffle_prove(proofs[i], len, &g, &pk, &ctx, &in, &outs[i], &sec, r,
                                      pool), 0);
        cr_assert_eq(zk_shuffle_verify(proofs[i], len, &g, &pk, &ctx, &in, &outs[i], pool,
                                       NULL), 0);
        /* a non-canonical or wrong last k_F (the hints follow it) */
        const size_t kf_end = 32 * (5 * n + 3 * w + 6) - 1;
        proofs[i][kf_end] ^= 1;
        cr_assert_neq(zk_shuffle_verify(proofs[i], len, &g, &pk, &ctx, &in, &outs[i], pool,
                                        NULL), 0);
        proofs[i][kf_end] ^= 1;
        zk_shuffle_secret_free(&sec);
        zk_shuffle_gens_free(&g);
        sh_rng_free(r);
        sh_pool_free(pool);
    }
    for (int i = 1; i < 3; i++) {
        cr_assert_eq(memcmp(outs[0].enc, outs[i].enc, 64 * n * w), 0);
        cr_assert_eq(memcmp(proofs[0], proofs[i], len), 0, "threads %u", threads[i]);
    }
    for (int i = 0; i < 3; i++) {
        free(proofs[i]);
        zk_shuffle_batch_free(&outs[i]);
    }
    zk_shuffle_batch_free(&in);
}

Test(shuffle, cascade)
{
    enum { K = 3 };
    const size_t n = 50, w = 2;
    zk_shuffle_batch b[K + 1];
    uint8_t *proofs[K];
    size_t lens[K];
    zk_shuffle_ctx cx[K];
    zk_shuffle_gens g;
    sh_pool *pool = sh_pool_new(2);
    make_batch(&b[0], NULL, n, w);
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, n, NULL), 0);
    for (int i = 0; i < K; i++) {
        zk_shuffle_secret sec;
        cx[i] = ctx;
        cx[i].shuffler = (uint64_t)i;
        lens[i] = zk_shuffle_proof_size(n, w);
        proofs[i] = malloc(lens[i]);
        cr_assert_eq(zk_shuffle(&b[i + 1], &sec, &pk, &b[i], rng, pool), 0);
        cr_assert_eq(zk_shuffle_prove(proofs[i], lens[i], &g, &pk, &cx[i], &b[i], &b[i + 1],
                                      &sec, rng, pool), 0);
        zk_shuffle_secret_free(&sec);
    }
    size_t bad = 99;
    cr_assert_eq(zk_shuffle_verify_cascade((const uint8_t *const *)proofs, lens, K, &g, &pk,
                                           cx, b, pool, &bad), 0);
    cr_assert_eq(bad, K);
    /* Swap the contexts of two steps: the second proof fails. */
    cx[1].shuffler = 5;
    cr_assert_eq(zk_shuffle_verify_cascade((const uint8_t *const *)proofs, lens, K, &g, &pk,
                                           cx, b, pool, &bad), SH_ERR_VERIFY);
    cr_assert_eq(bad, 1);
    cx[1].shuffler = 1;
    /* A proof of step 2 presented for step 3 fails at step 3. */
    uint8_t *third = proofs[2];
    proofs[2] = proofs[1];
    cr_assert_eq(zk_shuffle_verify_cascade((const uint8_t *const *)proofs, lens, K, &g, &pk,
                                           cx, b, pool, &bad), SH_ERR_VERIFY);
    cr_assert_eq(bad, 2);
    cr_assert_eq(zk_shuffle_verify_cascade((const uint8_t *const *)proofs, lens, 0, &g, &pk,
                                           cx, b, pool, &bad), SH_ERR_RANGE);
    free(proofs[0]);
    free(proofs[1]);
    free(third);
    for (int i = 0; i <= K; i++)
        zk_shuffle_batch_free(&b[i]);
    zk_shuffle_gens_free(&g);
    sh_pool_free(pool);
}

Test(shuffle, batch_wire_format)
{
    zk_shuffle_batch in, d;
    make_batch(&in, NULL, 4, 3);
    size_t len = zk_shuffle_batch_size(4, 3);
    cr_assert_eq(len, 6 + 64 * 12);
    uint8_t *buf = malloc(len + 1);
    cr_assert_eq(zk_shuffle_batch_encode(buf, len, &in), 0);
    cr_assert_eq(buf[0], 4);
    cr_assert_eq(buf[4], 3);
    size_t bad = 0;
    cr_assert_eq(zk_shuffle_batch_decode(&d, buf, len, &bad, NULL), 0);
    cr_assert_eq(d.n, 4);
    cr_assert_eq(d.w, 3);
    cr_assert(tu_ct_equal(d.ct, in.ct, 12));
    zk_shuffle_batch_free(&d);
    cr_assert_eq(zk_shuffle_batch_decode(&d, buf, len - 1, &bad, NULL), SH_ERR_TRUNCATED);
    cr_assert_eq(zk_shuffle_batch_decode(&d, buf, 5, &bad, NULL), SH_ERR_TRUNCATED);
    buf[len] = 0;
    cr_assert_eq(zk_shuffle_batch_decode(&d, buf, len + 1, &bad, NULL), SH_ERR_TRAILING);
    /* an invalid point in component 5, C2 */
    uint8_t save = buf[6 + 64 * 5 + 32];
    memset(buf + 6 + 64 * 5 + 32, 0xff, 1);
    buf[6 + 64 * 5 + 32 + 31] ^= 0x80;
    int rc = zk_shuffle_batch_decode(&d, buf, len, &bad, NULL);
    cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL);
    cr_assert_eq(bad, 5);
    cr_assert_null(d.ct);
    buf[6 + 64 * 5 + 32] = save;
    buf[6 + 64 * 5 + 32 + 31] ^= 0x80;
    /* empty batch, zero width */
    uint8_t hdr[6] = { 0, 0, 0, 0, 1, 0 };
    cr_assert_eq(zk_shuffle_batch_decode(&d, hdr, 6, &bad, NULL), SH_ERR_RANGE);
    hdr[0] = 1;
    hdr[4] = 0;
    cr_assert_eq(zk_shuffle_batch_decode(&d, hdr, 6, &bad, NULL), SH_ERR_RANGE);
    free(buf);
    zk_shuffle_batch_free(&in);
}

/* The generators: one RFC 9496 MAP of the first 32 bytes of
 * SHA-512(DST || seed || u64le(i)); MAP is half of the one-way map, which
 * libsodium's from_hash implements: from_hash(a || b) = MAP(a) + MAP(b). */
Test(shuffle, generators)
{
    zk_shuffle_gens g;
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, 3, NULL), 0);
    uint8_t h[64], want[32], got[32], idx[8] = { 2 }, ab[64];
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, (const uint8_t *)ZK_SHUFFLE_GENS_DST,
                              strlen(ZK_SHUFFLE_GENS_DST));
    crypto_hash_sha512_update(&st, seed, 32);
    crypto_hash_sha512_update(&st, idx, 8);
    crypto_hash_sha512_final(&st, h);
    /* MAP(a) = from_hash(a || b) - MAP(b) for b = the hash of index 1 ... */
    zk_point mb, sum;
    zk_point_from_hash(&sum, h);   /* MAP(a) + MAP(b) with a||b = h */
    decaf_255_point_from_hash_nonuniform(&mb.v, h + 32);
    zk_point_sub(&sum, &sum, &mb);
    zk_point_encode(want, &sum);
    zk_point_encode(got, &g.h[2]);
    cr_assert_eq(memcmp(want, got, 32), 0);
    /* ... and libsodium agrees that from_hash(a || b) is the sum. */
    memcpy(ab, h, 64);
    uint8_t lib[32];
    crypto_core_ristretto255_from_hash(lib, ab);
    zk_point_add(&sum, &sum, &mb);
    zk_point_encode(got, &sum);
    cr_assert_eq(memcmp(lib, got, 32), 0);
    /* distinct, not the identity */
    cr_assert_not(zk_point_eq(&g.h[0], &g.h[1]));
    cr_assert_not(zk_point_is_identity(&g.h[0]));
    zk_shuffle_gens_free(&g);
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, 0, NULL), SH_ERR_RANGE);
}

/* The prover's constant-time primitives against the references: the
 * fixed-base tables (zksh_fb_mul) against zk_point_mul, on scalars at the
 * edges of the signed-digit recoding, and the constant-time MSM against
 * zk_msm across block boundaries and thread counts. */
Test(shuffle, ct_primitives)
{
    zk_point base, a, b;
    zk_scalar s, one;
    tu_random_points(rng, &base, 1);
    zksh_fb *t = zksh_fb_new(&base);
    cr_assert(t != NULL);
    zk_scalar_one(&one);
    for (int i = 0; i < 64; i++) {
        if (i == 0)
            zk_scalar_zero(&s);
        else if (i == 1)
            s = one;
        else if (i == 2)
            zk_scalar_neg(&s, &one);                  /* L - 1 */
        else if (i < 40) {
            /* 2^(i-3) * 16 and its neighbours: digits at their bounds */
            uint8_t e[32] = { 0 };
            unsigned bit = (unsigned)(i - 3) * 7 % 253;
            e[bit / 8] = (uint8_t)(1u << (bit % 8));
            cr_assert_eq(zk_scalar_decode(&s, e), 0);
            zk_scalar x;
            zk_scalar_from_u64(&x, 0x10101010u * (uint64_t)(i % 5));
            zk_scalar_mul(&s, &s, &x);
            if (i % 2)
                zk_scalar_sub(&s, &s, &one);
        } else
            zk_scalar_random(&s, rng);
        zksh_fb_mul(&a, t, &s);
        zk_point_mul(&b, &base, &s);
        cr_assert(zk_point_eq(&a, &b), "fixed-base product %d", i);
    }
    zksh_fb_free(t);
    zksh_fb_free(NULL);

    const size_t sizes[] = { 1, 2, 127, 128, 129, 300 };
    const size_t nmax = 300;
    zk_point *pts = zk_points_alloc(nmax);
    zk_scalar *sc = zk_aligned_alloc(nmax, sizeof *sc);
    int8_t *dig = malloc(64 * nmax);
    cr_assert(pts != NULL && sc != NULL && dig != NULL);
    tu_random_points(rng, pts, nmax);
    for (size_t i = 0; i < nmax; i++) {
        zk_scalar_random(&sc[i], rng);
        if (i % 7 == 3)
            zk_scalar_neg(&sc[i], &one);
        if (i % 11 == 5)
            zk_scalar_zero(&sc[i]);
        zksh_recode(dig + 64 * i, &sc[i]);
    }
    sh_pool *pool = sh_pool_new(2);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        cr_assert_eq(zk_msm(&b, sc, pts, sizes[k]), 0);
        cr_assert_eq(zksh_ct_msm(&a, dig, pts, 1, sizes[k], NULL), 0);
        cr_assert(zk_point_eq(&a, &b), "ct msm n %zu", sizes[k]);
        cr_assert_eq(zksh_ct_msm(&a, dig, pts, 1, sizes[k], pool), 0);
        cr_assert(zk_point_eq(&a, &b), "ct msm n %zu, 2 threads", sizes[k]);
    }
    /* a stride (the F' sums read every other point) */
    zk_point *even = zk_points_alloc(nmax / 2);
    for (size_t i = 0; i < nmax / 2; i++)
        even[i] = pts[2 * i];
    cr_assert_eq(zk_msm(&b, sc, even, nmax / 2), 0);
    cr_assert_eq(zksh_ct_msm(&a, dig, pts, 2, nmax / 2, pool), 0);
    cr_assert(zk_point_eq(&a, &b));
    sh_pool_free(pool);
    free(even);
    free(pts);
    free(sc);
    free(dig);
}

/* A known answer: the proof bytes for a fixed statement, witness and prover
 * randomness (all from fixed rng seeds), so that a faster prover keeps
 * producing exactly the same proof.  The digest was computed by the prover
 * of the first release (libdecaf tables and 4/5-bit Straus); N = 300 spans
 * three blocks of the constant-time MSM. */
Test(shuffle, proof_known_answer)
{
    const size_t n = 300, w = 2;
    sh_rng *r = tu_rng(2024);
    zk_scalar k;
    zk_point kp;
    zk_elem key;
    zk_elgamal_keygen(&k, &kp, r);
    zk_elem_set(&key, &kp);
    zk_shuffle_batch in, out;
    zk_shuffle_secret sec;
    zk_shuffle_gens g;
    cr_assert_eq(zk_shuffle_batch_alloc(&in, n, w), 0);
    zk_point *msg = zk_points_alloc(n * w);
    zk_elgamal_ct *ct = zk_aligned_alloc(n * w, sizeof *ct);
    cr_assert(msg != NULL && ct != NULL);
    tu_random_points(r, msg, n * w);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(zk_elgamal_encrypt(ct + i * w, NULL, &key.p, msg + i * w, w, r), 0);
    zk_shuffle_batch_set(&in, ct, NULL);
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, n, NULL), 0);
    cr_assert_eq(zk_shuffle(&out, &sec, &key, &in, r, NULL), 0);
    size_t len = zk_shuffle_proof_size(n, w);
    uint8_t *proof = malloc(len), digest[32];
    char hex[65];
    cr_assert_eq(zk_shuffle_prove(proof, len, &g, &key, &ctx, &in, &out, &sec, r, NULL), 0);
    crypto_generichash(digest, sizeof digest, proof, len, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    cr_assert_str_eq(hex, PROOF_KAT_300x2, "proof digest %s", hex);
    crypto_generichash(digest, sizeof digest, proof, 32 * (5 * n + 3 * w + 6), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    cr_assert_str_eq(hex, PROOF_KAT_300x2_PROPER, "digest without hints %s", hex);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &key, &ctx, &in, &out, NULL, NULL), 0);
    free(proof);
    free(msg);
    free(ct);
    zk_shuffle_secret_free(&sec);
    zk_shuffle_gens_free(&g);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
    zk_scalar_wipe(&k);
    sh_rng_free(r);
}
