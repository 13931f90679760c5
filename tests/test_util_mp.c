/* tests/test_util_mp.c -- the strict msgpack writer and reader. */
#include <criterion/criterion.h>
#include <string.h>
#include "util/mp.h"
#include "util/hex.h"

#define MAXLEN 100000

/* Decode hex test input into a static buffer. */
static const uint8_t *hx(const char *hex, size_t *len)
{
    static uint8_t buf[4096];
    cr_assert_eq(sh_hex_decode(buf, sizeof buf, len, hex, strlen(hex)), 0, "bad test hex");
    return buf;
}

/* Result of sh_mp_reader_init on hex input (freeing the reader). */
static int decode_hex(const char *hex)
{
    size_t len;
    const uint8_t *p = hx(hex, &len);
    sh_mp_reader r;
    int rc = sh_mp_reader_init(&r, p, len, MAXLEN);
    sh_mp_reader_free(&r);
    return rc;
}

static int envelope(const char *hex, uint64_t version, size_t minf, size_t maxf,
                    uint64_t *type);

static void expect_hex(const sh_buf *b, const char *hex)
{
    char got[4096];
    cr_assert_eq(sh_hex_encode(got, sizeof got, b->data, b->len), 0);
    cr_assert_str_eq(got, hex);
}

/* The byte-level example of docs/msgpack.md: a message of version 1,
 * type 7 with fields bin(01 02 03), uint 300, str "hi", [true, nil, -1]. */

static void write_doc_example(sh_buf *b)
{
    static const uint8_t bin[] = { 1, 2, 3 };
    sh_mp_writer w;
    sh_mp_writer_init(&w, b);
    sh_mp_put_envelope(&w, 1, 7, 4);
    sh_mp_put_bin(&w, bin, sizeof bin);
    sh_mp_put_uint(&w, 300);
    sh_mp_put_cstr(&w, "hi");
    sh_mp_put_array(&w, 3);
    sh_mp_put_bool(&w, true);
    sh_mp_put_nil(&w);
    sh_mp_put_int(&w, -1);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
}

Test(mp, doc_example_bytes_and_envelope)
{
    sh_buf b;
    sh_buf_init(&b);
    write_doc_example(&b);
    /* 97 | 01 | 07 | c4 03 010203 | cd 012c | a2 6869 | 93 c3 c0 ff */
    expect_hex(&b, "960107c403010203cd012ca2686993c3c0ff");

    uint64_t v, t;
    cr_assert_eq(sh_mp_peek_envelope(b.data, b.len, &v, &t), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(t, 7);

    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, b.data, b.len, b.len), 0);
    sh_mp_arr f, inner;
    cr_assert_eq(sh_mp_read_envelope(&r, 1, &t, 4, 4, &f), 0);
    cr_assert_eq(t, 7);
    uint8_t bin[3];
    uint64_t u;
    const char *s;
    size_t slen;
    bool bo;
    int64_t i;
    cr_assert_eq(sh_mp_get_bin_exact(&f, bin, 3), 0);
    cr_assert_eq(bin[2], 3);
    cr_assert_eq(sh_mp_get_uint(&f, 0, 1000, &u), 0);
    cr_assert_eq(u, 300);
    cr_assert_eq(sh_mp_get_str(&f, 10, &s, &slen), 0);
    cr_assert_eq(slen, 2);
    cr_assert_eq(memcmp(s, "hi", 2), 0);
    cr_assert_eq(sh_mp_get_array(&f, 3, 3, &inner), 0);
    cr_assert_eq(sh_mp_arr_done(&f), 0);
    cr_assert_eq(sh_mp_get_bool(&inner, &bo), 0);
    cr_assert(bo);
    cr_assert_eq(sh_mp_get_nil(&inner), 0);
    cr_assert_eq(sh_mp_get_int(&inner, -5, 5, &i), 0);
    cr_assert_eq(i, -1);
    cr_assert_eq(sh_mp_arr_done(&inner), 0);
    cr_assert_eq(sh_mp_get_nil(&inner), SH_ERR_LENGTH, "past the end");
    sh_mp_reader_free(&r);
    sh_mp_reader_free(&r);   /* twice is harmless */
    /* the modified examples of docs/msgpack.md */
    cr_assert_eq(decode_hex("960107c403010203ce0000012ca2686993c3c0ff"), SH_ERR_NONCANONICAL);
    cr_assert_eq(decode_hex("960107c403010203cd012ca2686993c3c0ff00"), SH_ERR_TRAILING);
    cr_assert_eq(decode_hex("960107c403010203cd012ca2686993c3c0"), SH_ERR_TRUNCATED);
    cr_assert_eq(decode_hex("970107c403010203cd012ca2686993c3c0ff"), SH_ERR_TRUNCATED);
    uint64_t t2;
    cr_assert_eq(envelope("960207c403010203cd012ca2686993c3c0ff", 1, 4, 4, &t2), SH_ERR_VERSION);
    /* max_len exactly the length is fine, one less is not */
    cr_assert_eq(sh_mp_reader_init(&r, b.data, b.len, b.len - 1), SH_ERR_OVERSIZE);
    sh_buf_free(&b);
}

