/* The heat family as a component (include/pel/component.h): the pel_heat
 * solver behind the generic interface.  A step is one FTCS step; the state
 * of a checkpoint is the field u and the step count. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pel/component.h>

#include "internal/core.h"
#include <pel/heat.h>

#define HEAT_NMETA 10

typedef struct heat_state {
    pel_context *ctx;
    pel_heat *h;
    pel_field u;
    pel_meta meta[HEAT_NMETA];
    char grid[96]; /* "NxM" or "NxMxK", as the user writes heat.grid */
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
    m[k++] = peli_meta_grid("heat.grid", p->dim, p->n, s->grid, sizeof s->grid);
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

/* The quantities derived from values each in its accepted range must make a
 * meaningful run too: every spacing h_d and h_d^2 a normal double, the
 * stability limit on dt a positive normal number (so "use dt <= X" can be
 * followed), and r = sum alpha dt / h_d^2 at least the double epsilon (below
 * it a step leaves every value as it was).  The stability limit itself is
 * pel_heat_create's check.  Lengths scale by one factor c = length[0] in the
 * advice, keeping their ratios: h_d = c q_d with q_d = ratio_d / cells_d. */
/* 3 significant digits, rounded up: a lower bound that itself holds. */
static double round_up3(double x)
{
    if (!(x > 0) || !isfinite(x)) return x;
    double scale = pow(10.0, floor(log10(x)) - 2);
    return ceil(x / scale) * scale * (1 + 2 * DBL_EPSILON);
}

static pel_status check_derived(pel_context *ctx, const pel_heat_params *p)
{
    if ((p->dim != 2 && p->dim != 3) || !(p->alpha > 0) || !isfinite(p->alpha) || !(p->dt > 0)) return PEL_OK;
    double c = p->length[0], inv1 = 0.0, lo = 0.0, hi = INFINITY, inv_h2 = 0.0;
    int h2_bad = 0;
    for (int d = 0; d < p->dim; d++) {
        size_t cells = p->bc == PEL_BC_PERIODIC ? p->n[d] : p->n[d] - 1;
        if (p->n[d] < 2 || !(p->length[d] > 0) || !isfinite(p->length[d])) return PEL_OK; /* create says */
        double q = (p->length[d] / c) / (double)cells, h = p->length[d] / (double)cells;
        h2_bad |= !(h * h >= DBL_MIN) || !isfinite(h * h);
        inv_h2 += 1.0 / (h * h);
        inv1 += 1.0 / (q * q);
        lo = fmax(lo, sqrt(DBL_MIN) / q); /* h_d^2 normal */
        hi = fmin(hi, sqrt(DBL_MAX) / q);
    }
    /* the stability limit dt <= c^2 S / (alpha inv1) normal */
    double k = sqrt(p->alpha * inv1 / PEL_HEAT_STABILITY_SUM);
    lo = fmax(lo, k * sqrt(DBL_MIN));
    hi = fmin(hi, k * sqrt(DBL_MAX));
    double dt_max = PEL_HEAT_STABILITY_SUM / (p->alpha * inv_h2);
    int dt_bad = !(dt_max >= DBL_MIN) || !isfinite(dt_max);
    if (h2_bad || dt_bad) {
        int small = c < lo;
        char why[96];
        if (h2_bad) snprintf(why, sizeof why, "h = %g, h^2 %s", p->length[0] / (double)(p->bc == PEL_BC_PERIODIC ? p->n[0] : p->n[0] - 1),
                              small ? "underflows" : "overflows");
        else snprintf(why, sizeof why, "the stability limit dt <= %g %s", dt_max, small ? "underflows" : "overflows");
        if (!(1.01 * lo < 0.99 * hi))
            return pel_error(ctx, PEL_EINVAL, "heat: alpha = %g and length %g on this grid: %s; no length helps: use an alpha nearer 1",
                             p->alpha, c, why);
        return pel_error(ctx, PEL_EINVAL, "heat: length[0] = %g too %s for this grid: %s; use a length from %.3g to %.3g",
                         c, small ? "small" : "large", why, 1.01 * lo, 0.99 * hi);
    }
    double r = p->alpha * p->dt * inv_h2;
    if (r < DBL_EPSILON) {
        double dt_min = DBL_EPSILON / (p->alpha * inv_h2);
        char use[96];
        if (isfinite(dt_min) && dt_min <= dt_max)
            snprintf(use, sizeof use, "use dt >= %.3g (stable up to %.3g)", round_up3(dt_min), dt_max);
        else
            snprintf(use, sizeof use, "use a smaller length or a larger alpha");
        return pel_error(ctx, PEL_EINVAL,
                         "heat: dt = %g gives r = %.3g (alpha*dt/h^2), below the double epsilon: "
                         "a step would change no value; %s",
                         p->dt, r, use);
    }
    return PEL_OK;
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    pel_status st0 = check_derived(ctx, params);
    if (st0) return st0;
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
