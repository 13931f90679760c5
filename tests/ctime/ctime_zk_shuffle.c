/* tests/ctime/ctime_zk_shuffle.c -- constant-time check of the shuffle
 * prover's arithmetic on secrets (see ctime_zk.c for the method): the
 * fixed-base products and the multi-scalar multiplication with secret
 * scalars (zk/shuffle_impl.h), on poisoned scalars, including the edge
 * values 0, 1 and L-1.  (The permutation itself also indexes memory when the
 * batch is permuted: docs/shuffle-proof.md, "Side channels", states that
 * limit; it is not checked here.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "util/ct.h"
#include "util/rng.h"
#include "zk/group.h"
#include "zk/msm.h"
#include "zk/shuffle_impl.h"
#include "ctime.h"

#define N 9

int main(void)
{
    sh_rng *rng = ctime_rng(0x51);
    zk_point *pts = zk_points_alloc(N), *fbo = zk_points_alloc(N), out, ref;
    zk_scalar *s = zk_aligned_alloc(N, sizeof *s);
    int8_t (*d)[64] = malloc(N * sizeof *d);
    CHECK(pts != NULL && fbo != NULL && s != NULL && d != NULL);
    for (int i = 0; i < N; i++) {
        zk_scalar r;
        zk_scalar_random(&r, rng);
        zk_point_mul_base(&pts[i], &r);
        zk_scalar_random(&s[i], rng);
    }
    zk_scalar_zero(&s[0]);
    zk_scalar_one(&s[1]);
    zk_scalar_neg(&s[2], &s[1]);                   /* L - 1 */

    zksh_fb *fb = zksh_fb_new(&pts[3]);
    CHECK(fb != NULL);
    sh_ct_poison(s, N * sizeof *s);
    for (int i = 0; i < N; i++) {
        zksh_fb_mul(&fbo[i], fb, &s[i]);
        zksh_recode(d[i], &s[i]);
    }
    CHECK(zksh_ct_msm(&out, (const int8_t *)d, pts, 1, N, NULL) == 0);

    /* The results are right (declassified: the check is the test's own). */
    sh_ct_declassify(s, N * sizeof *s);
    sh_ct_declassify(&out, sizeof out);
    sh_ct_declassify(fbo, N * sizeof *fbo);
    zk_msm_naive(&ref, s, pts, N);
    CHECK(zk_point_eq(&ref, &out));
    for (int i = 0; i < N; i++) {
        zk_point_mul(&ref, &pts[3], &s[i]);
        CHECK(zk_point_eq(&ref, &fbo[i]));
    }
    zksh_fb_free(fb);
    free(d);
    free(s);
    zk_points_free(pts, N);
    zk_points_free(fbo, N);
    sh_rng_free(rng);
    puts("ctime_zk_shuffle: ok");
    return 0;
}
