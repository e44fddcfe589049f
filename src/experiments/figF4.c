/* figF4 (SPEC.md §6): being written. */
#include "experiments/exp.h"

po_status po_exp_figF4(po_exp_ctx *c)
{
    (void)c;
    return po_error(PO_EINVAL, "figF4 is not implemented yet");
}
