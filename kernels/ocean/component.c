/* The ocean family as a component (include/pel/component.h): the pel_ocean
 * solver behind the generic interface.  A step is one RK3 step of dt
 * seconds.  Result (and export) fields: "eta", "u", "v", "sst"; imports
 * "taux", "tauy" (N/m2) and "heat_flux" (W/m2, into the ocean), all ny x nx
 * on cell centres.  A checkpoint holds eta, u, v, h*T, the three forcing
 * fields and the heat budget pair. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pel/component.h>

#include "internal/core.h"
#include <pel/ocean.h>

#define OCEAN_NMETA 24

typedef struct ocean_state {
    pel_context *ctx;
    pel_ocean *o;
    pel_field res[4], ck[8];
    double budget[2];
    pel_meta meta[OCEAN_NMETA];
    int nmeta;
    char grid[64]; /* "NXxNY", as the user writes ocean.grid */
} ocean_state;

static void params_default(void *p) { pel_ocean_params_default(p); }

static pel_field grid_field(const pel_ocean *o, const char *name, const double *data)
{
    const pel_ocean_params *p = pel_ocean_params_get(o);
    return (pel_field){name, PEL_F64, 2, {p->ny, p->nx, 0, 0}, data};
}

static void describe(ocean_state *s)
{
    static const char *const names[4] = {"eta", "u", "v", "sst"};
    for (int k = 0; k < 4; k++) s->res[k] = grid_field(s->o, names[k], pel_ocean_field(s->o, names[k]));
}

static void destroy(void *v)
{
    ocean_state *s = v;
    pel_ocean_destroy(s->o);
    free(s);
}

/* FNV-1a over the mask, so a restart on another geography is refused */
static int64_t mask_hash(const pel_ocean_params *p)
{
    if (!p->mask) return 0;
    uint64_t h = 1469598103934665603ull;
    for (size_t c = 0; c < p->nx * p->ny; c++) {
        h ^= p->mask[c] != 0;
        h *= 1099511628211ull;
    }
    return (int64_t)(h >> 1);
}

static void make_meta(ocean_state *s, const pel_ocean_params *p)
{
    pel_meta *m = s->meta;
    int k = 0;
    const size_t n[2] = {p->nx, p->ny};
    m[k++] = peli_meta_grid("ocean.grid", 2, n, s->grid, sizeof s->grid);
    /* the basin's extent, pel-ocean's keys length_x, length_y in metres (a
     * mismatch names the key set, not the cell size); dx, dy below */
    m[k++] = pel_meta_real("ocean.length_x", peli_meta_decimal(p->dx * (double)p->nx));
    m[k++] = pel_meta_real("ocean.length_y", peli_meta_decimal(p->dy * (double)p->ny));
    m[k++] = pel_meta_string("ocean.bc_x", p->bc_x == PEL_OCEAN_PERIODIC ? "periodic" : "wall");
    m[k++] = pel_meta_string("ocean.bc_y", p->bc_y == PEL_OCEAN_PERIODIC ? "periodic" : "wall");
    m[k++] = pel_meta_string("ocean.equations", p->equations == PEL_OCEAN_LINEAR ? "linear" : "nonlinear");
    m[k++] = pel_meta_real("ocean.depth", p->depth);
    m[k++] = pel_meta_real("ocean.gravity", p->gravity);
    m[k++] = pel_meta_real("ocean.f0", p->f0);
    m[k++] = pel_meta_real("ocean.beta", p->beta);
    m[k++] = pel_meta_real("ocean.rho0", p->rho0);
    m[k++] = pel_meta_real("ocean.cp", p->cp);
    m[k++] = pel_meta_real("ocean.drag", p->drag);
    m[k++] = pel_meta_real("ocean.viscosity", p->viscosity);
    m[k++] = pel_meta_real("ocean.speed", p->speed);
    m[k++] = pel_meta_real("ocean.dt", p->dt);
    m[k++] = pel_meta_int("ocean.mask", mask_hash(p));
    /* every bit of the cell size, for extents equal to 15 digits */
    m[k++] = pel_meta_real("ocean.dx", p->dx);
    m[k++] = pel_meta_real("ocean.dy", p->dy);
    s->nmeta = k;
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    ocean_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "ocean: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_ocean_create(ctx, params, &s->o);
    if (st) return st;
    describe(s);
    make_meta(s, params);
    return PEL_OK;
}

