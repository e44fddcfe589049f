/* .npy reading and writing (DESIGN.md §5): NumPy-written fixtures from
 * tools/fixtures_npy.py, byte-identical output, bit-exact round trips,
 * every refusal with its message, atomic writes, fuzzer regressions. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "io/npy_internal.h"

/* The fixture formula: index digits as a decimal number plus 0.25,
 * a[i, j, k] = 100 i + 10 j + k + 0.25 (tools/fixtures_npy.py). */
static double formula(size_t ndim, const size_t *idx)
{
    double v = 0.25, scale = 1.0;
    for (size_t d = ndim; d-- > 0; scale *= 10.0) v += scale * (double)idx[d];
    return v;
}

/* Fill data (C order) with the formula for shape. */
static void fill_formula(double *data, size_t ndim, const size_t *shape)
{
    size_t idx[PO_NPY_MAX_DIMS] = {0, 0, 0};
    size_t n = 1;
    for (size_t d = 0; d < ndim; d++) n *= shape[d];
    for (size_t e = 0; e < n; e++) {
        data[e] = formula(ndim, idx);
        for (size_t d = ndim; d-- > 0;) { /* odometer, last index fastest */
            if (++idx[d] < shape[d]) break;
            idx[d] = 0;
        }
    }
}

static bool same_shape(const po_array *a, size_t ndim, const size_t *shape)
{
    if (!a || a->ndim != ndim) return false;
    for (size_t d = 0; d < ndim; d++)
        if (a->shape[d] != shape[d]) return false;
    return true;
}

static bool msg_has(const char *needle) { return strstr(po_errmsg(), needle) != NULL; }

/* Check a fixture read with po_npy_read against the formula. */
static void check_fixture_at(int line, const char *file, size_t ndim, const size_t *shape)
{
    po_array *a = NULL;
    po_status st = po_npy_read(po_test_data(file), &a);
    if (st != PO_OK || !same_shape(a, ndim, shape)) {
        po_test_fail(__FILE__, line, "%s: status %s (%s) or wrong shape", file,
                     po_status_name(st), po_errmsg());
        po_array_free(a);
        return;
    }
    double want[64];
    fill_formula(want, ndim, shape);
    size_t bad = 0;
    for (size_t e = 0; e < po_array_size(a); e++) bad += a->data[e] != want[e];
    if (bad) po_test_fail(__FILE__, line, "%s: %zu elements differ from the formula", file, bad);
    po_array_free(a);
}
#define CHECK_FIXTURE(file, ndim, ...) \
    check_fixture_at(__LINE__, file, ndim, (const size_t[]){__VA_ARGS__})

static void test_read_numpy_fixtures(void)
{
    CHECK_FIXTURE("npy_c2d.npy", 2, 3, 4);
    CHECK_FIXTURE("npy_f2d.npy", 2, 3, 4);   /* Fortran order */
    CHECK_FIXTURE("npy_f3d.npy", 3, 2, 3, 4); /* Fortran order, 3-D */
    CHECK_FIXTURE("npy_f4.npy", 2, 3, 4);    /* float32 widened */
    CHECK_FIXTURE("npy_be8.npy", 2, 3, 4);   /* '>f8' */
    CHECK_FIXTURE("npy_be4.npy", 1, 5);      /* '>f4' */
    CHECK_FIXTURE("npy_v2.npy", 2, 3, 4);    /* format 2.0 */
    CHECK_FIXTURE("npy_v3.npy", 3, 2, 3, 4); /* format 3.0 */
    CHECK_FIXTURE("npy_1d.npy", 1, 5);
    CHECK_FIXTURE("npy_3d.npy", 3, 2, 3, 4);
    CHECK_FIXTURE("npy_0d.npy", 0, 0);
    CHECK_FIXTURE("npy_empty.npy", 2, 0, 3);

    po_array *a = NULL;
    CHECK_OK(po_npy_read(po_test_data("npy_aligned.npy"), &a));
    CHECK(a && a->ndim == 3 && a->shape[1] == 100000000000000000u && po_array_size(a) == 0);
    po_array_free(a);
}

