/* The coupled climate model: the energy-balance atmosphere (pel/atmosphere.h)
 * on the equal-area sphere grid, and the shallow-water ocean (pel/ocean.h)
 * and bucket land (pel/land.h) on that grid refined by an integer ratio,
 * advanced at the same time (pel/concurrent.h) and coupled by fluxes the
 * coupler computes once and hands to both sides (docs/climate.md).
 *
 * One step is one coupling interval of the atmosphere's dt: the atmosphere
 * and the land take one step of it, the ocean dt/ocean.dt steps; the ocean
 * couples every ocean_every intervals and receives the mean of the fluxes
 * over its previous interval.  The exchange is lagged (each interval runs on
 * the fluxes computed at the end of the one before), so the three run
 * concurrently, and the sequence of exchanges is fixed: the results never
 * depend on the mode, the layout or the thread count.
 *
 * The coupler's fluxes, on the fine grid, per fine cell with land fraction
 * f_l and ocean fraction f_o = 1 - f_l (T_a, q_a: the atmosphere's cell
 * above, injected):
 *   heat into the atmosphere   F = gamma (T_sfc - T_a)           (W/m2)
 *   evaporation of the ocean   E_o = ce max(0, qs(SST) - q_a)    (kg/m2/s)
 *   potential evaporation      E_p = ce max(0, qs(T_soil) - q_a) (the land's
 *                                    own bucket decides what evaporates)
 *   wind stress on the ocean   tau_x = drag |u| u, u = wind cos(latitude)
 * with qs the atmosphere's saturation column vapour.  Precipitation falls
 * where it forms (land and ocean by fraction) and runoff goes to the ocean;
 * both with one interval's lag, held by the coupler meanwhile, so the heat
 * and water budgets (pel/budget.h, columns atmosphere, ocean, land,
 * coupler) close every interval to round-off.
 *
 * The ocean lives on Lambert's cylindrical equal-area projection of the
 * fine grid: x = R lambda, y = R mu, so dx dy is the cell's true area, and
 * f = 2 Omega mu exactly (f0 = -2 Omega at the south edge, beta = 2 Omega/R);
 * periodic in x, walls at the poles, land cells dry. */
#ifndef PEL_CLIMATE_H
#define PEL_CLIMATE_H
#define PEL_CLIMATE_NUMERICS_VERSION 1 /* bumped whenever the coupler's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/atmosphere.h>
#include <pel/budget.h>
#include <pel/concurrent.h>
#include <pel/land.h>
#include <pel/ocean.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { PEL_CLIMATE_ATM = 0, PEL_CLIMATE_OCN = 1, PEL_CLIMATE_LND = 2, PEL_CLIMATE_NCOMP = 3 };

typedef struct pel_climate_params {
    /* the components' own parameters; the coupler sets their grids, time
     * steps, masks and forcing: atm.dt is the coupling interval, ocn.dt must
     * divide it, and of ocn only the physics (depth, gravity, drag,
     * viscosity, rho0, cp, equations, speed, sst_*) is read */
    pel_atmosphere_params atm;
    pel_ocean_params ocn;
    pel_land_params lnd;
    size_t ratio;          /* fine grid = the atmosphere's refined by ratio (>= 1) */
    const char *mask_path; /* land mask (pel/mask.h) for the fine grid; NULL or "": aquaplanet */
    long ocean_every;      /* the ocean's coupling interval, in intervals (>= 1) */
    double exchange;       /* gamma, W/m2/K (>= 0) */
    double evap_rate;      /* ce, 1/s (>= 0) */
    double drag;           /* rho_air C_d, kg/m3 (>= 0; 0: no wind stress, the ocean stays at rest) */
    double omega;          /* planet rotation, 1/s */
    pel_concurrent_mode mode;
    int threads[PEL_CLIMATE_NCOMP]; /* per component (teams mode; 0: split the context's evenly) */
    long rebalance_every;  /* intervals between automatic re-layouts (teams mode); 0: never */
    int check_ncc81;       /* verify the NCC81 steady state (without ocean transport; with ice: its edge too) */
} pel_climate_params;

/* An aquaplanet at 18 bands, ratio 2, hourly coupling, the ocean daily on
 * a 50 m mixed layer, tasks mode. */
