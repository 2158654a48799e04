/* FTCS heat diffusion over caller-owned arrays (include/pel/stencil.h).
 *
 * Layout: a sweep runs over rows of the last (fastest) index: n[0] rows in
 * 2D, n[0]*n[1] rows in 3D, split with schedule(static).  Periodic neighbours
 * are found by wrapping row pointers for the outer dimensions and by peeling
 * the first and last point of each row, so no halo is ever copied.
 *
 * Determinism: every point, whichever loop computes it (peeled, scalar or
 * vector), evaluates the same expression (HEAT2/HEAT3) in the same order,
 * and a row is always computed whole by one thread, so the result does not
 * depend on the thread count, the array alignment or the instruction set.
 * Contraction of a*b + c into an FMA would round differently in different
 * loops, so it is off for this file (it costs nothing: the sweep is bound
 * by memory bandwidth). */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal/stencil.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* u' = u + sum_d r_d ((u[-1] - 2u) + u[+1])_d, dimension 0 first.  The one
 * expression for every point, on doubles and on vectors of doubles alike. */
#define HEAT2(c, m0, p0, m1, p1, r0, r1, two)                                                 \
    ((c) + (r0) * (((m0) - (two) * (c)) + (p0)) + (r1) * (((m1) - (two) * (c)) + (p1)))
#define HEAT3(c, m0, p0, m1, p1, m2, p2, r0, r1, r2, two)                                     \
    ((c) + (r0) * (((m0) - (two) * (c)) + (p0)) + (r1) * (((m1) - (two) * (c)) + (p1)) +     \
     (r2) * (((m2) - (two) * (c)) + (p2)))

/* The neighbourhood of one row: c the row itself, m0/p0 the rows before and
 * after it along dimension 0, m1/p1 along dimension 1 (3D only). */
typedef struct rowargs {
    const double *c, *m0, *p0, *m1, *p1;
    double r0, r1, r2;
    size_t len;
    int periodic;
} rowargs;

typedef void row_fn(double *restrict out, const rowargs *a, int stream);

/* ---- non-temporal stores ----------------------------------------------------
 * A plain store first reads the line it writes (write-allocate): 24 bytes of
 * traffic per point instead of 16.  Streaming stores skip that read, for
 * fields too large to stay in cache. */
#define LINE_BYTES 64
#define LINE_PTS (LINE_BYTES / (int)sizeof(double))

#ifndef PELI_HEAT_STREAM_BYTES /* both fields together; see docs/stencil.md */
#define PELI_HEAT_STREAM_BYTES ((size_t)64 << 20)
#endif

/* ---- the row kernels, once per instruction set --------------------------------
 * With GCC on x86-64 one library carries SSE2, AVX and AVX-512 copies and
 * picks one at run time (the widest the CPU has): the sweep is limited by
 * how many loads and flops per cycle overlap with its memory traffic, and a
 * portable -O3 build would otherwise run at SSE2 width. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define NAME(f) f##_sse2
#define VEC __m128d
#define VLEN 2
#define VLOAD _mm_loadu_pd
#define VSTREAM _mm_stream_pd
#define VSET1 _mm_set1_pd
#include "ftcs_rows.h"

#pragma GCC push_options
#pragma GCC target("avx")
#define NAME(f) f##_avx
#define VEC __m256d
#define VLEN 4
#define VLOAD _mm256_loadu_pd
#define VSTREAM _mm256_stream_pd
#define VSET1 _mm256_set1_pd
#include "ftcs_rows.h"
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#define NAME(f) f##_avx512
#define VEC __m512d
#define VLEN 8
#define VLOAD _mm512_loadu_pd
#define VSTREAM _mm512_stream_pd
#define VSET1 _mm512_set1_pd
#include "ftcs_rows.h"
#pragma GCC pop_options

static int best_isa(void)
{
#ifdef PELI_HEAT_ISA /* for measurements */
    return PELI_HEAT_ISA;
#endif
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx") ? 1 : 0;
}

static row_fn *pick_row(int dim, int isa)
{
    switch (isa) {
    case 2: return dim == 2 ? row2_avx512 : row3_avx512;
    case 1: return dim == 2 ? row2_avx : row3_avx;
    default: return dim == 2 ? row2_sse2 : row3_sse2;
    }
}

static inline void store_fence(int stream)
{
    if (stream) _mm_sfence(); /* streamed lines visible to all before the barrier */
}

#else /* one instance for whatever the compiler targets */
#define NAME(f) f##_any
#if defined(__SSE2__)
#include <emmintrin.h>
#define VEC __m128d
#define VLEN 2
#define VLOAD _mm_loadu_pd
#define VSTREAM _mm_stream_pd
#define VSET1 _mm_set1_pd
#define HAVE_STREAM 1
#endif
#include "ftcs_rows.h"

static int best_isa(void) { return 0; }
static row_fn *pick_row(int dim, int isa) { return (void)isa, dim == 2 ? row2_any : row3_any; }
#ifdef HAVE_STREAM
static inline void store_fence(int stream)
{
    if (stream) _mm_sfence();
}
#else
static inline void store_fence(int stream) { (void)stream; }
#endif
#endif

