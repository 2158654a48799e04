/* The diffusive energy-balance atmosphere of North, Cahalan & Coakley (1981,
 * "NCC81"), on the equal-area sphere grid (pel/sphere.h), with a column
 * vapour tracer carried by a prescribed zonal wind.
 *
 *   C dT/dt = div(D grad T) - (A + B T) + Q S(x) a(x, T) + F_sfc
 *
 * on the unit sphere (NCC81's D carries the 1/R^2), x = mu = sin(latitude),
 * T in degrees Celsius, S = 1 + S2 P2(x), coalbedo a = a0 + a2 P2(x) where
 * T > Ts and b0 where T <= Ts (the ice-albedo feedback; off: a0 + a2 P2
 * everywhere).  In mu-lambda coordinates
 *   div(D grad T) = d/dmu[D (1 - mu^2) dT/dmu] + D/(1 - mu^2) d2T/dlambda2.
 *
 * Discretisation (docs/atmosphere.md derives it):
 *  - conservative finite volumes: mu fluxes D (1 - mu_e^2)(T_j+1 - T_j)/dmu
 *    at each band edge mu_e (zero at the poles, where 1 - mu^2 = 0 exactly);
 *    longitude fluxes with the band's coefficient D/(1 - mu_c^2) at its
 *    centre mu_c (the exact band mean of 1/(1 - mu^2) is infinite in the
 *    polar bands);
 *  - Q S a averaged exactly over each band (3-point Gauss-Legendre, exact
 *    for the degree-4 polynomial S a); a cell takes the warm or the ice
 *    coalbedo by its own temperature, over the whole cell;
 *  - time: one delta-form step, backward Euler factored into a mu solve
 *    and a longitude solve,
 *      (I - k (L_mu - B)) Y = k R(T^n),  (I - k L_lam) dT = Y,
 *      T^n+1 = T^n + dT,  k = dt / C,
 *    R the whole discrete right-hand side at T^n.  dT = 0 exactly when
 *    R(T^n) = 0: the steady states of the scheme are those of the discrete
 *    operator, for any dt.  Summed over the sphere the diffusion cancels, so
 *      C sum(T^n+1 - T^n) = dt sum(-A - B T^n+1 + Q S a(T^n) + F_sfc)
 *    to round-off: outgoing longwave at the new temperature, absorbed
 *    shortwave at the old (exported as "olr" and "asr").  Unconditionally
 *    stable.
 *  - vapour: a column amount q (kg/m^2) moved by the wind u = wind cos(lat)
 *    (solid-body rotation: the same Courant number c = wind dt/(R dlambda)
 *    on every band; |c| <= 1 is required) with the first-order upwind flux
 *    form, plus evaporation E (imported) and precipitation
 *      P = max(0, q* - qs(T^n+1)) / (tau + dt),  qs(T) = qs0 exp(cc T),
 *    where q* is q after transport and evaporation: the implicit
 *    relaxation of the excess over saturation with time scale tau (never
 *    overshooting below qs).  q^n+1 = q* - dt P, so
 *      sum(q^n+1 - q^n) = dt sum(E - P)  to round-off.
 *
 * Threads: every call follows pel/context.h's rule through the library's
 * team launcher; every field is bitwise the same for any thread count. */
#ifndef PEL_ATMOSPHERE_H
#define PEL_ATMOSPHERE_H
#define PEL_ATMOSPHERE_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/context.h>
#include <pel/sphere.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_atmosphere_params {
    size_t ny;            /* bands (>= 2); nx = 2 ny */
    double A, B, D, Q;    /* W/m^2, W/m^2/K, W/m^2/K, W/m^2 */
    double S2;            /* insolation S = 1 + S2 P2(x) */
    double Ts;            /* ice threshold, C */
    double a0, a2, b0;    /* coalbedo: a0 + a2 P2 warm, b0 ice */
    double heat_capacity; /* C, J/m^2/K (> 0) */
    double dt;            /* time step, s (> 0) */
    int ice_albedo;       /* 1: ice-albedo feedback on; 0: warm coalbedo everywhere */
    int vapour;           /* 1: the vapour tracer is stepped; 0: q stays as it is */
    double wind;          /* zonal wind at the equator, m/s (u = wind cos(lat)) */
    double radius;        /* planet radius, m (the tracer's transport only) */
    double qs0;           /* saturation column vapour at 0 C, kg/m^2 (> 0) */
    double qs_rate;       /* cc in qs = qs0 exp(cc T), 1/K */
    double precip_tau;    /* relaxation time of the excess over saturation, s (>= 0) */
    double T_init;        /* initial temperature, C, uniform */
    double q_init;        /* initial vapour, kg/m^2, uniform */
} pel_atmosphere_params;

