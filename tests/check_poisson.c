/* Spectral family: the periodic FFTW Poisson solver. */
#include <config.h>

#include <fftw3.h>
#include <float.h>
#include <stdint.h>
#include <unistd.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------ */

static pel_poisson *make(pel_context *ctx, int dim, size_t n0, size_t n1, size_t n2, double l0,
                         double l1, double l2, pel_laplacian lap)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, dim);
    p.n[0] = n0, p.n[1] = n1, p.n[2] = n2;
    p.length[0] = l0, p.length[1] = l1, p.length[2] = l2;
    p.laplacian = lap;
    pel_poisson *ps = NULL;
    pel_status st = pel_poisson_create(ctx, &p, &ps);
    ck_assert_msg(st == PEL_OK, "create failed: %s", pel_context_error(ctx));
    return ps;
}

static double *array(size_t n)
{
    double *a = pel_malloc(n * sizeof *a);
    ck_assert_ptr_nonnull(a);
    return a;
}

static double max_abs(const double *a, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

/* max |a - b| / max |b| */
static double rel_err(const double *a, const double *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m / max_abs(b, n);
}

/* The symbols in closed form, written independently of the library:
 * spectral -(2 pi m / L)^2, FD2 -(4 / h^2) sin^2(pi m / n) with h = L / n. */
static double sym1(pel_laplacian lap, double L, size_t n, double m)
{
    if (lap == PEL_LAPLACIAN_SPECTRAL) return -pow(2.0 * M_PI * m / L, 2);
    return -4.0 * pow((double)n / L, 2) * pow(sin(M_PI * m / (double)n), 2);
}

/* The round-off bound used throughout, the one pel_poisson_verify uses.  An
 * FFT of N points makes errors of order eps log2 N relative to the data
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec.
 * 24.1); the symbol, its division and the normalisation add a few roundings
 * more (the + 2).  Solving divides the transform's noise by the symbol, so
 * it reaches phi amplified by at most kappa = |symbol of the solution's
 * modes| / |smallest nonzero symbol|.  The measured errors of the cases below
 * stay under 0.04 of this bound with the constant 1 (docs/poisson.md); 8 is
 * the library's constant, which also covers grids of 2 to 4 points. */
static double roundoff(size_t N, double kappa)
{
    return 8.0 * DBL_EPSILON * (log2((double)N) + 2.0) * (1.0 + kappa);
}

/* |smallest nonzero symbol|: one unit of wavenumber in one dimension. */
static double sym_min(pel_laplacian lap, int dim, const size_t n[], const double L[])
{
    double s = INFINITY;
    for (int d = 0; d < dim; d++) s = fmin(s, -sym1(lap, L[d], n[d], 1.0));
    return s;
}

/* kappa for the manufactured solution: its largest |symbol| over the smallest
 * nonzero one.  Its modes have |m| = (1,2), (1,2), (3,1) in 2D and (1,2,1),
 * (1,2,3), (3,1,2) in 3D (include/pel/poisson.h, kernels/poisson/poisson.c). */
static double kappa_manufactured(pel_laplacian lap, int dim, const size_t n[], const double L[])
{
    static const double m[2][3][3] = {{{1, 2, 0}, {1, 2, 0}, {3, 1, 0}},
                                      {{1, 2, 1}, {1, 2, 3}, {3, 1, 2}}};
    double smax = 0.0;
    for (int t = 0; t < 3; t++) {
        double s = 0.0;
        for (int d = 0; d < dim; d++) s -= sym1(lap, L[d], n[d], m[dim - 2][t][d]);
        smax = fmax(smax, s);
    }
    return smax / sym_min(lap, dim, n, L);
}

static char *tmp_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/pel-spectral-%ld-%s", dir ? dir : "/tmp", (long)getpid(),
             name);
    return path;
}

/* ---- api: every error path ------------------------------------------------------- */

