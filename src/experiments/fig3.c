/* Fig 3 (SPEC.md §6): subsampling a feedforward chain (pure delay line, all
 * eigenvalues 0) makes the T -> infinity student look like a line attractor.
 *   (a) LAS vs d/D (log x) for D = 100, 200, ..., 1000 (po_curves_compute on
 *       the chain's closed-form covariance, on a log-spaced d grid);
 *   (b) Re lambda_1, Re lambda_2 and (c) tau_1, tau_2 of the d = 25 student
 *       vs D = 25 ... 5000, from the leading block of the chain covariance and
 *       the last-row formula (SPEC.md §4.3 item 3): only the last row of the
 *       student differs from the d x d shift.
 * No randomness: the chain is deterministic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "linalg/linalg.h"

enum { F3_D_OBS = 25 };
/* (b, c): 25 logspace(0, 2.30103, 10) truncated to integers (SPEC.md §6). */
static const size_t sweep_D[] = {25, 45, 81, 146, 263, 474, 854, 1540, 2775, 5000};
enum { N_SWEEP = sizeof sweep_D / sizeof sweep_D[0] };
/* SPEC.md §4.3 table (d = 25): top real part of the student, by D in sweep_D
 * (D = 25 is the Jordan block itself: 0). */
static const double table_re1[N_SWEEP] = {0.0,    0.7385, 0.816,  0.8765, 0.8993,
                                          0.9366, 0.9592, 0.9721, 0.9804, 0.9860};

/* The d = 25 student of the D-chain (D >= d): the d x d shift with the last
 * row r solving Sigma_dd r = Sigma[d, 0:d]^T ((B Sigma)_{d-1, j} = Sigma_{d, j}
 * for the superdiagonal chain), all from the (d+1) x d leading block. */
static po_status chain_student(size_t D, size_t d, po_mat *A)
{
    po_mat_set_zero(A);
    for (size_t i = 0; i + 1 < d; i++) PO_MAT_AT(A, i, i + 1) = 1.0;
    if (D == d) return PO_OK; /* B_dd is the Jordan block: (B Sigma)_{d-1, .} = 0 */
    po_mat *S = po_mat_alloc(d + 1, d);
    if (!S) return PO_ENOMEM;
    po_status st = po_chain_cov_block(D, d + 1, d, S);
    po_mat G = po_mat_block(S, 0, 0, d, d);
    if (st == PO_OK) st = po_la_cholesky(&G);
    if (st == PO_OK) {
        po_mat r = po_mat_block(S, d, 0, 1, d);
        po_la_cholesky_solve_right(&G, &r); /* r Sigma_dd = Sigma[d, 0:d] */
        memcpy(&PO_MAT_AT(A, d - 1, 0), r.data, d * sizeof(double));
    }
    po_mat_free(S);
    return st;
}

/* Panel (a): nD teachers of D[k] = 100 (k + 1), or 100 2^k when doubling;
 * panels (b, c): the d = 25 student for each D of sweep_D. */
typedef struct f3_job {
    size_t nD, doubling, npts;
    size_t D[16];
    po_curves *curves[16];
    double re1[N_SWEEP], re2[N_SWEEP], im1[N_SWEEP], tau1[N_SWEEP], tau2[N_SWEEP], las[N_SWEEP];
} f3_job;

static const exp_size f3_sizes[] = {
    EXP_SIZE(NULL, f3_job, nD, 10, 3),
    EXP_SIZE(NULL, f3_job, doubling, 0, 1),
    EXP_SIZE(NULL, f3_job, npts, 32, 14),
};

static void f3_free(void *job)
{
    f3_job *J = job;
    for (size_t k = 0; k < J->nD; k++) po_curves_free(J->curves[k]);
}

