/* Figures, panels and layer storage (plot.h). No PLplot here: layers are
 * copies of the caller's data, drawn only by po_figure_save. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_internal.h"

po_color po_color_cycle(size_t i)
{
    /* Black, red and blue are reserved for the reference, teacher and student
     * roles (SPEC.md §5), so families of curves cycle through the others
     * first, then those. */
    static const po_color cycle[] = {PO_COLOR_BLUE, PO_COLOR_ORANGE, PO_COLOR_GREEN,
                                     PO_COLOR_RED,  PO_COLOR_PURPLE, PO_COLOR_BROWN,
                                     PO_COLOR_CYAN, PO_COLOR_GREY,   PO_COLOR_BLACK};
    return cycle[i % (sizeof cycle / sizeof cycle[0])];
}

po_style po_style_defaults(void)
{
    po_style s = {
        .color = PO_COLOR_BLACK, .width = 1.5, .dashed = false, .marker = 0.0, .label = NULL};
    return s;
}

po_axes po_axes_defaults(void)
{
    po_axes a = {.title = NULL,
                 .xlabel = NULL,
                 .ylabel = NULL,
                 .xmin = (double)NAN,
                 .xmax = (double)NAN,
                 .ymin = (double)NAN,
                 .ymax = (double)NAN,
                 .logx = false,
                 .logy = false,
                 .equal_aspect = false,
                 .legend = false};
    return a;
}

/* strdup is POSIX 2008 but not C11; NULL stays NULL. *ok turns false on ENOMEM. */
static char *dup_str(const char *s, bool *ok)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        *ok = false;
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

static void panel_strings_clear(po_panel *p)
{
    for (size_t k = 0; k < 3; k++) {
        free(p->own[k]);
        p->own[k] = NULL;
    }
    p->axes.title = p->axes.xlabel = p->axes.ylabel = NULL;
}

static void layer_clear(po_layer *l)
{
    free(l->a[0]);
    free(l->label);
    free(l->text);
}

po_status po_figure_alloc(size_t rows, size_t cols, int width, int height, const char *title,
                          po_figure **out)
{
    *out = NULL;
    if (rows == 0 || cols == 0 || rows > 64 || cols > 64)
        return po_error(PO_EINVAL, "figure: %zu x %zu panels, need 1 to 64 of each", rows, cols);
    if (width < 64 || height < 64 || width > 20000 || height > 20000)
        return po_error(PO_EINVAL, "figure: size %d x %d pixels, need 64 to 20000 each", width,
                        height);
    po_figure *f = calloc(1, sizeof *f);
    bool ok = f != NULL;
    if (ok) {
        f->rows = rows;
        f->cols = cols;
        f->width = width;
        f->height = height;
        f->panels = calloc(rows * cols, sizeof *f->panels);
        ok = f->panels != NULL;
        f->title = dup_str(title, &ok);
    }
    if (!ok) {
        po_figure_free(f);
        return po_error(PO_ENOMEM, "figure: cannot allocate %zu x %zu panels", rows, cols);
    }
    *out = f;
    return PO_OK;
}

void po_figure_free(po_figure *f)
{
    if (!f) return;
    if (f->panels) {
        for (size_t k = 0; k < f->rows * f->cols; k++) {
            po_panel *p = &f->panels[k];
            for (size_t i = 0; i < p->n_layers; i++) layer_clear(&p->layers[i]);
            free(p->layers);
            panel_strings_clear(p);
        }
    }
    free(f->panels);
    free(f->title);
    free(f);
}

