/* The atmosphere as a component (include/pel/component.h).  A step is one
 * time step of dt; the result fields are "T" and "q" (ny x nx, band 0
 * southernmost); the checkpoint holds T, q and the two imported fields. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/atmosphere.h>
#include <pel/component.h>

#define ATM_NMETA 22

typedef struct atm_state {
    pel_context *ctx;
    pel_atmosphere *a;
    pel_field res[2];  /* T, q */
    pel_field ckpt[4]; /* T, q, surface_flux, evaporation */
    pel_meta meta[ATM_NMETA];
} atm_state;

static void params_default(void *p) { pel_atmosphere_params_default(p); }

static pel_field view(atm_state *s, const char *name)
{
    const pel_sphere *g = pel_atmosphere_grid(s->a);
    return (pel_field){name, PEL_F64, 2, {g->ny, g->nx, 0, 0}, pel_atmosphere_view(s->a, name)};
}

static void describe(atm_state *s)
{
    s->res[0] = s->ckpt[0] = view(s, "T");
    s->res[1] = s->ckpt[1] = view(s, "q");
    s->ckpt[2] = view(s, "surface_flux");
    s->ckpt[3] = view(s, "evaporation");
}

static void make_meta(atm_state *s)
{
    const pel_atmosphere_params *p = pel_atmosphere_params_get(s->a);
    pel_meta *m = s->meta;
    int k = 0;
    m[k++] = pel_meta_int("atmosphere.ny", (int64_t)p->ny);
    m[k++] = pel_meta_real("atmosphere.A", p->A);
    m[k++] = pel_meta_real("atmosphere.B", p->B);
    m[k++] = pel_meta_real("atmosphere.D", p->D);
    m[k++] = pel_meta_real("atmosphere.Q", p->Q);
    m[k++] = pel_meta_real("atmosphere.S2", p->S2);
    m[k++] = pel_meta_real("atmosphere.Ts", p->Ts);
    m[k++] = pel_meta_real("atmosphere.a0", p->a0);
    m[k++] = pel_meta_real("atmosphere.a2", p->a2);
    m[k++] = pel_meta_real("atmosphere.b0", p->b0);
    m[k++] = pel_meta_real("atmosphere.heat_capacity", p->heat_capacity);
    m[k++] = pel_meta_real("atmosphere.dt", p->dt);
    m[k++] = pel_meta_int("atmosphere.ice_albedo", p->ice_albedo);
    m[k++] = pel_meta_int("atmosphere.vapour", p->vapour);
    m[k++] = pel_meta_real("atmosphere.wind", p->wind);
    m[k++] = pel_meta_real("atmosphere.radius", p->radius);
    m[k++] = pel_meta_real("atmosphere.qs0", p->qs0);
    m[k++] = pel_meta_real("atmosphere.qs_rate", p->qs_rate);
    m[k++] = pel_meta_real("atmosphere.precip_tau", p->precip_tau);
    m[k++] = pel_meta_real("atmosphere.T_init", p->T_init);
    m[k++] = pel_meta_real("atmosphere.q_init", p->q_init);
    m[k++] = pel_meta_string("atmosphere.layout", "band 0 south, T then q");
}

static void destroy(void *v)
{
    atm_state *s = v;
    pel_atmosphere_destroy(s->a);
    free(s);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    atm_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "atmosphere: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_atmosphere_create(ctx, params, &s->a);
    if (st) return st;
    describe(s);
    make_meta(s);
    return PEL_OK;
}

static pel_status advance(void *v, long nsteps) { return pel_atmosphere_step(((atm_state *)v)->a, nsteps); }

static int fields(void *v, pel_field *out, int max)
{
    atm_state *s = v;
    for (int k = 0; k < 2 && k < max; k++) out[k] = s->res[k];
    return 2;
}

static pel_status verify(void *v, pel_verify_log *log) { return pel_atmosphere_verify(((atm_state *)v)->a, log); }

static pel_status save(void *v, pel_component_state *out)
{
    atm_state *s = v;
    out->fields = s->ckpt;
    out->nfields = 4;
    out->meta = s->meta;
    out->nmeta = ATM_NMETA;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    atm_state *s = v;
    const pel_sphere *g = pel_atmosphere_grid(s->a);
    pel_status st = pel_sphere_unpack(s->ctx, g, in->fields[0].data, pel_atmosphere_T(s->a));
    if (!st) st = pel_sphere_unpack(s->ctx, g, in->fields[1].data, pel_atmosphere_q(s->a));
    if (st) return st;
    memcpy(pel_atmosphere_view(s->a, "surface_flux"), in->fields[2].data, g->cells * sizeof(double));
    memcpy(pel_atmosphere_view(s->a, "evaporation"), in->fields[3].data, g->cells * sizeof(double));
    st = pel_atmosphere_set_step(s->a, in->step);
    if (!st) st = pel_atmosphere_refresh(s->a);
    return st;
}

static pel_status export_field(void *v, const char *name, pel_field *out)
{
    atm_state *s = v;
    static const char *const names[] = {"T", "q", "precip", "olr", "asr"};
    for (int k = 0; k < 5; k++)
        if (strcmp(name, names[k]) == 0) {
            *out = view(s, names[k]);
            return PEL_OK;
        }
    return pel_error(s->ctx, PEL_EMISMATCH, "atmosphere: no field '%s' to export (T, q, precip, olr, asr)", name);
}

static pel_status import_field(void *v, const pel_field *in)
{
    atm_state *s = v;
    const pel_sphere *g = pel_atmosphere_grid(s->a);
    const char *name = NULL;
    if (strcmp(in->name, "surface_flux") == 0) name = "surface_flux";
    if (strcmp(in->name, "evaporation") == 0) name = "evaporation";
    if (!name)
        return pel_error(s->ctx, PEL_EMISMATCH, "atmosphere: no field '%s' to import (surface_flux, evaporation)",
                         in->name);
    if (in->type != PEL_F64 || in->rank != 2 || in->dims[0] != g->ny || in->dims[1] != g->nx)
        return pel_error(s->ctx, PEL_EMISMATCH, "atmosphere: import %s: %s of rank %d, expected f64 %zu x %zu",
                         name, pel_dtype_name(in->type), in->rank, g->ny, g->nx);
    memcpy(pel_atmosphere_view(s->a, name), in->data, g->cells * sizeof(double));
    return PEL_OK;
}

static double sim_time(void *v) { return pel_atmosphere_time(((atm_state *)v)->a); }

const pel_component_type pel_atmosphere_component = {
    .name = "atmosphere",
    .numerics_version = PEL_ATMOSPHERE_NUMERICS_VERSION,
    .step_noun = "step",
    .params_size = sizeof(pel_atmosphere_params),
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
