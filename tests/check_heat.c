/* Heat stencils: FTCS kernels over caller arrays and the pel_heat solver.
 *
 * Round-off constants used below, with u = 2^-53 and M the largest |value|
 * of the initial field (derived in docs/heat.md and heat.c):
 *  - one computed point is within 16 M u of the exact update of the same
 *    inputs (STEP_ERR);
 *  - with sum r <= 1/2 the exact update is a convex combination, so errors
 *    never grow and after s steps the field is within 16 s M u of the exact
 *    discrete evolution. */
#include <config.h>

#include <float.h>
#include <limits.h>
#include <stdint.h>

#include "testutil.h"

/* The reference update below must round exactly like the library's: like
 * all of PEL, this file is built with -ffp-contract=off (configure.ac). */

#define PI 3.14159265358979323846
#define UROUND (DBL_EPSILON / 2)
#define STEP_ERR 16.0

/* ---- helpers ------------------------------------------------------------------ */

static size_t points(int dim, const size_t n[])
{
    return dim == 2 ? n[0] * n[1] : n[0] * n[1] * n[2];
}

static double *random_field(size_t count, uint32_t seed)
{
    double *u = pel_malloc(count * sizeof *u);
    ck_assert_ptr_nonnull(u);
    pel_rng_fill_uniform(tctx(1), pel_rng_stream(seed, 0), 0, u, count);
    return u;
}

/* The documented update, written the obvious way: index arithmetic with
 * wrap-around, u + sum_d r_d ((u[-1] - 2u) + u[+1]) with d = 0 first. */
static void reference_step(int dim, const size_t n[], const double r[], pel_bc bc, const double *u,
                           double *v)
{
    size_t ext[3] = {n[0], n[1], dim == 3 ? n[2] : 1}, stride[3];
    stride[dim - 1] = 1;
    for (int d = dim - 2; d >= 0; d--) stride[d] = stride[d + 1] * ext[d + 1];
    for (size_t p = 0; p < points(dim, n); p++) {
        size_t idx[3];
        int boundary = 0;
        for (int d = 0; d < dim; d++) {
            idx[d] = p / stride[d] % ext[d];
            boundary |= idx[d] == 0 || idx[d] == ext[d] - 1;
        }
        if (bc == PEL_BC_DIRICHLET && boundary) {
            v[p] = u[p];
            continue;
        }
        double c = u[p], acc = c;
        for (int d = 0; d < dim; d++) {
            size_t down = idx[d] == 0 ? ext[d] - 1 : idx[d] - 1;
            size_t up = idx[d] == ext[d] - 1 ? 0 : idx[d] + 1;
            double m = u[p - idx[d] * stride[d] + down * stride[d]];
            double q = u[p - idx[d] * stride[d] + up * stride[d]];
            acc = acc + r[d] * ((m - 2.0 * c) + q);
        }
        v[p] = acc;
    }
}

/* prod_d s_d(i_d), s = sin(p pi i / (n-1)) (Dirichlet, 0 on the boundary) or
 * sin(2 pi p i / n) (periodic): an eigenvector of the discrete Laplacian. */
static double mode_shape(int dim, const size_t n[], const int mode[], pel_bc bc, size_t p)
{
    double s = 1.0;
    for (int d = dim - 1; d >= 0; d--) {
        size_t i = p % n[d], period = bc == PEL_BC_PERIODIC ? n[d] : 2 * (n[d] - 1);
        p /= n[d];
        size_t m = (size_t)mode[d] * i % period;
        s *= (m == 0 || 2 * m == period) ? 0.0 : sin(2.0 * PI * (double)m / (double)period);
    }
    return s;
}

/* The FTCS amplification of that mode: 1 - sum_d 4 r_d sin^2(theta_d), with
 * theta = p pi / (2 (n-1)) (Dirichlet) or p pi / n (periodic). */
static double ftcs_factor(int dim, const size_t n[], const double r[], const int mode[], pel_bc bc)
{
    double sum = 0.0;
    for (int d = 0; d < dim; d++) {
        double th =
            PI * mode[d] / (bc == PEL_BC_PERIODIC ? (double)n[d] : 2.0 * (double)(n[d] - 1));
        sum += 4.0 * r[d] * sin(th) * sin(th);
    }
    return 1.0 - sum;
}

static double max_abs_diff(const double *a, const double *b, size_t count)
{
    double m = 0.0;
    for (size_t i = 0; i < count; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* The largest stable time step, 1/2 / (alpha sum_d 1/h_d^2). */
static double stable_dt(const pel_heat_params *p)
{
    double s = 0.0;
    for (int d = 0; d < p->dim; d++) {
        double h = p->length[d] / (double)(p->bc == PEL_BC_PERIODIC ? p->n[d] : p->n[d] - 1);
        s += 1.0 / (h * h);
    }
    return PEL_HEAT_STABILITY_SUM / (p->alpha * s);
}

static pel_heat *make_heat(pel_context *ctx, int dim, const size_t n[], pel_bc bc,
                           pel_heat_init init)
{
    pel_heat_params p;
    pel_heat_params_default(&p, dim);
    for (int d = 0; d < dim; d++) p.n[d] = n[d];
    p.bc = bc;
    p.init = init;
    p.dt = 0.9 * stable_dt(&p);
    pel_heat *h = NULL;
    ck_assert_ok(pel_heat_create(ctx, &p, &h));
    return h;
}

/* ---- api: every error path names the parameter and its value ---------------------- */

START_TEST(api_ftcs_arguments)
{
    pel_context *ctx = test_context(1);
    size_t n[3] = {5, 6, 7};
    double r[3] = {0.1, 0.1, 0.1};
    double *u = random_field(210, 1), *v = random_field(210, 2);

    ck_assert_int_eq(pel_heat_ftcs_step(NULL, 2, n, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL);
    ck_assert_int_eq(pel_heat_ftcs_run(NULL, 2, n, r, PEL_BC_DIRICHLET, u, v, 1), PEL_EINVAL);
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 4, n, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "dim = 4");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 1, n, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "dim = 1");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, NULL, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "n is NULL");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, NULL, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "r is NULL");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, NULL, v), PEL_EINVAL,
                    "u is NULL");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, u, NULL), PEL_EINVAL,
                    "unew is NULL");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, u, u), PEL_EINVAL,
                    "u and unew overlap");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, u, u + 29), PEL_EINVAL,
                    "overlap");
    ck_assert_fails(ctx, pel_heat_ftcs_run(ctx, 3, n, r, PEL_BC_PERIODIC, u, NULL, 1), PEL_EINVAL,
                    "work is NULL");
    ck_assert_fails(ctx, pel_heat_ftcs_run(ctx, 3, n, r, PEL_BC_PERIODIC, u, v, -1), PEL_EINVAL,
                    "nsteps = -1");

    size_t small[3] = {5, 2, 7};
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, small, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "n[1] = 2: must be at least 3");
    small[1] = 6, small[2] = 0;
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 3, small, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "n[2] = 0");
    size_t huge[3] = {SIZE_MAX / 16, 5, 5}; /* 2^60 points fit; 5 times more do not */
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, huge, r, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "n[1] = 5: the grid has more points");

    double bad[3] = {0.1, -0.1, 0.1};
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, bad, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "r[1] = -0.1");
    bad[1] = NAN;
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, bad, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "r[1] = nan");
    bad[1] = 0.1, bad[2] = INFINITY;
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 3, n, bad, PEL_BC_DIRICHLET, u, v), PEL_EINVAL,
                    "r[2] = inf");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r, (pel_bc)7, u, v), PEL_EINVAL, "bc = 7");

    /* the stability limit: r <= 1/4 in 2D, 1/6 in 3D, sum r_d <= 1/2 otherwise */
    double r2[2] = {0.3, 0.3}, r3[3] = {0.2, 0.2, 0.2}, rn[2] = {0.4, 0.2},
           edge[3] = {0.25, 0.25, 0};
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, r2, PEL_BC_DIRICHLET, u, v), PEL_EUNSTABLE,
                    "r = 0.3 > 1/4, the 2D FTCS stability limit");
    ck_assert_fails(ctx, pel_heat_ftcs_run(ctx, 3, n, r3, PEL_BC_PERIODIC, u, v, 3), PEL_EUNSTABLE,
                    "r = 0.2 > 1/6, the 3D FTCS stability limit");
    ck_assert_fails(ctx, pel_heat_ftcs_step(ctx, 2, n, rn, PEL_BC_DIRICHLET, u, v), PEL_EUNSTABLE,
                    "sum of r_d = 0.6 > 1/2");
    ck_assert_ok(pel_heat_ftcs_step(ctx, 2, n, edge, PEL_BC_DIRICHLET, u,
                                    v)); /* the limit itself is stable */

    /* zero steps leave u alone */
    double *copy = random_field(210, 1);
    ck_assert_ok(pel_heat_ftcs_run(ctx, 3, n, r, PEL_BC_PERIODIC, u, v, 0));
    ck_assert(memcmp(u, copy, 210 * sizeof *u) == 0);
    pel_free(copy);
    pel_free(u);
    pel_free(v);
    pel_context_destroy(ctx);
}
END_TEST

