/* mixnet/onion.h -- onion packets: BOLT 4's Sphinx construction, exactly.
 *
 * A packet is  version(1) || E(33) || routing_info(R) || hmac(32):
 * version 0x00, E the SEC1-compressed ephemeral public key, R = 1300 for
 * the standard 1366-byte packet (BOLT 4) or any R in
 * [MIX_ONION_ROUTING_MIN, MIX_ONION_ROUTING_MAX] for larger packets
 * (onion-message style; shroud uses MIX_ONION_ROUTING_LARGE for
 * transactions).  The size is the packet length: R = len - 66.
 *
 * The construction follows BOLT 4 (04-onion-routing.md) step by step, so
 * its test vectors apply (tests/vectors/bolt04-onion-test.json):
 *   ss_i   = SHA256(compressed(e_i * P_i))      (secp256k1_ecdh)
 *   rho/mu = HMAC-SHA256(key = "rho"/"mu", ss_i); pad = HMAC("pad", session key)
 *   b_i    = SHA256(E_i || ss_i),  e_{i+1} = b_i * e_i,  E_{i+1} = b_i * E_i
 *   stream = ChaCha20(key, nonce 0, counter 0)   (djb's 64-bit nonce and the
 *            IETF 96-bit nonce give the same bytes here)
 *   hop_payload_i = BigSize(len) || payload_i || hmac_{i+1}
 *   hmac_i = HMAC-SHA256(mu_i, routing_info_i || associated_data)
 * docs/onion.md has the full description and the constant-time argument.
 *
 * Payloads here are the hop payloads *without* the BigSize length prefix
 * (the prefix is added by create and removed by peel); each is 1..R-33
 * bytes and all of them with their prefixes and HMACs must fit in R.
 *
 * Constant time: the session key and the node's private key, and every
 * value derived from them, are handled without secret-dependent branches
 * or indices (ECDH and blinding through secp256k1_ecdh, the sender's key
 * through secp256k1_ec_seckey_tweak_mul; never ec_pubkey_tweak_mul).
 * Values that are public by design are declassified (util/ct.h): the
 * ephemeral keys E_i (sent on the wire), HMAC verdicts, the finished
 * packet, and a relay's decrypted routing info (its own plaintext).
 *
 * A mix_onion_ctx holds a libsecp256k1 context and is not thread-safe;
 * use one per thread (or per protocol instance).  Errors: 0 or negative
 * SH_ERR_*; mix_onion_reason() gives a fixed text for a peel error.
 */
#ifndef SHROUD_MIXNET_ONION_H
#define SHROUD_MIXNET_ONION_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/rng.h"

#define MIX_ONION_VERSION 0x00
#define MIX_ONION_PUBKEY_BYTES 33
#define MIX_ONION_SECKEY_BYTES 32
#define MIX_ONION_HMAC_BYTES 32
#define MIX_ONION_SECRET_BYTES 32
#define MIX_ONION_TAG_BYTES 32
#define MIX_ONION_OVERHEAD (1 + MIX_ONION_PUBKEY_BYTES + MIX_ONION_HMAC_BYTES)

#define MIX_ONION_ROUTING_STD 1300          /* BOLT 4 */
#define MIX_ONION_PACKET_STD 1366
#define MIX_ONION_ROUTING_LARGE 32768       /* BOLT 4 onion messages' large size */
#define MIX_ONION_PACKET_LARGE (MIX_ONION_ROUTING_LARGE + MIX_ONION_OVERHEAD)
#define MIX_ONION_ROUTING_MIN 256
#define MIX_ONION_ROUTING_MAX 65536
#define MIX_ONION_PACKET_BYTES(r) ((size_t)(r) + MIX_ONION_OVERHEAD)
/* A buffer of this size holds any payload peeled from routing size r. */
#define MIX_ONION_PAYLOAD_CAP(r) ((size_t)(r) - 33)
#define MIX_ONION_MAX_HOPS 32

typedef struct mix_onion_ctx mix_onion_ctx;

/* A context.  rng, if not NULL, seeds libsecp256k1's side-channel blinding
 * (used only during the call).  NULL on allocation failure. */
mix_onion_ctx *mix_onion_ctx_new(sh_rng *rng);
void mix_onion_ctx_free(mix_onion_ctx *ctx);      /* NULL-safe */

