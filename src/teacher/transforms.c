/* Post-transforms (SPEC.md §2), applied in the order ortho, perm, similarity;
 * t->U is the last one applied. Each transform draws its matrix after the
 * generator's draws and after the earlier transforms' draws.
 *
 * Low-rank teachers transform their factors (U M, U N for orthogonal and
 * permutation matrices; S M, S^{-T} N for a similarity) and rebuild
 * W = M N^T, which keeps W == M N^T and costs O(D^2 r) instead of O(D^3)
 * (except for drawing and factorising U itself). */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

/* m <- u m for a square u, through a temporary. */
static po_status left_multiply(const po_mat *u, po_mat *m)
{
    po_mat *tmp = po_mat_dup(m);
    if (!tmp) return PO_ENOMEM;
    po_la_gemm(false, false, 1.0, u, tmp, 0.0, m);
    po_mat_free(tmp);
    return PO_OK;
}

/* W <- U W U^T with U Haar orthogonal. */
static po_status ortho(po_rng *rng, po_teacher *t, po_mat *u)
{
    po_status st = po_haar_orthogonal(rng, u);
    if (st != PO_OK) return st;
    if (t->M) {
        st = left_multiply(u, t->M);
        if (st == PO_OK) st = left_multiply(u, t->N);
        if (st == PO_OK) po_teacher_rebuild_w(t);
        return st;
    }
    po_mat *uw = po_mat_alloc(t->W->rows, t->W->cols);
    if (!uw) return PO_ENOMEM;
    po_la_gemm(false, false, 1.0, u, t->W, 0.0, uw);
    po_la_gemm(false, true, 1.0, uw, u, 0.0, t->W);
    po_mat_free(uw);
    return PO_OK;
}

/* dst row i = src row p[i]. */
static void permute_rows(po_mat *dst, const po_mat *src, const size_t *p)
{
    for (size_t i = 0; i < dst->rows; i++)
        for (size_t j = 0; j < dst->cols; j++) PO_MAT_AT(dst, i, j) = PO_MAT_AT(src, p[i], j);
}

/* m <- P m with (P m)[i] = m[p[i]]. */
static po_status permute_rows_inplace(po_mat *m, const size_t *p)
{
    po_mat *tmp = po_mat_dup(m);
    if (!tmp) return PO_ENOMEM;
    permute_rows(m, tmp, p);
    po_mat_free(tmp);
    return PO_OK;
}

/* W <- P W P^T with P[i][p[i]] = 1, p uniform (Fisher-Yates from the top:
 * for i = D-1 down to 1, swap p[i] with p[po_rng_below(i+1)]). Entries move,
 * no arithmetic: (P W P^T)[i][j] = W[p[i]][p[j]]. */
static po_status perm(po_rng *rng, po_teacher *t, po_mat *u)
{
    size_t D = t->W->rows;
    size_t *p = malloc(D * sizeof *p);
    po_mat *tmp = t->M ? NULL : po_mat_dup(t->W);
    po_status st = p && (t->M || tmp) ? PO_OK : po_error(PO_ENOMEM, "cannot allocate permutation");
    if (st != PO_OK) goto done;
    for (size_t i = 0; i < D; i++) p[i] = i;
    for (size_t i = D; i-- > 1;) {
        size_t j = (size_t)po_rng_below(rng, (uint64_t)i + 1);
        size_t s = p[i];
        p[i] = p[j];
        p[j] = s;
    }
    for (size_t i = 0; i < D; i++) PO_MAT_AT(u, i, p[i]) = 1.0;
    if (t->M) {
        st = permute_rows_inplace(t->M, p);
        if (st == PO_OK) st = permute_rows_inplace(t->N, p);
        if (st == PO_OK) po_teacher_rebuild_w(t);
    } else {
        for (size_t i = 0; i < D; i++)
            for (size_t j = 0; j < D; j++) PO_MAT_AT(t->W, i, j) = PO_MAT_AT(tmp, p[i], p[j]);
    }
done:
    po_mat_free(tmp);
    free(p);
    return st;
}

/* W <- S W S^{-1}, S_ij ~ N(0, 1/sqrt(D)) with unit-norm columns, through an
 * LU factorisation of S (no explicit inverse). Dense W: B = (S W)^T, then
 * S^{-T} B = (S W S^{-1})^T, transposed back. */
static po_status similarity(po_rng *rng, po_teacher *t, po_mat *s)
{
    size_t D = t->W->rows;
    po_teacher_fill_normal(rng, s, 1.0 / sqrt((double)D));
    for (size_t j = 0; j < D; j++) {
        po_mat col = po_mat_block(s, 0, j, D, 1);
        double inv = 1.0 / po_mat_norm_fro(&col);
        for (size_t i = 0; i < D; i++) PO_MAT_AT(s, i, j) *= inv;
    }
    po_mat *lu = po_mat_dup(s);
    int *ipiv = malloc(D * sizeof *ipiv);
    po_mat *b = t->M ? NULL : po_mat_alloc(D, D);
    po_status st = lu && ipiv && (t->M || b)
                       ? PO_OK
                       : po_error(PO_ENOMEM, "cannot allocate similarity workspace (D = %zu)", D);
    if (st == PO_OK) st = po_la_lu_factor(lu, ipiv);
    if (st != PO_OK) goto done;
    if (t->M) {
        st = left_multiply(s, t->M);
        if (st != PO_OK) goto done;
        po_la_lu_solve(lu, ipiv, true, t->N);
        po_teacher_rebuild_w(t);
    } else {
        po_la_gemm(true, true, 1.0, t->W, s, 0.0, b);
        po_la_lu_solve(lu, ipiv, true, b);
        for (size_t i = 0; i < D; i++)
            for (size_t j = 0; j < D; j++) PO_MAT_AT(t->W, i, j) = PO_MAT_AT(b, j, i);
    }
done:
    po_mat_free(b);
    free(ipiv);
    po_mat_free(lu);
    return st;
}

po_status po_teacher_apply_transforms(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    static const struct {
        unsigned flag;
        const char *name;
        po_status (*apply)(po_rng *, po_teacher *, po_mat *);
    } steps[] = {{PO_TRANSFORM_ORTHO, "ortho", ortho},
                 {PO_TRANSFORM_PERM, "perm", perm},
                 {PO_TRANSFORM_SIMILARITY, "similarity", similarity}};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        if (!(o->transforms & steps[k].flag)) continue;
        po_mat *u = po_mat_alloc(o->D, o->D);
        if (!u) return PO_ENOMEM;
        po_status st = steps[k].apply(rng, t, u);
        po_mat_free(t->U); /* the teacher keeps only the last transform */
        t->U = u;
        if (st == PO_OK) st = po_teacher_check_overflow(o, t, steps[k].name);
        if (st != PO_OK) return st;
    }
    return PO_OK;
}
