/* BPTT optimizers with PyTorch's semantics (torch.optim.SGD and Adam with
 * their defaults otherwise: no dampening, no Nesterov, no weight decay, no
 * AMSGrad), so that the reference script's training (SPEC.md §4.7: SGD,
 * lr 0.01, momentum 0.9) is reproduced step for step.
 *
 *   SGD:  v <- momentum v + g (v starts at 0, so the first step has v = g);
 *         w <- w - lr v
 *   Adam: m <- beta1 m + (1 - beta1) g;  s <- beta2 s + (1 - beta2) g^2;
 *         w <- w - (lr / (1 - beta1^t)) m / (sqrt(s) / sqrt(1 - beta2^t) + eps)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "fit/bptt_internal.h"

/* po_optimizer_name, po_optimizer_from_name */
PO_DEFINE_NAMES(po_optimizer, PO_OPTIMIZER_LIST, optimizer_names, "optimizer")

po_status bptt_optim_init(bptt_optim *o, const po_bptt_opts *opts, size_t n)
{
    memset(o, 0, sizeof *o);
    o->kind = opts->optimizer;
    o->lr = opts->lr;
    o->momentum = opts->momentum;
    o->beta1 = opts->beta1;
    o->beta2 = opts->beta2;
    o->eps = opts->eps;
    o->n = n;
    o->m = po_alloc_doubles(n, true);
    if (o->kind == PO_OPT_ADAM) o->v = po_alloc_doubles(n, true);
    if (!o->m || (o->kind == PO_OPT_ADAM && !o->v)) {
        bptt_optim_free(o);
        return po_error(PO_ENOMEM, "BPTT optimizer state for %zu weights", n);
    }
    return PO_OK;
}

void bptt_optim_free(bptt_optim *o)
{
    free(o->m);
    free(o->v);
    o->m = o->v = NULL;
}

void bptt_optim_step(bptt_optim *o, double *w, const double *g)
{
    o->t++;
    if (o->kind == PO_OPT_SGD) {
        for (size_t i = 0; i < o->n; i++) {
            o->m[i] = o->momentum * o->m[i] + g[i];
            w[i] -= o->lr * o->m[i];
        }
        return;
    }
    double t = (double)o->t;
    double step = o->lr / (1.0 - pow(o->beta1, t));
    double bc2 = sqrt(1.0 - pow(o->beta2, t));
    for (size_t i = 0; i < o->n; i++) {
        o->m[i] = o->beta1 * o->m[i] + (1.0 - o->beta1) * g[i];
        o->v[i] = o->beta2 * o->v[i] + (1.0 - o->beta2) * g[i] * g[i];
        w[i] -= step * o->m[i] / (sqrt(o->v[i]) / bc2 + o->eps);
    }
}
