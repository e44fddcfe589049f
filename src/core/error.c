/* Status messages generated from PO_STATUS_LIST and the per-thread detail. */
#include "partobs/error.h"

#include <stdarg.h>
#include <stdio.h>

#define PO_ERRMSG_CAP 512

static _Thread_local char errmsg[PO_ERRMSG_CAP];

#define PO_STATUS_MESSAGE_(name, msg) msg,
static const char *const status_messages[] = {PO_STATUS_LIST(PO_STATUS_MESSAGE_)};
#undef PO_STATUS_MESSAGE_

#define PO_STATUS_NAME_(name, msg) #name,
static const char *const status_names[] = {PO_STATUS_LIST(PO_STATUS_NAME_)};
#undef PO_STATUS_NAME_

const char *po_strerror(po_status status)
{
    if ((unsigned)status >= (unsigned)PO_STATUS_COUNT_) return "unknown status";
    return status_messages[status];
}

const char *po_status_name(po_status status)
{
    if ((unsigned)status >= (unsigned)PO_STATUS_COUNT_) return "PO_UNKNOWN";
    return status_names[status];
}

const char *po_errmsg(void) { return errmsg; }

void po_error_clear(void) { errmsg[0] = '\0'; }

po_status po_error(po_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    return status;
}
