/* Spectral family: the diffusion solver and NPB FT (include/pel/diffusion.h). */
#include <config.h>

#include <complex.h>
#include <float.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------ */

static pel_diffusion *make(pel_context *ctx, size_t nx, size_t ny, size_t nz, double alpha)
{
    pel_diffusion_params p = {.nx = nx, .ny = ny, .nz = nz, .alpha = alpha};
    pel_diffusion *d = NULL;
    pel_status st = pel_diffusion_create(ctx, &p, &d);
    ck_assert_msg(st == PEL_OK, "create failed: %s", pel_context_error(ctx));
    return d;
}

static double *field(size_t npoints)
{
    double *u = pel_malloc(2 * npoints * sizeof *u);
    ck_assert_ptr_nonnull(u);
    return u;
}

/* Round-off bound for one forward and one inverse 3D transform of N points:
 * errors of order eps log2 N relative to the data (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., sec. 24.1), a few roundings
 * more for the decay factor and the normalisation (+ 2), constant 8 as in
 * check_poisson.c. */
static double roundoff(size_t n)
{
    return 8.0 * DBL_EPSILON * (log2((double)n) + 2.0);
}

/* NPB's signed index of i in 0..n-1, written independently of the library:
 * the representative of i mod n closest to zero, -n/2 for the tie. */
static double kbar(size_t i, size_t n)
{
    return 2 * i < n ? (double)i : (double)i - (double)n;
}

/* ---- api ---------------------------------------------------------------------- */

