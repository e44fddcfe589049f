/* Threaded dense simulation kernel (SPEC.md §1.1; used by po_sim_run).
 *
 * Why: for D = 500 one step is a 500 x 500 matrix-vector product (2 MB of W,
 * ~10 us of arithmetic) plus tanh, and a BLAS dgemv call per step spends much
 * of that in thread start-up and synchronisation. Here the threads persist
 * for the whole run (a po_parallel_team, core/parallel.h). Thread k owns a contiguous block of rows of W and, per
 * step, computes its rows of W phi(x_t) (or phi(g W x_t)), updates its part
 * of x_{t+1}, and, in the leaky-current form, already applies phi to it for
 * the next step (double-buffered), so one barrier per step suffices. Thread 0
 * also draws the drive of the next step (the noise stream is sequential), so
 * it owns fewer rows. The barrier spins on a C11 atomic generation counter
 * and yields the CPU after a while, because the machine may be shared.
 *
 * The rows are multiplied by po_gemv_rows_ (kernels.c), the kernel of the
 * sequential path too, so every thread count gives the same bits. No
 * allocation in the loop.
 */
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/progress.h"
#include "core/parallel.h"
#include "kernels.h"
#include "sim_internal.h"

#define PAR_MIN_ROWS_PER_THREAD 128 /* below this a thread is not worth its barrier */
#define PAR_MAX_THREADS 8
#define PAR_SPINS_BEFORE_YIELD 4000

size_t po_sim_threads(const po_linop *W, const po_sim_opts *opts)
{
    if (W->kind != PO_LINOP_DENSE) return 1;
    /* Automatic: the online CPUs, one per PAR_MIN_ROWS_PER_THREAD rows (one
     * inside another partobs parallel loop, core/parallel.h). */
    size_t n = opts->threads ? opts->threads
                             : po_parallel_threads(0, W->D / PAR_MIN_ROWS_PER_THREAD);
    if (n > PAR_MAX_THREADS) n = PAR_MAX_THREADS;
    if (n > W->D) n = W->D;
    return n;
}

typedef struct spin_barrier {
    atomic_uint arrived;
    atomic_uint generation;
    unsigned n;
} spin_barrier;

static void barrier_wait(spin_barrier *b)
{
    unsigned gen = atomic_load_explicit(&b->generation, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->arrived, 1, memory_order_acq_rel) + 1 == b->n) {
        atomic_store_explicit(&b->arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&b->generation, gen + 1, memory_order_release);
        return;
    }
    for (unsigned spins = 0; atomic_load_explicit(&b->generation, memory_order_acquire) == gen;)
        if (++spins > PAR_SPINS_BEFORE_YIELD) sched_yield();
}

typedef struct par_run {
    const po_linop *W;
    const po_sim_opts *opts;
    po_mat *X;
    po_sim_drive drive;
    size_t nthreads, steps;
    size_t row0[PAR_MAX_THREADS + 1];
    double *p[2];   /* leaky-current: phi(x_t) in p[t & 1] */
    double *v[2];   /* drive of step t in v[t & 1] */
    double *y;      /* W p (or W x) for the thread's rows, indexed by row */
    spin_barrier barrier;
    atomic_size_t bad_step; /* first step with a non-finite state, 0 = none */
    atomic_size_t cancel_at; /* thread 0's progress call after step t was canceled: every
                                thread leaves after step t + 1 (stored as t + 2), 0 = none */
} par_run;

