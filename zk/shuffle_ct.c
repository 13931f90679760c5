/* zk/shuffle_ct.c -- constant-time multi-scalar multiplication for the
 * prover's secret scalars (the masks omega'_k of the permutation, which
 * would reveal it).
 *
 * Straus with fixed windows: each scalar is recoded into 64 signed radix-16
 * digits in [-8, 8]; each point gets the table 0, P, 2P, ..., 8P; one
 * doubling chain per block of points walks the 64 digit positions from the
 * top, and at each one every point of the block adds the table entry of
 * its digit's magnitude, read with a full masked scan of the 9 entries and
 * negated by masked selects, with a mixed addition (the tables are in
 * Niels form): the same memory accesses and the same operations whatever
 * the digits are.  About 71 point additions per point, 64 of them mixed
 * (plus 250 doublings per block of ZKSH_CT_BLOCK points), against about
 * 300 for a separate constant-time scalar multiplication.
 *
 * Also the prover's fixed-base products with secret scalars (zksh_fb_*):
 * 51 signed radix-32 digits scanned against per-position tables of 17
 * Niels entries of a fixed point, 51 mixed additions and no doubling per
 * product. */
#include "zk/shuffle_impl.h"
#include "zk/edwards.h"
#include "zk/fe.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#ifndef ZKSH_CT_BLOCK
#define ZKSH_CT_BLOCK 128
#endif
/* Window bits, 4 or 5: the Straus MSM builds its tables for every use, so
 * it takes 4 (9 entries to build and scan, 64 additions); the fixed-base
 * tables are built once, so they take 5 (17 entries, 51 additions).  Each
 * is the cheaper of the two for its use (callgrind). */
#ifndef ZKSH_CT_W
#define ZKSH_CT_W 4
#endif
#ifndef ZKSH_FB_W
#define ZKSH_FB_W 5
#endif
#define WIN_DIGITS(w) ((253 + (w) - 1) / (w))
#define WIN_TAB(w) ((1u << ((w) - 1)) + 1)          /* 0, P, ..., 2^(w-1) P */
#define ZKSH_CT_DIGITS WIN_DIGITS(ZKSH_CT_W)
#define ZKSH_CT_TAB WIN_TAB(ZKSH_CT_W)
#define ZKSH_FB_DIGITS WIN_DIGITS(ZKSH_FB_W)
#define ZKSH_FB_TAB WIN_TAB(ZKSH_FB_W)
#define GF_LIMBS (sizeof(((gf_25519_s *)0)->limb) / sizeof(decaf_word_t))

/* d = s in WIN_DIGITS(w) signed digits of w bits, then zeros up to 64. */
static void recode_w(int8_t d[64], const zk_scalar *s, unsigned w)
{
    const unsigned digits = WIN_DIGITS(w);
    uint8_t a[ZK_SCALAR_BYTES + 8] = { 0 };
    zk_scalar_encode(a, s);
    /* digits windows of w bits (positions are public) */
    for (unsigned i = 0; i < digits; i++) {
        unsigned off = w * i;
        uint32_t v = (uint32_t)a[off / 8] | (uint32_t)a[off / 8 + 1] << 8;
        d[i] = (int8_t)((v >> (off % 8)) & ((1u << w) - 1));
    }
    for (unsigned i = digits; i < 64; i++)
        d[i] = 0;
    /* Branch-free carry into signed digits in [-2^(w-1), 2^(w-1)); the top
     * one stays in [0, 2^(w-1)] because s < L < 2^253. */
    int carry = 0;
    for (unsigned i = 0; i + 1 < digits; i++) {
        int x = d[i] + carry;
        carry = (x + (1 << (w - 1))) >> w;
        d[i] = (int8_t)(x - carry * (1 << w));
    }
    d[digits - 1] = (int8_t)(d[digits - 1] + carry);
    sodium_memzero(a, sizeof a);
}

void zksh_recode(int8_t d[64], const zk_scalar *s)
{
    recode_w(d, s, ZKSH_CT_W);
}

/* A table entry: a point in Niels form with z = 1 (zk/edwards.h): y - x,
 * y + x, 2 d t, and -2 d t for the negation (which also swaps the first
 * two), five limbs each, as ten 128-bit vectors (GCC's generic vectors,
 * SSE2 registers on x86-64): a masked scan reads 160 bytes an entry with
 * a few vector instructions, the sign of the digit is applied by masked
 * selects, and the addition is a mixed one (seven multiplications instead
 * of nine and a word multiplication).  The entries are normalised (one
 * shared inversion) when the table is built, from public points. */
