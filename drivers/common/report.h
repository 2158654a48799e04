/* The JSON run report: one versioned schema for every driver (README,
 * "Run reports").  Bump PEL_REPORT_VERSION when a field changes meaning. */
#ifndef PEL_DRIVER_REPORT_H
#define PEL_DRIVER_REPORT_H

#include "common/driver.h"

#define PEL_REPORT_SCHEMA "pel-run-report"
#define PEL_REPORT_VERSION 1

/* A final field against the baseline's (pel_field_compare), with the
 * multi-indices of the first difference and of the largest ones (reals). */
typedef struct pel_baseline_diff {
    const char *name;
    pel_dtype type;
    int rank;
    pel_field_diff d;
    uint64_t first_at[PEL_FIELD_MAX_RANK], abs_at[PEL_FIELD_MAX_RANK], ulp_at[PEL_FIELD_MAX_RANK];
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
    const char *numerics;      /* the driver's numerics versions */
    const pel_field *fields;   /* the final fields ... */
    char (*fingerprints)[PEL_FINGERPRINT_HEX]; /* ... their fingerprints */
    int nfields;
    const char *baseline_file; /* NULL when not compared */
    double baseline_tol;
    const pel_baseline_diff *diffs; /* one per field */
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
