/* zk/elgamal.h -- ElGamal on ristretto255 with width-w ciphertext vectors.
 *
 * Keys: sk a nonzero scalar, pk = sk*B.  A plaintext is a vector of w
 * points M_0..M_{w-1} (zk/encode.h turns bytes into such vectors).  Each
 * component is encrypted with its own independent randomness r_j:
 *     C1_j = r_j*B,   C2_j = M_j + r_j*pk,   M_j = C2_j - sk*C1_j.
 * Independent r_j (rather than one r for the vector) is what a width-w
 * Terelius-Wikstrom shuffle re-encrypts with, component by component, and
 * it keeps every component a standard ElGamal ciphertext.
 * Re-encryption adds an encryption of the identity:
 *     C1_j' = C1_j + r_j'*B,   C2_j' = C2_j + r_j'*pk.
 *
 * Wire format of a ciphertext (docs/elgamal.md is normative):
 *     u16le(w) || C1_0 || C2_0 || C1_1 || C2_1 || ... || C1_{w-1} || C2_{w-1}
 * with 32-byte canonical point encodings: 2 + 64*w bytes, 1 <= w <= 2185.
 *
 * Proof of knowledge (PoK) of the randomness, bound to a context: with the
 * transcript of zk/transcript.h,
 *     T = init("shroud-elgamal-pok-v1"); append("context", ctx);
 *     append("pk", pk); append("ciphertext", the wire format above);
 *     e_j = the first 16 bytes (little endian) of challenge("e"),
 *           for j = 0..w-1, in order;
 * then one Schnorr proof (zk/schnorr.h, base point generator) on the same
 * transcript that the prover knows x = sum e_j r_j with X = sum e_j C1_j.
 * Because the weights e_j are fixed only after every C1_j and C2_j is in
 * the transcript, a prover who can answer for random weights knows every
 * r_j (rewinding on w weight vectors gives w independent equations), and
 * any change to the context, the key or any C1_j or C2_j changes every
 * challenge.  The proof is 64 bytes for any width.
 *
 * Constant time: sk, the randomness and plaintext points are secret and
 * are handled with constant-time operations only; decoding ciphertexts and
 * verifying proofs work on public data (variable time).  The encoding of
 * bytes into points is not constant time (see zk/encode.h).
 */
#ifndef SHROUD_ZK_ELGAMAL_H
#define SHROUD_ZK_ELGAMAL_H

#include <stddef.h>
#include <stdint.h>
#include "zk/group.h"
#include "zk/encode.h"

#define ZK_ELGAMAL_MAX_WIDTH ZK_ENCODE_MAX_WIDTH  /* 2185: fits any message */
#define ZK_ELGAMAL_HEADER_BYTES 2                 /* u16le(width) */
#define ZK_ELGAMAL_COMPONENT_BYTES 64             /* C1 || C2 */
#define ZK_ELGAMAL_POK_BYTES 64                   /* one Schnorr proof R || s */
#define ZK_ELGAMAL_POK_DOMAIN "shroud-elgamal-pok-v1"

/* One component; a ciphertext of width w is an array of w of them. */
typedef struct zk_elgamal_ct {
    zk_point c1;   /* r*B */
    zk_point c2;   /* M + r*pk */
} zk_elgamal_ct;

/* ---- keys and arithmetic ---------------------------------------------- */

/* A fresh key pair: sk uniform nonzero, pk = sk*B. */
void zk_elgamal_keygen(zk_scalar *sk, zk_point *pk, sh_rng *rng);

/* Encrypt m[0..w) under pk into ct[0..w) with fresh nonzero randomness.
 * If r is not NULL it receives the w randomness scalars (secret: the
 * caller wipes them).  SH_ERR_ARG for w == 0 or NULL pointers,
 * SH_ERR_IDENTITY if pk is the identity (the message would be in clear). */
int zk_elgamal_encrypt(zk_elgamal_ct *ct, zk_scalar *r, const zk_point *pk,
                       const zk_point *m, size_t w, sh_rng *rng) SH_WUR;

