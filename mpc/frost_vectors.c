/* mpc/frost_vectors.c -- recompute and compare every value of an RFC 9591
 * test-vector file (see frost_vectors.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/frost_vectors.h"
#include "mpc/frost_int.h"
#include "util/hex.h"
#include "util/json.h"

typedef struct vec {
    const mpc_frost_ctx *ctx;
    const mpc_group *g;
    mpc_frost_vectors_cb cb;
    void *arg;
    size_t checked, differ;
    char *err;
    size_t errlen;
} vec;

int mpc_frost_vectors_suite(const json_t *root, mpc_frost_suite_id *suite,
                            const char **name, char *errbuf, size_t errlen)
{
    const char *n = NULL;
    int rc;
    if (suite == NULL)
        return SH_ERR_ARG;
    *suite = 0;
    if ((rc = sh_json_get_string(root, "config.name", &n, errbuf, errlen)) != 0)
        return rc;
    if (name != NULL)
        *name = n;
    *suite = mpc_frost_suite_by_name(n);
    return 0;
}

/* ---- reporting ------------------------------------------------------------- */

static char *hexdup(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s != NULL && sh_hex_encode(s, 2 * n + 1, p, n) != 0)
        s[0] = '\0';
    return s;
}

static void report(vec *v, const char *name, const uint8_t *exp, size_t elen,
                   const uint8_t *got, size_t glen)
{
    int ok = elen == glen && memcmp(exp, got, elen) == 0;
    v->checked++;
    if (!ok)
        v->differ++;
    if (v->cb == NULL)
        return;
    if (ok) {
        v->cb(v->arg, name, 1, NULL, NULL);
        return;
    }
    char *e = hexdup(exp, elen), *g = hexdup(got, glen);
    v->cb(v->arg, name, 0, e != NULL ? e : "?", g != NULL ? g : "?");
    free(e);
    free(g);
}

static void report_scalar(vec *v, const char *name, const uint8_t exp[32], const mpc_scalar *s)
{
    uint8_t got[MPC_SCALAR_BYTES];
    mpc_scalar_encode(v->g, got, s);
    report(v, name, exp, MPC_SCALAR_BYTES, got, sizeof got);
}

static void report_elem(vec *v, const char *name, const uint8_t *exp, const mpc_elem *e)
{
    uint8_t got[MPC_ELEM_MAX_BYTES];
    (void)mpc_elem_encode(v->g, got, e);         /* the identity shows as zeros */
    report(v, name, exp, v->ctx->ne, got, v->ctx->ne);
}

/* ---- reading ----------------------------------------------------------------- */

/* Errors inside array items name the item: "where: message". */
static int item_err(vec *v, int rc, const char *where)
{
    if (rc != 0 && v->err != NULL && v->errlen > 0) {
        char inner[256];
        snprintf(inner, sizeof inner, "%s", v->err);
        snprintf(v->err, v->errlen, "%s: %s", where, inner);
    }
    return rc;
}

static int get_hex(vec *v, const json_t *o, const char *path, uint8_t *out, size_t len)
{
    return sh_json_get_hex(o, path, out, len, v->err, v->errlen);
}

/* A hex string of any even length, into a fresh buffer (*out freed by the
 * caller; never NULL on success). */
static int get_hex_var(vec *v, const json_t *o, const char *path, uint8_t **out, size_t *len)
{
    const char *s;
    size_t n;
    int rc;
    if ((rc = sh_json_get_string(o, path, &s, v->err, v->errlen)) != 0)
        return rc;
    n = strlen(s);
    if ((*out = malloc(n / 2 + 1)) == NULL)
        return SH_ERR_NOMEM;
    if ((rc = sh_hex_decode(*out, n / 2 + 1, len, s, n)) != 0) {
        snprintf(v->err, v->errlen, "member '%s': not an even-length string of hex digits",
                 path);
        free(*out);
        *out = NULL;
    }
    return rc;
}

