/* The ocean solver (include/pel/ocean.h): parameters and the stability
 * check, the fields with their halos, the initial state, the compact
 * copies, the invariants and the closed forms the tests compare with.
 * The time stepping is step.c; the derivations are in docs/ocean.md. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocean/ocean_impl.h"

#define PI 3.14159265358979323846
#define UROUND (DBL_EPSILON / 2)
/* SSP-RK3's stability limits on the imaginary axis (sqrt 3) and the
 * negative real axis (the root of 1 + x + x^2/2 + x^3/6 = -1); the
 * rectangle  -RK3_REAL <= Re z <= 0, |Im z| <= RK3_IMAG (1 - Re z/-RK3_REAL)
 * lies inside the stability region (checked on a fine grid of points). */
#define RK3_IMAG 1.7320508075688772
#define RK3_REAL 2.5127453266183286

void pel_ocean_params_default(pel_ocean_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->nx = 100;
    p->ny = 64;
    p->dx = 1e7 / 100.0;
    p->dy = 2.0 * PI * 1e6 / 64.0;
    p->bc_x = p->bc_y = PEL_OCEAN_WALL;
    p->equations = PEL_OCEAN_LINEAR;
    p->depth = 200.0;
    p->gravity = 9.81;
    p->f0 = 1e-4;
    p->beta = 1e-11;
    p->rho0 = 1000.0;
    p->cp = 3990.0;
    p->drag = 2e-4;
    p->viscosity = 0.0;
    p->tau0 = 0.1;
    p->heat_flux = 0.0;
    p->speed = 1.0;
    p->init = PEL_OCEAN_INIT_REST;
    p->mode[0] = p->mode[1] = 1;
    p->amplitude = 0.0;
    p->sst_south = 25.0;
    p->sst_north = 5.0;
    p->mask = NULL;
    p->dt = 0.9 * pel_ocean_dt_max(p);
}

/* ---- the stability criterion ------------------------------------------------------
 * The linear operator is, in the energy inner product, a skew part (gravity
 * waves, Coriolis, advection at the speed bound) plus a negative part (drag,
 * viscosity), so its eigenvalues z/dt satisfy |Im| <= wi and -wr <= Re <= 0
 * with wi = |f|max + (sqrt(gH) + speed) 2 sqrt(1/dx^2 + 1/dy^2) and
 * wr = R/H + nu 4 (1/dx^2 + 1/dy^2).  dt (wi/RK3_IMAG + wr/RK3_REAL) <= 1
 * keeps every z in the rectangle above. */
typedef struct limits {
    double term[5]; /* gravity waves, advection, Coriolis, drag, viscosity: their share of 1/dt */
    double wi, wr;
} limits;

static void stability(const pel_ocean_params *p, limits *L)
{
    double kk = 2.0 * sqrt(1.0 / (p->dx * p->dx) + 1.0 / (p->dy * p->dy));
    double fm = fmax(fabs(p->f0), fabs(p->f0 + p->beta * (double)p->ny * p->dy));
    double c = sqrt(p->gravity * p->depth);
    L->term[0] = c * kk / RK3_IMAG;
    L->term[1] = p->speed * kk / RK3_IMAG;
    L->term[2] = fm / RK3_IMAG;
    L->term[3] = p->drag / p->depth / RK3_REAL;
    L->term[4] = p->viscosity * kk * kk / RK3_REAL;
    L->wi = fm + (c + p->speed) * kk;
    L->wr = p->drag / p->depth + p->viscosity * kk * kk;
}

static double inv_dt_max(const limits *L)
{
    return L->term[0] + L->term[1] + L->term[2] + L->term[3] + L->term[4];
}

static int finite_pos(double x) { return isfinite(x) && x > 0; }

