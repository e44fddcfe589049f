/* Fig F.1 (SPEC.md §6): null-overlap low-rank teachers W = M N^T of rank
 * r = 1..5, scale 1 (gamma^2 = D / sqrt(r)), D = 500, observed on d = 25
 * neurons. The finite-T MAP student (nt = 30000, rho = 1e-3, SPEC.md §4.1)
 * has r - 1 eigenvalues near 1; the T -> infinity student (SPEC.md §4.3) has
 * r. 20 teachers per rank; top-10 Re lambda, mean +- SEM (ranks 2-5 plotted).
 *
 * The T -> infinity student uses the closed form of SPEC.md §4.3 for these
 * teachers: with B = M N^T and B^2 = 0 (N^T M = 0),
 *   Sigma   = (I + (B + B^T)/2 + B B^T / 2) / 2,
 *   B Sigma = (B + B B^T / 2) / 2,
 * and B B^T = gamma^2 M M^T, so the d x d blocks cost O(d^2 r) instead of a
 * D x D Lyapunov solve per teacher. The first teacher of each rank is checked
 * against po_stationary_cov + po_theory_student (the difference is in the JSON). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "linalg/linalg.h"

enum { F1_RANKS = 5, F1_TOP = 10, F1_D_OBS = 25 };
/* "Near 1": Re lambda > 0.9, i.e. tau > 10 against the teacher's tau = 1. */
#define F1_NEAR_ONE 0.9

typedef struct f1_job {
    size_t D, d, T, k;           /* k teachers per rank */
    uint64_t seed;
    double *map_re, *lim_re;     /* [rank-1][teacher][F1_TOP] */
    size_t *map_near, *lim_near; /* [rank-1][teacher] */
    double check_diff[F1_RANKS]; /* closed form vs Lyapunov, teacher 0 */
    /* over the teachers of each rank: [rank-1][F1_TOP] mean and SEM of Re lambda */
    double *mean_map, *sem_map, *mean_lim, *sem_lim;
    size_t ok_map[F1_RANKS], ok_lim[F1_RANKS]; /* teachers with r - 1 (MAP), r (limit) near 1 */
} f1_job;

static const exp_size f1_sizes[] = {
    EXP_SIZE("D", f1_job, D, 500, 500),
    EXP_SIZE("d", f1_job, d, F1_D_OBS, F1_D_OBS),
    EXP_SIZE("T", f1_job, T, 30000, 30000),
    EXP_SIZE("teachers_per_rank", f1_job, k, 20, 3),
};

/* A_inf of B = M N^T from the closed-form blocks above. */
static po_status limit_student_lowrank(const po_teacher *t, size_t d, po_mat *A)
{
    const po_mat *M = t->M, *N = t->N;
    size_t r = M->cols;
    po_mat *S = po_mat_alloc(d, d);
    if (!S) return PO_ENOMEM;
    double g2 = 0; /* gamma^2 = |N_k|^2 */
    for (size_t i = 0; i < N->rows; i++) g2 += PO_MAT_AT(N, i, 0) * PO_MAT_AT(N, i, 0);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double b_ij = 0, b_ji = 0, mm = 0;
            for (size_t q = 0; q < r; q++) {
                b_ij += PO_MAT_AT(M, i, q) * PO_MAT_AT(N, j, q);
                b_ji += PO_MAT_AT(M, j, q) * PO_MAT_AT(N, i, q);
                mm += PO_MAT_AT(M, i, q) * PO_MAT_AT(M, j, q);
            }
            double bbt = g2 * mm;
            PO_MAT_AT(S, i, j) = 0.5 * ((i == j) + 0.5 * (b_ij + b_ji) + 0.5 * bbt);
            PO_MAT_AT(A, i, j) = 0.5 * (b_ij + 0.5 * bbt); /* (B Sigma)_dd for now */
        }
    po_status st = po_la_cholesky(S);
    if (st == PO_OK) po_la_cholesky_solve_right(S, A); /* A Sigma_dd = (B Sigma)_dd */
    po_mat_free(S);
    return st;
}

