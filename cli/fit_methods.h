/* partobs fit: the fitting methods, one function each (map in cmd_fit.c,
 * the others in fit_<name>.c), reached from cmd_fit through its method table.
 *
 * Each method parses the whole `fit` command line itself (its table has the
 * --method row, hidden from its help), prints its errors as
 * `partobs: fit: ...`, reads Y with fit_read_y, writes W_hat and the manifest
 * beside it with fit_manifest and fit_finish, and returns the exit status. */
#ifndef PARTOBS_CLI_FIT_METHODS_H
#define PARTOBS_CLI_FIT_METHODS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_recording.h"

typedef struct fit_method {
    const char *name;
    int (*run)(cli_run *run, int argc, char **argv);
} fit_method;

int fit_cornn(cli_run *run, int argc, char **argv); /* SPEC.md §4.5 */
int fit_force(cli_run *run, int argc, char **argv); /* SPEC.md §4.6 */
int fit_gd(cli_run *run, int argc, char **argv);    /* SPEC.md §4.4 */
int fit_bptt(cli_run *run, int argc, char **argv);  /* SPEC.md §4.7 */
int fit_lds(cli_run *run, int argc, char **argv);   /* SPEC.md §4.8 */

/* ---- shared by the methods (fit_common.c) -------------------------------- */

#define FIT_METHOD_NAMES "map, cornn, force, gd, bptt, lds"

/* Rows every method's option table has. `method` holds the method's name
 * (the manifest's "method"); --method itself is listed only in map's help. */
#define FIT_METHOD_OPT(dest)                                                                       \
    {                                                                                              \
        "method", 0, CLI_STRING, (dest), "NAME", "fitting method", CLI_HIDDEN, "method", false     \
    }
#define FIT_VERBOSE_OPT(dest)                                                                      \
    {                                                                                              \
        "verbose", 0, CLI_FLAG, (dest), NULL,                                                      \
            "print the fit diagnostics (also in the manifest) on stderr", 0, NULL, false           \
    }
#define FIT_OUTPUT_OPT(dest, help)                                                                 \
    {                                                                                              \
        "output", 'o', CLI_OUTPUT, (dest), "FILE", (help), CLI_REQUIRED | CLI_MANIFEST, "output",  \
            false                                                                                  \
    }
/* --init W0.npy of the iterative methods (issue 14 §3): the start of the fit. */
#define FIT_INIT_OPT(dest, help)                                                                   \
    {                                                                                              \
        "init", 0, CLI_INPUT, (dest), "W0.npy", (help), 0, "init", false                           \
    }
#define FIT_Y_HELP "observed activity, T x d with T >= 2, finite: " CLI_RECORDING_FORMS

/* The option spec of a method: Y.npy is its one (required) positional input. */
#define FIT_SPEC(usage_, about_, opts_)                                                            \
    {                                                                                              \
        .usage = (usage_), .pos_help = FIT_Y_HELP, .max_pos = 1, .pos_inputs = true,               \
        .about = (about_), .opts = (opts_), .nopts = sizeof(opts_) / sizeof(opts_)[0]              \
    }

/* cli_parse for a method; on CLI_PROCEED *y_path is Y.npy. */
int fit_parse(cli_run *run, const cli_spec *spec, int argc, char **argv, const char **y_path);

/* Usage error unless --phi (NULL = not given) names tanh: the method fits a
 * tanh network only. */
int fit_require_tanh(cli_run *run, const char *method, const char *phi);

/* Parse --window "T0:T1" or "T0:" (to the last row) into rows [t0, t1),
 * t1 = 0 meaning T. Usage error on a malformed or empty window. */
int fit_parse_window(cli_run *run, const char *s, size_t *t0, size_t *t1);

/* Read Y (T x d, T >= 2, finite) from `path` as `rec` says (a .npy, an HDF5
 * dataset or an NWB recording): 0 or the exit status (error printed). */
int fit_read_y(cli_run *run, const char *path, const cli_recording *rec, po_mat **Y);

/* Read the --init matrix when `path` is not NULL (else *W0 = NULL); the
 * library checks its shape against the data. 0 or the exit status. */
int fit_read_init(cli_run *run, const char *path, po_mat **W0);

/* A new manifest with the options of `spec` and the input Y, and an empty
 * "fit_info" object in *fit_info (both NULL if memory is short;
 * cli_manifest_write reports that). */
cJSON *fit_manifest(cli_run *run, const cli_spec *spec, const char *y_path, cJSON **fit_info);

/* Write W_hat to `output`, then `extra` to extra_path if that is not NULL
 * (W_in, the pVar or loss trace), then the manifest beside `output` (consumed). */
int fit_finish(cli_run *run, const char *output, const po_mat *W_hat, const char *extra_path,
               const po_mat *extra, cJSON *manifest);

#endif