static pel_status check_params(pel_context *ctx, const pel_ocean_params *p)
{
    PEL_REQUIRE(ctx, p->nx >= 4 && p->nx <= 1000000, "ocean: nx = %zu: must be in [4, 1000000]", p->nx);
    PEL_REQUIRE(ctx, p->ny >= 4 && p->ny <= 1000000, "ocean: ny = %zu: must be in [4, 1000000]", p->ny);
    PEL_REQUIRE(ctx, (p->nx + 2 * OC_HALO) <= SIZE_MAX / 8 / (p->ny + 2 * OC_HALO) / 20,
                "ocean: %zu x %zu cells: too many for this machine", p->nx, p->ny);
    PEL_REQUIRE(ctx, finite_pos(p->dx) && p->dx >= 1e-6 && p->dx <= 1e9,
                "ocean: dx = %g: must be in [1e-6, 1e9] m", p->dx);
    PEL_REQUIRE(ctx, finite_pos(p->dy) && p->dy >= 1e-6 && p->dy <= 1e9,
                "ocean: dy = %g: must be in [1e-6, 1e9] m", p->dy);
    PEL_REQUIRE(ctx, p->bc_x == PEL_OCEAN_WALL || p->bc_x == PEL_OCEAN_PERIODIC,
                "ocean: bc_x = %d: must be PEL_OCEAN_WALL or PEL_OCEAN_PERIODIC", (int)p->bc_x);
    PEL_REQUIRE(ctx, p->bc_y == PEL_OCEAN_WALL || p->bc_y == PEL_OCEAN_PERIODIC,
                "ocean: bc_y = %d: must be PEL_OCEAN_WALL or PEL_OCEAN_PERIODIC", (int)p->bc_y);
    PEL_REQUIRE(ctx, p->equations == PEL_OCEAN_LINEAR || p->equations == PEL_OCEAN_NONLINEAR,
                "ocean: equations = %d: must be PEL_OCEAN_LINEAR or PEL_OCEAN_NONLINEAR",
                (int)p->equations);
    PEL_REQUIRE(ctx, finite_pos(p->depth) && p->depth <= 1e6, "ocean: depth = %g: must be in (0, 1e6] m", p->depth);
    PEL_REQUIRE(ctx, finite_pos(p->gravity) && p->gravity <= 1e6,
                "ocean: gravity = %g: must be in (0, 1e6] m/s2", p->gravity);
    PEL_REQUIRE(ctx, isfinite(p->f0) && fabs(p->f0) <= 1.0, "ocean: f0 = %g: must be in [-1, 1] 1/s", p->f0);
    PEL_REQUIRE(ctx, isfinite(p->beta) && fabs(p->beta) <= 1e-3,
                "ocean: beta = %g: must be in [-1e-3, 1e-3] 1/(m s)", p->beta);
    PEL_REQUIRE(ctx, finite_pos(p->rho0) && p->rho0 <= 1e5, "ocean: rho0 = %g: must be in (0, 1e5] kg/m3", p->rho0);
    PEL_REQUIRE(ctx, finite_pos(p->cp) && p->cp <= 1e6, "ocean: cp = %g: must be in (0, 1e6] J/(kg K)", p->cp);
    PEL_REQUIRE(ctx, isfinite(p->drag) && p->drag >= 0 && p->drag <= 1e3,
                "ocean: drag = %g: must be in [0, 1e3] m/s", p->drag);
    PEL_REQUIRE(ctx, isfinite(p->viscosity) && p->viscosity >= 0 && p->viscosity <= 1e12,
                "ocean: viscosity = %g: must be in [0, 1e12] m2/s", p->viscosity);
    PEL_REQUIRE(ctx, isfinite(p->tau0) && fabs(p->tau0) <= 1e3, "ocean: tau0 = %g: must be in [-1e3, 1e3] N/m2", p->tau0);
    PEL_REQUIRE(ctx, isfinite(p->heat_flux) && fabs(p->heat_flux) <= 1e5,
                "ocean: heat_flux = %g: must be in [-1e5, 1e5] W/m2", p->heat_flux);
    PEL_REQUIRE(ctx, isfinite(p->speed) && p->speed >= 0 && p->speed <= 1e4,
                "ocean: speed = %g: must be in [0, 1e4] m/s", p->speed);
    PEL_REQUIRE(ctx, p->init == PEL_OCEAN_INIT_REST || p->init == PEL_OCEAN_INIT_MODE ||
                         p->init == PEL_OCEAN_INIT_BUMP,
                "ocean: init = %d: must be PEL_OCEAN_INIT_REST, _MODE or _BUMP", (int)p->init);
    if (p->init == PEL_OCEAN_INIT_MODE) {
        PEL_REQUIRE(ctx, p->bc_x == PEL_OCEAN_PERIODIC && p->bc_y == PEL_OCEAN_PERIODIC,
                    "ocean: init = mode needs a doubly periodic basin (bc_x = bc_y = periodic)");
        PEL_REQUIRE(ctx, p->mode[0] >= 0 && 2 * (size_t)p->mode[0] < p->nx,
                    "ocean: mode[0] = %d: must be in [0, nx/2) = [0, %zu)", p->mode[0], (p->nx + 1) / 2);
        PEL_REQUIRE(ctx, p->mode[1] >= 0 && 2 * (size_t)p->mode[1] < p->ny,
                    "ocean: mode[1] = %d: must be in [0, ny/2) = [0, %zu)", p->mode[1], (p->ny + 1) / 2);
        PEL_REQUIRE(ctx, p->mode[0] + p->mode[1] > 0, "ocean: mode = (0, 0): the mean is no wave");
    }
    PEL_REQUIRE(ctx, isfinite(p->amplitude) && fabs(p->amplitude) < p->depth,
                "ocean: amplitude = %g: must be finite and below the depth %g", p->amplitude, p->depth);
    PEL_REQUIRE(ctx, isfinite(p->sst_south) && fabs(p->sst_south) <= 1e3,
                "ocean: sst_south = %g: must be in [-1e3, 1e3]", p->sst_south);
    PEL_REQUIRE(ctx, isfinite(p->sst_north) && fabs(p->sst_north) <= 1e3,
                "ocean: sst_north = %g: must be in [-1e3, 1e3]", p->sst_north);
    PEL_REQUIRE(ctx, isfinite(p->dt) && p->dt > 0, "ocean: dt = %g: must be positive and finite", p->dt);
    limits L;
    stability(p, &L);
    double dtm = 1.0 / inv_dt_max(&L);
    if (!(p->dt <= dtm)) {
        static const char *const what[5] = {"gravity waves", "advection", "Coriolis", "bottom drag",
                                             "viscosity"};
        int k = 0;
        for (int m = 1; m < 5; m++)
            if (L.term[m] > L.term[k]) k = m;
        char detail[160];
        if (k == 0)
            snprintf(detail, sizeof detail, "sqrt(g*H) = %.3g m/s across dx = %g m, dy = %g m",
                     sqrt(p->gravity * p->depth), p->dx, p->dy);
        else if (k == 1)
            snprintf(detail, sizeof detail, "speed = %g m/s across dx = %g m, dy = %g m", p->speed, p->dx, p->dy);
        else if (k == 2)
            snprintf(detail, sizeof detail, "|f| up to %.3g 1/s", L.term[2] * RK3_IMAG);
        else if (k == 3)
            snprintf(detail, sizeof detail, "R/H = %.3g 1/s", p->drag / p->depth);
        else
            snprintf(detail, sizeof detail, "nu = %g m2/s across dx = %g m", p->viscosity, p->dx);
        /* 3 significant digits, rounded down: a suggestion that holds */
        double sug = 0.9 * dtm, sc = pow(10.0, floor(log10(sug)) - 2);
        sug = floor(sug / sc) * sc;
        return pel_error(ctx, PEL_EUNSTABLE,
                         "ocean: dt = %g s exceeds the RK3 stability limit %.4g s (mostly %s: %s); use dt <= %.4g",
                         p->dt, dtm, what[k], detail, sug);
    }
    return PEL_OK;
}

