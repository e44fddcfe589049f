/* partobs: figures (PLplot through its cairo drivers; DESIGN.md §4).
 *
 * A figure is a grid of panels; a panel collects layers (lines, bands,
 * points, shading, arrows, reference lines) and is drawn only when the figure
 * is saved, so axis limits can be computed from all of its data. Saving
 * renders to a temporary file beside the target and renames it into place,
 * so a failed save leaves nothing behind. The format follows the extension:
 * .png (pngcairo), .svg (svgcairo), .pdf (pdfcairo). A figure may be saved
 * several times (e.g. PNG and SVG). PLplot keeps global state: figures are
 * not thread-safe; save from one thread.
 *
 * Details of the implementation (src/plot/):
 * - Text is UTF-8 (Greek letters render directly) and may use PLplot's escapes:
 *   #d / #u for sub- and superscripts (so a literal '#' is written "##").
 * - On log axes values <= 0 are skipped like non-finite ones; log axes
 *   spanning under 1.5 decades are labelled at 1-2-5 steps.
 * - equal_aspect widens the range of one axis about its centre, so the
 *   panel keeps its size.
 * - The legend goes in the inside corner holding the fewest data points.
 *   Layers with a colour bar place their bars side by side to the right.
 * - Shading expects ascending, evenly spaced xs and ys (cells are centred on
 *   them); a panel with shading has no margin around the data.
 * - Arrows assume linear axes. Markers are filled circles.
 * - An SVG (cairo draws text as outlines) carries the figure's words in its
 *   <title> and <desc> elements, for search and screen readers.
 * - PLplot never prints or exits on behalf of the library: its recoverable
 *   errors are captured and returned as PO_EIO with the message; a missing
 *   cairo driver is PO_EIO naming the Debian package.
 */
#ifndef PARTOBS_PLOT_H
#define PARTOBS_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/error.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

typedef enum po_color {
    PO_COLOR_BLACK,
    PO_COLOR_RED,    /* teacher (SPEC.md §5 eigenvalue and trace plots) */
    PO_COLOR_BLUE,   /* student */
    PO_COLOR_GREEN,
    PO_COLOR_ORANGE,
    PO_COLOR_PURPLE,
    PO_COLOR_GREY,
    PO_COLOR_CYAN,
    PO_COLOR_BROWN,
    PO_COLOR_COUNT_
} po_color;

/* The i-th colour of a qualitative cycle (for families of curves). */
po_color po_color_cycle(size_t i);

typedef struct po_style {
    po_color color;    /* black */
    double width;      /* line width in points, 1.5 */
    bool dashed;       /* false */
    double marker;     /* points: marker size relative to the default, 1; lines: 0 = no markers */
    const char *label; /* legend entry; NULL = not in the legend */
} po_style;

po_style po_style_defaults(void);

typedef struct po_axes {
    const char *title, *xlabel, *ylabel; /* NULL = none */
    double xmin, xmax, ymin, ymax; /* NaN = from the data (with a 5% margin) */
    bool logx, logy;               /* logarithmic axes (data must be > 0) */
    bool equal_aspect;             /* one unit in x is one unit in y (eigenvalue planes) */
    bool legend;                   /* draw a legend of the labelled layers */
} po_axes;

po_axes po_axes_defaults(void);

typedef struct po_figure po_figure;
typedef struct po_panel po_panel; /* owned by its figure */

/* A figure of rows x cols panels, width x height pixels (PNG; vector formats
 * scale the same layout), with an optional overall title (NULL = none). */
po_status po_figure_alloc(size_t rows, size_t cols, int width, int height, const char *title,
                          po_figure **out);
void po_figure_free(po_figure *f);

/* Panel at (row, col); its axes are copied. Calling it again for the same
 * cell returns the same panel with the axes replaced. NULL on bad index. */
po_panel *po_figure_panel(po_figure *f, size_t row, size_t col, const po_axes *axes);

/* Layers. Data are copied. Non-finite values are skipped (lines break there).
 * PO_EINVAL for n = 0 or NULL data, PO_ENOMEM. */
po_status po_panel_line(po_panel *p, const double *x, const double *y, size_t n,
                        const po_style *s);
po_status po_panel_points(po_panel *p, const double *x, const double *y, size_t n,
                          const po_style *s);
/* Shaded band between lo and hi (e.g. mean +- SEM), drawn translucent in s->color. */
po_status po_panel_band(po_panel *p, const double *x, const double *lo, const double *hi,
                        size_t n, const po_style *s);
/* Points coloured by value c (e.g. time t/T) with a continuous colour map and
 * a colour bar labelled cbar_label (NULL = no bar). */
po_status po_panel_points_colored(po_panel *p, const double *x, const double *y,
                                  const double *c, size_t n, const char *cbar_label);
/* Lines coloured by value, the same (a trajectory coloured by time). */
po_status po_panel_line_colored(po_panel *p, const double *x, const double *y, const double *c,
                                size_t n, const char *cbar_label);
/* Shading of z (ny x nx row-major, z[j*nx + i] at (xs[i], ys[j])) on a grey-to-colour
 * map, with an optional colour bar label. */
po_status po_panel_shade(po_panel *p, const double *xs, size_t nx, const double *ys, size_t ny,
                         const double *z, const char *cbar_label);
/* Arrows (u, v) at (x, y), n of them; scale multiplies the vectors (0 = automatic:
 * the longest arrow spans about one grid cell of a 12 x 12 grid of the panel). */
po_status po_panel_arrows(po_panel *p, const double *x, const double *y, const double *u,
                          const double *v, size_t n, double scale, const po_style *s);
po_status po_panel_hline(po_panel *p, double y, const po_style *s);
po_status po_panel_vline(po_panel *p, double x, const po_style *s);
/* Circle of radius r around (cx, cy) (the unit circle of eigenvalue planes). */
po_status po_panel_circle(po_panel *p, double cx, double cy, double r, const po_style *s);
/* Text at data coordinates (x, y), left-aligned. */
po_status po_panel_text(po_panel *p, double x, double y, const char *text, const po_style *s);

/* Render and write path atomically (.png, .svg or .pdf). PO_EINVAL for another
 * extension, PO_EIO if the file cannot be written. */
po_status po_figure_save(po_figure *f, const char *path);

/* ---- ready-made panels used by several figures ----------------------------- */

/* The eigenvalue plane of SPEC.md §5: teacher eigenvalues in red, student in
 * blue (either may be NULL with n = 0), the unit circle and the Re = 1 line. */
po_status po_panel_eigenvalues(po_panel *p, const double *t_re, const double *t_im, size_t nt,
                               const double *s_re, const double *s_im, size_t ns);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
