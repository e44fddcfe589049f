/* Newton's method safeguarded by Levenberg-Marquardt for the fixed points of
 * a network's flow (include/partobs/attractors.h; issue 4 item 5).
 *
 * Each iteration first tries the Newton step J dz = -G (LU), then up to three
 * halvings of it. If none decreases q = |G|^2 / 2 it falls back to the damped normal equations
 * (J^T J + mu I) dz = -J^T G (Cholesky), raising mu tenfold until q decreases (and
 * lowering it after a success), so far from a root the method is gradient
 * descent on q and near one it converges quadratically. The unknown is the
 * full state (m = n) or, for a low-rank W, the r coordinates c of
 * attractors_internal.h (m = r): the same iteration on a far smaller system. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"
#include "linalg/linalg.h"
#include "partobs/dyn.h"

struct po_att_newton {
    const po_network *net;
    const po_att_struct *s;
    size_t n, m;
    po_mat *J, *A, *H, *DU; /* m x m, m x m, m x m, n x r (reduced only) */
    int *ipiv;
    double *f, *fn, *zn, *dz, *g; /* m */
    double *p, *dp, *u, *fx;      /* n */
};

po_status po_att_newton_alloc(const po_network *net, const po_att_struct *s, po_att_newton **out)
{
    *out = NULL;
    size_t n = net->W->rows, m = s->lowrank ? s->r : n;
    po_att_newton *nw = calloc(1, sizeof *nw);
    if (!nw) return po_error(PO_ENOMEM, "fixed points: cannot allocate the solver");
    nw->net = net;
    nw->s = s;
    nw->n = n;
    nw->m = m;
    nw->J = po_mat_alloc(m, m);
    nw->A = po_mat_alloc(m, m);
    nw->H = po_mat_alloc(m, m);
    nw->DU = s->lowrank ? po_mat_alloc(n, m) : NULL;
    nw->ipiv = malloc((m + 1) * sizeof *nw->ipiv);
    double *v = malloc((5 * m + 4 * n + 1) * sizeof *v);
    nw->f = v;
    nw->fn = v + m;
    nw->zn = v + 2 * m;
    nw->dz = v + 3 * m;
    nw->g = v + 4 * m;
    nw->p = v + 5 * m;
    nw->dp = nw->p + n;
    nw->u = nw->dp + n;
    nw->fx = nw->u + n;
    if (!nw->J || !nw->A || !nw->H || (s->lowrank && !nw->DU) || !nw->ipiv || !v) {
        if (!v) nw->f = NULL;
        po_att_newton_free(nw);
        return po_error(PO_ENOMEM, "fixed points: cannot allocate the solver for n = %zu", n);
    }
    *out = nw;
    return PO_OK;
}

void po_att_newton_free(po_att_newton *nw)
{
    if (!nw) return;
    po_mat_free(nw->J);
    po_mat_free(nw->A);
    po_mat_free(nw->H);
    po_mat_free(nw->DU);
    free(nw->ipiv);
    free(nw->f);
    free(nw);
}

size_t po_att_newton_dim(const po_att_newton *nw) { return nw->m; }

void po_att_newton_start(const po_att_newton *nw, const double *x, double *z)
{
    if (!nw->s->lowrank) {
        memcpy(z, x, nw->n * sizeof *z);
        return;
    }
    /* current: c = U^T x (the projection on range W, where x* lies);
     * rate: c = U^T W x = B x (y = W x lies in range W). */
    if (nw->net->leaky == PO_LEAKY_CURRENT) po_la_gemv(true, 1.0, nw->s->U, x, 0.0, z);
    else po_la_gemv(false, 1.0, nw->s->B, x, 0.0, z);
}

void po_att_newton_state(const po_att_newton *nw, const double *z, double *x)
{
    if (!nw->s->lowrank) {
        memcpy(x, z, nw->n * sizeof *x);
        return;
    }
    po_la_gemv(false, 1.0, nw->s->U, z, 0.0, x);
    if (nw->net->leaky == PO_LEAKY_RATE) po_phi_apply(nw->net->phi, x, x, nw->n);
}

/* Reduced Jacobian J = B diag(phi'(U z)) U - I (r x r), from u = U z. */
static void reduced_jacobian(po_att_newton *nw, const double *u, po_mat *J)
{
    const po_att_struct *s = nw->s;
    size_t n = nw->n, r = nw->m;
    po_att_phi_deriv(nw->net->phi, u, nw->dp, n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r; k++)
            PO_MAT_AT(nw->DU, i, k) = nw->dp[i] * PO_MAT_AT(s->U, i, k);
    po_la_gemm(false, false, 1.0, s->B, nw->DU, 0.0, J);
    for (size_t k = 0; k < r; k++) PO_MAT_AT(J, k, k) -= 1.0;
}

/* G(z) into f and, when J is not NULL, its Jacobian. */
static void eval(po_att_newton *nw, const double *z, double *f, po_mat *J)
{
    if (!nw->s->lowrank) {
        po_att_flow_ws(nw->net, z, f, J, nw->p, nw->dp);
        return;
    }
    const po_att_struct *s = nw->s;
    po_la_gemv(false, 1.0, s->U, z, 0.0, nw->u);
    po_phi_apply(nw->net->phi, nw->u, nw->p, nw->n);
    po_la_gemv(false, 1.0, s->B, nw->p, 0.0, f);
    for (size_t k = 0; k < nw->m; k++) f[k] -= z[k];
    if (J) reduced_jacobian(nw, nw->u, J);
}

