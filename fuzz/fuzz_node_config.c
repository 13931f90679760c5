/* fuzz/fuzz_node_config.c -- the relay.ini parser (node/config.c) and the
 * address parser on arbitrary bytes.
 *
 * The first byte picks how the rest is used:
 *   0:     the whole file, as is;
 *   else:  spliced into a valid file at line (byte % lines), so that the
 *          mutations land between complete, valid sections and reach the
 *          cross-key checks without a seed corpus.
 * Properties (abort on violation, so libFuzzer reports them):
 *   - nothing crashes, leaks or trips a sanitizer;
 *   - a failure returns a documented code and a message that starts with
 *     the file name and names a reason;
 *   - a success satisfies the invariants the daemon relies on: a valid
 *     nickname, absolute paths, exactly one key source, 1..4 advertised
 *     addresses none of them a wildcard, a loopback control address,
 *     every number in its range, and reload_check(c, c) == 0;
 *   - node_addr_parse accepts its own normalized text, unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_file[] =
    "[relay]\n"
    "nickname = fuzz\n"
    "data_dir = data\n"
    "listen = 0.0.0.0:9001\n"
    "advertise = 192.0.2.1:9001\n"
    "capacity = 100\n"
    "[keys]\n"
    "key_file = relay.key\n"
    "[network]\n"
    "bootstrap = d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a "
    "1111111111111111111111111111111111111111111111111111111111111111 [2001:db8::2]:9001\n"
    "max_message = 65536\n"
    "peer_rate = 200\n"
    "[gossip]\n"
    "tick_ms = 100\n"
    "active_view = 0\n"
    "[control]\n"
    "listen = [::1]:0\n"
    "[log]\n"
    "level = debug\n"
    "format = plain\n";

static void check_addr(const node_addr *a, int loopback_port0)
{
    node_addr again;
    if (a->family != 4 && a->family != 6)
        abort();
    if (a->port == 0 && !loopback_port0)
        abort();
    if (a->port != 0) {
        if (node_addr_parse(&again, a->text) != 0 || strcmp(again.text, a->text) != 0
            || again.port != a->port || memcmp(again.ip, a->ip, 16) != 0)
            abort();
    }
}

static void check_config(const node_config *c)
{
    size_t n = strlen(c->nickname);
    if (n < 1 || n > NODE_CFG_NICK_MAX)
        abort();
    if (c->data_dir[0] != '/' || c->token_file[0] != '/')
        abort();
    int sources = (c->key_file[0] != '\0') + (c->passphrase_file[0] != '\0')
                  + (c->passphrase_env[0] != '\0');
    if (sources != 1 || (c->key_file[0] != '\0' && c->key_file[0] != '/'))
        abort();
    if (c->n_advertise < 1 || c->n_advertise > NODE_CFG_MAX_ADVERTISE
        || c->n_bootstrap > NODE_CFG_MAX_BOOTSTRAP)
        abort();
    check_addr(&c->listen, 0);
    check_addr(&c->control, 1);
    if (c->control.family == 4 ? c->control.ip[0] != 127 : c->control.ip[15] != 1)
        abort();
    for (uint32_t i = 0; i < c->n_advertise; i++) {
        static const uint8_t zero[16];
        check_addr(&c->advertise[i], 0);
        if (memcmp(c->advertise[i].ip, zero, c->advertise[i].family == 4 ? 4 : 16) == 0)
            abort();
    }
    for (uint32_t i = 0; i < c->n_bootstrap; i++)
        check_addr(&c->bootstrap[i].addr, 0);
    if (c->capacity < 1 || c->max_message < 1024 || c->max_message > 1048576
        || c->tick_ms < 10 || c->tick_ms > 60000 || c->active_view == 1
        || c->active_view > 32 || c->epoch_s < 60 || c->idle_timeout_s < 10)
        abort();
    if ((unsigned)c->log_level > SH_LOG_ERR || (unsigned)c->log_format > NODE_LOG_SYSTEMD)
        abort();
    char err[128];
    if (node_config_reload_check(c, c, err, sizeof err) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static node_config c;
    static char text[NODE_CFG_FILE_MAX + sizeof base_file + 1];
    char err[256];
    if (size == 0 || size > NODE_CFG_FILE_MAX)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1, len;
    if (data[0] == 0) {
        memcpy(text, in, n);
        len = n;
    } else {
        /* After line data[0] % lines of the valid file. */
        size_t lines = 0, at = 0;
        for (size_t i = 0; base_file[i] != '\0'; i++)
            lines += base_file[i] == '\n';
        for (size_t want = data[0] % (lines + 1); want > 0; want--)
            at = (size_t)(strchr(base_file + at, '\n') - base_file) + 1;
        memcpy(text, base_file, at);
        memcpy(text + at, in, n);
        memcpy(text + at + n, base_file + at, sizeof base_file - 1 - at);
        len = at + n + sizeof base_file - 1 - at;
    }
    int rc = node_config_parse_buffer(&c, text, len, "f.ini", "/srv/relay", err, sizeof err);
    if (rc == 0) {
        check_config(&c);
    } else {
        if (rc != SH_ERR_FORMAT && rc != SH_ERR_RANGE && rc != SH_ERR_OVERSIZE)
            abort();
        if (strncmp(err, "f.ini:", 6) != 0 || strlen(err) < 9)
            abort();
    }

    /* The input as one address (up to its first NUL). */
    char addr[80];
    size_t an = n < sizeof addr - 1 ? n : sizeof addr - 1;
    memcpy(addr, in, an);
    addr[an] = '\0';
    node_addr a;
    rc = node_addr_parse(&a, addr);
    if (rc == 0)
        check_addr(&a, 0);
    else if (rc != SH_ERR_FORMAT && rc != SH_ERR_RANGE)
        abort();
    return 0;
}
