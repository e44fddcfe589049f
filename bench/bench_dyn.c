/* Spectral analysis cost (SPEC.md §5): po_spectrum_compute on a dense
 * Gaussian connectivity (eigenvalues by dgeev, singular values, tau, LAS,
 * Henrici). Pairs with bench/np_dyn.py. Usage: bench_dyn [D ...]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "partobs/partobs.h"

static int run(size_t D, size_t runs)
{
    po_mat *W = po_mat_alloc(D, D);
    po_spectrum *s = po_spectrum_alloc(D);
    if (!W || !s) return 1;
    po_rng r;
    po_rng_init(&r, 1, PO_STREAM_CONNECTIVITY);
    for (size_t i = 0; i < D * D; i++) W->data[i] = 1.2 * po_rng_normal(&r) / sqrt((double)D);
    double t[16];
    for (size_t k = 0; k < runs; k++) {
        double t0 = po_bench_now();
        if (po_spectrum_compute(W, s) != PO_OK) {
            fprintf(stderr, "bench_dyn: %s\n", po_errmsg());
            return 1;
        }
        t[k] = po_bench_now() - t0;
    }
    char name[64];
    snprintf(name, sizeof name, "spectrum_D%zu", D);
    po_bench_report(name, t, runs);
    po_spectrum_free(s);
    po_mat_free(W);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return run(500, 7) || run(2000, 3);
    for (int i = 1; i < argc; i++)
        if (run((size_t)strtoul(argv[i], NULL, 10), 3)) return 1;
    return 0;
}
