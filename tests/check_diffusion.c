/* The diffusion family: the spectral diffusion solver and NPB FT
 * (include/pel/diffusion.h).  Grids are n[0] x n[1] x n[2], n[0] slowest;
 * the loops below name the indices i0, i1, i2 (NPB's z, y, x). */
#include <config.h>

#include <complex.h>
#include <float.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------ */

static pel_diffusion *make(pel_context *ctx, size_t n0, size_t n1, size_t n2, double alpha)
{
    pel_diffusion_params p = {.n = {n0, n1, n2}, .alpha = alpha};
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
    pel_diffusion_params p = {.n = {4, 4, 4}, .alpha = 1e-6};
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, NULL), PEL_EINVAL, "diffusion: the result pointer must not be NULL");
    ck_assert_fails(ctx, pel_diffusion_create(ctx, NULL, &d), PEL_EINVAL, "diffusion: params must not be NULL");
    p.n[0] = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: n[0] = 0: must be at least 1");
    p.n[0] = 4, p.n[1] = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: n[1] = 0: must be at least 1");
    p.n[1] = 4, p.n[2] = 0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: n[2] = 0: must be at least 1");
    p.n[2] = 4, p.alpha = -1.0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL,
                    "diffusion: alpha = -1: must be finite and >= 0");
    p.alpha = NAN;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL, "must be finite");
    p.n[0] = p.n[1] = p.n[2] = SIZE_MAX / 8, p.alpha = 0.0;
    ck_assert_fails(ctx, pel_diffusion_create(ctx, &p, &d), PEL_EINVAL, "too many points");
    ck_assert_ptr_null(d);
    ck_assert_int_eq(pel_diffusion_create(NULL, &p, &d), PEL_EINVAL);
    pel_diffusion_destroy(NULL);
    ck_assert_uint_eq(pel_diffusion_points(NULL), 0);
    pel_context_destroy(ctx);
}
END_TEST

