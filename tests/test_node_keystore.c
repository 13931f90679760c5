/* tests/test_node_keystore.c -- node/keystore: key generation (the keys
 * work with crypto_sign, crypto_box and libsecp256k1), sealing and opening
 * with a key file and with a passphrase, the blob format rebuilt by hand
 * from docs/storage.md, every bit flip and truncation refused, wrong keys
 * refused, public/secret mismatches refused, the permission checks, the
 * passphrase file, and keys saved to and loaded from the store. */
#include <criterion/criterion.h>
#include "testutil.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <secp256k1.h>
#include <sodium.h>

#include "node/keystore.h"
#include "node/store.h"

static char tmp[64];
static char err[512];

static void setup(void)
{
    cr_assert(sodium_init() >= 0);
    strcpy(tmp, "/tmp/shroud-keys-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    err[0] = '\0';
}

static void teardown(void)
{
    tu_rm_rf(tmp);
}

TestSuite(node_keystore, .init = setup, .fini = teardown);

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmp, name);
}

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0, "%s", path);
    cr_assert_eq(write(fd, p, n), (ssize_t)n);
    close(fd);
    cr_assert_eq(chmod(path, mode), 0);
}

static node_kek *keyfile_kek(void)
{
    char p[128];
    path_in(p, sizeof p, "kek");
    unlink(p);
    cr_assert_eq(node_keyfile_create(p, err, sizeof err), 0, "%s", err);
    node_kek *k = NULL;
    cr_assert_eq(node_kek_from_keyfile(&k, p, err, sizeof err), 0, "%s", err);
    return k;
}

static void same_keys(const node_keys *a, const node_keys *b)
{
    cr_assert_eq(memcmp(a, b, sizeof *a), 0);
}

Test(node_keystore, generated_keys_work)
{
    node_keys *k = NULL, *k2 = NULL;
    cr_assert_eq(node_keys_generate(&k), 0);
    cr_assert_eq(node_keys_generate(&k2), 0);
    cr_assert_neq(memcmp(k->identity_pk, k2->identity_pk, 32), 0);
    cr_assert_neq(memcmp(k->onion_sk, k2->onion_sk, 32), 0);
    cr_assert_eq(node_keys_check(k, err, sizeof err), 0, "%s", err);
    /* identity: Ed25519 signatures verify */
    uint8_t sig[crypto_sign_BYTES];
    const uint8_t m[] = "descriptor";
    cr_assert_eq(crypto_sign_detached(sig, NULL, m, sizeof m, k->identity_sk), 0);
    cr_assert_eq(crypto_sign_verify_detached(sig, m, sizeof m, k->identity_pk), 0);
    cr_assert_neq(crypto_sign_verify_detached(sig, m, sizeof m, k2->identity_pk), 0);
    /* transport: a crypto_box key pair, both directions */
    uint8_t nonce[crypto_box_NONCEBYTES] = { 1 };
    uint8_t c[sizeof m + crypto_box_MACBYTES], back[sizeof m];
    cr_assert_eq(crypto_box_easy(c, m, sizeof m, nonce, k2->transport_pk, k->transport_sk), 0);
    cr_assert_eq(crypto_box_open_easy(back, c, sizeof c, nonce, k->transport_pk,
                                      k2->transport_sk), 0);
    cr_assert_eq(memcmp(back, m, sizeof m), 0);
    /* onion: a valid secp256k1 secret and its compressed public key */
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_pubkey pk;
    uint8_t ser[33];
    size_t len = 33;
    cr_assert(secp256k1_ec_seckey_verify(ctx, k->onion_sk));
    cr_assert(secp256k1_ec_pubkey_create(ctx, &pk, k->onion_sk));
    cr_assert(secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pk, SECP256K1_EC_COMPRESSED));
    cr_assert_eq(memcmp(ser, k->onion_pk, 33), 0);
    cr_assert(k->onion_pk[0] == 2 || k->onion_pk[0] == 3);
    secp256k1_context_destroy(ctx);
    uint8_t pub[NODE_KEYS_PUBLIC_BYTES];
    node_keys_public_encode(k, pub);
    cr_assert_eq(memcmp(pub, k->identity_pk, 32), 0);
    cr_assert_eq(memcmp(pub + 32, k->transport_pk, 32), 0);
    cr_assert_eq(memcmp(pub + 64, k->onion_pk, 33), 0);
    node_keys_free(k);
    node_keys_free(k2);
    node_keys_free(NULL);
}

