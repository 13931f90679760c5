/* tests/test_zk_shuffle_tamper.c -- the verifier rejects every tampering of
 * the statement or the proof, and malformed inputs with clear errors. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/shuffle.h"
#include "zk/hint.h"
#include "testutil.h"

#define N 10
#define W 2

static sh_rng *rng;
static zk_scalar sk;
static zk_elem pk;
static zk_shuffle_ctx ctx = { 7, 3, 1 };
static const uint8_t seed[32] = "shroud test generators seed.....";
static zk_shuffle_batch in, out;
static zk_shuffle_gens g;
static uint8_t *proof;
static size_t len;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(12);
    zk_point p;
    zk_elgamal_keygen(&sk, &p, rng);
    zk_elem_set(&pk, &p);
    cr_assert_eq(zk_shuffle_batch_alloc(&in, N, W), 0);
    zk_point msg[N * W];
    zk_elgamal_ct ct[N * W];
    tu_random_points(rng, msg, N * W);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(zk_elgamal_encrypt(ct + i * W, NULL, &pk.p, msg + i * W, W, rng), 0);
    zk_shuffle_batch_set(&in, ct, NULL);
    cr_assert_eq(zk_shuffle_gens_init(&g, seed, N, NULL), 0);
    zk_shuffle_secret sec;
    cr_assert_eq(zk_shuffle(&out, &sec, &pk, &in, rng, NULL), 0);
    len = zk_shuffle_proof_size(N, W);
    proof = malloc(len + 32);
    cr_assert_eq(zk_shuffle_prove(proof, len, &g, &pk, &ctx, &in, &out, &sec, rng, NULL), 0);
    zk_shuffle_secret_free(&sec);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &out, NULL, NULL), 0);
}

static void teardown(void)
{
    free(proof);
    zk_shuffle_batch_free(&in);
    zk_shuffle_batch_free(&out);
    zk_shuffle_gens_free(&g);
    sh_rng_free(rng);
}

TestSuite(shuffle_tamper, .init = setup, .fini = teardown);

static int verify_rep(zk_shuffle_report *rep)
{
    return zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &out, NULL, rep);
}

/* Set component i of batch b to ct (point and encoding). */
static void set_ct(zk_shuffle_batch *b, size_t i, const zk_elgamal_ct *ct)
{
    b->ct[i] = *ct;
    zk_point_encode(b->enc + 64 * i, &ct->c1);
    zk_point_encode(b->enc + 64 * i + 32, &ct->c2);
}

Test(shuffle_tamper, swap_two_outputs)
{
    zk_elgamal_ct a[W], b[W];
    memcpy(a, &out.ct[0], sizeof a);
    memcpy(b, &out.ct[W], sizeof b);
    for (size_t l = 0; l < W; l++) {
        set_ct(&out, l, &b[l]);
        set_ct(&out, W + l, &a[l]);
    }
    cr_assert_eq(verify_rep(NULL), SH_ERR_VERIFY);
}

Test(shuffle_tamper, reencrypt_output_wrongly)
{
    /* C1 + rB, C2 + r'pk with r != r' */
    zk_scalar r1, r2;
    zk_point t;
    zk_elgamal_ct c = out.ct[3 * W + 1];
    zk_scalar_random(&r1, rng);
    zk_scalar_random(&r2, rng);
    zk_point_mul_base(&t, &r1);
    zk_point_add(&c.c1, &c.c1, &t);
    zk_point_mul(&t, &pk.p, &r2);
    zk_point_add(&c.c2, &c.c2, &t);
    set_ct(&out, 3 * W + 1, &c);
    zk_shuffle_report rep;
    cr_assert_eq(verify_rep(&rep), SH_ERR_VERIFY);
    cr_assert_eq(rep.check, ZK_SHUFFLE_CHECK_A);   /* out is in the transcript */
}

Test(shuffle_tamper, reencrypt_output_correctly_but_extra)
{
    /* A valid re-encryption of an output is still not what was proved. */
    zk_elgamal_ct c[W];
    cr_assert_eq(zk_elgamal_reencrypt(c, NULL, &pk.p, &out.ct[5 * W], W, rng), 0);
    for (size_t l = 0; l < W; l++)
        set_ct(&out, 5 * W + l, &c[l]);
    cr_assert_eq(verify_rep(NULL), SH_ERR_VERIFY);
}

Test(shuffle_tamper, replace_output_message)
{
    zk_point m[W];
    zk_elgamal_ct c[W];
    tu_random_points(rng, m, W);
    cr_assert_eq(zk_elgamal_encrypt(c, NULL, &pk.p, m, W, rng), 0);
    for (size_t l = 0; l < W; l++)
        set_ct(&out, 2 * W + l, &c[l]);
    cr_assert_eq(verify_rep(NULL), SH_ERR_VERIFY);
}

