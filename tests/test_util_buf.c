/* tests/test_util_buf.c -- growable buffers: growth, limits, encodings. */
#include <criterion/criterion.h>
#include <string.h>
#include "util/buf.h"

Test(buf, zero_initialised_is_empty_and_usable)
{
    sh_buf b = { 0 };
    cr_assert_eq(b.len, 0);
    cr_assert_eq(sh_buf_append(&b, "abc", 3), 0);
    cr_assert_eq(b.len, 3);
    cr_assert_arr_eq(b.data, "abc", 3);
    sh_buf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    sh_buf_free(&b);      /* twice is harmless */
    sh_buf_free(NULL);
}

Test(buf, growth_keeps_contents)
{
    sh_buf b;
    sh_buf_init(&b);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(sh_buf_append_u8(&b, (uint8_t)(i * 31)), 0);
    cr_assert_eq(b.len, 100000);
    cr_assert_geq(b.cap, b.len);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(b.data[i], (uint8_t)(i * 31));
    /* Reserve does not change len and makes room without moving later. */
    cr_assert_eq(sh_buf_reserve(&b, 1000), 0);
    uint8_t *before = b.data;
    cr_assert_eq(sh_buf_append(&b, before, 1000), 0);   /* may alias: fits */
    cr_assert_eq(b.data, before);
    cr_assert_arr_eq(b.data + 100000, b.data, 1000);
    sh_buf_free(&b);
}

Test(buf, integer_encodings)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(sh_buf_append_u16be(&b, 0x0102), 0);
    cr_assert_eq(sh_buf_append_u32be(&b, 0x03040506), 0);
    cr_assert_eq(sh_buf_append_u64be(&b, 0x0708090a0b0c0d0eULL), 0);
    cr_assert_eq(sh_buf_append_u32le(&b, 0x11121314), 0);
    cr_assert_eq(sh_buf_append_u64le(&b, 0x2122232425262728ULL), 0);
    cr_assert_eq(sh_buf_append_str(&b, "xy"), 0);
    static const uint8_t want[] = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        0x14, 0x13, 0x12, 0x11, 0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21,
        'x', 'y'
    };
    cr_assert_eq(b.len, sizeof want);
    cr_assert_arr_eq(b.data, want, sizeof want);
    sh_buf_free(&b);
}

Test(buf, limit_is_hard_and_failure_leaves_buffer_unchanged)
{
    sh_buf b;
    sh_buf_init_max(&b, 16);
    cr_assert_eq(sh_buf_append(&b, "0123456789", 10), 0);
    cr_assert_eq(sh_buf_append(&b, "abcdefg", 7), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 10);
    cr_assert_arr_eq(b.data, "0123456789", 10);
    cr_assert_eq(sh_buf_append(&b, "abcdef", 6), 0);
    cr_assert_eq(b.len, 16);
    cr_assert_leq(b.cap, 16, "capacity must not exceed the limit");
    cr_assert_eq(sh_buf_append_u8(&b, 0), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_buf_append_u64be(&b, 0), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_buf_reserve(&b, 1), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_buf_reserve(&b, 0), 0);
    uint8_t *p;
    cr_assert_eq(sh_buf_extend(&b, 1, &p), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 16);
    /* free keeps the limit */
    sh_buf_free(&b);
    cr_assert_eq(sh_buf_append(&b, "0123456789abcdefX", 17), SH_ERR_OVERSIZE);
    sh_buf_free(&b);
}

Test(buf, overflowing_requests_are_refused)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(sh_buf_append_u8(&b, 1), 0);
    cr_assert_eq(sh_buf_reserve(&b, SIZE_MAX), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_buf_reserve(&b, SIZE_MAX - 1), SH_ERR_OVERSIZE);
    cr_assert_eq(sh_buf_reserve(&b, SH_BUF_MAX), SH_ERR_OVERSIZE);
    uint8_t *p = NULL;
    cr_assert_eq(sh_buf_extend(&b, SIZE_MAX, &p), SH_ERR_OVERSIZE);
    cr_assert_eq(b.len, 1);
    /* A limit above the hard maximum is clamped. */
    sh_buf c;
    sh_buf_init_max(&c, SIZE_MAX);
    cr_assert_eq(c.max, SH_BUF_MAX);
    cr_assert_eq(sh_buf_reserve(&c, SH_BUF_MAX + 1), SH_ERR_OVERSIZE);
    sh_buf_free(&b);
    sh_buf_free(&c);
}

Test(buf, bad_arguments)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(sh_buf_append(&b, NULL, 1), SH_ERR_ARG);
    cr_assert_eq(sh_buf_append(&b, NULL, 0), 0);
    cr_assert_eq(sh_buf_append_str(&b, NULL), SH_ERR_ARG);
    cr_assert_eq(sh_buf_truncate(&b, 1), SH_ERR_ARG);
    cr_assert_eq(sh_buf_truncate(&b, 0), 0);
    cr_assert_eq(b.len, 0);
    sh_buf_free(&b);
}

Test(buf, reset_truncate_extend)
{
    sh_buf b;
    sh_buf_init(&b);
    cr_assert_eq(sh_buf_append_str(&b, "secret material"), 0);
    size_t cap = b.cap;
    uint8_t *data = b.data;
    cr_assert_eq(sh_buf_truncate(&b, 6), 0);
    cr_assert_eq(b.len, 6);
    cr_assert_arr_eq(b.data, "secret", 6);
    /* The dropped tail is wiped (the storage is still ours to read). */
    for (size_t i = 6; i < 15; i++)
        cr_assert_eq(data[i], 0);
    sh_buf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, cap, "reset keeps the storage");
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(data[i], 0);
    uint8_t *p;
    cr_assert_eq(sh_buf_append_u8(&b, 0xff), 0);
    cr_assert_eq(sh_buf_extend(&b, 40, &p), 0);
    cr_assert_eq(b.len, 41);
    cr_assert_eq(p, b.data + 1);
    for (size_t i = 0; i < 40; i++)
        cr_assert_eq(p[i], 0);
    cr_assert_eq(sh_buf_extend(&b, 0, NULL), 0);
    cr_assert_eq(b.len, 41);
    sh_buf_free(&b);
}
