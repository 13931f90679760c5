/* tests/test_zk_dleq.c -- Chaum-Pedersen DLEQ proofs: honest proofs verify,
 * every kind of tampering is rejected with the right error (including a
 * false statement Y = x'H with x' != x), batch verification agrees with
 * single verification, names the bad proof and is not fooled by errors that
 * cancel between the two equations; an independent re-implementation of
 * docs/proofs.md on libsodium alone accepts our proofs. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "zk/dleq.h"
#include "zk/schnorr.h"
#include "testutil.h"

static sh_rng *rng;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(11);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(dleq, .init = setup, .fini = teardown, .timeout = 120);

static void ctx_transcript(zk_transcript *t, uint64_t ctx)
{
    zk_transcript_init(t, "shroud-test-dleq-v1");
    zk_transcript_append_u64(t, "ctx", ctx);
}

static void random_point(zk_point *P)
{
    uint8_t h[64];
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(P, h);
}

static void random_elem(zk_elem *E)
{
    zk_point P;
    random_point(&P);
    zk_elem_set(E, &P);
}

/* out = x*G as an element (G NULL: the base point). */
static void mul_gen(zk_elem *out, const zk_elem *G, const zk_scalar *x)
{
    zk_point P;
    if (G == NULL)
        zk_point_mul_base(&P, x);
    else
        zk_point_mul(&P, &G->p, x);
    zk_elem_set(out, &P);
}

/* out = A + P as an element. */
static void add_point(zk_elem *out, const zk_elem *A, const zk_point *P)
{
    zk_point S;
    zk_point_add(&S, &A->p, P);
    zk_elem_set(out, &S);
}

typedef struct instance {
    zk_scalar x;
    zk_elem H, X, Y;
    uint8_t proof[ZK_DLEQ_PROOF_BYTES];
} instance;

/* X = x*G, Y = x*H for a random H (or the given one), proof in context ctx. */
static void make_instance(instance *in, const zk_elem *G, const zk_elem *H, uint64_t ctx)
{
    zk_transcript t;
    zk_scalar_random_nonzero(&in->x, rng);
    if (H != NULL)
        in->H = *H;
    else
        random_elem(&in->H);
    mul_gen(&in->X, G, &in->x);
    mul_gen(&in->Y, &in->H, &in->x);
    ctx_transcript(&t, ctx);
    cr_assert_eq(zk_dleq_prove(in->proof, &t, G, &in->H, &in->X, &in->Y, &in->x, rng), 0);
}

static int verify_in_ctx(const uint8_t *proof, const zk_elem *G, const zk_elem *H,
                         const zk_elem *X, const zk_elem *Y, uint64_t ctx)
{
    zk_transcript t;
    ctx_transcript(&t, ctx);
    return zk_dleq_verify(proof, &t, G, H, X, Y);
}

static void same_state(zk_transcript *a, zk_transcript *b)
{
    uint8_t ha[64], hb[64];
    zk_transcript_challenge_bytes(a, "probe", ha);
    zk_transcript_challenge_bytes(b, "probe", hb);
    cr_assert_arr_eq(ha, hb, 64, "transcripts diverged");
}

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

/* ---- honest proofs -------------------------------------------------------- */

Test(dleq, honest_proofs_verify_base_and_other_generator)
{
    zk_elem G;
    for (int round = 0; round < 100; round++) {
        const zk_elem *gen = NULL;
        if (round % 2 == 1) {
            random_elem(&G);
            gen = &G;
        }
        instance in;
        make_instance(&in, gen, NULL, (uint64_t)round);
        zk_transcript tp, tv;
        ctx_transcript(&tp, (uint64_t)round);
        ctx_transcript(&tv, (uint64_t)round);
        uint8_t proof[ZK_DLEQ_PROOF_BYTES];
        cr_assert_eq(zk_dleq_prove(proof, &tp, gen, &in.H, &in.X, &in.Y, &in.x, rng), 0);
        cr_assert_eq(zk_dleq_verify(proof, &tv, gen, &in.H, &in.X, &in.Y), 0, "round %d", round);
        same_state(&tp, &tv);
        cr_assert_eq(verify_in_ctx(in.proof, gen, &in.H, &in.X, &in.Y, (uint64_t)round), 0);
    }
}

