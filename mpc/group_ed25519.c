/* mpc/group_ed25519.c -- MPC_ED25519: the prime-order subgroup of
 * edwards25519 through libsodium's public API only.
 *
 * Scalars are their canonical 32-byte little-endian encodings (< L) and go
 * through crypto_core_ed25519_scalar_*, which are constant time.  Elements
 * are their canonical RFC 8032 encodings; the identity is (0, 1), encoded
 * 0x01 || 31 zero bytes.  Element arithmetic is crypto_core_ed25519_add/sub
 * (each decodes its inputs and encodes the result, so about three field
 * inversions per operation: fine for the few additions of a protocol, not
 * for bulk work), multiplication is crypto_scalarmult_ed25519_noclamp and
 * crypto_scalarmult_ed25519_base_noclamp (both constant time in the
 * scalar).  libsodium has no variable-time or multi-scalar multiplication,
 * and its crypto_scalarmult_ed25519_noclamp checks the subgroup of its
 * input on every call (a second multiplication), so the public-input
 * products mul_vartime and msm_vartime go through libdecaf instead
 * (zk_point_from_ed25519, zk_msm, zk_point_to_ed25519): about eight times
 * faster for a FROST group commitment of 67 signers.  Feldman evaluations
 * (poly_eval_small) and long sums (elem_sum, the DKG's aggregate
 * commitments) go the same way, converting each input once.  Public
 * elements that come out of libdecaf (products, sums, hinted decodings)
 * keep their libdecaf point beside their bytes (mpc_elem.ed_cached), so
 * that the next operation need not convert them at all.  Decompression
 * hints and the published points are mpc/group_ed25519_hint.c.
 *
 * libsodium behaviours relied on (1.0.18; checked by tests/test_mpc_group_ed25519.c):
 *  - crypto_scalarmult_ed25519_{,base_}noclamp return -1 when the result
 *    is the identity (zero scalar), and the non-base one also for a
 *    small-order input point such as the identity.  Neither ever reaches
 *    the library: a zero scalar is replaced by 1 and the identity selected
 *    by mask, the identity point is answered before the call.
 *  - crypto_core_ed25519_is_valid_point rejects non-canonical encodings
 *    (y >= p), every small-order point (including non-canonical encodings
 *    of them and the "negative zero" x = 0 encodings) and points outside
 *    the prime-order subgroup.
 *  - crypto_core_ed25519_scalar_invert returns -1 for zero.
 */
#include "mpc/group.h"
#include "mpc/group_impl.h"
#include "mpc/group_ed25519_impl.h"
#include "util/ct.h"
#include "zk/group.h"
#include "zk/dblenc.h"
#include "zk/msm.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>


/* The identity (0, 1): y = 1, sign bit of x clear. */
const uint8_t mpc_ed_identity[ED_BYTES] = { 1 };

/* RFC 8032 base point B: y = 4/5. */
static const uint8_t ED_BASE[ED_BYTES] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66
};

/* ---- scalars ---------------------------------------------------------- */

static void e_scalar_zero(const mpc_group *g, mpc_scalar *out)
{
    (void)g;
    memset(out->b, 0, MPC_SCALAR_BYTES);
}

static void e_scalar_from_u64(const mpc_group *g, mpc_scalar *out, uint64_t v)
{
    (void)g;
    memset(out->b, 0, MPC_SCALAR_BYTES);
    for (int i = 0; i < 8; i++)
        out->b[i] = (uint8_t)(v >> (8 * i));
}

static void e_scalar_one(const mpc_group *g, mpc_scalar *out)
{
    e_scalar_from_u64(g, out, 1);
}

/* 1 if the 32 little-endian bytes are below L, in constant time: reducing
 * a canonical value leaves it unchanged and changes every other one. */
static unsigned e_is_canonical(const uint8_t in[ED_BYTES])
{
    uint8_t wide[64] = { 0 }, red[ED_BYTES];
    memcpy(wide, in, ED_BYTES);
    crypto_core_ed25519_scalar_reduce(red, wide);
    unsigned ok = (unsigned)(sodium_memcmp(red, in, ED_BYTES) == 0);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(red, sizeof red);
    return ok;
}

