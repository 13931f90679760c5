/* zk/elgamal.c -- ElGamal vectors on ristretto255: arithmetic, the wire
 * format, and the proof of knowledge of the randomness (zk/elgamal.h). */
#include "zk/elgamal.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/msm.h"
#include "zk/schnorr.h"

/* ---- keys and arithmetic ---------------------------------------------- */

void zk_elgamal_keygen(zk_scalar *sk, zk_point *pk, sh_rng *rng)
{
    zk_scalar_random_nonzero(sk, rng);
    zk_point_mul_base(pk, sk);
}

/* r*pk for many secret r under one public pk: a fixed-base table from
 * width 2 on (zk_point_table); a failed allocation just falls back to
 * zk_point_mul. */
typedef struct pk_mul {
    const zk_point *pk;
    zk_point_table *tab;    /* NULL: use zk_point_mul */
} pk_mul;

static void pk_mul_init(pk_mul *m, const zk_point *pk, size_t w)
{
    m->pk = pk;
    m->tab = w >= 2 ? zk_point_table_new(pk) : NULL;
}

static void pk_mul_free(pk_mul *m)
{
    zk_point_table_free(m->tab);
}

static void pk_mul_do(zk_point *out, const pk_mul *m, const zk_scalar *r)
{
    if (m->tab != NULL)
        zk_point_table_mul(out, m->tab, r);
    else
        zk_point_mul(out, m->pk, r);
}

/* out = (c1, c2) + (r*B, r*pk) for fresh r; the shared step of encryption
 * ((c1, c2) = (identity, M)) and re-encryption.  Constant time in r, c1
 * and c2. */
static void add_randomness(zk_elgamal_ct *out, zk_scalar *r_out, const pk_mul *pk,
                           const zk_point *c1, const zk_point *c2, sh_rng *rng)
{
    zk_scalar r;
    zk_point rb, rp;
    zk_scalar_random_nonzero(&r, rng);
    zk_point_mul_base(&rb, &r);
    pk_mul_do(&rp, pk, &r);
    zk_point_add(&out->c1, c1, &rb);
    zk_point_add(&out->c2, c2, &rp);
    if (r_out != NULL)
        *r_out = r;
    zk_scalar_wipe(&r);
    zk_point_wipe(&rb);
    zk_point_wipe(&rp);
}

static int check_args(const void *a, const void *b, const zk_point *pk, size_t w,
                      const sh_rng *rng)
{
    if (a == NULL || b == NULL || pk == NULL || rng == NULL || w == 0)
        return SH_ERR_ARG;
    if (zk_point_is_identity(pk))
        return SH_ERR_IDENTITY;
    return SH_OK;
}

int zk_elgamal_encrypt(zk_elgamal_ct *ct, zk_scalar *r, const zk_point *pk,
                       const zk_point *m, size_t w, sh_rng *rng)
{
    int rc = check_args(ct, m, pk, w, rng);
    if (rc != SH_OK)
        return rc;
    zk_point id;
    pk_mul pm;
    zk_point_identity(&id);
    pk_mul_init(&pm, pk, w);
    for (size_t j = 0; j < w; j++)
        add_randomness(&ct[j], r != NULL ? &r[j] : NULL, &pm, &id, &m[j], rng);
    pk_mul_free(&pm);
    return SH_OK;
}

int zk_elgamal_reencrypt(zk_elgamal_ct *out, zk_scalar *r, const zk_point *pk,
                         const zk_elgamal_ct *in, size_t w, sh_rng *rng)
{
    int rc = check_args(out, in, pk, w, rng);
    if (rc != SH_OK)
        return rc;
    pk_mul pm;
    pk_mul_init(&pm, pk, w);
    for (size_t j = 0; j < w; j++) {
        /* Copy first: out[j] may be in[j]. */
        zk_point c1 = in[j].c1, c2 = in[j].c2;
        add_randomness(&out[j], r != NULL ? &r[j] : NULL, &pm, &c1, &c2, rng);
    }
    pk_mul_free(&pm);
    return SH_OK;
}

int zk_elgamal_decrypt(zk_point *m, const zk_scalar *sk, const zk_elgamal_ct *ct,
                       size_t w)
{
    if (m == NULL || sk == NULL || ct == NULL || w == 0)
        return SH_ERR_ARG;
    zk_point s;
    for (size_t j = 0; j < w; j++) {
        zk_point_mul(&s, &ct[j].c1, sk);
        zk_point_sub(&m[j], &ct[j].c2, &s);
    }
    zk_point_wipe(&s);
    return SH_OK;
}


