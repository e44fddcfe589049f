/* partobs fit: fit a student network to observed activity (SPEC.md §4).
 * The default method, map, lives here; the others in fit_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_output.h"
#include "fit_methods.h"

static int fit_map(cli_run *run, int argc, char **argv);

/* The fitting methods this build offers (fit_methods.h). */
static const fit_method methods[] = {
    {"map", fit_map}, {"cornn", fit_cornn}, {"force", fit_force},
    {"gd", fit_gd},   {"bptt", fit_bptt},   {"lds", fit_lds},
};
enum { N_METHODS = sizeof methods / sizeof *methods };

/* The name given by --method NAME / --method=NAME, or NULL. */
static const char *method_name(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--method") == 0 && i + 1 < argc)
            name = argv[i + 1];
        else if (strncmp(argv[i], "--method=", 9) == 0)
            name = argv[i] + 9;
    }
    return name;
}

int cmd_fit(cli_run *run, int argc, char **argv)
{
    const char *name = method_name(argc, argv);
    for (size_t k = 1; name && k < N_METHODS; k++)
        if (strcmp(name, methods[k].name) == 0) return methods[k].run(run, argc, argv);
    int rc = fit_map(run, argc, argv);
    /* `partobs fit --help` documents every method. */
    for (size_t k = 1; run->helped && !name && k < N_METHODS; k++) {
        char method_arg[] = "--method", help_arg[] = "--help", name_arg[16];
        snprintf(name_arg, sizeof name_arg, "%s", methods[k].name);
        char *args[] = {method_arg, name_arg, help_arg};
        fputc('\n', stdout);
        methods[k].run(run, 3, args);
    }
    return rc;
}

/* The MAP / ridge student (SPEC.md §4.1). */
static int fit_map(cli_run *run, int argc, char **argv)
{
    po_ridge_opts o = po_ridge_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "map", *phi = po_phi_name(o.phi), *leaky = po_leaky_name(o.leaky),
               *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, "NAME", "one of " FIT_METHOD_NAMES, 0, "method", false},
        {"phi", 0, CLI_STRING, &phi, "NAME", "linear | tanh", 0, "phi", false},
        {"leaky", 0, CLI_STRING, &leaky, "NAME", "current | rate", 0, "leaky", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau, in (0, 1]", 0, "alpha", false},
        {"rho", 0, CLI_NONNEG, &o.rho, "R", "ridge penalty on the unnormalised sums, >= 0", 0,
         "rho", false},
        {"burn-in", 0, CLI_SIZE, &o.burn_in, "N", "leading rows of Y to drop before fitting", 0,
         "burn_in", false},
        FIT_VERBOSE_OPT(&verbose),
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "output .npy (d x d float64); FILE.manifest.json beside it"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy",
        "Fit a d-neuron student to the observed activity Y (T x d, time down the rows).\n"
        "Method map: the MAP / ridge student of SPEC.md §4.1, with sums over time (not\n"
        "divided by T),\n"
        "  W_hat = alpha (X+ - (1-alpha) X) Phi^T (rho I + alpha^2 Phi Phi^T)^-1,\n"
        "X = rows 0..T-2 of Y, X+ = rows 1..T-1, Phi = phi(X). Other methods have their\n"
        "own options (partobs fit --method NAME --help), listed below.",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (strcmp(method, "map") != 0)
        return cli_usage(run, "method '%s' is not available yet; available: %s", method,
                         FIT_METHOD_NAMES);
    if (po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (po_leaky_from_name(leaky, &o.leaky) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    const char *why = po_ridge_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W_hat = NULL;
    po_ridge_info info;
    memset(&info, 0, sizeof info);
    rc = fit_read_y(run, y_path, &rec, &Y);
    if (rc == CLI_EXIT_OK && Y->rows - 2 < o.burn_in)
        rc = cli_fail(run, "%s: --burn-in %zu leaves fewer than 2 of its T = %zu time steps",
                      y_path, o.burn_in, Y->rows);
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
    cJSON *fi = NULL, *m = fit_manifest(run, &spec, y_path, &fi);
    if (fi) {
        cJSON_AddNumberToObject(fi, "samples", (double)info.samples);
        cJSON_AddItemToObject(fi, "rcond", cli_json_number(info.rcond));
        cJSON_AddBoolToObject(fi, "used_svd", info.used_svd);
        cJSON_AddNumberToObject(fi, "clipped", (double)info.clipped);
        cJSON_AddItemToObject(fi, "residual", cli_json_number(info.residual));
    }
    rc = fit_finish(run, output, W_hat, NULL, NULL, m);
    po_mat_free(W_hat);
    return rc;
}
