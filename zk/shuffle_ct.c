/* zk/shuffle_ct.c -- constant-time multi-scalar multiplication for the
 * prover's secret scalars (the masks omega'_k of the permutation, which
 * would reveal it).
 *
 * Straus with fixed windows: each scalar is recoded into 51 signed radix-32
 * digits in [-16, 16]; each point gets the table 0, P, 2P, ..., 16P; one
 * doubling chain per block of points walks the 51 digit positions from the
 * top, and at each one every point of the block adds the table entry of
 * its digit's magnitude, read with a full masked scan of the 17 entries and
 * negated by a masked select: the same memory accesses and the same
 * operations whatever the digits are.  About 66 point additions per point
 * (plus 250 doublings per block of ZKSH_CT_BLOCK points), against about
 * 300 for a separate constant-time scalar multiplication. */
#include "zk/shuffle_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define ZKSH_CT_BLOCK 128
#ifndef ZKSH_CT_W
#define ZKSH_CT_W 5                          /* window bits (4 or 5) */
#endif
#define ZKSH_CT_DIGITS ((253 + ZKSH_CT_W - 1) / ZKSH_CT_W)
#define ZKSH_CT_TAB ((1 << (ZKSH_CT_W - 1)) + 1)   /* 0, P, ..., 16P */
#define GF_LIMBS (sizeof(((gf_25519_s *)0)->limb) / sizeof(decaf_word_t))

void zksh_recode(int8_t d[64], const zk_scalar *s)
{
    uint8_t a[ZK_SCALAR_BYTES + 8] = { 0 };
    zk_scalar_encode(a, s);
    /* ZKSH_CT_DIGITS windows of ZKSH_CT_W bits (positions are public). */
    for (unsigned i = 0; i < ZKSH_CT_DIGITS; i++) {
        unsigned off = ZKSH_CT_W * i;
        uint32_t v = (uint32_t)a[off / 8] | (uint32_t)a[off / 8 + 1] << 8;
        d[i] = (int8_t)((v >> (off % 8)) & ((1u << ZKSH_CT_W) - 1));
    }
    for (unsigned i = ZKSH_CT_DIGITS; i < 64; i++)
        d[i] = 0;
    /* Branch-free carry into signed digits in [-2^(W-1), 2^(W-1)); the top
     * one stays in [0, 2^(W-1)] because s < L < 2^253. */
    int carry = 0;
    for (unsigned i = 0; i + 1 < ZKSH_CT_DIGITS; i++) {
        int x = d[i] + carry;
        carry = (x + (1 << (ZKSH_CT_W - 1))) >> ZKSH_CT_W;
        d[i] = (int8_t)(x - carry * (1 << ZKSH_CT_W));
    }
    d[ZKSH_CT_DIGITS - 1] = (int8_t)(d[ZKSH_CT_DIGITS - 1] + carry);
    sodium_memzero(a, sizeof a);
}

static void gf_select(gf_25519_s *out, const gf_25519_s *in, decaf_word_t mask)
{
    for (size_t k = 0; k < GF_LIMBS; k++)
        out->limb[k] ^= mask & (out->limb[k] ^ in->limb[k]);
}

/* out = tab[|d|], negated if d < 0, without secret-dependent branches or
 * addresses. */
static void ct_lookup(zk_point *out, const zk_point *tab, int d)
{
    decaf_word_t neg = (decaf_word_t)0 - (decaf_word_t)((unsigned)d >> (8 * sizeof(int) - 1));
    unsigned mag = (unsigned)((d ^ (int)neg) - (int)neg);
    *out = tab[0];
    for (unsigned t = 1; t < ZKSH_CT_TAB; t++) {
        decaf_word_t x = (decaf_word_t)(mag ^ t);
        decaf_word_t mask = (decaf_word_t)0 - ((x - 1) >> (8 * sizeof(decaf_word_t) - 1));
        gf_select(out->v.x, tab[t].v.x, mask);
        gf_select(out->v.y, tab[t].v.y, mask);
        gf_select(out->v.z, tab[t].v.z, mask);
        gf_select(out->v.t, tab[t].v.t, mask);
    }
    zk_point n;
    decaf_255_point_negate(&n.v, &out->v);
    gf_select(out->v.x, n.v.x, neg);
    gf_select(out->v.t, n.v.t, neg);
}

