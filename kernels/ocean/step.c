/* The ocean's time stepping: the halo exchange, the right-hand side of the
 * shallow-water and SST equations (Sadourny's energy-conserving C-grid
 * scheme, van Leer-limited tracer fluxes) fused with the update of an
 * SSP-RK3 stage, and the step loop.
 *
 * A stage reads its input s (eta, u, v, C = hT), and writes
 *     out = a0 base + a1 (s + dt L(s))
 * row by row: (a0, a1) = (0, 1), (3/4, 1/4), (1/3, 2/3), base the state at
 * the start of the step (Shu & Osher's form of SSP-RK3).  The quantities
 * several rows share (T = C/h, potential vorticity q at corners, Bernoulli
 * function B, mass fluxes U, V, tracer fluxes) are computed once per row
 * into a stage's rolling rows.  The three stages of a step run as one
 * wavefront of rows per thread (step_rows.h: step_block), the outputs of
 * stages 1 and 2 in rings of rows.  Every value is computed by one
 * expression, the same for every thread count: rows only decide who
 * evaluates it. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <string.h>

#include "ocean/ocean_impl.h"

/* ---- the halo exchange ---------------------------------------------------- */

static void xhalo(const pel_ocean *o, double *row)
{
    const ptrdiff_t n = (ptrdiff_t)o->nx;
    for (ptrdiff_t h = 1; h <= OC_HALO; h++) {
        row[-h] = row[n - h];
        row[n + h - 1] = row[h - 1];
    }
}

static void xhalo_bytes(const pel_ocean *o, unsigned char *row)
{
    const ptrdiff_t n = (ptrdiff_t)o->nx;
    for (ptrdiff_t h = 1; h <= OC_HALO; h++) {
        row[-h] = row[n - h];
        row[n + h - 1] = row[h - 1];
    }
}

/* Row r of the stored range [-OC_HALO, ny + OC_HALO): an interior row gets
 * its x halo (periodic x); a halo row is a copy of the interior row one
 * period away (periodic y), then its own x halo.  Closed walls: nothing,
 * the halo keeps the zeros of create. */
static void exchange_row(const pel_ocean *o, double *a, ptrdiff_t r)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    double *row = a + OC_AT(o, 0, r);
    if (r < 0 || r >= ny) {
        if (!o->per_y) return;
        memcpy(row, a + OC_AT(o, 0, r < 0 ? r + ny : r - ny), o->nx * sizeof *row);
    }
    if (o->per_x) xhalo(o, row);
}

void peli_ocean_exchange(const pel_ocean *o, double *const a[OC_NSTATE], int t, int nt)
{
    size_t b, e;
    pel_static_range(o->rows, t, nt, &b, &e);
    for (size_t q = b; q < e; q++)
        for (int f = 0; f < OC_NSTATE; f++) exchange_row(o, a[f], (ptrdiff_t)q - OC_HALO);
}

void peli_ocean_exchange_one(const pel_ocean *o, double *a)
{
    for (size_t q = 0; q < o->rows; q++) exchange_row(o, a, (ptrdiff_t)q - OC_HALO);
}

void peli_ocean_exchange_bytes(const pel_ocean *o, unsigned char *a)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    for (ptrdiff_t r = -OC_HALO; r < ny + OC_HALO; r++) {
        unsigned char *row = a + OC_AT(o, 0, r);
        if (r < 0 || r >= ny) {
            if (!o->per_y) continue;
            memcpy(row, a + OC_AT(o, 0, r < 0 ? r + ny : r - ny), o->nx);
        }
        if (o->per_x) xhalo_bytes(o, row);
    }
}

/* ---- a stage's rows --------------------------------------------------------- */

/* A stage's input: the four fields as full arrays (origins; row r is the
 * field's row r, wrapped when periodic in y) or as rings of 8 rows (row r
 * at slot r mod 8).  Across a wall every row reads as zeros, as the halo
 * of a full field does. */
typedef struct oc_in {
    const double *f[OC_NSTATE];
    int ring;
} oc_in;

/* One stage of one thread: out = a0 base + a1 (in + dt L(in)), its rows
 * into a ring (stages 1 and 2) or a full field (stage 3). */
typedef struct oc_stage {
    const pel_ocean *o;
    oc_in in;
    const double *base[OC_NSTATE]; /* NULL in stage 1 */
    double a0, a1;
    double *out[OC_NSTATE];
    int ring_out;
    peli_ocean_ring *rg;
    const peli_ocean_mrows *mr; /* the thread's mask rows */
} oc_stage;

/* columns a stage row runs as one chunk (step_rows.h: stage_row).  Measured
 * (1 thread, AVX-512, 1024^2 and 2048^2): chunks of 128 and 256 columns
 * were 20% and 10% slower than whole rows (each chunk restarts a dozen
 * loops), 512 to 2048 the same as whole rows; so rows up to 2048 columns
 * run whole, and the tests run 8-column chunks to check the bits. */
#ifndef OC_COLS
#define OC_COLS 2048
#endif

