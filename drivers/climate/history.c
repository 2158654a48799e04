/* pel-climate's history files (history.h). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "climate/history.h"
#include "common/history.h"

enum { NVARS = 6, DAY = 86400 };

typedef struct hist_state {
    pel_context *ctx;
    pel_component *inner;
    double dt;
    long start;      /* step of the first whole day recorded (-1: not yet known) */
    pel_history *file[2];       /* daily, monthly */
    pel_history_mean *mean[2];
    double t0[2];               /* start of the current period, days */
    double *coord;              /* the grids' coordinates */
    double *mrso;               /* soil water in kg/m2 */
    double *psi;                /* the ocean's barotropic streamfunction, Sv */
    pel_history_grid grids[2];
    size_t ncoarse, nfine;
} hist_state;

static const pel_history_var vars[NVARS] = {
    {"tas", "near-surface air temperature", "degC", "air_temperature", 0},
    {"pr", "precipitation", "kg m-2 s-1", "precipitation_flux", 0},
    {"sst", "sea surface temperature", "degC", "sea_surface_temperature", 1},
    {"tsl", "soil temperature", "K", "soil_temperature", 1},
    {"mrso", "soil water", "kg m-2", "mass_content_of_water_in_soil", 1},
    {"psi", "ocean barotropic transport streamfunction (Sv, zero at the southern wall)", "1e6 m3 s-1",
     "ocean_barotropic_streamfunction", 1}};

static void params_default(void *p)
{
    climate_run_params *q = p;
    pel_climate_params_default(&q->model);
    q->history = NULL;
}

static void destroy(void *v)
{
    hist_state *s = v;
    if (!s) return;
    for (int i = 0; i < 2; i++) {
        pel_history_mean_destroy(s->mean[i]);
        pel_history_abort(s->file[i]);
    }
    pel_component_destroy(s->inner);
    free(s->coord);
    free(s->mrso);
    free(s->psi);
    free(s);
}

static void axis_deg(const pel_sphere *g, double *lat, double *late, double *lon, double *lone)
{
    const double deg = 180.0 / acos(-1.0);
    for (size_t j = 0; j < g->ny; j++) lat[j] = pel_sphere_lat_centre(g, j) * deg;
    for (size_t j = 0; j <= g->ny; j++) late[j] = asin(fmax(-1.0, fmin(1.0, pel_sphere_mu_edge(g, j)))) * deg;
    for (size_t i = 0; i < g->nx; i++) lon[i] = pel_sphere_lon_centre(g, i) * deg;
    for (size_t i = 0; i <= g->nx; i++) lone[i] = 360.0 * (double)i / (double)g->nx;
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const climate_run_params *q = params;
    hist_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "pel-climate: out of memory");
    s->ctx = ctx;
    s->dt = q->model.atm.dt;
    s->start = -1;
    pel_status st = pel_component_create(ctx, &pel_climate_component, &q->model, &s->inner);
    if (st || !q->history || !*q->history) {
        if (st) destroy(s);
        else *out = s;
        return st;
    }
    if (fmod((double)DAY, s->dt) != 0.0) {
        double dt = s->dt;
        destroy(s);
        return pel_error(ctx, PEL_EINVAL, "climate.history: coupling_dt = %g s does not divide a day", dt);
    }
    pel_sphere gc, gf;
    if ((st = pel_sphere_init(ctx, q->model.atm.ny, &gc)) || (st = pel_sphere_refine(ctx, &gc, q->model.ratio, &gf))) {
        destroy(s);
        return st;
    }
    size_t nco = 2 * (gc.ny + gc.nx + 1) + 2 * (gf.ny + gf.nx + 1);
    s->coord = malloc(nco * sizeof(double));
    s->mrso = malloc(gf.cells * sizeof(double));
    s->psi = malloc(gf.cells * sizeof(double));
    if (!s->coord || !s->mrso || !s->psi) {
        destroy(s);
        return pel_error(ctx, PEL_ENOMEM, "pel-climate: out of memory for the history");
    }
    double *p = s->coord;
    const pel_sphere *g[2] = {&gc, &gf};
    for (int k = 0; k < 2; k++) {
        double *lat = p, *late = lat + g[k]->ny, *lon = late + g[k]->ny + 1, *lone = lon + g[k]->nx;
        p = lone + g[k]->nx + 1;
        axis_deg(g[k], lat, late, lon, lone);
        s->grids[k] = (pel_history_grid){k ? "_ocn" : "", (int)g[k]->ny, (int)g[k]->nx, lat, lon, late, lone};
    }
    s->ncoarse = gc.cells;
    s->nfine = gf.cells;
    static const char *const suffix[2] = {"daily", "monthly"};
    for (int i = 0; i < 2; i++) {
        char path[1100], title[64];
        snprintf(path, sizeof path, "%s.%s.nc", q->history, suffix[i]);
        snprintf(title, sizeof title, "pel-climate %s means", suffix[i]);
        if ((st = pel_history_create(ctx, path, title, s->grids, 2, vars, NVARS, &s->file[i])) ||
            (st = pel_history_mean_create(s->file[i], &s->mean[i]))) {
            destroy(s);
            return st;
        }
    }
    *out = s;
    return PEL_OK;
}

