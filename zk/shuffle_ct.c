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
 * 300 for a separate constant-time scalar multiplication.
 *
 * Also the prover's fixed-base products with secret scalars (zksh_fb_*):
 * the same digits and scans against per-position tables of a fixed point
 * in Niels form, 51 mixed additions and no doubling per product. */
#include "zk/shuffle_impl.h"
#include "zk/edwards.h"
#include "zk/fe.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#ifndef ZKSH_CT_BLOCK
#define ZKSH_CT_BLOCK 128
#endif
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

/* A table entry: the limbs of x, y, z, t and of -x, -t (the negated point
 * is (-x, y, z, -t)), packed without libdecaf's alignment padding (6 * 5
 * words instead of 4 * 8), as fifteen 128-bit vectors (GCC's generic
 * vectors, SSE2 registers on x86-64): a masked scan reads 240 bytes per
 * entry with a few vector instructions, and the sign of the digit is
 * applied by a masked select instead of a negation. */
#define ENT_WORDS (6 * GF_LIMBS)
#define ENT_VECS (ENT_WORDS / 2)
typedef decaf_word_t zksh_vec __attribute__((vector_size(2 * sizeof(decaf_word_t))));
typedef union zksh_ent {
    zksh_vec v[ENT_VECS];
    decaf_word_t w[ENT_WORDS];
} zksh_ent;
_Static_assert(ENT_WORDS % 2 == 0, "entries are whole vectors");

static void ent_set(zksh_ent *e, const zk_point *p)
{
    zk_point n;
    decaf_255_point_negate(&n.v, &p->v);
    for (size_t k = 0; k < GF_LIMBS; k++) {
        e->w[k] = p->v.x->limb[k];
        e->w[GF_LIMBS + k] = p->v.y->limb[k];
        e->w[2 * GF_LIMBS + k] = p->v.z->limb[k];
        e->w[3 * GF_LIMBS + k] = p->v.t->limb[k];
        e->w[4 * GF_LIMBS + k] = n.v.x->limb[k];
        e->w[5 * GF_LIMBS + k] = n.v.t->limb[k];
    }
}

/* Scratch space of ent_lookup, wiped by its callers when they are done
 * (it holds a selected entry). */
typedef struct lookup_scratch {
    zksh_ent sel;
} lookup_scratch;

/* out = tab[|d|], negated if d < 0, for |d| < count: every entry is read
 * and combined under a mask, then the sign is chosen by a mask: no
 * secret-dependent branch or address. */
static inline void ent_lookup(zk_point *out, const zksh_ent *tab, unsigned count, int d,
                              lookup_scratch *s)
{
    decaf_word_t neg = (decaf_word_t)0 - (decaf_word_t)((unsigned)d >> (8 * sizeof(int) - 1));
    unsigned mag = (unsigned)((d ^ (int)neg) - (int)neg);
    zksh_vec acc[ENT_VECS];
    for (size_t k = 0; k < ENT_VECS; k++)
        acc[k] = (zksh_vec){ 0 };
    for (unsigned t = 0; t < count; t++) {
        decaf_word_t x = (decaf_word_t)(mag ^ t);
        decaf_word_t m = ((x | ((decaf_word_t)0 - x)) >> (8 * sizeof(decaf_word_t) - 1)) - 1;
        zksh_vec mask = (zksh_vec){ 0 } + m;
        for (size_t k = 0; k < ENT_VECS; k++)
            acc[k] |= mask & tab[t].v[k];
    }
    for (size_t k = 0; k < ENT_VECS; k++)
        s->sel.v[k] = acc[k];
    const decaf_word_t *w = s->sel.w;
    for (size_t k = 0; k < GF_LIMBS; k++) {
        out->v.x->limb[k] = w[k] ^ (neg & (w[k] ^ w[4 * GF_LIMBS + k]));
        out->v.y->limb[k] = w[GF_LIMBS + k];
        out->v.z->limb[k] = w[2 * GF_LIMBS + k];
        out->v.t->limb[k] = w[3 * GF_LIMBS + k] ^ (neg & (w[3 * GF_LIMBS + k] ^ w[5 * GF_LIMBS + k]));
    }
}

/* The entries 0, P, 2P, ..., (ZKSH_CT_TAB - 1) P of t[0 .. ZKSH_CT_TAB). */
static void ent_multiples(zksh_ent *t, const zk_point *p)
{
    zk_point q, r;
    zk_point_identity(&q);
    ent_set(&t[0], &q);
    ent_set(&t[1], p);
    zk_point_dbl(&q, p);
    ent_set(&t[2], &q);
    for (unsigned k = 3; k < ZKSH_CT_TAB; k++) {
        zk_point_add(&r, &q, p);
        ent_set(&t[k], &r);
        q = r;
    }
}

/* sum over i < n of digits(i) * pts[i * stride], using tab (n * ZKSH_CT_TAB
 * entries). */