/* The zero scalar on failure, selected without a branch; only the
 * success bit (the function's public result) is declassified. */
static int e_scalar_decode(const mpc_group *g, mpc_scalar *out, const uint8_t *in)
{
    (void)g;
    static const uint8_t zero[ED_BYTES] = { 0 };
    unsigned ok = e_is_canonical(in);
    mpc_ct_select(out->b, zero, in, ED_BYTES, ok);
    sh_ct_declassify(&ok, sizeof ok);
    return ok ? SH_OK : SH_ERR_NONCANONICAL;
}

static void e_scalar_encode(const mpc_group *g, uint8_t *out, const mpc_scalar *s)
{
    (void)g;
    memmove(out, s->b, MPC_SCALAR_BYTES);
}

/* Little-endian: zero-pad to the 64 bytes crypto_core_ed25519_scalar_reduce
 * takes. */
static void e_scalar_reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in,
                            size_t len)
{
    (void)g;
    uint8_t wide[64] = { 0 };
    if (len > 0)
        memcpy(wide, in, len);
    crypto_core_ed25519_scalar_reduce(out->b, wide);
    sodium_memzero(wide, sizeof wide);
}

/* Rejection sampling: 253-bit candidates (L is just above 2^252, so about
 * half are accepted), retried while >= L or zero.  Only the accept bit of
 * each candidate is made public. */
static void e_scalar_random(const mpc_group *g, mpc_scalar *out, sh_rng *rng)
{
    (void)g;
    for (;;) {
        sh_rng_bytes(rng, out->b, MPC_SCALAR_BYTES);
        out->b[31] &= 0x1f;
        unsigned ok = e_is_canonical(out->b) & (unsigned)!sodium_is_zero(out->b, ED_BYTES);
        sh_ct_declassify(&ok, sizeof ok);
        if (ok)
            return;
    }
}

static void e_scalar_add(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    crypto_core_ed25519_scalar_add(out->b, a->b, b->b);
}

static void e_scalar_sub(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    crypto_core_ed25519_scalar_sub(out->b, a->b, b->b);
}

static void e_scalar_mul(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    (void)g;
    crypto_core_ed25519_scalar_mul(out->b, a->b, b->b);
}

static void e_scalar_neg(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    (void)g;
    crypto_core_ed25519_scalar_negate(out->b, a->b);
}

/* libsodium computes a^(L-2) (0 for 0) and returns -1 exactly when a is
 * zero; the output is forced to zero then anyway, without a branch. */
static int e_scalar_invert(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    (void)g;
    static const uint8_t zero[ED_BYTES] = { 0 };
    uint8_t r[ED_BYTES];
    int rc = crypto_core_ed25519_scalar_invert(r, a->b);
    unsigned fail = (unsigned)(rc != 0);
    mpc_ct_select(out->b, r, zero, ED_BYTES, fail);
    sodium_memzero(r, sizeof r);
    sh_ct_declassify(&fail, sizeof fail);
    return fail ? SH_ERR_ZERO : SH_OK;
}

static int e_scalar_eq(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b)
{
    (void)g;
    return sodium_memcmp(a->b, b->b, MPC_SCALAR_BYTES) == 0;
}

static int e_scalar_is_zero(const mpc_group *g, const mpc_scalar *a)
{
    (void)g;
    return sodium_is_zero(a->b, MPC_SCALAR_BYTES);
}

/* ---- elements --------------------------------------------------------- */

void mpc_ed_set(mpc_elem *out, const uint8_t enc[ED_BYTES])
{
    memmove(out->u.ed, enc, ED_BYTES);
    out->inf = 0;
    out->ed_cached = 0;
}

