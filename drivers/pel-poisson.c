/* pel-poisson: periodic Poisson solves with FFTW (kernels/poisson) on a
 * manufactured problem whose exact solution is known. */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "common/driver.h"

extern const char pel_poisson_defaults[];

static const pel_cfg_key poisson_keys[] = {
    {"poisson", "grid", PEL_CFG_GRID, 2, 1e6, NULL, "points per period, NxM (2D) or NxMxK (3D)"},
    {"poisson", "length", PEL_CFG_REAL, 1e-300, 1e300, NULL, "period in every dimension"},
    {"poisson", "laplacian", PEL_CFG_ENUM, 0, 0, "spectral|fd2", "symbol inverted: spectral or 2nd-order stencil"},
    {"poisson", "wisdom", PEL_CFG_STRING, 0, 0, NULL, "FFTW wisdom file to import (empty: none)"},
    PEL_CFG_END};

typedef struct state {
    pel_poisson *ps;
    pel_poisson_params p;
    double *f, *phi, *exact;
    size_t n;
} state;

static void teardown(void *v)
{
    state *s = v;
    pel_poisson_destroy(s->ps);
    pel_free(s->f);
    pel_free(s->phi);
    pel_free(s->exact);
    free(s);
}

static pel_status setup(pel_context *ctx, const pel_config *cfg, void **out)
{
    state *s = calloc(1, sizeof *s);
    if (!s) return pel_error(ctx, PEL_ENOMEM, "out of memory");
    *out = s;
    size_t n[3] = {1, 1, 1};
    int dim = pel_config_grid(cfg, "poisson", "grid", n);
    pel_poisson_params_default(&s->p, dim);
    for (int d = 0; d < 3; d++) {
        s->p.n[d] = d < dim ? n[d] : 1;
        s->p.length[d] = pel_config_real(cfg, "poisson", "length");
    }
    s->p.laplacian = pel_config_enum(cfg, "poisson", "laplacian") ? PEL_LAPLACIAN_FD2 : PEL_LAPLACIAN_SPECTRAL;
    const char *wisdom = pel_config_string(cfg, "poisson", "wisdom");
    s->p.wisdom_file = *wisdom ? wisdom : NULL;
    pel_status st = pel_poisson_create(ctx, &s->p, &s->ps);
    if (st) return st;
    s->n = pel_poisson_points(s->ps);
    s->f = pel_malloc(s->n * sizeof(double));
    s->phi = pel_malloc(s->n * sizeof(double));
    s->exact = pel_malloc(s->n * sizeof(double));
    if (!s->f || !s->phi || !s->exact) return pel_error(ctx, PEL_ENOMEM, "poisson: out of memory for %zu points", s->n);
    size_t rows = s->n / s->p.n[dim - 1];
    pel_first_touch_zero(ctx, s->phi, rows, s->p.n[dim - 1]);
    return pel_poisson_manufactured(s->ps, s->f, s->exact);
}

static pel_status advance(void *v, long nsolves)
{
    state *s = v;
    for (long i = 0; i < nsolves; i++) {
        pel_status st = pel_poisson_solve(s->ps, s->f, s->phi);
        if (st) return st;
    }
    return PEL_OK;
}

static pel_status verify(void *v, pel_verify_log *log)
{
    state *s = v;
    return pel_poisson_verify(s->ps, s->f, s->phi, s->exact, log);
}

static int fields(void *v, pel_field *out)
{
    state *s = v;
    out[0] = (pel_field){"phi", PEL_F64, s->p.dim, {s->p.n[0], s->p.n[1], s->p.n[2], 0}, s->phi};
    return 1;
}

/* What a baseline must share with this run. */
static int meta(void *v, pel_meta *out)
{
    state *s = v;
    int k = 0;
    out[k++] = pel_meta_int("poisson.dim", s->p.dim);
    for (int d = 0; d < 3; d++) {
        static const char *name[] = {"poisson.grid0", "poisson.grid1", "poisson.grid2"};
        out[k++] = pel_meta_int(name[d], (int64_t)s->p.n[d]);
    }
    out[k++] = pel_meta_real("poisson.length", s->p.length[0]);
    out[k++] = pel_meta_string("poisson.laplacian", s->p.laplacian == PEL_LAPLACIAN_FD2 ? "fd2" : "spectral");
    return k;
}

/* FFTW's convention: a real transform of N points costs 2.5 N log2 N flops;
 * a solve does one forward and one backward transform. */
static int rates(void *v, long nsolves, double seconds, pel_run_rate *out)
{
    state *s = v;
    double N = (double)s->n, per = seconds > 0 ? (double)nsolves / seconds : 0.0;
    out[0] = (pel_run_rate){"solves", per, "solve/s"};
    out[1] = (pel_run_rate){"transform rate", per * 5.0 * N * log2(N) * 1e-9, "GFLOP/s"};
    return 2;
}

static const pel_driver poisson_driver = {
    .name = "pel-poisson",
    .purpose = "Periodic Poisson solves with FFTW, verified against a manufactured solution.",
    .defaults = pel_poisson_defaults,
    .schema = poisson_keys,
    .step_noun = "solve",
    .numerics = PEL_RUN_NUMERICS("poisson", PEL_POISSON_NUMERICS_VERSION),
    .setup = setup,
    .advance = advance,
    .verify = verify,
    .fields = fields,
    .rates = rates,
    .meta = meta,
    .teardown = teardown,
};

int main(int argc, char **argv) { return pel_driver_main(&poisson_driver, argc, argv); }
