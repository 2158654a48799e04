/* The tiled Cholesky (pel_cholesky).
 *
 * Where the numbers come from:
 *  - LAPACK's residual tests (xPOT01 for the factor, xPOT02 for a solve,
 *    here with the extra 1/n of the statement): below 30 with
 *    eps = 2^-53, LAPACK's threshold, on the random diagonally dominant SPD
 *    matrices of pel_cholesky_random_spd;
 *  - a closed form: the 1D Laplacian tridiag(-1, 2, -1) of order n has the
 *    factor l_jj = sqrt((j + 2) / (j + 1)), l_{j+1,j} = -sqrt((j + 1) / (j + 2))
 *    (0-based j), zero elsewhere;
 *  - a solve with a known solution: b = A x for x_i = 1 + i mod 7;
 *  - a matrix that is not positive definite at a chosen column (a diagonal
 *    entry made negative: the columns before it are untouched, so the
 *    factorisation must fail exactly there, and its first tile columns must
 *    equal the factor of the unchanged matrix bit for bit);
 *  - bitwise equality across thread counts, calling patterns and ISAs. */
#include <config.h>

#include <dlfcn.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static double *spd(pel_context *ctx, size_t n, uint32_t seed)
{
    double *a = malloc(n * n * sizeof *a);
    ck_assert(a);
    ck_assert_ok(pel_cholesky_random_spd(ctx, n, seed, a, n));
    return a;
}

/* group: OpenBLAS's tile rows per call (0: a whole column) */
static pel_cholesky *make_group(pel_context *ctx, size_t n, size_t tile, pel_cholesky_kernels k, size_t group)
{
    pel_cholesky_params p;
    pel_cholesky_params_default(&p);
    p.n = n;
    p.tile = tile;
    p.kernels = k;
    p.group = group;
    pel_cholesky *h = NULL;
    ck_assert_ok(pel_cholesky_create(ctx, &p, &h));
    return h;
}

static pel_cholesky *make(pel_context *ctx, size_t n, size_t tile, pel_cholesky_kernels k)
{
    return make_group(ctx, n, tile, k, 0);
}

/* ---- api ------------------------------------------------------------------- */

START_TEST(api_create)
{
    pel_context *ctx = tctx(1);
    pel_cholesky_params p;
    pel_cholesky_params_default(&p);
    ck_assert_uint_eq(p.n, 1000);
    ck_assert_uint_eq(p.tile, PEL_CHOLESKY_DEFAULT_TILE);
    ck_assert_uint_eq(p.group, 0);
    ck_assert_uint_eq(pel_cholesky_default_tile(PEL_CHOLESKY_KERNELS_OWN), PEL_CHOLESKY_DEFAULT_TILE);
    ck_assert_uint_eq(pel_cholesky_default_tile(PEL_CHOLESKY_KERNELS_BLAS), PEL_CHOLESKY_DEFAULT_TILE_BLAS);
    pel_cholesky *h = (pel_cholesky *)&p;
    ck_assert_int_eq(pel_cholesky_create(NULL, &p, &h), PEL_EINVAL);
    ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, NULL), PEL_EINVAL, "result pointer");
    ck_assert_fails(ctx, pel_cholesky_create(ctx, NULL, &h), PEL_EINVAL, "params");
    ck_assert_ptr_null(h);
    p.n = 0;
    ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, &h), PEL_EINVAL, "n = 0");
    p.n = 10;
    p.tile = 0;
    ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, &h), PEL_EINVAL, "tile = 0");
    p.tile = 4097;
    ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, &h), PEL_EINVAL, "tile = 4097");
    p.tile = 4;
    p.kernels = (pel_cholesky_kernels)7;
    ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, &h), PEL_EINVAL, "kernels = 7");
    p.kernels = PEL_CHOLESKY_KERNELS_BLAS;
    if (!pel_cholesky_have_blas()) {
        ck_assert_fails(ctx, pel_cholesky_create(ctx, &p, &h), PEL_ENOTSUP, "no OpenBLAS");
    } else {
        ck_assert_ok(pel_cholesky_create(ctx, &p, &h)); /* n = 10, tile 4: 3 tile columns */
        ck_assert_str_eq(pel_cholesky_kernel_name(h), "openblas");
        ck_assert_uint_eq(pel_cholesky_group(h), 3); /* group 0: a whole column */
        pel_cholesky_destroy(h);
        p.group = 2;
        ck_assert_ok(pel_cholesky_create(ctx, &p, &h));
        ck_assert_uint_eq(pel_cholesky_group(h), 2);
        pel_cholesky_destroy(h);
        p.group = 0;
    }
    p.kernels = PEL_CHOLESKY_KERNELS_OWN;
    p.n = (size_t)1 << 31; /* 2^31 squared doubles: beyond any machine, refused without wrapping */
    p.tile = 1;
    pel_status st = pel_cholesky_create(ctx, &p, &h);
    ck_assert_int_eq(st, PEL_ENOMEM);
    ck_assert_ptr_null(h);
    pel_cholesky_destroy(NULL);
}
END_TEST

