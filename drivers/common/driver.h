/* The driver shape: a descriptor of one simulation, handed to the common run
 * loop, which owns options, configuration, the context, progress, hooks at
 * intervals, checkpoints, the final verification and the JSON run report.
 *
 * Exit status of pel_driver_main:
 *   0  every verification passed
 *   1  a verification failed (the report is still written)
 *   2  bad usage or input: options, configuration, restart or baseline file
 *   3  the run itself failed (a kernel error, a file that could not be written) */
#ifndef PEL_DRIVER_H
#define PEL_DRIVER_H

#include <pel/pel.h>

#include "common/cfg.h"

enum { PEL_EXIT_OK = 0, PEL_EXIT_VERIFY = 1, PEL_EXIT_USAGE = 2, PEL_EXIT_RUN = 3 };

/* A field of the simulation state: what fingerprints, baselines and
 * checkpoints cover.  data stays valid until the next advance. */
typedef struct pel_run_field {
    const char *name;
    double *data;
    int rank;
    uint64_t dims[4];
} pel_run_field;

/* A rate for the report, e.g. {"effective bandwidth", 41.2, "GB/s"}. */
typedef struct pel_run_rate {
    const char *name;
    double value;
    const char *unit;
} pel_run_rate;

#define PEL_RUN_MAX_FIELDS 8
#define PEL_RUN_MAX_META 32
#define PEL_RUN_MAX_RATES 4

typedef struct pel_driver {
    const char *name;     /* "pel-heat": also the checkpoint kind */
    const char *purpose;  /* one line for --help */
    const char *defaults; /* embedded default INI text, which sets every key */
    const pel_cfg_key *schema;
    const char *step_noun; /* "step", "solve": for progress and --help */

    /* Reads cfg, creates the state.  Errors go to ctx with a message that
     * names the configuration key at fault. */
    pel_status (*setup)(pel_context *ctx, const pel_config *cfg, void **state);
    pel_status (*advance)(void *state, long nsteps);
    /* Appends the state's invariants at its current step. */
    pel_status (*verify)(void *state, pel_verify_log *log);
    int (*fields)(void *state, pel_run_field *out);
    /* Rates over `seconds` of advancing `steps` steps. */
    int (*rates)(void *state, long steps, double seconds, pel_run_rate *out);
    /* Checkpoint support (both, or neither): the parameters a restart must
     * match, and the step a restored state resumes from. */
    int (*meta)(void *state, pel_ckpt_meta *out);
    pel_status (*restored)(void *state, long step);
    /* Simulated time at the current step, for checkpoints and reports (optional). */
    double (*time)(void *state);
    void (*teardown)(void *state);
} pel_driver;

int pel_driver_main(const pel_driver *d, int argc, char **argv);

#endif
