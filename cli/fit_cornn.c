/* partobs fit --method cornn (SPEC.md §4.5). */
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

void fit_cornn_help(FILE *out)
{
    po_cornn_opts d = po_cornn_opts_defaults();
    fprintf(out,
            "Method cornn (SPEC.md §4.5): leaky-rate tanh student x <- x + alpha (tanh(W x) - x),\n"
            "fitted by CORNN (Dinc et al. 2023) from the pre-activation ridge start (or --init).\n"
            "  partobs fit Y.npy --method cornn [--phi tanh] [--alpha A] [--iters N] [--l2 L]\n"
            "              [--threshold H] [--solver weighted|standard|robust] [--subsample K]\n"
            "              [--threads N] [--input U.npy [--input-weights-out W_in.npy]]\n"
            "              [--init W0.npy] -o W_hat.npy\n"
            "  --alpha A           dt / tau, in (0, 1] (default %g)\n"
            "  --iters N           iterations after the start (default %zu)\n"
            "  --l2 L              ridge per transition, lambda = L T, >= 0 (default %g)\n"
            "  --threshold H       outlier threshold on the weighted residual, > 0 (default %g)\n"
            "  --solver NAME       weighted | standard | robust (default %s)\n"
            "  --subsample K       use every K-th transition (default %zu)\n"
            "  --threads N         0 = automatic, 1 or 2; same result for any N (default %zu)\n"
            "  --input U.npy       inputs, T x m (one row per row of Y), extra regressors\n"
            "  --input-weights-out FILE  write the fitted input weights W_in (d x m)\n"
            "  --init W0.npy       initial W (d x d, finite) instead of the ridge start (W_in\n"
            "                      still starts there)\n",
            d.alpha, d.iters, d.l2, d.threshold, po_cornn_solver_name(d.solver), d.subsample,
            d.threads);
}

int fit_cornn(cli_run *run, int argc, char **argv)
{
    po_cornn_opts o = po_cornn_opts_defaults();
    const char *method = NULL, *phi = NULL, *solver = NULL, *u_path = NULL, *win_out = NULL,
               *init = NULL, *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"phi", 0, CLI_STRING, &phi, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"iters", 0, CLI_SIZE, &o.iters, false},
        {"l2", 0, CLI_DOUBLE, &o.l2, false},
        {"threshold", 0, CLI_DOUBLE, &o.threshold, false},
        {"solver", 0, CLI_STRING, &solver, false},
        {"subsample", 0, CLI_SIZE, &o.subsample, false},
        {"threads", 0, CLI_SIZE, &o.threads, false},
        {"input", 0, CLI_STRING, &u_path, false},
        {"input-weights-out", 0, CLI_STRING, &win_out, false},
        {"init", 0, CLI_STRING, &init, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, sizeof opts / sizeof *opts, "Y.npy", true,
                                 &y_path);
    if (rc != CLI_PROCEED) return rc;
    if ((rc = fit_require_tanh(run, "cornn", phi)) != CLI_PROCEED) return rc;
    if (solver && po_cornn_solver_from_name(solver, &o.solver) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (win_out && !u_path) return cli_usage(run, "--input-weights-out needs --input U.npy");
    const char *why = po_cornn_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *U = NULL, *W = NULL, *Win = NULL, *W0 = NULL;
    po_cornn_info info = {0};
    rc = fit_read_y(run, y_path, &Y);
    if (rc == CLI_EXIT_OK && init) rc = cli_read_mat(run, init, &W0);
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
    po_mat_free(Y);
    po_mat_free(W0);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(Win);
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: cornn: transitions %zu, clipped targets %zu, loss %.6g\n",
                info.samples, info.clipped, info.loss);
    cJSON *mo = NULL, *m = fit_manifest(run, y_path, "cornn", &mo);
    if (mo) {
        cJSON_AddStringToObject(mo, "phi", "tanh");
        cJSON_AddStringToObject(mo, "leaky", "rate");
        cJSON_AddNumberToObject(mo, "alpha", o.alpha);
        cJSON_AddNumberToObject(mo, "iters", (double)o.iters);
        cJSON_AddNumberToObject(mo, "l2", o.l2);
        cJSON_AddNumberToObject(mo, "threshold", o.threshold);
        cJSON_AddStringToObject(mo, "solver", po_cornn_solver_name(o.solver));
        cJSON_AddNumberToObject(mo, "subsample", (double)o.subsample);
        cJSON_AddNumberToObject(mo, "threads", (double)o.threads);
        if (u_path) cJSON_AddStringToObject(mo, "input_signal", u_path);
        if (win_out) cJSON_AddStringToObject(mo, "input_weights_out", win_out);
        if (init) cJSON_AddStringToObject(mo, "init", init);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m) {
        if (u_path) cli_manifest_add_input(m, u_path);
        if (init) cli_manifest_add_input(m, init);
        cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
        if (fi) {
            cJSON_AddNumberToObject(fi, "samples", (double)info.samples);
            cJSON_AddNumberToObject(fi, "clipped", (double)info.clipped);
            cJSON_AddItemToObject(fi, "loss", cli_json_number(info.loss));
        }
    }
    rc = fit_finish(run, output, W, win_out, Win, m);
    po_mat_free(Win);
    po_mat_free(W);
    return rc;
}
