/* The equal-area latitude-longitude grid (include/pel/sphere.h): geometry,
 * the one halo exchange, reductions over globally numbered blocks and the
 * conservative mapping between a grid and its refinement. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <pel/sphere.h>
#include <pel/reduce.h>

#include "internal/core.h"
#include "internal/team.h"
#include "internal/sphere.h"

#define PI 3.14159265358979323846

/* ---- the grid ---------------------------------------------------------------- */

/* The stored field must fit: (ny + 2)(2 ny + 2) doubles, and its byte count,
 * in a size_t. */
static int fits(size_t ny)
{
    const size_t max = SIZE_MAX / sizeof(double);
    if (ny > (SIZE_MAX - 2) / 2) return 0;
    size_t rows = ny + 2, stride = 2 * ny + 2;
    return rows <= max / stride;
}

static void fill(pel_sphere *g, size_t ny)
{
    g->ny = ny;
    g->nx = 2 * ny;
    g->stride = g->nx + 2 * PEL_SPHERE_HALO;
    g->rows = ny + 2 * PEL_SPHERE_HALO;
    g->cells = g->nx * g->ny;
    g->dmu = 2.0 / (double)ny;
    g->dlambda = 2.0 * PI / (double)g->nx;
}

pel_status pel_sphere_init(pel_context *ctx, size_t ny, pel_sphere *g)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, g != NULL, "sphere: the grid pointer must not be NULL");
    PEL_REQUIRE(ctx, ny >= 1, "sphere: ny = %zu: must be at least 1", ny);
    PEL_REQUIRE(ctx, fits(ny), "sphere: ny = %zu: a field of (ny+2) x (2ny+2) doubles overflows the address space", ny);
    fill(g, ny);
    return PEL_OK;
}

static int valid(const pel_sphere *g)
{
    return g && g->ny >= 1 && fits(g->ny) && g->nx == 2 * g->ny && g->stride == g->nx + 2 &&
           g->rows == g->ny + 2 && g->cells == g->nx * g->ny;
}

#define REQUIRE_GRID(ctx, g, what)                                                             \
    PEL_REQUIRE(ctx, valid(g), "sphere: %s is %s", what, (g) ? "not a grid made by pel_sphere_init" : "NULL")

pel_status pel_sphere_refine(pel_context *ctx, const pel_sphere *coarse, size_t ratio, pel_sphere *fine)
{
    if (!ctx) return PEL_EINVAL;
    REQUIRE_GRID(ctx, coarse, "the coarse grid");
    PEL_REQUIRE(ctx, fine != NULL, "sphere: the fine grid pointer must not be NULL");
    PEL_REQUIRE(ctx, ratio >= 1, "sphere: ratio = %zu: must be at least 1", ratio);
    PEL_REQUIRE(ctx, coarse->ny <= SIZE_MAX / ratio && fits(coarse->ny * ratio),
                "sphere: ratio = %zu: %zu bands refined overflow the address space", ratio, coarse->ny);
    fill(fine, coarse->ny * ratio);
    return PEL_OK;
}

/* The geometry returns NaN for a NULL grid or an index outside it: a value
 * (no context to record a message in), and one no caller can mistake for
 * a latitude or an area. */
double pel_sphere_mu_edge(const pel_sphere *g, size_t j)
{
    if (!g || !g->ny || j > g->ny) return NAN;
    /* (2j - ny)/ny: exact integers over ny, so symmetric about the equator */
    return ((2.0 * (double)j) - (double)g->ny) / (double)g->ny;
}

double pel_sphere_mu_centre(const pel_sphere *g, size_t j)
{
    if (!g || j >= g->ny) return NAN;
    return ((2.0 * (double)j + 1.0) - (double)g->ny) / (double)g->ny;
}

double pel_sphere_lat_centre(const pel_sphere *g, size_t j) { return asin(pel_sphere_mu_centre(g, j)); }

double pel_sphere_lon_centre(const pel_sphere *g, size_t i)
{
    if (!g || i >= g->nx) return NAN;
    return ((double)i + 0.5) * g->dlambda;
}

double pel_sphere_cell_area(const pel_sphere *g) { return g && g->cells ? 4.0 * PI / (double)g->cells : NAN; }

/* ---- the halo exchange ---------------------------------------------------------
 * Band by band: the west and east halo cells (periodic), then the polar halo
 * rows copied whole (halo cells included) from the polar bands. */
