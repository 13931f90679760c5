/* fuzz/fuzz_node_keyblob.c -- the key-blob parser and opener
 * (node/keystore.c) on arbitrary bytes.
 *
 * Properties (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer;
 *   - a header that parses re-encodes (node_keyblob_hdr_encode) to exactly
 *     the input's first 62 bytes, and a refused one says why ("keys: ...");
 *   - node_keys_open with a fixed key-file KEK never accepts the raw input
 *     (it would need a forged Poly1305 tag), and never leaves *out set on
 *     failure;
 *   - the input's first 225 bytes taken as the plaintext of a correctly
 *     sealed blob: opening succeeds exactly when node_keys_check accepts
 *     those keys, and then gives back the very same bytes.  This drives
 *     the key-consistency checks (Ed25519 seed, X25519, secp256k1 range
 *     and point) with arbitrary keys; when the first input byte is odd the
 *     public keys are first recomputed from the secret ones, so that the
 *     accepting path is reached too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <secp256k1.h>
#include <sodium.h>

#include "node/keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Builds blobs by hand from the documented format (docs/storage.md). */
static const uint8_t kek_bytes[32] = { 0x42, 0x13, 0x37 };

static node_kek *fixed_kek(void)
{
    static node_kek *k;
    if (k != NULL)
        return k;
    /* a key file is the only way in: write one with the fixed bytes */
    char path[] = "/tmp/fuzz-keyblob-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, kek_bytes, 32);
    if (write(fd, hex, 64) != 64)
        abort();
    close(fd);
    char err[256];
    if (node_kek_from_keyfile(&k, path, err, sizeof err) != 0)
        abort();
    unlink(path);
    return k;
}

static void unpack(node_keys *k, const uint8_t p[NODE_KEYS_PLAIN_BYTES])
{
    memcpy(k->identity_sk, p, 64);
    memcpy(k->transport_sk, p + 64, 32);
    memcpy(k->onion_sk, p + 96, 32);
    memcpy(k->identity_pk, p + 128, 32);
    memcpy(k->transport_pk, p + 160, 32);
    memcpy(k->onion_pk, p + 192, 33);
}

/* Make the public halves of plaintext p match its secret keys (the onion
 * key only if its secret is valid). */
static void fix_public(uint8_t p[NODE_KEYS_PLAIN_BYTES])
{
    static secp256k1_context *ctx;
    if (ctx == NULL && (ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE)) == NULL)
        abort();
    uint8_t seed[32];
    memcpy(seed, p, 32);
    if (crypto_sign_seed_keypair(p + 128, p, seed) != 0)
        abort();
    if (crypto_scalarmult_base(p + 160, p + 64) != 0)
        memset(p + 160, 0, 32);
    secp256k1_pubkey pk;
    size_t len = 33;
    if (secp256k1_ec_seckey_verify(ctx, p + 96) && secp256k1_ec_pubkey_create(ctx, &pk, p + 96))
        (void)secp256k1_ec_pubkey_serialize(ctx, p + 192, &len, &pk, SECP256K1_EC_COMPRESSED);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (sodium_init() < 0)
            abort();
        ready = 1;
    }
    node_kek *kek = fixed_kek();
    char err[256];

    /* the parser, and the encoder as its inverse */
    node_keyblob_hdr h;
    err[0] = '\0';
    if (node_keyblob_parse(data, size, &h, err, sizeof err) == 0) {
        uint8_t re[NODE_KEYBLOB_HDR_BYTES];
        if (node_keyblob_hdr_encode(&h, re) != 0 || memcmp(re, data, sizeof re) != 0)
            abort();
    } else if (strncmp(err, "keys: ", 6) != 0) {
        abort();
    }

    /* the opener on the raw bytes: never accepted */
    node_keys *out = (node_keys *)&out;
    if (node_keys_open(data, size, kek, &out, err, sizeof err) == 0 || out != NULL)
        abort();

    /* the input as the plaintext of a valid blob */
    uint8_t plain[NODE_KEYS_PLAIN_BYTES];
    memset(plain, 0, sizeof plain);
    if (size > 0)
        memcpy(plain, data, size < sizeof plain ? size : sizeof plain);
    uint8_t blob[NODE_KEYBLOB_BYTES];
    if (size > 0 && (data[0] & 1))
        fix_public(plain);
    memset(&h, 0, sizeof h);
    h.kdf = NODE_KDF_KEYFILE;
    if (size >= sizeof plain + 24)
        memcpy(h.nonce, data + sizeof plain, 24);
    if (node_keyblob_hdr_encode(&h, blob) != 0)
        abort();
    uint8_t bk[32];
    unsigned long long cl;
    if (crypto_kdf_derive_from_key(bk, 32, 1, "shroudky", kek_bytes) != 0
        || crypto_aead_xchacha20poly1305_ietf_encrypt(blob + NODE_KEYBLOB_HDR_BYTES, &cl, plain,
                                                      sizeof plain, blob, NODE_KEYBLOB_HDR_BYTES,
                                                      NULL, h.nonce, bk) != 0)
        abort();
    node_keys *want = NULL;
    if (node_keys_new(&want) != 0)
        abort();
    unpack(want, plain);
    int consistent = node_keys_check(want, NULL, 0) == 0;
    int rc = node_keys_open(blob, sizeof blob, kek, &out, err, sizeof err);
    if ((rc == 0) != consistent)
        abort();
    if (rc == 0) {
        if (memcmp(out, want, sizeof *want) != 0)
            abort();
        /* and it seals again into a blob that opens to the same keys */
        sh_buf b;
        sh_buf_init(&b);
        node_keys *again = NULL;
        if (node_keys_seal(out, kek, &b) != 0
            || node_keys_open(b.data, b.len, kek, &again, err, sizeof err) != 0
            || memcmp(again, want, sizeof *want) != 0)
            abort();
        node_keys_free(again);
        sh_buf_free(&b);
        node_keys_free(out);
    } else if (out != NULL) {
        abort();
    }
    node_keys_free(want);
    sodium_memzero(plain, sizeof plain);
    return 0;
}
