/* NPB IS: key changes, rankings and partial verifications (kernels/sort,
 * pel_sort_component); 10 steps, then the full verification (untimed, in
 * verify).  Mop/s: iterations * keys / seconds / 1e6, NPB's figure.
 * Roofline bytes per step: the keys read once, 4 bytes each (the ranking's
 * one pass over memory; its histograms stay in cache: docs/sort.md). */
#include <config.h>

#include "npb/npb.h"

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_sort_npb p;
    pel_status st = pel_sort_npb_class(ctx, cls, &p);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    char size[32];
    snprintf(size, sizeof size, "%zu", p.total_keys);
    npb_describe(c, p.iterations, size, p.iterations, "keys ranked", (double)p.iterations * (double)p.total_keys);
    c->bytes = 4.0 * (double)p.total_keys;
    return PEL_OK;
}

const pel_suite_problem npb_is = {"is", "IS", &pel_sort_component, setup};