Test(shuffle_tamper, change_input)
{
    zk_elgamal_ct c;
    cr_assert_eq(zk_elgamal_reencrypt(&c, NULL, &pk.p, &in.ct[0], 1, rng), 0);
    set_ct(&in, 0, &c);
    cr_assert_eq(verify_rep(NULL), SH_ERR_VERIFY);
}

Test(shuffle_tamper, change_key_context_generators)
{
    zk_elem pk2;
    zk_point p;
    zk_scalar s2;
    zk_elgamal_keygen(&s2, &p, rng);
    zk_elem_set(&pk2, &p);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk2, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_VERIFY);
    zk_shuffle_ctx c2 = ctx;
    c2.epoch++;
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &c2, &in, &out, NULL, NULL),
                 SH_ERR_VERIFY);
    c2 = ctx;
    c2.round++;
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &c2, &in, &out, NULL, NULL),
                 SH_ERR_VERIFY);
    c2 = ctx;
    c2.shuffler++;
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &c2, &in, &out, NULL, NULL),
                 SH_ERR_VERIFY);
    zk_shuffle_gens g2;
    uint8_t seed2[32];
    memcpy(seed2, seed, 32);
    seed2[0] ^= 1;
    cr_assert_eq(zk_shuffle_gens_init(&g2, seed2, N, NULL), 0);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g2, &pk, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_VERIFY);
    zk_shuffle_gens_free(&g2);
}

/* Offsets (32-byte units) of each proof component, as in the spec. */
typedef struct part {
    const char *name;
    size_t off, count;
    int scalar;
    zk_shuffle_check check;    /* the check that must be named, or 0 */
} part;

Test(shuffle_tamper, every_proof_component)
{
    const size_t s0 = 3 * N + 3 + 2 * W;
    part parts[] = {
        { "u", 0, N, 0, 0 },
        { "c_hat", N, N, 0, 0 },
        { "A'", 2 * N, 1, 0, 0 },
        { "B'", 2 * N + 1, N, 0, 0 },
        { "C'", 3 * N + 1, 1, 0, 0 },
        { "D'", 3 * N + 2, 1, 0, 0 },
        { "F'", 3 * N + 3, 2 * W, 0, 0 },
        { "k_A", s0, 1, 1, ZK_SHUFFLE_CHECK_A },
        { "k_B", s0 + 1, N, 1, ZK_SHUFFLE_CHECK_B },
        { "k_C", s0 + 1 + N, 1, 1, ZK_SHUFFLE_CHECK_C },
        { "k_D", s0 + 2 + N, 1, 1, ZK_SHUFFLE_CHECK_D },
        { "k_E", s0 + 3 + N, N, 1, ZK_SHUFFLE_CHECK_A },
        { "k_F", s0 + 3 + 2 * N, W, 1, ZK_SHUFFLE_CHECK_F },
    };
    /* the proof proper, then the hints of its points and of the output */
    cr_assert_eq(s0 + 3 + 2 * N + W + s0 + 2 * W * N, len / 32);
    uint8_t save[32];
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        size_t idxs[3] = { 0, parts[p].count / 2, parts[p].count - 1 };
        for (int t = 0; t < 3; t++) {
            size_t at = 32 * (parts[p].off + idxs[t]);
            memcpy(save, proof + at, 32);
            if (parts[p].scalar) {
                zk_scalar s, one;
                cr_assert_eq(zk_scalar_decode(&s, proof + at), 0);
                zk_scalar_one(&one);
                zk_scalar_add(&s, &s, &one);
                zk_scalar_encode(proof + at, &s);
            } else {
                zk_point q, b;
                cr_assert_eq(zk_point_decode(&q, proof + at), 0);
                zk_point_base(&b);
                zk_point_add(&q, &q, &b);
                zk_point_encode(proof + at, &q);
            }
            zk_shuffle_report rep;
            int rc = verify_rep(&rep);
            cr_assert_eq(rc, SH_ERR_VERIFY, "%s[%zu]: rc %d", parts[p].name, idxs[t], rc);
            cr_assert_neq(rep.check, ZK_SHUFFLE_OK);
            cr_assert_neq(rep.check, ZK_SHUFFLE_CHECK_BATCH);
            if (parts[p].check != 0) {
                cr_assert_eq(rep.check, parts[p].check, "%s: named %s", parts[p].name,
                             zk_shuffle_check_name(rep.check));
                if (parts[p].check == ZK_SHUFFLE_CHECK_B)
                    cr_assert_eq(rep.index, idxs[t]);
                if (parts[p].check == ZK_SHUFFLE_CHECK_F)
                    cr_assert_eq(rep.index, idxs[t]);
            }
            memcpy(proof + at, save, 32);
        }
    }
    cr_assert_eq(verify_rep(NULL), 0);
}

