/* pel-poisson: periodic Poisson solves with FFTW (the poisson component,
 * kernels/poisson) on a manufactured problem whose exact solution is known. */
#include <config.h>

#include <math.h>

#include "common/driver.h"

extern const char pel_poisson_defaults[];

static const pel_cfg_key poisson_keys[] = {
    {"poisson", "grid", PEL_CFG_GRID, 2, 1e6, NULL, "points per period, NxM (2D) or NxMxK (3D)"},
    {"poisson", "length", PEL_CFG_REAL, 1e-300, 1e300, NULL, "period in every dimension"},
    {"poisson", "laplacian", PEL_CFG_ENUM, 0, 0, "spectral|fd2", "symbol inverted: spectral or 2nd-order stencil"},
    {"poisson", "wisdom", PEL_CFG_INPUT, 0, 0, NULL, "FFTW wisdom file to import (empty: none)"},
    PEL_CFG_END};

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    /* the checks compare a solve's result with the exact solution: with no
     * solve there is nothing to compare (the zero field would FAIL them) */
    if (pel_config_int(cfg, "run", "steps") < 1)
        return pel_error(ctx, PEL_EINVAL, "[run] steps = 0: pel-poisson verifies its solves, give at least 1");
    pel_poisson_params *p = out;
    size_t n[3] = {1, 1, 1};
    int dim = pel_config_grid(cfg, "poisson", "grid", n);
    pel_poisson_params_default(p, dim);
    for (int d = 0; d < 3; d++) {
        p->n[d] = d < dim ? n[d] : 1;
        p->length[d] = pel_config_real(cfg, "poisson", "length");
    }
    p->laplacian = pel_config_enum(cfg, "poisson", "laplacian") ? PEL_LAPLACIAN_FD2 : PEL_LAPLACIAN_SPECTRAL;
    const char *wisdom = pel_config_string(cfg, "poisson", "wisdom");
    p->wisdom_file = *wisdom ? wisdom : NULL;
    return PEL_OK;
}

/* FFTW's convention: a real transform of N points costs 2.5 N log2 N flops;
 * a solve does one forward and one backward transform. */
static int rates(const void *params, long nsolves, double seconds, pel_run_rate *out)
{
    const pel_poisson_params *p = params;
    double N = 1.0;
    for (int d = 0; d < p->dim; d++) N *= (double)p->n[d];
    double per = seconds > 0 ? (double)nsolves / seconds : 0.0;
    out[0] = (pel_run_rate){"solves", per, "solve/s"};
    out[1] = (pel_run_rate){"transform rate", per * 5.0 * N * log2(N) * 1e-9, "GFLOP/s"};
    return 2;
}

static const pel_driver poisson_driver = {
    .name = "pel-poisson",
    .purpose = "Periodic Poisson solves with FFTW, verified against a manufactured solution.",
    .defaults = pel_poisson_defaults,
    .schema = poisson_keys,
    .component = &pel_poisson_component,
    .params = params,
    .rates = rates,
};

int main(int argc, char **argv) { return pel_driver_main(&poisson_driver, argc, argv); }
