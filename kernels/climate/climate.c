/* The coupled climate model (pel/climate.h): create, the coupling interval
 * and its budgets. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "climate/climate_impl.h"
#include "internal/core.h"
#include "internal/team.h"
#include <pel/mask.h>
#include <pel/memory.h>
#include <pel/reduce.h>

static const char *const comp_names[4] = {"atmosphere", "ocean", "land", "coupler"};
enum { COL_CPL = 3 };
static const char *const heat_terms[4] = {"shortwave", "longwave", "surface", "ocean_forcing"};
enum { H_SW, H_LW, H_SFC, H_OCN };
static const char *const water_terms[6] = {"evaporation", "precipitation", "precip_to_sfc",
                                           "land_evaporation", "runoff", "runoff_to_ocean"};
enum { W_EVAP, W_PRECIP, W_PSFC, W_LEVAP, W_RUNOFF, W_ROCN };

void pel_climate_params_default(pel_climate_params *p)
{
    memset(p, 0, sizeof *p);
    pel_atmosphere_params_default(&p->atm);
    p->atm.ny = 18;
    p->atm.dt = 3600.0;
    pel_ocean_params_default(&p->ocn);
    p->ocn.equations = PEL_OCEAN_LINEAR;
    p->ocn.depth = 50.0;
    p->ocn.drag = 5e-4;
    p->ocn.viscosity = 2e4;
    p->ocn.dt = 1800.0;
    p->ocn.sst_south = p->ocn.sst_north = 10.0;
    pel_land_params_default(&p->lnd);
    p->lnd.t0 = 283.15;
    p->ratio = 2;
    p->mask_path = NULL;
    p->ocean_every = 24;
    p->exchange = 20.0;
    p->evap_rate = 1.0 / (5.0 * 86400.0);
    p->drag = 1.2 * 1.3e-3;
    p->omega = 7.292e-5;
    p->mode = PEL_CONCURRENT_TASKS;
    p->rebalance_every = 0;
}

/* ---- views of the components' fields --------------------------------------------- */

static const double *view(pel_climate *c, int which, const char *name)
{
    pel_field f;
    if (pel_component_export(c->comp[which], name, &f)) return NULL;
    return f.data;
}

static pel_status give(pel_climate *c, int which, const char *name, const double *data, int fine)
{
    const pel_sphere *g = fine ? &c->gf : &c->gc;
    pel_field f = {name, PEL_F64, 2, {g->ny, g->nx, 0, 0}, data};
    pel_status s = pel_component_import(c->comp[which], &f);
    if (s)
        pel_error(c->ctx, s, "climate: %s import %s: %s", comp_names[which], name,
                  pel_context_error(c->cctx[which]));
    return s;
}

/* The ocean's heat content per cell, hT (from its checkpoint state). */
static const double *ocean_ht(pel_climate *c)
{
    pel_component_state st;
    if (pel_component_save(c->comp[PEL_CLIMATE_OCN], &st)) return NULL;
    for (int i = 0; i < st.nfields; i++)
        if (strcmp(st.fields[i].name, "hT") == 0) return st.fields[i].data;
    return NULL;
}

static double mean(pel_climate *c, const double *x, size_t n) { return pel_sum(c->ctx, x, n) / (double)n; }

/* Means of a term per cell, summed through pel_reduce's fixed tree with
 * the leaf of pel_sum (eight interleaved accumulators, combined pairwise),
 * so each is bitwise the mean of the term's values stored in an array and
 * summed by pel_sum, without the serial pass that stored them. */
typedef struct term {
    const double *a, *b, *f;
    const unsigned char *wet;
    double s;
} term;

#define TERM_LEAF(name, TERM)                                                               \
    PELI_LEAF8(name, TERM, const term *u = user; const double *a = u->a, *b = u->b, *f = u->f; \
               const unsigned char *wet = u->wet; const double s = u->s; (void)b, (void)f, (void)wet, (void)s;)
#define T_PROD(i) (a[i] * b[i])
#define T_PROD_C(i) (a[i] * (1.0 - b[i]))
#define T_DIFF(i) (a[i] - b[i])
#define T_FDIFF(i) (f[i] * (a[i] - b[i]))
#define T_WDIFF(i) (wet[i] ? a[i] - b[i] : 0.0)
#define T_SHIFT(i) (a[i] + s)
#define T_WSHIFT(i) (wet[i] ? a[i] + s : 0.0)
TERM_LEAF(leaf_prod, T_PROD)
TERM_LEAF(leaf_prod_c, T_PROD_C)
TERM_LEAF(leaf_diff, T_DIFF)
TERM_LEAF(leaf_fdiff, T_FDIFF)
TERM_LEAF(leaf_wdiff, T_WDIFF)
TERM_LEAF(leaf_shift, T_SHIFT)
TERM_LEAF(leaf_wshift, T_WSHIFT)

static double mean_term(pel_climate *c, size_t n, pel_reduce_leaf leaf, const double *a, const double *b,
                        const double *f, double s)
{
    term u = {a, b, f, c->wet, s};
    return pel_reduce(c->ctx, PEL_REDUCE_SUM, n, leaf, &u) / (double)n;
}

/* mean of a * b and of a * (1 - b), over the fine grid */
static double mean_prod(pel_climate *c, const double *a, const double *b, int complement)
{
    return mean_term(c, c->nf, complement ? leaf_prod_c : leaf_prod, a, b, NULL, 0.0);
}

/* elementwise work over the fine grid's rows, through the team launcher */
typedef struct rows_job {
    pel_climate *c;
    int what; /* ROWS_* */
    double n;
    const double *src[3]; /* ROWS_COPY: into dst */
    double *dst[3];
} rows_job;
enum { ROWS_OCEAN_MEAN, ROWS_ACCUMULATE, ROWS_COPY };

