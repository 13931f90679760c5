/* mpc/group_ed25519_hint.c -- MPC_ED25519's decompression hints and the
 * points a party publishes (mpc/group_ed25519_impl.h): the hinted
 * decodings, alone and in blocks, the hints of public elements, and
 * mpc_elems_mul_base_publish.  The rest of the group is
 * mpc/group_ed25519.c. */
#include "mpc/group.h"
#include "mpc/group_impl.h"
#include "mpc/group_ed25519_impl.h"
#include "util/ct.h"
#include "zk/dblenc.h"
#include "zk/group.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* Decompression hints.  Decoding checks that a point lies in the
 * prime-order subgroup, which libsodium does by multiplying it by L (about
 * 47 us); the rest of a decoding is one inverse square root (5 us).  The
 * hint of P is the affine coordinates of H = P / 8 (8^-1 mod L times P),
 * x then y, 32 bytes each, canonical, little endian (ED_HINT_BYTES).
 * zk_point_from_ed25519_xy checks that H is on the curve (no square root:
 * both coordinates are given) and maps it into libdecaf as its EdDSA
 * decoder would; libdecaf's EdDSA decoding and encoding multiply by 2 and
 * by 4 and lose nothing else, so the round trip maps any point on the
 * curve to 8 times itself (tests/test_mpc_group_ed25519.c checks it,
 * torsion included), and 8 times any point is in the subgroup.  So if the
 * encoding of 8 H is exactly the bytes of P, P is the canonical encoding
 * of a subgroup point other than the identity (whose two encodings are
 * answered first): what mpc_ed_elem_decode accepts, for a curve check, three
 * doublings' worth of field operations and an inversion, which a block
 * shares (zk_points_to_ed25519).  A hint that is not a curve point or
 * gives other bytes sends P through mpc_ed_elem_decode itself, so the result
 * never depends on the hint. */

/* From hint (H's coordinates): q[i], whose EdDSA encoding is 8 H, and
 * ok[i]; in[i] the encoding it must give.  The identity's encodings and
 * hints that are not curve points are not ok. */
static void e_hint_points(zk_point *q, unsigned char *ok, const uint8_t *in,
                          const uint8_t *hints, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = in + ED_BYTES * i;
        ok[i] = !sodium_is_zero(p, ED_BYTES) && sodium_memcmp(p, mpc_ed_identity, ED_BYTES) != 0 &&
                zk_point_from_ed25519_xy(&q[i], hints + ED_HINT_BYTES * i) == SH_OK;
        if (!ok[i])
            zk_point_identity(&q[i]);
    }
}

/* The block's hinted decodings, every 8 H_i encoded with one inversion
 * (zk_points_to_ed25519); an element whose hint fails goes through
 * mpc_ed_elem_decode. */
int mpc_ed_elems_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                                 const uint8_t *hints, size_t n)
{
    /* one element (mpc_elem_decode_hinted) on the stack: a decoding that
     * cannot run out of memory, as the plain one */
    zk_point q1;
    uint8_t enc1[ED_BYTES];
    unsigned char ok1;
    zk_point *q = n == 1 ? &q1 : zk_points_alloc(n);
    uint8_t *enc = n == 1 ? enc1 : malloc(ED_BYTES * n);
    unsigned char *ok = n == 1 ? &ok1 : malloc(n);
    int rc = q == NULL || enc == NULL || ok == NULL ? SH_ERR_NOMEM : SH_OK;
    if (rc == SH_OK) {
        e_hint_points(q, ok, in, hints, n);
        zk_points_to_ed25519(enc, q, n);
    }
    for (size_t i = 0; i < n && rc == SH_OK; i++) {
        const uint8_t *p = in + ED_BYTES * i;
        if (ok[i] && memcmp(enc + ED_BYTES * i, p, ED_BYTES) == 0) {
            memcpy(out[i].u.ed, p, ED_BYTES);
            out[i].u.ed_q = q[i];           /* its EdDSA encoding is 8 H */
            out[i].inf = 0;
            out[i].ed_cached = 1;
        } else {
            rc = mpc_ed_elem_decode(g, &out[i], p);
        }
    }
    if (n != 1) {
        zk_points_free(q, n);
        free(enc);
        free(ok);
    }
    return rc;
}

int mpc_ed_elem_decode_hinted(const mpc_group *g, mpc_elem *out, const uint8_t *in,
                                const uint8_t *hint)
{
    return mpc_ed_elems_decode_hinted(g, out, in, hint, 1);
}

