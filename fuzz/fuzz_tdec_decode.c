/* fuzz/fuzz_tdec_decode.c -- the threshold-decryption and beacon message
 * decoders (mpc/tdec.h, mpc/beacon.h) and their verifiers, on arbitrary
 * bytes.  Every input goes to all three decoders: partial decryptions
 * (limits 2 ciphertexts of width 2), beacon shares, beacon proofs (at
 * most 3 entries).
 *
 * Properties (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer; only documented error codes;
 *   - whatever decodes re-encodes to exactly the input bytes;
 *   - decoded partials verify only if they are right: when mpc_tdec_verify
 *     accepts them, combining them with another party's honest partials
 *     gives the true plaintext points;
 *   - a beacon share is accepted only if B = x_i*P;
 *   - a beacon proof is accepted only with V = x*P (uniqueness: no
 *     message, however forged, yields another value).
 * The committee is fixed (t = 2, n = 3, dealt from a fixed seed), and so
 * are the four batches (one per shape) and the beacon input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "mpc/beacon.h"
#include "mpc/tdec.h"
#include "util/mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_N 2
#define MAX_W 2
#define N_PARTIES 3

static int ready;
static sh_rng *rng;
static zk_scalar secret;
static mpc_tdec_pub pk;
static mpc_tdec_secret sk[N_PARTIES];
static mpc_tdec_batch batch[MAX_N][MAX_W];               /* [n-1][w-1] */
static mpc_tdec_partials *honest[MAX_N][MAX_W][N_PARTIES];
static zk_point plain[MAX_N][MAX_W][MAX_N * MAX_W];       /* the true M */
static mpc_beacon_ctx bctx;

static void setup(void)
{
    static const uint8_t seed[SH_RNG_SEEDBYTES] = { 0x7d };
    if (sodium_init() < 0 || (rng = sh_rng_chacha_new(seed)) == NULL)
        abort();
    mpc_group *g = mpc_group_new(MPC_RISTRETTO255, NULL);
    mpc_scalar *sh = mpc_scalars_alloc(N_PARTIES), *s = mpc_scalars_alloc(1);
    mpc_elem *C = mpc_elems_alloc(2);
    if (g == NULL || sh == NULL || s == NULL || C == NULL)
        abort();
    mpc_scalar_random(g, s, rng);
    secret = s->r;
    if (mpc_shamir_split(g, sh, C, s, 2, N_PARTIES, rng) != 0
        || mpc_tdec_pub_init_feldman(&pk, C, 2, N_PARTIES) != 0)
        abort();
    for (uint32_t i = 0; i < N_PARTIES; i++)
        if (mpc_tdec_secret_init(&sk[i], i + 1, &sh[i].r) != 0)
            abort();
    for (size_t n = 1; n <= MAX_N; n++)
        for (size_t w = 1; w <= MAX_W; w++) {
            zk_elgamal_ct ct[MAX_N * MAX_W];
            zk_point m[MAX_N * MAX_W];
            for (size_t i = 0; i < n * w; i++) {
                uint8_t h[ZK_HASH_BYTES];
                sh_rng_bytes(rng, h, sizeof h);
                zk_point_from_hash(&m[i], h);
            }
            if (zk_elgamal_encrypt(ct, NULL, &pk.Y.p, m, n * w, rng) != 0
                || mpc_tdec_batch_init(&batch[n - 1][w - 1], &pk, (const uint8_t *)"fuzz", 4,
                                       ct, n, w) != 0)
                abort();
            memcpy(plain[n - 1][w - 1], m, sizeof(zk_point) * n * w);
            for (uint32_t i = 0; i < N_PARTIES; i++) {
                mpc_tdec_partials *d = mpc_tdec_partials_new(n, w);
                if (d == NULL || mpc_tdec_partial(d, &batch[n - 1][w - 1], &sk[i], rng) != 0)
                    abort();
                honest[n - 1][w - 1][i] = d;
            }
        }
    if (mpc_beacon_ctx_init(&bctx, &pk.Y, (const uint8_t *)"epoch", 5) != 0)
        abort();
    mpc_scalars_free(sh, N_PARTIES);
    mpc_scalars_free(s, 1);
    mpc_elems_free(C, 2);
    mpc_group_free(g);
    ready = 1;
}

/* The malformed-input errors a decoder may return. */
static void check_code(int rc)
{
    switch (rc) {
    case SH_ERR_TRUNCATED: case SH_ERR_TRAILING: case SH_ERR_TYPE: case SH_ERR_OVERSIZE:
    case SH_ERR_NONCANONICAL: case SH_ERR_POINT: case SH_ERR_IDENTITY: case SH_ERR_RANGE:
    case SH_ERR_FORMAT: case SH_ERR_VERSION: case SH_ERR_LENGTH:
        return;
    default:
        abort();
    }
}

