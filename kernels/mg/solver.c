/* The multigrid solver (include/pel/mg.h): the level hierarchy, the
 * copies between the user's layout and the solver's, and the V-cycle.
 *
 * Parallel structure: every kernel runs over the planes of one level split
 * by pel_static_range (the split of the first touch), each plane written by
 * one thread; a barrier separates kernels that read what the previous one
 * wrote.  A whole batch of cycles is one parallel region.  Since a point's
 * value never depends on who computed it, and the norms combine per-plane
 * sums in plane order, results are the same for every thread count. */
#include <config.h>

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/mg.h"

struct pel_mg {
    pel_context *ctx;
    pel_mg_params p;
    peli_mg_coef k;
    int nl;                                /* levels; lev[nl - 1] is the finest */
    peli_mg_level lev[PELI_MG_MAX_LEVELS];
    double *v;                             /* right-hand side, finest layout */
    int nt;                                /* team size fixed at create */
    size_t wlen;                           /* scratch doubles per thread */
    double *work;                          /* nt * wlen */
    double *psum, *pmax;                   /* per finest plane: norms' partials */
    int r_valid;                           /* r = v - A u holds */
    int norms_valid;                       /* and psum, pmax are r's */
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
    int most = log2z(nmin); /* the coarsest grid has 2 points along its shortest side */
    PEL_REQUIRE(ctx, p->levels >= 0 && p->levels <= most,
                "mg: levels = %d: must be 0 (all) or 1 to %d for this grid", p->levels, most);
    *levels = p->levels ? p->levels : most;
    return PEL_OK;
}

/* ---- running a team ------------------------------------------------------------ */

typedef void (*team_job)(pel_mg *mg, int t, int nt, void *arg);

static void run_team(pel_mg *mg, team_job job, void *arg)
{
#pragma omp parallel num_threads(mg->nt) default(none) shared(mg, job, arg)
    job(mg, omp_get_thread_num(), omp_get_num_threads(), arg);
}

#define OWN_PLANES(l, t, nt, i3)                                                              \
    for (size_t b_ = pel_static_begin((l)->n3, (t), (nt)), e_ = pel_static_begin((l)->n3, (t) + 1, (nt)), \
                i3 = b_;                                                                      \
         i3 < e_; i3++)

static void job_first_touch(pel_mg *mg, int t, int nt, void *arg)
{
    (void)arg;
    for (int k = 0; k < mg->nl; k++) {
        const peli_mg_level *l = &mg->lev[k];
        OWN_PLANES(l, t, nt, i3) {
            memset(l->u + i3 * l->plane, 0, l->plane * sizeof(double));
            memset(l->r + i3 * l->plane, 0, l->plane * sizeof(double));
            if (k == mg->nl - 1) memset(mg->v + i3 * l->plane, 0, l->plane * sizeof(double));
        }
    }
    memset(mg->work + (size_t)t * mg->wlen, 0, mg->wlen * sizeof(double));
}

/* ---- create / destroy ------------------------------------------------------------ */

pel_status pel_mg_create(pel_context *ctx, const pel_mg_params *p, pel_mg **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out != NULL, "mg: the result pointer must not be NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, p != NULL, "mg: params must not be NULL");
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
        l->u = pel_malloc(n3 * l->plane * sizeof(double));
        l->r = pel_malloc(n3 * l->plane * sizeof(double));
        ok = ok && l->u && l->r;
        n1 /= 2, n2 /= 2, n3 /= 2;
    }
    const peli_mg_level *fine = &mg->lev[nl - 1];
    mg->v = pel_malloc(fine->n3 * fine->plane * sizeof(double));
    mg->nt = pel_team_size(ctx, fine->n3);
    mg->wlen = (3 * fine->row + 7) / 8 * 8; /* whole cache lines per thread */
    mg->work = pel_malloc((size_t)mg->nt * mg->wlen * sizeof(double));
    mg->psum = malloc(fine->n3 * sizeof(double));
    mg->pmax = malloc(fine->n3 * sizeof(double));
    if (!ok || !mg->v || !mg->work || !mg->psum || !mg->pmax) {
        pel_mg_destroy(mg);
        return pel_error(ctx, PEL_ENOMEM, "mg: out of memory for a %zu x %zu x %zu grid",
                         p->n[0], p->n[1], p->n[2]);
    }
    run_team(mg, job_first_touch, NULL);
    mg->r_valid = 1; /* u = v = r = 0 */
    *out = mg;
    return PEL_OK;
}

void pel_mg_destroy(pel_mg *mg)
{
    if (!mg) return;
    for (int k = 0; k < mg->nl; k++) {
        pel_free(mg->lev[k].u);
        pel_free(mg->lev[k].r);
    }
    pel_free(mg->v);
    pel_free(mg->work);
    free(mg->psum);
    free(mg->pmax);
    peli_context_release(mg->ctx);
    free(mg);
}

const pel_mg_params *pel_mg_params_get(const pel_mg *mg) { return mg ? &mg->p : NULL; }
int pel_mg_levels(const pel_mg *mg) { return mg ? mg->nl : 0; }