/* libpel opens OpenBLAS only when a plan asks whether it is there: its
 * pthreads build spins a thread pool for about 0.1 s when it is loaded,
 * which every process linking libpel would pay.  (Each test runs in a
 * fresh fork of a runner that never touched OpenBLAS; under CK_FORK=no an
 * earlier test may have opened it.) */
START_TEST(api_blas_opened_on_demand)
{
    const char *fork = getenv("CK_FORK");
    if (!fork || strcmp(fork, "no") != 0) {
        void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
        ck_assert_msg(h == NULL, "OpenBLAS is loaded before any plan asked for it");
    }
    if (pel_cholesky_have_blas()) {
        void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
        ck_assert_msg(h != NULL, "pel_cholesky_have_blas() said yes without OpenBLAS loaded");
        dlclose(h);
    }
}
END_TEST

/* A factorisation with OpenBLAS's kernels runs them on one thread each and
 * gives the process's OpenBLAS thread count back, whatever it was (an
 * embedder's own BLAS calls keep their threads). */
START_TEST(api_blas_threads_restored)
{
    if (!pel_cholesky_have_blas()) return;
    void *lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
    ck_assert_ptr_nonnull(lib);
    void *ps = dlsym(lib, "openblas_set_num_threads"), *pg = dlsym(lib, "openblas_get_num_threads");
    ck_assert(ps && pg);
    void (*set)(int);
    int (*get)(void);
    memcpy(&set, &ps, sizeof ps);
    memcpy(&get, &pg, sizeof pg);
    pel_context *ctx = tctx(1);
    size_t n = 40;
    double *a = spd(ctx, n, 3);
    for (int want = 2; want <= 3; want++) {
        set(want);
        pel_cholesky *h = make(ctx, n, 8, PEL_CHOLESKY_KERNELS_BLAS);
        ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
        ck_assert_ok(pel_cholesky_factor(h));
        ck_assert_int_eq(get(), want);
        pel_cholesky_destroy(h);
    }
    set(1);
    free(a);
    dlclose(lib);
}
END_TEST