/* A 2D (or 3D) problem on n = 11 points per side of the unit box: h = 0.1. */
static pel_heat_params small_params(int dim)
{
    pel_heat_params p;
    pel_heat_params_default(&p, dim);
    for (int d = 0; d < 3; d++) p.n[d] = 11;
    return p;
}

START_TEST(api_heat_create)
{
    pel_context *ctx = test_context(1);
    pel_heat *h = (pel_heat *)&h; /* set to NULL by a failing create */
    pel_heat_params p = small_params(2);

    ck_assert_int_eq(pel_heat_create(NULL, &p, &h), PEL_EINVAL);
    ck_assert_fails(ctx, pel_heat_create(ctx, &p, NULL), PEL_EINVAL, "heat: the result pointer must not be NULL");
    ck_assert_fails(ctx, pel_heat_create(ctx, NULL, &h), PEL_EINVAL, "heat: params must not be NULL");
    ck_assert_ptr_null(h);

#define BAD(field, value, status, needle)                                                          \
    do {                                                                                           \
        pel_heat_params q_ = p;                                                                    \
        q_.field = (value);                                                                        \
        ck_assert_fails(ctx, pel_heat_create(ctx, &q_, &h), status, needle);                       \
        ck_assert_ptr_null(h);                                                                     \
    } while (0)
    BAD(dim, 1, PEL_EINVAL, "heat: dim = 1: must be 2 or 3");
    BAD(dim, 4, PEL_EINVAL, "dim = 4");
    BAD(n[1], 2, PEL_EINVAL, "heat: n[1] = 2: must be at least 3");
    BAD(n[0], 0, PEL_EINVAL, "n[0] = 0");
    BAD(length[0], 0.0, PEL_EINVAL, "length[0] = 0: must be positive");
    BAD(length[1], -2.0, PEL_EINVAL, "length[1] = -2");
    BAD(length[1], NAN, PEL_EINVAL, "length[1] = nan");
    BAD(alpha, 0.0, PEL_EINVAL, "alpha = 0: must be positive");
    BAD(alpha, -1.0, PEL_EINVAL, "alpha = -1");
    BAD(alpha, INFINITY, PEL_EINVAL, "alpha = inf");
    BAD(dt, 0.0, PEL_EINVAL, "dt = 0: must be positive");
    BAD(dt, -1e-3, PEL_EINVAL, "dt = -0.001");
    BAD(dt, NAN, PEL_EINVAL, "dt = nan");
    BAD(bc, (pel_bc)3, PEL_EINVAL, "bc = 3");
    BAD(init, (pel_heat_init)5, PEL_EINVAL, "init = 5");
    BAD(mode[0], 0, PEL_EINVAL, "mode[0] = 0: must be at least 1");
    BAD(mode[1], -3, PEL_EINVAL, "mode[1] = -3");
    /* Dirichlet, n = 11: modes 1..9 (sin(10 pi i / 10) vanishes on the grid) */
    BAD(mode[1], 10, PEL_EINVAL, "mode[1] = 10: must be below n[1] - 1 = 10");
    BAD(amplitude, INFINITY, PEL_EINVAL, "amplitude = inf");
    BAD(offset, NAN, PEL_EINVAL, "offset = nan");
    /* the third dimension counts only in 3D */
    pel_heat_params q = p;
    q.n[2] = 2;
    ck_assert_ok(pel_heat_create(ctx, &q, &h));
    pel_heat_destroy(h);
    h = NULL;
    q = small_params(3);
    q.n[2] = 2;
    ck_assert_fails(ctx, pel_heat_create(ctx, &q, &h), PEL_EINVAL, "n[2] = 2");
    /* periodic, n = 11: modes below 11/2 (sin(2 pi p i / n) aliases beyond) */
    q = small_params(2);
    q.bc = PEL_BC_PERIODIC;
    q.mode[0] = 6;
    ck_assert_fails(ctx, pel_heat_create(ctx, &q, &h), PEL_EINVAL,
                    "mode[0] = 6: must be below n[0]/2 = 5.5");
    q.mode[0] = 5;
    q.dt = 0.5 * stable_dt(&q);
    ck_assert_ok(pel_heat_create(ctx, &q, &h));
    pel_heat_destroy(h);
    /* random data has no mode to check */
    q.init = PEL_HEAT_INIT_RANDOM;
    q.mode[0] = 0;
    ck_assert_ok(pel_heat_create(ctx, &q, &h));
    pel_heat_destroy(h);
#undef BAD
#ifndef __SANITIZE_ADDRESS__ /* ASan aborts on impossible allocations instead of failing them */
    /* 2^40 points: two fields of 8 TiB each cannot be allocated */
    q = small_params(2);
    q.n[0] = q.n[1] = (size_t)1 << 20;
    q.dt = 1e-15;
    ck_assert_fails(ctx, pel_heat_create(ctx, &q, &h), PEL_ENOMEM,
                    "no memory for two fields of 1099511627776 points");
    ck_assert_ptr_null(h);
#endif
    pel_heat_destroy(NULL);
    pel_context_destroy(ctx);
}
END_TEST

