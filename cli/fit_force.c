/* partobs fit --method force (SPEC.md §4.6). */
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

int fit_force(cli_run *run, int argc, char **argv)
{
    po_force_opts o = po_force_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "force", *phi = "tanh", *window = NULL, *pvar_out = NULL, *output = NULL;
    const char *init = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        FIT_METHOD_OPT(&method),
        {"phi", 0, CLI_STRING, &phi, "NAME", "tanh only", 0, "phi", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "Euler step dt of the model, > 0", 0, "alpha", false},
        {"tau", 0, CLI_DOUBLE, &o.tau, "TAU", "model time constant, > 0", 0, "tau", false},
        {"g", 0, CLI_DOUBLE, &o.g, "G", "J_0 = G N(0,1)/sqrt(d), >= 0", 0, "g", false},
        {"p0", 0, CLI_DOUBLE, &o.p0, "P0", "P = P0 I, > 0", 0, "p0", false},
        {"passes", 0, CLI_SIZE, &o.passes, "N", "training passes over the window", 0, "passes",
         false},
        {"free-passes", 0, CLI_SIZE, &o.free_passes, "N", "untrained evaluation passes afterwards",
         0, "free_passes", false},
        {"window", 0, CLI_STRING, &window, "T0:T1",
         "rows [T0, T1) of Y; T0: runs to the end (default all rows; the paper fits 0:5000)", 0,
         NULL, false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "J_0 from the fit stream of this seed", 0, "seed",
         false},
        {"pvar-out", 0, CLI_OUTPUT, &pvar_out, "FILE",
         "write pVar of every pass (passes + free passes, a column)", 0, "pvar_out", false},
        FIT_INIT_OPT(&init, "initial W (d x d, finite), e.g. to continue a fit"),
        FIT_VERBOSE_OPT(&verbose),
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "output .npy (d x d float64); FILE.manifest.json beside it"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy --method force",
        "Method force (SPEC.md §4.6): FORCE / recursive least squares on a tanh network\n"
        "H <- H + alpha (-H + J tanh(H)), trained to follow tanh(Y); W_hat = J, to be\n"
        "simulated as a leaky-current tanh network.",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if ((rc = fit_require_tanh(run, "force", phi)) != CLI_PROCEED) return rc;
    if (window && (rc = fit_parse_window(run, window, &o.t0, &o.t1)) != CLI_PROCEED) return rc;
    const char *why = po_force_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W = NULL, *pvar = NULL;
    po_force_info info = {0};
    po_mat *W0 = NULL;
    rc = fit_read_y(run, y_path, &rec, &Y);
    if (rc == CLI_EXIT_OK) rc = fit_read_init(run, init, &W0);
    o.init = W0;
    if (rc == CLI_EXIT_OK) {
        size_t t1 = o.t1 ? o.t1 : Y->rows;
        if (t1 > Y->rows || t1 < o.t0 + 2)
            rc = cli_fail(run, "%s: --window %zu:%zu does not fit its T = %zu rows", y_path, o.t0,
                          t1, Y->rows);
    }
    if (rc == CLI_EXIT_OK) {
        W = po_mat_alloc(Y->cols, Y->cols);
        pvar = po_mat_alloc(o.passes + o.free_passes, 1);
        info.pvar_trace = pvar ? pvar->data : NULL;
        cli_progress bar;
        cli_progress_init(&bar, "fit force");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        po_status st = W && pvar ? po_fit_force(Y, &o, W, &info) : PO_ENOMEM;
        cli_progress_end(&bar);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    size_t T = Y ? Y->rows : 0;
    po_mat_free(W0);
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(pvar);
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: force: passes %zu, last chi2 %.6g, pVar %.4f\n", info.passes,
                info.chi2, info.pvar);
    cJSON *fi = NULL, *m = fit_manifest(run, &spec, y_path, &fi);
    if (fi) {
        cJSON *mo = cli_manifest_options(m);
        cJSON_AddStringToObject(mo, "leaky", "current");
        cJSON *w = cJSON_AddArrayToObject(mo, "window");
        if (w) {
            cJSON_AddItemToArray(w, cJSON_CreateNumber((double)o.t0));
            cJSON_AddItemToArray(w, cJSON_CreateNumber((double)(o.t1 ? o.t1 : T)));
        }
        cJSON_AddNumberToObject(fi, "passes", (double)info.passes);
        cJSON_AddItemToObject(fi, "chi2", cli_json_number(info.chi2));
        cJSON_AddItemToObject(fi, "pvar", cli_json_number(info.pvar));
    }
    rc = fit_finish(run, output, W, pvar_out, pvar, m);
    po_mat_free(pvar);
    po_mat_free(W);
    return rc;
}
