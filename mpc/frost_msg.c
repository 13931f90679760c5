/* mpc/frost_msg.c -- strict msgpack codecs for FROST (frost_msg.h,
 * docs/frost.md "Messages"). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_msg.h"
#include "mpc/frost_int.h"
#include "util/mp.h"

/* ---- reading helpers ---------------------------------------------------------- */

/* Check the size, the envelope, the type, the field count (suite + nrest)
 * and the suite. */
static int open_msg(const mpc_frost_ctx *ctx, sh_mp_reader *r, const uint8_t *data,
                    size_t len, size_t max, uint64_t want, size_t nrest, sh_mp_arr *f)
{
    uint64_t type, suite;
    int rc;
    if (ctx == NULL || (data == NULL && len > 0))
        return SH_ERR_ARG;
    if ((rc = sh_mp_reader_init(r, data, len, max)) != 0)
        return rc;
    if ((rc = sh_mp_read_envelope(r, MPC_FROST_MSG_VERSION, &type, 0, SIZE_MAX, f)) != 0)
        goto fail;
    rc = SH_ERR_TYPE;
    if (type != want)
        goto fail;
    rc = SH_ERR_LENGTH;
    if (sh_mp_arr_left(f) != 1 + nrest)
        goto fail;
    if ((rc = sh_mp_get_uint(f, ctx->suite->id, ctx->suite->id, &suite)) != 0)
        goto fail;
    return 0;
fail:
    sh_mp_reader_free(r);
    return rc;
}

