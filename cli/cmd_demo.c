/* cli/cmd_demo.c -- `shroud demo`: a readable walk through the toolkit.
 *
 * Three wallets encrypt 200-byte transactions under a committee key with a
 * proof bound to the epoch; a mixer re-encrypts and reorders the batch; the
 * key holder decrypts verifiably (a DLEQ proof per partial decryption) and
 * the transactions come out in the new order.  The threshold committee and
 * the shuffle proof arrive in later issues; every primitive used here is the
 * real one they will use. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "util/rng.h"
#include "zk/dleq.h"
#include "zk/elgamal.h"
#include "zk/encode.h"
#include "zk/transcript.h"

#define DEMO_TXS 3
#define DEMO_TX_BYTES 200
#define DEMO_W 7                   /* zk_encode_width(200) */

static void hex_short(char out[20], const uint8_t *b)
{
    sodium_bin2hex(out, 17, b, 8);
    strcpy(out + 16, "..");
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "shroud demo: %s failed: %s\n", what, sh_err_str(rc));
    return 1;
}

/* One verifiable partial decryption of a width-w ciphertext:
 * D_j = sk * C1_j, with a DLEQ proof that log_B(pk) = log_{C1_j}(D_j).
 * The statement's elements (pk, C1_j, D_j) are zk_elem: a point together
 * with its encoding, which is what the proof's transcript absorbs.  The
 * key holder builds them from computed points (zk_elem_set); the verifier
 * decodes the bytes it receives (zk_elem_decode), once each. */
static int decrypt_verifiably(uint8_t *out, size_t *out_len, const zk_scalar *sk,
                              const zk_elem *pk, const zk_elgamal_ct *ct, sh_rng *rng,
                              int *proofs_ok)
{
    zk_point m[DEMO_W];
    *proofs_ok = 1;
    for (size_t j = 0; j < DEMO_W; j++) {
        zk_point d;
        zk_elem c1, D, c1_rx, D_rx;
        uint8_t proof[ZK_DLEQ_PROOF_BYTES];
        zk_transcript tp, tv;
        zk_point_mul(&d, &ct[j].c1, sk);
        zk_elem_set(&c1, &ct[j].c1);
        zk_elem_set(&D, &d);
        zk_transcript_init(&tp, "shroud-demo-decrypt-v1");
        tv = tp;
        int rc = zk_dleq_prove(proof, &tp, NULL, &c1, pk, &D, sk, rng);
        if (rc != 0)
            return rc;
        /* What a verifier receives: the bytes of C1_j and D_j, and the proof. */
        int ok = zk_elem_decode(&c1_rx, c1.enc) == 0;
        ok &= zk_elem_decode(&D_rx, D.enc) == 0;
        if (!ok || zk_dleq_verify(proof, &tv, NULL, &c1_rx, pk, &D_rx) != 0)
            *proofs_ok = 0;
        zk_point_sub(&m[j], &ct[j].c2, &D_rx.p);
    }
    return zk_decode_bytes(out, DEMO_TX_BYTES + 64, out_len, m, DEMO_W);
}

