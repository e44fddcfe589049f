/* The experiments `partobs reproduce` knows, in the order `all` runs them
 * (SPEC.md §6). To add one: write src/experiments/<name>.c with a
 * po_exp_<name> function, declare it in exp.h and append a row here. The
 * order matters only for `all`; seeds depend on the name alone. Summaries
 * fit one line of `partobs reproduce --help`. */
#include "experiments/exp.h"

static const po_exp_entry registry[] = {
    {"fig1", "integration task: LA and FF integrators, LDS fits call both slow", po_exp_fig1},
    {"fig2", "symmetric teachers, with/without line attractor: no spurious modes", po_exp_fig2},
    {"fig3", "feedforward chain: LAS vs d/D, top eigenvalues of d = 25 vs D", po_exp_fig3},
    {"fig4", "rank-2/3 null-overlap: spurious line/plane attractor at 5%", po_exp_fig4},
    {"figF1", "low rank 1-5: r - 1 (finite T) vs r (T -> inf) eigenvalues near 1",
     po_exp_figF1},
    {"figF3", "chains with skips: LAS, top singular values, overlaps vs d/D", po_exp_figF3},
    {"figF4", "rank-1 null-overlap: LAS, top singular values, overlaps vs d/D", po_exp_figF4},
    {"fig5", "lowrank-osc tanh teacher: MAP/CORNN/BPTT/FORCE attractor mismatches over seeds",
     po_exp_fig5},
    {"figF2", "triangular tanh teacher: MAP, BPTT, BPTT+hidden overestimate eigenvalues",
     po_exp_figF2},
    {"figF6", "rank-3 tanh teacher: spurious or missing stable fixed points at 5%/50%",
     po_exp_figF6},
    {"figF5", "LDS on the Fig 4 teachers: a few time constants vastly enlarged", po_exp_figF5},
    {"figF7", "delay embeddings of LA and FF activity: indistinguishable", po_exp_figF7},
    {"figF8", "FF integrator LDS: LAS vs d/D (K = d - 1) and vs K; EV vs K", po_exp_figF8},
    {"fig1s", "Fig 1's FF LDS fits under other EM settings (random start, 10/50 iterations)",
     po_exp_fig1s},
    {"diagnose", "partobs diagnose on labelled teachers: naive, passive, with experiment",
     po_exp_diagnose},
};

const po_exp_entry *po_exp_registry(size_t *n)
{
    *n = sizeof registry / sizeof registry[0];
    return registry;
}
