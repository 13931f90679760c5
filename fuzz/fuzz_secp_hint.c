/* fuzz/fuzz_secp_hint.c -- secp256k1's hinted point decoder
 * (mpc_elem_decode_hinted: the y coordinate as the hint) on arbitrary
 * encodings and hints.
 *
 * The input is a 33-byte encoding and a 32-byte hint (zero-padded).
 * Properties (abort on violation): the hinted decoder returns exactly what
 * mpc_elem_decode returns (the same error, or the same point), whatever
 * the hint; and for an encoding that decodes, mpc_elems_hints gives a hint
 * with which it still decodes to that point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/group.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mpc_group *g;

static void check(const uint8_t enc[33], const uint8_t hint[32], mpc_elem *out)
{
    mpc_elem a, b;
    int ra = mpc_elem_decode(g, &a, enc);
    int rb = mpc_elem_decode_hinted(g, &b, enc, hint);
    if (ra != rb || mpc_elem_is_identity(g, &a) != mpc_elem_is_identity(g, &b))
        abort();
    if (ra == 0 && !mpc_elem_eq(g, &a, &b))
        abort();
    if (out != NULL)
        *out = a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (g == NULL && (sodium_init() < 0 || (g = mpc_group_new(MPC_SECP256K1, NULL)) == NULL))
        abort();
    uint8_t enc[33] = { 0 }, hint[32] = { 0 };
    memcpy(enc, data, size < 33 ? size : 33);
    if (size > 33)
        memcpy(hint, data + 33, size - 33 < 32 ? size - 33 : 32);
    mpc_elem p;
    check(enc, hint, &p);
    if (mpc_elem_decode(g, &p, enc) == 0) {
        if (mpc_elems_hints(g, hint, &p, enc, 1) != 0)
            abort();
        check(enc, hint, NULL);
    }
    return 0;
}
