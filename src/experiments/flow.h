/* Linear flow fields in the PC1-PC2 plane of activity (SPEC.md §5 "PCA flow
 * fields"), shared by Fig 2 (teachers and MAP students) and Fig 1 (the
 * teacher and the LDS latents). Private to src/experiments. */
#ifndef PO_EXPERIMENTS_FLOW_H
#define PO_EXPERIMENTS_FLOW_H

#include <cjson/cJSON.h>

#include "partobs/mat.h"
#include "partobs/plot.h"

enum { EXP_FLOW_ARROWS = 12, EXP_FLOW_SHADE = 60, EXP_FLOW_SCATTER = 1500 };

typedef struct exp_flow {
    double xs[EXP_FLOW_SHADE], ys[EXP_FLOW_SHADE], speed[EXP_FLOW_SHADE * EXP_FLOW_SHADE];
    double ax[EXP_FLOW_ARROWS * EXP_FLOW_ARROWS], ay[EXP_FLOW_ARROWS * EXP_FLOW_ARROWS];
    double au[EXP_FLOW_ARROWS * EXP_FLOW_ARROWS], av[EXP_FLOW_ARROWS * EXP_FLOW_ARROWS];
    double px[EXP_FLOW_SCATTER], py[EXP_FLOW_SCATTER], pt[EXP_FLOW_SCATTER];
    size_t np;
    double var_frac[2]; /* PC1, PC2 share of the activity variance */
} exp_flow;

/* The flow (W - I) x of W (n x n) on the PC1-PC2 plane of activity X
 * (T x n, T >= 20) into fl (caller-allocated; it is large, so heap it). */
po_status exp_flow_field(const po_mat *W, const po_mat *X, exp_flow *fl);

/* Shading |flow|^(1/10), arrows and the activity coloured by time. */
po_status exp_flow_panel(po_panel *p, const exp_flow *fl);

/* The grids, shading and arrows of fl as a JSON object. */
cJSON *exp_flow_json(const exp_flow *fl);

#endif
