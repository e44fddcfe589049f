/* Large students (docs/scaling.md, issue 13 part 3): one MAP fit (SPEC.md
 * §4.1, linear) of d recorded neurons over T steps, timed by stage, next to
 * the BLAS floor of its sums measured in the same process.
 *
 * Y is synthetic (an AR(1) process per neuron with a shared random mixing is
 * not needed for timing: N(0, 0.5^2) entries, as bench_fit), so that the
 * measurement is about the fit, not about simulating a D > d teacher.
 * Memory: Y is T d 8 bytes (4 GB at d = 5000, T = 100000), the sums 2 d^2 8
 * bytes per chunk (ridge.c uses one chunk from d = 2000).
 *
 * Usage: bench_scale d T      e.g. /usr/bin/time -v ./build/bench_scale 5000 100000
 * Prints the time to draw Y, of the fit (po_fit_ridge, wall and CPU), of one
 * dsyrk + one dgemm of the same sizes (the floor of the sums), and of one
 * dpotrf of a d x d SPD matrix (the d^3/3 part of the solve).
 */
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "linalg/linalg.h"
#include "partobs/partobs.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_scale d T\n");
        return 2;
    }
    size_t d = (size_t)atol(argv[1]), T = (size_t)atol(argv[2]);
    if (d < 2 || T < 2 * d) {
        fprintf(stderr, "bench_scale: need d >= 2 and T >= 2 d\n");
        return 2;
    }
    double load[3] = {0.0, 0.0, 0.0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1.0;
        fclose(f);
    }
    printf("d = %zu, T = %zu: Y %.2f GB, Gram %.1f MB; BLAS threads %d, %s; load %.2f %.2f %.2f\n",
           d, T, (double)T * (double)d * 8e-9, (double)d * (double)d * 8e-6, po_blas_threads(),
           po_blas_info(), load[0], load[1], load[2]);
    double t0 = po_bench_now();
    po_mat *Y = po_mat_alloc(T, d), *W = po_mat_alloc(d, d), *G = po_mat_alloc(d, d),
           *C = po_mat_alloc(d, d);
    if (!Y || !W || !G || !C) {
        fprintf(stderr, "bench_scale: out of memory\n");
        return 1;
    }
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, Y->data, T * d, 1, 0.5);
    printf("draw Y: %.2f s\n", po_bench_now() - t0);

    /* The fit as the CLI runs it: partobs's threads, one BLAS thread inside. */
    int blas = po_blas_threads();
    po_blas_set_threads(1);
    po_ridge_opts o = po_ridge_opts_defaults();
    po_ridge_info info;
    t0 = po_bench_now();
    double c0 = po_bench_cpu_now();
    if (po_fit_ridge(Y, &o, W, &info) != PO_OK) {
        fprintf(stderr, "bench_scale: %s\n", po_errmsg());
        return 1;
    }
    printf("fit: %.2f s wall, %.2f s CPU (rcond %.3g)\n", po_bench_now() - t0,
           po_bench_cpu_now() - c0, info.rcond);
    po_blas_set_threads(blas);

    po_mat X = po_mat_block(Y, 0, 0, T - 1, d), Xp = po_mat_block(Y, 1, 0, T - 1, d);
    t0 = po_bench_now();
    po_la_syrk_t(1.0, &X, 0.0, G);
    double ts = po_bench_now() - t0;
    t0 = po_bench_now();
    po_la_gemm(true, false, 1.0, &Xp, &X, 0.0, C);
    double tg = po_bench_now() - t0;
    for (size_t i = 0; i < d; i++) PO_MAT_AT(G, i, i) += 1.0;
    t0 = po_bench_now();
    po_status st = po_la_cholesky(G);
    double tc = po_bench_now() - t0;
    double flop = (double)d * (double)d * (double)(T - 1);
    printf("floor: dsyrk %.2f s (%.1f GFLOP/s), dgemm %.2f s (%.1f GFLOP/s), sum %.2f s\n", ts,
           flop / ts * 1e-9, tg, 2.0 * flop / tg * 1e-9, ts + tg);
    printf("dpotrf d = %zu: %.2f s (%s)\n", d, tc, st == PO_OK ? "ok" : "failed");
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(W);
    po_mat_free(Y);
    return 0;
}
