/* zk/msm.c -- multi-scalar multiplication sum_i s_i P_i for public inputs.
 *
 * Everything is built from libdecaf's complete point addition, subtraction
 * and doubling, plus two cheaper forms of its addition from zk/edwards.c:
 * the mixed one (one point in Niels form: seven field multiplications
 * instead of nine) for Pippenger's bucket additions, whose points are
 * decoded ones (already affine: the form costs no inversion), and the
 * cached one (y - x, y + x, 2 d t, 2 z: eight, no normalisation at all)
 * for Straus's tables of computed points, whose entries are each used a
 * few times only, too few to repay a share of an inversion (measured:
 * 2-7% faster than Niels tables for 6 to 64 terms of 128 or 253 bits).
 * Two algorithms:
 *
 *  - Straus: each point gets a small table of odd multiples P, 3P, 5P, ...
 *    and its scalar a width-w NAF; one shared doubling chain walks the bit
 *    positions from the top, adding a table entry wherever a digit is
 *    nonzero.  About 2^(w-2) + b/(w+1) additions per point of b bits, plus
 *    b doublings in all: best for small n.
 *  - Pippenger: the scalars are cut into windows of signed digits; within a
 *    window every point is added into the bucket of its digit's magnitude
 *    (subtracted for a negative digit), and the buckets are combined with a
 *    running sum.  About n_active + 2^(c-1) additions per window of c bits:
 *    best for large n.
 *
 * Both skip zero digits and stop at the highest nonzero bit of any scalar.
 * Pippenger plans its windows (their widths may differ) from the histogram
 * of the scalars' bit lengths with a small dynamic program over a cost
 * model, so that a mix of short scalars (e.g. 128-bit batch-verification
 * weights) and full ones pays, per point, only for the bits it has.  zk_msm
 * runs whichever algorithm the model says is cheaper; the model's constants
 * were fitted to measurements (bench/bench_zk_msm.c and the tests force each
 * algorithm, so either can be re-measured).
 *
 * Nothing here is constant time: inputs are public by contract.
 */
#include "zk/msm.h"
#include "zk/edwards.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MSM_BITS_MAX 253     /* canonical scalars are < L < 2^253 */
#define MSM_HIST (MSM_BITS_MAX + 1)
#define MSM_NAF_LEN 256      /* positions a wNAF of a scalar < 2^253 can use */
#define MSM_MAX_WINDOWS (MSM_BITS_MAX + 1)
#define MSM_STRAUS_MIN_W 2
#define MSM_STRAUS_MAX_W 7
#define MSM_PLAN_MIN_N 32     /* fewer terms: Straus without planning Pippenger */
#define MSM_PREFETCH_DIST 8  /* digits ahead whose bucket is prefetched */

/* Cost model, in units of one point addition (~210 ns).  Measured on
 * x86-64 (Release): a doubling is ~0.85 of an addition; a Pippenger bucket
 * addition is a mixed one (zk/edwards.c), ~0.78 of a full addition, and
 * costs more once the bucket array leaves the L2 cache (2^(c-1) points of
 * 256 bytes); bringing a term's point to Niels form costs ~0.15 of an
 * addition (decoded points).  Straus's additions are cached ones, on
 * tables whose entries cost a few field additions each to cache, and
 * measured ~5% above their count (the entries are scattered over n
 * tables); that puts the Straus/Pippenger crossover for full-length
 * scalars at n ~ 70-100, where timing both puts it. */
#define COST_DBL 0.85
#define COST_SUM 1.0         /* per bucket in the running sum */
#define COST_STRAUS_ADD 0.85 /* a cached addition on a scattered table entry */
#define COST_NIELS 0.15      /* per term, once */
#define COST_CACHED 0.05     /* per Straus table entry */

static double cost_bucket_add(unsigned width)
{
    /* 2^(width-1) buckets of 256 bytes: L1 up to width 9, L2 up to 12. */
    double mixed = 0.78;
    if (width <= 11)
        return mixed;
    if (width == 12)
        return mixed * 1.03;
    if (width == 13)
        return mixed * 1.06;
    return mixed * (1.06 + 0.04 * (double)(width - 13));
}

/* ---- scalars as bit strings --------------------------------------------- */

/* A scalar's canonical value as little-endian 64-bit words; the fifth word
 * is zero so that a bit window may read past bit 255. */
typedef struct msm_scalar {
    uint64_t w[5];
} msm_scalar;