/* ---- tampering ------------------------------------------------------------- */

Test(dleq, every_bit_flip_is_rejected)
{
    zk_elem G;
    random_elem(&G);
    for (int g = 0; g < 2; g++) {
        const zk_elem *gen = g ? &G : NULL;
        instance in;
        make_instance(&in, gen, NULL, 1);
        int seen[3] = { 0, 0, 0 };
        for (size_t bit = 0; bit < 8 * ZK_DLEQ_PROOF_BYTES; bit++) {
            uint8_t bad[ZK_DLEQ_PROOF_BYTES];
            memcpy(bad, in.proof, sizeof bad);
            bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = verify_in_ctx(bad, gen, &in.H, &in.X, &in.Y, 1);
            if (bit < 512)
                cr_assert(rc == SH_ERR_POINT || rc == SH_ERR_VERIFY, "R bit %zu: %d", bit, rc);
            else
                cr_assert(rc == SH_ERR_NONCANONICAL || rc == SH_ERR_VERIFY,
                          "s bit %zu: %d", bit, rc);
            seen[0] += rc == SH_ERR_POINT;
            seen[1] += rc == SH_ERR_NONCANONICAL;
            seen[2] += rc == SH_ERR_VERIFY;
        }
        cr_assert(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    }
}

Test(dleq, wrong_statement_generator_or_context_rejected)
{
    zk_elem G, B, W;
    zk_point P;
    random_elem(&G);
    random_point(&P);
    zk_elem_base(&B);
    instance in, other;
    make_instance(&in, NULL, NULL, 3);
    make_instance(&other, NULL, NULL, 3);

    add_point(&W, &in.X, &P);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.H, &W, &in.Y, 3), SH_ERR_VERIFY);
    add_point(&W, &in.Y, &P);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.H, &in.X, &W, 3), SH_ERR_VERIFY);
    add_point(&W, &in.H, &P);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &W, &in.X, &in.Y, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(in.proof, &G, &in.H, &in.X, &in.Y, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(in.proof, &B, &in.H, &in.X, &in.Y, 3), SH_ERR_VERIFY);
    /* H and X-side swapped roles, proofs of other statements */
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.H, &in.Y, &in.X, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &other.H, &other.X, &other.Y, 3), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(other.proof, NULL, &in.H, &in.X, &in.Y, 3), SH_ERR_VERIFY);
    /* context */
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.H, &in.X, &in.Y, 4), SH_ERR_VERIFY);
    zk_transcript t;
    ctx_transcript(&t, 3);
    zk_transcript_append(&t, "extra", (const uint8_t *)"", 0);
    cr_assert_eq(zk_dleq_verify(in.proof, &t, NULL, &in.H, &in.X, &in.Y), SH_ERR_VERIFY);
    cr_assert_eq(verify_in_ctx(in.proof, NULL, &in.H, &in.X, &in.Y, 3), 0);
}

/* A false statement: Y = x'H with x' != x.  An honest prover run with x
 * (or x') produces a proof that does not verify. */
Test(dleq, false_statement_is_not_provable_honestly)
{
    instance in;
    make_instance(&in, NULL, NULL, 0);
    zk_scalar x2;
    zk_elem Y2;
    zk_scalar_random_nonzero(&x2, rng);
    mul_gen(&Y2, &in.H, &x2);
    uint8_t proof[96];
    zk_transcript t;
    ctx_transcript(&t, 0);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, &in.H, &in.X, &Y2, &in.x, rng), 0);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.H, &in.X, &Y2, 0), SH_ERR_VERIFY);
    ctx_transcript(&t, 0);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, &in.H, &in.X, &Y2, &x2, rng), 0);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.H, &in.X, &Y2, 0), SH_ERR_VERIFY);
}

