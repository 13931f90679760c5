/* tests/test_zk_elgamal_pok.c -- the context-bound proof of knowledge of the
 * encryption randomness (zk_elgamal_prove / verify / verify_wire /
 * batch_verify) and the worked example of docs/elgamal.md. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "zk/elgamal.h"
#include "zk/transcript.h"
#include "testutil.h"

static sh_rng *rng;
static zk_scalar sk;
static zk_point pk;

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    rng = tu_rng(7);
    zk_elgamal_keygen(&sk, &pk, rng);
}

static void teardown(void)
{
    sh_rng_free(rng);
}

TestSuite(elgamal_pok, .init = setup, .fini = teardown);

/* ---- proof of knowledge ------------------------------------------------- */

#define CTX ((const uint8_t *)"epoch-00000042")
#define CTXLEN 14

typedef struct sub {
    zk_elgamal_ct ct[10];
    size_t w;
    uint8_t proof[64];
} sub;

static void make_sub(sub *s, size_t len)
{
    uint8_t msg[300];
    sh_rng_bytes(rng, msg, len);
    s->w = zk_encode_width(len);
    cr_assert_leq(s->w, 10);
    cr_assert_eq(zk_elgamal_encrypt_bytes_pok(s->ct, s->w, s->proof, &pk, msg, len,
                                              CTX, CTXLEN, rng), 0);
}

Test(elgamal_pok, pok_honest)
{
    size_t lens[] = { 0, 28, 29, 200, 250 };
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        sub s;
        make_sub(&s, lens[k]);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w, CTX, CTXLEN), 0);
    }
    /* An empty context is a context like any other. */
    zk_point m[2];
    zk_elgamal_ct ct[2];
    zk_scalar r[2];
    uint8_t proof[64];
    tu_random_points(rng, m, 2);
    cr_assert_eq(zk_elgamal_encrypt(ct, r, &pk, m, 2, rng), 0);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 2, NULL, 0, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, NULL, 0), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, (const uint8_t *)"", 0), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, (const uint8_t *)"\0", 1), SH_ERR_VERIFY);
}

Test(elgamal_pok, pok_rejects_tampered_ciphertext)
{
    sub s;
    make_sub(&s, 200);          /* width 7 */
    zk_point B;
    zk_point_base(&B);
    for (size_t j = 0; j < s.w; j++) {
        zk_elgamal_ct t[10];
        /* C1 changed. */
        memcpy(t, s.ct, sizeof t);
        zk_point_add(&t[j].c1, &t[j].c1, &B);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
        /* C2 only changed (the plaintext mauled, the randomness kept). */
        memcpy(t, s.ct, sizeof t);
        zk_point_add(&t[j].c2, &t[j].c2, &B);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
        /* Both changed consistently: a re-encryption of one component. */
        memcpy(t, s.ct, sizeof t);
        cr_assert_eq(zk_elgamal_reencrypt(&t[j], NULL, &pk, &t[j], 1, rng), 0);
        cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    }
    /* Components swapped, dropped, or one appended. */
    zk_elgamal_ct t[10];
    memcpy(t, s.ct, sizeof t);
    t[0] = s.ct[1];
    t[1] = s.ct[0];
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w - 1, CTX, CTXLEN), SH_ERR_VERIFY);
    memcpy(t, s.ct, sizeof t);
    t[s.w] = s.ct[0];
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w + 1, CTX, CTXLEN), SH_ERR_VERIFY);
    /* The whole ciphertext re-encrypted (what a relay could do). */
    memcpy(t, s.ct, sizeof t);
    cr_assert_eq(zk_elgamal_reencrypt(t, NULL, &pk, t, s.w, rng), 0);
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, t, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* Untouched it still verifies. */
    cr_assert_eq(zk_elgamal_verify(s.proof, &pk, s.ct, s.w, CTX, CTXLEN), 0);
}