int zk_elgamal_encrypt_bytes(zk_elgamal_ct *ct, size_t w, zk_scalar *r, const zk_point *pk,
                             const uint8_t *msg, size_t len, sh_rng *rng)
{
    if (ct == NULL || pk == NULL || rng == NULL)
        return SH_ERR_ARG;
    if (len > ZK_ENCODE_MAX_BYTES)
        return SH_ERR_OVERSIZE;
    if (w != zk_encode_width(len))
        return SH_ERR_ARG;
    zk_point *m = zk_points_alloc(w);
    if (m == NULL)
        return SH_ERR_NOMEM;
    int rc = zk_encode_bytes(m, w, msg, len);
    if (rc == SH_OK)
        rc = zk_elgamal_encrypt(ct, r, pk, m, w, rng);
    zk_points_free(m, w);
    return rc;
}

int zk_elgamal_decrypt_bytes(uint8_t *out, size_t out_cap, size_t *out_len,
                             const zk_scalar *sk, const zk_elgamal_ct *ct, size_t w)
{
    if (out_len == NULL)
        return SH_ERR_ARG;
    *out_len = 0;
    if (sk == NULL || ct == NULL || w == 0)
        return SH_ERR_ARG;
    if (w > ZK_ENCODE_MAX_WIDTH)
        return SH_ERR_OVERSIZE;
    zk_point *m = zk_points_alloc(w);
    if (m == NULL)
        return SH_ERR_NOMEM;
    int rc = zk_elgamal_decrypt(m, sk, ct, w);
    if (rc == SH_OK)
        rc = zk_decode_bytes(out, out_cap, out_len, m, w);
    zk_points_free(m, w);
    return rc;
}

/* ---- serialization ---------------------------------------------------- */

size_t zk_elgamal_ct_size(size_t w)
{
    return ZK_ELGAMAL_HEADER_BYTES + ZK_ELGAMAL_COMPONENT_BYTES * w;
}

int zk_elgamal_ct_encode(uint8_t *out, size_t out_len, const zk_elgamal_ct *ct, size_t w)
{
    if (out == NULL || ct == NULL || w == 0 || w > ZK_ELGAMAL_MAX_WIDTH ||
        out_len != zk_elgamal_ct_size(w))
        return SH_ERR_ARG;
    out[0] = (uint8_t)(w & 0xff);
    out[1] = (uint8_t)(w >> 8);
    uint8_t *p = out + ZK_ELGAMAL_HEADER_BYTES;
    for (size_t j = 0; j < w; j++) {
        zk_point_encode(p, &ct[j].c1);
        zk_point_encode(p + ZK_POINT_BYTES, &ct[j].c2);
        p += ZK_ELGAMAL_COMPONENT_BYTES;
    }
    return SH_OK;
}

int zk_elgamal_ct_decode_width(size_t *w, const uint8_t *in, size_t len)
{
    if (w == NULL || (in == NULL && len > 0))
        return SH_ERR_ARG;
    *w = 0;
    if (len < ZK_ELGAMAL_HEADER_BYTES)
        return SH_ERR_TRUNCATED;
    size_t width = (size_t)in[0] | ((size_t)in[1] << 8);
    if (width == 0)
        return SH_ERR_RANGE;
    if (width > ZK_ELGAMAL_MAX_WIDTH)
        return SH_ERR_OVERSIZE;
    size_t need = zk_elgamal_ct_size(width);
    if (len < need)
        return SH_ERR_TRUNCATED;
    if (len > need)
        return SH_ERR_TRAILING;
    *w = width;
    return SH_OK;
}

int zk_elgamal_point_decode(zk_point *p, const uint8_t in[ZK_POINT_BYTES])
{
    /* The field element must be < p = 2^255 - 19: the top bit clear, and
     * not one of the 19 values 2^255-19 .. 2^255-1 (bytes 1..30 all 0xff,
     * byte 31 = 0x7f, byte 0 >= 0xed).  libdecaf rejects these too; the
     * check only separates "not canonical" from "no such point". */
    int high = (in[31] & 0x80) != 0;
    int ge_p = in[31] == 0x7f && in[0] >= 0xed;
    for (size_t i = 1; i < 31 && ge_p; i++)
        ge_p = in[i] == 0xff;
    if (high || ge_p) {
        zk_point_identity(p);
        return SH_ERR_NONCANONICAL;
    }
    return zk_point_decode(p, in) == SH_OK ? SH_OK : SH_ERR_POINT;
}