/* Thread k of the team: its rows for every step. */
static po_status par_worker(void *arg, size_t k, size_t worker)
{
    (void)worker;
    par_run *r = arg;
    const po_sim_opts *o = r->opts;
    size_t a = r->row0[k], b = r->row0[k + 1], n = b - a;
    bool current = o->leaky == PO_LEAKY_CURRENT;
    double alpha = o->alpha, g = o->g;
    double *y = r->y + a;
    for (size_t t = 0; t < r->steps; t++) {
        const double *x = &PO_MAT_AT(r->X, t, 0), *v = r->v[t & 1] + a;
        double *xn = &PO_MAT_AT(r->X, t + 1, 0) + a;
        po_gemv_rows_(&r->W->W, a, b, current ? r->p[t & 1] : x, y);
        for (size_t i = 0; i < n; i++) y[i] = g * y[i];
        if (!current) po_phi_apply(o->phi, y, y, n);
        double bad = 0.0;
        for (size_t i = 0; i < n; i++) {
            xn[i] = x[a + i] + alpha * ((y[i] - x[a + i]) + v[i]);
            bad += xn[i] * 0.0;
        }
        if (current) po_phi_apply(o->phi, xn, r->p[(t + 1) & 1] + a, n);
        if (isnan(bad)) {
            size_t none = 0;
            atomic_compare_exchange_strong(&r->bad_step, &none, t + 1);
        }
        if (k == 0 && t + 1 < r->steps) po_sim_drive_fill_(&r->drive, t + 1, r->v[(t + 1) & 1]);
        barrier_wait(&r->barrier);
        /* Only a failure of this step counts: a faster thread may already
         * have flagged the next one while this thread was leaving the barrier. */
        size_t bad_at = atomic_load_explicit(&r->bad_step, memory_order_relaxed);
        if (bad_at && bad_at <= t + 1) break;
        /* As bad_step: thread 0 flags the cancel after this barrier, so another
         * thread may see it now or only after the next one; all leave together
         * after the next barrier, which thread 0 reaches after flagging. */
        size_t cancel_at = atomic_load(&r->cancel_at);
        if (cancel_at && cancel_at <= t + 1) break;
        if (k == 0 && po_sim_progress_(o, t + 1, r->steps) != PO_OK)
            atomic_store(&r->cancel_at, t + 2);
    }
    return PO_OK;
}

po_status po_sim_run_dense_par_(const po_linop *W, const po_sim_opts *opts,
                                const po_sim_inputs *in, po_mat *X, size_t nthreads)
{
    size_t D = W->D;
    par_run r = {.W = W, .opts = opts, .X = X, .nthreads = nthreads, .steps = opts->T - 1};
    double *work = calloc(5 * D, sizeof *work);
    if (!work) return po_error(PO_ENOMEM, "no memory for %zu-neuron workspace", D);
    r.p[0] = work;
    r.p[1] = work + D;
    r.v[0] = work + 2 * D;
    r.v[1] = work + 3 * D;
    r.y = work + 4 * D;
    r.barrier.n = (unsigned)nthreads;
    atomic_init(&r.barrier.arrived, 0);
    atomic_init(&r.barrier.generation, 0);
    atomic_init(&r.bad_step, 0);
    atomic_init(&r.cancel_at, 0);
    /* Thread 0 also draws the next drive (~D normals): give it 3/4 of a share. */
    double share = (double)D / ((double)nthreads - 0.25);
    r.row0[0] = 0;
    r.row0[1] = (size_t)(0.75 * share);
    for (size_t k = 2; k <= nthreads; k++)
        r.row0[k] = k == nthreads ? D : (size_t)(0.75 * share + (double)(k - 1) * share);

    po_sim_drive_init_(&r.drive, opts, in, D);
    po_sim_drive_fill_(&r.drive, 0, r.v[0]);
    if (opts->leaky == PO_LEAKY_CURRENT) po_phi_apply(opts->phi, X->data, r.p[0], D);

    po_status st = po_parallel_team(nthreads, par_worker, &r);
    size_t bad = atomic_load(&r.bad_step);
    free(work);
    if (st != PO_OK) return st;
    /* po_errmsg() is per thread: name the cancel again on the caller's. */
    if (atomic_load(&r.cancel_at)) return po_progress_check_(r.steps, r.steps, "simulate");
    return bad ? po_sim_nonfinite_(bad, r.steps) : PO_OK;
}
