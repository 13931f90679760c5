/* fuzz/fuzz_elem_hint.c -- the hinted element decoders of secp256k1 (the y
 * coordinate as the hint) and Ed25519 (the coordinates of P / 8) on
 * arbitrary encodings and hints (mpc_elem_decode_hinted, and
 * mpc_elems_decode_hinted on a block of one).
 *
 * The input is an encoding and a hint, zero-padded: for secp256k1 bytes
 * 0..32 and 33..64, for Ed25519 bytes 0..31 and 32..95 of the same input.
 * Properties (abort on violation), in each group: the hinted decoders
 * return exactly what mpc_elem_decode returns (the same error, or the same
 * element), whatever the hint; and for an encoding that decodes,
 * mpc_elems_hints gives a hint with which it still decodes to that
 * element. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/group.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mpc_group *secp, *ed;

static void check(const mpc_group *g, const uint8_t *enc, const uint8_t *hint, mpc_elem *out)
{
    mpc_elem a, b;
    int ra = mpc_elem_decode(g, &a, enc);
    int rb = mpc_elem_decode_hinted(g, &b, enc, hint);
    if (ra != rb || mpc_elem_is_identity(g, &a) != mpc_elem_is_identity(g, &b))
        abort();
    if (ra == 0 && !mpc_elem_eq(g, &a, &b))
        abort();
    mpc_elem c;
    int rc = mpc_elems_decode_hinted(g, &c, enc, hint, 1);
    if (rc != ra || (ra == 0 && !mpc_elem_eq(g, &a, &c)))
        abort();
    if (out != NULL)
        *out = a;
}

static void run(const mpc_group *g, const uint8_t *data, size_t size)
{
    const size_t eb = mpc_group_elem_bytes(g);
    uint8_t enc[MPC_ELEM_MAX_BYTES] = { 0 }, hint[MPC_HINT_MAX_BYTES] = { 0 };
    memcpy(enc, data, size < eb ? size : eb);
    if (size > eb)
        memcpy(hint, data + eb, size - eb < sizeof hint ? size - eb : sizeof hint);
    mpc_elem p;
    check(g, enc, hint, &p);
    if (mpc_elem_decode(g, &p, enc) == 0) {
        if (mpc_elems_hints(g, hint, &p, enc, 1) != 0)
            abort();
        check(g, enc, hint, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (secp == NULL && (sodium_init() < 0 || (secp = mpc_group_new(MPC_SECP256K1, NULL)) == NULL ||
                         (ed = mpc_group_new(MPC_ED25519, NULL)) == NULL))
        abort();
    run(secp, data, size);
    run(ed, data, size);
    return 0;
}
