/* gossip/crypto.h -- the signature provider of the gossip layer.
 *
 * Every signature the gossip state machines make or check goes through a
 * gossip_crypto, a small vtable, so the very same state machines run in the
 * simulator's two fidelity modes (docs/gossip.md, "Fidelity modes"):
 *
 *   gossip_crypto_full  real Ed25519 (libsodium crypto_sign_detached /
 *                       crypto_sign_verify_detached): the daemon and
 *                       full-fidelity simulations.
 *   gossip_crypto_fast  a cost model for very large simulations: a
 *                       "signature" is 64 bytes of keyed BLAKE2b over the
 *                       public key and the message, so it has the size of an
 *                       Ed25519 signature, is valid or invalid
 *                       deterministically (a flipped byte makes it invalid),
 *                       and costs about a microsecond.  It offers NO security:
 *                       anyone can compute it.  Never use it outside the
 *                       simulator.
 *
 * Both providers report the same CPU cost per operation (sign_ns,
 * verify_ns: Ed25519 on a current x86-64 core, measured with libsodium
 * 1.0.18); the state machines charge these figures with sh_drv_charge
 * after each operation, so a fast run accounts the same simulated CPU time
 * as a full one (charges are a cost model, never measured at run time).
 *
 * Key format (both providers): the 64-byte libsodium secret key, seed ||
 * public key.  The fast provider reads only the public half, so a
 * simulator may pass any 32 bytes followed by the node's identity key.
 */
#ifndef SHROUD_GOSSIP_CRYPTO_H
#define SHROUD_GOSSIP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define GOSSIP_PK_BYTES 32
#define GOSSIP_SK_BYTES 64
#define GOSSIP_SIG_BYTES 64

/* CPU cost model (nanoseconds), the same for both providers. */
#define GOSSIP_COST_SIGN_NS 21000
#define GOSSIP_COST_VERIFY_NS 52000

typedef struct gossip_crypto {
    const char *name;                 /* "full" or "fast" */
    /* sig = Sign(sk, m[0..mlen)).  0 or a negative SH_ERR_*. */
    int (*sign)(uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m, size_t mlen,
                const uint8_t sk[GOSSIP_SK_BYTES]);
    /* 0 if sig is valid for m under pk, SH_ERR_VERIFY otherwise. */
    int (*verify)(const uint8_t sig[GOSSIP_SIG_BYTES], const uint8_t *m,
                  size_t mlen, const uint8_t pk[GOSSIP_PK_BYTES]);
    uint64_t sign_ns;                 /* simulated CPU cost of one sign */
    uint64_t verify_ns;               /* ... of one verify */
} gossip_crypto;

extern const gossip_crypto gossip_crypto_full;
extern const gossip_crypto gossip_crypto_fast;

/* A key pair for the given provider from a 32-byte seed: for "full" the
 * real Ed25519 key pair (crypto_sign_seed_keypair); for "fast" sk = seed ||
 * pk with pk = BLAKE2b-256("shroud-gossip-fast-pk" keyed hash of seed), so
 * no curve arithmetic is spent on 10^5 simulated nodes. */
int gossip_crypto_keypair(const gossip_crypto *c, uint8_t pk[GOSSIP_PK_BYTES],
                          uint8_t sk[GOSSIP_SK_BYTES],
                          const uint8_t seed[32]) SH_WUR;

#endif
