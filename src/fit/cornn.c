/* CORNN (Dinc et al. 2023; SPEC.md §4.5): leaky-rate tanh student fitted by
 * iterated reweighted least squares in pre-activation space.
 *
 * With x the T x n regressors (rows of Y, plus inputs), delta the clipped
 * targets and H = x^T x + lambda I, the reference update is
 *   theta <- Xm theta + Xp E,  Xp = H^-1 x^T (n x T),  Xm = Xp x.
 * Since Xm = H^-1 (H - lambda I) = I - lambda H^-1, this is
 *   theta <- theta + H^-1 (x^T E - lambda theta),
 * so Xp (n x T) is never formed: an iteration costs the two thin products
 * x theta and x^T E (2 T n d flops each), the tanh of x theta and an O(n^2 d)
 * update. Those run over blocks of rows of x, each block fused (x_b theta,
 * tanh, E, x_b^T E; cornn_kernel.h) while it is in cache; the blocks of a pass
 * are those of a po_parallel_for (core/parallel.h), each block writes its own
 * partial x_b^T E, summed in block order afterwards, so the result does not
 * depend on the thread count.
 */
#include "core/progress.h"
#include "partobs/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "core/parallel.h"
#include "fit/cornn_kernel.h"
#include "fit/learn_util.h"
#include "fit/spd_solve.h"
#include "linalg/linalg.h"

#define PO_CORNN_CLIP (1.0 - 1e-6) /* SPEC.md §4.5 */
/* Rows per block: the block's x, delta, weights and x theta (4 x 256 x 25
 * doubles at d = 25) stay in L2 between the two products. */
#define PO_CORNN_BLOCK_BYTES ((size_t)1 << 16)
#define PO_CORNN_BLOCK_MIN 32
#define PO_CORNN_MAX_THREADS 2

po_cornn_opts po_cornn_opts_defaults(void)
{
    return (po_cornn_opts){.alpha = 0.01,
                           .l2 = 1e-5,
                           .threshold = 1.0,
                           .iters = 1000,
                           .solver = PO_CORNN_WEIGHTED,
                           .subsample = 1,
                           .threads = 0,
                           .progress = NULL,
                           .progress_user = NULL};
}

const char *po_cornn_opts_check(const po_cornn_opts *o)
{
    if (!o) return "options are NULL";
    if (!(o->alpha > 0.0 && o->alpha <= 1.0)) return "alpha must be in (0, 1]";
    if (!(o->l2 >= 0.0 && isfinite(o->l2))) return "l2 must be finite and >= 0";
    if (!(o->threshold > 0.0 && isfinite(o->threshold))) return "threshold must be finite and > 0";
    if (o->solver != PO_CORNN_WEIGHTED && o->solver != PO_CORNN_STANDARD &&
        o->solver != PO_CORNN_ROBUST)
        return "solver must be weighted, standard or robust";
    if (o->subsample < 1) return "subsample must be >= 1";
    if (o->threads > PO_CORNN_MAX_THREADS) return "threads must be 0 (automatic), 1 or 2";
    return NULL;
}

/* po_cornn_solver_name, po_cornn_solver_from_name */
PO_DEFINE_NAMES(po_cornn_solver, PO_CORNN_SOLVER_LIST, solver_names, "CORNN solver")

/* ---- the per-iteration work ------------------------------------------------ */

typedef enum { PASS_UPDATE, PASS_LOSS } pass_kind;

typedef struct cornn_work {
    size_t T, n, d, block, nblocks;
    size_t dp;           /* d rounded up to a multiple of 4: the row stride of every T x d
                            and n x d array (padding columns hold zeros and stay zero) */
    double *x;          /* T x n regressors, row stride ldx */
    size_t ldx;
    const double *delta; /* T x dp clipped targets */
    const double *w;     /* T x dp weights 1 / (1 - delta^2) (weighted, robust), else NULL */
    const double *theta; /* n x dp */
    po_cornn_solver solver;
    double threshold;
    double *partial;     /* nblocks x (n x dp): x_b^T E_b */
    size_t *counts;      /* nblocks x dp: outliers zeroed per column (weighted) */
    double *loss;        /* nblocks: sum of (delta - tanh(x theta))^2 */
    double *zbuf;        /* nthreads x (block x dp) */
    size_t nthreads;
    pass_kind kind;
} cornn_work;

