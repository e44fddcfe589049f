/* Dense generators (SPEC.md §2): gaussian, symmetric, triangular, chain. */
#include <math.h>

#include "teacher_internal.h"

static double entry_sd(const po_teacher_opts *o) { return o->scale / sqrt((double)o->D); }

/* W_ij ~ N(0, scale/sqrt(D)); zero diagonal without self loops. */
po_status po_teacher_gen_gaussian(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    po_teacher_fill_normal(rng, t->W, entry_sd(o));
    if (!o->self_loops)
        for (size_t i = 0; i < o->D; i++) PO_MAT_AT(t->W, i, i) = 0.0;
    return PO_OK;
}

/* W = (Q + Q^T)/2, Q_ij ~ N(0, scale/sqrt(D)); exactly symmetric. */
po_status po_teacher_gen_symmetric(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    po_status st = po_teacher_gen_gaussian(o, rng, t);
    po_teacher_symmetrize(t->W);
    return st;
}

/* Q_ij ~ N(0, scale/sqrt(D)) for the whole matrix (the lower triangle is drawn
 * and discarded in the plain variant, as in the reference, so both variants
 * consume the same draws). Plain: strict upper triangle of Q plus
 * diagonal_comp * I. use_schur: see schur.c. */
po_status po_teacher_gen_triangular(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    po_teacher_fill_normal(rng, t->W, entry_sd(o));
    if (o->use_schur) return po_teacher_schur_rescale(t->W, o->diagonal_comp);
    for (size_t i = 0; i < o->D; i++) {
        for (size_t j = 0; j < i; j++) PO_MAT_AT(t->W, i, j) = 0.0;
        PO_MAT_AT(t->W, i, i) = o->diagonal_comp;
    }
    return PO_OK;
}

/* Feedforward chain ("delay" in the reference), no randomness. Neuron i is
 * driven by neuron i+1 (W[i][i+1] = scale), so neuron 0 is the output end
 * (SPEC.md §9.5). Skips: row 0, columns 1 + k*skip_interval for k >= 1, set to
 * skip_scale before the superdiagonal is added; column 1 is never a skip
 * column, so W[0][1] = scale (the code's version, not the paper's 1 + beta). */
po_status po_teacher_gen_chain(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    (void)rng;
    size_t D = o->D;
    if (o->skip_interval > 0)
        for (size_t j = 1 + o->skip_interval; j < D; j += o->skip_interval)
            PO_MAT_AT(t->W, 0, j) = o->skip_scale;
    for (size_t i = 0; i + 1 < D; i++) PO_MAT_AT(t->W, i, i + 1) += o->scale;
    for (size_t i = 0; i < D; i++) PO_MAT_AT(t->W, i, i) += o->diagonal_comp;
    return PO_OK;
}
