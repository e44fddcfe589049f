/* Private: write a file so that it appears complete or not at all
 * (DESIGN.md §5: "outputs are written to a temporary file and renamed into
 * place only on success"). Usable by any writer in the library (.npy, JSON
 * reports, manifests).
 */
#ifndef PO_IO_ATOMIC_H
#define PO_IO_ATOMIC_H

#include <stdio.h>

#include "core/export.h"
#include "partobs/error.h"

/* Writes the content to f; returns PO_OK or a status recorded with
 * po_error() (typically PO_EIO naming `path`, the final name). */
typedef po_status (*po_atomic_fill_fn)(FILE *f, const char *path, void *ctx);

/* Create a new hidden file ".<name>.partobs-tmp.<pid>.<n>" (PO_TEMP_TAG,
 * partobs/npy.h) in the directory of path = "<dir>/<name>" (so the rename
 * cannot cross file systems), let fill() write it, flush and close it
 * with error checks, then rename() it over path. On any failure the
 * temporary file is removed, path is left as it was, and the status is
 * returned (PO_EIO naming path for file-system errors). */
PO_CROSS_LIB po_status po_atomic_write(const char *path, po_atomic_fill_fn fill, void *ctx);

#endif