static void fine_rows(int t, int nt, void *arg)
{
    rows_job *j = arg;
    pel_climate *c = j->c;
    double **f = c->cpl;
    const double *fl = c->frac, n = j->n;
    const size_t nx = c->gf.nx, ny = c->gf.ny;
    const size_t k0 = nx * (ny * (size_t)t / (size_t)nt), k1 = nx * (ny * (size_t)(t + 1) / (size_t)nt);
    if (j->what == ROWS_OCEAN_MEAN)
        for (size_t k = k0; k < k1; k++) {
            f[CPL_OCN_HF][k] = n > 0 ? f[CPL_OCN_ACC][k] / n : 0.0;
            f[CPL_OCN_ACC][k] = 0.0;
        }
    else if (j->what == ROWS_ACCUMULATE)
        for (size_t k = k0; k < k1; k++) {
            f[CPL_OCN_ACC][k] -= (1.0 - fl[k]) * f[CPL_F_OCN][k];
            c->w1[k] = -f[CPL_F_LND][k];
        }
    else
        for (int m = 0; m < 3; m++)
            if (j->src[m]) memcpy(j->dst[m] + k0, j->src[m] + k0, (k1 - k0) * sizeof(double));
}

static void copy_fine(pel_climate *c, const double *s0, double *d0, const double *s1, double *d1,
                      const double *s2, double *d2)
{
    rows_job j = {c, ROWS_COPY, 0.0, {s0, s1, s2}, {d0, d1, d2}};
    peli_parallel(c->ctx, c->gf.ny, 0, 0, fine_rows, &j);
}

/* ---- the coupler's fluxes: one parallel pass over the fine rows ---------------------- */

typedef struct flux_job {
    pel_climate *c;
    const double *T, *q, *P, *Ts, *El, *R;
} flux_job;

static void flux_rows(int t, int nt, void *arg)
{
    flux_job *j = arg;
    pel_climate *c = j->c;
    const size_t ny = c->gf.ny, nx = c->gf.nx, r = c->r, nxc = c->gc.nx;
    const size_t j0 = ny * (size_t)t / (size_t)nt, j1 = ny * (size_t)(t + 1) / (size_t)nt;
    const double gam = c->p.exchange, ce = c->p.evap_rate, qs0 = c->p.atm.qs0, cc = c->p.atm.qs_rate;
    double **f = c->cpl;
    for (size_t b = j0; b < j1; b++)
        for (size_t i = 0; i < nx; i++) {
            size_t k = b * nx + i, kc = (b / r) * nxc + i / r;
            double ta = j->T[kc], qa = j->q[kc], fl = c->frac[k], fo = 1.0 - fl;
            double sst = f[CPL_SST][k], ts = j->Ts[k] - 273.15;
            f[CPL_F_OCN][k] = fo > 0 ? gam * (sst - ta) : 0.0;
            f[CPL_F_LND][k] = fl > 0 ? gam * (ts - ta) : 0.0;
            f[CPL_E_OCN][k] = fo > 0 ? ce * fmax(0.0, qs0 * exp(cc * sst) - qa) : 0.0;
            f[CPL_PET][k] = fl > 0 ? ce * fmax(0.0, qs0 * exp(cc * ts) - qa) : 0.0;
            f[CPL_E_LND][k] = fl > 0 && j->El ? j->El[k] : 0.0;
            f[CPL_RUNOFF][k] = fl > 0 && j->R ? j->R[k] : 0.0;
            f[CPL_PRECIP][k] = j->P ? j->P[kc] : 0.0;
            c->w1[k] = fo * f[CPL_F_OCN][k] + fl * f[CPL_F_LND][k];
            c->w2[k] = fo * f[CPL_E_OCN][k] + fl * f[CPL_E_LND][k];
        }
}

typedef struct coarse_job {
    pel_climate *c;
} coarse_job;

/* block means of w1, w2 onto the atmosphere's imports, in a fixed order */
static void coarse_rows(int t, int nt, void *arg)
{
    pel_climate *c = ((coarse_job *)arg)->c;
    const size_t nyc = c->gc.ny, nxc = c->gc.nx, nx = c->gf.nx, r = c->r;
    const size_t j0 = nyc * (size_t)t / (size_t)nt, j1 = nyc * (size_t)(t + 1) / (size_t)nt;
    const double inv = 1.0 / (double)(r * r);
    for (size_t b = j0; b < j1; b++)
        for (size_t i = 0; i < nxc; i++) {
            double s1 = 0.0, s2 = 0.0;
            for (size_t bb = 0; bb < r; bb++)
                for (size_t a = 0; a < r; a++) {
                    size_t k = (b * r + bb) * nx + i * r + a;
                    s1 += c->w1[k];
                    s2 += c->w2[k];
                }
            c->cpl[CPL_SFC_C][b * nxc + i] = s1 * inv;
            c->cpl[CPL_EVAP_C][b * nxc + i] = s2 * inv;
        }
}

/* initial: before the first interval nothing has fallen, evaporated from
 * the land or run off (the components' flux fields are not yet defined) */
static pel_status compute_fluxes(pel_climate *c, int initial)
{
    flux_job j = {c,
                  view(c, PEL_CLIMATE_ATM, "T"),
                  view(c, PEL_CLIMATE_ATM, "q"),
                  view(c, PEL_CLIMATE_ATM, "precip"),
                  view(c, PEL_CLIMATE_LND, "T_soil"),
                  view(c, PEL_CLIMATE_LND, "evaporation"),
                  view(c, PEL_CLIMATE_LND, "runoff")};
    if (!j.T || !j.q || !j.P || !j.Ts || !j.El || !j.R)
        return pel_error(c->ctx, PEL_EINVAL, "climate: a component does not export a field the coupler needs");
    if (initial) j.P = j.El = j.R = NULL;
    peli_parallel(c->ctx, c->gf.ny, 0, 0, flux_rows, &j);
    coarse_job cj = {c};
    peli_parallel(c->ctx, c->gc.ny, 0, 0, coarse_rows, &cj);
    return PEL_OK;
}

