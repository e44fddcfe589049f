/* Subsampling curves (SPEC.md §5 "Subsampling curves"): options, storage,
 * the average over teachers. The computation is in curves_compute.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theory_internal.h"

po_curves_opts po_curves_opts_defaults(void)
{
    return (po_curves_opts){.dmin = 1,
                            .dmax = 0,
                            .step = 1,
                            .d_list = NULL,
                            .n_list = 0,
                            .top_n = 5,
                            .henrici = false,
                            .rho = 0.0,
                            .cov = po_cov_opts_defaults(),
                            .threads = 0,
                            .progress = NULL,
                            .progress_user = NULL};
}

const char *po_curves_opts_check(const po_curves_opts *opts)
{
    if (opts->d_list) {
        if (opts->n_list == 0) return "the list of d values is empty";
        for (size_t k = 0; k < opts->n_list; k++) {
            if (opts->d_list[k] < 1) return "every d in the list must be at least 1";
            if (k > 0 && opts->d_list[k] <= opts->d_list[k - 1])
                return "the list of d values must be strictly increasing";
        }
    } else {
        if (opts->dmin < 1) return "dmin must be at least 1";
        if (opts->step < 1) return "step must be at least 1";
        if (opts->dmax != 0 && opts->dmax < opts->dmin) return "dmax must be at least dmin";
    }
    if (opts->top_n < 1) return "top_n must be at least 1";
    if (!(opts->rho >= 0.0 && isfinite(opts->rho))) return "rho must be finite and >= 0";
    return po_cov_opts_check(&opts->cov);
}

size_t po_curves_count(const po_curves_opts *opts, size_t D)
{
    if (po_curves_opts_check(opts)) return 0;
    if (opts->d_list) return opts->d_list[opts->n_list - 1] <= D ? opts->n_list : 0;
    size_t dmax = opts->dmax ? opts->dmax : D;
    if (dmax > D || opts->dmin > dmax) return 0;
    return (dmax - opts->dmin) / opts->step + 1;
}

po_curves *po_curves_alloc(size_t n, size_t top_n, bool henrici)
{
    po_curves *c = calloc(1, sizeof *c);
    size_t per = 4 + 2 * top_n + (henrici ? 1 : 0);
    if (!c || top_n > SIZE_MAX / 4 || (n && per > SIZE_MAX / sizeof(double) / n)) goto fail;
    c->n = n;
    c->top_n = top_n;
    c->d = calloc(n ? n : 1, sizeof *c->d);
    double *block = calloc(n ? n * per : 1, sizeof *block);
    if (!c->d || !block) {
        free(block);
        goto fail;
    }
    c->las = block;
    c->u_overlap = block + n;
    c->v_overlap = block + 2 * n;
    c->top_re = block + 3 * n;
    c->top_sv = c->top_re + n * top_n;
    c->henrici = henrici ? c->top_sv + n * top_n : NULL;
    c->cov_method = PO_COV_SCHUR;
    return c;
fail:
    if (c) free(c->d);
    free(c);
    po_error(PO_ENOMEM, "cannot allocate subsampling curves (%zu values of d, top %zu)", n, top_n);
    return NULL;
}

void po_curves_free(po_curves *c)
{
    if (!c) return;
    free(c->las); /* the block holding every double array */
    free(c->d);
    free(c);
}

static bool same_shape(const po_curves *a, const po_curves *b)
{
    return a->n == b->n && a->top_n == b->top_n && (a->henrici == NULL) == (b->henrici == NULL);
}

/* The double arrays of a curve, in one fixed order, and their lengths. */
static size_t arrays(const po_curves *c, double **p, size_t *len)
{
    size_t m = 0;
    p[m] = c->las, len[m++] = c->n;
    p[m] = c->u_overlap, len[m++] = c->n;
    p[m] = c->v_overlap, len[m++] = c->n;
    p[m] = c->top_re, len[m++] = c->n * c->top_n;
    p[m] = c->top_sv, len[m++] = c->n * c->top_n;
    if (c->henrici) p[m] = c->henrici, len[m++] = c->n;
    return m;
}

po_status po_curves_mean_sem(const po_curves *const *curves, size_t k, po_curves *mean,
                             po_curves *sem)
{
    if (k == 0) return po_error(PO_EINVAL, "curves mean: no curves given");
    const po_curves *c0 = curves[0];
    if (!same_shape(c0, mean) || !same_shape(c0, sem))
        return po_error(PO_ESHAPE, "curves mean: mean and sem must be allocated like the inputs");
    for (size_t t = 1; t < k; t++)
        if (!same_shape(c0, curves[t]) ||
            memcmp(c0->d, curves[t]->d, c0->n * sizeof *c0->d) != 0)
            return po_error(PO_ESHAPE, "curves mean: curve %zu has another grid of d values", t);
    memcpy(mean->d, c0->d, c0->n * sizeof *c0->d);
    memcpy(sem->d, c0->d, c0->n * sizeof *c0->d);
    mean->cov_method = sem->cov_method = c0->cov_method;
    double *pm[6], *ps[6], *pc[6];
    size_t len[6];
    size_t m = arrays(mean, pm, len);
    arrays(sem, ps, len);
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < len[a]; i++) pm[a][i] = ps[a][i] = 0.0;
    for (size_t t = 0; t < k; t++) {
        arrays(curves[t], pc, len);
        for (size_t a = 0; a < m; a++)
            for (size_t i = 0; i < len[a]; i++) pm[a][i] += pc[a][i];
    }
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < len[a]; i++) pm[a][i] /= (double)k;
    for (size_t t = 0; t < k; t++) {
        arrays(curves[t], pc, len);
        for (size_t a = 0; a < m; a++)
            for (size_t i = 0; i < len[a]; i++) {
                double e = pc[a][i] - pm[a][i];
                ps[a][i] += e * e;
            }
    }
    /* Sample standard deviation over sqrt(k); 0 for a single curve. */
    for (size_t a = 0; a < m; a++)
        for (size_t i = 0; i < len[a]; i++)
            ps[a][i] = k > 1 ? sqrt(ps[a][i] / (double)(k - 1) / (double)k) : 0.0;
    return PO_OK;
}
