/* Schur forms and the Sylvester (Lyapunov) equation: the real Schur form and
 * the triangular solve of Bartels-Stewart for the stationary covariance
 * (SPEC.md §4.3), and the complex Schur form for the triangular teachers
 * (use_schur, SPEC.md §2). */
#include <complex.h>
#include <stdlib.h>

#include "linalg.h"
#include "linalg_int.h"

po_status po_la_schur_real(po_mat *a, po_mat *z, double *wr, double *wi)
{
    assert(a->rows == a->cols && z->rows == a->rows && z->cols == a->rows);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    lapack_int sdim = 0;
    lapack_int info = LAPACKE_dgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, po_la_int(n), a->data,
                                    po_la_int(a->ld), &sdim, wr, wi, z->data, po_la_int(z->ld));
    if (info > 0)
        return po_error(PO_ELINALG, "real Schur QR iteration did not converge (dgees info %d, n = %zu)",
                        (int)info, n);
    if (info < 0) return po_error(PO_ELINALG, "dgees: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_lyapunov_tri(const po_mat *t, po_mat *c, double *scale)
{
    assert(t->rows == t->cols && c->rows == t->rows && c->cols == t->rows);
    size_t n = t->rows;
    *scale = 1.0;
    if (n == 0) return PO_OK;
    /* The blocked, level-3 dtrsyl3 (LAPACK >= 3.11) is several times faster
     * than dtrsyl for large n (bench/bench_theory). */
    lapack_int info = LAPACKE_dtrsyl3(LAPACK_ROW_MAJOR, 'N', 'T', 1, po_la_int(n), po_la_int(n), t->data,
                                      po_la_int(t->ld), t->data, po_la_int(t->ld), c->data,
                                      po_la_int(c->ld), scale);
    if (info < 0) return po_error(PO_ELINALG, "dtrsyl3: invalid argument %d", (int)-info);
    /* info == 1: T and -T^T have close eigenvalues, so the solution was
     * computed with perturbed values; the caller's stability check has
     * already excluded eigenvalues on the imaginary axis. */
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
    lapack_int info = LAPACKE_zgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, po_la_int(n), t, po_la_int(n),
                                    &sdim, w, z, po_la_int(n));
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