/* ---- create ---------------------------------------------------------------------- */

void pel_climate_destroy(pel_climate *c)
{
    if (!c) return;
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        pel_component_destroy(c->comp[i]);
        pel_context_destroy(c->cctx[i]);
    }
    for (int i = 0; i < CPL_NFIELDS; i++) pel_free(c->cpl[i]);
    pel_free(c->frac);
    free(c->wet);
    pel_free(c->ta), pel_free(c->qa), pel_free(c->w1), pel_free(c->w2), pel_free(c->psi_row);
    for (int i = 0; i < 2; i++) pel_free(c->prev_c[i]);
    for (int i = 0; i < 3; i++) pel_free(c->prev_f[i]);
    pel_budget_destroy(c->heat);
    pel_budget_destroy(c->water);
    peli_context_release(c->ctx);
    free(c);
}

static double *alloc(size_t n)
{
    double *x = pel_malloc((n ? n : 1) * sizeof(double));
    if (x) memset(x, 0, (n ? n : 1) * sizeof(double));
    return x;
}

static pel_status check(pel_context *ctx, const pel_climate_params *p, long *sub)
{
    PEL_REQUIRE(ctx, p->ratio >= 1 && p->ratio <= 64, "climate: ratio = %zu: give 1 to 64", p->ratio);
    PEL_REQUIRE(ctx, p->ocean_every >= 1, "climate: ocean_every = %ld: must be at least 1 interval", p->ocean_every);
    PEL_REQUIRE(ctx, isfinite(p->exchange) && p->exchange >= 0, "climate: exchange = %g: must be finite and >= 0", p->exchange);
    PEL_REQUIRE(ctx, isfinite(p->evap_rate) && p->evap_rate >= 0, "climate: evap_rate = %g: must be finite and >= 0", p->evap_rate);
    PEL_REQUIRE(ctx, isfinite(p->drag) && p->drag >= 0, "climate: drag = %g: must be finite and >= 0", p->drag);
    PEL_REQUIRE(ctx, isfinite(p->omega), "climate: omega = %g: must be finite", p->omega);
    PEL_REQUIRE(ctx, pel_concurrent_mode_name(p->mode) != NULL, "climate: mode %d is not a pel_concurrent_mode", (int)p->mode);
    PEL_REQUIRE(ctx, p->rebalance_every >= 0, "climate: rebalance_every = %ld: must be >= 0", p->rebalance_every);
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++)
        PEL_REQUIRE(ctx, p->threads[i] >= 0 && p->threads[i] <= 4096, "climate: %s threads = %d: give 0 (automatic) to 4096",
                    comp_names[i], p->threads[i]);
    PEL_REQUIRE(ctx, isfinite(p->atm.dt) && p->atm.dt > 0 && isfinite(p->ocn.dt) && p->ocn.dt > 0,
                "climate: the time steps must be finite and positive (atmosphere %g s, ocean %g s)", p->atm.dt, p->ocn.dt);
    /* the evaporation is explicit over an interval (q* = q + dt ce (qs - q)):
     * beyond ce dt = 1 it overshoots saturation and the next precipitation
     * with it, without bound */
    PEL_REQUIRE(ctx, p->evap_rate * p->atm.dt <= 1.0,
                "climate: evap_rate = %g 1/s with a coupling interval of %g s: ce dt = %g > 1 overshoots; give an "
                "evaporation time 1/ce of at least one interval (ce <= %g 1/s)",
                p->evap_rate, p->atm.dt, p->evap_rate * p->atm.dt, 1.0 / p->atm.dt);
    double m = p->atm.dt / p->ocn.dt;
    long n = (long)llround(m);
    PEL_REQUIRE(ctx, n >= 1 && fabs((double)n * p->ocn.dt - p->atm.dt) <= 1e-12 * p->atm.dt,
                "climate: ocean dt = %g s does not divide the coupling interval (atmosphere dt = %g s) into whole steps",
                p->ocn.dt, p->atm.dt);
    *sub = n;
    /* the lagged exchange is explicit: each side must not overshoot within
     * its coupling interval, gamma * interval / heat capacity <= 1 */
    const struct { const char *what; double interval, cap; } lim[3] = {
        {"atmosphere", p->atm.dt, p->atm.heat_capacity},
        {"land", p->atm.dt, p->lnd.heat_capacity},
        {"ocean", p->atm.dt * (double)p->ocean_every, p->ocn.rho0 * p->ocn.cp * p->ocn.depth}};
    for (int i = 0; i < 3; i++)
        if (p->exchange * lim[i].interval > lim[i].cap)
            return pel_error(ctx, PEL_EUNSTABLE,
                             "climate: the %s's coupling is unstable: exchange %g W/m2/K x its interval %g s "
                             "exceeds its heat capacity %g J/m2/K (shorten the interval to <= %g s or raise the "
                             "capacity)",
                             lim[i].what, p->exchange, lim[i].interval, lim[i].cap, lim[i].cap / p->exchange);
    return PEL_OK;
}

static pel_status make_component(pel_climate *c, int which, const pel_component_type *type, const void *params)
{
    /* the climate's threads and deterministic flag, and its cancellation flag seen through it */
    pel_status s = pel_context_derive(c->ctx, &c->cctx[which]);
    if (s) return pel_error(c->ctx, s, "climate: out of memory for the %s's context", comp_names[which]);
    s = pel_component_create(c->cctx[which], type, params, &c->comp[which]);
    if (s) return pel_error(c->ctx, s, "climate: %s", pel_context_error(c->cctx[which]));
    return PEL_OK;
}

static void set_layout(pel_climate *c, const int *layout)
{
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        c->timing.threads[i] = layout[i];
        pel_context_set_threads(c->cctx[i], layout[i]);
    }
}

