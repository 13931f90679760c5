/* mpc/group_impl.h -- internal: the per-group backends behind mpc/group.h.
 *
 * Every public mpc_scalar_* / mpc_elem_* function that depends on the group
 * dispatches through the mpc_group_ops table of its group.  Each backend
 * (group_ristretto255.c, group_ed25519.c, group_secp256k1.c) fills one
 * constant table; the operations that are the same for every group
 * (argument checks, cmov, batch inversion, arrays) live in group.c.
 *
 * The backends may assume what group.c guarantees before calling them:
 * reduce gets len <= 64, msm_vartime gets non-NULL arrays when n > 0.
 * Outputs may alias inputs in every operation.
 *
 * Not part of the public interface: include mpc/group.h instead.
 */
#ifndef SHROUD_MPC_GROUP_IMPL_H
#define SHROUD_MPC_GROUP_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <secp256k1.h>
#include "mpc/group.h"
#include "zk/group.h"

typedef struct mpc_group_ops {
    mpc_group_id id;
    const char *name;
    size_t elem_bytes;

    /* scalars */
    void (*scalar_zero)(const mpc_group *g, mpc_scalar *out);
    void (*scalar_one)(const mpc_group *g, mpc_scalar *out);
    void (*scalar_from_u64)(const mpc_group *g, mpc_scalar *out, uint64_t v);
    int (*scalar_decode)(const mpc_group *g, mpc_scalar *out, const uint8_t *in);
    void (*scalar_encode)(const mpc_group *g, uint8_t *out, const mpc_scalar *s);
    void (*scalar_reduce)(const mpc_group *g, mpc_scalar *out, const uint8_t *in,
                          size_t len);
    void (*scalar_random)(const mpc_group *g, mpc_scalar *out, sh_rng *rng);
    void (*scalar_add)(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                       const mpc_scalar *b);
    void (*scalar_sub)(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                       const mpc_scalar *b);
    void (*scalar_mul)(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a,
                       const mpc_scalar *b);
    void (*scalar_neg)(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a);
    /* Constant time; out = 0 and SH_ERR_ZERO for a = 0. */
    int (*scalar_invert)(const mpc_group *g, mpc_scalar *out, const mpc_scalar *a);
    int (*scalar_eq)(const mpc_group *g, const mpc_scalar *a, const mpc_scalar *b);
    int (*scalar_is_zero)(const mpc_group *g, const mpc_scalar *a);

    /* elements */
    void (*elem_identity)(const mpc_group *g, mpc_elem *out);
    void (*elem_base)(const mpc_group *g, mpc_elem *out);
    int (*elem_decode)(const mpc_group *g, mpc_elem *out, const uint8_t *in);
    int (*elem_encode)(const mpc_group *g, uint8_t *out, const mpc_elem *e);
    void (*elem_add)(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                     const mpc_elem *b);
    void (*elem_sub)(const mpc_group *g, mpc_elem *out, const mpc_elem *a,
                     const mpc_elem *b);
    void (*elem_neg)(const mpc_group *g, mpc_elem *out, const mpc_elem *a);
    int (*elem_eq)(const mpc_group *g, const mpc_elem *a, const mpc_elem *b);
    int (*elem_is_identity)(const mpc_group *g, const mpc_elem *a);
    void (*elem_mul_base)(const mpc_group *g, mpc_elem *out, const mpc_scalar *s);
    void (*elem_mul)(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                     const mpc_scalar *s);
    void (*elem_mul_vartime)(const mpc_group *g, mpc_elem *out, const mpc_elem *p,
                             const mpc_scalar *s);
    int (*elem_msm_vartime)(const mpc_group *g, mpc_elem *out, const mpc_scalar *s,
                            const mpc_elem *p, size_t n);
    /* group.c has checked t >= 1, nx >= 1, every xs[i] in 1..MPC_SMALL_X_MAX;
     * out does not overlap C. */
    int (*elem_poly_eval_small)(const mpc_group *g, mpc_elem *out, const mpc_elem *C,
                                uint32_t t, const uint32_t *xs, size_t nx);
    /* group.c has checked n >= 1. */
    int (*elem_sum)(const mpc_group *g, mpc_elem *out, const mpc_elem *const *p, size_t n);
    /* mpc_elem_polys_eval_small, if the group does better than one
     * elem_poly_eval_small per polynomial (NULL otherwise); group.c has
     * checked m >= 1, t >= 1 and x. */
    int (*elem_polys_eval_small)(const mpc_group *g, mpc_elem *out, const mpc_elem *const *C,
                                 size_t m, uint32_t t, uint32_t x);

    /* decompression hints (ristretto255: zk/hint.h; secp256k1: the y
     * coordinate; Ed25519: the coordinates of P / 8), in groups that have
     * them: hint_bytes 0 and both NULL in the others.  elem_decode_hinted
     * returns what elem_decode returns, whatever the hint. */
    size_t hint_bytes;
    int (*elems_hints)(const mpc_group *g, uint8_t *hints, const mpc_elem *e,
                       const uint8_t *enc, size_t n);
    int (*elem_decode_hinted)(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                              const uint8_t *hint);
    /* mpc_elems_decode_hinted, if the group does better than one
     * elem_decode_hinted each (NULL otherwise); group.c has checked n >= 1
     * and hints != NULL. */
    int (*elems_decode_hinted)(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                               const uint8_t *hints, size_t n);
    /* mpc_elems_mul_base_publish, if the group does better than one
     * elem_mul_base, elem_encode and elems_hints each (NULL otherwise);
     * group.c has checked n >= 1. */
    int (*elems_mul_base_publish)(const mpc_group *g, mpc_elem *out, uint8_t *enc,
                                  uint8_t *hints, const mpc_scalar *s, size_t n);
} mpc_group_ops;

struct mpc_group {
    const mpc_group_ops *ops;
    secp256k1_context *secp;       /* MPC_SECP256K1 only */
    secp256k1_pubkey secp_g;       /* MPC_SECP256K1: the generator, parsed once */
    struct mpc_secp_gtab *secp_gtab;   /* MPC_SECP256K1: G's table (mpc/secp_msm.h) */
};

extern const mpc_group_ops mpc_ristretto255_ops;
extern const mpc_group_ops mpc_ed25519_ops;
extern const mpc_group_ops mpc_secp256k1_ops;

/* ---- constant-time byte helpers shared by the byte-encoded backends ---- */

/* 0xff if flag (0 or 1) is 1, 0x00 if it is 0; no branch. */
static inline uint8_t mpc_ct_mask(unsigned flag)
{
    return (uint8_t)(0u - (flag & 1u));
}

/* out[0..n) = flag ? b : a, constant time (flag 0 or 1); out may alias. */
static inline void mpc_ct_select(uint8_t *out, const uint8_t *a, const uint8_t *b,
                                 size_t n, unsigned flag)
{
    uint8_t m = mpc_ct_mask(flag);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(a[i] ^ (m & (a[i] ^ b[i])));
}

#endif