/* ---- copies between the user's layout and the solver's ---------------------------- */

typedef struct copy_arg {
    double *x;       /* solver array (finest level layout) */
    double *user;    /* the user's array */
    int in;          /* 1: user -> solver (NULL user: zero), 0: solver -> user */
} copy_arg;

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
        }
        if (c->in) peli_mg_fill_halo(l, p);
    }
}

static pel_status copy(pel_mg *mg, double *x, const double *user, int in)
{
    copy_arg c = {x, (double *)user, in};
    run_team(mg, job_copy, &c);
    return PEL_OK;
}

pel_status pel_mg_set_rhs(pel_mg *mg, const double *v)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, v != NULL, "mg: v must not be NULL");
    mg->r_valid = mg->norms_valid = 0;
    return copy(mg, mg->v, v, 1);
}

pel_status pel_mg_set_solution(pel_mg *mg, const double *u)
{
    if (!mg) return PEL_EINVAL;
    mg->r_valid = mg->norms_valid = 0;
    return copy(mg, mg->lev[mg->nl - 1].u, u, 1);
}

pel_status pel_mg_get_solution(pel_mg *mg, double *u)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, u != NULL, "mg: u must not be NULL");
    return copy(mg, mg->lev[mg->nl - 1].u, u, 0);
}

/* ---- the V-cycle -------------------------------------------------------------------- */

/* The finest residual's norm partials of plane i3, while the plane is in cache. */
static void plane_norms(pel_mg *mg, size_t i3)
{
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    peli_mg_plane_norms(l, l->r, i3, &mg->psum[i3], &mg->pmax[i3]);
}

/* The finest level's r = v - A u (with its norms' partials if `norms`). */
static void resid_level(pel_mg *mg, const peli_mg_level *l, const double *v, int norms, double *w,
                        int t, int nt)
{
    OWN_PLANES(l, t, nt, i3) {
        peli_mg_resid_plane(l, &mg->k, l->u, v, l->r, i3, w);
        if (norms) plane_norms(mg, i3);
    }
}

static void psinv_level(pel_mg *mg, const peli_mg_level *l, int zero, double *w, int t, int nt)
{
    OWN_PLANES(l, t, nt, i3) peli_mg_psinv_plane(l, &mg->k, l->r, l->u, i3, zero, w);
}

/* Level k's part of the up-sweep, fused: u = (u +) Q u_coarse, r = v - A u,
 * u += S r, and on the finest level (last) also r = v - A u and the
 * restriction of that r (the next cycle's first step).  One pass over the
 * thread's planes [b, e) runs the stages one plane apart, so each plane is
 * reused from cache.  A stage needs the previous one on three planes, so the
 * planes near the slab's ends (which need the neighbouring slabs, or the
 * periodic wrap) are left to short passes after barriers.  Each point is
 * computed by the same expression as in the unfused order, so the result is
 * the same.  Coarse plane q is restricted by the owner of fine plane 2q + 1. */
static void level_fused(pel_mg *mg, int lk, int ahead, double *w, int t, int nt)
{
    const peli_mg_level *c = &mg->lev[lk - 1], *l = &mg->lev[lk];
    const peli_mg_coef *k = &mg->k;
    int last = lk == mg->nl - 1, rest = last && ahead; /* restrict for a next cycle */
    int norms = last && !ahead; /* or take the final residual's norms */
    const double *v = last ? mg->v : l->r; /* coarse levels: r = r - A u, in place */
    long b = (long)pel_static_begin(l->n3, t, nt), e = (long)pel_static_begin(l->n3, t + 1, nt);
    /* stage s (1: resid, 2: psinv, 3: resid) runs in the pipeline on [b + s, e - 1 - s] */
#define INSIDE(j, s) ((j) >= b + (s) && (j) <= e - 1 - (s))
#define RESTRICT_INSIDE(q) (2 * (q) >= b + 3 && 2 * (q) + 2 <= e - 4)
    for (long i = b; i < e; i++) {
        peli_mg_interp_plane(c, l, (size_t)i, !last, w);
        if (INSIDE(i - 1, 1)) peli_mg_resid_plane(l, k, l->u, v, l->r, (size_t)(i - 1), w);
        if (INSIDE(i - 2, 2)) peli_mg_psinv_plane(l, k, l->r, l->u, (size_t)(i - 2), 0, w);
        if (last && INSIDE(i - 3, 3)) {
            peli_mg_resid_plane(l, k, l->u, v, l->r, (size_t)(i - 3), w);
            if (norms) plane_norms(mg, (size_t)(i - 3));
            if (rest && (i - 3) % 2 == 0 && RESTRICT_INSIDE((i - 3) / 2 - 1))
                peli_mg_rprj3_plane(l, c, (size_t)((i - 3) / 2 - 1), w);
        }
    }
#pragma omp barrier
    for (long j = b; j < e; j++)
        if (!INSIDE(j, 1)) peli_mg_resid_plane(l, k, l->u, v, l->r, (size_t)j, w);
#pragma omp barrier
    for (long j = b; j < e; j++)
        if (!INSIDE(j, 2)) peli_mg_psinv_plane(l, k, l->r, l->u, (size_t)j, 0, w);
#pragma omp barrier
    if (!last) return;
    for (long j = b; j < e; j++)
        if (!INSIDE(j, 3)) {
            peli_mg_resid_plane(l, k, l->u, v, l->r, (size_t)j, w);
            if (norms) plane_norms(mg, (size_t)j);
        }
#pragma omp barrier
    if (!rest) return;
    for (long q = b / 2; 2 * q + 1 < e; q++)
        if (2 * q + 1 >= b && !RESTRICT_INSIDE(q)) peli_mg_rprj3_plane(l, c, (size_t)q, w);
#pragma omp barrier
#undef RESTRICT_INSIDE
#undef INSIDE
}

