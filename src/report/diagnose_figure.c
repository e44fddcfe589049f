/* The figure of `partobs diagnose` (see partobs/report.h): the evidence of
 * docs/methods.md "Diagnose" and the proposed experiment, one panel each. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/flow.h"
#include "partobs/report.h"

enum { HIST_BINS = 20 };

static po_style style(po_color c, double width, bool dashed, const char *label)
{
    po_style s = po_style_defaults();
    s.color = c;
    s.width = width;
    s.dashed = dashed;
    s.label = label;
    return s;
}

static po_axes axes(const char *title, const char *xlabel, const char *ylabel)
{
    po_axes a = po_axes_defaults();
    a.title = title;
    a.xlabel = xlabel;
    a.ylabel = ylabel;
    return a;
}

/* A quantity against the fraction of neurons: every refit as a dot, the band
 * and the centre line. vals is n_fractions x subsets. With geometric (tau_1),
 * the band is the geometric mean times/divided by exp(SEM of log) and the line
 * is the median; else mean +- SEM (given) and the mean. */
static po_status fraction_panel(po_panel *p, const po_diagnose *dg, const double *vals,
                                const double *centre, const double *sem, bool geometric)
{
    size_t nf = dg->n_fractions, R = dg->subsets;
    double *x = malloc(nf * R * sizeof *x);
    if (!x) return PO_ENOMEM;
    for (size_t k = 0; k < nf; k++)
        for (size_t r = 0; r < R; r++) x[k * R + r] = dg->fractions[k];
    double lo[PO_DIAGNOSE_MAX_FRACTIONS], hi[PO_DIAGNOSE_MAX_FRACTIONS];
    for (size_t k = 0; k < nf; k++) {
        if (geometric) {
            double s = 0, s2 = 0;
            size_t n = 0;
            for (size_t r = 0; r < R; r++) {
                double v = vals[k * R + r];
                if (!(isfinite(v) && v > 0)) continue;
                s += log(v);
                s2 += log(v) * log(v);
                n++;
            }
            double m = n ? s / (double)n : (double)NAN;
            double se = n > 1 ? sqrt(fmax(s2 / (double)n - m * m, 0) / (double)(n - 1)) : 0;
            lo[k] = exp(m - se);
            hi[k] = exp(m + se);
        } else {
            lo[k] = centre[k] - sem[k];
            hi[k] = centre[k] + sem[k];
        }
    }
    po_style dots = style(PO_COLOR_GREY, 1, false, "one refit");
    dots.marker = 0.5;
    po_style band = style(PO_COLOR_BLUE, 1, false, geometric ? "geometric mean ± SEM" : "mean ± SEM");
    po_style line = style(PO_COLOR_BLUE, 2, false, geometric ? "median" : "mean");
    line.marker = 1;
    po_status st = po_panel_points(p, x, vals, nf * R, &dots);
    if (st == PO_OK) st = po_panel_band(p, dg->fractions, lo, hi, nf, &band);
    if (st == PO_OK) st = po_panel_line(p, dg->fractions, centre, nf, &line);
    free(x);
    return st;
}

/* Histogram of the bootstrap LAS as a step line, with the full fit's value
 * and the 95% interval. */
