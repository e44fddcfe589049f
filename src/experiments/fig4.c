/* Fig 4 (SPEC.md §6): null-overlap low-rank linear teachers (rank 2 and 3,
 * scale 0.2: gamma^2 = 0.2 D / sqrt(r); every eigenvalue 0), D = 500,
 * observed on d = 25 neurons (5%), nt = 30000, MAP student (SPEC.md §4.1).
 * Per rank, a row of panels:
 *   eigenvalues (teacher red, student blue);
 *   traces of neurons 4-8 over 4000 steps, teacher red vs student blue, the
 *     student run from the teacher's IC and with the teacher's noise on its
 *     neurons (SPEC.md §1.6);
 *   noise-free trajectories (SPEC.md §5 "Limit sets") of the student at 5%,
 *     of the 50% student (d = 250) and of the teacher, in their PC1-PC2
 *     planes, coloured by time.
 * Claims: r - 1 finite-T outliers near 1 (a spurious line / plane attractor)
 * although the activity is reproduced. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "experiments/nl_pipeline.h"
#include "partobs/rng.h"

#define F4_SCALE 0.2
#define F4_NEAR_ONE 0.9 /* "near 1": tau > 10 against the teacher's tau = 1 */
enum { F4_NEURON0 = 4, F4_NEURONS = 5 };

typedef struct f4_sizes {
    size_t D, d, d50, T, trace_T;
    po_traj_opts traj;
} f4_sizes;

/* What one rank produces. */
typedef struct f4_case {
    size_t rank;
    po_teacher *t;
    po_mat *A, *A50;                  /* MAP students at d and d50 */
    po_spectrum *st, *ss, *ss50;      /* spectra: teacher, students */
    po_mat *tr_teacher, *tr_student;  /* trace_T x F4_NEURONS */
    double trace_rel_err;             /* ||student - teacher|| / ||teacher|| on the traces */
    po_mat *traj[3];                  /* noise-free trajectories: student d, student d50, teacher */
    double end_ratio[3];              /* mean |x(end)| / |x(0)| over trajectories */
    double late_var1[3];              /* variance fraction of PC1 over the late halves */
    double late_var2[3];              /* of PC1 + PC2 */
} f4_case;

/* The figure: its sizes and the two ranks (2 and 3). */
typedef struct f4_job {
    f4_sizes z;
    f4_case cs[2];
} f4_job;

/* The paper's sizes at --quick too, but fewer, shorter noise-free
 * trajectories (po_traj_opts_defaults() at full size). */
static const exp_size f4_table[] = {
    EXP_SIZE("D", f4_job, z.D, 500, 500),
    EXP_SIZE("d", f4_job, z.d, 25, 25),
    EXP_SIZE("d_50", f4_job, z.d50, 250, 250),
    EXP_SIZE("T", f4_job, z.T, 30000, 30000),
    EXP_SIZE(NULL, f4_job, z.trace_T, 4000, 4000),
    EXP_SIZE(NULL, f4_job, z.traj.n_traj, EXP_KEEP, 6),
    EXP_SIZE(NULL, f4_job, z.traj.steps, EXP_KEEP, 3000),
};

static void case_free(f4_case *c)
{
    po_teacher_free(c->t);
    po_mat_free(c->A);
    po_mat_free(c->A50);
    po_spectrum_free(c->st);
    po_spectrum_free(c->ss);
    po_spectrum_free(c->ss50);
    po_mat_free(c->tr_teacher);
    po_mat_free(c->tr_student);
    for (size_t k = 0; k < 3; k++) po_mat_free(c->traj[k]);
}

/* The student run from the teacher's IC x0 (first d entries) and the
 * teacher's noise xi on its d neurons (SPEC.md §1.6). */
