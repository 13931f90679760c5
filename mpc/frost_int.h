/* mpc/frost_int.h -- internals shared by the mpc/frost_*.c files (not part
 * of the API; see mpc/frost.h and docs/frost.md). */
#ifndef SHROUD_MPC_FROST_INT_H
#define SHROUD_MPC_FROST_INT_H

#include <sodium.h>
#include "mpc/frost.h"

/* ---- ciphersuites ---------------------------------------------------------- */

typedef struct frost_suite {
    mpc_frost_suite_id id;
    mpc_group_id group;
    const char *name;          /* RFC 9591 name (config "name" of vector files) */
    const char *context;       /* contextString */
    int sha256;                /* 1: SHA-256 and expand_message_xmd; 0: SHA-512 */
    size_t hash_bytes;         /* output of H4 and H5: 32 or 64 */
    size_t sig_bytes;
} frost_suite;


const frost_suite *frost_suite_get(mpc_frost_suite_id id);

/* ---- H1..H5 (RFC 9591 section 6), streaming ---------------------------------- */

enum { FROST_H1 = 1, FROST_H2 = 2, FROST_H3 = 3, FROST_H4 = 4, FROST_H5 = 5 };

typedef struct frost_hash {
    union {
        crypto_hash_sha512_state s512;
        crypto_hash_sha256_state s256;
    } st;
    const frost_suite *suite;
    int kind;
} frost_hash;

/* Start Hk of the suite: absorbs contextString || label (nothing for
 * Ed25519's H2; the tag prefix for the TR H2; Z_pad || contextString-less
 * message start for expand_message_xmd, whose DST is contextString ||
 * label). */
void frost_hash_init(frost_hash *h, const frost_suite *s, int kind);
void frost_hash_update(frost_hash *h, const void *p, size_t n);
/* H1, H2, H3: the scalar.  Wipes the state. */
void frost_hash_scalar(frost_hash *h, const mpc_group *g, mpc_scalar *out);
/* H4, H5: suite->hash_bytes bytes.  Wipes the state. */
void frost_hash_bytes(frost_hash *h, uint8_t *out);

struct mpc_frost_ctx {
    const frost_suite *suite;
    mpc_group *g;
    const secp256k1_context *secp;   /* secp256k1 suites only */
    size_t ne;                       /* element encoding size */
    frost_hash start[6];             /* start[k]: Hk after frost_hash_init */
    mpc_scalar *inv_small;           /* [MPC_MAX_PARTIES]: inv_small[k] = 1/k (k >= 1) */
};

/* Start Hk from the context's precomputed state (same as frost_hash_init). */
void frost_hash_start(frost_hash *h, const mpc_frost_ctx *ctx, int kind);

/* SerializeScalar(identifier) for a small integer identifier. */
void frost_id_encode(const frost_suite *s, uint8_t out[MPC_SCALAR_BYTES], uint32_t id);

/* BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || msg). */
void frost_tagged_hash(uint8_t out[32], const char *tag, const uint8_t *msg, size_t len);

/* ---- keys ----------------------------------------------------------------- */

/* The group key as a suite signs with it. */
typedef struct frost_key {
    mpc_elem P;                      /* the group key */
    mpc_elem Q;                      /* the verifying key: P, or the even-Y output key (TR) */
    mpc_scalar tweak;                /* TR: g2 * t, the aggregator adds c * tweak */
    uint8_t enc[MPC_ELEM_MAX_BYTES]; /* SerializeElement(P), or x(Q) (TR) */
    size_t enc_len;
    int negate_share;                /* TR: the signing key is -f(0) (+ tweak) */
    int has_tweak;
    int q_parity;                    /* TR: parity of Q before normalisation */
} frost_key;

int frost_key_prepare(const mpc_frost_ctx *ctx, frost_key *k, const mpc_elem *P,
                      const mpc_frost_tweak *tw) SH_WUR;

/* ---- the per-package computations ----------------------------------------------- */

/* rho[0..n) for pkg (validated by the caller). */
int frost_binding_factors(const mpc_frost_ctx *ctx, const frost_key *k,
                          const mpc_frost_signing_package *pkg, mpc_scalar *rho) SH_WUR;
/* R = sum_j (D_j + rho_j E_j); when own < n, the terms of position own
 * are replaced by own_k * B (own_k = d + rho_own e, secret; constant time). */
int frost_group_commitment(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                           const mpc_scalar *rho, size_t own, const mpc_scalar *own_k,
                           mpc_elem *R) SH_WUR;
/* The challenge for R; for TR also normalises R to even Y (*r_neg = 1 if it
 * was negated).  Renc receives the encoding used in the signature
 * (SerializeElement(R), or x(R) for TR); *rlen its size. */
int frost_challenge(const mpc_frost_ctx *ctx, const frost_key *k, mpc_elem *R,
                    const uint8_t *msg, size_t msg_len, mpc_scalar *c,
                    uint8_t *Renc, size_t *rlen, int *r_neg) SH_WUR;
/* z * B == R + c * Q for the final signature (R as encoded in the
 * signature; for TR R has even Y).  0 or SH_ERR_VERIFY. */
int frost_check_final(const mpc_frost_ctx *ctx, const frost_key *k, const mpc_elem *R,
                      const mpc_scalar *c, const mpc_scalar *z, const uint8_t *sig,
                      const uint8_t *msg, size_t msg_len) SH_WUR;

/* secp256k1 fast paths (mpc/frost_secp.c), public API of libsecp256k1 only. */
int frost_secp_group_commitment(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                                const mpc_scalar *rho, size_t own, const mpc_scalar *own_k,
                                mpc_elem *R) SH_WUR;
/* 0 if z * G == R + c * P (all public), else SH_ERR_VERIFY. */
int frost_secp_check(const mpc_frost_ctx *ctx, const mpc_elem *R, const mpc_scalar *c,
                     const mpc_elem *P, const mpc_scalar *z) SH_WUR;

/* The signer's computation of RFC 9591 section 5.2 for a checked package
 * and a prepared key: z = (d + rho e) + lambda * s * c, with the BIP340
 * variant's sign flips.  SH_ERR_VERIFY if id is not in the package. */
int frost_sign_core(const mpc_frost_ctx *ctx, const frost_key *k, const mpc_scalar *share,
                    uint32_t id, const mpc_scalar *d, const mpc_scalar *e,
                    const mpc_frost_signing_package *pkg, mpc_scalar *z) SH_WUR;
/* Position of id in a checked (sorted) package, or pkg->n. */
size_t frost_find_id(const mpc_frost_signing_package *pkg, uint32_t id);

/* Lagrange coefficient at 0 of position i among the package's identifiers,
 * from ctx->inv_small: 2(n-1) multiplications, no inversion. */
void frost_lagrange_at(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                       size_t i, mpc_scalar *out);

/* The package checks (max_id: the largest identifier allowed). */
int frost_package_check(const mpc_frost_ctx *ctx, const mpc_frost_signing_package *pkg,
                        uint32_t min_signers, uint32_t max_id) SH_WUR;

#endif
