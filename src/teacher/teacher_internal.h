/* Internal: the generator and transform steps behind po_teacher_generate().
 *
 * Each generator receives validated options, the connectivity rng and a
 * teacher whose W is an allocated D x D zero matrix. Generators whose W is an
 * exact low-rank product also set t->M and t->N and build W with
 * po_teacher_rebuild_w(). On error a step may leave partial results in t;
 * the caller frees the whole teacher.
 */
#ifndef PO_TEACHER_INTERNAL_H
#define PO_TEACHER_INTERNAL_H

#include "partobs/teacher.h"

typedef po_status (*po_teacher_gen_fn)(const po_teacher_opts *o, po_rng *rng, po_teacher *t);

/* generators.c */
po_status po_teacher_gen_gaussian(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_symmetric(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_triangular(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_chain(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
/* line_attractor.c */
po_status po_teacher_gen_line_attractor(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
/* schur.c: the use_schur branch of the triangular generator, W holds Q on entry. */
po_status po_teacher_schur_rescale(po_mat *w, double diagonal_comp);
/* lowrank.c */
po_status po_teacher_gen_lowrank(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_lowrank_osc(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_lowrank_normal(const po_teacher_opts *o, po_rng *rng, po_teacher *t);
po_status po_teacher_gen_lowrank_random(const po_teacher_opts *o, po_rng *rng, po_teacher *t);

/* transforms.c: apply o->transforms in SPEC order (ortho, perm, similarity). */
po_status po_teacher_apply_transforms(const po_teacher_opts *o, po_rng *rng, po_teacher *t);

/* PO_OK if t->W is finite, else PO_ENONFINITE naming the generator option
 * (scale, shift_scale, ...) whose magnitude overflowed it and, unless NULL,
 * the transform in which it did: finite options can still overflow W (issue
 * 10 item 5), and a teacher with NaN must never be returned. */
po_status po_teacher_check_overflow(const po_teacher_opts *o, const po_teacher *t,
                                    const char *transform);

/* Fill m with sd * N(0, 1), row by row (row-major order, like NumPy's C order). */
void po_teacher_fill_normal(po_rng *rng, po_mat *m, double sd);

/* w <- (w + w^T)/2, bitwise symmetric. */
void po_teacher_symmetrize(po_mat *w);

/* W = M N^T (t->M and t->N set). */
void po_teacher_rebuild_w(po_teacher *t);

#endif
