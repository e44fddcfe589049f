/* The nonlinear teacher-student pipeline (SPEC.md §1.6, §4, §5); see
 * nl_pipeline.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/nl_pipeline.h"
#include "partobs/dyn.h"
#include "partobs/rng.h"

/* ---- recording -------------------------------------------------------------- */

void po_nl_record_free(po_nl_record *r)
{
    if (!r) return;
    free(r->x0);
    po_mat_free(r->Y);
    po_mat_free(r->xi);
    free(r);
}

/* The process-noise normals of the first dmax neurons: the stream is drawn
 * row by row, D per step, exactly as po_sim_run draws it (sim.c), so replaying
 * these columns gives the student the teacher's noise realisation (SPEC.md §1.6). */
static po_status draw_noise(uint64_t seed, size_t D, size_t T, po_mat *xi)
{
    double *row = malloc(D * sizeof *row);
    if (!row) return po_error(PO_ENOMEM, "po_nl_record_run: no memory for a noise row");
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
    for (size_t t = 0; t + 1 < T; t++) {
        po_rng_fill_normal(&rng, row, D, 1, 1.0);
        memcpy(&PO_MAT_AT(xi, t, 0), row, xi->cols * sizeof *row);
    }
    free(row);
    return PO_OK;
}

po_status po_nl_record_run(const po_mat *W, po_leaky leaky, size_t T, size_t dmax, uint64_t seed,
                           po_nl_record **out)
{
    *out = NULL;
    size_t D = W->rows;
    if (dmax == 0 || dmax > D || T < 2)
        return po_error(PO_ESHAPE, "po_nl_record_run: need 1 <= dmax <= D = %zu and T >= 2 "
                        "(dmax %zu, T %zu)", D, dmax, T);
    po_nl_record *r = calloc(1, sizeof *r);
    if (!r) return po_error(PO_ENOMEM, "po_nl_record_run: no memory");
    r->D = D;
    r->T = T;
    r->dmax = dmax;
    r->phi = PO_PHI_TANH;
    r->leaky = leaky;
    r->x0 = malloc(D * sizeof *r->x0);
    r->Y = po_mat_alloc(T, dmax);
    r->xi = po_mat_alloc(T - 1, dmax);
    po_mat *X = po_mat_alloc(T, D);
    po_linop *op = NULL;
    po_status st = PO_OK;
    if (!r->x0 || !r->Y || !r->xi || !X) st = po_error(PO_ENOMEM, "po_nl_record_run: no memory "
                                                       "for a %zu x %zu recording", T, D);
    if (!st) {
        /* As `partobs simulate` does: the connectivity stream drives the rank test. */
        po_rng rng;
        po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
        st = po_linop_auto(W, &rng, &op);
    }
    if (!st) {
        po_sim_opts so = po_sim_opts_defaults();
        so.T = T;
        so.phi = PO_PHI_TANH;
        so.leaky = leaky;
        so.seed = seed;
        po_sim_draw_ic(seed, so.ic_scale, r->x0, D);
        po_sim_inputs in = {r->x0, NULL, NULL, NULL};
        st = po_sim_run(op, &so, &in, X);
    }
    if (!st) {
        po_mat first = po_mat_block(X, 0, 0, T, dmax);
        st = po_mat_copy(r->Y, &first);
    }
    if (!st) st = draw_noise(seed, D, T, r->xi);
    po_linop_free(op);
    po_mat_free(X);
    if (st) {
        po_nl_record_free(r);
        return st;
    }
    *out = r;
    return PO_OK;
}

/* ---- fitting ---------------------------------------------------------------- */

const char *po_nl_method_name(po_nl_method m)
{
    switch (m) {
    case PO_NL_MAP: return "MAP";
    case PO_NL_CORNN: return "CORNN";
    case PO_NL_FORCE: return "FORCE";
    case PO_NL_BPTT: return "BPTT";
    }
    return "unknown";
}

po_nl_fit_cfg po_nl_fit_cfg_defaults(void)
{
    po_force_opts fo = po_force_opts_defaults();
    po_bptt_opts bo = po_bptt_opts_defaults();
    po_cornn_opts co = po_cornn_opts_defaults();
    return (po_nl_fit_cfg){
        .force_passes = fo.passes,
        .force_window = 5000, /* the paper's window (SPEC.md §4.6) */
        .bptt_epochs = bo.epochs,
        .bptt_window = bo.window,
        .bptt_hidden = 0,
        .cornn_iters = co.iters,
        .seed = PO_DEFAULT_SEED,
    };
}

po_leaky po_nl_student_leaky(po_nl_method m, po_leaky l)
{
    if (m == PO_NL_CORNN) return PO_LEAKY_RATE;
    if (m == PO_NL_MAP) return l;
    return PO_LEAKY_CURRENT;
}

