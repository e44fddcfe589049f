/* partobs CLI: no output may replace an input, another output of the same
 * command, or something that is not a regular file (issue 10, items 1, 2).
 *
 * The inputs are the positional arguments (when the spec says they are
 * files) and the CLI_INPUT options; the outputs are the CLI_OUTPUT and
 * CLI_REPORT options, "<output>.manifest.json" beside the first given
 * CLI_MANIFEST option, the spec's dir_files in a CLI_OUTDIR, and the
 * command's `extra` outputs (derived names).
 * Two paths are the same file when both exist with the same device and inode
 * (stat follows symlinks, so a link or hard link to the input is caught), or
 * when neither exists and they resolve to the same name (realpath of the
 * parent directory + the last component). Every check is a usage error
 * (exit 2) made before any work.
 */
#ifndef PARTOBS_CLI_PATHS_H
#define PARTOBS_CLI_PATHS_H

#include <stddef.h>

#include "cli_args.h"

/* A derived output: its path and how to name it in messages. */
typedef struct cli_path {
    const char *path;
    const char *what; /* "the JSON report of -o" */
} cli_path;

/* CLI_PROCEED, or CLI_EXIT_USAGE after printing one line:
 *   output X (--opt) is the input Y (--opt)
 *   outputs X (--a) and Y (--b) are the same file
 *   output X (--opt) is a directory / a device / a FIFO / a socket
 *   --out X is not a directory
 *   -o -: a .npy output cannot go to standard output
 * ("-" names standard output for a CLI_REPORT and is not compared.) */
int cli_check_paths(cli_run *run, const cli_spec *spec, const char *const *pos, size_t npos,
                    const cli_path *extra, size_t n_extra);

#endif
