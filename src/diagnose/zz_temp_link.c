/* TEMPORARY link placeholders for the experiment part of diagnose (protocol.c,
 * perturbation.c on branch dg-perturb), so that the passive part links and
 * runs on its own. Drop this file when dg-perturb is merged. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_internal.h"

po_status po_dg_design(po_diagnose *dg, const po_mat *Y, const po_diagnose_opts *opts)
{
    (void)Y;
    (void)opts;
    memset(&dg->protocol, 0, sizeof dg->protocol);
    return PO_OK;
}

void po_dg_protocol_free(po_diagnose_protocol *p)
{
    if (!p) return;
    free(p->pattern);
    free(p->readout);
    free(p->signal);
    free(p->predicted);
    free(p->alternative);
    memset(p, 0, sizeof *p);
}

po_status po_dg_predict(const po_diagnose *dg, const po_mat *model, const po_diagnose_opts *opts,
                        const double *pattern, const double *readout, const double *signal,
                        size_t steps, double *out)
{
    (void)dg;
    (void)model;
    (void)opts;
    (void)pattern;
    (void)readout;
    (void)signal;
    if (out) memset(out, 0, steps * sizeof *out);
    return PO_OK;
}

po_status po_dg_measure(po_diagnose *dg, const po_mat *YP, const po_mat *STIM,
                        const po_diagnose_opts *opts)
{
    (void)dg;
    (void)YP;
    (void)STIM;
    (void)opts;
    return PO_OK;
}

void po_dg_measured_free(po_diagnose_measured *m)
{
    if (!m) return;
    free(m->response);
    memset(m, 0, sizeof *m);
}