/* The libdecaf cache.  An element that came out of libdecaf (a product, a
 * sum, a hinted decoding) keeps the libdecaf point X whose EdDSA encoding
 * is its bytes: X is "P / 4" (zk_point_to_ed25519 multiplies by 4), so the
 * next product or sum starts from X instead of converting the bytes again
 * (a decoding, 5 us, which also yields 2P rather than P / 4 and so needs a
 * multiplication by 8^-1 at the end, 40 us).  Only public elements are
 * cached: the constant-time products leave the cache empty.  Builds with
 * SHROUD_VERIFY check every cache they use against the bytes. */
static void e_check_cache(const mpc_elem *p)
{
#ifdef SHROUD_VERIFY
    uint8_t b[ED_BYTES];
    zk_point_to_ed25519(b, &p->u.ed_q);
    if (memcmp(b, p->u.ed, ED_BYTES) != 0)
        abort();
#else
    (void)p;
#endif
}

/* out = 2P as zk_point_from_ed25519 gives it: 8X from the cache (three
 * doublings), or decoded. */
int mpc_ed_twice(const mpc_elem *p, zk_point *out)
{
    if (!p->ed_cached)
        return zk_point_from_ed25519(out, p->u.ed);
    e_check_cache(p);
    zk_point_dbl(out, &p->u.ed_q);
    zk_point_dbl(out, out);
    zk_point_dbl(out, out);
    return SH_OK;
}

static void e_elem_identity(const mpc_group *g, mpc_elem *out)
{
    (void)g;
    mpc_ed_set(out, mpc_ed_identity);
}

static void e_elem_base(const mpc_group *g, mpc_elem *out)
{
    (void)g;
    mpc_ed_set(out, ED_BASE);
}

/* Two encodings of "the identity" are refused with SH_ERR_IDENTITY: the
 * real one, 0x01 || 0^31, and the all-zero bytes mpc_elem_encode writes for
 * it (which would otherwise decode as a point of order 4 and fail as
 * SH_ERR_POINT), so that encode and decode agree on the identity in every
 * group.  Everything else must pass crypto_core_ed25519_is_valid_point. */
int mpc_ed_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in)
{
    (void)g;
    if (sodium_is_zero(in, ED_BYTES) || sodium_memcmp(in, mpc_ed_identity, ED_BYTES) == 0) {
        mpc_ed_set(out, mpc_ed_identity);
        return SH_ERR_IDENTITY;
    }
    if (!crypto_core_ed25519_is_valid_point(in)) {
        mpc_ed_set(out, mpc_ed_identity);
        return SH_ERR_POINT;
    }
    mpc_ed_set(out, in);
    return SH_OK;
}

int mpc_ed_elem_is_identity(const mpc_group *g, const mpc_elem *a)
{
    (void)g;
    return sodium_memcmp(a->u.ed, mpc_ed_identity, ED_BYTES) == 0;
}

static int e_elem_encode(const mpc_group *g, uint8_t *out, const mpc_elem *e)
{
    if (mpc_ed_elem_is_identity(g, e)) {
        memset(out, 0, ED_BYTES);
        return SH_ERR_IDENTITY;
    }
    memmove(out, e->u.ed, ED_BYTES);
    return SH_OK;
}

/* crypto_core_ed25519_add/sub fail only for inputs that are not points on
 * the curve; elements always hold valid encodings (the identity included),
 * so the result code carries no information here. */
static void e_from_zk(mpc_elem *out, const zk_point *r);

/* With both caches: libdecaf's addition and one encoding (5 us) instead of
 * libsodium's three inversions (14 us). */
static int e_add_cached(mpc_elem *out, const mpc_elem *a, const mpc_elem *b, int sub)
{
    if (!a->ed_cached || !b->ed_cached)
        return 0;
    e_check_cache(a);
    e_check_cache(b);
    zk_point r;
    if (sub)
        zk_point_sub(&r, &a->u.ed_q, &b->u.ed_q);
    else
        zk_point_add(&r, &a->u.ed_q, &b->u.ed_q);
    e_from_zk(out, &r);
    return 1;
}

