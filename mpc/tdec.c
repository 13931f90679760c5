/* mpc/tdec.c -- threshold ElGamal decryption on ristretto255 (mpc/tdec.h).
 * docs/threshold-decryption.md is the specification this file implements;
 * the wire format is in mpc/tdec_msg.c. */
#include "mpc/tdec.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "zk/msm.h"
#include "zk/schnorr.h"

/* A zk_elem from a point and its encoding that are known to agree (both
 * came from one zk_point_encode or one strict decode): no re-encoding. */
static void elem_fill(zk_elem *e, const zk_point *p, const uint8_t enc[ZK_POINT_BYTES])
{
    e->p = *p;
    memcpy(e->enc, enc, ZK_POINT_BYTES);
}

static int id_ok(uint32_t id, uint32_t n)
{
    return id >= 1 && id <= n;
}

/* ---- keys ------------------------------------------------------------------ */

void mpc_tdec_pub_clear(mpc_tdec_pub *pk)
{
    if (pk == NULL)
        return;
    free(pk->X);
    mpc_group_free(pk->g);
    memset(pk, 0, sizeof *pk);
}

/* Common part of the two inits: ranges, the group, the key array. */
static int pub_alloc(mpc_tdec_pub *pk, uint32_t t, uint32_t n)
{
    memset(pk, 0, sizeof *pk);
    if (t < 1 || t > n || n > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    pk->t = t;
    pk->n = n;
    pk->g = mpc_group_new(MPC_RISTRETTO255, NULL);
    pk->X = zk_aligned_alloc(n, sizeof(zk_elem));
    if (pk->g == NULL || pk->X == NULL) {
        mpc_tdec_pub_clear(pk);
        return SH_ERR_NOMEM;
    }
    return 0;
}

/* Refuse the identity as Y or as any X_i. */
static int pub_check(mpc_tdec_pub *pk)
{
    int bad = zk_point_is_identity(&pk->Y.p);
    for (uint32_t i = 0; i < pk->n; i++)
        bad |= zk_point_is_identity(&pk->X[i].p);
    if (bad) {
        mpc_tdec_pub_clear(pk);
        return SH_ERR_IDENTITY;
    }
    return 0;
}

int mpc_tdec_pub_init(mpc_tdec_pub *pk, uint32_t t, uint32_t n, const zk_elem *Y,
                      const zk_elem *X)
{
    if (pk == NULL)
        return SH_ERR_ARG;
    if (Y == NULL || X == NULL) {
        memset(pk, 0, sizeof *pk);
        return SH_ERR_ARG;
    }
    int rc = pub_alloc(pk, t, n);
    if (rc != 0)
        return rc;
    pk->Y = *Y;
    memcpy(pk->X, X, (size_t)n * sizeof(zk_elem));
    return pub_check(pk);
}

int mpc_tdec_pub_init_feldman(mpc_tdec_pub *pk, const mpc_elem *C, uint32_t t,
                              uint32_t n)
{
    if (pk == NULL)
        return SH_ERR_ARG;
    if (C == NULL) {
        memset(pk, 0, sizeof *pk);
        return SH_ERR_ARG;
    }
    int rc = pub_alloc(pk, t, n);
    if (rc != 0)
        return rc;
    mpc_scalar *x = mpc_scalars_alloc(1);
    mpc_elem *e = mpc_elems_alloc(1);
    if (x == NULL || e == NULL) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    zk_elem_set(&pk->Y, &C[0].u.r);
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        mpc_scalar_from_u64(pk->g, x, (uint64_t)i + 1);
        if ((rc = mpc_feldman_eval(pk->g, e, C, t, x)) == 0)
            zk_elem_set(&pk->X[i], &e->u.r);
    }
out:
    mpc_scalars_free(x, 1);
    mpc_elems_free(e, 1);
    if (rc != 0) {
        mpc_tdec_pub_clear(pk);
        return rc;
    }
    return pub_check(pk);
}

