/* util/mp.c -- strict msgpack reading and writing on msgpack-c.
 *
 * Decoding happens in three passes over the input:
 *   1. mp_scan: a structural walk of the bytes (no allocation) that
 *      enforces the strictness rules of mp.h -- types, shortest forms,
 *      UTF-8, depth, declared counts against the remaining input,
 *      truncation and trailing bytes.  Pass 2 only runs once the whole
 *      input has been walked, i.e. when every declared array element is
 *      really present, which is what bounds msgpack-c's allocations;
 *   2. msgpack_unpack_next builds the msgpack_object tree;
 *   3. the tree is re-encoded with msgpack-c's packer and compared with
 *      the input, so that "accepted" means exactly "is what our writer
 *      produces for this value", independently of pass 1.
 */
#include "util/mp.h"

#include <string.h>

/* ---- byte-level scanning ---------------------------------------------- */

typedef enum mp_kind {
    K_NIL, K_BOOL, K_UINT, K_INT, K_BIN, K_STR, K_ARRAY
} mp_kind;

typedef struct mp_hdr {
    mp_kind kind;
    size_t hlen;     /* bytes of the header itself */
    uint64_t u;      /* K_UINT value; K_BIN/K_STR length; K_ARRAY count */
    int64_t i;       /* K_INT value */
} mp_hdr;

static uint64_t be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        v = (v << 8) | p[k];
    return v;
}

/* Sign-extend an n-byte big-endian two's complement value. */
static int64_t be_signed(const uint8_t *p, size_t n)
{
    uint64_t v = be(p, n);
    if (n < 8 && (v >> (8 * n - 1)) != 0)
        v |= ~(uint64_t)0 << (8 * n);
    return (int64_t)v;
}

/* Parse the header of the object at p[0..avail).  The shortest-form rules
 * are those of msgpack-c's packer (and of the msgpack spec's advice):
 * integers take the smallest representation, non-negative ones always an
 * unsigned one; str/bin/array lengths the smallest header. */
static int mp_read_hdr(const uint8_t *p, size_t avail, mp_hdr *h)
{
    if (avail == 0)
        return SH_ERR_TRUNCATED;
    uint8_t b = p[0];
    size_t extra;           /* header bytes after the first */
    uint64_t min = 0;       /* smallest value needing this form */

    if (b <= 0x7f) {
        h->kind = K_UINT; h->u = b; h->hlen = 1;
        return 0;
    }
    if (b >= 0xe0) {
        h->kind = K_INT; h->i = (int64_t)(int8_t)b; h->hlen = 1;
        return 0;
    }
    if (b >= 0x80 && b <= 0x8f)
        return SH_ERR_TYPE;                          /* fixmap */
    if (b >= 0x90 && b <= 0x9f) {
        h->kind = K_ARRAY; h->u = b & 0x0f; h->hlen = 1;
        return 0;
    }
    if (b >= 0xa0 && b <= 0xbf) {
        h->kind = K_STR; h->u = b & 0x1f; h->hlen = 1;
        return 0;
    }
    switch (b) {
    case 0xc0: h->kind = K_NIL; h->hlen = 1; return 0;
    case 0xc2: case 0xc3: h->kind = K_BOOL; h->u = b & 1; h->hlen = 1; return 0;
    case 0xc4: h->kind = K_BIN; extra = 1; min = 0; break;
    case 0xc5: h->kind = K_BIN; extra = 2; min = 0x100; break;
    case 0xc6: h->kind = K_BIN; extra = 4; min = 0x10000; break;
    case 0xcc: h->kind = K_UINT; extra = 1; min = 0x80; break;
    case 0xcd: h->kind = K_UINT; extra = 2; min = 0x100; break;
    case 0xce: h->kind = K_UINT; extra = 4; min = 0x10000; break;
    case 0xcf: h->kind = K_UINT; extra = 8; min = 0x100000000ULL; break;
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: h->kind = K_INT;
        extra = (size_t)1 << (b - 0xd0); break;
    case 0xd9: h->kind = K_STR; extra = 1; min = 32; break;
    case 0xda: h->kind = K_STR; extra = 2; min = 0x100; break;
    case 0xdb: h->kind = K_STR; extra = 4; min = 0x10000; break;
    case 0xdc: h->kind = K_ARRAY; extra = 2; min = 16; break;
    case 0xdd: h->kind = K_ARRAY; extra = 4; min = 0x10000; break;
    case 0xc1:
        return SH_ERR_FORMAT;                        /* never used */
    default:
        /* 0xc7-0xc9 ext, 0xca-0xcb float, 0xd4-0xd8 fixext,
         * 0xde-0xdf map: not part of the wire format. */
        return SH_ERR_TYPE;
    }
    if (avail - 1 < extra)
        return SH_ERR_TRUNCATED;
    h->hlen = 1 + extra;
    if (h->kind == K_INT) {
        int64_t v = be_signed(p + 1, extra);
        /* The form of half the width must not fit: int8 only below
         * -32 (else fixint or unsigned), int16 below -128, ... */
        int64_t lim = extra == 1 ? -32 : -((int64_t)1 << (4 * extra - 1));
        if (v >= lim)
            return SH_ERR_NONCANONICAL;
        h->i = v;
        return 0;
    }
    h->u = be(p + 1, extra);
    if (h->u < min)
        return SH_ERR_NONCANONICAL;
    return 0;
}

