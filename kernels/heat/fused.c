/* k FTCS steps fused in place: the k-level wavefront of peli_heat_run.
 *
 * Level 0 is the field u at the start of a pass, level l the field after l
 * steps; level k is written back over u.  Row v of level l needs rows v - S
 * .. v + S of level l - 1 (S = 1 in 2D, n[1] in 3D: the neighbours along
 * dimension 1 are within S rows too).  A thread owning rows [b, e) sweeps
 * q upwards and at each q computes, for l = 1 .. k in turn, row q + (k-l)S
 * of level l: its inputs were computed earlier in the sweep (the newest,
 * row q + (k-l+1)S of level l - 1, just before it), and u's row q is
 * overwritten by level k only after level 1 has read it for the last time
 * (level 1 reads rows from q + (k-2)S on).  Levels 1 .. k-1 live in rings
 * of 2S + 1 rows, the window the next level reads, which stay in cache: the
 * field crosses the memory bus once per pass of k steps.
 *
 * Thread boundaries: level l is computed on rows [b - (k-l)S, e + (k-l)S),
 * so near each edge a trapezoid of rows is computed by both neighbours
 * (redundant work, identical results); it needs u rows [b - kS, e + kS).
 * Those outside [b, e) belong to other threads, who overwrite them during
 * the pass, so a pass is two phases (peli_phase): each thread t first
 * copies them (the halos, kS rows a side), then, once every t has, sweeps
 * its levels, touching only its own rows of u.  Scratch per thread: the
 * halos and the rings, 2kS + (k-1)(2S+1) rows, carved from its own rows of
 * the work array.
 *
 * Determinism: each point of each level is the row kernel's expression of
 * the previous level's values, the same as a single step computes, so the
 * depth, the partition and the redundant rows change no bit. */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "internal/heat.h"

/* Levels per pass, measured on a Zen 4 (docs/heat.md): in 2D the field's
 * traffic falls as 1/k and extra levels cost little up to 8 (a level's
 * ring is three rows); in 3D a ring is 2 n[1] + 1 rows and a point needs 7
 * loads, and every depth above 2 measured slower, whatever the plane size.
 * PELI_HEAT_DEPTH (a measurement switch) sets both; below 2, no fusion. */
#define MAX_DEPTH 16
#ifdef PELI_HEAT_DEPTH
#define DEPTH_2D PELI_HEAT_DEPTH
#define DEPTH_3D PELI_HEAT_DEPTH
#else
#define DEPTH_2D 8
#define DEPTH_3D 2
#endif

/* Rows of scratch a thread needs for depth k: two halos, k - 1 rings. */
static size_t scratch_rows(const peli_heat_grid *g, int k)
{
    return 2 * (size_t)k * g->stride + (size_t)(k - 1) * (2 * g->stride + 1);
}

int peli_heat_fuse_depth(const peli_heat_grid *g, int nt, long nsteps)
{
    const size_t rows = g->nrows / (size_t)nt; /* the fewest any thread has */
    long k = g->dim == 2 ? DEPTH_2D : DEPTH_3D;
    if (k > MAX_DEPTH) k = MAX_DEPTH;
    if (k > nsteps) k = nsteps;
    while (k >= 2 && scratch_rows(g, (int)k) > rows) k--; /* shallower, or single steps */
    if (k < 2) return 0;
    if (nsteps - k == 1) { /* leave no lone step, which would cross the bus twice */
        if (k >= 3) k--;
        else if (scratch_rows(g, 3) <= rows) k = 3;
    }
    return (int)k;
}

/* One thread's view of a pass. */
typedef struct wave {
    const peli_heat_grid *g;
    peli_heat_row_fn *row;
    double *u, *lo, *hi, *ring; /* lo, hi: copies of u rows [b - kS, b), [e, e + kS) */
    ptrdiff_t b, e, S, R, len, nrows, n1;
    int k;
    ptrdiff_t off[MAX_DEPTH + 1]; /* ring slot of level l's row q + (k-l)S, less the phase */
} wave;

/* Row v of level 0 (u or a halo), for reading. */
static inline const double *outer_row(const wave *w, ptrdiff_t v)
{
    if (v < w->b) return w->lo + (v - (w->b - w->k * w->S)) * w->len;
    if (v >= w->e) return w->hi + (v - w->e) * w->len;
    return w->u + v * w->len;
}

/* Slot x of level l's ring, x within one ring length of [0, R): no division. */
static inline double *ring_row(const wave *w, int l, ptrdiff_t x)
{
    if (x < 0) x += w->R;
    else if (x >= w->R) x -= w->R;
    return w->ring + ((l - 1) * w->R + x) * w->len;
}

/* Row v + d of level m, where v = q + (k-m-1)S is the row level m + 1
 * computes at this q and ph = (q - q0) mod R; |d| <= S. */
static inline const double *input_row(const wave *w, int m, ptrdiff_t v, ptrdiff_t ph,
                                      ptrdiff_t d)
{
    if (m == 0) return outer_row(w, v + d);
    return ring_row(w, m, ph + w->off[m] - w->S + d);
}

