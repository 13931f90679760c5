/* tests/ctime/ctime_mpc_group.c -- constant-time check of mpc/group's
 * secret-handling functions in all three groups (see ctime_zk.c for the
 * method).
 *
 * Every scalar operation runs on poisoned (secret) operands, both random
 * ones and the edge values 0 and 1: the secp256k1 backend substitutes and
 * selects around zero operands, and exactly that must not branch.  The
 * results are declassified only to check them, after the timing-relevant
 * work is done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/group.h"
#include "util/ct.h"
#include "util/rng.h"
#include "ctime.h"

#define POISON(x) sh_ct_poison(&(x), sizeof(x))
#define DECLASSIFY(x) sh_ct_declassify(&(x), sizeof(x))

/* Runs the scalar operations on secret a and b (b may be zero). */
static void scalar_ops(const mpc_group *g, const mpc_scalar *a_in, const mpc_scalar *b_in)
{
    mpc_scalar a = *a_in, b = *b_in, r, s, inv;
    uint8_t enc[MPC_SCALAR_BYTES];
    POISON(a);
    POISON(b);

    mpc_scalar_add(g, &r, &a, &b);
    mpc_scalar_sub(g, &r, &r, &b);          /* r = a */
    mpc_scalar_mul(g, &s, &r, &b);
    mpc_scalar_neg(g, &s, &s);
    mpc_scalar_sub(g, &s, &s, &s);          /* a result of zero */
    mpc_scalar_add(g, &s, &s, &b);          /* 0 + b */
    mpc_scalar_mul(g, &s, &s, &a);
    mpc_scalar_neg(g, &r, &r);
    mpc_scalar_add(g, &r, &r, &a);          /* -a + a = 0 */
    mpc_scalar_cmov(&r, &r, &a, 1);
    int eq = mpc_scalar_eq(g, &r, &a);
    int z = mpc_scalar_is_zero(g, &b);
    int rc = mpc_scalar_invert(g, &inv, &b);   /* its result is public */
    DECLASSIFY(eq);
    DECLASSIFY(z);
    CHECK(eq == 1);
    CHECK(rc == (z ? SH_ERR_ZERO : SH_OK));

    mpc_scalar_encode(g, enc, &a);          /* encoding and decoding a secret */
    POISON(enc);
    rc = mpc_scalar_decode(g, &r, enc);
    CHECK(rc == SH_OK);

    uint8_t wide[64];
    memcpy(wide, enc, 32);
    memset(wide + 32, 0xff, 32);
    POISON(wide);
    for (size_t len = 0; len <= 64; len += 16)
        CHECK(mpc_scalar_reduce(g, &r, wide, len) == SH_OK);
    CHECK(mpc_scalar_reduce(g, &r, wide, 33) == SH_OK);

    DECLASSIFY(s);
    DECLASSIFY(a);
    DECLASSIFY(b);
    mpc_scalar ab;
    mpc_scalar_mul(g, &ab, &a, &b);
    CHECK(mpc_scalar_eq(g, &s, &ab));       /* (0 + b) * a */
    mpc_scalar_wipe(&r);
    mpc_scalar_wipe(&inv);
}

/* mul_base and mul with a secret scalar (random, zero or one) and a public
 * point; the products are declassified to be compared. */
static void elem_ops(const mpc_group *g, const mpc_scalar *s_in, const mpc_elem *p)
{
    mpc_scalar s = *s_in;
    mpc_elem q, r;
    POISON(s);
    mpc_elem_mul_base(g, &q, &s);
    mpc_elem_mul(g, &r, p, &s);
    DECLASSIFY(q);
    DECLASSIFY(r);
    DECLASSIFY(s);
    mpc_elem want;
    mpc_elem base;
    mpc_elem_base(g, &base);
    mpc_elem_mul_vartime(g, &want, &base, &s);
    CHECK(mpc_elem_eq(g, &q, &want));
    mpc_elem_mul_vartime(g, &want, p, &s);
    CHECK(mpc_elem_eq(g, &r, &want));
    mpc_scalar_wipe(&s);
}

static void group(mpc_group_id id, sh_rng *rng)
{
    mpc_group *g = mpc_group_new(id, rng);
    CHECK(g != NULL);
    mpc_scalar a, b, zero, one, t;
    mpc_scalar_random(g, &a, rng);
    mpc_scalar_random(g, &b, rng);
    mpc_scalar_zero(g, &zero);
    mpc_scalar_one(g, &one);

    scalar_ops(g, &a, &b);
    scalar_ops(g, &a, &zero);
    scalar_ops(g, &zero, &b);
    scalar_ops(g, &zero, &zero);
    scalar_ops(g, &one, &a);
    mpc_scalar_neg(g, &t, &a);
    scalar_ops(g, &t, &a);                  /* a sum of zero */
    mpc_scalar_neg(g, &t, &one);
    scalar_ops(g, &t, &t);                  /* q - 1 */

    /* a secret drawn from a secret stream: only the accept bit of the
     * rejection sampling may be public */
    uint8_t seed[SH_RNG_SEEDBYTES];
    sh_rng_bytes(rng, seed, sizeof seed);
    POISON(seed);
    sh_rng *secret_rng = sh_rng_chacha_new(seed);
    CHECK(secret_rng != NULL);
    for (int i = 0; i < 4; i++)
        mpc_scalar_random(g, &t, secret_rng);
    sh_rng_free(secret_rng);

    mpc_elem p, base;
    mpc_scalar k;
    mpc_scalar_random(g, &k, rng);
    mpc_elem_base(g, &base);
    mpc_elem_mul_vartime(g, &p, &base, &k);   /* a public point */
    elem_ops(g, &a, &p);
    elem_ops(g, &zero, &p);
    elem_ops(g, &one, &p);
    mpc_group_free(g);
}

int main(void)
{
    CHECK(sodium_init() >= 0);
    uint8_t seed[SH_RNG_SEEDBYTES] = { 3 };
    sh_rng *rng = sh_rng_chacha_new(seed);
    CHECK(rng != NULL);
    group(MPC_RISTRETTO255, rng);
    group(MPC_ED25519, rng);
    group(MPC_SECP256K1, rng);
    sh_rng_free(rng);
    puts("ctime_mpc_group: done");
    return 0;
}
