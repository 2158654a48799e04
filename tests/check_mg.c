/* Multigrid: the NPB MG V-cycle solver, the periodic residual and zran3.
 *
 * Reference numbers: NPB 3.3.1 MG/mg.f's verification values (via
 * pel_mg_npb_class, with NPB's relative tolerance 1e-8), and the closed-form
 * eigenvalue of the 27-point stencil on a Fourier mode. */
#include <config.h>

#include <float.h>
#include <stdint.h>

#include "testutil.h"

#define PI 3.14159265358979323846

static size_t count(const size_t n[3]) { return n[0] * n[1] * n[2]; }

static double *alloc(size_t k)
{
    double *x = pel_malloc(k * sizeof *x);
    ck_assert_ptr_nonnull(x);
    return x;
}

/* NPB's run of one class through the library: zran3, u = 0, one untimed
 * cycle, u = 0 again, then the residual and nit cycles.  Returns the final
 * L2 norm; u and r (if not NULL) receive the solution and the residual. */
static double npb_run(pel_context *ctx, const pel_mg_npb *c, double *u, double *r)
{
    pel_mg_params p;
    pel_mg_npb_solver_params(c, &p);
    double *v = alloc(count(p.n));
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
    ck_assert_ok(pel_mg_set_rhs(mg, v));
    ck_assert_ok(pel_mg_vcycle(mg, 1));
    ck_assert_ok(pel_mg_set_solution(mg, NULL));
    ck_assert_ok(pel_mg_residual(mg));
    ck_assert_ok(pel_mg_vcycle(mg, c->iterations));
    double l2 = -1.0, linf = -1.0;
    ck_assert_ok(pel_mg_norms(mg, &l2, &linf));
    ck_assert(linf > 0.0);
    if (u) ck_assert_ok(pel_mg_get_solution(mg, u));
    if (r) ck_assert_ok(pel_mg_get_residual(mg, r));
    pel_mg_destroy(mg);
    pel_free(v);
    return l2;
}

/* ---- api ---------------------------------------------------------------------- */

