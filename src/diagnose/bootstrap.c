/* Block bootstrap over time of the full fit (issue 11, Part A): the
 * transitions are cut into nb non-overlapping blocks of `block` (the last
 * partial block is not resampled); a replicate draws nb blocks uniformly
 * with replacement and refits. MAP replicates add the blocks' precomputed
 * sums (gram.c), in draw order; LDS replicates fit the blocks' rows
 * concatenated. All draws are made before any refit (bit-identical for any
 * thread count). */
#include "diagnose/passive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"

size_t po_dg_block_length(const po_diagnose_opts *opts, size_t T)
{
    if (opts->block) return opts->block;
    double a = round(10.0 / opts->alpha), b = round((double)(T - 1) / 50.0);
    double L = a > b ? a : b;
    return L < 1.0 ? 1 : (size_t)L;
}

po_status po_dg_bootstrap_draw(const po_diagnose_opts *opts, size_t nb, po_rng *rng,
                               size_t **out)
{
    size_t n = opts->bootstrap * nb;
    size_t *draws = malloc((n + 1) * sizeof *draws);
    if (!draws)
        return po_error(PO_ENOMEM, "diagnose: cannot allocate %zu bootstrap draws", n);
    for (size_t i = 0; i < n; i++) draws[i] = (size_t)po_rng_below(rng, nb);
    *out = draws;
    return PO_OK;
}

typedef struct boot_job {
    po_diagnose *dg;
    const po_mat *Y, *U;
    const size_t *draws, *all; /* all = 0 .. d-1 */
    size_t nb;
    po_dg_gram **blocks;       /* map: the sums of each block */
    const po_diagnose_opts *opts;
    po_dg_progress *pr;
} boot_job;

static po_status block_sums(void *arg, size_t b, size_t worker)
{
    (void)worker;
    const boot_job *J = arg;
    size_t L = J->dg->block;
    return po_dg_gram_compute(J->Y, J->U, J->opts->phi, J->opts->alpha, b * L, (b + 1) * L,
                              J->blocks[b]);
}

static po_status map_replicate(const boot_job *J, const size_t *draw, po_dg_summary *s)
{
    size_t d = J->dg->n_neurons, m = J->U ? J->U->cols : 0;
    po_dg_gram *g = po_dg_gram_alloc(d, m);
    po_mat *W = po_mat_alloc(d, d);
    po_status st = PO_OK;
    if (!g || !W) st = po_error(PO_ENOMEM, "diagnose: cannot allocate a bootstrap replicate");
    for (size_t i = 0; st == PO_OK && i < J->nb; i++) {
        const po_dg_gram *b = J->blocks[draw[i]];
        for (size_t k = 0; k < d + m; k++)
            for (size_t j = 0; j < d + m; j++) PO_MAT_AT(g->G, k, j) += PO_MAT_AT(b->G, k, j);
        for (size_t k = 0; k < d; k++)
            for (size_t j = 0; j < d + m; j++) PO_MAT_AT(g->B, k, j) += PO_MAT_AT(b->B, k, j);
    }
    if (st == PO_OK) st = po_dg_gram_fit(g, J->all, d, J->opts->alpha, J->opts->rho, W, NULL);
    if (st == PO_OK) st = po_dg_summarise(W, s);
    po_mat_free(W);
    po_dg_gram_free(g);
    return st;
}

static po_status lds_replicate(const boot_job *J, const size_t *draw, po_dg_summary *s)
{
    const po_mat *Y = J->Y, *U = J->U;
    size_t L = J->dg->block, rows = J->nb * L;
    po_mat *Yb = po_mat_alloc(rows, Y->cols), *Ub = U ? po_mat_alloc(rows, U->cols) : NULL;
    if (!Yb || (U && !Ub)) {
        po_mat_free(Yb);
        po_mat_free(Ub);
        return po_error(PO_ENOMEM, "diagnose: cannot allocate a %zu x %zu bootstrap replicate",
                        rows, Y->cols);
    }
    for (size_t i = 0; i < J->nb; i++)
        for (size_t t = 0; t < L; t++) {
            size_t src = draw[i] * L + t, dst = i * L + t;
            memcpy(Yb->data + dst * Yb->ld, Y->data + src * Y->ld, Y->cols * sizeof *Y->data);
            if (U) memcpy(Ub->data + dst * Ub->ld, U->data + src * U->ld, U->cols * sizeof *U->data);
        }
    po_status st = po_dg_lds_refit(Yb, Ub, J->opts, J->opts->latents, s);
    po_mat_free(Yb);
    po_mat_free(Ub);
    return st;
}

