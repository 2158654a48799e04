/* NPB CG as a component (include/pel/component.h): the sparse family's CG
 * solver run the way NPB 3.3.1's cg.f runs it.
 *
 * create (NPB's untimed setup): makea's matrix, x = 1, one power step to
 * warm up, x = 1 again.  A step is one of NPB's timed inverse power steps:
 * z = A^-1 x by 25 CG iterations, zeta = shift + 1/(x.z), x = z/||z||.
 * verify after exactly the class's niter steps: zeta against NPB's
 * zeta_verify_value, relative error <= 1e-10; after fewer (or more), that
 * x has unit norm.  The state of a checkpoint is x, zeta and ||r||.
 * Exports x and "step_bytes" (one f64): the bytes a step streams by the
 * family's count, its 26 products (25 CG iterations and the residual) at
 * pel_sparse_csr_spmv_bytes each; the vector updates between them run from
 * cache on NPB's classes and are not counted (docs/sparse.md). */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pel/component.h>
#include <pel/memory.h>
#include <pel/sparse.h>

typedef struct cg_state {
    pel_context *ctx;
    pel_sparse_npb c;
    pel_sparse_csr *A;
    pel_sparse_cg *cg;
    double *x;
    double last[2]; /* zeta and ||r|| of the last step */
    double step_bytes;
    long step;
    char cls[2];
    pel_field fx, save_fields[2];
    pel_meta meta[1];
} cg_state;

static void params_default(void *p) { pel_npb_component_params_default(p); }

static void destroy(void *v)
{
    cg_state *s = v;
    pel_sparse_cg_destroy(s->cg);
    pel_sparse_csr_destroy(s->A);
    pel_free(s->x);
    free(s);
}

static void ones(double *x, int64_t n)
{
    for (int64_t j = 0; j < n; j++) x[j] = 1.0;
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    const pel_npb_component_params *p = params;
    cg_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "cg: out of memory");
    *out = s;
    s->ctx = ctx;
    pel_status st = pel_sparse_npb_class(ctx, p->cls, &s->c);
    if (st) return st;
    s->cls[0] = p->cls;
    const pel_sparse_npb *c = &s->c;
    if (!(s->x = pel_malloc((size_t)c->na * sizeof *s->x))) return pel_error(ctx, PEL_ENOMEM, "cg: out of memory");
    if ((st = pel_sparse_npb_makea(ctx, c->na, c->nonzer, c->rcond, c->shift, &s->A))) return st;
    if ((st = pel_sparse_cg_create(ctx, s->A, &s->cg))) return st;
    ones(s->x, c->na);
    st = pel_sparse_cg_power_step(s->cg, c->shift, c->cgit, s->x, NULL, NULL); /* NPB's untimed iteration */
    ones(s->x, c->na);
    s->step_bytes = (double)(c->cgit + 1) * pel_sparse_csr_spmv_bytes(s->A);
    uint64_t na = (uint64_t)c->na;
    s->fx = (pel_field){"x", PEL_F64, 1, {na}, s->x};
    s->save_fields[0] = s->fx;
    s->save_fields[1] = (pel_field){"zeta_rnorm", PEL_F64, 1, {2}, s->last};
    s->meta[0] = (pel_meta){.name = "npb.class", .kind = PEL_META_STRING, .s = s->cls};
    return st;
}

static pel_status advance(void *v, long nsteps)
{
    cg_state *s = v;
    for (long i = 0; i < nsteps; i++) {
        pel_status st = pel_sparse_cg_power_step(s->cg, s->c.shift, s->c.cgit, s->x, &s->last[0], &s->last[1]);
        if (st) return st;
        s->step++;
    }
    return PEL_OK;
}

static int fields(void *v, pel_field *out, int max)
{
    if (max > 0) out[0] = ((cg_state *)v)->fx;
    return 1;
}

static pel_status export_field(void *v, const char *name, pel_field *out)
{
    cg_state *s = v;
    if (strcmp(name, "x") == 0) *out = s->fx;
    else if (strcmp(name, "step_bytes") == 0) *out = (pel_field){"step_bytes", PEL_F64, 1, {1}, &s->step_bytes};
    else return pel_error(s->ctx, PEL_EMISMATCH, "sparse: no field '%s' to export (x or step_bytes)", name);
    return PEL_OK;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    cg_state *s = v;
    if (s->step == s->c.niter) {
        pel_verify_close(log, "cg.zeta", s->last[0], s->c.zeta_ref, 0.0, s->c.eps);
    } else if (s->step > 0) {
        /* x = z / ||z||: each x_j is rounded once and the sum of the na
         * squares, taken in order, is within (na + 2) eps of exact */
        double q = 0.0;
        for (int64_t j = 0; j < s->c.na; j++) q += s->x[j] * s->x[j];
        pel_verify_close(log, "cg.x_norm", sqrt(q), 1.0, 0.0, (double)(s->c.na + 4) * DBL_EPSILON);
    }
    return PEL_OK;
}

static pel_status save(void *v, pel_component_state *out)
{
    cg_state *s = v;
    out->fields = s->save_fields;
    out->nfields = 2;
    out->meta = s->meta;
    out->nmeta = 1;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    cg_state *s = v;
    memcpy(s->x, in->fields[0].data, (size_t)s->c.na * sizeof *s->x);
    memcpy(s->last, in->fields[1].data, sizeof s->last);
    s->step = in->step;
    return PEL_OK;
}

const pel_component_type pel_sparse_component = {
    .name = "sparse",
    .numerics_version = PEL_SPARSE_NUMERICS_VERSION,
    .step_noun = "iteration",
    .params_size = sizeof(pel_npb_component_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .export_field = export_field,
    .destroy = destroy,
};