Test(node_keystore, keyfile_roundtrip)
{
    char p[128];
    path_in(p, sizeof p, "kek");
    cr_assert_eq(node_keyfile_create(p, err, sizeof err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(st.st_size, 65);   /* 64 hex digits and a newline */
    /* never overwritten */
    char before[65], after[65];
    FILE *f = fopen(p, "r");
    cr_assert_eq(fread(before, 1, 65, f), 65);
    fclose(f);
    cr_assert_eq(node_keyfile_create(p, err, sizeof err), SH_ERR_IO);
    cr_assert(strstr(err, "exists") != NULL, "%s", err);
    f = fopen(p, "r");
    cr_assert_eq(fread(after, 1, 65, f), 65);
    fclose(f);
    cr_assert_eq(memcmp(before, after, 65), 0);

    node_kek *kek = NULL;
    cr_assert_eq(node_kek_from_keyfile(&kek, p, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_kek_kdf(kek), NODE_KDF_KEYFILE);
    node_keys *k = NULL, *o = NULL;
    cr_assert_eq(node_keys_generate(&k), 0);
    sh_buf blob;
    sh_buf_init(&blob);
    cr_assert_eq(node_keys_seal(k, kek, &blob), 0);
    cr_assert_eq(blob.len, NODE_KEYBLOB_BYTES);
    cr_assert_eq(NODE_KEYBLOB_BYTES, 303);
    node_keyblob_hdr h;
    cr_assert_eq(node_keyblob_parse(blob.data, blob.len, &h, err, sizeof err), 0, "%s", err);
    cr_assert_eq(h.kdf, NODE_KDF_KEYFILE);
    cr_assert_eq(h.opslimit, 0);
    cr_assert_eq(h.memlimit, 0);
    cr_assert_eq(node_keys_open(blob.data, blob.len, kek, &o, err, sizeof err), 0, "%s", err);
    same_keys(k, o);
    /* two seals of the same keys differ (fresh nonce) and both open */
    sh_buf blob2;
    sh_buf_init(&blob2);
    cr_assert_eq(node_keys_seal(k, kek, &blob2), 0);
    cr_assert_neq(memcmp(blob.data, blob2.data, blob.len), 0);
    node_keys_free(o);
    cr_assert_eq(node_keys_open(blob2.data, blob2.len, kek, &o, err, sizeof err), 0);
    same_keys(k, o);
    node_keys_free(o);

    /* another key file: "wrong key or corrupted key blob" */
    node_kek *other = keyfile_kek();
    o = (node_keys *)1;
    cr_assert_eq(node_keys_open(blob.data, blob.len, other, &o, err, sizeof err), SH_ERR_VERIFY);
    cr_assert_null(o);
    cr_assert_str_eq(err, "keys: wrong key or corrupted key blob");
    node_kek_free(other);
    sh_buf_free(&blob);
    sh_buf_free(&blob2);
    node_keys_free(k);
    node_kek_free(kek);
}

Test(node_keystore, passphrase_roundtrip)
{
    const char *pass = "correct horse battery staple";
    node_kek *kek = NULL;
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, strlen(pass), NULL,
                                          crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                                          err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_kek_kdf(kek), NODE_KDF_ARGON2ID);
    node_keys *k = NULL, *o = NULL;
    cr_assert_eq(node_keys_generate(&k), 0);
    sh_buf blob;
    sh_buf_init(&blob);
    cr_assert_eq(node_keys_seal(k, kek, &blob), 0);
    node_kek_free(kek);

    /* what a restarting relay does: read the header, derive, open */
    node_keyblob_hdr h;
    cr_assert_eq(node_keyblob_parse(blob.data, blob.len, &h, err, sizeof err), 0, "%s", err);
    cr_assert_eq(h.kdf, NODE_KDF_ARGON2ID);
    cr_assert_eq(h.opslimit, crypto_pwhash_OPSLIMIT_MIN);
    cr_assert_eq(h.memlimit, crypto_pwhash_MEMLIMIT_MIN);
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, strlen(pass), h.salt, h.opslimit,
                                          (size_t)h.memlimit, err, sizeof err), 0);
    cr_assert_eq(node_keys_open(blob.data, blob.len, kek, &o, err, sizeof err), 0, "%s", err);
    same_keys(k, o);
    node_keys_free(o);
    node_kek_free(kek);

    /* the KEK is Argon2id as documented: crypto_pwhash with the header's
     * salt and limits, then the blob key through crypto_kdf */
    uint8_t kk[32], bk[32];
    cr_assert_eq(crypto_pwhash(kk, 32, pass, strlen(pass), h.salt, h.opslimit,
                               (size_t)h.memlimit, crypto_pwhash_ALG_ARGON2ID13), 0);
    cr_assert_eq(crypto_kdf_derive_from_key(bk, 32, 1, "shroudky", kk), 0);
    uint8_t plain[NODE_KEYS_PLAIN_BYTES];
    unsigned long long pl;
    cr_assert_eq(crypto_aead_xchacha20poly1305_ietf_decrypt(
                     plain, &pl, NULL, blob.data + NODE_KEYBLOB_HDR_BYTES,
                     blob.len - NODE_KEYBLOB_HDR_BYTES, blob.data, NODE_KEYBLOB_HDR_BYTES,
                     h.nonce, bk), 0);
    cr_assert_eq(memcmp(plain, k->identity_sk, 64), 0);
    cr_assert_eq(memcmp(plain + 128, k->identity_pk, 32), 0);
    sodium_memzero(plain, sizeof plain);

    /* wrong passphrase */
    cr_assert_eq(node_kek_from_passphrase(&kek, "wrong", 5, h.salt, h.opslimit,
                                          (size_t)h.memlimit, err, sizeof err), 0);
    cr_assert_eq(node_keys_open(blob.data, blob.len, kek, &o, err, sizeof err), SH_ERR_VERIFY);
    cr_assert_null(o);
    node_kek_free(kek);
    /* right passphrase, other salt: named as a parameter mismatch */
    uint8_t salt2[16];
    memcpy(salt2, h.salt, 16);
    salt2[0] ^= 1;
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, strlen(pass), salt2, h.opslimit,
                                          (size_t)h.memlimit, err, sizeof err), 0);
    cr_assert_eq(node_keys_open(blob.data, blob.len, kek, &o, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "salt") != NULL, "%s", err);
    node_kek_free(kek);
    /* a key-file KEK for a passphrase blob */
    kek = keyfile_kek();
    cr_assert_eq(node_keys_open(blob.data, blob.len, kek, &o, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "passphrase") != NULL, "%s", err);
    node_kek_free(kek);

    /* bad parameters */
    cr_assert_eq(node_kek_from_passphrase(&kek, "", 0, NULL, 1, 8192, err, sizeof err),
                 SH_ERR_ARG);
    cr_assert_null(kek);
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, 3, NULL, 0, 8192, err, sizeof err),
                 SH_ERR_RANGE);
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, 3, NULL, 1, 8191, err, sizeof err),
                 SH_ERR_RANGE);
    cr_assert_eq(node_kek_from_passphrase(&kek, pass, 3, NULL, NODE_KDF_OPSLIMIT_MAX + 1,
                                          8192, err, sizeof err), SH_ERR_RANGE);
    cr_assert(strstr(err, "opslimit") != NULL, "%s", err);
    sh_buf_free(&blob);
    node_keys_free(k);
}