/* Panel (a): one curve per D. */
static po_status run_a(po_exp_ctx *c, f3_job *J)
{
    po_status st = PO_OK;
    for (size_t k = 0; st == PO_OK && k < J->nD; k++) {
        size_t D = J->D[k] = J->doubling ? (size_t)100 << k : 100 * (k + 1);
        po_teacher_opts to = po_teacher_opts_defaults(PO_NET_CHAIN, D);
        po_teacher *t = NULL;
        st = exp_teacher(&to, po_exp_seed(c), &t);
        size_t *grid = NULL, n = 0;
        if (st == PO_OK) st = exp_log_grid(2, D, J->npts, &grid, &n);
        po_curves_opts co = po_curves_opts_defaults();
        co.d_list = grid;
        co.n_list = n;
        co.top_n = 2;
        co.threads = po_exp_threads(c);
        if (st == PO_OK) {
            J->curves[k] = po_curves_alloc(n, co.top_n, false);
            if (!J->curves[k]) st = PO_ENOMEM;
        }
        if (st == PO_OK) st = po_curves_compute(t->W, &co, J->curves[k]);
        free(grid);
        po_teacher_free(t);
        po_exp_progress(c, k + 1, J->nD + 1);
    }
    return st;
}

/* Panels (b, c): the d = 25 student for each D. */
static po_status run_bc(f3_job *J)
{
    const size_t d = F3_D_OBS;
    po_mat *A = po_mat_alloc(d, d);
    po_spectrum *sp = po_spectrum_alloc(d);
    po_status st = A && sp ? PO_OK : PO_ENOMEM;
    for (size_t k = 0; st == PO_OK && k < N_SWEEP; k++) {
        st = chain_student(sweep_D[k], d, A);
        if (st == PO_OK) st = po_spectrum_compute(A, sp);
        if (st != PO_OK) break;
        J->re1[k] = sp->re[0];
        J->im1[k] = sp->im[0];
        J->re2[k] = sp->re[1];
        J->tau1[k] = sp->tau[0];
        J->tau2[k] = sp->tau[1];
        J->las[k] = sp->las;
    }
    po_mat_free(A);
    po_spectrum_free(sp);
    return st;
}

static po_status f3_compute(po_exp_ctx *c, void *job)
{
    f3_job *J = job;
    po_status st = run_a(c, J);
    if (st == PO_OK) st = run_bc(J);
    po_exp_progress(c, J->nD + 1, J->nD + 1);
    return st;
}

/* Mean LAS of curve cv over the d with lo < d/D <= hi. */
static double mean_las(const po_curves *cv, size_t D, double lo, double hi)
{
    double s = 0;
    size_t m = 0;
    for (size_t i = 0; i < cv->n; i++) {
        double f = (double)cv->d[i] / (double)D;
        if (f > lo && f <= hi) {
            s += cv->las[i];
            m++;
        }
    }
    return m ? s / (double)m : (double)NAN;
}

