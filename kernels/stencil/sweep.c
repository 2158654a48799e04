/* The FTCS sweeps behind pel_heat_ftcs_run and pel_heat_step.
 *
 * Rows: the grid is nrows rows of the last (fastest) index, n[0] rows in 2D
 * and n[0]*n[1] in 3D, split into one contiguous run per thread (the
 * schedule(static) partition, also used for first touch).  Row v's
 * neighbours along dimension 0 are rows v -+ S (S = 1 in 2D, n[1] in 3D),
 * along dimension 1 (3D) rows v -+ 1 within the plane; periodic indices
 * wrap, and the first and last point of a row are peeled, so no halo is
 * ever copied.
 *
 * Two ways to advance:
 *  - one step, u -> v, every row once (streaming stores for large fields);
 *  - two steps fused, in place: each thread computes the intermediate step
 *    a few rows ahead into a small ring of rows kept in cache (carved from
 *    the work array) and writes the second step straight back over u.  The
 *    field crosses the memory bus once per two steps instead of twice.
 *    The rows a thread's neighbours need are computed before a barrier, so
 *    nobody reads a row after it has been overwritten.
 *
 * Determinism: every point, whichever loop computes it (peeled, scalar or
 * vector, fused or not), evaluates the same expression (HEAT2/HEAT3) in the
 * same order, so results do not depend on the thread count, the alignment,
 * the instruction set or the path.  Contraction of a*b + c into an FMA would
 * round differently in different loops, so it is off for this file (free:
 * the sweep is bound by memory traffic). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <omp.h>

#include "internal/stencil.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* u' = u + sum_d r_d ((u[-1] - 2u) + u[+1])_d, dimension 0 first: the one
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

/* Software prefetch of the row after (p0), this many points ahead: the
 * hardware prefetchers alone leave the core waiting on that stream. */
#define PREFETCH_AHEAD 256

/* ---- the row kernels, once per instruction set --------------------------------
 * With GCC on x86-64 the library carries an SSE2 and an AVX copy and picks
 * one at run time; a portable build would otherwise compute at SSE2 width.
 * (AVX-512 measured no faster than AVX: see docs/stencil.md.)  Other
 * compilers get one plain copy. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

/* A streaming store of one double: scalar points of a streamed row stream
 * too, since a line written partly by plain stores flushes in pieces. */
static inline void stream1(double *p, double x)
{
    long long bits;
    memcpy(&bits, &x, sizeof bits);
    _mm_stream_si64((long long *)p, bits);
}
#define PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)

#define NAME(f) f##_sse2
#define VEC __m128d
#define VLEN 2
#define VLOAD _mm_loadu_pd
#define VSTORE _mm_storeu_pd
#define VSTREAM _mm_stream_pd
#define VSET1 _mm_set1_pd
#include "ftcs_rows.h"

#pragma GCC push_options
#pragma GCC target("avx")
#define NAME(f) f##_avx
#define VEC __m256d
#define VLEN 4
#define VLOAD _mm256_loadu_pd
#define VSTORE _mm256_storeu_pd
#define VSTREAM _mm256_stream_pd
#define VSET1 _mm256_set1_pd
#include "ftcs_rows.h"
#pragma GCC pop_options

static int best_isa(void)
{
#ifdef PELI_HEAT_ISA /* for measurements */
    return PELI_HEAT_ISA;
#endif
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") ? 1 : 0;
}

static row_fn *pick_row(int dim, int isa)
{
    if (isa == 1) return dim == 2 ? row2_avx : row3_avx;
    return dim == 2 ? row2_sse2 : row3_sse2;
}

static inline void store_fence(int stream)
{
    if (stream) _mm_sfence(); /* streamed lines visible to all before the barrier */
}

#else
#define NAME(f) f##_any
#include "ftcs_rows.h"

static int best_isa(void) { return 0; }
static row_fn *pick_row(int dim, int isa) { return (void)isa, dim == 2 ? row2_any : row3_any; }
static inline void store_fence(int stream) { (void)stream; }
#endif

/* Streaming pays off once both fields overflow the caches several times. */
#ifndef PELI_HEAT_STREAM_BYTES
#define PELI_HEAT_STREAM_BYTES ((size_t)64 << 20)
#endif

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
    g->stride = dim == 2 ? 1 : n[1];
    g->nthreads = pel_team_size(ctx, g->nrows);
    g->stream = 2 * g->points * sizeof(double) >= PELI_HEAT_STREAM_BYTES;
    g->isa = best_isa();
}