void peli_sphere_exchange_bands(const pel_sphere *g, double *f, size_t b, size_t e)
{
    const size_t s = g->stride, nx = g->nx;
    for (size_t j = b; j < e; j++) {
        double *row = f + (j + 1) * s;
        row[0] = row[nx];
        row[nx + 1] = row[1];
    }
    if (b == 0 && e > 0) memcpy(f, f + s, s * sizeof(double));
    if (b < g->ny && e == g->ny) memcpy(f + (g->ny + 1) * s, f + g->ny * s, s * sizeof(double));
}

typedef struct exch_arg {
    const pel_sphere *g;
    double *f;
} exch_arg;

static void exch_bands(int t, int nt, void *arg)
{
    const exch_arg *a = arg;
    size_t b, e;
    pel_static_range(a->g->ny, t, nt, &b, &e);
    peli_sphere_exchange_bands(a->g, a->f, b, e);
}

pel_status pel_sphere_exchange(pel_context *ctx, const pel_sphere *g, double *f)
{
    if (!ctx) return PEL_EINVAL;
    REQUIRE_GRID(ctx, g, "the grid");
    PEL_REQUIRE(ctx, f != NULL, "sphere: exchange: the field is NULL");
    exch_arg a = {g, f};
    peli_parallel(ctx, g->ny, 0, 0, exch_bands, &a);
    return PEL_OK;
}

/* ---- reductions ------------------------------------------------------------------ */

typedef struct sum_arg {
    const pel_sphere *g;
    const double *f;
} sum_arg;

/* Global cells [b, e), summed exactly as pel_sum sums a contiguous block
 * (eight interleaved accumulators, the tail into the first, combined
 * pairwise), so the sphere's sum is pel_sum of the packed interior, bit for
 * bit. */