static po_status draw(po_exp_ctx *c, const void *job)
{
    const f3_job *J = job;
    po_figure *f = NULL;
    po_status st = exp_figure(&f, 1, 3, 1950, 620,
                              "Fig 3: feedforward chain (all eigenvalues 0) seen through d "
                              "neurons, T -> infinity student");
    if (st != PO_OK) return st;
    po_axes ax = exp_axes("(a) line attractor score of the student", "subsampling fraction d/D",
                          "LAS = log2(tau1/tau2)");
    ax.logx = true;
    ax.legend = true;
    po_panel *p = po_figure_panel(f, 0, 0, &ax);
    char labels[16][24];
    for (size_t k = 0; st == PO_OK && k < J->nD; k++) {
        const po_curves *cv = J->curves[k];
        double *x = malloc(cv->n * sizeof *x);
        if (!x) {
            st = PO_ENOMEM;
            break;
        }
        for (size_t i = 0; i < cv->n; i++) x[i] = (double)cv->d[i] / (double)J->D[k];
        snprintf(labels[k], sizeof labels[0], "D = %zu", J->D[k]);
        po_style s = exp_style(po_color_cycle(k), 1.5, labels[k]);
        s.dashed = k >= PO_COLOR_COUNT_; /* the colour cycle repeats: tell them apart */
        st = po_panel_line(p, x, cv->las, cv->n, &s);
        free(x);
    }
    double Dx[N_SWEEP];
    for (size_t k = 0; k < N_SWEEP; k++) Dx[k] = (double)sweep_D[k];
    const exp_series eig[] = {
        {EXP_LINE, Dx, J->re1, NULL, N_SWEEP, 0,
         {PO_COLOR_BLUE, 2, false, 1, "Re lambda1 (student)"}},
        {EXP_LINE, Dx, J->re2, NULL, N_SWEEP, 0,
         {PO_COLOR_ORANGE, 2, false, 1, "Re lambda2 (student)"}},
        {EXP_POINTS, Dx + 1, table_re1 + 1, NULL, N_SWEEP - 1, 0,
         {PO_COLOR_BLACK, 1, false, 0, "SPEC 4.3 table, lambda1"}},
        {EXP_HLINE, .level = 1.0, .style = {PO_COLOR_GREY, 1, true, 0, "teacher: all 0; Re = 1"}},
    };
    const exp_series tau[] = {
        {EXP_LINE, Dx, J->tau1, NULL, N_SWEEP, 0, {PO_COLOR_BLUE, 2, false, 1, "tau1 (student)"}},
        {EXP_LINE, Dx, J->tau2, NULL, N_SWEEP, 0, {PO_COLOR_ORANGE, 2, false, 1, "tau2 (student)"}},
        {EXP_HLINE, .level = 1.0, .style = {PO_COLOR_GREY, 1, true, 0, "teacher: tau = 1"}},
    };
    ax = exp_axes("(b) top two eigenvalues, d = 25 student", "teacher size D", "Re eigenvalue");
    ax.logx = true;
    ax.legend = true;
    if (st == PO_OK) st = exp_panel(f, 0, 1, &ax, eig, EXP_COUNT(eig));
    ax.title = "(c) top two time constants, d = 25 student";
    ax.ylabel = "tau = 1/(1 - Re lambda)";
    if (st == PO_OK) st = exp_panel(f, 0, 2, &ax, tau, EXP_COUNT(tau));
    return exp_figure_done(c, f, st);
}

static void record(void *job, cJSON *j, cJSON *sizes)
{
    (void)sizes;
    const f3_job *J = job;
    cJSON *pa = cJSON_AddObjectToObject(j, "panel_a_las_vs_fraction");
    cJSON_AddStringToObject(pa, "method",
                            "T -> infinity student from the chain's closed-form covariance "
                            "(po_curves_compute), d on a log-spaced grid from 2 to D");
    cJSON_AddNumberToObject(pa, "grid_points_requested", (double)J->npts);
    cJSON *curves = cJSON_AddArrayToObject(pa, "curves");
    for (size_t k = 0; k < J->nD; k++)
        cJSON_AddItemToArray(curves, po_report_curves_json(J->curves[k], NULL, 1, J->D[k]));
    cJSON *pb = cJSON_AddObjectToObject(j, "panels_bc_d25_student_vs_D");
    double Dd[N_SWEEP];
    for (size_t k = 0; k < N_SWEEP; k++) Dd[k] = (double)sweep_D[k];
    cJSON_AddNumberToObject(pb, "d", (double)F3_D_OBS);
    cJSON_AddItemToObject(pb, "D", po_report_array(Dd, N_SWEEP));
    cJSON_AddItemToObject(pb, "re_lambda1", po_report_array(J->re1, N_SWEEP));
    cJSON_AddItemToObject(pb, "im_lambda1", po_report_array(J->im1, N_SWEEP));
    cJSON_AddItemToObject(pb, "re_lambda2", po_report_array(J->re2, N_SWEEP));
    cJSON_AddItemToObject(pb, "tau1", po_report_array(J->tau1, N_SWEEP));
    cJSON_AddItemToObject(pb, "tau2", po_report_array(J->tau2, N_SWEEP));
    cJSON_AddItemToObject(pb, "line_attractor_score", po_report_array(J->las, N_SWEEP));
    cJSON_AddItemToObject(pb, "spec_table_re_lambda1", po_report_array(table_re1, N_SWEEP));
}