static void test_read_mat(void)
{
    po_mat *m = NULL;
    CHECK_OK(po_npy_read_mat(po_test_data("npy_f2d.npy"), &m));
    CHECK(m && m->rows == 3 && m->cols == 4 && m->ld == 4 && m->owns);
    if (m) CHECK(PO_MAT_AT(m, 2, 1) == 21.25 && PO_MAT_AT(m, 1, 3) == 13.25);
    po_mat_free(m);

    CHECK_OK(po_npy_read_mat(po_test_data("npy_1d.npy"), &m)); /* a column */
    CHECK(m && m->rows == 5 && m->cols == 1 && PO_MAT_AT(m, 4, 0) == 4.25);
    po_mat_free(m);

    CHECK_OK(po_npy_read_mat(po_test_data("npy_empty.npy"), &m));
    CHECK(m && m->rows == 0 && m->cols == 3);
    po_mat_free(m);

    static po_mat sentinel;
    m = &sentinel; /* must be reset to NULL on failure */
    CHECK_STATUS(po_npy_read_mat(po_test_data("npy_3d.npy"), &m), PO_ESHAPE);
    CHECK(m == NULL);
    CHECK(msg_has("npy_3d.npy: expected a 1-D or 2-D array, got 3-D (2, 3, 4)"));
    CHECK_STATUS(po_npy_read_mat(po_test_data("npy_0d.npy"), &m), PO_ESHAPE);
    CHECK(msg_has("got 0-D ()"));
    CHECK_STATUS(po_npy_read_mat(po_test_data("npy_i8.npy"), &m), PO_EFORMAT);
    CHECK_STATUS(po_npy_read_mat(po_test_data("missing.npy"), &m), PO_EIO);
}

static void refused_fixture_at(int line, const char *file, const char *needle)
{
    static po_array sentinel;
    po_array *a = &sentinel;
    po_status st = po_npy_read(po_test_data(file), &a);
    if (st != PO_EFORMAT || a != NULL || !msg_has(file) || !msg_has(needle))
        po_test_fail(__FILE__, line, "%s: got %s \"%s\", want PO_EFORMAT naming \"%s\"", file,
                     po_status_name(st), po_errmsg(), needle);
}
#define REFUSED_FIXTURE(file, needle) refused_fixture_at(__LINE__, file, needle)

static void test_refused_fixtures(void)
{
    REFUSED_FIXTURE("npy_i8.npy",
                    "dtype '<i8' is not supported (partobs reads float64 or float32)");
    REFUSED_FIXTURE("npy_c16.npy", "dtype '<c16' is not supported");
    REFUSED_FIXTURE("npy_bool.npy", "dtype '|b1' is not supported");
    REFUSED_FIXTURE("npy_object.npy", "dtype '|O' is not supported");
    REFUSED_FIXTURE("npy_struct.npy", "structured dtype");
    REFUSED_FIXTURE("npy_4d.npy", "4-D arrays are not supported");
}

/* The byte-order helpers mean the same bytes on any host. */
static void test_byte_order(void)
{
    CHECK(po_bswap64(0x0102030405060708u) == 0x0807060504030201u);
    CHECK(po_bswap32(0x01020304u) == 0x04030201u);
    unsigned char b[8];
    po_store_le64(b, 0x0102030405060708u);
    CHECK(b[0] == 0x08 && b[7] == 0x01);
    CHECK(po_load64(b, false) == 0x0102030405060708u);
    CHECK(po_load64(b, true) == 0x0807060504030201u);
    CHECK(po_load32(b, false) == 0x05060708u && po_load32(b, true) == 0x08070605u);
    po_store_le16(b, 0x1234);
    CHECK(b[0] == 0x34 && b[1] == 0x12);
}

/* ---- hand-made images ---------------------------------------------------- */

/* preamble (version major.0) + header text + data bytes into buf. */
static size_t make_image(unsigned char *buf, unsigned major, const char *header, const void *data,
                         size_t dlen)
{
    size_t hlen = strlen(header), at = 0;
    memcpy(buf, PO_NPY_MAGIC, PO_NPY_MAGIC_LEN);
    at += PO_NPY_MAGIC_LEN;
    buf[at++] = (unsigned char)major;
    buf[at++] = 0;
    for (size_t b = 0; b < (major == 1 ? 2u : 4u); b++)
        buf[at++] = (unsigned char)(hlen >> (8 * b));
    memcpy(buf + at, header, hlen);
    at += hlen;
    if (dlen) memcpy(buf + at, data, dlen);
    return at + dlen;
}