po_panel *po_figure_panel(po_figure *f, size_t row, size_t col, const po_axes *axes)
{
    if (!f || row >= f->rows || col >= f->cols) return NULL;
    po_panel *p = &f->panels[row * f->cols + col];
    po_axes a = axes ? *axes : po_axes_defaults();
    bool ok = true;
    char *title = dup_str(a.title, &ok), *xl = dup_str(a.xlabel, &ok),
         *yl = dup_str(a.ylabel, &ok);
    if (!ok) {
        free(title);
        free(xl);
        free(yl);
        po_error(PO_ENOMEM, "figure panel: cannot copy the axis labels");
        return NULL;
    }
    panel_strings_clear(p);
    p->own[0] = title;
    p->own[1] = xl;
    p->own[2] = yl;
    p->axes = a;
    p->axes.title = title;
    p->axes.xlabel = xl;
    p->axes.ylabel = yl;
    p->used = true;
    return p;
}

/* Append a layer with `narr` arrays of the given lengths, copied from src
 * (entries may be NULL: left zero). Returns the layer or NULL (PO_ENOMEM set). */
static po_layer *add_layer(po_panel *p, po_layer_kind kind, size_t narr, const size_t *len,
                           const double *const *src, const po_style *s, const char *text)
{
    if (p->n_layers == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        po_layer *l = realloc(p->layers, cap * sizeof *l);
        if (!l) {
            po_error(PO_ENOMEM, "figure: cannot add a layer");
            return NULL;
        }
        p->layers = l;
        p->cap = cap;
    }
    po_layer l = {.kind = kind, .n = narr > 0 ? len[0] : 0, .style = s ? *s : po_style_defaults()};
    size_t total = 1;
    for (size_t k = 0; k < narr; k++) {
        if (len[k] > (SIZE_MAX / sizeof(double)) - total) {
            po_error(PO_ENOMEM, "figure: layer too large");
            return NULL;
        }
        total += len[k];
    }
    bool ok = true;
    l.a[0] = malloc(total * sizeof(double));
    ok = l.a[0] != NULL;
    l.label = dup_str(l.style.label, &ok);
    l.style.label = l.label;
    l.text = dup_str(text, &ok);
    if (!ok) {
        layer_clear(&l);
        po_error(PO_ENOMEM, "figure: cannot copy %zu values of a layer", total);
        return NULL;
    }
    size_t off = 0;
    for (size_t k = 0; k < narr; k++) {
        l.a[k] = l.a[0] + off;
        if (src[k]) memcpy(l.a[k], src[k], len[k] * sizeof(double));
        off += len[k];
    }
    p->layers[p->n_layers] = l;
    return &p->layers[p->n_layers++];
}

static po_status check_series(const po_panel *p, const char *what, size_t n, size_t narr,
                              const double *const *arr)
{
    if (!p) return po_error(PO_EINVAL, "figure %s: NULL panel", what);
    if (n == 0) return po_error(PO_EINVAL, "figure %s: no data (n = 0)", what);
    for (size_t k = 0; k < narr; k++)
        if (!arr[k]) return po_error(PO_EINVAL, "figure %s: NULL data array", what);
    return PO_OK;
}

static po_status add_series(po_panel *p, po_layer_kind kind, const char *what, size_t n,
                            size_t narr, const double *const *arr, const po_style *s,
                            const char *text)
{
    po_status st = check_series(p, what, n, narr, arr);
    if (st != PO_OK) return st;
    size_t len[4] = {n, n, n, n};
    return add_layer(p, kind, narr, len, arr, s, text) ? PO_OK : PO_ENOMEM;
}

po_status po_panel_line(po_panel *p, const double *x, const double *y, size_t n, const po_style *s)
{
    const double *arr[] = {x, y};
    return add_series(p, PO_LAYER_LINE, "line", n, 2, arr, s, NULL);
}

po_status po_panel_points(po_panel *p, const double *x, const double *y, size_t n,
                          const po_style *s)
{
    const double *arr[] = {x, y};
    return add_series(p, PO_LAYER_POINTS, "points", n, 2, arr, s, NULL);
}

po_status po_panel_band(po_panel *p, const double *x, const double *lo, const double *hi, size_t n,
                        const po_style *s)
{
    const double *arr[] = {x, lo, hi};
    return add_series(p, PO_LAYER_BAND, "band", n, 3, arr, s, NULL);
}

