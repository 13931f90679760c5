/* tests/ctime/ctime_mpc_shamir.c -- constant-time check of mpc/shamir's
 * secret-handling functions in all three groups (see ctime_zk.c for the
 * method): polynomial evaluation, splitting, combining, Feldman
 * commitments, and the single and batched share checks, on poisoned
 * secrets, coefficients and shares.  Identifiers, commitments and verdicts
 * are public and declassified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/shamir.h"
#include "util/ct.h"
#include "util/rng.h"
#include "ctime.h"

#define T 3
#define N 5

static void run(mpc_group_id id, sh_rng *rng)
{
    mpc_group *g = mpc_group_new(id, rng);
    CHECK(g != NULL);
    mpc_scalar *coeffs = mpc_scalars_alloc(T), *sh = mpc_scalars_alloc(N);
    mpc_scalar *ids = mpc_scalars_alloc(N);
    mpc_elem *C = mpc_elems_alloc(T);
    CHECK(coeffs != NULL && sh != NULL && ids != NULL && C != NULL);
    mpc_scalar secret, x, y, got;

    /* a polynomial with a secret constant term: commit, evaluate */
    mpc_scalar_random(g, &secret, rng);
    sh_ct_poison(&secret, sizeof secret);
    CHECK(mpc_poly_random(g, coeffs, T, &secret, rng) == 0);
    sh_ct_poison(coeffs, T * sizeof *coeffs);
    mpc_feldman_commit(g, C, coeffs, T);
    sh_ct_declassify(C, T * sizeof *C);          /* commitments are published */
    for (uint32_t i = 0; i < N; i++) {
        mpc_scalar_from_u64(g, &ids[i], (uint64_t)i + 1);
        mpc_poly_eval(g, &sh[i], coeffs, T, &ids[i]);
    }

    /* split a secret (the dealer's coefficients come from the rng) */
    CHECK(mpc_shamir_split(g, sh, C, &secret, T, N, rng) == 0);
    sh_ct_declassify(C, T * sizeof *C);

    /* combine secret shares */
    sh_ct_poison(sh, N * sizeof *sh);
    CHECK(mpc_shamir_combine(g, &got, ids, sh, T) == 0);
    int eq = mpc_scalar_eq(g, &got, &secret);
    sh_ct_declassify(&eq, sizeof eq);
    CHECK(eq);

    /* check secret shares: the verdict is public, the share is not */
    for (uint32_t i = 0; i < N; i++) {
        int rc = mpc_feldman_verify(g, C, T, &ids[i], &sh[i]);
        sh_ct_declassify(&rc, sizeof rc);
        CHECK(rc == 0);
    }
    const mpc_elem *Cs[N];
    mpc_scalar x1[N];
    for (uint32_t k = 0; k < N; k++) {
        Cs[k] = C;
        x1[k] = sh[0];
    }
    size_t bad;
    int rc = mpc_feldman_verify_batch(g, Cs, T, N, &ids[0], x1, rng, &bad);
    sh_ct_declassify(&rc, sizeof rc);
    CHECK(rc == 0);

    /* interpolation at a point, from secret values */
    mpc_scalar_random(g, &x, rng);
    mpc_scalar lam[T];
    CHECK(mpc_lagrange_coeffs(g, lam, ids, T, &x) == 0);
    mpc_poly_eval(g, &y, coeffs, T, &x);
    (void)y;

    mpc_scalar_wipe(&secret);
    mpc_scalars_free(coeffs, T);
    mpc_scalars_free(sh, N);
    mpc_scalars_free(ids, N);
    mpc_elems_free(C, T);
    mpc_group_free(g);
}

int main(void)
{
    sh_rng *rng = ctime_rng(0x3c);
    run(MPC_RISTRETTO255, rng);
    run(MPC_ED25519, rng);
    run(MPC_SECP256K1, rng);
    sh_rng_free(rng);
    puts("ctime_mpc_shamir: ok");
    return 0;
}
