/* Private pieces of the .npy reader and writer shared between src/io files.
 *
 * Byte order: elements are moved as 64- or 32-bit integers and swapped when
 * the file's order differs from the host's, so the same code is correct on
 * little- and big-endian hosts. It assumes only that a double is laid out
 * like a 64-bit integer of the same order (true on every IEEE-754 platform
 * we target).
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

/* True when the host stores multi-byte numbers most significant byte first.
 * Constant-folded by the compiler, so the helpers below become plain loads
 * and stores (or a bswap instruction) with no branch. The '=' and '|'
 * byte-order marks of a descr also mean this host's order. */
static inline bool po_host_is_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

static inline uint64_t po_bswap64(uint64_t v)
{
    v = (v >> 32) | (v << 32);
    v = ((v & 0xffff0000ffff0000u) >> 16) | ((v & 0x0000ffff0000ffffu) << 16);
    return ((v & 0xff00ff00ff00ff00u) >> 8) | ((v & 0x00ff00ff00ff00ffu) << 8);
}

static inline uint32_t po_bswap32(uint32_t v)
{
    v = (v >> 16) | (v << 16);
    return ((v & 0xff00ff00u) >> 8) | ((v & 0x00ff00ffu) << 8);
}

/* Unaligned loads and stores of explicitly ordered integers. */
static inline uint64_t po_load64(const unsigned char *p, bool big_endian)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return big_endian == po_host_is_big_endian() ? v : po_bswap64(v);
}

static inline uint32_t po_load32(const unsigned char *p, bool big_endian)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return big_endian == po_host_is_big_endian() ? v : po_bswap32(v);
}

static inline void po_store_le64(unsigned char *p, uint64_t v)
{
    if (po_host_is_big_endian()) v = po_bswap64(v);
    memcpy(p, &v, sizeof v);
}

static inline void po_store_le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v & 0xffu);
    p[1] = (unsigned char)(v >> 8);
}

#endif
