/* The driver shape: a descriptor of one simulation, handed to the common run
 * loop, which owns options, configuration, the context, progress, hooks at
 * intervals, checkpoints, the final verification and the JSON run report.
 * The simulation itself is a component (pel/component.h): the descriptor
 * holds only what is the driver's own, its name, help, defaults, settings,
 * the mapping from settings to the component's parameters and its rates.
 *
 * Exit status of pel_driver_main (and of the suites, suite.h):
 *   0  every verification passed
 *   1  a verification failed (the report is still written)
 *   2  bad usage or input: options, configuration, restart or baseline file
 *   3  the run itself failed (a kernel error, an output that cannot be written,
 *      checked before the first step; the OpenMP runtime failing to start)
 *   4  stopped before the --walltime limit, after a checkpoint when the run
 *      checkpoints (resume with --restart latest); no report is written
 *   128 + N  stopped by signal N (SIGINT 130, SIGTERM 143) at a step boundary,
 *      after any file being written was complete, and after a checkpoint
 *      there when the run checkpoints; or, in a long call that checks the
 *      flag (pel_context_set_cancel), within its tile or iteration, with no
 *      checkpoint of the part-advanced state; no report is written */
#ifndef PEL_DRIVER_H
#define PEL_DRIVER_H

#include <pel/pel.h>

#include "common/cfg.h"

enum { PEL_EXIT_OK = 0, PEL_EXIT_VERIFY = 1, PEL_EXIT_USAGE = 2, PEL_EXIT_RUN = 3, PEL_EXIT_WALLTIME = 4,
       PEL_EXIT_SIGNAL = 128 };

/* Around a run (the run loop and the suites call these): SIGINT and SIGTERM
 * set a flag that pel_run_stop_signal returns (0 when none came), and an
 * exit() while the guard is on (libgomp's when it cannot create threads)
 * becomes exit 3 with a one-line message naming `name`.  End restores the
 * signals' previous handling. */
void pel_run_guard_begin(const char *name);
void pel_run_guard_end(void);
int pel_run_stop_signal(void);
/* The flag itself, to attach to a run's contexts (pel_context_set_cancel):
 * a signal then stops a long library call within a tile or an iteration. */
const volatile sig_atomic_t *pel_run_stop_flag(void);
const char *pel_run_signal_name(int sig); /* "SIGTERM" */
/* A program stopped by the signal caught (pel_run_stop_signal() set): one
 * line, "PROG: error: stopped by SIGTERM, no report written", and 128 + N. */
int pel_run_stopped(const char *prog);

/* The state a run exposes is typed (pel/field.h) and comes from the
 * component: its result fields (pel_field, any element type, as many as it
 * has), which fingerprints and baselines cover, and its checkpoint state
 * (pel_component_save: fields and pel_meta parameters, integers, reals and
 * strings, which a restart or a baseline must match).  Checkpoints and
 * reports record the component's numerics version as "<family>=<version>"
 * (e.g. "heat=1"); a restart or baseline of other numerics is refused. */

/* A rate for the report, e.g. {"effective bandwidth", 41.2, "GB/s"}. */
typedef struct pel_run_rate {
    const char *name;
    double value;
    const char *unit;
} pel_run_rate;

#define PEL_RUN_MAX_RATES 4
#define PEL_RUN_MAX_OUTPUTS 8   /* output files a driver lists (history files) */
#define PEL_RUN_PATH_MAX 1024

