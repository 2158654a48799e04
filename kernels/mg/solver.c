/* The multigrid solver (include/pel/mg.h): the level hierarchy, the
 * copies between the user's layout and the solver's, and the V-cycle.
 *
 * Parallel structure: every kernel runs over the planes of one level split
 * by pel_static_range (the split of the first touch), each plane written by
 * one virtual thread t of nt; a barrier separates kernels that read what the
 * previous one wrote.  A whole batch of cycles is one body of phases of the
 * core's launcher (peli_run): each barrier-separated piece of a thread's
 * work is a phase, so from serial code (or with nesting) the batch is one
 * team with a barrier after each phase, and inside a caller's team without
 * nesting each phase is a taskloop the caller's threads share.  The copies,
 * the norms and the first touch are barrier-free runs (tasks inside a
 * caller's team).  The team size is read from the context at each call,
 * capped by the per-thread scratch sized at create.  The coarse levels of
 * at most serial_points points run as one phase on one thread (no barriers
 * between their passes), and within a batch the finest r lives mostly in a
 * per-thread ring of planes (see Ring).  Since a point's value never
 * depends on who computed it or where it is kept, and the norms combine
 * per-plane sums in plane order, results are the same for every thread
 * count. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/mg.h"
#include "internal/team.h"

/* ---- the grids' memory ----------------------------------------------------------
 * The levels' u and r and the finest v come straight from the kernel as
 * fresh zero pages (mmap), so create never writes zeros over zeros: its
 * first touch writes one value per page (placing the page by the thread
 * whose planes it holds), and v, zero but for the rows a right-hand side
 * sets, is not touched at all (resid never reads a row flagged all +0.0, so
 * its untouched pages are never faulted in: NPB's v, zero but for twenty
 * points, costs a few pages instead of the finest grid's size).  Pages are
 * 4 KiB, not transparent huge pages: on the VM measured, faulting huge pages
 * in cost several times more CPU than 4 KiB pages, and varied several-fold
 * (class A's create: 0.6-0.8 s against 0.19 s), far more than the 10% they
 * saved in the V-cycles (0.32 against 0.36 s for NPB's 4 cycles;
 * docs/mg.md). */
#define RING 5 /* the finest r's planes a pass keeps in cache (see Ring, at the V-cycle) */

typedef struct grid_mem {
    void *base;   /* what to give back */
    size_t bytes; /* its length (mmap) */
    int fresh;    /* zero pages never written: touching is placing */
} grid_mem;

static double *mem_alloc(grid_mem *m, size_t bytes)
{
    m->base = peli_pages(bytes);
    m->bytes = bytes;
    m->fresh = PELI_PAGES_ZERO;
    return m->base;
}

static void mem_free(grid_mem *m)
{
    peli_pages_free(m->base, m->bytes);
    m->base = NULL;
}

/* Zeroes n doubles at p, or, on fresh zero pages, faults them in with one
 * write per page. */
static void mem_zero(const grid_mem *m, double *p, size_t n)
{
    if (!m->fresh) {
        memset(p, 0, n * sizeof *p);
        return;
    }
    const double *end = p + n;
    for (double *q = p; q < end; q = (double *)(((uintptr_t)q / 4096 + 1) * 4096)) *q = 0.0;
}

struct pel_mg {
    pel_context *ctx;
    pel_mg_params p;
    peli_mg_coef k;
    int nl;                                /* levels; lev[nl - 1] is the finest */
    peli_mg_level lev[PELI_MG_MAX_LEVELS];
    double *v;                             /* right-hand side, finest layout */
    grid_mem umem[PELI_MG_MAX_LEVELS], rmem[PELI_MG_MAX_LEVELS], vmem;
    unsigned char *vzero;                  /* per interior row of v: all +0.0 (not read) */
    const peli_mg_ops *ops;                /* plane kernels for this CPU */
    int kc;                                /* levels 0 .. kc run on one thread (0: none) */
    int maxt;                              /* scratch slots: the largest team */
    size_t wlen;                           /* scratch doubles per slot */
    double *work;                          /* maxt * wlen, slot t for virtual thread t */
    double *ring;                          /* maxt * RING finest planes, for slot t (see Ring) */
    grid_mem ringmem;
    double *psum, *pmax;                   /* per finest plane: norms' partials */
    int r_valid;                           /* r = v - A u holds */
    int packed;                            /* the finest u, r are pel_mg_view_ur's array */
    int norms_valid;                       /* and psum, pmax are r's */
    int restricted;                        /* and the next coarser r is its restriction */
};

/* ---- parameters -------------------------------------------------------------- */

void pel_mg_params_default(pel_mg_params *p, size_t n)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->n[0] = p->n[1] = p->n[2] = n;
    /* NPB 3.3.1 mg.f: the operator a and the S(a) smoother */
    p->a[0] = -8.0 / 3.0;
    p->a[1] = 0.0;
    p->a[2] = 1.0 / 6.0;
    p->a[3] = 1.0 / 12.0;
    p->c[0] = -3.0 / 8.0;
    p->c[1] = 1.0 / 32.0;
    p->c[2] = -1.0 / 64.0;
    p->c[3] = 0.0;
    p->levels = 0;
    p->serial_points = PEL_MG_SERIAL_POINTS;
}