pel_status pel_climate_create(pel_context *ctx, const pel_climate_params *p, pel_climate **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "climate");
    long sub = 1;
    pel_status s = check(ctx, p, &sub);
    if (s) return s;
    if (p->mask_path && strlen(p->mask_path) >= 1024)
        return pel_error(ctx, PEL_EINVAL, "climate: mask path of %zu characters is too long", strlen(p->mask_path));
    pel_climate *c = calloc(1, sizeof *c);
    if (!c) return pel_error(ctx, PEL_ENOMEM, "climate: out of memory");
    c->ctx = peli_context_retain(ctx);
    c->p = *p;
    snprintf(c->mask_path, sizeof c->mask_path, "%s", p->mask_path ? p->mask_path : "");
    c->p.mask_path = c->mask_path;
    c->ocn_substeps = sub;
    c->r = p->ratio;
    if ((s = pel_sphere_init(ctx, p->atm.ny, &c->gc)) || (s = pel_sphere_refine(ctx, &c->gc, p->ratio, &c->gf))) goto fail;
    c->nc = c->gc.cells;
    c->nf = c->gf.cells;
    const size_t nf = c->nf, nx = c->gf.nx, ny = c->gf.ny;
    int ok = (c->frac = alloc(nf)) && (c->wet = calloc(nf, 1)) && (c->ta = alloc(nf)) && (c->qa = alloc(nf)) &&
             (c->w1 = alloc(nf)) && (c->w2 = alloc(nf)) && (c->psi_row = alloc(2 * nx));
    for (int i = 0; ok && i < CPL_NFIELDS; i++) ok = (c->cpl[i] = alloc(i < CPL_NFINE ? nf : c->nc)) != NULL;
    for (int i = 0; ok && i < 2; i++) ok = (c->prev_c[i] = alloc(c->nc)) != NULL;
    for (int i = 0; ok && i < 3; i++) ok = (c->prev_f[i] = alloc(nf)) != NULL;
    if (!ok) {
        s = pel_error(ctx, PEL_ENOMEM, "climate: out of memory for %zu cells", nf);
        goto fail;
    }
    /* the mask's rows run north to south, the grid's bands south to north */
    if (*c->mask_path) {
        if ((s = pel_mask_read(ctx, c->mask_path, nx, ny, c->w1))) goto fail;
        for (size_t b = 0; b < ny; b++) memcpy(c->frac + b * nx, c->w1 + (ny - 1 - b) * nx, nx * sizeof(double));
    }
    size_t wet = 0;
    for (size_t k = 0; k < nf; k++) wet += (c->wet[k] = c->frac[k] < 1.0);
    if (!wet) {
        s = pel_error(ctx, PEL_EINVAL, "climate: mask %s leaves no ocean cell", c->mask_path);
        goto fail;
    }

    const double R = p->atm.radius, pi = acos(-1.0);
    pel_ocean_params op = p->ocn;
    op.nx = nx;
    op.ny = ny;
    op.dx = 2.0 * pi * R / (double)nx;
    op.dy = 2.0 * R / (double)ny;
    op.bc_x = PEL_OCEAN_PERIODIC;
    op.bc_y = PEL_OCEAN_WALL;
    op.f0 = -2.0 * p->omega;
    op.beta = 2.0 * p->omega / R;
    op.tau0 = 0.0;
    op.heat_flux = 0.0;
    op.init = PEL_OCEAN_INIT_REST;
    op.mask = c->wet;
    pel_land_params lp = p->lnd;
    lp.nx = nx;
    lp.ny = ny;
    lp.dt = p->atm.dt;
    lp.land_fraction = c->frac;
    lp.mask_path = NULL;
    lp.precip = lp.pet = lp.heat_flux = 0.0;
    if ((s = make_component(c, PEL_CLIMATE_ATM, &pel_atmosphere_component, &p->atm)) ||
        (s = make_component(c, PEL_CLIMATE_OCN, &pel_ocean_component, &op)) ||
        (s = make_component(c, PEL_CLIMATE_LND, &pel_land_component, &lp)))
        goto fail;

    /* the wind stress of the atmosphere's prescribed wind, once */
    for (size_t b = 0; b < ny; b++) {
        double u = p->atm.wind * cos(pel_sphere_lat_centre(&c->gf, b));
        for (size_t i = 0; i < nx; i++) {
            c->w1[b * nx + i] = p->drag * fabs(u) * u;
            c->w2[b * nx + i] = 0.0;
        }
    }
    if ((s = give(c, PEL_CLIMATE_OCN, "taux", c->w1, 1)) || (s = give(c, PEL_CLIMATE_OCN, "tauy", c->w2, 1)) ||
        (s = give(c, PEL_CLIMATE_OCN, "heat_flux", c->cpl[CPL_OCN_HF], 1)))
        goto fail;
    if ((s = pel_budget_create(ctx, "heat", "W/m2", 4, comp_names, 4, heat_terms, &c->heat)) ||
        (s = pel_budget_create(ctx, "water", "kg/m2/s", 4, comp_names, 6, water_terms, &c->water)))
        goto fail;
    const double *sst = view(c, PEL_CLIMATE_OCN, "sst");
    if (!sst) {
        s = pel_error(ctx, PEL_EINVAL, "climate: the ocean exports no sst");
        goto fail;
    }
    memcpy(c->cpl[CPL_SST], sst, nf * sizeof(double));
    if ((s = compute_fluxes(c, 1))) goto fail;

    int layout[PEL_CLIMATE_NCOMP], T = pel_context_threads(ctx);
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        int even = T / PEL_CLIMATE_NCOMP + (i < T % PEL_CLIMATE_NCOMP);
        layout[i] = p->mode != PEL_CONCURRENT_TEAMS ? T : p->threads[i] ? p->threads[i] : even > 0 ? even : 1;
        c->timing.first_threads[i] = layout[i];
    }
    set_layout(c, layout);
    *out = c;
    return PEL_OK;
