/* Reading .npy images and files into C-ordered doubles (DESIGN.md §5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "io/npy_internal.h"

size_t po_array_size(const po_array *a)
{
    size_t n = 1;
    for (size_t i = 0; i < a->ndim; i++) n *= a->shape[i];
    return n;
}

void po_array_free(po_array *a)
{
    if (!a) return;
    free(a->data);
    free(a);
}

po_array *po_npy_array_alloc(const po_npy_header *h, const char *name)
{
    po_array *a = malloc(sizeof *a);
    /* One element at least, so that empty arrays still have a valid pointer. */
    double *data = po_alloc_doubles(h->count, false);
    if (!a || !data) {
        free(a);
        free(data);
        po_error(PO_ENOMEM, "%s: cannot allocate %zu doubles", name, h->count);
        return NULL;
    }
    *a = (po_array){.data = data, .ndim = h->ndim};
    memcpy(a->shape, h->shape, sizeof a->shape);
    return a;
}

static double load_element(const po_npy_header *h, const unsigned char *p)
{
    if (h->itemsize == 8) {
        uint64_t bits = po_load64(p, h->big_endian);
        double x;
        memcpy(&x, &bits, sizeof x);
        return x;
    }
    uint32_t bits = po_load32(p, h->big_endian);
    float x;
    memcpy(&x, &bits, sizeof x);
    return (double)x;
}

void po_npy_decode(const po_npy_header *h, const unsigned char *src, double *dst)
{
    if (!h->fortran_order && h->itemsize == 8 && h->big_endian == po_host_is_big_endian()) {
        /* Already this host's doubles (the common case): nothing to convert. */
        if ((const void *)src != (void *)dst) memcpy(dst, src, h->count * sizeof(double));
        return;
    }
    if (!h->fortran_order) {
        for (size_t i = h->count; i-- > 0;) dst[i] = load_element(h, src + i * h->itemsize);
        return;
    }
    /* An empty array may still have huge other dimensions: do not loop over them. */
    if (h->count == 0) return;
    /* Column-major: pad the shape to 3-D with leading 1s (which leaves the
     * column-major offsets of the real dimensions unchanged) and gather. */
    size_t n[3] = {1, 1, 1};
    for (size_t d = 0; d < h->ndim; d++) n[3 - h->ndim + d] = h->shape[d];
    size_t out = 0;
    for (size_t i = 0; i < n[0]; i++)
        for (size_t j = 0; j < n[1]; j++)
            for (size_t k = 0; k < n[2]; k++)
                dst[out++] = load_element(h, src + (i + n[0] * (j + n[1] * k)) * h->itemsize);
}

po_status po_npy_parse(const void *buf, size_t len, const char *name, po_array **out)
{
    *out = NULL;
    if (!name) name = "<buffer>";
    const unsigned char *b = buf;
    size_t dict_off, data_off;
    po_npy_header h;
    po_status st = po_npy_preamble(b, len, len, name, &dict_off, &data_off);
    if (!st) st = po_npy_parse_dict((const char *)b + dict_off, data_off - dict_off, name, &h);
    if (!st) st = po_npy_check_data_size(&h, len - data_off, name);
    if (st) return st;
    po_array *a = po_npy_array_alloc(&h, name);
    if (!a) return PO_ENOMEM;
    po_npy_decode(&h, b + data_off, a->data);
    *out = a;
    return PO_OK;
}

/* Everything after the header: at most the pre-checked size for regular
 * files, anything for pipes, so both the shortfall and any surplus are
 * counted here too (a regular file may also change while we read it). */