static po_status do_block(void *arg, size_t b, size_t worker)
{
    const cornn_work *cw = arg;
    double *zb = cw->zbuf + worker * cw->block * cw->dp;
    size_t n = cw->n, dp = cw->dp, t0 = b * cw->block;
    size_t k = cw->T - t0 < cw->block ? cw->T - t0 : cw->block;
    const double *xb = cw->x + t0 * cw->ldx;
    po_cornn_xtheta(xb, cw->ldx, k, n, cw->theta, dp, zb);
    if (cw->kind == PASS_LOSS) {
        /* Padding columns: delta = 0 and tanh(0) = 0 add nothing. */
        const double *dl = cw->delta + t0 * dp;
        po_phi_apply(PO_PHI_TANH, zb, zb, k * dp);
        double s = 0.0;
        for (size_t i = 0; i < k * dp; i++) s += (dl[i] - zb[i]) * (dl[i] - zb[i]);
        cw->loss[b] = s;
        return PO_OK;
    }
    size_t *count = cw->counts + b * dp;
    memset(count, 0, dp * sizeof *count);
    po_cornn_residual(cw->solver, cw->delta + t0 * dp, cw->w ? cw->w + t0 * dp : NULL, zb, k, dp,
                      cw->threshold, count);
    po_cornn_xte(xb, cw->ldx, k, n, zb, dp, cw->partial + b * n * dp);
    return PO_OK;
}

/* One sweep over all blocks (a thread that cannot start leaves its blocks to
 * the others: the same result). */
static void run_pass(cornn_work *cw, pass_kind kind)
{
    cw->kind = kind;
    (void)po_parallel_for(cw->nblocks, cw->nthreads, do_block, cw); /* blocks cannot fail */
}

static size_t pick_threads(const po_cornn_opts *o, size_t nblocks)
{
    /* Two blocks per thread at least: below that too little work to share. */
    size_t t = po_parallel_threads(o->threads, nblocks / 2);
    return t < PO_CORNN_MAX_THREADS ? t : PO_CORNN_MAX_THREADS;
}

/* ---- setup ----------------------------------------------------------------- */

static po_status check_args(const po_mat *Y, const po_mat *U, const po_cornn_opts *o,
                            const po_mat *W_hat, const po_mat *W_in)
{
    if (!Y || !o || !W_hat) return po_error(PO_EINVAL, "cornn: NULL argument");
    const char *why = po_cornn_opts_check(o);
    if (why) return po_error(PO_EINVAL, "cornn: invalid options: %s", why);
    if (Y->cols == 0) return po_error(PO_ESHAPE, "cornn: Y has no columns (T x 0)");
    if (Y->rows < 2)
        return po_error(PO_ESHAPE, "cornn: Y has %zu rows, need at least 2 time steps",
                        Y->rows);
    size_t d = Y->cols, n = d + (U ? U->cols : 0), T = (Y->rows - 2) / o->subsample + 1;
    /* Thinning must leave the fit over-determined (issue 10 item 7). */
    if (o->subsample > 1 && T < 2 * n)
        return po_error(PO_ESHAPE,
                        "cornn: subsample %zu leaves %zu of the %zu transitions of Y; need at "
                        "least %zu (twice the %zu regressors)",
                        o->subsample, T, Y->rows - 1, 2 * n, n);
    if (W_hat->rows != d || W_hat->cols != d)
        return po_error(PO_ESHAPE, "cornn: W_hat is %zux%zu, expected %zux%zu", W_hat->rows,
                        W_hat->cols, d, d);
    if (!U != !W_in)
        return po_error(PO_EINVAL, "cornn: inputs U and their weights W_in must be given together");
    if (U) {
        if (U->rows != Y->rows)
            return po_error(PO_ESHAPE, "cornn: U has %zu rows, Y has %zu (one input row per time step)",
                            U->rows, Y->rows);
        if (W_in->rows != d || W_in->cols != U->cols)
            return po_error(PO_ESHAPE, "cornn: W_in is %zux%zu, expected %zux%zu", W_in->rows,
                            W_in->cols, d, U->cols);
    }
    po_status st = po_learn_check_init(o->init, d, "d x d", "cornn");
    if (st == PO_OK) st = po_mat_check_finite(Y, "cornn: Y");
    if (st == PO_OK && U) st = po_mat_check_finite(U, "cornn: U");
    return st;
}

/* Regressors x (rows 0, k, 2k, ... of Y with the inputs appended), targets
 * delta = clip((Y[s+1] - (1-alpha) Y[s]) / alpha) and the weights, both with
 * row stride dp and zero padding. */
