/* node/config_write.c -- a new, complete, commented relay.ini for `shroud
 * relay init` (node_config_write in config.h), rendered from the key table
 * (config_keys.h) and parsed back before the file is created, so that it
 * never writes a file that would not load. */
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

#include "node/config_keys.h"
#include "util/fs.h"

/* Would v come back unchanged from "key = v"?  NULL if so, else why not. */
static const char *unwritable(const char *v)
{
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return "it contains a control character";
    if (n == 0 || strchr(" \t", v[0]) != NULL || strchr(" \t", v[n - 1]) != NULL)
        return "it is empty, or starts or ends with a blank";
    if (v[0] == ';' || strstr(v, " ;") != NULL || strstr(v, "\t;") != NULL)
        return "a ';' in it would start a comment";
    return NULL;
}

/* The text of the file: a header, then per key its help and its value
 * (given, else the default), or an example commented out. */
static char *render(const node_config_init *p, const char *const *given, bool any_source,
                    size_t *len)
{
    char *text = NULL, tick[16];
    FILE *m = open_memstream(&text, len);
    if (m == NULL)
        return NULL;
    fputs("; relay.ini -- the configuration of a shroud relay (`shroud relay init`).\n"
          "; Every key is described in docs/operator-guide.md, \"Configuration\n"
          "; reference\".  [section] headers and `key = value` lines, not indented;\n"
          "; comments start with ';' or '#' at the start of a line, or with ' ;'\n"
          "; after a value.  Relative paths are relative to this file's directory.\n"
          "; Changes apply on restart; those marked \"Reloaded on SIGHUP\" also on\n"
          "; `systemctl reload` (SIGHUP).\n", m);
    snprintf(tick, sizeof tick, "%u", (unsigned)p->tick_ms);
    for (size_t k = 0; k < N_KEYS; k++) {
        const key_def *d = &node_config_keys[k];
        if (k == 0 || strcmp(d->section, node_config_keys[k - 1].section) != 0)
            fprintf(m, "\n[%s]\n", d->section);
        if (k == K_KEY_FILE)
            fputs("; The relay's keys are stored encrypted: set exactly one of the\n"
                  "; three ways of getting the key that unlocks them.\n", m);
        fputc('\n', m);
        for (const char *h = d->help; *h != '\0'; h += h[0] == '\n') {
            size_t n = strcspn(h, "\n");
            fprintf(m, "; %.*s\n", (int)n, h);
            h += n;
        }
        if (d->type == T_U32)
            fprintf(m, "; %u..%u%s.  Default %s.\n", (unsigned)d->lo, (unsigned)d->hi,
                    (d->flags & F_AUTO0) ? ", or 0 for automatic" : "", d->dflt);
        if (d->flags & F_RELOAD)
            fputs("; Reloaded on SIGHUP.\n", m);
        bool source = k >= K_KEY_FILE && k <= K_PASSPHRASE_ENV;
        const char *v = given[k] != NULL ? given[k]
                        : source && any_source ? NULL
                        : k == K_TICK_MS && p->tick_ms != 0 ? tick : d->dflt;
        for (size_t i = 0; k == K_BOOTSTRAP && i < p->n_bootstrap; i++)
            fprintf(m, "bootstrap = %s\n", p->bootstrap[i]);
        if (k != K_BOOTSTRAP || p->n_bootstrap == 0)
            fprintf(m, v != NULL ? "%s = %s\n" : "; %s = %s\n", d->name,
                    v != NULL ? v : d->example);
    }
    if (fclose(m) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int node_config_write(const char *path, const node_config_init *p, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (path == NULL || p == NULL || (p->bootstrap == NULL && p->n_bootstrap > 0))
        return SH_ERR_ARG;
    const char *given[N_KEYS] = {
        [K_NICKNAME] = p->nickname, [K_DATA_DIR] = p->data_dir, [K_LISTEN] = p->listen,
        [K_CONTROL] = p->control_listen, [K_KEY_FILE] = p->key_file,
        [K_PASSPHRASE_FILE] = p->passphrase_file, [K_PASSPHRASE_ENV] = p->passphrase_env,
    };
    /* Two key sources, or too many bootstrap lines, are left to the
     * parse-back below, which names them as a relay would. */
    bool any_source = p->key_file != NULL || p->passphrase_file != NULL
                      || p->passphrase_env != NULL;
    for (size_t i = 0; i < N_KEYS + p->n_bootstrap; i++) {
        const char *v = i < N_KEYS ? given[i] : p->bootstrap[i - N_KEYS];
        const char *why = v != NULL ? unwritable(v) : NULL;
        if (why != NULL) {
            node_config_report(err, errlen, path, 0, "'%s' cannot be written: %s", v, why);
            return SH_ERR_ARG;
        }
    }
    char abs[PATH_MAX], dir[PATH_MAX], *text = NULL;
    node_config *back = malloc(sizeof *back);
    size_t len = 0;
    int rc = SH_ERR_NOMEM, fd = -1, e = 0;
    FILE *f = NULL;
    if (back == NULL || (text = render(p, given, any_source, &len)) == NULL) {
        node_config_report(err, errlen, path, 0, "out of memory");
    } else if ((rc = node_config_abs_path(abs, dir, path)) != 0) {
        node_config_report(err, errlen, path, 0, "cannot make the path absolute");
    } else if (node_config_parse_buffer(back, text, len, abs, dir, err, errlen) != 0) {
        rc = SH_ERR_ARG;             /* never write what the relay would refuse */
    } else if ((rc = SH_ERR_IO,
                fd = open(abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0
               || (f = fdopen(fd, "w")) == NULL) {
        node_config_report(err, errlen, abs, 0, "cannot create: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(abs);
        }
    } else {
        if (fwrite(text, 1, len, f) != len || fflush(f) != 0 || fsync(fd) != 0)
            e = errno != 0 ? errno : EIO;
        if (fclose(f) != 0 && e == 0)
            e = errno;
        rc = e != 0 ? SH_ERR_IO : 0;
        if (e != 0) {
            node_config_report(err, errlen, abs, 0, "cannot write: %s", strerror(e));
            unlink(abs);             /* no half-written configuration */
        } else {
            (void)sh_fsync_parent(abs);   /* best effort: the new entry made durable */
        }
    }
    free(back);
    free(text);
    return rc;
}
