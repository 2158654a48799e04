/* Explicit (FTCS) heat diffusion  du/dt = alpha * laplacian(u)  in 2D (5-point)
 * and 3D (7-point) on a box, with Dirichlet or periodic boundaries.
 *
 * Two layers:
 *  (a) pel_heat_ftcs_step / _run: pure functions over caller-owned arrays;
 *  (b) pel_heat: a solver that owns its fields, knows its initial condition
 *      and exposes its invariants through pel_heat_verify.
 *
 * Grid: n[0] x n[1] (x n[2]) points, row-major, last index fastest (the
 * layout of every PEL family, pel/field.h).
 *   Dirichlet: points 0 and n-1 of each dimension lie on the boundary and keep
 *     their values; point i sits at x = i h, spacing h = L / (n - 1).
 *   Periodic:  n points per period, indices wrap; point i sits at x = i h,
 *     spacing h = L / n.
 * One step:  u' = u + sum_d r_d (u[-1] - 2u + u[+1])_d  with r_d = alpha dt / h_d^2,
 * evaluated in that order for every point, so results never depend on the
 * thread count.  Stable when sum_d r_d <= 1/2 (r <= 1/4 in 2D, 1/6 in 3D on a
 * uniform grid); larger steps are refused with PEL_EUNSTABLE. */
#ifndef PEL_HEAT_H
#define PEL_HEAT_H
#define PEL_HEAT_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <stdint.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_bc { PEL_BC_DIRICHLET = 0, PEL_BC_PERIODIC = 1 } pel_bc;

/* ---- (a) functions over caller-owned arrays ---------------------------- */

/* One step from u into unew (distinct arrays of prod(n) doubles).  Dirichlet
 * boundary points are copied from u.  dim is 2 or 3; n[d] >= 3.
 * Threads: the rule of pel/context.h, the count read from ctx at this call;
 * the rows are independent blocks, so inside a caller's parallel region
 * without nesting they run as tasks of the caller's team.  Calls on distinct
 * arrays may run concurrently, from one context too. */
pel_status pel_heat_ftcs_step(pel_context *ctx, int dim, const size_t n[], const double r[],
                              pel_bc bc, const double *u, double *unew);

/* nsteps steps in one team run, ping-ponging between u and work (and
 * fusing several steps per pass over memory where the grid allows it); the
 * result is left in u.  Threads: the rule of pel/context.h; the steps
 * synchronise, so inside a caller's parallel region or task it runs on a
 * nested team when the caller enabled nesting, otherwise as tasks of the
 * caller's team, one phase (a pass's halos, its levels, a step) after
 * another. */
pel_status pel_heat_ftcs_run(pel_context *ctx, int dim, const size_t n[], const double r[],
                             pel_bc bc, double *u, double *work, long nsteps);

/* Sum of r_d allowed by FTCS stability: 1/2. */
#define PEL_HEAT_STABILITY_SUM 0.5

/* ---- (b) the solver ------------------------------------------------------ */

typedef enum pel_heat_init {
    PEL_HEAT_INIT_MODE = 0, /* offset + amplitude * prod_d s(k_d x_d): a discrete eigenmode */
    PEL_HEAT_INIT_RANDOM    /* offset + amplitude * U[0,1) from Philox(seed), per point */
} pel_heat_init;

typedef struct pel_heat_params {
    int dim;          /* 2 or 3 */
    size_t n[3];      /* points per dimension (n[2] unused in 2D) */
    double length[3]; /* domain extent per dimension */
    double alpha;     /* diffusivity, > 0 */
    double dt;        /* time step, > 0 and within the stability limit */
    pel_bc bc;
    pel_heat_init init;
    /* Mode numbers p_d >= 1.  Dirichlet: s = sin(p pi x / L); periodic:
     * s = sin(2 pi p x / L).  p_d must be below the grid's Nyquist limit. */
    int mode[3];
    double amplitude;
    double offset; /* a constant is a steady state for both boundary kinds */
    uint32_t seed; /* PEL_HEAT_INIT_RANDOM */
} pel_heat_params;

/* Fills defaults: unit box, alpha = 1, dt at 0.8 of the stability limit,
 * Dirichlet, mode (1,1,1), amplitude 1, offset 0, seed 1; n = 64 per dim. */
void pel_heat_params_default(pel_heat_params *p, int dim);

typedef struct pel_heat pel_heat;

/* Validates every parameter (a failure names the parameter and its value),
 * allocates both fields with first-touch placement (for the context's thread
 * count now) and sets the initial condition at step 0.
 * Distinct solvers may be used concurrently from any threads or tasks, even
 * when made from one context; one solver is used by one thread at a time.
 * Each call's team follows the thread rule of pel/context.h, the count read
 * from the context when the call starts.  Inside a caller's parallel region
 * or task, a nested team when the caller enabled nesting, else tasks of the
 * caller's team: for every call, pel_heat_step of several steps too, whose
 * steps synchronise and run as tasks phase by phase. */
pel_status pel_heat_create(pel_context *ctx, const pel_heat_params *p, pel_heat **h);
void pel_heat_destroy(pel_heat *h);

/* Advances nsteps steps in one team run (as pel_heat_ftcs_run; a single
 * step as pel_heat_ftcs_step); never allocates.  The region "heat.step" is
 * timed. */
pel_status pel_heat_step(pel_heat *h, long nsteps);

/* The current field (prod(n) doubles, row-major); writable between steps.
 * A step may move it to the other buffer: fetch it again after stepping. */
double *pel_heat_field(pel_heat *h);
size_t pel_heat_points(const pel_heat *h);
const pel_heat_params *pel_heat_params_get(const pel_heat *h);
long pel_heat_step_count(const pel_heat *h);
double pel_heat_time(const pel_heat *h); /* step_count * dt */
/* r_d of dimension d */
double pel_heat_r(const pel_heat *h, int d);

/* For restart: sets the step count and copies u (prod(n) doubles) in; with
 * u = NULL the field already written through pel_heat_field is kept. */
pel_status pel_heat_set_state(pel_heat *h, long step, const double *u);

/* Appends the solver's invariants at the current step to log:
 *  mode init:  heat.mode_discrete  max |u - exact discrete solution| (the
 *                                  FTCS factor 1 - sum_d 4 r_d sin^2(k_d h_d / 2)
 *                                  per step), to a round-off bound;
 *              heat.mode_continuum amplitude vs exp(-alpha |k|^2 t), within the
 *                                  leading O(h^2 + dt) truncation term;
 *  periodic:   heat.total          sum of u conserved (reproducible sum);
 *  always:     heat.max_principle  max u <= initial max, min u >= initial min.
 * Returns PEL_OK even when a check fails: verdicts are in the log. */
pel_status pel_heat_verify(pel_heat *h, pel_verify_log *log);

#ifdef __cplusplus
}
#endif
#endif
