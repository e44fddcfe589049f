/* partobs: dense row-major matrices and views.
 *
 * One matrix type for the whole library. Storage is row-major with a leading
 * dimension (row stride) `ld >= cols`, exactly NumPy's C order when ld == cols.
 * Time runs down the rows of activity arrays (T x N). For connectivity,
 * W[i][j] is the weight from neuron j to neuron i (DESIGN.md §3).
 *
 * po_mat_alloc() returns a heap matrix that owns its data; views are returned
 * by value, never own, and must not outlive what they look at.
 */
#ifndef PARTOBS_MAT_H
#define PARTOBS_MAT_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/error.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

typedef struct po_mat {
    double *data; /* element (i, j) is data[i * ld + j] */
    size_t rows, cols;
    size_t ld;    /* row stride in elements, >= cols */
    bool owns;    /* true only for matrices from po_mat_alloc */
} po_mat;

#define PO_MAT_AT(m, i, j) ((m)->data[(size_t)(i) * (m)->ld + (size_t)(j)])

/* A zero-filled rows x cols matrix (either may be 0). NULL with PO_ENOMEM in
 * po_errmsg() if the size overflows or memory is short. */
po_mat *po_mat_alloc(size_t rows, size_t cols);

/* Free a matrix from po_mat_alloc (and its data if it owns it). NULL is fine. */
void po_mat_free(po_mat *m);

/* A new owning, contiguous (ld == cols) copy of src, or NULL (PO_ENOMEM). */
po_mat *po_mat_dup(const po_mat *src);

/* View of caller memory: rows x cols with row stride ld. Never owns. */
po_mat po_mat_view(double *data, size_t rows, size_t cols, size_t ld);

/* View of the nr x nc block of m starting at (r0, c0). The caller guarantees
 * the block lies inside m (checked with assert in debug builds). */
po_mat po_mat_block(const po_mat *m, size_t r0, size_t c0, size_t nr, size_t nc);

/* Copy src into dst element by element. PO_ESHAPE if the shapes differ. */
po_status po_mat_copy(po_mat *dst, const po_mat *src);

void po_mat_set_zero(po_mat *m);
void po_mat_set_identity(po_mat *m); /* ones on the diagonal, zeros elsewhere */

/* PO_ENONFINITE naming `what` and the first offending (row, col) if any element
 * is NaN or Inf; PO_OK otherwise. */
po_status po_mat_check_finite(const po_mat *m, const char *what);

/* Frobenius norm, without overflow or underflow for any finite entries. */
double po_mat_norm_fro(const po_mat *m);

/* Largest |a_ij - b_ij|; shapes must match (asserted). */
double po_mat_max_abs_diff(const po_mat *a, const po_mat *b);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
