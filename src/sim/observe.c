/* Partial observation (SPEC.md §1.3, §3): y_t = x_t[index] + s_obs eps_t.
 * The paper always observes the first d neurons; an index list generalises
 * that. eps is drawn row by row (t = 0 .. T-1, d numbers each) from the
 * observation-noise stream, and only when s_obs > 0. */
#include <math.h>

#include "partobs/sim.h"

po_observe_opts po_observe_opts_defaults(void)
{
    return (po_observe_opts){.d = 0, .index = NULL, .obs_noise = 0.0, .seed = PO_DEFAULT_SEED};
}

const char *po_observe_opts_check(const po_observe_opts *opts)
{
    if (!opts) return "options are NULL";
    if (opts->d < 1) return "d (the number of observed neurons) must be at least 1";
    if (!isfinite(opts->obs_noise) || opts->obs_noise < 0.0)
        return "observation noise must be a finite number >= 0";
    return NULL;
}

po_status po_observe(const po_mat *X, const po_observe_opts *opts, po_mat *Y)
{
    if (!X || !opts || !Y || !X->data || !Y->data)
        return po_error(PO_EINVAL, "po_observe: activity, options and output are required");
    const char *why = po_observe_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    size_t T = X->rows, D = X->cols, d = opts->d;
    if (d > D)
        return po_error(PO_EINVAL, "d = %zu observed neurons, need 1 <= d <= D = %zu",
                        d, D);
    if (Y->rows != T || Y->cols != d)
        return po_error(PO_ESHAPE, "output Y is %zux%zu, expected T x d = %zux%zu",
                        Y->rows, Y->cols, T, d);
    if (opts->index)
        for (size_t k = 0; k < d; k++)
            if (opts->index[k] >= D)
                return po_error(PO_EINVAL, "index[%zu] = %zu is not a neuron (D = %zu)",
                                k, opts->index[k], D);
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_OBS_NOISE);
    for (size_t t = 0; t < T; t++) {
        double *y = &PO_MAT_AT(Y, t, 0);
        const double *x = &PO_MAT_AT(X, t, 0);
        for (size_t k = 0; k < d; k++) y[k] = x[opts->index ? opts->index[k] : k];
        if (opts->obs_noise > 0.0)
            for (size_t k = 0; k < d; k++) y[k] += opts->obs_noise * po_rng_normal(&rng);
        /* A finite but huge obs_noise overflows y; never hand back Inf (issue 10 item 5). */
        for (size_t k = 0; k < d; k++)
            if (!isfinite(y[k]))
                return opts->obs_noise > 0.0
                           ? po_error(PO_ENONFINITE,
                                      "obs_noise = %g makes the observations overflow (Y[%zu][%zu] "
                                      "is not finite); use a smaller obs_noise",
                                      opts->obs_noise, t, k)
                           : po_error(PO_ENONFINITE, "the activity X[%zu][%zu] is not finite", t,
                                      opts->index ? opts->index[k] : k);
    }
    return PO_OK;
}
