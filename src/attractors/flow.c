/* The continuous-time flow of a network and its Jacobian, and the low-rank
 * structure of W used by the fixed-point search and the trajectories
 * (include/partobs/attractors.h, SPEC.md §1.1 with alpha -> 0). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"
#include "linalg/linalg.h"

double po_att_norm(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

double po_att_dist(const double *x, const double *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - y[i];
        s += d * d;
    }
    return sqrt(s);
}

void po_att_phi_deriv(po_phi phi, const double *x, double *d, size_t n)
{
    if (phi == PO_PHI_LINEAR) {
        for (size_t i = 0; i < n; i++) d[i] = 1.0;
        return;
    }
    po_phi_apply(phi, x, d, n);
    for (size_t i = 0; i < n; i++) d[i] = 1.0 - d[i] * d[i];
}

void po_att_flow_ws(const po_network *net, const double *x, double *f, po_mat *J, double *p,
                    double *dp)
{
    const po_mat *W = net->W;
    size_t n = W->rows;
    if (net->leaky == PO_LEAKY_CURRENT) {
        po_phi_apply(net->phi, x, p, n);
        po_la_gemv(false, 1.0, W, p, 0.0, f);
        for (size_t i = 0; i < n; i++) f[i] -= x[i];
        if (!J) return;
        po_att_phi_deriv(net->phi, x, dp, n);
        for (size_t i = 0; i < n; i++) {
            const double *w = W->data + i * W->ld;
            double *j = J->data + i * J->ld;
            for (size_t k = 0; k < n; k++) j[k] = w[k] * dp[k];
            j[i] -= 1.0;
        }
    } else {
        po_la_gemv(false, 1.0, W, x, 0.0, p);
        if (J) po_att_phi_deriv(net->phi, p, dp, n);
        po_phi_apply(net->phi, p, f, n);
        for (size_t i = 0; i < n; i++) f[i] -= x[i];
        if (!J) return;
        for (size_t i = 0; i < n; i++) {
            const double *w = W->data + i * W->ld;
            double *j = J->data + i * J->ld;
            for (size_t k = 0; k < n; k++) j[k] = dp[i] * w[k];
            j[i] -= 1.0;
        }
    }
}

void po_network_flow(const po_network *net, const double *x, double *f, po_mat *J)
{
    size_t n = net->W->rows;
    double *ws = malloc((2 * n + 1) * sizeof *ws);
    if (!ws) {
        /* No status to return (the contract is void): a visible failure. */
        for (size_t i = 0; i < n; i++) f[i] = (double)NAN;
        return;
    }
    po_att_flow_ws(net, x, f, J, ws, ws + n);
    free(ws);
}

po_status po_att_check_network(const po_network *net, const char *who)
{
    if (!net || !net->W) return po_error(PO_EINVAL, "%s: no network", who);
    const po_mat *W = net->W;
    if (W->rows != W->cols || W->rows == 0)
        return po_error(PO_ESHAPE, "%s: W must be a non-empty square matrix, got %zux%zu", who,
                        W->rows, W->cols);
    if (net->phi != PO_PHI_LINEAR && net->phi != PO_PHI_TANH)
        return po_error(PO_EINVAL, "%s: unknown activation %d", who, (int)net->phi);
    if (net->leaky != PO_LEAKY_CURRENT && net->leaky != PO_LEAKY_RATE)
        return po_error(PO_EINVAL, "%s: unknown leaky form %d", who, (int)net->leaky);
    if (!(net->alpha > 0.0 && net->alpha <= 1.0))
        return po_error(PO_EINVAL, "%s: alpha must be in (0, 1], got %g", who, net->alpha);
    return po_mat_check_finite(W, who);
}

po_status po_att_struct_init(const po_network *net, po_att_struct *s)
{
    const po_mat *W = net->W;
    size_t n = W->rows;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->r = n;
    if (n < 8) return PO_OK; /* nothing to gain */
    double *sv = malloc(n * sizeof *sv);
    po_mat *u = po_mat_alloc(n, n), *vt = po_mat_alloc(n, n);
    po_status st = PO_OK;
    if (!sv || !u || !vt) {
        st = po_error(PO_ENOMEM, "attractors: cannot allocate the SVD of a %zux%zu W", n, n);
        goto done;
    }
    if ((st = po_la_svd(W, sv, u, vt)) != PO_OK) goto done;
    size_t r = 0;
    while (r < n && sv[r] > sv[0] * PO_ATT_RANK_RTOL) r++;
    s->r = r;
    if (r == 0 || r > n / 4) goto done;
    s->U = po_mat_alloc(n, r);
    s->B = po_mat_alloc(r, n);
    if (!s->U || !s->B) {
        st = po_error(PO_ENOMEM, "attractors: cannot allocate the range basis (rank %zu)", r);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r; k++) PO_MAT_AT(s->U, i, k) = PO_MAT_AT(u, i, k);
    /* B = U^T W = diag(s) V^T on the kept singular triplets. */
    for (size_t k = 0; k < r; k++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(s->B, k, j) = sv[k] * PO_MAT_AT(vt, k, j);
    s->lowrank = true;
done:
    free(sv);
    po_mat_free(u);
    po_mat_free(vt);
    if (st != PO_OK) po_att_struct_release(s);
    return st;
}

void po_att_struct_release(po_att_struct *s)
{
    po_mat_free(s->U);
    po_mat_free(s->B);
    s->U = s->B = NULL;
    s->lowrank = false;
}
