/* cli/cli.h -- subcommands of the `shroud` executable. Each returns the
 * process exit status. */
#ifndef SHROUD_CLI_H
#define SHROUD_CLI_H

int cli_cmd_bench(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
int cli_cmd_shuffle(int argc, char **argv);
int cli_cmd_sim(int argc, char **argv);
int cli_cmd_vectors(int argc, char **argv);
int cli_cmd_relay(int argc, char **argv);
int cli_cmd_testnet(int argc, char **argv);

#include <stddef.h>
struct sh_buf;
/* GET `path` from the control API of the relay configured in cfg_path
 * (its token file, its control address): 0 and the body, or 1 and a
 * message in err. */
int cli_relay_fetch(const char *cfg_path, const char *path, struct sh_buf *body,
                    char *err, size_t n);

#endif