/* The defaults are NPB FT class S's problem, and a valid parameter set. */
START_TEST(api_params_default)
{
    pel_diffusion_params p;
    memset(&p, 0xA5, sizeof p);
    pel_diffusion_params_default(&p);
    ck_assert_uint_eq(p.n[0], 64);
    ck_assert_uint_eq(p.n[1], 64);
    ck_assert_uint_eq(p.n[2], 64);
    ck_assert(p.alpha == 1.0e-6);
    pel_diffusion_params_default(NULL); /* a no-op */
    pel_context *ctx = test_context(1);
    pel_diffusion_npb c;
    ck_assert_ok(pel_diffusion_npb_class(ctx, 'S', &c));
    ck_assert_mem_eq(&p, &c.params, sizeof p);
    pel_diffusion *d = NULL;
    ck_assert_ok(pel_diffusion_create(ctx, &p, &d));
    ck_assert_uint_eq(pel_diffusion_points(d), 64 * 64 * 64);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(api_calls)
{
    pel_context *ctx = test_context(1);
    pel_diffusion *d = make(ctx, 2, 3, 4, 1e-3);
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
    ck_assert_fails(ctx, pel_diffusion_npb_class(ctx, 'S', NULL), PEL_EINVAL, "result pointer must not be NULL");
    /* NPB 3.3.1 FT sizes nx x ny x nz: S 64^3, W 128x128x32, A 256x256x128
     * (6 steps), B 512x256x256, C 512^3 (20 steps); alpha 1e-6, seed
     * 314159265, a 5^13.  Here n = {nz, ny, nx}, n[0] slowest. */
    static const struct { char cls; size_t nx, ny, nz; int niter; } want[] = {
        {'S', 64, 64, 64, 6},    {'W', 128, 128, 32, 6},   {'A', 256, 256, 128, 6},
        {'B', 512, 256, 256, 20}, {'C', 512, 512, 512, 20}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_ok(pel_diffusion_npb_class(ctx, want[i].cls, &c));
        ck_assert_int_eq(c.cls, want[i].cls);
        ck_assert_uint_eq(c.params.n[2], want[i].nx);
        ck_assert_uint_eq(c.params.n[1], want[i].ny);
        ck_assert_uint_eq(c.params.n[0], want[i].nz);
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
    pel_diffusion *d = make(ctx, 4, 3, 5, 0.0);
    double *u = field(60);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    double x = 314159265.0;
    for (size_t m = 0; m < 120; m++) ck_assert(u[m] == pel_randlc(&x, 1220703125.0));
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

/* A single Fourier mode exp(2 pi i m.x), point (i0, i1, i2) at
 * x = (i0 / n[0], i1 / n[1], i2 / n[2]) of the unit period, decays by
 * exactly exp(-4 alpha pi^2 |m|^2 t) and keeps its shape. */
START_TEST(num_single_mode)
{
    pel_context *ctx = test_context(0);
    const size_t n0 = 5, n1 = 6, n2 = 8, n = n0 * n1 * n2;
    const double alpha = 1e-3, t = 2.5;
    const int m[3] = {2, -2, 1};
    pel_diffusion *d = make(ctx, n0, n1, n2, alpha);
    double *u = field(n);
    for (size_t i0 = 0; i0 < n0; i0++)
        for (size_t i1 = 0; i1 < n1; i1++)
            for (size_t i2 = 0; i2 < n2; i2++) {
                double ph = 2.0 * M_PI *
                            ((double)m[0] * i0 / n0 + (double)m[1] * i1 / n1 + (double)m[2] * i2 / n2);
                size_t p = (i0 * n1 + i1) * n2 + i2;
                u[2 * p] = cos(ph), u[2 * p + 1] = sin(ph);
            }
    double *u0 = field(n);
    memcpy(u0, u, 2 * n * sizeof *u);
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, t, u));
    double decay = exp(-4.0 * alpha * M_PI * M_PI * 9.0 * t); /* |m|^2 = 4 + 4 + 1 */
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
    const size_t n = 6 * 10 * 12;
    pel_diffusion *d = make(ctx, 6, 10, 12, 1e-6);
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
 * with k.x = 2 pi (k0 i0 / n0 + k1 i1 / n1 + k2 i2 / n2) (NPB's forward sign). */
static double phase(const size_t k[3], const size_t i[3], const size_t nd[3])
{
    double s = 0.0;
    for (int d = 0; d < 3; d++) s += (double)(k[d] * i[d] % nd[d]) / (double)nd[d];
    return 2.0 * M_PI * s;
}

static void naive_dft_check(const size_t nd[3])
{
    pel_context *ctx = test_context(0);
    const size_t n = nd[0] * nd[1] * nd[2];
    const double alpha = 0.01, t = 1.5;
    pel_diffusion *d = make(ctx, nd[0], nd[1], nd[2], alpha);
    double *u0 = field(n), *u = field(n);
    ck_assert_ok(pel_diffusion_npb_initial(d, 271828183, PEL_LCG46_A, u0));
    ck_assert_ok(pel_diffusion_set_initial(d, u0));
    ck_assert_ok(pel_diffusion_evolve(d, t, u));
    double complex *hat = malloc(n * sizeof *hat);
    ck_assert_ptr_nonnull(hat);
    size_t k[3], i[3];
    /* p = (i0 n1 + i1) n2 + i2 enumerates (i0, i1, i2) in C order */
#define FOR3(v) \
    for (v[0] = 0; v[0] < nd[0]; v[0]++) \
        for (v[1] = 0; v[1] < nd[1]; v[1]++) \
            for (v[2] = 0; v[2] < nd[2]; v[2]++)
    size_t pk = 0;
    FOR3(k)
    {
        double complex s = 0.0;
        size_t p = 0;
        FOR3(i)
        {
            s += (u0[2 * p] + I * u0[2 * p + 1]) * cexp(I * phase(k, i, nd));
            p++;
        }
        double k2 = 0.0;
        for (int q = 0; q < 3; q++) k2 += kbar(k[q], nd[q]) * kbar(k[q], nd[q]);
        hat[pk++] = s * exp(-4.0 * alpha * M_PI * M_PI * k2 * t);
    }
    double err = 0.0;
    size_t p = 0;
    FOR3(i)
    {
        double complex s = 0.0;
        pk = 0;
        FOR3(k) s += hat[pk++] * cexp(-I * phase(k, i, nd));
        s /= (double)n;
        err = fmax(err, cabs(s - (u[2 * p] + I * u[2 * p + 1])));
        p++;
    }
#undef FOR3
    /* the naive sums add N roundings each: bound them by N eps (Higham sec. 4.2) */
    double tol = roundoff(n) + 2.0 * (double)n * DBL_EPSILON;
    ck_assert_msg(err <= tol, "naive DFT %zu x %zu x %zu: error %g > %g", nd[0], nd[1], nd[2], err,
                  tol);
    free(hat);
    pel_free(u0);
    pel_free(u);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}

START_TEST(num_naive_dft)
{
    /* odd and even sizes, every batch full (the widths exceed the counts) */
    naive_dft_check((const size_t[3]){5, 3, 4});
    /* 10 rows: a batch of 8 and a remainder of 2; 18 columns: 16 and 2 */
    naive_dft_check((const size_t[3]){3, 10, 18});
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
 * columns in batches of 16), n[0] odd. */
enum { ODD0 = 7, ODD1 = 18, ODD2 = 20, ODD_N = ODD0 * ODD1 * ODD2 };

/* What the runs below write: NPB's initial field (pel_diffusion_npb_initial),
 * the field at t = 3 (set_initial, evolve) and its checksum. */
typedef struct odd_out {
    double u0[2 * ODD_N], u[2 * ODD_N], sum[2];
} odd_out;

static void run_odd(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    odd_out *o = out;
    pel_diffusion *d = make(ctx, ODD0, ODD1, ODD2, 1e-3);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, o->u0));
    ck_assert_ok(pel_diffusion_set_initial(d, o->u0));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, o->u));
    ck_assert_ok(pel_diffusion_checksum(d, o->u, o->sum));
    pel_diffusion_destroy(d);
}