static double leaf_sum(const void *user, size_t b, size_t e)
{
    const sum_arg *a = user;
    const size_t nx = a->g->nx, s = a->g->stride, full = b + (e - b) / 8 * 8;
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t k = 0;
    for (size_t c = b; c < e;) {
        size_t j = c / nx, i = c - j * nx, stop = (j + 1) * nx < e ? (j + 1) * nx : e;
        const double *row = a->f + (j + 1) * s + 1;
        for (; c < stop; c++, i++, k = (k + 1) & 7) acc[c < full ? k : 0] += row[i];
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double pel_sphere_sum(pel_context *ctx, const pel_sphere *g, const double *f)
{
    if (!ctx || !valid(g) || !f) return NAN;
    sum_arg a = {g, f};
    return pel_reduce(ctx, PEL_REDUCE_SUM, g->cells, leaf_sum, &a);
}

double pel_sphere_mean(pel_context *ctx, const pel_sphere *g, const double *f)
{
    if (!ctx || !valid(g) || !f) return NAN;
    return pel_sphere_sum(ctx, g, f) / (double)g->cells;
}

/* ---- row-parallel copies: zonal means, pack, unpack --------------------------------- */

typedef struct rows_arg {
    const pel_sphere *g;
    const double *src;
    double *dst;
} rows_arg;

static void zonal_rows(int t, int nt, void *arg)
{
    const rows_arg *a = arg;
    const size_t nx = a->g->nx, s = a->g->stride;
    size_t b, e;
    pel_static_range(a->g->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        const double *row = a->src + (j + 1) * s + 1;
        double acc = 0.0;
        for (size_t i = 0; i < nx; i++) acc += row[i];
        a->dst[j] = acc / (double)nx;
    }
}

static void pack_rows(int t, int nt, void *arg)
{
    const rows_arg *a = arg;
    const size_t nx = a->g->nx, s = a->g->stride;
    size_t b, e;
    pel_static_range(a->g->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) memcpy(a->dst + j * nx, a->src + (j + 1) * s + 1, nx * sizeof(double));
}

static void unpack_rows(int t, int nt, void *arg)
{
    const rows_arg *a = arg;
    const size_t nx = a->g->nx, s = a->g->stride;
    size_t b, e;
    pel_static_range(a->g->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) memcpy(a->dst + (j + 1) * s + 1, a->src + j * nx, nx * sizeof(double));
}

static pel_status rows_call(pel_context *ctx, const pel_sphere *g, const double *src, double *dst,
                            peli_team_fn fn, const char *what)
{
    if (!ctx) return PEL_EINVAL;
    REQUIRE_GRID(ctx, g, "the grid");
    PEL_REQUIRE(ctx, src && dst, "sphere: %s: %s is NULL", what, src ? "the output" : "the input");
    rows_arg a = {g, src, dst};
    peli_parallel(ctx, g->ny, 0, 0, fn, &a);
    return PEL_OK;
}

pel_status pel_sphere_zonal_mean(pel_context *ctx, const pel_sphere *g, const double *f, double *zonal)
{
    return rows_call(ctx, g, f, zonal, zonal_rows, "zonal mean");
}

pel_status pel_sphere_pack(pel_context *ctx, const pel_sphere *g, const double *f, double *out)
{
    return rows_call(ctx, g, f, out, pack_rows, "pack");
}

pel_status pel_sphere_unpack(pel_context *ctx, const pel_sphere *g, const double *in, double *f)
{
    return rows_call(ctx, g, in, f, unpack_rows, "unpack");
}

/* ---- mapping between a grid and its refinement ------------------------------------- */

typedef struct map_arg {
    const pel_sphere *c, *f;
    size_t r;
    const double *src;
    double *dst;
} map_arg;

/* Coarse bands [b, e): each coarse cell is the sum of its r x r fine cells,
 * fine band by fine band (south to north), west to east inside a band,
 * divided by r^2. */
static void coarse_rows(int t, int nt, void *arg)
{
    const map_arg *a = arg;
    const size_t r = a->r, cs = a->c->stride, fs = a->f->stride, nx = a->c->nx;
    const double area = (double)r * (double)r;
    size_t b, e;
    pel_static_range(a->c->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        double *out = a->dst + (j + 1) * cs + 1;
        for (size_t i = 0; i < nx; i++) {
            double acc = 0.0;
            for (size_t bb = 0; bb < r; bb++) {
                const double *in = a->src + (r * j + bb + 1) * fs + 1 + r * i;
                for (size_t aa = 0; aa < r; aa++) acc += in[aa];
            }
            out[i] = acc / area;
        }
    }
}

/* Fine bands [b, e): each takes the value of its coarse cell. */
static void fine_rows(int t, int nt, void *arg)
{
    const map_arg *a = arg;
    const size_t r = a->r, cs = a->c->stride, fs = a->f->stride, nx = a->f->nx;
    size_t b, e;
    pel_static_range(a->f->ny, t, nt, &b, &e);
    for (size_t j = b; j < e; j++) {
        const double *in = a->src + (j / r + 1) * cs + 1;
        double *out = a->dst + (j + 1) * fs + 1;
        for (size_t i = 0; i < nx; i++) out[i] = in[i / r];
    }
}

static pel_status map_check(pel_context *ctx, const pel_sphere *c, const pel_sphere *f, const void *src,
                            const void *dst, size_t *r)
{
    if (!ctx) return PEL_EINVAL;
    REQUIRE_GRID(ctx, c, "the coarse grid");
    REQUIRE_GRID(ctx, f, "the fine grid");
    PEL_REQUIRE(ctx, src && dst, "sphere: mapping: %s field is NULL", src ? "the output" : "the input");
    PEL_REQUIRE(ctx, f->ny % c->ny == 0,
                "sphere: mapping: the fine grid's %zu bands are not an integer multiple of the coarse grid's %zu",
                f->ny, c->ny);
    *r = f->ny / c->ny;
    return PEL_OK;
}

pel_status pel_sphere_to_coarse(pel_context *ctx, const pel_sphere *fine, const double *ffine,
                                const pel_sphere *coarse, double *fcoarse)
{
    size_t r = 0;
    pel_status st = map_check(ctx, coarse, fine, ffine, fcoarse, &r);
    if (st) return st;
    map_arg a = {coarse, fine, r, ffine, fcoarse};
    peli_parallel(ctx, coarse->ny, 0, 0, coarse_rows, &a);
    return PEL_OK;
}

pel_status pel_sphere_to_fine(pel_context *ctx, const pel_sphere *coarse, const double *fcoarse,
                              const pel_sphere *fine, double *ffine)
{
    size_t r = 0;
    pel_status st = map_check(ctx, coarse, fine, fcoarse, ffine, &r);
    if (st) return st;
    map_arg a = {coarse, fine, r, fcoarse, ffine};
    peli_parallel(ctx, fine->ny, 0, 0, fine_rows, &a);
    return PEL_OK;
}
