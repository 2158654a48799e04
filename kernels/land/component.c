/* The land family as a component (include/pel/component.h): the pel_land
 * solver behind the generic interface.  A step is one time step of dt; the
 * result fields are W, T_soil, evaporation and runoff; a checkpoint holds
 * those, the forcing (imports persist until replaced) and the budget
 * accumulators. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/fingerprint.h>

#include "internal/core.h"
#include <pel/land.h>
#include <pel/reduce.h>

#define LAND_NMETA 14
#define LAND_NSAVE 8

typedef struct land_state {
    pel_context *ctx;
    pel_land *l;
    pel_field f[LAND_NSAVE + 1]; /* W, T_soil, evaporation, runoff, precip, pet, heat_flux, budget; land_fraction */
    double *budget; /* pel_land_budget_count values */
    pel_meta meta[LAND_NMETA];
    char grid[64]; /* "NXxNY", as the user writes land.grid */
    char mask[PEL_FINGERPRINT_HEX]; /* the land fraction's fingerprint, as land.mask records it */
} land_state;

static const struct {
    const char *name;
    pel_land_field which;
} field_map[] = {{"W", PEL_LAND_W},           {"T_soil", PEL_LAND_T},        {"evaporation", PEL_LAND_EVAP},
                 {"runoff", PEL_LAND_RUNOFF}, {"precip", PEL_LAND_PRECIP},   {"pet", PEL_LAND_PET},
                 {"heat_flux", PEL_LAND_HEAT_FLUX}};
#define NMAPPED 7

static void params_default(void *p) { pel_land_params_default(p); }

static void describe(land_state *s)
{
    const pel_land_params *p = pel_land_params_get(s->l);
    for (int k = 0; k < NMAPPED; k++)
        s->f[k] = (pel_field){field_map[k].name, PEL_F64, 2, {p->ny, p->nx, 0, 0}, pel_land_data(s->l, field_map[k].which)};
    s->f[NMAPPED] = (pel_field){"budget", PEL_F64, 1, {pel_land_budget_count(s->l), 0, 0, 0}, s->budget};
    s->f[NMAPPED + 1] = (pel_field){"land_fraction", PEL_F64, 2, {p->ny, p->nx, 0, 0}, pel_land_data(s->l, PEL_LAND_FRACTION)};
}

static void destroy(void *v)
{
    land_state *s = v;
    pel_land_destroy(s->l);
    free(s->budget);
    free(s);
}

static void make_meta(land_state *s)
{
    const pel_land_params *p = pel_land_params_get(s->l);
    pel_meta *m = s->meta;
    int k = 0;
    const size_t n[2] = {p->nx, p->ny};
    m[k++] = peli_meta_grid("land.grid", 2, n, s->grid, sizeof s->grid);
    m[k++] = pel_meta_real("land.dt", p->dt);
    m[k++] = pel_meta_real("land.w_fc", p->w_fc);
    m[k++] = pel_meta_real("land.crit", p->crit);
    m[k++] = pel_meta_real("land.heat_capacity", p->heat_capacity);
    m[k++] = pel_meta_real("land.w0", p->w0);
    m[k++] = pel_meta_real("land.t0", p->t0);
    /* the forcing in mm/day under pel-land's keys (the user's units: a
     * mismatch names the key set); the library's kg/m^2/s below */
    m[k++] = pel_meta_real("land.precip_mm_day", peli_meta_decimal(p->precip * PEL_LAND_DAY));
    m[k++] = pel_meta_real("land.pet_mm_day", peli_meta_decimal(p->pet * PEL_LAND_DAY));
    m[k++] = pel_meta_real("land.heat_flux", p->heat_flux);
    m[k++] = pel_meta_int("land.latent_heat", p->latent_heat);
    /* the geography by its content, as the ocean records its mask: an edited
     * mask file is noticed, and a path spelt another way (relative, or made
     * absolute by --print-config) or a copy of the file is the same mask */
    pel_fingerprint(pel_land_data(s->l, PEL_LAND_FRACTION), p->nx * p->ny * sizeof(double), s->mask);
    m[k++] = pel_meta_string("land.mask", s->mask);
    /* every bit of the forcing, for values equal to 15 digits in mm/day */
    m[k++] = pel_meta_real("land.precip", p->precip);
    m[k++] = pel_meta_real("land.pet", p->pet);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    land_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "land: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_land_create(ctx, params, &s->l);
    if (st) return st;
    if (!(s->budget = malloc(pel_land_budget_count(s->l) * sizeof *s->budget)))
        return pel_error(ctx, PEL_ENOMEM, "land: out of memory");
    describe(s);
    make_meta(s);
    return PEL_OK;
}

static pel_status advance(void *v, long nsteps) { return pel_land_step(((land_state *)v)->l, nsteps); }

static int fields(void *v, pel_field *out, int max)
{
    land_state *s = v;
    for (int k = 0; k < 4 && k < max; k++) out[k] = s->f[k];
    return 4;
}

static pel_status verify(void *v, pel_verify_log *log) { return pel_land_verify(((land_state *)v)->l, log); }

static pel_status save(void *v, pel_component_state *out)
{
    land_state *s = v;
    pel_land_save_budget(s->l, s->budget);
    out->fields = s->f;
    out->nfields = LAND_NSAVE;
    out->meta = s->meta;
    out->nmeta = LAND_NMETA;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    land_state *s = v;
    const double *fields[PEL_LAND_STATE_FIELDS];
    for (int k = 0; k < NMAPPED; k++) fields[field_map[k].which] = in->fields[k].data;
    pel_status st = pel_land_set_state(s->l, in->step, fields, in->fields[NMAPPED].data);
    if (st == PEL_EINVAL) st = PEL_EMISMATCH; /* a checkpoint that is not this problem's state */
    return st;
}

static pel_status export_field(void *v, const char *name, pel_field *out)
{
    land_state *s = v;
    for (int k = 0; k < 4; k++)
        if (strcmp(name, s->f[k].name) == 0) return *out = s->f[k], PEL_OK;
    if (strcmp(name, "land_fraction") == 0) return *out = s->f[NMAPPED + 1], PEL_OK;
    return pel_error(s->ctx, PEL_EMISMATCH,
                     "land: no field '%s' to export (W, T_soil, evaporation, runoff, land_fraction)", name);
}

static pel_status import_field(void *v, const pel_field *in)
{
    land_state *s = v;
    const pel_land_params *p = pel_land_params_get(s->l);
    for (int k = PEL_LAND_PRECIP; k <= PEL_LAND_HEAT_FLUX; k++) {
        if (strcmp(in->name, field_map[k].name) != 0) continue;
        if (in->type != PEL_F64 || pel_field_count(in) != p->nx * p->ny)
            return pel_error(s->ctx, PEL_EMISMATCH, "land: import %s: %s with %llu values, expected f64 with %zu",
                             in->name, pel_dtype_name(in->type), (unsigned long long)pel_field_count(in), p->nx * p->ny);
        return pel_land_set_forcing(s->l, field_map[k].which, in->data);
    }
    return pel_error(s->ctx, PEL_EMISMATCH, "land: no field '%s' to import (precip, pet, heat_flux)", in->name);
}

static double sim_time(void *v) { return pel_land_time(((land_state *)v)->l); }

const pel_component_type pel_land_component = {
    .name = "land",
    .numerics_version = PEL_LAND_NUMERICS_VERSION,
    .step_noun = "step",
    .params_size = sizeof(pel_land_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .export_field = export_field,
    .import_field = import_field,
    .time = sim_time,
    .destroy = destroy,
};
