/* The JSON writers of partobs/report.h (issue 10 item 11): the keys of
 * docs/formats.md and DESIGN.md §5, null for non-finite numbers, and values
 * checked against closed forms (a diagonal W: eigenvalues = diagonal,
 * tau = 1 / (1 - lambda), LAS = log2(tau_1 / tau_2), Henrici 0). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The keys of o, in order, joined by ','. */
static void keys(const cJSON *o, char *buf, size_t size)
{
    buf[0] = '\0';
    for (const cJSON *c = o ? o->child : NULL; c; c = c->next) {
        if (buf[0]) strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, c->string, size - strlen(buf) - 1);
    }
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : (double)NAN;
}

static void test_numbers(void)
{
    cJSON *b = po_report_number((double)NAN), *c = po_report_number(-(double)INFINITY);
    CHECK(cJSON_IsNull(b) && cJSON_IsNull(c));
    cJSON_Delete(b);
    cJSON_Delete(c);
    double x[6] = {1.5, (double)NAN, 3, 4, 5, 6};
    cJSON *arr = po_report_array(x, 2);
    CHECK(cJSON_GetArraySize(arr) == 2 && cJSON_GetArrayItem(arr, 0)->valuedouble == 1.5 &&
          cJSON_IsNull(cJSON_GetArrayItem(arr, 1)));
    cJSON_Delete(arr);
    /* 2 x 2 out of a row-major matrix with leading dimension 3: rows {1.5, nan}, {4, 5}. */
    cJSON *m = po_report_matrix(x, 2, 2, 3);
    CHECK(cJSON_GetArraySize(m) == 2);
    CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(m, 1), 0)->valuedouble == 4.0);
    CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(m, 1), 1)->valuedouble == 5.0);
    cJSON_Delete(m);
    cJSON *u = po_report_u64(UINT64_MAX);
    char *text = cJSON_PrintUnformatted(u);
    CHECK(text && strcmp(text, "18446744073709551615") == 0);
    cJSON_free(text);
    cJSON_Delete(u);
}

static void test_spectrum(void)
{
    po_mat *W = po_mat_alloc(3, 3);
    po_spectrum *s = po_spectrum_alloc(3);
    CHECK(W && s);
    if (!W || !s) return;
    memset(W->data, 0, 9 * sizeof *W->data);
    PO_MAT_AT(W, 0, 0) = 0.5;
    PO_MAT_AT(W, 1, 1) = 0.9;
    PO_MAT_AT(W, 2, 2) = -1.0;
    CHECK_OK(po_spectrum_compute(W, s));
    cJSON *o = po_report_spectrum_json(s, 0);
    char k[256];
    keys(o, k, sizeof k);
    CHECK(strcmp(k, "n,eigenvalues,time_constants,line_attractor_score,henrici,singular_values,"
                    "max_real_eigenvalue") == 0);
    CHECK(num(o, "n") == 3.0);
    const cJSON *ev = cJSON_GetObjectItem(o, "eigenvalues");
    CHECK(cJSON_GetArraySize(ev) == 3);
    CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetArrayItem(ev, 0), 0)->valuedouble, 0.9, 1e-14, 0);
    CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetArrayItem(ev, 0), 1)->valuedouble, 0.0, 0, 1e-14);
    const cJSON *tau = cJSON_GetObjectItem(o, "time_constants");
    CHECK_CLOSE(cJSON_GetArrayItem(tau, 0)->valuedouble, 10.0, 1e-12, 0);
    CHECK_CLOSE(cJSON_GetArrayItem(tau, 1)->valuedouble, 2.0, 1e-12, 0);
    CHECK_CLOSE(num(o, "line_attractor_score"), log2(5.0), 1e-12, 0);
    CHECK_CLOSE(num(o, "henrici"), 0.0, 0, 1e-12);
    CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "singular_values"), 0)->valuedouble,
                1.0, 1e-12, 0);
    CHECK_CLOSE(num(o, "max_real_eigenvalue"), 0.9, 1e-14, 0);
    cJSON_Delete(o);
    /* top = 2: two eigenvalues, time constants and singular values. */
    o = po_report_spectrum_json(s, 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(o, "eigenvalues")) == 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(o, "time_constants")) == 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(o, "singular_values")) == 2);
    cJSON_Delete(o);
    /* Re lambda = 1: tau = Inf is written as null. */
    PO_MAT_AT(W, 1, 1) = 1.0;
    CHECK_OK(po_spectrum_compute(W, s));
    o = po_report_spectrum_json(s, 0);
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "time_constants"), 0)));
    cJSON_Delete(o);
    po_spectrum_free(s);
    po_mat_free(W);
}

