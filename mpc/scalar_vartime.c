/* mpc/scalar_vartime.c -- inversion of PUBLIC scalars in variable time.
 *
 * Lagrange coefficients need inverses of differences of public identifiers.
 * The libraries' inversions are constant time (a Fermat exponentiation:
 * 30-50 us here, more than the rest of a Shamir combination); the binary
 * extended Euclidean algorithm below takes a few microseconds but its
 * running time depends on the value, so it must never see a secret. */
#include "mpc/group_impl.h"

#include <string.h>

typedef struct u256 { uint64_t w[4]; } u256;

/* The orders: L = 2^252 + 27742317777372353535851937790883648493 (ristretto255
 * and Ed25519, RFC 9496 / RFC 8032) and n of secp256k1 (SEC 2), as limbs. */
static const u256 ORDER_L = { { 0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL,
                                0x0000000000000000ULL, 0x1000000000000000ULL } };
static const u256 ORDER_N = { { 0xbfd25e8cd0364141ULL, 0xbaaedce6af48a03bULL,
                                0xfffffffffffffffeULL, 0xffffffffffffffffULL } };

static int u256_is_zero(const u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

static int u256_is_one(const u256 *a)
{
    return a->w[0] == 1 && (a->w[1] | a->w[2] | a->w[3]) == 0;
}

/* a >= b */
static int u256_ge(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] > b->w[i];
    return 1;
}

/* a -= b (a >= b) */
static void u256_sub(u256 *a, const u256 *b)
{
    unsigned __int128 borrow = 0;
    for (int i = 0; i < 4; i++) {
        unsigned __int128 d = (unsigned __int128)a->w[i] - b->w[i] - (uint64_t)borrow;
        a->w[i] = (uint64_t)d;
        borrow = (d >> 64) != 0;
    }
}

/* a = a / 2 mod m, for a < m and m odd: (a + (a odd ? m : 0)) / 2, where
 * the sum may carry out of 256 bits. */
static void u256_half_mod(u256 *a, const u256 *m)
{
    uint64_t carry = 0;
    if (a->w[0] & 1) {
        unsigned __int128 c = 0;
        for (int i = 0; i < 4; i++) {
            c += (unsigned __int128)a->w[i] + m->w[i];
            a->w[i] = (uint64_t)c;
            c >>= 64;
        }
        carry = (uint64_t)c;
    }
    for (int i = 0; i < 3; i++)
        a->w[i] = (a->w[i] >> 1) | (a->w[i + 1] << 63);
    a->w[3] = (a->w[3] >> 1) | (carry << 63);
}

static void u256_shr1(u256 *a)
{
    for (int i = 0; i < 3; i++)
        a->w[i] = (a->w[i] >> 1) | (a->w[i + 1] << 63);
    a->w[3] >>= 1;
}

/* a = a - b mod m (a, b < m) */
static void u256_sub_mod(u256 *a, const u256 *b, const u256 *m)
{
    if (u256_ge(a, b)) {
        u256_sub(a, b);
    } else {
        u256 t = *m;
        u256_sub(&t, b);        /* m - b > 0 */
        unsigned __int128 c = 0;
        for (int i = 0; i < 4; i++) {
            c += (unsigned __int128)a->w[i] + t.w[i];
            a->w[i] = (uint64_t)c;
            c >>= 64;
        }                        /* a + m - b < m: no carry out */
    }
}

/* r = a^-1 mod m for 0 < a < m, m an odd prime (binary extended Euclid:
 * the invariants x1*a = u and x2*a = v mod m). */
static void u256_inv_mod(u256 *r, const u256 *a, const u256 *m)
{
    u256 u = *a, v = *m, x1 = { { 1, 0, 0, 0 } }, x2 = { { 0, 0, 0, 0 } };
    while (!u256_is_one(&u) && !u256_is_one(&v)) {
        while ((u.w[0] & 1) == 0) {
            u256_shr1(&u);
            u256_half_mod(&x1, m);
        }
        while ((v.w[0] & 1) == 0) {
            u256_shr1(&v);
            u256_half_mod(&x2, m);
        }
        if (u256_ge(&u, &v)) {
            u256_sub(&u, &v);
            u256_sub_mod(&x1, &x2, m);
        } else {
            u256_sub(&v, &u);
            u256_sub_mod(&x2, &x1, m);
        }
    }
    *r = u256_is_one(&u) ? x1 : x2;
}

int mpc_scalar_invert_vartime(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    uint8_t b[MPC_SCALAR_BYTES];
    int be = mpc_group_id_of(g) == MPC_SECP256K1;
    const u256 *m = be ? &ORDER_N : &ORDER_L;
    u256 x, r;
    mpc_scalar_encode(g, b, a);
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w |= (uint64_t)b[be ? 31 - (8 * i + j) : 8 * i + j] << (8 * j);
        x.w[i] = w;
    }
    if (u256_is_zero(&x)) {
        mpc_scalar_zero(g, out);
        return SH_ERR_ZERO;
    }
    u256_inv_mod(&r, &x, m);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            b[be ? 31 - (8 * i + j) : 8 * i + j] = (uint8_t)(r.w[i] >> (8 * j));
    /* r < m, so the encoding is canonical. */
    return mpc_scalar_decode(g, out, b);
}
