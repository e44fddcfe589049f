/* Version for manifests (the BLAS facts are in src/linalg/blas.c). */
#include "partobs/version.h"

const char *po_version(void) { return PO_VERSION_STRING; }
