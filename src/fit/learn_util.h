/* Internal: small helpers shared by the iterative fitting methods
 * (gradient descent, CORNN, FORCE; SPEC.md §4.4-§4.6). */
#ifndef PARTOBS_FIT_LEARN_UTIL_H
#define PARTOBS_FIT_LEARN_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/mat.h"

/* Initial weights of an iterative method (the init field of its options):
 * PO_OK for NULL (none) or an n x n finite matrix; else PO_ESHAPE naming
 * the expected shape (`shape`, e.g. "d x d") or PO_ENONFINITE naming the
 * entry. `who` starts the message ("fit force"). */
po_status po_learn_check_init(const po_mat *init, size_t n, const char *shape, const char *who);

/* True when every x[i], i < n, is finite. */
bool po_learn_all_finite(const double *x, size_t n);

/* sum_i a[i] b[i] with four interleaved partial sums, so that the compiler can
 * vectorise it without reassociating (no -ffast-math): the result is the same
 * whatever the vector width the code runs with. */
double po_learn_dot(const double *a, const double *b, size_t n);

#endif
