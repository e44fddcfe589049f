/* Attractor analysis (include/partobs/attractors.h; issue 4 items 5-7):
 * closed-form fixed points and cycles, Jacobian against finite differences,
 * the low-rank reduction against the full computation, verdicts, errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attractors/attractors_internal.h"
#include "harness.h"

static po_mat *mat2(double a, double b, double c, double d)
{
    po_mat *m = po_mat_alloc(2, 2);
    PO_MAT_AT(m, 0, 0) = a;
    PO_MAT_AT(m, 0, 1) = b;
    PO_MAT_AT(m, 1, 0) = c;
    PO_MAT_AT(m, 1, 1) = d;
    return m;
}

static po_network net_of(const po_mat *W, po_phi phi, po_leaky leaky)
{
    return (po_network){.W = W, .phi = phi, .leaky = leaky, .alpha = 0.01};
}

/* The positive root of x = w tanh(x) for w > 1 (bisection). */
static double tanh_root(double w)
{
    double lo = 1e-3, hi = w + 1.0;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid - w * tanh(mid) < 0.0) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

static size_t count_kind(const po_fixed_points *f, po_fp_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < f->count; i++) c += f->fp[i].kind == k;
    return c;
}

static po_limit_opts quick_limits(void)
{
    po_limit_opts o = po_limit_opts_defaults();
    o.steps = 6000;
    o.n_traj = 6;
    return o;
}

/* ---- flow ------------------------------------------------------------------- */

static void check_jacobian_fd(po_leaky leaky, po_phi phi)
{
    const size_t n = 6;
    po_mat *W = po_test_gaussian(n, n, 1.2, 11);
    po_network net = net_of(W, phi, leaky);
    double x[6], f[6], fp[6], fm[6], xp[6];
    for (size_t i = 0; i < n; i++) x[i] = 0.3 * (double)i - 0.7;
    po_mat *J = po_mat_alloc(n, n), *Jfd = po_mat_alloc(n, n);
    po_network_flow(&net, x, f, J);
    const double h = 1e-6;
    for (size_t j = 0; j < n; j++) {
        memcpy(xp, x, sizeof x);
        xp[j] = x[j] + h;
        po_network_flow(&net, xp, fp, NULL);
        xp[j] = x[j] - h;
        po_network_flow(&net, xp, fm, NULL);
        for (size_t i = 0; i < n; i++) PO_MAT_AT(Jfd, i, j) = (fp[i] - fm[i]) / (2 * h);
    }
    CHECK_MAT_CLOSE(J, Jfd, 1e-7, 1e-8);
    /* F itself: leaky-current -x + W phi(x), leaky-rate -x + phi(W x) */
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t k = 0; k < n; k++) {
            double v = leaky == PO_LEAKY_CURRENT ? (phi == PO_PHI_TANH ? tanh(x[k]) : x[k]) : x[k];
            s += PO_MAT_AT(W, i, k) * v;
        }
        if (leaky == PO_LEAKY_RATE && phi == PO_PHI_TANH) s = tanh(s);
        CHECK_CLOSE(f[i], s - x[i], 1e-14, 1e-14);
    }
    po_mat_free(J);
    po_mat_free(Jfd);
    po_mat_free(W);
}

static void test_jacobian_finite_differences(void)
{
    check_jacobian_fd(PO_LEAKY_CURRENT, PO_PHI_TANH);
    check_jacobian_fd(PO_LEAKY_RATE, PO_PHI_TANH);
    check_jacobian_fd(PO_LEAKY_CURRENT, PO_PHI_LINEAR);
    check_jacobian_fd(PO_LEAKY_RATE, PO_PHI_LINEAR);
}

/* ---- fixed points ------------------------------------------------------------- */

/* Linear W with every Re lambda < 1: the origin is the only fixed point, and
 * it is stable with eigenvalues -1 + lambda(W). */
