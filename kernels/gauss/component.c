/* NPB EP as a component (include/pel/component.h): 2^(M+1) uniform numbers,
 * Gaussian pairs by the polar method, their sums and annulus counts.
 *
 * NPB 3.3.1 EP/ep.f times everything after setup; here create makes the
 * plan (the per-batch sums, as NPB's arrays are static) and the one step is
 * the whole run (pel_gauss_execute); a second step is refused.  verify after
 * the step: both sums against NPB's, relative error <= 1e-8.  The result
 * field "tally" is sx, sy and the 10 annulus counts, all as doubles (exact:
 * the counts are below 2^53); a checkpoint holds it. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/gauss.h>

#define NQ 10 /* NPB's annuli */

typedef struct ep_state {
    pel_context *ctx;
    pel_gauss_npb c;
    pel_gauss *g;
    double tally[2 + NQ];
    long step;
    char cls[2];
    pel_field ftally;
    pel_meta meta[1];
} ep_state;

static void params_default(void *p) { pel_npb_component_params_default(p); }

static void destroy(void *v)
{
    ep_state *s = v;
    pel_gauss_destroy(s->g);
    free(s);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const pel_npb_component_params *p = params;
    ep_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "ep: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_gauss_npb_class(ctx, p->cls, &s->c);
    if (st) return st;
    if (s->c.gauss.nannuli != NQ)
        return pel_error(ctx, PEL_EINVAL, "ep: class %c counts %d annuli, not NPB's %d", p->cls, s->c.gauss.nannuli, NQ);
    s->cls[0] = p->cls;
    s->ftally = (pel_field){"tally", PEL_F64, 1, {2 + NQ}, s->tally};
    s->meta[0] = (pel_meta){.name = "npb.class", .kind = PEL_META_STRING, .s = s->cls};
    return pel_gauss_create(ctx, &s->c.gauss, &s->g);
}

static pel_status advance(void *v, long nsteps)
{
    ep_state *s = v;
    if (s->step + nsteps > 1)
        return pel_error(s->ctx, PEL_EINVAL, "ep: the run is one step: %ld more from step %ld is beyond", nsteps, s->step);
    pel_gauss_tally t;
    uint64_t q[NQ];
    pel_status st = pel_gauss_execute(s->ctx, s->g, &t, q);
    if (st) return st;
    s->tally[0] = t.sx;
    s->tally[1] = t.sy;
    for (int l = 0; l < NQ; l++) s->tally[2 + l] = (double)q[l];
    s->step = 1;
    return PEL_OK;
}

static int fields(void *v, pel_field *out, int max)
{
    if (max > 0) out[0] = ((ep_state *)v)->ftally;
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    ep_state *s = v;
    if (s->step == 1) { /* NPB's test: |s - s_ref| <= 1e-8 |s_ref| for both sums */
        pel_verify_close(log, "ep sx", s->tally[0], s->c.sx_ref, 0.0, s->c.eps);
        pel_verify_close(log, "ep sy", s->tally[1], s->c.sy_ref, 0.0, s->c.eps);
    }
    return PEL_OK;
}

static pel_status save(void *v, pel_component_state *out)
{
    ep_state *s = v;
    out->fields = &s->ftally;
    out->nfields = 1;
    out->meta = s->meta;
    out->nmeta = 1;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    ep_state *s = v;
    if (in->step > 1) return pel_error(s->ctx, PEL_EMISMATCH, "ep: restore at step %ld: the run is one step", in->step);
    memcpy(s->tally, in->fields[0].data, sizeof s->tally);
    s->step = in->step;
    return PEL_OK;
}

const pel_component_type pel_gauss_component = {
    .name = "gauss",
    .numerics_version = PEL_GAUSS_NUMERICS_VERSION,
    .step_noun = "run",
    .params_size = sizeof(pel_npb_component_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .destroy = destroy,
};