/* out[j] = in[j] + Enc_pk(identity; r'_j); out may equal in.  r as for
 * encrypt (a shuffler needs it for its proof).  Same errors. */
int zk_elgamal_reencrypt(zk_elgamal_ct *out, zk_scalar *r, const zk_point *pk,
                         const zk_elgamal_ct *in, size_t w, sh_rng *rng) SH_WUR;

/* m[j] = C2_j - sk*C1_j.  SH_ERR_ARG for w == 0 or NULL pointers.  With the
 * wrong key the result is a vector of unrelated points, not an error. */
int zk_elgamal_decrypt(zk_point *m, const zk_scalar *sk, const zk_elgamal_ct *ct,
                       size_t w) SH_WUR;

/* Encode msg (len bytes, zk/encode.h) and encrypt it; w must equal
 * zk_encode_width(len) (SH_ERR_ARG otherwise, SH_ERR_OVERSIZE if len is
 * above ZK_ENCODE_MAX_BYTES).  r as for encrypt. */
int zk_elgamal_encrypt_bytes(zk_elgamal_ct *ct, size_t w, zk_scalar *r, const zk_point *pk,
                             const uint8_t *msg, size_t len, sh_rng *rng) SH_WUR;

/* Decrypt and decode into out (capacity out_cap; zk_encode_capacity(w)
 * always suffices).  Errors of zk_decode_bytes, which with the wrong key
 * are almost surely SH_ERR_NONCANONICAL or a length error. */
int zk_elgamal_decrypt_bytes(uint8_t *out, size_t out_cap, size_t *out_len,
                             const zk_scalar *sk, const zk_elgamal_ct *ct, size_t w) SH_WUR;

/* ---- serialization ---------------------------------------------------- */

/* 2 + 64*w, the encoded size of a width-w ciphertext. */
size_t zk_elgamal_ct_size(size_t w);

/* Write the wire format into out[0..out_len); out_len must be exactly
 * zk_elgamal_ct_size(w) and 1 <= w <= ZK_ELGAMAL_MAX_WIDTH (SH_ERR_ARG). */
int zk_elgamal_ct_encode(uint8_t *out, size_t out_len, const zk_elgamal_ct *ct,
                         size_t w) SH_WUR;

/* Read and check only the header against the length: *w on success.
 *   SH_ERR_TRUNCATED  fewer than 2 bytes, or fewer than 2 + 64*w
 *   SH_ERR_RANGE      width 0
 *   SH_ERR_OVERSIZE   width above ZK_ELGAMAL_MAX_WIDTH
 *   SH_ERR_TRAILING   more than 2 + 64*w bytes */
int zk_elgamal_ct_decode_width(size_t *w, const uint8_t *in, size_t len) SH_WUR;

/* Full strict decoding into ct[0..cap): the errors of decode_width, then
 *   SH_ERR_OVERSIZE      w > cap (the caller's limit, e.g. an epoch's)
 *   SH_ERR_NONCANONICAL  a point whose field element is not canonical
 *                        (top bit set, or the value is >= p)
 *   SH_ERR_POINT         any other 32 bytes that encode no point
 * The identity is a valid point here.  On error *w is 0 and ct[0..w) is set to
 * the identity. */
int zk_elgamal_ct_decode(zk_elgamal_ct *ct, size_t cap, size_t *w,
                         const uint8_t *in, size_t len) SH_WUR;

/* Strict decoding of one 32-byte point with the error classes above
 * (shared by the ciphertext decoder and the fuzz target). */
int zk_elgamal_point_decode(zk_point *p, const uint8_t in[ZK_POINT_BYTES]) SH_WUR;

/* ---- encryption with a proof of knowledge of the randomness ------------- */

/* Prove knowledge of r[0..w) for ct[0..w) under pk, bound to ctx (ctx_len
 * bytes, any content, may be empty).  r must be the randomness that made
 * ct (otherwise the proof will not verify).  1 <= w <= ZK_ELGAMAL_MAX_WIDTH
 * (SH_ERR_ARG otherwise, or for NULL pointers). */