START_TEST(api_npb_class)
{
    pel_context *ctx = test_context(1);
    pel_mg_npb c;
    ck_assert_fails(ctx, pel_mg_npb_class(ctx, 'Q', &c), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_mg_npb_class(ctx, 's', &c), PEL_EINVAL, "unknown NPB class 's'");
    ck_assert_fails(ctx, pel_mg_npb_class(ctx, 'S', NULL), PEL_EINVAL, "must not be NULL");
    /* the table: NPB 3.3.1 mg.f */
    const char *names = "SWABC";
    const size_t n[] = {32, 128, 256, 256, 512};
    const long nit[] = {4, 4, 4, 20, 20};
    for (int i = 0; i < 5; i++) {
        ck_assert_ok(pel_mg_npb_class(ctx, names[i], &c));
        ck_assert_uint_eq(c.n, n[i]);
        ck_assert_int_eq(c.iterations, nit[i]);
        ck_assert(c.epsilon == 1e-8);
        ck_assert(c.c[0] == (i < 3 ? -3.0 / 8.0 : -3.0 / 17.0)); /* S(a) or S(b) */
    }
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_create)
{
    pel_context *ctx = test_context(1);
    pel_mg_params p;
    pel_mg *mg = (pel_mg *)&p; /* must be reset to NULL on failure */
    pel_mg_params_default(&p, 16);
    ck_assert_fails(ctx, pel_mg_create(ctx, NULL, &mg), PEL_EINVAL, "params must not be NULL");
    ck_assert_ptr_null(mg);
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, NULL), PEL_EINVAL, "must not be NULL");
    p.n[1] = 6;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL,
                    "mg: n[1] = 6: must be a power of two");
    p.n[1] = 0;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "n[1] = 0");
    p.n[1] = 2; /* a power of two, but no coarser grid */
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "n[1] = 2");
    pel_mg_params_default(&p, 16);
    p.a[2] = NAN;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "a[2] = nan: must be finite");
    pel_mg_params_default(&p, 16);
    p.c[0] = INFINITY;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "c[0] = inf");
    pel_mg_params_default(&p, 16);
    p.levels = 5; /* 16, 8, 4, 2: four at most */
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL,
                    "levels = 5: must be 0 (all) or 1 to 4");
    p.levels = -1;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "levels = -1");
    ck_assert_ptr_null(mg);
    p.levels = 0;
    p.zran3 = 2;
    ck_assert_fails(ctx, pel_mg_create(ctx, &p, &mg), PEL_EINVAL, "mg: zran3 = 2: must be 0 or 1");
    ck_assert_ptr_null(mg);
    p.zran3 = 0;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_int_eq(pel_mg_levels(mg), 4);
    ck_assert(pel_mg_params_get(mg)->n[2] == 16);
    pel_mg_destroy(mg);
    pel_mg_destroy(NULL);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_use)
{
    pel_context *ctx = test_context(1);
    pel_mg_params p;
    pel_mg_params_default(&p, 8);
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_fails(ctx, pel_mg_set_rhs(mg, NULL), PEL_EINVAL, "mg: v must not be NULL");
    ck_assert_fails(ctx, pel_mg_get_solution(mg, NULL), PEL_EINVAL, "mg: u must not be NULL");
    ck_assert_fails(ctx, pel_mg_get_residual(mg, NULL), PEL_EINVAL, "mg: r must not be NULL");
    ck_assert_fails(ctx, pel_mg_vcycle(mg, -1), PEL_EINVAL, "cycles = -1: must be non-negative");
    ck_assert_int_eq(pel_mg_vcycle(NULL, 1), PEL_EINVAL);
    ck_assert_int_eq(pel_mg_norms(NULL, NULL, NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_mg_residual(NULL), PEL_EINVAL);
    ck_assert_ok(pel_mg_set_solution(mg, NULL)); /* NULL: zero */
    ck_assert_ok(pel_mg_norms(mg, NULL, NULL));
    pel_mg_destroy(mg);
    pel_context_destroy(ctx);
}
END_TEST

/* A timing failure never fails the computation: with the region stack full
 * the cycle still runs and returns PEL_OK; its region events are counted as
 * dropped. */
START_TEST(api_timing_never_fails)
{
    pel_context *ctx = test_context(2);
    pel_mg_params p;
    pel_mg_params_default(&p, 8);
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    int depth = 0;
    while (depth < 1000 && pel_region_begin(ctx, "outer") == PEL_OK) depth++;
    ck_assert_int_lt(depth, 1000); /* the nesting is bounded */
    long dropped = pel_region_dropped(ctx);
    ck_assert_ok(pel_mg_vcycle(mg, 2));
    ck_assert_int_eq(pel_region_dropped(ctx), dropped + 2); /* its enter and its exit */
    for (int i = 0; i < depth; i++) ck_assert_ok(pel_region_end(ctx, "outer"));
    ck_assert_ok(pel_mg_vcycle(mg, 1)); /* timed again */
    const pel_region_stats *st = pel_region_find(ctx, "mg.vcycle");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(st->count, 1);
    pel_mg_destroy(mg);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_functions)
{
    pel_context *ctx = test_context(1);
    size_t n[3] = {4, 4, 4}, bad[3] = {4, 0, 4}, small[3] = {2, 2, 2};
    double a[4] = {1, 0, 0, 0}, u[64] = {0}, r[64];
    ck_assert_fails(ctx, pel_mg_resid(ctx, bad, a, u, NULL, r), PEL_EINVAL,
                    "mg: resid: n[1] = 0");
    ck_assert_fails(ctx, pel_mg_resid(ctx, NULL, a, u, NULL, r), PEL_EINVAL, "n must not be NULL");
    ck_assert_fails(ctx, pel_mg_resid(ctx, n, NULL, u, NULL, r), PEL_EINVAL, "a must not be NULL");
    ck_assert_fails(ctx, pel_mg_resid(ctx, n, a, NULL, NULL, r), PEL_EINVAL, "u must not be NULL");
    ck_assert_fails(ctx, pel_mg_resid(ctx, n, a, u, NULL, NULL), PEL_EINVAL, "r must not be NULL");
    ck_assert_fails(ctx, pel_mg_resid(ctx, n, a, u, NULL, u), PEL_EINVAL, "r must not be u");
    a[3] = NAN;
    ck_assert_fails(ctx, pel_mg_resid(ctx, n, a, u, NULL, r), PEL_EINVAL, "a[3] = nan");
    ck_assert_fails(ctx, pel_mg_zran3(ctx, n, NULL), PEL_EINVAL, "v must not be NULL");
    ck_assert_fails(ctx, pel_mg_zran3(ctx, bad, r), PEL_EINVAL, "mg: zran3: n[1] = 0");
    ck_assert_fails(ctx, pel_mg_zran3(ctx, small, r), PEL_EINVAL, "at least 20 points");
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ------------------------------------------------------------------ */

static void check_class(char cls)
{
    pel_context *ctx = test_context(0);
    pel_mg_npb c;
    ck_assert_ok(pel_mg_npb_class(ctx, cls, &c));
    double l2 = npb_run(ctx, &c, NULL, NULL);
    ck_assert_rel(l2, c.l2_reference, c.epsilon); /* NPB's own test */
    pel_context_destroy(ctx);
}

START_TEST(num_class_s) { check_class('S'); }
END_TEST

START_TEST(num_class_w) { check_class('W'); }
END_TEST

/* cos(2 pi k.x / n) is an eigenvector of every periodic 27-point stencil:
 * A u = lambda u with lambda = a0 + a1 S1 + a2 S2 + a3 S3, where with
 * C_d = cos(2 pi k_d / n_d): S1 = 2 sum C_d (6 faces), S2 = 4 sum_{d<e} C_d C_e
 * (12 edges), S3 = 8 C_0 C_1 C_2 (8 corners). */
START_TEST(num_fourier_mode)
{
    pel_context *ctx = test_context(2);
    size_t n[3] = {8, 16, 32};
    const int k[3] = {1, 3, 5};
    const double a[4] = {-8.0 / 3.0, 0.25, 1.0 / 6.0, 1.0 / 12.0}; /* a1 != 0: every term */
    size_t np = count(n);
    double *u = alloc(np), *r = alloc(np), *r2 = alloc(np);
    for (size_t i0 = 0, q = 0; i0 < n[0]; i0++)
        for (size_t i1 = 0; i1 < n[1]; i1++)
            for (size_t i2 = 0; i2 < n[2]; i2++, q++)
                u[q] = cos(2 * PI * ((double)(k[0] * i0) / n[0] + (double)(k[1] * i1) / n[1] +
                                     (double)(k[2] * i2) / n[2]));
    double C[3];
    for (int d = 0; d < 3; d++) C[d] = cos(2 * PI * k[d] / (double)n[d]);
    double lambda = a[0] + a[1] * 2 * (C[0] + C[1] + C[2]) +
                    a[2] * 4 * (C[0] * C[1] + C[0] * C[2] + C[1] * C[2]) +
                    a[3] * 8 * C[0] * C[1] * C[2];
    ck_assert_ok(pel_mg_resid(ctx, n, a, u, NULL, r)); /* r = -A u */
    /* 27 terms of size <= max |a| each, a few roundings per term */
    double tol = 64 * DBL_EPSILON * (fabs(a[0]) + 6 * fabs(a[1]) + 12 * fabs(a[2]) + 18 * fabs(a[3]));
    for (size_t q = 0; q < np; q++) ck_assert_msg(fabs(r[q] + lambda * u[q]) <= tol, "at %zu", q);

    /* the solver's residual is the same function, bit for bit */
    pel_mg_params p;
    pel_mg_params_default(&p, 8);
    memcpy(p.n, n, sizeof p.n);
    memcpy(p.a, a, sizeof p.a);
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_set_solution(mg, u));
    for (size_t q = 0; q < np; q++) r2[q] = 0.5 * u[q];
    ck_assert_ok(pel_mg_set_rhs(mg, r2));
    ck_assert_ok(pel_mg_resid(ctx, n, a, u, r2, r));
    ck_assert_ok(pel_mg_get_residual(mg, r2));
    ck_assert(memcmp(r, r2, np * sizeof *r) == 0);
    /* and NPB's norm of it: sqrt(mean r^2) with r = (1/2 - lambda) u, mean u^2 = 1/2 */
    double l2;
    ck_assert_ok(pel_mg_norms(mg, &l2, NULL));
    ck_assert_rel(l2, fabs(0.5 - lambda) * sqrt(0.5), 1e-12);
    pel_mg_destroy(mg);
    pel_free(u);
    pel_free(r);
    pel_free(r2);
    pel_context_destroy(ctx);
}
END_TEST

/* zran3: ten +1 at the ten largest numbers of NPB's stream, ten -1 at the
 * ten smallest (found here by a plain sort of the whole stream). */
static int cmp_desc(const void *x, const void *y)
{
    double a = **(const double *const *)x, b = **(const double *const *)y;
    return a < b ? 1 : a > b ? -1 : 0;
}

START_TEST(num_zran3)
{
    pel_context *ctx = test_context(2);
    size_t n[3] = {8, 4, 16}, np = count(n);
    double *v = alloc(np), *x = alloc(np);
    const double **idx = malloc(np * sizeof *idx);
    ck_assert_ok(pel_mg_zran3(ctx, n, v));
    pel_lcg46_fill_range(314159265, PEL_LCG46_A, 0, x, np); /* NPB mg.f: x = 314159265 */
    for (size_t q = 0; q < np; q++) idx[q] = x + q;
    qsort(idx, np, sizeof *idx, cmp_desc);
    int plus = 0, minus = 0;
    for (size_t q = 0; q < np; q++) {
        plus += v[q] == 1.0, minus += v[q] == -1.0;
        ck_assert(v[q] == 0.0 || v[q] == 1.0 || v[q] == -1.0);
    }
    ck_assert_int_eq(plus, 10);
    ck_assert_int_eq(minus, 10);
    for (int i = 0; i < 10; i++) {
        ck_assert(v[idx[i] - x] == 1.0);
        ck_assert(v[idx[np - 1 - i] - x] == -1.0);
    }
    pel_free(v);
    pel_free(x);
    free(idx);
    pel_context_destroy(ctx);
}
END_TEST

/* The solver does not read rows of v that are all +0.0 (it forms 0 - a0 u
 * there, which rounds the same); its residual stays pel_mg_resid's, bit for
 * bit, with v zero on most rows, -0.0 on one row (not +0.0: it must be
 * read, since -0 - 0 is -0), one value in another, and nonzero rows; and
 * again after set_rhs changes which rows are zero. */
START_TEST(num_resid_zero_rows)
{
    pel_context *ctx = tctx(2);
    size_t n[3] = {8, 4, 16}, np = count(n), row = n[2];
    double a[4] = {-8.0 / 3.0, 0.0, 1.0 / 6.0, 1.0 / 12.0};
    double *u = alloc(np), *v = alloc(np), *r = alloc(np), *r2 = alloc(np);
    pel_lcg46_fill_range(271828183, PEL_LCG46_A, 0, u, np);
    pel_mg_params p;
    pel_mg_params_default(&p, 4);
    memcpy(p.n, n, sizeof p.n);
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    for (int pass = 0; pass < 3; pass++) {
        memset(v, 0, np * sizeof *v);
        if (pass == 2) {
            /* the one case a -0.0 in v shows: u = -0.0 at the point and +0.0
             * around it, where r = -0 - (+0) - ... = -0, and +0 from +0.0 */
            memset(u, 0, np * sizeof *u);
            u[3 * row + 7] = -0.0;
            for (size_t i = 0; i < row; i++) v[3 * row + i] = -0.0;
            ck_assert_ok(pel_mg_set_solution(mg, u));
            ck_assert_ok(pel_mg_set_rhs(mg, v));
            ck_assert_ok(pel_mg_resid(ctx, n, a, u, v, r));
            ck_assert(r[3 * row + 7] == 0.0 && signbit(r[3 * row + 7]));
            ck_assert_ok(pel_mg_get_residual(mg, r2));
            ck_assert_msg(memcmp(r, r2, np * sizeof *r) == 0, "the -0.0 row differs");
            continue;
        }
        for (size_t i = 0; i < row; i++) v[(pass ? 9 : 3) * row + i] = -0.0;
        v[(pass ? 2 : 17) * row + 5] = 0.25;
        for (size_t i = 0; i < row; i++) v[(pass ? 30 : 20) * row + i] = u[i] - 0.5;
        ck_assert_ok(pel_mg_set_solution(mg, u));
        ck_assert_ok(pel_mg_set_rhs(mg, v));
        ck_assert_ok(pel_mg_resid(ctx, n, a, u, v, r));
        ck_assert_ok(pel_mg_get_residual(mg, r2));
        ck_assert_msg(memcmp(r, r2, np * sizeof *r) == 0, "pass %d differs", pass);
    }
    pel_mg_destroy(mg);
    pel_free(u);
    pel_free(v);
    pel_free(r);
    pel_free(r2);
}
END_TEST

/* A user's problem: a zero-mean random right-hand side on a non-cubic grid.
 * Each V-cycle must reduce the residual. */
START_TEST(num_monotone)
{
    pel_context *ctx = test_context(2);
    pel_mg_params p;
    pel_mg_params_default(&p, 16);
    p.n[0] = 32, p.n[2] = 8;
    size_t np = count(p.n);
    double *v = alloc(np);
    pel_rng_fill_uniform(tctx(2), pel_rng_stream(7, 0), 0, v, np);
    double mean = pel_sum(tctx(1), v, np) / (double)np;
    for (size_t q = 0; q < np; q++) v[q] -= mean;
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_set_rhs(mg, v));
    double prev, l2;
    ck_assert_ok(pel_mg_norms(mg, &prev, NULL));
    for (int it = 0; it < 8; it++) {
        ck_assert_ok(pel_mg_vcycle(mg, 1));
        ck_assert_ok(pel_mg_norms(mg, &l2, NULL));
        ck_assert_msg(l2 < prev, "cycle %d: %g after %g", it, l2, prev);
        prev = l2;
    }
    pel_mg_destroy(mg);
    pel_free(v);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads ------------------------------------------------------------------- */

START_TEST(threads_npb)
{
    pel_mg_npb c;
    pel_context *ctx = test_context(1);
    ck_assert_ok(pel_mg_npb_class(ctx, 'S', &c));
    pel_context_destroy(ctx);
    size_t np = c.n * c.n * c.n;
    double *u1 = alloc(np), *r1 = alloc(np), *u = alloc(np), *r = alloc(np);
    double l2_1 = 0;
    for (int t = 1; t <= 4; t++) {
        ctx = test_context(t);
        double l2 = npb_run(ctx, &c, t == 1 ? u1 : u, t == 1 ? r1 : r);
        if (t == 1) l2_1 = l2;
        else {
            ck_assert_msg(memcmp(u, u1, np * sizeof *u) == 0, "u differs at %d threads", t);
            ck_assert_msg(memcmp(r, r1, np * sizeof *r) == 0, "r differs at %d threads", t);
            ck_assert_msg(l2 == l2_1, "norm %.17g at %d threads, %.17g at 1", l2, t, l2_1);
        }
        pel_context_destroy(ctx);
    }
    pel_free(u1);
    pel_free(r1);
    pel_free(u);
    pel_free(r);
}
END_TEST

START_TEST(threads_functions)
{
    size_t n[3] = {16, 8, 32}, np = count(n);
    double a[4] = {-8.0 / 3.0, 0.125, 1.0 / 6.0, 1.0 / 12.0};
    double *v1 = alloc(np), *v = alloc(np), *r1 = alloc(np), *r = alloc(np);
    for (int t = 1; t <= 4; t++) {
        pel_context *ctx = test_context(t);
        ck_assert_ok(pel_mg_zran3(ctx, n, t == 1 ? v1 : v));
        ck_assert_ok(pel_mg_resid(ctx, n, a, t == 1 ? v1 : v, NULL, t == 1 ? r1 : r));
        if (t > 1) {
            ck_assert(memcmp(v, v1, np * sizeof *v) == 0);
            ck_assert(memcmp(r, r1, np * sizeof *r) == 0);
        }
        pel_context_destroy(ctx);
    }
    pel_free(v1);
    pel_free(v);
    pel_free(r1);
    pel_free(r);
}
END_TEST

/* Slabs of one or two planes per thread (an 8^3 grid at up to 4 threads,
 * 12 levels of slab ends in the fused pass), a single level, and cycles
 * split across calls or interleaved with norms: all the same bits.  With
 * `serial` the coarse levels run on one thread (the default serial_points
 * covers every level below the finest here), else each on the team. */
static void small_run_serial(int t, int levels, int split, int serial, double *u, double *r)
{
    pel_context *ctx = test_context(t);
    pel_mg_params p;
    pel_mg_params_default(&p, 8);
    p.n[1] = 16;
    p.levels = levels;
    if (!serial) p.serial_points = 0;
    size_t np = count(p.n);
    double *v = alloc(np);
    ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_set_rhs(mg, v));
    if (split) {
        double l2;
        for (int i = 0; i < 5; i++) {
            ck_assert_ok(pel_mg_vcycle(mg, 1));
            ck_assert_ok(pel_mg_norms(mg, &l2, NULL));
        }
    } else {
        ck_assert_ok(pel_mg_vcycle(mg, 5));
    }
    ck_assert_ok(pel_mg_get_solution(mg, u));
    ck_assert_ok(pel_mg_get_residual(mg, r));
    pel_mg_destroy(mg);
    pel_free(v);
    pel_context_destroy(ctx);
}