Test(elgamal_pok, pok_rejects_other_context_key_and_ciphertext)
{
    sub a, b;
    make_sub(&a, 200);
    make_sub(&b, 200);
    /* Another context: a different epoch, a prefix, an extension. */
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, (const uint8_t *)"epoch-00000043",
                                   CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, CTX, CTXLEN - 1), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, NULL, 0), SH_ERR_VERIFY);
    /* Another public key. */
    zk_scalar sk2;
    zk_point pk2;
    zk_elgamal_keygen(&sk2, &pk2, rng);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk2, a.ct, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* A proof from another ciphertext, and proofs swapped. */
    cr_assert_eq(zk_elgamal_verify(b.proof, &pk, a.ct, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, b.ct, b.w, CTX, CTXLEN), SH_ERR_VERIFY);
    /* A ciphertext mixing components of a and b. */
    zk_elgamal_ct mix[10];
    memcpy(mix, a.ct, sizeof mix);
    mix[3] = b.ct[3];
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, mix, a.w, CTX, CTXLEN), SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify(a.proof, &pk, a.ct, a.w, CTX, CTXLEN), 0);
    cr_assert_eq(zk_elgamal_verify(b.proof, &pk, b.ct, b.w, CTX, CTXLEN), 0);
}

Test(elgamal_pok, pok_rejects_wrong_witness_and_bad_bytes)
{
    zk_point m[3];
    zk_elgamal_ct ct[3];
    zk_scalar r[3];
    uint8_t proof[64], bad[64];
    tu_random_points(rng, m, 3);
    cr_assert_eq(zk_elgamal_encrypt(ct, r, &pk, m, 3, rng), 0);
    /* A prover who does not know one r_j. */
    zk_scalar_random(&r[1], rng);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 3, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 3, CTX, CTXLEN), SH_ERR_VERIFY);
    /* Knowing sk instead of r is no help either (proof with r = sk). */
    r[0] = r[1] = r[2] = sk;
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 3, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 3, CTX, CTXLEN), SH_ERR_VERIFY);

    sub s;
    make_sub(&s, 100);
    /* Every single bit flip is rejected, with the right class. */
    for (size_t bit = 0; bit < 512; bit++) {
        memcpy(bad, s.proof, 64);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN);
        cr_assert(rc == SH_ERR_VERIFY || rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL,
                  "bit %zu: %d", bit, rc);
        if (bit == 255 || bit == 0)            /* R's top bit / sign bit */
            cr_assert_eq(rc, SH_ERR_POINT);
        if (bit == 511)                         /* s >= 2^255 > L */
            cr_assert_eq(rc, SH_ERR_NONCANONICAL);
    }
    /* s replaced by L (not canonical). */
    memcpy(bad, s.proof, 64);
    tu_hex(bad + 32, 32, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    cr_assert_eq(zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN), SH_ERR_NONCANONICAL);
    memset(bad, 0, 64);
    cr_assert_eq(zk_elgamal_verify(bad, &pk, s.ct, s.w, CTX, CTXLEN), SH_ERR_VERIFY);
}

Test(elgamal_pok, pok_rejects_identity_c1_and_bad_args)
{
    /* C1 = identity means r = 0 and M in clear: refused before the proof
     * (a "proof" with r = 0 would otherwise be trivial). */
    zk_point m[2];
    zk_elgamal_ct ct[2];
    zk_scalar r[2];
    uint8_t proof[64];
    tu_random_points(rng, m, 2);
    zk_scalar_zero(&r[0]);
    zk_scalar_from_u64(&r[1], 5);
    zk_point_identity(&ct[0].c1);
    ct[0].c2 = m[0];
    zk_point_mul_base(&ct[1].c1, &r[1]);
    zk_point_mul(&ct[1].c2, &pk, &r[1]);
    zk_point_add(&ct[1].c2, &ct[1].c2, &m[1]);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 2, CTX, CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 2, CTX, CTXLEN), SH_ERR_IDENTITY);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 0, CTX, CTXLEN), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, 1, NULL, 3), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_verify(NULL, &pk, ct, 1, CTX, CTXLEN), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, NULL, 2, CTX, CTXLEN, rng), SH_ERR_ARG);
    cr_assert_eq(zk_elgamal_prove(proof, &pk, ct, r, 0, CTX, CTXLEN, rng), SH_ERR_ARG);
}

