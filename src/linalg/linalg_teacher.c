/* LAPACKE wrappers added for the teacher generators (SPEC.md §2): symmetric
 * eigendecomposition (line attractor), complex Schur (triangular use_schur)
 * and LU factor/solve (similarity transform). */
#include "linalg.h"

#include <assert.h>
#include <complex.h>
#include <lapacke.h>
#include <stdlib.h>

/* The pivot arrays in linalg.h are plain int. */
_Static_assert(sizeof(lapack_int) == sizeof(int), "lapack_int must be int (LP64 LAPACKE)");

static int as_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (int)n;
}

po_status po_la_eigh(po_mat *a, double *w)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    lapack_int info =
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', as_int(n), a->data, as_int(a->ld), w);
    if (info > 0)
        return po_error(PO_ELINALG,
                        "symmetric eigensolver did not converge (dsyevd info %d, n = %zu)",
                        (int)info, n);
    if (info < 0) return po_error(PO_ELINALG, "dsyevd: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_schur_complex(const po_mat *a, po_mat *z_re, po_mat *z_im, double *t_re,
                              double *t_im)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    assert(z_re->rows == n && z_re->cols == n && z_im->rows == n && z_im->cols == n);
    if (n == 0) return PO_OK;
    /* One block: the complex copy of a (overwritten by T), Z, and the eigenvalues. */
    double complex *buf = malloc((2 * n * n + n) * sizeof *buf);
    if (!buf) return po_error(PO_ENOMEM, "cannot allocate complex Schur workspace (n = %zu)", n);
    double complex *t = buf, *z = buf + n * n, *w = buf + 2 * n * n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) t[i * n + j] = PO_MAT_AT(a, i, j);
    lapack_int sdim = 0;
    lapack_int info = LAPACKE_zgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, as_int(n), t, as_int(n),
                                    &sdim, w, z, as_int(n));
    if (info == 0) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                PO_MAT_AT(z_re, i, j) = creal(z[i * n + j]);
                PO_MAT_AT(z_im, i, j) = cimag(z[i * n + j]);
            }
            /* The diagonal of T (not w) so that t matches Z exactly. */
            t_re[i] = creal(t[i * n + i]);
            t_im[i] = cimag(t[i * n + i]);
        }
    }
    free(buf);
    if (info > 0)
        return po_error(PO_ELINALG, "complex Schur QR iteration did not converge (zgees info %d)",
                        (int)info);
    if (info < 0) return po_error(PO_ELINALG, "zgees: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_lu_factor(po_mat *a, int *ipiv)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, as_int(n), as_int(n), a->data,
                                     as_int(a->ld), ipiv);
    if (info > 0)
        return po_error(PO_ESINGULAR, "matrix is singular (LU pivot %d of %zu is zero)", (int)info,
                        n);
    if (info < 0) return po_error(PO_ELINALG, "dgetrf: invalid argument %d", (int)-info);
    return PO_OK;
}

void po_la_lu_solve(const po_mat *lu, const int *ipiv, bool trans, po_mat *b)
{
    assert(lu->rows == lu->cols && b->rows == lu->rows);
    if (b->rows == 0 || b->cols == 0) return;
    /* Arguments are valid by construction, so info is always 0. */
    LAPACKE_dgetrs(LAPACK_ROW_MAJOR, trans ? 'T' : 'N', as_int(lu->rows), as_int(b->cols),
                   lu->data, as_int(lu->ld), ipiv, b->data, as_int(b->ld));
}
