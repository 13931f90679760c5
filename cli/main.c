/* cli/main.c -- the `shroud` executable: one binary, many subcommands. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: shroud COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  help                     show this help\n"
          "  version                  print the version\n"
          "  demo                     walk through the zero-knowledge toolkit\n"
          "  bench SUITE [--json]     measure performance (suites: zk, shuffle, mpc, mixnet, node, sim)\n"
          "        [--elapsed]        wall-clock time instead of process CPU time\n"
          "        [--seconds S]      minimum measuring time per figure (default 0.2)\n"
          "  bench shuffle [--json]   the verifiable shuffle (long: N up to 100000)\n"
          "  shuffle gen --n N --width W --seed S --out DIR [--threads T]\n"
          "                           write a key, a batch, its shuffle and the proof\n"
          "  shuffle verify DIR [--threads T]\n"
          "                           re-verify a shuffle from those files alone\n"
          "  sim SCENARIO.json [--seed N] [--out DIR]\n"
          "                           run a simulation (scenarios/, docs/researcher-guide.md)\n"
          "  sim bench [--relays N] [--seconds S]\n"
          "                           simulator throughput and memory (rumour protocol)\n"
          "  relay init|run|status|contact ...\n"
          "                           run a relay (docs/operator-guide.md; shroud relay help)\n"
          "  testnet up|wait|status|down --dir DIR ...\n"
          "                           a network of relays on 127.0.0.1\n"
          "  vectors frost FILE.json  check an RFC 9591 FROST test-vector file\n"
          "  vectors onion FILE.json  check a BOLT 4 onion test-vector file\n"
          "\n"
          "See README.md and docs/ for more.\n", f);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("shroud: libsodium failed to initialise\n", stderr);
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("shroud %s (libsodium %s)\n", SHROUD_VERSION, sodium_version_string());
        return 0;
    }
    if (strcmp(cmd, "bench") == 0)
        return cli_cmd_bench(argc - 2, argv + 2);
    if (strcmp(cmd, "demo") == 0)
        return cli_cmd_demo(argc - 2, argv + 2);
    if (strcmp(cmd, "shuffle") == 0)
        return cli_cmd_shuffle(argc - 2, argv + 2);
    if (strcmp(cmd, "sim") == 0)
        return cli_cmd_sim(argc - 2, argv + 2);
    if (strcmp(cmd, "relay") == 0)
        return cli_cmd_relay(argc - 2, argv + 2);
    if (strcmp(cmd, "testnet") == 0)
        return cli_cmd_testnet(argc - 2, argv + 2);
    if (strcmp(cmd, "vectors") == 0)
        return cli_cmd_vectors(argc - 2, argv + 2);
    fprintf(stderr, "shroud: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