/* Strict UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing
 * above U+10FFFF; and no NUL, so a str always survives conversion to a C
 * string unchanged. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint8_t lo = 0x80, hi = 0xbf;    /* range of the second byte */
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0;               /* overlong */
            else if (c == 0xed)
                hi = 0x9f;               /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90;               /* overlong */
            else if (c == 0xf4)
                hi = 0x8f;               /* above U+10FFFF */
        } else {
            return false;
        }
        if (n - i - 1 < need || s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return false;
        i += need + 1;
    }
    return true;
}

/* Pass 1: walk the one object in p[0..len) without allocating.
 * stack[d] counts the elements of the d-th open array not yet started;
 * `pending` is their sum over the stack.  Each of them needs at least one
 * more byte, so a new array may declare at most (bytes left - pending)
 * elements; a header declaring more is refused at once rather than after
 * walking to the end of the input. */
static int mp_scan(const uint8_t *p, size_t len)
{
    uint64_t stack[SH_MP_MAX_DEPTH];
    size_t depth = 0;
    uint64_t pending = 0;
    size_t off = 0;
    do {
        if (depth > 0) {
            stack[depth - 1]--;
            pending--;
        }
        mp_hdr h;
        int rc = mp_read_hdr(p + off, len - off, &h);
        if (rc != 0)
            return rc;
        off += h.hlen;
        if (h.kind == K_BIN || h.kind == K_STR) {
            if (h.u > len - off)
                return SH_ERR_TRUNCATED;
            if (h.kind == K_STR && !utf8_valid(p + off, (size_t)h.u))
                return SH_ERR_FORMAT;
            off += (size_t)h.u;
        } else if (h.kind == K_ARRAY) {
            /* An empty array counts as a level too: the limit is on how
             * deep arrays nest, whatever they hold. */
            if (depth == SH_MP_MAX_DEPTH)
                return SH_ERR_OVERSIZE;
            if (h.u + pending > len - off)
                return SH_ERR_TRUNCATED;
            if (h.u > 0) {
                stack[depth++] = h.u;
                pending += h.u;
            }
        }
        /* Close every array whose elements have all been read. */
        while (depth > 0 && stack[depth - 1] == 0)
            depth--;
    } while (depth > 0);
    return off == len ? 0 : SH_ERR_TRAILING;
}

/* ---- pass 3: re-encode and compare -------------------------------------- */

typedef struct mp_cmp {
    const uint8_t *p;
    size_t len;
    size_t off;
    bool bad;
} mp_cmp;

static int mp_cmp_write(void *data, const char *buf, size_t len)
{
    mp_cmp *c = data;
    if (c->bad || len > c->len - c->off
        || (len > 0 && memcmp(c->p + c->off, buf, len) != 0)) {
        c->bad = true;
        return -1;
    }
    c->off += len;
    return 0;
}

static bool mp_reencodes_to(const msgpack_object *obj, const uint8_t *p, size_t len)
{
    mp_cmp c = { p, len, 0, false };
    msgpack_packer pk;
    msgpack_packer_init(&pk, &c, mp_cmp_write);
    int rc = msgpack_pack_object(&pk, *obj);
    return rc == 0 && !c.bad && c.off == len;
}

/* ---- reader -------------------------------------------------------------- */