START_TEST(api_create)
{
    pel_context *ctx = test_context(1);
    pel_diffusion *d = NULL;
    pel_diffusion_params p = {.nx = 4, .ny = 4, .nz = 4, .alpha = 1e-6};
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, NULL), PEL_EINVAL, "output handle is NULL");
    ck_assert_fails(ctx, pel_diffusion_create(ctx, NULL, &d), PEL_EINVAL, "params is NULL");
    p.nx = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: nx must be positive (got 0)");
    p.nx = 4, p.ny = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: ny must be positive (got 0)");
    p.ny = 4, p.nz = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: nz must be positive (got 0)");
    p.nz = 4, p.alpha = -1.0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "alpha must be finite and >= 0 (got -1)");
    p.alpha = NAN;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL, "alpha must be finite");
    p.nx = p.ny = p.nz = SIZE_MAX / 8, p.alpha = 0.0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL, "too many points");
    ck_assert_ptr_null(d);
    ck_assert_int_eq(pel_diffusion_create(NULL, &p, &d), PEL_EINVAL);
    pel_diffusion_destroy(NULL);
    ck_assert_uint_eq(pel_diffusion_points(NULL), 0);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_calls)
{
    pel_context *ctx = test_context(1);
    pel_diffusion *d = make(ctx, 4, 3, 2, 1e-3);
    double *u = field(24), sum[2];
    ck_assert_fails(ctx, pel_diffusion_evolve(d, 1.0, u), PEL_EINVAL,
                    "no initial field (call pel_diffusion_set_initial first)");
    ck_assert_fails(ctx, pel_diffusion_set_initial(d, NULL), PEL_EINVAL,
                    "the initial field u0 is NULL");
    ck_assert_fails(ctx, pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, NULL), PEL_EINVAL,
                    "npb_initial: the field u is NULL");
    ck_assert_fails(ctx, pel_diffusion_npb_initial(d, 0, PEL_LCG46_A, u), PEL_EINVAL,
                    "seed must be in [1, 2^46) (got 0)");
    ck_assert_fails(ctx, pel_diffusion_npb_initial(d, 1, UINT64_C(1) << 46, u), PEL_EINVAL,
                    "a must be in [1, 2^46)");
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_fails(ctx, pel_diffusion_evolve(d, 1.0, NULL), PEL_EINVAL,
                    "the output field u is NULL");
    ck_assert_fails(ctx, pel_diffusion_evolve(d, -1.0, u), PEL_EINVAL,
                    "t must be finite and >= 0 (got -1)");
    ck_assert_fails(ctx, pel_diffusion_evolve(d, INFINITY, u), PEL_EINVAL, "t must be finite");
    ck_assert_fails(ctx, pel_diffusion_checksum(d, NULL, sum), PEL_EINVAL, "the field u is NULL");
    ck_assert_fails(ctx, pel_diffusion_checksum(d, u, NULL), PEL_EINVAL, "the output sum is NULL");
    ck_assert_int_eq(pel_diffusion_set_initial(NULL, u), PEL_EINVAL);
    ck_assert_int_eq(pel_diffusion_evolve(NULL, 0.0, u), PEL_EINVAL);
    ck_assert_int_eq(pel_diffusion_checksum(NULL, u, sum), PEL_EINVAL);
    ck_assert_uint_eq(pel_diffusion_points(d), 24);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_npb_class)
{
    pel_context *ctx = test_context(1);
    pel_diffusion_npb c;
    ck_assert_fails(ctx, pel_diffusion_npb_class(ctx, 'Q', &c), PEL_EINVAL,
                    "unknown NPB class 'Q' (expected S, W, A, B or C)");
    ck_assert_fails(ctx, pel_diffusion_npb_class(ctx, 's', &c), PEL_EINVAL, "unknown NPB class 's'");
    ck_assert_fails(ctx, pel_diffusion_npb_class(ctx, 'S', NULL), PEL_EINVAL, "output is NULL");
    /* NPB 3.3.1 FT sizes: S 64^3, W 128x128x32, A 256x256x128 (6 steps),
     * B 512x256x256, C 512^3 (20 steps); alpha 1e-6, seed 314159265, a 5^13 */
    static const struct { char cls; size_t nx, ny, nz; int niter; } want[] = {
        {'S', 64, 64, 64, 6},    {'W', 128, 128, 32, 6},   {'A', 256, 256, 128, 6},
        {'B', 512, 256, 256, 20}, {'C', 512, 512, 512, 20}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_ok(pel_diffusion_npb_class(ctx, want[i].cls, &c));
        ck_assert_int_eq(c.cls, want[i].cls);
        ck_assert_uint_eq(c.params.nx, want[i].nx);
        ck_assert_uint_eq(c.params.ny, want[i].ny);
        ck_assert_uint_eq(c.params.nz, want[i].nz);
        ck_assert_int_eq(c.niter, want[i].niter);
        ck_assert(c.params.alpha == 1.0e-6);
        ck_assert_uint_eq(c.seed, 314159265);
        ck_assert_uint_eq(c.a, 1220703125);
        ck_assert(c.epsilon == 1.0e-12);
        for (int t = 0; t < c.niter; t++) ck_assert(c.checksum[t][0] > 500.0);
    }
    /* the last step of B and C, NPB 3.3.1 ft.f verify */
    ck_assert_ok(pel_diffusion_npb_class(ctx, 'B', &c));
    ck_assert(c.checksum[19][0] == 5.124146770029e+02 && c.checksum[19][1] == 5.115744692211e+02);
    ck_assert_ok(pel_diffusion_npb_class(ctx, 'C', &c));
    ck_assert(c.checksum[19][0] == 5.129714421109e+02 && c.checksum[19][1] == 5.123465164008e+02);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- numerics ----------------------------------------------------------------- */

/* Runs an NPB class and checks every step's checksum with NPB's test. */
static void npb_run(char cls, int nthreads, double sums[][2], char fp[PEL_FINGERPRINT_HEX])
{
    pel_context *ctx = test_context(nthreads);
    pel_diffusion_npb c;
    ck_assert_ok(pel_diffusion_npb_class(ctx, cls, &c));
    pel_diffusion *d = NULL;
    ck_assert_ok(pel_diffusion_create(ctx, &c.params, &d));
    size_t n = pel_diffusion_points(d);
    double *u = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, c.seed, c.a, u));
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    for (int t = 1; t <= c.niter; t++) {
        ck_assert_ok(pel_diffusion_evolve(d, t, u));
        ck_assert_ok(pel_diffusion_checksum(d, u, sums[t - 1]));
        double err = pel_diffusion_npb_error(sums[t - 1], c.checksum[t - 1]);
        ck_assert_msg(err <= c.epsilon, "class %c step %d: (%.13e, %.13e) vs (%.13e, %.13e): %g",
                      cls, t, sums[t - 1][0], sums[t - 1][1], c.checksum[t - 1][0],
                      c.checksum[t - 1][1], err);
    }
    if (fp) pel_fingerprint(u, 2 * n * sizeof *u, fp);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}

START_TEST(num_npb_s)
{
    double sums[6][2];
    npb_run('S', 0, sums, NULL);
}
END_TEST

START_TEST(num_npb_w)
{
    double sums[6][2];
    npb_run('W', 0, sums, NULL);
}
END_TEST

/* NPB's verify test is the modulus of a complex relative error. */
START_TEST(num_npb_error)
{
    double ref[2] = {3.0, 4.0}, sum[2] = {3.0 + 3e-12, 4.0 + 4e-12};
    ck_assert_rel(pel_diffusion_npb_error(sum, ref), 1e-12, 1e-3);
    sum[0] = 3.0, sum[1] = 4.0 - 5e-12; /* |(0, -5e-12)| / 5 */
    ck_assert_rel(pel_diffusion_npb_error(sum, ref), 1e-12, 1e-3);
    ck_assert(isnan(pel_diffusion_npb_error(NULL, ref)));
}
END_TEST

