/* mixnet/keyring.c -- onion keys per epoch with a grace period (keyring.h). */
#include "mixnet/keyring.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct key_slot {
    uint8_t *sk;          /* sodium_malloc'd, MIX_ONION_SECKEY_BYTES */
    uint64_t epoch;       /* MIX_EPOCH_NONE when empty */
} key_slot;

struct mix_keyring {
    key_slot slot[2];
    int cur;              /* index of the current slot; the other is previous */
};

mix_keyring *mix_keyring_new(void)
{
    mix_keyring *kr = calloc(1, sizeof *kr);
    if (kr == NULL)
        return NULL;
    for (int i = 0; i < 2; i++) {
        kr->slot[i].epoch = MIX_EPOCH_NONE;
        kr->slot[i].sk = sodium_malloc(MIX_ONION_SECKEY_BYTES);
        if (kr->slot[i].sk == NULL) {
            mix_keyring_free(kr);
            return NULL;
        }
        sodium_memzero(kr->slot[i].sk, MIX_ONION_SECKEY_BYTES);
    }
    return kr;
}

void mix_keyring_free(mix_keyring *kr)
{
    if (kr == NULL)
        return;
    for (int i = 0; i < 2; i++)
        sodium_free(kr->slot[i].sk);      /* zeroes before unmapping */
    free(kr);
}

static void erase(key_slot *s)
{
    sodium_memzero(s->sk, MIX_ONION_SECKEY_BYTES);
    s->epoch = MIX_EPOCH_NONE;
}

uint64_t mix_keyring_current(const mix_keyring *kr)
{
    return kr != NULL ? kr->slot[kr->cur].epoch : MIX_EPOCH_NONE;
}

uint64_t mix_keyring_previous(const mix_keyring *kr)
{
    return kr != NULL ? kr->slot[1 - kr->cur].epoch : MIX_EPOCH_NONE;
}

int mix_keyring_install(mix_keyring *kr, mix_onion_ctx *ctx, uint64_t epoch,
                        const uint8_t sk[MIX_ONION_SECKEY_BYTES], uint64_t *erased)
{
    uint8_t pk[MIX_ONION_PUBKEY_BYTES];
    if (erased != NULL)
        *erased = MIX_EPOCH_NONE;
    if (kr == NULL || ctx == NULL || sk == NULL)
        return SH_ERR_ARG;
    uint64_t cur = kr->slot[kr->cur].epoch;
    if (epoch == MIX_EPOCH_NONE || (cur != MIX_EPOCH_NONE && epoch <= cur))
        return SH_ERR_RANGE;
    if (mix_onion_pubkey(ctx, pk, sk) != 0)
        return SH_ERR_ARG;
    key_slot *old = &kr->slot[1 - kr->cur];
    if (old->epoch != MIX_EPOCH_NONE && erased != NULL)
        *erased = old->epoch;
    erase(old);
    memcpy(old->sk, sk, MIX_ONION_SECKEY_BYTES);
    old->epoch = epoch;
    kr->cur = 1 - kr->cur;                /* the new key is current */
    return 0;
}

int mix_keyring_generate(mix_keyring *kr, mix_onion_ctx *ctx, uint64_t epoch,
                         sh_rng *rng, uint8_t pk[MIX_ONION_PUBKEY_BYTES],
                         uint64_t *erased)
{
    uint8_t sk[MIX_ONION_SECKEY_BYTES];
    if (erased != NULL)
        *erased = MIX_EPOCH_NONE;
    if (kr == NULL || ctx == NULL || rng == NULL || pk == NULL)
        return SH_ERR_ARG;
    int rc = mix_onion_keygen(ctx, sk, pk, rng);
    if (rc == 0)
        rc = mix_keyring_install(kr, ctx, epoch, sk, erased);
    sodium_memzero(sk, sizeof sk);
    if (rc != 0)
        memset(pk, 0, MIX_ONION_PUBKEY_BYTES);
    return rc;
}

void mix_keyring_end_grace(mix_keyring *kr, uint64_t *erased)
{
    if (erased != NULL)
        *erased = MIX_EPOCH_NONE;
    if (kr == NULL)
        return;
    key_slot *old = &kr->slot[1 - kr->cur];
    if (erased != NULL)
        *erased = old->epoch;
    erase(old);
}

const uint8_t *mix_keyring_key(const mix_keyring *kr, uint64_t epoch)
{
    if (kr == NULL || epoch == MIX_EPOCH_NONE)
        return NULL;
    for (int i = 0; i < 2; i++)
        if (kr->slot[i].epoch == epoch)
            return kr->slot[i].sk;
    return NULL;
}
