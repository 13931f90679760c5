/* fuzz/fuzz_dkg_decode.c -- the DKG message decoder (mpc/dkg_msg.h) on
 * arbitrary bytes, with the limits of four sessions (32- and 33-byte
 * elements, with and without element hints).
 *
 * Properties (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer; only documented error codes;
 *   - whatever decodes re-encodes (signature copied as is) to exactly the
 *     input bytes, and the decoded hash is that of the signed prefix;
 *   - a decoded message respects every limit (peer ids, counts, order);
 *   - a SHARE's root is the fold of its own leaf along its path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/dkg_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int documented(int rc)
{
    switch (rc) {
    case SH_ERR_NOMEM: case SH_ERR_TRUNCATED: case SH_ERR_TRAILING: case SH_ERR_TYPE:
    case SH_ERR_OVERSIZE: case SH_ERR_NONCANONICAL: case SH_ERR_RANGE: case SH_ERR_FORMAT:
    case SH_ERR_VERSION: case SH_ERR_LENGTH:
        return 1;
    default:
        return 0;
    }
}

static void check(const uint8_t *data, size_t size, const mpc_dkg_limits *lim)
{
    mpc_dkg_msg m;
    int rc = mpc_dkg_msg_decode(&m, data, size, lim);
    if (rc != 0) {
        if (!documented(rc))
            abort();
        return;
    }
    if (m.from >= lim->n_peers || size > mpc_dkg_msg_max_len(m.type, lim))
        abort();
    if (m.type == MPC_DKG_MSG_VIEW && m.n_view != lim->n_dealers)
        abort();
    for (uint32_t i = 1; m.type == MPC_DKG_MSG_ANSWER && i < m.n_reveal; i++)
        if (m.reveal_idx[i - 1] >= m.reveal_idx[i] || m.reveal_idx[i] >= lim->n_holders)
            abort();
    if (m.type == MPC_DKG_MSG_SHARE) {
        /* the leaf index and path fit the holders, and the root is the
         * fold of the SHARE's own leaf */
        uint8_t leaf[MPC_DKG_HASH_BYTES], root[MPC_DKG_HASH_BYTES];
        if (m.leaf >= lim->n_holders || m.n_path != mpc_dkg_merkle_depth(lim->n_holders))
            abort();
        mpc_dkg_share_leaf(leaf, &m);
        mpc_dkg_merkle_fold(root, leaf, m.leaf, (const uint8_t(*)[MPC_DKG_HASH_BYTES])m.path,
                            m.n_path);
        if (memcmp(root, m.root, sizeof root) != 0 || mpc_dkg_signed_hash(&m) != m.root)
            abort();
    }
    uint8_t h[MPC_DKG_HASH_BYTES];
    if (m.type != MPC_DKG_MSG_ACK) {
        if (size < MPC_DKG_SIG_TAIL)
            abort();
        mpc_dkg_hash(h, data, size - MPC_DKG_SIG_TAIL);
        if (memcmp(h, m.h, sizeof h) != 0)
            abort();
    }
    sh_buf b;
    sh_buf_init(&b);
    if (mpc_dkg_msg_encode(&b, &m, lim->elem_bytes, NULL) != 0 || b.len != size ||
        memcmp(b.data, data, size) != 0)
        abort();
    sh_buf_free(&b);
    mpc_dkg_msg_clear(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the limits of each group (ristretto255 and secp256k1 have 32-byte
     * hints, Ed25519 64-byte ones), and one without hints (a DEAL's hints
     * are then E's alone) */
    static const mpc_dkg_limits lim[4] = {
        { .elem_bytes = 32, .n_peers = 5, .n_dealers = 4, .n_holders = 3, .max_commit = 3,
          .hint_bytes = 32 },
        { .elem_bytes = 33, .n_peers = 7, .n_dealers = 3, .n_holders = 7, .max_commit = 2,
          .hint_bytes = 32 },
        { .elem_bytes = 32, .n_peers = 4, .n_dealers = 4, .n_holders = 4, .max_commit = 3,
          .hint_bytes = 64 },
        { .elem_bytes = 32, .n_peers = 4, .n_dealers = 4, .n_holders = 4, .max_commit = 3 },
    };
    if (sodium_init() < 0)
        abort();
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        check(data, size, &lim[i]);
    return 0;
}
