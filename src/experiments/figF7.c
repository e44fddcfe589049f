/* Fig F.7 (SPEC.md §6): delay embeddings of the observed activity (d = 25
 * of D = 500, T = 5000) of the two integrators of Fig 1 (SPEC.md §7):
 * number of delays {5, 10, 20} x delay interval {5, 10, 20} steps
 * (po_delay_embed), PCA of each embedding, PC1 against PC2 coloured by time
 * (a 3 x 3 grid per net; instance 0 drawn).
 * The claim "they do not distinguish the line attractor from the
 * feedforward integrator" is checked over instances with two numbers per
 * cell: the share of the embedding's variance on PC1, and |corr(PC1,
 * ideal integral)| at the window centre. Both nets should give a dominant
 * PC1 that tracks the integral, with PC1 shares that do not separate them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "experiments/lds_common.h"

enum { F7_NETS = 2, F7_GRID = 3, F7_CELLS = F7_GRID * F7_GRID, F7_POINTS = 1200 };
/* PCA rows: about this many per embedding (the PCs of a few hundred
 * columns are well determined by them, and the SVD cost stays small). */
enum { F7_PCA_ROWS = 300 };
#define F7_SAME 0.1 /* "similar": LA and FF mean PC1 shares within 0.1 */
#define F7_CORR 0.9 /* PC1 tracks the integral: |corr| > 0.9 */

static const size_t delays[F7_GRID] = {5, 10, 20};
static const size_t intervals[F7_GRID] = {5, 10, 20};
static const char *const net_name[F7_NETS] = {"line attractor", "feedforward"};
static const char *const net_short[F7_NETS] = {"LA", "FF"};
static const po_task_net net_kind[F7_NETS] = {PO_TASK_LINE_ATTRACTOR, PO_TASK_FEEDFORWARD};

typedef struct f7_curve {
    size_t n;
    double x[F7_POINTS], y[F7_POINTS], t[F7_POINTS];
} f7_curve;

typedef struct f7_job {
    size_t D, d, T, k;
    uint64_t seed;
    double *var1, *var2, *corr; /* [item * F7_CELLS + cell] */
    f7_curve *ex;               /* [net * F7_CELLS + cell], instance 0 */
    double *mean1, *sem1, *mcorr; /* [net * F7_CELLS + cell], over the instances */
} f7_job;

static const exp_size f7_sizes[] = {
    EXP_SIZE("D", f7_job, D, 500, 100),
    EXP_SIZE("d", f7_job, d, 25, 10), /* 5% */
    EXP_SIZE("T", f7_job, T, 5000, 5000),
    EXP_SIZE("instances_per_net", f7_job, k, 10, 2),
};

/* Embed Y with n delays of k steps; PCA (2 components) of every s-th row;
 * the variance shares of PC1, PC1 + PC2, |corr(PC1, ideal at the window
 * centre)| over all rows; and, if cv is not NULL, the PC1-PC2 curve. */
static po_status cell(const po_mat *Y, const po_mat *ideal, size_t n, size_t k, double *v1,
                      double *v2, double *corr, f7_curve *cv)
{
    size_t T = Y->rows, rows = po_delay_embed_rows(T, n, k), cols = n * Y->cols;
    if (rows < 2) return po_error(PO_ESHAPE, "delay embedding: T = %zu too short", T);
    po_mat *E = po_mat_alloc(rows, cols), *Z = po_mat_alloc(rows, 2);
    if (!E || !Z) {
        po_mat_free(E);
        po_mat_free(Z);
        return po_error(PO_ENOMEM, "delay embedding %zu x %zu", rows, cols);
    }
    po_status st = po_delay_embed(Y, n, k, E);
    size_t s = rows > F7_PCA_ROWS ? rows / F7_PCA_ROWS : 1, m = (rows + s - 1) / s;
    po_mat Es = po_mat_view(E->data, m, cols, E->ld * s);
    po_pca *p = NULL;
    if (st == PO_OK) st = po_pca_fit(&Es, 2, &p);
    if (st == PO_OK) st = po_pca_project(p, E, Z);
    if (st == PO_OK) {
        double total = 0;
        for (size_t j = 0; j < cols; j++) {
            double mu = 0, ss = 0;
            for (size_t i = 0; i < m; i++) mu += PO_MAT_AT(&Es, i, j);
            mu /= (double)m;
            for (size_t i = 0; i < m; i++)
                ss += (PO_MAT_AT(&Es, i, j) - mu) * (PO_MAT_AT(&Es, i, j) - mu);
            total += ss / (double)(m - 1);
        }
        *v1 = p->var[0] / total;
        *v2 = (p->var[0] + p->var[1]) / total;
        size_t half = (n - 1) * k / 2;
        double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
        for (size_t i = 0; i < rows; i++) {
            ma += PO_MAT_AT(Z, i, 0);
            mb += PO_MAT_AT(ideal, i + half, 0);
        }
        ma /= (double)rows;
        mb /= (double)rows;
        for (size_t i = 0; i < rows; i++) {
            double a = PO_MAT_AT(Z, i, 0) - ma, b = PO_MAT_AT(ideal, i + half, 0) - mb;
            sab += a * b;
            saa += a * a;
            sbb += b * b;
        }
        *corr = saa > 0 && sbb > 0 ? fabs(sab) / sqrt(saa * sbb) : 0.0;
        if (cv) {
            size_t step = (rows + F7_POINTS - 1) / F7_POINTS;
            cv->n = 0;
            for (size_t i = 0; i < rows && cv->n < F7_POINTS; i += step) {
                cv->x[cv->n] = PO_MAT_AT(Z, i, 0);
                cv->y[cv->n] = PO_MAT_AT(Z, i, 1);
                cv->t[cv->n] = (double)i / (double)(rows - 1);
                cv->n++;
            }
        }
    }
    po_pca_free(p);
    po_mat_free(E);
    po_mat_free(Z);
    return st;
}

