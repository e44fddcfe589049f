/* Figs F.3 and F.4 (SPEC.md §6): subsampling curves of the T -> infinity
 * student (SPEC.md §5) for several teacher families, averaged over seeded
 * teachers with +- SEM bands: LAS, the top two singular values of the
 * student (the teacher's sigma_1, sigma_2 marked at d/D = 1) and the
 * singular-vector overlaps with the 1/sqrt(d) chance level, vs d/D. */
#ifndef PO_EXPERIMENTS_SUBSAMPLE_H
#define PO_EXPERIMENTS_SUBSAMPLE_H

#include "experiments/common.h"
#include "experiments/exp.h"

enum { SUB_MAX_FAMILIES = 4 };

typedef struct sub_family {
    const char *label;    /* row title, e.g. "beta = 0.5" */
    po_teacher_opts opts; /* D included */
} sub_family;

/* The sizes both figures use: D = 500, k = 20 teachers per family, a grid
 * of npts = 30 points (--quick: 200, 4, 14). */
typedef struct sub_sizes {
    size_t D, k, npts;
} sub_sizes;
sub_sizes sub_sizes_for(const po_exp_ctx *c);

/* Per family, what the curves say (for the caller's claims). */
typedef struct sub_result {
    size_t k;            /* teachers */
    size_t d_ref;        /* the grid point d = D/20 (5% observation) */
    double las_ref, las_ref_sem;     /* mean LAS at d_ref */
    double las_max;                  /* largest mean LAS over the grid */
    double u_ref, v_ref;             /* mean overlaps at d_ref */
    double sv1_ref, sv2_ref;         /* mean top singular values at d_ref */
    double sigma1, sigma2;           /* teacher's (mean over teachers) */
    double full_sv_err;              /* max |sigma_hat_i(D) - sigma_i| over teachers, i = 1, 2 */
} sub_result;

/* Run the families (n <= SUB_MAX_FAMILIES), k teachers each (teacher j of
 * family f from seed + 1000 f + j), d on a log grid of npts points from 2 to
 * D plus D/20; record every curve's mean and SEM in the JSON under `key`, draw
 * an n x 3 figure titled `title`, and fill res[f]. */
po_status sub_run(po_exp_ctx *c, const char *title, const char *key, const sub_family *fam,
                  size_t n, size_t k, size_t npts, sub_result *res);

/* What the figures' claims read: the n families' results and D. */
typedef struct sub_results {
    const sub_result *r;
    size_t n, D;
} sub_results;

/* The two overlap claims both figures make (our reading of the F.3 / F.4
 * panels): at 5% observation the student's top left (u1) and right (v1)
 * singular vectors overlap the teacher's, truncated, above chance 1/sqrt(d),
 * for every family. Rows of a claims list over a sub_results. */
bool sub_claim_overlap(exp_claim_io *io);
#define SUB_OVERLAP_CLAIMS                                                                         \
    {"the student's top left singular vector u1 overlaps the teacher's (truncated) above chance " \
     "1/sqrt(d) at 5% observation (our reading of the panel)",                                    \
     sub_claim_overlap, 'u'},                                                                      \
    {                                                                                              \
        "the student's top right singular vector v1 overlaps the teacher's (truncated) above "    \
        "chance 1/sqrt(d) at 5% observation (our reading of the panel)",                          \
            sub_claim_overlap, 'v'                                                                 \
    }

#endif
