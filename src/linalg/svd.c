/* Singular value decompositions: full (dgesdd), right vectors only of a
 * tall column-major matrix (PCA, SPEC.md §5), the top singular values and
 * pair without allocation (the per-d loop of the curves, SPEC.md §5), and
 * the polar factor of a tall matrix with a caller-owned workspace (the
 * Stiefel step of the LDS M-step, SPEC.md §4.8, up to 100 per EM iteration).
 *
 * The allocation-free forms call LAPACK's column-major interface on the
 * row-major buffer, which LAPACK then sees transposed: the SVD of A^T, with
 * the roles of U and V swapped. LAPACKE's row-major interface would allocate
 * and transpose on every call. */
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "linalg_int.h"

po_status po_la_svd(const po_mat *a, double *s, po_mat *u, po_mat *vt)
{
    assert((u == NULL) == (vt == NULL));
    size_t m = a->rows, n = a->cols;
    if (m == 0 || n == 0) return PO_OK;
    po_mat *work = po_mat_dup(a);
    if (!work) return PO_ENOMEM;
    /* LAPACKE's row-major dgesdd checks ldvt >= n even when jobz = 'N' (it
     * returns -11 for ldvt = 1), so pass sizes that satisfy its checks. */
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, u ? 'S' : 'N', po_la_int(m), po_la_int(n),
                                     work->data, po_la_int(work->ld), s, u ? u->data : NULL,
                                     u ? po_la_int(u->ld) : po_la_int(m), vt ? vt->data : NULL,
                                     vt ? po_la_int(vt->ld) : po_la_int(n));
    po_mat_free(work);
    if (info > 0)
        return po_error(PO_ELINALG, "SVD did not converge (dgesdd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesdd: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_svd_right_cm(double *a, size_t m, size_t n, double *s, po_mat *vt)
{
    size_t k = m < n ? m : n;
    assert(vt->rows >= k && vt->cols == n);
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
    lapack_int info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'S', po_la_int(m), po_la_int(n), a,
                                     po_la_int(m), s, &u_dummy, 1, v, po_la_int(k), superb);
    if (info == 0) /* v is k x n column-major: row i of V^T at v[i + j k] */
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < n; j++) PO_MAT_AT(vt, i, j) = v[i + j * k];
    free(v);
    free(superb);
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesvd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesvd: invalid argument %d", (int)-info);
    return PO_OK;
}

size_t po_la_svd_top_lwork(size_t n, size_t k)
{
    if (n == 0 || k == 0) return 1;
    if (k > n) k = n;
    double qx = 0.0, qd = 0.0, dummy = 0.0;
    lapack_int ns = 0, iw = 0;
    lapack_int ix = LAPACKE_dgesvdx_work(LAPACK_COL_MAJOR, 'V', 'V', 'I', po_la_int(n), po_la_int(n),
                                         &dummy, po_la_int(n), 0.0, 0.0, 1, po_la_int(k), &ns, &dummy,
                                         &dummy, po_la_int(n), &dummy, po_la_int(k), &qx, -1, &iw);
    lapack_int id = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', po_la_int(n), po_la_int(n), &dummy,
                                        po_la_int(n), &dummy, &dummy, po_la_int(n), &dummy, po_la_int(n),
                                        &qd, -1, &iw);
    size_t safe = 4 * n * n + 16 * n + 16; /* if a query fails */
    size_t lx = ix == 0 && qx >= 1.0 ? (size_t)qx : safe;
    size_t ld = id == 0 && qd >= 1.0 ? (size_t)qd : safe;
    return lx > ld ? lx : ld;
}

po_status po_la_svd_top_ws(po_mat *a, po_mat *scratch, size_t k, double *s, double *u1,
                           double *v1, double *uw, double *vtw, double *work, size_t lwork,
                           int *iwork)
{
    assert(a->rows == a->cols && scratch->rows == a->rows && scratch->cols == a->rows && k >= 1);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    if (k > n) k = n;
    /* dgesvdx: the bidiagonal reduction, then only the k largest singular
     * values and their vectors (2-3x cheaper than a full dgesdd for n ~ 500,
     * bench/bench_theory). Column-major, the buffer is a^T = U' S V'^T, so
     * a = V' S U'^T: the top left vector of a is the first row of V'^T, the
     * top right one the first column of U'. */
    po_mat_copy(scratch, a);
    lapack_int ns = 0;
    lapack_int info = LAPACKE_dgesvdx_work(LAPACK_COL_MAJOR, 'V', 'V', 'I', po_la_int(n), po_la_int(n),
                                           scratch->data, po_la_int(scratch->ld), 0.0, 0.0, 1,
                                           po_la_int(k), &ns, s, uw, po_la_int(n), vtw, po_la_int(k), work,
                                           po_la_int(lwork), iwork);
    if (info < 0) return po_error(PO_ELINALG, "dgesvdx: invalid argument %d", (int)-info);
    if (info == 0 && (size_t)ns == k) {
        for (size_t i = 0; i < n; i++) {
            u1[i] = vtw[i * k];
            v1[i] = uw[i];
        }
        return PO_OK;
    }
    /* The inverse iteration for a cluster of requested singular values (e.g.
     * several exact zeros of a low-rank student) can fail to converge; the
     * full divide-and-conquer SVD always serves. */
    info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', po_la_int(n), po_la_int(n), a->data,
                               po_la_int(a->ld), s, uw, po_la_int(n), vtw, po_la_int(n), work,
                               po_la_int(lwork), iwork);
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesdd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesdd: invalid argument %d", (int)-info);
    for (size_t i = 0; i < n; i++) {
        u1[i] = vtw[i * n];
        v1[i] = uw[i];
    }
    return PO_OK;
}

/* dgesvd's own workspace for an n x m column-major matrix (the row-major
 * m x n matrix read as its transpose), from a workspace query. */
static size_t dgesvd_lwork(size_t m, size_t n)
{
    double q = 0.0, dummy = 0.0;
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', po_la_int(n), po_la_int(m), &dummy,
                                          po_la_int(n), &dummy, &dummy, po_la_int(n), &dummy, po_la_int(n),
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
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', po_la_int(n), po_la_int(m), a,
                                          po_la_int(n), s, u, po_la_int(n), vt, po_la_int(n), w,
                                          po_la_int(lwork - (size_t)(w - work)));
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