static int is_pow2(size_t x) { return x && !(x & (x - 1)); }

static int log2z(size_t x)
{
    int l = 0;
    while (x > 1) x >>= 1, l++;
    return l;
}

static pel_status check_params(pel_context *ctx, const pel_mg_params *p, int *levels)
{
    size_t nmin = SIZE_MAX;
    for (int d = 0; d < 3; d++) {
        PEL_REQUIRE(ctx, p->n[d] >= 4 && is_pow2(p->n[d]) && p->n[d] <= ((size_t)1 << 20),
                    "mg: n[%d] = %zu: must be a power of two from 4 to 2^20", d, p->n[d]);
        if (p->n[d] < nmin) nmin = p->n[d];
    }
    /* the finest level's arrays with halos must be addressable */
    double bytes = 8.0 * (double)p->n[0] * (double)(p->n[1] + 2) * (double)(p->n[2] + 2);
    PEL_REQUIRE(ctx, bytes < 0x1p60, "mg: n = %zu x %zu x %zu: too large", p->n[0], p->n[1],
                p->n[2]);
    for (int i = 0; i < 4; i++) {
        PEL_REQUIRE(ctx, isfinite(p->a[i]), "mg: a[%d] = %g: must be finite", i, p->a[i]);
        PEL_REQUIRE(ctx, isfinite(p->c[i]), "mg: c[%d] = %g: must be finite", i, p->c[i]);
    }
    PEL_REQUIRE(ctx, p->zran3 == 0 || p->zran3 == 1, "mg: zran3 = %d: must be 0 or 1",
                p->zran3);
    int most = log2z(nmin); /* the coarsest grid has 2 points along its shortest side */
    PEL_REQUIRE(ctx, p->levels >= 0 && p->levels <= most,
                "mg: levels = %d: must be 0 (all) or 1 to %d for this grid", p->levels, most);
    *levels = p->levels ? p->levels : most;
    return PEL_OK;
}

/* ---- running a team ------------------------------------------------------------ */

typedef void (*team_job)(pel_mg *mg, int t, int nt, void *arg);

typedef struct team_arg {
    pel_mg *mg;
    team_job job;
    void *arg;
} team_arg;

static void team_call(int t, int nt, void *arg)
{
    const team_arg *a = arg;
    a->job(a->mg, t, nt, a->arg);
}

/* job(mg, t, nt, arg) for t = 0 .. nt-1 over the finest level's planes, a
 * barrier-free run. */
static void launch(pel_mg *mg, team_job job, void *arg)
{
    team_arg a = {mg, job, arg};
    peli_parallel(mg->ctx, mg->lev[mg->nl - 1].n3, mg->maxt, 0, team_call, &a);
}

#define OWN_PLANES(l, t, nt, i3)                                                              \
    for (size_t b_ = pel_static_begin((l)->n3, (t), (nt)), e_ = pel_static_begin((l)->n3, (t) + 1, (nt)), \
                i3 = b_;                                                                      \
         i3 < e_; i3++)

/* The one pass that first touches every array, with the planes' split of
 * the kernels: u = r = 0 on every level, v = 0 on the finest, and, for
 * zran3's v, the stream's candidates of the thread's planes (arg: a
 * peli_mg_zran per virtual thread; its points are set after the pass). */
static void job_first_touch(pel_mg *mg, int t, int nt, void *arg)
{
    peli_mg_zran *z = arg;
    for (int k = 0; k < mg->nl; k++) {
        const peli_mg_level *l = &mg->lev[k];
        const grid_mem *rm = k == mg->nl - 1 ? &mg->umem[k] : &mg->rmem[k];
        OWN_PLANES(l, t, nt, i3) {
            mem_zero(&mg->umem[k], l->u + i3 * l->plane, l->plane);
            mem_zero(rm, l->r + i3 * l->plane, l->plane);
            if (k == mg->nl - 1) {
                if (!mg->vmem.fresh) memset(mg->v + i3 * l->plane, 0, l->plane * sizeof(double));
                memset(mg->vzero + i3 * l->n2, 1, l->n2); /* v = +0.0 everywhere */
            }
        }
    }
    if (z) {
        const peli_mg_level *l = &mg->lev[mg->nl - 1];
        size_t pts = l->n1 * l->n2; /* zran3's index runs over the interior, plane by plane */
        peli_mg_zran3_scan(&z[t], pel_static_begin(l->n3, t, nt) * pts,
                           pel_static_begin(l->n3, t + 1, nt) * pts);
    }
    for (int s = t; s < mg->maxt; s += nt) { /* every slot, whatever nt is */
        memset(mg->work + (size_t)s * mg->wlen, 0, mg->wlen * sizeof(double));
        if (mg->ring) {
            const peli_mg_level *l = &mg->lev[mg->nl - 1];
            mem_zero(&mg->ringmem, mg->ring + (size_t)s * RING * l->plane, RING * l->plane);
        }
    }
}

