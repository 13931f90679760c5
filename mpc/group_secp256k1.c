/* mpc/group_secp256k1.c -- MPC_SECP256K1 through libsecp256k1's public API
 * only (no copied internals), plus mpc/secp_msm.c's arithmetic on public
 * points for what the library does not offer: the multi-scalar
 * multiplication of three or more products, Horner's rule at small
 * identifiers.  Decompression hints are the y coordinate (checked by the
 * library's parser of uncompressed points).
 *
 * Scalars are canonical 32-byte big-endian encodings (< n), the library's
 * "seckey" format.  The arithmetic is secp256k1_ec_seckey_tweak_add /
 * _tweak_mul / _negate, which are constant time but refuse a zero operand
 * or a zero result (a secret key cannot be zero); those cases are handled
 * here without a branch: a zero operand is replaced by 1 before the call
 * and the right result is selected by mask afterwards.  On failure the
 * library leaves "some unspecified value" in the key (0.2.0 happens to zero
 * it): nothing here depends on that value, it is always masked away.
 *
 * Elements are a secp256k1_pubkey plus an explicit flag for the point at
 * infinity, which the library cannot represent.  Additions are
 * secp256k1_ec_pubkey_combine (variable time; public points), mul_base is
 * secp256k1_ec_pubkey_create (constant time, blinded by the context's
 * randomization), mul is secp256k1_ecdh with a "hash" that returns x || y
 * (constant-time ecmult_const), mul_vartime is secp256k1_ec_pubkey_tweak_mul.
 */
#include "mpc/group.h"
#include "mpc/group_impl.h"
#include "mpc/secp_msm.h"
#include "util/ct.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>

#define K_BYTES 33

/* n, the group order, big-endian (SEC2 2.4.1). */
static const uint8_t K_N[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};

/* 2^256 mod n = 2^256 - n (n > 2^255), big-endian. */
static const uint8_t K_2_256[32] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x45, 0x51, 0x23, 0x19, 0x50, 0xb7, 0x5f, 0xc4, 0x40, 0x2d, 0xa1, 0x73, 0x2f, 0xc9, 0xbe, 0xbf
};

static const uint8_t K_ZERO[32] = { 0 };
static const uint8_t K_ONE[32] = { [31] = 1 };

/* ---- constant-time helpers on 32-byte big-endian integers ------------- */

/* out = in - n (mod 2^256); returns the borrow: 1 exactly when in < n. */
static unsigned k_sub_n(uint8_t out[32], const uint8_t in[32])
{
    unsigned borrow = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned d = (unsigned)in[i] - (unsigned)K_N[i] - borrow;
        out[i] = (uint8_t)d;
        borrow = (d >> 8) & 1u;
    }
    return borrow;
}

/* out = in mod n for any 32-byte in: 2^256 < 2n, so one conditional
 * subtraction is enough. */
static void k_reduce32(uint8_t out[32], const uint8_t in[32])
{
    uint8_t t[32];
    unsigned lt = k_sub_n(t, in);
    mpc_ct_select(out, t, in, 32, lt);
    sodium_memzero(t, sizeof t);
}

static unsigned k_is_zero(const uint8_t a[32])
{
    return (unsigned)sodium_is_zero(a, 32);
}

/* ---- scalars ---------------------------------------------------------- */

static void k_scalar_zero(const mpc_group *g, mpc_scalar *out)
{
    (void)g;
    memset(out->b, 0, MPC_SCALAR_BYTES);
}

static void k_scalar_from_u64(const mpc_group *g, mpc_scalar *out, uint64_t v)
{
    (void)g;
    memset(out->b, 0, MPC_SCALAR_BYTES);
    for (int i = 0; i < 8; i++)
        out->b[31 - i] = (uint8_t)(v >> (8 * i));
}

static void k_scalar_one(const mpc_group *g, mpc_scalar *out)
{
    k_scalar_from_u64(g, out, 1);
}

static int k_scalar_decode(const mpc_group *g, mpc_scalar *out, const uint8_t *in)
{
    (void)g;
    uint8_t t[32];
    unsigned ok = k_sub_n(t, in);               /* in < n */
    mpc_ct_select(out->b, K_ZERO, in, 32, ok);
    sodium_memzero(t, sizeof t);
    sh_ct_declassify(&ok, sizeof ok);           /* the public result */
    return ok ? SH_OK : SH_ERR_NONCANONICAL;
}

