/* Infinite-data theory cost (SPEC.md §4.3, §5): the Lyapunov solve of a
 * dense stable teacher (D = 2000) and the full subsampling curve (every d)
 * of a D = 500 chain with skips (beta = 0.5) under a Haar orthogonal
 * transform (Fig F.3's teacher). Pairs with bench/np_theory.py.
 * Usage: bench_theory [lyap D [runs] | curves D [threads [runs]]]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "partobs/partobs.h"

static int fail(const char *what)
{
    fprintf(stderr, "bench_theory: %s: %s\n", what, po_errmsg());
    return 1;
}

static int bench_lyap(size_t D, size_t runs)
{
    po_mat *A = po_mat_alloc(D, D), *Q = po_mat_alloc(D, D), *X = po_mat_alloc(D, D);
    if (!A || !Q || !X) return fail("alloc");
    po_rng r;
    po_rng_init(&r, 1, PO_STREAM_CONNECTIVITY);
    /* B Gaussian with spectral radius ~0.8, A = B - I */
    for (size_t i = 0; i < D * D; i++) A->data[i] = 0.8 * po_rng_normal(&r) / sqrt((double)D);
    for (size_t i = 0; i < D; i++) PO_MAT_AT(A, i, i) -= 1.0;
    po_mat_set_identity(Q);
    double t[16];
    for (size_t k = 0; k < runs; k++) {
        double t0 = po_bench_now();
        if (po_lyapunov_solve(A, Q, X) != PO_OK) return fail("lyapunov");
        t[k] = po_bench_now() - t0;
    }
    char name[64];
    snprintf(name, sizeof name, "lyapunov_D%zu", D);
    po_bench_report(name, t, runs);
    po_mat_free(X);
    po_mat_free(Q);
    po_mat_free(A);
    return 0;
}

static int bench_curves(size_t D, size_t threads, size_t runs)
{
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_CHAIN, D);
    o.skip_interval = 1;
    o.skip_scale = 0.5;
    o.transforms = PO_TRANSFORM_ORTHO;
    po_rng r;
    po_rng_init(&r, 1, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    if (po_teacher_generate(&o, &r, &t) != PO_OK) return fail("teacher");
    po_curves_opts co = po_curves_opts_defaults();
    co.threads = threads;
    co.henrici = true;
    po_curves *c = po_curves_alloc(po_curves_count(&co, D), co.top_n, true);
    if (!c) return fail("alloc");
    double tm[16];
    for (size_t k = 0; k < runs; k++) {
        double t0 = po_bench_now();
        if (po_curves_compute(t->W, &co, c) != PO_OK) return fail("curves");
        tm[k] = po_bench_now() - t0;
    }
    char name[64];
    if (threads == 0)
        snprintf(name, sizeof name, "curves_D%zu", D);
    else
        snprintf(name, sizeof name, "curves_D%zu_threads%zu", D, threads);
    po_bench_report(name, tm, runs);
    po_curves_free(c);
    po_teacher_free(t);
    return 0;
}

/* A run count in 1..16 (the size of the timing arrays). */
static size_t runs_arg(const char *s)
{
    size_t r = (size_t)strtoul(s, NULL, 10);
    return r < 1 ? 1 : r > 16 ? 16 : r;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "lyap") == 0)
        return bench_lyap((size_t)strtoul(argv[2], NULL, 10),
                          argc >= 4 ? runs_arg(argv[3]) : 3);
    if (argc >= 3 && strcmp(argv[1], "curves") == 0)
        return bench_curves((size_t)strtoul(argv[2], NULL, 10),
                            argc >= 4 ? (size_t)strtoul(argv[3], NULL, 10) : 0,
                            argc >= 5 ? runs_arg(argv[4]) : 3);
    if (argc > 1) {
        fprintf(stderr, "usage: bench_theory [lyap D [runs] | curves D [threads [runs]]]\n");
        return 2;
    }
    return bench_lyap(500, 5) || bench_lyap(2000, 3) || bench_curves(500, 0, 3) ||
           bench_curves(500, 1, 1);
}
