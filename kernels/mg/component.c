/* NPB MG as a component (include/pel/component.h): the multigrid solver of
 * kernels/mg run the way NPB 3.3.1's mg.f runs it.
 *
 * create (NPB's untimed setup): the solver with zran3's right-hand side v
 * and u = 0, made in the pass that first touches the arrays.  The initial
 * residual's norm (for the check after another number of steps) is the
 * one the first step takes (u is still 0 then), or, on a restart, taken
 * before the checkpoint's u is set.  NPB's setup also runs one V-cycle to warm up and
 * then sets u = 0 again; its only use is to have touched the memory before
 * the timed section, which the solver's create has done, and it changes no
 * result, so it is left out.  The first advance starts, as NPB's timed
 * section does, with the residual and its norm; a step is one V-cycle (a
 * call runs its steps as one batch, pel_mg_vcycle), and each call ends with
 * the norms.  verify after exactly the class's nit steps: the L2 norm of
 * the residual against NPB's verify_value, relative error <= 1e-8; after
 * another count, that the residual norm is below the initial one (v's).
 * The result field "ur" is u followed by r, viewed in the solver's own
 * storage (pel_mg_view_ur: no copy); a checkpoint holds u, from
 * which restore recomputes r = v - A u. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/memory.h>
#include <pel/mg.h>

typedef struct mg_state {
    pel_context *ctx;
    pel_mg_npb c;
    pel_mg *mg;
    const double *ur; /* u then r: the solver's pel_mg_view_ur, made on demand */
    size_t points;
    double l2, linf, l2_initial;
    long step;
    int ur_current;
    char cls[2];
    pel_field fur, fu;
    pel_meta meta[1];
} mg_state;

static void params_default(void *p) { pel_npb_component_params_default(p); }

static void destroy(void *v)
{
    mg_state *s = v;
    pel_mg_destroy(s->mg);
    free(s);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const pel_npb_component_params *p = params;
    mg_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "mg: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_mg_npb_class(ctx, p->cls, &s->c);
    if (st) return st;
    s->cls[0] = p->cls;
    pel_mg_params mp;
    pel_mg_npb_solver_params(&s->c, &mp);
    mp.zran3 = 1; /* NPB's v, u = 0 */
    size_t n = s->c.n;
    s->points = n * n * n;
    if ((st = pel_mg_create(ctx, &mp, &s->mg))) return st;
    s->fur = (pel_field){"ur", PEL_F64, 4, {2, n, n, n}, NULL};
    s->fu = (pel_field){"u", PEL_F64, 3, {n, n, n}, NULL};
    s->meta[0] = (pel_meta){.name = "npb.class", .kind = PEL_META_STRING, .s = s->cls};
    return st;
}

static pel_status advance(void *v, long nsteps)
{
    mg_state *s = v;
    pel_status st = PEL_OK;
    s->ur_current = 0;
    if (s->step == 0) { /* the start of NPB's timed section: with u = 0, r = v */
        st = pel_mg_residual(s->mg);
        if (!st) st = pel_mg_norms(s->mg, &s->l2, &s->linf);
        s->l2_initial = s->l2;
    }
    if (!st) st = pel_mg_vcycle(s->mg, nsteps);
    if (!st) st = pel_mg_norms(s->mg, &s->l2, &s->linf);
    if (!st) s->step += nsteps;
    return st;
}

/* The solver's u and r as one array, in place (valid until the next solver call). */
static pel_status fill_ur(mg_state *s)
{
    if (s->ur_current) return PEL_OK;
    pel_status st = pel_mg_view_ur(s->mg, &s->ur);
    s->fur.data = s->fu.data = st ? NULL : s->ur;
    s->ur_current = !st;
    return st;
}

static int fields(void *v, pel_field *out, int max)
{
    mg_state *s = v;
    if (max > 0) {
        pel_status st = fill_ur(s);
        out[0] = s->fur;
        if (st) out[0].data = NULL;
    }
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    mg_state *s = v;
    if (s->step == s->c.iterations)
        pel_verify_close(log, "mg.l2_norm", s->l2, s->c.l2_reference, 0.0, s->c.epsilon);
    else if (s->step > 0) /* a V-cycle reduces the residual */
        pel_verify_at_most(log, "mg.l2_norm_reduced", s->l2, s->l2_initial);
    return PEL_OK;
}

static pel_status save(void *v, pel_component_state *out)
{
    mg_state *s = v;
    pel_status st = fill_ur(s);
    if (st) return st;
    out->fields = &s->fu;
    out->nfields = 1;
    out->meta = s->meta;
    out->nmeta = 1;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    mg_state *s = v;
    s->ur_current = 0;
    /* the initial residual's norm first, from create's u = 0 */
    pel_status st = pel_mg_residual(s->mg);
    if (!st) st = pel_mg_norms(s->mg, &s->l2_initial, NULL);
    if (!st) st = pel_mg_set_solution(s->mg, in->fields[0].data);
    if (!st) st = pel_mg_residual(s->mg);
    if (!st) st = pel_mg_norms(s->mg, &s->l2, &s->linf);
    if (!st) s->step = in->step;
    return st;
}

const pel_component_type pel_mg_component = {
    .name = "mg",
    .numerics_version = PEL_MG_NUMERICS_VERSION,
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
