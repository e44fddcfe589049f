/* Linear flow field in the PC1-PC2 plane (SPEC.md §5 "PCA flow fields"). */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "partobs/dyn.h"

po_status po_flow_field_linear(const po_mat *W, const po_pca *p, const double *z_rest,
                               const double *xs, size_t nx, const double *ys, size_t ny, double *u,
                               double *v)
{
    if (!p || !xs || !ys || !u || !v)
        return po_error(PO_EINVAL, "flow field: NULL PCA, grid or output");
    size_t n = p->n, k = p->k;
    if (W->rows != n || W->cols != n)
        return po_error(PO_ESHAPE, "flow field: W is %zux%zu, the PCA has %zu neurons", W->rows,
                        W->cols, n);
    if (k < 2) return po_error(PO_ESHAPE, "flow field: the PCA has %zu component, need 2", k);
    if (nx == 0 || ny == 0) return po_error(PO_ESHAPE, "flow field: empty %zu x %zu grid", nx, ny);
    po_status st = po_mat_check_finite(W, "flow field: W");
    if (st != PO_OK) return st;
    for (size_t l = 2; z_rest && l < k; l++)
        if (!isfinite(z_rest[l]))
            return po_error(PO_ENONFINITE, "flow field: z_rest[%zu] is not finite", l);

    /* x = mean + C^T z and F = (W - I) x, so the projection C_{0:2} F is
     * affine in z: b + M z with A = C_{0:2} (W - I) (2 x n), M = A C^T
     * (2 x k) and b = A mean. Two small products replace a (W - I) x per
     * grid point: O(n^2 + nk) instead of O(nx ny n^2). */
    po_mat *A = po_mat_alloc(2, n), *M = po_mat_alloc(2, k);
    if (!A || !M) {
        po_mat_free(A);
        po_mat_free(M);
        return po_error(PO_ENOMEM, "flow field: cannot allocate for %zu neurons", n);
    }
    po_mat C2 = po_mat_block(&p->comps, 0, 0, 2, n);
    po_la_gemm(false, false, 1.0, &C2, W, 0.0, A);
    for (size_t r = 0; r < 2; r++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(A, r, j) -= PO_MAT_AT(&C2, r, j);
    po_la_gemm(false, true, 1.0, A, &p->comps, 0.0, M);
    double b[2];
    po_la_gemv(false, 1.0, A, p->mean, 0.0, b);
    /* The other PCs are constant over the grid: fold them into b. */
    for (size_t r = 0; r < 2; r++)
        for (size_t l = 2; z_rest && l < k; l++) b[r] += PO_MAT_AT(M, r, l) * z_rest[l];
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            u[j * nx + i] = b[0] + PO_MAT_AT(M, 0, 0) * xs[i] + PO_MAT_AT(M, 0, 1) * ys[j];
            v[j * nx + i] = b[1] + PO_MAT_AT(M, 1, 0) * xs[i] + PO_MAT_AT(M, 1, 1) * ys[j];
        }
    po_mat_free(A);
    po_mat_free(M);
    return PO_OK;
}
