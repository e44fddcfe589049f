/* LAPACK wrapper for the LDS M-step (src/fit/lds_mstep.c, SPEC.md §4.8): the
 * polar factor of a tall matrix from its thin SVD, with a caller-owned
 * workspace, because the Stiefel majorize-minimize step takes one per
 * iteration (up to 100 per EM iteration) and must not allocate. */
#include "linalg.h"

#include <assert.h>
#include <lapacke.h>
#include <string.h>

static lapack_int as_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (lapack_int)n;
}

/* dgesvd's own workspace for an n x m column-major matrix (the row-major
 * m x n matrix read as its transpose), from a workspace query. */
static size_t dgesvd_lwork(size_t m, size_t n)
{
    double q = 0.0, dummy = 0.0;
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', as_int(n), as_int(m), &dummy,
                                          as_int(n), &dummy, &dummy, as_int(n), &dummy, as_int(n),
                                          &q, -1);
    size_t lw = info == 0 && q > 0.0 ? (size_t)q : 0;
    size_t floor = 5 * (m + n); /* dgesvd's documented minimum, max(3 min + max, 5 min) */
    return lw > floor ? lw : floor;
}

size_t po_la_polar_lwork(size_t m, size_t n)
{
    /* copy of z (m n), U (n n), V^T (n m), then dgesvd's work */
    return m * n + n * n + n * m + dgesvd_lwork(m, n);
}

po_status po_la_polar_ws(const po_mat *z, double *s, po_mat *q, double *work, size_t lwork)
{
    size_t m = z->rows, n = z->cols;
    assert(m >= n && q->rows == m && q->cols == n && lwork >= po_la_polar_lwork(m, n));
    if (n == 0) return PO_OK;
    /* The row-major z, copied contiguously, is the column-major n x m matrix
     * z^T = U' S V'^T; then z = V' S U'^T and polar(z) = V' U'^T, i.e.
     * q_ij = sum_k U'_jk V'^T_ki. */
    double *a = work, *u = a + m * n, *vt = u + n * n, *w = vt + n * m;
    for (size_t i = 0; i < m; i++) memcpy(a + i * n, z->data + i * z->ld, n * sizeof *a);
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', as_int(n), as_int(m), a,
                                          as_int(n), s, u, as_int(n), vt, as_int(n), w,
                                          as_int(lwork - (size_t)(w - work)));
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesvd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesvd: invalid argument %d", (int)-info);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < n; k++) acc += u[j + k * n] * vt[k + i * n];
            PO_MAT_AT(q, i, j) = acc;
        }
    return PO_OK;
}