/* zran3's twenty points into v (the -1s first, as NPB), and their planes' halos. */
static void place_zran3(pel_mg *mg, const peli_mg_zran *z, int nt)
{
    peli_mg_zran all = {.ntop = 0, .nbot = 0};
    for (int t = 0; t < nt; t++) peli_mg_zran3_merge(&all, &z[t]);
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    for (int pass = 0; pass < 2; pass++) {
        const peli_mg_cand *c = pass ? all.top : all.bot;
        int n = pass ? all.ntop : all.nbot;
        for (int i = 0; i < n; i++) {
            size_t k = c[i].k, i1 = k % l->n1, i2 = k / l->n1 % l->n2, i3 = k / l->n1 / l->n2;
            mg->v[i3 * l->plane + (i2 + 1) * l->row + i1 + 1] = pass ? +1.0 : -1.0;
            mg->vzero[i3 * l->n2 + i2] = 0;
        }
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < (pass ? all.ntop : all.nbot); i++) {
            size_t k = (pass ? all.top : all.bot)[i].k;
            peli_mg_fill_halo(l, mg->v + k / l->n1 / l->n2 * l->plane);
        }
}

/* ---- create / destroy ------------------------------------------------------------ */

pel_status pel_mg_create(pel_context *ctx, const pel_mg_params *p, pel_mg **out)
{
    PEL_CREATE_PROLOGUE(ctx, out, p, "mg");
    int nl = 0;
    pel_status st = check_params(ctx, p, &nl);
    if (st != PEL_OK) return st;

    pel_mg *mg = calloc(1, sizeof *mg);
    if (!mg) return pel_error(ctx, PEL_ENOMEM, "mg: out of memory");
    mg->ctx = peli_context_retain(ctx);
    mg->p = *p;
    memcpy(mg->k.a, p->a, sizeof mg->k.a);
    memcpy(mg->k.c, p->c, sizeof mg->k.c);
    mg->k.a1 = p->a[1] != 0.0;
    mg->k.c3 = p->c[3] != 0.0;
    mg->nl = nl;
    int ok = 1;
    size_t n1 = p->n[2], n2 = p->n[1], n3 = p->n[0];
    for (int k = nl - 1; k >= 0; k--) {
        peli_mg_level *l = &mg->lev[k];
        l->n1 = n1, l->n2 = n2, l->n3 = n3;
        l->row = (n1 + 2 + 7) / 8 * 8; /* whole cache lines: rows start aligned */
        l->plane = (n2 + 2) * l->row;
        if (k == nl - 1) { /* the finest u and r: one block, u then r (pel_mg_view_ur) */
            l->u = mem_alloc(&mg->umem[k], 2 * n3 * l->plane * sizeof(double));
            l->r = l->u ? l->u + n3 * l->plane : NULL;
        } else {
            l->u = mem_alloc(&mg->umem[k], n3 * l->plane * sizeof(double));
            l->r = mem_alloc(&mg->rmem[k], n3 * l->plane * sizeof(double));
        }
        ok = ok && l->u && l->r;
        n1 /= 2, n2 /= 2, n3 /= 2;
    }
    for (int k = 1; k < nl - 1; k++) /* below the finest, the levels of at most serial_points */
        if (mg->lev[k].n1 * mg->lev[k].n2 * mg->lev[k].n3 <= p->serial_points) mg->kc = k;
    const peli_mg_level *fine = &mg->lev[nl - 1];
    mg->v = mem_alloc(&mg->vmem, fine->n3 * fine->plane * sizeof(double));
    mg->vzero = malloc(fine->n3 * fine->n2);
    mg->ops = peli_mg_ops_for(pel_cpu_isa());
    /* scratch for the context's team now; a later call on more threads runs
     * on this many (the scratch is the only per-thread state) */
    mg->maxt = peli_team_want(ctx, fine->n3, 0);
    mg->wlen = (3 * fine->row + 7) / 8 * 8; /* whole cache lines per slot */
    mg->work = pel_malloc((size_t)mg->maxt * mg->wlen * sizeof(double));
    if (nl > 1)
        mg->ring = mem_alloc(&mg->ringmem, (size_t)mg->maxt * RING * fine->plane * sizeof(double));
    mg->psum = malloc(fine->n3 * sizeof(double));
    mg->pmax = malloc(fine->n3 * sizeof(double));
    if (!ok || !mg->v || !mg->vzero || !mg->work || !mg->psum || !mg->pmax ||
        (nl > 1 && !mg->ring)) {
        pel_mg_destroy(mg);
        return pel_error(ctx, PEL_ENOMEM, "mg: out of memory for a %zu x %zu x %zu grid",
                         p->n[0], p->n[1], p->n[2]);
    }
    peli_mg_zran *z = NULL;
    if (p->zran3 && !(z = malloc((size_t)mg->maxt * sizeof *z))) {
        pel_mg_destroy(mg);
        return pel_error(ctx, PEL_ENOMEM, "mg: out of memory");
    }
    team_arg a = {mg, job_first_touch, z};
    int nt = peli_parallel(mg->ctx, fine->n3, mg->maxt, 0, team_call, &a);
    if (z) place_zran3(mg, z, nt);
    free(z);
    mg->r_valid = !p->zran3; /* u = v = r = 0; with zran3's v, r is computed when asked */
    *out = mg;
    return PEL_OK;
}

