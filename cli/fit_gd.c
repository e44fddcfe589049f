/* partobs fit --method gd (SPEC.md §4.4). */
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

void fit_gd_help(FILE *out)
{
    po_gd_opts d = po_gd_opts_defaults();
    fprintf(out,
            "Method gd (SPEC.md §4.4): gradient descent on the MAP loss of the leaky-current\n"
            "student from W = 0 (or --init), W <- W - lr G, G = alpha ((1-alpha) X + alpha W Phi - X+) Phi^T + rho W.\n"
            "  partobs fit Y.npy --method gd [--phi linear|tanh] [--alpha A] [--rho R] [--lr LR]\n"
            "              [--iters N] [--init W0.npy] -o W_hat.npy\n"
            "  --phi NAME          linear | tanh (default %s)\n"
            "  --alpha A           dt / tau, in (0, 1] (default %g)\n"
            "  --rho R             ridge penalty, >= 0 (default %g)\n"
            "  --lr LR             learning rate, > 0 (default %g)\n"
            "  --iters N           iterations (default %zu)\n"
            "  --init W0.npy       initial W (d x d, finite), e.g. to continue a fit\n",
            po_phi_name(d.phi), d.alpha, d.rho, d.lr, d.iters);
}

int fit_gd(cli_run *run, int argc, char **argv)
{
    po_gd_opts o = po_gd_opts_defaults();
    const char *method = NULL, *phi = NULL, *init = NULL, *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"phi", 0, CLI_STRING, &phi, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"rho", 0, CLI_DOUBLE, &o.rho, false},
        {"lr", 0, CLI_DOUBLE, &o.lr, false},
        {"iters", 0, CLI_SIZE, &o.iters, false},
        {"init", 0, CLI_STRING, &init, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, sizeof opts / sizeof *opts, "Y.npy", true,
                                 &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (phi && po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    const char *why = po_gd_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W = NULL, *W0 = NULL;
    po_gd_info info = {0};
    rc = fit_read_y(run, y_path, &Y);
    if (rc == CLI_EXIT_OK && init) rc = cli_read_mat(run, init, &W0);
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
    po_mat_free(Y);
    po_mat_free(W0);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: gd: iterations %zu, loss %.6g, gradient norm %.3g\n",
                info.iters, info.loss, info.grad_norm);
    cJSON *mo = NULL, *m = fit_manifest(run, y_path, "gd", &mo);
    if (mo) {
        cJSON_AddStringToObject(mo, "phi", po_phi_name(o.phi));
        cJSON_AddStringToObject(mo, "leaky", "current");
        cJSON_AddNumberToObject(mo, "alpha", o.alpha);
        cJSON_AddNumberToObject(mo, "rho", o.rho);
        cJSON_AddNumberToObject(mo, "lr", o.lr);
        cJSON_AddNumberToObject(mo, "iters", (double)o.iters);
        if (init) cJSON_AddStringToObject(mo, "init", init);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m && init) cli_manifest_add_input(m, init);
    if (m) {
        cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
        if (fi) {
            cJSON_AddNumberToObject(fi, "iters", (double)info.iters);
            cJSON_AddItemToObject(fi, "loss", cli_json_number(info.loss));
            cJSON_AddItemToObject(fi, "grad_norm", cli_json_number(info.grad_norm));
        }
    }
    rc = fit_finish(run, output, W, NULL, NULL, m);
    po_mat_free(W);
    return rc;
}
