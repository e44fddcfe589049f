/* Drawing a figure's panels with PLplot (plot.h, DESIGN.md §4). Called by
 * po_figure_save on a fresh, initialised stream. Sizes are derived from the
 * page in millimetres, so PNG, SVG and PDF share one layout and text scales
 * with the panel. */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_internal.h"

enum { CMAP0_BAND = 10, CMAP0_FRAME = 11, N_COLOR_BINS = 64 };

/* Black, then the matplotlib "tab10" hues (distinguishable by most
 * colour-blind readers), in po_color order. */
const unsigned char po_plot_rgb[PO_COLOR_COUNT_][3] = {
    {0, 0, 0},       {214, 39, 40},   {31, 119, 180}, {44, 160, 44}, {255, 127, 14},
    {148, 103, 189}, {127, 127, 127}, {23, 190, 207}, {140, 86, 75}};

/* Everything a panel's drawing needs to know about its frame. */
typedef struct frame {
    double wx0, wx1, wy0, wy1; /* world window (log10 units on log axes) */
    double w_mm, h_mm;         /* viewport size */
    double chr;                /* character height, mm */
    double lw;                 /* line-width factor: points of po_style -> PLplot width */
    bool logx, logy;
} frame;

static double tx(double v, bool lg)
{
    if (!lg) return v;
    return v > 0.0 ? log10(v) : (double)NAN;
}

static void set_cmap1_viridis(void)
{
    /* Viridis sampled at five points (a perceptually uniform map readable in grey). */
    static const PLFLT pos[] = {0.0, 0.25, 0.5, 0.75, 1.0};
    static const PLFLT r[] = {0.267, 0.229, 0.128, 0.369, 0.993};
    static const PLFLT g[] = {0.005, 0.322, 0.567, 0.789, 0.906};
    static const PLFLT b[] = {0.329, 0.546, 0.551, 0.383, 0.144};
    plscmap1l(1, 5, pos, r, g, b, NULL);
}

static void set_cmap1_shade(void)
{
    /* Light grey to steel blue: a background that keeps black arrows and
     * viridis points on top readable. */
    static const PLFLT pos[] = {0.0, 1.0};
    static const PLFLT r[] = {0.96, 0.27};
    static const PLFLT g[] = {0.96, 0.51};
    static const PLFLT b[] = {0.96, 0.71};
    plscmap1l(1, 2, pos, r, g, b, NULL);
}

static void set_style(const frame *fr, const po_style *s)
{
    plcol0((PLINT)s->color + 1);
    plwidth(s->width * fr->lw);
    if (s->dashed) {
        PLINT mark = (PLINT)(1000.0 * 1.2 * fr->chr), space = (PLINT)(1000.0 * 0.7 * fr->chr);
        plstyl(1, &mark, &space);
    } else {
        plstyl(0, NULL, NULL);
    }
}

/* Polyline through the finite points, broken at non-finite ones. */
static void draw_line(const frame *fr, const double *x, const double *y, size_t n, PLFLT *bx,
                      PLFLT *by)
{
    size_t m = 0;
    for (size_t i = 0; i <= n; i++) {
        double X = i < n ? tx(x[i], fr->logx) : (double)NAN,
               Y = i < n ? tx(y[i], fr->logy) : (double)NAN;
        if (isfinite(X) && isfinite(Y)) {
            bx[m] = X;
            by[m] = Y;
            m++;
        } else {
            if (m > 1) plline((PLINT)m, bx, by);
            m = 0;
        }
    }
}

/* Filled circles of diameter diam_mm at the m world points (bx, by), in the
 * current colour. Drawn as small polygons: a font glyph per point (plstring,
 * plpoin under cairo) costs a pango text layout each, far too slow for the
 * 30 000-point trajectories of the limit-set figures. */
static void fill_markers(const frame *fr, const PLFLT *bx, const PLFLT *by, size_t m,
                         double diam_mm)
{
    enum { SIDES = 12 };
    static const double cs[SIDES] = {
        1.0,  0.8660254037844387,  0.5,  0.0, -0.5, -0.8660254037844387,
        -1.0, -0.8660254037844387, -0.5, 0.0, 0.5,  0.8660254037844387};
    double rx = 0.5 * diam_mm * (fr->wx1 - fr->wx0) / fr->w_mm;
    double ry = 0.5 * diam_mm * (fr->wy1 - fr->wy0) / fr->h_mm;
    PLFLT px[SIDES], py[SIDES];
    for (size_t i = 0; i < m; i++) {
        for (int k = 0; k < SIDES; k++) {
            px[k] = bx[i] + rx * cs[k];
            py[k] = by[i] + ry * cs[(k + 9) % SIDES]; /* sin t = cos(t - 90 degrees) */
        }
        plfill(SIDES, px, py);
    }
}

