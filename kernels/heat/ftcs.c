/* FTCS heat diffusion over caller-owned arrays (include/pel/heat.h): the
 * argument checks and the public entry points.  The sweeps themselves are
 * in sweep.c and fused.c. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal/heat.h"

/* ---- argument checks ---------------------------------------------------------- */

/* 3 significant digits, rounded down: a suggestion that is itself stable. */
static double round_down3(double x)
{
    if (!(x > 0) || !isfinite(x)) return x;
    double scale = pow(10.0, floor(log10(x)) - 2);
    return floor(x / scale) * scale;
}

pel_status peli_heat_check_stability(pel_context *ctx, int dim, const double r[], double dt,
                                     double dt_max)
{
    double sum = 0.0;
    int uniform = 1;
    for (int d = 0; d < dim; d++) {
        sum += r[d];
        uniform = uniform && r[d] == r[0];
    }
    if (sum <= PEL_HEAT_STABILITY_SUM) return PEL_OK;
    char what[96], use[64] = "";
    int k = dt > 0 ? snprintf(what, sizeof what, "dt = %g gives ", dt) : 0;
    if (dt > 0) snprintf(use, sizeof use, "; use dt <= %.3g", round_down3(dt_max));
    if (uniform)
        snprintf(what + k, sizeof what - (size_t)k, "r = %.3g > 1/%d, the %dD FTCS stability limit",
                 r[0], 2 * dim, dim); /* PEL_HEAT_STABILITY_SUM / dim */
    else
        snprintf(what + k, sizeof what - (size_t)k,
                 "sum of r_d = %.3g > 1/2, the FTCS stability limit", sum);
    return pel_error(ctx, PEL_EUNSTABLE, "heat: %s (%s)%s", what,
                     dt > 0 ? (uniform ? "alpha*dt/h^2" : "sum of alpha*dt/h_d^2")
                            : (uniform ? "r = alpha*dt/h^2" : "r_d = alpha*dt/h_d^2"),
                     use);
}

pel_status peli_heat_check_grid(pel_context *ctx, int dim, const size_t n[], pel_bc bc)
{
    PEL_REQUIRE(ctx, dim == 2 || dim == 3, "heat: dim = %d: must be 2 or 3", dim);
    PEL_REQUIRE(ctx, n, "heat: n is NULL");
    size_t points = 1;
    for (int d = 0; d < dim; d++) {
        PEL_REQUIRE(ctx, n[d] >= 3, "heat: n[%d] = %zu: must be at least 3", d, n[d]);
        PEL_REQUIRE(ctx, points <= SIZE_MAX / sizeof(double) / n[d],
                    "heat: n[%d] = %zu: the grid has more points than memory can address", d,
                    n[d]);
        points *= n[d];
    }
    PEL_REQUIRE(ctx, bc == PEL_BC_DIRICHLET || bc == PEL_BC_PERIODIC,
                "heat: bc = %d: must be PEL_BC_DIRICHLET or PEL_BC_PERIODIC", (int)bc);
    return PEL_OK;
}

static pel_status check_grid(pel_context *ctx, int dim, const size_t n[], const double r[],
                             pel_bc bc)
{
    pel_status s = peli_heat_check_grid(ctx, dim, n, bc);
    if (s != PEL_OK) return s;
    PEL_REQUIRE(ctx, r, "heat: r is NULL");
    for (int d = 0; d < dim; d++)
        PEL_REQUIRE(ctx, isfinite(r[d]) && r[d] >= 0,
                    "heat: r[%d] = %g: must be finite and non-negative", d, r[d]);
    return peli_heat_check_stability(ctx, dim, r, 0.0, 0.0);
}

/* Distinct, non-overlapping arrays of `points` doubles. */
static pel_status check_arrays(pel_context *ctx, const double *a, const char *an,
                               const double *b, const char *bn, size_t points)
{
    PEL_REQUIRE(ctx, a, "heat: %s is NULL", an);
    PEL_REQUIRE(ctx, b, "heat: %s is NULL", bn);
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b, bytes = points * sizeof(double);
    PEL_REQUIRE(ctx, pa + bytes <= pb || pb + bytes <= pa, "heat: %s and %s overlap", an, bn);
    return PEL_OK;
}

static size_t points_of(int dim, const size_t n[])
{
    size_t p = 1;
    for (int d = 0; d < dim; d++) p *= n[d];
    return p;
}

pel_status pel_heat_ftcs_step(pel_context *ctx, int dim, const size_t n[], const double r[],
                              pel_bc bc, const double *u, double *unew)
{
    if (!ctx) return PEL_EINVAL;
    pel_status s = check_grid(ctx, dim, n, r, bc);
    if (s == PEL_OK) s = check_arrays(ctx, u, "u", unew, "unew", points_of(dim, n));
    if (s != PEL_OK) return s;
    peli_heat_grid g;
    peli_heat_grid_init(&g, dim, n, r, bc);
    peli_heat_run(ctx, &g, (double *)u, unew, 1, 0); /* one step only reads u */
    return PEL_OK;
}

pel_status pel_heat_ftcs_run(pel_context *ctx, int dim, const size_t n[], const double r[],
                             pel_bc bc, double *u, double *work, long nsteps)
{
    if (!ctx) return PEL_EINVAL;
    pel_status s = check_grid(ctx, dim, n, r, bc);
    if (s == PEL_OK) s = check_arrays(ctx, u, "u", work, "work", points_of(dim, n));
    if (s != PEL_OK) return s;
    PEL_REQUIRE(ctx, nsteps >= 0, "heat: nsteps = %ld: must be non-negative", nsteps);
    peli_heat_grid g;
    peli_heat_grid_init(&g, dim, n, r, bc);
    peli_heat_run(ctx, &g, u, work, nsteps, 1);
    return PEL_OK;
}
