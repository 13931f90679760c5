/* util/rng.c -- OS and deterministic ChaCha20 generators. */
#include "util/rng.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static void os_fill(sh_rng *self, uint8_t *out, size_t len)
{
    (void)self;
    randombytes_buf(out, len);
}

static sh_rng os_rng = { os_fill, NULL };

sh_rng *sh_rng_os_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    return &os_rng;
}

typedef struct chacha_rng {
    sh_rng base;             /* must be first */
    uint8_t key[crypto_stream_chacha20_ietf_KEYBYTES];
    uint8_t block[64];       /* current keystream block */
    size_t used;             /* bytes of block already handed out */
    uint32_t counter;        /* next block counter */
    uint32_t nonce_hi;       /* extends the counter past 2^32 blocks */
} chacha_rng;

static void chacha_refill(chacha_rng *r)
{
    uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
    /* After 2^32 blocks (256 GiB) the nonce's first word steps, so the
     * stream never repeats; the first 256 GiB match plain RFC 8439. */
    nonce[0] = (uint8_t)r->nonce_hi;
    nonce[1] = (uint8_t)(r->nonce_hi >> 8);
    nonce[2] = (uint8_t)(r->nonce_hi >> 16);
    nonce[3] = (uint8_t)(r->nonce_hi >> 24);
    memset(r->block, 0, sizeof r->block);
    crypto_stream_chacha20_ietf_xor_ic(r->block, r->block, sizeof r->block,
                                       nonce, r->counter, r->key);
    if (++r->counter == 0)
        r->nonce_hi++;
    r->used = 0;
}

static void chacha_fill(sh_rng *self, uint8_t *out, size_t len)
{
    chacha_rng *r = (chacha_rng *)self;
    while (len > 0) {
        if (r->used == sizeof r->block)
            chacha_refill(r);
        size_t take = sizeof r->block - r->used;
        if (take > len)
            take = len;
        memcpy(out, r->block + r->used, take);
        r->used += take;
        out += take;
        len -= take;
    }
}

static void chacha_destroy(sh_rng *self)
{
    sodium_memzero(self, sizeof(chacha_rng));
    free(self);
}

sh_rng *sh_rng_chacha_new(const uint8_t seed[SH_RNG_SEEDBYTES])
{
    if (sodium_init() < 0)
        return NULL;
    chacha_rng *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->base.fill = chacha_fill;
    r->base.destroy = chacha_destroy;
    memcpy(r->key, seed, sizeof r->key);
    r->used = sizeof r->block;   /* empty: first use refills */
    return &r->base;
}

void sh_rng_derive_seed(uint8_t out[SH_RNG_SEEDBYTES],
                        const uint8_t parent[SH_RNG_SEEDBYTES],
                        const char *label, uint64_t index)
{
    static const char tag[] = "shroud-rng-derive";
    crypto_generichash_state st;
    uint8_t idx[8];
    for (int i = 0; i < 8; i++)
        idx[i] = (uint8_t)(index >> (8 * i));
    crypto_generichash_init(&st, parent, SH_RNG_SEEDBYTES, SH_RNG_SEEDBYTES);
    crypto_generichash_update(&st, (const uint8_t *)tag, sizeof tag - 1);
    uint8_t llen[8];
    size_t ll = strlen(label);
    for (int i = 0; i < 8; i++)
        llen[i] = (uint8_t)((uint64_t)ll >> (8 * i));
    crypto_generichash_update(&st, llen, sizeof llen);
    crypto_generichash_update(&st, (const uint8_t *)label, ll);
    crypto_generichash_update(&st, idx, sizeof idx);
    crypto_generichash_final(&st, out, SH_RNG_SEEDBYTES);
    sodium_memzero(&st, sizeof st);
}

void sh_rng_free(sh_rng *rng)
{
    if (rng != NULL && rng->destroy != NULL)
        rng->destroy(rng);
}

void sh_rng_bytes(sh_rng *rng, void *out, size_t len)
{
    rng->fill(rng, out, len);
}

uint64_t sh_rng_u64(sh_rng *rng)
{
    uint8_t b[8];
    uint64_t v = 0;
    rng->fill(rng, b, sizeof b);
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

uint64_t sh_rng_uniform(sh_rng *rng, uint64_t bound)
{
    if (bound <= 1)
        return 0;
    /* Reject the top sliver [2^64 - (2^64 mod bound), 2^64) so every
     * residue is equally likely. */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
    for (;;) {
        uint64_t v = sh_rng_u64(rng);
        if (v <= limit)
            return v % bound;
    }
}

double sh_rng_double(sh_rng *rng)
{
    return (double)(sh_rng_u64(rng) >> 11) * 0x1.0p-53;
}
