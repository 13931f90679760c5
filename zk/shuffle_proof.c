/* zk/shuffle_proof.c -- the prover of the Terelius-Wikstrom shuffle proof.
 * docs/shuffle-proof.md is the specification; the names follow it:
 *
 *   u_j     = r_j B + h_{pi(j)}                      permutation commitment
 *   e'_k    = e_{pi^{-1}(k)}                         permuted challenges
 *   c_{k+1} = b_k B + P_k h_0,  P_k = e'_0 ... e'_k  chain (c_0 = h_0), i.e.
 *           = rh_k B + e'_k c_k  with rh_k = b_k - e'_k b_{k-1}
 *   A'  = wA B + sum_k w'_k h_k        B'_k = wh_k B + w'_k c_k
 *   C'  = wC B      D' = wD B          F'_l = Enc(-wF_l) + sum_k w'_k out_{k,l}
 *
 * Secret scalars only meet fixed bases through constant-time tables (the
 * per-digit tables of shuffle_ct.c for the N-fold products with B and h_0,
 * libdecaf's for the few others) and variable points through the
 * constant-time Straus of shuffle_ct.c.  The points c_k and B'_k, whose bases vary along the
 * chain, are computed in closed form on the two fixed bases B and h_0.
 * The points the proof publishes are public once computed: they are
 * declassified (util/ct.h) before the variable-time helpers that encode
 * them cheaply (zk/dblenc.h: c_k and B'_k are computed halved, then
 * doubled and encoded without an inverse square root) and make their
 * decompression hints (zk/hint.h). */
#include "util/ct.h"
#include "zk/shuffle.h"
#include "zk/shuffle_impl.h"
#include "zk/dblenc.h"
#include "zk/hint.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

typedef struct prover {
    size_t n, w;
    const zk_shuffle_gens *g;
    const zk_shuffle_batch *out;
    const zk_shuffle_secret *sec;
    uint8_t key[32];
    uint8_t *proof;
    zksh_fb *bt, *h0t;          /* constant-time tables of B and h_0 */
    /* per element, n each */
    zk_scalar *r, *e, *ep, *P, *b, *wp;
    int8_t *digits;
    /* the scalars of the proof, filled at the end */
    zk_scalar v;
    zk_scalar half;             /* 1/2 mod L */
} prover;

/* Offsets (in 32-byte units) of the parts of the proof. */
#define OFF_U(n) 0
#define OFF_CHAT(n) (n)
#define OFF_A(n) (2 * (n))
#define OFF_B(n) (2 * (n) + 1)
#define OFF_C(n) (3 * (n) + 1)
#define OFF_D(n) (3 * (n) + 2)
#define OFF_F(n) (3 * (n) + 3)
#define OFF_S(n, w) ZKSH_OFF_S(n, w)
#define OFF_HP(n, w) ZKSH_OFF_HP(n, w)

/* The hints of the proof's points are made in blocks (one inversion per
 * block, zk/hint.h). */
#define HINT_BLOCK 64

/* The hint of the proof's point at index i (in proof order), alone. */
static void hint_at(uint8_t *proof, size_t n, size_t w, size_t i, const zk_point *pt)
{
    sh_ct_declassify(pt, sizeof *pt);     /* published */
    zk_point_hints(proof + 32 * (OFF_HP(n, w) + i), pt, proof + 32 * i, 1);
}

static void u_range(void *arg, size_t lo, size_t hi)
{
    prover *p = arg;
    zk_point blk[HINT_BLOCK];
    const size_t hp = OFF_HP(p->n, p->w);
    for (size_t j0 = lo; j0 < hi; j0 += HINT_BLOCK) {
        size_t m = hi - j0 < HINT_BLOCK ? hi - j0 : HINT_BLOCK;
        for (size_t i = 0; i < m; i++) {
            size_t j = j0 + i;
            zksh_prf_scalar(&p->r[j], p->key, ZKSH_PRF_R, j);
            zksh_fb_mul(&blk[i], p->bt, &p->r[j]);
            zk_point_add(&blk[i], &blk[i], &p->g->h[p->sec->perm[j]]);
            zk_point_encode(p->proof + 32 * (OFF_U(p->n) + j), &blk[i]);
        }
        sh_ct_declassify(blk, m * sizeof *blk);      /* published */
        zk_point_hints(p->proof + 32 * (hp + OFF_U(p->n) + j0), blk,
                       p->proof + 32 * (OFF_U(p->n) + j0), m);
    }
    sodium_memzero(blk, sizeof blk);
}