static void msm_load(msm_scalar *out, const zk_scalar *s)
{
    zk_scalar_words(out->w, s);
    out->w[4] = 0;
}

/* Number of significant bits (0 for zero, at most 253). */
static unsigned msm_bitlen(const msm_scalar *s)
{
    for (unsigned k = 4; k-- > 0;) {
        uint64_t v = s->w[k];
        if (v != 0) {
            unsigned len = 64 * k;
            while (v != 0) {
                len++;
                v >>= 1;
            }
            return len;
        }
    }
    return 0;
}

/* Bits [off, off + width) as an integer; off < 256, 1 <= width <= 32. */
static uint32_t msm_bits(const msm_scalar *s, unsigned off, unsigned width)
{
    unsigned k = off / 64, sh = off % 64;
    uint64_t v = s->w[k] >> sh;
    if (sh + width > 64)
        v |= s->w[k + 1] << (64 - sh);
    return (uint32_t)(v & ((UINT64_C(1) << width) - 1));
}

/* The stride of a span in points (0 means 1). */
static size_t span_stride(const zk_msm_span *sp)
{
    return sp->stride == 0 ? 1 : sp->stride;
}

/* hist[b] = how many scalars of the spans have exactly b significant bits;
 * returns the largest b present (0 when every scalar is zero). */
static unsigned msm_histogram(size_t hist[MSM_HIST], const zk_msm_span *spans, size_t nspans)
{
    unsigned bmax = 0;
    memset(hist, 0, MSM_HIST * sizeof hist[0]);
    for (size_t s = 0; s < nspans; s++) {
        for (size_t i = 0; i < spans[s].n; i++) {
            msm_scalar sc;
            msm_load(&sc, &spans[s].scalars[i]);
            unsigned b = msm_bitlen(&sc);
            hist[b]++;
            if (b > bmax)
                bmax = b;
        }
    }
    return bmax;
}

/* Scratch arrays of points must be 32-byte aligned (libdecaf's field
 * elements are); sizeof(zk_point) is a multiple of 32, as aligned_alloc
 * requires.  NULL on overflow or allocation failure. */
static zk_point *msm_alloc_points(size_t count)
{
    if (count == 0)
        count = 1;
    if (count > SIZE_MAX / sizeof(zk_point))
        return NULL;
    return aligned_alloc(_Alignof(zk_point), count * sizeof(zk_point));
}

static void msm_prefetch(const zk_point *p)
{
#if defined(__GNUC__)
    /* The four coordinates each fill (at least) one cache line. */
    __builtin_prefetch(&p->v.x, 1, 3);
    __builtin_prefetch(&p->v.y, 1, 3);
    __builtin_prefetch(&p->v.z, 1, 3);
    __builtin_prefetch(&p->v.t, 1, 3);
#else
    (void)p;
#endif
}

/* acc += sign(d) * p, where "have" says whether acc holds a value yet (so
 * the first term is a copy, not an addition to the identity). */
static void msm_accumulate(zk_point *acc, int *have, const zk_point *p, int negative)
{
    if (*have) {
        if (negative)
            decaf_255_point_sub(&acc->v, &acc->v, &p->v);
        else
            decaf_255_point_add(&acc->v, &acc->v, &p->v);
    } else {
        if (negative)
            decaf_255_point_negate(&acc->v, &p->v);
        else
            *acc = *p;
        *have = 1;
    }
}

/* ---- Straus ----------------------------------------------------------- */

/* Additions to build the table P, 3P, ..., (2^(w-1)-1)P: one doubling for
 * 2P, then one addition per further entry; then the entries' cached form. */
static double straus_table_cost(unsigned w)
{
    double more = (double)((1u << (w - 2)) - 1);
    return COST_CACHED * (more + 1.0) + (w == 2 ? 0.0 : COST_DBL + more);
}

/* The NAF width minimising table plus digit additions for a b-bit scalar
 * (a width-w NAF has on average one nonzero digit per w+1 positions). */
static unsigned straus_width(unsigned b, double *cost)
{
    unsigned best_w = MSM_STRAUS_MIN_W;
    double best = 0;
    for (unsigned w = MSM_STRAUS_MIN_W; w <= MSM_STRAUS_MAX_W; w++) {
        double c = straus_table_cost(w) + COST_STRAUS_ADD * ((double)b + 1.0) / (w + 1.0);
        if (w == MSM_STRAUS_MIN_W || c < best) {
            best = c;
            best_w = w;
        }
    }
    if (cost != NULL)
        *cost = best;
    return best_w;
}

