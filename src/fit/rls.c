/* Recursive least squares with a symmetric, upper-stored P (rls.h, SPEC.md §4.6). */
#include "fit/rls.h"

#include <string.h>

#include "fit/learn_util.h"

void po_rls_init(size_t n, double p0, double *P)
{
    for (size_t i = 0; i < n; i++) {
        double *row = P + i * n;
        for (size_t j = i; j < n; j++) row[j] = 0.0;
        row[i] = p0;
    }
}

/* k += P r for the upper-stored symmetric P: row i contributes its dot with
 * r[i..] to k[i] and, by symmetry, P_ij r_i to k[j] for j > i. */
static void sym_row(size_t n, const double *row, size_t i, const double *r, double *k)
{
    size_t len = n - i - 1;
    const double *pr = row + i + 1;
    double ri = r[i], *kk = k + i + 1;
    k[i] += row[i] * ri + po_learn_dot(pr, r + i + 1, len);
    for (size_t j = 0; j < len; j++) kk[j] += pr[j] * ri;
}

void po_rls_apply(size_t n, size_t m, const double *P, const double *JT, const double *r,
                  double *k, double *y)
{
    if (k) {
        memset(k, 0, n * sizeof *k);
        for (size_t i = 0; i < n; i++) sym_row(n, P + i * n, i, r, k);
    }
    memset(y, 0, m * sizeof *y);
    for (size_t j = 0; j < n; j++) {
        const double *col = JT + j * m;
        double rj = r[j];
        for (size_t i = 0; i < m; i++) y[i] += col[i] * rj;
    }
}

void po_rls_update(size_t n, size_t m, double *P, double *JT, const double *k, const double *err,
                   double c, const double *rn, double *kn, double *yn)
{
    if (rn) {
        memset(kn, 0, n * sizeof *kn);
        memset(yn, 0, m * sizeof *yn);
    }
    for (size_t i = 0; i < n; i++) {
        double *row = P + i * n, a = c * k[i];
        for (size_t j = i; j < n; j++) row[j] -= a * k[j];
        if (rn) sym_row(n, row, i, rn, kn);
    }
    for (size_t j = 0; j < n; j++) {
        double *col = JT + j * m, a = c * k[j];
        if (rn) {
            double rj = rn[j];
            for (size_t i = 0; i < m; i++) {
                double v = col[i] - a * err[i];
                col[i] = v;
                yn[i] += v * rj;
            }
        } else {
            for (size_t i = 0; i < m; i++) col[i] -= a * err[i];
        }
    }
}
