/* partobs CLI: strict option and number parsing.
 *
 * Options are "--name value" or "--name=value" (flags take no value), plus
 * the short "-o FILE" and "-h". "--" ends the options. Anything not starting
 * with '-' is a positional argument. Numbers are parsed strictly: the whole
 * string must be the number, sizes and seeds are plain decimal digits (no
 * sign, no spaces), reals must be finite.
 */
#ifndef PARTOBS_CLI_ARGS_H
#define PARTOBS_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

typedef enum cli_kind {
    CLI_FLAG,   /* bool: set to true when present, takes no value */
    CLI_STRING, /* const char *: the argument itself */
    CLI_SIZE,   /* size_t: decimal digits only */
    CLI_DOUBLE, /* double: finite */
    CLI_NONNEG, /* double: finite and >= 0 */
    CLI_SEED    /* uint64_t: decimal digits only, up to 2^64 - 1 */
} cli_kind;

typedef struct cli_opt {
    const char *name; /* long name without the dashes: "T" for --T */
    char short_name;  /* 'o' for -o, or 0 */
    cli_kind kind;
    void *dest;       /* bool *, const char **, size_t *, double * or uint64_t * by kind */
    bool seen;        /* set by cli_parse */
} cli_opt;

/* Parse argv[0 .. argc-1] (the arguments after the subcommand name) into
 * `opts`; positional arguments go to pos[0 .. max_pos-1] and their number to
 * *npos. On --help / -h prints the command's help on stdout and returns 0; on
 * a usage error prints one line and returns CLI_EXIT_USAGE; else CLI_PROCEED. */
int cli_parse(cli_run *run, int argc, char **argv, cli_opt *opts, size_t nopts, const char **pos,
              size_t max_pos, size_t *npos);

/* cli_parse for the commands that take one input file (fit, observe, analyze):
 * a usage error names `what` (e.g. "X.npy") if it is missing, and, when
 * `need_output`, the option named "output" is required too. */
int cli_parse_one_input(cli_run *run, int argc, char **argv, cli_opt *opts, size_t nopts,
                        const char *what, bool need_output, const char **input);

/* The entry of `opts` named `name` (must exist). */
cli_opt *cli_opt_get(cli_opt *opts, size_t nopts, const char *name);

/* Usage error unless every option named in the NULL-terminated list was given. */
int cli_require(cli_run *run, cli_opt *opts, size_t nopts, const char *const *names);

bool cli_parse_size(const char *s, size_t *out);
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_double(const char *s, double *out);

/* Comma-separated list of sizes ("3,0,7") into a new malloc'd array. False on
 * a malformed list (empty items, non-digits); *out is then NULL. */
bool cli_parse_size_list(const char *s, size_t **out, size_t *n);

#endif