int mpc_tdec_secret_init(mpc_tdec_secret *sk, uint32_t id, const zk_scalar *x)
{
    if (sk == NULL || x == NULL)
        return SH_ERR_ARG;
    memset(sk, 0, sizeof *sk);
    if (id < 1 || id > MPC_MAX_PARTIES)
        return SH_ERR_RANGE;
    /* Whether the share is zero is not a secret worth hiding: a zero share
     * is refused outright. */
    int zero = zk_scalar_is_zero(x);
    sh_ct_declassify(&zero, sizeof zero);
    if (zero)
        return SH_ERR_ZERO;
    zk_point P;
    sk->id = id;
    sk->x = *x;
    zk_point_mul_base(&P, &sk->x);
    sh_ct_declassify(&P, sizeof P);          /* the public verification key */
    zk_elem_set(&sk->X, &P);
    return 0;
}

void mpc_tdec_secret_wipe(mpc_tdec_secret *sk)
{
    if (sk != NULL)
        sodium_memzero(sk, sizeof *sk);
}

/* ---- the batch ------------------------------------------------------------- */

void mpc_tdec_batch_clear(mpc_tdec_batch *b)
{
    if (b == NULL)
        return;
    free(b->c1);   /* one block: c1, c2, c1enc */
    memset(b, 0, sizeof *b);
}

/* Checks, the block, and the transcript prefix up to the start of the
 * "batch" value (whose bytes the caller streams in). */
static int batch_start(mpc_tdec_batch *b, const mpc_tdec_pub *pk, const uint8_t *ctx,
                       size_t ctx_len, size_t n, size_t w)
{
    memset(b, 0, sizeof *b);
    if (pk == NULL || (ctx == NULL && ctx_len > 0) || n == 0 || w == 0
        || w > ZK_ELGAMAL_MAX_WIDTH || ctx_len > MPC_TDEC_MAX_CONTEXT)
        return SH_ERR_ARG;
    if (n > MPC_TDEC_MAX_COMPONENTS / w)
        return SH_ERR_OVERSIZE;
    size_t m = n * w;
    b->c1 = zk_aligned_alloc(1, 2 * m * sizeof(zk_point) + m * ZK_POINT_BYTES);
    if (b->c1 == NULL)
        return SH_ERR_NOMEM;
    b->c2 = b->c1 + m;
    b->c1enc = (uint8_t *)(b->c2 + m);
    b->n = n;
    b->w = w;
    zk_transcript_init(&b->prefix, MPC_TDEC_DOMAIN);
    zk_transcript_append(&b->prefix, "group-key", pk->Y.enc, ZK_POINT_BYTES);
    static const uint8_t none[1];
    zk_transcript_append(&b->prefix, "context", ctx_len > 0 ? ctx : none, ctx_len);
    zk_transcript_append_begin(&b->prefix, "batch", n * zk_elgamal_ct_size(w));
    return 0;
}

/* Ciphertext k's wire bytes (already checked) into the batch. */
static void batch_take(mpc_tdec_batch *b, size_t k, const uint8_t *wire,
                       const zk_elgamal_ct *ct)
{
    size_t w = b->w;
    for (size_t j = 0; j < w; j++) {
        size_t m = k * w + j;
        b->c1[m] = ct[j].c1;
        b->c2[m] = ct[j].c2;
        memcpy(b->c1enc + ZK_POINT_BYTES * m,
               wire + ZK_ELGAMAL_HEADER_BYTES + ZK_ELGAMAL_COMPONENT_BYTES * j,
               ZK_POINT_BYTES);
    }
    zk_transcript_stream(&b->prefix, wire, zk_elgamal_ct_size(w));
}

