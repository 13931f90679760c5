/* fuzz/fuzz_gossip_decode.c -- the gossip decoders (gossip/gossip_msg.c,
 * gossip/descriptor.c) on arbitrary bytes.
 *
 * Properties (abort on violation, so libFuzzer reports them):
 *   - nothing crashes or trips a sanitizer;
 *   - a decoded protocol message, descriptor or announcement re-encodes to
 *     exactly the input bytes (one accepted encoding per value);
 *   - a failure always names a reason (never GOSSIP_DESC_OK);
 *   - checking a decoded descriptor or announcement never crashes, with
 *     both providers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "gossip/gossip_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const sh_buf *b, const uint8_t *data, size_t size)
{
    if (b->len != size || memcmp(b->data, data, size) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (sodium_init() < 0)
            abort();
        ready = 1;
    }
    sh_buf b;
    sh_buf_init(&b);

    gossip_msg m;
    gossip_rej why;
    if (gossip_msg_decode(&m, data, size, &why) == 0) {
        if (gossip_msg_encode(&m, &b) != 0)
            abort();
        same(&b, data, size);
        sh_buf_reset(&b);
    } else if ((unsigned)why >= GOSSIP_REJ_COUNT) {
        abort();
    }

    gossip_desc d;
    gossip_desc_err e = GOSSIP_DESC_OK;
    if (gossip_desc_decode(&d, data, size, &e) == 0) {
        if (gossip_desc_encode(&d, &b) != 0)
            abort();
        same(&b, data, size);
        sh_buf_reset(&b);
        (void)gossip_desc_check(&d, &gossip_crypto_fast, 1700000000);
        (void)gossip_desc_check(&d, &gossip_crypto_full, 1700000000);
    } else if (e == GOSSIP_DESC_OK) {
        abort();
    }

    gossip_ann a;
    if (gossip_ann_decode(&a, data, size, &e) == 0) {
        if (gossip_ann_encode(&a, &b) != 0)
            abort();
        same(&b, data, size);
        (void)gossip_ann_check(&a, &gossip_crypto_fast, 1700000000);
    } else if (e == GOSSIP_DESC_OK) {
        abort();
    }
    sh_buf_free(&b);
    return 0;
}