static double half_sq(const double *f, size_t m)
{
    double s = 0.0;
    for (size_t i = 0; i < m; i++) s += f[i] * f[i];
    return 0.5 * s;
}

/* q at z + dz (into zn, fn); +Inf when not finite. */
static double trial(po_att_newton *nw, const double *z)
{
    for (size_t i = 0; i < nw->m; i++) nw->zn[i] = z[i] + nw->dz[i];
    eval(nw, nw->zn, nw->fn, NULL);
    double q = half_sq(nw->fn, nw->m);
    return isfinite(q) ? q : (double)INFINITY;
}

/* Halvings of a Newton step that does not decrease q before the damped
 * step is tried. */
#define NEWTON_HALVINGS 3
/* Iterations over which q must at least halve. */
#define STALL_ITER 5
/* mu beyond this multiple of max(1, max diag J^T J): no descent is left. */
#define MU_GIVE_UP 1e16

double po_att_newton_solve(po_att_newton *nw, double *z, size_t max_iter, double tol,
                           bool *converged)
{
    size_t m = nw->m;
    *converged = false;
    eval(nw, z, nw->f, nw->J);
    double q = half_sq(nw->f, m);
    if (!isfinite(q)) return (double)INFINITY;
    double mu = 0.0, q_mark = q;
    for (size_t it = 0;; it++) {
        double zz = 0.0;
        for (size_t i = 0; i < m; i++) zz += z[i] * z[i];
        if (q <= tol * (1.0 + zz)) {
            *converged = true;
            return q;
        }
        if (it == max_iter) return q;
        /* Near a root q falls quadratically; a start that has not halved q
         * in STALL_ITER iterations is sliding along a valley of q or sits
         * at a local minimum that is no root (a slow point at best). */
        if (it % STALL_ITER == 0) {
            if (it > 0 && q > 0.5 * q_mark) return q;
            q_mark = q;
        }
        bool accepted = false;
        po_mat_copy(nw->A, nw->J);
        if (po_la_lu_factor_nocopy(nw->A, nw->ipiv) == PO_OK) {
            for (size_t i = 0; i < m; i++) nw->dz[i] = -nw->f[i];
            po_la_lu_solve_nocopy(nw->A, nw->ipiv, nw->dz);
            /* A few halvings of the Newton step cost no factorisation. */
            for (int h = 0; h <= NEWTON_HALVINGS && !accepted; h++) {
                double qn = trial(nw, z);
                if (qn < q) {
                    accepted = true;
                    q = qn;
                } else {
                    for (size_t i = 0; i < m; i++) nw->dz[i] *= 0.5;
                }
            }
        }
        if (!accepted) {
            /* H = J^T J (upper triangle), g = J^T f */
            po_la_syrk_t(1.0, nw->J, 0.0, nw->H);
            po_la_gemv(true, 1.0, nw->J, nw->f, 0.0, nw->g);
            double hmax = 1.0;
            for (size_t i = 0; i < m; i++) hmax = fmax(hmax, PO_MAT_AT(nw->H, i, i));
            if (mu == 0.0) mu = 1e-3 * hmax;
            while (!accepted && mu <= MU_GIVE_UP * hmax) {
                po_mat_copy(nw->A, nw->H);
                for (size_t i = 0; i < m; i++) PO_MAT_AT(nw->A, i, i) += mu;
                if (po_la_cholesky(nw->A) == PO_OK) {
                    for (size_t i = 0; i < m; i++) nw->dz[i] = -nw->g[i];
                    po_mat dz = po_mat_view(nw->dz, 1, m, m);
                    po_la_cholesky_solve_right(nw->A, &dz);
                    double qn = trial(nw, z);
                    if (qn < q) {
                        accepted = true;
                        q = qn;
                        mu = fmax(mu * 0.1, 1e-12 * hmax);
                        break;
                    }
                }
                mu *= 10.0;
            }
            if (!accepted) return q; /* a local minimum of q (or a plateau) */
        }
        memcpy(z, nw->zn, m * sizeof *z);
        eval(nw, z, nw->f, nw->J);
    }
}

po_fp_kind po_att_kind(const double *re, size_t n)
{
    size_t pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        if (re[i] < 0.0) neg++;
        else pos++;
    }
    if (pos == 0) return PO_FP_STABLE;
    if (neg == 0) return PO_FP_UNSTABLE;
    return PO_FP_SADDLE;
}

po_status po_att_newton_classify(po_att_newton *nw, const double *z, double *eig_re,
                                 double *eig_im, double *q)
{
    size_t n = nw->n, m = nw->m;
    double *x = nw->u; /* reused: x is needed only for q below */
    po_att_newton_state(nw, z, x);
    /* q of the full flow, whichever problem was solved; fx = F(x). */
    po_att_flow_ws(nw->net, x, nw->fx, NULL, nw->p, nw->dp);
    *q = half_sq(nw->fx, n);
    po_status st;
    if (!nw->s->lowrank) {
        po_att_flow_ws(nw->net, x, nw->fx, nw->J, nw->p, nw->dp);
        st = po_la_eig(nw->J, eig_re, eig_im, NULL);
    } else {
        po_la_gemv(false, 1.0, nw->s->U, z, 0.0, nw->u);
        reduced_jacobian(nw, nw->u, nw->J);
        st = po_la_eig(nw->J, eig_re, eig_im, NULL);
        for (size_t i = m; i < n; i++) {
            eig_re[i] = -1.0;
            eig_im[i] = 0.0;
        }
    }
    if (st != PO_OK) return st;
    po_eig_sort(eig_re, eig_im, n);
    return PO_OK;
}
