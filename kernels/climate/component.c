/* The coupled model as a component (pel/component.h): a step is one
 * coupling interval; the checkpoint is every component's own, with its
 * field names prefixed ("atmosphere/T"), the coupler's buffers and the
 * budgets' cumulative tables. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "climate/climate_impl.h"

static const char *const prefix[PEL_CLIMATE_NCOMP] = {"atmosphere", "ocean", "land"};
static const char *const cpl_names[CPL_NFIELDS] = {
    "coupler/sst",    "coupler/f_ocean", "coupler/f_land", "coupler/e_ocean", "coupler/pet",
    "coupler/e_land", "coupler/precip",  "coupler/runoff", "coupler/ocean_acc", "coupler/ocean_hf",
    "coupler/sfc_flux", "coupler/evap"};

static void params_default(void *p) { pel_climate_params_default(p); }

static pel_status create(pel_context *ctx, const void *p, void **out)
{
    return pel_climate_create(ctx, p, (pel_climate **)out);
}

static pel_status advance(void *v, long n) { return pel_climate_step(v, n); }

/* Result fields (what fingerprints and baselines cover): the components'
 * prognostic state as their checkpoints hold it, under the checkpoint's
 * names, so a --save file is a baseline of them. */
static const char *const result_names[] = {"atmosphere/T", "atmosphere/q", "ocean/eta", "ocean/u",
                                           "ocean/v", "ocean/hT", "land/W", "land/T_soil"};
enum { NRESULT = sizeof result_names / sizeof result_names[0] };

static pel_status save(void *v, pel_component_state *out);

static int fields(void *v, pel_field *out, int max)
{
    pel_climate *c = v;
    pel_component_state st;
    if (save(c, &st)) return -1;
    int n = 0;
    for (int k = 0; k < NRESULT; k++)
        for (int i = 0; i < st.nfields; i++)
            if (strcmp(st.fields[i].name, result_names[k]) == 0) {
                if (n < max) out[n] = st.fields[i];
                n++;
                break;
            }
    return n;
}

static pel_status verify(void *v, pel_verify_log *log) { return pel_climate_verify(v, log); }

static pel_status save(void *v, pel_component_state *out)
{
    pel_climate *c = v;
    int n = 0, nm = 0;
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        pel_component_state st;
        pel_status s = pel_component_save(c->comp[i], &st);
        if (s) return pel_error(c->ctx, s, "climate: %s: %s", prefix[i], pel_context_error(c->cctx[i]));
        if (n + st.nfields + CPL_NFIELDS + 4 > CLIMATE_MAX_SAVE || nm + st.nmeta + 8 > CLIMATE_MAX_META)
            return pel_error(c->ctx, PEL_ENOMEM, "climate: too many fields to checkpoint");
        for (int k = 0; k < st.nfields; k++, n++) {
            snprintf(c->save_names[n], sizeof c->save_names[n], "%s/%s", prefix[i], st.fields[k].name);
            c->save_f[n] = st.fields[k];
            c->save_f[n].name = c->save_names[n];
            c->save_from[n] = i;
        }
        for (int k = 0; k < st.nmeta; k++) c->meta[nm++] = st.meta[k];
    }
    for (int k = 0; k < CPL_NFIELDS; k++, n++) {
        const pel_sphere *g = k < CPL_NFINE ? &c->gf : &c->gc;
        c->save_f[n] = (pel_field){cpl_names[k], PEL_F64, 2, {g->ny, g->nx, 0, 0}, c->cpl[k]};
        c->save_from[n] = -1;
    }
    c->save_f[n] = (pel_field){"coupler/scalars", PEL_F64, 1, {4, 0, 0, 0}, c->scal};
    c->save_from[n++] = -1;
    pel_budget_save(c->heat, &c->save_f[n]);
    c->save_from[n++] = -1;
    pel_budget_save(c->water, &c->save_f[n]);
    c->save_from[n++] = -1;
    c->meta[nm++] = pel_meta_int("climate.ratio", (int64_t)c->p.ratio);
    c->meta[nm++] = pel_meta_int("climate.ocean_every", c->p.ocean_every);
    c->meta[nm++] = pel_meta_real("climate.exchange", c->p.exchange);
    c->meta[nm++] = pel_meta_real("climate.evap_rate", c->p.evap_rate);
    c->meta[nm++] = pel_meta_real("climate.drag", c->p.drag);
    c->meta[nm++] = pel_meta_real("climate.omega", c->p.omega);
    c->meta[nm++] = pel_meta_real("climate.ocean_dt", c->p.ocn.dt);
    c->nmeta = nm;
    out->fields = c->save_f;
    out->nfields = n;
    out->meta = c->meta;
    out->nmeta = nm;
    return PEL_OK;
}

/* `in` holds save's fields in save's order (the wrapper matched them). */
static pel_status restore(void *v, const pel_component_state *in)
{
    pel_climate *c = v;
    int k = 0;
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        pel_component_state own, sub = {0};
        pel_status s = pel_component_save(c->comp[i], &own);
        if (s) return s;
        pel_field f[CLIMATE_MAX_SAVE];
        for (int j = 0; j < own.nfields; j++, k++) {
            f[j] = own.fields[j];
            f[j].data = in->fields[k].data;
        }
        sub.step = in->step * (i == PEL_CLIMATE_OCN ? c->ocn_substeps : 1);
        sub.time = (double)in->step * c->p.atm.dt;
        sub.fields = f;
        sub.nfields = own.nfields;
        if ((s = pel_component_restore(c->comp[i], &sub)))
            return pel_error(c->ctx, s, "climate: %s: %s", prefix[i], pel_context_error(c->cctx[i]));
    }
    for (int j = 0; j < CPL_NFIELDS; j++, k++)
        memcpy(c->cpl[j], in->fields[k].data, (j < CPL_NFINE ? c->nf : c->nc) * sizeof(double));
    memcpy(c->scal, in->fields[k++].data, sizeof c->scal);
    pel_status s = pel_budget_restore(c->heat, &in->fields[k++]);
    if (!s) s = pel_budget_restore(c->water, &in->fields[k++]);
    if (s) return s;
    c->step = in->step;
    c->prev_valid = 0;
    return PEL_OK;
}

static double sim_time(void *v) { return pel_climate_time(v); }

static void destroy(void *v) { pel_climate_destroy(v); }

const pel_component_type pel_climate_component = {
    .name = "climate",
    .numerics_version = PEL_CLIMATE_NUMERICS_VERSION,
    .step_noun = "interval",
    .params_size = sizeof(pel_climate_params),
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