START_TEST(api_calls)
{
    pel_context *ctx = tctx(1);
    size_t n = 10;
    double *a = spd(ctx, n, 1), b[10] = {0}, l[100], r = 0.0;
    pel_cholesky *h = make(ctx, n, 4, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_uint_eq(pel_cholesky_order(h), 10);
    ck_assert_uint_eq(pel_cholesky_tile(h), 4);
    ck_assert_int_eq(pel_cholesky_failed_column(h), -1);
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_EINVAL, "no matrix set");
    ck_assert_fails(ctx, pel_cholesky_get_factor(h, l, n), PEL_EINVAL, "no factorisation");
    ck_assert_fails(ctx, pel_cholesky_solve(h, 1, b, n), PEL_EINVAL, "no successful factorisation");
    ck_assert_fails(ctx, pel_cholesky_residual(h, a, n, &r), PEL_EINVAL, "no successful factorisation");
    ck_assert_fails(ctx, pel_cholesky_set_matrix(h, NULL, n), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_set_matrix(h, a, 9), PEL_EINVAL, "lda = 9");
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_EINVAL, "already factored");
    ck_assert_fails(ctx, pel_cholesky_get_factor(h, NULL, n), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_get_factor(h, l, 3), PEL_EINVAL, "ldl = 3");
    ck_assert_fails(ctx, pel_cholesky_solve(h, 1, NULL, n), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_solve(h, 1, b, 2), PEL_EINVAL, "ldb = 2");
    ck_assert_ok(pel_cholesky_solve(h, 0, NULL, n));
    ck_assert_fails(ctx, pel_cholesky_residual(h, NULL, n, &r), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_residual(h, a, 5, &r), PEL_EINVAL, "lda = 5");
    ck_assert_fails(ctx, pel_cholesky_random_spd(ctx, 0, 1, a, n), PEL_EINVAL, "n = 0");
    ck_assert_fails(ctx, pel_cholesky_random_spd(ctx, n, 1, NULL, n), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_random_spd(ctx, n, 1, a, 3), PEL_EINVAL, "lda = 3");
    ck_assert_int_eq(pel_cholesky_random_spd(NULL, n, 1, a, n), PEL_EINVAL);
    ck_assert_fails(ctx, pel_cholesky_solve_residual(ctx, 0, 1, a, n, b, n, b, n, &r), PEL_EINVAL, "n = 0");
    ck_assert_fails(ctx, pel_cholesky_solve_residual(ctx, n, 1, a, n, NULL, n, b, n, &r), PEL_EINVAL,
                    "must not be NULL");
    ck_assert_fails(ctx, pel_cholesky_solve_residual(ctx, n, 1, a, n, b, 2, b, n, &r), PEL_EINVAL, "ldx = 2");
    ck_assert_int_eq(pel_cholesky_factor(NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_cholesky_set_matrix(NULL, a, n), PEL_EINVAL);
    pel_cholesky_stats st;
    ck_assert_int_eq(pel_cholesky_get_stats(NULL, &st), PEL_EINVAL);
    ck_assert_fails(ctx, pel_cholesky_get_stats(h, NULL), PEL_EINVAL, "get_stats: the output must not be NULL");
    /* T = 3 tiles: 3 potrf, 3 trsm, 3 syrk, 1 gemm */
    ck_assert_ok(pel_cholesky_get_stats(h, &st));
    ck_assert_int_eq(st.tasks, 10);
    ck_assert_int_eq(st.gemm, 1);
    ck_assert_double_eq(st.flops, 1000.0 / 3.0);
    /* set again, factor again: the same factor */
    double l2[100];
    ck_assert_ok(pel_cholesky_get_factor(h, l, n));
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_get_factor(h, l2, n));
    ck_assert(memcmp(l, l2, sizeof l) == 0);
    ck_assert_uint_eq(pel_cholesky_group(h), 1); /* the library's kernels: a call per tile */
    pel_cholesky_destroy(h);
    h = make(ctx, n, 64, PEL_CHOLESKY_KERNELS_OWN); /* a tile beyond the matrix is the matrix */
    ck_assert_uint_eq(pel_cholesky_tile(h), 10);
    pel_cholesky_destroy(h);
    free(a);
}
END_TEST

/* ---- numerics -------------------------------------------------------------------- */

static double factor_residual(pel_context *ctx, size_t n, size_t tile, pel_cholesky_kernels k, size_t group)
{
    double *a = spd(ctx, n, 7u + (uint32_t)n);
    pel_cholesky *h = make_group(ctx, n, tile, k, group);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    double r = -1.0;
    ck_assert_ok(pel_cholesky_residual(h, a, n, &r));
    pel_cholesky_destroy(h);
    free(a);
    return r;
}

