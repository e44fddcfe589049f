/* partobs: status codes and error details.
 *
 * Every library function that can fail returns a po_status. PO_OK is zero.
 * The detail of the last failure in the calling thread (which file, which
 * shape, which option) is available from po_errmsg(). The library never
 * prints, never aborts on user input and never exits.
 *
 * The enum and its messages come from one X-macro list so they cannot drift.
 */
#ifndef PARTOBS_ERROR_H
#define PARTOBS_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* X(name, short message) */
#define PO_STATUS_LIST(X)                                                      \
    X(PO_OK, "success")                                                        \
    X(PO_ENOMEM, "out of memory")                                              \
    X(PO_EINVAL, "invalid argument")                                           \
    X(PO_ESHAPE, "shape mismatch")                                             \
    X(PO_EIO, "input/output error")                                            \
    X(PO_EFORMAT, "malformed or unsupported file")                             \
    X(PO_ENONFINITE, "non-finite value (NaN or Inf)")                          \
    X(PO_ESINGULAR, "singular or ill-conditioned matrix")                      \
    X(PO_ELINALG, "linear algebra routine failed")                             \
    X(PO_EUNSTABLE, "unstable dynamics")                                       \
    X(PO_EDIVERGED, "computation diverged")                                    \
    X(PO_ECANCELED, "canceled through the progress callback")

/* The enumerator of an X(enumerator, text) entry. Every enum of the library
 * that has names (po_net, po_phi, po_lds_init, ...) is generated from such a
 * list in its header, and its name table from the same list. */
#define PO_ENUM_ENTRY_(id, text) id,

typedef enum po_status { PO_STATUS_LIST(PO_ENUM_ENTRY_) PO_STATUS_COUNT_ } po_status;

/* Short fixed message for a status ("shape mismatch"); never NULL. */
const char *po_strerror(po_status status);

/* Symbolic name of a status ("PO_ESHAPE"); never NULL. */
const char *po_status_name(po_status status);

/* Detail of the most recent failure in this thread, e.g.
 * "W.npy: expected a square matrix, got 3x4". Empty string if none. */
const char *po_errmsg(void);

/* Record a failure detail (printf-style) for this thread and return status.
 * Used by the library and by clients that want the same reporting path. */
po_status po_error(po_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Forget the detail of the last failure in this thread. */
void po_error_clear(void);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
