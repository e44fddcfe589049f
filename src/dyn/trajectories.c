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
#include "sim/euler_batch.h"

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

/* Copy the states S (one row per trajectory) into stored row `row` of each
 * trajectory's block of X; PO_ENONFINITE if one has overflowed by step t. */
static po_status store(const po_mat *S, po_mat *X, size_t rows, size_t row, size_t t)
{
    size_t n = S->cols;
    for (size_t r = 0; r < S->rows; r++) {
        const double *s = S->data + r * S->ld;
        double *x = X->data + (r * rows + row) * X->ld;
        for (size_t j = 0; j < n; j++) {
            if (!isfinite(s[j]))
                return po_error(PO_ENONFINITE,
                                "trajectories: trajectory %zu overflowed by step %zu", r, t);
            x[j] = s[j];
        }
    }
    return PO_OK;
}

/* Linear networks: both leaky variants are x <- M x with the Euler map
 * M = (1 - alpha) I + alpha W, so the stored states follow x <- M^k x with
 * k = keep_every: one product per stored state instead of k (k = 4 in the
 * reference, a 4x saving), the same states up to rounding. */
static po_status linear_power(const po_mat *W, double alpha, size_t k, po_mat *Mk)
{
    size_t n = W->rows;
    po_mat *M = po_mat_alloc(n, n), *tmp = k > 1 ? po_mat_alloc(n, n) : NULL;
    if (!M || (k > 1 && !tmp)) {
        po_mat_free(M);
        po_mat_free(tmp);
        return po_error(PO_ENOMEM, "trajectories: cannot allocate the %zux%zu Euler map", n, n);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            PO_MAT_AT(M, i, j) = alpha * PO_MAT_AT(W, i, j) + (i == j ? 1.0 - alpha : 0.0);
    po_mat_copy(Mk, M);
    for (size_t p = 1; p < k; p++) {
        po_la_gemm(false, false, 1.0, Mk, M, 0.0, tmp);
        po_mat_copy(Mk, tmp);
    }
    po_mat_free(M);
    po_mat_free(tmp);
    return PO_OK;
}

po_status po_noise_free_trajectories(const po_mat *W, const po_traj_opts *opts, po_mat *X)
{
    const char *why = po_traj_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "trajectories: %s", why);
    size_t n = W->rows, m = opts->n_traj, rows = po_traj_rows(opts), keep = opts->keep_every;
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

    bool linear = opts->phi == PO_PHI_LINEAR;
    po_mat *S = po_mat_alloc(m, n), *Q = po_mat_alloc(m, n);
    po_mat *P = po_mat_alloc(linear ? n : m, n); /* M^k, or phi(S) */
    if (!S || !Q || !P) {
        st = po_error(PO_ENOMEM, "trajectories: cannot allocate %zu states of %zu neurons", m, n);
        goto done;
    }
    /* Initial states in trajectory order from the analysis stream (dyn.h). */
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_ANALYSIS);
    for (size_t r = 0; r < m; r++)
        po_rng_fill_normal(&rng, S->data + r * S->ld, n, 1, opts->radius);
    st = store(S, X, rows, 0, 0);

    if (linear) {
        if (st == PO_OK) st = linear_power(W, opts->alpha, keep, P);
        for (size_t row = 1; row < rows && st == PO_OK; row++) {
            po_la_gemm(false, true, 1.0, S, P, 0.0, Q); /* row r of S (M^k)^T is (M^k s_r)^T */
            po_mat *swap = S;
            S = Q;
            Q = swap;
            st = store(S, X, rows, row, row * keep);
        }
        goto done;
    }
    for (size_t t = 1; t <= keep * (rows - 1) && st == PO_OK; t++) {
        po_euler_batch_step(opts->phi, opts->leaky, opts->alpha, W, NULL, NULL, S, Q, P, NULL);
        if (t % keep == 0) st = store(S, X, rows, t / keep, t);
    }
done:
    po_mat_free(S);
    po_mat_free(Q);
    po_mat_free(P);
    return st;
}
