/* node/config.c -- relay.ini: inih splits the lines, this file gives them
 * meaning (node/config.h has the syntax and the contracts).
 *
 * inih runs through ini_parse_stream with our own line reader.  The reader
 * refuses what inih would silently mangle (long lines split in two, NUL
 * bytes, indented lines read as continuations), checks section headers
 * (Debian's inih does not report them to the handler) and counts lines,
 * since Debian's inih has no INI_HANDLER_LINENO.  The handler returns 0 on
 * the first error and the reader then stops; inih returns the first line
 * it refused, which also covers its own refusals (neither '=' nor ':').
 * Every key is described once, in node_config_keys[]: parsing, the defaults, the
 * reload check and the generated file all read that table. */
#include "node/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gossip/descriptor.h"
#include "gossip/gossip.h"
#include "util/hex.h"
#include "node/config_keys.h"

_Static_assert(NODE_CFG_MAX_ADVERTISE == GOSSIP_DESC_MAX_ADDRS,
               "every advertised address must fit in the descriptor");

/* ---- values -------------------------------------------------------------- */

/* Plain decimal into *v; the value saturates past hi so a 30-digit number
 * is "out of range", not "wrapped".  0 or SH_ERR_FORMAT with *why set. */
static int parse_dec(const char *s, uint64_t hi, uint64_t *v, const char **why)
{
    uint64_t x = 0;
    if (*s == '\0')
        return *why = "is empty", SH_ERR_FORMAT;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return *why = "is not a decimal number", SH_ERR_FORMAT;
        if (x <= hi)
            x = x * 10 + (uint64_t)(*p - '0');
    }
    /* "010" would be 8 to a C programmer's eye: accept one spelling. */
    if (s[0] == '0' && s[1] != '\0')
        return *why = "has a leading zero", SH_ERR_FORMAT;
    *v = x;
    return 0;
}

/* inet_pton on s[0..n) */
static bool ip_parse(int af, const char *s, size_t n, uint8_t *ip)
{
    char host[INET6_ADDRSTRLEN + 1];
    if (n >= sizeof host)
        return false;
    memcpy(host, s, n);
    host[n] = '\0';
    return inet_pton(af, host, ip) == 1;
}

static int addr_parse(node_addr *out, const char *s, bool port0_ok, const char **why)
{
    node_addr a;
    const char *port, *end;
    memset(&a, 0, sizeof a);
    if (s[0] == '[') {
        if ((end = strchr(s, ']')) == NULL)
            return *why = "has no ']' after the IPv6 address", SH_ERR_FORMAT;
        if (end[1] != ':')
            return *why = "has no ':PORT' after ']'", SH_ERR_FORMAT;
        if (!ip_parse(AF_INET6, s + 1, (size_t)(end - s - 1), a.ip))
            return *why = "is not an IPv6 address (no zone, no hostname)", SH_ERR_FORMAT;
        a.family = 6;
        port = end + 2;
    } else {
        if ((end = strrchr(s, ':')) == NULL)
            return *why = "has no ':PORT'", SH_ERR_FORMAT;
        if (memchr(s, ':', (size_t)(end - s)) != NULL)
            return *why = "must put an IPv6 address in brackets: [ADDRESS]:PORT", SH_ERR_FORMAT;
        if (!ip_parse(AF_INET, s, (size_t)(end - s), a.ip))
            return *why = "is not an IPv4 address a.b.c.d (hostnames are not accepted)",
                   SH_ERR_FORMAT;
        a.family = 4;
        port = end + 1;
    }
    uint64_t p;
    if (parse_dec(port, 65535, &p, why) != 0)
        return *why = "has no decimal port", SH_ERR_FORMAT;
    if (p > 65535 || (p == 0 && !port0_ok))
        return *why = port0_ok ? "has a port out of range 0..65535"
                               : "has a port out of range 1..65535", SH_ERR_RANGE;
    a.port = (uint16_t)p;
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.ip, ip, sizeof ip);
    snprintf(a.text, sizeof a.text, a.family == 4 ? "%s:%u" : "[%s]:%u", ip, (unsigned)a.port);
    *out = a;
    return 0;
}

int node_addr_parse(node_addr *a, const char *s)
{
    const char *why;
    if (a == NULL || s == NULL)
        return SH_ERR_ARG;
    return addr_parse(a, s, false, &why);
}

