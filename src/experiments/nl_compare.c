/* Attractors of teacher and student and their comparison in the terms of
 * issue 4's claims (SPEC.md §5 "Limit sets", §9 item 8); see nl_pipeline.h. */
#include <math.h>
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
    out->counts = cmp;
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

/* The figures' reports are the CLI's (partobs/report.h) with the top 6
 * eigenvalues and no state vectors, plus the network's own kind. */
cJSON *po_nl_report_json(const po_attractor_report *r)
{
    cJSON *o = po_report_attractors_json(r, 0, 6, false);
    if (!o) return NULL;
    po_nl_kind k = po_nl_classify(r);
    cJSON_AddBoolToObject(o, "plain_stable_focus", k.plain_focus);
    cJSON_AddNumberToObject(o, "nonzero_stable_fixed_points", (double)k.nonzero_fp);
    return o;
}

/* As `partobs compare --json` writes them: match, verdict and the counts. */
cJSON *po_nl_compare_json(const po_nl_compare *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddBoolToObject(o, "match", c->match);
    cJSON_AddStringToObject(o, "verdict", c->verdict);
    cJSON_AddItemToObject(o, "comparison", po_report_comparison_json(&c->counts));
    cJSON_AddItemToObject(o, "max_real_eigenvalue", po_report_number(c->max_re));
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
