/* Fixed and slow points of a network's flow (include/partobs/attractors.h;
 * issue 4 item 5): Newton / Levenberg-Marquardt from many starts,
 * de-duplication, classification by the eigenvalues of the Jacobian. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"
#include "core/names.h"
#include "partobs/rng.h"

PO_DEFINE_NAME_OF(po_fp_kind, PO_FP_KIND_LIST, kind_names) /* po_fp_kind_name */

po_fp_opts po_fp_opts_defaults(void)
{
    return (po_fp_opts){.n_random = 200,
                        .radius = 0.5,
                        .starts = NULL,
                        .max_starts = 200,
                        .max_iter = 200,
                        .tol = 1e-20,
                        .slow_q = 1e-6,
                        .dedup = 1e-6,
                        .seed = PO_DEFAULT_SEED};
}

const char *po_fp_opts_check(const po_fp_opts *o)
{
    if (!o) return "no options";
    if (!(isfinite(o->radius) && o->radius > 0.0)) return "radius must be finite and > 0";
    if (o->max_iter == 0) return "max_iter must be at least 1";
    if (!(isfinite(o->tol) && o->tol > 0.0)) return "tol must be finite and > 0";
    if (!(isfinite(o->slow_q) && o->slow_q >= 0.0)) return "slow_q must be finite and >= 0";
    if (!(isfinite(o->dedup) && o->dedup > 0.0)) return "dedup must be finite and > 0";
    if (o->n_random == 0 && (!o->starts || o->starts->rows == 0 || o->max_starts == 0))
        return "no initial states (n_random = 0 and no starts)";
    return NULL;
}

size_t po_fp_random_starts(const po_fp_opts *o, size_t m)
{
    if (m <= PO_FP_FULL_N) return o->n_random;
    double f = (double)PO_FP_FULL_N / (double)m;
    size_t k = (size_t)((double)o->n_random * f * f);
    size_t lo = o->n_random < PO_FP_MIN_RANDOM ? o->n_random : PO_FP_MIN_RANDOM;
    return k < lo ? lo : k;
}

void po_fixed_points_free(po_fixed_points *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->count; i++) {
        free(f->fp[i].x);
        free(f->fp[i].eig_re);
    }
    free(f->fp);
    free(f);
}

/* A start within PO_FP_NEAR (1 + |x0|) of a converged point counts as a hit
 * for it (a trajectory that settled there is within speed / |Re lambda| of it). */
#define PO_FP_NEAR 1e-4

/* Candidate list while searching. */
typedef struct cand {
    double *x;
    double q;
    bool converged;
    double *z; /* the solver's unknown, for the classification */
    size_t hits;
} cand;

/* Append a candidate (copies of x and z). */
static po_status append(cand **c, size_t *nc, size_t *cap, const double *x, const double *z,
                        size_t n, size_t m, double q, bool conv, size_t hits)
{
    if (*nc == *cap) {
        size_t cap2 = *cap ? 2 * *cap : 16;
        cand *c2 = realloc(*c, cap2 * sizeof *c2);
        if (!c2) return po_error(PO_ENOMEM, "fixed points: cannot grow the list");
        *c = c2;
        *cap = cap2;
    }
    cand *e = &(*c)[*nc];
    e->x = malloc(n * sizeof *e->x);
    e->z = malloc((m + 1) * sizeof *e->z);
    if (!e->x || !e->z) {
        free(e->x);
        free(e->z);
        return po_error(PO_ENOMEM, "fixed points: cannot store a point");
    }
    memcpy(e->x, x, n * sizeof *x);
    memcpy(e->z, z, m * sizeof *z);
    e->q = q;
    e->converged = conv;
    e->hits = hits;
    (*nc)++;
    return PO_OK;
}

static int kind_rank(po_fp_kind k) { return (int)k; }

static int cmp_fp(const void *a, const void *b)
{
    const po_fixed_point *p = a, *q = b;
    int ka = kind_rank(p->kind), kb = kind_rank(q->kind);
    if (ka != kb) return ka - kb;
    double na = p->norm_x, nb = q->norm_x;
    return (na > nb) - (na < nb);
}