/* W = 0.5 I (tanh): the origin is the only fixed point, stable, with
 * Jacobian -I + 0.5 I (leading eigenvalue -0.5); every trajectory ends there. */
static void test_attractors(void)
{
    po_mat *W = po_mat_alloc(2, 2);
    CHECK(W != NULL);
    if (!W) return;
    memset(W->data, 0, 4 * sizeof *W->data);
    PO_MAT_AT(W, 0, 0) = PO_MAT_AT(W, 1, 1) = 0.5;
    po_network net = {W, PO_PHI_TANH, PO_LEAKY_CURRENT, 0.05};
    po_fp_opts fo = po_fp_opts_defaults();
    fo.n_random = 5;
    po_limit_opts lo = po_limit_opts_defaults();
    lo.n_traj = 3;
    lo.steps = 2000;
    po_attractor_report *r = NULL;
    CHECK_OK(po_attractor_analyse(&net, &fo, &lo, &r));
    if (!r) {
        po_mat_free(W);
        return;
    }
    cJSON *full = po_report_attractors_json(r, 1, 0, true);
    cJSON *brief = po_report_attractors_json(r, 0, 1, false);
    char k[512];
    keys(full, k, sizeof k);
    CHECK(strcmp(k, "n,rank,eigenvalues,time_constants,line_attractor_score,fixed_points,"
                    "limit_cycles,limit_sets,n_stable_fixed_points,n_limit_cycles") == 0);
    keys(brief, k, sizeof k);
    CHECK(strcmp(k, "n,rank,eigenvalues,time_constants,line_attractor_score,fixed_points,"
                    "limit_cycles,limit_sets,n_stable_fixed_points,n_limit_cycles") == 0);
    CHECK(num(full, "rank") == 2.0 && num(full, "n_stable_fixed_points") == 1.0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(full, "eigenvalues")) == 2);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(brief, "eigenvalues")) == 1);
    CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetObjectItem(full, "time_constants"), 0)->valuedouble,
                2.0, 1e-12, 0);
    const cJSON *fpf = cJSON_GetArrayItem(cJSON_GetObjectItem(full, "fixed_points"), 0);
    const cJSON *fpb = cJSON_GetArrayItem(cJSON_GetObjectItem(brief, "fixed_points"), 0);
    keys(fpf, k, sizeof k);
    CHECK(strcmp(k, "x,kind,stable,q,hits,norm,norm_observed,max_re_jacobian,eigenvalues") == 0);
    keys(fpb, k, sizeof k);
    CHECK(strcmp(k, "kind,stable,q,hits,norm,max_re_jacobian") == 0);
    CHECK_CLOSE(num(fpf, "max_re_jacobian"), -0.5, 1e-6, 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(fpf, "stable")));
    const cJSON *lsb = cJSON_GetArrayItem(cJSON_GetObjectItem(brief, "limit_sets"), 0);
    keys(lsb, k, sizeof k);
    CHECK(strcmp(k, "kind,hits,period,amplitude,norm") == 0);
    cJSON_Delete(full);
    cJSON_Delete(brief);

    po_attractor_comparison cmp;
    CHECK_OK(po_attractor_compare(r, r, 2, &cmp, NULL, 0));
    cJSON *co = po_report_comparison_json(&cmp);
    CHECK(cJSON_GetArraySize(co) == 14);
    CHECK(num(co, "matched_fixed_points") == 1.0 && num(co, "spurious_fixed_points") == 0.0 &&
          num(co, "missed_cycles") == 0.0 && num(co, "teacher_stable") == 1.0);
    cJSON_Delete(co);
    po_attractor_report_free(r);
    po_mat_free(W);
}

