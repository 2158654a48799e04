/* pel-cholesky: the tiled Cholesky (kernels/cholesky) as a linear solver:
 * factor a random SPD matrix of order --n (or one read from --matrix FILE)
 * in tiles of --tile, solve A x = b for --nrhs right-hand sides, check
 * LAPACK's residual tests, and report the speed against the machine's FMA
 * peak measured in the same run (and, with --compare, against OpenBLAS's
 * LAPACKE_dpotrf at 1 and at --threads threads, interleaved) with the task
 * graph's scheduling figures.
 *
 * Matrix file: plain text, one matrix row per line, numbers separated by
 * blanks; '#' starts a comment, blank lines are skipped.  The matrix must be
 * square and symmetric (only its lower triangle is used). */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common/bench_peak.h"
#include "common/driver.h"
#include "common/matrix.h"
#include "common/report.h"

#ifdef HAVE_OPENBLAS
#include <lapacke.h>
void openblas_set_num_threads(int num_threads);
#endif

#define PROG "pel-cholesky"
#define TOL 30.0 /* LAPACK's threshold for its residual ratios */
#define MAX_FILE_ORDER 20000
/* the usage text: its %s is the tiles' default (default_tiles) */
static const char usage[] =
    "Usage: pel-cholesky [--n N] [--tile T] [--matrix FILE] [--nrhs R] [--seed S]\n"
    "                    [--kernels own|blas] [--group G] [--threads N] [--reps R] [--compare]\n"
    "                    [--report FILE]\n"
    "Factors a random SPD matrix of order N (default 1000), or the matrix in FILE\n"
    "(text, one row per line, square and symmetric), in tiles of T (%s;\n"
    "with OpenBLAS's kernels, G tile rows per trsm and gemm call, default 0: a\n"
    "whole tile column),\n"
    "solves R (default 1) right-hand sides and checks LAPACK's residual tests\n"
    "||L L^T - A||_1 / (n ||A||_1 eps) and ||b - A x||_1 / (||A||_1 ||x||_1 n eps)\n"
    "against 30.  Prints GFLOP/s (n^3/3) against the FMA peak measured in the run,\n"
    "the task-scheduling figures and, with --compare (OpenBLAS builds), OpenBLAS's\n"
    "LAPACKE_dpotrf at 1 and N threads; R repetitions are interleaved (medians).\n"
    "Exit status: 0 the checks passed; 1 a check failed; 2 bad usage or input\n"
    "(including a matrix that is not positive definite); 3 the run failed;\n"
    "128+N stopped by signal N (SIGINT 130, SIGTERM 143), without a report.\n"
    "Messages number a matrix's rows and columns from 1, as they are in FILE.\n"
    "Task priorities are honoured when OMP_MAX_TASK_PRIORITY is 3 or more.\n";

