/* Thread fan-out for fixed blocks of work (see parallel.h). */
#include "core/parallel.h"

#include "core/progress.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Non-zero while this thread runs a block: nested loops then stay on it. */
static _Thread_local int in_block;

typedef struct par_loop {
    po_par_body body;
    po_par_done done;
    void *ctx;
    size_t n, next, n_done;
    bool team;
    int go;                /* team: 0 wait, 1 run, -1 abort (a thread did not start) */
    pthread_mutex_t lock;  /* guards next, n_done, go, the failure and the done call */
    pthread_cond_t start;  /* team: go changed */
    size_t fail_block;     /* lowest failing block, n if none */
    po_status fail_st;
    char fail_msg[512];
} par_loop;

typedef struct par_worker {
    par_loop *loop;
    size_t id;
} par_worker;

static void record(par_loop *L, size_t b, po_status st)
{
    if (st != PO_OK && b < L->fail_block) {
        L->fail_block = b;
        L->fail_st = st;
        /* po_errmsg() is per thread: carry the detail to the caller's thread. */
        snprintf(L->fail_msg, sizeof L->fail_msg, "%s",
                 po_errmsg()[0] ? po_errmsg() : po_strerror(st));
    }
    L->n_done++;
    if (!L->done) return;
    L->done(L->ctx, L->n_done, L->n);
    /* A canceled progress report stops the loop like a failure of the next block. */
    if (po_progress_canceled() && L->next < L->fail_block) {
        L->fail_block = L->next;
        L->fail_st = po_progress_check_(L->n_done, L->n, "parallel loop");
        snprintf(L->fail_msg, sizeof L->fail_msg, "%s", po_errmsg());
    }
}

static void *worker_main(void *arg)
{
    const par_worker *w = arg;
    par_loop *L = w->loop;
    in_block++;
    if (L->team) {
        pthread_mutex_lock(&L->lock);
        while (L->go == 0) pthread_cond_wait(&L->start, &L->lock);
        bool run = L->go > 0;
        pthread_mutex_unlock(&L->lock);
        if (run) {
            po_error_clear();
            po_status st = L->body(L->ctx, w->id, w->id);
            pthread_mutex_lock(&L->lock);
            record(L, w->id, st);
            pthread_mutex_unlock(&L->lock);
        }
    } else {
        for (;;) {
            pthread_mutex_lock(&L->lock);
            size_t b = L->fail_block < L->n ? L->n : L->next++;
            pthread_mutex_unlock(&L->lock);
            if (b >= L->n) break;
            po_error_clear();
            po_status st = L->body(L->ctx, b, w->id);
            pthread_mutex_lock(&L->lock);
            record(L, b, st);
            pthread_mutex_unlock(&L->lock);
        }
    }
    in_block--;
    return NULL;
}

size_t po_parallel_threads(size_t threads, size_t n_blocks)
{
    if (in_block) return 1;
    size_t t = threads;
    if (t == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        t = cpus > 1 ? (size_t)cpus : 1;
    }
    if (t > n_blocks) t = n_blocks;
    return t < 1 ? 1 : t;
}

/* The blocks in order on the calling thread, up to the first failure (the
 * lowest failing block). */
static po_status run_here(size_t n, po_par_body body, po_par_done done, void *ctx)
{
    po_status st = PO_OK;
    in_block++;
    for (size_t b = 0; b < n && st == PO_OK; b++) {
        po_error_clear();
        st = body(ctx, b, 0);
        if (done) done(ctx, b + 1, n);
        if (done && st == PO_OK && b + 1 < n) st = po_progress_check_(b + 1, n, "parallel loop");
    }
    in_block--;
    if (st != PO_OK && !po_errmsg()[0]) return po_error(st, "%s", po_strerror(st));
    return st;
}

static po_status run(size_t n, size_t threads, po_par_body body, po_par_done done, void *ctx,
                     bool team)
{
    if (n == 0) return PO_OK;
    if (threads <= 1) return run_here(n, body, done, ctx);
    par_loop L = {.body = body, .done = done, .ctx = ctx, .n = n, .team = team,
                  .fail_block = n, .fail_st = PO_OK};
    L.fail_msg[0] = '\0';
    if (pthread_mutex_init(&L.lock, NULL) != 0) {
        if (team) return po_error(PO_ENOMEM, "cannot create a mutex for %zu threads", threads);
        return run_here(n, body, done, ctx);
    }
    if (pthread_cond_init(&L.start, NULL) != 0) {
        pthread_mutex_destroy(&L.lock);
        if (team) return po_error(PO_ENOMEM, "cannot create a condition for %zu threads", threads);
        return run_here(n, body, done, ctx);
    }
    par_worker *w = malloc(threads * sizeof *w);
    pthread_t *tid = malloc(threads * sizeof *tid);
    size_t started = 1;
    if (w && tid) {
        for (size_t k = 0; k < threads; k++) w[k] = (par_worker){&L, k};
        for (; started < threads; started++)
            if (pthread_create(&tid[started], NULL, worker_main, &w[started]) != 0) break;
    }
    /* A loop runs on the threads that started (at least this one); a team
     * needs them all. */
    bool ok = !team || (w && tid && started == threads);
    if (team) {
        pthread_mutex_lock(&L.lock);
        L.go = ok ? 1 : -1;
        pthread_cond_broadcast(&L.start);
        pthread_mutex_unlock(&L.lock);
    }
    if (ok) {
        par_worker self = {&L, 0};
        worker_main(&self);
    }
    for (size_t k = 1; k < started; k++) pthread_join(tid[k], NULL);
    free(tid);
    free(w);
    pthread_cond_destroy(&L.start);
    pthread_mutex_destroy(&L.lock);
    if (!ok) return po_error(PO_ENOMEM, "cannot start %zu threads (started %zu)", threads, started);
    if (L.fail_block < n) return po_error(L.fail_st, "%s", L.fail_msg);
    return PO_OK;
}

po_status po_parallel_for_progress(size_t n_blocks, size_t threads, po_par_body body,
                                   po_par_done done, void *ctx)
{
    return run(n_blocks, po_parallel_threads(threads, n_blocks), body, done, ctx, false);
}

po_status po_parallel_for(size_t n_blocks, size_t threads, po_par_body body, void *ctx)
{
    return po_parallel_for_progress(n_blocks, threads, body, NULL, ctx);
}

po_status po_parallel_team(size_t n, po_par_body body, void *ctx)
{
    return run(n, n < 1 ? 1 : n, body, NULL, ctx, true);
}
