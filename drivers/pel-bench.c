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

#include <getopt.h>
#include <stdio.h>

#include "common/bench.h"
#include "common/driver.h"

enum { TRIAD, TRIAD_NT, HEAT2, HEAT3, R_HEAT2, R_HEAT3, R_HEAT2_NT, R_HEAT3_NT,
       SOLVE3, BARE3, R_P3, SOLVE2, BARE2, R_P2, NSERIES };

static const char usage[] =
    "Usage: pel-bench [--threads N] [--reps R] [--report FILE] [--quick] [--measure]\n"
    "Measures a STREAM triad, the heat stencils and the Poisson solver against\n"
    "bare FFTW, interleaved, and prints median/min/max and ratios.\n"
    "--quick uses small arrays: a smoke test, not a measurement.\n"
    "--measure plans the bare FFTW transforms with FFTW_MEASURE (slow to plan)\n"
    "instead of FFTW_ESTIMATE, the planning PEL uses in deterministic mode.\n"
    "Exit status: 0 done; 2 bad usage; 3 setup or the report failed; 128+N\n"
    "stopped by signal N (between repetitions, without a report).\n";

typedef struct bench_options {
    int threads, reps, quick, measure;
    const char *report;
} bench_options;

/* Options through the drivers' strict parser: -1 to go on, else the exit status. */
static int parse(int argc, char **argv, bench_options *o)
{
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 't'}, {"reps", required_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'},  {"quick", no_argument, NULL, 'q'},
        {"measure", no_argument, NULL, 'm'},       {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0}};
    int c;
    long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:n:r:qmhV", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (!pel_opt_int("pel-bench", "--threads", optarg, 1, 4096, &v)) return PEL_EXIT_USAGE;
            o->threads = (int)v;
            break;
        case 'n':
            if (!pel_opt_int("pel-bench", "--reps", optarg, 1, PEL_BENCH_MAX_REPS, &v)) return PEL_EXIT_USAGE;
            o->reps = (int)v;
            break;
        case 'r': o->report = optarg; break;
        case 'q': o->quick = 1; break;
        case 'm': o->measure = 1; break;
        case 'h': fputs(usage, stdout); return PEL_EXIT_OK;
        case 'V': printf("pel-bench (PEL) %s\n", pel_version()); return PEL_EXIT_OK;
        default: return pel_opt_missing("pel-bench", c, argv);
        }
    }
    return pel_opt_extra("pel-bench", argc, argv);
}