typedef struct opts {
    long n, tile, nrhs, seed, threads, reps, group; /* tile 0: the kernels' default */
    int compare, blas;
    const char *matrix, *report;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"n", required_argument, NULL, 'n'},      {"tile", required_argument, NULL, 'b'},
        {"matrix", required_argument, NULL, 'm'}, {"nrhs", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"kernels", required_argument, NULL, 'k'},
        {"threads", required_argument, NULL, 't'}, {"reps", required_argument, NULL, 'R'},
        {"compare", no_argument, NULL, 'c'},      {"report", required_argument, NULL, 'o'},
        {"group", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int c, ok = 1;
    const char *random_only = NULL; /* --n or --seed: options of the random matrix */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        if (c == 'n' || c == 's') random_only = c == 'n' ? "--n" : "--seed";
        switch (c) {
        case 'n': ok = pel_opt_int(PROG, "--n", optarg, 1, 100000, &o->n); break;
        case 'b': ok = pel_opt_int(PROG, "--tile", optarg, 1, 4096, &o->tile); break;
        case 'r': ok = pel_opt_int(PROG, "--nrhs", optarg, 1, 1000, &o->nrhs); break;
        case 's': ok = pel_opt_int(PROG, "--seed", optarg, 0, 4294967295L, &o->seed); break;
        case 't': ok = pel_opt_int(PROG, "--threads", optarg, 1, PEL_OPT_MAX_THREADS, &o->threads); break;
        case 'R': ok = pel_opt_int(PROG, "--reps", optarg, 1, 100, &o->reps); break;
        case 'g': ok = pel_opt_int(PROG, "--group", optarg, 0, 100000, &o->group); break;
        case 'm':
            if (!pel_opt_once(PROG, "--matrix", &o->matrix, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'o':
            if (!pel_opt_once(PROG, "--report", &o->report, optarg)) return PEL_EXIT_USAGE;
            break;
        case 'c': o->compare = 1; break;
        case 'k':
            if (!strcmp(optarg, "own") || !strcmp(optarg, "blas")) o->blas = optarg[0] == 'b';
            else {
                fprintf(stderr, PROG ": error: --kernels %s: expected own or blas\n", optarg);
                ok = 0;
            }
            break;
        case 'h': {
            /* one default when the two kernel sets share it */
            char tiles[128];
            size_t own = pel_cholesky_default_tile(PEL_CHOLESKY_KERNELS_OWN),
                   blas = pel_cholesky_default_tile(PEL_CHOLESKY_KERNELS_BLAS);
            if (own == blas) snprintf(tiles, sizeof tiles, "default %zu", own);
            else snprintf(tiles, sizeof tiles, "default %zu with the library's kernels,\n%zu with OpenBLAS's", own, blas);
            printf(usage, tiles);
            return PEL_EXIT_OK;
        }
        case 'V': printf(PROG " (PEL) %s\n", pel_version()); return PEL_EXIT_OK;
        default: return pel_opt_missing(PROG, c, argv);
        }
        if (!ok) return PEL_EXIT_USAGE;
    }
    if (o->matrix && random_only) {
        fprintf(stderr, PROG ": error: %s and --matrix: %s sets up the random matrix, --matrix reads one; give one of them\n",
                random_only, random_only);
        return PEL_EXIT_USAGE;
    }
    return pel_opt_extra(PROG, argc, argv);
}

static double median(double *x, int n) { return pel_report_median(x, n); }

typedef struct figures {
    double gflops, peak, blas1, blasn; /* medians (peak: the best); blas* 0 without --compare */
    double cpu, cpu1, cpun; /* the same on CPU time (cpu_rate), medians */
    pel_cholesky_stats st;
    double res, sres;
    char fp_l[PEL_FINGERPRINT_HEX], fp_x[PEL_FINGERPRINT_HEX];
} figures;

static int write_report(pel_context *ctx, const char *path, int argc, char **argv, const opts *o,
                        const pel_cholesky *h, const figures *fg, const pel_verify_log *log, int status)
{
    pel_afile *af;
    pel_json *w;
    if (pel_afile_open(ctx, path, &af)) goto fail;
    if (pel_json_create(&w, pel_afile_stream(af))) {
        pel_afile_abort(af);
        goto fail;
    }
    const pel_cholesky_stats *st = &fg->st;
    pel_json_object_begin(w);
    char num[32];
    snprintf(num, sizeof num, "cholesky=%d", PEL_CHOLESKY_NUMERICS_VERSION);
    pel_report_head(w, PROG, num, argc, argv);
    pel_json_kv_int(w, "threads", st->threads);
    pel_json_key(w, "config");
    pel_json_object_begin(w);
    pel_json_kv_int(w, "n", (long long)pel_cholesky_order(h));
    pel_json_kv_int(w, "tile", (long long)pel_cholesky_tile(h));
    pel_json_kv_string(w, "matrix", o->matrix ? o->matrix : "random");
    pel_json_kv_int(w, "seed", o->seed);
    pel_json_kv_int(w, "nrhs", o->nrhs);
    pel_json_kv_string(w, "kernels", pel_cholesky_kernel_name(h));
    pel_json_kv_int(w, "group", (long long)pel_cholesky_group(h));
    pel_json_kv_int(w, "reps", o->reps);
    pel_json_object_end(w);
    pel_json_key(w, "problems");
    pel_json_array_begin(w);
    pel_json_object_begin(w);
    pel_json_kv_string(w, "problem", "cholesky");
    pel_json_kv_number(w, "kernel_seconds", st->seconds);
    pel_json_key(w, "rates");
    pel_json_array_begin(w);
    struct { const char *name; double v; const char *unit; } r[] = {
        {"factorisation (n^3/3)", fg->gflops, "GFLOP/s"}, {"FMA peak (measured)", fg->peak, "GFLOP/s"},
        {"fraction of the FMA peak", fg->peak > 0 ? fg->gflops / fg->peak : 0, "ratio"},
        {"OpenBLAS dpotrf, 1 thread", fg->blas1, "GFLOP/s"}, {"OpenBLAS dpotrf, threads", fg->blasn, "GFLOP/s"},
        {"against OpenBLAS at the same threads", fg->blasn > 0 ? fg->gflops / fg->blasn : 0, "ratio"},
        {"factorisation on CPU time", fg->cpu, "GFLOP/s"},
        {"OpenBLAS dpotrf on CPU time, 1 thread", fg->cpu1, "GFLOP/s"},
        {"OpenBLAS dpotrf on CPU time, threads", fg->cpun, "GFLOP/s"},
        {"against OpenBLAS on CPU time", fg->cpun > 0 ? fg->cpu / fg->cpun : 0, "ratio"}};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        if (fg->blasn <= 0 && ((i >= 3 && i < 6) || i > 6)) continue; /* no --compare */
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", r[i].name);
        pel_json_kv_number(w, "value", r[i].v);
        pel_json_kv_string(w, "unit", r[i].unit);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_key(w, "tasks");
    pel_json_object_begin(w);
    pel_json_kv_int(w, "created", st->tasks);
    pel_json_kv_int(w, "potrf", st->potrf);
    pel_json_kv_int(w, "trsm", st->trsm);
    pel_json_kv_int(w, "syrk", st->syrk);
    pel_json_kv_int(w, "gemm", st->gemm);
    pel_json_kv_number(w, "flops_per_task", st->tile_flops / (double)st->tasks);
    pel_json_key(w, "busy_seconds");
    pel_json_array_begin(w);
    for (int t = 0; t < st->threads; t++) pel_json_number(w, pel_cholesky_busy(h, t));
    pel_json_array_end(w);
    pel_json_kv_number(w, "load_imbalance", st->busy_mean > 0 ? st->busy_max / st->busy_mean : 0);
    pel_json_kv_int(w, "max_task_priority", st->priorities);
    pel_json_object_end(w);
    pel_json_key(w, "verification");
    pel_json_verify_log(w, log);
    pel_json_key(w, "fingerprints");
    pel_json_object_begin(w);
    pel_json_kv_string(w, "L", fg->fp_l);
    pel_json_kv_string(w, "x", fg->fp_x);
    pel_json_object_end(w);
    pel_json_object_end(w);
    pel_json_array_end(w);
    pel_json_kv_int(w, "exit_status", status);
    pel_json_object_end(w);
    if (pel_json_finish(w)) {
        pel_afile_abort(af);
        pel_error(ctx, PEL_EIO, "%s: writing the report failed", path);
        goto fail;
    }
    if (pel_afile_commit(ctx, af)) goto fail;
    return 0;
fail:
    fprintf(stderr, PROG ": error: --report: %s\n", pel_context_error(ctx));
    return PEL_EXIT_RUN;
}

/* GFLOP/s on CPU time: the flops over the process's CPU seconds per thread,
 * the rate had each thread a core of its own.  On a machine shared with
 * other jobs the wall-clock rate measures mostly their load; this one
 * counts only the time the run was on a CPU (spinning included). */
static double cpu_rate(double flops, double cpu, int nt) { return cpu > 0 ? flops / (cpu / nt) * 1e-9 : 0.0; }

/* OpenBLAS's LAPACKE_dpotrf on a copy of a, at nt threads: wall seconds;
 * *cpu its CPU seconds. */
static double blas_potrf(const double *a, double *c, size_t n, int nt, double *cpu)
{
#ifdef HAVE_OPENBLAS
    memcpy(c, a, n * n * sizeof *c);
    openblas_set_num_threads(nt);
    double t0 = pel_wtime(), c0 = pel_report_cpu_seconds();
    LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, c, (lapack_int)n);
    *cpu = pel_report_cpu_seconds() - c0;
    return pel_wtime() - t0;
#else
    (void)a, (void)c, (void)n, (void)nt;
    *cpu = 0.0;
    return 0.0;
#endif
}