po_status po_panel_points_colored(po_panel *p, const double *x, const double *y, const double *c,
                                  size_t n, const char *cbar_label)
{
    const double *arr[] = {x, y, c};
    return add_series(p, PO_LAYER_POINTS_COLORED, "coloured points", n, 3, arr, NULL, cbar_label);
}

po_status po_panel_line_colored(po_panel *p, const double *x, const double *y, const double *c,
                                size_t n, const char *cbar_label)
{
    const double *arr[] = {x, y, c};
    return add_series(p, PO_LAYER_LINE_COLORED, "coloured line", n, 3, arr, NULL, cbar_label);
}

po_status po_panel_shade(po_panel *p, const double *xs, size_t nx, const double *ys, size_t ny,
                         const double *z, const char *cbar_label)
{
    if (!p) return po_error(PO_EINVAL, "figure shade: NULL panel");
    if (nx < 2 || ny < 2)
        return po_error(PO_EINVAL, "figure shade: grid %zu x %zu, need at least 2 x 2", nx, ny);
    if (!xs || !ys || !z) return po_error(PO_EINVAL, "figure shade: NULL data array");
    if (nx > SIZE_MAX / sizeof(double) / ny)
        return po_error(PO_ENOMEM, "figure shade: grid %zu x %zu too large", nx, ny);
    size_t len[3] = {nx, ny, nx * ny};
    const double *arr[] = {xs, ys, z};
    po_layer *l = add_layer(p, PO_LAYER_SHADE, 3, len, arr, NULL, cbar_label);
    if (!l) return PO_ENOMEM;
    l->n = nx;
    l->ny = ny;
    return PO_OK;
}

po_status po_panel_arrows(po_panel *p, const double *x, const double *y, const double *u,
                          const double *v, size_t n, double scale, const po_style *s)
{
    if (!(scale >= 0.0) || !isfinite(scale))
        return po_error(PO_EINVAL, "figure arrows: scale %g, need a finite value >= 0", scale);
    const double *arr[] = {x, y, u, v};
    po_status st = add_series(p, PO_LAYER_ARROWS, "arrows", n, 4, arr, s, NULL);
    if (st == PO_OK) p->layers[p->n_layers - 1].p[0] = scale;
    return st;
}

static po_status add_scalar(po_panel *p, po_layer_kind kind, const char *what, double p0,
                            double p1, double p2, const po_style *s, const char *text)
{
    if (!p) return po_error(PO_EINVAL, "figure %s: NULL panel", what);
    if (!isfinite(p0) || !isfinite(p1) || !isfinite(p2))
        return po_error(PO_EINVAL, "figure %s: non-finite position", what);
    po_layer *l = add_layer(p, kind, 0, NULL, NULL, s, text);
    if (!l) return PO_ENOMEM;
    l->p[0] = p0;
    l->p[1] = p1;
    l->p[2] = p2;
    return PO_OK;
}

po_status po_panel_hline(po_panel *p, double y, const po_style *s)
{
    return add_scalar(p, PO_LAYER_HLINE, "hline", y, 0.0, 0.0, s, NULL);
}

po_status po_panel_vline(po_panel *p, double x, const po_style *s)
{
    return add_scalar(p, PO_LAYER_VLINE, "vline", x, 0.0, 0.0, s, NULL);
}

po_status po_panel_circle(po_panel *p, double cx, double cy, double r, const po_style *s)
{
    if (!(r > 0.0)) return po_error(PO_EINVAL, "figure circle: radius %g, need > 0", r);
    return add_scalar(p, PO_LAYER_CIRCLE, "circle", cx, cy, r, s, NULL);
}

po_status po_panel_text(po_panel *p, double x, double y, const char *text, const po_style *s)
{
    if (!text) return po_error(PO_EINVAL, "figure text: NULL text");
    return add_scalar(p, PO_LAYER_TEXT, "text", x, y, 0.0, s, text);
}
