/* Eigen-properties of a connectivity matrix (SPEC.md §5). */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "partobs/dyn.h"
#include "core/alloc.h"

po_spectrum *po_spectrum_alloc(size_t n)
{
    po_spectrum *s = calloc(1, sizeof *s);
    if (!s) {
        po_error(PO_ENOMEM, "cannot allocate a spectrum");
        return NULL;
    }
    s->n = n;
    /* One block for the four length-n arrays (at least one element so that
     * n == 0 still yields valid, distinct-from-NULL pointers). */
    if (n > ((size_t)-1) / (4 * sizeof(double))) goto fail;
    double *block = calloc(n ? 4 * n : 1, sizeof *block);
    if (!block) goto fail;
    s->re = block;
    s->im = block + n;
    s->tau = block + 2 * n;
    s->sv = block + 3 * n;
    s->max_re = -(double)INFINITY;
    return s;
fail:
    free(s);
    po_error(PO_ENOMEM, "cannot allocate a spectrum of size %zu", n);
    return NULL;
}

void po_spectrum_free(po_spectrum *s)
{
    if (!s) return;
    free(s->re);
    free(s);
}

double po_time_constant(double re)
{
    double gap = fabs(1.0 - re);
    /* Explicit so that no division by zero happens (SPEC.md §5: tau = Inf on
     * the continuous-time stability boundary Re = 1). */
    return gap == 0.0 ? (double)INFINITY : 1.0 / gap;
}

double po_line_attractor_score(const double *re, size_t n)
{
    if (n < 2) return 0.0;
    double t1 = po_time_constant(re[0]), t2 = po_time_constant(re[1]);
    /* Equal time constants (a complex top pair, or a repeated eigenvalue)
     * give exactly 0; this also defines the Inf/Inf case, where the
     * reference's log2(inf/inf) would be NaN. */
    if (t1 == t2) return 0.0;
    return log2(t1 / t2);
}

double po_henrici(const po_mat *W, const double *re, const double *im, size_t n)
{
    double fro = po_mat_norm_fro(W);
    if (fro == 0.0) return 0.0;
    /* In units of ||W||_F (every |lambda_i| <= ||W||_2 <= ||W||_F), so that
     * neither ||W||_F^2 nor |lambda_i|^2 can overflow or underflow. */
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = hypot(re[i], im[i]) / fro;
        sum += a * a;
    }
    return sqrt(fabs(1.0 - sum));
}

po_status po_spectrum_compute(const po_mat *W, po_spectrum *s)
{
    if (W->rows != W->cols)
        return po_error(PO_ESHAPE, "spectrum: expected a square matrix, got %zux%zu", W->rows,
                        W->cols);
    if (W->rows != s->n)
        return po_error(PO_ESHAPE, "spectrum: matrix is %zux%zu but the spectrum holds n = %zu",
                        W->rows, W->cols, s->n);
    po_status st = po_mat_check_finite(W, "spectrum: W");
    if (st == PO_OK)
        st = po_mem_reserve_check(po_mem_doubles(4.0 * (double)W->rows * (double)W->rows),
                                  "eigenvalue and SVD workspace");
    if (st != PO_OK) return st;
    size_t n = s->n;
    if ((st = po_la_eig(W, s->re, s->im, NULL)) != PO_OK) return st;
    if ((st = po_la_svd(W, s->sv, NULL, NULL)) != PO_OK) return st;
    po_eig_sort(s->re, s->im, n);
    for (size_t i = 0; i < n; i++) s->tau[i] = po_time_constant(s->re[i]);
    s->las = po_line_attractor_score(s->re, n);
    s->henrici = po_henrici(W, s->re, s->im, n);
    s->max_re = n ? s->re[0] : -(double)INFINITY;
    return PO_OK;
}

po_status po_spectrum_new(const po_mat *W, po_spectrum **out)
{
    *out = po_spectrum_alloc(W->rows);
    if (!*out) return PO_ENOMEM;
    po_status st = po_spectrum_compute(W, *out);
    if (st != PO_OK) {
        po_spectrum_free(*out);
        *out = NULL;
    }
    return st;
}