/* (a) LAS is larger at small fractions than at large ones, for every D. */
static bool claim_grows(exp_claim_io *io)
{
    const f3_job *J = io->res;
    size_t grow = 0;
    double worst_small = HUGE_VAL, best_large = -HUGE_VAL;
    for (size_t k = 0; k < J->nD; k++) {
        double small = mean_las(J->curves[k], J->D[k], 0.0, 0.1);
        double large = mean_las(J->curves[k], J->D[k], 0.5, 1.0);
        grow += small > large;
        if (small < worst_small) worst_small = small;
        if (large > best_large) best_large = large;
    }
    snprintf(io->buf, io->size,
             "mean LAS over d/D <= 0.1 exceeds that over d/D >= 0.5 for %zu of %zu D (D = "
             "%zu..%zu); smallest small-fraction mean %.2f, largest large-fraction mean %.2f",
             grow, J->nD, J->D[0], J->D[J->nD - 1], worst_small, best_large);
    return grow == J->nD;
}

/* (b) agreement with SPEC.md §4.3's table. */
static bool claim_table(exp_claim_io *io)
{
    const f3_job *J = io->res;
    double maxdiff = 0;
    for (size_t k = 0; k < N_SWEEP; k++) maxdiff = fmax(maxdiff, fabs(J->re1[k] - table_re1[k]));
    snprintf(io->buf, io->size,
             "max |difference| %.1e over D = 25..5000; Re lambda1 = %.4f at D = 5000 (table "
             "0.9860)",
             maxdiff, J->re1[N_SWEEP - 1]);
    return maxdiff < 1e-3;
}

/* (b) lambda1 -> 1. */
static bool claim_to_one(exp_claim_io *io)
{
    const f3_job *J = io->res;
    const double *re1 = J->re1;
    bool mono = true;
    for (size_t k = 5; k + 1 < N_SWEEP; k++) mono = mono && re1[k + 1] > re1[k];
    snprintf(io->buf, io->size,
             "Re lambda1 = %.4f, %.4f, %.4f, %.4f, %.4f at D = 474, 854, 1540, 2775, 5000 (%s); "
             "Re lambda2 = %.4f at D = 5000",
             re1[5], re1[6], re1[7], re1[8], re1[9], mono ? "increasing" : "NOT increasing",
             J->re2[N_SWEEP - 1]);
    return mono && re1[N_SWEEP - 1] > 0.98;
}

static bool claim_gap(exp_claim_io *io)
{
    const f3_job *J = io->res;
    const double *tau1 = J->tau1, *tau2 = J->tau2;
    size_t pairs = 0;
    for (size_t k = 2; k <= 4; k++) pairs += fabs(tau1[k] - tau2[k]) < 1e-9 * tau1[k];
    double gap = tau1[N_SWEEP - 1] / tau2[N_SWEEP - 1];
    snprintf(io->buf, io->size,
             "tau1 = tau2 (complex pair) at D = 81, 146, 263: %zu of 3; tau1/tau2 = %.2f at D = "
             "474, %.1f at D = 5000 (tau1 = %.1f, tau2 = %.2f; LAS %.2f)",
             pairs, tau1[5] / tau2[5], gap, tau1[N_SWEEP - 1], tau2[N_SWEEP - 1],
             J->las[N_SWEEP - 1]);
    return pairs == 3 && gap > 10;
}

static const exp_claim_row f3_claims[] = {
    {"(a) LAS grows as d/D shrinks (chain, T -> infinity), for every D", claim_grows, 0},
    {"(b) the d = 25 student's Re lambda1 matches the reference table (SPEC.md 4.3)", claim_table,
     0},
    {"(b) lambda1 -> 1 as D grows: non-vanishing eigenvalue although the teacher's are all 0",
     claim_to_one, 0},
    {"(c) the top-two time-constant gap opens beyond a threshold D (line-attractor-like "
     "student)",
     claim_gap, 0},
};

po_status po_exp_fig3(po_exp_ctx *c)
{
    static const exp_desc d = {f3_sizes, EXP_COUNT(f3_sizes), NULL, f3_compute, NULL, NULL,
                               record, f3_claims, EXP_COUNT(f3_claims), draw, f3_free};
    return exp_run(c, &d, &(f3_job){0});
}
