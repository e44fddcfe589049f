/* BPTT with generalized teacher forcing (SPEC.md §4.7), the paper's setting:
 * d = 50 observed units, T = 30000 rows, 118 windows of 500 steps, mini-batches
 * of 16, SGD with momentum; and the "BPTT + hidden" student of Fig. F.2
 * (d = 50 + H = 200). Timed per epoch (one po_fit_bptt call with epochs = 1:
 * 8 mini-batches, each a forward and a backward pass over 500 steps).
 *
 * Flop count per epoch: every step is one nb x N x N product forward and one
 * backward, plus the gradient gemm, i.e. about 6 N^2 x 118 x 500 flops
 * (0.9 GFlop at N = 50, 22 GFlop at N = 250).
 *
 * The BLAS floor, measured in the same program: the same gemm calls of one
 * epoch on the same shapes (per mini-batch, K forward nb x N x N products, K
 * backward ones and the K nb x N gradient product) with nothing else.
 *
 * Usage: bench_bptt [runs]       RESULT lines (see benchutil.h)
 *        bench_bptt full [H]     one full 100-epoch fit (the paper's run), timed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "linalg/linalg.h"
#include "partobs/partobs.h"

#define D 50
#define T 30000
#define MAX_RUNS 64

static po_mat *make_data(void)
{
    po_mat *Y = po_mat_alloc(T, D);
    if (!Y) return NULL;
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, Y->data, (size_t)T * D, 1, 0.5);
    return Y;
}

static double time_fit(const po_mat *Y, size_t hidden, size_t epochs)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = hidden;
    o.epochs = epochs;
    po_mat *W = po_mat_alloc(D + hidden, D + hidden);
    po_bptt_info info;
    memset(&info, 0, sizeof info);
    double t0 = po_bench_now();
    po_status st = W ? po_fit_bptt(Y, &o, W, &info) : PO_ENOMEM;
    double t1 = po_bench_now();
    po_mat_free(W);
    if (st != PO_OK) {
        fprintf(stderr, "bench_bptt: %s\n", po_errmsg());
        exit(1);
    }
    return t1 - t0;
}

/* The gemms of one epoch alone (118 windows in mini-batches of 16, 499 steps). */
static double time_blas_floor(size_t n)
{
    const size_t K = 499, nw = 118, B = 16;
    po_mat *R = po_mat_alloc(K * B, n), *L = po_mat_alloc(K * B, n), *W = po_mat_alloc(n, n);
    po_mat *Z = po_mat_alloc(B, n), *G = po_mat_alloc(n, n);
    if (!R || !L || !W || !Z || !G) exit(1);
    double t0 = po_bench_now();
    for (size_t b0 = 0; b0 < nw; b0 += B) {
        size_t nb = nw - b0 < B ? nw - b0 : B;
        po_mat z = po_mat_block(Z, 0, 0, nb, n);
        for (size_t k = 0; k < K; k++) {
            po_mat r = po_mat_view(R->data + k * nb * n, nb, n, n);
            po_la_gemm(false, true, 0.01, &r, W, 0.99, &z);
        }
        for (size_t k = K - 1; k >= 1; k--) {
            po_mat l = po_mat_view(L->data + k * nb * n, nb, n, n);
            po_la_gemm(false, false, 1.0, &l, W, 0.0, &z);
        }
        po_mat la = po_mat_view(L->data, K * nb, n, n), ra = po_mat_view(R->data, K * nb, n, n);
        po_la_gemm(true, false, 0.01, &la, &ra, 0.0, G);
    }
    double t1 = po_bench_now();
    po_mat_free(R);
    po_mat_free(L);
    po_mat_free(W);
    po_mat_free(Z);
    po_mat_free(G);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    po_mat *Y = make_data();
    if (!Y) return 1;
    if (argc > 1 && strcmp(argv[1], "full") == 0) {
        size_t hidden = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 0;
        double t = time_fit(Y, hidden, 100);
        printf("full fit d = %d, H = %zu, 100 epochs: %.2f s\n", D, hidden, t);
        po_mat_free(Y);
        return 0;
    }
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1 || runs > MAX_RUNS) runs = 5;
    static const size_t hidden[2] = {0, 200};
    static const char *names[2] = {"bptt_epoch_d50", "bptt_epoch_d50_h200"};
    for (int c = 0; c < 2; c++) {
        double times[MAX_RUNS];
        time_fit(Y, hidden[c], 1); /* warm-up */
        for (int r = 0; r < runs; r++) times[r] = time_fit(Y, hidden[c], 1);
        po_bench_report(names[c], times, (size_t)runs);
    }
    static const char *floors[2] = {"bptt_blas_floor_d50", "bptt_blas_floor_d50_h200"};
    for (int c = 0; c < 2; c++) {
        double times[MAX_RUNS];
        for (int r = 0; r < runs; r++) times[r] = time_blas_floor(D + hidden[c]);
        po_bench_report(floors[c], times, (size_t)runs);
    }
    po_mat_free(Y);
    return 0;
}