static void small_run(int t, int levels, int split, double *u, double *r)
{
    small_run_serial(t, levels, split, 0, u, r);
}

START_TEST(threads_small_slabs)
{
    size_t np = 8 * 16 * 8;
    double *u1 = alloc(np), *r1 = alloc(np), *u = alloc(np), *r = alloc(np);
    for (int levels = 0; levels <= 2; levels++) {
        small_run(1, levels, 0, u1, r1);
        for (int t = 1; t <= 4; t++)
            for (int split = 0; split <= 1; split++)
                for (int serial = 0; serial <= 1; serial++) {
                    small_run_serial(t, levels, split, serial, u, r);
                    ck_assert_msg(memcmp(u, u1, np * sizeof *u) == 0,
                                  "u differs: %d threads, levels %d, split %d, serial %d", t,
                                  levels, split, serial);
                    ck_assert_msg(memcmp(r, r1, np * sizeof *r) == 0,
                                  "r differs: %d threads, levels %d, split %d, serial %d", t,
                                  levels, split, serial);
                }
    }
    pel_free(u1);
    pel_free(r1);
    pel_free(u);
    pel_free(r);
}
END_TEST

/* One run for the threads helpers: zran3 on a 16 x 8 x 32 grid, three
 * V-cycles, norms, the solution and the residual, and pel_mg_resid of that
 * solution.  out: u, r, the function's residual, l2, linf. */