int mpc_tdec_batch_init(mpc_tdec_batch *b, const mpc_tdec_pub *pk, const uint8_t *ctx,
                        size_t ctx_len, const zk_elgamal_ct *ct, size_t n, size_t w)
{
    if (b == NULL)
        return SH_ERR_ARG;
    if (ct == NULL) {
        memset(b, 0, sizeof *b);
        return SH_ERR_ARG;
    }
    int rc = batch_start(b, pk, ctx, ctx_len, n, w);
    if (rc != 0)
        return rc;
    size_t len = zk_elgamal_ct_size(w);
    uint8_t *wire = malloc(len);
    if (wire == NULL) {
        mpc_tdec_batch_clear(b);
        return SH_ERR_NOMEM;
    }
    for (size_t k = 0; k < n && rc == 0; k++)
        if ((rc = zk_elgamal_ct_encode(wire, len, ct + k * w, w)) == 0)
            batch_take(b, k, wire, ct + k * w);
    free(wire);
    if (rc != 0)
        mpc_tdec_batch_clear(b);
    return rc;
}

int mpc_tdec_batch_init_wire(mpc_tdec_batch *b, const mpc_tdec_pub *pk,
                             const uint8_t *ctx, size_t ctx_len,
                             const uint8_t *const *wire, const size_t *wire_len,
                             size_t n, size_t max_w, size_t *bad)
{
    if (bad != NULL)
        *bad = n;
    if (b == NULL)
        return SH_ERR_ARG;
    memset(b, 0, sizeof *b);
    if (wire == NULL || wire_len == NULL || n == 0)
        return SH_ERR_ARG;
    /* Headers first: one width for all, known before anything is hashed. */
    size_t w = 0;
    int rc = 0;
    size_t k;
    for (k = 0; k < n && rc == 0; k++) {
        size_t wk;
        if (wire[k] == NULL)
            rc = SH_ERR_ARG;
        else if ((rc = zk_elgamal_ct_decode_width(&wk, wire[k], wire_len[k])) == 0) {
            if (k == 0)
                w = wk;
            if (wk > max_w)
                rc = SH_ERR_OVERSIZE;
            else if (wk != w)
                rc = SH_ERR_LENGTH;
        }
    }
    if (rc != 0) {
        if (bad != NULL)
            *bad = k - 1;
        return rc;
    }
    if ((rc = batch_start(b, pk, ctx, ctx_len, n, w)) != 0)
        return rc;
    zk_elgamal_ct *ct = zk_aligned_alloc(w, sizeof(zk_elgamal_ct));
    if (ct == NULL) {
        mpc_tdec_batch_clear(b);
        return SH_ERR_NOMEM;
    }
    for (k = 0; k < n && rc == 0; k++) {
        size_t wk;
        if ((rc = zk_elgamal_ct_decode(ct, w, &wk, wire[k], wire_len[k])) == 0)
            batch_take(b, k, wire[k], ct);
        else if (bad != NULL)
            *bad = k;
    }
    free(ct);
    if (rc != 0)
        mpc_tdec_batch_clear(b);
    return rc;
}

/* ---- partial decryptions --------------------------------------------------- */

mpc_tdec_partials *mpc_tdec_partials_new(size_t n, size_t w)
{
    if (n == 0 || w == 0 || n > MPC_TDEC_MAX_COMPONENTS / w)
        return NULL;
    size_t m = n * w;
    mpc_tdec_partials *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->D = zk_aligned_alloc(1, m * sizeof(zk_point) + m * ZK_POINT_BYTES);
    if (p->D == NULL) {
        free(p);
        return NULL;
    }
    p->enc = (uint8_t *)(p->D + m);
    p->n = n;
    p->w = w;
    return p;
}

void mpc_tdec_partials_free(mpc_tdec_partials *p)
{
    if (p == NULL)
        return;
    free(p->D);   /* one block: D, enc */
    free(p);
}

/* Party `id`'s transcript up to the weights: the batch prefix, "party",
 * "partials", then challenge "e"; e[0..m) = 1, then 128-bit weights from
 * the ChaCha20 stream keyed by the first 32 challenge bytes (e is only
 * written when m > 1).  SH_ERR_NOMEM. */