static po_status student_traces(const f4_sizes *z, const f4_case *c, uint64_t seed,
                                po_mat *out)
{
    size_t D = z->D, d = c->A->rows, T = z->trace_T;
    double *x0 = malloc(D * sizeof *x0);
    po_mat *xi = po_mat_alloc(T, D), *Xs = po_mat_alloc(T, d);
    po_linop *op = NULL;
    po_status st = x0 && xi && Xs ? PO_OK : PO_ENOMEM;
    if (st == PO_OK) {
        /* The draws po_sim_run makes for the teacher: x0 from the IC stream,
         * then xi row by row from the process-noise stream. */
        po_sim_draw_ic(seed, 1.0, x0, D);
        po_rng rng;
        po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
        for (size_t t = 0; t + 1 < T; t++) po_rng_fill_normal(&rng, &PO_MAT_AT(xi, t, 0), D, 1, 1.0);
        st = po_linop_dense(c->A, &op);
    }
    if (st == PO_OK) {
        po_sim_opts so = po_sim_opts_defaults();
        so.T = T;
        so.seed = seed;
        po_mat xid = po_mat_block(xi, 0, 0, T, d);
        po_sim_inputs in = {x0, &xid, NULL, NULL};
        st = po_sim_run(op, &so, &in, Xs);
    }
    if (st == PO_OK) {
        po_mat b = po_mat_block(Xs, 0, F4_NEURON0, T, F4_NEURONS);
        st = po_mat_copy(out, &b);
    }
    po_linop_free(op);
    po_mat_free(Xs);
    po_mat_free(xi);
    free(x0);
    return st;
}

/* Noise-free trajectories of W and their summaries: the mean ratio of the
 * final to the initial norm, and how much of the late-half variance PC1 and
 * PC1 + PC2 carry (a line / plane attractor concentrates it). */
static po_status trajectories(const po_mat *W, const po_traj_opts *o, po_mat **X,
                              double *end_ratio, double *var1, double *var2)
{
    size_t rows = po_traj_rows(o), n = W->rows;
    *X = po_mat_alloc(o->n_traj * rows, n);
    if (!*X) return PO_ENOMEM;
    po_status st = po_noise_free_trajectories(W, o, *X);
    if (st != PO_OK) return st;
    double ratio = 0;
    for (size_t k = 0; k < o->n_traj; k++) {
        double a = 0, b = 0;
        for (size_t j = 0; j < n; j++) {
            double u = PO_MAT_AT(*X, k * rows, j), v = PO_MAT_AT(*X, k * rows + rows - 1, j);
            a += u * u;
            b += v * v;
        }
        ratio += a > 0 ? sqrt(b / a) : 0.0;
    }
    *end_ratio = ratio / (double)o->n_traj;
    /* Late halves of every trajectory, stacked. */
    size_t half = rows / 2, m = o->n_traj * (rows - half);
    po_mat *L = po_mat_alloc(m, n);
    if (!L) return PO_ENOMEM;
    for (size_t k = 0; k < o->n_traj; k++)
        for (size_t r = half; r < rows; r++)
            memcpy(&PO_MAT_AT(L, k * (rows - half) + r - half, 0), &PO_MAT_AT(*X, k * rows + r, 0),
                   n * sizeof(double));
    double total = 0;
    for (size_t j = 0; j < n; j++) {
        double mu = 0, ss = 0;
        for (size_t i = 0; i < m; i++) mu += PO_MAT_AT(L, i, j);
        mu /= (double)m;
        for (size_t i = 0; i < m; i++) ss += (PO_MAT_AT(L, i, j) - mu) * (PO_MAT_AT(L, i, j) - mu);
        total += ss / (double)(m - 1);
    }
    po_pca *p = NULL;
    st = po_pca_fit(L, n >= 2 ? 2 : 1, &p);
    if (st == PO_OK) {
        *var1 = total > 0 ? p->var[0] / total : (double)NAN;
        *var2 = total > 0 && p->k > 1 ? (p->var[0] + p->var[1]) / total : (double)NAN;
    }
    po_pca_free(p);
    po_mat_free(L);
    return st;
}

