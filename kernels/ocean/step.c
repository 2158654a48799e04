/* The ocean's time stepping: the halo exchange, the right-hand side of the
 * shallow-water and SST equations (Sadourny's energy-conserving C-grid
 * scheme, van Leer-limited tracer fluxes) fused with the update of an
 * SSP-RK3 stage, and the step loop.
 *
 * A stage reads its input s (eta, u, v, C = hT with halos), and writes
 *     out = a0 base + a1 (s + dt L(s))
 * for every interior cell in one pass over the rows: (a0, a1) = (0, 1),
 * (3/4, 1/4), (1/3, 2/3), base the state at the start of the step (Shu &
 * Osher's form of SSP-RK3).  The quantities several rows share (T = C/h,
 * potential vorticity q at corners, Bernoulli function B, mass fluxes U, V,
 * tracer fluxes) are computed once per row into a thread's rolling rows.
 * Every value is computed by one expression, the same for every thread
 * count: rows only decide who evaluates it. */
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

/* ---- the rows a stage derives from its input ------------------------------- */

typedef struct stage_arg {
    const pel_ocean *o;
    const double *in[OC_NSTATE];
    const double *base[OC_NSTATE]; /* NULL in the first stage */
    double a0, a1;
    double *out[OC_NSTATE];
} stage_arg;

#define NAME(f) f##_base
#include "ocean/step_rows.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OC_HAVE_ISA_VARIANTS 1
#pragma GCC push_options
#pragma GCC target("avx2")
#define NAME(f) f##_avx2
#include "ocean/step_rows.h"
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl")
#define NAME(f) f##_avx512
#include "ocean/step_rows.h"
#pragma GCC pop_options
#endif

/* the copy of the stage rows for o's instruction set (chosen at create) */
static void stage_rows(const stage_arg *sa, peli_ocean_ring *rg, ptrdiff_t jb, ptrdiff_t je)
{
#ifdef OC_HAVE_ISA_VARIANTS
    if (sa->o->isa >= PEL_ISA_AVX512) {
        stage_rows_avx512(sa, rg, jb, je);
        return;
    }
    if (sa->o->isa >= PEL_ISA_AVX2) {
        stage_rows_avx2(sa, rg, jb, je);
        return;
    }
#endif
    stage_rows_base(sa, rg, jb, je);
}

static void stage_fn(int t, int nt, void *arg)
{
    const stage_arg *sa = arg;
    size_t b, e;
    pel_static_range(sa->o->ny, t, nt, &b, &e);
    if (b < e) stage_rows(sa, &sa->o->ring[t], (ptrdiff_t)b, (ptrdiff_t)e);
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

static void run_body(peli_team *tm, void *arg)
{
    const run_arg *ra = arg;
    const pel_ocean *o = ra->o;
    stage_arg st[3];
    for (int s = 0; s < 3; s++) {
        st[s].o = o;
        for (int f = 0; f < OC_NSTATE; f++) {
            st[s].in[f] = s == 0 ? o->x[f] : s == 1 ? o->s1[f] : o->s2[f];
            st[s].base[f] = s == 0 ? NULL : o->x[f];
            st[s].out[f] = s == 0 ? o->s1[f] : s == 1 ? o->s2[f] : o->x[f];
        }
    }
    st[0].a0 = 0.0, st[0].a1 = 1.0;
    st[1].a0 = 0.75, st[1].a1 = 0.25;
    st[2].a0 = 1.0 / 3.0, st[2].a1 = 2.0 / 3.0;
    exch_arg ex[3] = {{o, o->s1}, {o, o->s2}, {o, o->x}};
    for (long n = 0; n < ra->nsteps; n++) {
        for (int s = 0; s < 3; s++) {
            peli_phase(tm, stage_fn, &st[s]);
            if (s == 2 && n == ra->nsteps - 1)
                peli_phase_last(tm, exch_fn, &ex[s]);
            else
                peli_phase(tm, exch_fn, &ex[s]);
        }
    }
}

void peli_ocean_run(pel_ocean *o, long nsteps)
{
    if (nsteps <= 0) return;
    run_arg ra = {o, nsteps};
    peli_run(o->ctx, o->ny, o->max_threads, run_body, &ra);
}
