/* Teacher recordings and student simulations with the teacher's IC and
 * noise (SPEC.md §1.6); see nl_pipeline.h. */
#include <stdlib.h>
#include <string.h>

#include "experiments/nl_pipeline.h"
#include "partobs/rng.h"

/* ---- recording -------------------------------------------------------------- */

void po_nl_record_free(po_nl_record *r)
{
    if (!r) return;
    free(r->x0);
    po_mat_free(r->Y);
    po_mat_free(r->xi);
    free(r);
}

/* The process-noise normals of the first dmax neurons: the stream is drawn
 * row by row, D per step, exactly as po_sim_run draws it (sim.c), so replaying
 * these columns gives the student the teacher's noise realisation (SPEC.md §1.6). */
static po_status draw_noise(uint64_t seed, size_t D, size_t T, po_mat *xi)
{
    double *row = malloc(D * sizeof *row);
    if (!row) return po_error(PO_ENOMEM, "no memory for a noise row");
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
    for (size_t t = 0; t + 1 < T; t++) {
        po_rng_fill_normal(&rng, row, D, 1, 1.0);
        memcpy(&PO_MAT_AT(xi, t, 0), row, xi->cols * sizeof *row);
    }
    free(row);
    return PO_OK;
}

po_status po_nl_record_run(const po_mat *W, po_leaky leaky, size_t T, size_t dmax, uint64_t seed,
                           po_nl_record **out)
{
    *out = NULL;
    size_t D = W->rows;
    if (dmax == 0 || dmax > D || T < 2)
        return po_error(PO_ESHAPE, "need 1 <= dmax <= D = %zu and T >= 2 "
                        "(dmax %zu, T %zu)", D, dmax, T);
    po_nl_record *r = calloc(1, sizeof *r);
    if (!r) return po_error(PO_ENOMEM, "no memory");
    r->D = D;
    r->T = T;
    r->dmax = dmax;
    r->phi = PO_PHI_TANH;
    r->leaky = leaky;
    r->x0 = malloc(D * sizeof *r->x0);
    r->Y = po_mat_alloc(T, dmax);
    r->xi = po_mat_alloc(T - 1, dmax);
    po_mat *X = po_mat_alloc(T, D);
    po_linop *op = NULL;
    po_status st = PO_OK;
    if (!r->x0 || !r->Y || !r->xi || !X) st = po_error(PO_ENOMEM, "no memory "
                                                       "for a %zu x %zu recording", T, D);
    if (!st) {
        /* As `partobs simulate` does: the connectivity stream drives the rank test. */
        po_rng rng;
        po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
        st = po_linop_auto(W, &rng, &op);
    }
    if (!st) {
        po_sim_opts so = po_sim_opts_defaults();
        so.T = T;
        so.phi = PO_PHI_TANH;
        so.leaky = leaky;
        so.seed = seed;
        po_sim_draw_ic(seed, so.ic_scale, r->x0, D);
        po_sim_inputs in = {r->x0, NULL, NULL, NULL};
        st = po_sim_run(op, &so, &in, X);
    }
    if (!st) {
        po_mat first = po_mat_block(X, 0, 0, T, dmax);
        st = po_mat_copy(r->Y, &first);
    }
    if (!st) st = draw_noise(seed, D, T, r->xi);
    po_linop_free(op);
    po_mat_free(X);
    if (st) {
        po_nl_record_free(r);
        return st;
    }
    *out = r;
    return PO_OK;
}

/* ---- student simulation ----------------------------------------------------- */

po_status po_nl_student_run(const po_nl_record *r, const po_mat *W_hat, po_leaky leaky, bool noise,
                            size_t steps, po_mat **X)
{
    *X = NULL;
    size_t n = W_hat->rows;
    if (n > r->D || (noise && n > r->dmax) || steps < 2 || steps > r->T)
        return po_error(PO_ESHAPE, "a %zu-unit student needs the teacher's "
                        "first %zu ICs%s (D %zu, recorded %zu), steps %zu of %zu", n, n,
                        noise ? " and noise" : "", r->D, r->dmax, steps, r->T);
    po_linop *op = NULL;
    po_status st = po_linop_dense(W_hat, &op);
    if (st) return st;
    po_mat *out = po_mat_alloc(steps, n);
    if (!out) {
        po_linop_free(op);
        return po_error(PO_ENOMEM, "no memory");
    }
    po_sim_opts so = po_sim_opts_defaults();
    so.T = steps;
    so.phi = r->phi;
    so.leaky = leaky;
    so.threads = 1;
    if (!noise) so.noise = 0.0; /* SPEC.md §1.6: FORCE and BPTT students run noise-free */
    po_mat xi = po_mat_block(r->xi, 0, 0, steps - 1, noise ? n : 1);
    po_sim_inputs in = {r->x0, noise ? &xi : NULL, NULL, NULL};
    st = po_sim_run(op, &so, &in, out);
    po_linop_free(op);
    if (st) {
        po_mat_free(out);
        return st;
    }
    *X = out;
    return PO_OK;
}
