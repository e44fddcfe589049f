/* partobs-report: figures (PLplot), the paper's experiments and JSON reports,
 * built on the numerics. Umbrella header of libpartobs-report
 * (`pkg-config --cflags --libs partobs-report`), which depends on libpartobs;
 * it includes partobs.h. See docs/api.md. */
#ifndef PARTOBS_PARTOBS_REPORT_H
#define PARTOBS_PARTOBS_REPORT_H

#include "partobs/partobs.h"
#include "partobs/plot.h"
#include "partobs/experiments.h"
#include "partobs/report.h"

#endif