Test(dleq, noncanonical_s_and_invalid_points_rejected)
{
    instance in;
    make_instance(&in, NULL, NULL, 9);
    uint8_t bad[96];
    zk_dleq_proof p;
    memcpy(bad, in.proof, 96);
    add256(bad + 64, in.proof + 64, tu_L);
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.H, &in.X, &in.Y, 9), SH_ERR_NONCANONICAL);
    cr_assert_eq(zk_dleq_proof_decode(&p, bad), SH_ERR_NONCANONICAL);
    memcpy(bad, in.proof, 96);
    bad[95] |= 0x80;
    cr_assert_eq(verify_in_ctx(bad, NULL, &in.H, &in.X, &in.Y, 9), SH_ERR_NONCANONICAL);
    for (int which = 0; which < 2; which++) {
        for (int kind = 0; kind < 2; kind++) {
            memcpy(bad, in.proof, 96);
            if (kind == 0)
                bad[32 * which] |= 1;               /* negative */
            else
                memset(bad + 32 * which, 0xff, 32);  /* >= p */
            zk_transcript t, ref;
            ctx_transcript(&t, 9);
            ctx_transcript(&ref, 9);
            cr_assert_eq(zk_dleq_verify(bad, &t, NULL, &in.H, &in.X, &in.Y), SH_ERR_POINT);
            same_state(&t, &ref);   /* a malformed proof leaves it untouched */
            cr_assert_eq(zk_dleq_proof_decode(&p, bad), SH_ERR_POINT);
        }
    }
    /* invalid R2 and non-canonical s: the point error wins */
    memcpy(bad, in.proof, 96);
    bad[32] |= 1;
    bad[95] |= 0x80;
    cr_assert_eq(zk_dleq_proof_decode(&p, bad), SH_ERR_POINT);
}

/* R1 = R2 = identity is accepted iff the equations hold (s = c*x), as for
 * Schnorr: the identity is a valid element and soundness does not need it
 * excluded. */
Test(dleq, identity_commitments_accepted_iff_equations_hold)
{
    instance in;
    make_instance(&in, NULL, NULL, 5);
    uint8_t proof[96] = { 0 }, e[32];
    zk_transcript t;
    zk_scalar c, s, one;
    ctx_transcript(&t, 5);
    zk_point_encode(e, &in.H.p);
    zk_transcript_append(&t, "H", e, 32);
    zk_point_encode(e, &in.X.p);
    zk_transcript_append(&t, "X", e, 32);
    zk_point_encode(e, &in.Y.p);
    zk_transcript_append(&t, "Y", e, 32);
    zk_transcript_append(&t, "R1", proof, 32);
    zk_transcript_append(&t, "R2", proof + 32, 32);
    zk_transcript_challenge_scalar(&t, "c", &c);
    zk_scalar_mul(&s, &c, &in.x);
    zk_scalar_encode(proof + 64, &s);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.H, &in.X, &in.Y, 5), 0);
    zk_scalar_one(&one);
    zk_scalar_add(&s, &s, &one);
    zk_scalar_encode(proof + 64, &s);
    cr_assert_eq(verify_in_ctx(proof, NULL, &in.H, &in.X, &in.Y, 5), SH_ERR_VERIFY);
}

Test(dleq, null_arguments)
{
    instance in;
    make_instance(&in, NULL, NULL, 0);
    zk_transcript t;
    uint8_t proof[96];
    ctx_transcript(&t, 0);
    cr_assert_eq(zk_dleq_prove(NULL, &t, NULL, &in.H, &in.X, &in.Y, &in.x, rng), SH_ERR_ARG);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, NULL, &in.X, &in.Y, &in.x, rng), SH_ERR_ARG);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, &in.H, &in.X, &in.Y, &in.x, NULL), SH_ERR_ARG);
    cr_assert_eq(zk_dleq_verify(in.proof, &t, NULL, &in.H, NULL, &in.Y), SH_ERR_ARG);
    cr_assert_eq(zk_dleq_verify(in.proof, NULL, NULL, &in.H, &in.X, &in.Y), SH_ERR_ARG);
}

