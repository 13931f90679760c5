/* util/rng.h -- injectable randomness.
 *
 * Protocol code never calls an RNG directly: it is handed an sh_rng.  Two
 * implementations exist:
 *   - sh_rng_os_new(): the operating system's CSPRNG (libsodium randombytes).
 *   - sh_rng_chacha_new(seed): a deterministic stream, the ChaCha20 (IETF,
 *     RFC 8439) keystream under key = seed, nonce = 12 zero bytes, block
 *     counter starting at 0, consumed strictly in order.  The simulator and
 *     the tests use it so that every run is reproducible from its seed.
 * Callers may also supply their own by filling in struct sh_rng.
 */
#ifndef SHROUD_UTIL_RNG_H
#define SHROUD_UTIL_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define SH_RNG_SEEDBYTES 32

typedef struct sh_rng sh_rng;
struct sh_rng {
    /* Fill out[0..len) with random bytes; must not fail. */
    void (*fill)(sh_rng *self, uint8_t *out, size_t len);
    /* Release the generator (may be NULL for static generators). */
    void (*destroy)(sh_rng *self);
};

/* The OS CSPRNG.  Returns NULL only if libsodium cannot initialise. */
sh_rng *sh_rng_os_new(void);
/* Deterministic ChaCha20 stream from a 32-byte seed (copied, then wiped
 * when the generator is freed).  NULL on allocation failure. */
sh_rng *sh_rng_chacha_new(const uint8_t seed[SH_RNG_SEEDBYTES]);
/* Derive a child seed: BLAKE2b-256 keyed by the parent seed over
 * "shroud-rng-derive" || u64le(strlen(label)) || label || u64le(index).  Used to give every
 * simulated node its own independent stream from one scenario seed. */
void sh_rng_derive_seed(uint8_t out[SH_RNG_SEEDBYTES],
                        const uint8_t parent[SH_RNG_SEEDBYTES],
                        const char *label, uint64_t index);
void sh_rng_free(sh_rng *rng);

void sh_rng_bytes(sh_rng *rng, void *out, size_t len);
uint64_t sh_rng_u64(sh_rng *rng);
/* Uniform in [0, bound) without modulo bias (rejection sampling);
 * bound must be > 0. */
uint64_t sh_rng_uniform(sh_rng *rng, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double sh_rng_double(sh_rng *rng);

#endif
