/* Private pieces of the .npy reader and writer shared between src/io files.
 *
 * Byte order is handled by assembling and splitting integers with shifts, so
 * the same code is correct on little- and big-endian hosts: it never depends
 * on how the host lays out a double in memory beyond "the same as a 64-bit
 * integer" (true on every IEEE-754 platform we target).
 */
#ifndef PO_IO_NPY_INTERNAL_H
#define PO_IO_NPY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "partobs/npy.h"

/* "\x93NUMPY" followed by major and minor version bytes. */
#define PO_NPY_MAGIC "\x93NUMPY"
#define PO_NPY_MAGIC_LEN 6
/* Data starts at a multiple of this in files we write (NumPy's ARRAY_ALIGN). */
#define PO_NPY_ALIGN 64
/* Room for "(d0, d1, d2)" with 20-digit dimensions. */
#define PO_NPY_SHAPE_STR_CAP 80

/* What the header says about the data that follows it. */
typedef struct po_npy_header {
    size_t itemsize;    /* 8 (float64) or 4 (float32) */
    bool big_endian;    /* byte order of the stored elements */
    bool fortran_order; /* stored column-major */
    size_t ndim;        /* 0 .. PO_NPY_MAX_DIMS after a successful parse */
    size_t shape[PO_NPY_MAX_DIMS];
    size_t count;       /* product of shape (1 for 0-d) */
} po_npy_header;

/* Check the magic string and version in the first `avail` bytes of a file of
 * `total` bytes (SIZE_MAX if unknown) and locate the header dictionary: it
 * spans [*dict_off, *data_off). PO_EFORMAT naming `name` otherwise. */
po_status po_npy_preamble(const unsigned char *buf, size_t avail, size_t total, const char *name,
                          size_t *dict_off, size_t *data_off);

/* Parse the header dictionary text (len bytes, not NUL-terminated) into h:
 * keys 'descr', 'fortran_order' and 'shape' in any order, float64/float32 of
 * either byte order only, at most PO_NPY_MAX_DIMS dimensions. */
po_status po_npy_parse_dict(const char *text, size_t len, const char *name, po_npy_header *h);

/* PO_OK if `avail` data bytes are exactly what h needs; PO_EFORMAT saying how
 * many bytes were expected and found otherwise. */
po_status po_npy_check_data_size(const po_npy_header *h, size_t avail, const char *name);

/* Convert h->count stored elements at src into C-ordered doubles at dst.
 * For C-ordered data src may be the same memory as dst (decoding runs from
 * the last element down, so widening float32 in place is safe); for
 * Fortran-ordered data they must not overlap. */
void po_npy_decode(const po_npy_header *h, const unsigned char *src, double *dst);

/* A po_array with uninitialised room for h's elements, or NULL (PO_ENOMEM). */
po_array *po_npy_array_alloc(const po_npy_header *h, const char *name);

/* Write "(3, 4)", "(5,)" or "()" into buf (PO_NPY_SHAPE_STR_CAP bytes). */
void po_npy_format_shape(char *buf, size_t ndim, const size_t *shape);

static inline uint64_t po_load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static inline uint64_t po_load_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static inline uint32_t po_load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t po_load_be32(const unsigned char *p)
{
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

static inline void po_store_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8) p[i] = (unsigned char)(v & 0xffu);
}

static inline void po_store_le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v & 0xffu);
    p[1] = (unsigned char)(v >> 8);
}

/* True when the host stores multi-byte numbers most significant byte first:
 * the '=' and '|' byte-order marks of a descr mean this host's order. */
static inline bool po_host_is_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

#endif
