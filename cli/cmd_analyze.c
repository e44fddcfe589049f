/* partobs analyze: spectrum, time constants, LAS and non-normality (SPEC.md §5). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_report.h"

/* Rows shown in the table; SPEC.md §5 records the top 5 in its curves. */
enum { TOP_DEFAULT = 5 };
/* From this size on the spectrum takes seconds: show a status line on a terminal. */
enum { ANALYZE_SLOW_N = 1500 };

int cmd_analyze(cli_run *run, int argc, char **argv)
{
    const char *json_path = NULL, *teacher_path = NULL;
    size_t top = TOP_DEFAULT;
    cli_opt opts[] = {
        {"top", 0, CLI_SIZE, &top, "K", "eigenvalues and singular values shown, >= 1", 0, "top",
         false},
        {"teacher", 0, CLI_INPUT, &teacher_path, "B.npy",
         "also report the overlaps of W's top singular vectors with the teacher's, truncated to "
         "W's size (SPEC.md §5)",
         0, "teacher", false},
        {"json", 0, CLI_REPORT, &json_path, "FILE",
         "also write a JSON report ('-': standard output) and FILE.manifest.json beside it",
         CLI_MANIFEST, "json", false},
    };
    const cli_spec spec = {
        .usage = "W.npy",
        .pos_help = "square, finite matrix",
        .max_pos = 1,
        .pos_inputs = true,
        .about = "Spectral analysis of a connectivity W for the continuous-time Jacobian -I + W\n"
                 "(SPEC.md §5): eigenvalues sorted by descending real part, time constants\n"
                 "tau = 1 / |1 - Re lambda|, the line attractor score LAS = log2(tau_1 / tau_2),\n"
                 "Henrici's departure from normality and the singular values. Prints a table on\n"
                 "stdout with a plain-words note (max Re lambda >= 1: unstable or marginal;\n"
                 "LAS > 1: line-attractor-like). The JSON report holds n, eigenvalues ([re, im]\n"
                 "pairs, all of them, descending real part), time_constants (same order),\n"
                 "line_attractor_score, henrici, singular_values (all, descending),\n"
                 "max_real_eigenvalue and, with --teacher, u_overlap and v_overlap. Infinite\n"
                 "values (tau when Re lambda = 1) are written as null.",
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    const char *w_path = NULL;
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, &w_path, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (top == 0) return cli_usage(run, "--top must be at least 1");

    po_mat *W = NULL, *B = NULL;
    po_spectrum *s = NULL;
    double u_overlap = 0.0, v_overlap = 0.0;
    rc = cli_read_square(run, w_path, "W", &W);
    if (rc == CLI_EXIT_OK && teacher_path) {
        rc = cli_read_square(run, teacher_path, "the teacher", &B);
        if (rc == CLI_EXIT_OK && B->rows < W->rows)
            rc = cli_fail(run, "%s: the teacher (D = %zu) is smaller than the student %s (d = %zu)",
                          teacher_path, B->rows, w_path, W->rows);
        if (rc == CLI_EXIT_OK) {
            po_status st = po_singular_overlaps(B, W, &u_overlap, &v_overlap);
            if (st != PO_OK) rc = cli_fail_status(run, st);
        }
    }
    if (rc == CLI_EXIT_OK) {
        /* dgeev + dgesdd are O(n^3) with no progress to report: about 0.2 s at
         * n = 500 but minutes at n = 5000 (docs/methods.md), so say what runs. */
        cli_progress status;
        cli_progress_init(&status, "analyze");
        if (W->rows >= ANALYZE_SLOW_N) {
            char what[96];
            snprintf(what, sizeof what, "eigenvalues and singular values of a %zu x %zu matrix...",
                     W->rows, W->rows);
            cli_progress_status(&status, what);
        }
        po_status st = po_spectrum_new(W, &s);
        cli_progress_end(&status);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(W);
    po_mat_free(B);
    if (rc != CLI_EXIT_OK) return rc;

    cJSON *report = NULL;
    if (json_path) {
        report = po_report_spectrum_json(s, 0);
        if (report && teacher_path) {
            cJSON_AddItemToObject(report, "u_overlap", po_report_number(u_overlap));
            cJSON_AddItemToObject(report, "v_overlap", po_report_number(v_overlap));
        }
        rc = report ? cli_write_json(run, json_path, report)
                    : cli_fail(run, "out of memory while building the report");
        cJSON_Delete(report);
    }
    if (rc == CLI_EXIT_OK && json_path) {
        cJSON *m = cli_manifest_new(run);
        cli_manifest_add_opts(m, &spec, w_path);
        rc = cli_manifest_beside(run, m, json_path);
    }
    if (rc == CLI_EXIT_OK) {
        cli_spectrum_print(stdout, s, top);
        if (teacher_path)
            printf("overlap with the teacher's top singular vectors: u %.4g, v %.4g "
                   "(chance ~ %.3g)\n",
                   u_overlap, v_overlap, 1.0 / sqrt((double)s->n));
    }
    po_spectrum_free(s);
    return rc;
}