int main(int argc, char **argv)
{
    bench_options o = {.reps = 11};
    int code = parse(argc, argv, &o);
    if (code >= 0) return code;
    int threads = o.threads, reps = o.reps, quick = o.quick, measure = o.measure;
    const char *report = o.report;
    pel_context *ctx;
    if (pel_context_create(&ctx)) return PEL_EXIT_RUN;
    if (report && pel_afile_check(ctx, report)) { /* before any measurement */
        fprintf(stderr, "pel-bench: error: --report: %s\n", pel_context_error(ctx));
        pel_context_destroy(ctx);
        return PEL_EXIT_RUN;
    }
    pel_run_guard_begin("pel-bench"); /* signals stop between repetitions; libgomp's exit is exit 3 */
    if (threads) pel_context_set_threads(ctx, threads);
    threads = pel_context_threads(ctx);
    fftw_init_threads();

    size_t llc = pel_bench_llc_bytes();
    size_t elems = quick ? (size_t)1 << 18 : 4 * llc / sizeof(double); /* each array 4x LLC */
    pel_bench_triad tr = {pel_malloc(elems * 8), pel_malloc(elems * 8), pel_malloc(elems * 8), elems};
    pel_bench_heat h2 = {.dim = 2}, h3 = {.dim = 3};
    pel_bench_fft p3 = {.dim = 3}, p2 = {.dim = 2};
    size_t s3 = quick ? 32 : 256, s2 = quick ? 256 : 4096;
    if (!tr.a || !tr.b || !tr.c || !pel_bench_heat_init(ctx, &h2, elems) || !pel_bench_heat_init(ctx, &h3, elems) ||
        !pel_bench_fft_init(ctx, &p3, s3, measure ? FFTW_MEASURE : FFTW_ESTIMATE) ||
        !pel_bench_fft_init(ctx, &p2, s2, measure ? FFTW_MEASURE : FFTW_ESTIMATE)) {
        fprintf(stderr, "pel-bench: error: setup failed: %s\n", pel_context_error(ctx));
        return PEL_EXIT_RUN;
    }
    pel_first_touch_zero(ctx, tr.a, elems, 1);
    pel_first_touch_zero(ctx, tr.b, elems, 1);
    pel_first_touch_zero(ctx, tr.c, elems, 1);

    const char *plan = measure ? "MEASURE" : "ESTIMATE";
    char bare3[64], bare2[64];
    snprintf(bare3, sizeof bare3, "bare FFTW 3D r2c+c2r (%s)", plan);
    snprintf(bare2, sizeof bare2, "bare FFTW 2D r2c+c2r (%s)", plan);
    static const char *const names[NSERIES][2] = {
        {"triad bandwidth (STREAM loop)", "GB/s"}, {"triad bandwidth (streaming stores)", "GB/s"},
        {"heat 2D effective bandwidth", "GB/s"},   {"heat 3D effective bandwidth", "GB/s"},
        {"heat 2D / triad", "ratio"},              {"heat 3D / triad", "ratio"},
        {"heat 2D / streaming triad", "ratio"},    {"heat 3D / streaming triad", "ratio"},
        {"poisson 3D solve", "ms"}, {NULL, "ms"},  {"poisson 3D / bare FFTW", "ratio"},
        {"poisson 2D solve", "ms"}, {NULL, "ms"},  {"poisson 2D / bare FFTW", "ratio"}};
    pel_bench_series s[NSERIES];
    for (int i = 0; i < NSERIES; i++) s[i] = (pel_bench_series){names[i][0], names[i][1], {0}, 0};
    s[BARE3].name = bare3, s[BARE2].name = bare2;
    printf("pel-bench %s: %d thread%s, LLC %zu MiB, arrays of %zu doubles (%.0f MiB), %d repetitions\n",
           pel_version(), threads, threads == 1 ? "" : "s", llc >> 20, elems,
           (double)elems * 8 / (1 << 20), reps);
    printf("  heat 2D %zux%zu, heat 3D %zu^3, Poisson 3D %zu^3 and 2D %zu^2\n", h2.n[0], h2.n[1],
           h3.n[0], s3, s2);
    pel_bench_triad_gbs(&tr, threads, 2); /* warm up: threads started, pages mapped */
    pel_bench_triad_nt_gbs(&tr, threads, 2);
    pel_bench_heat_gbs(ctx, &h2, 2);
    pel_bench_heat_gbs(ctx, &h3, 2);
    pel_bench_solve_seconds(&p3), pel_bench_bare_seconds(&p3), pel_bench_solve_seconds(&p2), pel_bench_bare_seconds(&p2);
    for (int r = 0; r < reps && !pel_run_stop_signal(); r++) {
        /* each kernel sits between two measurements of the bound */
        double t1 = pel_bench_triad_gbs(&tr, threads, 6), n1 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double b2 = pel_bench_heat_gbs(ctx, &h2, 6); /* even: no copy-back */
        double t2 = pel_bench_triad_gbs(&tr, threads, 6), n2 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double b3 = pel_bench_heat_gbs(ctx, &h3, 6);
        double t3 = pel_bench_triad_gbs(&tr, threads, 6), n3 = pel_bench_triad_nt_gbs(&tr, threads, 6);
        double ps3 = pel_bench_solve_seconds(&p3), pb3 = pel_bench_bare_seconds(&p3);
        double ps2 = pel_bench_solve_seconds(&p2), pb2 = pel_bench_bare_seconds(&p2);
        double vals[NSERIES] = {(t1 + t2 + t3) / 3, (n1 + n2 + n3) / 3, b2, b3,
                                b2 / (0.5 * (t1 + t2)), b3 / (0.5 * (t2 + t3)),
                                b2 / (0.5 * (n1 + n2)), b3 / (0.5 * (n2 + n3)),
                                ps3 * 1e3, pb3 * 1e3, ps3 / pb3, ps2 * 1e3, pb2 * 1e3, ps2 / pb2};
        for (int i = 0; i < NSERIES; i++) s[i].v[s[i].n++] = vals[i];
    }
    int sig = pel_run_stop_signal();
    if (!sig) printf("  %-34s %10s %10s %10s\n", "", "median", "min", "max");
    for (int i = 0; i < NSERIES && !sig; i++) pel_bench_print(stdout, &s[i]);
    int ok = sig || !report || pel_bench_report(ctx, report, s, NSERIES, threads, llc);
    if (sig) fprintf(stderr, "pel-bench: error: stopped by %s, no report written\n", pel_run_signal_name(sig));
    else if (!ok) fprintf(stderr, "pel-bench: error: %s\n", pel_context_error(ctx));
    pel_bench_fft_free(&p3);
    pel_bench_fft_free(&p2);
    pel_free(tr.a), pel_free(tr.b), pel_free(tr.c);
    pel_free(h2.u), pel_free(h2.w), pel_free(h3.u), pel_free(h3.w);
    pel_context_destroy(ctx);
    fftw_cleanup_threads();
    pel_run_guard_end();
    return sig ? PEL_EXIT_SIGNAL + sig : ok ? PEL_EXIT_OK : PEL_EXIT_RUN;
}