/* hints + 64 i = the coordinates of e[i] / 8: mpc_ed_twice gives 2P, so
 * H = 64^-1 (2P) encodes (times 4) as P / 8.  The identity gets 64 zero
 * bytes (its encodings never consult the hint).  A variable-time product
 * each, paid once by the sender for every receiver. */
int mpc_ed_elems_hints(const mpc_group *g, uint8_t *hints, const mpc_elem *e,
                         const uint8_t *enc, size_t n)
{
    (void)enc;
    zk_scalar inv8, inv64, zero;
    zk_point *r = zk_points_alloc(n ? n : 1);
    unsigned char *none = malloc(n ? n : 1);
    if (r == NULL || none == NULL) {
        zk_points_free(r, n ? n : 1);
        free(none);
        return SH_ERR_NOMEM;
    }
    if (zk_scalar_decode(&inv8, mpc_ed_inv8) != SH_OK)   /* canonical: never fails */
        abort();
    zk_scalar_mul(&inv64, &inv8, &inv8);
    zk_scalar_zero(&zero);
    for (size_t i = 0; i < n; i++) {
        none[i] = mpc_ed_elem_is_identity(g, &e[i]) || mpc_ed_twice(&e[i], &r[i]) != SH_OK;
        if (none[i])
            zk_point_identity(&r[i]);
        else
            zk_point_double_mul_base_vartime(&r[i], &zero, &r[i], &inv64);
    }
    zk_points_to_ed25519_xy(NULL, hints, r, n);
    for (size_t i = 0; i < n; i++)
        if (none[i])
            memset(hints + ED_HINT_BYTES * i, 0, ED_HINT_BYTES);
    zk_points_free(r, n ? n : 1);
    free(none);
    return SH_OK;
}

/* mpc_elems_mul_base_publish: libdecaf's constant-time fixed-base product
 * q = (s / 32) B' (B' its base point, whose EdDSA encoding is 4 B) is H =
 * P / 8 as zk_point_to_ed25519 encodes it, so H's coordinates (the hint)
 * and, from 8 q, P's encoding and libdecaf cache come out of two blocks
 * of encodings, one inversion each: no square root, no conversion.  A
 * zero scalar gives the identity (zero bytes) and a zero hint, as the
 * plain path does. */
int mpc_ed_elems_mul_base_publish(const mpc_group *g, mpc_elem *out, uint8_t *enc,
                                    uint8_t *hints, const mpc_scalar *s, size_t n)
{
    zk_scalar inv8, inv32, k, sk;
    zk_point *q = zk_points_alloc(n), *p8 = zk_points_alloc(n);
    int rc = q == NULL || p8 == NULL ? SH_ERR_NOMEM : SH_OK;
    if (zk_scalar_decode(&inv8, mpc_ed_inv8) != SH_OK)   /* canonical: never fails */
        abort();
    zk_scalar_mul(&inv32, &inv8, &inv8);
    zk_scalar_add(&inv32, &inv32, &inv32);           /* 2 / 64 */
    for (size_t i = 0; i < n && rc == SH_OK; i++) {
        if (zk_scalar_decode(&sk, s[i].b) != SH_OK) {
            rc = SH_ERR_INTERNAL;                    /* mpc scalars are canonical */
            break;
        }
        zk_scalar_mul(&k, &sk, &inv32);
        zk_point_mul_base(&q[i], &k);
        /* H, and so P and whether it is the identity: about to be published */
        sh_ct_declassify(&q[i], sizeof q[i]);
        zk_point_dbl(&p8[i], &q[i]);
        zk_point_dbl(&p8[i], &p8[i]);
        zk_point_dbl(&p8[i], &p8[i]);
    }
    zk_scalar_wipe(&k);
    zk_scalar_wipe(&sk);
    if (rc == SH_OK && hints != NULL)
        zk_points_to_ed25519_xy(NULL, hints, q, n);
    if (rc == SH_OK)
        rc = mpc_ed_from_zk_block(out, p8, n);            /* 8 q encodes as P */
    for (size_t i = 0; i < n && rc == SH_OK; i++) {
        if (!mpc_ed_elem_is_identity(g, &out[i])) {
            memcpy(enc + ED_BYTES * i, out[i].u.ed, ED_BYTES);
            continue;
        }
        memset(enc + ED_BYTES * i, 0, ED_BYTES);
        if (hints != NULL)
            memset(hints + ED_HINT_BYTES * i, 0, ED_HINT_BYTES);
    }
    zk_points_free(q, n);
    zk_points_free(p8, n);
    return rc;
}

