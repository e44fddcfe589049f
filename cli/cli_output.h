/* partobs CLI: error lines, output files and progress.
 *
 * Output discipline (issue 10 items 2-4): a command computes everything
 * first and then writes its files. cli_write_* stage each file under its own
 * name in a hidden directory "<dir>/.partobs-tmp.<pid>/" beside the file it
 * replaces (cli_out_dir: a new output directory is staged whole as
 * "<parent>/.<name>.partobs-tmp.<pid>/"). Nothing is visible until
 * cli_commit() (called by cli_manifest_write, and by main() for whatever is
 * left) renames the whole set into place while holding the staging lock
 * (cli_signal.h) and an flock() on each directory concerned: a manifest and
 * the files it lists appear together, and two partobs processes writing the
 * same files leave one run's complete set. A failure or a signal before the
 * commit leaves nothing; a failure after it removes the files put in place
 * (those no other writer has replaced since).
 *
 * Targets: "-" means standard output for the text writers (JSON, CSV: not
 * recorded, no manifest); a symbolic link is followed and the file it names
 * is replaced (the link survives); anything else that is not a regular file
 * (directory, device, FIFO, socket) is refused with a runtime error, both
 * when the file is staged and again at the commit.
 */
#ifndef PARTOBS_CLI_OUTPUT_H
#define PARTOBS_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* Print "partobs: <cmd>: <message>" (one line) and return CLI_EXIT_USAGE. */
int cli_usage(cli_run *run, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print "partobs: <cmd>: <message>", remove the files written so far and
 * return CLI_EXIT_RUNTIME. */
int cli_fail(cli_run *run, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* cli_fail with the library's detail for `status` (po_errmsg(), which names
 * the file and the shape), or po_strerror(status) if there is none. */
int cli_fail_status(cli_run *run, po_status status);

/* Remove every staged file and staging directory, and the files already put
 * in place by cli_commit() that no other writer has replaced since; forget
 * them all. */
void cli_rollback(cli_run *run);

/* Forget the recorded outputs (files stay as they are). */
void cli_run_release(cli_run *run);

/* Put every staged output in place (see above). 0, or CLI_EXIT_RUNTIME after
 * printing the error and rolling back. A second call does nothing. */
int cli_commit(cli_run *run);

/* Stage a matrix as .npy. 0 or CLI_EXIT_RUNTIME (after printing the error
 * and rolling back). */
int cli_write_mat(cli_run *run, const char *path, const po_mat *m);

/* Stage a length-n vector as a 1-D .npy. 0 or CLI_EXIT_RUNTIME (after
 * printing the error and rolling back). */
int cli_write_vec(cli_run *run, const char *path, const double *x, size_t n);

/* Stage the figure rendered as path (.png, .svg: po_figure_save). 0 or
 * CLI_EXIT_RUNTIME (after printing the error and rolling back). */
int cli_write_figure(cli_run *run, const char *path, po_figure *f);

/* Stage `json` pretty-printed, or print it when path is "-". 0 or
 * CLI_EXIT_RUNTIME (after printing the error and rolling back). */
int cli_write_json(cli_run *run, const char *path, const cJSON *json);

/* cli_write_json for the manifest: staged and committed with the rest but
 * not counted among the outputs (cli_output_count). */
int cli_write_json_unlisted(cli_run *run, const char *path, const cJSON *json);

/* Stage the text (CSV, ...), or print it when path is "-". 0 or
 * CLI_EXIT_RUNTIME (after printing the error and rolling back). */
int cli_write_text(cli_run *run, const char *path, const char *text);

/* The output directory of a multi-file command (task, demo): if dir exists,
 * its files are staged inside it and moved in one by one at the commit;
 * otherwise it is staged whole and appears, complete, at the commit. 0 or
 * CLI_EXIT_RUNTIME (after printing the error). */
int cli_out_dir(cli_run *run, const char *dir);

/* The files written so far, as the command named them (the manifest itself
 * excluded), and where the k-th one's bytes are now (staged or in place). */
size_t cli_output_count(const cli_run *run);
const char *cli_output_path(const cli_run *run, size_t k);
const char *cli_output_bytes(const cli_run *run, size_t k);

/* "<dir>/<name>" in a new malloc'd string, or NULL. */
char *cli_path_join(const char *dir, const char *name);

/* A JSON number, or null when v is NaN or +-Inf (JSON has no such values). */
cJSON *cli_json_number(double v);

/* Route cJSON's allocations through a counter so that a failed allocation
 * anywhere in a document is noticed when it is written (cli_write_json). */
void cli_json_init(void);

/* ---- progress on stderr (only when stderr is a terminal) ---------------- */

typedef struct cli_progress {
    const char *label;
    bool active;    /* stderr is a terminal */
    bool drawn;     /* a bar is on the screen */
    double t0;      /* start, seconds */
    double last;    /* last redraw, seconds */
} cli_progress;

void cli_progress_init(cli_progress *p, const char *label);
/* po_progress_fn: user is a cli_progress. */
void cli_progress_update(void *user, size_t done, size_t total);
/* Clear the bar. */
void cli_progress_end(cli_progress *p);

/* For a long step that cannot report progress (a LAPACK call): show `what`
 * as a status line on a terminal until cli_progress_end(p). */
void cli_progress_status(cli_progress *p, const char *what);

#endif