/* The dt a stability message suggests must itself be accepted. */
static void suggestion_is_stable(pel_context *ctx, pel_heat_params p)
{
    const char *use = strstr(pel_context_error(ctx), "use dt <= ");
    ck_assert_ptr_nonnull(use);
    ck_assert_int_eq(sscanf(use + strlen("use dt <= "), "%lf", &p.dt), 1);
    pel_heat *h;
    ck_assert_ok(pel_heat_create(ctx, &p, &h));
    pel_heat_destroy(h);
}

/* h = 0.1: r = alpha dt / h^2 = 100 alpha dt. */
START_TEST(api_heat_unstable)
{
    pel_context *ctx = test_context(1);
    pel_heat *h;
    pel_heat_params p = small_params(2);
    p.alpha = 3.0, p.dt = 0.001; /* r = 0.3; the limit dt = 1/4 h^2/alpha = 1/1200 */
    ck_assert_fails(ctx, pel_heat_create(ctx, &p, &h), PEL_EUNSTABLE,
                    "heat: dt = 0.001 gives r = 0.3 > 1/4, the 2D FTCS stability limit "
                    "(alpha*dt/h^2); use dt <= 0.000833");
    suggestion_is_stable(ctx, p);
    p = small_params(3);
    p.dt = 0.002; /* r = 0.2; the limit dt = 1/6 h^2 = 1/600 */
    ck_assert_fails(ctx, pel_heat_create(ctx, &p, &h), PEL_EUNSTABLE,
                    "heat: dt = 0.002 gives r = 0.2 > 1/6, the 3D FTCS stability limit "
                    "(alpha*dt/h^2); use dt <= 0.00166");
    suggestion_is_stable(ctx, p);
    p = small_params(2);
    p.length[1] = 2.0, p.dt = 0.005; /* r = (0.5, 0.125); the limit 1/2 / (100 + 25) */
    ck_assert_fails(ctx, pel_heat_create(ctx, &p, &h), PEL_EUNSTABLE,
                    "dt = 0.005 gives sum of r_d = 0.625 > 1/2, the FTCS stability limit "
                    "(sum of alpha*dt/h_d^2); use dt <= 0.00");
    suggestion_is_stable(ctx, p);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_heat_use)
{
    pel_context *ctx = test_context(2);
    pel_heat_params p;
    pel_heat_params_default(&p, 3);
    ck_assert_int_eq(p.n[0], 64);
    ck_assert_double_eq(p.length[2], 1.0);
    pel_heat *h;
    ck_assert_ok(pel_heat_create(ctx, &p, &h));
    /* the default dt is 0.8 of the limit: sum r_d = 0.8 * 1/2, to round-off (dt
     * and each r_d are a few correctly rounded operations from exact) */
    ck_assert_rel(pel_heat_r(h, 0) + pel_heat_r(h, 1) + pel_heat_r(h, 2), 0.4, 4 * DBL_EPSILON);
    ck_assert_double_eq(pel_heat_r(h, 3), 0.0);
    ck_assert_uint_eq(pel_heat_points(h), 64 * 64 * 64);
    /* the solver keeps its own copy of the parameters */
    ck_assert_ptr_ne(pel_heat_params_get(h), &p);
    ck_assert(memcmp(pel_heat_params_get(h)->n, p.n, sizeof p.n) == 0);
    ck_assert_int_eq(pel_heat_params_get(h)->dim, 3);

    ck_assert_fails(ctx, pel_heat_step(h, -1), PEL_EINVAL, "heat: nsteps = -1");
    ck_assert_ok(pel_heat_step(h, 3));
    ck_assert_int_eq(pel_heat_step_count(h), 3);
    ck_assert_double_eq(pel_heat_time(h), 3 * p.dt);
    const pel_region_stats *rs = pel_region_find(ctx, "heat.step");
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->count, 1);

    ck_assert_fails(ctx, pel_heat_set_state(h, -2, NULL), PEL_EINVAL, "heat: step = -2");
    ck_assert_ok(pel_heat_set_state(h, LONG_MAX - 1, NULL));
    ck_assert_fails(ctx, pel_heat_step(h, 2), PEL_EINVAL,
                    "nsteps = 2: the step count would overflow");
    ck_assert_fails(ctx, pel_heat_verify(h, NULL), PEL_EINVAL, "heat: log is NULL");

    /* set_state copies a field in; NULL keeps the one written in place */
    size_t np = pel_heat_points(h);
    double *u = random_field(np, 4);
    ck_assert_ok(pel_heat_set_state(h, 7, u));
    ck_assert_int_eq(pel_heat_step_count(h), 7);
    ck_assert(memcmp(pel_heat_field(h), u, np * sizeof *u) == 0);
    pel_heat_field(h)[5] = 42.0;
    ck_assert_ok(pel_heat_set_state(h, 8, NULL));
    ck_assert_double_eq(pel_heat_field(h)[5], 42.0);
    pel_free(u);

    ck_assert_int_eq(pel_heat_step(NULL, 1), PEL_EINVAL);
    ck_assert_int_eq(pel_heat_verify(NULL, NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_heat_set_state(NULL, 0, NULL), PEL_EINVAL);
    ck_assert_ptr_null(pel_heat_field(NULL));
    ck_assert_ptr_null(pel_heat_params_get(NULL));
    ck_assert_uint_eq(pel_heat_points(NULL), 0);
    pel_heat_params_default(NULL, 2);
    pel_heat_destroy(h);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ------------------------------------------------------------------------- */

typedef struct mode_case {
    int dim;
    size_t n[3];
    double r[3];
    int mode[3];
} mode_case;

static const mode_case mode_cases[] = {
    {2, {19, 23, 0}, {0.1, 0.15, 0}, {2, 3, 0}},
    {3, {11, 13, 17}, {0.1, 0.12, 0.15}, {1, 2, 3}},
};

/* One step multiplies a discrete eigenmode by G = 1 - sum_d 4 r_d sin^2(theta_d)
 * (the discrete Laplacian's eigenvalue per dimension is -4 sin^2(theta_d) / h_d^2).
 * Field 1/4 + S (a constant is steady), so M = 5/4.  Tolerance: 16 M u for the
 * step, ~6 u because the computed S is an eigenvector only to a few rounding
 * errors (sines and products), ~12 u for G, 2 M u for the reference's own
 * rounding: below 40 M u. */
START_TEST(num_one_step_mode)
{
    pel_context *ctx = test_context(2);
    for (size_t c = 0; c < sizeof mode_cases / sizeof mode_cases[0]; c++) {
        const mode_case *mc = &mode_cases[c];
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            size_t np = points(mc->dim, mc->n);
            double *u = pel_malloc(np * sizeof *u), *v = pel_malloc(np * sizeof *v);
            for (size_t p = 0; p < np; p++)
                u[p] = 0.25 + mode_shape(mc->dim, mc->n, mc->mode, bc, p);
            ck_assert_ok(pel_heat_ftcs_step(ctx, mc->dim, mc->n, mc->r, bc, u, v));
            double G = ftcs_factor(mc->dim, mc->n, mc->r, mc->mode, bc), err = 0.0;
            for (size_t p = 0; p < np; p++)
                err = fmax(err,
                           fabs(v[p] - (0.25 + G * mode_shape(mc->dim, mc->n, mc->mode, bc, p))));
            double tol = 40 * 1.25 * UROUND;
            ck_assert_msg(err <= tol, "%dD bc %d: error %g > %g", mc->dim, b, err, tol);
            /* the test tells FTCS from a product of 1D factors: they differ by the
             * O(r^2) cross terms, ~1e-4 here against a tolerance of ~1e-14 */
            double prod = 1.0;
            for (int d = 0; d < mc->dim; d++) {
                double r1[3] = {0, 0, 0};
                r1[d] = mc->r[d];
                prod *= ftcs_factor(mc->dim, mc->n, r1, mc->mode, bc);
            }
            ck_assert(fabs(prod - G) > 1e6 * tol);
            pel_free(u);
            pel_free(v);
        }
    }
    pel_context_destroy(ctx);
}
END_TEST

