/* The land solver (include/pel/land.h): bucket hydrology with an exact
 * per-step solution, a slab soil temperature, and budgets summed over fixed
 * blocks of cells.  Derivations in docs/land.md. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pel/land.h>
#include <pel/mask.h>

#include "internal/core.h"
#include "internal/team.h"

#define UROUND (DBL_EPSILON / 2) /* u = 2^-53 */
/* Cells per budget block: the blocks are numbered from the grid's first
 * cell, each summed serially in index order, and the block sums combined by
 * pel_sum_serial's fixed pairwise tree: the same tree for any thread count. */
#define LAND_BLOCK 256
/* The a priori round-off bound of one step's budget, in units of u times
 * the sum of the magnitudes involved: each cell's residual (w1 - w0) -
 * ((P - E) - R), with E itself the residual (P - R) - (w1 - w0), is within
 * 4 u of those magnitudes, the weighting by f adds 1, a block's serial sum of
 * 256 terms 255, the pairwise tree over at most 2^40 blocks 40, and the
 * final combination of the sums 3: 303, taken as 320.  The same count holds
 * for the heat content C T against F dt - L_v E. */
#define STEP_ERR 320.0
/* pel_reduce's sums (blocks of 2048 by 8 accumulators of 256, then a tree of
 * depth < 40, plus the products by f): 512 u of the sum of magnitudes, as in
 * the heat family. */
#define SUM_ERR 512.0
#define MAX_FORCING 1.0 /* kg/m^2/s: 86400 mm/day, beyond any climate */

enum { S_DW, S_P, S_E, S_R, S_WMAG, S_DH, S_Q, S_HMAG, NSUMS };

struct pel_land {
    pel_context *ctx;
    pel_land_params p;
    char *mask_path; /* the copy p.mask_path points to */
    size_t n, nblocks;
    double *f[PEL_LAND_NFIELDS];
    /* per block: the accumulators a restart carries (NACC each, block-major,
     * then the forced flag: pel_land_save_budget's order) */
    double *acc;
    long *bad_step;     /* per block, of the last call: the first step with a non-finite T, or -1 */
    size_t *bad_cell;   /* and its cell */
    double wc;          /* W_c = crit w_fc */
    double water0, heat0; /* sum f W and sum f C T at step 0 */
    long step;
    int forced; /* 1 while no forcing was ever imported */
};

enum { C_P, C_E, C_R, C_Q, C_WBOUND, C_HBOUND, C_WWORST, C_HWORST, NACC };

/* ---- the bucket's exact solution over t with constant forcing ---------------
 * pr, ep in m/s.  Below W_c (and e > 0): dW/dt = p - W/tau, tau = W_c/e,
 * relaxation to W* = p tau, W(s) = W + (W* - W)(1 - exp(-s/tau)); it reaches
 * W_c (only when W* > W_c) at s1 = tau ln((W* - W)/(W* - W_c)).  At or
 * above W_c: dW/dt = p - e, constant; drying reaches W_c at (W - W_c)/(e - p),
 * then relaxes toward W* < W_c; filling reaches W_fc at (W_fc - W)/(p - e),
 * after which W stays at W_fc and the excess p - e runs off. */
static inline void bucket(double wfc, double wc, double pr, double ep, double t, double w, double *w1,
                          double *ro)
{
    double r = 0.0, tau = ep > 0 ? wc / ep : INFINITY;
    int relax = ep > 0 && tau < INFINITY; /* a subnormal e: no relaxation to speak of */
    for (int piece = 0; piece < 2 && t > 0; piece++) {
        if (w < wc && relax) {
            double ws = pr * tau;
            double s1 = ws > wc ? tau * log1p((wc - w) / (ws - wc)) : INFINITY;
            if (s1 >= t) {
                w = w + (ws - w) * -expm1(-t / tau);
                if (ws > wc && w > wc) w = wc; /* round-off past the crossing */
                break;
            }
            w = wc, t -= s1; /* then filling, below */
            continue;
        }
        double net = pr - ep;
        if (net < 0) { /* drying above W_c (relax: ep > 0) */
            double s1 = (w - wc) / -net;
            if (s1 >= t || !relax) {
                w = w + net * t;
                break;
            }
            double ws = pr * tau;
            w = wc + (ws - wc) * -expm1(-(t - s1) / tau);
            break;
        }
        if (net > 0) {
            double s1 = (wfc - w) / net;
            if (s1 >= t) w = w + net * t;
            else r = net * (t - s1), w = wfc;
        }
        break;
    }
    *w1 = w < 0 ? 0.0 : w > wfc ? wfc : w;
    *ro = r;
}

