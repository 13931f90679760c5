/* zk/schnorr.c -- Schnorr proofs of knowledge, single and batch verification,
 * and the nonce and weight helpers shared with zk/dleq.c.
 * docs/proofs.md is the specification this file implements. */
#include "zk/schnorr.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/msm.h"

/* ---- shared helpers ------------------------------------------------------ */

void zk_proof_nonce(zk_scalar *k, const zk_transcript *t, const zk_scalar *x,
                    size_t nx, sh_rng *rng)
{
    zk_transcript f;
    uint8_t buf[ZK_SCALAR_BYTES];
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES];

    /* The fork already holds the statement, so the nonce is bound to it:
     * even with an rng that always returns the same bytes, two different
     * statements or contexts never share a nonce, and the same statement
     * gets the same nonce only for the same (hence identical) proof. */
    do {
        f = *t;
        zk_transcript_append_begin(&f, "nonce-secret", nx * ZK_SCALAR_BYTES);
        for (size_t i = 0; i < nx; i++) {
            zk_scalar_encode(buf, &x[i]);
            zk_transcript_stream(&f, buf, sizeof buf);
        }
        sh_rng_bytes(rng, buf, sizeof buf);
        zk_transcript_append(&f, "nonce-rng", buf, sizeof buf);
        zk_transcript_challenge_bytes(&f, "nonce", h);
        zk_scalar_reduce(k, h, sizeof h);
        /* Branching on "k is zero" reveals nothing in practice: it happens
         * with probability 2^-252, and then k is discarded. */
    } while (zk_scalar_is_zero(k));

    zk_transcript_wipe(&f);
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(h, sizeof h);
}

void zk_proof_batch_weights(zk_scalar *w, size_t n, sh_rng *rng)
{
    /* Drawn in chunks: one rng call per 64 weights rather than per weight
     * (the OS rng costs a system call per request). */
    enum { CHUNK = 64, WBYTES = 16 };
    uint8_t buf[CHUNK * WBYTES];
    uint8_t wide[ZK_SCALAR_BYTES] = { 0 };
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t take = n - i < CHUNK ? n - i : CHUNK;
        sh_rng_bytes(rng, buf, take * WBYTES);
        for (size_t j = 0; j < take; j++) {
            memcpy(wide, buf + j * WBYTES, WBYTES);
            /* < 2^128 < L: always canonical, never reduced. */
            zk_scalar_reduce(&w[i + j], wide, sizeof wide);
        }
    }
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(wide, sizeof wide);
}

/* ---- encoding -------------------------------------------------------------- */

int zk_schnorr_proof_decode(zk_schnorr_proof *out, const uint8_t in[ZK_SCHNORR_PROOF_BYTES])
{
    int rc = zk_point_decode(&out->R, in);
    if (rc != 0)
        return rc;
    return zk_scalar_decode(&out->s, in + ZK_POINT_BYTES);
}

void zk_schnorr_proof_encode(uint8_t out[ZK_SCHNORR_PROOF_BYTES], const zk_schnorr_proof *p)
{
    zk_point_encode(out, &p->R);
    zk_scalar_encode(out + ZK_POINT_BYTES, &p->s);
}

/* ---- prove and verify ------------------------------------------------------ */

/* The statement part of the transcript: "G" (only for a non-base
 * generator) then "X".  genc/xenc are the encodings when the caller has
 * them already (NULL: encode here). */
static void absorb_statement(zk_transcript *t, const zk_point *G, const uint8_t *genc,
                             const zk_point *X, const uint8_t *xenc)
{
    uint8_t b[ZK_POINT_BYTES];
    if (G != NULL) {
        if (genc == NULL) {
            zk_point_encode(b, G);
            genc = b;
        }
        zk_transcript_append(t, "G", genc, ZK_POINT_BYTES);
    }
    if (xenc == NULL) {
        zk_point_encode(b, X);
        xenc = b;
    }
    zk_transcript_append(t, "X", xenc, ZK_POINT_BYTES);
}

