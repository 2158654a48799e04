/* The heat solver (include/pel/heat.h, part b): owns two fields, sets the
 * initial condition, steps with the FTCS sweeps (sweep.c, fused.c) and
 * checks its invariants.  The error bounds behind each verification record
 * are derived in docs/heat.md and summarised where they are computed. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "internal/heat.h"

#define PI 3.14159265358979323846
#define UROUND (DBL_EPSILON / 2) /* unit round-off u = 2^-53 */

struct pel_heat {
    pel_context *ctx;
    pel_heat_params p;
    peli_heat_grid g;
    double *u, *w; /* the current field and the other buffer */
    long step;
    /* the initial field: its extremes, largest magnitude and total */
    double max0, min0, mag0, sum0;
    /* mode init: S = prod_d shape[d][i_d], the FTCS factor G per step, and
     * what the continuum comparison needs */
    double *shape[3];
    double factor;     /* G = 1 - sum_d 4 r_d sin^2(k_d h_d / 2) */
    double rate_fd;    /* sigma = (1 - G) / dt, the semi-discrete decay rate */
    double rate_pde;   /* lambda = alpha |k|^2 */
    double rate_h2;    /* alpha sum_d k_d^4 h_d^2 / 12 bounds lambda - sigma */
    double ss, sabs;   /* sum of S^2 and of |S| over the grid */
};

/* ---- parameters ------------------------------------------------------------- */

static double spacing(const pel_heat_params *p, int d)
{
    return p->length[d] / (double)(p->bc == PEL_BC_PERIODIC ? p->n[d] : p->n[d] - 1);
}

void pel_heat_params_default(pel_heat_params *p, int dim)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->dim = dim;
    for (int d = 0; d < 3; d++) {
        p->n[d] = 64;
        p->length[d] = 1.0;
        p->mode[d] = 1;
    }
    p->alpha = 1.0;
    p->bc = PEL_BC_DIRICHLET;
    p->init = PEL_HEAT_INIT_MODE;
    p->amplitude = 1.0;
    p->offset = 0.0;
    p->seed = 1;
    double h = spacing(p, 0); /* stable while dt <= h^2 / (2 dim alpha) */
    p->dt = 0.8 * PEL_HEAT_STABILITY_SUM * h * h / ((dim == 3 ? 3 : 2) * p->alpha);
}

/* r_d = alpha dt / h_d^2: computed here only, for the check and the sweeps */
static void heat_r(const pel_heat_params *p, double r[3])
{
    r[0] = r[1] = r[2] = 0.0;
    for (int d = 0; d < p->dim; d++) r[d] = p->alpha * p->dt / (spacing(p, d) * spacing(p, d));
}

static pel_status check_params(pel_context *ctx, const pel_heat_params *p)
{
    pel_status st = peli_heat_check_grid(ctx, p->dim, p->n, p->bc);
    if (st != PEL_OK) return st;
    for (int d = 0; d < p->dim; d++)
        PEL_REQUIRE(ctx, isfinite(p->length[d]) && p->length[d] > 0,
                    "heat: length[%d] = %g: must be positive and finite", d, p->length[d]);
    PEL_REQUIRE(ctx, isfinite(p->alpha) && p->alpha > 0,
                "heat: alpha = %g: must be positive and finite", p->alpha);
    PEL_REQUIRE(ctx, isfinite(p->dt) && p->dt > 0, "heat: dt = %g: must be positive and finite",
                p->dt);
    PEL_REQUIRE(ctx, p->init == PEL_HEAT_INIT_MODE || p->init == PEL_HEAT_INIT_RANDOM,
                "heat: init = %d: must be PEL_HEAT_INIT_MODE or PEL_HEAT_INIT_RANDOM",
                (int)p->init);
    for (int d = 0; p->init == PEL_HEAT_INIT_MODE && d < p->dim; d++) {
        PEL_REQUIRE(ctx, p->mode[d] >= 1, "heat: mode[%d] = %d: must be at least 1", d,
                    p->mode[d]);
        /* Nyquist: a higher p aliases onto a lower mode (or vanishes) */
        size_t pd = (size_t)p->mode[d];
        if (p->bc == PEL_BC_PERIODIC)
            PEL_REQUIRE(ctx, 2 * pd < p->n[d],
                        "heat: mode[%d] = %d: must be below n[%d]/2 = %g (Nyquist, periodic)", d,
                        p->mode[d], d, 0.5 * (double)p->n[d]);
        else
            PEL_REQUIRE(ctx, pd < p->n[d] - 1,
                        "heat: mode[%d] = %d: must be below n[%d] - 1 = %zu (Nyquist, Dirichlet)",
                        d, p->mode[d], d, p->n[d] - 1);
    }
    PEL_REQUIRE(ctx, isfinite(p->amplitude), "heat: amplitude = %g: must be finite", p->amplitude);
    PEL_REQUIRE(ctx, isfinite(p->offset), "heat: offset = %g: must be finite", p->offset);

    double r[3], inv_h2 = 0.0;
    heat_r(p, r);
    for (int d = 0; d < p->dim; d++) inv_h2 += 1.0 / (spacing(p, d) * spacing(p, d));
    return peli_heat_check_stability(ctx, p->dim, r, p->dt,
                                     PEL_HEAT_STABILITY_SUM / (p->alpha * inv_h2));
}