static void permute_e(prover *p)
{
    for (size_t j = 0; j < p->n; j++)
        p->ep[p->sec->perm[j]] = p->e[j];
}

/* c_{k+1} and B'_k, and the scalars they need (b_k, w'_k). */
static void chain_range(void *arg, size_t lo, size_t hi)
{
    prover *p = arg;
    /* Each point is computed halved (its two scalars times 1/2) and
     * doubled by zk_points_double_encode, whose encoding needs no inverse
     * square root; the halves are public (anyone can halve c_k). */
    zk_point t1, t2, qc[HINT_BLOCK], qb[HINT_BLOCK], cb[HINT_BLOCK], bb[HINT_BLOCK];
    zk_scalar x, y, h, one;
    const size_t hp = OFF_HP(p->n, p->w);
    size_t m = 0, k0 = lo;
    zk_scalar_one(&one);
    for (size_t k = lo; k < hi; k++) {
        zksh_prf_scalar(&p->b[k], p->key, ZKSH_PRF_B, k);
        zk_scalar_mul(&h, &p->b[k], &p->half);
        zksh_fb_mul(&t1, p->bt, &h);
        zk_scalar_mul(&h, &p->P[k], &p->half);
        zksh_fb_mul(&t2, p->h0t, &h);
        zk_point_add(&qc[m], &t1, &t2);

        zksh_prf_scalar(&p->wp[k], p->key, ZKSH_PRF_W, k);
        zksh_recode(p->digits + 64 * k, &p->wp[k]);
        /* B'_k = x_k B + (w'_k P_{k-1}) h_0, x_k = wh_k + w'_k b_{k-1} */
        zksh_prf_scalar(&x, p->key, ZKSH_PRF_X, k);
        zk_scalar_mul(&y, &p->wp[k], k == 0 ? &one : &p->P[k - 1]);
        zk_scalar_mul(&h, &x, &p->half);
        zksh_fb_mul(&t1, p->bt, &h);
        zk_scalar_mul(&h, &y, &p->half);
        zksh_fb_mul(&t2, p->h0t, &h);
        zk_point_add(&qb[m], &t1, &t2);
        if (++m == HINT_BLOCK || k + 1 == hi) {
            sh_ct_declassify(qc, m * sizeof *qc);    /* published (doubled) */
            sh_ct_declassify(qb, m * sizeof *qb);
            zk_points_double_encode(p->proof + 32 * (OFF_CHAT(p->n) + k0), cb, qc, m);
            zk_points_double_encode(p->proof + 32 * (OFF_B(p->n) + k0), bb, qb, m);
            zk_point_hints(p->proof + 32 * (hp + OFF_CHAT(p->n) + k0), cb,
                           p->proof + 32 * (OFF_CHAT(p->n) + k0), m);
            zk_point_hints(p->proof + 32 * (hp + OFF_B(p->n) + k0), bb,
                           p->proof + 32 * (OFF_B(p->n) + k0), m);
            k0 = k + 1;
            m = 0;
        }
    }
    zk_point_wipe(&t1);
    zk_point_wipe(&t2);
    sodium_memzero(qc, sizeof qc);
    sodium_memzero(qb, sizeof qb);
    sodium_memzero(cb, sizeof cb);
    sodium_memzero(bb, sizeof bb);
    zk_scalar_wipe(&x);
    zk_scalar_wipe(&y);
    zk_scalar_wipe(&h);
}

/* The hints of the output batch's points [lo, hi) (c1, c2 of each
 * component in turn, as the batch encodes them). */
static void out_hint_range(void *arg, size_t lo, size_t hi)
{
    prover *p = arg;
    const zk_point *pts = (const zk_point *)p->out->ct;
    zk_point_hints(p->proof + 32 * (ZKSH_OFF_HO(p->n, p->w) + lo), pts + lo,
                   p->out->enc + 32 * lo, hi - lo);
}