fail:
    pel_climate_destroy(c);
    return s;
}

/* ---- one coupling interval ------------------------------------------------------------- */

static pel_status rebalance(pel_climate *c)
{
    int layout[PEL_CLIMATE_NCOMP], total = 0;
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        total += c->timing.threads[i];
        if (!(c->window[i] > 0)) c->window[i] = 1e-9;
    }
    pel_status s = pel_concurrent_balance(c->ctx, PEL_CLIMATE_NCOMP, c->window, c->timing.threads, total, layout);
    if (s) return s;
    if (memcmp(layout, c->timing.threads, sizeof layout) != 0) c->timing.rebalances++;
    set_layout(c, layout);
    memset(c->window, 0, sizeof c->window);
    return PEL_OK;
}

static void keep_copy(pel_climate *c, const double *T, const double *q, const double *Ts, const double *Wl,
                      const double *hT)
{
    memcpy(c->prev_c[0], T, c->nc * sizeof(double));
    memcpy(c->prev_c[1], q, c->nc * sizeof(double));
    copy_fine(c, Ts, c->prev_f[0], Wl, c->prev_f[1], hT, c->prev_f[2]);
    c->prev_valid = 1;
}

/* The stored quantities now, the budgets' "before" of the next interval. */
static pel_status keep_storage(pel_climate *c)
{
    const double *T = view(c, PEL_CLIMATE_ATM, "T"), *q = view(c, PEL_CLIMATE_ATM, "q");
    const double *Ts = view(c, PEL_CLIMATE_LND, "T_soil"), *Wl = view(c, PEL_CLIMATE_LND, "W"), *hT = ocean_ht(c);
    if (!T || !q || !Ts || !Wl || !hT)
        return pel_error(c->ctx, PEL_EINVAL, "climate: a component lacks a field the budgets need");
    keep_copy(c, T, q, Ts, Wl, hT);
    return PEL_OK;
}