static void test_linear_stable(void)
{
    po_mat *W = mat2(0.5, -0.4, 0.4, 0.5); /* 0.5 +- 0.4i */
    po_network net = net_of(W, PO_PHI_LINEAR, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    po_fixed_points *f = NULL;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count == 1);
    if (f && f->count == 1) {
        CHECK(f->fp[0].kind == PO_FP_STABLE);
        CHECK_CLOSE(f->fp[0].norm_x, 0.0, 0, 1e-12);
        CHECK_CLOSE(f->fp[0].eig_re[0], -0.5, 1e-12, 0);
        CHECK_CLOSE(f->fp[0].eig_im[0], 0.4, 1e-12, 0);
        CHECK(f->fp[0].hits == o.n_random);
    }
    po_fixed_points_free(f);
    po_limit_opts lo = quick_limits();
    po_limit_sets *ls = NULL;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    CHECK(ls && ls->count == 1 && ls->set[0].kind == PO_LIMIT_FIXED_POINT &&
          ls->set[0].hits == lo.n_traj && po_att_norm(ls->set[0].x, 2) < 1e-12);
    po_limit_sets_free(ls);
    po_mat_free(W);
}

/* x' = -x + w tanh(x), w = 2: an unstable origin and stable points +-x*,
 * with J = -1 + w (1 - tanh^2 x*). */
static void test_tanh_1d(void)
{
    po_mat *W = po_mat_alloc(1, 1);
    PO_MAT_AT(W, 0, 0) = 2.0;
    po_network net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    o.radius = 3.0;
    po_fixed_points *f = NULL;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    double xs = tanh_root(2.0), t = tanh(xs);
    CHECK(f && f->count == 3);
    if (f && f->count == 3) {
        CHECK(f->fp[0].kind == PO_FP_STABLE && f->fp[1].kind == PO_FP_STABLE);
        CHECK_CLOSE(fabs(f->fp[0].x[0]), xs, 1e-12, 0);
        CHECK_CLOSE(f->fp[0].x[0] + f->fp[1].x[0], 0.0, 0, 1e-12);
        CHECK_CLOSE(f->fp[0].eig_re[0], -1.0 + 2.0 * (1.0 - t * t), 1e-10, 0);
        CHECK(f->fp[2].kind == PO_FP_UNSTABLE);
        CHECK_CLOSE(f->fp[2].eig_re[0], 1.0, 1e-12, 0);
    }
    po_fixed_points_free(f);
    /* trajectories settle on +-x* */
    po_limit_opts lo = quick_limits();
    po_limit_sets *ls = NULL;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    size_t hits = 0;
    for (size_t i = 0; ls && i < ls->count; i++) {
        CHECK(ls->set[i].kind == PO_LIMIT_FIXED_POINT);
        CHECK_CLOSE(fabs(ls->set[i].x[0]), xs, 1e-10, 0);
        hits += ls->set[i].hits;
    }
    CHECK(ls && ls->count == 2 && hits == lo.n_traj);
    po_limit_sets_free(ls);
    po_mat_free(W);
}

/* diag(2, 2) under tanh: 4 stable corners (+-x*, +-x*), 4 saddles on the
 * axes, an unstable origin; diag(2, 0.5): 2 stable, a saddle origin. Also
 * the leaky-rate form, whose fixed points are tanh of the current form's
 * (x = tanh(W x) with y = W x: y = W tanh(y)). */
static void test_tanh_2d_kinds(void)
{
    po_mat *W = mat2(2, 0, 0, 2);
    po_network net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    o.radius = 3.0;
    po_fixed_points *f = NULL;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count == 9 && count_kind(f, PO_FP_STABLE) == 4 &&
          count_kind(f, PO_FP_SADDLE) == 4 && count_kind(f, PO_FP_UNSTABLE) == 1);
    double xs = tanh_root(2.0);
    if (f && f->count == 9) CHECK_CLOSE(f->fp[0].norm_x, sqrt(2.0) * xs, 1e-12, 0);
    po_fixed_points_free(f);

    net.leaky = PO_LEAKY_RATE;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count >= 8 && count_kind(f, PO_FP_STABLE) == 4 && count_kind(f, PO_FP_SADDLE) == 4);
    if (f && f->count >= 8) CHECK_CLOSE(f->fp[0].x[0] * f->fp[0].x[0], tanh(xs) * tanh(xs), 1e-12, 0);
    po_fixed_points_free(f);
    po_mat_free(W);

    W = mat2(2, 0, 0, 0.5);
    net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count == 3 && count_kind(f, PO_FP_STABLE) == 2 &&
          count_kind(f, PO_FP_SADDLE) == 1);
    po_fixed_points_free(f);
    po_mat_free(W);
}