static po_status f7_item(size_t item, void *user)
{
    f7_job *J = user;
    size_t net = item / J->k, j = item % J->k;
    po_task *t = NULL;
    po_mat *Y = NULL;
    po_status st = exp_task_run(net_kind[net], J->D, J->T, J->seed + 1000 * net + j, &t);
    if (st == PO_OK) st = exp_observe(t->X, J->d, &Y);
    for (size_t a = 0; st == PO_OK && a < F7_GRID; a++)
        for (size_t b = 0; st == PO_OK && b < F7_GRID; b++) {
            size_t cl = a * F7_GRID + b, at = item * F7_CELLS + cl;
            st = cell(Y, t->ideal, delays[a], intervals[b], &J->var1[at], &J->var2[at],
                      &J->corr[at], j == 0 ? &J->ex[net * F7_CELLS + cl] : NULL);
        }
    po_mat_free(Y);
    po_task_free(t);
    return st;
}

static po_status draw(po_exp_ctx *c, const void *job)
{
    const f7_job *J = job;
    po_figure *f = NULL;
    po_status st = exp_figure(&f, F7_GRID, F7_NETS * F7_GRID, 3300, 1500,
                              "Fig F.7: delay embeddings of d = %zu observed neurons (D = %zu, T "
                              "= %zu), PC1 vs PC2 coloured by time; left: line attractor, right: "
                              "feedforward (instance 0)",
                              J->d, J->D, J->T);
    char tt[F7_NETS][F7_CELLS][120];
    for (size_t n = 0; st == PO_OK && n < F7_NETS; n++)
        for (size_t a = 0; st == PO_OK && a < F7_GRID; a++)
            for (size_t b = 0; st == PO_OK && b < F7_GRID; b++) {
                size_t cl = a * F7_GRID + b;
                snprintf(tt[n][cl], sizeof tt[n][cl], "%s: %zu delays x %zu steps (PC1 %.0f%%)",
                         net_short[n], delays[a], intervals[b],
                         100 * J->var1[n * J->k * F7_CELLS + cl]);
                po_axes ax = exp_axes(tt[n][cl], "PC1", "PC2");
                po_panel *p = po_figure_panel(f, a, n * F7_GRID + b, &ax);
                const f7_curve *cv = &J->ex[n * F7_CELLS + cl];
                st = po_panel_line_colored(p, cv->x, cv->y, cv->t, cv->n,
                                           b + 1 == F7_GRID ? "time t/T" : NULL);
            }
    return exp_figure_done(c, f, st);
}

static po_status setup(po_exp_ctx *c, void *job)
{
    f7_job *J = job;
    J->seed = po_exp_seed(c);
    exp_arrays(F7_NETS * F7_CELLS, &J->mean1, &J->sem1, &J->mcorr, NULL);
    exp_arrays(F7_NETS * J->k * F7_CELLS, &J->var1, &J->var2, &J->corr, NULL);
    J->ex = malloc(F7_NETS * F7_CELLS * sizeof *J->ex);
    return J->mean1 && J->var1 && J->ex ? PO_OK : po_error(PO_ENOMEM, "figF7");
}

static size_t items(const void *job) { return F7_NETS * ((const f7_job *)job)->k; }