double pel_ocean_dt_max(const pel_ocean_params *p)
{
    if (!p || !finite_pos(p->dx) || !finite_pos(p->dy) || !finite_pos(p->depth) ||
        !finite_pos(p->gravity) || !isfinite(p->f0) || !isfinite(p->beta) || !(p->drag >= 0) ||
        !(p->viscosity >= 0) || !(p->speed >= 0))
        return 0.0;
    limits L;
    stability(p, &L);
    double d = 1.0 / inv_dt_max(&L);
    return isfinite(d) ? d : 0.0;
}

/* ---- allocation, masks, forcing --------------------------------------------------- */

static void *grab(pel_ocean *o, size_t bytes)
{
    if (o->nblocks >= (int)(sizeof o->blocks / sizeof o->blocks[0])) return NULL;
    void *b = pel_malloc(bytes);
    if (b) {
        memset(b, 0, bytes);
        o->blocks[o->nblocks++] = b;
    }
    return b;
}

/* count blocks of nrows x len doubles, each zeroed by the threads that use
 * its rows (first touch: a field's rows by the threads that step them, a
 * per-thread block's by its thread) */
static double *grab_rows(pel_ocean *o, int count, size_t nrows, size_t len)
{
    if (o->nblocks >= (int)(sizeof o->blocks / sizeof o->blocks[0])) return NULL;
    double *b = pel_malloc((size_t)count * nrows * len * sizeof(double));
    if (!b) return NULL;
    o->blocks[o->nblocks++] = b;
    for (int f = 0; f < count; f++) pel_first_touch_zero(o->ctx, b + (size_t)f * nrows * len, nrows, len);
    return b;
}

static double *grab_fields(pel_ocean *o, int count) { return grab_rows(o, count, o->rows, o->ld); }

/* Converts one compact forcing field (ny x nx) into the stepping's form. */
static void apply_forcing(pel_ocean *o, int which)
{
    const ptrdiff_t nx = (ptrdiff_t)o->nx, ny = (ptrdiff_t)o->ny, ld = (ptrdiff_t)o->ld;
    double *tmp = o->s1[0]; /* the stage buffers are scratch between steps */
    const double *src = o->out[4 + which];
    for (ptrdiff_t j = 0; j < ny; j++)
        for (ptrdiff_t i = 0; i < nx; i++) tmp[OC_AT(o, i, j)] = src[j * nx + i];
    peli_ocean_exchange_one(o, tmp);
    if (which == 0) {
        for (ptrdiff_t j = 0; j < ny; j++)
            for (ptrdiff_t i = 0; i < nx; i++) {
                ptrdiff_t k = OC_AT(o, i, j);
                o->fu[k] = o->mu[k] ? 0.5 * (tmp[k - 1] + tmp[k]) / o->p.rho0 : 0.0;
            }
    } else if (which == 1) {
        for (ptrdiff_t j = 0; j < ny; j++)
            for (ptrdiff_t i = 0; i < nx; i++) {
                ptrdiff_t k = OC_AT(o, i, j);
                o->fv[k] = o->mv[k] ? 0.5 * (tmp[k - ld] + tmp[k]) / o->p.rho0 : 0.0;
            }
    } else {
        const double s = 1.0 / (o->p.rho0 * o->p.cp);
        for (ptrdiff_t j = 0; j < ny; j++)
            for (ptrdiff_t i = 0; i < nx; i++) {
                ptrdiff_t k = OC_AT(o, i, j);
                o->fq[k] = o->wet[k] ? src[j * nx + i] * s : 0.0;
            }
    }
    memset(o->s1[0] - o->org, 0, o->ld * o->rows * sizeof(double));
}

/* sum over wet cells of fq (ordered, reproducible) times dA */
static double leaf_fq(const void *user, size_t b, size_t e)
{
    const pel_ocean *o = user;
    double acc = 0.0;
    for (size_t c = b; c < e; c++) {
        size_t j = c / o->nx, i = c - j * o->nx;
        acc += o->fq[OC_AT(o, i, j)];
    }
    return acc;
}

static int forced(const pel_ocean *o)
{
    for (size_t c = 0; c < o->cells; c++)
        if (o->out[4][c] != 0.0 || o->out[5][c] != 0.0) return 1;
    return 0;
}

/* ---- compact copies and the finiteness check ------------------------------------- */

typedef struct refresh_arg {
    pel_ocean *o;
    int64_t *bad;   /* per thread: the first non-finite (field * cells + cell), or -1 */
    double *rowabs; /* per row: sum |eta|, sum |C|, max |u|, max |v| */
} refresh_arg;

static void refresh_rows(int t, int nt, void *arg)
{
    const refresh_arg *ra = arg;
    pel_ocean *o = ra->o;
    const size_t nx = o->nx;
    size_t b, e;
    pel_static_range(o->ny, t, nt, &b, &e);
    int64_t bad = -1;
    for (size_t j = b; j < e; j++) {
        const double *E = o->x[OC_ETA] + OC_AT(o, 0, j), *u = o->x[OC_U] + OC_AT(o, 0, j),
                     *v = o->x[OC_V] + OC_AT(o, 0, j), *C = o->x[OC_C] + OC_AT(o, 0, j);
        const unsigned char *wet = o->wet + OC_AT(o, 0, j);
        double *oe = o->out[0] + j * nx, *ou = o->out[1] + j * nx, *ov = o->out[2] + j * nx,
               *os = o->out[3] + j * nx, *oc = o->hT + j * nx;
        double se = 0, sc = 0, mu = 0, mv = 0;
        for (size_t i = 0; i < nx; i++) {
            oe[i] = E[i];
            ou[i] = u[i];
            ov[i] = v[i];
            oc[i] = C[i];
            os[i] = wet[i] ? C[i] / (o->H + E[i]) : 0.0;
            se += fabs(E[i]);
            sc += fabs(C[i]);
            mu = fmax(mu, fabs(u[i]));
            mv = fmax(mv, fabs(v[i]));
        }
        double *ra4 = ra->rowabs + 4 * j;
        ra4[0] = se, ra4[1] = sc, ra4[2] = mu, ra4[3] = mv;
        if (bad < 0 && !(isfinite(se) && isfinite(sc) && isfinite(mu) && isfinite(mv))) {
            const double *f[4] = {oe, ou, ov, oc};
            for (int k = 0; k < 4 && bad < 0; k++)
                for (size_t i = 0; i < nx; i++)
                    if (!isfinite(f[k][i])) {
                        bad = (int64_t)((size_t)k * o->cells + j * nx + i);
                        break;
                    }
        }
    }
    ra->bad[t] = bad;
}

