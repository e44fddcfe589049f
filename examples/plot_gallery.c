/* Example: every kind of figure panel partobs draws (plot.h), on synthetic data.
 *
 * A 2 x 3 figure at 1600 x 1000 px: mean +- SEM curves on a log axis, the
 * eigenvalue plane, a flow field (shaded speed, arrows, a trajectory coloured
 * by time), a limit set coloured by time, single-neuron traces and time
 * constants on a log axis. It is saved as PNG, SVG and PDF into the directory
 * given as argv[1] (default: a temporary directory, removed afterwards), and,
 * as a regression test, each file is checked for its format's magic bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <partobs/partobs-report.h>

#define CHECKED(call)                                                                             \
    do {                                                                                          \
        po_status st_ = (call);                                                                   \
        if (st_ != PO_OK) {                                                                       \
            fprintf(stderr, "%s: %s (%s)\n", #call, po_strerror(st_), po_errmsg());               \
            return 1;                                                                             \
        }                                                                                         \
    } while (0)

#define N_CURVE 40
#define N_TRAJ 2000
#define GRID 12
#define SHADE 60

static int build(po_figure *fig)
{
    /* (0,0): three mean +- SEM curves against d/D on a log axis. */
    po_axes ax = po_axes_defaults();
    ax.title = "Line attractor score";
    ax.xlabel = "d / D";
    ax.ylabel = "LAS";
    ax.logx = true;
    ax.legend = true;
    po_panel *p = po_figure_panel(fig, 0, 0, &ax);
    double x[N_CURVE], m[N_CURVE], lo[N_CURVE], hi[N_CURVE];
    static const char *names[] = {"β = 0.25", "β = 0.5", "β = 1"};
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < N_CURVE; i++) {
            x[i] = pow(10.0, -2.0 + 2.0 * (double)i / (N_CURVE - 1));
            m[i] = (double)(k + 1) * (1.0 - x[i]) * 2.0 + 0.2 * sin(3.0 * (double)i);
            double sem = 0.15 + 0.1 * (double)k;
            lo[i] = m[i] - sem;
            hi[i] = m[i] + sem;
        }
        if (k == 1) m[N_CURVE / 2] = (double)NAN; /* a gap: non-finite values break lines */
        po_style s = po_style_defaults();
        s.color = po_color_cycle(k);
        CHECKED(po_panel_band(p, x, lo, hi, N_CURVE, &s));
        s.label = names[k];
        CHECKED(po_panel_line(p, x, m, N_CURVE, &s));
    }
    po_style ref = po_style_defaults();
    ref.dashed = true;
    ref.color = PO_COLOR_GREY;
    CHECKED(po_panel_hline(p, 1.0, &ref));

    /* (0,1): eigenvalue plane. */
    double tre[60], tim[60], sre[25], sim[25];
    for (size_t i = 0; i < 60; i++) {
        double a = 2.0 * 3.14159265358979 * (double)i / 60.0;
        tre[i] = 0.6 * cos(a);
        tim[i] = 0.6 * sin(a);
    }
    for (size_t i = 0; i < 25; i++) {
        sre[i] = 0.98 - 0.06 * (double)i;
        sim[i] = (i % 2 ? 1.0 : -1.0) * 0.02 * (double)i;
    }
    ax = po_axes_defaults();
    ax.title = "Eigenvalues";
    p = po_figure_panel(fig, 0, 1, &ax);
    CHECKED(po_panel_eigenvalues(p, tre, tim, 60, sre, sim, 25));

    /* (0,2): flow field of dx/dt = A x with A = [[-0.1, -1], [1, -0.1]]. */
    ax = po_axes_defaults();
    ax.title = "Flow field";
    ax.xlabel = "PC1";
    ax.ylabel = "PC2";
    p = po_figure_panel(fig, 0, 2, &ax);
    double gs[SHADE], z[SHADE * SHADE];
    for (size_t i = 0; i < SHADE; i++) gs[i] = -2.0 + 4.0 * (double)i / (SHADE - 1);
    for (size_t j = 0; j < SHADE; j++)
        for (size_t i = 0; i < SHADE; i++) z[j * SHADE + i] = pow(hypot(gs[i], gs[j]), 0.1);
    CHECKED(po_panel_shade(p, gs, SHADE, gs, SHADE, z, "|flow|^0.1"));
    double ax_[GRID * GRID], ay[GRID * GRID], au[GRID * GRID], av[GRID * GRID];
    for (size_t j = 0; j < GRID; j++)
        for (size_t i = 0; i < GRID; i++) {
            size_t k = j * GRID + i;
            ax_[k] = -2.0 + 4.0 * (double)i / (GRID - 1);
            ay[k] = -2.0 + 4.0 * (double)j / (GRID - 1);
            au[k] = -0.1 * ax_[k] - ay[k];
            av[k] = ax_[k] - 0.1 * ay[k];
        }
    CHECKED(po_panel_arrows(p, ax_, ay, au, av, GRID * GRID, 0.0, NULL));
    static double tx[N_TRAJ], ty[N_TRAJ], tc[N_TRAJ];
    for (size_t t = 0; t < N_TRAJ; t++) {
        double s = 0.01 * (double)t;
        tx[t] = 1.8 * exp(-0.1 * s) * cos(s);
        ty[t] = 1.8 * exp(-0.1 * s) * sin(s);
        tc[t] = (double)t / N_TRAJ;
    }
    CHECKED(po_panel_line_colored(p, tx, ty, tc, N_TRAJ, "t / T"));

    /* (1,0): a limit cycle's points coloured by time. */
    ax = po_axes_defaults();
    ax.title = "Limit set";
    ax.xlabel = "PC1";
    ax.ylabel = "PC2";
    ax.equal_aspect = true;
    p = po_figure_panel(fig, 1, 0, &ax);
    static double lx[N_TRAJ], ly[N_TRAJ];
    for (size_t t = 0; t < N_TRAJ; t++) {
        double s = 0.02 * (double)t, r = 1.0 + 0.5 * exp(-0.1 * s);
        lx[t] = r * cos(s);
        ly[t] = r * sin(s);
    }
    CHECKED(po_panel_points_colored(p, lx, ly, tc, N_TRAJ, "t / T"));

    /* (1,1): single-neuron traces, teacher against student, offset. */
    ax = po_axes_defaults();
    ax.title = "Single neurons";
    ax.xlabel = "time step";
    ax.ylabel = "activity (offset)";
    ax.legend = true;
    p = po_figure_panel(fig, 1, 1, &ax);
    static double tt[400], ya[400], yb[400];
    for (size_t k = 0; k < 4; k++) {
        for (size_t t = 0; t < 400; t++) {
            tt[t] = (double)t;
            ya[t] = 2.5 * (double)k + 0.7 * sin(0.03 * (double)t * (double)(k + 1));
            yb[t] = ya[t] + 0.2 * cos(0.11 * (double)t);
        }
        po_style s = po_style_defaults();
        s.color = PO_COLOR_RED;
        s.label = k == 0 ? "teacher" : NULL;
        CHECKED(po_panel_line(p, tt, ya, 400, &s));
        s.color = PO_COLOR_BLUE;
        s.dashed = true;
        s.label = k == 0 ? "student" : NULL;
        CHECKED(po_panel_line(p, tt, yb, 400, &s));
    }
    po_style ts = po_style_defaults();
    CHECKED(po_panel_text(p, 250.0, 9.0, "neurons 4-7", &ts));

    /* (1,2): time constants on a log axis. */
    ax = po_axes_defaults();
    ax.title = "Time constants";
    ax.xlabel = "index i";
    ax.ylabel = "τ#di#u";
    ax.logy = true;
    ax.legend = true;
    p = po_figure_panel(fig, 1, 2, &ax);
    double ix[20], tau[20], tau2[20];
    for (size_t i = 0; i < 20; i++) {
        ix[i] = (double)(i + 1);
        tau[i] = 1.0 / (0.01 + 0.05 * (double)i);
        tau2[i] = 1.0;
    }
    po_style s = po_style_defaults();
    s.color = PO_COLOR_BLUE;
    s.marker = 1.0;
    s.label = "student";
    CHECKED(po_panel_line(p, ix, tau, 20, &s));
    s.color = PO_COLOR_RED;
    s.label = "teacher";
    CHECKED(po_panel_points(p, ix, tau2, 20, &s));
    return 0;
}

