/* MAP / ridge student, closed form (SPEC.md §4.1; formulas in fit.h).
 *
 * The sums G = sum_t Phi_t Phi_t^T and C = sum_t Delta_t Phi_t^T are
 * accumulated over blocks of rows of Y with BLAS level 3 (syrk for G, gemm
 * for C), so a fit reads Y once and needs only O(d^2) memory per chunk of
 * blocks (a fixed partition, run on several threads) plus a block x d
 * workspace per thread for Delta (and Phi when phi is not the identity).
 * Then W_hat = alpha C pinv(rho I + alpha^2 G), solved with Cholesky.
 *
 * The leaky-rate tanh model is the same regression in pre-activation space
 * (fit.h): regressor X itself, target alpha artanh(clip(Delta / alpha)).
 */
#include "partobs/fit.h"

#include <math.h>
#include <stdlib.h>

#include "core/parallel.h"
#include "fit/spd_solve.h"
#include "linalg/linalg.h"
#include "core/alloc.h"

/* CORNN's clipping bound for the leaky-rate targets (SPEC.md §4.5). */
#define PO_RATE_CLIP (1.0 - 1e-6)
/* Bytes per block array (~490 rows for d = 400): the block of Phi and Delta
 * stays in cache (L2/L3) between being written and being read by syrk/gemm,
 * and k is large enough for BLAS to run at full speed; `bench_fit sweep`
 * shows the same time for 512 to 4096 rows at d = 400, slower below 256. */
#define PO_RIDGE_BLOCK_BYTES ((size_t)3 << 19)
#define PO_RIDGE_BLOCK_MIN 64
/* Row chunks with their own partial sums (see accumulate), and the memory
 * those may take: 8 chunks up to d = 700, 4 at d = 1000, one (no threads)
 * from d = 2000, where one chunk's products are big enough to be efficient. */
#define PO_RIDGE_CHUNKS 8
#define PO_RIDGE_CHUNK_BYTES ((size_t)64 << 20)

po_ridge_opts po_ridge_opts_defaults(void)
{
    return (po_ridge_opts){.phi = PO_PHI_LINEAR,
                           .leaky = PO_LEAKY_CURRENT,
                           .alpha = 0.01,
                           .rho = 0.001,
                           .burn_in = 0,
                           .block = 0,
                           .progress = NULL,
                           .progress_user = NULL};
}

const char *po_ridge_opts_check(const po_ridge_opts *opts)
{
    if (!opts) return "options are NULL";
    if (opts->phi != PO_PHI_LINEAR && opts->phi != PO_PHI_TANH)
        return "phi must be linear or tanh";
    if (opts->leaky != PO_LEAKY_CURRENT && opts->leaky != PO_LEAKY_RATE)
        return "leaky must be current or rate";
    if (!(opts->alpha > 0.0 && opts->alpha <= 1.0)) return "alpha must be in (0, 1]";
    if (!(opts->rho >= 0.0 && isfinite(opts->rho))) return "rho must be finite and >= 0";
    return NULL;
}

/* The element-wise part of one block: Delta (and the rate-form target) into
 * D and phi(X) into P, for rows [t0, t0 + k) of Y; D and P are k x d. */
typedef struct prep_job {
    const po_mat *Y;
    const po_ridge_opts *o;
    size_t t0, k;
    double *D, *P;   /* P is NULL when Phi is a view of Y */
    double raw_ssq;  /* sum of squares of Delta before the rate transform */
    double ssq;      /* sum of squares of the regression target */
    size_t clipped;
} prep_job;

static bool rate_form(const po_ridge_opts *o)
{
    return o->leaky == PO_LEAKY_RATE && o->phi == PO_PHI_TANH;
}

/* D = Y[t0+1 : t0+k+1] - (1 - alpha) Y[t0 : t0+k]; returns the sum of
 * squares of D, which is not finite exactly when an input entry is NaN/Inf
 * or a difference overflows: the finiteness check of Y costs nothing extra.
 * Four partial sums let the compiler vectorise without reassociating. */