static size_t build_data(const po_mat *Y, const po_mat *U, const po_cornn_opts *o, double *x,
                         size_t ldx, bool copy_x, double *delta, double *w, size_t T, size_t dp)
{
    size_t d = Y->cols, m = U ? U->cols : 0, clipped = 0;
    double beta = 1.0 - o->alpha;
    for (size_t t = 0; t < T; t++) {
        size_t s = t * o->subsample;
        const double *y = Y->data + s * Y->ld, *yp = y + Y->ld;
        if (copy_x) {
            memcpy(x + t * ldx, y, d * sizeof *x);
            if (m) memcpy(x + t * ldx + d, U->data + s * U->ld, m * sizeof *x);
        }
        for (size_t j = 0; j < d; j++) {
            double v = (yp[j] - beta * y[j]) / o->alpha;
            if (fabs(v) > PO_CORNN_CLIP) {
                v = copysign(PO_CORNN_CLIP, v);
                clipped++;
            }
            delta[t * dp + j] = v;
            if (w) w[t * dp + j] = 1.0 / (1.0 - v * v);
        }
        for (size_t j = d; j < dp; j++) {
            delta[t * dp + j] = 0.0;
            if (w) w[t * dp + j] = 0.0;
        }
    }
    return clipped;
}

/* Hinv = (x^T x + lambda I)^-1 (n x n, full). */
static po_status inverse_gram(const po_mat *x, double lambda, po_mat *Hinv)
{
    size_t n = x->cols;
    po_mat *H = po_mat_alloc(n, n);
    if (!H) return PO_ENOMEM;
    po_la_syrk_t(1.0, x, 0.0, H);
    for (size_t i = 0; i < n; i++) PO_MAT_AT(H, i, i) += lambda;
    /* Overflowed sums would reach LAPACK, whose NaN check says only "invalid
     * argument" (issue 10 item 7). */
    if (po_mat_check_finite(H, "x^T x") != PO_OK) {
        po_mat_free(H);
        return po_error(PO_ENONFINITE,
                        "cornn: Y: values too large: x^T x overflows (rescale the data)");
    }
    double anorm = po_la_sym_norm1(H), rcond = 0.0;
    po_status st = po_la_cholesky(H);
    if (st == PO_OK) st = po_la_cholesky_rcond(H, anorm, &rcond);
    if (st == PO_ENOMEM || st == PO_ELINALG) {
        po_mat_free(H);
        return st;
    }
    if (st != PO_OK || rcond < PO_SPD_RCOND_MIN) {
        po_mat_free(H);
        return po_error(PO_ESINGULAR,
                        "cornn: x^T x + lambda I is singular or ill-conditioned (lambda = %g, "
                        "rcond %.3g): the regressors are linearly dependent; use l2 > 0",
                        lambda, rcond);
    }
    po_mat_set_identity(Hinv);
    po_la_cholesky_solve_right(H, Hinv);
    po_mat_free(H);
    return PO_OK;
}

