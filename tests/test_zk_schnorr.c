/* tests/test_zk_schnorr.c -- Schnorr proofs of knowledge: honest proofs
 * verify, every kind of tampering is rejected with the right error, batch
 * verification agrees with single verification and names the bad proof,
 * the nonce is hedged, and an independent re-implementation of
 * docs/proofs.md on libsodium alone accepts our proofs. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/schnorr.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(7);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(schnorr, .init = setup, .fini = teardown, .timeout = 120);

static void ctx_transcript(zk_transcript *t, uint64_t ctx)
{
    zk_transcript_init(t, "shroud-test-schnorr-v1");
    zk_transcript_append_u64(t, "ctx", ctx);
}

static void random_generator(zk_elem *G)
{
    uint8_t h[64];
    zk_point P;
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(&P, h);
    zk_elem_set(G, &P);
}

/* X = x*G (G NULL: the base point) as an element. */
static void mul_gen(zk_elem *X, const zk_elem *G, const zk_scalar *x)
{
    zk_point P;
    if (G == NULL)
        zk_point_mul_base(&P, x);
    else
        zk_point_mul(&P, &G->p, x);
    zk_elem_set(X, &P);
}

/* A statement X = x*G (G NULL: base) and an honest proof in context ctx. */
typedef struct instance {
    zk_scalar x;
    zk_elem X;
    uint8_t proof[ZK_SCHNORR_PROOF_BYTES];
} instance;

static void make_instance(instance *in, const zk_elem *G, uint64_t ctx)
{
    zk_transcript t;
    zk_scalar_random_nonzero(&in->x, rng);
    mul_gen(&in->X, G, &in->x);
    ctx_transcript(&t, ctx);
    cr_assert_eq(zk_schnorr_prove(in->proof, &t, G, &in->X, &in->x, rng), 0);
}

static int verify_in_ctx(const uint8_t *proof, const zk_elem *G, const zk_elem *X,
                         uint64_t ctx)
{
    zk_transcript t;
    ctx_transcript(&t, ctx);
    return zk_schnorr_verify(proof, &t, G, X);
}

/* 256-bit little-endian a + b (no overflow for our inputs). */
static void add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned v = (unsigned)a[i] + b[i] + carry;
        out[i] = (uint8_t)v;
        carry = v >> 8;
    }
    cr_assert_eq(carry, 0);
}

static void same_state(zk_transcript *a, zk_transcript *b)
{
    uint8_t ha[64], hb[64];
    zk_transcript_challenge_bytes(a, "probe", ha);
    zk_transcript_challenge_bytes(b, "probe", hb);
    cr_assert_arr_eq(ha, hb, 64, "transcripts diverged");
}

/* ---- honest proofs -------------------------------------------------------- */

Test(schnorr, honest_proofs_verify_base_and_other_generator)
{
    zk_elem G;
    for (int round = 0; round < 150; round++) {
        const zk_elem *gen = NULL;
        if (round % 2 == 1) {
            random_generator(&G);
            gen = &G;
        }
        instance in;
        make_instance(&in, gen, (uint64_t)round);
        zk_transcript tp, tv;
        ctx_transcript(&tp, (uint64_t)round);
        ctx_transcript(&tv, (uint64_t)round);
        uint8_t proof[ZK_SCHNORR_PROOF_BYTES];
        cr_assert_eq(zk_schnorr_prove(proof, &tp, gen, &in.X, &in.x, rng), 0);
        cr_assert_eq(zk_schnorr_verify(proof, &tv, gen, &in.X), 0, "round %d", round);
        /* prover and verifier transcripts end in the same state (chaining) */
        same_state(&tp, &tv);
        cr_assert_eq(verify_in_ctx(in.proof, gen, &in.X, (uint64_t)round), 0);
    }
}

Test(schnorr, chained_proofs_share_one_transcript)
{
    instance a, b;
    make_instance(&a, NULL, 0);
    make_instance(&b, NULL, 0);
    zk_transcript tp, tv, tw;
    ctx_transcript(&tp, 5);
    uint8_t p1[64], p2[64];
    cr_assert_eq(zk_schnorr_prove(p1, &tp, NULL, &a.X, &a.x, rng), 0);
    cr_assert_eq(zk_schnorr_prove(p2, &tp, NULL, &b.X, &b.x, rng), 0);
    ctx_transcript(&tv, 5);
    cr_assert_eq(zk_schnorr_verify(p1, &tv, NULL, &a.X), 0);
    cr_assert_eq(zk_schnorr_verify(p2, &tv, NULL, &b.X), 0);
    /* the second proof is bound to the first: alone it does not verify */
    ctx_transcript(&tw, 5);
    cr_assert_eq(zk_schnorr_verify(p2, &tw, NULL, &b.X), SH_ERR_VERIFY);
}

