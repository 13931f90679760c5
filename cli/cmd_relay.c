/* cli/cmd_relay.c -- `shroud relay init|run|status|contact`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "node/config.h"
#include "node/control.h"
#include "node/relay.h"
#include "util/buf.h"

static void relay_usage(FILE *f)
{
    fputs("usage:\n"
          "  shroud relay init --dir DIR [--nickname NAME] [--listen HOST:PORT]\n"
          "                    [--control HOST:PORT] [--bootstrap 'IDENTITY TRANSPORT HOST:PORT']...\n"
          "                    [--passphrase-file FILE | --passphrase-env VAR] [--tick-ms MS]\n"
          "        create a relay directory: keys (encrypted at rest), token, relay.ini\n"
          "  shroud relay run --config DIR/relay.ini\n"
          "        run the relay until SIGTERM or SIGINT (SIGHUP reloads the config)\n"
          "  shroud relay status --config DIR/relay.ini [--json]\n"
          "        ask a running relay for its status over the control API\n"
          "  shroud relay contact --config DIR/relay.ini\n"
          "        print the bootstrap line other relays use to reach this one\n"
          "See docs/operator-guide.md.\n", f);
}

static const char *opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "shroud relay: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int cmd_init(int argc, char **argv)
{
    node_relay_init_opts o;
    memset(&o, 0, sizeof o);
    const char *boot[NODE_CFG_MAX_BOOTSTRAP];
    static const char *const with_value[] = { "--dir", "--nickname", "--listen", "--control",
                                              "--passphrase-file", "--passphrase-env",
                                              "--tick-ms", "--bootstrap" };
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int known = 0;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
            known |= strcmp(a, with_value[k]) == 0;
        if (!known) {
            fprintf(stderr, "shroud relay init: unknown argument %s\n", a);
            relay_usage(stderr);
            return 2;
        }
        if ((v = opt_value(argc, argv, &i)) == NULL)
            return 2;
        if (strcmp(a, "--dir") == 0)
            o.dir = v;
        else if (strcmp(a, "--nickname") == 0)
            o.nickname = v;
        else if (strcmp(a, "--listen") == 0)
            o.listen = v;
        else if (strcmp(a, "--control") == 0)
            o.control = v;
        else if (strcmp(a, "--passphrase-file") == 0)
            o.passphrase_file = v;
        else if (strcmp(a, "--passphrase-env") == 0)
            o.passphrase_env = v;
        else if (strcmp(a, "--tick-ms") == 0) {
            char *end = NULL;
            unsigned long t = strtoul(v, &end, 10);
            if (end == v || *end != '\0' || t < 10 || t > 60000) {
                fprintf(stderr, "shroud relay init: --tick-ms %s: expected 10..60000\n", v);
                return 2;
            }
            o.tick_ms = (uint32_t)t;
        } else {
            if (o.n_bootstrap == NODE_CFG_MAX_BOOTSTRAP) {
                fprintf(stderr, "shroud relay init: at most %d --bootstrap\n",
                        NODE_CFG_MAX_BOOTSTRAP);
                return 2;
            }
            /* accept the line as `relay init` prints it, "bootstrap = ..." */
            while (*v == ' ' || *v == '\t')
                v++;
            if (strncmp(v, "bootstrap", 9) == 0) {
                const char *q = v + 9;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (*q == '=') {
                    v = q + 1;
                    while (*v == ' ' || *v == '\t')
                        v++;
                }
            }
            boot[o.n_bootstrap++] = v;
        }
    }
    if (o.dir == NULL) {
        fputs("shroud relay init: --dir is required\n", stderr);
        return 2;
    }
    if (o.passphrase_file != NULL && o.passphrase_env != NULL) {
        fputs("shroud relay init: give --passphrase-file or --passphrase-env, not both\n", stderr);
        return 2;
    }
    o.bootstrap = boot;
    char err[1024] = "";
    if (node_relay_init(&o, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "shroud relay init: %s\n", err);
        return 1;
    }
    return 0;
}

static const char *config_arg(int argc, char **argv, int *json)
{
    const char *cfg = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            cfg = argv[++i];
        else if (json != NULL && strcmp(argv[i], "--json") == 0)
            *json = 1;
        else {
            fprintf(stderr, "shroud relay: unexpected argument %s\n", argv[i]);
            return NULL;
        }
    }
    if (cfg == NULL)
        fputs("shroud relay: --config FILE is required\n", stderr);
    return cfg;
}

