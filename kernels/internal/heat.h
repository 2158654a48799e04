/* Private to libpel (never installed): what the heat solver (heat.c) and
 * the FTCS functions (ftcs.c) share with the sweeps (sweep.c, fused.c).
 * Names start with peli_ so the library's export list ('^pel_') leaves
 * them out. */
#ifndef PEL_INTERNAL_STENCIL_H
#define PEL_INTERNAL_STENCIL_H

#include <stddef.h>

#include "internal/core.h"
#include "internal/team.h"

/* Everything a sweep needs, fixed before the first step.  The parallel loops
 * run over `nrows` rows of `rowlen` points: n[0] rows in 2D, n[0]*n[1] in 3D
 * (so a 3D grid gives many threads work); the neighbours of row q along
 * dimension 0 are rows q -+ stride.  First-touch placement uses the same
 * rows and partition (pel_static_range in internal/core.h).  The team size is
 * not part of the grid: each call reads it from the context (internal/team.h). */
typedef struct peli_heat_grid {
    int dim;
    size_t n[3];
    double r[3];
    int periodic;
    size_t nrows, rowlen, points, stride;
    int stream;   /* non-temporal stores: the fields are much larger than a cache */
    int isa;      /* which copy of the row kernels runs (sweep.c) */
} peli_heat_grid;

/* Checks dim, n[] and bc, the parameters the solver and the functions over
 * caller arrays share; messages name the parameter and its value. */
pel_status peli_heat_check_grid(pel_context *ctx, int dim, const size_t n[], pel_bc bc);

/* Fills g from checked parameters (n[d] >= 3, points fit in size_t), and
 * picks the row kernels from pel_cpu_isa().  Thread t of a team of nt owns
 * rows pel_static_range(nrows, t, nt): the sweeps and the first touch of the
 * solver's fields use that one split. */
void peli_heat_grid_init(peli_heat_grid *g, int dim, const size_t n[], const double r[],
                         pel_bc bc);

/* nsteps FTCS steps from a in one team run (the team size read from ctx
 * now), b being scratch (or the next buffer of a ping-pong); a is only read
 * when nsteps == 1.  Returns the buffer holding the result, unless copy_back
 * is set: then the result is copied into a within the same run and a is
 * returned.  A single step without copy_back needs no barrier and runs as
 * independent row blocks (peli_parallel); more steps run as a body of
 * phases (peli_run): a team with barriers, or inside a caller's team
 * without nesting, tasks of that team, phase by phase. */
double *peli_heat_run(const pel_context *ctx, const peli_heat_grid *g, double *a, double *b,
                      long nsteps, int copy_back);

/* ---- between the single steps (sweep.c) and the fused ones (fused.c) ---- */

/* The neighbourhood of one row: c the row itself, m0/p0 the rows before and
 * after it along dimension 0, m1/p1 along dimension 1 (3D only). */
typedef struct peli_heat_rowargs {
    const double *c, *m0, *p0, *m1, *p1;
    double r0, r1, r2;
    size_t len;
    int periodic;
} peli_heat_rowargs;

/* The arguments every row of the grid shares; the caller adds the rows. */
static inline peli_heat_rowargs peli_heat_args(const peli_heat_grid *g)
{
    return (peli_heat_rowargs){.r0 = g->r[0], .r1 = g->r[1], .r2 = g->r[2], .len = g->rowlen,
                               .periodic = g->periodic};
}

/* In 3D, the rows before and after a row at plane index j along dimension 1
 * are these many rows away: they wrap within the plane. */
static inline ptrdiff_t peli_heat_dim1_before(const peli_heat_grid *g, ptrdiff_t j)
{
    return j == 0 ? (ptrdiff_t)g->n[1] - 1 : -1;
}

static inline ptrdiff_t peli_heat_dim1_after(const peli_heat_grid *g, ptrdiff_t j)
{
    return j == (ptrdiff_t)g->n[1] - 1 ? -((ptrdiff_t)g->n[1] - 1) : 1;
}

/* Writes the row after a's into out, with streaming stores when stream is set. */
typedef void peli_heat_row_fn(double *restrict out, const peli_heat_rowargs *a, int stream);

/* The row kernel for the grid (its dimension and instruction set). */
peli_heat_row_fn *peli_heat_row_kernel(const peli_heat_grid *g);

/* Whether row (i, j) is a Dirichlet boundary row, which keeps its values. */
static inline int peli_heat_boundary_row(const peli_heat_grid *g, ptrdiff_t i, ptrdiff_t j)
{
    return !g->periodic && (i == 0 || i == (ptrdiff_t)g->n[0] - 1 ||
                            (g->dim == 3 && (j == 0 || j == (ptrdiff_t)g->n[1] - 1)));
}

/* How many steps the next pass of peli_heat_fused fuses when nsteps remain
 * and the team has nt threads (0: none, step one at a time). */
int peli_heat_fuse_depth(const peli_heat_grid *g, int nt, long nsteps);

/* One pass of k >= 2 steps in place on u (k from peli_heat_fuse_depth for
 * the team's nt), work being the second buffer: thread t's scratch is its
 * own rows of it, pel_static_range(nrows, t, nt). */
typedef struct peli_heat_pass {
    const peli_heat_grid *g;
    peli_heat_row_fn *row;
    double *u, *work;
    int k;
} peli_heat_pass;

/* The pass in the body of a peli_run: two phases (the halos, then the
 * levels), after which all of u is at level k. */
void peli_heat_fused(peli_team *tm, const peli_heat_pass *pass);

/* PEL_EUNSTABLE with a message when sum_d r_d exceeds PEL_HEAT_STABILITY_SUM.
 * With dt > 0 the message names the time step and suggests a stable one,
 * dt_max being the largest stable step. */
pel_status peli_heat_check_stability(pel_context *ctx, int dim, const double r[], double dt,
                                     double dt_max);

#endif