/* ---- the initial condition ------------------------------------------------------- */

/* Product of the outer shape factors of row q (everything but the last index). */
static inline double row_shape(const pel_heat *h, size_t q)
{
    if (h->p.dim == 2) return h->shape[0][q];
    size_t n1 = h->p.n[1], i = q / n1;
    return h->shape[0][i] * h->shape[1][q - i * n1];
}

/* s_d(i) = sin(p pi i / (n-1)) (Dirichlet, exactly 0 on the boundary) or
 * sin(2 pi p i / n) (periodic); the argument is reduced modulo 2 pi in
 * integers first so large p*i lose no accuracy. */
static void shape_table(double *s, size_t n, int p, int periodic)
{
    size_t period = periodic ? n : 2 * (n - 1); /* of p*i, in units of 2 pi / period */
    for (size_t i = 0; i < n; i++) {
        size_t m = (size_t)p * i % period;
        s[i] = (m == 0 || 2 * m == period) ? 0.0 : sin(2.0 * PI * (double)m / (double)period);
    }
}

static void set_mode_constants(pel_heat *h)
{
    const pel_heat_params *p = &h->p;
    double sum = 0.0, k2 = 0.0, k4h2 = 0.0;
    h->ss = h->sabs = 1.0;
    for (int d = 0; d < p->dim; d++) {
        int periodic = p->bc == PEL_BC_PERIODIC;
        double hd = spacing(p, d), k = (periodic ? 2.0 : 1.0) * PI * p->mode[d] / p->length[d];
        double s = sin(0.5 * k * hd);
        sum += 4.0 * h->g.r[d] * s * s;
        k2 += k * k;
        k4h2 += k * k * k * k * hd * hd;
        double ss = 0.0, sabs = 0.0;
        for (size_t i = 0; i < p->n[d]; i++)
            ss += h->shape[d][i] * h->shape[d][i], sabs += fabs(h->shape[d][i]);
        h->ss *= ss; /* the grid sums factorise over dimensions */
        h->sabs *= sabs;
    }
    h->factor = 1.0 - sum;
    h->rate_fd = sum / p->dt;
    h->rate_pde = p->alpha * k2;
    h->rate_h2 = p->alpha * k4h2 / 12.0;
}

/* Writes the initial field (and zeroes the other buffer) with the sweep's
 * own partition of rows: this is the first touch that places the pages. */
static void set_initial(pel_heat *h)
{
    const size_t nrows = h->g.nrows, len = h->g.rowlen;
    const double A = h->p.amplitude, off = h->p.offset;
    const int random = h->p.init == PEL_HEAT_INIT_RANDOM;
    const double *last = h->shape[h->p.dim - 1];
    const pel_rng rng = pel_rng_stream(h->p.seed, 0);
    double *u = h->u, *w = h->w;
    const pel_heat *hc = h;
#pragma omp parallel num_threads(h->g.nthreads) default(none) \
    shared(hc, u, w, nrows, len, A, off, random, last, rng)
    {
        size_t b, e;
        pel_static_range(nrows, omp_get_thread_num(), omp_get_num_threads(), &b, &e);
        memset(w + b * len, 0, (e - b) * len * sizeof *w);
        if (random) { /* point i is element i of stream (seed, 0) */
            double *x = u + b * len;
            size_t cnt = (e - b) * len;
            pel_rng_fill_uniform_range(rng, 0, b * len, x, cnt);
            for (size_t i = 0; i < cnt; i++) x[i] = off + A * x[i];
        } else {
            for (size_t q = b; q < e; q++) {
                double *row = u + q * len, s = row_shape(hc, q);
                for (size_t k = 0; k < len; k++) row[k] = off + A * (s * last[k]);
            }
        }
    }
}

