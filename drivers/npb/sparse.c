/* NPB CG: inverse power iteration with 25 CG iterations per step on makea's
 * matrix (kernels/sparse, pel_sparse_component); niter steps.  Mop/s: NPB's
 * count (pel_sparse_npb_flops) / seconds / 1e6.  Bytes per step for the
 * roofline: the sparse component's "step_bytes", 26 products at
 * pel_sparse_csr_spmv_bytes of makea's matrix (docs/sparse.md). */
#include <config.h>

#include "npb/npb.h"

static double step_bytes(pel_component *comp)
{
    pel_field f;
    if (pel_component_export(comp, "step_bytes", &f) || f.type != PEL_F64 || pel_field_count(&f) != 1) return 0.0;
    return *(const double *)f.data;
}

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_sparse_npb p;
    pel_status st = pel_sparse_npb_class(ctx, cls, &p);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    char size[32];
    snprintf(size, sizeof size, "%lld", (long long)p.na);
    npb_describe(c, p.niter, size, p.niter, "floating point", pel_sparse_npb_flops(&p));
    c->step_bytes = step_bytes;
    return PEL_OK;
}

const pel_suite_problem npb_cg = {"cg", "CG", &pel_sparse_component, setup};