static int party_weights(zk_transcript *t, zk_scalar *e, const mpc_tdec_batch *b,
                         uint32_t id, const uint8_t *enc)
{
    size_t m = b->n * b->w;
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];
    *t = b->prefix;
    zk_transcript_append_u64(t, "party", id);
    zk_transcript_append(t, "partials", enc, m * ZK_POINT_BYTES);
    zk_transcript_challenge_bytes(t, "e", h);
    if (m == 1)
        return 0;
    _Static_assert(SH_RNG_SEEDBYTES <= sizeof h, "the key is a prefix of h");
    sh_rng *stream = sh_rng_chacha_new(h);
    if (stream == NULL)
        return SH_ERR_NOMEM;
    zk_scalar_one(&e[0]);
    zk_proof_batch_weights(e + 1, m - 1, stream);
    sh_rng_free(stream);
    return 0;
}

/* A point-array MSM whose result becomes an element. */
static int msm_elem(zk_elem *out, const zk_scalar *e, const zk_point *P, size_t m)
{
    zk_point S;
    int rc = zk_msm(&S, e, P, m);
    if (rc == 0)
        zk_elem_set(out, &S);
    return rc;
}

int mpc_tdec_partial(mpc_tdec_partials *out, const mpc_tdec_batch *b,
                     const mpc_tdec_secret *sk, sh_rng *rng)
{
    if (out == NULL || b == NULL || sk == NULL || rng == NULL || out->n != b->n
        || out->w != b->w)
        return SH_ERR_ARG;
    size_t m = b->n * b->w;
    for (size_t i = 0; i < m; i++) {
        zk_point_mul(&out->D[i], &b->c1[i], &sk->x);
        sh_ct_declassify(&out->D[i], sizeof out->D[i]);   /* published */
        zk_point_encode(out->enc + ZK_POINT_BYTES * i, &out->D[i]);
    }
    out->id = sk->id;

    zk_transcript t;
    zk_elem H, Y;
    zk_scalar *e = NULL;
    int rc;
    if (m > 1 && (e = zk_aligned_alloc(m, sizeof(zk_scalar))) == NULL)
        return SH_ERR_NOMEM;
    if ((rc = party_weights(&t, e, b, sk->id, out->enc)) != 0)
        goto out;
    if (m == 1) {
        elem_fill(&H, &b->c1[0], b->c1enc);
        elem_fill(&Y, &out->D[0], out->enc);
    } else {
        /* Y = x*H: one constant-time product instead of an MSM over D. */
        if ((rc = msm_elem(&H, e, b->c1, m)) != 0)
            goto out;
        zk_point P;
        zk_point_mul(&P, &H.p, &sk->x);
        sh_ct_declassify(&P, sizeof P);      /* = sum e_m D_m, public */
        zk_elem_set(&Y, &P);
    }
    rc = zk_dleq_prove(out->proof, &t, NULL, &H, &sk->X, &Y, &sk->x, rng);
    sh_ct_declassify(&rc, sizeof rc);
    sh_ct_declassify(out->proof, sizeof out->proof);   /* published */
out:
    free(e);
    zk_transcript_wipe(&t);
    return rc;
}

/* The DLEQ statement (H, Y) of party p for batch b, and its transcript
 * ready for the proof.  e: scratch for b->n * b->w scalars. */
static int party_statement(zk_transcript *t, zk_elem *H, zk_elem *Y, zk_scalar *e,
                           const mpc_tdec_batch *b, const mpc_tdec_partials *p)
{
    size_t m = b->n * b->w;
    int rc = party_weights(t, e, b, p->id, p->enc);
    if (rc != 0)
        return rc;
    if (m == 1) {
        elem_fill(H, &b->c1[0], b->c1enc);
        elem_fill(Y, &p->D[0], p->enc);
        return 0;
    }
    if ((rc = msm_elem(H, e, b->c1, m)) == 0)
        rc = msm_elem(Y, e, p->D, m);
    return rc;
}

/* Ids in range and pairwise distinct, shapes b's: SH_ERR_ARG otherwise. */
static int check_set(const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                     const mpc_tdec_partials *const *p, size_t k, int shapes)
{
    uint8_t seen[MPC_MAX_PARTIES + 1] = { 0 };
    for (size_t i = 0; i < k; i++) {
        if (p[i] == NULL)
            return SH_ERR_ARG;
        uint32_t id = p[i]->id;
        if (shapes && (!id_ok(id, pk->n) || p[i]->n != b->n || p[i]->w != b->w))
            return SH_ERR_ARG;
        if (id >= 1 && id <= MPC_MAX_PARTIES) {
            if (seen[id])
                return SH_ERR_ARG;
            seen[id] = 1;
        }
    }
    return 0;
}