/* LAPACK's threshold for its residual ratios */
#define LAPACK_THRESH 30.0

START_TEST(numerics_residual)
{
    pel_context *ctx = tctx(2);
    /* sizes that are, and are not, multiples of the tile; a single tile; 1 x 1 */
    static const size_t cases[][2] = {{1, 1},   {2, 1},   {7, 3},    {33, 32},  {64, 16},
                                      {100, 32}, {130, 48}, {257, 64}, {300, 100}, {200, 200}};
    /* OpenBLAS's kernels with a whole column per call, and 1 and 2 tile rows per call */
    static const size_t groups[] = {0, 1, 2};
    for (int bl = 0; bl <= pel_cholesky_have_blas(); bl++)
        for (size_t g = 0; g < (bl ? 3u : 1u); g++)
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                double r = factor_residual(ctx, cases[c][0], cases[c][1], (pel_cholesky_kernels)bl, groups[g]);
                ck_assert_msg(r >= 0.0 && r < LAPACK_THRESH, "n = %zu, tile = %zu, %s, group %zu: residual %g >= %g",
                              cases[c][0], cases[c][1], bl ? "blas" : "own", groups[g], r, LAPACK_THRESH);
            }
}
END_TEST

/* The residual test must catch a wrong factor: a factor of another matrix fails it. */
START_TEST(numerics_residual_detects)
{
    pel_context *ctx = tctx(1);
    size_t n = 50;
    double *a = spd(ctx, n, 1), *b = spd(ctx, n, 2);
    pel_cholesky *h = make(ctx, n, 16, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_ok(pel_cholesky_set_matrix(h, b, n));
    ck_assert_ok(pel_cholesky_factor(h));
    double r = 0.0;
    ck_assert_ok(pel_cholesky_residual(h, a, n, &r));
    ck_assert_msg(r > 1e6, "a factor of another matrix passes with %g", r);
    pel_cholesky_destroy(h);
    free(a);
    free(b);
}
END_TEST

START_TEST(numerics_laplacian)
{
    pel_context *ctx = tctx(2);
    size_t n = 50;
    double *a = calloc(n * n, sizeof *a), *l = calloc(n * n, sizeof *l);
    ck_assert(a && l);
    for (size_t j = 0; j < n; j++) {
        a[j + j * n] = 2.0;
        if (j + 1 < n) a[j + 1 + j * n] = -1.0;
    }
    pel_cholesky *h = make(ctx, n, 7, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_get_factor(h, l, n));
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double x = l[i + j * n], jj = (double)j;
            if (i == j) ck_assert_rel(x, sqrt((jj + 2) / (jj + 1)), 8 * DBL_EPSILON);
            else if (i == j + 1) ck_assert_rel(x, -sqrt((jj + 1) / (jj + 2)), 8 * DBL_EPSILON);
            else ck_assert_msg(x == 0.0, "l[%zu][%zu] = %g, expected 0", i, j, x);
        }
    pel_cholesky_destroy(h);
    free(a);
    free(l);
}
END_TEST

