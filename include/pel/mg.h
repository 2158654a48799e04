/* Geometric multigrid on a periodic 3D grid: the V-cycle of NPB's MG kernel
 * (Barszcz, Frederickson, Woo, Yarrow; NAS report RNR-94-007 and NPB 3.3.1),
 * usable as a Poisson solver or preconditioner on a user's own grid.
 *
 * The problem is  A u = v  on an n[0] x n[1] x n[2] periodic grid, where A
 * and the smoother S are 27-point stencils given by four coefficients each:
 *     (A u)(p) = a[0] u(p) + a[1] sum_faces u + a[2] sum_edges u + a[3] sum_corners u
 * over the 6 face, 12 edge and 8 corner neighbours of p (likewise S with
 * c[]).  NPB's A is a fourth-order Laplacian (a = -8/3, 0, 1/6, 1/12 times
 * h^-2 = 1); its row sums vanish, so v must have zero mean.
 *
 * One cycle, exactly as NPB's mg3P followed by resid:
 *   restrict the residual r down to the coarsest grid (trilinear, rprj3);
 *   coarsest: u = S r;
 *   each finer level: u = Q u_coarse (trilinear interpolation), r = r - A u,
 *   u = u + S r;  finest: u = u + Q u_coarse, r = v - A u, u = u + S r;
 *   then r = v - A u.
 * Every level halves every dimension; the coarsest has 2 points along its
 * shortest dimension (NPB: level 1 of a 2^lt grid).
 *
 * Arrays are the user's own: prod(n) doubles, row-major, n[2] fastest, no
 * halo points (periodicity is the solver's business).  NPB's (i1, i2, i3)
 * with i1 fastest is (n[2], n[1], n[0]) here.
 *
 * Results are bitwise identical for every thread count and every kernel
 * copy pel_cpu_isa() picks: the stencils write each point once from
 * fixed-order sums, and the norms reduce per-plane sums in a fixed order. */
#ifndef PEL_MG_H
#define PEL_MG_H
#define PEL_MG_NUMERICS_VERSION 1 /* bumped whenever this family's arithmetic changes on purpose */

#include <stddef.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_mg_params {
    size_t n[3];  /* points per dimension, each a power of two >= 4; n[2] fastest */
    double a[4];  /* the operator A: centre, faces, edges, corners */
    double c[4];  /* the smoother S, same shape */
    int levels;   /* grids in the hierarchy; 0 = as many as the grid allows */
    int zran3;    /* 1: create sets v to NPB's zran3 right-hand side (pel_mg_zran3 of n,
                   * made in the solver's own storage); 0: v = 0 */
    size_t serial_points; /* the coarse levels (below the finest) of at most this many
                           * points run on one thread, without the barriers between their
                           * passes; 0: every level on the whole team.  The same results
                           * either way: only the speed differs.  Default
                           * PEL_MG_SERIAL_POINTS */
} pel_mg_params;

#define PEL_MG_SERIAL_POINTS 4096

/* NPB's operator and its S(a) smoother (c = -3/8, 1/32, -1/64, 0) on an
 * n x n x n grid, all levels, serial_points = PEL_MG_SERIAL_POINTS. */
void pel_mg_params_default(pel_mg_params *p, size_t n);

typedef struct pel_mg pel_mg;

/* Validates p (a failure names the parameter and its value), allocates the
 * hierarchy (u and r on every level, v on the finest) with first-touch
 * placement for the context's threads, u = 0 and v = 0 (or zran3's v, when
 * p->zran3 is set: the values pel_mg_zran3 then pel_mg_set_rhs give, made in
 * the same pass that first touches v, without a caller's array), and picks
 * the plane kernels for this CPU (pel_cpu_isa(), pel/cpu.h).  The solver keeps ctx
 * and uses it in every later call.
 *
 * Distinct solvers may be used concurrently from any threads or tasks, even
 * when made from one context; one solver is used by one thread at a time;
 * each call's team follows the thread rule of pel/context.h: inside a
 * caller's team every call joins it, as a nested team when the caller
 * enabled nesting, otherwise as its tasks (pel_mg_vcycle and
 * pel_mg_residual: each stage of a cycle a set of tasks, one per thread of
 * the context's count, that the caller's threads share; the copies in and
 * out and pel_mg_norms likewise).  The thread count is read at each call,
 * up to the count the context had at create (the per-thread scratch is
 * sized then). */
