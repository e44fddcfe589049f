/* Symmetric positive definite matrices: norm and Cholesky condition estimate
 * (used by fit to decide when to trust a Cholesky solve, SPEC.md §4.1). */
#include "linalg.h"

#include <assert.h>
#include <lapacke.h>

static lapack_int as_lapack_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (lapack_int)n;
}

double po_la_sym_norm1(const po_mat *a)
{
    assert(a->rows == a->cols);
    if (a->rows == 0) return 0.0;
    return LAPACKE_dlansy(LAPACK_ROW_MAJOR, '1', 'U', as_lapack_int(a->rows), a->data,
                          as_lapack_int(a->ld));
}

po_status po_la_cholesky_rcond(const po_mat *factor, double anorm, double *rcond)
{
    assert(factor->rows == factor->cols);
    *rcond = 1.0;
    if (factor->rows == 0) return PO_OK;
    lapack_int info = LAPACKE_dpocon(LAPACK_ROW_MAJOR, 'U', as_lapack_int(factor->rows),
                                     factor->data, as_lapack_int(factor->ld), anorm, rcond);
    if (info != 0) return po_error(PO_ELINALG, "dpocon failed (info %d)", (int)info);
    return PO_OK;
}