static inline size_t wrap_down(size_t i, size_t n) { return i == 0 ? n - 1 : i - 1; }
static inline size_t wrap_up(size_t i, size_t n) { return i == n - 1 ? 0 : i + 1; }

/* One step u -> v, work-shared over rows by the calling team (no barrier).
 * Dirichlet boundary rows are copied; the others go to the row kernel with
 * their neighbour rows, wrapped when periodic. */
static void sweep(const peli_heat_grid *g, const double *u, double *v)
{
    const size_t n0 = g->n[0], n1 = g->n[1], len = g->rowlen, nrows = g->nrows;
    const int periodic = g->periodic, stream = g->stream, dim = g->dim;
    row_fn *row = pick_row(dim, g->isa);
    rowargs a = {.r0 = g->r[0], .r1 = g->r[1], .r2 = g->r[2], .len = len, .periodic = periodic};
#pragma omp for schedule(static) nowait
    for (size_t q = 0; q < nrows; q++) {
        size_t i = dim == 2 ? q : q / n1, j = q - i * n1; /* row q is (i) or (i, j) */
        int edge = i == 0 || i == n0 - 1 || (dim == 3 && (j == 0 || j == n1 - 1));
        if (!periodic && edge) {
            memcpy(v + q * len, u + q * len, len * sizeof *v);
            continue;
        }
        size_t rows_m0 = dim == 2 ? wrap_down(i, n0) : wrap_down(i, n0) * n1 + j;
        size_t rows_p0 = dim == 2 ? wrap_up(i, n0) : wrap_up(i, n0) * n1 + j;
        a.c = u + q * len;
        a.m0 = u + rows_m0 * len;
        a.p0 = u + rows_p0 * len;
        if (dim == 3) {
            a.m1 = u + (i * n1 + wrap_down(j, n1)) * len;
            a.p1 = u + (i * n1 + wrap_up(j, n1)) * len;
        }
        row(v + q * len, &a, stream);
    }
    store_fence(stream);
}

double *peli_heat_run(const peli_heat_grid *g, double *a, double *b, long nsteps,
                      int copy_back)
{
    const size_t nrows = g->nrows, len = g->rowlen;
    if (nsteps <= 0) return a;
#pragma omp parallel num_threads(g->nthreads) default(none) \
    shared(g, a, b, nsteps, copy_back, nrows, len)
    {
        for (long s = 0; s < nsteps; s++) {
            sweep(g, s % 2 ? b : a, s % 2 ? a : b);
#pragma omp barrier
        }
        if (copy_back && nsteps % 2) {
#pragma omp for schedule(static)
            for (size_t i = 0; i < nrows; i++) memcpy(a + i * len, b + i * len, len * sizeof *a);
        }
    }
    return (nsteps % 2 && !copy_back) ? b : a;
}

void peli_heat_grid_init(peli_heat_grid *g, pel_context *ctx, int dim, const size_t n[],
                         const double r[], pel_bc bc)
{
    memset(g, 0, sizeof *g);
    g->dim = dim;
    g->points = 1;
    for (int d = 0; d < dim; d++) {
        g->n[d] = n[d];
        g->r[d] = r[d];
        g->points *= n[d];
    }
    g->periodic = bc == PEL_BC_PERIODIC;
    g->rowlen = n[dim - 1];
    g->nrows = g->points / g->rowlen;
    g->nthreads = pel_team_size(ctx, g->nrows);
    g->stream = 2 * g->points * sizeof(double) >= PELI_HEAT_STREAM_BYTES;
    g->isa = best_isa();
}

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

static pel_status check_grid(pel_context *ctx, int dim, const size_t n[], const double r[],
                             pel_bc bc)
{
    PEL_REQUIRE(ctx, dim == 2 || dim == 3, "heat: dim = %d: must be 2 or 3", dim);
    PEL_REQUIRE(ctx, n, "heat: n is NULL");
    PEL_REQUIRE(ctx, r, "heat: r is NULL");
    size_t points = 1;
    for (int d = 0; d < dim; d++) {
        PEL_REQUIRE(ctx, n[d] >= 3, "heat: n[%d] = %zu: must be at least 3", d, n[d]);
        PEL_REQUIRE(ctx, points <= SIZE_MAX / sizeof(double) / n[d],
                    "heat: n[%d] = %zu: the grid has more points than memory can address", d,
                    n[d]);
        points *= n[d];
        PEL_REQUIRE(ctx, isfinite(r[d]) && r[d] >= 0,
                    "heat: r[%d] = %g: must be finite and non-negative", d, r[d]);
    }
    PEL_REQUIRE(ctx, bc == PEL_BC_DIRICHLET || bc == PEL_BC_PERIODIC,
                "heat: bc = %d: must be PEL_BC_DIRICHLET or PEL_BC_PERIODIC", (int)bc);
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
    peli_heat_grid_init(&g, ctx, dim, n, r, bc);
    peli_heat_run(&g, (double *)u, unew, 1, 0); /* one step only reads u */
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
    peli_heat_grid_init(&g, ctx, dim, n, r, bc);
    peli_heat_run(&g, u, work, nsteps, 1);
    return PEL_OK;
}
