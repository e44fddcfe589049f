/* fig3 (SPEC.md §6): being written. */
#include "experiments/exp.h"

po_status po_exp_fig3(po_exp_ctx *c)
{
    (void)c;
    return po_error(PO_EINVAL, "fig3 is not implemented yet");
}
