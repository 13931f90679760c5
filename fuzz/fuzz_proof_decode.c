/* fuzz/fuzz_proof_decode.c -- arbitrary bytes into the Schnorr and DLEQ
 * proof decoders and verifiers (single and batch) against fixed statements.
 *
 * Properties checked (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer;
 *   - a successful decode re-encodes to exactly the input bytes;
 *   - verify never accepts a proof that does not decode, and its error is
 *     the decoder's;
 *   - batch verification agrees with single verification (the fuzzer may
 *     find the valid proof only by luck, so in practice: both reject, with
 *     the same index and code for a malformed proof);
 *   - zk_elem_decode (how statements are read) agrees with zk_point_decode
 *     on every 32-byte block, keeps the bytes on success and leaves the
 *     identity (point and encoding) on failure.
 * The statements are fixed: x = 7, X = x*B, H = hash-to-group("fuzz"),
 * Y = x*H, held as zk_elem, and one honest proof of each kind is part of
 * every batch, so the batch MSM runs with the fuzzed proof next to a valid
 * one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zk/dleq.h"
#include "zk/schnorr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ready;
static zk_elem X, H, Y;
static uint8_t good_schnorr[ZK_SCHNORR_PROOF_BYTES];
static uint8_t good_dleq[ZK_DLEQ_PROOF_BYTES];
static sh_rng *rng;

static void ctx(zk_transcript *t)
{
    zk_transcript_init(t, "shroud-fuzz-proofs-v1");
}

static void setup(void)
{
    static const uint8_t seed[SH_RNG_SEEDBYTES] = { 0x42 };
    zk_scalar x;
    zk_point P;
    zk_transcript t;
    rng = sh_rng_chacha_new(seed);
    if (rng == NULL)
        abort();
    zk_scalar_from_u64(&x, 7);
    zk_point_mul_base(&P, &x);
    zk_elem_set(&X, &P);
    zk_point_hash(&P, "shroud-fuzz-H", (const uint8_t *)"fuzz", 4);
    zk_elem_set(&H, &P);
    zk_point_mul(&P, &H.p, &x);
    zk_elem_set(&Y, &P);
    ctx(&t);
    if (zk_schnorr_prove(good_schnorr, &t, NULL, &X, &x, rng) != 0)
        abort();
    ctx(&t);
    if (zk_dleq_prove(good_dleq, &t, NULL, &H, &X, &Y, &x, rng) != 0)
        abort();
    ready = 1;
}

static void fuzz_schnorr(const uint8_t in[ZK_SCHNORR_PROOF_BYTES])
{
    zk_schnorr_proof p;
    uint8_t again[ZK_SCHNORR_PROOF_BYTES];
    zk_transcript t;
    int drc = zk_schnorr_proof_decode(&p, in);
    if (drc == 0) {
        zk_schnorr_proof_encode(again, &p);
        if (memcmp(again, in, sizeof again) != 0)
            abort();
    } else if (drc != SH_ERR_POINT && drc != SH_ERR_NONCANONICAL) {
        abort();
    }
    ctx(&t);
    int vrc = zk_schnorr_verify(in, &t, NULL, &X);
    if ((drc != 0 && vrc != drc) || (drc == 0 && vrc != 0 && vrc != SH_ERR_VERIFY))
        abort();

    /* batch: the fuzzed proof second, after the honest one */
    uint8_t proofs[2][ZK_SCHNORR_PROOF_BYTES];
    zk_elem Xs[2] = { X, X };
    zk_transcript ts[2];
    size_t bad = 0;
    memcpy(proofs[0], good_schnorr, sizeof proofs[0]);
    memcpy(proofs[1], in, sizeof proofs[1]);
    ctx(&ts[0]);
    ctx(&ts[1]);
    int brc = zk_schnorr_batch_verify((const uint8_t(*)[ZK_SCHNORR_PROOF_BYTES])proofs, ts,
                                      NULL, Xs, 2, rng, &bad);
    if (brc != vrc || (brc != 0 && bad != 1))
        abort();
}

static void fuzz_dleq(const uint8_t in[ZK_DLEQ_PROOF_BYTES])
{
    zk_dleq_proof p;
    uint8_t again[ZK_DLEQ_PROOF_BYTES];
    zk_transcript t;
    int drc = zk_dleq_proof_decode(&p, in);
    if (drc == 0) {
        zk_dleq_proof_encode(again, &p);
        if (memcmp(again, in, sizeof again) != 0)
            abort();
    } else if (drc != SH_ERR_POINT && drc != SH_ERR_NONCANONICAL) {
        abort();
    }
    ctx(&t);
    int vrc = zk_dleq_verify(in, &t, NULL, &H, &X, &Y);
    if ((drc != 0 && vrc != drc) || (drc == 0 && vrc != 0 && vrc != SH_ERR_VERIFY))
        abort();

    uint8_t proofs[2][ZK_DLEQ_PROOF_BYTES];
    zk_elem Hs[2] = { H, H }, Xs[2] = { X, X }, Ys[2] = { Y, Y };
    zk_transcript ts[2];
    size_t bad = 0;
    memcpy(proofs[0], good_dleq, sizeof proofs[0]);
    memcpy(proofs[1], in, sizeof proofs[1]);
    ctx(&ts[0]);
    ctx(&ts[1]);
    int brc = zk_dleq_batch_verify((const uint8_t(*)[ZK_DLEQ_PROOF_BYTES])proofs, ts, NULL,
                                   Hs, Xs, Ys, 2, rng, &bad);
    if (brc != vrc || (brc != 0 && bad != 1))
        abort();
}

static void fuzz_elem(const uint8_t in[ZK_POINT_BYTES])
{
    static const uint8_t zero[ZK_POINT_BYTES] = { 0 };
    zk_elem e;
    zk_point p;
    int want = zk_point_decode(&p, in);
    if (zk_elem_decode(&e, in) != want)
        abort();
    if (want == 0) {
        if (memcmp(e.enc, in, ZK_POINT_BYTES) != 0 || !zk_point_eq(&e.p, &p))
            abort();
    } else if (!zk_point_is_identity(&e.p) || memcmp(e.enc, zero, ZK_POINT_BYTES) != 0) {
        abort();
    }
    if (zk_elem_decode_nonidentity(&e, in) != zk_point_decode_nonidentity(&p, in))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    /* Each decoder gets the input's first bytes, zero padded: short inputs
     * still reach the decoders, and the fuzzer controls every byte. */
    uint8_t buf[ZK_DLEQ_PROOF_BYTES] = { 0 };
    memcpy(buf, data, size < sizeof buf ? size : sizeof buf);
    fuzz_schnorr(buf);
    fuzz_dleq(buf);
    for (size_t off = 0; off < sizeof buf; off += ZK_POINT_BYTES)
        fuzz_elem(buf + off);
    /* Inputs longer than a DLEQ proof: the tail is a second Schnorr proof,
     * so that two independent proofs are fuzzed together. */
    if (size > ZK_DLEQ_PROOF_BYTES) {
        uint8_t tail[ZK_SCHNORR_PROOF_BYTES] = { 0 };
        size_t rest = size - ZK_DLEQ_PROOF_BYTES;
        memcpy(tail, data + ZK_DLEQ_PROOF_BYTES, rest < sizeof tail ? rest : sizeof tail);
        fuzz_schnorr(tail);
    }
    return 0;
}
