/* Noise-free trajectories from random initial states (SPEC.md §5 "Limit
 * sets"): the Euler dynamics of SPEC.md §1.1 with v = 0, all trajectories
 * advanced together so each step is one matrix-matrix product (W is read once
 * per step for all of them instead of once per trajectory). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "partobs/dyn.h"
#include "partobs/rng.h"

po_traj_opts po_traj_opts_defaults(void)
{
    po_traj_opts o = {.n_traj = 15,
                      .steps = 5000,
                      .keep_every = 4,
                      .radius = 0.5,
                      .phi = PO_PHI_LINEAR,
                      .leaky = PO_LEAKY_CURRENT,
                      .alpha = 0.01,
                      .seed = PO_DEFAULT_SEED};
    return o;
}

const char *po_traj_opts_check(const po_traj_opts *o)
{
    if (o->n_traj < 1) return "n_traj must be at least 1";
    if (o->steps < 1) return "steps must be at least 1";
    if (o->keep_every < 1) return "keep_every must be at least 1";
    if (!(o->radius >= 0.0) || !isfinite(o->radius)) return "radius must be finite and >= 0";
    if (!(o->alpha > 0.0) || !isfinite(o->alpha)) return "alpha must be finite and > 0";
    if (o->phi != PO_PHI_LINEAR && o->phi != PO_PHI_TANH) return "phi must be linear or tanh";
    if (o->leaky != PO_LEAKY_CURRENT && o->leaky != PO_LEAKY_RATE)
        return "leaky must be current or rate";
    return NULL;
}

size_t po_traj_rows(const po_traj_opts *o)
{
    return o->keep_every ? (o->steps + o->keep_every - 1) / o->keep_every : 0;
}

po_status po_noise_free_trajectories(const po_mat *W, const po_traj_opts *opts, po_mat *X)
{
    const char *why = po_traj_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "trajectories: %s", why);
    size_t n = W->rows, m = opts->n_traj, rows = po_traj_rows(opts);
    if (W->cols != n || n == 0)
        return po_error(PO_ESHAPE, "trajectories: W is %zux%zu, need a non-empty square matrix",
                        W->rows, W->cols);
    if (rows > SIZE_MAX / m || X->rows != m * rows || X->cols != n)
        return po_error(PO_ESHAPE,
                        "trajectories: output is %zux%zu, need %zux%zu (%zu trajectories of %zu "
                        "stored states)",
                        X->rows, X->cols, m * rows, n, m, rows);
    po_status st = po_mat_check_finite(W, "trajectories: W");
    if (st != PO_OK) return st;

    po_mat *S = po_mat_alloc(m, n), *Q = po_mat_alloc(m, n);
    po_mat *P = opts->phi == PO_PHI_LINEAR ? NULL : po_mat_alloc(m, n);
    if (!S || !Q || (opts->phi != PO_PHI_LINEAR && !P)) {
        st = po_error(PO_ENOMEM, "trajectories: cannot allocate %zu states of %zu neurons", m, n);
        goto done;
    }
    /* Initial states in trajectory order from the analysis stream (dyn.h). */
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_ANALYSIS);
    for (size_t r = 0; r < m; r++)
        po_rng_fill_normal(&rng, S->data + r * S->ld, n, 1, opts->radius);

    const double alpha = opts->alpha;
    const size_t last = opts->keep_every * (rows - 1); /* the last stored state */
    for (size_t t = 0;; t++) {
        if (t % opts->keep_every == 0) {
            size_t row = t / opts->keep_every;
            for (size_t r = 0; r < m; r++) {
                const double *s = S->data + r * S->ld;
                double *x = X->data + (r * rows + row) * X->ld;
                for (size_t j = 0; j < n; j++) {
                    if (!isfinite(s[j])) {
                        st = po_error(PO_ENONFINITE,
                                      "trajectories: trajectory %zu overflowed by step %zu", r, t);
                        goto done;
                    }
                    x[j] = s[j];
                }
            }
        }
        if (t == last) break;
        /* Leaky-current: x + alpha (W phi(x) - x); leaky-rate: x + alpha (phi(W x) - x).
         * Row r of S W^T is (W s_r)^T. */
        if (opts->leaky == PO_LEAKY_CURRENT) {
            const po_mat *in = S;
            if (P) {
                for (size_t r = 0; r < m; r++)
                    po_phi_apply(opts->phi, S->data + r * S->ld, P->data + r * P->ld, n);
                in = P;
            }
            po_la_gemm(false, true, 1.0, in, W, 0.0, Q);
        } else {
            po_la_gemm(false, true, 1.0, S, W, 0.0, Q);
            for (size_t r = 0; r < m; r++)
                po_phi_apply(opts->phi, Q->data + r * Q->ld, Q->data + r * Q->ld, n);
        }
        for (size_t r = 0; r < m; r++) {
            double *s = S->data + r * S->ld;
            const double *q = Q->data + r * Q->ld;
            for (size_t j = 0; j < n; j++) s[j] = s[j] + alpha * (q[j] - s[j]);
        }
    }
done:
    po_mat_free(S);
    po_mat_free(Q);
    po_mat_free(P);
    return st;
}