/* Markers at the finite points; size relative to the default (plot.h). */
static void draw_points(const frame *fr, const double *x, const double *y, size_t n, double size,
                        PLFLT *bx, PLFLT *by)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double X = tx(x[i], fr->logx), Y = tx(y[i], fr->logy);
        if (isfinite(X) && isfinite(Y)) {
            bx[m] = X;
            by[m] = Y;
            m++;
        }
    }
    fill_markers(fr, bx, by, m, 0.45 * fr->chr * (size > 0.0 ? size : 1.0));
}

static void value_range(const double *c, size_t n, double *lo, double *hi)
{
    double a = HUGE_VAL, b = -HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        if (isfinite(c[i])) {
            if (c[i] < a) a = c[i];
            if (c[i] > b) b = c[i];
        }
    if (!(a <= b)) a = b = 0.0;
    *lo = a;
    *hi = b;
}

static int color_bin(double c, double lo, double hi)
{
    if (!isfinite(c)) return -1;
    if (!(hi > lo)) return N_COLOR_BINS / 2;
    int k = (int)((c - lo) / (hi - lo) * N_COLOR_BINS);
    return k < 0 ? 0 : k >= N_COLOR_BINS ? N_COLOR_BINS - 1 : k;
}

/* Points or line segments coloured by c: one draw call per colour bin (64
 * levels) instead of one per point keeps 30 000-point trajectories cheap. */
static void draw_colored(const frame *fr, const po_layer *l, bool as_line, PLFLT *bx, PLFLT *by)
{
    const double *x = l->a[0], *y = l->a[1], *c = l->a[2];
    double lo, hi;
    value_range(c, l->n, &lo, &hi);
    set_cmap1_viridis();
    plwidth(1.5 * fr->lw);
    plstyl(0, NULL, NULL);
    if (!as_line) {
        for (int b = 0; b < N_COLOR_BINS; b++) {
            size_t m = 0;
            for (size_t i = 0; i < l->n; i++) {
                double X = tx(x[i], fr->logx), Y = tx(y[i], fr->logy);
                if (color_bin(c[i], lo, hi) == b && isfinite(X) && isfinite(Y)) {
                    bx[m] = X;
                    by[m] = Y;
                    m++;
                }
            }
            if (m == 0) continue;
            plcol1((b + 0.5) / N_COLOR_BINS);
            fill_markers(fr, bx, by, m, 0.35 * fr->chr);
        }
        return;
    }
    /* Segment i -> i+1 takes the colour of c[i]; runs of one colour are one polyline. */
    size_t i = 0;
    while (i + 1 < l->n) {
        int b = color_bin(c[i], lo, hi);
        double X = tx(x[i], fr->logx), Y = tx(y[i], fr->logy);
        if (b < 0 || !isfinite(X) || !isfinite(Y)) {
            i++;
            continue;
        }
        bx[0] = X;
        by[0] = Y;
        size_t m = 1, j = i;
        while (j + 1 < l->n && color_bin(c[j], lo, hi) == b) {
            double Xn = tx(x[j + 1], fr->logx), Yn = tx(y[j + 1], fr->logy);
            if (!isfinite(Xn) || !isfinite(Yn)) break;
            bx[m] = Xn;
            by[m] = Yn;
            m++;
            j++;
        }
        if (m > 1) {
            plcol1((b + 0.5) / N_COLOR_BINS);
            plline((PLINT)m, bx, by);
        }
        i = j > i ? j : i + 1;
    }
}

