/* fuzz/fuzz_mix_frame.c -- the mixnet frame and final-payload parsers on
 * arbitrary bytes.  The first byte chooses the target:
 *   0  mix_frame_decode on data[1..]: a success re-encodes to exactly the
 *      input (one accepted encoding), the packet points inside the input;
 *      a failure gives a "frame: " reason;
 *   1  mix_final_decode on data[1..]: a success re-encodes to the input.
 * Properties violated abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mixnet/cover.h"
#include "mixnet/frame.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void frame(const uint8_t *d, size_t n)
{
    uint64_t epoch;
    const uint8_t *p;
    size_t pl;
    const char *why;
    int rc = mix_frame_decode(d, n, &epoch, &p, &pl, &why);
    if (rc != 0) {
        if (why == NULL || strncmp(why, "frame: ", 7) != 0)
            abort();
        return;
    }
    if (p < d || p + pl > d + n)
        abort();
    sh_buf b;
    sh_buf_init(&b);
    if (mix_frame_encode(&b, epoch, p, pl) != 0 || b.len != n || memcmp(b.data, d, n) != 0)
        abort();
    sh_buf_free(&b);
}

static void final(const uint8_t *d, size_t n)
{
    uint8_t cls;
    const uint8_t *body;
    size_t bl;
    if (mix_final_decode(d, n, &cls, &body, &bl) != 0)
        return;
    uint8_t *out = malloc(n > 0 ? n : 1);
    if (out == NULL)
        return;
    if (mix_final_encode(out, n, cls, body, bl) != 0 || memcmp(out, d, n) != 0)
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] == 0)
        frame(data + 1, size - 1);
    else if (data[0] == 1)
        final(data + 1, size - 1);
    return 0;
}
