/* The passive verdict (issue 11, Part A) from the filled passive fields.
 *
 * Calibrated on the development runs of `partobs reproduce diagnose` (seeds
 * 20241210 and 1; docs/methods.md "Diagnose" has the numbers). What they showed:
 *  - a rising LAS trend and a residual autocorrelation are NOT specific: the
 *    task's line attractor (a real one, observed through a similarity
 *    transform, with inputs) has LAS falling with the fraction of neurons and
 *    a residual autocorrelated at 0.1-0.3, like the low-rank artefacts; so
 *    neither may call a slow mode an artefact;
 *  - the bootstrap's 2.5% point of LAS was above 1 for every real line
 *    attractor and at or below 1 for nearly every artefact (their LAS
 *    collapses in some stretches of the recording: the slow mode is not one
 *    isolated real eigenvalue throughout).
 * Hence:
 *  1. no-slow-mode   if the full fit has no slow mode (po_diagnose_slow_mode:
 *     LAS <= 1 and tau_1 < 10);
 *  2. slow-mode-suspect if the bootstrap's 2.5% LAS is <= PO_DG_LAS_SLOW (only
 *     when the bootstrap ran);
 *  3. slow-mode-robust if, in addition, LAS rises with the fraction of neurons
 *     (the trend's 95% interval above 0) and the residual along the slow mode
 *     is white (|lag-1 autocorrelation| < PO_DG_AUTOCORR_WHITE): every measure
 *     agrees;
 *  4. inconclusive otherwise: the experiment decides. */
#include "diagnose/passive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The naive rule's threshold "LAS > 1 means a slow mode" (SPEC.md §5). */
#define PO_DG_LAS_SLOW 1.0
/* |lag-1 autocorrelation| of the slow-mode residual below which it counts as white. */
#define PO_DG_AUTOCORR_WHITE 0.1

static void add(po_diagnose *dg, const char *name, double value, po_diagnose_verdict to,
                const char *meaning)
{
    if (dg->n_evidence >= PO_DIAGNOSE_MAX_EVIDENCE) return;
    po_diagnose_evidence *e = &dg->evidence[dg->n_evidence++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->value = value;
    e->points_to = to;
    snprintf(e->meaning, sizeof e->meaning, "%s", meaning);
}

void po_dg_passive_verdict(po_diagnose *dg)
{
    double las = dg->full->las, tau1 = dg->full->tau[0];
    double lo = dg->trend_ci95[0], hi = dg->trend_ci95[1], ac = dg->residual_autocorr;
    double boot_lo = dg->las_ci95[0];
    bool have_boot = dg->bootstrap > 0 && !isnan(boot_lo);
    dg->n_evidence = 0;

    bool slow = po_diagnose_slow_mode(dg->full);
    add(dg, "line_attractor_score", las, slow ? PO_DIAG_INCONCLUSIVE : PO_DIAG_NO_SLOW_MODE,
        "LAS = log2(tau1/tau2) of the full fit; above 1 the model has a line attractor to "
        "explain");
    add(dg, "tau1", tau1, slow ? PO_DIAG_INCONCLUSIVE : PO_DIAG_NO_SLOW_MODE,
        "the slowest time constant of the full fit, in units of the model's tau; from 10 on "
        "the model has slow dynamics to explain even when LAS is small (a slow pair)");
    add(dg, "henrici", dg->full->henrici, PO_DIAG_INCONCLUSIVE,
        "Henrici's departure from normality of the full fit (0 normal, near 1 feedforward)");
    po_diagnose_verdict trend_to = lo > 0.0 ? PO_DIAG_ROBUST : PO_DIAG_INCONCLUSIVE;
    add(dg, "las_trend_slope", dg->trend_slope, trend_to,
        "slope of LAS against log(fraction of neurons refitted): rising supports a real slow "
        "mode; falling is not specific (real ones seen through a mixing transform fall too)");
    add(dg, "las_trend_ci95_low", lo, PO_DIAG_INCONCLUSIVE,
        "lower end of the slope's 95% interval (above 0: LAS rises with the fraction)");
    add(dg, "las_trend_ci95_high", hi, PO_DIAG_INCONCLUSIVE,
        "upper end of the slope's 95% interval (below 0: LAS falls with the fraction)");
    po_diagnose_verdict ac_to = fabs(ac) < PO_DG_AUTOCORR_WHITE ? PO_DIAG_ROBUST
                                                                : PO_DIAG_INCONCLUSIVE;
    add(dg, "residual_autocorr", ac, ac_to,
        "lag-1 autocorrelation of the one-step residual along the slow mode: white if the "
        "model explains the slow dynamics; coloured when unobserved neurons feed it");
    po_diagnose_verdict boot_to = boot_lo > PO_DG_LAS_SLOW ? PO_DIAG_ROBUST : PO_DIAG_SUSPECT;
    if (have_boot) {
        add(dg, "las_bootstrap_low", boot_lo, boot_to,
            "2.5% point of LAS over block-bootstrap refits: above 1 the slow mode holds across "
            "stretches of the recording; at or below 1 it collapses in some, as artefacts do");
        add(dg, "tau1_bootstrap_low", dg->tau1_ci95[0], PO_DIAG_INCONCLUSIVE,
            "2.5% point of tau1 over block-bootstrap refits");
    }

    char *r = dg->passive_reason;
    size_t cap = sizeof dg->passive_reason;
    po_diagnose_verdict v;
    if (!slow) {
        v = PO_DIAG_NO_SLOW_MODE;
        snprintf(r, cap,
                 "The full fit has no slow mode: its line attractor score is %.3g <= %g and its "
                 "slowest time constant %.3g tau is below %g tau.",
                 las, PO_DG_LAS_SLOW, tau1, PO_DIAGNOSE_TAU_SLOW);
    } else if (have_boot && boot_to == PO_DIAG_SUSPECT) {
        v = PO_DIAG_SUSPECT;
        snprintf(r, cap,
                 "The slow mode (LAS %.3g) does not hold across stretches of the recording: the "
                 "bootstrap's 2.5%% LAS is %.3g <= %g, as for slow modes made by partial "
                 "observation.",
                 las, boot_lo, PO_DG_LAS_SLOW);
    } else if (trend_to == PO_DIAG_ROBUST && ac_to == PO_DIAG_ROBUST) {
        v = PO_DIAG_ROBUST;
        snprintf(r, cap,
                 "The slow mode (LAS %.3g) holds up: LAS rises with the fraction of neurons "
                 "(slope %.3g, 95%% interval from %.3g), the residual along it is white (lag-1 "
                 "autocorrelation %.3g) and the bootstrap's 2.5%% LAS is %.3g.",
                 las, dg->trend_slope, lo, ac, boot_lo);
    } else {
        v = PO_DIAG_INCONCLUSIVE;
        snprintf(r, cap,
                 "The passive evidence cannot tell (LAS %.3g; trend slope %.3g with 95%% "
                 "interval [%.3g, %.3g]; lag-1 residual autocorrelation %.3g): run the proposed "
                 "perturbation.",
                 las, dg->trend_slope, lo, hi, ac);
    }
    dg->passive_verdict = dg->verdict = v;
    snprintf(dg->reason, sizeof dg->reason, "%s", dg->passive_reason);
}
