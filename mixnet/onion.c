/* mixnet/onion.c -- BOLT 4 Sphinx packets: create and peel (onion.h,
 * docs/onion.md).
 *
 * Primitives: libsecp256k1 (ECDH, key creation, private-key tweak),
 * libsodium (ChaCha20, the short HMAC-SHA256 key derivations) and
 * libcrypto through util/sha256.h (SHA-256, and the HMAC over the routing
 * information).  Secrets live on the stack or in heap scratch and are
 * wiped with sodium_memzero before returning.
 */
#include "mixnet/onion.h"
#include "mixnet/tlv.h"
#include "util/ct.h"
#include "util/sha256.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

/* BOLT 4 spends most of a hop's non-elliptic-curve time in SHA-256: the
 * HMAC over the whole routing info, the key derivations, the blinding
 * factor and the shared secret.  The HMAC over the routing info (21
 * blocks of a standard packet, 514 of the largest) and the two plain
 * hashes go through libcrypto, which uses the CPU's SHA extensions
 * (util/sha256.h).  The fixed HMAC keys ("rho", "mu", "pad") are absorbed
 * once per context into libsodium HMAC states, which are copied for each
 * use, so a derivation costs two SHA-256 compressions and no set-up (where
 * libcrypto's set-up would cost more than its faster blocks save).  All
 * of it is constant time. */

typedef crypto_auth_hmacsha256_state hmac_key;

struct mix_onion_ctx {
    secp256k1_context *secp;
    sh_sha256 *sha;
    hmac_key k_rho, k_mu, k_pad;
};

/* SHA256(a || b). */
static int sha256_2(const mix_onion_ctx *ctx, uint8_t out[32], const uint8_t *a, size_t alen,
                    const uint8_t *b, size_t blen)
{
    return sh_sha256_2(ctx->sha, out, a, alen, b, blen);
}

/* The HMAC state of a key (absorbed once, copied per use). */
static void hmac_key_set(const mix_onion_ctx *ctx, hmac_key *k, const uint8_t *key, size_t len)
{
    (void)ctx;
    crypto_auth_hmacsha256_init(k, key, len);
}