/* The rows the four field loops of a stage row read and write, at the
 * row's column 0 (step_rows.h: stage_fields): the input s (E, u, v, C and
 * the u, v rows below and above), dt times the masks, the masks, the
 * forcing, the depths hx, hy, the Coriolis products P of corner rows j and
 * j+1 (P1 written there) and R, q of corner row j+1, B of rows j and j-1,
 * the mass and tracer fluxes, the base state (NULL in stage 1) and the
 * output rows. */
typedef struct oc_rows {
    const double *E, *u, *um, *up, *v, *vm, *vp, *C;
    const double *dtw, *dtmu, *dtmv, *mum, *mup, *mv, *fu, *fv, *fq;
    const double *hx, *hy, *P0, *q1, *R, *B0, *Bm, *U0, *V0, *V1, *F, *G0, *G1;
    const double *be, *bu, *bv, *bc;
    double *P1, *oe, *ou, *ov, *oc;
} oc_rows;

/* slot of row r (r >= -64) in a ring of n rows, n a power of 2 */
#define OC_SLOT(r, n) (((r) + 64) & ((n) - 1))

/* the field row an extended row index stands for: itself at walls (where
 * it lies in [0, ny) whenever it is computed), r mod ny when periodic */
static inline ptrdiff_t oc_wrap(const pel_ocean *o, ptrdiff_t r)
{
    const ptrdiff_t ny = (ptrdiff_t)o->ny;
    if (!o->per_y) return r;
    r %= ny;
    return r < 0 ? r + ny : r;
}

static inline const double *in_row(const pel_ocean *o, const oc_in *s, int f, ptrdiff_t r)
{
    if (!o->per_y && (r < 0 || r >= (ptrdiff_t)o->ny)) return o->zero;
    if (s->ring) return s->f[f] + OC_SLOT(r, 8) * (ptrdiff_t)o->ld;
    return s->f[f] + OC_AT(o, 0, oc_wrap(o, r));
}

static inline void oc_xhalo(const pel_ocean *o, double *row) { xhalo(o, row); }

#define PELI_ISA_TEMPLATE "ocean/step_rows.h"
#include "internal/isa_copies.h"

/* ---- the step loop -------------------------------------------------------------- */

typedef struct step_arg {
    const pel_ocean *o;
    const double *x[OC_NSTATE]; /* the state at the start of the step */
    double *xn[OC_NSTATE];      /* the state at its end */
} step_arg;

static void step_fn(int t, int nt, void *arg)
{
    const step_arg *sa = arg;
    const pel_ocean *o = sa->o;
    size_t b, e;
    pel_static_range(o->ny, t, nt, &b, &e);
    if (b >= e) return;
#if PELI_ISA_COPIES
    if (o->isa >= PEL_ISA_AVX512) {
        step_block_avx512(o, t, sa->x, sa->xn, (ptrdiff_t)b, (ptrdiff_t)e);
        return;
    }
    if (o->isa >= PEL_ISA_AVX2) {
        step_block_avx2(o, t, sa->x, sa->xn, (ptrdiff_t)b, (ptrdiff_t)e);
        return;
    }
#endif
    step_block_base(o, t, sa->x, sa->xn, (ptrdiff_t)b, (ptrdiff_t)e);
}

typedef struct exch_arg {
    const pel_ocean *o;
    double *const *a;
} exch_arg;

static void exch_fn(int t, int nt, void *arg)
{
    const exch_arg *ea = arg;
    peli_ocean_exchange(ea->o, ea->a, t, nt);
}

typedef struct run_arg {
    pel_ocean *o;
    long nsteps;
} run_arg;

/* Step n reads one state buffer and writes the other (x -> s1, s1 -> x, ...):
 * one phase, so one barrier, a step.  The stepping itself reads no halo row
 * (in_row wraps); the last phase fills the halos of the final state for
 * everything else that reads it. */
static void run_body(peli_team *tm, void *arg)
{
    const run_arg *ra = arg;
    const pel_ocean *o = ra->o;
    step_arg sa[2];
    sa[0].o = sa[1].o = o;
    for (int f = 0; f < OC_NSTATE; f++) {
        sa[0].x[f] = o->x[f], sa[0].xn[f] = o->s1[f];
        sa[1].x[f] = o->s1[f], sa[1].xn[f] = o->x[f];
    }
    for (long n = 0; n < ra->nsteps; n++) peli_phase(tm, step_fn, &sa[n & 1]);
    exch_arg ex = {o, (ra->nsteps & 1) ? o->s1 : o->x};
    peli_phase_last(tm, exch_fn, &ex);
}

void peli_ocean_run(pel_ocean *o, long nsteps)
{
    if (nsteps <= 0) return;
    run_arg ra = {o, nsteps};
    peli_run(o->ctx, o->ny, o->max_threads, run_body, &ra);
    if (nsteps & 1)
        for (int f = 0; f < OC_NSTATE; f++) {
            double *t = o->x[f];
            o->x[f] = o->s1[f];
            o->s1[f] = t;
        }
}