static int get_id(sh_mp_arr *f, uint32_t *id)
{
    uint64_t x;
    int rc;
    if ((rc = sh_mp_get_uint(f, 0, UINT32_MAX, &x)) != 0)
        return rc;
    if (x == 0)
        return SH_ERR_ZERO;
    if (x > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    *id = (uint32_t)x;
    return 0;
}

static int get_elem(const mpc_frost_ctx *ctx, sh_mp_arr *f, mpc_elem *e, uint8_t *enc)
{
    uint8_t tmp[MPC_ELEM_MAX_BYTES];
    int rc;
    if (enc == NULL)
        enc = tmp;
    if ((rc = sh_mp_get_bin_exact(f, enc, ctx->ne)) != 0)
        return rc;
    return mpc_elem_decode(ctx->g, e, enc);
}

static int get_scalar(const mpc_frost_ctx *ctx, sh_mp_arr *f, mpc_scalar *s)
{
    uint8_t b[MPC_SCALAR_BYTES];
    int rc;
    if ((rc = sh_mp_get_bin_exact(f, b, sizeof b)) == 0)
        rc = mpc_scalar_decode(ctx->g, s, b);
    sodium_memzero(b, sizeof b);
    return rc;
}

/* ---- writing helpers ------------------------------------------------------------ */

static void put_elem(const mpc_frost_ctx *ctx, sh_mp_writer *w, const mpc_elem *e)
{
    uint8_t enc[MPC_ELEM_MAX_BYTES];
    if (mpc_elem_encode(ctx->g, enc, e) != 0 && w->err == 0)
        w->err = SH_ERR_IDENTITY;
    sh_mp_put_bin(w, enc, ctx->ne);
}

static void put_scalar(const mpc_frost_ctx *ctx, sh_mp_writer *w, const mpc_scalar *s)
{
    uint8_t b[MPC_SCALAR_BYTES];
    mpc_scalar_encode(ctx->g, b, s);
    sh_mp_put_bin(w, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

static int check_id(uint32_t id)
{
    return id == 0 ? SH_ERR_ZERO : id > MPC_MAX_PARTIES ? SH_ERR_RANGE : 0;
}

/* ---- key packages ------------------------------------------------------------------ */

int mpc_frost_key_package_encode(const mpc_frost_ctx *ctx, const mpc_frost_key_package *kp,
                                 uint8_t *out, size_t cap, size_t *len)
{
    sh_buf b;
    sh_mp_writer w;
    int rc;
    if (ctx == NULL || kp == NULL || out == NULL || len == NULL)
        return SH_ERR_ARG;
    if ((rc = check_id(kp->id)) != 0)
        return rc;
    if (kp->min_signers == 0 || kp->min_signers > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    sh_buf_init_max(&b, MPC_FROST_KEY_PACKAGE_MAX);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_envelope(&w, MPC_FROST_MSG_VERSION, MPC_FROST_MSG_KEY_PACKAGE, 6);
    sh_mp_put_uint(&w, ctx->suite->id);
    sh_mp_put_uint(&w, kp->id);
    sh_mp_put_uint(&w, kp->min_signers);
    put_scalar(ctx, &w, &kp->share);
    put_elem(ctx, &w, &kp->verifying_share);
    put_elem(ctx, &w, &kp->group_key);
    if ((rc = sh_mp_writer_finish(&w)) == 0) {
        if (b.len > cap) {
            rc = SH_ERR_LENGTH;
        } else {
            memcpy(out, b.data, b.len);
            *len = b.len;
        }
    }
    sh_buf_free(&b);                              /* wipes the copy of the share */
    return rc;
}

int mpc_frost_key_package_decode(const mpc_frost_ctx *ctx, mpc_frost_key_package *kp,
                                 const uint8_t *data, size_t len)
{
    sh_mp_reader r;
    sh_mp_arr f;
    uint64_t t;
    mpc_elem Y;
    int rc;
    if (kp == NULL)
        return SH_ERR_ARG;
    if ((rc = open_msg(ctx, &r, data, len, MPC_FROST_KEY_PACKAGE_MAX,
                       MPC_FROST_MSG_KEY_PACKAGE, 5, &f)) != 0)
        return rc;
    if ((rc = get_id(&f, &kp->id)) != 0
        || (rc = sh_mp_get_uint(&f, 1, MPC_MAX_PARTIES, &t)) != 0
        || (rc = get_scalar(ctx, &f, &kp->share)) != 0
        || (rc = get_elem(ctx, &f, &kp->verifying_share, NULL)) != 0
        || (rc = get_elem(ctx, &f, &kp->group_key, NULL)) != 0
        || (rc = sh_mp_arr_done(&f)) != 0)
        goto done;
    kp->min_signers = (uint32_t)t;
    mpc_elem_mul_base(ctx->g, &Y, &kp->share);
    if (!mpc_elem_eq(ctx->g, &Y, &kp->verifying_share))
        rc = SH_ERR_VERIFY;
done:
    sh_mp_reader_free(&r);
    if (rc != 0)
        sodium_memzero(kp, sizeof *kp);
    return rc;
}

/* ---- public packages ------------------------------------------------------------------ */

int mpc_frost_public_package_encode(const mpc_frost_ctx *ctx,
                                    const mpc_frost_public_package *pub, sh_buf *out)
{
    sh_mp_writer w;
    if (ctx == NULL || pub == NULL || out == NULL || pub->verifying_shares == NULL)
        return SH_ERR_ARG;
    if (pub->n == 0 || pub->n > MPC_MAX_PARTIES || pub->min_signers == 0
        || pub->min_signers > pub->n)
        return SH_ERR_RANGE;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_FROST_MSG_VERSION, MPC_FROST_MSG_PUBLIC_PACKAGE, 4);
    sh_mp_put_uint(&w, ctx->suite->id);
    sh_mp_put_uint(&w, pub->min_signers);
    put_elem(ctx, &w, &pub->group_key);
    sh_mp_put_array(&w, pub->n);
    for (uint32_t i = 0; i < pub->n; i++)
        put_elem(ctx, &w, &pub->verifying_shares[i]);
    return sh_mp_writer_finish(&w);
}

void mpc_frost_public_package_clear(mpc_frost_public_package *pub)
{
    if (pub == NULL)
        return;
    mpc_elems_free(pub->verifying_shares, pub->n);
    memset(pub, 0, sizeof *pub);
}

int mpc_frost_public_package_decode(const mpc_frost_ctx *ctx, mpc_frost_public_package *pub,
                                    const uint8_t *data, size_t len)
{
    sh_mp_reader r;
    sh_mp_arr f, list;
    uint64_t t;
    int rc;
    if (pub == NULL)
        return SH_ERR_ARG;
    memset(pub, 0, sizeof *pub);
    if ((rc = open_msg(ctx, &r, data, len, MPC_FROST_PUBLIC_PACKAGE_MAX,
                       MPC_FROST_MSG_PUBLIC_PACKAGE, 3, &f)) != 0)
        return rc;
    if ((rc = sh_mp_get_uint(&f, 1, MPC_MAX_PARTIES, &t)) != 0
        || (rc = get_elem(ctx, &f, &pub->group_key, NULL)) != 0
        || (rc = sh_mp_get_array(&f, 1, MPC_MAX_PARTIES, &list)) != 0
        || (rc = sh_mp_arr_done(&f)) != 0)
        goto done;
    rc = SH_ERR_RANGE;
    if (t > sh_mp_arr_left(&list))
        goto done;
    pub->n = (uint32_t)sh_mp_arr_left(&list);
    pub->min_signers = (uint32_t)t;
    rc = SH_ERR_NOMEM;
    if ((pub->verifying_shares = mpc_elems_alloc(pub->n)) == NULL)
        goto done;
    for (uint32_t i = 0; i < pub->n; i++)
        if ((rc = get_elem(ctx, &list, &pub->verifying_shares[i], NULL)) != 0)
            goto done;
    rc = 0;
done:
    sh_mp_reader_free(&r);
    if (rc != 0)
        mpc_frost_public_package_clear(pub);
    return rc;
}

/* ---- commitments ----------------------------------------------------------------------- */

int mpc_frost_commitment_encode(const mpc_frost_ctx *ctx, const mpc_frost_commitment *c,
                                sh_buf *out)
{
    sh_mp_writer w;
    int rc;
    if (ctx == NULL || c == NULL || out == NULL)
        return SH_ERR_ARG;
    if ((rc = check_id(c->id)) != 0)
        return rc;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_FROST_MSG_VERSION, MPC_FROST_MSG_COMMITMENT, 4);
    sh_mp_put_uint(&w, ctx->suite->id);
    sh_mp_put_uint(&w, c->id);
    put_elem(ctx, &w, &c->hiding);
    put_elem(ctx, &w, &c->binding);
    return sh_mp_writer_finish(&w);
}

int mpc_frost_commitment_decode(const mpc_frost_ctx *ctx, mpc_frost_commitment *c,
                                const uint8_t *data, size_t len)
{
    sh_mp_reader r;
    sh_mp_arr f;
    int rc;
    if (c == NULL)
        return SH_ERR_ARG;
    memset(c, 0, sizeof *c);
    if ((rc = open_msg(ctx, &r, data, len, MPC_FROST_COMMITMENT_MAX,
                       MPC_FROST_MSG_COMMITMENT, 3, &f)) != 0)
        return rc;
    if ((rc = get_id(&f, &c->id)) != 0
        || (rc = get_elem(ctx, &f, &c->hiding, c->enc[0])) != 0
        || (rc = get_elem(ctx, &f, &c->binding, c->enc[1])) != 0
        || (rc = sh_mp_arr_done(&f)) != 0)
        memset(c, 0, sizeof *c);
    sh_mp_reader_free(&r);
    return rc;
}

/* ---- signing packages ---------------------------------------------------------------------- */

int mpc_frost_signing_package_encode(const mpc_frost_ctx *ctx,
                                     const mpc_frost_signing_package *pkg, sh_buf *out)
{
    sh_mp_writer w;
    int rc;
    if (out == NULL)
        return SH_ERR_ARG;
    if ((rc = frost_package_check(ctx, pkg, 0, MPC_MAX_PARTIES)) != 0)
        return rc;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_FROST_MSG_VERSION, MPC_FROST_MSG_SIGNING_PACKAGE, 4);
    sh_mp_put_uint(&w, ctx->suite->id);
    static const uint8_t empty[1];
    sh_mp_put_bin(&w, pkg->msg_len > 0 ? pkg->msg : empty, pkg->msg_len);
    if (!pkg->tweak.taproot)
        sh_mp_put_nil(&w);
    else
        sh_mp_put_bin(&w, pkg->tweak.merkle_root, pkg->tweak.has_merkle_root ? 32u : 0u);
    sh_mp_put_array(&w, pkg->n);
    for (size_t i = 0; i < pkg->n; i++) {
        const mpc_frost_commitment *c = &pkg->commitments[i];
        sh_mp_put_array(&w, 3);
        sh_mp_put_uint(&w, c->id);
        sh_mp_put_bin(&w, c->enc[0], ctx->ne);
        sh_mp_put_bin(&w, c->enc[1], ctx->ne);
    }
    return sh_mp_writer_finish(&w);
}

void mpc_frost_signing_package_clear(mpc_frost_signing_package *pkg)
{
    if (pkg == NULL)
        return;
    free((void *)pkg->commitments);               /* one block with the message */
    memset(pkg, 0, sizeof *pkg);
}

int mpc_frost_signing_package_decode(const mpc_frost_ctx *ctx,
                                     mpc_frost_signing_package *pkg,
                                     const uint8_t *data, size_t len)
{
    sh_mp_reader r;
    sh_mp_arr f, list;
    sh_mp_type tt;
    const uint8_t *msg, *root;
    size_t msg_len, root_len, n;
    mpc_frost_commitment *cm = NULL;
    int rc;
    if (pkg == NULL)
        return SH_ERR_ARG;
    memset(pkg, 0, sizeof *pkg);
    if ((rc = open_msg(ctx, &r, data, len, MPC_FROST_SIGNING_PACKAGE_MAX,
                       MPC_FROST_MSG_SIGNING_PACKAGE, 3, &f)) != 0)
        return rc;
    if ((rc = sh_mp_get_bin(&f, MPC_FROST_MAX_MSG_BYTES, &msg, &msg_len)) != 0
        || (rc = sh_mp_peek_type(&f, &tt)) != 0)
        goto done;
    if (tt == SH_MP_NIL) {
        if ((rc = sh_mp_get_nil(&f)) != 0)
            goto done;
    } else {
        /* A tweak: only for the BIP340 variant; empty (key path only) or a
         * 32-byte Merkle root. */
        rc = SH_ERR_TYPE;
        if (ctx->suite->id != MPC_FROST_SECP256K1_TR
            || (rc = sh_mp_get_bin(&f, 32, &root, &root_len)) != 0)
            goto done;
        rc = SH_ERR_LENGTH;
        if (root_len != 0 && root_len != 32)
            goto done;
        pkg->tweak.taproot = 1;
        pkg->tweak.has_merkle_root = root_len == 32;
        if (root_len == 32)
            memcpy(pkg->tweak.merkle_root, root, 32);
    }
    if ((rc = sh_mp_get_array(&f, 1, MPC_MAX_PARTIES, &list)) != 0
        || (rc = sh_mp_arr_done(&f)) != 0)
        goto done;
    n = sh_mp_arr_left(&list);
    /* One block: n commitments (32-byte aligned), then the message. */
    rc = SH_ERR_NOMEM;
    if ((cm = zk_aligned_alloc(1, n * sizeof *cm + msg_len)) == NULL)
        goto done;
    memset(cm, 0, n * sizeof *cm);
    for (size_t i = 0; i < n; i++) {
        sh_mp_arr e;
        if ((rc = sh_mp_get_array(&list, 3, 3, &e)) != 0
            || (rc = get_id(&e, &cm[i].id)) != 0
            || (rc = get_elem(ctx, &e, &cm[i].hiding, cm[i].enc[0])) != 0
            || (rc = get_elem(ctx, &e, &cm[i].binding, cm[i].enc[1])) != 0)
            goto done;
        if (i > 0 && cm[i].id == cm[i - 1].id) {
            rc = SH_ERR_FORMAT;
            goto done;
        }
        if (i > 0 && cm[i].id < cm[i - 1].id) {
            rc = SH_ERR_NONCANONICAL;
            goto done;
        }
    }
    if (msg_len > 0)
        memcpy((uint8_t *)(cm + n), msg, msg_len);
    pkg->commitments = cm;
    pkg->n = n;
    pkg->msg = (const uint8_t *)(cm + n);
    pkg->msg_len = msg_len;
    cm = NULL;
    rc = 0;
done:
    sh_mp_reader_free(&r);
    free(cm);
    if (rc != 0)
        memset(pkg, 0, sizeof *pkg);
    return rc;
}

/* ---- signature shares ------------------------------------------------------------------------ */

int mpc_frost_share_encode(const mpc_frost_ctx *ctx, const mpc_frost_share *s, sh_buf *out)
{
    sh_mp_writer w;
    int rc;
    if (ctx == NULL || s == NULL || out == NULL)
        return SH_ERR_ARG;
    if ((rc = check_id(s->id)) != 0)
        return rc;
    sh_mp_writer_init(&w, out);
    sh_mp_put_envelope(&w, MPC_FROST_MSG_VERSION, MPC_FROST_MSG_SHARE, 3);
    sh_mp_put_uint(&w, ctx->suite->id);
    sh_mp_put_uint(&w, s->id);
    put_scalar(ctx, &w, &s->z);
    return sh_mp_writer_finish(&w);
}

int mpc_frost_share_decode(const mpc_frost_ctx *ctx, mpc_frost_share *s,
                           const uint8_t *data, size_t len)
{
    sh_mp_reader r;
    sh_mp_arr f;
    int rc;
    if (s == NULL)
        return SH_ERR_ARG;
    memset(s, 0, sizeof *s);
    if ((rc = open_msg(ctx, &r, data, len, MPC_FROST_SHARE_MAX, MPC_FROST_MSG_SHARE, 2,
                       &f)) != 0)
        return rc;
    if ((rc = get_id(&f, &s->id)) != 0 || (rc = get_scalar(ctx, &f, &s->z)) != 0
        || (rc = sh_mp_arr_done(&f)) != 0)
        memset(s, 0, sizeof *s);
    sh_mp_reader_free(&r);
    return rc;
}
