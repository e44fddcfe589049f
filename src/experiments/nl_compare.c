/* Attractors of teacher and student and their comparison in the terms of
 * issue 4's claims (SPEC.md §5 "Limit sets", §9 item 8); see nl_pipeline.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiments/nl_pipeline.h"

/* ---- attractors ------------------------------------------------------------- */

po_status po_nl_analyse(const po_mat *W, po_leaky leaky, const po_nl_attr_cfg *cfg,
                        po_attractor_report **out)
{
    po_network net = {W, PO_PHI_TANH, leaky, 0.01};
    po_fp_opts fo = po_fp_opts_defaults();
    fo.n_random = cfg->fp_starts;
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

po_nl_kind po_nl_classify(const po_attractor_report *r)
{
    po_nl_kind k = {false, 0, r->n_cycles};
    bool origin_stable = false;
    const po_fixed_points *f = r->fixed_points;
    for (size_t i = 0; f && i < f->count; i++) {
        if (f->fp[i].kind != PO_FP_STABLE) continue;
        if (f->fp[i].norm_x <= NL_ORIGIN_TOL) origin_stable = true;
        else k.nonzero_fp++;
    }
    k.plain_focus = origin_stable && k.nonzero_fp == 0 && k.cycles == 0;
    return k;
}

/* Attractors are matched by location on the observed neurons
 * (po_attractor_compare); the eigenvalues are those of W itself (SPEC.md §5):
 * the Jacobian at the origin is -I + W, so Re lambda > 1 is an unstable
 * direction of the origin. */
po_status po_nl_compare_reports(const po_attractor_report *teacher,
                                const po_attractor_report *student, size_t obs, po_nl_compare *out)
{
    memset(out, 0, sizeof *out);
    po_attractor_comparison cmp;
    po_status st = po_attractor_compare(teacher, student, obs, &cmp, out->verdict,
                                        sizeof out->verdict);
    if (st) return st;
    out->match = cmp.match;
    out->spurious_fp = cmp.spurious_fp > 0;
    out->missing_fp = cmp.missed_fp > 0;
    out->spurious_cycle = cmp.spurious_cycles > 0;
    out->missing_cycle = cmp.missed_cycles > 0;
    po_nl_kind k = po_nl_classify(student);
    out->student_nonzero_fp = k.nonzero_fp;
    out->student_cycles = k.cycles;
    out->max_re = student->n ? student->eig_re[0] : -(double)INFINITY;
    for (size_t i = 0; i < student->n && student->eig_re[i] > 1.0; i++) {
        if (student->eig_im[i] == 0.0) out->re_gt1_real = true;
        else out->re_gt1_complex = true;
    }
    return PO_OK;
}

cJSON *po_nl_json_u64(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return cJSON_CreateRaw(buf); /* exact: a double would round above 2^53 */
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
        cJSON_AddNumberToObject(p, "norm", f->fp[i].norm_x);
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
    po_nl_kind k = po_nl_classify(r);
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

po_nl_attr_cfg po_nl_attr_cfg_for(bool quick, uint64_t seed)
{
    po_fp_opts fo = po_fp_opts_defaults();
    po_limit_opts lo = po_limit_opts_defaults();
    po_nl_attr_cfg c = {fo.n_random, lo.n_traj, lo.steps, seed};
    if (quick) {
        c.fp_starts = 20;
        c.n_traj = 8;
        c.steps = 4000;
    }
    return c;
}
