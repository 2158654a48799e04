/* NPB CG: inverse power iteration with 25 CG iterations per step on makea's
 * matrix (kernels/sparse, pel_sparse_component); niter steps.  Mop/s: NPB's
 * count (pel_sparse_npb_flops) / seconds / 1e6. */
#include <config.h>

#include "npb/npb.h"

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_sparse_npb p;
    pel_status st = pel_sparse_npb_class(ctx, cls, &p);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    char size[32];
    snprintf(size, sizeof size, "%lld", (long long)p.na);
    npb_describe(c, p.niter, size, p.niter, "floating point", pel_sparse_npb_flops(&p));
    return PEL_OK;
}

const pel_suite_problem npb_cg = {"cg", "CG", &pel_sparse_component, setup};