/* the per-row sums, the largest speeds and the first bad value of the last refresh */
typedef struct summary {
    double abs_eta, abs_c, umax, vmax;
    int64_t bad;
} summary;

static summary last_summary(pel_ocean *o, int64_t *bad, int nt, const double *rowabs)
{
    summary s = {0, 0, 0, 0, -1};
    for (int t = 0; t < nt; t++) {
        if (bad[t] >= 0 && (s.bad < 0 || bad[t] < s.bad)) s.bad = bad[t];
    }
    /* fixed-order sums over rows, whatever the team was */
    double *tmp = o->s2[0]; /* scratch: stage buffer between steps */
    for (size_t j = 0; j < o->ny; j++) tmp[j] = rowabs[4 * j];
    s.abs_eta = pel_sum_serial(tmp, o->ny);
    for (size_t j = 0; j < o->ny; j++) tmp[j] = rowabs[4 * j + 1];
    s.abs_c = pel_sum_serial(tmp, o->ny);
    memset(tmp, 0, o->ny * sizeof *tmp);
    for (size_t j = 0; j < o->ny; j++) {
        s.umax = fmax(s.umax, rowabs[4 * j + 2]);
        s.vmax = fmax(s.vmax, rowabs[4 * j + 3]);
    }
    return s;
}

/* what the last refresh found, kept for verify */
static summary refresh(pel_ocean *o)
{
    int64_t bad[64];
    int nmax = o->max_threads < 64 ? o->max_threads : 64;
    for (int t = 0; t < 64; t++) bad[t] = -1;
    double *rowabs = o->s2[1]; /* scratch: a stage field has ld * rows >= 4 ny doubles */
    refresh_arg ra = {o, bad, rowabs};
    int nt = peli_parallel(o->ctx, o->ny, nmax, 0, refresh_rows, &ra);
    summary s = last_summary(o, bad, nt, rowabs);
    memset(rowabs, 0, 4 * o->ny * sizeof *rowabs);
    double dA = o->p.dx * o->p.dy;
    if (s.abs_eta * dA > o->absmass0) o->absmass0 = s.abs_eta * dA;
    if (s.abs_c * dA > o->abs_heat0) o->abs_heat0 = s.abs_c * dA;
    return s;
}

static pel_status check_bad(pel_ocean *o, int64_t bad)
{
    if (bad < 0) return PEL_OK;
    static const char *const names[4] = {"eta", "u", "v", "hT"};
    size_t k = (size_t)bad / o->cells, c = (size_t)bad % o->cells;
    const double *f[4] = {o->out[0], o->out[1], o->out[2], o->hT};
    return pel_error(o->ctx, PEL_ENONFINITE, "ocean: %s = %g at cell (i = %zu, j = %zu) after step %ld: the run went unstable",
                     names[k], f[k][c], c % o->nx, c / o->nx, o->step);
}

/* ---- the initial state ----------------------------------------------------------- */

static void set_initial(pel_ocean *o)
{
    const pel_ocean_params *p = &o->p;
    const size_t nx = o->nx, ny = o->ny;
    const double dx = p->dx, dy = p->dy, Lx = (double)nx * dx, Ly = (double)ny * dy, H = p->depth;
    double k = 2.0 * PI * p->mode[0] / Lx, l = 2.0 * PI * p->mode[1] / Ly;
    double Sx = 2.0 / dx * sin(0.5 * k * dx), Sy = 2.0 / dy * sin(0.5 * l * dy);
    double S2 = Sx * Sx + Sy * Sy, c = cos(0.5 * k * dx) * cos(0.5 * l * dy);
    double om = pel_ocean_mode_omega(p, k, l), A = p->amplitude;
    double s = fmin(Lx, Ly) / 10.0;
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            ptrdiff_t q = OC_AT(o, i, j);
            double xc = ((double)i + 0.5) * dx, yc = ((double)j + 0.5) * dy;
            double eta = 0, u = 0, v = 0;
            if (p->init == PEL_OCEAN_INIT_MODE) {
                /* the +omega eigenvector of the discrete linear system (docs/ocean.md) */
                double tc = k * xc + l * yc, tu = k * ((double)i * dx) + l * yc,
                       tv = k * xc + l * ((double)j * dy);
                eta = A * cos(tc);
                u = A * (om * Sx * cos(tu) - p->f0 * c * Sy * sin(tu)) / (H * S2);
                v = A * (om * Sy * cos(tv) + p->f0 * c * Sx * sin(tv)) / (H * S2);
            } else if (p->init == PEL_OCEAN_INIT_BUMP) {
                double rx = xc - 0.5 * Lx, ry = yc - 0.5 * Ly;
                eta = A * exp(-(rx * rx + ry * ry) / (2.0 * s * s));
            }
            if (!o->wet[q]) eta = 0;
            o->x[OC_ETA][q] = eta;
            o->x[OC_U][q] = o->mu[q] ? u : 0.0;
            o->x[OC_V][q] = o->mv[q] ? v : 0.0;
            double T = p->sst_south + (p->sst_north - p->sst_south) * yc / Ly;
            o->x[OC_C][q] = o->wet[q] ? (H + eta) * T : 0.0;
        }
    for (int f = 0; f < OC_NSTATE; f++) peli_ocean_exchange_one(o, o->x[f]);
}

