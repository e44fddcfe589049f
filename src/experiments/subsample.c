/* Subsampling curves over families of teachers, for Figs F.3 and F.4 (see
 * subsample.h). */
#include "experiments/subsample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"

static const exp_size sub_table[] = {
    EXP_SIZE(NULL, sub_sizes, D, 500, 200),
    EXP_SIZE(NULL, sub_sizes, k, 20, 4),
    EXP_SIZE(NULL, sub_sizes, npts, 30, 14),
};

sub_sizes sub_sizes_for(const po_exp_ctx *c)
{
    sub_sizes z;
    exp_sizes_set(c, sub_table, EXP_COUNT(sub_table), &z);
    return z;
}

/* The log grid from 2 to D with D/20 (5% observation) inserted. */
static po_status make_grid(size_t D, size_t npts, size_t **grid, size_t *n, size_t *ref)
{
    size_t *g = NULL, m = 0;
    po_status st = exp_log_grid(2, D, npts, &g, &m);
    if (st != PO_OK) return st;
    size_t r = D / 20 >= 2 ? D / 20 : 2;
    size_t *h = malloc((m + 1) * sizeof *h);
    if (!h) {
        free(g);
        return po_error(PO_ENOMEM, "d grid");
    }
    size_t k = 0;
    bool put = false;
    for (size_t i = 0; i < m; i++) {
        if (!put && r <= g[i]) {
            if (r < g[i]) h[k++] = r;
            put = true;
        }
        h[k++] = g[i];
    }
    free(g);
    *grid = h;
    *n = k;
    *ref = r;
    return PO_OK;
}

/* Teacher's top two singular values (an SVD without vectors). */
static po_status top_two_sv(const po_mat *W, double *s1, double *s2)
{
    double *s = malloc(W->rows * sizeof *s);
    if (!s) return po_error(PO_ENOMEM, "singular values");
    po_status st = po_la_svd(W, s, NULL, NULL);
    if (st == PO_OK) {
        *s1 = s[0];
        *s2 = W->rows > 1 ? s[1] : 0.0;
    }
    free(s);
    return st;
}

typedef struct fam_curves {
    po_curves **cv; /* k of them */
    po_curves *mean, *sem;
    double *sigma1, *sigma2; /* per teacher */
} fam_curves;

static void fam_free(fam_curves *f, size_t k)
{
    for (size_t j = 0; f->cv && j < k; j++) po_curves_free(f->cv[j]);
    free(f->cv);
    po_curves_free(f->mean);
    po_curves_free(f->sem);
    free(f->sigma1);
    free(f->sigma2);
}

/* Column i of an n x top_n matrix into out. */
static void column(const double *m, size_t n, size_t top_n, size_t i, double *out)
{
    for (size_t r = 0; r < n; r++) out[r] = m[r * top_n + i];
}

