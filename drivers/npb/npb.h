/* pel-npb's view of one NAS Parallel Benchmark kernel.  The kernel itself
 * (and its problem generator and class table) lives in its library family;
 * the file drivers/npb/<name>.c only runs one class of it the way NPB 3.3.1
 * does: generate, time the benchmark section, verify against NPB's values. */
#ifndef PEL_NPB_H
#define PEL_NPB_H

#include <stdio.h>

#include <pel/pel.h>

typedef struct npb_result {
    char size[64];    /* NPB's "Size" field, e.g. "256x256x128" or "8388608" */
    long iterations;  /* NPB's "Iterations" field */
    double seconds;   /* the section NPB times, nothing else */
    double mops;      /* NPB's operation count / seconds / 1e6 */
    /* Hash of the kernel's final result arrays (pel_fingerprint): equal
     * across thread counts and runs, which the PET/REP tests check. */
    char fingerprint[PEL_FINGERPRINT_HEX];
} npb_result;

typedef struct npb_kernel {
    const char *name;   /* "ep", "cg", "mg", "ft", "is" */
    const char *optype; /* NPB's "Operation type" */
    /* Runs class cls (one of S W A B C, already checked) on
     * pel_context_threads(ctx) threads: appends NPB's verification checks to
     * log (NPB's reference values and tolerances) and fills res.  Prints
     * NPB's own progress lines (e.g. FT's checksum per iteration) to out
     * when out is not NULL.  An error (out of memory, a kernel error) is
     * returned with its message in ctx. */
    pel_status (*run)(pel_context *ctx, char cls, FILE *out, pel_verify_log *log,
                      npb_result *res);
} npb_kernel;

extern const npb_kernel npb_ep, npb_cg, npb_mg, npb_ft, npb_is;

#endif