po_status po_nl_fit(const po_nl_record *r, po_nl_method m, size_t d, const po_nl_fit_cfg *cfg,
                    po_mat **W_hat)
{
    *W_hat = NULL;
    if (d == 0 || d > r->dmax)
        return po_error(PO_ESHAPE, "po_nl_fit: d = %zu outside 1..%zu", d, r->dmax);
    size_t n = m == PO_NL_BPTT ? d + cfg->bptt_hidden : d;
    /* A contiguous copy of the observed columns: the learners see plain T x d data. */
    po_mat view = po_mat_block(r->Y, 0, 0, r->T, d);
    po_mat *Y = po_mat_dup(&view);
    po_mat *W = po_mat_alloc(n, n);
    po_status st = (Y && W) ? PO_OK : po_error(PO_ENOMEM, "po_nl_fit: no memory");
    if (!st) switch (m) {
        case PO_NL_MAP: {
            po_ridge_opts o = po_ridge_opts_defaults();
            o.phi = r->phi;
            o.leaky = r->leaky;
            st = po_fit_ridge(Y, &o, W, NULL);
            break;
        }
        case PO_NL_CORNN: {
            po_cornn_opts o = po_cornn_opts_defaults();
            o.iters = cfg->cornn_iters;
            st = po_fit_cornn(Y, NULL, &o, W, NULL, NULL);
            break;
        }
        case PO_NL_FORCE: {
            po_force_opts o = po_force_opts_defaults();
            o.passes = cfg->force_passes;
            o.t1 = cfg->force_window < r->T ? cfg->force_window : r->T;
            o.seed = cfg->seed;
            st = po_fit_force(Y, &o, W, NULL);
            break;
        }
        case PO_NL_BPTT: {
            po_bptt_opts o = po_bptt_opts_defaults();
            o.epochs = cfg->bptt_epochs;
            o.window = cfg->bptt_window;
            o.hidden = cfg->bptt_hidden;
            o.seed = cfg->seed;
            st = po_fit_bptt(Y, &o, W, NULL);
            break;
        }
        }
    po_mat_free(Y);
    if (st) {
        po_mat_free(W);
        return st;
    }
    *W_hat = W;
    return PO_OK;
}

/* ---- student simulation ----------------------------------------------------- */

po_status po_nl_student_run(const po_nl_record *r, const po_mat *W_hat, po_leaky leaky, bool noise,
                            size_t steps, po_mat **X)
{
    *X = NULL;
    size_t n = W_hat->rows;
    if (n > r->D || (noise && n > r->dmax) || steps < 2 || steps > r->T)
        return po_error(PO_ESHAPE, "po_nl_student_run: a %zu-unit student needs the teacher's "
                        "first %zu ICs%s (D %zu, recorded %zu), steps %zu of %zu", n, n,
                        noise ? " and noise" : "", r->D, r->dmax, steps, r->T);
    po_linop *op = NULL;
    po_status st = po_linop_dense(W_hat, &op);
    if (st) return st;
    po_mat *out = po_mat_alloc(steps, n);
    if (!out) {
        po_linop_free(op);
        return po_error(PO_ENOMEM, "po_nl_student_run: no memory");
    }
    po_sim_opts so = po_sim_opts_defaults();
    so.T = steps;
    so.phi = r->phi;
    so.leaky = leaky;
    so.threads = 1;
    if (!noise) so.noise = 0.0; /* SPEC.md §1.6: FORCE and BPTT students run noise-free */
    po_mat xi = po_mat_block(r->xi, 0, 0, steps - 1, noise ? n : 1);
    po_sim_inputs in = {r->x0, noise ? &xi : NULL, NULL, NULL};
    st = po_sim_run(op, &so, &in, out);
    po_linop_free(op);
    if (st) {
        po_mat_free(out);
        return st;
    }
    *X = out;
    return PO_OK;
}

/* ---- attractors ------------------------------------------------------------- */

po_status po_nl_analyse(const po_mat *W, po_leaky leaky, const po_nl_attr_cfg *cfg,
                        po_attractor_report **out)
{
    po_network net = {W, PO_PHI_TANH, leaky, 0.01};
    po_fp_opts fo = po_fp_opts_defaults();
    fo.n_random = cfg->fp_starts;
    fo.max_iter = cfg->fp_iters;
    fo.seed = cfg->seed;
    po_limit_opts lo = po_limit_opts_defaults();
    lo.n_traj = cfg->n_traj;
    lo.steps = cfg->steps;
    lo.seed = cfg->seed;
    return po_attractor_analyse(&net, &fo, &lo, out);
}

/* The origin is a fixed point of every tanh network (F(0) = 0); a stable
 * point within this distance of it is the origin. */
#define NL_ORIGIN_TOL 1e-6

