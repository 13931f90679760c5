/* sim/crypto.h -- the simulator's crypto provider: the two fidelity modes.
 *
 * A protocol that signs or verifies in the simulator takes a sim_crypto
 * through its config (it is a pure function object, so the sans-IO rules
 * hold) and calls it instead of libsodium directly:
 *
 *  - full: real Ed25519 (libsodium) with per-node key pairs derived from
 *    the scenario seed (sh_rng_derive_seed(seed, "ed25519", i));
 *  - fast: a cost model.  Signatures have the real size (64 bytes); their
 *    first 8 bytes are a SipHash-2-4 tag of the message under a key
 *    derived from the seed and the signer, the rest zero, so forgeries by
 *    a byzantine node that does not use the provider are still caught, at
 *    a tiny fraction of the cost (not secure: a simulation stand-in).
 *
 * In both modes the provider reports the same CPU time through
 * sh_drv_charge (the cost table below: deterministic figures, not
 * measurements), so simulated time, message sizes and every protocol
 * decision are those of the full mode.
 */
#ifndef SHROUD_SIM_CRYPTO_H
#define SHROUD_SIM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "shroud/sansio.h"

#define SIM_SIG_BYTES 64
#define SIM_PK_BYTES 32

typedef enum sim_fidelity { SIM_FIDELITY_FAST = 0, SIM_FIDELITY_FULL = 1 } sim_fidelity;

/* CPU cost table (ns), roughly one core of a 2020s x86 server running
 * libsodium's Ed25519 (sign ~20 us, verify ~50 us). */
typedef struct sim_crypto_costs {
    uint64_t sign_ns;
    uint64_t verify_ns;
} sim_crypto_costs;

#define SIM_CRYPTO_COST_SIGN_NS 20000u
#define SIM_CRYPTO_COST_VERIFY_NS 50000u

typedef struct sim_crypto sim_crypto;

/* Keys for n_nodes nodes (full mode derives key pairs: ~20 us each).
 * costs NULL: the defaults above. */
int sim_crypto_new(sim_fidelity mode, uint32_t n_nodes,
                   const uint8_t seed[SH_RNG_SEEDBYTES],
                   const sim_crypto_costs *costs, sim_crypto **out) SH_WUR;
void sim_crypto_free(sim_crypto *c);
sim_fidelity sim_crypto_mode(const sim_crypto *c);

/* Sign msg as node `signer`, charging the sign cost to d (may be NULL). */
int sim_crypto_sign(const sim_crypto *c, const sh_driver *d, uint32_t signer,
                    const uint8_t *msg, size_t len,
                    uint8_t sig[SIM_SIG_BYTES]) SH_WUR;
/* 0 if sig is signer's signature of msg, SH_ERR_VERIFY if not (SH_ERR_ARG
 * for an unknown signer); charges the verify cost either way. */
int sim_crypto_verify(const sim_crypto *c, const sh_driver *d, uint32_t signer,
                      const uint8_t *msg, size_t len,
                      const uint8_t sig[SIM_SIG_BYTES]) SH_WUR;
/* Node i's public key (full: Ed25519; fast: derived bytes), the answer the
 * engine gives to sh_drv_peer_key.  NULL if out of range. */
const uint8_t (*sim_crypto_public_keys(const sim_crypto *c))[SIM_PK_BYTES];

#endif