START_TEST(numerics_solve)
{
    pel_context *ctx = tctx(2);
    static const size_t cases[][3] = {{1, 1, 1}, {37, 8, 3}, {150, 64, 5}, {200, 48, 2}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c][0], tile = cases[c][1], nrhs = cases[c][2];
        double *a = spd(ctx, n, 3), *x = malloc(n * nrhs * sizeof *x), *b = malloc(n * nrhs * sizeof *b);
        double *xt = malloc(n * nrhs * sizeof *xt);
        ck_assert(x && b && xt);
        for (size_t k = 0; k < nrhs; k++)
            for (size_t i = 0; i < n; i++) xt[i + k * n] = 1.0 + (double)((i + k) % 7);
        for (size_t k = 0; k < nrhs; k++) /* b = A xt */
            for (size_t i = 0; i < n; i++) {
                double s = 0.0;
                for (size_t j = 0; j < n; j++) s += a[i + j * n] * xt[j + k * n];
                b[i + k * n] = s;
            }
        memcpy(x, b, n * nrhs * sizeof *x);
        pel_cholesky *h = make(ctx, n, tile, PEL_CHOLESKY_KERNELS_OWN);
        ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
        ck_assert_ok(pel_cholesky_factor(h));
        ck_assert_ok(pel_cholesky_solve(h, nrhs, x, n));
        double r = -1.0;
        ck_assert_ok(pel_cholesky_solve_residual(ctx, n, nrhs, a, n, x, n, b, n, &r));
        ck_assert_msg(r >= 0.0 && r < LAPACK_THRESH, "n = %zu: solve residual %g", n, r);
        /* A is diagonally dominant, kappa <= (2n) / 1: the error is a few hundred eps at most */
        for (size_t i = 0; i < n * nrhs; i++) ck_assert_rel(x[i], xt[i], 1e-12);
        /* the residual test catches a wrong solution */
        x[0] += 1e-6;
        ck_assert_ok(pel_cholesky_solve_residual(ctx, n, nrhs, a, n, x, n, b, n, &r));
        ck_assert_msg(r > LAPACK_THRESH, "a perturbed solution passes with %g", r);
        pel_cholesky_destroy(h);
        free(a);
        free(x);
        free(b);
        free(xt);
    }
}
END_TEST

START_TEST(numerics_not_spd)
{
    pel_context *ctx = tctx(2);
    size_t n = 200, tile = 48, bad = 137;
    double *a = spd(ctx, n, 5), *l = malloc(n * n * sizeof *l), *lg = malloc(n * n * sizeof *lg);
    ck_assert(l && lg);
    pel_cholesky *h = make(ctx, n, tile, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_get_factor(h, lg, n));
    a[bad + bad * n] = -1.0;
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_ESINGULAR, "column 137 ");
    ck_assert_int_eq(pel_cholesky_failed_column(h), 137);
    double b[200] = {0}, r;
    ck_assert_fails(ctx, pel_cholesky_solve(h, 1, b, n), PEL_EINVAL, "no successful");
    ck_assert_fails(ctx, pel_cholesky_residual(h, a, n, &r), PEL_EINVAL, "no successful");
    /* the columns of the tiles before column 137's (0 .. 95) hold the factor */
    ck_assert_ok(pel_cholesky_get_factor(h, l, n));
    ck_assert(memcmp(l, lg, 96 * n * sizeof *l) == 0);
    /* a NaN pivot; a zero matrix fails at column 0; setting it again recovers */
    a[bad + bad * n] = NAN;
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_ESINGULAR, "column 137 ");
    memset(l, 0, n * n * sizeof *l);
    ck_assert_ok(pel_cholesky_set_matrix(h, l, n));
    ck_assert_fails(ctx, pel_cholesky_factor(h), PEL_ESINGULAR, "column 0 ");
    free(a);
    a = spd(ctx, n, 5);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_int_eq(pel_cholesky_failed_column(h), -1);
    pel_cholesky_destroy(h);
    free(a);
    free(l);
    free(lg);
}
END_TEST

/* ---- threads ----------------------------------------------------------------------- */

#define RN 260
#define RTILE 48 /* 6 tiles, the last partial: 56 tasks */
#define RRHS 4

typedef struct run_arg {
    pel_cholesky_kernels kernels;
    int fail;     /* a zero pivot at column 200 */
    size_t group; /* OpenBLAS's tile rows per call */
} run_arg;

