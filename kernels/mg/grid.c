/* Multigrid functions over caller arrays (include/pel/mg.h): the
 * residual with periodic index wrap, and NPB's right-hand side zran3. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal/mg.h"
#include "internal/team.h"

static pel_status check_grid(pel_context *ctx, const char *fn, const size_t n[3])
{
    PEL_REQUIRE(ctx, n != NULL, "mg: %s: n must not be NULL", fn);
    for (int d = 0; d < 3; d++)
        PEL_REQUIRE(ctx, n[d] >= 1 && n[d] <= ((size_t)1 << 30),
                    "mg: %s: n[%d] = %zu: must be from 1 to 2^30", fn, d, n[d]);
    return PEL_OK;
}

/* ---- r = v - A u ------------------------------------------------------------------- */

typedef struct grid3 {
    size_t n0, n1, n2;
    const double *u;
} grid3;

static inline double at(const grid3 *g, size_t i0, size_t i1, size_t i2)
{
    return g->u[(i0 * g->n1 + i1) * g->n2 + i2];
}

/* NPB's row sums at column i2 of row (i0, i1): faces across rows and planes,
 * and the edges off the row's plane and row, in NPB's order. */
static inline void sums(const grid3 *g, size_t m0, size_t i0, size_t p0, size_t m1, size_t i1,
                        size_t p1, size_t i2, double *s1, double *s2)
{
    *s1 = at(g, i0, m1, i2) + at(g, i0, p1, i2) + at(g, m0, i1, i2) + at(g, p0, i1, i2);
    *s2 = at(g, m0, m1, i2) + at(g, m0, p1, i2) + at(g, p0, m1, i2) + at(g, p0, p1, i2);
}

typedef struct resid_job {
    grid3 g;
    const double *v;
    double *r;
    double a0, a1, a2, a3;
    int with_a1;
} resid_job;

/* Planes [b, e) of part t: each point is written once, so the parts are
 * independent (they may run as tasks). */
static void resid_part(int t, int nt, void *arg)
{
    const resid_job *j = arg;
    const grid3 *g = &j->g;
    const double *v = j->v;
    double *r = j->r;
    const double a0 = j->a0, a1 = j->a1, a2 = j->a2, a3 = j->a3;
    const int with_a1 = j->with_a1;
    size_t b, e;
    pel_static_range(g->n0, t, nt, &b, &e);
    for (size_t i0 = b; i0 < e; i0++) {
        size_t m0 = i0 ? i0 - 1 : g->n0 - 1, p0 = i0 + 1 < g->n0 ? i0 + 1 : 0;
        for (size_t i1 = 0; i1 < g->n1; i1++) {
            size_t m1 = i1 ? i1 - 1 : g->n1 - 1, p1 = i1 + 1 < g->n1 ? i1 + 1 : 0;
            for (size_t i2 = 0; i2 < g->n2; i2++) {
                size_t m2 = i2 ? i2 - 1 : g->n2 - 1, p2 = i2 + 1 < g->n2 ? i2 + 1 : 0;
                double f0, e0, fm, em, fp, ep;
                sums(g, m0, i0, p0, m1, i1, p1, i2, &f0, &e0);
                sums(g, m0, i0, p0, m1, i1, p1, m2, &fm, &em);
                sums(g, m0, i0, p0, m1, i1, p1, p2, &fp, &ep);
                size_t k = (i0 * g->n1 + i1) * g->n2 + i2;
                double s = (v ? v[k] : 0.0) - a0 * g->u[k];
                if (with_a1) s = s - a1 * (at(g, i0, i1, m2) + at(g, i0, i1, p2) + f0);
                r[k] = s - a2 * (e0 + fm + fp) - a3 * (em + ep);
            }
        }
    }
}

pel_status pel_mg_resid(pel_context *ctx, const size_t n[3], const double a[4], const double *u,
                        const double *v, double *r)
{
    if (!ctx) return PEL_EINVAL;
    pel_status st = check_grid(ctx, "resid", n);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(ctx, a != NULL, "mg: resid: a must not be NULL");
    PEL_REQUIRE(ctx, u != NULL, "mg: resid: u must not be NULL");
    PEL_REQUIRE(ctx, r != NULL, "mg: resid: r must not be NULL");
    PEL_REQUIRE(ctx, r != u, "mg: resid: r must not be u");
    for (int i = 0; i < 4; i++)
        PEL_REQUIRE(ctx, isfinite(a[i]), "mg: resid: a[%d] = %g: must be finite", i, a[i]);
    resid_job j = {{n[0], n[1], n[2], u}, v, r, a[0], a[1], a[2], a[3], a[1] != 0.0};
    peli_parallel(ctx, n[0], 0, 0, resid_part, &j);
    return PEL_OK;
}

