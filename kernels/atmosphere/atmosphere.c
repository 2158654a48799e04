/* The NCC81 energy-balance atmosphere (include/pel/atmosphere.h): tables
 * built at create, the factored backward-Euler step with the vapour tracer
 * as one team body of four phases per step, and the invariants. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pel/atmosphere.h>
#include <pel/reduce.h>

#include "internal/core.h"
#include "internal/sphere.h"
#include "internal/team.h"

#define UROUND (DBL_EPSILON / 2)
/* Budget tolerance, relative to the budget's scale (the sum of the
 * magnitudes of every term, below): the sums of N terms in fixed blocks and
 * the two tridiagonal solves (backward stable, diagonally dominant) leave a
 * few hundred u at most at the sizes a run uses; a wrong or missing term is
 * of relative order dt/C, far above. */
#define BUDGET_TOL 1e-12

enum { NVIEW = 7 };
static const char *const view_names[NVIEW] = {"T", "q", "precip", "olr", "asr", "surface_flux", "evaporation"};
enum { V_T, V_Q, V_PRECIP, V_OLR, V_ASR, V_SFLUX, V_EVAP };

/* Per-band sums of one step: the energy and water budgets. */
enum { S_DH, S_NET, S_HSCALE, S_DQ, S_WATER, S_QSCALE, NSUMS };

struct pel_atmosphere {
    pel_context *ctx;
    pel_atmosphere_params p;
    pel_sphere g;
    double k;       /* dt / C */
    double courant; /* wind dt / (radius dlambda) */
    double *T;      /* stored layout */
    double *q[2];   /* ping-pong by step parity */
    int qcur;
    double *W;             /* the increment, stored layout */
    double *view[NVIEW];   /* ny x nx each */
    /* per band */
    double *asr_warm, *asr_ice; /* Q times the band mean of S a */
    double *wmu;                /* ny + 1 edges: D (1 - mu_e^2) / dmu^2 */
    double *wlam;               /* D / (1 - mu_c^2) / dlambda^2 */
    double *mu_a, *mu_cp, *mu_inv; /* Thomas factors of I - k (L_mu - B) */
    double *lam_cp, *lam_inv, *lam_z; /* per band nx: factors of the modified periodic matrix */
    double *lam_gamma, *lam_fden;     /* per band */
    double *sums; /* NSUMS x ny */
    long step;
    double max_energy, max_water; /* largest relative residual since create */
};

/* ---- parameters ------------------------------------------------------------------- */

void pel_atmosphere_params_default(pel_atmosphere_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->ny = 36;
    p->A = 203.3;
    p->B = 2.09;
    p->D = 0.649;
    p->Q = 334.4;
    p->S2 = -0.482;
    p->Ts = -10.0;
    p->a0 = 0.681;
    p->a2 = -0.202;
    p->b0 = 0.38;
    p->heat_capacity = 1.0e7;
    p->dt = 21600.0;
    p->ice_albedo = 1;
    p->vapour = 1;
    p->wind = 10.0;
    p->radius = 6.371e6;
    p->qs0 = 20.0;
    p->qs_rate = 0.07;
    p->precip_tau = 86400.0;
    p->T_init = 10.0;
    p->q_init = 10.0;
}

