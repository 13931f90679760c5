/* mpc/group_ed25519_impl.h -- what the two files of MPC_ED25519 share
 * (internal to mpc/): mpc/group_ed25519.c, the group (scalars, elements,
 * the libdecaf cache, bulk products), and mpc/group_ed25519_hint.c, its
 * decompression hints and published points.  Elements are RFC 8032
 * encodings with, for public ones, the libdecaf point whose EdDSA encoding
 * they are (mpc_elem.ed_cached; see mpc/group_ed25519.c). */
#ifndef SHROUD_MPC_GROUP_ED25519_IMPL_H
#define SHROUD_MPC_GROUP_ED25519_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include "mpc/group.h"
#include "zk/group.h"

#define ED_BYTES 32
#define ED_HINT_BYTES 64    /* x || y of P / 8 (mpc/group_ed25519_hint.c) */

extern const uint8_t mpc_ed_identity[ED_BYTES];   /* (0, 1) encoded */
extern const uint8_t mpc_ed_inv8[ED_BYTES];       /* 8^-1 mod L, little endian */

/* out = the element encoded by enc, without a cache. */
void mpc_ed_set(mpc_elem *out, const uint8_t enc[ED_BYTES]);
/* out = 2P as zk_point_from_ed25519 gives it (8X from the cache). */
int mpc_ed_twice(const mpc_elem *p, zk_point *out) SH_WUR;
/* The plain decoding (libsodium's subgroup check); the identity's two
 * encodings are refused with SH_ERR_IDENTITY. */
int mpc_ed_elem_decode(const mpc_group *g, mpc_elem *out, const uint8_t *in) SH_WUR;
int mpc_ed_elem_is_identity(const mpc_group *g, const mpc_elem *a);
/* out[i] = the element zk_point_to_ed25519 encodes for r[i], cached, the
 * n encodings sharing one inversion.  0, or SH_ERR_NOMEM. */
int mpc_ed_from_zk_block(mpc_elem *out, const zk_point *r, size_t n) SH_WUR;

/* mpc/group_ed25519_hint.c: the ops of mpc/group_impl.h. */
int mpc_ed_elems_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                               const uint8_t *hints, size_t n);
int mpc_ed_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                              const uint8_t *hint);
int mpc_ed_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e,
                       const uint8_t *enc, size_t n);
int mpc_ed_elems_mul_base_publish(const mpc_group *g, mpc_elem *out, uint8_t *enc,
                                  uint8_t *hints, const mpc_scalar *s, size_t n);

#endif /* SHROUD_MPC_GROUP_ED25519_IMPL_H */