static void k_scalar_encode(const mpc_group *g, uint8_t *out, const mpc_scalar *s)
{
    (void)g;
    memmove(out, s->b, MPC_SCALAR_BYTES);
}

static int k_scalar_is_zero(const mpc_group *g, const mpc_scalar *a)
{
    (void)g;
    return sodium_is_zero(a->b, MPC_SCALAR_BYTES);
}

static int k_scalar_eq(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b)
{
    (void)g;
    return sodium_memcmp(a->b, b->b, MPC_SCALAR_BYTES) == 0;
}

/* out = a + b mod n for canonical a, b (out may alias either). */
static void k_add(const secp256k1_context *ctx, uint8_t out[32], const uint8_t a[32],
                  const uint8_t b[32])
{
    unsigned az = k_is_zero(a), bz = k_is_zero(b);
    uint8_t x[32], y[32], r[32];
    mpc_ct_select(x, a, K_ONE, 32, az);
    mpc_ct_select(y, b, K_ONE, 32, bz);
    /* Fails (x unspecified) only when x + y = 0 mod n. */
    unsigned ok = (unsigned)secp256k1_ec_seckey_tweak_add(ctx, x, y) & 1u;
    mpc_ct_select(r, K_ZERO, x, 32, ok);   /* the sum, or 0 when it is 0 */
    mpc_ct_select(r, r, a, 32, bz);        /* a + 0 = a */
    mpc_ct_select(r, r, b, 32, az);        /* 0 + b = b (and 0 + 0 = 0) */
    memcpy(out, r, 32);
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    sodium_memzero(r, sizeof r);
}

/* out = -a mod n. */
static void k_neg(const secp256k1_context *ctx, uint8_t out[32], const uint8_t a[32])
{
    unsigned az = k_is_zero(a);
    uint8_t x[32];
    mpc_ct_select(x, a, K_ONE, 32, az);
    unsigned ok = (unsigned)secp256k1_ec_seckey_negate(ctx, x) & 1u;   /* always 1 */
    mpc_ct_select(out, K_ZERO, x, 32, ok & (az ^ 1u));
    sodium_memzero(x, sizeof x);
}

/* out = a * b mod n; n is prime, so the product of nonzero factors is
 * nonzero and tweak_mul fails only for a zero operand. */
static void k_mul(const secp256k1_context *ctx, uint8_t out[32], const uint8_t a[32],
                  const uint8_t b[32])
{
    unsigned az = k_is_zero(a), bz = k_is_zero(b);
    uint8_t x[32], y[32];
    mpc_ct_select(x, a, K_ONE, 32, az);
    mpc_ct_select(y, b, K_ONE, 32, bz);
    unsigned ok = (unsigned)secp256k1_ec_seckey_tweak_mul(ctx, x, y) & 1u;
    mpc_ct_select(out, K_ZERO, x, 32, ok & ((az | bz) ^ 1u));
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
}

static void k_scalar_add(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    k_add(g->secp, out->b, a->b, b->b);
}

static void k_scalar_sub(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    uint8_t nb[32];
    k_neg(g->secp, nb, b->b);
    k_add(g->secp, out->b, a->b, nb);
    sodium_memzero(nb, sizeof nb);
}

static void k_scalar_mul(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                         const mpc_scalar *b)
{
    k_mul(g->secp, out->b, a->b, b->b);
}

static void k_scalar_neg(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    k_neg(g->secp, out->b, a->b);
}

/* The integer in[0..len) (big-endian) mod n: split the zero-padded 64
 * bytes into hi || lo, reduce each (one conditional subtraction), and
 * combine as hi * (2^256 mod n) + lo.  Constant time (the input may be a
 * hash of secrets). */
static void k_scalar_reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in,
                            size_t len)
{
    uint8_t wide[64] = { 0 }, hi[32], lo[32];
    if (len > 0)
        memcpy(wide + 64 - len, in, len);
    k_reduce32(hi, wide);
    k_reduce32(lo, wide + 32);
    k_mul(g->secp, hi, hi, K_2_256);
    k_add(g->secp, out->b, hi, lo);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(hi, sizeof hi);
    sodium_memzero(lo, sizeof lo);
}

/* Rejection sampling: 32 random bytes, retried while >= n or zero (a
 * retry happens with probability about 2^-128).  Only the accept bit is
 * made public. */