Test(dleq, encode_decode_round_trip)
{
    for (int i = 0; i < 30; i++) {
        instance in;
        make_instance(&in, NULL, NULL, (uint64_t)i);
        zk_dleq_proof p;
        uint8_t again[96];
        cr_assert_eq(zk_dleq_proof_decode(&p, in.proof), 0);
        zk_dleq_proof_encode(again, &p);
        cr_assert_arr_eq(again, in.proof, 96);
    }
}

static void zero_fill(sh_rng *self, uint8_t *out, size_t len)
{
    (void)self;
    memset(out, 0, len);
}

Test(dleq, deterministic_and_hedged)
{
    uint8_t seed[32] = { 5 };
    instance in;
    make_instance(&in, NULL, NULL, 0);
    uint8_t p[2][96];
    for (int i = 0; i < 2; i++) {
        sh_rng *r = sh_rng_chacha_new(seed);
        zk_transcript t;
        ctx_transcript(&t, 8);
        cr_assert_eq(zk_dleq_prove(p[i], &t, NULL, &in.H, &in.X, &in.Y, &in.x, r), 0);
        sh_rng_free(r);
    }
    cr_assert_arr_eq(p[0], p[1], 96);
    /* broken rng: nonces still differ across contexts and statements */
    sh_rng broken = { zero_fill, NULL };
    instance o;
    make_instance(&o, NULL, &in.H, 0);
    uint8_t a[96], b[96], c[96];
    zk_transcript t;
    ctx_transcript(&t, 1);
    cr_assert_eq(zk_dleq_prove(a, &t, NULL, &in.H, &in.X, &in.Y, &in.x, &broken), 0);
    ctx_transcript(&t, 2);
    cr_assert_eq(zk_dleq_prove(b, &t, NULL, &in.H, &in.X, &in.Y, &in.x, &broken), 0);
    ctx_transcript(&t, 1);
    cr_assert_eq(zk_dleq_prove(c, &t, NULL, &o.H, &o.X, &o.Y, &o.x, &broken), 0);
    cr_assert_arr_neq(a, b, 32);
    cr_assert_arr_neq(a, c, 32);
    cr_assert_eq(verify_in_ctx(a, NULL, &in.H, &in.X, &in.Y, 1), 0);
    cr_assert_eq(verify_in_ctx(c, NULL, &o.H, &o.X, &o.Y, 1), 0);
}

/* docs/proofs.md re-implemented with libsodium only. */

Test(dleq, independent_implementation_of_the_spec)
{
    static const char dom[] = "shroud-test-dleq-v1";
    uint8_t seed[32] = { 3 };
    uint8_t H[32], X[32], Y[32], x[32], rb[32], proof[96];
    instance in;
    make_instance(&in, NULL, NULL, 0);
    zk_scalar_encode(x, &in.x);
    zk_point_encode(H, &in.H.p);
    zk_point_encode(X, &in.X.p);
    zk_point_encode(Y, &in.Y.p);
    sh_rng *r = sh_rng_chacha_new(seed);
    zk_transcript t;
    zk_transcript_init(&t, dom);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, &in.H, &in.X, &in.Y, &in.x, r), 0);
    sh_rng_free(r);
    r = sh_rng_chacha_new(seed);
    sh_rng_bytes(r, rb, 32);
    sh_rng_free(r);

    tu_bytes T = { .n = 0 };
    tu_put_frame(&T, "shroud-transcript-v1", 20);
    tu_put_frame(&T, dom, strlen(dom));
    tu_op_append(&T, "H", H, 32);   /* no "G": the base point */
    tu_op_append(&T, "X", X, 32);
    tu_op_append(&T, "Y", Y, 32);
    tu_bytes F = T;
    uint8_t h[64], k[32], R[32], c[32], s[32], l[32], rr[32];
    tu_op_append(&F, "nonce-secret", x, 32);
    tu_op_append(&F, "nonce-rng", rb, 32);
    tu_op_challenge(&F, "nonce", h);
    crypto_core_ristretto255_scalar_reduce(k, h);
    cr_assert_eq(crypto_scalarmult_ristretto255_base(R, k), 0);
    cr_assert_arr_eq(proof, R, 32);
    cr_assert_eq(crypto_scalarmult_ristretto255(R, k, H), 0);
    cr_assert_arr_eq(proof + 32, R, 32);
    tu_op_append(&T, "R1", proof, 32);
    tu_op_append(&T, "R2", proof + 32, 32);
    tu_op_challenge(&T, "c", h);
    crypto_core_ristretto255_scalar_reduce(c, h);
    crypto_core_ristretto255_scalar_mul(s, c, x);
    crypto_core_ristretto255_scalar_add(s, s, k);
    cr_assert_arr_eq(proof + 64, s, 32);
    /* s*B == R1 + c*X and s*H == R2 + c*Y */
    cr_assert_eq(crypto_scalarmult_ristretto255_base(l, proof + 64), 0);
    cr_assert_eq(crypto_scalarmult_ristretto255(rr, c, X), 0);
    crypto_core_ristretto255_add(rr, rr, proof);
    cr_assert_arr_eq(l, rr, 32);
    cr_assert_eq(crypto_scalarmult_ristretto255(l, proof + 64, H), 0);
    cr_assert_eq(crypto_scalarmult_ristretto255(rr, c, Y), 0);
    crypto_core_ristretto255_add(rr, rr, proof + 32);
    cr_assert_arr_eq(l, rr, 32);
}