static double form_delta(const po_mat *Y, size_t t0, size_t k, double alpha, double *D)
{
    size_t d = Y->cols;
    double beta = 1.0 - alpha, acc[4] = {0.0, 0.0, 0.0, 0.0};
    for (size_t r = 0; r < k; r++) {
        const double *x = Y->data + (t0 + r) * Y->ld, *xp = x + Y->ld;
        double *dr = D + r * d;
        size_t j = 0;
        for (; j + 4 <= d; j += 4)
            for (size_t u = 0; u < 4; u++) {
                double v = xp[j + u] - beta * x[j + u];
                dr[j + u] = v;
                acc[u] += v * v;
            }
        for (; j < d; j++) {
            double v = xp[j] - beta * x[j];
            dr[j] = v;
            acc[0] += v * v;
        }
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* Leaky-rate tanh target in place: alpha artanh(clip(D / alpha)); returns the
 * number of clipped entries (SPEC.md §4.5). */
static size_t rate_target(double *D, size_t n, double alpha, double *ssq)
{
    size_t clipped = 0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double delta = D[i] / alpha;
        if (fabs(delta) > PO_RATE_CLIP) {
            delta = copysign(PO_RATE_CLIP, delta);
            clipped++;
        }
        D[i] = alpha * atanh(delta);
        s += D[i] * D[i];
    }
    *ssq = s;
    return clipped;
}

static void prep_rows(prep_job *j)
{
    const po_mat *Y = j->Y;
    size_t d = Y->cols;
    j->raw_ssq = j->ssq = form_delta(Y, j->t0, j->k, j->o->alpha, j->D);
    j->clipped = 0;
    /* The rate transform would clip an Inf away: check first (the caller does). */
    if (!isfinite(j->raw_ssq)) return;
    if (rate_form(j->o)) j->clipped = rate_target(j->D, j->k * d, j->o->alpha, &j->ssq);
    if (!j->P) return;
    const double *x = Y->data + j->t0 * Y->ld;
    if (Y->ld == d) {
        po_phi_apply(j->o->phi, x, j->P, j->k * d);
    } else {
        for (size_t r = 0; r < j->k; r++) po_phi_apply(j->o->phi, x + r * Y->ld, j->P + r * d, d);
    }
}

/* Name the first NaN/Inf in rows [t0, t1] of Y, or the overflow. */
static po_status nonfinite_error(const po_mat *Y, size_t t0, size_t t1)
{
    for (size_t t = t0; t <= t1; t++)
        for (size_t j = 0; j < Y->cols; j++)
            if (!isfinite(PO_MAT_AT(Y, t, j)))
                return po_error(PO_ENONFINITE,
                                "Y: non-finite value (%g) at row %zu, column %zu",
                                PO_MAT_AT(Y, t, j), t, j);
    return po_error(PO_ENONFINITE,
                    "Y: values too large: sums overflow in rows %zu..%zu (rescale the data)", t0,
                    t1);
}

typedef struct sums {
    po_mat *G;     /* d x d, upper triangle: sum_t Phi_t Phi_t^T */
    po_mat *C;     /* d x d: sum_t Delta_t Phi_t^T */
    double ssq;    /* sum_t ||Delta_t||^2 */
    size_t clipped;
} sums;

/* The rows are cut into blocks of `block` rows and the blocks into nchunks
 * contiguous chunks, both from the sizes alone; each chunk accumulates its
 * own partial sums, added in chunk order afterwards. Chunks are the blocks
 * of a po_parallel_for (core/parallel.h), with the one-thread BLAS of the
 * program, so the Gram products use the cores and the result is the same
 * for any thread count. */
typedef struct accum_job {
    const po_mat *Y;
    const po_ridge_opts *o;
    size_t first, last, block, nblocks, nchunks;
    bool need_phi;
    sums *part;     /* nchunks partial sums (zero on entry) */
    double *work;   /* per thread: D and P, block x d each */
} accum_job;

static po_status accum_chunk(void *arg, size_t c, size_t worker)
{
    const accum_job *J = arg;
    const po_mat *Y = J->Y;
    size_t d = Y->cols;
    double *D = J->work + worker * 2 * J->block * d;
    double *P = J->need_phi ? D + J->block * d : NULL;
    sums *s = &J->part[c];
    size_t b0 = c * J->nblocks / J->nchunks, b1 = (c + 1) * J->nblocks / J->nchunks;
    for (size_t b = b0; b < b1; b++) {
        size_t t0 = J->first + b * J->block;
        prep_job j = {.Y = Y, .o = J->o, .t0 = t0,
                      .k = J->last - t0 < J->block ? J->last - t0 : J->block, .D = D, .P = P};
        prep_rows(&j);
        if (!isfinite(j.raw_ssq)) return nonfinite_error(Y, t0, t0 + j.k);
        s->ssq += j.ssq;
        s->clipped += j.clipped;
        po_mat phi = P ? po_mat_view(P, j.k, d, d) : po_mat_block(Y, t0, 0, j.k, d);
        po_mat delta = po_mat_view(D, j.k, d, d);
        po_la_syrk_t(1.0, &phi, 1.0, s->G);
        po_la_gemm(true, false, 1.0, &delta, &phi, 1.0, s->C);
    }
    return PO_OK;
}

static void accum_done(void *arg, size_t done, size_t nchunks)
{
    const accum_job *J = arg;
    size_t n = J->last - J->first;
    if (J->o->progress) J->o->progress(J->o->progress_user, n * done / nchunks, n);
}

/* Chunks: at most PO_RIDGE_CHUNKS, one per block at most, and their partial
 * sums (2 d^2 doubles each) within PO_RIDGE_CHUNK_BYTES. */
static size_t chunk_count(size_t nblocks, size_t d)
{
    size_t by_memory = PO_RIDGE_CHUNK_BYTES / (2 * d * d * sizeof(double));
    size_t n = PO_RIDGE_CHUNKS;
    if (n > nblocks) n = nblocks;
    if (n > by_memory) n = by_memory;
    return n < 1 ? 1 : n;
}

/* One pass over the transitions t = first .. T-2 into s (zero on entry). */
static po_status accumulate(const po_mat *Y, const po_ridge_opts *o, size_t first, size_t block,
                            sums *s)
{
    size_t d = Y->cols, last = Y->rows - 1; /* transitions [first, last) */
    accum_job J = {.Y = Y, .o = o, .first = first, .last = last, .block = block,
                   .nblocks = (last - first + block - 1) / block,
                   .need_phi = !rate_form(o) && o->phi != PO_PHI_LINEAR};
    J.nchunks = chunk_count(J.nblocks, d);
    size_t threads = po_parallel_threads(0, J.nchunks);
    J.part = calloc(J.nchunks, sizeof *J.part);
    J.work = malloc(threads * 2 * block * d * sizeof *J.work);
    po_status st = J.part && J.work ? PO_OK : PO_ENOMEM;
    if (st == PO_OK) J.part[0] = *s;
    for (size_t c = 1; c < J.nchunks && st == PO_OK; c++) {
        J.part[c].G = po_mat_alloc(d, d);
        J.part[c].C = po_mat_alloc(d, d);
        if (!J.part[c].G || !J.part[c].C) st = PO_ENOMEM;
    }
    if (st == PO_ENOMEM)
        st = po_error(PO_ENOMEM, "cannot allocate the fit workspace (%zu chunks of %zu x %zu)",
                      J.nchunks, block, d);
    if (st == PO_OK) st = po_parallel_for_progress(J.nchunks, threads, accum_chunk, accum_done, &J);
    if (st == PO_OK) {
        *s = J.part[0];
        for (size_t c = 1; c < J.nchunks; c++) {
            for (size_t i = 0; i < d; i++)
                for (size_t k = 0; k < d; k++) {
                    PO_MAT_AT(s->G, i, k) += PO_MAT_AT(J.part[c].G, i, k);
                    PO_MAT_AT(s->C, i, k) += PO_MAT_AT(J.part[c].C, i, k);
                }
            s->ssq += J.part[c].ssq;
            s->clipped += J.part[c].clipped;
        }
    }
    for (size_t c = 1; J.part && c < J.nchunks; c++) {
        po_mat_free(J.part[c].G);
        po_mat_free(J.part[c].C);
    }
    free(J.part);
    free(J.work);
    return st;
}

static size_t auto_block(size_t d)
{
    size_t rows = PO_RIDGE_BLOCK_BYTES / (d * sizeof(double));
    return rows < PO_RIDGE_BLOCK_MIN ? PO_RIDGE_BLOCK_MIN : rows;
}

static po_status check_args(const po_mat *Y, const po_ridge_opts *opts, const po_mat *W_hat)
{
    if (!Y || !opts || !W_hat) return po_error(PO_EINVAL, "ridge: NULL argument");
    const char *why = po_ridge_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "ridge: invalid options: %s", why);
    if (Y->cols == 0) return po_error(PO_ESHAPE, "ridge: Y has no columns (T x 0)");
    if (Y->rows < 2)
        return po_error(PO_ESHAPE, "ridge: Y has %zu rows, need at least 2 time steps",
                        Y->rows);
    if (opts->burn_in >= Y->rows - 1)
        return po_error(PO_EINVAL,
                        "ridge: burn_in %zu leaves fewer than 2 of the %zu rows of Y",
                        opts->burn_in, Y->rows);
    if (W_hat->rows != Y->cols || W_hat->cols != Y->cols)
        return po_error(PO_ESHAPE, "ridge: W_hat is %zux%zu, expected %zux%zu for Y of %zu columns",
                        W_hat->rows, W_hat->cols, Y->cols, Y->cols, Y->cols);
    return PO_OK;
}

