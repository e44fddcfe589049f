/* partobs CLI: error lines, output files and progress.
 *
 * Output discipline: a command computes everything first and then writes its
 * files. Every write is atomic (a temporary file in the same directory that is
 * renamed into place; the library does this for .npy files), and every file
 * written is recorded in the cli_run so that a later failure removes the ones
 * already written: a failed command leaves no output behind.
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

/* Remove every file recorded by cli_write_* (newest first) and forget them. */
void cli_rollback(cli_run *run);

/* Free the recorded paths (the files stay). */
void cli_run_release(cli_run *run);

/* Write a matrix as .npy (atomically) and record it. 0 or CLI_EXIT_RUNTIME
 * (after printing the error and rolling back). */
int cli_write_mat(cli_run *run, const char *path, const po_mat *m);

/* Write a length-n vector as a 1-D .npy (atomically) and record it. 0 or
 * CLI_EXIT_RUNTIME (after printing the error and rolling back). */
int cli_write_vec(cli_run *run, const char *path, const double *x, size_t n);

/* Write `json` pretty-printed (atomically) and record it. 0 or
 * CLI_EXIT_RUNTIME (after printing the error and rolling back). */
int cli_write_json(cli_run *run, const char *path, const cJSON *json);

/* Write the text (CSV, ...) atomically and record it. 0 or CLI_EXIT_RUNTIME
 * (after printing the error and rolling back). */
int cli_write_text(cli_run *run, const char *path, const char *text);

/* Create the directory dir unless it exists; *created tells whether this
 * run made it (so that a failure can rmdir it again). 0 or CLI_EXIT_RUNTIME
 * (after printing the error). */
int cli_make_dir(cli_run *run, const char *dir, bool *created);

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
