/* The suite shape: several named problems, each a component run for a given
 * class (variant), repeated with the median time taken and the fingerprints
 * of every repetition required to agree, verified, printed and reported in
 * the common run report (report.h), one entry per problem.  A suite driver
 * (pel-npb) is a table of problems, the printing of its own result format
 * and main calling pel_suite_main.
 *
 * Command line (the problem option's name is the suite's problem_noun):
 *   --kernel NAME|all, --class X, --threads N, --repeat N, --report FILE,
 *   --no-triad (with a triad hook), --verbose, --quiet, --help, --version;
 *   exit status as in driver.h, and a
 *   repetition whose fingerprints differ from the first's is a failed
 *   verification. */
#ifndef PEL_DRIVER_SUITE_H
#define PEL_DRIVER_SUITE_H

#include <stdio.h>

#include "common/report.h"

/* One problem at one class, as the problem's setup describes it. */
typedef struct pel_suite_case {
    long steps;                      /* the steps that make the problem */
    pel_meta info[PEL_RUN_MAX_INFO]; /* the report's "info" (strings in text, or static) */
    int ninfo;
    char text[PEL_RUN_MAX_INFO][64];
    double work; /* for the suite's rates, e.g. NPB's operation count */
    /* Bytes one step moves through memory by the problem's own count (its
     * docs say which), for the roofline fraction; 0: none (not memory-bound,
     * or step_bytes gives it after create). */
    double bytes;
    /* Optional (set by setup): the bytes per step when they depend on what
     * create built (e.g. a matrix's nonzeros), read after create into bytes. */
    double (*step_bytes)(pel_component *comp);
} pel_suite_case;

typedef struct pel_suite_problem {
    const char *name;  /* "cg": the value of the problem option */
    const char *title; /* "CG" */
    const pel_component_type *component;
    /* Fills the component's parameters (already at params_default) for class
     * cls (one of the suite's classes) and describes the case.  Errors go to
     * ctx. */
    pel_status (*setup)(pel_context *ctx, char cls, void *params, pel_suite_case *c);
} pel_suite_problem;

typedef struct pel_suite pel_suite;
struct pel_suite {
    const char *name;         /* "pel-npb" */
    const char *purpose;      /* one line for --help */
    const char *problem_noun; /* "kernel": the option --kernel */
    const char *class_noun;   /* "NPB class": for messages */
    const char *classes;      /* "SWABC" */
    char default_class;
    const pel_suite_problem *const *problems;
    int nproblems;
    /* Rates of a case over `seconds` of its steps (optional). */
    int (*rates)(const pel_suite_case *c, double seconds, pel_run_rate *out);
    /* Printing before a problem runs and after (optional; not with --quiet). */
    void (*print_start)(const pel_suite *s, const pel_suite_problem *p, char cls, FILE *out);
    void (*print_result)(const pel_suite *s, const pel_report *r, const pel_run_summary *sum, FILE *out);
    /* Optional: the memory bound in GB/s on `threads` threads (a STREAM
     * triad), measured once per invocation before the first problem unless
     * --no-triad; seconds receives the time it took.  A problem whose case
     * has bytes then gets three more rates: "memory traffic" (GB/s over its
     * timed steps), "roofline fraction" (that over the triad) and "triad"
     * (GB/s). */
    double (*triad_gbs)(int threads, double *seconds);
};

#define PEL_SUITE_MAX_REPEAT 100

int pel_suite_main(const pel_suite *s, int argc, char **argv);

#endif
