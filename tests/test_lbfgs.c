/* L-BFGS (src/fit/lbfgs.c; the emission update of the paper's LDS
 * procedure, SPEC.md §4.8) on problems with closed-form minimisers: a
 * convex quadratic (x* = A^{-1} b), the Rosenbrock function (x* = 1) in 2
 * and 10 dimensions, a function undefined (NaN) outside |x| < 1 that the
 * line search must step back from; every accepted step satisfies the
 * strong Wolfe conditions; the stopping rules and the error paths. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/lbfgs.h"
#include "harness.h"
#include "linalg/linalg.h"
#include "partobs/rng.h"

/* 0.5 (x - b)^T A (x - b) with A = Q diag(1 .. 100) Q^T (n = 20): minimum 0
 * at x = b (written around b so that f has no cancellation near it). */
typedef struct quad {
    size_t n;
    double *a, *b;
    size_t evals;
} quad;

static double quad_fn(const double *x, double *g, void *user)
{
    quad *q = user;
    double f = 0.0;
    q->evals++;
    for (size_t i = 0; i < q->n; i++) {
        double ax = 0.0;
        for (size_t j = 0; j < q->n; j++) ax += q->a[i * q->n + j] * (x[j] - q->b[j]);
        g[i] = ax;
        f += 0.5 * (x[i] - q->b[i]) * ax;
    }
    return f;
}

static void test_quadratic(void)
{
    size_t n = 20;
    quad q = {n, calloc(n * n, sizeof(double)), calloc(n, sizeof(double)), 0};
    po_mat *Q = po_test_gaussian(n, n, 1.0, 3);
    CHECK(po_la_qr(Q, NULL) == PO_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < n; k++)
                acc += PO_MAT_AT(Q, i, k) * (1.0 + 99.0 * (double)k / (double)(n - 1)) *
                       PO_MAT_AT(Q, j, k);
            q.a[i * n + j] = acc;
        }
    /* x* = b = (1, 2, ..., n) */
    double *want = malloc(n * sizeof *want), *x = calloc(n, sizeof *x);
    for (size_t i = 0; i < n; i++) want[i] = q.b[i] = (double)(i + 1);
    lbfgs_opts o = lbfgs_opts_defaults();
    o.max_iter = 500;
    o.gtol = 1e-10;
    o.ftol = 0.0;
    double *work = malloc(lbfgs_work_size(n, o.memory) * sizeof *work);
    lbfgs_result r;
    CHECK(lbfgs_minimize(n, x, quad_fn, &q, &o, work, &r) == PO_OK);
    CHECK(r.stop == LBFGS_GTOL);
    CHECK(r.gmax <= 1e-10);
    CHECK(r.evals == q.evals);
    /* |x - x*| <= |g| / lambda_min = |g| */
    CHECK_ALLCLOSE(x, want, n, 0.0, 1e-10 * sqrt((double)n));
    /* condition number 100: far fewer iterations than plain gradient descent needs */
    CHECK(r.iters < 100);
    po_mat_free(Q);
    free(q.a);
    free(q.b);
    free(want);
    free(x);
    free(work);
}

/* Extended Rosenbrock: sum over pairs of 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2. */
static double rosenbrock(const double *x, double *g, void *user)
{
    size_t n = *(const size_t *)user;
    double f = 0.0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        double a = x[i + 1] - x[i] * x[i], b = 1.0 - x[i];
        f += 100.0 * a * a + b * b;
        g[i] = -400.0 * a * x[i] - 2.0 * b;
        g[i + 1] = 200.0 * a;
    }
    return f;
}

static void test_rosenbrock(void)
{
    for (size_t n = 2; n <= 10; n += 8) {
        double x[10], one[10];
        for (size_t i = 0; i < n; i++) {
            x[i] = i % 2 ? 1.0 : -1.2; /* the classic start */
            one[i] = 1.0;
        }
        lbfgs_opts o = lbfgs_opts_defaults();
        o.max_iter = 1000;
        o.gtol = 1e-9;
        o.ftol = 0.0;
        double *work = malloc(lbfgs_work_size(n, o.memory) * sizeof *work);
        lbfgs_result r;
        CHECK(lbfgs_minimize(n, x, rosenbrock, &n, &o, work, &r) == PO_OK);
        CHECK(r.stop == LBFGS_GTOL);
        CHECK_ALLCLOSE(x, one, n, 0.0, 1e-8);
        CHECK(r.f < 1e-16);
        free(work);
    }
}

