/* MAP / ridge fit (SPEC.md §4.1), d = 400, T = 30000, tanh, leaky-current,
 * against the hardware limit measured in the same program: one OpenBLAS dsyrk
 * of the same size (T x d -> d x d) and one dgemm d x d x T.
 *
 * Flop count: the fit needs G = Phi^T Phi (syrk, d^2 T flops) and
 * C = Delta^T Phi (gemm, 2 d^2 T flops), so at equal BLAS efficiency it costs
 * 3 syrks; see bench/README.md.
 *
 * Usage: bench_fit [runs]           results (RESULT lines, see benchutil.h)
 *        bench_fit sweep            fit time for several block sizes
 *        bench_fit once [linear]    one fit only (for /usr/bin/time -v peak RSS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "linalg/linalg.h"
#include "partobs/partobs.h"

#define D 400
#define T 30000
#define MAX_RUNS 64

static po_mat *make_data(void)
{
    po_mat *Y = po_mat_alloc(T, D);
    if (!Y) return NULL;
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, Y->data, (size_t)T * D, 1, 0.5);
    return Y;
}

static double time_fit(const po_mat *Y, const po_ridge_opts *o, po_mat *W)
{
    double t0 = po_bench_now();
    po_status st = po_fit_ridge(Y, o, W, NULL);
    double t1 = po_bench_now();
    if (st != PO_OK) {
        fprintf(stderr, "bench_fit: %s\n", po_errmsg());
        exit(1);
    }
    return t1 - t0;
}

static void bench_fit(const po_mat *Y, po_phi phi, size_t block, const char *name, size_t runs,
                      double *median)
{
    po_ridge_opts o = po_ridge_opts_defaults();
    o.phi = phi;
    o.block = block;
    po_mat *W = po_mat_alloc(D, D);
    double t[MAX_RUNS];
    time_fit(Y, &o, W); /* warm-up: BLAS threads, page faults of the workspace */
    for (size_t r = 0; r < runs; r++) t[r] = time_fit(Y, &o, W);
    po_bench_report(name, t, runs);
    if (median) *median = po_bench_median(t, runs);
    po_mat_free(W);
}

int main(int argc, char **argv)
{
    po_mat *Y = make_data();
    if (!Y) return 1;
    if (argc > 1 && strcmp(argv[1], "once") == 0) {
        po_ridge_opts o = po_ridge_opts_defaults();
        o.phi = argc > 2 && strcmp(argv[2], "linear") == 0 ? PO_PHI_LINEAR : PO_PHI_TANH;
        po_mat *W = po_mat_alloc(D, D);
        printf("fit %.3f s; Y is %.1f MiB\n", time_fit(Y, &o, W),
               (double)T * D * sizeof(double) / 1048576.0);
        po_mat_free(W);
        po_mat_free(Y);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "sweep") == 0) {
        const size_t blocks[] = {128, 256, 512, 1024, 2048, 4096};
        for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
            char name[64];
            snprintf(name, sizeof name, "fit_tanh_block%zu", blocks[i]);
            bench_fit(Y, PO_PHI_TANH, blocks[i], name, 7, NULL);
        }
        po_mat_free(Y);
        return 0;
    }
    size_t runs = argc > 1 ? (size_t)atoi(argv[1]) : 9;
    if (runs < 1 || runs > MAX_RUNS) runs = 9;
    printf("d = %d, T = %d, BLAS threads %d\n", D, T, po_la_blas_threads());

    double fit_med, syrk_med, t[MAX_RUNS];
    bench_fit(Y, PO_PHI_TANH, 0, "fit_tanh_d400_T30000", runs, &fit_med);
    bench_fit(Y, PO_PHI_LINEAR, 0, "fit_linear_d400_T30000", runs, NULL);

    po_mat *G = po_mat_alloc(D, D), *C = po_mat_alloc(D, D);
    po_mat X = po_mat_block(Y, 0, 0, T - 1, D), Xp = po_mat_block(Y, 1, 0, T - 1, D);
    po_la_syrk_t(1.0, &X, 0.0, G);
    for (size_t r = 0; r < runs; r++) {
        double t0 = po_bench_now();
        po_la_syrk_t(1.0, &X, 0.0, G);
        t[r] = po_bench_now() - t0;
    }
    po_bench_report("dsyrk_d400_T30000", t, runs);
    syrk_med = po_bench_median(t, runs);
    for (size_t r = 0; r < runs; r++) {
        double t0 = po_bench_now();
        po_la_gemm(true, false, 1.0, &Xp, &X, 0.0, C);
        t[r] = po_bench_now() - t0;
    }
    po_bench_report("dgemm_d400_d400_T30000", t, runs);
    double gemm_med = po_bench_median(t, runs);
    double flop = (double)D * D * (T - 1);
    printf("dsyrk %.1f GFLOP/s, dgemm %.1f GFLOP/s, fit (3 d^2 T flops) %.1f GFLOP/s\n",
           flop / syrk_med * 1e-9, 2.0 * flop / gemm_med * 1e-9, 3.0 * flop / fit_med * 1e-9);
    printf("fit / dsyrk = %.2f (target <= 2); (dsyrk + dgemm) / dsyrk = %.2f\n",
           fit_med / syrk_med, (syrk_med + gemm_med) / syrk_med);
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(Y);
    return 0;
}