/* Decompression hints are a decoding aid outside the transcript: any
 * bytes there leave the verdict as it was.  A tampered point with a hint
 * that matches it (as a forger would send) is still rejected; wrong hints
 * for the output batch decode to the same batch. */
Test(shuffle_tamper, hints_change_no_verdict)
{
    const size_t s0 = 3 * N + 3 + 2 * W, hp = s0 + 2 * N + 3 + W, ho = hp + s0;
    uint8_t *saved = malloc(len);
    cr_assert(saved != NULL);
    memcpy(saved, proof, len);
    /* every hint random: still valid */
    sh_rng_bytes(rng, proof + 32 * hp, len - 32 * hp);
    cr_assert_eq(verify_rep(NULL), 0);
    /* every hint zero: still valid */
    memset(proof + 32 * hp, 0, len - 32 * hp);
    cr_assert_eq(verify_rep(NULL), 0);
    memcpy(proof, saved, len);

    /* u_5 + B with the hint of u_5 + B: rejected, as without hints */
    size_t at = 5;
    zk_point q, b;
    cr_assert_eq(zk_point_decode(&q, proof + 32 * at), 0);
    zk_point_base(&b);
    zk_point_add(&q, &q, &b);
    zk_point_encode(proof + 32 * at, &q);
    zk_point_hints(proof + 32 * (hp + at), &q, proof + 32 * at, 1);
    int ok = 0;
    zk_point d;
    cr_assert_eq(zk_point_decode_hinted(&d, proof + 32 * at, proof + 32 * (hp + at), &ok), 0);
    cr_assert_eq(ok, 1, "the forged hint is not even used");
    cr_assert_eq(verify_rep(NULL), SH_ERR_VERIFY);
    memcpy(proof, saved, len);

    /* the output batch through its hints, right and wrong: the same batch */
    size_t wlen = zk_shuffle_batch_size(N, W);
    uint8_t *wire = malloc(wlen);
    cr_assert(wire != NULL);
    cr_assert_eq(zk_shuffle_batch_encode(wire, wlen, &out), 0);
    for (int t = 0; t < 3; t++) {
        if (t == 1)
            sh_rng_bytes(rng, proof + 32 * ho, 64 * W * N);
        zk_shuffle_batch d1, d2;
        size_t bad = 0;
        /* t == 2: a proof of the wrong length, whose hints are not read */
        cr_assert_eq(zk_shuffle_output_decode(&d1, wire, wlen, proof, t == 2 ? len - 1 : len,
                                              &bad, NULL), 0);
        cr_assert_eq(zk_shuffle_batch_decode(&d2, wire, wlen, &bad, NULL), 0);
        for (size_t i = 0; i < N * W; i++) {
            cr_assert(zk_point_eq(&d1.ct[i].c1, &d2.ct[i].c1));
            cr_assert(zk_point_eq(&d1.ct[i].c2, &d2.ct[i].c2));
        }
        cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &d1, NULL, NULL), 0);
        zk_shuffle_batch_free(&d1);
        zk_shuffle_batch_free(&d2);
    }
    /* a bad output point is named by index with or without its hint */
    wire[ZK_SHUFFLE_BATCH_HEADER + 64 * 3 + 32] ^= 1;   /* c2 of component 3: odd s */
    zk_shuffle_batch d3;
    size_t bad = 0;
    int rc = zk_shuffle_output_decode(&d3, wire, wlen, saved, len, &bad, NULL);
    cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL, "rc %d", rc);
    cr_assert_eq(bad, 3);
    memcpy(proof, saved, len);
    free(wire);
    free(saved);
}