/* Can a peer connect to it?  Not a wildcard, multicast or broadcast. */
int node_addr_host(const node_addr *a, char *out, size_t n)
{
    if (a == NULL || out == NULL || (a->family != 4 && a->family != 6) ||
        inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, out, (socklen_t)n) == NULL)
        return SH_ERR_ARG;
    return 0;
}

static bool addr_reachable(const node_addr *a)
{
    static const uint8_t zero[16];
    if (a->family == 4)
        return memcmp(a->ip, zero, 4) != 0 && (a->ip[0] & 0xf0) != 0xe0
               && memcmp(a->ip, "\xff\xff\xff\xff", 4) != 0;
    return memcmp(a->ip, zero, 16) != 0 && a->ip[0] != 0xff;
}

static bool addr_loopback(const node_addr *a)
{
    static const uint8_t v6[16] = { [15] = 1 };
    return a->family == 4 ? a->ip[0] == 127 : memcmp(a->ip, v6, 16) == 0;
}

void node_config_defaults(node_config *c)
{
    /* From the table, so that the defaults applied here and those
     * written by node_config_write cannot drift apart. */
    const char *why;
    memset(c, 0, sizeof *c);
    for (size_t k = 0; k < N_KEYS; k++)
        if (node_config_keys[k].type == T_U32)
            *(uint32_t *)((char *)c + node_config_keys[k].off) = (uint32_t)strtoul(node_config_keys[k].dflt, NULL, 10);
    if (addr_parse(&c->control, node_config_keys[K_CONTROL].dflt, true, &why) != 0)
        abort();                     /* the table is wrong */
    strcpy(c->token_file, node_config_keys[K_TOKEN_FILE].dflt);
    c->log_level = SH_LOG_INFO;
    c->log_format = NODE_LOG_AUTO;
}

/* Lexically join base (absolute) and p into out[0..PATH_MAX), folding
 * "//", "." and "..". */
static int path_resolve(char *out, const char *base, const char *p)
{
    char tmp[2 * PATH_MAX + 2];
    int n = snprintf(tmp, sizeof tmp, "%s/%s", p[0] == '/' ? "" : base, p);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return SH_ERR_OVERSIZE;
    size_t o = 1;
    out[0] = '/';
    for (const char *s = tmp; *s != '\0'; s += strspn(s, "/")) {
        size_t len = strcspn(s, "/");
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 1 && out[o - 1] != '/')
                o--;
            o -= o > 1;
        } else if (len > 0 && !(len == 1 && s[0] == '.')) {
            if (o + len + 2 > PATH_MAX)
                return SH_ERR_OVERSIZE;
            if (o > 1)
                out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s += len;
    }
    out[o] = '\0';
    return 0;
}

int node_config_abs_path(char *abs, char *dir, const char *path)
{
    char cwd[PATH_MAX];
    if ((path[0] != '/' && getcwd(cwd, sizeof cwd) == NULL) || path_resolve(abs, cwd, path) != 0)
        return SH_ERR_IO;
    if (dir != NULL) {
        memcpy(dir, abs, strlen(abs) + 1);
        char *slash = strrchr(dir, '/');
        slash[slash == dir] = '\0';
    }
    return 0;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct parse_state {
    node_config *c;
    const char *data;
    size_t len, pos;
    int line;                        /* lines handed to inih so far */
    int code, err_line;              /* the first error (code 0: none yet) */
    char reason[320];
    int key_line[N_KEYS];            /* line where each key first appears */
    uint32_t count[N_KEYS];
    int boot_line[NODE_CFG_MAX_BOOTSTRAP];
    char base[PATH_MAX];             /* absolute directory of relative paths */
} parse_state;

/* Record the first error; returns its code. */
__attribute__((format(printf, 4, 5)))
static int fail(parse_state *st, int code, int line, const char *fmt, ...)
{
    if (st->code == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->reason, sizeof st->reason, fmt, ap);
        va_end(ap);
        st->code = code;
        st->err_line = line;
    }
    return st->code;
}