/* NPB's initial condition is the LCG stream laid out in order. */
START_TEST(num_npb_initial)
{
    pel_context *ctx = test_context(0);
    pel_diffusion *d = make(ctx, 5, 3, 4, 0.0);
    double *u = field(60);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    double x = 314159265.0;
    for (size_t m = 0; m < 120; m++) ck_assert(u[m] == pel_randlc(&x, 1220703125.0));
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* A single Fourier mode exp(2 pi i m.x / n) decays by exactly
 * exp(-4 alpha pi^2 |m|^2 t) and keeps its shape. */
START_TEST(num_single_mode)
{
    pel_context *ctx = test_context(0);
    const size_t nx = 8, ny = 6, nz = 5, n = nx * ny * nz;
    const double alpha = 1e-3, t = 2.5;
    const int m[3] = {1, -2, 2};
    pel_diffusion *d = make(ctx, nx, ny, nz, alpha);
    double *u = field(n);
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                double ph = 2.0 * M_PI *
                            ((double)m[0] * x / nx + (double)m[1] * y / ny + (double)m[2] * z / nz);
                size_t p = (z * ny + y) * nx + x;
                u[2 * p] = cos(ph), u[2 * p + 1] = sin(ph);
            }
    double *u0 = field(n);
    memcpy(u0, u, 2 * n * sizeof *u);
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, t, u));
    double decay = exp(-4.0 * alpha * M_PI * M_PI * 9.0 * t); /* |m|^2 = 1 + 4 + 4 */
    double err = 0.0;
    for (size_t i = 0; i < 2 * n; i++) err = fmax(err, fabs(u[i] - decay * u0[i]));
    ck_assert_msg(err <= roundoff(n), "single mode: error %g > %g", err, roundoff(n));
    pel_free(u0);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* evolve(0) is the identity: forward then normalised inverse. */
START_TEST(num_round_trip)
{
    pel_context *ctx = test_context(0);
    const size_t nx = 12, ny = 10, nz = 6, n = nx * ny * nz;
    pel_diffusion *d = make(ctx, nx, ny, nz, 1e-6);
    double *u0 = field(n), *u = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u0));
    ck_assert_ok(pel_diffusion_set_initial(d, u0));
    ck_assert_ok(pel_diffusion_evolve(d, 0.0, u));
    double err = 0.0;
    for (size_t i = 0; i < 2 * n; i++) err = fmax(err, fabs(u[i] - u0[i]));
    /* the data lie in (0, 1) */
    ck_assert_msg(err <= roundoff(n), "round trip: error %g > %g", err, roundoff(n));
    pel_free(u0);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* A small grid (odd and even sizes) against the definition, O(N^2):
 * u(x, t) = 1/N sum_k [sum_x' u0(x') e^{+i k.x'}] e^{-i k.x} e^{-4 alpha pi^2 |kbar|^2 t},
 * with k.x = 2 pi (kx x / nx + ky y / ny + kz z / nz) (NPB's forward sign). */
START_TEST(num_naive_dft)
{
    pel_context *ctx = test_context(0);
    const size_t nx = 4, ny = 3, nz = 5, n = nx * ny * nz;
    const double alpha = 0.01, t = 1.5;
    pel_diffusion *d = make(ctx, nx, ny, nz, alpha);
    double *u0 = field(n), *u = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, 271828183, PEL_LCG46_A, u0));
    ck_assert_ok(pel_diffusion_set_initial(d, u0));
    ck_assert_ok(pel_diffusion_evolve(d, t, u));
    double complex *hat = malloc(n * sizeof *hat);
    ck_assert_ptr_nonnull(hat);
    for (size_t kz = 0; kz < nz; kz++)
        for (size_t ky = 0; ky < ny; ky++)
            for (size_t kx = 0; kx < nx; kx++) {
                double complex s = 0.0;
                for (size_t z = 0; z < nz; z++)
                    for (size_t y = 0; y < ny; y++)
                        for (size_t x = 0; x < nx; x++) {
                            size_t p = (z * ny + y) * nx + x;
                            double ph = 2.0 * M_PI *
                                        ((double)(kx * x % nx) / nx + (double)(ky * y % ny) / ny +
                                         (double)(kz * z % nz) / nz);
                            s += (u0[2 * p] + I * u0[2 * p + 1]) * cexp(I * ph);
                        }
                double k2 = kbar(kx, nx) * kbar(kx, nx) + kbar(ky, ny) * kbar(ky, ny) +
                            kbar(kz, nz) * kbar(kz, nz);
                hat[(kz * ny + ky) * nx + kx] = s * exp(-4.0 * alpha * M_PI * M_PI * k2 * t);
            }
    double err = 0.0;
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                double complex s = 0.0;
                for (size_t kz = 0; kz < nz; kz++)
                    for (size_t ky = 0; ky < ny; ky++)
                        for (size_t kx = 0; kx < nx; kx++) {
                            double ph = 2.0 * M_PI *
                                        ((double)(kx * x % nx) / nx + (double)(ky * y % ny) / ny +
                                         (double)(kz * z % nz) / nz);
                            s += hat[(kz * ny + ky) * nx + kx] * cexp(-I * ph);
                        }
                s /= (double)n;
                size_t p = (z * ny + y) * nx + x;
                err = fmax(err, cabs(s - (u[2 * p] + I * u[2 * p + 1])));
            }
    /* the naive sums add N roundings each: bound them by N eps (Higham sec. 4.2) */
    double tol = roundoff(n) + 2.0 * (double)n * DBL_EPSILON;
    ck_assert_msg(err <= tol, "naive DFT: error %g > %g", err, tol);
    free(hat);
    pel_free(u0);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* On a 1 x 1 x 1 grid every one of the 1024 checksum points is point 0. */