static po_status draw_row(po_figure *f, size_t row, const sub_family *fam, const fam_curves *fc,
                          size_t k)
{
    const po_curves *m = fc->mean, *s = fc->sem;
    size_t n = m->n, D = fam->opts.D;
    double *x, *a, *b, *a2, *b2, *chance;
    double *buf = exp_arrays(n, &x, &a, &b, &a2, &b2, &chance, NULL);
    if (!buf) return po_error(PO_ENOMEM, "figure data");
    for (size_t i = 0; i < n; i++) x[i] = (double)m->d[i] / (double)D;
    char title[3][160];
    snprintf(title[0], sizeof title[0], "%s: line attractor score", fam->label);
    snprintf(title[1], sizeof title[1], "%s: top singular values of the student", fam->label);
    snprintf(title[2], sizeof title[2], "%s: singular-vector overlaps", fam->label);

    column(m->top_sv, n, m->top_n, 0, a);
    column(s->top_sv, n, m->top_n, 0, b);
    column(m->top_sv, n, m->top_n, 1, a2);
    column(s->top_sv, n, m->top_n, 1, b2);
    for (size_t i = 0; i < n; i++) chance[i] = 1.0 / sqrt((double)m->d[i]);
    double one[2] = {1.0, 1.0}, sig[2], sem_unused;
    exp_mean_sem(fc->sigma1, k, 1, &sig[0], &sem_unused);
    exp_mean_sem(fc->sigma2, k, 1, &sig[1], &sem_unused);
    const exp_series las[] = {
        {EXP_BAND, x, m->las, s->las, n, 0, {PO_COLOR_BLUE, 2, false, 0, "student LAS"}},
        {EXP_HLINE, .level = 1.0, .style = {PO_COLOR_GREEN, 1.5, false, 0, "LAS = 1"}},
    };
    const exp_series sv[] = {
        {EXP_BAND, x, a, b, n, 0, {PO_COLOR_BLUE, 2, false, 0, "sigma1 of student"}},
        {EXP_BAND, x, a2, b2, n, 0, {PO_COLOR_ORANGE, 2, false, 0, "sigma2 of student"}},
        {EXP_POINTS, one, sig, NULL, 2, 0, {PO_COLOR_RED, 1, false, 2, "teacher sigma1, sigma2"}},
    };
    const exp_series ov[] = {
        {EXP_BAND, x, m->u_overlap, s->u_overlap, n, 0, {PO_COLOR_BLUE, 2, false, 0, "left (u1)"}},
        {EXP_BAND, x, m->v_overlap, s->v_overlap, n, 0, {PO_COLOR_PURPLE, 2, false, 0, "right (v1)"}},
        {EXP_LINE, x, chance, NULL, n, 0, {PO_COLOR_GREY, 1.5, true, 0, "chance 1/sqrt(d)"}},
    };
    po_axes ax = exp_axes(title[0], "subsampling fraction d/D", "LAS (mean +- SEM)");
    ax.logx = true;
    ax.legend = true;
    ax.ymin = -0.3;
    ax.ymax = 7;
    po_status st = exp_panel(f, row, 0, &ax, las, EXP_COUNT(las));
    ax.title = title[1];
    ax.ylabel = "singular value (mean +- SEM)";
    ax.ymin = ax.ymax = (double)NAN;
    if (st == PO_OK) st = exp_panel(f, row, 1, &ax, sv, EXP_COUNT(sv));
    ax.title = title[2];
    ax.ylabel = "overlap with teacher's (mean +- SEM)";
    ax.ymin = 0;
    ax.ymax = 1.05;
    if (st == PO_OK) st = exp_panel(f, row, 2, &ax, ov, EXP_COUNT(ov));
    free(buf);
    return st;
}

