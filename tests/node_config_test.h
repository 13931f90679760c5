/* tests/node_config_test.h -- what the relay.ini tests share: the test
 * keys, the smallest valid file, parsing with the message captured, and
 * the table of every numeric key's bounds.  Included by
 * tests/test_node_config.c and tests/test_node_config_files.c only. */
#ifndef SHROUD_TESTS_NODE_CONFIG_TEST_H
#define SHROUD_TESTS_NODE_CONFIG_TEST_H

#include <stddef.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "node/config.h"

/* RFC 8032 test keys 1..3: valid Ed25519 public keys. */
#define ID1 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define ID2 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
#define ID3 "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
#define TR1 "1111111111111111111111111111111111111111111111111111111111111111"
#define TR2 "2222222222222222222222222222222222222222222222222222222222222222"

/* The smallest valid file: six lines, so a key appended after a section
 * line is on line 8. */
#define MIN "[relay]\n"                  \
            "nickname = relay0\n"        \
            "data_dir = data\n"          \
            "listen = 127.0.0.1:9001\n"  \
            "[keys]\n"                   \
            "key_file = relay.key\n"

static node_config cfg, cfg2;
static char err[512];

static inline int parse(node_config *c, const char *text)
{
    memset(err, 0, sizeof err);
    return node_config_parse_string(c, text, "t.ini", "/etc/shroud", err, sizeof err);
}

/* MIN plus "[section]\nkey = value\n" (the key on line 8). */
static inline int parse_kv(const char *section, const char *key, const char *value)
{
    char text[2048];
    snprintf(text, sizeof text, MIN "[%s]\n%s = %s\n", section, key, value);
    return parse(&cfg, text);
}

static inline void assert_err(int rc, int want_rc, const char *want_msg)
{
    cr_assert_eq(rc, want_rc, "rc %d, want %d (%s)", rc, want_rc, err);
    cr_assert_str_eq(err, want_msg);
}

/* Files that must be refused with exactly this code and message. */
typedef struct refusal {
    const char *text;
    int rc;
    const char *msg;
} refusal;

static inline void assert_refusals(const refusal *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_err(parse(&cfg, r[i].text), r[i].rc, r[i].msg);
}
#define F SH_ERR_FORMAT

/* Every number: its bounds, its default, and the value full_file sets. */
typedef struct bound {
    const char *section, *key;
    uint32_t lo, hi;
    int auto0;
    size_t off;
    uint32_t dflt, full;
} bound;

#define B(s, k, lo, hi, a, f, d, v) { s, k, lo, hi, a, offsetof(node_config, f), d, v }
static const bound bounds[] = {
    B("relay", "capacity", 1, 4294967295u, 0, capacity, 100, 4294967295u),
    B("network", "max_message", 1024, 1048576, 0, max_message, 65536, 1024),
    B("network", "queue_max", 1, 1000000, 0, queue_max, 1000, 5),
    B("network", "peer_rate", 1, 1000000, 0, peer_rate, 200, 7),
    B("network", "unknown_rate", 1, 1000000, 0, unknown_rate, 20, 3),
    B("network", "idle_timeout_s", 10, 86400, 0, idle_timeout_s, 300, 10),
    B("gossip", "tick_ms", 10, 60000, 0, tick_ms, 1000, 50),
    B("gossip", "active_view", 2, 32, 1, active_view, 0, 4),
    B("gossip", "passive_view", 4, 4096, 1, passive_view, 0, 24),
    B("gossip", "descriptor_lifetime_s", 300, 604800, 0, descriptor_lifetime_s, 3600, 600),
    B("gossip", "epoch_s", 60, 604800, 0, epoch_s, 3600, 120),
};
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

static inline uint32_t field(const node_config *c, const bound *b)
{
    return *(const uint32_t *)((const char *)c + b->off);
}

#endif