void pel_land_bucket_exact(const pel_land_params *p, double w0, double precip, double pet, double t,
                           double *w1, double *runoff)
{
    bucket(p->w_fc, p->crit * p->w_fc, precip / PEL_LAND_RHO_W, pet / PEL_LAND_RHO_W, t, w0, w1, runoff);
}

/* ---- parameters ------------------------------------------------------------- */

void pel_land_params_default(pel_land_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->nx = 128;
    p->ny = 64;
    p->dt = 3600.0;
    p->w_fc = 0.15;
    p->crit = 0.75;
    p->heat_capacity = 2.0e6;
    p->w0 = 0.1;
    p->t0 = 288.0;
    p->precip = 2.0 / PEL_LAND_DAY; /* 2 mm/day: 2 kg/m^2 a day */
    p->pet = 4.0 / PEL_LAND_DAY;
    p->heat_flux = 10.0;
    p->latent_heat = 0;
}

static pel_status check_params(pel_context *ctx, const pel_land_params *p)
{
    PEL_REQUIRE(ctx, p->nx >= 1 && p->ny >= 1, "land: grid %zux%zu: both sizes must be at least 1", p->nx, p->ny);
    PEL_REQUIRE(ctx, p->nx <= SIZE_MAX / PEL_LAND_NFIELDS / sizeof(double) / p->ny,
                "land: grid %zux%zu: too many cells", p->nx, p->ny);
    PEL_REQUIRE(ctx, isfinite(p->dt) && p->dt > 0 && p->dt <= 1e9, "land: dt = %g: must be in (0, 1e9] s", p->dt);
    PEL_REQUIRE(ctx, isfinite(p->w_fc) && p->w_fc > 0 && p->w_fc <= 1e3, "land: w_fc = %g: must be in (0, 1000] m",
                p->w_fc);
    PEL_REQUIRE(ctx, isfinite(p->crit) && p->crit > 0 && p->crit <= 1, "land: crit = %g: must be in (0, 1]", p->crit);
    PEL_REQUIRE(ctx, isfinite(p->heat_capacity) && p->heat_capacity >= 1 && p->heat_capacity <= 1e12,
                "land: heat_capacity = %g: must be in [1, 1e12] J/m^2/K", p->heat_capacity);
    PEL_REQUIRE(ctx, isfinite(p->w0) && p->w0 >= 0 && p->w0 <= p->w_fc, "land: w0 = %g: must be in [0, w_fc = %g] m",
                p->w0, p->w_fc);
    PEL_REQUIRE(ctx, isfinite(p->t0) && p->t0 > 0 && p->t0 <= 1e4, "land: t0 = %g: must be in (0, 1e4] K", p->t0);
    PEL_REQUIRE(ctx, isfinite(p->precip) && p->precip >= 0 && p->precip <= MAX_FORCING,
                "land: precip = %g: must be in [0, %g] kg/m^2/s", p->precip, MAX_FORCING);
    PEL_REQUIRE(ctx, isfinite(p->pet) && p->pet >= 0 && p->pet <= MAX_FORCING,
                "land: pet = %g: must be in [0, %g] kg/m^2/s", p->pet, MAX_FORCING);
    PEL_REQUIRE(ctx, isfinite(p->heat_flux) && fabs(p->heat_flux) <= 1e6, "land: heat_flux = %g: must be in [-1e6, 1e6] W/m^2",
                p->heat_flux);
    PEL_REQUIRE(ctx, p->latent_heat == 0 || p->latent_heat == 1, "land: latent_heat = %d: must be 0 or 1", p->latent_heat);
    return PEL_OK;
}

