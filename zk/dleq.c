/* zk/dleq.c -- Chaum-Pedersen DLEQ proofs, single and batch verification.
 * docs/proofs.md is the specification this file implements; the hedged
 * nonce and the batch weights come from zk/schnorr.c. */
#include "zk/dleq.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/msm.h"
#include "zk/schnorr.h"

enum { R1_OFF = 0, R2_OFF = ZK_POINT_BYTES, S_OFF = 2 * ZK_POINT_BYTES };

int zk_dleq_proof_decode(zk_dleq_proof *out, const uint8_t in[ZK_DLEQ_PROOF_BYTES])
{
    int rc = zk_point_decode(&out->R1, in + R1_OFF);
    if (rc == 0)
        rc = zk_point_decode(&out->R2, in + R2_OFF);
    if (rc == 0)
        rc = zk_scalar_decode(&out->s, in + S_OFF);
    return rc;
}

void zk_dleq_proof_encode(uint8_t out[ZK_DLEQ_PROOF_BYTES], const zk_dleq_proof *p)
{
    zk_point_encode(out + R1_OFF, &p->R1);
    zk_point_encode(out + R2_OFF, &p->R2);
    zk_scalar_encode(out + S_OFF, &p->s);
}

/* Append one statement point under label: its encoding enc if the caller
 * has it already, else encoded here. */
static void absorb_point(zk_transcript *t, const char *label, const zk_point *P,
                         const uint8_t *enc)
{
    uint8_t b[ZK_POINT_BYTES];
    if (enc == NULL) {
        zk_point_encode(b, P);
        enc = b;
    }
    zk_transcript_append(t, label, enc, ZK_POINT_BYTES);
}

/* The encodings of the merged roles of a batch, or NULL (encode per proof). */
typedef struct stmt_enc {
    const uint8_t *G, *H, *X, *Y;
} stmt_enc;

static void absorb_statement(zk_transcript *t, const zk_point *G, const zk_point *H,
                             const zk_point *X, const zk_point *Y, const stmt_enc *e)
{
    if (G != NULL)
        absorb_point(t, "G", G, e->G);
    absorb_point(t, "H", H, e->H);
    absorb_point(t, "X", X, e->X);
    absorb_point(t, "Y", Y, e->Y);
}

