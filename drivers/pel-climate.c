/* pel-climate: the coupled atmosphere-ocean-land model (kernels/climate):
 * the three components advanced at the same time, as tasks or as nested
 * teams on disjoint thread sets, coupled by a conservative coupler with
 * closed heat and water budgets; checkpoints, restart and baselines from the
 * common run loop. */
#include <config.h>

#include <math.h>
#include <omp.h>
#include <string.h>

#include "climate/history.h"
#include "common/driver.h"

extern const char pel_climate_defaults[];

static const pel_cfg_key climate_keys[] = {
    {"climate", "bands", PEL_CFG_INT, 2, 4096, NULL, "atmosphere bands (uniform in sin(latitude)); 2 x as many longitudes"},
    {"climate", "ratio", PEL_CFG_INT, 1, 64, NULL, "ocean and land grid: the atmosphere's refined by this ratio"},
    {"climate", "mask", PEL_CFG_INPUT, 0, 0, NULL, "land mask for the ocean/land grid (docs/land.md); empty: aquaplanet"},
    {"climate", "coupling_dt", PEL_CFG_REAL, 1, 1e8, NULL, "coupling interval = atmosphere and land step, s"},
    {"climate", "ocean_every", PEL_CFG_INT, 1, 1e6, NULL, "the ocean couples every this many intervals (mean forcing)"},
    {"climate", "ocean_dt", PEL_CFG_REAL, 1e-3, 1e8, NULL, "ocean step, s: must divide coupling_dt"},
    {"climate", "exchange", PEL_CFG_REAL, 0, 1e4, NULL, "surface-air heat exchange coefficient gamma, W/m^2/K"},
    {"climate", "evap_days", PEL_CFG_REAL, 1e-6, 1e9, NULL, "evaporation time scale 1/ce, days"},
    {"climate", "wind_drag", PEL_CFG_REAL, 0, 1e3, NULL, "rho_air C_d for the wind stress on the ocean, kg/m^3 (0: none)"},
    {"climate", "history", PEL_CFG_PATH, 0, 0, NULL, "write daily and monthly means to PREFIX.daily.nc and PREFIX.monthly.nc (empty: none)"},
    {"climate", "check_ncc81", PEL_CFG_BOOL, 0, 0, NULL, "verify the NCC81 steady state (no ocean transport): its global mean, and with ice its edge"},
    {"atmosphere", "Q", PEL_CFG_REAL, 0, 1e4, NULL, "insolation Q/4, W/m^2 (NCC81: 334.4)"},
    {"atmosphere", "ice_albedo", PEL_CFG_BOOL, 0, 0, NULL, "ice-albedo feedback"},
    {"atmosphere", "heat_capacity", PEL_CFG_REAL, 1, 1e12, NULL, "atmosphere heat capacity C, J/m^2/K"},
    {"atmosphere", "wind", PEL_CFG_REAL, -300, 300, NULL, "zonal wind at the equator, m/s (vapour transport, wind stress)"},
    {"atmosphere", "vapour", PEL_CFG_BOOL, 0, 0, NULL, "step the vapour tracer"},
    {"atmosphere", "T_init", PEL_CFG_REAL, -100, 100, NULL, "initial temperature, C"},
    {"ocean", "depth", PEL_CFG_REAL, 1e-3, 1e4, NULL, "layer depth H, m (its heat capacity rho0 cp H)"},
    {"ocean", "equations", PEL_CFG_ENUM, 0, 0, "linear|nonlinear", "shallow-water equations"},
    {"ocean", "drag", PEL_CFG_REAL, 0, 1, NULL, "bottom drag R, m/s (R/H on velocity)"},
    {"ocean", "viscosity", PEL_CFG_REAL, 0, 1e9, NULL, "lateral viscosity, m^2/s"},
    {"ocean", "sst_init", PEL_CFG_REAL, -2, 40, NULL, "initial SST, C"},
    {"land", "heat_capacity", PEL_CFG_REAL, 1, 1e12, NULL, "soil heat capacity, J/m^2/K"},
    {"land", "w0", PEL_CFG_REAL, 0, 1, NULL, "initial soil water, m"},
    {"land", "t0", PEL_CFG_REAL, -100, 100, NULL, "initial soil temperature, C"},
    {"layout", "mode", PEL_CFG_ENUM, 0, 0, "sequential|tasks|teams", "how the components share the threads"},
    {"layout", "atmosphere", PEL_CFG_INT, 0, 4096, NULL, "threads of the atmosphere (teams; 0: an even share)"},
    {"layout", "ocean", PEL_CFG_INT, 0, 4096, NULL, "threads of the ocean (teams; 0: an even share)"},
    {"layout", "land", PEL_CFG_INT, 0, 4096, NULL, "threads of the land (teams; 0: an even share)"},
    {"layout", "rebalance_every", PEL_CFG_INT, 0, 1e9, NULL, "re-layout by measured cost every this many intervals (teams; 0: never)"},
    PEL_CFG_END};