/* Extra starts (data rows) are used, and an unconverged minimum of q below
 * slow_q is kept as a slow point: x' = -x + tanh(x) (w = 1) has q ~ x^6 / 18
 * near 0, so a capped Newton stays slow. */
static void test_starts_and_slow_points(void)
{
    po_mat *W = po_mat_alloc(1, 1);
    PO_MAT_AT(W, 0, 0) = 1.0;
    po_network net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    o.n_random = 0;
    po_mat *starts = po_mat_alloc(3, 1);
    starts->data[0] = 0.3;
    starts->data[1] = -0.2;
    starts->data[2] = 0.25;
    o.starts = starts;
    o.max_iter = 3;
    o.slow_q = 1e-3;
    po_fixed_points *f = NULL;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count >= 1 && f->fp[0].kind == PO_FP_SLOW && !f->fp[0].converged);
    size_t hits = 0;
    for (size_t i = 0; f && i < f->count; i++) hits += f->fp[i].hits;
    CHECK(hits == 3);
    po_fixed_points_free(f);
    po_mat_free(starts);
    po_mat_free(W);
}

/* phi is odd: a start that reaches +x* also yields -x*, with no hits. */
static void test_mirror_points(void)
{
    po_mat *W = po_mat_alloc(1, 1);
    PO_MAT_AT(W, 0, 0) = 2.0;
    po_network net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    o.n_random = 0;
    po_mat *starts = po_mat_alloc(1, 1);
    starts->data[0] = 1.5;
    o.starts = starts;
    po_fixed_points *f = NULL;
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count == 2);
    if (f && f->count == 2) {
        CHECK(f->fp[0].x[0] == -f->fp[1].x[0]);
        CHECK(f->fp[0].hits + f->fp[1].hits == 1);
        CHECK(f->fp[0].kind == PO_FP_STABLE && f->fp[1].kind == PO_FP_STABLE);
        CHECK(f->fp[0].eig_re[0] == f->fp[1].eig_re[0]);
    }
    po_fixed_points_free(f);
    po_mat_free(starts);
    po_mat_free(W);
}

/* The reduced r-dimensional search of a low-rank W finds the same fixed
 * points, with the same Jacobian eigenvalues, as Newton on the full flow. */
static void check_reduced(po_leaky leaky)
{
    po_teacher_opts to = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 40);
    po_rng rng;
    po_rng_init(&rng, 7, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    CHECK_OK(po_teacher_generate(&to, &rng, &t));
    if (!t) return;
    po_network net = net_of(t->W, PO_PHI_TANH, leaky);
    po_att_struct red, full;
    CHECK_OK(po_att_struct_init(&net, &red));
    CHECK(red.lowrank && red.r == 2);
    memset(&full, 0, sizeof full);
    full.n = full.r = 40;
    po_fp_opts o = po_fp_opts_defaults();
    o.radius = 20.0; /* reach the saturated fixed points too */
    o.n_random = 100;
    po_fixed_points *a = NULL, *b = NULL;
    CHECK_OK(po_att_find_fixed_points(&net, &red, &o, &a));
    CHECK_OK(po_att_find_fixed_points(&net, &full, &o, &b));
    CHECK(a && b && a->count >= 3);
    /* every converged point of one is a point of the other */
    for (int pass = 0; a && b && pass < 2; pass++) {
        const po_fixed_points *p = pass ? b : a, *q = pass ? a : b;
        for (size_t i = 0; i < p->count; i++) {
            if (p->fp[i].kind == PO_FP_SLOW) continue;
            size_t j = 0;
            for (; j < q->count; j++)
                if (po_att_dist(p->fp[i].x, q->fp[j].x, 40) <= 1e-7 * (1 + p->fp[i].norm_x)) break;
            CHECK(j < q->count);
            if (j == q->count) continue;
            CHECK(p->fp[i].kind == q->fp[j].kind);
            CHECK_ALLCLOSE(p->fp[i].eig_re, q->fp[j].eig_re, 40, 1e-7, 1e-7);
            CHECK_CLOSE(p->fp[i].q, 0.0, 0, 1e-16 * (1 + p->fp[i].norm_x * p->fp[i].norm_x));
        }
    }
    po_fixed_points_free(a);
    po_fixed_points_free(b);
    po_att_struct_release(&red);
    po_teacher_free(t);
}

