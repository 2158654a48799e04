/* The heat family as a component (include/pel/component.h): the pel_heat
 * solver behind the generic interface.  A step is one FTCS step; the state
 * of a checkpoint is the field u and the step count. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/heat.h>

#define HEAT_NMETA 13

typedef struct heat_state {
    pel_context *ctx;
    pel_heat *h;
    pel_field u;
    pel_meta meta[HEAT_NMETA];
} heat_state;

static void params_default(void *p) { pel_heat_params_default(p, 2); }

static void describe_u(heat_state *s)
{
    const pel_heat_params *p = pel_heat_params_get(s->h);
    s->u = (pel_field){"u", PEL_F64, p->dim, {p->n[0], p->n[1], p->n[2], 0}, pel_heat_field(s->h)};
}

static void destroy(void *v)
{
    heat_state *s = v;
    pel_heat_destroy(s->h);
    free(s);
}

/* Everything a restarted run must share with the run that was saved. */
static void make_meta(heat_state *s)
{
    const pel_heat_params *p = pel_heat_params_get(s->h);
    pel_meta *m = s->meta;
    int k = 0;
    m[k++] = pel_meta_int("heat.dim", p->dim);
    m[k++] = pel_meta_int("heat.grid0", (int64_t)p->n[0]);
    m[k++] = pel_meta_int("heat.grid1", (int64_t)p->n[1]);
    m[k++] = pel_meta_int("heat.grid2", (int64_t)p->n[2]);
    m[k++] = pel_meta_real("heat.length", p->length[0]);
    m[k++] = pel_meta_real("heat.alpha", p->alpha);
    m[k++] = pel_meta_real("heat.dt", p->dt);
    m[k++] = pel_meta_string("heat.bc", p->bc == PEL_BC_PERIODIC ? "periodic" : "dirichlet");
    m[k++] = pel_meta_string("heat.init", p->init == PEL_HEAT_INIT_RANDOM ? "random" : "mode");
    m[k++] = pel_meta_int("heat.mode", p->mode[0]);
    m[k++] = pel_meta_real("heat.amplitude", p->amplitude);
    m[k++] = pel_meta_real("heat.offset", p->offset);
    m[k++] = pel_meta_int("heat.seed", p->seed);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    heat_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "heat: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_heat_create(ctx, params, &s->h);
    if (st) return st;
    describe_u(s);
    make_meta(s);
    return PEL_OK;
}

static pel_status advance(void *v, long nsteps)
{
    heat_state *s = v;
    pel_status st = pel_heat_step(s->h, nsteps);
    describe_u(s); /* a step may move the field to the other buffer */
    return st;
}

static int fields(void *v, pel_field *out, int max)
{
    heat_state *s = v;
    if (max > 0) out[0] = s->u;
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log) { return pel_heat_verify(((heat_state *)v)->h, log); }

static pel_status save(void *v, pel_component_state *out)
{
    heat_state *s = v;
    out->fields = &s->u;
    out->nfields = 1;
    out->meta = s->meta;
    out->nmeta = HEAT_NMETA;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    heat_state *s = v;
    pel_status st = pel_heat_set_state(s->h, in->step, in->fields[0].data);
    describe_u(s);
    return st;
}

static pel_status import_field(void *v, const pel_field *in)
{
    heat_state *s = v;
    if (strcmp(in->name, "u") != 0) return pel_error(s->ctx, PEL_EMISMATCH, "heat: no field '%s' to import", in->name);
    if (in->type != PEL_F64 || pel_field_count(in) != pel_heat_points(s->h))
        return pel_error(s->ctx, PEL_EMISMATCH, "heat: import u: %s with %llu values, expected f64 with %zu",
                         pel_dtype_name(in->type), (unsigned long long)pel_field_count(in), pel_heat_points(s->h));
    memcpy(pel_heat_field(s->h), in->data, pel_heat_points(s->h) * sizeof(double));
    return PEL_OK;
}

static double sim_time(void *v) { return pel_heat_time(((heat_state *)v)->h); }

const pel_component_type pel_heat_component = {
    .name = "heat",
    .numerics_version = PEL_HEAT_NUMERICS_VERSION,
    .step_noun = "step",
    .params_size = sizeof(pel_heat_params),
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