START_TEST(num_checksum_points)
{
    pel_context *ctx = test_context(1);
    pel_diffusion *d = make(ctx, 1, 1, 1, 0.0);
    double u[2] = {0.5, -0.25}, sum[2];
    ck_assert_ok(pel_diffusion_checksum(d, u, sum));
    ck_assert(sum[0] == 512.0 && sum[1] == -256.0);
    /* and evolve keeps a constant field (the mean mode does not decay) */
    double v[2];
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, 10.0, v));
    ck_assert(v[0] == 0.5 && v[1] == -0.25);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- threads ------------------------------------------------------------------- */

/* A grid whose every batched pass ends in a remainder batch (20 and 18
 * columns in batches of 16), nz odd. */
static void odd_run(int nthreads, char fp[PEL_FINGERPRINT_HEX], double sum[2])
{
    pel_context *ctx = test_context(nthreads);
    const size_t nx = 20, ny = 18, nz = 7, n = nx * ny * nz;
    pel_diffusion *d = make(ctx, nx, ny, nz, 1e-3);
    double *u = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, u));
    ck_assert_ok(pel_diffusion_checksum(d, u, sum));
    pel_fingerprint(u, 2 * n * sizeof *u, fp);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}

START_TEST(threads_bitwise)
{
    char ref[PEL_FINGERPRINT_HEX], fp[PEL_FINGERPRINT_HEX];
    double s1[2], s[2];
    odd_run(1, ref, s1);
    for (int nt = 2; nt <= 4; nt++) {
        odd_run(nt, fp, s);
        ck_assert_str_eq(fp, ref);
        ck_assert(s[0] == s1[0] && s[1] == s1[1]);
    }
}
END_TEST

START_TEST(threads_npb_s)
{
    char ref[PEL_FINGERPRINT_HEX], fp[PEL_FINGERPRINT_HEX];
    double s1[6][2], s[6][2];
    npb_run('S', 1, s1, ref);
    for (int nt = 2; nt <= 4; nt++) {
        npb_run('S', nt, s, fp);
        ck_assert_str_eq(fp, ref);
        ck_assert_mem_eq(s, s1, sizeof s);
    }
}
END_TEST

/* The thread count may change between create and evolve. */
START_TEST(threads_change_after_create)
{
    pel_context *ctx = test_context(1);
    const size_t nx = 20, ny = 18, nz = 7, n = nx * ny * nz;
    pel_diffusion *d = make(ctx, nx, ny, nz, 1e-3);
    double *u = field(n), *v = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, u));
    ck_assert_ok(pel_context_set_threads(ctx, 4));
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, v));
    ck_assert_ok(pel_diffusion_set_initial(d, v));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, v));
    ck_assert_mem_eq(u, v, 2 * n * sizeof *u);
    pel_free(u);
    pel_free(v);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *ft_suite(void)
{
    Suite *s = suite_create("diffusion");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_calls);
    tcase_add_test(api, api_npb_class);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_npb_s);
    tcase_add_test(num, num_npb_w);
    tcase_add_test(num, num_npb_error);
    tcase_add_test(num, num_npb_initial);
    tcase_add_test(num, num_single_mode);
    tcase_add_test(num, num_round_trip);
    tcase_add_test(num, num_naive_dft);
    tcase_add_test(num, num_checksum_points);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_test(thr, threads_bitwise);
    tcase_add_test(thr, threads_npb_s);
    tcase_add_test(thr, threads_change_after_create);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(ft_suite()); }