static void test_lowrank_reduction_equals_full(void)
{
    check_reduced(PO_LEAKY_CURRENT);
    check_reduced(PO_LEAKY_RATE);
}

/* ---- limit sets ------------------------------------------------------------------ */

/* Period of x_0 of the Euler map, from upward zero crossings after a long
 * transient: the reference for the cycle test. */
static double simulated_period(const po_mat *W, double alpha)
{
    double x[2] = {0.3, 0.0}, prev = x[0], t_last = -1, t_first = -1;
    size_t cycles = 0;
    for (size_t t = 1; t <= 200000; t++) {
        double p0 = tanh(x[0]), p1 = tanh(x[1]);
        double f0 = -x[0] + PO_MAT_AT(W, 0, 0) * p0 + PO_MAT_AT(W, 0, 1) * p1;
        double f1 = -x[1] + PO_MAT_AT(W, 1, 0) * p0 + PO_MAT_AT(W, 1, 1) * p1;
        x[0] += alpha * f0;
        x[1] += alpha * f1;
        if (t > 100000 && prev < 0 && x[0] >= 0) {
            double tc = ((double)t - 1 + prev / (prev - x[0])) * alpha;
            if (t_first < 0) t_first = tc;
            else cycles++;
            t_last = tc;
        }
        prev = x[0];
    }
    return (t_last - t_first) / (double)cycles;
}

/* W = 1.5 [[1, -1], [1, 1]] under tanh: the origin is an unstable focus
 * (J = -I + W, eigenvalues 0.5 +- 1.5i) and every trajectory winds onto one
 * stable limit cycle. */
static void test_limit_cycle_2d(void)
{
    po_mat *W = mat2(1.5, -1.5, 1.5, 1.5);
    po_network net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    po_limit_opts lo = quick_limits();
    po_limit_sets *ls = NULL;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    CHECK(ls && ls->count == 1);
    if (ls && ls->count == 1) {
        const po_limit_set *c = &ls->set[0];
        CHECK(c->kind == PO_LIMIT_CYCLE && c->hits == lo.n_traj);
        CHECK_CLOSE(c->period, simulated_period(W, 0.01), 2e-3, 0);
        CHECK(c->amplitude > 0.5 && c->orbit && c->orbit->rows > 10);
        /* x is the orbit state of largest norm, on the orbit */
        double big = 0.0;
        for (size_t k = 0; c->orbit && k < c->orbit->rows; k++)
            big = fmax(big, po_att_norm(c->orbit->data + k * c->orbit->ld, 2));
        CHECK_CLOSE(po_att_norm(c->x, 2), big, 1e-12, 0);
    }
    po_limit_sets_free(ls);
    po_fixed_points *f = NULL;
    po_fp_opts o = po_fp_opts_defaults();
    CHECK_OK(po_find_fixed_points(&net, &o, &f));
    CHECK(f && f->count == 1 && f->fp[0].kind == PO_FP_UNSTABLE);
    po_fixed_points_free(f);
    po_mat_free(W);
}