/* ---- tampering ------------------------------------------------------------- */

Test(schnorr, every_bit_flip_is_rejected)
{
    zk_elem G;
    random_generator(&G);
    for (int g = 0; g < 2; g++) {
        const zk_elem *gen = g ? &G : NULL;
        instance in;
        make_instance(&in, gen, 1);
        int seen_point = 0, seen_nonc = 0, seen_verify = 0;
        for (size_t bit = 0; bit < 8 * ZK_SCHNORR_PROOF_BYTES; bit++) {
            uint8_t bad[ZK_SCHNORR_PROOF_BYTES];
            memcpy(bad, in.proof, sizeof bad);
            bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = verify_in_ctx(bad, gen, &in.X, 1);
            if (bit < 256)
                cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_VERIFY, "R bit %zu: %d", bit, rc);
            else
                cr_assert(rc == SH_ERR_NONCANONICAL || rc == SH_ERR_VERIFY,
                          "s bit %zu: %d", bit, rc);
            seen_point += rc == SH_ERR_POINT;
            seen_nonc += rc == SH_ERR_NONCANONICAL;
            seen_verify += rc == SH_ERR_VERIFY;
        }
        /* all three kinds of rejection occur (low bit of R: negative field
         * element; top bits of s: >= L; most others: wrong equation) */
        cr_assert_gt(seen_point, 0);
        cr_assert_gt(seen_nonc, 0);
        cr_assert_gt(seen_verify, 0);
    }
}

Test(schnorr, wrong_statement_generator_or_context_rejected)
{
    zk_elem G, G2, B;
    random_generator(&G);
    random_generator(&G2);
    zk_elem_base(&B);
    instance in, other, ing;
    make_instance(&in, NULL, 3);
    make_instance(&other, NULL, 3);
    make_instance(&ing, &G, 3);

    /* wrong X */
    zk_elem X2;
    zk_point P;
    zk_point_add(&P, &in.X.p, &B.p);
    zk_elem_set(&X2, &P);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &X2, 3), SH_ERR_VERIFY);
    /* a proof for one statement presented for another */
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &other.X, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(other.proof, NULL, &in.X, 3), SH_ERR_VERIFY);
    /* wrong generator: base proof checked against G, G proof against base,
     * against another G, and against B passed explicitly (the transcript
     * differs: "G" is appended only for a non-NULL generator) */
    cr_assert_eq(verify_in_ctx(in.proof, &G, &in.X, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(ing.proof, NULL, &ing.X, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(ing.proof, &G2, &ing.X, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(in.proof, &B, &in.X, 3), SH_ERR_VERIFY);
    /* different context: other ctx value, other domain, an extra append */
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.X, 4), SH_ERR_VERIFY);
    zk_transcript t;
    zk_transcript_init(&t, "shroud-test-schnorr-v2");
    zk_transcript_append_u64(&t, "ctx", 3);
    cr_assert_eq(zk_schnorr_verify(in.proof, &t, NULL, &in.X), SH_ERR_VERIFY);
    ctx_transcript(&t, 3);
    zk_transcript_append(&t, "extra", (const uint8_t *)"x", 1);
    cr_assert_eq(zk_schnorr_verify(in.proof, &t, NULL, &in.X), SH_ERR_VERIFY);
    /* the right one still verifies */
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.X, 3), 0);
}

Test(schnorr, wrong_witness_gives_invalid_proof)
{
    instance in;
    make_instance(&in, NULL, 0);
    zk_scalar y;
    zk_scalar_random_nonzero(&y, rng);
    zk_transcript t;
    uint8_t proof[64];
    ctx_transcript(&t, 0);
    cr_assert_eq(zk_schnorr_prove(proof, &t, NULL, &in.X, &y, rng), 0);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.X, 0), SH_ERR_VERIFY);
}