Test(elgamal_pok, pok_wide)
{
    /* A width above the stack scratch (8): the heap path. */
    static uint8_t msg[1000];
    size_t w = zk_encode_width(sizeof msg);
    zk_elgamal_ct *ct = zk_aligned_alloc(w, sizeof *ct);
    uint8_t proof[64];
    cr_assert_not_null(ct);
    sh_rng_bytes(rng, msg, sizeof msg);
    cr_assert_eq(zk_elgamal_encrypt_bytes_pok(ct, w, proof, &pk, msg, sizeof msg, CTX,
                                              CTXLEN, rng), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, w, CTX, CTXLEN), 0);
    zk_point_dbl(&ct[w - 1].c2, &ct[w - 1].c2);
    cr_assert_eq(zk_elgamal_verify(proof, &pk, ct, w, CTX, CTXLEN), SH_ERR_VERIFY);
    free(ct);
}

Test(elgamal_pok, pok_verify_wire)
{
    sub s;
    make_sub(&s, 200);
    size_t blen, w = 99;
    uint8_t *b = tu_ct_encode(s.ct, s.w, &blen);
    zk_elgamal_ct back[10];
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w), 0);
    cr_assert_eq(w, s.w);
    cr_assert(tu_ct_equal(back, s.ct, s.w));

    /* Decoding errors come first, with the decoder's classes. */
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen - 1, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_TRUNCATED);
    cr_assert_eq(w, 0);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 6, &w),
                 SH_ERR_OVERSIZE);
    b[2 + 64 + 31] |= 0x80;
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_NONCANONICAL);
    b[2 + 64 + 31] &= 0x7f;
    /* A C2 replaced by another valid point. */
    uint8_t save[32];
    memcpy(save, b + 2 + 64 * 4 + 32, 32);
    zk_point B;
    zk_point_base(&B);
    zk_point_encode(b + 2 + 64 * 4 + 32, &B);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(w, 0);
    memcpy(b + 2 + 64 * 4 + 32, save, 32);
    /* A C1 replaced by the identity. */
    memcpy(save, b + 2 + 64 * 2, 32);
    memset(b + 2 + 64 * 2, 0, 32);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_IDENTITY);
    memcpy(b + 2 + 64 * 2, save, 32);
    /* Other context, other key. */
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN - 2, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &B, b, blen, CTX, CTXLEN, back, 10, &w),
                 SH_ERR_VERIFY);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, &w), 0);
    cr_assert_eq(zk_elgamal_verify_wire(s.proof, &pk, b, blen, CTX, CTXLEN, back, 10, NULL),
                 SH_ERR_ARG);
    free(b);
}

/* Run the batch check and expect rc and, if rc != 0, the index bad. */
static void batch_expect(zk_elgamal_pok_item *it, size_t n, size_t ctxlen, int rc, size_t bad)
{
    size_t got = 12345;
    cr_assert_eq(zk_elgamal_batch_verify(it, n, &pk, CTX, ctxlen, rng, &got), rc);
    cr_assert_eq(got, rc == 0 ? n : bad, "bad index %zu, expected %zu", got, bad);
    if (rc != 0)
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(it[i].w, 0);
}

