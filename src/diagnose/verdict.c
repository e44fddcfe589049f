/* The passive verdict (issue 11, Part A) from the filled passive fields.
 *
 * Initial rule, to be calibrated on the validation set of `partobs reproduce
 * diagnose` (the thresholds below are the only knobs; docs/methods.md
 * "Diagnose"). Passive evidence is often weak (the measurements: LAS
 * rises with the observed fraction both for a true line attractor and for a
 * low-rank artefact), so the rule calls "slow-mode-robust" only when every
 * measure agrees and says "inconclusive" otherwise:
 *  1. no-slow-mode   if the full fit's LAS <= PO_DG_LAS_SLOW (the naive rule);
 *  2. slow-mode-suspect if any measure points to an artefact: the LAS trend's
 *     95% interval is below 0 (the slow mode fades as more neurons are seen),
 *     the residual along the slow mode is autocorrelated above
 *     PO_DG_AUTOCORR_SUSPECT (unmodelled slow input: hidden units), or the
 *     bootstrap's 2.5% LAS is <= PO_DG_LAS_SLOW (the slow mode is not stable
 *     in time);
 *  3. slow-mode-robust if the trend's interval is above 0, |autocorr| <
 *     PO_DG_AUTOCORR_WHITE and the bootstrap's 2.5% LAS > PO_DG_LAS_SLOW (a
 *     measure that was not run, bootstrap 0, does not count);
 *  4. inconclusive otherwise. */
#include "diagnose/passive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The naive rule's threshold "LAS > 1 means a slow mode" (SPEC.md §5). */
#define PO_DG_LAS_SLOW 1.0
/* |lag-1 autocorrelation| of the slow-mode residual below which it counts as white. */
#define PO_DG_AUTOCORR_WHITE 0.1
/* Lag-1 autocorrelation above which the residual points to hidden slow input
 * (the issue measured 0.25 for a rank-2 null-overlap teacher, ~0 otherwise). */
#define PO_DG_AUTOCORR_SUSPECT 0.15

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

/* Append sep and the clause c to buf (within cap). */
static void append(char *buf, size_t cap, const char *sep, const char *c)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%s", sep, c);
}

void po_dg_passive_verdict(po_diagnose *dg)
{
    double las = dg->full->las, tau1 = dg->full->tau[0];
    double lo = dg->trend_ci95[0], hi = dg->trend_ci95[1], ac = dg->residual_autocorr;
    double boot_lo = dg->las_ci95[0];
    bool have_boot = dg->bootstrap > 0 && !isnan(boot_lo);
    dg->n_evidence = 0;

    bool slow = las > PO_DG_LAS_SLOW;
    add(dg, "line_attractor_score", las, slow ? PO_DIAG_INCONCLUSIVE : PO_DIAG_NO_SLOW_MODE,
        "LAS = log2(tau1/tau2) of the full fit; above 1 the model has a slow mode to explain");
    add(dg, "tau1", tau1, PO_DIAG_INCONCLUSIVE,
        "the slowest time constant of the full fit, in units of the model's tau");
    add(dg, "henrici", dg->full->henrici, PO_DIAG_INCONCLUSIVE,
        "Henrici's departure from normality of the full fit (0 normal, near 1 feedforward)");
    po_diagnose_verdict trend_to = lo > 0.0   ? PO_DIAG_ROBUST
                                   : hi < 0.0 ? PO_DIAG_SUSPECT
                                              : PO_DIAG_INCONCLUSIVE;
    add(dg, "las_trend_slope", dg->trend_slope, trend_to,
        "slope of LAS against log(fraction of neurons refitted): a real slow mode grows or "
        "holds as more neurons are seen, an artefact fades");
    add(dg, "las_trend_ci95_low", lo, PO_DIAG_INCONCLUSIVE,
        "lower end of the slope's 95% interval (above 0: LAS rises with the fraction)");
    add(dg, "las_trend_ci95_high", hi, PO_DIAG_INCONCLUSIVE,
        "upper end of the slope's 95% interval (below 0: LAS falls with the fraction)");
    po_diagnose_verdict ac_to = fabs(ac) < PO_DG_AUTOCORR_WHITE ? PO_DIAG_ROBUST
                                : ac > PO_DG_AUTOCORR_SUSPECT   ? PO_DIAG_SUSPECT
                                                                : PO_DIAG_INCONCLUSIVE;
    add(dg, "residual_autocorr", ac, ac_to,
        "lag-1 autocorrelation of the one-step residual along the slow mode: white if the "
        "model explains the slow dynamics, positive if hidden units drive it");
    po_diagnose_verdict boot_to = boot_lo > PO_DG_LAS_SLOW ? PO_DIAG_ROBUST : PO_DIAG_SUSPECT;
    if (have_boot) {
        add(dg, "las_bootstrap_low", boot_lo, boot_to,
            "2.5% point of LAS over block-bootstrap refits: above 1 the slow mode is stable "
            "across stretches of the recording");
        add(dg, "tau1_bootstrap_low", dg->tau1_ci95[0], PO_DIAG_INCONCLUSIVE,
            "2.5% point of tau1 over block-bootstrap refits");
    }

    char *r = dg->reason;
    size_t cap = sizeof dg->reason;
    po_diagnose_verdict v;
    if (!slow) {
        v = PO_DIAG_NO_SLOW_MODE;
        snprintf(r, cap, "The full fit has no slow mode: its line attractor score is %.3g <= %g.",
                 las, PO_DG_LAS_SLOW);
    } else if (trend_to == PO_DIAG_SUSPECT || ac_to == PO_DIAG_SUSPECT ||
               (have_boot && boot_to == PO_DIAG_SUSPECT)) {
        v = PO_DIAG_SUSPECT;
        char c[160];
        const char *sep = "";
        snprintf(r, cap, "The slow mode (LAS %.3g) looks like an effect of partial observation: ",
                 las);
        if (trend_to == PO_DIAG_SUSPECT) {
            snprintf(c, sizeof c, "LAS falls as more neurons are seen (slope %.3g, 95%% "
                                  "interval below 0 up to %.3g)", dg->trend_slope, hi);
            append(r, cap, sep, c);
            sep = "; ";
        }
        if (ac_to == PO_DIAG_SUSPECT) {
            snprintf(c, sizeof c, "the residual along it is autocorrelated (lag 1: %.3g > %g)",
                     ac, PO_DG_AUTOCORR_SUSPECT);
            append(r, cap, sep, c);
            sep = "; ";
        }
        if (have_boot && boot_to == PO_DIAG_SUSPECT) {
            snprintf(c, sizeof c, "the bootstrap's 2.5%% LAS is %.3g <= %g", boot_lo,
                     PO_DG_LAS_SLOW);
            append(r, cap, sep, c);
        }
        append(r, cap, "", ".");
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
}