/* A slow focus (eigenvalues of W 0.98 +- 0.15i, linear): after 60 time units
 * the trajectories are still far from settled, but they approach the stable
 * origin, so they end at a fixed point, not "drifting". A pure rotation
 * (a centre: Re = 1 exactly) never approaches it. */
static void test_slow_focus(void)
{
    po_mat *W = mat2(0.98, -0.15, 0.15, 0.98);
    po_network net = net_of(W, PO_PHI_LINEAR, PO_LEAKY_CURRENT);
    po_limit_opts lo = quick_limits();
    po_limit_sets *ls = NULL;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    CHECK(ls && ls->count == 1 && ls->set[0].kind == PO_LIMIT_FIXED_POINT &&
          ls->set[0].hits == lo.n_traj && po_att_norm(ls->set[0].x, 2) < 1e-12);
    po_limit_sets_free(ls);
    po_mat_free(W);
}

/* Linear W with Re lambda > 1 diverges. */
static void test_divergence(void)
{
    po_mat *W = mat2(1.5, 0.2, 0.0, 1.3);
    po_network net = net_of(W, PO_PHI_LINEAR, PO_LEAKY_CURRENT);
    po_limit_opts lo = quick_limits();
    po_limit_sets *ls = NULL;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    CHECK(ls && ls->count == 1 && ls->set[0].kind == PO_LIMIT_DIVERGED &&
          ls->set[0].hits == lo.n_traj);
    po_limit_sets_free(ls);
    /* a slower growth that stays below `diverge` is drifting */
    PO_MAT_AT(W, 0, 0) = 1.02;
    PO_MAT_AT(W, 1, 1) = 1.01;
    CHECK_OK(po_find_limit_sets(&net, &lo, &ls));
    CHECK(ls && ls->count == 1 && ls->set[0].kind == PO_LIMIT_DRIFTING);
    po_limit_sets_free(ls);
    po_mat_free(W);
}

/* ---- reports and verdicts ----------------------------------------------------------- */

static po_attractor_report *analyse(const po_mat *W, po_phi phi)
{
    po_network net = net_of(W, phi, PO_LEAKY_CURRENT);
    po_fp_opts o = po_fp_opts_defaults();
    o.radius = 2.0;
    po_limit_opts lo = quick_limits();
    po_attractor_report *r = NULL;
    CHECK_OK(po_attractor_analyse(&net, &o, &lo, &r));
    return r;
}

