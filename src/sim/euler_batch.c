/* One noise-free Euler step of a batch of states (see euler_batch.h). */
#include "sim/euler_batch.h"

#include <assert.h>

#include "linalg/linalg.h"

void po_euler_batch_step(po_phi phi, po_leaky leaky, double alpha, const po_mat *W,
                         const po_mat *U, const po_mat *B, po_mat *S, po_mat *F, po_mat *P,
                         po_mat *Tm)
{
    const size_t len = S->rows * S->cols;
    assert(S->ld == S->cols && F->ld == F->cols && (!P || P->ld == P->cols));
    const po_mat *in = S;
    if (leaky == PO_LEAKY_CURRENT) {
        po_phi_apply(phi, S->data, P->data, len);
        in = P;
    }
    /* Row r of X W^T is (W x_r)^T. */
    if (U) {
        po_la_gemm(false, true, 1.0, in, B, 0.0, Tm);
        po_la_gemm(false, true, 1.0, Tm, U, 0.0, F);
    } else {
        po_la_gemm(false, true, 1.0, in, W, 0.0, F);
    }
    if (leaky == PO_LEAKY_RATE) po_phi_apply(phi, F->data, F->data, len);
    for (size_t i = 0; i < len; i++) {
        F->data[i] -= S->data[i];
        S->data[i] += alpha * F->data[i];
    }
}
