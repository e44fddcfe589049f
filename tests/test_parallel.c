/* core/parallel.h (po_parallel_for, po_parallel_team) and issue 10 items 8-9:
 * library calls from several threads at once give the serial bits and never
 * change the process-wide BLAS thread count. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "harness.h"
#include "linalg/linalg.h"

/* ---- po_parallel_for ---- */

typedef struct blocks_ctx {
    double *out;
    size_t fail_a, fail_b; /* blocks that fail (n: none) */
    atomic_size_t calls;
    size_t nested;         /* po_parallel_threads(2, 10) seen inside a block */
    size_t done_calls, last_done;
    bool done_monotone;
} blocks_ctx;

static po_status block_body(void *arg, size_t b, size_t worker)
{
    blocks_ctx *c = arg;
    (void)worker;
    atomic_fetch_add(&c->calls, 1);
    double s = 0.0; /* some work, in a fixed order */
    for (size_t i = 1; i <= 1000 + 37 * b; i++) s += sin((double)(i * (b + 1)));
    c->out[b] = s;
    if (b == 0) c->nested = po_parallel_threads(2, 10);
    if (b == c->fail_a) return po_error(PO_ESINGULAR, "block %zu failed", b);
    if (b == c->fail_b) return po_error(PO_EDIVERGED, "block %zu failed", b);
    return PO_OK;
}

static void block_done(void *arg, size_t done, size_t n)
{
    blocks_ctx *c = arg; /* one call at a time (parallel.h) */
    (void)n;
    if (done != c->last_done + 1) c->done_monotone = false;
    c->last_done = done;
    c->done_calls++;
}

static void test_parallel_for_same_bits_any_threads(void)
{
    enum { N = 37 };
    double ref[N], got[N];
    blocks_ctx c = {.out = ref, .fail_a = N, .fail_b = N, .done_monotone = true};
    atomic_init(&c.calls, 0);
    CHECK_OK(po_parallel_for(N, 1, block_body, &c));
    CHECK(atomic_load(&c.calls) == N);
    CHECK(c.nested == 1); /* inside a block: nested loops stay on the thread */
    size_t counts[] = {0, 2, 3, 8, 64};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        memset(got, 0, sizeof got);
        c.out = got;
        atomic_store(&c.calls, 0);
        c.done_calls = c.last_done = 0;
        c.done_monotone = true;
        CHECK_OK(po_parallel_for_progress(N, counts[k], block_body, block_done, &c));
        CHECK(atomic_load(&c.calls) == N);
        CHECK(memcmp(got, ref, sizeof got) == 0);
        CHECK(c.done_calls == N && c.last_done == N && c.done_monotone);
        CHECK(c.nested == 1);
    }
    /* the thread count: capped by the blocks, 0 = the online CPUs, >= 1 */
    CHECK(po_parallel_threads(8, 3) == 3);
    CHECK(po_parallel_threads(0, 1000) >= 1);
    CHECK(po_parallel_threads(5, 0) == 1);
    /* no blocks: nothing runs */
    atomic_store(&c.calls, 0);
    CHECK_OK(po_parallel_for(0, 4, block_body, &c));
    CHECK(atomic_load(&c.calls) == 0);
}

static void test_parallel_for_lowest_failing_block(void)
{
    enum { N = 40 };
    double out[N];
    for (size_t rep = 0; rep < 20; rep++) {
        size_t threads = 1 + rep % 4;
        blocks_ctx c = {.out = out, .fail_a = 29, .fail_b = 11, .done_monotone = true};
        atomic_init(&c.calls, 0);
        po_error_clear();
        /* block 11 (EDIVERGED) is the lowest failing one, whatever ran first */
        CHECK_STATUS(po_parallel_for(N, threads, block_body, &c), PO_EDIVERGED);
        CHECK(strcmp(po_errmsg(), "block 11 failed") == 0);
        CHECK(atomic_load(&c.calls) >= 12); /* every block below 11 ran */
    }
}

/* team: every block on its own thread at once (a barrier would deadlock otherwise) */
typedef struct team_ctx {
    pthread_barrier_t barrier;
    atomic_int ran[4];
} team_ctx;

static po_status team_body(void *arg, size_t k, size_t worker)
{
    team_ctx *t = arg;
    if (k != worker) return po_error(PO_EINVAL, "team member %zu ran as worker %zu", k, worker);
    pthread_barrier_wait(&t->barrier);
    atomic_store(&t->ran[k], 1);
    pthread_barrier_wait(&t->barrier);
    return k == 3 ? po_error(PO_EINVAL, "member 3") : PO_OK;
}

