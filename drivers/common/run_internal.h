/* Private to drivers/common: the run loop's state, shared by the loop
 * (run.c), option parsing (options.c) and state files (stateio.c). */
#ifndef PEL_DRIVER_RUN_INTERNAL_H
#define PEL_DRIVER_RUN_INTERNAL_H

#include <stdio.h>

#include "common/driver.h"
#include "common/report.h"

typedef struct options {
    const char *config, *report, *restart, *baseline, *save;
    double baseline_tol;
    double walltime; /* seconds, 0: no limit */
    int threads; /* -1: from the configuration */
    int quiet, print_config, help, version;
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
    pel_interval *iv;
    int niv;
    long iv_last_step;
    long ckpt_step; /* of the last checkpoint written */
    double iv_kernel; /* kernel seconds since the last boundary */
    int progress; /* on a terminal */
    double t_progress;
    pel_ckpt *baseline; /* opened and checked before the run */
    pel_field *fields;  /* the component's result fields as last listed */
    int nfields;
    char (*fingerprints)[PEL_FINGERPRINT_HEX];
    pel_baseline_diff *diffs;
    double t_start;          /* when the program started (for --walltime) */
    char restart_path[1100]; /* the file --restart latest chose */
    char ckpt_path[1100];    /* the last checkpoint written */
} run;

static inline int pel_run_fail(run *r, int code)
{
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

#endif