static const uint64_t uints[] = {
    0, 1, 127, 128, 255, 256, 65535, 65536, 0xffffffffULL, 0x100000000ULL,
    INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX
};
static const int64_t ints[] = {
    -1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769,
    INT32_MIN + 1, INT32_MIN, (int64_t)INT32_MIN - 1, INT64_MIN + 1, INT64_MIN,
    0, 5, 200, 70000, INT64_MAX
};
static const size_t lens[] = { 0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536 };

Test(mp, round_trip_every_type_and_size_class)
{
    static uint8_t blob[70000];
    static char text[70000];
    for (size_t k = 0; k < sizeof blob; k++) {
        blob[k] = (uint8_t)(k * 13 + 7);
        text[k] = (char)('a' + k % 26);
    }
    size_t nl = sizeof lens / sizeof lens[0];
    size_t nu = sizeof uints / sizeof uints[0];
    size_t ni = sizeof ints / sizeof ints[0];
    sh_buf b;
    sh_buf_init(&b);
    sh_mp_writer w;
    sh_mp_writer_init(&w, &b);
    sh_mp_put_envelope(&w, 3, 99, 5);
    sh_mp_put_array(&w, nu);
    for (size_t k = 0; k < nu; k++)
        sh_mp_put_uint(&w, uints[k]);
    sh_mp_put_array(&w, ni);
    for (size_t k = 0; k < ni; k++)
        sh_mp_put_int(&w, ints[k]);
    sh_mp_put_array(&w, nl);
    for (size_t k = 0; k < nl; k++)
        sh_mp_put_bin(&w, blob, lens[k]);
    sh_mp_put_array(&w, nl);
    for (size_t k = 0; k < nl; k++)
        sh_mp_put_str(&w, text, lens[k]);
    /* arrays of every header class: 0, 15, 16, 65535, 65536 elements */
    static const size_t alens[] = { 0, 15, 16, 65535, 65536 };
    sh_mp_put_array(&w, 5);
    for (size_t k = 0; k < 5; k++) {
        sh_mp_put_array(&w, alens[k]);
        for (size_t j = 0; j < alens[k]; j++)
            sh_mp_put_bool(&w, j % 2 == 0);
    }
    cr_assert_eq(sh_mp_writer_finish(&w), 0);

    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, b.data, b.len, b.len), 0);
    sh_mp_arr f, a, x;
    uint64_t t, u;
    int64_t i;
    cr_assert_eq(sh_mp_read_envelope(&r, 3, &t, 5, 5, &f), 0);
    cr_assert_eq(t, 99);
    cr_assert_eq(sh_mp_get_array(&f, nu, nu, &a), 0);
    for (size_t k = 0; k < nu; k++) {
        cr_assert_eq(sh_mp_get_uint(&a, 0, UINT64_MAX, &u), 0);
        cr_assert_eq(u, uints[k]);
    }
    cr_assert_eq(sh_mp_get_array(&f, ni, ni, &a), 0);
    for (size_t k = 0; k < ni; k++) {
        cr_assert_eq(sh_mp_get_int(&a, INT64_MIN, INT64_MAX, &i), 0);
        cr_assert_eq(i, ints[k]);
    }
    cr_assert_eq(sh_mp_get_array(&f, nl, nl, &a), 0);
    for (size_t k = 0; k < nl; k++) {
        const uint8_t *p;
        size_t n;
        cr_assert_eq(sh_mp_get_bin(&a, SIZE_MAX, &p, &n), 0);
        cr_assert_eq(n, lens[k]);
        cr_assert(n == 0 || memcmp(p, blob, n) == 0);
    }
    cr_assert_eq(sh_mp_get_array(&f, nl, nl, &a), 0);
    for (size_t k = 0; k < nl; k++) {
        const char *p;
        size_t n;
        cr_assert_eq(sh_mp_get_str(&a, SIZE_MAX, &p, &n), 0);
        cr_assert_eq(n, lens[k]);
        cr_assert(n == 0 || memcmp(p, text, n) == 0);
    }
    cr_assert_eq(sh_mp_get_array(&f, 5, 5, &a), 0);
    for (size_t k = 0; k < 5; k++) {
        cr_assert_eq(sh_mp_get_array(&a, alens[k], alens[k], &x), 0);
        for (size_t j = 0; j < alens[k]; j++) {
            bool bo;
            cr_assert_eq(sh_mp_get_bool(&x, &bo), 0);
            cr_assert_eq(bo, j % 2 == 0);
        }
        cr_assert_eq(sh_mp_arr_done(&x), 0);
    }
    cr_assert_eq(sh_mp_arr_done(&f), 0);
    sh_mp_reader_free(&r);
    sh_buf_free(&b);
}