void pel_mg_destroy(pel_mg *mg)
{
    if (!mg) return;
    for (int k = 0; k < mg->nl; k++) { /* the finest r is in u's block */
        mem_free(&mg->umem[k]);
        mem_free(&mg->rmem[k]);
    }
    mem_free(&mg->vmem);
    mem_free(&mg->ringmem);
    free(mg->vzero);
    pel_free(mg->work);
    free(mg->psum);
    free(mg->pmax);
    peli_context_release(mg->ctx);
    free(mg);
}

const pel_mg_params *pel_mg_params_get(const pel_mg *mg) { return mg ? &mg->p : NULL; }
int pel_mg_levels(const pel_mg *mg) { return mg ? mg->nl : 0; }

/* ---- the finest u and r as one packed array (pel_mg_view_ur) --------------------------
 * The block holding the finest u then r (each n3 planes of the halo layout)
 * is rearranged in place into the interiors alone: u's prod(n) values, then
 * r's.  Row k (plane i3, row i2) of u moves from its place in the layout,
 * i3 * plane + (i2 + 1) * row + 1, down to k * n1; r's rows likewise, to
 * N + k * n1 (N = prod(n)) from the second half.  A row never moves up, and
 * the distance it moves grows with k, so in increasing k a row's new place
 * never overlaps a row not yet moved (packing); in decreasing k, moving
 * back, likewise (unpacking, r first: its packed rows lie in u's half).
 * Unpacking then fills every plane's halo from its interior, which is what
 * the halo held: the last writer of each finest plane of u (psinv, the copy
 * in) and of r (resid) ends with that fill.  The moves are serial: a
 * thread's destinations overlap the sources of the thread before it. */
static double *row_at(const peli_mg_level *l, double *half, size_t k)
{
    return half + k / l->n2 * l->plane + (k % l->n2 + 1) * l->row + 1;
}

static void pack(pel_mg *mg)
{
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    size_t rows = l->n3 * l->n2, n1 = l->n1, N = rows * n1;
    double *b = l->u;
    for (size_t k = 0; k < rows; k++) memmove(b + k * n1, row_at(l, l->u, k), n1 * sizeof *b);
    for (size_t k = 0; k < rows; k++) memmove(b + N + k * n1, row_at(l, l->r, k), n1 * sizeof *b);
    mg->packed = 1;
}

static void job_halos(pel_mg *mg, int t, int nt, void *arg)
{
    (void)arg;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    OWN_PLANES(l, t, nt, i3) {
        peli_mg_fill_halo(l, l->u + i3 * l->plane);
        peli_mg_fill_halo(l, l->r + i3 * l->plane);
    }
}

static void unpack(pel_mg *mg)
{
    if (!mg->packed) return;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    size_t rows = l->n3 * l->n2, n1 = l->n1, N = rows * n1;
    double *b = l->u;
    for (size_t k = rows; k-- > 0;) memmove(row_at(l, l->r, k), b + N + k * n1, n1 * sizeof *b);
    for (size_t k = rows; k-- > 0;) memmove(row_at(l, l->u, k), b + k * n1, n1 * sizeof *b);
    mg->packed = 0;
    launch(mg, job_halos, NULL);
}

pel_status pel_mg_view_ur(pel_mg *mg, const double **ur)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, ur != NULL, "mg: ur must not be NULL");
    if (!mg->packed) {
        if (!mg->r_valid) pel_mg_residual(mg);
        pack(mg);
    }
    *ur = mg->lev[mg->nl - 1].u;
    return PEL_OK;
}

/* ---- copies between the user's layout and the solver's ---------------------------- */

typedef struct copy_arg {
    double *x;       /* solver array (finest level layout) */
    double *user;    /* the user's array */
    int in;          /* 1: user -> solver (NULL user: zero), 0: solver -> user */
} copy_arg;

/* 1 when every value of the row is +0.0 (its bits all zero; -0.0 is not). */
static unsigned char row_is_zero(const double *q, size_t n)
{
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t b;
        memcpy(&b, &q[i], sizeof b);
        any |= b;
    }
    return any == 0;
}

static void job_copy(pel_mg *mg, int t, int nt, void *arg)
{
    const copy_arg *c = arg;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    size_t n1 = l->n1, n2 = l->n2;
    OWN_PLANES(l, t, nt, i3) {
        double *p = c->x + i3 * l->plane;
        for (size_t i2 = 0; i2 < n2; i2++) {
            double *q = p + (i2 + 1) * l->row + 1;
            double *w = c->user ? c->user + (i3 * n2 + i2) * n1 : NULL;
            if (!c->in) memcpy(w, q, n1 * sizeof *q);
            else if (w) memcpy(q, w, n1 * sizeof *q);
            else memset(q, 0, n1 * sizeof *q);
            if (c->in && c->x == mg->v) mg->vzero[i3 * n2 + i2] = row_is_zero(q, n1);
        }
        if (c->in) peli_mg_fill_halo(l, p);
    }
}

static pel_status copy(pel_mg *mg, double *x, const double *user, int in)
{
    copy_arg c = {x, (double *)user, in};
    launch(mg, job_copy, &c);
    return PEL_OK;
}

pel_status pel_mg_set_rhs(pel_mg *mg, const double *v)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, v != NULL, "mg: v must not be NULL");
    unpack(mg);
    mg->r_valid = mg->norms_valid = mg->restricted = 0;
    return copy(mg, mg->v, v, 1);
}

