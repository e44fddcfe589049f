/* Haar-distributed orthogonal matrices (SPEC.md §2, §9.7): the QR
 * factorisation of a standard Gaussian matrix with the signs of diag(R)
 * folded into Q (Mezzadri, "How to generate random matrices from the
 * classical compact groups", 2007). Without the sign fix LAPACK's Householder
 * convention makes Q biased (e.g. Q_11 < 0 always). */
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

po_status po_haar_orthogonal(po_rng *rng, po_mat *q)
{
    if (!rng || !q) return po_error(PO_EINVAL, "po_haar_orthogonal: NULL argument");
    size_t m = q->rows, n = q->cols;
    if (m < n)
        return po_error(PO_ESHAPE, "Haar matrix: need rows >= cols, got %zux%zu", m, n);
    double *rdiag = malloc((n ? n : 1) * sizeof *rdiag);
    if (!rdiag) return po_error(PO_ENOMEM, "cannot allocate %zu doubles for Haar sampling", n);
    po_teacher_fill_normal(rng, q, 1.0);
    po_status st = po_la_qr(q, rdiag);
    if (st == PO_OK)
        for (size_t j = 0; j < n; j++)
            if (rdiag[j] < 0.0)
                for (size_t i = 0; i < m; i++) PO_MAT_AT(q, i, j) = -PO_MAT_AT(q, i, j);
    free(rdiag);
    return st;
}
