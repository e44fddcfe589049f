/* Thin QR factorisation (orthonormal teachers, SPEC.md §2). */
#include <stdlib.h>

#include "linalg.h"
#include "linalg_int.h"

po_status po_la_qr(po_mat *a, double *rdiag)
{
    size_t m = a->rows, n = a->cols;
    assert(m >= n);
    if (n == 0) return PO_OK;
    double *tau = malloc(n * sizeof *tau);
    if (!tau) return po_error(PO_ENOMEM, "cannot allocate QR workspace");
    lapack_int info =
        LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, po_la_int(m), po_la_int(n), a->data, po_la_int(a->ld), tau);
    if (info == 0 && rdiag)
        for (size_t i = 0; i < n; i++) rdiag[i] = PO_MAT_AT(a, i, i);
    if (info == 0)
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, po_la_int(m), po_la_int(n), po_la_int(n), a->data,
                              po_la_int(a->ld), tau);
    free(tau);
    if (info != 0) return po_error(PO_ELINALG, "QR factorisation failed (info %d)", (int)info);
    return PO_OK;
}