/* Open must refuse blob; returns the error. */
static int refused(const uint8_t *b, size_t n, const node_kek *kek)
{
    node_keys *o = (node_keys *)1;
    int rc = node_keys_open(b, n, kek, &o, err, sizeof err);
    cr_assert_lt(rc, 0);
    cr_assert_null(o);
    cr_assert(strncmp(err, "keys: ", 6) == 0, "%s", err);
    return rc;
}

Test(node_keystore, every_bit_flip_and_truncation_refused)
{
    node_kek *kf = keyfile_kek();
    node_kek *pw = NULL;
    cr_assert_eq(node_kek_from_passphrase(&pw, "pw", 2, NULL, crypto_pwhash_OPSLIMIT_MIN,
                                          crypto_pwhash_MEMLIMIT_MIN, err, sizeof err), 0);
    node_keys *k = NULL;
    cr_assert_eq(node_keys_generate(&k), 0);
    const node_kek *keks[2] = { kf, pw };
    for (int w = 0; w < 2; w++) {
        sh_buf blob;
        sh_buf_init(&blob);
        cr_assert_eq(node_keys_seal(k, keks[w], &blob), 0);
        uint8_t b[NODE_KEYBLOB_BYTES + 1];
        memcpy(b, blob.data, NODE_KEYBLOB_BYTES);
        for (size_t bit = 0; bit < 8 * (size_t)NODE_KEYBLOB_BYTES; bit++) {
            b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = refused(b, NODE_KEYBLOB_BYTES, keks[w]);
            if (bit / 8 >= NODE_KEYBLOB_HDR_BYTES)   /* ciphertext or tag */
                cr_assert_eq(rc, SH_ERR_VERIFY, "bit %zu", bit);
            else if (bit / 8 >= 38)                  /* nonce: authenticated */
                cr_assert_eq(rc, SH_ERR_VERIFY, "bit %zu", bit);
            b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        for (size_t n = 0; n < NODE_KEYBLOB_BYTES; n++)
            cr_assert_eq(refused(b, n, keks[w]), SH_ERR_LENGTH, "length %zu", n);
        b[NODE_KEYBLOB_BYTES] = 0;
        cr_assert_eq(refused(b, NODE_KEYBLOB_BYTES + 1, keks[w]), SH_ERR_LENGTH);
        cr_assert(strstr(err, "exactly 303") != NULL, "%s", err);
        /* the untouched copy still opens */
        node_keys *o = NULL;
        cr_assert_eq(node_keys_open(b, NODE_KEYBLOB_BYTES, keks[w], &o, err, sizeof err), 0,
                     "%s", err);
        node_keys_free(o);
        sh_buf_free(&blob);
    }
    cr_assert_eq(refused(NULL, 0, kf), SH_ERR_LENGTH);
    node_keys_free(k);
    node_kek_free(kf);
    node_kek_free(pw);
}

/* A hand-made blob (docs/storage.md) sealing plaintext p under the key
 * file whose 32 bytes are kek. */
static void hand_blob(uint8_t out[NODE_KEYBLOB_BYTES], const uint8_t kek[32],
                      const uint8_t p[NODE_KEYS_PLAIN_BYTES])
{
    memset(out, 0, NODE_KEYBLOB_HDR_BYTES);
    memcpy(out, "SHRK", 4);
    out[4] = 1;
    out[5] = 1;
    randombytes_buf(out + 38, 24);
    uint8_t bk[32];
    cr_assert_eq(crypto_kdf_derive_from_key(bk, 32, 1, "shroudky", kek), 0);
    unsigned long long cl;
    cr_assert_eq(crypto_aead_xchacha20poly1305_ietf_encrypt(
                     out + NODE_KEYBLOB_HDR_BYTES, &cl, p, NODE_KEYS_PLAIN_BYTES, out,
                     NODE_KEYBLOB_HDR_BYTES, NULL, out + 38, bk), 0);
    cr_assert_eq(cl, NODE_KEYS_PLAIN_BYTES + 16);
}

static void pack(uint8_t p[NODE_KEYS_PLAIN_BYTES], const node_keys *k)
{
    memcpy(p, k->identity_sk, 64);
    memcpy(p + 64, k->transport_sk, 32);
    memcpy(p + 96, k->onion_sk, 32);
    memcpy(p + 128, k->identity_pk, 32);
    memcpy(p + 160, k->transport_pk, 32);
    memcpy(p + 192, k->onion_pk, 33);
}

Test(node_keystore, documented_format_and_key_mismatches)
{
    /* a key file with known bytes, so the blob can be built by hand */
    uint8_t kb[32];
    char hex[68];
    for (int i = 0; i < 32; i++)
        kb[i] = (uint8_t)(0xa0 + i);
    sodium_bin2hex(hex, sizeof hex, kb, 32);
    for (int i = 0; i < 64; i += 7)   /* upper case is hex too */
        if (hex[i] >= 'a')
            hex[i] = (char)(hex[i] - 32);
    strcpy(hex + 64, "\r\n");
    char p[128];
    path_in(p, sizeof p, "known");
    write_file(p, hex, 66, 0600);
    node_kek *kek = NULL;
    cr_assert_eq(node_kek_from_keyfile(&kek, p, err, sizeof err), 0, "%s", err);

    node_keys *k = NULL, *o = NULL;
    cr_assert_eq(node_keys_generate(&k), 0);
    uint8_t plain[NODE_KEYS_PLAIN_BYTES], blob[NODE_KEYBLOB_BYTES];
    pack(plain, k);
    hand_blob(blob, kb, plain);
    cr_assert_eq(node_keys_open(blob, sizeof blob, kek, &o, err, sizeof err), 0, "%s", err);
    same_keys(k, o);
    node_keys_free(o);

    static const struct { size_t off; const char *msg; } cases[] = {
        { 128 + 5, "identity public key" },       /* identity_pk */
        { 40, "identity public key" },            /* the pk half of identity_sk */
        { 3, "identity public key" },             /* the seed */
        { 160 + 31, "transport public key" },
        { 64 + 1, "transport public key" },
        { 192 + 20, "onion public key" },
        { 96 + 31, "onion public key" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t q[NODE_KEYS_PLAIN_BYTES];
        memcpy(q, plain, sizeof q);
        q[cases[i].off] ^= 0x10;
        hand_blob(blob, kb, q);
        cr_assert_eq(refused(blob, sizeof blob, kek), SH_ERR_VERIFY, "case %zu", i);
        cr_assert(strstr(err, cases[i].msg) != NULL, "case %zu: %s", i, err);
    }
    /* onion secret 0 and the group order n: not secp256k1 secret keys */
    static const uint8_t order[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
        0xd0, 0x36, 0x41, 0x41 };
    uint8_t q[NODE_KEYS_PLAIN_BYTES];
    memcpy(q, plain, sizeof q);
    memset(q + 96, 0, 32);
    hand_blob(blob, kb, q);
    cr_assert_eq(refused(blob, sizeof blob, kek), SH_ERR_VERIFY);
    cr_assert(strstr(err, "not a valid secp256k1") != NULL, "%s", err);
    memcpy(q + 96, order, 32);
    hand_blob(blob, kb, q);
    cr_assert_eq(refused(blob, sizeof blob, kek), SH_ERR_VERIFY);

    /* seal refuses inconsistent keys too */
    sh_buf b;
    sh_buf_init(&b);
    k->transport_pk[0] ^= 1;
    cr_assert_eq(node_keys_seal(k, kek, &b), SH_ERR_VERIFY);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(node_keys_check(k, err, sizeof err), SH_ERR_VERIFY);
    cr_assert(strstr(err, "transport") != NULL, "%s", err);
    sh_buf_free(&b);
    sodium_memzero(plain, sizeof plain);
    node_keys_free(k);
    node_kek_free(kek);
}

Test(node_keystore, header_parse_is_strict)
{
    node_keyblob_hdr h;
    memset(&h, 0, sizeof h);
    h.kdf = NODE_KDF_ARGON2ID;
    h.opslimit = 2;
    h.memlimit = 1 << 16;
    for (int i = 0; i < 16; i++)
        h.salt[i] = (uint8_t)i;
    for (int i = 0; i < 24; i++)
        h.nonce[i] = (uint8_t)(100 + i);
    uint8_t b[NODE_KEYBLOB_BYTES];
    memset(b, 0xee, sizeof b);
    cr_assert_eq(node_keyblob_hdr_encode(&h, b), 0);
    /* the documented bytes */
    static const uint8_t want[22] = { 'S', 'H', 'R', 'K', 1, 2, 0, 0, 0, 0, 0, 0, 0, 2,
                                      0, 0, 0, 0, 0, 1, 0, 0 };
    cr_assert_eq(memcmp(b, want, 22), 0);
    cr_assert_eq(b[22], 0);
    cr_assert_eq(b[37], 15);
    cr_assert_eq(b[38], 100);
    cr_assert_eq(b[61], 123);
    node_keyblob_hdr g;
    cr_assert_eq(node_keyblob_parse(b, sizeof b, &g, err, sizeof err), 0, "%s", err);
    cr_assert_eq(memcmp(&g.salt, h.salt, 16), 0);
    cr_assert_eq(memcmp(&g.nonce, h.nonce, 24), 0);
    cr_assert_eq(g.opslimit, 2);
    cr_assert_eq(g.memlimit, 1 << 16);

    uint8_t c[NODE_KEYBLOB_BYTES];
#define TRY(mod, code, text)                                                       \
    do {                                                                           \
        memcpy(c, b, sizeof c);                                                    \
        mod;                                                                       \
        cr_assert_eq(node_keyblob_parse(c, sizeof c, &g, err, sizeof err), code,   \
                     "%s", err);                                                   \
        cr_assert(strstr(err, text) != NULL, "%s", err);                           \
    } while (0)
    TRY(c[0] = 'X', SH_ERR_FORMAT, "magic");
    TRY(c[4] = 2, SH_ERR_VERSION, "version 2");
    TRY(c[4] = 0, SH_ERR_VERSION, "version 0");
    TRY(c[5] = 0, SH_ERR_FORMAT, "key-derivation method 0");
    TRY(c[5] = 3, SH_ERR_FORMAT, "key-derivation method 3");
    TRY(c[13] = 0, SH_ERR_RANGE, "opslimit 0");
    TRY(c[13] = 65, SH_ERR_RANGE, "opslimit 65");
    TRY(c[6] = 1, SH_ERR_RANGE, "opslimit");
    TRY(c[19] = 0; c[20] = 0x1f; c[21] = 0xff, SH_ERR_RANGE, "memlimit 8191");
    TRY(c[17] = 1, SH_ERR_RANGE, "memlimit");                      /* 2^32 + ... */
    /* a key-file header must have zero limits and salt */
    TRY(c[5] = 1, SH_ERR_NONCANONICAL, "non-zero");
    TRY(c[5] = 1; memset(c + 6, 0, 16), SH_ERR_NONCANONICAL, "non-zero");
    TRY(c[5] = 1; memset(c + 6, 0, 32); c[37] = 1, SH_ERR_NONCANONICAL, "non-zero");
#undef TRY
    memcpy(c, b, sizeof c);
    c[5] = 1;
    memset(c + 6, 0, 32);
    cr_assert_eq(node_keyblob_parse(c, sizeof c, &g, err, sizeof err), 0, "%s", err);
    /* the encoder refuses what the parser refuses */
    h.kdf = 9;
    cr_assert_eq(node_keyblob_hdr_encode(&h, c), SH_ERR_ARG);
    h.kdf = NODE_KDF_ARGON2ID;
    h.memlimit = NODE_KDF_MEMLIMIT_MAX + 1;
    cr_assert_eq(node_keyblob_hdr_encode(&h, c), SH_ERR_RANGE);
}

Test(node_keystore, keyfile_checks)
{
    char p[128], q[128];
    path_in(p, sizeof p, "kf");
    char good[66];
    memset(good, 'a', 64);
    good[64] = '\n';
    node_kek *k = NULL;
    /* group/other permissions: refused, naming the mode */
    static const mode_t bad[] = { 0644, 0640, 0604, 0610, 0601, 0660 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(p, good, 65, bad[i]);
        cr_assert_eq(node_kek_from_keyfile(&k, p, err, sizeof err), SH_ERR_STATE);
        cr_assert_null(k);
        char want[32];
        snprintf(want, sizeof want, "mode %04o", (unsigned)bad[i]);
        cr_assert(strstr(err, want) != NULL && strstr(err, "chmod 600") != NULL, "%s", err);
    }
    write_file(p, good, 65, 0400);
    cr_assert_eq(node_kek_from_keyfile(&k, p, err, sizeof err), 0, "%s", err);
    node_kek_free(k);
    k = NULL;
    write_file(p, good, 64, 0600);   /* no newline */
    cr_assert_eq(node_kek_from_keyfile(&k, p, err, sizeof err), 0, "%s", err);
    node_kek_free(k);
    k = NULL;
    /* a symlink to a good file */
    path_in(q, sizeof q, "link");
    cr_assert_eq(symlink(p, q), 0);
    cr_assert_eq(node_kek_from_keyfile(&k, q, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "symbolic link") != NULL, "%s", err);
    /* a directory, a missing file */
    cr_assert_eq(node_kek_from_keyfile(&k, tmp, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "not a regular file") != NULL, "%s", err);
    path_in(q, sizeof q, "missing");
    cr_assert_eq(node_kek_from_keyfile(&k, q, err, sizeof err), SH_ERR_IO);
    cr_assert(strstr(err, q) != NULL, "%s", err);
    /* content */
    static const struct { const char *s; size_t n; } texts[] = {
        { "", 0 },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 64 },   /* 63 */
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 65 },   /* 65 */
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n", 66 },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \n", 66 },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r", 65 },
        { " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64 },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag", 64 },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0a", 64 },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        write_file(p, texts[i].s, texts[i].n, 0600);
        cr_assert_eq(node_kek_from_keyfile(&k, p, err, sizeof err), SH_ERR_FORMAT, "case %zu", i);
        cr_assert_null(k);
    }
    /* a key file created here is refused once someone widens its mode */
    path_in(q, sizeof q, "created");
    cr_assert_eq(node_keyfile_create(q, err, sizeof err), 0);
    cr_assert_eq(chmod(q, 0644), 0);
    cr_assert_eq(node_kek_from_keyfile(&k, q, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "0644") != NULL, "%s", err);
}

