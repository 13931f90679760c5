/* fuzz/fuzz_text.c -- the text parsers of util/: hex and JSON (through
 * jansson, with shroud's typed getters on top).
 *
 * The first byte picks the parser, the rest is the text.
 * Properties: never crashes or leaks; hex that decodes re-encodes to the
 * same text up to letter case; JSON that loads dumps to canonical text that
 * loads again to an equal value and dumps to the same bytes (the dump is
 * byte-reproducible); the getters only ever return documented errors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_hex(const char *text, size_t len)
{
    uint8_t out[512];
    size_t n = 0;
    int rc = sh_hex_decode(out, sizeof out, &n, text, len);
    if (rc == 0) {
        char again[1025];
        if (n * 2 != len || sh_hex_encode(again, sizeof again, out, n) != 0)
            abort();
        for (size_t i = 0; i < len; i++)
            if (tolower((unsigned char)text[i]) != again[i])
                abort();
    } else if (rc != SH_ERR_FORMAT && rc != SH_ERR_LENGTH) {
        abort();
    }
}

static int getter_rc_ok(int rc)
{
    return rc == 0 || rc == SH_ERR_TYPE || rc == SH_ERR_FORMAT || rc == SH_ERR_RANGE
           || rc == SH_ERR_LENGTH || rc == SH_ERR_OVERSIZE;
}

static void fuzz_json(const char *text, size_t len)
{
    json_t *root = NULL;
    char err[256];
    int rc = sh_json_load_string(text, len, "fuzz", &root, err, sizeof err);
    if (rc != 0) {
        if (root != NULL)
            abort();
        return;
    }
    /* canonical dump, reload, dump again: the same bytes */
    sh_buf a, b;
    sh_buf_init(&a);
    sh_buf_init(&b);
    if (sh_json_dump(root, &a) == 0) {
        json_t *again = NULL;
        if (sh_json_load_string((const char *)a.data, a.len, "again", &again, err,
                                sizeof err) != 0)
            abort();
        if (sh_json_dump(again, &b) != 0 || a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
            abort();
        json_decref(again);
    }
    sh_buf_free(&a);
    sh_buf_free(&b);

    /* typed getters on a few paths, whatever the document holds */
    static const char *paths[] = { "a", "a.b", "seed", "relays", "x.y.z", "a.b.c" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *s;
        uint64_t u;
        json_t *arr;
        uint8_t h[32];
        if (!getter_rc_ok(sh_json_get_string(root, paths[i], &s, err, sizeof err))
            || !getter_rc_ok(sh_json_get_uint(root, paths[i], 0, 1000, &u, err, sizeof err))
            || !getter_rc_ok(sh_json_get_array(root, paths[i], 0, 10, &arr, err, sizeof err))
            || !getter_rc_ok(sh_json_get_hex(root, paths[i], h, sizeof h, err, sizeof err)))
            abort();
    }
    json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] & 1)
        fuzz_json(text, len);
    else
        fuzz_hex(text, len);
    return 0;
}
