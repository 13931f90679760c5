/* bench/bench_mpc_tdec.c -- threshold decryption, 3-of-5, on ristretto255.
 *
 * tdec_partial: one party's partial decryptions with their proof;
 * tdec_combine: checking t parties' partials and combining them into the
 * plaintext points (mpc_tdec_decrypt: what a decryptor does on receipt).
 * Both per ciphertext of width 1, for a batch of one ciphertext and for a
 * batch of 1000 (the committee decrypts a round's batch at once). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpc/tdec.h"

#define T 3
#define N 5

typedef struct tdec_args {
    mpc_tdec_pub pk;
    mpc_tdec_secret sk[T];
    mpc_tdec_batch b;
    mpc_tdec_partials *p[T];
    zk_point *M;
    sh_rng *rng;
} tdec_args;

static void do_partial(void *arg)
{
    tdec_args *a = arg;
    if (mpc_tdec_partial(a->p[0], &a->b, &a->sk[0], a->rng) != 0)
        abort();
}

static void do_combine(void *arg)
{
    tdec_args *a = arg;
    int status[T];
    if (mpc_tdec_decrypt(a->M, &a->pk, &a->b, (const mpc_tdec_partials *const *)a->p, T,
                         a->rng, status) != 0)
        abort();
}

static void args_free(tdec_args *a)
{
    for (int i = 0; i < T; i++) {
        mpc_tdec_secret_wipe(&a->sk[i]);
        mpc_tdec_partials_free(a->p[i]);
    }
    mpc_tdec_batch_clear(&a->b);
    mpc_tdec_pub_clear(&a->pk);
    zk_points_free(a->M, 0);
    free(a);
}

/* A 3-of-5 sharing and a batch of `count` width-1 encryptions of random
 * points under its key, with every party's partials. */
static tdec_args *args_new(const mpc_group *g, size_t count, sh_rng *rng)
{
    tdec_args *a = zk_aligned_alloc(1, sizeof *a);
    mpc_scalar *shares = mpc_scalars_alloc(N);
    mpc_elem *C = mpc_elems_alloc(T);
    zk_elgamal_ct *ct = zk_aligned_alloc(count, sizeof *ct);
    zk_point *m = zk_points_alloc(count);
    mpc_scalar secret;
    int ok = a != NULL && shares != NULL && C != NULL && ct != NULL && m != NULL;
    if (a != NULL) {
        memset(a, 0, sizeof *a);
        a->rng = rng;
    }
    if (ok) {
        mpc_scalar_random(g, &secret, rng);
        ok = mpc_shamir_split(g, shares, C, &secret, T, N, rng) == 0
             && mpc_tdec_pub_init_feldman(&a->pk, C, T, N) == 0;
        mpc_scalar_wipe(&secret);
    }
    for (int i = 0; ok && i < T; i++)
        ok = mpc_tdec_secret_init(&a->sk[i], (uint32_t)i + 1, &shares[i].r) == 0;
    for (size_t k = 0; ok && k < count; k++) {
        zk_scalar r;
        zk_scalar_random(&r, rng);
        zk_point_mul_base(&m[k], &r);
    }
    ok = ok && zk_elgamal_encrypt(ct, NULL, &a->pk.Y.p, m, count, rng) == 0
         && mpc_tdec_batch_init(&a->b, &a->pk, (const uint8_t *)"bench", 5, ct, count, 1) == 0
         && (a->M = zk_points_alloc(count)) != NULL;
    for (int i = 0; ok && i < T; i++)
        ok = (a->p[i] = mpc_tdec_partials_new(count, 1)) != NULL
             && mpc_tdec_partial(a->p[i], &a->b, &a->sk[i], rng) == 0;
    mpc_scalars_free(shares, N);
    mpc_elems_free(C, T);
    free(ct);
    zk_points_free(m, count);
    if (!ok && a != NULL) {
        args_free(a);
        a = NULL;
    }
    return a;
}

void bench_mpc_tdec(bench_ctx *ctx, struct sh_rng *rng)
{
    static const size_t counts[] = { 1, 1000 };
    mpc_group *g = mpc_group_new(MPC_RISTRETTO255, rng);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        tdec_args *a = g != NULL ? args_new(g, counts[i], rng) : NULL;
        if (a == NULL) {
            bench_report(ctx, "tdec_partial", N, 0, "ciphertext", "\"error\":\"setup failed\"");
            continue;
        }
        char extra[128];
        snprintf(extra, sizeof extra, "\"suite\":\"ristretto255\",\"t\":%d,\"batch\":%zu,\"width\":1",
                 T, counts[i]);
        double c = (double)counts[i];
        bench_report(ctx, "tdec_partial", N, bench_time(ctx, do_partial, a) / c, "ciphertext",
                     extra);
        bench_report(ctx, "tdec_combine", N, bench_time(ctx, do_combine, a) / c, "ciphertext",
                     extra);
        args_free(a);
    }
    mpc_group_free(g);
}
