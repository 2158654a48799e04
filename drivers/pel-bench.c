/* pel-bench: kernel speed against bounds measured in the same run.
 *
 *   bandwidth: a STREAM triad (a = b + s c, 24 bytes per element counted)
 *              is the bound; the heat stencils' effective bandwidth counts
 *              16 bytes per point update (one read, one write);
 *   Poisson:   the solve against the bare FFTW transforms it performs (one
 *              r2c and one c2r of the same size, FFTW's own threaded plans).
 * Every array is at least 4x the last-level cache.  Each repetition measures
 * the bound and the kernel back to back, so the ratio of a pair survives the
 * drift of a shared machine; the report gives median, min and max. */
#include <config.h>

#include <fftw3.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/bench.h"

/* ---- kernels ------------------------------------------------------------------ */

typedef struct heat_case {
    int dim;
    size_t n[3];
    double r[3];
    double *u, *w;
    size_t points, interior;
} heat_case;

static int heat_init(pel_context *ctx, heat_case *h, size_t target)
{
    size_t side = h->dim == 2 ? (size_t)ceil(sqrt((double)target)) : (size_t)ceil(cbrt((double)target));
    h->points = h->interior = 1;
    for (int d = 0; d < h->dim; d++) {
        h->n[d] = side;
        h->r[d] = 0.9 * PEL_HEAT_STABILITY_SUM / h->dim;
        h->points *= side;
        h->interior *= side - 2;
    }
    h->u = pel_malloc(h->points * sizeof(double));
    h->w = pel_malloc(h->points * sizeof(double));
    if (!h->u || !h->w) return 0;
    size_t row = h->n[h->dim - 1], rows = h->points / row;
    pel_first_touch_zero(ctx, h->u, rows, row); /* the kernel's own row partition */
    pel_first_touch_zero(ctx, h->w, rows, row);
    pel_rng_fill_uniform(ctx, pel_rng_stream(1, 0), 0, h->u, h->points);
    return 1;
}

static double heat_gbs(pel_context *ctx, heat_case *h, int steps)
{
    double t0 = pel_wtime();
    if (pel_heat_ftcs_run(ctx, h->dim, h->n, h->r, PEL_BC_DIRICHLET, h->u, h->w, steps)) return NAN;
    return 16.0 * (double)h->interior * steps / (pel_wtime() - t0) * 1e-9;
}

typedef struct fft_case {
    int dim;
    size_t n[3], points;
    pel_poisson *ps;
    double *f, *phi, *real;
    fftw_complex *spec;
    fftw_plan fwd, bwd;
} fft_case;

static int fft_init(pel_context *ctx, fft_case *c, size_t side, unsigned flags)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, c->dim);
    c->points = 1;
    for (int d = 0; d < c->dim; d++) p.n[d] = c->n[d] = side, c->points *= side;
    /* PEL's plans first, while FFTW plans single-threaded (its default) */
    if (pel_poisson_create(ctx, &p, &c->ps)) return 0;
    c->f = pel_malloc(c->points * sizeof(double));
    c->phi = pel_malloc(c->points * sizeof(double));
    c->real = fftw_alloc_real(c->points);
    c->spec = fftw_alloc_complex(c->points / side * (side / 2 + 1));
    if (!c->f || !c->phi || !c->real || !c->spec) return 0;
    pel_poisson_manufactured(c->ps, c->f, NULL);
    int nn[3] = {(int)side, (int)side, (int)side};
    fftw_plan_with_nthreads(pel_context_threads(ctx));
    c->fwd = fftw_plan_dft_r2c(c->dim, nn, c->real, c->spec, flags);
    c->bwd = fftw_plan_dft_c2r(c->dim, nn, c->spec, c->real, flags);
    fftw_plan_with_nthreads(1);
    memcpy(c->real, c->f, c->points * sizeof(double)); /* MEASURE planning overwrote it */
    return c->fwd && c->bwd;
}

static double solve_seconds(fft_case *c)
{
    double t0 = pel_wtime();
    return pel_poisson_solve(c->ps, c->f, c->phi) ? NAN : pel_wtime() - t0;
}

