/* mixnet/keyring.h -- a relay's onion keys: one per epoch, the current one
 * and, during a grace period after a rotation, the previous one.
 *
 * Sans-IO: the keyring reads no clock.  The driver rotates at each epoch
 * boundary (mix_keyring_install with the new epoch's key, whose public key
 * it publishes in the relay's descriptor) and ends the grace period when
 * it chooses (mix_keyring_end_grace, typically a timer some seconds after
 * the boundary, long enough for packets built against the old descriptor
 * to arrive).  At most two keys are ever held:
 *
 *   install(e)   requires e > the current epoch; the previous key, if still
 *                held, is erased; current -> previous (grace begins);
 *                the new key becomes current.
 *   end_grace()  erases the previous key.
 *
 * Keys live in two fixed slots of sodium_malloc'd memory (guard pages,
 * mlock'd where the OS allows), allocated at creation and freed (zeroed by
 * sodium_free) at mix_keyring_free; an erased key is overwritten with zeros
 * in place at once.  Whoever erases a key should also drop its epoch's
 * replay tags (mixnet/onion_process.h does both).
 */
#ifndef SHROUD_MIXNET_KEYRING_H
#define SHROUD_MIXNET_KEYRING_H

#include <stddef.h>
#include <stdint.h>
#include "mixnet/onion.h"
#include "util/err.h"

#define MIX_EPOCH_NONE UINT64_MAX

typedef struct mix_keyring mix_keyring;

/* NULL on allocation failure. */
mix_keyring *mix_keyring_new(void);
void mix_keyring_free(mix_keyring *kr);            /* NULL-safe */

/* Install sk as the key of epoch (copied; the caller wipes its copy).
 * *erased (if not NULL) receives the epoch of a key that was erased to
 * make room, or MIX_EPOCH_NONE.  SH_ERR_RANGE: epoch not above the current
 * one, or epoch == MIX_EPOCH_NONE; SH_ERR_ARG: sk is not a valid key.
 * On error nothing changes. */
int mix_keyring_install(mix_keyring *kr, mix_onion_ctx *ctx, uint64_t epoch,
                        const uint8_t sk[MIX_ONION_SECKEY_BYTES],
                        uint64_t *erased) SH_WUR;
/* Draw a fresh key for epoch from rng and install it; pk receives its
 * public key (for the descriptor). */
int mix_keyring_generate(mix_keyring *kr, mix_onion_ctx *ctx, uint64_t epoch,
                         sh_rng *rng, uint8_t pk[MIX_ONION_PUBKEY_BYTES],
                         uint64_t *erased) SH_WUR;
/* Erase the previous key; *erased its epoch or MIX_EPOCH_NONE if there was
 * none (not an error). */
void mix_keyring_end_grace(mix_keyring *kr, uint64_t *erased);

/* The key of epoch, or NULL if none is held (never held, or erased).  The
 * pointer stays valid until the keyring is freed; the bytes become zero
 * when the key is erased. */
const uint8_t *mix_keyring_key(const mix_keyring *kr, uint64_t epoch);
/* The current / previous epoch, or MIX_EPOCH_NONE. */
uint64_t mix_keyring_current(const mix_keyring *kr);
uint64_t mix_keyring_previous(const mix_keyring *kr);

#endif
