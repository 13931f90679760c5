/* bench/bench_zk_elgamal.c -- ElGamal on a 200-byte transaction (width 7).
 *
 * elgamal_encrypt includes encoding the bytes into points and
 * elgamal_decrypt includes decoding them back, as a wallet and a decryptor
 * do; elgamal_encode / elgamal_decode state that share on its own.  The
 * proof figures: encrypt_pok is what a wallet does to submit (encode,
 * encrypt, prove); verify_pok checks an already decoded ciphertext (it
 * re-encodes the points for the transcript); verify_wire_pok is what a
 * relay does with received bytes (strict decoding plus verification);
 * batch_verify_pok is the same per submission at n = 1000, all under one
 * key and context as in one epoch.  elgamal_ct_decode is the wire decoding
 * alone.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zk/elgamal.h"

#define MSG_BYTES 200
#define W 7                /* zk_encode_width(200) */
#define POOL 1000          /* distinct submissions, also the batch size */

typedef struct eg_args {
    sh_rng *rng;
    zk_scalar sk;
    zk_point pk;
    uint8_t msg[POOL][MSG_BYTES];
    zk_elgamal_ct ct[POOL][W];
    uint8_t proof[POOL][ZK_ELGAMAL_POK_BYTES];
    uint8_t wire[POOL][2 + 64 * W];
    zk_elgamal_pok_item items[POOL];
    zk_elgamal_ct batch_out[POOL][W];
    zk_elgamal_ct out[W];
    zk_point m[W];
    uint8_t buf[MSG_BYTES + 8];
    size_t next;
    int failures;          /* must stay 0: a benchmark of failures is meaningless */
} eg_args;

static const uint8_t CTX[] = "bench-epoch-1";
#define CTXLEN (sizeof CTX - 1)

static size_t pick(eg_args *a)
{
    return a->next++ % POOL;
}

static void do_encode(void *arg)
{
    eg_args *a = arg;
    a->failures += zk_encode_bytes(a->m, W, a->msg[pick(a)], MSG_BYTES) != 0;
}

static void do_decode(void *arg)
{
    eg_args *a = arg;
    size_t len;
    a->failures += zk_decode_bytes(a->buf, sizeof a->buf, &len, a->m, W) != 0;
}

static void do_encrypt(void *arg)
{
    eg_args *a = arg;
    a->failures += zk_elgamal_encrypt_bytes(a->out, W, NULL, &a->pk, a->msg[pick(a)],
                                            MSG_BYTES, a->rng) != 0;
}

static void do_reencrypt(void *arg)
{
    eg_args *a = arg;
    a->failures += zk_elgamal_reencrypt(a->out, NULL, &a->pk, a->ct[pick(a)], W, a->rng) != 0;
}

static void do_decrypt(void *arg)
{
    eg_args *a = arg;
    size_t len;
    a->failures += zk_elgamal_decrypt_bytes(a->buf, sizeof a->buf, &len, &a->sk,
                                            a->ct[pick(a)], W) != 0;
}

static void do_ct_decode(void *arg)
{
    eg_args *a = arg;
    size_t i = pick(a), w;
    a->failures += zk_elgamal_ct_decode(a->out, W, &w, a->wire[i], sizeof a->wire[i]) != 0;
}

static void do_encrypt_pok(void *arg)
{
    eg_args *a = arg;
    uint8_t proof[ZK_ELGAMAL_POK_BYTES];
    a->failures += zk_elgamal_encrypt_bytes_pok(a->out, W, proof, &a->pk, a->msg[pick(a)],
                                                MSG_BYTES, CTX, CTXLEN, a->rng) != 0;
}

static void do_verify_pok(void *arg)
{
    eg_args *a = arg;
    size_t i = pick(a);
    a->failures += zk_elgamal_verify(a->proof[i], &a->pk, a->ct[i], W, CTX, CTXLEN) != 0;
}