int cli_cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc > 0) {
        fputs("usage: shroud demo\n", stderr);
        return 2;
    }
    sh_rng *rng = sh_rng_os_new();
    if (rng == NULL)
        return fail("RNG setup", SH_ERR_INTERNAL);
    static const char *senders[DEMO_TXS] = { "alice", "bob", "carol" };
    uint8_t tx[DEMO_TXS][DEMO_TX_BYTES];
    zk_elgamal_ct ct[DEMO_TXS][DEMO_W];
    uint8_t pok[DEMO_TXS][ZK_ELGAMAL_POK_BYTES];
    const uint8_t epoch[] = "epoch 1";
    const uint8_t other_epoch[] = "epoch 2";
    char h1[20], h2[20];
    int rc;

    puts("shroud demo: the zero-knowledge toolkit on ristretto255\n");

    /* 1. the committee key */
    zk_scalar sk;
    zk_point pk;
    zk_elem pk_elem;   /* pk with its encoding, for the proofs' statements */
    zk_elgamal_keygen(&sk, &pk, rng);
    zk_elem_set(&pk_elem, &pk);
    hex_short(h1, pk_elem.enc);
    printf("1. The committee's session key: pk = %s (32 bytes, ristretto255)\n"
           "   (one key here; the threshold DKG that splits it among relays is next)\n\n", h1);

    /* 2. wallets encrypt with a proof bound to the epoch */
    printf("2. Three wallets each encode a %d-byte transaction into %zu points\n"
           "   and encrypt it, proving knowledge of the randomness for \"%s\":\n",
           DEMO_TX_BYTES, zk_encode_width(DEMO_TX_BYTES), (const char *)epoch);
    for (int i = 0; i < DEMO_TXS; i++) {
        memset(tx[i], ' ', DEMO_TX_BYTES);
        int n = snprintf((char *)tx[i], DEMO_TX_BYTES,
                         "tx#%d from %s: pay 0.%d BTC to bc1q-merchant-%d; memo: %s",
                         i + 1, senders[i], 5 + i, 40 + i, "lunch");
        tx[i][n] = ' ';
        rc = zk_elgamal_encrypt_bytes_pok(ct[i], DEMO_W, pok[i], &pk, tx[i], DEMO_TX_BYTES,
                                          epoch, sizeof epoch - 1, rng);
        if (rc != 0)
            return fail("encryption", rc);
        int ok = zk_elgamal_verify(pok[i], &pk, ct[i], DEMO_W, epoch, sizeof epoch - 1) == 0;
        int replay = zk_elgamal_verify(pok[i], &pk, ct[i], DEMO_W, other_epoch,
                                       sizeof other_epoch - 1) == 0;
        uint8_t c1[32];
        zk_point_encode(c1, &ct[i][0].c1);
        hex_short(h1, c1);
        printf("   %-5s -> %zu-byte ciphertext (C1[0] = %s), proof %s; replayed into \"%s\": %s\n",
               senders[i], zk_elgamal_ct_size(DEMO_W), h1, ok ? "valid" : "INVALID",
               (const char *)other_epoch, replay ? "ACCEPTED (bug!)" : "rejected");
        if (!ok || replay)
            return fail("proof check", SH_ERR_VERIFY);
    }
    puts("");

    /* 3. a mixer re-encrypts and reorders */
    static const int perm[DEMO_TXS] = { 2, 0, 1 };
    zk_elgamal_ct mixed[DEMO_TXS][DEMO_W];
    puts("3. A mixer re-encrypts every ciphertext with fresh randomness and reorders");
    puts("   the batch; no byte of an output matches its input:");
    for (int i = 0; i < DEMO_TXS; i++) {
        rc = zk_elgamal_reencrypt(mixed[i], NULL, &pk, ct[perm[i]], DEMO_W, rng);
        if (rc != 0)
            return fail("re-encryption", rc);
        uint8_t a[32], b[32];
        zk_point_encode(a, &ct[perm[i]][0].c1);
        zk_point_encode(b, &mixed[i][0].c1);
        hex_short(h1, a);
        hex_short(h2, b);
        printf("   input %d (C1[0] %s) -> output %d (C1[0] %s)\n", perm[i] + 1, h1, i + 1, h2);
    }
    puts("   (only the mixer knows this pairing; the shuffle proof is issue 4)\n");

    /* 4. verifiable decryption */
    puts("4. The key holder decrypts each output and proves every partial");
    puts("   decryption D = sk*C1 correct with a Chaum-Pedersen (DLEQ) proof:");
    for (int i = 0; i < DEMO_TXS; i++) {
        uint8_t out[DEMO_TX_BYTES + 64];
        size_t out_len = 0;
        int proofs_ok = 0;
        rc = decrypt_verifiably(out, &out_len, &sk, &pk_elem, mixed[i], rng, &proofs_ok);
        if (rc != 0)
            return fail("decryption", rc);
        if (!proofs_ok)
            return fail("DLEQ verification", SH_ERR_VERIFY);
        if (out_len != DEMO_TX_BYTES || memcmp(out, tx[perm[i]], DEMO_TX_BYTES) != 0)
            return fail("round trip", SH_ERR_INTERNAL);
        size_t end = out_len;
        while (end > 0 && out[end - 1] == ' ')
            end--;
        printf("   output %d: %d DLEQ proofs valid -> \"%.*s\"\n", i + 1, DEMO_W, (int)end,
               (const char *)out);
    }
    puts("\nThe transactions left in a new order; the proofs let anyone check each step.");
    zk_scalar_wipe(&sk);
    sh_rng_free(rng);
    return 0;
}
