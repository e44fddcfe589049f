/* partobs theory: the infinite-data (T -> infinity) student of a linear
 * teacher (SPEC.md §4.3). */
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"

/* From this size on the covariance takes seconds: show a status line on a terminal. */
enum { THEORY_SLOW_D = 1000 };

void cmd_theory_help(FILE *out)
{
    po_theory_opts t = po_theory_opts_defaults();
    po_cov_opts c = po_cov_opts_defaults();
    fprintf(out,
            "usage: partobs theory --W W.npy --d N [--rho R] [--noise-corr C]\n"
            "                      [--chain-last-row] [--no-closed-forms] -o W_inf.npy\n"
            "\n"
            "The student a d-neuron recording of the linear teacher W converges to with\n"
            "infinite data (SPEC.md §4.3): the stationary covariance Sigma of\n"
            "dx = (W - I) x dt + noise solves (W - I) Sigma + Sigma (W - I)^T = -N_c with\n"
            "N_c = (1 - C) I + C 11^T, and the student observing neurons 0..d-1 is\n"
            "  W_inf = (W Sigma)[0:d, 0:d] (Sigma[0:d, 0:d] + R I)^-1.\n"
            "Every eigenvalue of W must have real part < 1, else no stationary covariance\n"
            "exists (exit 1). The output is a d x d matrix for 'partobs analyze'.\n"
            "\n"
            "  --W FILE            teacher, D x D, finite (required)\n"
            "  --d N               observed neurons, 1 <= N <= D (required)\n"
            "  --rho R             ridge added to Sigma_dd, >= 0 (default %g)\n"
            "  --noise-corr C      noise correlation c, in [0, 1) (default %g)\n"
            "  --chain-last-row    W is the pure chain (superdiagonal ones): solve only the\n"
            "                      last row of the student (needs R = 0)\n"
            "  --no-closed-forms   always the general Schur solver, even for a symmetric W\n"
            "                      or the pure chain (closed forms, used by default, c = 0)\n"
            "  -o, --output FILE   output .npy (d x d float64); FILE.manifest.json beside it\n",
            t.rho, c.noise_corr);
}

int cmd_theory(cli_run *run, int argc, char **argv)
{
    po_theory_opts to = po_theory_opts_defaults();
    po_cov_opts co = po_cov_opts_defaults();
    const char *w_path = NULL, *output = NULL;
    size_t d = 0;
    bool no_closed = false;
    cli_opt opts[] = {
        {"W", 0, CLI_STRING, &w_path, false},
        {"d", 0, CLI_SIZE, &d, false},
        {"rho", 0, CLI_NONNEG, &to.rho, false},
        {"noise-corr", 0, CLI_DOUBLE, &co.noise_corr, false},
        {"chain-last-row", 0, CLI_FLAG, &to.chain_last_row, false},
        {"no-closed-forms", 0, CLI_FLAG, &no_closed, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *pos[1];
    size_t npos = 0;
    int rc = cli_parse(run, argc, argv, opts, nopts, pos, 0, &npos);
    if (rc != CLI_PROCEED) return rc;
    static const char *const required[] = {"W", "d", "output", NULL};
    rc = cli_require(run, opts, nopts, required);
    if (rc != CLI_PROCEED) return rc;
    co.closed_forms = !no_closed;
    if (d < 1) return cli_usage(run, "--d must be at least 1");
    const char *why = po_theory_opts_check(&to);
    if (!why) why = po_cov_opts_check(&co);
    if (why) return cli_usage(run, "%s", why);

    po_mat *W = NULL, *S = NULL, *A = NULL;
    po_cov_method used = PO_COV_SCHUR;
    rc = cli_read_square(run, w_path, "W", &W);
    if (rc == CLI_EXIT_OK && d > W->rows)
        rc = cli_fail(run, "--d %zu exceeds the teacher's D = %zu (%s)", d, W->rows, w_path);
    if (rc == CLI_EXIT_OK) {
        S = po_mat_alloc(W->rows, W->rows);
        A = po_mat_alloc(d, d);
        if (!S || !A) rc = cli_fail(run, "out of memory for D = %zu", W->rows);
    }
    if (rc == CLI_EXIT_OK) {
        cli_progress status;
        cli_progress_init(&status, "theory");
        if (W->rows >= THEORY_SLOW_D) cli_progress_status(&status, "stationary covariance...");
        po_status st = po_stationary_cov(W, &co, S, &used);
        cli_progress_end(&status);
        if (st == PO_OK) st = po_theory_student(W, S, d, &to, A);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(S);
    po_mat_free(W);
    if (rc == CLI_EXIT_OK) rc = cli_write_mat(run, output, A);
    po_mat_free(A);
    if (rc != CLI_EXIT_OK) return rc;

    cJSON *m = cli_manifest_new(run);
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        cJSON_AddStringToObject(mo, "W", w_path);
        cJSON_AddNumberToObject(mo, "d", (double)d);
        cJSON_AddNumberToObject(mo, "rho", to.rho);
        cJSON_AddNumberToObject(mo, "noise_corr", co.noise_corr);
        cJSON_AddBoolToObject(mo, "chain_last_row", to.chain_last_row);
        cJSON_AddBoolToObject(mo, "closed_forms", co.closed_forms);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m) {
        cli_manifest_add_input(m, w_path);
        cJSON_AddStringToObject(m, "covariance_method", po_cov_method_name(used));
    }
    return cli_manifest_beside(run, m, output);
}