#define POLICY_N0 16
#define POLICY_N1 8
#define POLICY_N2 32
#define POLICY_NP (POLICY_N0 * POLICY_N1 * POLICY_N2)
#define POLICY_BYTES ((3 * POLICY_NP + 2) * sizeof(double))

static void run_solver(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    double *o = out, *u = o, *r = o + POLICY_NP, *rf = o + 2 * POLICY_NP;
    pel_mg_params p;
    pel_mg_params_default(&p, POLICY_N1);
    p.n[0] = POLICY_N0, p.n[2] = POLICY_N2;
    double *v = alloc(POLICY_NP);
    ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_set_rhs(mg, v));
    ck_assert_ok(pel_mg_vcycle(mg, 3));
    ck_assert_ok(pel_mg_norms(mg, &o[3 * POLICY_NP], &o[3 * POLICY_NP + 1]));
    ck_assert_ok(pel_mg_get_solution(mg, u));
    ck_assert_ok(pel_mg_get_residual(mg, r));
    ck_assert_ok(pel_mg_resid(ctx, p.n, p.a, u, v, rf));
    pel_mg_destroy(mg);
    pel_free(v);
}

/* inside a user's parallel region (nesting off and on) and in its tasks:
 * the plain call's bits, never more threads than asked for; and 1-4 threads */