static po_status bootstrap_panel(po_panel *p, const po_diagnose *dg)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < dg->bootstrap; i++)
        if (isfinite(dg->boot_las[i])) {
            lo = fmin(lo, dg->boot_las[i]);
            hi = fmax(hi, dg->boot_las[i]);
        }
    po_style ref = style(PO_COLOR_RED, 2, false, "full fit");
    if (!(lo <= hi)) {
        po_status st = po_panel_vline(p, dg->full->las, &ref);
        return st == PO_OK ? po_panel_text(p, dg->full->las, 0.5, " no bootstrap replicates",
                                           &ref)
                           : st;
    }
    if (hi - lo < 1e-9) {
        lo -= 0.5;
        hi += 0.5;
    }
    double count[HIST_BINS] = {0}, w = (hi - lo) / HIST_BINS;
    for (size_t i = 0; i < dg->bootstrap; i++) {
        if (!isfinite(dg->boot_las[i])) continue;
        size_t b = (size_t)((dg->boot_las[i] - lo) / w);
        count[b < HIST_BINS ? b : HIST_BINS - 1] += 1;
    }
    double x[2 * HIST_BINS + 2], y[2 * HIST_BINS + 2];
    x[0] = lo;
    y[0] = 0;
    for (size_t b = 0; b < HIST_BINS; b++) {
        x[1 + 2 * b] = lo + w * (double)b;
        x[2 + 2 * b] = lo + w * (double)(b + 1);
        y[1 + 2 * b] = y[2 + 2 * b] = count[b];
    }
    x[2 * HIST_BINS + 1] = hi;
    y[2 * HIST_BINS + 1] = 0;
    po_style bars = style(PO_COLOR_BLUE, 1.5, false, "bootstrap replicates");
    po_style ci = style(PO_COLOR_BLACK, 1, true, "95% interval");
    po_style ci2 = ci;
    ci2.label = NULL;
    po_status st = po_panel_line(p, x, y, 2 * HIST_BINS + 2, &bars);
    if (st == PO_OK && isfinite(dg->full->las)) st = po_panel_vline(p, dg->full->las, &ref);
    if (st == PO_OK && isfinite(dg->las_ci95[0])) st = po_panel_vline(p, dg->las_ci95[0], &ci);
    if (st == PO_OK && isfinite(dg->las_ci95[1])) st = po_panel_vline(p, dg->las_ci95[1], &ci2);
    return st;
}

/* The model's linear flow: MAP, W on the top-two-PC plane of Y; LDS, A_cont
 * on the top-two-PC plane of the latents (Y - mean) C. */
static po_status flow_panel(po_panel *p, const po_diagnose *dg, const po_mat *Y)
{
    exp_flow *fl = malloc(sizeof *fl);
    if (!fl) return PO_ENOMEM;
    po_status st;
    if (dg->method == PO_DIAG_MAP) {
        st = exp_flow_field(dg->model, Y, fl);
    } else {
        const po_mat *C = dg->emission;
        size_t T = Y->rows, d = Y->cols, K = C->cols;
        po_mat *Z = po_mat_alloc(T, K);
        double *mean = calloc(d, sizeof *mean);
        st = Z && mean ? PO_OK : PO_ENOMEM;
        for (size_t t = 0; st == PO_OK && t < T; t++)
            for (size_t i = 0; i < d; i++) mean[i] += PO_MAT_AT(Y, t, i) / (double)T;
        for (size_t t = 0; st == PO_OK && t < T; t++)
            for (size_t k = 0; k < K; k++) {
                double z = 0;
                for (size_t i = 0; i < d; i++)
                    z += (PO_MAT_AT(Y, t, i) - mean[i]) * PO_MAT_AT(C, i, k);
                PO_MAT_AT(Z, t, k) = z;
            }
        if (st == PO_OK) st = exp_flow_field(dg->model, Z, fl);
        free(mean);
        po_mat_free(Z);
    }
    if (st == PO_OK) st = exp_flow_panel(p, fl);
    free(fl);
    return st;
}

/* Responses over one pulse and its wait, each divided by its value at the end
 * of the pulse: persistence, not size, is the test (docs/methods.md). */