/* sin(pi x) sin(pi y) decays as exp(-2 pi^2 alpha t).  n = 65 (h = 2^-6),
 * r = 1/8 per dimension (dt = 2^-15), 1600 steps: t = 0.048828125 exactly
 * and the centre point (32, 32) has S = 1, so it holds G^s.  Bound (see
 * truncation_bound in heat.c): |G^s - e^{-lambda t}| <= t max(Es, Et)
 * e^{-(lambda - Es) t}, Es = alpha sum_d k_d^4 h^2 / 12 (space),
 * Et = sigma^2 dt / (2G) (time), sigma = (1 - G)/dt. */
START_TEST(num_mode_decay)
{
    pel_context *ctx = test_context(2);
    pel_heat_params p;
    pel_heat_params_default(&p, 2);
    p.n[0] = p.n[1] = 65;
    double h = 1.0 / 64;
    p.dt = 0.125 * h * h;
    pel_heat *heat;
    ck_assert_ok(pel_heat_create(ctx, &p, &heat));
    ck_assert_ok(pel_heat_step(heat, 1600));
    double t = pel_heat_time(heat), s = 1600;
    ck_assert_double_eq(t, 0.048828125);
    double lambda = 2 * PI * PI, G = 1 - 2 * 4 * 0.125 * pow(sin(PI * h / 2), 2);
    double sigma = (1 - G) / p.dt, Es = 2 * pow(PI, 4) * h * h / 12,
           Et = sigma * sigma * p.dt / (2 * G);
    double bound = t * fmax(Es, Et) * exp(-(lambda - Es) * t) + 32 * (s + 1) * UROUND;
    double centre = pel_heat_field(heat)[32 * 65 + 32];
    ck_assert_msg(fabs(centre - exp(-lambda * t)) <= bound,
                  "centre %.17g, continuum %.17g, bound %g", centre, exp(-lambda * t), bound);
    /* and the bound is informative: Es ~ 4e-3 and Et ~ 6e-3 give t Et ~ 3e-4 of
     * the amplitude, so a bound above 2e-3 of it would mean a derivation gone wrong */
    ck_assert(bound < 2e-3 * exp(-lambda * t));
    pel_heat_destroy(heat);
    pel_context_destroy(ctx);
}
END_TEST

/* Max error against exp(-dim pi^2 alpha t) prod sin(pi x_d) at t = 1/32 on
 * N = N0, 2 N0, 4 N0 intervals at fixed r = 1/8 (dt = h^2/8, exact in binary):
 * the error is O(h^2 + dt) = O(h^2), so halving h divides it by 4. */
static void convergence(int dim, int N0)
{
    pel_context *ctx = test_context(2);
    double err[3];
    for (int g = 0; g < 3; g++) {
        int N = N0 << g;
        pel_heat_params p;
        pel_heat_params_default(&p, dim);
        for (int d = 0; d < dim; d++) p.n[d] = (size_t)N + 1;
        double h = 1.0 / N;
        p.dt = 0.125 * h * h;
        pel_heat *heat;
        ck_assert_ok(pel_heat_create(ctx, &p, &heat));
        ck_assert_ok(pel_heat_step(heat, (long)N * N / 4)); /* t = N^2/4 * 1/(8 N^2) = 1/32 */
        ck_assert_double_eq(pel_heat_time(heat), 1.0 / 32);
        double amp = exp(-dim * PI * PI / 32), e = 0.0;
        const double *u = pel_heat_field(heat);
        for (size_t q = 0; q < pel_heat_points(heat); q++) {
            double s = 1.0;
            for (size_t rest = q, d = 0; d < (size_t)dim; d++, rest /= (size_t)(N + 1))
                s *= sin(PI * (double)(rest % (size_t)(N + 1)) * h);
            e = fmax(e, fabs(u[q] - amp * s));
        }
        err[g] = e;
        pel_heat_destroy(heat);
    }
    for (int g = 0; g < 2; g++) {
        double order = log2(err[g] / err[g + 1]);
        ck_assert_msg(order >= 1.9 && order <= 2.1, "%dD N = %d -> %d: order %.3f (errors %g, %g)",
                      dim, N0 << g, N0 << (g + 1), order, err[g], err[g + 1]);
    }
    pel_context_destroy(ctx);
}

START_TEST(num_convergence_2d) { convergence(2, 16); }
END_TEST

START_TEST(num_convergence_3d) { convergence(3, 8); }
END_TEST

/* The exact periodic update conserves sum u for any field; each computed
 * point is off by <= 16 M u, so s steps move the sum by <= 16 s n M u, and
 * each of the two reproducible sums adds <= 512 n M u (see heat.c). */