static double straus_cost(const size_t hist[MSM_HIST], unsigned bmax)
{
    double total = COST_DBL * (double)bmax;
    for (unsigned b = 1; b <= bmax; b++) {
        if (hist[b] != 0) {
            double c;
            (void)straus_width(b, &c);
            total += c * (double)hist[b];
        }
    }
    return total;
}

/* Width-w NAF of s written to naf[pos * stride] for pos < MSM_NAF_LEN (the
 * column must be zeroed by the caller): every nonzero digit is odd with
 * |d| < 2^(w-1), and sum d_pos 2^pos = s.  Returns the highest nonzero
 * position + 1.  A digit at pos with a carry out means the window
 * [pos, pos+w-1) of s reached 2^(w-1) - 1, so for s < 2^253 the carry is
 * absorbed at a position below 256. */
static unsigned straus_wnaf(int8_t *naf, size_t stride, const msm_scalar *s, unsigned b,
                            unsigned w)
{
    const uint32_t width = 1u << w;
    unsigned pos = 0, top = 0;
    uint32_t carry = 0;
    while (pos < MSM_NAF_LEN && (pos < b || carry != 0)) {
        uint32_t window = carry + msm_bits(s, pos, w);
        if ((window & 1) == 0) {
            pos++;
            continue;
        }
        int d;
        if (window < width / 2) {
            carry = 0;
            d = (int)window;
        } else {
            carry = 1;
            d = (int)window - (int)width;
        }
        naf[(size_t)pos * stride] = (int8_t)d;
        top = pos + 1;
        pos += w;
    }
    return top;
}

int zk_msm_straus(zk_point *out, const zk_scalar *scalars, const zk_point *points, size_t n)
{
    if (out == NULL || (n > 0 && (scalars == NULL || points == NULL)))
        return SH_ERR_ARG;

    /* Pass 1: how many nonzero scalars, and how big their tables are. */
    size_t m = 0, ntab = 0;
    for (size_t i = 0; i < n; i++) {
        msm_scalar s;
        msm_load(&s, &scalars[i]);
        unsigned b = msm_bitlen(&s);
        if (b != 0) {
            m++;
            ntab += (size_t)1 << (straus_width(b, NULL) - 2);
        }
    }
    if (m == 0) {
        zk_point_identity(out);
        return SH_OK;
    }
    if (m > SIZE_MAX / MSM_NAF_LEN)
        return SH_ERR_NOMEM;

    int8_t *naf = calloc(m * MSM_NAF_LEN, 1);   /* naf[pos * m + j] */
    size_t *tab_at = malloc(m * sizeof *tab_at);
    zk_point *tab = msm_alloc_points(ntab);
    zk_cached *nl = NULL;
    if (ntab <= (SIZE_MAX >> 1) / sizeof *nl)
        nl = malloc(ntab * sizeof *nl);
    if (naf == NULL || tab_at == NULL || tab == NULL || nl == NULL) {
        free(naf);
        free(tab_at);
        free(tab);
        free(nl);
        return SH_ERR_NOMEM;
    }

    /* Pass 2: tables of odd multiples and NAF columns. */
    unsigned top = 0;
    size_t j = 0, at = 0;
    for (size_t i = 0; i < n; i++) {
        msm_scalar s;
        msm_load(&s, &scalars[i]);
        unsigned b = msm_bitlen(&s);
        if (b == 0)
            continue;
        unsigned w = straus_width(b, NULL);
        size_t len = (size_t)1 << (w - 2);
        zk_point *t = &tab[at];
        t[0] = points[i];
        if (len > 1) {
            zk_point twice;
            zk_point_dbl(&twice, &points[i]);
            for (size_t k = 1; k < len; k++)
                zk_point_add(&t[k], &t[k - 1], &twice);
        }
        tab_at[j] = at;
        at += len;
        unsigned tj = straus_wnaf(naf + j, m, &s, b, w);
        if (tj > top)
            top = tj;
        j++;
    }

    /* The tables in cached form, for the chain's additions. */
    zk_cached_from_points(nl, tab, ntab);

    /* One doubling chain from the top position down. */
    zk_point acc;
    int have = 0;
    for (unsigned pos = top; pos-- > 0;) {
        const int8_t *row = naf + (size_t)pos * m;
        if (have) {
            /* t is needed only if a digit of this row is added next, or
             * at the end */
            int add = pos == 0;
            for (size_t k = 0; k < m && !add; k++)
                add = row[k] != 0;
            zk_point_dbl_chain(&acc, add);
        }
        for (size_t k = 0; k < m; k++) {
            int d = row[k];
            if (d == 0)
                continue;
            size_t e = tab_at[k] + ((unsigned)(d < 0 ? -d : d) >> 1);
            if (have)
                zk_point_add_cached(&acc, &nl[e], d < 0);
            else
                msm_accumulate(&acc, &have, &tab[e], d < 0);
        }
    }
    if (!have)
        zk_point_identity(&acc);   /* unreachable with m > 0; kept for safety */
    *out = acc;
    free(naf);
    free(tab_at);
    free(tab);
    free(nl);
    return SH_OK;
}

