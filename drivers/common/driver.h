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

/* The state a run exposes is typed (pel/field.h): fields (pel_field, any
 * element type), which fingerprints, baselines and checkpoints cover, and
 * metadata (pel_meta: integers, reals, strings), the parameters a restart or
 * a baseline must match.  A field's data stays valid until the next advance;
 * where the driver restarts, the run loop restores fields into that memory,
 * so it must be writable. */

/* A rate for the report, e.g. {"effective bandwidth", 41.2, "GB/s"}. */
typedef struct pel_run_rate {
    const char *name;
    double value;
    const char *unit;
} pel_run_rate;

/* Most fields and metadata records a driver may list (the run loop provides
 * arrays of these sizes). */
#define PEL_RUN_MAX_FIELDS 1024
#define PEL_RUN_MAX_META 1024
#define PEL_RUN_MAX_RATES 4

typedef struct pel_driver {
    const char *name;     /* "pel-heat": also the checkpoint kind */
    const char *purpose;  /* one line for --help */
    const char *defaults; /* embedded default INI text, which sets every key */
    const pel_cfg_key *schema;
    const char *step_noun; /* "step", "solve": for progress and --help */
    /* Numerics versions of the families the driver runs, e.g. "heat=1" or
     * "gauss=1,sparse=2" (PEL_RUN_NUMERICS): written into checkpoints and
     * reports; a restart or baseline of other numerics is refused. */
    const char *numerics;

    /* Reads cfg, creates the state.  Errors go to ctx with a message that
     * names the configuration key at fault. */
    pel_status (*setup)(pel_context *ctx, const pel_config *cfg, void **state);
    pel_status (*advance)(void *state, long nsteps);
    /* Appends the state's invariants at its current step. */
    pel_status (*verify)(void *state, pel_verify_log *log);
    /* Lists the state's fields in out (at most PEL_RUN_MAX_FIELDS); returns
     * how many. */
    int (*fields)(void *state, pel_field *out);
    /* Rates over `seconds` of advancing `steps` steps. */
    int (*rates)(void *state, long steps, double seconds, pel_run_rate *out);
    /* Lists the parameters a restart or baseline must match in out (at most
     * PEL_RUN_MAX_META; optional); with restored, checkpoint and restart
     * support. */
    int (*meta)(void *state, pel_meta *out);
    /* The step a restored state resumes from. */
    pel_status (*restored)(void *state, long step);
    /* Simulated time at the current step, for checkpoints and reports (optional). */
    double (*time)(void *state);
    void (*teardown)(void *state);
} pel_driver;

/* One entry of pel_driver.numerics: PEL_RUN_NUMERICS("heat",
 * PEL_HEAT_NUMERICS_VERSION) is "heat=1"; join several with ",". */
#define PEL_RUN_NUMERICS_STR_(v) #v
#define PEL_RUN_NUMERICS(family, version) family "=" PEL_RUN_NUMERICS_STR_(version)

int pel_driver_main(const pel_driver *d, int argc, char **argv);

#endif