#define NENT_WORDS (4 * 5)
#define NENT_VECS (NENT_WORDS / 2)
typedef decaf_word_t zksh_vec __attribute__((vector_size(2 * sizeof(decaf_word_t))));
typedef union zksh_nent {
    zksh_vec v[NENT_VECS];
    decaf_word_t w[NENT_WORDS];      /* ymx, ypx, t2d, -t2d */
} zksh_nent;

/* e[k] = the entry of pts[k], k < count: 0, or SH_ERR_NOMEM. */
static int nent_fill(zksh_nent *e, const zk_point *pts, size_t count)
{
    zk_niels *nl = malloc(count * sizeof *nl);
    if (nl == NULL || zk_niels_from_points(nl, pts, count, 1) != 0) {
        free(nl);
        return SH_ERR_NOMEM;
    }
    for (size_t k = 0; k < count; k++) {
        uint64_t neg[5];
        fe_neg(neg, nl[k].t2d.limb);
        memcpy(e[k].w, nl[k].ymx.limb, 5 * sizeof(decaf_word_t));
        memcpy(e[k].w + 5, nl[k].ypx.limb, 5 * sizeof(decaf_word_t));
        memcpy(e[k].w + 10, nl[k].t2d.limb, 5 * sizeof(decaf_word_t));
        memcpy(e[k].w + 15, neg, 5 * sizeof(decaf_word_t));
    }
    free(nl);
    return SH_OK;
}

/* *out = tab[|d|] as a Niels point, negated if d < 0, for |d| < count
 * (public): every entry read and combined under a mask, the sign
 * applied by masks: no secret-dependent branch or address.  sel is
 * scratch (it holds the entry; its callers wipe it). */
static inline void nent_lookup(zk_niels *out, const zksh_nent *tab, unsigned count, int d,
                               zksh_nent *sel)
{
    decaf_word_t neg = (decaf_word_t)0 - (decaf_word_t)((unsigned)d >> (8 * sizeof(int) - 1));
    unsigned mag = (unsigned)((d ^ (int)neg) - (int)neg);
    zksh_vec acc[NENT_VECS];
    for (size_t k = 0; k < NENT_VECS; k++)
        acc[k] = (zksh_vec){ 0 };
    for (unsigned t = 0; t < count; t++) {
        decaf_word_t x = (decaf_word_t)(mag ^ t);
        decaf_word_t m = ((x | ((decaf_word_t)0 - x)) >> (8 * sizeof(decaf_word_t) - 1)) - 1;
        zksh_vec mask = (zksh_vec){ 0 } + m;
        for (size_t k = 0; k < NENT_VECS; k++)
            acc[k] |= mask & tab[t].v[k];
    }
    for (size_t k = 0; k < NENT_VECS; k++)
        sel->v[k] = acc[k];
    const decaf_word_t *w = sel->w;
    for (size_t k = 0; k < 5; k++) {
        decaf_word_t a = w[k], b = w[5 + k];
        out->ymx.limb[k] = a ^ (neg & (a ^ b));
        out->ypx.limb[k] = b ^ (neg & (a ^ b));
        out->t2d.limb[k] = w[10 + k] ^ (neg & (w[10 + k] ^ w[15 + k]));
    }
}

/* t[0 .. count) = 0, P, 2P, ..., (count - 1) P, count >= 3. */
static void multiples(zk_point *t, const zk_point *p, unsigned count)
{
    zk_point_identity(&t[0]);
    t[1] = *p;
    zk_point_dbl(&t[2], p);
    for (unsigned k = 3; k < count; k++)
        zk_point_add(&t[k], &t[k - 1], p);
}

/* Scratch of ct_block for ZKSH_CT_BLOCK points. */
typedef struct ct_scratch {
    zk_point *mult;          /* ZKSH_CT_TAB per point */
    zksh_nent *tab;          /* the same, as entries */
} ct_scratch;

/* sum over i < n of digits(i) * pts[i * stride]: 0, or SH_ERR_NOMEM. */
static int ct_block(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                    size_t n, ct_scratch *sc)
{
    for (size_t i = 0; i < n; i++)
        multiples(sc->mult + ZKSH_CT_TAB * i, &pts[i * stride], ZKSH_CT_TAB);
    if (nent_fill(sc->tab, sc->mult, ZKSH_CT_TAB * n) != 0)
        return SH_ERR_NOMEM;
    zk_point acc;
    zk_niels sel;
    zksh_nent scratch;
    zk_point_identity(&acc);
    for (unsigned pos = ZKSH_CT_DIGITS; pos-- > 0;) {
        if (pos != ZKSH_CT_DIGITS - 1)
            for (unsigned k = 0; k < ZKSH_CT_W; k++)
                zk_point_dbl(&acc, &acc);
        for (size_t i = 0; i < n; i++) {
            nent_lookup(&sel, sc->tab + ZKSH_CT_TAB * i, ZKSH_CT_TAB, digits[64 * i + pos],
                        &scratch);
            zk_point_add_niels(&acc, &sel, 0);
        }
    }
    *out = acc;
    zk_point_wipe(&acc);
    sodium_memzero(&sel, sizeof sel);
    sodium_memzero(&scratch, sizeof scratch);
    return SH_OK;
}

