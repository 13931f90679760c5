/* util/mp.h -- strict msgpack helpers for the wire format (docs/msgpack.md).
 *
 * Every protocol message is a msgpack array [version, type, fields...].
 * Bytes of messages are hashed, signed and compared, so a value has exactly
 * one accepted encoding: the one this writer (msgpack-c's packer) produces.
 *
 * Reader rules, checked on the whole input before any field is read:
 *   - the input is at most max_len bytes (SH_ERR_OVERSIZE, checked before
 *     a single byte is parsed);
 *   - it holds exactly one msgpack object (SH_ERR_TRUNCATED when it ends
 *     early, SH_ERR_TRAILING when bytes follow);
 *   - only nil, bool, integers, bin, str and arrays occur: maps, floats and
 *     ext types give SH_ERR_TYPE; the never-used byte 0xc1 SH_ERR_FORMAT;
 *   - every integer and every length header is in its shortest form
 *     (SH_ERR_NONCANONICAL), and re-encoding the decoded value reproduces
 *     the input byte for byte (SH_ERR_NONCANONICAL otherwise);
 *   - every str is valid UTF-8 (shortest forms, no surrogates, at most
 *     U+10FFFF) without NUL bytes (SH_ERR_FORMAT);
 *   - arrays nest at most SH_MP_MAX_DEPTH deep (SH_ERR_OVERSIZE);
 *   - no array declares more elements than the remaining input could hold
 *     at one byte each (SH_ERR_TRUNCATED, reported as soon as the header
 *     is seen).
 * msgpack-c reserves 24 bytes per *declared* array element before reading
 * any of them (a 5-byte array32 header asks for 100 GB).  It therefore
 * only ever runs on input that the allocation-free pre-scan has walked
 * completely, where every declared element exists: decoding allocates at
 * most about 24 bytes per input byte, so max_len bounds memory too.
 * Then typed getters walk arrays with a cursor; each wrong type is
 * SH_ERR_TYPE, each integer out of its range SH_ERR_RANGE, each bin or str
 * over its limit SH_ERR_OVERSIZE, each bin of the wrong exact length and
 * each array with a wrong element count SH_ERR_LENGTH.  A failed getter
 * leaves the cursor where it was.  Errors are codes only: no getter puts a
 * field's value (possibly secret) into a message.
 *
 * bin and str getters that return pointers point into the caller's input
 * bytes, which must outlive the reader.
 */
#ifndef SHROUD_UTIL_MP_H
#define SHROUD_UTIL_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>
#include "util/err.h"
#include "util/buf.h"

/* Deepest array nesting accepted; the envelope itself is depth 1.  Well
 * below msgpack-c's own parser stack (32). */
#define SH_MP_MAX_DEPTH 16

/* ---- writer ------------------------------------------------------------ */

/* Appends msgpack to an sh_buf.  The put functions record the first error
 * (SH_ERR_NOMEM, SH_ERR_OVERSIZE when the buffer's limit or a msgpack
 * length limit of 2^32-1 is hit, SH_ERR_FORMAT for a str that the reader
 * would reject) and then ignore further calls; sh_mp_writer_finish reports
 * it.  The writer does not check that array headers match the number of
 * elements that follow: the reader will. */
typedef struct sh_mp_writer {
    sh_buf *buf;
    msgpack_packer pk;
    int err;
} sh_mp_writer;

void sh_mp_writer_init(sh_mp_writer *w, sh_buf *out);
/* 0, or the first error any put hit.  On error the buffer's contents are
 * unspecified (and should be discarded). */
int sh_mp_writer_finish(const sh_mp_writer *w) SH_WUR;

void sh_mp_put_array(sh_mp_writer *w, size_t n);
void sh_mp_put_uint(sh_mp_writer *w, uint64_t v);
void sh_mp_put_int(sh_mp_writer *w, int64_t v);
void sh_mp_put_bool(sh_mp_writer *w, bool v);
void sh_mp_put_nil(sh_mp_writer *w);
void sh_mp_put_bin(sh_mp_writer *w, const uint8_t *p, size_t n);
/* s[0..n) must be valid UTF-8 without NUL. */
void sh_mp_put_str(sh_mp_writer *w, const char *s, size_t n);
void sh_mp_put_cstr(sh_mp_writer *w, const char *s);
/* The start of a message: an array header for 2 + nfields elements, then
 * version and type.  The caller then puts exactly nfields values. */
void sh_mp_put_envelope(sh_mp_writer *w, uint64_t version, uint64_t type,
                        size_t nfields);

/* ---- reader ------------------------------------------------------------ */

