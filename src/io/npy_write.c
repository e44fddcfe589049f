/* Writing doubles as .npy files, byte for byte as NumPy's np.save (1.24)
 * writes them (DESIGN.md §5): version 1.0, '<f8', C order, the header padded
 * so that the data starts at a multiple of 64 bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/atomic.h"
#include "io/npy_internal.h"

/* NumPy leaves room for the first dimension to grow to this many digits so
 * that appending rows can rewrite the header in place (format.py,
 * GROWTH_AXIS_MAX_DIGITS); we pad the same way to produce identical files. */
#define GROWTH_AXIS_MAX_DIGITS 21

/* Up to 3 dimensions the header is at most ~220 bytes, so version 1.0 (2-byte
 * header length) always suffices and NumPy would not switch to 2.0 either. */
#define HEADER_CAP 320

/* The complete preamble and header; returns its length (a multiple of 64). */
static size_t build_header(unsigned char *buf, size_t ndim, const size_t *shape)
{
    char shape_str[PO_NPY_SHAPE_STR_CAP];
    po_npy_format_shape(shape_str, ndim, shape);
    char *text = (char *)buf + PO_NPY_MAGIC_LEN + 4;
    size_t cap = HEADER_CAP - PO_NPY_MAGIC_LEN - 4;
    int n = snprintf(text, cap, "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }",
                     shape_str);
    size_t len = (size_t)n;
    if (ndim > 0) {
        char first[24];
        size_t digits = (size_t)snprintf(first, sizeof first, "%zu", shape[0]);
        for (size_t i = digits; i < GROWTH_AXIS_MAX_DIGITS; i++) text[len++] = ' ';
    }
    /* Spaces, then a final newline, up to the next multiple of 64 (a whole
     * extra block of padding if already aligned, as NumPy does). */
    size_t pad = PO_NPY_ALIGN - (PO_NPY_MAGIC_LEN + 4 + len + 1) % PO_NPY_ALIGN;
    for (size_t i = 0; i < pad; i++) text[len++] = ' ';
    text[len++] = '\n';
    memcpy(buf, PO_NPY_MAGIC "\x01\x00", PO_NPY_MAGIC_LEN + 2);
    po_store_le16(buf + PO_NPY_MAGIC_LEN + 2, (uint16_t)len);
    return PO_NPY_MAGIC_LEN + 4 + len;
}

/* The payload: rows x cols doubles with row stride ld, written little-endian. */
typedef struct payload {
    const double *data;
    size_t rows, cols, ld;
    size_t ndim;
    const size_t *shape;
} payload;

static po_status write_failed(const char *path)
{
    return po_error(PO_EIO, "%s: write failed: %s", path, strerror(errno));
}

/* Elements are encoded into a buffer of this many bytes and written in large
 * blocks regardless of row boundaries: one write per short row would cost a
 * system call per row. */
#define WRITE_BUFFER_BYTES ((size_t)1 << 18)

static po_status fill_npy(FILE *f, const char *path, void *ctx)
{
    const payload *p = ctx;
    unsigned char header[HEADER_CAP];
    size_t hlen = build_header(header, p->ndim, p->shape);
    if (fwrite(header, 1, hlen, f) != hlen) return write_failed(path);
    unsigned char *buf = malloc(WRITE_BUFFER_BYTES);
    if (!buf) return po_error(PO_ENOMEM, "%s: cannot allocate a write buffer", path);
    const size_t cap = WRITE_BUFFER_BYTES / 8;
    size_t used = 0;
    po_status st = PO_OK;
    for (size_t i = 0; i < p->rows && !st; i++) {
        const double *row = p->data + i * p->ld;
        for (size_t j = 0; j < p->cols && !st;) {
            size_t n = p->cols - j < cap - used ? p->cols - j : cap - used;
            for (size_t k = 0; k < n; k++) {
                uint64_t bits;
                memcpy(&bits, &row[j + k], sizeof bits);
                po_store_le64(buf + 8 * (used + k), bits);
            }
            j += n;
            used += n;
            if (used == cap) {
                if (fwrite(buf, 8, used, f) != used) st = write_failed(path);
                used = 0;
            }
        }
    }
    if (!st && used && fwrite(buf, 8, used, f) != used) st = write_failed(path);
    free(buf);
    return st;
}

po_status po_npy_write(const char *path, const double *data, size_t ndim, const size_t *shape)
{
    if (ndim > PO_NPY_MAX_DIMS)
        return po_error(PO_EINVAL, "%s: cannot write a %zu-D array (at most %d-D)", path, ndim,
                        PO_NPY_MAX_DIMS);
    size_t count = 1;
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] != 0 && count > SIZE_MAX / sizeof(double) / shape[i])
            return po_error(PO_EINVAL, "%s: array shape is too large", path);
        count *= shape[i];
    }
    if (count > 0 && !data) return po_error(PO_EINVAL, "%s: no data to write", path);
    payload p = {.data = data, .rows = 1, .cols = count, .ld = count, .ndim = ndim, .shape = shape};
    return po_atomic_write(path, fill_npy, &p);
}

po_status po_npy_write_mat(const char *path, const po_mat *m)
{
    if (!m || (m->rows > 0 && m->cols > 0 && (!m->data || m->ld < m->cols)))
        return po_error(PO_EINVAL, "%s: invalid matrix to write", path);
    size_t shape[2] = {m->rows, m->cols};
    payload p = {.data = m->data, .rows = m->rows, .cols = m->cols, .ld = m->ld, .ndim = 2,
                 .shape = shape};
    return po_atomic_write(path, fill_npy, &p);
}

po_status po_npy_write_vec(const char *path, const double *x, size_t n)
{
    return po_npy_write(path, x, 1, &n);
}
