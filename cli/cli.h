/* cli/cli.h -- subcommands of the `shroud` executable. Each returns the
 * process exit status. */
#ifndef SHROUD_CLI_H
#define SHROUD_CLI_H

int cli_cmd_bench(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
int cli_cmd_shuffle(int argc, char **argv);
int cli_cmd_sim(int argc, char **argv);
int cli_cmd_vectors(int argc, char **argv);

#endif