/* HMAC-SHA256(k, a || b). */
static void hmac_2(const mix_onion_ctx *ctx, uint8_t out[32], const hmac_key *k,
                   const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    hmac_key st = *k;
    (void)ctx;
    crypto_auth_hmacsha256_update(&st, a, alen);
    if (blen > 0)
        crypto_auth_hmacsha256_update(&st, b, blen);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* BOLT 4's key generation HMAC(type, secret) with a precomputed type. */
static void gen_key(const mix_onion_ctx *ctx, uint8_t out[32], const hmac_key *type,
                    const uint8_t secret[32])
{
    hmac_2(ctx, out, type, secret, 32, NULL, 0);
}

/* BOLT 4: ChaCha20 with a zero nonce and counter 0.  libsodium's original
 * ChaCha20 (64-bit nonce, 64-bit counter) produces the same keystream as
 * the IETF variant (96-bit nonce, 32-bit counter) for a zero nonce over
 * the first 2^32 blocks, far beyond any packet. */
static const uint8_t ZERO_NONCE[crypto_stream_chacha20_NONCEBYTES];

/* dst = src XOR ChaCha20(key)[off .. off + len): only the blocks needed
 * are generated; dst may equal src. */
static void stream_xor_at(uint8_t *dst, const uint8_t *src, size_t len, size_t off,
                          const uint8_t key[32])
{
    size_t head = off % 64;
    if (len > 0 && head != 0) {
        uint8_t blk[64];
        size_t n = 64 - head < len ? 64 - head : len;
        memset(blk, 0, sizeof blk);
        crypto_stream_chacha20_xor_ic(blk, blk, sizeof blk, ZERO_NONCE, off / 64, key);
        for (size_t i = 0; i < n; i++)
            dst[i] = (uint8_t)(src[i] ^ blk[head + i]);
        sodium_memzero(blk, sizeof blk);
        dst += n;
        src += n;
        len -= n;
        off += n;
    }
    if (len > 0)
        crypto_stream_chacha20_xor_ic(dst, src, len, ZERO_NONCE, off / 64, key);
}

mix_onion_ctx *mix_onion_ctx_new(sh_rng *rng)
{
    mix_onion_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    ctx->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    ctx->sha = sh_sha256_new();
    if (ctx->secp == NULL || ctx->sha == NULL) {
        mix_onion_ctx_free(ctx);
        return NULL;
    }
    if (rng != NULL) {
        uint8_t seed[32];
        sh_rng_bytes(rng, seed, sizeof seed);
        int ok = secp256k1_context_randomize(ctx->secp, seed);
        sodium_memzero(seed, sizeof seed);
        if (!ok) {
            mix_onion_ctx_free(ctx);
            return NULL;
        }
    }
    hmac_key_set(ctx, &ctx->k_rho, (const uint8_t *)"rho", 3);
    hmac_key_set(ctx, &ctx->k_mu, (const uint8_t *)"mu", 2);
    hmac_key_set(ctx, &ctx->k_pad, (const uint8_t *)"pad", 3);
    return ctx;
}

void mix_onion_ctx_free(mix_onion_ctx *ctx)
{
    if (ctx == NULL)
        return;
    if (ctx->secp != NULL)
        secp256k1_context_destroy(ctx->secp);
    sh_sha256_free(ctx->sha);
    free(ctx);
}

/* ---- small helpers --------------------------------------------------------- */

/* A secp256k1_ecdh "hash" returning the product compressed, (0x02 | parity
 * of y) || x, built without a branch: for the shared secret it is the
 * input of BOLT 4's SHA-256 (libsecp256k1's default hash, done here), for
 * the blinding it is E' as it goes on the wire, so no public key object,
 * parse or serialization is needed. */
static int ecdh_compressed(unsigned char *out, const unsigned char *x32,
                           const unsigned char *y32, void *data)
{
    (void)data;
    out[0] = (unsigned char)(0x02 | (y32[31] & 1));
    memcpy(out + 1, x32, 32);
    return 1;
}

/* ss = SHA256(compressed(sk * P)), constant time in sk. */
static int shared_secret(const mix_onion_ctx *ctx, uint8_t ss[32],
                         const secp256k1_pubkey *P, const uint8_t sk[32])
{
    uint8_t pt[33];
    int ok = secp256k1_ecdh(ctx->secp, pt, P, sk, ecdh_compressed, NULL);
    sh_ct_declassify(&ok, sizeof ok);   /* 0 only for an invalid key: an argument error */
    int rc = ok ? sha256_2(ctx, ss, pt, sizeof pt, NULL, 0) : SH_ERR_ARG;
    sodium_memzero(pt, sizeof pt);
    return rc;
}

static int serialize33(const mix_onion_ctx *ctx, uint8_t out[33], const secp256k1_pubkey *P)
{
    size_t len = 33;
    if (!secp256k1_ec_pubkey_serialize(ctx->secp, out, &len, P, SECP256K1_EC_COMPRESSED)
        || len != 33)
        return SH_ERR_INTERNAL;
    return 0;
}

/* pk = sk * G (constant time); the result is public. */
static int pubkey_of(const mix_onion_ctx *ctx, secp256k1_pubkey *P, const uint8_t sk[32])
{
    int ok = secp256k1_ec_pubkey_create(ctx->secp, P, sk);
    sh_ct_declassify(&ok, sizeof ok);
    sh_ct_declassify(P, sizeof *P);     /* a public key */
    return ok ? 0 : SH_ERR_ARG;
}

int mix_onion_pubkey(mix_onion_ctx *ctx, uint8_t pk[MIX_ONION_PUBKEY_BYTES],
                     const uint8_t sk[MIX_ONION_SECKEY_BYTES])
{
    if (ctx == NULL || pk == NULL || sk == NULL)
        return SH_ERR_ARG;
    secp256k1_pubkey P;
    int rc = pubkey_of(ctx, &P, sk);
    if (rc == 0)
        rc = serialize33(ctx, pk, &P);
    if (rc != 0)
        memset(pk, 0, MIX_ONION_PUBKEY_BYTES);
    return rc;
}

int mix_onion_keygen(mix_onion_ctx *ctx, uint8_t sk[MIX_ONION_SECKEY_BYTES],
                     uint8_t pk[MIX_ONION_PUBKEY_BYTES], sh_rng *rng)
{
    if (ctx == NULL || sk == NULL || rng == NULL)
        return SH_ERR_ARG;
    for (int tries = 0; tries < 64; tries++) {
        sh_rng_bytes(rng, sk, MIX_ONION_SECKEY_BYTES);
        int ok = secp256k1_ec_seckey_verify(ctx->secp, sk);
        sh_ct_declassify(&ok, sizeof ok);   /* fails with probability 2^-128 */
        if (ok)
            return pk != NULL ? mix_onion_pubkey(ctx, pk, sk) : 0;
    }
    sodium_memzero(sk, MIX_ONION_SECKEY_BYTES);
    return SH_ERR_INTERNAL;                 /* a broken rng */
}

static int routing_len_of(size_t packet_len, size_t *r)
{
    if (packet_len < MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MIN)
        || packet_len > MIX_ONION_PACKET_BYTES(MIX_ONION_ROUTING_MAX))
        return SH_ERR_LENGTH;
    *r = packet_len - MIX_ONION_OVERHEAD;
    return 0;
}

