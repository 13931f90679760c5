/* fuzz/fuzz_frost_decode.c -- arbitrary bytes into every FROST decoder
 * (mpc/frost_msg.h) of every ciphersuite.
 *
 * Properties checked (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer;
 *   - a successful decode re-encodes to exactly the input bytes (one
 *     accepted encoding per value);
 *   - a decoded signing package passes mpc_frost_package_check, its
 *     binding factors can be computed, and a decoded key package makes a
 *     signer (its share matches its verifying share);
 *   - every error is one of the codes frost_msg.h documents.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mpc_frost_ctx *ctxs[4];

static void setup(void)
{
    if (sodium_init() < 0)
        abort();
    for (int i = 0; i < 4; i++)
        if ((ctxs[i] = mpc_frost_ctx_new((mpc_frost_suite_id)(i + 1), NULL)) == NULL)
            abort();
}

static void expect_error(int rc)
{
    switch (rc) {
    case SH_ERR_OVERSIZE: case SH_ERR_TRUNCATED: case SH_ERR_TRAILING: case SH_ERR_TYPE:
    case SH_ERR_NONCANONICAL: case SH_ERR_VERSION: case SH_ERR_LENGTH: case SH_ERR_RANGE:
    case SH_ERR_FORMAT: case SH_ERR_ZERO: case SH_ERR_POINT: case SH_ERR_IDENTITY:
    case SH_ERR_VERIFY:
        return;
    default:
        abort();
    }
}

static void same(const sh_buf *b, const uint8_t *data, size_t size)
{
    if (b->len != size || memcmp(b->data, data, size) != 0)
        abort();
}

static void one_suite(const mpc_frost_ctx *ctx, const uint8_t *data, size_t size)
{
    sh_buf b;
    int rc;
    sh_buf_init(&b);

    mpc_frost_key_package kp;
    rc = mpc_frost_key_package_decode(ctx, &kp, data, size);
    if (rc == 0) {
        uint8_t out[MPC_FROST_KEY_PACKAGE_MAX];
        size_t len;
        mpc_frost_signer *s;
        if (mpc_frost_key_package_encode(ctx, &kp, out, sizeof out, &len) != 0
            || len != size || memcmp(out, data, size) != 0)
            abort();
        if (mpc_frost_signer_new(ctx, &kp, &s) != 0)
            abort();
        mpc_frost_signer_free(s);
        sodium_memzero(out, sizeof out);
        sodium_memzero(&kp, sizeof kp);
    } else {
        expect_error(rc);
    }

    mpc_frost_public_package pub;
    rc = mpc_frost_public_package_decode(ctx, &pub, data, size);
    if (rc == 0) {
        if (mpc_frost_public_package_encode(ctx, &pub, &b) != 0)
            abort();
        same(&b, data, size);
        mpc_frost_public_package_clear(&pub);
        sh_buf_reset(&b);
    } else {
        expect_error(rc);
    }

    mpc_frost_commitment c;
    rc = mpc_frost_commitment_decode(ctx, &c, data, size);
    if (rc == 0) {
        if (mpc_frost_commitment_encode(ctx, &c, &b) != 0)
            abort();
        same(&b, data, size);
        sh_buf_reset(&b);
    } else {
        expect_error(rc);
    }

    mpc_frost_signing_package pkg;
    rc = mpc_frost_signing_package_decode(ctx, &pkg, data, size);
    if (rc == 0) {
        if (mpc_frost_signing_package_encode(ctx, &pkg, &b) != 0)
            abort();
        same(&b, data, size);
        sh_buf_reset(&b);
        if (mpc_frost_package_check(ctx, &pkg, 0) != 0)
            abort();
        /* Binding factors under the base point as group key. */
        mpc_scalar *rho = mpc_scalars_alloc(pkg.n);
        mpc_elem B;
        if (rho == NULL)
            abort();
        mpc_elem_base(mpc_frost_group(ctx), &B);
        rc = mpc_frost_binding_factors(ctx, &B, &pkg, rho);
        if (rc != 0 && rc != SH_ERR_RANGE)       /* RANGE: a BIP341 tweak >= n */
            abort();
        mpc_scalars_free(rho, pkg.n);
        mpc_frost_signing_package_clear(&pkg);
    } else {
        expect_error(rc);
    }

    mpc_frost_share sh;
    rc = mpc_frost_share_decode(ctx, &sh, data, size);
    if (rc == 0) {
        if (mpc_frost_share_encode(ctx, &sh, &b) != 0)
            abort();
        same(&b, data, size);
    } else {
        expect_error(rc);
    }
    sh_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ctxs[0] == NULL)
        setup();
    for (int i = 0; i < 4; i++)
        one_suite(ctxs[i], data, size);
    return 0;
}