Test(elgamal_pok, pok_batch)
{
    enum { N = 24 };
    static sub s[N];
    static uint8_t wire[N][2 + 64 * 10];
    static zk_elgamal_ct back[N][10];
    zk_elgamal_pok_item it[N];
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        make_sub(&s[i], 1 + 11 * i);    /* widths 1..9 */
        it[i].wire = wire[i];
        it[i].wire_len = zk_elgamal_ct_size(s[i].w);
        cr_assert_eq(zk_elgamal_ct_encode(wire[i], it[i].wire_len, s[i].ct, s[i].w), 0);
        it[i].proof = s[i].proof;
        it[i].ct = back[i];
        it[i].cap = 10;
        it[i].w = 77;
    }
    batch_expect(it, N, CTXLEN, 0, N);
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(it[i].w, s[i].w);
        cr_assert(tu_ct_equal(back[i], s[i].ct, s[i].w));
    }
    cr_assert_eq(zk_elgamal_batch_verify(it, 0, &pk, CTX, CTXLEN, rng, &bad), 0);
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, NULL), 0);

    /* Wrong context for all. */
    batch_expect(it, N, CTXLEN - 1, SH_ERR_VERIFY, 0);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(it[i].w, 0);

    /* One C2 replaced by another point, found by index. */
    uint8_t save[32];
    zk_point B;
    zk_point_base(&B);
    memcpy(save, wire[13] + 2 + 32, 32);
    zk_point_encode(wire[13] + 2 + 32, &B);
    batch_expect(it, N, CTXLEN, SH_ERR_VERIFY, 13);
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, NULL), SH_ERR_VERIFY);
    memcpy(wire[13] + 2 + 32, save, 32);

    /* Two proofs swapped between submissions: both bad, first reported. */
    it[5].proof = s[9].proof;
    it[9].proof = s[5].proof;
    batch_expect(it, N, CTXLEN, SH_ERR_VERIFY, 5);
    it[5].proof = s[5].proof;
    it[9].proof = s[9].proof;

    /* A malformed proof, an identity C1, bad wire bytes, a NULL. */
    uint8_t mal[64];
    memcpy(mal, s[20].proof, 64);
    mal[31] |= 0x80;
    it[20].proof = mal;
    batch_expect(it, N, CTXLEN, SH_ERR_POINT, 20);
    it[20].proof = s[20].proof;
    memcpy(save, wire[2] + 2, 32);
    memset(wire[2] + 2, 0, 32);
    batch_expect(it, N, CTXLEN, SH_ERR_IDENTITY, 2);
    memcpy(wire[2] + 2, save, 32);
    it[4].wire_len++;
    batch_expect(it, N, CTXLEN, SH_ERR_TRAILING, 4);
    it[4].wire_len--;
    it[7].cap = 0;
    batch_expect(it, N, CTXLEN, SH_ERR_OVERSIZE, 7);
    it[7].cap = 10;
    it[8].ct = NULL;
    batch_expect(it, N, CTXLEN, SH_ERR_ARG, 8);
    it[8].ct = back[8];
    cr_assert_eq(zk_elgamal_batch_verify(it, N, &pk, CTX, CTXLEN, rng, &bad), 0);
}

/* ---- the worked example of docs/elgamal.md ------------------------------ */


static void hex_eq(const uint8_t *got, size_t n, const char *want_hex)
{
    uint8_t want[256];
    cr_assert_leq(n, sizeof want);
    tu_hex(want, n, want_hex);
    cr_assert_eq(memcmp(got, want, n), 0, "mismatch with %s", want_hex);
}

static void point_eq_hex(const zk_point *p, const char *want_hex)
{
    uint8_t b[32];
    zk_point_encode(b, p);
    hex_eq(b, 32, want_hex);
}

static void scalar_eq_hex(const zk_scalar *s, const char *want_hex)
{
    uint8_t b[32];
    zk_scalar_encode(b, s);
    hex_eq(b, 32, want_hex);
}

