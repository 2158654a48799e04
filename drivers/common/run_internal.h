/* Private to drivers/common: the run loop's state, shared by the loop
 * (run.c), option parsing (options.c) and state files (stateio.c). */
#ifndef PEL_DRIVER_RUN_INTERNAL_H
#define PEL_DRIVER_RUN_INTERNAL_H

#include <stdio.h>

#include "common/driver.h"
#include "common/history.h"
#include "common/report.h"

typedef struct options {
    const char *config, *report, *restart, *baseline, *save;
    const char *record, *compare; /* --baseline-record DIR, --baseline-compare DIR */
    double baseline_tol;
    double walltime; /* seconds, 0: no limit */
    int threads; /* -1: from the configuration */
    int quiet, print_config, help, version;
    int progress; /* --progress: the progress line also when stderr is no terminal */
    const char **sets;
    int nsets;
} options;

typedef struct run {
    const pel_driver *d;
    options o;
    pel_context *ctx;
    pel_config *cfg;
    void *params; /* the component's parameters */
    pel_component *comp;
    pel_verify_log *log;
    pel_run_summary sum;
    pel_report rep;
    pel_interval *iv; /* niv records, room for iv_cap: grown as boundaries come */
    long niv, iv_cap;
    long iv_last_step;
    long ckpt_step; /* of the last checkpoint written */
    double iv_kernel; /* kernel seconds since the last boundary */
    int progress;     /* shown (a terminal, or --progress) */
    int progress_tty; /* on a terminal: rewritten in place */
    int progress_shown; /* a line is on the terminal now */
    double t_progress;
    double sim0, kernel_s; /* simulated time at the start, seconds advancing so far */
    pel_ckpt *baseline; /* opened and checked before the run */
    pel_field *fields;  /* the component's result fields as last listed */
    int nfields;
    char (*fingerprints)[PEL_FINGERPRINT_HEX];
    pel_baseline_diff *diffs;
    double (*diff_values)[2]; /* this run's and the baseline's value at each diff's abs_at */
    /* --baseline-record / --baseline-compare */
    char outputs[PEL_RUN_MAX_OUTPUTS][PEL_RUN_PATH_MAX]; /* the driver's output files */
    int noutputs;
    char bl_state[PEL_RUN_PATH_MAX + 16]; /* DIR/state.ckpt of --baseline-compare */
    int bl_noutputs;                      /* output files in that baseline ... */
    char bl_leaf[PEL_RUN_MAX_OUTPUTS][256]; /* ... their names in DIR */
    pel_history_diff *hdiffs[PEL_RUN_MAX_OUTPUTS]; /* each output file against its copy */
    int nhdiffs[PEL_RUN_MAX_OUTPUTS];
    int hcompared; /* 0: not compared; 1: compared; -1: skipped (no NetCDF) */
    double t_start;          /* when the program started (for --walltime) */
    char restart_path[1100]; /* the file --restart latest chose */
    char ckpt_path[1100];    /* the last checkpoint written */
} run;

static inline int pel_run_fail(run *r, int code)
{
    if (r->progress_shown) fprintf(stderr, "\r\033[K"); /* the error on a line of its own */
    r->progress_shown = 0;
    fprintf(stderr, "%s: error: %s\n", r->d->name, pel_context_error(r->ctx));
    return code;
}

static inline int pel_run_has_checkpoints(const pel_driver *d)
{
    return d->checkpoints && d->component->save && d->component->restore;
}

/* options.c: -1 to go on, otherwise the exit status */
void pel_run_usage(const pel_driver *d, FILE *out);
int pel_run_parse_options(const pel_driver *d, int argc, char **argv, options *o);

/* stateio.c: each returns -1 to go on, otherwise the exit status (after
 * printing the error), except pel_run_checkpoint, which returns a status.
 * pel_run_restart and pel_run_open_baseline check the file against the
 * component set up (kind, numerics, metadata, field names, types and shapes)
 * before the run; pel_run_fingerprints lists the final result fields and
 * hashes them. */
int pel_run_restart(run *r, long *step);
/* run.checkpoint_file itself when keep is 1, else base.<step, 12 digits>. */
void pel_run_checkpoint_name(const char *base, long keep, long step, char *out, size_t n);
/* Removes base's numbered checkpoints beyond the newest `keep`. */
void pel_run_checkpoint_prune(const char *base, long keep);
pel_status pel_run_checkpoint(run *r, const char *path, long step);
int pel_run_open_baseline(run *r);
int pel_run_fingerprints(run *r);
/* Lists the component's result fields into r->fields (a status). */
pel_status pel_run_list_fields(run *r);
int pel_run_compare_baseline(run *r);
void pel_run_state_free(run *r);

/* --baseline-record DIR and --baseline-compare DIR (stateio.c).  DIR holds
 * state.ckpt (the final state, as --save writes it), fingerprints.json (the
 * fields' fingerprints and the files' hashes, for people and scripts), a
 * copy of each of the driver's output files, and index.ckpt (written last,
 * removed first: without it DIR is not a baseline), which lists them with
 * their hashes.  pel_run_record_check creates DIR and checks that it can be
 * written (before the first step, exit 3 like every output);
 * pel_run_open_baseline_dir checks DIR against the run set up (exit 2);
 * pel_run_compare_outputs compares the output files after the run and
 * pel_run_baseline_summary prints the worst differences; pel_run_record
 * writes DIR after the run (a status). */
int pel_run_record_check(run *r);
/* Lists the driver's output files into r->outputs (after create). */
int pel_run_list_outputs(run *r);
int pel_run_open_baseline_dir(run *r);
int pel_run_compare_outputs(run *r);
void pel_run_baseline_summary(run *r);
pel_status pel_run_record(run *r, long step);

#endif
