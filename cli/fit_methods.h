/* partobs fit: the fitting methods other than map, one file each
 * (fit_<name>.c), reached from cmd_fit.c through its method table.
 *
 * Each method parses the whole `fit` command line itself (it accepts
 * --method), prints its errors as `partobs: fit: ...`, writes W_hat and the
 * manifest beside it, and returns the exit status. */
#ifndef PARTOBS_CLI_FIT_METHODS_H
#define PARTOBS_CLI_FIT_METHODS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"

typedef struct fit_method {
    const char *name;
    int (*run)(cli_run *run, int argc, char **argv);
    void (*help)(FILE *out); /* its section of `partobs fit --help` */
} fit_method;

int fit_cornn(cli_run *run, int argc, char **argv); /* SPEC.md §4.5 */
void fit_cornn_help(FILE *out);
int fit_force(cli_run *run, int argc, char **argv); /* SPEC.md §4.6 */
void fit_force_help(FILE *out);
int fit_gd(cli_run *run, int argc, char **argv);    /* SPEC.md §4.4 */
void fit_gd_help(FILE *out);
int cmd_fit_bptt(cli_run *run, int argc, char **argv); /* SPEC.md §4.7 */
void cmd_fit_bptt_help(FILE *out);
int fit_lds(cli_run *run, int argc, char **argv);  /* SPEC.md §4.8 */
void fit_lds_help(FILE *out);

/* ---- shared by the method files (fit_common.c) --------------------------- */

/* Usage error unless --phi (NULL = not given) names tanh: the method fits a
 * tanh network only. */
int fit_require_tanh(cli_run *run, const char *method, const char *phi);

/* Parse --window "T0:T1" or "T0:" (to the last row) into rows [t0, t1),
 * t1 = 0 meaning T. Usage error on a malformed or empty window. */
int fit_parse_window(cli_run *run, const char *s, size_t *t0, size_t *t1);

/* Read Y (T x d, T >= 2, finite): 0 or the exit status (error printed). */
int fit_read_y(cli_run *run, const char *path, po_mat **Y);

/* A new manifest whose options hold "input" and "method" (NULL if memory is
 * short; cli_manifest_write reports that). */
cJSON *fit_manifest(cli_run *run, const char *y_path, const char *method, cJSON **options);

/* Write W_hat to `output`, then `extra` to extra_path if that is not NULL
 * (W_in, the pVar trace), then the manifest beside `output` (consumed). */
int fit_finish(cli_run *run, const char *output, const po_mat *W_hat, const char *extra_path,
               const po_mat *extra, cJSON *manifest);

#endif
