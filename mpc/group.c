/* mpc/group.c -- the group-independent half of mpc/group.h: instances,
 * dispatch to the backends (mpc/group_impl.h), and the operations written
 * once for every group (cmov, wipe, batch inversion, arrays).
 */
#include "mpc/group.h"
#include "mpc/group_impl.h"
#include "mpc/secp_msm.h"
#include "util/ct.h"
#include "zk/group.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* ---- instances -------------------------------------------------------- */

static const mpc_group_ops *ops_by_id(mpc_group_id id)
{
    switch (id) {
    case MPC_RISTRETTO255:
        return &mpc_ristretto255_ops;
    case MPC_ED25519:
        return &mpc_ed25519_ops;
    case MPC_SECP256K1:
        return &mpc_secp256k1_ops;
    }
    return NULL;
}

/* SEC2's generator G, compressed. */
static const uint8_t SECP256K1_G[33] = {
    0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95,
    0xce, 0x87, 0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59,
    0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98
};

/* libsecp256k1's context: SECP256K1_CONTEXT_NONE serves every function
 * (0.2.0 dropped the SIGN/VERIFY split).  Randomizing it blinds the
 * fixed-base multiplication of secp256k1_ec_pubkey_create (our
 * mpc_elem_mul_base) against side channels; that is defence in depth, so a
 * NULL rng simply leaves the default blinding. */
static int secp_init(mpc_group *g, sh_rng *rng)
{
    g->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (g->secp == NULL)
        return SH_ERR_NOMEM;
    if (rng != NULL) {
        uint8_t seed[32];
        sh_rng_bytes(rng, seed, sizeof seed);
        int ok = secp256k1_context_randomize(g->secp, seed);
        sodium_memzero(seed, sizeof seed);
        if (!ok)
            return SH_ERR_INTERNAL;
    }
    if (!secp256k1_ec_pubkey_parse(g->secp, &g->secp_g, SECP256K1_G, sizeof SECP256K1_G))
        return SH_ERR_INTERNAL;
    if ((g->secp_gtab = mpc_secp_gtab_new(g->secp, &g->secp_g)) == NULL)
        return SH_ERR_NOMEM;
    return SH_OK;
}

mpc_group *mpc_group_new(mpc_group_id id, sh_rng *rng)
{
    const mpc_group_ops *ops = ops_by_id(id);
    if (ops == NULL)
        return NULL;
    /* libsodium's ed25519 and sodium_memzero need it; idempotent. */
    if (sodium_init() < 0)
        return NULL;
    mpc_group *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->ops = ops;
    if (id == MPC_SECP256K1 && secp_init(g, rng) != SH_OK) {
        mpc_group_free(g);
        return NULL;
    }
    return g;
}

void mpc_group_free(mpc_group *g)
{
    if (g == NULL)
        return;
    if (g->secp != NULL)
        secp256k1_context_destroy(g->secp);   /* wipes the blinding state */
    mpc_secp_gtab_free(g->secp_gtab);
    free(g);
}

mpc_group_id mpc_group_id_of(const mpc_group *g)
{
    return g->ops->id;
}

const char *mpc_group_name(const mpc_group *g)
{
    return g->ops->name;
}

mpc_group_id mpc_group_id_by_name(const char *name)
{
    static const mpc_group_id ids[] = { MPC_RISTRETTO255, MPC_ED25519, MPC_SECP256K1 };
    if (name == NULL)
        return 0;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcmp(name, ops_by_id(ids[i])->name) == 0)
            return ids[i];
    return 0;
}

size_t mpc_group_elem_bytes(const mpc_group *g)
{
    return g->ops->elem_bytes;
}

const secp256k1_context *mpc_group_secp256k1_ctx(const mpc_group *g)
{
    return g->secp;
}

/* ---- scalars ---------------------------------------------------------- */

void mpc_scalar_zero(const mpc_group *g, mpc_scalar *out)
{
    g->ops->scalar_zero(g, out);
}

void mpc_scalar_one(const mpc_group *g, mpc_scalar *out)
{
    g->ops->scalar_one(g, out);
}

void mpc_scalar_from_u64(const mpc_group *g, mpc_scalar *out, uint64_t v)
{
    g->ops->scalar_from_u64(g, out, v);
}

int mpc_scalar_decode(const mpc_group *g, mpc_scalar *out, const uint8_t *in)
{
    return g->ops->scalar_decode(g, out, in);
}

void mpc_scalar_encode(const mpc_group *g, uint8_t *out, const mpc_scalar *s)
{
    g->ops->scalar_encode(g, out, s);
}

int mpc_scalar_reduce(const mpc_group *g, mpc_scalar *out, const uint8_t *in, size_t len)
{
    if (len > 64 || (in == NULL && len > 0))
        return SH_ERR_ARG;
    g->ops->scalar_reduce(g, out, in, len);
    return SH_OK;
}

void mpc_scalar_random(const mpc_group *g, mpc_scalar *out, sh_rng *rng)
{
    g->ops->scalar_random(g, out, rng);
}