static bool all_finite(const po_mat *m)
{
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++)
            if (!isfinite(PO_MAT_AT(m, i, j))) return false;
    return true;
}

/* Frobenius inner product <a, b>. */
static double dot_fro(const po_mat *a, const po_mat *b)
{
    double s = 0.0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) s += PO_MAT_AT(a, i, j) * PO_MAT_AT(b, i, j);
    return s;
}

po_status po_fit_ridge(const po_mat *Y, const po_ridge_opts *opts, po_mat *W_hat,
                       po_ridge_info *info)
{
    po_status st = check_args(Y, opts, W_hat);
    if (st == PO_OK)
        st = po_mem_reserve_check(po_mem_doubles(4.0 * (double)Y->cols * (double)Y->cols),
                                  "ridge sums");
    if (st != PO_OK) return st;
    size_t d = Y->cols;
    double alpha = opts->alpha, rho = opts->rho;
    sums s = {.G = po_mat_alloc(d, d), .C = po_mat_alloc(d, d)};
    if (!s.G || !s.C) {
        st = PO_ENOMEM;
        goto done;
    }
    st = accumulate(Y, opts, opts->burn_in, opts->block ? opts->block : auto_block(d), &s);
    if (st != PO_OK) goto done;
    if (!all_finite(s.C) || !all_finite(s.G)) {
        st = po_error(PO_ENONFINITE, "ridge: Y: values too large: the sums overflow "
                                     "(rescale the data)");
        goto done;
    }

    /* M = rho I + alpha^2 G in place (upper triangle), W_hat = alpha C M^+. */
    po_mat *M = s.G;
    for (size_t i = 0; i < d; i++) {
        for (size_t j = i; j < d; j++) PO_MAT_AT(M, i, j) *= alpha * alpha;
        PO_MAT_AT(M, i, i) += rho;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(W_hat, i, j) = alpha * PO_MAT_AT(s.C, i, j);
    double rcond;
    bool used_svd;
    st = po_spd_solve_right(M, W_hat, &rcond, &used_svd);
    if (st != PO_OK) goto done;

    if (info) {
        /* ||Delta - alpha W Phi||^2 = S - 2 alpha <W, C> + alpha^2 <W G, W>, and
         * W M = alpha C on the range of M (also for the pseudo-inverse), so
         * alpha^2 <W G, W> = alpha <C, W> - rho ||W||^2. */
        double r = s.ssq - alpha * dot_fro(W_hat, s.C) - rho * dot_fro(W_hat, W_hat);
        *info = (po_ridge_info){.samples = Y->rows - 1 - opts->burn_in,
                                .rcond = rcond,
                                .used_svd = used_svd,
                                .clipped = s.clipped,
                                .residual = r > 0.0 ? r : 0.0};
    }
done:
    po_mat_free(s.C);
    po_mat_free(s.G);
    return st;
}