static pel_status params(pel_context *ctx, const pel_config *cfg, void *out)
{
    climate_run_params *run = out;
    pel_climate_params *p = &run->model;
    const char *hist = pel_config_string(cfg, "climate", "history");
    run->history = *hist ? hist : NULL;
    p->atm.ny = (size_t)pel_config_int(cfg, "climate", "bands");
    p->ratio = (size_t)pel_config_int(cfg, "climate", "ratio");
    const char *mask = pel_config_string(cfg, "climate", "mask");
    p->mask_path = *mask ? mask : NULL; /* PEL_CFG_PATH: from a file, relative to its directory */
    p->atm.dt = pel_config_real(cfg, "climate", "coupling_dt");
    p->ocean_every = (long)pel_config_int(cfg, "climate", "ocean_every");
    p->ocn.dt = pel_config_real(cfg, "climate", "ocean_dt");
    p->exchange = pel_config_real(cfg, "climate", "exchange");
    p->evap_rate = 1.0 / (86400.0 * pel_config_real(cfg, "climate", "evap_days"));
    p->drag = pel_config_real(cfg, "climate", "wind_drag");
    p->check_ncc81 = pel_config_bool(cfg, "climate", "check_ncc81");
    p->atm.Q = pel_config_real(cfg, "atmosphere", "Q");
    p->atm.ice_albedo = pel_config_bool(cfg, "atmosphere", "ice_albedo");
    p->atm.heat_capacity = pel_config_real(cfg, "atmosphere", "heat_capacity");
    p->atm.wind = pel_config_real(cfg, "atmosphere", "wind");
    p->atm.vapour = pel_config_bool(cfg, "atmosphere", "vapour");
    p->atm.T_init = pel_config_real(cfg, "atmosphere", "T_init");
    p->ocn.depth = pel_config_real(cfg, "ocean", "depth");
    p->ocn.equations = pel_config_enum(cfg, "ocean", "equations") ? PEL_OCEAN_NONLINEAR : PEL_OCEAN_LINEAR;
    p->ocn.drag = pel_config_real(cfg, "ocean", "drag");
    p->ocn.viscosity = pel_config_real(cfg, "ocean", "viscosity");
    p->ocn.sst_south = p->ocn.sst_north = pel_config_real(cfg, "ocean", "sst_init");
    p->lnd.heat_capacity = pel_config_real(cfg, "land", "heat_capacity");
    p->lnd.w0 = pel_config_real(cfg, "land", "w0");
    p->lnd.t0 = pel_config_real(cfg, "land", "t0") + 273.15;
    static const pel_concurrent_mode modes[3] = {PEL_CONCURRENT_SEQUENTIAL, PEL_CONCURRENT_TASKS, PEL_CONCURRENT_TEAMS};
    p->mode = modes[pel_config_enum(cfg, "layout", "mode")];
    static const char *const who[3] = {"atmosphere", "ocean", "land"};
    int sum = 0;
    for (int i = 0; i < 3; i++) sum += p->threads[i] = (int)pel_config_int(cfg, "layout", who[i]);
    p->rebalance_every = (long)pel_config_int(cfg, "layout", "rebalance_every");
    if (p->mode == PEL_CONCURRENT_TEAMS) {
        for (int i = 0; i < 3 && sum; i++)
            if (!p->threads[i])
                return pel_error(ctx, PEL_ECONFIG, "%s: [layout] %s = 0: give every component its threads, or none",
                                 pel_config_origin(cfg, "layout", who[i]), who[i]);
        int most = omp_get_num_procs() > pel_context_threads(ctx) ? omp_get_num_procs() : pel_context_threads(ctx);
        if (sum > most)
            return pel_error(ctx, PEL_ECONFIG, "%s: [layout] asks for %d threads in all, more than the %d there are",
                             pel_config_origin(cfg, "layout", "atmosphere"), sum, most);
        omp_set_max_active_levels(2); /* the components' teams nest inside one thread each */
    }
    return PEL_OK;
}

