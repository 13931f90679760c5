/* fuzz/fuzz_msgpack.c -- the strict msgpack reader on arbitrary bytes.
 * Properties: never crashes or leaks; never reports SH_ERR_INTERNAL (the
 * pre-scan and msgpack-c disagreeing); anything accepted is walked to the
 * end by the typed getters (each getter the peeked type names succeeds),
 * and writing back what they return reproduces the input byte for byte
 * (so exactly one encoding per value is accepted), which decodes again;
 * sh_mp_peek_envelope agrees with sh_mp_read_envelope; an input one byte
 * over max_len is refused as oversize; a message-shaped walk with a fixed
 * schema ([1, type, bin, uint, str, array, ...]) never crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN (1u << 20)

/* Read every element of a with the getter its type calls for and write
 * it to w.  Any getter failure is a bug: the reader accepted the input. */
static void rewrite(sh_mp_arr *a, sh_mp_writer *w, int depth)
{
    if (depth > SH_MP_MAX_DEPTH)
        abort();
    while (sh_mp_arr_left(a) > 0) {
        sh_mp_type t;
        bool b;
        uint64_t u;
        int64_t i;
        const uint8_t *p;
        const char *s;
        size_t n;
        sh_mp_arr sub;
        if (sh_mp_peek_type(a, &t) != 0)
            abort();
        switch (t) {
        case SH_MP_NIL:
            if (sh_mp_get_nil(a) != 0)
                abort();
            sh_mp_put_nil(w);
            break;
        case SH_MP_BOOL:
            if (sh_mp_get_bool(a, &b) != 0)
                abort();
            sh_mp_put_bool(w, b);
            break;
        case SH_MP_UINT:
            if (sh_mp_get_uint(a, 0, UINT64_MAX, &u) != 0)
                abort();
            sh_mp_put_uint(w, u);
            break;
        case SH_MP_INT:
            if (sh_mp_get_int(a, INT64_MIN, -1, &i) != 0)
                abort();
            sh_mp_put_int(w, i);
            break;
        case SH_MP_BIN:
            if (sh_mp_get_bin(a, SIZE_MAX, &p, &n) != 0)
                abort();
            sh_mp_put_bin(w, p, n);
            break;
        case SH_MP_STR:
            if (sh_mp_get_str(a, SIZE_MAX, &s, &n) != 0)
                abort();
            sh_mp_put_str(w, s, n);
            break;
        case SH_MP_ARRAY:
            if (sh_mp_get_array(a, 0, SIZE_MAX, &sub) != 0)
                abort();
            sh_mp_put_array(w, sub.n);
            rewrite(&sub, w, depth + 1);
            break;
        default:
            abort();
        }
    }
    if (sh_mp_arr_done(a) != 0)
        abort();
}

/* A typical message schema; only the absence of crashes matters. */
static void schema_walk(const sh_mp_reader *r)
{
    uint64_t type, u;
    sh_mp_arr f, sub;
    const uint8_t *p;
    const char *s;
    size_t n;
    uint8_t key[32];
    char name[16];
    if (sh_mp_read_envelope(r, 1, &type, 1, 8, &f) != 0)
        return;
    if (sh_mp_get_bin(&f, 64, &p, &n) != 0 && sh_mp_get_bin_exact(&f, key, sizeof key) != 0)
        return;
    if (sh_mp_get_uint(&f, 0, 1000, &u) != 0)
        return;
    if (sh_mp_get_str(&f, 32, &s, &n) != 0 && sh_mp_get_cstr(&f, name, sizeof name) != 0)
        return;
    if (sh_mp_get_array(&f, 0, 100, &sub) != 0)
        return;
    while (sh_mp_arr_left(&sub) > 0)
        if (sh_mp_get_bin_copy(&sub, key, sizeof key, &n) != 0)
            break;
    (void)sh_mp_arr_done(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_LEN)
        return 0;
    uint64_t pv = 0, pt = 0;
    int prc = sh_mp_peek_envelope(data, size, &pv, &pt);

    sh_mp_reader r;
    int rc = sh_mp_reader_init(&r, data, size, MAX_LEN);
    if (rc == SH_ERR_INTERNAL)
        abort();
    if (rc != 0) {
        sh_mp_reader_free(&r);
        return 0;
    }
    if (size == 0)
        abort();

    /* Walk and rewrite: must reproduce the input exactly. */
    sh_buf out;
    sh_buf_init(&out);
    sh_mp_writer w;
    sh_mp_writer_init(&w, &out);
    sh_mp_arr root;
    if (sh_mp_reader_cursor(&r, &root) != 0)
        abort();
    rewrite(&root, &w, 0);
    if (sh_mp_writer_finish(&w) != 0 || out.len != size
        || memcmp(out.data, data, size) != 0)
        abort();
    sh_mp_reader r2;
    if (sh_mp_reader_init(&r2, out.data, out.len, out.len) != 0)
        abort();
    sh_mp_reader_free(&r2);
    sh_buf_free(&out);

    /* peek and read agree about the envelope. */
    uint64_t type;
    sh_mp_arr fields;
    int erc = sh_mp_read_envelope(&r, pv, &type, 0, SIZE_MAX, &fields);
    if ((prc == 0) != (erc == 0) || (erc == 0 && type != pt))
        abort();

    schema_walk(&r);
    sh_mp_reader_free(&r);

    /* The size limit is checked first, whatever the bytes. */
    if (sh_mp_reader_init(&r, data, size, size - 1) != SH_ERR_OVERSIZE)
        abort();
    return 0;
}