static void test_parallel_team(void)
{
    team_ctx t;
    CHECK(pthread_barrier_init(&t.barrier, NULL, 4) == 0);
    for (size_t k = 0; k < 4; k++) atomic_init(&t.ran[k], 0);
    CHECK_STATUS(po_parallel_team(4, team_body, &t), PO_EINVAL);
    CHECK(strcmp(po_errmsg(), "member 3") == 0);
    for (size_t k = 0; k < 4; k++) CHECK(atomic_load(&t.ran[k]) == 1);
    pthread_barrier_destroy(&t.barrier);
}

/* po_la_gemm_rows: the product of po_la_gemm, and exactly the bits of its
 * fixed 128-row blocks computed one after the other. */
static void test_gemm_rows_fixed_blocks(void)
{
    po_mat *A = po_test_gaussian(300, 260, 1.0, 5), *B = po_test_gaussian(260, 270, 1.0, 6);
    po_mat *C = po_mat_alloc(300, 270), *R = po_mat_alloc(300, 270), *F = po_mat_alloc(300, 270);
    if (!A || !B || !C || !R || !F) {
        CHECK(false);
        return;
    }
    for (size_t r0 = 0; r0 < 300; r0 += 128) {
        size_t r = 300 - r0 < 128 ? 300 - r0 : 128;
        po_mat ab = po_mat_block(A, r0, 0, r, 260), rb = po_mat_block(R, r0, 0, r, 270);
        po_la_gemm(false, false, 1.0, &ab, B, 0.0, &rb);
    }
    po_la_gemm(false, false, 1.0, A, B, 0.0, F);
    for (size_t rep = 0; rep < 3; rep++) {
        po_mat_set_zero(C);
        po_la_gemm_rows(false, 1.0, A, B, 0.0, C);
        CHECK(memcmp(C->data, R->data, 300 * 270 * sizeof(double)) == 0);
    }
    CHECK_MAT_CLOSE(C, F, 1e-13, 1e-12);
    po_mat_free(A), po_mat_free(B), po_mat_free(C), po_mat_free(R), po_mat_free(F);
}

/* The MAP fit's chunked sums: on the process's threads (top level) and on
 * one thread (inside a block, where nested loops run serially) the same bits. */
typedef struct ridge_ctx {
    const po_mat *Y;
    po_ridge_opts o;
    po_mat *W;
} ridge_ctx;

static po_status ridge_body(void *arg, size_t b, size_t worker)
{
    (void)b, (void)worker;
    ridge_ctx *r = arg;
    return po_fit_ridge(r->Y, &r->o, r->W, NULL);
}

static void test_ridge_same_bits_nested(void)
{
    po_mat *Y = po_test_gaussian(3000, 20, 1.0, 17);
    po_mat *W1 = po_mat_alloc(20, 20), *W2 = po_mat_alloc(20, 20);
    if (!Y || !W1 || !W2) {
        CHECK(false);
        return;
    }
    po_phi phis[] = {PO_PHI_LINEAR, PO_PHI_TANH};
    for (size_t k = 0; k < 2; k++) {
        ridge_ctx r = {.Y = Y, .o = po_ridge_opts_defaults(), .W = W2};
        r.o.block = 64; /* 47 blocks in 8 chunks */
        r.o.phi = phis[k];
        CHECK_OK(po_fit_ridge(Y, &r.o, W1, NULL));
        CHECK_OK(po_parallel_for(1, 1, ridge_body, &r));
        CHECK(memcmp(W1->data, W2->data, 400 * sizeof(double)) == 0);
        /* and the same fit as one block (rounding only) */
        r.o.block = 4000;
        CHECK_OK(po_fit_ridge(Y, &r.o, W2, NULL));
        CHECK_MAT_CLOSE(W2, W1, 1e-10, 1e-12);
    }
    po_mat_free(Y), po_mat_free(W1), po_mat_free(W2);
}

/* ---- item 9: LDS fits, smoothing and curves from two threads at once ---- */

typedef struct lds_run {
    const po_mat *Y, *B;
    po_lds *fit;
    po_mat *Xhat;
    double loglik;
    po_curves *curves;
    po_status st;
} lds_run;

