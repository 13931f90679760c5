/* cli/cmd_demo.c -- `shroud demo`: placeholder until elgamal lands. */
#include <stdio.h>
#include "cli.h"

int cli_cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    puts("shroud demo: (under construction)");
    return 0;
}