/* Translucent polygon between lo and hi over each run of finite points. */
static void draw_band(const frame *fr, const po_layer *l, PLFLT *bx, PLFLT *by)
{
    const unsigned char *c = po_plot_rgb[l->style.color];
    plscol0a(CMAP0_BAND, c[0], c[1], c[2], 0.25);
    plcol0(CMAP0_BAND);
    const double *x = l->a[0], *lo = l->a[1], *hi = l->a[2];
    size_t n = l->n, start = 0;
    while (start < n) {
        size_t end = start;
        while (end < n && isfinite(tx(x[end], fr->logx)) && isfinite(tx(lo[end], fr->logy)) &&
               isfinite(tx(hi[end], fr->logy)))
            end++;
        size_t m = end - start;
        if (m >= 2) {
            for (size_t k = 0; k < m; k++) {
                bx[k] = tx(x[start + k], fr->logx);
                by[k] = tx(hi[start + k], fr->logy);
                bx[2 * m - 1 - k] = bx[k];
                by[2 * m - 1 - k] = tx(lo[start + k], fr->logy);
            }
            plfill((PLINT)(2 * m), bx, by);
        }
        start = end + 1;
    }
}

static void draw_shade(const frame *fr, const po_layer *l)
{
    size_t nx = l->n, ny = l->ny;
    const double *xs = l->a[0], *ys = l->a[1], *z = l->a[2];
    double lo, hi;
    value_range(z, nx * ny, &lo, &hi);
    if (!(hi > lo)) hi = lo + 1.0;
    PLFLT **cols = malloc(nx * sizeof *cols);
    PLFLT *buf = malloc(nx * ny * sizeof *buf);
    if (!cols || !buf) { /* a background is optional: draw the rest */
        free(cols);
        free(buf);
        return;
    }
    /* plimage wants idata[ix][iy]; NaN cells fall below the range and stay empty. */
    for (size_t i = 0; i < nx; i++) {
        cols[i] = buf + i * ny;
        for (size_t j = 0; j < ny; j++) {
            double v = z[j * nx + i];
            cols[i][j] = isfinite(v) ? v : lo - 1.0;
        }
    }
    double dx = (xs[nx - 1] - xs[0]) / (double)(nx - 1),
           dy = (ys[ny - 1] - ys[0]) / (double)(ny - 1);
    set_cmap1_shade();
    /* Cells are centred on the grid points. plimagefr (unlike plimage, whose
     * colours span the data's own min..max) maps [lo, hi] onto the colour map
     * and leaves the NaN cells, below zmin, empty; PLplot clips to the frame. */
    double x0 = tx(xs[0] - 0.5 * dx, fr->logx), x1 = tx(xs[nx - 1] + 0.5 * dx, fr->logx);
    double y0 = tx(ys[0] - 0.5 * dy, fr->logy), y1 = tx(ys[ny - 1] + 0.5 * dy, fr->logy);
    if (isfinite(x0) && isfinite(x1) && isfinite(y0) && isfinite(y1))
        plimagefr((PLFLT_MATRIX)cols, (PLINT)nx, (PLINT)ny, x0, x1, y0, y1, lo, hi, lo, hi, NULL,
                  NULL);
    free(buf);
    free(cols);
}

/* Arrows drawn as shaft + filled head in millimetre space so heads keep their
 * shape whatever the axis units. Scale 0: the longest arrow spans one cell of
 * a 12 x 12 grid of the panel (plot.h). */
static void draw_arrows(const frame *fr, const po_layer *l)
{
    const double *x = l->a[0], *y = l->a[1], *u = l->a[2], *v = l->a[3];
    double sx = fr->w_mm / (fr->wx1 - fr->wx0), sy = fr->h_mm / (fr->wy1 - fr->wy0);
    double scale = l->p[0];
    if (scale == 0.0) {
        double cx = (fr->wx1 - fr->wx0) / 12.0, cy = (fr->wy1 - fr->wy0) / 12.0, big = 0.0;
        for (size_t i = 0; i < l->n; i++) {
            double len = hypot(u[i] / cx, v[i] / cy);
            if (isfinite(len) && len > big) big = len;
        }
        if (!(big > 0.0)) return;
        scale = 1.0 / big;
    }
    set_style(fr, &l->style);
    plstyl(0, NULL, NULL);
    for (size_t i = 0; i < l->n; i++) {
        double dxm = scale * u[i] * sx, dym = scale * v[i] * sy, len = hypot(dxm, dym);
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(len) || len < 0.05 * fr->chr) continue;
        double ex = dxm / len, ey = dym / len;
        double head = fmin(0.4 * len, 0.6 * fr->chr), half = 0.35 * head;
        double tipx = x[i] + dxm / sx, tipy = y[i] + dym / sy;
        PLFLT lx[2] = {x[i], tipx - 0.8 * head * ex / sx},
              ly[2] = {y[i], tipy - 0.8 * head * ey / sy};
        plline(2, lx, ly);
        PLFLT hx[3] = {tipx, tipx + (-head * ex - half * ey) / sx,
                       tipx + (-head * ex + half * ey) / sx};
        PLFLT hy[3] = {tipy, tipy + (-head * ey + half * ex) / sy,
                       tipy + (-head * ey - half * ex) / sy};
        plfill(3, hx, hy);
    }
}

