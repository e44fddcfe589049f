/* Automatic choice of the cheapest exact representation of a dense W
 * (po_linop_auto, include/partobs/sim.h).
 *
 * 1. Count the exact zeros (D^2 reads). At most 10% non-zero: CSR.
 * 2. Randomised range test (Halko, Martinsson & Tropp 2011, alg. 4.1) with
 *    k = r_max + 8 samples, r_max = D/10: Y = W G for a D x k Gaussian G
 *    (2 D^2 k flops, ~0.2 D^3), thin QR of Y, numerical rank r = number of
 *    diagonal entries of R above 1e-12 |R|_max. A W of rank r <= r_max has
 *    range(Y) = range(W) almost surely, so Q spans it.
 * 3. Proof, not trust: with M = Q_r and N = W^T Q_r the residual
 *    ||W - M N^T||_F is computed exactly, in row blocks (another 2 D^2 r
 *    flops, D x 64 extra memory), and must be <= 1e-13 ||W||_F.
 * Otherwise dense. For D = 500 the whole test costs a few milliseconds, for
 * D = 5000 about a second: the setup is paid once, every step is cheaper.
 */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "linop.h"
#include "core/alloc.h"

#define AUTO_SPARSE_FRACTION 0.1
#define AUTO_RANK_FRACTION 10 /* r_max = D / 10 */
#define AUTO_OVERSAMPLE 8
#define AUTO_RDIAG_TOL 1e-12
#define AUTO_RESIDUAL_TOL 1e-13
#define AUTO_BLOCK_ROWS 64

/* ||W - M N^T||_F, computed in blocks of rows. */
static po_status lowrank_residual(const po_mat *W, const po_mat *M, const po_mat *N, double *res)
{
    size_t D = W->rows, nb = D < AUTO_BLOCK_ROWS ? D : AUTO_BLOCK_ROWS;
    po_mat *E = po_mat_alloc(nb, D);
    if (!E) return PO_ENOMEM;
    double ss = 0.0;
    for (size_t i0 = 0; i0 < D; i0 += nb) {
        size_t rows = D - i0 < nb ? D - i0 : nb;
        po_mat Eb = po_mat_block(E, 0, 0, rows, D);
        po_mat Wb = po_mat_block(W, i0, 0, rows, D);
        po_mat Mb = po_mat_block(M, i0, 0, rows, M->cols);
        po_mat_copy(&Eb, &Wb);
        po_la_gemm(false, true, -1.0, &Mb, N, 1.0, &Eb);
        double nrm = po_mat_norm_fro(&Eb);
        ss += nrm * nrm;
    }
    po_mat_free(E);
    *res = sqrt(ss);
    return PO_OK;
}

/* Try the low-rank representation; *out stays NULL if W is not low rank. */
static po_status try_lowrank(const po_mat *W, po_rng *rng, po_linop **out)
{
    size_t D = W->rows, rmax = D / AUTO_RANK_FRACTION;
    size_t k = rmax + AUTO_OVERSAMPLE < D ? rmax + AUTO_OVERSAMPLE : D;
    po_status st = PO_ENOMEM;
    po_mat *G = po_mat_alloc(D, k), *Y = po_mat_alloc(D, k), *Q = NULL, *N = NULL;
    double *rdiag = malloc(k * sizeof *rdiag);
    size_t *keep = malloc(k * sizeof *keep);
    if (!G || !Y || !rdiag || !keep) goto done;
    po_rng_fill_normal(rng, G->data, D * k, 1, 1.0);
    po_la_gemm(false, false, 1.0, W, G, 0.0, Y);
    st = po_la_qr(Y, rdiag);
    if (st) goto done;
    double rbig = 0.0;
    for (size_t i = 0; i < k; i++) rbig = fmax(rbig, fabs(rdiag[i]));
    size_t r = 0;
    for (size_t i = 0; i < k; i++)
        if (fabs(rdiag[i]) > AUTO_RDIAG_TOL * rbig) keep[r++] = i;
    if (r == 0 || r > rmax) { /* zero W is sparse, so r == 0 cannot happen here */
        st = PO_OK;
        goto done;
    }
    st = PO_ENOMEM;
    Q = po_mat_alloc(D, r);
    N = po_mat_alloc(D, r);
    if (!Q || !N) goto done;
    for (size_t i = 0; i < D; i++)
        for (size_t c = 0; c < r; c++) PO_MAT_AT(Q, i, c) = PO_MAT_AT(Y, i, keep[c]);
    po_la_gemm(true, false, 1.0, W, Q, 0.0, N); /* N = W^T Q */
    double res;
    st = lowrank_residual(W, Q, N, &res);
    if (st) goto done;
    if (res <= AUTO_RESIDUAL_TOL * po_mat_norm_fro(W)) st = po_linop_lowrank(Q, N, out);
done:
    if (st == PO_ENOMEM) po_error(PO_ENOMEM, "no memory for the rank test (D = %zu)", D);
    po_mat_free(G);
    po_mat_free(Y);
    po_mat_free(Q);
    po_mat_free(N);
    free(rdiag);
    free(keep);
    return st;
}

po_status po_linop_auto(const po_mat *W, po_rng *rng, po_linop **out)
{
    *out = NULL;
    if (!W || !W->data || W->rows == 0)
        return po_error(PO_EINVAL, "connectivity matrix is missing or empty");
    if (W->rows != W->cols)
        return po_error(PO_ESHAPE, "connectivity must be square, got %zux%zu",
                        W->rows, W->cols);
    po_status st = po_mat_check_finite(W, "connectivity");
    if (!st)
        st = po_mem_reserve_check(po_mem_doubles(3.0 * (double)W->rows * (double)W->rows),
                                  "the operator and its rank test");
    if (st) return st;
    size_t D = W->rows, nnz = po_linop_count_nonzeros_(W);
    if ((double)nnz <= AUTO_SPARSE_FRACTION * (double)D * (double)D)
        return po_linop_sparse_build_(W, nnz, out);
    if (D / AUTO_RANK_FRACTION >= 1) {
        st = try_lowrank(W, rng, out);
        if (st || *out) return st;
    }
    return po_linop_dense(W, out);
}