static void test_verdicts(void)
{
    po_mat *bistable = mat2(2, 0, 0, 0.5);   /* stable +-(x*, 0), saddle origin */
    po_mat *quiet = mat2(0.5, 0, 0, 0.5);    /* stable origin only */
    po_mat *cycle = mat2(1.5, -1.5, 1.5, 1.5); /* one limit cycle */
    po_mat *one = po_mat_alloc(1, 1);
    PO_MAT_AT(one, 0, 0) = 2.0;               /* 1-D: stable +-x* */
    po_attractor_report *rb = analyse(bistable, PO_PHI_TANH), *rq = analyse(quiet, PO_PHI_TANH);
    po_attractor_report *rc = analyse(cycle, PO_PHI_TANH), *r1 = analyse(one, PO_PHI_TANH);
    if (!rb || !rq || !rc || !r1) goto done;
    CHECK(rb->n_stable_fp == 2 && rb->n_cycles == 0 && rb->rank == 2);
    CHECK(rc->n_stable_fp == 0 && rc->n_cycles == 1);
    CHECK_CLOSE(rb->eig_re[0], 2.0, 1e-14, 0);
    CHECK_CLOSE(rb->las, -1.0, 1e-12, 0); /* tau_1 = 1 / |1 - 2| = 1, tau_2 = 1 / |1 - 0.5| = 2 */

    char buf[512];
    CHECK(po_attractor_verdict(rb, rb, buf, sizeof buf));
    CHECK(strncmp(buf, "match: both: 2 stable fixed points", 34) == 0);
    CHECK(po_attractor_verdict(rq, rq, buf, sizeof buf));
    CHECK(strstr(buf, "1 stable fixed point (the origin)") != NULL);

    CHECK(!po_attractor_verdict(rq, rb, buf, sizeof buf));
    CHECK(strstr(buf, "student has 2 spurious stable fixed points") != NULL);
    CHECK(strstr(buf, "misses 1 stable fixed point (the origin) of the teacher") != NULL);
    CHECK(strstr(buf, "student eigenvalues with Re > 1: 2") != NULL);

    CHECK(!po_attractor_verdict(rq, rc, buf, sizeof buf));
    CHECK(strstr(buf, "student has 1 spurious limit cycle (period ") != NULL);
    CHECK(strstr(buf, "1.5+-1.5i") != NULL);
    CHECK(!po_attractor_verdict(rc, rq, buf, sizeof buf));
    CHECK(strstr(buf, "1 limit cycle (period ") != NULL && strstr(buf, "of the teacher"));

    /* a 2-D teacher observed through its first neuron vs a 1-D student */
    po_attractor_comparison cmp;
    CHECK_OK(po_attractor_compare(rb, r1, 1, &cmp, buf, sizeof buf));
    CHECK(cmp.match && cmp.matched_fp == 2 && cmp.obs == 1);
    CHECK(po_attractor_verdict(rb, r1, buf, sizeof buf)); /* obs = min(2, 1) */
    CHECK_OK(po_attractor_compare(rq, rb, 2, &cmp, NULL, 0));
    CHECK(!cmp.match && cmp.spurious_fp == 2 && cmp.missed_fp == 1 && cmp.student_re_gt1 == 1);

    /* truncation keeps a NUL-terminated prefix */
    char small[12];
    po_attractor_verdict(rq, rb, small, sizeof small);
    CHECK(strlen(small) == sizeof small - 1);

    /* errors */
    CHECK_STATUS(po_attractor_compare(rb, r1, 0, &cmp, buf, sizeof buf), PO_EINVAL);
    CHECK_STATUS(po_attractor_compare(rb, r1, 2, &cmp, buf, sizeof buf), PO_EINVAL);
    CHECK_STATUS(po_attractor_compare(NULL, r1, 1, &cmp, buf, sizeof buf), PO_EINVAL);
    CHECK(!po_attractor_verdict(NULL, r1, buf, sizeof buf) && buf[0] == '\0');
done:
    po_attractor_report_free(rb);
    po_attractor_report_free(rq);
    po_attractor_report_free(rc);
    po_attractor_report_free(r1);
    po_mat_free(bistable);
    po_mat_free(quiet);
    po_mat_free(cycle);
    po_mat_free(one);
}

/* The same seed gives the same report; the analysis uses trajectory states
 * as starts, so a fixed point only trajectories reach is still found. */
static void test_determinism(void)
{
    po_mat *W = po_test_gaussian(12, 12, 2.0 / sqrt(12.0), 5);
    po_attractor_report *a = analyse(W, PO_PHI_TANH), *b = analyse(W, PO_PHI_TANH);
    if (a && b) {
        CHECK(a->fixed_points->count == b->fixed_points->count);
        CHECK(a->limit_sets->count == b->limit_sets->count);
        for (size_t i = 0; i < a->fixed_points->count && i < b->fixed_points->count; i++) {
            CHECK(memcmp(a->fixed_points->fp[i].x, b->fixed_points->fp[i].x, 12 * sizeof(double)) == 0);
            CHECK(a->fixed_points->fp[i].hits == b->fixed_points->fp[i].hits);
        }
        for (size_t i = 0; i < a->limit_sets->count && i < b->limit_sets->count; i++) {
            CHECK(a->limit_sets->set[i].kind == b->limit_sets->set[i].kind);
            CHECK(memcmp(a->limit_sets->set[i].x, b->limit_sets->set[i].x, 12 * sizeof(double)) == 0);
        }
        /* every fixed point a trajectory ended on is in the fixed-point list */
        for (size_t i = 0; i < a->limit_sets->count; i++) {
            if (a->limit_sets->set[i].kind != PO_LIMIT_FIXED_POINT) continue;
            size_t j = 0;
            for (; j < a->fixed_points->count; j++)
                if (po_att_dist(a->limit_sets->set[i].x, a->fixed_points->fp[j].x, 12) < 1e-6) break;
            CHECK(j < a->fixed_points->count && a->fixed_points->fp[j].kind == PO_FP_STABLE);
        }
    }
    po_attractor_report_free(a);
    po_attractor_report_free(b);
    po_mat_free(W);
}

