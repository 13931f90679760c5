/* tests/test_node_config.c -- relay.ini: syntax, every key's bounds, the
 * cross-key checks and the messages (file and line).  Path resolution,
 * the generated file and the SIGHUP reload check are in
 * test_node_config_files.c. */
#include "node_config_test.h"

Test(node_config, defaults)
{
    node_config_defaults(&cfg);
    for (size_t i = 0; i < N_BOUNDS; i++)
        cr_assert_eq(field(&cfg, &bounds[i]), bounds[i].dflt, "%s", bounds[i].key);
    cr_assert_str_eq(cfg.control.text, "127.0.0.1:9101");
    cr_assert_eq(cfg.control.port, 9101);
    cr_assert_str_eq(cfg.token_file, "control.token");
    cr_assert_eq(cfg.log_level, SH_LOG_INFO);
    cr_assert_eq(cfg.log_format, NODE_LOG_AUTO);
    cr_assert_str_eq(cfg.log_file, "");
    cr_assert_eq(cfg.n_advertise + cfg.n_bootstrap, 0);

    /* The minimal file gets the same defaults, and the derived values. */
    cr_assert_eq(parse(&cfg2, MIN), 0, "%s", err);
    cr_assert_str_eq(err, "");
    for (size_t i = 0; i < N_BOUNDS; i++)
        cr_assert_eq(field(&cfg2, &bounds[i]), bounds[i].dflt, "%s", bounds[i].key);
    cr_assert_str_eq(cfg2.path, "t.ini");
    cr_assert_str_eq(cfg2.nickname, "relay0");
    cr_assert_str_eq(cfg2.data_dir, "/etc/shroud/data");
    cr_assert_str_eq(cfg2.key_file, "/etc/shroud/relay.key");
    cr_assert_str_eq(cfg2.token_file, "/etc/shroud/control.token");
    cr_assert_eq(cfg2.n_advertise, 1);
    cr_assert_str_eq(cfg2.advertise[0].text, "127.0.0.1:9001");
}

Test(node_config, full_file)
{
    const char *text =
        "; a relay\n# with every key\n"
        "[relay]\n"
        "nickname = Relay_one-1\n"
        "data_dir = /var/lib/shroud\n"
        "listen = 0.0.0.0:9001\n"
        "advertise = 203.0.113.7:9001\n"
        "advertise = [2001:DB8::7]:9002   ; inline comment\n"
        "capacity = 4294967295\n"
        "[keys]\n"
        "key_file =\n"
        "passphrase_file =\n"
        "passphrase_env = SHROUD_PASS_1\n"
        "[network]\n"
        "bootstrap = " ID1 " " TR1 " 198.51.100.2:9001\n"
        "bootstrap = " ID2 "\t" TR2 "   [2001:db8::2]:9001\n"
        "max_message = 1024\nqueue_max = 5\npeer_rate = 7\nunknown_rate = 3\n"
        "idle_timeout_s = 10\n"
        "[gossip]\n"
        "tick_ms = 50\nactive_view = 4\npassive_view = 24\ndescriptor_lifetime_s = 600\n"
        "epoch_s = 120\n"
        "[control]\n"
        "listen = [::1]:0\n"
        "token_file = ctl/token\n"
        "[log]\n"
        "level = debug\n"
        "file = log/relay.log\n"
        "format = systemd\n";
    cr_assert_eq(parse(&cfg, text), 0, "%s", err);
    for (size_t i = 0; i < N_BOUNDS; i++)
        cr_assert_eq(field(&cfg, &bounds[i]), bounds[i].full, "%s", bounds[i].key);
    cr_assert_str_eq(cfg.nickname, "Relay_one-1");
    cr_assert_str_eq(cfg.data_dir, "/var/lib/shroud");
    cr_assert_eq(cfg.listen.family, 4);
    cr_assert_eq(cfg.listen.port, 9001);
    cr_assert_str_eq(cfg.listen.text, "0.0.0.0:9001");
    cr_assert_eq(cfg.n_advertise, 2);
    cr_assert_str_eq(cfg.advertise[0].text, "203.0.113.7:9001");
    static const uint8_t ip0[4] = { 203, 0, 113, 7 };
    cr_assert_arr_eq(cfg.advertise[0].ip, ip0, 4);
    cr_assert_eq(cfg.advertise[1].family, 6);
    cr_assert_str_eq(cfg.advertise[1].text, "[2001:db8::7]:9002");
    cr_assert_eq(cfg.advertise[1].ip[0], 0x20);
    cr_assert_eq(cfg.advertise[1].ip[15], 7);
    cr_assert_str_eq(cfg.key_file, "");
    cr_assert_str_eq(cfg.passphrase_file, "");
    cr_assert_str_eq(cfg.passphrase_env, "SHROUD_PASS_1");
    cr_assert_eq(cfg.n_bootstrap, 2);
    cr_assert_eq(cfg.bootstrap[0].identity[0], 0xd7);
    cr_assert_eq(cfg.bootstrap[0].identity[31], 0x1a);
    cr_assert_eq(cfg.bootstrap[0].transport[0], 0x11);
    cr_assert_str_eq(cfg.bootstrap[0].addr.text, "198.51.100.2:9001");
    cr_assert_eq(cfg.bootstrap[1].identity[0], 0x3d);
    cr_assert_eq(cfg.bootstrap[1].transport[31], 0x22);
    cr_assert_str_eq(cfg.bootstrap[1].addr.text, "[2001:db8::2]:9001");
    cr_assert_eq(cfg.control.family, 6);
    cr_assert_eq(cfg.control.port, 0);
    cr_assert_str_eq(cfg.control.text, "[::1]:0");
    cr_assert_str_eq(cfg.token_file, "/etc/shroud/ctl/token");
    cr_assert_eq(cfg.log_level, SH_LOG_DEBUG);
    cr_assert_str_eq(cfg.log_file, "/etc/shroud/log/relay.log");
    cr_assert_eq(cfg.log_format, NODE_LOG_SYSTEMD);
}