/* NCC81's constants (A 203.3, B 2.09, D 0.649, Q 334.4, S2 -0.482, Ts -10,
 * a0 0.681, a2 -0.202, b0 0.38), ny = 36, C = 1e7 J/m^2/K, dt = 21600 s,
 * ice feedback and vapour on, wind 10 m/s, radius 6.371e6 m, qs0 = 20
 * kg/m^2, qs_rate 0.07/K, precip_tau = 86400 s, T_init 10 C, q_init 10
 * kg/m^2. */
void pel_atmosphere_params_default(pel_atmosphere_params *p);

typedef struct pel_atmosphere pel_atmosphere;

/* Validates every parameter (a failure names it and its value; a dt whose
 * Courant number exceeds 1 is PEL_EUNSTABLE with the largest stable dt),
 * allocates and factors everything, sets the uniform initial state. */
pel_status pel_atmosphere_create(pel_context *ctx, const pel_atmosphere_params *p, pel_atmosphere **out);
void pel_atmosphere_destroy(pel_atmosphere *a);

/* nsteps >= 0 steps in one team run; never allocates.  Region
 * "atmosphere.step". */
pel_status pel_atmosphere_step(pel_atmosphere *a, long nsteps);

const pel_sphere *pel_atmosphere_grid(const pel_atmosphere *a);
const pel_atmosphere_params *pel_atmosphere_params_get(const pel_atmosphere *a);
long pel_atmosphere_step_count(const pel_atmosphere *a);
double pel_atmosphere_time(const pel_atmosphere *a); /* steps * dt, s */

/* The fields in the sphere's stored layout (with halos): temperature T (C),
 * vapour q (kg/m^2).  Writable between steps (interior cells; halos are
 * refilled by every step). */
double *pel_atmosphere_T(pel_atmosphere *a);
double *pel_atmosphere_q(pel_atmosphere *a);

/* Contiguous ny x nx views (band j, column i at j nx + i), refreshed by
 * every step and by pel_atmosphere_refresh: "T", "q", "precip" (kg/m^2/s,
 * of the last step), "olr" (A + B T), "asr" (Q S a of the last step's
 * start, W/m^2); and the imports "surface_flux" (W/m^2 into the
 * atmosphere) and "evaporation" (kg/m^2/s), writable, zero at create.
 * NULL for another name. */
double *pel_atmosphere_view(pel_atmosphere *a, const char *name);
/* Recomputes the views from T and q (after writing them directly). */
pel_status pel_atmosphere_refresh(pel_atmosphere *a);

/* For restart: the step count. */
pel_status pel_atmosphere_set_step(pel_atmosphere *a, long step);

/* The exact steady state without ice feedback and without surface flux:
 * T(x) = sum_{n=0,2,4} T_n P_n(x), T_n = Q H_n/(n(n+1) D + B) - delta_n0 A/B,
 * H_n = (2n+1) int_0^1 S a P_n dx with a = a0 + a2 P2.  Writes T_0, T_2,
 * T_4 to t (3 doubles). */
void pel_atmosphere_legendre(const pel_atmosphere_params *p, double t[3]);

/* The largest |R(T)| / B (K) over the cells: how far T is from a steady
 * state of the discrete operator with the current imports. */
double pel_atmosphere_residual(pel_atmosphere *a);

/* Northern ice edge: the mu of the band edge between the northernmost
 * ice-free band and the band north of it (zonal means compared with Ts), 1
 * when no band is icy, -1 when all are (a snowball). */
double pel_atmosphere_ice_edge(pel_atmosphere *a);

/* Invariants at the current step:
 *  atmosphere.energy_budget  the largest |C sum dT - dt sum net flux| over
 *                            every step since create, relative to the
 *                            budget's scale (at most 1e-12);
 *  atmosphere.water_budget   the same for sum dq vs dt sum(E - P) (vapour on);
 *  atmosphere.cfl            the tracer's Courant number (at most 1, vapour on);
 *  atmosphere.legendre_mean  without ice feedback and surface flux: the
 *                            global mean against T_0, within the distance
 *                            from the steady state (mean R / B) plus
 *                            round-off.
 * Returns PEL_OK even when a check fails. */
pel_status pel_atmosphere_verify(pel_atmosphere *a, pel_verify_log *log);

#ifdef __cplusplus
}
#endif
#endif
