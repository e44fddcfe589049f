/* Limited-memory BFGS with a strong-Wolfe line search (lbfgs.h; Nocedal &
 * Wright, Numerical Optimization, 2nd ed., Algorithms 7.4, 7.5, 3.5, 3.6). */
#include "fit/lbfgs.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

lbfgs_opts lbfgs_opts_defaults(void)
{
    return (lbfgs_opts){.memory = 10,
                        .max_iter = 100,
                        .max_ls = 20,
                        .ftol = 2.220446049250313e-09, /* scipy: factr 1e7 times DBL_EPSILON */
                        .gtol = 1e-5,
                        .c1 = 1e-4,
                        .c2 = 0.9};
}

size_t lbfgs_work_size(size_t n, size_t memory) { return 2 * memory * n + 2 * memory + 9 * n; }

static double dot(const double *a, const double *b, size_t n)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) acc += a[i] * b[i];
    return acc;
}

static double max_abs(const double *g, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(g[i]));
    return m;
}

typedef struct lbfgs_ctx {
    size_t n;
    lbfgs_fn fn;
    void *user;
    const lbfgs_opts *o;
    double *x, *g;       /* the current point x_k, g_k (the line search's origin) */
    double *d;           /* search direction */
    double *xt, *gt;     /* the latest trial point */
    double *xlo, *glo;   /* the zoom's lower end, when it is not the origin */
    double f0, dphi0;    /* phi(0), phi'(0) */
    size_t evals, ls_left;
} lbfgs_ctx;

/* A point of phi(a) = f(x + a d): step, value, slope. */
typedef struct ls_point {
    double a, f, dphi;
} ls_point;

static ls_point trial(lbfgs_ctx *c, double a)
{
    for (size_t i = 0; i < c->n; i++) c->xt[i] = c->x[i] + a * c->d[i];
    ls_point p = {a, c->fn(c->xt, c->gt, c->user), 0.0};
    p.dphi = dot(c->gt, c->d, c->n);
    c->evals++;
    c->ls_left--;
    return p;
}

/* x, g <- the latest trial (from_lo false) or the zoom's lower end. */
static double accept(lbfgs_ctx *c, ls_point p, bool from_lo)
{
    memcpy(c->x, from_lo ? c->xlo : c->xt, c->n * sizeof *c->x);
    memcpy(c->g, from_lo ? c->glo : c->gt, c->n * sizeof *c->g);
    return p.f;
}

static void keep_lo(lbfgs_ctx *c)
{
    memcpy(c->xlo, c->xt, c->n * sizeof *c->xlo);
    memcpy(c->glo, c->gt, c->n * sizeof *c->glo);
}

static bool armijo_fails(const lbfgs_ctx *c, ls_point p)
{
    return !isfinite(p.f) || !isfinite(p.dphi) || p.f > c->f0 + c->o->c1 * p.a * c->dphi0;
}

static bool curvature_holds(const lbfgs_ctx *c, ls_point p)
{
    return fabs(p.dphi) <= -c->o->c2 * c->dphi0;
}

/* Minimiser of the cubic through (a, f, dphi) at both ends (N&W 3.59),
 * safeguarded to the middle 80% of the interval; the midpoint when the
 * cubic is not usable (non-finite values, no real minimiser). */
static double interpolate(ls_point lo, ls_point hi)
{
    double mid = 0.5 * (lo.a + hi.a), w = fabs(hi.a - lo.a);
    double left = fmin(lo.a, hi.a) + 0.1 * w, right = fmax(lo.a, hi.a) - 0.1 * w;
    double d1 = lo.dphi + hi.dphi - 3.0 * (lo.f - hi.f) / (lo.a - hi.a);
    double disc = d1 * d1 - lo.dphi * hi.dphi;
    if (!isfinite(d1) || !(disc >= 0.0)) return mid;
    double d2 = copysign(sqrt(disc), hi.a - lo.a);
    double den = hi.dphi - lo.dphi + 2.0 * d2;
    if (den == 0.0) return mid;
    double a = hi.a - (hi.a - lo.a) * (hi.dphi + d2 - d1) / den;
    return a >= left && a <= right ? a : mid;
}

/* Outcome of a line search: a Wolfe step, a step with sufficient decrease
 * only (the evaluations ran out), or nothing. */
enum { LS_WOLFE, LS_DECREASE, LS_FAILED };

/* Algorithm 3.6: lo satisfies sufficient decrease and has the lowest value
 * so far; the interval [lo, hi] contains Wolfe steps. */
static int zoom(lbfgs_ctx *c, ls_point lo, ls_point hi, double *f)
{
    while (c->ls_left > 0 && fabs(hi.a - lo.a) > 1e-16 * fmax(lo.a, hi.a)) {
        ls_point p = trial(c, interpolate(lo, hi));
        if (armijo_fails(c, p) || p.f >= lo.f) {
            hi = p;
            continue;
        }
        if (curvature_holds(c, p)) {
            *f = accept(c, p, false);
            return LS_WOLFE;
        }
        if (p.dphi * (hi.a - lo.a) >= 0.0) hi = lo;
        lo = p;
        keep_lo(c);
    }
    if (lo.a > 0.0) {
        *f = accept(c, lo, true);
        return LS_DECREASE;
    }
    return LS_FAILED;
}