START_TEST(threads_policy)
{
    test_policy(run_solver, NULL, POLICY_BYTES);
    test_same_bits_1_to_4(run_solver, NULL, POLICY_BYTES);
}
END_TEST

/* Called by one thread of a user's team of 2 (omp single, nesting off), a
 * solver of a 2-thread context joins the team: each phase of the V-cycle is
 * a taskloop that the team's other thread, waiting at the single's barrier,
 * shares.  The plain call's bits, and no thread beyond the team's 2.  The
 * public API does not tell which thread ran which task, so this checks the
 * bits and the thread count, not that the other thread took a share.  The
 * small runs cover one level, two and all, slabs of one or two planes,
 * virtual teams larger than the real one (4 tasks on 2 threads: scratch
 * slot t is never shared) and cycles split across calls. */
START_TEST(threads_join_caller)
{
    pel_context *ctx = test_context(2);
    unsigned char *ref = malloc(POLICY_BYTES), *got = malloc(POLICY_BYTES);
    ck_assert(ref && got);
    run_solver(ctx, NULL, ref);
    omp_set_max_active_levels(1);
    memset(got, 0xA5, POLICY_BYTES);
#pragma omp parallel num_threads(2) default(none) shared(ctx, got)
#pragma omp single
    run_solver(ctx, NULL, got);
    ck_assert_msg(memcmp(ref, got, POLICY_BYTES) == 0,
                  "called by one thread of a team of 2: differs from a plain call");
    int now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, the team has 2", now);

    size_t np = 8 * 16 * 8;
    double *u1 = alloc(np), *r1 = alloc(np), *u = alloc(np), *r = alloc(np);
    for (int levels = 0; levels <= 2; levels++)
        for (int split = 0; split <= 1; split++) {
            small_run(1, levels, split, u1, r1);
            for (int t = 2; t <= 4; t++) {
                memset(u, 0xA5, np * sizeof *u);
                memset(r, 0xA5, np * sizeof *r);
#pragma omp parallel num_threads(2) default(none) shared(t, levels, split, u, r)
#pragma omp single
                small_run(t, levels, split, u, r);
                ck_assert_msg(memcmp(u, u1, np * sizeof *u) == 0 &&
                                  memcmp(r, r1, np * sizeof *r) == 0,
                              "joined by a context of %d threads, levels %d, split %d: differs",
                              t, levels, split);
            }
        }
    now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, the team has 2", now);
    pel_free(u1);
    pel_free(r1);
    pel_free(u);
    pel_free(r);
    free(ref);
    free(got);
    pel_context_destroy(ctx);
}
END_TEST

/* The thread count is read at each call: a solver made at 1 or 4 threads
 * and run at another count gives the same bits (above its create-time
 * count the team is capped by the scratch sized at create). */