START_TEST(num_periodic_conservation)
{
    pel_context *ctx = test_context(2);
    const size_t n[2][3] = {{37, 53, 0}, {37, 53, 29}};
    const double r[2][3] = {{0.2, 0.25, 0}, {0.15, 0.15, 0.15}};
    for (int c = 0; c < 2; c++) {
        int dim = c + 2;
        size_t np = points(dim, n[c]);
        double *u = random_field(np, 11), *w = pel_malloc(np * sizeof *w);
        double sum0 = pel_sum(tctx(2), u, np), M = pel_max_abs(tctx(2), u, np);
        long s = 40;
        ck_assert_ok(pel_heat_ftcs_run(ctx, dim, n[c], r[c], PEL_BC_PERIODIC, u, w, s));
        double tol = (double)np * M * UROUND * (STEP_ERR * (double)s + 1024);
        ck_assert_msg(fabs(pel_sum(tctx(2), u, np) - sum0) <= tol, "%dD: total moved by %g > %g", dim,
                      fabs(pel_sum(tctx(2), u, np) - sum0), tol);
        pel_free(u);
        pel_free(w);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* With sum r <= 1/2 each update is a convex combination of old values, so
 * max u never grows and min u never falls, step by step (to 16 M u). */
START_TEST(num_maximum_principle)
{
    pel_context *ctx = test_context(2);
    const size_t n[3] = {41, 37, 0};
    const double r[3] = {0.2, 0.05, 0}; /* sum = 1/4, non-uniform */
    size_t np = points(2, n);
    for (int b = 0; b < 2; b++) {
        pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
        double *u = random_field(np, 5), *v = pel_malloc(np * sizeof *v);
        for (size_t i = 0; i < np; i++) u[i] -= 0.5; /* values of both signs */
        double M = pel_max_abs(tctx(1), u, np), max0 = pel_max(tctx(1), u, np), max = max0,
               min = pel_min(tctx(1), u, np);
        for (int s = 0; s < 50; s++) {
            ck_assert_ok(pel_heat_ftcs_step(ctx, 2, n, r, bc, u, v));
            memcpy(u, v, np * sizeof *u);
            double mx = pel_max(tctx(1), u, np), mn = pel_min(tctx(1), u, np);
            ck_assert_msg(mx <= max + STEP_ERR * M * UROUND, "step %d: max %.17g > %.17g", s, mx,
                          max);
            ck_assert_msg(mn >= min - STEP_ERR * M * UROUND, "step %d: min %.17g < %.17g", s, mn,
                          min);
            max = mx, min = mn;
        }
        /* periodic (no fixed boundary values): a non-constant field averages its
         * maximum with smaller neighbours, so it strictly decreases */
        if (bc == PEL_BC_PERIODIC) ck_assert(max < max0);
        pel_free(u);
        pel_free(v);
    }
    pel_context_destroy(ctx);
}
END_TEST

static const pel_verify_record *find_record(const pel_verify_log *log, const char *name)
{
    for (int i = 0; i < pel_verify_log_count(log); i++)
        if (strcmp(pel_verify_log_get(log, i)->name, name) == 0) return pel_verify_log_get(log, i);
    ck_abort_msg("no record %s", name);
    return NULL;
}

static int record_passes(pel_heat *h, const char *name)
{
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_heat_verify(h, log));
    int pass = find_record(log, name)->pass;
    pel_verify_log_destroy(log);
    return pass;
}

/* The records pass on a correct run, and each one fails when the field is
 * spoilt in the way it watches.  The perturbations sit far outside the
 * tolerances (round-off ~1e-12, truncation ~1e-4 of the amplitude). */
START_TEST(num_verify_records)
{
    pel_context *ctx = test_context(2);
    for (int dim = 2; dim <= 3; dim++) {
        for (int b = 0; b < 2; b++) {
            pel_heat_params p;
            pel_heat_params_default(&p, dim);
            if (dim == 3) p.n[0] = p.n[1] = p.n[2] = 24;
            p.bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            p.mode[1] = 2;
            p.amplitude = 2.0, p.offset = 0.5;
            pel_heat *h;
            ck_assert_ok(pel_heat_create(ctx, &p, &h));
            pel_verify_log *log;
            ck_assert_ok(pel_verify_log_create(&log));
            for (int k = 0; k < 2; k++) { /* at step 0 and after 51 steps */
                pel_verify_log_clear(log);
                ck_assert_ok(pel_heat_verify(h, log));
                ck_assert_int_eq(pel_verify_log_count(log), b ? 4 : 3);
                find_record(log, "heat.mode_discrete");
                find_record(log, "heat.mode_continuum");
                find_record(log, "heat.max_principle");
                if (b) find_record(log, "heat.total");
                if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
                ck_assert_msg(pel_verify_log_passed(log), "%dD bc %d step %ld", dim, b,
                              pel_heat_step_count(h));
                ck_assert_ok(pel_heat_step(h, 51));
            }
            pel_verify_log_destroy(log);

            double *u = pel_heat_field(h);
            size_t np = pel_heat_points(h), mid = np / 2 + 3;
            u[mid] += 1e-6; /* a local error: not the discrete solution, nor conserved */
            ck_assert(!record_passes(h, "heat.mode_discrete"));
            if (b) ck_assert(!record_passes(h, "heat.total"));
            ck_assert(record_passes(h, "heat.max_principle"));
            u[mid] -= 1e-6;
            ck_assert(record_passes(h, "heat.mode_discrete"));
            for (size_t i = 0; i < np; i++)
                u[i] = p.offset + 1.01 * (u[i] - p.offset); /* 1% too much */
            ck_assert(!record_passes(h, "heat.mode_continuum"));
            for (size_t i = 0; i < np; i++) u[i] = p.offset + (u[i] - p.offset) / 1.01;
            ck_assert(record_passes(h, "heat.mode_continuum"));
            u[mid] = p.offset + p.amplitude + 1e-3; /* above the initial maximum */
            ck_assert(!record_passes(h, "heat.max_principle"));
            u[mid] = NAN;
            ck_assert(!record_passes(h, "heat.max_principle"));
            ck_assert(!record_passes(h, "heat.mode_discrete"));
            pel_heat_destroy(h);
        }
    }
    pel_context_destroy(ctx);
}
END_TEST

/* Every point, end points and vector lanes alike, is the documented
 * expression, bit for bit, whatever the arrays' alignment. */
START_TEST(num_formula_exact)
{
    pel_context *ctx = test_context(2);
    const size_t n[2][3] = {{7, 301, 0}, {5, 6, 157}};
    const double r[2][3] = {{0.21, 0.17, 0}, {0.11, 0.13, 0.17}};
    for (int c = 0; c < 2; c++) {
        int dim = c + 2;
        size_t np = points(dim, n[c]);
        double *src = random_field(np, 3), *ref = pel_malloc(np * sizeof *ref);
        double *ubuf = pel_malloc((np + 8) * sizeof *ubuf),
               *vbuf = pel_malloc((np + 8) * sizeof *vbuf);
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            reference_step(dim, n[c], r[c], bc, src, ref);
            for (int off = 0; off < 8; off++) {
                double *u = ubuf + off, *v = vbuf + (7 - off);
                memcpy(u, src, np * sizeof *u);
                ck_assert_ok(pel_heat_ftcs_step(ctx, dim, n[c], r[c], bc, u, v));
                ck_assert_msg(memcmp(v, ref, np * sizeof *v) == 0,
                              "%dD bc %d offset %d: max diff %g", dim, b, off,
                              max_abs_diff(v, ref, np));
            }
        }
        pel_free(src);
        pel_free(ref);
        pel_free(ubuf);
        pel_free(vbuf);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* Several steps: pel_heat_ftcs_run fuses steps in place when each thread
 * has rows enough (7 rows in 2D, 6 n[1] + 1 in 3D for a pair) and steps
 * one at a time otherwise; both must equal repeated reference steps bit for
 * bit, wherever the thread boundaries fall. */
START_TEST(num_steps_exact)
{
    const size_t n[3][3] = {
        {37, 53, 0}, {37, 53, 29}, {9, 40, 0}}; /* the last too small to fuse at 4 threads */
    const double r[3][3] = {{0.2, 0.25, 0}, {0.1, 0.15, 0.2}, {0.125, 0.125, 0}};
    for (int c = 0; c < 3; c++) {
        int dim = c == 1 ? 3 : 2;
        size_t np = points(dim, n[c]), bytes = np * sizeof(double);
        double *src = random_field(np, 21), *ref = pel_malloc(bytes), *tmp = pel_malloc(bytes);
        double *u = pel_malloc(bytes), *w = pel_malloc(bytes);
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            memcpy(ref, src, bytes);
            for (long s = 1; s <= 5; s++) {
                reference_step(dim, n[c], r[c], bc, ref, tmp);
                memcpy(ref, tmp, bytes);
                for (int t = 1; t <= 4; t++) {
                    pel_context *ctx = test_context(t);
                    memcpy(u, src, bytes);
                    ck_assert_ok(pel_heat_ftcs_run(ctx, dim, n[c], r[c], bc, u, w, s));
                    ck_assert_msg(memcmp(u, ref, bytes) == 0,
                                  "%dD %zux%zu bc %d, %ld steps at %d threads: max diff %g", dim,
                                  n[c][0], n[c][1], b, s, t, max_abs_diff(u, ref, np));
                    pel_context_destroy(ctx);
                }
            }
        }
        pel_free(src);
        pel_free(ref);
        pel_free(tmp);
        pel_free(u);
        pel_free(w);
    }
}
END_TEST

/* Deep fusion: pel_heat_ftcs_run fuses up to 8 steps per pass in 2D (2 in
 * 3D, 3 for a pass that would otherwise leave one step), shallower when a
 * thread's rows cannot hold the pass's scratch (2kS + (k-1)(2S+1) rows),
 * and steps singly when not even k = 2 fits.  Step counts that are not
 * multiples of the depth, thread counts that cut the rows into runs too
 * short for any fusion (up to 8 threads on 6 rows) and arrays off the
 * cache-line alignment must all give the reference steps' bits. */
START_TEST(num_fused_exact)
{
    const struct {
        int dim;
        size_t n[3];
        double r[3];
        long steps;
    } cases[] = {
        {2, {160, 67, 0}, {0.2, 0.25, 0}, 19}, /* depth 8 at 1-4 threads, 4 at 8 */
        {2, {30, 41, 0}, {0.15, 0.3, 0}, 9},   /* shallower as the runs shrink */
        {2, {6, 50, 0}, {0.2, 0.2, 0}, 5},     /* more threads than rows */
        {3, {23, 9, 31}, {0.1, 0.15, 0.2}, 7}, /* 3D: pairs, a pass of 3, single steps */
        {3, {4, 3, 20}, {0.1, 0.1, 0.1}, 4},   /* 12 rows: single steps only */
    };
    const int threads[] = {1, 2, 3, 4, 8};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const int dim = cases[c].dim;
        const size_t *n = cases[c].n;
        size_t np = points(dim, n), bytes = np * sizeof(double);
        double *src = random_field(np, 31), *ref = pel_malloc(bytes), *tmp = pel_malloc(bytes);
        double *ubuf = pel_malloc(bytes + 64), *wbuf = pel_malloc(bytes + 64);
        double *u = ubuf + 1, *w = wbuf + 3; /* rows start inside cache lines */
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            memcpy(ref, src, bytes);
            for (long s = 1; s <= cases[c].steps; s++) {
                reference_step(dim, n, cases[c].r, bc, ref, tmp);
                memcpy(ref, tmp, bytes);
                for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
                    pel_context *ctx = test_context(threads[t]);
                    memcpy(u, src, bytes);
                    ck_assert_ok(pel_heat_ftcs_run(ctx, dim, n, cases[c].r, bc, u, w, s));
                    ck_assert_msg(memcmp(u, ref, bytes) == 0,
                                  "%dD %zux%zux%zu bc %d, %ld steps at %d threads: max diff %g",
                                  dim, n[0], n[1], dim == 3 ? n[2] : 1, b, s, threads[t],
                                  max_abs_diff(u, ref, np));
                    pel_context_destroy(ctx);
                }
            }
        }
        pel_free(src);
        pel_free(ref);
        pel_free(tmp);
        pel_free(ubuf);
        pel_free(wbuf);
    }
}
END_TEST