static pel_status check_params(pel_context *ctx, const pel_atmosphere_params *p, pel_sphere *g)
{
    PEL_REQUIRE(ctx, p->ny >= 2, "atmosphere: ny = %zu: must be at least 2", p->ny);
    pel_status st = pel_sphere_init(ctx, p->ny, g);
    if (st) return st;
    /* 10 stored-layout fields or views and a few per-band arrays: their
     * bytes must fit, with room */
    PEL_REQUIRE(ctx, pel_sphere_doubles(g) <= SIZE_MAX / sizeof(double) / 16,
                "atmosphere: ny = %zu: the fields would overflow the address space", p->ny);
#define FINITE(name, v) PEL_REQUIRE(ctx, isfinite(v), "atmosphere: %s = %g: must be finite", name, v)
#define POSITIVE(name, v) PEL_REQUIRE(ctx, isfinite(v) && (v) > 0, "atmosphere: %s = %g: must be positive and finite", name, v)
#define NONNEG(name, v) PEL_REQUIRE(ctx, isfinite(v) && (v) >= 0, "atmosphere: %s = %g: must be non-negative and finite", name, v)
    FINITE("A", p->A);
    POSITIVE("B", p->B);
    NONNEG("D", p->D);
    NONNEG("Q", p->Q);
    FINITE("S2", p->S2);
    FINITE("Ts", p->Ts);
    FINITE("a0", p->a0);
    FINITE("a2", p->a2);
    FINITE("b0", p->b0);
    POSITIVE("heat_capacity", p->heat_capacity);
    POSITIVE("dt", p->dt);
    PEL_REQUIRE(ctx, p->ice_albedo == 0 || p->ice_albedo == 1, "atmosphere: ice_albedo = %d: must be 0 or 1", p->ice_albedo);
    PEL_REQUIRE(ctx, p->vapour == 0 || p->vapour == 1, "atmosphere: vapour = %d: must be 0 or 1", p->vapour);
    FINITE("wind", p->wind);
    POSITIVE("radius", p->radius);
    POSITIVE("qs0", p->qs0);
    FINITE("qs_rate", p->qs_rate);
    NONNEG("precip_tau", p->precip_tau);
    FINITE("T_init", p->T_init);
    FINITE("q_init", p->q_init);
#undef FINITE
#undef POSITIVE
#undef NONNEG
    double k = p->dt / p->heat_capacity;
    PEL_REQUIRE(ctx, isfinite(k) && k > 0 && isfinite(k * p->B * (double)p->ny * (double)p->ny) && isfinite(k * p->D * 4.0 * (double)p->ny * (double)p->ny * (double)p->ny),
                "atmosphere: dt / heat_capacity = %g: out of range (dt = %g, heat_capacity = %g)", k, p->dt, p->heat_capacity);
    if (p->vapour) {
        double c = p->wind * p->dt / (p->radius * g->dlambda);
        if (!(fabs(c) <= 1.0)) {
            /* the limit rounded down to 4 significant digits: advice that holds */
            double dtmax = p->radius * g->dlambda / fabs(p->wind);
            double scale = pow(10.0, floor(log10(dtmax)) - 3);
            dtmax = floor(dtmax / scale) * scale;
            return pel_error(ctx, PEL_EUNSTABLE,
                             "atmosphere: dt = %g s gives the vapour a Courant number %.4g (wind %g m/s, %zu bands): "
                             "use dt <= %.4g s",
                             p->dt, fabs(c), p->wind, p->ny, dtmax);
        }
    }
    return PEL_OK;
}

/* ---- tables --------------------------------------------------------------------------
 * Band mean of f over [x0, x1] by 3-point Gauss-Legendre: exact for
 * polynomials up to degree 5, so for S a (degree 4). */
static double sa_warm(const pel_atmosphere_params *p, double x)
{
    double p2 = 1.5 * x * x - 0.5;
    return (1.0 + p->S2 * p2) * (p->a0 + p->a2 * p2);
}

static double sa_ice(const pel_atmosphere_params *p, double x)
{
    double p2 = 1.5 * x * x - 0.5;
    return (1.0 + p->S2 * p2) * p->b0;
}

static double band_mean(const pel_atmosphere_params *p, double (*f)(const pel_atmosphere_params *, double), double x0,
                        double x1)
{
    const double c = 0.5 * (x0 + x1), h = 0.5 * (x1 - x0), r = sqrt(0.6);
    return (5.0 * f(p, c - r * h) + 8.0 * f(p, c) + 5.0 * f(p, c + r * h)) / 18.0;
}