START_TEST(threads_bitwise)
{
    test_same_bits_1_to_4(run_odd, NULL, sizeof(odd_out));
}
END_TEST

/* Inside a user's parallel region (nesting off and on) and in tasks: the
 * same bits as a plain call, never more threads than asked for. */
START_TEST(threads_policy)
{
    test_policy(run_odd, NULL, sizeof(odd_out));
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

/* The thread count may change between create and evolve, either way. */
START_TEST(threads_change_after_create)
{
    pel_context *ctx = test_context(_i ? 4 : 1);
    pel_diffusion *d = make(ctx, ODD0, ODD1, ODD2, 1e-3);
    double *u = field(ODD_N), *v = field(ODD_N);
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, u));
    ck_assert_ok(pel_diffusion_set_initial(d, u));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, u));
    ck_assert_ok(pel_context_set_threads(ctx, _i ? 1 : 4));
    ck_assert_ok(pel_diffusion_npb_initial(d, 314159265, PEL_LCG46_A, v));
    ck_assert_ok(pel_diffusion_set_initial(d, v));
    ck_assert_ok(pel_diffusion_evolve(d, 3.0, v));
    ck_assert_mem_eq(u, v, 2 * ODD_N * sizeof *u);
    pel_free(u);
    pel_free(v);
    pel_diffusion_destroy(d);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *diffusion_suite(void)
{
    Suite *s = suite_create("diffusion");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_params_default);
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
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_bitwise);
    tcase_add_test(thr, threads_npb_s);
    tcase_add_loop_test(thr, threads_change_after_create, 0, 2);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(diffusion_suite()); }
