/* Benchmark of the shallow-water ocean (pel/ocean.h): cell updates per
 * second and the effective bandwidth (PEL_OCEAN_BYTES_PER_CELL bytes per
 * cell update) against the STREAM triad bound measured in the same run,
 * repetitions interleaved (triad, ocean, triad, ...) so that a machine
 * shared with other work slows both alike; and the kernel's speed when
 * memory costs nothing (a small basin per thread, in the caches), which
 * bounds the ratio any memory could give.  For pel-bench. */
#ifndef PEL_DRIVER_BENCH_OCEAN_H
#define PEL_DRIVER_BENCH_OCEAN_H

#include <stddef.h>
#include <pel/pel.h>

#include "common/bench.h"

#define PEL_BENCH_OCEAN_SERIES 6

typedef struct pel_bench_ocean {
    size_t nx, ny;       /* the basin's cells */
    int steps;           /* RK3 steps per repetition */
    pel_ocean *o;
    /* the cached basins: one per thread, each nx x cny cells on a context
     * of its own with 1 thread, csteps steps a repetition */
    size_t cny;
    int csteps, nc;
    pel_context **cctx;
    pel_ocean **oc;
    pel_bench_triad tr;  /* the bound's arrays: as large as the ocean's state */
} pel_bench_ocean;

/* A nonlinear Stommel basin (wind, drag, viscosity, heat flux, bump) of
 * about `cells` cells; the cached basins, one per thread of ctx with the
 * same cells and columns in 32 rows (fewer if together they would take
 * more than half the last-level cache; at least 8); and triad arrays of
 * the basin's memory footprint, each also at least 4x the last-level caches
 * unless `quick` (a test's tiny run, whose figures mean nothing).  Returns
 * 0 on failure (the message in ctx). */
int pel_bench_ocean_init(pel_context *ctx, pel_bench_ocean *b, size_t cells, int steps, int quick);

/* `reps` interleaved repetitions (at most PEL_BENCH_MAX_REPS), after one
 * warm-up, into the series: "ocean cell updates" (Mcell/s), "ocean
 * effective bandwidth" (GB/s), "triad bandwidth" (GB/s, the mean of the
 * triads just before and after each ocean repetition), "ocean / triad"
 * (ratio), "ocean in cache" (Mcell/s: the cached basins stepped at once,
 * one a thread, after the basin in each repetition; the sum of their
 * rates, each over its thread's own time, so that no barrier couples
 * them) and "in cache / triad" (its effective
 * bandwidth over the same triad: the most "ocean / triad" could be if the
 * memory traffic cost no time).  Returns 0 on a kernel error. */
int pel_bench_ocean_measure(pel_context *ctx, pel_bench_ocean *b, int reps,
                            pel_bench_series out[PEL_BENCH_OCEAN_SERIES]);

void pel_bench_ocean_free(pel_bench_ocean *b);

#endif