static void build_tables(pel_atmosphere *a)
{
    const pel_atmosphere_params *p = &a->p;
    const pel_sphere *g = &a->g;
    const size_t ny = g->ny, nx = g->nx;
    const double k = a->k, dmu2 = g->dmu * g->dmu, dl2 = g->dlambda * g->dlambda;
    for (size_t j = 0; j <= ny; j++) {
        double mu = pel_sphere_mu_edge(g, j);
        a->wmu[j] = (j == 0 || j == ny) ? 0.0 : p->D * (1.0 - mu * mu) / dmu2;
    }
    for (size_t j = 0; j < ny; j++) {
        double x0 = pel_sphere_mu_edge(g, j), x1 = pel_sphere_mu_edge(g, j + 1), mc = pel_sphere_mu_centre(g, j);
        a->asr_warm[j] = p->Q * band_mean(p, sa_warm, x0, x1);
        a->asr_ice[j] = p->Q * band_mean(p, sa_ice, x0, x1);
        a->wlam[j] = p->D / (1.0 - mc * mc) / dl2;
    }
    /* mu: row j is -k w_j T_j-1 + (1 + kB + k w_j + k w_j+1) T_j - k w_j+1 T_j+1 */
    for (size_t j = 0; j < ny; j++) {
        double lo = -k * a->wmu[j], up = -k * a->wmu[j + 1], diag = 1.0 + k * p->B + k * a->wmu[j] + k * a->wmu[j + 1];
        double den = j == 0 ? diag : diag - lo * a->mu_cp[j - 1];
        a->mu_a[j] = lo;
        a->mu_inv[j] = 1.0 / den;
        a->mu_cp[j] = up / den;
    }
    /* longitude, per band: circulant with diagonal 1 + 2c, neighbours -c,
     * solved as a tridiagonal matrix modified in its corners plus a rank-one
     * correction (Sherman-Morrison): with gamma = -diag, the modified matrix
     * has diagonal diag - gamma first and diag - c^2/gamma last, and
     * u = (gamma, 0, ..., 0, -c), v = (1, 0, ..., 0, -c/gamma). */
    for (size_t j = 0; j < ny; j++) {
        double c = k * a->wlam[j], diag = 1.0 + 2.0 * c, off = -c, gamma = -diag;
        double *cp = a->lam_cp + j * nx, *inv = a->lam_inv + j * nx, *z = a->lam_z + j * nx;
        for (size_t i = 0; i < nx; i++) {
            double b = i == 0 ? diag - gamma : i == nx - 1 ? diag - off * off / gamma : diag;
            double den = i == 0 ? b : b - off * cp[i - 1];
            inv[i] = 1.0 / den;
            cp[i] = off / den;
        }
        /* z solves the modified system for u */
        for (size_t i = 0; i < nx; i++) {
            double r = i == 0 ? gamma : i == nx - 1 ? off : 0.0;
            z[i] = (r - (i ? off * z[i - 1] : 0.0)) * inv[i];
        }
        for (size_t i = nx - 1; i-- > 0;) z[i] -= cp[i] * z[i + 1];
        a->lam_gamma[j] = gamma;
        a->lam_fden[j] = 1.0 / (1.0 + z[0] + (off / gamma) * z[nx - 1]);
    }
}

/* ---- create / destroy ------------------------------------------------------------------ */

void pel_atmosphere_destroy(pel_atmosphere *a)
{
    if (!a) return;
    pel_free(a->T);
    pel_free(a->q[0]);
    pel_free(a->q[1]);
    pel_free(a->W);
    for (int v = 0; v < NVIEW; v++) pel_free(a->view[v]);
    free(a->asr_warm);
    free(a->asr_ice);
    free(a->wmu);
    free(a->wlam);
    free(a->mu_a);
    free(a->mu_cp);
    free(a->mu_inv);
    pel_free(a->lam_cp);
    pel_free(a->lam_inv);
    pel_free(a->lam_z);
    free(a->lam_gamma);
    free(a->lam_fden);
    free(a->sums);
    peli_context_release(a->ctx);
    free(a);
}

typedef struct init_arg {
    pel_atmosphere *a;
} init_arg;