/* Algorithm 3.5, doubling the step while phi still decreases steeply. */
static int line_search(lbfgs_ctx *c, double a, double *f)
{
    ls_point prev = {0.0, c->f0, c->dphi0};
    c->ls_left = c->o->max_ls;
    while (c->ls_left > 0) {
        ls_point p = trial(c, a);
        if (armijo_fails(c, p) || (prev.a > 0.0 && p.f >= prev.f)) return zoom(c, prev, p, f);
        if (curvature_holds(c, p)) {
            *f = accept(c, p, false);
            return LS_WOLFE;
        }
        keep_lo(c);
        if (p.dphi >= 0.0) return zoom(c, p, prev, f);
        prev = p;
        a *= 2.0;
    }
    if (prev.a > 0.0) {
        *f = accept(c, prev, true);
        return LS_DECREASE;
    }
    return LS_FAILED;
}

/* d = -H g by the two-loop recursion (Algorithm 7.4) over the len newest
 * pairs, the newest in slot (head + m - 1) % m, H_0 = gamma I with
 * gamma = s^T y / y^T y of the newest pair (7.20). */
static void two_loop(size_t n, size_t m, size_t len, size_t head, const double *s,
                     const double *y, const double *rho, double *alpha, const double *g,
                     double *d)
{
    for (size_t i = 0; i < n; i++) d[i] = -g[i];
    for (size_t j = 0; j < len; j++) {
        size_t k = (head + m - 1 - j) % m;
        alpha[k] = rho[k] * dot(s + k * n, d, n);
        for (size_t i = 0; i < n; i++) d[i] -= alpha[k] * y[k * n + i];
    }
    if (len > 0) {
        size_t k = (head + m - 1) % m;
        double gamma = dot(s + k * n, y + k * n, n) / dot(y + k * n, y + k * n, n);
        for (size_t i = 0; i < n; i++) d[i] *= gamma;
    }
    for (size_t j = len; j-- > 0;) {
        size_t k = (head + m - 1 - j) % m;
        double beta = rho[k] * dot(y + k * n, d, n);
        for (size_t i = 0; i < n; i++) d[i] += (alpha[k] - beta) * s[k * n + i];
    }
}

po_status lbfgs_minimize(size_t n, double *x, lbfgs_fn fn, void *user, const lbfgs_opts *o,
                         double *work, lbfgs_result *res)
{
    if (!x || !fn || !o || !work || !res) return po_error(PO_EINVAL, "L-BFGS: NULL argument");
    if (n == 0 || o->memory == 0 || o->max_ls == 0 ||
        !(o->c1 > 0.0 && o->c1 < o->c2 && o->c2 < 1.0))
        return po_error(PO_EINVAL, "L-BFGS: invalid problem size or options");
    size_t m = o->memory;
    double *s = work, *y = s + m * n, *rho = y + m * n, *alpha = rho + m, *g = alpha + m;
    lbfgs_ctx c = {.n = n, .fn = fn, .user = user, .o = o, .x = x, .g = g, .d = g + n,
                   .xt = g + 2 * n, .gt = g + 3 * n, .xlo = g + 4 * n, .glo = g + 5 * n};
    double *xprev = g + 6 * n, *gprev = g + 7 * n;
    double f = fn(x, g, user);
    c.evals = 1;
    if (!isfinite(f) || !isfinite(dot(g, g, n)))
        return po_error(PO_EDIVERGED,
                        "L-BFGS: the objective or its gradient is not finite at the starting "
                        "point (%g)",
                        f);
    size_t len = 0, head = 0, iters = 0;
    lbfgs_stop stop = LBFGS_MAX_ITER;
    while (iters < o->max_iter) {
        if (max_abs(g, n) <= o->gtol) {
            stop = LBFGS_GTOL;
            break;
        }
        two_loop(n, m, len, head, s, y, rho, alpha, g, c.d);
        c.dphi0 = dot(g, c.d, n);
        if (!(c.dphi0 < 0.0)) { /* not a descent direction (rounding): forget the pairs */
            len = 0;
            two_loop(n, m, 0, head, s, y, rho, alpha, g, c.d);
            c.dphi0 = dot(g, c.d, n);
        }
        /* The first step (no curvature information yet) has length 1, as
         * L-BFGS-B's; later ones start at the quasi-Newton step a = 1. */
        double a0 = len > 0 ? 1.0 : 1.0 / sqrt(dot(c.d, c.d, n));
        c.f0 = f;
        memcpy(xprev, x, n * sizeof *x);
        memcpy(gprev, g, n * sizeof *g);
        double f_new = f;
        if (line_search(&c, a0, &f_new) == LS_FAILED) {
            stop = LBFGS_LINE_SEARCH;
            break;
        }
        iters++;
        double *sk = s + head * n, *yk = y + head * n;
        for (size_t i = 0; i < n; i++) {
            sk[i] = x[i] - xprev[i];
            yk[i] = g[i] - gprev[i];
        }
        /* A Wolfe step has s^T y > 0; a sufficient-decrease-only step may
         * not, and such a pair would make H indefinite: drop it. */
        double sy = dot(sk, yk, n);
        if (sy > 1e-12 * sqrt(dot(sk, sk, n) * dot(yk, yk, n)) && sy > 0.0) {
            rho[head] = 1.0 / sy;
            head = (head + 1) % m;
            if (len < m) len++;
        }
        double f_old = f;
        f = f_new;
        if (f_old - f <= o->ftol * fmax(fmax(fabs(f_old), fabs(f)), 1.0)) {
            stop = LBFGS_FTOL;
            break;
        }
    }
    res->iters = iters;
    res->evals = c.evals;
    res->f = f;
    res->gmax = max_abs(g, n);
    res->stop = stop;
    return PO_OK;
}
