/* report.json and report.md of `partobs diagnose` (see partobs/report.h;
 * docs/formats.md "diagnose", docs/methods.md "Diagnose"). Time constants of
 * the model are in units of the neuron time constant tau; one step of the
 * recording is alpha tau, so with dt seconds per step tau_i is tau_i dt / alpha
 * seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "partobs/report.h"

/* tau (in units of the neuron time constant) in seconds; NaN without dt. */
static double seconds(const po_diagnose *dg, double tau)
{
    return dg->dt > 0 ? tau * dg->dt / dg->alpha : (double)NAN;
}

static cJSON *pair(const double v[2]) { return po_report_array(v, 2); }

static cJSON *evidence_json(const po_diagnose *dg)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < dg->n_evidence; i++) {
        const po_diagnose_evidence *e = &dg->evidence[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(a, o);
        cJSON_AddStringToObject(o, "name", e->name);
        cJSON_AddItemToObject(o, "value", po_report_number(e->value));
        cJSON_AddStringToObject(o, "points_to", po_diagnose_verdict_name(e->points_to));
        cJSON_AddStringToObject(o, "meaning", e->meaning);
    }
    return a;
}

static cJSON *full_json(const po_diagnose *dg)
{
    const po_spectrum *s = dg->full;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "eigenvalues", po_report_eigenvalues(s->re, s->im, s->n));
    cJSON_AddItemToObject(o, "time_constants", po_report_array(s->tau, s->n));
    if (dg->dt > 0) {
        cJSON *ts = cJSON_AddArrayToObject(o, "time_constants_s");
        for (size_t i = 0; ts && i < s->n; i++)
            cJSON_AddItemToArray(ts, po_report_number(seconds(dg, s->tau[i])));
    }
    cJSON_AddItemToObject(o, "line_attractor_score", po_report_number(s->las));
    cJSON_AddItemToObject(o, "henrici", po_report_number(s->henrici));
    cJSON_AddItemToObject(o, "max_real_eigenvalue", po_report_number(s->max_re));
    return o;
}

static cJSON *subsampling_json(const po_diagnose *dg)
{
    size_t n = dg->n_fractions;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "fractions", po_report_array(dg->fractions, n));
    cJSON *d = cJSON_AddArrayToObject(o, "d");
    for (size_t k = 0; d && k < n; k++)
        cJSON_AddItemToArray(d, cJSON_CreateNumber((double)dg->d_sub[k]));
    cJSON_AddNumberToObject(o, "subsets", (double)dg->subsets);
    cJSON_AddItemToObject(o, "line_attractor_score_mean", po_report_array(dg->las_mean, n));
    cJSON_AddItemToObject(o, "line_attractor_score_sem", po_report_array(dg->las_sem, n));
    cJSON_AddItemToObject(o, "tau1_median", po_report_array(dg->tau1_median, n));
    cJSON_AddItemToObject(o, "lambda1_re_mean", po_report_array(dg->lambda1_re_mean, n));
    return o;
}

