/* Fig F.6 (SPEC.md §6): a nonlinear rank-3 null-overlap teacher (lowrank,
 * rank 3, scale 0.4, tanh, leaky-current), MAP students at 5% and 50%
 * observation, two teacher instances. The claim: the students have spurious
 * or missing stable fixed points, found here by po_attractor_analyse.
 */
#include <stdio.h>
#include <string.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "experiments/nl_pipeline.h"

enum { F6_INSTANCES = 2, F6_FRACS = 2 };

typedef struct f6_sizes {
    size_t D, T, d[F6_FRACS], panel_steps;
} f6_sizes;

static const exp_size f6_table[] = {
    EXP_SIZE("D", f6_sizes, D, 500, 80),
    EXP_SIZE("T", f6_sizes, T, 30000, 3000),
    EXP_SIZE(NULL, f6_sizes, d[0], 25, 4),   /* 5% */
    EXP_SIZE(NULL, f6_sizes, d[1], 250, 40), /* 50% */
    EXP_SIZE(NULL, f6_sizes, panel_steps, 5000, 2000),
};

typedef struct f6_counts {
    size_t teacher, student[F6_FRACS];     /* stable fixed points */
    bool spurious[F6_FRACS], missed[F6_FRACS]; /* by location (po_attractor_compare) */
} f6_counts;

static po_status run_instance(po_exp_ctx *c, const f6_sizes *s, size_t k, po_figure *fig,
                              cJSON *inst, f6_counts *counts)
{
    bool quick = po_exp_opts(c)->quick;
    uint64_t seed = po_exp_seed(c) + k;
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LOWRANK, s->D);
    to.rank = 3;
    to.scale = 0.4;
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    po_nl_record *rec = NULL;
    po_attractor_report *trep = NULL;
    po_status st = po_teacher_generate(&to, &rng, &t);
    if (!st) st = po_nl_record_run(t->W, PO_LEAKY_CURRENT, s->T, s->d[F6_FRACS - 1], seed, &rec);
    po_nl_attr_cfg acfg = po_nl_attr_cfg_for(quick, seed);
    if (!st) st = po_nl_analyse(t->W, PO_LEAKY_CURRENT, &acfg, &trep);
    char title[160];
    if (!st) {
        counts->teacher = trep->n_stable_fp;
        cJSON_AddItemToObject(inst, "seed", po_report_u64(seed));
        cJSON_AddItemToObject(inst, "teacher", po_nl_report_json(trep));
        snprintf(title, sizeof title, "%zu: teacher limit set, %zu stable fp", k + 1,
                 trep->n_stable_fp);
        po_axes a = exp_axes(title, "PC1", "PC2");
        st = po_nl_panel_limit_set(po_figure_panel(fig, k, 2, &a), t->W, PO_LEAKY_CURRENT,
                                   s->panel_steps, 0.06, seed, true);
    }
    cJSON *js = cJSON_AddObjectToObject(inst, "students");
    po_nl_fit_cfg fc = po_nl_fit_cfg_defaults();
    for (size_t j = 0; j < F6_FRACS && !st; j++) {
        po_mat *W_hat = NULL;
        po_attractor_report *srep = NULL;
        st = po_nl_fit(rec, PO_NL_MAP, s->d[j], &fc, &W_hat);
        if (!st) st = po_nl_analyse(W_hat, PO_LEAKY_CURRENT, &acfg, &srep);
        po_nl_compare cmp;
        if (!st) st = po_nl_compare_reports(trep, srep, s->d[j], &cmp);
        if (!st) {
            counts->student[j] = srep->n_stable_fp;
            counts->spurious[j] = cmp.spurious_fp;
            counts->missed[j] = cmp.missing_fp;
            cJSON *so = po_nl_compare_json(&cmp);
            cJSON_AddNumberToObject(so, "d", (double)s->d[j]);
            cJSON_AddItemToObject(so, "student", po_nl_report_json(srep));
            cJSON_AddItemToObject(js, j == 0 ? "MAP 5%" : "MAP 50%", so);
            snprintf(title, sizeof title, "%zu: MAP %s (d = %zu) eigenvalues", k + 1,
                     j == 0 ? "5%" : "50%", s->d[j]);
            po_axes a = exp_axes(title, "Re(lambda)", "Im(lambda)");
            a.equal_aspect = true;
            st = po_nl_panel_eigs(po_figure_panel(fig, k, j, &a), trep, srep);
            snprintf(title, sizeof title, "%zu: MAP %s limit set, %zu stable fp", k + 1,
                     j == 0 ? "5%" : "50%", srep->n_stable_fp);
            a = exp_axes(title, "PC1", "PC2");
            if (!st)
                st = po_nl_panel_limit_set(po_figure_panel(fig, k, 3 + j, &a), W_hat,
                                           PO_LEAKY_CURRENT, s->panel_steps, 0.05, seed, false);
        }
        po_attractor_report_free(srep);
        po_mat_free(W_hat);
        po_exp_progress(c, k * F6_FRACS + j + 1, F6_INSTANCES * F6_FRACS);
    }
    po_attractor_report_free(trep);
    po_nl_record_free(rec);
    po_teacher_free(t);
    return st;
}

