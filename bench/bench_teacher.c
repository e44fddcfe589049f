/* Teacher generation times (SPEC.md §2) at the paper's sizes; pairs with
 * bench/np_teacher.py. */
#include <stdio.h>

#include "benchutil.h"
#include "partobs/partobs.h"

#define RUNS 5

static void run(const char *name, po_teacher_opts o)
{
    double times[RUNS];
    for (int k = 0; k < RUNS; k++) {
        po_rng rng;
        po_rng_init(&rng, (uint64_t)k, PO_STREAM_CONNECTIVITY);
        po_teacher *t = NULL;
        double t0 = po_bench_now();
        po_status st = po_teacher_generate(&o, &rng, &t);
        times[k] = po_bench_now() - t0;
        if (st != PO_OK) {
            fprintf(stderr, "%s: %s\n", name, po_errmsg());
            return;
        }
        po_teacher_free(t);
    }
    po_bench_report(name, times, RUNS);
}

int main(void)
{
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK, 5000);
    run("teacher_lowrank_D5000_r2", o);
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 500);
    o.transforms = PO_TRANSFORM_ORTHO;
    run("teacher_gaussian_ortho_D500", o);
    o = po_teacher_opts_defaults(PO_NET_LINE_ATTRACTOR, 500);
    run("teacher_line_attractor_D500", o);
    o = po_teacher_opts_defaults(PO_NET_TRIANGULAR, 500);
    o.scale = 2.8;
    o.use_schur = true;
    run("teacher_triangular_schur_D500", o);
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, 500);
    o.rank = 500;
    o.diagonal = true;
    o.transforms = PO_TRANSFORM_SIMILARITY;
    run("teacher_lowrank_normal_similarity_D500", o);
    return 0;
}