/* ---- Pippenger -------------------------------------------------------- */

/* Windows [off[j], off[j] + width[j]) tile bits [0, off[nwin]), which
 * covers bmax + 1 bits: the top window's raw value is then below
 * 2^(width-1), so its signed digit never carries out of the plan. */
typedef struct msm_plan {
    unsigned nwin;
    unsigned bmax;
    unsigned max_width;
    unsigned off[MSM_MAX_WINDOWS + 1];
    unsigned width[MSM_MAX_WINDOWS];
    double cost;
} msm_plan;

/* Estimated additions for one window: every active point once, then the
 * running sum over the buckets up to the largest digit.  In the top window
 * digits are below 2^(bmax - off) + 1. */
static double pip_window_cost(size_t active, unsigned off, unsigned w, unsigned bmax)
{
    double buckets = (double)(1u << (w - 1));
    if (off + w >= bmax + 1) {
        double span = (double)(1u << (bmax - off)) + 1.0;
        if (span < buckets)
            buckets = span;
    }
    return cost_bucket_add(w) * (double)active + COST_SUM * buckets;
}

/* The cheapest window layout under the cost model: best[off] is the cost
 * of covering bits [off, bmax] with windows, each non-top window also
 * paying for its doublings in the final Horner combination.  A scalar
 * contributes to the window at off if it has at least off bits (at exactly
 * off bits it may still receive the carry from the window below). */
static void pip_plan_auto(msm_plan *p, const size_t hist[MSM_HIST], unsigned bmax)
{
    size_t ge[MSM_HIST + 1];    /* ge[k] = #scalars with bit length >= k */
    double best[MSM_BITS_MAX + 2];
    unsigned choice[MSM_BITS_MAX + 2];
    const unsigned end = bmax + 1;

    ge[MSM_HIST] = 0;
    for (unsigned k = MSM_HIST; k-- > 1;)
        ge[k] = ge[k + 1] + hist[k];
    ge[0] = ge[1];    /* zero scalars contribute nothing */

    best[end] = 0;
    for (unsigned off = end; off-- > 0;) {
        best[off] = 0;
        choice[off] = 0;
        for (unsigned w = 1; w <= ZK_MSM_MAX_WINDOW; w++) {
            double c = pip_window_cost(ge[off], off, w, bmax);
            if (off + w < end)
                c += best[off + w] + COST_DBL * w;
            if (choice[off] == 0 || c < best[off]) {
                best[off] = c;
                choice[off] = w;
            }
            if (off + w >= end)
                break;    /* wider top windows only add buckets */
        }
    }

    p->bmax = bmax;
    p->cost = best[0] + COST_NIELS * (double)ge[1];
    p->nwin = 0;
    p->max_width = 0;
    for (unsigned off = 0; off < end; off += choice[off]) {
        p->off[p->nwin] = off;
        p->width[p->nwin] = choice[off];
        if (choice[off] > p->max_width)
            p->max_width = choice[off];
        p->nwin++;
    }
    p->off[p->nwin] = p->off[p->nwin - 1] + p->width[p->nwin - 1];
}

static void pip_plan_fixed(msm_plan *p, unsigned bmax, unsigned c)
{
    p->bmax = bmax;
    p->cost = 0;
    p->max_width = c;
    p->nwin = (bmax + 1 + c - 1) / c;
    for (unsigned j = 0; j < p->nwin; j++) {
        p->off[j] = j * c;
        p->width[j] = c;
    }
    p->off[p->nwin] = p->nwin * c;
}