int sh_mp_reader_init(sh_mp_reader *r, const uint8_t *data, size_t len,
                      size_t max_len)
{
    if (r == NULL)
        return SH_ERR_ARG;
    msgpack_unpacked_init(&r->up);
    r->ok = false;
    if (data == NULL && len > 0)
        return SH_ERR_ARG;
    if (len > max_len)
        return SH_ERR_OVERSIZE;
    if (len == 0)
        return SH_ERR_TRUNCATED;
    int rc = mp_scan(data, len);
    if (rc != 0)
        return rc;
    size_t off = 0;
    msgpack_unpack_return ur = msgpack_unpack_next(&r->up, (const char *)data, len, &off);
    switch (ur) {
    case MSGPACK_UNPACK_SUCCESS:
        break;
    case MSGPACK_UNPACK_NOMEM_ERROR:
        rc = SH_ERR_NOMEM;
        break;
    default:
        /* The scan accepted what msgpack-c rejects: a bug on one side. */
        rc = SH_ERR_INTERNAL;
        break;
    }
    if (rc == 0 && off != len)
        rc = SH_ERR_INTERNAL;
    if (rc == 0 && !mp_reencodes_to(&r->up.data, data, len))
        rc = SH_ERR_NONCANONICAL;
    if (rc != 0) {
        msgpack_unpacked_destroy(&r->up);
        msgpack_unpacked_init(&r->up);
        return rc;
    }
    r->ok = true;
    return 0;
}

void sh_mp_reader_free(sh_mp_reader *r)
{
    if (r == NULL)
        return;
    msgpack_unpacked_destroy(&r->up);
    msgpack_unpacked_init(&r->up);
    r->ok = false;
}

int sh_mp_reader_cursor(const sh_mp_reader *r, sh_mp_arr *out)
{
    if (r == NULL || out == NULL || !r->ok)
        return SH_ERR_STATE;
    out->items = &r->up.data;
    out->n = 1;
    out->pos = 0;
    return 0;
}

int sh_mp_reader_array(const sh_mp_reader *r, size_t min, size_t max,
                       sh_mp_arr *out)
{
    sh_mp_arr root;
    int rc = sh_mp_reader_cursor(r, &root);
    if (rc != 0)
        return rc;
    return sh_mp_get_array(&root, min, max, out);
}

int sh_mp_read_envelope(const sh_mp_reader *r, uint64_t version,
                        uint64_t *type, size_t min_fields, size_t max_fields,
                        sh_mp_arr *fields)
{
    if (type == NULL || fields == NULL || min_fields > max_fields)
        return SH_ERR_ARG;
    sh_mp_arr msg;
    int rc = sh_mp_reader_array(r, 2, SIZE_MAX, &msg);
    if (rc != 0)
        return rc;
    uint64_t v, t;
    rc = sh_mp_get_uint(&msg, 0, UINT64_MAX, &v);
    if (rc != 0)
        return rc;
    if (v != version)
        return SH_ERR_VERSION;
    rc = sh_mp_get_uint(&msg, 0, UINT64_MAX, &t);
    if (rc != 0)
        return rc;
    size_t nf = msg.n - 2;
    if (nf < min_fields || nf > max_fields)
        return SH_ERR_LENGTH;
    *type = t;
    *fields = msg;
    return 0;
}

int sh_mp_peek_envelope(const uint8_t *data, size_t len, uint64_t *version,
                        uint64_t *type)
{
    if ((data == NULL && len > 0) || version == NULL || type == NULL)
        return SH_ERR_ARG;
    mp_hdr h;
    size_t off = 0;
    int rc = mp_read_hdr(data, len, &h);
    if (rc != 0)
        return rc;
    if (h.kind != K_ARRAY)
        return SH_ERR_TYPE;
    if (h.u < 2)
        return SH_ERR_LENGTH;
    uint64_t vals[2];
    off = h.hlen;
    for (int k = 0; k < 2; k++) {
        rc = mp_read_hdr(data + off, len - off, &h);
        if (rc != 0)
            return rc;
        /* As sh_mp_get_uint: a negative integer is out of range. */
        if (h.kind == K_INT)
            return SH_ERR_RANGE;
        if (h.kind != K_UINT)
            return SH_ERR_TYPE;
        vals[k] = h.u;
        off += h.hlen;
    }
    *version = vals[0];
    *type = vals[1];
    return 0;
}

/* ---- cursor getters -------------------------------------------------------- */

size_t sh_mp_arr_left(const sh_mp_arr *a)
{
    return a->pos < a->n ? a->n - a->pos : 0;
}

int sh_mp_arr_done(const sh_mp_arr *a)
{
    return sh_mp_arr_left(a) == 0 ? 0 : SH_ERR_LENGTH;
}

/* The next element, or NULL at the end. */
static const msgpack_object *next_obj(const sh_mp_arr *a)
{
    if (a == NULL || a->items == NULL || a->pos >= a->n)
        return NULL;
    return &a->items[a->pos];
}

