/* NPB EP: 2^(M+1) uniform numbers, Gaussian pairs and their annulus counts
 * (kernels/gauss, pel_gauss_component); the whole run is one step.  Mop/s:
 * 2^(M+1) / seconds / 1e6, NPB's figure. */
#include <config.h>

#include <math.h>

#include "npb/npb.h"

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_gauss_npb g;
    pel_status st = pel_gauss_npb_class(ctx, cls, &g);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    double nrand = ldexp(1.0, g.m + 1);
    char size[32];
    snprintf(size, sizeof size, "%.0f", nrand);
    npb_describe(c, 1, size, 0, "Random numbers generated", nrand); /* NPB's Iterations for EP: 0 */
    return PEL_OK;
}

const pel_suite_problem npb_ep = {"ep", "EP", &pel_gauss_component, setup};
