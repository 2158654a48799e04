/* Land surface: bucket hydrology (Manabe 1969) and a slab soil temperature,
 * per cell of an nx x ny equal-area grid (docs/land.md).
 *
 * Per cell with land fraction f > 0, soil water W (m of water, rho_w =
 * 1000 kg/m^3) and soil temperature T (K):
 *   dW/dt = p - e beta(W) - r,   beta = min(1, W / W_c),  W_c = crit W_fc,
 *   0 <= W <= W_fc, runoff r the excess that would take W above W_fc;
 *   C_s dT/dt = F - L_v rho_w e beta   (the latent term when latent_heat);
 * with p = P / rho_w and e = E_p / rho_w the imported precipitation and
 * potential evaporation (kg/m^2/s) and F the net surface heat flux into the
 * soil (W/m^2), each held constant over a step.
 *
 * Time stepping: over a step the ODE for W is piecewise linear with constant
 * coefficients, and each step applies its exact solution (exponential
 * relaxation below W_c, linear above, capped at W_fc), switching regime at
 * the computed crossing times.  The runoff is the exact integral of the
 * excess; the evaporation of the step is the budget residual
 * P dt - R - (W' - W) of the exact solution (which is its exact integral),
 * so storage change = (P - E - R) dt to one rounding per cell and step;
 * W stays within [0, W_fc].  T takes the step's exact heat: C_s (T' - T) =
 * F dt - L_v E.  With constant forcing the result after n steps equals the
 * closed form of the whole interval to round-off (W(t) = W* + (W0 - W*)
 * exp(-t/tau) below W_c, W* = W_c P / E_p, tau = W_c rho_w / E_p).
 *
 * The cells are independent (pointwise physics: no halos, no neighbours);
 * the global budgets are sums over fixed blocks of cells in a fixed order,
 * so every result is bitwise identical at any thread count.  Cells with f =
 * 0 are not stepped (their W and T keep the initial values; their fluxes are
 * 0).  Global totals are land-fraction weighted means over all cells (every
 * cell has the same area): sum f_i x_i / (nx ny). */
#ifndef PEL_LAND_H
#define PEL_LAND_H
#define PEL_LAND_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_LAND_RHO_W 1000.0 /* kg/m^3 */
#define PEL_LAND_LV 2.5e6     /* J/kg, latent heat of vaporisation */
#define PEL_LAND_DAY 86400.0  /* s */

typedef struct pel_land_params {
    size_t nx, ny;     /* cells (the equal-area grid has nx = 2 ny; not required here) */
    double dt;         /* time step, s; > 0 */
    double w_fc;       /* field capacity, m (0.15) */
    double crit;       /* W_c / W_fc: evaporation at the potential rate above it (0.75) */
    double heat_capacity; /* C_s, J/m^2/K (2e6: 1 m of soil at 2 MJ/m^3/K) */
    double w0;         /* initial soil water, m, in [0, w_fc] (0.1) */
    double t0;         /* initial soil temperature, K (288) */
    /* constant forcing until a field is imported */
    double precip;     /* P, kg/m^2/s (2 mm/day) */
    double pet;        /* E_p, kg/m^2/s (4 mm/day) */
    double heat_flux;  /* F, W/m^2 (10) */
    int latent_heat;   /* 1: the soil also loses L_v E (0) */
    /* land fraction per cell: the array (nx * ny values in [0, 1], copied at
     * create) when not NULL, else the mask file (pel/mask.h) when neither NULL
     * nor empty, else every cell is land */
    const double *land_fraction;
    const char *mask_path;
} pel_land_params;

void pel_land_params_default(pel_land_params *p);

typedef struct pel_land pel_land;

/* Validates every parameter (a failure names it and its value), reads the
 * mask, allocates the fields with first-touch placement and sets W = w0, T =
 * t0 at step 0.  Threads: the rule of pel/context.h, as pel_heat's. */
pel_status pel_land_create(pel_context *ctx, const pel_land_params *p, pel_land **out);
void pel_land_destroy(pel_land *l);

