/* The attractor report of one network (po_attractor_analyse): spectrum,
 * limit sets and fixed points (include/partobs/attractors.h; issue 4 item 7). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"
#include "linalg/linalg.h"
#include "partobs/dyn.h"
#include "core/alloc.h"

void po_attractor_report_free(po_attractor_report *r)
{
    if (!r) return;
    free(r->eig_re);
    po_fixed_points_free(r->fixed_points);
    po_limit_sets_free(r->limit_sets);
    free(r);
}

/* Starts for the fixed-point search: the user's rows (evenly spaced, at most
 * max_starts) followed by the trajectory snapshots. */
static po_mat *combine_starts(const po_fp_opts *fp, const po_mat *snap, size_t n)
{
    size_t n_rows = fp->starts ? fp->starts->rows : 0;
    size_t n_user = n_rows < fp->max_starts ? n_rows : fp->max_starts;
    po_mat *all = po_mat_alloc(n_user + snap->rows, n);
    if (!all) return NULL;
    for (size_t k = 0; k < n_user; k++)
        memcpy(all->data + k * n, fp->starts->data + (k * n_rows / n_user) * fp->starts->ld,
               n * sizeof(double));
    memcpy(all->data + n_user * n, snap->data, snap->rows * n * sizeof(double));
    return all;
}

po_status po_attractor_analyse(const po_network *net, const po_fp_opts *fp, const po_limit_opts *lim,
                               po_attractor_report **out)
{
    if (out) *out = NULL;
    if (!out) return po_error(PO_EINVAL, "attractors: no output");
    po_status st = po_att_check_network(net, "attractors: W");
    if (st != PO_OK) return st;
    po_fp_opts fpd = po_fp_opts_defaults();
    po_limit_opts limd = po_limit_opts_defaults();
    if (!fp) fp = &fpd;
    if (!lim) lim = &limd;
    const char *why = po_fp_opts_check(fp);
    if (why) return po_error(PO_EINVAL, "attractors: fixed points: %s", why);
    if ((why = po_limit_opts_check(lim))) return po_error(PO_EINVAL, "attractors: limit sets: %s", why);
    size_t n = net->W->rows;
    st = po_mem_reserve_check(po_mem_doubles(8.0 * (double)n * (double)n),
                              "attractor search workspace");
    if (st != PO_OK) return st;
    if (fp->starts && fp->starts->cols != n)
        return po_error(PO_ESHAPE, "attractors: starts have %zu columns, W is %zux%zu",
                        fp->starts->cols, n, n);
    if (fp->starts && (st = po_mat_check_finite(fp->starts, "attractors: starts")) != PO_OK)
        return st;

    po_att_struct s;
    if ((st = po_att_struct_init(net, &s)) != PO_OK) return st;
    po_attractor_report *r = calloc(1, sizeof *r);
    po_mat *snap = NULL, *starts = NULL;
    if (!r || !(r->eig_re = malloc(2 * n * sizeof *r->eig_re))) {
        st = po_error(PO_ENOMEM, "attractors: cannot allocate the report");
        goto done;
    }
    r->n = n;
    r->rank = s.r;
    r->eig_im = r->eig_re + n;
    if ((st = po_la_eig(net->W, r->eig_re, r->eig_im, NULL)) != PO_OK) goto done;
    po_eig_sort(r->eig_re, r->eig_im, n);
    r->las = po_line_attractor_score(r->eig_re, n);

    if ((st = po_att_find_limit_sets(net, &s, lim, &r->limit_sets, &snap)) != PO_OK) goto done;
    if (!(starts = combine_starts(fp, snap, n))) {
        st = po_error(PO_ENOMEM, "attractors: cannot allocate the starts");
        goto done;
    }
    po_fp_opts fp2 = *fp;
    fp2.starts = starts;
    fp2.max_starts = starts->rows;
    if ((st = po_att_find_fixed_points(net, &s, &fp2, &r->fixed_points)) != PO_OK) goto done;
    for (size_t i = 0; i < r->fixed_points->count; i++)
        if (r->fixed_points->fp[i].kind == PO_FP_STABLE) r->n_stable_fp++;
    for (size_t i = 0; i < r->limit_sets->count; i++)
        if (r->limit_sets->set[i].kind == PO_LIMIT_CYCLE) r->n_cycles++;
done:
    po_mat_free(snap);
    po_mat_free(starts);
    po_att_struct_release(&s);
    if (st != PO_OK) {
        po_attractor_report_free(r);
        return st;
    }
    *out = r;
    return PO_OK;
}