/* ---- create / destroy ------------------------------------------------------------ */

void pel_ocean_destroy(pel_ocean *o)
{
    if (!o) return;
    for (int b = 0; b < o->nblocks; b++) pel_free(o->blocks[b]);
    free(o->ring);
    free(o->sring);
    free(o->mrows);
    peli_context_release(o->ctx);
    free(o);
}

static double leaf_mass(const void *user, size_t b, size_t e);
static double leaf_heat(const void *user, size_t b, size_t e);
static double leaf_energy(const void *user, size_t b, size_t e);

pel_status pel_ocean_create(pel_context *ctx, const pel_ocean_params *p, pel_ocean **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "ocean");
    pel_status st = check_params(ctx, p);
    if (st != PEL_OK) return st;
    pel_ocean *o = calloc(1, sizeof *o);
    if (!o) return pel_error(ctx, PEL_ENOMEM, "ocean: no memory for the solver");
    o->ctx = peli_context_retain(ctx);
    o->p = *p;
    o->p.mask = NULL;
    o->nx = p->nx, o->ny = p->ny;
    o->ld = (p->nx + OC_PAD + OC_HALO + 7) / 8 * 8, o->rows = p->ny + 2 * OC_HALO;
    o->org = OC_AT(o, OC_PAD, OC_HALO);
    o->cells = p->nx * p->ny;
    o->lin = p->equations == PEL_OCEAN_LINEAR;
    o->per_x = p->bc_x == PEL_OCEAN_PERIODIC, o->per_y = p->bc_y == PEL_OCEAN_PERIODIC;
    o->max_threads = pel_context_threads(ctx);
    if (o->max_threads < 1) o->max_threads = 1;
    o->isa = pel_cpu_isa();
    const size_t per = o->ld * o->rows;
    const ptrdiff_t org = o->org;
    double *st3 = grab_fields(o, 3 * OC_NSTATE);
    double *forc = grab_fields(o, 3);
    unsigned char *masks = grab(o, 3 * per);
    double *compact = grab(o, 8 * o->cells * sizeof(double));
    double *fc = grab(o, o->rows * sizeof(double));
    /* per thread: 3 stages' rings (T 8 rows, q B U V G hy P 2 each, F hx R
     * 1); the stage 1 and 2 outputs, 8 rows of each field; then one row of
     * zeros */
    const size_t nring = 3 * OC_RING_ROWS + 2 * OC_NSTATE * 8 + OC_MROWS, ringlen = nring * o->ld;
    o->ring = calloc(3 * (size_t)o->max_threads, sizeof *o->ring);
    o->mrows = calloc((size_t)o->max_threads, sizeof *o->mrows);
    o->sring = calloc(2 * OC_NSTATE * (size_t)o->max_threads, sizeof *o->sring);
    double *ringbuf = o->ring && o->sring && o->mrows ? grab_rows(o, 1, (size_t)o->max_threads, ringlen) : NULL;
    double *zero = grab(o, o->ld * sizeof(double));
    if (!st3 || !forc || !masks || !compact || !fc || !ringbuf || !zero) {
        double gib = (15.0 * (double)per * 8 + 8.0 * (double)o->cells * 8) / (1 << 30);
        pel_ocean_destroy(o);
        return pel_error(ctx, PEL_ENOMEM, "ocean: no memory for %zu x %zu cells (%.3g GiB)", p->nx, p->ny, gib);
    }
    for (int f = 0; f < OC_NSTATE; f++) {
        o->x[f] = st3 + (size_t)f * per + org;
        o->s1[f] = st3 + (size_t)(OC_NSTATE + f) * per + org;
        o->s2[f] = st3 + (size_t)(2 * OC_NSTATE + f) * per + org;
    }
    o->fu = forc + org, o->fv = forc + per + org, o->fq = forc + 2 * per + org;
    o->wet = masks + org, o->mu = masks + per + org, o->mv = masks + 2 * per + org;
    for (int k = 0; k < 7; k++) o->out[k] = compact + (size_t)k * o->cells;
    o->hT = compact + 7 * o->cells;
    o->fc = fc + OC_HALO;
    for (int t = 0; t < o->max_threads; t++) {
        double *rt = ringbuf + (size_t)t * ringlen + OC_PAD;
        for (int k = 0; k < 3; k++) {
            double *r = rt + (size_t)(OC_RING_ROWS * k) * o->ld;
            peli_ocean_ring *g = &o->ring[3 * t + k];
            for (int m = 0; m < 8; m++) g->T[m] = r + (size_t)m * o->ld;
            for (int m = 0; m < 2; m++) {
                g->q[m] = r + (size_t)(8 + m) * o->ld;
                g->B[m] = r + (size_t)(10 + m) * o->ld;
                g->U[m] = r + (size_t)(12 + m) * o->ld;
                g->V[m] = r + (size_t)(14 + m) * o->ld;
                g->G[m] = r + (size_t)(16 + m) * o->ld;
            }
            g->F[0] = r + (size_t)18 * o->ld;
            g->hx[0] = r + (size_t)19 * o->ld;
            for (int m = 0; m < 2; m++) {
                g->hy[m] = r + (size_t)(20 + m) * o->ld;
                g->P[m] = r + (size_t)(22 + m) * o->ld;
            }
            g->R[0] = r + (size_t)24 * o->ld;
        }
        for (int f = 0; f < 2 * OC_NSTATE; f++)
            o->sring[2 * OC_NSTATE * t + f] = rt + (size_t)(3 * OC_RING_ROWS + 8 * f) * o->ld;
        double *mr = rt + (size_t)(3 * OC_RING_ROWS + 2 * OC_NSTATE * 8) * o->ld;
        for (int m = 0; m < 8; m++) {
            peli_ocean_mrows *g = &o->mrows[t];
            g->dtw[m] = mr + (size_t)m * o->ld;
            g->dtmu[m] = mr + (size_t)(8 + m) * o->ld;
            g->dtmv[m] = mr + (size_t)(16 + m) * o->ld;
            g->mu[m] = mr + (size_t)(24 + m) * o->ld;
            g->mv[m] = mr + (size_t)(32 + m) * o->ld;
        }
    }
    o->zero = zero + OC_PAD;

    /* masks: wet from the caller (or all ocean), faces open between two wet cells */
    for (size_t j = 0; j < p->ny; j++)
        for (size_t i = 0; i < p->nx; i++) o->wet[OC_AT(o, i, j)] = p->mask ? p->mask[j * p->nx + i] != 0 : 1;
    peli_ocean_exchange_bytes(o, o->wet);
    const ptrdiff_t ld = (ptrdiff_t)o->ld;
    for (ptrdiff_t j = -OC_HALO; j < (ptrdiff_t)p->ny + OC_HALO; j++)
        for (ptrdiff_t i = -OC_HALO; i < (ptrdiff_t)p->nx + OC_HALO; i++) {
            ptrdiff_t k = OC_AT(o, i, j);
            if (i > -OC_HALO) o->mu[k] = o->wet[k] & o->wet[k - 1];
            if (j > -OC_HALO) o->mv[k] = o->wet[k] & o->wet[k - ld];
        }
    for (ptrdiff_t j = -OC_HALO; j < (ptrdiff_t)p->ny + OC_HALO; j++)
        o->fc[j] = p->f0 + p->beta * ((double)j * p->dy);

    o->dt = p->dt, o->rdx = 1.0 / p->dx, o->rdy = 1.0 / p->dy, o->g = p->gravity, o->H = p->depth;
    o->rH = p->drag / p->depth;
    o->nux = p->viscosity / (p->dx * p->dx), o->nuy = p->viscosity / (p->dy * p->dy);

    /* the default forcing: Stommel's wind, the zonal heat flux profile */
    const double Ly = (double)p->ny * p->dy;
    for (size_t j = 0; j < p->ny; j++) {
        double yc = ((double)j + 0.5) * p->dy, cy = cos(PI * yc / Ly);
        for (size_t i = 0; i < p->nx; i++) {
            o->out[4][j * p->nx + i] = -p->tau0 * cy;
            o->out[5][j * p->nx + i] = 0.0;
            o->out[6][j * p->nx + i] = p->heat_flux * cy;
        }
    }
    for (int w = 0; w < 3; w++) apply_forcing(o, w);
    o->qsum = pel_reduce(ctx, PEL_REDUCE_SUM, o->cells, leaf_fq, o) * p->dx * p->dy;
    set_initial(o);
    limits L;
    stability(p, &L);
    o->omega_max = L.wi;
    o->conservative = p->drag == 0 && p->viscosity == 0 && !forced(o);
    summary s = refresh(o);
    o->mass0 = pel_reduce(ctx, PEL_REDUCE_SUM, o->cells, leaf_mass, o);
    o->heat0 = pel_reduce(ctx, PEL_REDUCE_SUM, o->cells, leaf_heat, o);
    o->energy0 = pel_reduce(ctx, PEL_REDUCE_SUM, o->cells, leaf_energy, o);
    (void)s;
    *out = o;
    return PEL_OK;
}