/* Over the instances' counts: some student differs from its teacher. */
static bool claim_differ(exp_claim_io *io)
{
    const f6_counts *counts = io->res;
    size_t spurious = 0, missed = 0, differ = 0;
    for (size_t k = 0; k < F6_INSTANCES; k++)
        for (size_t j = 0; j < F6_FRACS; j++) {
            spurious += counts[k].spurious[j];
            missed += counts[k].missed[j];
            differ += counts[k].spurious[j] || counts[k].missed[j];
        }
    snprintf(io->buf, io->size,
             "stable fixed points teacher / 5%% / 50%%: instance 1 %zu / %zu / %zu, instance 2 "
             "%zu / %zu / %zu; %zu of 4 students with a spurious (%zu) or missed (%zu) stable "
             "fixed point",
             counts[0].teacher, counts[0].student[0], counts[0].student[1], counts[1].teacher,
             counts[1].student[0], counts[1].student[1], differ, spurious, missed);
    return differ > 0;
}

static const exp_claim_row f6_claims[] = {
    {"F.6: MAP students of a rank-3 tanh teacher have spurious or missing stable fixed points (5% "
     "and 50% observed, two instances)",
     claim_differ, 0},
};

po_status po_exp_figF6(po_exp_ctx *c)
{
    f6_sizes s;
    exp_sizes_set(c, f6_table, EXP_COUNT(f6_table), &s);
    cJSON *root = po_exp_json(c);
    cJSON *sz = exp_sizes_json(root, "sizes", f6_table, EXP_COUNT(f6_table), &s);
    cJSON_AddItemToObject(sz, "d", cJSON_CreateDoubleArray((const double[]){(double)s.d[0],
                                                                            (double)s.d[1]}, 2));
    cJSON *insts = cJSON_AddArrayToObject(root, "instances");
    po_figure *fig = NULL;
    po_status st = exp_figure(&fig, F6_INSTANCES, 5, 2600, 1100,
                              "Fig F.6: rank-3 null-overlap tanh teacher, MAP at 5%% and 50%% "
                              "(rows: teacher instances 1 and 2)");
    f6_counts counts[F6_INSTANCES];
    memset(counts, 0, sizeof counts);
    for (size_t k = 0; k < F6_INSTANCES && !st; k++) {
        cJSON *inst = cJSON_CreateObject();
        cJSON_AddItemToArray(insts, inst);
        st = run_instance(c, &s, k, fig, inst, &counts[k]);
    }
    st = exp_figure_done(c, fig, st);
    if (st) return st;
    exp_claims(c, f6_claims, EXP_COUNT(f6_claims), counts);
    return PO_OK;
}
