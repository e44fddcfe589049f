/* po_teacher_generate: validate, run one generator, apply the post-transforms
 * (SPEC.md §2). The draw order of every generator is documented in
 * include/partobs/teacher.h. */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"
#include "core/alloc.h"

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
    /* W, the transform and the factorisation workspaces */
    po_status st = po_mem_reserve_check(po_mem_doubles(5.0 * (double)opts->D * (double)opts->D),
                                        "the D x D teacher");
    if (st != PO_OK) return st;

    po_teacher *t = calloc(1, sizeof *t);
    if (!t) return po_error(PO_ENOMEM, "cannot allocate the teacher");
    t->W = po_mat_alloc(opts->D, opts->D);
    st = t->W ? generators[opts->net](opts, rng, t) : PO_ENOMEM;
    if (st == PO_OK) st = po_teacher_check_overflow(opts, t, NULL);
    if (st == PO_OK) st = po_teacher_apply_transforms(opts, rng, t);
    if (st != PO_OK) {
        po_teacher_free(t);
        return st;
    }
    *out = t;
    return PO_OK;
}

/* The generator's magnitude options with their values; the largest in
 * magnitude is the one named when W overflows. */
static size_t magnitude_options(const po_teacher_opts *o, const char **names, double *values)
{
    size_t n = 0;
#define PO_OPT_(field) (names[n] = #field, values[n++] = o->field)
    switch (o->net) {
    case PO_NET_LOWRANK_OSC: PO_OPT_(shift_scale); break;
    case PO_NET_LOWRANK_NORMAL:
        PO_OPT_(max_eval);
        PO_OPT_(min_eval);
        break;
    case PO_NET_CHAIN:
        PO_OPT_(scale);
        PO_OPT_(skip_scale);
        PO_OPT_(diagonal_comp);
        break;
    case PO_NET_TRIANGULAR:
        PO_OPT_(scale);
        PO_OPT_(diagonal_comp);
        break;
    default: PO_OPT_(scale); break;
    }
#undef PO_OPT_
    return n;
}

po_status po_teacher_check_overflow(const po_teacher_opts *o, const po_teacher *t,
                                    const char *transform)
{
    const po_mat *w = t->W;
    for (size_t i = 0; i < w->rows; i++)
        for (size_t j = 0; j < w->cols; j++)
            if (!isfinite(PO_MAT_AT(w, i, j))) goto overflow;
    return PO_OK;
overflow:;
    const char *names[3];
    double values[3];
    size_t n = magnitude_options(o, names, values), k = 0;
    for (size_t m = 1; m < n; m++)
        if (fabs(values[m]) > fabs(values[k])) k = m;
    if (transform)
        return po_error(PO_ENONFINITE,
                        "%s = %g makes the weights overflow in the %s transform (W has non-finite "
                        "entries); use a smaller %s",
                        names[k], values[k], transform, names[k]);
    return po_error(PO_ENONFINITE,
                    "%s = %g makes the weights overflow (W has non-finite entries); use a smaller "
                    "%s",
                    names[k], values[k], names[k]);
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
