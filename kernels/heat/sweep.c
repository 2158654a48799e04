/* The FTCS sweeps behind pel_heat_ftcs_run and pel_heat_step.
 *
 * Rows: the grid is nrows rows of the last (fastest) index, n[0] rows in 2D
 * and n[0]*n[1] in 3D, split into one contiguous run per thread (the
 * schedule(static) partition, also used for first touch).  Row v's
 * neighbours along dimension 0 are rows v -+ S (S = 1 in 2D, n[1] in 3D),
 * along dimension 1 (3D) rows v -+ 1 within the plane; periodic indices
 * wrap, and the first and last point of a row are peeled, so no halo is
 * ever copied for a single step.
 *
 * Two ways to advance:
 *  - k steps fused in place (fused.c), the field crossing the memory bus
 *    once per k steps: every pass while the depth allows it;
 *  - one step, u -> v, every row once (streaming stores for large fields):
 *    a single step, a step the passes leave over, and grids too small for
 *    each thread to hold a pass's scratch.
 *
 * Determinism: every point, whichever loop computes it (peeled, scalar or
 * vector, fused or not), evaluates the same expression (HEAT2/HEAT3) in the
 * same order, so results do not depend on the thread count, the alignment,
 * the instruction set or the path.  Contraction of a*b + c into an FMA would
 * round differently in different loops, so PEL is built without it
 * (-ffp-contract=off, configure.ac). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pel/cpu.h>

#include "internal/heat.h"


/* u' = u + sum_d r_d ((u[-1] - 2u) + u[+1])_d, dimension 0 first: the one
 * expression for every point, on doubles and on vectors of doubles alike. */
#define HEAT2(c, m0, p0, m1, p1, r0, r1, two)                                                 \
    ((c) + (r0) * (((m0) - (two) * (c)) + (p0)) + (r1) * (((m1) - (two) * (c)) + (p1)))
#define HEAT3(c, m0, p0, m1, p1, m2, p2, r0, r1, r2, two)                                     \
    ((c) + (r0) * (((m0) - (two) * (c)) + (p0)) + (r1) * (((m1) - (two) * (c)) + (p1)) +     \
     (r2) * (((m2) - (two) * (c)) + (p2)))

typedef peli_heat_rowargs rowargs;
typedef peli_heat_row_fn row_fn;

/* Software prefetch of the row after (p0), this many points ahead: the
 * hardware prefetchers alone leave the core waiting on that stream. */
#define PREFETCH_AHEAD 256

/* ---- the row kernels, once per instruction set --------------------------------
 * With GCC on x86-64 the library carries an SSE2, an AVX and an AVX-512
 * copy and picks one when a grid is set up, from pel_cpu_isa() (pel/cpu.h,
 * which PEL_ISA=scalar|avx2|avx512 caps); a portable build would otherwise
 * compute at SSE2 width.  AVX-512 measured faster in 2D and slower in 3D
 * than AVX (docs/heat.md), so 3D grids use the AVX copy.  Other compilers
 * get one plain copy. */
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
#define VHIDE(x) __asm__("" : "+x"(x))
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
#define VHIDE(x) __asm__("" : "+x"(x))
#include "ftcs_rows.h"
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#define NAME(f) f##_avx512
#define VEC __m512d
#define VLEN 8
#define VLOAD _mm512_loadu_pd
#define VSTORE _mm512_storeu_pd
#define VSTREAM _mm512_stream_pd
#define VSET1 _mm512_set1_pd
#define VHIDE(x) __asm__("" : "+v"(x))
#define VALIGNR(hi, lo, n)                                                                    \
    _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(hi), _mm512_castpd_si512(lo), n))
#include "ftcs_rows.h"
#pragma GCC pop_options

/* 0 SSE2, 1 AVX, 2 AVX-512 (2D only) */
static int best_isa(int dim)
{
    switch (pel_cpu_isa()) {
    case PEL_ISA_AVX512: return dim == 2 ? 2 : 1;
    case PEL_ISA_AVX2: return 1;
    case PEL_ISA_SCALAR: break;
    }
    return 0;
}

static row_fn *pick_row(int dim, int isa)
{
    if (isa == 2) return dim == 2 ? row2_avx512 : row3_avx512;
    if (isa == 1) return dim == 2 ? row2_avx : row3_avx;
    return dim == 2 ? row2_sse2 : row3_sse2;
}

static inline void store_fence(int stream)
{
    if (stream) _mm_sfence(); /* streamed lines visible to all before the phase ends */
}

#else
#define NAME(f) f##_any
#include "ftcs_rows.h"

static int best_isa(int dim) { return (void)dim, 0; }
static row_fn *pick_row(int dim, int isa) { return (void)isa, dim == 2 ? row2_any : row3_any; }
static inline void store_fence(int stream) { (void)stream; }
#endif

/* Streaming pays off once both fields overflow the caches several times. */
#ifndef PELI_HEAT_STREAM_BYTES
#define PELI_HEAT_STREAM_BYTES ((size_t)64 << 20)
#endif

void peli_heat_grid_init(peli_heat_grid *g, int dim, const size_t n[], const double r[],
                         pel_bc bc)
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
    g->stream = 2 * g->points * sizeof(double) >= PELI_HEAT_STREAM_BYTES;
    g->isa = best_isa(dim);
}

peli_heat_row_fn *peli_heat_row_kernel(const peli_heat_grid *g) { return pick_row(g->dim, g->isa); }

/* ---- rows and where they live ------------------------------------------------------ */