Test(node_config, every_number_at_and_beyond_its_bounds)
{
    for (size_t i = 0; i < N_BOUNDS; i++) {
        const bound *b = &bounds[i];
        char v[32], want[256];
        const char *tail = b->auto0 ? " (or 0: automatic)" : "";
        /* at the bounds, and just inside */
        uint64_t ok[4] = { b->lo, b->lo + 1, b->hi - 1, b->hi };
        for (int j = 0; j < 4; j++) {
            snprintf(v, sizeof v, "%llu", (unsigned long long)ok[j]);
            cr_assert_eq(parse_kv(b->section, b->key, v), 0, "%s = %s: %s", b->key, v, err);
            cr_assert_eq(field(&cfg, b), ok[j], "%s", b->key);
        }
        /* just outside; for the automatic ones 1 is outside and 0 is fine */
        uint64_t bad[2] = { (uint64_t)b->lo - 1, (uint64_t)b->hi + 1 };
        for (int j = 0; j < 2; j++) {
            if (b->auto0 && bad[j] == 0)
                continue;
            snprintf(v, sizeof v, "%llu", (unsigned long long)bad[j]);
            snprintf(want, sizeof want, "t.ini:8: %s: '%s' is out of range %u..%u%s",
                     b->key, v, (unsigned)b->lo, (unsigned)b->hi, tail);
            assert_err(parse_kv(b->section, b->key, v), SH_ERR_RANGE, want);
        }
        cr_assert_eq(parse_kv(b->section, b->key, "0"), b->auto0 ? 0 : SH_ERR_RANGE, "%s", b->key);
        if (b->auto0)
            cr_assert_eq(field(&cfg, b), 0);
        /* far beyond: no wrap-around */
        cr_assert_eq(parse_kv(b->section, b->key, "4294967296"), SH_ERR_RANGE);
        cr_assert_eq(parse_kv(b->section, b->key, "18446744073709551617"), SH_ERR_RANGE);
        cr_assert_eq(parse_kv(b->section, b->key, "999999999999999999999999999999"),
                     SH_ERR_RANGE);
    }
}

