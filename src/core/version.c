/* Version and BLAS identification for manifests. */
#include "partobs/version.h"

#include "linalg/linalg.h"

const char *po_version(void) { return PO_VERSION_STRING; }

int po_blas_threads(void) { return po_la_blas_threads(); }

const char *po_blas_info(void) { return po_la_blas_name(); }