Test(elgamal_pok, worked_example)
{
    uint8_t seed[SH_RNG_SEEDBYTES], b[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)i;
    sh_rng *r = sh_rng_chacha_new(seed);
    cr_assert_not_null(r);
    zk_scalar esk;
    zk_point epk;
    zk_elgamal_keygen(&esk, &epk, r);
    scalar_eq_hex(&esk, "36e5b43419551a92c809a995a3d2c817a86ce8f5dd973b06fe9cb5a3f012870b");
    point_eq_hex(&epk, "4aceeb1d507e50957db46b6bcd374614b8ea080cbbc77ad060666bf5788c8121");

    const char *msg = "pay 0.5 to bc1qexample, fee 210 sat";
    size_t len = strlen(msg);
    cr_assert_eq(len, 35);
    cr_assert_eq(zk_encode_width(len), 2);
    zk_point m[2];
    cr_assert_eq(zk_encode_bytes(m, 2, (const uint8_t *)msg, len), 0);
    point_eq_hex(&m[0], "00230070617920302e3520746f20626331716578616d706c652c206665652000");
    point_eq_hex(&m[1], "1032313020736174000000000000000000000000000000000000000000000000");

    zk_elgamal_ct ct[2];
    zk_scalar rr[2];
    cr_assert_eq(zk_elgamal_encrypt(ct, rr, &epk, m, 2, r), 0);
    scalar_eq_hex(&rr[0], "6102398efee33b886f4bb7042b897d83db59b71a05aff76e9b633b87cade7d00");
    scalar_eq_hex(&rr[1], "69e5d557cb6094acfa586118e602e90aa6fe6cbabd4571eeb0d2f63b8c8a8f07");
    uint8_t wire[130];
    cr_assert_eq(zk_elgamal_ct_encode(wire, sizeof wire, ct, 2), 0);
    hex_eq(wire, 130,
           "0200"
           "a650b416be24664030732d88dde2b9141aac939c025ab18872347ad5aede0229"
           "929c539b2e9ae5a2da0b4caa20c2cfcd2100f4b4f2ad067532e59764ba45480e"
           "62e77e2727dd4a3807ea0c9ffcc2a832161944aa4ad7cb309e24954bf4da6b0c"
           "06e702208e45be3f674ff82859d0c5856cf46b09db30c8b291f8b810a3c0730d");

    /* The transcript, rebuilt by hand from the spec. */
    const uint8_t ctx[] = "epoch-42";
    zk_transcript t;
    uint8_t h[64], wide[32] = { 0 };
    zk_scalar e[2], x, ex;
    zk_transcript_init(&t, "shroud-elgamal-pok-v1");
    zk_transcript_append(&t, "context", ctx, 8);
    zk_point_encode(b, &epk);
    zk_transcript_append(&t, "pk", b, 32);
    zk_transcript_append(&t, "ciphertext", wire, sizeof wire);
    zk_transcript_challenge_bytes(&t, "e", h);
    hex_eq(h, 64, "7df3b0445bda81a59737be8cc36393bc31ababb801211e5557070197e36290f5"
                  "b68cca3f3641d6dc39a04ca4a3e8962a1e732076015c0700d538730ffdf45a22");
    memcpy(wide, h, 16);
    zk_scalar_reduce(&e[0], wide, 32);
    zk_transcript_challenge_bytes(&t, "e", h);
    hex_eq(h, 64, "f2fac8da515d1cec6bedb04b2da60ce2200499b4c49fe432f2ce2a2fc610fea0"
                  "aade1a751f5312e11eafa12d54ae44b8d6478bf9378be947f9016b4c3e135ab0");
    memcpy(wide, h, 16);
    zk_scalar_reduce(&e[1], wide, 32);
    zk_scalar_mul(&x, &e[0], &rr[0]);
    zk_scalar_mul(&ex, &e[1], &rr[1]);
    zk_scalar_add(&x, &x, &ex);
    scalar_eq_hex(&x, "c946a6b5180d764116baa161ee689c611e0b3364c4a3dc455b429a947a25e401");
    zk_point X;
    zk_point_mul_base(&X, &x);
    point_eq_hex(&X, "d284a09956104209f9296b7fed452c3fafd580d20fc320a037e56d44e8c30d0a");

    uint8_t proof[64];
    tu_hex(proof, 64, "1adff990f79f74113b9d5cd04451c9691e0ada6f9e4cf89cf51483a4a8514d40"
                      "edbcb3fbe03439f3db55cbcda06dcccedbca110dcf3c9b0e44ef12f1d444d905");
    zk_scalar c;
    zk_transcript_append_point(&t, "X", &X);
    zk_transcript_append(&t, "R", proof, 32);
    zk_transcript_challenge_scalar(&t, "c", &c);
    scalar_eq_hex(&c, "f1abc04ac33a686de6f218984da9fa84eb7e958f7be4905632490a366324aa01");

    cr_assert_eq(zk_elgamal_verify(proof, &epk, ct, 2, ctx, 8), 0);
    zk_elgamal_ct back[2];
    size_t w;
    cr_assert_eq(zk_elgamal_verify_wire(proof, &epk, wire, sizeof wire, ctx, 8, back, 2, &w), 0);
    cr_assert_eq(zk_elgamal_verify(proof, &epk, ct, 2, (const uint8_t *)"epoch-43", 8),
                 SH_ERR_VERIFY);
    uint8_t out[64];
    size_t olen;
    cr_assert_eq(zk_elgamal_decrypt_bytes(out, sizeof out, &olen, &esk, back, 2), 0);
    cr_assert_eq(olen, len);
    cr_assert_eq(memcmp(out, msg, len), 0);
    sh_rng_free(r);
}