int zk_schnorr_prove(uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                     const zk_point *G, const zk_point *X, const zk_scalar *x,
                     sh_rng *rng)
{
    if (proof == NULL || t == NULL || X == NULL || x == NULL || rng == NULL)
        return SH_ERR_ARG;
    zk_scalar k, c, s;
    zk_point R;

    absorb_statement(t, G, NULL, X, NULL);
    zk_proof_nonce(&k, t, x, 1, rng);
    if (G == NULL)
        zk_point_mul_base(&R, &k);
    else
        zk_point_mul(&R, G, &k);
    zk_point_encode(proof, &R);
    zk_transcript_append(t, "R", proof, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    zk_scalar_mul(&s, &c, x);
    zk_scalar_add(&s, &s, &k);
    zk_scalar_encode(proof + ZK_POINT_BYTES, &s);

    zk_scalar_wipe(&k);
    zk_scalar_wipe(&s);
    zk_point_wipe(&R);
    return 0;
}

/* s*G - c*X == R, all public (variable time).  G == NULL: the base point,
 * through libdecaf's double-base multiplication with its precomputed base
 * table; otherwise a 2-point MSM. */
static int check_equation(const zk_point *G, const zk_point *X, const zk_point *R,
                          const zk_scalar *s, const zk_scalar *c)
{
    zk_point lhs;
    zk_scalar negc;
    zk_scalar_neg(&negc, c);
    if (G == NULL) {
        zk_point_double_mul_base_vartime(&lhs, s, X, &negc);
    } else {
        zk_scalar sc[2] = { *s, negc };
        zk_point pt[2] = { *G, *X };
        int rc = zk_msm(&lhs, sc, pt, 2);
        if (rc != 0)
            return rc;
    }
    return zk_point_eq(&lhs, R) ? 0 : SH_ERR_VERIFY;
}

int zk_schnorr_verify(const uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                      const zk_point *G, const zk_point *X)
{
    if (proof == NULL || t == NULL || X == NULL)
        return SH_ERR_ARG;
    zk_schnorr_proof p;
    zk_scalar c;
    int rc = zk_schnorr_proof_decode(&p, proof);
    if (rc != 0)
        return rc;
    absorb_statement(t, G, NULL, X, NULL);
    /* The received bytes are the canonical encoding of p.R (decoding is
     * strict), so absorbing them equals absorbing p.R and saves an encode. */
    zk_transcript_append(t, "R", proof, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    return check_equation(G, X, &p.R, &p.s, &c);
}

/* ---- batch verification ---------------------------------------------------- */

/* Generators a, b (NULL: the base point) are the same group element. */
static int same_generator(const zk_point *a, const zk_point *b, const zk_point *base)
{
    if (a == b)
        return 1;
    return zk_point_eq(a != NULL ? a : base, b != NULL ? b : base);
}

int zk_schnorr_batch_verify(const uint8_t (*proofs)[ZK_SCHNORR_PROOF_BYTES],
                            zk_transcript *t, const zk_point *const *G,
                            const zk_point *X, size_t n, sh_rng *rng,
                            size_t *bad_index)
{
    if (bad_index != NULL)
        *bad_index = n;
    if (n == 0)
        return 0;
    if (proofs == NULL || t == NULL || X == NULL || rng == NULL)
        return SH_ERR_ARG;
    /* 3n MSM terms at most, plus c_i and s_i kept for the fallback. */
    if (n > SIZE_MAX / 8 / (sizeof(zk_point) + 3 * sizeof(zk_scalar)))
        return SH_ERR_NOMEM;

    zk_point base;
    zk_point_base(&base);
    const zk_point *g0 = G != NULL ? G[0] : NULL;
    int g_merge = 1, x_merge = 1;
    for (size_t i = 1; i < n && G != NULL && g_merge; i++)
        g_merge = same_generator(G[i], g0, &base);
    for (size_t i = 1; i < n && x_merge; i++)
        x_merge = zk_point_eq(&X[i], &X[0]);

    /* MSM layout: R_0..R_{n-1} (weights z_i, 128 bits), then the X terms
     * (z_i c_i, or their sum), then the generator terms (-z_i s_i, or
     * minus their sum).  The equation is arranged so that the R_i keep
     * positive 128-bit scalars, which the MSM processes at half cost. */
    size_t nx = x_merge ? 1 : n, ng = g_merge ? 1 : n;
    size_t m = n + nx + ng;
    zk_point *pts = zk_points_alloc(m);
    zk_scalar *sc = malloc(m * sizeof *sc);
    zk_scalar *cs = malloc(2 * n * sizeof *cs);   /* c_i, s_i */
    int rc = SH_ERR_NOMEM;
    if (pts == NULL || sc == NULL || cs == NULL)
        goto out;

    uint8_t genc[ZK_POINT_BYTES], xenc[ZK_POINT_BYTES];
    if (g_merge)
        zk_point_encode(genc, g0 != NULL ? g0 : &base);
    if (x_merge)
        zk_point_encode(xenc, &X[0]);

    for (size_t i = 0; i < n; i++) {
        const zk_point *Gi = G != NULL ? G[i] : NULL;
        if ((rc = zk_point_decode(&pts[i], proofs[i])) != 0
            || (rc = zk_scalar_decode(&cs[2 * i + 1], proofs[i] + ZK_POINT_BYTES)) != 0) {
            if (bad_index != NULL)
                *bad_index = i;
            goto out;
        }
        absorb_statement(&t[i], Gi, g_merge ? genc : NULL, &X[i], x_merge ? xenc : NULL);
        zk_transcript_append(&t[i], "R", proofs[i], ZK_POINT_BYTES);
        zk_transcript_challenge_scalar(&t[i], "c", &cs[2 * i]);
    }

    zk_proof_batch_weights(sc, n, rng);
    zk_scalar *xs = sc + n, *gs = sc + n + nx;
    zk_scalar_zero(&xs[0]);
    zk_scalar_zero(&gs[0]);
    for (size_t i = 0; i < n; i++) {
        zk_scalar zc, zs;
        zk_scalar_mul(&zc, &sc[i], &cs[2 * i]);
        zk_scalar_mul(&zs, &sc[i], &cs[2 * i + 1]);
        if (x_merge) {
            zk_scalar_add(&xs[0], &xs[0], &zc);
        } else {
            xs[i] = zc;
            pts[n + i] = X[i];
        }
        if (g_merge) {
            zk_scalar_sub(&gs[0], &gs[0], &zs);
        } else {
            zk_scalar_neg(&gs[i], &zs);
            pts[n + nx + i] = G[i] != NULL ? *G[i] : base;
        }
    }
    if (x_merge)
        pts[n] = X[0];
    if (g_merge)
        pts[n + nx] = g0 != NULL ? *g0 : base;

    zk_point sum;
    if ((rc = zk_msm(&sum, sc, pts, m)) != 0)
        goto out;
    if (zk_point_is_identity(&sum)) {
        rc = 0;
        goto out;
    }
    rc = SH_ERR_VERIFY;
    if (bad_index != NULL) {
        /* Some proof is invalid; the batch cannot say which.  Check each on
         * its own with the values already derived (no transcript replay). */
        for (size_t i = 0; i < n; i++) {
            const zk_point *Gi = G != NULL ? G[i] : NULL;
            int r1 = check_equation(Gi, &X[i], &pts[i], &cs[2 * i + 1], &cs[2 * i]);
            if (r1 != 0) {
                *bad_index = r1 == SH_ERR_VERIFY ? i : n;
                rc = r1;
                goto out;
            }
        }
        /* Every proof valid alone makes the combination exactly zero. */
        rc = SH_ERR_INTERNAL;
    }
out:
    free(pts);
    free(sc);
    free(cs);
    return rc;
}
