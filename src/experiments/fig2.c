/* Fig 2 (SPEC.md §6): symmetric (normal) teachers, without and with an
 * approximate line attractor (eigenvalue 0.999), D = 500, observed on d = 25
 * neurons (5%), nt = 30000. Students: the finite-T MAP (SPEC.md §4.1) and the
 * ridgeless T -> infinity student (SPEC.md §4.3; Sigma = (I - B)^{-1}/2).
 * Per teacher type, a row of panels: eigenvalues of the teacher (red) and
 * the MAP student (blue), the same with the T -> infinity student, and the
 * linear flow fields (W - I) x in the PC1-PC2 plane of the activity (SPEC.md
 * §5: shading |flow|^(1/10), arrows, activity coloured by time) of the
 * teacher (full activity) and of the MAP student (observed activity).
 * Claims over 20 seeded teachers of each type: no student eigenvalue has a
 * larger real part than the teacher's largest, and the line attractor is
 * recovered at 5%. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "experiments/flow.h"

enum { F2_TYPES = 2 };
/* Slack for "no larger real part": the T -> infinity bound is a theorem
 * (SPEC.md §4.3), so only rounding may exceed it. */
#define F2_TOL 1e-9

typedef struct f2_job {
    size_t D, d, T, k;
    uint64_t seed;
    /* per [type][teacher] */
    double *t_max, *map_max, *lim_max, *map_las, *lim_las; /* max Re = lambda1 */
    /* example teacher (teacher 0) of each type */
    po_spectrum *ex_t[F2_TYPES], *ex_map[F2_TYPES], *ex_lim[F2_TYPES];
    exp_flow *flow_t[F2_TYPES], *flow_s[F2_TYPES];
} f2_job;

static po_status f2_item(size_t item, void *user)
{
    f2_job *J = user;
    size_t type = item / J->k, j = item % J->k, at = item;
    po_teacher_opts to =
        po_teacher_opts_defaults(type == 0 ? PO_NET_SYMMETRIC : PO_NET_LINE_ATTRACTOR, J->D);
    uint64_t seed = J->seed + 1000 * type + j;
    po_teacher *t = NULL;
    po_mat *X = NULL, *A = NULL, *Ai = NULL, *Sigma = NULL;
    po_spectrum *st_ = NULL, *sm = NULL, *si = NULL;
    po_status st = exp_teacher(&to, seed, &t);
    po_sim_opts so = po_sim_opts_defaults();
    so.T = J->T;
    so.seed = seed;
    so.threads = 1; /* teachers run in parallel instead */
    if (st == PO_OK) st = exp_simulate(t->W, &so, NULL, &X);
    if (st == PO_OK) st = exp_map(X, J->d, &A);
    if (st == PO_OK) {
        Sigma = po_mat_alloc(J->D, J->D);
        po_cov_opts co = po_cov_opts_defaults(); /* symmetric closed form */
        st = Sigma ? po_stationary_cov(t->W, &co, Sigma, NULL) : PO_ENOMEM;
    }
    if (st == PO_OK) st = exp_limit_student(t->W, Sigma, J->d, &Ai);
    po_mat_free(Sigma);
    if (st == PO_OK) st = po_spectrum_new(t->W, &st_);
    if (st == PO_OK) st = po_spectrum_new(A, &sm);
    if (st == PO_OK) st = po_spectrum_new(Ai, &si);
    if (st == PO_OK) {
        J->t_max[at] = st_->re[0];
        J->map_max[at] = sm->re[0];
        J->lim_max[at] = si->re[0];
        J->map_las[at] = sm->las;
        J->lim_las[at] = si->las;
    }
    if (st == PO_OK && j == 0) {
        J->flow_t[type] = calloc(1, sizeof(exp_flow));
        J->flow_s[type] = calloc(1, sizeof(exp_flow));
        if (!J->flow_t[type] || !J->flow_s[type]) st = PO_ENOMEM;
        if (st == PO_OK) st = exp_flow_field(t->W, X, J->flow_t[type]);
        po_mat Y = po_mat_block(X, 0, 0, X->rows, J->d);
        if (st == PO_OK) st = exp_flow_field(A, &Y, J->flow_s[type]);
        if (st == PO_OK) {
            J->ex_t[type] = st_;
            J->ex_map[type] = sm;
            J->ex_lim[type] = si;
            st_ = sm = si = NULL;
        }
    }
    po_spectrum_free(st_);
    po_spectrum_free(sm);
    po_spectrum_free(si);
    po_mat_free(A);
    po_mat_free(Ai);
    po_mat_free(X);
    po_teacher_free(t);
    return st;
}