/* k_B and k_E (the per-element responses). */
static void resp_range(void *arg, size_t lo, size_t hi)
{
    prover *p = arg;
    const size_t s0 = OFF_S(p->n, p->w);
    zk_scalar x, t, rh, wh;
    for (size_t k = lo; k < hi; k++) {
        /* rh_k = b_k - e'_k b_{k-1};  wh_k = x_k - w'_k b_{k-1} */
        zksh_prf_scalar(&x, p->key, ZKSH_PRF_X, k);
        rh = p->b[k];
        wh = x;
        if (k > 0) {
            zk_scalar_mul(&t, &p->ep[k], &p->b[k - 1]);
            zk_scalar_sub(&rh, &rh, &t);
            zk_scalar_mul(&t, &p->wp[k], &p->b[k - 1]);
            zk_scalar_sub(&wh, &wh, &t);
        }
        zk_scalar_mul(&t, &p->v, &rh);
        zk_scalar_add(&t, &t, &wh);
        zk_scalar_encode(p->proof + 32 * (s0 + 1 + k), &t);
        zk_scalar_mul(&t, &p->v, &p->ep[k]);
        zk_scalar_add(&t, &t, &p->wp[k]);
        zk_scalar_encode(p->proof + 32 * (s0 + 3 + p->n + k), &t);
    }
    zk_scalar_wipe(&x);
    zk_scalar_wipe(&t);
    zk_scalar_wipe(&rh);
    zk_scalar_wipe(&wh);
}

static void prover_free(prover *p)
{
    size_t n = p->n;
    zk_scalar *arrs[] = { p->r, p->e, p->ep, p->P, p->b, p->wp };
    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++) {
        if (arrs[i] != NULL) {
            sodium_memzero(arrs[i], n * sizeof(zk_scalar));
            free(arrs[i]);
        }
    }
    if (p->digits != NULL) {
        sodium_memzero(p->digits, 64 * n);
        free(p->digits);
    }
    zksh_fb_free(p->bt);
    zksh_fb_free(p->h0t);
    sodium_memzero(p->key, sizeof p->key);
    zk_scalar_wipe(&p->v);
}

/* k * a for a secret k and a public point a: a table when there is one. */
static void mul_secret(zk_point *out, const zk_point_table *t, const zk_scalar *k)
{
    if (t == NULL)
        zk_point_mul_base(out, k);
    else
        zk_point_table_mul(out, t, k);
}

