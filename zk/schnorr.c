/* zk/schnorr.c -- Schnorr proofs of knowledge, single and batch verification,
 * and the nonce and weight helpers shared with zk/dleq.c.
 * docs/proofs.md is the specification this file implements. */
#include "zk/schnorr.h"
#include "util/ct.h"

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
    int zero;

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
        /* Branching on "k is zero" reveals nothing: it happens with
         * probability 2^-252, and then k is discarded; the bit is
         * declassified for the constant-time checker (util/ct.h). */
        zero = zk_scalar_is_zero(k);
        sh_ct_declassify(&zero, sizeof zero);
    } while (zero);

    zk_transcript_wipe(&f);
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(h, sizeof h);
}

void zk_proof_batch_weights(zk_scalar *w, size_t n, sh_rng *rng)
{
    enum { WBYTES = 16 };
    _Static_assert(sizeof(zk_scalar) >= WBYTES, "a weight's bytes fit in a scalar");
    if (n == 0)
        return;
    /* One rng call (the OS rng may cost a system call per request) into the
     * last 16n bytes of w itself, then expanded front to back: weight i is
     * read from offset (S-16)n + 16i (S = sizeof(zk_scalar)) before w[i],
     * bytes [S i, S i + S), is written, and every later weight j > i sits at
     * (S-16)n + 16j >= S(i+1) since n >= i+1: nothing unread is overwritten. */
    uint8_t *bytes = (uint8_t *)w;
    const size_t off = (sizeof(zk_scalar) - WBYTES) * n;
    uint8_t one[WBYTES];
    sh_rng_bytes(rng, bytes + off, WBYTES * n);
    for (size_t i = 0; i < n; i++) {
        memcpy(one, bytes + off + WBYTES * i, WBYTES);
        /* < 2^128 < L: a short decode, never reduced (and cheaper than a
         * 32-byte one, which multiplies to reduce). */
        zk_scalar_reduce(&w[i], one, WBYTES);
    }
    sodium_memzero(one, sizeof one);
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
 * generator) then "X", as the encodings the elements carry. */
static void absorb_statement(zk_transcript *t, const zk_elem *G, const zk_elem *X)
{
    if (G != NULL)
        zk_transcript_append(t, "G", G->enc, ZK_POINT_BYTES);
    zk_transcript_append(t, "X", X->enc, ZK_POINT_BYTES);
}

