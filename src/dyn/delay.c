/* Delay embedding of observed activity (SPEC.md §6 "Fig F.7"): row t of E is
 * [y_t, y_{t+k}, ..., y_{t+(n-1)k}], the n delayed copies side by side. */
#include <string.h>

#include "partobs/dyn.h"

size_t po_delay_embed_rows(size_t T, size_t delays, size_t interval)
{
    if (T == 0 || delays == 0 || interval == 0) return 0;
    /* The window spans (n-1) k + 1 steps; compare without overflowing. */
    if (delays - 1 > (T - 1) / interval) return 0;
    return T - (delays - 1) * interval;
}

po_status po_delay_embed(const po_mat *Y, size_t delays, size_t interval, po_mat *E)
{
    if (!Y || !E || !Y->data || !E->data)
        return po_error(PO_EINVAL, "Y and E are required");
    if (delays == 0 || interval == 0)
        return po_error(PO_EINVAL,
                        "delay embedding: delays and interval must be at least 1, got %zu and %zu",
                        delays, interval);
    size_t T = Y->rows, d = Y->cols;
    size_t rows = po_delay_embed_rows(T, delays, interval);
    if (rows == 0)
        return po_error(PO_ESHAPE,
                        "delay embedding: %zu time steps are too few for %zu delays %zu steps "
                        "apart (one row spans (delays-1)*interval+1 steps)",
                        T, delays, interval);
    if (d != 0 && delays > ((size_t)-1) / d)
        return po_error(PO_ESHAPE, "delay embedding: %zu delays of %zu columns overflow", delays, d);
    if (E->rows != rows || E->cols != delays * d)
        return po_error(PO_ESHAPE, "delay embedding: E is %zux%zu, expected %zux%zu", E->rows,
                        E->cols, rows, delays * d);
    for (size_t t = 0; t < rows; t++)
        for (size_t j = 0; j < delays; j++)
            memcpy(&PO_MAT_AT(E, t, j * d), &PO_MAT_AT(Y, t + j * interval, 0), d * sizeof *E->data);
    return PO_OK;
}
