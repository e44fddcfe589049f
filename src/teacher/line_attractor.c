/* Symmetric line attractor (SPEC.md §2, `symmetric` with line_attractor=True).
 *
 * W = V diag(e) V^T where V are the eigenvectors of a `symmetric` draw and the
 * spectrum is {0.999} and {0.4 - 0.8k/(D-1), k = 1..D-1}. The reference gives
 * 0.999 to whichever eigenvector numpy happens to return first, an effectively
 * random one. We draw that index uniformly from the rng (one po_rng_below(D)
 * after the D*D Gaussian draws). Because a GOE matrix's eigenvector basis is
 * Haar-distributed independently of its eigenvalues, any assignment of the
 * spectrum gives the same distribution of W; the remaining eigenvectors take
 * k = 1..D-1 in descending order of their GOE eigenvalue. */
#include <stdlib.h>

#include "linalg/linalg.h"
#include "teacher_internal.h"

po_status po_teacher_gen_line_attractor(const po_teacher_opts *o, po_rng *rng, po_teacher *t)
{
    size_t D = o->D;
    po_status st = po_teacher_gen_symmetric(o, rng, t);
    if (st != PO_OK) return st;
    po_mat *v = t->W; /* overwritten by the eigenvectors (columns) */
    double *e = malloc(D * sizeof *e);
    po_mat *scaled = po_mat_alloc(D, D), *w = po_mat_alloc(D, D);
    if (!e || !scaled || !w) {
        st = po_error(PO_ENOMEM, "cannot allocate line-attractor workspace (D = %zu)", D);
        goto done;
    }
    st = po_la_eigh(v, e);
    if (st != PO_OK) goto done;
    size_t top = (size_t)po_rng_below(rng, D);
    e[top] = 0.999;
    size_t k = 1;
    for (size_t c = D; c-- > 0;) /* dsyevd returns ascending eigenvalues */
        if (c != top) e[c] = 0.4 - 0.8 * (double)k++ / (double)(D - 1);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) PO_MAT_AT(scaled, i, j) = PO_MAT_AT(v, i, j) * e[j];
    po_la_gemm(false, true, 1.0, scaled, v, 0.0, w);
    /* Exact symmetry, so consumers may use symmetric solvers. */
    po_teacher_symmetrize(w);
    t->W = w;
    w = v;
done:
    po_mat_free(w);
    po_mat_free(scaled);
    free(e);
    return st;
}
