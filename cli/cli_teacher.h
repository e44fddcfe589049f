/* partobs CLI: the teacher generator options (SPEC.md §2), shared by
 * `teacher` and `curves --net`.
 *
 * A command puts the CLI_TEACHER_NOPTS generator options (--net, --D, the
 * generator parameters, --ortho/--perm/--similarity, --seed) at the start of
 * its cli_opt table with cli_teacher_opts(), appends its own, parses, and
 * turns what was seen into po_teacher_opts with cli_teacher_build().
 */
#ifndef PARTOBS_CLI_TEACHER_H
#define PARTOBS_CLI_TEACHER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cli_args.h"

/* net, D, 11 generator parameters, ortho, perm, similarity, seed. */
enum { CLI_TEACHER_NOPTS = 17 };

/* Parsed values; only those whose option was seen are used. */
typedef struct cli_teacher_args {
    po_teacher_opts given; /* the generator parameters as given (--no-self-loops sets self_loops) */
    const char *net;
    size_t D;
    uint64_t seed; /* set to PO_DEFAULT_SEED by cli_teacher_opts */
    bool ortho, perm, similarity;
} cli_teacher_args;

/* Fill opts[0 .. CLI_TEACHER_NOPTS-1] with the generator options writing to a
 * (which is reset): opts[0] is --net, opts[1] --D, then the generator
 * parameters, the post-transforms and --seed (the manifest's seed). */
void cli_teacher_opts(cli_opt *opts, cli_teacher_args *a);

/* True if any generator option (opts[0 .. CLI_TEACHER_NOPTS-1]) was given. */
bool cli_teacher_any_seen(const cli_opt *opts);

/* Validate the parsed generator options (--net and --D must have been
 * given): the generator name, options the generator does not use, and
 * po_teacher_opts_check. CLI_PROCEED with *out filled, or the usage exit
 * status after printing the error. */
int cli_teacher_build(cli_run *run, const cli_opt *opts, const cli_teacher_args *a,
                      po_teacher_opts *out);

/* Add net, D, the generator's parameters and the transforms to a manifest's
 * "options" object. */
void cli_teacher_manifest(cJSON *mo, const po_teacher_opts *o);

/* The help epilog listing the generators with their options and defaults
 * (a Markdown table for docs/cli.md in CLI_HELP_MARKDOWN). */
void cli_teacher_help(FILE *out, cli_help_format format);

#endif