/* Largest |difference| between the closed form and the general solver. */
static po_status check_general(const po_teacher *t, size_t d, const po_mat *A, double *diff)
{
    size_t D = t->W->rows;
    po_mat *Sigma = po_mat_alloc(D, D), *G = NULL;
    if (!Sigma) return PO_ENOMEM;
    po_cov_opts co = po_cov_opts_defaults();
    po_status st = po_stationary_cov(t->W, &co, Sigma, NULL);
    if (st == PO_OK) st = exp_limit_student(t->W, Sigma, d, &G);
    if (st == PO_OK) *diff = po_mat_max_abs_diff(A, G);
    po_mat_free(G);
    po_mat_free(Sigma);
    return st;
}

static void top_re(const po_spectrum *s, double *out)
{
    for (size_t i = 0; i < F1_TOP; i++) out[i] = i < s->n ? s->re[i] : 0.0;
}

static po_status f1_item(size_t item, void *user)
{
    f1_job *J = user;
    size_t ri = item / J->k, j = item % J->k, rank = ri + 1;
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LOWRANK, J->D);
    to.rank = rank;
    to.scale = 1.0;
    uint64_t seed = J->seed + 1000 * rank + j;
    po_teacher *t = NULL;
    po_mat *X = NULL, *Ah = NULL, *Ai = NULL;
    po_spectrum *sm = NULL, *si = NULL;
    po_status st = exp_teacher(&to, seed, &t);
    po_sim_opts so = po_sim_opts_defaults();
    so.T = J->T;
    so.seed = seed;
    so.threads = 1; /* the teachers run in parallel instead */
    if (st == PO_OK) st = exp_simulate(t->W, &so, NULL, &X);
    if (st == PO_OK) st = exp_map(X, J->d, &Ah);
    po_mat_free(X);
    if (st == PO_OK) {
        Ai = po_mat_alloc(J->d, J->d);
        st = Ai ? limit_student_lowrank(t, J->d, Ai) : PO_ENOMEM;
    }
    if (st == PO_OK && j == 0) st = check_general(t, J->d, Ai, &J->check_diff[ri]);
    if (st == PO_OK) st = po_spectrum_new(Ah, &sm);
    if (st == PO_OK) st = po_spectrum_new(Ai, &si);
    if (st == PO_OK) {
        size_t at = ri * J->k + j;
        top_re(sm, J->map_re + at * F1_TOP);
        top_re(si, J->lim_re + at * F1_TOP);
        J->map_near[at] = exp_count_above(sm, F1_NEAR_ONE);
        J->lim_near[at] = exp_count_above(si, F1_NEAR_ONE);
    }
    po_spectrum_free(sm);
    po_spectrum_free(si);
    po_mat_free(Ah);
    po_mat_free(Ai);
    po_teacher_free(t);
    return st;
}