int sh_mp_peek_type(const sh_mp_arr *a, sh_mp_type *out)
{
    const msgpack_object *o = next_obj(a);
    if (o == NULL)
        return SH_ERR_LENGTH;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: *out = SH_MP_NIL; return 0;
    case MSGPACK_OBJECT_BOOLEAN: *out = SH_MP_BOOL; return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: *out = SH_MP_UINT; return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: *out = SH_MP_INT; return 0;
    case MSGPACK_OBJECT_BIN: *out = SH_MP_BIN; return 0;
    case MSGPACK_OBJECT_STR: *out = SH_MP_STR; return 0;
    case MSGPACK_OBJECT_ARRAY: *out = SH_MP_ARRAY; return 0;
    default: return SH_ERR_TYPE;   /* excluded by the reader */
    }
}

/* The next element if it has type t: SH_ERR_LENGTH at the end,
 * SH_ERR_TYPE for another type. */
static int take(const sh_mp_arr *a, msgpack_object_type t, const msgpack_object **o)
{
    *o = next_obj(a);
    if (*o == NULL)
        return SH_ERR_LENGTH;
    return (*o)->type == t ? 0 : SH_ERR_TYPE;
}

int sh_mp_get_nil(sh_mp_arr *a)
{
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_NIL, &o);
    if (rc != 0)
        return rc;
    a->pos++;
    return 0;
}

int sh_mp_get_bool(sh_mp_arr *a, bool *out)
{
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_BOOLEAN, &o);
    if (rc != 0)
        return rc;
    *out = o->via.boolean;
    a->pos++;
    return 0;
}

int sh_mp_get_uint(sh_mp_arr *a, uint64_t min, uint64_t max, uint64_t *out)
{
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    const msgpack_object *o = next_obj(a);
    if (o == NULL)
        return SH_ERR_LENGTH;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return SH_ERR_RANGE;
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return SH_ERR_TYPE;
    if (o->via.u64 < min || o->via.u64 > max)
        return SH_ERR_RANGE;
    *out = o->via.u64;
    a->pos++;
    return 0;
}

int sh_mp_get_int(sh_mp_arr *a, int64_t min, int64_t max, int64_t *out)
{
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    const msgpack_object *o = next_obj(a);
    if (o == NULL)
        return SH_ERR_LENGTH;
    int64_t v;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > (uint64_t)INT64_MAX)
            return SH_ERR_RANGE;
        v = (int64_t)o->via.u64;
    } else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        v = o->via.i64;
    } else {
        return SH_ERR_TYPE;
    }
    if (v < min || v > max)
        return SH_ERR_RANGE;
    *out = v;
    a->pos++;
    return 0;
}

int sh_mp_get_bin(sh_mp_arr *a, size_t max, const uint8_t **p, size_t *len)
{
    if (p == NULL || len == NULL)
        return SH_ERR_ARG;
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_BIN, &o);
    if (rc != 0)
        return rc;
    if (o->via.bin.size > max)
        return SH_ERR_OVERSIZE;
    *p = (const uint8_t *)o->via.bin.ptr;
    *len = o->via.bin.size;
    a->pos++;
    return 0;
}

int sh_mp_get_bin_exact(sh_mp_arr *a, uint8_t *out, size_t len)
{
    if (out == NULL && len > 0)
        return SH_ERR_ARG;
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_BIN, &o);
    if (rc != 0)
        return rc;
    if (o->via.bin.size != len)
        return SH_ERR_LENGTH;
    if (len > 0)
        memcpy(out, o->via.bin.ptr, len);
    a->pos++;
    return 0;
}

int sh_mp_get_bin_copy(sh_mp_arr *a, uint8_t *out, size_t cap, size_t *len)
{
    const uint8_t *p;
    size_t n;
    if ((out == NULL && cap > 0) || len == NULL)
        return SH_ERR_ARG;
    int rc = sh_mp_get_bin(a, cap, &p, &n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memcpy(out, p, n);
    *len = n;
    return 0;
}

int sh_mp_get_str(sh_mp_arr *a, size_t max, const char **p, size_t *len)
{
    if (p == NULL || len == NULL)
        return SH_ERR_ARG;
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_STR, &o);
    if (rc != 0)
        return rc;
    if (o->via.str.size > max)
        return SH_ERR_OVERSIZE;
    *p = o->via.str.ptr;
    *len = o->via.str.size;
    a->pos++;
    return 0;
}