/* sum over i < n of digits(i) * pts[i * stride], using tab (n * 9 points). */
static void ct_block(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                     size_t n, zk_point *tab)
{
    for (size_t i = 0; i < n; i++) {
        zk_point *t = tab + ZKSH_CT_TAB * i;
        zk_point_identity(&t[0]);
        t[1] = pts[i * stride];
        zk_point_dbl(&t[2], &t[1]);
        for (unsigned k = 3; k < ZKSH_CT_TAB; k++)
            zk_point_add(&t[k], &t[k - 1], &t[1]);
    }
    zk_point acc, sel;
    zk_point_identity(&acc);
    for (unsigned pos = ZKSH_CT_DIGITS; pos-- > 0;) {
        if (pos != ZKSH_CT_DIGITS - 1)
            for (unsigned k = 0; k < ZKSH_CT_W; k++)
                zk_point_dbl(&acc, &acc);
        for (size_t i = 0; i < n; i++) {
            ct_lookup(&sel, tab + ZKSH_CT_TAB * i, digits[64 * i + pos]);
            zk_point_add(&acc, &acc, &sel);
        }
    }
    *out = acc;
    zk_point_wipe(&sel);
    zk_point_wipe(&acc);
}

typedef struct ct_job {
    const int8_t *digits;
    const zk_point *pts;
    size_t stride, n, tasks;
    zk_point *partial;
    int *rc;
} ct_job;

static void ct_task(void *arg, size_t t)
{
    ct_job *j = arg;
    size_t lo = j->n * t / j->tasks, hi = j->n * (t + 1) / j->tasks;
    zk_point *tab = zk_points_alloc(ZKSH_CT_TAB * ZKSH_CT_BLOCK);
    if (tab == NULL) {
        j->rc[t] = SH_ERR_NOMEM;
        return;
    }
    zk_point acc, part;
    zk_point_identity(&acc);
    for (size_t b = lo; b < hi; b += ZKSH_CT_BLOCK) {
        size_t m = hi - b < ZKSH_CT_BLOCK ? hi - b : ZKSH_CT_BLOCK;
        ct_block(&part, j->digits + 64 * b, j->pts + b * j->stride, j->stride, m, tab);
        zk_point_add(&acc, &acc, &part);
    }
    j->partial[t] = acc;
    j->rc[t] = 0;
    zk_points_free(tab, ZKSH_CT_TAB * ZKSH_CT_BLOCK);
    zk_point_wipe(&part);
}

int zksh_ct_msm(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                size_t n, sh_pool *pool)
{
    size_t tasks = sh_pool_threads(pool);
    if (tasks > (n + ZKSH_CT_BLOCK - 1) / ZKSH_CT_BLOCK)
        tasks = (n + ZKSH_CT_BLOCK - 1) / ZKSH_CT_BLOCK;
    if (tasks == 0)
        tasks = 1;
    zk_point *partial = zk_points_alloc(tasks);
    int *rc = calloc(tasks, sizeof *rc);
    if (partial == NULL || rc == NULL) {
        free(partial);
        free(rc);
        return SH_ERR_NOMEM;
    }
    ct_job j = { digits, pts, stride, n, tasks, partial, rc };
    int r = sh_pool_run(pool, tasks, ct_task, &j);
    zk_point acc;
    zk_point_identity(&acc);
    for (size_t t = 0; t < tasks && r == 0; t++) {
        r = rc[t];
        if (r == 0)
            zk_point_add(&acc, &acc, &partial[t]);
    }
    if (r == 0)
        *out = acc;
    zk_points_free(partial, tasks);
    free(rc);
    return r;
}
