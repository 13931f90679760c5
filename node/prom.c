/* node/prom.c -- Prometheus text exposition writer (see prom.h). */
#include "node/prom.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation ------------------------------------------------------------ */

static int is_alpha_(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static int valid_name(const char *s)
{
    if (s == NULL || *s == '\0' || !(is_alpha_(*s) || *s == ':'))
        return 0;
    for (s++; *s != '\0'; s++)
        if (!(is_alpha_(*s) || is_digit(*s) || *s == ':'))
            return 0;
    return 1;
}

/* [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved). */
static int valid_label_key(const char *s)
{
    if (s == NULL || *s == '\0' || !is_alpha_(*s))
        return 0;
    if (s[0] == '_' && s[1] == '_')
        return 0;
    for (s++; *s != '\0'; s++)
        if (!(is_alpha_(*s) || is_digit(*s)))
            return 0;
    return 1;
}

/* Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. */
static int valid_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s != 0) {
        unsigned c = *s;
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            s++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)   /* also stops at the NUL */
                return 0;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* Keys valid and unique, values present and UTF-8.  extra_key is a label
 * the writer itself adds ("le"), which the caller may not use. */
static int check_labels(const char *const *labels, size_t n, const char *extra_key)
{
    if (n > 0 && labels == NULL)
        return SH_ERR_ARG;
    for (size_t i = 0; i < n; i++) {
        const char *k = labels[2 * i], *v = labels[2 * i + 1];
        if (!valid_label_key(k) || v == NULL)
            return SH_ERR_ARG;
        if (extra_key != NULL && strcmp(k, extra_key) == 0)
            return SH_ERR_ARG;
        for (size_t j = 0; j < i; j++)
            if (strcmp(labels[2 * j], k) == 0)
                return SH_ERR_ARG;
        if (!valid_utf8(v))
            return SH_ERR_FORMAT;
    }
    return 0;
}

/* ---- output helpers ---------------------------------------------------------- */

/* Append s, escaping '\\' and '\n', and '"' too when quote is set. */
static int append_escaped(sh_buf *out, const char *s, int quote)
{
    const char *run = s;
    for (;; s++) {
        const char *esc = NULL;
        if (*s == '\\')
            esc = "\\\\";
        else if (*s == '\n')
            esc = "\\n";
        else if (*s == '"' && quote)
            esc = "\\\"";
        else if (*s != '\0')
            continue;
        int rc = sh_buf_append(out, run, (size_t)(s - run));
        if (rc != 0 || esc == NULL)
            return rc;
        if ((rc = sh_buf_append_str(out, esc)) != 0)
            return rc;
        run = s + 1;
    }
}

/* The shortest decimal that reads back as v, or Prometheus's spellings of
 * the non-finite values.  buf must hold 32 characters. */
static void format_f64(char buf[32], double v)
{
    if (isnan(v)) {
        strcpy(buf, "NaN");
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* 17 significant digits always round-trip; fewer usually do and read
     * far better (0.1 rather than 0.10000000000000001).  Trying every
     * precision finds the shortest, as Go's strconv 'g' -1 does; a page
     * has a few hundred numbers at most. */
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* %g switches to an exponent once the exponent reaches the precision,
     * so the shortest form of 10 is "1e+01".  Below 1e17 spell integers
     * out: more digits than the shortest form still read back exactly. */
    int exp10 = 0;
    snprintf(buf, 32, "%.*e", prec - 1, v);
    const char *e = strchr(buf, 'e');
    if (e != NULL)
        exp10 = atoi(e + 1);
    if (exp10 >= prec && exp10 < 17)
        prec = exp10 + 1;
    snprintf(buf, 32, "%.*g", prec, v);
}

/* name suffix {labels[, extra_key="extra_val"]} value\n */
static int write_line(sh_buf *out, const char *name, const char *suffix,
                      const char *const *labels, size_t n_labels,
                      const char *extra_key, const char *extra_val, const char *value)
{
    int rc;
    if ((rc = sh_buf_append_str(out, name)) != 0 ||
        (rc = sh_buf_append_str(out, suffix)) != 0)
        return rc;
    if (n_labels > 0 || extra_key != NULL) {
        if ((rc = sh_buf_append_u8(out, '{')) != 0)
            return rc;
        for (size_t i = 0; i < n_labels; i++) {
            if ((i > 0 && (rc = sh_buf_append_u8(out, ',')) != 0) ||
                (rc = sh_buf_append_str(out, labels[2 * i])) != 0 ||
                (rc = sh_buf_append_str(out, "=\"")) != 0 ||
                (rc = append_escaped(out, labels[2 * i + 1], 1)) != 0 ||
                (rc = sh_buf_append_u8(out, '"')) != 0)
                return rc;
        }
        if (extra_key != NULL) {
            if ((n_labels > 0 && (rc = sh_buf_append_u8(out, ',')) != 0) ||
                (rc = sh_buf_append_str(out, extra_key)) != 0 ||
                (rc = sh_buf_append_str(out, "=\"")) != 0 ||
                (rc = append_escaped(out, extra_val, 1)) != 0 ||
                (rc = sh_buf_append_u8(out, '"')) != 0)
                return rc;
        }
        if ((rc = sh_buf_append_u8(out, '}')) != 0)
            return rc;
    }
    if ((rc = sh_buf_append_u8(out, ' ')) != 0 ||
        (rc = sh_buf_append_str(out, value)) != 0)
        return rc;
    return sh_buf_append_u8(out, '\n');
}

/* Undo a partial write: every public function ends through here. */
static int finish(sh_buf *out, size_t mark, int rc)
{
    if (rc != 0 && out->len > mark) {
        int t = sh_buf_truncate(out, mark);
        (void)t;   /* mark <= len: cannot fail */
    }
    return rc;
}

/* ---- families and samples ---------------------------------------------------- */

int node_prom_family(sh_buf *out, const char *name, const char *type, const char *help)
{
    if (out == NULL || !valid_name(name) || type == NULL)
        return SH_ERR_ARG;
    if (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0 &&
        strcmp(type, "histogram") != 0)
        return SH_ERR_ARG;
    if (help != NULL && !valid_utf8(help))
        return SH_ERR_FORMAT;
    size_t mark = out->len;
    int rc = 0;
    if (help != NULL) {
        if ((rc = sh_buf_append_str(out, "# HELP ")) != 0 ||
            (rc = sh_buf_append_str(out, name)) != 0 ||
            (rc = sh_buf_append_u8(out, ' ')) != 0 ||
            (rc = append_escaped(out, help, 0)) != 0 ||
            (rc = sh_buf_append_u8(out, '\n')) != 0)
            return finish(out, mark, rc);
    }
    if ((rc = sh_buf_append_str(out, "# TYPE ")) != 0 ||
        (rc = sh_buf_append_str(out, name)) != 0 ||
        (rc = sh_buf_append_u8(out, ' ')) != 0 ||
        (rc = sh_buf_append_str(out, type)) != 0 ||
        (rc = sh_buf_append_u8(out, '\n')) != 0)
        return finish(out, mark, rc);
    return 0;
}

static int sample(sh_buf *out, const char *name, const char *const *labels,
                  size_t n_labels, const char *value)
{
    if (out == NULL || !valid_name(name))
        return SH_ERR_ARG;
    int rc = check_labels(labels, n_labels, NULL);
    if (rc != 0)
        return rc;
    size_t mark = out->len;
    return finish(out, mark, write_line(out, name, "", labels, n_labels, NULL, NULL, value));
}

int node_prom_sample_u64(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, uint64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, v);
    return sample(out, name, labels, n_labels, num);
}

