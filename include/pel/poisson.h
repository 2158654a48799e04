/* Periodic Poisson solver  laplacian(phi) = f  in 2D and 3D with FFTW.
 *
 * Plans are made once at create time (FFTW_ESTIMATE in deterministic mode,
 * FFTW_MEASURE otherwise; an optional wisdom file is imported first).  A solve
 * transforms f (r2c), divides each coefficient by the Laplacian's symbol
 * -|k|^2 (or the second-order finite-difference symbol), sets the mean mode to
 * zero and transforms back (c2r).  The result is bitwise identical for any
 * thread count: every 1D transform runs the same fixed plan whichever thread
 * executes it (see docs/poisson.md).
 *
 * Grid: n[0] x n[1] (x n[2]) points, row-major, last index fastest (the
 * layout of every PEL family, pel/field.h); point i of dimension d sits at
 * x_d = i * length[d] / n[d], the period [0, length[d]) sampled from 0. */
#ifndef PEL_POISSON_H
#define PEL_POISSON_H
#define PEL_POISSON_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/context.h>
#include <pel/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_laplacian {
    PEL_LAPLACIAN_SPECTRAL = 0, /* symbol -|k|^2: exact for trigonometric data */
    PEL_LAPLACIAN_FD2           /* symbol of the 5/7-point stencil: -(4/h^2) sin^2(k h / 2) */
} pel_laplacian;

typedef struct pel_poisson_params {
    int dim;          /* 2 or 3 */
    size_t n[3];      /* points per period per dimension, n[d] >= 2 (n[2] unused in 2D) */
    double length[3]; /* periods */
    pel_laplacian laplacian;
    const char *wisdom_file; /* NULL, or FFTW wisdom to import before planning */
} pel_poisson_params;

/* Unit periods, spectral symbol, n = 64 per dimension, no wisdom. */
void pel_poisson_params_default(pel_poisson_params *p, int dim);

typedef struct pel_poisson pel_poisson;

/* Checks the parameters, makes the plans and allocates the spectral array
 * and one column buffer per thread: as many as the context's thread count or
 * the processor count, whichever is larger (later calls never use more
 * threads than that).
 * Distinct solvers may be used concurrently from any threads or tasks, even
 * when made from one context; one solver is used by one thread at a time.
 * Each call's team follows the thread rule of pel/context.h, the count read
 * from the context when the call starts.  Inside a caller's parallel region
 * or task, a nested team when the caller enabled nesting, else tasks of the
 * caller's team: for every call, solve and verify too, whose three passes
 * synchronise and run as tasks pass by pass. */
pel_status pel_poisson_create(pel_context *ctx, const pel_poisson_params *p, pel_poisson **ps);
void pel_poisson_destroy(pel_poisson *ps);

/* Solves for phi (prod(n) doubles, row-major) with zero mean.  f may equal
 * phi.  The mean of f, which a periodic problem cannot match, is removed
 * and available from pel_poisson_rhs_mean.  Never allocates; the region
 * "poisson.solve" is timed. */
pel_status pel_poisson_solve(pel_poisson *ps, const double *f, double *phi);
double pel_poisson_rhs_mean(const pel_poisson *ps);

/* Manufactured problem: phi = sum of a few products of sines and cosines with
 * low wavenumbers (zero mean), and f = laplacian(phi) computed analytically
 * with the solver's symbol, so the solve must reproduce phi to round-off.
 * Either pointer may be NULL. */
pel_status pel_poisson_manufactured(const pel_poisson *ps, double *f, double *phi_exact);

/* Appends poisson.error_max (max |phi - phi_exact| relative to max |phi_exact|)
 * and poisson.residual (max |L phi - (f - mean f)| relative to max |f|). */
pel_status pel_poisson_verify(pel_poisson *ps, const double *f, const double *phi,
                              const double *phi_exact, pel_verify_log *log);

size_t pel_poisson_points(const pel_poisson *ps);

#ifdef __cplusplus
}
#endif
#endif
