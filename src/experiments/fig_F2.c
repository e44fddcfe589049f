/* Fig F.2 (SPEC.md §6): a generic non-normal nonlinear teacher (triangular,
 * scale 2.8, complex-Schur variant with a zero diagonal, Haar-rotated; tanh,
 * leaky-current) observed on 10% of its neurons and fitted by MAP, BPTT and
 * BPTT with 200 hidden units. The claim: all three students overestimate the
 * teacher's eigenvalues (student max Re lambda above the teacher's).
 */
#include <math.h>
#include <stdio.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "experiments/nl_pipeline.h"

enum { F2_METHODS = 3 };

typedef struct f2_sizes {
    size_t D, T, d, hidden, plot_time, panel_steps;
    po_nl_fit_cfg fit;
} f2_sizes;

/* SPEC.md §6 F.2: D 500, nt 30000, d 50, 200 hidden, plot_time 16000; BPTT
 * at po_nl_fit_cfg_defaults()'s sizes. */
static const exp_size f2_table[] = {
    EXP_SIZE("D", f2_sizes, D, 500, 80),
    EXP_SIZE("T", f2_sizes, T, 30000, 3000),
    EXP_SIZE("d", f2_sizes, d, 50, 8),
    EXP_SIZE("hidden", f2_sizes, hidden, 200, 16),
    EXP_SIZE("bptt_epochs", f2_sizes, fit.bptt_epochs, EXP_KEEP, 2),
    EXP_SIZE(NULL, f2_sizes, fit.bptt_window, EXP_KEEP, 100),
    EXP_SIZE(NULL, f2_sizes, plot_time, 16000, 2000),
    EXP_SIZE(NULL, f2_sizes, panel_steps, 5000, 2000),
};

/* Top panel: each network's largest Re lambda, the teacher's as a line. */
static po_status draw_max_re(po_panel *p, double teacher, const double *students)
{
    double x[F2_METHODS] = {1, 2, 3};
    po_style s = po_style_defaults();
    s.color = PO_COLOR_RED;
    s.dashed = true;
    s.label = "teacher";
    po_status st = po_panel_hline(p, teacher, &s);
    s = po_style_defaults();
    s.color = PO_COLOR_BLUE;
    s.marker = 2.0;
    s.label = "student";
    if (!st) st = po_panel_points(p, x, students, F2_METHODS, &s);
    static const char *const names[F2_METHODS] = {"MAP", "BPTT", "BPTT+hidden"};
    s = po_style_defaults();
    for (size_t i = 0; i < F2_METHODS && !st; i++)
        st = po_panel_text(p, x[i] + 0.08, students[i], names[i], &s);
    return st;
}

/* What the claims read: the teacher's and each student's largest Re lambda. */
typedef struct f2_claimed {
    double teacher;
    size_t d;
    double max_re[F2_METHODS];
    size_t units[F2_METHODS];
} f2_claimed;

/* Student arg overestimates the teacher's eigenvalues. */
static bool claim_over(exp_claim_io *io)
{
    const size_t i = io->arg;
    const f2_claimed *r = io->res;
    snprintf(io->buf, io->size,
             "student max Re lambda %.3f vs teacher %.3f (%zu-unit student, %zu hidden)",
             r->max_re[i], r->teacher, r->units[i], r->units[i] - r->d);
    return r->max_re[i] > r->teacher;
}

static const exp_claim_row f2_claims[F2_METHODS] = {
    {"F.2: MAP (10%) overestimates the triangular teacher's eigenvalues", claim_over, 0},
    {"F.2: BPTT (10%) overestimates the teacher's eigenvalues", claim_over, 1},
    {"F.2: BPTT with hidden units overestimates the teacher's eigenvalues too", claim_over, 2},
};

