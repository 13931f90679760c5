/* mixnet/onion.c -- BOLT 4 Sphinx packets: create and peel (onion.h,
 * docs/onion.md).
 *
 * Primitives: libsecp256k1 (ECDH, key creation, private-key tweak) and
 * libsodium (SHA-256, HMAC-SHA256, ChaCha20).  Secrets live on the stack or
 * in heap scratch and are wiped with sodium_memzero before returning.
 */
#include "mixnet/onion.h"
#include "mixnet/tlv.h"
#include "util/ct.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

struct mix_onion_ctx {
    secp256k1_context *secp;
};

/* BOLT 4: ChaCha20 with a zero nonce and counter 0.  libsodium's original
 * ChaCha20 (64-bit nonce, 64-bit counter) produces the same keystream as
 * the IETF variant (96-bit nonce, 32-bit counter) for a zero nonce over
 * the first 2^32 blocks, far beyond any packet. */
static const uint8_t ZERO_NONCE[crypto_stream_chacha20_NONCEBYTES];

mix_onion_ctx *mix_onion_ctx_new(sh_rng *rng)
{
    mix_onion_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    ctx->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (ctx->secp == NULL) {
        free(ctx);
        return NULL;
    }
    if (rng != NULL) {
        uint8_t seed[32];
        sh_rng_bytes(rng, seed, sizeof seed);
        int ok = secp256k1_context_randomize(ctx->secp, seed);
        sodium_memzero(seed, sizeof seed);
        if (!ok) {
            secp256k1_context_destroy(ctx->secp);
            free(ctx);
            return NULL;
        }
    }
    return ctx;
}

void mix_onion_ctx_free(mix_onion_ctx *ctx)
{
    if (ctx == NULL)
        return;
    secp256k1_context_destroy(ctx->secp);
    free(ctx);
}

/* ---- small helpers --------------------------------------------------------- */

/* HMAC-SHA256 keyed by an ASCII key type, over a 32-byte secret. */
static void gen_key(uint8_t out[32], const char *type, const uint8_t secret[32])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const uint8_t *)type, strlen(type));
    crypto_auth_hmacsha256_update(&st, secret, 32);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* HMAC-SHA256(mu, a || b). */
static void hmac2(uint8_t out[32], const uint8_t mu[32], const uint8_t *a, size_t alen,
                  const uint8_t *b, size_t blen)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, mu, 32);
    crypto_auth_hmacsha256_update(&st, a, alen);
    if (blen > 0)
        crypto_auth_hmacsha256_update(&st, b, blen);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* b = SHA256(E || ss): the blinding factor. */
static void blinding_factor(uint8_t b[32], const uint8_t E[33], const uint8_t ss[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, E, 33);
    crypto_hash_sha256_update(&st, ss, 32);
    crypto_hash_sha256_final(&st, b);
    sodium_memzero(&st, sizeof st);
}

/* A secp256k1_ecdh "hash" returning the whole product, 0x04 || x || y: the
 * constant-time variable-base multiplication of the public API. */
static int ecdh_xy(unsigned char *out, const unsigned char *x32,
                   const unsigned char *y32, void *data)
{
    (void)data;
    out[0] = 0x04;
    memcpy(out + 1, x32, 32);
    memcpy(out + 33, y32, 32);
    return 1;
}

/* ss = SHA256(compressed(sk * P)), constant time in sk. */
static int shared_secret(const mix_onion_ctx *ctx, uint8_t ss[32],
                         const secp256k1_pubkey *P, const uint8_t sk[32])
{
    int ok = secp256k1_ecdh(ctx->secp, ss, P, sk, secp256k1_ecdh_hash_function_sha256,
                            NULL);
    sh_ct_declassify(&ok, sizeof ok);   /* 0 only for an invalid key: an argument error */
    return ok ? 0 : SH_ERR_ARG;
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

static void xor_into(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] ^= src[i];
}

/* ---- create -------------------------------------------------------------- */

typedef struct hop_secrets {
    uint8_t ss[MIX_ONION_MAX_HOPS][32];
    uint8_t e[32];                          /* the running ephemeral private key */
    uint8_t b[32];
    uint8_t rho[32], mu[32], pad[32];
} hop_secrets;