static void draw_circle(const frame *fr, const po_layer *l)
{
    enum { N = 241 };
    PLFLT cx[N], cy[N];
    for (int k = 0; k < N; k++) {
        double t = 2.0 * 3.14159265358979323846 * k / (N - 1);
        cx[k] = tx(l->p[0] + l->p[2] * cos(t), fr->logx);
        cy[k] = tx(l->p[1] + l->p[2] * sin(t), fr->logy);
    }
    set_style(fr, &l->style);
    plline(N, cx, cy);
}

static void draw_layer(const frame *fr, const po_layer *l, PLFLT *bx, PLFLT *by)
{
    switch (l->kind) {
    case PO_LAYER_SHADE: draw_shade(fr, l); break;
    case PO_LAYER_BAND: draw_band(fr, l, bx, by); break;
    case PO_LAYER_LINE:
        set_style(fr, &l->style);
        draw_line(fr, l->a[0], l->a[1], l->n, bx, by);
        if (l->style.marker > 0.0)
            draw_points(fr, l->a[0], l->a[1], l->n, l->style.marker, bx, by);
        break;
    case PO_LAYER_POINTS:
        set_style(fr, &l->style);
        draw_points(fr, l->a[0], l->a[1], l->n, l->style.marker, bx, by);
        break;
    case PO_LAYER_LINE_COLORED: draw_colored(fr, l, true, bx, by); break;
    case PO_LAYER_POINTS_COLORED: draw_colored(fr, l, false, bx, by); break;
    case PO_LAYER_ARROWS: draw_arrows(fr, l); break;
    case PO_LAYER_HLINE: {
        double Y = tx(l->p[0], fr->logy);
        if (!isfinite(Y)) break;
        PLFLT hx[2] = {fr->wx0, fr->wx1}, hy[2] = {Y, Y};
        set_style(fr, &l->style);
        plline(2, hx, hy);
        break;
    }
    case PO_LAYER_VLINE: {
        double X = tx(l->p[0], fr->logx);
        if (!isfinite(X)) break;
        PLFLT vx[2] = {X, X}, vy[2] = {fr->wy0, fr->wy1};
        set_style(fr, &l->style);
        plline(2, vx, vy);
        break;
    }
    case PO_LAYER_CIRCLE: draw_circle(fr, l); break;
    case PO_LAYER_TEXT: {
        double X = tx(l->p[0], fr->logx), Y = tx(l->p[1], fr->logy);
        if (!isfinite(X) || !isfinite(Y)) break;
        plcol0((PLINT)l->style.color + 1);
        plptex(X, Y, 1.0, 0.0, 0.0, l->text);
        break;
    }
    }
}

static size_t count_colorbars(const po_panel *p)
{
    size_t n = 0;
    for (size_t k = 0; k < p->n_layers; k++) {
        po_layer_kind kd = p->layers[k].kind;
        if ((kd == PO_LAYER_SHADE || kd == PO_LAYER_LINE_COLORED ||
             kd == PO_LAYER_POINTS_COLORED) &&
            p->layers[k].text)
            n++;
    }
    return n;
}