po_status sub_run(po_exp_ctx *c, const char *title, const char *key, const sub_family *fam,
                  size_t n, size_t k, size_t npts, sub_result *res)
{
    fam_curves fc[SUB_MAX_FAMILIES];
    memset(fc, 0, sizeof fc);
    if (n > SUB_MAX_FAMILIES) return po_error(PO_EINVAL, "too many families");
    po_status st = PO_OK;
    cJSON *root = cJSON_AddObjectToObject(po_exp_json(c), key);
    for (size_t f = 0; st == PO_OK && f < n; f++) {
        size_t D = fam[f].opts.D;
        size_t *grid = NULL, ng = 0, ref = 0;
        st = make_grid(D, npts, &grid, &ng, &ref);
        po_curves_opts co = po_curves_opts_defaults();
        co.d_list = grid;
        co.n_list = ng;
        co.top_n = 2;
        co.threads = po_exp_threads(c);
        fc[f].cv = calloc(k, sizeof *fc[f].cv);
        fc[f].sigma1 = malloc(k * sizeof(double));
        fc[f].sigma2 = malloc(k * sizeof(double));
        if (st == PO_OK && (!fc[f].cv || !fc[f].sigma1 || !fc[f].sigma2)) st = PO_ENOMEM;
        for (size_t j = 0; st == PO_OK && j < k; j++) {
            po_teacher *t = NULL;
            st = exp_teacher(&fam[f].opts, po_exp_seed(c) + 1000 * f + j, &t);
            if (st == PO_OK) st = top_two_sv(t->W, &fc[f].sigma1[j], &fc[f].sigma2[j]);
            if (st == PO_OK) {
                fc[f].cv[j] = po_curves_alloc(ng, co.top_n, false);
                if (!fc[f].cv[j]) st = PO_ENOMEM;
            }
            if (st == PO_OK) st = po_curves_compute(t->W, &co, fc[f].cv[j]);
            po_teacher_free(t);
            po_exp_progress(c, f * k + j + 1, n * k);
        }
        if (st == PO_OK) {
            fc[f].mean = po_curves_alloc(ng, co.top_n, false);
            fc[f].sem = po_curves_alloc(ng, co.top_n, false);
            st = fc[f].mean && fc[f].sem
                     ? po_curves_mean_sem((const po_curves *const *)fc[f].cv, k, fc[f].mean,
                                          fc[f].sem)
                     : PO_ENOMEM;
        }
        free(grid);
        if (st != PO_OK) break;

        /* The numbers the claims use. */
        sub_result *r = &res[f];
        const po_curves *m = fc[f].mean;
        size_t iref = 0;
        while (iref < m->n && m->d[iref] != ref) iref++;
        r->k = k;
        r->d_ref = ref;
        r->las_ref = m->las[iref];
        r->las_ref_sem = fc[f].sem->las[iref];
        r->u_ref = m->u_overlap[iref];
        r->v_ref = m->v_overlap[iref];
        r->sv1_ref = m->top_sv[iref * m->top_n];
        r->sv2_ref = m->top_sv[iref * m->top_n + 1];
        r->las_max = -HUGE_VAL;
        for (size_t i = 0; i < m->n; i++)
            if (m->las[i] > r->las_max) r->las_max = m->las[i];
        double sem_unused;
        exp_mean_sem(fc[f].sigma1, k, 1, &r->sigma1, &sem_unused);
        exp_mean_sem(fc[f].sigma2, k, 1, &r->sigma2, &sem_unused);
        r->full_sv_err = 0;
        for (size_t j = 0; j < k; j++) {
            const po_curves *cv = fc[f].cv[j];
            size_t last = (cv->n - 1) * cv->top_n;
            double e1 = fabs(cv->top_sv[last] - fc[f].sigma1[j]);
            double e2 = fabs(cv->top_sv[last + 1] - fc[f].sigma2[j]);
            if (e1 > r->full_sv_err) r->full_sv_err = e1;
            if (e2 > r->full_sv_err) r->full_sv_err = e2;
        }

        cJSON *o = po_report_curves_json(fc[f].mean, fc[f].sem, k, D);
        if (o) {
            cJSON_AddStringToObject(o, "family", fam[f].label);
            cJSON_AddItemToObject(o, "teacher_sigma1", po_report_array(fc[f].sigma1, k));
            cJSON_AddItemToObject(o, "teacher_sigma2", po_report_array(fc[f].sigma2, k));
            cJSON_AddNumberToObject(o, "d_ref", (double)ref);
            if (!cJSON_AddItemToObject(root, fam[f].label, o)) cJSON_Delete(o);
        }
    }
    if (st == PO_OK) {
        po_figure *fig = NULL;
        st = exp_figure(&fig, n, 3, 1950, 560 * (int)n, "%s; D = %zu, %zu teachers each", title,
                        fam[0].opts.D, k);
        for (size_t f = 0; st == PO_OK && f < n; f++) st = draw_row(fig, f, &fam[f], &fc[f], k);
        st = exp_figure_done(c, fig, st);
    }
    for (size_t f = 0; f < n; f++) fam_free(&fc[f], k);
    return st;
}

bool sub_claim_overlap(exp_claim_io *io)
{
    const size_t which = io->arg;
    const sub_results *R = io->res;
    const sub_result *r = R->r;
    const double chance = 1.0 / sqrt((double)r[0].d_ref);
    int len = snprintf(io->buf, io->size, "%c overlaps at d = %zu (chance %.3f):", (char)which,
                       r[0].d_ref, chance);
    size_t above = 0;
    for (size_t f = 0; f < R->n; f++) {
        const double o = which == 'u' ? r[f].u_ref : r[f].v_ref;
        above += o > 1.0 / sqrt((double)r[f].d_ref);
        if (len > 0 && (size_t)len < io->size)
            len += snprintf(io->buf + len, io->size - (size_t)len, "%s %.2f", f ? "," : "", o);
    }
    return above == R->n;
}