/* Fetch a path of the control API of the relay configured in cfg_path. */
int cli_relay_fetch(const char *cfg_path, const char *path, sh_buf *body, char *err, size_t n)
{
    node_config c;
    if (node_config_load(&c, cfg_path, err, n) != 0)
        return 1;
    if (c.control.port == 0) {
        snprintf(err, n, "the control API is disabled in %s ([control] listen port 0)", cfg_path);
        return 1;
    }
    char token[NODE_CONTROL_TOKEN_HEX + 1];
    if (node_control_token_load(c.token_file, token, err, n) != 0)
        return 1;
    char h[64];
    if (node_addr_host(&c.control, h, sizeof h) != 0) {
        snprintf(err, n, "bad control address %s", c.control.text);
        return 1;
    }
    int status = 0;
    if (node_control_get(h, c.control.port, token, path, 3000, body, &status, err, n) != 0)
        return 1;
    if (status == 401) {
        snprintf(err, n, "the relay refused the token in %s (HTTP 401): it was replaced while "
                 "the relay ran; restart the relay to load the new one", c.token_file);
        return 1;
    }
    if (status != 200) {
        snprintf(err, n, "the relay answered HTTP %d", status);
        return 1;
    }
    return 0;
}

static void print_status(json_t *s)
{
    json_t *peers = json_object_get(s, "peers"), *q = json_object_get(s, "queues"),
           *p = json_object_get(s, "process");
    printf("relay     %s (shroud %s)\n", json_string_value(json_object_get(s, "nickname")),
           json_string_value(json_object_get(s, "version")));
    printf("identity  %s\n", json_string_value(json_object_get(s, "identity")));
    printf("listen    %s\n", json_string_value(json_object_get(s, "listen")));
    printf("epoch     %lld   uptime %lld s\n",
           (long long)json_integer_value(json_object_get(s, "epoch")),
           (long long)json_integer_value(json_object_get(s, "uptime_s")));
    printf("peers     %lld known, %lld active, %lld passive\n",
           (long long)json_integer_value(json_object_get(peers, "known")),
           (long long)json_integer_value(json_object_get(peers, "active")),
           (long long)json_integer_value(json_object_get(peers, "passive")));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(peers, "active_view"), i, e) {
        const char *id = json_string_value(json_object_get(e, "identity"));
        const char *addr = json_string_value(json_object_get(e, "address"));
        printf("  neighbour %.16s  %s\n", id ? id : "?", addr ? addr : "");
    }
    printf("queues    %lld connections, %lld pending, %lld dropped\n",
           (long long)json_integer_value(json_object_get(q, "connections")),
           (long long)json_integer_value(json_object_get(q, "pending_unknown")),
           (long long)json_integer_value(json_object_get(q, "dropped")));
    printf("process   %.1f MiB resident, %.2f s CPU\n",
           (double)json_integer_value(json_object_get(p, "rss_bytes")) / 1048576.0,
           json_real_value(json_object_get(p, "cpu_s")));
}

static int cmd_status(int argc, char **argv)
{
    int json = 0;
    const char *cfg = config_arg(argc, argv, &json);
    if (cfg == NULL)
        return 2;
    sh_buf body;
    sh_buf_init(&body);
    char err[1024] = "";
    if (cli_relay_fetch(cfg, "/status", &body, err, sizeof err) != 0) {
        fprintf(stderr, "shroud relay status: %s\n", err);
        sh_buf_free(&body);
        return 1;
    }
    int rc = 0;
    if (json) {
        fwrite(body.data, 1, body.len, stdout);
        putchar('\n');
    } else {
        json_error_t je;
        json_t *s = json_loadb((const char *)body.data, body.len, 0, &je);
        if (s == NULL) {
            fprintf(stderr, "shroud relay status: the relay sent invalid JSON: %s\n", je.text);
            rc = 1;
        } else {
            print_status(s);
            json_decref(s);
        }
    }
    sh_buf_free(&body);
    return rc;
}

int cli_cmd_relay(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0) {
        relay_usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    if (strcmp(argv[0], "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(argv[0], "run") == 0) {
        const char *cfg = config_arg(argc - 1, argv + 1, NULL);
        return cfg == NULL ? 2 : node_relay_run(cfg);
    }
    if (strcmp(argv[0], "status") == 0)
        return cmd_status(argc - 1, argv + 1);
    if (strcmp(argv[0], "contact") == 0) {
        const char *cfg = config_arg(argc - 1, argv + 1, NULL);
        if (cfg == NULL)
            return 2;
        char line[256], err[1024];
        if (node_relay_contact(cfg, line, sizeof line, err, sizeof err) != 0) {
            fprintf(stderr, "shroud relay contact: %s\n", err);
            return 1;
        }
        printf("%s\n", line);
        return 0;
    }
    fprintf(stderr, "shroud relay: unknown subcommand '%s'\n", argv[0]);
    relay_usage(stderr);
    return 2;
}