static pel_status interval(pel_climate *c)
{
    const double dt = c->p.atm.dt, rho_w = PEL_LAND_RHO_W;
    const size_t nf = c->nf, nc = c->nc;
    double **f = c->cpl, *fl = c->frac;
    pel_status s;
    /* the ocean's forcing: the mean over its last interval, at its boundary */
    if (c->step % c->p.ocean_every == 0) {
        rows_job rj = {c, ROWS_OCEAN_MEAN, c->scal[0], {NULL, NULL, NULL}, {NULL, NULL, NULL}};
        peli_parallel(c->ctx, c->gf.ny, 0, 0, fine_rows, &rj);
        c->scal[0] = 0.0;
        if ((s = give(c, PEL_CLIMATE_OCN, "heat_flux", f[CPL_OCN_HF], 1))) return s;
    }
    rows_job acc = {c, ROWS_ACCUMULATE, 0.0, {NULL, NULL, NULL}, {NULL, NULL, NULL}};
    peli_parallel(c->ctx, c->gf.ny, 0, 0, fine_rows, &acc);
    c->scal[0] += 1.0;
    if ((s = give(c, PEL_CLIMATE_ATM, "surface_flux", f[CPL_SFC_C], 0)) ||
        (s = give(c, PEL_CLIMATE_ATM, "evaporation", f[CPL_EVAP_C], 0)) ||
        (s = give(c, PEL_CLIMATE_LND, "heat_flux", c->w1, 1)) || (s = give(c, PEL_CLIMATE_LND, "precip", f[CPL_PRECIP], 1)) ||
        (s = give(c, PEL_CLIMATE_LND, "pet", f[CPL_PET], 1)))
        return s;

    /* the exchanges of this interval, each once to both sides */
    pel_budget *H = c->heat, *W = c->water;
    double m_sfc = mean(c, f[CPL_SFC_C], nc), m_fl = mean_prod(c, f[CPL_F_LND], fl, 0),
           m_fo = mean_prod(c, f[CPL_F_OCN], fl, 1), m_hf = mean(c, f[CPL_OCN_HF], nf);
    pel_budget_add(H, H_SFC, PEL_CLIMATE_ATM, m_sfc, dt);
    pel_budget_add(H, H_SFC, PEL_CLIMATE_LND, -m_fl, dt);
    pel_budget_add(H, H_SFC, COL_CPL, -m_fo, dt);
    pel_budget_add(H, H_OCN, PEL_CLIMATE_OCN, m_hf, dt);
    pel_budget_add(H, H_OCN, COL_CPL, -m_hf, dt);
    double cpl_heat = (-m_fo - m_hf) * dt;
    double m_ev = mean(c, f[CPL_EVAP_C], nc), m_eo = mean_prod(c, f[CPL_E_OCN], fl, 1),
           m_el = mean_prod(c, f[CPL_E_LND], fl, 0), m_pl = mean_prod(c, f[CPL_PRECIP], fl, 0),
           m_po = mean_prod(c, f[CPL_PRECIP], fl, 1), m_p = mean(c, f[CPL_PRECIP], nf),
           m_r = mean_prod(c, f[CPL_RUNOFF], fl, 0);
    pel_budget_add(W, W_EVAP, PEL_CLIMATE_ATM, m_ev, dt);
    pel_budget_add(W, W_EVAP, PEL_CLIMATE_OCN, -m_eo, dt);
    pel_budget_add(W, W_EVAP, COL_CPL, -m_el, dt);
    pel_budget_add(W, W_PSFC, PEL_CLIMATE_LND, m_pl, dt);
    pel_budget_add(W, W_PSFC, PEL_CLIMATE_OCN, m_po, dt);
    pel_budget_add(W, W_PSFC, COL_CPL, -m_p, dt);
    pel_budget_add(W, W_ROCN, PEL_CLIMATE_OCN, m_r, dt);
    pel_budget_add(W, W_ROCN, COL_CPL, -m_r, dt);
    double cpl_water = (-m_el - m_p - m_r) * dt, ocn_water = (-m_eo + m_po + m_r) * dt;

    /* storage before: what the last interval left (kept at its end), read
     * afresh only after create or restore */
    const double *T, *q, *Ts, *Wl, *hT;
    if (!c->prev_valid && (s = keep_storage(c))) return s;
    c->prev_valid = 0; /* until this interval has ended well */

    pel_concurrent_item it[PEL_CLIMATE_NCOMP] = {
        {.component = c->comp[PEL_CLIMATE_ATM], .nsteps = 1},
        {.component = c->comp[PEL_CLIMATE_OCN], .nsteps = c->ocn_substeps},
        {.component = c->comp[PEL_CLIMATE_LND], .nsteps = 1}};
    double t0 = pel_wtime();
    s = pel_concurrent_advance(c->ctx, it, PEL_CLIMATE_NCOMP, c->p.mode);
    double wall = pel_wtime() - t0;
    if (s) return s;
    c->timing.wall += wall;
    c->timing.intervals++;
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        c->timing.busy[i] += it[i].seconds;
        c->timing.wait[i] += wall - it[i].seconds;
        c->window[i] += it[i].seconds;
    }

    /* what the components did: sources, sinks and storage */
    T = view(c, PEL_CLIMATE_ATM, "T");
    q = view(c, PEL_CLIMATE_ATM, "q");
    Ts = view(c, PEL_CLIMATE_LND, "T_soil");
    Wl = view(c, PEL_CLIMATE_LND, "W");
    hT = ocean_ht(c);
    const double *asr = view(c, PEL_CLIMATE_ATM, "asr"), *olr = view(c, PEL_CLIMATE_ATM, "olr"),
                 *P = view(c, PEL_CLIMATE_ATM, "precip"), *El = view(c, PEL_CLIMATE_LND, "evaporation"),
                 *Rl = view(c, PEL_CLIMATE_LND, "runoff");
    if (!T || !q || !Ts || !Wl || !hT || !asr || !olr || !P || !El || !Rl)
        return pel_error(c->ctx, PEL_EINVAL, "climate: a component lacks a field the budgets need");
    pel_budget_add(H, H_SW, PEL_CLIMATE_ATM, mean(c, asr, nc), dt);
    pel_budget_add(H, H_LW, PEL_CLIMATE_ATM, -mean(c, olr, nc), dt);
    double m_P = mean(c, P, nc), m_El = mean_prod(c, El, fl, 0), m_R = mean_prod(c, Rl, fl, 0);
    pel_budget_add(W, W_PRECIP, PEL_CLIMATE_ATM, -m_P, dt);
    pel_budget_add(W, W_PRECIP, COL_CPL, m_P, dt);
    pel_budget_add(W, W_LEVAP, PEL_CLIMATE_LND, -m_El, dt);
    pel_budget_add(W, W_LEVAP, COL_CPL, m_El, dt);
    pel_budget_add(W, W_RUNOFF, PEL_CLIMATE_LND, -m_R, dt);
    pel_budget_add(W, W_RUNOFF, COL_CPL, m_R, dt);
    cpl_water += (m_P + m_El + m_R) * dt;

    pel_budget_storage(H, PEL_CLIMATE_ATM,
                       c->p.atm.heat_capacity * mean_term(c, nc, leaf_diff, T, c->prev_c[0], NULL, 0.0));
    pel_budget_storage(W, PEL_CLIMATE_ATM, mean_term(c, nc, leaf_diff, q, c->prev_c[1], NULL, 0.0));
    pel_budget_storage(H, PEL_CLIMATE_LND,
                       c->p.lnd.heat_capacity * mean_term(c, nf, leaf_fdiff, Ts, c->prev_f[0], fl, 0.0));
    pel_budget_storage(W, PEL_CLIMATE_LND, rho_w * mean_term(c, nf, leaf_fdiff, Wl, c->prev_f[1], fl, 0.0));
    pel_budget_storage(H, PEL_CLIMATE_OCN,
                       c->p.ocn.rho0 * c->p.ocn.cp * mean_term(c, nf, leaf_wdiff, hT, c->prev_f[2], NULL, 0.0));
    /* contents, for the scale of the residuals: heat with T in kelvin */
    pel_budget_content(H, PEL_CLIMATE_ATM, c->p.atm.heat_capacity * mean_term(c, nc, leaf_shift, T, NULL, NULL, 273.15));
    pel_budget_content(W, PEL_CLIMATE_ATM, mean(c, q, nc));
    pel_budget_content(H, PEL_CLIMATE_LND, c->p.lnd.heat_capacity * mean_prod(c, Ts, fl, 0));
    pel_budget_content(W, PEL_CLIMATE_LND, rho_w * mean_prod(c, Wl, fl, 0));
    pel_budget_content(H, PEL_CLIMATE_OCN, c->p.ocn.rho0 * c->p.ocn.cp *
                                               mean_term(c, nf, leaf_wshift, hT, NULL, NULL, 273.15 * c->p.ocn.depth));
    /* the coupler's buffers and the ocean's fresh water hold what they were given */
    pel_budget_storage(H, COL_CPL, cpl_heat);
    pel_budget_storage(W, COL_CPL, cpl_water);
    pel_budget_storage(W, PEL_CLIMATE_OCN, ocn_water);
    double rh = pel_budget_end_interval(H, dt), rw = pel_budget_end_interval(W, dt);
    c->scal[1] = fmax(c->scal[1], rh);
    c->scal[2] = fmax(c->scal[2], rw);
    keep_copy(c, T, q, Ts, Wl, hT);

    /* the fluxes of the next interval */
    if ((c->step + 1) % c->p.ocean_every == 0) {
        const double *sst = view(c, PEL_CLIMATE_OCN, "sst");
        if (!sst) return pel_error(c->ctx, PEL_EINVAL, "climate: the ocean exports no sst");
        copy_fine(c, sst, f[CPL_SST], NULL, NULL, NULL, NULL);
    }
    if ((s = compute_fluxes(c, 0))) return s;
    c->step++;
    if (c->p.mode == PEL_CONCURRENT_TEAMS && c->p.rebalance_every > 0 && c->step % c->p.rebalance_every == 0)
        return rebalance(c);
    return PEL_OK;
}