/* ---- create / destroy ------------------------------------------------------------ */

pel_status pel_heat_create(pel_context *ctx, const pel_heat_params *p, pel_heat **out)
{
    if (!ctx) return PEL_EINVAL;
    PEL_REQUIRE(ctx, out, "heat: the result pointer h is NULL");
    *out = NULL;
    PEL_REQUIRE(ctx, p, "heat: params is NULL");
    pel_status s = check_params(ctx, p);
    if (s != PEL_OK) return s;

    pel_heat *h = calloc(1, sizeof *h);
    if (!h) return pel_error(ctx, PEL_ENOMEM, "heat: no memory for the solver");
    h->ctx = peli_context_retain(ctx);
    h->p = *p;
    double r[3];
    heat_r(p, r);
    peli_heat_grid_init(&h->g, ctx, p->dim, p->n, r, p->bc);
    size_t bytes = h->g.points * sizeof(double);
    h->u = pel_malloc(bytes);
    h->w = pel_malloc(bytes);
    int ok = h->u && h->w;
    for (int d = 0; ok && p->init == PEL_HEAT_INIT_MODE && d < p->dim; d++) {
        ok = (h->shape[d] = malloc(p->n[d] * sizeof(double))) != NULL;
        if (ok) shape_table(h->shape[d], p->n[d], p->mode[d], p->bc == PEL_BC_PERIODIC);
    }
    if (!ok) {
        pel_heat_destroy(h);
        return pel_error(ctx, PEL_ENOMEM, "heat: no memory for two fields of %zu points (%.3g GiB)",
                         bytes / sizeof(double), 2.0 * (double)bytes / (1 << 30));
    }
    if (p->init == PEL_HEAT_INIT_MODE) set_mode_constants(h);
    set_initial(h);

    h->max0 = pel_max(h->ctx, h->u, h->g.points);
    h->min0 = pel_min(h->ctx, h->u, h->g.points);
    h->mag0 = fmax(fabs(h->max0), fabs(h->min0));
    h->sum0 = pel_sum(h->ctx, h->u, h->g.points);
    *out = h;
    return PEL_OK;
}

void pel_heat_destroy(pel_heat *h)
{
    if (!h) return;
    pel_free(h->u);
    pel_free(h->w);
    for (int d = 0; d < 3; d++) free(h->shape[d]);
    peli_context_release(h->ctx);
    free(h);
}

/* ---- stepping and state ----------------------------------------------------------- */

pel_status pel_heat_step(pel_heat *h, long nsteps)
{
    if (!h) return PEL_EINVAL;
    PEL_REQUIRE(h->ctx, nsteps >= 0, "heat: nsteps = %ld: must be non-negative", nsteps);
    PEL_REQUIRE(h->ctx, nsteps <= LONG_MAX - h->step,
                "heat: nsteps = %ld: the step count would overflow (now %ld)", nsteps, h->step);
    pel_status s = pel_region_begin(h->ctx, "heat.step");
    if (s != PEL_OK) return s;
    h->g.nthreads = pel_team_size(h->ctx, h->g.nrows); /* the context's current count */
    double *res = peli_heat_run(&h->g, h->u, h->w, nsteps, 0);
    if (res != h->u) { /* an odd count leaves the result in the other buffer */
        h->w = h->u;
        h->u = res;
    }
    h->step += nsteps;
    return pel_region_end(h->ctx, "heat.step");
}