/* Signed digits of every span's scalars, window-major over their
 * concatenation (dig[j * n + i]) so that each window reads a contiguous
 * run: d = raw + carry, and d > 2^(w-1) becomes d - 2^w with a carry into
 * the next window; |d| <= 2^(w-1) <= 2^14 fits an int16. */
static void pip_digits(int16_t *dig, const msm_plan *p, const zk_msm_span *spans,
                       size_t nspans, size_t n)
{
    size_t i = 0;
    for (size_t s = 0; s < nspans; s++) {
        for (size_t k = 0; k < spans[s].n; k++, i++) {
            msm_scalar sc;
            msm_load(&sc, &spans[s].scalars[k]);
            uint32_t carry = 0;
            for (unsigned j = 0; j < p->nwin; j++) {
                unsigned w = p->width[j];
                int32_t d = (int32_t)(msm_bits(&sc, p->off[j], w) + carry);
                if (d > (int32_t)1 << (w - 1)) {
                    d -= (int32_t)1 << w;
                    carry = 1;
                } else {
                    carry = 0;
                }
                dig[(size_t)j * n + i] = (int16_t)d;
            }
        }
    }
}

/* One window over every span: out = sum_i dig[i] * point_i, the buckets
 * shared by all spans and summed once.  nl holds the terms' points in
 * Niels form, in the order of the spans' concatenation; a bucket's first
 * term is copied from its zk_point, the later ones are mixed additions.
 * buckets (2^(w-1) points) and used (2^(w-1) flags) are scratch owned by
 * the caller.  Returns 1 if out holds a value, 0 if every digit was zero
 * (out is then untouched). */
static int pip_window(zk_point *out, const int16_t *dig, const zk_msm_span *spans,
                      size_t nspans, const zk_niels *nl, unsigned w, zk_point *buckets,
                      uint8_t *used)
{
    const size_t nb = (size_t)1 << (w - 1);
    size_t top = 0;
    memset(used, 0, nb);

    for (size_t s = 0; s < nspans; s++) {
        const zk_point *pts = spans[s].points;
        const size_t n = spans[s].n, stride = span_stride(&spans[s]);
        for (size_t i = 0; i < n; i++) {
            if (i + MSM_PREFETCH_DIST < n) {
                int e = dig[i + MSM_PREFETCH_DIST];
                if (e != 0)
                    msm_prefetch(&buckets[(e < 0 ? -e : e) - 1]);
            }
            int d = dig[i];
            if (d == 0)
                continue;
            size_t k = (size_t)(d < 0 ? -d : d) - 1;
            int have = used[k];
            if (have)
                zk_point_add_niels(&buckets[k], &nl[i], d < 0);
            else
                msm_accumulate(&buckets[k], &have, &pts[i * stride], d < 0);
            used[k] = 1;
            if (k >= top)
                top = k + 1;
        }
        dig += n;
        nl += n;
    }

    /* sum_k (k+1) * bucket[k] = sum over k of (sum of buckets >= k). */
    zk_point run, sum;
    int have_run = 0, have_sum = 0;
    for (size_t k = top; k-- > 0;) {
        if (used[k])
            msm_accumulate(&run, &have_run, &buckets[k], 0);
        if (have_run)
            msm_accumulate(&sum, &have_sum, &run, 0);
    }
    if (have_sum)
        *out = sum;
    return have_sum;
}