static po_status run_case(po_exp_ctx *ctx, const f4_sizes *z, f4_case *c)
{
    uint64_t seed = po_exp_seed(ctx) + c->rank;
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LOWRANK, z->D);
    to.rank = c->rank;
    to.scale = F4_SCALE;
    po_status st = exp_teacher(&to, seed, &c->t);
    po_sim_opts so = po_sim_opts_defaults();
    so.T = z->T;
    so.seed = seed;
    po_mat *X = NULL;
    if (st == PO_OK) st = exp_simulate(c->t->W, &so, NULL, &X);
    if (st == PO_OK) st = exp_map(X, z->d, &c->A);
    if (st == PO_OK) st = exp_map(X, z->d50, &c->A50);
    if (st == PO_OK) {
        c->tr_teacher = po_mat_alloc(z->trace_T, F4_NEURONS);
        c->tr_student = po_mat_alloc(z->trace_T, F4_NEURONS);
        if (!c->tr_teacher || !c->tr_student) st = PO_ENOMEM;
    }
    if (st == PO_OK) {
        po_mat b = po_mat_block(X, 0, F4_NEURON0, z->trace_T, F4_NEURONS);
        st = po_mat_copy(c->tr_teacher, &b);
    }
    po_mat_free(X);
    if (st == PO_OK) st = student_traces(z, c, seed, c->tr_student);
    if (st == PO_OK) {
        double e = 0, n = 0;
        for (size_t i = 0; i < z->trace_T; i++)
            for (size_t j = 0; j < F4_NEURONS; j++) {
                double a = PO_MAT_AT(c->tr_teacher, i, j), b = PO_MAT_AT(c->tr_student, i, j);
                e += (a - b) * (a - b);
                n += a * a;
            }
        c->trace_rel_err = sqrt(e / n);
    }
    po_exp_progress(ctx, 2 * c->rank - 3, 5);
    if (st == PO_OK) st = po_spectrum_new(c->t->W, &c->st);
    if (st == PO_OK) st = po_spectrum_new(c->A, &c->ss);
    if (st == PO_OK) st = po_spectrum_new(c->A50, &c->ss50);
    const po_mat *nets[3] = {c->A, c->A50, c->t->W};
    for (size_t k = 0; st == PO_OK && k < 3; k++) {
        po_traj_opts o = z->traj;
        o.seed = seed + 17 * k; /* own initial states per network, as the reference draws */
        st = trajectories(nets[k], &o, &c->traj[k], &c->end_ratio[k], &c->late_var1[k],
                          &c->late_var2[k]);
    }
    po_exp_progress(ctx, 2 * c->rank - 2, 5);
    return st;
}

/* PC1-PC2 of the trajectories, one line per trajectory coloured by t/T,
 * after dropping the first `drop` fraction of each (SPEC.md §5). */
static po_status traj_panel(po_panel *p, const po_mat *X, const po_traj_opts *o, double drop)
{
    size_t rows = po_traj_rows(o);
    po_pca *pca = NULL;
    po_status st = po_pca_fit(X, 2, &pca);
    po_mat *Z = st == PO_OK ? po_mat_alloc(X->rows, 2) : NULL;
    if (st == PO_OK && !Z) st = PO_ENOMEM;
    if (st == PO_OK) st = po_pca_project(pca, X, Z);
    size_t skip = (size_t)(drop * (double)rows), len = rows - skip;
    double *buf = st == PO_OK ? malloc(3 * len * sizeof *buf) : NULL;
    if (st == PO_OK && !buf) st = PO_ENOMEM;
    for (size_t k = 0; st == PO_OK && k < o->n_traj; k++) {
        double *x = buf, *y = buf + len, *t = buf + 2 * len;
        for (size_t r = 0; r < len; r++) {
            x[r] = PO_MAT_AT(Z, k * rows + skip + r, 0);
            y[r] = PO_MAT_AT(Z, k * rows + skip + r, 1);
            t[r] = (double)(skip + r) / (double)(rows - 1);
        }
        st = po_panel_line_colored(p, x, y, t, len, k == 0 ? "time t/T" : NULL);
    }
    free(buf);
    po_mat_free(Z);
    po_pca_free(pca);
    return st;
}

static po_status draw(po_exp_ctx *ctx, const void *job)
{
    const f4_job *J = job;
    const f4_sizes *z = &J->z;
    const f4_case *cs = J->cs;
    const size_t n = 2;
    po_figure *f = NULL;
    po_status st = exp_figure(&f, n, 5, 2900, 620 * (int)n,
                              "Fig 4: null-overlap low-rank teachers (all eigenvalues 0), D = "
                              "%zu, MAP students from T = %zu steps",
                              z->D, z->T);
    char tt[5][2][140];
    for (size_t r = 0; st == PO_OK && r < n; r++) {
        const f4_case *c = &cs[r];
        size_t R = c->rank;
        snprintf(tt[0][r], sizeof tt[0][r], "rank %zu: eigenvalues, teacher vs d = %zu student",
                 R, z->d);
        snprintf(tt[1][r], sizeof tt[1][r], "rank %zu: neurons %d-%d, same IC and noise", R,
                 F4_NEURON0, F4_NEURON0 + F4_NEURONS - 1);
        snprintf(tt[2][r], sizeof tt[2][r], "rank %zu: noise-free student, d = %zu (5%%)", R,
                 z->d);
        snprintf(tt[3][r], sizeof tt[3][r], "rank %zu: noise-free student, d = %zu (50%%)", R,
                 z->d50);
        snprintf(tt[4][r], sizeof tt[4][r], "rank %zu: noise-free teacher, D = %zu", R, z->D);
        po_axes ax = exp_axes(tt[0][r], "Re lambda", "Im lambda");
        ax.equal_aspect = true;
        po_panel *p = po_figure_panel(f, r, 0, &ax);
        st = po_panel_eigenvalues(p, c->st->re, c->st->im, c->st->n, c->ss->re, c->ss->im,
                                  c->ss->n);

        ax = exp_axes(tt[1][r], "time (tau units)", "0.7 x_i + 2.5 (i - 4)");
        ax.legend = true;
        if (st == PO_OK)
            st = po_nl_panel_traces(po_figure_panel(f, r, 1, &ax), c->tr_teacher, c->tr_student,
                                    0, z->trace_T, 0.01, 1.6);
        for (size_t k = 0; st == PO_OK && k < 3; k++) {
            ax = exp_axes(tt[2 + k][r], "PC1", "PC2");
            p = po_figure_panel(f, r, 2 + k, &ax);
            st = traj_panel(p, c->traj[k], &z->traj, k == 2 ? 0.06 : 0.05);
        }
    }
    return exp_figure_done(ctx, f, st);
}

