/* NPB MG: V-cycles on zran3's problem (kernels/mg, pel_mg_component); nit
 * steps, run as one batch.  Mop/s: 58 * nit * nx*ny*nz / seconds / 1e6,
 * NPB's count.  Roofline bytes per step: the finest grid's sweeps of NPB's
 * V-cycle and residual, 8 bytes per point per array read or written:
 * restriction (r read), interpolation (u read and written), smoothing (r
 * read, u read and written), two residuals (u, v read, r written): 12
 * arrays, 96 bytes per point; the coarser grids (1/7 more) are not counted. */
#include <config.h>

#include "npb/npb.h"

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_mg_npb p;
    pel_status st = pel_mg_npb_class(ctx, cls, &p);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    char size[64];
    snprintf(size, sizeof size, "%zux%zux%zu", p.n, p.n, p.n);
    double points = (double)p.n * (double)p.n * (double)p.n;
    npb_describe(c, p.iterations, size, p.iterations, "floating point", 58.0 * (double)p.iterations * points);
    c->bytes = 96.0 * points;
    return PEL_OK;
}

const pel_suite_problem npb_mg = {"mg", "MG", &pel_mg_component, setup};