static void e_elem_add(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    (void)g;
    if (e_add_cached(out, a, b, 0))
        return;
    uint8_t r[ED_BYTES];
    (void)crypto_core_ed25519_add(r, a->u.ed, b->u.ed);
    mpc_ed_set(out, r);
}

static void e_elem_sub(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    (void)g;
    if (e_add_cached(out, a, b, 1))
        return;
    uint8_t r[ED_BYTES];
    (void)crypto_core_ed25519_sub(r, a->u.ed, b->u.ed);
    mpc_ed_set(out, r);
}

static void e_elem_neg(const mpc_group *g, mpc_elem *out, const mpc_elem *a)
{
    (void)g;
    uint8_t r[ED_BYTES];
    (void)crypto_core_ed25519_sub(r, mpc_ed_identity, a->u.ed);
    mpc_ed_set(out, r);
}

static int e_elem_eq(const mpc_group *g, const mpc_elem *a, const mpc_elem *b)
{
    (void)g;
    return sodium_memcmp(a->u.ed, b->u.ed, ED_BYTES) == 0;   /* canonical encodings */
}

/* Never hands libsodium a zero scalar: s = 0 is replaced by 1 (by mask)
 * and the identity selected afterwards.  libsodium's multiplications end
 * with `if (result is the identity || scalar is zero) return -1`, a branch
 * on the secret result; with a nonzero scalar below L and a prime-order
 * point that branch always goes the same way, so not even "s = 0" leaks
 * (tests/ctime/valgrind.supp explains the suppression this still needs). */
static void e_nonzero(uint8_t x[ED_BYTES], const mpc_scalar *s, unsigned *sz)
{
    static const uint8_t one[ED_BYTES] = { 1 };
    *sz = (unsigned)sodium_is_zero(s->b, ED_BYTES);
    mpc_ct_select(x, s->b, one, ED_BYTES, *sz);
}

/* s*B, constant time in s.  rc is 0 for every nonzero scalar below L; it
 * is folded into the mask rather than trusted. */
static void e_elem_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *s)
{
    (void)g;
    uint8_t r[ED_BYTES], x[ED_BYTES];
    unsigned sz;
    e_nonzero(x, s, &sz);
    int rc = crypto_scalarmult_ed25519_base_noclamp(r, x);
    mpc_ct_select(out->u.ed, r, mpc_ed_identity, ED_BYTES, sz | (unsigned)(rc != 0));
    out->inf = 0;
    out->ed_cached = 0;
    sodium_memzero(r, sizeof r);
    sodium_memzero(x, sizeof x);
}

/* s*P, constant time in s.  The identity P (public) is answered directly:
 * libsodium refuses small-order inputs, and every other element is a
 * prime-order point it accepts. */
static void e_elem_mul(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                       const mpc_scalar *s)
{
    if (mpc_ed_elem_is_identity(g, p)) {
        mpc_ed_set(out, mpc_ed_identity);
        return;
    }
    uint8_t r[ED_BYTES], x[ED_BYTES];
    unsigned sz;
    e_nonzero(x, s, &sz);
    int rc = crypto_scalarmult_ed25519_noclamp(r, x, p->u.ed);
    mpc_ct_select(out->u.ed, r, mpc_ed_identity, ED_BYTES, sz | (unsigned)(rc != 0));
    out->inf = 0;
    out->ed_cached = 0;
    sodium_memzero(r, sizeof r);
    sodium_memzero(x, sizeof x);
}

/* 8^-1 mod L, little-endian: undoes the cofactor that the round trip
 * through libdecaf multiplies by (zk/group.h, zk_point_from_ed25519). */
const uint8_t mpc_ed_inv8[ED_BYTES] = {
    0x79, 0x2f, 0xdc, 0xe2, 0x29, 0xe5, 0x06, 0x61, 0xd0, 0xda, 0x1c, 0x7d, 0xb3, 0x9d, 0xd3, 0x07,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06
};

/* r = r * 8^-1 through libdecaf's variable-time product (public points):
 * what undoes the cofactor of the round trip (see e_products). */
