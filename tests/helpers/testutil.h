/* tests/helpers/testutil.h -- small helpers shared by the test programs. */
#ifndef SHROUD_TESTUTIL_H
#define SHROUD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Decode hex into out (exactly out_len bytes) or abort the test. */
void tu_hex(uint8_t *out, size_t out_len, const char *hex);
/* Load tests/vectors/NAME (a JSON file) or abort the test. */
json_t *tu_load_vectors(const char *name);
/* A deterministic generator for test inputs, seeded by a small integer. */
struct sh_rng *tu_rng(uint64_t seed);

#endif
