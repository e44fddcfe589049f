/* Limit sets of noise-free trajectories (include/partobs/attractors.h;
 * SPEC.md §5 "Limit sets", §9 item 8; issue 4 item 6).
 *
 * All trajectories advance together: one n_traj x n by n x n product per
 * Euler step (or two thin products through the factors U B of a low-rank W).
 * The second half of the run is kept (at most PO_LIM_SAMPLES states per
 * trajectory) and each end is classified:
 *   diverged     |x| > diverge or not finite at any time;
 *   fixed point  the final speed |F(x)| is at most settle_tol (1 + |x|), or
 *                Newton from the end reaches a stable fixed point that the
 *                trajectory visibly approaches (slow foci: student
 *                eigenvalues just below Re = 1 decay over hundreds of time
 *                units); the point is polished by Newton;
 *   limit cycle  returns to a Poincare section (the hyperplane through the
 *                mean of the kept states, normal to their dominant
 *                direction of variation) repeat within cycle_tol times the
 *                amplitude; the period is the time between repeating returns;
 *   drifting     none of these within the simulated time.
 * Equal limit sets are then merged across trajectories. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"
#include "core/names.h"
#include "linalg/linalg.h"
#include "partobs/rng.h"
#include "sim/euler_batch.h"

/* Stored states per trajectory (the stride grows with the run length), and
 * the cap on all of them together (doubles). */
#define PO_LIM_SAMPLES 1000
#define PO_LIM_MAX_DOUBLES ((size_t)32 << 20)
/* Divergence is checked every this many steps. */
#define PO_LIM_CHECK_EVERY 50
/* Newton polish of an end state. */
#define PO_LIM_NEWTON_ITER 50
#define PO_LIM_NEWTON_TOL 1e-20
/* Slow approach: the distance to the fixed point over the last tenth of the
 * kept window must be below this fraction of that over its first tenth. */
#define PO_LIM_APPROACH 0.9
/* Power iterations for the dominant direction of the kept states. */
#define PO_LIM_POWER_ITER 15
/* Returns compared when looking for the period (period-k orbits, k <= 4). */
#define PO_LIM_MAX_RETURNS 4
/* Two cycles are the same when their periods agree to this fraction. */
#define PO_LIM_PERIOD_RTOL 0.05

PO_DEFINE_NAME_OF(po_limit_kind, PO_LIMIT_KIND_LIST, kind_names) /* po_limit_kind_name */

po_limit_opts po_limit_opts_defaults(void)
{
    return (po_limit_opts){.n_traj = 15,
                           .radius = 0.5,
                           .steps = 20000,
                           .settle_tol = 1e-6,
                           .same_tol = 1e-3,
                           .diverge = 1e6,
                           .cycle_tol = 1e-2,
                           .seed = PO_DEFAULT_SEED};
}

const char *po_limit_opts_check(const po_limit_opts *o)
{
    if (!o) return "no options";
    if (o->n_traj == 0) return "n_traj must be at least 1";
    if (!(isfinite(o->radius) && o->radius > 0.0)) return "radius must be finite and > 0";
    if (o->steps < 20) return "steps must be at least 20";
    if (!(isfinite(o->settle_tol) && o->settle_tol > 0.0)) return "settle_tol must be finite and > 0";
    if (!(isfinite(o->same_tol) && o->same_tol > 0.0)) return "same_tol must be finite and > 0";
    if (!(isfinite(o->diverge) && o->diverge > 0.0)) return "diverge must be finite and > 0";
    if (!(isfinite(o->cycle_tol) && o->cycle_tol > 0.0 && o->cycle_tol < 1.0))
        return "cycle_tol must be in (0, 1)";
    return NULL;
}

void po_limit_sets_free(po_limit_sets *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->set[i].x);
        po_mat_free(s->set[i].orbit);
    }
    free(s->set);
    free(s);
}

/* ---- simulation ------------------------------------------------------------ */