Test(schnorr, noncanonical_s_rejected)
{
    instance in;
    make_instance(&in, NULL, 9);
    uint8_t bad[64];
    /* s + L: the same value mod L, so only strict decoding stops it */
    memcpy(bad, in.proof, 64);
    add256(bad + 32, in.proof + 32, tu_L);
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.X, 9), SH_ERR_NONCANONICAL);
    /* the top bit set */
    memcpy(bad, in.proof, 64);
    bad[63] |= 0x80;
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.X, 9), SH_ERR_NONCANONICAL);
    /* exactly L, and 2^256 - 1 */
    memcpy(bad + 32, tu_L, 32);
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.X, 9), SH_ERR_NONCANONICAL);
    memset(bad + 32, 0xff, 32);
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.X, 9), SH_ERR_NONCANONICAL);
    zk_schnorr_proof p;
    memcpy(bad, in.proof, 64);
    add256(bad + 32, in.proof + 32, tu_L);
    cr_assert_eq(zk_schnorr_proof_decode(&p, bad), SH_ERR_NONCANONICAL);
}

Test(schnorr, invalid_R_rejected_and_transcript_untouched)
{
    instance in;
    make_instance(&in, NULL, 2);
    uint8_t bad[64];
    zk_schnorr_proof p;
    static const uint8_t p_bytes[32] = {   /* 2^255 - 19: non-canonical */
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0x7f
    };
    /* negative field element (odd), non-canonical (>= p), all ones */
    uint8_t cases[3][32];
    memcpy(cases[0], in.proof, 32);
    cases[0][0] |= 1;
    memcpy(cases[1], p_bytes, 32);
    memset(cases[2], 0xff, 32);
    for (int i = 0; i < 3; i++) {
        memcpy(bad, in.proof, 64);
        memcpy(bad, cases[i], 32);
        zk_transcript t, ref;
        ctx_transcript(&t, 2);
        ctx_transcript(&ref, 2);
        cr_assert_eq(zk_schnorr_verify(bad, &t, NULL, &in.X), SH_ERR_POINT, "case %d", i);
        same_state(&t, &ref);
        cr_assert_eq(zk_schnorr_proof_decode(&p, bad), SH_ERR_POINT);
    }
    /* an R that is not canonical AND an s that is not: R is reported */
    memcpy(bad, p_bytes, 32);
    memset(bad + 32, 0xff, 32);
    cr_assert_eq(zk_schnorr_proof_decode(&p, bad), SH_ERR_POINT);
}

/* R = identity is ACCEPTED when the equation holds (s = c*x): the identity
 * is a valid group element, special soundness does not depend on R, and an
 * honest prover outputs it only when k = 0 (probability 2^-252).  A forger
 * without x cannot use it: then s*B must equal c*X. */
Test(schnorr, identity_R_accepted_iff_equation_holds)
{
    instance in;
    make_instance(&in, NULL, 11);
    uint8_t proof[64] = { 0 };
    zk_transcript t;
    zk_scalar c, s;
    uint8_t xb[32];
    ctx_transcript(&t, 11);
    zk_point_encode(xb, &in.X.p);
    zk_transcript_append(&t, "X", xb, 32);
    zk_transcript_append(&t, "R", proof, 32);
    zk_transcript_challenge_scalar(&t, "c", &c);
    zk_scalar_mul(&s, &c, &in.x);
    zk_scalar_encode(proof + 32, &s);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.X, 11), 0);
    zk_scalar_one(&c);
    zk_scalar_add(&s, &s, &c);
    zk_scalar_encode(proof + 32, &s);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.X, 11), SH_ERR_VERIFY);
}