typedef struct sh_mp_reader {
    msgpack_unpacked up;
    bool ok;
} sh_mp_reader;

/* A cursor over the elements of one array (or over the single root value,
 * see sh_mp_reader_cursor). */
typedef struct sh_mp_arr {
    const msgpack_object *items;
    size_t n;
    size_t pos;
} sh_mp_arr;

typedef enum sh_mp_type {
    SH_MP_NIL,
    SH_MP_BOOL,
    SH_MP_UINT,     /* a non-negative integer */
    SH_MP_INT,      /* a negative integer */
    SH_MP_BIN,
    SH_MP_STR,
    SH_MP_ARRAY
} sh_mp_type;

/* Check data[0..len) by every rule above and decode it.  On success the
 * caller must call sh_mp_reader_free; on failure nothing needs freeing
 * (calling sh_mp_reader_free anyway is harmless). */
int sh_mp_reader_init(sh_mp_reader *r, const uint8_t *data, size_t len,
                      size_t max_len) SH_WUR;
void sh_mp_reader_free(sh_mp_reader *r);
/* A cursor holding just the root value, so any getter can read it. */
int sh_mp_reader_cursor(const sh_mp_reader *r, sh_mp_arr *out) SH_WUR;
/* The root must be an array of min..max elements; *out walks it. */
int sh_mp_reader_array(const sh_mp_reader *r, size_t min, size_t max,
                       sh_mp_arr *out) SH_WUR;

/* The message envelope: the root is an array [version, type, fields...]
 * whose version (a uint) equals `version` (else SH_ERR_VERSION; checked
 * before the field count, so a message of another version always reports
 * SH_ERR_VERSION), with a uint type, and min_fields..max_fields fields
 * after them.  *fields walks the fields. */
int sh_mp_read_envelope(const sh_mp_reader *r, uint64_t version,
                        uint64_t *type, size_t min_fields, size_t max_fields,
                        sh_mp_arr *fields) SH_WUR;
/* Read only the first bytes of an undecoded message: its array header,
 * version and type, so the caller can pick that type's size limit before
 * decoding the message.  Checks that much strictly (canonical, types,
 * at least two elements: SH_ERR_LENGTH) and nothing after it. */
int sh_mp_peek_envelope(const uint8_t *data, size_t len, uint64_t *version,
                        uint64_t *type) SH_WUR;

/* Elements not yet read. */
size_t sh_mp_arr_left(const sh_mp_arr *a);
/* 0 when every element has been read, SH_ERR_LENGTH otherwise. */
int sh_mp_arr_done(const sh_mp_arr *a) SH_WUR;
/* The type of the next element, without consuming it (for optional fields
 * encoded as nil); SH_ERR_LENGTH at the end of the array. */
int sh_mp_peek_type(const sh_mp_arr *a, sh_mp_type *out) SH_WUR;

/* Getters: each consumes one element on success.  Reading past the end is
 * SH_ERR_LENGTH. */
int sh_mp_get_nil(sh_mp_arr *a) SH_WUR;
int sh_mp_get_bool(sh_mp_arr *a, bool *out) SH_WUR;
/* An integer in [min, max]; negative integers are SH_ERR_RANGE here. */
int sh_mp_get_uint(sh_mp_arr *a, uint64_t min, uint64_t max, uint64_t *out) SH_WUR;
/* An integer in [min, max]. */
int sh_mp_get_int(sh_mp_arr *a, int64_t min, int64_t max, int64_t *out) SH_WUR;
/* A bin of exactly len bytes, copied into out. */
int sh_mp_get_bin_exact(sh_mp_arr *a, uint8_t *out, size_t len) SH_WUR;
/* A bin of at most max bytes, by reference into the input. */
int sh_mp_get_bin(sh_mp_arr *a, size_t max, const uint8_t **p, size_t *len) SH_WUR;
/* A bin of at most cap bytes, copied into out. */
int sh_mp_get_bin_copy(sh_mp_arr *a, uint8_t *out, size_t cap, size_t *len) SH_WUR;
/* A str of at most max bytes, by reference (not NUL-terminated). */
int sh_mp_get_str(sh_mp_arr *a, size_t max, const char **p, size_t *len) SH_WUR;
/* A str copied into out with a NUL: its length must be below cap. */
int sh_mp_get_cstr(sh_mp_arr *a, char *out, size_t cap) SH_WUR;
/* A nested array of min..max elements; *out walks it. */
int sh_mp_get_array(sh_mp_arr *a, size_t min, size_t max, sh_mp_arr *out) SH_WUR;

#endif