/* ---- batch verification ------------------------------------------------------ */

#define NB 100

typedef struct batch {
    size_t n;
    zk_elem G[NB];
    const zk_elem *Gp[NB];
    zk_elem H[NB], X[NB], Y[NB];
    zk_scalar x[NB];
    uint8_t proofs[NB][ZK_DLEQ_PROOF_BYTES];
    zk_transcript t[NB];
} batch;

/* Modes: 0 base G, distinct everything; 1 a random G per proof; 2 beacon
 * (one shared H); 3 one member's partial decryptions (same x: shared X,
 * distinct H = C1 and Y = x*C1); 4 one shared non-base G; 5 a mix of NULL
 * and the base point given explicitly (different transcripts, one merged
 * generator term). */
static void make_batch(batch *b, size_t n, int mode)
{
    zk_elem sharedH, sharedG;
    zk_scalar sx;
    random_elem(&sharedH);
    random_elem(&sharedG);
    if (mode == 5)
        zk_elem_base(&sharedG);
    zk_scalar_random_nonzero(&sx, rng);
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        b->Gp[i] = NULL;
        if (mode == 1)
            random_elem(&b->G[i]);
        if (mode == 4 || (mode == 5 && i % 3 != 0))
            b->G[i] = sharedG;
        if (mode == 1 || mode == 4 || (mode == 5 && i % 3 != 0))
            b->Gp[i] = &b->G[i];
        if (mode == 2)
            b->H[i] = sharedH;
        else
            random_elem(&b->H[i]);
        if (mode == 3)
            b->x[i] = sx;
        else
            zk_scalar_random_nonzero(&b->x[i], rng);
        mul_gen(&b->X[i], b->Gp[i], &b->x[i]);
        mul_gen(&b->Y[i], &b->H[i], &b->x[i]);
        zk_transcript t;
        ctx_transcript(&t, i);
        cr_assert_eq(zk_dleq_prove(b->proofs[i], &t, b->Gp[i], &b->H[i], &b->X[i], &b->Y[i],
                                   &b->x[i], rng), 0);
    }
}

static int run_batch(batch *b, size_t *bad)
{
    for (size_t i = 0; i < b->n; i++)
        ctx_transcript(&b->t[i], i);
    return zk_dleq_batch_verify((const uint8_t(*)[96])b->proofs, b->t, b->Gp, b->H, b->X,
                                b->Y, b->n, rng, bad);
}

static batch B;

