/* Private to libpel (never installed): the multigrid solver's storage and
 * the plane kernels (kernels/mg/ops.c) the V-cycle (solver.c) runs.
 *
 * Storage of one level: n3 planes without halo planes (the neighbours of
 * plane 0 are planes n3-1 and 1: the caller wraps plane indices), each plane
 * (n2 + 2) rows of n1 + 2 values with a one-point periodic halo around the
 * n2 x n1 interior: element (i2, i1), 0 <= i2, i1 <= n + 1, is at
 * i2 * row + i1; interior point (j2, j1) is at (j2 + 1, j1 + 1).  The row
 * stride is n1 + 2 rounded up to whole cache lines (the padding is never
 * read into a result), so every row starts on a line boundary.  A kernel
 * that writes a plane also fills that plane's halo (NPB's comm3 along the
 * two in-plane axes), so a plane is always whole when its writer is done. */
#ifndef PEL_INTERNAL_MULTIGRID_H
#define PEL_INTERNAL_MULTIGRID_H

#include <stddef.h>

#include "internal/core.h"

#define PELI_MG_MAX_LEVELS 40

typedef struct peli_mg_level {
    size_t n1, n2, n3; /* interior points: n1 fastest, n3 planes */
    size_t row, plane; /* n1 + 2 rounded up to 8, (n2 + 2) * row */
    double *u, *r;     /* n3 * plane each */
} peli_mg_level;

/* Coefficients with the flags that pick the kernels' shapes: NPB's a[1] = 0
 * and c[3] = 0 drop one term each, exactly as NPB's code does, so the sums
 * round as NPB's. */
typedef struct peli_mg_coef {
    double a[4], c[4];
    int a1, c3; /* a[1] != 0, c[3] != 0 */
} peli_mg_coef;

static inline double *peli_mg_plane(const peli_mg_level *l, double *base, size_t i3)
{
    return base + i3 * l->plane;
}

/* i3 -+ 1 with periodic wrap */
static inline size_t peli_mg_below(const peli_mg_level *l, size_t i3)
{
    return i3 == 0 ? l->n3 - 1 : i3 - 1;
}
static inline size_t peli_mg_above(const peli_mg_level *l, size_t i3)
{
    return i3 + 1 == l->n3 ? 0 : i3 + 1;
}

/* The in-plane halo of plane p from its interior. */
void peli_mg_fill_halo(const peli_mg_level *l, double *p);

/* The plane kernels, one table per instruction set (ops.c); every table
 * gives the same bits.
 *
 * The kernels take the planes they read and write as pointers (a plane i3
 * and its neighbours i3 - 1 and i3 + 1, wrapped by the caller), so a caller
 * may keep a plane anywhere with the level's layout (the solver keeps some
 * of the finest r in a per-thread ring of planes).
 *
 * resid:  r = v - A u on one plane of level l: rc, from u's planes ud, uc,
 *         uu (below, at, above) and vc (v's plane; it may be rc: in place).
 *         vz (or NULL): one flag per interior row of vc, set where that row
 *         is all +0.0, which is then not read (the same bits).  w: scratch
 *         of 2 * row doubles.
 * psinv:  u = u + S r on plane uc (u = S r when zero is set), from r's planes
 *         rd, rc, ru.  w: scratch of 2 * row doubles.
 * rprj3:  coarse plane s of level c = P (restriction of) fine r of level f
 *         on its planes lo, mid, hi (2 j3, 2 j3 + 1, 2 j3 + 2, wrapped).
 *         w: scratch of 2 * f->row doubles.
 * interp: fine plane i3 of level f: u_f = u_f + Q u_c (u_f = Q u_c when
 *         zero is set).  Halo points are interpolated too, consistently with
 *         the interior, so the plane is whole afterwards.  w: scratch of
 *         3 * c->row doubles.
 * norms:  sum of squares of plane p's interior (fixed order) and the
 *         largest |value|. */
typedef struct peli_mg_ops {
    void (*resid)(const peli_mg_level *l, const peli_mg_coef *k, const double *ud,
                  const double *uc, const double *uu, const double *vc, const unsigned char *vz,
                  double *rc, double *w);
    void (*psinv)(const peli_mg_level *l, const peli_mg_coef *k, const double *rd,
                  const double *rc, const double *ru, double *uc, int zero, double *w);
    void (*rprj3)(const peli_mg_level *f, const peli_mg_level *c, const double *lo,
                  const double *mid, const double *hi, double *s, double *w);
    void (*interp)(const peli_mg_level *c, const peli_mg_level *f, size_t i3, int zero,
                   double *w);
    void (*norms)(const peli_mg_level *l, const double *p, double *sumsq, double *maxabs);
} peli_mg_ops;

/* The table for isa (the best compiled one not above it). */
const peli_mg_ops *peli_mg_ops_for(pel_isa isa);

/* ---- zran3's choice (grid.c) ----------------------------------------------
 * The stream value at linear index k (pel_mg_zran3's numbering) is a
 * candidate for the ten largest (top) and the ten smallest (bot).  A scan of
 * indices [b, e) keeps its best ten of each; merging the scans of any split
 * of the grid, in any order, gives the same twenty points (a total order:
 * ties go to the lower index). */
#define PELI_MG_ZRAN_COUNT 10

typedef struct peli_mg_cand {
    double x;
    size_t k;
} peli_mg_cand;

typedef struct peli_mg_zran {
    peli_mg_cand top[PELI_MG_ZRAN_COUNT], bot[PELI_MG_ZRAN_COUNT];
    int ntop, nbot;
} peli_mg_zran;

/* z = the best of indices [b, e) (z is reset first). */
void peli_mg_zran3_scan(peli_mg_zran *z, size_t b, size_t e);
/* into = the best of into and from. */
void peli_mg_zran3_merge(peli_mg_zran *into, const peli_mg_zran *from);

#endif
