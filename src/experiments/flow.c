/* Linear flow fields in PC space (see flow.h). */
#include "experiments/flow.h"

#include <math.h>
#include <stdlib.h>

#include "experiments/common.h"
#include "experiments/exp.h"

/* The flow field of W (n x n) on the PC1-PC2 plane of activity X (T x n):
 * PCA of every 10th row (all components, so the other PCs can be held at
 * their values at time T/2 as in the reference), shading on a
 * EXP_FLOW_SHADE^2 grid, arrows on EXP_FLOW_ARROWS^2, and the activity itself. */
po_status exp_flow_field(const po_mat *W, const po_mat *X, exp_flow *fl)
{
    size_t n = W->rows, T = X->rows, every = 10, m = T / every;
    po_mat Xs = po_mat_view(X->data, m, n, X->ld * every);
    po_pca *p = NULL;
    po_status st = po_pca_fit(&Xs, n < m ? n : m, &p);
    po_mat *Z = st == PO_OK ? po_mat_alloc(m, p->k) : NULL;
    if (st == PO_OK && !Z) st = PO_ENOMEM;
    if (st == PO_OK) st = po_pca_project(p, &Xs, Z);
    double *u = NULL, *v = NULL;
    if (st == PO_OK) {
        double total = 0;
        for (size_t i = 0; i < p->k; i++) total += p->var[i];
        fl->var_frac[0] = p->var[0] / total;
        fl->var_frac[1] = p->k > 1 ? p->var[1] / total : 0.0;
        /* Range of the activity in PC1, PC2, and the box of SPEC.md §5 (x from 1.25
         * min to 1.25 max; y the same here, so that arrows cover the activity). */
        double lo[2] = {HUGE_VAL, HUGE_VAL}, hi[2] = {-HUGE_VAL, -HUGE_VAL};
        for (size_t i = 0; i < m; i++)
            for (size_t q = 0; q < 2; q++) {
                double z = PO_MAT_AT(Z, i, q);
                if (z < lo[q]) lo[q] = z;
                if (z > hi[q]) hi[q] = z;
            }
        for (size_t q = 0; q < 2; q++) {
            double c = 0.5 * (lo[q] + hi[q]), h = 0.625 * (hi[q] - lo[q]);
            lo[q] = c - h;
            hi[q] = c + h;
        }
        for (size_t i = 0; i < EXP_FLOW_SHADE; i++) {
            fl->xs[i] = lo[0] + (hi[0] - lo[0]) * (double)i / (EXP_FLOW_SHADE - 1);
            fl->ys[i] = lo[1] + (hi[1] - lo[1]) * (double)i / (EXP_FLOW_SHADE - 1);
        }
        const double *zr = &PO_MAT_AT(Z, m / 2, 0);
        u = malloc(EXP_FLOW_SHADE * EXP_FLOW_SHADE * sizeof *u);
        v = malloc(EXP_FLOW_SHADE * EXP_FLOW_SHADE * sizeof *v);
        st = u && v ? po_flow_field_linear(W, p, zr, fl->xs, EXP_FLOW_SHADE, fl->ys, EXP_FLOW_SHADE, u, v)
                    : PO_ENOMEM;
        if (st == PO_OK) {
            double mx = 0;
            for (size_t i = 0; i < EXP_FLOW_SHADE * EXP_FLOW_SHADE; i++) {
                fl->speed[i] = pow(sqrt(u[i] * u[i] + v[i] * v[i]), 0.1);
                if (fl->speed[i] > mx) mx = fl->speed[i];
            }
            for (size_t i = 0; mx > 0 && i < EXP_FLOW_SHADE * EXP_FLOW_SHADE; i++) fl->speed[i] /= mx;
        }
        double xa[EXP_FLOW_ARROWS], ya[EXP_FLOW_ARROWS];
        for (size_t i = 0; i < EXP_FLOW_ARROWS; i++) {
            xa[i] = lo[0] + (hi[0] - lo[0]) * ((double)i + 0.5) / EXP_FLOW_ARROWS;
            ya[i] = lo[1] + (hi[1] - lo[1]) * ((double)i + 0.5) / EXP_FLOW_ARROWS;
        }
        if (st == PO_OK)
            st = po_flow_field_linear(W, p, zr, xa, EXP_FLOW_ARROWS, ya, EXP_FLOW_ARROWS, fl->au, fl->av);
        for (size_t j = 0; j < EXP_FLOW_ARROWS; j++)
            for (size_t i = 0; i < EXP_FLOW_ARROWS; i++) {
                fl->ax[j * EXP_FLOW_ARROWS + i] = xa[i];
                fl->ay[j * EXP_FLOW_ARROWS + i] = ya[j];
            }
        size_t step = m > EXP_FLOW_SCATTER ? (m + EXP_FLOW_SCATTER - 1) / EXP_FLOW_SCATTER : 1;
        fl->np = 0;
        for (size_t i = 0; i < m && fl->np < EXP_FLOW_SCATTER; i += step) {
            fl->px[fl->np] = PO_MAT_AT(Z, i, 0);
            fl->py[fl->np] = PO_MAT_AT(Z, i, 1);
            fl->pt[fl->np] = (double)i / (double)(m - 1);
            fl->np++;
        }
    }
    free(u);
    free(v);
    po_mat_free(Z);
    po_pca_free(p);
    return st;
}

po_status exp_flow_panel(po_panel *p, const exp_flow *fl)
{
    po_status st = po_panel_shade(p, fl->xs, EXP_FLOW_SHADE, fl->ys, EXP_FLOW_SHADE, fl->speed,
                                  "|flow|^(1/10), normalised");
    po_style a = exp_style(PO_COLOR_BLACK, 1, NULL);
    if (st == PO_OK)
        st = po_panel_arrows(p, fl->ax, fl->ay, fl->au, fl->av, EXP_FLOW_ARROWS * EXP_FLOW_ARROWS, 0, &a);
    if (st == PO_OK) st = po_panel_points_colored(p, fl->px, fl->py, fl->pt, fl->np, "time t/T");
    return st;
}

cJSON *exp_flow_json(const exp_flow *fl)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "pc_variance_fraction", po_report_array(fl->var_frac, 2));
    cJSON_AddItemToObject(o, "grid_pc1", po_report_array(fl->xs, EXP_FLOW_SHADE));
    cJSON_AddItemToObject(o, "grid_pc2", po_report_array(fl->ys, EXP_FLOW_SHADE));
    cJSON_AddItemToObject(o, "speed_pow_0.1_normalised",
                          po_report_matrix(fl->speed, EXP_FLOW_SHADE, EXP_FLOW_SHADE, EXP_FLOW_SHADE));
    cJSON_AddItemToObject(o, "arrow_pc1", po_report_array(fl->ax, EXP_FLOW_ARROWS * EXP_FLOW_ARROWS));
    cJSON_AddItemToObject(o, "arrow_pc2", po_report_array(fl->ay, EXP_FLOW_ARROWS * EXP_FLOW_ARROWS));
    cJSON_AddItemToObject(o, "arrow_u", po_report_array(fl->au, EXP_FLOW_ARROWS * EXP_FLOW_ARROWS));
    cJSON_AddItemToObject(o, "arrow_v", po_report_array(fl->av, EXP_FLOW_ARROWS * EXP_FLOW_ARROWS));
    return o;
}

