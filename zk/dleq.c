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

/* The statement part of the transcript, as the encodings the elements
 * carry: "G" (only for a non-base generator), "H", "X", "Y". */
static void absorb_statement(zk_transcript *t, const zk_elem *G, const zk_elem *H,
                             const zk_elem *X, const zk_elem *Y)
{
    if (G != NULL)
        zk_transcript_append(t, "G", G->enc, ZK_POINT_BYTES);
    zk_transcript_append(t, "H", H->enc, ZK_POINT_BYTES);
    zk_transcript_append(t, "X", X->enc, ZK_POINT_BYTES);
    zk_transcript_append(t, "Y", Y->enc, ZK_POINT_BYTES);
}

int zk_dleq_prove(uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                  const zk_elem *G, const zk_elem *H, const zk_elem *X,
                  const zk_elem *Y, const zk_scalar *x, sh_rng *rng)
{
    if (proof == NULL || t == NULL || H == NULL || X == NULL || Y == NULL
        || x == NULL || rng == NULL)
        return SH_ERR_ARG;
    zk_scalar k, c, s;
    zk_point R;

    absorb_statement(t, G, H, X, Y);
    zk_proof_nonce(&k, t, x, 1, rng);
    if (G == NULL)
        zk_point_mul_base(&R, &k);
    else
        zk_point_mul(&R, &G->p, &k);
    zk_point_encode(proof + R1_OFF, &R);
    zk_point_mul(&R, &H->p, &k);
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

static int check_both(const zk_elem *G, const zk_elem *H, const zk_elem *X,
                      const zk_elem *Y, const zk_point *R1, const zk_point *R2,
                      const zk_scalar *s, const zk_scalar *c)
{
    int rc = zk_proof_check(G != NULL ? &G->p : NULL, &X->p, R1, s, c);
    if (rc == 0)
        rc = zk_proof_check(&H->p, &Y->p, R2, s, c);
    return rc;
}

int zk_dleq_verify(const uint8_t proof[ZK_DLEQ_PROOF_BYTES], zk_transcript *t,
                   const zk_elem *G, const zk_elem *H, const zk_elem *X,
                   const zk_elem *Y)
{
    if (proof == NULL || t == NULL || H == NULL || X == NULL || Y == NULL)
        return SH_ERR_ARG;
    zk_dleq_proof p;
    zk_scalar c;
    int rc = zk_dleq_proof_decode(&p, proof);
    if (rc != 0)
        return rc;
    absorb_statement(t, G, H, X, Y);
    /* Strict decoding makes the received bytes the canonical encodings. */
    zk_transcript_append(t, "R1", proof + R1_OFF, ZK_POINT_BYTES);
    zk_transcript_append(t, "R2", proof + R2_OFF, ZK_POINT_BYTES);
    zk_transcript_challenge_scalar(t, "c", &c);
    return check_both(G, H, X, Y, &p.R1, &p.R2, &p.s, &c);
}

/* ---- batch verification ---------------------------------------------------- */

/* All n elements equal (so one MSM term can carry the sum of their
 * scalars): equal canonical encodings are equal points. */
static int all_equal(const zk_elem *P, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (memcmp(P[i].enc, P[0].enc, ZK_POINT_BYTES) != 0)
            return 0;
    return 1;
}

/* The generator of proof i: G[i], or the base point for a NULL array or
 * entry. */
static const zk_elem *gen_at(const zk_elem *const *G, size_t i, const zk_elem *base)
{
    return G != NULL && G[i] != NULL ? G[i] : base;
}

static int all_same_generator(const zk_elem *const *G, size_t n, const zk_elem *base)
{
    if (G == NULL)
        return 1;
    const zk_elem *g0 = gen_at(G, 0, base);
    for (size_t i = 1; i < n; i++) {
        const zk_elem *gi = gen_at(G, i, base);
        if (gi != g0 && memcmp(gi->enc, g0->enc, ZK_POINT_BYTES) != 0)
            return 0;
    }
    return 1;
}

/* One role of the MSM: n terms from offset off, or a single merged term at
 * off whose scalar is the sum. */
typedef struct role {
    size_t off;
    int merged;
} role;

/* Role r of proof i gets point P with scalar a. */
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
                         zk_transcript *t, const zk_elem *const *G,
                         const zk_elem *H, const zk_elem *X, const zk_elem *Y,
                         size_t n, sh_rng *rng, size_t *bad_index)
{
    if (bad_index != NULL)
        *bad_index = n;
    if (n == 0)
        return 0;
    if (proofs == NULL || t == NULL || H == NULL || X == NULL || Y == NULL || rng == NULL)
        return SH_ERR_ARG;
    /* One block: m <= 6n points and m scalars, then c_i, s_i. */
    if (n > SIZE_MAX / (6 * sizeof(zk_point) + 8 * sizeof(zk_scalar)))
        return SH_ERR_NOMEM;

    zk_elem base;
    zk_elem_base(&base);
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

    zk_point *pts = zk_aligned_alloc(1, m * sizeof(zk_point) + (m + 2 * n) * sizeof(zk_scalar));
    if (pts == NULL)
        return SH_ERR_NOMEM;
    _Static_assert(sizeof(zk_point) % _Alignof(zk_scalar) == 0, "scalars follow points");
    zk_scalar *sc = (zk_scalar *)(pts + m);
    zk_scalar *cs = sc + m;   /* c_i at 2i, s_i at 2i+1 */
    int rc;

    /* Decode R1_i, R2_i straight into their MSM slots; absorb, draw c_i. */
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = proofs[i];
        if ((rc = zk_point_decode(&pts[i], p + R1_OFF)) != 0
            || (rc = zk_point_decode(&pts[n + i], p + R2_OFF)) != 0
            || (rc = zk_scalar_decode(&cs[2 * i + 1], p + S_OFF)) != 0) {
            if (bad_index != NULL)
                *bad_index = i;
            goto out;
        }
        absorb_statement(&t[i], G != NULL ? G[i] : NULL, &H[i], &X[i], &Y[i]);
        zk_transcript_append(&t[i], "R1", p + R1_OFF, ZK_POINT_BYTES);
        zk_transcript_append(&t[i], "R2", p + R2_OFF, ZK_POINT_BYTES);
        zk_transcript_challenge_scalar(&t[i], "c", &cs[2 * i]);
    }

    /* z_i into sc[0..n), w_i into sc[n..2n): the R1 and R2 coefficients. */
    zk_proof_batch_weights(sc, 2 * n, rng);
    for (size_t i = 0; i < n; i++) {
        const zk_scalar *z = &sc[i], *w = &sc[n + i];
        const zk_scalar *c = &cs[2 * i], *s = &cs[2 * i + 1];
        zk_scalar a;
        zk_scalar_mul(&a, z, c);
        role_put(pts, sc, &rx, i, &X[i].p, &a);
        zk_scalar_mul(&a, w, c);
        role_put(pts, sc, &ry, i, &Y[i].p, &a);
        zk_scalar_mul(&a, z, s);
        zk_scalar_neg(&a, &a);
        role_put(pts, sc, &rg, i, &gen_at(G, i, &base)->p, &a);
        zk_scalar_mul(&a, w, s);
        zk_scalar_neg(&a, &a);
        role_put(pts, sc, &rh, i, &H[i].p, &a);
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
    return rc;
}
