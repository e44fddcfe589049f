/* partobs fit: fit a student network to observed activity (SPEC.md §4). */
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

/* The fitting methods this build offers besides map (fit_methods.h). */
static const fit_method other_methods[] = {
    {"cornn", fit_cornn, fit_cornn_help},
    {"force", fit_force, fit_force_help},
    {"gd", fit_gd, fit_gd_help},
    {"bptt", cmd_fit_bptt, cmd_fit_bptt_help},
    {"lds", fit_lds, fit_lds_help},
};
static const size_t n_other = sizeof other_methods / sizeof *other_methods;
static const char *const methods = "map, cornn, force, gd, bptt, lds";

/* The method named by --method NAME / --method=NAME among the other methods,
 * or NULL (map, or a name cli_parse will refuse). */
static const fit_method *other_method(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--method") == 0 && i + 1 < argc) name = argv[i + 1];
        else if (strncmp(argv[i], "--method=", 9) == 0) name = argv[i] + 9;
    }
    for (size_t k = 0; name && k < n_other; k++)
        if (strcmp(name, other_methods[k].name) == 0) return &other_methods[k];
    return NULL;
}

void cmd_fit_help(FILE *out)
{
    po_ridge_opts d = po_ridge_opts_defaults();
    fprintf(out,
            "usage: partobs fit Y.npy [--method map|cornn|force|gd|bptt|lds] ...  (each method's options below)\n"
            "       partobs fit Y.npy [--method map] [--phi linear|tanh] [--leaky current|rate]\n"
            "                   [--alpha A] [--rho R] [--burn-in N] [--verbose] -o W_hat.npy\n"
            "\n"
            "Fit a d-neuron student to the observed activity Y (T x d, time down the rows).\n"
            "Method map: the MAP / ridge student of SPEC.md §4.1, with sums over time (not\n"
            "divided by T),\n"
            "  W_hat = alpha (X+ - (1-alpha) X) Phi^T (rho I + alpha^2 Phi Phi^T)^-1,\n"
            "X = rows 0..T-2 of Y, X+ = rows 1..T-1, Phi = phi(X).\n"
            "\n"
            "  Y.npy               observed activity, T x d with T >= 2, finite (required)\n"
            "  --method NAME       fitting method; available: %s (default map)\n"
            "  --phi NAME          linear | tanh (default %s)\n"
            "  --leaky NAME        current | rate (default %s)\n"
            "  --alpha A           dt / tau, in (0, 1] (default %g)\n"
            "  --rho R             ridge penalty on the unnormalised sums, >= 0 (default %g)\n"
            "  --burn-in N         leading rows of Y to drop before fitting (default %zu)\n"
            "  --verbose           print the fit diagnostics (also in the manifest) on stderr\n"
            "  -o, --output FILE   output .npy (d x d float64); FILE.manifest.json beside it\n"
            "Other methods have their own options: partobs fit --method NAME --help\n",
            methods, po_phi_name(d.phi), po_leaky_name(d.leaky), d.alpha, d.rho, d.burn_in);
    for (size_t k = 0; k < n_other; k++) {
        fputc('\n', out);
        other_methods[k].help(out);
    }
}

int cmd_fit(cli_run *run, int argc, char **argv)
{
    const fit_method *other = other_method(argc, argv);
    if (other) return other->run(run, argc, argv);
    po_ridge_opts o = po_ridge_opts_defaults();
    const char *method = "map", *phi = NULL, *leaky = NULL, *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"phi", 0, CLI_STRING, &phi, false},
        {"leaky", 0, CLI_STRING, &leaky, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"rho", 0, CLI_NONNEG, &o.rho, false},
        {"burn-in", 0, CLI_SIZE, &o.burn_in, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, nopts, "Y.npy", true, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (strcmp(method, "map") != 0)
        return cli_usage(run, "method '%s' is not available yet; available: %s", method, methods);
    if (phi && po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (leaky && po_leaky_from_name(leaky, &o.leaky) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    const char *why = po_ridge_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W_hat = NULL;
    po_ridge_info info;
    memset(&info, 0, sizeof info);
    rc = cli_read_mat(run, y_path, &Y);
    if (rc == CLI_EXIT_OK && Y->rows < 2)
        rc = cli_fail(run, "%s: need at least T = 2 time steps (rows) to fit, got T = %zu", y_path,
                      Y->rows);
    if (rc == CLI_EXIT_OK && Y->rows - 2 < o.burn_in)
        rc = cli_fail(run, "%s: --burn-in %zu leaves fewer than 2 of its T = %zu time steps", y_path,
                      o.burn_in, Y->rows);
    if (rc == CLI_EXIT_OK) {
        W_hat = po_mat_alloc(Y->cols, Y->cols);
        cli_progress bar;
        cli_progress_init(&bar, "fit");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        po_status st = W_hat ? po_fit_ridge(Y, &o, W_hat, &info) : PO_ENOMEM;
        cli_progress_end(&bar);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(W_hat);
        return rc;
    }
    if (verbose)
        fprintf(stderr,
                "partobs: fit: samples %zu, rcond %.3g, solver %s, clipped targets %zu, "
                "residual %.6g\n",
                info.samples, info.rcond, info.used_svd ? "SVD pseudo-inverse" : "Cholesky",
                info.clipped, info.residual);

    cJSON *m = cli_manifest_new(run);
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        cJSON_AddStringToObject(mo, "input", y_path);
        cJSON_AddStringToObject(mo, "method", method);
        cJSON_AddStringToObject(mo, "phi", po_phi_name(o.phi));
        cJSON_AddStringToObject(mo, "leaky", po_leaky_name(o.leaky));
        cJSON_AddNumberToObject(mo, "alpha", o.alpha);
        cJSON_AddNumberToObject(mo, "rho", o.rho);
        cJSON_AddNumberToObject(mo, "burn_in", (double)o.burn_in);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m) {
        cli_manifest_add_input(m, y_path);
        cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
        if (fi) {
            cJSON_AddNumberToObject(fi, "samples", (double)info.samples);
            cJSON_AddItemToObject(fi, "rcond", cli_json_number(info.rcond));
            cJSON_AddBoolToObject(fi, "used_svd", info.used_svd);
            cJSON_AddNumberToObject(fi, "clipped", (double)info.clipped);
            cJSON_AddItemToObject(fi, "residual", cli_json_number(info.residual));
        }
    }
    rc = cli_write_mat(run, output, W_hat);
    po_mat_free(W_hat);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