START_TEST(api_create_errors)
{
    pel_context *ctx = test_context(1);
    pel_poisson_params p;
    pel_poisson *ps = (pel_poisson *)&p; /* must be reset to NULL on failure */
    pel_poisson_params_default(&p, 3);
    ck_assert_int_eq(pel_poisson_create(NULL, &p, &ps), PEL_EINVAL);
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, NULL), PEL_EINVAL, "poisson: the result pointer must not be NULL");
    ck_assert_fails(ctx, pel_poisson_create(ctx, NULL, &ps), PEL_EINVAL, "poisson: params must not be NULL");
    ck_assert_ptr_null(ps);

    p.dim = 1;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "dim = 1: must be 2 or 3");
    p.dim = 4;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "dim = 4");
    p.dim = 3;
    p.n[2] = 1;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL,
                    "poisson: n[2] = 1: must be at least 2");
    p.n[2] = 64;
    p.n[0] = 0;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "n[0] = 0");
    p.n[0] = 64;
    p.length[1] = 0.0;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL,
                    "length[1] = 0: must be positive and finite");
    p.length[1] = -2.0;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "length[1] = -2");
    p.length[1] = 1.0;
    p.length[0] = NAN;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "length[0] = nan");
    p.length[0] = 1.0;
    p.length[2] = INFINITY;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "length[2] = inf");
    p.length[2] = 1.0;
    p.laplacian = (pel_laplacian)7;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "laplacian = 7");
    p.laplacian = PEL_LAPLACIAN_FD2;
    p.n[0] = SIZE_MAX / 4;
    p.n[1] = (size_t)1 << 20;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EINVAL, "too many points");
    ck_assert_ptr_null(ps);
    ck_assert(strstr(pel_context_error_location(ctx), "poisson.c:") != NULL);

    /* in 2D the third entries are not looked at */
    pel_poisson_params_default(&p, 2);
    p.n[0] = 8, p.n[1] = 6, p.n[2] = 0, p.length[2] = -1.0;
    ck_assert_ok(pel_poisson_create(ctx, &p, &ps));
    ck_assert_uint_eq(pel_poisson_points(ps), 48);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_wisdom_errors)
{
    pel_context *ctx = test_context(1);
    pel_poisson_params p;
    pel_poisson *ps;
    pel_poisson_params_default(&p, 2);
    p.wisdom_file = "/nonexistent-dir/pel.wisdom";
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EIO,
                    "wisdom_file '/nonexistent-dir/pel.wisdom': cannot open");
    ck_assert_ptr_null(ps);

    char path[4096];
    snprintf(path, sizeof path, "%s", tmp_path("garbage.wisdom"));
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not wisdom\n", f);
    fclose(f);
    p.wisdom_file = path;
    ck_assert_fails(ctx, pel_poisson_create(ctx, &p, &ps), PEL_EFORMAT, "not FFTW wisdom");
    ck_assert(strstr(pel_context_error(ctx), path) != NULL);
    unlink(path);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_call_errors)
{
    pel_context *ctx = test_context(1);
    pel_poisson *ps = make(ctx, 2, 8, 6, 0, 1, 1, 1, PEL_LAPLACIAN_SPECTRAL);
    double f[48] = {0}, phi[48];
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));

    ck_assert_int_eq(pel_poisson_solve(NULL, f, phi), PEL_EINVAL);
    ck_assert_fails(ctx, pel_poisson_solve(ps, NULL, phi), PEL_EINVAL, "f is NULL");
    ck_assert_fails(ctx, pel_poisson_solve(ps, f, NULL), PEL_EINVAL, "phi is NULL");
    ck_assert_int_eq(pel_poisson_verify(NULL, f, phi, NULL, log), PEL_EINVAL);
    ck_assert_fails(ctx, pel_poisson_verify(ps, NULL, phi, NULL, log), PEL_EINVAL, "f is NULL");
    ck_assert_fails(ctx, pel_poisson_verify(ps, f, NULL, NULL, log), PEL_EINVAL, "phi is NULL");
    ck_assert_fails(ctx, pel_poisson_verify(ps, f, phi, NULL, NULL), PEL_EINVAL, "log is NULL");
    ck_assert_int_eq(pel_verify_log_count(log), 0);
    ck_assert_int_eq(pel_poisson_manufactured(NULL, f, phi), PEL_EINVAL);
    ck_assert_ok(pel_poisson_manufactured(ps, NULL, NULL));

    /* queries on NULL, and before the first solve */
    ck_assert_uint_eq(pel_poisson_points(NULL), 0);
    ck_assert(isnan(pel_poisson_rhs_mean(NULL)));
    ck_assert(isnan(pel_poisson_rhs_mean(ps)));
    pel_poisson_destroy(NULL);
    pel_poisson_params_default(NULL, 2);

    /* the solve is timed as a region, and leaves no region open */
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    const pel_region_stats *r = pel_region_find(ctx, "poisson.solve");
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->count, 2);
    ck_assert_ok(pel_region_begin(ctx, "outer"));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    ck_assert_ok(pel_region_end(ctx, "outer"));
    ck_assert_ptr_nonnull(pel_region_find(ctx, "outer/poisson.solve"));
    ck_assert(pel_poisson_rhs_mean(ps) == 0.0);

    pel_verify_log_destroy(log);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_defaults)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, 3);
    ck_assert_int_eq(p.dim, 3);
    for (int d = 0; d < 3; d++) {
        ck_assert_uint_eq(p.n[d], 64);
        ck_assert(p.length[d] == 1.0);
    }
    ck_assert_int_eq(p.laplacian, PEL_LAPLACIAN_SPECTRAL);
    ck_assert_ptr_null(p.wisdom_file);
}
END_TEST

