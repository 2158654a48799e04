/* The Poisson family as a component (include/pel/component.h): solves of
 * the solver's manufactured problem, f into phi.  Each solve is independent
 * of the last, so the state of a checkpoint is phi and the step count.
 * Importing "f" replaces the manufactured right-hand side (the exact
 * solution is then unknown and verification checks the residual only). */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pel/component.h>

#include "internal/core.h"
#include <pel/memory.h>
#include <pel/poisson.h>

#include "internal/poisson.h"

#define POISSON_NMETA 3

typedef struct poisson_state {
    pel_context *ctx;
    pel_poisson *ps;
    pel_poisson_params p;
    double *f, *phi, *exact; /* exact: NULL once f was imported */
    size_t n;
    pel_field phi_field, f_field;
    pel_meta meta[POISSON_NMETA];
    char grid[96]; /* "NxM" or "NxMxK", as the user writes poisson.grid */
} poisson_state;

static void params_default(void *p) { pel_poisson_params_default(p, 2); }

static void destroy(void *v)
{
    poisson_state *s = v;
    pel_poisson_destroy(s->ps);
    pel_free(s->f);
    pel_free(s->phi);
    pel_free(s->exact);
    free(s);
}

/* Values each in its accepted range must give a meaningful solve too: the
 * symbols scale as 1/length^2, and the smallest nonzero one divided by the
 * point count N (the residual's scaling) must be a normal double, the
 * largest times N (the solve's) finite; else the solve gives inf or NaN.
 * The advice scales every length by one factor, keeping their ratios. */
static pel_status check_derived(pel_context *ctx, const pel_poisson_params *p)
{
    if (p->dim != 2 && p->dim != 3) return PEL_OK; /* create says */
    double N = 1.0, smin = INFINITY, smax = 0.0, smin1 = INFINITY, smax1 = 0.0;
    for (int d = 0; d < p->dim; d++) {
        if (p->n[d] < 2 || !(p->length[d] > 0) || !isfinite(p->length[d])) return PEL_OK;
        N *= (double)p->n[d];
    }
    for (int d = 0; d < p->dim; d++) {
        double ratio = p->length[d] / p->length[0];
        long half = (long)(p->n[d] / 2);
        smin = fmin(smin, -peli_poisson_symbol(p->laplacian, p->length[d], p->n[d], 1));
        smax += -peli_poisson_symbol(p->laplacian, p->length[d], p->n[d], half);
        smin1 = fmin(smin1, -peli_poisson_symbol(p->laplacian, ratio, p->n[d], 1));
        smax1 += -peli_poisson_symbol(p->laplacian, ratio, p->n[d], half);
    }
    if (smin / N >= DBL_MIN && isfinite(smax * N)) return PEL_OK;
    int small = !isfinite(smax * N);
    double lo = 1.01 * sqrt(N * smax1 / DBL_MAX), hi = 0.99 * sqrt(smin1 / (N * DBL_MIN));
    return pel_error(ctx, PEL_EINVAL,
                     "poisson: length[0] = %g too %s for this grid: h = %g, the %s symbol |lambda| = %g %s; "
                     "use a length from %.3g to %.3g",
                     p->length[0], small ? "small" : "large", p->length[0] / (double)p->n[0],
                     small ? "largest" : "smallest nonzero", small ? smax : smin,
                     small ? "overflows" : "underflows", lo, hi);
}

/* The library names its parameter (wisdom_file); the component's users set
 * poisson.wisdom (as its metadata names poisson.grid): a message about the
 * wisdom file names that setting and the path instead. */
static pel_status wisdom_as_setting(pel_context *ctx, pel_status st, const char *path)
{
    char head[1100], why[512];
    if (!path || strlen(path) > 1024) return st;
    snprintf(head, sizeof head, PELI_POISSON_WISDOM_MSG, path);
    const char *m = pel_context_error(ctx);
    size_t n = strlen(head);
    if (strncmp(m, head, n) != 0) return st;
    snprintf(why, sizeof why, "%s", m + n);
    return pel_error(ctx, st, "poisson.wisdom = '%s': %s", path, why);
}

