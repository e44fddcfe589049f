/* Simulation benchmarks (pairs with bench/np_sim.py; same RESULT names).
 *   sim_dense_tanh_D500_T30000[_loop|_noise]  dense tanh teacher, leaky current
 *   sim_dense_tanh_D500_T30000_1thread        the same on one thread (no NumPy twin)
 *   blas_dgemv_D500_x29999                    the BLAS limit: the T-1 bare OpenBLAS dgemv calls alone
 *   sim_lowrank_D5000_step                    rank-2 teacher through po_linop_lowrank, per step
 *   normals_1e7                               ziggurat normals
 * Usage: bench_sim [runs]  (default 3) */
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "linalg/linalg.h"
#include "partobs/partobs.h"

#define MAX_RUNS 32

static void die(const char *what)
{
    fprintf(stderr, "bench_sim: %s: %s\n", what, po_errmsg());
    exit(1);
}

static po_mat *gaussian(size_t rows, size_t cols, double sd, uint64_t seed)
{
    po_mat *m = po_mat_alloc(rows, cols);
    if (!m) die("alloc");
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_rng_fill_normal(&rng, m->data, rows * cols, 1, sd);
    return m;
}

static void bench_dense(size_t runs)
{
    size_t D = 500, T = 30000;
    po_mat *W = gaussian(D, D, 0.8 / 22.360679774997898, 1);
    po_mat *X = po_mat_alloc(T, D), *xi = po_mat_alloc(T - 1, D);
    po_linop *op;
    if (!X || !xi || po_linop_dense(W, &op)) die("dense setup");
    po_sim_opts o = po_sim_opts_defaults();
    o.T = T;
    o.phi = PO_PHI_TANH;
    double tot[MAX_RUNS], loop[MAX_RUNS], draw[MAX_RUNS], one[MAX_RUNS], blas[MAX_RUNS];
    for (size_t r = 0; r < runs; r++) {
        o.seed = r + 1;
        double t0 = po_bench_now();
        if (po_sim_run(op, &o, NULL, X)) die("po_sim_run");
        tot[r] = po_bench_now() - t0;
        po_rng rng;
        po_rng_init(&rng, o.seed, PO_STREAM_PROCESS_NOISE);
        t0 = po_bench_now();
        po_rng_fill_normal(&rng, xi->data, (T - 1) * D, 1, 1.0);
        draw[r] = po_bench_now() - t0;
        po_sim_inputs in = {.x0 = X->data, .xi = xi};
        t0 = po_bench_now();
        if (po_sim_run(op, &o, &in, X)) die("po_sim_run (replay)");
        loop[r] = po_bench_now() - t0;
        o.threads = 1; /* the sequential path, for comparison */
        t0 = po_bench_now();
        if (po_sim_run(op, &o, NULL, X)) die("po_sim_run (1 thread)");
        one[r] = po_bench_now() - t0;
        o.threads = 0;
        /* The floor for any exact method: one W x product per step (x varies
         * so that nothing can be cached across calls). */
        t0 = po_bench_now();
        for (size_t t = 0; t + 1 < T; t++)
            po_la_gemv(false, 1.0, W, &PO_MAT_AT(X, t, 0), 0.0, &PO_MAT_AT(X, t + 1, 0));
        blas[r] = po_bench_now() - t0;
    }
    po_bench_report("sim_dense_tanh_D500_T30000", tot, runs);
    po_bench_report("sim_dense_tanh_D500_T30000_loop", loop, runs);
    po_bench_report("sim_dense_tanh_D500_T30000_noise", draw, runs);
    po_bench_report("sim_dense_tanh_D500_T30000_1thread", one, runs);
    po_bench_report("blas_dgemv_D500_x29999", blas, runs);
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(X);
    po_mat_free(xi);
}

static void bench_lowrank(size_t runs)
{
    size_t D = 5000, T = 30000, r = 2;
    /* disjoint supports: N^T M = 0, so W = M N^T is nilpotent like lr_nn (SPEC.md §2) */
    po_mat *M = gaussian(D, r, 1.0, 2), *N = gaussian(D, r, 1.0, 3);
    for (size_t i = 0; i < D; i++)
        for (size_t k = 0; k < r; k++) PO_MAT_AT(i < D / 2 ? N : M, i, k) = 0.0;
    po_mat *X = po_mat_alloc(T, D);
    po_linop *op;
    if (!X || po_linop_lowrank(M, N, &op)) die("lowrank setup");
    po_sim_opts o = po_sim_opts_defaults();
    o.T = T;
    o.alpha = 0.01;
    double per[MAX_RUNS];
    for (size_t k = 0; k < runs; k++) {
        o.seed = k + 1;
        double t0 = po_bench_now();
        if (po_sim_run(op, &o, NULL, X)) die("po_sim_run lowrank");
        per[k] = (po_bench_now() - t0) / (double)(T - 1);
    }
    po_bench_report("sim_lowrank_D5000_step", per, runs);
    po_linop_free(op);
    po_mat_free(M);
    po_mat_free(N);
    po_mat_free(X);
}

static void bench_normals(size_t runs)
{
    size_t n = 10000000;
    double *buf = malloc(n * sizeof *buf), t[MAX_RUNS];
    if (!buf) die("alloc");
    for (size_t k = 0; k < runs; k++) {
        po_rng rng;
        po_rng_init(&rng, k + 1, PO_STREAM_PROCESS_NOISE);
        double t0 = po_bench_now();
        po_rng_fill_normal(&rng, buf, n, 1, 1.0);
        t[k] = po_bench_now() - t0;
    }
    po_bench_report("normals_1e7", t, runs);
    free(buf);
}

int main(int argc, char **argv)
{
    size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 3;
    if (runs < 1 || runs > MAX_RUNS) runs = 3;
    bench_dense(runs);
    bench_lowrank(runs);
    bench_normals(runs);
    return 0;
}