static pel_status advance(void *v, long nsteps)
{
    ocean_state *s = v;
    pel_status st = pel_ocean_step(s->o, nsteps);
    describe(s);
    return st;
}

static int fields(void *v, pel_field *out, int max)
{
    ocean_state *s = v;
    for (int k = 0; k < 4 && k < max; k++) out[k] = s->res[k];
    return 4;
}

static pel_status verify(void *v, pel_verify_log *log) { return pel_ocean_verify(((ocean_state *)v)->o, log); }

static pel_status save(void *v, pel_component_state *out)
{
    ocean_state *s = v;
    pel_ocean_state os;
    pel_status st = pel_ocean_get_state(s->o, &os);
    if (st) return st;
    s->budget[0] = os.budget[0], s->budget[1] = os.budget[1];
    s->ck[0] = grid_field(s->o, "eta", os.eta);
    s->ck[1] = grid_field(s->o, "u", os.u);
    s->ck[2] = grid_field(s->o, "v", os.v);
    s->ck[3] = grid_field(s->o, "hT", os.hT);
    s->ck[4] = grid_field(s->o, "taux", pel_ocean_field(s->o, "taux"));
    s->ck[5] = grid_field(s->o, "tauy", pel_ocean_field(s->o, "tauy"));
    s->ck[6] = grid_field(s->o, "heat_flux", pel_ocean_field(s->o, "heat_flux"));
    s->ck[7] = (pel_field){"budget", PEL_F64, 1, {2, 0, 0, 0}, s->budget};
    out->fields = s->ck;
    out->nfields = 8;
    out->meta = s->meta;
    out->nmeta = s->nmeta;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    ocean_state *s = v;
    static const char *const forcing[3] = {"taux", "tauy", "heat_flux"};
    for (int k = 0; k < 3; k++) {
        pel_status st = pel_ocean_set_forcing(s->o, forcing[k], in->fields[4 + k].data);
        if (st) return st;
    }
    const double *b = in->fields[7].data;
    pel_ocean_state os = {in->fields[0].data, in->fields[1].data, in->fields[2].data, in->fields[3].data,
                          {b[0], b[1]}};
    pel_status st = pel_ocean_set_state(s->o, in->step, &os);
    describe(s);
    return st;
}

static pel_status import_field(void *v, const pel_field *in)
{
    ocean_state *s = v;
    const pel_ocean_params *p = pel_ocean_params_get(s->o);
    if (strcmp(in->name, "taux") != 0 && strcmp(in->name, "tauy") != 0 && strcmp(in->name, "heat_flux") != 0)
        return pel_error(s->ctx, PEL_EMISMATCH, "ocean: no field '%s' to import (taux, tauy, heat_flux)", in->name);
    if (in->type != PEL_F64 || pel_field_count(in) != (uint64_t)(p->nx * p->ny))
        return pel_error(s->ctx, PEL_EMISMATCH, "ocean: import %s: %s with %llu values, expected f64 with %zu x %zu",
                         in->name, pel_dtype_name(in->type), (unsigned long long)pel_field_count(in), p->ny, p->nx);
    return pel_ocean_set_forcing(s->o, in->name, in->data);
}

static double sim_time(void *v) { return pel_ocean_time(((ocean_state *)v)->o); }

const pel_component_type pel_ocean_component = {
    .name = "ocean",
    .numerics_version = PEL_OCEAN_NUMERICS_VERSION,
    .step_noun = "step",
    .params_size = sizeof(pel_ocean_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .import_field = import_field,
    .time = sim_time,
    .destroy = destroy,
};