static const exp_size f2_sizes[] = {
    EXP_SIZE("D", f2_job, D, 500, 200),
    EXP_SIZE("d", f2_job, d, 25, 10), /* 5% */
    EXP_SIZE("T", f2_job, T, 30000, 30000),
    EXP_SIZE("teachers_per_type", f2_job, k, 20, 3),
};

static const char *const type_name[F2_TYPES] = {"symmetric", "symmetric + line attractor"};
static const char *const type_short[F2_TYPES] = {"no LA", "with LA"};

static po_status draw(po_exp_ctx *c, const void *job)
{
    const f2_job *J = job;
    po_figure *f = NULL;
    po_status st = exp_figure(&f, F2_TYPES, 4, 2800, 1250,
                              "Fig 2: symmetric teachers without (top) and with (bottom) a line "
                              "attractor (LA), D = %zu, d = %zu observed, MAP from T = %zu steps",
                              J->D, J->d, J->T);
    char tt[F2_TYPES][4][120];
    for (size_t ty = 0; st == PO_OK && ty < F2_TYPES; ty++) {
        snprintf(tt[ty][0], sizeof tt[ty][0], "%s: eigenvalues, MAP student", type_short[ty]);
        snprintf(tt[ty][1], sizeof tt[ty][1], "%s: eigenvalues, T -> inf student",
                 type_short[ty]);
        snprintf(tt[ty][2], sizeof tt[ty][2], "%s: teacher flow, PCA of %zu neurons",
                 type_short[ty], J->D);
        snprintf(tt[ty][3], sizeof tt[ty][3], "%s: MAP flow, PCA of %zu observed",
                 type_short[ty], J->d);
        const po_spectrum *t = J->ex_t[ty];
        const po_spectrum *s[2] = {J->ex_map[ty], J->ex_lim[ty]};
        for (size_t q = 0; st == PO_OK && q < 2; q++) {
            po_axes ax = exp_axes(tt[ty][q], "Re lambda", "Im lambda");
            ax.equal_aspect = true;
            po_panel *p = po_figure_panel(f, ty, q, &ax);
            st = po_panel_eigenvalues(p, t->re, t->im, t->n, s[q]->re, s[q]->im, s[q]->n);
        }
        const exp_flow *fl[2] = {J->flow_t[ty], J->flow_s[ty]};
        for (size_t q = 0; st == PO_OK && q < 2; q++) {
            po_axes ax = exp_axes(tt[ty][2 + q], "PC1", "PC2");
            po_panel *p = po_figure_panel(f, ty, 2 + q, &ax);
            st = exp_flow_panel(p, fl[q]);
        }
    }
    return exp_figure_done(c, f, st);
}

static void job_free(void *job)
{
    f2_job *J = job;
    free(J->t_max);
    for (size_t ty = 0; ty < F2_TYPES; ty++) {
        po_spectrum_free(J->ex_t[ty]);
        po_spectrum_free(J->ex_map[ty]);
        po_spectrum_free(J->ex_lim[ty]);
        free(J->flow_t[ty]);
        free(J->flow_s[ty]);
    }
}

static po_status setup(po_exp_ctx *c, void *job)
{
    f2_job *J = job;
    J->seed = po_exp_seed(c);
    return exp_arrays(F2_TYPES * J->k, &J->t_max, &J->map_max, &J->lim_max, &J->map_las,
                      &J->lim_las, NULL)
               ? PO_OK
               : PO_ENOMEM;
}

static size_t items(const void *job) { return F2_TYPES * ((const f2_job *)job)->k; }