/* The index of the first non-blank of s[i..n), or n. */
static size_t skip_blanks(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* The checks on one physical line s[0..n) (without its line end). */
static int check_line(parse_state *st, const char *s, size_t n, size_t max)
{
    int line = st->line;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == 0)
            return fail(st, SH_ERR_FORMAT, line, "NUL byte in the line");
        if ((b < 0x20 && b != '\t') || b == 0x7f)
            return fail(st, SH_ERR_FORMAT, line, "control character (byte 0x%02x) in the line", b);
    }
    if (n > max)
        return fail(st, SH_ERR_OVERSIZE, line, "the line is longer than %zu characters", max);
    size_t blank = skip_blanks(s, 0, n);
    if (blank == n || s[blank] == ';' || s[blank] == '#')
        return 0;                    /* blank line or comment */
    if (blank > 0)
        return fail(st, SH_ERR_FORMAT, line, "indented line (inih would join it to the "
                    "previous value): remove the leading blanks");
    if (s[0] != '[')
        return 0;
    const char *rb = memchr(s, ']', n);
    if (rb == NULL)
        return fail(st, SH_ERR_FORMAT, line, "no ']' closing the section name");
    size_t name_len = (size_t)(rb - s - 1), rest = skip_blanks(s, name_len + 2, n);
    if (rest < n && s[rest] != ';')
        return fail(st, SH_ERR_FORMAT, line, "text after the section name");
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (strlen(node_config_sections[i]) == name_len && memcmp(node_config_sections[i], s + 1, name_len) == 0)
            return 0;
    return fail(st, SH_ERR_FORMAT, line, "unknown section [%.*s]", (int)name_len, s + 1);
}

