/* Small dense kernels for the LDS (lds_internal.h): K x K products and
 * Cholesky solves by plain loops, because a BLAS or LAPACK call per 5 x 5
 * product per time step costs more in overhead than the arithmetic. */
#include <math.h>

#include "fit/lds_internal.h"

bool lds_chol(double *a, size_t n, size_t lda)
{
    for (size_t j = 0; j < n; j++) {
        double *rj = a + j * lda;
        double s = rj[j];
        for (size_t k = 0; k < j; k++) s -= rj[k] * rj[k];
        if (!(s > 0.0) || !isfinite(s)) return false;
        double l = sqrt(s);
        rj[j] = l;
        for (size_t i = j + 1; i < n; i++) {
            double *ri = a + i * lda;
            double t = ri[j];
            for (size_t k = 0; k < j; k++) t -= ri[k] * rj[k];
            ri[j] = t / l;
        }
        for (size_t k = j + 1; k < n; k++) rj[k] = 0.0;
    }
    return true;
}

void lds_tri_solve_right(const double *L, size_t n, size_t lda, double *b, size_t rows,
                         size_t ldb)
{
    /* x L^T = b is L x^T = b^T: forward substitution, row by row of b. */
    for (size_t r = 0; r < rows; r++) {
        double *x = b + r * ldb;
        for (size_t i = 0; i < n; i++) {
            double t = x[i];
            for (size_t k = 0; k < i; k++) t -= L[i * lda + k] * x[k];
            x[i] = t / L[i * lda + i];
        }
    }
}

void lds_chol_solve_right(const double *L, size_t n, size_t lda, double *b, size_t rows,
                          size_t ldb)
{
    /* x A = b with A = L L^T: z L^T = b, then x L = z (backward substitution). */
    lds_tri_solve_right(L, n, lda, b, rows, ldb);
    for (size_t r = 0; r < rows; r++) {
        double *x = b + r * ldb;
        for (size_t i = n; i-- > 0;) {
            double t = x[i];
            for (size_t k = i + 1; k < n; k++) t -= L[k * lda + i] * x[k];
            x[i] = t / L[i * lda + i];
        }
    }
}

/* out = a b^T for K x K a, b whose product is known to be symmetric (only
 * the upper triangle is computed, then mirrored). */
void lds_mul_sym(const double *a, const double *b, double *out, size_t K)
{
    for (size_t i = 0; i < K; i++)
        for (size_t j = i; j < K; j++) {
            double acc = 0.0;
            for (size_t l = 0; l < K; l++) acc += a[i * K + l] * b[j * K + l];
            out[i * K + j] = out[j * K + i] = acc;
        }
}

void lds_mul(const double *a, const double *b, double *c, size_t r, size_t k, size_t s, bool bt)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < s; j++) {
            double acc = 0.0;
            if (bt)
                for (size_t l = 0; l < k; l++) acc += a[i * k + l] * b[j * k + l];
            else
                for (size_t l = 0; l < k; l++) acc += a[i * k + l] * b[l * s + j];
            c[i * s + j] = acc;
        }
}

void lds_matvec(const double *a, const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double acc = 0.0;
        for (size_t j = 0; j < n; j++) acc += a[i * n + j] * x[j];
        y[i] = acc;
    }
}

bool lds_converged(const double *a, const double *b, size_t n, double rtol)
{
    double diff = 0.0, scale = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(a[i] - b[i]);
        if (e > diff) diff = e;
        if (fabs(b[i]) > scale) scale = fabs(b[i]);
    }
    return diff <= rtol * scale;
}