static void record(void *job, cJSON *j, cJSON *p)
{
    f7_job *J = job;
    double dv[F7_GRID], iv[F7_GRID];
    for (size_t i = 0; i < F7_GRID; i++) {
        dv[i] = (double)delays[i];
        iv[i] = (double)intervals[i];
    }
    cJSON_AddItemToObject(p, "delays", po_report_array(dv, F7_GRID));
    cJSON_AddItemToObject(p, "interval_steps", po_report_array(iv, F7_GRID));
    cJSON_AddStringToObject(p, "cells", "row-major: cell = delays index * 3 + interval index");
    cJSON_AddStringToObject(p, "measures",
                            "pc1_variance_fraction: PC1 share of the embedding's variance; "
                            "pc1_ideal_abs_correlation: |corr(PC1(t), ideal integral at the "
                            "window centre)|");
    cJSON *nets = cJSON_AddObjectToObject(j, "nets");
    for (size_t q = 0; q < F7_NETS; q++) {
        cJSON *o = cJSON_AddObjectToObject(nets, net_name[q]);
        size_t o0 = q * J->k * F7_CELLS, m0 = q * F7_CELLS;
        cJSON_AddItemToObject(o, "pc1_variance_fraction",
                              po_report_matrix(J->var1 + o0, J->k, F7_CELLS, F7_CELLS));
        cJSON_AddItemToObject(o, "pc12_variance_fraction",
                              po_report_matrix(J->var2 + o0, J->k, F7_CELLS, F7_CELLS));
        cJSON_AddItemToObject(o, "pc1_ideal_abs_correlation",
                              po_report_matrix(J->corr + o0, J->k, F7_CELLS, F7_CELLS));
        for (size_t cl = 0; cl < F7_CELLS; cl++) {
            double sc;
            exp_mean_sem(J->var1 + o0 + cl, J->k, F7_CELLS, &J->mean1[m0 + cl],
                         &J->sem1[m0 + cl]);
            exp_mean_sem(J->corr + o0 + cl, J->k, F7_CELLS, &J->mcorr[m0 + cl], &sc);
        }
        cJSON_AddItemToObject(o, "pc1_variance_fraction_mean",
                              po_report_array(J->mean1 + m0, F7_CELLS));
        cJSON_AddItemToObject(o, "pc1_variance_fraction_sem",
                              po_report_array(J->sem1 + m0, F7_CELLS));
        cJSON_AddItemToObject(o, "pc1_ideal_abs_correlation_mean",
                              po_report_array(J->mcorr + m0, F7_CELLS));
    }
}

static bool claim_same(exp_claim_io *io)
{
    const f7_job *J = io->res;
    const double *mean1 = J->mean1, *mcorr = J->mcorr;
    double worst_gap = 0, min_corr = HUGE_VAL;
    double lo[F7_NETS] = {HUGE_VAL, HUGE_VAL}, hi[F7_NETS] = {-HUGE_VAL, -HUGE_VAL};
    size_t cells_ok = 0;
    for (size_t cl = 0; cl < F7_CELLS; cl++) {
        for (size_t q = 0; q < F7_NETS; q++) {
            lo[q] = fmin(lo[q], mean1[q * F7_CELLS + cl]);
            hi[q] = fmax(hi[q], mean1[q * F7_CELLS + cl]);
        }
        double gap = fabs(mean1[cl] - mean1[F7_CELLS + cl]);
        double mc = fmin(mcorr[cl], mcorr[F7_CELLS + cl]);
        worst_gap = fmax(worst_gap, gap);
        min_corr = fmin(min_corr, mc);
        cells_ok += gap < F7_SAME && mc > F7_CORR;
    }
    snprintf(io->buf, io->size,
             "%zu/%d cells; largest LA-FF gap in mean PC1 share %.3f; smallest mean |corr(PC1, "
             "ideal)| %.3f; PC1 share LA %.3f-%.3f, FF %.3f-%.3f over cells",
             cells_ok, F7_CELLS, worst_gap, min_corr, lo[0], hi[0], lo[1], hi[1]);
    return cells_ok == F7_CELLS;
}

static const exp_claim_row f7_claims[] = {
    {"delay embeddings do not distinguish LA from FF: in every cell both have a dominant PC1 "
     "tracking the integral (mean |corr| > 0.9) and mean PC1 variance shares within 0.1",
     claim_same, 0},
};

static void release(void *job)
{
    f7_job *J = job;
    free(J->mean1);
    free(J->var1);
    free(J->ex);
}

po_status po_exp_figF7(po_exp_ctx *c)
{
    static const exp_desc d = {f7_sizes, EXP_COUNT(f7_sizes), "parameters", setup, items, f7_item,
                               record, f7_claims, EXP_COUNT(f7_claims), draw, release};
    return exp_run(c, &d, &(f7_job){0});
}