/* First touch with the step's partition of rows: every stored row. */
static void init_rows(int t, int nt, void *arg)
{
    pel_atmosphere *a = ((init_arg *)arg)->a;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, nx = g->nx;
    size_t b, e;
    pel_static_range(g->rows, t, nt, &b, &e);
    for (size_t r = b; r < e; r++) {
        for (size_t i = 0; i < s; i++) {
            a->T[r * s + i] = a->p.T_init;
            a->q[0][r * s + i] = a->p.q_init;
            a->q[1][r * s + i] = a->p.q_init;
            a->W[r * s + i] = 0.0;
        }
    }
    pel_static_range(g->ny, t, nt, &b, &e);
    for (int v = 0; v < NVIEW; v++) memset(a->view[v] + b * nx, 0, (e - b) * nx * sizeof(double));
}

pel_status pel_atmosphere_create(pel_context *ctx, const pel_atmosphere_params *p, pel_atmosphere **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "atmosphere");
    pel_sphere g;
    pel_status st = check_params(ctx, p, &g);
    if (st) return st;
    pel_atmosphere *a = calloc(1, sizeof *a);
    if (!a) return pel_error(ctx, PEL_ENOMEM, "atmosphere: no memory for the solver");
    a->ctx = peli_context_retain(ctx);
    a->p = *p;
    a->g = g;
    a->k = p->dt / p->heat_capacity;
    a->courant = p->vapour ? p->wind * p->dt / (p->radius * g.dlambda) : 0.0;
    const size_t ny = g.ny, nx = g.nx, bytes = pel_sphere_doubles(&g) * sizeof(double);
    a->T = pel_malloc(bytes);
    a->q[0] = pel_malloc(bytes);
    a->q[1] = pel_malloc(bytes);
    a->W = pel_malloc(bytes);
    int ok = a->T && a->q[0] && a->q[1] && a->W;
    for (int v = 0; v < NVIEW; v++) ok &= (a->view[v] = pel_malloc(g.cells * sizeof(double))) != NULL;
    ok &= (a->asr_warm = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->asr_ice = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->wmu = malloc((ny + 1) * sizeof(double))) != NULL;
    ok &= (a->wlam = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->mu_a = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->mu_cp = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->mu_inv = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->lam_cp = pel_malloc(g.cells * sizeof(double))) != NULL;
    ok &= (a->lam_inv = pel_malloc(g.cells * sizeof(double))) != NULL;
    ok &= (a->lam_z = pel_malloc(g.cells * sizeof(double))) != NULL;
    ok &= (a->lam_gamma = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->lam_fden = malloc(ny * sizeof(double))) != NULL;
    ok &= (a->sums = calloc(NSUMS * ny, sizeof(double))) != NULL;
    if (!ok) {
        pel_atmosphere_destroy(a);
        return pel_error(ctx, PEL_ENOMEM, "atmosphere: no memory for %zu x %zu cells (%.3g GiB)", ny, nx,
                         (4.0 * (double)bytes + 10.0 * (double)g.cells * sizeof(double)) / (1 << 30));
    }
    build_tables(a);
    init_arg ia = {a};
    peli_parallel(ctx, g.rows, 0, 0, init_rows, &ia);
    pel_atmosphere_refresh(a);
    *out = a;
    return PEL_OK;
}

/* ---- the step ------------------------------------------------------------------------------ */

typedef struct step_arg {
    pel_atmosphere *a;
    long nsteps;
    int q0; /* parity of q at the first step */
} step_arg;

typedef struct phase_arg {
    pel_atmosphere *a;
    const double *qold;
    double *qnew;
} phase_arg;

/* Phase 1: longitude halos of T (and q). */
static void ph_halo_lon(int t, int nt, void *arg)
{
    phase_arg *pa = arg;
    peli_sphere_exchange_lon(&pa->a->g, pa->a->T, t, nt);
    if (pa->a->p.vapour) peli_sphere_exchange_lon(&pa->a->g, (double *)pa->qold, t, nt);
}

/* Phase 2: polar halos of T; then W = k R(T^n) and the absorbed shortwave,
 * band by band.  The polar halo rows are written by threads 0 and 1 of the
 * phase and read in the next, so the split by band below is unaffected. */
static void ph_halo_poles(int t, int nt, void *arg)
{
    phase_arg *pa = arg;
    peli_sphere_exchange_poles(&pa->a->g, pa->a->T, t, nt);
}