/* day of the 365-day year at which each month ends */
static int month_end(long day_of_year)
{
    static const int ends[12] = {31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
    for (int m = 0; m < 12; m++)
        if (day_of_year == ends[m]) return 1;
    return 0;
}

static pel_status record(hist_state *s, long step)
{
    const double *v[NVARS];
    static const struct { int comp; const char *name; } src[4] = {
        {PEL_CLIMATE_ATM, "T"}, {PEL_CLIMATE_ATM, "precip"}, {PEL_CLIMATE_OCN, "sst"}, {PEL_CLIMATE_LND, "T_soil"}};
    pel_climate *c = pel_component_object(s->inner, &pel_climate_component);
    for (int k = 0; k < 4; k++) {
        pel_field f;
        pel_status st = pel_component_export(pel_climate_component_of(c, src[k].comp), src[k].name, &f);
        if (st) return st;
        v[k] = f.data;
    }
    pel_field w;
    pel_status st = pel_component_export(pel_climate_component_of(c, PEL_CLIMATE_LND), "W", &w);
    if (st) return st;
    for (size_t i = 0; i < s->nfine; i++) s->mrso[i] = 1000.0 * ((const double *)w.data)[i];
    v[4] = s->mrso;
    if ((st = pel_climate_streamfunction(c, s->psi))) return st;
    v[5] = s->psi;
    double t = (double)step * s->dt / DAY; /* days, at the end of this interval */
    for (int i = 0; i < 2; i++) pel_history_mean_add(s->mean[i], s->dt, v);
    if (fmod((double)step * s->dt, (double)DAY) != 0.0) return PEL_OK;
    if ((st = pel_history_mean_flush(s->mean[0], s->file[0], s->t0[0], t))) return st;
    s->t0[0] = t;
    long doy = ((long)llround(t) - 1) % 365 + 1;
    if (month_end(doy)) {
        if ((st = pel_history_mean_flush(s->mean[1], s->file[1], s->t0[1], t))) return st;
        s->t0[1] = t;
    }
    return PEL_OK;
}

static pel_status advance(void *v, long n)
{
    hist_state *s = v;
    if (!s->file[0]) return pel_component_advance(s->inner, n);
    for (long k = 0; k < n; k++) {
        pel_status st = pel_component_advance(s->inner, 1);
        if (st) return st;
        long step = pel_component_step(s->inner);
        if (s->start < 0) {
            /* a whole day first: from the boundary at or after the start */
            if (fmod((double)(step - 1) * s->dt, (double)DAY) != 0.0) {
                if (fmod((double)step * s->dt, (double)DAY) == 0.0) {
                    s->start = step;
                    s->t0[0] = s->t0[1] = (double)step * s->dt / DAY;
                }
                continue;
            }
            s->start = step - 1;
            s->t0[0] = s->t0[1] = (double)(step - 1) * s->dt / DAY;
        }
        if ((st = record(s, step))) return st;
    }
    return PEL_OK;
}

pel_status climate_history_finish(pel_component *c)
{
    hist_state *s = pel_component_object(c, &climate_history_component);
    if (!s) return PEL_EINVAL;
    for (int i = 0; i < 2; i++) {
        if (!s->file[i]) continue;
        pel_history *h = s->file[i];
        s->file[i] = NULL;
        pel_status st = pel_history_close(h);
        if (st) return st;
    }
    return PEL_OK;
}

pel_component *climate_history_model(pel_component *c)
{
    hist_state *s = pel_component_object(c, &climate_history_component);
    return s ? s->inner : NULL;
}

static int fields(void *v, pel_field *out, int max) { return pel_component_fields(((hist_state *)v)->inner, out, max); }
static pel_status verify(void *v, pel_verify_log *log) { return pel_component_verify(((hist_state *)v)->inner, log); }
static pel_status save(void *v, pel_component_state *out) { return pel_component_save(((hist_state *)v)->inner, out); }
static pel_status restore(void *v, const pel_component_state *in)
{
    hist_state *s = v;
    pel_component_state own = *in;
    own.nmeta = 0; /* checked by the caller against this object's */
    return pel_component_restore(s->inner, &own);
}
static double sim_time(void *v) { return pel_component_time(((hist_state *)v)->inner); }

const pel_component_type climate_history_component = {
    .name = "climate",
    .numerics_version = PEL_CLIMATE_NUMERICS_VERSION,
    .step_noun = "interval",
    .params_size = sizeof(climate_run_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .time = sim_time,
    .destroy = destroy,
};
