/* The equal-area latitude-longitude grid on the unit sphere, shared by the
 * climate components (atmosphere, and refined by an integer ratio, ocean and
 * land).
 *
 * Geometry: ny bands uniform in mu = sin(latitude) over [-1, 1], nx = 2 ny
 * longitudes uniform over [0, 2 pi).  Band j (0 <= j < ny) spans
 * mu in [-1 + 2j/ny, -1 + 2(j+1)/ny]: band 0 is the SOUTHERNMOST, band ny-1
 * the northernmost.  Column i spans longitude [2 pi i/nx, 2 pi (i+1)/nx).
 * Every cell has the same area, 4 pi / (nx ny) on the unit sphere, so a
 * global mean is a plain sum divided by the cell count.
 *
 * Storage of a 2D field (doubles, caller-owned, pel_sphere_doubles(g) of
 * them): one halo cell on every side (PEL_SPHERE_HALO = 1), rows of
 * stride = nx + 2 doubles, ny + 2 rows.  Row 0 is the halo south of band 0,
 * row ny + 1 the halo north of band ny-1; in each row element 0 is the halo
 * west of column 0 and element nx + 1 the halo east of column nx-1.  Cell
 * (i, j) lives at  f[(j + 1) * stride + (i + 1)]  (pel_sphere_at).
 *
 * Boundary conditions belong to pel_sphere_exchange alone, the one routine
 * that fills halos (a distributed version replaces only it with a halo
 * exchange between ranks): periodic in longitude; at the poles zero flux
 * (the polar halo row repeats the polar band, column for column, so any
 * centred gradient across the pole edge vanishes).
 *
 * Global reductions (pel_sphere_sum, _mean) number the interior cells
 * globally, c = j nx + i, and reduce them in fixed blocks of
 * PEL_REDUCE_BLOCK cells combined along pel_reduce's fixed tree: the result
 * is independent of the thread count, and a decomposition into ranks that
 * own block-aligned ranges of c combines exactly the same blocks
 * (pel_reduce_local / pel_reduce_combine).
 *
 * Refinement: a grid refined by ratio r has r ny bands and r nx columns;
 * coarse cell (i, j) covers fine cells (r i + a, r j + b), 0 <= a, b < r,
 * because mu and longitude are uniform.  pel_sphere_to_coarse takes block
 * means (the area integral is conserved: area_c sum_c = area_f sum_f, exact
 * up to the rounding of each block sum and of the division by r^2; bitwise
 * when those are exact), pel_sphere_to_fine injects (each fine cell takes
 * its coarse cell's value: integral conserved exactly).
 *
 * Threads: every call follows the rule of pel/context.h (team size from the
 * context at the call, through the library's one team launcher); results
 * are bitwise identical for every thread count. */
#ifndef PEL_SPHERE_H
#define PEL_SPHERE_H

#include <stddef.h>
#include <pel/context.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_SPHERE_HALO 1

typedef struct pel_sphere {
    size_t ny, nx;  /* bands (in mu) and longitudes, nx = 2 ny */
    size_t stride;  /* doubles per stored row: nx + 2 */
    size_t rows;    /* stored rows: ny + 2 */
    size_t cells;   /* interior cells: nx ny */
    double dmu;     /* 2 / ny */
    double dlambda; /* 2 pi / nx, radians */
} pel_sphere;

/* Fills g for ny bands (ny >= 1); PEL_EINVAL with a message when ny is 0 or
 * the stored field (ny + 2)(2 ny + 2) doubles would not fit in a size_t. */
pel_status pel_sphere_init(pel_context *ctx, size_t ny, pel_sphere *g);

/* The grid refined by ratio (>= 1): ratio * ny bands. */
pel_status pel_sphere_refine(pel_context *ctx, const pel_sphere *coarse, size_t ratio,
                             pel_sphere *fine);

/* Doubles of one stored field: stride * rows. */
static inline size_t pel_sphere_doubles(const pel_sphere *g) { return g->stride * g->rows; }

/* Offset of cell (i, j) in a stored field. */
static inline size_t pel_sphere_at(const pel_sphere *g, size_t i, size_t j)
{
    return (j + 1) * g->stride + (i + 1);
}

/* Geometry (j in [0, ny] for edges, [0, ny) for centres; radians).  Edges
 * are computed as -1 + 2j/ny, exact at j = 0, ny/2 (even ny) and ny.  A
 * NULL grid or an index outside those ranges gives NaN. */
double pel_sphere_mu_edge(const pel_sphere *g, size_t j);
double pel_sphere_mu_centre(const pel_sphere *g, size_t j);
double pel_sphere_lat_centre(const pel_sphere *g, size_t j); /* asin(mu centre) */
double pel_sphere_lon_centre(const pel_sphere *g, size_t i);
/* Area of one cell on the unit sphere: 4 pi / cells (the same for all). */
double pel_sphere_cell_area(const pel_sphere *g);

/* Fills the halo of field f (periodic in longitude, zero flux at the poles,
 * see above).  Interior cells are read only. */
pel_status pel_sphere_exchange(pel_context *ctx, const pel_sphere *g, double *f);

/* Sum and mean over the interior cells (globally numbered blocks, above). */
double pel_sphere_sum(pel_context *ctx, const pel_sphere *g, const double *f);
double pel_sphere_mean(pel_context *ctx, const pel_sphere *g, const double *f);

/* zonal[j] = mean of band j (its nx cells summed in column order, divided
 * by nx); zonal has ny doubles. */
pel_status pel_sphere_zonal_mean(pel_context *ctx, const pel_sphere *g, const double *f,
                                 double *zonal);

/* Copies between a stored field and a contiguous interior array of ny x nx
 * doubles (band j, column i at j nx + i: the pel_field layout). */
pel_status pel_sphere_pack(pel_context *ctx, const pel_sphere *g, const double *f, double *out);
pel_status pel_sphere_unpack(pel_context *ctx, const pel_sphere *g, const double *in, double *f);

/* Conservative mapping between a grid and its refinement (fine must be
 * coarse refined by an integer ratio; PEL_EINVAL otherwise).  Interiors
 * only are written; halos are left as they were. */
pel_status pel_sphere_to_coarse(pel_context *ctx, const pel_sphere *fine, const double *ffine,
                                const pel_sphere *coarse, double *fcoarse);
pel_status pel_sphere_to_fine(pel_context *ctx, const pel_sphere *coarse, const double *fcoarse,
                              const pel_sphere *fine, double *ffine);

#ifdef __cplusplus
}
#endif
#endif
