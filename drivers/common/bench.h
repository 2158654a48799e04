/* Benchmark support for pel-bench: named suites (one file each,
 * drivers/common/bench_<suite>.c, one line in pel-bench's table), the
 * series of repeated measurements they fill (median, min, max; printed and
 * written as one JSON run report), the last-level cache size, the STREAM
 * triad every bandwidth figure is compared against, and running a program
 * as a whole child process (wall time, peak memory, its output).
 *
 * Adding a benchmark (a family's GCUPS, bandwidth against the triad,
 * GFLOP/s ...):
 *   1. write drivers/common/bench_<name>.c defining
 *        const pel_bench_suite pel_bench_<name> = {"<name>", "one line", 0, NULL, run, families};
 *      where run(env, out) sets up untimed, measures env->reps repetitions
 *      (each kernel measurement beside its bound, so a pair's ratio survives
 *      the drift of a shared machine; pel_run_stop_signal() checked between
 *      repetitions), appends its series with pel_bench_add and prints them
 *      with pel_bench_print_table; it returns an exit status (0, 1 when a
 *      verification failed, 2 bad usage, 3 a failure); families lists the
 *      component types of the families whose kernels it runs (their
 *      numerics versions go into the report; NULL for none);
 *   2. declare it below and add &pel_bench_<name> to the table in
 *      drivers/pel-bench.c (by_default 1 puts it in the default run);
 *   3. list the file in drivers_pel_bench_SOURCES (Makefile.am).
 * A benchmark asserts nothing about time; a test runs it with --quick. */
#ifndef PEL_DRIVER_BENCH_H
#define PEL_DRIVER_BENCH_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <pel/pel.h>

#define PEL_BENCH_MAX_REPS 100

typedef struct pel_bench_series {
    char name[96];
    const char *unit;
    double v[PEL_BENCH_MAX_REPS];
    int n;
} pel_bench_series;

void pel_bench_stats(const pel_bench_series *s, double *median, double *min, double *max);
void pel_bench_print(FILE *out, const pel_bench_series *s);

/* The series of a whole run, in the order the suites add them. */
typedef struct pel_bench_out {
    pel_bench_series *s;
    int n, cap;
} pel_bench_out;

