/* Components advanced at the same time: the execution engine of a coupler.
 *
 * Each item is one component (pel/component.h) and the steps it takes in
 * this call; the call returns when every item has taken them.  The modes
 * are the two ways OpenMP can share a machine among components, plus the
 * one-after-another reference a concurrency gain is measured against:
 *
 *   PEL_CONCURRENT_SEQUENTIAL  items in index order, each on its own
 *                              context's thread count;
 *   PEL_CONCURRENT_TASKS       one task per item in a team of the call's
 *                              context's size; inside each, the kernels'
 *                              work becomes tasks (taskloops) that any idle
 *                              thread takes, so the runtime balances the
 *                              load as components finish (nesting must be
 *                              off, OpenMP's default: with it on the kernels
 *                              would open teams of their own inside tasks);
 *   PEL_CONCURRENT_TEAMS       disjoint thread sets: an outer team of one
 *                              thread per item bound proc_bind(spread), and
 *                              inside, each component's own team of its
 *                              context's thread count, proc_bind(close) (the
 *                              layout: give each component its own context
 *                              and set its threads).  Needs nesting enabled
 *                              (omp_set_max_active_levels(2) or
 *                              OMP_MAX_ACTIVE_LEVELS=2): PEL_EINVAL otherwise.
 *
 * Results are the same bits in every mode and layout (each component's
 * arithmetic never depends on its thread count); only the time changes.
 * Items must be distinct components (one object, one thread at a time).
 * Per item the call records its status and the wall-clock seconds of its
 * own advance, from which a coupler reports busy and wait times; the call
 * returns the status of the first failing item in index order. */
#ifndef PEL_CONCURRENT_H
#define PEL_CONCURRENT_H

#include <pel/component.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_concurrent_mode {
    PEL_CONCURRENT_SEQUENTIAL,
    PEL_CONCURRENT_TASKS,
    PEL_CONCURRENT_TEAMS
} pel_concurrent_mode;

typedef struct pel_concurrent_item {
    pel_component *component; /* in */
    long nsteps;              /* in: steps to take, >= 0 */
    pel_status status;        /* out */
    double seconds;           /* out: wall-clock seconds of its advance */
} pel_concurrent_item;

/* "sequential", "tasks", "teams"; NULL for anything else. */
const char *pel_concurrent_mode_name(pel_concurrent_mode mode);

pel_status pel_concurrent_advance(pel_context *ctx, pel_concurrent_item *items, int n,
                                  pel_concurrent_mode mode);

/* Dynamic load balancing of a layout: given each component's measured
 * seconds over the same intervals on its current threads, a layout of
 * `total` threads (each component at least one) that minimises the largest
 * predicted time, predicting that time falls as 1/threads: each thread in
 * turn goes to the component that is slowest with what it has (ties: the
 * lower index).  The answer depends on the timings only, and the results of
 * a run never depend on the layout, so rebalancing changes speed, not bits.
 * PEL_EINVAL (on ctx) when total < n or an input is not positive. */
pel_status pel_concurrent_balance(pel_context *ctx, int n, const double *seconds, const int *threads,
                                  int total, int *layout);

#ifdef __cplusplus
}
#endif
#endif