Test(node_config, numbers_are_plain_decimal)
{
    static const char *const bad[] = { "-1", "+5", "0x10", "1e3", "12abc", "12 34",
                                       "1.5", "abc", "", "٣", "10\t#x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse_kv("gossip", "tick_ms", bad[i]);
        cr_assert_eq(rc, SH_ERR_FORMAT, "'%s' accepted (%d)", bad[i], rc);
        const char *prefix = "t.ini:8: tick_ms: '";
        cr_assert(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
    }
    static const refusal r[] = {
        { MIN "[gossip]\ntick_ms = -1\n", F, "t.ini:8: tick_ms: '-1' is not a decimal number" },
        { MIN "[gossip]\ntick_ms = 0x10\n", F, "t.ini:8: tick_ms: '0x10' is not a decimal number" },
        { MIN "[gossip]\ntick_ms = 0100\n", F, "t.ini:8: tick_ms: '0100' has a leading zero" },
        { MIN "[gossip]\ntick_ms =\n", F, "t.ini:8: tick_ms: '' is empty" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    /* Surrounding blanks and an inline comment are not part of the value. */
    cr_assert_eq(parse_kv("gossip", "tick_ms", "  250   ; quarter second"), 0, "%s", err);
    cr_assert_eq(cfg.tick_ms, 250);
}

Test(node_config, strings)
{
    static const refusal r[] = {
        { MIN "[log]\nlevel = loud\n", F,
          "t.ini:8: level: 'loud' is not one of debug, info, notice, warn, err" },
        { MIN "[log]\nformat = json\n", F,
          "t.ini:8: format: 'json' is not one of auto, plain, systemd" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    cr_assert_eq(parse_kv("log", "level", "warn"), 0);
    cr_assert_eq(cfg.log_level, SH_LOG_WARN);
    cr_assert_eq(parse_kv("log", "level", "err"), 0);
    cr_assert_eq(cfg.log_level, SH_LOG_ERR);
    cr_assert_eq(parse_kv("log", "format", "plain"), 0);
    cr_assert_eq(cfg.log_format, NODE_LOG_PLAIN);
    cr_assert_eq(parse_kv("log", "file", ""), 0);
    cr_assert_str_eq(cfg.log_file, "");

    static const char *const nicks_bad[] = { "", "has space", "dot.ted", "é",
                                             "123456789012345678901234567890123" };
    char text[256];
    for (size_t i = 0; i < sizeof nicks_bad / sizeof nicks_bad[0]; i++) {
        snprintf(text, sizeof text, "[relay]\nnickname = %s\n", nicks_bad[i]);
        cr_assert_eq(parse(&cfg, text), SH_ERR_FORMAT, "'%s'", nicks_bad[i]);
        cr_assert(strstr(err, "t.ini:2: nickname: '") == err, "%s", err);
    }
    cr_assert_eq(parse(&cfg, "[relay]\nnickname = 12345678901234567890123456789012\n"
                             "data_dir = d\nlisten = 127.0.0.1:1\n[keys]\nkey_file = k\n"), 0);
    cr_assert_eq(strlen(cfg.nickname), 32);

    static const char *const env_bad[] = { "lower", "1ABC", "A-B", "A B",
        "A234567890123456789012345678901234567890123456789012345678901234" };
    for (size_t i = 0; i < sizeof env_bad / sizeof env_bad[0]; i++) {
        snprintf(text, sizeof text, "[keys]\npassphrase_env = %s\n", env_bad[i]);
        cr_assert_eq(parse(&cfg, text), SH_ERR_FORMAT, "'%s'", env_bad[i]);
        cr_assert(strstr(err, "t.ini:2: passphrase_env: '") == err, "%s", err);
    }
}

Test(node_config, unknown_duplicate_missing)
{
    static const refusal r[] = {
        { MIN "[gossip]\ntick_ms = 100\ntik_ms = 100\n", F,
          "t.ini:9: unknown key 'tik_ms' in section [gossip]" },
        /* a key known in another section is still unknown here */
        { MIN "[log]\ncapacity = 5\n", F, "t.ini:8: unknown key 'capacity' in section [log]" },
        { MIN "[sundry]\n", F, "t.ini:7: unknown section [sundry]" },
        { MIN "[Relay]\n", F, "t.ini:7: unknown section [Relay]" },
        { "nickname = x\n" MIN, F, "t.ini:1: key 'nickname' before any [section]" },
        { MIN "[relay]\ncapacity = 5\n\ncapacity = 5\n", F,
          "t.ini:10: duplicate key 'capacity' in [relay] (first given on line 8)" },
        { MIN "[keys]\nkey_file = other\n", F,
          "t.ini:8: duplicate key 'key_file' in [keys] (first given on line 6)" },
        /* empty values count as given */
        { MIN "[log]\nfile =\nfile =\n", F,
          "t.ini:9: duplicate key 'file' in [log] (first given on line 8)" },
        { "", F, "t.ini: missing required key 'nickname' in [relay]" },
        { "[relay]\nnickname = a\nlisten = 127.0.0.1:1\n[keys]\nkey_file = k\n", F,
          "t.ini: missing required key 'data_dir' in [relay]" },
        { "[relay]\nnickname = a\ndata_dir = d\n[keys]\nkey_file = k\n", F,
          "t.ini: missing required key 'listen' in [relay]" },
        { "[relay]\nnickname = a\ndata_dir =\n", F, "t.ini:3: data_dir: empty value" },
        { MIN "[control]\ntoken_file =\n", F, "t.ini:8: token_file: empty value" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    /* The same section twice is fine. */
    cr_assert_eq(parse(&cfg, MIN "[relay]\ncapacity = 5\n[relay]\n"), 0, "%s", err);

    char text[4096];
    int n = snprintf(text, sizeof text, MIN "[relay]\n");
    for (int i = 1; i <= 5; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "advertise = 10.0.0.%d:1\n", i);
    assert_err(parse(&cfg, text), SH_ERR_FORMAT,
               "t.ini:12: too many 'advertise' keys in [relay]: at most 4");
    text[strlen(text) - strlen("advertise = 10.0.0.5:1\n")] = '\0';
    cr_assert_eq(parse(&cfg, text), 0, "%s", err);
    cr_assert_eq(cfg.n_advertise, 4);
    cr_assert_str_eq(cfg.advertise[3].text, "10.0.0.4:1");
}

/* Eight distinct, valid identities: the limit is 8, the ninth is refused. */
Test(node_config, bootstrap_limit)
{
    char text[8192];
    int n = snprintf(text, sizeof text, MIN "[network]\n");
    unsigned char pk[32], sk[64];
    char hex[65];
    cr_assert_geq(sodium_init(), 0);
    for (int i = 0; i < 9; i++) {
        cr_assert_eq(crypto_sign_keypair(pk, sk), 0);
        for (int j = 0; j < 32; j++)
            snprintf(hex + 2 * j, 3, "%02x", pk[j]);
        n += snprintf(text + n, sizeof text - (size_t)n, "bootstrap = %s %s 10.1.0.%d:9001\n",
                      hex, TR1, i + 1);
    }
    assert_err(parse(&cfg, text), SH_ERR_FORMAT,
               "t.ini:16: too many 'bootstrap' keys in [network]: at most 8");
    char *last = strstr(text, "bootstrap = ");
    for (int i = 0; i < 8; i++)
        last = strstr(last + 1, "bootstrap = ");
    *last = '\0';
    cr_assert_eq(parse(&cfg, text), 0, "%s", err);
    cr_assert_eq(cfg.n_bootstrap, 8);
    cr_assert_str_eq(cfg.bootstrap[7].addr.text, "10.1.0.8:9001");
}

#define NOKEYS "[relay]\nnickname = a\ndata_dir = d\nlisten = 127.0.0.1:1\n"
#define ONLY_ONE "[keys] takes only one of key_file, passphrase_file, passphrase_env"
#define UNREACHABLE "is a wildcard, multicast or broadcast address"
#define INDENTED "indented line (inih would join it to the previous value): " \
                 "remove the leading blanks"
#define SYNTAX "expected 'key = value', '[section]' or a comment"

Test(node_config, key_sources)
{
    static const refusal r[] = {
        { NOKEYS, F, "t.ini: [keys] must set one of key_file, passphrase_file, passphrase_env" },
        /* empty values are not a source */
        { NOKEYS "[keys]\nkey_file =\npassphrase_file =\n", F,
          "t.ini: [keys] must set one of key_file, passphrase_file, passphrase_env" },
        /* the later line is named */
        { NOKEYS "[keys]\npassphrase_env = PW\n\n; x\nkey_file = k\n", F,
          "t.ini:9: key_file: " ONLY_ONE " (passphrase_env is set on line 6)" },
        { NOKEYS "[keys]\nkey_file = k\npassphrase_file = p\n", F,
          "t.ini:7: passphrase_file: " ONLY_ONE " (key_file is set on line 6)" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    cr_assert_eq(parse(&cfg, NOKEYS "[keys]\npassphrase_file = p\n"), 0, "%s", err);
    cr_assert_str_eq(cfg.passphrase_file, "/etc/shroud/p");
    cr_assert_str_eq(cfg.key_file, "");
}

Test(node_config, addresses)
{
    node_addr a;
    static const struct { const char *in, *text; uint8_t family; uint16_t port; } good[] = {
        { "127.0.0.1:9001", "127.0.0.1:9001", 4, 9001 },
        { "0.0.0.0:65535", "0.0.0.0:65535", 4, 65535 },
        { "255.255.255.254:1", "255.255.255.254:1", 4, 1 },
        { "[::1]:9001", "[::1]:9001", 6, 9001 },
        { "[2001:DB8:0:0::1]:80", "[2001:db8::1]:80", 6, 80 },
        { "[::ffff:1.2.3.4]:5", "[::ffff:1.2.3.4]:5", 6, 5 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(node_addr_parse(&a, good[i].in), 0, "%s", good[i].in);
        cr_assert_str_eq(a.text, good[i].text);
        cr_assert_eq(a.family, good[i].family);
        cr_assert_eq(a.port, good[i].port);
    }
    static const struct { const char *in; int rc; } bad[] = {
        { "localhost:9001", F }, { "example.org:1", F }, { "256.1.1.1:1", F }, { "1.2.3:1", F },
        { "01.2.3.4:1", F }, { "1.2.3.4.5:1", F }, { "1.2.3.4:0", SH_ERR_RANGE },
        { "1.2.3.4:70000", SH_ERR_RANGE }, { "1.2.3.4:65536", SH_ERR_RANGE },
        { "1.2.3.4:99999999999999999999", SH_ERR_RANGE }, { "1.2.3.4", F }, { "1.2.3.4:", F },
        { "1.2.3.4:09001", F }, { "1.2.3.4:+1", F }, { "1.2.3.4:1x", F }, { "1.2.3.4: 1", F },
        { "[::1:9001", F }, { "::1:9001", F }, { "[::1]", F }, { "[::1]9001", F },
        { "[fe80::1%eth0]:1", F }, { "[1.2.3.4]:1", F }, { "[]:1", F }, { "", F }, { ":1", F },
        { " 1.2.3.4:1", F },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&a, 0xAA, sizeof a);
        cr_assert_eq(node_addr_parse(&a, bad[i].in), bad[i].rc, "'%s'", bad[i].in);
        cr_assert_eq(a.family, 0xAA, "untouched on error");
    }
    cr_assert_eq(node_addr_parse(NULL, "1.2.3.4:1"), SH_ERR_ARG);

    /* In the file, with the reason. */
    static const refusal r[] = {
        { MIN "[relay]\nadvertise = relay.example.org:9001\n", F, "t.ini:8: advertise: "
          "'relay.example.org:9001' is not an IPv4 address a.b.c.d (hostnames are not accepted)" },
        { MIN "[relay]\nadvertise = [::1:9001\n", F,
          "t.ini:8: advertise: '[::1:9001' has no ']' after the IPv6 address" },
        { MIN "[relay]\nadvertise = 10.0.0.1:0\n", SH_ERR_RANGE,
          "t.ini:8: advertise: '10.0.0.1:0' has a port out of range 1..65535" },
        { MIN "[relay]\nadvertise = 10.0.0.1\n", F,
          "t.ini:8: advertise: '10.0.0.1' has no ':PORT'" },
        { MIN "[relay]\nadvertise = ::1:9001\n", F,
          "t.ini:8: advertise: '::1:9001' must put an IPv6 address in brackets: [ADDRESS]:PORT" },
        { MIN "[relay]\nadvertise = 0.0.0.0:1\n", F,
          "t.ini:8: advertise: '0.0.0.0:1' " UNREACHABLE },
        { MIN "[relay]\nadvertise = [::]:1\n", F, "t.ini:8: advertise: '[::]:1' " UNREACHABLE },
        { MIN "[relay]\nadvertise = 224.0.0.1:1\n", F,
          "t.ini:8: advertise: '224.0.0.1:1' " UNREACHABLE },
        { MIN "[relay]\nadvertise = 255.255.255.255:1\n", F,
          "t.ini:8: advertise: '255.255.255.255:1' " UNREACHABLE },
        { MIN "[relay]\nadvertise = [ff02::1]:1\n", F,
          "t.ini:8: advertise: '[ff02::1]:1' " UNREACHABLE },
        { MIN "[relay]\nadvertise = 10.0.0.1:1\nadvertise = 10.0.0.1:1\n", F,
          "t.ini:9: advertise: '10.0.0.1:1' is already advertised" },
        /* a wildcard listen needs an explicit advertise */
        { "[relay]\nnickname = a\ndata_dir = d\nlisten = [::]:9001\n[keys]\nkey_file = k\n", F,
          "t.ini:4: listen: '[::]:9001' is a wildcard address: set advertise to the address "
          "peers should connect to" },
        /* the relay's own listen does not take port 0 */
        { "[relay]\nlisten = 127.0.0.1:0\n", SH_ERR_RANGE,
          "t.ini:2: listen: '127.0.0.1:0' has a port out of range 1..65535" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    cr_assert_eq(parse(&cfg, "[relay]\nnickname = a\ndata_dir = d\nlisten = [::]:9001\n"
                             "advertise = [2001:db8::1]:9001\n[keys]\nkey_file = k\n"), 0);
    cr_assert_eq(cfg.n_advertise, 1);
    cr_assert_str_eq(cfg.listen.text, "[::]:9001");
}

Test(node_config, control_must_be_loopback)
{
    assert_err(parse_kv("control", "listen", "0.0.0.0:9101"), F,
               "t.ini:8: listen: the control API must listen on a loopback address "
               "(127.0.0.0/8 or [::1]), not '0.0.0.0:9101'");
    static const char *const outside[] = { "192.168.1.1:9101", "[::2]:9101",
                                           "[::ffff:127.0.0.1]:9101", "128.0.0.1:9101" };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
        cr_assert_eq(parse_kv("control", "listen", outside[i]), F, "%s", outside[i]);
    cr_assert_eq(parse_kv("control", "listen", "127.200.0.9:80"), 0, "%s", err);
    cr_assert_str_eq(cfg.control.text, "127.200.0.9:80");
    cr_assert_eq(parse_kv("control", "listen", "127.0.0.1:0"), 0, "%s", err);
    cr_assert_eq(cfg.control.port, 0);
    assert_err(parse_kv("control", "listen", "127.0.0.1:65536"), SH_ERR_RANGE,
               "t.ini:8: listen: '127.0.0.1:65536' has a port out of range 0..65535");
}

Test(node_config, bad_bootstrap)
{
    static const struct { const char *v, *msg; } bad[] = {
        { ID1 " " TR1, "expected IDENTITY TRANSPORT HOST:PORT, found 2 fields" },
        { ID1 " " TR1 " 10.0.0.1:1 extra",
          "expected IDENTITY TRANSPORT HOST:PORT, found 4 fields" },
        { "d75a98 " TR1 " 10.0.0.1:1", "the identity must be 64 hex digits, not 6 characters" },
        { ID1 "00 " TR1 " 10.0.0.1:1", "the identity must be 64 hex digits, not 66 characters" },
        { ID1 " " TR1 "1 10.0.0.1:1",
          "the transport key must be 64 hex digits, not 65 characters" },
        { "g75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a " TR1 " 10.0.0.1:1",
          "the identity is not hex" },
        { ID1 " 111111111111111111111111111111111111111111111111111111111111111z 10.0.0.1:1",
          "the transport key is not hex" },
        { "0000000000000000000000000000000000000000000000000000000000000000 " TR1 " 10.0.0.1:1",
          "the identity is not an Ed25519 public key" },
        { ID1 " 0000000000000000000000000000000000000000000000000000000000000000 10.0.0.1:1",
          "the transport key is zero" },
        { ID1 " " TR1 " seed.example.org:9001", "'seed.example.org:9001' is not an IPv4 address "
          "a.b.c.d (hostnames are not accepted)" },
        { ID1 " " TR1 " 10.0.0.1:0", "'10.0.0.1:0' has a port out of range 1..65535" },
        { ID1 " " TR1 " 0.0.0.0:1", "'0.0.0.0:1' " UNREACHABLE },
        { ID1 " " TR1 " 10.0.0.1:11111111111111111111",
          "'10.0.0.1:11111111111111111111' has a port out of range 1..65535" },
        { ID1 " " TR1 " [::1]",  "'[::1]' has no ':PORT' after ']'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, "t.ini:8: bootstrap: %s", bad[i].msg);
        cr_assert_neq(parse_kv("network", "bootstrap", bad[i].v), 0, "%s", bad[i].v);
        cr_assert_str_eq(err, want);
    }
    assert_err(parse(&cfg, MIN "[network]\nbootstrap = " ID1 " " TR1 " 10.0.0.1:1\n"
                     "bootstrap = " ID1 " " TR2 " 10.0.0.2:1\n"), F,
               "t.ini:9: bootstrap: this identity is already listed on line 8");
    /* Upper-case hex is the same key. */
    cr_assert_eq(parse_kv("network", "bootstrap",
        "D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A " TR1 " 10.0.0.1:1"),
        0, "%s", err);
    cr_assert_eq(cfg.bootstrap[0].identity[0], 0xd7);
}

Test(node_config, line_numbers_and_syntax)
{
    static const refusal r[] = {
        { "; comment\n"                     /* 1 */
          "\n"                              /* 2 */
          "[relay]\n"                       /* 3 */
          "   # indented comment is fine\n" /* 4 */
          "nickname = a\n"                  /* 5 */
          "data_dir: d\n"                   /* 6: ':' works too */
          "listen = 127.0.0.1:1\n"          /* 7 */
          "   \t \n"                        /* 8: blank */
          "capacity = 0\n",                 /* 9 */
          SH_ERR_RANGE, "t.ini:9: capacity: '0' is out of range 1..4294967295" },
        { MIN "[relay]\njust words\n", F, "t.ini:8: " SYNTAX },
        /* inih's own refusal is reported even when a later line is also wrong */
        { MIN "[relay]\njust words\ncapacity = 0\n", F, "t.ini:8: " SYNTAX },
        { MIN "[relay]\n= 5\n", F, "t.ini:8: no key name before '='" },
        { MIN "[relay\n", F, "t.ini:7: no ']' closing the section name" },
        { MIN "[relay] x\n", F, "t.ini:7: text after the section name" },
        /* an indented line would be a continuation for inih */
        { MIN "[relay]\ncapacity = 5\n  6\n", F, "t.ini:9: " INDENTED },
        { "[relay]\n  nickname = a\n", F, "t.ini:2: " INDENTED },
        /* '#' is not an inline comment */
        { MIN "[relay]\ncapacity = 5 # five\n", F,
          "t.ini:8: capacity: '5 # five' is not a decimal number" },
        /* CRLF line ends and a byte-order mark count lines the same */
        { "\xef\xbb\xbf[relay]\r\nnickname = a\r\ndata_dir = d\r\nlisten = 127.0.0.1:1\r\n"
          "[keys]\r\nkey_file = k\r\ncapacity = 0\r\n", F,
          "t.ini:7: unknown key 'capacity' in section [keys]" },
    };
    assert_refusals(r, sizeof r / sizeof r[0]);
    cr_assert_eq(parse(&cfg, MIN "[relay] ; a comment\n"), 0, "%s", err);
    cr_assert_eq(parse_kv("relay", "capacity", "5 ; five"), 0);
    cr_assert_eq(cfg.capacity, 5);
    cr_assert_eq(parse(&cfg, "\xef\xbb\xbf[relay]\r\nnickname = a\r\ndata_dir = d\r\n"
                             "listen = 127.0.0.1:1\r\n[keys]\r\nkey_file = k\r\n"), 0, "%s", err);
    cr_assert_str_eq(cfg.nickname, "a");
    cr_assert_str_eq(cfg.key_file, "/etc/shroud/k");
    /* No final newline */
    cr_assert_eq(parse(&cfg, MIN "[relay]\ncapacity = 9"), 0);
    cr_assert_eq(cfg.capacity, 9);
}

Test(node_config, long_lines)
{
    char text[32768];
    /* A comment line of exactly the limit is fine, one more is not. */
    char line[NODE_CFG_LINE_MAX + 2];
    memset(line, 'x', sizeof line);
    line[0] = ';';
    line[NODE_CFG_LINE_MAX] = '\0';
    snprintf(text, sizeof text, MIN "%s\n", line);
    cr_assert_eq(parse(&cfg, text), 0, "%s", err);
    line[NODE_CFG_LINE_MAX] = 'x';
    line[NODE_CFG_LINE_MAX + 1] = '\0';
    snprintf(text, sizeof text, MIN "%s\n", line);
    char want[128];
    snprintf(want, sizeof want, "t.ini:7: the line is longer than %d characters",
             NODE_CFG_LINE_MAX);
    assert_err(parse(&cfg, text), SH_ERR_OVERSIZE, want);
    /* A very long value line is refused, not split into two lines. */
    int n = snprintf(text, sizeof text, MIN "[relay]\ncapacity = 1");
    memset(text + n, '0', 20000);
    memcpy(text + n + 20000, "\n", 2);
    snprintf(want, sizeof want, "t.ini:8: the line is longer than %d characters",
             NODE_CFG_LINE_MAX);
    assert_err(parse(&cfg, text), SH_ERR_OVERSIZE, want);
    /* A long value that inih would have split into "key = ..." lines. */
    n = snprintf(text, sizeof text, MIN "[log]\nfile = /");
    memset(text + n, 'a', 300);
    snprintf(text + n + 300, sizeof text - (size_t)n - 300, "\ncapacity = 5\n");
    assert_err(parse(&cfg, text), SH_ERR_OVERSIZE, want);
}

Test(node_config, nul_bytes_and_bad_text)
{
    static const char nul[] = MIN "[relay]\ncapacity = 5\0junk\n";
    assert_err(node_config_parse_buffer(&cfg, nul, sizeof nul - 1, "t.ini", "/", err, sizeof err),
               SH_ERR_FORMAT, "t.ini:8: NUL byte in the line");
    /* The _string form stops at the NUL: the rest is never seen. */
    cr_assert_eq(parse(&cfg, nul), 0, "%s", err);
    /* Bytes that are not UTF-8 pass through to the value checks (a path
     * may hold any byte but '/' and NUL; a Latin-1 comment is harmless). */
    assert_err(parse(&cfg, MIN "[relay]\ncapacity = \xff\xfe\n"), SH_ERR_FORMAT,
               "t.ini:8: capacity: '\xff\xfe' is not a decimal number");
    cr_assert_eq(parse(&cfg, MIN "; caf\xe9 \xc0\xaf \xed\xa0\x80\n[log]\nfile = \xe9t\xe9\n"), 0,
                 "%s", err);
    cr_assert_str_eq(cfg.log_file, "/etc/shroud/\xe9t\xe9");
    assert_err(parse(&cfg, MIN "[relay]\ncapacity = 5\x1b[2J\n"), SH_ERR_FORMAT,
               "t.ini:8: control character (byte 0x1b) in the line");
    assert_err(parse(&cfg, MIN "[relay]\ncapacity = 5\r6\n"), SH_ERR_FORMAT,
               "t.ini:8: control character (byte 0x0d) in the line");
    /* Every byte value as the last line of a valid file: an error unless
     * the line is blank or a comment. */
    for (int b = 0; b < 256; b++) {
        char one[sizeof MIN + 2];
        memcpy(one, MIN, sizeof MIN - 1);
        one[sizeof MIN - 1] = (char)b;
        int rc = node_config_parse_buffer(&cfg, one, sizeof MIN, "t.ini", "/", err, sizeof err);
        cr_assert(rc == 0 || rc == SH_ERR_FORMAT, "byte %d: %d", b, rc);
        if (b == '\n' || b == ' ' || b == '\t' || b == ';' || b == '#')
            cr_assert_eq(rc, 0, "byte %d: %s", b, err);
        else
            cr_assert_neq(rc, 0, "byte %d", b);
    }
    cr_assert_eq(node_config_parse_buffer(&cfg, NULL, 0, "t.ini", "/", err, sizeof err),
                 SH_ERR_FORMAT);
    cr_assert_eq(node_config_parse_buffer(&cfg, NULL, 1, "t.ini", "/", err, sizeof err),
                 SH_ERR_ARG);
    /* err may be NULL or tiny */
    cr_assert_eq(node_config_parse_string(&cfg, "", "t.ini", "/", NULL, 0), SH_ERR_FORMAT);
    char tiny[6];
    cr_assert_eq(node_config_parse_string(&cfg, "", "t.ini", "/", tiny, sizeof tiny),
                 SH_ERR_FORMAT);
    cr_assert_str_eq(tiny, "t.ini");
}