static cJSON *perturbation_json(const po_diagnose *dg, const po_diagnose_opts *opts)
{
    const po_diagnose_protocol *p = &dg->protocol;
    const po_diagnose_measured *m = &dg->measured;
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddItemToObject(o, "pattern", po_report_array(p->pattern, p->d));
    cJSON_AddStringToObject(o, "pattern_kind", p->pattern_kind);
    cJSON_AddItemToObject(o, "readout", po_report_array(p->readout, p->d));
    cJSON_AddItemToObject(o, "amplitude", po_report_number(p->amplitude));
    cJSON_AddNumberToObject(o, "steps", (double)p->steps);
    cJSON_AddNumberToObject(o, "pulse_steps", (double)p->pulse_steps);
    cJSON_AddNumberToObject(o, "wait_steps", (double)p->wait_steps);
    cJSON_AddNumberToObject(o, "repeats", (double)p->repeats);
    double late[2] = {opts->late_from, opts->late_to};
    cJSON_AddItemToObject(o, "late_window", pair(late));
    cJSON_AddItemToObject(o, "snr", po_report_number(opts->snr));
    cJSON_AddItemToObject(o, "predicted_tau", po_report_number(p->predicted_tau));
    cJSON_AddItemToObject(o, "alternative_tau", po_report_number(p->alternative_tau));
    if (dg->dt > 0) {
        cJSON_AddItemToObject(o, "predicted_tau_s", po_report_number(seconds(dg, p->predicted_tau)));
        cJSON_AddItemToObject(o, "alternative_tau_s",
                              po_report_number(seconds(dg, p->alternative_tau)));
    }
    cJSON_AddItemToObject(o, "predicted_late", po_report_number(p->predicted_late));
    cJSON_AddItemToObject(o, "alternative_late", po_report_number(p->alternative_late));
    cJSON_AddItemToObject(o, "noise_se", po_report_number(p->noise_se));
    if (m->present) {
        cJSON_AddItemToObject(o, "measured_tau", po_report_number(m->measured_tau));
        if (dg->dt > 0)
            cJSON_AddItemToObject(o, "measured_tau_s",
                                  po_report_number(seconds(dg, m->measured_tau)));
        cJSON_AddItemToObject(o, "agreement", po_report_number(m->agreement));
        cJSON_AddItemToObject(o, "measured_late", po_report_number(m->late));
        cJSON_AddItemToObject(o, "measured_late_se", po_report_number(m->late_se));
        cJSON_AddItemToObject(o, "measured_peak", po_report_number(m->peak));
        cJSON_AddItemToObject(o, "measured_drift", po_report_number(m->drift));
        cJSON_AddItemToObject(o, "measured_drift_se", po_report_number(m->drift_se));
        cJSON_AddStringToObject(o, "measured_verdict", po_diagnose_verdict_name(m->verdict));
    }
    return o;
}

cJSON *po_report_diagnose_json(const po_diagnose *dg, const po_diagnose_opts *opts)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "verdict", po_diagnose_verdict_name(dg->verdict));
    cJSON_AddStringToObject(o, "passive_verdict", po_diagnose_verdict_name(dg->passive_verdict));
    cJSON_AddStringToObject(o, "reason", dg->reason);
    cJSON_AddItemToObject(o, "evidence", evidence_json(dg));
    cJSON_AddNumberToObject(o, "n_samples", (double)dg->n_samples);
    cJSON_AddNumberToObject(o, "n_neurons", (double)dg->n_neurons);
    cJSON_AddStringToObject(o, "method", po_diagnose_method_name(dg->method));
    cJSON_AddNumberToObject(o, "alpha", dg->alpha);
    cJSON_AddItemToObject(o, "dt", dg->dt > 0 ? cJSON_CreateNumber(dg->dt) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "residual_autocorr", po_report_number(dg->residual_autocorr));
    cJSON_AddItemToObject(o, "full", full_json(dg));
    cJSON_AddItemToObject(o, "subsampling", subsampling_json(dg));
    cJSON *t = cJSON_AddObjectToObject(o, "trend");
    if (t) {
        cJSON_AddItemToObject(t, "slope", po_report_number(dg->trend_slope));
        cJSON_AddItemToObject(t, "ci95", pair(dg->trend_ci95));
    }
    cJSON *b = cJSON_AddObjectToObject(o, "bootstrap");
    if (b) {
        cJSON_AddNumberToObject(b, "replicates", (double)dg->bootstrap);
        cJSON_AddNumberToObject(b, "block", (double)dg->block);
        cJSON_AddItemToObject(b, "tau1_ci95", pair(dg->tau1_ci95));
        cJSON_AddItemToObject(b, "line_attractor_score_ci95", pair(dg->las_ci95));
        cJSON_AddItemToObject(b, "tau1", po_report_array(dg->boot_tau1, dg->bootstrap));
        cJSON_AddItemToObject(b, "line_attractor_score",
                              po_report_array(dg->boot_las, dg->bootstrap));
    }
    cJSON_AddItemToObject(o, "perturbation", perturbation_json(dg, opts));
    return o;
}

/* ---- report.md -------------------------------------------------------------- */

