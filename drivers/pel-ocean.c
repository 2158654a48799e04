/* pel-ocean: the single-layer shallow-water ocean (the ocean component,
 * kernels/ocean) on a beta-plane C-grid basin, with its invariants (mass,
 * heat budget, energy, CFL, finiteness), checkpoints and restart. */
#include <config.h>

#include <float.h>

#include "common/driver.h"

extern const char pel_ocean_defaults[];

static const pel_cfg_key ocean_keys[] = {
    {"ocean", "grid", PEL_CFG_GRID, 4, 1e6, NULL, "cells NXxNY (x eastward first, then y northward)"},
    {"ocean", "length_x", PEL_CFG_REAL, 1e-3, 1e12, NULL, "basin extent along x (m)"},
    {"ocean", "length_y", PEL_CFG_REAL, 1e-3, 1e12, NULL, "basin extent along y (m)"},
    {"ocean", "bc_x", PEL_CFG_ENUM, 0, 0, "wall|periodic", "west/east boundaries"},
    {"ocean", "bc_y", PEL_CFG_ENUM, 0, 0, "wall|periodic", "south/north boundaries"},
    {"ocean", "equations", PEL_CFG_ENUM, 0, 0, "linear|nonlinear", "shallow-water equations"},
    {"ocean", "depth", PEL_CFG_REAL, 1e-3, 1e6, NULL, "resting depth H (m)"},
    {"ocean", "gravity", PEL_CFG_REAL, 1e-6, 1e6, NULL, "g (m/s2); a reduced gravity is a smaller g"},
    {"ocean", "f0", PEL_CFG_REAL, -1, 1, NULL, "Coriolis parameter at y = 0 (1/s)"},
    {"ocean", "beta", PEL_CFG_REAL, -1e-3, 1e-3, NULL, "df/dy (1/(m s))"},
    {"ocean", "rho0", PEL_CFG_REAL, 1e-3, 1e5, NULL, "reference density (kg/m3)"},
    {"ocean", "cp", PEL_CFG_REAL, 1e-3, 1e6, NULL, "specific heat (J/(kg K))"},
    {"ocean", "drag", PEL_CFG_REAL, 0, 1e3, NULL, "linear bottom drag R (m/s), R/H on velocity"},
    {"ocean", "viscosity", PEL_CFG_REAL, 0, 1e12, NULL, "lateral viscosity (m2/s)"},
    {"ocean", "tau0", PEL_CFG_REAL, -1e3, 1e3, NULL, "wind stress tau_x = -tau0 cos(pi y/Ly) (N/m2)"},
    {"ocean", "heat_flux", PEL_CFG_REAL, -1e5, 1e5, NULL, "surface heat flux F = heat_flux cos(pi y/Ly) (W/m2)"},
    {"ocean", "speed", PEL_CFG_REAL, 0, 1e4, NULL, "largest current expected (m/s), for the CFL check"},
    {"ocean", "dt", PEL_CFG_REAL, DBL_MIN, 1e12, NULL, "time step (s), within the RK3 stability limit"},
    {"ocean", "init", PEL_CFG_ENUM, 0, 0, "rest|mode|bump", "initial state"},
    {"ocean", "mode_x", PEL_CFG_INT, 0, 1e6, NULL, "wave number along x (init = mode)"},
    {"ocean", "mode_y", PEL_CFG_INT, 0, 1e6, NULL, "wave number along y (init = mode)"},
    {"ocean", "amplitude", PEL_CFG_REAL, -1e6, 1e6, NULL, "initial eta amplitude (m)"},
    {"ocean", "sst_south", PEL_CFG_REAL, -1e3, 1e3, NULL, "initial SST at the south edge"},
    {"ocean", "sst_north", PEL_CFG_REAL, -1e3, 1e3, NULL, "initial SST at the north edge"},
    PEL_CFG_END};

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    pel_ocean_params *p = out;
    size_t n[3] = {0, 0, 0};
    int dim = pel_config_grid(cfg, "ocean", "grid", n);
    if (dim != 2)
        return pel_error(ctx, PEL_ECONFIG, "%s: [ocean] grid = %zux%zux%zu: the ocean grid is NXxNY (2D)",
                         pel_config_origin(cfg, "ocean", "grid"), n[0], n[1], n[2]);
    pel_ocean_params_default(p);
    p->nx = n[0], p->ny = n[1];
    p->dx = pel_config_real(cfg, "ocean", "length_x") / (double)n[0];
    p->dy = pel_config_real(cfg, "ocean", "length_y") / (double)n[1];
    p->bc_x = pel_config_enum(cfg, "ocean", "bc_x") ? PEL_OCEAN_PERIODIC : PEL_OCEAN_WALL;
    p->bc_y = pel_config_enum(cfg, "ocean", "bc_y") ? PEL_OCEAN_PERIODIC : PEL_OCEAN_WALL;
    p->equations = pel_config_enum(cfg, "ocean", "equations") ? PEL_OCEAN_NONLINEAR : PEL_OCEAN_LINEAR;
    p->depth = pel_config_real(cfg, "ocean", "depth");
    p->gravity = pel_config_real(cfg, "ocean", "gravity");
    p->f0 = pel_config_real(cfg, "ocean", "f0");
    p->beta = pel_config_real(cfg, "ocean", "beta");
    p->rho0 = pel_config_real(cfg, "ocean", "rho0");
    p->cp = pel_config_real(cfg, "ocean", "cp");
    p->drag = pel_config_real(cfg, "ocean", "drag");
    p->viscosity = pel_config_real(cfg, "ocean", "viscosity");
    p->tau0 = pel_config_real(cfg, "ocean", "tau0");
    p->heat_flux = pel_config_real(cfg, "ocean", "heat_flux");
    p->speed = pel_config_real(cfg, "ocean", "speed");
    p->dt = pel_config_real(cfg, "ocean", "dt");
    p->init = (pel_ocean_init)pel_config_enum(cfg, "ocean", "init");
    p->mode[0] = (int)pel_config_int(cfg, "ocean", "mode_x");
    p->mode[1] = (int)pel_config_int(cfg, "ocean", "mode_y");
    p->amplitude = pel_config_real(cfg, "ocean", "amplitude");
    p->sst_south = pel_config_real(cfg, "ocean", "sst_south");
    p->sst_north = pel_config_real(cfg, "ocean", "sst_north");
    return PEL_OK;
}

/* Cell updates per second (one cell's eta, u, v and SST advanced one RK3
 * step), and the effective bandwidth at PEL_OCEAN_BYTES_PER_CELL (331) bytes
 * per cell update (docs/ocean.md: the traffic of three stage passes). */
static int rates(const void *params, long steps, double seconds, pel_run_rate *out)
{
    const pel_ocean_params *p = params;
    double ups = seconds > 0 ? (double)p->nx * (double)p->ny * (double)steps / seconds : 0.0;
    out[0] = (pel_run_rate){"cell updates", ups * 1e-6, "Mcell/s"};
    out[1] = (pel_run_rate){"effective bandwidth", PEL_OCEAN_BYTES_PER_CELL * ups * 1e-9, "GB/s"};
    return 2;
}

static const pel_driver ocean_driver = {
    .name = "pel-ocean",
    .purpose = "Shallow-water ocean on a beta-plane C-grid basin (Stommel's gyre by default), with SST.",
    .defaults = pel_ocean_defaults,
    .schema = ocean_keys,
    .component = &pel_ocean_component,
    .params = params,
    .rates = rates,
    .checkpoints = 1,
};

int main(int argc, char **argv) { return pel_driver_main(&ocean_driver, argc, argv); }
