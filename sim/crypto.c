/* sim/crypto.c -- full (Ed25519) and fast (cost model) crypto providers. */
#include "sim/crypto.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

struct sim_crypto {
    sim_fidelity mode;
    uint32_t n;
    sim_crypto_costs costs;
    uint8_t (*pk)[SIM_PK_BYTES];
    uint8_t (*sk)[crypto_sign_SECRETKEYBYTES];   /* full mode only */
    uint8_t fast_key[crypto_shorthash_KEYBYTES]; /* fast mode only */
};

void sim_crypto_free(sim_crypto *c)
{
    if (c == NULL)
        return;
    if (c->sk != NULL) {
        sodium_memzero(c->sk, (size_t)c->n * sizeof *c->sk);
        free(c->sk);
    }
    free(c->pk);
    sodium_memzero(c, sizeof *c);
    free(c);
}

int sim_crypto_new(sim_fidelity mode, uint32_t n_nodes,
                   const uint8_t seed[SH_RNG_SEEDBYTES],
                   const sim_crypto_costs *costs, sim_crypto **out)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if (n_nodes == 0 || seed == NULL ||
        (mode != SIM_FIDELITY_FAST && mode != SIM_FIDELITY_FULL))
        return SH_ERR_ARG;
    if (sodium_init() < 0)
        return SH_ERR_INTERNAL;
    sim_crypto *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SH_ERR_NOMEM;
    c->mode = mode;
    c->n = n_nodes;
    c->costs = costs ? *costs
                     : (sim_crypto_costs){ SIM_CRYPTO_COST_SIGN_NS, SIM_CRYPTO_COST_VERIFY_NS };
    c->pk = malloc((size_t)n_nodes * sizeof *c->pk);
    if (c->pk == NULL) {
        sim_crypto_free(c);
        return SH_ERR_NOMEM;
    }
    uint8_t s[SH_RNG_SEEDBYTES];
    if (mode == SIM_FIDELITY_FULL) {
        c->sk = malloc((size_t)n_nodes * sizeof *c->sk);
        if (c->sk == NULL) {
            sim_crypto_free(c);
            return SH_ERR_NOMEM;
        }
        for (uint32_t i = 0; i < n_nodes; i++) {
            sh_rng_derive_seed(s, seed, "ed25519", i);
            crypto_sign_seed_keypair(c->pk[i], c->sk[i], s);
        }
    } else {
        sh_rng_derive_seed(s, seed, "fast-sig", 0);
        memcpy(c->fast_key, s, sizeof c->fast_key);
        for (uint32_t i = 0; i < n_nodes; i++)
            sh_rng_derive_seed(c->pk[i], seed, "peer-key", i);
    }
    sodium_memzero(s, sizeof s);
    *out = c;
    return 0;
}

sim_fidelity sim_crypto_mode(const sim_crypto *c)
{
    return c ? c->mode : SIM_FIDELITY_FAST;
}

static void fast_tag(const sim_crypto *c, uint32_t signer, const uint8_t *msg,
                     size_t len, uint8_t tag[crypto_shorthash_BYTES])
{
    uint8_t k[crypto_shorthash_KEYBYTES];
    memcpy(k, c->fast_key, sizeof k);
    for (int i = 0; i < 4; i++)
        k[i] ^= (uint8_t)(signer >> (8 * i));
    crypto_shorthash(tag, msg, len, k);
}

int sim_crypto_sign(const sim_crypto *c, const sh_driver *d, uint32_t signer,
                    const uint8_t *msg, size_t len, uint8_t sig[SIM_SIG_BYTES])
{
    if (c == NULL || signer >= c->n || (msg == NULL && len > 0) || sig == NULL)
        return SH_ERR_ARG;
    if (d != NULL)
        sh_drv_charge(d, c->costs.sign_ns);
    if (c->mode == SIM_FIDELITY_FULL) {
        crypto_sign_detached(sig, NULL, msg, len, c->sk[signer]);
        return 0;
    }
    memset(sig, 0, SIM_SIG_BYTES);
    fast_tag(c, signer, msg, len, sig);
    return 0;
}

int sim_crypto_verify(const sim_crypto *c, const sh_driver *d, uint32_t signer,
                      const uint8_t *msg, size_t len, const uint8_t sig[SIM_SIG_BYTES])
{
    if (c == NULL || signer >= c->n || (msg == NULL && len > 0) || sig == NULL)
        return SH_ERR_ARG;
    if (d != NULL)
        sh_drv_charge(d, c->costs.verify_ns);
    if (c->mode == SIM_FIDELITY_FULL)
        return crypto_sign_verify_detached(sig, msg, len, c->pk[signer]) == 0
                   ? 0 : SH_ERR_VERIFY;
    uint8_t t[crypto_shorthash_BYTES];
    fast_tag(c, signer, msg, len, t);
    if (memcmp(t, sig, sizeof t) != 0)
        return SH_ERR_VERIFY;
    for (size_t i = sizeof t; i < SIM_SIG_BYTES; i++)
        if (sig[i] != 0)
            return SH_ERR_VERIFY;
    return 0;
}

const uint8_t (*sim_crypto_public_keys(const sim_crypto *c))[SIM_PK_BYTES]
{
    return c ? (const uint8_t (*)[SIM_PK_BYTES])c->pk : NULL;
}
