/* fuzz/fuzz_node_wire.c -- the node message decoder (node/wire.c) on
 * arbitrary bytes.
 *
 * Properties (abort on violation): nothing crashes; a failure always names
 * a reason; a decoded message re-encodes to exactly the input (one
 * encoding per message); SYNC ids come out strictly increasing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    node_wire_msg m;
    const char *why = NULL;
    if (node_wire_decode(&m, data, size, &why) != 0) {
        if (why == NULL)
            abort();
        return 0;
    }
    sh_buf b;
    sh_buf_init(&b);
    int rc;
    if (m.type == NODE_MSG_SYNC) {
        uint32_t *ids = malloc((m.n_ids + 1) * sizeof *ids);
        if (ids == NULL)
            abort();
        for (uint32_t i = 0; i < m.n_ids; i++) {
            ids[i] = node_wire_sync_id(&m, i);
            if (i > 0 && ids[i] <= ids[i - 1])
                abort();
        }
        rc = node_wire_encode_sync(&b, ids, m.n_ids);
        free(ids);
    } else {
        rc = node_wire_encode(&b, m.type, m.body, m.body_len);
    }
    if (rc != 0 || b.len != size || memcmp(b.data, data, size) != 0)
        abort();
    sh_buf_free(&b);
    return 0;
}