/* ---- the step ------------------------------------------------------------------ */

typedef struct step_arg {
    pel_land *l;
    long nsteps;
} step_arg;

/* Steps the cells of t's blocks through all the call's steps, one block at a
 * time (its cells stay in cache), and updates each block's accumulators with
 * the budget of every step: the blocks are independent, so no step waits for
 * another thread. */
static void step_blocks(int t, int nt, void *arg)
{
    const step_arg *sa = arg;
    pel_land *l = sa->l;
    const pel_land_params *p = &l->p;
    const double dt = p->dt, wfc = p->w_fc, wc = l->wc, C = p->heat_capacity;
    const double lrho = p->latent_heat ? PEL_LAND_LV * PEL_LAND_RHO_W : 0.0;
    const double rate = PEL_LAND_RHO_W / dt; /* m per step -> kg/m^2/s */
    double *W = l->f[PEL_LAND_W], *T = l->f[PEL_LAND_T], *E = l->f[PEL_LAND_EVAP], *R = l->f[PEL_LAND_RUNOFF];
    const double *P = l->f[PEL_LAND_PRECIP], *EP = l->f[PEL_LAND_PET], *F = l->f[PEL_LAND_HEAT_FLUX];
    const double *fr = l->f[PEL_LAND_FRACTION];
    size_t b0, b1;
    pel_static_range(l->nblocks, t, nt, &b0, &b1);
    for (size_t b = b0; b < b1; b++) {
        const size_t lo = b * LAND_BLOCK, hi = (b + 1) * LAND_BLOCK < l->n ? (b + 1) * LAND_BLOCK : l->n;
        double *c = l->acc + b * NACC;
        l->bad_step[b] = -1;
        for (long k = 0; k < sa->nsteps; k++) {
            double s[NSUMS] = {0};
            for (size_t i = lo; i < hi; i++) {
                const double f = fr[i];
                if (f == 0) continue;
                double w0 = W[i], w1, ro, pa = P[i] / PEL_LAND_RHO_W * dt;
                bucket(wfc, wc, P[i] / PEL_LAND_RHO_W, EP[i] / PEL_LAND_RHO_W, dt, w0, &w1, &ro);
                double ev = (pa - ro) - (w1 - w0); /* the exact integral of e beta, as the residual */
                double t0 = T[i], q = F[i] * dt - lrho * ev, t1 = t0 + q / C;
                W[i] = w1;
                T[i] = t1;
                E[i] = ev * rate;
                R[i] = ro * rate;
                if (!isfinite(t1) && l->bad_step[b] < 0) l->bad_step[b] = k, l->bad_cell[b] = i;
                s[S_DW] += f * (w1 - w0);
                s[S_P] += f * pa;
                s[S_E] += f * ev;
                s[S_R] += f * ro;
                s[S_WMAG] += f * (w0 + w1 + pa + fabs(ev) + ro);
                s[S_DH] += f * (C * t1 - C * t0);
                s[S_Q] += f * q;
                s[S_HMAG] += f * (C * fabs(t0) + C * fabs(t1) + fabs(F[i] * dt) + fabs(lrho * ev));
            }
            double bw = STEP_ERR * UROUND * s[S_WMAG], bh = STEP_ERR * UROUND * s[S_HMAG];
            double rw = fabs(s[S_DW] - ((s[S_P] - s[S_E]) - s[S_R])), rh = fabs(s[S_DH] - s[S_Q]);
            /* a residual over its bound; 0/0 (nothing moved) is 0 */
            double ww = rw == 0 ? 0.0 : rw / bw, wh = rh == 0 ? 0.0 : rh / bh;
            if (!(ww <= c[C_WWORST])) c[C_WWORST] = ww; /* NaN sticks */
            if (!(wh <= c[C_HWORST])) c[C_HWORST] = wh;
            c[C_P] += s[S_P];
            c[C_E] += s[S_E];
            c[C_R] += s[S_R];
            c[C_Q] += s[S_Q];
            /* the step's bound, and the rounding of the accumulations themselves */
            c[C_WBOUND] += bw + 2 * UROUND * (fabs(c[C_P]) + fabs(c[C_E]) + fabs(c[C_R]));
            c[C_HBOUND] += bh + 2 * UROUND * fabs(c[C_Q]);
        }
    }
}

