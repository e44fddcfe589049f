/* The pulse schedule of the sensory-integration task and the network names
 * (SPEC.md §7). */
#include <string.h>

#include "partobs/task.h"

#include "core/names.h"

/* po_task_net_name, po_task_net_from_name */
PO_DEFINE_NAMES(po_task_net, PO_TASK_NET_LIST, net_names, "task network")

/* Constant pulses on half-open index ranges (SPEC.md §7). */
static const struct {
    size_t begin, end;
    double value;
} pulses[] = {
    {800, 950, -2.0}, {1000, 1200, 1.0}, {1250, 1450, -1.0}, {1600, 1800, 3.0},
    {2200, 2400, 0.5}, {3500, 4500, 0.1},
};

/* The ramp -linspace(0, 3, 400) on [2600, 3000): NumPy's linspace is
 * start + j * (stop - start) / (num - 1) with the last point set to stop
 * exactly, so the ends are 0 and -3 to the bit. */
enum { RAMP_BEGIN = 2600, RAMP_LEN = 400 };
#define RAMP_STOP 3.0

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

void po_task_schedule(size_t T, double *s)
{
    if (!s) return;
    memset(s, 0, T * sizeof *s);
    for (size_t k = 0; k < sizeof pulses / sizeof pulses[0]; k++)
        for (size_t t = pulses[k].begin; t < min_size(pulses[k].end, T); t++) s[t] = pulses[k].value;
    const double step = RAMP_STOP / (double)(RAMP_LEN - 1);
    for (size_t j = 0; j < RAMP_LEN && RAMP_BEGIN + j < T; j++)
        s[RAMP_BEGIN + j] = j == RAMP_LEN - 1 ? -RAMP_STOP : -((double)j * step);
}