/* ---- numerics ------------------------------------------------------------------------ */

typedef struct grid_case {
    int dim;
    size_t n[3];
    double L[3];
} grid_case;

/* Cubic and non-cubic, even and odd (including prime) sizes, unit and
 * non-unit periods. */
static const grid_case cases[] = {
    {2, {64, 64, 1}, {1, 1, 1}},        {2, {30, 45, 1}, {2.0, 3.0, 1}},
    {2, {17, 8, 1}, {0.5, 1.0, 1}},     {3, {32, 32, 32}, {1, 1, 1}},
    {3, {30, 45, 17}, {1.0, 2.5, 0.75}}, {3, {9, 8, 13}, {1, 1, 1}},
};

START_TEST(num_manufactured)
{
    pel_context *ctx = test_context(2);
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    for (int lap = 0; lap < 2; lap++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const grid_case *g = &cases[c];
            pel_poisson *ps = make(ctx, g->dim, g->n[0], g->n[1], g->n[2], g->L[0], g->L[1],
                                   g->L[2], (pel_laplacian)lap);
            size_t N = pel_poisson_points(ps);
            double *f = array(N), *phi = array(N), *ex = array(N);
            ck_assert_ok(pel_poisson_manufactured(ps, f, ex));
            ck_assert_ok(pel_poisson_solve(ps, f, phi));
            double err = rel_err(phi, ex, N);
            double tol = roundoff(N, kappa_manufactured((pel_laplacian)lap, g->dim, g->n, g->L));
            ck_assert_msg(err <= tol, "case %zu lap %d: error %g > %g", c, lap, err, tol);
            /* f is the mean-free Laplacian of phi: the removed mean is round-off */
            ck_assert_msg(fabs(pel_poisson_rhs_mean(ps)) <= tol * max_abs(f, N), "mean %g",
                          pel_poisson_rhs_mean(ps));
            /* f alone also gives phi (the other output is optional) */
            double *f2 = array(N);
            ck_assert_ok(pel_poisson_manufactured(ps, f2, NULL));
            ck_assert(memcmp(f, f2, N * sizeof *f) == 0);
            ck_assert_ok(pel_poisson_manufactured(ps, NULL, f2));
            ck_assert(memcmp(ex, f2, N * sizeof *f) == 0);

            pel_verify_log_clear(log);
            ck_assert_ok(pel_poisson_verify(ps, f, phi, ex, log));
            ck_assert_int_eq(pel_verify_log_count(log), 2);
            ck_assert_str_eq(pel_verify_log_get(log, 0)->name, "poisson.error_max");
            ck_assert_str_eq(pel_verify_log_get(log, 1)->name, "poisson.residual");
            ck_assert_msg(pel_verify_log_passed(log), "case %zu lap %d: verify failed", c, lap);
            ck_assert(pel_verify_log_get(log, 0)->value <= tol);
            pel_free(f2);
            pel_free(f);
            pel_free(phi);
            pel_free(ex);
            pel_poisson_destroy(ps);
        }
    pel_verify_log_destroy(log);
    pel_context_destroy(ctx);
}
END_TEST