static int e_div8(zk_point *r)
{
    zk_scalar inv8, zero;
    int rc = zk_scalar_decode(&inv8, mpc_ed_inv8);   /* canonical: never fails */
    if (rc == SH_OK) {
        zk_scalar_zero(&zero);
        zk_point_double_mul_base_vartime(r, &zero, r, &inv8);
    }
    return rc;
}

/* out = the element zk_point_to_ed25519 encodes for r, r its cache (the
 * identity is set directly rather than encoded by libdecaf). */
static void e_from_zk(mpc_elem *out, const zk_point *r)
{
    if (zk_point_is_identity(r)) {
        mpc_ed_set(out, mpc_ed_identity);
    } else {
        zk_point_to_ed25519(out->u.ed, r);
        out->u.ed_q = *r;
        out->inf = 0;
        out->ed_cached = 1;
    }
}

/* e_from_zk for out[i], r[i], i < n: the encodings share one inversion
 * (zk_points_to_ed25519). */
int mpc_ed_from_zk_block(mpc_elem *out, const zk_point *r, size_t n)
{
    uint8_t *enc = malloc(n ? ED_BYTES * n : 1);
    if (enc == NULL)
        return SH_ERR_NOMEM;
    zk_points_to_ed25519(enc, r, n);
    for (size_t i = 0; i < n; i++) {
        if (zk_point_is_identity(&r[i])) {
            mpc_ed_set(&out[i], mpc_ed_identity);
            continue;
        }
        memcpy(out[i].u.ed, enc + ED_BYTES * i, ED_BYTES);
        out[i].u.ed_q = r[i];
        out[i].inf = 0;
        out[i].ed_cached = 1;
    }
    free(enc);
    return SH_OK;
}

/* 1 if every element of p (n of them, stride 1, or through pp) that is not
 * the identity is cached. */
static int e_all_cached(const mpc_group *g, const mpc_elem *p, const mpc_elem *const *pp,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const mpc_elem *e = pp != NULL ? pp[i] : &p[i];
        if (!e->ed_cached && !mpc_ed_elem_is_identity(g, e))
            return 0;
    }
    return 1;
}

/* sum s_i P_i for public inputs, through libdecaf.  Every element is in
 * the prime-order subgroup (decode checks it, and sums and products keep
 * it there), where the conversions lose nothing: from_ed25519 gives 2P_i,
 * zk_msm their combination 2S, and to_ed25519 encodes 4X, so X = 2S / 8,
 * one multiplication by 8^-1.  A single product folds 8^-1 into its
 * scalar instead.  When every input is cached, their X's combine into the
 * result's X directly.  Zero scalars and identity points are skipped. */
static int e_products(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                      const mpc_elem *p, size_t n)
{
    zk_point *pts = zk_points_alloc(n);
    zk_scalar *sc = zk_aligned_alloc(n, sizeof *sc);
    zk_scalar inv8, zero;
    zk_point r;
    size_t m = 0;
    int rc = SH_ERR_NOMEM;
    /* all cached: the sum of s_i X_i is the result's X, nothing to undo */
    const int quarter = e_all_cached(g, p, NULL, n);
    if (pts == NULL || sc == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (sodium_is_zero(s[i].b, ED_BYTES) || mpc_ed_elem_is_identity(g, &p[i]))
            continue;
        if (quarter) {
            e_check_cache(&p[i]);
            pts[m] = p[i].u.ed_q;
        } else if ((rc = mpc_ed_twice(&p[i], &pts[m])) != SH_OK) {
            goto done;     /* never for a group element */
        }
        if ((rc = zk_scalar_decode(&sc[m], s[i].b)) != SH_OK)   /* canonical: never */
            goto done;
        m++;
    }
    rc = SH_OK;
    if (m == 0) {
        mpc_ed_set(out, mpc_ed_identity);
        goto done;
    }
    zk_scalar_zero(&zero);
    if (quarter) {
        if (m == 1)
            zk_point_double_mul_base_vartime(&r, &zero, &pts[0], &sc[0]);
        else if ((rc = zk_msm(&r, sc, pts, m)) != SH_OK)
            goto done;
    } else if (m == 1) {
        if ((rc = zk_scalar_decode(&inv8, mpc_ed_inv8)) != SH_OK)
            goto done;
        zk_scalar_mul(&sc[0], &sc[0], &inv8);
        zk_point_double_mul_base_vartime(&r, &zero, &pts[0], &sc[0]);
    } else if ((rc = zk_msm(&r, sc, pts, m)) != SH_OK || (rc = e_div8(&r)) != SH_OK) {
        goto done;
    }
    e_from_zk(out, &r);
done:
    free(pts);                     /* public inputs: nothing to wipe */
    free(sc);
    return rc;
}