/* Simulated years per day, the climate modeller's figure of merit, and
 * coupling intervals per second. */
static int rates(const void *params, long steps, double seconds, pel_run_rate *out)
{
    const pel_climate_params *p = &((const climate_run_params *)params)->model;
    double sim = (double)steps * p->atm.dt;
    out[0] = (pel_run_rate){"simulated years per day", seconds > 0 ? sim / (365.0 * seconds) : 0.0, "SYPD"};
    out[1] = (pel_run_rate){"coupling intervals", seconds > 0 ? (double)steps / seconds : 0.0, "1/s"};
    return 2;
}

static const char *const who3[3] = {"atmosphere", "ocean", "land"};

/* Per component: threads at the start and the end (the load balancer's
 * before and after), busy and waiting seconds; and the budget tables, each
 * entry the mean rate over the run (positive: the component gains). */
static void report_json(pel_json *w, pel_component *comp)
{
    pel_climate *c = pel_component_object(climate_history_model(comp), &pel_climate_component);
    if (!c) {
        pel_json_null(w);
        return;
    }
    pel_climate_timing t;
    pel_climate_get_timing(c, &t);
    pel_json_object_begin(w);
    pel_json_key(w, "components");
    pel_json_array_begin(w);
    for (int i = 0; i < 3; i++) {
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", who3[i]);
        pel_json_kv_int(w, "threads_first", t.first_threads[i]);
        pel_json_kv_int(w, "threads_last", t.threads[i]);
        pel_json_kv_number(w, "busy_s", t.busy[i]);
        pel_json_kv_number(w, "wait_s", t.wait[i]);
        pel_json_kv_number(w, "busy_per_interval_s", t.intervals ? t.busy[i] / (double)t.intervals : 0.0);
        pel_json_kv_number(w, "wait_per_interval_s", t.intervals ? t.wait[i] / (double)t.intervals : 0.0);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_kv_int(w, "rebalances", t.rebalances);
    pel_json_kv_int(w, "intervals", t.intervals);
    pel_json_kv_number(w, "concurrent_wall_s", t.wall);
    for (int water = 0; water < 2; water++) {
        const pel_budget *b = pel_climate_budget(c, water);
        pel_json_key(w, water ? "water_budget" : "heat_budget");
        pel_json_object_begin(w);
        pel_json_kv_string(w, "unit", water ? "kg/m2/s" : "W/m2");
        pel_json_kv_number(w, "seconds", pel_budget_seconds(b, PEL_BUDGET_CUMULATIVE));
        for (int k = 0; k < pel_budget_terms(b); k++) {
            pel_json_key(w, pel_budget_term_name(b, k));
            pel_json_object_begin(w);
            for (int j = 0; j < pel_budget_components(b); j++)
                pel_json_kv_number(w, pel_budget_component_name(b, j), pel_budget_rate(b, PEL_BUDGET_CUMULATIVE, k, j));
            pel_json_object_end(w);
        }
        pel_json_key(w, "residual");
        pel_json_object_begin(w);
        for (int j = 0; j < pel_budget_components(b); j++)
            pel_json_kv_number(w, pel_budget_component_name(b, j), pel_budget_residual(b, PEL_BUDGET_CUMULATIVE, j));
        pel_json_object_end(w);
        pel_json_object_end(w);
    }
    pel_json_object_end(w);
}

static void report_print(FILE *out, pel_component *comp)
{
    pel_climate *c = pel_component_object(climate_history_model(comp), &pel_climate_component);
    if (!c) return;
    pel_climate_timing t;
    pel_climate_get_timing(c, &t);
    double per = t.intervals ? 1e3 / (double)t.intervals : 0.0;
    for (int i = 0; i < 3; i++)
        fprintf(out, "%-10s threads %d -> %d, busy %.3f s, waiting %.3f s (per interval %.3f and %.3f ms)\n",
                who3[i], t.first_threads[i], t.threads[i], t.busy[i], t.wait[i], t.busy[i] * per, t.wait[i] * per);
    pel_budget_print(pel_climate_budget(c, 0), PEL_BUDGET_CUMULATIVE, out);
    pel_budget_print(pel_climate_budget(c, 1), PEL_BUDGET_CUMULATIVE, out);
}

/* The progress line's part: the simulated date on the history's 365-day
 * calendar (time 0 is year 1 Jan 01 00:00), simulated years per day so far
 * and the worse of the heat and water budgets' closures in the last
 * interval (relative, as climate.heat_budget measures it). */
static void progress(char *buf, size_t n, pel_component *comp, double sim_s, double wall_s)
{
    static const char *const month[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const int ends[12] = {31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
    double t = pel_component_time(comp);
    long minutes = (long)floor(t / 60.0), day = minutes / 1440, doy = day % 365;
    int m = 0;
    while (m < 11 && doy >= ends[m]) m++;
    long dom = doy - (m ? ends[m - 1] : 0) + 1;
    int k = snprintf(buf, n, "year %ld %s %02ld %02ld:%02ld", day / 365 + 1, month[m], dom, minutes % 1440 / 60,
                     minutes % 60);
    if (k < 0 || (size_t)k >= n) return;
    double sypd = wall_s > 0 ? sim_s / (365.0 * wall_s) : 0.0;
    if (wall_s > 0) k += snprintf(buf + k, n - (size_t)k, sypd >= 100 ? ", %.0f SYPD" : ", %.3g SYPD", sypd);
    const pel_climate *c = pel_component_object(climate_history_model(comp), &pel_climate_component);
    if (c && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", budget closure %.1e",
                 fmax(pel_budget_closure(pel_climate_budget(c, 0)), pel_budget_closure(pel_climate_budget(c, 1))));
}

/* The history files (climate.history), for --baseline-record/-compare. */
static int outputs(const void *params, char (*paths)[PEL_RUN_PATH_MAX], int max)
{
    const char *h = ((const climate_run_params *)params)->history;
    if (!h || !*h || max < 2) return 0;
    snprintf(paths[0], PEL_RUN_PATH_MAX, "%s.daily.nc", h);
    snprintf(paths[1], PEL_RUN_PATH_MAX, "%s.monthly.nc", h);
    return 2;
}

/* the coupled model's bits are its components' as much as the coupler's */
static const pel_component_type *const climate_parts[] = {&pel_atmosphere_component, &pel_ocean_component,
                                                          &pel_land_component, NULL};

static const pel_driver climate_driver = {
    .name = "pel-climate",
    .purpose = "The coupled atmosphere-ocean-land climate model: components run concurrently, a conservative coupler closes the heat and water budgets.",
    .defaults = pel_climate_defaults,
    .schema = climate_keys,
    .component = &climate_history_component,
    .parts = climate_parts,
    .params = params,
    .rates = rates,
    .checkpoints = 1,
    .report_json = report_json,
    .report_print = report_print,
    .finish = climate_history_finish,
    .progress = progress,
    .outputs = outputs,
};

int main(int argc, char **argv) { return pel_driver_main(&climate_driver, argc, argv); }
