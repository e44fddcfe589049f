/* Iterative fitting methods (SPEC.md §4.5, §4.6) at the paper's sizes:
 *   cornn_d25_T30000_1000it   CORNN, weighted solver, 1000 iterations, d = 25, T = 30000
 *   force_pass_d50_T30000     one FORCE training pass over T = 30000 rows, d = 50
 *                             (this one and the two floors below in CPU time: one thread)
 *   cornn_cpu1_ms_per_iter    CORNN as above on ONE thread, 100 iterations, CPU
 *                             time per iteration in ms (RESULT: seconds x 1000);
 *                             steadier than wall time on the shared machine
 *   force_floor_d50_T30000    the BLAS floor of that pass: per step the two rank-1
 *                             updates (dsyr of P, upper; dger of J) and the two
 *                             products (dsymv k = P r, dgemv J r), one BLAS thread
 *   force_rank1_d50_T30000    the rank-1 updates (dsyr + dger) alone
 *   force_paper_d50_1000x5000 the paper's FORCE fit: 1000 passes over the first 5000 rows
 *                             (C only; bench/np_learners.py extrapolates NumPy from one pass)
 * Data: a leaky-rate tanh network of 100 units, W = 1.5 N(0,1)/sqrt(100),
 * alpha = 0.01, noise 0.2, x0 ~ N(0, I); the first d units are observed.
 *
 * Usage: bench_learners [runs] [cornn|cornn1|force|paper ...]   (default 3 runs, all)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "benchutil.h"
#include "partobs/partobs.h"

#define NET 100
#define NT 30000
#define MAX_RUNS 32

static po_mat *make_data(void)
{
    po_mat *W = po_mat_alloc(NET, NET), *X = po_mat_alloc(NT, NET);
    if (!W || !X) exit(1);
    po_rng rng;
    po_rng_init(&rng, 7, PO_STREAM_CONNECTIVITY);
    po_rng_fill_normal(&rng, W->data, NET * NET, 1, 1.5 / sqrt((double)NET));
    po_linop *op = NULL;
    if (po_linop_dense(W, &op) != PO_OK) exit(1);
    po_sim_opts o = po_sim_opts_defaults();
    o.T = NT;
    o.phi = PO_PHI_TANH;
    o.leaky = PO_LEAKY_RATE;
    o.seed = 7;
    if (po_sim_run(op, &o, NULL, X) != PO_OK) {
        fprintf(stderr, "bench_learners: %s\n", po_errmsg());
        exit(1);
    }
    po_linop_free(op);
    po_mat_free(W);
    return X;
}

static void fail(void)
{
    fprintf(stderr, "bench_learners: %s\n", po_errmsg());
    exit(1);
}

static bool wanted(int argc, char **argv, const char *name)
{
    bool any = false;
    for (int i = 1; i < argc; i++)
        if (argv[i][0] < '0' || argv[i][0] > '9') {
            any = true;
            if (strcmp(argv[i], name) == 0) return true;
        }
    return !any;
}

int main(int argc, char **argv)
{
    size_t runs = argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9' ? (size_t)atoi(argv[1]) : 3;
    if (runs < 1 || runs > MAX_RUNS) runs = 3;
    po_mat *X = make_data();
    printf("BLAS threads %d\n", po_blas_threads());
    double t[MAX_RUNS];

    if (wanted(argc, argv, "cornn")) {
        po_mat Y = po_mat_block(X, 0, 0, NT, 25);
        po_mat *W = po_mat_alloc(25, 25);
        po_cornn_opts o = po_cornn_opts_defaults();
        po_cornn_info info;
        for (size_t r = 0; r < runs; r++) {
            double t0 = po_bench_now();
            if (po_fit_cornn(&Y, NULL, &o, W, NULL, &info) != PO_OK) fail();
            t[r] = po_bench_now() - t0;
        }
        printf("cornn: %zu transitions, %zu clipped, loss %.6g\n", info.samples, info.clipped,
               info.loss);
        po_bench_report("cornn_d25_T30000_1000it", t, runs);
        po_mat_free(W);
    }
    if (wanted(argc, argv, "cornn1")) {
        po_mat Y = po_mat_block(X, 0, 0, NT, 25);
        po_mat *W = po_mat_alloc(25, 25);
        po_cornn_opts o = po_cornn_opts_defaults();
        o.threads = 1;
        o.iters = 100;
        for (size_t r = 0; r < runs; r++) {
            double t0 = po_bench_cpu_now();
            if (po_fit_cornn(&Y, NULL, &o, W, NULL, NULL) != PO_OK) fail();
            t[r] = (po_bench_cpu_now() - t0) / (double)o.iters * 1e3;
        }
        po_bench_report("cornn_cpu1_ms_per_iter", t, runs);
        po_mat_free(W);
    }
    if (wanted(argc, argv, "force")) {
        po_mat Y = po_mat_block(X, 0, 0, NT, 50);
        po_mat *W = po_mat_alloc(50, 50);
        po_force_opts o = po_force_opts_defaults();
        o.passes = 1;
        po_force_info info = {.pvar_trace = NULL};
        for (size_t r = 0; r < runs; r++) {
            double t0 = po_bench_cpu_now();
            if (po_fit_force(&Y, &o, W, &info) != PO_OK) fail();
            t[r] = po_bench_cpu_now() - t0;
        }
        printf("force one pass: chi2 %.6g, pVar %.4f\n", info.chi2, info.pvar);
        po_bench_report("force_pass_d50_T30000", t, runs);
        double pass = po_bench_median(t, runs);
        enum { N = 50 };
        double *P = calloc(N * N, sizeof *P), *J = calloc(N * N, sizeof *J), k[N], y[N], e[N];
        if (!P || !J) exit(1);
        double floor_t[2] = {0.0, 0.0};
        for (int part = 0; part < 2; part++) { /* 0: whole floor, 1: rank-1 updates only */
            for (size_t r = 0; r < runs; r++) {
                for (size_t i = 0; i < N; i++) P[i * N + i] = 1.0;
                double t0 = po_bench_cpu_now();
                for (size_t s = 0; s + 1 < NT; s++) {
                    const double *x = X->data + s * X->ld;
                    if (part == 0) {
                        cblas_dsymv(CblasRowMajor, CblasUpper, N, 1.0, P, N, x, 1, 0.0, k, 1);
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, N, N, 1.0, J, N, x, 1, 0.0, y, 1);
                    } else {
                        for (size_t i = 0; i < N; i++) k[i] = 1e-3 * x[i], y[i] = 0.0;
                    }
                    for (size_t i = 0; i < N; i++) e[i] = y[i] - x[X->ld + i];
                    cblas_dsyr(CblasRowMajor, CblasUpper, N, -1e-3, k, 1, P, N);
                    cblas_dger(CblasRowMajor, N, N, -1e-3, e, 1, k, 1, J, N);
                }
                t[r] = po_bench_cpu_now() - t0;
            }
            po_bench_report(part == 0 ? "force_floor_d50_T30000" : "force_rank1_d50_T30000", t,
                            runs);
            floor_t[part] = po_bench_median(t, runs);
        }
        printf("force pass / BLAS floor = %.2f, / rank-1 updates alone = %.2f (target <= 2)\n",
               pass / floor_t[0], pass / floor_t[1]);
        free(P);
        free(J);
        po_mat_free(W);
    }
    if (wanted(argc, argv, "paper")) {
        po_mat Y = po_mat_block(X, 0, 0, NT, 50);
        po_mat *W = po_mat_alloc(50, 50);
        po_force_opts o = po_force_opts_defaults();
        o.t1 = 5000;
        po_force_info info = {.pvar_trace = NULL};
        size_t n = runs < 3 ? runs : 3;
        for (size_t r = 0; r < n; r++) {
            double t0 = po_bench_now();
            if (po_fit_force(&Y, &o, W, &info) != PO_OK) fail();
            t[r] = po_bench_now() - t0;
        }
        printf("force 1000 passes x 5000 rows: chi2 %.6g, pVar %.4f\n", info.chi2, info.pvar);
        po_bench_report("force_paper_d50_1000x5000", t, n);
        po_mat_free(W);
    }
    po_mat_free(X);
    return 0;
}