/* A number for the page: 3 significant digits, "n/a" when not finite. */
static void num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.3g", v);
    else
        fputs(isinf(v) ? "∞" : "n/a", f);
}

/* A duration in tau, and in seconds with dt. */
static void dur(FILE *f, const po_diagnose *dg, double tau)
{
    num(f, tau);
    fputs(" τ", f);
    if (dg->dt > 0) {
        fputs(" (", f);
        num(f, seconds(dg, tau));
        fputs(" s)", f);
    }
}

/* One row "| label | tau | late |" of an outcome table, ending the line. */
static void outcome_row(FILE *f, const po_diagnose *dg, const char *label, double tau,
                        double late)
{
    fprintf(f, "| %s | ", label);
    dur(f, dg, tau);
    fputs(" | ", f);
    num(f, late);
    fputs(" |\n", f);
}

static const char *model_words(po_diagnose_method m)
{
    return m == PO_DIAG_MAP ? "a MAP student network (one unit per recorded neuron, SPEC.md §4.1)"
                            : "a latent linear dynamical system (SPEC.md §4.8)";
}

/* What the verdict means and what it does not (docs/methods.md "Diagnose"). */
static void meaning(FILE *f, po_diagnose_verdict v, bool measured)
{
    switch (v) {
    case PO_DIAG_NO_SLOW_MODE:
        fputs("The model fitted to the recording has no slow mode: its slowest time constant is "
              "below 10 τ and not separated from the next one (LAS ≤ 1), so there is no "
              "putative attractor to validate. This does **not** say the circuit has no slow dynamics: a slow mode "
              "outside the span of the recorded neurons, or one masked by noise or a short "
              "recording, would not show here.\n",
              f);
        break;
    case PO_DIAG_ROBUST:
        fputs(measured
                  ? "The stimulated slow mode persisted over the late window with one pattern over "
                    "the recorded neurons, and the recording alone did not contradict it, as a real "
                    "slow mode (a line attractor or a slow feedback loop) would. This supports the "
                    "mechanism, not the model's numbers: the measured size and time constant can "
                    "still differ from the prediction (see the agreement).\n"
                  : "The passive evidence is what a real slow mode gives: it does not weaken when "
                    "fewer neurons are fitted in the way partial-observation artefacts do. It is "
                    "evidence, **not proof**: feedforward circuits can make genuinely slow "
                    "activity from outside the recording. Run the experiment below to settle "
                    "it.\n",
              f);
        break;
    case PO_DIAG_SUSPECT:
        fputs(measured
                  ? "The stimulated slow mode died out before the late window, or persisted but "
                    "moved across the recorded neurons (activity travelling through unobserved "
                    "neurons): the circuit does not hold activity along it, so the model's slow "
                    "mode (or line attractor) is most likely an artefact of observing only part of "
                    "the circuit. It does **not** say that the circuit has no slow dynamics "
                    "elsewhere.\n"
                  : "The passive evidence is what partial observation of a circuit without that "
                    "slow mode typically gives: the line attractor score collapses in some "
                    "block-bootstrap resamples of the recording (it did for 112 of 119 artefacts "
                    "and for none of 32 real line attractors in the validation set, docs/methods.md "
                    "§ Diagnose). It is a warning, **not proof**: run the experiment below.\n",
              f);
        break;
    default:
        fputs(measured
                  ? "The response in the late window cannot be told from the noise, or the "
                    "experiment and the recording disagree (a response that persists for a slow "
                    "mode the recording alone calls suspect: a feedforward integrator of "
                    "unobserved neurons can do that). Repeat the protocol with more pulses (the "
                    "standard error falls as 1/√repeats), a larger amplitude or a longer wait.\n"
                  : "The passive evidence cannot tell a real slow mode from one made by partial "
                    "observation; this is common (activity time scales alone do not separate "
                    "the mechanisms: feedforward circuits also make slow activity). The "
                    "experiment below is the way to a decisive answer.\n",
              f);
        break;
    }
}

