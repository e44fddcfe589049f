/* Internal: vectorised row-block matrix-vector product (kernels.c). */
#ifndef PO_SIM_KERNELS_H
#define PO_SIM_KERNELS_H

#include <stddef.h>

#include "partobs/mat.h"

/* y[i - a] = sum_j W[i, j] p[j] for rows a <= i < b (the same bits on every
 * CPU; runtime dispatch to an AVX2 build of the loop when available). */
void po_gemv_rows_(const po_mat *W, size_t a, size_t b, const double *p, double *y);

#endif