START_TEST(threads_count_per_call)
{
    double *ref = malloc(POLICY_BYTES), *got = malloc(POLICY_BYTES);
    ck_assert(ref && got);
    run_solver(tctx(1), NULL, ref);
    const int made[] = {1, 4, 2}, used[] = {3, 2, 4};
    for (int i = 0; i < 3; i++) {
        pel_context *ctx = test_context(made[i]);
        pel_mg_params p;
        pel_mg_params_default(&p, POLICY_N1);
        p.n[0] = POLICY_N0, p.n[2] = POLICY_N2;
        double *v = alloc(POLICY_NP);
        ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
        pel_mg *mg = NULL;
        ck_assert_ok(pel_mg_create(ctx, &p, &mg));
        ck_assert_ok(pel_context_set_threads(ctx, used[i]));
        ck_assert_ok(pel_mg_set_rhs(mg, v));
        ck_assert_ok(pel_mg_vcycle(mg, 3));
        ck_assert_ok(pel_mg_norms(mg, &got[3 * POLICY_NP], &got[3 * POLICY_NP + 1]));
        ck_assert_ok(pel_mg_get_solution(mg, got));
        ck_assert_ok(pel_mg_get_residual(mg, got + POLICY_NP));
        ck_assert_ok(pel_mg_resid(ctx, p.n, p.a, got, v, got + 2 * POLICY_NP));
        ck_assert_msg(memcmp(ref, got, POLICY_BYTES) == 0, "made at %d threads, run at %d: differs",
                      made[i], used[i]);
        pel_mg_destroy(mg);
        pel_free(v);
        pel_context_destroy(ctx);
    }
    free(ref);
    free(got);
}
END_TEST

/* Every copy of the plane kernels (PEL_ISA caps the one create picks): a
 * few V-cycles on a small grid, the same bits from each. */
START_TEST(threads_isa_variants)
{
    double *ref = malloc(POLICY_BYTES), *got = malloc(POLICY_BYTES);
    ck_assert(ref && got);
    const char *isa[] = {"scalar", "avx2", "avx512"};
    for (int i = 0; i < 3; i++) {
        setenv("PEL_ISA", isa[i], 1);
        run_solver(tctx(2), NULL, i == 0 ? ref : got);
        if (i > 0)
            ck_assert_msg(memcmp(ref, got, POLICY_BYTES) == 0, "PEL_ISA=%s differs from scalar",
                          isa[i]);
    }
    unsetenv("PEL_ISA");
    free(ref);
    free(got);
}
END_TEST

/* The AVX-512 copy's rows (ops_plane.h: the row sums kept in registers,
 * eight columns a chunk, the chunks at the row ends masked) against the
 * scalar copy: grids whose rows are one to nine chunks long on their levels
 * (n1 from 2 on the coarsest up to 64), NPB's coefficients and ones with
 * a[1], c[3] non-zero (the terms NPB drops, which the rows add), a dense v
 * and zran3's (mostly zero rows); the same bits at 1-4 threads as the
 * scalar copy at 1 thread.  On a CPU without AVX-512 the best copy it has
 * is compared. */
typedef struct isa_case {
    size_t n[3];
    int general; /* a[1], c[3] non-zero */
    int dense;   /* a dense v, else zran3's */
} isa_case;

static void run_isa_case(pel_context *ctx, void *arg, void *out)
{
    const isa_case *ic = arg;
    pel_mg_params p;
    pel_mg_params_default(&p, 4);
    memcpy(p.n, ic->n, sizeof p.n);
    if (ic->general) {
        p.a[1] = -1.0 / 48.0;
        p.c[3] = 1.0 / 256.0;
    }
    size_t np = count(p.n);
    double *v = alloc(np), *o = out;
    if (ic->dense) {
        uint64_t x = 20240917u; /* a 64-bit LCG (Knuth's MMIX constants), values in [-0.5, 0.5) */
        for (size_t k = 0; k < np; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            v[k] = (double)(x >> 11) * 0x1p-53 - 0.5;
        }
    } else {
        ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
    }
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    ck_assert_ok(pel_mg_set_rhs(mg, v));
    ck_assert_ok(pel_mg_vcycle(mg, 2));
    ck_assert_ok(pel_mg_norms(mg, &o[2 * np], &o[2 * np + 1]));
    ck_assert_ok(pel_mg_get_solution(mg, o));
    ck_assert_ok(pel_mg_get_residual(mg, o + np));
    pel_mg_destroy(mg);
    pel_free(v);
}