int mix_onion_create(mix_onion_ctx *ctx, uint8_t *packet, size_t packet_len,
                     const uint8_t session_key[MIX_ONION_SECKEY_BYTES],
                     const mix_onion_hop *hops, size_t n_hops,
                     const uint8_t *ad, size_t ad_len, size_t *bad_hop)
{
    hop_secrets sec;
    uint8_t *scratch = NULL;
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

    /* scratch: mix header (r) | stream (2r) | filler (r) */
    scratch = malloc(4 * r);
    if (scratch == NULL)
        return SH_ERR_NOMEM;
    uint8_t *mix = scratch, *stream = scratch + r, *filler = scratch + 3 * r;

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
        if (i + 1 < n_hops) {
            blinding_factor(sec.b, Ei, sec.ss[i]);
            int ok = secp256k1_ec_seckey_tweak_mul(ctx->secp, sec.e, sec.b);
            sh_ct_declassify(&ok, sizeof ok);   /* fails with probability ~2^-128 */
            if (!ok) {
                rc = SH_ERR_INTERNAL;
                goto done;
            }
        }
    }

    /* 2. The filler: what the hops' left shifts bring in at the end of the
     *    routing info, as hop n-1 will see it. */
    size_t flen = 0;
    for (size_t i = 0; i + 1 < n_hops; i++) {
        gen_key(sec.rho, "rho", sec.ss[i]);
        crypto_stream_chacha20(stream, r + sizes[i], ZERO_NONCE, sec.rho);
        memset(filler + flen, 0, sizes[i]);
        flen += sizes[i];
        xor_into(filler, stream + r + sizes[i] - flen, flen);
    }

    /* 3. The routing info, from the last hop back to the first, starting
     *    from the "pad" stream of the session key. */
    gen_key(sec.pad, "pad", session_key);
    crypto_stream_chacha20(mix, r, ZERO_NONCE, sec.pad);
    uint8_t next_hmac[32] = { 0 };
    for (size_t k = n_hops; k-- > 0;) {
        size_t s = sizes[k], L = hops[k].payload_len;
        memmove(mix + s, mix, r - s);
        size_t o = mix_bigsize_encode(mix, L);
        memcpy(mix + o, hops[k].payload, L);
        memcpy(mix + o + L, next_hmac, 32);
        gen_key(sec.rho, "rho", sec.ss[k]);
        gen_key(sec.mu, "mu", sec.ss[k]);
        crypto_stream_chacha20_xor(mix, mix, r, ZERO_NONCE, sec.rho);
        if (k == n_hops - 1 && flen > 0)
            memcpy(mix + r - flen, filler, flen);
        hmac2(next_hmac, sec.mu, mix, r, ad, ad_len);
    }

    packet[0] = MIX_ONION_VERSION;
    memcpy(packet + 1, E0, 33);
    memcpy(packet + 34, mix, r);
    memcpy(packet + 34 + r, next_hmac, 32);
    sh_ct_declassify(packet, packet_len);   /* the packet goes on the wire */
    rc = 0;
done:
    sodium_memzero(&sec, sizeof sec);
    sodium_memzero(scratch, 4 * r);
    free(scratch);
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
    uint8_t ss[32], key[32], b[32], mac[32], xy[65];
    uint8_t *buf = NULL;
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
    if (!secp256k1_ec_pubkey_parse(ctx->secp, &E, packet + 1, 33))
        return SH_ERR_POINT;
    if ((buf = malloc(2 * r)) == NULL)
        return SH_ERR_NOMEM;

    const uint8_t *routing = packet + 34, *hmac_in = packet + 34 + r;
    if ((rc = shared_secret(ctx, ss, &E, node_sk)) != 0)
        goto done;

    /* The HMAC first: nothing of an unauthenticated packet is used. */
    gen_key(key, "mu", ss);
    hmac2(mac, key, routing, r, ad, ad_len);
    int bad = sodium_memcmp(mac, hmac_in, 32);
    sh_ct_declassify(&bad, sizeof bad);     /* the verdict is public */
    if (bad != 0) {
        rc = SH_ERR_VERIFY;
        goto done;
    }

    /* Decrypt routing_info || 0^r with the rho stream. */
    gen_key(key, "rho", ss);
    memcpy(buf, routing, r);
    memset(buf + r, 0, r);
    crypto_stream_chacha20_xor(buf, buf, 2 * r, ZERO_NONCE, key);
    sh_ct_declassify(buf, 2 * r);           /* this relay's own plaintext */

    size_t prefix, L;
    if ((rc = mix_onion_hop_split(buf, r, &prefix, &L)) != 0)
        goto done;
    if (L > out->payload_cap) {
        rc = SH_ERR_OVERSIZE;
        goto done;
    }
    const uint8_t *next_hmac = buf + prefix + L;
    size_t shift = prefix + L + MIX_ONION_HMAC_BYTES;

    /* The replay tag. */
    gen_key(out->tag, "replay", ss);
    sh_ct_declassify(out->tag, sizeof out->tag);   /* stored and indexed */

    out->final = sodium_is_zero(next_hmac, 32);
    if (!out->final) {
        /* E' = b * E with b = SHA256(E || ss), constant time in b through
         * secp256k1_ecdh; E' is public (it goes on the wire), so parsing
         * it in variable time is fine. */
        secp256k1_pubkey En;
        blinding_factor(b, packet + 1, ss);
        int ok = secp256k1_ecdh(ctx->secp, xy, &E, b, ecdh_xy, NULL);
        sh_ct_declassify(&ok, sizeof ok);
        sh_ct_declassify(xy, sizeof xy);
        if (!ok || !secp256k1_ec_pubkey_parse(ctx->secp, &En, xy, sizeof xy)) {
            rc = SH_ERR_INTERNAL;           /* b = 0 or >= n: probability 2^-128 */
            goto done;
        }
        out->next_packet[0] = MIX_ONION_VERSION;
        if ((rc = serialize33(ctx, out->next_packet + 1, &En)) != 0)
            goto done;
        memcpy(out->next_packet + 34, buf + shift, r);
        memcpy(out->next_packet + 34 + r, next_hmac, 32);
    }
    memcpy(out->payload, buf + prefix, L);
    out->payload_len = L;
    rc = 0;
done:
    sodium_memzero(ss, sizeof ss);
    sodium_memzero(key, sizeof key);
    sodium_memzero(b, sizeof b);
    sodium_memzero(mac, sizeof mac);
    sodium_memzero(xy, sizeof xy);
    if (buf != NULL) {
        sodium_memzero(buf, 2 * r);
        free(buf);
    }
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
