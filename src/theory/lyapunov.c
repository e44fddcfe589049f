/* Continuous Lyapunov equation A X + X A^T = -Q by Bartels-Stewart
 * (SPEC.md §4.3 item 1; what SciPy's solve_continuous_lyapunov does):
 * A = Z T Z^T (real Schur), F = Z^T Q Z, T Y + Y T^T = -F (quasi-triangular
 * Sylvester solve), X = Z Y Z^T. */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "theory_internal.h"

/* Q must be symmetric for X to be: allow rounding-level asymmetry only. */
static po_status check_symmetric(const po_mat *Q)
{
    double amax = 0.0, dmax = 0.0;
    for (size_t i = 0; i < Q->rows; i++)
        for (size_t j = 0; j < Q->cols; j++) {
            double a = fabs(PO_MAT_AT(Q, i, j));
            if (a > amax) amax = a;
            double d = fabs(PO_MAT_AT(Q, i, j) - PO_MAT_AT(Q, j, i));
            if (d > dmax) dmax = d;
        }
    if (dmax > 1e-12 * amax)
        return po_error(PO_EINVAL, "Lyapunov: Q must be symmetric (max |Q - Q^T| = %g)", dmax);
    return PO_OK;
}

po_status po_lyapunov_solve_named(const po_mat *A, const po_mat *Q, po_mat *X, double shift,
                                  const char *what)
{
    size_t n = A->rows;
    if (A->cols != n || Q->rows != n || Q->cols != n || X->rows != n || X->cols != n)
        return po_error(PO_ESHAPE,
                        "Lyapunov: A (%zux%zu), Q (%zux%zu) and X (%zux%zu) must be square and "
                        "of one size",
                        A->rows, A->cols, Q->rows, Q->cols, X->rows, X->cols);
    po_status st = po_mat_check_finite(A, what);
    if (st == PO_OK) st = po_mat_check_finite(Q, "Lyapunov: Q");
    if (st == PO_OK) st = check_symmetric(Q);
    if (st != PO_OK || n == 0) return st;

    po_mat *T = po_mat_dup(A), *Z = po_mat_alloc(n, n), *F = po_mat_alloc(n, n);
    po_mat *tmp = po_mat_alloc(n, n);
    double *w = malloc(2 * n * sizeof *w);
    if (!T || !Z || !F || !tmp || !w) {
        st = po_error(PO_ENOMEM, "Lyapunov: cannot allocate the workspace for n = %zu", n);
        goto done;
    }
    double *wr = w, *wi = w + n;
    if ((st = po_la_schur_real(T, Z, wr, wi)) != PO_OK) goto done;
    size_t worst = 0;
    for (size_t i = 1; i < n; i++)
        if (wr[i] > wr[worst]) worst = i;
    if (!(wr[worst] < 0.0)) {
        st = po_error(PO_EUNSTABLE,
                      "%s has the eigenvalue %.6g%+.6gi with real part >= %g: no stationary "
                      "covariance exists",
                      what, wr[worst] + shift, wi[worst], shift);
        goto done;
    }
    /* F = -Z^T Q Z, then Y, then X = Z Y Z^T / scale. */
    po_la_gemm(false, false, 1.0, Q, Z, 0.0, tmp);
    po_la_gemm(true, false, -1.0, Z, tmp, 0.0, F);
    double scale = 1.0;
    if ((st = po_la_lyapunov_tri(T, F, &scale)) != PO_OK) goto done;
    po_la_gemm(false, false, 1.0, Z, F, 0.0, tmp);
    po_la_gemm(false, true, 1.0 / scale, tmp, Z, 0.0, X);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double s = 0.5 * (PO_MAT_AT(X, i, j) + PO_MAT_AT(X, j, i));
            PO_MAT_AT(X, i, j) = s;
            PO_MAT_AT(X, j, i) = s;
        }
done:
    free(w);
    po_mat_free(tmp);
    po_mat_free(F);
    po_mat_free(Z);
    po_mat_free(T);
    return st;
}

po_status po_lyapunov_solve(const po_mat *A, const po_mat *Q, po_mat *X)
{
    return po_lyapunov_solve_named(A, Q, X, 0.0, "Lyapunov: A");
}