static po_status read_data(FILE *f, const po_npy_header *h, const char *path, po_array *a)
{
    size_t need = h->count * h->itemsize;
    /* C-ordered data is decoded in place; Fortran order needs a gather. */
    unsigned char *raw = h->fortran_order ? malloc(need ? need : 1) : (unsigned char *)a->data;
    if (!raw) return po_error(PO_ENOMEM, "%s: cannot allocate %zu bytes", path, need);
    size_t got = fread(raw, 1, need, f);
    if (got == need) {
        unsigned char sink[4096];
        size_t n;
        while ((n = fread(sink, 1, sizeof sink, f)) > 0) got += n;
    }
    po_status st = ferror(f) ? po_error(PO_EIO, "%s: read error: %s", path, strerror(errno))
                             : po_npy_check_data_size(h, got, path);
    if (!st) po_npy_decode(h, raw, a->data);
    if (raw != (unsigned char *)a->data) free(raw);
    return st;
}

static po_status read_stream(FILE *f, const char *path, po_array **out)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0)
        return po_error(PO_EIO, "%s: cannot stat: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode)) return po_error(PO_EIO, "%s: is a directory", path);
    /* The size of a regular file bounds the header and data before we
     * allocate for them; for pipes it is unknown (SIZE_MAX). */
    size_t total = SIZE_MAX;
    if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size < SIZE_MAX) total = (size_t)sb.st_size;

    /* Magic, version and a 2-byte header length; versions 2.0 and 3.0 have
     * two more length bytes. Reading no further keeps the header separate. */
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, f);
    if (got == 10 && (pre[6] == 2 || pre[6] == 3)) got += fread(pre + 10, 1, 2, f);
    if (ferror(f)) return po_error(PO_EIO, "%s: read error: %s", path, strerror(errno));
    size_t dict_off, data_off;
    po_status st = po_npy_preamble(pre, got, total < got ? got : total, path, &dict_off, &data_off);
    if (st) return st;

    size_t hlen = data_off - dict_off;
    char *text = malloc(hlen ? hlen : 1);
    if (!text) return po_error(PO_ENOMEM, "%s: cannot allocate a %zu-byte header", path, hlen);
    po_npy_header h;
    if (fread(text, 1, hlen, f) != hlen)
        st = ferror(f) ? po_error(PO_EIO, "%s: read error: %s", path, strerror(errno))
                       : po_error(PO_EFORMAT, "%s: truncated .npy header (%zu bytes expected)",
                                  path, hlen);
    if (!st) st = po_npy_parse_dict(text, hlen, path, &h);
    free(text);
    if (!st && total != SIZE_MAX) st = po_npy_check_data_size(&h, total - data_off, path);
    if (st) return st;

    po_array *a = po_npy_array_alloc(&h, path);
    if (!a) return PO_ENOMEM;
    st = read_data(f, &h, path, a);
    if (st) {
        po_array_free(a);
        return st;
    }
    *out = a;
    return PO_OK;
}

po_status po_npy_read(const char *path, po_array **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return po_error(PO_EIO, "%s: cannot open: %s", path, strerror(errno));
    po_status st = read_stream(f, path, out);
    fclose(f);
    return st;
}

po_status po_npy_read_mat(const char *path, po_mat **out)
{
    *out = NULL;
    po_array *a;
    po_status st = po_npy_read(path, &a);
    if (st) return st;
    if (a->ndim != 1 && a->ndim != 2) {
        char s[PO_NPY_SHAPE_STR_CAP];
        po_npy_format_shape(s, a->ndim, a->shape);
        size_t ndim = a->ndim;
        po_array_free(a);
        return po_error(PO_ESHAPE, "%s: expected a 1-D or 2-D array, got %zu-D %s", path, ndim, s);
    }
    po_mat *m = malloc(sizeof *m);
    if (!m) {
        po_array_free(a);
        return po_error(PO_ENOMEM, "%s: cannot allocate a matrix header", path);
    }
    /* A 1-D array of length n is a column: n x 1. The matrix takes over the
     * array's data; ld follows po_mat_alloc (at least 1). */
    size_t rows = a->shape[0], cols = a->ndim == 2 ? a->shape[1] : 1;
    *m = (po_mat){.data = a->data, .rows = rows, .cols = cols, .ld = cols ? cols : 1, .owns = true};
    free(a);
    *out = m;
    return PO_OK;
}
