/* Minimal test harness: numeric checks that report the worst element.
 *
 * A test file defines `static void test_x(void)` functions and a main() that
 * calls PO_RUN(test_x) for each and returns po_test_finish(). The last line
 * printed is "N passed, N failed" (tests, not checks); a test fails if any of
 * its checks fails. Data fixtures live in PO_TEST_DATA.
 */
#ifndef PO_TEST_HARNESS_H
#define PO_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/partobs-report.h"

void po_test_begin(const char *name);
void po_test_end(void);
int po_test_finish(void);
void po_test_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

bool po_test_close(double got, double want, double rtol, double atol, const char *expr,
                   const char *file, int line);
bool po_test_allclose(const double *got, const double *want, size_t n, double rtol, double atol,
                      const char *expr, const char *file, int line);
bool po_test_mat_close(const po_mat *got, const po_mat *want, double rtol, double atol,
                       const char *expr, const char *file, int line);
bool po_test_status(po_status got, po_status want, const char *expr, const char *file, int line);

/* Path of a fixture in tests/data (static buffer). */
const char *po_test_data(const char *name);

/* A rows x cols matrix of N(0, sd^2) entries from the connectivity stream of
 * seed, filled row by row (the caller frees it). */
po_mat *po_test_gaussian(size_t rows, size_t cols, double sd, uint64_t seed);

/* Read fixture tests/data/<name> as a matrix (1-D arrays as n x 1); on
 * failure the current test fails with the reader's message and NULL is returned. */
po_mat *po_test_load(const char *name);

/* A scratch file path in a per-process temporary directory (static buffer);
 * the directory and its files are removed by po_test_finish(). */
const char *po_test_tmp(const char *name);

/* The whole file as a NUL-terminated string (the caller frees it), or NULL;
 * *len (may be NULL) receives its length in bytes. */
char *po_test_slurp(const char *path, size_t *len);

#define PO_RUN(fn)             \
    do {                       \
        po_test_begin(#fn);    \
        fn();                  \
        po_test_end();         \
    } while (0)

#define CHECK(cond) \
    ((cond) ? (void)0 : po_test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond))
#define CHECK_CLOSE(got, want, rtol, atol) \
    ((void)po_test_close((got), (want), (rtol), (atol), #got, __FILE__, __LINE__))
#define CHECK_ALLCLOSE(got, want, n, rtol, atol) \
    ((void)po_test_allclose((got), (want), (n), (rtol), (atol), #got, __FILE__, __LINE__))
#define CHECK_MAT_CLOSE(got, want, rtol, atol) \
    ((void)po_test_mat_close((got), (want), (rtol), (atol), #got, __FILE__, __LINE__))
#define CHECK_STATUS(expr, want) ((void)po_test_status((expr), (want), #expr, __FILE__, __LINE__))
#define CHECK_OK(expr) CHECK_STATUS(expr, PO_OK)

#endif
