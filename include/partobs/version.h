/* partobs: version and build information (for manifests). */
#ifndef PARTOBS_VERSION_H
#define PARTOBS_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define PO_VERSION_MAJOR 0
#define PO_VERSION_MINOR 1
#define PO_VERSION_PATCH 0
#define PO_VERSION_STRING "0.1.0"

/* "0.1.0" */
const char *po_version(void);

/* Number of threads the BLAS library uses. */
int po_blas_threads(void);

/* Identification of the BLAS library build (e.g. OpenBLAS's config string). */
const char *po_blas_info(void);

#ifdef __cplusplus
}
#endif
#endif
