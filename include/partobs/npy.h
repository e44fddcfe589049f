/* partobs: NumPy .npy files in and out (DESIGN.md §5).
 *
 * Reading accepts format versions 1.0, 2.0 and 3.0, little- or big-endian
 * float64 and float32 (float32 is widened), C or Fortran order, and 0 to 3
 * dimensions; the result is always a C-ordered array of doubles. Anything else
 * (integers, complex, object arrays, truncated data, bad headers) is refused
 * with PO_EFORMAT and a po_errmsg() naming the file and the problem.
 *
 * Writing produces version 1.0 (2.0 if the header needs it), '<f8', C order.
 * The data goes to a temporary file in the same directory that is renamed over
 * `path` only once everything was written, so a failed write leaves no file.
 */
#ifndef PARTOBS_NPY_H
#define PARTOBS_NPY_H

#include <stddef.h>

#include "partobs/error.h"
#include "partobs/mat.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define PO_NPY_MAX_DIMS 3

typedef struct po_array {
    double *data; /* C order, prod(shape) elements */
    size_t ndim;  /* 0 .. PO_NPY_MAX_DIMS */
    size_t shape[PO_NPY_MAX_DIMS];
} po_array;

/* Number of elements (1 for a 0-d array). */
size_t po_array_size(const po_array *a);

/* Free an array from po_npy_parse/po_npy_read and its data. NULL is fine. */
void po_array_free(po_array *a);

/* Parse an in-memory .npy image of len bytes. `name` labels error messages
 * (NULL: "<buffer>"). On success *out is a new array the caller frees with
 * po_array_free(); on failure *out is NULL and the status is PO_EFORMAT
 * (bad magic, version, header, dtype, rank > 3, data shorter or longer than
 * the shape says) or PO_ENOMEM. Never reads outside buf[0, len). */
po_status po_npy_parse(const void *buf, size_t len, const char *name, po_array **out);

/* Read a .npy file (regular file or pipe). As po_npy_parse, plus PO_EIO with
 * the system's reason if the file cannot be opened or read. Memory: the
 * result plus, only for Fortran-ordered files, one temporary copy. */
po_status po_npy_read(const char *path, po_array **out);

/* Read a .npy file as a matrix: 2-D arrays as they are, 1-D arrays of length n
 * as n x 1 (a column). Other ranks give PO_ESHAPE ("expected a 1-D or 2-D
 * array, got 3-D (2, 3, 4)"). *out is a contiguous owning matrix for
 * po_mat_free(), NULL on failure. */
po_status po_npy_read_mat(const char *path, po_mat **out);

/* Every partobs writer stages its output under a hidden name holding this tag
 * and the writing process's id: ".<name>.partobs-tmp.<pid>.<n>" for a file
 * (renamed over <name> when complete), ".partobs-tmp.<pid>" or
 * ".<dir>.partobs-tmp.<pid>" for a staging directory. What a killed process
 * leaves is therefore hidden and easy to find (`find . -name '.*partobs-tmp*'`). */
#define PO_TEMP_TAG ".partobs-tmp."

/* Write an ndim-dimensional (0..3) C-ordered array of doubles atomically, as
 * np.save would: version 1.0, '<f8', data aligned to 64 bytes. The file gets
 * mode 0666 minus the umask. PO_EINVAL for ndim > 3, a shape whose size
 * overflows, or NULL data with elements; PO_EIO naming path if the file
 * cannot be written, in which case no file (and no temporary) is left. */
po_status po_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape);

/* Write a matrix (any ld >= cols) as a 2-D array atomically; as po_npy_write. */
po_status po_npy_write_mat(const char *path, const po_mat *m);

/* Write a length-n vector as a 1-D array atomically; as po_npy_write. */
po_status po_npy_write_vec(const char *path, const double *x, size_t n);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