/* ---- fixed-base products with secret scalars ----
 *
 * The table of P holds, for each of the ZKSH_FB_DIGITS digit positions i,
 * the entries j * 2^(W i) * P for j = 0 .. 2^(W-1); s * P is then the sum
 * over i of the entry of digit i (negated when it is negative): one masked
 * scan and one addition per digit and no doubling.  The entries are in
 * Niels form with z = 1 (y - x, y + x, 2 d t, and -2 d t for the negation,
 * which swaps the first two: zk/edwards.h), normalised once when the table
 * is built, so each addition is a mixed one (seven multiplications instead
 * of nine and a word multiplication) and a scan reads 160 bytes an entry
 * instead of 240: about 0.17 of a variable-base scalar multiplication a
 * product, against 0.34 for libdecaf's comb (zk_point_table_mul,
 * zk_point_mul_base).  51 * 17 entries (139 KB) a table. */

struct zksh_fb {
    zksh_nent *ent;         /* ZKSH_FB_DIGITS * ZKSH_FB_TAB */
};

zksh_fb *zksh_fb_new(const zk_point *p)
{
    const size_t count = (size_t)ZKSH_FB_DIGITS * ZKSH_FB_TAB;
    zksh_fb *t = calloc(1, sizeof *t);
    zk_point *pts = zk_points_alloc(count);
    if (t == NULL || pts == NULL)
        goto fail;
    t->ent = zk_aligned_alloc(count, sizeof(zksh_nent));
    if (t->ent == NULL)
        goto fail;
    zk_point q = *p;
    for (unsigned i = 0; i < ZKSH_FB_DIGITS; i++) {
        if (i > 0)
            for (unsigned k = 0; k < ZKSH_FB_W; k++)
                zk_point_dbl(&q, &q);
        multiples(&pts[ZKSH_FB_TAB * i], &q, ZKSH_FB_TAB);
    }
    if (nent_fill(t->ent, pts, count) != 0)
        goto fail;
    free(pts);
    return t;
fail:
    zksh_fb_free(t);
    free(pts);
    return NULL;
}

void zksh_fb_free(zksh_fb *t)
{
    if (t == NULL)
        return;
    free(t->ent);
    free(t);
}

void zksh_fb_mul(zk_point *out, const zksh_fb *t, const zk_scalar *s)
{
    int8_t d[64];
    zk_point acc;
    zk_niels sel;
    zksh_nent scratch;
    recode_w(d, s, ZKSH_FB_W);
    zk_point_identity(&acc);
    for (unsigned i = 0; i < ZKSH_FB_DIGITS; i++) {
        nent_lookup(&sel, t->ent + ZKSH_FB_TAB * i, ZKSH_FB_TAB, d[i], &scratch);
        zk_point_add_niels(&acc, &sel, 0);
    }
    *out = acc;
    sodium_memzero(d, sizeof d);
    sodium_memzero(&scratch, sizeof scratch);
    sodium_memzero(&sel, sizeof sel);
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
    ct_scratch sc;
    sc.mult = zk_points_alloc(ZKSH_CT_TAB * ZKSH_CT_BLOCK);
    sc.tab = zk_aligned_alloc(ZKSH_CT_TAB * ZKSH_CT_BLOCK, sizeof(zksh_nent));
    int rc = sc.mult != NULL && sc.tab != NULL ? SH_OK : SH_ERR_NOMEM;
    zk_point acc, part;
    zk_point_identity(&acc);
    for (size_t b = lo; b < hi && rc == SH_OK; b += ZKSH_CT_BLOCK) {
        size_t m = hi - b < ZKSH_CT_BLOCK ? hi - b : ZKSH_CT_BLOCK;
        rc = ct_block(&part, j->digits + 64 * b, j->pts + b * j->stride, j->stride, m, &sc);
        if (rc == SH_OK)
            zk_point_add(&acc, &acc, &part);
    }
    j->partial[t] = acc;
    j->rc[t] = rc;
    free(sc.mult);      /* multiples of public points */
    free(sc.tab);
    zk_point_wipe(&part);
}

int zksh_ct_msm(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                size_t n, sh_pool *pool)
{
    /* Several tasks per thread (handed out as threads become free) when
     * there is a pool; the sum does not depend on the split. */
    size_t tasks = sh_pool_threads(pool);
    if (tasks > 1)
        tasks *= 4;
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
