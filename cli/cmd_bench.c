/* cli/cmd_bench.c -- `shroud bench SUITE [--json] [--seconds S]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "bench.h"

int cli_cmd_bench(int argc, char **argv)
{
    bench_ctx ctx = { .json = 0, .out = stdout, .suite = NULL, .min_seconds = 0.2 };
    const char *suite = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            ctx.json = 1;
        } else if (strcmp(argv[i], "--elapsed") == 0) {
            ctx.elapsed = 1;
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            char *end;
            ctx.min_seconds = strtod(argv[++i], &end);
            if (*end != '\0' || ctx.min_seconds <= 0 || ctx.min_seconds > 60) {
                fprintf(stderr, "shroud bench: --seconds takes a number in (0, 60], not '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "shroud bench: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (suite == NULL) {
            suite = argv[i];
        } else {
            fprintf(stderr, "shroud bench: one suite at a time ('%s' given after '%s')\n",
                    argv[i], suite);
            return 2;
        }
    }
    if (suite == NULL) {
        fputs("usage: shroud bench SUITE [--json] [--elapsed] [--seconds S]   (suites: zk, shuffle, mpc, mixnet, node, sim)\n", stderr);
        return 2;
    }
    if (strcmp(suite, "zk") == 0)
        return bench_suite_zk(&ctx) == 0 ? 0 : 1;
    if (strcmp(suite, "shuffle") == 0)
        return bench_suite_shuffle(&ctx) == 0 ? 0 : 1;
    if (strcmp(suite, "mpc") == 0)
        return bench_suite_mpc(&ctx) == 0 ? 0 : 1;
    if (strcmp(suite, "mixnet") == 0)
        return bench_suite_mixnet(&ctx) == 0 ? 0 : 1;
    if (strcmp(suite, "node") == 0)
        return bench_suite_node(&ctx) == 0 ? 0 : 1;
    if (strcmp(suite, "sim") == 0)
        return bench_suite_sim(&ctx) == 0 ? 0 : 1;
    fprintf(stderr, "shroud bench: unknown suite '%s' (suites: zk, shuffle, mpc, mixnet, node, sim)\n", suite);
    return 2;
}
