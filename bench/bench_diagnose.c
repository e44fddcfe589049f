/* partobs diagnose (issue 11 "Speed"): MAP on d = 50 of a D = 500
 * line-attractor teacher, T = 30000, with the defaults (8 fractions x 10
 * subsets, 100 bootstrap replicates; target < 10 s on 2 cores), and LDS with
 * K = 5 (target < 2 min), as the CLI runs them (one BLAS thread, the library's
 * own threads over fixed blocks).
 *
 * Stages of the MAP run, from the progress callback's clock: the full fit
 * (Gram sums, solve, spectrum, residual) until the first refit reports, the
 * subset refits (from the Gram's rows and columns, no pass over Y), the
 * bootstrap refits, then the passive verdict and the experiment's design.
 * Against the floor, in the same run: the Gram stage of one MAP fit
 * (G = Phi^T Phi and B = Delta^T Phi over T - 1 transitions) against one
 * dsyrk and one dgemm of the same sizes (bench_fit.c's reasoning: the sums
 * cost one syrk and one gemm at equal BLAS efficiency).
 *
 * Usage: bench_diagnose [runs]       RESULT lines (benchutil.h); np_diagnose.py
 *                                    times the same Gram sums in NumPy
 *        bench_diagnose map          without the LDS run (minutes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "diagnose/diagnose_internal.h"
#include "linalg/linalg.h"
#include "partobs/partobs.h"

#define NTEACH 500
#define NOBS 50
#define NT 30000
#define MAX_RUNS 32

/* A line-attractor teacher seen through its first NOBS neurons. */
static po_mat *make_recording(void)
{
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LINE_ATTRACTOR, NTEACH);
    po_sim_opts so = po_sim_opts_defaults();
    so.T = NT;
    po_rng rng;
    po_rng_init(&rng, so.seed, PO_STREAM_CONNECTIVITY);
    po_teacher *teacher = NULL;
    po_mat *X = NULL, *Y = po_mat_alloc(NT, NOBS);
    po_linop *op = NULL;
    po_observe_opts oo = po_observe_opts_defaults();
    oo.d = NOBS;
    if (!Y || po_teacher_generate(&to, &rng, &teacher) != PO_OK ||
        po_simulate(teacher->W, &so, NULL, &X, &op) != PO_OK || po_observe(X, &oo, Y) != PO_OK) {
        fprintf(stderr, "bench_diagnose: cannot make the recording: %s\n", po_errmsg());
        exit(1);
    }
    po_linop_free(op);
    po_mat_free(X);
    po_teacher_free(teacher);
    return Y;
}

/* The clock of the progress callback: when the first refit reported, when
 * the subsets were done, when the last refit reported. */
typedef struct stage_clock {
    size_t subsets;
    double first, subsets_done, last;
} stage_clock;

static void on_progress(void *user, size_t done, size_t total)
{
    stage_clock *c = user;
    double now = po_bench_now();
    if (c->first == 0) c->first = now;
    if (done >= c->subsets && c->subsets_done == 0) c->subsets_done = now;
    if (done == total) c->last = now;
}

/* One po_diagnose_run; with c (MAP) the stage times are printed. */
static double run_diagnose(const po_mat *Y, po_diagnose_method method, stage_clock *c)
{
    po_diagnose_opts o = po_diagnose_opts_defaults();
    o.method = method;
    if (c) {
        memset(c, 0, sizeof *c);
        c->subsets = (8 - 1) * o.subsets; /* fractions 0.3 .. 0.9; fraction 1 is the full fit */
        o.progress = on_progress;
        o.progress_user = c;
    }
    po_diagnose *dg = NULL;
    double t0 = po_bench_now();
    po_status st = po_diagnose_run(Y, NULL, &o, &dg);
    double t1 = po_bench_now();
    if (st != PO_OK) {
        fprintf(stderr, "bench_diagnose: %s\n", po_errmsg());
        exit(1);
    }
    if (c && c->first > 0)
        printf("  stages: full fit %.3f s, %zu subset refits %.3f s, %zu bootstrap refits %.3f s, "
               "verdict + design %.3f s (verdict %s)\n",
               c->first - t0, c->subsets, c->subsets_done - c->first, o.bootstrap,
               c->last - c->subsets_done, t1 - c->last, po_diagnose_verdict_name(dg->verdict));
    po_diagnose_free(dg);
    return t1 - t0;
}

/* The Gram stage against syrk + gemm of the same sizes, interleaved. */
static void gram_vs_floor(const po_mat *Y, size_t runs)
{
    enum { GRAM, SYRK, GEMM, NCASE };
    static const char *const names[NCASE] = {"diagnose_gram_d50_T30000", "syrk_d50_T30000",
                                             "gemm_d50_T30000"};
    double t[NCASE][MAX_RUNS];
    po_dg_gram *g = po_dg_gram_alloc(NOBS, 0);
    po_mat *G = po_mat_alloc(NOBS, NOBS), *C = po_mat_alloc(NOBS, NOBS);
    if (!g || !G || !C) exit(1);
    po_mat X = po_mat_block(Y, 0, 0, NT - 1, NOBS), Xp = po_mat_block(Y, 1, 0, NT - 1, NOBS);
    for (size_t r = 0; r < runs; r++)
        for (int k = 0; k < NCASE; k++) {
            double t0 = po_bench_now();
            if (k == GRAM)
                po_dg_gram_compute(Y, NULL, PO_PHI_LINEAR, 0.01, 0, NT - 1, g);
            else if (k == SYRK)
                po_la_syrk_t(1.0, &X, 0.0, G);
            else
                po_la_gemm(true, false, 1.0, &Xp, &X, 0.0, C);
            t[k][r] = po_bench_now() - t0;
        }
    for (int k = 0; k < NCASE; k++) po_bench_report(names[k], t[k], runs);
    po_dg_gram_free(g);
    po_mat_free(G);
    po_mat_free(C);
}

int main(int argc, char **argv)
{
    po_blas_set_threads(1); /* as the partobs CLI does */
    bool map_only = argc > 1 && strcmp(argv[1], "map") == 0;
    size_t runs = argc > 1 && !map_only ? (size_t)atoi(argv[1]) : 3;
    if (runs < 1 || runs > MAX_RUNS) runs = 3;
    po_mat *Y = make_recording();
    double t[MAX_RUNS];
    stage_clock c;
    for (size_t r = 0; r < runs; r++) t[r] = run_diagnose(Y, PO_DIAG_MAP, &c);
    po_bench_report("diagnose_map_d50_T30000", t, runs);
    gram_vs_floor(Y, 9);
    if (!map_only) {
        double tl = run_diagnose(Y, PO_DIAG_LDS, NULL);
        po_bench_report("diagnose_lds_K5_d50_T30000", &tl, 1);
    }
    po_mat_free(Y);
    return 0;
}