pel_status pel_mg_set_solution(pel_mg *mg, const double *u)
{
    if (!mg) return PEL_EINVAL;
    if (mg->packed && u == mg->lev[mg->nl - 1].u) { /* the view's own u: the solution already */
        unpack(mg);
        return PEL_OK;
    }
    unpack(mg);
    mg->r_valid = mg->norms_valid = mg->restricted = 0;
    return copy(mg, mg->lev[mg->nl - 1].u, u, 1);
}

pel_status pel_mg_get_solution(pel_mg *mg, double *u)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, u != NULL, "mg: u must not be NULL");
    unpack(mg);
    return copy(mg, mg->lev[mg->nl - 1].u, u, 0);
}

/* ---- the V-cycle -------------------------------------------------------------------- */

/* The finest residual's norm partials of plane i3, at x, while it is in cache. */
static void plane_norms(pel_mg *mg, const double *x, size_t i3)
{
    mg->ops->norms(&mg->lev[mg->nl - 1], x, &mg->psum[i3], &mg->pmax[i3]);
}

/* Plane j of an array of level l, j wrapped into [0, n3). */
static double *at(const peli_mg_level *l, const double *x, long j)
{
    long n3 = (long)l->n3;
    return (double *)x + (size_t)(j < 0 ? j + n3 : j >= n3 ? j - n3 : j) * l->plane;
}

/* ---- Ring: where a pass keeps the finest r ---------------------------------------
 * Within a batch, a cycle that another cycle follows needs the finest r it
 * computes (first the residual the smoother reads, then the one restricted
 * for the next cycle) only for the few planes its pipeline has in flight:
 * nothing reads them after the cycle (the next cycle computes the finest r
 * anew before reading it).  So the pipeline keeps the r planes of the
 * inside of its slab in a ring of RING planes of its own, reused from cache,
 * and writes to the finest r array only the planes near the slab's ends,
 * which the short passes and the neighbouring slabs read: the finest r's
 * writes and the reads for ownership that come with them, a third of the
 * cycle's memory traffic, are not made.  The last cycle of a batch, whose r
 * is the solver's residual, writes it all.  Each value is computed by the
 * same expression wherever it is stored, so the results are the same bits.
 *
 * Which planes: the pipeline at step i (the loop of level_fused) writes r
 * of plane i - 1 (resid), reads i - 3 .. i - 1 (psinv), rewrites i - 3 in
 * place (resid) and reads i - 5 .. i - 3 (rprj3), so the planes i - 5 ..
 * i - 1 are live: five planes, j in slot j % RING.  The short passes read
 * and write r within 5 planes of the slab's ends [b, e) (rprj3's planes
 * 2q .. 2q + 2 up to b + 4 and from e - 5), so the ring holds b + 5 ..
 * e - 6 (RING, at the top of the file) and the rest stays in the array. */
typedef struct rplanes {
    const peli_mg_level *l;
    double *ring;  /* RING planes, or NULL: every plane in l->r */
    long lo, hi;   /* the planes kept in the ring */
} rplanes;

static double *rat(const rplanes *q, long j)
{
    if (q->ring && j >= q->lo && j <= q->hi) return q->ring + (size_t)(j % RING) * q->l->plane;
    return at(q->l, q->l->r, j);
}

/* r = v - A u on plane j of level l, r's plane at rc. */
static void resid_at(pel_mg *mg, const peli_mg_level *l, const double *v,
                     const unsigned char *vz, double *rc, long j, double *w)
{
    mg->ops->resid(l, &mg->k, at(l, l->u, j - 1), at(l, l->u, j), at(l, l->u, j + 1),
                   at(l, v, j), vz ? vz + (size_t)j * l->n2 : NULL, rc, w);
}

/* u = (0 +) S r on plane j of level l, r's planes from q. */
static void psinv_at(pel_mg *mg, const rplanes *q, long j, int zero, double *w)
{
    const peli_mg_level *l = q->l;
    mg->ops->psinv(l, &mg->k, rat(q, j - 1), rat(q, j), rat(q, j + 1), at(l, l->u, j), zero, w);
}

/* Coarse plane j3 of level c = P r of level q->l. */
static void rprj3_at(pel_mg *mg, const rplanes *q, const peli_mg_level *c, long j3, double *w)
{
    long j = 2 * j3;
    mg->ops->rprj3(q->l, c, rat(q, j), rat(q, j + 1), rat(q, j + 2), at(c, c->r, j3), w);
}

/* The finest level's r = v - A u (with its norms' partials if `norms`);
 * with `rest` also the restriction of that r to the next coarser level, of
 * each coarse plane q whose fine planes 2q .. 2q + 2 are inside the slab
 * [b, e), just after the last of them (in cache).  The coarse planes left
 * are those at the slab's ends: resid_ends_rprj3, after a barrier.  Coarse
 * plane q is the owner's of fine plane 2q + 1, as in level_fused. */
#define RESID_RPRJ3_INSIDE(q, b, e) (2 * (q) >= (b) && 2 * (q) + 2 <= (e) - 1)

