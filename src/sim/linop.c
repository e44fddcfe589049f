/* Structured connectivity operators y = W x (SPEC.md §1.1, issue 2 item 4).
 *
 * Cost of one apply for a D x D W:
 *   dense    2 D^2 flops through BLAS dgemv (W is borrowed, not copied),
 *   lowrank  4 D r flops: z = N^T x (length r, po_gemv_rows_ on the
 *            stored N^T), then y = M z as r contiguous axpys,
 *   sparse   2 nnz flops over a CSR copy (the feedforward chain has nnz < D).
 */
#include "linop.h"

#include <stdlib.h>

#include "kernels.h"
#include "linalg/linalg.h"

po_linop *po_linop_new_(po_linop_type kind, size_t D)
{
    po_linop *op = calloc(1, sizeof *op);
    if (!op) {
        po_error(PO_ENOMEM, "cannot allocate a linear operator");
        return NULL;
    }
    op->kind = kind;
    op->D = D;
    return op;
}

static po_status check_square(const po_mat *W, const char *who)
{
    if (!W || !W->data || W->rows == 0)
        return po_error(PO_EINVAL, "%s: connectivity matrix is missing or empty", who);
    if (W->rows != W->cols)
        return po_error(PO_ESHAPE, "%s: connectivity must be square, got %zux%zu", who, W->rows,
                        W->cols);
    return PO_OK;
}

po_status po_linop_dense(const po_mat *W, po_linop **out)
{
    *out = NULL;
    po_status st = check_square(W, "dense operator");
    if (st) return st;
    po_linop *op = po_linop_new_(PO_LINOP_DENSE, W->rows);
    if (!op) return PO_ENOMEM;
    op->W = po_mat_view(W->data, W->rows, W->cols, W->ld);
    *out = op;
    return PO_OK;
}

po_status po_linop_lowrank(const po_mat *M, const po_mat *N, po_linop **out)
{
    *out = NULL;
    if (!M || !N || !M->data || !N->data || M->rows == 0 || M->cols == 0)
        return po_error(PO_EINVAL, "low-rank operator: factors are missing or empty");
    if (N->rows != M->rows || N->cols != M->cols)
        return po_error(PO_ESHAPE, "low-rank operator: M is %zux%zu but N is %zux%zu (want equal D x r)",
                        M->rows, M->cols, N->rows, N->cols);
    size_t D = M->rows, r = M->cols;
    po_linop *op = po_linop_new_(PO_LINOP_LOWRANK, D);
    if (!op) return PO_ENOMEM;
    op->r = r;
    op->Mt = po_mat_alloc(r, D);
    op->Nt = po_mat_alloc(r, D);
    op->scratch = malloc(r * sizeof *op->scratch);
    if (!op->Mt || !op->Nt || !op->scratch) {
        po_linop_free(op);
        return po_error(PO_ENOMEM, "cannot copy %zux%zu factors", D, r);
    }
    for (size_t i = 0; i < D; i++)
        for (size_t k = 0; k < r; k++) {
            PO_MAT_AT(op->Mt, k, i) = PO_MAT_AT(M, i, k);
            PO_MAT_AT(op->Nt, k, i) = PO_MAT_AT(N, i, k);
        }
    *out = op;
    return PO_OK;
}

po_status po_linop_sparse_build_(const po_mat *W, size_t nnz, po_linop **out)
{
    size_t D = W->rows;
    po_linop *op = po_linop_new_(PO_LINOP_SPARSE, D);
    if (!op) return PO_ENOMEM;
    op->nnz = nnz;
    op->rowptr = malloc((D + 1) * sizeof *op->rowptr);
    /* +1 so that an all-zero W still gets valid (non-NULL) arrays */
    op->colidx = malloc((nnz + 1) * sizeof *op->colidx);
    op->val = malloc((nnz + 1) * sizeof *op->val);
    if (!op->rowptr || !op->colidx || !op->val) {
        po_linop_free(op);
        return po_error(PO_ENOMEM, "cannot allocate a sparse operator with %zu non-zeros", nnz);
    }
    size_t k = 0;
    for (size_t i = 0; i < D; i++) {
        op->rowptr[i] = k;
        for (size_t j = 0; j < D; j++) {
            double w = PO_MAT_AT(W, i, j);
            if (w != 0.0) {
                op->colidx[k] = j;
                op->val[k++] = w;
            }
        }
    }
    op->rowptr[D] = k;
    *out = op;
    return PO_OK;
}

size_t po_linop_count_nonzeros_(const po_mat *W)
{
    size_t nnz = 0;
    for (size_t i = 0; i < W->rows; i++)
        for (size_t j = 0; j < W->cols; j++) nnz += PO_MAT_AT(W, i, j) != 0.0;
    return nnz;
}

po_status po_linop_sparse(const po_mat *W, po_linop **out)
{
    *out = NULL;
    po_status st = check_square(W, "sparse operator");
    if (st) return st;
    return po_linop_sparse_build_(W, po_linop_count_nonzeros_(W), out);
}

size_t po_linop_dim(const po_linop *op) { return op->D; }

const char *po_linop_kind(const po_linop *op)
{
    switch (op->kind) {
    case PO_LINOP_DENSE: return "dense";
    case PO_LINOP_LOWRANK: return "lowrank";
    case PO_LINOP_SPARSE: return "sparse";
    }
    return "unknown";
}

size_t po_linop_size_param(const po_linop *op)
{
    switch (op->kind) {
    case PO_LINOP_DENSE: return op->D * op->D;
    case PO_LINOP_LOWRANK: return op->r;
    case PO_LINOP_SPARSE: return op->nnz;
    }
    return 0;
}

void po_linop_apply(const po_linop *op, const double *x, double *y)
{
    size_t D = op->D;
    switch (op->kind) {
    case PO_LINOP_DENSE:
        /* The same row kernel as the threaded simulation (dense_par.c), not
         * BLAS: every row's dot product is then summed in one fixed order, so
         * a simulation gives the same bits whatever the thread count. */
        po_gemv_rows_(&op->W, 0, op->D, x, y);
        return;
    case PO_LINOP_LOWRANK: {
        double *z = op->scratch;
        po_gemv_rows_(op->Nt, 0, op->r, x, z);
        for (size_t i = 0; i < D; i++) y[i] = 0.0;
        for (size_t k = 0; k < op->r; k++) {
            const double *m = &PO_MAT_AT(op->Mt, k, 0);
            for (size_t i = 0; i < D; i++) y[i] += z[k] * m[i];
        }
        return;
    }
    case PO_LINOP_SPARSE:
        for (size_t i = 0; i < D; i++) {
            double s = 0.0;
            for (size_t k = op->rowptr[i]; k < op->rowptr[i + 1]; k++)
                s += op->val[k] * x[op->colidx[k]];
            y[i] = s;
        }
        return;
    }
}

void po_linop_free(po_linop *op)
{
    if (!op) return;
    po_mat_free(op->Mt);
    po_mat_free(op->Nt);
    free(op->scratch);
    free(op->rowptr);
    free(op->colidx);
    free(op->val);
    free(op);
}