int mpc_tdec_verify(const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                    const mpc_tdec_partials *const *p, size_t k, sh_rng *rng,
                    int *status)
{
    if (pk == NULL || b == NULL || (k > 0 && (p == NULL || status == NULL)))
        return SH_ERR_ARG;
    int rc = check_set(pk, b, p, k, 0);
    if (rc != 0)
        return rc;
    if (k == 0)
        return 0;
    size_t m = b->n * b->w;
    /* Per well-formed party j: H, X, Y (elements), the transcript twice (a
     * failed batch leaves its copy unspecified), the proof, its index. */
    zk_elem *el = zk_aligned_alloc(3 * k, sizeof(zk_elem));
    zk_transcript *ts = malloc(2 * k * sizeof *ts);
    uint8_t(*proofs)[ZK_DLEQ_PROOF_BYTES] = malloc(k * sizeof *proofs);
    size_t *idx = malloc(k * sizeof *idx);
    zk_scalar *e = m > 1 ? zk_aligned_alloc(m, sizeof(zk_scalar)) : NULL;
    if (el == NULL || ts == NULL || proofs == NULL || idx == NULL || (m > 1 && e == NULL)) {
        rc = SH_ERR_NOMEM;
        goto out;
    }
    zk_elem *H = el, *X = el + k, *Y = el + 2 * k;
    zk_transcript *T = ts, *Tsave = ts + k;
    size_t nw = 0;
    for (size_t i = 0; i < k; i++) {
        status[i] = 0;
        if (!id_ok(p[i]->id, pk->n)) {
            status[i] = SH_ERR_RANGE;
            continue;
        }
        if (p[i]->n != b->n || p[i]->w != b->w) {
            status[i] = SH_ERR_LENGTH;
            continue;
        }
        if ((rc = party_statement(&T[nw], &H[nw], &Y[nw], e, b, p[i])) != 0)
            goto out;
        X[nw] = pk->X[p[i]->id - 1];
        memcpy(proofs[nw], p[i]->proof, ZK_DLEQ_PROOF_BYTES);
        Tsave[nw] = T[nw];
        idx[nw++] = i;
    }
    /* A failed batch (a malformed or an invalid proof) falls back to single
     * checks, which name every bad party with its own error. */
    int batch_ok = 0;
    if (rng != NULL && nw > 1) {
        int brc = zk_dleq_batch_verify((const uint8_t(*)[ZK_DLEQ_PROOF_BYTES])proofs, T,
                                       NULL, H, X, Y, nw, rng, NULL);
        if (brc == SH_ERR_NOMEM) {
            rc = brc;
            goto out;
        }
        batch_ok = brc == 0;
    }
    if (!batch_ok)
        for (size_t j = 0; j < nw; j++)
            status[idx[j]] = zk_dleq_verify(proofs[j], &Tsave[j], NULL, &H[j], &X[j], &Y[j]);
    rc = 0;
    for (size_t i = 0; i < k; i++)
        if (status[i] != 0)
            rc = SH_ERR_VERIFY;
out:
    free(el);
    free(ts);
    free(proofs);
    free(idx);
    free(e);
    return rc;
}

/* Lagrange coefficients of the ids of p[0..t) at x (0 for x == 0). */
static int lagrange(mpc_scalar *lam, const mpc_tdec_pub *pk,
                    const mpc_tdec_partials *const *p, size_t t, uint32_t x)
{
    mpc_scalar *ids = mpc_scalars_alloc(t + 1);
    if (ids == NULL)
        return SH_ERR_NOMEM;
    for (size_t i = 0; i < t; i++)
        mpc_scalar_from_u64(pk->g, &ids[i], p[i]->id);
    mpc_scalar_from_u64(pk->g, &ids[t], x);
    int rc = mpc_lagrange_coeffs(pk->g, lam, ids, t, x == 0 ? NULL : &ids[t]);
    mpc_scalars_free(ids, t + 1);
    return rc;
}