static double bare_seconds(fft_case *c)
{
    double t0 = pel_wtime();
    fftw_execute(c->fwd);
    fftw_execute(c->bwd);
    return pel_wtime() - t0;
}

static void fft_free(fft_case *c)
{
    pel_poisson_destroy(c->ps);
    pel_free(c->f);
    pel_free(c->phi);
    fftw_free(c->real);
    fftw_free(c->spec);
    if (c->fwd) fftw_destroy_plan(c->fwd);
    if (c->bwd) fftw_destroy_plan(c->bwd);
}

/* ---- main --------------------------------------------------------------------- */

enum { TRIAD, TRIAD_NT, HEAT2, HEAT3, R_HEAT2, R_HEAT3, R_HEAT2_NT, R_HEAT3_NT,
       SOLVE3, BARE3, R_P3, SOLVE2, BARE2, R_P2, NSERIES };

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"threads", required_argument, NULL, 't'},
                                         {"reps", required_argument, NULL, 'n'},
                                         {"report", required_argument, NULL, 'r'},
                                         {"quick", no_argument, NULL, 'q'},
                                         {"measure", no_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    int threads = 0, reps = 11, quick = 0, measure = 0, c;
    const char *report = NULL;
    while ((c = getopt_long(argc, argv, "t:n:r:qmhV", opts, NULL)) != -1) {
        switch (c) {
        case 't': threads = atoi(optarg); break;
        case 'n': reps = atoi(optarg); break;
        case 'r': report = optarg; break;
        case 'q': quick = 1; break;
        case 'm': measure = 1; break;
        case 'V': printf("pel-bench (PEL) %s\n", pel_version()); return 0;
        case 'h':
            printf("Usage: pel-bench [--threads N] [--reps R] [--report FILE] [--quick] [--measure]\n"
                   "Measures a STREAM triad, the heat stencils and the Poisson solver against\n"
                   "bare FFTW, interleaved, and prints median/min/max and ratios.\n"
                   "--quick uses small arrays: a smoke test, not a measurement.\n"
                   "--measure plans the bare FFTW transforms with FFTW_MEASURE (slow to plan)\n"
                   "instead of FFTW_ESTIMATE, the planning PEL uses in deterministic mode.\n");
            return 0;
        default: fprintf(stderr, "pel-bench: unknown option (try --help)\n"); return 2;
        }
    }
    if (optind < argc || reps < 1 || reps > PEL_BENCH_MAX_REPS || threads < 0) {
        fprintf(stderr, "pel-bench: --reps must be 1 to %d and --threads >= 1\n", PEL_BENCH_MAX_REPS);
        return 2;
    }
    pel_context *ctx;
    if (pel_context_create(&ctx)) return 3;
    if (threads) pel_context_set_threads(ctx, threads);
    threads = pel_context_threads(ctx);
    fftw_init_threads();

    size_t llc = pel_bench_llc_bytes();
    size_t elems = quick ? (size_t)1 << 18 : 4 * llc / sizeof(double); /* each array 4x LLC */
    pel_bench_triad tr = {pel_malloc(elems * 8), pel_malloc(elems * 8), pel_malloc(elems * 8), elems};
    heat_case h2 = {.dim = 2}, h3 = {.dim = 3};
    fft_case p3 = {.dim = 3}, p2 = {.dim = 2};
    size_t s3 = quick ? 32 : 256, s2 = quick ? 256 : 4096;
    if (!tr.a || !tr.b || !tr.c || !heat_init(ctx, &h2, elems) || !heat_init(ctx, &h3, elems) ||
        !fft_init(ctx, &p3, s3, measure ? FFTW_MEASURE : FFTW_ESTIMATE) ||
        !fft_init(ctx, &p2, s2, measure ? FFTW_MEASURE : FFTW_ESTIMATE)) {
        fprintf(stderr, "pel-bench: setup failed: %s\n", pel_context_error(ctx));
        return 3;
    }
    pel_first_touch_zero(ctx, tr.a, elems, 1);
    pel_first_touch_zero(ctx, tr.b, elems, 1);
    pel_first_touch_zero(ctx, tr.c, elems, 1);

    const char *plan = measure ? "MEASURE" : "ESTIMATE";
    char bare3[64], bare2[64];
    snprintf(bare3, sizeof bare3, "bare FFTW 3D r2c+c2r (%s)", plan);
    snprintf(bare2, sizeof bare2, "bare FFTW 2D r2c+c2r (%s)", plan);
    pel_bench_series s[NSERIES] = {
        {"triad bandwidth (STREAM loop)", "GB/s", {0}, 0},
        {"triad bandwidth (streaming stores)", "GB/s", {0}, 0},
        {"heat 2D effective bandwidth", "GB/s", {0}, 0},
        {"heat 3D effective bandwidth", "GB/s", {0}, 0},
        {"heat 2D / triad", "ratio", {0}, 0},
        {"heat 3D / triad", "ratio", {0}, 0},
        {"heat 2D / streaming triad", "ratio", {0}, 0},
        {"heat 3D / streaming triad", "ratio", {0}, 0},
        {"poisson 3D solve", "ms", {0}, 0},
        {bare3, "ms", {0}, 0},
        {"poisson 3D / bare FFTW", "ratio", {0}, 0},
        {"poisson 2D solve", "ms", {0}, 0},
        {bare2, "ms", {0}, 0},
        {"poisson 2D / bare FFTW", "ratio", {0}, 0}};
    printf("pel-bench %s: %d thread%s, LLC %zu MiB, arrays of %zu doubles (%.0f MiB), %d repetitions\n",
           pel_version(), threads, threads == 1 ? "" : "s", llc >> 20, elems,
           (double)elems * 8 / (1 << 20), reps);
    printf("  heat 2D %zux%zu, heat 3D %zu^3, Poisson 3D %zu^3 and 2D %zu^2\n", h2.n[0], h2.n[1],
           h3.n[0], s3, s2);
    pel_bench_triad_gbs(&tr, threads, 2); /* warm up: threads started, pages mapped */
    pel_bench_triad_nt_gbs(&tr, threads, 2);
    heat_gbs(ctx, &h2, 2);
    heat_gbs(ctx, &h3, 2);
    solve_seconds(&p3), bare_seconds(&p3), solve_seconds(&p2), bare_seconds(&p2);
    for (int r = 0; r < reps; r++) {
        /* each kernel sits between two measurements of the bound */
        double t1 = pel_bench_triad_gbs(&tr, threads, 6), n1 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double b2 = heat_gbs(ctx, &h2, 6); /* even: no copy-back */
        double t2 = pel_bench_triad_gbs(&tr, threads, 6), n2 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double b3 = heat_gbs(ctx, &h3, 6);
        double t3 = pel_bench_triad_gbs(&tr, threads, 6), n3 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double ps3 = solve_seconds(&p3), pb3 = bare_seconds(&p3);
        double ps2 = solve_seconds(&p2), pb2 = bare_seconds(&p2);
        double vals[NSERIES] = {(t1 + t2 + t3) / 3, (n1 + n2 + n3) / 3, b2, b3,
                                b2 / (0.5 * (t1 + t2)), b3 / (0.5 * (t2 + t3)),
                                b2 / (0.5 * (n1 + n2)), b3 / (0.5 * (n2 + n3)),
                                ps3 * 1e3, pb3 * 1e3, ps3 / pb3, ps2 * 1e3, pb2 * 1e3, ps2 / pb2};
        for (int i = 0; i < NSERIES; i++) s[i].v[s[i].n++] = vals[i];
    }
    printf("  %-34s %10s %10s %10s\n", "", "median", "min", "max");
    for (int i = 0; i < NSERIES; i++) pel_bench_print(stdout, &s[i]);
    int ok = !report || pel_bench_report(ctx, report, s, NSERIES, threads, llc);
    if (!ok) fprintf(stderr, "pel-bench: %s\n", pel_context_error(ctx));
    fft_free(&p3);
    fft_free(&p2);
    pel_free(tr.a), pel_free(tr.b), pel_free(tr.c);
    pel_free(h2.u), pel_free(h2.w), pel_free(h3.u), pel_free(h3.w);
    pel_context_destroy(ctx);
    fftw_cleanup_threads();
    return ok ? 0 : 3;
}