static po_status replicate(void *arg, size_t r, size_t worker)
{
    (void)worker;
    const boot_job *J = arg;
    const size_t *draw = J->draws + r * J->nb;
    po_dg_summary s;
    po_status st = J->dg->method == PO_DIAG_MAP ? map_replicate(J, draw, &s)
                                                : lds_replicate(J, draw, &s);
    if (st != PO_OK) return st;
    J->dg->boot_las[r] = s.las;
    J->dg->boot_tau1[r] = s.tau1;
    return PO_OK;
}

static void boot_done(void *arg, size_t done, size_t n)
{
    (void)n;
    const boot_job *J = arg;
    if (J->pr->fn) J->pr->fn(J->pr->user, J->pr->offset + done, J->pr->total);
}

po_status po_dg_bootstrap_run(po_diagnose *dg, const po_mat *Y, const po_mat *U,
                              const size_t *draws, size_t nb, const po_diagnose_opts *opts,
                              po_dg_progress *pr)
{
    size_t B = opts->bootstrap, d = dg->n_neurons, m = U ? U->cols : 0;
    dg->bootstrap = B;
    dg->tau1_ci95[0] = dg->tau1_ci95[1] = dg->las_ci95[0] = dg->las_ci95[1] = (double)NAN;
    if (B == 0) return PO_OK;
    boot_job J = {.dg = dg, .Y = Y, .U = U, .draws = draws, .nb = nb, .opts = opts, .pr = pr};
    size_t *all = malloc(d * sizeof *all);
    double *sorted = malloc(B * sizeof *sorted);
    dg->boot_las = malloc(B * sizeof *dg->boot_las);
    dg->boot_tau1 = malloc(B * sizeof *dg->boot_tau1);
    po_status st = all && sorted && dg->boot_las && dg->boot_tau1 ? PO_OK : PO_ENOMEM;
    if (st == PO_OK && dg->method == PO_DIAG_MAP) {
        J.blocks = calloc(nb, sizeof *J.blocks);
        st = J.blocks ? PO_OK : PO_ENOMEM;
        for (size_t b = 0; st == PO_OK && b < nb; b++)
            if (!(J.blocks[b] = po_dg_gram_alloc(d, m))) st = PO_ENOMEM;
    }
    if (st != PO_OK) {
        st = po_error(PO_ENOMEM, "diagnose: cannot allocate the bootstrap (%zu blocks)", nb);
        goto done;
    }
    for (size_t i = 0; i < d; i++) all[i] = i;
    J.all = all;
    if (J.blocks) st = po_parallel_for(nb, opts->threads, block_sums, &J);
    if (st == PO_OK) st = po_parallel_for_progress(B, opts->threads, replicate, boot_done, &J);
    if (st != PO_OK) goto done;
    pr->offset += B;
    memcpy(sorted, dg->boot_tau1, B * sizeof *sorted);
    dg->tau1_ci95[0] = po_dg_percentile(sorted, B, 2.5);
    dg->tau1_ci95[1] = po_dg_percentile(sorted, B, 97.5);
    memcpy(sorted, dg->boot_las, B * sizeof *sorted);
    dg->las_ci95[0] = po_dg_percentile(sorted, B, 2.5);
    dg->las_ci95[1] = po_dg_percentile(sorted, B, 97.5);
done:
    for (size_t b = 0; J.blocks && b < nb; b++) po_dg_gram_free(J.blocks[b]);
    free(J.blocks);
    free(all);
    free(sorted);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double po_dg_percentile(double *x, size_t n, double q)
{
    if (n == 0) return (double)NAN;
    qsort(x, n, sizeof *x, cmp_double);
    /* numpy's "linear" method: position q/100 (n - 1) between order
     * statistics, interpolated as numpy's _lerp does (from the upper
     * neighbour when the weight is >= 0.5), so the bits match. */
    double pos = q / 100.0 * (double)(n - 1), lo = floor(pos), t = pos - lo;
    size_t i = (size_t)lo;
    if (i + 1 >= n) return x[n - 1];
    double a = x[i], b = x[i + 1], diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}