/* ---- stepping and access -------------------------------------------------------- */

pel_status pel_ocean_step(pel_ocean *o, long nsteps)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, nsteps >= 0, "ocean: nsteps = %ld: must be non-negative", nsteps);
    PEL_REQUIRE(o->ctx, nsteps <= LONG_MAX - o->step,
                "ocean: nsteps = %ld: the step count would overflow (now %ld)", nsteps, o->step);
    if (nsteps == 0) return PEL_OK;
    peli_region_enter(o->ctx, "ocean.step");
    peli_ocean_run(o, nsteps);
    /* SSP-RK3 integrates a constant source exactly: each step adds dt qsum */
    for (long n = 0; n < nsteps; n++) o->flux_int += o->dt * o->qsum;
    o->step += nsteps;
    summary s = refresh(o);
    peli_region_exit(o->ctx, "ocean.step");
    return check_bad(o, s.bad);
}

const double *pel_ocean_field(const pel_ocean *o, const char *name)
{
    static const char *const names[7] = {"eta", "u", "v", "sst", "taux", "tauy", "heat_flux"};
    if (!o || !name) return NULL;
    for (int k = 0; k < 7; k++)
        if (strcmp(name, names[k]) == 0) return o->out[k];
    return NULL;
}

pel_status pel_ocean_set_forcing(pel_ocean *o, const char *name, const double *values)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, name && values, "ocean: set_forcing: name and values must not be NULL");
    int w = strcmp(name, "taux") == 0 ? 0 : strcmp(name, "tauy") == 0 ? 1 : strcmp(name, "heat_flux") == 0 ? 2 : -1;
    if (w < 0) return pel_error(o->ctx, PEL_EMISMATCH, "ocean: no forcing field '%s' (taux, tauy or heat_flux)", name);
    for (size_t c = 0; c < o->cells; c++)
        PEL_REQUIRE(o->ctx, isfinite(values[c]), "ocean: %s = %g at cell (i = %zu, j = %zu): must be finite", name,
                    values[c], c % o->nx, c / o->nx);
    memcpy(o->out[4 + w], values, o->cells * sizeof(double));
    apply_forcing(o, w);
    if (w == 2) o->qsum = pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_fq, o) * o->p.dx * o->p.dy;
    o->conservative = o->p.drag == 0 && o->p.viscosity == 0 && !forced(o);
    return PEL_OK;
}