static int get_scalar(vec *v, const json_t *o, const char *path, uint8_t raw[32], mpc_scalar *s)
{
    int rc;
    if ((rc = get_hex(v, o, path, raw, MPC_SCALAR_BYTES)) != 0)
        return rc;
    if ((rc = mpc_scalar_decode(v->g, s, raw)) != 0)
        snprintf(v->err, v->errlen, "member '%s': not a canonical scalar", path);
    return rc;
}

static int get_id(vec *v, const json_t *o, uint32_t *id)
{
    uint64_t x;
    int rc = sh_json_get_uint(o, "identifier", 1, MPC_MAX_PARTIES, &x, v->err, v->errlen);
    *id = (uint32_t)x;
    return rc;
}

/* ---- the check ------------------------------------------------------------------ */

typedef struct signer_vals {
    mpc_scalar hn, bn;
    uint32_t id;
} signer_vals;

static int cmp_commitment(const void *a, const void *b)
{
    uint32_t x = ((const mpc_frost_commitment *)a)->id, y = ((const mpc_frost_commitment *)b)->id;
    return x < y ? -1 : x > y;
}

int mpc_frost_vectors_check(const mpc_frost_ctx *ctx, const json_t *root,
                            mpc_frost_vectors_cb cb, void *arg, size_t *checked,
                            size_t *differ, char *errbuf, size_t errlen)
{
    static char dummy[1];
    vec v = { ctx, NULL, cb, arg, 0, 0, errbuf != NULL ? errbuf : dummy,
              errbuf != NULL ? errlen : sizeof dummy };
    const mpc_group *g;
    json_t *plist, *coeffs = NULL, *pshares, *r1, *r2;
    mpc_scalar secret, *poly = NULL, *shares = NULL, *z = NULL;
    mpc_frost_key_package *kps = NULL;
    mpc_frost_public_package pub = { 0 };
    mpc_frost_commitment *cm = NULL;
    signer_vals *sv = NULL;
    uint8_t raw[MPC_ELEM_MAX_BYTES + 32], *msg = NULL, *buf = NULL;
    size_t msg_len = 0, n = 0, t = 1, k_signers = 0;
    char name[96];
    int rc;

    if (ctx == NULL || root == NULL)
        return SH_ERR_ARG;
    g = v.g = ctx->g;
    if (checked != NULL)
        *checked = 0;
    if (differ != NULL)
        *differ = 0;

    /* ---- primary inputs ---- */
    if ((rc = get_scalar(&v, root, "inputs.group_secret_key", raw, &secret)) != 0
        || (rc = get_hex_var(&v, root, "inputs.message", &msg, &msg_len)) != 0
        || (rc = sh_json_get_array(root, "inputs.participant_list", 1, MPC_MAX_PARTIES, &plist,
                                   v.err, v.errlen)) != 0
        || (rc = sh_json_get_array(root, "inputs.participant_shares", 1, MPC_MAX_PARTIES,
                                   &pshares, v.err, v.errlen)) != 0
        || (rc = sh_json_get_array(root, "round_one_outputs.outputs", 1, MPC_MAX_PARTIES, &r1,
                                   v.err, v.errlen)) != 0
        || (rc = sh_json_get_array(root, "round_two_outputs.outputs", 1, MPC_MAX_PARTIES, &r2,
                                   v.err, v.errlen)) != 0)
        goto done;
    if (sh_json_has(root, "inputs.share_polynomial_coefficients")
        && (rc = sh_json_get_array(root, "inputs.share_polynomial_coefficients", 0,
                                   MPC_MAX_PARTIES - 1, &coeffs, v.err, v.errlen)) != 0)
        goto done;
    for (size_t i = 0; i < json_array_size(pshares); i++) {
        uint32_t id;
        if ((rc = item_err(&v, get_id(&v, json_array_get(pshares, i), &id),
                           "inputs.participant_shares[]")) != 0)
            goto done;
        if (id > n)
            n = id;
    }
    if (coeffs != NULL)
        t = json_array_size(coeffs) + 1;
    rc = SH_ERR_NOMEM;
    if ((poly = mpc_scalars_alloc(t)) == NULL || (shares = mpc_scalars_alloc(n)) == NULL
        || (kps = mpc_frost_key_packages_alloc(n)) == NULL
        || (pub.verifying_shares = mpc_elems_alloc(n)) == NULL)
        goto done;
    poly[0] = secret;
    for (size_t j = 1; j < t; j++) {
        snprintf(name, sizeof name, "inputs.share_polynomial_coefficients[%zu]", j - 1);
        json_t *c = json_array_get(coeffs, j - 1);
        if (!json_is_string(c)
            || sh_hex_decode_exact_str(raw, MPC_SCALAR_BYTES, json_string_value(c)) != 0
            || mpc_scalar_decode(g, &poly[j], raw) != 0) {
            snprintf(v.err, v.errlen, "%s: not a 32-byte canonical scalar in hex", name);
            rc = SH_ERR_FORMAT;
            goto done;
        }
    }

    /* ---- keys: the group key and the shares (from the polynomial if given) ---- */
    mpc_elem_mul_base(g, &pub.group_key, &secret);
    if ((rc = get_hex(&v, root, "inputs.group_public_key", raw, ctx->ne)) != 0)
        goto done;
    report_elem(&v, "group_public_key", raw, &pub.group_key);
    for (uint32_t i = 0; i < n; i++)
        mpc_elem_base(g, &pub.verifying_shares[i]);   /* ids without a share: unused */
    for (size_t i = 0; i < json_array_size(pshares); i++) {
        json_t *o = json_array_get(pshares, i);
        mpc_scalar s, x;
        uint32_t id;
        if ((rc = get_id(&v, o, &id)) != 0
            || (rc = item_err(&v, get_scalar(&v, o, "participant_share", raw, &s),
                              "inputs.participant_shares[]")) != 0)
            goto done;
        if (coeffs != NULL) {
            mpc_scalar_from_u64(g, &x, id);
            mpc_poly_eval(g, &shares[id - 1], poly, (uint32_t)t, &x);
            snprintf(name, sizeof name, "participant_share[%u]", id);
            report_scalar(&v, name, raw, &shares[id - 1]);
        } else {
            shares[id - 1] = s;
        }
        kps[id - 1].share = shares[id - 1];
        mpc_elem_mul_base(g, &kps[id - 1].verifying_share, &shares[id - 1]);
        kps[id - 1].group_key = pub.group_key;
        kps[id - 1].id = id;
        kps[id - 1].min_signers = (uint32_t)t;
        pub.verifying_shares[id - 1] = kps[id - 1].verifying_share;
        mpc_scalar_wipe(&s);
    }
    pub.n = (uint32_t)n;
    pub.min_signers = (uint32_t)t;

    /* ---- round one: nonces from the randomness, commitments ---- */
    k_signers = json_array_size(r1);
    rc = SH_ERR_NOMEM;
    if ((cm = mpc_frost_commitments_alloc(k_signers)) == NULL
        || (sv = zk_aligned_alloc(k_signers, sizeof *sv)) == NULL
        || (z = mpc_scalars_alloc(k_signers)) == NULL)
        goto done;
    for (size_t i = 0; i < k_signers; i++) {
        json_t *o = json_array_get(r1, i);
        uint8_t hr[32], br[32];
        mpc_elem D, E;
        uint32_t id;
        if ((rc = item_err(&v, get_id(&v, o, &id), "round_one_outputs.outputs[]")) != 0)
            goto done;
        if (id > n || kps[id - 1].id != id) {
            snprintf(v.err, v.errlen, "round_one_outputs.outputs[]: identifier %u has no "
                     "participant share", id);
            rc = SH_ERR_RANGE;
            goto done;
        }
        if ((rc = item_err(&v, get_hex(&v, o, "hiding_nonce_randomness", hr, 32),
                           "round_one_outputs.outputs[]")) != 0
            || (rc = item_err(&v, get_hex(&v, o, "binding_nonce_randomness", br, 32),
                              "round_one_outputs.outputs[]")) != 0)
            goto done;
        sv[i].id = id;
        mpc_frost_nonce_generate(ctx, &sv[i].hn, hr, &shares[id - 1]);
        mpc_frost_nonce_generate(ctx, &sv[i].bn, br, &shares[id - 1]);
        mpc_elem_mul_base(g, &D, &sv[i].hn);
        mpc_elem_mul_base(g, &E, &sv[i].bn);
        if ((rc = mpc_frost_commitment_set(ctx, &cm[i], id, &D, &E)) != 0)
            goto done;
        static const char *const fields[4] = { "hiding_nonce", "binding_nonce",
                                               "hiding_nonce_commitment",
                                               "binding_nonce_commitment" };
        for (int f = 0; f < 4; f++) {
            if ((rc = item_err(&v, get_hex(&v, o, fields[f], raw, f < 2 ? 32 : ctx->ne),
                               "round_one_outputs.outputs[]")) != 0)
                goto done;
            snprintf(name, sizeof name, "%s[%u]", fields[f], id);
            if (f < 2)
                report_scalar(&v, name, raw, f == 0 ? &sv[i].hn : &sv[i].bn);
            else
                report_elem(&v, name, raw, f == 2 ? &D : &E);
        }
    }

    /* The participants of round one are the participant list. */
    if (json_array_size(plist) != k_signers) {
        snprintf(v.err, v.errlen, "inputs.participant_list: %zu participants, but %zu in "
                 "round_one_outputs.outputs", json_array_size(plist), k_signers);
        rc = SH_ERR_LENGTH;
        goto done;
    }
    for (size_t i = 0; i < k_signers; i++) {
        json_t *e = json_array_get(plist, i);
        size_t j;
        for (j = 0; j < k_signers; j++)
            if (json_is_integer(e) && json_integer_value(e) == (json_int_t)sv[j].id)
                break;
        if (j == k_signers) {
            snprintf(v.err, v.errlen, "inputs.participant_list[%zu]: not an identifier of "
                     "round_one_outputs.outputs", i);
            rc = SH_ERR_FORMAT;
            goto done;
        }
    }

    /* ---- the signing package, binding factors ---- */
    mpc_frost_signing_package pkg = { .commitments = cm, .n = k_signers, .msg = msg,
                                      .msg_len = msg_len };
    qsort(cm, k_signers, sizeof *cm, cmp_commitment);
    if ((rc = mpc_frost_package_check(ctx, &pkg, 0)) != 0) {
        snprintf(v.err, v.errlen, "round_one_outputs.outputs: identifiers are not distinct");
        goto done;
    }
    mpc_scalar *rho = z;                          /* the array z holds the binding factors */
    if ((rc = mpc_frost_binding_factors(ctx, &pub.group_key, &pkg, rho)) != 0)
        goto done;
    size_t cap = MPC_ELEM_MAX_BYTES + 2 * 64 + MPC_SCALAR_BYTES;
    if ((buf = malloc(cap)) == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < k_signers; i++) {
        json_t *o = json_array_get(r1, i);
        uint8_t *exp = NULL;
        size_t elen, glen, pos = frost_find_id(&pkg, sv[i].id);
        if ((rc = item_err(&v, get_hex_var(&v, o, "binding_factor_input", &exp, &elen),
                           "round_one_outputs.outputs[]")) != 0)
            goto done;
        rc = mpc_frost_binding_factor_input(ctx, &pub.group_key, &pkg, pos, buf, cap, &glen);
        if (rc == 0) {
            snprintf(name, sizeof name, "binding_factor_input[%u]", sv[i].id);
            report(&v, name, exp, elen, buf, glen);
        }
        free(exp);
        if (rc != 0 || (rc = item_err(&v, get_hex(&v, o, "binding_factor", raw, 32),
                                      "round_one_outputs.outputs[]")) != 0)
            goto done;
        snprintf(name, sizeof name, "binding_factor[%u]", sv[i].id);
        report_scalar(&v, name, raw, &rho[pos]);
    }

    /* ---- round two: shares; the signature ---- */
    mpc_frost_share *sh = calloc(k_signers, sizeof *sh);
    if (sh == NULL) {
        rc = SH_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < k_signers; i++) {
        if ((rc = mpc_frost_sign_with_nonces(ctx, &kps[sv[i].id - 1], &sv[i].hn, &sv[i].bn,
                                             &pkg, &sh[i].z)) != 0)
            break;
        sh[i].id = sv[i].id;
    }
    for (size_t j = 0; rc == 0 && j < json_array_size(r2); j++) {
        json_t *o = json_array_get(r2, j);
        uint32_t id;
        size_t i;
        if ((rc = item_err(&v, get_id(&v, o, &id), "round_two_outputs.outputs[]")) != 0
            || (rc = item_err(&v, get_hex(&v, o, "sig_share", raw, 32),
                              "round_two_outputs.outputs[]")) != 0)
            break;
        for (i = 0; i < k_signers && sv[i].id != id; i++)
            ;
        if (i == k_signers) {
            snprintf(v.err, v.errlen, "round_two_outputs.outputs[]: identifier %u did not "
                     "take part in round one", id);
            rc = SH_ERR_RANGE;
            break;
        }
        snprintf(name, sizeof name, "sig_share[%u]", id);
        report_scalar(&v, name, raw, &sh[i].z);
    }
    if (rc == 0) {
        uint8_t sig[MPC_FROST_MAX_SIG_BYTES], exp[MPC_FROST_MAX_SIG_BYTES];
        uint32_t *bad = calloc(k_signers, sizeof *bad);
        size_t sig_len = 0, n_bad = 0, sb = ctx->suite->sig_bytes;
        if (bad == NULL)
            rc = SH_ERR_NOMEM;
        else if ((rc = get_hex(&v, root, "final_output.sig", exp, sb)) == 0) {
            int arc = mpc_frost_aggregate(ctx, &pub, &pkg, sh, k_signers, sig, sizeof sig,
                                          &sig_len, bad, &n_bad);
            if (arc != 0)
                memset(sig, 0, sb);
            report(&v, "sig", exp, sb, sig, sb);
            /* And the file's signature passes the suite's verifier. */
            int vrc = mpc_frost_verify(ctx, &pub.group_key, NULL, msg, msg_len, exp, sb);
            uint8_t one = 1, got = vrc == 0;
            report(&v, "sig (verifies)", &one, 1, &got, 1);
        }
        free(bad);
    }
    for (size_t i = 0; i < k_signers; i++)
        mpc_scalar_wipe(&sh[i].z);
    free(sh);
    if (rc == 0)
        rc = v.differ == 0 ? 0 : SH_ERR_VERIFY;
done:
    if (checked != NULL)
        *checked = v.checked;
    if (differ != NULL)
        *differ = v.differ;
    mpc_scalar_wipe(&secret);
    mpc_scalars_free(poly, t);
    mpc_scalars_free(shares, n);
    mpc_frost_key_packages_free(kps, n);
    mpc_elems_free(pub.verifying_shares, n);
    mpc_frost_commitments_free(cm, k_signers);
    if (sv != NULL) {
        sodium_memzero(sv, k_signers * sizeof *sv);
        free(sv);
    }
    mpc_scalars_free(z, k_signers);
    free(msg);
    free(buf);
    return rc;
}