static po_status compute(po_exp_ctx *ctx, void *job)
{
    f4_job *J = job;
    po_status st = PO_OK;
    for (size_t r = 0; st == PO_OK && r < 2; r++) st = run_case(ctx, &J->z, &J->cs[r]);
    po_exp_progress(ctx, 5, 5);
    return st;
}

static void record(void *job, cJSON *j, cJSON *p)
{
    const f4_job *J = job;
    const f4_sizes *z = &J->z;
    cJSON_AddNumberToObject(p, "scale", F4_SCALE);
    cJSON_AddNumberToObject(p, "trajectories", (double)z->traj.n_traj);
    cJSON_AddNumberToObject(p, "trajectory_steps", (double)z->traj.steps);
    cJSON *arr = cJSON_AddArrayToObject(j, "ranks");
    for (size_t r = 0; r < 2; r++) {
        const f4_case *c = &J->cs[r];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            continue;
        }
        cJSON_AddNumberToObject(o, "rank", (double)c->rank);
        cJSON_AddItemToObject(o, "teacher_eigenvalues", po_report_spectrum_json(c->st, 10));
        cJSON_AddItemToObject(o, "student_eigenvalues", po_report_spectrum_json(c->ss, 0));
        cJSON_AddItemToObject(o, "student_50_eigenvalues", po_report_spectrum_json(c->ss50, 10));
        cJSON_AddNumberToObject(o, "student_count_re_above_0.9",
                                (double)exp_count_above(c->ss, F4_NEAR_ONE));
        cJSON_AddNumberToObject(o, "student_50_count_re_above_0.9",
                                (double)exp_count_above(c->ss50, F4_NEAR_ONE));
        cJSON_AddNumberToObject(o, "trace_relative_error", c->trace_rel_err);
        /* Every 10th step (a row stride of 10 rows) keeps the file small. */
        size_t m = z->trace_T / 10;
        cJSON_AddItemToObject(o, "traces_teacher_every_10th_step",
                              po_report_matrix(c->tr_teacher->data, m, F4_NEURONS,
                                               10 * c->tr_teacher->ld));
        cJSON_AddItemToObject(o, "traces_student_every_10th_step",
                              po_report_matrix(c->tr_student->data, m, F4_NEURONS,
                                               10 * c->tr_student->ld));
        static const char *const who[3] = {"student", "student_50", "teacher"};
        cJSON *tj = cJSON_AddObjectToObject(o, "noise_free_trajectories");
        for (size_t k = 0; k < 3; k++) {
            cJSON *q = cJSON_AddObjectToObject(tj, who[k]);
            cJSON_AddNumberToObject(q, "mean_final_over_initial_norm", c->end_ratio[k]);
            cJSON_AddNumberToObject(q, "late_half_pc1_variance_fraction", c->late_var1[k]);
            cJSON_AddNumberToObject(q, "late_half_pc12_variance_fraction", c->late_var2[k]);
        }
    }
}