typedef struct lim_run {
    size_t n, T, K;  /* state size, trajectories, kept states per trajectory */
    size_t stride;   /* steps between kept states */
    double *hist;    /* T x K x n: trajectory i, sample k at hist + (i K + k) n */
    unsigned char *state; /* T: LIM_ACTIVE, LIM_SETTLED or LIM_DIVERGED */
    po_mat *X;       /* T x n, final states (by trajectory) */
} lim_run;

enum { LIM_ACTIVE, LIM_SETTLED, LIM_DIVERGED };

/* The batch of trajectories still moving: row a of A is trajectory idx[a]. */
typedef struct lim_batch {
    size_t na;
    size_t *idx;
    double *prev_speed; /* relative speed at the previous check, by row */
    po_mat *A, *Y, *P, *Tm;
} lim_batch;

/* One Euler step of the first na rows: A += alpha F(A), F(A) left in Y. */
static void euler_step(const po_network *net, const po_att_struct *s, lim_batch *b)
{
    size_t n = b->A->cols;
    po_mat A = po_mat_view(b->A->data, b->na, n, n), Y = po_mat_view(b->Y->data, b->na, n, n);
    po_mat P = po_mat_view(b->P->data, b->na, n, n);
    po_mat Tm = s->lowrank ? po_mat_view(b->Tm->data, b->na, s->r, s->r) : P;
    po_euler_batch_step(net->phi, net->leaky, net->alpha, net->W, s->lowrank ? s->U : NULL, s->B,
                        &A, &Y, &P, &Tm);
}

/* Retire row a (its trajectory is settled or diverged): keep its state and
 * move the last active row into its place. */
static void retire(lim_run *run, lim_batch *b, size_t a, unsigned char why)
{
    size_t n = run->n, i = b->idx[a], last = b->na - 1;
    run->state[i] = why;
    if (why == LIM_DIVERGED) memset(run->X->data + i * n, 0, n * sizeof(double));
    else memcpy(run->X->data + i * n, b->A->data + a * n, n * sizeof(double));
    if (a != last) {
        memcpy(b->A->data + a * n, b->A->data + last * n, n * sizeof(double));
        memcpy(b->Y->data + a * n, b->Y->data + last * n, n * sizeof(double));
        b->idx[a] = b->idx[last];
        b->prev_speed[a] = b->prev_speed[last];
    }
    b->na--;
}

/* Every PO_LIM_CHECK_EVERY steps: rows that blew up are retired as diverged;
 * rows whose relative speed |F| / (1 + |x|) was at most settle_tol at two
 * checks in a row, and not increasing, are retired as settled (a trajectory
 * passing a saddle speeds up again within a check interval). */
static void check_rows(lim_run *run, lim_batch *b, const po_limit_opts *o)
{
    size_t n = run->n;
    for (size_t a = b->na; a-- > 0;) {
        const double *x = b->A->data + a * n;
        double nx = po_att_norm(x, n);
        if (!isfinite(nx) || nx > o->diverge) {
            retire(run, b, a, LIM_DIVERGED);
            continue;
        }
        double sp = po_att_norm(b->Y->data + a * n, n) / (1.0 + nx);
        if (sp <= o->settle_tol && b->prev_speed[a] <= o->settle_tol && sp <= b->prev_speed[a])
            retire(run, b, a, LIM_SETTLED);
        else b->prev_speed[a] = sp;
    }
}

/* Snapshot rows for the fixed-point search: states after 100 * 4^j steps and
 * the final one, for every trajectory. */
#define PO_LIM_SNAP_FIRST 100
#define PO_LIM_SNAP_FACTOR 4
static size_t n_snapshots(size_t steps)
{
    size_t k = 1;
    for (size_t t = PO_LIM_SNAP_FIRST; t < steps; t *= PO_LIM_SNAP_FACTOR) k++;
    return k;
}

static void take_snapshot(const lim_run *run, const lim_batch *b, po_mat *snap, size_t row)
{
    size_t n = run->n, T = run->T;
    /* retired trajectories: their final state; active ones: the current one */
    memcpy(snap->data + row * T * n, run->X->data, T * n * sizeof(double));
    for (size_t a = 0; a < b->na; a++)
        memcpy(snap->data + (row * T + b->idx[a]) * n, b->A->data + a * n, n * sizeof(double));
}

