/* node/config.h -- the relay's configuration file (relay.ini).
 *
 * `shroud relay run --config relay.ini` reads one INI file, parsed with
 * inih and validated here in full before the daemon touches a socket or a
 * key: a relay that starts is a relay whose configuration is entirely
 * understood.  docs/operator-guide.md ("Configuration reference") lists
 * every key with its meaning, range, default and reload behaviour.
 *
 * Syntax (what the Debian build of inih accepts, narrowed here):
 *   - "[section]" headers and "key = value" lines ("key: value" is also
 *     accepted by inih); keys and values are trimmed of surrounding blanks;
 *   - comments: a line whose first non-blank character is ';' or '#', and
 *     an inline comment starting at a ';' preceded by a blank ('#' after a
 *     value is part of the value);
 *   - no indented key or section lines: inih would read an indented line
 *     as the continuation of the previous value (INI_ALLOW_MULTILINE), so
 *     a stray indent could silently change a value; we refuse it instead;
 *   - at most NODE_CFG_LINE_MAX characters per line (inih's fixed line
 *     buffer, which would otherwise split a long line into two);
 *   - NUL bytes and control characters other than tab and the CR of a
 *     CRLF are refused (so no value can smuggle a terminal escape into a
 *     log line); other bytes pass to the value checks, since a path may
 *     hold any byte; a leading UTF-8 byte-order mark is skipped.
 *
 * Validation: unknown sections and keys are refused; a key given twice is
 * refused unless it is repeatable (advertise, bootstrap), and then only up
 * to its maximum; numbers are plain decimal (digits only: no sign, no
 * "0x", no leading zeros, no trailing text) and range-checked; addresses
 * are IP literals; relative paths are resolved against the directory of
 * the configuration file (lexically: "." and ".." are folded, symlinks
 * are not followed) so the daemon may later change directory freely.
 *
 * Errors name the file and the line: "PATH:LINE: reason", or "PATH:
 * reason" when no single line is at fault (a missing key).  Return codes:
 *   SH_ERR_IO        the file cannot be opened or read, or is not a
 *                    regular file (node_config_load, node_config_write)
 *   SH_ERR_OVERSIZE  the file exceeds NODE_CFG_FILE_MAX bytes, a line
 *                    exceeds NODE_CFG_LINE_MAX, a path exceeds PATH_MAX
 *   SH_ERR_RANGE     a number (or port) outside its range
 *   SH_ERR_FORMAT    everything else wrong with the text: syntax, unknown
 *                    or duplicate keys, bad values, missing keys,
 *                    inconsistent keys
 *   SH_ERR_NOMEM     allocation failed
 *   SH_ERR_ARG       NULL arguments (a bug in the caller)
 * On error the node_config holds no meaningful values.
 */
#ifndef SHROUD_NODE_CONFIG_H
#define SHROUD_NODE_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"
#include "util/log.h"

#define NODE_CFG_MAX_ADVERTISE 4     /* = GOSSIP_DESC_MAX_ADDRS */
#define NODE_CFG_MAX_BOOTSTRAP 8
#define NODE_CFG_NICK_MAX 32
#define NODE_CFG_LINE_MAX 197        /* characters per line, without CR LF */
#define NODE_CFG_FILE_MAX (256u * 1024)

/* An IP literal and a port. */
typedef struct node_addr {
    uint8_t family;                  /* 4 or 6 */
    uint8_t ip[16];                  /* 4 or 16 bytes used, network order */
    uint16_t port;
    char text[64];                   /* normalized: "127.0.0.1:9001", "[::1]:9001" */
} node_addr;

/* A peer to contact at start-up (the daemon skips its own identity, so
 * every relay of a network may share one list). */
typedef struct node_bootstrap {
    uint8_t identity[32];            /* Ed25519 public key */
    uint8_t transport[32];           /* CurveZMQ (X25519) public key */
    node_addr addr;
} node_bootstrap;

typedef enum node_log_format {
    NODE_LOG_AUTO,                   /* systemd prefixes iff JOURNAL_STREAM is set */
    NODE_LOG_PLAIN,
    NODE_LOG_SYSTEMD
} node_log_format;

typedef struct node_config {
    char path[PATH_MAX];             /* absolute path of the file loaded */
    /* [relay] */
    char nickname[NODE_CFG_NICK_MAX + 1];
    char data_dir[PATH_MAX];         /* absolute; its mode is the daemon's check */
    node_addr listen;
    node_addr advertise[NODE_CFG_MAX_ADVERTISE];
    uint32_t n_advertise;            /* >= 1 after a successful load */
    uint32_t capacity;
    /* [keys]: after a successful load exactly one is non-empty */
    char key_file[PATH_MAX];         /* absolute */
    char passphrase_file[PATH_MAX];  /* absolute */
    char passphrase_env[64];
    /* [network] */
    node_bootstrap bootstrap[NODE_CFG_MAX_BOOTSTRAP];
    uint32_t n_bootstrap;
    uint32_t max_message, queue_max, peer_rate, unknown_rate, idle_timeout_s;
    /* [gossip]: 0 for active_view / passive_view means automatic */
    uint32_t tick_ms, active_view, passive_view, descriptor_lifetime_s, epoch_s;
    /* [control] */
    node_addr control;               /* loopback; port 0: API disabled */
    char token_file[PATH_MAX];       /* absolute */
    /* [log] */
    sh_log_level log_level;
    char log_file[PATH_MAX];         /* absolute, or "" for stderr */
    node_log_format log_format;
} node_config;