Test(schnorr, null_arguments)
{
    instance in;
    make_instance(&in, NULL, 0);
    zk_transcript t;
    uint8_t proof[64];
    ctx_transcript(&t, 0);
    cr_assert_eq(zk_schnorr_prove(NULL, &t, NULL, &in.X, &in.x, rng), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_prove(proof, NULL, NULL, &in.X, &in.x, rng), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_prove(proof, &t, NULL, NULL, &in.x, rng), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_prove(proof, &t, NULL, &in.X, NULL, rng), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_prove(proof, &t, NULL, &in.X, &in.x, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_verify(NULL, &t, NULL, &in.X), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_verify(in.proof, NULL, NULL, &in.X), SH_ERR_ARG);
    cr_assert_eq(zk_schnorr_verify(in.proof, &t, NULL, NULL), SH_ERR_ARG);
}

/* ---- serialization ---------------------------------------------------------- */

Test(schnorr, encode_decode_round_trip)
{
    for (int i = 0; i < 50; i++) {
        instance in;
        make_instance(&in, NULL, (uint64_t)i);
        zk_schnorr_proof p;
        uint8_t again[64];
        cr_assert_eq(zk_schnorr_proof_decode(&p, in.proof), 0);
        zk_schnorr_proof_encode(again, &p);
        cr_assert_arr_eq(again, in.proof, 64);
    }
}

/* ---- nonces and determinism -------------------------------------------------- */

static void zero_fill(sh_rng *self, uint8_t *out, size_t len)
{
    (void)self;
    memset(out, 0, len);
}

Test(schnorr, deterministic_with_seeded_rng)
{
    uint8_t seed[32] = { 1, 2, 3 };
    zk_scalar x;
    zk_elem X;
    zk_scalar_from_u64(&x, 123456789);
    mul_gen(&X, NULL, &x);
    uint8_t p[3][64];
    for (int i = 0; i < 3; i++) {
        seed[31] = i == 2;   /* runs 0 and 1 share the seed, run 2 does not */
        sh_rng *r = sh_rng_chacha_new(seed);
        zk_transcript t;
        ctx_transcript(&t, 77);
        cr_assert_eq(zk_schnorr_prove(p[i], &t, NULL, &X, &x, r), 0);
        sh_rng_free(r);
        cr_assert_eq(verify_in_ctx(p[i], NULL, &X, 77), 0);
    }
    cr_assert_arr_eq(p[0], p[1], 64);
    cr_assert_arr_neq(p[0], p[2], 64);
}

/* With an rng that returns only zeros the nonce still depends on the
 * statement, the context and the secret: no two different proofs share
 * R (which would reveal x), and proofs stay valid. */
Test(schnorr, hedged_nonce_survives_a_broken_rng)
{
    sh_rng broken = { zero_fill, NULL };
    zk_scalar x, x2;
    zk_elem X, X2;
    zk_scalar_random_nonzero(&x, rng);
    zk_scalar_random_nonzero(&x2, rng);
    mul_gen(&X, NULL, &x);
    mul_gen(&X2, NULL, &x2);
    uint8_t a[64], b[64], c[64], d[64];
    zk_transcript t;
    ctx_transcript(&t, 1);
    cr_assert_eq(zk_schnorr_prove(a, &t, NULL, &X, &x, &broken), 0);
    ctx_transcript(&t, 2);
    cr_assert_eq(zk_schnorr_prove(b, &t, NULL, &X, &x, &broken), 0);
    ctx_transcript(&t, 1);
    cr_assert_eq(zk_schnorr_prove(c, &t, NULL, &X2, &x2, &broken), 0);
    ctx_transcript(&t, 1);
    cr_assert_eq(zk_schnorr_prove(d, &t, NULL, &X, &x, &broken), 0);
    cr_assert_arr_neq(a, b, 32, "same nonce for two contexts");
    cr_assert_arr_neq(a, c, 32, "same nonce for two statements");
    cr_assert_arr_eq(a, d, 64, "same inputs, same proof");
    cr_assert_eq(verify_in_ctx(a, NULL, &X, 1), 0);
    cr_assert_eq(verify_in_ctx(b, NULL, &X, 2), 0);
}

/* docs/proofs.md, re-implemented with libsodium's ristretto255 and SHA-512
 * only: the nonce derivation (with a known rng stream) and verification. */

Test(schnorr, independent_implementation_of_the_spec)
{
    static const char dom[] = "shroud-test-schnorr-v1";
    uint8_t seed[32] = { 9 };
    uint8_t G[32], X[32], x[32], rbytes[32], proof[64];
    zk_elem Gp, Xp;
    zk_scalar xs;
    random_generator(&Gp);
    zk_point_encode(G, &Gp.p);
    zk_scalar_random_nonzero(&xs, rng);
    zk_scalar_encode(x, &xs);
    cr_assert_eq(crypto_scalarmult_ristretto255(X, x, G), 0);
    cr_assert_eq(zk_elem_decode(&Xp, X), 0);   /* as a verifier would hold it */

    sh_rng *r = sh_rng_chacha_new(seed);
    zk_transcript t;
    zk_transcript_init(&t, dom);
    zk_transcript_append_u64(&t, "ctx", 42);
    cr_assert_eq(zk_schnorr_prove(proof, &t, &Gp, &Xp, &xs, r), 0);
    sh_rng_free(r);
    r = sh_rng_chacha_new(seed);
    sh_rng_bytes(r, rbytes, 32);   /* the 32 bytes the prover drew */
    sh_rng_free(r);

    tu_bytes T = { .n = 0 };
    uint8_t u64[8] = { 42 };
    tu_put_frame(&T, "shroud-transcript-v1", 20);
    tu_put_frame(&T, dom, strlen(dom));
    tu_op_append(&T, "ctx", u64, 8);
    tu_op_append(&T, "G", G, 32);
    tu_op_append(&T, "X", X, 32);
    /* nonce: a fork of T */
    tu_bytes F = T;
    uint8_t h[64], k[32], R[32], c[32], s[32], lhs[32], rhs[32];
    tu_op_append(&F, "nonce-secret", x, 32);
    tu_op_append(&F, "nonce-rng", rbytes, 32);
    tu_op_challenge(&F, "nonce", h);
    crypto_core_ristretto255_scalar_reduce(k, h);
    cr_assert_eq(crypto_scalarmult_ristretto255(R, k, G), 0);
    cr_assert_arr_eq(proof, R, 32, "R is not k*G for the specified nonce");
    /* challenge and response */
    tu_op_append(&T, "R", proof, 32);
    tu_op_challenge(&T, "c", h);
    crypto_core_ristretto255_scalar_reduce(c, h);
    crypto_core_ristretto255_scalar_mul(s, c, x);
    crypto_core_ristretto255_scalar_add(s, s, k);
    cr_assert_arr_eq(proof + 32, s, 32);
    /* verification equation: s*G == R + c*X */
    cr_assert_eq(crypto_scalarmult_ristretto255(lhs, proof + 32, G), 0);
    cr_assert_eq(crypto_scalarmult_ristretto255(rhs, c, X), 0);
    crypto_core_ristretto255_add(rhs, rhs, proof);
    cr_assert_arr_eq(lhs, rhs, 32);
}

/* ---- batch verification ---------------------------------------------------------- */

#define NB 100

typedef struct batch {
    size_t n;
    zk_elem G[NB];
    const zk_elem *Gp[NB];
    zk_elem X[NB];
    uint8_t proofs[NB][ZK_SCHNORR_PROOF_BYTES];
    zk_transcript t[NB];
} batch;

/* n valid proofs, context i each; mode 0: base everywhere, 1: a random
 * generator per proof, 2: a mix of NULL and one shared G, 3: base and one
 * shared statement X for all (merged X term), 4: one shared non-base G
 * for all (merged generator term), 5: a mix of NULL and the base point
 * given explicitly (different transcripts, one merged generator term). */
static void make_batch(batch *b, size_t n, int mode)
{
    zk_elem shared;
    zk_scalar sx;
    random_generator(&shared);
    if (mode == 5)
        zk_elem_base(&shared);
    zk_scalar_random_nonzero(&sx, rng);
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        instance in;
        b->Gp[i] = NULL;
        if (mode == 1) {
            random_generator(&b->G[i]);
            b->Gp[i] = &b->G[i];
        } else if (((mode == 2 || mode == 5) && i % 3 != 0) || mode == 4) {
            b->G[i] = shared;
            b->Gp[i] = &b->G[i];
        }
        if (mode == 3) {
            zk_transcript t;
            in.x = sx;
            mul_gen(&in.X, NULL, &sx);
            ctx_transcript(&t, i);
            cr_assert_eq(zk_schnorr_prove(in.proof, &t, NULL, &in.X, &in.x, rng), 0);
        } else {
            make_instance(&in, b->Gp[i], i);
        }
        b->X[i] = in.X;
        memcpy(b->proofs[i], in.proof, 64);
    }
}

