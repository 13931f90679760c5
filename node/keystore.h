/* node/keystore.h -- a relay's long-term keys, encrypted at rest.
 *
 * A relay has three key pairs (docs/storage.md, "Key blob"):
 *   identity   Ed25519 (libsodium crypto_sign): signs descriptors;
 *   transport  X25519 (crypto_box): the CurveZMQ key of its sockets;
 *   onion      secp256k1 (libsecp256k1): peels onion packets (BOLT 4).
 * They live in sodium_malloc memory (guard pages, mlock'ed, wiped on free)
 * and are stored only as a sealed blob:
 *
 *   blob   = header || XChaCha20-Poly1305-IETF(key = K, nonce, ad = header,
 *                                              plaintext = the keys)
 *   header = "SHRK" | version 1 | kdf | opslimit u64be | memlimit u64be |
 *            salt[16] | nonce[24]                         (62 bytes)
 *   K      = crypto_kdf_derive_from_key(32, id 1, ctx "shroudky", KEK)
 *
 * The key-encryption key (KEK) comes either from a key file of 64 hex
 * digits (kdf 1: limits and salt are zero in the header) or from a
 * passphrase through Argon2id (kdf 2: its salt and limits are in the
 * header, so opening needs only the passphrase).  The header is
 * authenticated as associated data: changing a limit, the salt or the kdf
 * makes opening fail like a wrong key.  Every length is fixed: a blob is
 * exactly NODE_KEYBLOB_BYTES.
 *
 * Files holding secrets (key file, passphrase file) and the data directory
 * must not be accessible to group or other, and must not be symlinks:
 * functions that read them refuse otherwise, saying which mode was found
 * and how to fix it.  The check is made on the opened descriptor (fstat
 * after open with O_NOFOLLOW), so the file cannot be swapped in between.
 *
 * Error messages (err, n) start with "keys: " and name what was wrong;
 * err may be NULL.  Nothing secret is ever written into a message.
 */
#ifndef SHROUD_NODE_KEYSTORE_H
#define SHROUD_NODE_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/buf.h"
#include "node/store.h"

#define NODE_KEYBLOB_MAGIC "SHRK"
#define NODE_KEYBLOB_VERSION 1
#define NODE_KDF_KEYFILE 1
#define NODE_KDF_ARGON2ID 2

#define NODE_KEYBLOB_HDR_BYTES 62
#define NODE_KEYS_PLAIN_BYTES 225   /* 64 + 32 + 32 secret, 32 + 32 + 33 public */
#define NODE_KEYBLOB_BYTES (NODE_KEYBLOB_HDR_BYTES + NODE_KEYS_PLAIN_BYTES + 16)
#define NODE_KEYS_PUBLIC_BYTES 97   /* identity_pk || transport_pk || onion_pk */

/* Argon2id limits a blob may name.  The floor is libsodium's minimum (the
 * tests use it); the ceiling stops a forged blob from making the relay
 * burn unbounded time or memory before the tag check can fail. */
#define NODE_KDF_OPSLIMIT_MIN 1u
#define NODE_KDF_OPSLIMIT_MAX 64u
#define NODE_KDF_MEMLIMIT_MIN 8192u
#define NODE_KDF_MEMLIMIT_MAX ((uint64_t)4 << 30)         /* 4 GiB */
/* What a relay should use: libsodium's MODERATE (3 passes, 256 MiB). */
#define NODE_KDF_OPSLIMIT_DEFAULT 3u
#define NODE_KDF_MEMLIMIT_DEFAULT ((size_t)256 << 20)

#define NODE_KEYFILE_HEX 64          /* a key file: 64 hex digits, optional newline */
#define NODE_PASSPHRASE_MAX 1024     /* bytes of a passphrase from a file */

/* Keys under which the daemon keeps them in NODE_CF_IDENTITY. */
#define NODE_DB_KEY_KEYS "keys"      /* the sealed blob */
#define NODE_DB_KEY_PUBLIC "public"  /* NODE_KEYS_PUBLIC_BYTES, in the clear */

typedef struct node_keys {     /* sodium_malloc'ed; free with node_keys_free */
    uint8_t identity_sk[64];   /* libsodium Ed25519 secret key (seed || pk) */
    uint8_t identity_pk[32];
    uint8_t transport_sk[32];  /* CurveZMQ = X25519 (crypto_box keypair) */
    uint8_t transport_pk[32];
    uint8_t onion_sk[32];      /* secp256k1 secret, big-endian, in 1..n-1 */
    uint8_t onion_pk[33];      /* compressed point */
} node_keys;

/* All-zero keys in sodium_malloc memory (to be filled by the caller). */
int node_keys_new(node_keys **out) SH_WUR;
/* Fresh keys from the OS RNG (randombytes).  SH_ERR_NOMEM. */
int node_keys_generate(node_keys **out) SH_WUR;
/* Wipe and release; NULL-safe. */
void node_keys_free(node_keys *k);
/* Does every public key match its secret key?  0, or SH_ERR_VERIFY naming
 * the pair ("keys: onion public key does not match its secret key"). */
int node_keys_check(const node_keys *k, char *err, size_t n) SH_WUR;
/* identity_pk || transport_pk || onion_pk (the "public" record). */
void node_keys_public_encode(const node_keys *k, uint8_t out[NODE_KEYS_PUBLIC_BYTES]);

/* ---- the key-encryption key ------------------------------------------------ */
typedef struct node_kek node_kek;   /* 32 bytes + KDF parameters, sodium_malloc */