/* Interpolation of the partials p[0..t) at a point x, component by
 * component, with their Lagrange coefficients lam_l (which sum to 1, as
 * Lagrange coefficients at any point do):
 *     sum_l lam_l D_l = D_0 + sum_{l>0} lam_l (D_l - D_0),
 * an MSM of t-1 terms.  Each lam_l enters the MSM as lam_l or as -lam_l
 * with the point negated, whichever is the shorter integer: zk_msm pays
 * by the bit, and for consecutive identifiers the coefficients are small
 * integers (+-binomials: 3, -3, 1 for ids 1, 2, 3), which makes the
 * combination nearly free. */
typedef struct interp_run {
    const mpc_tdec_partials *const *p;
    size_t t;
    zk_scalar *sc;      /* |lam_l| for l = 1..t-1, at l-1 */
    uint8_t *neg;       /* 1 where sc[l-1] = -lam_l */
    zk_point *pts;      /* scratch */
} interp_run;

/* Bit length of a scalar's canonical value. */
static unsigned scalar_bits(const zk_scalar *s)
{
    uint8_t b[ZK_SCALAR_BYTES];
    zk_scalar_encode(b, s);
    for (unsigned i = ZK_SCALAR_BYTES; i-- > 0;)
        if (b[i] != 0) {
            unsigned n = 8 * i;
            for (unsigned v = b[i]; v != 0; v >>= 1)
                n++;
            return n;
        }
    return 0;
}

static void interp_close(interp_run *r)
{
    free(r->sc);
    free(r->neg);
    zk_points_free(r->pts, r->t);
}

static int interp_open(interp_run *r, const mpc_tdec_pub *pk,
                       const mpc_tdec_partials *const *p, size_t t, uint32_t x)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->t = t;
    mpc_scalar *lam = mpc_scalars_alloc(t);
    r->sc = zk_aligned_alloc(t, sizeof(zk_scalar));
    r->neg = malloc(t);
    r->pts = zk_points_alloc(t);
    int rc = SH_ERR_NOMEM;
    if (lam != NULL && r->sc != NULL && r->neg != NULL && r->pts != NULL
        && (rc = lagrange(lam, pk, p, t, x)) == 0) {
        for (size_t l = 1; l < t; l++) {
            zk_scalar minus;
            zk_scalar_neg(&minus, &lam[l].r);
            r->neg[l - 1] = scalar_bits(&minus) < scalar_bits(&lam[l].r);
            r->sc[l - 1] = r->neg[l - 1] ? minus : lam[l].r;
        }
    }
    mpc_scalars_free(lam, t);
    if (rc != 0)
        interp_close(r);
    return rc;
}

/* out = the interpolation of component m. */
static int interpolate(zk_point *out, const interp_run *r, size_t m)
{
    const zk_point *D0 = &r->p[0]->D[m];
    if (r->t == 1) {
        *out = *D0;
        return 0;
    }
    for (size_t l = 1; l < r->t; l++) {
        if (r->neg[l - 1])
            zk_point_sub(&r->pts[l - 1], D0, &r->p[l]->D[m]);
        else
            zk_point_sub(&r->pts[l - 1], &r->p[l]->D[m], D0);
    }
    int rc = zk_msm(out, r->sc, r->pts, r->t - 1);
    if (rc == 0)
        zk_point_add(out, out, D0);
    return rc;
}

int mpc_tdec_combine(zk_point *M, const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                     const mpc_tdec_partials *const *p, size_t k)
{
    if (M == NULL || pk == NULL || b == NULL || (k > 0 && p == NULL))
        return SH_ERR_ARG;
    if (k < pk->t)
        return SH_ERR_STATE;
    size_t t = pk->t;
    int rc = check_set(pk, b, p, t, 1);
    if (rc != 0)
        return rc;
    size_t m = b->n * b->w;
    interp_run r;
    if ((rc = interp_open(&r, pk, p, t, 0)) != 0)
        return rc;
    for (size_t i = 0; i < m && rc == 0; i++) {
        zk_point S;
        if ((rc = interpolate(&S, &r, i)) == 0)
            zk_point_sub(&M[i], &b->c2[i], &S);
    }
    interp_close(&r);
    return rc;
}

