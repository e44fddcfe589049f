/* Cancelling a computation from its progress callback (po_progress_cancel,
 * partobs/sim.h): every long-running entry point stops at its next progress
 * point with PO_ECANCELED, and runs normally once the request is cleared. */
#include <string.h>

#include "harness.h"

/* Counts its calls and requests a cancel at call `at` (0 = never). */
typedef struct canceller {
    size_t calls, at;
} canceller;

static void cancel_at(void *user, size_t done, size_t total)
{
    canceller *c = user;
    (void)done;
    (void)total;
    if (++c->calls == c->at) po_progress_cancel();
}

/* After a canceled call: PO_ECANCELED, no call after the cancelling one,
 * a message naming the cancel; then clear the request. */
static void check_canceled(po_status st, const canceller *c)
{
    CHECK_STATUS(st, PO_ECANCELED);
    CHECK(c->calls == c->at);
    CHECK(strstr(po_errmsg(), "canceled") != NULL);
    CHECK(po_progress_canceled());
    po_progress_cancel_clear();
    CHECK(!po_progress_canceled());
}

static void test_simulate(void)
{
    /* threads 1: the sequential loop; threads 2 with a dense D >= 2: the team of
     * dense_par.c, whose threads must all leave at the same step. */
    for (size_t threads = 1; threads <= 2; threads++) {
        po_mat *W = po_test_gaussian(40, 40, 0.05, 7);
        po_linop *op = NULL;
        CHECK_OK(po_linop_dense(W, &op));
        po_sim_opts o = po_sim_opts_defaults();
        o.T = 2001;
        o.threads = threads;
        CHECK(po_sim_threads(op, &o) == threads);
        canceller c = {0, 3};
        o.progress = cancel_at;
        o.progress_user = &c;
        po_mat *X = po_mat_alloc(o.T, 40);
        check_canceled(po_sim_run(op, &o, NULL, X), &c);
        /* cleared: the same run completes, reporting 100 times */
        c = (canceller){0, 0};
        CHECK_OK(po_sim_run(op, &o, NULL, X));
        CHECK(c.calls == 100);
        po_mat_free(X);
        po_linop_free(op);
        po_mat_free(W);
    }
}

static void test_fits(void)
{
    po_mat *Y = po_test_gaussian(600, 4, 0.3, 11);
    po_mat *W = po_mat_alloc(4, 4);
    canceller c = {0, 2};

    po_gd_opts g = po_gd_opts_defaults();
    g.iters = 1000;
    g.progress = cancel_at;
    g.progress_user = &c;
    check_canceled(po_fit_gd(Y, &g, W, NULL), &c);

    c = (canceller){0, 2};
    po_cornn_opts co = po_cornn_opts_defaults();
    co.iters = 50;
    co.progress = cancel_at;
    co.progress_user = &c;
    check_canceled(po_fit_cornn(Y, NULL, &co, W, NULL, NULL), &c);

    c = (canceller){0, 2};
    po_force_opts f = po_force_opts_defaults();
    f.passes = 20;
    f.progress = cancel_at;
    f.progress_user = &c;
    check_canceled(po_fit_force(Y, &f, W, NULL), &c);

    c = (canceller){0, 2};
    po_bptt_opts b = po_bptt_opts_defaults();
    b.epochs = 20;
    b.seq_len = 50;
    b.progress = cancel_at;
    b.progress_user = &c;
    check_canceled(po_fit_bptt(Y, &b, W, NULL), &c);

    for (int paper = 0; paper <= 1; paper++) {
        c = (canceller){0, 2};
        po_lds_opts l = po_lds_opts_defaults();
        l.procedure = paper ? PO_LDS_PAPER : PO_LDS_EXACT;
        l.latents = 2;
        l.iters = 20;
        l.emission_iters = 5;
        l.progress = cancel_at;
        l.progress_user = &c;
        po_lds *fit = NULL;
        check_canceled(po_fit_lds(Y, NULL, &l, &fit, NULL), &c);
        CHECK(fit == NULL);
    }

    /* the ridge fit reports through the parallel loop, one call per chunk of blocks */
    c = (canceller){0, 1};
    po_ridge_opts r = po_ridge_opts_defaults();
    r.block = 8;
    r.progress = cancel_at;
    r.progress_user = &c;
    check_canceled(po_fit_ridge(Y, &r, W, NULL), &c);
    po_mat_free(W);
    po_mat_free(Y);
}

/* Without a callback nothing is checked: a pending request does not stop it. */
static void test_no_callback(void)
{
    po_mat *Y = po_test_gaussian(200, 3, 0.3, 5);
    po_mat *W = po_mat_alloc(3, 3);
    po_gd_opts g = po_gd_opts_defaults();
    g.iters = 100;
    po_progress_cancel();
    CHECK_OK(po_fit_gd(Y, &g, W, NULL));
    po_progress_cancel_clear();
    po_mat_free(W);
    po_mat_free(Y);
}

int main(void)
{
    PO_RUN(test_simulate);
    PO_RUN(test_fits);
    PO_RUN(test_no_callback);
    return po_test_finish();
}