static void reset_transcripts(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        ctx_transcript(&b->t[i], i);
}

static int run_batch(batch *b, size_t *bad)
{
    reset_transcripts(b);
    return zk_schnorr_batch_verify((const uint8_t(*)[64])b->proofs, b->t, b->Gp, b->X,
                                   b->n, rng, bad);
}

static batch B;   /* large: keep it off the stack */

Test(schnorr, batch_accepts_valid_batches)
{
    static const size_t sizes[] = { 1, 2, 10, 100 };
    for (int mode = 0; mode < 6; mode++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t bad = 12345;
            make_batch(&B, sizes[k], mode);
            cr_assert_eq(run_batch(&B, &bad), 0, "mode %d n %zu", mode, sizes[k]);
            cr_assert_eq(bad, sizes[k]);
            /* the transcripts end where single verification leaves them */
            for (size_t i = 0; i < B.n; i += 7) {
                zk_transcript t;
                ctx_transcript(&t, i);
                cr_assert_eq(zk_schnorr_verify(B.proofs[i], &t, B.Gp[i], &B.X[i]), 0);
                same_state(&t, &B.t[i]);
            }
        }
    }
    /* G == NULL (the whole array) means base everywhere */
    make_batch(&B, 20, 0);
    reset_transcripts(&B);
    cr_assert_eq(zk_schnorr_batch_verify((const uint8_t(*)[64])B.proofs, B.t, NULL, B.X, 20,
                                         rng, NULL), 0);
    /* and n == 0 is vacuously valid */
    cr_assert_eq(zk_schnorr_batch_verify(NULL, NULL, NULL, NULL, 0, rng, NULL), 0);
    cr_assert_eq(zk_schnorr_batch_verify(NULL, B.t, NULL, B.X, 3, rng, NULL), SH_ERR_ARG);
}