static void k_scalar_random(const mpc_group *g, mpc_scalar *out, sh_rng *rng)
{
    (void)g;
    uint8_t t[32];
    for (;;) {
        sh_rng_bytes(rng, out->b, MPC_SCALAR_BYTES);
        unsigned ok = k_sub_n(t, out->b) & (k_is_zero(out->b) ^ 1u);
        sh_ct_declassify(&ok, sizeof ok);
        if (ok)
            break;
    }
    sodium_memzero(t, sizeof t);
}

/* n - 2, the Fermat exponent, big-endian. */
static const uint8_t K_N_MINUS_2[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x3f
};

/* x *= y for NONZERO x, y (then tweak_mul always succeeds); the success
 * bit is accumulated into *ok instead of being branched on. */
static void k_mul_nz(const secp256k1_context *ctx, uint8_t x[32], const uint8_t y[32],
                     unsigned *ok)
{
    uint8_t t[32];
    memcpy(t, y, 32);              /* the API does not promise x == y works */
    *ok &= (unsigned)secp256k1_ec_seckey_tweak_mul(ctx, x, t) & 1u;
    sodium_memzero(t, sizeof t);
}

/* a^(n-2) = 1/a (Fermat), with a fixed 4-bit window over the public
 * exponent: 15 table products, then per nibble 4 squarings and one product
 * with the table entry the (public) nibble names.  The sequence of
 * operations never depends on a; a = 0 is replaced by 1 and the zero
 * result selected at the end.  About 250 squarings + 75 products. */
static int k_scalar_invert(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    const secp256k1_context *ctx = g->secp;
    uint8_t tab[16][32], r[32];
    unsigned az = k_is_zero(a->b), ok = 1;

    memcpy(tab[0], K_ONE, 32);
    mpc_ct_select(tab[1], a->b, K_ONE, 32, az);
    for (int i = 2; i < 16; i++) {
        memcpy(tab[i], tab[i - 1], 32);
        k_mul_nz(ctx, tab[i], tab[1], &ok);
    }
    memcpy(r, tab[K_N_MINUS_2[0] >> 4], 32);
    for (int nib = 1; nib < 64; nib++) {
        unsigned d = (K_N_MINUS_2[nib / 2] >> (nib % 2 ? 0 : 4)) & 0xf;
        for (int k = 0; k < 4; k++)
            k_mul_nz(ctx, r, r, &ok);
        if (d != 0)                /* public: a digit of the constant n - 2 */
            k_mul_nz(ctx, r, tab[d], &ok);
    }
    /* ok is 1 for every input (all operands nonzero); fold it in anyway */
    unsigned zero = az | (ok ^ 1u);
    mpc_ct_select(out->b, r, K_ZERO, 32, zero);
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(r, sizeof r);
    sh_ct_declassify(&zero, sizeof zero);
    return zero ? SH_ERR_ZERO : SH_OK;
}

/* ---- elements --------------------------------------------------------- */

static void k_set_inf(mpc_elem *out)
{
    memset(&out->u.k, 0, sizeof out->u.k);
    out->inf = 1;
}

static void k_elem_identity(const mpc_group *g, mpc_elem *out)
{
    (void)g;
    k_set_inf(out);
}

static void k_elem_base(const mpc_group *g, mpc_elem *out)
{
    out->u.k = g->secp_g;
    out->inf = 0;
}

/* Only SEC1 compressed encodings: 33 bytes, prefix 02 or 03, x < p on the
 * curve.  secp256k1_ec_pubkey_parse would take 65-byte 04/06/07 forms too;
 * the length and prefix are checked first so that they never reach it.
 * All-zero bytes (what mpc_elem_encode writes for infinity) are
 * SH_ERR_IDENTITY. */
static int k_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in)
{
    if (sodium_is_zero(in, K_BYTES)) {
        k_set_inf(out);
        return SH_ERR_IDENTITY;
    }
    if ((in[0] != 0x02 && in[0] != 0x03) ||
        !secp256k1_ec_pubkey_parse(g->secp, &out->u.k, in, K_BYTES)) {
        k_set_inf(out);
        return SH_ERR_POINT;
    }
    out->inf = 0;
    return SH_OK;
}

/* Decompression hints: an element's hint is its y coordinate (32 bytes,
 * big-endian), so that a receiver parses the uncompressed 04 || x || y
 * (an on-curve check, about 1 us) instead of taking a square root (about
 * 6 us).  The result is k_elem_decode's whatever the hint: a compressed
 * encoding that decodes has exactly one y of its parity, so a hint that
 * passes both the curve check and the parity check is that y; a hint
 * that fails either (or an encoding k_elem_decode refuses) goes through
 * k_elem_decode itself. */
