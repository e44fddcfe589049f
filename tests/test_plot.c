/* Tests for the figures (plot.h): limits logic, storage, error paths and the
 * files written in each format. The look of the figures is checked by eye on
 * the output of examples/plot_gallery. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "plot/plot_internal.h"

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Number of entries in the scratch directory whose name starts with prefix. */
static size_t count_prefixed(const char *prefix)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", po_test_tmp(""));
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    closedir(d);
    return n;
}

static void test_color_cycle(void)
{
    bool seen[PO_COLOR_COUNT_] = {false};
    for (size_t i = 0; i < PO_COLOR_COUNT_; i++) {
        po_color c = po_color_cycle(i);
        CHECK((int)c >= 0 && c < PO_COLOR_COUNT_);
        CHECK(!seen[c]); /* one period visits every colour once */
        seen[c] = true;
        CHECK(po_color_cycle(i + PO_COLOR_COUNT_) == c);
    }
    /* Families start away from black (reference lines). */
    CHECK(po_color_cycle(0) != PO_COLOR_BLACK);
    CHECK(po_color_cycle(1) != PO_COLOR_BLACK);
}

static void test_defaults(void)
{
    po_style s = po_style_defaults();
    CHECK(s.color == PO_COLOR_BLACK && s.width == 1.5 && !s.dashed && s.marker == 0.0 &&
          s.label == NULL);
    po_axes a = po_axes_defaults();
    CHECK(isnan(a.xmin) && isnan(a.xmax) && isnan(a.ymin) && isnan(a.ymax));
    CHECK(!a.logx && !a.logy && !a.equal_aspect && !a.legend && !a.title);
}

static void test_axis_limits(void)
{
    double lo, hi;
    /* 5% margin of the span on each side. */
    po_plot_axis_limits(0.0, 10.0, (double)NAN, (double)NAN, false, 0.05, &lo, &hi);
    CHECK_CLOSE(lo, -0.5, 0, 1e-15);
    CHECK_CLOSE(hi, 10.5, 0, 1e-15);
    /* Fixed ends win; the free end keeps its margin. */
    po_plot_axis_limits(0.0, 10.0, -2.0, (double)NAN, false, 0.05, &lo, &hi);
    CHECK(lo == -2.0);
    CHECK_CLOSE(hi, 10.5, 0, 1e-15);
    po_plot_axis_limits(0.0, 10.0, 1.0, 3.0, false, 0.05, &lo, &hi);
    CHECK(lo == 1.0 && hi == 3.0);
    /* Log axes: margins in decades. */
    po_plot_axis_limits(1e-2, 1.0, (double)NAN, (double)NAN, true, 0.05, &lo, &hi);
    CHECK_CLOSE(log10(lo), -2.1, 0, 1e-12);
    CHECK_CLOSE(log10(hi), 0.1, 0, 1e-12);
    /* Non-positive fixed limits are ignored on a log axis. */
    po_plot_axis_limits(1.0, 100.0, 0.0, (double)NAN, true, 0.05, &lo, &hi);
    CHECK_CLOSE(log10(lo), -0.1, 0, 1e-12);
    /* A single value: +-5% of itself, +-0.5 at zero, half a decade on log axes. */
    po_plot_axis_limits(4.0, 4.0, (double)NAN, (double)NAN, false, 0.05, &lo, &hi);
    CHECK_CLOSE(lo, 3.8, 0, 1e-14);
    CHECK_CLOSE(hi, 4.2, 0, 1e-14);
    po_plot_axis_limits(0.0, 0.0, (double)NAN, (double)NAN, false, 0.05, &lo, &hi);
    CHECK(lo == -0.5 && hi == 0.5);
    po_plot_axis_limits(10.0, 10.0, (double)NAN, (double)NAN, true, 0.05, &lo, &hi);
    CHECK_CLOSE(log10(lo), 0.5, 0, 1e-12);
    CHECK_CLOSE(log10(hi), 1.5, 0, 1e-12);
    /* No data. */
    po_plot_axis_limits((double)INFINITY, -(double)INFINITY, (double)NAN, (double)NAN, false, 0.05,
                        &lo, &hi);
    CHECK(lo == 0.0 && hi == 1.0);
    po_plot_axis_limits((double)INFINITY, -(double)INFINITY, (double)NAN, (double)NAN, true, 0.05,
                        &lo, &hi);
    CHECK_CLOSE(lo, 1.0, 1e-15, 0);
    CHECK_CLOSE(hi, 10.0, 1e-15, 0);
    /* A fixed end beyond the data keeps a unit span; reversed fixed limits are repaired. */
    po_plot_axis_limits(0.0, 1.0, 5.0, (double)NAN, false, 0.05, &lo, &hi);
    CHECK(lo == 5.0 && hi == 6.0);
    po_plot_axis_limits(0.0, 1.0, (double)NAN, -3.0, false, 0.05, &lo, &hi);
    CHECK(lo == -4.0 && hi == -3.0);
    po_plot_axis_limits(0.0, 1.0, 2.0, 2.0, false, 0.05, &lo, &hi);
    CHECK(lo == 1.5 && hi == 2.5);
    /* No margin (shaded backgrounds). */
    po_plot_axis_limits(-1.0, 1.0, (double)NAN, (double)NAN, false, 0.0, &lo, &hi);
    CHECK(lo == -1.0 && hi == 1.0);
}