po_status po_exp_figF2(po_exp_ctx *c)
{
    const po_repro_opts *o = po_exp_opts(c);
    uint64_t seed = po_exp_seed(c);
    f2_sizes s = {.fit = po_nl_fit_cfg_defaults()};
    exp_sizes_set(c, f2_table, EXP_COUNT(f2_table), &s);
    s.fit.seed = seed;
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_TRIANGULAR, s.D);
    to.scale = 2.8;
    to.use_schur = true;
    to.diagonal_comp = 0.0;
    to.transforms = PO_TRANSFORM_ORTHO;
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    po_nl_record *rec = NULL;
    po_attractor_report *trep = NULL, *srep[F2_METHODS] = {NULL, NULL, NULL};
    po_mat *W_hat[F2_METHODS] = {NULL, NULL, NULL};
    po_figure *fig = NULL;
    po_nl_compare cmp[F2_METHODS];
    static const char *const labels[F2_METHODS] = {"MAP 10%", "BPTT 10%", "BPTT 10% + hidden"};
    static const po_nl_method methods[F2_METHODS] = {PO_NL_MAP, PO_NL_BPTT, PO_NL_BPTT};

    po_status st = po_teacher_generate(&to, &rng, &t);
    if (!st) st = po_nl_record_run(t->W, PO_LEAKY_CURRENT, s.T, s.d, seed, &rec);
    po_nl_attr_cfg acfg = po_nl_attr_cfg_for(o->quick, seed);
    if (!st) st = po_nl_analyse(t->W, PO_LEAKY_CURRENT, &acfg, &trep);
    po_exp_progress(c, 1, 1 + F2_METHODS);
    for (size_t i = 0; i < F2_METHODS && !st; i++) {
        po_nl_fit_cfg fc = s.fit;
        fc.bptt_hidden = i == 2 ? s.hidden : 0;
        st = po_nl_fit(rec, methods[i], s.d, &fc, &W_hat[i]);
        if (!st) st = po_nl_analyse(W_hat[i], PO_LEAKY_CURRENT, &acfg, &srep[i]);
        if (!st) st = po_nl_compare_reports(trep, srep[i], s.d, &cmp[i]);
        po_exp_progress(c, 2 + i, 1 + F2_METHODS);
    }

    if (!st)
        st = exp_figure(&fig, 1 + F2_METHODS, 3, 1650, 1900,
                        "Fig F.2: triangular (non-normal) tanh teacher, 10%% observed");
    f2_claimed r = {0, s.d, {0, 0, 0}, {0, 0, 0}};
    for (size_t i = 0; i < F2_METHODS && !st; i++) {
        r.teacher = trep->eig_re[0];
        r.max_re[i] = srep[i]->eig_re[0];
        r.units[i] = W_hat[i]->rows;
    }
    if (!st) {
        char title[128];
        snprintf(title, sizeof title, "Teacher (triangular, D = %zu): eigenvalues", s.D);
        po_axes a = exp_axes(title, "Re(lambda)", "Im(lambda)");
        a.equal_aspect = true;
        st = po_nl_panel_eigs(po_figure_panel(fig, 0, 0, &a), trep, NULL);
        a = exp_axes("Teacher limit set", "PC1", "PC2");
        if (!st)
            st = po_nl_panel_limit_set(po_figure_panel(fig, 0, 1, &a), t->W, PO_LEAKY_CURRENT,
                                       s.panel_steps, 0.06, seed, true);
        a = exp_axes("Largest Re(lambda): eigenvalue overestimation", "method", "max Re(lambda)");
        a.xmin = 0.5;
        a.xmax = 4.0;
        a.legend = true;
        if (!st) st = draw_max_re(po_figure_panel(fig, 0, 2, &a), r.teacher, r.max_re);
    }
    for (size_t i = 0; i < F2_METHODS && !st; i++) {
        po_nl_row row = {labels[i], rec, W_hat[i], PO_LEAKY_CURRENT, methods[i] == PO_NL_MAP,
                         trep, srep[i]};
        st = po_nl_draw_student_row(fig, 1 + i, &row, s.plot_time, s.panel_steps, seed);
    }
    st = exp_figure_done(c, fig, st);

    if (!st) {
        cJSON *root = po_exp_json(c);
        exp_sizes_json(root, "sizes", f2_table, EXP_COUNT(f2_table), &s);
        cJSON_AddItemToObject(root, "teacher", po_nl_report_json(trep));
        cJSON *js = cJSON_AddObjectToObject(root, "students");
        for (size_t i = 0; i < F2_METHODS; i++) {
            cJSON *so = po_nl_compare_json(&cmp[i]);
            cJSON_AddItemToObject(so, "student", po_nl_report_json(srep[i]));
            cJSON_AddItemToObject(js, labels[i], so);
        }
        exp_claims(c, f2_claims, EXP_COUNT(f2_claims), &r);
    }
    for (size_t i = 0; i < F2_METHODS; i++) {
        po_attractor_report_free(srep[i]);
        po_mat_free(W_hat[i]);
    }
    po_attractor_report_free(trep);
    po_nl_record_free(rec);
    po_teacher_free(t);
    return st;
}