static po_status draw(po_exp_ctx *c, const void *job)
{
    const f1_job *J = job;
    const double *mean_map = J->mean_map, *sem_map = J->sem_map, *mean_lim = J->mean_lim,
                 *sem_lim = J->sem_lim;
    po_figure *f = NULL;
    po_status st = exp_figure(&f, 2, 2, 1700, 1150,
                              "Fig F.1: rank-r null-overlap teachers, d = %zu of D = %zu: MAP (T "
                              "= %zu) vs T -> inf, %zu per rank",
                              J->d, J->D, J->T, J->k);
    double idx[F1_TOP];
    for (size_t i = 0; i < F1_TOP; i++) idx[i] = (double)(i + 1);
    char pt[4][64];
    for (size_t ri = 1; st == PO_OK && ri < F1_RANKS; ri++) {
        snprintf(pt[ri - 1], sizeof pt[0], "rank r = %zu", ri + 1);
        po_axes ax = exp_axes(pt[ri - 1], "eigenvalue index i (descending real part)",
                              "Re lambda_i of the student (mean +- SEM)");
        ax.xmin = 0.5;
        ax.xmax = F1_TOP + 0.5;
        ax.ymin = -0.2;
        ax.ymax = 1.1;
        ax.legend = true;
        size_t o = ri * F1_TOP;
        const exp_series s[] = {
            {EXP_BAND, idx, mean_map + o, sem_map + o, F1_TOP, 0, {PO_COLOR_BLUE, 2, false, 1, "finite-T MAP"}},
            {EXP_BAND, idx, mean_lim + o, sem_lim + o, F1_TOP, 0, {PO_COLOR_ORANGE, 2, false, 1, "T -> infinity"}},
            {EXP_HLINE, .level = 1.0, .style = {PO_COLOR_GREY, 1, false, 0, "Re = 1"}},
            {EXP_HLINE, .level = F1_NEAR_ONE, .style = {PO_COLOR_GREY, 1, true, 0, "threshold 0.9"}},
            {EXP_HLINE, .level = 0.0, .style = {PO_COLOR_RED, 1, false, 0, "teacher: all 0"}},
        };
        st = exp_panel(f, (ri - 1) / 2, (ri - 1) % 2, &ax, s, EXP_COUNT(s));
    }
    return exp_figure_done(c, f, st);
}

static po_status setup(po_exp_ctx *c, void *job)
{
    f1_job *J = job;
    J->seed = po_exp_seed(c);
    size_t items = F1_RANKS * J->k;
    J->map_re = malloc(items * F1_TOP * sizeof(double));
    J->lim_re = malloc(items * F1_TOP * sizeof(double));
    J->map_near = malloc(items * sizeof(size_t));
    J->lim_near = malloc(items * sizeof(size_t));
    double *stats = exp_arrays(F1_RANKS * F1_TOP, &J->mean_map, &J->sem_map, &J->mean_lim,
                               &J->sem_lim, NULL);
    return J->map_re && J->lim_re && J->map_near && J->lim_near && stats ? PO_OK : PO_ENOMEM;
}

static size_t items(const void *job) { return F1_RANKS * ((const f1_job *)job)->k; }

static void record(void *job, cJSON *root, cJSON *sizes)
{
    (void)sizes;
    f1_job *J = job;
    cJSON *ranks = cJSON_AddArrayToObject(root, "ranks");
    for (size_t ri = 0; ri < F1_RANKS; ri++) {
        for (size_t i = 0; i < F1_TOP; i++) {
            exp_mean_sem(J->map_re + ri * J->k * F1_TOP + i, J->k, F1_TOP,
                         &J->mean_map[ri * F1_TOP + i], &J->sem_map[ri * F1_TOP + i]);
            exp_mean_sem(J->lim_re + ri * J->k * F1_TOP + i, J->k, F1_TOP,
                         &J->mean_lim[ri * F1_TOP + i], &J->sem_lim[ri * F1_TOP + i]);
        }
        double nm[64], nl[64];
        for (size_t j = 0; j < J->k && j < 64; j++) {
            nm[j] = (double)J->map_near[ri * J->k + j];
            nl[j] = (double)J->lim_near[ri * J->k + j];
            J->ok_map[ri] += J->map_near[ri * J->k + j] == ri;     /* r - 1 */
            J->ok_lim[ri] += J->lim_near[ri * J->k + j] == ri + 1; /* r */
        }
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(ranks, o)) {
            cJSON_Delete(o);
            continue;
        }
        size_t o0 = ri * F1_TOP, nk = J->k < 64 ? J->k : 64;
        cJSON_AddNumberToObject(o, "rank", (double)(ri + 1));
        cJSON_AddNumberToObject(o, "gamma2", (double)J->D / sqrt((double)(ri + 1)));
        cJSON_AddItemToObject(o, "map_top_re_mean", po_report_array(J->mean_map + o0, F1_TOP));
        cJSON_AddItemToObject(o, "map_top_re_sem", po_report_array(J->sem_map + o0, F1_TOP));
        cJSON_AddItemToObject(o, "limit_top_re_mean", po_report_array(J->mean_lim + o0, F1_TOP));
        cJSON_AddItemToObject(o, "limit_top_re_sem", po_report_array(J->sem_lim + o0, F1_TOP));
        cJSON_AddItemToObject(o, "map_count_above_0.9", po_report_array(nm, nk));
        cJSON_AddItemToObject(o, "limit_count_above_0.9", po_report_array(nl, nk));
        cJSON_AddNumberToObject(o, "closed_form_vs_lyapunov_max_abs_diff", J->check_diff[ri]);
    }
    cJSON *p = exp_sizes_json(root, "parameters", f1_sizes, EXP_COUNT(f1_sizes), J);
    cJSON_AddNumberToObject(p, "near_one_threshold", F1_NEAR_ONE);
}