void mpc_scalar_add(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b)
{
    g->ops->scalar_add(g, out, a, b);
}

void mpc_scalar_sub(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b)
{
    g->ops->scalar_sub(g, out, a, b);
}

void mpc_scalar_mul(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                    const mpc_scalar *b)
{
    g->ops->scalar_mul(g, out, a, b);
}

void mpc_scalar_neg(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    g->ops->scalar_neg(g, out, a);
}

int mpc_scalar_invert(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a)
{
    return g->ops->scalar_invert(g, out, a);
}

/* Montgomery's trick: with prefix products p_i = in_0 ... in_i, one
 * inversion gives inv = 1/p_{n-1}; walking back, out_i = inv * p_{i-1} and
 * inv *= in_i.  in_i is read before out_i is written, so in == out works.
 * The inputs are public (the zero check branches), the arithmetic is the
 * ordinary constant-time one. */
int mpc_scalar_batch_invert_vartime(const mpc_group *g, mpc_scalar *out,
                                    const mpc_scalar *in, size_t n)
{
    if (n == 0)
        return SH_OK;
    if (out == NULL || in == NULL)
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (mpc_scalar_is_zero(g, &in[i]))
            return SH_ERR_ZERO;
    mpc_scalar *pre = mpc_scalars_alloc(n);
    if (pre == NULL)
        return SH_ERR_NOMEM;
    pre[0] = in[0];
    for (size_t i = 1; i < n; i++)
        mpc_scalar_mul(g, &pre[i], &pre[i - 1], &in[i]);
    mpc_scalar inv, t;
    int rc = mpc_scalar_invert_vartime(g, &inv, &pre[n - 1]);
    if (rc == SH_OK) {
        for (size_t i = n - 1; i > 0; i--) {
            mpc_scalar_mul(g, &t, &inv, &pre[i - 1]);
            mpc_scalar_mul(g, &inv, &inv, &in[i]);
            out[i] = t;
        }
        out[0] = inv;
    }
    mpc_scalars_free(pre, n);
    mpc_scalar_wipe(&inv);
    mpc_scalar_wipe(&t);
    return rc;
}

int mpc_scalar_eq(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b)
{
    return g->ops->scalar_eq(g, a, b);
}

int mpc_scalar_is_zero(const mpc_group *g, const mpc_scalar *a)
{
    return g->ops->scalar_is_zero(g, a);
}

/* Byte-wise over the whole union: correct for every representation (a
 * libdecaf scalar's limbs or an encoding), since it selects all of a or
 * all of b. */
void mpc_scalar_cmov(mpc_scalar *out, const mpc_scalar *a, const mpc_scalar *b, int flag)
{
    uint8_t ta[sizeof(mpc_scalar)], tb[sizeof(mpc_scalar)];
    memcpy(ta, a, sizeof ta);
    memcpy(tb, b, sizeof tb);
    mpc_ct_select(ta, ta, tb, sizeof ta, (unsigned)flag);
    memcpy(out, ta, sizeof ta);
    sodium_memzero(ta, sizeof ta);
    sodium_memzero(tb, sizeof tb);
}

void mpc_scalar_wipe(mpc_scalar *s)
{
    sodium_memzero(s, sizeof *s);
}

/* ---- elements --------------------------------------------------------- */

void mpc_elem_identity(const mpc_group *g, mpc_elem *out)
{
    g->ops->elem_identity(g, out);
}

void mpc_elem_base(const mpc_group *g, mpc_elem *out)
{
    g->ops->elem_base(g, out);
}

int mpc_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in)
{
    return g->ops->elem_decode(g, out, in);
}

int mpc_elem_encode(const mpc_group *g, uint8_t *out, const mpc_elem *e)
{
    return g->ops->elem_encode(g, out, e);
}

size_t mpc_group_hint_bytes(const mpc_group *g)
{
    return g != NULL ? g->ops->hint_bytes : 0;
}

int mpc_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e, const uint8_t *enc,
                    size_t n)
{
    if (g->ops->elems_hints == NULL || n == 0)
        return SH_OK;
    return g->ops->elems_hints(g, hints, e, enc, n);
}

int mpc_elems_mul_base_publish(const mpc_group *g, mpc_elem *out, uint8_t *enc, uint8_t *hints,
                               const mpc_scalar *s, size_t n)
{
    if (n == 0)
        return SH_OK;
    if (g->ops->elems_mul_base_publish != NULL)
        return g->ops->elems_mul_base_publish(g, out, enc, hints, s, n);
    const size_t b = mpc_group_elem_bytes(g);
    for (size_t i = 0; i < n; i++) {
        mpc_elem_mul_base(g, &out[i], &s[i]);
        sh_ct_declassify(&out[i], sizeof out[i]);
        (void)mpc_elem_encode(g, enc + b * i, &out[i]);   /* the identity: zero bytes */
    }
    return hints != NULL ? mpc_elems_hints(g, hints, out, enc, n) : SH_OK;
}

int mpc_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                           const uint8_t *hint)
{
    if (hint == NULL || g->ops->elem_decode_hinted == NULL)
        return mpc_elem_decode(g, out, in);
    return g->ops->elem_decode_hinted(g, out, in, hint);
}