static void evidence_md(FILE *f, const po_diagnose *dg)
{
    fputs("| measure | value | points to | meaning |\n|---|---|---|---|\n", f);
    for (size_t i = 0; i < dg->n_evidence; i++) {
        const po_diagnose_evidence *e = &dg->evidence[i];
        fprintf(f, "| `%s` | ", e->name);
        num(f, e->value);
        fprintf(f, " | %s | %s |\n",
                e->points_to == PO_DIAG_INCONCLUSIVE ? "neutral"
                                                     : po_diagnose_verdict_name(e->points_to),
                e->meaning);
    }
    const po_spectrum *s = dg->full;
    size_t last = dg->n_fractions ? dg->n_fractions - 1 : 0;
    fputs("\nKey numbers: the full fit has τ₁ = ", f);
    dur(f, dg, s->n ? s->tau[0] : (double)NAN);
    fputs(", τ₂ = ", f);
    dur(f, dg, s->n > 1 ? s->tau[1] : (double)NAN);
    fputs(", LAS = ", f);
    num(f, s->las);
    fputs(" (bootstrap 95% interval ", f);
    num(f, dg->las_ci95[0]);
    fputs("–", f);
    num(f, dg->las_ci95[1]);
    fputs("), Henrici ", f);
    num(f, s->henrici);
    if (dg->n_fractions) {
        fprintf(f, "; refitted on %.0f%% of the neurons (d = %zu) the mean LAS is ",
                100 * dg->fractions[0], dg->d_sub[0]);
        num(f, dg->las_mean[0]);
        fprintf(f, " against ");
        num(f, dg->las_mean[last]);
        fprintf(f, " at %.0f%%; LAS trend against log(fraction) ", 100 * dg->fractions[last]);
        num(f, dg->trend_slope);
        fputs(" (95% interval ", f);
        num(f, dg->trend_ci95[0]);
        fputs("–", f);
        num(f, dg->trend_ci95[1]);
        fputs(")", f);
    }
    fputs("; lag-1 autocorrelation of the residual along the slow mode ", f);
    num(f, dg->residual_autocorr);
    fputs(".\n", f);
}

static void experiment_md(FILE *f, const po_diagnose *dg, const po_diagnose_opts *o,
                          const char *y)
{
    const po_diagnose_protocol *p = &dg->protocol;
    double a = dg->alpha;
    fprintf(f, "## The experiment that settles it\n\n"
               "Stimulate the recorded neurons with the spatial pattern `stim_pattern.npy` (%zu "
               "entries, unit norm; candidate `%s`) and read the response along `readout` in "
               "report.json. Time course (`stim_signal.npy`, %zu steps): %zu pulses of %zu steps (",
            p->d, p->pattern_kind, p->steps, p->repeats, p->pulse_steps);
    dur(f, dg, (double)p->pulse_steps * a);
    fputs(") with amplitude ", f);
    num(f, p->amplitude);
    fprintf(f, " and alternating sign, each followed by %zu steps (", p->wait_steps);
    dur(f, dg, (double)p->wait_steps * a);
    fputs(") without drive. `stim.npy` (steps × neurons, = signal ⊗ pattern) is the drive to add "
          "to each recorded neuron at each step, in the units of the model's drive (the "
          "amplitude makes a plateau of 5% of the peak stand ",
          f);
    num(f, o->snr);
    fputs(" standard errors out of the recording's noise).\n\n", f);

    fputs("| outcome | response τ | late window / peak |\n|---|---|---|\n", f);
    outcome_row(f, dg, "the model (the slow mode is real)", p->predicted_tau, p->predicted_late);
    outcome_row(f, dg, "the alternative (the slow mode shortened to τ₂: an artefact)",
                p->alternative_tau, p->alternative_late);
    fputs("\nNoise: the late-window mean along the readout has a standard error of ", f);
    num(f, p->noise_se);
    fputs(" (units of the recording, from its variogram, averaged over the pulses)", f);
    fprintf(f, ". The late window is %g–%g τ after each pulse ends. What each outcome "
               "would mean:\n\n"
               "- **the response persists** (the late mean stands clearly above zero, near the "
               "model's line): the circuit holds activity along this pattern, the slow mode is "
               "real (`slow-mode-robust`). Its size may differ from the prediction: persistence "
               "is the test, not the magnitude.\n"
               "- **the response returns to baseline** by the late window (near the "
               "alternative): the slow mode came from observing part of the circuit "
               "(`slow-mode-suspect`).\n"
               "- **in between or within the noise**: `inconclusive`; repeat with more pulses.\n\n",
            o->late_from, o->late_to);
    fprintf(f, "### Run it and feed it back\n\n"
               "Record the same %zu neurons, in the same order and with the same sampling "
               "interval, while adding `stim.npy` to their drive (a recording YP.npy of %zu × %zu, "
               "time first; start from the ongoing activity), then:\n\n"
               "```\npartobs diagnose %s --perturbation YP.npy --stim stim.npy --out DIR2\n```\n\n"
               "with the other options of this run (manifest.json lists them; the same seed "
               "gives the same protocol). In silico, on a teacher W of D neurons whose first "
               "%zu were recorded: pad `stim_pattern.npy` with zeros to D entries (pattern_D.npy) "
               "and continue from the last state of the teacher (x_last.npy: D entries); row t "
               "of the stimulus drives step t -> t+1, row 0 of YP is the starting state:\n\n"
               "```\npartobs simulate --W W.npy --ic x_last.npy --input stim_signal.npy "
               "--w-in pattern_D.npy --input-gain 1 --T %zu --alpha %g -o XP.npy\n"
               "partobs observe XP.npy --d %zu -o YP.npy\n```\n\n",
            p->d, p->steps, p->d, y, p->d, p->steps, dg->alpha, p->d);
}