Test(schnorr, batch_finds_one_bad_proof_at_every_position)
{
    static const int modes[] = { 0, 3, 5 };
    for (size_t mi = 0; mi < sizeof modes / sizeof modes[0]; mi++) {
        int mode = modes[mi];
        make_batch(&B, NB, mode);
        for (size_t pos = 0; pos < NB; pos++) {
            uint8_t keep[64];
            memcpy(keep, B.proofs[pos], 64);
            /* s + 1: well formed, wrong */
            zk_scalar s, one;
            cr_assert_eq(zk_scalar_decode(&s, B.proofs[pos] + 32), 0);
            zk_scalar_one(&one);
            zk_scalar_add(&s, &s, &one);
            zk_scalar_encode(B.proofs[pos] + 32, &s);
            size_t bad = 0;
            cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY, "mode %d pos %zu", mode, pos);
            cr_assert_eq(bad, pos);
            cr_assert_eq(run_batch(&B, NULL), SH_ERR_VERIFY);
            memcpy(B.proofs[pos], keep, 64);
        }
        cr_assert_eq(run_batch(&B, NULL), 0);
    }
}

Test(schnorr, batch_reports_malformed_proofs)
{
    make_batch(&B, 30, 0);
    uint8_t keep[64];
    size_t bad;
    memcpy(keep, B.proofs[17], 64);
    B.proofs[17][0] |= 1;   /* negative field element */
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_POINT);
    cr_assert_eq(bad, 17);
    memcpy(B.proofs[17], keep, 64);
    B.proofs[17][63] |= 0x80;
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_NONCANONICAL);
    cr_assert_eq(bad, 17);
    memcpy(B.proofs[17], keep, 64);
    cr_assert_eq(run_batch(&B, &bad), 0);
}

Test(schnorr, batch_rejects_swapped_and_misattributed_proofs)
{
    make_batch(&B, 10, 0);
    uint8_t tmp[64];
    size_t bad;
    memcpy(tmp, B.proofs[3], 64);
    memcpy(B.proofs[3], B.proofs[7], 64);
    memcpy(B.proofs[7], tmp, 64);
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY);
    cr_assert_eq(bad, 3);
    memcpy(B.proofs[7], B.proofs[3], 64);
    memcpy(B.proofs[3], tmp, 64);
    /* statements swapped instead */
    zk_elem p = B.X[2];
    B.X[2] = B.X[5];
    B.X[5] = p;
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY);
    cr_assert_eq(bad, 2);
    B.X[5] = B.X[2];
    B.X[2] = p;
    cr_assert_eq(run_batch(&B, &bad), 0);
}

/* Two invalid proofs whose errors cancel in an unweighted sum: proof 0 has
 * s+1 (error +B), proof 1 has s-1 (error -B).  Only the random weights
 * catch this. */