/* Pippenger over the spans (n terms in all) with the windows of p. */
static int pip_run(zk_point *out, const zk_msm_span *spans, size_t nspans, size_t n,
                   const msm_plan *p)
{
    if (n > SIZE_MAX / sizeof(int16_t) / p->nwin)
        return SH_ERR_NOMEM;
    const size_t nb = (size_t)1 << (p->max_width - 1);
    int16_t *dig = malloc((size_t)p->nwin * n * sizeof *dig);
    zk_point *buckets = msm_alloc_points(nb);
    uint8_t *used = malloc(nb);
    zk_point *win = msm_alloc_points(p->nwin);
    uint8_t *win_have = malloc(p->nwin);
    zk_niels *nl = n <= SIZE_MAX / sizeof *nl ? malloc((n ? n : 1) * sizeof *nl) : NULL;
    int rc = SH_ERR_NOMEM;
    if (dig == NULL || buckets == NULL || used == NULL || win == NULL || win_have == NULL
        || nl == NULL)
        goto out;

    for (size_t s = 0, at = 0; s < nspans; at += spans[s].n, s++)
        if ((rc = zk_niels_from_points(nl + at, spans[s].points, spans[s].n,
                                       span_stride(&spans[s]))) != SH_OK)
            goto out;
    pip_digits(dig, p, spans, nspans, n);
    for (unsigned j = 0; j < p->nwin; j++)
        win_have[j] = (uint8_t)pip_window(&win[j], dig + (size_t)j * n, spans, nspans, nl,
                                          p->width[j], buckets, used);

    /* Horner from the top: acc = 2^width[j] * acc + W_j. */
    zk_point acc;
    int have = 0;
    for (unsigned j = p->nwin; j-- > 0;) {
        if (have)
            for (unsigned t = 0; t < p->width[j]; t++)
                zk_point_dbl(&acc, &acc);
        if (win_have[j])
            msm_accumulate(&acc, &have, &win[j], 0);
    }
    if (!have)
        zk_point_identity(&acc);
    *out = acc;
    rc = SH_OK;
out:
    free(dig);
    free(buckets);
    free(used);
    free(win);
    free(win_have);
    free(nl);
    return rc;
}

int zk_msm_pippenger(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                     size_t n, unsigned window)
{
    if (out == NULL || (n > 0 && (scalars == NULL || points == NULL))
        || window > ZK_MSM_MAX_WINDOW)
        return SH_ERR_ARG;
    const zk_msm_span one = { scalars, points, n, 1 };
    size_t hist[MSM_HIST];
    unsigned bmax = msm_histogram(hist, &one, 1);
    if (bmax == 0) {
        zk_point_identity(out);
        return SH_OK;
    }
    msm_plan plan;
    if (window == 0)
        pip_plan_auto(&plan, hist, bmax);
    else
        pip_plan_fixed(&plan, bmax, window);
    return pip_run(out, &one, 1, n, &plan);
}

/* ---- dispatch ----------------------------------------------------------- */

/* Checks the spans and counts their terms; SH_ERR_ARG as documented. */
static int spans_count(size_t *total, const zk_msm_span *spans, size_t nspans)
{
    size_t n = 0;
    if (nspans > 0 && spans == NULL)
        return SH_ERR_ARG;
    for (size_t s = 0; s < nspans; s++) {
        if (spans[s].n > 0 && (spans[s].scalars == NULL || spans[s].points == NULL))
            return SH_ERR_ARG;
        if (spans[s].n > SIZE_MAX - n)
            return SH_ERR_NOMEM;
        n += spans[s].n;
    }
    *total = n;
    return SH_OK;
}

/* Straus wants one contiguous array: a single such span is used in place,
 * several are gathered (Straus only wins for small n, where the copy costs
 * little). */
static int spans_straus(zk_point *out, const zk_msm_span *spans, size_t nspans, size_t n)
{
    if (nspans == 1 && span_stride(&spans[0]) == 1)
        return zk_msm_straus(out, spans[0].scalars, spans[0].points, n);
    zk_scalar *sc = malloc((n ? n : 1) * sizeof *sc);
    zk_point *pts = msm_alloc_points(n);
    if (sc == NULL || pts == NULL) {
        free(sc);
        free(pts);
        return SH_ERR_NOMEM;
    }
    size_t i = 0;
    for (size_t s = 0; s < nspans; s++) {
        const size_t stride = span_stride(&spans[s]);
        for (size_t k = 0; k < spans[s].n; k++, i++) {
            sc[i] = spans[s].scalars[k];
            pts[i] = spans[s].points[k * stride];
        }
    }
    int rc = zk_msm_straus(out, sc, pts, n);
    free(sc);
    free(pts);
    return rc;
}

int zk_msm_spans(zk_point *out, const zk_msm_span *spans, size_t nspans)
{
    size_t n;
    if (out == NULL)
        return SH_ERR_ARG;
    int rc = spans_count(&n, spans, nspans);
    if (rc != SH_OK)
        return rc;
    size_t hist[MSM_HIST];
    unsigned bmax = msm_histogram(hist, spans, nspans);
    if (bmax == 0) {
        zk_point_identity(out);
        return SH_OK;
    }
    /* Below MSM_PLAN_MIN_N terms Straus is the cheaper under the cost
     * model for every mix of scalar lengths, and planning Pippenger's
     * windows (~10 us) would cost as much as a 2-term MSM's additions. */
    if (n < MSM_PLAN_MIN_N)
        return spans_straus(out, spans, nspans, n);
    msm_plan plan;
    pip_plan_auto(&plan, hist, bmax);
    if (straus_cost(hist, bmax) <= plan.cost)
        return spans_straus(out, spans, nspans, n);
    return pip_run(out, spans, nspans, n, &plan);
}

