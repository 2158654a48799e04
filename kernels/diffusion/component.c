/* NPB FT as a component (include/pel/component.h): spectral diffusion of a
 * random complex 3D field, one checksum per time step.
 *
 * NPB 3.3.1 FT/ft.f runs the initial condition and the forward FFT once
 * untimed, then times everything from the start again: the untimed pass
 * only touches the memory first.  Here create makes the solver (arrays,
 * first touched there, FFTW_ESTIMATE plans) and NPB's initial field in u
 * (the field at step 0), but not its transform, which would be done again
 * anyway; the first advance starts, as NPB's timed section does, with the
 * initial field and its transform;
 * a step t is evolve(t) and the checksum of the result.  verify checks the
 * checksum of every step done against NPB's, |sum - ref| / |ref| <= 1e-12
 * (after the class's niter steps: NPB's verification).  Steps beyond niter
 * are refused.  A checkpoint holds u and the checksums so far; the
 * spectrum, a function of the class only, is made by the first advance or,
 * after a restore past step 0, by the restore. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/diffusion.h>
#include <pel/memory.h>

#include "internal/core.h"

typedef struct ft_state {
    pel_context *ctx;
    pel_diffusion_npb c;
    pel_diffusion *d;
    double *u;
    size_t n;
    double sums[PEL_DIFFUSION_NPB_MAXITER][2];
    long step;
    int spectrum; /* the solver holds the class's spectrum */
    char cls[2];
    pel_field fu, save_fields[2];
    pel_meta meta[1];
} ft_state;

static void params_default(void *p) { pel_npb_component_params_default(p); }

static void destroy(void *v)
{
    ft_state *s = v;
    pel_diffusion_destroy(s->d);
    peli_pages_free(s->u, 2 * s->n * sizeof *s->u);
    free(s);
}

/* u = NPB's initial field and the solver's spectrum = its transform */
static pel_status initial(ft_state *s)
{
    pel_status st = pel_diffusion_npb_initial(s->d, s->c.seed, s->c.a, s->u);
    if (!st) st = pel_diffusion_set_initial(s->d, s->u);
    s->spectrum = !st;
    return st;
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const pel_npb_component_params *p = params;
    ft_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "ft: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_diffusion_npb_class(ctx, p->cls, &s->c);
    if (st) return st;
    s->cls[0] = p->cls;
    if ((st = pel_diffusion_create(ctx, &s->c.params, &s->d))) return st;
    s->n = pel_diffusion_points(s->d);
    if (!(s->u = peli_pages(2 * s->n * sizeof *s->u)))
        return pel_error(ctx, PEL_ENOMEM, "ft: no memory for the %zu-point field", s->n);
    const pel_diffusion_params *g = &s->c.params;
    s->fu = (pel_field){"u", PEL_F64, 4, {g->n[0], g->n[1], g->n[2], 2}, s->u};
    s->save_fields[0] = s->fu;
    s->save_fields[1] = (pel_field){"checksums", PEL_F64, 2, {(uint64_t)s->c.niter, 2}, s->sums};
    s->meta[0] = (pel_meta){.name = "npb.class", .kind = PEL_META_STRING, .s = s->cls};
    /* the field at step 0 (and u's first touch, with the split of the passes that write it) */
    return pel_diffusion_npb_initial(s->d, s->c.seed, s->c.a, s->u);
}

static pel_status advance(void *v, long nsteps)
{
    ft_state *s = v;
    if (nsteps > s->c.niter - s->step)
        return pel_error(s->ctx, PEL_EINVAL, "ft: class %c has %d time steps: %ld more from step %ld is beyond",
                         s->c.cls, s->c.niter, nsteps, s->step);
    pel_status st = s->step == 0 ? initial(s) : PEL_OK; /* the start of NPB's timed section */
    for (long i = 0; i < nsteps && !st; i++) {
        /* a check point per time step (pel_context_set_cancel) */
        if (peli_cancelled(s->ctx)) return peli_cancel_error(s->ctx, "ft", i, nsteps, "time steps");
        long t = s->step + 1;
        st = pel_diffusion_evolve(s->d, (double)t, s->u);
        if (!st) st = pel_diffusion_checksum(s->d, s->u, s->sums[t - 1]);
        if (!st) s->step = t;
    }
    return st;
}

static int fields(void *v, pel_field *out, int max)
{
    if (max > 0) out[0] = ((ft_state *)v)->fu;
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    ft_state *s = v;
    for (long t = 1; t <= s->step; t++) {
        /* NPB's test: |sum - ref| / |ref| <= 1e-12 in complex arithmetic */
        char name[PEL_VERIFY_NAME_MAX];
        snprintf(name, sizeof name, "ft checksum %ld relative error", t);
        pel_verify_at_most(log, name, pel_diffusion_npb_error(s->sums[t - 1], s->c.checksum[t - 1]), s->c.epsilon);
    }
    return PEL_OK;
}

static pel_status save(void *v, pel_component_state *out)
{
    ft_state *s = v;
    out->fields = s->save_fields;
    out->nfields = 2;
    out->meta = s->meta;
    out->nmeta = 1;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    ft_state *s = v;
    if (in->step > s->c.niter)
        return pel_error(s->ctx, PEL_EMISMATCH, "ft: restore at step %ld: class %c has %d time steps", in->step,
                         s->c.cls, s->c.niter);
    if (in->step > 0 && !s->spectrum) { /* evolve needs the spectrum (u is overwritten next) */
        pel_status st = initial(s);
        if (st) return st;
    }
    memcpy(s->u, in->fields[0].data, 2 * s->n * sizeof *s->u);
    memcpy(s->sums, in->fields[1].data, (size_t)s->c.niter * sizeof s->sums[0]);
    s->step = in->step;
    return PEL_OK;
}

const pel_component_type pel_diffusion_component = {
    .name = "diffusion",
    .numerics_version = PEL_DIFFUSION_NUMERICS_VERSION,
    .step_noun = "iteration",
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
