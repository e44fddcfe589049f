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

static bool claim_spurious(exp_claim_io *io)
{
    const sub_results *R = io->res;
    const sub_result *r = R->r;
    size_t spurious = 0;
    for (size_t f = 0; f < F4_FAMILIES; f++) spurious += r[f].las_ref > 1.0;
    bool grows = r[0].las_ref < r[1].las_ref && r[1].las_ref < r[2].las_ref;
    snprintf(io->buf, io->size,
             "mean LAS at d = %zu of %zu: %.2f +- %.2f (0.1 D), %.2f +- %.2f (0.2 D), %.2f +- %.2f "
             "(0.4 D); %s in gamma",
             r[0].d_ref, R->D, r[0].las_ref, r[0].las_ref_sem, r[1].las_ref, r[1].las_ref_sem,
             r[2].las_ref, r[2].las_ref_sem, grows ? "increasing" : "NOT increasing");
    return spurious == F4_FAMILIES && grows;
}

static bool claim_exact(exp_claim_io *io)
{
    const sub_results *R = io->res;
    const sub_result *r = R->r;
    const double D = (double)R->D;
    size_t exact = 0;
    for (size_t f = 0; f < F4_FAMILIES; f++) exact += r[f].full_sv_err < 1e-6 * r[f].sigma1;
    snprintf(io->buf, io->size,
             "teacher sigma1 = %.1f / %.1f / %.1f (gamma^2 = %.0f / %.0f / %.0f); student at d = "
             "D within %.1e / %.1e / %.1e; student sigma1 at 5%%: %.2f / %.2f / %.2f",
             r[0].sigma1, r[1].sigma1, r[2].sigma1, scales[0] * D, scales[1] * D, scales[2] * D,
             r[0].full_sv_err, r[1].full_sv_err, r[2].full_sv_err, r[0].sv1_ref, r[1].sv1_ref,
             r[2].sv1_ref);
    return exact == F4_FAMILIES;
}

static const exp_claim_row f4_claims[] = {
    {"spurious line attractor at 5% observation (mean LAS > 1), stronger for larger gamma",
     claim_spurious, 0},
    SUB_OVERLAP_CLAIMS,
    {"at d = D the student is the teacher: sigma1 = gamma^2, sigma2 = 0 (marked at d/D = 1)",
     claim_exact, 0},
};

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
    const sub_results R = {r, F4_FAMILIES, D};
    exp_claims(c, f4_claims, EXP_COUNT(f4_claims), &R);
    return PO_OK;
}