static void same_bytes(const sh_buf *b, const uint8_t *data, size_t size)
{
    if (b->len != size || memcmp(b->data, data, size) != 0)
        abort();
}

static void fuzz_partials(const uint8_t *data, size_t size)
{
    mpc_tdec_partials *d = NULL;
    int rc = mpc_tdec_partials_decode(&d, data, size, MAX_N, MAX_W);
    if (rc != 0) {
        check_code(rc);
        if (d != NULL)
            abort();
        return;
    }
    sh_buf b;
    sh_buf_init(&b);
    if (mpc_tdec_partials_encode(&b, d) != 0)
        abort();
    same_bytes(&b, data, size);
    sh_buf_free(&b);

    const mpc_tdec_batch *bt = &batch[d->n - 1][d->w - 1];
    const mpc_tdec_partials *one[1] = { d };
    int st = 1;
    rc = mpc_tdec_verify(&pk, bt, one, 1, rng, &st);
    if ((rc == 0) != (st == 0) || (rc != 0 && rc != SH_ERR_VERIFY))
        abort();
    if (st != 0 && st != SH_ERR_VERIFY && st != SH_ERR_RANGE)
        abort();
    if (rc == 0) {
        /* accepted: it must decrypt right together with another party */
        uint32_t other = d->id == 1 ? 2 : 1;
        const mpc_tdec_partials *two[2] = { d, honest[d->n - 1][d->w - 1][other - 1] };
        zk_point M[MAX_N * MAX_W];
        if (mpc_tdec_combine(M, &pk, bt, two, 2) != 0)
            abort();
        for (size_t i = 0; i < d->n * d->w; i++)
            if (!zk_point_eq(&M[i], &plain[d->n - 1][d->w - 1][i]))
                abort();
    }
    mpc_tdec_partials_free(d);
}

static void fuzz_share(const uint8_t *data, size_t size)
{
    mpc_beacon_share s;
    int rc = mpc_beacon_share_decode(&s, data, size);
    if (rc != 0) {
        check_code(rc);
        return;
    }
    sh_buf b;
    sh_buf_init(&b);
    if (mpc_beacon_share_encode(&b, &s) != 0)
        abort();
    same_bytes(&b, data, size);
    sh_buf_free(&b);
    int st = 1;
    rc = mpc_beacon_verify_shares(&pk, &bctx, &s, 1, rng, &st);
    if ((rc == 0) != (st == 0) || (rc != 0 && rc != SH_ERR_VERIFY))
        abort();
    if (rc == 0) {
        zk_point B;
        zk_point_mul(&B, &bctx.P.p, &sk[s.id - 1].x);
        if (!zk_point_eq(&B, &s.B.p))
            abort();
    }
}

static void fuzz_proof(const uint8_t *data, size_t size)
{
    mpc_beacon_proof p;
    int rc = mpc_beacon_proof_decode(&p, data, size, 3);
    if (rc != 0) {
        check_code(rc);
        if (p.k != 0 || p.X != NULL || p.s != NULL)
            abort();
    } else {
        sh_buf b;
        sh_mp_writer w;
        sh_buf_init(&b);
        sh_mp_writer_init(&w, &b);
        sh_mp_put_envelope(&w, MPC_TDEC_MSG_VERSION, MPC_BEACON_MSG_PROOF, 2);
        sh_mp_put_bin(&w, p.V.enc, ZK_POINT_BYTES);
        sh_mp_put_array(&w, p.k);
        for (size_t i = 0; i < p.k; i++) {
            sh_mp_put_array(&w, 4);
            sh_mp_put_uint(&w, p.s[i].id);
            sh_mp_put_bin(&w, p.X[i].enc, ZK_POINT_BYTES);
            sh_mp_put_bin(&w, p.s[i].B.enc, ZK_POINT_BYTES);
            sh_mp_put_bin(&w, p.s[i].proof, ZK_DLEQ_PROOF_BYTES);
        }
        if (sh_mp_writer_finish(&w) != 0)
            abort();
        same_bytes(&b, data, size);
        sh_buf_free(&b);
        mpc_beacon_proof_clear(&p);
    }
    mpc_beacon v;
    int vrc = mpc_beacon_verify(&v, &bctx, data, size, 3, rng);
    if (rc != 0 && vrc != rc)
        abort();
    if (vrc == 0) {
        zk_point V;
        zk_point_mul(&V, &bctx.P.p, &secret);
        if (!zk_point_eq(&V, &v.V.p))
            abort();
    } else if (rc == 0 && vrc != SH_ERR_VERIFY) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    fuzz_partials(data, size);
    fuzz_share(data, size);
    fuzz_proof(data, size);
    return 0;
}
