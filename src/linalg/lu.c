/* General square systems: LU factorisation with partial pivoting and solves.
 * Two forms: LAPACKE's row-major one (the teacher's similarity transforms,
 * SPEC.md §2, several right-hand sides), and one without LAPACKE's
 * transposing copies (and their allocations) for Newton's method
 * (include/partobs/attractors.h), which solves one small system per
 * iteration from thousands of starts. */
#include "linalg.h"
#include "linalg_int.h"

/* The pivot arrays in linalg.h are plain int. */
_Static_assert(sizeof(lapack_int) == sizeof(int), "lapack_int must be int (LP64 LAPACKE)");

static po_status lu_status(lapack_int info, size_t n)
{
    if (info > 0)
        return po_error(PO_ESINGULAR, "matrix is singular (LU pivot %d of %zu is zero)", (int)info,
                        n);
    if (info < 0) return po_error(PO_ELINALG, "dgetrf: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_lu_factor(po_mat *a, int *ipiv)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    return lu_status(LAPACKE_dgetrf(LAPACK_ROW_MAJOR, po_la_int(n), po_la_int(n), a->data,
                                    po_la_int(a->ld), ipiv),
                     n);
}

void po_la_lu_solve(const po_mat *lu, const int *ipiv, bool trans, po_mat *b)
{
    assert(lu->rows == lu->cols && b->rows == lu->rows);
    if (b->rows == 0 || b->cols == 0) return;
    /* Arguments are valid by construction, so info is always 0. */
    LAPACKE_dgetrs(LAPACK_ROW_MAJOR, trans ? 'T' : 'N', po_la_int(lu->rows), po_la_int(b->cols),
                   lu->data, po_la_int(lu->ld), ipiv, b->data, po_la_int(b->ld));
}

po_status po_la_lu_factor_nocopy(po_mat *a, int *ipiv)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    /* The row-major a is the column-major a^T: factor a^T = P L U in place. */
    return lu_status(LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, po_la_int(n), po_la_int(n), a->data,
                                         po_la_int(a->ld), ipiv),
                     n);
}

void po_la_lu_solve_nocopy(const po_mat *lu, const int *ipiv, double *b)
{
    assert(lu->rows == lu->cols);
    size_t n = lu->rows;
    if (n == 0) return;
    /* The factor is of a^T, so a x = b is the transposed solve. */
    LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', po_la_int(n), 1, lu->data, po_la_int(lu->ld), ipiv,
                        b, po_la_int(n));
}
