/* partobs fit --method lds (SPEC.md §4.8): latent LDS by Kalman EM, exact or
 * the paper's procedure. Writes A_cont (K x K, read by `partobs analyze`),
 * every fitted parameter and the log-likelihood (and, paper, ELBO) trace in
 * a JSON beside it, optionally the smoothed latents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_paths.h"
#include "cli_report.h"
#include "fit_methods.h"

/* FILE.npy -> FILE.json; any other name gets ".json" appended. */
static char *json_path_for(const char *output)
{
    size_t n = strlen(output);
    bool npy = n >= 4 && strcmp(output + n - 4, ".npy") == 0;
    size_t stem = npy ? n - 4 : n;
    char *p = malloc(stem + 6);
    if (!p) return NULL;
    memcpy(p, output, stem);
    memcpy(p + stem, ".json", 6);
    return p;
}

int fit_lds(cli_run *run, int argc, char **argv)
{
    po_lds_opts o = po_lds_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "lds", *procedure = po_lds_procedure_name(o.procedure), *u_path = NULL,
               *emissions = po_lds_emissions_name(o.emissions),
               *init = po_lds_init_name(o.init), *smoothed = NULL, *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        FIT_METHOD_OPT(&method),
        {"latents", 0, CLI_SIZE, &o.latents, "K", "latent dimension, 1 <= K <= d", CLI_REQUIRED,
         "latents", false},
        {"procedure", 0, CLI_STRING, &procedure, "NAME",
         "exact (maximum-likelihood EM) | paper (ssm's Laplace-EM: emissions fitted by L-BFGS to "
         "one posterior draw per iteration, drawn from --seed; ELBO in the JSON)",
         0, "procedure", false},
        {"input", 0, CLI_INPUT, &u_path, "U.npy", "inputs, T x m (one row per row of Y)", 0,
         "input_signal", false},
        {"emissions", 0, CLI_STRING, &emissions, "NAME",
         "free | orthonormal (C^T C = I, the paper's)", 0, "emissions", false},
        {"init", 0, CLI_STRING, &init, "NAME", "pca | random (Haar C from --seed)", 0, "init",
         false},
        {"iters", 0, CLI_SIZE, &o.iters, "N", "EM iterations", 0, "iters", false},
        {"tol", 0, CLI_NONNEG, &o.tol, "X",
         "stop once an iteration gains < X |log-likelihood|; 0 = never", 0, "tol", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A",
         "dt / tau in A_cont = (A - (1 - alpha) I) / alpha, in (0, 1]", 0, "alpha", false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "seed of the random init", 0, "seed", false},
        {"smoothed", 0, CLI_OUTPUT, &smoothed, "FILE",
         "write the smoothed latent means E[x_t | Y] (T x K)", 0, "smoothed", false},
        FIT_VERBOSE_OPT(&verbose),
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "A_cont (K x K); all parameters, the log-likelihood trace and the "
                                "spectrum of A_cont go to FILE with .npy replaced by .json"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy --method lds",
        "Method lds (SPEC.md §4.8): latent linear dynamical system fitted by Kalman EM,\n"
        "  x_t = A x_{t-1} + V u_t + b + N(0, diag q),  y_t = C x_t + F u_t + d + N(0, "
        "diag r).",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (po_lds_procedure_from_name(procedure, &o.procedure) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (po_lds_emissions_from_name(emissions, &o.emissions) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (po_lds_init_from_name(init, &o.init) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    const char *why = po_lds_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);
    /* The traces hold 2 (iters + 1) doubles: a larger count would wrap the size. */
    if (o.iters >= SIZE_MAX / (2 * sizeof(double)))
        return cli_usage(run, "--iters %zu is too large", o.iters);
    char *json_path = json_path_for(output);
    if (!json_path) return cli_fail(run, "out of memory");
    const cli_path report_path = {json_path, "the JSON report of -o"};
    rc = cli_check_paths(run, &spec, &y_path, 1, &report_path, 1);
    if (rc != CLI_PROCEED) {
        free(json_path);
        return rc;
    }

    po_mat *Y = NULL, *U = NULL, *Ac = NULL, *X = NULL;
    po_lds *fit = NULL;
    po_spectrum *spectrum = NULL;
    po_lds_info info = {0};
    bool paper = o.procedure == PO_LDS_PAPER;
    double *trace = malloc((paper ? 2 : 1) * (o.iters + 1) * sizeof *trace);
    rc = trace ? fit_read_y(run, y_path, &rec, &Y) : cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK && u_path) rc = cli_read_mat(run, u_path, &U);
    if (rc == CLI_EXIT_OK && U && U->rows != Y->rows)
        rc = cli_fail(run, "%s: has %zu rows, %s has %zu: inputs need one row per time step",
                      u_path, U->rows, y_path, Y->rows);
    if (rc == CLI_EXIT_OK) {
        cli_progress bar;
        cli_progress_init(&bar, "fit lds");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        info.loglik_trace = trace;
        info.elbo_trace = paper ? trace + o.iters + 1 : NULL;
        po_status st = po_fit_lds(Y, U, &o, &fit, &info);
        cli_progress_end(&bar);
        if (st == PO_OK) {
            Ac = po_mat_alloc(o.latents, o.latents);
            st = Ac ? po_lds_continuous(fit, o.alpha, Ac) : PO_ENOMEM;
        }
        if (st == PO_OK) st = po_spectrum_new(Ac, &spectrum);
        if (st == PO_OK && smoothed) {
            X = po_mat_alloc(Y->rows, o.latents);
            st = X ? po_lds_smooth(fit, Y, U, X, NULL) : PO_ENOMEM;
        }
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(U);
    po_mat_free(Y);
    if (rc == CLI_EXIT_OK && verbose)
        fprintf(stderr,
                "partobs: fit: lds: %zu latents, %zu iterations%s (%s procedure), "
                "log-likelihood %.10g -> %.10g, LAS %.4g\n",
                o.latents, info.iters, info.converged ? " (converged)" : "",
                po_lds_procedure_name(o.procedure), trace[0], info.loglik, spectrum->las);
    cJSON *report =
        rc == CLI_EXIT_OK ? po_report_lds_json(fit, &o, &info, trace, Ac, spectrum) : NULL;
    if (rc == CLI_EXIT_OK && !report) rc = cli_fail(run, "out of memory while building the report");
    cJSON *fi = NULL, *m = rc == CLI_EXIT_OK ? fit_manifest(run, &spec, y_path, &fi) : NULL;
    if (fi) {
        cJSON *mo = cli_manifest_options(m);
        cJSON_AddNumberToObject(mo, paper ? "emission_iters" : "stiefel_iters",
                                (double)(paper ? o.emission_iters : o.stiefel_iters));
        cJSON_AddStringToObject(mo, "json", json_path);
        cJSON_AddNumberToObject(fi, "iterations", (double)info.iters);
        cJSON_AddBoolToObject(fi, "converged", info.converged);
        cJSON_AddItemToObject(fi, "log_likelihood", cli_json_number(info.loglik));
        cJSON_AddItemToObject(fi, "line_attractor_score", cli_json_number(spectrum->las));
    }
    if (rc == CLI_EXIT_OK) rc = cli_write_mat(run, output, Ac);
    if (rc == CLI_EXIT_OK) rc = cli_write_json(run, json_path, report);
    if (rc == CLI_EXIT_OK && smoothed) rc = cli_write_mat(run, smoothed, X);
    if (rc == CLI_EXIT_OK)
        rc = cli_manifest_beside(run, m, output);
    else
        cJSON_Delete(m);
    cJSON_Delete(report);
    po_spectrum_free(spectrum);
    po_mat_free(X);
    po_mat_free(Ac);
    po_lds_free(fit);
    free(trace);
    free(json_path);
    return rc;
}