/* ---- threads: bitwise identical at 1, 2, 3 and 4 threads -------------------------------- */

/* Sizes that are multiples of nothing convenient (rows not a whole number of
 * cache lines or vectors, row counts not divisible by the thread counts). */
static const size_t odd_sizes[2][3] = {{37, 53, 0}, {37, 53, 29}};
static const double odd_r[2][3] = {{0.2, 0.25, 0}, {0.1, 0.15, 0.2}};

START_TEST(threads_ftcs)
{
    for (int c = 0; c < 2; c++) {
        int dim = c + 2;
        const size_t *n = odd_sizes[c];
        size_t np = points(dim, n), bytes = np * sizeof(double);
        double *src = random_field(np, 8), *one = pel_malloc(bytes), *first = pel_malloc(bytes);
        double *u = pel_malloc(bytes), *w = pel_malloc(bytes);
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            for (int t = 1; t <= 4; t++) {
                pel_context *ctx = test_context(t);
                memcpy(u, src, bytes);
                ck_assert_ok(pel_heat_ftcs_step(ctx, dim, n, odd_r[c], bc, u, w));
                if (t == 1) memcpy(one, w, bytes);
                ck_assert_msg(memcmp(w, one, bytes) == 0,
                              "%dD bc %d: one step at %d threads differs", dim, b, t);
                ck_assert_ok(
                    pel_heat_ftcs_run(ctx, dim, n, odd_r[c], bc, u, w, 7)); /* odd: copied back */
                if (t == 1) memcpy(first, u, bytes);
                ck_assert_msg(memcmp(u, first, bytes) == 0,
                              "%dD bc %d: 7 steps at %d threads differ", dim, b, t);
                pel_context_destroy(ctx);
            }
        }
        pel_free(src);
        pel_free(one);
        pel_free(first);
        pel_free(u);
        pel_free(w);
    }
}
END_TEST

/* The solver from random data: its initial field, its field after 5 + 6
 * steps (both buffers take a turn) and its verification values agree at
 * every thread count, and equal the pure function's result. */
