/* partobs fit: the methods other than map, one file each (cli/fit_<method>.c),
 * dispatched by cmd_fit on the value of --method. Each has its own options
 * and its own --help (`partobs fit --method NAME --help`). */
#ifndef PARTOBS_CLI_FIT_METHODS_H
#define PARTOBS_CLI_FIT_METHODS_H

#include <stdio.h>

#include "cli.h"

int cmd_fit_bptt(cli_run *run, int argc, char **argv);
void cmd_fit_bptt_help(FILE *out);

#endif