static pel_status create(pel_context *ctx, const void *params, void **out)
{
    pel_status st0 = check_derived(ctx, params);
    if (st0) return st0;
    poisson_state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "poisson: out of memory");
    *out = s;
    s->ctx = ctx;
    s->p = *(const pel_poisson_params *)params;
    pel_status st = pel_poisson_create(ctx, &s->p, &s->ps);
    if (st) return wisdom_as_setting(ctx, st, s->p.wisdom_file);
    s->p.wisdom_file = NULL; /* only create reads it */
    s->n = pel_poisson_points(s->ps);
    s->f = pel_malloc(s->n * sizeof(double));
    s->phi = pel_malloc(s->n * sizeof(double));
    s->exact = pel_malloc(s->n * sizeof(double));
    if (!s->f || !s->phi || !s->exact) return pel_error(ctx, PEL_ENOMEM, "poisson: out of memory for %zu points", s->n);
    int dim = s->p.dim;
    pel_first_touch_zero(ctx, s->phi, s->n / s->p.n[dim - 1], s->p.n[dim - 1]);
    const size_t *n = s->p.n;
    s->phi_field = (pel_field){"phi", PEL_F64, dim, {n[0], n[1], n[2], 0}, s->phi};
    s->f_field = (pel_field){"f", PEL_F64, dim, {n[0], n[1], n[2], 0}, s->f};
    /* what a restart or a baseline must share with this object */
    int k = 0;
    s->meta[k++] = peli_meta_grid("poisson.grid", dim, n, s->grid, sizeof s->grid);
    s->meta[k++] = pel_meta_real("poisson.length", s->p.length[0]);
    s->meta[k++] = pel_meta_string("poisson.laplacian", s->p.laplacian == PEL_LAPLACIAN_FD2 ? "fd2" : "spectral");
    return pel_poisson_manufactured(s->ps, s->f, s->exact);
}

static pel_status advance(void *v, long nsolves)
{
    poisson_state *s = v;
    for (long i = 0; i < nsolves; i++) {
        pel_status st = pel_poisson_solve(s->ps, s->f, s->phi);
        if (st) return st;
    }
    return PEL_OK;
}

static int fields(void *v, pel_field *out, int max)
{
    if (max > 0) out[0] = ((poisson_state *)v)->phi_field;
    return 1;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    poisson_state *s = v;
    return pel_poisson_verify(s->ps, s->f, s->phi, s->exact, log);
}

/* phi only: the manufactured f is made again by create, and an imported f
 * is an input, which a coupler imports again after a restore. */
static pel_status save(void *v, pel_component_state *out)
{
    poisson_state *s = v;
    out->fields = &s->phi_field;
    out->nfields = 1;
    out->meta = s->meta;
    out->nmeta = POISSON_NMETA;
    return PEL_OK;
}

static pel_status restore(void *v, const pel_component_state *in)
{
    poisson_state *s = v;
    memcpy(s->phi, in->fields[0].data, s->n * sizeof(double));
    return PEL_OK;
}

static pel_status export_field(void *v, const char *name, pel_field *out)
{
    poisson_state *s = v;
    if (strcmp(name, "phi") == 0) *out = s->phi_field;
    else if (strcmp(name, "f") == 0) *out = s->f_field;
    else return pel_error(s->ctx, PEL_EMISMATCH, "poisson: no field '%s' to export", name);
    return PEL_OK;
}

static pel_status import_field(void *v, const pel_field *in)
{
    poisson_state *s = v;
    if (strcmp(in->name, "f") != 0) return pel_error(s->ctx, PEL_EMISMATCH, "poisson: no field '%s' to import", in->name);
    if (in->type != PEL_F64 || pel_field_count(in) != s->n)
        return pel_error(s->ctx, PEL_EMISMATCH, "poisson: import f: %s with %llu values, expected f64 with %zu",
                         pel_dtype_name(in->type), (unsigned long long)pel_field_count(in), s->n);
    memcpy(s->f, in->data, s->n * sizeof(double));
    pel_free(s->exact);
    s->exact = NULL;
    return PEL_OK;
}

const pel_component_type pel_poisson_component = {
    .name = "poisson",
    .numerics_version = PEL_POISSON_NUMERICS_VERSION,
    .step_noun = "solve",
    .params_size = sizeof(pel_poisson_params),
    .params_default = params_default,
    .create = create,
    .advance = advance,
    .fields = fields,
    .verify = verify,
    .save = save,
    .restore = restore,
    .export_field = export_field,
    .import_field = import_field,
    .destroy = destroy,
};