static int k_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                                const uint8_t *hint)
{
    uint8_t u[65];
    if (sodium_is_zero(in, K_BYTES) || (in[0] != 0x02 && in[0] != 0x03))
        return k_elem_decode(g, out, in);
    if ((hint[31] & 1) != (in[0] & 1))
        return k_elem_decode(g, out, in);
    u[0] = 0x04;
    memcpy(u + 1, in + 1, 32);
    memcpy(u + 33, hint, 32);
    if (!secp256k1_ec_pubkey_parse(g->secp, &out->u.k, u, sizeof u))
        return k_elem_decode(g, out, in);
    out->inf = 0;
    return SH_OK;
}

/* hints + 32 i = y(e[i]); enc is not needed (the pubkey has y). */
static int k_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e,
                         const uint8_t *enc, size_t n)
{
    (void)enc;
    for (size_t i = 0; i < n; i++) {
        uint8_t u[65];
        size_t len = sizeof u;
        if (e[i].inf || !secp256k1_ec_pubkey_serialize(g->secp, u, &len, &e[i].u.k,
                                                        SECP256K1_EC_UNCOMPRESSED)) {
            memset(hints + 32 * i, 0, 32);   /* no hint: the receiver decodes */
            continue;
        }
        memcpy(hints + 32 * i, u + 33, 32);
    }
    return SH_OK;
}

static int k_elem_encode(const mpc_group *g, uint8_t *out, const mpc_elem *e)
{
    if (e->inf) {
        memset(out, 0, K_BYTES);
        return SH_ERR_IDENTITY;
    }
    size_t len = K_BYTES;
    if (!secp256k1_ec_pubkey_serialize(g->secp, out, &len, &e->u.k, SECP256K1_EC_COMPRESSED) ||
        len != K_BYTES) {
        memset(out, 0, K_BYTES);   /* cannot happen for a valid pubkey */
        return SH_ERR_INTERNAL;
    }
    return SH_OK;
}

static void k_elem_add(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    if (a->inf) {
        *out = *b;
        return;
    }
    if (b->inf) {
        *out = *a;
        return;
    }
    const secp256k1_pubkey *ins[2] = { &a->u.k, &b->u.k };
    secp256k1_pubkey r;
    if (secp256k1_ec_pubkey_combine(g->secp, &r, ins, 2)) {
        out->u.k = r;
        out->inf = 0;
    } else {
        k_set_inf(out);            /* a = -b */
    }
}

static void k_elem_neg(const mpc_group *g, mpc_elem *out, const mpc_elem *a)
{
    if (a->inf) {
        k_set_inf(out);
        return;
    }
    secp256k1_pubkey r = a->u.k;
    int ok = secp256k1_ec_pubkey_negate(g->secp, &r);   /* documented: always 1 */
    (void)ok;
    out->u.k = r;
    out->inf = 0;
}

static void k_elem_sub(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                       const mpc_elem *b)
{
    mpc_elem nb;
    k_elem_neg(g, &nb, b);
    k_elem_add(g, out, a, &nb);
}

static int k_elem_eq(const mpc_group *g, const mpc_elem *a, const mpc_elem *b)
{
    if (a->inf || b->inf)
        return a->inf && b->inf;
    return secp256k1_ec_pubkey_cmp(g->secp, &a->u.k, &b->u.k) == 0;
}

static int k_elem_is_identity(const mpc_group *g, const mpc_elem *a)
{
    (void)g;
    return a->inf != 0;
}

/* Wipes the pubkey when flag is 1 (sets infinity), else keeps it; no
 * branch on flag. */
static void k_select_inf(mpc_elem *out, const secp256k1_pubkey *pk, unsigned flag)
{
    uint8_t m = mpc_ct_mask(flag);
    const uint8_t *src = (const uint8_t *)pk;
    uint8_t *dst = (uint8_t *)&out->u.k;
    for (size_t i = 0; i < sizeof *pk; i++)
        dst[i] = (uint8_t)(src[i] & (uint8_t)~m);
    out->inf = (uint8_t)(flag & 1u);
}

/* s*G: secp256k1_ec_pubkey_create refuses s = 0, so 1 is used instead and
 * the result replaced by infinity, by mask. */