/* The canonical forms, byte for byte. */
Test(mp, writer_emits_shortest_forms)
{
    static const struct { uint64_t v; const char *hex; } uv[] = {
        { 0, "00" }, { 127, "7f" }, { 128, "cc80" }, { 255, "ccff" },
        { 256, "cd0100" }, { 65535, "cdffff" }, { 65536, "ce00010000" },
        { 0xffffffffULL, "ceffffffff" }, { 0x100000000ULL, "cf0000000100000000" },
        { UINT64_MAX, "cfffffffffffffffff" },
    };
    static const struct { int64_t v; const char *hex; } iv[] = {
        { -1, "ff" }, { -32, "e0" }, { -33, "d0df" }, { -128, "d080" },
        { -129, "d1ff7f" }, { -32768, "d18000" }, { -32769, "d2ffff7fff" },
        { INT32_MIN, "d280000000" }, { (int64_t)INT32_MIN - 1, "d3ffffffff7fffffff" },
        { 5, "05" }, { 200, "ccc8" },
    };
    for (size_t k = 0; k < sizeof uv / sizeof uv[0]; k++) {
        sh_buf b;
        sh_buf_init(&b);
        sh_mp_writer w;
        sh_mp_writer_init(&w, &b);
        sh_mp_put_uint(&w, uv[k].v);
        cr_assert_eq(sh_mp_writer_finish(&w), 0);
        expect_hex(&b, uv[k].hex);
        cr_assert_eq(decode_hex(uv[k].hex), 0);
        sh_buf_free(&b);
    }
    for (size_t k = 0; k < sizeof iv / sizeof iv[0]; k++) {
        sh_buf b;
        sh_buf_init(&b);
        sh_mp_writer w;
        sh_mp_writer_init(&w, &b);
        sh_mp_put_int(&w, iv[k].v);
        cr_assert_eq(sh_mp_writer_finish(&w), 0);
        expect_hex(&b, iv[k].hex);
        cr_assert_eq(decode_hex(iv[k].hex), 0);
        sh_buf_free(&b);
    }
}

