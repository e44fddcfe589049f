/* The use_schur branch of `triangular` (SPEC.md §2).
 *
 * Reference: complex Schur Q = Z T Z^*, replace diag(T) by
 * diag(T)/max|diag(T)| * diagonal_comp, W = Re(Z T' Z^*). Since Z T Z^* = Q,
 *     W = Q + Re(Z diag(d) Z^*),   d = diag(T) (diagonal_comp/max|diag(T)| - 1),
 * and with A = Z diag(d) the real part is Re(A) Re(Z)^T + Im(A) Im(Z)^T: two
 * real GEMMs instead of complex ones, equal to the reference formula in exact
 * arithmetic. The result is real, highly non-normal and NOT nilpotent (taking
 * the real part breaks the triangular structure). */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

po_status po_teacher_schur_rescale(po_mat *w, double diagonal_comp)
{
    size_t D = w->rows;
    po_mat *zr = po_mat_alloc(D, D), *zi = po_mat_alloc(D, D);
    po_mat *ar = po_mat_alloc(D, D), *ai = po_mat_alloc(D, D);
    double *tr = malloc(2 * D * sizeof *tr);
    po_status st = PO_OK;
    if (!zr || !zi || !ar || !ai || !tr) {
        st = po_error(PO_ENOMEM, "cannot allocate Schur workspace (D = %zu)", D);
        goto done;
    }
    double *ti = tr + D;
    st = po_la_schur_complex(w, zr, zi, tr, ti);
    if (st != PO_OK) goto done;
    double tmax = 0.0;
    for (size_t k = 0; k < D; k++) tmax = fmax(tmax, hypot(tr[k], ti[k]));
    /* tmax = 0 only if Q is nilpotent (e.g. scale = 0): then diag(T) is 0 already. */
    double f = tmax > 0.0 ? diagonal_comp / tmax - 1.0 : 0.0;
    for (size_t i = 0; i < D; i++)
        for (size_t k = 0; k < D; k++) {
            double dr = f * tr[k], di = f * ti[k];
            double a = PO_MAT_AT(zr, i, k), b = PO_MAT_AT(zi, i, k);
            PO_MAT_AT(ar, i, k) = a * dr - b * di;
            PO_MAT_AT(ai, i, k) = a * di + b * dr;
        }
    po_la_gemm(false, true, 1.0, ar, zr, 1.0, w);
    po_la_gemm(false, true, 1.0, ai, zi, 1.0, w);
done:
    free(tr);
    po_mat_free(ai);
    po_mat_free(ar);
    po_mat_free(zi);
    po_mat_free(zr);
    return st;
}