int zk_elgamal_ct_decode(zk_elgamal_ct *ct, size_t cap, size_t *w,
                         const uint8_t *in, size_t len)
{
    if (ct == NULL || w == NULL)
        return SH_ERR_ARG;
    size_t width;
    int rc = zk_elgamal_ct_decode_width(&width, in, len);
    *w = 0;
    if (rc != SH_OK)
        return rc;
    if (width > cap)
        return SH_ERR_OVERSIZE;
    const uint8_t *p = in + ZK_ELGAMAL_HEADER_BYTES;
    for (size_t j = 0; j < width && rc == SH_OK; j++) {
        rc = zk_elgamal_point_decode(&ct[j].c1, p);
        if (rc == SH_OK)
            rc = zk_elgamal_point_decode(&ct[j].c2, p + ZK_POINT_BYTES);
        p += ZK_ELGAMAL_COMPONENT_BYTES;
    }
    if (rc != SH_OK) {
        for (size_t j = 0; j < width; j++) {
            zk_point_identity(&ct[j].c1);
            zk_point_identity(&ct[j].c2);
        }
        return rc;
    }
    *w = width;
    return SH_OK;
}

/* ---- proof of knowledge of the randomness ------------------------------ */

/* The part of the transcript shared by all submissions of one epoch. */
static void pok_prefix(zk_transcript *t, const zk_point *pk, const uint8_t *ctx,
                       size_t ctx_len)
{
    zk_transcript_init(t, ZK_ELGAMAL_POK_DOMAIN);
    zk_transcript_append(t, "context", ctx, ctx_len);
    zk_transcript_append_point(t, "pk", pk);
}

/* Absorb the ciphertext as its wire encoding (so a verifier holding the
 * received bytes need not re-encode 2w points) and draw the weights
 * e[0..w): each the first 16 bytes (little endian, < 2^128) of a 64-byte
 * challenge "e".  128-bit weights keep the soundness error at 2^-128 (a
 * cheating prover must hit one weight vector) and halve the verifier's MSM. */
static void pok_body(zk_transcript *t, zk_scalar *e, const uint8_t *wire, size_t w)
{
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    uint8_t wide[ZK_SCALAR_BYTES] = { 0 };

    zk_transcript_append(t, "ciphertext", wire, zk_elgamal_ct_size(w));
    for (size_t j = 0; j < w; j++) {
        zk_transcript_challenge_bytes(t, "e", h);
        memcpy(wide, h, 16);
        zk_scalar_reduce(&e[j], wide, sizeof wide);
    }
}

/* Scratch space: the weights, a contiguous copy of the C1s for the MSM and
 * the wire encoding.  Small widths (a 200-byte transaction is 7 points)
 * stay on the stack. */
enum { POK_STACK_WIDTH = 8 };
typedef struct pok_scratch {
    zk_scalar e_small[POK_STACK_WIDTH];
    zk_point p_small[POK_STACK_WIDTH];
    uint8_t wire_small[ZK_ELGAMAL_HEADER_BYTES + ZK_ELGAMAL_COMPONENT_BYTES * POK_STACK_WIDTH];
    zk_scalar *e;
    zk_point *p;
    uint8_t *wire;
} pok_scratch;

static int scratch_init(pok_scratch *s, size_t w)
{
    if (w <= POK_STACK_WIDTH) {
        s->e = s->e_small;
        s->p = s->p_small;
        s->wire = s->wire_small;
        return SH_OK;
    }
    if (w > ZK_ELGAMAL_MAX_WIDTH)
        return SH_ERR_ARG;
    s->e = malloc(w * sizeof *s->e);
    s->p = zk_points_alloc(w);
    s->wire = malloc(zk_elgamal_ct_size(w));
    if (s->e == NULL || s->p == NULL || s->wire == NULL) {
        free(s->e);
        free(s->p);
        free(s->wire);
        return SH_ERR_NOMEM;
    }
    return SH_OK;
}