int sh_mp_get_cstr(sh_mp_arr *a, char *out, size_t cap)
{
    const char *p;
    size_t n;
    if (out == NULL || cap == 0)
        return SH_ERR_ARG;
    int rc = sh_mp_get_str(a, cap - 1, &p, &n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

int sh_mp_get_array(sh_mp_arr *a, size_t min, size_t max, sh_mp_arr *out)
{
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    const msgpack_object *o;
    int rc = take(a, MSGPACK_OBJECT_ARRAY, &o);
    if (rc != 0)
        return rc;
    if (o->via.array.size < min || o->via.array.size > max)
        return SH_ERR_LENGTH;
    out->items = o->via.array.size > 0 ? o->via.array.ptr : NULL;
    out->n = o->via.array.size;
    out->pos = 0;
    a->pos++;
    return 0;
}

/* ---- writer -------------------------------------------------------------- */

static int mp_buf_write(void *data, const char *buf, size_t len)
{
    sh_mp_writer *w = data;
    if (w->err != 0)
        return -1;
    int rc = sh_buf_append(w->buf, buf, len);
    if (rc != 0) {
        w->err = rc;
        return -1;
    }
    return 0;
}

void sh_mp_writer_init(sh_mp_writer *w, sh_buf *out)
{
    w->buf = out;
    w->err = out == NULL ? SH_ERR_ARG : 0;
    /* The packer keeps a pointer to w: a writer must not be copied. */
    msgpack_packer_init(&w->pk, w, mp_buf_write);
}

int sh_mp_writer_finish(const sh_mp_writer *w)
{
    return w == NULL ? SH_ERR_ARG : w->err;
}

void sh_mp_put_array(sh_mp_writer *w, size_t n)
{
    if (w->err != 0)
        return;
    if (n > UINT32_MAX) {
        w->err = SH_ERR_OVERSIZE;
        return;
    }
    (void)msgpack_pack_array(&w->pk, n);
}

void sh_mp_put_uint(sh_mp_writer *w, uint64_t v)
{
    if (w->err == 0)
        (void)msgpack_pack_uint64(&w->pk, v);
}

void sh_mp_put_int(sh_mp_writer *w, int64_t v)
{
    /* msgpack_pack_int64 writes non-negative values in unsigned forms,
     * as the reader requires. */
    if (w->err == 0)
        (void)msgpack_pack_int64(&w->pk, v);
}

void sh_mp_put_bool(sh_mp_writer *w, bool v)
{
    if (w->err == 0)
        (void)(v ? msgpack_pack_true(&w->pk) : msgpack_pack_false(&w->pk));
}

void sh_mp_put_nil(sh_mp_writer *w)
{
    if (w->err == 0)
        (void)msgpack_pack_nil(&w->pk);
}

void sh_mp_put_bin(sh_mp_writer *w, const uint8_t *p, size_t n)
{
    if (w->err != 0)
        return;
    if (p == NULL && n > 0) {
        w->err = SH_ERR_ARG;
        return;
    }
    if (n > UINT32_MAX) {
        w->err = SH_ERR_OVERSIZE;
        return;
    }
    if (msgpack_pack_bin(&w->pk, n) == 0 && n > 0)
        (void)msgpack_pack_bin_body(&w->pk, p, n);
}

void sh_mp_put_str(sh_mp_writer *w, const char *s, size_t n)
{
    if (w->err != 0)
        return;
    if (s == NULL && n > 0) {
        w->err = SH_ERR_ARG;
        return;
    }
    if (n > UINT32_MAX) {
        w->err = SH_ERR_OVERSIZE;
        return;
    }
    if (!utf8_valid((const uint8_t *)s, n)) {
        w->err = SH_ERR_FORMAT;
        return;
    }
    if (msgpack_pack_str(&w->pk, n) == 0 && n > 0)
        (void)msgpack_pack_str_body(&w->pk, s, n);
}

void sh_mp_put_cstr(sh_mp_writer *w, const char *s)
{
    if (s == NULL) {
        if (w->err == 0)
            w->err = SH_ERR_ARG;
        return;
    }
    sh_mp_put_str(w, s, strlen(s));
}

void sh_mp_put_envelope(sh_mp_writer *w, uint64_t version, uint64_t type,
                        size_t nfields)
{
    if (nfields > (size_t)UINT32_MAX - 2) {
        if (w->err == 0)
            w->err = SH_ERR_OVERSIZE;
        return;
    }
    sh_mp_put_array(w, nfields + 2);
    sh_mp_put_uint(w, version);
    sh_mp_put_uint(w, type);
}