/* Row v of field u, v up to one grid past either end (periodic wrap). */
static inline const double *row_at(const peli_heat_grid *g, const double *u, ptrdiff_t v)
{
    const ptrdiff_t nrows = (ptrdiff_t)g->nrows;
    if (v < 0) v += nrows;
    else if (v >= nrows) v -= nrows;
    return u + v * (ptrdiff_t)g->rowlen;
}

/* (i, j) of row q: i the index along dimension 0, j along dimension 1 (3D). */
static inline void row_coords(const peli_heat_grid *g, size_t q, size_t *i, size_t *j)
{
    *i = g->dim == 2 ? q : q / g->n[1];
    *j = g->dim == 2 ? 0 : q - *i * g->n[1];
}

/* Row v (at grid coordinates i, j) of the step after `src`, into out.  A
 * Dirichlet boundary row is copied. */
static inline void update_row(const peli_heat_grid *g, row_fn *row, const double *src,
                              ptrdiff_t v, size_t i, size_t j, double *out, int stream)
{
    const ptrdiff_t S = (ptrdiff_t)g->stride;
    if (peli_heat_boundary_row(g, (ptrdiff_t)i, (ptrdiff_t)j)) {
        memcpy(out, row_at(g, src, v), g->rowlen * sizeof *out);
        return;
    }
    rowargs a = peli_heat_args(g);
    a.c = row_at(g, src, v);
    a.m0 = row_at(g, src, v - S);
    a.p0 = row_at(g, src, v + S);
    if (g->dim == 3) {
        a.m1 = row_at(g, src, v + peli_heat_dim1_before(g, (ptrdiff_t)j));
        a.p1 = row_at(g, src, v + peli_heat_dim1_after(g, (ptrdiff_t)j));
    }
    row(out, &a, stream);
}

/* ---- one step --------------------------------------------------------------------- */

/* Rows [b, e) of the step u -> v; no barrier. */
static void sweep(const peli_heat_grid *g, row_fn *row, const double *u, double *v, size_t b,
                  size_t e)
{
    size_t i, j;
    row_coords(g, b, &i, &j);
    for (size_t q = b; q < e; q++) {
        update_row(g, row, u, (ptrdiff_t)q, i, j, v + q * g->rowlen, g->stream);
        if (g->dim == 2 || ++j == g->n[1]) j = 0, i++;
    }
    store_fence(g->stream);
}

/* ---- the team run ------------------------------------------------------------------- */

/* One step src -> dst over t's rows: a phase of the run, or the whole of a
 * lone step. */
typedef struct step_arg {
    const peli_heat_grid *g;
    row_fn *row;
    const double *src;
    double *dst;
} step_arg;

static void step_rows(int t, int nt, void *arg)
{
    const step_arg *sa = arg;
    size_t rb, re;
    pel_static_range(sa->g->nrows, t, nt, &rb, &re);
    sweep(sa->g, sa->row, sa->src, sa->dst, rb, re);
}

typedef struct run_arg {
    const peli_heat_grid *g;
    row_fn *row;
    double *a, *b;
    long nsteps;
    int copy_back;
    long singles; /* written under peli_master: single steps after the fused passes */
} run_arg;

/* The result, in b after an odd number of single steps, back into a over t's rows. */
static void copy_back_rows(int t, int nt, void *arg)
{
    const run_arg *ra = arg;
    const peli_heat_grid *g = ra->g;
    size_t rb, re;
    pel_static_range(g->nrows, t, nt, &rb, &re);
    memcpy(ra->a + rb * g->rowlen, ra->b + rb * g->rowlen, (re - rb) * g->rowlen * sizeof *ra->a);
}

/* Fused passes in place while the depth allows (it depends on the rows per
 * thread, hence on the team's nt, virtual in task mode: every thread computes
 * the same sequence), then single steps ping-ponging (all of them when the
 * grid is too small to fuse), each a phase. */
static void run_body(peli_team *tm, void *arg)
{
    run_arg *ra = arg;
    const peli_heat_grid *g = ra->g;
    long left = ra->nsteps;
    peli_heat_pass pass = {g, ra->row, ra->a, ra->b, 0};
    while ((pass.k = peli_heat_fuse_depth(g, tm->nt, left)) != 0) {
        peli_heat_fused(tm, &pass);
        left -= pass.k;
    }
    const long singles = left;
    if (peli_master(tm)) ra->singles = singles; /* read after the run */
    step_arg sa = {g, ra->row, NULL, NULL};
    for (long s = 0; s < singles; s++) {
        sa.src = s % 2 ? ra->b : ra->a;
        sa.dst = s % 2 ? ra->a : ra->b;
        /* the next step, or the copy back, overwrites rows others may still read */
        if (s + 1 < singles || ra->copy_back) peli_phase(tm, step_rows, &sa);
        else peli_phase_last(tm, step_rows, &sa);
    }
    if (ra->copy_back && singles % 2) peli_phase_last(tm, copy_back_rows, ra);
}

double *peli_heat_run(const pel_context *ctx, const peli_heat_grid *g, double *a, double *b,
                      long nsteps, int copy_back)
{
    if (nsteps <= 0) return a;
    row_fn *row = peli_heat_row_kernel(g);
    if (nsteps == 1 && !copy_back) { /* never fuses, needs no barrier */
        step_arg sa = {g, row, a, b};
        peli_parallel(ctx, g->nrows, 0, 0, step_rows, &sa);
        return b;
    }
    run_arg ra = {g, row, a, b, nsteps, copy_back, 0};
    peli_run(ctx, g->nrows, 0, run_body, &ra);
    return (ra.singles % 2 && !copy_back) ? b : a;
}