double *pel_heat_field(pel_heat *h) { return h ? h->u : NULL; }
size_t pel_heat_points(const pel_heat *h) { return h ? h->g.points : 0; }
const pel_heat_params *pel_heat_params_get(const pel_heat *h) { return h ? &h->p : NULL; }
long pel_heat_step_count(const pel_heat *h) { return h ? h->step : 0; }
double pel_heat_time(const pel_heat *h) { return h ? (double)h->step * h->p.dt : 0.0; }
double pel_heat_r(const pel_heat *h, int d)
{
    return h && d >= 0 && d < h->p.dim ? h->g.r[d] : 0.0;
}

pel_status pel_heat_set_state(pel_heat *h, long step, const double *u)
{
    if (!h) return PEL_EINVAL;
    PEL_REQUIRE(h->ctx, step >= 0, "heat: step = %ld: must be non-negative", step);
    if (u && u != h->u) {
        double *dst = h->u;
        const size_t nrows = h->g.nrows, len = h->g.rowlen;
#pragma omp parallel num_threads(pel_team_size(h->ctx, nrows)) default(none) \
    shared(dst, u, nrows, len)
        { /* each thread copies the rows it steps */
            size_t b, e;
            pel_static_range(nrows, omp_get_thread_num(), omp_get_num_threads(), &b, &e);
            memcpy(dst + b * len, u + b * len, (e - b) * len * sizeof *dst);
        }
    }
    h->step = step;
    return PEL_OK;
}

/* ---- verification ------------------------------------------------------------------
 * Round-off, with u = 2^-53 and M = max |initial field|:
 *  - one computed point differs from the exact update of the same inputs by at
 *    most 16 M u: (a - 2c) + b is off by <= 7 M u, r times it by <= 11 r M u,
 *    each of the dim additions to c by <= 3 M u (partial sums stay below 3M
 *    since sum r <= 1/2), so 9 M u + 5.5 M u for 3D;
 *  - with sum r <= 1/2 the exact update is a convex combination (weights
 *    1 - 2 sum r, r_d, r_d), so it never amplifies earlier errors and its
 *    iterates stay within [min0, max0]: after s steps the field is within
 *    16 s M u of the exact discrete evolution of the same initial data. */
#define STEP_ERR 16.0
/* A reproducible sum of m terms (blocks of 2048 summed by 8 accumulators of
 * 256 terms, then a pairwise tree of depth < 40) is off by at most
 * (255 + 3 + 40) u sum |terms|; 512 covers it with room for the products. */
#define SUM_ERR 512.0

typedef struct probe {
    const pel_heat *h;
    const double *u;
    double amp; /* A G^s */
} probe;

/* max |u - (offset + amp S)| over points [b, e); NaN wins. */
static double leaf_mode_err(const void *user, size_t b, size_t e)
{
    const probe *pr = user;
    const pel_heat *h = pr->h;
    const size_t len = h->g.rowlen;
    const double *last = h->shape[h->p.dim - 1], off = h->p.offset, amp = pr->amp;
    double m = 0.0;
    for (size_t i = b; i < e;) {
        size_t q = i / len, k = i - q * len, stop = (q + 1) * len < e ? (q + 1) * len : e;
        double s = row_shape(h, q);
        for (; i < stop; i++, k++) {
            double d = fabs(pr->u[i] - (off + amp * (s * last[k])));
            if (isnan(d) || d > m) m = d;
            if (isnan(m)) return m;
        }
    }
    return m;
}

/* sum (u - offset) S over points [b, e), in index order. */
static double leaf_projection(const void *user, size_t b, size_t e)
{
    const probe *pr = user;
    const pel_heat *h = pr->h;
    const size_t len = h->g.rowlen;
    const double *last = h->shape[h->p.dim - 1], off = h->p.offset;
    double acc = 0.0;
    for (size_t i = b; i < e;) {
        size_t q = i / len, k = i - q * len, stop = (q + 1) * len < e ? (q + 1) * len : e;
        double s = row_shape(h, q);
        for (; i < stop; i++, k++) acc += (pr->u[i] - off) * (s * last[k]);
    }
    return acc;
}