/* Sort ok[0..n) by identifier and return the start of the first run of t
 * consecutive identifiers (small Lagrange coefficients: see
 * interp_open), or 0 when there is none. */
static size_t pick_set(const mpc_tdec_partials **ok, size_t n, size_t t)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && ok[j - 1]->id > ok[j]->id; j--) {
            const mpc_tdec_partials *tmp = ok[j];
            ok[j] = ok[j - 1];
            ok[j - 1] = tmp;
        }
    for (size_t s = 0; s + t <= n; s++)
        if (ok[s + t - 1]->id - ok[s]->id == t - 1)
            return s;
    return 0;
}

int mpc_tdec_decrypt(zk_point *M, const mpc_tdec_pub *pk, const mpc_tdec_batch *b,
                     const mpc_tdec_partials *const *p, size_t k, sh_rng *rng,
                     int *status)
{
    if (M == NULL || pk == NULL || b == NULL || (k > 0 && (p == NULL || status == NULL)))
        return SH_ERR_ARG;
    int rc = mpc_tdec_verify(pk, b, p, k, rng, status);
    if (rc != 0 && rc != SH_ERR_VERIFY)
        return rc;
    const mpc_tdec_partials **ok = malloc((k > 0 ? k : 1) * sizeof *ok);
    if (ok == NULL)
        return SH_ERR_NOMEM;
    size_t nok = 0;
    for (size_t i = 0; i < k; i++)
        if (status[i] == 0)
            ok[nok++] = p[i];
    rc = nok < pk->t ? SH_ERR_STATE
                     : mpc_tdec_combine(M, pk, b, ok + pick_set(ok, nok, pk->t), pk->t);
    free(ok);
    return rc;
}

int mpc_tdec_blame(uint8_t *wrong, size_t *nwrong, const mpc_tdec_pub *pk,
                   const mpc_tdec_batch *b, const mpc_tdec_partials *bad,
                   const mpc_tdec_partials *const *valid, size_t k)
{
    if (nwrong != NULL)
        *nwrong = 0;
    if (wrong == NULL || pk == NULL || b == NULL || bad == NULL || (k > 0 && valid == NULL))
        return SH_ERR_ARG;
    if (k < pk->t)
        return SH_ERR_STATE;
    size_t t = pk->t;
    int rc = check_set(pk, b, valid, t, 1);
    if (rc != 0)
        return rc;
    if (!id_ok(bad->id, pk->n) || bad->n != b->n || bad->w != b->w)
        return SH_ERR_ARG;
    for (size_t l = 0; l < t; l++)
        if (valid[l]->id == bad->id)
            return SH_ERR_ARG;
    size_t m = b->n * b->w, count = 0;
    memset(wrong, 0, b->n);
    interp_run r;
    if ((rc = interp_open(&r, pk, valid, t, bad->id)) != 0)
        return rc;
    for (size_t i = 0; i < m && rc == 0; i++) {
        zk_point want;
        if ((rc = interpolate(&want, &r, i)) == 0 && !zk_point_eq(&want, &bad->D[i])
            && !wrong[i / b->w]) {
            wrong[i / b->w] = 1;
            count++;
        }
    }
    interp_close(&r);
    if (rc == 0 && nwrong != NULL)
        *nwrong = count;
    return rc;
}

int mpc_tdec_plaintext(uint8_t *out, size_t out_cap, size_t *out_len,
                       const mpc_tdec_batch *b, const zk_point *M, size_t k)
{
    if (b == NULL || M == NULL || k >= b->n)
        return SH_ERR_ARG;
    return zk_decode_bytes(out, out_cap, out_len, M + k * b->w, b->w);
}