static void ct_block(zk_point *out, const int8_t *digits, const zk_point *pts, size_t stride,
                     size_t n, zksh_ent *tab)
{
    for (size_t i = 0; i < n; i++)
        ent_multiples(tab + ZKSH_CT_TAB * i, &pts[i * stride]);
    zk_point acc, sel;
    lookup_scratch sc;
    zk_point_identity(&acc);
    for (unsigned pos = ZKSH_CT_DIGITS; pos-- > 0;) {
        if (pos != ZKSH_CT_DIGITS - 1)
            for (unsigned k = 0; k < ZKSH_CT_W; k++)
                zk_point_dbl(&acc, &acc);
        for (size_t i = 0; i < n; i++) {
            ent_lookup(&sel, tab + ZKSH_CT_TAB * i, ZKSH_CT_TAB, digits[64 * i + pos], &sc);
            zk_point_add(&acc, &acc, &sel);
        }
    }
    *out = acc;
    zk_point_wipe(&sel);
    zk_point_wipe(&acc);
    sodium_memzero(&sc, sizeof sc);
}

/* ---- fixed-base products with secret scalars ----
 *
 * The table of P holds, for each of the ZKSH_CT_DIGITS digit positions i,
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

#define NENT_WORDS (4 * 5)
#define NENT_VECS (NENT_WORDS / 2)
typedef union zksh_nent {
    zksh_vec v[NENT_VECS];
    decaf_word_t w[NENT_WORDS];      /* ymx, ypx, t2d, -t2d: five limbs each */
} zksh_nent;

struct zksh_fb {
    zksh_nent *ent;         /* ZKSH_CT_DIGITS * ZKSH_CT_TAB */
};

zksh_fb *zksh_fb_new(const zk_point *p)
{
    const size_t count = (size_t)ZKSH_CT_DIGITS * ZKSH_CT_TAB;
    zksh_fb *t = calloc(1, sizeof *t);
    zk_point *pts = zk_points_alloc(count);
    zk_niels *nl = malloc(count * sizeof *nl);
    if (t == NULL || pts == NULL || nl == NULL)
        goto fail;
    t->ent = zk_aligned_alloc(count, sizeof(zksh_nent));
    if (t->ent == NULL)
        goto fail;
    zk_point q = *p;
    for (unsigned i = 0; i < ZKSH_CT_DIGITS; i++) {
        if (i > 0)
            for (unsigned k = 0; k < ZKSH_CT_W; k++)
                zk_point_dbl(&q, &q);
        zk_point_identity(&pts[ZKSH_CT_TAB * i]);
        pts[ZKSH_CT_TAB * i + 1] = q;
        for (unsigned k = 2; k < ZKSH_CT_TAB; k++)
            zk_point_add(&pts[ZKSH_CT_TAB * i + k], &pts[ZKSH_CT_TAB * i + k - 1], &q);
    }
    if (zk_niels_from_points(nl, pts, count, 1) != 0)
        goto fail;
    for (size_t k = 0; k < count; k++) {
        static const uint64_t zero[5] = { 0 };
        uint64_t neg[5];
        fe_sub(neg, zero, nl[k].t2d.limb);
        fe_weak_reduce(neg);
        memcpy(t->ent[k].w, nl[k].ymx.limb, 5 * sizeof(decaf_word_t));
        memcpy(t->ent[k].w + 5, nl[k].ypx.limb, 5 * sizeof(decaf_word_t));
        memcpy(t->ent[k].w + 10, nl[k].t2d.limb, 5 * sizeof(decaf_word_t));
        memcpy(t->ent[k].w + 15, neg, 5 * sizeof(decaf_word_t));
    }
    free(pts);
    free(nl);
    return t;
fail:
    zksh_fb_free(t);
    free(pts);
    free(nl);
    return NULL;
}

void zksh_fb_free(zksh_fb *t)
{
    if (t == NULL)
        return;
    free(t->ent);
    free(t);
}

/* *out = tab[|d|] as a Niels point, negated if d < 0 (ymx and ypx swapped,
 * -2 d t for 2 d t), for |d| < ZKSH_CT_TAB: every entry read and combined
 * under a mask, the sign applied by masks. */
static inline void nent_lookup(zk_niels *out, const zksh_nent *tab, int d, zksh_nent *sel)
{
    decaf_word_t neg = (decaf_word_t)0 - (decaf_word_t)((unsigned)d >> (8 * sizeof(int) - 1));
    unsigned mag = (unsigned)((d ^ (int)neg) - (int)neg);
    zksh_vec acc[NENT_VECS];
    for (size_t k = 0; k < NENT_VECS; k++)
        acc[k] = (zksh_vec){ 0 };
    for (unsigned t = 0; t < ZKSH_CT_TAB; t++) {
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

void zksh_fb_mul(zk_point *out, const zksh_fb *t, const zk_scalar *s)
{
    int8_t d[64];
    zk_point acc;
    zk_niels sel;
    zksh_nent scratch;
    zksh_recode(d, s);
    zk_point_identity(&acc);
    for (unsigned i = 0; i < ZKSH_CT_DIGITS; i++) {
        nent_lookup(&sel, t->ent + ZKSH_CT_TAB * i, d[i], &scratch);
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
    zksh_ent *tab = zk_aligned_alloc(ZKSH_CT_TAB * ZKSH_CT_BLOCK, sizeof(zksh_ent));
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
    sodium_memzero(tab, ZKSH_CT_TAB * ZKSH_CT_BLOCK * sizeof(zksh_ent));
    free(tab);
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
