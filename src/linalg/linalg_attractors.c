/* LAPACK wrappers for the attractor analysis (include/partobs/attractors.h):
 * LU factorisation and solve of a small square system without the
 * transposing copies (and their allocations) that LAPACKE's row-major
 * interface makes, because Newton's method solves one system per iteration
 * from thousands of starts. */
#include "linalg.h"

#include <assert.h>
#include <lapacke.h>

static int as_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (int)n;
}

po_status po_la_lu_factor_nocopy(po_mat *a, int *ipiv)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    /* The row-major a is the column-major a^T: factor a^T = P L U in place. */
    lapack_int info =
        LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, as_int(n), as_int(n), a->data, as_int(a->ld), ipiv);
    if (info > 0)
        return po_error(PO_ESINGULAR, "matrix is singular (LU pivot %d of %zu is zero)", (int)info,
                        n);
    if (info < 0) return po_error(PO_ELINALG, "dgetrf: invalid argument %d", (int)-info);
    return PO_OK;
}

void po_la_lu_solve_nocopy(const po_mat *lu, const int *ipiv, double *b)
{
    assert(lu->rows == lu->cols);
    size_t n = lu->rows;
    if (n == 0) return;
    /* The factor is of a^T, so a x = b is the transposed solve. */
    LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', as_int(n), 1, lu->data, as_int(lu->ld), ipiv, b,
                        as_int(n));
}

po_status po_la_cholesky_nocopy(po_mat *a)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    /* Symmetric: the row-major upper triangle is the column-major lower one. */
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', as_int(n), a->data, as_int(a->ld));
    if (info > 0)
        return po_error(PO_ESINGULAR, "matrix is not positive definite (pivot %d of %zu)",
                        (int)info, n);
    if (info < 0) return po_error(PO_ELINALG, "dpotrf: invalid argument %d", (int)-info);
    return PO_OK;
}

void po_la_cholesky_solve_nocopy(const po_mat *factor, double *b)
{
    size_t n = factor->rows;
    if (n == 0) return;
    LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', as_int(n), 1, factor->data, as_int(factor->ld), b,
                        as_int(n));
}