START_TEST(threads_isa_rows)
{
    const isa_case cases[] = {
        {{4, 4, 4}, 0, 1},  {{4, 4, 4}, 1, 1},  {{8, 4, 16}, 1, 0},
        {{4, 8, 64}, 0, 0}, {{4, 8, 64}, 1, 1}, {{16, 8, 8}, 1, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t bytes = (2 * count(cases[c].n) + 2) * sizeof(double);
        double *ref = malloc(bytes), *got = malloc(bytes);
        ck_assert(ref && got);
        setenv("PEL_ISA", "scalar", 1);
        run_isa_case(tctx(1), (void *)&cases[c], ref);
        unsetenv("PEL_ISA");
        for (int t = 1; t <= 4; t++) {
            memset(got, 0xA5, bytes);
            run_isa_case(tctx(t), (void *)&cases[c], got);
            ck_assert_msg(memcmp(ref, got, bytes) == 0,
                          "%zu x %zu x %zu (general %d, dense %d), %d threads: differs from the "
                          "scalar copy",
                          cases[c].n[0], cases[c].n[1], cases[c].n[2], cases[c].general,
                          cases[c].dense, t);
        }
        free(ref);
        free(got);
    }
}
END_TEST

/* create's zran3 (made in the first-touch pass, in the solver's layout) is
 * pel_mg_zran3's v: with u = 0 the residual is v itself (v - 0 - ... = v
 * exactly), on a grid whose planes split unevenly over 3 threads; and NPB's
 * run from it ends on the same bits as npb_run's (zran3, set_rhs, the
 * warm-up cycle, u = 0), which NPB's class S value verifies. */
typedef struct zran_case {
    size_t n[3];
    int npb; /* 1: NPB class S's cycles, out = u then r */
} zran_case;

static void run_create_zran3(pel_context *ctx, void *arg, void *out)
{
    const zran_case *zc = arg;
    pel_mg_params p;
    pel_mg_params_default(&p, 4);
    memcpy(p.n, zc->n, sizeof p.n);
    p.zran3 = 1;
    if (zc->npb) {
        pel_mg_npb c;
        ck_assert_ok(pel_mg_npb_class(ctx, 'S', &c));
        pel_mg_npb_solver_params(&c, &p);
        p.zran3 = 1;
    }
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &mg));
    double *o = out;
    if (zc->npb) {
        ck_assert_ok(pel_mg_residual(mg));
        ck_assert_ok(pel_mg_vcycle(mg, 4));
        ck_assert_ok(pel_mg_get_solution(mg, o));
        o += count(p.n);
    }
    ck_assert_ok(pel_mg_get_residual(mg, o));
    pel_mg_destroy(mg);
}

START_TEST(threads_create_zran3)
{
    zran_case zc = {{16, 8, 32}, 0};
    size_t np = count(zc.n);
    double *v = alloc(np), *r = alloc(np);
    ck_assert_ok(pel_mg_zran3(tctx(1), zc.n, v));
    for (int t = 1; t <= 3; t++) {
        run_create_zran3(tctx(t), &zc, r);
        ck_assert_msg(memcmp(v, r, np * sizeof *v) == 0, "%d threads: r != zran3's v", t);
    }
    test_same_bits_1_to_4(run_create_zran3, &zc, np * sizeof *v);
    /* NPB class S: the same bits as the run with the caller's v */
    zran_case s = {{32, 32, 32}, 1};
    size_t ns = count(s.n);
    double *u0 = alloc(2 * ns), *u1 = alloc(2 * ns);
    pel_mg_npb c;
    ck_assert_ok(pel_mg_npb_class(tctx(2), 'S', &c));
    npb_run(tctx(2), &c, u0, u0 + ns);
    run_create_zran3(tctx(2), &s, u1);
    ck_assert(memcmp(u0, u1, 2 * ns * sizeof *u0) == 0);
    pel_free(v);
    pel_free(r);
    pel_free(u0);
    pel_free(u1);
}
END_TEST

/* pel_mg_view_ur: the solver's u and r in place are get_solution's and
 * get_residual's values; after the view the solver goes on to the same
 * bits as a run that never viewed (the values moved back, the halos filled
 * again), and setting the solution to the view's own u keeps it. */
START_TEST(threads_view_ur)
{
    pel_context *ctx = tctx(3);
    pel_mg_params p;
    pel_mg_params_default(&p, 4);
    p.n[0] = 16, p.n[1] = 8, p.n[2] = 32;
    p.zran3 = 1;
    size_t np = count(p.n);
    double *u = alloc(2 * np), *ref = alloc(2 * np), *got = alloc(2 * np);
    pel_mg *a = NULL, *b = NULL;
    ck_assert_ok(pel_mg_create(ctx, &p, &a));
    ck_assert_ok(pel_mg_create(ctx, &p, &b));
    const double *ur = NULL;
    ck_assert_fails(ctx, pel_mg_view_ur(a, NULL), PEL_EINVAL, "mg: ur must not be NULL");
    ck_assert_int_eq(pel_mg_view_ur(NULL, &ur), PEL_EINVAL);
    ck_assert_ok(pel_mg_vcycle(a, 2));
    ck_assert_ok(pel_mg_vcycle(b, 2));
    ck_assert_ok(pel_mg_get_solution(b, u));
    ck_assert_ok(pel_mg_get_residual(b, u + np));
    ck_assert_ok(pel_mg_view_ur(a, &ur));
    ck_assert(memcmp(ur, u, 2 * np * sizeof *u) == 0);
    ck_assert_ok(pel_mg_view_ur(a, &ur)); /* twice: still the same values */
    ck_assert(memcmp(ur, u, 2 * np * sizeof *u) == 0);
    ck_assert_ok(pel_mg_set_solution(a, ur)); /* its own u: unchanged */
    ck_assert_ok(pel_mg_view_ur(a, &ur));
    ck_assert_ok(pel_mg_vcycle(a, 3)); /* moves back first */
    ck_assert_ok(pel_mg_vcycle(b, 3));
    ck_assert_ok(pel_mg_get_solution(a, got));
    ck_assert_ok(pel_mg_get_residual(a, got + np));
    ck_assert_ok(pel_mg_get_solution(b, ref));
    ck_assert_ok(pel_mg_get_residual(b, ref + np));
    ck_assert(memcmp(ref, got, 2 * np * sizeof *u) == 0);
    double la, lb;
    ck_assert_ok(pel_mg_view_ur(a, &ur));
    ck_assert_ok(pel_mg_norms(a, &la, NULL));
    ck_assert_ok(pel_mg_norms(b, &lb, NULL));
    ck_assert(la == lb && la > 0.0);
    pel_mg_destroy(a);
    pel_mg_destroy(b);
    pel_free(u);
    pel_free(ref);
    pel_free(got);
}
END_TEST