po_status po_att_find_fixed_points(const po_network *net, const po_att_struct *s,
                                   const po_fp_opts *opts, po_fixed_points **out)
{
    size_t n = net->W->rows;
    po_att_newton *nw = NULL;
    po_status st = po_att_newton_alloc(net, s, &nw);
    if (st != PO_OK) return st;
    size_t m = po_att_newton_dim(nw);
    size_t n_rand = po_fp_random_starts(opts, m);
    size_t n_rows = opts->starts ? opts->starts->rows : 0;
    size_t n_data = n_rows < opts->max_starts ? n_rows : opts->max_starts;

    cand *c = NULL;
    size_t nc = 0, cap = 0;
    double *x0 = malloc(n * sizeof *x0), *z = malloc((m + 1) * sizeof *z);
    double *x = malloc(n * sizeof *x);
    po_fixed_points *res = NULL;
    if (!x0 || !z || !x) {
        st = po_error(PO_ENOMEM, "fixed points: cannot allocate work vectors");
        goto done;
    }
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_ANALYSIS);
    for (size_t k = 0; k < n_rand + n_data; k++) {
        if (k < n_rand) {
            po_rng_fill_normal(&rng, x0, n, 1, opts->radius);
        } else {
            /* evenly spaced rows of the supplied states */
            size_t row = (k - n_rand) * n_rows / n_data;
            const double *src = opts->starts->data + row * opts->starts->ld;
            memcpy(x0, src, n * sizeof *x0);
        }
        /* A start already at a found point (late trajectory states) is a hit
         * for it without a solve. */
        double n0 = po_att_norm(x0, n);
        size_t near = 0;
        for (; near < nc; near++)
            if (c[near].converged && po_att_dist(x0, c[near].x, n) <= PO_FP_NEAR * (1.0 + n0)) break;
        if (near < nc) {
            c[near].hits++;
            continue;
        }
        po_att_newton_start(nw, x0, z);
        bool conv = false;
        double q = po_att_newton_solve(nw, z, opts->max_iter, opts->tol, &conv);
        if (!conv && !(q <= opts->slow_q)) continue;
        po_att_newton_state(nw, z, x);
        double nx = po_att_norm(x, n);
        size_t j = 0;
        for (; j < nc; j++)
            if (po_att_dist(x, c[j].x, n) <= opts->dedup * (1.0 + nx)) break;
        if (j < nc) {
            c[j].hits++;
            if (conv && !c[j].converged) { /* keep the better representative */
                memcpy(c[j].x, x, n * sizeof *x);
                memcpy(c[j].z, z, m * sizeof *z);
                c[j].converged = true;
                c[j].q = q;
            }
            continue;
        }
        if ((st = append(&c, &nc, &cap, x, z, n, m, q, conv, 1)) != PO_OK) goto done;
    }
    /* phi is odd (tanh, linear), so -x is a fixed point whenever x is, with
     * the same Jacobian (phi' is even); in the reduced problem -c likewise.
     * Mirrors not reached by any start are added with no hits. */
    for (size_t j = 0, n0 = nc; j < n0; j++) {
        if (!c[j].converged) continue;
        for (size_t i = 0; i < n; i++) x[i] = -c[j].x[i];
        for (size_t i = 0; i < m; i++) z[i] = -c[j].z[i];
        double nx = po_att_norm(x, n);
        size_t k = 0;
        for (; k < nc; k++)
            if (po_att_dist(x, c[k].x, n) <= opts->dedup * (1.0 + nx)) break;
        if (k == nc && (st = append(&c, &nc, &cap, x, z, n, m, c[j].q, true, 0)) != PO_OK)
            goto done;
    }

    res = calloc(1, sizeof *res);
    if (!res || (nc && !(res->fp = calloc(nc, sizeof *res->fp)))) {
        st = po_error(PO_ENOMEM, "fixed points: cannot allocate the result");
        goto done;
    }
    res->n = n;
    for (size_t j = 0; j < nc; j++) {
        po_fixed_point *fp = &res->fp[j];
        fp->eig_re = malloc(2 * n * sizeof *fp->eig_re);
        if (!fp->eig_re) {
            st = po_error(PO_ENOMEM, "fixed points: cannot allocate eigenvalues");
            goto done;
        }
        res->count = j + 1;
        fp->eig_im = fp->eig_re + n;
        fp->x = c[j].x;
        c[j].x = NULL;
        fp->hits = c[j].hits;
        fp->norm_x = po_att_norm(fp->x, n);
        fp->converged = c[j].converged;
        if ((st = po_att_newton_classify(nw, c[j].z, fp->eig_re, fp->eig_im, &fp->q)) != PO_OK)
            goto done;
        fp->kind = fp->converged ? po_att_kind(fp->eig_re, n) : PO_FP_SLOW;
    }
    if (res->count > 1) qsort(res->fp, res->count, sizeof *res->fp, cmp_fp);
done:
    for (size_t j = 0; j < nc; j++) {
        free(c[j].x);
        free(c[j].z);
    }
    free(c);
    free(x0);
    free(z);
    free(x);
    po_att_newton_free(nw);
    if (st != PO_OK) {
        po_fixed_points_free(res);
        res = NULL;
    }
    *out = res;
    return st;
}

po_status po_find_fixed_points(const po_network *net, const po_fp_opts *opts,
                               po_fixed_points **out)
{
    if (out) *out = NULL;
    if (!out) return po_error(PO_EINVAL, "fixed points: no output");
    po_status st = po_att_check_network(net, "fixed points: W");
    if (st != PO_OK) return st;
    const char *why = po_fp_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "fixed points: %s", why);
    if (opts->starts && opts->starts->cols != net->W->rows)
        return po_error(PO_ESHAPE, "fixed points: starts have %zu columns, W is %zux%zu",
                        opts->starts->cols, net->W->rows, net->W->rows);
    if (opts->starts && (st = po_mat_check_finite(opts->starts, "fixed points: starts")) != PO_OK)
        return st;
    po_att_struct s;
    if ((st = po_att_struct_init(net, &s)) != PO_OK) return st;
    st = po_att_find_fixed_points(net, &s, opts, out);
    po_att_struct_release(&s);
    return st;
}