static int run(int argc, char **argv, const opts *o, pel_context *ctx)
{
    double *a = NULL;
    size_t N = (size_t)o->n, R = (size_t)o->nrhs;
    int code;
    if (o->matrix && (code = pel_matrix_read_symmetric(ctx, PROG, o->matrix, MAX_FILE_ORDER, &a, &N))) return code;
    if (!a) a = malloc(N * N * sizeof *a);
    double *l = malloc(N * N * sizeof *l), *x = malloc(N * R * sizeof *x), *b = malloc(N * R * sizeof *b);
    double *c = o->compare ? malloc(N * N * sizeof *c) : NULL;
    pel_cholesky *h = NULL;
    pel_verify_log *log = NULL;
    code = PEL_EXIT_RUN;
    if (!a || !l || !x || !b || (o->compare && !c) || pel_verify_log_create(&log)) {
        fprintf(stderr, PROG ": error: out of memory for n = %zu\n", N);
        goto out;
    }
    if (!o->matrix) pel_cholesky_random_spd(ctx, N, (uint32_t)o->seed, a, N);
    pel_cholesky_params p;
    pel_cholesky_params_default(&p);
    p.n = N;
    p.kernels = o->blas ? PEL_CHOLESKY_KERNELS_BLAS : PEL_CHOLESKY_KERNELS_OWN;
    p.tile = o->tile ? (size_t)o->tile : pel_cholesky_default_tile(p.kernels);
    p.group = (size_t)o->group;
    pel_status s = pel_cholesky_create(ctx, &p, &h);
    if (s) {
        fprintf(stderr, PROG ": error: %s\n", pel_context_error(ctx));
        code = s == PEL_ENOMEM ? PEL_EXIT_RUN : PEL_EXIT_USAGE;
        goto out;
    }
    int nt = pel_context_threads(ctx);
    double gf[100], pk[100], b1[100], bn[100], gc[100], b1c[100], bnc[100];
    figures fg = {0};
    for (int r = 0; r < o->reps && !pel_run_stop_signal(); r++) {
        pk[r] = pel_bench_fma_peak(nt);
        pel_cholesky_set_matrix(h, a, N);
        double c0 = pel_report_cpu_seconds();
        s = pel_cholesky_factor(h);
        double c1 = pel_report_cpu_seconds() - c0;
        if (s == PEL_ECANCELED && pel_run_stop_signal()) goto stopped; /* within the factorisation */
        if (s) {
            if (s == PEL_ESINGULAR) {
                /* the library counts columns from 0 (C's, and its API's);
                 * the user's file from 1, as LAPACK's info does */
                fprintf(stderr, PROG ": error: %s: the matrix is not positive definite: the pivot of column %ld is not positive\n",
                        o->matrix ? o->matrix : "the matrix", pel_cholesky_failed_column(h) + 1);
                code = PEL_EXIT_USAGE;
            } else fprintf(stderr, PROG ": error: %s\n", pel_context_error(ctx));
            goto out;
        }
        pel_cholesky_get_stats(h, &fg.st);
        gf[r] = fg.st.flops / fg.st.seconds * 1e-9;
        gc[r] = cpu_rate(fg.st.flops, c1, nt);
        if (o->compare) {
            double cb;
            b1[r] = fg.st.flops / blas_potrf(a, c, N, 1, &cb) * 1e-9;
            b1c[r] = cpu_rate(fg.st.flops, cb, 1);
            bn[r] = fg.st.flops / blas_potrf(a, c, N, nt, &cb) * 1e-9;
            bnc[r] = cpu_rate(fg.st.flops, cb, nt);
        }
    }
    if (pel_run_stop_signal()) goto stopped;
    fg.gflops = median(gf, o->reps);
    /* a peak is what the machine can do: the best repetition (a loaded
     * machine's slow ones would flatter the factorisation) */
    fg.peak = pk[0];
    for (long r = 1; r < o->reps; r++)
        if (pk[r] > fg.peak) fg.peak = pk[r];
    fg.cpu = median(gc, o->reps);
    if (o->compare) {
        fg.blas1 = median(b1, o->reps), fg.blasn = median(bn, o->reps);
        fg.cpu1 = median(b1c, o->reps), fg.cpun = median(bnc, o->reps);
    }
    /* the solve of A x = b with b = A x_true, x_true_i = 1 + (i + k) mod 7 */
    for (size_t k = 0; k < R && !pel_run_stop_signal(); k++)
        for (size_t i = 0; i < N; i++) {
            double t = 0.0;
            for (size_t j = 0; j < N; j++) t += a[i + j * N] * (1.0 + (double)((j + k) % 7));
            b[i + k * N] = t;
        }
    if (pel_run_stop_signal()) goto stopped;
    memcpy(x, b, N * R * sizeof *x);
    if (pel_cholesky_solve(h, R, x, N) || pel_cholesky_residual(h, a, N, &fg.res) ||
        pel_cholesky_solve_residual(ctx, N, R, a, N, x, N, b, N, &fg.sres) || pel_cholesky_get_factor(h, l, N)) {
        if (pel_run_stop_signal() && pel_context_last_status(ctx) == PEL_ECANCELED) goto stopped; /* in the residual */
        fprintf(stderr, PROG ": error: %s\n", pel_context_error(ctx));
        goto out;
    }
    /* the right-hand sides and the residuals can take as long as the
     * factorisation: a signal during them stops the run here */
    if (pel_run_stop_signal()) goto stopped;
    pel_fingerprint(l, N * N * sizeof *l, fg.fp_l);
    pel_fingerprint(x, N * R * sizeof *x, fg.fp_x);
    pel_verify_at_most(log, "cholesky.factor_residual", fg.res, TOL);
    pel_verify_at_most(log, "cholesky.solve_residual", fg.sres, TOL);
    const pel_cholesky_stats *st = &fg.st;
    size_t nb = pel_cholesky_tile(h), T = (N + nb - 1) / nb;
    printf(PROG ": n = %zu, tile = %zu (%zu x %zu tiles), kernels %s", N, nb, T, T, pel_cholesky_kernel_name(h));
    if (o->blas) printf(" (%zu tile rows per call)", pel_cholesky_group(h));
    printf(", %d thread%s, %s\n", st->threads, st->threads == 1 ? "" : "s", o->matrix ? o->matrix : "random SPD matrix");
    printf("  factorisation: %.4g s, %.2f GFLOP/s (n^3/3; median of %ld), FMA peak %.1f GFLOP/s: %.2f of it\n",
           st->seconds, fg.gflops, o->reps, fg.peak, fg.peak > 0 ? fg.gflops / fg.peak : 0.0);
    if (o->compare)
        printf("  OpenBLAS LAPACKE_dpotrf: %.2f GFLOP/s at 1 thread, %.2f at %d; pel / OpenBLAS = %.2f\n", fg.blas1,
               fg.blasn, nt, fg.blasn > 0 ? fg.gflops / fg.blasn : 0.0);
    printf("  on CPU time (n^3/3 over CPU seconds per thread): %.2f GFLOP/s", fg.cpu);
    if (o->compare)
        printf(", OpenBLAS %.2f at 1 thread, %.2f at %d; pel / OpenBLAS = %.2f", fg.cpu1, fg.cpun, nt,
               fg.cpun > 0 ? fg.cpu / fg.cpun : 0.0);
    printf("\n");
    printf("  tasks: %ld created (%ld potrf, %ld trsm, %ld syrk, %ld gemm), %.3g flops per task\n", st->tasks,
           st->potrf, st->trsm, st->syrk, st->gemm, st->tile_flops / (double)st->tasks);
    printf("  busy per thread (s):");
    for (int t = 0; t < st->threads; t++) printf(" %.4g", pel_cholesky_busy(h, t));
    printf("; load imbalance (max / mean) %.3f; task priorities %s\n", st->busy_mean > 0 ? st->busy_max / st->busy_mean : 0.0,
           st->priorities >= 3 ? "on" : "off (set OMP_MAX_TASK_PRIORITY=3)");
    pel_verify_log_print(log, stdout);
    printf("  fingerprint L %s\n  fingerprint x %s\n", fg.fp_l, fg.fp_x);
    code = pel_verify_log_passed(log) ? PEL_EXIT_OK : PEL_EXIT_VERIFY;
    if (o->report) {
        int rc = write_report(ctx, o->report, argc, argv, o, h, &fg, log, code);
        if (rc) code = rc;
    }
    goto out;
stopped:
    code = pel_run_stopped(PROG);
out:
    pel_verify_log_destroy(log);
    pel_cholesky_destroy(h);
    free(a), free(l), free(x), free(b), free(c);
    return code;
}

