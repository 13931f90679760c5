/* node/keystore.c -- relay keys: generation, the key-encryption key from a
 * key file or a passphrase, the sealed blob, private-file checks, and
 * saving/loading in the store (keystore.h, docs/storage.md). */
#include "node/keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <secp256k1.h>
#include <sodium.h>

#include "util/fs.h"
#include "util/hex.h"

#define BLOB_KDF_CTX "shroudky"   /* crypto_kdf context of the blob key */
#define BLOB_KDF_ID 1

struct node_kek {
    uint8_t key[32];
    uint8_t kdf;
    uint64_t opslimit;
    uint64_t memlimit;
    uint8_t salt[16];
};

static void put_u64be(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_u64be(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* ---- keys -------------------------------------------------------------------- */

int node_keys_new(node_keys **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    node_keys *k = sodium_malloc(sizeof *k);
    if (k == NULL)
        return SH_ERR_NOMEM;
    sodium_memzero(k, sizeof *k);
    *out = k;
    return 0;
}

void node_keys_free(node_keys *k)
{
    sodium_free(k);   /* wipes; NULL-safe */
}

/* A secp256k1 context blinded with fresh randomness (side-channel
 * protection of the key operations). */
static secp256k1_context *secp_ctx(void)
{
    secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (c == NULL)
        return NULL;
    uint8_t seed[32];
    randombytes_buf(seed, sizeof seed);
    int ok = secp256k1_context_randomize(c, seed);
    sodium_memzero(seed, sizeof seed);
    if (!ok) {
        secp256k1_context_destroy(c);
        return NULL;
    }
    return c;
}

/* pk = compressed(sk * G); 0, or -1 if sk is not a valid secret key. */
static int onion_pub(secp256k1_context *c, const uint8_t sk[32], uint8_t pk[33])
{
    secp256k1_pubkey p;
    size_t len = 33;
    if (!secp256k1_ec_seckey_verify(c, sk) || !secp256k1_ec_pubkey_create(c, &p, sk)
        || !secp256k1_ec_pubkey_serialize(c, pk, &len, &p, SECP256K1_EC_COMPRESSED)
        || len != 33)
        return -1;
    return 0;
}

int node_keys_generate(node_keys **out)
{
    int rc = node_keys_new(out);
    if (rc != 0)
        return rc;
    node_keys *k = *out;
    secp256k1_context *c = secp_ctx();
    if (c == NULL) {
        node_keys_free(k);
        *out = NULL;
        return SH_ERR_NOMEM;
    }
    if (crypto_sign_keypair(k->identity_pk, k->identity_sk) != 0
        || crypto_box_keypair(k->transport_pk, k->transport_sk) != 0)
        rc = SH_ERR_INTERNAL;
    /* A uniform 32-byte string is >= n with probability ~2^-128: retry. */
    do
        randombytes_buf(k->onion_sk, sizeof k->onion_sk);
    while (rc == 0 && onion_pub(c, k->onion_sk, k->onion_pk) != 0);
    secp256k1_context_destroy(c);
    if (rc != 0) {
        node_keys_free(k);
        *out = NULL;
    }
    return rc;
}

int node_keys_check(const node_keys *k, char *err, size_t n)
{
    if (k == NULL)
        return SH_ERR_ARG;
    int rc = 0;
    /* Ed25519: the secret key is seed || pk; re-derive both from the
     * seed, so neither half can be inconsistent. */
    uint8_t *tmp = sodium_malloc(64 + 32 + 33 + 32);
    if (tmp == NULL)
        return SH_ERR_NOMEM;
    uint8_t *sk2 = tmp, *pk2 = tmp + 64, *opk = tmp + 96, *tpk = tmp + 129;
    if (crypto_sign_seed_keypair(pk2, sk2, k->identity_sk) != 0
        || sodium_memcmp(sk2, k->identity_sk, 64) != 0
        || sodium_memcmp(pk2, k->identity_pk, 32) != 0) {
        sh_errf(err, n, "keys: identity public key does not match its secret key");
        rc = SH_ERR_VERIFY;
    } else if (crypto_scalarmult_base(tpk, k->transport_sk) != 0
               || sodium_memcmp(tpk, k->transport_pk, 32) != 0) {
        sh_errf(err, n, "keys: transport public key does not match its secret key");
        rc = SH_ERR_VERIFY;
    } else {
        secp256k1_context *c = secp_ctx();
        if (c == NULL) {
            rc = SH_ERR_NOMEM;
        } else {
            if (onion_pub(c, k->onion_sk, opk) != 0) {
                sh_errf(err, n, "keys: onion secret key is not a valid secp256k1 key");
                rc = SH_ERR_VERIFY;
            } else if (sodium_memcmp(opk, k->onion_pk, 33) != 0) {
                sh_errf(err, n, "keys: onion public key does not match its secret key");
                rc = SH_ERR_VERIFY;
            }
            secp256k1_context_destroy(c);
        }
    }
    sodium_free(tmp);
    return rc;
}

void node_keys_public_encode(const node_keys *k, uint8_t out[NODE_KEYS_PUBLIC_BYTES])
{
    memcpy(out, k->identity_pk, 32);
    memcpy(out + 32, k->transport_pk, 32);
    memcpy(out + 64, k->onion_pk, 33);
}

/* The plaintext: identity_sk | transport_sk | onion_sk | identity_pk |
 * transport_pk | onion_pk (docs/storage.md). */
static void keys_pack(const node_keys *k, uint8_t p[NODE_KEYS_PLAIN_BYTES])
{
    memcpy(p, k->identity_sk, 64);
    memcpy(p + 64, k->transport_sk, 32);
    memcpy(p + 96, k->onion_sk, 32);
    node_keys_public_encode(k, p + 128);
}

static void keys_unpack(node_keys *k, const uint8_t p[NODE_KEYS_PLAIN_BYTES])
{
    memcpy(k->identity_sk, p, 64);
    memcpy(k->transport_sk, p + 64, 32);
    memcpy(k->onion_sk, p + 96, 32);
    memcpy(k->identity_pk, p + 128, 32);
    memcpy(k->transport_pk, p + 160, 32);
    memcpy(k->onion_pk, p + 192, 33);
}

/* ---- the KEK ------------------------------------------------------------------- */

static int kek_alloc(node_kek **out)
{
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    node_kek *k = sodium_malloc(sizeof *k);
    if (k == NULL)
        return SH_ERR_NOMEM;
    sodium_memzero(k, sizeof *k);
    *out = k;
    return 0;
}

void node_kek_free(node_kek *k)
{
    sodium_free(k);
}

int node_kek_kdf(const node_kek *k)
{
    return k != NULL ? k->kdf : 0;
}

int node_kek_derive(const node_kek *k, uint64_t id, const char ctx[8], uint8_t out[32])
{
    if (k == NULL || ctx == NULL || out == NULL || memcmp(ctx, BLOB_KDF_CTX, 8) == 0)
        return SH_ERR_ARG;
    return crypto_kdf_derive_from_key(out, 32, id, ctx, k->key) == 0 ? 0 : SH_ERR_INTERNAL;
}

/* Open a file that must hold a secret: no symlink, regular, no group or
 * other permission bit -- checked on the descriptor actually read. */
static int open_secret_file(const char *path, const char *what, int *fd_out,
                            char *err, size_t n)
{
    /* O_NONBLOCK: a FIFO planted at the path must not hang the open. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            sh_errf(err, n, "keys: %s %s is a symbolic link; refusing it", what, path);
        else
            sh_errf(err, n, "keys: cannot open %s %s: %s", what, path, strerror(e));
        return e == ELOOP ? SH_ERR_STATE : SH_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        sh_errf(err, n, "keys: cannot stat %s %s: %s", what, path, strerror(errno));
        close(fd);
        return SH_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        sh_errf(err, n, "keys: %s %s is not a regular file", what, path);
        close(fd);
        return SH_ERR_STATE;
    }
    if ((st.st_mode & 077) != 0) {
        sh_errf(err, n, "keys: %s %s has mode %04o; it must be 0600 (chmod 600 %s)", what,
               path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return SH_ERR_STATE;
    }
    *fd_out = fd;
    return 0;
}

/* Read up to cap bytes (fewer at end of file) into buf. */
static int read_upto(int fd, uint8_t *buf, size_t cap, size_t *got)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return 0;
}

int node_kek_from_keyfile(node_kek **out, const char *path, char *err, size_t n)
{
    if (out == NULL || path == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    int fd;
    int rc = open_secret_file(path, "key file", &fd, err, n);
    if (rc != 0)
        return rc;
    enum { CAP = NODE_KEYFILE_HEX + 3 };   /* one byte more than the longest accepted */
    uint8_t *text = sodium_malloc(CAP);
    if (text == NULL) {
        close(fd);
        return SH_ERR_NOMEM;
    }
    size_t got = 0;
    if (read_upto(fd, text, CAP, &got) != 0) {
        sh_errf(err, n, "keys: cannot read key file %s: %s", path, strerror(errno));
        rc = SH_ERR_IO;
    }
    close(fd);
    size_t hexlen = got;
    if (rc == 0) {
        if (hexlen > 0 && text[hexlen - 1] == '\n')
            hexlen--;
        if (hexlen > 0 && text[hexlen - 1] == '\r' && hexlen < got)
            hexlen--;
        if (hexlen != NODE_KEYFILE_HEX) {
            sh_errf(err, n, "keys: key file %s must hold exactly %d hex digits "
                   "(32 bytes) and an optional newline", path, NODE_KEYFILE_HEX);
            rc = SH_ERR_FORMAT;
        }
    }
    node_kek *k = NULL;
    if (rc == 0)
        rc = kek_alloc(&k);
    if (rc == 0 && sh_hex_decode_exact(k->key, 32, (const char *)text, hexlen) != 0) {
        sh_errf(err, n, "keys: key file %s holds a character that is not a hex digit", path);
        rc = SH_ERR_FORMAT;
    }
    sodium_free(text);
    if (rc != 0) {
        node_kek_free(k);
        return rc;
    }
    k->kdf = NODE_KDF_KEYFILE;
    *out = k;
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int node_keyfile_create(const char *path, char *err, size_t n)
{
    if (path == NULL || path[0] == '\0')
        return SH_ERR_ARG;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    /* 32 key bytes, then 64 hex digits, a newline and the NUL. */
    uint8_t *mem = sodium_malloc(32 + NODE_KEYFILE_HEX + 2);
    if (mem == NULL)
        return SH_ERR_NOMEM;
    uint8_t *key = mem;
    char *hex = (char *)mem + 32;
    randombytes_buf(key, 32);
    int rc = sh_hex_encode(hex, NODE_KEYFILE_HEX + 2, key, 32);
    if (rc != 0) {
        sodium_free(mem);
        return SH_ERR_INTERNAL;
    }
    hex[NODE_KEYFILE_HEX] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST)
            sh_errf(err, n, "keys: key file %s exists already; refusing to overwrite it", path);
        else
            sh_errf(err, n, "keys: cannot create key file %s: %s", path, strerror(e));
        sodium_free(mem);
        return SH_ERR_IO;
    }
    if (write_all(fd, (const uint8_t *)hex, NODE_KEYFILE_HEX + 1) != 0 || fsync(fd) != 0) {
        sh_errf(err, n, "keys: cannot write key file %s: %s", path, strerror(errno));
        rc = SH_ERR_IO;
    }
    if (close(fd) != 0 && rc == 0) {
        sh_errf(err, n, "keys: cannot write key file %s: %s", path, strerror(errno));
        rc = SH_ERR_IO;
    }
    sodium_free(mem);
    if (rc != 0) {
        (void)unlink(path);   /* leave no half-written key file */
        return rc;
    }
    (void)sh_fsync_parent(path);   /* best effort: the file itself is synced */
    return 0;
}

static int limits_ok(uint64_t opslimit, uint64_t memlimit)
{
    return opslimit >= NODE_KDF_OPSLIMIT_MIN && opslimit <= NODE_KDF_OPSLIMIT_MAX
           && opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN
           && memlimit >= NODE_KDF_MEMLIMIT_MIN && memlimit <= NODE_KDF_MEMLIMIT_MAX
           && memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN && memlimit <= SIZE_MAX;
}

int node_kek_from_passphrase(node_kek **out, const char *pass, size_t len,
                             const uint8_t salt[16], uint64_t opslimit, size_t memlimit,
                             char *err, size_t n)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (pass == NULL || len == 0) {
        sh_errf(err, n, "keys: empty passphrase");
        return SH_ERR_ARG;
    }
    if (len > crypto_pwhash_PASSWD_MAX) {
        sh_errf(err, n, "keys: passphrase too long");
        return SH_ERR_OVERSIZE;
    }
    if (!limits_ok(opslimit, memlimit)) {
        sh_errf(err, n, "keys: Argon2id limits out of range (opslimit %llu must be in "
               "%u..%u, memlimit %llu in %u..%llu)", (unsigned long long)opslimit,
               NODE_KDF_OPSLIMIT_MIN, NODE_KDF_OPSLIMIT_MAX, (unsigned long long)memlimit,
               NODE_KDF_MEMLIMIT_MIN, (unsigned long long)NODE_KDF_MEMLIMIT_MAX);
        return SH_ERR_RANGE;
    }
    node_kek *k;
    int rc = kek_alloc(&k);
    if (rc != 0)
        return rc;
    if (salt != NULL)
        memcpy(k->salt, salt, 16);
    else
        randombytes_buf(k->salt, 16);
    k->kdf = NODE_KDF_ARGON2ID;
    k->opslimit = opslimit;
    k->memlimit = memlimit;
    if (crypto_pwhash(k->key, 32, pass, len, k->salt, opslimit, memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sh_errf(err, n, "keys: Argon2id could not get %zu bytes of memory", memlimit);
        node_kek_free(k);
        return SH_ERR_NOMEM;
    }
    *out = k;
    return 0;
}

/* ---- the blob ------------------------------------------------------------------- */

static int hdr_check(const node_keyblob_hdr *h, char *err, size_t n)
{
    static const uint8_t zero[16];
    if (h->kdf == NODE_KDF_KEYFILE) {
        if (h->opslimit != 0 || h->memlimit != 0 || sodium_memcmp(h->salt, zero, 16) != 0) {
            sh_errf(err, n, "keys: key-file blob with non-zero KDF limits or salt");
            return SH_ERR_NONCANONICAL;
        }
        return 0;
    }
    if (h->kdf != NODE_KDF_ARGON2ID) {
        sh_errf(err, n, "keys: unknown key-derivation method %u in the key blob "
               "(1 = key file, 2 = Argon2id)", h->kdf);
        return SH_ERR_FORMAT;
    }
    if (!limits_ok(h->opslimit, h->memlimit)) {
        sh_errf(err, n, "keys: key blob names Argon2id limits out of range "
               "(opslimit %llu, memlimit %llu)", (unsigned long long)h->opslimit,
               (unsigned long long)h->memlimit);
        return SH_ERR_RANGE;
    }
    return 0;
}

int node_keyblob_hdr_encode(const node_keyblob_hdr *h, uint8_t out[NODE_KEYBLOB_HDR_BYTES])
{
    if (h == NULL || out == NULL)
        return SH_ERR_ARG;
    int rc = hdr_check(h, NULL, 0);
    if (rc != 0)
        return rc == SH_ERR_RANGE ? rc : SH_ERR_ARG;
    memcpy(out, NODE_KEYBLOB_MAGIC, 4);
    out[4] = NODE_KEYBLOB_VERSION;
    out[5] = h->kdf;
    put_u64be(out + 6, h->opslimit);
    put_u64be(out + 14, h->memlimit);
    memcpy(out + 22, h->salt, 16);
    memcpy(out + 38, h->nonce, 24);
    return 0;
}

int node_keyblob_parse(const uint8_t *blob, size_t len, node_keyblob_hdr *h,
                       char *err, size_t n)
{
    if (h == NULL || (blob == NULL && len != 0))
        return SH_ERR_ARG;
    if (len != NODE_KEYBLOB_BYTES) {
        sh_errf(err, n, "keys: key blob is %zu bytes; it must be exactly %d", len,
               NODE_KEYBLOB_BYTES);
        return SH_ERR_LENGTH;
    }
    if (memcmp(blob, NODE_KEYBLOB_MAGIC, 4) != 0) {
        sh_errf(err, n, "keys: not a key blob (magic is not \"SHRK\")");
        return SH_ERR_FORMAT;
    }
    if (blob[4] != NODE_KEYBLOB_VERSION) {
        sh_errf(err, n, "keys: key blob version %u is not supported (this relay reads %d)",
               blob[4], NODE_KEYBLOB_VERSION);
        return SH_ERR_VERSION;
    }
    node_keyblob_hdr t;
    t.kdf = blob[5];
    t.opslimit = get_u64be(blob + 6);
    t.memlimit = get_u64be(blob + 14);
    memcpy(t.salt, blob + 22, 16);
    memcpy(t.nonce, blob + 38, 24);
    int rc = hdr_check(&t, err, n);
    if (rc != 0)
        return rc;
    *h = t;
    return 0;
}

/* The blob key K from the KEK (docs/storage.md). */
static int blob_key(const node_kek *kek, uint8_t k[32])
{
    return crypto_kdf_derive_from_key(k, 32, BLOB_KDF_ID, BLOB_KDF_CTX, kek->key) == 0
               ? 0 : SH_ERR_INTERNAL;
}

int node_keys_seal(const node_keys *k, const node_kek *kek, sh_buf *blob)
{
    if (k == NULL || kek == NULL || blob == NULL)
        return SH_ERR_ARG;
    int rc = node_keys_check(k, NULL, 0);
    if (rc != 0)
        return rc;
    node_keyblob_hdr h;
    memset(&h, 0, sizeof h);
    h.kdf = kek->kdf;
    if (kek->kdf == NODE_KDF_ARGON2ID) {
        h.opslimit = kek->opslimit;
        h.memlimit = kek->memlimit;
        memcpy(h.salt, kek->salt, 16);
    }
    randombytes_buf(h.nonce, sizeof h.nonce);
    uint8_t out[NODE_KEYBLOB_BYTES];   /* header || ciphertext: nothing secret */
    if ((rc = node_keyblob_hdr_encode(&h, out)) != 0)
        return rc;
    uint8_t *sec = sodium_malloc(32 + NODE_KEYS_PLAIN_BYTES);
    if (sec == NULL)
        return SH_ERR_NOMEM;
    uint8_t *key = sec, *plain = sec + 32;
    keys_pack(k, plain);
    unsigned long long clen = 0;
    rc = blob_key(kek, key);
    if (rc == 0
        && (crypto_aead_xchacha20poly1305_ietf_encrypt(
                out + NODE_KEYBLOB_HDR_BYTES, &clen, plain, NODE_KEYS_PLAIN_BYTES, out,
                NODE_KEYBLOB_HDR_BYTES, NULL, h.nonce, key) != 0
            || clen != NODE_KEYS_PLAIN_BYTES + 16))
        rc = SH_ERR_INTERNAL;
    if (rc == 0)
        rc = sh_buf_append(blob, out, sizeof out);
    sodium_free(sec);
    return rc;
}

int node_keys_open(const uint8_t *blob, size_t len, const node_kek *kek,
                   node_keys **out, char *err, size_t n)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (kek == NULL)
        return SH_ERR_ARG;
    node_keyblob_hdr h;
    int rc = node_keyblob_parse(blob, len, &h, err, n);
    if (rc != 0)
        return rc;
    if (h.kdf != kek->kdf) {
        sh_errf(err, n, "keys: the key blob was sealed with %s, but the key given comes "
               "from %s", h.kdf == NODE_KDF_KEYFILE ? "a key file" : "a passphrase",
               kek->kdf == NODE_KDF_KEYFILE ? "a key file" : "a passphrase");
        return SH_ERR_STATE;
    }
    if (h.kdf == NODE_KDF_ARGON2ID
        && (h.opslimit != kek->opslimit || h.memlimit != kek->memlimit
            || memcmp(h.salt, kek->salt, 16) != 0)) {
        sh_errf(err, n, "keys: the passphrase key was derived with another salt or other "
               "limits than the key blob's (derive it from the blob header)");
        return SH_ERR_STATE;
    }
    uint8_t *sec = sodium_malloc(32 + NODE_KEYS_PLAIN_BYTES);
    if (sec == NULL)
        return SH_ERR_NOMEM;
    uint8_t *key = sec, *plain = sec + 32;
    unsigned long long plen = 0;
    rc = blob_key(kek, key);
    if (rc == 0
        && (crypto_aead_xchacha20poly1305_ietf_decrypt(
                plain, &plen, NULL, blob + NODE_KEYBLOB_HDR_BYTES,
                NODE_KEYS_PLAIN_BYTES + 16, blob, NODE_KEYBLOB_HDR_BYTES, h.nonce, key) != 0
            || plen != NODE_KEYS_PLAIN_BYTES)) {
        sh_errf(err, n, "keys: wrong key or corrupted key blob");
        rc = SH_ERR_VERIFY;
    }
    node_keys *k = NULL;
    if (rc == 0 && (rc = node_keys_new(&k)) == 0) {
        keys_unpack(k, plain);
        rc = node_keys_check(k, err, n);
    }
    sodium_free(sec);
    if (rc != 0) {
        node_keys_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

/* ---- files and directories ------------------------------------------------------ */

int node_path_check_private(const char *path, int is_dir, char *err, size_t n)
{
    if (path == NULL || path[0] == '\0')
        return SH_ERR_ARG;
    const char *what = is_dir ? "data directory" : "file";
    struct stat st;
    if (lstat(path, &st) != 0) {
        sh_errf(err, n, "cannot examine %s %s: %s", what, path, strerror(errno));
        return SH_ERR_IO;
    }
    if (S_ISLNK(st.st_mode)) {
        sh_errf(err, n, "%s %s is a symbolic link; give the real path", what, path);
        return SH_ERR_STATE;
    }
    if (is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        sh_errf(err, n, "%s is not a %s", path, is_dir ? "directory" : "regular file");
        return SH_ERR_STATE;
    }
    if ((st.st_mode & 077) != 0) {
        sh_errf(err, n, "%s %s has mode %04o; it must be %s (chmod %s %s)", what, path,
               (unsigned)(st.st_mode & 07777), is_dir ? "0700" : "0600",
               is_dir ? "700" : "600", path);
        return SH_ERR_STATE;
    }
    return 0;
}

int node_passphrase_read_file(const char *path, char **out, size_t *len, char *err, size_t n)
{
    if (out == NULL || len == NULL || path == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    *len = 0;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    int fd;
    int rc = open_secret_file(path, "passphrase file", &fd, err, n);
    if (rc != 0)
        return rc;
    /* Enough for the longest passphrase, "\r\n" and one byte to tell. */
    const size_t cap = NODE_PASSPHRASE_MAX + 3;
    uint8_t *text = sodium_malloc(cap);
    if (text == NULL) {
        close(fd);
        return SH_ERR_NOMEM;
    }
    size_t got = 0;
    if (read_upto(fd, text, cap, &got) != 0) {
        sh_errf(err, n, "keys: cannot read passphrase file %s: %s", path, strerror(errno));
        rc = SH_ERR_IO;
    }
    close(fd);
    size_t line = 0;
    while (rc == 0 && line < got && text[line] != '\n')
        line++;
    int has_nl = line < got;
    if (line > 0 && text[line - 1] == '\r' && has_nl)
        line--;
    if (rc == 0 && (line > NODE_PASSPHRASE_MAX || (!has_nl && got == cap))) {
        sh_errf(err, n, "keys: passphrase in %s is longer than %d bytes", path,
               NODE_PASSPHRASE_MAX);
        rc = SH_ERR_OVERSIZE;
    } else if (rc == 0 && line == 0) {
        sh_errf(err, n, "keys: passphrase file %s is empty", path);
        rc = SH_ERR_FORMAT;
    } else if (rc == 0 && memchr(text, '\0', line) != NULL) {
        sh_errf(err, n, "keys: passphrase file %s holds a NUL byte", path);
        rc = SH_ERR_FORMAT;
    }
    char *p = NULL;
    if (rc == 0 && (p = sodium_malloc(line + 1)) == NULL)
        rc = SH_ERR_NOMEM;
    if (rc == 0) {
        memcpy(p, text, line);
        p[line] = '\0';
        *out = p;
        *len = line;
    }
    sodium_free(text);
    return rc;
}

/* ---- in the store ----------------------------------------------------------------- */

int node_store_save_keys(node_store *s, const node_keys *k, const node_kek *kek)
{
    if (s == NULL || k == NULL || kek == NULL)
        return SH_ERR_ARG;
    sh_buf blob;
    sh_buf_init(&blob);
    uint8_t pub[NODE_KEYS_PUBLIC_BYTES];
    node_keys_public_encode(k, pub);
    int rc = node_keys_seal(k, kek, &blob);
    node_batch *b = NULL;
    if (rc == 0 && (b = node_batch_new()) == NULL)
        rc = SH_ERR_NOMEM;
    if (rc == 0)
        rc = node_batch_put(b, NODE_CF_IDENTITY, (const uint8_t *)NODE_DB_KEY_KEYS,
                            strlen(NODE_DB_KEY_KEYS), blob.data, blob.len);
    if (rc == 0)
        rc = node_batch_put(b, NODE_CF_IDENTITY, (const uint8_t *)NODE_DB_KEY_PUBLIC,
                            strlen(NODE_DB_KEY_PUBLIC), pub, sizeof pub);
    if (rc == 0)
        rc = node_store_commit(s, b, NULL, 0);
    node_batch_free(b);
    sh_buf_free(&blob);
    return rc;
}

int node_store_load_keys(node_store *s, const node_kek *kek, node_keys **out,
                         char *err, size_t n)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (s == NULL || kek == NULL)
        return SH_ERR_ARG;
    sh_buf blob, pub;
    sh_buf_init(&blob);
    sh_buf_init(&pub);
    int rc = node_store_get(s, NODE_CF_IDENTITY, (const uint8_t *)NODE_DB_KEY_KEYS,
                            strlen(NODE_DB_KEY_KEYS), &blob);
    if (rc < 0)
        sh_errf(err, n, "keys: cannot read the key blob from the store");
    node_keys *k = NULL;
    if (rc == 0)
        rc = node_keys_open(blob.data, blob.len, kek, &k, err, n);
    if (rc == 0) {
        uint8_t mine[NODE_KEYS_PUBLIC_BYTES];
        node_keys_public_encode(k, mine);
        int g = node_store_get(s, NODE_CF_IDENTITY, (const uint8_t *)NODE_DB_KEY_PUBLIC,
                               strlen(NODE_DB_KEY_PUBLIC), &pub);
        if (g < 0) {
            sh_errf(err, n, "keys: cannot read the public keys from the store");
            rc = g;
        } else if (g == 1 || pub.len != sizeof mine || memcmp(pub.data, mine, sizeof mine) != 0) {
            sh_errf(err, n, "keys: the stored public keys %s the key blob's",
                   g == 1 ? "are missing; they should be" : "differ from");
            rc = SH_ERR_STATE;
        }
    }
    sh_buf_free(&blob);
    sh_buf_free(&pub);
    if (rc != 0) {
        node_keys_free(k);
        return rc;
    }
    *out = k;
    return 0;
}