static double asr_of(const pel_atmosphere *a, size_t j, double T)
{
    return (a->p.ice_albedo && !(T > a->p.Ts)) ? a->asr_ice[j] : a->asr_warm[j];
}

static void ph_rhs(int t, int nt, void *arg)
{
    phase_arg *pa = arg;
    pel_atmosphere *a = pa->a;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, nx = g->nx;
    const double A = a->p.A, B = a->p.B, k = a->k;
    size_t b, e;
    pel_static_range(g->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        const double *T = a->T + (j + 1) * s + 1, *Ts = T - s, *Tn = T + s;
        const double ws = a->wmu[j], wn = a->wmu[j + 1], wl = a->wlam[j];
        const double *F = a->view[V_SFLUX] + j * nx;
        double *asr = a->view[V_ASR] + j * nx, *W = a->W + (j + 1) * s + 1;
        for (size_t i = 0; i < nx; i++) {
            double c = T[i];
            double div = (wn * (Tn[i] - c) - ws * (c - Ts[i])) + wl * ((T[i - 1] - c) + (T[i + 1] - c));
            double sw = asr_of(a, j, c);
            asr[i] = sw;
            W[i] = k * (((div - (A + B * c)) + sw) + F[i]);
        }
    }
}

/* Phase 3: the mu solve, column by column (split over columns; each sweep
 * runs band by band over the thread's columns). */
static void ph_mu(int t, int nt, void *arg)
{
    phase_arg *pa = arg;
    pel_atmosphere *a = pa->a;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, ny = g->ny;
    size_t b, e;
    pel_static_range(g->nx, t, nt, &b, &e);
    double *W = a->W + 1;
    for (size_t i = b; i < e; i++) W[s + i] *= a->mu_inv[0];
    for (size_t j = 1; j < ny; j++) {
        double *row = W + (j + 1) * s, *prev = row - s;
        const double lo = a->mu_a[j], inv = a->mu_inv[j];
        for (size_t i = b; i < e; i++) row[i] = (row[i] - lo * prev[i]) * inv;
    }
    for (size_t j = ny - 1; j-- > 0;) {
        double *row = W + (j + 1) * s, *next = row + s;
        const double cp = a->mu_cp[j];
        for (size_t i = b; i < e; i++) row[i] -= cp * next[i];
    }
}

/* Phase 4, per band: the longitude solve, the update of T and the export
 * views, the vapour step, and the band's budget sums. */
static void ph_lon_update(int t, int nt, void *arg)
{
    phase_arg *pa = arg;
    pel_atmosphere *a = pa->a;
    const pel_atmosphere_params *p = &a->p;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, nx = g->nx, ny = g->ny;
    const double A = p->A, B = p->B, C = p->heat_capacity, dt = p->dt;
    size_t b, e;
    pel_static_range(ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        double *W = a->W + (j + 1) * s + 1, *T = a->T + (j + 1) * s + 1;
        const double *cp = a->lam_cp + j * nx, *inv = a->lam_inv + j * nx, *z = a->lam_z + j * nx;
        const double off = -a->k * a->wlam[j], gamma = a->lam_gamma[j];
        W[0] *= inv[0];
        for (size_t i = 1; i < nx; i++) W[i] = (W[i] - off * W[i - 1]) * inv[i];
        for (size_t i = nx - 1; i-- > 0;) W[i] -= cp[i] * W[i + 1];
        const double fact = (W[0] + (off / gamma) * W[nx - 1]) * a->lam_fden[j];
        for (size_t i = 0; i < nx; i++) W[i] -= fact * z[i];

        double *vT = a->view[V_T] + j * nx, *olr = a->view[V_OLR] + j * nx;
        const double *asr = a->view[V_ASR] + j * nx, *F = a->view[V_SFLUX] + j * nx;
        double dh = 0.0, net = 0.0, hs = 0.0;
        for (size_t i = 0; i < nx; i++) {
            double told = T[i], tnew = told + W[i];
            T[i] = tnew;
            vT[i] = tnew;
            double lw = A + B * tnew;
            olr[i] = lw;
            dh += tnew - told;
            net += (asr[i] - lw) + F[i];
            hs += (fabs(lw) + fabs(asr[i])) + fabs(F[i]) + (C / dt) * fabs(tnew);
        }
        double *sums = a->sums;
        sums[S_DH * ny + j] = dh;
        sums[S_NET * ny + j] = net;
        sums[S_HSCALE * ny + j] = hs;
        if (!p->vapour) continue;

        const double *qo = pa->qold + (j + 1) * s + 1, *E = a->view[V_EVAP] + j * nx;
        double *qn = pa->qnew + (j + 1) * s + 1, *vq = a->view[V_Q] + j * nx, *pr = a->view[V_PRECIP] + j * nx;
        const double c = a->courant, relax = 1.0 / (p->precip_tau + dt);
        double dq = 0.0, water = 0.0, qsc = 0.0;
        for (size_t i = 0; i < nx; i++) {
            /* upwind fluxes through the west and east faces of cell i */
            double fw = c >= 0 ? c * qo[i - 1] : c * qo[i];
            double fe = c >= 0 ? c * qo[i] : c * qo[i + 1];
            double qstar = (qo[i] - (fe - fw)) + dt * E[i];
            double qs = p->qs0 * exp(p->qs_rate * T[i]);
            double P = qstar > qs ? (qstar - qs) * relax : 0.0;
            double qnew = qstar - dt * P;
            qn[i] = qnew;
            vq[i] = qnew;
            pr[i] = P;
            dq += qnew - qo[i];
            water += E[i] - P;
            qsc += (fabs(E[i]) + P) + (fabs(qnew) + fabs(fe)) / dt;
        }
        sums[S_DQ * ny + j] = dq;
        sums[S_WATER * ny + j] = water;
        sums[S_QSCALE * ny + j] = qsc;
    }
}