/* The strong Wolfe conditions at every accepted step, on the 2-D
 * Rosenbrock function: running 1, 2, ... iterations from the same start
 * gives the iterates (the run is deterministic), and step k goes from
 * iterate k - 1 to iterate k along s = x_k - x_{k-1}. */
static void test_wolfe(void)
{
    size_t n = 2, checked = 0;
    lbfgs_opts o = lbfgs_opts_defaults();
    double work[256], x0[2] = {-1.2, 1.0}, g0[2], g[2];
    double f0 = rosenbrock(x0, g0, &n);
    lbfgs_result r;
    for (size_t it = 1; it <= 30; it++) {
        double x[2] = {-1.2, 1.0};
        o.max_iter = it;
        CHECK(lbfgs_minimize(2, x, rosenbrock, &n, &o, work, &r) == PO_OK);
        if (r.iters != it) break;
        double f = rosenbrock(x, g, &n);
        double s[2] = {x[0] - x0[0], x[1] - x0[1]};
        double slope0 = g0[0] * s[0] + g0[1] * s[1], slope = g[0] * s[0] + g[1] * s[1];
        CHECK(slope0 < 0.0);
        CHECK(f <= f0 + o.c1 * slope0);            /* sufficient decrease (step 1 along s) */
        CHECK(fabs(slope) <= o.c2 * fabs(slope0)); /* strong curvature condition */
        memcpy(x0, x, sizeof x0);
        memcpy(g0, g, sizeof g0);
        f0 = f;
        checked++;
    }
    CHECK(checked >= 20);
}

/* f = -log(1 - x^2) summed: NaN outside |x| < 1; minimum 0 at x = 0. */
static double barrier(const double *x, double *g, void *user)
{
    (void)user;
    double f = 0.0;
    for (size_t i = 0; i < 3; i++) {
        double u = 1.0 - x[i] * x[i];
        f -= log(u); /* NaN for u < 0 */
        g[i] = 2.0 * x[i] / u;
    }
    return f;
}

static void test_nonfinite_trials(void)
{
    double x[3] = {0.9, -0.5, 0.99}, zero[3] = {0, 0, 0};
    lbfgs_opts o = lbfgs_opts_defaults();
    o.gtol = 1e-7; /* f = sum x^2 near 0 rounds to 0 below |x| ~ 1e-8 */
    o.ftol = 0.0;
    double work[256];
    lbfgs_result r;
    CHECK(lbfgs_minimize(3, x, barrier, NULL, &o, work, &r) == PO_OK);
    CHECK(r.stop == LBFGS_GTOL);
    CHECK_ALLCLOSE(x, zero, 3, 0.0, 1e-7);
}

static void test_stops_and_errors(void)
{
    size_t n = 2;
    double x[2] = {-1.2, 1.0};
    lbfgs_opts o = lbfgs_opts_defaults(); /* scipy's: 100 iterations, ftol, gtol 1e-5 */
    CHECK(o.memory == 10 && o.max_iter == 100 && o.max_ls == 20 && o.gtol == 1e-5);
    double work[256];
    lbfgs_result r;
    o.max_iter = 3;
    CHECK(lbfgs_minimize(2, x, rosenbrock, &n, &o, work, &r) == PO_OK);
    CHECK(r.stop == LBFGS_MAX_ITER && r.iters == 3);
    o = lbfgs_opts_defaults();
    o.ftol = 1e-2; /* a loose relative decrease stops early */
    x[0] = -1.2;
    x[1] = 1.0;
    CHECK(lbfgs_minimize(2, x, rosenbrock, &n, &o, work, &r) == PO_OK);
    CHECK(r.stop == LBFGS_FTOL && r.iters < 100);
    double bad[3] = {2.0, 0.0, 0.0};
    o = lbfgs_opts_defaults();
    CHECK(lbfgs_minimize(3, bad, barrier, NULL, &o, work, &r) == PO_EDIVERGED);
    o.c2 = o.c1 / 2;
    CHECK(lbfgs_minimize(2, x, rosenbrock, &n, &o, work, &r) == PO_EINVAL);
    o = lbfgs_opts_defaults();
    CHECK(lbfgs_minimize(0, x, rosenbrock, &n, &o, work, &r) == PO_EINVAL);
}

int main(void)
{
    PO_RUN(test_quadratic);
    PO_RUN(test_rosenbrock);
    PO_RUN(test_wolfe);
    PO_RUN(test_nonfinite_trials);
    PO_RUN(test_stops_and_errors);
    return po_test_finish();
}