Test(mp, non_canonical_encodings_are_rejected)
{
    static const char *bad[] = {
        "cc05", "cc7f", "cd0005", "cd00ff", "ce00000005", "ce0000ffff",
        "cf0000000000000005", "cf00000000ffffffff",          /* uints */
        "d005", "d000", "d0ff", "d0e0", "d17fff", "d1ff80", "d10005",
        "d2ffff8000", "d200000005", "d3ffffffff80000000",
        "d30000000000000005",                                 /* ints */
        "d90568656c6c6f", "da000568656c6c6f", "db0000000568656c6c6f", /* str */
        "c50003010203", "c600000003010203",                   /* bin */
        "dc0003c0c0c0", "dd00000003c0c0c0",                   /* array */
        "9301cc05c0",                                         /* nested */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        cr_assert_eq(decode_hex(bad[k]), SH_ERR_NONCANONICAL, "accepted %s", bad[k]);
    /* and their canonical twins are fine */
    static const char *good[] = {
        "05", "d0df", "a568656c6c6f", "c403010203", "93c0c0c0", "930105c0",
    };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
        cr_assert_eq(decode_hex(good[k]), 0, "rejected %s", good[k]);
}

Test(mp, maps_floats_ext_and_reserved_bytes)
{
    static const char *type_bad[] = {
        "80", "8101c0", "de0001c0c0", "df00000001c0c0",       /* maps */
        "9201" "80",                                          /* map inside */
        "ca3f800000", "cb3ff0000000000000",                   /* floats */
        "d40100", "d5010000", "d601" "00000000", "d701" "0000000000000000",
        "d801" "00000000000000000000000000000000",            /* fixext */
        "c70101" "00", "c8000101" "00", "c900000001" "01" "00", /* ext */
        "9301" "ca3f800000" "c0",
    };
    for (size_t k = 0; k < sizeof type_bad / sizeof type_bad[0]; k++)
        cr_assert_eq(decode_hex(type_bad[k]), SH_ERR_TYPE, "accepted %s", type_bad[k]);
    cr_assert_eq(decode_hex("c1"), SH_ERR_FORMAT);
    cr_assert_eq(decode_hex("9201c1"), SH_ERR_FORMAT);
}

Test(mp, strings_must_be_utf8_without_nul)
{
    static const char *bad[] = {
        "a100",                 /* NUL */
        "a3610062",             /* NUL inside */
        "a180",                 /* lone continuation byte */
        "a2c080",               /* overlong NUL */
        "a2c1bf",               /* overlong */
        "a3e08080",             /* overlong 3-byte */
        "a3eda080",             /* surrogate U+D800 */
        "a4f4908080",           /* above U+10FFFF */
        "a4f0808080",           /* overlong 4-byte */
        "a2e282",               /* cut sequence */
        "a1ff",                 /* invalid byte */
        "a4f8888080",           /* 5-byte form */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        cr_assert_eq(decode_hex(bad[k]), SH_ERR_FORMAT, "accepted %s", bad[k]);
    /* e, U+20AC, U+1F600, U+10FFFF, U+FFFF */
    cr_assert_eq(decode_hex("a9c3a9e282acf09f9880"), 0);
    cr_assert_eq(decode_hex("a4f48fbfbf"), 0);
    cr_assert_eq(decode_hex("a3efbfbf"), 0);
    /* the writer refuses what the reader would refuse */
    sh_buf b;
    sh_buf_init(&b);
    sh_mp_writer w;
    sh_mp_writer_init(&w, &b);
    sh_mp_put_str(&w, "a\xc0\x80", 3);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_FORMAT);
    sh_buf_free(&b);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_str(&w, "a\0b", 3);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_FORMAT);
    sh_buf_free(&b);
}

Test(mp, trailing_bytes_and_empty_input)
{
    for (int extra = 0; extra < 256; extra++) {
        char hex[64];
        snprintf(hex, sizeof hex, "%s%02x", "960107c403010203cd012ca2686993c3c0ff", extra);
        cr_assert_eq(decode_hex(hex), SH_ERR_TRAILING, "byte %02x", extra);
    }
    cr_assert_eq(decode_hex("c0c0"), SH_ERR_TRAILING);
    cr_assert_eq(decode_hex("90" "90"), SH_ERR_TRAILING);
    cr_assert_eq(decode_hex(""), SH_ERR_TRUNCATED);
    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, NULL, 0, 10), SH_ERR_TRUNCATED);
    cr_assert_eq(sh_mp_reader_init(&r, NULL, 1, 10), SH_ERR_ARG);
}

Test(mp, truncated_at_every_prefix)
{
    sh_buf b;
    sh_buf_init(&b);
    write_doc_example(&b);
    /* plus a longer message exercising every header width */
    sh_buf big;
    sh_buf_init(&big);
    static uint8_t blob[300];
    sh_mp_writer w;
    sh_mp_writer_init(&w, &big);
    sh_mp_put_envelope(&w, 1, 2, 8);
    sh_mp_put_uint(&w, UINT64_MAX);
    sh_mp_put_int(&w, INT64_MIN);
    sh_mp_put_int(&w, -200);
    sh_mp_put_bin(&w, blob, 300);
    sh_mp_put_str(&w, "0123456789012345678901234567890123456789", 40);
    sh_mp_put_array(&w, 17);
    for (int k = 0; k < 17; k++)
        sh_mp_put_uint(&w, (uint64_t)k * 1000);
    sh_mp_put_array(&w, 0);
    sh_mp_put_array(&w, 1);
    sh_mp_put_array(&w, 1);
    sh_mp_put_bool(&w, false);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
    const sh_buf *msgs[] = { &b, &big };
    for (int m = 0; m < 2; m++) {
        sh_mp_reader r;
        cr_assert_eq(sh_mp_reader_init(&r, msgs[m]->data, msgs[m]->len, MAXLEN), 0);
        sh_mp_reader_free(&r);
        for (size_t n = 0; n < msgs[m]->len; n++) {
            int rc = sh_mp_reader_init(&r, msgs[m]->data, n, MAXLEN);
            cr_assert_eq(rc, SH_ERR_TRUNCATED, "prefix %zu of %zu: %d", n, msgs[m]->len, rc);
            sh_mp_reader_free(&r);
        }
    }
    sh_buf_free(&b);
    sh_buf_free(&big);
}