static void test_equal_aspect(void)
{
    /* 2 units over 100 mm in x, 1 unit over 50 mm in y: already equal. */
    double x0 = 0, x1 = 2, y0 = 0, y1 = 1;
    po_plot_equal_aspect(&x0, &x1, &y0, &y1, 100.0, 50.0);
    CHECK(x0 == 0 && x1 == 2 && y0 == 0 && y1 == 1);
    /* A square range in a wide frame: x widens about its centre. */
    x0 = -1, x1 = 1, y0 = -1, y1 = 1;
    po_plot_equal_aspect(&x0, &x1, &y0, &y1, 200.0, 100.0);
    CHECK_CLOSE(x0, -2.0, 0, 1e-15);
    CHECK_CLOSE(x1, 2.0, 0, 1e-15);
    CHECK(y0 == -1 && y1 == 1);
    CHECK_CLOSE((x1 - x0) / 200.0, (y1 - y0) / 100.0, 1e-15, 0);
    /* A tall frame: y widens. */
    x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    po_plot_equal_aspect(&x0, &x1, &y0, &y1, 50.0, 100.0);
    CHECK(x0 == 0 && x1 == 1);
    CHECK_CLOSE(y0, -0.5, 0, 1e-15);
    CHECK_CLOSE(y1, 1.5, 0, 1e-15);
}

static void test_data_range_skips_nonfinite(void)
{
    po_figure *f = NULL;
    CHECK_OK(po_figure_alloc(1, 1, 400, 300, NULL, &f));
    if (!f) return;
    po_panel *p = po_figure_panel(f, 0, 0, NULL);
    double x[5] = {1.0, (double)NAN, 3.0, (double)INFINITY, -2.0},
           y[5] = {0.5, 7.0, -1.0, 2.0, 100.0};
    CHECK_OK(po_panel_line(p, x, y, 5, NULL));
    CHECK_OK(po_panel_hline(p, 9.0, NULL));
    double lo, hi;
    po_plot_data_range(p, true, false, &lo, &hi);
    CHECK(lo == -2.0 && hi == 3.0);
    po_plot_data_range(p, false, false, &lo, &hi);
    CHECK(lo == -1.0 && hi == 100.0);
    /* Log axes drop non-positive values. */
    po_plot_data_range(p, true, true, &lo, &hi);
    CHECK(lo == 1.0 && hi == 3.0);
    po_plot_data_range(p, false, true, &lo, &hi);
    CHECK(lo == 0.5 && hi == 100.0);
    /* Data were copied: changing the caller's array changes nothing. */
    x[0] = -50.0;
    po_plot_data_range(p, true, false, &lo, &hi);
    CHECK(lo == -2.0);
    /* The figure still saves, NaN and all. */
    CHECK_OK(po_figure_save(f, po_test_tmp("nan.png")));
    CHECK(file_exists(po_test_tmp("nan.png")));
    po_figure_free(f);
}