static void k_elem_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *s)
{
    unsigned sz = k_is_zero(s->b);
    uint8_t x[32];
    secp256k1_pubkey pk;
    mpc_ct_select(x, s->b, K_ONE, 32, sz);
    unsigned ok = (unsigned)secp256k1_ec_pubkey_create(g->secp, &pk, x) & 1u;
    k_select_inf(out, &pk, sz | (ok ^ 1u));
    sodium_memzero(x, sizeof x);
    sodium_memzero(&pk, sizeof pk);
}

/* The ECDH "hash" that hands back the shared point itself: x || y. */
static int k_ecdh_xy(unsigned char *output, const unsigned char *x32,
                     const unsigned char *y32, void *data)
{
    (void)data;
    memcpy(output, x32, 32);
    memcpy(output + 32, y32, 32);
    return 1;
}

/* s*P, constant time in s: secp256k1_ecdh (ecmult_const) with the x || y
 * hash, then the product parsed back from its uncompressed form.
 * P = infinity is public and answered directly; s = 0 is replaced by 1
 * and the result by infinity, by mask.
 *
 * The parse (secp256k1_ec_pubkey_parse) is libsecp256k1's variable-time
 * point validation: it runs on the PRODUCT's coordinates, not on s.  The
 * product is declassified just before it, which is where this function
 * stops protecting it: the scalar stays protected, but a caller that needs
 * the product itself to stay secret (a Diffie-Hellman value) gets it
 * through a parser whose timing may depend on its coordinates.  The public
 * API offers no constant-time way to turn coordinates into a pubkey. */
static void k_elem_mul(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                       const mpc_scalar *s)
{
    if (p->inf) {
        k_set_inf(out);
        return;
    }
    unsigned sz = k_is_zero(s->b);
    uint8_t x[32], xy[65];
    secp256k1_pubkey pk;
    mpc_ct_select(x, s->b, K_ONE, 32, sz);
    xy[0] = 0x04;
    unsigned ok = (unsigned)secp256k1_ecdh(g->secp, xy + 1, &p->u.k, x, k_ecdh_xy, NULL) & 1u;
    sh_ct_declassify(xy, sizeof xy);
    ok &= (unsigned)secp256k1_ec_pubkey_parse(g->secp, &pk, xy, sizeof xy) & 1u;
    k_select_inf(out, &pk, sz | (ok ^ 1u));
    sodium_memzero(x, sizeof x);
    sodium_memzero(xy, sizeof xy);
    sodium_memzero(&pk, sizeof pk);
}

/* s*P for public s and P: secp256k1_ec_pubkey_tweak_mul (variable time),
 * which refuses s = 0. */
static void k_elem_mul_vartime(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                               const mpc_scalar *s)
{
    if (p->inf || k_is_zero(s->b)) {
        k_set_inf(out);
        return;
    }
    secp256k1_pubkey r = p->u.k;
    if (!secp256k1_ec_pubkey_tweak_mul(g->secp, &r, s->b)) {
        k_set_inf(out);            /* not reached for canonical nonzero s */
        return;
    }
    out->u.k = r;
    out->inf = 0;
}

/* out = a G + b P with ONE variable-base multiplication: libsecp256k1 has
 * no public double multiplication, but ecdsa_recover computes
 * r^-1 (s R - m G) for the point R with x coordinate r and the parity of
 * its recovery id, with G's part from its precomputed table.  So R = P,
 * s = b r and m = -a r give b P + a G.  Returns 0, or -1 when the trick
 * does not apply (x(P) >= n, probability 2^-128, or b = 0); out is then
 * unset and the caller multiplies separately.  Public scalars only. */
static int k_double_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *a,
                             const mpc_elem *P, const mpc_scalar *b)
{
    uint8_t penc[K_BYTES], sig[64], m32[32];
    mpc_scalar r, t;
    secp256k1_ecdsa_recoverable_signature rs;

    if (P->inf || k_elem_encode(g, penc, P) != 0 || k_scalar_decode(g, &r, penc + 1) != 0)
        return -1;
    memcpy(sig, r.b, 32);
    k_scalar_mul(g, &t, b, &r);
    memcpy(sig + 32, t.b, 32);
    k_scalar_mul(g, &t, a, &r);
    k_scalar_neg(g, &t, &t);
    memcpy(m32, t.b, 32);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(g->secp, &rs, sig, penc[0] & 1))
        return -1;                 /* s = 0: b = 0 */
    if (secp256k1_ecdsa_recover(g->secp, &out->u.k, &rs, m32))
        out->inf = 0;
    else
        k_set_inf(out);            /* the sum is the point at infinity */
    return 0;
}