static void draw_colorbars(const frame *fr, const po_panel *p)
{
    size_t idx = 0;
    for (size_t k = 0; k < p->n_layers; k++) {
        const po_layer *l = &p->layers[k];
        bool shade = l->kind == PO_LAYER_SHADE;
        if (!l->text ||
            !(shade || l->kind == PO_LAYER_LINE_COLORED || l->kind == PO_LAYER_POINTS_COLORED))
            continue;
        double lo, hi;
        value_range(l->a[2], shade ? l->n * l->ny : l->n, &lo, &hi);
        if (!(hi > lo)) hi = lo + 1.0;
        if (shade)
            set_cmap1_shade();
        else
            set_cmap1_viridis();
        PLFLT w, h, vals[2] = {lo, hi};
        const PLFLT *valp[1] = {vals};
        PLINT label_opts[1] = {PL_COLORBAR_LABEL_RIGHT}, n_values[1] = {2}, sub[1] = {0};
        PLFLT ticks[1] = {0.0};
        const char *labels[1] = {l->text}, *axis_opts[1] = {"bcvtm"};
        double off = (1.0 + 7.5 * (double)idx) * fr->chr / fr->w_mm;
        plcol0(1);
        plwidth(1.0 * fr->lw);
        plstyl(0, NULL, NULL);
        plcolorbar(&w, &h, PL_COLORBAR_IMAGE,
                   PL_POSITION_RIGHT | PL_POSITION_OUTSIDE | PL_POSITION_VIEWPORT, off, 0.0,
                   1.2 * fr->chr / fr->w_mm, 1.0, 0, 1, 1, 0.0, 0.0, 0, 0.0, 1, label_opts, labels,
                   1, axis_opts, ticks, sub, n_values, valp);
        idx++;
    }
}

/* The legend goes in the inside corner holding the fewest data points. */
static PLINT legend_corner(const frame *fr, const po_panel *p)
{
    static const PLINT corners[4] = {
        PL_POSITION_TOP | PL_POSITION_RIGHT, PL_POSITION_TOP | PL_POSITION_LEFT,
        PL_POSITION_BOTTOM | PL_POSITION_RIGHT, PL_POSITION_BOTTOM | PL_POSITION_LEFT};
    size_t count[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < p->n_layers; k++) {
        const po_layer *l = &p->layers[k];
        if (l->kind == PO_LAYER_SHADE || l->kind == PO_LAYER_HLINE || l->kind == PO_LAYER_VLINE ||
            l->kind == PO_LAYER_CIRCLE)
            continue;
        bool text = l->kind == PO_LAYER_TEXT;
        const double *xs = text ? &l->p[0] : l->a[0];
        const double *ys = text ? &l->p[1] : l->kind == PO_LAYER_BAND ? l->a[2] : l->a[1];
        size_t n = text ? 1 : l->n;
        for (size_t i = 0; i < n; i++) {
            double fx = (tx(xs[i], fr->logx) - fr->wx0) / (fr->wx1 - fr->wx0);
            double fy = (tx(ys[i], fr->logy) - fr->wy0) / (fr->wy1 - fr->wy0);
            if (!isfinite(fx) || !isfinite(fy)) continue;
            bool right = fx > 0.6, left = fx<0.4, top = fy> 0.65, bottom = fy < 0.35;
            if (top && right) count[0]++;
            if (top && left) count[1]++;
            if (bottom && right) count[2]++;
            if (bottom && left) count[3]++;
        }
    }
    size_t best = 0;
    for (size_t c = 1; c < 4; c++)
        if (count[c] < count[best]) best = c;
    return corners[best];
}

static void draw_legend(const frame *fr, const po_panel *p)
{
    enum { MAXL = 32 };
    PLINT opt[MAXL], tcol[MAXL], bcol[MAXL], bpat[MAXL], lcol[MAXL], lsty[MAXL], scol[MAXL],
        snum[MAXL];
    PLFLT bscale[MAXL], bwidth[MAXL], lwid[MAXL], sscale[MAXL];
    const char *text[MAXL], *sym[MAXL];
    PLINT n = 0;
    for (size_t k = 0; k < p->n_layers && n < MAXL; k++) {
        const po_layer *l = &p->layers[k];
        if (!l->label) continue;
        PLINT c = (PLINT)l->style.color + 1;
        tcol[n] = 1;
        text[n] = l->label;
        bcol[n] = c;
        bpat[n] = 0;
        bscale[n] = 0.8;
        bwidth[n] = 1.0;
        lcol[n] = c;
        lsty[n] = l->style.dashed ? 3 : 1;
        lwid[n] = l->style.width * fr->lw;
        scol[n] = c;
        sscale[n] = 0.55 * (l->style.marker > 0.0 ? l->style.marker : 1.0);
        snum[n] = 1;
        sym[n] = "●";
        switch (l->kind) {
        case PO_LAYER_BAND: opt[n] = PL_LEGEND_COLOR_BOX; break;
        case PO_LAYER_POINTS: opt[n] = PL_LEGEND_SYMBOL; break;
        case PO_LAYER_LINE:
            opt[n] = PL_LEGEND_LINE | (l->style.marker > 0.0 ? PL_LEGEND_SYMBOL : 0);
            break;
        case PO_LAYER_HLINE:
        case PO_LAYER_VLINE:
        case PO_LAYER_CIRCLE:
        case PO_LAYER_ARROWS: opt[n] = PL_LEGEND_LINE; break;
        default: continue;
        }
        n++;
    }
    if (n == 0) return;
    PLFLT w, h;
    plstyl(0, NULL, NULL);
    plwidth(1.0 * fr->lw);
    pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_INSIDE | PL_POSITION_VIEWPORT | legend_corner(fr, p), 0.02, 0.03,
             2.5 * fr->chr / fr->w_mm, 0, CMAP0_FRAME, 1, 0, 1, n, opt, 0.8, 0.85, 1.8, 0.0, tcol,
             text, bcol, bpat, bscale, bwidth, lcol, lsty, lwid, scol, sscale, snum, sym);
}