static bool claim_outliers(exp_claim_io *io)
{
    const f4_job *J = io->res;
    const f4_case *cs = J->cs;
    size_t n2 = exp_count_above(cs[0].ss, F4_NEAR_ONE), n3 = exp_count_above(cs[1].ss, F4_NEAR_ONE);
    size_t t2 = exp_count_above(cs[0].st, F4_NEAR_ONE), t3 = exp_count_above(cs[1].st, F4_NEAR_ONE);
    snprintf(io->buf, io->size,
             "rank 2: %zu (Re lambda = %.3f, %.3f, %.3f); rank 3: %zu (%.3f, %.3f, %.3f); "
             "teachers: %zu, %zu (max Re %.1e, %.1e); 50%% students (d = %zu): %zu, %zu",
             n2, cs[0].ss->re[0], cs[0].ss->re[1], cs[0].ss->re[2], n3, cs[1].ss->re[0],
             cs[1].ss->re[1], cs[1].ss->re[2], t2, t3, cs[0].st->re[0], cs[1].st->re[0], J->z.d50,
             exp_count_above(cs[0].ss50, F4_NEAR_ONE), exp_count_above(cs[1].ss50, F4_NEAR_ONE));
    return n2 == 1 && n3 == 2 && t2 == 0 && t3 == 0;
}

/* A line attractor: tau1 >> tau2 (LAS > 1); a plane: tau1, tau2 >> tau3. */
static bool claim_attractors(exp_claim_io *io)
{
    const f4_case *cs = ((const f4_job *)io->res)->cs;
    const po_spectrum *s2 = cs[0].ss, *s3 = cs[1].ss;
    double plane3 = log2(s3->tau[1] / s3->tau[2]);
    snprintf(io->buf, io->size,
             "rank 2: tau = %.1f, %.2f (LAS %.2f); rank 3: tau = %.1f, %.1f, %.2f (log2 tau2/tau3 "
             "= %.2f); teacher tau = 1",
             s2->tau[0], s2->tau[1], s2->las, s3->tau[0], s3->tau[1], s3->tau[2], plane3);
    return s2->las > 1 && plane3 > 1;
}

static bool claim_settle(exp_claim_io *io)
{
    const f4_job *J = io->res;
    const f4_case *cs = J->cs;
    snprintf(io->buf, io->size,
             "late-half variance in PC1 (rank 2) %.3f, in PC1-2 (rank 3) %.3f; final/initial norm "
             "after %zu steps: 5%% students %.2g, %.2g; 50%% students %.2g, %.2g; teachers %.2g, "
             "%.2g",
             cs[0].late_var1[0], cs[1].late_var2[0], J->z.traj.steps, cs[0].end_ratio[0],
             cs[1].end_ratio[0], cs[0].end_ratio[1], cs[1].end_ratio[1], cs[0].end_ratio[2],
             cs[1].end_ratio[2]);
    return cs[0].late_var1[0] > 0.95 && cs[1].late_var2[0] > 0.95 && cs[0].end_ratio[2] < 1e-6 &&
           cs[1].end_ratio[2] < 1e-6;
}

static bool claim_traces(exp_claim_io *io)
{
    const f4_case *cs = ((const f4_job *)io->res)->cs;
    snprintf(io->buf, io->size,
             "relative error of neurons 4-8 over 4000 steps: %.3f (rank 2), %.3f (rank 3)",
             cs[0].trace_rel_err, cs[1].trace_rel_err);
    return cs[0].trace_rel_err < 0.3 && cs[1].trace_rel_err < 0.3;
}

static const exp_claim_row f4_claims[] = {
    {"finite T: r - 1 student eigenvalues near 1 (Re > 0.9): one for rank 2, two for rank 3; "
     "the teachers have none",
     claim_outliers, 0},
    {"spurious line attractor (rank 2) and plane attractor (rank 3) in the 5% student",
     claim_attractors, 0},
    {"noise-free student trajectories settle on a line (rank 2) / plane (rank 3); the teacher's "
     "decay to the origin",
     claim_settle, 0},
    {"the activity is reproduced almost perfectly (student run with the teacher's IC and noise)",
     claim_traces, 0},
};

static void release(void *job)
{
    f4_job *J = job;
    for (size_t r = 0; r < 2; r++) case_free(&J->cs[r]);
}

po_status po_exp_fig4(po_exp_ctx *ctx)
{
    static const exp_desc d = {f4_table, EXP_COUNT(f4_table), "parameters", compute, NULL, NULL,
                               record, f4_claims, EXP_COUNT(f4_claims), draw, release};
    f4_job J = {.z = {.traj = po_traj_opts_defaults()}, .cs = {{.rank = 2}, {.rank = 3}}};
    return exp_run(ctx, &d, &J);
}