/* The first bytes of each format: PNG signature, an SVG tag, PDF header. */
static int check_magic(const char *path, const char *magic, size_t n, size_t within)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: not written\n", path);
        return 1;
    }
    char buf[512] = {0};
    size_t got = fread(buf, 1, within < sizeof buf ? within : sizeof buf, fp);
    fclose(fp);
    for (size_t off = 0; off + n <= got; off++)
        if (memcmp(buf + off, magic, n) == 0) return 0;
    fprintf(stderr, "%s: wrong format (magic bytes not found)\n", path);
    return 1;
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/partobs_gallery_XXXXXX";
    const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }
    po_figure *fig = NULL;
    CHECKED(po_figure_alloc(2, 3, 1600, 1000, "partobs figure gallery", &fig));
    int bad = build(fig);
    static const char *ext[3] = {"png", "svg", "pdf"};
    char path[3][4096];
    for (size_t k = 0; k < 3 && !bad; k++) {
        snprintf(path[k], sizeof path[k], "%s/gallery.%s", dir, ext[k]);
        po_status st = po_figure_save(fig, path[k]);
        if (st != PO_OK) {
            fprintf(stderr, "save %s: %s (%s)\n", path[k], po_strerror(st), po_errmsg());
            bad = 1;
        }
    }
    po_figure_free(fig);
    if (!bad)
        bad = check_magic(path[0], "\x89PNG\r\n\x1a\n", 8, 8) +
              check_magic(path[1], "<svg", 4, 512) + check_magic(path[2], "%PDF", 4, 4);
    if (argc <= 1) {
        for (size_t k = 0; k < 3; k++) {
            snprintf(path[k], sizeof path[k], "%s/gallery.%s", dir, ext[k]);
            remove(path[k]);
        }
        rmdir(dir);
    } else if (!bad) {
        printf("wrote %s/gallery.{png,svg,pdf}\n", dir);
    }
    return bad ? 1 : 0;
}