static po_status simulate(const po_network *net, const po_att_struct *s, const po_limit_opts *o,
                          lim_run *run, po_mat *snap)
{
    size_t n = run->n, T = run->T, S = o->steps;
    lim_batch b = {.na = T};
    b.idx = malloc(T * sizeof *b.idx);
    b.prev_speed = malloc(T * sizeof *b.prev_speed);
    b.A = po_mat_dup(run->X);
    b.Y = po_mat_alloc(T, n);
    b.P = po_mat_alloc(T, n);
    b.Tm = s->lowrank ? po_mat_alloc(T, s->r) : NULL;
    po_status st = PO_OK;
    if (!b.idx || !b.prev_speed || !b.A || !b.Y || !b.P || (s->lowrank && !b.Tm)) {
        st = po_error(PO_ENOMEM, "limit sets: cannot allocate the batch of %zu states", T);
        goto done;
    }
    for (size_t i = 0; i < T; i++) {
        b.idx[i] = i;
        b.prev_speed[i] = (double)INFINITY;
    }
    size_t first_kept = S - (run->K - 1) * run->stride, next_snap = PO_LIM_SNAP_FIRST, snap_row = 0;
    for (size_t t = 1; t <= S && b.na > 0; t++) {
        euler_step(net, s, &b);
        if (t % PO_LIM_CHECK_EVERY == 0) check_rows(run, &b, o);
        if (t >= first_kept && (t - first_kept) % run->stride == 0) {
            size_t k = (t - first_kept) / run->stride;
            for (size_t a = 0; a < b.na; a++)
                memcpy(run->hist + (b.idx[a] * run->K + k) * n, b.A->data + a * n,
                       n * sizeof(double));
        }
        if (snap && t == next_snap && t < S) {
            take_snapshot(run, &b, snap, snap_row++);
            next_snap *= PO_LIM_SNAP_FACTOR;
        }
    }
    /* Still moving at the end: final states, and a last divergence check. */
    for (size_t a = b.na; a-- > 0;) {
        const double *x = b.A->data + a * n;
        double nx = po_att_norm(x, n);
        if (!isfinite(nx) || nx > o->diverge) retire(run, &b, a, LIM_DIVERGED);
        else memcpy(run->X->data + b.idx[a] * n, x, n * sizeof(double));
    }
    if (snap)
        while (snap_row < snap->rows / T) take_snapshot(run, &b, snap, snap_row++);
done:
    free(b.idx);
    free(b.prev_speed);
    po_mat_free(b.A);
    po_mat_free(b.Y);
    po_mat_free(b.P);
    po_mat_free(b.Tm);
    return st;
}

/* ---- classification of one trajectory --------------------------------------- */

typedef struct lim_end {
    po_limit_kind kind;
    double *x;       /* n (owned by the caller's buffer) */
    double period, amplitude;
    size_t k0, k1;   /* cycles: kept samples k0 .. k1 - 1 are one period */
} lim_end;

/* Dominant direction v of the kept states z_k - mean by power iteration. */
static void dominant_direction(const double *Z, size_t K, size_t n, const double *mean, double *v,
                               double *w)
{
    double best = -1.0;
    size_t kb = 0;
    for (size_t k = 0; k < K; k++) {
        double d = po_att_dist(Z + k * n, mean, n);
        if (d > best) {
            best = d;
            kb = k;
        }
    }
    for (size_t j = 0; j < n; j++) v[j] = Z[kb * n + j] - mean[j];
    for (size_t it = 0; it < PO_LIM_POWER_ITER; it++) {
        double nv = po_att_norm(v, n);
        if (nv == 0.0) return;
        for (size_t j = 0; j < n; j++) v[j] /= nv;
        memset(w, 0, n * sizeof *w);
        for (size_t k = 0; k < K; k++) {
            const double *z = Z + k * n;
            double c = 0.0;
            for (size_t j = 0; j < n; j++) c += (z[j] - mean[j]) * v[j];
            for (size_t j = 0; j < n; j++) w[j] += c * (z[j] - mean[j]);
        }
        memcpy(v, w, n * sizeof *v);
    }
    double nv = po_att_norm(v, n);
    if (nv > 0.0)
        for (size_t j = 0; j < n; j++) v[j] /= nv;
}

