/* tests/ctime/ctime.h -- what every constant-time test shares: CHECK, which
 * ends the test with a message naming the failed condition (a test run
 * under valgrind has no Criterion), and the deterministic RNG each test
 * draws its inputs from.  The method is described in ctime_zk.c. */
#ifndef SHROUD_TESTS_CTIME_H
#define SHROUD_TESTS_CTIME_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

#include "util/rng.h"

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

/* libsodium initialised, and a ChaCha20 RNG seeded with seed0 then zeros. */
static inline sh_rng *ctime_rng(uint8_t seed0)
{
    uint8_t seed[SH_RNG_SEEDBYTES] = { seed0 };
    CHECK(sodium_init() >= 0);
    sh_rng *rng = sh_rng_chacha_new(seed);
    CHECK(rng != NULL);
    return rng;
}

#endif
