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

int cmd_theory(cli_run *run, int argc, char **argv)
{
    po_theory_opts to = po_theory_opts_defaults();
    po_cov_opts co = po_cov_opts_defaults();
    const char *w_path = NULL, *output = NULL;
    size_t d = 0;
    bool no_closed = false;
    cli_opt opts[] = {
        {"W", 0, CLI_INPUT, &w_path, "FILE", "teacher, D x D, finite", CLI_REQUIRED, "W", false},
        {"d", 0, CLI_SIZE, &d, "N", "observed neurons, 1 <= N <= D", CLI_REQUIRED, "d", false},
        {"rho", 0, CLI_NONNEG, &to.rho, "R",
         "ridge added to Sigma_dd, >= 0 (0: the reference's ridgeless student)", 0, "rho", false},
        {"noise-corr", 0, CLI_DOUBLE, &co.noise_corr, "C", "noise correlation c, in [0, 1)", 0,
         "noise_corr", false},
        {"chain-last-row", 0, CLI_FLAG, &to.chain_last_row, NULL,
         "W is the pure chain (superdiagonal ones): solve only the last row of the student "
         "(SPEC.md §4.3 item 3; needs R = 0, refused for any other W)",
         0, "chain_last_row", false},
        {"no-closed-forms", 0, CLI_FLAG, &no_closed, NULL,
         "always the general Schur solver, even for a symmetric W or the pure chain (closed forms, "
         "used by default, c = 0)",
         0, NULL, false},
        {"output", 'o', CLI_OUTPUT, &output, "FILE",
         "output .npy (d x d float64); FILE.manifest.json beside it, with covariance_method "
         "(schur, symmetric or chain)",
         CLI_REQUIRED | CLI_MANIFEST, "output", false},
    };
    const cli_spec spec = {
        .about = "The student a d-neuron recording of the linear teacher W converges to with\n"
                 "infinite data (SPEC.md §4.3): the stationary covariance Sigma of\n"
                 "dx = (W - I) x dt + noise solves (W - I) Sigma + Sigma (W - I)^T = -N_c with\n"
                 "N_c = (1 - C) I + C 11^T, and the student observing neurons 0..d-1 is\n"
                 "  W_inf = (W Sigma)[0:d, 0:d] (Sigma[0:d, 0:d] + R I)^-1.\n"
                 "Every eigenvalue of W must have real part < 1, else no stationary covariance\n"
                 "exists (exit 1). The output is a d x d matrix for 'partobs analyze'.",
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
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
    cli_manifest_add_opts(m, &spec, NULL);
    if (m) {
        cJSON_AddBoolToObject(cli_manifest_options(m), "closed_forms", co.closed_forms);
        cJSON_AddStringToObject(m, "covariance_method", po_cov_method_name(used));
    }
    return cli_manifest_beside(run, m, output);
}
