/* util/json.c -- jansson wrappers: strict load, typed getters, atomic write. */
#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "util/fs.h"
#include "util/hex.h"

/* Duplicate keys are rejected: two parsers (or two readers of one config)
 * must not see different values for the same key. */
#define SH_JSON_LOAD_FLAGS JSON_REJECT_DUPLICATES
#define SH_JSON_DUMP_FLAGS (JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(17))

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

/* ---- loading -------------------------------------------------------------- */

static int load_result(json_t *root, const json_error_t *err, const char *name,
                       json_t **out, char *errbuf, size_t errlen)
{
    if (root != NULL) {
        *out = root;
        return 0;
    }
    switch (json_error_code(err)) {
    case json_error_cannot_open_file:
        seterr(errbuf, errlen, "%s: %s", name, err->text);
        return SH_ERR_IO;
    case json_error_out_of_memory:
        seterr(errbuf, errlen, "%s: out of memory", name);
        return SH_ERR_NOMEM;
    default:
        seterr(errbuf, errlen, "%s:%d:%d: %s", name, err->line, err->column,
               err->text);
        return SH_ERR_FORMAT;
    }
}

int sh_json_load_file(const char *path, json_t **root, char *errbuf,
                      size_t errlen)
{
    if (path == NULL || root == NULL)
        return SH_ERR_ARG;
    *root = NULL;
    json_error_t err;
    json_t *r = json_load_file(path, SH_JSON_LOAD_FLAGS, &err);
    return load_result(r, &err, path, root, errbuf, errlen);
}

int sh_json_load_string(const char *text, size_t len, const char *name,
                        json_t **root, char *errbuf, size_t errlen)
{
    if ((text == NULL && len > 0) || root == NULL)
        return SH_ERR_ARG;
    *root = NULL;
    json_error_t err;
    json_t *r = json_loadb(text != NULL ? text : "", len, SH_JSON_LOAD_FLAGS, &err);
    return load_result(r, &err, name != NULL ? name : "<string>", root,
                       errbuf, errlen);
}

/* ---- path lookup ------------------------------------------------------------ */

/* Find the member at a dotted path.  On failure returns NULL with the
 * error code in *rc and the reason in errbuf. */
static json_t *lookup(const json_t *obj, const char *path, int *rc,
                      char *errbuf, size_t errlen)
{
    if (obj == NULL || path == NULL || path[0] == '\0') {
        *rc = SH_ERR_ARG;
        seterr(errbuf, errlen, "invalid lookup");
        return NULL;
    }
    const json_t *cur = obj;
    const char *seg = path;
    for (;;) {
        if (!json_is_object(cur)) {
            *rc = SH_ERR_TYPE;
            if (cur == obj)
                seterr(errbuf, errlen, "looking up '%s': expected an object, found %s",
                       path, type_name(cur));
            else
                seterr(errbuf, errlen, "member '%.*s': expected an object, found %s",
                       (int)(seg - 1 - path), path, type_name(cur));
            return NULL;
        }
        const char *dot = strchr(seg, '.');
        size_t seglen = dot != NULL ? (size_t)(dot - seg) : strlen(seg);
        json_t *next = json_object_getn(cur, seg, seglen);
        if (next == NULL) {
            *rc = SH_ERR_FORMAT;
            seterr(errbuf, errlen, "missing member '%.*s'",
                   (int)(seg + seglen - path), path);
            return NULL;
        }
        if (dot == NULL)
            return next;
        cur = next;
        seg = dot + 1;
    }
}

bool sh_json_has(const json_t *obj, const char *path)
{
    int rc;
    return lookup(obj, path, &rc, NULL, 0) != NULL;
}

/* lookup() plus a type check; expected is the name for the message. */
static json_t *lookup_typed(const json_t *obj, const char *path, json_type t,
                            const char *expected, int *rc, char *errbuf,
                            size_t errlen)
{
    json_t *v = lookup(obj, path, rc, errbuf, errlen);
    if (v == NULL)
        return NULL;
    bool ok = json_typeof(v) == t
              || (t == JSON_TRUE && json_typeof(v) == JSON_FALSE);
    if (!ok) {
        *rc = SH_ERR_TYPE;
        seterr(errbuf, errlen, "member '%s': expected %s, found %s", path,
               expected, type_name(v));
        return NULL;
    }
    return v;
}

/* ---- typed getters ------------------------------------------------------------ */

