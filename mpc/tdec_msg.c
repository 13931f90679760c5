/* mpc/tdec_msg.c -- the wire format of partial decryptions (mpc/tdec.h,
 * docs/threshold-decryption.md "Wire format"):
 *
 *   [1, MPC_TDEC_MSG_PARTIALS, id, n, w, bin(enc(D_0) || ... || enc(D_{nw-1})),
 *    bin(proof)]
 *
 * Strict: canonical msgpack (util/mp.h), exact field count and lengths,
 * every point and the proof decoded before anything is returned. */
#include "mpc/tdec.h"

#include <string.h>

#include "util/mp.h"

#define PARTIALS_FIELDS 5

/* Bytes of the shortest msgpack encoding of an unsigned integer. */
static size_t uint_size(uint64_t v)
{
    return v < 128 ? 1 : v < 256 ? 2 : v < 65536 ? 3 : v <= UINT32_MAX ? 5 : 9;
}

/* Bytes of a bin header for len bytes. */
static size_t bin_header(size_t len)
{
    return len < 256 ? 2 : len < 65536 ? 3 : 5;
}

/* The largest message with m components, n up to max_n, w up to max_w. */
static size_t msg_size(size_t m, size_t max_n, size_t max_w)
{
    return 1 + uint_size(MPC_TDEC_MSG_VERSION) + uint_size(MPC_TDEC_MSG_PARTIALS)
           + uint_size(MPC_MAX_PARTIES) + uint_size(max_n) + uint_size(max_w)
           + bin_header(m * ZK_POINT_BYTES) + m * ZK_POINT_BYTES
           + bin_header(ZK_DLEQ_PROOF_BYTES) + ZK_DLEQ_PROOF_BYTES;
}

size_t mpc_tdec_partials_msg_max(size_t n, size_t w)
{
    if (n == 0 || w == 0 || n > MPC_TDEC_MAX_COMPONENTS / w)
        return 0;
    return msg_size(n * w, n, w);
}

int mpc_tdec_partials_encode(sh_buf *out, const mpc_tdec_partials *p)
{
    if (out == NULL || p == NULL || p->D == NULL || p->enc == NULL
        || mpc_tdec_partials_msg_max(p->n, p->w) == 0 || p->id < 1
        || p->id > MPC_MAX_PARTIES)
        return SH_ERR_ARG;
    size_t start = out->len;
    sh_mp_writer w;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_TDEC_MSG_VERSION, MPC_TDEC_MSG_PARTIALS, PARTIALS_FIELDS);
    sh_mp_put_uint(&w, p->id);
    sh_mp_put_uint(&w, p->n);
    sh_mp_put_uint(&w, p->w);
    sh_mp_put_bin(&w, p->enc, p->n * p->w * ZK_POINT_BYTES);
    sh_mp_put_bin(&w, p->proof, ZK_DLEQ_PROOF_BYTES);
    int rc = sh_mp_writer_finish(&w);
    if (rc != 0 && out->len > start && sh_buf_truncate(out, start) != 0)
        rc = SH_ERR_INTERNAL;
    return rc;
}

/* The fields after the envelope, into a fresh *out. */
static int read_partials(mpc_tdec_partials **out, sh_mp_arr *f, size_t max_n, size_t max_w)
{
    uint64_t id, n, w;
    int rc;
    if ((rc = sh_mp_get_uint(f, 1, MPC_MAX_PARTIES, &id)) != 0
        || (rc = sh_mp_get_uint(f, 1, max_n, &n)) != 0
        || (rc = sh_mp_get_uint(f, 1, max_w, &w)) != 0)
        return rc;
    if (n > MPC_TDEC_MAX_COMPONENTS / w)
        return SH_ERR_RANGE;
    mpc_tdec_partials *p = mpc_tdec_partials_new((size_t)n, (size_t)w);
    if (p == NULL)
        return SH_ERR_NOMEM;
    size_t m = (size_t)(n * w);
    p->id = (uint32_t)id;
    if ((rc = sh_mp_get_bin_exact(f, p->enc, m * ZK_POINT_BYTES)) != 0
        || (rc = sh_mp_get_bin_exact(f, p->proof, ZK_DLEQ_PROOF_BYTES)) != 0
        || (rc = sh_mp_arr_done(f)) != 0)
        goto fail;
    for (size_t i = 0; i < m; i++)
        if ((rc = zk_point_decode(&p->D[i], p->enc + ZK_POINT_BYTES * i)) != 0)
            goto fail;
    zk_dleq_proof proof;
    if ((rc = zk_dleq_proof_decode(&proof, p->proof)) != 0)
        goto fail;
    *out = p;
    return 0;
fail:
    mpc_tdec_partials_free(p);
    return rc;
}

int mpc_tdec_partials_decode(mpc_tdec_partials **out, const uint8_t *msg, size_t len,
                             size_t max_n, size_t max_w)
{
    if (out == NULL)
        return SH_ERR_ARG;
    *out = NULL;
    if ((msg == NULL && len > 0) || max_n == 0 || max_w == 0)
        return SH_ERR_ARG;
    if (max_w > ZK_ELGAMAL_MAX_WIDTH)
        max_w = ZK_ELGAMAL_MAX_WIDTH;
    if (max_n > MPC_TDEC_MAX_COMPONENTS)
        max_n = MPC_TDEC_MAX_COMPONENTS;
    size_t m = max_n > MPC_TDEC_MAX_COMPONENTS / max_w ? MPC_TDEC_MAX_COMPONENTS
                                                       : max_n * max_w;
    size_t limit = msg_size(m, max_n, max_w);
    if (len > limit)
        return SH_ERR_OVERSIZE;

    sh_mp_reader r;
    sh_mp_arr f;
    uint64_t type;
    int rc = sh_mp_reader_init(&r, msg, len, limit);
    if (rc != 0)
        return rc;
    if ((rc = sh_mp_read_envelope(&r, MPC_TDEC_MSG_VERSION, &type, 0, SIZE_MAX, &f)) == 0) {
        if (type != MPC_TDEC_MSG_PARTIALS)
            rc = SH_ERR_TYPE;
        else if (sh_mp_arr_left(&f) != PARTIALS_FIELDS)
            rc = SH_ERR_LENGTH;
        else
            rc = read_partials(out, &f, max_n, max_w);
    }
    sh_mp_reader_free(&r);
    return rc;
}