int zk_dleq_prove(uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                  const zk_point *G, const zk_point *H, const zk_point *X,
                  const zk_point *Y, const zk_scalar *x, sh_rng *rng)
{
    if (proof == NULL || t == NULL || H == NULL || X == NULL || Y == NULL
        || x == NULL || rng == NULL)
        return SH_ERR_ARG;
    static const stmt_enc none = { NULL, NULL, NULL, NULL };
    zk_scalar k, c, s;
    zk_point R;

    absorb_statement(t, G, H, X, Y, &none);
    zk_proof_nonce(&k, t, x, 1, rng);
    if (G == NULL)
        zk_point_mul_base(&R, &k);
    else
        zk_point_mul(&R, G, &k);
    zk_point_encode(proof + R1_OFF, &R);
    zk_point_mul(&R, H, &k);
    zk_point_encode(proof + R2_OFF, &R);
    zk_transcript_append(t, "R1", proof + R1_OFF, ZK_POINT_BYTES);
    zk_transcript_append(t, "R2", proof + R2_OFF, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    zk_scalar_mul(&s, &c, x);
    zk_scalar_add(&s, &s, &k);
    zk_scalar_encode(proof + S_OFF, &s);

    zk_scalar_wipe(&k);
    zk_scalar_wipe(&s);
    zk_point_wipe(&R);
    return 0;
}

/* s*P - c*Q == R for public values (variable time); P == NULL is the base
 * point, which has libdecaf's precomputed double-base multiplication. */
static int check_one(const zk_point *P, const zk_point *Q, const zk_point *R,
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

static int check_both(const zk_point *G, const zk_point *H, const zk_point *X,
                      const zk_point *Y, const zk_point *R1, const zk_point *R2,
                      const zk_scalar *s, const zk_scalar *c)
{
    int rc = check_one(G, X, R1, s, c);
    if (rc == 0)
        rc = check_one(H, Y, R2, s, c);
    return rc;
}

int zk_dleq_verify(const uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                   const zk_point *G, const zk_point *H, const zk_point *X,
                   const zk_point *Y)
{
    if (proof == NULL || t == NULL || H == NULL || X == NULL || Y == NULL)
        return SH_ERR_ARG;
    static const stmt_enc none = { NULL, NULL, NULL, NULL };
    zk_dleq_proof p;
    zk_scalar c;
    int rc = zk_dleq_proof_decode(&p, proof);
    if (rc != 0)
        return rc;
    absorb_statement(t, G, H, X, Y, &none);
    /* Strict decoding makes the received bytes the canonical encodings. */
    zk_transcript_append(t, "R1", proof + R1_OFF, ZK_POINT_BYTES);
    zk_transcript_append(t, "R2", proof + R2_OFF, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    return check_both(G, H, X, Y, &p.R1, &p.R2, &p.s, &c);
}

/* ---- batch verification ---------------------------------------------------- */

/* All n points equal (so one MSM term can carry the sum of their scalars). */
static int all_equal(const zk_point *P, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!zk_point_eq(&P[i], &P[0]))
            return 0;
    return 1;
}

static int all_same_generator(const zk_point *const *G, size_t n, const zk_point *base)
{
    if (G == NULL)
        return 1;
    const zk_point *g0 = G[0] != NULL ? G[0] : base;
    for (size_t i = 1; i < n; i++)
        if (G[i] != G[0] && !zk_point_eq(G[i] != NULL ? G[i] : base, g0))
            return 0;
    return 1;
}

/* One role of the MSM: n terms from offset off, or a single merged term at
 * off whose scalar is the sum. */
typedef struct role {
    size_t off;
    int merged;
} role;

static void role_put(zk_point *pts, zk_scalar *sc, const role *r, size_t i,
                     const zk_point *P, const zk_scalar *a)
{
    if (!r->merged) {
        pts[r->off + i] = *P;
        sc[r->off + i] = *a;
    } else if (i == 0) {
        pts[r->off] = *P;
        sc[r->off] = *a;
    } else {
        zk_scalar_add(&sc[r->off], &sc[r->off], a);
    }
}

int zk_dleq_batch_verify(const uint8_t (*proofs)[ZK_DLEQ_PROOF_BYTES],
                         zk_transcript *t, const zk_point *const *G,
                         const zk_point *H, const zk_point *X, const zk_point *Y,
                         size_t n, sh_rng *rng, size_t *bad_index)
{
    if (bad_index != NULL)
        *bad_index = n;
    if (n == 0)
        return 0;
    if (proofs == NULL || t == NULL || H == NULL || X == NULL || Y == NULL || rng == NULL)
        return SH_ERR_ARG;
    if (n > SIZE_MAX / 16 / (sizeof(zk_point) + 3 * sizeof(zk_scalar)))
        return SH_ERR_NOMEM;

    zk_point base;
    zk_point_base(&base);
    /* MSM layout: R1_i (weights z_i), R2_i (weights w_i), then the X, Y, G
     * and H roles.  The equations enter as
     *   z_i (R1_i + c_i X_i - s_i G_i) + w_i (R2_i + c_i Y_i - s_i H_i)
     * so that the R terms keep positive 128-bit scalars (half-cost). */
    role rx, ry, rg, rh;
    rx.merged = all_equal(X, n);
    ry.merged = all_equal(Y, n);
    rg.merged = all_same_generator(G, n, &base);
    rh.merged = all_equal(H, n);
    rx.off = 2 * n;
    ry.off = rx.off + (rx.merged ? 1 : n);
    rg.off = ry.off + (ry.merged ? 1 : n);
    rh.off = rg.off + (rg.merged ? 1 : n);
    size_t m = rh.off + (rh.merged ? 1 : n);

    zk_point *pts = zk_points_alloc(m);
    zk_scalar *sc = malloc(m * sizeof *sc);
    zk_scalar *cs = malloc(2 * n * sizeof *cs);   /* c_i, s_i */
    int rc = SH_ERR_NOMEM;
    if (pts == NULL || sc == NULL || cs == NULL)
        goto out;

    /* A merged role is encoded once for all n transcripts. */
    uint8_t genc[ZK_POINT_BYTES], henc[ZK_POINT_BYTES], xenc[ZK_POINT_BYTES],
        yenc[ZK_POINT_BYTES];
    stmt_enc e = { NULL, NULL, NULL, NULL };
    if (rg.merged) {
        zk_point_encode(genc, G != NULL && G[0] != NULL ? G[0] : &base);
        e.G = genc;
    }
    if (rh.merged) {
        zk_point_encode(henc, &H[0]);
        e.H = henc;
    }
    if (rx.merged) {
        zk_point_encode(xenc, &X[0]);
        e.X = xenc;
    }
    if (ry.merged) {
        zk_point_encode(yenc, &Y[0]);
        e.Y = yenc;
    }

    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = proofs[i];
        if ((rc = zk_point_decode(&pts[i], p + R1_OFF)) != 0
            || (rc = zk_point_decode(&pts[n + i], p + R2_OFF)) != 0
            || (rc = zk_scalar_decode(&cs[2 * i + 1], p + S_OFF)) != 0) {
            if (bad_index != NULL)
                *bad_index = i;
            goto out;
        }
        absorb_statement(&t[i], G != NULL ? G[i] : NULL, &H[i], &X[i], &Y[i], &e);
        zk_transcript_append(&t[i], "R1", p + R1_OFF, ZK_POINT_BYTES);
        zk_transcript_append(&t[i], "R2", p + R2_OFF, ZK_POINT_BYTES);
        zk_transcript_challenge_scalar(&t[i], "c", &cs[2 * i]);
    }

    /* z_i into sc[0..n), w_i into sc[n..2n): the R1 and R2 coefficients. */
    zk_proof_batch_weights(sc, 2 * n, rng);
    for (size_t i = 0; i < n; i++) {
        const zk_scalar *z = &sc[i], *w = &sc[n + i];
        const zk_scalar *c = &cs[2 * i], *s = &cs[2 * i + 1];
        const zk_point *Gi = G != NULL && G[i] != NULL ? G[i] : &base;
        zk_scalar a;
        zk_scalar_mul(&a, z, c);
        role_put(pts, sc, &rx, i, &X[i], &a);
        zk_scalar_mul(&a, w, c);
        role_put(pts, sc, &ry, i, &Y[i], &a);
        zk_scalar_mul(&a, z, s);
        zk_scalar_neg(&a, &a);
        role_put(pts, sc, &rg, i, Gi, &a);
        zk_scalar_mul(&a, w, s);
        zk_scalar_neg(&a, &a);
        role_put(pts, sc, &rh, i, &H[i], &a);
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
        /* Find the culprit with the values already derived. */
        for (size_t i = 0; i < n; i++) {
            int r1 = check_both(G != NULL ? G[i] : NULL, &H[i], &X[i], &Y[i],
                                &pts[i], &pts[n + i], &cs[2 * i + 1], &cs[2 * i]);
            if (r1 != 0) {
                *bad_index = r1 == SH_ERR_VERIFY ? i : n;
                rc = r1;
                goto out;
            }
        }
        rc = SH_ERR_INTERNAL;   /* all valid alone: the sum was zero */
    }
out:
    free(pts);
    free(sc);
    free(cs);
    return rc;
}
