/* mixnet/onion_vectors.h -- check a file in the format of BOLT 4's onion
 * test vector (bolt04/onion-test.json of lightning/bolts):
 *
 *   { "generate": { "session_key": hex32, "associated_data": hex,
 *                   "hops": [ { "pubkey": hex33, "payload": hex }, ... ] },
 *     "onion": hex, "decode": [ hex32 private key per hop, ... ] }
 *
 * Hop payloads in the file carry their BigSize length prefix (as in BOLT
 * 4's file).  Checked values, in order, with their names:
 *   "onion"             the packet built from `generate`, byte for byte
 *                       (its length, hence its size, is the file's onion's)
 *   "hop[i].pubkey"     decode[i] * G equals generate.hops[i].pubkey
 *   "hop[i].payload"    peeling the file's onion with decode[0..i] in turn
 *                       yields generate.hops[i].payload (prefix included)
 *   "hop[i].final"      the last hop sees a zero next HMAC, no other does
 * Peeling starts from the file's onion, not from the built one, so a
 * wrong construction and a wrong peel are reported separately.
 *
 * The report callback receives each value's name, whether it matches, and
 * for a difference the expected and computed values (hex or text).
 * Returns 0 if everything matches, SH_ERR_VERIFY if some value differs
 * (*differ > 0), another code for a malformed file (err names the field).
 */
#ifndef SHROUD_MIXNET_ONION_VECTORS_H
#define SHROUD_MIXNET_ONION_VECTORS_H

#include <stddef.h>
#include <jansson.h>
#include "mixnet/onion.h"

typedef void (*mix_onion_vec_report)(void *arg, const char *name, int ok,
                                     const char *expected, const char *got);

int mix_onion_vectors_check(mix_onion_ctx *ctx, const json_t *root,
                            mix_onion_vec_report report, void *arg,
                            size_t *checked, size_t *differ, char *err,
                            size_t errlen) SH_WUR;

#endif
