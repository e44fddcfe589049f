/* The eigenvalue plane shared by several figures (SPEC.md §5 "Eigenvalue plot"). */
#include <stdbool.h>

#include "plot/plot_internal.h"

po_status po_panel_eigenvalues(po_panel *p, const double *t_re, const double *t_im, size_t nt,
                               const double *s_re, const double *s_im, size_t ns)
{
    if (!p) return po_error(PO_EINVAL, "eigenvalue panel: NULL panel");
    if ((nt > 0 && (!t_re || !t_im)) || (ns > 0 && (!s_re || !s_im)))
        return po_error(PO_EINVAL, "eigenvalue panel: NULL eigenvalue array");
    /* The plane reads only with equal units, and the caller's labels win. */
    p->axes.equal_aspect = true;
    p->axes.legend = true;
    if (!p->axes.xlabel) p->axes.xlabel = "Re λ";
    if (!p->axes.ylabel) p->axes.ylabel = "Im λ";
    po_style ref = po_style_defaults();
    ref.color = PO_COLOR_GREY;
    ref.width = 1.0;
    po_status st = po_panel_circle(p, 0.0, 0.0, 1.0, &ref);
    ref.dashed = true;
    ref.label = "Re λ = 1";
    if (st == PO_OK) st = po_panel_vline(p, 1.0, &ref);
    po_style pt = po_style_defaults();
    if (st == PO_OK && nt > 0) {
        pt.color = PO_COLOR_RED;
        pt.label = "teacher";
        st = po_panel_points(p, t_re, t_im, nt, &pt);
    }
    if (st == PO_OK && ns > 0) {
        pt.color = PO_COLOR_BLUE;
        pt.label = "student";
        st = po_panel_points(p, s_re, s_im, ns, &pt);
    }
    return st;
}