/* The step's budgets from the band sums, in band order (one thread). */
static void close_budgets(pel_atmosphere *a)
{
    const size_t ny = a->g.ny;
    const double *s = a->sums;
    const double C = a->p.heat_capacity, dt = a->p.dt;
    double dh = pel_sum_serial(s + S_DH * ny, ny), net = pel_sum_serial(s + S_NET * ny, ny);
    double hs = pel_sum_serial(s + S_HSCALE * ny, ny);
    double res = hs > 0 ? fabs(C * dh - dt * net) / (dt * hs) : fabs(C * dh - dt * net);
    if (!(res <= a->max_energy)) a->max_energy = res; /* a NaN sticks */
    if (a->p.vapour) {
        double dq = pel_sum_serial(s + S_DQ * ny, ny), w = pel_sum_serial(s + S_WATER * ny, ny);
        double qs = pel_sum_serial(s + S_QSCALE * ny, ny);
        double rw = qs > 0 ? fabs(dq - dt * w) / (dt * qs) : fabs(dq - dt * w);
        if (!(rw <= a->max_water)) a->max_water = rw;
    }
}

static void step_body(peli_team *tm, void *arg)
{
    step_arg *sa = arg;
    pel_atmosphere *a = sa->a;
    for (long n = 0; n < sa->nsteps; n++) {
        int cur = (int)((sa->q0 + n) & 1);
        phase_arg pa = {a, a->q[cur], a->p.vapour ? a->q[cur ^ 1] : a->q[cur]};
        peli_phase(tm, ph_halo_lon, &pa);
        peli_phase(tm, ph_halo_poles, &pa);
        peli_phase(tm, ph_rhs, &pa);
        peli_phase(tm, ph_mu, &pa);
        peli_phase(tm, ph_lon_update, &pa);
        if (peli_master(tm)) close_budgets(a);
    }
}

pel_status pel_atmosphere_step(pel_atmosphere *a, long nsteps)
{
    if (!a) return PEL_EINVAL;
    PEL_REQUIRE(a->ctx, nsteps >= 0, "atmosphere: nsteps = %ld: must be non-negative", nsteps);
    PEL_REQUIRE(a->ctx, nsteps <= LONG_MAX - a->step,
                "atmosphere: nsteps = %ld: the step count would overflow (now %ld)", nsteps, a->step);
    if (nsteps == 0) return PEL_OK;
    peli_region_enter(a->ctx, "atmosphere.step");
    step_arg sa = {a, nsteps, a->qcur};
    peli_run(a->ctx, a->g.ny, 0, step_body, &sa);
    if (a->p.vapour) a->qcur = (int)((a->qcur + nsteps) & 1);
    a->step += nsteps;
    peli_region_exit(a->ctx, "atmosphere.step");
    return PEL_OK;
}