/* One V-cycle (NPB's mg3P) followed by the residual (NPB's resid), and,
 * when another cycle follows (`ahead`), the restriction of that residual;
 * `restricted`: the current one's is done. */
static void cycle(pel_mg *mg, double *w, int t, int nt, int restricted, int ahead)
{
    int top = mg->nl - 1;
    const peli_mg_level *fine = &mg->lev[top];
    if (top == 0) { /* one level: smoothing only */
        psinv_level(mg, fine, 0, w, t, nt);
#pragma omp barrier
        resid_level(mg, fine, mg->v, !ahead, w, t, nt);
#pragma omp barrier
        return;
    }
    for (int k = restricted ? top - 1 : top; k >= 1; k--) {
        const peli_mg_level *c = &mg->lev[k - 1];
        OWN_PLANES(c, t, nt, j3) peli_mg_rprj3_plane(&mg->lev[k], c, j3, w);
#pragma omp barrier
    }
    psinv_level(mg, &mg->lev[0], 1, w, t, nt); /* coarsest: u = S r */
#pragma omp barrier
    for (int k = 1; k <= top; k++) level_fused(mg, k, ahead, w, t, nt);
}

typedef struct cycle_arg {
    long cycles;
    int resid_first;
} cycle_arg;

static void job_cycles(pel_mg *mg, int t, int nt, void *arg)
{
    const cycle_arg *a = arg;
    double *w = mg->work + (size_t)t * mg->wlen;
    const peli_mg_level *fine = &mg->lev[mg->nl - 1];
    if (a->resid_first) {
        resid_level(mg, fine, mg->v, a->cycles == 0, w, t, nt);
#pragma omp barrier
    }
    for (long it = 0; it < a->cycles; it++)
        cycle(mg, w, t, nt, it > 0, it + 1 < a->cycles);
}

pel_status pel_mg_residual(pel_mg *mg)
{
    if (!mg) return PEL_EINVAL;
    cycle_arg a = {0, 1};
    run_team(mg, job_cycles, &a);
    mg->r_valid = mg->norms_valid = 1; /* the last residual pass took the norms */
    return PEL_OK;
}

pel_status pel_mg_vcycle(pel_mg *mg, long cycles)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, cycles >= 0, "mg: cycles = %ld: must be non-negative", cycles);
    pel_status s = pel_region_begin(mg->ctx, "mg.vcycle");
    if (s != PEL_OK) return s;
    cycle_arg a = {cycles, !mg->r_valid};
    run_team(mg, job_cycles, &a);
    if (cycles > 0 || !mg->r_valid) mg->norms_valid = 1; /* the last residual pass took them */
    mg->r_valid = 1;
    return pel_region_end(mg->ctx, "mg.vcycle");
}

pel_status pel_mg_get_residual(pel_mg *mg, double *r)
{
    if (!mg) return PEL_EINVAL;
    PEL_REQUIRE(mg->ctx, r != NULL, "mg: r must not be NULL");
    if (!mg->r_valid) pel_mg_residual(mg);
    return copy(mg, mg->lev[mg->nl - 1].r, r, 0);
}

/* ---- norm2u3 --------------------------------------------------------------------------- */

static void job_norms(pel_mg *mg, int t, int nt, void *arg)
{
    (void)arg;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    OWN_PLANES(l, t, nt, i3) peli_mg_plane_norms(l, l->r, i3, &mg->psum[i3], &mg->pmax[i3]);
}

pel_status pel_mg_norms(pel_mg *mg, double *l2, double *linf)
{
    if (!mg) return PEL_EINVAL;
    if (!mg->r_valid) pel_mg_residual(mg);
    if (!mg->norms_valid) run_team(mg, job_norms, NULL);
    mg->norms_valid = 1;
    const peli_mg_level *l = &mg->lev[mg->nl - 1];
    double m = 0.0;
    for (size_t i = 0; i < l->n3; i++) m = fmax(m, mg->pmax[i]);
    double points = (double)l->n1 * (double)l->n2 * (double)l->n3;
    if (l2) *l2 = sqrt(pel_sum_serial(mg->psum, l->n3) / points);
    if (linf) *linf = m;
    return PEL_OK;
}
