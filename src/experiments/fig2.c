/* fig2 (SPEC.md §6): being written. */
#include "experiments/exp.h"

po_status po_exp_fig2(po_exp_ctx *c)
{
    (void)c;
    return po_error(PO_EINVAL, "fig2 is not implemented yet");
}