/* ---- rows and where they live ------------------------------------------------------ */

void peli_heat_rows(size_t nrows, int t, int nt, size_t *begin, size_t *end)
{
    /* schedule(static) as libgomp splits it: the first nrows % nt threads
     * take one row more */
    size_t q = nrows / (size_t)nt, rem = nrows % (size_t)nt, ut = (size_t)t;
    *begin = ut * q + (ut < rem ? ut : rem);
    *end = *begin + q + (ut < rem);
}

/* Where the rows of a field are: a whole array (base), or, for the
 * intermediate step of a fused pair, a ring of ring_rows rows plus a tail
 * of rows from tail_first on.  Row indices v may run up to one grid past
 * either end (periodic wrap).  Ring slots are found from the slot of a
 * current row `centre`, to which every lookup is within S rows: no division. */
typedef struct field {
    const double *base;
    double *ring, *tail;
    ptrdiff_t tail_first, ring_rows, centre, centre_slot;
} field;

static inline double *row_at(const peli_heat_grid *g, const field *f, ptrdiff_t v)
{
    const ptrdiff_t nrows = (ptrdiff_t)g->nrows, len = (ptrdiff_t)g->rowlen;
    if (f->base) {
        if (v < 0) v += nrows;
        else if (v >= nrows) v -= nrows;
        return (double *)f->base + v * len; /* the caller only reads a base field */
    }
    if (v >= f->tail_first) return f->tail + (v - f->tail_first) * len;
    ptrdiff_t slot = f->centre_slot + (v - f->centre);
    if (slot < 0) slot += f->ring_rows;
    else if (slot >= f->ring_rows) slot -= f->ring_rows;
    return f->ring + slot * len;
}

/* (i, j) of row q: i the index along dimension 0, j along dimension 1 (3D). */
static inline void row_coords(const peli_heat_grid *g, size_t q, size_t *i, size_t *j)
{
    *i = g->dim == 2 ? q : q / g->n[1];
    *j = g->dim == 2 ? 0 : q - *i * g->n[1];
}

static inline int boundary_row(const peli_heat_grid *g, size_t i, size_t j)
{
    return !g->periodic &&
           (i == 0 || i == g->n[0] - 1 || (g->dim == 3 && (j == 0 || j == g->n[1] - 1)));
}

/* Row v (at grid coordinates i, j) of the step after `src`, into out.  A
 * Dirichlet boundary row is copied. */
static inline void update_row(const peli_heat_grid *g, row_fn *row, const field *src,
                              ptrdiff_t v, size_t i, size_t j, double *out, int stream)
{
    const ptrdiff_t S = (ptrdiff_t)g->stride, n1 = (ptrdiff_t)g->n[1];
    if (boundary_row(g, i, j)) {
        memcpy(out, row_at(g, src, v), g->rowlen * sizeof *out);
        return;
    }
    rowargs a = {.r0 = g->r[0], .r1 = g->r[1], .r2 = g->r[2], .len = g->rowlen,
                 .periodic = g->periodic};
    a.c = row_at(g, src, v);
    a.m0 = row_at(g, src, v - S);
    a.p0 = row_at(g, src, v + S);
    if (g->dim == 3) { /* j wraps within the plane */
        a.m1 = row_at(g, src, j == 0 ? v + n1 - 1 : v - 1);
        a.p1 = row_at(g, src, j == (size_t)n1 - 1 ? v - (n1 - 1) : v + 1);
    }
    row(out, &a, stream);
}

/* ---- one step --------------------------------------------------------------------- */

/* Rows [b, e) of the step u -> v; no barrier. */
static void sweep(const peli_heat_grid *g, row_fn *row, const double *u, double *v, size_t b,
                  size_t e)
{
    const field src = {.base = u};
    size_t i, j;
    row_coords(g, b, &i, &j);
    for (size_t q = b; q < e; q++) {
        update_row(g, row, &src, (ptrdiff_t)q, i, j, v + q * g->rowlen, g->stream);
        if (g->dim == 2 || ++j == g->n[1]) j = 0, i++;
    }
    store_fence(g->stream);
}

/* ---- two steps fused ------------------------------------------------------------------ */

/* Rows of work a thread needs for a fused pair: a ring of 2S + 1 rows of the
 * intermediate step, and a tail of 2S rows. */