static void scratch_free(pok_scratch *s)
{
    if (s->e != s->e_small) {
        free(s->e);
        free(s->p);
        free(s->wire);
    }
}

/* Given a transcript holding the prefix and wire = the encoding of ct:
 * refuse an identity C1, absorb the ciphertext and compute the statement
 * X = sum e_j C1_j (public data, variable time).  X is a computed point, so
 * it is encoded here, once, for the Schnorr transcript. */
static int pok_statement(zk_elem *X, zk_transcript *t, pok_scratch *s,
                         const zk_elgamal_ct *ct, const uint8_t *wire, size_t w)
{
    for (size_t j = 0; j < w; j++)
        if (zk_point_is_identity(&ct[j].c1))
            return SH_ERR_IDENTITY;
    pok_body(t, s->e, wire, w);
    for (size_t j = 0; j < w; j++)
        s->p[j] = ct[j].c1;
    zk_point sum;
    int rc = zk_msm(&sum, s->e, s->p, w);
    if (rc == SH_OK)
        zk_elem_set(X, &sum);
    return rc;
}

int zk_elgamal_prove(uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                     const zk_elgamal_ct *ct, const zk_scalar *r, size_t w,
                     const uint8_t *ctx, size_t ctx_len, sh_rng *rng)
{
    if (proof == NULL || pk == NULL || ct == NULL || r == NULL || rng == NULL || w == 0 ||
        w > ZK_ELGAMAL_MAX_WIDTH || (ctx == NULL && ctx_len > 0))
        return SH_ERR_ARG;
    pok_scratch s;
    int rc = scratch_init(&s, w);
    if (rc != SH_OK)
        return rc;
    zk_transcript t;
    zk_scalar x, ex;
    zk_point X;
    zk_elem Xe;
    rc = zk_elgamal_ct_encode(s.wire, zk_elgamal_ct_size(w), ct, w);
    if (rc != SH_OK)
        goto out;
    pok_prefix(&t, pk, ctx, ctx_len);
    pok_body(&t, s.e, s.wire, w);
    /* x = sum e_j r_j and X = x*B, constant time in the r_j; X equals the
     * verifier's sum e_j C1_j exactly when C1_j = r_j*B. */
    zk_scalar_zero(&x);
    for (size_t j = 0; j < w; j++) {
        zk_scalar_mul(&ex, &s.e[j], &r[j]);
        zk_scalar_add(&x, &x, &ex);
    }
    zk_point_mul_base(&X, &x);
    zk_elem_set(&Xe, &X);
    rc = zk_schnorr_prove(proof, &t, NULL, &Xe, &x, rng);
    zk_scalar_wipe(&x);
    zk_scalar_wipe(&ex);
    zk_transcript_wipe(&t);
out:
    scratch_free(&s);
    return rc;
}

int zk_elgamal_verify(const uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                      const zk_elgamal_ct *ct, size_t w,
                      const uint8_t *ctx, size_t ctx_len)
{
    if (proof == NULL || pk == NULL || ct == NULL || w == 0 || w > ZK_ELGAMAL_MAX_WIDTH ||
        (ctx == NULL && ctx_len > 0))
        return SH_ERR_ARG;
    pok_scratch s;
    int rc = scratch_init(&s, w);
    if (rc != SH_OK)
        return rc;
    zk_transcript t;
    zk_elem X;
    rc = zk_elgamal_ct_encode(s.wire, zk_elgamal_ct_size(w), ct, w);
    if (rc == SH_OK) {
        pok_prefix(&t, pk, ctx, ctx_len);
        rc = pok_statement(&X, &t, &s, ct, s.wire, w);
    }
    if (rc == SH_OK)
        rc = zk_schnorr_verify(proof, &t, NULL, &X);
    scratch_free(&s);
    return rc;
}

/* Decode one received ciphertext and verify its proof on a transcript that
 * already holds the prefix (shared by the single and the batch path). */
static int decode_statement(zk_elem *X, zk_transcript *t, zk_elgamal_ct *ct, size_t cap,
                            size_t *w, const uint8_t *wire, size_t len)
{
    int rc = zk_elgamal_ct_decode(ct, cap, w, wire, len);
    if (rc != SH_OK)
        return rc;
    pok_scratch s;
    if ((rc = scratch_init(&s, *w)) == SH_OK) {
        rc = pok_statement(X, t, &s, ct, wire, *w);
        scratch_free(&s);
    }
    if (rc != SH_OK)
        *w = 0;
    return rc;
}