Test(mp, huge_declared_lengths_are_refused_before_allocation)
{
    static const char *bad[] = {
        "ddffffffff",                       /* array of 2^32-1, no elements */
        "ddffffffffc0c0c0",
        "dcffff" "dcffff" "dcffff" "dcffff",
        "dd00400000" "dd00400000" "dd00400000",
        "c6ffffffff", "c6ffffffff00", "dbffffffff61",
        "c5ffff", "daffff",
        "dc0010" "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0",  /* 16 declared, 15 there */
        /* the outer array promises 2 elements after a 3-element inner one,
         * leaving the last byte for both of them */
        "9393c0c0c0c0",
        "92" "dc0011" "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        cr_assert_eq(decode_hex(bad[k]), SH_ERR_TRUNCATED, "accepted %s", bad[k]);
    /* A tiny input nesting arrays that each declare 2^22 elements: given
     * to msgpack-c directly this reserves 100 MB per level (and returns
     * "continue", not an error); the pre-scan must refuse it first. */
    uint8_t nest[15 * 5];
    for (int k = 0; k < 15; k++) {
        nest[5 * k] = 0xdd;
        nest[5 * k + 1] = 0x00;
        nest[5 * k + 2] = 0x40;
        nest[5 * k + 3] = 0x00;
        nest[5 * k + 4] = 0x00;
    }
    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, nest, sizeof nest, MAXLEN), SH_ERR_TRUNCATED);
}

Test(mp, nesting_depth_limit)
{
    uint8_t in[64];
    for (size_t depth = 1; depth <= SH_MP_MAX_DEPTH + 2; depth++) {
        /* depth-1 arrays of one element, then an empty array: depth levels;
         * and the same ending in a nil instead. */
        for (int tail = 0; tail < 2; tail++) {
            size_t n = 0;
            for (size_t k = 0; k + 1 < depth; k++)
                in[n++] = 0x91;
            in[n++] = tail == 0 ? 0x90 : 0x91;
            if (tail == 1)
                in[n++] = 0xc0;
            size_t levels = depth;
            sh_mp_reader r;
            int rc = sh_mp_reader_init(&r, in, n, sizeof in);
            sh_mp_reader_free(&r);
            if (levels <= SH_MP_MAX_DEPTH)
                cr_assert_eq(rc, 0, "depth %zu", levels);
            else
                cr_assert_eq(rc, SH_ERR_OVERSIZE, "depth %zu: %d", levels, rc);
        }
    }
}

Test(mp, oversize_input_refused_before_parsing)
{
    uint8_t junk[11];
    memset(junk, 0xc1, sizeof junk);
    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, junk, sizeof junk, 10), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_mp_reader_init(&r, junk, 1, 10), SH_ERR_FORMAT);
    cr_assert_eq(sh_mp_reader_init(&r, junk, 1, 0), SH_ERR_OVERSIZE);
}

/* One message holding one element of each type, for the type matrix. */
static void all_types(sh_buf *b)
{
    static const uint8_t bin[4] = { 9, 8, 7, 6 };
    sh_mp_writer w;
    sh_mp_writer_init(&w, b);
    sh_mp_put_array(&w, 7);
    sh_mp_put_nil(&w);
    sh_mp_put_bool(&w, true);
    sh_mp_put_uint(&w, 42);
    sh_mp_put_int(&w, -42);
    sh_mp_put_bin(&w, bin, 4);
    sh_mp_put_cstr(&w, "four");
    sh_mp_put_array(&w, 0);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
}