pel_status pel_ocean_get_state(const pel_ocean *o, pel_ocean_state *s)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, s, "ocean: get_state: s is NULL");
    s->eta = o->out[0], s->u = o->out[1], s->v = o->out[2], s->hT = o->hT;
    s->budget[0] = o->heat0, s->budget[1] = o->flux_int;
    return PEL_OK;
}

pel_status pel_ocean_set_state(pel_ocean *o, long step, const pel_ocean_state *s)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, s && s->eta && s->u && s->v && s->hT, "ocean: set_state: a field is NULL");
    PEL_REQUIRE(o->ctx, step >= 0, "ocean: step = %ld: must be non-negative", step);
    const double *src[4] = {s->eta, s->u, s->v, s->hT};
    for (int f = 0; f < 4; f++)
        for (size_t c = 0; c < o->cells; c++)
            PEL_REQUIRE(o->ctx, isfinite(src[f][c]), "ocean: set_state: a non-finite value at cell %zu", c);
    for (int f = 0; f < 4; f++) {
        for (size_t j = 0; j < o->ny; j++) memcpy(o->x[f] + OC_AT(o, 0, j), src[f] + j * o->nx, o->nx * sizeof(double));
        peli_ocean_exchange_one(o, o->x[f]);
    }
    o->heat0 = s->budget[0];
    o->flux_int = s->budget[1];
    o->step = step;
    return check_bad(o, refresh(o).bad);
}

const pel_ocean_params *pel_ocean_params_get(const pel_ocean *o) { return o ? &o->p : NULL; }
long pel_ocean_step_count(const pel_ocean *o) { return o ? o->step : 0; }
double pel_ocean_time(const pel_ocean *o) { return o ? (double)o->step * o->p.dt : 0.0; }

/* ---- invariants: reproducible block sums over cells (globally numbered) ---------- */

static double leaf_mass(const void *user, size_t b, size_t e)
{
    const pel_ocean *o = user;
    double acc = 0.0;
    for (size_t c = b; c < e; c++) {
        size_t j = c / o->nx, i = c - j * o->nx;
        ptrdiff_t k = OC_AT(o, i, j);
        if (o->wet[k]) acc += o->x[OC_ETA][k];
    }
    return acc;
}

static double leaf_heat(const void *user, size_t b, size_t e)
{
    const pel_ocean *o = user;
    double acc = 0.0;
    for (size_t c = b; c < e; c++) {
        size_t j = c / o->nx, i = c - j * o->nx;
        ptrdiff_t k = OC_AT(o, i, j);
        if (o->wet[k]) acc += o->x[OC_C][k];
    }
    return acc;
}

/* h u^2/2 on the cell's west face, h v^2/2 on its south face, g eta^2/2
 * at its centre (with walls, the faces on the east and north walls carry
 * no flow; periodic, they are the west and south faces of the first cells) */
static double leaf_energy(const void *user, size_t b, size_t e)
{
    const pel_ocean *o = user;
    const ptrdiff_t ld = (ptrdiff_t)o->ld;
    const double *E = o->x[OC_ETA], *u = o->x[OC_U], *v = o->x[OC_V], H = o->H;
    double acc = 0.0;
    for (size_t c = b; c < e; c++) {
        size_t j = c / o->nx, i = c - j * o->nx;
        ptrdiff_t k = OC_AT(o, i, j);
        double hx = o->lin ? H : H + 0.5 * (E[k - 1] + E[k]);
        double hy = o->lin ? H : H + 0.5 * (E[k - ld] + E[k]);
        acc += 0.5 * (hx * u[k] * u[k] + hy * v[k] * v[k]) + 0.5 * o->g * E[k] * E[k];
    }
    return acc;
}

double pel_ocean_mass(const pel_ocean *o)
{
    if (!o) return NAN;
    return o->p.rho0 * o->p.dx * o->p.dy * pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_mass, o);
}

double pel_ocean_energy(const pel_ocean *o)
{
    if (!o) return NAN;
    return o->p.rho0 * o->p.dx * o->p.dy * pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_energy, o);
}

double pel_ocean_heat(const pel_ocean *o)
{
    if (!o) return NAN;
    return o->p.rho0 * o->p.cp * o->p.dx * o->p.dy * pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_heat, o);
}

/* ---- closed forms ------------------------------------------------------------------- */

pel_status pel_ocean_streamfunction(const pel_ocean *o, double *psi)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, psi, "ocean: streamfunction: psi is NULL");
    const size_t nx = o->nx, ny = o->ny, w = nx + 1;
    const double *E = o->x[OC_ETA], *u = o->x[OC_U];
    for (size_t i = 0; i <= nx; i++) {
        double acc = 0.0;
        psi[i] = 0.0;
        for (size_t j = 0; j < ny; j++) {
            ptrdiff_t k = OC_AT(o, i, j);
            double U = (o->lin ? o->H : o->H + 0.5 * (E[k - 1] + E[k])) * u[k];
            if (i == nx && !o->per_x) U = 0.0; /* the east wall */
            acc -= U * o->p.dy;
            psi[(j + 1) * w + i] = acc;
        }
    }
    return PEL_OK;
}

/* Stommel (1948): eps lap psi + beta psi_x = curl tau / rho0 with eps = R/H
 * and curl tau = -d tau_x/dy = -tau0 (pi/Ly) sin(pi y/Ly); psi = Phi(x)
 * sin(pi y/Ly) with Phi'' + a Phi' - k^2 Phi = -D, a = beta/eps, k = pi/Ly,
 * D = tau0 k / (rho0 eps): Phi = (D/k^2)(1 + A e^{m1 x} + B e^{m2 x}),
 * m = (-a +- sqrt(a^2 + 4 k^2))/2, Phi(0) = Phi(Lx) = 0. */