static void resid_level(pel_mg *mg, const peli_mg_level *l, const double *v, int norms, int rest,
                        double *w, int t, int nt)
{
    long b = (long)pel_static_begin(l->n3, t, nt), e = (long)pel_static_begin(l->n3, t + 1, nt);
    rplanes q = {l, NULL, 0, -1};
    for (long j = b; j < e; j++) {
        resid_at(mg, l, v, v == mg->v ? mg->vzero : NULL, at(l, l->r, j), j, w);
        if (norms) plane_norms(mg, at(l, l->r, j), (size_t)j);
        if (rest && j % 2 == 0 && j >= 2 && RESID_RPRJ3_INSIDE(j / 2 - 1, b, e))
            rprj3_at(mg, &q, &mg->lev[mg->nl - 2], j / 2 - 1, w);
    }
}

static void resid_ends_rprj3(pel_mg *mg, const peli_mg_level *l, double *w, int t, int nt)
{
    long b = (long)pel_static_begin(l->n3, t, nt), e = (long)pel_static_begin(l->n3, t + 1, nt);
    rplanes q = {l, NULL, 0, -1};
    for (long j3 = b / 2; 2 * j3 + 1 < e; j3++)
        if (2 * j3 + 1 >= b && !RESID_RPRJ3_INSIDE(j3, b, e))
            rprj3_at(mg, &q, &mg->lev[mg->nl - 2], j3, w);
}

static void psinv_level(pel_mg *mg, const peli_mg_level *l, int zero, double *w, int t, int nt)
{
    rplanes q = {l, NULL, 0, -1};
    OWN_PLANES(l, t, nt, i3) psinv_at(mg, &q, (long)i3, zero, w);
}

/* ---- the V-cycle as a body of phases --------------------------------------------------
 * A batch of cycles is one peli_run body; each piece of per-thread work
 * between two barriers is a phase, whose function gets (t, nt) and the
 * scratch slot t.  The body itself only steps through the levels and the
 * cycles (locals), so it runs alike on every thread of a team and once in
 * task mode. */

typedef enum {
    STEP_RESID,        /* the finest level's r = v - A u (flag 1: take the norms too;
                        * 2: restrict it inside the slabs) */
    STEP_RESID_RPRJ3,  /* the restriction of that r at the slabs' ends */
    STEP_PSINV,        /* level lk: u = (0 +) S r (zero) */
    STEP_RPRJ3,        /* coarse level lk - 1 = P r of level lk */
    STEP_FUSED_PIPE,   /* level_fused's pipeline over the thread's planes */
    STEP_FUSED_RESID1, /* its first resid on the planes near the slab's ends */
    STEP_FUSED_PSINV,  /* its psinv there */
    STEP_FUSED_RESID3, /* its last resid there (finest level) */
    STEP_FUSED_RPRJ3,  /* its restriction of the coarse planes left (finest level) */
    STEP_COARSE        /* levels 0 .. lk, down and up, on virtual thread 0 alone */
} step_kind;

typedef struct step_arg {
    pel_mg *mg;
    step_kind kind;
    int lk;    /* the level */
    int flag;  /* STEP_RESID: norms | restrict; STEP_PSINV: zero; fused: ahead */
} step_arg;

/* Level k's part of the up-sweep, fused: u = (u +) Q u_coarse, r = v - A u,
 * u += S r, and on the finest level (last) also r = v - A u and the
 * restriction of that r (the next cycle's first step).  One pass over the
 * thread's planes [b, e) runs the stages one plane apart, so each plane is
 * reused from cache.  A stage needs the previous one on three planes, so the
 * planes near the slab's ends (which need the neighbouring slabs, or the
 * periodic wrap) are left to short passes, each a phase of its own (after a
 * barrier).  Each point is computed by the same expression as in the
 * unfused order, so the result is the same.  Coarse plane q is restricted
 * by the owner of fine plane 2q + 1. */