/* "r=1: 3/20, r=2: ..." of ok[] out of k teachers; returns the sum of ok[]. */
static size_t per_rank(char *buf, size_t size, const size_t *ok, size_t k)
{
    size_t all = 0, len = 0;
    for (size_t ri = 0; ri < F1_RANKS; ri++) {
        all += ok[ri];
        len += (size_t)snprintf(buf + len, size - len, "%sr=%zu: %zu/%zu", ri ? ", " : "",
                                ri + 1, ok[ri], k);
    }
    return all;
}

static bool claim_limit(exp_claim_io *io)
{
    const f1_job *J = io->res;
    char blim[256];
    size_t all = per_rank(blim, sizeof blim, J->ok_lim, J->k);
    double maxdiff = 0;
    for (size_t ri = 0; ri < F1_RANKS; ri++)
        if (J->check_diff[ri] > maxdiff) maxdiff = J->check_diff[ri];
    snprintf(io->buf, io->size,
             "teachers with exactly r: %s (closed form vs Lyapunov solve: max |diff| %.1e)", blim,
             maxdiff);
    return all == F1_RANKS * J->k;
}

static bool claim_map(exp_claim_io *io)
{
    const f1_job *J = io->res;
    char bmap[256], br[256];
    size_t all = per_rank(bmap, sizeof bmap, J->ok_map, J->k), lr = 0;
    for (size_t ri = 0; ri < F1_RANKS; ri++) /* the r-th eigenvalue: the one finite T loses */
        lr += (size_t)snprintf(br + lr, sizeof br - lr, "%sr=%zu: %.3f vs %.3f", ri ? ", " : "",
                               ri + 1, J->mean_map[ri * F1_TOP + ri],
                               J->mean_lim[ri * F1_TOP + ri]);
    snprintf(io->buf, io->size,
             "teachers with exactly r - 1: %s (holds if >= 90%% of all); mean Re lambda_r, MAP "
             "vs T -> infinity: %s",
             bmap, br);
    return all * 10 >= F1_RANKS * J->k * 9;
}

static const exp_claim_row f1_claims[] = {
    {"T -> infinity: r student eigenvalues near 1 (Re > 0.9) for a rank-r teacher", claim_limit,
     0},
    {"finite T (nt = 30000, rho = 1e-3): only r - 1 near 1 (Re > 0.9)", claim_map, 0},
};

static void release(void *job)
{
    f1_job *J = job;
    free(J->map_re);
    free(J->lim_re);
    free(J->map_near);
    free(J->lim_near);
    free(J->mean_map);
}

po_status po_exp_figF1(po_exp_ctx *c)
{
    static const exp_desc d = {f1_sizes, EXP_COUNT(f1_sizes), NULL, setup, items, f1_item,
                               record, f1_claims, EXP_COUNT(f1_claims), draw, release};
    return exp_run(c, &d, &(f1_job){0});
}