/* The factor (or the failed state), then the solve of 4 right-hand sides. */
static void run(pel_context *ctx, void *arg, void *out)
{
    const run_arg *ra = arg;
    double *a = malloc(RN * RN * sizeof *a), *o = out;
    ck_assert(a);
    ck_assert_ok(pel_cholesky_random_spd(ctx, RN, 11, a, RN));
    if (ra->fail) a[200 + 200 * RN] = 0.0;
    pel_cholesky *h = make_group(ctx, RN, RTILE, ra->kernels, ra->group);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, RN));
    pel_status st = pel_cholesky_factor(h);
    ck_assert_int_eq(st, ra->fail ? PEL_ESINGULAR : PEL_OK);
    ck_assert_ok(pel_cholesky_get_factor(h, o, RN));
    double *x = o + RN * RN;
    for (size_t i = 0; i < RN * RRHS; i++) x[i] = (double)(i % 13) - 6.0;
    if (!ra->fail) ck_assert_ok(pel_cholesky_solve(h, RRHS, x, RN));
    pel_cholesky_destroy(h);
    free(a);
}

#define RBYTES ((RN * RN + RN * RRHS) * sizeof(double))

START_TEST(threads_policy)
{
    run_arg ra = {PEL_CHOLESKY_KERNELS_OWN, 0, 0};
    test_policy(run, &ra, RBYTES);
}
END_TEST

START_TEST(threads_bitwise)
{
    for (int bl = 0; bl <= pel_cholesky_have_blas(); bl++)
        for (int fail = 0; fail <= 1; fail++) {
            run_arg ra = {(pel_cholesky_kernels)bl, fail, 0};
            test_same_bits_1_to_4(run, &ra, RBYTES);
        }
    if (pel_cholesky_have_blas()) { /* 6 tile rows in groups of 4: groups of 1 to 4 tiles */
        run_arg ra = {PEL_CHOLESKY_KERNELS_BLAS, 0, 4};
        test_same_bits_1_to_4(run, &ra, RBYTES);
    }
}
END_TEST

/* Many more tile columns (21) than the ring of packed panels holds (4): each
 * slot is refilled 4 or 5 times, every refill ordered after the updates
 * that read the slot's previous panel.  Were one not, an update would read
 * a later column's panel: a residual far above LAPACK's 30, or bits that
 * change with the thread count. */
#define GN 203
#define GTILE 10

static void run_ring(pel_context *ctx, void *arg, void *out)
{
    (void)arg;
    double *a = malloc(GN * GN * sizeof *a), r = 0.0;
    ck_assert(a);
    ck_assert_ok(pel_cholesky_random_spd(ctx, GN, 5, a, GN));
    pel_cholesky *h = make(ctx, GN, GTILE, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, GN));
    ck_assert_ok(pel_cholesky_factor(h));
    ck_assert_ok(pel_cholesky_residual(h, a, GN, &r));
    ck_assert_msg(r < 30.0, "xPOT01 ratio %g with 21 tile columns", r);
    ck_assert_ok(pel_cholesky_get_factor(h, out, GN));
    pel_cholesky_destroy(h);
    free(a);
}

START_TEST(threads_ring)
{
    test_same_bits_1_to_4(run_ring, NULL, GN * GN * sizeof(double));
}
END_TEST

/* Every ISA's kernels give the scalar kernels' bits (PEL_ISA caps the choice). */
START_TEST(threads_isa_variants)
{
    static const char *isa[] = {"scalar", "avx2", "avx512"};
    unsigned char *ref = malloc(RBYTES), *got = malloc(RBYTES);
    ck_assert(ref && got);
    run_arg ra = {PEL_CHOLESKY_KERNELS_OWN, 0, 0};
    for (int i = 0; i < 3; i++) {
        setenv("PEL_ISA", isa[i], 1);
        run(tctx(2), &ra, i ? got : ref);
        if (i) ck_assert_msg(memcmp(ref, got, RBYTES) == 0, "PEL_ISA=%s differs from scalar", isa[i]);
    }
    unsetenv("PEL_ISA");
    free(ref);
    free(got);
}
END_TEST

