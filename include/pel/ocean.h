/* Single-layer shallow-water ocean on a beta-plane Arakawa C-grid basin.
 *
 * Grid: nx x ny cells of dx x dy metres; x eastward (i = 0 .. nx-1, fastest
 * in memory), y northward (j = 0 .. ny-1); cell (i, j) is centred at
 * ((i + 1/2) dx, (j + 1/2) dy).  C-grid: eta (surface elevation) and sst at
 * cell centres, u at west faces (i dx, (j + 1/2) dy), v at south faces
 * ((i + 1/2) dx, j dy), vorticity at corners (i dx, j dy).  Each boundary
 * is a closed wall or periodic, per direction; an optional wet mask (1 =
 * ocean, 0 = land, one byte per cell) closes every face between a wet and
 * a dry cell.  Coriolis f = f0 + beta y.
 *
 * Equations (h = H + eta; "linear" replaces h by H in the fluxes and drops
 * the vorticity and kinetic-energy terms):
 *   du/dt - q V~ = -d/dx (g eta + K) + tau_x / (rho0 h) - (R/H) u + nu lap u
 *   dv/dt + q U~ = -d/dy (g eta + K) + tau_y / (rho0 h) - (R/H) v + nu lap v
 *   d eta/dt = -div(h u)
 *   d(h T)/dt = -div(h u T) + F / (rho0 cp)        (T = SST, F in W/m2)
 * with q = (f + zeta)/h, discretised by Sadourny's (1975) energy-conserving
 * scheme; T by flux-limited (van Leer) upwind-biased fluxes; time stepping
 * by the three-stage strong-stability-preserving Runge-Kutta scheme
 * (Shu & Osher 1988).  Derivations and verification: docs/ocean.md.
 *
 * Every step's arithmetic is fixed by the parameters alone: results are
 * bitwise identical at any thread count. */
#ifndef PEL_OCEAN_H
#define PEL_OCEAN_H
#define PEL_OCEAN_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_ocean_bc { PEL_OCEAN_WALL = 0, PEL_OCEAN_PERIODIC = 1 } pel_ocean_bc;

typedef enum pel_ocean_equations {
    PEL_OCEAN_NONLINEAR = 0,
    PEL_OCEAN_LINEAR = 1
} pel_ocean_equations;

typedef enum pel_ocean_init {
    PEL_OCEAN_INIT_REST = 0, /* eta = u = v = 0 */
    PEL_OCEAN_INIT_MODE,     /* the discrete inertia-gravity eigenmode of wavenumbers
                              * (2 pi mode[0]/Lx, 2 pi mode[1]/Ly) on the f-plane f0,
                              * eta = amplitude cos(k x + l y) */
    PEL_OCEAN_INIT_BUMP      /* eta = amplitude exp(-r^2 / (2 s^2)) at the basin's centre,
                              * s = min(Lx, Ly) / 10, at rest */
} pel_ocean_init;

typedef struct pel_ocean_params {
    size_t nx, ny;        /* cells, >= 4 each */
    double dx, dy;        /* spacings (m) */
    pel_ocean_bc bc_x, bc_y;
    pel_ocean_equations equations;
    double depth;         /* H (m), > 0 */
    double gravity;       /* g (m/s2), > 0 (a reduced gravity is a smaller g) */
    double f0, beta;      /* f = f0 + beta y (1/s, 1/(m s)); y = 0 at the south edge */
    double rho0;          /* reference density (kg/m3) */
    double cp;            /* specific heat of sea water (J/(kg K)) */
    double drag;          /* R (m/s): linear bottom drag R/H on velocity */
    double viscosity;     /* nu (m2/s), lateral Laplacian, free slip at walls */
    double tau0;          /* wind stress tau_x = -tau0 cos(pi y / Ly), tau_y = 0 (N/m2) */
    double heat_flux;     /* surface heat flux F = heat_flux cos(pi y / Ly) (W/m2, into the ocean) */
    double speed;         /* largest current expected (m/s), for the CFL check */
    double dt;            /* time step (s) */
    pel_ocean_init init;
    int mode[2];          /* PEL_OCEAN_INIT_MODE: wave numbers along x and y */
    double amplitude;     /* of the initial eta (m) */
    double sst_south, sst_north; /* initial SST, linear in y between these (deg C) */
    /* NULL: all ocean; else nx * ny bytes (row j = y index, i fastest),
     * 1 = ocean, 0 = land; copied at create. */
    const unsigned char *mask;
} pel_ocean_params;

/* Bytes of memory traffic per cell update (one cell, one RK3 step) that a
 * step of the algorithm must move when each stage is a pass over the
 * grid, for the effective bandwidth: the prognostic state (eta, u, v, hT)
 * read and written by each stage, and the base state u^n read by stages
 * 2 and 3 (3 x 8 + 2 x 4 = 32 doubles, 256 B); and in each stage the
 * static fields it needs: the forcing at u faces, v faces and centres (3
 * doubles) and the wet mask (1 byte; the face masks are products of
 * neighbouring cells' masks): 3 x (3 x 8 + 1) = 75 B.  256 + 75 = 331.
 * (The kernel runs the stages as one wavefront and moves less: the state
 * read once and written once, the static fields once, about 112 B.) */