Test(shuffle_tamper, malformed_proof)
{
    zk_shuffle_report rep;
    cr_assert_eq(zk_shuffle_verify(proof, len - 1, &g, &pk, &ctx, &in, &out, NULL, &rep),
                 SH_ERR_TRUNCATED);
    cr_assert_eq(rep.check, ZK_SHUFFLE_CHECK_PROOF_LENGTH);
    cr_assert_eq(zk_shuffle_verify(proof, len - 32, &g, &pk, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_TRUNCATED);
    cr_assert_eq(zk_shuffle_verify(proof, len + 1, &g, &pk, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_TRAILING);
    cr_assert_eq(zk_shuffle_verify(proof, 0, &g, &pk, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_TRUNCATED);
    /* an invalid point: B'_4 */
    uint8_t save[32];
    size_t at = 32 * (2 * N + 1 + 4);
    memcpy(save, proof + at, 32);
    memset(proof + at, 0xff, 32);
    proof[at + 31] = 0x7f;
    int rc = verify_rep(&rep);
    cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL, "rc %d", rc);
    cr_assert_eq(rep.check, ZK_SHUFFLE_CHECK_PROOF_POINT);
    cr_assert_eq(rep.index, 2 * N + 1 + 4);
    proof[at] = 0x01;
    memset(proof + at + 1, 0, 31);   /* field element 1: not a valid encoding */
    cr_assert_eq(verify_rep(&rep), SH_ERR_POINT);
    memcpy(proof + at, save, 32);
    /* a non-canonical scalar: k_C = L */
    at = 32 * (3 * N + 3 + 2 * W + 1 + N);
    memcpy(save, proof + at, 32);
    memcpy(proof + at, tu_L, 32);
    cr_assert_eq(verify_rep(&rep), SH_ERR_NONCANONICAL);
    cr_assert_eq(rep.check, ZK_SHUFFLE_CHECK_PROOF_SCALAR);
    cr_assert_eq(rep.index, 1 + N);
    memcpy(proof + at, save, 32);
    cr_assert_eq(verify_rep(NULL), 0);
}

Test(shuffle_tamper, malformed_statement)
{
    zk_shuffle_report rep;
    zk_shuffle_batch empty = { 0 };
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &empty, &out, NULL, &rep),
                 SH_ERR_RANGE);
    cr_assert_eq(rep.check, ZK_SHUFFLE_CHECK_STATEMENT);
    /* width mismatch: the same bytes seen as width 1 */
    zk_shuffle_batch narrow = out;
    narrow.n = 2 * N;
    narrow.w = 1;
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &narrow, NULL, NULL),
                 SH_ERR_LENGTH);
    narrow.n = N;
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &narrow, NULL, NULL),
                 SH_ERR_LENGTH);
    /* generators for another size */
    zk_shuffle_gens g2;
    cr_assert_eq(zk_shuffle_gens_init(&g2, seed, N + 1, NULL), 0);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g2, &pk, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_LENGTH);
    zk_shuffle_gens_free(&g2);
    /* identity key */
    zk_elem id;
    zk_point p;
    zk_point_identity(&p);
    zk_elem_set(&id, &p);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, &id, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_IDENTITY);
    cr_assert_eq(zk_shuffle_verify(proof, len, &g, NULL, &ctx, &in, &out, NULL, NULL),
                 SH_ERR_ARG);
    /* shuffling and proving refuse bad arguments too */
    zk_shuffle_batch o2;
    zk_shuffle_secret sec;
    cr_assert_eq(zk_shuffle(&o2, &sec, &id, &in, rng, NULL), SH_ERR_IDENTITY);
    cr_assert_eq(zk_shuffle(&o2, &sec, &pk, &empty, rng, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_shuffle_batch_alloc(&o2, 0, 1), SH_ERR_RANGE);
    cr_assert_eq(zk_shuffle_batch_alloc(&o2, 1, 0), SH_ERR_RANGE);
}

/* The diagnosis (each equation on its own, after the combination failed)
 * names the same check and index with a thread pool as without. */
Test(shuffle_tamper, diagnosis_same_with_threads)
{
    const size_t s0 = 3 * N + 3 + 2 * W;
    const size_t offs[] = { s0, s0 + 1 + 4, s0 + 1 + N, s0 + 2 + N, s0 + 3 + N + 7,
                            s0 + 3 + 2 * N + 1, 0, N + 3, 2 * N + 1 + 5, 3 * N + 3 + 3 };
    sh_pool *pool = sh_pool_new(3);
    cr_assert_not_null(pool);
    uint8_t save[32];
    for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
        size_t at = 32 * offs[k];
        memcpy(save, proof + at, 32);
        if (offs[k] >= s0) {
            zk_scalar s, one;
            cr_assert_eq(zk_scalar_decode(&s, proof + at), 0);
            zk_scalar_one(&one);
            zk_scalar_add(&s, &s, &one);
            zk_scalar_encode(proof + at, &s);
        } else {
            zk_point q, b;
            cr_assert_eq(zk_point_decode(&q, proof + at), 0);
            zk_point_base(&b);
            zk_point_add(&q, &q, &b);
            zk_point_encode(proof + at, &q);
        }
        zk_shuffle_report r1, r3;
        cr_assert_eq(verify_rep(&r1), SH_ERR_VERIFY);
        cr_assert_eq(zk_shuffle_verify(proof, len, &g, &pk, &ctx, &in, &out, pool, &r3),
                     SH_ERR_VERIFY);
        cr_assert_eq(r1.check, r3.check, "element %zu: %s vs %s", offs[k],
                     zk_shuffle_check_name(r1.check), zk_shuffle_check_name(r3.check));
        cr_assert_eq(r1.index, r3.index);
        memcpy(proof + at, save, 32);
    }
    sh_pool_free(pool);
    cr_assert_eq(verify_rep(NULL), 0);
}