int node_prom_sample_f64(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, double v)
{
    char num[32];
    format_f64(num, v);
    return sample(out, name, labels, n_labels, num);
}

/* ---- histograms --------------------------------------------------------------- */

static int bounds_ok(const double *bounds, size_t n)
{
    if (n > NODE_PROM_MAX_BUCKETS || (n > 0 && bounds == NULL))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(bounds[i]))
            return 0;
        /* Written without '!' so that a NaN would also fail (it cannot
         * reach here, isfinite refused it). */
        if (i > 0 && !(bounds[i] > bounds[i - 1]))
            return 0;
    }
    return 1;
}

int node_prom_hist_init(node_prom_hist *h, const double *bounds, size_t n)
{
    if (h == NULL)
        return SH_ERR_ARG;
    memset(h, 0, sizeof *h);
    if (!bounds_ok(bounds, n))
        return SH_ERR_ARG;
    h->n = n;
    if (n > 0)
        memcpy(h->bounds, bounds, n * sizeof bounds[0]);
    return 0;
}

void node_prom_hist_observe(node_prom_hist *h, double v)
{
    if (h == NULL || isnan(v) || h->n > NODE_PROM_MAX_BUCKETS)
        return;
    /* Linear search: at most 32 bounds, and observations are cheap next
     * to whatever is being measured. */
    size_t i = 0;
    while (i < h->n && v > h->bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += v;
}

int node_prom_hist_write(sh_buf *out, const char *name, const char *const *labels,
                         size_t n_labels, const node_prom_hist *h)
{
    if (out == NULL || h == NULL || !valid_name(name))
        return SH_ERR_ARG;
    int rc = check_labels(labels, n_labels, "le");
    if (rc != 0)
        return rc;
    if (!bounds_ok(h->bounds, h->n))
        return SH_ERR_STATE;
    uint64_t total = 0;
    for (size_t i = 0; i <= h->n; i++) {
        if (h->counts[i] > UINT64_MAX - total)
            return SH_ERR_STATE;
        total += h->counts[i];
    }
    /* Prometheus requires the +Inf bucket to equal _count; a struct where
     * they differ was corrupted, and writing it would be a lie. */
    if (total != h->count)
        return SH_ERR_STATE;

    size_t mark = out->len;
    char le[32], num[32];
    uint64_t cum = 0;
    for (size_t i = 0; i <= h->n && rc == 0; i++) {
        cum += h->counts[i];
        if (i < h->n)
            format_f64(le, h->bounds[i]);
        else
            strcpy(le, "+Inf");
        snprintf(num, sizeof num, "%" PRIu64, cum);
        rc = write_line(out, name, "_bucket", labels, n_labels, "le", le, num);
    }
    if (rc == 0) {
        format_f64(num, h->sum);
        rc = write_line(out, name, "_sum", labels, n_labels, NULL, NULL, num);
    }
    if (rc == 0) {
        snprintf(num, sizeof num, "%" PRIu64, h->count);
        rc = write_line(out, name, "_count", labels, n_labels, NULL, NULL, num);
    }
    return finish(out, mark, rc);
}
