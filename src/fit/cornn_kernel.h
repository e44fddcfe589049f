/* Internal: CORNN's element-wise residual (SPEC.md §4.5), vectorised. */
#ifndef PARTOBS_FIT_CORNN_KERNEL_H
#define PARTOBS_FIT_CORNN_KERNEL_H

#include <stddef.h>

#include "partobs/fit.h"

/* In place of z (k rows of d, contiguous; d a multiple of 4 when padded), with t = tanh(z) (SLEEF, 3.5 ulp):
 *   standard:  E = delta - t
 *   weighted:  E = (delta - t) w, entries with |E| > threshold set to 0 and
 *              counted per column in count[0..d-1] (added to)
 *   robust:    E = (delta - t) w clipped to [-threshold, threshold]
 * delta and w have the same layout as z (w unused by standard). On x86-64
 * an AVX-512 or AVX2 version is chosen at run time (sim/simd.h; both give
 * the same bits). Blocks start at row boundaries and
 * are the same for every thread count, so the result is too. */
void po_cornn_residual(po_cornn_solver solver, const double *delta, const double *w, double *z,
                       size_t k, size_t d, double threshold, size_t *count);

/* z (k x dp, row stride dp) = x (k x n, row stride ldx) theta (n x dp, row
 * stride dp), dp a multiple of 4. */
void po_cornn_xtheta(const double *x, size_t ldx, size_t k, size_t n, const double *theta,
                     size_t dp, double *z);

/* g (n x dp, row stride dp) = x^T e, e (k x dp, row stride dp), dp a multiple of 4. */
void po_cornn_xte(const double *x, size_t ldx, size_t k, size_t n, const double *e, size_t dp,
                  double *g);

#endif