static void test_curves(void)
{
    po_curves *m = po_curves_alloc(2, 2, false), *s = po_curves_alloc(2, 2, false);
    CHECK(m && s);
    if (!m || !s) return;
    for (size_t i = 0; i < 2; i++) {
        m->d[i] = s->d[i] = i + 2;
        m->las[i] = (double)i;
        s->las[i] = 0.1 * (double)i;
        m->u_overlap[i] = m->v_overlap[i] = s->u_overlap[i] = s->v_overlap[i] = 0.5;
        for (size_t j = 0; j < 2; j++) m->top_re[i * 2 + j] = m->top_sv[i * 2 + j] =
            s->top_re[i * 2 + j] = s->top_sv[i * 2 + j] = (double)(i * 2 + j);
    }
    m->las[1] = (double)INFINITY;
    cJSON *o = po_report_curves_json(m, s, 3, 7);
    char k[512];
    keys(o, k, sizeof k);
    CHECK(strcmp(k, "d,line_attractor_score,top_eigenvalues_re,top_singular_values,u_overlap,"
                    "v_overlap,line_attractor_score_sem,top_eigenvalues_re_sem,"
                    "top_singular_values_sem,u_overlap_sem,v_overlap_sem,teachers,D,"
                    "covariance_method") == 0);
    CHECK(num(o, "teachers") == 3.0 && num(o, "D") == 7.0);
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "line_attractor_score"), 1)));
    CHECK(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "top_singular_values"), 1),
                             1)->valuedouble == 3.0);
    cJSON_Delete(o);
    /* One teacher: no _sem keys even when a sem is passed. */
    o = po_report_curves_json(m, s, 1, 7);
    CHECK(cJSON_GetObjectItem(o, "line_attractor_score_sem") == NULL);
    cJSON_Delete(o);
    po_curves_free(m);
    po_curves_free(s);
}

static void test_lds(void)
{
    po_lds *p = po_lds_alloc(1, 2, 0);
    po_mat *Ac = po_mat_alloc(1, 1);
    po_spectrum *s = po_spectrum_alloc(1);
    CHECK(p && Ac && s);
    if (!p || !Ac || !s) return;
    PO_MAT_AT(p->A, 0, 0) = 0.99;
    po_lds_opts o = po_lds_opts_defaults();
    o.alpha = 0.1;
    CHECK_OK(po_lds_continuous(p, o.alpha, Ac));
    CHECK_OK(po_spectrum_compute(Ac, s));
    po_lds_info info = {2, true, -1.0, NULL, NULL};
    double trace[3] = {-3.0, -2.0, -1.0};
    cJSON *j = po_report_lds_json(p, &o, &info, trace, Ac, s);
    char k[512];
    keys(j, k, sizeof k);
    CHECK(strcmp(k, "procedure,log_likelihood,A,A_cont,V,b,Q,C,F,d,R,mu0,Sigma0,latents,emissions,init,"
                    "iterations,converged,alpha,eigenvalues,time_constants,"
                    "line_attractor_score") == 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "log_likelihood")) == 3);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "V")) && cJSON_IsNull(cJSON_GetObjectItem(j, "F")));
    /* A_cont = (0.99 - 0.9) / 0.1 = 0.9: tau = 10. */
    CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "time_constants"), 0)->valuedouble,
                10.0, 1e-9, 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "C")) == 2);
    cJSON_Delete(j);
    po_spectrum_free(s);
    po_mat_free(Ac);
    po_lds_free(p);
}

int main(void)
{
    PO_RUN(test_numbers);
    PO_RUN(test_spectrum);
    PO_RUN(test_attractors);
    PO_RUN(test_curves);
    PO_RUN(test_lds);
    return po_test_finish();
}
