/* fig4 (SPEC.md §6): being written. */
#include "experiments/exp.h"

po_status po_exp_fig4(po_exp_ctx *c)
{
    (void)c;
    return po_error(PO_EINVAL, "fig4 is not implemented yet");
}
