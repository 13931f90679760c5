/* mpc/frost_vectors.h -- checking an RFC 9591 test-vector file.
 *
 * The files are those of the RFC's reference implementation
 * (cfrg/draft-irtf-cfrg-frost, poc/frost-*.json, final revision; RFC 9591
 * appendix E prints the same values): config {name, group, hash, ...},
 * inputs {participant_list, group_secret_key, group_public_key, message,
 * share_polynomial_coefficients, participant_shares [{identifier,
 * participant_share}]}, round_one_outputs.outputs [{identifier,
 * hiding_nonce_randomness, binding_nonce_randomness, hiding_nonce,
 * binding_nonce, hiding_nonce_commitment, binding_nonce_commitment,
 * binding_factor_input, binding_factor}], round_two_outputs.outputs
 * [{identifier, sig_share}], final_output.sig.
 *
 * Every value is recomputed from the file's primary inputs alone (secret,
 * polynomial, message, randomness, participant list), so a single wrong
 * value in a file is reported alone, under its own name.  The check works
 * on a parsed document and reports through a callback: no I/O here (the
 * CLI, `shroud vectors frost FILE`, prints).
 */
#ifndef SHROUD_MPC_FROST_VECTORS_H
#define SHROUD_MPC_FROST_VECTORS_H

#include <stddef.h>
#include <jansson.h>
#include "mpc/frost.h"

/* The suite the file's config names (config.name, an RFC 9591 name such as
 * "FROST(Ed25519, SHA-512)"): 0 and a message in errbuf for a missing
 * config.name (SH_ERR_FORMAT / SH_ERR_TYPE); *suite = 0 for a name this
 * implementation does not support (FROST(P-256, SHA-256), FROST(Ed448,
 * SHAKE256), ...). */
int mpc_frost_vectors_suite(const json_t *root, mpc_frost_suite_id *suite,
                            const char **name, char *errbuf, size_t errlen) SH_WUR;

/* Called once per checked value: name like "hiding_nonce[3]", ok 1 or 0,
 * and on a mismatch the expected (file) and computed values in hex. */
typedef void (*mpc_frost_vectors_cb)(void *arg, const char *name, int ok,
                                     const char *expected, const char *got);

/* Check every value of the file for ctx's suite.  0 if all match,
 * SH_ERR_VERIFY if some differ (each reported through cb), or an error
 * about the file itself with a message in errbuf naming the field:
 * SH_ERR_FORMAT (missing field, bad hex), SH_ERR_TYPE, SH_ERR_LENGTH,
 * SH_ERR_RANGE, SH_ERR_POINT / SH_ERR_NONCANONICAL (an input that does
 * not decode), SH_ERR_NOMEM.  *checked / *differ count the values. */
int mpc_frost_vectors_check(const mpc_frost_ctx *ctx, const json_t *root,
                            mpc_frost_vectors_cb cb, void *arg, size_t *checked,
                            size_t *differ, char *errbuf, size_t errlen) SH_WUR;

#endif
