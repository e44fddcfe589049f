/* partobs fit --method cornn (SPEC.md §4.5). */
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

int fit_cornn(cli_run *run, int argc, char **argv)
{
    po_cornn_opts o = po_cornn_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "cornn", *phi = "tanh", *solver = po_cornn_solver_name(o.solver),
               *u_path = NULL, *win_out = NULL, *output = NULL;
    const char *init = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        FIT_METHOD_OPT(&method),
        {"phi", 0, CLI_STRING, &phi, "NAME", "tanh only", 0, "phi", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau, in (0, 1]", 0, "alpha", false},
        {"iters", 0, CLI_SIZE, &o.iters, "N", "iterations after the start", 0, "iters", false},
        {"l2", 0, CLI_DOUBLE, &o.l2, "L", "ridge per transition, lambda = L T, >= 0", 0, "l2",
         false},
        {"threshold", 0, CLI_DOUBLE, &o.threshold, "H",
         "outlier threshold on the weighted residual, > 0", 0, "threshold", false},
        {"solver", 0, CLI_STRING, &solver, "NAME", "weighted | standard | robust", 0, "solver",
         false},
        {"subsample", 0, CLI_SIZE, &o.subsample, "K", "use every K-th transition", 0, "subsample",
         false},
        {"threads", 0, CLI_SIZE, &o.threads, "N", "0 = automatic, 1 or 2; same result for any N", 0,
         "threads", false},
        {"input", 0, CLI_INPUT, &u_path, "U.npy",
         "inputs, T x m (one row per row of Y), extra regressors", 0, "input_signal", false},
        {"input-weights-out", 0, CLI_OUTPUT, &win_out, "FILE",
         "write the fitted input weights W_in (d x m)", 0, "input_weights_out", false},
        FIT_INIT_OPT(&init, "initial W (d x d, finite); W_in still starts from the ridge start"),
        FIT_VERBOSE_OPT(&verbose),
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "output .npy (d x d float64); FILE.manifest.json beside it"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy --method cornn",
        "Method cornn (SPEC.md §4.5): leaky-rate tanh student\n"
        "x <- x + alpha (tanh(W x) - x), fitted by CORNN (Dinc et al. 2023) from the\n"
        "pre-activation ridge start.",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if ((rc = fit_require_tanh(run, "cornn", phi)) != CLI_PROCEED) return rc;
    if (po_cornn_solver_from_name(solver, &o.solver) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (win_out && !u_path) return cli_usage(run, "--input-weights-out needs --input U.npy");
    const char *why = po_cornn_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *U = NULL, *W = NULL, *Win = NULL;
    po_cornn_info info = {0};
    po_mat *W0 = NULL;
    rc = fit_read_y(run, y_path, &rec, &Y);
    if (rc == CLI_EXIT_OK) rc = fit_read_init(run, init, &W0);
    o.init = W0;
    if (rc == CLI_EXIT_OK && u_path) rc = cli_read_mat(run, u_path, &U);
    if (rc == CLI_EXIT_OK && U && U->rows != Y->rows)
        rc = cli_fail(run, "%s: has %zu rows, %s has %zu: inputs need one row per time step",
                      u_path, U->rows, y_path, Y->rows);
    if (rc == CLI_EXIT_OK) {
        W = po_mat_alloc(Y->cols, Y->cols);
        Win = U ? po_mat_alloc(Y->cols, U->cols) : NULL;
        cli_progress bar;
        cli_progress_init(&bar, "fit cornn");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        po_status st = W && (!U || Win) ? po_fit_cornn(Y, U, &o, W, Win, &info) : PO_ENOMEM;
        cli_progress_end(&bar);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(U);
    po_mat_free(W0);
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(Win);
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: cornn: transitions %zu, clipped targets %zu, loss %.6g\n",
                info.samples, info.clipped, info.loss);
    cJSON *fi = NULL, *m = fit_manifest(run, &spec, y_path, &fi);
    if (fi) {
        cJSON_AddStringToObject(cli_manifest_options(m), "leaky", "rate");
        cJSON_AddNumberToObject(fi, "samples", (double)info.samples);
        cJSON_AddNumberToObject(fi, "clipped", (double)info.clipped);
        cJSON_AddItemToObject(fi, "loss", cli_json_number(info.loss));
    }
    rc = fit_finish(run, output, W, win_out, Win, m);
    po_mat_free(Win);
    po_mat_free(W);
    return rc;
}