/* Periodic orbit in the kept states Z (K x n, dt time units apart)? */
static bool find_cycle(const double *Z, size_t K, size_t n, double dt, double cycle_tol,
                       double *mean, double *v, double *w, double *ca, double *cb, lim_end *e)
{
    memset(mean, 0, n * sizeof *mean);
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < n; j++) mean[j] += Z[k * n + j];
    for (size_t j = 0; j < n; j++) mean[j] /= (double)K;
    double amp = 0.0;
    for (size_t k = 0; k < K; k++) amp = fmax(amp, po_att_dist(Z + k * n, mean, n));
    if (!(amp > 0.0)) return false;
    dominant_direction(Z, K, n, mean, v, w);

    /* Upward crossings of the section, newest first. */
    enum { MAXC = PO_LIM_MAX_RETURNS + 1 };
    size_t kc[MAXC];
    double tc[MAXC], th[MAXC];
    size_t nc = 0;
    double s_next = 0.0;
    for (size_t j = 0; j < n; j++) s_next += (Z[(K - 1) * n + j] - mean[j]) * v[j];
    for (size_t k = K - 1; k-- > 0 && nc < MAXC;) {
        double s_k = 0.0;
        for (size_t j = 0; j < n; j++) s_k += (Z[k * n + j] - mean[j]) * v[j];
        if (s_k < 0.0 && s_next >= 0.0) {
            double theta = s_k / (s_k - s_next);
            kc[nc] = k;
            th[nc] = theta;
            tc[nc] = ((double)k + theta) * dt;
            nc++;
        }
        s_next = s_k;
    }
    if (nc < 2) return false;
    /* The newest return, then the first earlier one that repeats it. */
    for (size_t j = 0; j < n; j++)
        ca[j] = Z[kc[0] * n + j] + th[0] * (Z[(kc[0] + 1) * n + j] - Z[kc[0] * n + j]);
    for (size_t i = 1; i < nc; i++) {
        for (size_t j = 0; j < n; j++)
            cb[j] = Z[kc[i] * n + j] + th[i] * (Z[(kc[i] + 1) * n + j] - Z[kc[i] * n + j]);
        if (po_att_dist(ca, cb, n) <= cycle_tol * amp) {
            e->kind = PO_LIMIT_CYCLE;
            e->period = tc[0] - tc[i];
            e->k0 = kc[i] + 1;
            e->k1 = kc[0] + 1;
            return e->k1 > e->k0;
        }
    }
    return false;
}

/* Mean, amplitude and largest-|x| state of samples k0 .. k1 - 1. */
static void orbit_stats(const double *Z, size_t k0, size_t k1, size_t n, double *mean, lim_end *e)
{
    memset(mean, 0, n * sizeof *mean);
    for (size_t k = k0; k < k1; k++)
        for (size_t j = 0; j < n; j++) mean[j] += Z[k * n + j];
    for (size_t j = 0; j < n; j++) mean[j] /= (double)(k1 - k0);
    double amp = 0.0, big = -1.0;
    for (size_t k = k0; k < k1; k++) {
        amp = fmax(amp, po_att_dist(Z + k * n, mean, n));
        double nz = po_att_norm(Z + k * n, n);
        if (nz > big) {
            big = nz;
            memcpy(e->x, Z + k * n, n * sizeof *e->x);
        }
    }
    e->amplitude = amp;
}

/* Largest distance from x of the samples k0 .. k1 - 1. */
static double max_dist(const double *Z, size_t k0, size_t k1, size_t n, const double *x)
{
    double d = 0.0;
    for (size_t k = k0; k < k1; k++) d = fmax(d, po_att_dist(Z + k * n, x, n));
    return d;
}

/* Newton from x (length n); on convergence x becomes the fixed point and
 * *stable tells whether it is stable (eigenvalues into er, ei). */