int zk_shuffle_prove(uint8_t *proof, size_t proof_len, const zk_shuffle_gens *g,
                     const zk_elem *pk, const zk_shuffle_ctx *ctx,
                     const zk_shuffle_batch *in, const zk_shuffle_batch *out,
                     const zk_shuffle_secret *sec, sh_rng *rng, sh_pool *pool)
{
    if (proof == NULL || g == NULL || pk == NULL || ctx == NULL || in == NULL || out == NULL
        || sec == NULL || rng == NULL || in->n == 0 || in->w == 0 || out->n != in->n
        || out->w != in->w || sec->n != in->n || sec->w != in->w || g->n != in->n
        || proof_len != zk_shuffle_proof_size(in->n, in->w))
        return SH_ERR_ARG;
    const size_t n = in->n, w = in->w, s0 = OFF_S(n, w);
    prover p;
    memset(&p, 0, sizeof p);
    p.n = n;
    p.w = w;
    p.g = g;
    p.out = out;
    p.sec = sec;
    p.proof = proof;
    /* (L + 1) / 2 */
    static const uint8_t HALF[32] = {
        0xf7, 0xe9, 0x7a, 0x2e, 0x8d, 0x31, 0x09, 0x2c, 0x6b, 0xce, 0x7b, 0x51, 0xef, 0x7c, 0x6f, 0x0a,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08 };
    if (zk_scalar_decode(&p.half, HALF) != 0)
        return SH_ERR_INTERNAL;
    int rc = SH_ERR_NOMEM;
    zk_scalar sc[6];          /* wA, wC, wD, then a, c, tmp */
    zk_point t1, t2;
    zk_point_table *pkt = NULL;
    zk_transcript t, f;
    uint8_t h[ZK_TRANSCRIPT_CHALLENGE_BYTES], buf[32];

    p.r = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.e = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.ep = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.P = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.b = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.wp = zk_aligned_alloc(n, sizeof(zk_scalar));
    p.digits = malloc(64 * n);
    zk_point_base(&t1);
    p.bt = zksh_fb_new(&t1);
    p.h0t = zksh_fb_new(&g->h[0]);
    pkt = zk_point_table_new(&pk->p);
    if (p.r == NULL || p.e == NULL || p.ep == NULL || p.P == NULL || p.b == NULL
        || p.wp == NULL || p.digits == NULL || p.bt == NULL || p.h0t == NULL || pkt == NULL)
        goto out;

    /* Statement; then the key of the prover's randomness, from a fork that
     * holds the statement, fresh rng bytes and the witness. */
    zksh_statement(&t, g, pk, ctx, in, out);
    f = t;
    sh_rng_bytes(rng, buf, sizeof buf);
    zk_transcript_append(&f, "nonce-rng", buf, sizeof buf);
    zk_transcript_append_begin(&f, "nonce-secret", 4 * n + 32 * n * w);
    for (size_t j = 0; j < n; j++) {
        uint8_t b4[4] = { (uint8_t)sec->perm[j], (uint8_t)(sec->perm[j] >> 8),
                          (uint8_t)(sec->perm[j] >> 16), (uint8_t)(sec->perm[j] >> 24) };
        zk_transcript_stream(&f, b4, 4);
    }
    for (size_t i = 0; i < n * w; i++) {
        zk_scalar_encode(buf, &sec->s[i]);
        zk_transcript_stream(&f, buf, 32);
    }
    zk_transcript_challenge_bytes(&f, "nonce", h);
    memcpy(p.key, h, sizeof p.key);
    zk_transcript_wipe(&f);

    /* Round 1: the permutation commitment, then the challenges e. */
    if ((rc = zksh_parallel(pool, n, u_range, &p)) != 0)
        goto out;
    zk_transcript_append(&t, "u", proof + 32 * OFF_U(n), 32 * n);
    zk_transcript_challenge_bytes(&t, "e", h);
    if ((rc = zksh_challenges(p.e, n, h)) != 0)
        goto out;
    permute_e(&p);
    p.P[0] = p.ep[0];
    for (size_t k = 1; k < n; k++)
        zk_scalar_mul(&p.P[k], &p.P[k - 1], &p.ep[k]);

    /* Round 2: the chain and the commitments of the sigma protocol. */
    if ((rc = zksh_parallel(pool, n, chain_range, &p)) != 0)
        goto out;
    for (unsigned i = 0; i < 3; i++)
        zksh_prf_scalar(&sc[i], p.key, ZKSH_PRF_ACD, i);
    if ((rc = zksh_ct_msm(&t1, p.digits, g->h, 1, n, pool)) != 0)
        goto out;
    zk_point_mul_base(&t2, &sc[0]);
    zk_point_add(&t1, &t1, &t2);
    zk_point_encode(proof + 32 * OFF_A(n), &t1);
    hint_at(proof, n, w, OFF_A(n), &t1);
    zk_point_mul_base(&t1, &sc[1]);
    zk_point_encode(proof + 32 * OFF_C(n), &t1);
    hint_at(proof, n, w, OFF_C(n), &t1);
    zk_point_mul_base(&t1, &sc[2]);
    zk_point_encode(proof + 32 * OFF_D(n), &t1);
    hint_at(proof, n, w, OFF_D(n), &t1);
    for (size_t l = 0; l < w; l++) {
        zk_scalar wf;
        zksh_prf_scalar(&wf, p.key, ZKSH_PRF_F, l);
        zk_scalar_neg(&wf, &wf);
        for (unsigned part = 0; part < 2; part++) {
            const zk_point *pts = (const zk_point *)out->ct + 2 * l + part;
            if ((rc = zksh_ct_msm(&t1, p.digits, pts, 2 * w, n, pool)) != 0) {
                zk_scalar_wipe(&wf);
                goto out;
            }
            mul_secret(&t2, part == 0 ? NULL : pkt, &wf);
            zk_point_add(&t1, &t1, &t2);
            zk_point_encode(proof + 32 * (OFF_F(n) + 2 * l + part), &t1);
            hint_at(proof, n, w, OFF_F(n) + 2 * l + part, &t1);
        }
        zk_scalar_wipe(&wf);
    }
    zk_transcript_append(&t, "c-hat", proof + 32 * OFF_CHAT(n), 32 * n);
    zk_transcript_append(&t, "A'", proof + 32 * OFF_A(n), 32);
    zk_transcript_append(&t, "B'", proof + 32 * OFF_B(n), 32 * n);
    zk_transcript_append(&t, "C'", proof + 32 * OFF_C(n), 32);
    zk_transcript_append(&t, "D'", proof + 32 * OFF_D(n), 32);
    zk_transcript_append(&t, "F'", proof + 32 * OFF_F(n), 64 * w);
    zk_transcript_challenge_scalar(&t, "v", &p.v);
    if (zk_scalar_is_zero(&p.v)) {
        rc = SH_ERR_INTERNAL;
        goto out;
    }

    /* The hints of the output batch (for zk_shuffle_output_decode). */
    if ((rc = zksh_parallel(pool, 2 * n * w, out_hint_range, &p)) != 0)
        goto out;

    /* Responses. */
    zk_scalar_zero(&sc[3]);
    zk_scalar_zero(&sc[4]);
    for (size_t j = 0; j < n; j++) {
        zk_scalar_mul(&sc[5], &p.r[j], &p.e[j]);
        zk_scalar_add(&sc[3], &sc[3], &sc[5]);       /* a = <r, e> */
        zk_scalar_add(&sc[4], &sc[4], &p.r[j]);      /* c = sum r */
    }
    zk_scalar_mul(&sc[5], &p.v, &sc[3]);
    zk_scalar_add(&sc[5], &sc[5], &sc[0]);
    zk_scalar_encode(proof + 32 * s0, &sc[5]);                 /* k_A */
    zk_scalar_mul(&sc[5], &p.v, &sc[4]);
    zk_scalar_add(&sc[5], &sc[5], &sc[1]);
    zk_scalar_encode(proof + 32 * (s0 + 1 + n), &sc[5]);       /* k_C */
    zk_scalar_mul(&sc[5], &p.v, &p.b[n - 1]);
    zk_scalar_add(&sc[5], &sc[5], &sc[2]);
    zk_scalar_encode(proof + 32 * (s0 + 2 + n), &sc[5]);       /* k_D */
    if ((rc = zksh_parallel(pool, n, resp_range, &p)) != 0)
        goto out;
    for (size_t l = 0; l < w; l++) {
        zk_scalar fl, wf;
        zk_scalar_zero(&fl);
        for (size_t j = 0; j < n; j++) {
            zk_scalar_mul(&wf, &sec->s[j * w + l], &p.e[j]);
            zk_scalar_add(&fl, &fl, &wf);
        }
        zksh_prf_scalar(&wf, p.key, ZKSH_PRF_F, l);
        zk_scalar_mul(&fl, &fl, &p.v);
        zk_scalar_add(&fl, &fl, &wf);
        zk_scalar_encode(proof + 32 * (s0 + 3 + 2 * n + l), &fl);   /* k_F,l */
        zk_scalar_wipe(&fl);
        zk_scalar_wipe(&wf);
    }
    rc = SH_OK;

out:
    for (unsigned i = 0; i < 6; i++)
        zk_scalar_wipe(&sc[i]);
    zk_point_wipe(&t1);
    zk_point_wipe(&t2);
    zk_point_table_free(pkt);
    zk_transcript_wipe(&t);
    sodium_memzero(h, sizeof h);
    sodium_memzero(buf, sizeof buf);
    prover_free(&p);
    if (rc != 0)
        sodium_memzero(proof, proof_len);
    return rc;
}
