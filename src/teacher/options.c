/* Generator names, default options and option validation (SPEC.md §2). */
#include <math.h>
#include <string.h>

#include "partobs/teacher.h"

#include "core/names.h"

PO_DEFINE_NAMES(po_net, PO_NET_LIST, net_names, "generator") /* po_net_name, po_net_from_name */

po_teacher_opts po_teacher_opts_defaults(po_net net, size_t D)
{
    /* Fields a generator does not use keep these values too, so that every
     * field is always defined and valid. */
    po_teacher_opts o = {
        .net = net,
        .D = D,
        .scale = 1.0,
        .self_loops = true,
        .diagonal_comp = 0.0,
        .use_schur = false,
        .skip_interval = 0,
        .skip_scale = 0.5,
        .rank = 2,
        .shift_scale = 12.0,
        .max_eval = 0.999,
        .min_eval = 0.2,
        .diagonal = false,
        .transforms = 0,
    };
    switch (net) {
    case PO_NET_GAUSSIAN: o.scale = 0.8; break;
    case PO_NET_SYMMETRIC:
    case PO_NET_LINE_ATTRACTOR: o.scale = 0.6; break;
    case PO_NET_TRIANGULAR: o.scale = 3.0; break;
    default: break; /* chain, lowrank, lowrank-random: 1; the others ignore scale */
    }
    return o;
}

static bool is_std_scale(po_net net)
{
    return net == PO_NET_GAUSSIAN || net == PO_NET_SYMMETRIC || net == PO_NET_LINE_ATTRACTOR ||
           net == PO_NET_TRIANGULAR || net == PO_NET_LOWRANK;
}

const char *po_teacher_opts_check(const po_teacher_opts *o)
{
    if (!o) return "options are NULL";
    if ((unsigned)o->net >= PO_NET_COUNT_) return "unknown generator";
    if (o->D < 1) return "D must be at least 1";
    if (!isfinite(o->scale) || !isfinite(o->diagonal_comp) || !isfinite(o->skip_scale) ||
        !isfinite(o->shift_scale) || !isfinite(o->max_eval) || !isfinite(o->min_eval))
        return "scale, diagonal_comp, skip_scale, shift_scale, max_eval and min_eval must be "
               "finite";
    if (o->transforms & ~(unsigned)(PO_TRANSFORM_ORTHO | PO_TRANSFORM_PERM |
                                    PO_TRANSFORM_SIMILARITY))
        return "unknown transform flag";
    /* gaussian/symmetric/triangular: a standard deviation; lowrank: gamma^2 = D scale / sqrt(r). */
    if (is_std_scale(o->net) && o->scale < 0.0)
        return "scale must be >= 0 for gaussian, symmetric, line-attractor, triangular and lowrank";
    switch (o->net) {
    case PO_NET_CHAIN:
        /* Skip columns are 1 + k * skip_interval (k >= 1) and must exist. */
        if (o->skip_interval > 0 && (o->D < 3 || o->skip_interval > o->D - 2))
            return "skip_interval must be 0 (no skips) or between 1 and D-2 for chain";
        break;
    case PO_NET_LOWRANK:
        if (o->rank < 1 || o->rank > o->D / 2)
            return "rank must be between 1 and D/2 for lowrank (M and N are 2*rank orthogonal "
                   "columns)";
        break;
    case PO_NET_LOWRANK_OSC:
        if (o->rank != 2) return "rank must be 2 for lowrank-osc (the overlap matrix is 2 x 2)";
        if (o->D < 2) return "D must be at least 2 for lowrank-osc";
        if (o->shift_scale < 0.0) return "shift_scale must be >= 0 for lowrank-osc";
        break;
    case PO_NET_LOWRANK_NORMAL:
    case PO_NET_LOWRANK_RANDOM:
        if (o->rank < 1 || o->rank > o->D)
            return "rank must be between 1 and D for lowrank-normal and lowrank-random";
        break;
    default: break;
    }
    return NULL;
}
