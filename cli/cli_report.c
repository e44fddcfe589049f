/* partobs CLI: spectral reports (see cli_report.h). */
#include "cli_report.h"

#include <math.h>

#include "cli_output.h"

const char *cli_spectrum_note(const po_spectrum *s)
{
    if (s->n == 0) return "empty matrix.";
    if (s->max_re >= 1.0)
        return "max Re lambda >= 1: the linear dynamics dx/dt = (W - I) x are unstable or "
               "marginal (a mode that never decays).";
    if (s->las > 1.0)
        return "LAS > 1: one mode is much slower than all others, i.e. line-attractor-like "
               "dynamics (Nair et al. 2023).";
    return "all modes decay (max Re lambda < 1) and none stands out as slow (LAS <= 1).";
}

void cli_spectrum_print(FILE *out, const po_spectrum *s, size_t top)
{
    size_t k_eig = top < s->n ? top : s->n;
    fprintf(out, "n                      %zu\n", s->n);
    fprintf(out, "max Re lambda          %.6g\n", s->max_re);
    fprintf(out, "line attractor score   %.6g\n", s->las);
    fprintf(out, "Henrici non-normality  %.6g\n", s->henrici);
    fprintf(out, "\ntop %zu eigenvalues (descending real part)\n", k_eig);
    fprintf(out, "  %4s  %14s  %14s  %12s\n", "k", "Re lambda", "Im lambda", "tau");
    for (size_t i = 0; i < k_eig; i++)
        fprintf(out, "  %4zu  %14.6g  %14.6g  %12.6g\n", i + 1, s->re[i], s->im[i], s->tau[i]);
    fprintf(out, "\ntop %zu singular values\n", k_eig);
    for (size_t i = 0; i < k_eig; i++) fprintf(out, "  %4zu  %14.6g\n", i + 1, s->sv[i]);
    fprintf(out, "\nnote: %s\n", cli_spectrum_note(s));
}