START_TEST(threads_solver)
{
    for (int c = 0; c < 2; c++) {
        int dim = c + 2;
        for (int b = 0; b < 2; b++) {
            pel_bc bc = b ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
            size_t np = points(dim, odd_sizes[c]), bytes = np * sizeof(double);
            double *first = pel_malloc(bytes), *init = pel_malloc(bytes), *w = pel_malloc(bytes);
            double values[4], r[3];
            for (int t = 1; t <= 4; t++) {
                pel_context *ctx = test_context(t);
                pel_heat *h = make_heat(ctx, dim, odd_sizes[c], bc, PEL_HEAT_INIT_RANDOM);
                if (t == 1) memcpy(init, pel_heat_field(h), bytes);
                ck_assert(memcmp(init, pel_heat_field(h), bytes) == 0);
                ck_assert_ok(pel_heat_step(h, 5));
                ck_assert_ok(pel_heat_step(h, 6));
                if (t == 1) memcpy(first, pel_heat_field(h), bytes);
                ck_assert_msg(memcmp(pel_heat_field(h), first, bytes) == 0,
                              "%dD bc %d: %d threads differ", dim, b, t);
                pel_verify_log *log;
                ck_assert_ok(pel_verify_log_create(&log));
                ck_assert_ok(pel_heat_verify(h, log));
                ck_assert(pel_verify_log_passed(log));
                for (int i = 0; i < pel_verify_log_count(log); i++) {
                    double v = pel_verify_log_get(log, i)->value;
                    if (t == 1) values[i] = v;
                    ck_assert(memcmp(&v, &values[i], sizeof v) == 0);
                }
                for (int d = 0; d < 3; d++) r[d] = pel_heat_r(h, d);
                pel_verify_log_destroy(log);
                pel_heat_destroy(h);
                pel_context_destroy(ctx);
            }
            pel_context *ctx = test_context(3);
            ck_assert_ok(pel_heat_ftcs_run(ctx, dim, odd_sizes[c], r, bc, init, w, 11));
            ck_assert(memcmp(init, first, bytes) == 0);
            pel_context_destroy(ctx);
            pel_free(first);
            pel_free(init);
            pel_free(w);
        }
    }
}
END_TEST

/* Grids large enough for streaming stores (both fields well above the
 * 64 MiB threshold of ftcs.c), with arrays off the cache-line alignment
 * so rows begin and end inside lines: the same bits as the reference
 * update, at every thread count. */
START_TEST(threads_streaming)
{
    const size_t n[2][3] = {{3001, 2999, 0}, {211, 203, 197}};
    const double r[2][3] = {{0.2, 0.25, 0}, {0.1, 0.15, 0.2}};
    for (int c = 0; c < 2; c++) {
        int dim = c + 2;
        pel_bc bc = c ? PEL_BC_PERIODIC : PEL_BC_DIRICHLET;
        size_t np = points(dim, n[c]), bytes = np * sizeof(double);
        double *ubuf = pel_malloc(bytes + 64), *vbuf = pel_malloc(bytes + 64),
               *ref = pel_malloc(bytes);
        double *u = ubuf + 1, *v = vbuf + 3;
        pel_rng_fill_uniform(tctx(2), pel_rng_stream(9, 0), 0, u, np);
        reference_step(dim, n[c], r[c], bc, u, ref);
        for (int t = 1; t <= 4; t++) {
            pel_context *ctx = test_context(t);
            memset(v, 0, bytes);
            ck_assert_ok(pel_heat_ftcs_step(ctx, dim, n[c], r[c], bc, u, v));
            ck_assert_msg(memcmp(v, ref, bytes) == 0, "%dD at %d threads: max diff %g", dim, t,
                          max_abs_diff(v, ref, np));
            pel_context_destroy(ctx);
        }
        /* the aligned case as well */
        pel_context *ctx = test_context(2);
        memmove(ubuf, u, bytes);
        ck_assert_ok(pel_heat_ftcs_step(ctx, dim, n[c], r[c], bc, ubuf, vbuf));
        ck_assert(memcmp(vbuf, ref, bytes) == 0);
        pel_context_destroy(ctx);
        pel_free(ubuf);
        pel_free(vbuf);
        pel_free(ref);
    }
}
END_TEST

/* ---- threads: inside a user's parallel region, in tasks, nested ---------------------- */

typedef struct heat_case {
    int dim;
    size_t n[3];
    double r[3];
    pel_bc bc;
    long steps;
    const double *src; /* the initial field */
} heat_case;

static heat_case policy_case(int dim)
{
    heat_case c = {dim, {odd_sizes[dim - 2][0], odd_sizes[dim - 2][1], odd_sizes[dim - 2][2]},
                   {odd_r[dim - 2][0], odd_r[dim - 2][1], odd_r[dim - 2][2]},
                   dim == 2 ? PEL_BC_DIRICHLET : PEL_BC_PERIODIC, 11, NULL};
    return c;
}

/* pel_heat_ftcs_step: barrier-free row blocks (tasks inside a region). */
static void run_ftcs_step(pel_context *ctx, void *arg, void *out)
{
    const heat_case *c = arg;
    ck_assert_ok(pel_heat_ftcs_step(ctx, c->dim, c->n, c->r, c->bc, c->src, out));
}

/* pel_heat_ftcs_run: a team with barriers (fused passes, then single steps). */
static void run_ftcs_run(pel_context *ctx, void *arg, void *out)
{
    const heat_case *c = arg;
    size_t bytes = points(c->dim, c->n) * sizeof(double);
    double *w = malloc(bytes);
    ck_assert_ptr_nonnull(w);
    memcpy(out, c->src, bytes);
    ck_assert_ok(pel_heat_ftcs_run(ctx, c->dim, c->n, c->r, c->bc, out, w, c->steps));
    free(w);
}

/* The solver: create (first touch), one step, a multi-step call, verify,
 * set_state's copy and more steps; out is the field and then the values of
 * the verification records. */
#define POLICY_RECORDS 4
static void run_solver(pel_context *ctx, void *arg, void *out)
{
    const heat_case *c = arg;
    size_t np = points(c->dim, c->n);
    pel_heat *h = make_heat(ctx, c->dim, c->n, c->bc, PEL_HEAT_INIT_MODE);
    ck_assert_ok(pel_heat_step(h, 1));
    ck_assert_ok(pel_heat_step(h, c->steps));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_heat_verify(h, log));
    ck_assert(pel_verify_log_passed(log));
    double values[POLICY_RECORDS] = {0};
    for (int i = 0; i < pel_verify_log_count(log) && i < POLICY_RECORDS; i++)
        values[i] = pel_verify_log_get(log, i)->value;
    pel_verify_log_destroy(log);
    ck_assert_ok(pel_heat_set_state(h, 5, c->src));
    ck_assert_ok(pel_heat_step(h, 4));
    memcpy(out, pel_heat_field(h), np * sizeof(double));
    memcpy((double *)out + np, values, sizeof values);
    pel_heat_destroy(h);
}

/* Each call gives a plain call's bits inside a user's parallel region
 * (nesting off: the calling thread, or tasks for one step; on: a nested
 * team), inside tasks, and at 1-4 threads, never with more OS threads than
 * asked for.  The initial field is made without OpenMP threads, so the
 * count starts from this process's own. */