Test(dleq, batch_accepts_valid_batches)
{
    static const size_t sizes[] = { 1, 2, 10, 100 };
    for (int mode = 0; mode < 6; mode++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t bad = 999;
            make_batch(&B, sizes[k], mode);
            cr_assert_eq(run_batch(&B, &bad), 0, "mode %d n %zu", mode, sizes[k]);
            cr_assert_eq(bad, sizes[k]);
            for (size_t i = 0; i < B.n; i += 9) {
                zk_transcript t;
                ctx_transcript(&t, i);
                cr_assert_eq(zk_dleq_verify(B.proofs[i], &t, B.Gp[i], &B.H[i], &B.X[i],
                                            &B.Y[i]), 0);
                same_state(&t, &B.t[i]);
            }
        }
    }
    cr_assert_eq(zk_dleq_batch_verify(NULL, NULL, NULL, NULL, NULL, NULL, 0, rng, NULL), 0);
    cr_assert_eq(zk_dleq_batch_verify((const uint8_t(*)[96])B.proofs, B.t, NULL, B.H, NULL,
                                      B.Y, 2, rng, NULL), SH_ERR_ARG);
}

Test(dleq, batch_finds_one_bad_proof_at_every_position)
{
    static const int modes[] = { 0, 2, 3, 5 };
    for (size_t mi = 0; mi < sizeof modes / sizeof modes[0]; mi++) {
        make_batch(&B, NB, modes[mi]);
        for (size_t pos = 0; pos < NB; pos++) {
            uint8_t keep[96];
            size_t bad = 0;
            memcpy(keep, B.proofs[pos], 96);
            /* alternately: s + 1 (both equations wrong), or the proof of
             * another proof's statement (a valid proof, misattributed) */
            if (pos % 2 == 0) {
                zk_scalar s, one;
                cr_assert_eq(zk_scalar_decode(&s, B.proofs[pos] + 64), 0);
                zk_scalar_one(&one);
                zk_scalar_add(&s, &s, &one);
                zk_scalar_encode(B.proofs[pos] + 64, &s);
            } else {
                memcpy(B.proofs[pos], B.proofs[(pos + 1) % NB], 96);
            }
            cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY, "mode %d pos %zu", modes[mi], pos);
            cr_assert_eq(bad, pos);
            memcpy(B.proofs[pos], keep, 96);
        }
        cr_assert_eq(run_batch(&B, NULL), 0);
    }
}

Test(dleq, batch_catches_a_false_statement_in_the_second_equation)
{
    make_batch(&B, 20, 0);
    /* proof 13: Y = x'H with x' != x, "proved" with x: only s*H == R2 + c*Y fails */
    zk_scalar x2;
    zk_scalar_random_nonzero(&x2, rng);
    mul_gen(&B.Y[13], &B.H[13], &x2);
    zk_transcript t;
    ctx_transcript(&t, 13);
    cr_assert_eq(zk_dleq_prove(B.proofs[13], &t, NULL, &B.H[13], &B.X[13], &B.Y[13], &B.x[13],
                               rng), 0);
    size_t bad;
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY);
    cr_assert_eq(bad, 13);
}

/* A proof whose two equations are off by opposite amounts (D1 = -P,
 * D2 = +P): a batch that used one weight per proof would accept it.  The
 * independent weights z_i, w_i reject it. */
Test(dleq, batch_two_weights_defeat_cancelling_equations)
{
    make_batch(&B, 5, 0);
    size_t i = 2;
    zk_scalar k, c, s;
    zk_point R1, R2, P;
    uint8_t e[32];
    random_point(&P);
    zk_scalar_random_nonzero(&k, rng);
    zk_point_mul_base(&R1, &k);
    zk_point_add(&R1, &R1, &P);       /* R1 = kB + P */
    zk_point_mul(&R2, &B.H[i].p, &k);
    zk_point_sub(&R2, &R2, &P);       /* R2 = kH - P */
    zk_point_encode(B.proofs[i], &R1);
    zk_point_encode(B.proofs[i] + 32, &R2);
    zk_transcript t;
    ctx_transcript(&t, i);
    zk_point_encode(e, &B.H[i].p);
    zk_transcript_append(&t, "H", e, 32);
    zk_point_encode(e, &B.X[i].p);
    zk_transcript_append(&t, "X", e, 32);
    zk_point_encode(e, &B.Y[i].p);
    zk_transcript_append(&t, "Y", e, 32);
    zk_transcript_append(&t, "R1", B.proofs[i], 32);
    zk_transcript_append(&t, "R2", B.proofs[i] + 32, 32);
    zk_transcript_challenge_scalar(&t, "c", &c);
    zk_scalar_mul(&s, &c, &B.x[i]);
    zk_scalar_add(&s, &s, &k);
    zk_scalar_encode(B.proofs[i] + 64, &s);
    cr_assert_eq(verify_in_ctx(B.proofs[i], NULL, &B.H[i], &B.X[i], &B.Y[i], i), SH_ERR_VERIFY);
    for (int rep = 0; rep < 10; rep++) {
        size_t bad;
        cr_assert_eq(run_batch(&B, &bad), SH_ERR_VERIFY);
        cr_assert_eq(bad, i);
    }
}