/* Little-endian bytes of the formula for a 2 x 3 array, in C or Fortran order. */
static void formula_bytes_2x3(unsigned char *out, bool fortran)
{
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 3; j++) {
            double v = formula(2, (const size_t[]){i, j});
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            po_store_le64(out + 8 * (fortran ? i + 2 * j : 3 * i + j), bits);
        }
}

static void accepted_at(int line, unsigned major, const char *header, bool fortran)
{
    unsigned char data[48], buf[512];
    formula_bytes_2x3(data, fortran);
    size_t len = make_image(buf, major, header, data, sizeof data);
    po_array *a = NULL;
    po_status st = po_npy_parse(buf, len, "img.npy", &a);
    double want[6];
    fill_formula(want, 2, (const size_t[]){2, 3});
    if (st != PO_OK || !same_shape(a, 2, (const size_t[]){2, 3}) ||
        memcmp(a->data, want, sizeof want) != 0)
        po_test_fail(__FILE__, line, "header %s: status %s (%s) or wrong values", header,
                     po_status_name(st), po_errmsg());
    po_array_free(a);
}
#define ACCEPTED(major, header, fortran) accepted_at(__LINE__, major, header, fortran)

static void test_header_variants(void)
{
    ACCEPTED(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", false);
    ACCEPTED(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", false);
    ACCEPTED(1, "{ \"shape\" : ( 2 , 3 , ) ,\"fortran_order\":True,\t\"descr\":\"<f8\",}\r\n",
             true);
    ACCEPTED(1, "{'fortran_order': True, 'shape': (2L, 3L), 'descr': '<f8'}          \n", true);
    ACCEPTED(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", false);
    ACCEPTED(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", false);
    /* '=', '|' and no mark mean the reader's own byte order; the data here is
     * little-endian, so these only match on a little-endian host. */
    if (!po_host_is_big_endian()) {
        ACCEPTED(1, "{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3), }", false);
        ACCEPTED(1, "{'descr': '|f8', 'fortran_order': False, 'shape': (2, 3), }", false);
        ACCEPTED(1, "{'descr': 'f8', 'fortran_order': False, 'shape': (2, 3), }", false);
    }
}

static void refused_at(int line, const unsigned char *buf, size_t len, const char *needle)
{
    static po_array sentinel;
    po_array *a = &sentinel;
    po_status st = po_npy_parse(buf, len, "img.npy", &a);
    if (st != PO_EFORMAT || a != NULL || !msg_has("img.npy") || !msg_has(needle))
        po_test_fail(__FILE__, line, "got %s \"%s\", want PO_EFORMAT naming \"%s\"",
                     po_status_name(st), po_errmsg(), needle);
    if (st == PO_OK) po_array_free(a);
}
#define REFUSED_BYTES(buf, len, needle) refused_at(__LINE__, buf, len, needle)

/* A version-1.0 image with this header and `dlen` bytes of data. */
static void refused_header_at(int line, const char *header, size_t dlen, const char *needle)
{
    unsigned char data[256] = {0}, buf[1024];
    size_t len = make_image(buf, 1, header, data, dlen);
    refused_at(line, buf, len, needle);
}
#define REFUSED_HEADER(header, dlen, needle) refused_header_at(__LINE__, header, dlen, needle)

#define HDR(descr, shape) "{'descr': '" descr "', 'fortran_order': False, 'shape': " shape ", }"

static void test_refused_preambles(void)
{
    unsigned char buf[512];
    size_t len = make_image(buf, 1, HDR("<f8", "(2, 3)"), NULL, 0);
    REFUSED_BYTES(buf, 0, "empty file");
    REFUSED_BYTES(buf, 3, "truncated .npy file (3 bytes");
    REFUSED_BYTES(buf, 9, "no header length");
    REFUSED_BYTES(buf, 20, "header length 59 points past the end of the file (20 bytes)");
    buf[1] = 'X';
    REFUSED_BYTES(buf, len, "bad magic");
    REFUSED_BYTES(buf, 2, "bad magic");
    buf[1] = 'N';
    buf[6] = 4;
    REFUSED_BYTES(buf, len, "unsupported .npy format version 4.0");
    buf[6] = 0;
    REFUSED_BYTES(buf, len, "version 0.0");
    buf[6] = 1;
    buf[7] = 1;
    REFUSED_BYTES(buf, len, "version 1.1");
    buf[7] = 0;
    buf[9] = 0x80; /* header length 32827 */
    REFUSED_BYTES(buf, len, "header length 32827 points past the end");
    len = make_image(buf, 2, HDR("<f8", "(2, 3)"), NULL, 0);
    buf[11] = 0xff; /* 4-byte header length near 4 GiB */
    REFUSED_BYTES(buf, len, "points past the end");
    REFUSED_BYTES(buf, 11, "no header length");
}

static void test_refused_headers(void)
{
    REFUSED_HEADER("", 0, "expected '{' (at byte 0");
    REFUSED_HEADER("hello", 0, "malformed .npy header: expected '{'");
    REFUSED_HEADER("{'descr' '<f8'}", 0, "expected ':' after a key (at byte 9");
    REFUSED_HEADER("{'descr': '<f8", 0, "unterminated string");
    REFUSED_HEADER("{'descr': '<f\\x38'}", 0, "escape sequences are not supported");
    REFUSED_HEADER("{descr: '<f8'}", 0, "expected a quoted string");
    REFUSED_HEADER("{'descr': '<f8' 'shape': (2,)}", 0, "expected ',' or '}'");
    REFUSED_HEADER(HDR("<f8", "(2,)") " junk", 16, "unexpected text after the dictionary");
    REFUSED_HEADER("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", 16,
                   "expected ',' or '}'");
    REFUSED_HEADER("{'descr': '<f8', 'fortran_order': maybe, 'shape': (2,)}", 16,
                   "'fortran_order' must be True or False");
    REFUSED_HEADER("{'descr': '<f8', 'fortran_order': Truely, 'shape': (2,)}", 16,
                   "must be True or False");
    REFUSED_HEADER("{'descr': '<f8', 'fortran_order': False}", 0, "has no 'shape' key");
    REFUSED_HEADER("{'shape': (2,), 'fortran_order': False}", 16, "has no 'descr' key");
    REFUSED_HEADER("{'descr': '<f8', 'shape': (2,)}", 16, "has no 'fortran_order' key");
    REFUSED_HEADER("{'descr': '<f8', 'descr': '<f8'}", 0, "duplicate key 'descr'");
    REFUSED_HEADER("{'descr': '<f8', 'colour': 'red'}", 0, "unexpected key 'colour'");
    REFUSED_HEADER("{'a\nb\x7f': 1}", 0, "unexpected key 'a?b?' in"); /* stays one line */
    REFUSED_HEADER("{}", 0, "has no 'descr' key");
    REFUSED_HEADER("{'descr': 8}", 0, "expected a quoted string");
}

static void test_refused_shapes(void)
{
    REFUSED_HEADER(HDR("<f8", "(-3,)"), 0, "negative dimension");
    REFUSED_HEADER(HDR("<f8", "(2, -1)"), 0, "negative dimension");
    REFUSED_HEADER(HDR("<f8", "(99999999999999999999999,)"), 0, "dimension in shape is too large");
    REFUSED_HEADER(HDR("<f8", "(4294967296, 4294967296)"), 0,
                   "shape (4294967296, 4294967296) is too large to address");
    REFUSED_HEADER(HDR("<f8", "(2305843009213693952,)"), 0, "too large to address"); /* 2^61 */
    REFUSED_HEADER(HDR("<f8", "(1000000000000,)"), 0,
                   "truncated data: shape (1000000000000,) of float64 needs 8000000000000 bytes");
    REFUSED_HEADER(HDR("<f8", "(2)"), 16, "'shape' (n) is not a tuple");
    REFUSED_HEADER(HDR("<f8", "2"), 16, "'shape' must be a tuple");
    REFUSED_HEADER(HDR("<f8", "[2]"), 16, "'shape' must be a tuple");
    REFUSED_HEADER(HDR("<f8", "(2 3)"), 48, "expected ',' or ')' in shape");
    REFUSED_HEADER(HDR("<f8", "(,)"), 0, "expected a dimension in shape");
    REFUSED_HEADER(HDR("<f8", "(2,,)"), 16, "expected a dimension in shape");
    REFUSED_HEADER(HDR("<f8", "(2.5,)"), 16, "expected ',' or ')' in shape");
    REFUSED_HEADER(HDR("<f8", "(1, 1, 1, 1)"), 8, "4-D arrays are not supported");
    REFUSED_HEADER(HDR("<f8", "(1, 1, 1, 1, 1, 1, 1)"), 8, "7-D arrays are not supported");
}

static void test_refused_dtypes(void)
{
    REFUSED_HEADER(HDR("<i8", "(2,)"), 16, "dtype '<i8' is not supported");
    REFUSED_HEADER(HDR("<f2", "(2,)"), 4, "dtype '<f2' is not supported");
    REFUSED_HEADER(HDR("<f16", "(2,)"), 32, "dtype '<f16' is not supported");
    REFUSED_HEADER(HDR("<c8", "(2,)"), 16, "dtype '<c8' is not supported");
    REFUSED_HEADER(HDR("", "(2,)"), 16, "dtype '' is not supported");
    REFUSED_HEADER(HDR("<", "(2,)"), 16, "dtype '<' is not supported");
    REFUSED_HEADER(HDR("float64", "(2,)"), 16, "dtype 'float64' is not supported");
    REFUSED_HEADER(HDR("0123456789012345678901234567890123456789", "(2,)"), 16,
                   "dtype '01234567890123456789012345678901...' is not supported");
    REFUSED_HEADER("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", 16,
                   "structured dtype");
}

static void test_refused_data_sizes(void)
{
    REFUSED_HEADER(HDR("<f8", "(3, 4)"), 50,
                   "truncated data: shape (3, 4) of float64 needs 96 bytes, found 50");
    REFUSED_HEADER(HDR("<f4", "(3,)"), 11, "shape (3,) of float32 needs 12 bytes, found 11");
    REFUSED_HEADER(HDR("<f8", "()"), 0, "shape () of float64 needs 8 bytes, found 0");
    REFUSED_HEADER(HDR("<f8", "(3, 4)"), 104,
                   "8 unexpected bytes after the data (shape (3, 4) of float64 needs 96 bytes)");
    REFUSED_HEADER(HDR("<f8", "(0, 4)"), 1, "1 unexpected bytes after the data");
}

/* ---- files: reading ------------------------------------------------------ */

static const char *write_bytes(const char *name, const void *buf, size_t len)
{
    const char *path = po_test_tmp(name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(buf, 1, len, f) == len);
        fclose(f);
    }
    return path;
}

static void read_refused_at(int line, const char *path, po_status want, const char *needle)
{
    static po_array sentinel;
    po_array *a = &sentinel;
    po_status st = po_npy_read(path, &a);
    if (st != want || a != NULL || !msg_has(path) || !msg_has(needle))
        po_test_fail(__FILE__, line, "%s: got %s \"%s\", want %s naming \"%s\"", path,
                     po_status_name(st), po_errmsg(), po_status_name(want), needle);
    if (st == PO_OK) po_array_free(a);
}
#define READ_REFUSED(path, want, needle) read_refused_at(__LINE__, path, want, needle)

static void test_read_file_errors(void)
{
    READ_REFUSED(po_test_data("no_such_file.npy"), PO_EIO, "No such file or directory");
    mkdir(po_test_tmp("a_directory.npy"), 0700);
    READ_REFUSED(po_test_tmp("a_directory.npy"), PO_EIO, "is a directory");

    unsigned char data[256] = {0}, buf[512];
    size_t len = make_image(buf, 1, HDR("<f8", "(3, 4)"), data, 96);
    READ_REFUSED(write_bytes("short.npy", buf, len - 46), PO_EFORMAT,
                 "needs 96 bytes, found 50");
    len = make_image(buf, 1, HDR("<f8", "(3, 4)"), data, 99);
    READ_REFUSED(write_bytes("long.npy", buf, len), PO_EFORMAT, "3 unexpected bytes");
    READ_REFUSED(write_bytes("cut_header.npy", buf, 30), PO_EFORMAT,
                 "header length 59 points past the end of the file (30 bytes)");
    READ_REFUSED(write_bytes("cut_preamble.npy", buf, 7), PO_EFORMAT, "7 bytes, no version");
    READ_REFUSED(write_bytes("empty.npy", buf, 0), PO_EFORMAT, "empty file");
    READ_REFUSED(write_bytes("text.npy", "hello world\n", 12), PO_EFORMAT, "bad magic");
    len = make_image(buf, 1, HDR("<i4", "(3,)"), data, 12);
    READ_REFUSED(write_bytes("int.npy", buf, len), PO_EFORMAT, "dtype '<i4' is not supported");
    len = make_image(buf, 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", data, 16);
    READ_REFUSED(write_bytes("v3.npy", buf, len), PO_EFORMAT, "expected ',' or '}'");
}

/* Pipes have no size up front: the reader must find shortfalls and surplus
 * while reading. /proc/self/fd/N opens our own pipe by name (Linux). */
static po_status read_through_pipe(const unsigned char *buf, size_t len, po_array **out,
                                   char *name, size_t cap)
{
    int fds[2];
    if (pipe(fds) != 0) return PO_EIO;
    bool ok = write(fds[1], buf, len) == (ssize_t)len; /* small: fits the pipe buffer */
    close(fds[1]);
    snprintf(name, cap, "/proc/self/fd/%d", fds[0]);
    po_status st = ok ? po_npy_read(name, out) : PO_EIO;
    close(fds[0]);
    return st;
}

static void test_read_pipe(void)
{
    if (access("/proc/self/fd", F_OK) != 0) return;
    unsigned char data[128], buf[512];
    char name[64];
    formula_bytes_2x3(data, true);
    const char *fortran = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
    size_t len = make_image(buf, 1, fortran, data, 48);
    po_array *a = NULL;
    CHECK_OK(read_through_pipe(buf, len, &a, name, sizeof name));
    CHECK(same_shape(a, 2, (const size_t[]){2, 3}) && a->data[5] == 12.25);
    po_array_free(a);

    CHECK_STATUS(read_through_pipe(buf, len - 5, &a, name, sizeof name), PO_EFORMAT);
    CHECK(a == NULL && msg_has(name) && msg_has("needs 48 bytes, found 43"));
    memset(data + 48, 0, 80);
    len = make_image(buf, 1, fortran, data, 128);
    CHECK_STATUS(read_through_pipe(buf, len, &a, name, sizeof name), PO_EFORMAT);
    CHECK(msg_has("80 unexpected bytes after the data"));
    CHECK_STATUS(read_through_pipe(buf, 30, &a, name, sizeof name), PO_EFORMAT);
    CHECK(msg_has("truncated .npy header (58 bytes expected)"));
    CHECK_STATUS(read_through_pipe(buf, 4, &a, name, sizeof name), PO_EFORMAT);
    CHECK(msg_has("4 bytes, no version"));
}

/* ---- files: writing ------------------------------------------------------ */

static bool file_equals(const char *path, const char *fixture_path)
{
    unsigned char a[1024], b[1024];
    FILE *f = fopen(path, "rb"), *g = fopen(fixture_path, "rb");
    size_t na = f ? fread(a, 1, sizeof a, f) : 0, nb = g ? fread(b, 1, sizeof b, g) : 0;
    if (f) fclose(f);
    if (g) fclose(g);
    return f && g && na == nb && na > 0 && memcmp(a, b, na) == 0;
}

/* Our writer produces exactly what np.save (NumPy 1.24) wrote for the same
 * values: header text, padding, alignment and data bytes. */
static void test_write_matches_numpy(void)
{
    static const struct {
        const char *fixture;
        size_t ndim, shape[3];
    } cases[] = {
        {"npy_c2d.npy", 2, {3, 4, 0}},
        {"npy_1d.npy", 1, {5, 0, 0}},
        {"npy_3d.npy", 3, {2, 3, 4}},
        {"npy_0d.npy", 0, {0, 0, 0}},
        {"npy_empty.npy", 2, {0, 3, 0}},
        /* header already 64-aligned: NumPy pads a whole extra block */
        {"npy_aligned.npy", 3, {0, 100000000000000000u, 1000000000000000000u}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double data[24];
        fill_formula(data, cases[c].ndim, cases[c].shape);
        const char *path = po_test_tmp("numpy_like.npy");
        CHECK_OK(po_npy_write(path, data, cases[c].ndim, cases[c].shape));
        if (!file_equals(path, po_test_data(cases[c].fixture)))
            po_test_fail(__FILE__, __LINE__, "written file differs from %s", cases[c].fixture);
    }
    double col[5];
    fill_formula(col, 1, (const size_t[]){5});
    CHECK_OK(po_npy_write_vec(po_test_tmp("vec.npy"), col, 5));
    CHECK(file_equals(po_test_tmp("vec.npy"), po_test_data("npy_1d.npy")));
}

/* Values whose bits must survive: signed zero, subnormals, infinities, a NaN
 * payload, extremes. */
static void special_values(double *v, size_t n)
{
    const uint64_t bits[] = {0x8000000000000000u, 0x0000000000000001u, 0x7ff0000000000000u,
                             0xfff0000000000000u, 0x7ff8000000000123u, 0x7fefffffffffffffu,
                             0x3fb999999999999au, 0xc00921fb54442d18u};
    for (size_t i = 0; i < n; i++) {
        if (i < sizeof bits / sizeof bits[0])
            memcpy(&v[i], &bits[i], sizeof v[i]);
        else
            v[i] = sin((double)i) * 1e3;
    }
}

static void test_round_trips(void)
{
    /* 2-D: a 3 x 4 view with ld 7 into a larger buffer. */
    double buf[21];
    special_values(buf, 21);
    po_mat view = po_mat_view(buf, 3, 4, 7);
    const char *path = po_test_tmp("view.npy");
    CHECK_OK(po_npy_write_mat(path, &view));
    po_mat *m = NULL;
    CHECK_OK(po_npy_read_mat(path, &m));
    CHECK(m && m->rows == 3 && m->cols == 4 && m->ld == 4);
    if (m)
        for (size_t i = 0; i < 3; i++) CHECK(memcmp(&m->data[4 * i], &buf[7 * i], 32) == 0);
    po_mat_free(m);

    /* 1-D, 3-D, 0-d through po_npy_write and po_npy_read. */
    static const size_t shapes[3][3] = {{21, 0, 0}, {2, 3, 3}, {0, 0, 0}};
    static const size_t ndims[3] = {1, 3, 0};
    for (size_t c = 0; c < 3; c++) {
        CHECK_OK(po_npy_write(path, buf, ndims[c], shapes[c]));
        po_array *a = NULL;
        CHECK_OK(po_npy_read(path, &a));
        CHECK(same_shape(a, ndims[c], shapes[c]));
        if (a) CHECK(memcmp(a->data, buf, po_array_size(a) * sizeof(double)) == 0);
        po_array_free(a);
    }

    /* Empty 0 x 3 from a matrix. */
    po_mat *e = po_mat_alloc(0, 3);
    CHECK_OK(po_npy_write_mat(path, e));
    po_mat_free(e);
    CHECK_OK(po_npy_read_mat(path, &m));
    CHECK(m && m->rows == 0 && m->cols == 3);
    po_mat_free(m);
    CHECK(file_equals(path, po_test_data("npy_empty.npy")));
}

/* Count entries of the scratch directory that are partobs temporaries
 * (hidden, with PO_TEMP_TAG in the name). */
static int count_temp_files(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", po_test_tmp("x"));
    *strrchr(dir, '/') = '\0';
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] == '.' && strstr(e->d_name, PO_TEMP_TAG) != NULL;
    if (d) closedir(d);
    return n;
}

static void test_write_errors(void)
{
    double x[4] = {1, 2, 3, 4};
    const char *missing = "/nonexistent_partobs_dir/out.npy";
    CHECK_STATUS(po_npy_write_vec(missing, x, 4), PO_EIO);
    CHECK(msg_has(missing) && msg_has("No such file or directory"));
    CHECK(access(missing, F_OK) != 0);

    /* The temporary file can be created but not renamed over a directory:
     * the failure must remove it. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", po_test_tmp("target_is_dir"));
    CHECK(mkdir(dir, 0700) == 0);
    CHECK_STATUS(po_npy_write_vec(dir, x, 4), PO_EIO);
    CHECK(msg_has(dir) && msg_has("cannot move the finished file into place"));
    CHECK(count_temp_files() == 0);
    struct stat sb;
    CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode));

    CHECK_STATUS(po_npy_write(po_test_tmp("bad.npy"), x, 4, (const size_t[]){1, 1, 2, 2}),
                 PO_EINVAL);
    CHECK(msg_has("cannot write a 4-D array"));
    CHECK_STATUS(po_npy_write(po_test_tmp("bad.npy"), NULL, 1, (const size_t[]){4}), PO_EINVAL);
    const size_t huge[3] = {(size_t)1 << 31, (size_t)1 << 31, 4};
    CHECK_STATUS(po_npy_write(po_test_tmp("bad.npy"), x, 3, huge), PO_EINVAL);
    CHECK(msg_has("array shape is too large"));
    po_mat bad = {.data = x, .rows = 2, .cols = 2, .ld = 1};
    CHECK_STATUS(po_npy_write_mat(po_test_tmp("bad.npy"), &bad), PO_EINVAL);
    CHECK_STATUS(po_npy_write_mat(po_test_tmp("bad.npy"), NULL), PO_EINVAL);
    CHECK(access(po_test_tmp("bad.npy"), F_OK) != 0);
    CHECK(count_temp_files() == 0);
}

static void test_write_replaces_and_respects_umask(void)
{
    const char *path = po_test_tmp("replace.npy");
    double x[3] = {1, 2, 3};
    CHECK_OK(po_npy_write_vec(path, x, 3));
    mode_t old = umask(027);
    CHECK_OK(po_npy_write_vec(path, x, 2)); /* replaces the file */
    umask(old);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640);
    po_array *a = NULL;
    CHECK_OK(po_npy_read(path, &a));
    CHECK(same_shape(a, 1, (const size_t[]){2}));
    po_array_free(a);
    CHECK(count_temp_files() == 0);
}

/* A deterministic complement to the fuzzer that runs in every build (also
 * under valgrind): every strict prefix of a valid image is refused, and every
 * single-bit corruption is either refused with a message naming the buffer
 * or parsed into a consistent array. */
static void test_prefixes_and_bit_flips(void)
{
    static const char *const files[] = {"npy_c2d.npy", "npy_f3d.npy", "npy_v3.npy"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        unsigned char img[512];
        FILE *fp = fopen(po_test_data(files[f]), "rb");
        size_t len = fp ? fread(img, 1, sizeof img, fp) : 0;
        if (fp) fclose(fp);
        CHECK(len > 100);
        size_t bad = 0;
        for (size_t n = 0; n < len; n++) {
            po_array *a = NULL;
            bad += po_npy_parse(img, n, "cut.npy", &a) != PO_EFORMAT || a || !msg_has("cut.npy");
        }
        for (size_t bit = 0; bit < 8 * len; bit++) {
            img[bit / 8] ^= (unsigned char)(1u << bit % 8);
            po_array *a = NULL;
            po_status st = po_npy_parse(img, len, "flip.npy", &a);
            if (st == PO_OK)
                bad += !a || a->ndim > 3 || po_array_size(a) * 8 > len;
            else
                bad += st != PO_EFORMAT || a || strncmp(po_errmsg(), "flip.npy: ", 10) != 0;
            po_array_free(a);
            img[bit / 8] ^= (unsigned char)(1u << bit % 8);
        }
        if (bad) po_test_fail(__FILE__, __LINE__, "%s: %zu inconsistent outcomes", files[f], bad);
    }
}

/* Inputs that once hung or crashed the parser (found by review or by
 * tests/fuzz/fuzz_npy.c). */
static void test_fuzz_regressions(void)
{
    /* Empty Fortran-ordered array with a 2^60 dimension: the gather loop ran
     * over the other dimensions (2^60 iterations) before the fix. */
    unsigned char buf[256];
    size_t len = make_image(
        buf, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1152921504606846976, 0), }",
        NULL, 0);
    po_array *a = NULL;
    CHECK_OK(po_npy_parse(buf, len, "hang.npy", &a));
    CHECK(same_shape(a, 2, (const size_t[]){(size_t)1 << 60, 0}) && po_array_size(a) == 0);
    po_array_free(a);
}

int main(void)
{
    PO_RUN(test_read_numpy_fixtures);
    PO_RUN(test_read_mat);
    PO_RUN(test_refused_fixtures);
    PO_RUN(test_byte_order);
    PO_RUN(test_header_variants);
    PO_RUN(test_refused_preambles);
    PO_RUN(test_refused_headers);
    PO_RUN(test_refused_shapes);
    PO_RUN(test_refused_dtypes);
    PO_RUN(test_refused_data_sizes);
    PO_RUN(test_read_file_errors);
    PO_RUN(test_read_pipe);
    PO_RUN(test_write_matches_numpy);
    PO_RUN(test_round_trips);
    PO_RUN(test_write_errors);
    PO_RUN(test_write_replaces_and_respects_umask);
    PO_RUN(test_prefixes_and_bit_flips);
    PO_RUN(test_fuzz_regressions);
    return po_test_finish();
}
