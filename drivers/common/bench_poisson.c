/* pel-bench's poisson suite: the solve against the best FFTW can do with
 * the same transforms.
 *
 * A solve is one forward real-to-complex transform of the whole grid, the
 * symbol division, and the complex-to-real transform back (kernels/poisson:
 * PEL runs the multi-dimensional r2c as batches of 1D r2c rows and c2c
 * columns, single-threaded FFTW plans run by PEL's team).  The bound is
 * FFTW's own multi-dimensional r2c and c2r of the same size, with the
 * solve's thread count (fftw3_omp), planned with FFTW_MEASURE (FFTW_PATIENT
 * with --patient; planning is not timed), both out of place and in place
 * (the solve works in place in its padded spectrum), the faster of the two
 * taken in each repetition.  The bound does less than the solve (no symbol,
 * no copy of f in and phi out), so a ratio near 1 is the goal.
 *
 * The solve is measured as PEL runs it by default (deterministic: its batch
 * plans are FFTW_ESTIMATE, bitwise reproducible) and with its batches
 * planned by FFTW_MEASURE (a context with determinism off; the result
 * depends on the plans FFTW picks, which a saved wisdom file makes
 * repeatable).  Each repetition runs bound, solves, bound, and the ratio
 * divides by the mean of the two bounds around it. */
#include <config.h>

#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "common/bench.h"
#include "common/driver.h"

typedef struct bound {
    int dim;
    size_t points, spec;
    double *real, *out;
    fftw_complex *c, *inplace; /* inplace: the padded real grid and its half spectrum */
    fftw_plan fwd, bwd, ifwd, ibwd;
} bound;

static int bound_init(bound *b, int dim, size_t side, int threads, unsigned flags)
{
    int nn[3] = {(int)side, (int)side, (int)side};
    size_t rows = 1;
    for (int d = 0; d < dim - 1; d++) rows *= side;
    b->dim = dim;
    b->points = rows * side;
    b->spec = rows * (side / 2 + 1);
    b->real = fftw_alloc_real(b->points);
    b->out = fftw_alloc_real(b->points);
    b->c = fftw_alloc_complex(b->spec);
    b->inplace = fftw_alloc_complex(b->spec);
    if (!b->real || !b->out || !b->c || !b->inplace) return 0;
    fftw_plan_with_nthreads(threads);
    b->fwd = fftw_plan_dft_r2c(dim, nn, b->real, b->c, flags);
    b->bwd = fftw_plan_dft_c2r(dim, nn, b->c, b->out, flags);
    b->ifwd = fftw_plan_dft_r2c(dim, nn, (double *)b->inplace, b->inplace, flags);
    b->ibwd = fftw_plan_dft_c2r(dim, nn, b->inplace, (double *)b->inplace, flags);
    fftw_plan_with_nthreads(1);
    return b->fwd && b->bwd && b->ifwd && b->ibwd;
}

static void bound_free(bound *b)
{
    fftw_plan *p[4] = {&b->fwd, &b->bwd, &b->ifwd, &b->ibwd};
    for (int i = 0; i < 4; i++)
        if (*p[i]) fftw_destroy_plan(*p[i]);
    fftw_free(b->real), fftw_free(b->out), fftw_free(b->c), fftw_free(b->inplace);
}

/* Seconds of one r2c + c2r pair: out of place (*op) and in place (*ip).
 * The in-place grid is refilled untimed: its values grow by N a pair. */
static void bound_seconds(bound *b, const double *f, size_t side, double *op, double *ip)
{
    double t0 = pel_wtime();
    fftw_execute(b->fwd);
    fftw_execute(b->bwd);
    *op = pel_wtime() - t0;
    size_t row = side, prow = 2 * (side / 2 + 1), rows = b->points / side;
    double *g = (double *)b->inplace;
    for (size_t r = 0; r < rows; r++) memcpy(g + r * prow, f + r * row, row * sizeof(double));
    t0 = pel_wtime();
    fftw_execute(b->ifwd);
    fftw_execute(b->ibwd);
    *ip = pel_wtime() - t0;
}

static double solve_seconds(pel_poisson *ps, const double *f, double *phi)
{
    double t0 = pel_wtime();
    return pel_poisson_solve(ps, f, phi) ? NAN : pel_wtime() - t0;
}

enum { SOLVE, SOLVE_M, OOP, INP, R, R_M, NS };

