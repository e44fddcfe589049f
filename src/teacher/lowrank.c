/* Low-rank generators (SPEC.md §2): W = M N^T with M, N of size D x r kept in
 * the teacher, so the simulator can step in O(D r). Building the dense W is
 * O(D^2 r); nothing here is O(D^3) unless rank is of order D. */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

/* t->M, t->N = D x r zero matrices. */
static po_status alloc_factors(po_teacher *t, size_t D, size_t r)
{
    t->M = po_mat_alloc(D, r);
    t->N = po_mat_alloc(D, r);
    return t->M && t->N ? PO_OK : PO_ENOMEM;
}

/* dst[:, j] = s * src[:, c0 + j] for the columns of dst. */
static void copy_cols(po_mat *dst, const po_mat *src, size_t c0, double s)
{
    for (size_t i = 0; i < dst->rows; i++)
        for (size_t j = 0; j < dst->cols; j++)
            PO_MAT_AT(dst, i, j) = s * PO_MAT_AT(src, i, c0 + j);
}

/* `lr_nn`: the first 2r columns of a Haar matrix (QR of a D x 2r Gaussian,
 * sign-fixed); M = first r, N = next r, both times gamma, gamma^2 =
 * D scale / sqrt(r). Then M^T N = 0 and M^T M = N^T N = gamma^2 I_r. */
po_status po_teacher_gen_lowrank(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    size_t D = o->D, r = o->rank;
    po_mat *h = po_mat_alloc(D, 2 * r);
    po_status st = h ? alloc_factors(t, D, r) : PO_ENOMEM;
    if (st == PO_OK) st = po_haar_orthogonal(rng, h);
    if (st == PO_OK) {
        double gamma = sqrt((double)D * o->scale / sqrt((double)r));
        copy_cols(t->M, h, 0, gamma);
        copy_cols(t->N, h, r, gamma);
        po_teacher_rebuild_w(t);
    }
    po_mat_free(h);
    return st;
}

/* `lr_nn_osc`: M ~ N(0, 1) (D x 2, drawn first), V ~ N(0, shift_scale/sqrt(D))
 * (2 x D, drawn second), Sigma = [[0.5, -0.5], [0.5, 0.5]].
 *     M^dagger = pinv(M) + V (I - M pinv(M)) = pinv(M) + V - (V M) pinv(M),
 * never forming a D x D matrix; pinv(M)^T = M (M^T M)^{-1} through a 2 x 2
 * Cholesky solve. Stored N = (Sigma M^dagger)^T, so W = M Sigma M^dagger and
 * N^T M = Sigma exactly in exact arithmetic (M^dagger M = I). */
po_status po_teacher_gen_lowrank_osc(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    size_t D = o->D;
    double sigma_data[4] = {0.5, -0.5, 0.5, 0.5};
    po_mat sigma = po_mat_view(sigma_data, 2, 2, 2);
    po_mat *v = po_mat_alloc(2, D), *pt = po_mat_alloc(D, 2), *mdt = po_mat_alloc(D, 2);
    po_mat *g = po_mat_alloc(2, 2), *vm = po_mat_alloc(2, 2);
    po_status st = v && pt && mdt && g && vm ? alloc_factors(t, D, 2) : PO_ENOMEM;
    if (st != PO_OK) goto done;
    po_teacher_fill_normal(rng, t->M, 1.0);
    po_teacher_fill_normal(rng, v, o->shift_scale / sqrt((double)D));
    po_la_syrk_t(1.0, t->M, 0.0, g);
    st = po_la_cholesky(g);
    if (st != PO_OK) {
        st = po_error(PO_ESINGULAR, "lowrank-osc: the D x 2 matrix M is rank deficient");
        goto done;
    }
    po_mat_copy(pt, t->M);
    po_la_cholesky_solve_right(g, pt); /* pt = M (M^T M)^{-1} = pinv(M)^T */
    po_la_gemm(false, false, 1.0, v, t->M, 0.0, vm);
    /* mdt = (M^dagger)^T = pt + V^T - pt (V M)^T */
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < 2; j++) PO_MAT_AT(mdt, i, j) = PO_MAT_AT(pt, i, j) + PO_MAT_AT(v, j, i);
    po_la_gemm(false, true, -1.0, pt, vm, 1.0, mdt);
    po_la_gemm(false, true, 1.0, mdt, &sigma, 0.0, t->N);
    po_teacher_rebuild_w(t);
done:
    po_mat_free(vm);
    po_mat_free(g);
    po_mat_free(mdt);
    po_mat_free(pt);
    po_mat_free(v);
    return st;
}

/* `lr_n`: W = U_r diag(e) U_r^T with e = (max_eval, min_eval, ..., min_eval)
 * and U_r the first `rank` columns of a Haar matrix (QR of a D x rank
 * Gaussian, sign-fixed; that is the distribution of the first columns of a
 * full Haar draw), or of the identity if `diagonal` (no draws). M = U_r,
 * N = U_r diag(e). */
po_status po_teacher_gen_lowrank_normal(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    size_t D = o->D, r = o->rank;
    po_status st = alloc_factors(t, D, r);
    if (st != PO_OK) return st;
    if (o->diagonal)
        for (size_t k = 0; k < r; k++) PO_MAT_AT(t->M, k, k) = 1.0;
    else
        st = po_haar_orthogonal(rng, t->M);
    if (st != PO_OK) return st;
    for (size_t i = 0; i < D; i++)
        for (size_t k = 0; k < r; k++)
            PO_MAT_AT(t->N, i, k) = PO_MAT_AT(t->M, i, k) * (k == 0 ? o->max_eval : o->min_eval);
    po_teacher_rebuild_w(t);
    return PO_OK;
}

/* `lr_r`: a D x 2r standard Gaussian with unit-norm columns; M = first r
 * columns, N = scale * next r columns, W = M N^T. */
po_status po_teacher_gen_lowrank_random(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    size_t D = o->D, r = o->rank;
    po_mat *a = po_mat_alloc(D, 2 * r);
    po_status st = a ? alloc_factors(t, D, r) : PO_ENOMEM;
    if (st == PO_OK) {
        po_teacher_fill_normal(rng, a, 1.0);
        for (size_t j = 0; j < 2 * r; j++) {
            po_mat col = po_mat_block(a, 0, j, D, 1);
            double inv = 1.0 / po_mat_norm_fro(&col);
            for (size_t i = 0; i < D; i++) PO_MAT_AT(a, i, j) *= inv;
        }
        copy_cols(t->M, a, 0, 1.0);
        copy_cols(t->N, a, r, o->scale);
        po_teacher_rebuild_w(t);
    }
    po_mat_free(a);
    return st;
}
