/* partobs fit --method force (SPEC.md §4.6). */
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

void fit_force_help(FILE *out)
{
    po_force_opts d = po_force_opts_defaults();
    fprintf(out,
            "Method force (SPEC.md §4.6): FORCE / recursive least squares on a tanh network\n"
            "H <- H + alpha (-H + J tanh(H)), trained to follow tanh(Y); W_hat = J, to be\n"
            "simulated as a leaky-current tanh network.\n"
            "  partobs fit Y.npy --method force [--phi tanh] [--alpha A] [--tau TAU] [--g G]\n"
            "              [--p0 P0] [--passes N] [--free-passes N] [--window T0:T1] [--seed S]\n"
            "              [--init J0.npy] [--pvar-out pvar.npy] -o W_hat.npy\n"
            "  --alpha A           Euler step dt of the model, > 0 (default %g)\n"
            "  --tau TAU           model time constant, > 0 (default %g)\n"
            "  --g G               J_0 = G N(0,1)/sqrt(d), >= 0 (default %g)\n"
            "  --p0 P0             P = P0 I, > 0 (default %g)\n"
            "  --passes N          training passes over the window (default %zu)\n"
            "  --free-passes N     untrained evaluation passes afterwards (default %zu)\n"
            "  --window T0:T1      rows [T0, T1) of Y; T0: runs to the end (default all rows;\n"
            "                      the paper fits 0:5000)\n"
            "  --seed S            J_0 from the fit stream of this seed (default %llu)\n"
            "  --init J0.npy       J_0 itself (d x d, finite) instead of drawing it\n"
            "  --pvar-out FILE     write pVar of every pass (passes + free passes, a column)\n",
            d.alpha, d.tau, d.g, d.p0, d.passes, d.free_passes, (unsigned long long)d.seed);
}

int fit_force(cli_run *run, int argc, char **argv)
{
    po_force_opts o = po_force_opts_defaults();
    const char *method = NULL, *phi = NULL, *window = NULL, *pvar_out = NULL, *init = NULL,
               *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"phi", 0, CLI_STRING, &phi, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"tau", 0, CLI_DOUBLE, &o.tau, false},
        {"g", 0, CLI_DOUBLE, &o.g, false},
        {"p0", 0, CLI_DOUBLE, &o.p0, false},
        {"passes", 0, CLI_SIZE, &o.passes, false},
        {"free-passes", 0, CLI_SIZE, &o.free_passes, false},
        {"window", 0, CLI_STRING, &window, false},
        {"seed", 0, CLI_SEED, &o.seed, false},
        {"init", 0, CLI_STRING, &init, false},
        {"pvar-out", 0, CLI_STRING, &pvar_out, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, sizeof opts / sizeof *opts, "Y.npy", true,
                                 &y_path);
    if (rc != CLI_PROCEED) return rc;
    if ((rc = fit_require_tanh(run, "force", phi)) != CLI_PROCEED) return rc;
    if (window && (rc = fit_parse_window(run, window, &o.t0, &o.t1)) != CLI_PROCEED) return rc;
    const char *why = po_force_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W = NULL, *pvar = NULL, *W0 = NULL;
    po_force_info info = {0};
    rc = fit_read_y(run, y_path, &Y);
    if (rc == CLI_EXIT_OK && init) rc = cli_read_mat(run, init, &W0);
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
    po_mat_free(Y);
    po_mat_free(W0);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(pvar);
        po_mat_free(W);
        return rc;
    }
    if (verbose)
        fprintf(stderr, "partobs: fit: force: passes %zu, last chi2 %.6g, pVar %.4f\n", info.passes,
                info.chi2, info.pvar);
    cJSON *mo = NULL, *m = fit_manifest(run, y_path, "force", &mo);
    if (mo) {
        cJSON_AddStringToObject(mo, "phi", "tanh");
        cJSON_AddStringToObject(mo, "leaky", "current");
        cJSON_AddNumberToObject(mo, "alpha", o.alpha);
        cJSON_AddNumberToObject(mo, "tau", o.tau);
        cJSON_AddNumberToObject(mo, "g", o.g);
        cJSON_AddNumberToObject(mo, "p0", o.p0);
        cJSON_AddNumberToObject(mo, "passes", (double)o.passes);
        cJSON_AddNumberToObject(mo, "free_passes", (double)o.free_passes);
        cJSON *w = cJSON_AddArrayToObject(mo, "window");
        if (w) {
            cJSON_AddItemToArray(w, cJSON_CreateNumber((double)o.t0));
            cJSON_AddItemToArray(w, cJSON_CreateNumber((double)(o.t1 ? o.t1 : T)));
        }
        if (pvar_out) cJSON_AddStringToObject(mo, "pvar_out", pvar_out);
        if (init) cJSON_AddStringToObject(mo, "init", init);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m) {
        cli_manifest_set_seed(m, o.seed);
        if (init) cli_manifest_add_input(m, init);
        cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
        if (fi) {
            cJSON_AddNumberToObject(fi, "passes", (double)info.passes);
            cJSON_AddItemToObject(fi, "chi2", cli_json_number(info.chi2));
            cJSON_AddItemToObject(fi, "pvar", cli_json_number(info.pvar));
        }
    }
    rc = fit_finish(run, output, W, pvar_out, pvar, m);
    po_mat_free(pvar);
    po_mat_free(W);
    return rc;
}