static po_status polish(po_att_newton *nw, size_t n, double *x, double *z, double *er,
                        double *ei, bool *converged, bool *stable)
{
    *stable = false;
    po_att_newton_start(nw, x, z);
    (void)po_att_newton_solve(nw, z, PO_LIM_NEWTON_ITER, PO_LIM_NEWTON_TOL, converged);
    if (!*converged) return PO_OK;
    po_att_newton_state(nw, z, x);
    double q;
    po_status st = po_att_newton_classify(nw, z, er, ei, &q);
    if (st == PO_OK) *stable = po_att_kind(er, n) == PO_FP_STABLE;
    return st;
}

/* Work vectors for the classification. */
typedef struct lim_ws {
    double *mean, *v, *w, *ca, *cb, *z, *er, *ei, *f, *p, *dp; /* n each (z: m <= n) */
} lim_ws;

static po_status classify(const po_network *net, po_att_newton *nw, const lim_run *run,
                          size_t i, const po_limit_opts *o, lim_ws *ws, lim_end *e)
{
    size_t n = run->n, K = run->K;
    e->period = e->amplitude = 0.0;
    e->k0 = e->k1 = 0;
    const double *xe = run->X->data + i * n;
    memcpy(e->x, xe, n * sizeof *e->x);
    if (run->state[i] == LIM_DIVERGED) {
        e->kind = PO_LIMIT_DIVERGED;
        return PO_OK;
    }
    const double *Z = run->hist + i * K * n;
    bool conv = false, stable = false;
    po_status st;
    po_att_flow_ws(net, xe, ws->f, NULL, ws->p, ws->dp);
    if (run->state[i] == LIM_SETTLED ||
        po_att_norm(ws->f, n) <= o->settle_tol * (1.0 + po_att_norm(xe, n))) {
        e->kind = PO_LIMIT_FIXED_POINT;
        return polish(nw, n, e->x, ws->z, ws->er, ws->ei, &conv, &stable);
    }
    double dt = (double)run->stride * net->alpha;
    if (find_cycle(Z, K, n, dt, o->cycle_tol, ws->mean, ws->v, ws->w, ws->ca, ws->cb, e)) {
        orbit_stats(Z, e->k0, e->k1, n, ws->mean, e);
        return PO_OK;
    }
    /* A slow approach to a stable fixed point? */
    st = polish(nw, n, e->x, ws->z, ws->er, ws->ei, &conv, &stable);
    if (st != PO_OK) return st;
    size_t tenth = K / 10 ? K / 10 : 1;
    if (conv && stable &&
        max_dist(Z, K - tenth, K, n, e->x) < PO_LIM_APPROACH * max_dist(Z, 0, tenth, n, e->x)) {
        e->kind = PO_LIMIT_FIXED_POINT;
        return PO_OK;
    }
    e->kind = PO_LIMIT_DRIFTING;
    memcpy(e->x, xe, n * sizeof *e->x);
    return PO_OK;
}

/* ---- merging ------------------------------------------------------------------ */

/* Distance from x to the closed polyline through the rows of orbit. */
static double dist_to_orbit(const double *x, const po_mat *orbit, size_t n)
{
    double best = (double)INFINITY;
    size_t K = orbit->rows;
    for (size_t k = 0; k < K; k++) {
        const double *a = orbit->data + k * orbit->ld;
        const double *b = orbit->data + ((k + 1) % K) * orbit->ld;
        double ab = 0.0, ax = 0.0;
        for (size_t j = 0; j < n; j++) {
            ab += (b[j] - a[j]) * (b[j] - a[j]);
            ax += (x[j] - a[j]) * (b[j] - a[j]);
        }
        double t = ab > 0.0 ? fmin(1.0, fmax(0.0, ax / ab)) : 0.0, d = 0.0;
        for (size_t j = 0; j < n; j++) {
            double r = x[j] - a[j] - t * (b[j] - a[j]);
            d += r * r;
        }
        best = fmin(best, sqrt(d));
    }
    return best;
}