/* Fill c with the defaults of every optional key; the required keys
 * (nickname, data_dir, listen) and the key source are left empty, and the
 * default token_file is the relative "control.token" (resolved at load). */
void node_config_defaults(node_config *c);

/* Load and validate the file at path (relative to the current directory
 * or absolute).  c->path receives its absolute path, which is also the
 * PATH of error messages, and relative paths inside resolve against its
 * directory.  err (may be NULL) receives a one-line message on failure,
 * cut to errlen.  Examples:
 *   "/etc/shroud/relay.ini:12: unknown key 'tik_ms' in section [gossip]"
 *   "/etc/shroud/relay.ini:7: capacity: '0' is out of range 1..4294967295"
 *   "/etc/shroud/relay.ini: missing required key 'listen' in [relay]"
 *   "/etc/shroud/relay.ini: cannot open: No such file or directory" */
int node_config_load(node_config *c, const char *path, char *err,
                     size_t errlen) SH_WUR;

/* The same from text in memory (tests, fuzzing).  name is the PATH of
 * messages and is copied into c->path; relative paths resolve against
 * base_dir (itself resolved against the current directory if relative;
 * NULL: the current directory).  The _buffer form takes a length and
 * refuses NUL bytes within it; the _string form stops at the first NUL. */
int node_config_parse_string(node_config *c, const char *text, const char *name,
                             const char *base_dir, char *err, size_t errlen) SH_WUR;
int node_config_parse_buffer(node_config *c, const char *data, size_t len,
                             const char *name, const char *base_dir, char *err,
                             size_t errlen) SH_WUR;

/* Parse "HOST:PORT": a dotted-quad IPv4 literal or a bracketed IPv6
 * literal (no zone), and a decimal port 1..65535 without leading zeros.
 * No hostnames: a relay's addresses are signed into its descriptor and
 * must not depend on a resolver.  Fills a->text in normalized form.
 * SH_ERR_FORMAT or SH_ERR_RANGE (port); *a is untouched on error. */
int node_addr_parse(node_addr *a, const char *s) SH_WUR;
/* The IP of a parsed address as text without port or brackets
 * ("127.0.0.1", "::1"), for APIs that take host and port apart. */
int node_addr_host(const node_addr *a, char *out, size_t n) SH_WUR;

/* SIGHUP.  0 if every difference between old_cfg and new_cfg can be
 * applied by a running relay: log.level, log.file, log.format,
 * network.peer_rate, network.unknown_rate (new token-bucket rates),
 * network.bootstrap (used the next time the relay needs peers) and
 * relay.capacity (signed into the next descriptor).  network.queue_max is
 * NOT reloadable: ZeroMQ applies a high-water mark only to sockets created
 * after it is set, so a change would reach new connections only.  Otherwise
 * SH_ERR_STATE, with err naming the first differing key in file order:
 * "key 'relay.listen' cannot change without a restart".  c->path is not
 * compared. */
int node_config_reload_check(const node_config *old_cfg,
                             const node_config *new_cfg, char *err,
                             size_t errlen) SH_WUR;

/* What `shroud relay init` puts in a new relay.ini.  NULL (or 0) fields
 * take the default: nickname "relay0", data_dir "data", listen
 * "127.0.0.1:9001", control_listen "127.0.0.1:9101", tick_ms 1000.  At most
 * one of key_file, passphrase_file, passphrase_env may be set; with none,
 * key_file = relay.key is written.  bootstrap holds n_bootstrap lines
 * "IDENTITY TRANSPORT HOST:PORT". */
typedef struct node_config_init {
    const char *nickname;
    const char *data_dir;
    const char *listen;
    const char *control_listen;
    const char *key_file;
    const char *passphrase_file;
    const char *passphrase_env;
    const char *const *bootstrap;
    size_t n_bootstrap;
    uint32_t tick_ms;
} node_config_init;

/* Write a complete, commented relay.ini to path: every key, each after a
 * comment giving its meaning, range and default; keys that are unset are
 * written commented out.  The text is parsed back (against the directory
 * of path) before anything is created, so a file written here always
 * loads: a value that would not load (err: the parser's message), or
 * would not survive the round trip (a control character, surrounding
 * blanks, a ';' that would start a comment), is SH_ERR_ARG and nothing is
 * created.  The file is created with O_CREAT|O_EXCL and mode 0600: an
 * existing file is never overwritten (SH_ERR_IO, "PATH: cannot create:
 * File exists"), and a partly written file is removed. */
int node_config_write(const char *path, const node_config_init *p, char *err,
                      size_t errlen) SH_WUR;

#endif