/* One Fourier mode along each dimension in turn: phi = sin(2 pi m x_d / L_d)
 * has  laplacian(phi) = -(2 pi m / L_d)^2 phi  (spectral) and
 * -(4 / h^2) sin^2(pi m / n_d) phi  (the 3-point stencil's eigenvalue). */
START_TEST(num_single_mode)
{
    pel_context *ctx = test_context(2);
    const size_t n[3] = {12, 10, 9};
    const double L[3] = {1.0, 2.0, 3.0};
    const long m = 3;
    for (int lap = 0; lap < 2; lap++) {
        pel_poisson *ps = make(ctx, 3, n[0], n[1], n[2], L[0], L[1], L[2], (pel_laplacian)lap);
        size_t N = pel_poisson_points(ps);
        double *f = array(N), *phi = array(N), *ex = array(N);
        for (int d = 0; d < 3; d++) {
            double s = sym1((pel_laplacian)lap, L[d], n[d], (double)m);
            for (size_t i = 0; i < n[0]; i++)
                for (size_t j = 0; j < n[1]; j++)
                    for (size_t k = 0; k < n[2]; k++) {
                        size_t idx[3] = {i, j, k}, q = (i * n[1] + j) * n[2] + k;
                        ex[q] = sin(2.0 * M_PI * (double)(m * idx[d]) / (double)n[d]);
                        f[q] = s * ex[q];
                    }
            ck_assert_ok(pel_poisson_solve(ps, f, phi));
            double tol = roundoff(N, -s / sym_min((pel_laplacian)lap, 3, n, L));
            ck_assert_msg(rel_err(phi, ex, N) <= tol, "dim %d lap %d: %g", d, lap,
                          rel_err(phi, ex, N));
        }
        pel_free(f);
        pel_free(phi);
        pel_free(ex);
        pel_poisson_destroy(ps);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* The Nyquist mode of an even n is kept with its symbol: phi = cos(pi n x / L)
 * = (-1)^i on the grid, and laplacian(phi) = -(pi n / L)^2 phi (spectral),
 * -(4 / h^2) phi (FD2: sin^2(pi/2) = 1). */
START_TEST(num_nyquist)
{
    pel_context *ctx = test_context(2);
    const size_t n0 = 16, n1 = 10;
    const double L0 = 2.0;
    for (int lap = 0; lap < 2; lap++) {
        pel_poisson *ps = make(ctx, 2, n0, n1, 0, L0, 1.0, 1.0, (pel_laplacian)lap);
        size_t N = n0 * n1;
        double *f = array(N), *phi = array(N), *ex = array(N);
        double s = sym1((pel_laplacian)lap, L0, n0, n0 / 2.0);
        for (size_t i = 0; i < n0; i++)
            for (size_t j = 0; j < n1; j++) {
                ex[i * n1 + j] = (i % 2) ? -1.0 : 1.0;
                f[i * n1 + j] = s * ex[i * n1 + j];
            }
        ck_assert_ok(pel_poisson_solve(ps, f, phi));
        double tol = roundoff(N, -s / sym_min((pel_laplacian)lap, 2, (size_t[]){n0, n1},
                                                (double[]){L0, 1.0}));
        ck_assert_msg(rel_err(phi, ex, N) <= tol, "lap %d: %g", lap, rel_err(phi, ex, N));
        pel_free(f);
        pel_free(phi);
        pel_free(ex);
        pel_poisson_destroy(ps);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* A constant added to f is the mean a periodic problem cannot match: it is
 * removed, reported, and leaves phi unchanged up to round-off of the size of
 * the constant (it passes through the same transforms). */
START_TEST(num_mean_removed)
{
    pel_context *ctx = test_context(2);
    const grid_case *g = &cases[4];
    pel_poisson *ps = make(ctx, 3, g->n[0], g->n[1], g->n[2], g->L[0], g->L[1], g->L[2],
                           PEL_LAPLACIAN_SPECTRAL);
    size_t N = pel_poisson_points(ps);
    double *f = array(N), *phi = array(N), *phi2 = array(N);
    ck_assert_ok(pel_poisson_manufactured(ps, f, NULL));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    const double c = 3.25;
    for (size_t i = 0; i < N; i++) f[i] += c;
    ck_assert_ok(pel_poisson_solve(ps, f, phi2));
    double kappa = kappa_manufactured(PEL_LAPLACIAN_SPECTRAL, 3, g->n, g->L);
    double tol = roundoff(N, kappa) * (1.0 + c / max_abs(f, N));
    /* the mean is the zero mode of the forward transform: a sum over f */
    ck_assert_rel(pel_poisson_rhs_mean(ps), c, roundoff(N, 0.0) * (1.0 + max_abs(f, N) / c));
    ck_assert_msg(rel_err(phi2, phi, N) <= tol, "phi moved by %g", rel_err(phi2, phi, N));
    pel_free(f);
    pel_free(phi);
    pel_free(phi2);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

/* f == phi gives the same bits as separate arrays, and so does a caller's
 * array at an odd address: only copies touch the caller's memory. */
START_TEST(num_in_place)
{
    pel_context *ctx = test_context(2);
    for (int c = 0; c < 2; c++) {
        const grid_case *g = &cases[c == 0 ? 1 : 4];
        pel_poisson *ps = make(ctx, g->dim, g->n[0], g->n[1], g->n[2], g->L[0], g->L[1],
                               g->L[2], PEL_LAPLACIAN_FD2);
        size_t N = pel_poisson_points(ps);
        double *f = array(N), *phi = array(N), *buf = array(N + 1);
        pel_rng_fill_uniform(tctx(2), pel_rng_stream(3, (uint64_t)c), 0, f, N);
        ck_assert_ok(pel_poisson_solve(ps, f, phi));
        double *g1 = buf + 1; /* 8 bytes off the 64-byte alignment */
        memcpy(g1, f, N * sizeof *f);
        ck_assert_ok(pel_poisson_solve(ps, g1, g1));
        ck_assert(memcmp(g1, phi, N * sizeof *phi) == 0);
        pel_free(f);
        pel_free(phi);
        pel_free(buf);
        pel_poisson_destroy(ps);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* Wisdom round trip: plans measured in one solver, exported, forgotten, and
 * imported into a deterministic solver (which plans with FFTW_ESTIMATE, and
 * so takes every plan from the wisdom) give the same bits. */
START_TEST(num_wisdom)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", tmp_path("roundtrip.wisdom"));
    pel_context *ctx = test_context(2);
    pel_context_set_deterministic(ctx, 0); /* FFTW_MEASURE */
    pel_poisson *ps = make(ctx, 2, 48, 40, 0, 1, 1, 1, PEL_LAPLACIAN_SPECTRAL);
    size_t N = pel_poisson_points(ps);
    double *f = array(N), *phi = array(N), *phi2 = array(N);
    ck_assert_ok(pel_poisson_manufactured(ps, f, NULL));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    ck_assert_int_eq(fftw_export_wisdom_to_filename(path), 1);
    fftw_forget_wisdom();

    pel_context *ctx2 = test_context(3);
    pel_poisson_params p;
    pel_poisson_params_default(&p, 2);
    p.n[0] = 48, p.n[1] = 40;
    p.wisdom_file = path;
    pel_poisson *ps2;
    ck_assert_ok(pel_poisson_create(ctx2, &p, &ps2));
    ck_assert_ok(pel_poisson_solve(ps2, f, phi2));
    ck_assert(memcmp(phi, phi2, N * sizeof *phi) == 0);
    unlink(path);
    pel_free(f);
    pel_free(phi);
    pel_free(phi2);
    pel_poisson_destroy(ps);
    pel_poisson_destroy(ps2);
    pel_context_destroy(ctx);
    pel_context_destroy(ctx2);
}
END_TEST

START_TEST(num_verify_pass_fail)
{
    pel_context *ctx = test_context(2);
    pel_poisson *ps = make(ctx, 3, 24, 20, 18, 1, 1, 1, PEL_LAPLACIAN_FD2);
    size_t N = pel_poisson_points(ps);
    double *f = array(N), *phi = array(N), *ex = array(N);
    ck_assert_ok(pel_poisson_manufactured(ps, f, ex));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_poisson_verify(ps, f, phi, ex, log));
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_clear(log);
    ck_assert_ok(pel_poisson_verify(ps, f, phi, NULL, log)); /* residual only */
    ck_assert_int_eq(pel_verify_log_count(log), 1);
    ck_assert_str_eq(pel_verify_log_get(log, 0)->name, "poisson.residual");
    ck_assert(pel_verify_log_passed(log));

    /* one value off by 1e-6 of the field's size: far above round-off */
    phi[N / 3] += 1e-6 * max_abs(ex, N);
    pel_verify_log_clear(log);
    ck_assert_ok(pel_poisson_verify(ps, f, phi, ex, log));
    ck_assert_int_eq(pel_verify_log_failures(log), 2);
    ck_assert_rel(pel_verify_log_get(log, 0)->value, 1e-6, 1e-6);

    /* a random f: the residual holds for any data, not just smooth data */
    pel_rng_fill_uniform(tctx(2), pel_rng_stream(9, 1), 0, f, N);
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    pel_verify_log_clear(log);
    ck_assert_ok(pel_poisson_verify(ps, f, phi, NULL, log));
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    pel_free(f);
    pel_free(phi);
    pel_free(ex);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

/* Grids down to two points per dimension: the manufactured terms fold onto
 * the few wavenumbers the grid has, and still come back to round-off. */
START_TEST(num_tiny_grids)
{
    pel_context *ctx = test_context(2);
    const size_t sizes[][3] = {{2, 2, 2}, {3, 2, 2}, {2, 3, 5}, {4, 4, 3}};
    for (int lap = 0; lap < 2; lap++)
        for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
            pel_poisson *ps = make(ctx, 3, sizes[c][0], sizes[c][1], sizes[c][2], 1, 1, 1,
                                   (pel_laplacian)lap);
            size_t N = pel_poisson_points(ps);
            double *f = array(N), *phi = array(N), *ex = array(N);
            ck_assert_ok(pel_poisson_manufactured(ps, f, ex));
            ck_assert_ok(pel_poisson_solve(ps, f, phi));
            pel_verify_log *log;
            ck_assert_ok(pel_verify_log_create(&log));
            ck_assert_ok(pel_poisson_verify(ps, f, phi, ex, log));
            ck_assert_msg(pel_verify_log_passed(log), "size %zu lap %d", c, lap);
            pel_verify_log_destroy(log);
            pel_free(f);
            pel_free(phi);
            pel_free(ex);
            pel_poisson_destroy(ps);
        }
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads: bitwise equality across thread counts ----------------------------------- */

/* Sizes chosen so that no pass divides evenly into its batches: a remainder
 * batch (its own plan) in the row pass, the y pass and the x pass. */
static const grid_case thread_cases[] = {
    {2, {300, 258, 1}, {1.0, 2.0, 1}},
    {2, {67, 45, 1}, {1, 1, 1}},
    {3, {19, 23, 29}, {1.0, 1.5, 2.0}},
    {3, {24, 290, 130}, {1, 1, 1}},
};

START_TEST(threads_bitwise)
{
    for (size_t c = 0; c < sizeof thread_cases / sizeof thread_cases[0]; c++) {
        const grid_case *g = &thread_cases[c];
        double *ref = NULL, ref_mean = 0.0, ref_res = 0.0;
        size_t N = 0;
        for (int t = 1; t <= 4; t++) {
            pel_context *ctx = test_context(t);
            pel_poisson *ps = make(ctx, g->dim, g->n[0], g->n[1], g->n[2], g->L[0], g->L[1],
                                   g->L[2], (pel_laplacian)(c % 2));
            N = pel_poisson_points(ps);
            double *f = array(N), *phi = array(N);
            /* random data: every mode nonzero, so every plan's rounding shows */
            pel_rng_fill_uniform(tctx(t), pel_rng_stream(17, c), 0, f, N);
            ck_assert_ok(pel_poisson_solve(ps, f, phi));
            pel_verify_log *log;
            ck_assert_ok(pel_verify_log_create(&log));
            ck_assert_ok(pel_poisson_verify(ps, f, phi, NULL, log));
            double res = pel_verify_log_get(log, 0)->value, mean = pel_poisson_rhs_mean(ps);
            if (t == 1) {
                ref = phi, ref_mean = mean, ref_res = res;
            } else {
                ck_assert_msg(memcmp(phi, ref, N * sizeof *phi) == 0, "case %zu: %d threads",
                              c, t);
                ck_assert(memcmp(&mean, &ref_mean, sizeof mean) == 0);
                ck_assert(memcmp(&res, &ref_res, sizeof res) == 0);
                pel_free(phi);
            }
            pel_verify_log_destroy(log);
            pel_free(f);
            pel_poisson_destroy(ps);
            pel_context_destroy(ctx);
        }
        pel_free(ref);
    }
}
END_TEST

/* The thread count may change after create: the result does not. */
START_TEST(threads_change_after_create)
{
    pel_context *ctx = test_context(1);
    pel_poisson *ps = make(ctx, 3, 21, 34, 27, 1, 1, 1, PEL_LAPLACIAN_SPECTRAL);
    size_t N = pel_poisson_points(ps);
    double *f = array(N), *a = array(N), *b = array(N);
    pel_rng_fill_uniform(tctx(1), pel_rng_stream(5, 5), 0, f, N);
    ck_assert_ok(pel_poisson_solve(ps, f, a));
    for (int t = 2; t <= 4; t++) {
        ck_assert_ok(pel_context_set_threads(ctx, t));
        ck_assert_ok(pel_poisson_solve(ps, f, b));
        ck_assert(memcmp(a, b, N * sizeof *a) == 0);
    }
    pel_free(f);
    pel_free(a);
    pel_free(b);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads: inside a user's parallel region, in tasks, nested ---------------------- */

typedef struct policy_case {
    int dim;
    size_t n[3];
    pel_laplacian lap;
} policy_case;

/* A run: create, the manufactured problem, a solve and its verification;
 * out is phi, then the mean of f and the two records' values. */
#define POLICY_EXTRA 3
static void run_solve(pel_context *ctx, void *arg, void *out)
{
    const policy_case *c = arg;
    pel_poisson *ps = make(ctx, c->dim, c->n[0], c->n[1], c->n[2], 1.0, 2.0, 0.5, c->lap);
    size_t N = pel_poisson_points(ps);
    double *f = array(N), *exact = array(N), *phi = out, extra[POLICY_EXTRA] = {0};
    ck_assert_ok(pel_poisson_manufactured(ps, f, exact));
    ck_assert_ok(pel_poisson_solve(ps, f, phi));
    extra[0] = pel_poisson_rhs_mean(ps);
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_poisson_verify(ps, f, phi, exact, log));
    ck_assert(pel_verify_log_passed(log));
    ck_assert_int_eq(pel_verify_log_count(log), 2);
    for (int k = 0; k < 2; k++) extra[1 + k] = pel_verify_log_get(log, k)->value;
    memcpy(phi + N, extra, sizeof extra);
    pel_verify_log_destroy(log);
    pel_free(f);
    pel_free(exact);
    pel_poisson_destroy(ps);
}

/* Solve, verify (teams with barriers: a nested team or the calling thread
 * inside a user's region) and the manufactured problem (tasks) give a plain
 * call's bits inside a user's region with nesting off and on, inside tasks
 * and at 1-4 threads, never with more OS threads than asked for. */
START_TEST(threads_policy)
{
    const policy_case grids[2] = {{2, {36, 50, 1}, PEL_LAPLACIAN_FD2},
                                  {3, {12, 18, 20}, PEL_LAPLACIAN_SPECTRAL}};
    const policy_case *c = &grids[_i];
    size_t N = c->n[0] * c->n[1] * c->n[2], nbytes = (N + POLICY_EXTRA) * sizeof(double);
    test_policy(run_solve, (void *)c, nbytes);
    test_same_bits_1_to_4(run_solve, (void *)c, nbytes);
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

typedef struct task_case {
    pel_poisson *ps;
    const double *f;
} task_case;

/* A solve of random data (every mode nonzero) with an existing solver and
 * its residual (the L phi pass); out is phi, then the mean and the residual. */
static void run_solve_random(pel_context *ctx, void *arg, void *out)
{
    (void)ctx;
    const task_case *c = arg;
    size_t N = pel_poisson_points(c->ps);
    double *phi = out;
    ck_assert_ok(pel_poisson_solve(c->ps, c->f, phi));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_poisson_verify(c->ps, c->f, phi, NULL, log));
    phi[N] = pel_poisson_rhs_mean(c->ps);
    phi[N + 1] = pel_verify_log_get(log, 0)->value;
    pel_verify_log_destroy(log);
}

/* Solve and verify, made from one thread of a user's region without
 * nesting, run their three passes as tasks of a virtual team of the
 * context's 2 and give a plain call's bits, on no more OS threads than the
 * region's 2; so does the whole of create, manufactured, solve and verify.
 * Which threads ran the tasks is not observable through the API (no hook is
 * called from inside a call's work). */
START_TEST(threads_tasks)
{
    const policy_case grids[2] = {{2, {300, 202, 1}, PEL_LAPLACIAN_FD2},
                                  {3, {40, 26, 34}, PEL_LAPLACIAN_SPECTRAL}};
    const policy_case *g = &grids[_i];
    pel_context *ctx = test_context(2);
    pel_poisson *ps = make(ctx, g->dim, g->n[0], g->n[1], g->n[2], 1.0, 2.0, 0.5, g->lap);
    size_t N = pel_poisson_points(ps);
    size_t nbytes = (N + POLICY_EXTRA) * sizeof(double);
    double *f = array(N), *ref = array(N + POLICY_EXTRA), *got = array(N + POLICY_EXTRA);
    pel_rng_fill_uniform(tctx(1), pel_rng_stream(29, 0), 0, f, N);
    task_case c = {ps, f};
    run_solve_random(ctx, &c, ref);
    memset(got, 0xA5, nbytes);
    run_in_single(run_solve_random, ctx, &c, got);
    ck_assert_msg(memcmp(ref, got, (N + 2) * sizeof(double)) == 0,
                  "%dD: solve and verify as tasks differ from a plain call", g->dim);
    int now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, at most 2 were asked for", now);
    run_solve(ctx, (void *)g, ref);
    memset(got, 0xA5, nbytes);
    run_in_single(run_solve, ctx, (void *)g, got);
    ck_assert_msg(memcmp(ref, got, nbytes) == 0,
                  "%dD: create to verify as tasks differs from a plain call", g->dim);
    now = test_os_threads(2);
    ck_assert_msg(now <= 2, "%d OS threads ran, at most 2 were asked for", now);
    pel_free(f);
    pel_free(ref);
    pel_free(got);
    pel_poisson_destroy(ps);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *poisson_suite(void)
{
    Suite *s = suite_create("poisson");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create_errors);
    tcase_add_test(api, api_wisdom_errors);
    tcase_add_test(api, api_call_errors);
    tcase_add_test(api, api_defaults);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_manufactured);
    tcase_add_test(num, num_single_mode);
    tcase_add_test(num, num_nyquist);
    tcase_add_test(num, num_mean_removed);
    tcase_add_test(num, num_in_place);
    tcase_add_test(num, num_wisdom);
    tcase_add_test(num, num_verify_pass_fail);
    tcase_add_test(num, num_tiny_grids);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_bitwise);
    tcase_add_test(thr, threads_change_after_create);
    tcase_add_loop_test(thr, threads_policy, 0, 2); /* 2D, 3D */
    tcase_add_loop_test(thr, threads_tasks, 0, 2);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(poisson_suite()); }