typedef struct pel_driver {
    const char *name;     /* "pel-heat": also the checkpoint kind */
    const char *purpose;  /* one line for --help */
    const char *defaults; /* embedded default INI text, which sets every key */
    const pel_cfg_key *schema;
    const pel_component_type *component;
    /* Optional, NULL-terminated: the component types inside `component`
     * whose arithmetic shapes its results too (a coupled model's parts):
     * their versions join the numerics record, "climate=1,atmosphere=1,..." */
    const pel_component_type *const *parts;
    /* Fills the component's parameters (already set by its params_default)
     * from cfg.  Errors go to ctx with a message naming the key at fault;
     * the component's create checks the values. */
    pel_status (*params)(pel_context *ctx, const pel_config *cfg, void *params);
    /* Rates over `seconds` of advancing `steps` steps (optional). */
    int (*rates)(const void *params, long steps, double seconds, pel_run_rate *out);
    /* Offer checkpoints, --restart and the checkpoint settings (the
     * component must support save/restore). */
    int checkpoints;
    /* Optional: the component's own part of the report (written as the
     * value of the problem's "details") and of the printed summary. */
    void (*report_json)(pel_json *w, pel_component *c);
    void (*report_print)(FILE *out, pel_component *c);
    /* Optional: called once after the last step and the final verification,
     * before the report (e.g. to commit output files); a failure is exit 3. */
    pel_status (*finish)(pel_component *c);
    /* Optional: the driver's part of the progress line, appended after
     * "interval 120/8760 (1%), " (e.g. the simulated date, SYPD and the
     * budgets' closure): sim_s is the simulated time advanced by this run
     * (pel_component_time's units) and wall_s the seconds spent advancing
     * it.  Writes a string of at most n - 1 characters into buf. */
    void (*progress)(char *buf, size_t n, pel_component *c, double sim_s, double wall_s);
    /* Optional: the files the run writes besides the report, checkpoints
     * and --save (history files, NetCDF), which --baseline-record copies and
     * --baseline-compare compares variable by variable; called before
     * create, from the parameters.  Writes at most max paths, returns how
     * many. */
    int (*outputs)(const void *params, char (*paths)[PEL_RUN_PATH_MAX], int max);
} pel_driver;

int pel_driver_main(const pel_driver *d, int argc, char **argv);

/* Strict option values, for every program (drivers, suites, pel-bench): the
 * whole argument must be a decimal integer (or a finite decimal real: no
 * blanks, hex floats, inf or nan) in [lo, hi]; otherwise one line on stderr,
 * "PROG: error: OPT ARG: expected ...", and 0 (exit 2 is the caller's). */
int pel_opt_int(const char *prog, const char *opt, const char *arg, long lo, long hi, long *out);
int pel_opt_real(const char *prog, const char *opt, const char *arg, double lo, double hi, double *out);
/* The most threads a program takes (--threads, run.threads). */
#define PEL_OPT_MAX_THREADS 4096
/* Sets ctx's thread count to `threads` when given (> 0); else checks the
 * count the context took from OpenMP (OMP_NUM_THREADS or the cores) is
 * at most PEL_OPT_MAX_THREADS.  -1 to go on, else one line on stderr and
 * the exit status. */
int pel_opt_threads(const char *prog, pel_context *ctx, long threads);
/* 1 when the len characters at p are a decimal real, the one notation of
 * every number a program reads (options, configuration, matrix files):
 * -?(digits[.digits*]|.digits)([eE][+-]?digits)?, so no blanks, '+', hex,
 * inf or nan */
int pel_decimal_real(const char *p, size_t len);
/* getopt's ':' or '?' (a value missing, an unknown option) as one line;
 * returns exit 2. */
int pel_opt_missing(const char *prog, int c, char **argv);
/* -1 when getopt left no operand, else one line and exit 2. */
int pel_opt_extra(const char *prog, int argc, char **argv);
/* The files a program reads and writes, named in its options: 0 with one
 * line on stderr when two of them that must differ name one file (the same
 * file when it exists, else the same name in the same directory), as
 * "PROG: error: OPT_A and OPT_B name the same file 'PATH'"; 1 otherwise.
 * what[i] names path[i] (NULL paths are not given); may_equal[i] is a
 * bitmask of the j < i whose path[j] may name the same file (0: none). */
int pel_opt_distinct(const char *prog, int n, const char *const *what, const char *const *path,
                     const unsigned *may_equal);
/* At a program's end: when standard output could not be written (a full
 * disk, a closed descriptor) one line on stderr and exit 3 in place of a
 * clean `code`; otherwise `code`. */
int pel_opt_stdout(const char *prog, int code);
/* A file option that may be given once: *field = arg, or 0 after a
 * one-line message when it already holds one (the last would otherwise
 * win silently, dropping the first file). */
int pel_opt_once(const char *prog, const char *opt, const char **field, const char *arg);

#endif
