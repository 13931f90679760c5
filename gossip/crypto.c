/* gossip/crypto.c -- the full (Ed25519) and fast (cost model) providers. */
#include "gossip/crypto.h"

#include <string.h>
#include <sodium.h>

static int full_sign(uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m, size_t mlen,
                     const uint8_t sk[GOSSIP_SK_BYTES])
{
    if (crypto_sign_detached(sig, NULL, m, mlen, sk) != 0)
        return SH_ERR_INTERNAL;
    return 0;
}

static int full_verify(const uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m,
                       size_t mlen, const uint8_t pk[GOSSIP_PK_BYTES])
{
    return crypto_sign_verify_detached(sig, m, mlen, pk) == 0 ? 0 : SH_ERR_VERIFY;
}

/* The fast "signature": BLAKE2b-512 keyed by a fixed tag over pk || m. */
static const uint8_t FAST_KEY[32] = "shroud-gossip-fast-signature-v1";

static void fast_mac(uint8_t out[GOSSIP_SIG_BYTES], const uint8_t *m, size_t mlen,
                     const uint8_t pk[GOSSIP_PK_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, FAST_KEY, sizeof FAST_KEY, GOSSIP_SIG_BYTES);
    crypto_generichash_update(&st, pk, GOSSIP_PK_BYTES);
    crypto_generichash_update(&st, m, mlen);
    crypto_generichash_final(&st, out, GOSSIP_SIG_BYTES);
}

static int fast_sign(uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m, size_t mlen,
                     const uint8_t sk[GOSSIP_SK_BYTES])
{
    fast_mac(sig, m, mlen, sk + 32);
    return 0;
}

static int fast_verify(const uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m,
                       size_t mlen, const uint8_t pk[GOSSIP_PK_BYTES])
{
    uint8_t want[GOSSIP_SIG_BYTES];
    fast_mac(want, m, mlen, pk);
    return sodium_memcmp(want, sig, GOSSIP_SIG_BYTES) == 0 ? 0 : SH_ERR_VERIFY;
}

const gossip_crypto gossip_crypto_full = {
    .name = "full", .sign = full_sign, .verify = full_verify,
    .sign_ns = GOSSIP_COST_SIGN_NS, .verify_ns = GOSSIP_COST_VERIFY_NS,
};

const gossip_crypto gossip_crypto_fast = {
    .name = "fast", .sign = fast_sign, .verify = fast_verify,
    .sign_ns = GOSSIP_COST_SIGN_NS, .verify_ns = GOSSIP_COST_VERIFY_NS,
};

int gossip_crypto_keypair(const gossip_crypto *c, uint8_t pk[GOSSIP_PK_BYTES],
                          uint8_t sk[GOSSIP_SK_BYTES], const uint8_t seed[32])
{
    if (c == NULL || pk == NULL || sk == NULL || seed == NULL)
        return SH_ERR_ARG;
    if (c == &gossip_crypto_full) {
        if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
            return SH_ERR_INTERNAL;
        return 0;
    }
    static const uint8_t tag[] = "shroud-gossip-fast-pk";
    crypto_generichash(pk, GOSSIP_PK_BYTES, seed, 32, tag, sizeof tag - 1);
    memcpy(sk, seed, 32);
    memcpy(sk + 32, pk, GOSSIP_PK_BYTES);
    return 0;
}