static void level_fused(pel_mg *mg, int lk, int ahead, step_kind part, double *w, int t, int nt)
{
    const peli_mg_level *c = &mg->lev[lk - 1], *l = &mg->lev[lk];
    const peli_mg_ops *ops = mg->ops;
    int last = lk == mg->nl - 1, rest = last; /* restrict for the next cycle (or call) */
    int norms = last && !ahead; /* the last cycle's: take the residual's norms */
    const double *v = last ? mg->v : l->r; /* coarse levels: r = r - A u, in place */
    const unsigned char *vz = last ? mg->vzero : NULL; /* the finest v's zero rows */
    long b = (long)pel_static_begin(l->n3, t, nt), e = (long)pel_static_begin(l->n3, t + 1, nt);
    /* the finest r's planes: the inside of the slab in the ring (see Ring) */
    rplanes q = {l, rest ? mg->ring + (size_t)t * RING * l->plane : NULL, b + 5, e - 6};
    /* stage s (1: resid, 2: psinv, 3: resid) runs in the pipeline on [b + s, e - 1 - s] */
#define INSIDE(j, s) ((j) >= b + (s) && (j) <= e - 1 - (s))
#define RESTRICT_INSIDE(q) (2 * (q) >= b + 3 && 2 * (q) + 2 <= e - 4)
    switch (part) {
    case STEP_FUSED_PIPE:
        for (long i = b; i < e; i++) {
            ops->interp(c, l, (size_t)i, !last, w);
            if (INSIDE(i - 1, 1)) resid_at(mg, l, v, vz, rat(&q, i - 1), i - 1, w);
            if (INSIDE(i - 2, 2)) psinv_at(mg, &q, i - 2, 0, w);
            if (last && INSIDE(i - 3, 3)) {
                resid_at(mg, l, v, vz, rat(&q, i - 3), i - 3, w);
                if (norms) plane_norms(mg, rat(&q, i - 3), (size_t)(i - 3));
                if (rest && (i - 3) % 2 == 0 && RESTRICT_INSIDE((i - 3) / 2 - 1))
                    rprj3_at(mg, &q, c, (i - 3) / 2 - 1, w);
            }
        }
        break;
    case STEP_FUSED_RESID1:
        for (long j = b; j < e; j++)
            if (!INSIDE(j, 1)) resid_at(mg, l, v, vz, rat(&q, j), j, w);
        break;
    case STEP_FUSED_PSINV:
        for (long j = b; j < e; j++)
            if (!INSIDE(j, 2)) psinv_at(mg, &q, j, 0, w);
        break;
    case STEP_FUSED_RESID3:
        for (long j = b; j < e; j++)
            if (!INSIDE(j, 3)) {
                resid_at(mg, l, v, vz, rat(&q, j), j, w);
                if (norms) plane_norms(mg, rat(&q, j), (size_t)j);
            }
        break;
    case STEP_FUSED_RPRJ3:
        for (long j3 = b / 2; 2 * j3 + 1 < e; j3++)
            if (2 * j3 + 1 >= b && !RESTRICT_INSIDE(j3)) rprj3_at(mg, &q, c, j3, w);
        break;
    default:
        break;
    }
#undef RESTRICT_INSIDE
#undef INSIDE
}

/* The coarse levels 0 .. kc of a cycle on one thread: the restrictions from
 * level kc down, the coarsest smoothing, and the up-sweep to level kc, each
 * pass over all of its level's planes (the split of one thread), in the
 * order the team runs them, so with the same results; it saves the team
 * the barriers between passes that each take a few microseconds
 * (pel_mg_params.serial_points). */
static void coarse_serial(pel_mg *mg, int kc, double *w)
{
    rplanes q = {NULL, NULL, 0, -1};
    for (int k = kc; k >= 1; k--) {
        const peli_mg_level *c = &mg->lev[k - 1];
        q.l = &mg->lev[k];
        for (long j3 = 0; j3 < (long)c->n3; j3++) rprj3_at(mg, &q, c, j3, w);
    }
    psinv_level(mg, &mg->lev[0], 1, w, 0, 1);
    for (int k = 1; k <= kc; k++)
        for (step_kind part = STEP_FUSED_PIPE; part <= STEP_FUSED_PSINV; part++)
            level_fused(mg, k, 0, part, w, 0, 1);
}

/* One phase: virtual thread t's part of step a, with scratch slot t. */
static void step_phase(int t, int nt, void *arg)
{
    const step_arg *a = arg;
    pel_mg *mg = a->mg;
    double *w = mg->work + (size_t)t * mg->wlen;
    const peli_mg_level *l = &mg->lev[a->lk];
    switch (a->kind) {
    case STEP_RESID:
        resid_level(mg, l, mg->v, a->flag & 1, a->flag & 2, w, t, nt);
        break;
    case STEP_RESID_RPRJ3:
        resid_ends_rprj3(mg, l, w, t, nt);
        break;
    case STEP_PSINV:
        psinv_level(mg, l, a->flag, w, t, nt);
        break;
    case STEP_RPRJ3: {
        const peli_mg_level *c = &mg->lev[a->lk - 1];
        rplanes q = {l, NULL, 0, -1};
        OWN_PLANES(c, t, nt, j3) rprj3_at(mg, &q, c, (long)j3, w);
        break;
    }
    case STEP_COARSE:
        if (t == 0) coarse_serial(mg, a->lk, w);
        break;
    default:
        level_fused(mg, a->lk, a->flag, a->kind, w, t, nt);
        break;
    }
}

static void step(peli_team *tm, pel_mg *mg, step_kind kind, int lk, int flag)
{
    step_arg a = {mg, kind, lk, flag};
    peli_phase(tm, step_phase, &a);
}

/* One V-cycle (NPB's mg3P) followed by the residual (NPB's resid), and,
 * when another cycle follows (`ahead`), the restriction of that residual;
 * `restricted`: the current one's is done. */
static void cycle(peli_team *tm, pel_mg *mg, int restricted, int ahead)
{
    int top = mg->nl - 1;
    if (top == 0) { /* one level: smoothing only */
        step(tm, mg, STEP_PSINV, top, 0);
        step(tm, mg, STEP_RESID, top, !ahead);
        return;
    }
    int kc = mg->kc; /* levels 0 .. kc on one thread (0: the coarsest alone, by the team) */
    for (int k = restricted ? top - 1 : top; k > kc; k--) step(tm, mg, STEP_RPRJ3, k, 0);
    if (kc > 0) step(tm, mg, STEP_COARSE, kc, 0);
    else step(tm, mg, STEP_PSINV, 0, 1); /* coarsest: u = S r */
    for (int k = kc + 1; k <= top; k++) {
        step(tm, mg, STEP_FUSED_PIPE, k, ahead);
        step(tm, mg, STEP_FUSED_RESID1, k, ahead);
        step(tm, mg, STEP_FUSED_PSINV, k, ahead);
        if (k < top) continue;
        step(tm, mg, STEP_FUSED_RESID3, k, ahead);
        step(tm, mg, STEP_FUSED_RPRJ3, k, ahead);
    }
}

