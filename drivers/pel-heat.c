/* pel-heat: explicit heat diffusion in 2D or 3D (the heat component,
 * kernels/heat), with verification against the discrete and continuum
 * solutions, checkpoints and restart. */
#include <config.h>

#include <float.h>

#include "common/driver.h"

extern const char pel_heat_defaults[];

static const pel_cfg_key heat_keys[] = {
    {"heat", "grid", PEL_CFG_GRID, 3, 1e6, NULL, "grid points, NxM (2D) or NxMxK (3D)"},
    {"heat", "length", PEL_CFG_REAL, 1e-300, 1e300, NULL, "extent of the box per dimension"},
    {"heat", "alpha", PEL_CFG_REAL, 1e-300, 1e300, NULL, "diffusivity"},
    {"heat", "dt", PEL_CFG_REAL, DBL_MIN, 1e300, NULL, "time step (stable while sum alpha*dt/h^2 <= 1/2)"},
    {"heat", "bc", PEL_CFG_ENUM, 0, 0, "dirichlet|periodic", "boundary condition"},
    {"heat", "init", PEL_CFG_ENUM, 0, 0, "mode|random", "initial condition"},
    {"heat", "mode", PEL_CFG_INT, 1, 1e6, NULL, "mode number p in every dimension (init = mode)"},
    {"heat", "amplitude", PEL_CFG_REAL, -1e300, 1e300, NULL, "amplitude of the initial perturbation"},
    {"heat", "offset", PEL_CFG_REAL, -1e300, 1e300, NULL, "constant added to the initial field"},
    {"heat", "seed", PEL_CFG_INT, 0, 4294967295.0, NULL, "Philox seed (init = random)"},
    PEL_CFG_END};

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    (void)ctx;
    pel_heat_params *p = out;
    size_t n[3] = {0, 0, 0};
    int dim = pel_config_grid(cfg, "heat", "grid", n);
    pel_heat_params_default(p, dim);
    for (int d = 0; d < 3; d++) {
        p->n[d] = d < dim ? n[d] : 1;
        p->length[d] = pel_config_real(cfg, "heat", "length");
        p->mode[d] = (int)pel_config_int(cfg, "heat", "mode");
    }
    p->alpha = pel_config_real(cfg, "heat", "alpha");
    p->dt = pel_config_real(cfg, "heat", "dt");
    p->bc = pel_config_enum(cfg, "heat", "bc") ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
    p->init = pel_config_enum(cfg, "heat", "init") ? PEL_HEAT_INIT_RANDOM : PEL_HEAT_INIT_MODE;
    p->amplitude = pel_config_real(cfg, "heat", "amplitude");
    p->offset = pel_config_real(cfg, "heat", "offset");
    p->seed = (uint32_t)pel_config_int(cfg, "heat", "seed");
    return PEL_OK;
}

/* Point updates per second, and the effective bandwidth at 16 bytes per
 * update (one read, one write: the minimum traffic of a stencil sweep). */
static int rates(const void *params, long steps, double seconds, pel_run_rate *out)
{
    const pel_heat_params *p = params;
    double pts = 1.0;
    for (int d = 0; d < p->dim; d++) pts *= (double)(p->bc == PEL_BC_DIRICHLET ? p->n[d] - 2 : p->n[d]);
    double ups = seconds > 0 ? pts * (double)steps / seconds : 0.0;
    out[0] = (pel_run_rate){"point updates", ups * 1e-6, "Mpoint/s"};
    out[1] = (pel_run_rate){"effective bandwidth", 16.0 * ups * 1e-9, "GB/s"};
    return 2;
}

static const pel_driver heat_driver = {
    .name = "pel-heat",
    .purpose = "Explicit (FTCS) heat diffusion in 2D or 3D, verified against closed-form solutions.",
    .defaults = pel_heat_defaults,
    .schema = heat_keys,
    .component = &pel_heat_component,
    .params = params,
    .rates = rates,
    .checkpoints = 1,
};

int main(int argc, char **argv) { return pel_driver_main(&heat_driver, argc, argv); }
