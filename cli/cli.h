/* partobs command-line tool: what every subcommand shares.
 *
 * A subcommand is an entry {name, summary, run} in the table of
 * partobs.c. run() receives the arguments after the subcommand name and
 * returns the process exit status:
 *   0  success
 *   1  runtime error: a file is missing, unreadable or malformed, the data
 *      have the wrong shape or non-finite values, a computation failed
 *   2  usage error: the command line itself is wrong (unknown command or
 *      option, bad number, invalid option value), whatever the files hold
 * Errors are one line on stderr: "partobs: <cmd>: <message>".
 *
 * The tool is a thin client: it includes only the public header
 * partobs/partobs-report.h (DESIGN.md §1) and cJSON for manifests and reports.
 */
#ifndef PARTOBS_CLI_H
#define PARTOBS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "partobs/partobs-report.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_RUNTIME = 1, CLI_EXIT_USAGE = 2 };

/* Returned by cli_parse() when the command should go on (any other value is
 * the exit status to return at once, e.g. 0 after --help). */
#define CLI_PROCEED (-1)

struct cli_run;

typedef struct cli_cmd {
    const char *name;
    const char *summary; /* one line for `partobs --help` */
    /* Also prints the help: `partobs help CMD` runs it with "--help". */
    int (*run)(struct cli_run *run, int argc, char **argv);
} cli_cmd;

/* How cli_parse prints --help: text, or the Markdown option table of
 * docs/cli.md (`partobs help --markdown CMD`). */
typedef enum cli_help_format { CLI_HELP_TEXT, CLI_HELP_MARKDOWN } cli_help_format;

struct cli_outputs; /* the files staged or written so far (cli_output.c) */

/* One invocation: the command line (for the manifest) and its output files
 * (staged until the commit, removed again if a step fails). */
typedef struct cli_run {
    const cli_cmd *cmd;
    int argc;
    char **argv;
    struct cli_outputs *out; /* NULL until the first output */
    cli_help_format help_format;
    bool helped; /* set when --help was printed */
} cli_run;

/* The subcommands (cmd_<name>.c). */
int cmd_teacher(cli_run *run, int argc, char **argv);
int cmd_simulate(cli_run *run, int argc, char **argv);
int cmd_observe(cli_run *run, int argc, char **argv);
int cmd_fit(cli_run *run, int argc, char **argv);
int cmd_analyze(cli_run *run, int argc, char **argv);
int cmd_compare(cli_run *run, int argc, char **argv);
int cmd_demo(cli_run *run, int argc, char **argv);
int cmd_theory(cli_run *run, int argc, char **argv);
int cmd_curves(cli_run *run, int argc, char **argv);
int cmd_task(cli_run *run, int argc, char **argv);
int cmd_reproduce(cli_run *run, int argc, char **argv);
int cmd_diagnose(cli_run *run, int argc, char **argv);
int cmd_sweep(cli_run *run, int argc, char **argv);

#endif