/* Read a key file: exactly 64 hex digits, then nothing, "\n" or "\r\n".
 * Refused: a symlink, not a regular file, any group/other permission bit
 * ("keys: key file /x has mode 0644; it must be 0600 (chmod 600 /x)"),
 * other content.  SH_ERR_IO, SH_ERR_STATE (mode), SH_ERR_FORMAT. */
int node_kek_from_keyfile(node_kek **out, const char *path, char *err, size_t n) SH_WUR;
/* Create a key file: 32 random bytes as 64 hex digits and "\n", opened
 * O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600, fsynced with its directory.
 * Never overwrites: an existing path is SH_ERR_IO ("... exists"). */
int node_keyfile_create(const char *path, char *err, size_t n) SH_WUR;
/* Argon2id (crypto_pwhash, ALG_ARGON2ID13) of pass[0..len) with salt and
 * limits, which must be within NODE_KDF_*_MIN..MAX (SH_ERR_RANGE).  salt
 * NULL draws a fresh random salt (for a new blob).  An empty passphrase is
 * SH_ERR_ARG; SH_ERR_NOMEM when Argon2id cannot get memlimit bytes. */
int node_kek_from_passphrase(node_kek **out, const char *pass, size_t len,
                             const uint8_t salt[16], uint64_t opslimit, size_t memlimit,
                             char *err, size_t n) SH_WUR;
/* Wipe and release; NULL-safe. */
void node_kek_free(node_kek *k);
/* NODE_KDF_KEYFILE or NODE_KDF_ARGON2ID (0 for NULL). */
int node_kek_kdf(const node_kek *k);
/* A subkey for another purpose (for example shares at rest):
 * crypto_kdf_derive_from_key(32, id, ctx, KEK); ctx is 8 characters and
 * must not be "shroudky" (the key blob's).  SH_ERR_ARG otherwise. */
int node_kek_derive(const node_kek *k, uint64_t id, const char ctx[8], uint8_t out[32]) SH_WUR;

/* ---- the blob ------------------------------------------------------------- */
typedef struct node_keyblob_hdr {
    uint8_t kdf;
    uint64_t opslimit;
    uint64_t memlimit;
    uint8_t salt[16];
    uint8_t nonce[24];
} node_keyblob_hdr;

/* Append the blob of k under kek (fresh random nonce) to blob.  Refuses
 * keys whose public halves do not match (SH_ERR_VERIFY). */
int node_keys_seal(const node_keys *k, const node_kek *kek, sh_buf *blob) SH_WUR;
/* Parse the header of a whole blob (to learn the kdf and its parameters
 * before deriving the KEK).  Strict: SH_ERR_LENGTH unless len is exactly
 * NODE_KEYBLOB_BYTES, SH_ERR_FORMAT for a wrong magic, SH_ERR_VERSION,
 * SH_ERR_FORMAT for an unknown kdf, SH_ERR_RANGE for limits outside
 * NODE_KDF_*_MIN..MAX, SH_ERR_NONCANONICAL for a key-file header whose
 * limits or salt are not zero. */
int node_keyblob_parse(const uint8_t *blob, size_t len, node_keyblob_hdr *h,
                       char *err, size_t n) SH_WUR;
/* The 62 header bytes of h (the inverse of node_keyblob_parse); the same
 * checks, SH_ERR_ARG / SH_ERR_RANGE for a header parse would refuse. */
int node_keyblob_hdr_encode(const node_keyblob_hdr *h,
                            uint8_t out[NODE_KEYBLOB_HDR_BYTES]) SH_WUR;
/* Parse, check that kek was made for this blob (same kdf, and for a
 * passphrase the same salt and limits: SH_ERR_STATE), decrypt and
 * authenticate (SH_ERR_VERIFY "keys: wrong key or corrupted key blob"),
 * then check every key pair (node_keys_check).  *out is NULL on failure. */
int node_keys_open(const uint8_t *blob, size_t len, const node_kek *kek,
                   node_keys **out, char *err, size_t n) SH_WUR;

/* ---- files and directories -------------------------------------------------
 *
 * Refuse a path that group or other may access in any way (SH_ERR_STATE:
 * "data directory /x has mode 0755; it must be 0700 (chmod 700 /x)", or
 * "file /x has mode 0644; it must be 0600 (chmod 600 /x)"), a symlink or
 * the wrong type (SH_ERR_STATE), or one that cannot be examined
 * (SH_ERR_IO). */
int node_path_check_private(const char *path, int is_dir, char *err, size_t n) SH_WUR;
/* The first line of a passphrase file (trailing "\n" or "\r\n" removed)
 * into a NUL-terminated sodium_malloc buffer *out (free with sodium_free)
 * of *len bytes.  Refused: the file checks of node_kek_from_keyfile, an
 * empty first line, a NUL byte, more than NODE_PASSPHRASE_MAX bytes. */
int node_passphrase_read_file(const char *path, char **out, size_t *len,
                              char *err, size_t n) SH_WUR;

/* ---- in the store ------------------------------------------------------------ */

/* Seal k under kek and write the blob (NODE_DB_KEY_KEYS) and the public
 * keys (NODE_DB_KEY_PUBLIC) to NODE_CF_IDENTITY in one synced batch;
 * replaces keys stored before. */
int node_store_save_keys(node_store *s, const node_keys *k, const node_kek *kek) SH_WUR;
/* 0 loaded into *out, 1 no keys stored (a new relay: generate and save),
 * negative on failure: node_keys_open's errors, SH_ERR_STATE if the public
 * record is missing or differs from the blob's keys, SH_ERR_IO. */
int node_store_load_keys(node_store *s, const node_kek *kek, node_keys **out,
                         char *err, size_t n) SH_WUR;

#endif