/* ---- access ------------------------------------------------------------------------------------ */

const pel_sphere *pel_atmosphere_grid(const pel_atmosphere *a) { return a ? &a->g : NULL; }
const pel_atmosphere_params *pel_atmosphere_params_get(const pel_atmosphere *a) { return a ? &a->p : NULL; }
long pel_atmosphere_step_count(const pel_atmosphere *a) { return a ? a->step : 0; }
double pel_atmosphere_time(const pel_atmosphere *a) { return a ? (double)a->step * a->p.dt : 0.0; }
double *pel_atmosphere_T(pel_atmosphere *a) { return a ? a->T : NULL; }
double *pel_atmosphere_q(pel_atmosphere *a) { return a ? a->q[a->qcur] : NULL; }

double *pel_atmosphere_view(pel_atmosphere *a, const char *name)
{
    if (!a || !name) return NULL;
    for (int v = 0; v < NVIEW; v++)
        if (strcmp(name, view_names[v]) == 0) return a->view[v];
    return NULL;
}

static void refresh_rows(int t, int nt, void *arg)
{
    pel_atmosphere *a = arg;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, nx = g->nx;
    const double *q = a->q[a->qcur];
    size_t b, e;
    pel_static_range(g->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        const double *T = a->T + (j + 1) * s + 1, *qq = q + (j + 1) * s + 1;
        for (size_t i = 0; i < nx; i++) {
            a->view[V_T][j * nx + i] = T[i];
            a->view[V_Q][j * nx + i] = qq[i];
            a->view[V_OLR][j * nx + i] = a->p.A + a->p.B * T[i];
            a->view[V_ASR][j * nx + i] = asr_of(a, j, T[i]);
        }
    }
}

pel_status pel_atmosphere_refresh(pel_atmosphere *a)
{
    if (!a) return PEL_EINVAL;
    peli_parallel(a->ctx, a->g.ny, 0, 0, refresh_rows, a);
    return PEL_OK;
}

pel_status pel_atmosphere_set_step(pel_atmosphere *a, long step)
{
    if (!a) return PEL_EINVAL;
    PEL_REQUIRE(a->ctx, step >= 0, "atmosphere: step = %ld: must be non-negative", step);
    a->step = step;
    a->max_energy = a->max_water = 0.0;
    return PEL_OK;
}

/* ---- the closed forms and the invariants ----------------------------------------------------
 * S a = (1 + S2 P2)(a0 + a2 P2) = a0 + (a0 S2 + a2) P2 + S2 a2 P2^2, and
 * P2^2 = (18/35) P4 + (2/7) P2 + 1/5, so in Legendre polynomials
 *   S a = [a0 + S2 a2/5] + [a0 S2 + a2 + (2/7) S2 a2] P2 + [(18/35) S2 a2] P4,
 * and since (2n+1) int_0^1 P_m P_n dx = delta_mn for even m, n, H_n is the
 * coefficient of P_n. */
void pel_atmosphere_legendre(const pel_atmosphere_params *p, double t[3])
{
    if (!p || !t) return;
    const double sa = p->S2 * p->a2;
    const double H0 = p->a0 + sa / 5.0, H2 = p->a0 * p->S2 + p->a2 + 2.0 * sa / 7.0, H4 = 18.0 * sa / 35.0;
    t[0] = p->Q * H0 / p->B - p->A / p->B;
    t[1] = p->Q * H2 / (6.0 * p->D + p->B);
    t[2] = p->Q * H4 / (20.0 * p->D + p->B);
}

typedef struct resid_arg {
    pel_atmosphere *a;
    int op; /* 0: max |R|, 1: sum R */
} resid_arg;