static double vec_norm(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

po_nl_teacher_kind po_nl_teacher_classify(const po_attractor_report *r)
{
    po_nl_teacher_kind k = {false, 0, r->n_cycles};
    bool origin_stable = false;
    const po_fixed_points *f = r->fixed_points;
    for (size_t i = 0; f && i < f->count; i++) {
        if (f->fp[i].kind != PO_FP_STABLE) continue;
        if (vec_norm(f->fp[i].x, f->n) <= NL_ORIGIN_TOL) origin_stable = true;
        else k.nonzero_fp++;
    }
    k.plain_focus = origin_stable && k.nonzero_fp == 0 && k.cycles == 0;
    return k;
}

/* Eigenvalues of W itself (the report's, SPEC.md §5): the continuous-time
 * Jacobian at the origin is -I + W, unstable directions have Re lambda > 1. */
void po_nl_compare_reports(const po_attractor_report *teacher, const po_attractor_report *student,
                           po_nl_compare *out)
{
    memset(out, 0, sizeof *out);
    out->match = po_attractor_verdict(teacher, student, out->verdict, sizeof out->verdict);
    out->spurious_fp = student->n_stable_fp > teacher->n_stable_fp;
    out->missing_fp = student->n_stable_fp < teacher->n_stable_fp;
    out->spurious_cycle = student->n_cycles > teacher->n_cycles;
    out->missing_cycle = student->n_cycles < teacher->n_cycles;
    out->max_re = student->n ? student->eig_re[0] : -(double)INFINITY;
    for (size_t i = 0; i < student->n && student->eig_re[i] > 1.0; i++) {
        if (student->eig_im[i] == 0.0) out->re_gt1_real = true;
        else out->re_gt1_complex = true;
    }
}

cJSON *po_nl_report_json(const po_attractor_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "n", (double)r->n);
    size_t top = r->n < 6 ? r->n : 6;
    cJSON *ev = cJSON_AddArrayToObject(o, "top_eigenvalues");
    for (size_t i = 0; ev && i < top; i++) {
        double z[2] = {r->eig_re[i], r->eig_im[i]};
        cJSON_AddItemToArray(ev, cJSON_CreateDoubleArray(z, 2));
    }
    cJSON_AddNumberToObject(o, "line_attractor_score", isfinite(r->las) ? r->las : 0.0);
    cJSON_AddNumberToObject(o, "stable_fixed_points", (double)r->n_stable_fp);
    cJSON_AddNumberToObject(o, "limit_cycles", (double)r->n_cycles);
    cJSON *fps = cJSON_AddArrayToObject(o, "fixed_points");
    const po_fixed_points *f = r->fixed_points;
    for (size_t i = 0; fps && f && i < f->count; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "kind", po_fp_kind_name(f->fp[i].kind));
        cJSON_AddNumberToObject(p, "norm", vec_norm(f->fp[i].x, f->n));
        cJSON_AddNumberToObject(p, "max_re_jacobian", f->n ? f->fp[i].eig_re[0] : 0.0);
        cJSON_AddNumberToObject(p, "hits", (double)f->fp[i].hits);
        cJSON_AddItemToArray(fps, p);
    }
    cJSON *ls = cJSON_AddArrayToObject(o, "limit_sets");
    const po_limit_sets *l = r->limit_sets;
    for (size_t i = 0; ls && l && i < l->count; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "kind", po_limit_kind_name(l->set[i].kind));
        cJSON_AddNumberToObject(p, "norm", vec_norm(l->set[i].x, l->n));
        cJSON_AddNumberToObject(p, "period", l->set[i].period);
        cJSON_AddNumberToObject(p, "amplitude", l->set[i].amplitude);
        cJSON_AddNumberToObject(p, "hits", (double)l->set[i].hits);
        cJSON_AddItemToArray(ls, p);
    }
    po_nl_teacher_kind k = po_nl_teacher_classify(r);
    cJSON_AddBoolToObject(o, "plain_stable_focus", k.plain_focus);
    cJSON_AddNumberToObject(o, "nonzero_stable_fixed_points", (double)k.nonzero_fp);
    return o;
}

cJSON *po_nl_compare_json(const po_nl_compare *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddBoolToObject(o, "match", c->match);
    cJSON_AddStringToObject(o, "verdict", c->verdict);
    cJSON_AddBoolToObject(o, "spurious_fixed_points", c->spurious_fp);
    cJSON_AddBoolToObject(o, "missing_fixed_points", c->missing_fp);
    cJSON_AddBoolToObject(o, "spurious_cycle", c->spurious_cycle);
    cJSON_AddBoolToObject(o, "missing_cycle", c->missing_cycle);
    cJSON_AddNumberToObject(o, "max_re", c->max_re);
    cJSON_AddBoolToObject(o, "re_gt1_real", c->re_gt1_real);
    cJSON_AddBoolToObject(o, "re_gt1_complex", c->re_gt1_complex);
    return o;
}

po_nl_attr_cfg po_nl_attr_cfg_for(size_t n, bool quick, uint64_t seed)
{
    po_fp_opts fo = po_fp_opts_defaults();
    po_limit_opts lo = po_limit_opts_defaults();
    po_nl_attr_cfg c = {fo.n_random, fo.max_iter, lo.n_traj, lo.steps, seed};
    if (n > 100) { /* an LM step costs O(n^3): 30 starts keep a 500-unit teacher in seconds */
        c.fp_starts = 30;
        c.fp_iters = 100;
    }
    if (quick) {
        c.fp_starts = 20;
        c.fp_iters = 50;
        c.n_traj = 8;
        c.steps = 4000;
    }
    return c;
}