/* inih's fgets-like reader: one whole line, checked, or NULL to stop. */
static char *reader(char *str, int num, void *stream)
{
    parse_state *st = stream;
    if (st->code != 0 || st->pos >= st->len || num < 4)
        return NULL;
    const char *s = st->data + st->pos;
    const char *nl = memchr(s, '\n', st->len - st->pos);
    size_t n = nl != NULL ? (size_t)(nl - s) + 1 : st->len - st->pos, text = n;
    st->pos += n;
    st->line++;
    if (nl != NULL)
        text -= 1 + (text > 1 && s[text - 2] == '\r');
    if (st->line == 1 && text >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        s += 3, n -= 3, text -= 3;   /* a byte-order mark: not ours to pass on */
    /* inih needs room for the line, its CR LF and a NUL (see ini.h). */
    size_t max = (size_t)num - 3 < NODE_CFG_LINE_MAX ? (size_t)num - 3 : NODE_CFG_LINE_MAX;
    if (check_line(st, s, text, max) != 0)
        return NULL;
    memcpy(str, s, n);
    str[n] = '\0';
    return str;
}

static int set_bootstrap(parse_state *st, const char *v)
{
    const char *f[3];
    int fl[3];
    size_t nf = 0;
    for (const char *p = v + strspn(v, " \t"); *p != '\0'; p += strspn(p, " \t"), nf++) {
        if (nf < 3)
            f[nf] = p, fl[nf] = (int)strcspn(p, " \t");
        p += strcspn(p, " \t");
    }
    if (nf != 3)
        return fail(st, SH_ERR_FORMAT, st->line, "bootstrap: expected IDENTITY TRANSPORT "
                    "HOST:PORT, found %zu field%s", nf, nf == 1 ? "" : "s");
    node_bootstrap *b = &st->c->bootstrap[st->c->n_bootstrap];
    static const char *const what[2] = { "identity", "transport key" };
    uint8_t *key[2] = { b->identity, b->transport };
    for (int i = 0; i < 2; i++) {
        if (fl[i] != 64)
            return fail(st, SH_ERR_FORMAT, st->line, "bootstrap: the %s must be 64 hex "
                        "digits, not %d characters", what[i], fl[i]);
        if (sh_hex_decode_exact(key[i], 32, f[i], 64) != 0)
            return fail(st, SH_ERR_FORMAT, st->line, "bootstrap: the %s is not hex", what[i]);
    }
    /* Catches most mistyped identities and many swapped key pairs. */
    if (crypto_core_ed25519_is_valid_point(b->identity) != 1)
        return fail(st, SH_ERR_FORMAT, st->line,
                    "bootstrap: the identity is not an Ed25519 public key");
    if (sodium_is_zero(b->transport, 32))
        return fail(st, SH_ERR_FORMAT, st->line, "bootstrap: the transport key is zero");
    /* Cut to 63 bytes: longer than any address, so never a valid one. */
    char addr[sizeof b->addr.text];
    const char *why;
    snprintf(addr, sizeof addr, "%.*s", fl[2], f[2]);
    int rc = addr_parse(&b->addr, addr, false, &why);
    if (rc != 0)
        return fail(st, rc, st->line, "bootstrap: '%.*s' %s", fl[2], f[2], why);
    if (!addr_reachable(&b->addr))
        return fail(st, SH_ERR_FORMAT, st->line,
                    "bootstrap: '%s' is a wildcard, multicast or broadcast address", addr);
    for (uint32_t i = 0; i < st->c->n_bootstrap; i++)
        if (memcmp(st->c->bootstrap[i].identity, b->identity, 32) == 0)
            return fail(st, SH_ERR_FORMAT, st->line,
                        "bootstrap: this identity is already listed on line %d", st->boot_line[i]);
    st->boot_line[st->c->n_bootstrap++] = st->line;
    return 0;
}

static bool in_charset(const char *v, const char *set, size_t max)
{
    size_t n = strlen(v);
    return n >= 1 && n <= max && strspn(v, set) == n;
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

static int set_value(parse_state *st, const key_def *d, const char *v)
{
    node_config *c = st->c;
    void *field = (char *)c + d->off;
    const char *why;
    int rc, line = st->line;
    uint64_t x;
    node_addr a;
    switch (d->type) {
    case T_U32:
        if ((rc = parse_dec(v, d->hi, &x, &why)) != 0)
            return fail(st, rc, line, "%s: '%s' %s", d->name, v, why);
        if ((x < d->lo || x > d->hi) && !(x == 0 && (d->flags & F_AUTO0)))
            return fail(st, SH_ERR_RANGE, line, "%s: '%s' is out of range %u..%u%s", d->name, v,
                        (unsigned)d->lo, (unsigned)d->hi,
                        (d->flags & F_AUTO0) ? " (or 0: automatic)" : "");
        *(uint32_t *)field = (uint32_t)x;
        return 0;
    case T_NICK:
        if (!in_charset(v, UPPER LOWER DIGIT "_-", NODE_CFG_NICK_MAX))
            return fail(st, SH_ERR_FORMAT, line,
                        "nickname: '%s' is not 1 to 32 characters of A-Z a-z 0-9 _ -", v);
        strcpy(c->nickname, v);
        return 0;
    case T_ENV:
        if (v[0] != '\0' && (!in_charset(v, UPPER DIGIT "_", sizeof c->passphrase_env - 1)
                             || strchr(DIGIT, v[0]) != NULL))
            return fail(st, SH_ERR_FORMAT, line, "passphrase_env: '%s' is not a variable "
                        "name [A-Z_][A-Z0-9_]* of at most 63 characters", v);
        strcpy(c->passphrase_env, v);
        return 0;
    case T_PATH:
    case T_OPTPATH:
        if (v[0] == '\0' && d->type == T_PATH)
            return fail(st, SH_ERR_FORMAT, line, "%s: empty value", d->name);
        if (v[0] == '\0')
            *(char *)field = '\0';   /* "key =": explicitly unset */
        else if (path_resolve(field, st->base, v) != 0)
            return fail(st, SH_ERR_OVERSIZE, line, "%s: the path is too long", d->name);
        return 0;
    case T_LISTEN:
    case T_ADVERTISE:
    case T_CONTROL:
        if ((rc = addr_parse(&a, v, d->type == T_CONTROL, &why)) != 0)
            return fail(st, rc, line, "%s: '%s' %s", d->name, v, why);
        if (d->type == T_CONTROL && !addr_loopback(&a))
            return fail(st, SH_ERR_FORMAT, line, "listen: the control API must listen on a "
                        "loopback address (127.0.0.0/8 or [::1]), not '%s'", v);
        if (d->type != T_ADVERTISE) {
            *(node_addr *)field = a;
            return 0;
        }
        if (!addr_reachable(&a))
            return fail(st, SH_ERR_FORMAT, line,
                        "advertise: '%s' is a wildcard, multicast or broadcast address", v);
        for (uint32_t i = 0; i < c->n_advertise; i++)
            if (strcmp(c->advertise[i].text, a.text) == 0)
                return fail(st, SH_ERR_FORMAT, line, "advertise: '%s' is already advertised", v);
        c->advertise[c->n_advertise++] = a;
        return 0;
    case T_BOOT:
        return set_bootstrap(st, v);
    case T_LEVEL:
        if (sh_log_level_parse(v, &c->log_level) != 0)
            return fail(st, SH_ERR_FORMAT, line,
                        "level: '%s' is not one of debug, info, notice, warn, err", v);
        return 0;
    default:                         /* T_FORMAT */
        for (int i = 0; i < 3; i++)
            if (strcmp(v, node_config_log_formats[i]) == 0)
                return c->log_format = (node_log_format)i, 0;
        return fail(st, SH_ERR_FORMAT, line, "format: '%s' is not one of auto, plain, systemd", v);
    }
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    size_t k = 0;
    while (k < N_KEYS && (strcmp(node_config_keys[k].section, section) != 0 || strcmp(node_config_keys[k].name, name) != 0))
        k++;
    if (st->code != 0)
        return 0;
    if (name[0] == '\0')
        fail(st, SH_ERR_FORMAT, st->line, "no key name before '='");
    else if (section[0] == '\0')
        fail(st, SH_ERR_FORMAT, st->line, "key '%s' before any [section]", name);
    else if (k == N_KEYS)
        fail(st, SH_ERR_FORMAT, st->line, "unknown key '%s' in section [%s]", name, section);
    else if (st->count[k] >= node_config_keys[k].max_count && node_config_keys[k].max_count == 1)
        fail(st, SH_ERR_FORMAT, st->line, "duplicate key '%s' in [%s] (first given on line %d)",
             name, section, st->key_line[k]);
    else if (st->count[k] >= node_config_keys[k].max_count)
        fail(st, SH_ERR_FORMAT, st->line, "too many '%s' keys in [%s]: at most %u", name,
             section, (unsigned)node_config_keys[k].max_count);
    else if (st->count[k]++ == 0)
        st->key_line[k] = st->line;
    return st->code == 0 && set_value(st, &node_config_keys[k], value) == 0;
}

/* The checks that need the whole file. */
static int finish(parse_state *st)
{
    node_config *c = st->c;
    for (size_t k = 0; k < N_KEYS; k++)
        if ((node_config_keys[k].flags & F_REQ) && st->count[k] == 0)
            return fail(st, SH_ERR_FORMAT, 0, "missing required key '%s' in [%s]", node_config_keys[k].name,
                        node_config_keys[k].section);
    const char *src[3] = { c->key_file, c->passphrase_file, c->passphrase_env };
    int first = -1;
    for (int i = 0; i < 3; i++) {
        if (src[i][0] != '\0' && first >= 0) {
            /* Name the later of the two lines: that is the one to delete. */
            int a = K_KEY_FILE + first, b = K_KEY_FILE + i;
            int late = st->key_line[b] > st->key_line[a] ? b : a, early = a + b - late;
            return fail(st, SH_ERR_FORMAT, st->key_line[late], "%s: [keys] takes only one of "
                        "key_file, passphrase_file, passphrase_env (%s is set on line %d)",
                        node_config_keys[late].name, node_config_keys[early].name, st->key_line[early]);
        }
        first = src[i][0] != '\0' ? i : first;
    }
    if (first < 0)
        return fail(st, SH_ERR_FORMAT, 0,
                    "[keys] must set one of key_file, passphrase_file, passphrase_env");
    if (c->n_advertise == 0) {
        if (!addr_reachable(&c->listen))
            return fail(st, SH_ERR_FORMAT, st->key_line[K_LISTEN], "listen: '%s' is a wildcard "
                        "address: set advertise to the address peers should connect to",
                        c->listen.text);
        c->advertise[0] = c->listen;
        c->n_advertise = 1;
    }
    return 0;
}

void node_config_report(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
    char reason[sizeof ((parse_state *)0)->reason];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (err != NULL && errlen > 0 && line > 0)
        snprintf(err, errlen, "%s:%d: %s", name, line, reason);
    else if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", name, reason);
}

int node_config_parse_buffer(node_config *c, const char *data, size_t len, const char *name,
                             const char *base_dir, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (c == NULL || (data == NULL && len > 0) || name == NULL)
        return SH_ERR_ARG;
    /* Several kilobytes: off small thread stacks. */
    parse_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        node_config_report(err, errlen, name, 0, "out of memory");
        return SH_ERR_NOMEM;
    }
    node_config_defaults(c);
    snprintf(c->path, sizeof c->path, "%s", name);
    st->c = c, st->data = data, st->len = len;
    if (node_config_abs_path(st->base, NULL, base_dir != NULL ? base_dir : ".") != 0
        || path_resolve(c->token_file, st->base, node_config_keys[K_TOKEN_FILE].dflt) != 0) {
        fail(st, SH_ERR_IO, 0, "cannot resolve the directory of relative paths");
    } else if (len > NODE_CFG_FILE_MAX) {
        fail(st, SH_ERR_OVERSIZE, 0, "larger than %u bytes", NODE_CFG_FILE_MAX);
    } else {
        int r = ini_parse_stream(reader, st, handler, st);
        if (r == -2)
            fail(st, SH_ERR_NOMEM, 0, "out of memory");
        else if (r < 0)
            fail(st, SH_ERR_IO, 0, "cannot read");
        else if (r > 0 && (st->code == 0 || r < st->err_line)) {
            /* inih refused a line before any error of ours: its only own
             * refusal left is a line with neither '=' nor ':'. */
            st->code = 0;
            fail(st, SH_ERR_FORMAT, r, "expected 'key = value', '[section]' or a comment");
        }
        if (st->code == 0)
            finish(st);
    }
    int rc = st->code;
    if (rc != 0)
        node_config_report(err, errlen, name, st->err_line, "%s", st->reason);
    free(st);
    return rc;
}

int node_config_parse_string(node_config *c, const char *text, const char *name,
                             const char *base_dir, char *err, size_t errlen)
{
    /* (NULL, 1) is refused as SH_ERR_ARG */
    return node_config_parse_buffer(c, text, text != NULL ? strlen(text) : 1, name, base_dir,
                                    err, errlen);
}

int node_config_load(node_config *c, const char *path, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (c == NULL || path == NULL)
        return SH_ERR_ARG;
    char abs[PATH_MAX], dir[PATH_MAX], *buf = malloc(NODE_CFG_FILE_MAX + 1);
    FILE *f = NULL;
    int rc = SH_ERR_NOMEM, fd = -1;
    struct stat sb;
    if (buf == NULL) {
        node_config_report(err, errlen, path, 0, "out of memory");
    } else if ((rc = node_config_abs_path(abs, dir, path)) != 0) {
        node_config_report(err, errlen, path, 0, "cannot make the path absolute");
    } else if ((rc = SH_ERR_IO, fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0
               || (f = fdopen(fd, "r")) == NULL) {
        /* Open what we report and resolve against: the absolute path. */
        node_config_report(err, errlen, abs, 0, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
    } else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        node_config_report(err, errlen, abs, 0, "not a regular file");
    } else {
        /* One byte past the limit tells "at the limit" from "above". */
        size_t len = fread(buf, 1, NODE_CFG_FILE_MAX + 1, f);
        if (ferror(f))
            node_config_report(err, errlen, abs, 0, "cannot read: %s", strerror(errno));
        else
            rc = node_config_parse_buffer(c, buf, len, abs, dir, err, errlen);
    }
    if (f != NULL)
        fclose(f);
    free(buf);
    return rc;
}

/* ---- reload -------------------------------------------------------------- */

_Static_assert(sizeof(sh_log_level) == sizeof(uint32_t) && sizeof(node_log_format)
               == sizeof(uint32_t), "key_equal compares enums as 32-bit fields");

static bool key_equal(const key_def *d, const node_config *a, const node_config *b)
{
    const void *fa = (const char *)a + d->off, *fb = (const char *)b + d->off;
    switch (d->type) {
    case T_U32:
    case T_LEVEL:
    case T_FORMAT:
        return memcmp(fa, fb, sizeof(uint32_t)) == 0;
    case T_LISTEN:
    case T_CONTROL:                  /* text is normalized: equal text, equal address */
        return strcmp(((const node_addr *)fa)->text, ((const node_addr *)fb)->text) == 0;
    case T_ADVERTISE:
        for (uint32_t i = 0; i < a->n_advertise && a->n_advertise == b->n_advertise; i++)
            if (strcmp(a->advertise[i].text, b->advertise[i].text) != 0)
                return false;
        return a->n_advertise == b->n_advertise;
    case T_BOOT:
        for (uint32_t i = 0; i < a->n_bootstrap && a->n_bootstrap == b->n_bootstrap; i++)
            if (memcmp(a->bootstrap[i].identity, b->bootstrap[i].identity, 32) != 0
                || memcmp(a->bootstrap[i].transport, b->bootstrap[i].transport, 32) != 0
                || strcmp(a->bootstrap[i].addr.text, b->bootstrap[i].addr.text) != 0)
                return false;
        return a->n_bootstrap == b->n_bootstrap;
    default:                         /* the strings */
        return strcmp(fa, fb) == 0;
    }
}

int node_config_reload_check(const node_config *old_cfg, const node_config *new_cfg, char *err,
                             size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (old_cfg == NULL || new_cfg == NULL)
        return SH_ERR_ARG;
    for (size_t k = 0; k < N_KEYS; k++) {
        if ((node_config_keys[k].flags & F_RELOAD) || key_equal(&node_config_keys[k], old_cfg, new_cfg))
            continue;
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "key '%s.%s' cannot change without a restart",
                     node_config_keys[k].section, node_config_keys[k].name);
        return SH_ERR_STATE;
    }
    return 0;
}