/* R(T) / B of global cells [b, e) (halos of T must be current). */
static double leaf_resid(const void *user, size_t b, size_t e)
{
    const resid_arg *ra = user;
    const pel_atmosphere *a = ra->a;
    const pel_sphere *g = &a->g;
    const size_t s = g->stride, nx = g->nx;
    double acc = 0.0;
    for (size_t cidx = b; cidx < e; cidx++) {
        size_t j = cidx / nx, i = cidx - j * nx;
        const double *T = a->T + (j + 1) * s + 1;
        double c = T[i];
        double div = (a->wmu[j + 1] * (T[i + s] - c) - a->wmu[j] * (c - T[i - s])) +
                     a->wlam[j] * ((T[i - 1] - c) + (T[i + 1] - c));
        double r = (((div - (a->p.A + a->p.B * c)) + asr_of(a, j, c)) + a->view[V_SFLUX][j * nx + i]) / a->p.B;
        if (ra->op == 0) {
            r = fabs(r);
            if (isnan(r) || r > acc) acc = r;
            if (isnan(acc)) return acc;
        } else
            acc += r;
    }
    return acc;
}

double pel_atmosphere_residual(pel_atmosphere *a)
{
    if (!a) return NAN;
    pel_sphere_exchange(a->ctx, &a->g, a->T);
    resid_arg ra = {a, 0};
    return pel_reduce(a->ctx, PEL_REDUCE_MAX, a->g.cells, leaf_resid, &ra);
}

double pel_atmosphere_ice_edge(pel_atmosphere *a)
{
    if (!a) return NAN;
    const pel_sphere *g = &a->g;
    const size_t ny = g->ny, nx = g->nx;
    /* the northernmost band whose zonal mean (column order) is above Ts */
    for (size_t j = ny; j-- > 0;) {
        double acc = 0.0;
        for (size_t i = 0; i < nx; i++) acc += a->view[V_T][j * nx + i];
        if (acc / (double)nx > a->p.Ts) return j == ny - 1 ? 1.0 : pel_sphere_mu_edge(g, j + 1);
    }
    return -1.0;
}

static int flux_is_zero(const pel_atmosphere *a)
{
    for (size_t c = 0; c < a->g.cells; c++)
        if (a->view[V_SFLUX][c] != 0.0) return 0;
    return 1;
}

pel_status pel_atmosphere_verify(pel_atmosphere *a, pel_verify_log *log)
{
    if (!a) return PEL_EINVAL;
    PEL_REQUIRE(a->ctx, log, "atmosphere: log is NULL");
    pel_verify_at_most(log, "atmosphere.energy_budget", a->max_energy, BUDGET_TOL);
    if (a->p.vapour) {
        pel_verify_at_most(log, "atmosphere.water_budget", a->max_water, BUDGET_TOL);
        pel_verify_at_most(log, "atmosphere.cfl", fabs(a->courant), 1.0);
    }
    if (!a->p.ice_albedo && flux_is_zero(a)) {
        /* Summed over the sphere the diffusion cancels and the band means of
         * Q S a sum to Q H_0 per cell, so mean(R)/B = T_0 - mean(T) exactly:
         * the mean is T_0 within the steady-state defect |mean R|/B, plus
         * the round-off of the sums (a few hundred u of the magnitudes, far
         * below the 2e-2 K that point-sampled insolation would miss by). */
        double t[3];
        pel_atmosphere_legendre(&a->p, t);
        pel_sphere_exchange(a->ctx, &a->g, a->T);
        resid_arg ra = {a, 1};
        double mean_r = pel_reduce(a->ctx, PEL_REDUCE_SUM, a->g.cells, leaf_resid, &ra) / (double)a->g.cells;
        double mean = pel_sphere_mean(a->ctx, &a->g, a->T);
        double mag = fabs(t[0]) + fabs(a->p.A / a->p.B) + pel_max_abs(a->ctx, a->view[V_T], a->g.cells) +
                     a->p.Q / a->p.B;
        pel_verify_close(log, "atmosphere.legendre_mean", mean, t[0], fabs(mean_r) + 1024.0 * UROUND * mag, 0.0);
    }
    return PEL_OK;
}