pel_status pel_mg_create(pel_context *ctx, const pel_mg_params *p, pel_mg **mg);
void pel_mg_destroy(pel_mg *mg);

/* Copy the right-hand side v / an initial guess u (NULL: zero) in, or the
 * solution / the current residual v - A u out; prod(n) doubles each. */
pel_status pel_mg_set_rhs(pel_mg *mg, const double *v);
pel_status pel_mg_set_solution(pel_mg *mg, const double *u);
pel_status pel_mg_get_solution(pel_mg *mg, double *u);
pel_status pel_mg_get_residual(pel_mg *mg, double *r);

/* The solution and the current residual as one array of 2 prod(n) doubles,
 * u then r (each in the layout of pel_mg_get_solution), made in place in the
 * solver's own storage: no copy, no memory beyond the solver's.  *ur stays
 * valid until the next call on mg, which first moves the values back (a
 * serial pass over both arrays); results are unchanged by the round trip.
 * For callers that read both once, e.g. to hash or save them; passing the
 * view's u itself to pel_mg_set_solution keeps the solution as it is. */
pel_status pel_mg_view_ur(pel_mg *mg, const double **ur);

/* r = v - A u on the finest grid (NPB's resid), with its norms and its
 * restriction for the next cycle (taken in the same pass).  The solver
 * computes r by itself when it is needed; this is for callers that time
 * it, like NPB. */
pel_status pel_mg_residual(pel_mg *mg);

/* `cycles` V-cycles (NPB's mg3P + resid each).  Never allocates; timed as
 * the region "mg.vcycle".  Each cycle's last pass over the finest grid
 * takes the new residual's norms and restricts it for the next cycle (or
 * the next call), keeping most of its planes in cache only: afterwards the
 * norms are current, and r itself is computed again, to the same bits, by
 * the call that next reads it (pel_mg_get_residual, pel_mg_view_ur); a
 * call that starts with neither r nor its restriction current (a new v or
 * u) computes the residual first. */
pel_status pel_mg_vcycle(pel_mg *mg, long cycles);

/* NPB's norm2u3 of the current residual: l2 = sqrt(sum r^2 / prod(n)),
 * linf = max |r|.  Either pointer may be NULL. */
pel_status pel_mg_norms(pel_mg *mg, double *l2, double *linf);

const pel_mg_params *pel_mg_params_get(const pel_mg *mg);
int pel_mg_levels(const pel_mg *mg);

/* ---- functions over caller arrays ---------------------------------------- */

/* r = v - A u on a periodic grid (n[d] >= 2, any size); v may be NULL for
 * v = 0.  u, v, r: prod(n) doubles, r distinct from u.  These two functions
 * run on ctx's threads at the call, as tasks of a caller's team inside one. */
pel_status pel_mg_resid(pel_context *ctx, const size_t n[3], const double a[4], const double *u,
                        const double *v, double *r);

/* NPB's right-hand side (zran3): the random numbers 2^-46 * 314159265 *
 * 5^(13 (k+1)) mod 2^46 at linear index k pick the ten largest points
 * (v = +1) and the ten smallest (v = -1); v = 0 elsewhere.  Ties, which a
 * grid below 2^44 points cannot have, go to the lower index.  n[d] >= 1 with
 * at least 20 points in all. */
pel_status pel_mg_zran3(pel_context *ctx, const size_t n[3], double *v);

/* ---- NPB 3.3.1's classes --------------------------------------------------- */

typedef struct pel_mg_npb {
    char cls;           /* 'S', 'W', 'A', 'B' or 'C' */
    size_t n;           /* n x n x n grid */
    long iterations;    /* timed V-cycles */
    double a[4], c[4];  /* operator and smoother (S(a) for S, W, A; S(b) for B, C) */
    double l2_reference; /* NPB's verify_value: the final residual's L2 norm */
    double epsilon;      /* NPB's relative tolerance on it: 1e-8 */
} pel_mg_npb;

/* Unknown class: PEL_EINVAL "unknown NPB class 'Q' (expected S, W, A, B or C)". */
pel_status pel_mg_npb_class(pel_context *ctx, char cls, pel_mg_npb *out);

/* The parameters of the class's problem (levels = all, serial_points =
 * PEL_MG_SERIAL_POINTS). */
void pel_mg_npb_solver_params(const pel_mg_npb *cls, pel_mg_params *p);

#ifdef __cplusplus
}
#endif
#endif