/* The ring (solver.c): a cycle keeps the inside of each slab's finest r in
 * a ring of planes instead of the array, and r is computed again when read.
 * 64 planes give rings at 1-4 threads (slabs of 64 down to 16 planes,
 * uneven at 3); a batch of 4 cycles (cycles that follow one another inside
 * the batch) must end on the bits of 4 calls of one cycle each (each call
 * starting from the restriction the previous one left), at every thread
 * count, and get_residual's r is the recomputed one. */
#define RING_NP (64 * 8 * 16)

/* The 64 x 8 x 16 problem of the ring tests, with NPB's right-hand side. */
static pel_mg *ring_mg(pel_context *ctx, pel_mg_params *p)
{
    pel_mg_params_default(p, 8);
    p->n[0] = 64, p->n[2] = 16;
    p->zran3 = 1;
    pel_mg *mg = NULL;
    ck_assert_ok(pel_mg_create(ctx, p, &mg));
    return mg;
}

static void run_ring(pel_context *ctx, void *arg, void *out)
{
    int split = *(const int *)arg;
    pel_mg_params p;
    pel_mg *mg = ring_mg(ctx, &p);
    for (int i = 0; i < (split ? 4 : 1); i++) ck_assert_ok(pel_mg_vcycle(mg, split ? 1 : 4));
    double *o = out, *v = alloc(RING_NP), *rf = alloc(RING_NP);
    ck_assert_ok(pel_mg_get_solution(mg, o));
    ck_assert_ok(pel_mg_get_residual(mg, o + RING_NP));
    ck_assert_ok(pel_mg_norms(mg, &o[2 * RING_NP], NULL));
    /* the residual read after the cycles is v - A u of the final u, to the bit */
    ck_assert_ok(pel_mg_zran3(ctx, p.n, v));
    ck_assert_ok(pel_mg_resid(ctx, p.n, p.a, o, v, rf));
    ck_assert_msg(memcmp(rf, o + RING_NP, RING_NP * sizeof *rf) == 0,
                  "get_residual after the cycles is not pel_mg_resid of the solution");
    pel_mg_destroy(mg);
    pel_free(v);
    pel_free(rf);
}

/* run(ref_arg) on one thread against run(arg) on 1-4 threads, bit for bit,
 * and run(ref_arg) itself the same at 1-4 threads. */
static void same_as_split(void (*run)(pel_context *, void *, void *), int ref_arg, int arg, size_t bytes,
                          const char *what)
{
    double *ref = malloc(bytes), *got = malloc(bytes);
    ck_assert(ref && got);
    run(tctx(1), &ref_arg, ref);
    for (int t = 1; t <= 4; t++) {
        memset(got, 0xA5, bytes);
        run(tctx(t), &arg, got);
        ck_assert_msg(memcmp(ref, got, bytes) == 0, "%d threads: %s", t, what);
    }
    test_same_bits_1_to_4(run, &ref_arg, bytes);
    free(ref);
    free(got);
}

START_TEST(threads_ring)
{
    same_as_split(run_ring, 1, 0, (2 * RING_NP + 1) * sizeof(double), "a batch of 4 cycles differs from 4 calls");
}
END_TEST

/* The residual pass restricts the new r for the next cycle while its planes
 * are in cache (pel_mg_residual, and the first pass of a call that starts
 * without a current r).  After one cycle, (a) two more cycles restrict in a
 * pass of their own; (b) a pel_mg_residual first (the same r) restricts in
 * its pass: the same bits at 1-4 threads (slabs of 64 down to 16 planes,
 * uneven at 3, so the coarse planes at the slabs' ends come from both). */
static void run_restrict(pel_context *ctx, void *arg, void *out)
{
    int fused = *(const int *)arg;
    pel_mg_params p;
    pel_mg *mg = ring_mg(ctx, &p);
    ck_assert_ok(pel_mg_vcycle(mg, 1));
    if (fused) ck_assert_ok(pel_mg_residual(mg));
    ck_assert_ok(pel_mg_vcycle(mg, 2));
    double *o = out;
    ck_assert_ok(pel_mg_get_solution(mg, o));
    ck_assert_ok(pel_mg_get_residual(mg, o + RING_NP));
    pel_mg_destroy(mg);
}

START_TEST(threads_restrict_fused)
{
    same_as_split(run_restrict, 0, 1, 2 * RING_NP * sizeof(double),
                  "the residual pass's restriction differs from its own pass");
}
END_TEST

static Suite *mg_suite(void)
{
    Suite *s = suite_create("mg");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_npb_class);
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_use);
    tcase_add_test(api, api_functions);
    tcase_add_test(api, api_timing_never_fails);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_class_s);
    tcase_add_test(num, num_class_w);
    tcase_add_test(num, num_fourier_mode);
    tcase_add_test(num, num_zran3);
    tcase_add_test(num, num_resid_zero_rows);
    tcase_add_test(num, num_monotone);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_npb);
    tcase_add_test(thr, threads_functions);
    tcase_add_test(thr, threads_small_slabs);
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_join_caller);
    tcase_add_test(thr, threads_count_per_call);
    tcase_add_test(thr, threads_isa_variants);
    tcase_add_test(thr, threads_isa_rows);
    tcase_add_test(thr, threads_create_zran3);
    tcase_add_test(thr, threads_view_ur);
    tcase_add_test(thr, threads_ring);
    tcase_add_test(thr, threads_restrict_fused);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(mg_suite()); }
