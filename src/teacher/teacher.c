/* po_teacher_generate: validate, run one generator, apply the post-transforms
 * (SPEC.md §2). The draw order of every generator is documented in
 * include/partobs/teacher.h. */
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

static const po_teacher_gen_fn generators[PO_NET_COUNT_] = {
    [PO_NET_GAUSSIAN] = po_teacher_gen_gaussian,
    [PO_NET_SYMMETRIC] = po_teacher_gen_symmetric,
    [PO_NET_LINE_ATTRACTOR] = po_teacher_gen_line_attractor,
    [PO_NET_TRIANGULAR] = po_teacher_gen_triangular,
    [PO_NET_CHAIN] = po_teacher_gen_chain,
    [PO_NET_LOWRANK] = po_teacher_gen_lowrank,
    [PO_NET_LOWRANK_OSC] = po_teacher_gen_lowrank_osc,
    [PO_NET_LOWRANK_NORMAL] = po_teacher_gen_lowrank_normal,
    [PO_NET_LOWRANK_RANDOM] = po_teacher_gen_lowrank_random,
};

po_status po_teacher_generate(const po_teacher_opts *opts, po_rng *rng, po_teacher **out)
{
    if (!out) return po_error(PO_EINVAL, "po_teacher_generate: out is NULL");
    *out = NULL;
    if (!opts || !rng) return po_error(PO_EINVAL, "po_teacher_generate: NULL options or rng");
    const char *why = po_teacher_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "teacher options (%s): %s", po_net_name(opts->net), why);

    po_teacher *t = calloc(1, sizeof *t);
    if (!t) return po_error(PO_ENOMEM, "cannot allocate the teacher");
    t->W = po_mat_alloc(opts->D, opts->D);
    po_status st = t->W ? generators[opts->net](opts, rng, t) : PO_ENOMEM;
    if (st == PO_OK) st = po_teacher_apply_transforms(opts, rng, t);
    if (st != PO_OK) {
        po_teacher_free(t);
        return st;
    }
    *out = t;
    return PO_OK;
}

void po_teacher_free(po_teacher *t)
{
    if (!t) return;
    po_mat_free(t->W);
    po_mat_free(t->U);
    po_mat_free(t->M);
    po_mat_free(t->N);
    free(t);
}

void po_teacher_fill_normal(po_rng *rng, po_mat *m, double sd)
{
    for (size_t i = 0; i < m->rows; i++) po_rng_fill_normal(rng, &PO_MAT_AT(m, i, 0), m->cols, 1, sd);
}

void po_teacher_rebuild_w(po_teacher *t)
{
    po_la_gemm(false, true, 1.0, t->M, t->N, 0.0, t->W);
}

void po_teacher_symmetrize(po_mat *w)
{
    for (size_t i = 0; i < w->rows; i++)
        for (size_t j = i + 1; j < w->cols; j++) {
            double s = 0.5 * (PO_MAT_AT(w, i, j) + PO_MAT_AT(w, j, i));
            PO_MAT_AT(w, i, j) = s;
            PO_MAT_AT(w, j, i) = s;
        }
}