po_status po_fit_cornn(const po_mat *Y, const po_mat *U, const po_cornn_opts *opts,
                       po_mat *W_hat, po_mat *W_in, po_cornn_info *info)
{
    po_status st = check_args(Y, U, opts, W_hat, W_in);
    if (st == PO_OK) {
        double n = (double)(Y->cols + (U ? U->cols : 0)) + 4.0;
        st = po_mem_reserve_check(po_mem_doubles(3.0 * (double)Y->rows * n + 4.0 * n * n),
                                  "cornn workspace");
    }
    if (st != PO_OK) return st;
    const po_cornn_opts *o = opts;
    size_t d = Y->cols, m = U ? U->cols : 0, n = d + m, dp = (d + 3) / 4 * 4;
    size_t T = (Y->rows - 2) / o->subsample + 1; /* transitions s = 0, k, 2k, ... <= T_Y - 2 */
    bool copy_x = U || o->subsample > 1;
    bool weighted = o->solver != PO_CORNN_STANDARD;
    size_t block = PO_CORNN_BLOCK_BYTES / (n * sizeof(double));
    if (block < PO_CORNN_BLOCK_MIN) block = PO_CORNN_BLOCK_MIN;
    if (block > T) block = T;
    size_t nblocks = (T + block - 1) / block;

    cornn_work cw = {.T = T, .n = n, .d = d, .dp = dp, .block = block, .nblocks = nblocks,
                     .solver = o->solver, .threshold = o->threshold};
    cw.nthreads = pick_threads(o, nblocks);
    double *xbuf = copy_x ? po_alloc_doubles(T * n, false) : NULL;
    double *delta = po_alloc_doubles(T * dp, false);
    double *w = weighted ? po_alloc_doubles(T * dp, false) : NULL;
    double *partial = po_alloc_doubles(nblocks * n * dp, true);
    double *zbuf = po_alloc_doubles(cw.nthreads * block * dp, false);
    double *loss = po_alloc_doubles(nblocks, true);
    size_t *counts = calloc(nblocks * dp, sizeof *counts);
    po_mat *Hinv = po_mat_alloc(n, n), *theta = po_mat_alloc(n, dp), *R = po_mat_alloc(n, dp);
    if ((copy_x && !xbuf) || !delta || (weighted && !w) || !partial || !zbuf || !loss ||
        !counts || !Hinv || !theta || !R) {
        st = po_error(PO_ENOMEM, "cornn: cannot allocate the workspace for %zu x %zu data", T,
                      n);
        goto done;
    }
    cw.x = copy_x ? xbuf : Y->data;
    cw.ldx = copy_x ? n : Y->ld;
    cw.delta = delta;
    cw.w = w;
    cw.theta = theta->data;
    cw.partial = partial;
    cw.counts = counts;
    cw.loss = loss;
    cw.zbuf = zbuf;
    size_t clipped = build_data(Y, U, o, cw.x, cw.ldx, copy_x, delta, w, T, dp);

    po_mat xm = po_mat_view(cw.x, T, n, cw.ldx);
    double lambda = o->l2 * (double)T;
    st = inverse_gram(&xm, lambda, Hinv);
    if (st != PO_OK) goto done;

    /* Start ("fixed point"): theta = H^-1 x^T artanh(delta), by blocks into R. */
    po_mat_set_zero(R);
    for (size_t b = 0; b < nblocks; b++) {
        size_t t0 = b * block, k = T - t0 < block ? T - t0 : block;
        for (size_t i = 0; i < k * dp; i++) zbuf[i] = atanh(delta[t0 * dp + i]);
        po_mat xb = po_mat_view(cw.x + t0 * cw.ldx, k, n, cw.ldx);
        po_mat z = po_mat_view(zbuf, k, dp, dp);
        po_la_gemm(true, false, 1.0, &xb, &z, 1.0, R);
    }
    po_la_gemm(false, false, 1.0, Hinv, R, 0.0, theta);
    if (o->init) /* theta holds W^T: row i of theta is column i of W */
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++) theta->data[j * dp + i] = PO_MAT_AT(o->init, i, j);

    double *th = theta->data, *g = R->data;
    for (size_t it = 0; it < o->iters; it++) {
        run_pass(&cw, PASS_UPDATE);
        /* R = sum_b x_b^T E_b in block order, outlier-reweighted, minus lambda theta. */
        memcpy(g, partial, n * dp * sizeof *g);
        for (size_t b = 1; b < nblocks; b++) {
            const double *pb = partial + b * n * dp;
            for (size_t i = 0; i < n * dp; i++) g[i] += pb[i];
        }
        if (o->solver == PO_CORNN_WEIGHTED) {
            for (size_t j = 0; j < d; j++) {
                size_t c = 0;
                for (size_t b = 0; b < nblocks; b++) c += counts[b * dp + j];
                /* Every entry of a column rejected: its E is all zero anyway. */
                double s = c < T ? (double)T / (double)(T - c) : 0.0;
                for (size_t i = 0; i < n; i++) g[i * dp + j] *= s;
            }
        }
        for (size_t i = 0; i < n * dp; i++) g[i] -= lambda * th[i];
        po_la_gemm(false, false, 1.0, Hinv, R, 1.0, theta);
        if (!po_learn_all_finite(th, n * dp)) {
            st = po_error(PO_EDIVERGED,
                          "cornn: the weights became non-finite at iteration %zu of %zu", it + 1,
                          o->iters);
            goto done;
        }
        st = po_progress_call_(o->progress, o->progress_user, it + 1, o->iters, "cornn");
        if (st != PO_OK) goto done;
    }
    run_pass(&cw, PASS_LOSS);
    double total = 0.0;
    for (size_t b = 0; b < nblocks; b++) total += loss[b];

    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(W_hat, i, j) = th[j * dp + i];
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < m; j++) PO_MAT_AT(W_in, i, j) = th[(d + j) * dp + i];
    if (info) *info = (po_cornn_info){.samples = T, .clipped = clipped, .loss = total};
done:
    po_mat_free(R);
    po_mat_free(theta);
    po_mat_free(Hinv);
    free(counts);
    free(loss);
    free(zbuf);
    free(partial);
    free(w);
    free(delta);
    free(xbuf);
    return st;
}
