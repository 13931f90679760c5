/* tests/helpers/testutil.c -- shared test helpers. */
#include "testutil.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "util/rng.h"

void tu_hex(uint8_t *out, size_t out_len, const char *hex)
{
    size_t got = 0;
    const char *end = NULL;
    cr_assert_eq(strlen(hex), 2 * out_len, "hex string of wrong length: %s", hex);
    cr_assert_eq(sodium_hex2bin(out, out_len, hex, strlen(hex), NULL, &got, &end), 0);
    cr_assert_eq(got, out_len);
}

json_t *tu_load_vectors(const char *name)
{
    char path[1024];
    json_error_t err;
    snprintf(path, sizeof path, "%s/tests/vectors/%s", SHROUD_SOURCE_DIR, name);
    json_t *root = json_load_file(path, 0, &err);
    cr_assert_not_null(root, "cannot load %s: %s (line %d)", path, err.text, err.line);
    return root;
}

sh_rng *tu_rng(uint64_t seed)
{
    uint8_t s[SH_RNG_SEEDBYTES] = { 0 };
    for (int i = 0; i < 8; i++)
        s[i] = (uint8_t)(seed >> (8 * i));
    sh_rng *r = sh_rng_chacha_new(s);
    cr_assert_not_null(r);
    return r;
}
