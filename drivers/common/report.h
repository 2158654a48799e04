/* The JSON run report: one versioned schema for every driver and suite
 * (README, "Run reports"): the run's provenance and settings, then one entry
 * per problem (a simulation driver has one, a suite one per problem it ran).
 * Bump PEL_REPORT_VERSION when a field changes meaning. */
#ifndef PEL_DRIVER_REPORT_H
#define PEL_DRIVER_REPORT_H

#include "common/driver.h"

#define PEL_REPORT_SCHEMA "pel-run-report"
#define PEL_REPORT_VERSION 2

#define PEL_RUN_MAX_INFO 4
#define PEL_RUN_NUMERICS_MAX 96

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

/* One problem's outcome: a report entry. */
typedef struct pel_run_summary {
    const char *problem;             /* entry name: the component's, or the suite problem's */
    const pel_component_type *type;  /* NULL when the problem failed before create */
    const char *variant;             /* a suite's class ("S"), or NULL */
    pel_meta info[PEL_RUN_MAX_INFO]; /* a suite problem's own description (NPB's size...) */
    int ninfo;
    const pel_context *ctx;          /* its timer regions */
    const char *restart_file;        /* NULL when not restarted */
    long step_start, step_end;
    double kernel_seconds;           /* the median over the repetitions */
    const double *rep_seconds;       /* each repetition's kernel time */
    int nreps, reps_identical;       /* reps_identical: every repetition's fingerprints equal */
    pel_run_rate rates[PEL_RUN_MAX_RATES];
    int nrates;
    const pel_verify_log *final_log;
    const pel_interval *intervals;
    long nintervals;
    char numerics[PEL_RUN_NUMERICS_MAX]; /* "heat=1": the component's family and numerics version */
    const pel_field *fields;         /* the final fields (owned by the loop) ... */
    char (*fingerprints)[PEL_FINGERPRINT_HEX]; /* ... their fingerprints */
    int nfields;
    const char *baseline_file; /* NULL when not compared */
    double baseline_tol;
    const pel_baseline_diff *diffs; /* one per field */
    const char *checkpoints_written; /* last checkpoint path, or NULL */
    const char *error;               /* why the problem failed, or NULL */
    int exit_status;
    pel_component *component; /* for the driver's own report parts, or NULL */
    void (*details_json)(pel_json *w, pel_component *c);
    void (*details_print)(FILE *out, pel_component *c);
} pel_run_summary;

/* The whole run. */
typedef struct pel_report {
    const char *program; /* "pel-heat" */
    int argc;
    char **argv;
    int threads;
    const pel_config *cfg;    /* the effective configuration, or NULL: */
    const pel_meta *settings; /* then the run's settings, as "config" */
    int nsettings;
    const pel_run_summary *problems;
    int nproblems;
    int exit_status;
} pel_report;

/* Sets s->type and s->numerics ("<name>=<numerics_version>", as checkpoints
 * record it; "" for NULL). */
void pel_report_set_type(pel_run_summary *s, const pel_component_type *type);
/* appends ",<family>=<version>" to the numerics record for each of parts
 * (NULL-terminated; NULL: none) */
void pel_report_add_parts(pel_run_summary *s, const pel_component_type *const *parts);

/* Fingerprints every field of s into s->fingerprints (pel_field_fingerprint). */
void pel_report_fingerprints(pel_run_summary *s);

/* Sorts x[0..n) and returns its median (0 for n = 0). */
double pel_report_median(double *x, int n);

/* CPU seconds of the whole process (CLOCK_PROCESS_CPUTIME_ID), all its
 * threads: unlike wall time, not inflated by other processes sharing the
 * cores, and at one thread exactly the work done between two readings. */
double pel_report_cpu_seconds(void);

/* The human summary of a simulation driver's problem: verification
 * records, fingerprints, baseline differences, time, rates and the verdict. */
void pel_report_print(const pel_report *r, const pel_run_summary *s, FILE *out);

/* The "version", "build" (compiler, flags, OpenMP) and "host" members that
 * every PEL report carries, written into the object open in w. */
void pel_report_provenance(pel_json *w);

/* The members every PEL report begins with, into the object open in w:
 * schema, schema_version, program, numerics, the provenance and
 * command_line (argv[0 .. argc), none when argv is NULL). */
void pel_report_head(pel_json *w, const char *program, const char *numerics, int argc, char *const *argv);

/* Writes the report atomically: the file appears whole or not at all. */
pel_status pel_report_write(pel_context *ctx, const char *path, const pel_report *r);

#endif