Test(node_keystore, private_path_checks)
{
    char d[128], f[128], l[128];
    path_in(d, sizeof d, "data");
    cr_assert_eq(mkdir(d, 0700), 0);
    cr_assert_eq(chmod(d, 0700), 0);
    cr_assert_eq(node_path_check_private(d, 1, err, sizeof err), 0, "%s", err);
    cr_assert_eq(chmod(d, 0755), 0);
    cr_assert_eq(node_path_check_private(d, 1, err, sizeof err), SH_ERR_STATE);
    char want[400];
    snprintf(want, sizeof want, "data directory %s has mode 0755; it must be 0700 (chmod 700 %s)",
             d, d);
    cr_assert_str_eq(err, want);
    static const mode_t bad[] = { 0750, 0701, 0710, 0702, 0770 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(chmod(d, bad[i]), 0);
        cr_assert_eq(node_path_check_private(d, 1, err, sizeof err), SH_ERR_STATE, "%o", bad[i]);
    }
    cr_assert_eq(chmod(d, 0700), 0);
    /* a symlink to a good directory */
    path_in(l, sizeof l, "dlink");
    cr_assert_eq(symlink(d, l), 0);
    cr_assert_eq(node_path_check_private(l, 1, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "symbolic link") != NULL, "%s", err);
    /* files */
    path_in(f, sizeof f, "file");
    write_file(f, "x", 1, 0600);
    cr_assert_eq(node_path_check_private(f, 0, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_path_check_private(f, 1, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "not a directory") != NULL, "%s", err);
    cr_assert_eq(node_path_check_private(d, 0, err, sizeof err), SH_ERR_STATE);
    cr_assert_eq(chmod(f, 0604), 0);
    cr_assert_eq(node_path_check_private(f, 0, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "mode 0604") != NULL && strstr(err, "chmod 600") != NULL, "%s", err);
    path_in(f, sizeof f, "absent");
    cr_assert_eq(node_path_check_private(f, 0, err, sizeof err), SH_ERR_IO);
    cr_assert(strstr(err, f) != NULL, "%s", err);
}

Test(node_keystore, passphrase_file)
{
    char p[128];
    path_in(p, sizeof p, "pass");
    char *pw = NULL;
    size_t n = 0;
    static const struct { const char *s; size_t n; const char *want; } ok[] = {
        { "secret", 6, "secret" },
        { "secret\n", 7, "secret" },
        { "secret\r\n", 8, "secret" },
        { "two words\nsecond line ignored\n", 30, "two words" },
        { " spaces kept ", 13, " spaces kept " },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        write_file(p, ok[i].s, ok[i].n, 0600);
        cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), 0, "%s", err);
        cr_assert_eq(n, strlen(ok[i].want));
        cr_assert_str_eq(pw, ok[i].want);
        sodium_free(pw);
    }
    static const struct { const char *s; size_t n; int rc; } bad[] = {
        { "", 0, SH_ERR_FORMAT },
        { "\n", 1, SH_ERR_FORMAT },
        { "\r\nsecret", 8, SH_ERR_FORMAT },
        { "sec\0ret\n", 8, SH_ERR_FORMAT },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(p, bad[i].s, bad[i].n, 0600);
        cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), bad[i].rc, "%zu", i);
        cr_assert_null(pw);
    }
    /* length: NODE_PASSPHRASE_MAX is fine, one more is not */
    char big[NODE_PASSPHRASE_MAX + 4];
    memset(big, 'p', sizeof big);
    big[NODE_PASSPHRASE_MAX] = '\n';
    write_file(p, big, NODE_PASSPHRASE_MAX + 1, 0600);
    cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(n, NODE_PASSPHRASE_MAX);
    sodium_free(pw);
    memcpy(big + NODE_PASSPHRASE_MAX, "\r\n", 2);
    write_file(p, big, NODE_PASSPHRASE_MAX + 2, 0600);
    cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(n, NODE_PASSPHRASE_MAX);
    sodium_free(pw);
    memset(big, 'p', sizeof big);
    write_file(p, big, NODE_PASSPHRASE_MAX + 1, 0600);
    cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), SH_ERR_OVERSIZE);
    write_file(p, big, sizeof big, 0600);
    cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), SH_ERR_OVERSIZE);
    cr_assert(strstr(err, "longer than") != NULL, "%s", err);
    /* readable by others */
    write_file(p, "secret\n", 7, 0640);
    cr_assert_eq(node_passphrase_read_file(p, &pw, &n, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "mode 0640") != NULL, "%s", err);
    cr_assert_null(pw);
}