static void cell_name(const pel_land *l, size_t i, char *out, size_t len)
{
    snprintf(out, len, "(%zu, %zu)", i / l->p.nx, i % l->p.nx);
}

pel_status pel_land_step(pel_land *l, long nsteps)
{
    if (!l) return PEL_EINVAL;
    PEL_REQUIRE(l->ctx, nsteps >= 0, "land: nsteps = %ld: must be non-negative", nsteps);
    PEL_REQUIRE(l->ctx, nsteps <= LONG_MAX - l->step,
                "land: nsteps = %ld: the step count would overflow (now %ld)", nsteps, l->step);
    if (nsteps == 0) return PEL_OK;
    peli_region_enter(l->ctx, "land.step");
    step_arg a = {l, nsteps};
    peli_parallel(l->ctx, l->nblocks, 0, 0, step_blocks, &a);
    peli_region_exit(l->ctx, "land.step");
    /* the first step that went non-finite, and its first cell */
    size_t first = SIZE_MAX;
    for (size_t b = 0; b < l->nblocks; b++)
        if (l->bad_step[b] >= 0 && (first == SIZE_MAX || l->bad_step[b] < l->bad_step[first])) first = b;
    long start = l->step;
    l->step += nsteps;
    if (first == SIZE_MAX) return PEL_OK;
    char at[64];
    cell_name(l, l->bad_cell[first], at, sizeof at);
    return pel_error(l->ctx, PEL_ENONFINITE, "land: field T_soil is not finite at cell %s after step %ld", at,
                     start + l->bad_step[first] + 1);
}

/* ---- create / destroy ---------------------------------------------------------- */

typedef struct init_arg {
    pel_land *l;
    const double *frac; /* NULL: all land */
} init_arg;

/* First touch with the step's partition of blocks. */
static void init_blocks(int t, int nt, void *arg)
{
    const init_arg *ia = arg;
    pel_land *l = ia->l;
    const pel_land_params *p = &l->p;
    size_t b0, b1;
    pel_static_range(l->nblocks, t, nt, &b0, &b1);
    size_t lo = b0 * LAND_BLOCK, hi = b1 * LAND_BLOCK < l->n ? b1 * LAND_BLOCK : l->n;
    for (size_t i = lo; i < hi; i++) {
        l->f[PEL_LAND_W][i] = p->w0;
        l->f[PEL_LAND_T][i] = p->t0;
        l->f[PEL_LAND_EVAP][i] = 0.0;
        l->f[PEL_LAND_RUNOFF][i] = 0.0;
        l->f[PEL_LAND_PRECIP][i] = p->precip;
        l->f[PEL_LAND_PET][i] = p->pet;
        l->f[PEL_LAND_HEAT_FLUX][i] = p->heat_flux;
        l->f[PEL_LAND_FRACTION][i] = ia->frac ? ia->frac[i] : 1.0;
    }
}

typedef struct total_arg {
    const pel_land *l;
    int heat; /* 0: sum f W, 1: sum f C T */
} total_arg;

static double leaf_total(const void *user, size_t b, size_t e)
{
    const total_arg *ta = user;
    const double *fr = ta->l->f[PEL_LAND_FRACTION], *x = ta->l->f[ta->heat ? PEL_LAND_T : PEL_LAND_W];
    const double C = ta->heat ? ta->l->p.heat_capacity : 1.0;
    double acc = 0.0;
    for (size_t i = b; i < e; i++) acc += fr[i] * (C * x[i]);
    return acc;
}