static size_t fused_rows(const peli_heat_grid *g) { return 4 * g->stride + 1; }

/* The intermediate step's row v from u, into out (nothing outside a
 * Dirichlet grid, where no row needs it). */
static void intermediate(const peli_heat_grid *g, row_fn *row, const double *u, ptrdiff_t v,
                         double *out)
{
    const ptrdiff_t nrows = (ptrdiff_t)g->nrows;
    if (!g->periodic && (v < 0 || v >= nrows)) return;
    const field src = {.base = u};
    size_t i, j;
    row_coords(g, (size_t)(v < 0 ? v + nrows : v >= nrows ? v - nrows : v), &i, &j);
    update_row(g, row, &src, v, i, j, out, 0);
}

/* Thread's rows [b, e) advance two steps in place.  Phase 1 (before the
 * barrier) computes every intermediate row that depends on other threads'
 * rows: [b - S, b + S) into the ring, [e - S, e + S) into the tail.  Phase 2
 * computes intermediate row q + S from u, then the final row q over u's row
 * q, whose old values no later intermediate row needs. */
static void fused_pair(const peli_heat_grid *g, row_fn *row, double *u, double *work, size_t b,
                       size_t e)
{
    const ptrdiff_t S = (ptrdiff_t)g->stride, pb = (ptrdiff_t)b, pe = (ptrdiff_t)e;
    const size_t len = g->rowlen;
    field mid = {.ring = work + b * len, .ring_rows = 2 * S + 1, .tail_first = pe - S,
                 .centre = pb - S, .centre_slot = 0};
    mid.tail = mid.ring + (size_t)mid.ring_rows * len;

    for (ptrdiff_t v = pb - S; v < pb + S; v++) intermediate(g, row, u, v, row_at(g, &mid, v));
    for (ptrdiff_t v = pe - S; v < pe + S; v++) intermediate(g, row, u, v, row_at(g, &mid, v));
#pragma omp barrier
    const field src = {.base = u};
    mid.centre = pb, mid.centre_slot = S;
    size_t i, j, iv, jv; /* coordinates of rows q and q + S */
    row_coords(g, b, &i, &j);
    row_coords(g, b + g->stride, &iv, &jv);
    for (size_t q = b; q < e; q++) {
        ptrdiff_t v = (ptrdiff_t)q + S;
        if (v < pe - S) update_row(g, row, &src, v, iv, jv, row_at(g, &mid, v), 0);
        if (!boundary_row(g, i, j)) update_row(g, row, &mid, (ptrdiff_t)q, i, j, u + q * len, 0);
        if (++mid.centre_slot == mid.ring_rows) mid.centre_slot = 0;
        mid.centre++;
        if (g->dim == 2 || ++j == g->n[1]) j = 0, i++;
        if (g->dim == 2 || ++jv == g->n[1]) jv = 0, iv++;
    }
}

/* ---- the parallel region ---------------------------------------------------------------- */

double *peli_heat_run(const peli_heat_grid *g, double *a, double *b, long nsteps,
                      int copy_back)
{
    if (nsteps <= 0) return a;
    const int nt = g->nthreads;
    /* fuse pairs of steps when every thread's rows can hold the ring and tail */
    long pairs = g->nrows / (size_t)nt >= fused_rows(g) ? nsteps / 2 : 0;
#ifdef PELI_HEAT_NO_FUSE /* for measurements */
    pairs = 0;
#endif
    const long singles = nsteps - 2 * pairs;
    row_fn *row = pick_row(g->dim, g->isa);
#pragma omp parallel num_threads(nt) default(none) shared(g, a, b, pairs, singles, copy_back, row)
    {
        size_t rb, re;
        peli_heat_rows(g->nrows, omp_get_thread_num(), omp_get_num_threads(), &rb, &re);
        for (long s = 0; s < pairs; s++) {
            fused_pair(g, row, a, b, rb, re);
#pragma omp barrier
        }
        for (long s = 0; s < singles; s++) {
            sweep(g, row, s % 2 ? b : a, s % 2 ? a : b, rb, re);
#pragma omp barrier
        }
        if (copy_back && singles % 2)
            memcpy(a + rb * g->rowlen, b + rb * g->rowlen, (re - rb) * g->rowlen * sizeof *a);
    }
    return (singles % 2 && !copy_back) ? b : a;
}