static int cholesky_main(int argc, char **argv)
{
    opts o = {.n = 1000, .nrhs = 1, .seed = 1, .reps = 1};
    int code = parse(argc, argv, &o);
    if (code >= 0) return code;
    const char *what[] = {"--matrix", "--report"}, *path[] = {o.matrix, o.report};
    const unsigned may_equal[] = {0, 0};
    if (!pel_opt_distinct(PROG, 2, what, path, may_equal)) return PEL_EXIT_USAGE; /* the report would replace the matrix */
    if (o.compare && !pel_cholesky_have_blas()) {
        fprintf(stderr, PROG ": error: --compare: this build has no OpenBLAS (configure --with-openblas)\n");
        return PEL_EXIT_USAGE;
    }
    pel_context *ctx;
    if (pel_context_create(&ctx)) return PEL_EXIT_RUN;
    if ((code = pel_opt_threads(PROG, ctx, o.threads)) >= 0) {
        pel_context_destroy(ctx);
        return code;
    }
    if (o.report && pel_afile_check(ctx, o.report)) { /* before the run */
        fprintf(stderr, PROG ": error: --report: %s\n", pel_context_error(ctx));
        pel_context_destroy(ctx);
        return PEL_EXIT_RUN;
    }
    pel_run_guard_begin(PROG);
    pel_context_set_cancel(ctx, pel_run_stop_flag()); /* a signal stops the factorisation within a tile task */
    code = run(argc, argv, &o, ctx);
    pel_run_guard_end();
    pel_context_destroy(ctx);
    return code;
}

/* the status, or 3 when what was printed could not be written */
int main(int argc, char **argv) { return pel_opt_stdout(PROG, cholesky_main(argc, argv)); }