/* ---- options and errors -------------------------------------------------------------- */

static void test_options(void)
{
    po_fp_opts o = po_fp_opts_defaults();
    CHECK(po_fp_opts_check(&o) == NULL);
    CHECK(o.n_random == 200 && o.radius == 0.5 && o.max_iter == 200);
    CHECK(po_fp_random_starts(&o, 50) == 200);
    CHECK(po_fp_random_starts(&o, 200) == 50);
    CHECK(po_fp_random_starts(&o, 5000) == PO_FP_MIN_RANDOM);
    po_fp_opts b = o;
    b.radius = 0;
    CHECK(po_fp_opts_check(&b) != NULL);
    b = o;
    b.max_iter = 0;
    CHECK(po_fp_opts_check(&b) != NULL);
    b = o;
    b.tol = (double)NAN;
    CHECK(po_fp_opts_check(&b) != NULL);
    b = o;
    b.slow_q = -1;
    CHECK(po_fp_opts_check(&b) != NULL);
    b = o;
    b.dedup = 0;
    CHECK(po_fp_opts_check(&b) != NULL);
    b = o;
    b.n_random = 0;
    CHECK(po_fp_opts_check(&b) != NULL);
    CHECK(po_fp_opts_check(NULL) != NULL);

    po_limit_opts l = po_limit_opts_defaults();
    CHECK(po_limit_opts_check(&l) == NULL);
    CHECK(l.n_traj == 15 && l.steps == 20000 && l.radius == 0.5);
    po_limit_opts m = l;
    m.n_traj = 0;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.radius = (double)INFINITY;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.steps = 10;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.settle_tol = 0;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.same_tol = -1;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.diverge = 0;
    CHECK(po_limit_opts_check(&m) != NULL);
    m = l;
    m.cycle_tol = 1.0;
    CHECK(po_limit_opts_check(&m) != NULL);
    CHECK(po_limit_opts_check(NULL) != NULL);

    CHECK(strcmp(po_fp_kind_name(PO_FP_SADDLE), "saddle") == 0);
    CHECK(strcmp(po_fp_kind_name(PO_FP_SLOW), "slow") == 0);
    CHECK(strcmp(po_fp_kind_name((po_fp_kind)99), "unknown") == 0);
    CHECK(strcmp(po_limit_kind_name(PO_LIMIT_CYCLE), "limit_cycle") == 0);
    CHECK(strcmp(po_limit_kind_name(PO_LIMIT_DRIFTING), "drifting") == 0);
    CHECK(strcmp(po_limit_kind_name((po_limit_kind)99), "unknown") == 0);
}

