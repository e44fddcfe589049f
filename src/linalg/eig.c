/* Eigenvalues and eigenvectors: general (dgeev, with or without vectors;
 * an allocation-free form for the per-d loop of the curves, SPEC.md §5) and
 * symmetric (dsyevd, the line-attractor teacher, SPEC.md §2). */
#include "linalg.h"
#include "linalg_int.h"

po_status po_la_eig(const po_mat *a, double *re, double *im, po_mat *v)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    po_mat *work = po_mat_dup(a);
    if (!work) return PO_ENOMEM;
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', v ? 'V' : 'N', po_la_int(n), work->data,
                                    po_la_int(work->ld), re, im, NULL, 1, v ? v->data : NULL,
                                    v ? po_la_int(v->ld) : 1);
    po_mat_free(work);
    if (info > 0)
        return po_error(PO_ELINALG, "eigenvalue QR iteration did not converge (dgeev info %d)",
                        (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgeev: invalid argument %d", (int)-info);
    return PO_OK;
}

size_t po_la_eigvals_lwork(size_t n)
{
    if (n == 0) return 1;
    double q = 0.0, dummy = 0.0;
    lapack_int info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'N', po_la_int(n), &dummy, po_la_int(n),
                                         &dummy, &dummy, NULL, 1, NULL, 1, &q, -1);
    size_t lw = info == 0 ? (size_t)q : 0;
    return lw > 3 * n ? lw : 3 * n;
}

po_status po_la_eigvals_ws(po_mat *a, double *re, double *im, double *work, size_t lwork)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    /* The buffer seen column-major is a^T, which has the same eigenvalues. */
    lapack_int info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'N', po_la_int(n), a->data,
                                         po_la_int(a->ld), re, im, NULL, 1, NULL, 1, work,
                                         po_la_int(lwork));
    if (info > 0)
        return po_error(PO_ELINALG, "eigenvalue QR iteration did not converge (dgeev info %d)",
                        (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgeev: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_eigh(po_mat *a, double *w)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    lapack_int info =
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', po_la_int(n), a->data, po_la_int(a->ld), w);
    if (info > 0)
        return po_error(PO_ELINALG,
                        "symmetric eigensolver did not converge (dsyevd info %d, n = %zu)",
                        (int)info, n);
    if (info < 0) return po_error(PO_ELINALG, "dsyevd: invalid argument %d", (int)-info);
    return PO_OK;
}