static int one_grid(const pel_bench_env *env, pel_bench_out *out, int dim, size_t side, pel_context *mctx)
{
    const char *plan = env->patient ? "PATIENT" : "MEASURE";
    int first = out->n, status = PEL_EXIT_OK;
    pel_poisson_params p;
    pel_poisson_params_default(&p, dim);
    for (int d = 0; d < dim; d++) p.n[d] = side;
    pel_poisson *ps = NULL, *pm = NULL;
    bound b = {0};
    double *f = NULL, *phi = NULL;
    /* PEL's plans first, while FFTW plans single-threaded */
    int ok = !pel_poisson_create(env->ctx, &p, &ps) && !pel_poisson_create(mctx, &p, &pm);
    if (!ok) {
        fprintf(stderr, "pel-bench: error: poisson: %s\n", pel_context_error(ps ? mctx : env->ctx));
        status = PEL_EXIT_RUN;
        goto done;
    }
    size_t points = pel_poisson_points(ps);
    f = pel_malloc(points * sizeof(double));
    phi = pel_malloc(points * sizeof(double));
    ok = f && phi && bound_init(&b, dim, side, env->threads, env->patient ? FFTW_PATIENT : FFTW_MEASURE);
    const char *d = dim == 3 ? "3D" : "2D";
    ok = ok && pel_bench_add(out, "ms", "poisson %s solve (ESTIMATE batches)", d);
    ok = ok && pel_bench_add(out, "ms", "poisson %s solve (MEASURE batches)", d);
    ok = ok && pel_bench_add(out, "ms", "FFTW %s r2c+c2r out of place (%s)", d, plan);
    ok = ok && pel_bench_add(out, "ms", "FFTW %s r2c+c2r in place (%s)", d, plan);
    ok = ok && pel_bench_add(out, "ratio", "poisson %s / best FFTW", d);
    ok = ok && pel_bench_add(out, "ratio", "poisson %s MEASURE / best FFTW", d);
    if (!ok) {
        fprintf(stderr, "pel-bench: error: poisson %s %zu: out of memory or no FFTW plan\n", d, side);
        status = PEL_EXIT_RUN;
        goto done;
    }
    pel_poisson_manufactured(ps, f, NULL);
    memcpy(b.real, f, points * sizeof(double)); /* planning overwrote the arrays */
    pel_bench_series *s = &out->s[first];
    double op, ip, op2, ip2;
    solve_seconds(ps, f, phi), solve_seconds(pm, f, phi), bound_seconds(&b, f, side, &op, &ip); /* warm up */
    for (int r = 0; r < env->reps && !pel_run_stop_signal(); r++) {
        bound_seconds(&b, f, side, &op, &ip);
        double t = solve_seconds(ps, f, phi), tm = solve_seconds(pm, f, phi);
        bound_seconds(&b, f, side, &op2, &ip2);
        if (isnan(t) || isnan(tm)) {
            fprintf(stderr, "pel-bench: error: poisson: %s\n", pel_context_error(isnan(t) ? env->ctx : mctx));
            status = PEL_EXIT_RUN;
            break;
        }
        double best = 0.5 * (fmin(op, ip) + fmin(op2, ip2));
        double v[NS] = {t * 1e3, tm * 1e3, 0.5 * (op + op2) * 1e3, 0.5 * (ip + ip2) * 1e3, t / best, tm / best};
        for (int i = 0; i < NS; i++) s[i].v[s[i].n++] = v[i];
    }
    if (!status && !pel_run_stop_signal()) {
        printf("poisson %s %zu^%d, %d thread%s:\n", d, side, dim, env->threads, env->threads == 1 ? "" : "s");
        pel_bench_print_table(stdout, out, first);
    }
done:
    pel_poisson_destroy(ps);
    pel_poisson_destroy(pm);
    pel_free(f), pel_free(phi);
    bound_free(&b);
    return status;
}

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    pel_context *mctx;
    if (pel_context_create(&mctx)) return PEL_EXIT_RUN;
    pel_context_set_threads(mctx, env->threads);
    pel_context_set_deterministic(mctx, 0); /* MEASURE batch plans */
    printf("poisson: planning the bound with FFTW_%s (untimed)\n", env->patient ? "PATIENT" : "MEASURE");
    fflush(stdout);
    int st = one_grid(env, out, 3, env->quick ? 32 : 256, mctx);
    if (!st && !pel_run_stop_signal()) st = one_grid(env, out, 2, env->quick ? 256 : 4096, mctx);
    pel_context_destroy(mctx);
    return st;
}

static int families(const pel_bench_env *env, const pel_component_type **out, int max)
{
    (void)env;
    if (max > 0) out[0] = &pel_poisson_component;
    return 1;
}

const pel_bench_suite pel_bench_poisson = {"poisson", "the Poisson solve against FFTW's best plans of its transforms",
                                           1, NULL, run, families};