static bool same_set(const po_limit_set *a, const lim_end *e, const po_mat *orbit, size_t n,
                     const po_limit_opts *o)
{
    if (a->kind != e->kind) return false;
    switch (a->kind) {
    case PO_LIMIT_FIXED_POINT:
        return po_att_dist(a->x, e->x, n) <= o->same_tol * (1.0 + po_att_norm(a->x, n));
    case PO_LIMIT_CYCLE: {
        double pm = fmax(a->period, e->period);
        if (fabs(a->period - e->period) > PO_LIM_PERIOD_RTOL * pm) return false;
        double tol = o->same_tol * (1.0 + po_att_norm(e->x, n)) +
                     2.0 * o->cycle_tol * fmax(a->amplitude, e->amplitude);
        return dist_to_orbit(e->x, a->orbit, n) <= tol && dist_to_orbit(a->x, orbit, n) <= tol;
    }
    case PO_LIMIT_DIVERGED:
    case PO_LIMIT_DRIFTING: return true; /* one entry each, with the count */
    }
    return false;
}

static int cmp_set(const void *pa, const void *pb)
{
    const po_limit_set *a = pa, *b = pb;
    if (a->kind != b->kind) return (int)a->kind - (int)b->kind;
    return (a->hits < b->hits) - (a->hits > b->hits);
}

/* Copy samples k0 .. k1 - 1 of Z into a new matrix. */
static po_mat *orbit_copy(const double *Z, size_t k0, size_t k1, size_t n)
{
    po_mat *m = po_mat_alloc(k1 - k0, n);
    if (m) memcpy(m->data, Z + k0 * n, (k1 - k0) * n * sizeof *m->data);
    return m;
}

/* phi is odd, so the mirror -x(t) of a limit cycle is a limit cycle too: add
 * it (no hits) unless it is the same set (a cycle symmetric about the origin). */
static po_status add_mirror_cycles(po_limit_sets *res, const po_limit_opts *o)
{
    size_t n = res->n, n0 = res->count;
    for (size_t i = 0; i < n0; i++) {
        const po_limit_set *c = &res->set[i];
        if (c->kind != PO_LIMIT_CYCLE) continue;
        po_limit_set *m = &res->set[res->count];
        m->x = malloc(n * sizeof *m->x);
        m->orbit = po_mat_dup(c->orbit);
        if (!m->x || !m->orbit) {
            free(m->x);
            po_mat_free(m->orbit);
            m->x = NULL;
            m->orbit = NULL;
            return po_error(PO_ENOMEM, "limit sets: cannot store an orbit");
        }
        for (size_t j = 0; j < n; j++) m->x[j] = -c->x[j];
        for (size_t k = 0; k < m->orbit->rows * n; k++) m->orbit->data[k] = -m->orbit->data[k];
        lim_end e = {.kind = PO_LIMIT_CYCLE, .x = m->x, .period = c->period,
                     .amplitude = c->amplitude};
        bool dup = false;
        for (size_t j = 0; j < res->count && !dup; j++) dup = same_set(&res->set[j], &e, m->orbit, n, o);
        if (dup) {
            free(m->x);
            po_mat_free(m->orbit);
            m->x = NULL;
            m->orbit = NULL;
            continue;
        }
        m->kind = PO_LIMIT_CYCLE;
        m->period = c->period;
        m->amplitude = c->amplitude;
        m->hits = 0;
        res->count++;
    }
    return PO_OK;
}

/* ---- driver --------------------------------------------------------------------- */

