/* Fitting a student by one of the four methods of Fig 5 (SPEC.md §4.1,
 * §4.5-§4.7); see nl_pipeline.h. */
#include "experiments/nl_pipeline.h"

/* ---- fitting ---------------------------------------------------------------- */

const char *po_nl_method_name(po_nl_method m)
{
    switch (m) {
    case PO_NL_MAP: return "MAP";
    case PO_NL_CORNN: return "CORNN";
    case PO_NL_FORCE: return "FORCE";
    case PO_NL_BPTT: return "BPTT";
    }
    return "unknown";
}

po_nl_fit_cfg po_nl_fit_cfg_defaults(void)
{
    po_force_opts fo = po_force_opts_defaults();
    po_bptt_opts bo = po_bptt_opts_defaults();
    po_cornn_opts co = po_cornn_opts_defaults();
    return (po_nl_fit_cfg){
        .force_passes = fo.passes,
        .force_window = 5000, /* the paper's window (SPEC.md §4.6) */
        .bptt_epochs = bo.epochs,
        .bptt_window = bo.seq_len,
        .bptt_hidden = 0,
        .cornn_iters = co.iters,
        .seed = PO_DEFAULT_SEED,
    };
}

po_leaky po_nl_student_leaky(po_nl_method m, po_leaky l)
{
    if (m == PO_NL_CORNN) return PO_LEAKY_RATE;
    if (m == PO_NL_MAP) return l;
    return PO_LEAKY_CURRENT;
}

po_status po_nl_fit(const po_nl_record *r, po_nl_method m, size_t d, const po_nl_fit_cfg *cfg,
                    po_mat **W_hat)
{
    *W_hat = NULL;
    if (d == 0 || d > r->dmax)
        return po_error(PO_ESHAPE, "d = %zu outside 1..%zu", d, r->dmax);
    size_t n = m == PO_NL_BPTT ? d + cfg->bptt_hidden : d;
    /* A contiguous copy of the observed columns: the learners see plain T x d data. */
    po_mat view = po_mat_block(r->Y, 0, 0, r->T, d);
    po_mat *Y = po_mat_dup(&view);
    po_mat *W = po_mat_alloc(n, n);
    po_status st = (Y && W) ? PO_OK : po_error(PO_ENOMEM, "no memory");
    if (!st) switch (m) {
        case PO_NL_MAP: {
            po_ridge_opts o = po_ridge_opts_defaults();
            o.phi = r->phi;
            o.leaky = r->leaky;
            st = po_fit_ridge(Y, &o, W, NULL);
            break;
        }
        case PO_NL_CORNN: {
            po_cornn_opts o = po_cornn_opts_defaults();
            o.iters = cfg->cornn_iters;
            st = po_fit_cornn(Y, NULL, &o, W, NULL, NULL);
            break;
        }
        case PO_NL_FORCE: {
            po_force_opts o = po_force_opts_defaults();
            o.passes = cfg->force_passes;
            o.t1 = cfg->force_window < r->T ? cfg->force_window : r->T;
            o.seed = cfg->seed;
            st = po_fit_force(Y, &o, W, NULL);
            break;
        }
        case PO_NL_BPTT: {
            po_bptt_opts o = po_bptt_opts_defaults();
            o.epochs = cfg->bptt_epochs;
            o.seq_len = cfg->bptt_window;
            o.hidden = cfg->bptt_hidden;
            o.seed = cfg->seed;
            st = po_fit_bptt(Y, &o, W, NULL);
            break;
        }
        }
    po_mat_free(Y);
    if (st) {
        po_mat_free(W);
        return st;
    }
    *W_hat = W;
    return PO_OK;
}