static void measured_md(FILE *f, const po_diagnose *dg)
{
    const po_diagnose_measured *m = &dg->measured;
    const po_diagnose_protocol *p = &dg->protocol;
    fputs("## What the perturbation recording showed\n\n| | response τ | late window / peak |\n"
          "|---|---|---|\n| measured | ",
          f);
    dur(f, dg, m->measured_tau);
    fputs(" | ", f);
    num(f, m->late);
    fputs(" ± ", f);
    num(f, m->late_se);
    fputs(" |\n", f);
    outcome_row(f, dg, "the model", p->predicted_tau, p->predicted_late);
    outcome_row(f, dg, "the alternative", p->alternative_tau, p->alternative_late);
    fputs("\nAgreement (measured late / predicted late): ", f);
    num(f, m->agreement);
    fputs(". Drift of the response pattern over the neurons from the early to the late "
          "window (0 for an attractor's plateau; large when activity travels through "
          "unobserved neurons): ",
          f);
    num(f, m->drift);
    fputs(" ± ", f);
    num(f, m->drift_se);
    fprintf(f, ". From the recording alone the verdict was `%s`.\n\n",
            po_diagnose_verdict_name(dg->passive_verdict));
}

char *po_report_diagnose_md(const po_diagnose *dg, const po_diagnose_opts *opts,
                            const char *y_name, const char *figure)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    const char *y = y_name ? y_name : "Y.npy";
    fprintf(f, "# partobs diagnose: `%s`\n\n**%s**\n\n", po_diagnose_verdict_name(dg->verdict),
            dg->reason);
    fprintf(f, "Recording `%s`: %zu samples of %zu neurons, fitted with %s", y, dg->n_samples,
            dg->n_neurons, model_words(dg->method));
    fprintf(f, ", α = %g. Time constants are in units of the neuron time constant τ (one sample "
               "is α τ)",
            dg->alpha);
    if (dg->dt > 0) fprintf(f, "; with dt = %g s one τ is %g s", dg->dt, dg->dt / dg->alpha);
    fputs(".\n\n## Evidence\n\n", f);
    evidence_md(f, dg);
    if (figure) fprintf(f, "\n![the evidence and the experiment](%s)\n", figure);
    fputs("\n## What the verdict means, and what it does not\n\n", f);
    meaning(f, dg->verdict, dg->measured.present);
    fputs("\n", f);
    if (dg->measured.present) measured_md(f, dg);
    experiment_md(f, dg, opts, y);
    fputs("The reasoning behind the measures, the experiment and the rule is in docs/methods.md, "
          "section \"Diagnose\".\n",
          f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