static void test_errors(void)
{
    po_fp_opts o = po_fp_opts_defaults();
    po_limit_opts lo = quick_limits();
    po_fixed_points *f = (po_fixed_points *)&o; /* must be reset to NULL */
    po_limit_sets *ls = NULL;
    po_attractor_report *r = NULL;

    po_mat *rect = po_mat_alloc(2, 3);
    po_network net = net_of(rect, PO_PHI_TANH, PO_LEAKY_CURRENT);
    CHECK_STATUS(po_find_fixed_points(&net, &o, &f), PO_ESHAPE);
    CHECK(f == NULL);
    CHECK_STATUS(po_find_limit_sets(&net, &lo, &ls), PO_ESHAPE);
    CHECK_STATUS(po_attractor_analyse(&net, &o, &lo, &r), PO_ESHAPE);
    CHECK(ls == NULL && r == NULL);
    po_mat_free(rect);

    po_mat *W = mat2(0.5, 0, 0, 0.5);
    net = net_of(W, PO_PHI_TANH, PO_LEAKY_CURRENT);
    PO_MAT_AT(W, 1, 0) = (double)NAN;
    CHECK_STATUS(po_find_fixed_points(&net, &o, &f), PO_ENONFINITE);
    CHECK_STATUS(po_attractor_analyse(&net, &o, &lo, &r), PO_ENONFINITE);
    PO_MAT_AT(W, 1, 0) = 0.0;
    net.alpha = 0.0;
    CHECK_STATUS(po_find_limit_sets(&net, &lo, &ls), PO_EINVAL);
    net.alpha = 0.01;
    net.phi = (po_phi)7;
    CHECK_STATUS(po_find_fixed_points(&net, &o, &f), PO_EINVAL);
    net.phi = PO_PHI_TANH;
    net.leaky = (po_leaky)7;
    CHECK_STATUS(po_find_fixed_points(&net, &o, &f), PO_EINVAL);
    net.leaky = PO_LEAKY_CURRENT;
    CHECK_STATUS(po_find_fixed_points(NULL, &o, &f), PO_EINVAL);
    CHECK_STATUS(po_find_fixed_points(&net, &o, NULL), PO_EINVAL);
    CHECK_STATUS(po_find_limit_sets(&net, &lo, NULL), PO_EINVAL);
    CHECK_STATUS(po_attractor_analyse(&net, &o, &lo, NULL), PO_EINVAL);

    po_fp_opts bad = o;
    bad.radius = -1;
    CHECK_STATUS(po_find_fixed_points(&net, &bad, &f), PO_EINVAL);
    CHECK_STATUS(po_attractor_analyse(&net, &bad, &lo, &r), PO_EINVAL);
    po_limit_opts badl = lo;
    badl.n_traj = 0;
    CHECK_STATUS(po_find_limit_sets(&net, &badl, &ls), PO_EINVAL);
    CHECK_STATUS(po_attractor_analyse(&net, &o, &badl, &r), PO_EINVAL);

    po_mat *starts = po_mat_alloc(2, 3);
    bad = o;
    bad.starts = starts;
    CHECK_STATUS(po_find_fixed_points(&net, &bad, &f), PO_ESHAPE);
    CHECK_STATUS(po_attractor_analyse(&net, &bad, &lo, &r), PO_ESHAPE);
    po_mat_free(starts);
    starts = po_mat_alloc(2, 2);
    starts->data[1] = (double)INFINITY;
    bad.starts = starts;
    CHECK_STATUS(po_find_fixed_points(&net, &bad, &f), PO_ENONFINITE);
    CHECK_STATUS(po_attractor_analyse(&net, &bad, &lo, &r), PO_ENONFINITE);
    po_mat_free(starts);
    CHECK(f == NULL && ls == NULL && r == NULL);

    /* NULL options mean the defaults; freeing NULL is fine */
    lo = quick_limits();
    CHECK_OK(po_attractor_analyse(&net, NULL, NULL, &r));
    CHECK(r && r->n_stable_fp == 1);
    po_attractor_report_free(r);
    po_attractor_report_free(NULL);
    po_fixed_points_free(NULL);
    po_limit_sets_free(NULL);
    po_mat_free(W);
}

int main(void)
{
    PO_RUN(test_jacobian_finite_differences);
    PO_RUN(test_linear_stable);
    PO_RUN(test_tanh_1d);
    PO_RUN(test_tanh_2d_kinds);
    PO_RUN(test_starts_and_slow_points);
    PO_RUN(test_mirror_points);
    PO_RUN(test_lowrank_reduction_equals_full);
    PO_RUN(test_limit_cycle_2d);
    PO_RUN(test_slow_focus);
    PO_RUN(test_divergence);
    PO_RUN(test_verdicts);
    PO_RUN(test_determinism);
    PO_RUN(test_options);
    PO_RUN(test_errors);
    return po_test_finish();
}
