/* Internal: progress reports that honour po_progress_cancel() (partobs/sim.h). */
#ifndef PO_CORE_PROGRESS_H
#define PO_CORE_PROGRESS_H

#include <stddef.h>

#include "partobs/error.h"
#include "partobs/sim.h"

/* Call fn(user, done, total) when fn is not NULL; then PO_ECANCELED naming
 * `what` and done of total if a cancel is pending, else PO_OK. Without a
 * callback nothing is checked: only a caller that watches can cancel. */
po_status po_progress_call_(po_progress_fn fn, void *user, size_t done, size_t total,
                            const char *what);

/* PO_ECANCELED naming `what` and the point reached if a cancel is pending. */
po_status po_progress_check_(size_t done, size_t total, const char *what);

#endif
