/* Eigenvalue ordering and sorted eigenvectors (SPEC.md §5, §9.4). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "partobs/dyn.h"

/* Descending a, with NaN after every number, so that the order stays a strict
 * weak ordering even for garbage input. */
static int cmp_desc(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) - isnan(b);
    return (a < b) - (a > b);
}

/* True if eigenvalue i must come after eigenvalue j: descending real part,
 * then descending imaginary part. dgeev returns both members of a conjugate
 * pair with bit-identical real parts (dlanv2 standardises the 2x2 block so),
 * so an exact tie-break is what puts +im before -im, as
 * np.lexsort((-im, -re)) does. No tolerance: that would not be transitive. */
static bool after(const double *re, const double *im, size_t i, size_t j)
{
    int c = cmp_desc(re[i], re[j]);
    return c > 0 || (c == 0 && cmp_desc(im[i], im[j]) > 0);
}

static void swap_entries(double *re, double *im, size_t *perm, size_t i, size_t j)
{
    double t = re[i];
    re[i] = re[j];
    re[j] = t;
    t = im[i];
    im[i] = im[j];
    im[j] = t;
    if (perm) {
        size_t p = perm[i];
        perm[i] = perm[j];
        perm[j] = p;
    }
}

static void sift_down(double *re, double *im, size_t *perm, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && after(re, im, child + 1, child)) child++;
        if (!after(re, im, child, root)) return;
        swap_entries(re, im, perm, root, child);
        root = child;
    }
}

/* In-place heapsort (no allocation, O(n log n) for n in the thousands),
 * carrying the optional permutation along. Entries that compare equal are
 * identical eigenvalues, so the sort's instability is invisible in re/im. */
static void eig_heapsort(double *re, double *im, size_t *perm, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) sift_down(re, im, perm, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_entries(re, im, perm, 0, end);
        sift_down(re, im, perm, 0, end);
    }
}

void po_eig_sort(double *re, double *im, size_t n) { eig_heapsort(re, im, NULL, n); }

/* dgeev packs a conjugate pair lambda = re[j] +- i im[j] (im[j] > 0 first) as
 * columns j (real part) and j+1 (imaginary part) of one eigenvector; the
 * eigenvector of the -im member is the conjugate. */
static void unpack_column(const po_mat *packed, const double *im_raw, size_t j, size_t n,
                          po_mat *vre, po_mat *vim, size_t k)
{
    size_t col_re = j, col_im = j;
    double sign = 0.0;
    if (im_raw[j] > 0.0) {
        col_im = j + 1;
        sign = 1.0;
    } else if (im_raw[j] < 0.0) {
        col_re = j - 1;
        sign = -1.0;
    }
    for (size_t r = 0; r < n; r++) {
        PO_MAT_AT(vre, r, k) = PO_MAT_AT(packed, r, col_re);
        PO_MAT_AT(vim, r, k) = sign * PO_MAT_AT(packed, r, col_im);
    }
}

po_status po_eig_vectors(const po_mat *W, double *re, double *im, po_mat *vre, po_mat *vim)
{
    size_t n = W->rows;
    if (W->cols != n)
        return po_error(PO_ESHAPE, "eigenvectors: expected a square matrix, got %zux%zu", W->rows,
                        W->cols);
    if (vre->rows != n || vre->cols != n || vim->rows != n || vim->cols != n)
        return po_error(PO_ESHAPE,
                        "eigenvectors: outputs must be %zux%zu, got %zux%zu and %zux%zu", n, n,
                        vre->rows, vre->cols, vim->rows, vim->cols);
    po_status st = po_mat_check_finite(W, "eigenvectors: W");
    if (st != PO_OK || n == 0) return st;

    po_mat *packed = po_mat_alloc(n, n);
    size_t *perm = malloc(n * sizeof *perm);
    double *im_raw = malloc(n * sizeof *im_raw);
    if (!packed || !perm || !im_raw) {
        st = po_error(PO_ENOMEM, "eigenvectors: cannot allocate workspace for n = %zu", n);
        goto done;
    }
    st = po_la_eig(W, re, im, packed);
    if (st != PO_OK) goto done;
    for (size_t i = 0; i < n; i++) {
        perm[i] = i;
        im_raw[i] = im[i];
    }
    eig_heapsort(re, im, perm, n);
    for (size_t k = 0; k < n; k++) unpack_column(packed, im_raw, perm[k], n, vre, vim, k);
done:
    free(im_raw);
    free(perm);
    po_mat_free(packed);
    return st;
}
