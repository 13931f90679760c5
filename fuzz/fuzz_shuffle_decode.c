/* fuzz/fuzz_shuffle_decode.c -- the batch decoder and the proof decoder of
 * the shuffle verifier (zk/shuffle.h) on arbitrary input.
 *
 * The whole input is tried as a batch wire encoding; then, against a fixed small valid statement (N = 2, w = 1), the input is
 * tried as a proof.  Properties: never crashes; only documented error
 * codes; a batch that decodes re-encodes to exactly the input; a random
 * proof never verifies. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/shuffle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int batch_err_ok(int rc)
{
    return rc == SH_ERR_TRUNCATED || rc == SH_ERR_TRAILING || rc == SH_ERR_RANGE
           || rc == SH_ERR_OVERSIZE || rc == SH_ERR_POINT || rc == SH_ERR_NONCANONICAL
           || rc == SH_ERR_NOMEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    static zk_shuffle_batch in, out;
    static zk_shuffle_gens g;
    static zk_elem pk;
    static const zk_shuffle_ctx ctx = { 1, 2, 3 };
    if (!init) {
        if (sodium_init() < 0)
            abort();
        zk_point p;
        zk_point_base(&p);
        zk_point_dbl(&p, &p);
        zk_elem_set(&pk, &p);
        if (zk_shuffle_batch_alloc(&in, 2, 1) != 0 || zk_shuffle_batch_alloc(&out, 2, 1) != 0)
            abort();
        zk_elgamal_ct ct[2];
        for (int i = 0; i < 2; i++) {
            zk_point_base(&ct[i].c1);
            zk_point_add(&ct[i].c2, &ct[i].c1, &p);
        }
        zk_shuffle_batch_set(&in, ct, NULL);
        zk_shuffle_batch_set(&out, ct, NULL);
        uint8_t seed[32] = { 0 };
        if (zk_shuffle_gens_init(&g, seed, 2, NULL) != 0)
            abort();
        init = 1;
    }

    zk_shuffle_batch b;
    size_t bad = 0;
    int rc = zk_shuffle_batch_decode(&b, data, size, &bad, NULL);
    if (rc == 0) {
        uint8_t *re = malloc(size);
        if (re == NULL || zk_shuffle_batch_encode(re, size, &b) != 0
            || memcmp(re, data, size) != 0)
            abort();
        free(re);
        zk_shuffle_batch_free(&b);
    } else if (!batch_err_ok(rc) || b.ct != NULL) {
        abort();
    }

    zk_shuffle_report rep;
    rc = zk_shuffle_verify(data, size, &g, &pk, &ctx, &in, &out, NULL, &rep);
    if (rc == 0)
        abort();   /* forging a proof by fuzzing would be news */
    if (rc != SH_ERR_TRUNCATED && rc != SH_ERR_TRAILING && rc != SH_ERR_POINT
        && rc != SH_ERR_NONCANONICAL && rc != SH_ERR_VERIFY && rc != SH_ERR_NOMEM)
        abort();
    return 0;
}
