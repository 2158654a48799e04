/* The JSON run report: one versioned schema for every driver (README,
 * "Run reports").  Bump PEL_REPORT_VERSION when a field changes meaning. */
#ifndef PEL_DRIVER_REPORT_H
#define PEL_DRIVER_REPORT_H

#include "common/driver.h"

#define PEL_REPORT_SCHEMA "pel-run-report"
#define PEL_REPORT_VERSION 1

typedef struct pel_baseline_diff {
    char name[PEL_CKPT_NAME_MAX];
    uint64_t count, differing;
    double max_abs_diff, max_rel_diff;
    uint64_t at[4]; /* multi-index of the largest difference */
    int rank;
} pel_baseline_diff;

/* What happened at one interval boundary: timing always, verification when
 * it was due (checks < 0 otherwise). */
typedef struct pel_interval {
    long step, steps;  /* boundary, and steps since the previous boundary */
    double kernel_s;   /* kernel time over those steps */
    int checks, failures;
} pel_interval;

typedef struct pel_run_summary {
    const pel_driver *driver;
    int argc;
    char **argv;
    int threads;
    const pel_config *cfg;
    const pel_context *ctx;
    const char *restart_file; /* NULL when not restarted */
    long step_start, step_end;
    double kernel_seconds;
    pel_run_rate rates[PEL_RUN_MAX_RATES];
    int nrates;
    const pel_verify_log *final_log;
    const pel_interval *intervals;
    int nintervals;
    pel_run_field fields[PEL_RUN_MAX_FIELDS];
    char fingerprints[PEL_RUN_MAX_FIELDS][PEL_FINGERPRINT_HEX];
    int nfields;
    const char *baseline_file; /* NULL when not compared */
    double baseline_tol;
    pel_baseline_diff diffs[PEL_RUN_MAX_FIELDS];
    const char *checkpoints_written; /* last checkpoint path, or NULL */
    int exit_status;
} pel_run_summary;

/* The human summary: verification records, fingerprints, baseline
 * differences, time, rates and the verdict. */
void pel_report_print(const pel_run_summary *s, FILE *out);

/* The "version", "build" (compiler, flags, OpenMP) and "host" members that
 * every PEL report carries, written into the object open in w. */
void pel_report_provenance(pel_json *w);

/* Writes the report atomically: the file appears whole or not at all. */
pel_status pel_report_write(pel_context *ctx, const char *path, const pel_run_summary *s);

#endif
