/* NPB FT: spectral diffusion of NPB's random complex field with a checksum
 * per time step (kernels/diffusion, pel_diffusion_component); niter steps,
 * the first starting with NPB's timed initial condition and forward FFT.
 * Mop/s: NPB 3.3.1 FT/ft.f's count for ntotal points and niter steps.
 * Roofline bytes per step, a lower bound: the evolution reads u0 and writes
 * u1 (16-byte complex points), and the inverse transform reads and writes
 * the field at least twice (a 3D transform larger than the cache takes two
 * passes or more): 96 bytes per point. */
#include <config.h>

#include <math.h>

#include "npb/npb.h"

static pel_status setup(pel_context *ctx, char cls, void *params, pel_suite_case *c)
{
    pel_diffusion_npb p;
    pel_status st = pel_diffusion_npb_class(ctx, cls, &p);
    if (st) return st;
    ((pel_npb_component_params *)params)->cls = cls;
    char size[64];
    /* NPB's nx x ny x nz: n[2] x n[1] x n[0] */
    snprintf(size, sizeof size, "%zux%zux%zu", p.params.n[2], p.params.n[1], p.params.n[0]);
    double nt = (double)p.params.n[2] * (double)p.params.n[1] * (double)p.params.n[0], ln = log(nt);
    npb_describe(c, p.niter, size, p.niter, "floating point",
                 nt * (14.8157 + 7.19641 * ln + (5.23518 + 7.21113 * ln) * p.niter));
    c->bytes = 96.0 * nt;
    return PEL_OK;
}

const pel_suite_problem npb_ft = {"ft", "FT", &pel_diffusion_component, setup};
