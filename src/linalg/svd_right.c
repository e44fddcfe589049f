/* Right singular vectors of a tall matrix without its left ones, for PCA
 * (src/dyn/pca.c, SPEC.md §5). */
#include <assert.h>
#include <lapacke.h>
#include <stdlib.h>

#include "linalg.h"

po_status po_la_svd_right(po_mat *a, double *s, po_mat *vt)
{
    size_t m = a->rows, n = a->cols, k = m < n ? m : n;
    assert(vt->rows >= k && vt->cols == n && m <= 0x7fffffff && n <= 0x7fffffff);
    if (k == 0) return PO_OK;
    /* The row-major m x n matrix is, read column-major, its n x m transpose:
     * its LEFT singular vectors are our right ones, and LAPACK writes them as
     * columns of a column-major n x k array with leading dimension vt->ld,
     * which is exactly the row-major k x n vt. Calling the column-major
     * routine this way avoids the transposed copy LAPACKE would make of a
     * row-major input (T x n activity can be 100+ MB) and never forms the
     * m x k left vectors. dgesvd reduces a wide matrix by an LQ step first,
     * so the cost is about 2 m n^2 flops. */
    double *superb = malloc(k * sizeof *superb);
    if (!superb) return po_error(PO_ENOMEM, "SVD: cannot allocate the workspace");
    double vt_dummy = 0.0;
    lapack_int info =
        LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'S', 'N', (lapack_int)n, (lapack_int)m, a->data,
                       (lapack_int)a->ld, s, vt->data, (lapack_int)vt->ld, &vt_dummy, 1, superb);
    free(superb);
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesvd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesvd: invalid argument %d", (int)-info);
    return PO_OK;
}