Test(schnorr, batch_weights_defeat_cancelling_errors)
{
    make_batch(&B, 2, 0);
    zk_scalar s, one;
    zk_scalar_one(&one);
    cr_assert_eq(zk_scalar_decode(&s, B.proofs[0] + 32), 0);
    zk_scalar_add(&s, &s, &one);
    zk_scalar_encode(B.proofs[0] + 32, &s);
    cr_assert_eq(zk_scalar_decode(&s, B.proofs[1] + 32), 0);
    zk_scalar_sub(&s, &s, &one);
    zk_scalar_encode(B.proofs[1] + 32, &s);
    for (int i = 0; i < 20; i++) {
        size_t bad;
        cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY);
        cr_assert_eq(bad, 0);
    }
}

/* The weights are the rng's stream, 16 bytes each, in order (the spec of
 * docs/proofs.md), for sizes around the in-place expansion's edge cases. */
Test(schnorr, batch_weights_follow_the_rng_stream)
{
    static const size_t sizes[] = { 1, 2, 3, 63, 64, 65, 300 };
    static zk_scalar w[300];
    static uint8_t stream[300 * 16];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        uint8_t seed[32] = { 17, (uint8_t)n };
        sh_rng *a = sh_rng_chacha_new(seed), *b = sh_rng_chacha_new(seed);
        zk_proof_batch_weights(w, n, a);
        sh_rng_bytes(b, stream, 16 * n);
        for (size_t i = 0; i < n; i++) {
            uint8_t e[32], want[32] = { 0 };
            memcpy(want, stream + 16 * i, 16);
            zk_scalar_encode(e, &w[i]);
            cr_assert_arr_eq(e, want, 32, "n %zu weight %zu", n, i);
        }
        /* and the rng is left just after the last weight */
        uint8_t next_a[8], next_b[8];
        sh_rng_bytes(a, next_a, 8);
        sh_rng_bytes(b, next_b, 8);
        cr_assert_arr_eq(next_a, next_b, 8);
        sh_rng_free(a);
        sh_rng_free(b);
    }
}

Test(schnorr, batch_weights_are_128_bit_and_distinct)
{
    zk_scalar w[300];
    uint8_t e[300][32];
    zk_proof_batch_weights(w, 300, rng);
    for (int i = 0; i < 300; i++) {
        zk_scalar_encode(e[i], &w[i]);
        for (int j = 16; j < 32; j++)
            cr_assert_eq(e[i][j], 0);
        for (int j = 0; j < i; j++)
            cr_assert_arr_neq(e[i], e[j], 16);
    }
}

/* The worked example of docs/proofs.md: fixed x, the ChaCha20 rng with the
 * all-zero seed, domain "shroud-proofs-example-v1" and epoch 1. */
Test(schnorr, docs_example_known_answer)
{
    uint8_t seed[32] = { 0 }, proof[64], want[64], enc[32], want_x[32];
    zk_scalar x;
    zk_elem X;
    zk_transcript t;
    zk_scalar_from_u64(&x, UINT64_C(0x0123456789abcdef));
    mul_gen(&X, NULL, &x);
    zk_point_encode(enc, &X.p);
    tu_hex(want_x, 32, "a825fb7ea163a490fc5116d03b3b58d641dddc050b0e7e41697496029842fa69");
    cr_assert_arr_eq(enc, want_x, 32);
    cr_assert_arr_eq(X.enc, want_x, 32);
    sh_rng *r = sh_rng_chacha_new(seed);
    zk_transcript_init(&t, "shroud-proofs-example-v1");
    zk_transcript_append_u64(&t, "epoch", 1);
    cr_assert_eq(zk_schnorr_prove(proof, &t, NULL, &X, &x, r), 0);
    sh_rng_free(r);
    tu_hex(want, 64,
           "f4745dcf92cfd8724bcf3491e7ddb27d0f83459a458f5deeab66b913bd65ee7e"
           "160e128329700b764da7066f7e1bf44cd7bac0ffa85e862c4277720567dcfe04");
    cr_assert_arr_eq(proof, want, 64);
    zk_transcript_init(&t, "shroud-proofs-example-v1");
    zk_transcript_append_u64(&t, "epoch", 1);
    cr_assert_eq(zk_schnorr_verify(want, &t, NULL, &X), 0);
}