/* ---- create -------------------------------------------------------------- */

typedef struct hop_secrets {
    uint8_t ss[MIX_ONION_MAX_HOPS][32];
    uint8_t rho[MIX_ONION_MAX_HOPS][32];
    uint8_t e[32];                          /* the running ephemeral private key */
    uint8_t b[32];
    uint8_t mu[32], pad[32];
} hop_secrets;

int mix_onion_create(mix_onion_ctx *ctx, uint8_t *packet, size_t packet_len,
                     const uint8_t session_key[MIX_ONION_SECKEY_BYTES],
                     const mix_onion_hop *hops, size_t n_hops,
                     const uint8_t *ad, size_t ad_len, size_t *bad_hop)
{
    hop_secrets sec;
    uint8_t *filler = NULL;
    size_t sizes[MIX_ONION_MAX_HOPS];
    size_t r = 0, total = 0;
    uint8_t E0[33];
    int rc;

    if (bad_hop != NULL)
        *bad_hop = 0;
    if (ctx == NULL || packet == NULL || session_key == NULL || hops == NULL
        || (ad == NULL && ad_len > 0))
        return SH_ERR_ARG;
    memset(packet, 0, packet_len);
    if ((rc = routing_len_of(packet_len, &r)) != 0)
        return rc;
    if (n_hops == 0 || n_hops > MIX_ONION_MAX_HOPS)
        return SH_ERR_ARG;
    for (size_t i = 0; i < n_hops; i++) {
        if (hops[i].pubkey == NULL || hops[i].payload == NULL || hops[i].payload_len == 0) {
            if (bad_hop != NULL)
                *bad_hop = i;
            return SH_ERR_ARG;
        }
        if (hops[i].payload_len > r) {
            if (bad_hop != NULL)
                *bad_hop = i;
            return SH_ERR_OVERSIZE;
        }
        sizes[i] = mix_bigsize_len(hops[i].payload_len) + hops[i].payload_len
                   + MIX_ONION_HMAC_BYTES;
        total += sizes[i];
    }
    if (total > r)
        return SH_ERR_OVERSIZE;

    /* The routing info is built in place in the packet; the filler needs
     * at most r bytes of its own. */
    if ((filler = malloc(r)) == NULL)
        return SH_ERR_NOMEM;
    uint8_t *mix = packet + 34;

    /* 1. Shared secrets and ephemeral keys along the route. */
    memcpy(sec.e, session_key, 32);
    for (size_t i = 0; i < n_hops; i++) {
        secp256k1_pubkey P, E;
        uint8_t Ei[33];
        if (!secp256k1_ec_pubkey_parse(ctx->secp, &P, hops[i].pubkey, 33)) {
            if (bad_hop != NULL)
                *bad_hop = i;
            rc = SH_ERR_POINT;
            goto done;
        }
        if ((rc = pubkey_of(ctx, &E, sec.e)) != 0)
            goto done;               /* an invalid session key */
        if ((rc = serialize33(ctx, Ei, &E)) != 0)
            goto done;
        if (i == 0)
            memcpy(E0, Ei, 33);
        if ((rc = shared_secret(ctx, sec.ss[i], &P, sec.e)) != 0)
            goto done;
        gen_key(ctx, sec.rho[i], &ctx->k_rho, sec.ss[i]);
        if (i + 1 < n_hops) {
            /* b = SHA256(E || ss) */
            if ((rc = sha256_2(ctx, sec.b, Ei, 33, sec.ss[i], 32)) != 0)
                goto done;
            int ok = secp256k1_ec_seckey_tweak_mul(ctx->secp, sec.e, sec.b);
            sh_ct_declassify(&ok, sizeof ok);   /* fails with probability ~2^-128 */
            if (!ok) {
                rc = SH_ERR_INTERNAL;
                goto done;
            }
        }
    }

    /* 2. The filler: what the hops' left shifts bring in at the end of the
     *    routing info, as hop n-1 will see it.  Only the bytes
     *    [r + s_i - f, r + s_i) of each stream are generated. */
    size_t flen = 0;
    for (size_t i = 0; i + 1 < n_hops; i++) {
        memset(filler + flen, 0, sizes[i]);
        flen += sizes[i];
        stream_xor_at(filler, filler, flen, r + sizes[i] - flen, sec.rho[i]);
    }

    /* 3. The routing info, from the last hop back to the first, starting
     *    from the "pad" stream of the session key. */
    gen_key(ctx, sec.pad, &ctx->k_pad, session_key);
    memset(mix, 0, r);
    crypto_stream_chacha20_xor(mix, mix, r, ZERO_NONCE, sec.pad);
    uint8_t next_hmac[32] = { 0 };
    for (size_t k = n_hops; k-- > 0;) {
        size_t s = sizes[k], L = hops[k].payload_len;
        memmove(mix + s, mix, r - s);
        size_t o = mix_bigsize_encode(mix, L);
        memcpy(mix + o, hops[k].payload, L);
        memcpy(mix + o + L, next_hmac, 32);
        crypto_stream_chacha20_xor(mix, mix, r, ZERO_NONCE, sec.rho[k]);
        if (k == n_hops - 1 && flen > 0)
            memcpy(mix + r - flen, filler, flen);
        gen_key(ctx, sec.mu, &ctx->k_mu, sec.ss[k]);
        if ((rc = sh_hmac_sha256_2(ctx->sha, next_hmac, sec.mu, 32, mix, r, ad, ad_len)) != 0)
            goto done;
    }

    packet[0] = MIX_ONION_VERSION;
    memcpy(packet + 1, E0, 33);
    memcpy(packet + 34 + r, next_hmac, 32);
    sh_ct_declassify(packet, packet_len);   /* the packet goes on the wire */
    rc = 0;
done:
    sodium_memzero(&sec, sizeof sec);
    sodium_memzero(filler, r);
    free(filler);
    if (rc != 0)
        memset(packet, 0, packet_len);
    return rc;
}

