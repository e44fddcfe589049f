/* Small helpers shared by the iterative fitting methods (learn_util.h). */
#include "fit/learn_util.h"

#include <math.h>
#include <stdio.h>

po_status po_learn_check_init(const po_mat *init, size_t n, const char *shape, const char *who)
{
    if (!init) return PO_OK;
    if (init->rows != n || init->cols != n)
        return po_error(PO_ESHAPE, "%s: the initial weights are %zux%zu, need %zux%zu (%s)", who,
                        init->rows, init->cols, n, n, shape);
    char what[96];
    snprintf(what, sizeof what, "%s: the initial weights", who);
    return po_mat_check_finite(init, what);
}

bool po_learn_all_finite(const double *x, size_t n)
{
    /* x - x is 0 for finite x and NaN otherwise: one branch per call. */
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) acc += x[i] - x[i];
    return acc == 0.0;
}

double po_learn_dot(const double *a, const double *b, size_t n)
{
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (size_t u = 0; u < 4; u++) s[u] += a[i + u] * b[i + u];
    for (; i < n; i++) s[0] += a[i] * b[i];
    return (s[0] + s[1]) + (s[2] + s[3]);
}