/* A new empty series named printf-style (NULL when out of memory). */
pel_bench_series *pel_bench_add(pel_bench_out *out, const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The header line and series first..out->n-1. */
void pel_bench_print_table(FILE *f, const pel_bench_out *out, int first);
void pel_bench_out_free(pel_bench_out *out);

/* What every suite is given (read-only). */
typedef struct pel_bench_env {
    pel_context *ctx;
    int threads, reps, quick, patient;
    size_t llc;
    char cls;             /* NPB class for npb and compare: --class, default A (S with --quick) */
    const char *kernels;  /* "ep,cg,mg,ft,is" or a subset */
    const char *npb_dir;  /* compare: a directory of NPB binaries (cg.A.x ...) */
    const char *pel_npb;  /* compare: the pel-npb program */
    const char *self;     /* this program, for the npb suite's child processes */
    int argc;             /* the command line, for the report */
    char **argv;
} pel_bench_env;

typedef struct pel_bench_suite {
    const char *name, *what;
    int by_default;
    /* Before anything runs (optional): -1 when the settings suit the suite,
     * else an exit status after a one-line message. */
    int (*check)(const pel_bench_env *env);
    int (*run)(const pel_bench_env *env, pel_bench_out *out);
    /* The families whose kernels it runs, as their component types
     * (optional; NULL: none, as the triad's): up to max into out, returns
     * how many.  The report's numerics lists them ("heat=1,ocean=1"). */
    int (*families)(const pel_bench_env *env, const pel_component_type **out, int max);
} pel_bench_suite;

/* The npb suite's child: one repetition of one kernel (pel-bench
 * --npb-child KERNEL), printed for the parent. */
int pel_bench_npb_child(const char *kernel, char cls, int threads);

extern const pel_bench_suite pel_bench_stream, pel_bench_heat, pel_bench_poisson, pel_bench_npb,
    pel_bench_compare, pel_bench_ocean_suite;
extern const pel_bench_suite pel_bench_climate;
extern const pel_bench_suite pel_bench_sparse;

/* The numerics versions of the families of the suites used (use[i] for
 * suites[i]), "<family>=<version>" each once in the order the suites run,
 * comma-separated, as every program's report lists them; "" when none. */
void pel_bench_numerics(const pel_bench_env *env, const pel_bench_suite *const *suites, const int *use, int n,
                        char *buf, size_t size);

/* Schema "pel-run-report" version 2, written atomically: one problem per
 * series; numerics as pel_bench_numerics makes it; config holds the
 * settings given; exit_status the program's (a compared NPB run that failed
 * its verification makes it 1). */
int pel_bench_report(pel_context *ctx, const char *path, const pel_bench_out *out, const pel_bench_env *env,
                     const char *suites, const char *numerics, int exit_status);

/* The families of the NPB kernels env->kernels names (the npb and compare
 * suites' families). */
int pel_bench_npb_families(const pel_bench_env *env, const pel_component_type **out, int max);

/* The last-level cache of one core (the largest level cpu0 lists), and the
 * machine's total of it: the sum over its distinct instances (sockets,
 * chiplets), which STREAM's rule for the triad's arrays (4x each) asks for. */
size_t pel_bench_llc_bytes(void);
size_t pel_bench_llc_total_bytes(void);

/* STREAM's triad a = b + 3 c over n elements, `passes` times in one parallel
 * region; returns GB/s counting 24 bytes per element.  The _nt variant uses
 * streaming stores (no read-for-ownership of a).  init allocates and first
 * touches arrays of 4x the LLC (2^18 elements with quick); 0 when out of
 * memory. */
typedef struct pel_bench_triad {
    double *a, *b, *c;
    size_t n;
} pel_bench_triad;

int pel_bench_triad_init(const pel_bench_env *env, pel_bench_triad *t);
void pel_bench_triad_free(pel_bench_triad *t);
double pel_bench_triad_gbs(const pel_bench_triad *t, int nthreads, int passes);
double pel_bench_triad_nt_gbs(const pel_bench_triad *t, int nthreads, int passes);

/* The NPB kernels that env->kernels names, in NPB's order: fills names
 * (up to 5) and returns their count, or -1 (message on stderr) for an
 * unknown name. */
int pel_bench_kernels(const char *list, const char *names[5]);

/* read(2) from a child's pipe that sees a stop signal: with `stop`, fd is
 * polled 0.1 s at a time and -2 is returned once pel_run_stop_signal() is
 * set (a signal's handler restarts a plain read, so the stop would wait
 * for the child); else what read returns, EINTR retried. */
ssize_t pel_bench_read(int fd, void *buf, size_t n, int stop);

/* A program run as a whole child process: argv[0] is the path; the
 * environment gets OMP_NUM_THREADS=threads (when > 0).  Captures up to
 * cap-1 bytes of stdout into buf (the rest is read and dropped; stderr is
 * inherited); wall seconds from fork to exit, the child's peak resident
 * memory in KiB (getrusage of the child, wait4).  A stop signal to this
 * process sends SIGTERM to the child (a signal to the whole process group
 * reaches it anyway).  Returns its exit status, 128 + N when killed by
 * signal N, or -1 when it could not be started (errno). */
typedef struct pel_bench_proc {
    double wall;
    long maxrss_kib;
} pel_bench_proc;

int pel_bench_spawn(char *const argv[], int threads, char *buf, size_t cap, pel_bench_proc *p);

/* The value after "key" and an '=' on a line of text (NPB's "Time in
 * seconds =     1.23"); NAN when absent. */
double pel_bench_field(const char *text, const char *key);
/* 1 when a line "Verification = SUCCESSFUL" is in text. */
int pel_bench_verified(const char *text);

#endif