/* Public scalar and point: libdecaf, as msm_vartime.  An allocation
 * failure (the only way e_products fails for valid inputs) falls back to
 * the constant-time product, which needs no memory. */
static void e_elem_mul_vartime(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                               const mpc_scalar *s)
{
    if (e_products(g, out, s, p, 1) != SH_OK)
        e_elem_mul(g, out, p, s);
}

static int e_elem_msm_vartime(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                              const mpc_elem *p, size_t n)
{
    return e_products(g, out, s, p, n);
}

/* Converts the t coefficients to libdecaf once (2C_j each) for all nx
 * evaluations, runs Horner's rule there, and undoes the round trip's
 * cofactor (e_products) with one multiplication by 8^-1 per coefficient
 * or per result, whichever are fewer. */
static int e_elem_poly_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                                  uint32_t t, const uint32_t *xs, size_t nx)
{
    zk_point *P = zk_points_alloc(t);
    if (P == NULL)
        return SH_ERR_NOMEM;
    int rc = SH_OK;
    /* all cached: Horner's rule on the X's gives the results' X's */
    const int quarter = e_all_cached(g, C, NULL, t);
    for (uint32_t j = 0; j < t && rc == SH_OK; j++) {
        if (!quarter)
            rc = mpc_ed_twice(&C[j], &P[j]);    /* the identity gives the identity */
        else if (mpc_ed_elem_is_identity(g, &C[j]))
            zk_point_identity(&P[j]);
        else
            P[j] = C[j].u.ed_q;
    }
    const int scale_first = !quarter && nx >= t;
    for (uint32_t j = 0; j < t && rc == SH_OK && scale_first; j++)
        rc = e_div8(&P[j]);
    zk_point *R = rc == SH_OK ? zk_points_alloc(nx ? nx : 1) : NULL;
    if (rc == SH_OK && R == NULL)
        rc = SH_ERR_NOMEM;
    if (rc == SH_OK)
        rc = zk_points_horner(R, P, t, xs, nx);
    for (size_t i = 0; i < nx && rc == SH_OK && !quarter && !scale_first; i++)
        rc = e_div8(&R[i]);
    if (rc == SH_OK)
        rc = mpc_ed_from_zk_block(out, R, nx);
    free(P);                       /* public points: nothing to wipe */
    free(R);
    return rc;
}

/* All cached: Horner's rule on the X's of all m polynomials at once
 * (zk_points_horner_polys: one inversion for their Niels forms) and the m
 * results encoded together (mpc_ed_from_zk_block: one more); otherwise one
 * e_elem_poly_eval_small each. */
static int e_elem_polys_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *const *C,
                                   size_t m, uint32_t t, uint32_t x)
{
    int all = 1;
    for (size_t k = 0; k < m && all; k++)
        all = e_all_cached(g, C[k], NULL, t);
    if (!all) {
        for (size_t k = 0; k < m; k++) {
            int rc = e_elem_poly_eval_small(g, &out[k], C[k], t, &x, 1);
            if (rc != SH_OK)
                return rc;
        }
        return SH_OK;
    }
    if (m > SIZE_MAX / sizeof(zk_point) / t)
        return SH_ERR_NOMEM;
    zk_point *P = zk_points_alloc(m * t), *R = zk_points_alloc(m);
    int rc = P == NULL || R == NULL ? SH_ERR_NOMEM : SH_OK;
    for (size_t k = 0; k < m && rc == SH_OK; k++)
        for (uint32_t j = 0; j < t; j++) {
            if (mpc_ed_elem_is_identity(g, &C[k][j]))
                zk_point_identity(&P[k * t + j]);
            else
                P[k * t + j] = C[k][j].u.ed_q;
        }
    if (rc == SH_OK)
        rc = zk_points_horner_polys(R, P, m, t, x);
    if (rc == SH_OK)
        rc = mpc_ed_from_zk_block(out, R, m);
    free(P);                       /* public points: nothing to wipe */
    free(R);
    return rc;
}

