/* Attractor analysis cost (include/partobs/attractors.h; issue 4 performance
 * target: the fixed-point search from 1000 initial states on a 50-unit
 * student in under 1 s). The networks are the Fig 5 case (SPEC.md §6): a
 * lowrank-osc tanh teacher (D = 500), simulated for T = 30000 steps, and MAP
 * students on its first 50 and 250 neurons. Pairs with bench/np_attractors.py,
 * which reads the 50-unit student this program writes to
 * $TMPDIR/partobs_bench_attractors_W50.npy (same matrix, same iteration).
 * Usage: bench_attractors [runs]. */
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "partobs/partobs.h"

static po_mat *student(const po_mat *X, size_t d)
{
    po_mat Y = po_mat_block(X, 0, 0, X->rows, d);
    po_ridge_opts ro = po_ridge_opts_defaults();
    ro.phi = PO_PHI_TANH;
    po_mat *W = po_mat_alloc(d, d);
    if (!W || po_fit_ridge(&Y, &ro, W, NULL) != PO_OK) {
        po_mat_free(W);
        return NULL;
    }
    return W;
}

#define MAX_RUNS 16

static int bench_fp(const char *name, const po_mat *W, size_t n_random, size_t runs)
{
    po_network net = {.W = W, .phi = PO_PHI_TANH, .leaky = PO_LEAKY_CURRENT, .alpha = 0.01};
    po_fp_opts o = po_fp_opts_defaults();
    o.n_random = n_random;
    double t[MAX_RUNS];
    size_t count = 0;
    for (size_t k = 0; k < runs; k++) {
        po_fixed_points *f = NULL;
        double t0 = po_bench_now();
        if (po_find_fixed_points(&net, &o, &f) != PO_OK) return 1;
        t[k] = po_bench_now() - t0;
        count = f->count;
        po_fixed_points_free(f);
    }
    printf("%s: %zu fixed points from %zu starts\n", name, count, po_fp_random_starts(&o, W->rows));
    po_bench_report(name, t, runs);
    return 0;
}

static int bench_limits(const char *name, const po_mat *W, size_t runs)
{
    po_network net = {.W = W, .phi = PO_PHI_TANH, .leaky = PO_LEAKY_CURRENT, .alpha = 0.01};
    po_limit_opts o = po_limit_opts_defaults();
    double t[MAX_RUNS];
    for (size_t k = 0; k < runs; k++) {
        po_limit_sets *s = NULL;
        double t0 = po_bench_now();
        if (po_find_limit_sets(&net, &o, &s) != PO_OK) return 1;
        t[k] = po_bench_now() - t0;
        po_limit_sets_free(s);
    }
    po_bench_report(name, t, runs);
    return 0;
}

static int bench_analyse(const char *name, const po_mat *W, size_t runs)
{
    po_network net = {.W = W, .phi = PO_PHI_TANH, .leaky = PO_LEAKY_CURRENT, .alpha = 0.01};
    double t[MAX_RUNS];
    for (size_t k = 0; k < runs; k++) {
        po_attractor_report *r = NULL;
        double t0 = po_bench_now();
        if (po_attractor_analyse(&net, NULL, NULL, &r) != PO_OK) return 1;
        t[k] = po_bench_now() - t0;
        if (k == 0)
            printf("%s: %zu stable fixed points, %zu limit cycles, %zu fixed points in all\n", name,
                   r->n_stable_fp, r->n_cycles, r->fixed_points->count);
        po_attractor_report_free(r);
    }
    po_bench_report(name, t, runs);
    return 0;
}

int main(int argc, char **argv)
{
    size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 5;
    if (runs < 1 || runs > MAX_RUNS) runs = 5;
    const size_t D = 500, T = 30000;
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, D);
    po_rng rng;
    po_rng_init(&rng, 2, PO_STREAM_CONNECTIVITY);
    po_teacher *teacher = NULL;
    po_linop *op = NULL;
    po_mat *X = po_mat_alloc(T, D);
    po_sim_opts so = po_sim_opts_defaults();
    so.T = T;
    so.phi = PO_PHI_TANH;
    so.seed = 2;
    if (!X || po_teacher_generate(&to, &rng, &teacher) != PO_OK ||
        po_linop_auto(teacher->W, &rng, &op) != PO_OK || po_sim_run(op, &so, NULL, X) != PO_OK) {
        fprintf(stderr, "bench_attractors: setup: %s\n", po_errmsg());
        return 1;
    }
    po_mat *S50 = student(X, 50), *S250 = student(X, 250);
    po_mat_free(X);
    if (!S50 || !S250) {
        fprintf(stderr, "bench_attractors: fit: %s\n", po_errmsg());
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/partobs_bench_attractors_W50.npy", tmp && *tmp ? tmp : "/tmp");
    if (po_npy_write_mat(path, S50) != PO_OK) fprintf(stderr, "bench_attractors: cannot write %s\n", path);

    int rc = bench_fp("fixed_points_n50_1000_starts", S50, 1000, runs) ||
             bench_fp("fixed_points_n250_default_starts", S250, 200, runs) ||
             bench_limits("limit_sets_n50_15x20000", S50, runs) ||
             bench_limits("limit_sets_n250_15x20000", S250, runs < 3 ? runs : 3) ||
             bench_analyse("analyse_teacher_D500_lowrank", teacher->W, runs < 3 ? runs : 3) ||
             bench_analyse("analyse_student_n50", S50, runs < 3 ? runs : 3) ||
             bench_analyse("analyse_student_n250", S250, runs < 3 ? runs : 3);
    if (rc) fprintf(stderr, "bench_attractors: %s\n", po_errmsg());
    po_mat_free(S50);
    po_mat_free(S250);
    po_linop_free(op);
    po_teacher_free(teacher);
    return rc;
}
