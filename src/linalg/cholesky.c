/* Symmetric positive definite matrices: the Cholesky factorisation and what
 * uses its factor (solve, inverse, condition estimate), the triangular
 * inverse, and the symmetric 1-norm (SPEC.md §4.1, §4.3, §5).
 *
 * One factorisation for every caller: LAPACK's column-major 'L' on the
 * row-major buffer of the symmetric g, which LAPACK sees as g^T = g, so the
 * factor lands in the row-major upper triangle as R with g = R^T R, without
 * the transposing copy (and allocation) of LAPACKE's row-major interface;
 * the per-d loop of the curves and Newton's method call it many times. */
#include "linalg.h"
#include "linalg_int.h"

po_status po_la_cholesky(po_mat *g)
{
    assert(g->rows == g->cols);
    if (g->rows == 0) return PO_OK;
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', po_la_int(g->rows), g->data,
                                          po_la_int(g->ld));
    if (info > 0)
        return po_error(PO_ESINGULAR,
                        "matrix is not positive definite (Cholesky failed at pivot %d of %zu)",
                        (int)info, g->rows);
    if (info < 0) return po_error(PO_ELINALG, "dpotrf: invalid argument %d", (int)-info);
    return PO_OK;
}

void po_la_cholesky_solve_right(const po_mat *factor, po_mat *b)
{
    /* x g = b  <=>  g x^T = b^T. A row-major m x n b is the column-major n x m
     * matrix b^T, so LAPACK's column-major solve works in place. g = R^T R
     * with R upper row-major, which is R^T lower in column-major terms.
     * Arguments are valid by construction, so info is always 0. */
    assert(factor->rows == b->cols);
    if (b->rows == 0 || b->cols == 0) return;
    LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', po_la_int(factor->rows), po_la_int(b->rows),
                        factor->data, po_la_int(factor->ld), b->data, po_la_int(b->ld));
}

po_status po_la_cholesky_inverse(po_mat *g)
{
    assert(g->rows == g->cols);
    if (g->rows == 0) return PO_OK;
    lapack_int info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'L', po_la_int(g->rows), g->data,
                                          po_la_int(g->ld));
    if (info != 0)
        return po_error(PO_ESINGULAR, "Cholesky inverse failed (dpotri info %d)", (int)info);
    po_la_symmetrize_upper(g);
    return PO_OK;
}

po_status po_la_cholesky_rcond(const po_mat *factor, double anorm, double *rcond)
{
    assert(factor->rows == factor->cols);
    *rcond = 1.0;
    if (factor->rows == 0) return PO_OK;
    lapack_int info = LAPACKE_dpocon(LAPACK_ROW_MAJOR, 'U', po_la_int(factor->rows), factor->data,
                                     po_la_int(factor->ld), anorm, rcond);
    if (info != 0) return po_error(PO_ELINALG, "dpocon failed (info %d)", (int)info);
    return PO_OK;
}

double po_la_sym_norm1(const po_mat *a)
{
    assert(a->rows == a->cols);
    if (a->rows == 0) return 0.0;
    return LAPACKE_dlansy(LAPACK_ROW_MAJOR, '1', 'U', po_la_int(a->rows), a->data,
                          po_la_int(a->ld));
}

po_status po_la_tri_inverse_upper(po_mat *r)
{
    assert(r->rows == r->cols);
    if (r->rows == 0) return PO_OK;
    /* Row-major upper is column-major lower of the same buffer. */
    lapack_int info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'L', 'N', po_la_int(r->rows), r->data,
                                          po_la_int(r->ld));
    if (info != 0)
        return po_error(PO_ESINGULAR, "triangular factor is singular (dtrtri info %d)", (int)info);
    return PO_OK;
}