static void record(void *job, cJSON *root, cJSON *sizes)
{
    (void)sizes;
    const f2_job *J = job;
    cJSON *types = cJSON_AddObjectToObject(root, "types");
    for (size_t ty = 0; ty < F2_TYPES; ty++) {
        size_t o = ty * J->k;
        cJSON *q = cJSON_AddObjectToObject(types, type_name[ty]);
        cJSON_AddItemToObject(q, "teacher_max_real_eigenvalue",
                              po_report_array(J->t_max + o, J->k));
        cJSON_AddItemToObject(q, "map_max_real_eigenvalue", po_report_array(J->map_max + o, J->k));
        cJSON_AddItemToObject(q, "limit_max_real_eigenvalue",
                              po_report_array(J->lim_max + o, J->k));
        cJSON_AddItemToObject(q, "map_line_attractor_score",
                              po_report_array(J->map_las + o, J->k));
        cJSON_AddItemToObject(q, "limit_line_attractor_score",
                              po_report_array(J->lim_las + o, J->k));
        cJSON *ex = cJSON_AddObjectToObject(q, "example_teacher_0");
        cJSON_AddItemToObject(ex, "teacher_eigenvalues", po_report_spectrum_json(J->ex_t[ty], 0));
        cJSON_AddItemToObject(ex, "map_eigenvalues", po_report_spectrum_json(J->ex_map[ty], 0));
        cJSON_AddItemToObject(ex, "limit_eigenvalues", po_report_spectrum_json(J->ex_lim[ty], 0));
        cJSON_AddItemToObject(ex, "teacher_flow", exp_flow_json(J->flow_t[ty]));
        cJSON_AddItemToObject(ex, "map_student_flow", exp_flow_json(J->flow_s[ty]));
    }
}

/* Teacher type arg: no student eigenvalue beyond the teacher's largest. */
static bool claim_bound(exp_claim_io *io)
{
    const size_t ty = io->arg;
    const f2_job *J = io->res;
    size_t o = ty * J->k, ok_map = 0, ok_lim = 0;
    double ex_map = -HUGE_VAL, ex_lim = -HUGE_VAL;
    for (size_t i = o; i < o + J->k; i++) {
        ok_map += J->map_max[i] <= J->t_max[i] + F2_TOL;
        ok_lim += J->lim_max[i] <= J->t_max[i] + F2_TOL;
        ex_map = fmax(ex_map, J->map_max[i] - J->t_max[i]);
        ex_lim = fmax(ex_lim, J->lim_max[i] - J->t_max[i]);
    }
    snprintf(io->buf, io->size,
             "holds for %zu/%zu MAP and %zu/%zu T -> infinity students; largest excess max "
             "Re(student) - max Re(teacher): MAP %.2g, T -> infinity %.2g",
             ok_map, J->k, ok_lim, J->k, ex_map, ex_lim);
    return ok_map == J->k && ok_lim == J->k;
}

static bool claim_recovered(exp_claim_io *io)
{
    const size_t ty = io->arg;
    const f2_job *J = io->res;
    size_t o = ty * J->k, las_map = 0, las_lim = 0;
    double mm, sm, ml, sl, mlm, slm, mll, sll;
    for (size_t i = o; i < o + J->k; i++) {
        las_map += J->map_las[i] > 1;
        las_lim += J->lim_las[i] > 1;
    }
    exp_mean_sem(J->map_max + o, J->k, 1, &mm, &sm);
    exp_mean_sem(J->lim_max + o, J->k, 1, &ml, &sl);
    exp_mean_sem(J->map_las + o, J->k, 1, &mlm, &slm);
    exp_mean_sem(J->lim_las + o, J->k, 1, &mll, &sll);
    snprintf(io->buf, io->size,
             "LAS > 1 for %zu/%zu MAP and %zu/%zu T -> infinity students; lambda1 MAP %.4f +- "
             "%.4f, T -> infinity %.4f +- %.4f; LAS MAP %.2f +- %.2f, T -> infinity %.2f +- %.2f "
             "(mean +- SEM)",
             las_map, J->k, las_lim, J->k, mm, sm, ml, sl, mlm, slm, mll, sll);
    return las_map == J->k && las_lim == J->k;
}

static const exp_claim_row f2_claims[] = {
    {"symmetric teachers: no student eigenvalue has a larger real part than the teacher's "
     "largest (finite T and T -> infinity)",
     claim_bound, 0},
    {"symmetric + line attractor teachers: no student eigenvalue has a larger real part than the "
     "teacher's largest (finite T and T -> infinity)",
     claim_bound, 1},
    {"the approximate line attractor (lambda1 = 0.999) is recovered at 5% observation: student "
     "LAS > 1, finite T and T -> infinity",
     claim_recovered, 1},
};

po_status po_exp_fig2(po_exp_ctx *c)
{
    static const exp_desc d = {f2_sizes, EXP_COUNT(f2_sizes), "parameters", setup, items,
                               f2_item, record, f2_claims, EXP_COUNT(f2_claims), draw,
                               job_free};
    return exp_run(c, &d, &(f2_job){0});
}
