/* mpc/frost_msg.h -- wire format of FROST key packages, public key
 * packages, commitments, signing packages and signature shares.
 *
 * Strict msgpack (docs/msgpack.md): every message is
 * [version = 1, type, suite, fields...]; docs/frost.md gives each message
 * byte by byte.  Decoders check the size limit of the type before parsing,
 * then every field: a value has exactly one accepted encoding.
 *
 * Errors of the decoders, besides those of util/mp.h (SH_ERR_OVERSIZE,
 * SH_ERR_TRUNCATED, SH_ERR_TRAILING, SH_ERR_TYPE, SH_ERR_NONCANONICAL,
 * SH_ERR_VERSION, SH_ERR_LENGTH, SH_ERR_RANGE):
 *   SH_ERR_TYPE          a message of another type
 *   SH_ERR_RANGE         another ciphersuite than ctx's; an identifier
 *                        above MPC_MAX_PARTIES; a threshold out of range
 *   SH_ERR_ZERO          identifier 0
 *   SH_ERR_POINT         bytes that encode no element (for Ed25519 also any
 *                        point outside the prime-order subgroup)
 *   SH_ERR_IDENTITY      the identity element
 *   SH_ERR_NONCANONICAL  a scalar not below the group order; commitments
 *                        of a signing package not in ascending order
 *   SH_ERR_FORMAT        an identifier twice in a signing package
 *   SH_ERR_VERIFY        a key package whose share does not match its
 *                        verifying share
 *
 * Secret shares: only key packages carry one.  They are written into the
 * caller's buffer (never into a growable one that could leave copies) and
 * every temporary copy is wiped; nothing here logs.
 */
#ifndef SHROUD_MPC_FROST_MSG_H
#define SHROUD_MPC_FROST_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/frost.h"
#include "util/buf.h"

#define MPC_FROST_MSG_VERSION 1

enum {
    MPC_FROST_MSG_KEY_PACKAGE = 1,
    MPC_FROST_MSG_PUBLIC_PACKAGE = 2,
    MPC_FROST_MSG_COMMITMENT = 3,
    MPC_FROST_MSG_SIGNING_PACKAGE = 4,
    MPC_FROST_MSG_SHARE = 5
};

/* Largest accepted encoding of each type (checked before decoding). */
#define MPC_FROST_KEY_PACKAGE_MAX 160
#define MPC_FROST_COMMITMENT_MAX 96
#define MPC_FROST_SHARE_MAX 64
#define MPC_FROST_PUBLIC_PACKAGE_MAX (64 + 36 * (size_t)MPC_MAX_PARTIES)
#define MPC_FROST_SIGNING_PACKAGE_MAX (128 + (size_t)MPC_FROST_MAX_MSG_BYTES \
                                       + 80 * (size_t)MPC_MAX_PARTIES)

/* Key package into out[0..cap) (SH_ERR_LENGTH if too small; at most
 * MPC_FROST_KEY_PACKAGE_MAX bytes).  The caller wipes out after use. */
int mpc_frost_key_package_encode(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                                 uint8_t *out, size_t cap, size_t *len) SH_WUR;
/* On error *kp is wiped. */
int mpc_frost_key_package_decode(const mpc_frost_ctx *ctx, mpc_frost_key_package *kp,
                                 const uint8_t *data, size_t len) SH_WUR;

/* Public package: appended to out. */
int mpc_frost_public_package_encode(const mpc_frost_ctx *ctx,
                                    const mpc_frost_public_package *pub, sh_buf *out) SH_WUR;
/* Allocates pub->verifying_shares; release with mpc_frost_public_package_clear. */
int mpc_frost_public_package_decode(const mpc_frost_ctx *ctx, mpc_frost_public_package *pub,
                                    const uint8_t *data, size_t len) SH_WUR;
void mpc_frost_public_package_clear(mpc_frost_public_package *pub);

int mpc_frost_commitment_encode(const mpc_frost_ctx *ctx, const mpc_frost_commitment *c,
                                sh_buf *out) SH_WUR;
int mpc_frost_commitment_decode(const mpc_frost_ctx *ctx, mpc_frost_commitment *c,
                                const uint8_t *data, size_t len) SH_WUR;

/* The package must pass mpc_frost_package_check (its errors otherwise). */
int mpc_frost_signing_package_encode(const mpc_frost_ctx *ctx,
                                     const mpc_frost_signing_package *pkg, sh_buf *out) SH_WUR;
/* Allocates the commitments and a copy of the message (one block);
 * release with mpc_frost_signing_package_clear (only for decoded
 * packages). */
int mpc_frost_signing_package_decode(const mpc_frost_ctx *ctx,
                                     mpc_frost_signing_package *pkg,
                                     const uint8_t *data, size_t len) SH_WUR;
void mpc_frost_signing_package_clear(mpc_frost_signing_package *pkg);

int mpc_frost_share_encode(const mpc_frost_ctx *ctx, const mpc_frost_share *s,
                           sh_buf *out) SH_WUR;
int mpc_frost_share_decode(const mpc_frost_ctx *ctx, mpc_frost_share *s,
                           const uint8_t *data, size_t len) SH_WUR;

#endif
