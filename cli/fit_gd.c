/* partobs fit --method gd (SPEC.md §4.4). */
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

int fit_gd(cli_run *run, int argc, char **argv)
{
    po_gd_opts o = po_gd_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "gd", *phi = po_phi_name(o.phi), *output = NULL;
    const char *init = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        FIT_METHOD_OPT(&method),
        {"phi", 0, CLI_STRING, &phi, "NAME", "linear | tanh", 0, "phi", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau, in (0, 1]", 0, "alpha", false},
        {"rho", 0, CLI_DOUBLE, &o.rho, "R", "ridge penalty, >= 0", 0, "rho", false},
        {"lr", 0, CLI_DOUBLE, &o.lr, "LR", "learning rate, > 0", 0, "lr", false},
        {"iters", 0, CLI_SIZE, &o.iters, "N", "iterations", 0, "iters", false},
        FIT_INIT_OPT(&init, "initial W (d x d, finite), e.g. to continue a fit"),
        FIT_VERBOSE_OPT(&verbose),
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "output .npy (d x d float64); FILE.manifest.json beside it"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy --method gd",
        "Method gd (SPEC.md §4.4): gradient descent on the MAP loss of the leaky-current\n"
        "student from W = 0, W <- W - lr G,\n"
        "G = alpha ((1-alpha) X + alpha W Phi - X+) Phi^T + rho W.",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    const char *why = po_gd_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W = NULL;
    po_gd_info info = {0};
    po_mat *W0 = NULL;
    rc = fit_read_y(run, y_path, &rec, &Y);
    if (rc == CLI_EXIT_OK) rc = fit_read_init(run, init, &W0);
    o.init = W0;
    if (rc == CLI_EXIT_OK) {
        W = po_mat_alloc(Y->cols, Y->cols);
        cli_progress bar;
        cli_progress_init(&bar, "fit gd");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        po_status st = W ? po_fit_gd(Y, &o, W, &info) : PO_ENOMEM;
        cli_progress_end(&bar);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(W0);
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: gd: iterations %zu, loss %.6g, gradient norm %.3g\n",
                info.iters, info.loss, info.grad_norm);
    cJSON *fi = NULL, *m = fit_manifest(run, &spec, y_path, &fi);
    if (fi) {
        cJSON_AddStringToObject(cli_manifest_options(m), "leaky", "current");
        cJSON_AddNumberToObject(fi, "iters", (double)info.iters);
        cJSON_AddItemToObject(fi, "loss", cli_json_number(info.loss));
        cJSON_AddItemToObject(fi, "grad_norm", cli_json_number(info.grad_norm));
    }
    rc = fit_finish(run, output, W, NULL, NULL, m);
    po_mat_free(W);
    return rc;
}