#define PEL_OCEAN_BYTES_PER_CELL 331.0

/* Stommel's (1948) basin: 1e7 m x 2 pi 1e6 m, H = 200 m, tau0 = 0.1 N/m2,
 * rho0 = 1000, R = 2e-4 m/s, beta = 1e-11, f0 = 1e-4, g = 9.81, nu = 0,
 * on 100 x 64 cells, walls, linear, at rest, dt at 0.9 of the stability
 * limit; cp = 3990 J/(kg K), heat flux 0, speed 1 m/s, SST 25 to 5. */
void pel_ocean_params_default(pel_ocean_params *p);

/* The largest stable dt for these parameters (the criterion of create,
 * docs/ocean.md), or 0 when they are not valid. */
double pel_ocean_dt_max(const pel_ocean_params *p);

typedef struct pel_ocean pel_ocean;

/* Validates every parameter (a message names it and its value; an
 * unstable dt is PEL_EUNSTABLE naming the limit and a stable dt),
 * allocates every field with its halo and sets the initial state. */
pel_status pel_ocean_create(pel_context *ctx, const pel_ocean_params *p, pel_ocean **o);
void pel_ocean_destroy(pel_ocean *o);

/* nsteps >= 0 RK3 steps in one team run; never allocates.  PEL_ENONFINITE
 * (naming the field, the cell and the step) when the state holds a NaN or
 * an infinity afterwards.  The region "ocean.step" is timed. */
pel_status pel_ocean_step(pel_ocean *o, long nsteps);

/* Compact copies (ny x nx doubles, row j = y) of the current state,
 * refreshed by every step, set_state and set_forcing: "eta", "u", "v",
 * "sst", and the forcing "taux", "tauy", "heat_flux"; NULL for another
 * name.  Valid until the next call on o. */
const double *pel_ocean_field(const pel_ocean *o, const char *name);

/* Replaces a forcing field ("taux", "tauy" in N/m2, "heat_flux" in W/m2,
 * ny x nx values on cell centres; land values are ignored). */
pel_status pel_ocean_set_forcing(pel_ocean *o, const char *name, const double *values);

/* The prognostic state for checkpoints: eta, u, v and h*T (ny x nx each),
 * and the budget pair (the heat content at step 0 over rho0 cp, the
 * integrated surface flux over rho0 cp since then). */
typedef struct pel_ocean_state {
    const double *eta, *u, *v, *hT;
    double budget[2];
} pel_ocean_state;
pel_status pel_ocean_get_state(const pel_ocean *o, pel_ocean_state *s);
pel_status pel_ocean_set_state(pel_ocean *o, long step, const pel_ocean_state *s);

const pel_ocean_params *pel_ocean_params_get(const pel_ocean *o);
long pel_ocean_step_count(const pel_ocean *o);
double pel_ocean_time(const pel_ocean *o);

/* Invariants (reproducible block sums over the wet cells):
 * mass = rho0 sum eta dA (kg, relative to rest), energy = rho0 sum
 * (h u^2/2 + h v^2/2 + g eta^2/2) dA (J; H for h when linear), heat =
 * rho0 cp sum h T dA (J). */
double pel_ocean_mass(const pel_ocean *o);
double pel_ocean_energy(const pel_ocean *o);
double pel_ocean_heat(const pel_ocean *o);

/* The transport streamfunction at the (ny+1) x (nx+1) corners:
 * psi = 0 at the south-west corner, psi(i, j+1) = psi(i, j) - U(i, j) dy
 * with U = H u (linear) or hx u; on a closed basin in steady state psi = 0
 * on every wall. */
pel_status pel_ocean_streamfunction(const pel_ocean *o, double *psi);

/* Stommel's analytic transport streamfunction (m3/s) for the parameters'
 * basin (walls, wind tau0, drag, beta, depth) at (x, y). */
double pel_ocean_stommel_psi(const pel_ocean_params *p, double x, double y);

/* The discrete inertia-gravity frequency (1/s) of the C-grid with the
 * four-point Coriolis average for wavenumbers (k, l) (rad/m), and the
 * frequency SSP-RK3 actually realises at step dt, arg G(i omega dt) / dt. */
double pel_ocean_mode_omega(const pel_ocean_params *p, double k, double l);
double pel_ocean_mode_omega_rk3(const pel_ocean_params *p, double k, double l);

/* Appends the invariants at the current step:
 *  ocean.mass          mass conserved to a round-off bound;
 *  ocean.heat          heat content minus the integrated surface flux
 *                      conserved to a round-off bound;
 *  ocean.energy_drift  (unforced, inviscid, drag-free runs only) relative
 *                      energy change within RK3's dissipation bound;
 *  ocean.cfl           the current Courant number of the fastest signal
 *                      (c + max |u|) at most 1;
 *  ocean.finite        the count of non-finite values, 0.
 * Returns PEL_OK even when a check fails: verdicts are in the log. */
pel_status pel_ocean_verify(pel_ocean *o, pel_verify_log *log);

#ifdef __cplusplus
}
#endif
#endif