/* |G^s - exp(-lambda t)|, bounded through the leading truncation terms.  With
 * sigma = (1 - G)/dt = alpha sum_d (4/h_d^2) sin^2(k_d h_d/2):
 *   space: x^2 - x^4/12 <= 4 sin^2(x/2) <= x^2, so 0 <= lambda - sigma <= Es
 *          = alpha sum_d k_d^4 h_d^2 / 12;
 *   time:  G^s = exp(-mu t) with mu = -ln(G)/dt, and y <= -ln(1-y) <= y +
 *          y^2/(2(1-y)) for y = sigma dt, so 0 <= mu - sigma <= Et =
 *          sigma^2 dt / (2G).
 * The two errors have opposite signs, so |mu - lambda| <= max(Es, Et), and
 * min(mu, lambda) >= lambda - Es: by the mean value theorem
 *   |exp(-mu t) - exp(-lambda t)| <= t max(Es, Et) exp(-(lambda - Es) t).
 * A mode the scheme cannot resolve (G <= 0) keeps the trivial bound. */
static double truncation_bound(const pel_heat *h, double t, double s)
{
    double G = h->factor, trivial = pow(fabs(G), s) + exp(-h->rate_pde * t);
    if (G <= 0) return trivial;
    double Es = h->rate_h2, Et = h->rate_fd * h->rate_fd * h->p.dt / (2.0 * G);
    return fmin(trivial, t * fmax(Es, Et) * exp(-(h->rate_pde - Es) * t));
}

static void verify_mode(const pel_heat *h, pel_verify_log *log, int nt)
{
    const double A = h->p.amplitude, off = h->p.offset, s = (double)h->step;
    const double t = s * h->p.dt;
    probe pr = {h, h->u, A * pow(h->factor, s)};
    /* Discrete: 16 s M u from stepping (above) with M <= |offset| + |A|; the
     * initial field and the reference each carry a few u from the tables and
     * products, and G^s is off by <= 16 s u |A| (G is within ~12 u of its
     * value, and |G| <= 1).  32 (s + 1) u (|offset| + |A|) covers the sum. */
    double bound = 32.0 * (s + 1.0) * UROUND * (fabs(off) + fabs(A));
    pel_verify_at_most(log, "heat.mode_discrete",
                       pel_reduce(h->ctx, PEL_REDUCE_MAX, h->g.points, leaf_mode_err, &pr), bound);
    /* Continuum: the projected amplitude <u - offset, S> / <S, S> is A G^s
     * up to the discrete error (times sum|S| / sum S^2) and the sum's own
     * round-off; G^s differs from exp(-lambda t) by the truncation bound. */
    double amp = pel_reduce(h->ctx, PEL_REDUCE_SUM, h->g.points, leaf_projection, &pr) / h->ss;
    double roundoff = (bound + SUM_ERR * UROUND * (h->mag0 + fabs(off))) * h->sabs / h->ss;
    pel_verify_close(log, "heat.mode_continuum", amp, A * exp(-h->rate_pde * t),
                     fabs(A) * truncation_bound(h, t, s) + roundoff, 0.0);
}

pel_status pel_heat_verify(pel_heat *h, pel_verify_log *log)
{
    if (!h) return PEL_EINVAL;
    PEL_REQUIRE(h->ctx, log, "heat: log is NULL");
    const int nt = pel_team_size(h->ctx, h->g.nrows);
    const size_t n = h->g.points;
    const double s = (double)h->step, M = h->mag0;
    if (h->p.init == PEL_HEAT_INIT_MODE) verify_mode(h, log, nt);
    if (h->p.bc == PEL_BC_PERIODIC) {
        /* The exact periodic update conserves the sum of any field, so each
         * step moves it by at most n 16 M u; both sums add SUM_ERR n M u. */
        pel_verify_close(log, "heat.total", pel_sum(h->ctx, h->u, n), h->sum0,
                         (double)n * M * UROUND * (STEP_ERR * s + 2.0 * SUM_ERR), 0.0);
    }
    /* The exact iterates stay within [min0, max0]; the computed ones within
     * 16 s M u of them.  Value: how far the field leaves that range. */
    double mx = pel_max(h->ctx, h->u, n), mn = pel_min(h->ctx, h->u, n);
    double excess = (isnan(mx) || isnan(mn)) ? NAN : fmax(mx - h->max0, h->min0 - mn);
    pel_verify_at_most(log, "heat.max_principle", excess, STEP_ERR * s * M * UROUND);
    return PEL_OK;
}