static double total(const pel_land *l, int heat)
{
    total_arg ta = {l, heat};
    return pel_reduce(l->ctx, PEL_REDUCE_SUM, l->n, leaf_total, &ta);
}

pel_status pel_land_create(pel_context *ctx, const pel_land_params *p, pel_land **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "land");
    pel_status st = check_params(ctx, p);
    if (st) return st;
    const size_t n = p->nx * p->ny;
    double *frac = NULL;
    if (p->land_fraction) {
        for (size_t i = 0; i < n; i++)
            PEL_REQUIRE(ctx, p->land_fraction[i] >= 0 && p->land_fraction[i] <= 1,
                        "land: land_fraction[%zu] = %g (cell (%zu, %zu)): must be in [0, 1]", i, p->land_fraction[i],
                        i / p->nx, i % p->nx);
    } else if (p->mask_path && *p->mask_path) {
        if (!(frac = malloc(n * sizeof *frac))) return pel_error(ctx, PEL_ENOMEM, "land: no memory for the mask");
        if ((st = pel_mask_read(ctx, p->mask_path, p->nx, p->ny, frac))) {
            free(frac);
            return st;
        }
    }
    pel_land *l = calloc(1, sizeof *l);
    if (!l) {
        free(frac);
        return pel_error(ctx, PEL_ENOMEM, "land: no memory for the solver");
    }
    l->ctx = peli_context_retain(ctx);
    l->p = *p;
    l->p.land_fraction = NULL; /* copied into the fraction field */
    l->p.mask_path = NULL;
    l->n = n;
    l->nblocks = (n + LAND_BLOCK - 1) / LAND_BLOCK;
    l->wc = p->crit * p->w_fc;
    int ok = 1;
    if (p->mask_path) ok = (l->p.mask_path = l->mask_path = strdup(p->mask_path)) != NULL;
    for (int k = 0; k < PEL_LAND_NFIELDS; k++) ok &= (l->f[k] = pel_malloc(n * sizeof(double))) != NULL;
    ok &= (l->acc = calloc(NACC * l->nblocks, sizeof *l->acc)) != NULL;
    ok &= (l->bad_step = malloc(l->nblocks * sizeof *l->bad_step)) != NULL;
    ok &= (l->bad_cell = malloc(l->nblocks * sizeof *l->bad_cell)) != NULL;
    if (!ok) {
        free(frac);
        pel_land_destroy(l);
        return pel_error(ctx, PEL_ENOMEM, "land: no memory for %d fields of %zu cells", PEL_LAND_NFIELDS, n);
    }
    init_arg ia = {l, p->land_fraction ? p->land_fraction : frac};
    peli_parallel(ctx, l->nblocks, 0, 0, init_blocks, &ia);
    free(frac);
    l->water0 = total(l, 0);
    l->heat0 = total(l, 1);
    l->forced = 1;
    *out = l;
    return PEL_OK;
}

void pel_land_destroy(pel_land *l)
{
    if (!l) return;
    for (int k = 0; k < PEL_LAND_NFIELDS; k++) pel_free(l->f[k]);
    free(l->acc);
    free(l->bad_step);
    free(l->bad_cell);
    free(l->mask_path);
    peli_context_release(l->ctx);
    free(l);
}

/* ---- access --------------------------------------------------------------------- */

double *pel_land_data(pel_land *l, pel_land_field which)
{
    return l && (int)which >= 0 && which < PEL_LAND_NFIELDS ? l->f[which] : NULL;
}
const pel_land_params *pel_land_params_get(const pel_land *l) { return l ? &l->p : NULL; }
long pel_land_step_count(const pel_land *l) { return l ? l->step : 0; }
double pel_land_time(const pel_land *l) { return l ? (double)l->step * l->p.dt : 0.0; }

static const char *const forcing_name[] = {[PEL_LAND_PRECIP] = "precip", [PEL_LAND_PET] = "pet",
                                           [PEL_LAND_HEAT_FLUX] = "heat_flux"};