int zk_msm(zk_point *out, const zk_scalar *scalars, const zk_point *points, size_t n)
{
    if (out == NULL || (n > 0 && (scalars == NULL || points == NULL)))
        return SH_ERR_ARG;
    const zk_msm_span one = { scalars, points, n, 1 };
    return zk_msm_spans(out, &one, 1);
}

void zk_msm_naive(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                  size_t n)
{
    zk_point acc, t;
    zk_point_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        zk_point_mul(&t, &points[i], &scalars[i]);
        zk_point_add(&acc, &acc, &t);
    }
    *out = acc;
}

/* ---- split over a thread pool ------------------------------------------ */

/* Below this many points per chunk, splitting costs more than it saves. */
#define MSM_POOL_MIN_CHUNK 1024

typedef struct msm_spans_job {
    const zk_msm_span *spans;
    size_t nspans, n, chunks;
    zk_point *partial;
    int *rc;
} msm_spans_job;

/* Chunk t: terms [n t / chunks, n (t+1) / chunks) of the concatenation, as
 * sub-spans of the spans they fall in. */
static void msm_spans_task(void *arg, size_t t)
{
    msm_spans_job *j = arg;
    size_t lo = j->n * t / j->chunks, hi = j->n * (t + 1) / j->chunks;
    zk_msm_span *sub = malloc(j->nspans * sizeof *sub);
    if (sub == NULL) {
        j->rc[t] = SH_ERR_NOMEM;
        return;
    }
    size_t m = 0, at = 0;
    for (size_t s = 0; s < j->nspans && at < hi; s++) {
        const zk_msm_span *sp = &j->spans[s];
        size_t a = at, b = at + sp->n;    /* this span's terms [a, b) */
        at = b;
        size_t from = lo > a ? lo : a, to = hi < b ? hi : b;
        if (from >= to)
            continue;
        sub[m].scalars = sp->scalars + (from - a);
        sub[m].points = sp->points + (from - a) * span_stride(sp);
        sub[m].n = to - from;
        sub[m].stride = sp->stride;
        m++;
    }
    j->rc[t] = zk_msm_spans(&j->partial[t], sub, m);
    free(sub);
}

int zk_msm_spans_pool(zk_point *out, const zk_msm_span *spans, size_t nspans, sh_pool *pool)
{
    size_t n;
    if (out == NULL)
        return SH_ERR_ARG;
    int rc = spans_count(&n, spans, nspans);
    if (rc != SH_OK)
        return rc;
    size_t chunks = sh_pool_threads(pool);
    if (chunks > n / MSM_POOL_MIN_CHUNK)
        chunks = n / MSM_POOL_MIN_CHUNK;
    if (chunks <= 1)
        return zk_msm_spans(out, spans, nspans);
    zk_point *partial = msm_alloc_points(chunks);
    int *rcs = calloc(chunks, sizeof *rcs);
    if (partial == NULL || rcs == NULL) {
        free(partial);
        free(rcs);
        return SH_ERR_NOMEM;
    }
    msm_spans_job job = { spans, nspans, n, chunks, partial, rcs };
    rc = sh_pool_run(pool, chunks, msm_spans_task, &job);
    for (size_t t = 0; t < chunks && rc == 0; t++)
        rc = rcs[t];
    if (rc == 0) {
        zk_point acc = partial[0];
        for (size_t t = 1; t < chunks; t++)
            zk_point_add(&acc, &acc, &partial[t]);
        *out = acc;
    }
    free(partial);
    free(rcs);
    return rc;
}

int zk_msm_pool(zk_point *out, const zk_scalar *scalars, const zk_point *points,
                size_t n, sh_pool *pool)
{
    if (out == NULL || (n > 0 && (scalars == NULL || points == NULL)))
        return SH_ERR_ARG;
    const zk_msm_span one = { scalars, points, n, 1 };
    return zk_msm_spans_pool(out, &one, 1, pool);
}