/* pk = sk * G, compressed.  SH_ERR_ARG if sk is zero or >= the order. */
int mix_onion_pubkey(mix_onion_ctx *ctx, uint8_t pk[MIX_ONION_PUBKEY_BYTES],
                     const uint8_t sk[MIX_ONION_SECKEY_BYTES]) SH_WUR;
/* A uniformly random valid private key from rng, and optionally (pk not
 * NULL) its public key. */
int mix_onion_keygen(mix_onion_ctx *ctx, uint8_t sk[MIX_ONION_SECKEY_BYTES],
                     uint8_t pk[MIX_ONION_PUBKEY_BYTES], sh_rng *rng) SH_WUR;

/* One hop of a route: its onion public key and its payload (no prefix). */
typedef struct mix_onion_hop {
    const uint8_t *pubkey;     /* MIX_ONION_PUBKEY_BYTES, SEC1 compressed */
    const uint8_t *payload;
    size_t payload_len;
} mix_onion_hop;

/* Build a packet of packet_len bytes for hops[0..n_hops) (hops[0] peels
 * first).  session_key must be fresh for every packet (draw it from an
 * sh_rng; mix_onion_keygen), ad is bound to every HMAC (may be NULL when
 * ad_len is 0).  Errors: SH_ERR_ARG (n_hops 0 or > MIX_ONION_MAX_HOPS, an
 * empty payload, an invalid session key), SH_ERR_LENGTH (packet_len not
 * R + 66 for an allowed R), SH_ERR_OVERSIZE (the payloads do not fit),
 * SH_ERR_POINT (hops[i].pubkey is not a point; *bad_hop = i when bad_hop
 * is not NULL), SH_ERR_NOMEM.  On error packet is zeroed. */
int mix_onion_create(mix_onion_ctx *ctx, uint8_t *packet, size_t packet_len,
                     const uint8_t session_key[MIX_ONION_SECKEY_BYTES],
                     const mix_onion_hop *hops, size_t n_hops,
                     const uint8_t *ad, size_t ad_len, size_t *bad_hop) SH_WUR;

/* What peeling yields; the caller supplies the buffers. */
typedef struct mix_onion_peeled {
    uint8_t *next_packet;      /* in: packet_len bytes; out: the packet to
                                  forward (all zero at the final hop) */
    uint8_t *payload;          /* in: payload_cap bytes; out: this hop's payload */
    size_t payload_cap;        /* MIX_ONION_PAYLOAD_CAP(R) always suffices */
    size_t payload_len;        /* out */
    int final;                 /* out: 1 when the next HMAC is all zero */
    uint8_t tag[MIX_ONION_TAG_BYTES]; /* out: replay tag, the packet's (verified) HMAC */
} mix_onion_peeled;

/* Peel one layer with the node's private key.  Checks, in order: length
 * (SH_ERR_LENGTH), version (SH_ERR_VERSION), ephemeral key (SH_ERR_POINT),
 * the HMAC over routing_info || ad (SH_ERR_VERIFY, compared with
 * sodium_memcmp), then the decrypted hop payload's length prefix
 * (SH_ERR_NONCANONICAL for a non-minimal BigSize, SH_ERR_LENGTH for zero or
 * for a payload that does not fit, SH_ERR_OVERSIZE if payload_cap is too
 * small).  SH_ERR_ARG for an invalid node key or bad arguments.  On error
 * the outputs are zeroed.  packet and next_packet may not overlap. */
int mix_onion_peel(mix_onion_ctx *ctx, const uint8_t node_sk[MIX_ONION_SECKEY_BYTES],
                   const uint8_t *packet, size_t packet_len,
                   const uint8_t *ad, size_t ad_len, mix_onion_peeled *out) SH_WUR;

/* The hop-payload framing of a decrypted routing info plain[0..r):
 * BigSize(L) || payload(L) || hmac(32).  Sets *prefix and *payload_len.
 * Same error codes as peel's last step.  Exposed for the fuzzer. */
int mix_onion_hop_split(const uint8_t *plain, size_t r, size_t *prefix,
                        size_t *payload_len) SH_WUR;

/* A fixed "onion: ..." text for an error of mix_onion_peel (for
 * sh_drv_reject); never NULL. */
const char *mix_onion_reason(int code);

#endif
