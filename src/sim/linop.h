/* Internal: the representation behind po_linop (include/partobs/sim.h), shared
 * by the constructors, the automatic choice and the simulation kernels. */
#ifndef PO_SIM_LINOP_H
#define PO_SIM_LINOP_H

#include <stddef.h>

#include "partobs/sim.h"

typedef enum po_linop_kind { PO_LINOP_DENSE, PO_LINOP_LOWRANK, PO_LINOP_SPARSE } po_linop_type;

struct po_linop {
    po_linop_type kind;
    size_t D;
    po_mat W;          /* dense: borrowed view of the caller's W */
    size_t r;          /* lowrank: rank */
    po_mat *Mt, *Nt;   /* lowrank: r x D transposed copies, W = M N^T */
    double *scratch;   /* lowrank: length r, holds N^T x during an apply */
    size_t nnz;        /* sparse: stored non-zeros */
    size_t *rowptr;    /* sparse: D + 1 row starts (CSR) */
    size_t *colidx;    /* sparse: nnz column indices */
    double *val;       /* sparse: nnz values */
};

/* A zeroed operator of the given kind and size, or NULL (PO_ENOMEM). */
po_linop *po_linop_new_(po_linop_type kind, size_t D);

/* Number of entries of W that are not exactly zero. */
size_t po_linop_count_nonzeros_(const po_mat *W);

/* CSR copy of the non-zero entries of the square matrix W. */
po_status po_linop_sparse_build_(const po_mat *W, size_t nnz, po_linop **out);

#endif
