/* Internal: CORNN's element-wise residual (SPEC.md §4.5), vectorised. */
#ifndef PARTOBS_FIT_CORNN_KERNEL_H
#define PARTOBS_FIT_CORNN_KERNEL_H

#include <stddef.h>

#include "partobs/fit.h"

/* In place of z (k rows of d, contiguous), with t = tanh(z) (SLEEF, 3.5 ulp):
 *   standard:  E = delta - t
 *   weighted:  E = (delta - t) w, entries with |E| > threshold set to 0 and
 *              counted per column in count[0..d-1] (added to)
 *   robust:    E = (delta - t) w clipped to [-threshold, threshold]
 * delta and w have the same layout as z (w unused by standard). On x86-64
 * an AVX2 version is chosen at run time. Blocks start at row boundaries and
 * are the same for every thread count, so the result is too. */
void po_cornn_residual(po_cornn_solver solver, const double *delta, const double *w, double *z,
                       size_t k, size_t d, double threshold, size_t *count);

#endif