static void do_verify_wire_pok(void *arg)
{
    eg_args *a = arg;
    size_t i = pick(a), w;
    a->failures += zk_elgamal_verify_wire(a->proof[i], &a->pk, a->wire[i], sizeof a->wire[i],
                                          CTX, CTXLEN, a->out, W, &w) != 0;
}

static void do_batch_verify_pok(void *arg)
{
    eg_args *a = arg;
    a->failures += zk_elgamal_batch_verify(a->items, POOL, &a->pk, CTX, CTXLEN, a->rng,
                                           NULL) != 0;
}

static int prepare(eg_args *a)
{
    zk_elgamal_keygen(&a->sk, &a->pk, a->rng);
    for (size_t i = 0; i < POOL; i++) {
        sh_rng_bytes(a->rng, a->msg[i], MSG_BYTES);
        if (zk_elgamal_encrypt_bytes_pok(a->ct[i], W, a->proof[i], &a->pk, a->msg[i],
                                         MSG_BYTES, CTX, CTXLEN, a->rng) != 0 ||
            zk_elgamal_ct_encode(a->wire[i], sizeof a->wire[i], a->ct[i], W) != 0)
            return -1;
        a->items[i].wire = a->wire[i];
        a->items[i].wire_len = sizeof a->wire[i];
        a->items[i].proof = a->proof[i];
        a->items[i].ct = a->batch_out[i];
        a->items[i].cap = W;
    }
    return zk_encode_bytes(a->m, W, a->msg[0], MSG_BYTES);
}

void bench_zk_elgamal(bench_ctx *ctx)
{
    char extra[64];
    /* Holds points: 32-byte alignment, which calloc does not promise. */
    eg_args *a = zk_aligned_alloc(1, sizeof *a);
    if (a == NULL)
        return;
    memset(a, 0, sizeof *a);
    a->rng = sh_rng_os_new();
    if (a->rng == NULL || zk_encode_width(MSG_BYTES) != W || prepare(a) != 0) {
        fprintf(ctx->out, "bench_zk_elgamal: preparing the inputs failed\n");
        sh_rng_free(a->rng);
        free(a);
        return;
    }
    snprintf(extra, sizeof extra, "\"bytes\":%d,\"width\":%d", MSG_BYTES, W);

    bench_report(ctx, "elgamal_encrypt", 1, bench_time(ctx, do_encrypt, a), "message", extra);
    bench_report(ctx, "elgamal_reencrypt", 1, bench_time(ctx, do_reencrypt, a), "message",
                 extra);
    bench_report(ctx, "elgamal_decrypt", 1, bench_time(ctx, do_decrypt, a), "message", extra);
    bench_report(ctx, "elgamal_encode", 1, bench_time(ctx, do_encode, a), "message", extra);
    bench_report(ctx, "elgamal_decode", 1, bench_time(ctx, do_decode, a), "message", extra);
    bench_report(ctx, "elgamal_ct_decode", 1, bench_time(ctx, do_ct_decode, a), "message",
                 extra);
    bench_report(ctx, "elgamal_encrypt_pok", 1, bench_time(ctx, do_encrypt_pok, a), "message",
                 extra);
    bench_report(ctx, "elgamal_verify_pok", 1, bench_time(ctx, do_verify_pok, a), "proof",
                 extra);
    bench_report(ctx, "elgamal_verify_wire_pok", 1, bench_time(ctx, do_verify_wire_pok, a),
                 "proof", extra);
    bench_report(ctx, "elgamal_batch_verify_pok", POOL,
                 bench_time(ctx, do_batch_verify_pok, a) / POOL, "proof", extra);

    if (a->failures != 0)
        fprintf(ctx->out, "bench_zk_elgamal: %d operations FAILED: figures invalid\n",
                a->failures);
    zk_scalar_wipe(&a->sk);
    sh_rng_free(a->rng);
    free(a);
}