/* Row q + (k-l)S of level l, at grid coordinates (i, j). */
static inline void level_row(const wave *w, int l, ptrdiff_t q, ptrdiff_t ph, ptrdiff_t i,
                             ptrdiff_t j)
{
    const peli_heat_grid *g = w->g;
    const ptrdiff_t v = q + (w->k - l) * w->S;
    if (!g->periodic && (v < 0 || v >= w->nrows)) return; /* outside the box: nobody needs it */
    double *out = l == w->k ? w->u + v * w->len : ring_row(w, l, ph + w->off[l]);
    if (peli_heat_boundary_row(g, i, j)) { /* keeps its values: already there in u */
        if (l < w->k) memcpy(out, input_row(w, l - 1, v, ph, 0), (size_t)w->len * sizeof *out);
        return;
    }
    peli_heat_rowargs a = peli_heat_args(g);
    a.c = input_row(w, l - 1, v, ph, 0);
    a.m0 = input_row(w, l - 1, v, ph, -w->S);
    a.p0 = input_row(w, l - 1, v, ph, w->S);
    if (g->dim == 3) {
        a.m1 = input_row(w, l - 1, v, ph, peli_heat_dim1_before(g, j));
        a.p1 = input_row(w, l - 1, v, ph, peli_heat_dim1_after(g, j));
    }
    w->row(out, &a, 0);
}

/* u row v, wrapped (periodic), or NULL outside a Dirichlet box. */
static const double *field_row(const peli_heat_grid *g, const double *u, ptrdiff_t v)
{
    const ptrdiff_t nrows = (ptrdiff_t)g->nrows;
    if (!g->periodic && (v < 0 || v >= nrows)) return NULL;
    v %= nrows; /* a halo may be longer than the grid */
    return u + (v < 0 ? v + nrows : v) * (ptrdiff_t)g->rowlen;
}

/* Thread t's wave of the pass: its rows [b, e) of u, its scratch carved from
 * its own rows of the work array. */
static void wave_init(wave *w, const peli_heat_pass *p, int t, int nt)
{
    const peli_heat_grid *g = p->g;
    const ptrdiff_t S = (ptrdiff_t)g->stride, len = (ptrdiff_t)g->rowlen;
    const int k = p->k;
    size_t b, e;
    pel_static_range(g->nrows, t, nt, &b, &e);
    *w = (wave){.g = g, .row = p->row, .u = p->u, .b = (ptrdiff_t)b, .e = (ptrdiff_t)e, .S = S,
                .R = 2 * S + 1, .len = len, .nrows = (ptrdiff_t)g->nrows,
                .n1 = (ptrdiff_t)g->n[1], .k = k};
    w->lo = p->work + b * g->rowlen;
    w->hi = w->lo + k * S * len;
    w->ring = w->hi + k * S * len;
    for (int l = 1; l <= k; l++) w->off[l] = ((k - l) * S) % w->R;
}

/* Phase 1: the halos, while every thread's rows still hold level 0. */
static void copy_halos(int t, int nt, void *arg)
{
    const peli_heat_pass *p = arg;
    const peli_heat_grid *g = p->g;
    wave w;
    wave_init(&w, p, t, nt);
    const ptrdiff_t kS = w.k * w.S;
    for (ptrdiff_t d = 0; d < kS; d++) {
        const double *lo = field_row(g, w.u, w.b - kS + d), *hi = field_row(g, w.u, w.e + d);
        if (lo) memcpy(w.lo + d * w.len, lo, (size_t)w.len * sizeof *w.u);
        if (hi) memcpy(w.hi + d * w.len, hi, (size_t)w.len * sizeof *w.u);
    }
}

/* Phase 2: the k levels over t's rows; after it all of u is at level k. */
static void sweep_levels(int t, int nt, void *arg)
{
    const peli_heat_pass *p = arg;
    const peli_heat_grid *g = p->g;
    wave w;
    wave_init(&w, p, t, nt);
    const int k = w.k;
    const ptrdiff_t S = w.S;
    /* q from the first row of level 1, b - (k-1)S; level l joins when its
     * first row, b - (k-l)S, comes up */
    const ptrdiff_t q0 = w.b - 2 * (k - 1) * S;
    ptrdiff_t i = g->dim == 2 ? q0 : (q0 >= 0 ? q0 / w.n1 : -((-q0 + w.n1 - 1) / w.n1));
    ptrdiff_t j = g->dim == 2 ? 0 : q0 - i * w.n1, ph = 0; /* (i, j) of row q */
    for (ptrdiff_t q = q0; q < w.e; q++) {
        for (int l = 1; l <= k; l++)
            if (q >= w.b - 2 * (k - l) * S) level_row(&w, l, q, ph, i + (k - l), j);
        if (++ph == w.R) ph = 0;
        if (g->dim == 2 || ++j == w.n1) j = 0, i++;
    }
}

void peli_heat_fused(peli_team *tm, const peli_heat_pass *pass)
{
    peli_phase(tm, copy_halos, (void *)pass);
    peli_phase(tm, sweep_levels, (void *)pass);
}