pel_status pel_land_set_forcing(pel_land *l, pel_land_field which, const double *v)
{
    if (!l) return PEL_EINVAL;
    PEL_REQUIRE(l->ctx, which == PEL_LAND_PRECIP || which == PEL_LAND_PET || which == PEL_LAND_HEAT_FLUX,
                "land: field %d is not a forcing (precip, pet or heat_flux)", (int)which);
    PEL_REQUIRE(l->ctx, v != NULL, "land: %s: values are NULL", forcing_name[which]);
    for (size_t i = 0; i < l->n; i++) {
        int good = which == PEL_LAND_HEAT_FLUX ? isfinite(v[i]) : v[i] >= 0 && v[i] <= MAX_FORCING;
        if (good) continue;
        char at[64];
        cell_name(l, i, at, sizeof at);
        if (which == PEL_LAND_HEAT_FLUX)
            return pel_error(l->ctx, PEL_EINVAL, "land: heat_flux = %g at cell %s: must be finite", v[i], at);
        return pel_error(l->ctx, PEL_EINVAL, "land: %s = %g at cell %s: must be in [0, %g] kg/m^2/s",
                         forcing_name[which], v[i], at, MAX_FORCING);
    }
    if (v != l->f[which]) memcpy(l->f[which], v, l->n * sizeof *v);
    l->forced = 0;
    return PEL_OK;
}

typedef struct acc_arg {
    const pel_land *l;
    int which;
} acc_arg;

static double leaf_acc(const void *user, size_t b, size_t e)
{
    const acc_arg *aa = user;
    double s = 0.0;
    for (size_t k = b; k < e; k++) s += aa->l->acc[k * NACC + aa->which];
    return s;
}

/* One accumulator summed over the blocks with pel_reduce's fixed tree (the
 * largest, NaN sticking, for the worst residuals). */
static double acc_total(const pel_land *l, int which)
{
    if (which == C_WWORST || which == C_HWORST) {
        double m = 0.0;
        for (size_t b = 0; b < l->nblocks; b++)
            if (!(l->acc[b * NACC + which] <= m)) m = l->acc[b * NACC + which];
        return m;
    }
    acc_arg aa = {l, which};
    return pel_reduce(l->ctx, PEL_REDUCE_SUM, l->nblocks, leaf_acc, &aa);
}

pel_status pel_land_get_budget(const pel_land *l, pel_land_budget *b)
{
    if (!l) return PEL_EINVAL;
    PEL_REQUIRE(l->ctx, b != NULL, "land: budget pointer is NULL");
    const double N = (double)l->n;
    *b = (pel_land_budget){total(l, 0) / N,          l->water0 / N,          acc_total(l, C_P) / N,
                           acc_total(l, C_E) / N,     acc_total(l, C_R) / N,  total(l, 1) / N,
                           l->heat0 / N,              acc_total(l, C_Q) / N,  acc_total(l, C_WWORST),
                           acc_total(l, C_HWORST),    l->forced};
    return PEL_OK;
}

size_t pel_land_budget_count(const pel_land *l) { return l ? NACC * l->nblocks + 1 : 0; }

void pel_land_save_budget(const pel_land *l, double *out)
{
    if (!l || !out) return;
    memcpy(out, l->acc, NACC * l->nblocks * sizeof *out);
    out[NACC * l->nblocks] = l->forced;
}

pel_status pel_land_set_state(pel_land *l, long step, const double *in)
{
    if (!l) return PEL_EINVAL;
    PEL_REQUIRE(l->ctx, step >= 0, "land: step = %ld: must be non-negative", step);
    PEL_REQUIRE(l->ctx, in != NULL, "land: budget values are NULL");
    const size_t n = NACC * l->nblocks;
    for (size_t k = 0; k < n; k++)
        PEL_REQUIRE(l->ctx, isfinite(in[k]) || k % NACC == C_WWORST || k % NACC == C_HWORST,
                    "land: budget value %zu = %g: must be finite", k, in[k]);
    PEL_REQUIRE(l->ctx, in[n] == 0 || in[n] == 1, "land: budget flag = %g: must be 0 or 1", in[n]);
    memcpy(l->acc, in, n * sizeof *in);
    l->forced = in[n] != 0;
    l->step = step;
    return PEL_OK;
}