pel_status pel_climate_step(pel_climate *c, long nsteps)
{
    if (!c) return PEL_EINVAL;
    if (nsteps < 0) return pel_error(c->ctx, PEL_EINVAL, "climate: nsteps = %ld: must be >= 0", nsteps);
    pel_status s = PEL_OK;
    peli_region_enter(c->ctx, "climate.interval");
    for (long n = 0; n < nsteps && !s; n++) s = interval(c);
    peli_region_exit(c->ctx, "climate.interval");
    return s;
}

pel_status pel_climate_streamfunction(pel_climate *c, double *psi)
{
    if (!c) return PEL_EINVAL;
    PEL_REQUIRE(c->ctx, psi, "climate: streamfunction: psi is NULL");
    const double *u = view(c, PEL_CLIMATE_OCN, "u"), *eta = view(c, PEL_CLIMATE_OCN, "eta");
    if (!u || !eta) return pel_error(c->ctx, PEL_EINVAL, "climate: the ocean exports no u or eta");
    const size_t nx = c->gf.nx, ny = c->gf.ny;
    const double H = c->p.ocn.depth, dy = 2.0 * c->p.atm.radius / (double)ny, sv = 1e-6;
    const int lin = c->p.ocn.equations == PEL_OCEAN_LINEAR;
    double *lo = c->psi_row, *hi = c->psi_row + nx; /* the corners south and north of a band */
    for (size_t i = 0; i < nx; i++) lo[i] = 0.0;
    for (size_t j = 0; j < ny; j++) {
        for (size_t i = 0; i < nx; i++) {
            size_t k = j * nx + i, kw = j * nx + (i ? i - 1 : nx - 1); /* periodic in x */
            double h = lin ? H : H + 0.5 * (eta[kw] + eta[k]);
            double U = c->wet[k] && c->wet[kw] ? h * u[k] : 0.0;
            hi[i] = lo[i] - U * dy;
        }
        for (size_t i = 0; i < nx; i++) {
            size_t e = i + 1 < nx ? i + 1 : 0;
            psi[j * nx + i] = 0.25 * sv * (lo[i] + lo[e] + hi[i] + hi[e]);
        }
        double *t = lo;
        lo = hi;
        hi = t;
    }
    return PEL_OK;
}

long pel_climate_step_count(const pel_climate *c) { return c ? c->step : -1; }
double pel_climate_time(const pel_climate *c) { return c ? (double)c->step * c->p.atm.dt : 0.0; }
pel_component *pel_climate_component_of(pel_climate *c, int which)
{
    return c && which >= 0 && which < PEL_CLIMATE_NCOMP ? c->comp[which] : NULL;
}
const pel_budget *pel_climate_budget(const pel_climate *c, int water) { return c ? (water ? c->water : c->heat) : NULL; }
void pel_climate_get_timing(const pel_climate *c, pel_climate_timing *t)
{
    if (c && t) *t = c->timing;
}

/* ---- NCC81's closed forms with an ice cap ------------------------------------------ */

/* int_x^1 g(y) P_n(y) dy for the polynomial g = sum_k g[k] y^k of degree
 * deg <= 4, with P[m] = P_m(x) for m <= n + deg + 1: g P_n expanded in
 * P_(n-deg) .. P_(n+deg) by Horner's rule with y P_m = ((m+1) P_(m+1) +
 * m P_(m-1))/(2m+1), each integrated by int_x^1 P_m = (P_(m-1)(x) -
 * P_(m+1)(x))/(2m+1) (m >= 1; 1 - x for m = 0). */
static double int_gpn(const double *g, int deg, int n, const double *P, double x)
{
    double v[9] = {0}, w[9];
    const int lo = n - deg; /* v[i] is the coefficient of P_(lo+i) */
    v[deg] = g[deg];
    for (int k = deg - 1; k >= 0; k--) {
        memset(w, 0, sizeof w);
        for (int i = 0; i <= 2 * deg; i++) {
            int m = lo + i;
            if (v[i] == 0.0 || m < 0) continue;
            /* the support grows by one each way per factor y: never past [0, 2 deg] */
            if (i < 2 * deg) w[i + 1] += v[i] * (double)(m + 1) / (double)(2 * m + 1);
            if (m > 0 && i > 0) w[i - 1] += v[i] * (double)m / (double)(2 * m + 1);
        }
        w[deg] += g[k];
        memcpy(v, w, sizeof v);
    }
    double s = 0.0;
    for (int i = 0; i <= 2 * deg; i++) {
        int m = lo + i;
        if (m < 0 || v[i] == 0.0) continue;
        s += v[i] * (m == 0 ? 1.0 - x : (P[m - 1] - P[m + 1]) / (double)(2 * m + 1));
    }
    return s;
}

enum { NCC81_DEGREE = 1000 }; /* the series' terms fall as n^-3: 1e-9 relative */

static void legendre_at(double x, int nmax, double *P)
{
    P[0] = 1.0;
    P[1] = x;
    for (int n = 1; n < nmax; n++) P[n + 1] = ((double)(2 * n + 1) * x * P[n] - (double)n * P[n - 1]) / (double)(n + 1);
}

