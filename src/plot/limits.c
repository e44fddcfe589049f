/* Axis-limit logic of the figures (plot.h): pure functions, tested directly. */
#include <math.h>

#include "plot/plot_internal.h"

void po_plot_axis_limits(double dmin, double dmax, double fix_lo, double fix_hi, bool logscale,
                         double margin_frac, double *lo, double *hi)
{
    /* Work in the drawn coordinate: log10 of the value on log axes. */
    if (logscale) {
        dmin = dmin > 0.0 ? log10(dmin) : (double)NAN;
        dmax = dmax > 0.0 ? log10(dmax) : (double)NAN;
        fix_lo = fix_lo > 0.0 ? log10(fix_lo) : (double)NAN;
        fix_hi = fix_hi > 0.0 ? log10(fix_hi) : (double)NAN;
    }
    if (!isfinite(fix_lo)) fix_lo = (double)NAN;
    if (!isfinite(fix_hi)) fix_hi = (double)NAN;
    double a, b;
    if (isfinite(dmin) && isfinite(dmax) && dmin <= dmax) {
        double margin;
        if (dmax > dmin)
            margin = margin_frac * (dmax - dmin);
        else if (logscale)
            margin = 0.5;
        else
            margin = dmin != 0.0 ? 0.05 * fabs(dmin) : 0.5;
        a = dmin - margin;
        b = dmax + margin;
    } else {
        a = 0.0;
        b = 1.0;
    }
    if (!isnan(fix_lo)) a = fix_lo;
    if (!isnan(fix_hi)) b = fix_hi;
    if (!(a < b)) {
        /* One fixed end beyond the data (or both fixed and reversed or
         * equal): keep the fixed end and give the range a unit span. */
        if (!isnan(fix_lo) && isnan(fix_hi))
            b = a + 1.0;
        else if (isnan(fix_lo) && !isnan(fix_hi))
            a = b - 1.0;
        else {
            double m = 0.5 * (a + b);
            a = m - 0.5;
            b = m + 0.5;
        }
    }
    *lo = logscale ? pow(10.0, a) : a;
    *hi = logscale ? pow(10.0, b) : b;
}

void po_plot_equal_aspect(double *xlo, double *xhi, double *ylo, double *yhi, double width_mm,
                          double height_mm)
{
    double rx = *xhi - *xlo, ry = *yhi - *ylo;
    if (!(rx > 0.0) || !(ry > 0.0) || !(width_mm > 0.0) || !(height_mm > 0.0)) return;
    /* Units per mm must be equal on both axes: widen the axis with fewer. */
    double ux = rx / width_mm, uy = ry / height_mm;
    if (ux < uy) {
        double grow = 0.5 * (uy * width_mm - rx);
        *xlo -= grow;
        *xhi += grow;
    } else {
        double grow = 0.5 * (ux * height_mm - ry);
        *ylo -= grow;
        *yhi += grow;
    }
}

typedef struct range {
    double lo, hi;
    bool lg;
} range;

/* Widen r to v if v is finite (and positive on a log axis). */
static void take(range *r, double v)
{
    if (!isfinite(v) || (r->lg && !(v > 0.0))) return;
    if (v < r->lo) r->lo = v;
    if (v > r->hi) r->hi = v;
}

void po_plot_data_range(const po_panel *p, bool xaxis, bool lg, double *lo, double *hi)
{
    range r = {HUGE_VAL, -HUGE_VAL, lg};
    for (size_t k = 0; k < p->n_layers; k++) {
        const po_layer *l = &p->layers[k];
        switch (l->kind) {
        case PO_LAYER_LINE:
        case PO_LAYER_POINTS:
        case PO_LAYER_LINE_COLORED:
        case PO_LAYER_POINTS_COLORED:
        case PO_LAYER_ARROWS:
            for (size_t i = 0; i < l->n; i++) take(&r, xaxis ? l->a[0][i] : l->a[1][i]);
            break;
        case PO_LAYER_BAND:
            for (size_t i = 0; i < l->n; i++) {
                take(&r, xaxis ? l->a[0][i] : l->a[1][i]);
                if (!xaxis) take(&r, l->a[2][i]);
            }
            break;
        case PO_LAYER_SHADE: {
            const double *g = xaxis ? l->a[0] : l->a[1];
            size_t m = xaxis ? l->n : l->ny;
            double h = 0.5 * (g[m - 1] - g[0]) / (double)(m - 1);
            take(&r, g[0] - h);
            take(&r, g[m - 1] + h);
            break;
        }
        case PO_LAYER_HLINE:
            if (!xaxis) take(&r, l->p[0]);
            break;
        case PO_LAYER_VLINE:
            if (xaxis) take(&r, l->p[0]);
            break;
        case PO_LAYER_CIRCLE:
            take(&r, l->p[xaxis ? 0 : 1] - l->p[2]);
            take(&r, l->p[xaxis ? 0 : 1] + l->p[2]);
            break;
        case PO_LAYER_TEXT: take(&r, l->p[xaxis ? 0 : 1]); break;
        }
    }
    *lo = r.lo;
    *hi = r.hi;
}