int mpc_elems_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                            const uint8_t *hints, size_t n)
{
    if (n == 0)
        return 0;
    if (hints != NULL && g->ops->elems_decode_hinted != NULL)
        return g->ops->elems_decode_hinted(g, out, in, hints, n);
    const size_t b = g->ops->elem_bytes, h = g->ops->hint_bytes;
    for (size_t i = 0; i < n; i++) {
        int rc = mpc_elem_decode_hinted(g, &out[i], in + b * i,
                                        hints != NULL ? hints + h * i : NULL);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void mpc_elem_add(const mpc_group *g, mpc_elem *out, const mpc_elem *a, const mpc_elem *b)
{
    g->ops->elem_add(g, out, a, b);
}

void mpc_elem_sub(const mpc_group *g, mpc_elem *out, const mpc_elem *a, const mpc_elem *b)
{
    g->ops->elem_sub(g, out, a, b);
}

void mpc_elem_neg(const mpc_group *g, mpc_elem *out, const mpc_elem *a)
{
    g->ops->elem_neg(g, out, a);
}

int mpc_elem_eq(const mpc_group *g, const mpc_elem *a, const mpc_elem *b)
{
    return g->ops->elem_eq(g, a, b);
}

int mpc_elem_is_identity(const mpc_group *g, const mpc_elem *a)
{
    return g->ops->elem_is_identity(g, a);
}

void mpc_elem_mul_base(const mpc_group *g, mpc_elem *out, const mpc_scalar *s)
{
    g->ops->elem_mul_base(g, out, s);
}

void mpc_elem_mul(const mpc_group *g, mpc_elem *out, const mpc_elem *p, const mpc_scalar *s)
{
    g->ops->elem_mul(g, out, p, s);
}

void mpc_elem_mul_vartime(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                          const mpc_scalar *s)
{
    g->ops->elem_mul_vartime(g, out, p, s);
}

int mpc_elem_msm_vartime(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                         const mpc_elem *p, size_t n)
{
    if (out == NULL || (n > 0 && (s == NULL || p == NULL)))
        return SH_ERR_ARG;
    if (n == 0) {
        mpc_elem_identity(g, out);
        return SH_OK;
    }
    return g->ops->elem_msm_vartime(g, out, s, p, n);
}

int mpc_elem_polys_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *const *C,
                              size_t m, uint32_t t, uint32_t x)
{
    if (out == NULL || (m > 0 && t > 0 && C == NULL))
        return SH_ERR_ARG;
    if (x == 0 || x > MPC_SMALL_X_MAX)
        return SH_ERR_RANGE;
    if (m == 0)
        return SH_OK;
    if (t > 0 && g->ops->elem_polys_eval_small != NULL)
        return g->ops->elem_polys_eval_small(g, out, C, m, t, x);
    for (size_t k = 0; k < m; k++) {
        int rc = mpc_elem_poly_eval_small(g, &out[k], t > 0 ? C[k] : NULL, t, &x, 1);
        if (rc != SH_OK)
            return rc;
    }
    return SH_OK;
}

int mpc_elem_poly_eval_small(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                             uint32_t t, const uint32_t *xs, size_t nx)
{
    if (out == NULL || (nx > 0 && xs == NULL) || (t > 0 && C == NULL))
        return SH_ERR_ARG;
    for (size_t i = 0; i < nx; i++)
        if (xs[i] == 0 || xs[i] > MPC_SMALL_X_MAX)
            return SH_ERR_RANGE;
    if (nx == 0)
        return SH_OK;
    if (t == 0) {
        for (size_t i = 0; i < nx; i++)
            mpc_elem_identity(g, &out[i]);
        return SH_OK;
    }
    return g->ops->elem_poly_eval_small(g, out, C, t, xs, nx);
}

int mpc_elem_sum(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p, size_t n)
{
    if (out == NULL || (n > 0 && p == NULL))
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (p[i] == NULL)
            return SH_ERR_ARG;
    if (n == 0) {
        mpc_elem_identity(g, out);
        return SH_OK;
    }
    return g->ops->elem_sum(g, out, p, n);
}

/* ---- arrays ----------------------------------------------------------- */

mpc_scalar *mpc_scalars_alloc(size_t n)
{
    mpc_scalar *s = zk_aligned_alloc(n, sizeof *s);
    if (s != NULL)
        memset(s, 0, n * sizeof *s);
    return s;
}

void mpc_scalars_free(mpc_scalar *s, size_t n)
{
    if (s == NULL)
        return;
    sodium_memzero(s, n * sizeof *s);
    free(s);
}

mpc_elem *mpc_elems_alloc(size_t n)
{
    mpc_elem *e = zk_aligned_alloc(n, sizeof *e);
    if (e != NULL)
        memset(e, 0, n * sizeof *e);
    return e;
}

void mpc_elems_free(mpc_elem *e, size_t n)
{
    if (e == NULL)
        return;
    sodium_memzero(e, n * sizeof *e);
    free(e);
}