static po_status lds_and_curves(lds_run *r)
{
    po_lds_opts o = po_lds_opts_defaults();
    o.latents = 3;
    o.iters = 15;
    o.tol = 0.0;
    po_status st = po_fit_lds(r->Y, NULL, &o, &r->fit, NULL);
    if (st == PO_OK) st = po_lds_smooth(r->fit, r->Y, NULL, r->Xhat, &r->loglik);
    po_curves_opts co = po_curves_opts_defaults();
    co.dmin = 5;
    co.step = 7;
    co.threads = 2;
    if (st == PO_OK) {
        r->curves = po_curves_alloc(po_curves_count(&co, r->B->rows), co.top_n, co.henrici);
        st = r->curves ? po_curves_compute(r->B, &co, r->curves) : PO_ENOMEM;
    }
    return st;
}

static void *lds_thread(void *arg)
{
    lds_run *r = arg;
    r->st = lds_and_curves(r);
    return NULL;
}

static bool same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

static bool same_run(const lds_run *a, const lds_run *b)
{
    const po_lds *p = a->fit, *q = b->fit;
    size_t K = p->K, d = p->d, n = a->curves->n, top = a->curves->top_n;
    return same_bits(p->A->data, q->A->data, K * K) && same_bits(p->C->data, q->C->data, d * K) &&
           same_bits(p->r, q->r, d) && same_bits(p->q, q->q, K) &&
           same_bits(a->Xhat->data, b->Xhat->data, a->Xhat->rows * K) &&
           a->loglik == b->loglik && same_bits(a->curves->las, b->curves->las, n) &&
           same_bits(a->curves->top_re, b->curves->top_re, n * top) &&
           same_bits(a->curves->top_sv, b->curves->top_sv, n * top) &&
           same_bits(a->curves->u_overlap, b->curves->u_overlap, n);
}

static void run_free(lds_run *r)
{
    po_lds_free(r->fit);
    po_mat_free(r->Xhat);
    po_curves_free(r->curves);
}

/* Serial, then two threads at once: the same bits with a one-thread BLAS
 * (the setting of the partobs programs), and the process's BLAS thread count
 * untouched by either library call (the old fit/curves code set it to 1 and
 * restored it, so two callers at once could leave it at 1). */
static void test_concurrent_lds_and_curves(void)
{
    po_mat *Y = po_test_gaussian(1500, 12, 1.0, 91);
    po_mat *B = po_test_gaussian(40, 40, 0.5 / sqrt(40.0), 92);
    if (!Y || !B) {
        CHECK(false);
        return;
    }
    int blas_counts[] = {1, 2};
    for (size_t k = 0; k < 2; k++) {
        po_blas_set_threads(blas_counts[k]);
        int blas = po_blas_threads();
        lds_run serial = {.Y = Y, .B = B, .Xhat = po_mat_alloc(Y->rows, 3)};
        CHECK_OK(lds_and_curves(&serial));
        CHECK(po_blas_threads() == blas);
        for (size_t rep = 0; rep < 3; rep++) {
            lds_run par[2];
            pthread_t tid[2];
            for (size_t t = 0; t < 2; t++) {
                par[t] = (lds_run){.Y = Y, .B = B, .Xhat = po_mat_alloc(Y->rows, 3)};
                CHECK(pthread_create(&tid[t], NULL, lds_thread, &par[t]) == 0);
            }
            for (size_t t = 0; t < 2; t++) pthread_join(tid[t], NULL);
            CHECK(po_blas_threads() == blas);
            for (size_t t = 0; t < 2; t++) {
                CHECK_OK(par[t].st);
                /* bit-identity is promised for a one-thread BLAS only */
                if (par[t].st == PO_OK && serial.fit && blas == 1) CHECK(same_run(&par[t], &serial));
                run_free(&par[t]);
            }
        }
        run_free(&serial);
    }
    po_blas_set_threads(1);
    po_mat_free(Y);
    po_mat_free(B);
}

int main(void)
{
    po_blas_set_threads(1); /* as every partobs program (partobs/version.h) */
    PO_RUN(test_parallel_for_same_bits_any_threads);
    PO_RUN(test_parallel_for_lowest_failing_block);
    PO_RUN(test_parallel_team);
    PO_RUN(test_gemm_rows_fixed_blocks);
    PO_RUN(test_ridge_same_bits_nested);
    PO_RUN(test_concurrent_lds_and_curves);
    return po_test_finish();
}