/* From this many products on, mpc_secp_msm_vartime's shared doublings beat
 * one tweak_mul per product: on the 2-core bench machine it costs 0.9 of
 * the tweak_muls at 2 terms, 0.75 at 3, 0.5 at 48; below 3 the pairing of
 * a base-point term in one ecdsa_recover wins. */
#define K_MSM_MIN 3

/* The finite terms with nonzero scalars through mpc_secp_msm_vartime; the
 * first base-point term, if any, as its g G term (the group's table of G
 * makes it cheaper than a point of its own). */
static int k_msm_straus(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                        const mpc_elem *p, size_t n)
{
    uint8_t (*sc)[32] = malloc(n * sizeof *sc), gs[32];
    secp256k1_pubkey *pts = malloc(n * sizeof *pts);
    size_t m = 0;
    int rc = SH_ERR_NOMEM, have_g = 0;
    if (sc == NULL || pts == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (p[i].inf || k_is_zero(s[i].b))
            continue;
        if (!have_g && secp256k1_ec_pubkey_cmp(g->secp, &p[i].u.k, &g->secp_g) == 0) {
            memcpy(gs, s[i].b, 32);
            have_g = 1;
            continue;
        }
        memcpy(sc[m], s[i].b, 32);
        pts[m++] = p[i].u.k;
    }
    int r = mpc_secp_msm_base_vartime(g->secp, &out->u.k, g->secp_gtab, have_g ? gs : NULL,
                                      (const uint8_t (*)[32])sc, pts, m, NULL, 0);
    if (r < 0) {
        rc = r;
        goto done;
    }
    out->inf = r == 0;
    if (r == 0)
        k_set_inf(out);
    rc = SH_OK;
done:
    free(sc);
    free(pts);
    return rc;
}

/* Three or more products: one Straus pass (k_msm_straus).  Fewer: every
 * product by tweak_mul, then ONE secp256k1_ec_pubkey_combine over all of
 * them: each combine ends in a field inversion (to affine), so one call
 * instead of n - 1 additions.  A base-point term is paired with another
 * term in one k_double_mul_base (a proof of possession's s G - c X costs
 * one multiplication, not two).  Zero terms are skipped; an empty sum or a
 * sum at infinity (combine fails) is infinity. */
static int k_elem_msm_vartime(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                              const mpc_elem *p, size_t n)
{
    if (n > SIZE_MAX / sizeof(secp256k1_pubkey) / 2)
        return SH_ERR_NOMEM;
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += !p[i].inf && !k_is_zero(s[i].b);
    if (live >= K_MSM_MIN)
        return k_msm_straus(g, out, s, p, n);
    secp256k1_pubkey *terms = malloc(n * sizeof *terms);
    const secp256k1_pubkey **ptrs = malloc(n * sizeof *ptrs);
    if (terms == NULL || ptrs == NULL) {
        free(terms);
        free(ptrs);
        return SH_ERR_NOMEM;
    }
    /* a base-point term and a partner for it */
    size_t jb = n, jp = n;
    mpc_elem base;
    k_elem_base(g, &base);
    for (size_t i = 0; i < n && jb == n; i++)
        if (k_elem_eq(g, &p[i], &base))
            jb = i;
    for (size_t i = 0; i < n && jb < n && jp == n; i++)
        if (i != jb && !p[i].inf && !k_scalar_is_zero(g, &s[i]))
            jp = i;
    mpc_elem pair;
    if (jp < n && k_double_mul_base(g, &pair, &s[jb], &p[jp], &s[jp]) != 0)
        jp = n;

    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        mpc_elem t;
        if (jp < n && i == jp)
            continue;
        if (jp < n && i == jb)
            t = pair;
        else
            k_elem_mul_vartime(g, &t, &p[i], &s[i]);
        if (t.inf)
            continue;
        terms[m] = t.u.k;
        ptrs[m] = &terms[m];
        m++;
    }
    secp256k1_pubkey r;
    if (m == 1) {                  /* already affine: no combine, no inversion */
        out->u.k = terms[0];
        out->inf = 0;
    } else if (m > 0 && secp256k1_ec_pubkey_combine(g->secp, &r, ptrs, m)) {
        out->u.k = r;
        out->inf = 0;
    } else {
        k_set_inf(out);
    }
    free(terms);
    free(ptrs);
    return SH_OK;
}

