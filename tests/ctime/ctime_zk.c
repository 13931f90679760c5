/* tests/ctime/ctime_zk.c -- constant-time check of the code that handles
 * secrets, in the manner of libsecp256k1's valgrind_ctime_test.
 *
 * Run under valgrind memcheck (ctest does).  Every secret input is marked
 * undefined with sh_ct_poison; memcheck then reports any conditional jump
 * or memory index computed from a secret.  Outputs are declassified before
 * they are compared.  Run outside valgrind it only checks the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "util/rng.h"
#include "zk/dleq.h"
#include "zk/elgamal.h"
#include "zk/group.h"
#include "zk/schnorr.h"
#include "ctime.h"

static void scalars(sh_rng *rng)
{
    zk_scalar a, b, r;
    uint8_t enc[32], wide[64];
    zk_scalar_random(&a, rng);
    zk_scalar_random_nonzero(&b, rng);
    sh_ct_poison(&a, sizeof a);
    sh_ct_poison(&b, sizeof b);

    zk_scalar_add(&r, &a, &b);
    zk_scalar_sub(&r, &r, &b);
    zk_scalar_mul(&r, &r, &b);
    zk_scalar_neg(&r, &r);
    zk_scalar_cmov(&r, &r, &a, 1);
    zk_scalar_encode(enc, &r);
    int rc = zk_scalar_decode(&r, enc);
    sh_ct_declassify(&rc, sizeof rc);      /* canonical: a fact about the format */
    CHECK(rc == 0);
    rc = zk_scalar_invert(&r, &b);
    sh_ct_declassify(&rc, sizeof rc);      /* b was chosen nonzero */
    CHECK(rc == 0);
    int eq = zk_scalar_eq(&a, &a);
    sh_ct_declassify(&eq, sizeof eq);
    CHECK(eq);

    memset(wide, 0x5a, sizeof wide);
    sh_ct_poison(wide, sizeof wide);
    zk_scalar_reduce(&r, wide, sizeof wide);
    zk_scalar_hash(&r, "shroud-ctime", wide, sizeof wide);
    zk_scalar_wipe(&a);
    zk_scalar_wipe(&b);
    zk_scalar_wipe(&r);
}

static void points(sh_rng *rng)
{
    zk_scalar s;
    zk_point p, q, r;
    uint8_t enc[32], h[64];
    zk_scalar_random(&s, rng);
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(&p, h);          /* a public point */
    sh_ct_poison(&s, sizeof s);

    zk_point_mul_base(&q, &s);          /* secret scalar, fixed base */
    zk_point_mul(&r, &p, &s);           /* secret scalar, variable base */
    zk_point_table *t = zk_point_table_new(&p);
    CHECK(t != NULL);
    zk_point_table_mul(&r, t, &s);      /* secret scalar, fixed-base table */
    zk_point_table_free(t);
    zk_point_add(&r, &r, &q);           /* secret points */
    zk_point_sub(&r, &r, &p);
    zk_point_dbl(&r, &r);
    zk_point_neg(&r, &r);
    zk_point_encode(enc, &r);           /* encoding a secret point */
    sh_ct_poison(enc, sizeof enc);
    int rc = zk_point_decode(&r, enc);  /* decoding a secret point */
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_poison(h, sizeof h);
    zk_point_from_hash(&r, h);          /* hashing secret bytes to the group */
    zk_point_hash(&r, "shroud-ctime", h, sizeof h);
    int eq = zk_point_eq(&r, &r);
    sh_ct_declassify(&eq, sizeof eq);
    CHECK(eq);
    zk_scalar_wipe(&s);
}

static void rng_stream(void)
{
    uint8_t seed[SH_RNG_SEEDBYTES], out[200];
    memset(seed, 7, sizeof seed);
    sh_ct_poison(seed, sizeof seed);
    sh_rng *r = sh_rng_chacha_new(seed);
    CHECK(r != NULL);
    sh_rng_bytes(r, out, sizeof out);   /* ChaCha20 keystream from a secret seed */
    sh_rng_bytes(r, out, 3);
    sh_rng_free(r);
    uint8_t child[SH_RNG_SEEDBYTES];
    sh_rng_derive_seed(child, seed, "node", 3);
}