int sh_json_get_string(const json_t *obj, const char *path, const char **out,
                       char *errbuf, size_t errlen)
{
    int rc = 0;
    json_t *v = lookup_typed(obj, path, JSON_STRING, "a string", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    *out = json_string_value(v);
    return 0;
}

int sh_json_get_int(const json_t *obj, const char *path, int64_t min,
                    int64_t max, int64_t *out, char *errbuf, size_t errlen)
{
    int rc = 0;
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    json_t *v = lookup_typed(obj, path, JSON_INTEGER, "an integer", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    int64_t x = (int64_t)json_integer_value(v);
    if (x < min || x > max) {
        seterr(errbuf, errlen, "member '%s': %" PRId64 " is outside [%" PRId64
               ", %" PRId64 "]", path, x, min, max);
        return SH_ERR_RANGE;
    }
    *out = x;
    return 0;
}

int sh_json_get_uint(const json_t *obj, const char *path, uint64_t min,
                     uint64_t max, uint64_t *out, char *errbuf, size_t errlen)
{
    int rc = 0;
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    json_t *v = lookup_typed(obj, path, JSON_INTEGER, "an integer", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    int64_t x = (int64_t)json_integer_value(v);
    if (x < 0 || (uint64_t)x < min || (uint64_t)x > max) {
        seterr(errbuf, errlen, "member '%s': %" PRId64 " is outside [%" PRIu64
               ", %" PRIu64 "]", path, x, min, max);
        return SH_ERR_RANGE;
    }
    *out = (uint64_t)x;
    return 0;
}

int sh_json_get_number(const json_t *obj, const char *path, double min,
                       double max, double *out, char *errbuf, size_t errlen)
{
    int rc = 0;
    if (!(min <= max) || out == NULL)
        return SH_ERR_ARG;
    json_t *v = lookup(obj, path, &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    if (!json_is_number(v)) {
        seterr(errbuf, errlen, "member '%s': expected a number, found %s",
               path, type_name(v));
        return SH_ERR_TYPE;
    }
    double x = json_number_value(v);
    /* jansson never yields NaN or infinities from text, but a json_t
     * built in code might; the negated test rejects NaN too. */
    if (!(x >= min && x <= max)) {
        seterr(errbuf, errlen, "member '%s': %.17g is outside [%.17g, %.17g]",
               path, x, min, max);
        return SH_ERR_RANGE;
    }
    *out = x;
    return 0;
}

int sh_json_get_bool(const json_t *obj, const char *path, bool *out,
                     char *errbuf, size_t errlen)
{
    int rc = 0;
    json_t *v = lookup_typed(obj, path, JSON_TRUE, "a boolean", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    *out = json_is_true(v);
    return 0;
}

int sh_json_get_object(const json_t *obj, const char *path, json_t **out,
                       char *errbuf, size_t errlen)
{
    int rc = 0;
    json_t *v = lookup_typed(obj, path, JSON_OBJECT, "an object", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    *out = v;
    return 0;
}

int sh_json_get_array(const json_t *obj, const char *path, size_t min,
                      size_t max, json_t **out, char *errbuf, size_t errlen)
{
    int rc = 0;
    if (min > max || out == NULL)
        return SH_ERR_ARG;
    json_t *v = lookup_typed(obj, path, JSON_ARRAY, "an array", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    size_t n = json_array_size(v);
    if (n < min || n > max) {
        seterr(errbuf, errlen, "member '%s': %zu elements, expected %zu to %zu",
               path, n, min, max);
        return SH_ERR_LENGTH;
    }
    *out = v;
    return 0;
}

int sh_json_get_hex(const json_t *obj, const char *path, uint8_t *out,
                    size_t len, char *errbuf, size_t errlen)
{
    int rc = 0;
    if (out == NULL && len > 0)
        return SH_ERR_ARG;
    json_t *v = lookup_typed(obj, path, JSON_STRING, "a hex string", &rc, errbuf, errlen);
    if (v == NULL)
        return rc;
    rc = sh_hex_decode_exact(out, len, json_string_value(v), json_string_length(v));
    if (rc == SH_ERR_LENGTH)
        seterr(errbuf, errlen, "member '%s': expected %zu hex digits, found %zu",
               path, 2 * len, json_string_length(v));
    else if (rc != 0)
        seterr(errbuf, errlen, "member '%s': not an even-length string of hex digits",
               path);
    if (rc != 0 && len > 0)
        sodium_memzero(out, len);
    return rc;
}

/* ---- writing -------------------------------------------------------------- */

int sh_json_dump(const json_t *root, sh_buf *out)
{
    if (root == NULL || out == NULL)
        return SH_ERR_ARG;
    /* json_dumpb returns the full size even when it does not fit, so a
     * first call with no buffer measures, the second writes. */
    size_t need = json_dumpb(root, NULL, 0, SH_JSON_DUMP_FLAGS);
    if (need == 0)
        return SH_ERR_ARG;   /* jansson refuses (e.g. a NaN real) */
    uint8_t *p;
    size_t start = out->len;
    int rc = sh_buf_extend(out, need + 1, &p);
    if (rc != 0)
        return rc;
    if (json_dumpb(root, (char *)p, need, SH_JSON_DUMP_FLAGS) != need) {
        rc = sh_buf_truncate(out, start);
        (void)rc;
        return SH_ERR_INTERNAL;
    }
    p[need] = '\n';
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int sh_json_write_file(const char *path, const json_t *root, unsigned mode,
                       char *errbuf, size_t errlen)
{
    if (path == NULL || root == NULL || mode > 07777)
        return SH_ERR_ARG;
    sh_buf text;
    sh_buf_init(&text);
    int rc = sh_json_dump(root, &text);
    if (rc != 0) {
        sh_buf_free(&text);
        seterr(errbuf, errlen, "%s: cannot serialise: %s", path, sh_err_str(rc));
        return rc;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
    if (tmp == NULL) {
        sh_buf_free(&text);
        seterr(errbuf, errlen, "%s: out of memory", path);
        return SH_ERR_NOMEM;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");

    const char *what = "create temporary file";
    int fd = mkstemp(tmp);
    if (fd < 0)
        goto fail;
    what = "write";
    if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, text.data, text.len) != 0)
        goto fail_fd;
    what = "fsync";
    if (fsync(fd) != 0)
        goto fail_fd;
    what = "close";
    if (close(fd) != 0) {
        fd = -1;
        goto fail_unlink;
    }
    fd = -1;
    what = "rename";
    if (rename(tmp, path) != 0)
        goto fail_unlink;
    what = "fsync directory of";
    if (sh_fsync_parent(path) != 0)
        goto fail;   /* the new file is in place; only durability is unknown */
    free(tmp);
    sh_buf_free(&text);
    return 0;

fail_fd:
    {
        int saved = errno;
        close(fd);
        errno = saved;
    }
fail_unlink:
    {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
fail:
    seterr(errbuf, errlen, "%s: %s failed: %s", path, what, strerror(errno));
    free(tmp);
    sh_buf_free(&text);
    return SH_ERR_IO;
}