Test(node_keystore, save_and_load_in_store)
{
    char dbp[128];
    path_in(dbp, sizeof dbp, "db");
    node_store *s = NULL;
    cr_assert_eq(node_store_open(&s, dbp, err, sizeof err), 0, "%s", err);
    node_kek *kek = keyfile_kek();
    node_keys *k = NULL, *o = NULL;
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), 1);   /* a new relay */
    cr_assert_null(o);
    cr_assert_eq(node_keys_generate(&k), 0);
    cr_assert_eq(node_store_save_keys(s, k, kek), 0);
    node_store_free(s);
    cr_assert_eq(node_store_open(&s, dbp, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), 0, "%s", err);
    same_keys(k, o);
    node_keys_free(o);
    /* the public record in the clear */
    sh_buf pub;
    sh_buf_init(&pub);
    cr_assert_eq(node_store_get(s, NODE_CF_IDENTITY, (const uint8_t *)"public", 6, &pub), 0);
    uint8_t mine[NODE_KEYS_PUBLIC_BYTES];
    node_keys_public_encode(k, mine);
    cr_assert_eq(pub.len, sizeof mine);
    cr_assert_eq(memcmp(pub.data, mine, sizeof mine), 0);
    sh_buf_free(&pub);
    /* wrong key */
    node_kek *other = keyfile_kek();
    cr_assert_eq(node_store_load_keys(s, other, &o, err, sizeof err), SH_ERR_VERIFY);
    cr_assert_null(o);
    node_kek_free(other);
    /* a tampered or missing public record */
    mine[70] ^= 1;
    cr_assert_eq(node_store_put1(s, NODE_CF_IDENTITY, (const uint8_t *)"public", 6, mine,
                                 sizeof mine), 0);
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "differ") != NULL, "%s", err);
    cr_assert_eq(node_store_delete1(s, NODE_CF_IDENTITY, (const uint8_t *)"public", 6), 0);
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), SH_ERR_STATE);
    cr_assert(strstr(err, "missing") != NULL, "%s", err);
    cr_assert_null(o);
    /* saving again repairs it */
    cr_assert_eq(node_store_save_keys(s, k, kek), 0);
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), 0, "%s", err);
    node_keys_free(o);
    /* a damaged blob */
    sh_buf blob;
    sh_buf_init(&blob);
    cr_assert_eq(node_store_get(s, NODE_CF_IDENTITY, (const uint8_t *)"keys", 4, &blob), 0);
    blob.data[100] ^= 4;
    cr_assert_eq(node_store_put1(s, NODE_CF_IDENTITY, (const uint8_t *)"keys", 4, blob.data,
                                 blob.len), 0);
    cr_assert_eq(node_store_load_keys(s, kek, &o, err, sizeof err), SH_ERR_VERIFY);
    cr_assert_str_eq(err, "keys: wrong key or corrupted key blob");
    sh_buf_free(&blob);
    node_keys_free(k);
    node_kek_free(kek);
    node_store_free(s);
}

Test(node_keystore, kek_subkeys)
{
    node_kek *kek = keyfile_kek();
    uint8_t a[32], b[32], c[32];
    cr_assert_eq(node_kek_derive(kek, 1, "shares01", a), 0);
    cr_assert_eq(node_kek_derive(kek, 2, "shares01", b), 0);
    cr_assert_eq(node_kek_derive(kek, 1, "vaults01", c), 0);
    cr_assert_neq(memcmp(a, b, 32), 0);
    cr_assert_neq(memcmp(a, c, 32), 0);
    /* the blob key's context is reserved */
    cr_assert_eq(node_kek_derive(kek, 1, "shroudky", a), SH_ERR_ARG);
    node_kek_free(kek);
    node_kek_free(NULL);
}
