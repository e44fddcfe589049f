/* Panels of the nonlinear figures (SPEC.md §5): traces, limit sets in PC
 * space, eigenvalue planes; see nl_pipeline.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments/common.h"
#include "experiments/nl_pipeline.h"
#include "partobs/dyn.h"

/* SPEC.md §5: observed neurons 4-8, scaled by 0.7, offset by 2.5. */
enum { NL_TRACES = 5 };
#define NL_TRACE_SCALE 0.7
#define NL_TRACE_OFFSET 2.5

po_status po_nl_panel_traces(po_panel *p, const po_mat *Yt, const po_mat *Xs, size_t first,
                             size_t plot_time, double alpha, double teacher_width)
{
    size_t n = plot_time;
    if (Yt->rows < n) n = Yt->rows;
    if (Xs->rows < n) n = Xs->rows;
    size_t ncol = Yt->cols < Xs->cols ? Yt->cols : Xs->cols;
    if (n < 2 || first >= ncol)
        return po_error(PO_ESHAPE, "%zu steps, neuron %zu of %zu", n, first,
                        ncol);
    double *t = malloc(3 * n * sizeof *t);
    if (!t) return po_error(PO_ENOMEM, "no memory");
    double *yt = t + n, *ys = t + 2 * n;
    for (size_t k = 0; k < n; k++) t[k] = (double)k * alpha;
    po_status st = PO_OK;
    for (size_t j = first; j < first + NL_TRACES && j < ncol && !st; j++) {
        double off = NL_TRACE_OFFSET * (double)(j - first);
        for (size_t k = 0; k < n; k++) {
            yt[k] = NL_TRACE_SCALE * PO_MAT_AT(Yt, k, j) + off;
            ys[k] = NL_TRACE_SCALE * PO_MAT_AT(Xs, k, j) + off;
        }
        po_style s = exp_style(PO_COLOR_RED, teacher_width, j == first ? "teacher" : NULL);
        st = po_panel_line(p, t, yt, n, &s);
        s = exp_style(PO_COLOR_BLUE, 1.0, j == first ? "student" : NULL);
        if (!st) st = po_panel_line(p, t, ys, n, &s);
    }
    free(t);
    return st;
}

/* SPEC.md §5 "Limit sets": 15 trajectories, radius 0.5, every 4th step. */
po_status po_nl_panel_limit_set(po_panel *p, const po_mat *W, po_leaky leaky, size_t steps,
                                double transient_frac, uint64_t seed, bool colorbar)
{
    po_traj_opts o = po_traj_opts_defaults();
    o.steps = steps;
    o.phi = PO_PHI_TANH;
    o.leaky = leaky;
    o.seed = seed;
    size_t rows = po_traj_rows(&o), n = W->rows;
    po_mat *X = po_mat_alloc(o.n_traj * rows, n);
    po_mat *Z = po_mat_alloc(o.n_traj * rows, 2);
    double *c = malloc(rows * sizeof *c);
    po_pca *pca = NULL;
    po_status st = (X && Z && c) ? PO_OK : po_error(PO_ENOMEM, "no memory");
    if (!st) st = po_noise_free_trajectories(W, &o, X);
    if (!st) st = po_pca_fit(X, n < 2 ? 1 : 2, &pca);
    if (!st && n < 2) st = po_error(PO_ESHAPE, "a 1-unit network");
    if (!st) st = po_pca_project(pca, X, Z);
    size_t skip = (size_t)(transient_frac * (double)rows);
    for (size_t k = skip; c && k < rows; k++) c[k] = (double)k / (double)(rows - 1);
    for (size_t tr = 0; tr < o.n_traj && !st; tr++) {
        po_mat zt = po_mat_block(Z, tr * rows + skip, 0, rows - skip, 2);
        /* columns of the block, gathered for the line call */
        double *xy = malloc(2 * (rows - skip) * sizeof *xy);
        if (!xy) {
            st = po_error(PO_ENOMEM, "no memory");
            break;
        }
        for (size_t k = 0; k < rows - skip; k++) {
            xy[k] = PO_MAT_AT(&zt, k, 0);
            xy[rows - skip + k] = PO_MAT_AT(&zt, k, 1);
        }
        st = po_panel_line_colored(p, xy, xy + (rows - skip), c + skip, rows - skip,
                                   colorbar && tr == 0 ? "t/T" : NULL);
        free(xy);
    }
    po_pca_free(pca);
    free(c);
    po_mat_free(Z);
    po_mat_free(X);
    return st;
}

po_status po_nl_panel_eigs(po_panel *p, const po_attractor_report *teacher,
                           const po_attractor_report *student)
{
    return po_panel_eigenvalues(p, teacher ? teacher->eig_re : NULL,
                                teacher ? teacher->eig_im : NULL, teacher ? teacher->n : 0,
                                student ? student->eig_re : NULL, student ? student->eig_im : NULL,
                                student ? student->n : 0);
}

po_status po_nl_draw_student_row(po_figure *f, size_t row, const po_nl_row *r, size_t plot_time,
                                 size_t panel_steps, uint64_t seed)
{
    size_t n = r->W_hat->rows, d = n < r->rec->dmax ? n : r->rec->dmax;
    char title[200];
    snprintf(title, sizeof title, "%s (%zu units): eigenvalues", r->label, n);
    po_axes a = exp_axes(title, "Re(lambda)", "Im(lambda)");
    a.equal_aspect = true;
    po_status st = po_nl_panel_eigs(po_figure_panel(f, row, 0, &a), r->teacher, r->student);

    po_mat *Xs = NULL;
    if (!st) st = po_nl_student_run(r->rec, r->W_hat, r->leaky, r->noise, plot_time, &Xs);
    size_t first = d >= 9 ? 4 : 0; /* neurons 4-8 (SPEC.md §5) when observed */
    size_t last = first + NL_TRACES - 1 < d ? first + NL_TRACES - 1 : d - 1;
    snprintf(title, sizeof title, "%s traces, neurons %zu-%zu (same IC%s)", r->label, first, last,
             r->noise ? " and noise" : ", no noise");
    a = exp_axes(title, "time (tau)", "activity (scaled, offset)");
    a.legend = true;
    if (!st)
        st = po_nl_panel_traces(po_figure_panel(f, row, 1, &a), r->rec->Y, Xs, first, plot_time,
                                0.01, 1.0);
    po_mat_free(Xs);
    snprintf(title, sizeof title, "%s student limit set", r->label);
    a = exp_axes(title, "PC1", "PC2");
    if (!st)
        st = po_nl_panel_limit_set(po_figure_panel(f, row, 2, &a), r->W_hat, r->leaky, panel_steps,
                                   0.05, seed, false);
    return st;
}
