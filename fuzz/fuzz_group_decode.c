/* fuzz/fuzz_group_decode.c -- point and scalar decoding on arbitrary bytes.
 * Properties: never crashes; a successful decode re-encodes to the same
 * bytes (canonical encodings only); the verdict on points matches
 * libsodium whenever the top bit is clear (libsodium 1.0.18 ignores it). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "zk/group.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sodium_init() < 0)
        abort();
    for (size_t off = 0; off + 32 <= size; off += 32) {
        const uint8_t *b = data + off;
        uint8_t again[32];
        zk_point p;
        int rc = zk_point_decode(&p, b);
        if (rc == 0) {
            zk_point_encode(again, &p);
            if (memcmp(again, b, 32) != 0)
                abort();
        } else if (rc != SH_ERR_POINT) {
            abort();
        }
        if ((b[31] & 0x80) == 0 && (rc == 0) != (crypto_core_ristretto255_is_valid_point(b) == 1))
            abort();
        if ((b[31] & 0x80) != 0 && rc == 0)
            abort();

        zk_scalar s;
        rc = zk_scalar_decode(&s, b);
        if (rc == 0) {
            zk_scalar_encode(again, &s);
            if (memcmp(again, b, 32) != 0)
                abort();
        } else if (rc != SH_ERR_NONCANONICAL) {
            abort();
        }
    }
    if (size >= 64) {
        zk_point p;
        zk_point_from_hash(&p, data);
        uint8_t a[32], b[32];
        zk_point_encode(a, &p);
        crypto_core_ristretto255_from_hash(b, data);
        if (memcmp(a, b, 32) != 0)
            abort();
    }
    return 0;
}