po_status po_att_find_limit_sets(const po_network *net, const po_att_struct *s,
                                 const po_limit_opts *o, po_limit_sets **out, po_mat **snapshots)
{
    *out = NULL;
    if (snapshots) *snapshots = NULL;
    size_t n = net->W->rows, T = o->n_traj;
    lim_run run = {.n = n, .T = T};
    size_t half = o->steps / 2;
    run.K = PO_LIM_SAMPLES;
    if (run.K * T * n > PO_LIM_MAX_DOUBLES) run.K = PO_LIM_MAX_DOUBLES / (T * n);
    if (run.K < 16) run.K = 16;
    if (run.K > half + 1) run.K = half + 1;
    run.stride = half / (run.K - 1);
    if (run.stride == 0) run.stride = 1;

    po_status st = PO_OK;
    po_att_newton *nw = NULL;
    po_limit_sets *res = NULL;
    po_mat *snap = NULL;
    double *wsblock = NULL, *xe = NULL;
    run.X = po_mat_alloc(T, n);
    run.hist = malloc(T * run.K * n * sizeof *run.hist);
    run.state = calloc(T, sizeof *run.state);
    if (snapshots) snap = po_mat_alloc(T * n_snapshots(o->steps), n);
    wsblock = malloc(11 * n * sizeof *wsblock);
    xe = malloc(n * sizeof *xe);
    res = calloc(1, sizeof *res);
    if (res) res->set = calloc(2 * T, sizeof *res->set); /* room for mirror cycles */
    if (!run.X || !run.hist || !run.state || (snapshots && !snap) || !wsblock || !xe || !res ||
        !res->set) {
        st = po_error(PO_ENOMEM, "limit sets: cannot allocate %zu trajectories of %zu states", T,
                      n);
        goto done;
    }
    res->n = n;
    if ((st = po_att_newton_alloc(net, s, &nw)) != PO_OK) goto done;

    po_rng rng;
    po_rng_init(&rng, o->seed, PO_STREAM_ANALYSIS);
    po_rng_jump(&rng); /* a different stream from the fixed-point starts */
    po_rng_fill_normal(&rng, run.X->data, T * n, 1, o->radius);
    if ((st = simulate(net, s, o, &run, snap)) != PO_OK) goto done;

    lim_ws ws;
    double **wp[] = {&ws.mean, &ws.v, &ws.w, &ws.ca, &ws.cb, &ws.z,
                     &ws.er, &ws.ei, &ws.f, &ws.p, &ws.dp};
    for (size_t k = 0; k < 11; k++) *wp[k] = wsblock + k * n;
    for (size_t i = 0; i < T; i++) {
        lim_end e = {.x = xe};
        if ((st = classify(net, nw, &run, i, o, &ws, &e)) != PO_OK) goto done;
        double *Z = run.hist + i * run.K * n;
        po_mat orbit_view = {0};
        if (e.kind == PO_LIMIT_CYCLE) orbit_view = po_mat_view(Z + e.k0 * n, e.k1 - e.k0, n, n);
        size_t j = 0;
        for (; j < res->count; j++)
            if (same_set(&res->set[j], &e, &orbit_view, n, o)) break;
        if (j < res->count) {
            res->set[j].hits++;
            continue;
        }
        po_limit_set *ls = &res->set[res->count];
        ls->x = malloc(n * sizeof *ls->x);
        if (!ls->x) {
            st = po_error(PO_ENOMEM, "limit sets: cannot store a limit set");
            goto done;
        }
        res->count++;
        memcpy(ls->x, e.x, n * sizeof *ls->x);
        ls->kind = e.kind;
        ls->period = e.period;
        ls->amplitude = e.amplitude;
        ls->hits = 1;
        if (e.kind == PO_LIMIT_CYCLE && !(ls->orbit = orbit_copy(Z, e.k0, e.k1, n))) {
            st = po_error(PO_ENOMEM, "limit sets: cannot store an orbit");
            goto done;
        }
    }
    if ((st = add_mirror_cycles(res, o)) != PO_OK) goto done;
    qsort(res->set, res->count, sizeof *res->set, cmp_set);
done:
    po_mat_free(run.X);
    free(run.hist);
    free(run.state);
    free(wsblock);
    free(xe);
    po_att_newton_free(nw);
    if (st != PO_OK) {
        po_limit_sets_free(res);
        po_mat_free(snap);
        return st;
    }
    *out = res;
    if (snapshots) *snapshots = snap;
    return PO_OK;
}

po_status po_find_limit_sets(const po_network *net, const po_limit_opts *opts, po_limit_sets **out)
{
    if (out) *out = NULL;
    if (!out) return po_error(PO_EINVAL, "limit sets: no output");
    po_status st = po_att_check_network(net, "limit sets: W");
    if (st != PO_OK) return st;
    const char *why = po_limit_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "limit sets: %s", why);
    po_att_struct s;
    if ((st = po_att_struct_init(net, &s)) != PO_OK) return st;
    st = po_att_find_limit_sets(net, &s, opts, out, NULL);
    po_att_struct_release(&s);
    return st;
}
