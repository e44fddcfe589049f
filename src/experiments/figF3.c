/* figF3 (SPEC.md §6): being written. */
#include "experiments/exp.h"

po_status po_exp_figF3(po_exp_ctx *c)
{
    (void)c;
    return po_error(PO_EINVAL, "figF3 is not implemented yet");
}
