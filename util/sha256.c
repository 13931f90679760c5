/* util/sha256.c -- SHA-256 and HMAC-SHA256 through libcrypto (sha256.h). */
#include "util/sha256.h"

#include <stdlib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

struct sh_sha256 {
    EVP_MD *md;               /* fetched once: a fetch per call costs more than a block */
    EVP_MD_CTX *mdctx;
    EVP_MAC *mac;
    EVP_MAC_CTX *hmac;        /* HMAC with SHA-256 chosen, never keyed: duplicated per call */
};

sh_sha256 *sh_sha256_new(void)
{
    sh_sha256 *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    if ((h->md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL
        || (h->mdctx = EVP_MD_CTX_new()) == NULL
        || (h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL
        || (h->hmac = EVP_MAC_CTX_new(h->mac)) == NULL
        || !EVP_MAC_CTX_set_params(h->hmac, params)) {
        sh_sha256_free(h);
        return NULL;
    }
    return h;
}

void sh_sha256_free(sh_sha256 *h)
{
    if (h == NULL)
        return;
    EVP_MAC_CTX_free(h->hmac);
    EVP_MAC_free(h->mac);
    EVP_MD_CTX_free(h->mdctx);
    EVP_MD_free(h->md);
    free(h);
}

int sh_sha256_2(sh_sha256 *h, uint8_t out[SH_SHA256_BYTES], const uint8_t *a, size_t alen,
                const uint8_t *b, size_t blen)
{
    if (h == NULL || out == NULL || (a == NULL && alen > 0) || (b == NULL && blen > 0))
        return SH_ERR_ARG;
    unsigned int len = 0;
    int ok = EVP_DigestInit_ex2(h->mdctx, h->md, NULL)
             && (alen == 0 || EVP_DigestUpdate(h->mdctx, a, alen))
             && (blen == 0 || EVP_DigestUpdate(h->mdctx, b, blen))
             && EVP_DigestFinal_ex(h->mdctx, out, &len) && len == SH_SHA256_BYTES;
    /* The final chaining value is the digest (possibly a secret): reset
     * frees the provider's context, which libcrypto clears. */
    EVP_MD_CTX_reset(h->mdctx);
    return ok ? 0 : SH_ERR_INTERNAL;
}

int sh_hmac_sha256_2(sh_sha256 *h, uint8_t out[SH_SHA256_BYTES], const uint8_t *key,
                     size_t klen, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (h == NULL || out == NULL || key == NULL || (a == NULL && alen > 0)
        || (b == NULL && blen > 0))
        return SH_ERR_ARG;
    /* A context of its own, freed (and so cleared) at once: the keyed
     * inner and outer states never outlive the call. */
    EVP_MAC_CTX *c = EVP_MAC_CTX_dup(h->hmac);
    if (c == NULL)
        return SH_ERR_NOMEM;
    size_t len = 0;
    int ok = EVP_MAC_init(c, key, klen, NULL)
             && (alen == 0 || EVP_MAC_update(c, a, alen))
             && (blen == 0 || EVP_MAC_update(c, b, blen))
             && EVP_MAC_final(c, out, &len, SH_SHA256_BYTES) && len == SH_SHA256_BYTES;
    EVP_MAC_CTX_free(c);
    return ok ? 0 : SH_ERR_INTERNAL;
}