static void elgamal(sh_rng *rng)
{
    enum { W = 3 };
    zk_scalar sk, r[W];
    zk_point pk, m[W], back[W];
    zk_elgamal_ct ct[W];
    uint8_t h[64];
    zk_elgamal_keygen(&sk, &pk, rng);
    for (int j = 0; j < W; j++) {
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&m[j], h);
    }
    sh_ct_poison(&sk, sizeof sk);
    sh_ct_poison(m, sizeof m);          /* plaintexts are secret */

    /* randomness drawn from the rng is secret too: poison what it yields */
    int rc = zk_elgamal_encrypt(ct, r, &pk, m, W, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_poison(r, sizeof r);
    rc = zk_elgamal_reencrypt(ct, NULL, &pk, ct, W, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    rc = zk_elgamal_decrypt(back, &sk, ct, W);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_declassify(back, sizeof back);
    sh_ct_declassify(m, sizeof m);
    for (int j = 0; j < W; j++)
        CHECK(zk_point_eq(&back[j], &m[j]));
    zk_scalar_wipe(&sk);
}

/* Provers: the witness and the rng output are secret; the proof bytes
 * become public when returned. */
static void provers(sh_rng *rng)
{
    zk_scalar x;
    zk_point xp, hp, yp;
    zk_elem X, H, Y;
    uint8_t h[64], proof[ZK_DLEQ_PROOF_BYTES];
    zk_transcript t;
    zk_scalar_random_nonzero(&x, rng);
    zk_point_mul_base(&xp, &x);
    zk_elem_set(&X, &xp);
    sh_rng_bytes(rng, h, sizeof h);
    zk_point_from_hash(&hp, h);
    zk_elem_set(&H, &hp);
    zk_point_mul(&yp, &hp, &x);
    zk_elem_set(&Y, &yp);
    sh_ct_poison(&x, sizeof x);

    zk_transcript_init(&t, "shroud-ctime");
    int rc = zk_schnorr_prove(proof, &t, NULL, &X, &x, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_declassify(proof, ZK_SCHNORR_PROOF_BYTES);
    zk_transcript_init(&t, "shroud-ctime");
    CHECK(zk_schnorr_verify(proof, &t, NULL, &X) == 0);

    zk_transcript_init(&t, "shroud-ctime");
    rc = zk_dleq_prove(proof, &t, NULL, &H, &X, &Y, &x, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_declassify(proof, ZK_DLEQ_PROOF_BYTES);
    zk_transcript_init(&t, "shroud-ctime");
    CHECK(zk_dleq_verify(proof, &t, NULL, &H, &X, &Y) == 0);
    zk_scalar_wipe(&x);
}

/* The wallet's proof of knowledge of its encryption randomness. */
static void elgamal_pok(sh_rng *rng)
{
    enum { W = 2 };
    zk_scalar sk, r[W];
    zk_point pk, m[W];
    zk_elgamal_ct ct[W];
    uint8_t h[64], proof[ZK_ELGAMAL_POK_BYTES];
    const uint8_t ctx[] = "epoch 9";
    zk_elgamal_keygen(&sk, &pk, rng);
    for (int j = 0; j < W; j++) {
        sh_rng_bytes(rng, h, sizeof h);
        zk_point_from_hash(&m[j], h);
    }
    sh_ct_poison(m, sizeof m);
    int rc = zk_elgamal_encrypt(ct, r, &pk, m, W, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_poison(r, sizeof r);
    sh_ct_declassify(ct, sizeof ct);     /* the ciphertext is published */
    rc = zk_elgamal_prove(proof, &pk, ct, r, W, ctx, sizeof ctx - 1, rng);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);
    sh_ct_declassify(proof, sizeof proof);
    CHECK(zk_elgamal_verify(proof, &pk, ct, W, ctx, sizeof ctx - 1) == 0);
    zk_scalar_wipe(&sk);
}

int main(void)
{
    CHECK(sodium_init() >= 0);
    uint8_t seed[SH_RNG_SEEDBYTES] = { 1 };
    sh_rng *rng = sh_rng_chacha_new(seed);
    CHECK(rng != NULL);
    scalars(rng);
    points(rng);
    rng_stream();
    elgamal(rng);
    provers(rng);
    elgamal_pok(rng);
    sh_rng_free(rng);
    puts("ctime_zk: done");
    return 0;
}