int zk_schnorr_prove(uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                     const zk_elem *G, const zk_elem *X, const zk_scalar *x,
                     sh_rng *rng)
{
    if (proof == NULL || t == NULL || X == NULL || x == NULL || rng == NULL)
        return SH_ERR_ARG;
    zk_scalar k, c, s;
    zk_point R;

    absorb_statement(t, G, X);
    zk_proof_nonce(&k, t, x, 1, rng);
    if (G == NULL)
        zk_point_mul_base(&R, &k);
    else
        zk_point_mul(&R, &G->p, &k);
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

int zk_proof_check(const zk_point *P, const zk_point *Q, const zk_point *R,
                   const zk_scalar *s, const zk_scalar *c)
{
    zk_point lhs;
    zk_scalar negc;
    zk_scalar_neg(&negc, c);
    if (P == NULL) {
        zk_point_double_mul_base_vartime(&lhs, s, Q, &negc);
    } else {
        zk_scalar sc[2] = { *s, negc };
        zk_point pt[2] = { *P, *Q };
        int rc = zk_msm(&lhs, sc, pt, 2);
        if (rc != 0)
            return rc;
    }
    return zk_point_eq(&lhs, R) ? 0 : SH_ERR_VERIFY;
}

int zk_schnorr_verify(const uint8_t proof[ZK_SCHNORR_PROOF_BYTES], zk_transcript *t,
                      const zk_elem *G, const zk_elem *X)
{
    if (proof == NULL || t == NULL || X == NULL)
        return SH_ERR_ARG;
    zk_schnorr_proof p;
    zk_scalar c;
    int rc = zk_schnorr_proof_decode(&p, proof);
    if (rc != 0)
        return rc;
    absorb_statement(t, G, X);
    /* The received bytes are the canonical encoding of p.R (decoding is
     * strict), so absorbing them equals absorbing p.R and saves an encode. */
    zk_transcript_append(t, "R", proof, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    return zk_proof_check(G != NULL ? &G->p : NULL, &X->p, &p.R, &p.s, &c);
}

/* ---- batch verification ---------------------------------------------------- */

int zk_schnorr_batch_verify(const uint8_t (*proofs)[ZK_SCHNORR_PROOF_BYTES],
                            zk_transcript *t, const zk_elem *const *G,
                            const zk_elem *X, size_t n, sh_rng *rng,
                            size_t *bad_index)
{
    if (bad_index != NULL)
        *bad_index = n;
    if (n == 0)
        return 0;
    if (proofs == NULL || t == NULL || X == NULL || rng == NULL)
        return SH_ERR_ARG;
    /* One block: m <= 3n points and m scalars, then c_i, s_i (2n scalars,
     * kept for the fallback). */
    if (n > SIZE_MAX / (3 * sizeof(zk_point) + 5 * sizeof(zk_scalar)))
        return SH_ERR_NOMEM;

    /* Merging by encoding: canonical encodings are equal iff the points
     * are, and a memcmp is far cheaper than zk_point_eq.  A NULL generator
     * is the base point, and merges with an explicit one. */
    zk_elem base;
    zk_elem_base(&base);
    const zk_elem *g0 = G != NULL && G[0] != NULL ? G[0] : &base;
    int g_merge = 1, x_merge = 1;
    for (size_t i = 1; i < n && G != NULL && g_merge; i++)
        g_merge = G[i] == g0 || memcmp(G[i] != NULL ? G[i]->enc : base.enc, g0->enc,
                                       ZK_POINT_BYTES) == 0;
    for (size_t i = 1; i < n && x_merge; i++)
        x_merge = memcmp(X[i].enc, X[0].enc, ZK_POINT_BYTES) == 0;

    /* MSM layout: R_0..R_{n-1} (weights z_i, 128 bits), then the X terms
     * (z_i c_i, or their sum), then the generator terms (-z_i s_i, or
     * minus their sum).  The equation is arranged so that the R_i keep
     * positive 128-bit scalars, which the MSM processes at half cost. */
    size_t nx = x_merge ? 1 : n, ng = g_merge ? 1 : n;
    size_t m = n + nx + ng;
    zk_point *pts = zk_aligned_alloc(1, m * sizeof(zk_point) + (m + 2 * n) * sizeof(zk_scalar));
    if (pts == NULL)
        return SH_ERR_NOMEM;
    _Static_assert(sizeof(zk_point) % _Alignof(zk_scalar) == 0, "scalars follow points");
    zk_scalar *sc = (zk_scalar *)(pts + m);
    zk_scalar *cs = sc + m;                    /* c_i at 2i, s_i at 2i+1 */
    int rc;

    /* Decode R_i straight into its MSM slot; absorb and draw c_i. */
    for (size_t i = 0; i < n; i++) {
        if ((rc = zk_point_decode(&pts[i], proofs[i])) != 0
            || (rc = zk_scalar_decode(&cs[2 * i + 1], proofs[i] + ZK_POINT_BYTES)) != 0) {
            if (bad_index != NULL)
                *bad_index = i;
            goto out;
        }
        absorb_statement(&t[i], G != NULL ? G[i] : NULL, &X[i]);
        zk_transcript_append(&t[i], "R", proofs[i], ZK_POINT_BYTES);
        zk_transcript_challenge_scalar(&t[i], "c", &cs[2 * i]);
    }

    zk_proof_batch_weights(sc, n, rng);
    zk_scalar *xs = sc + n, *gs = sc + n + nx;
    zk_point *xp = pts + n, *gp = pts + n + nx;
    /* The sums of z_i c_i (merged X) and z_i s_i (merged generator) are
     * reduced once at the end (zk_scalar_acc). */
    zk_scalar_acc xacc, gacc;
    zk_scalar_acc_init(&xacc);
    zk_scalar_acc_init(&gacc);
    for (size_t i = 0; i < n; i++) {
        if (x_merge) {
            zk_scalar_acc_muladd(&xacc, &sc[i], &cs[2 * i]);
        } else {
            zk_scalar_mul(&xs[i], &sc[i], &cs[2 * i]);
            xp[i] = X[i].p;
        }
        if (g_merge) {
            zk_scalar_acc_muladd(&gacc, &sc[i], &cs[2 * i + 1]);
        } else {
            zk_scalar_mul(&gs[i], &sc[i], &cs[2 * i + 1]);
            zk_scalar_neg(&gs[i], &gs[i]);
            gp[i] = G[i] != NULL ? G[i]->p : base.p;
        }
    }
    if (x_merge) {
        zk_scalar_acc_reduce(&xs[0], &xacc);
        xp[0] = X[0].p;
    }
    if (g_merge) {
        zk_scalar_acc_reduce(&gs[0], &gacc);
        zk_scalar_neg(&gs[0], &gs[0]);
        gp[0] = g0->p;
    }

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
            const zk_point *Gi = G != NULL && G[i] != NULL ? &G[i]->p : NULL;
            int r1 = zk_proof_check(Gi, &X[i].p, &pts[i], &cs[2 * i + 1], &cs[2 * i]);
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
    return rc;
}
