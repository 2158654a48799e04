/* pel-land: the land surface alone (the land component, kernels/land): bucket
 * hydrology and a slab soil temperature under constant forcing, verified
 * against the bucket's closed form and exact water and heat budgets, with
 * checkpoints and restart. */
#include <config.h>

#include "common/driver.h"

extern const char pel_land_defaults[];

static const pel_cfg_key land_keys[] = {
    {"land", "grid", PEL_CFG_GRID, 1, 1e6, NULL, "cells NXxNY of the equal-area grid (NX = 2 NY to fit a mask)"},
    {"land", "mask", PEL_CFG_INPUT, 0, 0, NULL, "land/ocean mask file (docs/land.md; empty: every cell is land)"},
    {"land", "dt", PEL_CFG_REAL, 1e-3, 1e9, NULL, "time step, s"},
    {"land", "w_fc", PEL_CFG_REAL, 1e-6, 1e3, NULL, "field capacity of the bucket, m of water"},
    {"land", "crit", PEL_CFG_REAL, 1e-6, 1, NULL, "fraction of w_fc above which evaporation is at the potential rate"},
    {"land", "heat_capacity", PEL_CFG_REAL, 1, 1e12, NULL, "soil heat capacity C_s, J/m^2/K"},
    {"land", "w0", PEL_CFG_REAL, 0, 1e3, NULL, "initial soil water, m (at most w_fc)"},
    {"land", "t0", PEL_CFG_REAL, 1, 1e4, NULL, "initial soil temperature, K"},
    {"land", "precip_mm_day", PEL_CFG_REAL, 0, 86400, NULL, "precipitation P, mm/day (kg/m^2/day)"},
    {"land", "pet_mm_day", PEL_CFG_REAL, 0, 86400, NULL, "potential evaporation E_p, mm/day"},
    {"land", "heat_flux", PEL_CFG_REAL, -1e6, 1e6, NULL, "net surface heat flux into the soil, W/m^2"},
    {"land", "latent_heat", PEL_CFG_BOOL, 0, 0, NULL, "the soil also loses the latent heat L_v E of its evaporation"},
    PEL_CFG_END};

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    pel_land_params *p = out;
    size_t n[3] = {1, 1, 1};
    if (pel_config_grid(cfg, "land", "grid", n) != 2)
        return pel_error(ctx, PEL_ECONFIG, "%s: [land] grid = %zux%zux%zu: the land grid is 2D, NXxNY",
                         pel_config_origin(cfg, "land", "grid"), n[0], n[1], n[2]);
    p->nx = n[0];
    p->ny = n[1];
    const char *mask = pel_config_string(cfg, "land", "mask");
    p->mask_path = *mask ? mask : NULL;
    p->dt = pel_config_real(cfg, "land", "dt");
    p->w_fc = pel_config_real(cfg, "land", "w_fc");
    p->crit = pel_config_real(cfg, "land", "crit");
    p->heat_capacity = pel_config_real(cfg, "land", "heat_capacity");
    p->w0 = pel_config_real(cfg, "land", "w0");
    p->t0 = pel_config_real(cfg, "land", "t0");
    p->precip = pel_config_real(cfg, "land", "precip_mm_day") / PEL_LAND_DAY;
    p->pet = pel_config_real(cfg, "land", "pet_mm_day") / PEL_LAND_DAY;
    p->heat_flux = pel_config_real(cfg, "land", "heat_flux");
    p->latent_heat = pel_config_bool(cfg, "land", "latent_heat");
    return PEL_OK;
}

/* Cell updates per second: every cell of the grid per step (ocean cells,
 * which are skipped, included). */
static int rates(const void *params, long steps, double seconds, pel_run_rate *out)
{
    const pel_land_params *p = params;
    double cells = (double)p->nx * (double)p->ny;
    out[0] = (pel_run_rate){"cell updates", seconds > 0 ? cells * (double)steps / seconds * 1e-6 : 0.0, "Mcell/s"};
    return 1;
}

static const pel_driver land_driver = {
    .name = "pel-land",
    .purpose = "Bucket hydrology and soil heat on the land cells of a mask, verified against closed forms and budgets.",
    .defaults = pel_land_defaults,
    .schema = land_keys,
    .component = &pel_land_component,
    .params = params,
    .rates = rates,
    .checkpoints = 1,
};

int main(int argc, char **argv) { return pel_driver_main(&land_driver, argc, argv); }