/* ---- verification ---------------------------------------------------------------- */

typedef struct check_arg {
    const pel_land *l;
    double wexact; /* the closed form for every land cell */
} check_arg;

/* how far W leaves [0, W_fc] over [b, e); NaN wins */
static double leaf_bounds(const void *user, size_t b, size_t e)
{
    const pel_land *l = ((const check_arg *)user)->l;
    const double *W = l->f[PEL_LAND_W], wfc = l->p.w_fc;
    double m = 0.0;
    for (size_t i = b; i < e; i++) {
        double d = fmax(-W[i], W[i] - wfc);
        if (isnan(W[i])) return NAN;
        if (d > m) m = d;
    }
    return m;
}

static double leaf_nonfinite(const void *user, size_t b, size_t e)
{
    const pel_land *l = ((const check_arg *)user)->l;
    double c = 0.0;
    for (size_t i = b; i < e; i++) c += !isfinite(l->f[PEL_LAND_W][i]) + !isfinite(l->f[PEL_LAND_T][i]);
    return c;
}

static double leaf_closed(const void *user, size_t b, size_t e)
{
    const check_arg *ca = user;
    const double *W = ca->l->f[PEL_LAND_W], *fr = ca->l->f[PEL_LAND_FRACTION];
    double m = 0.0;
    for (size_t i = b; i < e; i++) {
        if (fr[i] == 0) continue;
        double d = fabs(W[i] - ca->wexact);
        if (isnan(d)) return NAN;
        if (d > m) m = d;
    }
    return m;
}

pel_status pel_land_verify(pel_land *l, pel_verify_log *log)
{
    if (!l) return PEL_EINVAL;
    PEL_REQUIRE(l->ctx, log != NULL, "land: log is NULL");
    check_arg ca = {l, 0.0};
    double c[NACC];
    for (int k = 0; k < NACC; k++) c[k] = acc_total(l, k);
    pel_verify_at_most(log, "land.water_step", c[C_WWORST], 1.0);
    double w = total(l, 0), h = total(l, 1);
    double wmag = SUM_ERR * UROUND * (fabs(w) + fabs(l->water0)), hmag = SUM_ERR * UROUND * (fabs(h) + fabs(l->heat0));
    pel_verify_close(log, "land.water_total", w - l->water0, (c[C_P] - c[C_E]) - c[C_R], c[C_WBOUND] + wmag, 0.0);
    pel_verify_at_most(log, "land.heat_step", c[C_HWORST], 1.0);
    pel_verify_close(log, "land.heat_total", h - l->heat0, c[C_Q], c[C_HBOUND] + hmag, 0.0);
    pel_verify_at_most(log, "land.bounds", pel_reduce(l->ctx, PEL_REDUCE_MAX, l->n, leaf_bounds, &ca), 0.0);
    pel_verify_at_most(log, "land.finite", pel_reduce(l->ctx, PEL_REDUCE_SUM, l->n, leaf_nonfinite, &ca), 0.0);
    if (l->forced) {
        /* Every land cell started at w0 under the same constant forcing: the
         * n steps compose to the exact solution over t = n dt, which the
         * steps reproduce to a few roundings each, never amplified (each step
         * maps W to W' with |dW'/dW| <= 1): 16 (n + 1) u W_fc. */
        double r;
        bucket(l->p.w_fc, l->wc, l->p.precip / PEL_LAND_RHO_W, l->p.pet / PEL_LAND_RHO_W, pel_land_time(l), l->p.w0,
               &ca.wexact, &r);
        pel_verify_at_most(log, "land.closed_form", pel_reduce(l->ctx, PEL_REDUCE_MAX, l->n, leaf_closed, &ca),
                           16.0 * ((double)l->step + 1.0) * UROUND * l->p.w_fc);
    }
    return PEL_OK;
}
