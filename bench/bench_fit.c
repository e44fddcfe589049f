/* MAP / ridge fit (SPEC.md §4.1), d = 400, T = 30000, tanh, leaky-current,
 * against the hardware limit measured in the same program: one OpenBLAS dsyrk
 * of the same size (T x d -> d x d) and one dgemm d x d x T.
 *
 * Flop count: the fit needs G = Phi^T Phi (syrk, d^2 T flops) and
 * C = Delta^T Phi (gemm, 2 d^2 T flops), so at equal BLAS efficiency it costs
 * 3 syrks (docs/methods.md, "MAP / ridge student").
 *
 * Both wall and CPU time are reported (name_cpu): OpenBLAS's threads spin
 * while they wait, so run with OPENBLAS_NUM_THREADS=1 for a CPU-time ratio.
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

/* Time one call of each contender per round, interleaved, so that a change
 * in machine load hits all of them alike. */
enum { FIT_TANH, FIT_LINEAR, SYRK, GEMM, NCASE };

/* Wall time; *cpu receives the process CPU time of the same call. The fit
 * runs as in the CLI, on partobs's threads with a one-thread BLAS inside
 * (partobs/version.h); the floor products on the program's BLAS threads. */
static double run_case(int c, const po_mat *Y, po_mat *W, po_mat *G, po_mat *C, int blas,
                       double *cpu)
{
    po_mat X = po_mat_block(Y, 0, 0, T - 1, D), Xp = po_mat_block(Y, 1, 0, T - 1, D);
    po_ridge_opts o = po_ridge_opts_defaults();
    o.phi = c == FIT_TANH ? PO_PHI_TANH : PO_PHI_LINEAR;
    po_blas_set_threads(c == FIT_TANH || c == FIT_LINEAR ? 1 : blas);
    double c0 = po_bench_cpu_now(), t0 = po_bench_now();
    switch (c) {
    case FIT_TANH:
    case FIT_LINEAR: (void)time_fit(Y, &o, W); break;
    case SYRK: po_la_syrk_t(1.0, &X, 0.0, G); break;
    default: po_la_gemm(true, false, 1.0, &Xp, &X, 0.0, C); break;
    }
    double t = po_bench_now() - t0;
    *cpu = po_bench_cpu_now() - c0;
    po_blas_set_threads(blas);
    return t;
}

static void sweep(const po_mat *Y)
{
    const size_t blocks[] = {128, 256, 512, 1024, 2048, 4096};
    enum { NB = sizeof blocks / sizeof *blocks, RUNS = 7 };
    double t[NB][RUNS];
    po_mat *W = po_mat_alloc(D, D);
    for (size_t r = 0; r < RUNS; r++)
        for (size_t i = 0; i < NB; i++) {
            po_ridge_opts o = po_ridge_opts_defaults();
            o.phi = PO_PHI_TANH;
            o.block = blocks[i];
            t[i][r] = time_fit(Y, &o, W);
        }
    for (size_t i = 0; i < NB; i++) {
        char name[64];
        snprintf(name, sizeof name, "fit_tanh_block%zu", blocks[i]);
        po_bench_report(name, t[i], RUNS);
    }
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
        sweep(Y);
        po_mat_free(Y);
        return 0;
    }
    size_t runs = argc > 1 ? (size_t)atoi(argv[1]) : 9;
    if (runs < 1 || runs > MAX_RUNS) runs = 9;
    printf("d = %d, T = %d, BLAS threads %d\n", D, T, po_blas_threads());

    static const char *names[NCASE] = {"fit_tanh_d400_T30000", "fit_linear_d400_T30000",
                                       "dsyrk_d400_T30000", "dgemm_d400_d400_T30000"};
    int blas = po_blas_threads();
    double t[NCASE][MAX_RUNS], cpu[NCASE][MAX_RUNS], med[NCASE], cmed[NCASE];
    po_mat *W = po_mat_alloc(D, D), *G = po_mat_alloc(D, D), *C = po_mat_alloc(D, D);
    for (int c = 0; c < NCASE; c++) run_case(c, Y, W, G, C, blas, &cpu[c][0]); /* warm-up */
    for (size_t r = 0; r < runs; r++)
        for (int c = 0; c < NCASE; c++) t[c][r] = run_case(c, Y, W, G, C, blas, &cpu[c][r]);
    for (int c = 0; c < NCASE; c++) {
        po_bench_report(names[c], t[c], runs);
        med[c] = po_bench_median(t[c], runs);
        char name[64];
        snprintf(name, sizeof name, "%s_cpu", names[c]);
        po_bench_report(name, cpu[c], runs);
        cmed[c] = po_bench_median(cpu[c], runs);
    }
    double fit_med = med[FIT_TANH], syrk_med = med[SYRK], gemm_med = med[GEMM];
    double flop = (double)D * D * (T - 1);
    printf("dsyrk %.1f GFLOP/s, dgemm %.1f GFLOP/s, fit (3 d^2 T flops) %.1f GFLOP/s\n",
           flop / syrk_med * 1e-9, 2.0 * flop / gemm_med * 1e-9, 3.0 * flop / fit_med * 1e-9);
    printf("fit / dsyrk = %.2f (target <= 2); (dsyrk + dgemm) / dsyrk = %.2f\n",
           fit_med / syrk_med, (syrk_med + gemm_med) / syrk_med);
    printf("linear fit / dsyrk = %.2f\n", med[FIT_LINEAR] / syrk_med);
    printf("tanh fit / (dsyrk + dgemm) = %.2f wall, %.2f CPU time (target <= 1.3)\n",
           fit_med / (syrk_med + gemm_med), cmed[FIT_TANH] / (cmed[SYRK] + cmed[GEMM]));
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(W);
    po_mat_free(Y);
    return 0;
}