/* ---- peel --------------------------------------------------------------- */

int mix_onion_hop_split(const uint8_t *plain, size_t r, size_t *prefix,
                        size_t *payload_len)
{
    uint64_t L;
    size_t used;
    int rc = mix_bigsize_decode(plain, r, &L, &used);
    if (rc == SH_ERR_NONCANONICAL)
        return rc;
    if (rc != 0)
        return SH_ERR_LENGTH;
    if (L == 0 || L > r || used + (size_t)L + MIX_ONION_HMAC_BYTES > r)
        return SH_ERR_LENGTH;
    *prefix = used;
    *payload_len = (size_t)L;
    return 0;
}

static void peeled_clear(mix_onion_peeled *out, size_t packet_len)
{
    if (out->next_packet != NULL)
        memset(out->next_packet, 0, packet_len);
    if (out->payload != NULL)
        memset(out->payload, 0, out->payload_cap);
    out->payload_len = 0;
    out->final = 0;
    memset(out->tag, 0, sizeof out->tag);
}

int mix_onion_peel(mix_onion_ctx *ctx, const uint8_t node_sk[MIX_ONION_SECKEY_BYTES],
                   const uint8_t *packet, size_t packet_len,
                   const uint8_t *ad, size_t ad_len, mix_onion_peeled *out)
{
    uint8_t ss[32], key[32], b[32], mac[32], next_hmac[32];
    size_t r = 0;
    secp256k1_pubkey E;
    int rc;

    if (ctx == NULL || node_sk == NULL || packet == NULL || out == NULL
        || out->next_packet == NULL || out->payload == NULL || (ad == NULL && ad_len > 0))
        return SH_ERR_ARG;
    peeled_clear(out, packet_len);
    if ((rc = routing_len_of(packet_len, &r)) != 0)
        return rc;
    if (packet[0] != MIX_ONION_VERSION)
        return SH_ERR_VERSION;
    /* E is parsed once (the square root) and used by both multiplications. */
    if (!secp256k1_ec_pubkey_parse(ctx->secp, &E, packet + 1, 33))
        return SH_ERR_POINT;

    const uint8_t *routing = packet + 34, *hmac_in = packet + 34 + r;
    if ((rc = shared_secret(ctx, ss, &E, node_sk)) != 0)
        goto done;

    /* The HMAC first: nothing of an unauthenticated packet is used. */
    gen_key(ctx, key, &ctx->k_mu, ss);
    if ((rc = sh_hmac_sha256_2(ctx->sha, mac, key, 32, routing, r, ad, ad_len)) != 0)
        goto done;
    int bad = sodium_memcmp(mac, hmac_in, 32);
    sh_ct_declassify(&bad, sizeof bad);     /* the verdict is public */
    if (bad != 0) {
        rc = SH_ERR_VERIFY;
        goto done;
    }

    /* B = (routing_info || 0^r) XOR ChaCha20(rho): B[0 .. r) is decrypted
     * in one pass straight into next_packet, then the payload and the next
     * HMAC are taken out, the rest B[s .. r) slides to its place at offset
     * 34 and only the s stream bytes B[r .. r + s) that follow are
     * generated.  B is this relay's own plaintext. */
    uint8_t *nx = out->next_packet, *nrouting = nx + 34;
    gen_key(ctx, key, &ctx->k_rho, ss);
    crypto_stream_chacha20_xor(nx, routing, r, ZERO_NONCE, key);
    sh_ct_declassify(nx, r);

    size_t prefix, L;
    if ((rc = mix_onion_hop_split(nx, r, &prefix, &L)) != 0)
        goto done;
    if (L > out->payload_cap) {
        rc = SH_ERR_OVERSIZE;
        goto done;
    }
    size_t shift = prefix + L + MIX_ONION_HMAC_BYTES;    /* >= 34 */
    memcpy(out->payload, nx + prefix, L);
    memcpy(next_hmac, nx + prefix + L, 32);

    /* The replay tag: the packet's HMAC, now verified.  Only a holder of mu
     * (the sender, or this relay) can make a valid packet, so a packet
     * replayed by anyone else carries the same HMAC; and the tag is public
     * (it was on the wire), so the replay store keeps nothing derived from
     * a secret. */
    memcpy(out->tag, mac, sizeof out->tag);
    sh_ct_declassify(out->tag, sizeof out->tag);

    out->final = sodium_is_zero(next_hmac, 32);
    if (out->final) {
        memset(nx, 0, r);                   /* nothing to forward */
    } else {
        memmove(nrouting, nx + shift, r - shift);
        memset(nrouting + r - shift, 0, shift);
        stream_xor_at(nrouting + r - shift, nrouting + r - shift, shift, r, key);
        sh_ct_declassify(nrouting + r - shift, shift);
        memcpy(nx + 34 + r, next_hmac, 32);
        /* E' = b * E with b = SHA256(E || ss), constant time in b through
         * secp256k1_ecdh, whose callback writes E' compressed straight
         * into the next packet (E' is public: it goes on the wire). */
        if ((rc = sha256_2(ctx, b, packet + 1, 33, ss, 32)) != 0)
            goto done;
        int ok = secp256k1_ecdh(ctx->secp, nx + 1, &E, b, ecdh_compressed, NULL);
        sh_ct_declassify(&ok, sizeof ok);
        sh_ct_declassify(nx + 1, 33);
        if (!ok) {
            rc = SH_ERR_INTERNAL;           /* b = 0 or >= n: probability 2^-128 */
            goto done;
        }
        nx[0] = MIX_ONION_VERSION;
    }
    out->payload_len = L;
    rc = 0;
done:
    sodium_memzero(ss, sizeof ss);
    sodium_memzero(key, sizeof key);
    sodium_memzero(b, sizeof b);
    sodium_memzero(mac, sizeof mac);
    if (rc != 0)
        peeled_clear(out, packet_len);
    return rc;
}

const char *mix_onion_reason(int code)
{
    switch (code) {
    case 0:
        return "onion: ok";
    case SH_ERR_LENGTH:
        return "onion: bad packet or hop payload length";
    case SH_ERR_VERSION:
        return "onion: unknown version";
    case SH_ERR_POINT:
        return "onion: bad ephemeral key";
    case SH_ERR_VERIFY:
        return "onion: bad hmac";
    case SH_ERR_NONCANONICAL:
        return "onion: non-minimal hop payload length";
    case SH_ERR_OVERSIZE:
        return "onion: hop payload too large";
    case SH_ERR_NOMEM:
        return "onion: out of memory";
    case SH_ERR_ARG:
        return "onion: bad arguments or node key";
    default:
        return "onion: internal error";
    }
}