/* Horner's rule in mpc/secp_msm.c's Jacobian coordinates: a product by a
 * small x is a few doublings and additions there, where a tweak_mul costs
 * a quarter of a full multiplication and every combine an inversion.
 * Coefficients at infinity (a refresh's C_0) are passed as flags, since
 * libsecp256k1 cannot represent them. */
static int k_elem_poly_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                                  uint32_t t, const uint32_t *xs, size_t nx)
{
    if (nx >= SIZE_MAX / sizeof(secp256k1_pubkey))
        return SH_ERR_NOMEM;
    /* t is a uint32_t: t times a small size fits in a 64-bit size_t */
    secp256k1_pubkey *c = malloc((size_t)t * sizeof *c);
    int *c_inf = malloc((size_t)t * sizeof *c_inf);
    secp256k1_pubkey *o = malloc((nx + 1) * sizeof *o);
    int *inf = malloc((nx + 1) * sizeof *inf);
    int rc = SH_ERR_NOMEM;
    if (c != NULL && c_inf != NULL && o != NULL && inf != NULL) {
        for (uint32_t j = 0; j < t; j++) {
            c[j] = C[j].u.k;
            c_inf[j] = C[j].inf;
        }
        rc = mpc_secp_poly_eval_small(g->secp, o, inf, c, c_inf, t, xs, nx);
        if (rc == SH_OK) {
            for (size_t i = 0; i < nx; i++) {
                if (inf[i]) {
                    k_set_inf(&out[i]);
                } else {
                    out[i].u.k = o[i];
                    out[i].inf = 0;
                }
            }
        }
    }
    free(c);
    free(c_inf);
    free(o);
    free(inf);
    return rc;
}

/* One combine over every finite term: one field inversion in all. */
static int k_elem_sum(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p, size_t n)
{
    if (n > SIZE_MAX / sizeof(secp256k1_pubkey *))
        return SH_ERR_NOMEM;
    const secp256k1_pubkey **ptrs = malloc(n * sizeof *ptrs);
    if (ptrs == NULL)
        return SH_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!p[i]->inf)
            ptrs[m++] = &p[i]->u.k;
    secp256k1_pubkey r;
    if (m > 0 && secp256k1_ec_pubkey_combine(g->secp, &r, ptrs, m)) {
        out->u.k = r;
        out->inf = 0;
    } else {
        k_set_inf(out);            /* nothing finite, or the terms cancel */
    }
    free(ptrs);
    return SH_OK;
}

const mpc_group_ops mpc_secp256k1_ops = {
    .id = MPC_SECP256K1,
    .name = "secp256k1",
    .elem_bytes = K_BYTES,
    .scalar_zero = k_scalar_zero,
    .scalar_one = k_scalar_one,
    .scalar_from_u64 = k_scalar_from_u64,
    .scalar_decode = k_scalar_decode,
    .scalar_encode = k_scalar_encode,
    .scalar_reduce = k_scalar_reduce,
    .scalar_random = k_scalar_random,
    .scalar_add = k_scalar_add,
    .scalar_sub = k_scalar_sub,
    .scalar_mul = k_scalar_mul,
    .scalar_neg = k_scalar_neg,
    .scalar_invert = k_scalar_invert,
    .scalar_eq = k_scalar_eq,
    .scalar_is_zero = k_scalar_is_zero,
    .elem_identity = k_elem_identity,
    .elem_base = k_elem_base,
    .elem_decode = k_elem_decode,
    .hint_bytes = 32,
    .elems_hints = k_elems_hints,
    .elem_decode_hinted = k_elem_decode_hinted,
    .elem_encode = k_elem_encode,
    .elem_add = k_elem_add,
    .elem_sub = k_elem_sub,
    .elem_neg = k_elem_neg,
    .elem_eq = k_elem_eq,
    .elem_is_identity = k_elem_is_identity,
    .elem_mul_base = k_elem_mul_base,
    .elem_mul = k_elem_mul,
    .elem_mul_vartime = k_elem_mul_vartime,
    .elem_msm_vartime = k_elem_msm_vartime,
    .elem_poly_eval_small = k_elem_poly_eval_small,
    .elem_sum = k_elem_sum,
};