static po_status response_panel(po_panel *p, const po_diagnose *dg, const po_diagnose_opts *o)
{
    const po_diagnose_protocol *pr = &dg->protocol;
    const po_diagnose_measured *m = &dg->measured;
    size_t n = pr->pulse_steps + pr->wait_steps;
    if (n > pr->steps) n = pr->steps;
    if (m->present && m->window > n) n = m->window;
    size_t end = pr->pulse_steps ? pr->pulse_steps - 1 : 0;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return PO_ENOMEM;
    }
    for (size_t t = 0; t < n; t++) x[t] = (double)t * dg->alpha;
    po_status st = PO_OK;
    const struct {
        const double *v;
        size_t len;
        po_style s;
    } curves[] = {
        {pr->predicted, pr->steps, style(PO_COLOR_BLUE, 2, false, "model (slow mode real)")},
        {pr->alternative, pr->alternative ? pr->steps : 0,
         style(PO_COLOR_ORANGE, 2, true, "alternative (slow mode shortened)")},
        {m->present ? m->response : NULL, m->present ? m->window : 0,
         style(PO_COLOR_BLACK, 1.5, false, "measured")},
    };
    for (size_t c = 0; st == PO_OK && c < sizeof curves / sizeof *curves; c++) {
        size_t len = curves[c].len < n ? curves[c].len : n;
        if (!curves[c].v || len <= end) continue;
        double peak = curves[c].v[end];
        if (!(fabs(peak) > 0)) continue;
        for (size_t t = 0; t < len; t++) y[t] = curves[c].v[t] / peak;
        st = po_panel_line(p, x, y, len, &curves[c].s);
    }
    double t_end = (double)pr->pulse_steps * dg->alpha;
    po_style win = style(PO_COLOR_GREEN, 1, true, "late window");
    po_style win2 = win;
    win2.label = NULL;
    po_style zero = style(PO_COLOR_GREY, 1, false, NULL);
    if (st == PO_OK) st = po_panel_hline(p, 0.0, &zero);
    if (st == PO_OK) st = po_panel_vline(p, t_end + o->late_from, &win);
    if (st == PO_OK) st = po_panel_vline(p, t_end + o->late_to, &win2);
    free(x);
    free(y);
    return st;
}

po_status po_report_diagnose_figure(const po_diagnose *dg, const po_diagnose_opts *opts,
                                    const po_mat *Y, po_figure **out)
{
    *out = NULL;
    if (!Y || Y->cols != dg->n_neurons || Y->rows < 20)
        return po_error(PO_ESHAPE, "diagnose figure: the recording must be T x %zu with T >= 20",
                        dg->n_neurons);
    char title[200];
    snprintf(title, sizeof title, "partobs diagnose: %s (%zu neurons, %zu samples, %s model)",
             po_diagnose_verdict_name(dg->verdict), dg->n_neurons, dg->n_samples,
             po_diagnose_method_name(dg->method));
    po_figure *f = NULL;
    po_status st = po_figure_alloc(2, 3, 2400, 1450, title, &f);
    if (st != PO_OK) return st;

    po_axes a = axes("eigenvalues of the fitted model", NULL, NULL);
    po_panel *p = po_figure_panel(f, 0, 0, &a);
    st = po_panel_eigenvalues(p, NULL, NULL, 0, dg->full->re, dg->full->im, dg->full->n);

    a = axes("LAS after refitting on a fraction of the neurons", "fraction of neurons kept",
             "line attractor score log#d2#u(τ#d1#u/τ#d2#u)");
    a.legend = true;
    p = po_figure_panel(f, 0, 1, &a);
    if (st == PO_OK) st = fraction_panel(p, dg, dg->las_sub, dg->las_mean, dg->las_sem, false);

    a = axes("slowest time constant after refitting", "fraction of neurons kept",
             "τ#d1#u (units of τ)");
    a.logy = true;
    a.legend = true;
    p = po_figure_panel(f, 0, 2, &a);
    if (st == PO_OK) st = fraction_panel(p, dg, dg->tau1_sub, dg->tau1_median, NULL, true);

    a = axes("block bootstrap over time", "line attractor score", "replicates");
    a.legend = true;
    p = po_figure_panel(f, 1, 0, &a);
    if (st == PO_OK) st = bootstrap_panel(p, dg);

    a = dg->method == PO_DIAG_MAP
            ? axes(opts->phi == PO_PHI_LINEAR ? "model flow, top two PCs of the recording"
                                              : "linearised model flow, top two PCs",
                   "PC1", "PC2")
            : axes("latent flow (A_cont), top two PCs of the latents", "latent PC1",
                   "latent PC2");
    p = po_figure_panel(f, 1, 1, &a);
    if (st == PO_OK) st = flow_panel(p, dg, Y);

    a = axes(dg->measured.present ? "response to the proposed pulse"
                                  : "predicted response to the pulse (not run yet)",
             "time since the pulse began (units of τ)",
             "response / its value at the pulse end");
    a.legend = true;
    p = po_figure_panel(f, 1, 2, &a);
    if (st == PO_OK) st = response_panel(p, dg, opts);

    if (st != PO_OK) {
        po_figure_free(f);
        return st;
    }
    *out = f;
    return PO_OK;
}