/* A log axis spanning fewer decades than this shows at most one power of
 * ten, so its labels are written at 1-2-5 steps instead (log_labels). */
#define SHORT_DECADES 1.5

/* Labels at v = m 10^k, m in {1, 2, 5} (every m when under half a decade),
 * for a log axis of world range [w0, w1] (log10 units) on side "b" or "l". */
static void log_labels(const char *side, double w0, double w1)
{
    static const double all[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, few[] = {1, 2, 5};
    bool dense = w1 - w0 < 0.5;
    const double *mant = dense ? all : few;
    size_t nm = dense ? 9 : 3;
    for (int k = (int)floor(w0) - 1; k <= (int)ceil(w1); k++)
        for (size_t i = 0; i < nm; i++) {
            double v = mant[i] * pow(10.0, k), pos = (log10(v) - w0) / (w1 - w0);
            if (pos < -1e-9 || pos > 1.0 + 1e-9) continue;
            char buf[32];
            snprintf(buf, sizeof buf, "%g", v);
            plmtex(side, side[0] == 'b' ? 1.6 : 0.8, pos, 0.5, buf);
        }
}

/* Layout constants in character heights. */
#define MARGIN_LEFT 5.6
#define MARGIN_BOTTOM 4.4
#define MARGIN_TOP_TITLE 2.4
#define MARGIN_TOP 1.2
#define MARGIN_RIGHT 1.8
#define COLORBAR_WIDTH 7.5

static void draw_panel(const po_panel *p, double x0, double ytop, double cw, double ch, double pw,
                       double ph, double chr, double lw, PLFLT *bx, PLFLT *by)
{
    const po_axes *ax = &p->axes;
    double left = MARGIN_LEFT * chr, bottom = MARGIN_BOTTOM * chr;
    double top = (ax->title ? MARGIN_TOP_TITLE : MARGIN_TOP) * chr;
    double right = MARGIN_RIGHT * chr + COLORBAR_WIDTH * chr * (double)count_colorbars(p);
    frame fr = {.chr = chr, .lw = lw, .logx = ax->logx, .logy = ax->logy};
    fr.w_mm = cw - left - right;
    fr.h_mm = ch - top - bottom;
    if (fr.w_mm < chr || fr.h_mm < chr) return; /* too small to draw anything legible */
    /* A shaded grid is a background that should fill the frame: no margin. */
    double margin = 0.05, lo, hi;
    for (size_t k = 0; k < p->n_layers; k++)
        if (p->layers[k].kind == PO_LAYER_SHADE) margin = 0.0;
    po_plot_data_range(p, true, ax->logx, &lo, &hi);
    po_plot_axis_limits(lo, hi, ax->xmin, ax->xmax, ax->logx, margin, &fr.wx0, &fr.wx1);
    po_plot_data_range(p, false, ax->logy, &lo, &hi);
    po_plot_axis_limits(lo, hi, ax->ymin, ax->ymax, ax->logy, margin, &fr.wy0, &fr.wy1);
    if (ax->logx) {
        fr.wx0 = log10(fr.wx0);
        fr.wx1 = log10(fr.wx1);
    }
    if (ax->logy) {
        fr.wy0 = log10(fr.wy0);
        fr.wy1 = log10(fr.wy1);
    }
    if (ax->equal_aspect)
        po_plot_equal_aspect(&fr.wx0, &fr.wx1, &fr.wy0, &fr.wy1, fr.w_mm, fr.h_mm);

    plvpor((x0 + left) / pw, (x0 + cw - right) / pw, (ytop - ch + bottom) / ph, (ytop - top) / ph);
    plwind(fr.wx0, fr.wx1, fr.wy0, fr.wy1);
    for (size_t k = 0; k < p->n_layers; k++) draw_layer(&fr, &p->layers[k], bx, by);

    plcol0(1);
    plwidth(1.0 * lw);
    plstyl(0, NULL, NULL);
    /* Up to 6 digits are written out, so a scale factor "(x10^4)", which
     * PLplot puts beyond the axis end and the page edge, is rare. */
    plsxax(6, 0);
    plsyax(6, 0);
    bool short_x = ax->logx && fr.wx1 - fr.wx0 < SHORT_DECADES;
    bool short_y = ax->logy && fr.wy1 - fr.wy0 < SHORT_DECADES;
    plbox(ax->logx ? (short_x ? "bcstl" : "bcnstl") : "bcnst", 0.0, 0,
          ax->logy ? (short_y ? "bcstl" : "bcnstl") : "bcnst", 0.0, 0);
    if (short_x) log_labels("b", fr.wx0, fr.wx1);
    if (short_y) log_labels("l", fr.wy0, fr.wy1);
    if (ax->xlabel) plmtex("b", 3.0, 0.5, 0.5, ax->xlabel);
    /* Log tick labels (10 with a superscript) stand further out. */
    if (ax->ylabel) plmtex("l", ax->logy ? 4.0 : 3.4, 0.5, 0.5, ax->ylabel);
    if (ax->title) {
        plschr(0.0, 1.1);
        plmtex("t", 0.9, 0.5, 0.5, ax->title);
        plschr(0.0, 1.0);
    }
    if (ax->legend) draw_legend(&fr, p);
    draw_colorbars(&fr, p);
}

po_status po_plot_render(const po_figure *f)
{
    size_t maxn = 1;
    for (size_t k = 0; k < f->rows * f->cols; k++)
        for (size_t i = 0; i < f->panels[k].n_layers; i++) {
            size_t n = f->panels[k].layers[i].n;
            if (2 * n > maxn) maxn = 2 * n;
        }
    PLFLT *bx = malloc(maxn * sizeof *bx), *by = malloc(maxn * sizeof *by);
    if (!bx || !by) {
        free(bx);
        free(by);
        return po_error(PO_ENOMEM, "figure: cannot allocate drawing buffers");
    }
    pladv(0);
    PLFLT px0, px1, py0, py1;
    plgspa(&px0, &px1, &py0, &py1);
    double pw = px1 - px0, ph = py1 - py0;
    double cw0 = pw / (double)f->cols, ch0 = ph / (double)f->rows;
    /* Text height follows the panel size (about 1/36 of its smaller side) so a
     * 2 x 3 grid at 1600 x 1000 px and a single panel both read well. */
    double chr = 0.028 * fmin(cw0, ch0);
    double lw = chr / 3.0;
    plschr(chr, 1.0);
    double title_h = f->title ? 2.6 * chr : 0.0;
    double cw = cw0, ch = (ph - title_h) / (double)f->rows;
    for (size_t r = 0; r < f->rows; r++)
        for (size_t c = 0; c < f->cols; c++) {
            const po_panel *p = &f->panels[r * f->cols + c];
            if (p->used)
                draw_panel(p, (double)c * cw, ph - title_h - (double)r * ch, cw, ch, pw, ph, chr,
                           lw, bx, by);
        }
    if (f->title) {
        plvpor(0.0, 1.0, 0.0, 1.0);
        plwind(0.0, 1.0, 0.0, 1.0);
        plcol0(1);
        plschr(0.0, 1.25);
        plptex(0.5, 1.0 - 1.5 * chr / ph, 1.0, 0.0, 0.5, f->title);
        plschr(0.0, 1.0);
    }
    free(bx);
    free(by);
    return PO_OK;
}