/* Try getter g on element k; returns the result code. */
static int try_getter(sh_mp_arr *a, int g)
{
    bool bo;
    uint64_t u;
    int64_t i;
    uint8_t out[16];
    const uint8_t *p;
    const char *s;
    size_t n;
    char cs[16];
    sh_mp_arr x;
    switch (g) {
    case 0: return sh_mp_get_nil(a);
    case 1: return sh_mp_get_bool(a, &bo);
    case 2: return sh_mp_get_uint(a, 0, UINT64_MAX, &u);
    case 3: return sh_mp_get_int(a, INT64_MIN, INT64_MAX, &i);
    case 4: return sh_mp_get_bin(a, 16, &p, &n);
    case 5: return sh_mp_get_str(a, 16, &s, &n);
    case 6: return sh_mp_get_array(a, 0, 16, &x);
    case 7: return sh_mp_get_bin_exact(a, out, 4);
    case 8: return sh_mp_get_bin_copy(a, out, sizeof out, &n);
    case 9: return sh_mp_get_cstr(a, cs, sizeof cs);
    }
    return SH_ERR_INTERNAL;
}

Test(mp, every_wrong_type_is_refused_and_the_cursor_stays)
{
    /* element k holds type k: nil, bool, uint, negative int, bin, str, array;
     * getter g accepts elements ok[g]. */
    static const int accepts[10][7] = {
        { 1, 0, 0, 0, 0, 0, 0 },   /* nil */
        { 0, 1, 0, 0, 0, 0, 0 },   /* bool */
        { 0, 0, 1, 0, 0, 0, 0 },   /* uint (negative: RANGE, below) */
        { 0, 0, 1, 1, 0, 0, 0 },   /* int */
        { 0, 0, 0, 0, 1, 0, 0 },   /* bin */
        { 0, 0, 0, 0, 0, 1, 0 },   /* str */
        { 0, 0, 0, 0, 0, 0, 1 },   /* array */
        { 0, 0, 0, 0, 1, 0, 0 },   /* bin exact */
        { 0, 0, 0, 0, 1, 0, 0 },   /* bin copy */
        { 0, 0, 0, 0, 0, 1, 0 },   /* cstr */
    };
    static const sh_mp_type types[7] = {
        SH_MP_NIL, SH_MP_BOOL, SH_MP_UINT, SH_MP_INT, SH_MP_BIN, SH_MP_STR, SH_MP_ARRAY
    };
    sh_buf b;
    sh_buf_init(&b);
    all_types(&b);
    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, b.data, b.len, b.len), 0);
    for (int g = 0; g < 10; g++) {
        for (int k = 0; k < 7; k++) {
            sh_mp_arr a;
            cr_assert_eq(sh_mp_reader_array(&r, 7, 7, &a), 0);
            a.pos = (size_t)k;
            sh_mp_type t;
            cr_assert_eq(sh_mp_peek_type(&a, &t), 0);
            cr_assert_eq(t, types[k]);
            int rc = try_getter(&a, g);
            if (accepts[g][k]) {
                cr_assert_eq(rc, 0, "getter %d on type %d: %d", g, k, rc);
                cr_assert_eq(a.pos, (size_t)k + 1);
            } else {
                int want = (g == 2 && k == 3) ? SH_ERR_RANGE : SH_ERR_TYPE;
                cr_assert_eq(rc, want, "getter %d on type %d: %d", g, k, rc);
                cr_assert_eq(a.pos, (size_t)k, "a failed getter must not advance");
            }
        }
    }
    sh_mp_reader_free(&r);
    sh_buf_free(&b);
}