int zk_elgamal_verify_wire(const uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                           const uint8_t *wire, size_t wire_len,
                           const uint8_t *ctx, size_t ctx_len,
                           zk_elgamal_ct *ct, size_t cap, size_t *w)
{
    if (w != NULL)
        *w = 0;
    if (proof == NULL || pk == NULL || ct == NULL || w == NULL ||
        (wire == NULL && wire_len > 0) || (ctx == NULL && ctx_len > 0))
        return SH_ERR_ARG;
    zk_transcript t;
    zk_elem X;
    pok_prefix(&t, pk, ctx, ctx_len);
    int rc = decode_statement(&X, &t, ct, cap, w, wire, wire_len);
    if (rc == SH_OK)
        rc = zk_schnorr_verify(proof, &t, NULL, &X);
    if (rc != SH_OK)
        *w = 0;
    return rc;
}

int zk_elgamal_encrypt_bytes_pok(zk_elgamal_ct *ct, size_t w,
                                 uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                                 const uint8_t *msg, size_t len,
                                 const uint8_t *ctx, size_t ctx_len, sh_rng *rng)
{
    if (proof == NULL || (ctx == NULL && ctx_len > 0))
        return SH_ERR_ARG;
    if (len > ZK_ENCODE_MAX_BYTES)
        return SH_ERR_OVERSIZE;
    if (w == 0 || w != zk_encode_width(len))
        return SH_ERR_ARG;
    zk_scalar *r = malloc(w * sizeof *r);
    if (r == NULL)
        return SH_ERR_NOMEM;
    int rc = zk_elgamal_encrypt_bytes(ct, w, r, pk, msg, len, rng);
    if (rc == SH_OK)
        rc = zk_elgamal_prove(proof, pk, ct, r, w, ctx, ctx_len, rng);
    sodium_memzero(r, w * sizeof *r);
    free(r);
    return rc;
}

int zk_elgamal_batch_verify(zk_elgamal_pok_item *items, size_t n, const zk_point *pk,
                            const uint8_t *ctx, size_t ctx_len, sh_rng *rng,
                            size_t *bad)
{
    if (bad != NULL)
        *bad = n;
    if (n == 0)
        return SH_OK;
    if (items == NULL || pk == NULL || rng == NULL || (ctx == NULL && ctx_len > 0))
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        items[i].w = 0;
    if (n > SIZE_MAX / (sizeof(zk_transcript) + sizeof(zk_elem) + ZK_ELGAMAL_POK_BYTES))
        return SH_ERR_NOMEM;

    zk_transcript *t = malloc(n * sizeof *t);
    zk_elem *X = zk_aligned_alloc(n, sizeof *X);
    uint8_t (*proofs)[ZK_SCHNORR_PROOF_BYTES] = malloc(n * sizeof *proofs);
    int rc = SH_ERR_NOMEM;
    size_t where = n;
    if (t == NULL || X == NULL || proofs == NULL)
        goto out;

    /* The prefix (domain, context, key) is hashed once and copied. */
    zk_transcript prefix;
    pok_prefix(&prefix, pk, ctx, ctx_len);
    for (size_t i = 0; i < n; i++) {
        zk_elgamal_pok_item *it = &items[i];
        where = i;
        if (it->proof == NULL || it->ct == NULL || (it->wire == NULL && it->wire_len > 0)) {
            rc = SH_ERR_ARG;
            goto out;
        }
        t[i] = prefix;
        rc = decode_statement(&X[i], &t[i], it->ct, it->cap, &it->w, it->wire, it->wire_len);
        if (rc != SH_OK)
            goto out;
        memcpy(proofs[i], it->proof, ZK_SCHNORR_PROOF_BYTES);
    }
    rc = zk_schnorr_batch_verify((const uint8_t (*)[ZK_SCHNORR_PROOF_BYTES])proofs, t, NULL,
                                 X, n, rng, bad != NULL ? &where : NULL);
out:
    if (rc != SH_OK) {
        if (bad != NULL)
            *bad = where;
        for (size_t i = 0; i < n; i++)
            items[i].w = 0;
    }
    free(t);
    free(X);
    free(proofs);
    return rc;
}
