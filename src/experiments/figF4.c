/* Fig F.4 (SPEC.md §6): rank-1 null-overlap teachers W = M N^T (M^T N = 0,
 * all eigenvalues 0) with gamma^2 = 0.1 D, 0.2 D, 0.4 D, D = 500, 20 teachers:
 * T -> infinity students along the subsampling fraction (subsample.c). */
#include <math.h>
#include <stdio.h>

#include "experiments/subsample.h"

enum { F4_FAMILIES = 3 };
static const double scales[F4_FAMILIES] = {0.1, 0.2, 0.4};
static const char *const labels[F4_FAMILIES] = {"gamma^2 = 0.1 D", "gamma^2 = 0.2 D",
                                                "gamma^2 = 0.4 D"};

po_status po_exp_figF4(po_exp_ctx *c)
{
    const sub_sizes z = sub_sizes_for(c);
    const size_t D = z.D;
    sub_family fam[F4_FAMILIES];
    for (size_t f = 0; f < F4_FAMILIES; f++) {
        fam[f].label = labels[f];
        fam[f].opts = po_teacher_opts_defaults(PO_NET_LOWRANK, D);
        fam[f].opts.rank = 1;
        fam[f].opts.scale = scales[f];
    }
    sub_result r[F4_FAMILIES];
    po_status st = sub_run(c,
                           "Fig F.4: rank-1 null-overlap teachers (all eigenvalues 0), T -> "
                           "infinity students",
                           "families", fam, F4_FAMILIES, z.k, z.npts, r);
    if (st != PO_OK) return st;
    size_t spurious = 0, exact = 0;
    for (size_t f = 0; f < F4_FAMILIES; f++) {
        spurious += r[f].las_ref > 1.0;
        exact += r[f].full_sv_err < 1e-6 * r[f].sigma1;
    }
    bool grows = r[0].las_ref < r[1].las_ref && r[1].las_ref < r[2].las_ref;
    po_exp_claim(c, spurious == F4_FAMILIES && grows,
                 "spurious line attractor at 5% observation (mean LAS > 1), stronger for larger "
                 "gamma",
                 "mean LAS at d = %zu of %zu: %.2f +- %.2f (0.1 D), %.2f +- %.2f (0.2 D), %.2f "
                 "+- %.2f (0.4 D); %s in gamma",
                 r[0].d_ref, D, r[0].las_ref, r[0].las_ref_sem, r[1].las_ref, r[1].las_ref_sem,
                 r[2].las_ref, r[2].las_ref_sem, grows ? "increasing" : "NOT increasing");
    sub_overlap_claims(c, r, F4_FAMILIES);
    po_exp_claim(c, exact == F4_FAMILIES,
                 "at d = D the student is the teacher: sigma1 = gamma^2, sigma2 = 0 (marked at "
                 "d/D = 1)",
                 "teacher sigma1 = %.1f / %.1f / %.1f (gamma^2 = %.0f / %.0f / %.0f); student at "
                 "d = D within %.1e / %.1e / %.1e; student sigma1 at 5%%: %.2f / %.2f / %.2f",
                 r[0].sigma1, r[1].sigma1, r[2].sigma1, scales[0] * (double)D,
                 scales[1] * (double)D, scales[2] * (double)D, r[0].full_sv_err,
                 r[1].full_sv_err, r[2].full_sv_err, r[0].sv1_ref, r[1].sv1_ref, r[2].sv1_ref);
    return PO_OK;
}
