/* partobs CLI: the option table, strict parsing, generated help.
 *
 * Each command describes its options once, in a table of cli_opt rows (name,
 * kind, destination, metavar, one line of help, flags, manifest key). From
 * that table come the parser, `--help` (usage line and option list, each
 * default read from the destination, which the command initialises from the
 * library's po_<x>_opts_defaults()), the Markdown tables of docs/cli.md
 * (`partobs help --markdown COMMAND`), the manifest's "options" object
 * (cli_manifest_add_opts) and the path checks of cli_paths.h.
 *
 * Options are "--name value" or "--name=value" (flags take no value), plus
 * the short "-o FILE" and "-h". "--" ends the options. Anything not starting
 * with '-' (and "-" itself) is a positional argument. Numbers are parsed
 * strictly: the whole string must be the number, sizes and seeds are plain
 * decimal digits (no sign, no spaces), reals must be finite.
 */
#ifndef PARTOBS_CLI_ARGS_H
#define PARTOBS_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"

typedef enum cli_kind {
    CLI_FLAG,   /* bool: set to true when present, takes no value */
    CLI_STRING, /* const char *: the argument itself */
    CLI_SIZE,   /* size_t: decimal digits only */
    CLI_DOUBLE, /* double: finite */
    CLI_NONNEG, /* double: finite and >= 0 */
    CLI_SEED,   /* uint64_t: decimal digits only, up to 2^64 - 1 */
    /* Paths (const char *), compared and type-checked by cli_check_paths (cli_paths.h). */
    CLI_INPUT,  /* a file read */
    CLI_OUTPUT, /* a .npy written (never standard output) */
    CLI_REPORT, /* a text or JSON report written; "-" is standard output */
    CLI_OUTDIR  /* a directory written into (created if needed) */
} cli_kind;

enum {
    CLI_REQUIRED = 1u,  /* a usage error when missing */
    CLI_NODEFAULT = 2u, /* the help text says the default itself */
    CLI_HIDDEN = 4u,    /* parsed but not listed (fit's --method in the method sections) */
    CLI_MANIFEST = 8u   /* the manifest goes beside this output (the first such one given) */
};

typedef struct cli_opt {
    const char *name; /* long name without the dashes: "T" for --T */
    char short_name;  /* 'o' for -o, or 0 */
    cli_kind kind;
    void *dest;          /* bool *, const char **, size_t *, double * or uint64_t * by kind */
    const char *metavar; /* "NT", "FILE"; NULL for flags */
    const char *help;    /* one line, without the default */
    unsigned flags;      /* CLI_REQUIRED, ... */
    const char *key;     /* manifest "options" key, or NULL: not recorded */
    bool seen;           /* set by cli_parse */
} cli_opt;

/* One command's (or fit method's) command line. */
typedef struct cli_spec {
    const char *usage; /* after "partobs CMD ": the positional part ("Y.npy", "Y.npy --method gd")
                          or NULL */
    const char *pos_help; /* help line of the positional argument(s), or NULL */
    size_t max_pos;       /* positional arguments accepted */
    bool pos_inputs;      /* the positional arguments are input files (one is required) */
    const char *about;    /* what the command does, printed after the usage line */
    void (*epilog)(FILE *out, cli_help_format format); /* more after the options, or NULL */
    const char *const *dir_files; /* files written into the CLI_OUTDIR, NULL-terminated, or NULL */
    cli_opt *opts;
    size_t nopts;
} cli_spec;

/* Parse argv[0 .. argc-1] (the arguments after the subcommand name) into
 * spec->opts; positional arguments go to pos[0 .. spec->max_pos-1] and their
 * number to *npos. Then check the required options and the paths
 * (cli_check_paths without extra outputs). On --help / -h anywhere among the
 * options prints the help (the defaults are the destinations' values before
 * any option is stored), sets run->helped and returns 0; on a usage error
 * prints one line and returns CLI_EXIT_USAGE; else CLI_PROCEED. */
int cli_parse(cli_run *run, const cli_spec *spec, int argc, char **argv, const char **pos,
              size_t *npos);

/* The entry of `opts` named `name` (must exist). */
cli_opt *cli_opt_get(const cli_spec *spec, const char *name);

/* Usage error unless every option named in the NULL-terminated list was given. */
int cli_require(cli_run *run, const cli_spec *spec, const char *const *names);

/* Record the table in a manifest: every option with a key in "options" by
 * kind (flags as booleans, numbers as numbers, strings and paths when given;
 * a seed option sets the top-level "seed"), every CLI_INPUT given in
 * "inputs"; `input` (the positional input file, or NULL) first, as
 * "options.input" and in "inputs". A NULL manifest is left alone. */
void cli_manifest_add_opts(cJSON *manifest, const cli_spec *spec, const char *input);

bool cli_parse_size(const char *s, size_t *out);
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_double(const char *s, double *out);

/* Comma-separated list of sizes ("3,0,7") into a new malloc'd array. False on
 * a malformed list (empty items, non-digits); *out is then NULL. */
bool cli_parse_size_list(const char *s, size_t **out, size_t *n);

#endif
