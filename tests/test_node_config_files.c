/* tests/test_node_config_files.c -- relay.ini on disk: loading and the
 * resolution of relative paths, the generated file (round trip, refusals),
 * and the SIGHUP reload check. */
#include "node_config_test.h"

/* ---- files ------------------------------------------------------------- */

static char dir[64];

static void mkdir_tmp(void)
{
    snprintf(dir, sizeof dir, "/tmp/shroud-cfg-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(node_config, load_resolves_relative_paths)
{
    mkdir_tmp();
    char sub[128], path[192];
    snprintf(sub, sizeof sub, "%s/etc", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/relay.ini", sub);
    put_file(path, MIN "[keys]\n" "[control]\ntoken_file = ./secret/../ctl.token\n"
                   "[log]\nfile = ../log//relay.log\n[relay]\ncapacity = 0\n");
    char want[512];
    snprintf(want, sizeof want, "%s:13: capacity: '0' is out of range 1..4294967295", path);
    assert_err(node_config_load(&cfg, path, err, sizeof err), SH_ERR_RANGE, want);

    put_file(path, MIN "[control]\ntoken_file = ./secret/../ctl.token\n"
                   "[log]\nfile = ../log//relay.log\n[keys]\n");
    cr_assert_eq(node_config_load(&cfg, path, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg.path, path);
    char w[256];
    snprintf(w, sizeof w, "%s/data", sub);
    cr_assert_str_eq(cfg.data_dir, w);
    snprintf(w, sizeof w, "%s/relay.key", sub);
    cr_assert_str_eq(cfg.key_file, w);
    snprintf(w, sizeof w, "%s/ctl.token", sub);
    cr_assert_str_eq(cfg.token_file, w);
    snprintf(w, sizeof w, "%s/log/relay.log", dir);
    cr_assert_str_eq(cfg.log_file, w);

    /* A relative config path: made absolute against the current directory. */
    cr_assert_eq(chdir(dir), 0);
    cr_assert_eq(node_config_load(&cfg2, "etc/../etc/relay.ini", err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg2.path, path);
    cr_assert_str_eq(cfg2.data_dir, cfg.data_dir);
    /* parse_string with a relative base directory */
    cr_assert_eq(node_config_parse_string(&cfg2, MIN, "x", "etc", err, sizeof err), 0);
    cr_assert_str_eq(cfg2.data_dir, cfg.data_dir);
    cr_assert_eq(node_config_parse_string(&cfg2, MIN, "x", NULL, err, sizeof err), 0);
    snprintf(w, sizeof w, "%s/data", dir);
    cr_assert_str_eq(cfg2.data_dir, w);
    cr_assert_eq(node_config_parse_string(&cfg2, MIN "[relay]\n", "x", "/", err, sizeof err), 0);
    cr_assert_str_eq(cfg2.data_dir, "/data");
    cr_assert_eq(parse(&cfg2, "[relay]\nnickname = a\ndata_dir = ../../../..\n"
                             "listen = 127.0.0.1:1\n[keys]\nkey_file = /k/./\n"), 0, "%s", err);
    cr_assert_str_eq(cfg2.data_dir, "/");
    cr_assert_str_eq(cfg2.key_file, "/k");

    /* Load failures */
    snprintf(w, sizeof w, "%s/missing.ini", dir);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", w);
    assert_err(node_config_load(&cfg, w, err, sizeof err), SH_ERR_IO, want);
    snprintf(want, sizeof want, "%s: not a regular file", sub);
    assert_err(node_config_load(&cfg, sub, err, sizeof err), SH_ERR_IO, want);
    /* Too large */
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(MIN, f);
    for (size_t i = 0; i < NODE_CFG_FILE_MAX / 64 + 1; i++)
        fputs(";23456789012345678901234567890123456789012345678901234567890123\n", f);
    fclose(f);
    snprintf(want, sizeof want, "%s: larger than %u bytes", path, NODE_CFG_FILE_MAX);
    assert_err(node_config_load(&cfg, path, err, sizeof err), SH_ERR_OVERSIZE, want);
    rm_tmp();
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(node_config, write_round_trips)
{
    mkdir_tmp();
    char path[128];
    snprintf(path, sizeof path, "%s/relay.ini", dir);
    const char *boot[2] = { ID1 " " TR1 " 198.51.100.2:9001", ID2 " " TR2 " [2001:db8::2]:7" };
    node_config_init in = {
        .nickname = "alpha", .data_dir = "state", .listen = "[::1]:9011",
        .control_listen = "127.0.0.2:0", .passphrase_env = "RELAY_PW",
        .bootstrap = boot, .n_bootstrap = 2, .tick_ms = 25,
    };
    cr_assert_eq(node_config_write(path, &in, err, sizeof err), 0, "%s", err);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600);
    cr_assert_eq(node_config_load(&cfg, path, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg.nickname, "alpha");
    char w[256];
    snprintf(w, sizeof w, "%s/state", dir);
    cr_assert_str_eq(cfg.data_dir, w);
    cr_assert_str_eq(cfg.listen.text, "[::1]:9011");
    cr_assert_eq(cfg.n_advertise, 1);
    cr_assert_str_eq(cfg.advertise[0].text, "[::1]:9011");
    cr_assert_str_eq(cfg.control.text, "127.0.0.2:0");
    cr_assert_str_eq(cfg.passphrase_env, "RELAY_PW");
    cr_assert_str_eq(cfg.key_file, "");
    cr_assert_str_eq(cfg.passphrase_file, "");
    cr_assert_eq(cfg.n_bootstrap, 2);
    cr_assert_str_eq(cfg.bootstrap[1].addr.text, "[2001:db8::2]:7");
    cr_assert_eq(cfg.tick_ms, 25);
    /* Everything else at its default */
    for (size_t i = 0; i < N_BOUNDS; i++)
        if (bounds[i].off != offsetof(node_config, tick_ms))
            cr_assert_eq(field(&cfg, &bounds[i]), bounds[i].dflt, "%s", bounds[i].key);
    cr_assert_eq(cfg.log_level, SH_LOG_INFO);
    cr_assert_eq(cfg.log_format, NODE_LOG_AUTO);
    cr_assert_str_eq(cfg.log_file, "");
    snprintf(w, sizeof w, "%s/control.token", dir);
    cr_assert_str_eq(cfg.token_file, w);

    /* Every key is in the file, set or commented out, after a comment. */
    static const char *const names[] = { "nickname", "data_dir", "listen", "advertise",
        "capacity", "key_file", "passphrase_file", "passphrase_env", "bootstrap",
        "max_message", "queue_max", "peer_rate", "unknown_rate", "idle_timeout_s",
        "tick_ms", "active_view", "passive_view", "descriptor_lifetime_s", "epoch_s",
        "token_file", "level", "file", "format" };
    const char *text = slurp(path);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char set[64], off[64];
        snprintf(set, sizeof set, "\n%s = ", names[i]);
        snprintf(off, sizeof off, "\n; %s = ", names[i]);
        const char *at = strstr(text, set);
        if (at == NULL)
            at = strstr(text, off);
        cr_assert_not_null(at, "%s missing", names[i]);
        /* the line before is a comment line */
        const char *prev = at - 1;
        while (prev > text && prev[-1] != '\n')
            prev--;
        cr_assert_eq(*prev, ';', "no comment before %s", names[i]);
    }
    cr_assert_not_null(strstr(text, "\n; key_file = relay.key\n"));
    cr_assert_not_null(strstr(text, "\ntick_ms = 25\n"));
    cr_assert_not_null(strstr(text, "\n[control]\n"));
    /* The defaults file round-trips too, with key_file set. */
    snprintf(path, sizeof path, "%s/default.ini", dir);
    node_config_init none = { 0 };
    cr_assert_eq(node_config_write(path, &none, err, sizeof err), 0, "%s", err);
    cr_assert_eq(node_config_load(&cfg, path, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(cfg.nickname, "relay0");
    cr_assert_str_eq(cfg.listen.text, "127.0.0.1:9001");
    cr_assert_str_eq(cfg.control.text, "127.0.0.1:9101");
    snprintf(w, sizeof w, "%s/relay.key", dir);
    cr_assert_str_eq(cfg.key_file, w);
    cr_assert_eq(cfg.n_bootstrap, 0);
    cr_assert_eq(cfg.tick_ms, 1000);
    rm_tmp();
}

Test(node_config, write_refuses_overwrite_and_bad_values)
{
    mkdir_tmp();
    char path[128], want[256];
    snprintf(path, sizeof path, "%s/relay.ini", dir);
    put_file(path, "precious\n");
    node_config_init in = { .nickname = "a" };
    snprintf(want, sizeof want, "%s: cannot create: File exists", path);
    assert_err(node_config_write(path, &in, err, sizeof err), SH_ERR_IO, want);
    cr_assert_str_eq(slurp(path), "precious\n");
    /* Not through a symlink either */
    char link[160];
    snprintf(link, sizeof link, "%s/link.ini", dir);
    cr_assert_eq(symlink("nowhere.ini", link), 0);
    cr_assert_eq(node_config_write(link, &in, err, sizeof err), SH_ERR_IO);

    snprintf(path, sizeof path, "%s/new.ini", dir);
    static const node_config_init bad[] = {
        { .nickname = "two words" },                 /* invalid: parse-back refuses */
        { .nickname = "a\n[log]\nlevel = debug" },   /* injection */
        { .data_dir = " lead" },
        { .data_dir = "a ;b" },
        { .listen = "localhost:1" },
        { .control_listen = "10.0.0.1:1" },
        { .key_file = "k", .passphrase_env = "P" },
        { .tick_ms = 5 },
        { .passphrase_env = "" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(node_config_write(path, &bad[i], err, sizeof err), SH_ERR_ARG, "case %zu", i);
        cr_assert_neq(err[0], '\0');
        cr_assert_eq(access(path, F_OK), -1, "case %zu created the file", i);
    }
    const char *many[9];
    for (int i = 0; i < 9; i++)
        many[i] = ID1 " " TR1 " 10.0.0.1:1";
    node_config_init toomany = { .bootstrap = many, .n_bootstrap = 9 };
    cr_assert_eq(node_config_write(path, &toomany, err, sizeof err), SH_ERR_ARG);
    toomany.n_bootstrap = 2;                        /* duplicate identity */
    cr_assert_eq(node_config_write(path, &toomany, err, sizeof err), SH_ERR_ARG);
    cr_assert_not_null(strstr(err, "bootstrap: this identity is already listed"), "%s", err);
    cr_assert_eq(access(path, F_OK), -1);
    rm_tmp();
}

Test(node_config, reload_check)
{
    const char *base = MIN "[network]\nbootstrap = " ID1 " " TR1 " 10.0.0.1:1\n";
    cr_assert_eq(parse(&cfg, base), 0, "%s", err);
    cr_assert_eq(parse(&cfg2, base), 0);
    cr_assert_eq(node_config_reload_check(&cfg, &cfg2, err, sizeof err), 0);
    /* Every reloadable key changed at once */
    char text[2048];
    snprintf(text, sizeof text, "%s"
             "peer_rate = 1\nunknown_rate = 1\n"
             "[relay]\ncapacity = 7\n[log]\nlevel = debug\nfile = x.log\nformat = plain\n",
             base);
    cr_assert_eq(parse(&cfg2, text), 0, "%s", err);
    cr_assert_eq(node_config_reload_check(&cfg, &cfg2, err, sizeof err), 0, "%s", err);
    /* Each number alone: reloadable or named */
    for (size_t i = 0; i < N_BOUNDS; i++) {
        const bound *b = &bounds[i];
        char v[16], want[128];
        snprintf(v, sizeof v, "%u", (unsigned)b->lo);     /* never the default */
        snprintf(text, sizeof text, "%s[%s]\n%s = %s\n", base, b->section, b->key, v);
        cr_assert_eq(parse(&cfg2, text), 0, "%s", err);
        int reloadable = strcmp(b->key, "capacity") == 0 || strstr(b->key, "_rate") != NULL;
        snprintf(want, sizeof want, "key '%s.%s' cannot change without a restart", b->section,
                 b->key);
        assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err),
                   reloadable ? 0 : SH_ERR_STATE, reloadable ? "" : want);
    }
    /* The other non-reloadable keys alone */
    static const struct { const char *kv, *name; } fixed[] = {
        { "[relay]\nadvertise = 10.9.9.9:1\n", "relay.advertise" },
        { "[network]\nbootstrap = " ID2 " " TR2 " 10.0.0.2:1\n", "network.bootstrap" },
        { "[control]\nlisten = 127.0.0.1:1\n", "control.listen" },
        { "[control]\ntoken_file = t\n", "control.token_file" },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        snprintf(text, sizeof text, "%s%s", base, fixed[i].kv);
        cr_assert_eq(parse(&cfg2, text), 0, "%s", err);
        char want[128];
        snprintf(want, sizeof want, "key '%s' cannot change without a restart", fixed[i].name);
        assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err), SH_ERR_STATE, want);
    }
    /* The first in file order is named */
    const char *moved = "[relay]\nnickname = b\ndata_dir = data2\nlisten = 127.0.0.1:9002\n"
                        "[keys]\npassphrase_env = X\n[control]\nlisten = 127.0.0.1:1\n";
    cr_assert_eq(parse(&cfg2, moved), 0, "%s", err);
    assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err), SH_ERR_STATE,
               "key 'relay.nickname' cannot change without a restart");
    memcpy(cfg2.nickname, cfg.nickname, sizeof cfg.nickname);
    assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err), SH_ERR_STATE,
               "key 'relay.data_dir' cannot change without a restart");
    memcpy(cfg2.data_dir, cfg.data_dir, sizeof cfg.data_dir);
    assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err), SH_ERR_STATE,
               "key 'relay.listen' cannot change without a restart");
    cfg2.listen = cfg.listen;
    cfg2.advertise[0] = cfg.advertise[0];
    assert_err(node_config_reload_check(&cfg, &cfg2, err, sizeof err), SH_ERR_STATE,
               "key 'keys.key_file' cannot change without a restart");
    /* The file's own path is not compared */
    cr_assert_eq(parse(&cfg2, base), 0);
    snprintf(cfg2.path, sizeof cfg2.path, "elsewhere.ini");
    cr_assert_eq(node_config_reload_check(&cfg, &cfg2, err, sizeof err), 0);
    cr_assert_eq(node_config_reload_check(NULL, &cfg2, err, sizeof err), SH_ERR_ARG);
}