/* nsteps >= 0 steps in one team run (the cells are independent: each thread
 * takes its blocks of cells through every step, without waiting for the
 * others); never allocates.  Region "land.step".  A non-finite soil
 * temperature (a heat flux beyond what a double holds) gives PEL_ENONFINITE
 * naming the field, the cell (row, column) and the first step at which it
 * went non-finite; the step count then includes all nsteps. */
pel_status pel_land_step(pel_land *l, long nsteps);

typedef enum pel_land_field {
    PEL_LAND_W = 0,      /* soil water, m */
    PEL_LAND_T,          /* soil temperature, K */
    PEL_LAND_EVAP,       /* evaporation of the last step, kg/m^2/s (its mean rate) */
    PEL_LAND_RUNOFF,     /* runoff of the last step, kg/m^2/s */
    PEL_LAND_PRECIP,     /* forcing: precipitation, kg/m^2/s */
    PEL_LAND_PET,        /* forcing: potential evaporation, kg/m^2/s */
    PEL_LAND_HEAT_FLUX,  /* forcing: net surface heat flux, W/m^2 */
    PEL_LAND_FRACTION,   /* land fraction */
    PEL_LAND_NFIELDS
} pel_land_field;

/* nx * ny doubles, row-major; NULL for a bad argument.  The forcing fields
 * may be written between steps (pel_land_set_forcing checks the values). */
double *pel_land_data(pel_land *l, pel_land_field which);
const pel_land_params *pel_land_params_get(const pel_land *l);
long pel_land_step_count(const pel_land *l);
double pel_land_time(const pel_land *l);

/* Copies a forcing field in (PEL_LAND_PRECIP, _PET: finite and >= 0;
 * _HEAT_FLUX: finite); a bad value is PEL_EINVAL naming the field and the
 * cell, and leaves the field unchanged. */
pel_status pel_land_set_forcing(pel_land *l, pel_land_field which, const double *values);

/* The budgets so far (global land-fraction weighted means, see above). */
typedef struct pel_land_budget {
    double water, water0;    /* mean soil water now and at step 0, m */
    double precip, evap, runoff; /* cumulated, m of water (kg/m^2 / rho_w) */
    double heat, heat0;      /* mean C_s T now and at step 0, J/m^2 */
    double heat_in;          /* cumulated F dt - L_v E, J/m^2 */
    double step_water_resid; /* largest |dW - (P - E - R)| of one step and block, in units of its bound */
    double step_heat_resid;  /* largest |dH - (F dt - L E)| of one step and block, in units of its bound */
    int forced_by_params;    /* 1 while no forcing was ever imported */
} pel_land_budget;

pel_status pel_land_get_budget(const pel_land *l, pel_land_budget *b);

/* The exact solution of one cell's bucket over a time t with constant
 * forcing (the step's own arithmetic): from w0 to *w1 with runoff *runoff
 * (m); precip and pet in kg/m^2/s. */
void pel_land_bucket_exact(const pel_land_params *p, double w0, double precip, double pet, double t,
                           double *w1, double *runoff);

/* Appends the invariants at the current step:
 *  land.water_step     the worst |dW - (P - E - R) dt| of one step over one
 *                      block of 256 cells, over its round-off bound (<= 1);
 *  land.water_total    W - W0 = cumulated P - E - R, to the cumulated bound;
 *  land.heat_step      as water_step for C_s T and F dt - L_v E;
 *  land.heat_total     as water_total for the heat content;
 *  land.bounds         how far W leaves [0, W_fc] (0);
 *  land.finite         non-finite values in W and T (0);
 *  land.closed_form    (constant forcing from the parameters only) max |W -
 *                      W_exact(t)| over land cells, W_exact the closed form
 *                      of the whole interval, to 16 (n + 1) u W_fc. */
pel_status pel_land_verify(pel_land *l, pel_verify_log *log);

/* For restart: the budget accumulators (pel_land_budget_count values: 8 per
 * block of 256 cells, then the forced-by-parameters flag), saved and set
 * back with the step count; the fields are written through pel_land_data. */
size_t pel_land_budget_count(const pel_land *l);
void pel_land_save_budget(const pel_land *l, double *out);
pel_status pel_land_set_state(pel_land *l, long step, const double *in);

#ifdef __cplusplus
}
#endif
#endif