START_TEST(threads_stats)
{
    pel_context *ctx = tctx(2);
    size_t n = 300;
    double *a = spd(ctx, n, 1);
    pel_cholesky *h = make(ctx, n, 50, PEL_CHOLESKY_KERNELS_OWN);
    ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
    ck_assert_ok(pel_cholesky_factor(h));
    pel_cholesky_stats st;
    ck_assert_ok(pel_cholesky_get_stats(h, &st));
    /* T = 6: 6 potrf, 15 trsm, 15 syrk, 6*5*4/6 = 20 gemm */
    ck_assert_int_eq(st.tasks, 56);
    ck_assert_int_eq(st.trsm, 15);
    ck_assert_int_eq(st.gemm, 20);
    ck_assert_int_eq(st.threads, 2);
    /* tile flops: nb^3 (6/3 + 15 + 15 + 40) = 125000 * 72 */
    ck_assert_double_eq(st.tile_flops, 125000.0 * 72);
    ck_assert(st.busy_max >= st.busy_mean && st.busy_mean > 0.0 && st.seconds > 0.0);
    ck_assert(pel_cholesky_busy(h, 0) + pel_cholesky_busy(h, 1) > 0.0);
    ck_assert_double_eq(pel_cholesky_busy(h, 2), 0.0);
    ck_assert(pel_region_find(ctx, "cholesky.factor") != NULL);
    pel_cholesky_destroy(h);
    if (pel_cholesky_have_blas()) {
        /* a whole column per call: T - 1 = 5 trsm, (T - 1)(T - 2)/2 = 10 gemm
         * (one per column below the step's and above the last); the same tile flops */
        h = make(ctx, n, 50, PEL_CHOLESKY_KERNELS_BLAS);
        ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
        ck_assert_ok(pel_cholesky_factor(h));
        ck_assert_ok(pel_cholesky_get_stats(h, &st));
        ck_assert_int_eq(st.tasks, 6 + 5 + 15 + 10);
        ck_assert_int_eq(st.trsm, 5);
        ck_assert_int_eq(st.gemm, 10);
        ck_assert_double_eq(st.tile_flops, 125000.0 * 72);
        pel_cholesky_destroy(h);
        /* groups of 4 tile rows, cut at rows 4: column 0's rows 1-3 and 4-5, column 1's 2-3
         * and 4-5, column 2's 3 and 4-5, column 3's 4-5, column 4's 5: 2 + 2 + 2 + 1 + 1 trsm;
         * gemm into column j once per earlier step, that column's groups each:
         * 1*2 + 2*2 + 3*1 + 4*1 = 13 */
        h = make_group(ctx, n, 50, PEL_CHOLESKY_KERNELS_BLAS, 4);
        ck_assert_ok(pel_cholesky_set_matrix(h, a, n));
        ck_assert_ok(pel_cholesky_factor(h));
        ck_assert_ok(pel_cholesky_get_stats(h, &st));
        ck_assert_int_eq(st.trsm, 8);
        ck_assert_int_eq(st.gemm, 13);
        pel_cholesky_destroy(h);
    }
    free(a);
}
END_TEST

static Suite *cholesky_suite(void)
{
    Suite *s = suite_create("cholesky");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_calls);
    tcase_add_test(api, api_blas_opened_on_demand);
    tcase_add_test(api, api_blas_threads_restored);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_set_timeout(num, 60); /* sanitizer builds are slow */
    tcase_add_test(num, numerics_residual);
    tcase_add_test(num, numerics_residual_detects);
    tcase_add_test(num, numerics_laplacian);
    tcase_add_test(num, numerics_solve);
    tcase_add_test(num, numerics_not_spd);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_set_timeout(thr, 60);
    tcase_add_test(thr, threads_policy);
    tcase_add_test(thr, threads_bitwise);
    tcase_add_test(thr, threads_ring);
    tcase_add_test(thr, threads_isa_variants);
    tcase_add_test(thr, threads_stats);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(cholesky_suite()); }
