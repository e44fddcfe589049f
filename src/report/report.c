/* JSON reports of the public result types (see partobs/report.h). The keys
 * are those of DESIGN.md §5 and docs/formats.md; the CLI and the figures call
 * these writers, so a key never names two things. cJSON itself stops adding
 * to a NULL parent, so a failed allocation deep inside surfaces as a missing
 * key at worst; the top-level object is NULL only when it could not be made. */
#include "partobs/report.h"

#include <math.h>
#include <stdio.h>

cJSON *po_report_number(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

cJSON *po_report_u64(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return cJSON_CreateRaw(buf);
}

cJSON *po_report_array(const double *x, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *v = po_report_number(x[i]);
        if (!v || !cJSON_AddItemToArray(a, v)) {
            cJSON_Delete(v);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

cJSON *po_report_matrix(const double *x, size_t rows, size_t cols, size_t ld)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < rows; i++) {
        cJSON *row = po_report_array(x + i * ld, cols);
        if (!row || !cJSON_AddItemToArray(a, row)) {
            cJSON_Delete(row);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

cJSON *po_report_eigenvalues(const double *re, const double *im, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, po_report_number(re[i]));
        cJSON_AddItemToArray(pair, po_report_number(im[i]));
        cJSON_AddItemToArray(a, pair);
    }
    return a;
}

/* The first `top` of n entries, all when top is 0 or >= n. */
static size_t head(size_t top, size_t n) { return top && top < n ? top : n; }

cJSON *po_report_spectrum_json(const po_spectrum *s, size_t top)
{
    size_t k = head(top, s->n);
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddItemToObject(o, "eigenvalues", po_report_eigenvalues(s->re, s->im, k));
    cJSON_AddItemToObject(o, "time_constants", po_report_array(s->tau, k));
    cJSON_AddItemToObject(o, "line_attractor_score", po_report_number(s->las));
    cJSON_AddItemToObject(o, "henrici", po_report_number(s->henrici));
    cJSON_AddItemToObject(o, "singular_values", po_report_array(s->sv, k));
    cJSON_AddItemToObject(o, "max_real_eigenvalue", po_report_number(s->max_re));
    return o;
}

static double norm_head(const double *x, size_t k)
{
    double s = 0.0;
    for (size_t i = 0; i < k; i++) s += x[i] * x[i];
    return sqrt(s);
}

static void add_fixed_points(cJSON *o, const po_attractor_report *r, size_t obs, bool vectors)
{
    size_t n = r->n;
    cJSON *fps = cJSON_AddArrayToObject(o, "fixed_points");
    const po_fixed_points *f = r->fixed_points;
    for (size_t i = 0; fps && f && i < f->count; i++) {
        const po_fixed_point *fp = &f->fp[i];
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToArray(fps, p);
        if (vectors) cJSON_AddItemToObject(p, "x", po_report_array(fp->x, n));
        cJSON_AddStringToObject(p, "kind", po_fp_kind_name(fp->kind));
        cJSON_AddBoolToObject(p, "stable", fp->kind == PO_FP_STABLE);
        cJSON_AddItemToObject(p, "q", po_report_number(fp->q));
        cJSON_AddNumberToObject(p, "hits", (double)fp->hits);
        cJSON_AddItemToObject(p, "norm", po_report_number(fp->norm_x));
        if (obs) cJSON_AddItemToObject(p, "norm_observed", po_report_number(norm_head(fp->x, obs)));
        /* The Jacobian's leading eigenvalue decides the kind (SPEC.md §5). */
        cJSON_AddItemToObject(p, "max_re_jacobian", po_report_number(n ? fp->eig_re[0] : 0.0));
        if (vectors)
            cJSON_AddItemToObject(p, "eigenvalues", po_report_eigenvalues(fp->eig_re, fp->eig_im, n));
    }
}

static void add_limit_sets(cJSON *o, const po_attractor_report *r, bool vectors)
{
    cJSON *cyc = cJSON_AddArrayToObject(o, "limit_cycles");
    cJSON *sets = cJSON_AddArrayToObject(o, "limit_sets");
    const po_limit_sets *l = r->limit_sets;
    for (size_t i = 0; cyc && sets && l && i < l->count; i++) {
        const po_limit_set *ls = &l->set[i];
        cJSON *s = cJSON_CreateObject();
        cJSON_AddItemToArray(sets, s);
        cJSON_AddStringToObject(s, "kind", po_limit_kind_name(ls->kind));
        cJSON_AddNumberToObject(s, "hits", (double)ls->hits);
        cJSON_AddItemToObject(s, "period", po_report_number(ls->period));
        cJSON_AddItemToObject(s, "amplitude", po_report_number(ls->amplitude));
        cJSON_AddItemToObject(s, "norm", po_report_number(norm_head(ls->x, l->n)));
        if (vectors) cJSON_AddItemToObject(s, "x", po_report_array(ls->x, l->n));
        if (ls->kind != PO_LIMIT_CYCLE) continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddItemToArray(cyc, c);
        cJSON_AddItemToObject(c, "period", po_report_number(ls->period));
        cJSON_AddItemToObject(c, "amplitude", po_report_number(ls->amplitude));
        cJSON_AddNumberToObject(c, "hits", (double)ls->hits);
        if (vectors) cJSON_AddItemToObject(c, "x", po_report_array(ls->x, l->n));
    }
}

cJSON *po_report_attractors_json(const po_attractor_report *r, size_t obs, size_t top,
                                 bool vectors)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    size_t k = head(top, r->n);
    cJSON_AddNumberToObject(o, "n", (double)r->n);
    cJSON_AddNumberToObject(o, "rank", (double)r->rank);
    cJSON_AddItemToObject(o, "eigenvalues", po_report_eigenvalues(r->eig_re, r->eig_im, k));
    cJSON *tau = cJSON_AddArrayToObject(o, "time_constants");
    for (size_t i = 0; tau && i < k; i++)
        cJSON_AddItemToArray(tau, po_report_number(po_time_constant(r->eig_re[i])));
    cJSON_AddItemToObject(o, "line_attractor_score", po_report_number(r->las));
    add_fixed_points(o, r, obs, vectors);
    add_limit_sets(o, r, vectors);
    cJSON_AddNumberToObject(o, "n_stable_fixed_points", (double)r->n_stable_fp);
    cJSON_AddNumberToObject(o, "n_limit_cycles", (double)r->n_cycles);
    return o;
}

cJSON *po_report_comparison_json(const po_attractor_comparison *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    const struct {
        const char *key;
        size_t v;
    } f[] = {{"teacher_stable", c->teacher_stable},     {"student_stable", c->student_stable},
             {"matched_fixed_points", c->matched_fp},    {"spurious_fixed_points", c->spurious_fp},
             {"missed_fixed_points", c->missed_fp},      {"teacher_cycles", c->teacher_cycles},
             {"student_cycles", c->student_cycles},      {"matched_cycles", c->matched_cycles},
             {"spurious_cycles", c->spurious_cycles},    {"missed_cycles", c->missed_cycles},
             {"teacher_re_gt1", c->teacher_re_gt1},      {"student_re_gt1", c->student_re_gt1},
             {"teacher_drifting", c->teacher_drifting},  {"student_drifting", c->student_drifting}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        cJSON_AddNumberToObject(o, f[i].key, (double)f[i].v);
    return o;
}

/* The keyed arrays of c, each key followed by suffix ("" or "_sem"). */
static void add_curves(cJSON *o, const po_curves *c, const char *suffix)
{
    char key[64];
#define KEY(name) (snprintf(key, sizeof key, "%s%s", name, suffix), key)
    cJSON_AddItemToObject(o, KEY("line_attractor_score"), po_report_array(c->las, c->n));
    cJSON_AddItemToObject(o, KEY("top_eigenvalues_re"),
                          po_report_matrix(c->top_re, c->n, c->top_n, c->top_n));
    cJSON_AddItemToObject(o, KEY("top_singular_values"),
                          po_report_matrix(c->top_sv, c->n, c->top_n, c->top_n));
    cJSON_AddItemToObject(o, KEY("u_overlap"), po_report_array(c->u_overlap, c->n));
    cJSON_AddItemToObject(o, KEY("v_overlap"), po_report_array(c->v_overlap, c->n));
    if (c->henrici) cJSON_AddItemToObject(o, KEY("henrici"), po_report_array(c->henrici, c->n));
#undef KEY
}

cJSON *po_report_curves_json(const po_curves *mean, const po_curves *sem, size_t teachers,
                             size_t D)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *d = cJSON_AddArrayToObject(o, "d");
    for (size_t k = 0; d && k < mean->n; k++)
        cJSON_AddItemToArray(d, cJSON_CreateNumber((double)mean->d[k]));
    add_curves(o, mean, "");
    if (sem && teachers > 1) add_curves(o, sem, "_sem");
    cJSON_AddNumberToObject(o, "teachers", (double)teachers);
    cJSON_AddNumberToObject(o, "D", (double)D);
    cJSON_AddStringToObject(o, "covariance_method", po_cov_method_name(mean->cov_method));
    return o;
}

/* A matrix parameter of the LDS; an absent one (V, F without inputs) is null. */
static cJSON *mat_json(const po_mat *m)
{
    return m ? po_report_matrix(m->data, m->rows, m->cols, m->ld) : cJSON_CreateNull();
}

cJSON *po_report_lds_json(const po_lds *p, const po_lds_opts *o, const po_lds_info *info,
                          const double *trace, const po_mat *A_cont, const po_spectrum *s)
{
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "procedure", po_lds_procedure_name(o->procedure));
    cJSON_AddItemToObject(j, "log_likelihood", po_report_array(trace, info->iters + 1));
    if (info->elbo_trace)
        cJSON_AddItemToObject(j, "elbo", po_report_array(info->elbo_trace, info->iters + 1));
    cJSON_AddItemToObject(j, "A", mat_json(p->A));
    cJSON_AddItemToObject(j, "A_cont", mat_json(A_cont));
    cJSON_AddItemToObject(j, "V", mat_json(p->V));
    cJSON_AddItemToObject(j, "b", po_report_array(p->b, p->K));
    cJSON_AddItemToObject(j, "Q", po_report_array(p->q, p->K));
    cJSON_AddItemToObject(j, "C", mat_json(p->C));
    cJSON_AddItemToObject(j, "F", mat_json(p->F));
    cJSON_AddItemToObject(j, "d", po_report_array(p->offset, p->d));
    cJSON_AddItemToObject(j, "R", po_report_array(p->r, p->d));
    cJSON_AddItemToObject(j, "mu0", po_report_array(p->mu0, p->K));
    cJSON_AddItemToObject(j, "Sigma0", mat_json(p->Sigma0));
    cJSON_AddNumberToObject(j, "latents", (double)p->K);
    cJSON_AddStringToObject(j, "emissions", po_lds_emissions_name(o->emissions));
    cJSON_AddStringToObject(j, "init", po_lds_init_name(o->init));
    cJSON_AddNumberToObject(j, "iterations", (double)info->iters);
    cJSON_AddBoolToObject(j, "converged", info->converged);
    cJSON_AddNumberToObject(j, "alpha", o->alpha);
    cJSON_AddItemToObject(j, "eigenvalues", po_report_eigenvalues(s->re, s->im, s->n));
    cJSON_AddItemToObject(j, "time_constants", po_report_array(s->tau, s->n));
    cJSON_AddItemToObject(j, "line_attractor_score", po_report_number(s->las));
    return j;
}
