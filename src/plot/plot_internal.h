/* Internal: the figure model of plot.h and the pieces of its renderer.
 *
 * A figure owns rows x cols panels; a panel owns copies of its layers' data
 * (DESIGN.md §4: drawing happens only at po_figure_save, so limits can use all
 * of a panel's data). Everything that touches PLplot lives in render.c and
 * save.c; this header and figure.c / limits.c are PLplot-free.
 */
#ifndef PO_PLOT_INTERNAL_H
#define PO_PLOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/plot.h"

typedef enum po_layer_kind {
    PO_LAYER_SHADE, /* drawn first: a background */
    PO_LAYER_BAND,
    PO_LAYER_LINE,
    PO_LAYER_LINE_COLORED,
    PO_LAYER_POINTS,
    PO_LAYER_POINTS_COLORED,
    PO_LAYER_ARROWS,
    PO_LAYER_HLINE,
    PO_LAYER_VLINE,
    PO_LAYER_CIRCLE,
    PO_LAYER_TEXT
} po_layer_kind;

/* Array slots a[] by kind:
 *   line, points:            x, y
 *   band:                    x, lo, hi
 *   line/points coloured:    x, y, c
 *   arrows:                  x, y, u, v
 *   shade:                   xs (n = nx), ys (ny), z (ny x nx)
 * Scalars p[]: hline y; vline x; circle cx, cy, r; text x, y; arrows scale. */
typedef struct po_layer {
    po_layer_kind kind;
    size_t n, ny;
    double *a[4]; /* point into one block owned through a[0] */
    double p[3];
    po_style style; /* style.label points to label */
    char *label;    /* owned copy of the legend entry or NULL */
    char *text;     /* text of a text layer, colour-bar label of coloured layers */
} po_layer;

struct po_panel {
    bool used;
    po_axes axes; /* title / xlabel / ylabel point to own[0..2] */
    char *own[3];
    po_layer *layers;
    size_t n_layers, cap;
};

struct po_figure {
    size_t rows, cols;
    int width, height;
    char *title;
    po_panel *panels; /* rows * cols, row-major */
};

/* Axis range [*lo, *hi] for data spanning [dmin, dmax] (dmin > dmax or
 * non-finite: no data). fix_lo / fix_hi are user limits (NaN = free). Free
 * ends get a margin of margin_frac (0.05 for plot.h's 5%) of the data span,
 * in log10 space for log axes (where
 * non-positive fixed limits are ignored); a single value gets +-5% of itself
 * (+-0.5 at zero, half a decade on log axes); no data gives [0, 1] or
 * [1, 10]. Always returns *lo < *hi. Pure; tested directly. */
void po_plot_axis_limits(double dmin, double dmax, double fix_lo, double fix_hi, bool logscale,
                         double margin_frac, double *lo, double *hi);

/* Range [*lo, *hi] of one axis (x if xaxis) over all layers of p: finite
 * values only, and only positive ones on a log axis (lg); *lo > *hi if none. */
void po_plot_data_range(const po_panel *p, bool xaxis, bool lg, double *lo, double *hi);

/* Widen the range [*lo, *hi] (world units, already log10 for log axes)
 * symmetrically so that its span over the physical length matches the other
 * axis: used for equal aspect. */
void po_plot_equal_aspect(double *xlo, double *xhi, double *ylo, double *yhi, double width_mm,
                          double height_mm);

/* RGB of each po_color (a colour-blind-aware qualitative palette). */
extern const unsigned char po_plot_rgb[PO_COLOR_COUNT_][3];

/* Whether PLplot has the named device (e.g. "pngcairo") installed. */
bool po_plot_device_available(const char *dev);

/* Draw every used panel of f onto the current, initialised PLplot stream. */
po_status po_plot_render(const po_figure *f);

#endif