int zk_elgamal_prove(uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                     const zk_elgamal_ct *ct, const zk_scalar *r, size_t w,
                     const uint8_t *ctx, size_t ctx_len, sh_rng *rng) SH_WUR;

/* 0 if proof shows knowledge of the randomness of ct under pk in ctx.
 *   SH_ERR_VERIFY        a well-formed proof that does not verify
 *   SH_ERR_POINT, SH_ERR_NONCANONICAL   malformed proof bytes (R, s)
 *   SH_ERR_IDENTITY      some C1_j is the identity (r_j = 0 would put M_j
 *                        in clear: never honest)
 *   SH_ERR_ARG           w outside 1..ZK_ELGAMAL_MAX_WIDTH, NULL pointers
 *   SH_ERR_NOMEM */
int zk_elgamal_verify(const uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                      const zk_elgamal_ct *ct, size_t w,
                      const uint8_t *ctx, size_t ctx_len) SH_WUR;

/* What a relay does with a received submission: strictly decode the wire
 * bytes into ct[0..cap) (the errors of zk_elgamal_ct_decode) and verify the
 * proof (the errors of zk_elgamal_verify).  Faster than decode + verify:
 * the transcript absorbs the received bytes instead of re-encoding 2w
 * points.  0 and *w = the width on success; on any error *w = 0 and the
 * content of ct is unspecified. */
int zk_elgamal_verify_wire(const uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                           const uint8_t *wire, size_t wire_len,
                           const uint8_t *ctx, size_t ctx_len,
                           zk_elgamal_ct *ct, size_t cap, size_t *w) SH_WUR;

/* Encode msg, encrypt it and prove knowledge of the randomness (which is
 * wiped): what a wallet submits, after zk_elgamal_ct_encode.  Errors of
 * encrypt_bytes and prove. */
int zk_elgamal_encrypt_bytes_pok(zk_elgamal_ct *ct, size_t w,
                                 uint8_t proof[ZK_ELGAMAL_POK_BYTES], const zk_point *pk,
                                 const uint8_t *msg, size_t len,
                                 const uint8_t *ctx, size_t ctx_len, sh_rng *rng) SH_WUR;

/* One received submission for batch verification. */
typedef struct zk_elgamal_pok_item {
    const uint8_t *wire;           /* in: the ciphertext's wire bytes */
    size_t wire_len;
    const uint8_t *proof;          /* in: ZK_ELGAMAL_POK_BYTES bytes */
    zk_elgamal_ct *ct;             /* out: the decoded ciphertext ... */
    size_t cap;                    /* ... with room for cap components */
    size_t w;                      /* out: its width; 0 unless all verify */
} zk_elgamal_pok_item;

/* zk_elgamal_verify_wire for n submissions under the same pk and ctx (one
 * epoch), with one batched Schnorr check (zk_schnorr_batch_verify: random
 * 128-bit weights from rng, the verifier's own randomness).  0 if every one
 * is valid (n == 0 included); then each item's ct and w are filled in.
 * Otherwise the error and, if bad is not NULL, the index *bad of the
 * offending submission; every w is 0:
 *   errors of zk_elgamal_ct_decode, SH_ERR_ARG (NULL pointers),
 *   SH_ERR_IDENTITY          the first item failing these (in order)
 *   SH_ERR_POINT, SH_ERR_NONCANONICAL   the first malformed proof
 *   SH_ERR_VERIFY            the first proof that does not verify (each is
 *                            then checked alone; with bad == NULL that
 *                            extra pass is skipped)
 *   SH_ERR_NOMEM             *bad = n */
int zk_elgamal_batch_verify(zk_elgamal_pok_item *items, size_t n, const zk_point *pk,
                            const uint8_t *ctx, size_t ctx_len, sh_rng *rng,
                            size_t *bad) SH_WUR;

#endif