Test(dleq, batch_reports_malformed_proofs)
{
    make_batch(&B, 12, 2);
    size_t bad;
    uint8_t keep[96];
    memcpy(keep, B.proofs[7], 96);
    memset(B.proofs[7] + 32, 0xff, 32);
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_POINT);
    cr_assert_eq(bad, 7);
    memcpy(B.proofs[7], keep, 96);
    B.proofs[7][95] = 0xff;
    cr_assert_eq(run_batch(&B, &bad), SH_ERR_NONCANONICAL);
    cr_assert_eq(bad, 7);
    memcpy(B.proofs[7], keep, 96);
    cr_assert_eq(run_batch(&B, &bad), 0);
}

/* The worked example of docs/proofs.md (the rng is the ChaCha20 stream with
 * the all-zero seed after the 32 bytes the Schnorr example used). */
Test(dleq, docs_example_known_answer)
{
    uint8_t seed[32] = { 0 }, skip[32], proof[96], want[96], enc[32], w[32];
    zk_scalar x;
    zk_point Hp;
    zk_elem X, H, Y;
    zk_transcript t;
    zk_scalar_from_u64(&x, UINT64_C(0x0123456789abcdef));
    mul_gen(&X, NULL, &x);
    zk_point_hash(&Hp, "shroud-proofs-example-H", (const uint8_t *)"H", 1);
    zk_elem_set(&H, &Hp);
    mul_gen(&Y, &H, &x);
    zk_point_encode(enc, &H.p);
    tu_hex(w, 32, "4a5948ce54f5474ffa13d7ec1a43b25766faa27e0ff209ec8ddb0dc47a605f4c");
    cr_assert_arr_eq(enc, w, 32);
    cr_assert_arr_eq(H.enc, w, 32);
    zk_point_encode(enc, &Y.p);
    tu_hex(w, 32, "bcd78be69cc15f3fb110147e59eb742bd228a2aa40ee21beecc82f27ea0c742d");
    cr_assert_arr_eq(enc, w, 32);
    cr_assert_arr_eq(Y.enc, w, 32);
    sh_rng *r = sh_rng_chacha_new(seed);
    sh_rng_bytes(r, skip, sizeof skip);
    zk_transcript_init(&t, "shroud-proofs-example-v1");
    zk_transcript_append_u64(&t, "epoch", 1);
    cr_assert_eq(zk_dleq_prove(proof, &t, NULL, &H, &X, &Y, &x, r), 0);
    sh_rng_free(r);
    tu_hex(want, 96,
           "8c9d2236c502ec8f5934d083896ffca46c9f8bd984904c8544d9694e5a010c6f"
           "3e47c9ff7208ff4525bc6a1929c246bc02bd876ed2832c91675f70bd92495754"
           "5196f72e2462e5c3fa2d1db5682cc5db261c1d3f5760bc35ac09a82d26b76a0e");
    cr_assert_arr_eq(proof, want, 96);
    zk_transcript_init(&t, "shroud-proofs-example-v1");
    zk_transcript_append_u64(&t, "epoch", 1);
    cr_assert_eq(zk_dleq_verify(want, &t, NULL, &H, &X, &Y), 0);
}