START_TEST(threads_policy)
{
    const int dim = 2 + _i;
    heat_case c = policy_case(dim);
    size_t np = points(dim, c.n);
    double *src = malloc(np * sizeof *src);
    ck_assert_ptr_nonnull(src);
    pel_rng_fill_uniform(NULL, pel_rng_stream(17, 0), 0, src, np);
    c.src = src;
    test_policy(run_ftcs_step, &c, np * sizeof(double));
    test_policy(run_ftcs_run, &c, np * sizeof(double));
    test_policy(run_solver, &c, (np + POLICY_RECORDS) * sizeof(double));
    test_same_bits_1_to_4(run_solver, &c, (np + POLICY_RECORDS) * sizeof(double));
    free(src);
}
END_TEST

/* run inside a user's region of 2 threads, nesting off, from its single
 * thread: the other one is idle, free to take the call's tasks. */
static void run_in_single(test_run_fn run, pel_context *ctx, void *arg, void *out)
{
    omp_set_max_active_levels(1);
#pragma omp parallel num_threads(2) default(none) shared(ctx, run, arg, out)
#pragma omp single
    run(ctx, arg, out);
}

/* The calls that synchronise (pel_heat_ftcs_run, pel_heat_step of 2 or more
 * steps), made from one thread of a user's region without nesting, run as
 * tasks of a virtual team of the context's 2 (fused passes at the depth nt =
 * 2 allows, single steps, the copy back and the buffer swap) and give a
 * plain call's bits, on no more OS threads than the region's 2.  Which
 * threads ran the tasks is not observable through the API (no hook is
 * called from inside a call's work). */
START_TEST(threads_tasks)
{
    const int dim = 2 + _i;
    /* fused passes (8 + 8 + 3 in 2D, 2 2 2 3 in 3D); too few rows per
     * thread to fuse (single steps only, odd: copied back or swapped) */
    heat_case cases[2] = {
        {dim, {601, 301, 37}, {0.2, 0.25, 0.1}, PEL_BC_DIRICHLET, 19, NULL},
        {dim, {9, 41, 5}, {0.15, 0.2, 0.1}, PEL_BC_PERIODIC, 7, NULL},
    };
    if (dim == 3) {
        cases[0] = (heat_case){dim, {61, 47, 37}, {0.1, 0.15, 0.2}, PEL_BC_PERIODIC, 9, NULL};
    }
    pel_context *ctx = test_context(2);
    for (int k = 0; k < 2; k++) {
        heat_case *c = &cases[k];
        size_t np = points(dim, c->n), nbytes = (np + POLICY_RECORDS) * sizeof(double);
        double *src = random_field(np, 23), *ref = malloc(nbytes), *got = malloc(nbytes);
        ck_assert(ref && got);
        c->src = src;
        test_run_fn runs[2] = {run_ftcs_run, run_solver};
        size_t sizes[2] = {np * sizeof(double), nbytes};
        for (int r = 0; r < 2; r++) {
            runs[r](ctx, c, ref);
            memset(got, 0xA5, nbytes);
            run_in_single(runs[r], ctx, c, got);
            ck_assert_msg(memcmp(ref, got, sizes[r]) == 0,
                          "%dD case %d: %s as tasks differs from a plain call", dim, k,
                          r ? "the solver" : "pel_heat_ftcs_run");
            int now = test_os_threads(2);
            ck_assert_msg(now <= 2, "%d OS threads ran, at most 2 were asked for", now);
        }
        pel_free(src);
        free(ref);
        free(got);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* Every copy of the row kernels (PEL_ISA caps the one picked at create, or at
 * each call of the functions over caller arrays) gives the same bits, in 2D
 * (SSE2, AVX, AVX-512 on a CPU that has them) and 3D (SSE2, AVX), on rows
 * long enough for every vector loop. */
START_TEST(num_isa_variants)
{
    static const char *const isa[] = {"scalar", "avx2", "avx512"};
    const pel_isa level[] = {PEL_ISA_SCALAR, PEL_ISA_AVX2, PEL_ISA_AVX512};
    const size_t n[2][3] = {{29, 203, 0}, {17, 13, 71}};
    for (int c = 0; c < 2; c++) {
        const int dim = c + 2;
        const size_t np = points(dim, n[c]), bytes = np * sizeof(double);
        double *ref = malloc(2 * bytes), *src = malloc(bytes), *v = malloc(bytes);
        ck_assert(ref && src && v);
        pel_rng_fill_uniform(NULL, pel_rng_stream(23, 0), 0, src, np);
        for (int k = 0; k < 3; k++) {
            ck_assert_int_eq(setenv("PEL_ISA", isa[k], 1), 0);
            pel_isa want = level[k] < pel_cpu_isa_native() ? level[k] : pel_cpu_isa_native();
            ck_assert_int_eq(pel_cpu_isa(), want);
            pel_heat *h = make_heat(tctx(2), dim, n[c], PEL_BC_PERIODIC, PEL_HEAT_INIT_RANDOM);
            ck_assert_ok(pel_heat_step(h, 13)); /* fused passes and single steps */
            const double r[3] = {pel_heat_r(h, 0), pel_heat_r(h, 1), pel_heat_r(h, 2)};
            ck_assert_ok(pel_heat_ftcs_step(tctx(2), dim, n[c], r, PEL_BC_DIRICHLET, src, v));
            if (k == 0) {
                memcpy(ref, pel_heat_field(h), bytes);
                memcpy(ref + np, v, bytes);
            }
            ck_assert_msg(memcmp(ref, pel_heat_field(h), bytes) == 0,
                          "%dD solver: PEL_ISA=%s differs from scalar: max diff %g", dim, isa[k],
                          max_abs_diff(ref, pel_heat_field(h), np));
            ck_assert_msg(memcmp(ref + np, v, bytes) == 0,
                          "%dD step: PEL_ISA=%s differs from scalar: max diff %g", dim, isa[k],
                          max_abs_diff(ref + np, v, np));
            pel_heat_destroy(h);
        }
        unsetenv("PEL_ISA");
        free(ref);
        free(src);
        free(v);
    }
}
END_TEST

static Suite *stencil_suite(void)
{
    Suite *s = suite_create("heat");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_ftcs_arguments);
    tcase_add_test(api, api_heat_create);
    tcase_add_test(api, api_heat_unstable);
    tcase_add_test(api, api_heat_use);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_one_step_mode);
    tcase_add_test(num, num_mode_decay);
    tcase_add_test(num, num_convergence_2d);
    tcase_add_test(num, num_convergence_3d);
    tcase_add_test(num, num_periodic_conservation);
    tcase_add_test(num, num_maximum_principle);
    tcase_add_test(num, num_verify_records);
    tcase_add_test(num, num_formula_exact);
    tcase_add_test(num, num_steps_exact);
    tcase_add_test(num, num_fused_exact);
    tcase_add_test(num, num_isa_variants);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_ftcs);
    tcase_add_test(thr, threads_solver);
    tcase_add_test(thr, threads_streaming);
    tcase_add_loop_test(thr, threads_policy, 0, 2); /* 2D, 3D */
    tcase_add_loop_test(thr, threads_tasks, 0, 2);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(stencil_suite()); }
