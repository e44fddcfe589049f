/* Test harness implementation (see harness.h). */
#include "harness.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

static int n_passed, n_failed, current_failures;
static const char *current_name = "";
static char tmp_dir[256]; /* created on first po_test_tmp(), removed by po_test_finish() */

static void remove_tmp_dir(void)
{
    if (!tmp_dir[0]) return;
    DIR *d = opendir(tmp_dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(path, sizeof path, "%s/%s", tmp_dir, e->d_name);
            remove(path);
        }
        closedir(d);
    }
    rmdir(tmp_dir);
    tmp_dir[0] = '\0';
}

void po_test_begin(const char *name)
{
    current_name = name;
    current_failures = 0;
    po_error_clear();
}

void po_test_end(void)
{
    if (current_failures) {
        n_failed++;
        printf("FAIL %s\n", current_name);
    } else {
        n_passed++;
        printf("ok   %s\n", current_name);
    }
    fflush(stdout);
}

int po_test_finish(void)
{
    remove_tmp_dir();
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}

void po_test_fail(const char *file, int line, const char *fmt, ...)
{
    current_failures++;
    fprintf(stdout, "  %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

static bool close_enough(double got, double want, double rtol, double atol)
{
    if (isnan(got) || isnan(want)) return isnan(got) && isnan(want);
    if (isinf(got) || isinf(want)) return got == want;
    return fabs(got - want) <= atol + rtol * fabs(want);
}

bool po_test_close(double got, double want, double rtol, double atol, const char *expr,
                   const char *file, int line)
{
    if (close_enough(got, want, rtol, atol)) return true;
    po_test_fail(file, line, "%s = %.17g, want %.17g (diff %.3g, rtol %g, atol %g)", expr, got,
                 want, got - want, rtol, atol);
    return false;
}

bool po_test_allclose(const double *got, const double *want, size_t n, double rtol, double atol,
                      const char *expr, const char *file, int line)
{
    size_t bad = 0, worst = 0;
    double worst_excess = -1.0;
    for (size_t i = 0; i < n; i++) {
        if (close_enough(got[i], want[i], rtol, atol)) continue;
        double excess = fabs(got[i] - want[i]) - (atol + rtol * fabs(want[i]));
        if (bad == 0 || excess > worst_excess || isnan(excess)) {
            worst = i;
            worst_excess = excess;
        }
        bad++;
    }
    if (!bad) return true;
    po_test_fail(file, line, "%s: %zu of %zu elements differ; worst [%zu] = %.17g, want %.17g",
                 expr, bad, n, worst, got[worst], want[worst]);
    return false;
}

bool po_test_mat_close(const po_mat *got, const po_mat *want, double rtol, double atol,
                       const char *expr, const char *file, int line)
{
    if (got->rows != want->rows || got->cols != want->cols) {
        po_test_fail(file, line, "%s: shape %zux%zu, want %zux%zu", expr, got->rows, got->cols,
                     want->rows, want->cols);
        return false;
    }
    size_t bad = 0, wi = 0, wj = 0;
    double worst_excess = -1.0;
    for (size_t i = 0; i < got->rows; i++)
        for (size_t j = 0; j < got->cols; j++) {
            double g = PO_MAT_AT(got, i, j), w = PO_MAT_AT(want, i, j);
            if (close_enough(g, w, rtol, atol)) continue;
            double excess = fabs(g - w) - (atol + rtol * fabs(w));
            if (bad == 0 || excess > worst_excess || isnan(excess)) {
                wi = i;
                wj = j;
                worst_excess = excess;
            }
            bad++;
        }
    if (!bad) return true;
    po_test_fail(file, line, "%s: %zu of %zu elements differ; worst (%zu,%zu) = %.17g, want %.17g",
                 expr, bad, got->rows * got->cols, wi, wj, PO_MAT_AT(got, wi, wj),
                 PO_MAT_AT(want, wi, wj));
    return false;
}

bool po_test_status(po_status got, po_status want, const char *expr, const char *file, int line)
{
    if (got == want) return true;
    po_test_fail(file, line, "%s returned %s, want %s (%s)", expr, po_status_name(got),
                 po_status_name(want), po_errmsg());
    return false;
}

const char *po_test_data(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", PO_TEST_DATA, name);
    return path;
}

const char *po_test_tmp(const char *name)
{
    static char path[4096];
    if (!tmp_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/po_test_XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    return path;
}

po_mat *po_test_load(const char *name)
{
    po_mat *m = NULL;
    po_status st = po_npy_read_mat(po_test_data(name), &m);
    if (st != PO_OK) {
        po_test_fail(__FILE__, __LINE__, "cannot load fixture %s: %s", name, po_errmsg());
        return NULL;
    }
    return m;
}

po_mat *po_test_gaussian(size_t rows, size_t cols, double sd, uint64_t seed)
{
    po_mat *m = po_mat_alloc(rows, cols);
    if (!m) {
        po_test_fail(__FILE__, __LINE__, "cannot allocate %zu x %zu", rows, cols);
        exit(2);
    }
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_rng_fill_normal(&rng, m->data, rows * cols, 1, sd);
    return m;
}

char *po_test_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    size_t got = buf ? fread(buf, 1, (size_t)n, fp) : 0;
    fclose(fp);
    if (buf && got != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[got] = '\0';
    if (len) *len = got;
    return buf;
}
