/* Cancelling a running computation from its progress callback (partobs/sim.h). */
#include "core/progress.h"

#include <stdatomic.h>
#include <stdbool.h>

/* One flag for the process: a signal handler or any thread may set it. */
static atomic_bool cancel_requested;

void po_progress_cancel(void) { atomic_store(&cancel_requested, true); }
void po_progress_cancel_clear(void) { atomic_store(&cancel_requested, false); }
bool po_progress_canceled(void) { return atomic_load(&cancel_requested); }

po_status po_progress_check_(size_t done, size_t total, const char *what)
{
    if (!po_progress_canceled()) return PO_OK;
    return po_error(PO_ECANCELED, "%s: canceled after %zu of %zu", what, done, total);
}

po_status po_progress_call_(po_progress_fn fn, void *user, size_t done, size_t total,
                            const char *what)
{
    if (!fn) return PO_OK;
    fn(user, done, total);
    return po_progress_check_(done, total, what);
}