/* Below this many terms libsodium's additions (three inversions each) are
 * cheaper than the conversions (one each) plus the multiplication by 8^-1. */
#define ED_SUM_DECAF_MIN 6

static int e_elem_sum(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p, size_t n)
{
    mpc_elem acc;
    zk_point sum, q;
    if (e_all_cached(g, NULL, p, n)) {      /* the X's add up to the sum's X */
        zk_point_identity(&sum);
        for (size_t i = 0; i < n; i++)
            if (!mpc_ed_elem_is_identity(g, p[i])) {
                e_check_cache(p[i]);
                zk_point_add(&sum, &sum, &p[i]->u.ed_q);
            }
        e_from_zk(out, &sum);
        return SH_OK;
    }
    if (n < ED_SUM_DECAF_MIN) {
        acc = *p[0];
        for (size_t i = 1; i < n; i++)
            e_elem_add(g, &acc, &acc, p[i]);
        *out = acc;
        return SH_OK;
    }
    int rc = SH_OK;
    zk_point_identity(&sum);
    for (size_t i = 0; i < n && rc == SH_OK; i++)
        if ((rc = mpc_ed_twice(p[i], &q)) == SH_OK)
            zk_point_add(&sum, &sum, &q);
    if (rc == SH_OK && (rc = e_div8(&sum)) == SH_OK)
        e_from_zk(out, &sum);
    return rc;
}

const mpc_group_ops mpc_ed25519_ops = {
    .id = MPC_ED25519,
    .name = "ed25519",
    .elem_bytes = ED_BYTES,
    .scalar_zero = e_scalar_zero,
    .scalar_one = e_scalar_one,
    .scalar_from_u64 = e_scalar_from_u64,
    .scalar_decode = e_scalar_decode,
    .scalar_encode = e_scalar_encode,
    .scalar_reduce = e_scalar_reduce,
    .scalar_random = e_scalar_random,
    .scalar_add = e_scalar_add,
    .scalar_sub = e_scalar_sub,
    .scalar_mul = e_scalar_mul,
    .scalar_neg = e_scalar_neg,
    .scalar_invert = e_scalar_invert,
    .scalar_eq = e_scalar_eq,
    .scalar_is_zero = e_scalar_is_zero,
    .elem_identity = e_elem_identity,
    .elem_base = e_elem_base,
    .elem_decode = mpc_ed_elem_decode,
    .elem_encode = e_elem_encode,
    .elem_add = e_elem_add,
    .elem_sub = e_elem_sub,
    .elem_neg = e_elem_neg,
    .elem_eq = e_elem_eq,
    .elem_is_identity = mpc_ed_elem_is_identity,
    .elem_mul_base = e_elem_mul_base,
    .elem_mul = e_elem_mul,
    .elem_mul_vartime = e_elem_mul_vartime,
    .elem_msm_vartime = e_elem_msm_vartime,
    .elem_poly_eval_small = e_elem_poly_eval_small,
    .elem_sum = e_elem_sum,
    .hint_bytes = ED_HINT_BYTES,
    .elems_hints = mpc_ed_elems_hints,
    .elem_polys_eval_small = e_elem_polys_eval_small,
    .elem_decode_hinted = mpc_ed_elem_decode_hinted,
    .elems_decode_hinted = mpc_ed_elems_decode_hinted,
    .elems_mul_base_publish = mpc_ed_elems_mul_base_publish,
};
