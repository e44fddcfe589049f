/* partobs: data-constrained models of neural dynamics under partial
 * observation. Umbrella header of the numerics library libpartobs
 * (`pkg-config --cflags --libs partobs`): include this one. Figures,
 * experiments and JSON reports are in libpartobs-report (partobs-report.h).
 * See README.md and docs/api.md. */
#ifndef PARTOBS_PARTOBS_H
#define PARTOBS_PARTOBS_H

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/rng.h"
#include "partobs/npy.h"
#include "partobs/version.h"
#include "partobs/teacher.h"
#include "partobs/sim.h"
#include "partobs/task.h"
#include "partobs/fit.h"
#include "partobs/dyn.h"
#include "partobs/theory.h"
#include "partobs/attractors.h"
#include "partobs/diagnose.h"

#endif