Test(mp, ranges_limits_and_counts)
{
    sh_buf b;
    sh_buf_init(&b);
    all_types(&b);
    sh_mp_reader r;
    cr_assert_eq(sh_mp_reader_init(&r, b.data, b.len, b.len), 0);
    sh_mp_arr a, x;
    uint64_t u;
    int64_t i;
    const uint8_t *p;
    const char *s;
    size_t n;
    uint8_t out[8];
    char cs[8];
    cr_assert_eq(sh_mp_reader_array(&r, 8, 9, &a), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_reader_array(&r, 0, 6, &a), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_reader_array(&r, 7, 7, &a), 0);
    cr_assert_eq(sh_mp_arr_left(&a), 7);
    cr_assert_eq(sh_mp_arr_done(&a), SH_ERR_LENGTH, "unread elements remain");
    a.pos = 2;   /* 42 */
    cr_assert_eq(sh_mp_get_uint(&a, 43, 100, &u), SH_ERR_RANGE);
    cr_assert_eq(sh_mp_get_uint(&a, 0, 41, &u), SH_ERR_RANGE);
    cr_assert_eq(sh_mp_get_int(&a, -100, 41, &i), SH_ERR_RANGE);
    cr_assert_eq(sh_mp_get_uint(&a, 9, 3, &u), SH_ERR_ARG);
    cr_assert_eq(sh_mp_get_uint(&a, 42, 42, &u), 0);
    cr_assert_eq(sh_mp_get_int(&a, -41, 0, &i), SH_ERR_RANGE);   /* -42 */
    cr_assert_eq(sh_mp_get_int(&a, -42, -42, &i), 0);
    cr_assert_eq(i, -42);
    /* bin of 4 */
    cr_assert_eq(sh_mp_get_bin(&a, 3, &p, &n), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_mp_get_bin_copy(&a, out, 3, &n), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_mp_get_bin_exact(&a, out, 3), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_get_bin_exact(&a, out, 5), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_get_bin_copy(&a, out, 4, &n), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(out[0], 9);
    /* str "four" */
    cr_assert_eq(sh_mp_get_str(&a, 3, &s, &n), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_mp_get_cstr(&a, cs, 4), SH_ERR_OVERSIZE, "no room for the NUL");
    cr_assert_eq(sh_mp_get_cstr(&a, cs, 5), 0);
    cr_assert_str_eq(cs, "four");
    /* empty array */
    cr_assert_eq(sh_mp_get_array(&a, 1, 5, &x), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_get_array(&a, 0, 0, &x), 0);
    cr_assert_eq(sh_mp_arr_left(&x), 0);
    cr_assert_eq(sh_mp_arr_done(&x), 0);
    cr_assert_eq(sh_mp_get_uint(&x, 0, 1, &u), SH_ERR_LENGTH);
    sh_mp_type t;
    cr_assert_eq(sh_mp_peek_type(&x, &t), SH_ERR_LENGTH);
    cr_assert_eq(sh_mp_arr_done(&a), 0);
    cr_assert_eq(sh_mp_get_nil(&a), SH_ERR_LENGTH);
    sh_mp_reader_free(&r);
    /* a failed reader gives no cursor */
    cr_assert_eq(sh_mp_reader_cursor(&r, &a), SH_ERR_STATE);
    sh_buf_free(&b);
}

Test(mp, big_uint_as_int)
{
    sh_mp_reader r;
    size_t len;
    const uint8_t *p = hx("cf8000000000000000", &len);   /* 2^63 */
    cr_assert_eq(sh_mp_reader_init(&r, p, len, len), 0);
    sh_mp_arr a;
    int64_t i;
    uint64_t u;
    cr_assert_eq(sh_mp_reader_cursor(&r, &a), 0);
    cr_assert_eq(sh_mp_get_int(&a, INT64_MIN, INT64_MAX, &i), SH_ERR_RANGE);
    cr_assert_eq(sh_mp_get_uint(&a, 0, UINT64_MAX, &u), 0);
    cr_assert_eq(u, (uint64_t)1 << 63);
    sh_mp_reader_free(&r);
}

/* Envelope helper: version, type and field counts. */
static int envelope(const char *hex, uint64_t version, size_t minf, size_t maxf,
                    uint64_t *type)
{
    size_t len;
    const uint8_t *p = hx(hex, &len);
    sh_mp_reader r;
    int rc = sh_mp_reader_init(&r, p, len, MAXLEN);
    if (rc != 0)
        return rc;
    sh_mp_arr f;
    rc = sh_mp_read_envelope(&r, version, type, minf, maxf, &f);
    sh_mp_reader_free(&r);
    return rc;
}

Test(mp, envelope_rules)
{
    uint64_t t = 0, v = 0;
    cr_assert_eq(envelope("920107", 1, 0, 0, &t), 0);
    cr_assert_eq(t, 7);
    cr_assert_eq(envelope("920207", 1, 0, 0, &t), SH_ERR_VERSION);
    /* the version is checked before the field count */
    cr_assert_eq(envelope("93020700", 1, 0, 0, &t), SH_ERR_VERSION);
    cr_assert_eq(envelope("93010700", 1, 0, 0, &t), SH_ERR_LENGTH);
    cr_assert_eq(envelope("93010700", 1, 1, 1, &t), 0);
    cr_assert_eq(envelope("9401070000", 1, 0, 1, &t), SH_ERR_LENGTH);
    cr_assert_eq(envelope("9401070000", 1, 0, SIZE_MAX, &t), 0);
    cr_assert_eq(envelope("9101", 1, 0, 0, &t), SH_ERR_LENGTH);
    cr_assert_eq(envelope("90", 1, 0, 0, &t), SH_ERR_LENGTH);
    cr_assert_eq(envelope("01", 1, 0, 0, &t), SH_ERR_TYPE);
    cr_assert_eq(envelope("c40101", 1, 0, 0, &t), SH_ERR_TYPE);
    cr_assert_eq(envelope("92a13107", 1, 0, 0, &t), SH_ERR_TYPE);   /* "1" */
    cr_assert_eq(envelope("92c307", 1, 0, 0, &t), SH_ERR_TYPE);
    cr_assert_eq(envelope("9201a137", 1, 0, 0, &t), SH_ERR_TYPE);   /* type "7" */
    cr_assert_eq(envelope("9201ff", 1, 0, 0, &t), SH_ERR_RANGE);    /* type -1 */
    cr_assert_eq(envelope("92ff07", 1, 0, 0, &t), SH_ERR_RANGE);    /* version -1 */

    /* peek reads the header only */
    size_t len;
    const uint8_t *p = hx("93cd0100cc80", &len);   /* body missing */
    cr_assert_eq(sh_mp_peek_envelope(p, len, &v, &t), 0);
    cr_assert_eq(v, 256);
    cr_assert_eq(t, 128);
    static const struct { const char *hex; int rc; } peek[] = {
        { "", SH_ERR_TRUNCATED }, { "92", SH_ERR_TRUNCATED }, { "9201", SH_ERR_TRUNCATED },
        { "9201cd", SH_ERR_TRUNCATED }, { "dc", SH_ERR_TRUNCATED },
        { "9101", SH_ERR_LENGTH }, { "90", SH_ERR_LENGTH },
        { "8201010202", SH_ERR_TYPE }, { "01", SH_ERR_TYPE }, { "c0", SH_ERR_TYPE },
        { "92ff01", SH_ERR_RANGE }, { "9201e0", SH_ERR_RANGE }, { "9201c0", SH_ERR_TYPE },
        { "92cc0101", SH_ERR_NONCANONICAL }, { "dc00020101", SH_ERR_NONCANONICAL },
        { "c1", SH_ERR_FORMAT },
    };
    for (size_t k = 0; k < sizeof peek / sizeof peek[0]; k++) {
        p = hx(peek[k].hex, &len);
        cr_assert_eq(sh_mp_peek_envelope(p, len, &v, &t), peek[k].rc, "peek %s", peek[k].hex);
    }
    cr_assert_eq(sh_mp_peek_envelope(NULL, 1, &v, &t), SH_ERR_ARG);
}

Test(mp, writer_errors_are_sticky)
{
    sh_buf b;
    sh_buf_init_max(&b, 8);
    sh_mp_writer w;
    sh_mp_writer_init(&w, &b);
    sh_mp_put_array(&w, 2);
    sh_mp_put_uint(&w, UINT64_MAX);     /* 9 bytes: over the limit */
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_OVERSIZE);
    size_t len = b.len;
    sh_mp_put_nil(&w);                   /* ignored now */
    cr_assert_eq(b.len, len);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_OVERSIZE);
    sh_buf_free(&b);

    sh_buf_init(&b);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_bin(&w, NULL, 3);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_ARG);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_cstr(&w, NULL);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_ARG);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_array(&w, (size_t)UINT32_MAX + 1);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_OVERSIZE);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_envelope(&w, 1, 1, (size_t)UINT32_MAX - 1);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_OVERSIZE);
    sh_mp_writer_init(&w, NULL);
    sh_mp_put_nil(&w);
    cr_assert_eq(sh_mp_writer_finish(&w), SH_ERR_ARG);
    /* empty bin and str with NULL pointers are fine */
    sh_buf_reset(&b);
    sh_mp_writer_init(&w, &b);
    sh_mp_put_bin(&w, NULL, 0);
    sh_mp_put_str(&w, NULL, 0);
    cr_assert_eq(sh_mp_writer_finish(&w), 0);
    expect_hex(&b, "c400a0");
    sh_buf_free(&b);
}