static void test_layer_errors(void)
{
    po_figure *f = NULL;
    CHECK_STATUS(po_figure_alloc(0, 1, 400, 300, NULL, &f), PO_EINVAL);
    CHECK(f == NULL);
    CHECK_STATUS(po_figure_alloc(1, 1, 10, 300, NULL, &f), PO_EINVAL);
    CHECK_OK(po_figure_alloc(2, 2, 400, 300, "t", &f));
    if (!f) return;
    CHECK(po_figure_panel(f, 2, 0, NULL) == NULL);
    CHECK(po_figure_panel(f, 0, 2, NULL) == NULL);
    po_panel *p = po_figure_panel(f, 1, 1, NULL);
    CHECK(p != NULL);
    CHECK(po_figure_panel(f, 1, 1, NULL) == p); /* same cell, same panel */
    double x[3] = {1, 2, 3};
    CHECK_STATUS(po_panel_line(p, x, x, 0, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_line(p, NULL, x, 3, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_line(NULL, x, x, 3, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_points(p, x, NULL, 3, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_band(p, x, x, NULL, 3, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_points_colored(p, x, x, NULL, 3, "c"), PO_EINVAL);
    CHECK_STATUS(po_panel_line_colored(p, x, x, x, 0, "c"), PO_EINVAL);
    CHECK_STATUS(po_panel_shade(p, x, 1, x, 3, x, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_shade(p, x, 3, x, 3, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_arrows(p, x, x, x, x, 3, -1.0, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_arrows(p, x, x, x, x, 3, (double)NAN, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_circle(p, 0, 0, 0.0, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_hline(p, (double)NAN, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_text(p, 0, 0, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_panel_eigenvalues(p, NULL, x, 3, NULL, NULL, 0), PO_EINVAL);
    CHECK_STATUS(po_panel_eigenvalues(NULL, NULL, NULL, 0, NULL, NULL, 0), PO_EINVAL);
    CHECK(p->n_layers == 0); /* failed calls add nothing */
    CHECK_STATUS(po_figure_save(f, NULL), PO_EINVAL);
    CHECK_STATUS(po_figure_save(NULL, "x.png"), PO_EINVAL);
    po_figure_free(f);
    po_figure_free(NULL);
}

/* A small figure with text in every place: title, labels, legend, colour bar. */
static po_figure *small_figure(void)
{
    po_figure *f = NULL;
    if (po_figure_alloc(1, 2, 900, 400, "Small figure", &f) != PO_OK) return NULL;
    po_axes ax = po_axes_defaults();
    ax.xlabel = "time step";
    ax.ylabel = "rate & <drive>";
    ax.legend = true;
    po_panel *p = po_figure_panel(f, 0, 0, &ax);
    double x[50], y[50], c[50];
    for (size_t i = 0; i < 50; i++) {
        x[i] = (double)i;
        y[i] = sin(0.2 * (double)i);
        c[i] = (double)i / 50.0;
    }
    po_style s = po_style_defaults();
    s.label = "teacher";
    s.color = PO_COLOR_RED;
    bool ok = po_panel_line(p, x, y, 50, &s) == PO_OK;
    ax = po_axes_defaults();
    ax.title = "Eigenvalues";
    p = po_figure_panel(f, 0, 1, &ax);
    ok = ok && po_panel_eigenvalues(p, y, c, 50, c, y, 50) == PO_OK;
    ok = ok && po_panel_points_colored(p, c, y, c, 50, "t / T") == PO_OK;
    if (!ok) {
        po_figure_free(f);
        return NULL;
    }
    return f;
}

static void test_save_formats(void)
{
    po_figure *f = small_figure();
    CHECK(f != NULL);
    if (!f) return;
    char png[4096], svg[4096], pdf[4096]; /* po_test_tmp returns a static buffer */
    snprintf(png, sizeof png, "%s", po_test_tmp("fig.png"));
    snprintf(svg, sizeof svg, "%s", po_test_tmp("fig.svg"));
    snprintf(pdf, sizeof pdf, "%s", po_test_tmp("fig.pdf"));
    CHECK_OK(po_figure_save(f, png));
    CHECK_OK(po_figure_save(f, svg));
    CHECK_OK(po_figure_save(f, pdf));
    CHECK_OK(po_figure_save(f, png)); /* overwrite */
    po_figure_free(f);
    size_t n = 0;
    char *b = po_test_slurp(png, &n);
    CHECK(b && n > 24 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
    if (b && n > 24) { /* IHDR: width and height, big-endian, at bytes 16..23 */
        const unsigned char *u = (const unsigned char *)b;
        unsigned long w = (unsigned long)u[16] << 24 | (unsigned long)u[17] << 16 |
                          (unsigned long)u[18] << 8 | u[19];
        unsigned long h = (unsigned long)u[20] << 24 | (unsigned long)u[21] << 16 |
                          (unsigned long)u[22] << 8 | u[23];
        CHECK(w == 900 && h == 400);
    }
    free(b);
    b = po_test_slurp(svg, &n);
    CHECK(b && strstr(b, "<svg") != NULL);
    /* The words of the figure, XML-escaped, in the accessible description. */
    CHECK(b && strstr(b, "<title>Small figure</title>") != NULL);
    CHECK(b && strstr(b, "x: time step;") != NULL);
    CHECK(b && strstr(b, "y: rate &amp; &lt;drive&gt;;") != NULL);
    CHECK(b && strstr(b, "x: Re λ; y: Im λ;") != NULL);
    CHECK(b && strstr(b, "legend: teacher;") != NULL);
    CHECK(b && strstr(b, "colour bar: t / T;") != NULL);
    free(b);
    b = po_test_slurp(pdf, &n);
    CHECK(b && n > 4 && memcmp(b, "%PDF", 4) == 0);
    free(b);
    CHECK(count_prefixed("fig.") == 3); /* no temporary files left behind */
}

static void test_save_errors_leave_nothing(void)
{
    po_figure *f = small_figure();
    CHECK(f != NULL);
    if (!f) return;
    CHECK_STATUS(po_figure_save(f, po_test_tmp("bad.jpg")), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "extension") != NULL);
    CHECK_STATUS(po_figure_save(f, po_test_tmp("noext")), PO_EINVAL);
    CHECK_STATUS(po_figure_save(f, po_test_tmp(".png")), PO_EINVAL);
    CHECK_STATUS(po_figure_save(f, po_test_tmp("missing_dir/fig.png")), PO_EIO);
    CHECK(strstr(po_errmsg(), "missing_dir/fig.png") != NULL);
    CHECK_STATUS(po_figure_save(f, "/proc/partobs_no_such_place/fig.svg"), PO_EIO);
    CHECK(count_prefixed("bad") == 0 && count_prefixed("noext") == 0 &&
          count_prefixed(".png") == 0 && !file_exists(po_test_tmp("missing_dir")));
    po_figure_free(f);
}

static void test_device_check(void)
{
    CHECK(po_plot_device_available("pngcairo"));
    CHECK(po_plot_device_available("svgcairo"));
    CHECK(po_plot_device_available("pdfcairo"));
    CHECK(!po_plot_device_available("no-such-device"));
}

static void test_empty_and_log_panels(void)
{
    po_figure *f = NULL;
    CHECK_OK(po_figure_alloc(1, 3, 900, 300, NULL, &f));
    if (!f) return;
    po_axes ax = po_axes_defaults();
    ax.logx = ax.logy = true;
    po_panel *p = po_figure_panel(f, 0, 0, &ax); /* log axes, data partly <= 0 */
    double x[4] = {-1.0, 0.0, 10.0, 100.0}, y[4] = {1.0, 2.0, 0.0, 5.0};
    CHECK_OK(po_panel_line(p, x, y, 4, NULL));
    CHECK_OK(po_panel_band(p, x, y, y, 4, NULL));
    (void)po_figure_panel(f, 0, 1, NULL); /* an empty panel: axes only */
    /* (0, 2) never requested: left blank. Degenerate shading and zero arrows. */
    p = po_figure_panel(f, 0, 2, NULL);
    double g[2] = {0.0, 1.0}, z[4] = {1.0, 1.0, 1.0, (double)NAN}, zero[2] = {0.0, 0.0};
    CHECK_OK(po_panel_shade(p, g, 2, g, 2, z, "z"));
    CHECK_OK(po_panel_arrows(p, g, g, zero, zero, 2, 0.0, NULL));
    CHECK_OK(po_figure_save(f, po_test_tmp("edge.png")));
    CHECK(file_exists(po_test_tmp("edge.png")));
    po_figure_free(f);
}

int main(void)
{
    PO_RUN(test_color_cycle);
    PO_RUN(test_defaults);
    PO_RUN(test_axis_limits);
    PO_RUN(test_equal_aspect);
    PO_RUN(test_data_range_skips_nonfinite);
    PO_RUN(test_layer_errors);
    PO_RUN(test_save_formats);
    PO_RUN(test_save_errors_leave_nothing);
    PO_RUN(test_device_check);
    PO_RUN(test_empty_and_log_panels);
    return po_test_finish();
}