void pel_climate_params_default(pel_climate_params *p);

typedef struct pel_climate pel_climate;

pel_status pel_climate_create(pel_context *ctx, const pel_climate_params *p, pel_climate **c);
void pel_climate_destroy(pel_climate *c);
/* nsteps >= 0 coupling intervals. */
pel_status pel_climate_step(pel_climate *c, long nsteps);
long pel_climate_step_count(const pel_climate *c);
double pel_climate_time(const pel_climate *c);

/* The component objects (their fields by pel_component_export). */
pel_component *pel_climate_component_of(pel_climate *c, int which);
const pel_budget *pel_climate_budget(const pel_climate *c, int water);

/* Seconds each component was busy and waited, summed over the run, its
 * current thread count, and how many times the layout was re-balanced. */
typedef struct pel_climate_timing {
    double busy[PEL_CLIMATE_NCOMP], wait[PEL_CLIMATE_NCOMP];
    int threads[PEL_CLIMATE_NCOMP];
    int first_threads[PEL_CLIMATE_NCOMP];
    long rebalances;
    double wall;    /* seconds in the components' concurrent part */
    long intervals; /* the intervals those sums cover (this object's) */
} pel_climate_timing;
void pel_climate_get_timing(const pel_climate *c, pel_climate_timing *t);

/* Invariants: climate.heat_budget and climate.water_budget (the largest
 * closure residual of an interval, relative, at most 1e-12), climate.ncc81
 * (check_ncc81: the global mean of T against NCC81's T_0; with the ice
 * feedback also climate.ncc81_ice_edge, the edge within a band of NCC81's
 * x_s, and the mean against the one of the model's edge), then every
 * component's own. */
pel_status pel_climate_verify(pel_climate *c, pel_verify_log *log);

/* NCC81's closed forms with the ice-albedo feedback (p: the atmosphere's
 * constants A, B, D, Q, S2, Ts, a0, a2, b0):
 * pel_climate_ncc81_ice_edge: the ice edge x_s = sin(latitude) of the
 * stable branch, the root above the minimum of NCC81's equation 37,
 * Q(x_s) = (Ts + A/B) / sum_n H_n(x_s) P_n(x_s) / (n(n+1) D + B) summed over
 * even n to 1000, H_n(x_s) = (2n+1) int_0^1 S a P_n with the coalbedo b0
 * poleward of x_s; 1 when Q is above Q(1) (no ice), -1 below the minimum
 * (only a snowball); q_min (may be NULL) receives the minimum of Q(x_s) on
 * a 1/200 grid of x_s.  NCC81's constants: x_s = 0.9488 at Q = 334.4,
 * minimum about 294.8.
 * pel_climate_ncc81_mean: the steady global mean (Q H_0(xs) - A)/B with
 * ice poleward of |x| = xs in both hemispheres (xs = 1: none, 0: all). */
double pel_climate_ncc81_ice_edge(const pel_atmosphere_params *p, double *q_min);
double pel_climate_ncc81_mean(const pel_atmosphere_params *p, double xs);

/* The ocean's barotropic transport streamfunction, in Sv (1e6 m3/s), at
 * the fine grid's ny x nx cell centres (band order, as every fine field):
 * at the corners psi = 0 on the southern wall and psi(i, j+1) = psi(i, j)
 * - U(i, j) dy up each column of west faces, U = H u (linear) or the face's
 * h u, zero on a face next to land, in the ocean's plane (x = R lambda,
 * y = R mu, dy = 2R / ny); a cell's value is the mean of its four corners.
 * Steady flow has v = dpsi/dx; a zonal jet U(y) gives psi = -int U dy. */
pel_status pel_climate_streamfunction(pel_climate *c, double *psi);

/* The component interface (pel/component.h): params pel_climate_params; a
 * step is a coupling interval; result fields atmosphere/T, atmosphere/q,
 * ocean/eta, ocean/u, ocean/v, ocean/hT, land/W, land/T_soil (the
 * components' checkpointed state); checkpoints hold every component's
 * state, the coupler's buffers and the budgets. */
extern const pel_component_type pel_climate_component;

#ifdef __cplusplus
}
#endif
#endif