/* ---- zran3 --------------------------------------------------------------------------- */

#define ZRAN_SEED UINT64_C(314159265) /* NPB 3.3.1 mg.f, zran3: x = 314159265 */
#define ZRAN_COUNT PELI_MG_ZRAN_COUNT  /* mm: ten +1 and ten -1 */

typedef peli_mg_cand cand;

/* The top list keeps the largest values, the bottom list the smallest; a tie
 * goes to the lower index, so the choice is a total order on the grid. */
static inline int beats(const cand *a, const cand *b, int top)
{
    if (a->x != b->x) return top ? a->x > b->x : a->x < b->x;
    return a->k < b->k;
}

static void offer(cand *list, int *count, cand c, int top)
{
    if (*count == ZRAN_COUNT && !beats(&c, &list[ZRAN_COUNT - 1], top)) return;
    int i = *count < ZRAN_COUNT ? (*count)++ : ZRAN_COUNT - 1;
    while (i > 0 && beats(&c, &list[i - 1], top)) {
        list[i] = list[i - 1];
        i--;
    }
    list[i] = c;
}

void peli_mg_zran3_scan(peli_mg_zran *z, size_t b, size_t e)
{
    const uint64_t a = PEL_LCG46_A;
    cand *top = z->top, *bot = z->bot;
    int *ntop = &z->ntop, *nbot = &z->nbot;
    *ntop = *nbot = 0;
    uint64_t x = pel_lcg46_skip(ZRAN_SEED, a, b); /* element k is seed a^(k+1) */
    for (size_t k = b; k < e; k++) {
        x = pel_lcg46_next(x, a);
        cand c = {pel_lcg46_real(x), k};
        if (*ntop < ZRAN_COUNT || c.x >= top[ZRAN_COUNT - 1].x) offer(top, ntop, c, 1);
        if (*nbot < ZRAN_COUNT || c.x <= bot[ZRAN_COUNT - 1].x) offer(bot, nbot, c, 0);
    }
}

void peli_mg_zran3_merge(peli_mg_zran *into, const peli_mg_zran *from)
{
    for (int i = 0; i < from->ntop; i++) offer(into->top, &into->ntop, from->top[i], 1);
    for (int i = 0; i < from->nbot; i++) offer(into->bot, &into->nbot, from->bot[i], 0);
}

typedef struct zran_job {
    const size_t *n;
    double *v;
    size_t plane;
    peli_mg_zran *z;
} zran_job;

/* Planes [b, e) of part t: v = 0 there, and the part's candidates. */
static void zran_part(int t, int nt, void *arg)
{
    const zran_job *j = arg;
    size_t b = pel_static_begin(j->n[0], t, nt) * j->plane;
    size_t e = pel_static_begin(j->n[0], t + 1, nt) * j->plane;
    memset(j->v + b, 0, (e - b) * sizeof *j->v);
    peli_mg_zran3_scan(&j->z[t], b, e);
}

pel_status pel_mg_zran3(pel_context *ctx, const size_t n[3], double *v)
{
    if (!ctx) return PEL_EINVAL;
    pel_status st = check_grid(ctx, "zran3", n);
    if (st != PEL_OK) return st;
    PEL_REQUIRE(ctx, v != NULL, "mg: zran3: v must not be NULL");
    size_t plane = n[1] * n[2], points = n[0] * plane;
    PEL_REQUIRE(ctx, points >= 2 * ZRAN_COUNT,
                "mg: zran3: n = %zu x %zu x %zu: must have at least %d points", n[0], n[1], n[2],
                2 * ZRAN_COUNT);
    /* per part: ten top and ten bottom candidates, with their counts */
    int want = peli_team_want(ctx, n[0], 0);
    peli_mg_zran *z = malloc((size_t)want * sizeof *z);
    if (!z) return pel_error(ctx, PEL_ENOMEM, "mg: zran3: out of memory");
    zran_job job = {n, v, plane, z};
    int team = peli_parallel(ctx, n[0], want, 0, zran_part, &job);
    /* merge in part order; the total order makes the result independent of it */
    peli_mg_zran all = {.ntop = 0, .nbot = 0};
    for (int t = 0; t < team; t++) peli_mg_zran3_merge(&all, &z[t]);
    for (int i = 0; i < all.nbot; i++) v[all.bot[i].k] = -1.0; /* NPB sets the -1s first */
    for (int i = 0; i < all.ntop; i++) v[all.top[i].k] = +1.0;
    free(z);
    return PEL_OK;
}
