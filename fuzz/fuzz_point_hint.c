/* fuzz/fuzz_point_hint.c -- the hinted point decoder (zk/hint.h) on
 * arbitrary encodings and hints.
 *
 * The input is an encoding (its first 32 bytes, zero-padded) and a hint
 * (the next 32).  Properties: never crashes; the same code and the same
 * element as zk_elgamal_point_decode, whatever the hint; a claimed hint
 * only with success; and for an encoding that decodes, the hint
 * zk_point_hints makes from the point takes the fast path. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zk/elgamal.h"
#include "zk/hint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t enc[32], const uint8_t hint[32], int want_fast)
{
    zk_point got, want;
    int ok = -1;
    int rc = zk_point_decode_hinted(&got, enc, hint, &ok);
    int rw = zk_elgamal_point_decode(&want, enc);
    if (rc != rw || (ok != 0 && ok != 1) || (rc != 0 && ok != 0))
        abort();
    if (rc == 0 && !zk_point_eq(&got, &want))
        abort();
    if (want_fast && ok != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t enc[32] = { 0 }, hint[32] = { 0 };
    memcpy(enc, data, size < 32 ? size : 32);
    if (size > 32)
        memcpy(hint, data + 32, size - 32 < 32 ? size - 32 : 32);
    check(enc, hint, 0);
    zk_point p;
    if (zk_elgamal_point_decode(&p, enc) == 0) {
        zk_point_hints(hint, &p, enc, 1);
        check(enc, hint, 1);
    }
    return 0;
}