typedef struct cycle_arg {
    pel_mg *mg;
    long cycles;
    int resid_first;
    int restricted; /* the first cycle's restriction of the finest r is done */
    long done;      /* cycles run (the master's; fewer than `cycles` when cancelled) */
    peli_stop stop; /* the team's one cancellation decision per cycle (internal/team.h) */
} cycle_arg;

static void body_cycles(peli_team *tm, void *arg)
{
    cycle_arg *a = arg;
    pel_mg *mg = a->mg;
    int rest = a->resid_first && mg->nl > 1;
    if (a->resid_first) step(tm, mg, STEP_RESID, mg->nl - 1, (a->cycles == 0) | (rest ? 2 : 0));
    if (rest) step(tm, mg, STEP_RESID_RPRJ3, mg->nl - 1, 0);
    long it = 0;
    for (; it < a->cycles; it++) {
        /* a check point per cycle: posted as cycle it - 1 began, read by
         * every thread after its phases */
        if (it > 0 && peli_stop_read(&a->stop, it - 1)) break;
        peli_stop_post(tm, &a->stop, it, mg->ctx);
        cycle(tm, mg, it > 0 || a->restricted, it + 1 < a->cycles);
    }
    if (peli_master(tm)) a->done = it;
}

/* A batch of cycles over the finest level's planes (see the top of the file).
 * The finest r is restricted in the pass that computes it, for the next
 * cycle or call (mg->restricted): a residual computed first (resid_first,
 * when the call starts with no current r nor its restriction) in its own
 * pass, which also writes r; each cycle's last one in the fused pipeline,
 * which keeps the inside of r in the ring (see Ring), so after cycles the
 * finest r is not current (r_valid = 0: what reads it computes it again,
 * the same bits) but its norms and its restriction are. */
static long run_cycles(pel_mg *mg, long cycles, int resid_first)
{
    int multi = mg->nl > 1;
    cycle_arg a = {mg, cycles, resid_first, resid_first ? multi : mg->restricted, 0, {{0, 0}}};
    peli_run(mg->ctx, mg->lev[mg->nl - 1].n3, mg->maxt, body_cycles, &a);
    if (cycles > 0 || resid_first) {
        mg->restricted = multi;
        mg->r_valid = cycles == 0 || !multi; /* one level: the residual pass writes r whole */
        /* the last residual pass took them; a cancelled batch's last cycle
         * ran as one with another ahead: restricted, without the norms */
        mg->norms_valid = a.done == cycles;
    }
    return a.done;
}

pel_status pel_mg_residual(pel_mg *mg)
{
    if (!mg) return PEL_EINVAL;
    unpack(mg);
    run_cycles(mg, 0, 1);
    return PEL_OK;
}

pel_status pel_mg_vcycle(pel_mg *mg, long cycles)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, cycles >= 0, "mg: cycles = %ld: must be non-negative", cycles);
    if (cycles > 0 && peli_cancelled(mg->ctx)) return peli_cancel_error(mg->ctx, "mg: vcycle", 0, cycles, "V-cycles");
    unpack(mg);
    peli_region_enter(mg->ctx, "mg.vcycle");
    long done = run_cycles(mg, cycles, !mg->r_valid && !mg->restricted);
    peli_region_exit(mg->ctx, "mg.vcycle");
    if (done < cycles) return peli_cancel_error(mg->ctx, "mg: vcycle", done, cycles, "V-cycles");
    return PEL_OK;
}

pel_status pel_mg_get_residual(pel_mg *mg, double *r)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, r != NULL, "mg: r must not be NULL");
    unpack(mg);
    if (!mg->r_valid) pel_mg_residual(mg);
    return copy(mg, mg->lev[mg->nl - 1].r, r, 0);
}

/* ---- norm2u3 --------------------------------------------------------------------------- */

static void job_norms(pel_mg *mg, int t, int nt, void *arg)
{
    (void)arg;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    OWN_PLANES(l, t, nt, i3) plane_norms(mg, at(l, l->r, (long)i3), i3);
}

pel_status pel_mg_norms(pel_mg *mg, double *l2, double *linf)
{
    if (!mg) return PEL_EINVAL;
    unpack(mg);
    if (!mg->norms_valid && !mg->r_valid) pel_mg_residual(mg); /* takes the norms */
    if (!mg->norms_valid) launch(mg, job_norms, NULL);
    mg->norms_valid = 1;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    double m = 0.0;
    for (size_t i = 0; i < l->n3; i++) m = fmax(m, mg->pmax[i]);
    double points = (double)l->n1 * (double)l->n2 * (double)l->n3;
    if (l2) *l2 = sqrt(pel_sum_serial(mg->psum, l->n3) / points);
    if (linf) *linf = m;
    return PEL_OK;
}