double pel_ocean_stommel_psi(const pel_ocean_params *p, double x, double y)
{
    if (!p) return NAN;
    double Lx = (double)p->nx * p->dx, Ly = (double)p->ny * p->dy;
    double eps = p->drag / p->depth, a = p->beta / eps, k = PI / Ly;
    double D = p->tau0 * k / (p->rho0 * eps), r = sqrt(a * a + 4.0 * k * k);
    double m1 = 0.5 * (-a + r), m2 = 0.5 * (-a - r);
    double E1 = exp(m1 * Lx), E2 = exp(m2 * Lx);
    double B = (E1 - 1.0) / (E2 - E1), A = -1.0 - B;
    double phi = D / (k * k) * (1.0 + A * exp(m1 * x) + B * exp(m2 * x));
    return phi * sin(k * y);
}

double pel_ocean_mode_omega(const pel_ocean_params *p, double k, double l)
{
    if (!p) return NAN;
    double sx = sin(0.5 * k * p->dx), sy = sin(0.5 * l * p->dy);
    double c = cos(0.5 * k * p->dx) * cos(0.5 * l * p->dy);
    double S2 = 4.0 * sx * sx / (p->dx * p->dx) + 4.0 * sy * sy / (p->dy * p->dy);
    return sqrt(p->f0 * p->f0 * c * c + p->gravity * p->depth * S2);
}

/* One RK3 step multiplies a mode of frequency omega by G(z) = 1 + z + z^2/2
 * + z^3/6 at z = -i omega dt: its phase advances by arg G. */
double pel_ocean_mode_omega_rk3(const pel_ocean_params *p, double k, double l)
{
    double z = pel_ocean_mode_omega(p, k, l) * p->dt;
    return atan2(z - z * z * z / 6.0, 1.0 - 0.5 * z * z) / p->dt;
}

/* ---- verification --------------------------------------------------------------------
 * Round-off, with u = 2^-53.  A stage computes out = a0 b + a1 (s + dt L)
 * per cell: the update of eta (or C) from stored face fluxes that are the
 * same numbers for the two cells sharing a face, so the exact sum of the
 * tendencies is zero (the fluxes telescope) and each cell's computed value
 * is within ~8 u (|s| + |b| + |dt L|) of the exact combination.  Three
 * stages a step: the total moves by at most 32 u sum|s| per step, with
 * sum|s| the largest total magnitude seen at a call's end (tracked), and a
 * reproducible sum adds (255 + 3 + 40) u sum|terms| <= 512 u sum|terms|. */
#define STEP_ERR 32.0
#define SUM_ERR 512.0

pel_status pel_ocean_verify(pel_ocean *o, pel_verify_log *log)
{
    if (!o) return PEL_EINVAL;
    PEL_REQUIRE(o->ctx, log, "ocean: log is NULL");
    summary s = refresh(o);
    const double dA = o->p.dx * o->p.dy, n = (double)o->step;
    double m = pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_mass, o);
    double mb = UROUND * (STEP_ERR * (n + 1.0) + 2.0 * SUM_ERR) * o->absmass0;
    pel_verify_close(log, "ocean.mass", o->p.rho0 * dA * m, o->p.rho0 * dA * o->mass0,
                     o->p.rho0 * mb, 0.0);
    /* heat: sum C dA - sum C0 dA = the integral of the flux (over rho0 cp);
     * the integral's own sum of n terms adds n u |flux_int| */
    double hc = pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_heat, o);
    double hb = UROUND * ((STEP_ERR * (n + 1.0) + 2.0 * SUM_ERR) * o->abs_heat0 + (n + 1.0) * fabs(o->flux_int)) / dA;
    double rc = o->p.rho0 * o->p.cp * dA;
    pel_verify_close(log, "ocean.heat", rc * hc, rc * (o->heat0 + o->flux_int / dA), rc * hb, 0.0);
    if (o->conservative && o->lin && o->energy0 > 0) {
        /* the linear operator is skew in the energy norm: every mode keeps
         * its energy but RK3's |G|^2 = 1 - z^4/12 + z^6/36 in [1 - z^4/12, 1]
         * for |z| <= sqrt 3 (z = omega dt), so after n steps
         * 0 <= (E0 - E)/E0 <= n z_max^4 / 12 (plus round-off) */
        double e = pel_reduce(o->ctx, PEL_REDUCE_SUM, o->cells, leaf_energy, o);
        double z = o->omega_max * o->dt;
        double bound = n * z * z * z * z / 12.0 + UROUND * (STEP_ERR * (n + 1.0) + 2.0 * SUM_ERR);
        pel_verify_at_most(log, "ocean.energy_drift", fabs(e - o->energy0) / o->energy0, bound);
    }
    /* the Courant number of the fastest signal now, against the limit of create */
    {
        double kk = 2.0 * sqrt(o->rdx * o->rdx + o->rdy * o->rdy);
        double fm = fmax(fabs(o->p.f0), fabs(o->p.f0 + o->p.beta * (double)o->ny * o->p.dy));
        double sp = fmax(s.umax, s.vmax);
        double inv = (fm + (sqrt(o->g * o->H) + sp) * kk) / RK3_IMAG +
                     (o->rH + o->p.viscosity * kk * kk) / RK3_REAL;
        pel_verify_at_most(log, "ocean.cfl", o->dt * inv, 1.0);
    }
    pel_verify_at_most(log, "ocean.finite", s.bad < 0 ? 0.0 : 1.0, 0.0);
    return PEL_OK;
}