/* S a on the warm side and on the ice: coefficients of y^0 .. y^4 */
static void ncc81_polys(const pel_atmosphere_params *p, double warm[5], double ice[5])
{
    const double s[3] = {1.0 - 0.5 * p->S2, 0.0, 1.5 * p->S2}, a[3] = {p->a0 - 0.5 * p->a2, 0.0, 1.5 * p->a2};
    for (int k = 0; k < 5; k++) warm[k] = ice[k] = 0.0;
    for (int i = 0; i < 3; i++) {
        ice[i] = p->b0 * s[i];
        for (int j = 0; j < 3; j++) warm[i + j] += s[i] * a[j];
    }
}

/* H_n(xs) = (2n+1) int_0^1 S a P_n with the warm coalbedo for x < xs and
 * b0 beyond, P_m(xs) in P, P_m(0) in P0 */
static double ncc81_h(const double *warm, const double *ice, int n, const double *P, const double *P0, double xs)
{
    double h = int_gpn(ice, 2, n, P, xs) - int_gpn(warm, 4, n, P, xs);
    if (n <= 4) h += int_gpn(warm, 4, n, P0, 0.0);
    return (double)(2 * n + 1) * h;
}

/* NCC81's equation 37: the insolation whose steady state has its ice edge
 * at xs, Q(xs) = (Ts + A/B) / sum_n H_n(xs) P_n(xs) / (n(n+1) D + B) */
static double ncc81_q(const pel_atmosphere_params *p, double xs)
{
    double P[NCC81_DEGREE + 8], P0[16], warm[5], ice[5], s = 0.0;
    legendre_at(xs, NCC81_DEGREE + 6, P);
    legendre_at(0.0, 12, P0);
    ncc81_polys(p, warm, ice);
    for (int n = 0; n <= NCC81_DEGREE; n += 2)
        s += ncc81_h(warm, ice, n, P, P0, xs) * P[n] / ((double)(n * (n + 1)) * p->D + p->B);
    return (p->Ts + p->A / p->B) / s;
}

double pel_climate_ncc81_ice_edge(const pel_atmosphere_params *p, double *q_min)
{
    if (!p) return NAN;
    /* the minimum of Q(xs) on a 1/200 grid, then the root above it */
    double lo = 0.0, qlo = INFINITY;
    for (int k = 1; k <= 200; k++) {
        double x = (double)k / 200.0, q = ncc81_q(p, x);
        if (q < qlo) qlo = q, lo = x;
    }
    if (q_min) *q_min = qlo;
    if (p->Q < qlo) return -1.0;
    double hi = 1.0;
    if (p->Q >= ncc81_q(p, hi)) return 1.0;
    for (int it = 0; it < 60 && hi - lo > 1e-13; it++) {
        double mid = 0.5 * (lo + hi);
        if (ncc81_q(p, mid) < p->Q) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double pel_climate_ncc81_mean(const pel_atmosphere_params *p, double xs)
{
    if (!p) return NAN;
    double P[8], P0[8], warm[5], ice[5];
    xs = fmax(0.0, fmin(1.0, xs));
    legendre_at(xs, 6, P);
    legendre_at(0.0, 6, P0);
    ncc81_polys(p, warm, ice);
    return (p->Q * ncc81_h(warm, ice, 0, P, P0, xs) - p->A) / p->B;
}

/* The northern ice edge of the atmosphere's T (as pel_atmosphere_ice_edge):
 * the mu of the edge north of the northernmost band whose zonal mean is
 * above Ts; 1 without ice, -1 for a snowball. */
static double model_ice_edge(const pel_climate *c, const double *T)
{
    const size_t ny = c->gc.ny, nx = c->gc.nx;
    for (size_t j = ny; j-- > 0;) {
        double acc = 0.0;
        for (size_t i = 0; i < nx; i++) acc += T[j * nx + i];
        if (acc / (double)nx > c->p.atm.Ts) return j == ny - 1 ? 1.0 : pel_sphere_mu_edge(&c->gc, j + 1);
    }
    return -1.0;
}

pel_status pel_climate_verify(pel_climate *c, pel_verify_log *log)
{
    if (!c) return PEL_EINVAL;
    if (!log) return pel_error(c->ctx, PEL_EINVAL, "climate: log is NULL");
    pel_verify_at_most(log, "climate.heat_budget", c->scal[1], 1e-12);
    pel_verify_at_most(log, "climate.water_budget", c->scal[2], 1e-12);
    if (c->p.check_ncc81) {
        const double *T = view(c, PEL_CLIMATE_ATM, "T");
        if (!T) return pel_error(c->ctx, PEL_EINVAL, "climate: the atmosphere exports no T");
        double ref;
        if (c->p.atm.ice_albedo) {
            /* the model resolves the edge to a band edge: within one band
             * width 2/ny of the root of NCC81's equation 37; and with ice
             * poleward of the model's own edge (both hemispheres) the
             * steady global mean is (Q H_0(x_e) - A)/B exactly, as without */
            double xe = model_ice_edge(c, T), xs = pel_climate_ncc81_ice_edge(&c->p.atm, NULL);
            pel_verify_close(log, "climate.ncc81_ice_edge", xe, xs, 2.0 / (double)c->gc.ny, 0.0);
            ref = pel_climate_ncc81_mean(&c->p.atm, xe < 0 ? 0.0 : xe);
        } else {
            double t[3];
            pel_atmosphere_legendre(&c->p.atm, t);
            ref = t[0];
        }
        pel_verify_close(log, "climate.ncc81_mean", mean(c, T, c->nc), ref, 1e-6, 0.0);
    }
    for (int i = 0; i < PEL_CLIMATE_NCOMP; i++) {
        pel_status s = pel_component_verify(c->comp[i], log);
        if (s) return pel_error(c->ctx, s, "climate: %s: %s", comp_names[i], pel_context_error(c->cctx[i]));
    }
    return PEL_OK;
}
