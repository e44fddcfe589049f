/* Right singular vectors of a tall matrix without its left ones, for PCA
 * (src/dyn/pca.c, SPEC.md §5). */
#include <assert.h>
#include <lapacke.h>
#include <stdlib.h>

#include "linalg.h"

po_status po_la_svd_right_cm(double *a, size_t m, size_t n, double *s, po_mat *vt)
{
    size_t k = m < n ? m : n;
    assert(vt->rows >= k && vt->cols == n && m <= 0x7fffffff && n <= 0x7fffffff);
    if (k == 0) return PO_OK;
    /* Column-major input: LAPACK's Householder QR of a tall matrix then works
     * on contiguous columns. (The row-major T x n activity read as its
     * column-major transpose would need an LQ step along strided rows: about
     * 4x slower for 30 000 x 500 here.) The m x k left vectors are never
     * formed (jobu = 'N'). */
    double *v = malloc(k * n * sizeof *v), *superb = malloc(k * sizeof *superb);
    if (!v || !superb) {
        free(v);
        free(superb);
        return po_error(PO_ENOMEM, "SVD: cannot allocate the workspace");
    }
    double u_dummy = 0.0;
    lapack_int info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'S', (lapack_int)m, (lapack_int)n, a,
                                     (lapack_int)m, s, &u_dummy, 1, v, (lapack_int)k, superb);
    if (info == 0) /* v is k x n column-major: row i of V^T at v[i + j k] */
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < n; j++) PO_MAT_AT(vt, i, j) = v[i + j * k];
    free(v);
    free(superb);
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesvd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesvd: invalid argument %d", (int)-info);
    return PO_OK;
}
